//! The simulator through the `ip` client, held to the live kernel.
//!
//! The recordings in `tests/scripts/*.real` are the live kernel's transcripts
//! of the same scripts through the same client (tests/real_kernel.rs checks
//! that they still are), with MAC addresses named by order of appearance and
//! bridge timers masked; the simulator's transcript, read the same way, must
//! be identical.

#[path = "support/transcript.rs"]
mod transcript;

use rtnlsim_cli::host::SimHost;
use rtnlsim_cli::run::{run_script, RunOptions};
use rtnlsim_kernel::{Config, Kernel};
use transcript::{first_difference, transcript_on};

fn sim(seed: u64) -> SimHost {
    SimHost::new(Kernel::new(Config { seed, ..Config::default() }))
}

fn recording(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/scripts/{name}.real"));
    std::fs::read_to_string(path).expect("recording")
}

fn held_to_recording(name: &str) {
    let script = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/scripts/{name}.ip")),
    )
    .expect("script");
    let got = transcript_on(&sim(Config::default().seed), &script);
    if let Some(d) = first_difference(&recording(name), &got) {
        panic!("the live kernel (left) and the simulator (right): {d}");
    }
}

#[test]
fn sim_netns_script_prints_what_the_live_kernel_made_ip_print() {
    held_to_recording("netns");
}

fn run(host: &SimHost, script: &str, opts: &RunOptions) -> (String, String, i32) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = run_script(host, script, opts, &mut out, &mut err);
    (String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap(), status)
}

/// The live kernel here has no dummy module: what iproute2 6.1 prints for a
/// dummy device as drivers/net/dummy.c sets it up (ether_setup, then NOARP
/// on and MULTICAST off, IFF_NO_QUEUE, min and max MTU 0, a random MAC; no
/// `netif_set_tso_max_size` in 6.18, so tso_max_size stays alloc_netdev's
/// TSO_LEGACY_MAX_SIZE, as for a bridge without ports).
#[test]
fn sim_dummy_shows_as_iproute2_prints_drivers_net_dummy_c() {
    let script = "link add d0 type dummy\nlink show d0\nlink set d0 up\n-j link show d0\n-d link show d0\nlink del d0\nlink show d0\n";
    let got = transcript_on(&sim(Config::default().seed), script);
    let want = r#"$ ip link add d0 type dummy
= 0
$ ip link show d0
2: d0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000
    link/ether <MAC0> brd ff:ff:ff:ff:ff:ff
= 0
$ ip link set d0 up
= 0
$ ip -j link show d0
[{"ifindex":2,"ifname":"d0","flags":["BROADCAST","NOARP","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","operstate":"UNKNOWN","linkmode":"DEFAULT","group":"default","txqlen":1000,"link_type":"ether","address":"<MAC0>","broadcast":"ff:ff:ff:ff:ff:ff"}]
= 0
$ ip -d link show d0
2: d0: <BROADCAST,NOARP,UP,LOWER_UP> mtu 1500 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000
    link/ether <MAC0> brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 0 maxmtu 0 
    dummy addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 tso_max_size 65536 tso_max_segs 65535 gro_max_size 65536 
= 0
$ ip link del d0
= 0
$ ip link show d0
Device "d0" does not exist.
= 1
"#;
    if let Some(d) = first_difference(want, &got) {
        panic!("iproute2 on dummy.c (left) and the simulator (right): {d}");
    }
}

/// `ip -batch` semantics where they depend on link answers.
#[test]
fn sim_batch_stops_at_the_first_kernel_error_unless_forced() {
    let script =
        "link add v0 type veth peer name v1\nlink add v0 type veth peer name v1\nlink set v0 mtu 99999\nlink show v0\n";
    let opts = RunOptions { name: "s".into(), ..Default::default() };
    let (out, err, status) = run(&sim(1), script, &opts);
    assert_eq!((out.as_str(), status), ("", 1));
    assert_eq!(err, "RTNETLINK answers: File exists\nCommand failed s:2\n");

    let forced = RunOptions { force: true, ..opts };
    let (out, err, status) = run(&sim(1), script, &forced);
    assert_eq!(status, 1);
    // The peer is down: M-DOWN, as `ip link show v0` prints on the live kernel (links.real).
    assert!(out.starts_with("3: v0@v1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN"), "{out}");
    assert_eq!(
        err,
        "RTNETLINK answers: File exists\nCommand failed s:2\nError: mtu greater than device maximum.\nCommand failed s:3\n"
    );
}

#[test]
fn sim_link_script_prints_what_the_live_kernel_made_ip_print() {
    held_to_recording("links");
}

#[test]
fn sim_runs_print_the_same_bytes_and_the_seed_picks_the_macs() {
    let script = "link add v0 type veth peer name v1\nlink add br0 type bridge\nlink set v0 master br0\n-d link show\n";
    let opts = RunOptions { name: "s".into(), ..Default::default() };
    let a = run(&sim(1), script, &opts);
    assert_eq!(a, run(&sim(1), script, &opts));
    assert_eq!(a.2, 0, "{}", a.1);
    let b = run(&sim(2), script, &opts);
    assert_ne!(a.0, b.0, "another seed, other MAC addresses");
    assert_eq!(transcript::name_macs(&a.0), transcript::name_macs(&b.0));
}

#[test]
fn sim_addr_script_prints_what_the_live_kernel_made_ip_print() {
    held_to_recording("addr");
}

#[test]
fn sim_route_script_prints_what_the_live_kernel_made_ip_print() {
    held_to_recording("route");
}

#[test]
fn sim_neigh_script_prints_what_the_live_kernel_made_ip_print() {
    held_to_recording("neigh");
}
