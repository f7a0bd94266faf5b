//! Neighbour tables through sockets (issue 4): RTM_NEWNEIGH, RTM_DELNEIGH,
//! RTM_GETNEIGH (doit and dump), their errors and ext-acks, the NLM_F
//! semantics, RTNLGRP_NEIGH notifications, NUD states on the virtual clock,
//! flushing when a device goes down, loses its carrier, changes address or
//! goes away, and namespace isolation.
//!
//! Every expectation is what Linux 6.18.44 did under `unshare -n`, as
//! recorded by probes/p_neigh.py, p_neigh2.py and p_neigh3.py (outputs in
//! probes/observed/). A test names the probe step it follows; byte strings
//! are copied from the probes' `bytes:` lines (the ndmsg and attributes,
//! after the 16-byte header). The world is the probes' one: `lo` (1), a
//! veth pair v1 (2) / v0 (3), all down unless a test brings them up.

use rtnlsim::kernel::{NetRef, NetlinkSocket};
use rtnlsim::wire::uapi::if_::*;
use rtnlsim::wire::uapi::if_link::*;
use rtnlsim::wire::uapi::neighbour::*;
use rtnlsim::wire::uapi::netlink::*;
use rtnlsim::wire::uapi::rtnetlink::*;
use rtnlsim::wire::uapi::socket::*;
use rtnlsim::Kernel;

#[path = "support/sockets.rs"]
mod sockets;
#[path = "support/wire.rs"]
mod wire;

use sockets::{portid, route_socket};
use wire::*;

const REQ: u16 = NLM_F_REQUEST | NLM_F_ACK;
const ADD: u16 = REQ | NLM_F_CREATE | NLM_F_EXCL;
const MAC: [u8; 6] = [2, 0, 0, 0, 0, 1];
const MAC2: [u8; 6] = [2, 0, 0, 0, 0, 2];
const V1: i32 = 2;
const V0: i32 = 3;
const NEIGH_GROUP: u32 = 1 << (RTNLGRP_NEIGH - 1);

fn ndmsg(family: u8, ifindex: i32, state: u16, flags: u8) -> Vec<u8> {
    let mut v = vec![family, 0, 0, 0];
    v.extend_from_slice(&ifindex.to_ne_bytes());
    v.extend_from_slice(&state.to_ne_bytes());
    v.extend_from_slice(&[flags, 0]);
    v
}

fn v4(a: [u8; 4]) -> Vec<u8> {
    a.to_vec()
}

fn v6(s: &str) -> Vec<u8> {
    s.parse::<std::net::Ipv6Addr>().unwrap().octets().to_vec()
}

/// RTM_NEWNEIGH as the probes build it: ndmsg, NDA_DST, NDA_LLADDR, extra.
#[allow(clippy::too_many_arguments)]
fn new_req(
    nl: u16,
    seq: u32,
    family: u8,
    ifindex: i32,
    state: u16,
    flags: u8,
    dst: &[u8],
    ll: Option<&[u8]>,
    extra: &[u8],
) -> Vec<u8> {
    let mut p = ndmsg(family, ifindex, state, flags);
    p.extend(nla(NDA_DST, dst));
    if let Some(ll) = ll {
        p.extend(nla(NDA_LLADDR, ll));
    }
    p.extend_from_slice(extra);
    nlmsg(RTM_NEWNEIGH, nl, seq, &p)
}

fn perm(seq: u32, ifindex: i32, dst: &[u8], ll: &[u8]) -> Vec<u8> {
    let family = if dst.len() == 16 { AF_INET6 } else { AF_INET };
    new_req(ADD, seq, family, ifindex, NUD_PERMANENT, 0, dst, Some(ll), &[])
}

fn del_req(seq: u32, family: u8, ifindex: i32, flags: u8, dst: &[u8]) -> Vec<u8> {
    nlmsg(RTM_DELNEIGH, REQ, seq, &[ndmsg(family, ifindex, 0, flags), nla(NDA_DST, dst)].concat())
}

fn get_req(seq: u32, family: u8, ifindex: i32, flags: u8, dst: &[u8]) -> Vec<u8> {
    nlmsg(RTM_GETNEIGH, REQ, seq, &[ndmsg(family, ifindex, 0, flags), nla(NDA_DST, dst)].concat())
}

fn dump_req(seq: u32, payload: &[u8]) -> Vec<u8> {
    nlmsg(RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP, seq, payload)
}

/// What a neighbour message says.
#[derive(Debug, Clone, PartialEq)]
struct Neigh {
    ty: u16,
    family: u8,
    ifindex: i32,
    state: u16,
    flags: u8,
    ntype: u8,
    dst: Vec<u8>,
    lladdr: Option<Vec<u8>>,
    probes: u32,
    /// (confirmed, used, updated, refcnt), clock_t.
    cacheinfo: [u32; 4],
}

fn neigh_of(m: &Msg) -> Neigh {
    let p = m.payload();
    let mut n = Neigh {
        ty: m.ty,
        family: p[0],
        ifindex: i32_at(p, 4),
        state: u16_at(p, 8),
        flags: p[10],
        ntype: p[11],
        dst: vec![],
        lladdr: None,
        probes: 0,
        cacheinfo: [0; 4],
    };
    let mut off = 12;
    while off + 4 <= p.len() {
        let len = u16_at(p, off) as usize;
        let v = &p[off + 4..off + len];
        match u16_at(p, off + 2) {
            NDA_DST => n.dst = v.to_vec(),
            NDA_LLADDR => n.lladdr = Some(v.to_vec()),
            NDA_PROBES => n.probes = u32_at(v, 0),
            NDA_CACHEINFO => n.cacheinfo = [u32_at(v, 0), u32_at(v, 4), u32_at(v, 8), u32_at(v, 12)],
            _ => {}
        }
        off += align4(len);
    }
    n
}

