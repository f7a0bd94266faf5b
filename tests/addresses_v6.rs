//! IPv6 addresses through sockets (issue 4, net/ipv6/addrconf.c): `::1`
//! when the loopback comes up, the EUI-64 link-local of a veth (tentative
//! until DAD completes on the virtual clock), RTM_NEWADDR / RTM_DELADDR /
//! RTM_GETADDR for PF_INET6 with their errors and ext-acks, NLM_F_REPLACE,
//! dumps (strict filtering by index, chunking), lifetimes, and what a link
//! going down does to its addresses.
//!
//! Every expectation is what Linux 6.18.44 did in probes/p_addr6.py
//! (output in probes/observed/p_addr6.txt); byte strings are copied from
//! its hex dumps, with the cache-info time stamps (host uptime there,
//! virtual-clock uptime here) computed instead. Route notifications are
//! not asserted here: the IPv6 routes belong to net/ipv6/route.rs.

use rtnlsim::kernel::{NetRef, NetlinkSocket};
use rtnlsim::wire::uapi::if_::*;
use rtnlsim::wire::uapi::if_link::*;
use rtnlsim::wire::uapi::netlink::*;
use rtnlsim::wire::uapi::rtnetlink::*;
use rtnlsim::wire::uapi::socket::*;
use rtnlsim::{Errno, Kernel};

#[path = "support/sockets.rs"]
mod sockets;
#[path = "support/wire.rs"]
mod wire;

use sockets::{kernel, portid, route_socket};
use wire::*;

const IFA_ADDRESS: u16 = 1;
const IFA_CACHEINFO: u16 = 6;
const IFA_FLAGS: u16 = 8;
const IFA_RT_PRIORITY: u16 = 9;
const IFA_PROTO: u16 = 11;
const IFA_F_NODAD: u32 = 0x02;
const IFA_F_DEPRECATED: u32 = 0x20;
const IFA_F_TENTATIVE: u32 = 0x40;
const IFA_F_PERMANENT: u32 = 0x80;
const IFA_F_NOPREFIXROUTE: u32 = 0x200;
const HZ: u64 = 250;
const INITIAL_JIFFIES: u64 = (-(300 * HZ as i64)) as u32 as u64;

const V0_MAC: [u8; 6] = [0x02, 0x11, 0x22, 0x33, 0x44, 0x55];
const V1_MAC: [u8; 6] = [0x02, 0x66, 0x77, 0x88, 0x99, 0xaa];

fn grp(g: u32) -> u32 {
    1 << (g - 1)
}

/// `cstamp_delta` of the current virtual time, as IFA_CACHEINFO carries it.
fn cstamp_now(k: &Kernel) -> u32 {
    ((k.jiffies() - INITIAL_JIFFIES) * 100 / HZ) as u32
}

fn in6(s: &str) -> [u8; 16] {
    s.parse::<std::net::Ipv6Addr>().unwrap().octets()
}

/// `struct ifaddrmsg` of family AF_INET6.
fn ifa6(plen: u8, flags: u8, scope: u8, index: i32) -> Vec<u8> {
    let mut v = vec![AF_INET6, plen, flags, scope];
    v.extend_from_slice(&index.to_ne_bytes());
    v
}

fn addr_req(ty: u16, flags: u16, seq: u32, index: i32, addr: &str, plen: u8, attrs: &[u8]) -> Vec<u8> {
    nlmsg(ty, flags, seq, &[ifa6(plen, 0, 0, index), nla(IFA_ADDRESS, &in6(addr)), attrs.to_vec()].concat())
}

fn cacheinfo(prefered: u32, valid: u32) -> Vec<u8> {
    nla(IFA_CACHEINFO, &[prefered.to_ne_bytes(), valid.to_ne_bytes(), [0; 4], [0; 4]].concat())
}

/// An address message taken apart.
#[derive(Debug, Clone, PartialEq)]
struct Addr {
    ty: u16,
    flags: u16,
    seq: u32,
    pid: u32,
    plen: u8,
    ifa_flags: u8,
    scope: u8,
    index: i32,
    attrs: Vec<(u16, Vec<u8>)>,
}

impl Addr {
    fn of(m: &Msg) -> Addr {
        let p = m.payload();
        let mut attrs = Vec::new();
        let mut off = 8;
        while off + 4 <= p.len() {
            let len = u16_at(p, off) as usize;
            attrs.push((u16_at(p, off + 2), p[off + 4..off + len].to_vec()));
            off += align4(len);
        }
        Addr {
            ty: m.ty,
            flags: m.flags,
            seq: m.seq,
            pid: m.pid,
            plen: p[1],
            ifa_flags: p[2],
            scope: p[3],
            index: i32_at(p, 4),
            attrs,
        }
    }
    fn get(&self, ty: u16) -> Option<&[u8]> {
        self.attrs.iter().find(|(t, _)| *t == ty).map(|(_, v)| &v[..])
    }
    fn addr(&self) -> std::net::Ipv6Addr {
        let mut o = [0u8; 16];
        o.copy_from_slice(self.get(IFA_ADDRESS).expect("IFA_ADDRESS"));
        o.into()
    }
    fn flags32(&self) -> u32 {
        u32_at(self.get(IFA_FLAGS).expect("IFA_FLAGS"), 0)
    }
    /// (preferred, valid) left.
    fn lifetimes(&self) -> (u32, u32) {
        let ci = self.get(IFA_CACHEINFO).expect("IFA_CACHEINFO");
        (u32_at(ci, 0), u32_at(ci, 4))
    }
}

fn addr_msgs(msgs: &[Msg]) -> Vec<Addr> {
    msgs.iter().filter(|m| m.ty == RTM_NEWADDR || m.ty == RTM_DELADDR).map(Addr::of).collect()
}

/// The NLMSG_ERROR of a failed request with an ext-ack message.
fn error_with(req: &[u8], pid: u32, errno: Errno, msg: Option<&str>) -> Vec<u8> {
    let tlvs = msg.map_or(Vec::new(), |t| nla_str(NLMSGERR_ATTR_MSG, t));
    let body = [(-errno.0).to_ne_bytes().to_vec(), req.to_vec(), tlvs.clone()].concat();
    let mut v = nlmsg(NLMSG_ERROR, if tlvs.is_empty() { 0 } else { NLM_F_ACK_TLVS }, u32_at(req, 8), &body);
    v[12..16].copy_from_slice(&pid.to_ne_bytes());
    v
}

