//! This crate's `ip` client against iproute2 6.1's `ip`, on the live kernel.
//!
//! Both run in network namespaces made here (never the host's). Three checks:
//!
//! - **Same state, same output.** Each line of a script runs through the
//!   client on a real netlink socket; every line that only reads (`show`,
//!   `list`), and every line the client reports as failed, is also run by
//!   the real `ip` in the same namespace at the same moment: stdout, stderr
//!   and exit status must be identical (bridge timers, which tick between the
//!   two runs, are masked; usage texts are not reproduced).
//! - **Same requests, same state.** The script runs twice in two fresh
//!   worlds, once through the client and once through the real `ip`, and the
//!   two transcripts must be identical once the kernel's random MAC
//!   addresses are named by order of appearance.
//! - **The recordings are the kernel's.** `tests/scripts/*.real`, which the
//!   simulator is held to (tests/sim_vs_kernel.rs), are this kernel's
//!   transcripts (`RTNLSIM_BLESS=1` re-records them).
//!
//! Without root (no `unshare`), or without iproute2 6.1, the tests say so and
//! pass without comparing. `RTNLSIM_SHOW=1` with `--nocapture` shows every
//! compared line.

#[path = "support/real.rs"]
mod real;
#[path = "support/transcript.rs"]
mod transcript;

use std::sync::{Arc, Mutex};

use nlwire::{Errno, SockaddrNl};
use real::{have_strace, have_util_linux, ip_is_6_1, strace_datagrams, RealHost};
use rtnlsim_cli::host::{Host, NsFile, NsName};
use rtnlsim_cli::transport::{NlTransport, RecvInfo};
use transcript::{comparable, cut_usage, entry, first_difference, lines, mask_lifetimes, mask_timers, name_macs, ours};

/// `ip link`: every feature of the client, and its errors.
const LINKS: &str = include_str!("scripts/links.ip");
/// `ip netns` and `ip -n`: names, ids, a veth pair across namespaces, a move.
const NETNS: &str = include_str!("scripts/netns.ip");
/// `ip address`: add, change, replace, del, show (text, -j, -o, filters), flush.
const ADDR: &str = include_str!("scripts/addr.ip");
/// `ip route`: tables, types, gateways, multipath, replace/append, get, flush.
const ROUTE: &str = include_str!("scripts/route.ip");
/// `ip monitor`: the notifications of links, addresses, routes and neighbours.
const MONITOR: &str = include_str!("scripts/monitor.ip");
/// `ip neigh`: states, flags, proxies, get, flush.
const NEIGH: &str = include_str!("scripts/neigh.ip");

/// A world, or `None` (with the reason printed) where the live kernel or the
/// real `ip` cannot be used.
fn world() -> Option<RealHost> {
    if !ip_is_6_1() {
        eprintln!("skipped: the real ip here is not iproute2 6.1.0");
        return None;
    }
    if !have_util_linux() {
        eprintln!("skipped: no unshare/nsenter to run the real ip in our namespaces");
        return None;
    }
    match RealHost::new() {
        Ok(h) => Some(h),
        Err(e) => {
            eprintln!("skipped: no network namespace of our own ({e})");
            None
        }
    }
}

/// The lines that only read.
fn read_only(argv: &[String]) -> bool {
    let Ok((_, first)) = rtnlsim_cli::ip::args::parse_options(argv, &mut String::new()) else { return false };
    let words: Vec<&str> = argv[first..].iter().map(String::as_str).collect();
    match words.first().copied().unwrap_or("") {
        "link" => matches!(words.get(1).copied(), None | Some("show" | "list" | "lst")),
        "netns" => matches!(words.get(1).copied(), None | Some("list" | "show")),
        "addr" | "address" | "route" | "neigh" => {
            matches!(words.get(1).copied(), None | Some("show" | "list" | "lst" | "get"))
        }
        _ => false,
    }
}