/// The TLV string of an error's NLMSGERR_ATTR_MSG, if any.
fn ext_msg(m: &Msg) -> Option<String> {
    if m.flags & NLM_F_ACK_TLVS == 0 {
        return None;
    }
    let p = m.payload();
    let mut off = if m.ty == NLMSG_DONE {
        4
    } else if m.flags & NLM_F_CAPPED != 0 {
        4 + NLMSG_HDRLEN
    } else {
        4 + align4(u32_at(p, 4) as usize)
    };
    while off + 4 <= p.len() {
        let len = u16_at(p, off) as usize;
        if u16_at(p, off + 2) == NLMSGERR_ATTR_MSG {
            let s = &p[off + 4..off + len];
            return Some(String::from_utf8_lossy(&s[..s.len() - 1]).into_owned());
        }
        off += align4(len);
    }
    None
}

struct World {
    k: Kernel,
    net: NetRef,
    req: NetlinkSocket,
    lis: NetlinkSocket,
}

impl World {
    /// The probes' world: lo up, veth v1 (2) / v0 (3) down.
    fn new() -> World {
        let k = sockets::kernel();
        let net = k.net_create().unwrap();
        World::in_net(k, net)
    }
    fn in_net(k: Kernel, net: NetRef) -> World {
        let req = route_socket(&net, 0);
        let lis = route_socket(&net, NEIGH_GROUP);
        let w = World { k, net, req, lis };
        w.ok(&veth_req("v0", "v1", ADD, 1, &[], &[]));
        w.ok(&nlmsg(RTM_NEWLINK, REQ, 1, &ifinfomsg(0, 1, IFF_UP, IFF_UP)));
        w.heard();
        w
    }
    fn pid(&self) -> u32 {
        portid(&self.req)
    }
    fn ask(&self, req: &[u8]) -> Vec<Msg> {
        self.req.send(req, 0).expect("send");
        drain_msgs(&self.req)
    }
    /// Sends `req`, which must be acked; returns what the listener heard.
    fn ok(&self, req: &[u8]) -> Vec<Msg> {
        let got = self.ask(req);
        assert!(got.len() == 1 && got[0].is_ack(u32_at(req, 8)), "expected an ack, got {got:?}");
        self.heard()
    }
    /// Sends `req`, which must fail with `errno` and ext-ack `msg`; nothing announced.
    fn fails(&self, req: &[u8], errno: i32, msg: Option<&str>) {
        let got = self.ask(req);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].ty, NLMSG_ERROR);
        assert_eq!(got[0].errno(), -errno, "{got:?}");
        assert_eq!(ext_msg(&got[0]).as_deref(), msg);
        assert!(self.heard().iter().all(|m| m.ty != RTM_DELNEIGH || errno == 0), "a failed request deleted");
    }
    fn heard(&self) -> Vec<Msg> {
        drain_msgs(&self.lis)
    }
    fn dump(&self, payload: &[u8]) -> Vec<Msg> {
        self.ask(&dump_req(77, payload))
    }
    fn entries(&self) -> Vec<Neigh> {
        let got = self.dump(&ndmsg(0, 0, 0, 0));
        assert_eq!(got.last().map(|m| m.ty), Some(NLMSG_DONE));
        got[..got.len() - 1].iter().map(neigh_of).collect()
    }
    /// Brings a link up or down; what the listener heard meanwhile.
    fn set_up(&self, index: i32, up: bool) -> Vec<Msg> {
        self.ok(&nlmsg(RTM_NEWLINK, REQ, 5, &ifinfomsg(0, index, if up { IFF_UP } else { 0 }, IFF_UP)))
    }
}

fn payload_hex(m: &Msg) -> String {
    m.payload().iter().map(|b| format!("{b:02x}")).collect()
}

// ===========================================================================
// RTM_NEWNEIGH: entries and their notifications
// ===========================================================================

/// p_neigh step 1: a permanent entry on a down veth is acked (capped, no
/// TLVs) and announced as a 76-byte RTM_NEWNEIGH, flags 0, seq 0, with the
/// requester's port id; NDA_DST, NDA_LLADDR, NDA_PROBES, NDA_CACHEINFO
/// (all ages 0, refcnt 1: the request holds it). Step 2: a get 100 jiffies
/// later answers with the request's seq, flags 0, ages 40 clock_t.
#[test]
fn a_permanent_ipv4_entry_has_the_kernels_bytes() {
    let w = World::new();
    let heard = w.ok(&perm(101, V0, &v4([10, 0, 0, 1]), &MAC));
    assert_eq!(heard.len(), 1);
    let m = &heard[0];
    assert_eq!((m.ty, m.raw.len(), m.flags, m.seq, m.pid), (RTM_NEWNEIGH, 76, 0, 0, w.pid()));
    assert_eq!(
        payload_hex(m),
        "020000000300000080000001080001000a0000010a000200020000000001000008000400000000001400030000000000000000000000000001000000"
    );
    w.k.advance_ms(400);
    let got = w.ask(&get_req(102, AF_INET, V0, 0, &v4([10, 0, 0, 1])));
    assert_eq!(got.len(), 2);
    assert_eq!((got[0].ty, got[0].flags, got[0].seq, got[0].pid), (RTM_NEWNEIGH, 0, 102, w.pid()));
    assert_eq!(
        payload_hex(&got[0]),
        "020000000300000080000001080001000a0000010a000200020000000001000008000400000000001400030028000000280000002800000001000000"
    );
    assert!(got[1].is_ack(102));
}

