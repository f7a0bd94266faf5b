//! The listener invariant (issue 4): a listener that applies every
//! notification it receives to an empty model ends with exactly what a full
//! dump returns.
//!
//! The listener subscribes to every group that describes state — links,
//! neighbours, IPv4 and IPv6 addresses and routes — in a fresh namespace
//! before anything happens in it, except what a namespace is born with: its
//! lo, down and without addresses, which the model learns from a dump (the
//! "dump, then listen" every daemon does; nothing else in the namespace can
//! change between the two because nothing else runs). A workload then makes
//! devices, addresses, routes and neighbours, changes and deletes them,
//! moves the virtual clock so that DAD and timers run, and finally the model
//! must equal a dump of each kind.
//!
//! A listener cannot see everything from notifications alone: Linux removes
//! some objects without announcing it, and a correct listener knows the
//! rules. They are written out in [`Model::apply`], each with where Linux
//! does it, and they are the only knowledge the model has beyond the
//! messages:
//! - IPv4 routes through a device that goes down lose every route whose
//!   scope is not host, without RTM_DELROUTE (`fib_disable_ip` →
//!   `fib_flush`; kernel-reference §6), and all of them when it goes away.
//! - A route through a device without carrier (IFF_LOWER_UP clear) carries
//!   RTNH_F_LINKDOWN in `rtm_flags`, and gains or loses it with the carrier
//!   without a notification (`fib_sync_down_dev`/`fib_sync_up`,
//!   `rt6_sync_down_dev`/`rt6_sync_up`; probes p_route4_more, p_route6),
//!   local routes excepted.

use std::collections::BTreeMap;

use rtnlsim::kernel::{NetRef, NetlinkSocket};
use rtnlsim::wire::uapi::if_::*;
use rtnlsim::wire::uapi::netlink::*;
use rtnlsim::wire::uapi::rtnetlink::*;
use rtnlsim::wire::uapi::socket::*;
use rtnlsim::Kernel;

#[path = "support/sockets.rs"]
mod sockets;
#[path = "support/wire.rs"]
mod wire;

use sockets::route_socket;
use wire::*;

const IFLA_IFNAME: u16 = 3;
const IFLA_MTU: u16 = 4;
const IFLA_OPERSTATE: u16 = 16;
const IFLA_MASTER: u16 = 10;
const IFLA_ADDRESS: u16 = 1;
const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
const IFA_CACHEINFO: u16 = 6;
const RTA_DST: u16 = 1;
const RTA_OIF: u16 = 4;
const RTA_PRIORITY: u16 = 6;
const RTA_TABLE: u16 = 15;
const RTA_CACHEINFO: u16 = 12;
const NDA_DST: u16 = 1;
const NDA_CACHEINFO: u16 = 3;

/// The attributes of a block, as (type, payload).
fn attrs(mut b: &[u8]) -> Vec<(u16, Vec<u8>)> {
    let mut out = Vec::new();
    while b.len() >= 4 {
        let len = u16_at(b, 0) as usize;
        if len < 4 || len > b.len() {
            break;
        }
        out.push((u16_at(b, 2) & 0x3fff, b[4..len].to_vec()));
        b = &b[align4(len).min(b.len())..];
    }
    out
}

fn attr(list: &[(u16, Vec<u8>)], ty: u16) -> Vec<u8> {
    list.iter().find(|(t, _)| *t == ty).map(|(_, v)| v.clone()).unwrap_or_default()
}

/// A message with the attributes that read a clock (how long ago, how
/// long left) cut out: they are not state a notification could carry.
fn without(header: usize, payload: &[u8], volatile: &[u16]) -> Vec<u8> {
    let mut out = payload[..header].to_vec();
    for (t, v) in attrs(&payload[header..]) {
        if !volatile.contains(&t) {
            out.extend(nla(t, &v));
        }
    }
    out
}

/// What a listener knows.
#[derive(Debug, Default, PartialEq)]
struct Model {
    /// ifindex → what a link is: name, flags, mtu, operstate, master, MAC.
    links: BTreeMap<i32, String>,
    /// (family, ifindex, prefixlen, address) → the message.
    addrs: BTreeMap<(u8, i32, u8, Vec<u8>), Vec<u8>>,
    /// (family, table, dst_len, dst, tos, priority, oif) → (oif, scope, the message).
    routes: BTreeMap<RouteKey, (i32, u8, Vec<u8>)>,
    /// (family, ifindex, dst) → the message.
    neighs: BTreeMap<(u8, i32, Vec<u8>), Vec<u8>>,
}

