//! `rtnlsim run` on the simulator: what holds whatever the kernel side
//! models — batch semantics as `ip -batch` has them, namespaces (which are
//! not netlink), option errors, and runs that print the same bytes every
//! time. (The link commands' output, held to the live kernel's, is in
//! tests/sim_vs_kernel.rs.)

use rtnlsim_cli::host::SimHost;
use rtnlsim_cli::run::{run_script, RunOptions};
use rtnlsim_kernel::{Config, Kernel};

fn run(script: &str, opts: RunOptions) -> (String, String, i32) {
    let host = SimHost::new(Kernel::new(Config::default()));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = run_script(&host, script, &opts, &mut out, &mut err);
    (String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap(), status)
}

fn named(name: &str) -> RunOptions {
    RunOptions { name: name.into(), ..Default::default() }
}

#[test]
fn namespaces_are_listed_newest_first_as_readdir_of_a_tmpfs() {
    let (out, err, status) = run(
        "netns list\nnetns add blue\nnetns add red\nnetns\n-j netns list\nnetns del blue\n-j -p netns\n",
        named("s"),
    );
    assert_eq!(err, "");
    assert_eq!(status, 0);
    assert_eq!(out, "red\nblue\n[{\"name\":\"red\"},{\"name\":\"blue\"}]\n[ {\n        \"name\": \"red\"\n    } ]\n");
}

#[test]
fn a_failed_command_stops_the_script_with_ips_message() {
    let (out, err, status) = run("netns add blue\nnetns add blue\nnetns list\n", named("s.ip"));
    assert_eq!(out, "");
    assert_eq!(err, "Cannot create namespace file \"/run/netns/blue\": File exists\nCommand failed s.ip:2\n");
    assert_eq!(status, 1);
}

#[test]
fn force_goes_on_and_still_fails_at_the_end() {
    let opts = RunOptions { force: true, ..named("-") };
    let (out, err, status) = run("netns del nosuch\nbogus\n\n# done\nnetns add a\nnetns list\n", opts);
    assert_eq!(out, "a\n");
    assert_eq!(
        err,
        "Cannot remove namespace file \"/run/netns/nosuch\": No such file or directory\nCommand failed -:1\n\
         Object \"bogus\" is unknown, try \"ip help\".\nCommand failed -:2\n"
    );
    assert_eq!(status, 1);
}

#[test]
fn what_makes_ip_exit_ends_the_script_even_with_force() {
    let opts = RunOptions { force: true, ..named("s") };
    let (out, err, status) = run("-n nosuch link show\nnetns add a\n", opts.clone());
    assert_eq!((out.as_str(), status), ("", 255));
    assert_eq!(err, "Cannot open network namespace \"nosuch\": No such file or directory\n");

    let (_, err, status) = run("-x link show\n", opts.clone());
    assert_eq!((err.as_str(), status), ("Option \"-x\" is unknown, try \"ip -help\".\n", 255));

    let (_, err, status) = run("netns add a/b\n", opts.clone());
    assert_eq!((err.as_str(), status), ("Invalid netns name \"a/b\"\n", 255));

    let (_, err, status) = run("link show v0 v1\n", opts);
    assert_eq!(err, "Error: either \"dev\" is duplicate, or \"v1\" is a garbage.\n");
    assert_eq!(status, 255);
}

#[test]
fn decode_and_trace_show_the_requests_and_the_same_bytes_every_run() {
    let script = "netns add blue\n-n blue link show\n-j link show lo\n";
    let opts = RunOptions { decode: true, trace: true, force: true, name: "s".into() };
    // The first run is compared too: it is what a user of --trace gets.
    let a = run(script, opts.clone());
    let b = run(script, opts);
    assert_eq!(a, b, "two runs must print the same bytes");
    let out = a.0;
    for want in [
        "$ ip -n blue link show",
        // iplink_have_newlink's probe, as iproute2 6.1 sends it.
        "→ port 1000 sends to the kernel, 32 bytes",
        "    RTM_NEWLINK len=32 flags=REQUEST|ACK seq=0 pid=0",
        "      ifinfomsg family=AF_UNSPEC type=0 index=0 flags=0x0 change=0x0",
        "  kernel: netlink_sendmsg portid=1000 len=32",
        "  kernel:           rtnetlink_rcv_msg ty=RTM_NEWLINK seq=0",
        "← port 1000 receives from port 0",
        "$ ip -j link show lo",
        "IFLA_EXT_MASK 1",
    ] {
        assert!(out.contains(want), "no {want:?} in:\n{out}");
    }
    // Socket set-up is not part of the call tree.
    assert!(!out.contains("netlink_create"), "{out}");
}

