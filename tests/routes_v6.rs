//! IPv6 routes through sockets (issue 4): RTM_NEWROUTE / RTM_DELROUTE /
//! RTM_GETROUTE for AF_INET6 (net/ipv6/route.c, ip6_fib.c), the
//! RTNLGRP_IPV6_ROUTE notifications, dumps and their order, multipath,
//! lookups, and what carrier loss, link down and device deletion do.
//!
//! Every expectation is what Linux 6.18.44 did in probes/p_route6.py
//! (output probes/observed/p_route6.txt); a test names the probe section.
//! The probe's devices are veth v0 (3) / v1 (2) and d0 (5) / d1 (4) with
//! addrgenmode none, so the kernel's own routes (proto kernel, the
//! ff00::/8 addrconf adds) are left out of comparisons here.

use std::net::Ipv6Addr;

use rtnlsim::kernel::{NetRef, NetlinkSocket};
use rtnlsim::wire::uapi::if_::*;
use rtnlsim::wire::uapi::if_link::*;
use rtnlsim::wire::uapi::netlink::*;
use rtnlsim::wire::uapi::rtnetlink::*;
use rtnlsim::wire::uapi::socket::*;
use rtnlsim::{Config, Kernel};

#[path = "support/sockets.rs"]
mod sockets;
#[path = "support/wire.rs"]
mod wire;

use sockets::{portid, route_socket};
use wire::*;

const V0: u32 = 3;
const V1: i32 = 2;
const D0: u32 = 5;
const AF6: u8 = AF_INET6;
const CR: u16 = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE;

// ===========================================================================
// Building requests
// ===========================================================================

fn ip6(s: &str) -> Ipv6Addr {
    s.parse().expect("address")
}

#[allow(clippy::too_many_arguments)]
fn rtmsg(dst_len: u8, src_len: u8, tos: u8, table: u8, proto: u8, scope: u8, ty: u8, flags: u32) -> Vec<u8> {
    let mut v = vec![AF6, dst_len, src_len, tos, table, proto, scope, ty];
    v.extend_from_slice(&flags.to_ne_bytes());
    v
}

/// RTM_NEWROUTE/DELROUTE for `dst/plen` in `table` (numbered tables past
/// 255 go in RTA_TABLE), type `ty`, with extra attributes.
#[allow(clippy::too_many_arguments)]
fn route(msg: u16, flags: u16, seq: u32, dst: Option<&str>, plen: u8, table: u32, ty: u8, attrs: &[u8]) -> Vec<u8> {
    let mut p = rtmsg(plen, 0, 0, if table < 256 { table as u8 } else { 252 }, 0, 0, ty, 0);
    if let Some(d) = dst {
        p.extend(nla(RTA_DST, &ip6(d).octets()));
    }
    if table >= 256 {
        p.extend(nla_u32(RTA_TABLE, table));
    }
    p.extend_from_slice(attrs);
    nlmsg(msg, flags, seq, &p)
}

fn add(flags: u16, dst: &str, plen: u8, attrs: &[u8]) -> Vec<u8> {
    route(RTM_NEWROUTE, flags, 7, Some(dst), plen, 254, RTN_UNICAST, attrs)
}

fn oif(i: u32) -> Vec<u8> {
    nla_u32(RTA_OIF, i)
}

fn gw(a: &str) -> Vec<u8> {
    nla(RTA_GATEWAY, &ip6(a).octets())
}

/// One `struct rtnexthop` with an optional RTA_GATEWAY.
fn nh(ifindex: u32, gateway: Option<&str>, hops: u8) -> Vec<u8> {
    let sub = gateway.map(gw).unwrap_or_default();
    let mut v = ((8 + sub.len()) as u16).to_ne_bytes().to_vec();
    v.extend([0, hops]);
    v.extend(ifindex.to_ne_bytes());
    v.extend(sub);
    v
}

fn get(flags: u32, dst: Option<&str>, attrs: &[u8]) -> Vec<u8> {
    let mut p = rtmsg(if dst.is_some() { 128 } else { 0 }, 0, 0, 0, 0, 0, 0, flags);
    if let Some(d) = dst {
        p.extend(nla(RTA_DST, &ip6(d).octets()));
    }
    p.extend_from_slice(attrs);
    nlmsg(RTM_GETROUTE, NLM_F_REQUEST, 7, &p)
}

// ===========================================================================
// Reading answers
// ===========================================================================

/// A route message taken apart.
#[derive(Debug, Clone, PartialEq)]
struct Rt {
    ty: u16,
    flags: u16,
    seq: u32,
    pid: u32,
    dst_len: u8,
    src_len: u8,
    table: u8,
    proto: u8,
    scope: u8,
    rtype: u8,
    rtm_flags: u32,
    attrs: Vec<(u16, Vec<u8>)>,
}

impl Rt {
    fn of(m: &Msg) -> Rt {
        assert!(m.ty == RTM_NEWROUTE || m.ty == RTM_DELROUTE, "not a route: {}", m.ty);
        let p = m.payload();
        let mut attrs = Vec::new();
        let mut off = 12;
        while off + 4 <= p.len() {
            let len = u16_at(p, off) as usize;
            attrs.push((u16_at(p, off + 2), p[off + 4..off + len].to_vec()));
            off += align4(len);
        }
        Rt {
            ty: m.ty,
            flags: m.flags,
            seq: m.seq,
            pid: m.pid,
            dst_len: p[1],
            src_len: p[2],
            table: p[4],
            proto: p[5],
            scope: p[6],
            rtype: p[7],
            rtm_flags: u32_at(p, 8),
            attrs,
        }
    }
    fn attr(&self, t: u16) -> Option<&[u8]> {
        self.attrs.iter().find(|a| a.0 == t).map(|a| &a.1[..])
    }
    fn u32(&self, t: u16) -> Option<u32> {
        self.attr(t).map(|a| u32_at(a, 0))
    }
    fn addr(&self, t: u16) -> Option<Ipv6Addr> {
        self.attr(t).map(|a| Ipv6Addr::from(<[u8; 16]>::try_from(a).expect("16 bytes")))
    }
    fn types(&self) -> Vec<u16> {
        self.attrs.iter().map(|a| a.0).collect()
    }
    /// `dst/len table=T metric=M`, the shape the probe prints.
    fn key(&self) -> String {
        let dst = self.addr(RTA_DST).unwrap_or(Ipv6Addr::UNSPECIFIED);
        format!(
            "{}/{} t{} m{}",
            dst,
            self.dst_len,
            self.u32(RTA_TABLE).unwrap_or(0),
            self.u32(RTA_PRIORITY).unwrap_or(0)
        )
    }
    /// RTA_MULTIPATH as (flags, hops, ifindex, gateway).
    fn hops(&self) -> Vec<(u8, u8, u32, Option<Ipv6Addr>)> {
        let Some(mp) = self.attr(RTA_MULTIPATH) else { return Vec::new() };
        let mut out = Vec::new();
        let mut off = 0;
        while off + 8 <= mp.len() {
            let len = u16_at(mp, off) as usize;
            let g = (len >= 28).then(|| Ipv6Addr::from(<[u8; 16]>::try_from(&mp[off + 12..off + 28]).expect("gw")));
            out.push((mp[off + 2], mp[off + 3], u32_at(mp, off + 4), g));
            off += align4(len);
        }
        out
    }
    /// rta_cacheinfo: (clntref, lastuse, expires).
    fn cacheinfo(&self) -> (u32, u32, i32) {
        let c = self.attr(RTA_CACHEINFO).expect("RTA_CACHEINFO");
        assert_eq!(c.len(), 32);
        (u32_at(c, 0), u32_at(c, 4), i32_at(c, 8))
    }
}

/// NLMSG_ERROR: (errno, ext-ack message).
fn error_of(m: &Msg) -> (i32, Option<String>) {
    assert_eq!(m.ty, NLMSG_ERROR);
    let p = m.payload();
    let e = i32_at(p, 0);
    let inner = if m.flags & NLM_F_CAPPED != 0 { 16 } else { u32_at(p, 4) as usize };
    let mut off = 4 + align4(inner);
    let mut msg = None;
    while off + 4 <= p.len() {
        let len = u16_at(p, off) as usize;
        if u16_at(p, off + 2) == NLMSGERR_ATTR_MSG {
            msg = Some(String::from_utf8_lossy(&p[off + 4..off + len]).trim_end_matches('\0').to_string());
        }
        off += align4(len);
    }
    (e, msg)
}

/// NLMSG_DONE: (errno, flags, ext-ack message).
fn done_of(m: &Msg) -> (i32, u16, Option<String>) {
    assert_eq!(m.ty, NLMSG_DONE);
    let p = m.payload();
    let mut msg = None;
    let mut off = 4;
    while off + 4 <= p.len() {
        let len = u16_at(p, off) as usize;
        if u16_at(p, off + 2) == NLMSGERR_ATTR_MSG {
            msg = Some(String::from_utf8_lossy(&p[off + 4..off + len]).trim_end_matches('\0').to_string());
        }
        off += align4(len);
    }
    (i32_at(p, 0), m.flags, msg)
}

/// The probe's bytes with the requester's port id in place of the probe's.
fn probe_bytes(s: &str, pid: u32) -> Vec<u8> {
    let mut v = hex(s);
    v[12..16].copy_from_slice(&pid.to_ne_bytes());
    v
}

// ===========================================================================
// The lab: veth v0/v1 and d0/d1, all up, a requester and a listener
// ===========================================================================

struct Lab {
    k: Kernel,
    net: NetRef,
    req: NetlinkSocket,
    lis: NetlinkSocket,
}

