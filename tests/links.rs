//! The rtnetlink link handlers through sockets (issue 3): RTM_NEWLINK,
//! RTM_SETLINK, RTM_DELLINK and RTM_GETLINK (doit and dump), their acks,
//! errors and ext-acks, the notifications they cause on RTNLGRP_LINK (with
//! NLM_F_ECHO), veth carrier, veth pairs across namespaces, moving a device
//! to another namespace, the death of a namespace, and the uevents of all that.
//!
//! Every expectation is what Linux 6.18.44 did, as recorded by the probes in
//! probes/ (outputs in probes/observed/): p_link_notify, p_link_dump,
//! p_link_fill, p_link_uevent, p_link_more, p_link_more2 and p_link_carrier
//! (dummy devices, absent from that kernel, follow drivers/net/dummy.c). A
//! test names the probe section it follows; byte strings are copied from the
//! probes' `raw` lines with the port id replaced. MAC addresses are random
//! on Linux and so are never compared. Behaviour the simulator lacks is in
//! tests/links_pending.rs.

use rtnlsim::kernel::{NetRef, NetlinkSocket};
use rtnlsim::wire::uapi::if_::*;
use rtnlsim::wire::uapi::if_link::*;
use rtnlsim::wire::uapi::netlink::*;
use rtnlsim::wire::uapi::rtnetlink::*;
use rtnlsim::wire::uapi::socket::*;
use rtnlsim::{Config, Credentials, Errno, Kernel, RecvMeta};

#[path = "support/sockets.rs"]
mod sockets;
#[path = "support/wire.rs"]
mod wire;

use sockets::{addr, portid, route_socket};
use wire::*;

// ===========================================================================
// Building requests
// ===========================================================================

/// RTM_NEWLINK of a kind without INFO_DATA (p_link_common.kind_req).
fn kind_req(name: &str, kind: &str, flags: u16, seq: u32, attrs: &[u8]) -> Vec<u8> {
    let linkinfo = nla(IFLA_LINKINFO, &nla_str(IFLA_INFO_KIND, kind));
    nlmsg(RTM_NEWLINK, flags, seq, &[ifi(0), nla_str(IFLA_IFNAME, name), attrs.to_vec(), linkinfo].concat())
}

/// NLMSGERR_ATTR_MSG as netlink_ack writes it.
fn msg_tlv(text: &str) -> Vec<u8> {
    nla_str(NLMSGERR_ATTR_MSG, text)
}

/// The NLMSG_ERROR Linux sends for a failed request: the whole request
/// copied, then the ext-ack TLVs (NLM_F_ACK_TLVS when there are any).
fn error_reply(req: &[u8], portid: u32, errno: Errno, tlvs: &[u8]) -> Vec<u8> {
    let body = [(-errno.0).to_ne_bytes().to_vec(), req.to_vec(), tlvs.to_vec()].concat();
    let flags = if tlvs.is_empty() { 0 } else { NLM_F_ACK_TLVS };
    let mut v = nlmsg(NLMSG_ERROR, flags, u32_at(req, 8), &body);
    v[12..16].copy_from_slice(&portid.to_ne_bytes());
    v
}

// ===========================================================================
// Reading answers
// ===========================================================================

/// A link message (RTM_NEWLINK / RTM_DELLINK) taken apart.
#[derive(Debug, Clone)]
struct Link {
    ty: u16,
    len: usize,
    flags: u16,
    seq: u32,
    pid: u32,
    index: i32,
    ifi_flags: u32,
    change: u32,
    attrs: Vec<(u16, Vec<u8>)>,
}

impl Link {
    fn of(m: &Msg) -> Link {
        assert!(m.ty == RTM_NEWLINK || m.ty == RTM_DELLINK, "not a link message: {}", m.ty);
        let p = m.payload();
        let mut attrs = Vec::new();
        let mut off = 16;
        while off + 4 <= p.len() {
            let len = u16_at(p, off) as usize;
            attrs.push((u16_at(p, off + 2), p[off + 4..off + len].to_vec()));
            off += align4(len);
        }
        Link {
            ty: m.ty,
            len: m.raw.len(),
            flags: m.flags,
            seq: m.seq,
            pid: m.pid,
            index: u32_at(p, 4) as i32,
            ifi_flags: u32_at(p, 8),
            change: u32_at(p, 12),
            attrs,
        }
    }
    fn get(&self, ty: u16) -> Option<&[u8]> {
        self.attrs.iter().find(|(t, _)| t & NLA_TYPE_MASK == ty).map(|(_, v)| &v[..])
    }
    fn u32(&self, ty: u16) -> Option<u32> {
        self.get(ty).map(|v| u32_at(v, 0))
    }
    fn name(&self) -> String {
        let v = self.get(IFLA_IFNAME).expect("IFLA_IFNAME");
        String::from_utf8_lossy(&v[..v.len() - 1]).into_owned()
    }
    /// Attribute names and nla_len in order, as the probes print them.
    fn layout(&self) -> String {
        let names: Vec<String> = self
            .attrs
            .iter()
            .map(|(t, v)| {
                let name = ifla_name(t & NLA_TYPE_MASK).unwrap_or("IFLA_?");
                let nested = if t & NLA_F_NESTED != 0 { "(N)" } else { "" };
                format!("{}{nested}:{}", &name[5..], v.len() + 4)
            })
            .collect();
        names.join(" ")
    }
    /// One line with what the probes' summaries show (MAC left out: random on Linux).
    fn line(&self) -> String {
        let ty = if self.ty == RTM_NEWLINK { "NEWLINK" } else { "DELLINK" };
        let opt = |t: u16, tag: &str| self.get(t).map_or(String::new(), |v| format!(" {tag}={}", u32_at(v, 0) as i32));
        format!(
            "{ty} len={} flags={:#x} seq={} pid={} | index={} flags={:#x} change={:#x} | name={} operstate={} \
             mtu={}{}{}{}{} carrier={}",
            self.len,
            self.flags,
            self.seq,
            self.pid,
            self.index,
            self.ifi_flags,
            self.change,
            self.name(),
            self.get(IFLA_OPERSTATE).map_or(99, |v| v[0]),
            self.u32(IFLA_MTU).unwrap_or(0),
            opt(IFLA_LINK_NETNSID, "link_netnsid"),
            opt(IFLA_NEW_NETNSID, "new_netnsid"),
            opt(IFLA_NEW_IFINDEX, "new_ifindex"),
            opt(IFLA_LINK, "link"),
            self.get(IFLA_CARRIER).map_or(99, |v| v[0]),
        )
    }
}

fn lines(msgs: &[Msg]) -> Vec<String> {
    msgs.iter()
        .map(|m| match m.ty {
            RTM_NEWLINK | RTM_DELLINK => Link::of(m).line(),
            RTM_NEWNSID | RTM_DELNSID => {
                let ty = if m.ty == RTM_NEWNSID { "NEWNSID" } else { "DELNSID" };
                format!("{ty} len={} nsid={}", m.raw.len(), u32_at(m.payload(), 8) as i32)
            }
            NLMSG_ERROR => format!("ERROR seq={} errno={} len={}", m.seq, m.errno(), m.raw.len()),
            NLMSG_DONE => format!("DONE seq={} errno={} len={}", m.seq, m.errno(), m.raw.len()),
            t => format!("type {t}"),
        })
        .collect()
}

/// `Link::line` of a veth message (nlmsg flags 0), `rest` from the name on.
#[allow(clippy::too_many_arguments)]
fn veth_line(ty: &str, len: usize, seq: u32, pid: u32, index: i32, flags: u32, change: u32, rest: &str) -> String {
    format!("{ty} len={len} flags=0x0 seq={seq} pid={pid} | index={index} flags={flags:#x} change={change:#x} | {rest}")
}

// ===========================================================================
// The machine and its sockets
// ===========================================================================

/// A listener on RTNLGRP_LINK and RTNLGRP_NSID, as the probes' listeners
/// (their other groups carry no link messages).
fn listener(net: &NetRef) -> NetlinkSocket {
    route_socket(net, (1 << (RTNLGRP_LINK - 1)) | (1 << (RTNLGRP_NSID - 1)))
}

fn uevent_listener(net: &NetRef) -> NetlinkSocket {
    let l = net.socket(NETLINK_KOBJECT_UEVENT).expect("socket");
    l.bind(&addr(0, 1)).expect("bind");
    l
}

/// The uevents queued now, NULs shown as `|` like the probes print them,
/// with `SEQNUM=n` cut off (host-dependent on Linux) and returned apart.
fn uevents(l: &NetlinkSocket) -> Vec<(String, u64)> {
    drain(l)
        .into_iter()
        .map(|(d, meta)| {
            assert_eq!(meta.addr, addr(0, 1), "uevents come from the kernel on group 1");
            let text = String::from_utf8(d).unwrap().replace('\0', "|");
            let at = text.rfind("SEQNUM=").expect("SEQNUM");
            let n = text[at + 7..text.len() - 1].parse().unwrap();
            (text[..at].to_string(), n)
        })
        .collect()
}

/// One namespace with a requester (unsubscribed, EXT_ACK) and a listener.
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
    let lis = listener(&net);
    Lab { k, net, req, lis }
}

impl Lab {
    fn pid(&self) -> u32 {
        portid(&self.req)
    }
    /// Sends `req` from the requester; returns what the requester got.
    fn ask(&self, req: &[u8]) -> Vec<Msg> {
        self.req.send(req, 0).expect("send");
        drain_msgs(&self.req)
    }
    /// Sends `req`, which must be acked; returns what the listener heard.
    fn ok(&self, req: &[u8]) -> Vec<Msg> {
        let got = self.ask(req);
        assert!(got.len() == 1 && got[0].is_ack(u32_at(req, 8)), "expected an ack, got {:?}", lines(&got));
        drain_msgs(&self.lis)
    }
    /// Sends `req`, which must fail; returns the NLMSG_ERROR's bytes.
    fn fails(&self, req: &[u8]) -> Vec<u8> {
        let got = transact_one(&self.req, req);
        assert!(drain_msgs(&self.lis).is_empty(), "a failed request announced something");
        got
    }
    fn heard(&self) -> Vec<Msg> {
        drain_msgs(&self.lis)
    }
    /// `ip link add NAME type veth peer name PEER`: (ifindex, peer's ifindex).
    fn veth(&self, name: &str, peer: &str) -> (i32, i32) {
        let heard = self.ok(&veth_req(name, peer, ADD, 1, &[], &[]));
        let idx: Vec<i32> = heard.iter().map(|m| Link::of(m).index).collect();
        assert_eq!(idx.len(), 2);
        (idx[1], idx[0])
    }
    /// RTM_GETLINK by ifindex; the reply.
    fn get(&self, index: i32) -> Link {
        let got = self.ask(&link_req(RTM_GETLINK, NLM_F_REQUEST, 9, index, &[]));
        assert_eq!(got.len(), 1, "{:?}", lines(&got));
        Link::of(&got[0])
    }
    fn set_flags(&self, index: i32, flags: u32) -> Vec<Msg> {
        self.ok(&nlmsg(RTM_NEWLINK, ACK, 2, &ifinfomsg(0, index, flags, IFF_UP)))
    }
}

// ===========================================================================
// RTM_NEWLINK: creation
// ===========================================================================

/// p_link_notify "create veth v0 (peer v1)": the requester (unsubscribed)
/// gets only the capped ack; the listener gets the peer's NEWLINK first
/// (ifindex 2, IFLA_LINK 0: not yet tied), then the device's (ifindex 3,
/// LINK 2), both 1492 bytes, flags 0x1002, change ~0, seq 0, pid 0.
#[test]
fn creating_a_veth_announces_the_peer_first_and_acks_the_requester_only() {
    let lab = lab();
    let req = veth_req("v0", "v1", ADD, 1001, &[], &[]);
    let got = lab.ask(&req);
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].raw,
        [&hex("24000000 0200 0001 e9030000")[..], &lab.pid().to_ne_bytes(), &[0; 4], &req[..16]].concat()
    );
    let rest = |name: &str, link: i32| format!("name={name} operstate=2 mtu=1500 link={link} carrier=0");
    assert_eq!(
        lines(&lab.heard()),
        [
            veth_line("NEWLINK", 1492, 0, 0, 2, 0x1002, !0, &rest("v1", 0)),
            veth_line("NEWLINK", 1492, 0, 0, 3, 0x1002, !0, &rest("v0", 2)),
        ]
    );
}

/// The attribute layout of a down veth (p_link_notify, every 1492-byte
/// NEWLINK of a 2-letter veth; p_link_fill for GETLINK).
const VETH_LAYOUT: &str = "IFNAME:7 TXQLEN:8 OPERSTATE:5 LINKMODE:5 NETNS_IMMUTABLE:5 MTU:8 MIN_MTU:8 MAX_MTU:8 \
    GROUP:8 PROMISCUITY:8 ALLMULTI:8 NUM_TX_QUEUES:8 GSO_MAX_SEGS:8 GSO_MAX_SIZE:8 GRO_MAX_SIZE:8 GSO_IPV4_MAX_SIZE:8 \
    GRO_IPV4_MAX_SIZE:8 TSO_MAX_SIZE:8 TSO_MAX_SEGS:8 MAX_PACING_OFFLOAD_HORIZON:8 NUM_RX_QUEUES:8 CARRIER:5 \
    CARRIER_CHANGES:8 CARRIER_UP_COUNT:8 CARRIER_DOWN_COUNT:8 HEADROOM:6 TAILROOM:6 PROTO_DOWN:5 ADDRESS:10 \
    BROADCAST:10 STATS64:204 STATS:100 XDP:12 LINKINFO:16 LINK:8 QDISC:9 AF_SPEC:816 MAP:36 DEVLINK_PORT(N):4 \
    DPLL_PIN(N):4";

