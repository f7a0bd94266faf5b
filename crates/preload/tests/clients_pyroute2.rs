//! pyroute2's `IPRoute`, unmodified, through the shim
//! (`tests/scripts/pyroute2_links.py`): link_lookup, get_links, link
//! add (veth, bridge) / set (mtu, up, rename, master) / get / dump / del,
//! its NetlinkError codes, and an event listener (`bind()` + `get()`)
//! seeing another process's changes; and (`tests/scripts/pyroute2_l3.py`)
//! addr add/del and get_addr, route add/replace/get/del and get_routes
//! (main, a numbered table, local, IPv6), neigh add/del and get_neighbours
//! (permanent, reachable, stale; IPv4 and IPv6), their errors, and a
//! listener seeing the address another process adds, with its routes.
//! Each transcript must equal the live kernel's (as root, in a new network
//! namespace) and its recording.
//! `.ci/run` installs pyroute2; without it here the test says so and passes.

mod support;

use std::process::{Command, Stdio};

use support::{compare, live, script_path, Sim};

fn have_pyroute2() -> bool {
    let ok = Command::new("python3").args(["-c", "import pyroute2"]).status().map(|s| s.success()).unwrap_or(false);
    if !ok {
        eprintln!("note: skipped: no python3 with pyroute2 here (`pip install pyroute2`; CI installs it)");
    }
    ok
}

#[test]
fn pyroute2_links_and_events_match_the_kernel() {
    if !have_pyroute2() {
        return;
    }
    let script = script_path("pyroute2_links.py");
    let sim = Sim::start("");
    let out = sim.command("python3").arg(&script).stderr(Stdio::inherit()).output().expect("python3");
    assert!(out.status.success(), "the script failed under the shim");
    let mine = String::from_utf8_lossy(&out.stdout).into_owned();
    let real = live().then(|| {
        let o = Command::new("unshare").arg("-n").arg("python3").arg(&script).output().expect("unshare");
        String::from_utf8_lossy(&o.stdout).into_owned()
    });
    compare("pyroute2_links", &mine, real.as_deref());
}

#[test]
fn pyroute2_addresses_routes_neighbours_and_events_match_the_kernel() {
    if !have_pyroute2() {
        return;
    }
    let script = script_path("pyroute2_l3.py");
    let sim = Sim::start("");
    let out = sim.command("python3").arg(&script).stderr(Stdio::inherit()).output().expect("python3");
    assert!(out.status.success(), "the script failed under the shim");
    let mine = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(mine.contains("event RTM_NEWADDR (2, 2, '10.9.0.1', 24"), "{mine}");
    let real = live().then(|| {
        let o = Command::new("unshare").arg("-n").arg("python3").arg(&script).output().expect("unshare");
        String::from_utf8_lossy(&o.stdout).into_owned()
    });
    compare("pyroute2_l3", &mine, real.as_deref());
}