/// p_neigh steps 3-7: existing + EXCL is EEXIST; existing without REPLACE
/// keeps its address silently (acked, nothing announced); REPLACE takes
/// the new address (announced, `updated` and `confirmed` reset, `used`
/// kept); a missing entry without CREATE is ENOENT.
#[test]
fn nlm_f_flags_on_neighbours() {
    let w = World::new();
    let a = v4([10, 0, 0, 1]);
    w.ok(&perm(1, V0, &a, &MAC));
    w.fails(&perm(2, V0, &a, &MAC), 17, None);
    assert!(w.ok(&new_req(REQ, 3, AF_INET, V0, NUD_PERMANENT, 0, &a, Some(&MAC2), &[])).is_empty());
    assert_eq!(w.entries()[0].lladdr.as_deref(), Some(&MAC[..]));
    w.k.advance_ms(1600);
    let heard = w.ok(&new_req(REQ | NLM_F_REPLACE, 4, AF_INET, V0, NUD_PERMANENT, 0, &a, Some(&MAC2), &[]));
    assert_eq!(heard.len(), 1);
    let n = neigh_of(&heard[0]);
    assert_eq!(n.lladdr.as_deref(), Some(&MAC2[..]));
    assert_eq!(n.cacheinfo, [0, 160, 0, 1]);
    assert!(w.ok(&new_req(REQ | NLM_F_CREATE, 5, AF_INET, V0, NUD_PERMANENT, 0, &a, Some(&MAC), &[])).is_empty());
    w.fails(&new_req(REQ, 6, AF_INET, V0, NUD_PERMANENT, 0, &v4([10, 0, 0, 2]), Some(&MAC), &[]), 2, None);
}

/// p_neigh steps 8-16: REACHABLE is announced with refcnt 2 (its timer
/// holds one); STALE with `confirmed` two base reachable times back (6000
/// clock_t) and NDA_PROTOCOL; NOARP as given; FAILED, INCOMPLETE and NONE
/// are created silently; NTF_ROUTER and NTF_EXT_LEARNED are kept. NLM_F_ECHO
/// changes nothing (the requester, unsubscribed, gets no copy).
#[test]
fn states_and_flags_of_new_entries() {
    let w = World::new();
    let echo =
        new_req(REQ | NLM_F_CREATE | NLM_F_ECHO, 8, AF_INET, V0, NUD_REACHABLE, 0, &v4([10, 0, 0, 2]), Some(&MAC), &[]);
    let heard = w.ok(&echo);
    assert_eq!(heard.len(), 1);
    assert_eq!(
        payload_hex(&heard[0]),
        "020000000300000002000001080001000a0000020a000200020000000001000008000400000000001400030000000000000000000000000002000000"
    );
    let stale = new_req(ADD, 9, AF_INET, V0, NUD_STALE, 0, &v4([10, 0, 0, 3]), Some(&MAC), &nla_u8(NDA_PROTOCOL, 4));
    let heard = w.ok(&stale);
    assert_eq!(heard[0].raw.len(), 84);
    assert_eq!(
        payload_hex(&heard[0]),
        "020000000300000004000001080001000a0000030a00020002000000000100000800040000000000140003007017000000000000000000000100000005000c0004000000"
    );
    let heard = w.ok(&new_req(ADD, 10, AF_INET, V0, NUD_NOARP, 0, &v4([10, 0, 0, 4]), Some(&MAC), &[]));
    assert_eq!(neigh_of(&heard[0]).state, NUD_NOARP);
    for (seq, state, last, ll) in [(11, NUD_FAILED, 5, true), (13, NUD_INCOMPLETE, 7, false), (14, NUD_NONE, 8, true)] {
        let req = new_req(ADD, seq, AF_INET, V0, state, 0, &v4([10, 0, 0, last]), ll.then_some(&MAC[..]), &[]);
        assert!(w.ok(&req).is_empty(), "state {state:#x} announced");
    }
    let heard = w.ok(&new_req(ADD, 15, AF_INET, V0, NUD_PERMANENT, NTF_ROUTER, &v4([10, 0, 0, 9]), Some(&MAC), &[]));
    assert_eq!(neigh_of(&heard[0]).flags, NTF_ROUTER);
    let heard =
        w.ok(&new_req(ADD, 16, AF_INET, V0, NUD_PERMANENT, NTF_EXT_LEARNED, &v4([10, 0, 0, 10]), Some(&MAC), &[]));
    assert_eq!(neigh_of(&heard[0]).flags, NTF_EXT_LEARNED);
    let states: Vec<(u8, u16, bool)> =
        w.entries().iter().map(|n| (n.dst[3], n.state, n.lladdr.is_some())).collect::<Vec<_>>();
    for want in [(5, NUD_FAILED, false), (7, NUD_INCOMPLETE, false), (8, NUD_NONE, false), (2, NUD_REACHABLE, true)] {
        assert!(states.contains(&want), "{want:?} not in {states:?}");
    }
}

/// p_neigh steps 17-21 and p_neigh2 steps 8-16: IPv6 entries are 88 bytes;
/// on lo the IPv6 type is RTN_LOCAL, and every IPv4 entry on lo is the one
/// keyed 0.0.0.0 (RTN_BROADCAST), which later adds update even with EXCL;
/// multicast destinations are RTN_MULTICAST, and an IPv6 one needs no
/// address (33:33 and the last four bytes).
#[test]
fn ipv6_loopback_and_multicast_entries() {
    let w = World::new();
    let heard = w.ok(&perm(17, V0, &v6("2001:db8::1"), &MAC));
    assert_eq!(heard[0].raw.len(), 88);
    assert_eq!(
        payload_hex(&heard[0]),
        "0a00000003000000800000011400010020010db80000000000000000000000010a000200020000000001000008000400000000001400030000000000000000000000000001000000"
    );
    let heard = w.ok(&perm(18, 1, &v6("2001:db8::1"), &MAC));
    assert_eq!((neigh_of(&heard[0]).ifindex, neigh_of(&heard[0]).ntype), (1, RTN_LOCAL));
    let heard = w.ok(&perm(19, 1, &v4([10, 0, 0, 1]), &MAC));
    assert_eq!(
        payload_hex(&heard[0]),
        "02000000010000008000000308000100000000000a000200020000000001000008000400000000001400030000000000000000000000000001000000"
    );
    let heard = w.ok(&perm(20, 1, &v4([10, 0, 0, 2]), &MAC2));
    let n = neigh_of(&heard[0]);
    assert_eq!((n.dst.clone(), n.lladdr.clone()), (vec![0, 0, 0, 0], Some(MAC2.to_vec())));
    w.fails(&get_req(21, AF_INET, 1, 0, &v4([10, 0, 0, 1])), 2, Some("Neighbour entry not found"));
    let heard = w.ok(&perm(22, V0, &v4([224, 0, 0, 5]), &MAC));
    assert_eq!(neigh_of(&heard[0]).ntype, RTN_MULTICAST);
    let heard = w.ok(&new_req(ADD, 23, AF_INET6, V0, NUD_PERMANENT, 0, &v6("ff02::5"), None, &[]));
    let n = neigh_of(&heard[0]);
    assert_eq!((n.ntype, n.lladdr), (RTN_MULTICAST, Some(vec![0x33, 0x33, 0, 0, 0, 5])));
    let heard = w.ok(&perm(24, V0, &v4([255, 255, 255, 255]), &MAC));
    assert_eq!(neigh_of(&heard[0]).ntype, RTN_BROADCAST);
}