fn lab() -> Lab {
    let k = Kernel::new(Config::default());
    let net = k.init_net();
    let req = route_socket(&net, 0);
    let lis = route_socket(&net, 1 << (RTNLGRP_IPV6_ROUTE - 1));
    let lab = Lab { k, net, req, lis };
    for (a, b) in [("v0", "v1"), ("d0", "d1")] {
        lab.must(&veth_req(a, b, ADD, 1, &[], &[]));
    }
    // As the probe: addrgenmode none, so no link-local addresses (and no
    // routes for them) appear once addrconf makes them.
    let none = nla(IFLA_AF_SPEC, &nla(AF_INET6 as u16, &nla_u8(IFLA_INET6_ADDR_GEN_MODE, 1)));
    for i in [3, 2, 5, 4] {
        lab.must(&nlmsg(RTM_SETLINK, ACK, 2, &[ifinfomsg(0, i, 0, 0), none.clone()].concat()));
        lab.set_up(i, true);
    }
    lab.heard_routes();
    lab
}

impl Lab {
    fn pid(&self) -> u32 {
        portid(&self.req)
    }
    fn ask(&self, req: &[u8]) -> Vec<Msg> {
        self.req.send(req, 0).expect("send");
        drain_msgs(&self.req)
    }
    fn must(&self, req: &[u8]) {
        let got = self.ask(req);
        assert!(got.len() == 1 && got[0].is_ack(u32_at(req, 8)), "expected an ack, got {got:?}");
    }
    /// Sends a route request that must be acked; the notifications heard.
    fn ok(&self, req: &[u8]) -> Vec<Rt> {
        self.must(req);
        self.heard_routes()
    }
    /// Sends a request that must fail: (errno, message); nothing announced.
    fn fails(&self, req: &[u8]) -> (i32, Option<String>) {
        let got = self.ask(req);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(self.heard_routes().is_empty(), "a failed request announced something");
        error_of(&got[0])
    }
    /// Route notifications heard, without the kernel's own (proto kernel).
    fn heard_routes(&self) -> Vec<Rt> {
        drain_msgs(&self.lis)
            .iter()
            .filter(|m| m.ty == RTM_NEWROUTE || m.ty == RTM_DELROUTE)
            .map(Rt::of)
            .filter(|r| r.proto != RTPROT_KERNEL)
            .collect()
    }
    fn set_up(&self, index: i32, up: bool) {
        self.must(&nlmsg(RTM_NEWLINK, ACK, 2, &ifinfomsg(0, index, if up { IFF_UP } else { 0 }, IFF_UP)));
    }
    /// A dump on `s`: the datagrams, each as its messages.
    fn dump_on(&self, s: &NetlinkSocket, payload: &[u8]) -> Vec<Vec<Msg>> {
        s.send(&nlmsg(RTM_GETROUTE, DUMP, 9, payload), 0).expect("send");
        drain(s).iter().map(|(d, _)| parse(d)).collect()
    }
    /// A strict-checking requester.
    fn strict(&self) -> NetlinkSocket {
        let s = route_socket(&self.net, 0);
        s.setsockopt_int(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1).expect("strict");
        s
    }
    /// The routes of a strict dump of one table (kernel routes left out).
    fn table(&self, t: u32) -> Vec<Rt> {
        let s = self.strict();
        let d = self.dump_on(&s, &[rtmsg(0, 0, 0, 0, 0, 0, 0, 0), nla_u32(RTA_TABLE, t)].concat());
        d.iter().flatten().filter(|m| m.ty == RTM_NEWROUTE).map(Rt::of).filter(|r| r.proto != RTPROT_KERNEL).collect()
    }
}

// ===========================================================================
// RTM_NEWROUTE: flags and notifications
// ===========================================================================

/// Probe "add 2001:db8:1::/64 dev v0 CREATE|EXCL (hexdump)": the
/// notification byte for byte (pid and seq the requester's, flags 0x600,
/// metric 1024, proto boot, RTA_TABLE first, RTA_CACHEINFO zero, RTA_PREF 0).
#[test]
fn added_route_is_announced_as_linux_does_byte_for_byte() {
    let lab = lab();
    let got = lab.ask(&add(ADD, "2001:db8:1::", 64, &oif(V0)));
    assert!(got[0].is_ack(7));
    let heard = drain_msgs(&lab.lis);
    assert_eq!(heard.len(), 1);
    assert_eq!(
        heard[0].raw,
        probe_bytes(
            "74000000 18000006 07000000 4f2f0000 0a400000 fe030001 00000000 08000f00 fe000000 14000100 \
             20010db8 00010000 00000000 00000000 08000600 00040000 08000400 03000000 24000c00 \
             00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 05001400 00000000",
            lab.pid()
        )[..0x74]
    );
}

/// Probe "same again …": an identical route is EEXIST with CREATE|EXCL,
/// CREATE, no flags, and APPEND|CREATE alike; nothing is announced.
#[test]
fn identical_route_is_eexist_whatever_the_flags() {
    let lab = lab();
    lab.ok(&add(ADD, "2001:db8:1::", 64, &oif(V0)));
    for flags in [ADD, CR, ACK, CR | NLM_F_APPEND] {
        assert_eq!(lab.fails(&add(flags, "2001:db8:1::", 64, &oif(V0))), (-17, None), "flags {flags:#x}");
    }
}

/// Probe "same REPLACE (no CREATE)" and "REPLACE|CREATE with dev d0": a
/// replace is announced with NLM_F_REPLACE only, and takes the new device.
#[test]
fn replace_announces_replace_and_takes_the_new_nexthop() {
    let lab = lab();
    lab.ok(&add(ADD, "2001:db8:1::", 64, &oif(V0)));
    let r = lab.ok(&add(ACK | NLM_F_REPLACE, "2001:db8:1::", 64, &oif(V0)));
    assert_eq!((r.len(), r[0].flags, r[0].u32(RTA_OIF)), (1, NLM_F_REPLACE, Some(V0)));
    let r = lab.ok(&add(CR | NLM_F_REPLACE, "2001:db8:1::", 64, &oif(D0)));
    assert_eq!((r.len(), r[0].flags, r[0].u32(RTA_OIF)), (1, NLM_F_REPLACE, Some(D0)));
    let t = lab.table(254);
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].u32(RTA_OIF), Some(D0));
}

/// Probe "new route no CREATE flag", "EXCL only on missing": IPv6 only
/// warns when NLM_F_CREATE is missing; the route is added and announced
/// CREATE|EXCL. "REPLACE no CREATE of missing": ENOENT with a message;
/// with CREATE it is added (0x600).
#[test]
fn missing_create_is_only_a_warning_but_replace_needs_a_match() {
    let lab = lab();
    let r = lab.ok(&add(ACK, "2001:db8:2::", 64, &oif(V0)));
    assert_eq!(r[0].flags, NLM_F_CREATE | NLM_F_EXCL);
    let r = lab.ok(&add(ACK | NLM_F_EXCL, "2001:db8:4::", 64, &oif(V0)));
    assert_eq!(r[0].flags, NLM_F_CREATE | NLM_F_EXCL);
    assert_eq!(
        lab.fails(&add(ACK | NLM_F_REPLACE, "2001:db8:3::", 64, &oif(V0))),
        (-2, Some("Can not replace route - no match found".into()))
    );
    let r = lab.ok(&add(CR | NLM_F_REPLACE, "2001:db8:3::", 64, &oif(V0)));
    assert_eq!(r[0].flags, NLM_F_CREATE | NLM_F_EXCL);
    // A route in a table that does not exist yet, without CREATE: made.
    let r = lab.ok(&route(RTM_NEWROUTE, ACK, 7, Some("2001:db8:56::"), 64, 400, RTN_UNICAST, &oif(V0)));
    assert_eq!((r[0].table, r[0].u32(RTA_TABLE)), (252, Some(400)));
}

/// Probe "ECHO add …", "same prefix metric 8": ECHO sends the requester
/// the notification before its ack; a second metric at the same prefix is
/// a second route (CREATE|EXCL), EXCL refusing only the same metric.
#[test]
fn echo_and_a_second_metric_at_the_same_prefix() {
    let lab = lab();
    let req = route(
        RTM_NEWROUTE,
        CR | NLM_F_ECHO,
        7,
        Some("2001:db8:5::"),
        64,
        254,
        RTN_UNICAST,
        &[oif(V0), nla_u32(RTA_PRIORITY, 7)].concat(),
    );
    let mut req = req;
    req[21] = RTPROT_STATIC;
    let got = lab.ask(&req);
    assert_eq!(got.len(), 2);
    let echo = Rt::of(&got[0]);
    assert_eq!((echo.flags, echo.seq, echo.pid, echo.proto), (0x600, 7, lab.pid(), RTPROT_STATIC));
    assert_eq!(echo.u32(RTA_PRIORITY), Some(7));
    assert!(got[1].is_ack(7));
    assert_eq!(lab.heard_routes().len(), 1);
    lab.ok(&add(ADD, "2001:db8:5::", 64, &[oif(V0), nla_u32(RTA_PRIORITY, 8)].concat()));
    assert_eq!(lab.fails(&add(ADD, "2001:db8:5::", 64, &[oif(V0), nla_u32(RTA_PRIORITY, 8)].concat())).0, -17);
    let t = lab.table(254);
    assert_eq!(t.iter().map(|r| r.u32(RTA_PRIORITY)).collect::<Vec<_>>(), [Some(7), Some(8)]);
}

/// Probe "unmasked dst 2001:db8:6::1/48", "short RTA_DST (8 bytes for
/// /64)": the destination is masked to its length, and RTA_DST need only
/// hold the prefix's bytes.
#[test]
fn destination_is_masked_and_may_be_short() {
    let lab = lab();
    let r = lab.ok(&add(CR, "2001:db8:6::1", 48, &oif(V0)));
    assert_eq!(r[0].addr(RTA_DST), Some(ip6("2001:db8:6::")));
    let req = nlmsg(
        RTM_NEWROUTE,
        CR,
        7,
        &[rtmsg(64, 0, 0, 254, 0, 0, 1, 0), nla(RTA_DST, &ip6("2001:db8:7::").octets()[..8]), oif(V0)].concat(),
    );
    assert_eq!(lab.ok(&req)[0].addr(RTA_DST), Some(ip6("2001:db8:7::")));
    let short = nlmsg(
        RTM_NEWROUTE,
        CR,
        7,
        &[rtmsg(64, 0, 0, 254, 0, 0, 1, 0), nla(RTA_DST, &ip6("2001:db8:8::").octets()[..4]), oif(V0)].concat(),
    );
    assert_eq!(lab.fails(&short), (-22, None));
}

