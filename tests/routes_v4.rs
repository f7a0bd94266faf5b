//! The IPv4 FIB through sockets: RTM_NEWROUTE / RTM_DELROUTE with the
//! NLM_F_CREATE/EXCL/REPLACE/APPEND answers, nexthop checks and their
//! ext-ack messages, route types, multipath, RTNLGRP_IPV4_ROUTE
//! notifications (pid/seq/ECHO), the dump (table order, alias order,
//! strict filters, chunks), RTM_GETROUTE lookups (longest prefix match,
//! RTM_F_FIB_MATCH, error routes), the routes an address implies, link
//! down/up and RTNH_F_LINKDOWN following a veth's peer.
//!
//! Every expectation is what Linux 6.18.44 did in probes/p_route4.py,
//! probes/p_route4_more.py and probes/p_route4_strict.py (outputs in
//! probes/observed/); byte strings are copied from their `raw` lines with
//! the port id replaced. Addresses are put on devices by calling the FIB's
//! inetaddr notifier the way devinet's `__inet_insert_ifa` /
//! `__inet_del_ifa` do (after updating `ifa_list`), so these tests do not
//! depend on RTM_NEWADDR.

use std::net::Ipv4Addr;
use std::sync::Arc;

use rtnlsim::kernel::net::core::dev::{dev_get_by_name, NetDevice, NetdevEvent};
use rtnlsim::kernel::net::ipv4::devinet::InIfaddr;
use rtnlsim::kernel::net::ipv4::fib_frontend::fib_inetaddr_event;
use rtnlsim::kernel::{NetRef, NetlinkSocket};
use rtnlsim::wire::uapi::if_::*;
use rtnlsim::wire::uapi::if_link::*;
use rtnlsim::wire::uapi::netlink::*;
use rtnlsim::wire::uapi::rtnetlink::*;
use rtnlsim::wire::uapi::socket::*;
use rtnlsim::{Config, Errno, Kernel};

#[path = "support/sockets.rs"]
mod sockets;
#[path = "support/wire.rs"]
mod wire;

use sockets::{portid, route_socket};
use wire::*;

// ===========================================================================
// Building requests
// ===========================================================================

const C: u16 = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE;

/// A `struct rtmsg`.
#[allow(clippy::too_many_arguments)]
fn rtm(dl: u8, table: u8, proto: u8, scope: u8, ty: u8, tos: u8, flags: u32) -> Vec<u8> {
    let mut v = vec![AF_INET, dl, 0, tos, table, proto, scope, ty];
    v.extend_from_slice(&flags.to_ne_bytes());
    v
}

/// The rtmsg `ip route add` would send for a unicast route in main (static).
fn uni(dl: u8) -> Vec<u8> {
    rtm(dl, 254, RTPROT_STATIC, RT_SCOPE_UNIVERSE, RTN_UNICAST, 0, 0)
}

/// The rtmsg of a delete that matches on the prefix only.
fn del(dl: u8, table: u8) -> Vec<u8> {
    rtm(dl, table, 0, RT_SCOPE_NOWHERE, 0, 0, 0)
}

fn ip(s: &str) -> [u8; 4] {
    s.parse::<Ipv4Addr>().expect("address").octets()
}
fn dst(s: &str) -> Vec<u8> {
    nla(RTA_DST, &ip(s))
}
fn gw(s: &str) -> Vec<u8> {
    nla(RTA_GATEWAY, &ip(s))
}
fn oif(i: i32) -> Vec<u8> {
    nla_u32(RTA_OIF, i as u32)
}
/// One `struct rtnexthop` with an optional RTA_GATEWAY.
fn rtnh(gw_addr: Option<&str>, hops: u8, ifindex: i32) -> Vec<u8> {
    let body = gw_addr.map(gw).unwrap_or_default();
    let mut v = ((8 + body.len()) as u16).to_ne_bytes().to_vec();
    v.extend_from_slice(&[0, hops]);
    v.extend_from_slice(&ifindex.to_ne_bytes());
    v.extend_from_slice(&body);
    v
}
fn req(ty: u16, flags: u16, seq: u32, rtmsg: &[u8], attrs: &[u8]) -> Vec<u8> {
    nlmsg(ty, flags, seq, &[rtmsg.to_vec(), attrs.to_vec()].concat())
}
/// RTM_GETROUTE for one destination (rtm_dst_len 32), as `ip route get` sends it.
fn get(seq: u32, flags: u32, d: &str, attrs: &[u8]) -> Vec<u8> {
    req(RTM_GETROUTE, NLM_F_REQUEST, seq, &rtm(32, 0, 0, 0, 0, 0, flags), &[dst(d), attrs.to_vec()].concat())
}

// ===========================================================================
// Reading answers
// ===========================================================================

/// A route message taken apart.
#[derive(Debug, Clone)]
struct Route {
    ty: u16,
    flags: u16,
    seq: u32,
    pid: u32,
    raw: Vec<u8>,
    dst_len: u8,
    tos: u8,
    table: u8,
    proto: u8,
    scope: u8,
    rtype: u8,
    rtm_flags: u32,
    attrs: Vec<(u16, Vec<u8>)>,
}

impl Route {
    fn of(m: &Msg) -> Route {
        let p = m.payload();
        let mut attrs = Vec::new();
        let mut off = 12;
        while off + 4 <= p.len() {
            let len = u16_at(p, off) as usize;
            attrs.push((u16_at(p, off + 2), p[off + 4..off + len].to_vec()));
            off += align4(len);
        }
        Route {
            ty: m.ty,
            flags: m.flags,
            seq: m.seq,
            pid: m.pid,
            raw: m.raw.clone(),
            dst_len: p[1],
            tos: p[3],
            table: p[4],
            proto: p[5],
            scope: p[6],
            rtype: p[7],
            rtm_flags: u32_at(p, 8),
            attrs,
        }
    }
    fn attr(&self, t: u16) -> Option<&[u8]> {
        self.attrs.iter().find(|(ty, _)| *ty == t).map(|(_, v)| v.as_slice())
    }
    fn types(&self) -> Vec<u16> {
        self.attrs.iter().map(|(t, _)| *t).collect()
    }
    fn table_id(&self) -> u32 {
        self.attr(RTA_TABLE).map_or(0, |v| u32_at(v, 0))
    }
    fn dst(&self) -> String {
        self.attr(RTA_DST).map_or("0.0.0.0".into(), |v| Ipv4Addr::new(v[0], v[1], v[2], v[3]).to_string())
    }
    /// "table dst/len" as `ip route` would key it.
    fn key(&self) -> String {
        format!("{} {}/{}", self.table_id(), self.dst(), self.dst_len)
    }
}

/// The NLMSG_ERROR's errno and ext-ack message.
fn err_msg(m: &Msg) -> (i32, Option<String>) {
    assert_eq!(m.ty, NLMSG_ERROR);
    let errno = m.errno();
    if m.flags & NLM_F_ACK_TLVS == 0 {
        return (errno, None);
    }
    let p = m.payload();
    let inner = u32_at(p, 4) as usize;
    let mut off = 4 + if m.flags & NLM_F_CAPPED != 0 { 16 } else { align4(inner) };
    while off + 4 <= p.len() {
        let len = u16_at(p, off) as usize;
        if u16_at(p, off + 2) == NLMSGERR_ATTR_MSG {
            let s = &p[off + 4..off + len];
            let s = s.split(|&b| b == 0).next().unwrap_or(&[]);
            return (errno, Some(String::from_utf8_lossy(s).into_owned()));
        }
        off += align4(len);
    }
    (errno, None)
}

// ===========================================================================
// The world of the probes: a veth pair va (3) / vb (2), 10.0.0.1/24 on va
// ===========================================================================

struct World {
    _k: Kernel,
    net: NetRef,
    ctl: NetlinkSocket,
    lis: NetlinkSocket,
    va: i32,
    vb: i32,
    /// A dummy device, up, without addresses: a second nexthop device
    /// that no carrier change touches.
    d0: i32,
    seq: u32,
}