/// The world of the probe: lo, and veth v0 (index 3, MAC 02:11:22:33:44:55)
/// with peer v1 (index 2, MAC 02:66:77:88:99:aa), both down.
struct Lab {
    k: Kernel,
    net: NetRef,
    req: NetlinkSocket,
    seq: u32,
}

impl Lab {
    fn new() -> Lab {
        let k = kernel();
        let net = k.init_net();
        let req = route_socket(&net, 0);
        let mut lab = Lab { k, net, req, seq: 100 };
        let r = veth_req(
            "v0",
            "v1",
            NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
            1,
            &nla(IFLA_ADDRESS, &V0_MAC),
            &nla(IFLA_ADDRESS, &V1_MAC),
        );
        lab.ok(&r);
        lab
    }
    fn listener(&self, groups: u32) -> NetlinkSocket {
        route_socket(&self.net, groups)
    }
    /// Sends `r` and returns every message answered.
    fn send(&mut self, r: &[u8]) -> Vec<Msg> {
        self.req.send(r, 0).expect("send");
        drain_msgs(&self.req)
    }
    fn ok(&mut self, r: &[u8]) {
        let got = self.send(r);
        assert!(got.len() == 1 && got[0].is_ack(u32_at(r, 8)), "expected an ack, got {got:?}");
    }
    fn next_seq(&mut self) -> u32 {
        self.seq += 1;
        self.seq
    }
    fn set_up(&mut self, index: i32, up: bool) {
        let seq = self.next_seq();
        let r = nlmsg(
            RTM_NEWLINK,
            NLM_F_REQUEST | NLM_F_ACK,
            seq,
            &ifinfomsg(0, index, if up { IFF_UP } else { 0 }, IFF_UP),
        );
        self.ok(&r);
    }
    fn add(&mut self, index: i32, addr: &str, plen: u8, attrs: &[u8]) -> Vec<Msg> {
        let seq = self.next_seq();
        self.send(&addr_req(
            RTM_NEWADDR,
            NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
            seq,
            index,
            addr,
            plen,
            attrs,
        ))
    }
    /// A non-strict RTM_GETADDR dump of AF_INET6.
    fn dump(&mut self) -> Vec<Addr> {
        let seq = self.next_seq();
        let got = self.send(&nlmsg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, seq, &[AF_INET6, 0, 0, 0]));
        assert_eq!(got.last().map(|m| m.ty), Some(NLMSG_DONE));
        addr_msgs(&got)
    }
}

// ===========================================================================
// Automatic addresses
// ===========================================================================

/// probes/observed/p_addr6.txt "lo up (raw)": ::1/128, flags PERMANENT,
/// scope host, proto kernel_lo(1), pid 0, seq 0, then the AF_INET6 ifinfo.
#[test]
fn loopback_up_announces_v6_loopback_then_ifinfo() {
    let mut lab = Lab::new();
    let l = lab.listener(grp(RTNLGRP_IPV6_IFADDR) | grp(RTNLGRP_IPV6_IFINFO));
    lab.set_up(1, true);
    let got = drain_msgs(&l);
    assert_eq!(got.len(), 2, "{got:?}");
    let c = cstamp_now(&lab.k).to_ne_bytes();
    let mut want = hex("50000000 1400 0000 00000000 00000000 0a8080fe 01000000
                        1400 0100 00000000000000000000000000000001
                        1400 0600 ffffffff ffffffff");
    want.extend_from_slice(&c);
    want.extend_from_slice(&c);
    want.extend_from_slice(&hex("0800 0800 80000000 0500 0b00 01000000"));
    assert_eq!(got[0].raw, want);
    assert_eq!(got[1].ty, RTM_NEWLINK);
    assert_eq!(got[1].payload()[0], AF_INET6);
    assert_eq!(i32_at(got[1].payload(), 4), 1);
    assert_eq!(got[1].raw.len(), 740, "the probe's AF_INET6 RTM_NEWLINK for lo");
    // ::1 in the dump, not tentative.
    let d = lab.dump();
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].addr(), d[0].flags32(), d[0].scope), ("::1".parse().unwrap(), IFA_F_PERMANENT, RT_SCOPE_HOST));
}

/// "after 3s (raw)": the veth link-locals come from the MACs by EUI-64,
/// stay tentative (and unannounced) during DAD, then RTM_NEWADDR, flags
/// PERMANENT, scope link, proto kernel_ll(3).
#[test]
fn veth_link_local_is_tentative_until_dad_completes() {
    let mut lab = Lab::new();
    let l = lab.listener(grp(RTNLGRP_IPV6_IFADDR));
    lab.set_up(3, true);
    lab.set_up(2, true);
    assert!(drain_msgs(&l).is_empty(), "nothing is announced before DAD");
    let d = lab.dump();
    let mine: Vec<_> = d.iter().filter(|a| a.index == 3).collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].addr(), "fe80::11:22ff:fe33:4455".parse::<std::net::Ipv6Addr>().unwrap());
    assert_eq!(mine[0].flags32(), IFA_F_PERMANENT | IFA_F_TENTATIVE);
    let cstamp = cstamp_now(&lab.k).to_ne_bytes();
    // The random delay is below rtr_solicit_delay (1 s), then one probe
    // of retrans_time (1 s): nothing before 1 s, everything by 2 s.
    lab.k.advance_ms(999);
    assert!(drain_msgs(&l).is_empty(), "DAD takes at least retrans_time");
    lab.k.advance_ms(1001);
    let got = drain_msgs(&l);
    assert_eq!(got.len(), 2, "{got:?}");
    let v0 = got.iter().find(|m| i32_at(m.payload(), 4) == 3).expect("v0's NEWADDR");
    let mut want = hex("50000000 1400 0000 00000000 00000000 0a4080fd 03000000
                        1400 0100 fe800000000000000011 22fffe334455
                        1400 0600 ffffffff ffffffff");
    want.extend_from_slice(&cstamp);
    want.extend_from_slice(&cstamp);
    want.extend_from_slice(&hex("0800 0800 80000000 0500 0b00 03000000"));
    assert_eq!(v0.raw, want);
    let v1 = got.iter().find(|m| i32_at(m.payload(), 4) == 2).expect("v1's NEWADDR");
    assert_eq!(Addr::of(v1).addr(), "fe80::66:77ff:fe88:99aa".parse::<std::net::Ipv6Addr>().unwrap());
}