/// The same layout in an RTM_DELLINK: AF_SPEC is empty (680 bytes).
fn dellink_layout() -> String {
    VETH_LAYOUT.replace("AF_SPEC:816", "AF_SPEC:4")
}

#[test]
fn a_veth_newlink_has_the_kernels_attribute_layout() {
    let lab = lab();
    lab.ask(&veth_req("v0", "v1", ADD, 1, &[], &[]));
    for m in lab.heard() {
        assert_eq!(Link::of(&m).layout(), VETH_LAYOUT);
    }
    // p_link_dump "GETLINK doit reply for veth": the same 1492 bytes, flags 0,
    // the request's seq and the requester's port; with EXT_MASK 9, 1124.
    let reply = lab.get(3);
    assert_eq!((reply.len, reply.flags, reply.seq, reply.pid, reply.change), (1492, 0, 9, lab.pid(), 0));
    let got = lab.ask(&link_req(RTM_GETLINK, NLM_F_REQUEST, 10, 3, &nla_u32(IFLA_EXT_MASK, 9)));
    assert_eq!(got.iter().map(|m| m.raw.len()).collect::<Vec<_>>(), [1124]);
}

/// p_link_notify "create veth v2 (peer v3) with ECHO": the requester gets the
/// device's NEWLINK with its seq and port (never the peer's), then the ack;
/// listeners get the peer (seq 0, pid 0) and the device (seq, pid).
/// p_link_more section 4: a requester subscribed to RTNLGRP_LINK gets the
/// peer by multicast and its device once (the echo), never twice; without
/// NLM_F_ACK only the echo comes.
#[test]
fn nlm_f_echo_on_create_echoes_the_device_not_the_peer() {
    let lab = lab();
    let pid = lab.pid();
    let got = lab.ask(&veth_req("v2", "v3", ADD | NLM_F_ECHO, 1002, &[], &[]));
    let rest = |name: &str, link: i32| format!("name={name} operstate=2 mtu=1500 link={link} carrier=0");
    let echo = veth_line("NEWLINK", 1492, 1002, pid, 3, 0x1002, !0, &rest("v2", 2));
    assert_eq!(lines(&got), [echo.clone(), "ERROR seq=1002 errno=0 len=36".into()]);
    let peer = veth_line("NEWLINK", 1492, 0, 0, 2, 0x1002, !0, &rest("v3", 0));
    assert_eq!(lines(&lab.heard()), [peer, echo]);

    let sub = route_socket(&lab.net, 1);
    let spid = portid(&sub);
    sub.send(&veth_req("e0", "e1", ADD | NLM_F_ECHO, 3300, &[], &[]), 0).unwrap();
    let rest = |name: &str, link: i32| format!("name={name} operstate=2 mtu=1500 link={link} carrier=0");
    let want = [
        veth_line("NEWLINK", 1492, 0, 0, 4, 0x1002, !0, &rest("e1", 0)),
        veth_line("NEWLINK", 1492, 3300, spid, 5, 0x1002, !0, &rest("e0", 4)),
        "ERROR seq=3300 errno=0 len=36".into(),
    ];
    assert_eq!(lines(&drain_msgs(&sub)), want);
    assert_eq!(lines(&lab.heard()), want[..2]);

    let got = lab.ask(&veth_req("g0", "g1", NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO, 3303, &[], &[]));
    assert_eq!(lines(&got), [veth_line("NEWLINK", 1492, 3303, pid, 7, 0x1002, !0, &rest("g0", 6))]);
    drop(sub);
}

/// p_link_more section 1: with no IFLA_IFNAME the kind's template "veth%d"
/// names both ends, peer first (veth0 = 2, veth1 = 3, 1496 bytes: longer
/// names); `%d` templates take the lowest free number, also with a suffix.
#[test]
fn link_names_from_templates() {
    let lab = lab();
    let plain = nlmsg(RTM_NEWLINK, ADD, 3001, &[ifi(0), nla(IFLA_LINKINFO, &nla_str(IFLA_INFO_KIND, "veth"))].concat());
    let heard: Vec<Link> = lab.ok(&plain).iter().map(Link::of).collect();
    let got: Vec<_> = heard.iter().map(|l| (l.name(), l.index, l.len, l.u32(IFLA_LINK))).collect();
    assert_eq!(got, [("veth0".into(), 2, 1496, Some(0)), ("veth1".into(), 3, 1496, Some(2))]);

    let heard: Vec<Link> = lab.ok(&veth_req("n%d", "n%d", ADD, 3002, &[], &[])).iter().map(Link::of).collect();
    let got: Vec<_> = heard.iter().map(|l| (l.name(), l.index)).collect();
    assert_eq!(got, [("n0".into(), 4), ("n1".into(), 5)]);

    let heard: Vec<Link> = lab.ok(&veth_req("x%dy", "p%d", ADD, 3020, &[], &[])).iter().map(Link::of).collect();
    let got: Vec<_> = heard.iter().map(|l| (l.name(), l.index)).collect();
    assert_eq!(got, [("p0".into(), 6), ("x0y".into(), 7)]);
}

/// p_link_more section 1: a name `dev_valid_name` or `__dev_alloc_name`
/// refuses is EINVAL (whole request copied, no ext-ack) — but only when the
/// device registers, after the peer: the peer's NEWLINK and DELLINK (684
/// bytes, empty AF_SPEC) are announced anyway.
#[test]
fn an_invalid_name_is_einval_after_the_peer_came_and_went() {
    let lab = lab();
    for (i, bad) in ["a/b", "x%d%d", "x%s", ".", "a b", ""].into_iter().enumerate() {
        let peer = format!("okpeer{i}");
        let req = veth_req(bad, &peer, ADD, 3010 + i as u32, &[], &[]);
        let got = transact_one(&lab.req, &req);
        assert_eq!(got, error_reply(&req, lab.pid(), Errno::EINVAL, &[]), "name {bad:?}");
        let heard: Vec<Link> = lab.heard().iter().map(Link::of).collect();
        let got: Vec<_> = heard.iter().map(|l| (l.ty, l.name(), l.len)).collect();
        assert_eq!(got, [(RTM_NEWLINK, peer.clone(), 1496), (RTM_DELLINK, peer, 684)], "name {bad:?}");
    }
    // Nothing is left behind but lo.
    let got = lab.ask(&nlmsg(RTM_GETLINK, DUMP, 5, &ifi(0)));
    assert_eq!(got.iter().filter(|m| m.ty == RTM_NEWLINK).count(), 1);
}

/// p_link_more section 3: the ifindex of the request is the device's, the
/// peer's ifinfomsg index the peer's — only when the device asked for one;
/// an MTU the veth cannot take and a multicast MAC fail before anything is
/// registered (veth_validate: EINVAL, EADDRNOTAVAIL, no ext-ack); addresses
/// and MTUs given at creation are the devices'.
#[test]
fn creation_takes_the_requested_ifindex_mtu_and_address() {
    let lab = lab();
    let peer = |index: i32, name: &str| {
        let data = nla(IFLA_INFO_DATA, &nla(VETH_INFO_PEER, &[ifi(index), nla_str(IFLA_IFNAME, name)].concat()));
        nla(IFLA_LINKINFO, &[nla_str(IFLA_INFO_KIND, "veth"), data].concat())
    };
    let req = link_req(RTM_NEWLINK, ADD, 3210, 100, &[nla_str(IFLA_IFNAME, "i100"), peer(101, "i101")].concat());
    let got: Vec<(String, i32)> = lab.ok(&req).iter().map(|m| (Link::of(m).name(), Link::of(m).index)).collect();
    assert_eq!(got, [("i101".into(), 101), ("i100".into(), 100)]);
    let req = link_req(RTM_NEWLINK, ADD, 3211, 0, &[nla_str(IFLA_IFNAME, "j0"), peer(1, "j1")].concat());
    let got: Vec<(String, i32)> = lab.ok(&req).iter().map(|m| (Link::of(m).name(), Link::of(m).index)).collect();
    assert_eq!(got, [("j1".into(), 2), ("j0".into(), 3)], "automatic ifindexes ignore the ones asked for");
    let kind = nla(IFLA_LINKINFO, &nla_str(IFLA_INFO_KIND, "veth"));
    let req = link_req(RTM_NEWLINK, ADD, 3212, 100, &[nla_str(IFLA_IFNAME, "k0"), kind].concat());
    assert_eq!(lab.fails(&req), error_reply(&req, lab.pid(), Errno::EEXIST, &[]));

    let req = veth_req("c0", "c1", ADD, 3200, &nla_u32(IFLA_MTU, 10), &[]);
    assert_eq!(lab.fails(&req), error_reply(&req, lab.pid(), Errno::EINVAL, &[]));
    let req = veth_req("c0", "c1", ADD, 3201, &nla(IFLA_ADDRESS, &[1, 0, 0, 0, 0, 1]), &[]);
    assert_eq!(lab.fails(&req), error_reply(&req, lab.pid(), Errno::EADDRNOTAVAIL, &[]));

    let mine = [nla(IFLA_ADDRESS, &[2, 0, 0, 0, 0, 0xaa]), nla_u32(IFLA_MTU, 1300)].concat();
    let theirs = [nla(IFLA_ADDRESS, &[2, 0, 0, 0, 0, 0xbb]), nla_u32(IFLA_MTU, 1300)].concat();
    let heard: Vec<Link> = lab.ok(&veth_req("c0", "c1", ADD, 3202, &mine, &theirs)).iter().map(Link::of).collect();
    let got: Vec<_> =
        heard.iter().map(|l| (l.name(), l.get(IFLA_ADDRESS).unwrap().to_vec(), l.u32(IFLA_MTU))).collect();
    assert_eq!(
        got,
        [("c1".into(), vec![2, 0, 0, 0, 0, 0xbb], Some(1300)), ("c0".into(), vec![2, 0, 0, 0, 0, 0xaa], Some(1300))]
    );
}

/// kernel-reference §2 (V, t2_flags) and p_link_notify (c): NEWLINK on an
/// existing link is EEXIST with EXCL, EOPNOTSUPP with REPLACE; a missing
/// link without CREATE is ENODEV; CREATE without a kind we know is
/// EOPNOTSUPP "Unknown device type". p_link_more section 3: CREATE without
/// EXCL on an existing link changes it, unless it brings INFO_DATA for a
/// kind without `changelink` (veth): EOPNOTSUPP.
#[test]
fn newlink_flags_decide_between_create_change_and_refuse() {
    let lab = lab();
    let pid = lab.pid();
    let (e0, _) = lab.veth("e0", "e1");
    let cases: Vec<(Vec<u8>, Errno)> = vec![
        (veth_req("e0", "e9", ADD, 2001, &[], &[]), Errno::EEXIST),
        (link_req(RTM_NEWLINK, ACK | NLM_F_EXCL, 2002, e0, &[]), Errno::EEXIST),
        (veth_req("e0", "e9", ACK | NLM_F_CREATE | NLM_F_REPLACE, 2003, &[], &[]), Errno::EOPNOTSUPP),
        (link_req(RTM_NEWLINK, ACK | NLM_F_REPLACE, 2004, e0, &[]), Errno::EOPNOTSUPP),
        (link_req(RTM_NEWLINK, ACK, 2005, 0, &nla_str(IFLA_IFNAME, "nosuch")), Errno::ENODEV),
        (link_req(RTM_NEWLINK, ACK, 2006, 999, &[]), Errno::ENODEV),
        (veth_req("e0", "c9", ACK | NLM_F_CREATE, 3204, &[], &[]), Errno::EOPNOTSUPP),
    ];
    for (req, errno) in cases {
        assert_eq!(lab.fails(&req), error_reply(&req, pid, errno, &[]), "seq {}", u32_at(&req, 8));
    }
    // The kernel's own bytes for "no IFLA_LINKINFO" (p_link_notify seq 2007).
    let req = link_req(RTM_NEWLINK, ADD, 2007, 0, &nla_str(IFLA_IFNAME, "nk0"));
    let want = "5400000002000002d70700005c91f1dca1ffffff2800000010000506d7070000
                0000000000000000000000000000000000000000080003006e6b300018000100
                556e6b6e6f776e20646576696365207479706500";
    assert_eq!(lab.fails(&req), kernel_bytes(want, pid));
    let req = kind_req("d1", "nosuchkind", ADD, 2009, &[]);
    assert_eq!(lab.fails(&req), error_reply(&req, pid, Errno::EOPNOTSUPP, &msg_tlv("Unknown device type")));

    let heard = lab.ok(&kind_req("e0", "veth", ACK | NLM_F_CREATE, 3205, &nla_u32(IFLA_MTU, 1200)));
    let got: Vec<_> =
        heard.iter().map(|m| (Link::of(m).name(), Link::of(m).change, Link::of(m).u32(IFLA_MTU))).collect();
    assert_eq!(got, [("e0".into(), 0, Some(1200))]);
}

