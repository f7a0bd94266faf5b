//! Requests, acks, dumps and notifications: the request path of
//! kernel-reference §3–§6, driven through the socket API (bytes in, bytes
//! out) with test handlers registered in rtnetlink and test kernel sockets
//! made by a pernet subsystem, as a kernel module would.
//!
//! Every expectation is Linux 6.18's. The byte strings come from the probe
//! outputs in shared/kernel-probes/observed/ (t3_rcv, t3b_batch_dump, t4_ack,
//! t5_dump, t6_notify), with the port id field replaced by the simulated
//! socket's; facts the probes did not cover were re-run on the live kernel
//! (6.18.44) with python probes under `unshare -n`, and what the kernel
//! printed is quoted next to the test.
//!
//! The test handlers live on a family no modelled subsystem uses
//! ([`TEST_FAMILY`]), except where the kernel's own handler is being
//! reproduced (the PF_INET RTM_NEWADDR doit of t4_ack). The test kernel
//! sockets use protocol [`TEST_PROTO`] (17), a number no Linux subsystem
//! uses, so that they cannot collide with a modelled one. Per-test state
//! lives in the namespace (`Net::set_generic`), or in a thread-local where
//! the pernet hooks must report (they run on the test's own thread).

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::Duration;

use rtnlsim::kernel::net::core::rtnetlink::{
    rtnl_notify, rtnl_unicast, RtnlMsgHandler, RTNL_FLAG_BULK_DEL_SUPPORTED, RTNL_FLAG_DOIT_UNLOCKED,
    RTNL_FLAG_DUMP_SPLIT_NLM_DONE, RTNL_FLAG_DUMP_UNLOCKED,
};
use rtnlsim::kernel::net::core::skbuff::{nlmsg_new, SkBuff};
use rtnlsim::kernel::net::netlink::af_netlink::{
    netlink_dump_start, netlink_kernel_create, netlink_kernel_release, netlink_rcv_skb, NetlinkCallback,
    NetlinkDumpControl, NetlinkKernelCfg, NetlinkRcvSkb, NetlinkSock,
};
use rtnlsim::kernel::{Net, NetRef, NetlinkSocket, PernetOperations};
use rtnlsim::wire::policy::{nlmsg_parse_deprecated, ExtAck, NlaPolicy, NlaType};
use rtnlsim::wire::uapi::if_addr::*;
use rtnlsim::wire::uapi::netlink::*;
use rtnlsim::wire::uapi::rtnetlink::*;
use rtnlsim::wire::uapi::socket::*;
use rtnlsim::{Credentials, Errno, Kernel, RecvMeta};

#[path = "support/sockets.rs"]
mod sockets;
#[path = "support/wire.rs"]
mod wire;

use sockets::{addr, kernel, portid};
use wire::{align4, i32_at, ifinfomsg, nlmsg, recv_with, u16_at, u32_at};

/// A family with no handlers of its own in Linux or in the simulator.
const TEST_FAMILY: u8 = 100;
/// A netlink protocol number no Linux subsystem uses: the test "module" makes its kernel sockets there.
const TEST_PROTO: u32 = 17;

/// `struct nlmsghdr` + `struct nlmsgerr.error`.
const NLMSGERR_HDR: usize = NLMSG_HDRLEN + 4;

// ===========================================================================
// Building requests and reading answers
// ===========================================================================

/// `struct ifaddrmsg{family, prefixlen, flags, scope, index}`.
fn ifaddrmsg(family: u8, prefixlen: u8, index: u32) -> Vec<u8> {
    let mut v = vec![family, prefixlen, 0, 0];
    v.extend_from_slice(&index.to_ne_bytes());
    v
}

/// Bytes from a hex dump as the probes print it (spaces and `|` ignored).
fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|c| c.is_ascii_hexdigit()).collect();
    let pairs = digits.chunks_exact(2);
    assert!(pairs.remainder().is_empty(), "odd hex string");
    pairs.map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap()).collect()
}

/// A kernel answer from the probes with the `nlmsg_pid` field (bytes 12..16,
/// written `PPPPPPPP`) set to the simulated requester's port id.
fn answer(hexdump: &str, portid: u32) -> Vec<u8> {
    assert!(hexdump.contains("PPPPPPPP"), "no port id placeholder");
    let mut v = hex(&hexdump.replace("PPPPPPPP", "00000000"));
    v[12..16].copy_from_slice(&portid.to_ne_bytes());
    v
}

/// One message of a received datagram.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Msg {
    len: usize,
    ty: u16,
    flags: u16,
    seq: u32,
    pid: u32,
    payload: Vec<u8>,
}

impl Msg {
    /// NLMSG_ERROR's `error`, NLMSG_DONE's errno.
    fn errno(&self) -> i32 {
        i32_at(&self.payload, 0)
    }
    /// The index a test dumpit writes at the start of each message.
    fn index(&self) -> u32 {
        u32_at(&self.payload, 0)
    }
}

/// The messages of one whole datagram; panics on a malformed one.
fn parse(d: &[u8]) -> Vec<Msg> {
    let mut out = Vec::new();
    let mut off = 0;
    while off + NLMSG_HDRLEN <= d.len() {
        let len = u32_at(d, off) as usize;
        assert!(len >= NLMSG_HDRLEN && off + len <= d.len(), "malformed datagram at {off}: {d:02x?}");
        out.push(Msg {
            len,
            ty: u16_at(d, off + 4),
            flags: u16_at(d, off + 6),
            seq: u32_at(d, off + 8),
            pid: u32_at(d, off + 12),
            payload: d[off + NLMSG_HDRLEN..off + len].to_vec(),
        });
        off += align4(len);
    }
    assert_eq!(off, d.len(), "trailing bytes in datagram");
    out
}

/// Every datagram queued now, each with its metadata (64 KiB reads).
fn drain(s: &NetlinkSocket) -> Vec<(Vec<u8>, RecvMeta)> {
    let mut out = Vec::new();
    loop {
        let mut buf = vec![0u8; 65536];
        match s.recvmsg(&mut buf, MSG_DONTWAIT) {
            Ok(meta) => {
                buf.truncate(meta.len);
                out.push((buf, meta));
            }
            Err(Errno::EAGAIN) => return out,
            Err(e) => panic!("recvmsg: {e:?}"),
        }
        assert!(out.len() < 10_000, "runaway read loop");
    }
}

/// Every message queued now, datagram boundaries dropped.
fn drain_msgs(s: &NetlinkSocket) -> Vec<Msg> {
    drain(s).iter().flat_map(|(d, _)| parse(d)).collect()
}

/// Reads a dump until its NLMSG_DONE (or an NLMSG_ERROR): read `i` uses
/// `sizes[i]`, the last size repeating.
fn read_dump(s: &NetlinkSocket, sizes: &[usize]) -> Vec<(Vec<u8>, RecvMeta)> {
    let mut out = Vec::new();
    loop {
        let size = sizes[out.len().min(sizes.len() - 1)];
        let (d, meta) = recv_with(s, size);
        let end =
            meta.msg_flags & MSG_TRUNC == 0 && parse(&d).iter().any(|m| m.ty == NLMSG_DONE || m.ty == NLMSG_ERROR);
        out.push((d, meta));
        if end {
            return out;
        }
        assert!(out.len() < 1000, "dump never ended");
    }
}

/// (datagram bytes, data messages in it, ends with NLMSG_DONE) for each datagram.
fn shape(dgrams: &[(Vec<u8>, RecvMeta)]) -> Vec<(usize, usize, bool)> {
    dgrams
        .iter()
        .map(|(d, _)| {
            let msgs = parse(d);
            let done = msgs.last().is_some_and(|m| m.ty == NLMSG_DONE);
            (d.len(), msgs.len() - done as usize, done)
        })
        .collect()
}

fn set_ext_ack(s: &NetlinkSocket, on: bool) {
    s.setsockopt_int(SOL_NETLINK, NETLINK_EXT_ACK, on as i32).expect("NETLINK_EXT_ACK");
}

fn set_cap_ack(s: &NetlinkSocket, on: bool) {
    s.setsockopt_int(SOL_NETLINK, NETLINK_CAP_ACK, on as i32).expect("NETLINK_CAP_ACK");
}

fn route_socket(net: &NetRef) -> NetlinkSocket {
    let s = net.socket(NETLINK_ROUTE).expect("socket(NETLINK_ROUTE)");
    s.bind(&addr(0, 0)).expect("bind");
    s
}

/// A NETLINK_ROUTE socket opened by an unprivileged task.
fn user_route_socket(net: &NetRef, pid: u32) -> NetlinkSocket {
    let s = net.socket_as(SOCK_RAW, NETLINK_ROUTE as i32, Credentials::user(pid, 65534)).expect("socket_as");
    s.bind(&addr(0, 0)).expect("bind");
    s
}

/// Sends one datagram and returns every message queued in answer.
fn transact(s: &NetlinkSocket, req: &[u8]) -> Vec<Msg> {
    s.send(req, 0).expect("send");
    drain_msgs(s)
}

/// Sends one datagram and returns the single datagram that answers it.
fn transact_one(s: &NetlinkSocket, req: &[u8]) -> Vec<u8> {
    s.send(req, 0).expect("send");
    let mut got = drain(s);
    assert_eq!(got.len(), 1, "expected exactly one answer datagram, got {:02x?}", got);
    got.remove(0).0
}

// ===========================================================================
// Test handlers and their state
// ===========================================================================

/// Per-namespace state of the test handlers (`net_generic`).
struct Lab {
    /// How many messages the test dumpit emits, and each one's payload size.
    dump_len: AtomicUsize,
    dump_payload: AtomicUsize,
    /// The dumpit reports a full chunk as `Err(EMSGSIZE)` rather than `Ok(skb.len())`.
    full_as_emsgsize: AtomicBool,
    /// The dumpit fails with this errno (and an ext-ack message) on reaching this index.
    fail_at: Mutex<Option<(i64, Errno)>>,
    /// The generation the dumpit copies into `cb.seq` (0 is invalid, so it starts at 1).
    generation: AtomicU32,
    /// What the handlers saw, in order.
    calls: Mutex<Vec<String>>,
    /// The rtnl_lock probe: the doit announces itself, then waits for a dump to complete.
    entered: Mutex<Option<mpsc::Sender<()>>>,
    dump_done: Mutex<Option<mpsc::Receiver<()>>>,
    wait_ms: AtomicU64,
    saw_dump: Mutex<Option<bool>>,
}

impl Default for Lab {
    fn default() -> Self {
        Lab {
            dump_len: AtomicUsize::new(0),
            dump_payload: AtomicUsize::new(DUMP_PAYLOAD),
            full_as_emsgsize: AtomicBool::new(false),
            fail_at: Mutex::new(None),
            generation: AtomicU32::new(1),
            calls: Mutex::new(Vec::new()),
            entered: Mutex::new(None),
            dump_done: Mutex::new(None),
            wait_ms: AtomicU64::new(0),
            saw_dump: Mutex::new(None),
        }
    }
}