/// IFLA_INET6_ADDR_GEN_MODE none: no link-local when the link comes up.
#[test]
fn addr_gen_mode_none_makes_no_link_local() {
    let mut lab = Lab::new();
    let af = nla(IFLA_AF_SPEC, &nla(AF_INET6 as u16, &nla_u8(IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE)));
    let seq = lab.next_seq();
    lab.ok(&link_req(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq, 3, &af));
    lab.set_up(3, true);
    lab.set_up(2, true);
    lab.k.advance_ms(3000);
    let d = lab.dump();
    assert!(d.iter().all(|a| a.index != 3), "{d:?}");
    assert_eq!(d.iter().filter(|a| a.index == 2).count(), 1);
}

// ===========================================================================
// RTM_NEWADDR / RTM_DELADDR
// ===========================================================================

/// "add global" then "global after DAD": a tentative RTM_NEWADDR at once
/// (pid 0, seq 0), the permanent one when DAD completes.
#[test]
fn global_address_is_announced_tentative_then_permanent() {
    let mut lab = Lab::new();
    lab.set_up(3, true);
    lab.set_up(2, true);
    lab.k.advance_ms(3000);
    let l = lab.listener(grp(RTNLGRP_IPV6_IFADDR));
    let c = cstamp_now(&lab.k).to_ne_bytes();
    let got = lab.add(3, "2001:db8::1", 64, &[]);
    assert!(got.len() == 1 && got[0].ty == NLMSG_ERROR && got[0].errno() == 0);
    let n = drain_msgs(&l);
    let mut want = hex("48000000 1400 0000 00000000 00000000 0a40c000 03000000
                        1400 0100 20010db8000000000000000000000001
                        1400 0600 ffffffff ffffffff");
    want.extend_from_slice(&c);
    want.extend_from_slice(&c);
    want.extend_from_slice(&hex("0800 0800 c0000000"));
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].raw, want);
    lab.k.advance_ms(2000);
    let n = drain_msgs(&l);
    assert_eq!(n.len(), 1);
    want[18] = 0x80;
    want[68] = 0x80;
    assert_eq!(n[0].raw, want);
}

/// "add again excl", "add again no flags", "replace metric+proto" and
/// "after replace (raw)".
#[test]
fn existing_address_is_eexist_unless_replaced() {
    let mut lab = Lab::new();
    lab.set_up(3, true);
    lab.set_up(2, true);
    lab.k.advance_ms(3000);
    lab.add(3, "2001:db8::1", 64, &[]);
    lab.k.advance_ms(2000);
    let pid = portid(&lab.req);
    for flags in [NLM_F_CREATE | NLM_F_EXCL, 0, NLM_F_REPLACE | NLM_F_EXCL] {
        let seq = lab.next_seq();
        let r = addr_req(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | flags, seq, 3, "2001:db8::1", 64, &[]);
        let got = lab.send(&r);
        assert_eq!(got[0].raw, error_with(&r, pid, Errno::EEXIST, Some("ipv6: address already assigned")));
    }
    let l = lab.listener(grp(RTNLGRP_IPV6_IFADDR));
    let cstamp = {
        let d = lab.dump();
        let a = d.iter().find(|a| a.addr().to_string() == "2001:db8::1").expect("2001:db8::1");
        u32_at(a.get(IFA_CACHEINFO).unwrap(), 8)
    };
    lab.k.advance_ms(4000);
    let seq = lab.next_seq();
    let r = addr_req(
        RTM_NEWADDR,
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_REPLACE,
        seq,
        3,
        "2001:db8::1",
        64,
        &[nla_u32(IFA_RT_PRIORITY, 300), nla_u8(IFA_PROTO, 5)].concat(),
    );
    lab.ok(&r);
    let n = drain_msgs(&l);
    assert_eq!(n.len(), 1);
    let mut want = hex("58000000 1400 0000 00000000 00000000 0a408000 03000000
                        1400 0100 20010db8000000000000000000000001
                        0800 0900 2c010000
                        1400 0600 ffffffff ffffffff");
    want.extend_from_slice(&cstamp.to_ne_bytes());
    want.extend_from_slice(&cstamp_now(&lab.k).to_ne_bytes());
    want.extend_from_slice(&hex("0800 0800 80000000 0500 0b00 05000000"));
    assert_eq!(n[0].raw, want, "tstamp moves to the replace, cstamp stays");
}

/// The probe's error answers, with their ext-ack messages.
#[test]
fn newaddr_and_deladdr_errors() {
    let mut lab = Lab::new();
    lab.set_up(3, true);
    let pid = portid(&lab.req);
    let cases: Vec<(Vec<u8>, Errno, Option<&str>)> = vec![
        (
            addr_req(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK, 14, 999, "2001:db8::2", 64, &[]),
            Errno::ENODEV,
            Some("ipv6: Unable to find the interface"),
        ),
        (
            addr_req(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK, 15, 3, "2001:db8::2", 129, &[]),
            Errno::EINVAL,
            Some("ipv6: Invalid prefix length"),
        ),
        (nlmsg(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK, 16, &ifa6(64, 0, 0, 3)), Errno::EINVAL, None),
        (
            addr_req(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK, 17, 3, "::", 64, &[]),
            Errno::EADDRNOTAVAIL,
            Some("ipv6: Invalid address"),
        ),
        (
            addr_req(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK, 18, 3, "ff02::5", 64, &[]),
            Errno::EADDRNOTAVAIL,
            Some("ipv6: Cannot assign multicast address without \"IFA_F_MCAUTOJOIN\" flag"),
        ),
        (
            addr_req(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK, 19, 3, "::1", 128, &[]),
            Errno::EADDRNOTAVAIL,
            Some("ipv6: Cannot assign loopback address on this device"),
        ),
        (
            addr_req(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK, 21, 3, "2001:db8::3", 64, &cacheinfo(200, 100)),
            Errno::EINVAL,
            Some("ipv6: address lifetime invalid"),
        ),
        (
            addr_req(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK, 22, 3, "2001:db8::3", 60, &nla_u32(IFA_FLAGS, 0x100)),
            Errno::EINVAL,
            Some("ipv6: address with \"mngtmpaddr\" flag must have a prefix length of 64"),
        ),
        (
            addr_req(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, 30, 3, "2001:db8::9", 64, &[]),
            Errno::EADDRNOTAVAIL,
            Some("ipv6: address not found"),
        ),
        (
            addr_req(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, 32, 999, "2001:db8::1", 64, &[]),
            Errno::ENODEV,
            Some("ipv6: Unable to find the interface"),
        ),
    ];
    for (r, errno, msg) in cases {
        let got = lab.send(&r);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].raw, error_with(&r, pid, errno, msg), "request seq {}", u32_at(&r, 8));
    }
    // Deleting with the wrong prefix length misses too.
    lab.add(3, "2001:db8::1", 64, &[]);
    let r = addr_req(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, 31, 3, "2001:db8::1", 48, &[]);
    assert_eq!(lab.send(&r)[0].raw, error_with(&r, pid, Errno::EADDRNOTAVAIL, Some("ipv6: address not found")));
}