/// p_link_notify (c): a 16-character IFLA_IFNAME fails ifla_policy: ERANGE
/// with the policy TLVs (OFFS 32 = the attribute, POLICY {STRING, max 15}).
#[test]
fn a_name_too_long_fails_the_policy_with_its_tlvs() {
    let lab = lab();
    let (e0, _) = lab.veth("e0", "e1");
    let req = link_req(RTM_NEWLINK, ACK, 2014, e0, &nla_str(IFLA_IFNAME, "abcdefghijklmnop"));
    let tlvs = hex("27000100417474726962757465206661696c656420706f6c6963792076616c69646174696f6e00
         00080002002000000014000480080007000f000000080001000b000000");
    assert_eq!(lab.fails(&req), error_reply(&req, lab.pid(), Errno::ERANGE, &tlvs));
}

/// kernel-reference §1/§3 and p_link_more section 5: every non-GET link
/// request of a task without CAP_NET_ADMIN is EPERM, whole request copied,
/// nothing changes; GETLINK, doit and dump, is open to it.
#[test]
fn unprivileged_senders_may_read_links_but_not_change_them() {
    let lab = lab();
    let (s0, _) = lab.veth("s0", "s1");
    let user = lab.net.socket_as(SOCK_RAW, NETLINK_ROUTE as i32, Credentials::user(2000, 65534)).unwrap();
    user.bind(&addr(0, 0)).unwrap();
    let upid = portid(&user);
    for req in [
        veth_req("u0", "u1", ADD, 3400, &[], &[]),
        link_req(RTM_NEWLINK, ACK, 3401, s0, &nla_u32(IFLA_MTU, 1500)),
        link_req(RTM_SETLINK, ACK, 3402, s0, &nla_u32(IFLA_MTU, 1500)),
        link_req(RTM_DELLINK, ACK, 3403, s0, &[]),
    ] {
        assert_eq!(transact_one(&user, &req), error_reply(&req, upid, Errno::EPERM, &[]));
    }
    assert!(lab.heard().is_empty());
    user.send(&link_req(RTM_GETLINK, ACK, 3404, s0, &[]), 0).unwrap();
    let got = drain_msgs(&user);
    assert_eq!((got.len(), Link::of(&got[0]).name(), got[1].is_ack(3404)), (2, "s0".into(), true));
    user.send(&nlmsg(RTM_GETLINK, DUMP, 3405, &ifi(0)), 0).unwrap();
    let got = drain_msgs(&user);
    assert_eq!(got.iter().filter(|m| m.ty == RTM_NEWLINK).count(), 3);
    assert_eq!(got.last().map(|m| (m.ty, m.errno())), Some((NLMSG_DONE, 0)));
}

// ===========================================================================
// RTM_NEWLINK / RTM_SETLINK on an existing link
// ===========================================================================

/// p_link_notify steps 3, 5, 6, 7, 8 and p_link_more section 2, on a down
/// veth: each change that changes something is one NEWLINK with change 0
/// (flags: the flags that changed), pid 0, seq 0, even with NLM_F_ECHO;
/// the same MTU, name or txqueuelen again is only acked; the same MAC again
/// is announced again; txqueuelen and MTU in one request are two NEWLINKs.
#[test]
fn changing_a_link_announces_each_change_once() {
    let lab = lab();
    let (v0, _) = lab.veth("v0", "v1");
    let state = |l: &Link| (l.ty, l.index, l.ifi_flags, l.change, l.seq, l.pid, l.name(), l.u32(IFLA_MTU).unwrap());
    let step = |req: Vec<u8>| -> Vec<_> { lab.ok(&req).iter().map(|m| state(&Link::of(m))).collect() };
    let new =
        |flags: u32, change: u32, name: &str, mtu: u32| (RTM_NEWLINK, v0, flags, change, 0, 0, name.to_string(), mtu);

    assert_eq!(
        step(link_req(RTM_NEWLINK, ACK | NLM_F_ECHO, 1012, v0, &nla_u32(IFLA_MTU, 1400))),
        [new(0x1002, 0, "v0", 1400)]
    );
    assert_eq!(step(link_req(RTM_NEWLINK, ACK, 1011, v0, &nla_u32(IFLA_MTU, 1400))), []);
    assert_eq!(step(link_req(RTM_NEWLINK, ACK, 1020, v0, &nla_str(IFLA_IFNAME, "v0r"))), [new(0x1002, 0, "v0r", 1400)]);
    assert_eq!(step(link_req(RTM_NEWLINK, ACK, 1021, v0, &nla_str(IFLA_IFNAME, "v0r"))), []);
    let mac = nla(IFLA_ADDRESS, &[2, 0, 0, 0, 0, 2]);
    assert_eq!(step(link_req(RTM_NEWLINK, ACK, 1031, v0, &mac)), [new(0x1002, 0, "v0r", 1400)]);
    assert_eq!(step(link_req(RTM_NEWLINK, ACK, 1032, v0, &mac)), [new(0x1002, 0, "v0r", 1400)]);
    assert_eq!(lab.get(v0).get(IFLA_ADDRESS), Some(&[2, 0, 0, 0, 0, 2][..]));
    assert_eq!(step(link_req(RTM_SETLINK, ACK, 3106, v0, &nla_u32(IFLA_TXQLEN, 500))), [new(0x1002, 0, "v0r", 1400)]);
    assert_eq!(step(link_req(RTM_SETLINK, ACK, 3107, v0, &nla_u32(IFLA_TXQLEN, 500))), []);
    let both = [nla_u32(IFLA_TXQLEN, 700), nla_u32(IFLA_MTU, 1280)].concat();
    assert_eq!(
        step(link_req(RTM_NEWLINK, ACK, 3108, v0, &both)),
        [new(0x1002, 0, "v0r", 1280), new(0x1002, 0, "v0r", 1280)]
    );
    assert_eq!(lab.get(v0).u32(IFLA_TXQLEN), Some(700));

    // Up (peer down), with ECHO: one NEWLINK, change IFF_UP, nothing echoed.
    let up = nlmsg(RTM_NEWLINK, ACK | NLM_F_ECHO, 1005, &ifinfomsg(0, v0, IFF_UP, IFF_UP));
    assert_eq!(step(up.clone()), [new(0x1003, IFF_UP, "v0r", 1280)]);
    assert_eq!(step(up), [], "a no-op up is only acked");
    // Renaming a link that is up is allowed on 6.18 (no EBUSY).
    assert_eq!(step(link_req(RTM_NEWLINK, ACK, 1022, v0, &nla_str(IFLA_IFNAME, "v0u"))), [new(0x1003, 0, "v0u", 1280)]);
    // SETLINK up+MTU: the MTU's NEWLINK first, then the flags'; ifi_change 0 takes ifi_flags whole.
    let down = nlmsg(RTM_SETLINK, ACK, 3110, &ifinfomsg(0, v0, 0x1002, 0));
    assert_eq!(step(down), [new(0x1002, IFF_UP, "v0u", 1280)]);
    let up_mtu = nlmsg(RTM_SETLINK, ACK, 3109, &[ifinfomsg(0, v0, IFF_UP, IFF_UP), nla_u32(IFLA_MTU, 1400)].concat());
    assert_eq!(step(up_mtu), [new(0x1002, 0, "v0u", 1400), new(0x1003, IFF_UP, "v0u", 1400)]);
}

/// p_link_notify (c) and p_link_more section 2: errors of a change, with
/// their ext-acks; none announces anything.
#[test]
fn changing_a_link_fails_like_linux() {
    let lab = lab();
    let pid = lab.pid();
    let (e0, _) = lab.veth("e0", "e1");
    let cases: Vec<(Vec<u8>, Errno, Vec<u8>)> = vec![
        (
            link_req(RTM_NEWLINK, ACK, 2010, e0, &nla_u32(IFLA_MTU, 10)),
            Errno::EINVAL,
            msg_tlv("mtu less than device minimum"),
        ),
        (
            link_req(RTM_NEWLINK, ACK, 2011, e0, &nla_u32(IFLA_MTU, 70000)),
            Errno::EINVAL,
            msg_tlv("mtu greater than device maximum"),
        ),
        (
            link_req(RTM_SETLINK, ACK, 3105, e0, &nla_u32(IFLA_MTU, 10)),
            Errno::EINVAL,
            msg_tlv("mtu less than device minimum"),
        ),
        (link_req(RTM_NEWLINK, ACK, 2012, e0, &nla(IFLA_ADDRESS, &[1, 2, 3])), Errno::EINVAL, vec![]),
        (link_req(RTM_NEWLINK, ACK, 2013, e0, &nla_str(IFLA_IFNAME, "lo")), Errno::EEXIST, vec![]),
        (link_req(RTM_NEWLINK, ACK, 2015, e0, &nla_u32(IFLA_MASTER, 999)), Errno::EINVAL, vec![]),
        (link_req(RTM_NEWLINK, ACK, 4005, e0, &nla(IFLA_CARRIER, &[0])), Errno::EOPNOTSUPP, vec![]),
        (link_req(RTM_SETLINK, ACK, 3101, 0, &[]), Errno::EINVAL, vec![]),
        (link_req(RTM_SETLINK, ACK, 3102, 999, &[]), Errno::ENODEV, vec![]),
        (link_req(RTM_SETLINK, ACK, 3103, 0, &nla_str(IFLA_IFNAME, "nosuch")), Errno::ENODEV, vec![]),
    ];
    for (req, errno, tlvs) in cases {
        assert_eq!(lab.fails(&req), error_reply(&req, pid, errno, &tlvs), "seq {}", u32_at(&req, 8));
    }
    // The kernel's bytes for SETLINK ifindex 999 (p_link_more seq 3102).
    let want = "34000000020000001e0c0000330fabbdedffffff20000000130005001e0c0000
                0000000000000000e70300000000000000000000";
    assert_eq!(lab.fails(&link_req(RTM_SETLINK, ACK, 3102, 999, &[])), kernel_bytes(want, pid));
    let l = lab.get(e0);
    assert_eq!((l.name(), l.u32(IFLA_MTU)), ("e0".into(), Some(1500)));
    // SETLINK finds a device by name as well (p_link_more seq 3104).
    let heard =
        lab.ok(&link_req(RTM_SETLINK, ACK, 3104, 0, &[nla_str(IFLA_IFNAME, "e0"), nla_u32(IFLA_MTU, 1300)].concat()));
    assert_eq!(heard.iter().map(|m| Link::of(m).u32(IFLA_MTU)).collect::<Vec<_>>(), [Some(1300)]);
}

/// p_link_carrier (and p_link_notify steps 3–4): carrier follows the veth
/// peer. Up with the peer down: LOWERLAYERDOWN, no carrier. The peer going
/// up: its own flag change (carrier already on, still LOWERLAYERDOWN), then
/// linkwatch makes both RUNNING/UP, the peer first. One end going down: its
/// flag change, then the other end loses carrier (LOWERLAYERDOWN).
#[test]
fn carrier_follows_the_veth_peer() {
    let lab = lab();
    let (v0, v1) = lab.veth("v0", "v1");
    let state = |m: &Msg| {
        let l = Link::of(m);
        (l.index, l.ifi_flags, l.change, l.get(IFLA_OPERSTATE).unwrap()[0], l.get(IFLA_CARRIER).unwrap()[0])
    };
    let step = |index: i32, flags: u32| -> Vec<_> { lab.set_flags(index, flags).iter().map(state).collect() };
    assert_eq!(step(v0, IFF_UP), [(v0, 0x1003, 1, 3, 0)]);
    assert_eq!(step(v1, IFF_UP), [(v1, 0x11003, 1, 3, 1), (v1, 0x11043, 0, 6, 1), (v0, 0x11043, 0, 6, 1)]);
    assert_eq!(step(v0, 0), [(v0, 0x1002, 1, 2, 0), (v1, 0x1003, 0, 3, 0)]);
    assert_eq!(step(v0, IFF_UP), [(v0, 0x11003, 1, 3, 1), (v0, 0x11043, 0, 6, 1), (v1, 0x11043, 0, 6, 1)]);
    let l = lab.get(v0);
    let counts = (l.u32(IFLA_CARRIER_CHANGES), l.u32(IFLA_CARRIER_UP_COUNT), l.u32(IFLA_CARRIER_DOWN_COUNT));
    assert_eq!(counts, (Some(4), Some(2), Some(2)), "p_link_carrier: GETLINK after up, up, down, up");
    assert_eq!(l.get(IFLA_QDISC), Some(&b"noqueue\0"[..]), "an up veth has noqueue");
    // Deleting the pair while up (p_link_carrier, last step): each end goes
    // down (change RUNNING|UP, IFLA_LINK 0: already unpaired), then the DELLINKs.
    let heard = lab.ok(&link_req(RTM_DELLINK, ACK, 4006, v0, &[]));
    let got: Vec<_> = heard.iter().map(|m| (m.ty, state(m))).collect();
    assert_eq!(
        got,
        [
            (RTM_NEWLINK, (v0, 0x1002, 0x41, 2, 0)),
            (RTM_NEWLINK, (v1, 0x1002, 0x41, 2, 0)),
            (RTM_DELLINK, (v0, 0x1002, !0, 2, 0)),
            (RTM_DELLINK, (v1, 0x1002, !0, 2, 0)),
        ]
    );
    assert!(heard.iter().all(|m| Link::of(m).u32(IFLA_LINK) == Some(0)));
}

// ===========================================================================
// RTM_DELLINK and RTM_GETLINK
// ===========================================================================

/// p_link_notify steps 14–15 and p_link_more section 4: deleting one end of
/// a veth deletes both, the requested end first; each DELLINK is 680 bytes
/// (AF_SPEC empty, IFLA_LINK 0), change ~0. With NLM_F_ECHO the requester
/// gets both, then the ack, and every copy carries its seq and port.
#[test]
fn dellink_takes_both_veth_ends_and_echoes_both() {
    let lab = lab();
    let pid = lab.pid();
    let (e0, e1) = lab.veth("e0", "e1");
    let got = lab.ask(&link_req(RTM_DELLINK, ACK | NLM_F_ECHO, 2100, e0, &[]));
    let rest = |name: &str| format!("name={name} operstate=2 mtu=1500 link=0 carrier=0");
    let dels = [
        veth_line("DELLINK", 680, 2100, pid, e0, 0x1002, !0, &rest("e0")),
        veth_line("DELLINK", 680, 2100, pid, e1, 0x1002, !0, &rest("e1")),
    ];
    assert_eq!(lines(&got), [dels[0].clone(), dels[1].clone(), "ERROR seq=2100 errno=0 len=36".into()]);
    let heard = lab.heard();
    assert_eq!(lines(&heard), dels);
    let want = dellink_layout();
    assert!(heard.iter().all(|m| Link::of(m).layout() == want));
    for index in [e0, e1] {
        let req = link_req(RTM_GETLINK, NLM_F_REQUEST, 7, index, &[]);
        assert_eq!(lab.fails(&req), error_reply(&req, pid, Errno::ENODEV, &[]));
    }
    // By name, without an echo: the DELLINKs carry pid 0, seq 0 (p_link_notify step 14).
    let (v0, v1) = lab.veth("v0", "v1");
    let heard = lab.ok(&link_req(RTM_DELLINK, ACK, 1062, 0, &nla_str(IFLA_IFNAME, "v1")));
    let got: Vec<_> = heard.iter().map(|m| (m.ty, m.seq, m.pid, Link::of(m).index)).collect();
    assert_eq!(got, [(RTM_DELLINK, 0, 0, v1), (RTM_DELLINK, 0, 0, v0)]);
}

/// p_link_notify (c): DELLINK errors, the kernel's bytes (port id replaced).
#[test]
fn dellink_errors_are_the_kernels() {
    let lab = lab();
    let cases = [
        // lo has no rtnl_link_ops: EOPNOTSUPP.
        (
            link_req(RTM_DELLINK, ACK, 2020, 1, &[]),
            "3400000002000000e40700005c91f1dca1ffffff2000000011000500e4070000
             0000000000000000010000000000000000000000",
        ),
        (
            link_req(RTM_DELLINK, ACK, 2021, 999, &[]),
            "3400000002000000e50700005c91f1dcedffffff2000000011000500e5070000
             0000000000000000e70300000000000000000000",
        ),
        (
            link_req(RTM_DELLINK, ACK, 2022, 0, &[]),
            "3400000002000000e60700005c91f1dceaffffff2000000011000500e6070000
             0000000000000000000000000000000000000000",
        ),
        (
            link_req(RTM_DELLINK, ACK, 2023, 0, &nla_str(IFLA_IFNAME, "nosuch")),
            "4000000002000000e70700005c91f1dcedffffff2c00000011000500e7070000
             00000000000000000000000000000000000000000b0003006e6f737563680000",
        ),
    ];
    for (req, raw) in cases {
        assert_eq!(lab.fails(&req), kernel_bytes(raw, lab.pid()), "seq {}", u32_at(&req, 8));
    }
    assert_eq!(lab.get(1).name(), "lo");
}

/// kernel-reference §7 and p_link_notify (c): GETLINK by ifindex, by
/// IFLA_IFNAME or IFLA_ALT_IFNAME (which also matches a primary name), the
/// index winning over a name; one RTM_NEWLINK (flags 0, the request's seq,
/// the requester's port), then the ack if asked; errors as Linux's bytes.
#[test]
fn getlink_finds_one_link_or_fails_like_linux() {
    let lab = lab();
    let pid = lab.pid();
    let (e0, _) = lab.veth("e0", "e1");
    let lo = lab.get(1);
    let lo_layout = VETH_LAYOUT.replace("LINKINFO:16 ", "").replace("LINK:8 ", "");
    assert_eq!((lo.len, lo.ifi_flags, lo.layout()), (1468, IFF_LOOPBACK, lo_layout));
    let mask = nla_u32(IFLA_EXT_MASK, 9);
    let by = |ty: u16, name: &str, index: i32, flags: u16, seq: u32| {
        lab.ask(&link_req(RTM_GETLINK, flags, seq, index, &[nla_str(ty, name), mask.clone()].concat()))
    };
    let got = by(IFLA_IFNAME, "e0", 0, ACK, 2033);
    assert_eq!(got.len(), 2);
    let l = Link::of(&got[0]);
    assert_eq!((l.index, l.len, l.flags, l.seq, l.pid, l.change), (e0, 1124, 0, 2033, pid, 0));
    assert!(got[1].is_ack(2033));
    for (ty, name, index) in [(IFLA_ALT_IFNAME, "e0", 0), (IFLA_IFNAME, "lo", e0)] {
        let got = by(ty, name, index, NLM_F_REQUEST, 2035);
        assert_eq!(got.iter().map(|m| Link::of(m).index).collect::<Vec<_>>(), [e0], "{name} {index}");
    }
    let cases = [
        (
            link_req(RTM_GETLINK, ACK, 2030, 0, &[]),
            "3400000002000000ee0700005c91f1dceaffffff2000000012000500ee070000
             0000000000000000000000000000000000000000",
        ),
        (
            link_req(RTM_GETLINK, NLM_F_REQUEST, 2031, 999, &[]),
            "3400000002000000ef0700005c91f1dcedffffff2000000012000100ef070000
             0000000000000000e70300000000000000000000",
        ),
        (
            link_req(RTM_GETLINK, NLM_F_REQUEST, 2032, 0, &nla_str(IFLA_IFNAME, "nosuch")),
            "4000000002000000f00700005c91f1dcedffffff2c00000012000100f0070000
             00000000000000000000000000000000000000000b0003006e6f737563680000",
        ),
        (
            link_req(RTM_GETLINK, NLM_F_REQUEST, 2038, 0, &nla_str(IFLA_ALT_IFNAME, "nosuch")),
            "4000000002000000f60700005c91f1dcedffffff2c00000012000100f6070000
             00000000000000000000000000000000000000000b0035006e6f737563680000",
        ),
    ];
    for (req, raw) in cases {
        assert_eq!(lab.fails(&req), kernel_bytes(raw, pid), "seq {}", u32_at(&req, 8));
    }
}

// ===========================================================================
// RTM_GETLINK dumps
// ===========================================================================

/// p_link_dump's namespace: lo and 20 veth pairs, `ip link add dNa type veth
/// peer name dNb` for N in 0..20 (dNb = 2N+2, dNa = 2N+3), all down.
fn dump_lab() -> Lab {
    let lab = lab();
    for i in 0..20 {
        lab.veth(&format!("d{i}a"), &format!("d{i}b"));
    }
    lab
}

/// Reads a dump to its NLMSG_DONE: read `i` uses `sizes[i]` (the last size
/// repeating); `after(i)` runs after read `i` (0 = before the first read).
fn read_dump(s: &NetlinkSocket, sizes: &[usize], mut after: impl FnMut(usize)) -> Vec<(Vec<u8>, RecvMeta)> {
    let mut out = Vec::new();
    after(0);
    loop {
        let (d, meta) = recv_with(s, sizes[out.len().min(sizes.len() - 1)]);
        let done = meta.msg_flags & MSG_TRUNC == 0 && parse(&d).iter().any(|m| m.ty == NLMSG_DONE);
        out.push((d, meta));
        after(out.len());
        if done {
            return out;
        }
        assert!(out.len() < 100, "dump never ended");
    }
}

/// The whole messages at the start of a (possibly truncated) datagram.
fn complete(d: &[u8]) -> Vec<Msg> {
    let mut end = 0;
    while end + NLMSG_HDRLEN <= d.len() && end + u32_at(d, end) as usize <= d.len() {
        end += align4(u32_at(d, end) as usize).min(d.len() - end);
    }
    parse(&d[..end])
}

/// A datagram of a dump: (bytes, RTM_NEWLINKs, truncated).
type Chunk = (usize, usize, bool);

/// The chunks of a dump; the DONE is (20, 0, false).
fn shape(dgrams: &[(Vec<u8>, RecvMeta)]) -> Vec<Chunk> {
    dgrams
        .iter()
        .map(|(d, meta)| {
            let n = complete(d).iter().filter(|m| m.ty == RTM_NEWLINK).count();
            (d.len(), n, meta.msg_flags & MSG_TRUNC != 0)
        })
        .collect()
}

fn dump(s: &NetlinkSocket, seq: u32, payload: &[u8], sizes: &[usize]) -> Vec<(Vec<u8>, RecvMeta)> {
    s.send(&nlmsg(RTM_GETLINK, DUMP, seq, payload), 0).unwrap();
    read_dump(s, sizes, |_| {})
}

const DONE: Chunk = (20, 0, false);

/// p_link_dump section 1: the first chunk is built in send() (NLMSG_GOODSIZE:
/// lo + one veth, 2960 bytes); the next ones fit the reader's buffer; DONE
/// comes alone; a 2 KiB reader loses every message that does not fit.
#[test]
fn link_dump_chunks_follow_the_readers_buffer() {
    let lab = dump_lab();
    let cases: Vec<(usize, Vec<Chunk>)> = vec![
        (65536, vec![(2960, 2, false), (31340, 21, false), (26928, 18, false), DONE]),
        (32768, vec![(2960, 2, false), (31340, 21, false), (26928, 18, false), DONE]),
        (
            16384,
            vec![(2960, 2, false), (14920, 10, false), (14924, 10, false), (14960, 10, false), (13464, 9, false), DONE],
        ),
        (
            8192,
            [
                vec![(2960, 2, false)],
                vec![(7460, 5, false); 3],
                vec![(7464, 5, false)],
                vec![(7480, 5, false); 3],
                vec![(5984, 4, false), DONE],
            ]
            .concat(),
        ),
        (
            4096,
            [
                vec![(2960, 2, false)],
                vec![(2984, 2, false); 9],
                vec![(2988, 2, false)],
                vec![(2992, 2, false); 9],
                vec![(1496, 1, false), DONE],
            ]
            .concat(),
        ),
        (2048, [vec![(2048, 1, true); 20], vec![(1496, 1, false), DONE]].concat()),
    ];
    for (size, want) in cases {
        let s = route_socket(&lab.net, 0);
        let got = dump(&s, 5003, &ifi(0), &[size]);
        assert_eq!(shape(&got), want, "recv buffer {size}");
        let msgs: Vec<Msg> = got.iter().flat_map(|(d, _)| complete(d)).collect();
        assert!(msgs.iter().all(|m| (m.flags, m.seq, m.pid) == (NLM_F_MULTI, 5003, portid(&s))));
        assert_eq!(msgs.last().unwrap().raw[16..], [0; 4], "DONE carries errno 0");
    }
    // max_recvmsg_len is remembered: a second dump starts with a 32 KiB
    // chunk; read with 8 KiB it is truncated.
    let s = route_socket(&lab.net, 0);
    dump(&s, 5009, &ifi(0), &[32768]);
    assert_eq!(shape(&dump(&s, 5010, &ifi(0), &[32768])), [(31308, 21, false), (29920, 20, false), DONE]);
    assert_eq!(shape(&dump(&s, 5012, &ifi(0), &[8192])), [(8192, 5, true), (8192, 5, true), DONE]);
    // An rtgenmsg-only request (old tools) is a plain dump; EXT_MASK 9 makes
    // the messages smaller (no IPv6 statistics), EXT_MASK 1 changes nothing.
    let s = route_socket(&lab.net, 0);
    assert_eq!(
        shape(&dump(&s, 5013, &[0], &[32768])),
        [(2960, 2, false), (31340, 21, false), (26928, 18, false), DONE]
    );
    let s = route_socket(&lab.net, 0);
    let got = dump(&s, 5014, &[ifi(0), nla_u32(IFLA_EXT_MASK, 9)].concat(), &[32768]);
    assert_eq!(shape(&got), [(3348, 3, false), (31512, 28, false), (11280, 10, false), DONE]);
    let s = route_socket(&lab.net, 0);
    let got = dump(&s, 5015, &[ifi(0), nla_u32(IFLA_EXT_MASK, 1)].concat(), &[32768]);
    assert_eq!(shape(&got), [(2960, 2, false), (31340, 21, false), (26928, 18, false), DONE]);
}

/// p_link_dump section 3: with NETLINK_GET_STRICT_CHK a bad link dump
/// request is answered by an NLMSG_DONE (MULTI|ACK_TLVS, -EINVAL, the
/// message right after the errno), never an NLMSG_ERROR; family 2 and
/// EXT_MASK are fine. Without strict checking the same requests dump all.
#[test]
fn strict_link_dump_requests_are_refused_in_nlmsg_done() {
    let lab = dump_lab();
    let strict_socket = || {
        let s = route_socket(&lab.net, 0);
        s.setsockopt_int(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1).unwrap();
        s
    };
    let strict = strict_socket();
    let pid = portid(&strict);
    let done = |seq: u32, text: &str| {
        let mut v = nlmsg(
            NLMSG_DONE,
            NLM_F_MULTI | NLM_F_ACK_TLVS,
            seq,
            &[(-22i32).to_ne_bytes().to_vec(), msg_tlv(text)].concat(),
        );
        v[12..16].copy_from_slice(&pid.to_ne_bytes());
        v
    };
    let header = "Invalid values in header for link dump request";
    let unsupported = "Unsupported attribute in link dump request";
    let cases: Vec<(u32, Vec<u8>, Vec<u8>)> = vec![
        (
            5018,
            ifi(1),
            kernel_bytes(
                "4c000000030002029a1300000a9ea0a4eaffffff3800010046696c7465722062
             792064657669636520696e646578206e6f7420737570706f7274656420666f72206c696e6b2064756d707300",
                pid,
            ),
        ),
        (5019, ifinfomsg(0, 0, IFF_UP, 0), done(5019, header)),
        (5020, ifinfomsg(0, 0, 0, 1), done(5020, header)),
        (5021, hex("00000100 00000000 00000000 00000000"), done(5021, header)),
        (5023, hex("00010000 00000000 00000000 00000000"), done(5023, header)),
        (
            5024,
            vec![0],
            kernel_bytes(
                "3800000003000202a013000076d4b4d7eaffffff21000100496e76616c696420
             68656164657220666f72206c696e6b2064756d7000000000",
                pid,
            ),
        ),
        (5025, vec![0; 8], done(5025, "Invalid header for link dump")),
        (5026, [ifi(0), nla_u32(IFLA_MTU, 1500)].concat(), done(5026, unsupported)),
        (5027, [ifi(0), nla_str(IFLA_IFNAME, "lo")].concat(), done(5027, unsupported)),
    ];
    for (seq, payload, want) in &cases {
        strict.send(&nlmsg(RTM_GETLINK, DUMP, *seq, payload), 0).unwrap();
        assert_eq!(
            drain(&strict).into_iter().map(|(d, _)| d).collect::<Vec<_>>(),
            std::slice::from_ref(want),
            "seq {seq}"
        );
    }
    let all = [(2960, 2, false), (31340, 21, false), (26928, 18, false), DONE];
    assert_eq!(shape(&dump(&strict_socket(), 5022, &hex("02000000 00000000 00000000 00000000"), &[32768])), all);
    let s = route_socket(&lab.net, 0);
    assert_eq!(shape(&dump(&s, 5031, &ifi(1), &[32768])), all, "non-strict ignores ifi_index");
    let s = route_socket(&lab.net, 0);
    assert_eq!(shape(&dump(&s, 5032, &cases[7].1, &[32768])), all, "and attributes it does not filter on");
}

/// p_link_dump sections 3–4: IFLA_LINKINFO{KIND} keeps the links of a kind
/// (with or without NLA_F_NESTED, strict or not) and marks every message
/// NLM_F_DUMP_FILTERED (not the DONE); an unknown kind or IFLA_MASTER 0
/// filters nothing; IFLA_MASTER of a device that is no master, or of no
/// device, gives an empty dump.
#[test]
fn link_dump_filters_by_kind_and_master() {
    let lab = dump_lab();
    let kind = |k: &str, ty: u16| [ifi(0), nla(ty, &nla_str(IFLA_INFO_KIND, k))].concat();
    let veths = [(2984, 2, false), (31344, 21, false), (25432, 17, false), DONE];
    let all = [(2960, 2, false), (31340, 21, false), (26928, 18, false), DONE];
    let cases = [
        (kind("veth", IFLA_LINKINFO), &veths[..], NLM_F_MULTI | NLM_F_DUMP_FILTERED),
        (kind("veth", IFLA_LINKINFO | NLA_F_NESTED), &veths[..], NLM_F_MULTI | NLM_F_DUMP_FILTERED),
        (kind("nosuch", IFLA_LINKINFO | NLA_F_NESTED), &all[..], NLM_F_MULTI),
        ([ifi(0), nla_u32(IFLA_MASTER, 0)].concat(), &all[..], NLM_F_MULTI),
        ([ifi(0), nla_u32(IFLA_MASTER, 13)].concat(), &[DONE][..], NLM_F_MULTI),
        ([ifi(0), nla_u32(IFLA_MASTER, 999)].concat(), &[DONE][..], NLM_F_MULTI),
    ];
    for (i, (payload, want, flags)) in cases.iter().enumerate() {
        for strict in [1, 0] {
            // A fresh socket each time: max_recvmsg_len would change the chunks.
            let s = route_socket(&lab.net, 0);
            s.setsockopt_int(SOL_NETLINK, NETLINK_GET_STRICT_CHK, strict).unwrap();
            let got = dump(&s, 5040 + i as u32, payload, &[32768]);
            assert_eq!(shape(&got), *want, "case {i}");
            let msgs: Vec<Msg> = got.iter().flat_map(|(d, _)| parse(d)).collect();
            assert!(msgs.iter().filter(|m| m.ty == RTM_NEWLINK).all(|m| m.flags == *flags), "case {i}");
            assert_eq!(msgs.last().map(|m| (m.ty, m.flags)), Some((NLMSG_DONE, NLM_F_MULTI)), "case {i}");
        }
    }
}

/// p_link_dump section 5: adding or deleting a link during a dump sets
/// NLM_F_DUMP_INTR on the first message of the next chunk built, and only
/// there (never on DONE); an MTU change or a rename does not.
#[test]
fn dump_intr_marks_the_first_message_built_after_a_change() {
    let lab = dump_lab();
    let intr = |dgrams: &[(Vec<u8>, RecvMeta)]| -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (i, (d, _)) in dgrams.iter().enumerate() {
            for (j, m) in parse(d).iter().enumerate() {
                if m.flags & NLM_F_DUMP_INTR != 0 {
                    out.push((i + 1, j + 1));
                }
            }
        }
        out
    };
    let n = std::cell::Cell::new(0);
    let change = |what: &str| {
        n.set(n.get() + 1);
        let k = n.get();
        match what {
            "add" => drop(lab.veth(&format!("x{k}a"), &format!("x{k}b"))),
            "del" => drop(lab.ok(&link_req(RTM_DELLINK, ACK, 3, 0, &nla_str(IFLA_IFNAME, &format!("d{k}a"))))),
            "mtu" => drop(lab.ok(&link_req(
                RTM_NEWLINK,
                ACK,
                4,
                0,
                &[nla_str(IFLA_IFNAME, "d15a"), nla_u32(IFLA_MTU, 1300 + k)].concat(),
            ))),
            _ => drop(lab.ok(&link_req(RTM_NEWLINK, ACK, 5, 35, &nla_str(IFLA_IFNAME, &format!("d16z{k}"))))),
        }
    };
    for (what, at, want) in [
        ("add", 1, vec![(3, 1)]),
        ("del", 1, vec![(3, 1)]),
        ("mtu", 1, vec![]),
        ("rename", 1, vec![]),
        ("add", 0, vec![(2, 1)]),
        ("del", 0, vec![(2, 1)]),
    ] {
        let s = route_socket(&lab.net, 0);
        s.send(&nlmsg(RTM_GETLINK, DUMP, 5048, &ifi(0)), 0).unwrap();
        let got = read_dump(&s, &[32768], |i| {
            if i == at {
                change(what)
            }
        });
        assert_eq!(intr(&got), want, "{what} after read {at}");
    }
}