#[test]
fn the_binary_takes_ips_dash_force_and_reads_standard_input() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_rtnlsim"))
        .args(["run", "-force", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rtnlsim");
    child.stdin.take().unwrap().write_all(b"netns add x\nnetns add x\nnetns list\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), "x\n");
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "Cannot create namespace file \"/run/netns/x\": File exists\nCommand failed -:2\n"
    );
    assert_eq!(o.status.code(), Some(1));

    let o = Command::new(env!("CARGO_BIN_EXE_rtnlsim")).args(["run", "/nonexistent/script"]).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "Cannot open file \"/nonexistent/script\" for reading: No such file or directory\n"
    );
    assert_eq!(o.status.code(), Some(1));
}

/// Every `rtnlsim run --trace` is a first run in its process: the binary
/// run twice prints the same call tree, with the request path in it.
#[test]
fn the_binary_traces_from_its_first_request() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let once = || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rtnlsim"))
            .args(["run", "--trace", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("rtnlsim");
        child.stdin.take().expect("stdin").write_all(b"link show lo\n").expect("script");
        let out = child.wait_with_output().expect("output");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let a = once();
    assert_eq!(a, once(), "two processes print the same trace");
    for f in ["netlink_sendmsg", "netlink_unicast_kernel", "rtnetlink_rcv_msg ty=RTM_GETLINK", "rtnl_getlink"] {
        assert!(a.contains(f), "no {f} in:\n{a}");
    }
}

/// A `monitor` line subscribes a listener for the rest of the script: after
/// every later line it prints what that line caused, as `ip monitor` prints
/// it (here with `label` banners), after the line's own output; a second
/// monitor hears only what comes after it; `-n` listens in that namespace.
#[test]
fn monitor_lines_print_each_lines_notifications_after_its_output() {
    let script = "\
monitor link label
link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11
link show v1
netns add blue
-n blue monitor link
link set v1 netns blue
-n blue link del v1
";
    let (out, err, status) = run(script, named("s"));
    assert_eq!((err.as_str(), status), ("", 0));
    let want = "\
[LINK]2: v1@NONE: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default 
    link/ether 02:00:00:00:00:11 brd ff:ff:ff:ff:ff:ff
[LINK]3: v0@v1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN group default 
    link/ether 02:00:00:00:00:10 brd ff:ff:ff:ff:ff:ff
2: v1@v0: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000
    link/ether 02:00:00:00:00:11 brd ff:ff:ff:ff:ff:ff
";
    assert!(out.starts_with(want), "{out}");
    let rest = &out[want.len()..];
    // The move: deleted here, with the new namespace's id (the monitor named
    // the namespaces it knew when it started: none), then new in blue, heard
    // by blue's monitor (without banners) after the first monitor's lines.
    assert!(rest.starts_with("[LINK]Deleted 2: v1@v0: "), "{rest}");
    assert!(rest.contains(" new-netnsid 0 new-ifindex 2\n2: v1@if3: "), "{rest}");
    // Deleting the veth in blue deletes its peer here: each monitor hears its own.
    let here = rest.find("[LINK]Deleted 3: v0@NONE: ").expect("the first monitor hears v0 go");
    let blue = rest.find("\nDeleted 2: v1@NONE: ").expect("blue's monitor hears v1 go");
    assert!(here < blue, "{rest}");
    // Same bytes every run.
    assert_eq!(run(script, named("s")).0, out);
}