impl World {
    /// `ip link add va type veth peer name vb`, 10.0.0.1/24 on va, both up
    /// (lo stays down: its 127/8 routes belong to devinet's tests).
    fn new() -> World {
        let k = Kernel::new(Config::default());
        let net = k.init_net();
        let ctl = route_socket(&net, 0);
        let lis = route_socket(&net, RTMGRP_IPV4_ROUTE);
        let mut w = World { _k: k, net, ctl, lis, va: 0, vb: 0, d0: 0, seq: 1 };
        w.ok(&veth_req("va", "vb", ADD, 1, &[], &[]));
        w.va = w.dev("va").ifindex();
        w.vb = w.dev("vb").ifindex();
        assert_eq!((w.va, w.vb), (3, 2), "the probes' ifindexes");
        let linkinfo = nla(IFLA_LINKINFO, &nla_str(IFLA_INFO_KIND, "dummy"));
        w.ok(&nlmsg(RTM_NEWLINK, ADD, 2, &[ifi(0), nla_str(IFLA_IFNAME, "d0"), linkinfo].concat()));
        w.d0 = w.dev("d0").ifindex();
        w.set_up(w.d0, true);
        w.add_ifaddr("va", "10.0.0.1", 24);
        w.set_up(w.va, true);
        w.set_up(w.vb, true);
        drain(&w.lis);
        w
    }
    fn dev(&self, name: &str) -> Arc<NetDevice> {
        dev_get_by_name(&self.net, name).expect("device")
    }
    fn next(&mut self) -> u32 {
        self.seq += 1;
        self.seq
    }
    /// Sends one request and returns every message answering it.
    fn tx(&mut self, msg: &[u8]) -> Vec<Msg> {
        self.ctl.send(msg, 0).expect("send");
        drain_msgs(&self.ctl)
    }
    fn ok(&mut self, msg: &[u8]) {
        let r = self.tx(msg);
        assert!(r.len() == 1 && r[0].is_ack(u32_at(msg, 8)), "not acked: {r:?}");
    }
    /// A request that must fail: (errno, ext-ack message).
    fn fail(&mut self, msg: &[u8]) -> (i32, Option<String>) {
        let r = self.tx(msg);
        assert_eq!(r.len(), 1, "{r:?}");
        err_msg(&r[0])
    }
    fn add(&mut self, rtmsg: &[u8], attrs: &[u8]) {
        let s = self.next();
        self.ok(&req(RTM_NEWROUTE, C, s, rtmsg, attrs));
    }
    fn set_up(&mut self, ifindex: i32, up: bool) {
        let s = self.next();
        let f = if up { IFF_UP } else { 0 };
        self.ok(&nlmsg(RTM_NEWLINK, ACK, s, &ifinfomsg(0, ifindex, f, IFF_UP)));
    }
    /// What `__inet_insert_ifa` does for a new primary address: into
    /// `ifa_list`, then the inetaddr chain's NETDEV_UP.
    fn add_ifaddr(&mut self, dev: &str, local: &str, plen: u8) {
        self.add_ifaddr_brd(dev, local, plen, "0.0.0.0", 0);
    }
    /// The same with a broadcast address and IFA_F_* flags (SECONDARY).
    fn add_ifaddr_brd(&mut self, dev: &str, local: &str, plen: u8, brd: &str, flags: u32) {
        let d = self.dev(dev);
        let l: Ipv4Addr = local.parse().expect("address");
        let mask = if plen == 0 { 0 } else { u32::MAX << (32 - plen as u32) };
        let ifa = InIfaddr {
            ifa_local: l,
            ifa_address: l,
            ifa_mask: Ipv4Addr::from(mask),
            ifa_broadcast: brd.parse().expect("broadcast"),
            ifa_prefixlen: plen,
            ifa_flags: 0x80 | flags,
            ifa_scope: 0,
            ifa_label: dev.to_string(),
            ifa_rt_priority: 0,
            ifa_proto: 0,
            ifa_valid_lft: u32::MAX,
            ifa_preferred_lft: u32::MAX,
            ifa_cstamp: 0,
            ifa_tstamp: 0,
            ifindex: d.ifindex(),
        };
        d.ip_ptr.lock().as_mut().expect("in_device").ifa_list.push(ifa.clone());
        fib_inetaddr_event(NetdevEvent::Up, &d, &ifa).expect("notifier");
    }
    /// What `__inet_del_ifa` does: out of `ifa_list`, then NETDEV_DOWN.
    fn del_ifaddr(&mut self, dev: &str, local: &str) {
        let d = self.dev(dev);
        let l: Ipv4Addr = local.parse().expect("address");
        let ifa = {
            let mut g = d.ip_ptr.lock();
            let list = &mut g.as_mut().expect("in_device").ifa_list;
            let i = list.iter().position(|a| a.ifa_local == l).expect("address on device");
            list.remove(i)
        };
        fib_inetaddr_event(NetdevEvent::Down, &d, &ifa).expect("notifier");
    }
    /// A full non-strict dump: every route message, and the datagrams' count.
    fn dump(&mut self) -> Vec<Route> {
        let s = self.next();
        self.tx(&req(RTM_GETROUTE, DUMP, s, &rtm(0, 0, 0, 0, 0, 0, 0), &[]))
            .iter()
            .filter(|m| m.ty == RTM_NEWROUTE)
            .map(Route::of)
            .collect()
    }
    fn keys(&mut self) -> Vec<String> {
        self.dump().iter().map(|r| format!("{} {}", r.key(), r.rtype)).collect()
    }
    fn events(&self) -> Vec<Route> {
        drain_msgs(&self.lis).iter().map(Route::of).collect()
    }
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

// ===========================================================================
// RTM_NEWROUTE: flags (p_route4.py "=== flags ===")
// ===========================================================================

#[test]
fn newroute_without_create_is_enoent_and_excl_create_notifies_0x600() {
    let mut w = World::new();
    let va = w.va;
    assert_eq!(w.fail(&req(RTM_NEWROUTE, ACK, 101, &uni(24), &[dst("10.9.0.0"), oif(va)].concat())).0, -2);
    assert!(w.events().is_empty());
    w.ok(&req(RTM_NEWROUTE, ADD, 102, &uni(24), &[dst("10.9.0.0"), oif(va)].concat()));
    let ev = w.events();
    assert_eq!(ev.len(), 1);
    let pid = portid(&w.ctl);
    // The probe's notification, with the requester's pid and seq.
    let want = kernel_bytes(
        "3400000018000006660000006429000002180000fe0400010000000008000f00fe000000080001000a0900000800040003000000",
        pid,
    );
    assert_eq!(ev[0].raw, want);
    assert_eq!((ev[0].seq, ev[0].pid), (102, pid));
}

#[test]
fn identical_route_is_eexist_for_create_excl_and_append() {
    let mut w = World::new();
    let a = [dst("10.9.0.0"), oif(w.va)].concat();
    w.add(&uni(24), &a);
    for flags in [ADD, C, C | NLM_F_APPEND] {
        let s = w.next();
        assert_eq!(w.fail(&req(RTM_NEWROUTE, flags, s, &uni(24), &a)), (-17, None), "flags {flags:#x}");
    }
    // REPLACE of the identical first route: a silent success.
    let s = w.next();
    w.ok(&req(RTM_NEWROUTE, C | NLM_F_REPLACE, s, &uni(24), &a));
    w.events();
    let s = w.next();
    w.ok(&req(RTM_NEWROUTE, C | NLM_F_REPLACE, s, &uni(24), &a));
    assert!(w.events().is_empty());
}

#[test]
fn create_goes_before_append_after_and_notification_flags_say_which() {
    let mut w = World::new();
    w.add(&uni(24), &[dst("10.9.0.0"), oif(w.va)].concat());
    w.events();
    let s = w.next();
    w.ok(&req(RTM_NEWROUTE, C, s, &uni(24), &[dst("10.9.0.0"), gw("10.0.0.2")].concat()));
    let s = w.next();
    w.ok(&req(RTM_NEWROUTE, C | NLM_F_APPEND, s, &uni(24), &[dst("10.9.0.0"), gw("10.0.0.3")].concat()));
    let s = w.next();
    assert_eq!(w.fail(&req(RTM_NEWROUTE, ADD, s, &uni(24), &[dst("10.9.0.0"), gw("10.0.0.4")].concat())).0, -17);
    // Another tos or priority is another route: EXCL|CREATE again.
    w.add(&rtm(24, 254, 4, 0, RTN_UNICAST, 0x10, 0), &[dst("10.9.0.0"), gw("10.0.0.4")].concat());
    w.add(&uni(24), &[dst("10.9.0.0"), gw("10.0.0.5"), nla_u32(RTA_PRIORITY, 10)].concat());
    let ev = w.events();
    let flags: Vec<u16> = ev.iter().map(|r| r.flags).collect();
    assert_eq!(flags, vec![0x400, 0xc00, 0x600, 0x600]);
    assert_eq!(ev[3].types(), vec![RTA_TABLE, RTA_DST, RTA_PRIORITY, RTA_GATEWAY, RTA_OIF]);
    // The leaf's order: tos 16 first, then tos 0 by priority, CREATE
    // before the first, APPEND after the last (probe "dump: after adds").
    let gws: Vec<(u8, Option<Vec<u8>>)> = w
        .dump()
        .iter()
        .filter(|r| r.dst() == "10.9.0.0")
        .map(|r| (r.tos, r.attr(RTA_GATEWAY).map(<[u8]>::to_vec)))
        .collect();
    assert_eq!(
        gws,
        vec![
            (16, Some(ip("10.0.0.4").to_vec())),
            (0, Some(ip("10.0.0.2").to_vec())),
            (0, None),
            (0, Some(ip("10.0.0.3").to_vec())),
            (0, Some(ip("10.0.0.5").to_vec())),
        ]
    );
}

#[test]
fn replace_takes_the_first_route_and_needs_create_only_for_a_new_one() {
    let mut w = World::new();
    w.add(&uni(24), &[dst("10.9.0.0"), oif(w.va)].concat());
    w.add(&uni(24), &[dst("10.9.0.0"), gw("10.0.0.2")].concat());
    w.events();
    let s = w.next();
    w.ok(&req(
        RTM_NEWROUTE,
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_REPLACE,
        s,
        &uni(24),
        &[dst("10.9.0.0"), gw("10.0.0.6")].concat(),
    ));
    let ev = w.events();
    assert_eq!((ev.len(), ev[0].flags), (1, NLM_F_REPLACE));
    let s = w.next();
    let missing = req(
        RTM_NEWROUTE,
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_REPLACE,
        s,
        &uni(24),
        &[dst("10.7.0.0"), gw("10.0.0.6")].concat(),
    );
    assert_eq!(w.fail(&missing).0, -2);
    let s = w.next();
    w.ok(&req(RTM_NEWROUTE, C | NLM_F_REPLACE, s, &uni(24), &[dst("10.8.0.0"), gw("10.0.0.6")].concat()));
    assert_eq!(w.events()[0].flags, 0x600);
    let nine: Vec<Option<Vec<u8>>> =
        w.dump().iter().filter(|r| r.dst() == "10.9.0.0").map(|r| r.attr(RTA_GATEWAY).map(<[u8]>::to_vec)).collect();
    assert_eq!(nine, vec![Some(ip("10.0.0.6").to_vec()), None]);
}

// ===========================================================================
// Notifications: pid, seq, ECHO (kernel-reference §6)
// ===========================================================================

#[test]
fn echo_unicasts_the_notification_before_the_ack_and_listeners_get_it_too() {
    let mut w = World::new();
    let pid = portid(&w.ctl);
    let r = w.tx(&req(RTM_NEWROUTE, ADD | NLM_F_ECHO, 7, &uni(24), &[dst("10.9.0.0"), oif(w.va)].concat()));
    assert_eq!(r.len(), 2);
    assert_eq!((r[0].ty, r[0].flags, r[0].seq, r[0].pid), (RTM_NEWROUTE, 0x600, 7, pid));
    assert!(r[1].is_ack(7));
    assert_eq!(w.events()[0].raw, r[0].raw);
    // DELROUTE: flags 0, echoed the same way (probe "DEL by prefix only").
    let r = w.tx(&req(RTM_DELROUTE, ACK | NLM_F_ECHO, 8, &del(24, 0), &dst("10.9.0.0")));
    assert_eq!((r[0].ty, r[0].flags, r[0].seq), (RTM_DELROUTE, 0, 8));
    assert!(r[1].is_ack(8));
}

// ===========================================================================
// RTM_DELROUTE
// ===========================================================================

#[test]
fn delroute_matches_on_what_is_given_and_answers_esrch() {
    let mut w = World::new();
    w.add(&uni(24), &[dst("10.9.0.0"), gw("10.0.0.2")].concat());
    w.add(&uni(24), &[dst("10.9.0.0"), gw("10.0.0.3")].concat());
    let s = w.next();
    assert_eq!(w.fail(&req(RTM_DELROUTE, ACK, s, &del(24, 254), &dst("10.7.0.0"))), (-3, None));
    let s = w.next();
    assert_eq!(w.fail(&req(RTM_DELROUTE, ACK, s, &del(24, 254), &[dst("10.9.0.0"), gw("10.0.0.99")].concat())).0, -3);
    let s = w.next();
    assert_eq!(w.fail(&req(RTM_DELROUTE, ACK, s, &rtm(24, 254, 9, 255, 0, 0, 0), &dst("10.9.0.0"))).0, -3);
    let s = w.next();
    assert_eq!(w.fail(&req(RTM_DELROUTE, ACK, s, &rtm(24, 254, 0, 255, RTN_BLACKHOLE, 0, 0), &dst("10.9.0.0"))).0, -3);
    let s = w.next();
    assert_eq!(
        w.fail(&req(RTM_DELROUTE, ACK, s, &del(24, 77), &dst("10.4.0.0"))),
        (-3, Some("FIB table does not exist".into()))
    );
    let s = w.next();
    assert_eq!(
        w.fail(&req(RTM_DELROUTE, ACK, s, &del(33, 254), &dst("10.4.0.0"))),
        (-22, Some("Invalid prefix length".into()))
    );
    w.events();
    let s = w.next();
    w.ok(&req(RTM_DELROUTE, ACK, s, &del(24, 254), &[dst("10.9.0.0"), gw("10.0.0.3")].concat()));
    let ev = w.events();
    assert_eq!((ev[0].ty, ev[0].flags, ev[0].attr(RTA_GATEWAY)), (RTM_DELROUTE, 0, Some(&ip("10.0.0.3")[..])));
    let s = w.next();
    w.ok(&req(RTM_DELROUTE, ACK, s, &del(24, 254), &dst("10.9.0.0")));
    assert!(!w.dump().iter().any(|r| r.dst() == "10.9.0.0"));
}

// ===========================================================================
// Errors and their ext-ack messages (p_route4_more.py "=== extack messages ===")
// ===========================================================================

#[test]
fn newroute_errors_carry_the_kernels_errno_and_message() {
    let mut w = World::new();
    let (va, vb) = (w.va, w.vb);
    w.set_up(vb, false);
    let mp = |v: Vec<u8>| nla(RTA_MULTIPATH, &v);
    type Case<'a> = (&'a str, Vec<u8>, Vec<u8>, i32, Option<&'a str>);
    let cases: Vec<Case> = vec![
        (
            "gw unreachable",
            uni(24),
            [dst("10.6.0.0"), gw("192.168.5.5")].concat(),
            -101,
            Some("Nexthop has invalid gateway"),
        ),
        (
            "gw unreachable oif",
            uni(24),
            [dst("10.6.0.0"), gw("192.168.5.5"), oif(va)].concat(),
            -101,
            Some("Nexthop has invalid gateway"),
        ),
        ("oif missing", uni(24), [dst("10.6.0.0"), oif(99)].concat(), -19, None),
        (
            "gw, oif missing",
            uni(24),
            [dst("10.6.0.0"), gw("10.0.0.2"), oif(99)].concat(),
            -101,
            Some("Nexthop has invalid gateway"),
        ),
        ("no nexthop", uni(24), dst("10.6.0.0"), -19, None),
        (
            "prefsrc",
            uni(24),
            [dst("10.6.0.0"), oif(va), nla(RTA_PREFSRC, &ip("10.0.0.77"))].concat(),
            -22,
            Some("Invalid prefsrc address"),
        ),
        ("dst_len 33", uni(33), [dst("10.6.0.0"), oif(va)].concat(), -22, Some("Invalid prefix length")),
        (
            "host bits",
            uni(16),
            [dst("10.6.0.1"), oif(va)].concat(),
            -22,
            Some("Invalid prefix for given prefix length"),
        ),
        ("type 12", rtm(24, 254, 4, 0, 12, 0, 0), [dst("10.6.0.0"), oif(va)].concat(), -22, Some("Invalid route type")),
        ("type 0", rtm(24, 254, 4, 0, 0, 0, 0), [dst("10.6.0.0"), oif(va)].concat(), -22, Some("Invalid scope")),
        (
            "host scope gw",
            rtm(24, 254, 4, 254, 1, 0, 0),
            [dst("10.6.1.0"), gw("10.0.0.2")].concat(),
            -22,
            Some("Route with host scope can not have a gateway"),
        ),
        (
            "link scope gw",
            rtm(24, 254, 4, 253, 1, 0, 0),
            [dst("10.6.2.0"), gw("10.0.0.2")].concat(),
            -101,
            Some("Nexthop has invalid gateway"),
        ),
        (
            "scope nowhere",
            rtm(24, 254, 4, 255, 1, 0, 0),
            [dst("10.6.2.0"), oif(va)].concat(),
            -22,
            Some("Invalid scope"),
        ),
        (
            "gw via down dev",
            uni(24),
            [dst("10.6.2.0"), gw("10.0.0.2"), oif(vb)].concat(),
            -101,
            Some("Nexthop has invalid gateway"),
        ),
        ("down dev", uni(24), [dst("10.6.5.0"), oif(vb)].concat(), -100, Some("Device for nexthop is not up")),
        (
            "onlink no oif",
            rtm(24, 254, 4, 0, 1, 0, 4),
            [dst("10.6.7.0"), gw("10.99.0.1")].concat(),
            -19,
            Some("Nexthop device required for onlink"),
        ),
        (
            "via short",
            uni(24),
            [dst("10.6.4.0"), nla(RTA_VIA, &[2, 0, 10])].concat(),
            -22,
            Some("Invalid IPv4 address in RTA_VIA"),
        ),
        (
            "gw and via",
            uni(24),
            [dst("10.6.4.0"), gw("10.0.0.2"), nla(RTA_VIA, &[2, 0, 10, 0, 0, 2])].concat(),
            -22,
            Some("Nexthop configuration can not contain both GATEWAY and VIA"),
        ),
        (
            "blackhole oif",
            rtm(24, 254, 4, 0, RTN_BLACKHOLE, 0, 0),
            [dst("10.5.5.0"), oif(va)].concat(),
            -22,
            Some("Gateway, device and multipath can not be specified for this route type"),
        ),
        (
            "blackhole gw",
            rtm(24, 254, 4, 0, RTN_BLACKHOLE, 0, 0),
            [dst("10.5.5.0"), gw("10.0.0.2")].concat(),
            -22,
            Some("Gateway, device and multipath can not be specified for this route type"),
        ),
        ("local no oif", rtm(32, 254, 4, 254, RTN_LOCAL, 0, 0), dst("10.5.6.2"), -19, None),
        (
            "mp bad gw",
            uni(24),
            [dst("10.3.1.0"), mp([rtnh(Some("10.0.0.2"), 0, 0), rtnh(Some("10.9.9.3"), 4, 0)].concat())].concat(),
            -101,
            Some("Nexthop has invalid gateway"),
        ),
        ("mp no dev", uni(24), [dst("10.3.2.0"), mp(rtnh(None, 0, 0))].concat(), -19, None),
        (
            "mp oif",
            uni(24),
            [dst("10.3.4.0"), oif(1), mp(rtnh(Some("10.0.0.2"), 0, va))].concat(),
            -22,
            Some("Nexthop device index does not match RTA_OIF"),
        ),
        (
            "mp gw",
            uni(24),
            [dst("10.3.4.0"), gw("10.0.0.3"), mp(rtnh(Some("10.0.0.2"), 0, va))].concat(),
            -22,
            Some("Nexthop gateway does not match RTA_GATEWAY or RTA_VIA"),
        ),
        (
            "ecn tos",
            rtm(24, 254, 4, 0, 1, 0x01, 0),
            [dst("10.6.0.0"), oif(va)].concat(),
            -22,
            Some("Invalid dsfield (tos): ECN bits must be 0"),
        ),
    ];
    for (label, r, a, errno, msg) in cases {
        let s = w.next();
        let got = w.fail(&req(RTM_NEWROUTE, C, s, &r, &a));
        assert_eq!(got, (errno, msg.map(str::to_string)), "{label}");
    }
    // Policy: a 3-byte RTA_DST, an empty RTA_MULTIPATH.
    let s = w.next();
    assert_eq!(w.fail(&req(RTM_NEWROUTE, C, s, &uni(24), &[nla(RTA_DST, &[10, 6, 4]), oif(va)].concat())).0, -34);
    let s = w.next();
    assert_eq!(w.fail(&req(RTM_NEWROUTE, C, s, &uni(24), &[dst("10.3.2.0"), nla(RTA_MULTIPATH, &[])].concat())).0, -34);
    assert!(w.events().is_empty(), "a failed request announces nothing");
}

#[test]
fn accepted_oddities_gateway_on_a_local_address_onlink_via_and_unknown_attributes() {
    let mut w = World::new();
    let va = w.va;
    // A gateway that is our own address resolves through the local route.
    w.add(&uni(24), &[dst("10.6.0.0"), gw("10.0.0.1")].concat());
    // ONLINK needs no route to the gateway; the flag shows in rtm_flags.
    w.add(&rtm(24, 254, 4, 0, 1, 0, RTNH_F_ONLINK as u32), &[dst("10.6.6.0"), gw("10.99.0.1"), oif(va)].concat());
    // RTA_VIA of family AF_INET is a gateway.
    w.add(&uni(24), &[dst("10.6.4.0"), nla(RTA_VIA, &[2, 0, 10, 0, 0, 2])].concat());
    // An unknown attribute is ignored (liberal parsing), and so is rtm_src_len.
    w.add(&rtm(24, 254, 4, 0, 1, 0, 0), &[dst("10.6.3.0"), oif(va), nla_u32(99, 1)].concat());
    // RTA_TABLE 0 means main, scope host unicast is a device route.
    w.add(&rtm(24, 0, 4, 0, 1, 0, 0), &[dst("10.5.7.0"), oif(va), nla_u32(RTA_TABLE, 0)].concat());
    w.add(&rtm(24, 254, 4, 254, 1, 0, 0), &[dst("10.6.1.0"), oif(va)].concat());
    let ev = w.events();
    assert_eq!(ev[0].attr(RTA_OIF), Some(&(va as u32).to_ne_bytes()[..]));
    assert_eq!(ev[1].rtm_flags, RTNH_F_ONLINK as u32);
    assert_eq!(ev[2].attr(RTA_GATEWAY), Some(&ip("10.0.0.2")[..]));
    assert_eq!(ev[3].types(), vec![RTA_TABLE, RTA_DST, RTA_OIF]);
    assert_eq!((ev[4].table, ev[4].table_id()), (254, 254));
    assert_eq!(ev[5].scope, RT_SCOPE_HOST);
}

// ===========================================================================
// Route types, tables, metrics, multipath
// ===========================================================================

#[test]
fn error_route_types_have_no_nexthop_attributes() {
    let mut w = World::new();
    let pid = portid(&w.ctl);
    let r = w.tx(&req(RTM_NEWROUTE, C | NLM_F_ECHO, 138, &rtm(24, 254, 4, 0, RTN_BLACKHOLE, 0, 0), &dst("10.5.1.0")));
    assert_eq!(
        r[0].raw,
        kernel_bytes("2c000000180000068a0000006429000002180000fe0400060000000008000f00fe000000080001000a050100", pid)
    );
    for (t, d) in [(RTN_UNREACHABLE, "10.5.2.0"), (RTN_PROHIBIT, "10.5.3.0"), (RTN_THROW, "10.5.4.0")] {
        w.add(&rtm(24, 254, 4, 0, t, 0, 0), &dst(d));
    }
    w.add(&rtm(32, 254, 4, 254, RTN_LOCAL, 0, 0), &[dst("10.5.6.1"), oif(w.va)].concat());
    w.add(&rtm(24, 254, 4, 0, RTN_MULTICAST, 0, 0), &[dst("224.1.1.0"), oif(w.va)].concat());
    let ev = w.events();
    let got: Vec<(u8, usize, Vec<u16>)> = ev.iter().map(|r| (r.rtype, r.raw.len(), r.types())).collect();
    assert_eq!(
        got,
        vec![
            (RTN_BLACKHOLE, 44, vec![RTA_TABLE, RTA_DST]),
            (RTN_UNREACHABLE, 44, vec![RTA_TABLE, RTA_DST]),
            (RTN_PROHIBIT, 44, vec![RTA_TABLE, RTA_DST]),
            (RTN_THROW, 44, vec![RTA_TABLE, RTA_DST]),
            (RTN_LOCAL, 52, vec![RTA_TABLE, RTA_DST, RTA_OIF]),
            (RTN_MULTICAST, 52, vec![RTA_TABLE, RTA_DST, RTA_OIF]),
        ]
    );
}

#[test]
fn dump_walks_tables_in_hash_order_and_table_1000_reads_compat() {
    let mut w = World::new();
    let a = [dst("10.4.0.0"), oif(w.va)].concat();
    w.add(&rtm(24, 100, 4, 0, 1, 0, 0), &a);
    let s = w.next();
    let r = w.tx(&req(
        RTM_NEWROUTE,
        C | NLM_F_ECHO,
        s,
        &rtm(24, 0, 4, 0, 1, 0, 0),
        &[a.clone(), nla_u32(RTA_TABLE, 1000)].concat(),
    ));
    let pid = portid(&w.ctl);
    let mut want = kernel_bytes(
        "3400000018000006920000006429000002180000fc0400010000000008000f00e8030000080001000a0400000800040003000000",
        pid,
    );
    want[8..12].copy_from_slice(&s.to_ne_bytes());
    assert_eq!(r[0].raw, want);
    w.add(&rtm(24, 253, 4, 0, 1, 0, 0), &a);
    w.add(&rtm(24, 2, 4, 0, 1, 0, 0), &a);
    w.add(&uni(0), &gw("10.0.0.2"));
    let tables: Vec<u32> = w.dump().iter().map(Route::table_id).collect();
    // probes/observed/p_route4.txt "dump: all tables".
    assert_eq!(tables, vec![2, 100, 1000, 253, 254, 254, 255, 255]);
    assert_eq!(
        w.keys(),
        strs(&[
            "2 10.4.0.0/24 1",
            "100 10.4.0.0/24 1",
            "1000 10.4.0.0/24 1",
            "253 10.4.0.0/24 1",
            "254 0.0.0.0/0 1",
            "254 10.0.0.0/24 1",
            "255 10.0.0.1/32 2",
            "255 10.0.0.255/32 3",
        ])
    );
}

#[test]
fn one_leaf_holds_longer_prefixes_first_and_lookups_take_the_longest() {
    let mut w = World::new();
    let va = w.va;
    w.add(&uni(8), &[dst("10.0.0.0"), gw("10.0.0.2")].concat());
    w.add(&uni(16), &[dst("10.0.0.0"), oif(va)].concat());
    w.add(&rtm(24, 255, 4, 0, 1, 0, 0), &[dst("10.0.0.0"), oif(va)].concat());
    w.add(&rtm(24, 253, 4, 0, 1, 0, 0), &[dst("10.0.0.0"), oif(va)].concat());
    assert_eq!(
        w.keys(),
        strs(&[
            "253 10.0.0.0/24 1",
            "254 10.0.0.0/24 1",
            "254 10.0.0.0/16 1",
            "254 10.0.0.0/8 1",
            "255 10.0.0.0/24 1",
            "255 10.0.0.1/32 2",
            "255 10.0.0.255/32 3",
        ])
    );
    // Main and local share one trie: the local table's /24 (table id 255,
    // so first in the leaf) wins, reported as table main.
    let fib_match = |w: &mut World, d: &str| {
        let s = w.next();
        let r = w.tx(&get(s, RTM_F_FIB_MATCH, d, &[]));
        let r = Route::of(&r[0]);
        (r.table_id(), r.proto, r.dst_len, r.attr(RTA_GATEWAY).is_some())
    };
    assert_eq!(fib_match(&mut w, "10.0.0.7"), (254, 4, 24, false));
    assert_eq!(fib_match(&mut w, "10.0.5.5"), (254, 4, 16, false));
    assert_eq!(fib_match(&mut w, "10.1.5.5"), (254, 4, 8, true));
    assert_eq!(fib_match(&mut w, "10.0.0.1"), (254, 2, 32, false));
}

#[test]
fn multipath_and_metrics_bytes() {
    let mut w = World::new();
    let pid = portid(&w.ctl);
    let va = w.va;
    let mp = nla(RTA_MULTIPATH, &[rtnh(Some("10.0.0.2"), 0, 0), rtnh(Some("10.0.0.3"), 4, va)].concat());
    let r = w.tx(&req(RTM_NEWROUTE, C | NLM_F_ECHO, 152, &uni(24), &[dst("10.3.0.0"), mp].concat()));
    assert_eq!(
        r[0].raw,
        kernel_bytes(
            "5000000018000006980000006429000002180000fe0400010000000008000f00fe000000080001000a030000240009001000000003000000080005000a0000021000000403000000080005000a000003",
            pid
        )
    );
    let r = w.tx(&req(
        RTM_NEWROUTE,
        C | NLM_F_ECHO,
        155,
        &uni(24),
        &[dst("10.3.3.0"), oif(va), nla(RTA_METRICS, &nla_u32(RTAX_MTU, 1400))].concat(),
    ));
    assert_eq!(
        r[0].raw,
        kernel_bytes(
            "40000000180000069b0000006429000002180000fe0400010000000008000f00fe000000080001000a0303000c00080008000200780500000800040003000000",
            pid
        )
    );
    // A one-nexthop RTA_MULTIPATH is dumped as a plain route; RTA_OIF and
    // RTA_GATEWAY beside a matching RTA_MULTIPATH are accepted.
    let r = w.tx(&req(
        RTM_NEWROUTE,
        C | NLM_F_ECHO,
        156,
        &uni(24),
        &[dst("10.3.4.0"), nla(RTA_MULTIPATH, &rtnh(None, 1, va))].concat(),
    ));
    assert_eq!(Route::of(&r[0]).types(), vec![RTA_TABLE, RTA_DST, RTA_OIF]);
    let mp2 = nla(RTA_MULTIPATH, &[rtnh(Some("10.0.0.2"), 0, va), rtnh(Some("10.0.0.3"), 1, va)].concat());
    let r = w.tx(&req(
        RTM_NEWROUTE,
        C | NLM_F_ECHO,
        157,
        &uni(24),
        &[dst("10.3.5.0"), gw("10.0.0.2"), oif(va), mp2].concat(),
    ));
    assert_eq!(Route::of(&r[0]).types(), vec![RTA_TABLE, RTA_DST, RTA_MULTIPATH]);
    // Deleting by multipath description.
    let s = w.next();
    let mpdel = nla(RTA_MULTIPATH, &[rtnh(Some("10.0.0.2"), 0, 0), rtnh(Some("10.0.0.9"), 0, 0)].concat());
    assert_eq!(w.fail(&req(RTM_DELROUTE, ACK, s, &del(24, 254), &[dst("10.3.0.0"), mpdel].concat())).0, -3);
}

// ===========================================================================
// The dump: strict filters, chunks, AF_UNSPEC
// ===========================================================================

fn strict_socket(net: &NetRef) -> NetlinkSocket {
    let s = route_socket(net, 0);
    s.setsockopt_int(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1).expect("strict");
    s
}

#[test]
fn strict_dump_filters_and_flags() {
    let mut w = World::new();
    w.add(&rtm(24, 100, 4, 0, 1, 0, 0), &[dst("10.4.0.0"), oif(w.va)].concat());
    w.add(&rtm(24, 254, 4, 0, RTN_BLACKHOLE, 0, 0), &dst("10.5.1.0"));
    let s = strict_socket(&w.net);
    let dump = |rt: Vec<u8>, attrs: Vec<u8>| -> Vec<Msg> {
        s.send(&req(RTM_GETROUTE, DUMP, 7, &rt, &attrs), 0).expect("send");
        drain_msgs(&s)
    };
    let summary = |ms: &[Msg]| -> Vec<String> {
        ms.iter()
            .map(|m| {
                if m.ty == RTM_NEWROUTE {
                    format!("{} {:#x}", Route::of(m).key(), m.flags)
                } else {
                    format!("done {} {:#x}", m.errno(), m.flags)
                }
            })
            .collect()
    };
    // No filter: every message says DUMP_FILTERED (no exceptions dumped), DONE does not.
    assert_eq!(
        summary(&dump(rtm(0, 0, 0, 0, 0, 0, 0), vec![])),
        strs(&[
            "100 10.4.0.0/24 0x22",
            "254 10.0.0.0/24 0x22",
            "254 10.5.1.0/24 0x22",
            "255 10.0.0.1/32 0x22",
            "255 10.0.0.255/32 0x22",
            "done 0 0x2"
        ])
    );
    assert_eq!(summary(&dump(rtm(0, 100, 0, 0, 0, 0, 0), vec![])), strs(&["100 10.4.0.0/24 0x22", "done 0 0x22"]));
    assert_eq!(
        summary(&dump(rtm(0, 0, 0, 0, 0, 0, 0), nla_u32(RTA_TABLE, 100))),
        strs(&["100 10.4.0.0/24 0x22", "done 0 0x22"])
    );
    assert_eq!(
        summary(&dump(rtm(0, 0, 2, 0, 0, 0, 0), vec![])),
        strs(&["254 10.0.0.0/24 0x22", "255 10.0.0.1/32 0x22", "255 10.0.0.255/32 0x22", "done 0 0x22"])
    );
    assert_eq!(
        summary(&dump(rtm(0, 0, 0, 0, RTN_BLACKHOLE, 0, 0), vec![])),
        strs(&["254 10.5.1.0/24 0x22", "done 0 0x22"])
    );
    assert_eq!(dump(rtm(0, 0, 0, 0, 0, 0, 0), oif(w.vb)).iter().filter(|m| m.ty == RTM_NEWROUTE).count(), 0);
    // RTM_F_CLONED: no cached routes to show.
    assert_eq!(summary(&dump(rtm(0, 0, 0, 0, 0, 0, RTM_F_CLONED), vec![])), strs(&["done 0 0x22"]));
    assert_eq!(summary(&dump(rtm(0, 0, 0, 0, 0, 0, RTM_F_PREFIX), vec![])), strs(&["done 0 0x22"]));
    // Errors arrive in NLMSG_DONE.
    let done_err = |ms: Vec<Msg>| -> (i32, u16, usize) { (ms[0].errno(), ms[0].flags, ms[0].raw.len()) };
    assert_eq!(done_err(dump(rtm(0, 0, 0, 253, 0, 0, 0), vec![])), (-22, 0x202, 72));
    assert_eq!(done_err(dump(rtm(8, 0, 0, 0, 0, 0, 0), vec![])), (-22, 0x202, 72));
    assert_eq!(done_err(dump(rtm(0, 77, 0, 0, 0, 0, 0), vec![])), (-2, 0x222, 56));
    assert_eq!(done_err(dump(rtm(0, 0, 0, 0, 0, 0, 0), dst("10.0.0.0"))), (-22, 0x202, 64));
    assert_eq!(done_err(dump(rtm(0, 0, 0, 0, 0, 0, 4), vec![])), (-22, 0x202, 60));
    assert_eq!(done_err(dump(vec![AF_INET, 0, 0, 0], vec![])), (-22, 0x202, 60));
    assert_eq!(done_err(dump(rtm(0, 0, 0, 0, 0, 0, 0), oif(99))), (-19, 0x2, 20));
    // An AF_UNSPEC request for a missing table ends quietly.
    let mut unspec = rtm(0, 77, 0, 0, 0, 0, 0);
    unspec[0] = AF_UNSPEC;
    assert_eq!(summary(&dump(unspec, vec![])), strs(&["done 0 0x22"]));
}

#[test]
fn dump_resumes_across_chunks_with_done_alone() {
    let mut w = World::new();
    let va = w.va;
    for i in 0..300u32 {
        let d = format!("10.{}.{}.0", 100 + i / 256, i % 256);
        w.add(&rtm(24, 100 + (i % 3) as u8, 4, 0, 1, 0, 0), &[dst(&d), oif(va)].concat());
        if i.is_multiple_of(50) {
            w.events();
        }
    }
    w.events();
    // A fresh socket, read with 8 KiB buffers: chunks of 3776 B, then 8 KiB.
    let s = route_socket(&w.net, 0);
    s.send(&req(RTM_GETROUTE, DUMP, 5, &rtm(0, 0, 0, 0, 0, 0, 0), &[]), 0).expect("send");
    let mut datagrams = Vec::new();
    loop {
        let (d, _) = recv_with(&s, 8192);
        let ms = parse(&d);
        let done = ms.iter().any(|m| m.ty == NLMSG_DONE);
        datagrams.push(ms);
        if done {
            break;
        }
    }
    assert!(datagrams.len() > 3);
    let last = datagrams.last().expect("datagrams");
    assert_eq!((last.len(), last[0].ty), (1, NLMSG_DONE), "DONE comes alone");
    let routes: Vec<Route> = datagrams.iter().flatten().filter(|m| m.ty == RTM_NEWROUTE).map(Route::of).collect();
    assert_eq!(routes.len(), 303);
    // Tables 100, 101, 102 in order, each by ascending key, nothing twice.
    let keys: Vec<(u32, Vec<u8>)> =
        routes.iter().map(|r| (r.table_id(), r.attr(RTA_DST).map(<[u8]>::to_vec).unwrap_or_default())).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(keys, sorted);
}

#[test]
fn af_unspec_dump_includes_ipv4_routes() {
    let mut w = World::new();
    let s = w.next();
    let ms = w.tx(&nlmsg(RTM_GETROUTE, DUMP, s, &[AF_UNSPEC, 0, 0, 0]));
    let v4: Vec<String> =
        ms.iter().filter(|m| m.ty == RTM_NEWROUTE && m.payload()[0] == AF_INET).map(|m| Route::of(m).key()).collect();
    assert_eq!(v4, strs(&["254 10.0.0.0/24", "255 10.0.0.1/32", "255 10.0.0.255/32"]));
}

// ===========================================================================
// RTM_GETROUTE (p_route4.py "=== getroute ===")
// ===========================================================================

#[test]
fn getroute_answers_as_the_kernel_does() {
    let mut w = World::new();
    let pid = portid(&w.ctl);
    w.add(&uni(0), &gw("10.0.0.2"));
    let cases = [
        ("10.0.0.5", 156, "68000000180000009c0000006429000002200000fe0000010002000008000f00fe000000080001000a0000050800040003000000080007000a000001080019000000000024000c000200000000000000000000000000000000000000000000000000000000000000"),
        ("8.8.8.8", 158, "70000000180000009e0000006429000002200000fe0000010002000008000f00fe00000008000100080808080800040003000000080007000a000001080005000a000002080019000000000024000c000200000000000000000000000000000000000000000000000000000000000000"),
        ("10.0.0.255", 161, "6800000018000000a10000006429000002200000fe0000030002009008000f00fe000000080001000a0000ff0800040003000000080007000a000001080019000000000024000c000200000000000000000000000000000000000000000000000000000000000000"),
    ];
    for (d, seq, raw) in cases {
        let r = w.tx(&get(seq, 0, d, &[]));
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].raw, kernel_bytes(raw, pid), "{d}");
    }
    // A local address goes out through lo (ifindex 1) with RTCF_LOCAL.
    let r = w.tx(&get(159, 0, "10.0.0.1", &[]));
    assert_eq!(
        r[0].raw,
        kernel_bytes("68000000180000009f0000006429000002200000fe0000020002008008000f00fe000000080001000a0000010800040001000000080007000a000001080019000000000024000c000100000000000000000000000000000000000000000000000000000000000000", pid)
    );
    // No destination: loopback, RTA_DST 0.0.0.0, source 127.0.0.1.
    let r = Route::of(&w.tx(&get(171, 0, "0.0.0.0", &[]))[0]);
    assert_eq!((r.rtype, r.rtm_flags, r.attr(RTA_PREFSRC)), (RTN_LOCAL, 0x8000_0200, Some(&[127, 0, 0, 1][..])));
    // Acked when asked; the answer comes first.
    let r = w.tx(&req(RTM_GETROUTE, ACK, 9, &rtm(32, 0, 0, 0, 0, 0, 0), &dst("10.0.0.5")));
    assert_eq!((r.len(), r[0].ty), (2, RTM_NEWROUTE));
    assert!(r[1].is_ack(9));
    // The source is given: RTA_SRC instead of RTA_PREFSRC.
    let r = Route::of(&w.tx(&get(10, 0, "10.0.0.5", &nla(RTA_SRC, &ip("10.0.0.1"))))[0]);
    assert_eq!(r.types(), vec![RTA_TABLE, RTA_DST, RTA_SRC, RTA_OIF, RTA_UID, RTA_CACHEINFO]);
}