// ===========================================================================
// Namespaces: veth pairs across them, moving links, a namespace's death
// ===========================================================================

/// A listener in another namespace. It binds a port of its own: the first
/// socket of every namespace would autobind the requester's port id, and an
/// echo to that port would then land on it (LINKS.md: two listeners in
/// different namespaces autobound to the same port).
fn far_listener(net: &NetRef) -> NetlinkSocket {
    let s = net.socket(NETLINK_ROUTE).unwrap();
    s.bind(&addr(7565, (1 << (RTNLGRP_LINK - 1)) | (1 << (RTNLGRP_NSID - 1)))).unwrap();
    s
}

/// p_link_more section 7: a veth whose peer is made in another namespace
/// (VETH_INFO_PEER{IFLA_NET_NS_FD}). Here: RTM_NEWNSID (the other namespace
/// gets id 0), then the device's NEWLINK (1500 bytes: IFLA_LINK_NETNSID 0,
/// IFLA_LINK = the peer's ifindex there). There: the peer's NEWLINK (1492,
/// LINK 0), no NSID until a message of that namespace needs one.
#[test]
fn a_veth_peer_made_in_another_namespace() {
    let lab = lab();
    let b = lab.k.netns_add("b").unwrap();
    let lb = far_listener(&b);
    let heard = lab.ok(&veth_req("ca", "cb", ADD, 3600, &[], &nla_u32(IFLA_NET_NS_FD, b.ns_fd() as u32)));
    let rest = |name: &str, tail: &str| format!("name={name} operstate=2 mtu=1500{tail} carrier=0");
    assert_eq!(
        lines(&heard),
        [
            "NEWNSID len=28 nsid=0".to_string(),
            veth_line("NEWLINK", 1500, 0, 0, 2, 0x1002, !0, &rest("ca", " link_netnsid=0 link=2"))
        ]
    );
    assert_eq!(lines(&drain_msgs(&lb)), [veth_line("NEWLINK", 1492, 0, 0, 2, 0x1002, !0, &rest("cb", " link=0"))]);
    let ca = lab.get(2);
    let layout = VETH_LAYOUT.replace("LINKINFO:16 LINK:8", "LINKINFO:16 LINK_NETNSID:8 LINK:8");
    assert_eq!((ca.len, ca.layout()), (1500, layout));

    // From the other side: cb names ca's namespace, which now gets an id there.
    let rb = b.socket(NETLINK_ROUTE).unwrap();
    rb.send(&link_req(RTM_GETLINK, NLM_F_REQUEST, 3602, 0, &nla_str(IFLA_IFNAME, "cb")), 0).unwrap();
    assert_eq!(
        lines(&drain_msgs(&rb)),
        [veth_line("NEWLINK", 1500, 3602, portid(&rb), 2, 0x1002, 0, &rest("cb", " link_netnsid=0 link=2"))]
    );
    assert_eq!(lines(&drain_msgs(&lb)), ["NEWNSID len=28 nsid=0"]);

    // IFLA_TARGET_NETNSID: GETLINK and dumps of the other namespace, seen
    // from here. The reply starts with IFLA_TARGET_NETNSID; cb's link
    // namespace is the requester's own, which needs an id here for that (1).
    let pid = lab.pid();
    let target = nla(IFLA_TARGET_NETNSID, &0i32.to_ne_bytes());
    let got =
        lab.ask(&link_req(RTM_GETLINK, NLM_F_REQUEST, 3603, 0, &[nla_str(IFLA_IFNAME, "cb"), target.clone()].concat()));
    assert_eq!(
        lines(&got),
        [veth_line("NEWLINK", 1508, 3603, pid, 2, 0x1002, 0, &rest("cb", " link_netnsid=1 link=2"))]
    );
    assert_eq!(Link::of(&got[0]).attrs[0], (IFLA_TARGET_NETNSID, 0i32.to_ne_bytes().to_vec()));
    assert_eq!(lines(&lab.heard()), ["NEWNSID len=28 nsid=1"]);
    lab.req.send(&nlmsg(RTM_GETLINK, DUMP, 3604, &[ifi(0), target].concat()), 0).unwrap();
    let got = drain(&lab.req);
    let shape: Vec<Vec<(i32, usize)>> = got
        .iter()
        .map(|(d, _)| {
            parse(d)
                .iter()
                .map(|m| if m.ty == NLMSG_DONE { (-1, m.raw.len()) } else { (Link::of(m).index, m.raw.len()) })
                .collect()
        })
        .collect();
    assert_eq!(shape, [vec![(1, 1476), (2, 1508)], vec![(-1, 20)]]);
    // An id no namespace has is EINVAL (p_link_more seq 3610).
    let req = link_req(RTM_GETLINK, ACK, 3610, 1, &nla(IFLA_TARGET_NETNSID, &7i32.to_ne_bytes()));
    let want = "3c000000020000001a0e0000330fabbdeaffffff28000000120005001a0e0000
                000000000000000001000000000000000000000008002e0007000000";
    assert_eq!(lab.fails(&req), kernel_bytes(want, pid));
}