fn link_summary(p: &[u8]) -> (i32, String) {
    let index = i32_at(p, 4);
    let a = attrs(&p[16..]);
    let s = format!(
        "name={:?} flags=0x{:x} mtu={:?} oper={:?} master={:?} mac={:?}",
        String::from_utf8_lossy(&attr(&a, IFLA_IFNAME)),
        u32_at(p, 8),
        attr(&a, IFLA_MTU),
        attr(&a, IFLA_OPERSTATE),
        attr(&a, IFLA_MASTER),
        attr(&a, IFLA_ADDRESS)
    );
    (index, s)
}

fn addr_key(p: &[u8]) -> (u8, i32, u8, Vec<u8>) {
    let a = attrs(&p[8..]);
    let local = attr(&a, IFA_LOCAL);
    let key = if local.is_empty() { attr(&a, IFA_ADDRESS) } else { local };
    (p[0], i32_at(p, 4), p[1], key)
}

/// What tells routes apart: the same prefix may be routed through two
/// devices (fe80::/64 on every IPv6 device).
type RouteKey = (u8, u32, u8, Vec<u8>, u8, Vec<u8>, i32);

fn route_key(p: &[u8]) -> RouteKey {
    let a = attrs(&p[12..]);
    let table = attr(&a, RTA_TABLE);
    let table = if table.len() == 4 { u32_at(&table, 0) } else { p[4] as u32 };
    (p[0], table, p[1], attr(&a, RTA_DST), p[3], attr(&a, RTA_PRIORITY), route_oif(p))
}

fn route_oif(p: &[u8]) -> i32 {
    let oif = attr(&attrs(&p[12..]), RTA_OIF);
    if oif.len() == 4 {
        i32_at(&oif, 0)
    } else {
        0
    }
}

fn neigh_key(p: &[u8]) -> (u8, i32, Vec<u8>) {
    (p[0], i32_at(p, 4), attr(&attrs(&p[12..]), NDA_DST))
}

impl Model {
    /// One message, from a notification or a dump.
    fn apply(&mut self, m: &Msg) {
        let p = m.payload();
        match m.ty {
            RTM_NEWLINK | RTM_DELLINK if p[0] != AF_UNSPEC => {} // a family's own link message
            RTM_NEWLINK => {
                let (index, s) = link_summary(p);
                self.links.insert(index, s);
                let linkdown = u32_at(p, 8) & IFF_LOWER_UP == 0;
                for (oif, _, msg) in self.routes.values_mut() {
                    if *oif == index && msg[7] != RTN_LOCAL {
                        msg[8] = if linkdown { msg[8] | RTNH_F_LINKDOWN } else { msg[8] & !RTNH_F_LINKDOWN };
                    }
                }
                if u32_at(p, 8) & IFF_UP == 0 {
                    // fib_disable_ip(dev, NETDEV_DOWN): fib_sync_down_dev +
                    // fib_flush, with no RTM_DELROUTE.
                    self.routes
                        .retain(|k, (oif, scope, _)| !(k.0 == AF_INET && *oif == index && *scope != RT_SCOPE_HOST));
                }
            }
            RTM_DELLINK => {
                let index = i32_at(p, 4);
                self.links.remove(&index);
                // fib_disable_ip(dev, NETDEV_UNREGISTER): every IPv4 route through it.
                self.routes.retain(|k, (oif, _, _)| !(k.0 == AF_INET && *oif == index));
            }
            RTM_NEWADDR => {
                self.addrs.insert(addr_key(p), without(8, p, &[IFA_CACHEINFO]));
            }
            RTM_DELADDR => {
                self.addrs.remove(&addr_key(p));
            }
            RTM_NEWROUTE => {
                self.routes.insert(route_key(p), (route_oif(p), p[6], without(12, p, &[RTA_CACHEINFO])));
            }
            RTM_DELROUTE => {
                self.routes.remove(&route_key(p));
            }
            RTM_NEWNEIGH => {
                self.neighs.insert(neigh_key(p), without(12, p, &[NDA_CACHEINFO]));
            }
            RTM_DELNEIGH => {
                self.neighs.remove(&neigh_key(p));
            }
            _ => {}
        }
    }
}