#[test]
fn getroute_errors_and_fib_match() {
    let mut w = World::new();
    let pid = portid(&w.ctl);
    for (t, d) in [
        (RTN_BLACKHOLE, "10.5.1.0"),
        (RTN_UNREACHABLE, "10.5.2.0"),
        (RTN_PROHIBIT, "10.5.3.0"),
        (RTN_THROW, "10.5.4.0"),
    ] {
        w.add(&rtm(24, 254, 4, 0, t, 0, 0), &dst(d));
    }
    w.add(&uni(24), &[dst("10.9.0.0"), oif(w.va)].concat());
    let mut errs = Vec::new();
    for d in ["10.5.1.1", "10.5.2.1", "10.5.3.1", "10.5.4.1", "8.8.8.8"] {
        let s = w.next();
        errs.push(w.fail(&get(s, 0, d, &[])).0);
    }
    assert_eq!(errs, vec![-22, -113, -13, -101, -101]);
    let s = w.next();
    assert_eq!(w.fail(&get(s, RTM_F_FIB_MATCH, "8.8.8.8", &[])).0, -101);
    let s = w.next();
    assert_eq!(w.fail(&get(s, 0, "10.0.0.5", &oif(77))).0, -19);
    let s = w.next();
    assert_eq!(
        w.fail(&req(RTM_GETROUTE, NLM_F_REQUEST, s, &[AF_INET, 0, 0, 0], &[])),
        (-22, Some("ipv4: Invalid header for route get request".into()))
    );
    let r = w.tx(&get(166, RTM_F_FIB_MATCH, "10.9.0.7", &[]));
    assert_eq!(
        r[0].raw,
        kernel_bytes(
            "3400000018000000a60000006429000002180000fe0400010000000008000f00fe000000080001000a0900000800040003000000",
            pid
        )
    );
    // With an output device the lookup keeps to it; failing that, the
    // destination is taken to be on link.
    let vb = w.vb;
    let r = Route::of(&w.tx(&get(20, 0, "10.0.0.5", &oif(vb)))[0]);
    assert_eq!(
        (r.rtype, r.attr(RTA_OIF), r.attr(RTA_PREFSRC)),
        (RTN_UNICAST, Some(&(vb as u32).to_ne_bytes()[..]), Some(&ip("10.0.0.1")[..]))
    );
    // lo is down here: ENETUNREACH.
    assert_eq!(w.fail(&get(21, 0, "10.0.0.5", &oif(1))).0, -101);
    // Strict checking of the request.
    let s2 = strict_socket(&w.net);
    s2.send(&req(RTM_GETROUTE, NLM_F_REQUEST, 21, &rtm(32, 254, 0, 0, 0, 0, 0), &dst("10.0.0.5")), 0).expect("send");
    assert_eq!(
        err_msg(&drain_msgs(&s2)[0]),
        (-22, Some("ipv4: Invalid values in header for route get request".into()))
    );
    s2.send(
        &req(
            RTM_GETROUTE,
            NLM_F_REQUEST,
            22,
            &rtm(32, 0, 0, 0, 0, 0, 0),
            &[dst("10.0.0.5"), nla_u32(RTA_TABLE, 1)].concat(),
        ),
        0,
    )
    .expect("send");
    assert_eq!(err_msg(&drain_msgs(&s2)[0]), (-22, Some("ipv4: Unsupported attribute in route get request".into())));
}