impl Lab {
    fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }
}

/// The payload of the test dumpit's messages: 16 + 60 = 76 bytes, the size of
/// an IPv4 RTM_NEWADDR in t5_dump.
const DUMP_PAYLOAD: usize = 60;

fn lab(net: &Net) -> Arc<Lab> {
    net.generic::<Lab>().expect("test state not installed in this namespace")
}

/// A machine with test state in init_net.
fn setup() -> (Kernel, NetRef, Arc<Lab>) {
    let k = kernel();
    let net = k.init_net();
    let state = Arc::new(Lab::default());
    net.set_generic(Arc::clone(&state));
    (k, net, state)
}

fn log_call(net: &Net, what: String) {
    lab(net).calls.lock().unwrap().push(what);
}

/// What a handler records about a request: its type, flags and family byte.
fn describe_req(who: &str, msg: &[u8]) -> String {
    format!("{who} type={} flags={:#x} family={}", u16_at(msg, 4), u16_at(msg, 6), msg[NLMSG_HDRLEN])
}

/// A doit that records that it ran (registered for the PF_UNSPEC row).
fn unspec_doit(skb: &NetlinkRcvSkb<'_>, msg: &[u8], _extack: &mut ExtAck) -> Result<(), Errno> {
    log_call(skb.net(), describe_req("unspec", msg));
    Ok(())
}

/// A doit that records that it ran (registered for a family's own row).
fn family_doit(skb: &NetlinkRcvSkb<'_>, msg: &[u8], _extack: &mut ExtAck) -> Result<(), Errno> {
    log_call(skb.net(), describe_req("family", msg));
    Ok(())
}

/// `ifa_ipv4_policy` as far as t4_ack needs it.
static IFA_POLICY: [NlaPolicy; IFA_MAX as usize + 1] = {
    let mut p = [NlaPolicy::UNSPEC; IFA_MAX as usize + 1];
    p[IFA_ADDRESS as usize] = NlaPolicy::of(NlaType::U32);
    p[IFA_LOCAL as usize] = NlaPolicy::of(NlaType::U32);
    p[IFA_BROADCAST as usize] = NlaPolicy::of(NlaType::U32);
    p
};

/// The first steps of devinet.c's `inet_rtm_newaddr` (`rtm_to_ifa`): liberal
/// parse against the IFA policy, then the device lookup; only ifindex 1 exists.
fn inet_newaddr_doit(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    log_call(skb.net(), describe_req("inet_newaddr", msg));
    nlmsg_parse_deprecated::<{ IFA_MAX as usize + 1 }>(msg, 8, Some(&IFA_POLICY[..]), extack)?;
    let ifa_index = u32_at(msg, NLMSG_HDRLEN + 4);
    if ifa_index != 1 {
        extack.set_msg("ipv4: Device not found");
        return Err(Errno::ENODEV);
    }
    Ok(())
}

/// A GET doit: ifindex 1 is answered with one RTM_NEWLINK (flags 0), anything else is ENODEV.
fn getlink_doit(skb: &NetlinkRcvSkb<'_>, msg: &[u8], _extack: &mut ExtAck) -> Result<(), Errno> {
    log_call(skb.net(), describe_req("getlink", msg));
    let index = if msg.len() >= NLMSG_HDRLEN + 8 { i32_at(msg, NLMSG_HDRLEN + 4) } else { 0 };
    if index != 1 {
        return Err(Errno::ENODEV);
    }
    let mut out = nlmsg_new(16);
    let nlh = out.nlmsg_put(skb.cb.portid, u32_at(msg, 8), RTM_NEWLINK, 16, 0).ok_or(Errno::EMSGSIZE)?;
    out.nlmsg_data_mut(nlh)[4..8].copy_from_slice(&1i32.to_ne_bytes());
    out.nlmsg_end(nlh);
    rtnl_unicast(out, skb.net(), skb.cb.portid)
}

/// The dump error message of t5_dump (devinet's strict header check).
const DUMP_ERR_MSG: &str = "ipv4: Invalid values in header for address dump request";

/// The test dumpit: `dump_len` messages of `dump_payload` bytes, each with
/// its index in the first 4 payload bytes, `cb.args[0]` as the cursor, `cb.seq`
/// from the generation counter and `nl_dump_check_consistent` on each.
fn fixed_dumpit(skb: &mut SkBuff, cb: &mut NetlinkCallback) -> Result<usize, Errno> {
    let lab = lab(&cb.net);
    let n = lab.dump_len.load(SeqCst) as i64;
    let payload = lab.dump_payload.load(SeqCst);
    let fail_at = *lab.fail_at.lock().unwrap();
    cb.seq = lab.generation.load(SeqCst);
    while cb.args[0] < n {
        if let Some((at, e)) = fail_at {
            if cb.args[0] == at {
                cb.extack.set_msg(DUMP_ERR_MSG);
                return Err(e);
            }
        }
        let Some(nlh) = cb.nlmsg_put_answer(skb, RTM_NEWADDR, payload, NLM_F_MULTI) else {
            return if lab.full_as_emsgsize.load(SeqCst) { Err(Errno::EMSGSIZE) } else { Ok(skb.len()) };
        };
        skb.nlmsg_data_mut(nlh)[..4].copy_from_slice(&(cb.args[0] as u32).to_ne_bytes());
        cb.nl_dump_check_consistent(skb, nlh);
        skb.nlmsg_end(nlh);
        cb.args[0] += 1;
    }
    if let Some((at, e)) = fail_at {
        if cb.args[0] == at {
            cb.extack.set_msg(DUMP_ERR_MSG);
            return Err(e);
        }
    }
    Ok(0)
}

/// A calcit asking for 5000-byte dump chunks.
fn calcit_5000(_skb: &NetlinkRcvSkb<'_>, _msg: &[u8]) -> u32 {
    5000
}

/// Registers the test dumpit as `TEST_FAMILY`'s RTM_GETADDR with `flags`.
fn register_dumpit(k: &Kernel, flags: u32) {
    k.rtnl_register_many(&[RtnlMsgHandler {
        protocol: TEST_FAMILY,
        msgtype: RTM_GETADDR,
        doit: None,
        dumpit: Some(fixed_dumpit),
        flags,
    }])
    .expect("rtnl_register_many");
}

fn dump_request(seq: u32) -> Vec<u8> {
    nlmsg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, seq, &ifaddrmsg(TEST_FAMILY, 0, 0))
}

/// Checks the data messages of a dump: consecutive indexes from 0, NLM_F_MULTI, the request's seq and pid.
fn check_dump_messages(dgrams: &[(Vec<u8>, RecvMeta)], seq: u32, pid: u32, count: usize) {
    let msgs: Vec<Msg> = dgrams.iter().flat_map(|(d, _)| parse(d)).filter(|m| m.ty != NLMSG_DONE).collect();
    assert_eq!(msgs.len(), count);
    for (i, m) in msgs.iter().enumerate() {
        assert_eq!((m.ty, m.flags, m.seq, m.pid, m.index()), (RTM_NEWADDR, NLM_F_MULTI, seq, pid, i as u32));
    }
}

// ===========================================================================
// §4: NLMSG_ERROR bytes (t4_ack)
// ===========================================================================

/// A root NETLINK_ROUTE socket on a machine whose PF_INET RTM_NEWADDR is the t4 doit.
fn t4_setup() -> (Kernel, NetRef, Arc<Lab>, NetlinkSocket) {
    let (k, net, state) = setup();
    k.rtnl_register(PF_INET, RTM_NEWADDR, Some(inet_newaddr_doit), None, None).expect("rtnl_register");
    let s = route_socket(&net);
    (k, net, state, s)
}

/// RTM_NEWADDR 10.1.1.1/24 on lo, REQUEST|ACK|EXCL|CREATE, seq 100.
const T4_REQ_100: &str = "28000000 14000506 64000000 00000000 02180000 01000000 08000200 0a010101 08000100 0a010101";
/// The same on ifindex 999, seqs 102, 103, 106, 107.
const T4_REQ_102: &str = "28000000 14000506 66000000 00000000 02180000 e7030000 08000200 0a010101 08000100 0a010101";
const T4_REQ_103: &str = "28000000 14000506 67000000 00000000 02180000 e7030000 08000200 0a010101 08000100 0a010101";
const T4_REQ_106: &str = "28000000 14000506 6a000000 00000000 02180000 e7030000 08000200 0a010101 08000100 0a010101";
const T4_REQ_107: &str = "28000000 14000506 6b000000 00000000 02180000 e7030000 08000200 0a010101 08000100 0a010101";
/// 10.1.2.1/24 on lo, seq 104.
const T4_REQ_104: &str = "28000000 14000506 68000000 00000000 02180000 01000000 08000200 0a010201 08000100 0a010201";
/// IFA_ADDRESS 10.1.3.1 and a 3-byte IFA_LOCAL, seq 105.
const T4_REQ_105: &str = "28000000 14000506 69000000 00000000 02180000 01000000 08000100 0a010301 07000200 0a010300";

#[test]
fn ack_of_success_is_capped_to_the_request_header() {
    let (_k, _net, state, s) = t4_setup();
    let got = transact_one(&s, &hex(T4_REQ_100));
    let want = answer("24000000 02000001 64000000 PPPPPPPP 00000000 28000000 14000506 64000000 00000000", portid(&s));
    assert_eq!(got, want, "t4: NLMSG_ERROR len=36 flags=CAPPED error=0");
    assert_eq!(state.calls().len(), 1);
}

#[test]
fn error_ack_copies_the_whole_request_by_default() {
    let (_k, _net, _state, s) = t4_setup();
    let got = transact_one(&s, &hex(T4_REQ_102));
    let want = answer(
        "3c000000 02000000 66000000 PPPPPPPP edffffff 28000000 14000506 66000000 00000000
         02180000 e7030000 08000200 0a010101 08000100 0a010101",
        portid(&s),
    );
    assert_eq!(got, want, "t4: ENODEV, len 60, flags 0, the 40-byte request copied");
}

#[test]
fn ext_ack_appends_the_handler_message_to_an_error() {
    let (_k, _net, _state, s) = t4_setup();
    set_ext_ack(&s, true);
    let got = transact_one(&s, &hex(T4_REQ_103));
    let want = answer(
        "58000000 02000002 67000000 PPPPPPPP edffffff 28000000 14000506 67000000 00000000
         02180000 e7030000 08000200 0a010101 08000100 0a010101
         1b000100 69707634 3a204465 76696365 206e6f74 20666f75 6e640000",
        portid(&s),
    );
    assert_eq!(got, want, "t4: len 88, flags ACK_TLVS, MSG 'ipv4: Device not found'");
}