/// "del global echo": RTM_DELADDR goes to listeners with pid 0 and seq 0;
/// NLM_F_ECHO brings the requester nothing but its ack.
#[test]
fn deladdr_announces_without_echo() {
    let mut lab = Lab::new();
    lab.set_up(3, true);
    lab.set_up(2, true);
    lab.k.advance_ms(3000);
    lab.add(3, "2001:db8::1", 64, &[]);
    lab.k.advance_ms(2000);
    let l = lab.listener(grp(RTNLGRP_IPV6_IFADDR));
    let seq = lab.next_seq();
    let r = addr_req(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO, seq, 3, "2001:db8::1", 64, &[]);
    let got = lab.send(&r);
    assert_eq!(got.len(), 1);
    assert!(got[0].is_ack(seq));
    let n = addr_msgs(&drain_msgs(&l));
    assert_eq!(n.len(), 1);
    assert_eq!((n[0].ty, n[0].pid, n[0].seq, n[0].flags), (RTM_DELADDR, 0, 0, 0));
    assert_eq!(n[0].flags32(), IFA_F_PERMANENT);
    assert!(lab.dump().iter().all(|a| a.addr() != "2001:db8::1".parse::<std::net::Ipv6Addr>().unwrap()));
}

/// A NODAD address is not tentative in the dump at once; its RTM_NEWADDR
/// comes from the DAD work, queued with no delay: it runs once the request
/// is done, as Linux's workqueue does just after it (the clock not moved).
#[test]
fn nodad_address_is_announced_by_the_dad_work() {
    let mut lab = Lab::new();
    lab.set_up(3, true);
    lab.set_up(2, true);
    lab.k.advance_ms(3000);
    let l = lab.listener(grp(RTNLGRP_IPV6_IFADDR));
    let before = lab.k.jiffies();
    lab.add(3, "2001:db8::7", 64, &nla_u32(IFA_FLAGS, IFA_F_NODAD));
    assert_eq!(lab.k.jiffies(), before);
    let d = lab.dump();
    let a = d.iter().find(|a| a.addr().to_string() == "2001:db8::7").expect("2001:db8::7");
    assert_eq!(a.flags32(), IFA_F_PERMANENT | IFA_F_NODAD);
    let n = addr_msgs(&drain_msgs(&l));
    assert_eq!(n.len(), 1);
    assert_eq!((n[0].ifa_flags, n[0].flags32()), (0x82, 0x82), "probe: 'after add nodad ::7'");
}

// ===========================================================================
// Lifetimes
// ===========================================================================

/// "nodad noprefixroute lft 5/10" and the two later sections: deprecated
/// after 5 s (RTM_NEWADDR, flags 0x222), gone after 10 s (RTM_DELADDR).
#[test]
fn lifetimes_deprecate_then_delete() {
    let mut lab = Lab::new();
    lab.set_up(3, true);
    lab.set_up(2, true);
    lab.k.advance_ms(3000);
    let l = lab.listener(grp(RTNLGRP_IPV6_IFADDR));
    let attrs = [nla_u32(IFA_FLAGS, IFA_F_NODAD | IFA_F_NOPREFIXROUTE), cacheinfo(5, 10)].concat();
    lab.add(3, "2001:db8::4", 64, &attrs);
    lab.k.advance_ms(0);
    let n = addr_msgs(&drain_msgs(&l));
    assert_eq!(n.len(), 1);
    assert_eq!((n[0].flags32(), n[0].lifetimes()), (0x202, (5, 10)));
    lab.k.advance_ms(4000);
    assert!(drain_msgs(&l).is_empty());
    lab.k.advance_ms(2000);
    let n = addr_msgs(&drain_msgs(&l));
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].ty, RTM_NEWADDR);
    assert_eq!(n[0].flags32(), 0x202 | IFA_F_DEPRECATED);
    assert_eq!(n[0].lifetimes().0, 0);
    lab.k.advance_ms(5000);
    let n = addr_msgs(&drain_msgs(&l));
    assert_eq!(n.len(), 1);
    assert_eq!((n[0].ty, n[0].flags32(), n[0].lifetimes()), (RTM_DELADDR, 0x222, (0, 0)));
    assert!(lab.dump().iter().all(|a| a.index != 3 || a.scope == RT_SCOPE_LINK));
}

/// "valid 0" in the probe (preferred 0, valid 100): deprecated at once.
#[test]
fn zero_preferred_lifetime_is_deprecated_at_once() {
    let mut lab = Lab::new();
    lab.set_up(3, true);
    let l = lab.listener(grp(RTNLGRP_IPV6_IFADDR));
    lab.add(3, "2001:db8::3", 64, &cacheinfo(0, 100));
    let n = addr_msgs(&drain_msgs(&l));
    assert_eq!(n.len(), 1);
    assert_eq!((n[0].ifa_flags, n[0].lifetimes()), (0x60, (0, 100)));
}

// ===========================================================================
// Dumps
// ===========================================================================