/// p_link_more section 7: IFLA_TARGET_NETNSID or a top-level IFLA_NET_NS_FD
/// on a create puts the device there and leaves its peer (which names no
/// namespace) here; IFLA_NET_NS_PID names a process's namespace; two
/// namespace attributes at once are EINVAL with a message; a descriptor
/// that is no namespace is EBADF.
#[test]
fn create_requests_name_namespaces_three_ways() {
    let lab = lab();
    let pid = lab.pid();
    let b = lab.k.netns_add("b").unwrap();
    let lb = far_listener(&b);
    let fd = nla_u32(IFLA_NET_NS_FD, b.ns_fd() as u32);
    lab.ok(&veth_req("ca", "cb", ADD, 3600, &[], &fd));
    // As in the probe, the other namespace has given this one an id (0) before.
    let rb = b.socket(NETLINK_ROUTE).unwrap();
    rb.send(&link_req(RTM_GETLINK, NLM_F_REQUEST, 3602, 0, &nla_str(IFLA_IFNAME, "cb")), 0).unwrap();
    drain_msgs(&rb);
    assert_eq!(lines(&drain_msgs(&lb)).last().map(String::as_str), Some("NEWNSID len=28 nsid=0"));
    let brief = |msgs: &[Msg]| -> Vec<(String, usize, Option<u32>, Option<u32>)> {
        msgs.iter().map(Link::of).map(|l| (l.name(), l.len, l.u32(IFLA_LINK_NETNSID), l.u32(IFLA_LINK))).collect()
    };
    for (seq, name, peer, attrs) in
        [(3606, "ta", "tb", nla(IFLA_TARGET_NETNSID, &0i32.to_ne_bytes())), (3607, "na", "nb", fd.clone())]
    {
        let heard = lab.ok(&veth_req(name, peer, ADD, seq, &attrs, &[]));
        let here = brief(&heard);
        assert_eq!(here, [(peer.to_string(), 1492, None, Some(0))], "{name}");
        let there = brief(&drain_msgs(&lb));
        assert_eq!(there, [(name.to_string(), 1500, Some(0), Some(Link::of(&heard[0]).index as u32))], "{name}");
    }
    // IFLA_NET_NS_PID of a process of init_net, from the other namespace.
    let nspid = nla_u32(IFLA_NET_NS_PID, lab.k.config().pid);
    rb.send(&veth_req("da", "db", ADD, 3605, &[], &nspid), 0).unwrap();
    assert!(drain_msgs(&rb)[0].is_ack(3605));
    assert_eq!(brief(&lab.heard()), [("db".into(), 1492, None, Some(0))]);
    assert_eq!(
        brief(&drain_msgs(&lb)).iter().map(|t| (t.0.clone(), t.1, t.2)).collect::<Vec<_>>(),
        [("da".into(), 1500, Some(0))]
    );

    let req = veth_req("zz", "zy", ADD, 3608, &[fd.clone(), nspid].concat(), &[]);
    let tlv = msg_tlv("multiple netns identifying attributes specified");
    assert_eq!(lab.fails(&req), error_reply(&req, pid, Errno::EINVAL, &tlv));
    let req = veth_req("zz", "zy", ADD, 3609, &[], &nla_u32(IFLA_NET_NS_FD, 9999));
    assert_eq!(lab.fails(&req), error_reply(&req, pid, Errno::EBADF, &[]));
    assert!(drain_msgs(&lb).is_empty());
}