#[test]
fn ext_ack_success_ack_has_no_tlvs() {
    let (_k, _net, _state, s) = t4_setup();
    set_ext_ack(&s, true);
    let got = transact_one(&s, &hex(T4_REQ_104));
    let want = answer("24000000 02000001 68000000 PPPPPPPP 00000000 28000000 14000506 68000000 00000000", portid(&s));
    assert_eq!(got, want, "t4: success with EXT_ACK is the plain 36-byte capped ack");
}

#[test]
fn policy_violation_reports_message_offset_and_policy_nest() {
    let (_k, _net, _state, s) = t4_setup();
    set_ext_ack(&s, true);
    let got = transact_one(&s, &hex(T4_REQ_105));
    let want = answer(
        "90000000 02000002 69000000 PPPPPPPP deffffff 28000000 14000506 69000000 00000000
         02180000 01000000 08000100 0a010301 07000200 0a010300
         27000100 41747472 69627574 65206661 696c6564 20706f6c 69637920 76616c69 64617469 6f6e0000
         08000200 20000000
         24000480 0c000400 00000000 00000000 0c000500 ffffffff 00000000 08000100 04000000",
        portid(&s),
    );
    assert_eq!(got, want, "t4: ERANGE, MSG 'Attribute failed policy validation', OFFS 32, POLICY nest (144 bytes)");
}

#[test]
fn cap_ack_with_ext_ack_drops_the_request_body_but_keeps_the_tlvs() {
    let (_k, _net, _state, s) = t4_setup();
    set_ext_ack(&s, true);
    set_cap_ack(&s, true);
    let got = transact_one(&s, &hex(T4_REQ_106));
    let want = answer(
        "40000000 02000003 6a000000 PPPPPPPP edffffff 28000000 14000506 6a000000 00000000
         1b000100 69707634 3a204465 76696365 206e6f74 20666f75 6e640000",
        portid(&s),
    );
    assert_eq!(got, want, "t4: len 64, flags CAPPED|ACK_TLVS");
}

#[test]
fn cap_ack_alone_gives_a_36_byte_capped_error() {
    let (_k, _net, _state, s) = t4_setup();
    set_cap_ack(&s, true);
    let got = transact_one(&s, &hex(T4_REQ_107));
    let want = answer("24000000 02000001 6b000000 PPPPPPPP edffffff 28000000 14000506 6b000000 00000000", portid(&s));
    assert_eq!(got, want, "t4: len 36, flags CAPPED, error -19");
}

/// A doit that leaves a warning (message and offending attribute) and then
/// fails only if the request's prefix length is 0.
fn warning_doit(_skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    extack.set_msg_attr(&msg[NLMSG_HDRLEN + 8..], "warning: attribute ignored");
    if msg[NLMSG_HDRLEN + 1] == 0 {
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// `netlink_ack_tlv_len`/`_fill`: MSG (and COOKIE) go out "even on success",
/// "following attributes are only reported as error (not warning)": OFFS
/// only with an error.
#[test]
fn a_success_ack_carries_the_warning_message_but_not_its_offset() {
    let (k, net, _state) = setup();
    k.rtnl_register(TEST_FAMILY, RTM_NEWADDR, Some(warning_doit), None, None).unwrap();
    let s = route_socket(&net);
    set_ext_ack(&s, true);
    let mut payload = ifaddrmsg(TEST_FAMILY, 24, 1);
    payload.extend(hex("08000200 0a010101"));
    let req = nlmsg(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK, 1, &payload);
    let msg_tlv = {
        let mut t = hex("1f000100");
        t.extend_from_slice(b"warning: attribute ignored\0\0");
        t
    };
    let got = transact_one(&s, &req);
    let mut want = answer("44000000 02000003 01000000 PPPPPPPP 00000000", portid(&s));
    want.extend_from_slice(&req[..NLMSG_HDRLEN]);
    want.extend_from_slice(&msg_tlv);
    assert_eq!(got, want, "CAPPED|ACK_TLVS, error 0, MSG only");
    // The same warning on an error: the whole request, MSG, then OFFS = 24.
    let mut payload = ifaddrmsg(TEST_FAMILY, 0, 1);
    payload.extend(hex("08000200 0a010101"));
    let req = nlmsg(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK, 2, &payload);
    let got = transact_one(&s, &req);
    let mut want = answer("5c000000 02000002 02000000 PPPPPPPP eaffffff", portid(&s));
    want.extend_from_slice(&req);
    want.extend_from_slice(&msg_tlv);
    want.extend(hex("08000200 18000000"));
    assert_eq!(got, want, "ACK_TLVS, error -22, MSG and OFFS");
}

// ===========================================================================
// §3: rtnetlink_rcv_msg
// ===========================================================================

/// NEW, DEL, GET and SET of `TEST_FAMILY` on the logging doit.
fn register_all_kinds(k: &Kernel) {
    for ty in [RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR, RTM_NEWNEIGH + 3] {
        k.rtnl_register(TEST_FAMILY, ty, Some(family_doit), None, None).expect("rtnl_register");
    }
}

/// (V, t1b_perm) as uid 65534: RTM_GETLINK → answer + ACK; NEWADDR, SETLINK, DELADDR → EPERM.
#[test]
fn non_get_from_an_unprivileged_task_is_eperm_and_get_is_allowed() {
    let (k, net, state) = setup();
    register_all_kinds(&k);
    let s = user_route_socket(&net, 2000);
    let req = |ty, seq| nlmsg(ty, NLM_F_REQUEST | NLM_F_ACK, seq, &ifaddrmsg(TEST_FAMILY, 24, 1));
    // RTM_NEWNEIGH + 3 = 31: (31 - 16) & 3 = 3, a SET kind.
    for (ty, seq) in [(RTM_NEWADDR, 1), (RTM_DELADDR, 2), (RTM_NEWNEIGH + 3, 3)] {
        let got = transact(&s, &req(ty, seq));
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].ty, got[0].seq, got[0].errno(), got[0].len), (NLMSG_ERROR, seq, -1, NLMSGERR_HDR + 24));
    }
    assert!(state.calls().is_empty(), "an EPERM request must not reach its doit: {:?}", state.calls());
    let got = transact(&s, &req(RTM_GETADDR, 4));
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].ty, got[0].flags, got[0].errno()), (NLMSG_ERROR, NLM_F_CAPPED, 0));
    assert_eq!(state.calls(), ["family type=22 flags=0x5 family=100"]);
}

/// (V, t3_rcv) an empty RTM_NEWADDR + ACK gets ACK 0: the length check comes
/// before the capability check, so even an unprivileged task gets it.
#[test]
fn a_payload_shorter_than_rtgenmsg_is_acked_before_the_capability_check() {
    let (k, net, state) = setup();
    register_all_kinds(&k);
    let s = user_route_socket(&net, 2000);
    let got = transact(&s, &nlmsg(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK, 10, &[]));
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].ty, got[0].flags, got[0].seq, got[0].errno()), (NLMSG_ERROR, NLM_F_CAPPED, 10, 0));
    assert!(state.calls().is_empty());
}

/// (V, t1b_perm and a probe passing a socket between processes with SCM_RIGHTS):
/// "[nobody task, socket opened by root] send() NEWADDR -> EPERM;
///  sendto((0,0)) NEWADDR -> EPERM".
#[test]
fn root_opened_socket_used_after_setuid_is_eperm_even_with_an_explicit_destination() {
    let (k, net, state) = setup();
    register_all_kinds(&k);
    let s = route_socket(&net);
    s.set_task_credentials(Credentials::user(1000, 65534));
    let req = |seq| nlmsg(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK, seq, &ifaddrmsg(TEST_FAMILY, 24, 1));
    let got = transact(&s, &req(3));
    assert_eq!((got.len(), got[0].errno()), (1, -1));
    s.sendto(&req(4), 0, &addr(0, 0)).expect("sendto");
    let got = drain_msgs(&s);
    assert_eq!((got.len(), got[0].seq, got[0].errno()), (1, 4, -1));
    assert!(state.calls().is_empty());
}

/// (V, probe with SCM_RIGHTS) "[root task, socket opened by nobody]
/// send() NEWADDR -> EPERM; sendto((0,0)) NEWADDR -> ACK 0":
/// `NETLINK_SKB_DST` replaces the opener's capability, not the task's.
#[test]
fn an_explicit_destination_skips_the_opener_check_but_not_the_task_check() {
    let (k, net, state) = setup();
    register_all_kinds(&k);
    let s = user_route_socket(&net, 2000);
    s.set_task_credentials(Credentials::root(2000));
    let req = |seq| nlmsg(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK, seq, &ifaddrmsg(TEST_FAMILY, 24, 1));
    let got = transact(&s, &req(1));
    assert_eq!((got.len(), got[0].seq, got[0].errno()), (1, 1, -1), "opener lacks CAP_NET_ADMIN");
    assert!(state.calls().is_empty());
    s.sendto(&req(2), 0, &addr(0, 0)).expect("sendto");
    let got = drain_msgs(&s);
    assert_eq!((got.len(), got[0].seq, got[0].flags, got[0].errno()), (1, 2, NLM_F_CAPPED, 0));
    assert_eq!(state.calls(), ["family type=20 flags=0x5 family=100"]);
}

#[test]
fn doit_lookup_falls_back_to_pf_unspec_and_families_above_129_use_it() {
    let (k, net, state) = setup();
    // PF_UNSPEC has the RTM_GETANYCAST doit; TEST_FAMILY has a row (RTM_GETLINK) but
    // no RTM_GETANYCAST; family 129, the last row, has its own RTM_GETANYCAST.
    k.rtnl_register(PF_UNSPEC, RTM_GETANYCAST, Some(unspec_doit), None, None).unwrap();
    k.rtnl_register(TEST_FAMILY, RTM_GETLINK, Some(family_doit), None, None).unwrap();
    k.rtnl_register(129, RTM_GETANYCAST, Some(family_doit), None, None).unwrap();
    assert_eq!(k.rtnl_register(130, RTM_GETANYCAST, Some(family_doit), None, None), Err(Errno::EINVAL));
    let s = route_socket(&net);
    for (seq, family) in [(1, TEST_FAMILY), (2, 7), (3, 129), (4, 130), (5, 200), (6, 255)] {
        let got = transact(&s, &nlmsg(RTM_GETANYCAST, NLM_F_REQUEST | NLM_F_ACK, seq, &[family, 0, 0, 0]));
        assert_eq!((got.len(), got[0].seq, got[0].errno()), (1, seq, 0), "family {family}");
    }
    let got = transact(&s, &nlmsg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 7, &ifinfomsg(TEST_FAMILY, 1, 0, 0)));
    assert_eq!(got[0].errno(), 0);
    assert_eq!(
        state.calls(),
        [
            "unspec type=62 flags=0x5 family=100",
            "unspec type=62 flags=0x5 family=7",
            "family type=62 flags=0x5 family=129",
            "unspec type=62 flags=0x5 family=130",
            "unspec type=62 flags=0x5 family=200",
            "unspec type=62 flags=0x5 family=255",
            "family type=18 flags=0x5 family=100",
        ]
    );
}