/// p_neigh steps 12 and 22-37, p_neigh2 steps 3-6, 17, 22, 23: the errors
/// of RTM_NEWNEIGH, in the kernel's order, with their ext-ack messages.
#[test]
fn newneigh_errors_are_the_kernels() {
    let w = World::new();
    let a = v4([10, 0, 0, 11]);
    w.fails(
        &nlmsg(RTM_NEWNEIGH, ADD, 22, &[ndmsg(AF_INET, V0, NUD_PERMANENT, 0), nla(NDA_LLADDR, &MAC)].concat()),
        22,
        Some("Network address not specified"),
    );
    w.fails(&perm(23, V0, &[10, 0, 0], &MAC), 22, Some("Invalid network address"));
    w.fails(&new_req(ADD, 24, 99, V0, NUD_PERMANENT, 0, &a, Some(&MAC), &[]), 97, None);
    w.fails(&new_req(ADD, 24, 3, V0, NUD_PERMANENT, 0, &a, Some(&MAC), &[]), 97, None);
    w.fails(&perm(25, 999, &a, &MAC), 19, None);
    w.fails(&perm(26, 0, &a, &MAC), 22, Some("Device not specified"));
    w.fails(&perm(27, V0, &a, &[2, 0]), 22, Some("Invalid link address"));
    w.fails(&perm(28, V0, &a[..3], &MAC), 22, Some("Invalid network address"));
    w.fails(&perm(28, V0, &v4([10, 0, 0, 1]), &[1; 33]), 34, Some("Attribute failed policy validation"));
    let bad_ext = nla_u32(NDA_FLAGS_EXT, 0x100);
    w.fails(&new_req(ADD, 37, AF_INET, V0, NUD_PERMANENT, 0, &a, Some(&MAC), &bad_ext), 22, Some("reserved bit set"));
    let managed = nla_u32(NDA_FLAGS_EXT, NTF_EXT_MANAGED);
    w.fails(
        &new_req(ADD, 38, AF_INET, V0, NUD_PERMANENT, NTF_PROXY, &a, Some(&MAC), &managed),
        22,
        Some("Invalid NTF_* flag combination"),
    );
    w.fails(
        &new_req(ADD, 39, AF_INET, V0, NUD_PERMANENT, 0, &a, Some(&MAC), &managed),
        22,
        Some("Invalid NTF_* flag for permanent entry"),
    );
    // A too-long destination or address is cut to the key and address length.
    let heard = w.ok(&perm(29, V0, &[10, 0, 0, 12, 1], &[MAC.to_vec(), vec![1, 2]].concat()));
    let n = neigh_of(&heard[0]);
    assert_eq!((n.dst, n.lladdr), (vec![10, 0, 0, 12], Some(MAC.to_vec())));
    // p_neigh step 12: a new entry without an address fails after creation;
    // the entry stays, state NONE.
    w.fails(
        &new_req(ADD, 40, AF_INET, V0, NUD_PERMANENT, 0, &v4([10, 0, 0, 6]), None, &[]),
        22,
        Some("No link layer address given"),
    );
    let e = w.entries();
    assert!(e.iter().any(|n| n.dst == [10, 0, 0, 6] && n.state == NUD_NONE), "{e:?}");
}

// ===========================================================================
// RTM_GETNEIGH
// ===========================================================================

/// p_neigh g1-g9: the doit is strict whatever the socket says.
#[test]
fn getneigh_errors_are_the_kernels() {
    let w = World::new();
    w.ok(&perm(1, V0, &v4([10, 0, 0, 1]), &MAC));
    w.fails(&get_req(2, AF_INET, V0, 0, &v4([10, 1, 1, 1])), 2, Some("Neighbour entry not found"));
    w.fails(&get_req(3, AF_INET, 0, 0, &v4([10, 0, 0, 1])), 22, Some("No device specified"));
    w.fails(
        &get_req(4, 99, V0, 0, &v4([10, 0, 0, 1])),
        97,
        Some("Unsupported family in header for neighbor get request"),
    );
    w.fails(&get_req(5, AF_INET, V0, 0, &[10, 0, 0]), 22, Some("Invalid network address in neighbor get request"));
    w.fails(&get_req(6, AF_INET, 999, 0, &v4([10, 0, 0, 1])), 19, Some("Unknown device ifindex"));
    w.fails(&nlmsg(RTM_GETNEIGH, REQ, 7, &ndmsg(AF_INET, V0, 0, 0)), 22, None);
    w.fails(
        &nlmsg(RTM_GETNEIGH, REQ, 8, &[ndmsg(AF_INET, V0, NUD_PERMANENT, 0), nla(NDA_DST, &[10, 0, 0, 1])].concat()),
        22,
        Some("Invalid values in header for neighbor get request"),
    );
    w.fails(
        &nlmsg(
            RTM_GETNEIGH,
            REQ,
            9,
            &[ndmsg(AF_INET, V0, 0, 0), nla(NDA_DST, &[10, 0, 0, 1]), nla_u32(NDA_IFINDEX, 3)].concat(),
        ),
        22,
        Some("Unsupported attribute in neighbor get request"),
    );
    w.fails(
        &nlmsg(RTM_GETNEIGH, REQ, 10, &ndmsg(AF_INET, V0, 0, 0)[..8]),
        22,
        Some("Invalid header for neighbor get request"),
    );
}