// ===========================================================================
// Addresses, link down/up, carrier (kernel-reference §8, p_route4_more.py)
// ===========================================================================

#[test]
fn address_routes_come_from_fib_magic_with_pid_0_and_go_in_order() {
    let mut w = World::new();
    w.add_ifaddr("va", "10.3.3.1", 24);
    let ev = w.events();
    let got: Vec<(String, u8, u8, u16, u32, u32)> =
        ev.iter().map(|r| (r.key(), r.rtype, r.scope, r.flags, r.pid, r.seq)).collect();
    assert_eq!(
        got,
        vec![
            ("255 10.3.3.1/32".to_string(), RTN_LOCAL, RT_SCOPE_HOST, 0x600, 0, 0),
            ("254 10.3.3.0/24".to_string(), RTN_UNICAST, RT_SCOPE_LINK, 0x600, 0, 0),
            ("255 10.3.3.255/32".to_string(), RTN_BROADCAST, RT_SCOPE_LINK, 0x600, 0, 0),
        ]
    );
    assert_eq!(ev[1].types(), vec![RTA_TABLE, RTA_DST, RTA_PREFSRC, RTA_OIF]);
    assert_eq!(ev[1].proto, RTPROT_KERNEL);
    // A /32 on an up device: only its local route.
    w.add_ifaddr("va", "10.4.4.4", 32);
    assert_eq!(w.events().iter().map(Route::key).collect::<Vec<_>>(), strs(&["255 10.4.4.4/32"]));
    // Removing it: DELROUTE prefix, broadcast, local (flags 0, pid 0).
    w.add(&uni(24), &[dst("10.20.0.0"), gw("10.3.3.2")].concat());
    w.events();
    w.del_ifaddr("va", "10.3.3.1");
    let ev = w.events();
    let got: Vec<(u16, String, u16, u32)> = ev.iter().map(|r| (r.ty, r.key(), r.flags, r.pid)).collect();
    assert_eq!(
        got,
        vec![
            (RTM_DELROUTE, "254 10.3.3.0/24".to_string(), 0, 0),
            (RTM_DELROUTE, "255 10.3.3.255/32".to_string(), 0, 0),
            (RTM_DELROUTE, "255 10.3.3.1/32".to_string(), 0, 0),
        ]
    );
    // The gateway route through the gone subnet stays (its prefsrc was not the address).
    assert!(w.dump().iter().any(|r| r.dst() == "10.20.0.0"));
}