#[test]
fn dumpit_lookup_falls_back_to_pf_unspec() {
    let (k, net, state) = setup();
    state.dump_len.store(2, SeqCst);
    k.rtnl_register(PF_UNSPEC, RTM_GETANYCAST, None, Some(fixed_dumpit), None).unwrap();
    k.rtnl_register(TEST_FAMILY, RTM_GETANYCAST, Some(family_doit), None, None).unwrap();
    let s = route_socket(&net);
    for (seq, family) in [(1, TEST_FAMILY), (2, 200)] {
        s.send(&nlmsg(RTM_GETANYCAST, NLM_F_REQUEST | NLM_F_DUMP, seq, &[family, 0, 0, 0]), 0).unwrap();
        let got = read_dump(&s, &[65536]);
        assert_eq!(shape(&got), [(2 * 76 + 20, 2, true)], "family {family}");
    }
    assert!(state.calls().is_empty(), "the family's doit is not a dumpit");
}

/// (V, t3_rcv) types 123/124/200 and an unregistered 27 → −95, with or without
/// ACK; RTM_GETADDR without DUMP where the family has only a dumpit → −95.
#[test]
fn unhandled_types_and_a_get_without_a_doit_are_eopnotsupp() {
    let (k, net, _state) = setup();
    register_dumpit(&k, 0);
    let s = route_socket(&net);
    for (ty, flags, seq) in
        [(123, NLM_F_REQUEST | NLM_F_ACK, 1), (124, NLM_F_REQUEST | NLM_F_ACK, 2), (200, NLM_F_REQUEST, 3)]
    {
        let got = transact(&s, &nlmsg(ty, flags, seq, &[0; 4]));
        assert_eq!((got.len(), got[0].len, got[0].seq, got[0].errno()), (1, 40, seq, -95), "type {ty}");
    }
    let got = transact(&s, &nlmsg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_ACK, 11, &ifaddrmsg(TEST_FAMILY, 0, 1)));
    assert_eq!((got.len(), got[0].len, got[0].errno()), (1, 44, -95));
}

/// (V) "DELADDR|BULK: NLMSG_ERROR len=80 flags=ACK_TLVS error=-95 … MSG 'Bulk
/// delete is not supported'" (24-byte request).
#[test]
fn bulk_delete_on_a_handler_without_bulk_support_is_eopnotsupp_with_a_message() {
    let (k, net, state) = setup();
    k.rtnl_register_many(&[RtnlMsgHandler {
        protocol: TEST_FAMILY,
        msgtype: RTM_DELADDR,
        doit: Some(family_doit),
        dumpit: None,
        flags: 0,
    }])
    .unwrap();
    let s = route_socket(&net);
    set_ext_ack(&s, true);
    let req = nlmsg(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_BULK, 1, &ifaddrmsg(TEST_FAMILY, 24, 1));
    let got = transact_one(&s, &req);
    let mut want = answer("50000000 02000002 01000000 PPPPPPPP a1ffffff", portid(&s));
    want.extend_from_slice(&req);
    want.extend_from_slice(&hex("21000100"));
    want.extend_from_slice(b"Bulk delete is not supported\0\0\0\0");
    assert_eq!(got, want);
    assert!(state.calls().is_empty());
    // Without NLM_F_BULK the same handler runs.
    let got = transact(&s, &nlmsg(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, 2, &ifaddrmsg(TEST_FAMILY, 24, 1)));
    assert_eq!((got.len(), got[0].errno()), (1, 0));
    assert_eq!(state.calls(), ["family type=21 flags=0x5 family=100"]);
}

#[test]
fn bulk_delete_reaches_a_handler_flagged_bulk_del_supported() {
    let (k, net, state) = setup();
    k.rtnl_register_many(&[RtnlMsgHandler {
        protocol: TEST_FAMILY,
        msgtype: RTM_DELADDR,
        doit: Some(family_doit),
        dumpit: None,
        flags: RTNL_FLAG_BULK_DEL_SUPPORTED,
    }])
    .unwrap();
    let s = route_socket(&net);
    let got =
        transact(&s, &nlmsg(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_BULK, 1, &ifaddrmsg(TEST_FAMILY, 24, 1)));
    assert_eq!((got.len(), got[0].flags, got[0].errno()), (1, NLM_F_CAPPED, 0));
    assert_eq!(state.calls(), ["family type=21 flags=0x205 family=100"]);
}

#[test]
fn bulk_flag_on_new_and_get_is_not_a_bulk_delete() {
    // 0x200 is EXCL on NEW and MATCH on GET: only DEL reads it as BULK.
    let (k, net, state) = setup();
    register_all_kinds(&k);
    let s = route_socket(&net);
    let got =
        transact(&s, &nlmsg(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL, 1, &ifaddrmsg(TEST_FAMILY, 24, 1)));
    assert_eq!((got.len(), got[0].errno()), (1, 0));
    assert_eq!(state.calls(), ["family type=20 flags=0x205 family=100"]);
}

/// A doit that holds on until a dump on another socket completes (or gives up).
fn lock_probe_doit(skb: &NetlinkRcvSkb<'_>, _msg: &[u8], _extack: &mut ExtAck) -> Result<(), Errno> {
    let lab = lab(skb.net());
    let entered = lab.entered.lock().unwrap().take().expect("probe armed");
    let dump_done = lab.dump_done.lock().unwrap().take().expect("probe armed");
    entered.send(()).unwrap();
    let saw = dump_done.recv_timeout(Duration::from_millis(lab.wait_ms.load(SeqCst))).is_ok();
    *lab.saw_dump.lock().unwrap() = Some(saw);
    Ok(())
}

/// While a NEW doit (flags `doit_flags`) runs, another thread starts a dump
/// (flags `dump_flags`) on another socket; returns whether the dump completed
/// while the doit was still running. A dump that needs rtnl_lock cannot
/// complete while a locked doit holds it, so `false` there is certain; the
/// unlocked cases get ten seconds.
fn dump_completes_during_doit(doit_flags: u32, dump_flags: u32, wait_ms: u64) -> bool {
    let (k, net, state) = setup();
    k.rtnl_register_many(&[
        RtnlMsgHandler {
            protocol: TEST_FAMILY,
            msgtype: RTM_NEWADDR,
            doit: Some(lock_probe_doit),
            dumpit: None,
            flags: doit_flags,
        },
        RtnlMsgHandler {
            protocol: TEST_FAMILY,
            msgtype: RTM_GETADDR,
            doit: None,
            dumpit: Some(fixed_dumpit),
            flags: dump_flags,
        },
    ])
    .unwrap();
    let (entered_tx, entered_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel();
    *state.entered.lock().unwrap() = Some(entered_tx);
    *state.dump_done.lock().unwrap() = Some(done_rx);
    state.wait_ms.store(wait_ms, SeqCst);
    let other = net.clone();
    let helper = thread::spawn(move || {
        let s = route_socket(&other);
        entered_rx.recv().unwrap();
        s.send(&dump_request(9), 0).unwrap();
        let _ = done_tx.send(());
        drain_msgs(&s)
    });
    let s = route_socket(&net);
    let got = transact(&s, &nlmsg(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK, 1, &ifaddrmsg(TEST_FAMILY, 24, 1)));
    assert_eq!((got.len(), got[0].errno()), (1, 0));
    let dump = helper.join().unwrap();
    assert_eq!(dump.len(), 1, "an empty dump is one NLMSG_DONE");
    assert_eq!((dump[0].ty, dump[0].errno()), (NLMSG_DONE, 0));
    let saw = *state.saw_dump.lock().unwrap();
    saw.expect("the doit ran")
}

#[test]
fn a_locked_doit_holds_rtnl_lock_against_locked_dumps() {
    assert!(!dump_completes_during_doit(0, 0, 300), "the dump ran while the doit held rtnl_lock");
}

#[test]
fn a_doit_flagged_doit_unlocked_runs_without_rtnl_lock() {
    assert!(dump_completes_during_doit(RTNL_FLAG_DOIT_UNLOCKED, 0, 10_000));
}

#[test]
fn a_dumpit_flagged_dump_unlocked_runs_without_rtnl_lock() {
    assert!(dump_completes_during_doit(0, RTNL_FLAG_DUMP_UNLOCKED, 10_000));
}

// ===========================================================================
// §3/§5: batches with dumps (t3_rcv, t3b_batch_dump)
// ===========================================================================

/// (V, t3b) `[DUMP(1), GET(2) ifindex 1, DUMP(3), GET(4) ifindex 999]`, all with
/// ACK → first dump chunk, NEWLINK seq 2, ACK seq 2, EBUSY seq 3 (len 52),
/// ENODEV seq 4 (len 52), and the first dump's DONE last.
#[test]
fn a_second_dump_while_one_runs_is_ebusy_and_the_first_dump_ends_last() {
    let (k, net, state) = setup();
    state.dump_len.store(1, SeqCst);
    k.rtnl_register_many(&[RtnlMsgHandler {
        protocol: TEST_FAMILY,
        msgtype: RTM_GETLINK,
        doit: Some(getlink_doit),
        dumpit: Some(fixed_dumpit),
        flags: RTNL_FLAG_DUMP_SPLIT_NLM_DONE,
    }])
    .unwrap();
    let s = route_socket(&net);
    let me = portid(&s);
    let ra = NLM_F_REQUEST | NLM_F_ACK;
    let mut batch = nlmsg(RTM_GETLINK, ra | NLM_F_DUMP, 1, &ifinfomsg(TEST_FAMILY, 0, 0, 0));
    batch.extend(nlmsg(RTM_GETLINK, ra, 2, &ifinfomsg(TEST_FAMILY, 1, 0, 0)));
    batch.extend(nlmsg(RTM_GETLINK, ra | NLM_F_DUMP, 3, &ifinfomsg(TEST_FAMILY, 0, 0, 0)));
    batch.extend(nlmsg(RTM_GETLINK, ra, 4, &ifinfomsg(TEST_FAMILY, 999, 0, 0)));
    s.send(&batch, 0).unwrap();
    let dgrams: Vec<Vec<Msg>> = drain(&s).iter().map(|(d, _)| parse(d)).collect();
    /// (type, flags, seq, len, errno) of each message.
    type Summary = (u16, u16, u32, usize, i32);
    let summary: Vec<Vec<Summary>> = dgrams
        .iter()
        .map(|d| {
            d.iter()
                .map(|m| {
                    let e = if matches!(m.ty, NLMSG_ERROR | NLMSG_DONE) { m.errno() } else { 0 };
                    (m.ty, m.flags, m.seq, m.len, e)
                })
                .collect()
        })
        .collect();
    assert_eq!(
        summary,
        [
            vec![(RTM_NEWADDR, NLM_F_MULTI, 1, 76, 0)],
            vec![(RTM_NEWLINK, 0, 2, 32, 0)],
            vec![(NLMSG_ERROR, NLM_F_CAPPED, 2, 36, 0)],
            vec![(NLMSG_ERROR, 0, 3, 52, -16)],
            vec![(NLMSG_ERROR, 0, 4, 52, -19)],
            vec![(NLMSG_DONE, NLM_F_MULTI, 1, 20, 0)],
        ]
    );
    assert!(dgrams.iter().flatten().all(|m| m.pid == me));
}

/// (V, t3_rcv) "RTM_GETLINK DUMP (+ACK) -> no ACK after DONE".
#[test]
fn a_dump_never_gets_an_ack() {
    let (k, net, state) = setup();
    state.dump_len.store(3, SeqCst);
    register_dumpit(&k, 0);
    let s = route_socket(&net);
    s.send(&nlmsg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, 15, &ifaddrmsg(TEST_FAMILY, 0, 0)), 0).unwrap();
    let got = drain(&s);
    assert_eq!(shape(&got), [(3 * 76 + 20, 3, true)]);
    assert!(parse(&got[0].0).iter().all(|m| m.ty != NLMSG_ERROR));
    assert_eq!(s.queued(), 0);
}