/// The probe's strict dump of v0: every message and the DONE carry
/// NLM_F_DUMP_FILTERED; addresses newest first, global before link-local.
#[test]
fn strict_dump_filters_by_index() {
    let mut lab = Lab::new();
    lab.set_up(1, true);
    lab.set_up(3, true);
    lab.set_up(2, true);
    lab.k.advance_ms(3000);
    lab.add(3, "2001:db8::1", 64, &[]);
    lab.add(3, "2001:db8::3", 64, &[]);
    let s = route_socket(&lab.net, 0);
    s.setsockopt_int(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1).unwrap();
    s.send(&nlmsg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 40, &ifa6(0, 0, 0, 3)), 0).unwrap();
    let got = drain_msgs(&s);
    let addrs: Vec<String> = addr_msgs(&got).iter().map(|a| a.addr().to_string()).collect();
    assert_eq!(addrs, ["2001:db8::3", "2001:db8::1", "fe80::11:22ff:fe33:4455"]);
    assert!(got.iter().all(|m| m.flags == NLM_F_MULTI | NLM_F_DUMP_FILTERED));
    assert_eq!(got.last().unwrap().ty, NLMSG_DONE);
    // A bad header is refused in NLMSG_DONE.
    s.send(&nlmsg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 41, &ifa6(64, 0, 0, 0)), 0).unwrap();
    let got = drain_msgs(&s);
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].ty, got[0].errno()), (NLMSG_DONE, -22));
    // Unstrict, the whole namespace: lo's ::1, then v1, then v0.
    let all: Vec<i32> = lab.dump().iter().map(|a| a.index).collect();
    assert_eq!(all, [1, 2, 3, 3, 3]);
}

/// 200 addresses: the dump comes in several chunks, each message once, in order.
#[test]
fn dump_resumes_across_chunks() {
    let mut lab = Lab::new();
    lab.set_up(3, true);
    for i in 0..200u32 {
        let got = lab.add(3, &format!("2001:db8::{:x}", i + 1), 64, &nla_u32(IFA_FLAGS, IFA_F_NODAD));
        assert!(got[0].errno() == 0);
    }
    let s = route_socket(&lab.net, 0);
    s.send(&nlmsg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 7, &[AF_INET6, 0, 0, 0]), 0).unwrap();
    let mut datagrams = 0;
    let mut seen = Vec::new();
    loop {
        let (d, _) = recv_with(&s, 4096);
        datagrams += 1;
        let msgs = parse(&d);
        let done = msgs.iter().any(|m| m.ty == NLMSG_DONE);
        seen.extend(addr_msgs(&msgs).into_iter().map(|a| a.addr()));
        if done {
            break;
        }
    }
    assert!(datagrams > 3, "{datagrams} datagrams");
    let want: Vec<std::net::Ipv6Addr> =
        (0..200u32).rev().map(|i| format!("2001:db8::{:x}", i + 1).parse().unwrap()).collect();
    assert_eq!(seen, want);
}

/// RTM_GETADDR doit: the address by IFA_ADDRESS; a missing one is EADDRNOTAVAIL.
#[test]
fn getaddr_doit_finds_one_address() {
    let mut lab = Lab::new();
    lab.set_up(1, true);
    let r = addr_req(RTM_GETADDR, NLM_F_REQUEST, 9, 0, "::1", 0, &[]);
    let got = lab.send(&r);
    assert_eq!(got.len(), 1);
    let a = Addr::of(&got[0]);
    assert_eq!((a.ty, a.flags, a.seq, a.pid, a.index, a.plen), (RTM_NEWADDR, 0, 9, portid(&lab.req), 1, 128));
    let r = addr_req(RTM_GETADDR, NLM_F_REQUEST, 10, 0, "2001:db8::99", 0, &[]);
    assert_eq!(lab.send(&r)[0].errno(), -(Errno::EADDRNOTAVAIL.0));
}

// ===========================================================================
// Link down
// ===========================================================================

/// "v0 down": every address goes (keep_addr_on_down 0), announced in list
/// order; "lo down" / "lo up again": ::1 goes and comes back.
#[test]
fn link_down_removes_addresses_in_list_order() {
    let mut lab = Lab::new();
    lab.set_up(1, true);
    lab.set_up(3, true);
    lab.set_up(2, true);
    lab.k.advance_ms(3000);
    lab.add(3, "2001:db8::3", 64, &[]);
    lab.add(3, "2001:db8::7", 64, &nla_u32(IFA_FLAGS, IFA_F_NODAD));
    lab.k.advance_ms(3000);
    let l = lab.listener(grp(RTNLGRP_IPV6_IFADDR));
    lab.set_up(3, false);
    let n = addr_msgs(&drain_msgs(&l));
    let got: Vec<(u16, String, u32)> = n.iter().map(|a| (a.ty, a.addr().to_string(), a.flags32())).collect();
    assert_eq!(
        got,
        [
            (RTM_DELADDR, "2001:db8::7".to_string(), 0x82),
            (RTM_DELADDR, "2001:db8::3".to_string(), 0x80),
            (RTM_DELADDR, "fe80::11:22ff:fe33:4455".to_string(), 0x80),
        ]
    );
    assert!(lab.dump().iter().all(|a| a.index != 3));
    // Up again: a fresh link-local after DAD.
    lab.set_up(3, true);
    lab.k.advance_ms(2000);
    let n = addr_msgs(&drain_msgs(&l));
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].addr().to_string(), "fe80::11:22ff:fe33:4455");
    lab.set_up(1, false);
    let n = addr_msgs(&drain_msgs(&l));
    assert_eq!(n.len(), 1);
    assert_eq!((n[0].ty, n[0].addr().to_string()), (RTM_DELADDR, "::1".to_string()));
    lab.set_up(1, true);
    let n = addr_msgs(&drain_msgs(&l));
    assert_eq!(n.len(), 1);
    assert_eq!((n[0].ty, n[0].addr().to_string()), (RTM_NEWADDR, "::1".to_string()));
}

/// "v0 del": unregistering announces the link-local's RTM_DELADDR, and the
/// addresses are gone with the device.
#[test]
fn deleting_the_link_deletes_its_addresses() {
    let mut lab = Lab::new();
    lab.set_up(3, true);
    lab.set_up(2, true);
    lab.k.advance_ms(3000);
    let l = lab.listener(grp(RTNLGRP_IPV6_IFADDR));
    let seq = lab.next_seq();
    lab.ok(&link_req(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, seq, 3, &[]));
    let n = addr_msgs(&drain_msgs(&l));
    let got: Vec<(u16, i32)> = n.iter().map(|a| (a.ty, a.index)).collect();
    assert_eq!(got, [(RTM_DELADDR, 3), (RTM_DELADDR, 2)]);
    assert!(lab.dump().is_empty());
}

// ===========================================================================
// probes/p_addr6_more.py
// ===========================================================================