/// Probe: the errors of a bad request, each with Linux's errno and
/// extended-ack message (or none).
#[test]
fn bad_requests_get_linuxs_errors_and_messages() {
    let lab = lab();
    let s = |m: &str| Some(m.to_string());
    let d = "2001:db8:7::";
    let cases: Vec<(Vec<u8>, i32, Option<String>)> = vec![
        (route(RTM_NEWROUTE, CR, 7, Some(d), 129, 254, 1, &oif(V0)), -22, None),
        (
            nlmsg(RTM_NEWROUTE, CR, 7, &[rtmsg(64, 0, 4, 254, 0, 0, 1, 0), oif(V0)].concat()),
            -22,
            s("Invalid dsfield (tos): option not available for IPv6"),
        ),
        (
            add(CR, d, 64, &[oif(V0), nla(RTA_VIA, &[10, 0])].concat()),
            -22,
            s("IPv6 does not support RTA_VIA attribute"),
        ),
        (
            nlmsg(
                RTM_NEWROUTE,
                CR,
                7,
                &[rtmsg(64, 0, 0, 254, 0, 0, 1, RTM_F_CLONED), nla(RTA_DST, &ip6(d).octets()), oif(V0)].concat(),
            ),
            -22,
            s("Userspace can not set RTF_CACHE"),
        ),
        (add(CR, d, 64, &[]), -19, None),
        (add(CR, d, 64, &oif(999)), -19, None),
        (route(RTM_NEWROUTE, CR, 7, Some(d), 64, 254, 12, &oif(V0)), -22, s("Invalid route type")),
        (
            add(CR, d, 64, &[oif(V0), nla(RTA_PREFSRC, &ip6("2001:db8::5").octets())].concat()),
            -22,
            s("Invalid source address"),
        ),
        (
            add(CR, d, 64, &[oif(V0), nla(RTA_PRIORITY, &[1, 2, 3])].concat()),
            -34,
            s("Attribute failed policy validation"),
        ),
        (
            add(CR, d, 64, &[oif(V0), nla(RTA_GATEWAY, &[1, 2, 3, 4])].concat()),
            -34,
            s("Attribute failed policy validation"),
        ),
        (
            add(CR, d, 64, &[oif(V0), nla(RTA_FLOWLABEL, &[0, 0, 0, 1])].concat()),
            -22,
            s("Flow label cannot be specified for this operation"),
        ),
        (add(CR, d, 64, &gw("fe80::1")), -22, s("Egress device not specified")),
        (add(CR, d, 64, &[oif(V0), gw("ff02::1")].concat()), -22, s("Invalid gateway address")),
        (add(CR, d, 64, &[oif(V0), gw("::")].concat()), -22, s("Invalid gateway address")),
        (add(CR, d, 64, &[oif(V0), gw("2001:db8:99::1")].concat()), -113, None),
        (add(CR, d, 64, &[oif(V0), gw("::ffff:10.0.0.1")].concat()), -113, None),
        (
            add(CR, d, 64, &[oif(1), gw("fe80::1")].concat()),
            -22,
            s("Egress device can not be loopback device for this route"),
        ),
        (add(CR, d, 64, &oif(1)), -100, s("Nexthop device is not up")),
        (
            add(CR, d, 64, &nla(RTA_MULTIPATH, &[nh(V0, Some("fe80::1"), 0), nh(D0, None, 0)].concat())),
            -22,
            s("Device only routes can not be added for IPv6 using the multipath API."),
        ),
        (add(CR, d, 64, &nla(RTA_MULTIPATH, &[])), -34, s("Attribute failed policy validation")),
        (
            add(CR, d, 64, &nla(RTA_MULTIPATH, &[nh(V0, Some("fe80::1"), 0), nh(V0, Some("fe80::1"), 0)].concat())),
            -17,
            None,
        ),
        (add(CR, d, 64, &nla_u32(RTA_NH_ID, 5)), -22, s("Nexthop id does not exist")),
    ];
    for (req, errno, msg) in cases {
        assert_eq!(lab.fails(&req), (errno, msg), "request {:02x?}", &req[16..]);
    }
    // A device that is down.
    lab.set_up(V0 as i32, false);
    lab.heard_routes();
    assert_eq!(lab.fails(&add(CR, d, 64, &oif(V0))), (-100, s("Nexthop device is not up")));
    assert!(lab.table(254).is_empty());
}

/// Probe "gw fe80::1 dev v0" (bytes), "gw 2001:db8:2::1 no dev", "gw
/// 2001:db8:1::1 dev v0/d0", "… onlink": a link-local gateway needs only
/// the device; a global one a direct route to it (which supplies the
/// device if none is given, and must agree with the one given); onlink
/// skips the check and shows RTNH_F_ONLINK.
#[test]
fn gateways_link_local_global_and_onlink() {
    let lab = lab();
    let r = lab.ok(&add(ADD, "2001:db8:10::", 64, &[oif(V0), gw("fe80::1")].concat()));
    assert_eq!(
        r[0],
        Rt::of(
            &parse(
                &probe_bytes(
                    "88000000 18000006 07000000 4f2f0000 0a400000 fe030001 00000000 08000f00 fe000000 14000100 \
             20010db8 00100000 00000000 00000000 08000600 00040000 14000500 fe800000 00000000 00000000 \
             00000001 08000400 03000000 24000c00 00000000 00000000 00000000 00000000 00000000 00000000 \
             00000000 00000000 05001400 00000000",
                    lab.pid()
                )[..0x88]
            )[0]
        )
    );
    lab.ok(&add(ADD, "2001:db8:1::", 64, &oif(D0)));
    lab.ok(&add(ADD, "2001:db8:2::", 64, &oif(V0)));
    assert_eq!(lab.fails(&add(ADD, "2001:db8:11::", 64, &[oif(V0), gw("2001:db8:1::1")].concat())).0, -113);
    let r = lab.ok(&add(ADD, "2001:db8:11::", 64, &[oif(D0), gw("2001:db8:1::1")].concat()));
    assert_eq!(r[0].u32(RTA_OIF), Some(D0));
    let r = lab.ok(&add(ADD, "2001:db8:12::", 64, &gw("2001:db8:2::1")));
    assert_eq!(r[0].u32(RTA_OIF), Some(V0));
    // Through a route that itself has a gateway: unreachable.
    assert_eq!(lab.fails(&add(ADD, "2001:db8:13::", 64, &[oif(V0), gw("2001:db8:10::1")].concat())).0, -113);
    let onlink = |d: &str, g: &str| {
        nlmsg(
            RTM_NEWROUTE,
            ADD,
            7,
            &[rtmsg(64, 0, 0, 254, 0, 0, 1, RTNH_F_ONLINK as u32), nla(RTA_DST, &ip6(d).octets()), oif(V0), gw(g)]
                .concat(),
        )
    };
    for (d, g) in [("2001:db8:14::", "fe80::1"), ("2001:db8:15::", "2001:db8:99::1")] {
        let r = lab.ok(&onlink(d, g));
        assert_eq!((r[0].rtm_flags, r[0].addr(RTA_GATEWAY)), (RTNH_F_ONLINK as u32, Some(ip6(g))));
    }
}

// ===========================================================================
// Multipath
// ===========================================================================

/// Probe "ecmp base", "ecmp append via fe80::2 dev v0" (bytes), "ecmp
/// create (no append) via fe80::3 dev d0", "ecmp dup", "dev-only route
/// same prefix": a gateway route of the same metric joins the first as a
/// sibling; the notification is the new route with its ring (new one
/// first), flags APPEND|CREATE or CREATE; a duplicate is EEXIST; a
/// device-only route stays a separate route (flags CREATE).
#[test]
fn gateway_routes_of_one_metric_become_a_multipath_route() {
    let lab = lab();
    lab.ok(&add(ADD, "2001:db8:20::", 64, &[oif(V0), gw("fe80::1")].concat()));
    let r = lab.ok(&add(CR | NLM_F_APPEND, "2001:db8:20::", 64, &[oif(V0), gw("fe80::2")].concat()));
    assert_eq!(r.len(), 1);
    let expect = probe_bytes(
        "a8000000 1800000c 07000000 4f2f0000 0a400000 fe030001 00000000 08000f00 fe000000 14000100 \
         20010db8 00200000 00000000 00000000 08000600 00040000 3c000900 1c000000 03000000 14000500 \
         fe800000 00000000 00000000 00000002 1c000000 03000000 14000500 fe800000 00000000 00000000 \
         00000001 24000c00 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 \
         05001400 00000000",
        lab.pid(),
    );
    assert_eq!(r[0], Rt::of(&parse(&expect[..0xa8])[0]));
    let r = lab.ok(&add(CR, "2001:db8:20::", 64, &[oif(D0), gw("fe80::3")].concat()));
    assert_eq!(r[0].flags, NLM_F_CREATE);
    let g = |s| Some(ip6(s));
    assert_eq!(r[0].hops(), [(0, 0, D0, g("fe80::3")), (0, 0, V0, g("fe80::1")), (0, 0, V0, g("fe80::2"))]);
    assert_eq!(lab.fails(&add(CR, "2001:db8:20::", 64, &[oif(V0), gw("fe80::2")].concat())).0, -17);
    let r = lab.ok(&add(CR, "2001:db8:20::", 64, &oif(V0)));
    assert_eq!((r[0].flags, r[0].u32(RTA_OIF)), (NLM_F_CREATE, Some(V0)));
    // The dump shows the multipath route once, from its first member.
    let t = lab.table(254);
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].hops(), [(0, 0, V0, g("fe80::1")), (0, 0, V0, g("fe80::2")), (0, 0, D0, g("fe80::3"))]);
    assert_eq!(t[1].attr(RTA_MULTIPATH), None);
}