/// (V, t3_rcv and a probe) NLM_F_ROOT alone and NLM_F_MATCH alone start a
/// dump ("GETLINK|MATCH -> NEWLINK flags=MULTI, DONE"); NLM_F_ATOMIC alone
/// does not ("GETLINK|ATOMIC ifindex 1 -> RTM_NEWLINK flags=0").
#[test]
fn root_alone_or_match_alone_starts_a_dump_but_atomic_alone_does_not() {
    let (k, net, state) = setup();
    state.dump_len.store(1, SeqCst);
    k.rtnl_register(TEST_FAMILY, RTM_GETLINK, Some(getlink_doit), Some(fixed_dumpit), None).unwrap();
    let s = route_socket(&net);
    for (seq, flag) in [(16, NLM_F_ROOT), (17, NLM_F_MATCH)] {
        let got = transact(&s, &nlmsg(RTM_GETLINK, NLM_F_REQUEST | flag, seq, &ifinfomsg(TEST_FAMILY, 1, 0, 0)));
        let kinds: Vec<(u16, u16, u32)> = got.iter().map(|m| (m.ty, m.flags, m.seq)).collect();
        assert_eq!(kinds, [(RTM_NEWADDR, NLM_F_MULTI, seq), (NLMSG_DONE, NLM_F_MULTI, seq)], "flag {flag:#x}");
    }
    let got = transact(&s, &nlmsg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ATOMIC, 18, &ifinfomsg(TEST_FAMILY, 1, 0, 0)));
    let kinds: Vec<(u16, u16, u32)> = got.iter().map(|m| (m.ty, m.flags, m.seq)).collect();
    assert_eq!(kinds, [(RTM_NEWLINK, 0, 18)]);
    assert_eq!(state.calls(), ["getlink type=18 flags=0x401 family=100"]);
}

// ===========================================================================
// §5: dump chunking (t5_dump)
// ===========================================================================

/// A machine whose `TEST_FAMILY` RTM_GETADDR dumps `n` 76-byte messages.
fn dump_setup(n: usize, flags: u32) -> (Kernel, NetRef, Arc<Lab>, NetlinkSocket) {
    let (k, net, state) = setup();
    state.dump_len.store(n, SeqCst);
    register_dumpit(&k, flags);
    let s = route_socket(&net);
    (k, net, state, s)
}

/// (V, t5) 1001 × 76 bytes, 32 KiB reads: "3724 B (49), 32376 (426), 32376
/// (426), 7600 (100), then 20 B DONE alone"; Rmem 4352 after send(), 33024
/// after each data read, 0 at the end; DONE = 14000000 0300 0200 f4010000 pid 0.
#[test]
fn dump_chunks_grow_from_nlmsg_goodsize_to_the_reader_buffer_and_split_done_comes_alone() {
    let (_k, _net, _state, s) = dump_setup(1001, RTNL_FLAG_DUMP_SPLIT_NLM_DONE);
    let me = portid(&s);
    s.send(&dump_request(500), 0).unwrap();
    assert_eq!((s.queued(), s.rmem_alloc()), (1, 4352), "one NLMSG_GOODSIZE chunk queued by send()");
    let mut got = Vec::new();
    let mut rmem_after = Vec::new();
    loop {
        let (d, meta) = recv_with(&s, 32768);
        rmem_after.push(s.rmem_alloc());
        let end = parse(&d).iter().any(|m| m.ty == NLMSG_DONE);
        got.push((d, meta));
        if end {
            break;
        }
    }
    assert_eq!(
        shape(&got),
        [(3724, 49, false), (32376, 426, false), (32376, 426, false), (7600, 100, false), (20, 0, true)]
    );
    assert_eq!(rmem_after, [33024, 33024, 33024, 33024, 0]);
    check_dump_messages(&got, 500, me, 1001);
    assert_eq!(got[4].0, answer("14000000 03000200 f4010000 PPPPPPPP 00000000", me));
    assert_eq!(got[4].1.addr, addr(0, 0));
    assert_eq!(s.queued(), 0);
}

/// (V, t5) "dump handler WITHOUT RTNL_FLAG_DUMP_SPLIT_NLM_DONE (RTM_GETNETCONF):
/// 43 messages + DONE in one 3288 B datagram". Here the dumpit reports a full
/// chunk with EMSGSIZE, which means the same as its length.
#[test]
fn without_split_nlm_done_done_shares_the_last_chunk() {
    let (_k, _net, state, s) = dump_setup(1001, 0);
    state.full_as_emsgsize.store(true, SeqCst);
    s.send(&dump_request(500), 0).unwrap();
    let got = read_dump(&s, &[32768]);
    assert_eq!(shape(&got), [(3724, 49, false), (32376, 426, false), (32376, 426, false), (7620, 100, true)]);
    check_dump_messages(&got, 500, portid(&s), 1001);
}

/// (V, t5) 8 KiB reads: "49, then 107 per datagram" (8132 B), 96 in the last
/// (7296 B), then DONE alone; Rmem 16640 after each data read.
#[test]
fn dump_chunks_follow_an_8k_reader() {
    let (_k, _net, _state, s) = dump_setup(1001, RTNL_FLAG_DUMP_SPLIT_NLM_DONE);
    s.send(&dump_request(500), 0).unwrap();
    let mut got = Vec::new();
    loop {
        let (d, meta) = recv_with(&s, 8192);
        let end = parse(&d).iter().any(|m| m.ty == NLMSG_DONE);
        if !end {
            assert_eq!(s.rmem_alloc(), 16640);
        }
        got.push((d, meta));
        if end {
            break;
        }
    }
    let mut want = vec![(3724, 49, false)];
    want.extend([(8132, 107, false); 8]);
    want.extend([(7296, 96, false), (20, 0, true)]);
    assert_eq!(shape(&got), want);
    check_dump_messages(&got, 500, portid(&s), 1001);
}

/// (V, t5) first recv 2 KiB: "2048 bytes MSG_TRUNC", then "3724 (49)" — a
/// short buffer does not shrink the next chunk below NLMSG_GOODSIZE — then
/// 32376, 32376, 3876 (51) and DONE; the truncated messages are lost.
#[test]
fn a_truncated_first_read_loses_its_messages_and_the_next_chunk_is_still_goodsize() {
    let (_k, _net, _state, s) = dump_setup(1001, RTNL_FLAG_DUMP_SPLIT_NLM_DONE);
    s.send(&dump_request(500), 0).unwrap();
    let (first, meta) = recv_with(&s, 2048);
    assert_eq!((first.len(), meta.datagram_len, meta.msg_flags & MSG_TRUNC), (2048, 3724, MSG_TRUNC));
    let rest = read_dump(&s, &[65536]);
    assert_eq!(
        shape(&rest),
        [(3724, 49, false), (32376, 426, false), (32376, 426, false), (3876, 51, false), (20, 0, true)]
    );
    let first_index = parse(&rest[0].0)[0].index();
    assert_eq!(first_index, 49, "the 49 messages of the truncated chunk are gone");
}

/// `min_dump_alloc` (rtnetlink's calcit, as for RTM_GETLINK) raises the first chunk to exactly that size.
#[test]
fn min_dump_alloc_raises_the_first_chunk() {
    let (k, net, state) = setup();
    state.dump_len.store(1001, SeqCst);
    k.rtnl_register(TEST_FAMILY, RTM_GETLINK, None, Some(fixed_dumpit), Some(calcit_5000)).unwrap();
    let s = route_socket(&net);
    s.send(&nlmsg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, &ifinfomsg(TEST_FAMILY, 0, 0, 0)), 0).unwrap();
    let got = read_dump(&s, &[8192]);
    // 5000 / 76 = 65 messages; then max_recvmsg_len (8192) is larger and wins: 107
    // (936 = 8 × 107 + 80, DONE appended: no DUMP_SPLIT_NLM_DONE).
    let mut want = vec![(4940, 65, false)];
    want.extend([(8132, 107, false); 8]);
    want.push((80 * 76 + 20, 80, true));
    assert_eq!(shape(&got), want);
    check_dump_messages(&got, 1, portid(&s), 1001);
}

/// A message bigger than the chunk: the dumpit's EMSGSIZE on an empty skb
/// is a real error and ends the dump (af_netlink.c: "If the callback really
/// wants to return EMSGSIZE to user space it needs to do so again … without
/// putting data in the skb"); a large enough min_dump_alloc lets it through.
#[test]
fn a_message_larger_than_the_chunk_ends_the_dump_with_emsgsize_unless_min_dump_alloc_fits_it() {
    let (k, net, state) = setup();
    state.dump_len.store(2, SeqCst);
    state.dump_payload.store(4500, SeqCst);
    state.full_as_emsgsize.store(true, SeqCst);
    register_dumpit(&k, 0);
    k.rtnl_register(TEST_FAMILY, RTM_GETLINK, None, Some(fixed_dumpit), Some(calcit_5000)).unwrap();
    let s = route_socket(&net);
    s.send(&dump_request(1), 0).unwrap();
    let got = drain_msgs(&s);
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].ty, got[0].len, got[0].errno()), (NLMSG_DONE, 20, -90));
    // A fresh socket: the 64 KiB reads above raised this one's max_recvmsg_len for good.
    let s = route_socket(&net);
    s.send(&nlmsg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 2, &ifinfomsg(TEST_FAMILY, 0, 0, 0)), 0).unwrap();
    let got = read_dump(&s, &[5000]);
    assert_eq!(shape(&got), [(4516, 1, false), (4536, 1, true)]);
}