// ===========================================================================
// RTM_DELNEIGH
// ===========================================================================

/// p_neigh x1-x11: deleting a valid entry announces it as FAILED
/// (RTM_NEWNEIGH, 64 bytes, requester's port id, refcnt 1), then
/// RTM_DELNEIGH (port id 0, refcnt 0); a FAILED entry only the latter; an
/// INCOMPLETE one both. The errors.
#[test]
fn delneigh_announces_failed_then_gone() {
    let w = World::new();
    w.ok(&perm(1, V0, &v4([10, 0, 0, 1]), &MAC));
    w.ok(&new_req(ADD, 2, AF_INET, V0, NUD_FAILED, 0, &v4([10, 0, 0, 5]), Some(&MAC), &[]));
    w.ok(&new_req(ADD, 3, AF_INET, V0, NUD_INCOMPLETE, 0, &v4([10, 0, 0, 7]), None, &[]));
    let heard = w.ok(&del_req(4, AF_INET, V0, 0, &v4([10, 0, 0, 1])));
    let got: Vec<(u16, usize, u32, u16, u32)> =
        heard.iter().map(|m| (m.ty, m.raw.len(), m.pid, neigh_of(m).state, neigh_of(m).cacheinfo[3])).collect();
    assert_eq!(got, vec![(RTM_NEWNEIGH, 64, w.pid(), NUD_FAILED, 1), (RTM_DELNEIGH, 64, 0, NUD_FAILED, 0)]);
    w.fails(&del_req(5, AF_INET, V0, 0, &v4([10, 0, 0, 1])), 2, None);
    w.fails(&nlmsg(RTM_DELNEIGH, REQ, 6, &ndmsg(AF_INET, V0, 0, 0)), 22, Some("Network address not specified"));
    w.fails(&del_req(7, AF_INET, 0, 0, &v4([10, 0, 0, 5])), 22, None);
    w.fails(&del_req(8, 99, V0, 0, &v4([10, 0, 0, 5])), 97, None);
    w.fails(&del_req(9, AF_INET, 999, 0, &v4([10, 0, 0, 5])), 19, None);
    w.fails(&del_req(10, AF_INET, V0, 0, &[0, 0]), 22, Some("Invalid network address"));
    let heard = w.ok(&del_req(11, AF_INET, V0, 0, &v4([10, 0, 0, 5])));
    assert_eq!(heard.iter().map(|m| m.ty).collect::<Vec<_>>(), vec![RTM_DELNEIGH]);
    let heard = w.ok(&del_req(12, AF_INET, V0, 0, &v4([10, 0, 0, 7])));
    assert_eq!(
        heard.iter().map(|m| (m.ty, m.pid)).collect::<Vec<_>>(),
        vec![(RTM_NEWNEIGH, w.pid()), (RTM_DELNEIGH, 0)]
    );
    assert!(w.entries().is_empty());
}

/// p_neigh steps 32-33, d2, g7, x8-x9: proxy entries (NTF_PROXY) are
/// silent, dumped by an NTF_PROXY dump as 36-byte messages (state NONE,
/// type RTN_UNICAST, flags NTF_PROXY) in hash-bucket order, found by get,
/// and deleted by key and device.
#[test]
fn proxy_entries() {
    let w = World::new();
    assert!(w.ok(&new_req(ADD, 1, AF_INET, V0, 0, NTF_PROXY, &v4([10, 9, 9, 9]), None, &[])).is_empty());
    assert!(w.ok(&new_req(ADD, 2, AF_INET, 0, 0, NTF_PROXY, &v4([10, 9, 9, 8]), None, &[])).is_empty());
    let got = w.dump(&ndmsg(0, 0, 0, NTF_PROXY));
    let hex: Vec<String> = got.iter().filter(|m| m.ty == RTM_NEWNEIGH).map(payload_hex).collect();
    assert_eq!(hex, vec!["020000000000000000000801080001000a090908", "020000000300000000000801080001000a090909"]);
    assert_eq!(got.iter().map(|m| m.raw.len()).collect::<Vec<_>>(), vec![36, 36, 20]);
    let got = w.ask(&get_req(3, AF_INET, V0, NTF_PROXY, &v4([10, 9, 9, 9])));
    assert_eq!((got[0].ty, got[0].flags, got[0].raw.len()), (RTM_NEWNEIGH, 0, 36));
    assert!(w.entries().is_empty(), "proxy entries are not in the plain dump");
    assert!(w.ok(&del_req(4, AF_INET, V0, NTF_PROXY, &v4([10, 9, 9, 9]))).is_empty());
    w.fails(&del_req(5, AF_INET, V0, NTF_PROXY, &v4([10, 9, 9, 9])), 2, None);
}

// ===========================================================================
// Dumps
// ===========================================================================

