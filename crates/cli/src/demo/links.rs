//! `rtnlsim demo`: rtnetlink in two namespaces.
//!
//! The world: `init_net` and a namespace `blue`, each with its own rtnetlink
//! kernel socket; a listener on RTNLGRP_LINK in each; a veth pair with one
//! end in each namespace. A client brings `v0` up and the notify path is
//! followed step by step — the request, the kernel's call tree (one line per
//! kernel function the simulator entered), the ack, and the RTM_NEWLINK the
//! listener receives, decoded. Then the peer comes up (carrier, through
//! linkwatch) and `blue` is deleted, taking both ends of the pair with it.
//!
//! Everything is a message on a socket: the tour builds request bytes as
//! `ip` would and reads what the kernel answers.

use std::io::Write;
use std::sync::{Arc, Mutex};

use nlwire::uapi::if_::*;
use nlwire::uapi::if_link::*;
use nlwire::uapi::netlink::*;
use nlwire::uapi::rtnetlink::*;
use nlwire::uapi::socket::MSG_DONTWAIT;
use nlwire::{NlMsgHdr, NlMsgIter, NlaIter, SkBuff, SockaddrNl};
use rtnlsim_kernel::{Config, Kernel, NetRef, NetlinkSocket, RtnlHandlerEntry};

use super::Out;
use crate::decode;
use crate::trace::{with_request_trace, Sink};

/// `struct ifinfomsg`: family, type, index, flags, change.
fn ifinfomsg(index: i32, flags: u32, change: u32) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[4..8].copy_from_slice(&index.to_ne_bytes());
    b[8..12].copy_from_slice(&flags.to_ne_bytes());
    b[12..16].copy_from_slice(&change.to_ne_bytes());
    b
}