/// Waits (up to two seconds) until the kernel's link watcher has caught up:
/// a device's RUNNING flag and operstate follow its carrier only when
/// linkwatch runs, up to a second later, so `ip` would show `UP` without
/// either `LOWER_UP` or `NO-CARRIER` in between. Every namespace of the world
/// is looked at.
fn settle(host: &RealHost) {
    let mut spaces: Vec<Option<String>> = vec![None];
    spaces.extend(host.netns_list().into_iter().map(Some));
    for _ in 0..20 {
        let mut settled = true;
        for ns in &spaces {
            let mut argv: Vec<String> = Vec::new();
            if let Some(n) = ns {
                argv.extend(["-n".to_string(), n.clone()]);
            }
            argv.extend(["-j", "link", "show"].map(String::from));
            let (out, _, _) = ours(host, &argv);
            for dev in out.split("\"flags\":[").skip(1) {
                let flags = dev.split(']').next().unwrap_or("");
                if flags.contains("\"UP\"") && flags.contains("\"LOWER_UP\"") == flags.contains("\"NO-CARRIER\"") {
                    settled = false;
                }
            }
        }
        if settled {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// `ip netns add/del` that succeed: the real ones would change only their private `/run`.
fn changes_names(argv: &[String], status: i32) -> bool {
    status == 0 && argv.iter().any(|w| w == "add" || w == "del") && argv.iter().any(|w| w == "netns")
}

/// Runs `script` through the client, and each reading or failing line also
/// through the real `ip` in the same state; all must match.
fn compare_same_state(script: &str, at_least: usize) {
    let Some(host) = world() else { return };
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for argv in lines(script) {
        let mine = ours(&host, &argv);
        if !(read_only(&argv) || mine.2 != 0) || changes_names(&argv, mine.2) {
            continue;
        }
        // A read raced with the link watcher: read again once it has caught up.
        let mine = if read_only(&argv) {
            settle(&host);
            ours(&host, &argv)
        } else {
            mine
        };
        compared += 1;
        let theirs = host.ip(&argv);
        let norm = |r: &(String, String, i32)| (mask_lifetimes(&mask_timers(&r.0)), cut_usage(&r.1), r.2);
        let (m, t) = (norm(&mine), norm(&theirs));
        let text = format!(
            "$ ip {}\n--- ours (status {})\n{}{}--- real ip (status {})\n{}{}",
            argv.join(" "),
            m.2,
            m.0,
            m.1,
            t.2,
            t.0,
            t.1
        );
        if std::env::var_os("RTNLSIM_SHOW").is_some() {
            eprintln!("{text}");
        }
        if m != t {
            mismatches.push(text);
        }
    }
    assert!(compared >= at_least, "only {compared} lines compared");
    assert!(mismatches.is_empty(), "{} of {compared} lines differ:\n{}", mismatches.len(), mismatches.join("\n"));
}

#[test]
fn same_state_link_shows_and_errors_match_real_ip() {
    compare_same_state(LINKS, 40);
}

#[test]
fn same_state_address_shows_and_errors_match_real_ip() {
    compare_same_state(ADDR, 45);
}

#[test]
fn address_requests_make_the_same_state_as_real_ip() {
    compare_worlds(ADDR);
}

#[test]
fn same_state_route_shows_and_errors_match_real_ip() {
    compare_same_state(ROUTE, 60);
}

#[test]
fn route_requests_make_the_same_state_as_real_ip() {
    compare_worlds(ROUTE);
}

#[test]
fn same_state_neigh_shows_and_errors_match_real_ip() {
    compare_same_state(NEIGH, 30);
}

#[test]
fn neigh_requests_make_the_same_state_as_real_ip() {
    compare_worlds(NEIGH);
}

#[test]
fn same_state_namespace_shows_and_errors_match_real_ip() {
    compare_same_state(NETNS, 15);
}

/// Runs `script` in a fresh world, every line through the client or through
/// the real `ip`; `netns add/del/list` always through the client (the real
/// ones would change only their private `/run`).
fn transcript(script: &str, real_ip: bool) -> Option<String> {
    let host = world()?;
    let mut t = String::new();
    for argv in lines(script) {
        let netns_cmd = argv.iter().any(|w| w == "netns") && !argv.iter().any(|w| w == "link");
        if read_only(&argv) {
            settle(&host);
        }
        let r = if real_ip && !netns_cmd { host.ip(&argv) } else { ours(&host, &argv) };
        t.push_str(&entry(&argv, &r));
    }
    Some(comparable(&t))
}

fn compare_worlds(script: &str) {
    let (Some(mine), Some(theirs)) = (transcript(script, false), transcript(script, true)) else { return };
    if let Some(d) = first_difference(&mine, &theirs) {
        panic!("ours (left) and the real ip (right): {d}");
    }
}

#[test]
fn link_requests_make_the_same_state_as_real_ip() {
    compare_worlds(LINKS);
}

#[test]
fn namespace_requests_make_the_same_state_as_real_ip() {
    compare_worlds(NETNS);
}

#[test]
fn recordings_are_the_live_kernels_transcripts() {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    // The simulator is held to 6.18's transcripts: another kernel neither
    // checks nor re-records them.
    if !release.starts_with("6.18.") {
        eprintln!("skipped: the recordings are of Linux 6.18, this is {}", release.trim());
        return;
    }
    for (name, script) in [("links", LINKS), ("netns", NETNS), ("addr", ADDR), ("route", ROUTE), ("neigh", NEIGH)] {
        let Some(live) = transcript(script, false) else { return };
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/scripts/{name}.real"));
        if std::env::var_os("RTNLSIM_BLESS").is_some() {
            std::fs::write(&path, &live).expect("write recording");
            continue;
        }
        let recorded = std::fs::read_to_string(&path).expect("recording (RTNLSIM_BLESS=1 makes it)");
        if let Some(d) = first_difference(&recorded, &live) {
            panic!("{} (left) is not the live kernel's (right), RTNLSIM_BLESS=1 re-records: {d}", path.display());
        }
    }
}

/// Our `monitor` line in a script and iproute2's `ip monitor` running in
/// the background of the same namespace print the same notifications for
/// the same requests (ours drained after every line, the real one read
/// when it is stopped, after the kernel's work queues have settled).
#[test]
fn monitor_prints_what_real_ip_monitor_prints() {
    let Some(host) = world() else { return };
    let what: Vec<String> = ["monitor", "link", "address", "route", "neigh"].map(String::from).to_vec();
    let real = host.ip_spawn(&what);
    let mut session = rtnlsim_cli::run::Session::new(&host, &Default::default());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(session.run_line(&what, &mut out, &mut err), Ok(0), "{}", String::from_utf8_lossy(&err));
    // The real ip monitor must be listening before the first request.
    std::thread::sleep(std::time::Duration::from_millis(800));
    let mut count = 0;
    for argv in lines(MONITOR) {
        let before = out.len();
        let r = session.run_line(&argv, &mut out, &mut err);
        assert_eq!(r, Ok(0), "$ ip {}: {}", argv.join(" "), String::from_utf8_lossy(&err));
        count += usize::from(out.len() > before);
    }
    // Linkwatch and IPv6 address work run up to a second later.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    session.drain(&mut out, &mut err);
    unsafe { libc::kill(real.id() as i32, libc::SIGTERM) };
    let theirs = real.wait_with_output().expect("ip monitor");
    let real_err = theirs.stderr.clone();
    let (ours, theirs) =
        (String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&theirs.stdout).into_owned());
    if std::env::var_os("RTNLSIM_SHOW").is_some() {
        eprintln!(
            "--- ours\n{ours}--- real ip monitor\n{theirs}--- its stderr\n{}",
            String::from_utf8_lossy(&real_err)
        );
    }
    assert!(err.is_empty(), "{}", String::from_utf8_lossy(&err));
    assert!(count >= 20, "only {count} lines caused notifications:\n{ours}");
    if let Some(d) = first_difference(&theirs, &ours) {
        panic!("the real ip monitor (left) and ours (right): {d}");
    }
}

#[test]
fn comparisons_name_macs_and_mask_timers() {
    let s = "link/ether 16:d7:01:fd:40:82 brd ff:ff:ff:ff:ff:ff bridge_id 8000.16:d7:1:fd:40:82 x 0e:a2:5f:9c:3a:c8";
    assert_eq!(name_macs(s), "link/ether <MAC0> brd ff:ff:ff:ff:ff:ff bridge_id <BRID1> x <MAC2>");
    assert_eq!(mask_timers("gc_timer    0.09 x \"hello_timer\":12.50,"), "gc_timer T x \"hello_timer\":T,");
    assert_eq!(
        mask_lifetimes(
            "valid_lft 99sec preferred_lft forever\n\"valid_life_time\":4294967295,\"preferred_life_time\":49}"
        ),
        "valid_lft Tsec preferred_lft forever\n\"valid_life_time\":4294967295,\"preferred_life_time\":T}"
    );
}

#[test]
fn decode_names_every_attribute_of_a_real_link_dump() {
    let Some(host) = world() else { return };
    let argv: Vec<String> = ["-d", "link", "show"].iter().map(|s| s.to_string()).collect();
    let _ = ours(&host, &["link", "add", "v0", "type", "veth", "peer", "name", "v1"].map(String::from));
    let _ = ours(&host, &["link", "add", "br0", "type", "bridge"].map(String::from));
    let _ = ours(&host, &["link", "set", "v0", "master", "br0"].map(String::from));
    let opts = rtnlsim_cli::run::RunOptions { decode: true, ..Default::default() };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let r = rtnlsim_cli::run::run_command(&host, &argv, &opts, &mut out, &mut err);
    assert_eq!(r, Ok(0));
    let out = String::from_utf8(out).unwrap();
    for want in [
        "IFLA_NETNS_IMMUTABLE 1",
        "IFLA_TXQLEN 1000",
        "IFLA_INFO_KIND \"veth\"",
        "IFLA_INFO_SLAVE_KIND \"bridge\"",
        "IFLA_BRPORT_STATE",
        "IFLA_BR_FORWARD_DELAY 1500",
        "IFLA_INET6_ADDR_GEN_MODE 0",
        "IFLA_DEVLINK_PORT [NESTED]",
        "NLMSG_DONE",
    ] {
        assert!(out.contains(want), "no {want:?} in:\n{out}");
    }
    assert!(!out.contains("left over"), "{out}");
    assert!(!out.contains("attr "), "an attribute without a name:\n{out}");
}

#[test]
fn decode_names_every_attribute_of_real_address_route_and_neighbour_dumps() {
    let Some(host) = world() else { return };
    for l in [
        "link set lo up",
        "link add v0 address 02:00:00:00:00:10 type veth peer name v1 address 02:00:00:00:00:11",
        "link set v0 up",
        "link set v1 up",
        "addr add 10.0.0.1/24 dev v0 metric 9 valid_lft 100 preferred_lft 50",
        "addr add 10.0.1.1/24 dev v1",
        "addr add 2001:db8::1/64 dev v0 nodad",
        "route add 10.1.0.0/16 table 7 nexthop via 10.0.0.2 weight 2 nexthop via 10.0.1.2",
        "route add 10.2.0.0/16 via 10.0.0.2 mtu 1300",
        "neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev v0 protocol static",
    ] {
        let argv: Vec<String> = l.split(' ').map(String::from).collect();
        assert_eq!(ours(&host, &argv).2, 0, "{l}");
    }
    let opts = rtnlsim_cli::run::RunOptions { decode: true, ..Default::default() };
    let mut all = String::new();
    for l in ["addr show", "route show table all", "neigh show nud all", "route get 10.2.3.4"] {
        let argv: Vec<String> = l.split(' ').map(String::from).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let r = rtnlsim_cli::run::run_command(&host, &argv, &opts, &mut out, &mut err);
        assert_eq!(r, Ok(0), "{l}: {}", String::from_utf8_lossy(&err));
        all.push_str(&String::from_utf8(out).unwrap());
    }
    for want in [
        "ifaddrmsg family=AF_INET prefixlen=24",
        "IFA_LOCAL 10.0.0.1",
        "IFA_CACHEINFO prefered=",
        "IFA_RT_PRIORITY 9",
        "IFA_ADDRESS 2001:db8::1",
        "rtmsg family=AF_INET dst_len=16",
        "RTA_TABLE 7",
        "RTA_MULTIPATH",
        "rtnexthop len=16 flags=0x0 hops=1",
        "RTA_GATEWAY 10.0.1.2",
        "RTA_METRICS",
        "RTAX_MTU 1300",
        "RTA_PREF 0",
        "RTA_UID 0",
        "ndmsg family=AF_INET",
        "NDA_DST 10.0.0.2",
        "NDA_LLADDR 02:00:00:00:00:02",
        "NDA_PROTOCOL 4",
        "NLMSG_DONE",
    ] {
        assert!(all.contains(want), "no {want:?} in:\n{all}");
    }
    assert!(!all.contains("left over"), "{all}");
    assert!(!all.contains("attr "), "an attribute without a name:\n{all}");
}

/// A host whose sockets keep a copy of every datagram sent.
struct Recording<'a> {
    inner: &'a RealHost,
    sent: Arc<Mutex<Vec<Vec<u8>>>>,
}

struct RecordingSock {
    inner: Box<dyn NlTransport>,
    sent: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl NlTransport for RecordingSock {
    fn setsockopt_int(&self, level: i32, optname: u32, val: i32) -> Result<(), Errno> {
        self.inner.setsockopt_int(level, optname, val)
    }
    fn bind(&self, addr: &SockaddrNl) -> Result<(), Errno> {
        self.inner.bind(addr)
    }
    fn getsockname(&self) -> Result<SockaddrNl, Errno> {
        self.inner.getsockname()
    }
    fn sendto(&self, buf: &[u8], to: Option<&SockaddrNl>) -> Result<usize, Errno> {
        self.sent.lock().unwrap().push(buf.to_vec());
        self.inner.sendto(buf, to)
    }
    fn recvmsg(&self, buf: &mut [u8], flags: u32) -> Result<RecvInfo, Errno> {
        self.inner.recvmsg(buf, flags)
    }
}

impl Host for Recording<'_> {
    fn socket(&self, netns: NsName<'_>) -> Result<Box<dyn NlTransport>, Errno> {
        Ok(Box::new(RecordingSock { inner: self.inner.socket(netns)?, sent: self.sent.clone() }))
    }
    fn netns_open(&self, netns: NsName<'_>) -> Result<Box<dyn NsFile>, Errno> {
        self.inner.netns_open(netns)
    }
    fn netns_add(&self, name: &str) -> Result<(), Errno> {
        self.inner.netns_add(name)
    }
    fn netns_del(&self, name: &str) -> Result<(), Errno> {
        self.inner.netns_del(name)
    }
    fn netns_list(&self) -> Vec<String> {
        self.inner.netns_list()
    }
    fn netns_dir_exists(&self) -> bool {
        self.inner.netns_dir_exists()
    }
    fn time(&self) -> u32 {
        self.inner.time()
    }
}

/// Datagrams decoded, with what differs by design masked: sequence numbers
/// (ip starts them at the wall clock), descriptor numbers, and the kernel's
/// timestamps in the cache info that a flush sends back as it was dumped.
fn requests_text(datagrams: &[Vec<u8>]) -> String {
    let mut t = String::new();
    for d in datagrams {
        for line in rtnlsim_cli::decode::datagram(d, "  ").lines() {
            let mut words: Vec<String> = line.split(' ').map(str::to_string).collect();
            for w in words.iter_mut() {
                if w.starts_with("seq=") && w != "seq=0" {
                    *w = "seq=S".into();
                }
                // A flush sends dumped messages back: their pid is the dumper's port.
                if w.starts_with("pid=") && w != "pid=0" {
                    *w = "pid=P".into();
                }
            }
            let masked = words.join(" ");
            let masked = match masked.find("_FD ") {
                Some(i) => format!("{}_FD <fd>", &masked[..i]),
                None => masked,
            };
            let masked = match masked.find("_CACHEINFO ") {
                Some(i) => format!("{}_CACHEINFO <times>", &masked[..i]),
                None => masked,
            };
            t.push_str(&masked);
            t.push('\n');
        }
    }
    t
}

/// Decoded messages (each a block from its `  RTM_`/`  NLMSG_` line on) sorted.
fn message_set(t: &str) -> String {
    let mut blocks: Vec<String> = Vec::new();
    for line in t.lines() {
        if line.starts_with("  ") && !line.starts_with("   ") || blocks.is_empty() {
            blocks.push(String::new());
        }
        if let Some(b) = blocks.last_mut() {
            b.push_str(line);
            b.push('\n');
        }
    }
    blocks.sort();
    blocks.concat()
}

/// Every datagram the client sends, byte for byte (sequence numbers and
/// descriptors aside), is the one iproute2 6.1 sends for the same line:
/// the scripts run in two fresh worlds, the client's sends recorded, the
/// real ip's read back from `strace -e write`.
#[test]
fn requests_are_byte_for_byte_those_of_real_ip() {
    if !have_strace() {
        eprintln!("skipped: no strace to read the real ip's requests with");
        return;
    }
    for script in [LINKS, NETNS, ADDR, ROUTE, NEIGH] {
        let (Some(a), Some(b)) = (world(), world()) else { return };
        let mine = Recording { inner: &a, sent: Arc::new(Mutex::new(Vec::new())) };
        let log = std::env::temp_dir().join(format!("rtnlsim-strace-{}.log", std::process::id()));
        let mut mismatches = Vec::new();
        let mut compared = 0;
        for argv in lines(script) {
            mine.sent.lock().unwrap().clear();
            let _ = ours(&mine, &argv);
            // A neighbour flush deletes in the order of the dump, which is
            // the randomly seeded hash's: its messages are compared as a set.
            let neigh_flush = argv.iter().any(|w| w.starts_with("neigh")) && argv.iter().any(|w| w == "flush");
            let as_set = |t: String| if neigh_flush { message_set(&t) } else { t };
            let ours_sent = as_set(requests_text(&mine.sent.lock().unwrap()));
            let netns_cmd = argv.iter().any(|w| w == "netns") && !argv.iter().any(|w| w == "link");
            let names_change = netns_cmd && argv.iter().any(|w| w == "add" || w == "del");
            let theirs_sent = if names_change {
                // `ip netns add/del` as the client runs them (the real ones
                // would act on their private /run only): no comparison.
                let _ = ours(&b, &argv);
                ours_sent.clone()
            } else {
                let _ = std::fs::remove_file(&log);
                let _ = b.ip_straced(&argv, &log);
                as_set(requests_text(&strace_datagrams(&std::fs::read_to_string(&log).unwrap_or_default())))
            };
            if std::env::var_os("RTNLSIM_SHOW").is_some() {
                eprintln!("$ ip {}\n{ours_sent}", argv.join(" "));
            }
            compared += usize::from(!theirs_sent.is_empty() && !names_change);
            if ours_sent != theirs_sent {
                mismatches.push(format!("$ ip {}\n--- ours\n{ours_sent}--- real ip\n{theirs_sent}", argv.join(" ")));
            }
        }
        let _ = std::fs::remove_file(&log);
        assert!(compared >= 15, "only {compared} lines' requests compared");
        assert!(mismatches.is_empty(), "{} lines differ:\n{}", mismatches.len(), mismatches.join("\n"));
    }
}