#[test]
fn last_address_going_takes_routes_through_the_device_silently() {
    let mut w = World::new();
    let (va, d0) = (w.va, w.d0);
    w.add(&uni(24), &[dst("10.20.0.0"), gw("10.0.0.2")].concat());
    w.add(&rtm(24, 254, 4, 254, 1, 0, 0), &[dst("10.6.1.0"), oif(va)].concat());
    w.add(
        &uni(24),
        &[dst("10.21.0.0"), nla(RTA_MULTIPATH, &[rtnh(Some("10.0.0.2"), 0, va), rtnh(None, 0, d0)].concat())].concat(),
    );
    w.events();
    w.del_ifaddr("va", "10.0.0.1");
    assert_eq!(w.events().len(), 3, "only the address's own three DELROUTEs");
    let left = w.dump();
    assert_eq!(left.iter().map(Route::key).collect::<Vec<_>>(), strs(&["254 10.21.0.0/24"]));
    // The multipath route keeps its lo nexthop; va's is dead and linkdown.
    let mp = left[0].attr(RTA_MULTIPATH).expect("multipath");
    assert_eq!((mp[2], mp[18]), (RTNH_F_DEAD | RTNH_F_LINKDOWN, 0));
    assert_eq!(left[0].rtm_flags, 0);
}