/// p_link_more seq 3611: DELLINK of the far end by IFLA_TARGET_NETNSID and
/// name, with NLM_F_ECHO. Both ends go; each namespace's listeners get their
/// end's DELLINK with the requester's seq and port, but the echo only
/// reaches the requester from its own namespace (the far end's unicast is
/// looked up among the ports of the far namespace).
#[test]
fn dellink_of_a_far_end_echoes_the_near_one() {
    let lab = lab();
    let pid = lab.pid();
    let b = lab.k.netns_add("b").unwrap();
    let lb = far_listener(&b);
    lab.ok(&veth_req("ca", "cb", ADD, 3600, &[], &nla_u32(IFLA_NET_NS_FD, b.ns_fd() as u32)));
    drain_msgs(&lb);
    let attrs = [nla_str(IFLA_IFNAME, "cb"), nla(IFLA_TARGET_NETNSID, &0i32.to_ne_bytes())].concat();
    let got = lab.ask(&link_req(RTM_DELLINK, ACK | NLM_F_ECHO, 3611, 0, &attrs));
    let rest = |name: &str| format!("name={name} operstate=2 mtu=1500 link=0 carrier=0");
    let near = veth_line("DELLINK", 680, 3611, pid, 2, 0x1002, !0, &rest("ca"));
    assert_eq!(lines(&got), [near.clone(), "ERROR seq=3611 errno=0 len=36".into()]);
    assert_eq!(lines(&lab.heard()), [near]);
    assert_eq!(lines(&drain_msgs(&lb)), [veth_line("DELLINK", 680, 3611, pid, 2, 0x1002, !0, &rest("cb"))]);
}

/// p_link_notify step 13 and p_link_more seq 3612–3614: moving a device with
/// IFLA_NET_NS_FD. The old namespace gets RTM_NEWNSID (first use of an id)
/// and a DELLINK with IFLA_NEW_NETNSID and IFLA_NEW_IFINDEX (696 bytes, or
/// 704 when the peer is elsewhere: LINK_NETNSID too); the new one RTM_NEWNSID
/// and a NEWLINK (change ~0). The ifindex is kept unless IFLA_NEW_IFINDEX
/// says otherwise; the peer is not told; nothing is echoed; lo cannot move.
/// p_link_uevent: the old namespace sees "remove", the new one "add", no
/// queue events.
#[test]
fn moving_a_link_to_another_namespace() {
    let lab = lab();
    let b = lab.k.netns_add("b").unwrap();
    let lb = far_listener(&b);
    let ua = uevent_listener(&lab.net);
    let ub = uevent_listener(&b);
    let (v2, v3) = lab.veth("v2", "v3");
    uevents(&ua);
    let fd = nla_u32(IFLA_NET_NS_FD, b.ns_fd() as u32);
    let rest = |name: &str, tail: &str| format!("name={name} operstate=2 mtu=1500{tail} carrier=0");
    let heard = lab.ok(&link_req(RTM_NEWLINK, ACK, 1050, v3, &fd));
    let del = veth_line(
        "DELLINK",
        696,
        0,
        0,
        v3,
        0x1002,
        !0,
        &rest("v3", &format!(" new_netnsid=0 new_ifindex={v3} link={v2}")),
    );
    assert_eq!(lines(&heard), ["NEWNSID len=28 nsid=0".to_string(), del]);
    let new = veth_line("NEWLINK", 1500, 0, 0, v3, 0x1002, !0, &rest("v3", &format!(" link_netnsid=0 link={v2}")));
    assert_eq!(lines(&drain_msgs(&lb)), ["NEWNSID len=28 nsid=0".to_string(), new]);
    let texts = |l: &NetlinkSocket| uevents(l).into_iter().map(|(t, _)| t).collect::<Vec<_>>();
    assert_eq!(texts(&ua), [ue_dev("remove", "v3", v3)]);
    assert_eq!(texts(&ub), [ue_dev("add", "v3", v3)]);
    assert_eq!(lab.get(v2).u32(IFLA_LINK_NETNSID), Some(0), "the peer now names the other namespace");

    // The other end follows, with an echo asked for: none comes.
    let got = lab.ask(&link_req(RTM_NEWLINK, ACK | NLM_F_ECHO, 3612, v2, &fd));
    assert_eq!(lines(&got), ["ERROR seq=3612 errno=0 len=36"]);
    let del = veth_line(
        "DELLINK",
        704,
        0,
        0,
        v2,
        0x1002,
        !0,
        &rest("v2", &format!(" link_netnsid=0 new_netnsid=0 new_ifindex={v2} link={v3}")),
    );
    assert_eq!(lines(&lab.heard()), [del]);
    assert_eq!(
        lines(&drain_msgs(&lb)),
        [veth_line("NEWLINK", 1492, 0, 0, v2, 0x1002, !0, &rest("v2", &format!(" link={v3}")))]
    );

    // IFLA_NEW_IFINDEX picks the index in the new namespace.
    let (s0, s1) = lab.veth("s0", "s1");
    drain_msgs(&lb);
    let heard = lab.ok(&link_req(
        RTM_NEWLINK,
        ACK,
        3613,
        s0,
        &[fd.clone(), nla(IFLA_NEW_IFINDEX, &77i32.to_ne_bytes())].concat(),
    ));
    assert_eq!(
        lines(&heard),
        [veth_line(
            "DELLINK",
            696,
            0,
            0,
            s0,
            0x1002,
            !0,
            &rest("s0", &format!(" new_netnsid=0 new_ifindex=77 link={s1}"))
        )]
    );
    assert_eq!(
        lines(&drain_msgs(&lb)),
        [veth_line("NEWLINK", 1500, 0, 0, 77, 0x1002, !0, &rest("s0", &format!(" link_netnsid=0 link={s1}")))]
    );

    let req = link_req(RTM_NEWLINK, ACK, 3614, 1, &fd);
    let want = "64000000020000021e0e0000330fabbdeaffffff28000000100005001e0e0000
                000000000000000001000000000000000000000008001c000300000025000100
                54686520696e74657266616365206e65746e7320697320696d6d757461626c65
                00000000";
    let mut want = kernel_bytes(want, lab.pid());
    want[56..60].copy_from_slice(&(b.ns_fd() as u32).to_ne_bytes()); // the probe's descriptor was 3
    assert_eq!(lab.fails(&req), want);
}

/// p_link_more section 8: when a namespace dies, RTM_DELNSID tells the
/// namespaces that had an id for it, then its devices unregister — a veth
/// takes its peer along wherever it is (DELLINK 680 bytes, no LINK_NETNSID:
/// the pair is already cut), with that end's uevents. A namespace lives
/// while a socket in it is open.
#[test]
fn a_dying_namespace_takes_its_veth_peers_along() {
    let lab = lab();
    let ua = uevent_listener(&lab.net);
    let c = lab.k.netns_add("c").unwrap();
    let fd = c.ns_fd();
    let heard = lab.ok(&veth_req("xa", "xb", ADD, 3700, &[], &nla_u32(IFLA_NET_NS_FD, fd as u32)));
    let xa = Link::of(&heard[1]).index;
    let rc = route_socket(&c, 0);
    rc.send(&veth_req("ya", "yb", ADD, 1, &[], &[]), 0).unwrap();
    assert!(drain_msgs(&rc)[0].is_ack(1));
    uevents(&ua);
    assert_eq!(lab.k.net_count(), 2);

    drop(c);
    lab.k.netns_del("c").unwrap();
    assert_eq!(lab.k.net_count(), 2, "the open socket keeps the namespace");
    assert!(lab.heard().is_empty());
    assert_eq!(lab.get(xa).name(), "xa");

    drop(rc);
    assert_eq!(lab.k.net_count(), 1);
    let rest = "name=xa operstate=2 mtu=1500 link=0 carrier=0";
    assert_eq!(
        lines(&lab.heard()),
        ["DELNSID len=28 nsid=0".to_string(), veth_line("DELLINK", 680, 0, 0, xa, 0x1002, !0, rest)]
    );
    assert_eq!(uevents(&ua).into_iter().map(|(t, _)| t).collect::<Vec<_>>(), ue_veth_del("xa", xa));
    // The namespace's descriptor is gone with it.
    let req = veth_req("za", "zb", ADD, 3701, &[], &nla_u32(IFLA_NET_NS_FD, fd as u32));
    assert_eq!(lab.fails(&req), error_reply(&req, lab.pid(), Errno::EBADF, &[]));
    let got = lab.ask(&nlmsg(RTM_GETLINK, DUMP, 5, &ifi(0)));
    assert_eq!(got.iter().filter(|m| m.ty == RTM_NEWLINK).map(|m| Link::of(m).name()).collect::<Vec<_>>(), ["lo"]);
}

// ===========================================================================
// Groups, strict GETLINK, creation corner cases, attributes
// ===========================================================================

/// p_link_more2 "groups": IFLA_GROUP on a down link announces nothing, on
/// an up one a NEWLINK; NEWLINK with IFLA_GROUP and no link changes every
/// member (an up member twice: the MTU's NEWLINK, then the group's state
/// change); DELLINK by group takes every member and its veth peer, in
/// ifindex order; group 0 is EPERM, an empty group ENODEV, a group with a
/// link that cannot be deleted EOPNOTSUPP.
#[test]
fn links_are_changed_and_deleted_by_group() {
    let lab = lab();
    let pid = lab.pid();
    let (g0, g1) = lab.veth("g0", "g1");
    let (h0, h1) = lab.veth("h0", "h1");
    let group = |n: u32| nla_u32(IFLA_GROUP, n);
    assert!(lab.ok(&link_req(RTM_NEWLINK, ACK, 5002, g0, &group(7))).is_empty());
    lab.set_flags(h0, IFF_UP);
    let brief = |msgs: Vec<Msg>| -> Vec<(u16, i32, u32, u32)> {
        msgs.iter().map(Link::of).map(|l| (l.ty, l.index, l.change, l.u32(IFLA_MTU).unwrap())).collect()
    };
    assert_eq!(brief(lab.ok(&link_req(RTM_NEWLINK, ACK, 5004, h0, &group(7)))), [(RTM_NEWLINK, h0, 0, 1500)]);
    assert_eq!(lab.get(h0).u32(IFLA_GROUP), Some(7));
    let req = link_req(RTM_NEWLINK, ACK, 5005, 0, &[group(7), nla_u32(IFLA_MTU, 1300)].concat());
    assert_eq!(
        brief(lab.ok(&req)),
        [(RTM_NEWLINK, g0, 0, 1300), (RTM_NEWLINK, h0, 0, 1300), (RTM_NEWLINK, h0, 0, 1300)]
    );
    assert!(lab.ok(&link_req(RTM_NEWLINK, ACK, 5006, 0, &[group(9), nla_u32(IFLA_MTU, 1300)].concat())).is_empty());
    for (seq, n, errno) in [(5007, 0, Errno::EPERM), (5008, 9, Errno::ENODEV)] {
        let req = link_req(RTM_DELLINK, ACK, seq, 0, &group(n));
        assert_eq!(lab.fails(&req), error_reply(&req, pid, errno, &[]));
    }
    assert!(lab.ok(&link_req(RTM_NEWLINK, ACK, 5009, 1, &group(5))).is_empty());
    let req = link_req(RTM_DELLINK, ACK, 5010, 0, &group(5));
    let want = "3c0000000200000092130000c219c4fda1ffffff280000001100050092130000
                000000000000000000000000000000000000000008001b0005000000";
    assert_eq!(lab.fails(&req), kernel_bytes(want, pid));
    let got = brief(lab.ok(&link_req(RTM_DELLINK, ACK, 5011, 0, &group(7))));
    let dels = [
        (RTM_DELLINK, g0, !0, 1300),
        (RTM_DELLINK, g1, !0, 1500),
        (RTM_DELLINK, h0, !0, 1300),
        (RTM_DELLINK, h1, !0, 1500),
    ];
    assert_eq!(got, [&[(RTM_NEWLINK, h0, 0x41, 1300)][..], &dels].concat());
}

/// p_link_more2 "strict GETLINK": with NETLINK_GET_STRICT_CHK the doit
/// checks the header and the attributes (only names, EXT_MASK and
/// TARGET_NETNSID may come); errors are NLMSG_ERRORs with a message.
#[test]
fn strict_getlink_checks_its_request() {
    let lab = lab();
    let (s0, _) = lab.veth("s0", "s1");
    let s = route_socket(&lab.net, 0);
    s.setsockopt_int(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1).unwrap();
    let pid = portid(&s);
    let cases = [
        (ifinfomsg(0, s0, 1, 0), "Invalid values in header for get link request"),
        (ifinfomsg(0, s0, 0, 1), "Invalid values in header for get link request"),
        (ifi(s0)[..8].to_vec(), "Invalid header for get link"),
        ([ifi(s0), nla_u32(IFLA_MTU, 1500)].concat(), "Unsupported attribute in get link request"),
    ];
    for (payload, text) in cases {
        let req = nlmsg(RTM_GETLINK, NLM_F_REQUEST, 5101, &payload);
        assert_eq!(transact_one(&s, &req), error_reply(&req, pid, Errno::EINVAL, &msg_tlv(text)), "{text}");
    }
    for (payload, len) in
        [([ifi(s0), nla_u32(IFLA_EXT_MASK, 9)].concat(), 1124), ([&[2u8][..], &ifi(s0)[1..]].concat(), 1492)]
    {
        s.send(&nlmsg(RTM_GETLINK, NLM_F_REQUEST, 5101, &payload), 0).unwrap();
        assert_eq!(drain_msgs(&s).iter().map(|m| (m.ty, m.raw.len())).collect::<Vec<_>>(), [(RTM_NEWLINK, len)]);
    }
}