/// Everything a full dump of each kind returns, applied to an empty model.
fn dumped(net: &NetRef) -> Model {
    let s = route_socket(net, 0);
    let mut model = Model::default();
    for (ty, body) in [
        (RTM_GETLINK, ifinfomsg(0, 0, 0, 0)),
        (RTM_GETADDR, vec![AF_UNSPEC, 0, 0, 0, 0, 0, 0, 0]),
        (RTM_GETROUTE, vec![AF_UNSPEC, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        (RTM_GETNEIGH, vec![AF_UNSPEC, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    ] {
        s.send(&nlmsg(ty, DUMP, 1, &body), 0).expect("send");
        let msgs = drain_msgs(&s);
        let done = msgs.last().expect("a dump ends");
        assert_eq!((done.ty, done.errno()), (NLMSG_DONE, 0), "dump of type {ty}");
        assert!(msgs.iter().all(|m| m.flags & NLM_F_DUMP_INTR == 0), "a quiet namespace dumps consistently");
        msgs.iter().for_each(|m| model.apply(m));
    }
    model
}

/// Sends a request and requires its ack.
fn ok(s: &NetlinkSocket, req: Vec<u8>) {
    let seq = u32_at(&req, 8);
    s.send(&req, 0).expect("send");
    let got = drain_msgs(s);
    assert!(got.iter().any(|m| m.is_ack(seq)), "request {seq} not acked: {got:?}");
}

fn ifaddr(family: u8, plen: u8, flags: u8, index: i32, attrs: &[u8]) -> Vec<u8> {
    let mut b = vec![family, plen, flags, 0];
    b.extend_from_slice(&index.to_ne_bytes());
    b.extend_from_slice(attrs);
    b
}

fn rtmsg(family: u8, dst_len: u8, table: u8, proto: u8, scope: u8, ty: u8, attrs: &[u8]) -> Vec<u8> {
    let mut b = vec![family, dst_len, 0, 0, table, proto, scope, ty, 0, 0, 0, 0];
    b.extend_from_slice(attrs);
    b
}

fn ndmsg(family: u8, index: i32, state: u16, attrs: &[u8]) -> Vec<u8> {
    let mut b = vec![family, 0, 0, 0];
    b.extend_from_slice(&index.to_ne_bytes());
    b.extend_from_slice(&state.to_ne_bytes());
    b.extend_from_slice(&[0, 0]);
    b.extend_from_slice(attrs);
    b
}

fn ip6(s: &str) -> Vec<u8> {
    s.parse::<std::net::Ipv6Addr>().expect("an IPv6 address").octets().to_vec()
}

fn ip4(s: &str) -> Vec<u8> {
    s.parse::<std::net::Ipv4Addr>().expect("an IPv4 address").octets().to_vec()
}

#[test]
fn a_listener_that_applies_every_notification_ends_with_what_a_dump_returns() {
    let k = Kernel::new(rtnlsim::Config::default());
    let net = k.net_create().expect("a namespace");
    // Every state group: LINK, NEIGH, IPV4_IFADDR, IPV4_ROUTE, IPV6_IFADDR, IPV6_ROUTE.
    let listener = route_socket(&net, 0x555);
    listener.setsockopt_int(SOL_SOCKET, SO_RCVBUF, 4 << 20).expect("a big queue: nothing may be lost");
    let mut model = dumped(&net);
    assert_eq!(model.links.len(), 1, "a new namespace has its lo only");
    let a = route_socket(&net, 0);
    let mac = |b: u8| nla(IFLA_ADDRESS, &[2, 0, 0, 0, 0, b]);
    let seq = std::cell::Cell::new(10);
    let next = || {
        seq.set(seq.get() + 1);
        seq.get()
    };

    // lo up: 127.0.0.1, ::1 and their routes.
    ok(&a, link_req(RTM_NEWLINK, ACK, next(), 1, &[]).tap_up(1));
    // A veth pair with given MACs, addressed and up; DAD runs on the clock.
    ok(&a, veth_req("v0", "v1", ADD, next(), &mac(1), &mac(2)));
    ok(&a, nlmsg(RTM_NEWADDR, ADD, next(), &ifaddr(2, 24, 0, 3, &nla(IFA_LOCAL, &ip4("10.3.3.1")))));
    ok(&a, nlmsg(RTM_NEWADDR, ADD, next(), &ifaddr(2, 24, 0, 3, &nla(IFA_LOCAL, &ip4("10.3.3.2")))));
    ok(&a, nlmsg(RTM_NEWADDR, ADD, next(), &ifaddr(10, 64, 0, 3, &nla(IFA_LOCAL, &ip6("2001:db8:1::1")))));
    ok(&a, nlmsg(RTM_NEWADDR, ADD, next(), &ifaddr(2, 30, 0, 2, &nla(IFA_LOCAL, &ip4("10.9.9.1")))));
    ok(&a, link_req(RTM_NEWLINK, ACK, next(), 3, &[]).tap_up(3));
    ok(&a, link_req(RTM_NEWLINK, ACK, next(), 2, &[]).tap_up(2));
    k.advance_ms(3000);
    // Routes of each kind and table, and neighbours.
    let gw = [nla(RTA_DST, &ip4("172.20.0.0")), nla(5, &ip4("10.3.3.254"))].concat();
    ok(&a, nlmsg(RTM_NEWROUTE, ADD, next(), &rtmsg(2, 16, 254, 4, 0, 1, &gw)));
    let t100 = [nla_u32(RTA_TABLE, 100), nla(5, &ip4("10.3.3.254"))].concat();
    ok(&a, nlmsg(RTM_NEWROUTE, ADD, next(), &rtmsg(2, 0, 0, 4, 0, 1, &t100)));
    ok(&a, nlmsg(RTM_NEWROUTE, ADD, next(), &rtmsg(2, 24, 254, 4, 0, 6, &nla(RTA_DST, &ip4("198.51.100.0")))));
    let dev6 = [nla(RTA_DST, &ip6("2001:db8:200::")), nla_u32(RTA_OIF, 3)].concat();
    ok(&a, nlmsg(RTM_NEWROUTE, ADD, next(), &rtmsg(10, 64, 254, 4, 0, 1, &dev6)));
    let n4 = [nla(NDA_DST, &ip4("10.3.3.7")), nla(2, &[2, 0, 0, 0, 0, 7])].concat();
    ok(&a, nlmsg(RTM_NEWNEIGH, ADD, next(), &ndmsg(2, 3, 0x80, &n4)));
    let n6 = [nla(NDA_DST, &ip6("2001:db8:1::7")), nla(2, &[2, 0, 0, 0, 0, 7])].concat();
    ok(&a, nlmsg(RTM_NEWNEIGH, ADD, next(), &ndmsg(10, 3, 0x02, &n6)));
    // Changes: REPLACE an address and a route, delete some, a link down and up.
    let rep = [nla(IFA_LOCAL, &ip4("10.3.3.1")), nla_u32(9, 30)].concat();
    ok(&a, nlmsg(RTM_NEWADDR, ACK | NLM_F_REPLACE | NLM_F_CREATE, next(), &ifaddr(2, 24, 0, 3, &rep)));
    let gw2 = [nla(RTA_DST, &ip4("172.20.0.0")), nla(5, &ip4("10.3.3.253"))].concat();
    ok(&a, nlmsg(RTM_NEWROUTE, ACK | NLM_F_REPLACE | NLM_F_CREATE, next(), &rtmsg(2, 16, 254, 4, 0, 1, &gw2)));
    ok(&a, nlmsg(RTM_DELROUTE, ACK, next(), &rtmsg(2, 24, 254, 0, 255, 0, &nla(RTA_DST, &ip4("198.51.100.0")))));
    ok(&a, nlmsg(RTM_DELADDR, ACK, next(), &ifaddr(2, 30, 0, 2, &nla(IFA_LOCAL, &ip4("10.9.9.1")))));
    ok(&a, link_req(RTM_NEWLINK, ACK, next(), 3, &[]).tap_down(3));
    k.advance_ms(1000);
    ok(&a, link_req(RTM_NEWLINK, ACK, next(), 3, &[]).tap_up(3));
    k.advance_ms(3000);
    // The gateway routes went with the link (silently); set them again.
    ok(&a, nlmsg(RTM_NEWROUTE, ADD, next(), &rtmsg(2, 0, 0, 4, 0, 1, &t100)));
    ok(&a, nlmsg(RTM_NEWROUTE, ADD, next(), &rtmsg(2, 16, 254, 4, 0, 1, &gw)));
    ok(&a, nlmsg(RTM_NEWNEIGH, ADD, next(), &ndmsg(2, 3, 0x80, &n4)));
    // A second pair, left down: its prefix, broadcast and gateway routes go
    // without a word, its local route and addresses stay.
    ok(&a, veth_req("w0", "w1", ADD, next(), &mac(3), &mac(4)));
    ok(&a, nlmsg(RTM_NEWADDR, ADD, next(), &ifaddr(2, 24, 0, 5, &nla(IFA_LOCAL, &ip4("10.5.5.1")))));
    ok(&a, link_req(RTM_NEWLINK, ACK, next(), 5, &[]).tap_up(5));
    ok(&a, link_req(RTM_NEWLINK, ACK, next(), 4, &[]).tap_up(4));
    k.advance_ms(3000);
    let gw5 = [nla(RTA_DST, &ip4("172.30.0.0")), nla(5, &ip4("10.5.5.254"))].concat();
    ok(&a, nlmsg(RTM_NEWROUTE, ADD, next(), &rtmsg(2, 16, 254, 4, 0, 1, &gw5)));
    ok(&a, link_req(RTM_NEWLINK, ACK, next(), 5, &[]).tap_down(5));
    // A third pair, deleted whole with what it carries.
    ok(&a, veth_req("x0", "x1", ADD, next(), &mac(5), &mac(6)));
    ok(&a, nlmsg(RTM_NEWADDR, ADD, next(), &ifaddr(2, 24, 0, 7, &nla(IFA_LOCAL, &ip4("10.7.7.1")))));
    ok(&a, link_req(RTM_NEWLINK, ACK, next(), 7, &[]).tap_up(7));
    ok(&a, link_req(RTM_NEWLINK, ACK, next(), 6, &[]).tap_up(6));
    k.advance_ms(3000);
    let gw7 = [nla(RTA_DST, &ip4("172.31.0.0")), nla(5, &ip4("10.7.7.254"))].concat();
    ok(&a, nlmsg(RTM_NEWROUTE, ADD, next(), &rtmsg(2, 16, 254, 4, 0, 1, &gw7)));
    ok(&a, link_req(RTM_DELLINK, ACK, next(), 7, &[]));
    k.advance_ms(3000);

    let mut heard = 0;
    for (d, meta) in drain(&listener) {
        assert_eq!(meta.msg_flags & MSG_TRUNC, 0);
        for m in parse(&d) {
            model.apply(&m);
            heard += 1;
        }
    }
    assert!(heard > 40, "the workload is announced ({heard} notifications)");
    let want = dumped(&net);
    assert!(want.addrs.keys().any(|k| k.0 == AF_INET6), "the workload reached IPv6 addresses");
    assert!(want.routes.keys().any(|k| k.1 == 100), "and table 100");
    assert!(!want.neighs.is_empty(), "and neighbours");
    assert!(want.addrs.keys().any(|k| k.1 == 5), "w0's addresses stay while it is down");
    assert!(!want.routes.values().any(|(oif, scope, _)| *oif == 5 && *scope != RT_SCOPE_HOST), "its other routes went");
    same("links", &model.links, &want.links);
    same("addresses", &model.addrs, &want.addrs);
    same("routes", &model.routes, &want.routes);
    same("neighbours", &model.neighs, &want.neighs);
}

/// Fails with what differs: the entries only one side has, or has otherwise.
fn same<K: Ord + std::fmt::Debug, V: PartialEq + std::fmt::Debug>(
    what: &str,
    heard: &BTreeMap<K, V>,
    dumped: &BTreeMap<K, V>,
) {
    let only_heard: Vec<_> = heard.iter().filter(|(k, v)| dumped.get(k) != Some(v)).collect();
    let only_dumped: Vec<_> = dumped.iter().filter(|(k, v)| heard.get(k) != Some(v)).collect();
    assert!(
        only_heard.is_empty() && only_dumped.is_empty(),
        "{what}: the listener's model has {only_heard:?}\nwhere the dump has {only_dumped:?}"
    );
}

/// `ifi_flags`/`ifi_change` of an ifinfomsg request set to bring a device up or down.
trait Tap {
    fn tap_up(self, index: i32) -> Vec<u8>;
    fn tap_down(self, index: i32) -> Vec<u8>;
}

impl Tap for Vec<u8> {
    fn tap_up(mut self, index: i32) -> Vec<u8> {
        self[16..32].copy_from_slice(&ifinfomsg(0, index, IFF_UP, IFF_UP));
        self
    }
    fn tap_down(mut self, index: i32) -> Vec<u8> {
        self[16..32].copy_from_slice(&ifinfomsg(0, index, 0, IFF_UP));
        self
    }
}