// ===========================================================================
// §5: NLMSG_DONE and errors
// ===========================================================================

/// (V, t5) "strict, bad header: NLMSG_DONE len=20 flags=MULTI done_errno=-22", no NLMSG_ERROR.
#[test]
fn a_dumpit_error_is_carried_by_done_not_by_an_error_message() {
    let (_k, _net, state, s) = dump_setup(10, RTNL_FLAG_DUMP_SPLIT_NLM_DONE);
    *state.fail_at.lock().unwrap() = Some((0, Errno::EINVAL));
    s.send(&nlmsg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, 801, &ifaddrmsg(TEST_FAMILY, 24, 0)), 0)
        .unwrap();
    let got = drain(&s);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, answer("14000000 03000200 21030000 PPPPPPPP eaffffff", portid(&s)));
}

/// (V, t5) "strict + NETLINK_EXT_ACK: NLMSG_DONE len=80 flags=MULTI|0x200 …
/// 'ipv4: Invalid values in header for address dump request'", the TLV right
/// after the errno.
#[test]
fn with_ext_ack_done_carries_the_dumpit_message_after_the_errno() {
    let (_k, _net, state, s) = dump_setup(10, RTNL_FLAG_DUMP_SPLIT_NLM_DONE);
    *state.fail_at.lock().unwrap() = Some((0, Errno::EINVAL));
    set_ext_ack(&s, true);
    s.send(&nlmsg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 802, &ifaddrmsg(TEST_FAMILY, 24, 0)), 0).unwrap();
    let got = drain(&s);
    assert_eq!(got.len(), 1);
    let want = answer(
        "50000000 03000202 22030000 PPPPPPPP eaffffff 3c000100 69707634 3a20496e 76616c69 64207661
         6c756573 20696e20 68656164 65722066 6f722061 64647265 73732064 756d7020 72657175 65737400",
        portid(&s),
    );
    assert_eq!(got[0].0, want);
}

/// netlink_dump: an error with data in the skb is not "more to come": DONE
/// with the errno goes into the same datagram, after the data (also for a
/// DUMP_SPLIT_NLM_DONE handler, whose `rtnl_dumpit` passes errors through).
#[test]
fn an_error_after_some_messages_ends_the_dump_in_the_same_datagram() {
    let (_k, _net, state, s) = dump_setup(10, RTNL_FLAG_DUMP_SPLIT_NLM_DONE);
    *state.fail_at.lock().unwrap() = Some((5, Errno::ENODEV));
    s.send(&dump_request(3), 0).unwrap();
    let got = drain(&s);
    assert_eq!(shape(&got), [(5 * 76 + 20, 5, true)]);
    let done = parse(&got[0].0).pop().unwrap();
    assert_eq!((done.flags, done.errno()), (NLM_F_MULTI, -19));
}

// ===========================================================================
// §5: consistency and continuation
// ===========================================================================

/// (V, t5) "an address added after recv#0 → recv#2 has exactly 1 of 426
/// messages flagged DUMP_INTR; DONE not flagged". recv#1's chunk was built
/// inside recv#0, before the change.
#[test]
fn dump_intr_flags_only_the_first_message_after_a_generation_change() {
    let (_k, _net, state, s) = dump_setup(1001, RTNL_FLAG_DUMP_SPLIT_NLM_DONE);
    s.send(&dump_request(500), 0).unwrap();
    let mut got = vec![recv_with(&s, 32768)];
    state.generation.fetch_add(1, SeqCst);
    got.extend(read_dump(&s, &[32768]));
    assert_eq!(got.len(), 5);
    let flagged: Vec<Vec<u32>> = got
        .iter()
        .map(|(d, _)| parse(d).iter().filter(|m| m.flags & NLM_F_DUMP_INTR != 0).map(|m| m.index()).collect())
        .collect();
    assert_eq!(flagged, [vec![], vec![], vec![49 + 426], vec![], vec![]]);
    let done = parse(&got[4].0).pop().unwrap();
    assert_eq!((done.ty, done.flags), (NLMSG_DONE, NLM_F_MULTI));
}

/// (V, t5: "Rmem right after send() (one skb queued) = 4352", rmem_after one
/// chunk) With nothing else queued, a dump keeps exactly one chunk in the queue.
#[test]
fn a_dump_keeps_one_chunk_queued_at_a_time() {
    let (_k, _net, _state, s) = dump_setup(3000, 0);
    s.send(&dump_request(1), 0).unwrap();
    assert_eq!(s.queued(), 1);
    let mut reads = 0;
    loop {
        let (d, _) = recv_with(&s, 32768);
        reads += 1;
        if parse(&d).iter().any(|m| m.ty == NLMSG_DONE) {
            break;
        }
        assert_eq!(s.queued(), 1, "after read {reads}");
    }
    assert_eq!((reads, s.queued(), s.rmem_alloc()), (8, 0, 0));
}

/// (V, probe under unshare -n, SO_RCVBUF 16384 → 32768, 3776-byte reads, 10
/// user datagrams of 1000 bytes queued behind the first chunk):
/// "after send rmem 4352; after 10 user dgrams 27392; recv#0 dump 23040;
/// recv#1 user 20736; recv#2 18432; recv#3 20480; recv#4 18176; recv#5 20224;
/// recv#6 17920; recv#7 19968; recv#8 17664; recv#9 19712; recv#10 17408;
/// recv#11.. dump 17408". A chunk is built by each read that leaves Rmem at
/// or below rcvbuf/2, whatever else is queued, so several can pile up.
#[test]
fn the_next_chunk_is_built_when_a_read_drains_rmem_to_half_the_receive_buffer() {
    let (_k, net, _state, s) = dump_setup(1001, 0);
    s.setsockopt_int(SOL_SOCKET, SO_RCVBUF, 16384).unwrap();
    assert_eq!(s.getsockopt_int(SOL_SOCKET, SO_RCVBUF), Ok(32768));
    s.send(&dump_request(500), 0).unwrap();
    assert_eq!(s.rmem_alloc(), 4352);
    let t = route_socket(&net);
    for i in 0..10u8 {
        t.sendto(&[i; 1000], 0, &addr(portid(&s), 0)).unwrap();
    }
    assert_eq!((s.rmem_alloc(), s.queued()), (27392, 11));
    let mut seen = Vec::new();
    for _ in 0..16 {
        let (d, meta) = recv_with(&s, 3776);
        let kind = if meta.addr.pid == 0 { "dump" } else { "user" };
        seen.push((kind, d.len(), s.rmem_alloc(), s.queued()));
    }
    let mut want = vec![("dump", 3724, 23040, 10)];
    let user = [20736, 18432, 20480, 18176, 20224, 17920, 19968, 17664, 19712, 17408];
    let queued = [9, 8, 8, 7, 7, 6, 6, 5, 5, 4];
    want.extend(user.iter().zip(queued).map(|(&r, q)| ("user", 1000, r, q)));
    want.extend([("dump", 3724, 17408, 4); 5]);
    assert_eq!(seen, want);
}

// ===========================================================================
// §6: notifications (t6_notify)
// ===========================================================================

/// A NEW doit that notifies RTNLGRP_IPV4_IFADDR with an 8-byte ifaddrmsg,
/// pid/seq of the request, as devinet's `rtmsg_ifa` does.
fn notify_doit(skb: &NetlinkRcvSkb<'_>, msg: &[u8], _extack: &mut ExtAck) -> Result<(), Errno> {
    let mut out = nlmsg_new(8);
    let nlh = out.nlmsg_put(skb.cb.portid, u32_at(msg, 8), RTM_NEWADDR, 8, 0).ok_or(Errno::EMSGSIZE)?;
    out.nlmsg_data_mut(nlh)[..8].copy_from_slice(&[PF_INET, 24, 0, 0, 1, 0, 0, 0]);
    out.nlmsg_end(nlh);
    rtnl_notify(out, skb.net(), skb.cb.portid, RTNLGRP_IPV4_IFADDR, Some(u16_at(msg, 6)));
    Ok(())
}

const IFADDR_MASK: u32 = 1 << (RTNLGRP_IPV4_IFADDR - 1);

/// A NETLINK_ROUTE socket with NETLINK_PKTINFO, bound with `groups`.
fn listener(net: &NetRef, groups: u32) -> NetlinkSocket {
    let s = net.socket(NETLINK_ROUTE).unwrap();
    s.setsockopt_int(SOL_NETLINK, NETLINK_PKTINFO, 1).unwrap();
    s.bind(&addr(0, groups)).unwrap();
    s
}

fn notify_setup() -> (Kernel, NetRef) {
    let k = kernel();
    k.rtnl_register(TEST_FAMILY, RTM_NEWADDR, Some(notify_doit), None, None).unwrap();
    let net = k.init_net();
    (k, net)
}

/// The notification `notify_doit` sends for a request with `seq` from `pid`.
fn notification(seq: u32, pid: u32) -> Vec<u8> {
    let mut v = hex("18000000 14000000");
    v.extend_from_slice(&seq.to_ne_bytes());
    v.extend_from_slice(&pid.to_ne_bytes());
    v.extend_from_slice(&[PF_INET, 24, 0, 0, 1, 0, 0, 0]);
    v
}

fn new_request(flags: u16, seq: u32) -> Vec<u8> {
    nlmsg(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | flags, seq, &ifaddrmsg(TEST_FAMILY, 24, 1))
}

/// Checks that `s` got exactly the notification, from (0, IFADDR mask) with PKTINFO 5 if enabled.
fn assert_one_notification(got: &[(Vec<u8>, RecvMeta)], seq: u32, pid: u32, pktinfo: Option<u32>) {
    assert_eq!(got.len(), 1, "{got:02x?}");
    assert_eq!(got[0].0, notification(seq, pid));
    assert_eq!(got[0].1.addr, addr(0, IFADDR_MASK));
    assert_eq!(got[0].1.pktinfo, pktinfo);
}

/// Splits what a requester got into the datagrams before its ACK, and checks the ACK.
fn before_ack(mut got: Vec<(Vec<u8>, RecvMeta)>, seq: u32) -> Vec<(Vec<u8>, RecvMeta)> {
    let (ack, meta) = got.pop().expect("an ack");
    let ack = parse(&ack);
    assert_eq!((ack.len(), ack[0].ty, ack[0].seq, ack[0].errno()), (1, NLMSG_ERROR, seq, 0));
    assert_eq!((meta.addr, meta.pktinfo), (addr(0, 0), Some(0)), "the ack is a unicast");
    got
}