/// p_link_more2 "veth creation corners": without peer data the peer takes
/// the device's attributes, a top-level IFLA_NET_NS_FD included (both ends
/// there, the peer named veth0); IFLA_NUM_TX_QUEUES keeps the device's tx
/// queues (and, through veth_init_queues(peer, tb), the peer's); a peer name
/// that is taken or invalid fails before anything is registered; a device
/// name equal to the peer's fails after the peer came and went.
#[test]
fn veth_creation_corner_cases() {
    let lab = lab();
    let pid = lab.pid();
    let b = lab.k.netns_add("b").unwrap();
    let lb = far_listener(&b);
    let ua = uevent_listener(&lab.net);
    let kind = nla(IFLA_LINKINFO, &nla_str(IFLA_INFO_KIND, "veth"));
    let fd = nla_u32(IFLA_NET_NS_FD, b.ns_fd() as u32);
    assert!(lab.ok(&link_req(RTM_NEWLINK, ADD, 5200, 0, &[nla_str(IFLA_IFNAME, "t0"), fd, kind].concat())).is_empty());
    let there: Vec<_> =
        drain_msgs(&lb).iter().map(Link::of).map(|l| (l.name(), l.index, l.len, l.u32(IFLA_LINK))).collect();
    assert_eq!(there, [("veth0".into(), 2, 1496, Some(0)), ("t0".into(), 3, 1492, Some(2))]);
    assert!(uevents(&ua).is_empty());

    lab.ok(&veth_req("q0", "q1", ADD, 5201, &nla_u32(IFLA_NUM_TX_QUEUES, 3), &[]));
    let got: Vec<String> = uevents(&ua).into_iter().map(|(t, _)| t).collect();
    let mut want = ue_veth_add("q1", 2);
    want.push(ue_dev("add", "q0", 3));
    want.extend(["rx-0", "rx-1", "tx-0", "tx-1", "tx-2"].map(|x| ue_queue("add", "q0", x)));
    want.extend([ue_queue("remove", "q0", "rx-1"), ue_queue("remove", "q1", "rx-1")]);
    assert_eq!(got, want);
    assert_eq!(lab.get(3).u32(IFLA_NUM_TX_QUEUES), Some(3));

    for (req, errno) in [
        (veth_req("p0", "q0", ADD, 5202, &[], &[]), Errno::EEXIST),
        (veth_req("p0", "a/b", ADD, 5204, &[], &[]), Errno::EINVAL),
    ] {
        assert_eq!(lab.fails(&req), error_reply(&req, pid, errno, &[]));
        assert!(uevents(&ua).is_empty());
    }
    let req = veth_req("same", "same", ADD, 5203, &[], &[]);
    assert_eq!(transact_one(&lab.req, &req), error_reply(&req, pid, Errno::EEXIST, &[]));
    let got: Vec<_> = lab.heard().iter().map(Link::of).map(|l| (l.ty, l.name(), l.len)).collect();
    assert_eq!(got, [(RTM_NEWLINK, "same".to_string(), 1496), (RTM_DELLINK, "same".to_string(), 684)]);
    let got: Vec<String> = uevents(&ua).into_iter().map(|(t, _)| t[..t.find('|').unwrap()].to_string()).collect();
    let path = |act: &str, q: &str| format!("{act}@/devices/virtual/net/same{q}");
    let queues = |act: &str, order: [&str; 4]| order.map(|x| path(act, &format!("/queues/{x}")));
    let want = [
        vec![path("add", "")],
        queues("add", ["rx-0", "rx-1", "tx-0", "tx-1"]).to_vec(),
        queues("remove", ["rx-1", "rx-0", "tx-1", "tx-0"]).to_vec(),
        vec![path("remove", "")],
    ]
    .concat();
    assert_eq!(got, want, "the peer never got to veth_init_queues");
}

/// p_link_more2 "misc attributes": IFLA_IFALIAS and IFLA_LINKMODE on a down
/// link announce nothing (state changes are only told while up) but the
/// alias shows in GETLINK; IFLA_TXQLEN 0 is a change; a rename to a
/// template takes its first free name (uevent "move"); a multicast or
/// all-zero MAC is EADDRNOTAVAIL; IFLA_PROTO_DOWN is refused.
#[test]
fn attributes_that_change_quietly_or_fail() {
    let lab = lab();
    let pid = lab.pid();
    let ua = uevent_listener(&lab.net);
    let (s0, _) = lab.veth("s0", "s1");
    uevents(&ua);
    assert!(lab.ok(&link_req(RTM_NEWLINK, ACK, 5300, s0, &nla_str(IFLA_IFALIAS, "hello"))).is_empty());
    let l = lab.get(s0);
    assert_eq!((l.len, l.get(IFLA_IFALIAS)), (1504, Some(&b"hello\0"[..])));
    assert!(lab.ok(&link_req(RTM_NEWLINK, ACK, 5302, s0, &nla(IFLA_IFALIAS, &[]))).is_empty());
    assert_eq!((lab.get(s0).len, lab.get(s0).get(IFLA_IFALIAS)), (1492, None));
    assert!(lab.ok(&link_req(RTM_NEWLINK, ACK, 5304, s0, &nla(IFLA_LINKMODE, &[1]))).is_empty());
    assert_eq!(lab.get(s0).get(IFLA_LINKMODE), Some(&[1][..]));
    let heard = lab.ok(&link_req(RTM_NEWLINK, ACK, 5305, s0, &nla_u32(IFLA_TXQLEN, 0)));
    assert_eq!(heard.iter().map(|m| Link::of(m).u32(IFLA_TXQLEN)).collect::<Vec<_>>(), [Some(0)]);
    let heard = lab.ok(&link_req(RTM_NEWLINK, ACK, 5306, s0, &nla_str(IFLA_IFNAME, "r%d")));
    assert_eq!(heard.iter().map(|m| (Link::of(m).name(), Link::of(m).change)).collect::<Vec<_>>(), [("r0".into(), 0)]);
    let path = |n: &str| format!("/devices/virtual/net/{n}");
    let mv = format!(
        "move@{}|ACTION=move|DEVPATH={}|SUBSYSTEM=net|DEVPATH_OLD={}|INTERFACE=r0|IFINDEX={s0}|",
        path("r0"),
        path("r0"),
        path("s0")
    );
    assert_eq!(uevents(&ua).into_iter().map(|(t, _)| t).collect::<Vec<_>>(), [mv]);
    for (seq, mac) in [(5307, [1, 0, 0, 0, 0, 1]), (5308, [0; 6])] {
        let req = link_req(RTM_NEWLINK, ACK, seq, s0, &nla(IFLA_ADDRESS, &mac));
        assert_eq!(lab.fails(&req), error_reply(&req, pid, Errno::EADDRNOTAVAIL, &[]));
    }
    // A veth has no `change_proto_down` (p_link_more2 seq 5303).
    let req = link_req(RTM_NEWLINK, ACK, 5303, s0, &nla(IFLA_PROTO_DOWN, &[1]));
    let text = msg_tlv("Protodown not supported by device");
    assert_eq!(lab.fails(&req), error_reply(&req, pid, Errno::EOPNOTSUPP, &text));
    assert_eq!(lab.get(s0).get(IFLA_PROTO_DOWN), Some(&[0][..]));
}

/// p_link_more2 "moves that clash": a name taken in the target namespace is
/// EEXIST with a message, unless IFLA_IFNAME gives a template — then the
/// device arrives as mm0 and the same request's rename step, seeing the
/// template again, renames it to mm1 (two NEWLINKs there). A plain name that
/// is taken there is EEXIST with another message.
#[test]
fn moves_that_clash_with_a_name_in_the_target() {
    let lab = lab();
    let pid = lab.pid();
    let b = lab.k.netns_add("b").unwrap();
    let lb = far_listener(&b);
    let rb = route_socket(&b, 0);
    rb.send(&veth_req("m0", "m1", ADD, 1, &[], &[]), 0).unwrap();
    drain_msgs(&rb);
    drain_msgs(&lb);
    lab.veth("x0", "x1"); // so that m0's ifindex is free there, as in the probe
    let (m0, m1) = lab.veth("m0", "m1");
    let fd = nla_u32(IFLA_NET_NS_FD, b.ns_fd() as u32);
    let req = link_req(RTM_NEWLINK, ACK, 5401, m0, &fd);
    let text = msg_tlv("An interface with the same name exists in the target netns");
    assert_eq!(lab.fails(&req), error_reply(&req, pid, Errno::EEXIST, &text));
    let heard = lab.ok(&link_req(RTM_NEWLINK, ACK, 5402, m0, &[fd.clone(), nla_str(IFLA_IFNAME, "mm%d")].concat()));
    assert_eq!(
        lines(&heard)[1..],
        [veth_line(
            "DELLINK",
            696,
            0,
            0,
            m0,
            0x1002,
            !0,
            &format!("name=m0 operstate=2 mtu=1500 new_netnsid=0 new_ifindex={m0} link={m1} carrier=0")
        )]
    );
    let there: Vec<_> = drain_msgs(&lb)
        .iter()
        .filter(|m| m.ty == RTM_NEWLINK)
        .map(Link::of)
        .map(|l| (l.name(), l.index, l.change, l.len))
        .collect();
    assert_eq!(there, [("mm0".into(), m0, !0, 1500), ("mm1".into(), m0, 0, 1500)]);
    let req = link_req(RTM_SETLINK, ACK, 5403, m1, &[fd, nla_str(IFLA_IFNAME, "m1")].concat());
    let text = msg_tlv("Unable to use 'm1' for the new interface name in the target netns");
    assert_eq!(lab.fails(&req), error_reply(&req, pid, Errno::EEXIST, &text));
}

// ===========================================================================
// Uevents (NETLINK_KOBJECT_UEVENT)
// ===========================================================================

fn ue_dev(act: &str, name: &str, index: i32) -> String {
    let path = format!("/devices/virtual/net/{name}");
    format!("{act}@{path}|ACTION={act}|DEVPATH={path}|SUBSYSTEM=net|INTERFACE={name}|IFINDEX={index}|")
}

fn ue_queue(act: &str, name: &str, queue: &str) -> String {
    let path = format!("/devices/virtual/net/{name}/queues/{queue}");
    format!("{act}@{path}|ACTION={act}|DEVPATH={path}|SUBSYSTEM=queues|")
}

/// What `ip link add` of a veth pair makes a namespace's uevent listener
/// see for one end: the device, its rx and tx queues (two each: one per
/// CPU), and, once the device is in place, the second queues going.
fn ue_veth_add(name: &str, index: i32) -> Vec<String> {
    let mut v = vec![ue_dev("add", name, index)];
    v.extend(["rx-0", "rx-1", "tx-0", "tx-1"].map(|q| ue_queue("add", name, q)));
    v
}

fn ue_veth_trim(name: &str) -> Vec<String> {
    vec![ue_queue("remove", name, "tx-1"), ue_queue("remove", name, "rx-1")]
}

fn ue_veth_del(name: &str, index: i32) -> Vec<String> {
    vec![ue_queue("remove", name, "rx-0"), ue_queue("remove", name, "tx-0"), ue_dev("remove", name, index)]
}

/// p_link_uevent: the uevents of a veth's life, per namespace (network
/// device uevents are tagged with theirs), from `(0, 1)`, NUL-separated
/// KEY=VALUE strings, SEQNUM counting up by one across namespaces. No
/// uevent for up, down, MTU or MAC changes; "move" for a rename; a netns
/// move is "remove" there and "add" here, without queues.
#[test]
fn uevents_of_a_veths_life() {
    let lab = lab();
    let b = lab.k.netns_add("b").unwrap();
    let ua = uevent_listener(&lab.net);
    let ub = uevent_listener(&b);
    let rb = route_socket(&b, 0);
    let texts = |l: &NetlinkSocket| uevents(l).into_iter().map(|(t, _)| t).collect::<Vec<String>>();

    lab.ok(&veth_req("ua", "ub", ADD, 1, &[], &[]));
    let got = uevents(&ua);
    assert_eq!(
        got.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>(),
        [ue_veth_add("ub", 2), ue_veth_add("ua", 3), ue_veth_trim("ua"), ue_veth_trim("ub")].concat()
    );
    assert!(got.windows(2).all(|w| w[1].1 == w[0].1 + 1), "SEQNUM counts up by one: {got:?}");

    lab.set_flags(3, IFF_UP);
    lab.set_flags(3, 0);
    lab.ok(&link_req(RTM_NEWLINK, ACK, 2, 3, &nla_u32(IFLA_MTU, 1400)));
    lab.ok(&link_req(RTM_NEWLINK, ACK, 2, 3, &nla(IFLA_ADDRESS, &[2, 0, 0, 0, 0, 5])));
    assert!(uevents(&ua).is_empty());
    lab.ok(&link_req(RTM_NEWLINK, ACK, 3, 3, &nla_str(IFLA_IFNAME, "ua2")));
    let path = |n: &str| format!("/devices/virtual/net/{n}");
    let mv = |new: &str, old: &str, index: i32| {
        format!(
            "move@{}|ACTION=move|DEVPATH={}|SUBSYSTEM=net|DEVPATH_OLD={}|INTERFACE={new}|IFINDEX={index}|",
            path(new),
            path(new),
            path(old)
        )
    };
    assert_eq!(texts(&ua), [mv("ua2", "ua", 3)]);

    let to_b = nla_u32(IFLA_NET_NS_FD, b.ns_fd() as u32);
    lab.ok(&link_req(RTM_NEWLINK, ACK, 4, 2, &to_b));
    assert_eq!((texts(&ua), texts(&ub)), (vec![ue_dev("remove", "ub", 2)], vec![ue_dev("add", "ub", 2)]));
    rb.send(&link_req(RTM_NEWLINK, ACK, 5, 2, &nla_str(IFLA_IFNAME, "ubx")), 0).unwrap();
    assert!(drain_msgs(&rb)[0].is_ack(5));
    assert_eq!((texts(&ua), texts(&ub)), (vec![], vec![mv("ubx", "ub", 2)]));
    rb.send(&link_req(RTM_NEWLINK, ACK, 6, 2, &nla_u32(IFLA_NET_NS_FD, lab.net.ns_fd() as u32)), 0).unwrap();
    assert!(drain_msgs(&rb)[0].is_ack(6));
    assert_eq!((texts(&ua), texts(&ub)), (vec![ue_dev("add", "ubx", 2)], vec![ue_dev("remove", "ubx", 2)]));
    lab.ok(&link_req(RTM_NEWLINK, ACK, 7, 2, &to_b));
    assert_eq!((texts(&ua), texts(&ub)), (vec![ue_dev("remove", "ubx", 2)], vec![ue_dev("add", "ubx", 2)]));

    lab.ok(&link_req(RTM_DELLINK, ACK, 8, 3, &[]));
    assert_eq!((texts(&ua), texts(&ub)), (ue_veth_del("ua2", 3), ue_veth_del("ubx", 2)));

    // A pair made across namespaces: each side sees its own end, the peer's
    // first (SEQNUMs: 5 there, then 7 here, then the peer's 2 trims there).
    // There the peer gets ifindex 2 again: moving ub in did not advance the
    // namespace's counter (IFINDEX=2 in the probe too).
    lab.ok(&veth_req("uc", "ud", ADD, 9, &[], &to_b));
    let (here, there) = (uevents(&ua), uevents(&ub));
    assert_eq!(
        here.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>(),
        [ue_veth_add("uc", 4), ue_veth_trim("uc")].concat()
    );
    assert_eq!(
        there.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>(),
        [ue_veth_add("ud", 2), ue_veth_trim("ud")].concat()
    );
    let mut all: Vec<(u64, char)> =
        here.iter().map(|(_, n)| (*n, 'A')).chain(there.iter().map(|(_, n)| (*n, 'B'))).collect();
    all.sort();
    assert!(all.windows(2).all(|w| w[1].0 == w[0].0 + 1));
    assert_eq!(all.iter().map(|(_, c)| c).collect::<String>(), "BBBBBAAAAAAABB");
    lab.ok(&link_req(RTM_DELLINK, ACK, 10, 4, &[]));
    assert_eq!((texts(&ua), texts(&ub)), (ue_veth_del("uc", 4), ue_veth_del("ud", 2)));
}