/// `ip link add NAME type veth peer name PEER netns FD`.
fn newlink_veth(seq: u32, name: &str, peer: &str, peer_ns_fd: i32) -> Vec<u8> {
    let build = |skb: &mut SkBuff| -> Result<(), nlwire::Errno> {
        let nlh = skb.nlmsg_put(0, seq, RTM_NEWLINK, 16, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
        let nlh = nlh.ok_or(nlwire::Errno::EMSGSIZE)?;
        skb.nla_put_string(IFLA_IFNAME, name)?;
        let linkinfo = skb.nla_nest_start_noflag(IFLA_LINKINFO)?;
        skb.nla_put(IFLA_INFO_KIND, b"veth")?;
        let data = skb.nla_nest_start_noflag(IFLA_INFO_DATA)?;
        let peer_nest = skb.nla_nest_start_noflag(VETH_INFO_PEER)?;
        skb.put_data(&ifinfomsg(0, 0, 0))?;
        skb.nla_put_string(IFLA_IFNAME, peer)?;
        skb.nla_put_u32(IFLA_NET_NS_FD, peer_ns_fd as u32)?;
        skb.nla_nest_end(peer_nest);
        skb.nla_nest_end(data);
        skb.nla_nest_end(linkinfo);
        skb.nlmsg_end(nlh);
        Ok(())
    };
    let mut skb = SkBuff::with_tailroom(256);
    build(&mut skb).map(|()| skb.into_vec()).unwrap_or_default()
}

/// `ip link set dev INDEX up`: RTM_NEWLINK on an existing index, IFF_UP in
/// both `ifi_flags` and `ifi_change`.
fn setlink_up(seq: u32, index: i32) -> Vec<u8> {
    let mut skb = SkBuff::with_tailroom(64);
    if let Some(nlh) = skb.nlmsg_put(0, seq, RTM_NEWLINK, 16, NLM_F_REQUEST | NLM_F_ACK) {
        skb.nlmsg_data_mut(nlh)[..16].copy_from_slice(&ifinfomsg(index, IFF_UP, IFF_UP));
        skb.nlmsg_end(nlh);
    }
    skb.into_vec()
}

const IFF_NAMES: &[(u32, &str)] = &[
    (IFF_UP, "UP"),
    (IFF_BROADCAST, "BROADCAST"),
    (IFF_LOOPBACK, "LOOPBACK"),
    (IFF_POINTOPOINT, "POINTOPOINT"),
    (IFF_NOARP, "NOARP"),
    (IFF_PROMISC, "PROMISC"),
    (IFF_MULTICAST, "MULTICAST"),
    (IFF_RUNNING, "RUNNING"),
    (IFF_LOWER_UP, "LOWER_UP"),
    (IFF_DORMANT, "DORMANT"),
];

const OPERSTATES: &[&str] = &["UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"];

/// One line for a link message: what a listener learns from it at a glance.
/// RTM_NEWADDR with ACK: an ifaddrmsg (AF_INET, `plen`, scope universe,
/// `index`), IFA_LOCAL and IFA_ADDRESS, as `ip addr add` sends it.
fn newaddr(seq: u32, index: i32, addr: [u8; 4], plen: u8) -> Vec<u8> {
    const IFA_ADDRESS: u16 = 1;
    const IFA_LOCAL: u16 = 2;
    let mut skb = SkBuff::with_tailroom(128);
    if let Some(nlh) = skb.nlmsg_put(0, seq, RTM_NEWADDR, 8, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL) {
        let h = skb.nlmsg_data_mut(nlh);
        h[0] = 2;
        h[1] = plen;
        h[4..8].copy_from_slice(&index.to_ne_bytes());
        let _ = skb.nla_put(IFA_LOCAL, &addr);
        let _ = skb.nla_put(IFA_ADDRESS, &addr);
        skb.nlmsg_end(nlh);
    }
    skb.data().to_vec()
}

fn link_line(msg: &[u8]) -> String {
    let h = NlMsgHdr::new_unchecked(msg);
    let ty = decode::type_name(h.nlmsg_type());
    let p = h.payload();
    if !matches!(h.nlmsg_type(), RTM_NEWLINK | RTM_DELLINK) || p.len() < 16 {
        return format!("{ty} ({} bytes)", msg.len());
    }
    let word = |o: usize| u32::from_ne_bytes([p[o], p[o + 1], p[o + 2], p[o + 3]]);
    let (index, flags, change) = (word(4) as i32, word(8), word(12));
    let (mut name, mut oper, mut carrier) = (String::from("?"), String::new(), String::new());
    for a in NlaIter::new(&p[16..]) {
        match a.nla_type() {
            IFLA_IFNAME => name = String::from_utf8_lossy(a.get_str()).into_owned(),
            IFLA_OPERSTATE => {
                oper = format!(" operstate {}", OPERSTATES.get(a.get_u8() as usize).unwrap_or(&"?"));
            }
            IFLA_CARRIER => carrier = format!(" carrier {}", a.get_u8()),
            _ => {}
        }
    }
    let names: Vec<&str> = IFF_NAMES.iter().filter(|(b, _)| flags & b != 0).map(|(_, n)| *n).collect();
    format!("{ty} {index}: {name} <{}> change {change:#x}{oper}{carrier} ({} bytes)", names.join(","), h.nlmsg_len())
}

/// Everything waiting on a socket, one line per message.
fn show_summaries(out: &mut Out<'_>, who: &str, s: &NetlinkSocket) {
    let mut n = 0;
    while let Ok((d, meta)) = s.recv_datagram(MSG_DONTWAIT) {
        for m in NlMsgIter::new(&d).flatten() {
            let bytes = m.into_inner();
            let len = (NlMsgHdr::new_unchecked(bytes).nlmsg_len() as usize).min(bytes.len());
            out.line(format!("  {who} ← group {:#x}: {}", meta.addr.groups, link_line(&bytes[..len])));
            n += 1;
        }
    }
    if n == 0 {
        out.line(format!("  {who} ← nothing"));
    }
}

/// The next datagram on a socket, decoded in full.
fn show_decoded(out: &mut Out<'_>, who: &str, s: &NetlinkSocket) {
    match s.recv_datagram(MSG_DONTWAIT) {
        Ok((d, meta)) => {
            out.line(format!(
                "  {who} ← {} bytes from port {}, groups {:#x}:",
                d.len(),
                meta.addr.pid,
                meta.addr.groups
            ));
            out.block(&decode::datagram(&d, "      "));
        }
        Err(e) => out.line(format!("  {who} ← {e}")),
    }
}

fn flag_names(flags: u32) -> String {
    let mut v = Vec::new();
    if flags & RTNL_FLAG_DOIT_UNLOCKED != 0 {
        v.push("DOIT_UNLOCKED");
    }
    if flags & RTNL_FLAG_BULK_DEL_SUPPORTED != 0 {
        v.push("BULK_DEL_SUPPORTED");
    }
    if flags & RTNL_FLAG_DUMP_UNLOCKED != 0 {
        v.push("DUMP_UNLOCKED");
    }
    if flags & RTNL_FLAG_DUMP_SPLIT_NLM_DONE != 0 {
        v.push("DUMP_SPLIT_NLM_DONE");
    }
    v.join("|")
}

const RTNL_FLAG_DOIT_UNLOCKED: u32 = 1 << 0;
const RTNL_FLAG_BULK_DEL_SUPPORTED: u32 = 1 << 1;
const RTNL_FLAG_DUMP_UNLOCKED: u32 = 1 << 2;
const RTNL_FLAG_DUMP_SPLIT_NLM_DONE: u32 = 1 << 3;

/// The handler table of a kernel, one line a filled cell, as the demo and
/// the book print it.
pub fn handler_table(k: &Kernel) -> String {
    k.rtnl_handlers().iter().map(|e| handler_line(e).trim_end().to_string() + "\n").collect()
}

fn handler_line(e: &RtnlHandlerEntry) -> String {
    let family = match e.protocol {
        0 => "PF_UNSPEC".to_string(),
        7 => "PF_BRIDGE".to_string(),
        p => format!("family {p}"),
    };
    let mut parts = Vec::new();
    if e.doit {
        parts.push("doit");
    }
    if e.dumpit {
        parts.push("dumpit");
    }
    if e.calcit {
        parts.push("calcit");
    }
    format!("{family:<10} {:<15} {:<20} {}", decode::type_name(e.msgtype), parts.join("+"), flag_names(e.flags))
}

/// Runs the tour, writing to `w`; with `trace_all` every step prints its
/// call tree (the notify step always does).
pub fn run(w: &mut dyn Write, trace_all: bool) -> std::io::Result<()> {
    let buf: Arc<Mutex<Vec<u8>>> = Arc::new(Mutex::new(Vec::new()));
    let sink: Sink = buf.clone();
    let mut out = Out { w };
    let flush = |out: &mut Out<'_>| out.call_tree(&buf);
    // Runs `f`, tracing its requests when asked (or always, for `force`).
    let step = |force: bool, f: &mut dyn FnMut()| {
        if force || trace_all {
            with_request_trace(sink.clone(), &mut *f);
        } else {
            f();
        }
    };
    let err = |e: nlwire::Errno| std::io::Error::other(e.to_string());

    out.line("rtnlsim demo: rtnetlink in two namespaces, simulated after Linux 6.18");
    let k = Kernel::new(Config::default());
    let init = k.init_net();

    out.title("1. Boot: init_net, its kernel sockets and its loopback");
    out.line("  rtnetlink_net_init made init_net's NETLINK_ROUTE kernel socket (net->rtnl) with");
    out.line("  netlink_kernel_create(net, NETLINK_ROUTE, cfg{groups RTNLGRP_MAX, input rtnetlink_rcv,");
    out.line("  flags NL_CFG_F_NONROOT_RECV}); uevent_net_init its NETLINK_KOBJECT_UEVENT one. Both");
    out.line("  listen at port 0 (/proc/net/netlink; Eth is the protocol):");
    out.proc_net_netlink(&k, &init);
    let probe = init.socket(NETLINK_ROUTE).map_err(|e| std::io::Error::other(e.to_string()))?;
    let mut getlink = SkBuff::with_tailroom(64);
    if let Some(nlh) = getlink.nlmsg_put(0, 1, RTM_GETLINK, 16, NLM_F_REQUEST) {
        getlink.nlmsg_data_mut(nlh)[..16].copy_from_slice(&ifinfomsg(1, 0, 0));
        getlink.nlmsg_end(nlh);
    }
    let _ = probe.send(getlink.data(), 0);
    out.line("  loopback_net_init registered lo; RTM_GETLINK for ifindex 1 answers:");
    show_summaries(&mut out, "   ", &probe);
    probe.close();
    out.line("  The rtnetlink handler table rtnl_register filled, [protocol][msgtype]:");
    for l in handler_table(&k).lines() {
        out.line(format!("    {l}"));
    }

    out.title("2. ip netns add blue");
    out.line("  copy_net_ns runs every pernet init in registration order: blue gets its own");
    out.line("  rtnetlink and uevent kernel sockets and its own lo.");
    let mut blue: Option<NetRef> = None;
    step(trace_all, &mut || blue = k.netns_add("blue").ok());
    flush(&mut out);
    let blue = blue.ok_or_else(|| std::io::Error::other("netns add blue failed"))?;

    out.title("3. A listener on RTNLGRP_LINK in each namespace");
    let l0 = init.socket(NETLINK_ROUTE).map_err(err)?;
    let l1 = blue.socket(NETLINK_ROUTE).map_err(err)?;
    l0.bind(&SockaddrNl::new(0, RTMGRP_LINK)).map_err(err)?;
    l1.bind(&SockaddrNl::new(0, RTMGRP_LINK)).map_err(err)?;
    out.line(format!("  L0 in init_net: bind(pid 0, groups RTMGRP_LINK) → port {}", l0.getsockname().pid as i32));
    out.line(format!("  L1 in blue:     bind(pid 0, groups RTMGRP_LINK) → port {}", l1.getsockname().pid as i32));
    out.line("  (Port ids are per namespace: both got the process id, autobind's first choice.)");
    let c0 = init.socket(NETLINK_ROUTE).map_err(err)?;
    let c1 = blue.socket(NETLINK_ROUTE).map_err(err)?;

    out.title("4. ip link add v0 type veth peer name v1 netns blue");
    let req = newlink_veth(1, "v0", "v1", blue.ns_fd());
    out.line("  C (a client in init_net) sends:");
    out.block(&decode::datagram(&req, "      "));
    let mut res = Ok(0);
    step(false, &mut || res = c0.send(&req, 0));
    flush(&mut out);
    out.line(format!("  send → {}", res.map(|n| n.to_string()).unwrap_or_else(|e| e.to_string())));
    show_decoded(&mut out, "C", &c0);
    out.line("  veth_newlink registers the peer first, in its namespace, then v0; each");
    out.line("  register_netdevice ends in rtmsg_ifinfo(RTM_NEWLINK, change ~0) to its own");
    out.line("  namespace's listeners only:");
    show_summaries(&mut out, "L0", &l0);
    show_summaries(&mut out, "L1", &l1);

    out.title("5. ip link set v0 up: the notify path");
    let v0 = 2;
    let req = setlink_up(2, v0);
    out.line("  C sends:");
    out.block(&decode::datagram(&req, "      "));
    out.line("  rtnetlink_rcv_msg finds rtnl_newlink in the table (RTM_NEWLINK, PF_UNSPEC row);");
    out.line("  do_setlink → dev_change_flags → __dev_open opens the device; __dev_notify_flags");
    out.line("  announces it: rtmsg_ifinfo → nlmsg_new(if_nlmsg_size) → rtnl_fill_ifinfo →");
    out.line("  rtnl_notify → nlmsg_notify → netlink_broadcast to every socket in RTNLGRP_LINK.");
    let mut res = Ok(0);
    step(true, &mut || res = c0.send(&req, 0));
    flush(&mut out);
    out.line(format!("  send → {}", res.map(|n| n.to_string()).unwrap_or_else(|e| e.to_string())));
    show_decoded(&mut out, "C", &c0);
    out.line("  What the listener in init_net received, decoded:");
    show_decoded(&mut out, "L0", &l0);
    out.line("  v0 is up but its peer is down: no carrier (no RUNNING, no LOWER_UP). Its operstate");
    out.line("  is DOWN, not LOWERLAYERDOWN: rfc2863_policy says LOWERLAYERDOWN only when iflink");
    out.line("  differs from the device's own ifindex, and both ends are ifindex 2 in their own");
    out.line("  namespaces (Linux 6.18 shows `state DOWN` here too). Nothing reached L1: a");
    out.line("  notification stays in its device's namespace.");
    show_summaries(&mut out, "L1", &l1);

    out.title("6. ip -n blue link set v1 up: carrier on both ends");
    let req = setlink_up(3, 2);
    let mut res = Ok(0);
    step(false, &mut || res = c1.send(&req, 0));
    flush(&mut out);
    out.line(format!(
        "  C1 (a client in blue) sends RTM_NEWLINK index 2 up → {}",
        res.map(|n| n.to_string()).unwrap_or_else(|e| e.to_string())
    ));
    let _ = c1.drain();
    out.line("  veth_open turns the carrier on at both ends; linkwatch announces the new");
    out.line("  operstate of each (change 0) when rtnl is released:");
    show_summaries(&mut out, "L1", &l1);
    show_summaries(&mut out, "L0", &l0);

    out.title("7. ip addr add 10.0.0.1/24 dev v0: an address and the routes it implies");
    let la = init.socket(NETLINK_ROUTE).map_err(err)?;
    la.bind(&SockaddrNl::new(0, RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE)).map_err(err)?;
    out.line("  LA, a listener on RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV4_ROUTE in init_net, is bound.");
    let req = newaddr(4, v0, [10, 0, 0, 1], 24);
    out.line("  C sends:");
    out.block(&decode::datagram(&req, "      "));
    out.line("  inet_rtm_newaddr builds an in_ifaddr; __inet_insert_ifa links it, then");
    out.line("  rtmsg_ifa announces it (RTM_NEWADDR, with C's port and sequence number) and the");
    out.line("  inetaddr_chain runs fib_inetaddr_event → fib_add_ifaddr, whose fib_magic adds");
    out.line("  three routes (port 0, sequence 0): the local 10.0.0.1/32 in table local, the");
    out.line("  prefix 10.0.0.0/24 in main (v0 is up), the broadcast 10.0.0.255 in local. With");
    out.line("  --trace the call tree shows each step.");
    let mut res = Ok(0);
    step(trace_all, &mut || res = c0.send(&req, 0));
    flush(&mut out);
    out.line(format!("  send → {}", res.map(|n| n.to_string()).unwrap_or_else(|e| e.to_string())));
    show_decoded(&mut out, "C", &c0);
    out.line("  What LA received, decoded (one datagram each, in this order):");
    for _ in 0..4 {
        show_decoded(&mut out, "LA", &la);
    }
    la.close();

    out.title("8. ip netns del blue");
    out.line("  A socket holds its namespace, as on Linux: L1 and C1 are closed first. Then");
    out.line("  cleanup_net runs the pernet exits: default_device_exit unregisters v1, and");
    out.line("  veth_dellink takes its peer v0 in init_net along.");
    l1.close();
    c1.close();
    drop(blue);
    let mut res = Ok(());
    step(trace_all, &mut || res = k.netns_del("blue"));
    flush(&mut out);
    out.line(format!("  netns_del → {}", res.map(|()| "0".to_string()).unwrap_or_else(|e| e.to_string())));
    show_summaries(&mut out, "L0", &l0);

    out.title("9. /proc/net/netlink at the end");
    out.proc_net_netlink(&k, &init);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(trace: bool) -> String {
        let mut v = Vec::new();
        run(&mut v, trace).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn the_links_tour_is_deterministic_and_follows_the_notify_path() {
        let a = output(false);
        assert_eq!(a, output(false), "two runs must print the same bytes");
        let order = [
            "rtnetlink_rcv_msg",
            "rtnl_newlink",
            "do_setlink",
            "dev_change_flags",
            "__dev_open",
            "rtmsg_ifinfo",
            "nlmsg_new",
            "rtnl_fill_ifinfo",
            "rtnl_notify",
            "nlmsg_notify",
            "netlink_broadcast group=1 delivered=1",
        ];
        let notify = &a[a.find("5. ip link set v0 up").unwrap()..];
        let mut at = 0;
        for f in order {
            let i = notify[at..].find(f).unwrap_or_else(|| panic!("{f} missing after byte {at} in:\n{notify}"));
            at += i;
        }
        for want in [
            "L1 ← group 0x1: RTM_NEWLINK 2: v1 <BROADCAST,MULTICAST> change 0xffffffff operstate DOWN",
            "L0 ← group 0x1: RTM_NEWLINK 2: v0 <BROADCAST,MULTICAST> change 0xffffffff operstate DOWN",
            "L0 ← group 0x1: RTM_NEWLINK 2: v0 <UP,BROADCAST,MULTICAST,RUNNING,LOWER_UP> change 0x0 operstate UP",
            "L0 ← group 0x1: RTM_DELLINK 2: v0",
        ] {
            assert!(a.contains(want), "missing {want:?} in:\n{a}");
        }
        // The address, then its three routes, each to its group.
        let addr = &a[a.find("7. ip addr add").unwrap()..a.find("8. ip netns del").unwrap()];
        for want in ["groups 0x10:\n      RTM_NEWADDR", "groups 0x40:\n      RTM_NEWROUTE"] {
            assert!(addr.contains(want), "missing {want:?} in:\n{addr}");
        }
        assert_eq!(addr.matches("RTM_NEWROUTE").count(), 3, "local, prefix and broadcast routes:\n{addr}");
    }
}