/// (V, t6) listeners get the notification from (0, 16) with PKTINFO 5, pid and
/// seq as the handler wrote them (the requester's); the unsubscribed requester
/// without ECHO gets only its ACK.
#[test]
fn a_notification_reaches_group_listeners_from_port_0_with_the_group_in_pktinfo() {
    let (_k, net) = notify_setup();
    let l = listener(&net, IFADDR_MASK);
    let other = listener(&net, 1);
    let r = listener(&net, 0);
    r.send(&new_request(0, 501), 0).unwrap();
    assert_one_notification(&drain(&l), 501, portid(&r), Some(RTNLGRP_IPV4_IFADDR));
    assert!(before_ack(drain(&r), 501).is_empty(), "an unsubscribed requester without ECHO gets no copy");
    assert!(drain(&other).is_empty(), "group 1 is not group 5");
}

/// (V, t6) "RTM_NEWADDR …, ACK, no ECHO, requester subscribed": the requester
/// gets the multicast, then its ACK.
#[test]
fn a_subscribed_requester_gets_the_multicast() {
    let (_k, net) = notify_setup();
    let l = listener(&net, IFADDR_MASK);
    let r = listener(&net, IFADDR_MASK);
    r.send(&new_request(0, 501), 0).unwrap();
    assert_one_notification(&before_ack(drain(&r), 501), 501, portid(&r), Some(RTNLGRP_IPV4_IFADDR));
    assert_one_notification(&drain(&l), 501, portid(&r), Some(RTNLGRP_IPV4_IFADDR));
}

/// (V, t6) "ACK|ECHO, requester NOT subscribed -- seen by REQUESTER: grp=5
/// from=(0, 16) RTM_NEWADDR …, NLMSG_ERROR": the unicast copy reads as a multicast.
#[test]
fn echo_gives_an_unsubscribed_requester_a_copy_that_looks_like_the_multicast() {
    let (_k, net) = notify_setup();
    let l = listener(&net, IFADDR_MASK);
    let r = listener(&net, 0);
    r.send(&new_request(NLM_F_ECHO, 503), 0).unwrap();
    assert_one_notification(&before_ack(drain(&r), 503), 503, portid(&r), Some(RTNLGRP_IPV4_IFADDR));
    assert_one_notification(&drain(&l), 503, portid(&r), Some(RTNLGRP_IPV4_IFADDR));
}

/// (V, t6) "ACK|ECHO, requester subscribed": one copy, not two — the
/// requester is left out of the multicast.
#[test]
fn echo_to_a_subscribed_requester_is_not_duplicated() {
    let (_k, net) = notify_setup();
    let l = listener(&net, IFADDR_MASK);
    let r = listener(&net, IFADDR_MASK);
    r.send(&new_request(NLM_F_ECHO, 502), 0).unwrap();
    assert_one_notification(&before_ack(drain(&r), 502), 502, portid(&r), Some(RTNLGRP_IPV4_IFADDR));
    assert_one_notification(&drain(&l), 502, portid(&r), Some(RTNLGRP_IPV4_IFADDR));
}

// ===========================================================================
// Kernel sockets and pernet subsystems
// ===========================================================================

thread_local! {
    /// What the test subsystem's pernet hooks and input saw (they run on the test's thread).
    static EVENTS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn event(e: String) {
    EVENTS.with(|v| v.borrow_mut().push(e));
}

fn take_events() -> Vec<String> {
    EVENTS.with(|v| std::mem::take(&mut *v.borrow_mut()))
}

/// The test subsystem's kernel socket in one namespace.
struct TestSock(Arc<NetlinkSock>);

fn test_sock_exit(net: &Arc<Net>) {
    event(format!("exit net{}", net.id()));
    if let Some(s) = net.generic::<TestSock>() {
        netlink_kernel_release(&s.0);
        net.clear_generic::<TestSock>();
    }
}

fn install_test_sock(net: &Arc<Net>, cfg: NetlinkKernelCfg) -> Result<(), Errno> {
    let sk = netlink_kernel_create(net, TEST_PROTO, cfg)?;
    net.set_generic(Arc::new(TestSock(sk)));
    Ok(())
}

/// A kernel socket that takes no input (`cfg.input == NULL`).
fn init_send_only(net: &Arc<Net>) -> Result<(), Errno> {
    event(format!("init net{}", net.id()));
    install_test_sock(net, NetlinkKernelCfg::default())
}

/// A kernel socket whose input records the namespace, the sender and the data.
fn init_recording(net: &Arc<Net>) -> Result<(), Errno> {
    event(format!("init net{}", net.id()));
    let input = Arc::new(|skb: &NetlinkRcvSkb<'_>| {
        event(format!("input net{} from {} {}", skb.net().id(), skb.cb.portid, String::from_utf8_lossy(skb.data)));
    });
    install_test_sock(net, NetlinkKernelCfg { input: Some(input), ..Default::default() })
}

fn register_test_subsys(k: &Kernel, init: fn(&Arc<Net>) -> Result<(), Errno>) {
    k.register_pernet_subsys(PernetOperations { name: "rtnlsim-test", init: Some(init), exit: Some(test_sock_exit) })
        .expect("register_pernet_subsys");
}

/// `netlink_unicast_kernel`: a kernel socket without `input` refuses (V,
/// kernel-reference §1: NETLINK_SELINUX, whose kernel socket has no input,
/// answers a send to pid 0 in a fresh netns with ECONNREFUSED).
#[test]
fn sending_to_a_kernel_socket_without_input_is_econnrefused() {
    let k = kernel();
    register_test_subsys(&k, init_send_only);
    let s = k.init_net().socket(TEST_PROTO).unwrap();
    assert_eq!(s.send(b"anyone there?", 0), Err(Errno::ECONNREFUSED));
    assert_eq!(s.sendto(b"anyone there?", 0, &addr(0, 0)), Err(Errno::ECONNREFUSED));
    assert_eq!(s.queued(), 0);
}

#[test]
fn netlink_kernel_create_registers_the_protocol_for_socket_2() {
    let k = kernel();
    take_events();
    let net = k.init_net();
    assert_eq!(net.socket(TEST_PROTO).unwrap_err(), Errno::EPROTONOSUPPORT);
    register_test_subsys(&k, init_recording);
    let s = net.socket(TEST_PROTO).expect("socket(2) after netlink_kernel_create");
    s.send(b"hello", 0).unwrap();
    // A namespace made later gets its own kernel socket, and socket(2) works there too.
    let other = k.net_create().unwrap();
    let t = other.socket(TEST_PROTO).unwrap();
    t.send(b"there", 0).unwrap();
    assert_eq!(
        take_events(),
        [
            format!("init net{}", net.id()),
            format!("input net{} from {} hello", net.id(), portid(&s)),
            format!("init net{}", other.id()),
            format!("input net{} from {} there", other.id(), portid(&t)),
        ]
    );
}

#[test]
fn pernet_init_runs_in_existing_and_new_namespaces_and_exit_when_one_dies() {
    let k = kernel();
    take_events();
    let init = k.init_net();
    let a = k.net_create().unwrap();
    assert_eq!(k.net_count(), 2);
    register_test_subsys(&k, init_recording);
    assert_eq!(take_events(), [format!("init net{}", init.id()), format!("init net{}", a.id())]);
    let b = k.net_create().unwrap();
    let b_id = b.id();
    assert_eq!((take_events(), k.net_count()), (vec![format!("init net{b_id}")], 3));
    drop(b);
    assert_eq!((take_events(), k.net_count()), (vec![format!("exit net{b_id}")], 2));
    let a_id = a.id();
    drop(a);
    assert_eq!((take_events(), k.net_count()), (vec![format!("exit net{a_id}")], 1));
}

#[test]
fn a_namespace_lives_while_a_socket_in_it_is_open() {
    let k = kernel();
    register_test_subsys(&k, init_recording);
    let c = k.net_create().unwrap();
    let c_id = c.id();
    let s = c.socket(TEST_PROTO).unwrap();
    take_events();
    drop(c);
    assert_eq!((take_events(), k.net_count()), (vec![], 2), "the socket holds the namespace");
    s.send(b"still here", 0).unwrap();
    assert_eq!(take_events(), [format!("input net{c_id} from {} still here", portid(&s))]);
    drop(s);
    assert_eq!((take_events(), k.net_count()), (vec![format!("exit net{c_id}")], 1));
}

#[test]
fn kernel_sockets_of_two_namespaces_are_separate() {
    let k = kernel();
    register_test_subsys(&k, init_recording);
    let a = k.init_net();
    let b = k.net_create().unwrap();
    let sa = a.socket(TEST_PROTO).unwrap();
    let sb = b.socket(TEST_PROTO).unwrap();
    sa.bind(&addr(0, 0)).unwrap();
    sb.bind(&addr(0, 0)).unwrap();
    // Same port id in each namespace: port spaces are per namespace too.
    assert_eq!(portid(&sa), portid(&sb));
    take_events();
    sa.send(b"for a", 0).unwrap();
    sb.send(b"for b", 0).unwrap();
    sa.send(b"for a again", 0).unwrap();
    let p = portid(&sa);
    assert_eq!(
        take_events(),
        [
            format!("input net{} from {p} for a", a.id()),
            format!("input net{} from {p} for b", b.id()),
            format!("input net{} from {p} for a again", a.id()),
        ]
    );
}

/// State of the dumping test subsystem: a kernel socket whose input starts a
/// `netlink_dump_start` dump with a `done` callback.
#[derive(Default)]
struct Dumper {
    len: AtomicUsize,
    min_dump_alloc: AtomicU32,
    start_error: Mutex<Option<Errno>>,
    done_calls: AtomicUsize,
}

type StartFn = Arc<dyn Fn(&mut NetlinkCallback) -> Result<(), Errno> + Send + Sync>;

fn dumper_control(st: &Arc<Dumper>) -> NetlinkDumpControl {
    let len = st.len.load(SeqCst) as i64;
    let start: Option<StartFn> = match *st.start_error.lock().unwrap() {
        Some(e) => Some(Arc::new(move |_cb: &mut NetlinkCallback| Err(e))),
        None => None,
    };
    let done_st = Arc::clone(st);
    NetlinkDumpControl {
        start,
        dump: Arc::new(move |skb: &mut SkBuff, cb: &mut NetlinkCallback| -> Result<usize, Errno> {
            while cb.args[0] < len {
                let Some(nlh) = cb.nlmsg_put_answer(skb, NLMSG_MIN_TYPE, DUMP_PAYLOAD, NLM_F_MULTI) else {
                    return Ok(skb.len());
                };
                skb.nlmsg_data_mut(nlh)[..4].copy_from_slice(&(cb.args[0] as u32).to_ne_bytes());
                skb.nlmsg_end(nlh);
                cb.args[0] += 1;
            }
            Ok(0)
        }),
        done: Some(Arc::new(move |_cb: &mut NetlinkCallback| {
            done_st.done_calls.fetch_add(1, SeqCst);
        })),
        data: None,
        min_dump_alloc: st.min_dump_alloc.load(SeqCst),
        flags: 0,
    }
}