/// p_neigh d1-d9: a dump has NLM_F_MULTI and the request's seq, refcnt 0
/// (1 with a timer), ARP before ND; strict requests are checked, NDA_IFINDEX
/// filters (NLM_F_DUMP_FILTERED on the messages, not on DONE); a rejected
/// strict dump is a DONE with -EINVAL and the message; a non-strict
/// rtgenmsg-only request dumps everything, DONE carrying "Invalid header
/// length".
#[test]
fn dumps_filters_and_strict_checks() {
    let w = World::new();
    w.ok(&perm(1, V0, &v4([10, 0, 0, 1]), &MAC));
    w.ok(&new_req(ADD, 2, AF_INET, V0, NUD_REACHABLE, 0, &v4([10, 0, 0, 2]), Some(&MAC), &[]));
    w.ok(&perm(3, V0, &v6("2001:db8::1"), &MAC));
    w.ok(&perm(4, 1, &v6("2001:db8::1"), &MAC));
    let got = w.dump(&ndmsg(0, 0, 0, 0));
    assert!(got.iter().all(|m| m.seq == 77 && m.pid == w.pid() && m.flags == NLM_F_MULTI));
    let e: Vec<Neigh> = got[..got.len() - 1].iter().map(neigh_of).collect();
    assert_eq!(e.iter().map(|n| n.family).collect::<Vec<_>>(), vec![AF_INET, AF_INET, AF_INET6, AF_INET6]);
    let refcnt: Vec<(Vec<u8>, u32)> =
        e.iter().filter(|n| n.family == AF_INET).map(|n| (n.dst.clone(), n.cacheinfo[3])).collect();
    assert!(refcnt.contains(&(vec![10, 0, 0, 2], 1)) && refcnt.contains(&(vec![10, 0, 0, 1], 0)), "{refcnt:?}");
    // Non-strict, one byte: everything, and the parse error rides on DONE.
    let got = w.dump(&[AF_INET]);
    let done = got.last().unwrap();
    assert_eq!((done.ty, done.flags, done.errno(), done.raw.len()), (NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS, 0, 48));
    assert_eq!(ext_msg(done).as_deref(), Some("Invalid header length"));
    assert_eq!(got.len(), 3);
    w.req.setsockopt_int(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1).unwrap();
    let got = w.dump(&[ndmsg(AF_INET6, 0, 0, 0), nla_u32(NDA_IFINDEX, V0 as u32)].concat());
    assert_eq!(got.iter().map(|m| m.flags).collect::<Vec<_>>(), vec![NLM_F_MULTI | NLM_F_DUMP_FILTERED, NLM_F_MULTI]);
    assert_eq!(neigh_of(&got[0]).ifindex, V0);
    for (payload, len, msg) in [
        (ndmsg(0, V0, 0, 0), 76, "Invalid values in header for neighbor dump request"),
        (
            [ndmsg(0, 0, 0, 0), nla(NDA_DST, &[10, 0, 0, 1])].concat(),
            72,
            "Unsupported attribute in neighbor dump request",
        ),
        (ndmsg(2, 0, 0, NTF_ROUTER), 76, "Invalid flags in header for neighbor dump request"),
        (vec![2], 68, "Invalid header for neighbor dump request"),
    ] {
        let got = w.dump(&payload);
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].ty, got[0].errno(), got[0].raw.len()), (NLMSG_DONE, -22, len));
        assert_eq!(ext_msg(&got[0]).as_deref(), Some(msg));
    }
    let got = w.dump(&[ndmsg(AF_INET, 0, 0, 0), nla_u32(NDA_MASTER, 77)].concat());
    assert_eq!(got.iter().map(|m| (m.ty, m.flags)).collect::<Vec<_>>(), vec![(NLMSG_DONE, NLM_F_MULTI)]);
}

/// A dump larger than a chunk resumes where it stopped: 120 entries of 76
/// bytes come as 49 in the first 3776-byte chunk, then the rest, each once.
#[test]
fn a_long_dump_resumes_across_chunks() {
    let w = World::new();
    for i in 0..120u8 {
        w.ok(&perm(100 + i as u32, V0, &v4([10, 1, 0, i]), &MAC));
    }
    // A fresh socket: no large read has raised its chunk size yet.
    let s = route_socket(&w.net, 0);
    s.send(&dump_req(9, &ndmsg(AF_INET, 0, 0, 0)), 0).unwrap();
    let datagrams = drain(&s);
    let counts: Vec<usize> = datagrams.iter().map(|(d, _)| parse(d).len()).collect();
    assert_eq!(counts[0], 49);
    let mut seen: Vec<u8> = datagrams
        .iter()
        .flat_map(|(d, _)| parse(d))
        .filter(|m| m.ty == RTM_NEWNEIGH)
        .map(|m| neigh_of(&m).dst[3])
        .collect();
    seen.sort();
    assert_eq!(seen, (0..120).collect::<Vec<u8>>());
    assert_eq!(parse(&datagrams.last().unwrap().0).last().unwrap().ty, NLMSG_DONE);
}

// ===========================================================================
// The NUD state machine on the virtual clock
// ===========================================================================

/// p_neigh3: an unused REACHABLE entry becomes STALE once its reachable
/// time (random in [15 s, 45 s) for the 30 s base) has passed, announced as
/// RTM_NEWNEIGH pid 0, seq 0, refcnt 1, `updated` 0, `confirmed` = `used` =
/// the time since it was added; its next dump shows refcnt 0. PERMANENT
/// and NOARP entries never change.
#[test]
fn reachable_becomes_stale_on_the_virtual_clock() {
    let w = World::new();
    w.ok(&new_req(ADD, 1, AF_INET, V0, NUD_REACHABLE, 0, &v4([10, 0, 0, 2]), Some(&MAC), &[]));
    w.ok(&perm(2, V0, &v4([10, 0, 0, 1]), &MAC));
    w.ok(&new_req(ADD, 3, AF_INET, V0, NUD_NOARP, 0, &v4([10, 0, 0, 4]), Some(&MAC), &[]));
    w.k.advance_ms(15_000 - 4);
    assert!(w.heard().is_empty(), "nothing before half the base reachable time");
    let mut at = None;
    for step in 0..30_000 / 4 {
        w.k.advance_ms(4);
        let heard = w.heard();
        if !heard.is_empty() {
            assert_eq!(heard.len(), 1);
            at = Some((15_000 + step * 4, heard[0].clone()));
            break;
        }
    }
    let (ms, m) = at.expect("no STALE within 45 s");
    assert!((15_000..45_000).contains(&ms), "{ms}");
    let n = neigh_of(&m);
    assert_eq!((m.ty, m.seq, m.pid, n.state, n.dst.clone()), (RTM_NEWNEIGH, 0, 0, NUD_STALE, vec![10, 0, 0, 2]));
    let age = (ms as u32) / 10;
    assert_eq!(n.cacheinfo, [age, age, 0, 1]);
    let e = w.entries();
    assert!(e.iter().any(|n| n.dst == [10, 0, 0, 2] && n.state == NUD_STALE && n.cacheinfo[3] == 0));
    w.k.advance_ms(600_000);
    assert!(w.heard().is_empty());
    let states: Vec<u16> = w.entries().iter().map(|n| n.state).collect();
    assert!(states.contains(&NUD_PERMANENT) && states.contains(&NUD_NOARP) && states.contains(&NUD_STALE));
}

