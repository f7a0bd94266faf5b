//! A netlink socket as a program sees it through the shim, call by call
//! (`tests/scripts/nlsocket.py`, Python's own socket module over libc):
//! socket flags on the descriptor, errnos of bad types, protocols and
//! options, buffer sizes, autobind to the pid, the ENODEV probe and its
//! ack, `MSG_PEEK|MSG_TRUNC` giving the whole length, `msg_name`,
//! `NETLINK_PKTINFO` control messages and `MSG_CTRUNC`, a dump's datagrams,
//! multicast by bind and by `NETLINK_ADD_MEMBERSHIP` with poll and epoll
//! waking on another process's change, `if_nametoindex` and friends, dup,
//! fork, ECONNREFUSED, `MSG_DONTWAIT`, `SO_RCVTIMEO`, write and read. The
//! transcript must equal the live kernel's (in a new network namespace, as
//! root) and the recording of it.

mod support;

use std::process::{Command, Stdio};

use support::{compare, ip_is_6_1, live, script_path, Sim};

fn have_python() -> bool {
    let ok = Command::new("python3").arg("-c").arg("pass").status().map(|s| s.success()).unwrap_or(false);
    if !ok {
        eprintln!("note: skipped: no python3 here (CI has it)");
    }
    ok
}

#[test]
fn a_socket_call_by_call_matches_the_kernel() {
    if !have_python() || !ip_is_6_1() {
        return;
    }
    let script = script_path("nlsocket.py");
    let sim = Sim::start("");
    let out = sim.command("python3").arg(&script).stderr(Stdio::inherit()).output().expect("python3");
    assert!(out.status.success(), "the script failed under the shim");
    let mine = String::from_utf8_lossy(&out.stdout).into_owned();
    let real = live().then(|| {
        let o = Command::new("unshare").arg("-n").arg("python3").arg(&script).output().expect("unshare");
        String::from_utf8_lossy(&o.stdout).into_owned()
    });
    compare("nlsocket", &mine, real.as_deref());
}