fn init_dumper(net: &Arc<Net>) -> Result<(), Errno> {
    let st = Arc::new(Dumper::default());
    net.set_generic(Arc::clone(&st));
    let input = Arc::new(move |skb: &NetlinkRcvSkb<'_>| {
        let handler = |skb: &NetlinkRcvSkb<'_>, msg: &[u8], _extack: &mut ExtAck| -> Result<(), Errno> {
            netlink_dump_start(skb.ssk, skb, msg, dumper_control(&st))
        };
        netlink_rcv_skb(skb, &handler);
    });
    install_test_sock(net, NetlinkKernelCfg { input: Some(input), ..Default::default() })
}

fn dumper_setup(len: usize) -> (Kernel, NetRef, Arc<Dumper>, NetlinkSocket) {
    let k = kernel();
    register_test_subsys(&k, init_dumper);
    let net = k.init_net();
    let st = net.generic::<Dumper>().unwrap();
    st.len.store(len, SeqCst);
    let s = net.socket(TEST_PROTO).unwrap();
    s.bind(&addr(0, 0)).unwrap();
    (k, net, st, s)
}

fn dumper_request(seq: u32) -> Vec<u8> {
    nlmsg(NLMSG_MIN_TYPE, NLM_F_REQUEST | NLM_F_DUMP, seq, &[0; 4])
}

#[test]
fn done_runs_once_when_a_dump_ends() {
    let (_k, _net, st, s) = dumper_setup(1001);
    s.send(&dumper_request(1), 0).unwrap();
    let got = read_dump(&s, &[32768]);
    // No DUMP_SPLIT_NLM_DONE outside rtnetlink: DONE shares the last chunk.
    assert_eq!(shape(&got), [(3724, 49, false), (32376, 426, false), (32376, 426, false), (7620, 100, true)]);
    assert_eq!(st.done_calls.load(SeqCst), 1);
    drop(s);
    assert_eq!(st.done_calls.load(SeqCst), 1, "a finished dump is not ended again on close");
}

/// `netlink_sock_destruct`: a socket closed mid-dump still runs `cb->done`.
#[test]
fn closing_a_socket_mid_dump_runs_done() {
    let (_k, _net, st, s) = dumper_setup(1001);
    s.send(&dumper_request(1), 0).unwrap();
    let (d, _) = recv_with(&s, 32768);
    assert_eq!(parse(&d).len(), 49);
    assert_eq!((s.queued(), st.done_calls.load(SeqCst)), (1, 0));
    drop(s);
    assert_eq!(st.done_calls.load(SeqCst), 1);
}

#[test]
fn a_failing_start_refuses_the_dump_with_an_error_ack() {
    let (_k, _net, st, s) = dumper_setup(3);
    *st.start_error.lock().unwrap() = Some(Errno::EPERM);
    let got = transact(&s, &dumper_request(1));
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].ty, got[0].seq, got[0].len, got[0].errno()), (NLMSG_ERROR, 1, NLMSGERR_HDR + 20, -1));
    assert_eq!(st.done_calls.load(SeqCst), 0, "a refused dump never started");
    // No dump is left running: the next request is not EBUSY.
    *st.start_error.lock().unwrap() = None;
    let got = transact(&s, &dumper_request(2));
    assert_eq!(got.iter().map(|m| m.ty).collect::<Vec<_>>(), [16, 16, 16, NLMSG_DONE]);
    assert_eq!(st.done_calls.load(SeqCst), 1);
}

/// `netlink_dump`: `alloc_min_size = max(cb->min_dump_alloc, NLMSG_GOODSIZE)`, and the skb is trimmed to it.
#[test]
fn min_dump_alloc_of_the_dump_control_sizes_the_first_chunk() {
    let (_k, _net, st, s) = dumper_setup(1001);
    st.min_dump_alloc.store(5000, SeqCst);
    s.send(&dumper_request(1), 0).unwrap();
    // A 4960-byte reader (max_recvmsg_len 4960 < 5000) does not shrink the chunks below min_dump_alloc.
    let got = read_dump(&s, &[4960]);
    let sh = shape(&got);
    // 65 × 76 = 4940 ≤ 5000 < 66 × 76; 1001 = 15 × 65 + 26.
    let mut want = vec![(4940, 65, false); 15];
    want.push((26 * 76 + 20, 26, true));
    assert_eq!(sh, want);
}

// ===========================================================================
// The uevent socket (lib/kobject_uevent.c)
// ===========================================================================

fn uevent_listener(net: &NetRef) -> NetlinkSocket {
    let l = net.socket(NETLINK_KOBJECT_UEVENT).unwrap();
    l.setsockopt_int(SOL_NETLINK, NETLINK_PKTINFO, 1).unwrap();
    l.bind(&addr(0, 1)).unwrap();
    l
}

/// The uevents of a fresh machine: registering init_net's `lo` at boot
/// announced the device and its two queues (SEQNUM 1–3), so the first
/// uevent a test causes is number 4.
const BOOT_UEVENTS: u32 = 3;

fn seqnum(n: u32) -> Vec<u8> {
    let n = n + BOOT_UEVENTS;
    format!("SEQNUM={n}\0").into_bytes()
}

/// (V, probe under unshare -n) sender S and listener L on group 1, S sends
/// REQUEST|ACK type 0x10 "ACTION=add\0DEVPATH=/x\0" (38 → 40 bytes):
/// "L from (0, 1) pktinfo [1] 36 b'ACTION=add\0DEVPATH=/x\0\0\0SEQNUM=1242\0'";
/// S gets the same, then the capped ACK. (The host's counter was at 1241; a
/// simulated machine starts at 0, and counts the boot's own uevents.)
#[test]
fn a_uevent_from_root_is_rebroadcast_without_its_header_plus_seqnum_then_acked() {
    let k = kernel();
    let net = k.init_net();
    let l = uevent_listener(&net);
    let s = net.socket(NETLINK_KOBJECT_UEVENT).unwrap();
    s.bind(&addr(0, 1)).unwrap();
    let req = nlmsg(0x10, NLM_F_REQUEST | NLM_F_ACK, 7, b"ACTION=add\0DEVPATH=/x\0");
    assert_eq!(req.len(), 40);
    s.send(&req, 0).unwrap();
    let mut want = req[16..].to_vec();
    want.extend(seqnum(1));
    let got = drain(&l);
    assert_eq!(got.len(), 1);
    assert_eq!((&got[0].0, got[0].1.addr, got[0].1.pktinfo), (&want, addr(0, 1), Some(1)));
    let got = drain(&s);
    assert_eq!(got.len(), 2, "the broadcast, then the ack");
    assert_eq!(got[0].0, want);
    assert_eq!(
        got[1].0,
        answer("24000000 02000001 07000000 PPPPPPPP 00000000 26000000 10000500 07000000 00000000", portid(&s))
    );
    // The next uevent gets the next number.
    s.send(&nlmsg(0x10, NLM_F_REQUEST, 8, b"ACTION=remove\0"), 0).unwrap();
    let got = drain(&l);
    assert_eq!(got.len(), 1);
    assert!(got[0].0.ends_with(&seqnum(2)));
}

/// (V, same probe) a datagram of two uevents: "L batch 36
/// b'A=1\0' + <the whole second message> + b'SEQNUM=1243\0'", then
/// "16 b'B=2\0SEQNUM=1244\0'"; a control type (0x05) with REQUEST|ACK is
/// only acked, and uses no number.
#[test]
fn each_uevent_of_a_batch_is_rebroadcast_with_the_rest_of_the_datagram() {
    let k = kernel();
    let net = k.init_net();
    let l = uevent_listener(&net);
    let s = net.socket(NETLINK_KOBJECT_UEVENT).unwrap();
    let second = nlmsg(0x11, NLM_F_REQUEST, 9, b"B=2\0");
    let mut batch = nlmsg(0x10, NLM_F_REQUEST, 8, b"A=1\0");
    batch.extend_from_slice(&second);
    s.send(&batch, 0).unwrap();
    let mut first = b"A=1\0".to_vec();
    first.extend_from_slice(&second);
    first.extend(seqnum(1));
    let mut last = b"B=2\0".to_vec();
    last.extend(seqnum(2));
    let got: Vec<Vec<u8>> = drain(&l).into_iter().map(|(d, _)| d).collect();
    assert_eq!(got, [first, last]);
    let got = transact(&s, &nlmsg(0x05, NLM_F_REQUEST | NLM_F_ACK, 10, b"C=3\0"));
    assert_eq!((got.len(), got[0].ty, got[0].errno()), (1, NLMSG_ERROR, 0));
    assert!(drain(&l).is_empty());
    s.send(&nlmsg(0x10, NLM_F_REQUEST, 11, b"D=4\0"), 0).unwrap();
    let got = drain(&l);
    assert_eq!(got.len(), 1);
    assert!(got[0].0.ends_with(&seqnum(3)));
}

/// (V, same probe, as uid 65534 with NETLINK_EXT_ACK):
/// "N from (0, 0) 80 50000000 02000002 0b000000 <pid> ffffffff <request> 25000100
/// 'missing CAP_SYS_ADMIN capability\0' 000000"; the listener gets nothing.
#[test]
fn a_uevent_from_an_unprivileged_task_is_eperm_with_a_message() {
    let k = kernel();
    let net = k.init_net();
    let l = uevent_listener(&net);
    let n = net.socket_as(SOCK_RAW, NETLINK_KOBJECT_UEVENT as i32, Credentials::user(2000, 65534)).unwrap();
    set_ext_ack(&n, true);
    n.bind(&addr(0, 0)).unwrap();
    let got = transact_one(&n, &nlmsg(0x10, NLM_F_REQUEST | NLM_F_ACK, 11, b"X=1\0"));
    let want = answer(
        "50000000 02000002 0b000000 PPPPPPPP ffffffff 14000000 10000500 0b000000 00000000 583d3100
         25000100 6d697373 696e6720 4341505f 5359535f 41444d49 4e206361 70616269 6c697479 00000000",
        portid(&n),
    );
    assert_eq!(got, want);
    assert!(drain(&l).is_empty());
    // The refused uevent used no sequence number.
    let s = net.socket(NETLINK_KOBJECT_UEVENT).unwrap();
    s.send(&nlmsg(0x10, NLM_F_REQUEST, 12, b"Y=2\0"), 0).unwrap();
    let got = drain(&l);
    assert_eq!(got.len(), 1);
    assert!(got[0].0.ends_with(&seqnum(1)));
}