/// Probe "multipath add (2 hops, weights 1,3)" (bytes), "multipath append",
/// "multipath replace with 1 hop", "replace ecmp with single": one
/// notification for the whole route (CREATE; APPEND|CREATE from the ring's
/// first member; REPLACE), weights as rtnh_hops.
#[test]
fn rta_multipath_add_append_and_replace() {
    let lab = lab();
    let mp = nla(RTA_MULTIPATH, &[nh(V0, Some("fe80::1"), 0), nh(D0, Some("fe80::2"), 2)].concat());
    let r = lab.ok(&add(ADD, "2001:db8:21::", 64, &mp));
    assert_eq!(r.len(), 1);
    let expect = probe_bytes(
        "a8000000 18000004 07000000 4f2f0000 0a400000 fe030001 00000000 08000f00 fe000000 14000100 \
         20010db8 00210000 00000000 00000000 08000600 00040000 3c000900 1c000000 03000000 14000500 \
         fe800000 00000000 00000000 00000001 1c000002 05000000 14000500 fe800000 00000000 00000000 \
         00000002 24000c00 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 \
         05001400 00000000",
        lab.pid(),
    );
    assert_eq!(r[0], Rt::of(&parse(&expect[..0xa8])[0]));
    let r = lab.ok(&add(CR | NLM_F_APPEND, "2001:db8:21::", 64, &nla(RTA_MULTIPATH, &nh(V0, Some("fe80::5"), 0))));
    let g = |s| Some(ip6(s));
    assert_eq!(r[0].flags, NLM_F_CREATE | NLM_F_APPEND);
    assert_eq!(r[0].hops(), [(0, 0, V0, g("fe80::1")), (0, 2, D0, g("fe80::2")), (0, 0, V0, g("fe80::5"))]);
    let r = lab.ok(&add(CR | NLM_F_REPLACE, "2001:db8:21::", 64, &nla(RTA_MULTIPATH, &nh(V0, Some("fe80::9"), 0))));
    assert_eq!((r[0].flags, r[0].addr(RTA_GATEWAY), r[0].attr(RTA_MULTIPATH)), (NLM_F_REPLACE, g("fe80::9"), None));
    let t = lab.table(254);
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].addr(RTA_GATEWAY), g("fe80::9"));
}

/// Probe "del one hop by gw fe80::2", "del whole": a gateway picks one
/// nexthop (announced alone); without one the whole route goes in one
/// RTM_DELROUTE listing the nexthops left.
#[test]
fn deleting_one_nexthop_or_the_whole_multipath_route() {
    let lab = lab();
    let mp = nla(
        RTA_MULTIPATH,
        &[nh(V0, Some("fe80::1"), 0), nh(D0, Some("fe80::2"), 0), nh(V0, Some("fe80::3"), 0)].concat(),
    );
    lab.ok(&add(ADD, "2001:db8:23::", 64, &mp));
    let r = lab.ok(&route(RTM_DELROUTE, ACK, 7, Some("2001:db8:23::"), 64, 254, 0, &gw("fe80::2")));
    assert_eq!(r.len(), 1);
    assert_eq!(
        (r[0].ty, r[0].flags, r[0].u32(RTA_OIF), r[0].addr(RTA_GATEWAY)),
        (RTM_DELROUTE, 0, Some(D0), Some(ip6("fe80::2")))
    );
    let r = lab.ok(&route(RTM_DELROUTE, ACK, 7, Some("2001:db8:23::"), 64, 254, 0, &[]));
    assert_eq!(r.len(), 1);
    let g = |s| Some(ip6(s));
    assert_eq!(r[0].hops(), [(0, 0, V0, g("fe80::1")), (0, 0, V0, g("fe80::3"))]);
    assert!(lab.table(254).is_empty());
}

// ===========================================================================
// Types, tables, attributes
// ===========================================================================

/// Probe "type blackhole …" (bytes) to "type nat": reject types hang off
/// the loopback (RTA_OIF 1); local, anycast, multicast, broadcast and nat
/// are taken as given; scope is always universe.
#[test]
fn route_types_and_the_loopback_of_reject_routes() {
    let lab = lab();
    let r = lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:36::"), 64, 254, RTN_BLACKHOLE, &[]));
    assert_eq!(
        r[0],
        Rt::of(
            &parse(
                &probe_bytes(
                    "74000000 18000006 07000000 4f2f0000 0a400000 fe030006 00000000 08000f00 fe000000 14000100 \
             20010db8 00360000 00000000 00000000 08000600 00040000 08000400 01000000 24000c00 \
             00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 05001400 00000000",
                    lab.pid()
                )[..0x74]
            )[0]
        )
    );
    for (i, ty) in [RTN_UNREACHABLE, RTN_PROHIBIT, RTN_THROW].into_iter().enumerate() {
        let d = format!("2001:db8:3{}::", 7 + i);
        let r = lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some(&d), 64, 254, ty, &[]));
        assert_eq!((r[0].rtype, r[0].u32(RTA_OIF)), (ty, Some(1)));
    }
    for (d, plen, ty) in [
        ("2001:db8:40::1", 128, RTN_LOCAL),
        ("2001:db8:41::1", 128, RTN_ANYCAST),
        ("ff1e::", 16, RTN_MULTICAST),
        ("2001:db8:42::", 64, RTN_BROADCAST),
        ("2001:db8:43::", 64, RTN_NAT),
    ] {
        let r = lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some(d), plen, 254, ty, &oif(V0)));
        assert_eq!((r[0].rtype, r[0].u32(RTA_OIF), r[0].scope), (ty, Some(V0), 0));
    }
    let mut req = add(ADD, "2001:db8:45::", 64, &oif(V0));
    req[22] = RT_SCOPE_LINK;
    assert_eq!(lab.ok(&req)[0].scope, RT_SCOPE_UNIVERSE);
}

/// Probe "RTA_PREF high(1)", "5 (-> medium)", "low(3)", "RTA_EXPIRES 100",
/// "0xffffffff", "RTA_METRICS mtu 1400": the preference comes back in
/// RTA_PREF (unknown values as medium); an expiry in RTA_CACHEINFO in
/// clock_t on the virtual clock; metrics in RTA_METRICS after RTA_DST.
#[test]
fn preference_expiry_and_metrics() {
    let lab = lab();
    for (d, pref, want) in [("2001:db8:46::", 1, 1), ("2001:db8:47::", 5, 0), ("2001:db8:48::", 3, 3)] {
        let r = lab.ok(&add(ADD, d, 64, &[oif(V0), nla_u8(RTA_PREF, pref)].concat()));
        assert_eq!(r[0].attr(RTA_PREF), Some(&[want][..]));
    }
    let r = lab.ok(&add(ADD, "2001:db8:49::", 64, &[oif(V0), nla_u32(RTA_EXPIRES, 100)].concat()));
    assert_eq!(r[0].cacheinfo(), (0, 0, 10000));
    lab.k.advance_ms(1000);
    let t = lab.table(254);
    let e = t.iter().find(|r| r.addr(RTA_DST) == Some(ip6("2001:db8:49::"))).expect("route");
    assert_eq!(e.cacheinfo(), (0, 0, 9900));
    let r = lab.ok(&add(ADD, "2001:db8:4a::", 64, &[oif(V0), nla_u32(RTA_EXPIRES, u32::MAX)].concat()));
    assert_eq!(r[0].cacheinfo(), (0, 0, 0));
    let r = lab.ok(&add(ADD, "2001:db8:4b::", 64, &[oif(V0), nla(RTA_METRICS, &nla_u32(RTAX_MTU, 1400))].concat()));
    assert_eq!(r[0].types(), [RTA_TABLE, RTA_DST, RTA_METRICS, RTA_PRIORITY, RTA_OIF, RTA_CACHEINFO, RTA_PREF]);
    assert_eq!(r[0].attr(RTA_METRICS), Some(&hex("08000200 78050000")[..]));
}

/// Probe "table 100 default route" (no RTA_DST), "table 1000" (rtm_table
/// 252 = RT_TABLE_COMPAT, RTA_TABLE 1000), "table 0 (-> main)", "table 255".
#[test]
fn tables_numbered_compat_and_default() {
    let lab = lab();
    let r = lab.ok(&route(RTM_NEWROUTE, ADD, 7, None, 0, 100, 1, &oif(V0)));
    assert_eq!((r[0].table, r[0].types()), (100, vec![RTA_TABLE, RTA_PRIORITY, RTA_OIF, RTA_CACHEINFO, RTA_PREF]));
    let r = lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:50::"), 64, 1000, 1, &oif(V0)));
    assert_eq!((r[0].table, r[0].u32(RTA_TABLE)), (252, Some(1000)));
    let r = lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:51::"), 64, 0, 1, &oif(V0)));
    assert_eq!((r[0].table, r[0].u32(RTA_TABLE)), (254, Some(254)));
    let r = lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:54::"), 64, 255, 1, &oif(V0)));
    assert_eq!((r[0].table, r[0].rtype), (255, RTN_UNICAST));
}

/// Probe "src_len 64 RTA_SRC": source routes (CONFIG_IPV6_SUBTREES) carry
/// RTA_SRC after RTA_DST and dump before the plain route to the prefix.
#[test]
fn source_routes_dump_before_the_plain_route() {
    let lab = lab();
    lab.ok(&add(ADD, "2001:db8:7::", 64, &oif(V0)));
    let req = nlmsg(
        RTM_NEWROUTE,
        ADD,
        7,
        &[
            rtmsg(64, 64, 0, 254, 0, 0, 1, 0),
            nla(RTA_DST, &ip6("2001:db8:7::").octets()),
            nla(RTA_SRC, &ip6("2001:db8:99::").octets()),
            oif(V0),
        ]
        .concat(),
    );
    let r = lab.ok(&req);
    assert_eq!((r[0].src_len, r[0].addr(RTA_SRC)), (64, Some(ip6("2001:db8:99::"))));
    assert_eq!(r[0].types(), [RTA_TABLE, RTA_DST, RTA_SRC, RTA_PRIORITY, RTA_OIF, RTA_CACHEINFO, RTA_PREF]);
    let t = lab.table(254);
    assert_eq!(t.iter().map(|r| r.src_len).collect::<Vec<_>>(), [64, 0]);
}