#[test]
fn link_down_flushes_non_host_routes_without_delroute_and_up_restores_address_routes() {
    let mut w = World::new();
    let va = w.va;
    w.add(&uni(24), &[dst("10.20.0.0"), gw("10.0.0.2")].concat());
    w.add(&rtm(24, 254, 4, 254, 1, 0, 0), &[dst("10.6.1.0"), oif(va)].concat());
    w.add(&rtm(24, 254, 4, 0, RTN_BLACKHOLE, 0, 0), &dst("10.5.1.0"));
    w.events();
    w.set_up(va, false);
    assert!(w.events().is_empty(), "no RTM_DELROUTE on link down");
    assert_eq!(w.keys(), strs(&["254 10.5.1.0/24 6", "254 10.6.1.0/24 1", "255 10.0.0.1/32 2"]));
    w.set_up(va, true);
    let ev = w.events();
    assert_eq!(
        ev.iter().map(|r| (r.key(), r.flags, r.pid)).collect::<Vec<_>>(),
        vec![("254 10.0.0.0/24".to_string(), 0x600, 0), ("255 10.0.0.255/32".to_string(), 0x600, 0),]
    );
    assert_eq!(
        w.keys(),
        strs(&[
            "254 10.0.0.0/24 1",
            "254 10.5.1.0/24 6",
            "254 10.6.1.0/24 1",
            "255 10.0.0.1/32 2",
            "255 10.0.0.255/32 3"
        ])
    );
}