// ===========================================================================
// Device events
// ===========================================================================

/// p_neigh "v1 down (carrier off on v0)": losing the carrier flushes every
/// entry but the PERMANENT ones (NOARP too), ARP's then ND's, each with an
/// RTM_DELNEIGH of pid 0 and refcnt 0; "v0 down": the rest go, permanent ones too, newest
/// first; lo's entries stay.
#[test]
fn carrier_loss_and_link_down_flush_entries() {
    let w = World::new();
    w.ok(&perm(1, V0, &v4([10, 0, 0, 1]), &MAC));
    w.ok(&new_req(ADD, 2, AF_INET, V0, NUD_NOARP, 0, &v4([10, 0, 0, 4]), Some(&MAC), &[]));
    w.ok(&new_req(ADD, 3, AF_INET, V0, NUD_STALE, 0, &v4([10, 0, 0, 3]), Some(&MAC), &[]));
    w.ok(&perm(4, V0, &v4([10, 0, 0, 9]), &MAC));
    w.ok(&perm(5, 1, &v6("2001:db8::1"), &MAC));
    w.ok(&new_req(ADD, 6, AF_INET6, V0, NUD_STALE, 0, &v6("2001:db8::3"), Some(&MAC), &[]));
    assert!(w.set_up(V0, true).iter().all(|m| m.ty != RTM_DELNEIGH));
    assert!(w.set_up(V1, true).iter().all(|m| m.ty != RTM_DELNEIGH));
    let gone: Vec<(u16, u32, Vec<u8>, u16, u32)> = w
        .set_up(V1, false)
        .iter()
        .map(|m| (m.ty, m.pid, neigh_of(m).dst, neigh_of(m).state, neigh_of(m).cacheinfo[3]))
        .collect();
    assert_eq!(
        gone,
        vec![
            (RTM_DELNEIGH, 0, vec![10, 0, 0, 3], NUD_STALE, 0),
            (RTM_DELNEIGH, 0, vec![10, 0, 0, 4], NUD_NOARP, 0),
            (RTM_DELNEIGH, 0, v6("2001:db8::3"), NUD_STALE, 0)
        ]
    );
    let gone: Vec<Vec<u8>> =
        w.set_up(V0, false).iter().filter(|m| m.ty == RTM_DELNEIGH).map(|m| neigh_of(m).dst).collect();
    assert_eq!(gone, vec![vec![10, 0, 0, 9], vec![10, 0, 0, 1]]);
    let left = w.entries();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].ifindex, 1);
}

/// p_neigh "re-add on down v0 then change addr" and "unregister v0": a new
/// MAC flushes the device's entries (permanent too), newest first; deleting
/// the device takes the rest.
#[test]
fn address_change_and_unregister_flush_entries() {
    let w = World::new();
    w.ok(&perm(1, V0, &v4([10, 0, 0, 1]), &MAC));
    w.ok(&new_req(ADD, 2, AF_INET, V0, NUD_REACHABLE, 0, &v4([10, 0, 0, 2]), Some(&MAC), &[]));
    let heard = w.ok(&link_req(RTM_NEWLINK, REQ, 3, V0, &nla(IFLA_ADDRESS, &[2, 0x11, 0x22, 0x33, 0x44, 0x55])));
    let gone: Vec<(u16, Vec<u8>, u16)> =
        heard.iter().filter(|m| m.ty == RTM_DELNEIGH).map(|m| (m.ty, neigh_of(m).dst, neigh_of(m).state)).collect();
    assert_eq!(
        gone,
        vec![(RTM_DELNEIGH, vec![10, 0, 0, 2], NUD_REACHABLE), (RTM_DELNEIGH, vec![10, 0, 0, 1], NUD_PERMANENT)]
    );
    w.ok(&perm(4, V0, &v6("2001:db8::1"), &MAC));
    let heard = w.ok(&link_req(RTM_DELLINK, REQ, 5, V0, &[]));
    let gone: Vec<(u8, Vec<u8>)> =
        heard.iter().filter(|m| m.ty == RTM_DELNEIGH).map(|m| (neigh_of(m).family, neigh_of(m).dst)).collect();
    assert_eq!(gone, vec![(AF_INET6, v6("2001:db8::1"))]);
    assert!(w.entries().is_empty());
    // The timer of the flushed REACHABLE entry is gone with it.
    w.k.advance_ms(60_000);
    assert!(w.heard().is_empty());
}

/// Entries belong to their namespace: another namespace's dump is empty,
/// and a device moved out takes nothing along (RTM_DELNEIGH in the old
/// namespace, nothing in the new one).
#[test]
fn entries_never_cross_namespaces() {
    let w = World::new();
    let other = w.k.net_create().unwrap();
    let osock = route_socket(&other, NEIGH_GROUP);
    w.ok(&perm(1, V0, &v4([10, 0, 0, 1]), &MAC));
    w.ok(&perm(2, V1, &v6("2001:db8::2"), &MAC));
    osock.send(&dump_req(3, &ndmsg(0, 0, 0, 0)), 0).unwrap();
    let got = drain_msgs(&osock);
    assert_eq!(got.iter().map(|m| m.ty).collect::<Vec<_>>(), vec![NLMSG_DONE]);
    let heard = w.ok(&link_req(RTM_NEWLINK, REQ, 4, V0, &nla_u32(IFLA_NET_NS_FD, other.ns_fd() as u32)));
    let gone: Vec<Vec<u8>> = heard.iter().filter(|m| m.ty == RTM_DELNEIGH).map(|m| neigh_of(m).dst).collect();
    assert_eq!(gone, vec![vec![10, 0, 0, 1]]);
    assert!(drain_msgs(&osock).is_empty());
    osock.send(&dump_req(5, &ndmsg(0, 0, 0, 0)), 0).unwrap();
    assert_eq!(drain_msgs(&osock).iter().map(|m| m.ty).collect::<Vec<_>>(), vec![NLMSG_DONE]);
    let left = w.entries();
    assert_eq!(left.iter().map(|n| n.ifindex).collect::<Vec<_>>(), vec![V1]);
}

