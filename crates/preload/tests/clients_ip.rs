//! The machine's real `ip` (iproute2 6.1), unmodified, through
//! `librtnlsim_preload.so` against a served simulated kernel — and the same
//! commands on the live kernel in a throwaway network namespace: the
//! outputs must be the same (MAC addresses are set explicitly so that none
//! is random; bridge timers, which tick, are masked). Without root the live
//! half is skipped with a note, and the simulator is held to the recording
//! of the live kernel's output in `tests/scripts/*.real`.

mod support;

use std::process::Command;

use support::{compare, have_ip, ip_is_6_1, live, live_bash, mask_timers, preload, script_path, Sim, PRELUDE};

fn script(name: &str) -> String {
    let body = std::fs::read_to_string(script_path(name)).expect("script");
    format!("{PRELUDE}\n{body}")
}

#[test]
fn ip_link_add_set_show_del_matches_the_kernel() {
    if !ip_is_6_1() {
        return;
    }
    let s = script("links.sh");
    let sim = mask_timers(&Sim::start("").bash(&s));
    let real = live().then(|| mask_timers(&live_bash(&s)));
    compare("links", &sim, real.as_deref());
}

#[test]
fn ip_monitor_sees_what_another_process_does() {
    if !ip_is_6_1() {
        return;
    }
    let s = script("monitor.sh");
    let sim = Sim::start("").bash(&s);
    assert!(sim.contains("Deleted 2: d1"), "{sim}");
    let real = live().then(|| live_bash(&s));
    compare("monitor", &sim, real.as_deref());
}

#[test]
fn namespaces_through_rtnlsim_netns() {
    if !ip_is_6_1() {
        return;
    }
    let body = script("netns.sh");
    // The simulator: the server's `ip netns` made "blue"; RTNLSIM_NETNS picks it.
    let setup = "netns add blue\n\
                 link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02 netns blue\n";
    let sim = Sim::start(setup).bash(&format!("inblue() {{ RTNLSIM_NETNS=blue \"$@\" 2>&1; }}\n{body}"));
    assert!(sim.contains("v1@if2"), "{sim}");
    // The live kernel: the other namespace is a sleeping process's.
    let real = live().then(|| {
        live_bash(&format!(
            "unshare -n sleep 60 & b=$!\n\
             while [ \"$(readlink /proc/$b/ns/net)\" = \"$(readlink /proc/self/ns/net)\" ]; do sleep 0.01; done\n\
             ip link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02 netns $b\n\
             inblue() {{ nsenter -t $b -n \"$@\" 2>&1; }}\n{body}\nkill $b"
        ))
    });
    compare("netns", &sim, real.as_deref());
}

/// `ip link show` with the shim and this environment: (status, stdout, stderr).
fn ip_show(env: &[(&str, &str)]) -> (i32, String, String) {
    let mut c = Command::new("timeout");
    c.args(["10", "ip", "link", "show"]).env("LD_PRELOAD", preload()).env_remove("RTNLSIM_SOCKET");
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().expect("ip");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

#[test]
fn no_server_is_econnrefused_with_one_line_never_a_hang() {
    if !have_ip() {
        return;
    }
    let gone = std::env::temp_dir().join(format!("rtnlsim-nobody-{}.sock", std::process::id()));
    let gone = gone.to_str().expect("UTF-8");
    let (status, out, err) = ip_show(&[("RTNLSIM_SOCKET", gone)]);
    assert_eq!(status, 1);
    assert_eq!(out, "");
    assert_eq!(
        err,
        format!(
            "rtnlsim preload: no simulator at RTNLSIM_SOCKET={gone}: No such file or directory\n\
             Cannot open netlink socket: Connection refused\n"
        )
    );
    // Unset: refused too, never the real kernel.
    let (status, out, err) = ip_show(&[]);
    assert_eq!((status, out.as_str()), (1, ""));
    assert_eq!(
        err,
        "rtnlsim preload: RTNLSIM_SOCKET is not set: no netlink socket without `rtnlsim serve`\n\
         Cannot open netlink socket: Connection refused\n"
    );
}

#[test]
fn an_unknown_namespace_is_enoent() {
    if !have_ip() {
        return;
    }
    let sim = Sim::start("netns add blue\n");
    let path = sim.path.to_str().expect("UTF-8");
    let (status, _, err) = ip_show(&[("RTNLSIM_SOCKET", path), ("RTNLSIM_NETNS", "red")]);
    assert_eq!(status, 1);
    assert_eq!(
        err,
        "rtnlsim preload: the simulator has no namespace \"red\" (RTNLSIM_NETNS)\n\
         Cannot open netlink socket: No such file or directory\n"
    );
    let (status, out, _) = ip_show(&[("RTNLSIM_SOCKET", path), ("RTNLSIM_NETNS", "blue")]);
    assert_eq!(status, 0);
    assert!(out.starts_with("1: lo: <LOOPBACK>"), "{out}");
}