#[test]
fn linkdown_follows_the_veth_peer_without_notifications() {
    let mut w = World::new();
    let (va, d0) = (w.va, w.d0);
    w.add(&uni(24), &[dst("10.20.0.0"), gw("10.0.0.2")].concat());
    w.add(
        &uni(24),
        &[dst("10.21.0.0"), nla(RTA_MULTIPATH, &[rtnh(Some("10.0.0.2"), 0, va), rtnh(None, 0, d0)].concat())].concat(),
    );
    w.add(&rtm(24, 254, 4, 254, 1, 0, 0), &[dst("10.6.1.0"), oif(va)].concat());
    w.events();
    let flags = |w: &mut World| -> Vec<(String, u32)> { w.dump().iter().map(|r| (r.key(), r.rtm_flags)).collect() };
    let up = flags(&mut w);
    assert!(up.iter().all(|(_, f)| *f == 0), "{up:?}");
    w.set_up(w.vb, false);
    assert!(w.events().is_empty(), "carrier changes announce no route");
    let ld = RTNH_F_LINKDOWN as u32;
    assert_eq!(
        flags(&mut w),
        vec![
            ("254 10.0.0.0/24".to_string(), ld),
            ("254 10.6.1.0/24".to_string(), 0),
            ("254 10.20.0.0/24".to_string(), ld),
            ("254 10.21.0.0/24".to_string(), 0),
            ("255 10.0.0.1/32".to_string(), 0),
            ("255 10.0.0.255/32".to_string(), ld),
        ]
    );
    let mp = w.dump().into_iter().find(|r| r.dst() == "10.21.0.0").expect("mp");
    assert_eq!(mp.attr(RTA_MULTIPATH).map(|m| (m[2], m[18])), Some((RTNH_F_LINKDOWN, 0)));
    // A route added now is LINKDOWN from the start; lookups still use it.
    let r = w.tx(&req(RTM_NEWROUTE, C | NLM_F_ECHO, 30, &uni(24), &[dst("10.22.0.0"), gw("10.0.0.2")].concat()));
    assert_eq!(Route::of(&r[0]).rtm_flags, ld);
    let r = Route::of(&w.tx(&get(31, 0, "10.20.0.1", &[]))[0]);
    assert_eq!(r.attr(RTA_GATEWAY), Some(&ip("10.0.0.2")[..]));
    w.events();
    w.set_up(w.vb, true);
    assert!(w.events().is_empty());
    assert!(flags(&mut w).iter().all(|(_, f)| *f == 0));
}

#[test]
fn unregistering_the_device_removes_every_route_through_it() {
    let mut w = World::new();
    let (va, d0) = (w.va, w.d0);
    w.add(&uni(24), &[dst("10.20.0.0"), gw("10.0.0.2")].concat());
    w.add(
        &uni(24),
        &[dst("10.21.0.0"), nla(RTA_MULTIPATH, &[rtnh(Some("10.0.0.2"), 0, va), rtnh(None, 0, d0)].concat())].concat(),
    );
    w.add(&rtm(24, 254, 4, 0, RTN_BLACKHOLE, 0, 0), &dst("10.5.1.0"));
    w.events();
    let s = w.next();
    w.ok(&nlmsg(RTM_DELLINK, ACK, s, &ifinfomsg(0, va, 0, 0)));
    assert_eq!(w.keys(), strs(&["254 10.5.1.0/24 6"]));
}

#[test]
fn each_namespace_has_its_own_tables() {
    let w = World::new();
    let other = w._k.net_create().expect("netns");
    let s = route_socket(&other, 0);
    s.send(&req(RTM_GETROUTE, DUMP, 1, &rtm(0, 0, 0, 0, 0, 0, 0), &[]), 0).expect("send");
    let ms = drain_msgs(&s);
    assert_eq!(ms.iter().filter(|m| m.ty == RTM_NEWROUTE).count(), 0);
    s.send(&req(RTM_DELROUTE, ACK, 2, &del(24, 254), &dst("10.0.0.0")), 0).expect("send");
    assert_eq!(err_msg(&drain_msgs(&s)[0]), (-3, Some("FIB table does not exist".into())));
    // A short rtmsg: EINVAL without a message (probes/p_route4_hdr.py).
    for ty in [RTM_NEWROUTE, RTM_DELROUTE] {
        s.send(&nlmsg(ty, C, 3, &[AF_INET, 24, 0, 0]), 0).expect("send");
        let m = drain_msgs(&s);
        assert_eq!((err_msg(&m[0]), m[0].raw.len()), ((-22, None), 40));
    }
    let _ = Errno::ESRCH;
}

// ===========================================================================
// The default table and the lookup flags (probes/p_route4_default.py)
// ===========================================================================

#[test]
fn default_table_answers_when_main_has_nothing_or_throws_but_not_after_unreachable() {
    let mut w = World::new();
    let pid = portid(&w.ctl);
    w.add(&rtm(0, 253, 4, 0, 1, 0, 0), &gw("10.0.0.3"));
    let r = w.tx(&get(5, 0, "8.8.8.8", &[]));
    assert_eq!(
        r[0].raw,
        kernel_bytes("700000001800000005000000e05f000002200000fe0000010002000008000f00fe00000008000100080808080800040003000000080007000a000001080005000a000003080019000000000024000c000200000000000000000000000000000000000000000000000000000000000000", pid)
    );
    w.add(&rtm(16, 254, 4, 0, RTN_UNREACHABLE, 0, 0), &dst("10.50.0.0"));
    w.add(&rtm(16, 254, 4, 0, RTN_THROW, 0, 0), &dst("10.51.0.0"));
    let s = w.next();
    assert_eq!(w.fail(&get(s, 0, "10.50.1.1", &[])).0, -113);
    let r = Route::of(&w.tx(&get(6, 0, "10.51.1.1", &[]))[0]);
    assert_eq!(r.attr(RTA_GATEWAY), Some(&ip("10.0.0.3")[..]));
    // RTM_F_LOOKUP_TABLE names the table that answered; main and local are one.
    let table = |w: &mut World, d: &str, f: u32| Route::of(&w.tx(&get(7, f, d, &[]))[0]).key();
    assert_eq!(table(&mut w, "8.8.8.8", RTM_F_LOOKUP_TABLE), "253 8.8.8.8/32");
    assert_eq!(table(&mut w, "10.0.0.5", RTM_F_LOOKUP_TABLE), "254 10.0.0.5/32");
    assert_eq!(table(&mut w, "10.0.0.1", RTM_F_LOOKUP_TABLE), "254 10.0.0.1/32");
    assert_eq!(table(&mut w, "10.0.0.5", RTM_F_LOOKUP_TABLE | RTM_F_FIB_MATCH), "254 10.0.0.0/24");
}

#[test]
fn getroute_notify_uid_mark_and_tos() {
    let mut w = World::new();
    let r = Route::of(&w.tx(&get(8, RTM_F_NOTIFY, "10.0.0.5", &[]))[0]);
    assert_eq!(r.rtm_flags, 0x0001_0300);
    let r = Route::of(&w.tx(&get(9, 0, "10.0.0.5", &nla_u32(RTA_UID, 1234)))[0]);
    assert_eq!(r.attr(RTA_UID), Some(&1234u32.to_ne_bytes()[..]));
    let r = Route::of(&w.tx(&get(10, 0, "10.0.0.5", &nla_u32(RTA_MARK, 7)))[0]);
    assert_eq!(r.types(), vec![RTA_TABLE, RTA_DST, RTA_OIF, RTA_PREFSRC, RTA_MARK, RTA_UID, RTA_CACHEINFO]);
    // The answer's tos is the matched route's, not the request's.
    let r = Route::of(&w.tx(&req(RTM_GETROUTE, NLM_F_REQUEST, 11, &rtm(32, 0, 0, 0, 0, 0x10, 0), &dst("10.0.0.5")))[0]);
    assert_eq!((r.tos, r.raw.len()), (0, 104));
}

#[test]
fn replace_with_an_identical_route_that_is_not_first_is_eexist() {
    let mut w = World::new();
    let va = w.va;
    w.add(&uni(24), &[dst("10.9.0.0"), oif(va)].concat());
    let s = w.next();
    w.ok(&req(RTM_NEWROUTE, C | NLM_F_APPEND, s, &uni(24), &[dst("10.9.0.0"), gw("10.0.0.2")].concat()));
    let s = w.next();
    assert_eq!(
        w.fail(&req(RTM_NEWROUTE, C | NLM_F_REPLACE, s, &uni(24), &[dst("10.9.0.0"), gw("10.0.0.2")].concat())).0,
        -17
    );
    // Deletes that name another tos or priority find nothing; the oif finds the first.
    let s = w.next();
    assert_eq!(w.fail(&req(RTM_DELROUTE, ACK, s, &rtm(24, 254, 0, 255, 0, 0x10, 0), &dst("10.9.0.0"))).0, -3);
    let s = w.next();
    assert_eq!(
        w.fail(&req(RTM_DELROUTE, ACK, s, &del(24, 254), &[dst("10.9.0.0"), nla_u32(RTA_PRIORITY, 5)].concat())).0,
        -3
    );
    w.events();
    let s = w.next();
    w.ok(&req(RTM_DELROUTE, ACK, s, &del(24, 254), &[dst("10.9.0.0"), oif(va)].concat()));
    assert_eq!(w.events()[0].types(), vec![RTA_TABLE, RTA_DST, RTA_OIF]);
}