/// p_neigh steps 34-35 and the notifications after them: NTF_USE on a
/// STALE entry moves it to DELAY silently (`used` now); 5 s later it is
/// PROBE (announced with probes 1, refcnt 2: re-armed and probed), and
/// after three unanswered probes, a second apart, FAILED (probes 3). NTF_USE
/// of a new entry starts it INCOMPLETE with the unicast probes counted and
/// one sent; after 3 s it is FAILED with probes 6.
#[test]
fn ntf_use_resolves_and_fails_without_answers() {
    let w = World::new();
    w.ok(&new_req(ADD, 1, AF_INET, V0, NUD_STALE, 0, &v4([10, 0, 0, 3]), Some(&MAC), &[]));
    w.k.advance_ms(2000);
    assert!(w.ok(&new_req(REQ, 2, AF_INET, V0, 0, NTF_USE, &v4([10, 0, 0, 3]), None, &[])).is_empty());
    assert!(w.ok(&new_req(REQ | NLM_F_CREATE, 3, AF_INET, V0, 0, NTF_USE, &v4([10, 0, 0, 15]), None, &[])).is_empty());
    let e = w.entries();
    let st: Vec<(u8, u16, u32, u32)> = e.iter().map(|n| (n.dst[3], n.state, n.probes, n.cacheinfo[3])).collect();
    assert_eq!(st, vec![(15, NUD_INCOMPLETE, 4, 1), (3, NUD_DELAY, 0, 1)]);
    w.k.advance_ms(3000);
    let heard: Vec<Neigh> = w.heard().iter().map(neigh_of).collect();
    assert_eq!(heard.len(), 1);
    assert_eq!((heard[0].dst[3], heard[0].state, heard[0].probes), (15, NUD_FAILED, 6));
    assert_eq!(heard[0].cacheinfo[1..], [300, 0, 1]);
    w.k.advance_ms(2000);
    let heard: Vec<Neigh> = w.heard().iter().map(neigh_of).collect();
    assert_eq!(heard.len(), 1);
    assert_eq!((heard[0].dst[3], heard[0].state, heard[0].probes), (3, NUD_PROBE, 1));
    assert_eq!(heard[0].cacheinfo[1..], [500, 0, 2]);
    w.k.advance_ms(3000);
    let heard: Vec<Neigh> = w.heard().iter().map(neigh_of).collect();
    assert_eq!(heard.len(), 1);
    assert_eq!((heard[0].dst[3], heard[0].state, heard[0].probes, heard[0].lladdr.is_none()), (3, NUD_FAILED, 3, true));
    assert_eq!(heard[0].cacheinfo[1..], [800, 0, 1]);
    w.k.advance_ms(60_000);
    assert!(w.heard().is_empty());
}

/// p_neigh4 (listener on LINK and NEIGH): down, a new address and a move to
/// another namespace announce the link first, then the flushed entries
/// (ARP before ND); a deleted device's entries go before its RTM_DELLINK.
#[test]
fn flushes_fall_where_linux_puts_them_among_link_messages() {
    let w = World::new();
    let both = route_socket(&w.net, 1 | NEIGH_GROUP);
    let kinds = |msgs: Vec<Msg>| msgs.iter().map(|m| m.ty).collect::<Vec<u16>>();
    w.set_up(V0, true);
    drain_msgs(&both);
    w.ok(&perm(1, V0, &v4([10, 0, 0, 1]), &MAC));
    drain_msgs(&both);
    w.set_up(V0, false);
    assert_eq!(kinds(drain_msgs(&both)), vec![RTM_NEWLINK, RTM_DELNEIGH]);
    w.ok(&perm(2, V0, &v4([10, 0, 0, 1]), &MAC));
    drain_msgs(&both);
    w.ok(&link_req(RTM_NEWLINK, REQ, 3, V0, &nla(IFLA_ADDRESS, &[2, 0x11, 0x22, 0x33, 0x44, 0x55])));
    assert_eq!(kinds(drain_msgs(&both)), vec![RTM_NEWLINK, RTM_DELNEIGH]);
    w.ok(&perm(4, V0, &v4([10, 0, 0, 1]), &MAC));
    w.ok(&perm(5, V0, &v6("2001:db8::1"), &MAC));
    w.set_up(V0, true);
    drain_msgs(&both);
    let other = w.k.net_create().unwrap();
    w.ok(&link_req(RTM_NEWLINK, REQ, 6, V0, &nla_u32(IFLA_NET_NS_FD, other.ns_fd() as u32)));
    let got = drain_msgs(&both);
    assert_eq!(kinds(got.clone()), vec![RTM_NEWLINK, RTM_DELNEIGH, RTM_DELNEIGH, RTM_DELLINK]);
    assert_eq!((neigh_of(&got[1]).family, neigh_of(&got[2]).family), (AF_INET, AF_INET6));
    w.ok(&perm(7, V1, &v4([10, 0, 0, 1]), &MAC));
    drain_msgs(&both);
    w.ok(&link_req(RTM_DELLINK, REQ, 8, V1, &[]));
    assert_eq!(kinds(drain_msgs(&both)), vec![RTM_DELNEIGH, RTM_DELLINK]);
}