// ===========================================================================
// Dumps
// ===========================================================================

/// The probe's table 200 ("t200 …").
fn fill_table_200(lab: &Lab) {
    for (d, plen, metric) in [
        ("2001:db8::", 32, 1024),
        ("2001:db8:1::", 64, 1024),
        ("2001:db8:8000::", 33, 1024),
        ("2001:db8:1::1", 128, 1024),
        ("::", 0, 1024),
        ("2001:db8:1::", 64, 10),
        ("2001:db8:1::", 64, 2000),
        ("3000::", 4, 1024),
        ("2001:db8:0:8000::", 49, 1024),
        ("2001:db8:c000::", 34, 1024),
        ("8000::", 1, 1024),
    ] {
        lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some(d), plen, 200, 1, &[oif(V0), nla_u32(RTA_PRIORITY, metric)].concat()));
    }
}

/// Probe "DUMP strict table 200": the radix tree's walk order (children
/// before parents, bit 0 before bit 1, metrics ascending within a node),
/// every message DUMP_FILTERED, NLMSG_DONE in a datagram of its own.
#[test]
fn dump_order_is_the_radix_tree_walk() {
    let lab = lab();
    fill_table_200(&lab);
    let s = lab.strict();
    let d = lab.dump_on(&s, &rtmsg(0, 0, 0, 200, 0, 0, 0, 0));
    assert_eq!(d.len(), 2);
    let keys: Vec<String> = d[0].iter().map(|m| Rt::of(m).key()).collect();
    assert_eq!(
        keys,
        [
            "2001:db8:0:8000::/49 t200 m1024",
            "2001:db8:1::1/128 t200 m1024",
            "2001:db8:1::/64 t200 m10",
            "2001:db8:1::/64 t200 m1024",
            "2001:db8:1::/64 t200 m2000",
            "2001:db8:c000::/34 t200 m1024",
            "2001:db8:8000::/33 t200 m1024",
            "2001:db8::/32 t200 m1024",
            "3000::/4 t200 m1024",
            "8000::/1 t200 m1024",
            "::/0 t200 m1024",
        ]
    );
    assert!(d[0].iter().all(|m| m.flags == NLM_F_MULTI | NLM_F_DUMP_FILTERED && m.seq == 9 && m.pid == portid(&s)));
    assert_eq!(d[1].len(), 1);
    assert_eq!(done_of(&d[1][0]), (0, NLM_F_MULTI | NLM_F_DUMP_FILTERED, None));
}

/// Probe "DUMP full, non-strict": tables in `fib_table_hash` order (bucket
/// id & 255, newest first in a bucket): 300, 356, 100, 400, 200, 1000,
/// 253, 254, 255; flags NLM_F_MULTI only; rtm_table is ignored without
/// strict checking.
#[test]
fn full_dump_walks_tables_in_hash_order() {
    let lab = lab();
    lab.ok(&route(RTM_NEWROUTE, ADD, 7, None, 0, 100, 1, &oif(V0)));
    for (d, t) in [("2001:db8:50::", 1000), ("2001:db8:52::", 300), ("2001:db8:53::", 356), ("2001:db8:55::", 253)] {
        lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some(d), 64, t, 1, &oif(V0)));
    }
    lab.ok(&route(
        RTM_NEWROUTE,
        ADD,
        7,
        Some("2001:db8:53::"),
        64,
        356,
        1,
        &[oif(V0), nla_u32(RTA_PRIORITY, 5)].concat(),
    ));
    lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:54::"), 64, 255, 1, &oif(V0)));
    lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:56::"), 64, 400, 1, &oif(V0)));
    lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:1::"), 64, 200, 1, &oif(V0)));
    lab.ok(&add(ADD, "2001:db8:2::", 64, &oif(V0)));
    for payload in [rtmsg(0, 0, 0, 200, 0, 0, 0, 0), vec![AF6, 0, 0, 0]] {
        let d = lab.dump_on(&lab.req, &payload);
        let all: Vec<Rt> = d.iter().flatten().filter(|m| m.ty == RTM_NEWROUTE).map(Rt::of).collect();
        assert!(all.iter().all(|r| r.flags == NLM_F_MULTI));
        let tables: Vec<u32> =
            all.iter().filter(|r| r.proto != RTPROT_KERNEL).filter_map(|r| r.u32(RTA_TABLE)).collect();
        assert_eq!(tables, [300, 356, 356, 100, 400, 200, 1000, 253, 254, 255]);
        let last = d.last().expect("datagrams");
        assert_eq!((last.len(), done_of(&last[0])), (1, (0, NLM_F_MULTI, None)));
    }
}

/// Probe "DUMP strict …": the filters (protocol, type, device, table by
/// rtm_table or RTA_TABLE), and the errors of a bad strict request, which
/// arrive in NLMSG_DONE.
#[test]
fn strict_dump_filters_and_errors() {
    let lab = lab();
    lab.ok(&add(ADD, "2001:db8:1::", 64, &oif(D0)));
    let mut st = add(ADD, "2001:db8:5::", 64, &oif(V0));
    st[21] = RTPROT_STATIC;
    lab.ok(&st);
    lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:36::"), 64, 254, RTN_BLACKHOLE, &[]));
    lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:50::"), 64, 1000, 1, &oif(V0)));
    let s = lab.strict();
    let routes = |payload: &[u8]| -> (Vec<String>, (i32, u16, Option<String>)) {
        let d = lab.dump_on(&s, payload);
        let msgs: Vec<&Msg> = d.iter().flatten().collect();
        let done = done_of(msgs.last().expect("done"));
        let keys = msgs
            .iter()
            .filter(|m| m.ty == RTM_NEWROUTE)
            .map(|m| Rt::of(m))
            .filter(|r| r.proto != 2)
            .map(|r| r.key())
            .collect();
        (keys, done)
    };
    let filtered = (0, NLM_F_MULTI | NLM_F_DUMP_FILTERED, None);
    assert_eq!(
        routes(&rtmsg(0, 0, 0, 0, RTPROT_STATIC, 0, 0, 0)),
        (vec!["2001:db8:5::/64 t254 m1024".into()], filtered.clone())
    );
    assert_eq!(
        routes(&rtmsg(0, 0, 0, 0, 0, 0, RTN_BLACKHOLE, 0)),
        (vec!["2001:db8:36::/64 t254 m1024".into()], filtered.clone())
    );
    assert_eq!(
        routes(&[rtmsg(0, 0, 0, 0, 0, 0, 0, 0), oif(D0)].concat()),
        (vec!["2001:db8:1::/64 t254 m1024".into()], filtered.clone())
    );
    assert_eq!(
        routes(&[rtmsg(0, 0, 0, 0, 0, 0, 0, 0), nla_u32(RTA_TABLE, 1000)].concat()),
        (vec!["2001:db8:50::/64 t1000 m1024".into()], filtered.clone())
    );
    assert_eq!(routes(&rtmsg(0, 0, 0, 0, 0, 0, 0, RTM_F_CLONED)), (vec![], filtered.clone()));
    assert_eq!(routes(&rtmsg(0, 0, 0, 0, 0, 0, 0, RTM_F_PREFIX)), (vec![], filtered.clone()));
    // Unfiltered: messages DUMP_FILTERED (exceptions are not dumped), DONE not.
    let d = lab.dump_on(&s, &rtmsg(0, 0, 0, 0, 0, 0, 0, 0));
    let msgs: Vec<&Msg> = d.iter().flatten().collect();
    assert!(msgs.iter().filter(|m| m.ty == RTM_NEWROUTE).all(|m| m.flags == NLM_F_MULTI | NLM_F_DUMP_FILTERED));
    assert_eq!(done_of(msgs.last().expect("done")), (0, NLM_F_MULTI, None));
    let err = |m: &str| Some(m.to_string());
    let acks = NLM_F_MULTI | NLM_F_ACK_TLVS;
    for (payload, want) in [
        (rtmsg(0, 0, 0, 199, 0, 0, 0, 0), (-2, acks | NLM_F_DUMP_FILTERED, err("ipv6: FIB table does not exist"))),
        ([rtmsg(0, 0, 0, 0, 0, 0, 0, 0), oif(999)].concat(), (-19, NLM_F_MULTI, None)),
        (rtmsg(64, 0, 0, 0, 0, 0, 0, 0), (-22, acks, err("Invalid values in header for FIB dump request"))),
        (rtmsg(0, 0, 0, 0, 0, 0, 0, 1), (-22, acks, err("Invalid flags for FIB dump request"))),
        (
            [rtmsg(0, 0, 0, 0, 0, 0, 0, 0), nla(RTA_DST, &[0; 16])].concat(),
            (-22, acks, err("Unsupported attribute in dump request")),
        ),
        (vec![AF6], (-22, acks, err("Invalid header for FIB dump request"))),
    ] {
        let d = lab.dump_on(&s, &payload);
        assert_eq!(d.len(), 1);
        assert_eq!(done_of(&d[0][0]), want, "payload {payload:02x?}");
    }
    // PF_UNSPEC with a missing table: no error, just nothing (from IPv6).
    let mut unspec = rtmsg(0, 0, 0, 199, 0, 0, 0, 0);
    unspec[0] = AF_UNSPEC;
    let d = lab.dump_on(&s, &unspec);
    let msgs: Vec<&Msg> = d.iter().flatten().collect();
    assert_eq!(done_of(msgs.last().expect("done")).0, 0);
}