/// "add on down link", "add nodad on down link" and "both up, 3 s": a
/// tentative address on a down link waits for it; a NODAD one is
/// announced at once (by the DAD work).
#[test]
fn address_added_while_down_completes_dad_when_the_link_is_ready() {
    let mut lab = Lab::new();
    let l = lab.listener(grp(RTNLGRP_IPV6_IFADDR));
    lab.add(3, "2001:db8::1", 64, &[]);
    let n = addr_msgs(&drain_msgs(&l));
    assert_eq!(n.len(), 1);
    assert_eq!((n[0].ifa_flags, n[0].flags32()), (0xc0, 0xc0));
    lab.k.advance_ms(2500);
    assert!(drain_msgs(&l).is_empty(), "still down: DAD waits");
    lab.add(3, "2001:db8::2", 64, &nla_u32(IFA_FLAGS, IFA_F_NODAD));
    lab.k.advance_ms(300);
    let n = addr_msgs(&drain_msgs(&l));
    assert_eq!(n.len(), 1);
    assert_eq!((n[0].addr().to_string(), n[0].flags32()), ("2001:db8::2".to_string(), 0x82));
    lab.set_up(3, true);
    lab.set_up(2, true);
    lab.k.advance_ms(3000);
    let mut got: Vec<(i32, String, u32)> =
        addr_msgs(&drain_msgs(&l)).iter().map(|a| (a.index, a.addr().to_string(), a.flags32())).collect();
    got.sort();
    assert_eq!(
        got,
        [
            (2, "fe80::66:77ff:fe88:99aa".to_string(), 0x80),
            (3, "2001:db8::1".to_string(), 0x80),
            (3, "fe80::11:22ff:fe33:4455".to_string(), 0x80),
        ]
    );
}

/// "nodad|optimistic": optimistic_dad is off, so OPTIMISTIC is dropped and
/// the pair is not refused.
#[test]
fn optimistic_is_dropped_without_optimistic_dad() {
    let mut lab = Lab::new();
    lab.set_up(3, true);
    let got = lab.add(3, "2001:db8::3", 64, &nla_u32(IFA_FLAGS, IFA_F_NODAD | 0x04));
    assert_eq!(got[0].errno(), 0);
    let d = lab.dump();
    assert_eq!(d[0].flags32(), 0x82);
}

/// "after peer (raw)": IFA_LOCAL is the address, IFA_ADDRESS the peer, in
/// that order; "del peer by IFA_LOCAL" finds it by IFA_LOCAL alone.
#[test]
fn peer_address_puts_local_then_address() {
    let mut lab = Lab::new();
    lab.set_up(3, true);
    let l = lab.listener(grp(RTNLGRP_IPV6_IFADDR));
    let seq = lab.next_seq();
    let body = [
        ifa6(128, 0, 0, 3),
        nla(2, &in6("2001:db8:1::1")),
        nla(IFA_ADDRESS, &in6("2001:db8:1::2")),
        nla_u32(IFA_FLAGS, IFA_F_NODAD),
    ]
    .concat();
    lab.ok(&nlmsg(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK, seq, &body));
    lab.k.advance_ms(0);
    let n = drain_msgs(&l);
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].raw.len(), 92);
    let a = Addr::of(&n[0]);
    let order: Vec<u16> = a.attrs.iter().map(|(t, _)| *t).collect();
    assert_eq!(order, [2, IFA_ADDRESS, IFA_CACHEINFO, IFA_FLAGS]);
    assert_eq!(a.get(2).unwrap(), in6("2001:db8:1::1"));
    assert_eq!(a.get(IFA_ADDRESS).unwrap(), in6("2001:db8:1::2"));
    let seq = lab.next_seq();
    let del = [ifa6(128, 0, 0, 3), nla(2, &in6("2001:db8:1::1"))].concat();
    lab.ok(&nlmsg(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, seq, &del));
    let n = drain_msgs(&l);
    assert_eq!((n.len(), n[0].ty, n[0].raw.len()), (1, RTM_DELADDR, 92));
}

/// "getaddr doit raw": the answer carries the request's seq and port id.
#[test]
fn getaddr_doit_answer_bytes() {
    let mut lab = Lab::new();
    lab.set_up(3, true);
    lab.set_up(2, true);
    lab.k.advance_ms(3000);
    lab.add(3, "2001:db8::1", 64, &[]);
    lab.k.advance_ms(2000);
    let c = {
        let d = lab.dump();
        let a = d.iter().find(|a| a.addr().to_string() == "2001:db8::1").unwrap().clone();
        a.get(IFA_CACHEINFO).unwrap()[8..16].to_vec()
    };
    let r = addr_req(RTM_GETADDR, NLM_F_REQUEST, 5, 0, "2001:db8::1", 0, &[]);
    let got = lab.send(&r);
    let mut want = kernel_bytes(
        "48000000 1400 0000 05000000 00000000 0a408000 03000000
         1400 0100 20010db8000000000000000000000001
         1400 0600 ffffffff ffffffff",
        portid(&lab.req),
    );
    want.extend_from_slice(&c);
    want.extend_from_slice(&hex("0800 0800 80000000"));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].raw, want);
    // A link-local is found without a device too ("getaddr link-local no dev").
    let r = addr_req(RTM_GETADDR, NLM_F_REQUEST, 7, 0, "fe80::11:22ff:fe33:4455", 0, &[]);
    let a = Addr::of(&lab.send(&r)[0]);
    assert_eq!((a.index, a.scope, a.get(IFA_PROTO)), (3, RT_SCOPE_LINK, Some(&[3u8][..])));
    // No address at all: EINVAL without a message ("getaddr no addr").
    let r = nlmsg(RTM_GETADDR, NLM_F_REQUEST, 8, &ifa6(0, 0, 0, 0));
    assert_eq!(lab.send(&r)[0].raw, error_with(&r, portid(&lab.req), Errno::EINVAL, None));
}