#[test]
fn secondary_addresses_and_explicit_broadcasts() {
    let mut w = World::new();
    let summary = |ev: Vec<Route>| -> Vec<String> {
        ev.iter()
            .map(|r| {
                let src =
                    r.attr(RTA_PREFSRC).map_or(String::new(), |v| Ipv4Addr::new(v[0], v[1], v[2], v[3]).to_string());
                format!("{} {} {} {}", if r.ty == RTM_NEWROUTE { "new" } else { "del" }, r.key(), r.rtype, src)
            })
            .collect()
    };
    // A secondary adds only its local route, with the primary as source.
    w.add_ifaddr_brd("va", "10.0.0.2", 24, "0.0.0.0", 1);
    assert_eq!(summary(w.events()), strs(&["new 255 10.0.0.2/32 2 10.0.0.1"]));
    w.del_ifaddr("va", "10.0.0.2");
    assert_eq!(summary(w.events()), strs(&["del 255 10.0.0.2/32 2 10.0.0.1"]));
    // An explicit broadcast comes before the prefix route; the subnet
    // broadcast is then the same route (EEXIST, silently).
    w.add_ifaddr_brd("va", "10.2.0.1", 24, "10.2.0.255", 0);
    assert_eq!(
        summary(w.events()),
        strs(&["new 255 10.2.0.1/32 2 10.2.0.1", "new 255 10.2.0.255/32 3 10.2.0.1", "new 254 10.2.0.0/24 1 10.2.0.1"])
    );
    // A secondary with a broadcast of its own adds and removes it.
    w.add_ifaddr_brd("va", "10.2.0.2", 24, "10.2.0.127", 1);
    assert_eq!(summary(w.events()), strs(&["new 255 10.2.0.2/32 2 10.2.0.1", "new 255 10.2.0.127/32 3 10.2.0.1"]));
    w.del_ifaddr("va", "10.2.0.2");
    assert_eq!(summary(w.events()), strs(&["del 255 10.2.0.127/32 3 10.2.0.1", "del 255 10.2.0.2/32 2 10.2.0.1"]));
    // A primary whose local address another primary also has keeps its local route.
    w.add_ifaddr("va", "10.0.0.1", 16);
    w.events();
    w.del_ifaddr("va", "10.0.0.1");
    let got = summary(w.events());
    assert!(!got.iter().any(|l| l.contains("10.0.0.1/32")), "{got:?}");
}

#[test]
fn nexthop_ids_and_lwt_encapsulation_types() {
    let mut w = World::new();
    let va = w.va;
    let a = [dst("10.9.0.0"), oif(va)].concat();
    let nhid = nla_u32(RTA_NH_ID, 5);
    let s = w.next();
    assert_eq!(
        w.fail(&req(RTM_NEWROUTE, C, s, &uni(24), &[dst("10.9.0.0"), nhid.clone()].concat())),
        (-22, Some("Nexthop id does not exist".into()))
    );
    let s = w.next();
    assert_eq!(
        w.fail(&req(RTM_NEWROUTE, C, s, &uni(24), &[a.clone(), nhid.clone()].concat())),
        (-22, Some("Nexthop specification and nexthop id are mutually exclusive".into()))
    );
    let s = w.next();
    assert_eq!(
        w.fail(&req(RTM_DELROUTE, ACK, s, &uni(24), &[dst("10.9.0.0"), nhid].concat())),
        (-22, Some("Nexthop id does not exist".into()))
    );
    // probes/observed/p_route4_nhid.txt
    let mut got = Vec::new();
    for t in [0u16, 1, 2, 3, 5, 10, 11] {
        let s = w.next();
        let r = w.tx(&req(RTM_NEWROUTE, C, s, &uni(24), &[a.clone(), nla_u16(RTA_ENCAP_TYPE, t)].concat()));
        got.push(err_msg(&r[0]));
    }
    let unknown = Some("Unknown lwt encapsulation type".to_string());
    let unsupported = Some("lwt encapsulation type not supported".to_string());
    assert_eq!(
        got,
        vec![
            (-22, unknown.clone()),
            (-95, unsupported.clone()),
            (0, None),
            (-95, unsupported.clone()),
            (-17, None),
            (-95, unsupported),
            (-22, unknown)
        ]
    );
}

#[test]
fn fib_match_finds_the_longest_prefix_among_many() {
    let mut w = World::new();
    let va = w.va;
    // A deterministic spread of prefixes under 172.16.0.0/12, /12 to /32.
    let mut x: u32 = 0x1234_5678;
    let mut rnd = move || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x
    };
    let mut prefixes: Vec<(u32, u8)> = Vec::new();
    for _ in 0..200 {
        let plen = 12 + (rnd() % 21) as u8;
        let mask = u32::MAX << (32 - plen as u32);
        let key = (0xac10_0000 | (rnd() & 0x000f_ffff)) & mask;
        if prefixes.contains(&(key, plen)) {
            continue;
        }
        prefixes.push((key, plen));
        let s = w.next();
        w.ok(&req(RTM_NEWROUTE, C, s, &uni(plen), &[nla(RTA_DST, &key.to_be_bytes()), oif(va)].concat()));
        if prefixes.len().is_multiple_of(50) {
            w.events();
        }
    }
    for i in 0..300u32 {
        // Half the probes inside a known prefix, half anywhere in the /12.
        let d = if i % 2 == 0 {
            let (k, p) = prefixes[(rnd() as usize) % prefixes.len()];
            k | (rnd() & u32::MAX.checked_shr(p as u32).unwrap_or(0))
        } else {
            0xac10_0000 | (rnd() & 0x000f_ffff)
        };
        let best =
            prefixes.iter().filter(|(k, p)| d & (u32::MAX << (32 - *p as u32)) == *k).max_by_key(|(_, p)| *p).copied();
        let s = w.next();
        let r = w.tx(&get(s, RTM_F_FIB_MATCH, &Ipv4Addr::from(d).to_string(), &[]));
        match best {
            Some((k, p)) => {
                let r = Route::of(&r[0]);
                assert_eq!((r.dst(), r.dst_len), (Ipv4Addr::from(k).to_string(), p), "lookup of {}", Ipv4Addr::from(d));
            }
            None => assert_eq!(err_msg(&r[0]).0, -101, "lookup of {}", Ipv4Addr::from(d)),
        }
    }
}

#[test]
fn an_address_on_loopback_makes_local_routes_that_survive_lo_going_down() {
    // shared/kernel-probes/observed/t8_routes.txt (only 10.1.1.x is looked
    // at: lo's own 127.0.0.1 belongs to devinet).
    let mut w = World::new();
    let mine = |rs: Vec<Route>| -> Vec<String> {
        rs.iter()
            .filter(|r| r.dst().starts_with("10.1.1."))
            .map(|r| format!("{} {} {}", r.key(), r.rtype, r.scope))
            .collect()
    };
    w.add_ifaddr("lo", "10.1.1.1", 24);
    assert_eq!(mine(w.events()), strs(&["255 10.1.1.1/32 2 254"]));
    w.set_up(1, true);
    assert_eq!(mine(w.events()), strs(&["255 10.1.1.0/24 2 254", "255 10.1.1.255/32 3 253"]));
    let d = w.dump();
    assert_eq!(mine(d), strs(&["255 10.1.1.0/24 2 254", "255 10.1.1.1/32 2 254", "255 10.1.1.255/32 3 253"]));
    w.set_up(1, false);
    assert!(mine(w.events()).is_empty(), "no RTM_DELROUTE on link down");
    let d = w.dump();
    assert_eq!(mine(d), strs(&["255 10.1.1.0/24 2 254", "255 10.1.1.1/32 2 254"]));
}

#[test]
fn getroute_for_multicast_and_the_limited_broadcast() {
    // probes/observed/p_route4_mcast.txt
    let mut w = World::new();
    let pid = portid(&w.ctl);
    let va = w.va;
    let mc_local = "680000001800000005000000eb73000002200000fe000005000200a008000f00fe00000008000100e00000010800040003000000080007000a000001080019000000000024000c000100000000000000000000000000000000000000000000000000000000000000";
    let mc = "680000001800000005000000eb73000002200000fe0000050002002008000f00fe00000008000100ef0101010800040003000000080007000a000001080019000000000024000c000100000000000000000000000000000000000000000000000000000000000000";
    let lbcast = "680000001800000005000000eb73000002200000fe0000030002009008000f00fe00000008000100ffffffff0800040003000000080007000a000001080019000000000024000c000100000000000000000000000000000000000000000000000000000000000000";
    for d in ["224.0.0.1", "239.1.1.1", "255.255.255.255"] {
        assert_eq!(w.fail(&get(5, 0, d, &[])).0, -101, "{d} without a route");
    }
    for (d, raw) in [("224.0.0.1", mc_local), ("239.1.1.1", mc), ("255.255.255.255", lbcast)] {
        assert_eq!(w.tx(&get(5, 0, d, &oif(va)))[0].raw, kernel_bytes(raw, pid), "{d} oif va");
    }
    w.add(&uni(0), &gw("10.0.0.2"));
    for (d, raw) in [("224.0.0.1", mc_local), ("239.1.1.1", mc), ("255.255.255.255", lbcast)] {
        assert_eq!(w.tx(&get(5, 0, d, &[]))[0].raw, kernel_bytes(raw, pid), "{d} by the default route");
    }
}