/// p_route6_more "dump chunks … past the cursor": a dump larger than one
/// chunk resumes where it stopped, in order, and a route added between
/// chunks (past the cursor) restarts the table walk
/// past the nodes already sent (`fn_sernum`, `w->count`): nothing is lost
/// or repeated, and the new route comes in its place.
#[test]
fn dump_resumes_across_chunks_without_loss_or_repeat() {
    let lab = lab();
    for i in 0..120u32 {
        let d = format!("2001:db8:{:x}::", 0x100 + i);
        lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some(&d), 64, 300, 1, &oif(V0)));
    }
    let s = lab.strict();
    s.send(&nlmsg(RTM_GETROUTE, DUMP, 9, &[rtmsg(0, 0, 0, 0, 0, 0, 0, 0), nla_u32(RTA_TABLE, 300)].concat()), 0)
        .expect("send");
    let mut keys = Vec::new();
    let mut chunks = 0;
    let mut added = false;
    loop {
        let (d, _) = recv_with(&s, 4096);
        let msgs = parse(&d);
        chunks += 1;
        if msgs.iter().any(|m| m.ty == NLMSG_DONE) {
            assert_eq!(msgs.len(), 1);
            break;
        }
        keys.extend(msgs.iter().map(|m| Rt::of(m).addr(RTA_DST).expect("dst")));
        if !added {
            // Past everything in walk order.
            lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:1ff::"), 64, 300, 1, &oif(V0)));
            added = true;
        }
    }
    assert!(chunks > 3, "{chunks} chunks");
    let mut want: Vec<Ipv6Addr> = (0..120u32).map(|i| ip6(&format!("2001:db8:{:x}::", 0x100 + i))).collect();
    want.push(ip6("2001:db8:1ff::"));
    assert_eq!(keys, want);
}

/// p_route6_more "dump chunks … before the cursor": a route added before
/// the cursor restarts the walk skipping as many nodes as were finished,
/// so the new route is missed and the last finished node comes again
/// (Linux repeated 2001:db8:142:: with 4096-byte reads, as here).
#[test]
fn dump_restart_after_an_insert_before_the_cursor_repeats_one_node() {
    let lab = lab();
    for i in 0..120u32 {
        let d = format!("2001:db8:{:x}::", 0x100 + i);
        lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some(&d), 64, 300, 1, &oif(V0)));
    }
    let s = lab.strict();
    s.send(&nlmsg(RTM_GETROUTE, DUMP, 9, &[rtmsg(0, 0, 0, 0, 0, 0, 0, 0), nla_u32(RTA_TABLE, 300)].concat()), 0)
        .expect("send");
    let mut keys = Vec::new();
    let mut added = false;
    loop {
        let (d, _) = recv_with(&s, 4096);
        let msgs = parse(&d);
        if msgs.iter().any(|m| m.ty == NLMSG_DONE) {
            break;
        }
        keys.extend(msgs.iter().map(|m| Rt::of(m).addr(RTA_DST).expect("dst")));
        if !added {
            lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:ff::"), 64, 300, 1, &oif(V0)));
            added = true;
        }
    }
    assert_eq!(keys.len(), 121);
    assert!(!keys.contains(&ip6("2001:db8:ff::")));
    let dups: Vec<&Ipv6Addr> = keys.iter().filter(|k| keys.iter().filter(|j| j == k).count() > 1).collect();
    assert_eq!(dups, [&ip6("2001:db8:142::"), &ip6("2001:db8:142::")]);
}

// ===========================================================================
// RTM_GETROUTE doit
// ===========================================================================

/// Probe "GET 2001:db8:2::5 (dev v0 /64)" and "… fibmatch" (bytes): the
/// lookup answers with RTA_DST and RTA_SRC as /128, the per-cpu dst's
/// cache info (clntref 2); RTM_F_FIB_MATCH with the route itself.
#[test]
fn getroute_answers_a_lookup_as_linux_does() {
    let lab = lab();
    lab.ok(&add(ADD, "2001:db8:2::", 64, &oif(V0)));
    let got = lab.ask(&get(0, Some("2001:db8:2::5"), &[]));
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].raw,
        probe_bytes(
            "88000000 18000000 07000000 4f2f0000 0a808000 fe030001 00000000 08000f00 fe000000 14000100 \
             20010db8 00020000 00000000 00000005 14000200 00000000 00000000 00000000 00000000 08000600 \
             00040000 08000400 03000000 24000c00 02000000 00000000 00000000 00000000 00000000 00000000 \
             00000000 00000000 05001400 00000000",
            lab.pid()
        )[..0x88]
    );
    // lastuse counts from the first lookup, in clock_t.
    lab.k.advance_ms(3200);
    let again = Rt::of(&lab.ask(&get(0, Some("2001:db8:2::5"), &[]))[0]);
    assert_eq!(again.cacheinfo(), (2, 320, 0));
    let fib = lab.ask(&get(RTM_F_FIB_MATCH, Some("2001:db8:2::5"), &[]));
    assert_eq!(
        fib[0].raw,
        probe_bytes(
            "74000000 18000000 07000000 4f2f0000 0a400000 fe030001 00000000 08000f00 fe000000 14000100 \
             20010db8 00020000 00000000 00000000 08000600 00040000 08000400 03000000 24000c00 \
             00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 05001400 00000000",
            lab.pid()
        )[..0x74]
    );
}

/// Probe "GET …": longest prefix wins, the lowest metric in a node, a
/// gateway comes back as RTA_GATEWAY, local routes leave by the loopback,
/// the local table is looked up before main, other tables are not; the
/// errors of reject routes and of no route.
#[test]
fn getroute_lookups_and_their_errors() {
    let lab = lab();
    lab.ok(&add(ADD, "2001:db8::", 32, &oif(D0)));
    lab.ok(&add(ADD, "2001:db8:2::", 64, &oif(V0)));
    lab.ok(&add(ADD, "2001:db8:10::", 64, &[oif(V0), gw("fe80::1")].concat()));
    lab.ok(&add(ADD, "2001:db8:5::", 64, &[oif(V0), nla_u32(RTA_PRIORITY, 8)].concat()));
    lab.ok(&add(ADD, "2001:db8:5::", 64, &[oif(D0), nla_u32(RTA_PRIORITY, 7)].concat()));
    lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:40::1"), 128, 254, RTN_LOCAL, &oif(V0)));
    lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:54::"), 64, 255, 1, &oif(D0)));
    lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:54::"), 64, 254, 1, &oif(V0)));
    lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:50::"), 64, 1000, 1, &oif(V0)));
    lab.ok(&add(ADD, "2001:db8:46::", 64, &[oif(V0), nla_u8(RTA_PREF, 1)].concat()));
    for (i, ty) in [RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT, RTN_THROW].into_iter().enumerate() {
        lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some(&format!("2001:db8:3{}::", 6 + i)), 64, 254, ty, &[]));
    }
    let ans = |d: &str, attrs: &[u8]| {
        let got = lab.ask(&get(0, Some(d), attrs));
        assert_eq!(got.len(), 1);
        if got[0].ty == NLMSG_ERROR {
            Err(error_of(&got[0]).0)
        } else {
            let r = Rt::of(&got[0]);
            Ok((r.u32(RTA_TABLE), r.dst_len, r.u32(RTA_PRIORITY), r.u32(RTA_OIF), r.addr(RTA_GATEWAY), r.rtype))
        }
    };
    assert_eq!(ans("2001:db8:2::5", &[]), Ok((Some(254), 128, Some(1024), Some(V0), None, 1)));
    assert_eq!(ans("2001:db8:3::5", &[]), Ok((Some(254), 128, Some(1024), Some(D0), None, 1)));
    assert_eq!(ans("2001:db8:10::5", &[]), Ok((Some(254), 128, Some(1024), Some(V0), Some(ip6("fe80::1")), 1)));
    assert_eq!(ans("2001:db8:5::1", &[]), Ok((Some(254), 128, Some(7), Some(D0), None, 1)));
    assert_eq!(ans("2001:db8:40::1", &[]), Ok((Some(254), 128, Some(1024), Some(1), None, RTN_LOCAL)));
    assert_eq!(ans("2001:db8:54::1", &[]), Ok((Some(255), 128, Some(1024), Some(D0), None, 1)));
    assert_eq!(ans("2001:db8:50::1", &[]), Ok((Some(254), 128, Some(1024), Some(D0), None, 1)));
    assert_eq!(ans("2001:db8:36::1", &[]), Err(-22));
    assert_eq!(ans("2001:db8:37::1", &[]), Err(-113));
    assert_eq!(ans("2001:db8:38::1", &[]), Err(-13));
    // A throw route in main falls through to no table: unreachable.
    assert_eq!(ans("2001:db8:39::1", &[]), Err(-101));
    assert_eq!(ans("5000::1", &[]), Err(-101));
    // An oif with no source address is strict.
    assert_eq!(ans("2001:db8:2::5", &oif(D0)), Ok((Some(254), 128, Some(1024), Some(D0), None, 1)));
    assert_eq!(ans("fe80::1234", &oif(V0)), Err(-101));
    let pref = Rt::of(&lab.ask(&get(0, Some("2001:db8:46::1"), &[]))[0]);
    assert_eq!(pref.attr(RTA_PREF), Some(&[1][..]));
    // No RTA_DST: a lookup of ::.
    assert_eq!(error_of(&lab.ask(&get(0, None, &[]))[0]).0, -101);
}

/// Probe "GET strict …": strict-checking requesters get the header,
/// flag and attribute checks, with the "ipv6: " prefix.
#[test]
fn strict_getroute_validation() {
    let lab = lab();
    lab.ok(&add(ADD, "2001:db8:2::", 64, &oif(V0)));
    let s = lab.strict();
    let ask = |req: Vec<u8>| {
        s.send(&req, 0).expect("send");
        drain_msgs(&s)
    };
    let bad_len = nlmsg(
        RTM_GETROUTE,
        NLM_F_REQUEST,
        7,
        &[rtmsg(64, 0, 0, 0, 0, 0, 0, 0), nla(RTA_DST, &ip6("2001:db8:2::5").octets())].concat(),
    );
    assert_eq!(error_of(&ask(bad_len)[0]), (-22, Some("ipv6: Invalid values in header for get route request".into())));
    let table = get(0, Some("2001:db8:2::5"), &nla_u32(RTA_TABLE, 254));
    assert_eq!(error_of(&ask(table)[0]), (-22, Some("ipv6: Unsupported attribute in get route request".into())));
    let flags = get(RTM_F_CLONED, Some("2001:db8:2::5"), &[]);
    assert_eq!(error_of(&ask(flags)[0]), (-22, Some("ipv6: Invalid flags for get route request".into())));
    let ok = ask(get(0, Some("2001:db8:2::5"), &[]));
    assert_eq!(Rt::of(&ok[0]).u32(RTA_OIF), Some(V0));
}