/// p_link_carrier "create veth … up": a device created up is announced up
/// and RUNNING with operstate UNKNOWN (its carrier-off event is not yet
/// processed), then linkwatch makes it LOWERLAYERDOWN; a peer asked up too
/// cannot open before it is paired: ENOTCONN, and it goes without a word
/// (it was never announced) but for its uevents.
#[test]
fn creating_a_veth_up() {
    let lab = lab();
    let ua = uevent_listener(&lab.net);
    let up_req = |name: &str, peer: &str, seq: u32, peer_up: u32| {
        let peer_payload = [ifinfomsg(0, 0, peer_up, peer_up), nla_str(IFLA_IFNAME, peer)].concat();
        let data = nla(IFLA_INFO_DATA, &nla(VETH_INFO_PEER, &peer_payload));
        let linkinfo = nla(IFLA_LINKINFO, &[nla_str(IFLA_INFO_KIND, "veth"), data].concat());
        nlmsg(RTM_NEWLINK, ADD, seq, &[ifinfomsg(0, 0, IFF_UP, IFF_UP), nla_str(IFLA_IFNAME, name), linkinfo].concat())
    };
    let rest = |name: &str, oper: u8, link: i32| format!("name={name} operstate={oper} mtu=1500 link={link} carrier=0");
    assert_eq!(
        lines(&lab.ok(&up_req("w0", "w1", 4010, 0))),
        [
            veth_line("NEWLINK", 1492, 0, 0, 2, 0x1002, !0, &rest("w1", 2, 0)),
            veth_line("NEWLINK", 1492, 0, 0, 3, 0x1043, !0, &rest("w0", 0, 2)),
            veth_line("NEWLINK", 1492, 0, 0, 3, 0x1003, 0, &rest("w0", 3, 2)),
        ]
    );
    uevents(&ua);
    let req = up_req("x0", "x1", 4011, IFF_UP);
    assert_eq!(lab.fails(&req), error_reply(&req, lab.pid(), Errno::ENOTCONN, &[]));
    let got: Vec<String> = uevents(&ua).into_iter().map(|(t, _)| t[..t.find('|').unwrap()].to_string()).collect();
    assert_eq!(
        (got.first().map(String::as_str), got.last().map(String::as_str)),
        (Some("add@/devices/virtual/net/x1"), Some("remove@/devices/virtual/net/x1"))
    );
    let got = lab.ask(&nlmsg(RTM_GETLINK, DUMP, 5, &ifi(0)));
    assert_eq!(
        got.iter().filter(|m| m.ty == RTM_NEWLINK).map(|m| Link::of(m).name()).collect::<Vec<_>>(),
        ["lo", "w1", "w0"]
    );
}

/// Dummy devices. The live kernel has no dummy module (CONFIG_DUMMY off:
/// kind "dummy" is "Unknown device type" there, p_link_notify (c)), so this
/// follows drivers/net/dummy.c: `dummy_setup` makes it NOARP without
/// MULTICAST and with no MTU bounds, it keeps the carrier it is born with
/// (so up means operstate UNKNOWN, as `ip link` shows dummies), and
/// `ndo_change_carrier` lets IFLA_CARRIER turn it off and on.
#[test]
fn dummy_links_follow_the_driver_source() {
    let lab = lab();
    let req = nlmsg(RTM_NEWLINK, ADD, 1, &[ifi(0), nla(IFLA_LINKINFO, &nla_str(IFLA_INFO_KIND, "dummy"))].concat());
    let heard = lab.ok(&req);
    let l = Link::of(&heard[0]);
    assert_eq!(
        (heard.len(), l.name(), l.ifi_flags, l.change, l.get(IFLA_CARRIER)),
        (1, "dummy0".into(), IFF_BROADCAST | IFF_NOARP, !0, Some(&[1][..]))
    );
    assert_eq!((l.get(IFLA_LINK), l.u32(IFLA_MIN_MTU), l.u32(IFLA_MAX_MTU)), (None, Some(0), Some(0)));
    let state = |msgs: Vec<Msg>| -> Vec<(u32, u32, u8, u8)> {
        msgs.iter()
            .map(Link::of)
            .map(|l| (l.ifi_flags, l.change, l.get(IFLA_OPERSTATE).unwrap()[0], l.get(IFLA_CARRIER).unwrap()[0]))
            .collect()
    };
    assert_eq!(state(lab.set_flags(2, IFF_UP)), [(0x100c3, IFF_UP, 0, 1)]);
    assert_eq!(state(lab.ok(&link_req(RTM_NEWLINK, ACK, 2, 2, &nla(IFLA_CARRIER, &[0])))), [(0x83, 0, 2, 0)]);
    assert_eq!(state(lab.ok(&link_req(RTM_NEWLINK, ACK, 3, 2, &nla(IFLA_CARRIER, &[1])))), [(0x100c3, 0, 6, 1)]);
    assert_eq!(state(lab.ok(&link_req(RTM_NEWLINK, ACK, 4, 2, &nla_u32(IFLA_MTU, 70000)))), [(0x100c3, 0, 6, 1)]);
    let heard = lab.ok(&link_req(RTM_DELLINK, ACK, 5, 2, &[]));
    assert_eq!(
        heard.iter().map(|m| (m.ty, Link::of(m).change)).collect::<Vec<_>>(),
        [(RTM_NEWLINK, 0x41), (RTM_DELLINK, !0)]
    );
}

// ===========================================================================
// Review regressions: names as bytes, target namespaces, ids, descriptors
// ===========================================================================

/// `__dev_alloc_name` tests the byte after '%': "%é" and "x%\xff" are
/// EINVAL (Linux: `p[1] != 'd'`), never a panic on a character boundary;
/// VT is whitespace to the kernel's `isspace`.
#[test]
fn odd_bytes_in_names_are_einval_not_a_crash() {
    let lab = lab();
    for (seq, name) in [(1u32, &b"%\xc3\xa9\0"[..]), (2, b"x%\xff\0"), (3, b"a\x0bb\0")] {
        let kind = nla(IFLA_LINKINFO, &nla_str(IFLA_INFO_KIND, "dummy"));
        let req = link_req(RTM_NEWLINK, ADD, seq, 0, &[nla(IFLA_IFNAME, name), kind].concat());
        let got = lab.fails(&req);
        assert_eq!(i32_at(&got, 16), -Errno::EINVAL.0, "name {name:?}");
    }
    // A rename to such a name is refused the same way, and the link keeps its name.
    let (v0, _) = lab.veth("v0", "v1");
    let got = lab.fails(&link_req(RTM_NEWLINK, ACK, 4, v0, &nla(IFLA_IFNAME, b"v%\xc3\xa9\0")));
    assert_eq!(i32_at(&got, 16), -Errno::EINVAL.0);
    assert_eq!(lab.get(v0).name(), "v0");
}

/// Naming an nsid, RTM_NEWNSID with NETNSA_FD and NETNSA_NSID.
fn newnsid(fd: i32, id: i32) -> Vec<u8> {
    let mut p = vec![0u8; 4]; // rtgenmsg, padded
    p.extend(nla_u32(3, fd as u32)); // NETNSA_FD
    p.extend(nla_u32(1, id as u32)); // NETNSA_NSID
    nlmsg(RTM_NEWNSID, ACK, 50, &p)
}

/// `rtnl_get_net_ns_capable`: reading another namespace through
/// IFLA_TARGET_NETNSID needs CAP_NET_ADMIN (EACCES), in a doit and in a
/// dump; an id nobody has is EINVAL.
#[test]
fn target_netnsid_needs_cap_net_admin() {
    let lab = lab();
    let blue = lab.k.netns_add("blue").unwrap();
    let got = lab.ask(&newnsid(blue.ns_fd(), 5));
    assert!(got.len() == 1 && got[0].is_ack(50), "{:?}", lines(&got));
    let user = lab.net.socket_as(SOCK_RAW, NETLINK_ROUTE as i32, Credentials::user(2000, 65534)).unwrap();
    user.bind(&addr(0, 0)).unwrap();
    let get = link_req(RTM_GETLINK, NLM_F_REQUEST, 60, 1, &nla_u32(IFLA_TARGET_NETNSID, 5));
    assert_eq!(i32_at(&transact_one(&user, &get), 16), -Errno::EACCES.0);
    // The privileged requester reads blue's lo.
    let got = lab.ask(&get);
    assert_eq!((got.len(), Link::of(&got[0]).name()), (1, "lo".into()));
    let nosuch = link_req(RTM_GETLINK, NLM_F_REQUEST, 61, 1, &nla_u32(IFLA_TARGET_NETNSID, 9));
    assert_eq!(i32_at(&transact_one(&lab.req, &nosuch), 16), -Errno::EINVAL.0);
    // A dump: the refusal is NLMSG_DONE's errno.
    user.send(&nlmsg(RTM_GETLINK, DUMP, 62, &[ifi(0), nla_u32(IFLA_TARGET_NETNSID, 5)].concat()), 0).unwrap();
    let got = drain_msgs(&user);
    assert_eq!(got.iter().map(|m| (m.ty, m.errno())).collect::<Vec<_>>(), vec![(NLMSG_DONE, -Errno::EACCES.0)]);
}

/// 6.18's `alloc_netid` has no `net_eq` check: a namespace can be numbered
/// in itself, and RTM_GETNSID then answers that id.
#[test]
fn a_namespace_can_get_an_id_for_itself() {
    let lab = lab();
    let got = lab.ask(&newnsid(lab.net.ns_fd(), 7));
    assert!(got.len() == 1 && got[0].is_ack(50), "{:?}", lines(&got));
    let mut p = vec![0u8; 4];
    p.extend(nla_u32(3, lab.net.ns_fd() as u32));
    let got = lab.ask(&nlmsg(RTM_GETNSID, NLM_F_REQUEST, 51, &p));
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].ty, i32_at(got[0].payload(), 8)), (RTM_NEWNSID, 7), "NETNSA_NSID 7");
}

/// A namespace descriptor is never handed out again: once its namespace
/// is gone, IFLA_NET_NS_FD with it is EBADF, not a newer namespace.
#[test]
fn a_dead_namespaces_descriptor_names_nothing() {
    let lab = lab();
    let red = lab.k.netns_add("red").unwrap();
    let old = red.ns_fd();
    drop(red);
    lab.k.netns_del("red").unwrap();
    let green = lab.k.netns_add("green").unwrap();
    assert_ne!(green.ns_fd(), old);
    let (v0, _) = lab.veth("v0", "v1");
    let got = lab.fails(&link_req(RTM_NEWLINK, ACK, 70, v0, &nla_u32(IFLA_NET_NS_FD, old as u32)));
    assert_eq!(i32_at(&got, 16), -Errno::EBADF.0);
}

/// `do_setlink` returns at once when the namespace move fails: a bridge
/// cannot move (netns-immutable), and a request that also carried
/// IFLA_INFO_DATA announces nothing.
#[test]
fn a_failed_move_announces_nothing() {
    let lab = lab();
    let blue = lab.k.netns_add("blue").unwrap();
    let br = lab.ok(&kind_req("br0", "bridge", ADD, 80, &[]));
    let br0 = Link::of(br.iter().find(|m| m.ty == RTM_NEWLINK && Link::of(m).name() == "br0").unwrap()).index;
    let linkinfo = nla(IFLA_LINKINFO, &[nla_str(IFLA_INFO_KIND, "bridge"), nla(IFLA_INFO_DATA, &[])].concat());
    let req = link_req(RTM_NEWLINK, ACK, 81, br0, &[linkinfo, nla_u32(IFLA_NET_NS_FD, blue.ns_fd() as u32)].concat());
    let got = lab.fails(&req);
    assert_eq!(i32_at(&got, 16), -Errno::EINVAL.0);
}