/// The strict checks of "strict getaddr …" and "strict dump …".
#[test]
fn strict_getaddr_and_dump_refusals() {
    let mut lab = Lab::new();
    lab.set_up(3, true);
    let s = route_socket(&lab.net, 0);
    s.setsockopt_int(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1).unwrap();
    let pid = portid(&s);
    let ask = |r: &[u8]| {
        s.send(r, 0).unwrap();
        drain_msgs(&s)
    };
    let r = addr_req(RTM_GETADDR, NLM_F_REQUEST, 9, 0, "2001:db8::1", 64, &[]);
    assert_eq!(
        ask(&r)[0].raw,
        error_with(&r, pid, Errno::EINVAL, Some("ipv6: Invalid values in header for get address request"))
    );
    let r = addr_req(RTM_GETADDR, NLM_F_REQUEST, 10, 0, "2001:db8::1", 0, &nla_u32(IFA_FLAGS, 0));
    assert_eq!(
        ask(&r)[0].raw,
        error_with(&r, pid, Errno::EINVAL, Some("ipv6: Unsupported attribute in get address request"))
    );
    let done = |got: &[Msg]| (got.len(), got[0].ty, got[0].flags, got[0].errno(), got[0].raw.len());
    let got =
        ask(&nlmsg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 11, &[ifa6(0, 0, 0, 0), nla_u32(IFA_FLAGS, 0)].concat()));
    assert_eq!(done(&got), (1, NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS, -22, 68));
    let got = ask(&nlmsg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 12, &ifa6(0, 0, 0, 999)));
    assert_eq!(done(&got), (1, NLMSG_DONE, NLM_F_MULTI | NLM_F_DUMP_FILTERED, -19, 20));
    let got = ask(&nlmsg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 13, &[AF_INET6, 0, 0, 0]));
    assert_eq!(done(&got), (1, NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS, -22, 72));
}

/// "both up (immediate)" and "after token set": the AF_INET6 RTM_NEWLINK
/// of a veth is 748 bytes, IFNAME ADDRESS MTU LINK OPERSTATE PROTINFO;
/// setting the token announces it again.
#[test]
fn ipv6_ifinfo_of_a_veth_and_on_token_set() {
    let mut lab = Lab::new();
    let l = lab.listener(grp(RTNLGRP_IPV6_IFINFO));
    lab.set_up(3, true);
    assert!(drain_msgs(&l).is_empty(), "not ready without the peer");
    lab.set_up(2, true);
    let got = drain_msgs(&l);
    let idx: Vec<i32> = got.iter().map(|m| i32_at(m.payload(), 4)).collect();
    assert_eq!(idx, [2, 3]);
    for m in &got {
        assert_eq!((m.ty, m.raw.len(), m.payload()[0], u32_at(m.payload(), 8)), (RTM_NEWLINK, 748, AF_INET6, 0x11043));
        let mut order = Vec::new();
        let p = m.payload();
        let mut off = 16;
        while off + 4 <= p.len() {
            order.push(u16_at(p, off + 2));
            off += align4(u16_at(p, off) as usize);
        }
        assert_eq!(order, [IFLA_IFNAME, IFLA_ADDRESS, IFLA_MTU, IFLA_LINK, IFLA_OPERSTATE, IFLA_PROTINFO]);
    }
    let mut token = [0u8; 16];
    token[8..].copy_from_slice(&[0, 1, 0, 2, 0, 3, 0, 4]);
    let af = nla(IFLA_AF_SPEC, &nla(AF_INET6 as u16, &nla(IFLA_INET6_TOKEN, &token)));
    let seq = lab.next_seq();
    lab.ok(&link_req(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq, 3, &af));
    let got = drain_msgs(&l);
    assert_eq!(got.len(), 1);
    assert_eq!((i32_at(got[0].payload(), 4), got[0].raw.len()), (3, 748));
}

/// probes/p_addr6_ifinfo.py: PF_INET6 RTM_GETLINK is `inet6_dump_ifinfo`:
/// AF_INET6 messages (lo 740 bytes, a veth 748), DONE in the last chunk;
/// strict requests must carry a clean ifinfomsg and nothing more.
#[test]
fn inet6_link_dump() {
    let mut lab = Lab::new();
    lab.set_up(1, true);
    let s = route_socket(&lab.net, 0);
    s.send(&nlmsg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, &ifinfomsg(AF_INET6, 1, 0, 0)), 0).unwrap();
    let got = drain(&s);
    assert_eq!(got.len(), 1, "one datagram, DONE included");
    let msgs = parse(&got[0].0);
    let summary: Vec<(u16, usize, u16, u8, i32)> = msgs
        .iter()
        .map(|m| {
            let p = m.payload();
            if m.ty == NLMSG_DONE {
                (m.ty, m.raw.len(), m.flags, 0, i32_at(p, 0))
            } else {
                (m.ty, m.raw.len(), m.flags, p[0], i32_at(p, 4))
            }
        })
        .collect();
    assert_eq!(
        summary,
        [
            (RTM_NEWLINK, 740, NLM_F_MULTI, AF_INET6, 1),
            (RTM_NEWLINK, 748, NLM_F_MULTI, AF_INET6, 2),
            (RTM_NEWLINK, 748, NLM_F_MULTI, AF_INET6, 3),
            (NLMSG_DONE, 20, NLM_F_MULTI, 0, 0),
        ]
    );
    s.setsockopt_int(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1).unwrap();
    for (payload, len) in [
        (ifinfomsg(AF_INET6, 1, 0, 0), 72),
        (vec![AF_INET6, 0, 0, 0], 68),
        ([ifinfomsg(AF_INET6, 0, 0, 0), nla_u32(29, 1)].concat(), 56),
    ] {
        s.send(&nlmsg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 2, &payload), 0).unwrap();
        let m = drain_msgs(&s);
        assert_eq!((m.len(), m[0].ty, m[0].errno(), m[0].raw.len()), (1, NLMSG_DONE, -22, len));
    }
}

/// probes/p_addr6_lo.py: a global on lo is announced tentative, then
/// permanent by the DAD work (loopback skips DAD), which runs as soon as
/// the request is done.
#[test]
fn global_on_loopback_skips_dad() {
    let mut lab = Lab::new();
    lab.set_up(1, true);
    let l = lab.listener(grp(RTNLGRP_IPV6_IFADDR));
    lab.add(1, "2001:db8::5", 64, &[]);
    let n = addr_msgs(&drain_msgs(&l));
    assert_eq!(n.iter().map(|a| (a.ifa_flags, a.index)).collect::<Vec<_>>(), [(0xc0, 1), (0x80, 1)]);
}