// ===========================================================================
// RTM_DELROUTE
// ===========================================================================

/// Probe "del 2001:db8:2::/64 (dst only)" (bytes), "del again", "del in
/// table 199", "del … metric 8", "proto 3", "dev d0", "del unmasked",
/// "del blackhole by type unicast".
#[test]
fn delroute_matches_and_its_errors() {
    let lab = lab();
    lab.ok(&add(ADD, "2001:db8:2::", 64, &oif(V0)));
    let r = lab.ok(&route(RTM_DELROUTE, ACK, 7, Some("2001:db8:2::"), 64, 254, 0, &[]));
    let mut expect = probe_bytes(
        "74000000 19000000 07000000 4f2f0000 0a400000 fe030001 00000000 08000f00 fe000000 14000100 \
         20010db8 00020000 00000000 00000000 08000600 00040000 08000400 03000000 24000c00 \
         00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 05001400 00000000",
        lab.pid(),
    );
    expect.truncate(0x74);
    assert_eq!(r, [Rt::of(&parse(&expect)[0])]);
    assert_eq!(lab.fails(&route(RTM_DELROUTE, ACK, 7, Some("2001:db8:2::"), 64, 254, 0, &[])), (-3, None));
    assert_eq!(
        lab.fails(&route(RTM_DELROUTE, ACK, 7, Some("2001:db8:2::"), 64, 199, 0, &[])),
        (-3, Some("FIB table does not exist".into()))
    );
    let mut st = add(ADD, "2001:db8:5::", 64, &[oif(V0), nla_u32(RTA_PRIORITY, 7)].concat());
    st[21] = RTPROT_STATIC;
    lab.ok(&st);
    lab.ok(&add(ADD, "2001:db8:5::", 64, &[oif(V0), nla_u32(RTA_PRIORITY, 8)].concat()));
    let r = lab.ok(&route(RTM_DELROUTE, ACK, 7, Some("2001:db8:5::"), 64, 254, 0, &nla_u32(RTA_PRIORITY, 8)));
    assert_eq!(r[0].u32(RTA_PRIORITY), Some(8));
    let mut wrong_proto = route(RTM_DELROUTE, ACK, 7, Some("2001:db8:5::"), 64, 254, 0, &[]);
    wrong_proto[21] = RTPROT_BOOT;
    assert_eq!(lab.fails(&wrong_proto).0, -3);
    assert_eq!(lab.fails(&route(RTM_DELROUTE, ACK, 7, Some("2001:db8:5::"), 64, 254, 0, &oif(D0))).0, -3);
    lab.ok(&add(ADD, "2001:db8:6::", 48, &oif(V0)));
    assert_eq!(lab.ok(&route(RTM_DELROUTE, ACK, 7, Some("2001:db8:6::1"), 48, 254, 0, &[])).len(), 1);
    lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:36::"), 64, 254, RTN_BLACKHOLE, &[]));
    let r = lab.ok(&route(RTM_DELROUTE, ACK, 7, Some("2001:db8:36::"), 64, 254, RTN_UNICAST, &[]));
    assert_eq!(r[0].rtype, RTN_BLACKHOLE);
}

// ===========================================================================
// Devices: carrier, down, away
// ===========================================================================

/// Probe "carrier loss: v1 down", "add route on v0 while carrier down",
/// "carrier back": while v0 has no carrier its routes show RTNH_F_LINKDOWN
/// (not local ones, nor reject routes), silently; new ones too; the flag
/// goes when the carrier comes back, again silently.
#[test]
fn carrier_loss_marks_routes_linkdown_silently() {
    let lab = lab();
    lab.ok(&add(ADD, "2001:db8:3::", 64, &oif(V0)));
    lab.ok(&add(ADD, "2001:db8:10::", 64, &[oif(V0), gw("fe80::1")].concat()));
    lab.ok(&add(ADD, "2001:db8:1::", 64, &oif(D0)));
    lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:40::1"), 128, 254, RTN_LOCAL, &oif(V0)));
    lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:37::"), 64, 254, RTN_UNREACHABLE, &[]));
    lab.set_up(V1, false);
    assert!(lab.heard_routes().is_empty());
    let flags = |lab: &Lab| -> Vec<(String, u32)> {
        lab.table(254).iter().map(|r| (r.addr(RTA_DST).expect("dst").to_string(), r.rtm_flags)).collect()
    };
    let ld = RTNH_F_LINKDOWN as u32;
    assert_eq!(
        flags(&lab),
        [
            ("2001:db8:1::".into(), 0),
            ("2001:db8:3::".into(), ld),
            ("2001:db8:10::".into(), ld),
            ("2001:db8:37::".into(), 0),
            ("2001:db8:40::1".into(), 0)
        ]
    );
    let r = lab.ok(&add(ADD, "2001:db8:60::", 64, &oif(V0)));
    assert_eq!(r[0].rtm_flags, ld);
    // A lookup still uses it, and reports no nexthop flags.
    assert_eq!(Rt::of(&lab.ask(&get(0, Some("2001:db8:60::1"), &[]))[0]).rtm_flags, 0);
    lab.set_up(V1, true);
    assert!(lab.heard_routes().is_empty());
    assert!(flags(&lab).iter().all(|f| f.1 == 0));
}

/// Probe "v0 down", "add dev v0 while down", "add blackhole while v0
/// down", "v0 up again": every route through v0 goes, each announced with
/// RTM_DELROUTE (pid 0, seq 0, flags 0) in dump order; reject routes stay;
/// nothing comes back when v0 comes up.
#[test]
fn link_down_deletes_the_devices_routes_with_notifications() {
    let lab = lab();
    lab.ok(&add(ADD, "2001:db8:3::", 64, &oif(V0)));
    lab.ok(&add(ADD, "2001:db8:1::", 64, &oif(D0)));
    lab.ok(&add(ADD, "2001:db8:10::", 64, &[oif(V0), gw("fe80::1")].concat()));
    lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:50::"), 64, 1000, 1, &oif(V0)));
    lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:40::1"), 128, 254, RTN_LOCAL, &oif(V0)));
    lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:37::"), 64, 254, RTN_UNREACHABLE, &[]));
    lab.set_up(V0 as i32, false);
    let r = lab.heard_routes();
    assert!(r.iter().all(|r| r.ty == RTM_DELROUTE && r.pid == 0 && r.seq == 0 && r.flags == 0));
    let keys: Vec<String> = r.iter().map(Rt::key).collect();
    assert_eq!(
        keys,
        [
            "2001:db8:50::/64 t1000 m1024",
            "2001:db8:3::/64 t254 m1024",
            "2001:db8:10::/64 t254 m1024",
            "2001:db8:40::1/128 t254 m1024"
        ]
    );
    let left: Vec<String> = lab.table(254).iter().map(Rt::key).collect();
    assert_eq!(left, ["2001:db8:1::/64 t254 m1024", "2001:db8:37::/64 t254 m1024"]);
    assert_eq!(lab.fails(&add(ADD, "2001:db8:61::", 64, &oif(V0))), (-100, Some("Nexthop device is not up".into())));
    lab.ok(&route(RTM_NEWROUTE, ADD, 7, Some("2001:db8:62::"), 64, 254, RTN_BLACKHOLE, &[]));
    lab.set_up(V0 as i32, true);
    assert!(lab.heard_routes().is_empty());
    assert_eq!(lab.table(254).len(), 3);
}

/// Probe "delete d0": deleting a device deletes its routes, announced.
#[test]
fn deleting_a_device_deletes_its_routes() {
    let lab = lab();
    lab.ok(&add(ADD, "2001:db8:1::", 64, &oif(D0)));
    lab.ok(&add(ADD, "2001:db8:11::", 64, &[oif(D0), gw("2001:db8:1::1")].concat()));
    lab.ok(&add(ADD, "2001:db8:63::", 64, &oif(V0)));
    lab.must(&link_req(RTM_DELLINK, ACK, 3, D0 as i32, &[]));
    let keys: Vec<String> = lab.heard_routes().iter().map(Rt::key).collect();
    assert_eq!(keys, ["2001:db8:1::/64 t254 m1024", "2001:db8:11::/64 t254 m1024"]);
    assert_eq!(lab.table(254).iter().map(Rt::key).collect::<Vec<_>>(), ["2001:db8:63::/64 t254 m1024"]);
}

/// Multipath and link down (route.c fib6_ifdown): a nexthop through the
/// downed device is marked dead (RTNH_F_DEAD|LINKDOWN in its rtnexthop)
/// while another lives; lookups skip it.
#[test]
fn link_down_kills_one_nexthop_of_a_multipath_route() {
    let lab = lab();
    let mp = nla(RTA_MULTIPATH, &[nh(V0, Some("fe80::1"), 0), nh(D0, Some("fe80::2"), 0)].concat());
    lab.ok(&add(ADD, "2001:db8:21::", 64, &mp));
    lab.set_up(V0 as i32, false);
    assert!(lab.heard_routes().is_empty());
    let t = lab.table(254);
    let dead = RTNH_F_DEAD | RTNH_F_LINKDOWN;
    assert_eq!(t[0].hops(), [(dead, 0, V0, Some(ip6("fe80::1"))), (0, 0, D0, Some(ip6("fe80::2")))]);
    let r = Rt::of(&lab.ask(&get(0, Some("2001:db8:21::1"), &[]))[0]);
    assert_eq!(r.u32(RTA_OIF), Some(D0));
    lab.set_up(D0 as i32, false);
    assert_eq!(lab.heard_routes().len(), 2);
    assert!(lab.table(254).is_empty());
}

/// Routes belong to their namespace.
#[test]
fn routes_are_per_namespace() {
    let lab = lab();
    lab.ok(&add(ADD, "2001:db8:2::", 64, &oif(V0)));
    let other = lab.k.netns_add("other").expect("netns");
    let s = route_socket(&other, 0);
    s.setsockopt_int(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1).expect("strict");
    let d = lab.dump_on(&s, &[rtmsg(0, 0, 0, 0, 0, 0, 0, 0), nla_u32(RTA_TABLE, 254)].concat());
    let routes: Vec<Rt> =
        d.iter().flatten().filter(|m| m.ty == RTM_NEWROUTE).map(Rt::of).filter(|r| r.proto != 2).collect();
    assert!(routes.is_empty());
}

/// ip6_fib.c `fib6_start_gc` / `fib6_run_gc`: an expired route is no
/// longer used at once (`fib6_check_expired`) but stays in dumps, its
/// expiry negative, until the garbage collector's next run (every 30 s,
/// rounded to a whole second) deletes it with an RTM_DELROUTE.
#[test]
fn expired_routes_are_skipped_then_collected() {
    let lab = lab();
    lab.ok(&add(ADD, "2001:db8:49::", 64, &[oif(V0), nla_u32(RTA_EXPIRES, 40)].concat()));
    lab.k.advance_ms(45_000);
    assert!(lab.heard_routes().is_empty());
    let t = lab.table(254);
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].cacheinfo(), (0, 0, -500));
    assert_eq!(error_of(&lab.ask(&get(0, Some("2001:db8:49::1"), &[]))[0]).0, -101);
    lab.k.advance_ms(15_000);
    let r = lab.heard_routes();
    assert_eq!(r.len(), 1);
    assert_eq!((r[0].ty, r[0].pid, r[0].seq), (RTM_DELROUTE, 0, 0));
    assert!(lab.table(254).is_empty());
}

/// What addrconf calls (route.c `addrconf_f6i_alloc`, `ip6_ins_rt`,
/// `addrconf_get_prefix_route`, `ip6_del_rt`, `ip6_route_add` as
/// `addrconf_prefix_route` uses it): a local route in table 255, type
/// local, proto kernel, metric 0, made even on a device that is down,
/// announced on insertion with pid 0, seq 0 and CREATE|EXCL; a prefix
/// route found by its RTF_ flags.
#[test]
fn the_routes_addrconf_asks_for() {
    use rtnlsim::kernel::net::core::dev::dev_get_by_index;
    use rtnlsim::kernel::net::ipv6::route::*;
    let lab = lab();
    let net = lab.net.arc().clone();
    lab.set_up(V0 as i32, false);
    lab.heard_routes();
    let dev = dev_get_by_index(&net, V0 as i32).expect("v0");
    let rt = addrconf_f6i_alloc(&net, &dev, &ip6("2001:db8::1"), false).expect("alloc");
    assert!(lab.heard_routes().is_empty());
    ip6_ins_rt(&net, &rt).expect("insert");
    let r = drain_msgs(&lab.lis).iter().map(Rt::of).collect::<Vec<_>>();
    assert_eq!(r.len(), 1);
    assert_eq!(
        (r[0].flags, r[0].pid, r[0].seq, r[0].table, r[0].rtype, r[0].proto, r[0].u32(RTA_PRIORITY), r[0].dst_len),
        (NLM_F_CREATE | NLM_F_EXCL, 0, 0, 255, RTN_LOCAL, RTPROT_KERNEL, Some(0), 128)
    );
    assert_eq!(rt.fib6_flags, RTF_UP | RTF_NONEXTHOP | RTF_LOCAL);
    ip6_del_rt(&net, &rt, false).expect("delete");
    let r = drain_msgs(&lab.lis).iter().map(Rt::of).collect::<Vec<_>>();
    assert_eq!((r.len(), r[0].ty), (1, RTM_DELROUTE));
    assert_eq!(ip6_del_rt(&net, &rt, false), Err(rtnlsim::Errno::ENOENT));
    lab.set_up(V0 as i32, true);
    let cfg = Fib6Config {
        fc_table: 254,
        fc_metric: 256,
        fc_dst: ip6("2001:db8:77::"),
        fc_dst_len: 64,
        fc_ifindex: V0 as i32,
        fc_flags: RTF_UP | RTF_ADDRCONF | RTF_PREFIX_RT,
        fc_protocol: RTPROT_KERNEL,
        fc_type: RTN_UNICAST,
        ..Default::default()
    };
    ip6_route_add(&net, &cfg).expect("prefix route");
    let got =
        addrconf_get_prefix_route(&net, &ip6("2001:db8:77::"), 64, Some(&dev), RTF_ADDRCONF | RTF_DEFAULT, 0, true);
    assert!(got.is_none());
    let got = addrconf_get_prefix_route(&net, &ip6("2001:db8:77::"), 64, Some(&dev), RTF_ADDRCONF, RTF_EXPIRES, true)
        .expect("found");
    assert_eq!((got.fib6_metric, got.fib6_dst_len), (256, 64));
    // A strict dump with RTM_F_PREFIX shows only prefix routes.
    lab.ok(&add(ADD, "2001:db8:2::", 64, &oif(V0)));
    let s = lab.strict();
    let d = lab.dump_on(&s, &rtmsg(0, 0, 0, 0, 0, 0, 0, RTM_F_PREFIX));
    let keys: Vec<String> = d.iter().flatten().filter(|m| m.ty == RTM_NEWROUTE).map(|m| Rt::of(m).key()).collect();
    assert_eq!(keys, ["2001:db8:77::/64 t254 m256"]);
}

/// p_route6_extra: a unicast route through an up loopback (a reject route
/// inside, error 0: still reported as unicast and still used), the
/// encapsulation and nexthop-object errors, RTM_F_CLONED deletes (always
/// 0), ECHO on delete, getroute with RTA_IIF, a bad flow label, short
/// headers.
#[test]
fn odds_and_ends_of_the_route_requests() {
    let lab = lab();
    lab.set_up(1, true);
    lab.heard_routes();
    let r = lab.ok(&add(ADD, "2001:db8:44::", 64, &oif(1)));
    assert_eq!((r[0].rtype, r[0].rtm_flags, r[0].u32(RTA_OIF)), (RTN_UNICAST, 0, Some(1)));
    let g = Rt::of(&lab.ask(&get(0, Some("2001:db8:44::1"), &[]))[0]);
    assert_eq!((g.rtype, g.u32(RTA_OIF)), (RTN_UNICAST, Some(1)));
    let s = |m: &str| Some(m.to_string());
    let d = "2001:db8:46::";
    assert_eq!(
        lab.fails(&add(ADD, d, 64, &[oif(V0), nla_u16(RTA_ENCAP_TYPE, 1)].concat())),
        (-95, s("lwt encapsulation type not supported"))
    );
    assert_eq!(
        lab.fails(&add(ADD, d, 64, &[oif(V0), nla_u16(RTA_ENCAP_TYPE, 99)].concat())),
        (-22, s("Unknown lwt encapsulation type"))
    );
    assert_eq!(
        lab.fails(&add(ADD, d, 64, &[nla_u32(RTA_NH_ID, 5), oif(V0)].concat())),
        (-22, s("Nexthop specification and nexthop id are mutually exclusive"))
    );
    assert_eq!(
        lab.fails(&route(RTM_DELROUTE, ACK, 7, Some(d), 64, 254, 0, &nla_u32(RTA_NH_ID, 5))),
        (-22, s("Nexthop id does not exist"))
    );
    lab.ok(&add(ADD, "2001:db8:48::", 64, &oif(V0)));
    let cloned = |dst: &str| {
        nlmsg(
            RTM_DELROUTE,
            ACK,
            7,
            &[rtmsg(64, 0, 0, 254, 0, 0, 0, RTM_F_CLONED), nla(RTA_DST, &ip6(dst).octets())].concat(),
        )
    };
    assert!(lab.ok(&cloned("2001:db8:48::")).is_empty());
    assert!(lab.ok(&cloned("2001:db8:49::")).is_empty());
    let got = lab.ask(&route(RTM_DELROUTE, ACK | NLM_F_ECHO, 7, Some("2001:db8:48::"), 64, 254, 0, &[]));
    assert_eq!(got.len(), 2);
    assert_eq!((got[0].ty, got[0].pid, got[0].flags), (RTM_DELROUTE, lab.pid(), 0));
    assert!(got[1].is_ack(7));
    assert_eq!(lab.heard_routes().len(), 1);
    let iif = Rt::of(&lab.ask(&get(0, Some("2001:db8:44::1"), &nla_u32(RTA_IIF, V0)))[0]);
    assert_eq!(iif.types(), [RTA_TABLE, RTA_DST, RTA_SRC, RTA_IIF, RTA_PRIORITY, RTA_OIF, RTA_CACHEINFO, RTA_PREF]);
    assert_eq!(iif.u32(RTA_IIF), Some(V0));
    assert_eq!(error_of(&lab.ask(&get(0, Some("2001:db8:44::1"), &nla_u32(RTA_IIF, 999)))[0]), (-19, None));
    let st = lab.strict();
    st.send(&get(0, Some("2001:db8:44::1"), &nla(RTA_FLOWLABEL, &[0xff; 4])), 0).expect("send");
    assert_eq!(error_of(&drain_msgs(&st)[0]), (-22, s("Invalid flow label")));
    let short = |ty| nlmsg(ty, ACK, 7, &[AF6, 0, 0, 0]);
    assert_eq!(error_of(&lab.ask(&short(RTM_GETROUTE))[0]), (-22, s("ipv6: Invalid header for get route request")));
    assert_eq!(lab.fails(&short(RTM_NEWROUTE)), (-22, s("Invalid header length")));
}