/// probes/p_addr6_random.py: addr_gen_mode random gives a stable-privacy
/// link-local (IFA_FLAGS 0x880, the u8 header flags 0x80) that is not the
/// EUI-64 one; the secret it made lets stable_secret mode be set after.
#[test]
fn addr_gen_mode_random_makes_a_stable_privacy_link_local() {
    let mut lab = Lab::new();
    let mode = |m: u8| nla(IFLA_AF_SPEC, &nla(AF_INET6 as u16, &nla_u8(IFLA_INET6_ADDR_GEN_MODE, m)));
    let seq = lab.next_seq();
    let r = link_req(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq, 3, &mode(IN6_ADDR_GEN_MODE_STABLE_PRIVACY));
    assert_eq!(lab.send(&r)[0].errno(), -22, "no secret yet");
    let seq = lab.next_seq();
    lab.ok(&link_req(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq, 3, &mode(IN6_ADDR_GEN_MODE_RANDOM)));
    lab.set_up(3, true);
    lab.set_up(2, true);
    lab.k.advance_ms(2000);
    let d = lab.dump();
    let a = d.iter().find(|a| a.index == 3).expect("v0's link-local");
    assert_eq!((a.ifa_flags, a.flags32(), a.plen, a.scope), (0x80, 0x880, 64, RT_SCOPE_LINK));
    assert_eq!(a.get(IFA_PROTO), Some(&[3u8][..]));
    let o = a.addr().octets();
    assert_eq!(&o[..8], &[0xfe, 0x80, 0, 0, 0, 0, 0, 0]);
    assert_ne!(a.addr().to_string(), "fe80::11:22ff:fe33:4455");
    let seq = lab.next_seq();
    lab.ok(&link_req(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq, 3, &mode(IN6_ADDR_GEN_MODE_STABLE_PRIVACY)));
}

/// The order across groups in p_addr6.py "lo up (raw)" and "v1 up
/// (immediate)", without the route notifications (route.rs): the link's
/// RTM_NEWLINK, ::1, then lo's AF_INET6 RTM_NEWLINK; for the veth, each
/// side's AF_INET6 RTM_NEWLINK comes just before its linkwatch RTM_NEWLINK.
#[test]
fn notification_order_across_link_and_ipv6_groups() {
    let mut lab = Lab::new();
    let l = lab.listener(grp(RTNLGRP_LINK) | grp(RTNLGRP_IPV6_IFADDR) | grp(RTNLGRP_IPV6_IFINFO));
    let show = |msgs: Vec<Msg>| -> Vec<(u16, u8, i32, u32)> {
        msgs.iter()
            .map(|m| {
                let p = m.payload();
                let flags = if m.ty == RTM_NEWLINK { u32_at(p, 8) } else { u32::from(p[2]) };
                (m.ty, p[0], i32_at(p, 4), flags)
            })
            .collect()
    };
    lab.set_up(1, true);
    assert_eq!(
        show(drain_msgs(&l)),
        [(RTM_NEWLINK, 0, 1, 0x10049), (RTM_NEWADDR, AF_INET6, 1, 0x80), (RTM_NEWLINK, AF_INET6, 1, 0x10049)]
    );
    lab.set_up(3, true);
    assert_eq!(show(drain_msgs(&l)), [(RTM_NEWLINK, 0, 3, 0x1003)]);
    lab.set_up(2, true);
    assert_eq!(
        show(drain_msgs(&l)),
        [
            (RTM_NEWLINK, 0, 2, 0x11003),
            (RTM_NEWLINK, AF_INET6, 2, 0x11043),
            (RTM_NEWLINK, 0, 2, 0x11043),
            (RTM_NEWLINK, AF_INET6, 3, 0x11043),
            (RTM_NEWLINK, 0, 3, 0x11043),
        ]
    );
}

/// `ipv6_dev_get_saddr` and `ipv6_chk_addr`, the two helpers route.rs
/// calls (no socket shows them until RTM_GETROUTE answers with a
/// preferred source): tentative addresses are no candidates; a global
/// destination picks the global with the longest matching prefix; a
/// link-local destination only the outgoing device's link-local.
#[test]
fn source_address_selection_and_chk_addr() {
    use rtnlsim::kernel::net::core::dev::dev_get_by_index;
    use rtnlsim::kernel::net::ipv6::addrconf::{ipv6_chk_addr, ipv6_dev_get_saddr};
    let mut lab = Lab::new();
    lab.set_up(1, true);
    lab.set_up(3, true);
    lab.set_up(2, true);
    lab.add(3, "2001:db8:1::1", 64, &[]);
    let net = lab.net.arc().clone();
    let v0 = dev_get_by_index(&net, 3).unwrap();
    let a = |s: &str| s.parse::<std::net::Ipv6Addr>().unwrap();
    assert!(!ipv6_chk_addr(&net, &a("2001:db8:1::1"), None, false), "tentative");
    assert_eq!(ipv6_dev_get_saddr(&net, Some(&v0), &a("2001:db8:1::9"), 0), Ok(a("::1")));
    lab.add(3, "2001:db8:2::1", 64, &nla_u32(IFA_FLAGS, IFA_F_NODAD));
    lab.k.advance_ms(3000);
    assert!(ipv6_chk_addr(&net, &a("2001:db8:1::1"), Some(&v0), true));
    assert!(ipv6_chk_addr(&net, &a("fe80::11:22ff:fe33:4455"), None, false));
    assert!(!ipv6_chk_addr(&net, &a("fe80::11:22ff:fe33:4455"), Some(&dev_get_by_index(&net, 2).unwrap()), true));
    assert_eq!(ipv6_dev_get_saddr(&net, Some(&v0), &a("2001:db8:1::9"), 0), Ok(a("2001:db8:1::1")));
    assert_eq!(ipv6_dev_get_saddr(&net, Some(&v0), &a("2001:db8:2::9"), 0), Ok(a("2001:db8:2::1")));
    assert_eq!(ipv6_dev_get_saddr(&net, None, &a("::1"), 0), Ok(a("::1")));
    assert_eq!(ipv6_dev_get_saddr(&net, Some(&v0), &a("fe80::9"), 0), Ok(a("fe80::11:22ff:fe33:4455")));
    // Out of lo, only lo's ::1 is a candidate (scope 2 is enough for a
    // link-local destination); a down v1 with no address has none.
    let lo = dev_get_by_index(&net, 1).unwrap();
    assert_eq!(ipv6_dev_get_saddr(&net, Some(&lo), &a("fe80::9"), 0), Ok(a("::1")));
    lab.set_up(2, false);
    let v1 = dev_get_by_index(&net, 2).unwrap();
    assert_eq!(ipv6_dev_get_saddr(&net, Some(&v1), &a("fe80::9"), 0), Err(Errno::EADDRNOTAVAIL));
}
