//! The Linux bridge through sockets: creating a bridge (kind "bridge"),
//! its IFLA_INFO_DATA, enslaving and releasing ports (IFLA_MASTER), the
//! ports' IFLA_INFO_SLAVE_DATA, the AF_BRIDGE (family 7) RTM_NEWLINK and
//! RTM_DELLINK a bridge sends on RTNLGRP_LINK, carrier, MTU and address
//! following the ports, and the PF_BRIDGE link requests (GETLINK dump,
//! SETLINK with IFLA_PROTINFO, DELLINK).
//!
//! Every expectation is what Linux 6.18.44 did, as recorded by the probes
//! probes/p_bridge.py and probes/p_bridge_opts.py (outputs in
//! probes/observed/p_bridge.txt and p_bridge_opts.txt) and the bridge cases
//! of p_link_fill and p_link_notify. A test names the probe step it follows.
//! Only RTNLGRP_LINK is compared: the FDB's RTM_NEWNEIGH/DELNEIGH (group 3)
//! are not modelled yet. Timers are compared only where Linux's values do
//! not depend on the time elapsed.

use rtnlsim::kernel::{NetRef, NetlinkSocket};
use rtnlsim::wire::uapi::if_::*;
use rtnlsim::wire::uapi::if_bridge::*;
use rtnlsim::wire::uapi::if_link::*;
use rtnlsim::wire::uapi::netlink::*;
use rtnlsim::wire::uapi::rtnetlink::*;
use rtnlsim::wire::uapi::socket::*;
use rtnlsim::{Config, Kernel};

#[path = "support/sockets.rs"]
mod sockets;
#[path = "support/wire.rs"]
mod wire;

use sockets::route_socket;
use wire::*;

// ===========================================================================
// Building requests
// ===========================================================================

/// `ip link set dev INDEX up|down`.
fn set_up(index: i32, up: bool, seq: u32) -> Vec<u8> {
    nlmsg(RTM_NEWLINK, ACK, seq, &ifinfomsg(0, index, if up { IFF_UP } else { 0 }, IFF_UP))
}

/// `ip link set dev INDEX master MASTER` (0: nomaster).
fn set_master(index: i32, master: i32, seq: u32) -> Vec<u8> {
    link_req(RTM_NEWLINK, ACK, seq, index, &nla_u32(IFLA_MASTER, master as u32))
}

/// A PF_BRIDGE request (family 7) about one device.
fn br_req(ty: u16, seq: u32, index: i32, attrs: &[u8]) -> Vec<u8> {
    nlmsg(ty, ACK, seq, &[ifinfomsg(AF_BRIDGE, index, 0, 0), attrs.to_vec()].concat())
}

/// PF_BRIDGE RTM_SETLINK with IFLA_PROTINFO (NLA_F_NESTED) holding `attrs`.
fn protinfo(index: i32, seq: u32, attrs: &[u8]) -> Vec<u8> {
    br_req(RTM_SETLINK, seq, index, &nla(IFLA_PROTINFO | NLA_F_NESTED, attrs))
}

/// RTM_NEWLINK for a bridge named `name`: kind "bridge", INFO_DATA if any
/// (p_bridge.py's `br_req`).
fn bridge_req(name: &str, flags: u16, seq: u32, data: &[u8], attrs: &[u8]) -> Vec<u8> {
    let mut li = nla_str(IFLA_INFO_KIND, "bridge");
    if !data.is_empty() {
        li.extend(nla(IFLA_INFO_DATA, data));
    }
    nlmsg(
        RTM_NEWLINK,
        flags,
        seq,
        &[ifi(0), nla_str(IFLA_IFNAME, name), attrs.to_vec(), nla(IFLA_LINKINFO, &li)].concat(),
    )
}

/// `ip link add NAME address MAC type veth peer name PEER`.
fn veth_mac(name: &str, peer: &str, mac: &[u8; 6]) -> Vec<u8> {
    veth_req(name, peer, ADD, 1, &nla(IFLA_ADDRESS, mac), &[])
}

// ===========================================================================
// Reading answers
// ===========================================================================

/// Attributes of a nest or a message body: (type with flags, payload).
fn attrs_of(mut p: &[u8]) -> Vec<(u16, Vec<u8>)> {
    let mut out = Vec::new();
    while p.len() >= 4 {
        let len = u16_at(p, 0) as usize;
        assert!(len >= 4 && len <= p.len(), "malformed attribute");
        out.push((u16_at(p, 2), p[4..len].to_vec()));
        p = &p[align4(len).min(p.len())..];
    }
    out
}

/// A link message (RTM_NEWLINK / RTM_DELLINK, family 0 or 7) taken apart.
#[derive(Debug, Clone)]
struct Link {
    ty: u16,
    len: usize,
    flags: u16,
    family: u8,
    index: i32,
    ifi_flags: u32,
    change: u32,
    attrs: Vec<(u16, Vec<u8>)>,
}

impl Link {
    /// The ifindex in a line made by `Link::line`.
    fn of_line_index(line: &str) -> i32 {
        let at = line.find("idx=").expect("idx=") + 4;
        line[at..].split(' ').next().and_then(|n| n.parse().ok()).expect("an ifindex")
    }
    fn of(m: &Msg) -> Link {
        assert!(m.ty == RTM_NEWLINK || m.ty == RTM_DELLINK, "not a link message: {}", m.ty);
        let p = m.payload();
        Link {
            ty: m.ty,
            len: m.raw.len(),
            flags: m.flags,
            family: p[0],
            index: u32_at(p, 4) as i32,
            ifi_flags: u32_at(p, 8),
            change: u32_at(p, 12),
            attrs: attrs_of(&p[16..]),
        }
    }
    fn get(&self, ty: u16) -> Option<&[u8]> {
        self.attrs.iter().find(|(t, _)| t & NLA_TYPE_MASK == ty).map(|(_, v)| &v[..])
    }
    fn u32(&self, ty: u16) -> Option<u32> {
        self.get(ty).map(|v| u32_at(v, 0))
    }
    fn mac(&self) -> [u8; 6] {
        let mut a = [0u8; 6];
        a.copy_from_slice(&self.get(IFLA_ADDRESS).expect("IFLA_ADDRESS")[..6]);
        a
    }
    /// IFLA_LINKINFO's INFO_DATA or INFO_SLAVE_DATA.
    fn linkinfo(&self, which: u16) -> Vec<(u16, Vec<u8>)> {
        let li = self.get(IFLA_LINKINFO).expect("IFLA_LINKINFO");
        let data = attrs_of(li).into_iter().find(|(t, _)| t & NLA_TYPE_MASK == which).expect("nest");
        attrs_of(&data.1)
    }
    /// IFLA_PROTINFO of a family-7 message.
    fn protinfo(&self) -> Vec<(u16, Vec<u8>)> {
        attrs_of(self.get(IFLA_PROTINFO).expect("IFLA_PROTINFO"))
    }
    /// Top-level attribute names and nla_len, as the probes print them.
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
    /// One line with what the probes' summaries show (random MACs left out).
    fn line(&self) -> String {
        let ty = if self.ty == RTM_NEWLINK { "NEWLINK" } else { "DELLINK" };
        let mut s = format!(
            "{ty} f{} len={} idx={} flags={:#x} change={:#x}",
            self.family, self.len, self.index, self.ifi_flags, self.change
        );
        if let Some(v) = self.get(IFLA_OPERSTATE) {
            s += &format!(" op={}", v[0]);
        }
        if let Some(m) = self.u32(IFLA_MASTER) {
            s += &format!(" master={m}");
        }
        if let Some(m) = self.u32(IFLA_MTU) {
            s += &format!(" mtu={m}");
        }
        if let Some(v) = self.get(IFLA_CARRIER) {
            s += &format!(" carrier={}", v[0]);
        }
        if let Some(e) = self.u32(IFLA_EVENT) {
            s += &format!(" event={e}");
        }
        if self.family == AF_BRIDGE && self.get(IFLA_PROTINFO).is_some() {
            s += &format!(" STATE={}", brport(&self.protinfo(), IFLA_BRPORT_STATE)[0]);
        }
        s
    }
}

/// The value of one attribute of a nest.
fn brport(attrs: &[(u16, Vec<u8>)], ty: u16) -> Vec<u8> {
    attrs.iter().find(|(t, _)| t & NLA_TYPE_MASK == ty).map(|(_, v)| v.clone()).unwrap_or_default()
}

fn lines(msgs: &[Msg]) -> Vec<String> {
    msgs.iter()
        .map(|m| match m.ty {
            RTM_NEWLINK | RTM_DELLINK => Link::of(m).line(),
            NLMSG_ERROR => format!("ERROR errno={} len={}", m.errno(), m.raw.len()),
            NLMSG_DONE => format!("DONE errno={} len={}", m.errno(), m.raw.len()),
            t => format!("type {t}"),
        })
        .collect()
}

// ===========================================================================
// The machine
// ===========================================================================

/// One namespace with a requester (unsubscribed, EXT_ACK) and a listener on RTNLGRP_LINK.
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
    let lis = route_socket(&net, 1 << (RTNLGRP_LINK - 1));
    Lab { k, net, req, lis }
}

/// The MACs p_bridge.py gives its veth ends.
const MAC_PA: [u8; 6] = [2, 0, 0, 0, 0, 0x20];
const MAC_PB: [u8; 6] = [2, 0, 0, 0, 0, 0x10];
const MAC_PC: [u8; 6] = [2, 0, 0, 0, 0, 0x30];

impl Lab {
    fn ask(&self, req: &[u8]) -> Vec<Msg> {
        self.req.send(req, 0).expect("send");
        drain_msgs(&self.req)
    }
    /// Sends `req`, which must be acked; returns the lines the listener heard.
    fn ok(&self, req: &[u8]) -> Vec<String> {
        let got = self.ask(req);
        assert!(
            got.len() == 1 && got[0].ty == NLMSG_ERROR && got[0].errno() == 0,
            "expected an ack, got {:?}",
            lines(&got)
        );
        lines(&drain_msgs(&self.lis))
    }
    /// Sends `req`, which must fail; returns the NLMSG_ERROR and what the listener heard.
    fn fails(&self, req: &[u8]) -> (Msg, Vec<String>) {
        let got = self.ask(req);
        assert!(got.len() == 1 && got[0].ty == NLMSG_ERROR && got[0].errno() != 0, "{:?}", lines(&got));
        (got[0].clone(), lines(&drain_msgs(&self.lis)))
    }
    fn get(&self, index: i32) -> Link {
        let got = self.ask(&link_req(RTM_GETLINK, NLM_F_REQUEST, 9, index, &[]));
        assert_eq!(got.len(), 1, "{:?}", lines(&got));
        Link::of(&got[0])
    }
    /// p_bridge.py's fixtures: veth pa/qa, pb/qb, pc/qc with fixed MACs on
    /// the p ends, then br0 (ifindexes qa=2 pa=3 qb=4 pb=5 qc=6 pc=7 br0=8,
    /// as on Linux).
    fn fixtures(&self) {
        for (n, p, m) in [("pa", "qa", MAC_PA), ("pb", "qb", MAC_PB), ("pc", "qc", MAC_PC)] {
            self.ok(&veth_mac(n, p, &m));
        }
        let heard = self.ok(&bridge_req("br0", ADD, 100, &[], &[]));
        assert_eq!(heard, ["NEWLINK f0 len=1880 idx=8 flags=0x1002 change=0xffffffff op=2 mtu=1500 carrier=1"]);
    }
}

const QA: i32 = 2;
const PA: i32 = 3;
const QB: i32 = 4;
const PB: i32 = 5;
const QC: i32 = 6;
const PC: i32 = 7;
const BR0: i32 = 8;

/// What Linux 6.18.44 sent for each step of probes/p_bridge.py, reduced to
/// RTNLGRP_LINK (probes/observed/p_bridge.txt through the probe's own
/// summary fields): first the requester's messages (`|`-separated), then
/// the listener's. Left out: the PF_BRIDGE dumps (tested apart), the
/// RTM_NEWLINK with IFLA_INFO_SLAVE_DATA (not reachable through the
/// simulated `rtnl_changelink` yet), and the AF_BRIDGE RTM_NEWLINK that the
/// expiry of a forward-delay timer sent 52 ms after "STP_STATE=1" (timers do
/// not run here).
const P_BRIDGE: &str = r"
== create br0
   ERROR errno=0 len=36
   NEWLINK f0 len=1880 idx=8 flags=0x1002 change=0xffffffff op=2 mtu=1500 carrier=1
== enslave pa (down) to br0 (down)
   ERROR errno=0 len=36
   NEWLINK f0 len=1848 idx=3 flags=0x1002 change=0x0 op=2 master=8 mtu=1500 carrier=0
   NEWLINK f0 len=1848 idx=3 flags=0x1002 change=0x100 op=2 master=8 mtu=1500 carrier=0
   NEWLINK f0 len=1888 idx=8 flags=0x1002 change=0x0 op=2 mtu=1500 carrier=1 event=2
   NEWLINK f7 len=420 idx=3 flags=0x1002 change=0x0 op=2 master=8 mtu=1500 STATE=0
   NEWLINK f0 len=1880 idx=8 flags=0x1002 change=0x0 op=2 mtu=1500 carrier=0
== enslave pb (down, lower MAC) to br0 (down)
   ERROR errno=0 len=36
   NEWLINK f0 len=1848 idx=5 flags=0x1002 change=0x0 op=2 master=8 mtu=1500 carrier=0
   NEWLINK f0 len=1848 idx=5 flags=0x1002 change=0x100 op=2 master=8 mtu=1500 carrier=0
   NEWLINK f7 len=420 idx=5 flags=0x1002 change=0x0 op=2 master=8 mtu=1500 STATE=0
   NEWLINK f0 len=1880 idx=8 flags=0x1002 change=0x0 op=2 mtu=1500 carrier=0
== enslave pc (down, higher MAC) to br0 via RTM_SETLINK
   ERROR errno=0 len=36
   NEWLINK f0 len=1848 idx=7 flags=0x1002 change=0x0 op=2 master=8 mtu=1500 carrier=0
   NEWLINK f0 len=1848 idx=7 flags=0x1002 change=0x100 op=2 master=8 mtu=1500 carrier=0
   NEWLINK f7 len=420 idx=7 flags=0x1002 change=0x0 op=2 master=8 mtu=1500 STATE=0
== enslave pa again to br0 (already its master)
   ERROR errno=0 len=36
== br0 up (all ports down)
   ERROR errno=0 len=36
   NEWLINK f0 len=1880 idx=8 flags=0x1003 change=0x1 op=2 mtu=1500 carrier=0
== qa up (pa still down)
   ERROR errno=0 len=36
   NEWLINK f0 len=1492 idx=2 flags=0x1003 change=0x1 op=3 mtu=1500 carrier=0
== pa up (peer qa up: carrier)
   ERROR errno=0 len=36
   NEWLINK f0 len=1848 idx=3 flags=0x11003 change=0x1 op=3 master=8 mtu=1500 carrier=1
   NEWLINK f7 len=420 idx=3 flags=0x11003 change=0x0 op=3 master=8 mtu=1500 STATE=0
   NEWLINK f7 len=420 idx=3 flags=0x11043 change=0x0 op=6 master=8 mtu=1500 STATE=3
   NEWLINK f7 len=420 idx=3 flags=0x11043 change=0x0 op=6 master=8 mtu=1500 STATE=3
   NEWLINK f0 len=1848 idx=3 flags=0x11043 change=0x0 op=6 master=8 mtu=1500 carrier=1
   NEWLINK f0 len=1492 idx=2 flags=0x11043 change=0x0 op=6 mtu=1500 carrier=1
   NEWLINK f0 len=1880 idx=8 flags=0x11043 change=0x0 op=6 mtu=1500 carrier=1
== pb up (peer qb down: no carrier)
   ERROR errno=0 len=36
   NEWLINK f0 len=1848 idx=5 flags=0x1003 change=0x1 op=3 master=8 mtu=1500 carrier=0
   NEWLINK f7 len=420 idx=5 flags=0x1003 change=0x0 op=3 master=8 mtu=1500 STATE=0
== qb up (pb gets carrier)
   ERROR errno=0 len=36
   NEWLINK f0 len=1492 idx=4 flags=0x11003 change=0x1 op=3 mtu=1500 carrier=1
   NEWLINK f0 len=1492 idx=4 flags=0x11043 change=0x0 op=6 mtu=1500 carrier=1
   NEWLINK f7 len=420 idx=5 flags=0x11043 change=0x0 op=6 master=8 mtu=1500 STATE=3
   NEWLINK f7 len=420 idx=5 flags=0x11043 change=0x0 op=6 master=8 mtu=1500 STATE=3
   NEWLINK f0 len=1848 idx=5 flags=0x11043 change=0x0 op=6 master=8 mtu=1500 carrier=1
== qa down (pa loses carrier)
   ERROR errno=0 len=36
   NEWLINK f0 len=1492 idx=2 flags=0x1002 change=0x1 op=2 mtu=1500 carrier=0
   NEWLINK f7 len=420 idx=3 flags=0x1003 change=0x0 op=3 master=8 mtu=1500 STATE=0
   NEWLINK f0 len=1848 idx=3 flags=0x1003 change=0x0 op=3 master=8 mtu=1500 carrier=0
== pb mtu 1400 (br0 follows the smallest port MTU)
   ERROR errno=0 len=36
   NEWLINK f0 len=1848 idx=5 flags=0x11043 change=0x0 op=6 master=8 mtu=1400 carrier=1
   NEWLINK f0 len=1880 idx=8 flags=0x11043 change=0x0 op=6 mtu=1400 carrier=1
== br0 mtu 1300 (set by the user)
   ERROR errno=0 len=36
   NEWLINK f0 len=1880 idx=8 flags=0x11043 change=0x0 op=6 mtu=1300 carrier=1
== pb mtu 1500 (br0 keeps the user's MTU)
   ERROR errno=0 len=36
   NEWLINK f0 len=1848 idx=5 flags=0x11043 change=0x0 op=6 master=8 mtu=1500 carrier=1
== pc address 02:00:00:00:00:05 (becomes the lowest port MAC)
   ERROR errno=0 len=36
   NEWLINK f0 len=1848 idx=7 flags=0x1002 change=0x0 op=2 master=8 mtu=1500 carrier=0
   NEWLINK f0 len=1880 idx=8 flags=0x11043 change=0x0 op=6 mtu=1300 carrier=1
   NEWLINK f7 len=420 idx=7 flags=0x1002 change=0x0 op=2 master=8 mtu=1500 STATE=0
== br0 changelink INFO_DATA{FORWARD_DELAY=1000, HELLO_TIME=300, PRIORITY=4096, AGEING_TIME=20000}
   ERROR errno=0 len=36
   NEWLINK f0 len=1880 idx=8 flags=0x11043 change=0x0 op=6 mtu=1300 carrier=1
== br0 changelink INFO_DATA{HELLO_TIME=5} (out of range)
   ERROR errno=-34 len=88
== br0 changelink INFO_DATA{FDB_N_LEARNED=1} (NLA_REJECT)
   ERROR errno=-22 len=136
== br0 changelink INFO_DATA{GROUP_ADDR=01:80:c2:00:00:01} (pause address)
   ERROR errno=-22 len=92
== br0 changelink INFO_DATA{GROUP_ADDR=01:80:c2:00:00:0e}
   ERROR errno=0 len=36
   NEWLINK f0 len=1880 idx=8 flags=0x11043 change=0x0 op=6 mtu=1300 carrier=1
== br0 changelink INFO_DATA{STP_STATE=1}
   ERROR errno=0 len=36
   NEWLINK f0 len=1880 idx=8 flags=0x11043 change=0x0 op=6 mtu=1300 carrier=1
== br0 changelink INFO_DATA{STP_STATE=0}
   ERROR errno=0 len=36
   NEWLINK f0 len=1880 idx=8 flags=0x11043 change=0x0 op=6 mtu=1300 carrier=1
== PF_BRIDGE RTM_SETLINK pb IFLA_PROTINFO(N){COST=50, PRIORITY=16}
   ERROR errno=0 len=36
   NEWLINK f7 len=420 idx=5 flags=0x11043 change=0x0 op=6 master=8 mtu=1500 STATE=3
== PF_BRIDGE RTM_SETLINK pb IFLA_PROTINFO{GUARD=1} without NLA_F_NESTED (legacy u8 state)
   ERROR errno=-22 len=64
== PF_BRIDGE RTM_SETLINK pb IFLA_PROTINFO(N){STATE=1 (listening)}
   ERROR errno=0 len=36
   NEWLINK f7 len=420 idx=5 flags=0x11043 change=0x0 op=6 master=8 mtu=1500 STATE=1
   NEWLINK f0 len=1880 idx=8 flags=0x1003 change=0x0 op=2 mtu=1300 carrier=0
== PF_BRIDGE RTM_SETLINK pb IFLA_PROTINFO(N){COST=0} (out of range)
   ERROR errno=-34 len=64
== PF_BRIDGE RTM_SETLINK pb without PROTINFO/AF_SPEC
   ERROR errno=0 len=36
== PF_BRIDGE RTM_SETLINK br0 IFLA_PROTINFO (bridge is not a port)
   ERROR errno=-95 len=64
== PF_BRIDGE RTM_SETLINK qa (not a port) IFLA_PROTINFO
   ERROR errno=-95 len=64
== PF_BRIDGE RTM_SETLINK AF_SPEC{FLAGS=SELF} on pb (veth has no ndo_bridge_setlink)
   ERROR errno=-95 len=64
== PF_BRIDGE RTM_SETLINK ifindex 999
   ERROR errno=-19 len=72
== PF_BRIDGE RTM_DELLINK pb without AF_SPEC
   ERROR errno=0 len=36
== enslave lo
   ERROR errno=-22 len=60
== create br1
   ERROR errno=0 len=36
   NEWLINK f0 len=1880 idx=9 flags=0x1002 change=0xffffffff op=2 mtu=1500 carrier=1
== enslave br1 to br0 (bridge in bridge)
   ERROR errno=-40 len=104
== enslave pa (port of br0) to br1
   ERROR errno=0 len=36
   NEWLINK f0 len=1848 idx=3 flags=0x1003 change=0x100 op=3 master=8 mtu=1500 carrier=0
   NEWLINK f7 len=420 idx=3 flags=0x1003 change=0x0 op=3 master=8 mtu=1500 STATE=0
   DELLINK f7 len=84 idx=3 flags=0x1003 change=0x0 op=3 master=8 mtu=1500
   NEWLINK f0 len=1492 idx=3 flags=0x1003 change=0x0 op=3 mtu=1500 carrier=0
   NEWLINK f0 len=1848 idx=3 flags=0x1003 change=0x0 op=3 master=9 mtu=1500 carrier=0
   NEWLINK f0 len=1848 idx=3 flags=0x1003 change=0x100 op=3 master=9 mtu=1500 carrier=0
   NEWLINK f0 len=1888 idx=9 flags=0x1002 change=0x0 op=2 mtu=1500 carrier=1 event=2
   NEWLINK f7 len=420 idx=3 flags=0x1003 change=0x0 op=3 master=9 mtu=1500 STATE=0
   NEWLINK f0 len=1880 idx=9 flags=0x1002 change=0x0 op=2 mtu=1500 carrier=0
== enslave qa to pa (pa is no master)
   ERROR errno=-95 len=60
== create br2 with IFLA_ADDRESS 3 bytes
   ERROR errno=-22 len=84
== create br2 with multicast IFLA_ADDRESS
   ERROR errno=-99 len=88
== create br2 with IFLA_ADDRESS 02:00:00:00:00:01 and INFO_DATA{PRIORITY=0}
   ERROR errno=0 len=36
   NEWLINK f0 len=1880 idx=10 flags=0x1002 change=0xffffffff op=2 mtu=1500 carrier=0
== enslave qc to br2 (user MAC stays)
   ERROR errno=0 len=36
   NEWLINK f0 len=1848 idx=6 flags=0x1002 change=0x0 op=2 master=10 mtu=1500 carrier=0
   NEWLINK f0 len=1848 idx=6 flags=0x1002 change=0x100 op=2 master=10 mtu=1500 carrier=0
   NEWLINK f0 len=1888 idx=10 flags=0x1002 change=0x0 op=2 mtu=1500 carrier=0 event=2
   NEWLINK f7 len=420 idx=6 flags=0x1002 change=0x0 op=2 master=10 mtu=1500 STATE=0
== create br3 with IFLA_MTU 9000
   ERROR errno=0 len=36
   NEWLINK f0 len=1880 idx=11 flags=0x1002 change=0xffffffff op=2 mtu=9000 carrier=1
== enslave qb (mtu 1500) to br3 (mtu 9000 at create)
   ERROR errno=0 len=36
   NEWLINK f0 len=1848 idx=4 flags=0x11043 change=0x0 op=6 master=11 mtu=1500 carrier=1
   NEWLINK f0 len=1848 idx=4 flags=0x11043 change=0x100 op=6 master=11 mtu=1500 carrier=1
   NEWLINK f0 len=1888 idx=11 flags=0x1002 change=0x0 op=2 mtu=9000 carrier=1 event=2
   NEWLINK f7 len=420 idx=4 flags=0x11043 change=0x0 op=6 master=11 mtu=1500 STATE=0
   NEWLINK f0 len=1880 idx=11 flags=0x1002 change=0x0 op=2 mtu=9000 carrier=0
   NEWLINK f0 len=1880 idx=11 flags=0x1002 change=0x0 op=2 mtu=1500 carrier=0
== release pb (IFLA_MASTER 0)
   ERROR errno=0 len=36
   NEWLINK f0 len=1848 idx=5 flags=0x11043 change=0x100 op=6 master=8 mtu=1500 carrier=1
   NEWLINK f7 len=420 idx=5 flags=0x11043 change=0x0 op=6 master=8 mtu=1500 STATE=0
   DELLINK f7 len=84 idx=5 flags=0x11043 change=0x0 op=6 master=8 mtu=1500
   NEWLINK f0 len=1492 idx=5 flags=0x11043 change=0x0 op=6 mtu=1500 carrier=1
== delete port pc (up? no: down)
   ERROR errno=0 len=36
   NEWLINK f7 len=420 idx=7 flags=0x1002 change=0x0 op=2 master=8 mtu=1500 STATE=0
   DELLINK f7 len=84 idx=7 flags=0x1002 change=0x0 op=2 master=8 mtu=1500
   NEWLINK f0 len=1880 idx=8 flags=0x1003 change=0x0 op=2 mtu=1300 carrier=0
   NEWLINK f0 len=1888 idx=8 flags=0x1003 change=0x0 op=2 mtu=1300 carrier=0 event=2
   DELLINK f0 len=680 idx=7 flags=0x1002 change=0xffffffff op=2 mtu=1500 carrier=0
   NEWLINK f7 len=420 idx=6 flags=0x1002 change=0x0 op=2 master=10 mtu=1500 STATE=0
   DELLINK f7 len=84 idx=6 flags=0x1002 change=0x0 op=2 master=10 mtu=1500
   NEWLINK f0 len=1888 idx=10 flags=0x1002 change=0x0 op=2 mtu=1500 carrier=0 event=2
   DELLINK f0 len=680 idx=6 flags=0x1002 change=0xffffffff op=2 mtu=1500 carrier=0
== br0 down (port pa up without carrier)
   ERROR errno=0 len=36
   NEWLINK f0 len=1880 idx=8 flags=0x1002 change=0x1 op=2 mtu=1300 carrier=0
== qa up, br0 up again (pa forwarding)
   ERROR errno=0 len=36
   NEWLINK f0 len=1492 idx=2 flags=0x11003 change=0x1 op=3 mtu=1500 carrier=1
   NEWLINK f0 len=1492 idx=2 flags=0x11043 change=0x0 op=6 mtu=1500 carrier=1
   NEWLINK f7 len=420 idx=3 flags=0x11043 change=0x0 op=6 master=9 mtu=1500 STATE=0
   NEWLINK f0 len=1848 idx=3 flags=0x11043 change=0x0 op=6 master=9 mtu=1500 carrier=1
== br0 up
   ERROR errno=0 len=36
   NEWLINK f0 len=1880 idx=8 flags=0x1003 change=0x1 op=2 mtu=1300 carrier=0
== delete port pa (up, forwarding)
   ERROR errno=0 len=36
   NEWLINK f0 len=1848 idx=3 flags=0x1002 change=0x41 op=2 master=9 mtu=1500 carrier=0
   NEWLINK f7 len=420 idx=3 flags=0x1002 change=0x0 op=2 master=9 mtu=1500 STATE=0
   NEWLINK f0 len=1492 idx=2 flags=0x1002 change=0x41 op=2 mtu=1500 carrier=0
   NEWLINK f7 len=420 idx=3 flags=0x1002 change=0x0 op=2 master=9 mtu=1500 STATE=0
   DELLINK f7 len=84 idx=3 flags=0x1002 change=0x0 op=2 master=9 mtu=1500
   NEWLINK f0 len=1880 idx=9 flags=0x1002 change=0x0 op=2 mtu=1500 carrier=0
   NEWLINK f0 len=1888 idx=9 flags=0x1002 change=0x0 op=2 mtu=1500 carrier=0 event=2
   DELLINK f0 len=680 idx=3 flags=0x1002 change=0xffffffff op=2 mtu=1500 carrier=0
   DELLINK f0 len=680 idx=2 flags=0x1002 change=0xffffffff op=2 mtu=1500 carrier=0
== enslave pb again
   ERROR errno=0 len=36
   NEWLINK f0 len=1848 idx=5 flags=0x11043 change=0x0 op=6 master=8 mtu=1500 carrier=1
   NEWLINK f0 len=1848 idx=5 flags=0x11043 change=0x100 op=6 master=8 mtu=1500 carrier=1
   NEWLINK f0 len=1888 idx=8 flags=0x1003 change=0x0 op=2 mtu=1300 carrier=0 event=2
   NEWLINK f7 len=420 idx=5 flags=0x11043 change=0x0 op=6 master=8 mtu=1500 STATE=3
   NEWLINK f7 len=420 idx=5 flags=0x11043 change=0x0 op=6 master=8 mtu=1500 STATE=3
   NEWLINK f7 len=420 idx=5 flags=0x11043 change=0x0 op=6 master=8 mtu=1500 STATE=3
   NEWLINK f0 len=1880 idx=8 flags=0x11003 change=0x0 op=2 mtu=1300 carrier=1
   NEWLINK f0 len=1880 idx=8 flags=0x11043 change=0x0 op=6 mtu=1300 carrier=1
== delete br0 (port pb up)
   ERROR errno=0 len=36
   NEWLINK f0 len=1848 idx=5 flags=0x11043 change=0x100 op=6 master=8 mtu=1500 carrier=1
   NEWLINK f7 len=420 idx=5 flags=0x11043 change=0x0 op=6 master=8 mtu=1500 STATE=0
   DELLINK f7 len=84 idx=5 flags=0x11043 change=0x0 op=6 master=8 mtu=1500
   NEWLINK f0 len=1492 idx=5 flags=0x11043 change=0x0 op=6 mtu=1500 carrier=1
   NEWLINK f0 len=1880 idx=8 flags=0x1002 change=0x41 op=2 mtu=1300 carrier=0
   DELLINK f0 len=1068 idx=8 flags=0x1002 change=0xffffffff op=2 mtu=1300 carrier=0
== delete br3 with ECHO (port qb down)
   DELLINK f0 len=1068 idx=11 flags=0x1002 change=0xffffffff op=2 mtu=1500 carrier=0 | ERROR errno=0 len=36
   NEWLINK f0 len=1848 idx=4 flags=0x11043 change=0x100 op=6 master=11 mtu=1500 carrier=1
   NEWLINK f7 len=420 idx=4 flags=0x11043 change=0x0 op=6 master=11 mtu=1500 STATE=0
   DELLINK f7 len=84 idx=4 flags=0x11043 change=0x0 op=6 master=11 mtu=1500
   NEWLINK f0 len=1492 idx=4 flags=0x11043 change=0x0 op=6 mtu=1500 carrier=1
   DELLINK f0 len=1068 idx=11 flags=0x1002 change=0xffffffff op=2 mtu=1500 carrier=0
";

/// p_bridge.py's requests, in its order, with the titles of P_BRIDGE.
fn p_bridge_steps() -> Vec<(&'static str, Vec<u8>)> {
    let mtu = |idx, mtu, seq| link_req(RTM_NEWLINK, ACK, seq, idx, &nla_u32(IFLA_MTU, mtu));
    let chg = |data: Vec<u8>, seq| bridge_req("br0", ACK, seq, &data, &[]);
    let pi = |idx, attrs: Vec<u8>, seq| protinfo(idx, seq, &attrs);
    let del = |idx, flags, seq| nlmsg(RTM_DELLINK, flags, seq, &ifi(idx));
    vec![
        ("create br0", bridge_req("br0", ADD, 100, &[], &[])),
        ("enslave pa (down) to br0 (down)", set_master(PA, BR0, 101)),
        ("enslave pb (down, lower MAC) to br0 (down)", set_master(PB, BR0, 102)),
        (
            "enslave pc (down, higher MAC) to br0 via RTM_SETLINK",
            link_req(RTM_SETLINK, ACK, 103, PC, &nla_u32(IFLA_MASTER, BR0 as u32)),
        ),
        ("enslave pa again to br0 (already its master)", set_master(PA, BR0, 104)),
        ("br0 up (all ports down)", set_up(BR0, true, 110)),
        ("qa up (pa still down)", set_up(QA, true, 111)),
        ("pa up (peer qa up: carrier)", set_up(PA, true, 112)),
        ("pb up (peer qb down: no carrier)", set_up(PB, true, 113)),
        ("qb up (pb gets carrier)", set_up(QB, true, 114)),
        ("qa down (pa loses carrier)", set_up(QA, false, 115)),
        ("pb mtu 1400 (br0 follows the smallest port MTU)", mtu(PB, 1400, 120)),
        ("br0 mtu 1300 (set by the user)", mtu(BR0, 1300, 121)),
        ("pb mtu 1500 (br0 keeps the user's MTU)", mtu(PB, 1500, 122)),
        (
            "pc address 02:00:00:00:00:05 (becomes the lowest port MAC)",
            link_req(RTM_NEWLINK, ACK, 125, PC, &nla(IFLA_ADDRESS, &[2, 0, 0, 0, 0, 5])),
        ),
        (
            "br0 changelink INFO_DATA{FORWARD_DELAY=1000, HELLO_TIME=300, PRIORITY=4096, AGEING_TIME=20000}",
            chg(
                [
                    nla_u32(IFLA_BR_FORWARD_DELAY, 1000),
                    nla_u32(IFLA_BR_HELLO_TIME, 300),
                    nla_u16(IFLA_BR_PRIORITY, 4096),
                    nla_u32(IFLA_BR_AGEING_TIME, 20000),
                ]
                .concat(),
                130,
            ),
        ),
        ("br0 changelink INFO_DATA{HELLO_TIME=5} (out of range)", chg(nla_u32(IFLA_BR_HELLO_TIME, 5), 131)),
        ("br0 changelink INFO_DATA{FDB_N_LEARNED=1} (NLA_REJECT)", chg(nla_u32(IFLA_BR_FDB_N_LEARNED, 1), 132)),
        (
            "br0 changelink INFO_DATA{GROUP_ADDR=01:80:c2:00:00:01} (pause address)",
            chg(nla(IFLA_BR_GROUP_ADDR, &[1, 0x80, 0xc2, 0, 0, 1]), 133),
        ),
        (
            "br0 changelink INFO_DATA{GROUP_ADDR=01:80:c2:00:00:0e}",
            chg(nla(IFLA_BR_GROUP_ADDR, &[1, 0x80, 0xc2, 0, 0, 0xe]), 134),
        ),
        ("br0 changelink INFO_DATA{STP_STATE=1}", chg(nla_u32(IFLA_BR_STP_STATE, 1), 135)),
        ("br0 changelink INFO_DATA{STP_STATE=0}", chg(nla_u32(IFLA_BR_STP_STATE, 0), 136)),
        (
            "PF_BRIDGE RTM_SETLINK pb IFLA_PROTINFO(N){COST=50, PRIORITY=16}",
            pi(PB, [nla_u32(IFLA_BRPORT_COST, 50), nla_u16(IFLA_BRPORT_PRIORITY, 16)].concat(), 140),
        ),
        (
            "PF_BRIDGE RTM_SETLINK pb IFLA_PROTINFO{GUARD=1} without NLA_F_NESTED (legacy u8 state)",
            br_req(RTM_SETLINK, 141, PB, &nla(IFLA_PROTINFO, &nla_u8(IFLA_BRPORT_GUARD, 1))),
        ),
        ("PF_BRIDGE RTM_SETLINK pb IFLA_PROTINFO(N){STATE=1 (listening)}", pi(PB, nla_u8(IFLA_BRPORT_STATE, 1), 142)),
        ("PF_BRIDGE RTM_SETLINK pb IFLA_PROTINFO(N){COST=0} (out of range)", pi(PB, nla_u32(IFLA_BRPORT_COST, 0), 143)),
        ("PF_BRIDGE RTM_SETLINK pb without PROTINFO/AF_SPEC", br_req(RTM_SETLINK, 144, PB, &[])),
        ("PF_BRIDGE RTM_SETLINK br0 IFLA_PROTINFO (bridge is not a port)", pi(BR0, nla_u32(IFLA_BRPORT_COST, 7), 145)),
        ("PF_BRIDGE RTM_SETLINK qa (not a port) IFLA_PROTINFO", pi(QA, nla_u32(IFLA_BRPORT_COST, 7), 146)),
        (
            "PF_BRIDGE RTM_SETLINK AF_SPEC{FLAGS=SELF} on pb (veth has no ndo_bridge_setlink)",
            br_req(RTM_SETLINK, 147, PB, &nla(IFLA_AF_SPEC, &nla_u16(IFLA_BRIDGE_FLAGS, BRIDGE_FLAGS_SELF))),
        ),
        ("PF_BRIDGE RTM_SETLINK ifindex 999", br_req(RTM_SETLINK, 148, 999, &[])),
        ("PF_BRIDGE RTM_DELLINK pb without AF_SPEC", br_req(RTM_DELLINK, 149, PB, &[])),
        ("enslave lo", set_master(1, BR0, 160)),
        ("create br1", bridge_req("br1", ADD, 161, &[], &[])),
        ("enslave br1 to br0 (bridge in bridge)", set_master(BR1, BR0, 162)),
        ("enslave pa (port of br0) to br1", set_master(PA, BR1, 163)),
        ("enslave qa to pa (pa is no master)", set_master(QA, PA, 164)),
        ("create br2 with IFLA_ADDRESS 3 bytes", bridge_req("br2", ADD, 165, &[], &nla(IFLA_ADDRESS, &[2, 0, 0]))),
        (
            "create br2 with multicast IFLA_ADDRESS",
            bridge_req("br2", ADD, 166, &[], &nla(IFLA_ADDRESS, &[1, 0, 0, 0, 0, 1])),
        ),
        (
            "create br2 with IFLA_ADDRESS 02:00:00:00:00:01 and INFO_DATA{PRIORITY=0}",
            bridge_req("br2", ADD, 167, &nla_u16(IFLA_BR_PRIORITY, 0), &nla(IFLA_ADDRESS, &[2, 0, 0, 0, 0, 1])),
        ),
        ("enslave qc to br2 (user MAC stays)", set_master(QC, BR2, 168)),
        ("create br3 with IFLA_MTU 9000", bridge_req("br3", ADD, 169, &[], &nla_u32(IFLA_MTU, 9000))),
        ("enslave qb (mtu 1500) to br3 (mtu 9000 at create)", set_master(QB, BR3, 170)),
        ("release pb (IFLA_MASTER 0)", set_master(PB, 0, 180)),
        ("delete port pc (up? no: down)", del(PC, ACK, 181)),
        ("br0 down (port pa up without carrier)", set_up(BR0, false, 182)),
        ("qa up, br0 up again (pa forwarding)", set_up(QA, true, 183)),
        ("br0 up", set_up(BR0, true, 184)),
        ("delete port pa (up, forwarding)", del(PA, ACK, 185)),
        ("enslave pb again", set_master(PB, BR0, 186)),
        ("delete br0 (port pb up)", del(BR0, ACK, 187)),
        ("delete br3 with ECHO (port qb down)", del(BR3, ACK | NLM_F_ECHO, 188)),
    ]
}

const BR1: i32 = 9;
const BR2: i32 = 10;
const BR3: i32 = 11;

/// Replays `steps`, comparing each step with its section of `want` (the
/// requester's messages, then RTNLGRP_LINK here, then, as `other:` lines,
/// RTNLGRP_LINK in `far`'s namespace).
fn replay(lab: &Lab, far: Option<&NetlinkSocket>, steps: Vec<(&'static str, Vec<u8>)>, want: &str) {
    let mut want = want.split("\n== ").filter(|s| !s.trim().is_empty());
    for (title, req) in steps {
        let section = want.next().unwrap_or_else(|| panic!("no expectation for {title}"));
        let mut rows = section.trim_start_matches("== ").lines().map(str::trim).filter(|l| !l.is_empty());
        assert_eq!(rows.next(), Some(title), "the steps follow the probe");
        let want_req: Vec<&str> = rows.next().unwrap_or_default().split(" | ").collect();
        let (want_far, want_lis): (Vec<&str>, Vec<&str>) = rows.partition(|l| l.starts_with("other: "));
        let want_far: Vec<&str> = want_far.iter().map(|l| &l[7..]).collect();
        let got_req = lines(&lab.ask(&req));
        let got_lis = lines(&drain_msgs(&lab.lis));
        let got_far = far.map(|f| lines(&drain_msgs(f))).unwrap_or_default();
        assert_eq!(got_req, want_req, "{title}: the requester's answer");
        assert_eq!(got_lis, want_lis, "{title}: what RTNLGRP_LINK heard");
        assert_eq!(got_far, want_far, "{title}: what RTNLGRP_LINK heard in the other namespace");
    }
    assert!(want.next().is_none(), "every probe step was replayed");
}

/// probes/p_bridge.py from start to end: every step's answer to the
/// requester and every RTNLGRP_LINK message, in order, as Linux sent them.
#[test]
fn the_p_bridge_probe_replayed() {
    let lab = lab();
    for (n, p, m) in [("pa", "qa", MAC_PA), ("pb", "qb", MAC_PB), ("pc", "qc", MAC_PC)] {
        lab.ok(&veth_mac(n, p, &m));
    }
    replay(&lab, None, p_bridge_steps(), P_BRIDGE);
}

/// What Linux 6.18.44 sent for each step of probes/p_bridge_more.py
/// (probes/observed/p_bridge_more.txt), in P_BRIDGE's format.
const P_BRIDGE_MORE: &str = r"
== create br0
   ERROR errno=0 len=36
   NEWLINK f0 len=1880 idx=6 flags=0x1002 change=0xffffffff op=2 mtu=1500 carrier=1
== br0 up (no ports)
   ERROR errno=0 len=36
   NEWLINK f0 len=1880 idx=6 flags=0x11043 change=0x1 op=0 mtu=1500 carrier=1
== br0 address 02:00:00:00:00:99
   ERROR errno=0 len=36
   NEWLINK f0 len=1880 idx=6 flags=0x1043 change=0x0 op=0 mtu=1500 carrier=0
   NEWLINK f0 len=1880 idx=6 flags=0x1003 change=0x0 op=2 mtu=1500 carrier=0
== enslave pa (down)
   ERROR errno=0 len=36
   NEWLINK f0 len=1848 idx=3 flags=0x1002 change=0x0 op=2 master=6 mtu=1500 carrier=0
   NEWLINK f0 len=1848 idx=3 flags=0x1002 change=0x100 op=2 master=6 mtu=1500 carrier=0
   NEWLINK f0 len=1888 idx=6 flags=0x1003 change=0x0 op=2 mtu=1500 carrier=0 event=2
   NEWLINK f7 len=420 idx=3 flags=0x1002 change=0x0 op=2 master=6 mtu=1500 STATE=0
== qb up
   ERROR errno=0 len=36
   NEWLINK f0 len=1492 idx=4 flags=0x1003 change=0x1 op=3 mtu=1500 carrier=0
== pb up
   ERROR errno=0 len=36
   NEWLINK f0 len=1492 idx=5 flags=0x11003 change=0x1 op=3 mtu=1500 carrier=1
   NEWLINK f0 len=1492 idx=5 flags=0x11043 change=0x0 op=6 mtu=1500 carrier=1
   NEWLINK f0 len=1492 idx=4 flags=0x11043 change=0x0 op=6 mtu=1500 carrier=1
== enslave pb (up, carrier) to br0 (up)
   ERROR errno=0 len=36
   NEWLINK f0 len=1848 idx=5 flags=0x11043 change=0x0 op=6 master=6 mtu=1500 carrier=1
   NEWLINK f0 len=1848 idx=5 flags=0x11043 change=0x100 op=6 master=6 mtu=1500 carrier=1
   NEWLINK f7 len=420 idx=5 flags=0x11043 change=0x0 op=6 master=6 mtu=1500 STATE=3
   NEWLINK f7 len=420 idx=5 flags=0x11043 change=0x0 op=6 master=6 mtu=1500 STATE=3
   NEWLINK f7 len=420 idx=5 flags=0x11043 change=0x0 op=6 master=6 mtu=1500 STATE=3
   NEWLINK f0 len=1880 idx=6 flags=0x11043 change=0x0 op=6 mtu=1500 carrier=1
== br0 down (pb forwarding)
   ERROR errno=0 len=36
   NEWLINK f7 len=420 idx=5 flags=0x11043 change=0x0 op=6 master=6 mtu=1500 STATE=0
   NEWLINK f0 len=1880 idx=6 flags=0x1002 change=0x1 op=2 mtu=1500 carrier=0
== br0 up again
   ERROR errno=0 len=36
   NEWLINK f7 len=420 idx=5 flags=0x11043 change=0x0 op=6 master=6 mtu=1500 STATE=3
   NEWLINK f7 len=420 idx=5 flags=0x11043 change=0x0 op=6 master=6 mtu=1500 STATE=3
   NEWLINK f0 len=1880 idx=6 flags=0x11003 change=0x1 op=2 mtu=1500 carrier=1
   NEWLINK f0 len=1880 idx=6 flags=0x11043 change=0x0 op=6 mtu=1500 carrier=1
== create veth vx (peer vy) with IFLA_MASTER br0
   ERROR errno=0 len=36
   NEWLINK f0 len=1492 idx=7 flags=0x1002 change=0xffffffff op=2 mtu=1500 carrier=0
   NEWLINK f0 len=1492 idx=8 flags=0x1002 change=0xffffffff op=2 mtu=1500 carrier=0
   NEWLINK f0 len=1848 idx=8 flags=0x1002 change=0x0 op=2 master=6 mtu=1500 carrier=0
   NEWLINK f0 len=1848 idx=8 flags=0x1002 change=0x100 op=2 master=6 mtu=1500 carrier=0
   NEWLINK f7 len=420 idx=8 flags=0x1002 change=0x0 op=2 master=6 mtu=1500 STATE=0
== move br0 to the other namespace
   ERROR errno=-22 len=100
== move pa (port, down) to the other namespace
   ERROR errno=0 len=36
   NEWLINK f0 len=1036 idx=3 flags=0x1002 change=0x100 op=2 master=6 mtu=1500 carrier=0
   NEWLINK f7 len=420 idx=3 flags=0x1002 change=0x0 op=2 master=6 mtu=1500 STATE=0
   DELLINK f7 len=84 idx=3 flags=0x1002 change=0x0 op=2 master=6 mtu=1500
   NEWLINK f0 len=680 idx=3 flags=0x1002 change=0x0 op=2 mtu=1500 carrier=0
   DELLINK f0 len=696 idx=3 flags=0x1002 change=0xffffffff op=2 mtu=1500 carrier=0
   other: NEWLINK f0 len=1500 idx=3 flags=0x1002 change=0xffffffff op=2 mtu=1500 carrier=0
== move pb (port, forwarding) to the other namespace
   ERROR errno=0 len=36
   NEWLINK f0 len=1848 idx=5 flags=0x1002 change=0x41 op=2 master=6 mtu=1500 carrier=0
   NEWLINK f7 len=420 idx=5 flags=0x1002 change=0x0 op=2 master=6 mtu=1500 STATE=0
   NEWLINK f0 len=1036 idx=5 flags=0x1002 change=0x100 op=2 master=6 mtu=1500 carrier=0
   NEWLINK f7 len=420 idx=5 flags=0x1002 change=0x0 op=2 master=6 mtu=1500 STATE=0
   DELLINK f7 len=84 idx=5 flags=0x1002 change=0x0 op=2 master=6 mtu=1500
   NEWLINK f0 len=680 idx=5 flags=0x1002 change=0x0 op=2 mtu=1500 carrier=0
   DELLINK f0 len=696 idx=5 flags=0x1002 change=0xffffffff op=2 mtu=1500 carrier=0
   NEWLINK f0 len=1500 idx=4 flags=0x1003 change=0x0 op=2 mtu=1500 carrier=0
   NEWLINK f0 len=1880 idx=6 flags=0x1003 change=0x0 op=2 mtu=1500 carrier=0
   other: NEWLINK f0 len=1500 idx=5 flags=0x1002 change=0xffffffff op=2 mtu=1500 carrier=0
";

/// probes/p_bridge_more.py: a port-less bridge going up (carrier on:
/// operstate UNKNOWN), an address set by hand (the carrier drops: no port
/// forwards; ports no longer move the address), a bridge going down and up
/// with a forwarding port, IFLA_MASTER in the creating request, and moving
/// ports to another namespace (each is released first: its messages there
/// have no AF_SPEC any more, 1036 and 680 bytes).
#[test]
fn the_p_bridge_more_probe_replayed() {
    let lab = lab();
    let other = lab.k.netns_add("other").unwrap();
    let far = route_socket(&other, 1 << (RTNLGRP_LINK - 1));
    lab.ok(&veth_mac("pa", "qa", &MAC_PA));
    lab.ok(&veth_mac("pb", "qb", &MAC_PB));
    let (br, fd) = (6, other.ns_fd() as u32);
    let vx = {
        let peer = [ifi(0), nla_str(IFLA_IFNAME, "vy")].concat();
        let data = nla(IFLA_INFO_DATA, &nla(VETH_INFO_PEER, &peer));
        let li = nla(IFLA_LINKINFO, &[nla_str(IFLA_INFO_KIND, "veth"), data].concat());
        let attrs = [nla(IFLA_ADDRESS, &[2, 0, 0, 0, 0, 5]), nla_u32(IFLA_MASTER, br as u32), li].concat();
        nlmsg(RTM_NEWLINK, ADD, 19, &[ifi(0), nla_str(IFLA_IFNAME, "vx"), attrs].concat())
    };
    let steps = vec![
        (
            "create br0",
            nlmsg(
                RTM_NEWLINK,
                ADD,
                10,
                &[ifi(0), nla_str(IFLA_IFNAME, "br0"), nla(IFLA_LINKINFO, &nla_str(IFLA_INFO_KIND, "bridge"))].concat(),
            ),
        ),
        ("br0 up (no ports)", set_up(br, true, 11)),
        (
            "br0 address 02:00:00:00:00:99",
            link_req(RTM_NEWLINK, ACK, 12, br, &nla(IFLA_ADDRESS, &[2, 0, 0, 0, 0, 0x99])),
        ),
        ("enslave pa (down)", set_master(PA, br, 13)),
        ("qb up", set_up(QB, true, 14)),
        ("pb up", set_up(PB, true, 15)),
        ("enslave pb (up, carrier) to br0 (up)", set_master(PB, br, 16)),
        ("br0 down (pb forwarding)", set_up(br, false, 17)),
        ("br0 up again", set_up(br, true, 18)),
        ("create veth vx (peer vy) with IFLA_MASTER br0", vx),
        ("move br0 to the other namespace", link_req(RTM_NEWLINK, ACK, 20, br, &nla_u32(IFLA_NET_NS_FD, fd))),
        (
            "move pa (port, down) to the other namespace",
            link_req(RTM_NEWLINK, ACK, 21, PA, &nla_u32(IFLA_NET_NS_FD, fd)),
        ),
        (
            "move pb (port, forwarding) to the other namespace",
            link_req(RTM_NEWLINK, ACK, 22, PB, &nla_u32(IFLA_NET_NS_FD, fd)),
        ),
    ];
    replay(&lab, Some(&far), steps, P_BRIDGE_MORE);
}

// ===========================================================================
// Attributes
// ===========================================================================

/// Attributes as a probe lists them: (type, hex of the payload).
fn attr_list(list: &[(u16, &str)]) -> Vec<(u16, Vec<u8>)> {
    list.iter().map(|(t, h)| (*t, hex(h))).collect()
}

/// p_link_fill "bridge br0 DOWN (no ports)": the 42 attributes of
/// INFO_DATA, in order, byte for byte (no port yet: the ids hold a zero address).
const FRESH_INFO_DATA: [(u16, &str); 42] = [
    (IFLA_BR_HELLO_TIMER, "0000000000000000"),
    (IFLA_BR_TCN_TIMER, "0000000000000000"),
    (IFLA_BR_TOPOLOGY_CHANGE_TIMER, "0000000000000000"),
    (IFLA_BR_GC_TIMER, "0000000000000000"),
    (IFLA_BR_FORWARD_DELAY, "dc050000"),
    (IFLA_BR_HELLO_TIME, "c8000000"),
    (IFLA_BR_MAX_AGE, "d0070000"),
    (IFLA_BR_AGEING_TIME, "30750000"),
    (IFLA_BR_STP_STATE, "00000000"),
    (IFLA_BR_PRIORITY, "0080"),
    (IFLA_BR_VLAN_FILTERING, "00"),
    (IFLA_BR_GROUP_FWD_MASK, "0000"),
    (IFLA_BR_BRIDGE_ID, "8000000000000000"),
    (IFLA_BR_ROOT_ID, "8000000000000000"),
    (IFLA_BR_ROOT_PORT, "0000"),
    (IFLA_BR_ROOT_PATH_COST, "00000000"),
    (IFLA_BR_TOPOLOGY_CHANGE, "00"),
    (IFLA_BR_TOPOLOGY_CHANGE_DETECTED, "00"),
    (IFLA_BR_GROUP_ADDR, "0180c2000000"),
    (IFLA_BR_MULTI_BOOLOPT, "000000001f000000"),
    (IFLA_BR_FDB_N_LEARNED, "00000000"),
    (IFLA_BR_FDB_MAX_LEARNED, "00000000"),
    (IFLA_BR_MCAST_ROUTER, "01"),
    (IFLA_BR_MCAST_SNOOPING, "01"),
    (IFLA_BR_MCAST_QUERY_USE_IFADDR, "00"),
    (IFLA_BR_MCAST_QUERIER, "00"),
    (IFLA_BR_MCAST_STATS_ENABLED, "00"),
    (IFLA_BR_MCAST_HASH_ELASTICITY, "10000000"),
    (IFLA_BR_MCAST_HASH_MAX, "00100000"),
    (IFLA_BR_MCAST_LAST_MEMBER_CNT, "02000000"),
    (IFLA_BR_MCAST_STARTUP_QUERY_CNT, "02000000"),
    (IFLA_BR_MCAST_IGMP_VERSION, "02"),
    (IFLA_BR_MCAST_MLD_VERSION, "01"),
    (IFLA_BR_MCAST_LAST_MEMBER_INTVL, "6400000000000000"),
    (IFLA_BR_MCAST_MEMBERSHIP_INTVL, "9065000000000000"),
    (IFLA_BR_MCAST_QUERIER_INTVL, "9c63000000000000"),
    (IFLA_BR_MCAST_QUERY_INTVL, "d430000000000000"),
    (IFLA_BR_MCAST_QUERY_RESPONSE_INTVL, "e803000000000000"),
    (IFLA_BR_MCAST_STARTUP_QUERY_INTVL, "340c000000000000"),
    (IFLA_BR_NF_CALL_IPTABLES, "00"),
    (IFLA_BR_NF_CALL_IP6TABLES, "00"),
    (IFLA_BR_NF_CALL_ARPTABLES, "00"),
];

/// p_link_notify "create bridge br0" / p_link_fill: the layout of a
/// bridge's RTM_NEWLINK (1880 bytes, 39 attributes).
const BRIDGE_LAYOUT: &str = "IFNAME:8 TXQLEN:8 OPERSTATE:5 LINKMODE:5 NETNS_IMMUTABLE:5 MTU:8 MIN_MTU:8 MAX_MTU:8 \
GROUP:8 PROMISCUITY:8 ALLMULTI:8 NUM_TX_QUEUES:8 GSO_MAX_SEGS:8 GSO_MAX_SIZE:8 GRO_MAX_SIZE:8 GSO_IPV4_MAX_SIZE:8 \
GRO_IPV4_MAX_SIZE:8 TSO_MAX_SIZE:8 TSO_MAX_SEGS:8 MAX_PACING_OFFLOAD_HORIZON:8 NUM_RX_QUEUES:8 CARRIER:5 \
CARRIER_CHANGES:8 CARRIER_UP_COUNT:8 CARRIER_DOWN_COUNT:8 HEADROOM:6 TAILROOM:6 PROTO_DOWN:5 ADDRESS:10 \
BROADCAST:10 STATS64:204 STATS:100 XDP:12 LINKINFO:412 QDISC:9 AF_SPEC:816 MAP:36 DEVLINK_PORT(N):4 DPLL_PIN(N):4";

/// p_link_fill "bridge br0 DOWN (no ports)": the message, and INFO_DATA's
/// 42 attributes byte for byte; the device's own values (NETNS_IMMUTABLE 1,
/// one queue, noop qdisc, TSO 64 KiB, carrier on, no carrier change yet).
#[test]
fn a_new_bridge_has_the_kernels_attributes_and_values() {
    let lab = lab();
    lab.fixtures();
    let br = lab.get(BR0);
    assert_eq!((br.len, br.family, br.ifi_flags, br.change), (1880, 0, 0x1002, 0));
    assert_eq!(br.layout(), BRIDGE_LAYOUT);
    let li = attrs_of(br.get(IFLA_LINKINFO).unwrap());
    assert_eq!(li[0], (IFLA_INFO_KIND, b"bridge\0".to_vec()));
    assert_eq!(li[1].0, IFLA_INFO_DATA, "INFO_DATA, without NLA_F_NESTED");
    assert_eq!(br.linkinfo(IFLA_INFO_DATA), attr_list(&FRESH_INFO_DATA));
    let u = |t| br.u32(t).unwrap();
    assert_eq!(
        [u(IFLA_TXQLEN), u(IFLA_MIN_MTU), u(IFLA_MAX_MTU), u(IFLA_NUM_TX_QUEUES), u(IFLA_NUM_RX_QUEUES)],
        [1000, 68, 65535, 1, 1]
    );
    assert_eq!([u(IFLA_TSO_MAX_SIZE), u(IFLA_TSO_MAX_SEGS), u(IFLA_CARRIER_CHANGES)], [65536, 65535, 0]);
    assert_eq!(br.get(IFLA_NETNS_IMMUTABLE), Some(&[1u8][..]));
    assert_eq!(br.get(IFLA_CARRIER), Some(&[1u8][..]));
    assert_eq!(br.get(IFLA_QDISC), Some(&b"noop\0"[..]));
    let mac = br.mac();
    assert!(mac[0] & 1 == 0 && mac[0] & 2 != 0, "a random, locally administered address: {mac:x?}");
}

/// The SLAVE_DATA (and PROTINFO) of the first port, pa (02:00:00:00:00:20):
/// p_link_fill "bridge port vp0 (DOWN) enslaved to br0", with pa's address.
fn first_port_attrs() -> Vec<(u16, Vec<u8>)> {
    attr_list(&[
        (IFLA_BRPORT_STATE, "00"),
        (IFLA_BRPORT_PRIORITY, "2000"),
        (IFLA_BRPORT_COST, "02000000"),
        (IFLA_BRPORT_MODE, "00"),
        (IFLA_BRPORT_GUARD, "00"),
        (IFLA_BRPORT_PROTECT, "00"),
        (IFLA_BRPORT_FAST_LEAVE, "00"),
        (IFLA_BRPORT_MCAST_TO_UCAST, "00"),
        (IFLA_BRPORT_LEARNING, "01"),
        (IFLA_BRPORT_UNICAST_FLOOD, "01"),
        (IFLA_BRPORT_MCAST_FLOOD, "01"),
        (IFLA_BRPORT_BCAST_FLOOD, "01"),
        (IFLA_BRPORT_PROXYARP, "00"),
        (IFLA_BRPORT_PROXYARP_WIFI, "00"),
        (IFLA_BRPORT_ROOT_ID, "8000020000000020"),
        (IFLA_BRPORT_BRIDGE_ID, "8000020000000020"),
        (IFLA_BRPORT_DESIGNATED_PORT, "0180"),
        (IFLA_BRPORT_DESIGNATED_COST, "0000"),
        (IFLA_BRPORT_ID, "0180"),
        (IFLA_BRPORT_NO, "0100"),
        (IFLA_BRPORT_TOPOLOGY_CHANGE_ACK, "00"),
        (IFLA_BRPORT_CONFIG_PENDING, "00"),
        (IFLA_BRPORT_VLAN_TUNNEL, "00"),
        (IFLA_BRPORT_GROUP_FWD_MASK, "0000"),
        (IFLA_BRPORT_NEIGH_SUPPRESS, "00"),
        (IFLA_BRPORT_MRP_RING_OPEN, "00"),
        (IFLA_BRPORT_MRP_IN_OPEN, "00"),
        (IFLA_BRPORT_ISOLATED, "00"),
        (IFLA_BRPORT_LOCKED, "00"),
        (IFLA_BRPORT_MAB, "00"),
        (IFLA_BRPORT_NEIGH_VLAN_SUPPRESS, "00"),
        (IFLA_BRPORT_MESSAGE_AGE_TIMER, "0000000000000000"),
        (IFLA_BRPORT_FORWARD_DELAY_TIMER, "0000000000000000"),
        (IFLA_BRPORT_HOLD_TIMER, "0000000000000000"),
        (IFLA_BRPORT_MULTICAST_ROUTER, "01"),
        (IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT, "00020000"),
        (IFLA_BRPORT_MCAST_EHT_HOSTS_CNT, "00000000"),
        (IFLA_BRPORT_MCAST_N_GROUPS, "00000000"),
        (IFLA_BRPORT_MCAST_MAX_GROUPS, "00000000"),
    ])
}

/// p_link_fill "bridge port vp0 (DOWN) enslaved to br0" and p_bridge
/// "enslave pa": the port's RTM_NEWLINK gains IFLA_MASTER and
/// LINKINFO{KIND "veth", SLAVE_KIND "bridge", SLAVE_DATA (39 attributes)};
/// it is promiscuous and allmulti; its AF_BRIDGE RTM_NEWLINK carries the
/// same attributes in PROTINFO (with NLA_F_NESTED). The bridge takes its
/// address, loses carrier, and gets the port's TSO limit.
#[test]
fn a_port_reports_itself_to_both_families() {
    let lab = lab();
    lab.fixtures();
    lab.ok(&set_master(PA, BR0, 101));
    let pa = lab.get(PA);
    assert_eq!(pa.len, 1848);
    assert_eq!(
        pa.layout(),
        "IFNAME:7 TXQLEN:8 OPERSTATE:5 LINKMODE:5 NETNS_IMMUTABLE:5 MTU:8 MIN_MTU:8 MAX_MTU:8 GROUP:8 \
         PROMISCUITY:8 ALLMULTI:8 NUM_TX_QUEUES:8 GSO_MAX_SEGS:8 GSO_MAX_SIZE:8 GRO_MAX_SIZE:8 GSO_IPV4_MAX_SIZE:8 \
         GRO_IPV4_MAX_SIZE:8 TSO_MAX_SIZE:8 TSO_MAX_SEGS:8 MAX_PACING_OFFLOAD_HORIZON:8 NUM_RX_QUEUES:8 MASTER:8 \
         CARRIER:5 CARRIER_CHANGES:8 CARRIER_UP_COUNT:8 CARRIER_DOWN_COUNT:8 HEADROOM:6 TAILROOM:6 PROTO_DOWN:5 \
         ADDRESS:10 BROADCAST:10 STATS64:204 STATS:100 XDP:12 LINKINFO:364 LINK:8 QDISC:9 AF_SPEC:816 MAP:36 \
         DEVLINK_PORT(N):4 DPLL_PIN(N):4"
    );
    let li = attrs_of(pa.get(IFLA_LINKINFO).unwrap());
    assert_eq!(
        li.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
        [IFLA_INFO_KIND, IFLA_INFO_SLAVE_KIND, IFLA_INFO_SLAVE_DATA]
    );
    assert_eq!(li[1].1, b"bridge\0");
    assert_eq!(pa.linkinfo(IFLA_INFO_SLAVE_DATA), first_port_attrs());
    assert_eq!([pa.u32(IFLA_MASTER), pa.u32(IFLA_PROMISCUITY), pa.u32(IFLA_ALLMULTI)], [Some(8), Some(1), Some(1)]);

    // The AF_BRIDGE view of the port, from a PF_BRIDGE dump.
    lab.req.send(&nlmsg(RTM_GETLINK, DUMP, 77, &ifinfomsg(AF_BRIDGE, 0, 0, 0)), 0).unwrap();
    let got = drain_msgs(&lab.req);
    let f7 = Link::of(&got[0]);
    assert_eq!((f7.len, f7.family, f7.index, f7.flags), (420, AF_BRIDGE, PA, NLM_F_MULTI));
    assert_eq!(f7.layout(), "IFNAME:7 MASTER:8 MTU:8 OPERSTATE:5 ADDRESS:10 LINK:8 PROTINFO(N):336");
    assert_eq!(f7.protinfo(), first_port_attrs());
    assert_eq!(f7.u32(IFLA_LINK), Some(QA as u32));

    let br = lab.get(BR0);
    assert_eq!(br.mac(), MAC_PA);
    let data = br.linkinfo(IFLA_INFO_DATA);
    assert_eq!(brport(&data, IFLA_BR_BRIDGE_ID), hex("8000020000000020"));
    assert_eq!(brport(&data, IFLA_BR_ROOT_ID), hex("8000020000000020"));
    assert_eq!([br.u32(IFLA_TSO_MAX_SIZE), br.u32(IFLA_CARRIER_CHANGES)], [Some(524280), Some(1)]);
    assert_eq!(br.get(IFLA_CARRIER), Some(&[0u8][..]));
}

/// p_bridge "release pb", "delete port pa" … "br0 with no ports left": once
/// the last port is gone the bridge's address (and id) is all zeros, its
/// TSO limit stays the one `br_set_gso_limits` computes without ports
/// (524280), and it has no carrier.
#[test]
fn a_bridge_without_ports_has_a_zero_address() {
    let lab = lab();
    lab.fixtures();
    lab.ok(&set_master(PA, BR0, 101));
    lab.ok(&set_master(PB, BR0, 102));
    assert_eq!(lab.get(BR0).mac(), MAC_PB, "the lowest port address");
    lab.ok(&set_master(PB, 0, 103));
    assert_eq!(lab.get(BR0).mac(), MAC_PA);
    let heard = lab.ok(&set_master(PA, 0, 104));
    assert_eq!(
        heard,
        [
            "NEWLINK f0 len=1848 idx=3 flags=0x1002 change=0x100 op=2 master=8 mtu=1500 carrier=0",
            "NEWLINK f7 len=420 idx=3 flags=0x1002 change=0x0 op=2 master=8 mtu=1500 STATE=0",
            "DELLINK f7 len=84 idx=3 flags=0x1002 change=0x0 op=2 master=8 mtu=1500",
            "NEWLINK f0 len=1492 idx=3 flags=0x1002 change=0x0 op=2 mtu=1500 carrier=0",
            "NEWLINK f0 len=1880 idx=8 flags=0x1002 change=0x0 op=2 mtu=1500 carrier=0",
            "NEWLINK f0 len=1888 idx=8 flags=0x1002 change=0x0 op=2 mtu=1500 carrier=0 event=2",
        ]
    );
    let br = lab.get(BR0);
    assert_eq!(br.mac(), [0; 6]);
    assert_eq!(brport(&br.linkinfo(IFLA_INFO_DATA), IFLA_BR_BRIDGE_ID), hex("8000000000000000"));
    assert_eq!(br.u32(IFLA_TSO_MAX_SIZE), Some(524280));
    let pa = lab.get(PA);
    assert_eq!([pa.u32(IFLA_MASTER), pa.u32(IFLA_PROMISCUITY), pa.u32(IFLA_ALLMULTI)], [None, Some(0), Some(0)]);
}

// ===========================================================================
// PF_BRIDGE dumps
// ===========================================================================

/// A PF_BRIDGE RTM_GETLINK dump on a fresh socket: the datagrams, parsed.
fn bridge_dump(lab: &Lab, payload: &[u8], strict: bool) -> (u32, Vec<Vec<Msg>>) {
    let s = route_socket(&lab.net, 0);
    s.setsockopt_int(SOL_NETLINK, NETLINK_GET_STRICT_CHK, strict as i32).unwrap();
    s.send(&nlmsg(RTM_GETLINK, DUMP, 77, payload), 0).unwrap();
    let mut out = Vec::new();
    loop {
        let d = drain(&s);
        if d.is_empty() {
            break;
        }
        out.extend(d.iter().map(|(d, _)| parse(d)));
    }
    (s.getsockname().pid, out)
}

/// p_bridge "PF_BRIDGE GETLINK dump": one AF_BRIDGE RTM_NEWLINK per port
/// (ifindex order, NLM_F_MULTI), NLMSG_DONE alone; with RTEXT_FILTER_BRVLAN
/// the bridge answers too (76 bytes: its own index as master, no
/// PROTINFO, the empty AF_SPEC cancelled).
#[test]
fn a_pf_bridge_dump_lists_the_ports() {
    let lab = lab();
    lab.fixtures();
    for (i, p) in [PA, PB, PC].into_iter().enumerate() {
        lab.ok(&set_master(p, BR0, 101 + i as u32));
    }
    let fam7 = ifinfomsg(AF_BRIDGE, 0, 0, 0);
    let shape = |d: &[Vec<Msg>]| -> Vec<Vec<String>> { d.iter().map(|m| lines(m)).collect() };
    let port =
        |idx: i32| format!("NEWLINK f7 len=420 idx={idx} flags=0x1002 change=0x0 op=2 master=8 mtu=1500 STATE=0");
    let (_, got) = bridge_dump(&lab, &fam7, false);
    assert_eq!(shape(&got), [vec![port(PA), port(PB), port(PC)], vec!["DONE errno=0 len=20".to_string()]]);
    assert!(got[0].iter().all(|m| m.flags == NLM_F_MULTI && m.seq == 77));

    let (_, got) = bridge_dump(&lab, &[fam7.clone(), nla_u32(IFLA_EXT_MASK, RTEXT_FILTER_BRVLAN)].concat(), false);
    let bridge_line = "NEWLINK f7 len=76 idx=8 flags=0x1002 change=0x0 op=2 master=8 mtu=1500".to_string();
    assert_eq!(shape(&got)[0], [port(PA), port(PB), port(PC), bridge_line]);
    assert_eq!(Link::of(&got[0][3]).layout(), "IFNAME:8 MASTER:8 MTU:8 OPERSTATE:5 ADDRESS:10");

    // Without NLM_F_DUMP the PF_UNSPEC doit answers: an ordinary RTM_NEWLINK.
    let got = lab.ask(&nlmsg(RTM_GETLINK, ACK, 77, &ifinfomsg(AF_BRIDGE, PA, 0, 0)));
    assert_eq!(lines(&got)[0], "NEWLINK f0 len=1848 idx=3 flags=0x1002 change=0x0 op=2 master=8 mtu=1500 carrier=0");
}

/// p_bridge "PF_BRIDGE GETLINK dump, 1-byte rtgenmsg" and the strict cases:
/// a short header is only noted (the message rides on NLMSG_DONE, errno 0)
/// unless the socket checks strictly; then NLMSG_DONE carries the error.
#[test]
fn pf_bridge_dump_requests_are_checked_like_linux() {
    let lab = lab();
    lab.fixtures();
    lab.ok(&set_master(PA, BR0, 101));
    let (pid, got) = bridge_dump(&lab, &[AF_BRIDGE], false);
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[1][0].raw,
        kernel_bytes(
            "30000000030002024d0000002119c0f6000000001a000100496e76616c696420 686561646572206c656e677468000000",
            pid
        )
    );
    let cases: [(Vec<u8>, &str); 3] = [
        (
            ifinfomsg(AF_BRIDGE, 1, 0, 0),
            "50000000030002024d0000003fa470faeaffffff3a000100496e76616c696420 \
             76616c75657320696e2068656164657220666f7220627269646765206c696e6b 2064756d702072657175657374000000",
        ),
        (
            [ifinfomsg(AF_BRIDGE, 0, 0, 0), nla_u32(IFLA_MTU, 1500)].concat(),
            "4c000000030002024d00000033c9fcfceaffffff36000100556e737570706f72 \
             7465642061747472696275746520696e20627269646765206c696e6b2064756d 702072657175657374000000",
        ),
        (
            [vec![AF_BRIDGE], vec![0; 7]].concat(),
            "3c000000030002024d000000cc7328f3eaffffff28000100496e76616c696420 \
             68656164657220666f7220627269646765206c696e6b2064756d7000",
        ),
    ];
    for (payload, raw) in cases {
        let (pid, got) = bridge_dump(&lab, &payload, true);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].len(), 1);
        assert_eq!(got[0][0].raw, kernel_bytes(raw, pid));
    }
}

// ===========================================================================
// Errors, byte for byte
// ===========================================================================

/// p_bridge: the errors whose bytes the probe recorded (requests built as
/// p_bridge.py builds them): IFLA_BR_FDB_N_LEARNED is NLA_REJECT (MSG and
/// OFFS, no POLICY), a bridge cannot be a port, an unknown ifindex in a
/// PF_BRIDGE request.
#[test]
fn bridge_errors_are_the_kernels_bytes() {
    let lab = lab();
    lab.fixtures();
    lab.ok(&bridge_req("br1", ADD, 161, &[], &[]));
    let pid = lab.req.getsockname().pid;
    let cases = [
        (
            bridge_req("br0", ACK, 132, &nla_u32(IFLA_BR_FDB_N_LEARNED, 1), &[]),
            "880000000200000284000000c85509a0eaffffff440000001000050084000000 \
             000000000000000000000000000000000000000008000300627230001c001200 \
             0b00010062726964676500000c00020008003000010000002700010041747472 \
             6962757465206661696c656420706f6c6963792076616c69646174696f6e0000 080002003c000000",
        ),
        (
            bridge_req("br0", ACK, 131, &nla_u32(IFLA_BR_HELLO_TIME, 5), &[]),
            "580000000200000083000000c85509a0deffffff440000001000050083000000 \
             000000000000000000000000000000000000000008000300627230001c001200 \
             0b00010062726964676500000c0002000800020005000000",
        ),
        (
            bridge_req("br0", ACK, 133, &nla(IFLA_BR_GROUP_ADDR, &[1, 0x80, 0xc2, 0, 0, 1]), &[]),
            "5c0000000200000085000000c85509a0eaffffff480000001000050085000000 \
             0000000000000000000000000000000000000000080003006272300020001200 \
             0b0001006272696467650000100002000a0014000180c20000010000",
        ),
        (
            set_master(BR1, BR0, 162),
            "6800000002000002a2000000c85509a0d8ffffff2800000010000500a2000000 \
             000000000000000009000000000000000000000008000a000800000029000100 \
             43616e206e6f7420656e736c61766520612062726964676520746f2061206272 6964676500000000",
        ),
        (
            set_master(1, BR0, 160),
            "3c00000002000000a0000000c85509a0eaffffff2800000010000500a0000000 \
             000000000000000001000000000000000000000008000a0008000000",
        ),
        (
            br_req(RTM_SETLINK, 148, 999, &[]),
            "480000000200000294000000c85509a0edffffff200000001300050094000000 \
             0000000007000000e7030000000000000000000014000100756e6b6e6f776e20 6966696e64657800",
        ),
        (
            br_req(RTM_SETLINK, 141, PB, &nla(IFLA_PROTINFO, &nla_u8(IFLA_BRPORT_GUARD, 1))),
            "40000000020000008d000000c85509a0eaffffff2c000000130005008d000000 \
             00000000070000000500000000000000000000000c000c000500050001000000",
        ),
    ];
    lab.ok(&set_master(PB, BR0, 102));
    for (req, raw) in cases {
        let (err, heard) = lab.fails(&req);
        assert_eq!(err.raw, kernel_bytes(raw, pid), "{}", lines(std::slice::from_ref(&err))[0]);
        assert!(heard.is_empty());
    }
}

// ===========================================================================
// Options (probes/p_bridge_opts.py)
// ===========================================================================

/// The number an attribute holds (1, 2, 4 or 8 bytes, host order).
fn num(v: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a[..v.len().min(8)].copy_from_slice(&v[..v.len().min(8)]);
    u64::from_ne_bytes(a)
}

/// The MSG TLV of an NLMSG_ERROR, if any.
fn ext_msg(err: &Msg) -> Option<String> {
    let copied = u32_at(err.payload(), 4) as usize;
    let at = if err.flags & NLM_F_CAPPED != 0 { 4 + NLMSG_HDRLEN } else { 4 + align4(copied) };
    let tlvs = attrs_of(&err.payload()[at..]);
    tlvs.iter()
        .find(|(t, _)| *t == NLMSGERR_ATTR_MSG)
        .map(|(_, v)| String::from_utf8_lossy(&v[..v.len() - 1]).into_owned())
}

/// One option request and what Linux answered: errno, NLMSG_ERROR length,
/// ext-ack message, then the values GETLINK read back.
type OptCase = (&'static str, Vec<u8>, i32, usize, Option<&'static str>, Vec<(u16, u64)>);

/// A request as p_bridge_opts.py's `br_data("br0", data)` builds it.
fn br0_data(data: Vec<u8>) -> Vec<u8> {
    bridge_req("br0", ACK, 5, &data, &[])
}

fn bool_opt(val: u32, mask: u32) -> Vec<u8> {
    nla(IFLA_BR_MULTI_BOOLOPT, &[val.to_ne_bytes(), mask.to_ne_bytes()].concat())
}

/// Runs option cases on `index`, reading back from `which` (INFO_DATA or SLAVE_DATA).
fn run_opt_cases(lab: &Lab, index: i32, which: u16, cases: Vec<OptCase>) {
    for (title, req, errno, len, msg, readback) in cases {
        let got = lab.ask(&req);
        assert_eq!(got.len(), 1, "{title}: {:?}", lines(&got));
        assert_eq!((got[0].ty, got[0].errno(), got[0].raw.len()), (NLMSG_ERROR, errno, len), "{title}");
        assert_eq!(ext_msg(&got[0]).as_deref(), msg, "{title}: ext-ack message");
        if readback.is_empty() {
            continue;
        }
        let data = lab.get(index).linkinfo(which);
        for (ty, want) in readback {
            assert_eq!(num(&brport(&data, ty)), want, "{title}: attribute {ty} read back");
        }
    }
    drain_msgs(&lab.lis);
}

/// p_bridge_opts, first part: IFLA_INFO_DATA options on a port-less bridge,
/// one after the other; what each answered and what GETLINK then read (the
/// clock_t values go through HZ=250 jiffies and back: 1001 reads 1000).
#[test]
fn bridge_options_are_taken_refused_or_adjusted_like_linux() {
    let lab = lab();
    let create = |data: Vec<u8>| bridge_req("br0", ADD, 5, &data, &[]);
    let cases: Vec<OptCase> = vec![
        ("create with VLAN_FILTERING=0", create(nla_u8(IFLA_BR_VLAN_FILTERING, 0)), -95, 88, None, vec![]),
        ("create with VLAN_FILTERING=1", create(nla_u8(IFLA_BR_VLAN_FILTERING, 1)), -95, 88, None, vec![]),
        (
            "create with VLAN_DEFAULT_PVID=5 and VLAN_PROTOCOL (ignored)",
            create([nla_u16(IFLA_BR_VLAN_DEFAULT_PVID, 5), nla(IFLA_BR_VLAN_PROTOCOL, &[0x81, 0])].concat()),
            0,
            36,
            None,
            vec![(IFLA_BR_VLAN_FILTERING, 0), (IFLA_BR_STP_STATE, 0)],
        ),
        (
            "create br0 again (with an empty INFO_DATA)",
            {
                let li = [nla_str(IFLA_INFO_KIND, "bridge"), nla(IFLA_INFO_DATA, &[])].concat();
                nlmsg(RTM_NEWLINK, ADD, 5, &[ifi(0), nla_str(IFLA_IFNAME, "br0"), nla(IFLA_LINKINFO, &li)].concat())
            },
            -17,
            80,
            None,
            vec![],
        ),
        ("no_linklocal_learn on", br0_data(bool_opt(1, 1)), 0, 36, None, vec![(IFLA_BR_MULTI_BOOLOPT, 0x1f_0000_0001)]),
        (
            "mcast_vlan_snooping off",
            br0_data(bool_opt(0, 2)),
            0,
            36,
            None,
            vec![(IFLA_BR_MULTI_BOOLOPT, 0x1f_0000_0001)],
        ),
        (
            "mcast_vlan_snooping on",
            br0_data(bool_opt(2, 2)),
            -22,
            172,
            Some("bridge: Cannot enable multicast vlan snooping with vlan filtering disabled"),
            vec![(IFLA_BR_MULTI_BOOLOPT, 0x1f_0000_0001)],
        ),
        ("mst off", br0_data(bool_opt(0, 4)), -95, 92, None, vec![]),
        ("mst on", br0_data(bool_opt(4, 4)), -95, 92, None, vec![]),
        ("option 3 on", br0_data(bool_opt(8, 8)), 0, 36, None, vec![(IFLA_BR_MULTI_BOOLOPT, 0x1f_0000_0009)]),
        ("option 4 on", br0_data(bool_opt(16, 16)), 0, 36, None, vec![(IFLA_BR_MULTI_BOOLOPT, 0x1f_0000_0019)]),
        ("option 4 off", br0_data(bool_opt(0, 16)), 0, 36, None, vec![(IFLA_BR_MULTI_BOOLOPT, 0x1f_0000_0009)]),
        ("unknown option 5", br0_data(bool_opt(0, 0x20)), -22, 132, Some("bridge: Unknown boolean option 5"), vec![]),
        (
            "MULTI_BOOLOPT of 4 bytes",
            br0_data(nla_u32(IFLA_BR_MULTI_BOOLOPT, 1)),
            -34,
            164,
            Some("binary attribute size out of range"),
            vec![(IFLA_BR_MULTI_BOOLOPT, 0x1f_0000_0009)],
        ),
        ("MCAST_ROUTER=3", br0_data(nla_u8(IFLA_BR_MCAST_ROUTER, 3)), -22, 88, None, vec![(IFLA_BR_MCAST_ROUTER, 1)]),
        ("MCAST_ROUTER=2", br0_data(nla_u8(IFLA_BR_MCAST_ROUTER, 2)), 0, 36, None, vec![(IFLA_BR_MCAST_ROUTER, 2)]),
        ("MCAST_ROUTER=0", br0_data(nla_u8(IFLA_BR_MCAST_ROUTER, 0)), 0, 36, None, vec![(IFLA_BR_MCAST_ROUTER, 0)]),
        (
            "MCAST_SNOOPING=0",
            br0_data(nla_u8(IFLA_BR_MCAST_SNOOPING, 0)),
            0,
            36,
            None,
            vec![(IFLA_BR_MCAST_SNOOPING, 0)],
        ),
        ("MCAST_QUERIER=5", br0_data(nla_u8(IFLA_BR_MCAST_QUERIER, 5)), 0, 36, None, vec![(IFLA_BR_MCAST_QUERIER, 1)]),
        (
            "MCAST_QUERY_USE_IFADDR=7",
            br0_data(nla_u8(IFLA_BR_MCAST_QUERY_USE_IFADDR, 7)),
            0,
            36,
            None,
            vec![(IFLA_BR_MCAST_QUERY_USE_IFADDR, 1)],
        ),
        (
            "MCAST_STATS_ENABLED=1",
            br0_data(nla_u8(IFLA_BR_MCAST_STATS_ENABLED, 1)),
            0,
            36,
            None,
            vec![(IFLA_BR_MCAST_STATS_ENABLED, 1)],
        ),
        (
            "MCAST_HASH_ELASTICITY=3 (always 16)",
            br0_data(nla_u32(IFLA_BR_MCAST_HASH_ELASTICITY, 3)),
            0,
            36,
            None,
            vec![(IFLA_BR_MCAST_HASH_ELASTICITY, 16)],
        ),
        (
            "MCAST_HASH_MAX=100",
            br0_data(nla_u32(IFLA_BR_MCAST_HASH_MAX, 100)),
            0,
            36,
            None,
            vec![(IFLA_BR_MCAST_HASH_MAX, 100)],
        ),
        (
            "MCAST_LAST_MEMBER_CNT=5 STARTUP_QUERY_CNT=6",
            br0_data([nla_u32(IFLA_BR_MCAST_LAST_MEMBER_CNT, 5), nla_u32(IFLA_BR_MCAST_STARTUP_QUERY_CNT, 6)].concat()),
            0,
            36,
            None,
            vec![(IFLA_BR_MCAST_LAST_MEMBER_CNT, 5), (IFLA_BR_MCAST_STARTUP_QUERY_CNT, 6)],
        ),
        (
            "IGMP version 4",
            br0_data(nla_u8(IFLA_BR_MCAST_IGMP_VERSION, 4)),
            -22,
            88,
            None,
            vec![(IFLA_BR_MCAST_IGMP_VERSION, 2)],
        ),
        (
            "IGMP version 3",
            br0_data(nla_u8(IFLA_BR_MCAST_IGMP_VERSION, 3)),
            0,
            36,
            None,
            vec![(IFLA_BR_MCAST_IGMP_VERSION, 3)],
        ),
        (
            "MLD version 3",
            br0_data(nla_u8(IFLA_BR_MCAST_MLD_VERSION, 3)),
            -22,
            88,
            None,
            vec![(IFLA_BR_MCAST_MLD_VERSION, 1)],
        ),
        (
            "MLD version 2",
            br0_data(nla_u8(IFLA_BR_MCAST_MLD_VERSION, 2)),
            0,
            36,
            None,
            vec![(IFLA_BR_MCAST_MLD_VERSION, 2)],
        ),
        (
            "MCAST_QUERY_INTVL=50 (below 1 s)",
            br0_data(nla_u64(IFLA_BR_MCAST_QUERY_INTVL, 50)),
            0,
            36,
            None,
            vec![(IFLA_BR_MCAST_QUERY_INTVL, 100)],
        ),
        (
            "MCAST_QUERY_INTVL above a day",
            br0_data(nla_u64(IFLA_BR_MCAST_QUERY_INTVL, 9_999_999_999)),
            0,
            36,
            None,
            vec![(IFLA_BR_MCAST_QUERY_INTVL, 8_640_000)],
        ),
        (
            "MCAST_STARTUP_QUERY_INTVL=50",
            br0_data(nla_u64(IFLA_BR_MCAST_STARTUP_QUERY_INTVL, 50)),
            0,
            36,
            None,
            vec![(IFLA_BR_MCAST_STARTUP_QUERY_INTVL, 100)],
        ),
        (
            "the other intervals",
            br0_data(
                [
                    nla_u64(IFLA_BR_MCAST_LAST_MEMBER_INTVL, 1),
                    nla_u64(IFLA_BR_MCAST_MEMBERSHIP_INTVL, 333),
                    nla_u64(IFLA_BR_MCAST_QUERIER_INTVL, 777),
                    nla_u64(IFLA_BR_MCAST_QUERY_RESPONSE_INTVL, 1001),
                ]
                .concat(),
            ),
            0,
            36,
            None,
            vec![
                (IFLA_BR_MCAST_LAST_MEMBER_INTVL, 0),
                (IFLA_BR_MCAST_MEMBERSHIP_INTVL, 332),
                (IFLA_BR_MCAST_QUERIER_INTVL, 776),
                (IFLA_BR_MCAST_QUERY_RESPONSE_INTVL, 1000),
            ],
        ),
        (
            "FORWARD_DELAY=1001",
            br0_data(nla_u32(IFLA_BR_FORWARD_DELAY, 1001)),
            0,
            36,
            None,
            vec![(IFLA_BR_FORWARD_DELAY, 1000)],
        ),
        (
            "FORWARD_DELAY=0 (STP off)",
            br0_data(nla_u32(IFLA_BR_FORWARD_DELAY, 0)),
            0,
            36,
            None,
            vec![(IFLA_BR_FORWARD_DELAY, 0)],
        ),
        ("HELLO_TIME=9", br0_data(nla_u32(IFLA_BR_HELLO_TIME, 9)), -34, 88, None, vec![(IFLA_BR_HELLO_TIME, 200)]),
        ("HELLO_TIME=10", br0_data(nla_u32(IFLA_BR_HELLO_TIME, 10)), -34, 88, None, vec![]),
        ("HELLO_TIME=1001", br0_data(nla_u32(IFLA_BR_HELLO_TIME, 1001)), -34, 88, None, vec![]),
        ("MAX_AGE=599", br0_data(nla_u32(IFLA_BR_MAX_AGE, 599)), -34, 88, None, vec![(IFLA_BR_MAX_AGE, 2000)]),
        ("MAX_AGE=4001", br0_data(nla_u32(IFLA_BR_MAX_AGE, 4001)), -34, 88, None, vec![]),
        ("MAX_AGE=600", br0_data(nla_u32(IFLA_BR_MAX_AGE, 600)), 0, 36, None, vec![(IFLA_BR_MAX_AGE, 600)]),
        ("AGEING_TIME=5", br0_data(nla_u32(IFLA_BR_AGEING_TIME, 5)), 0, 36, None, vec![(IFLA_BR_AGEING_TIME, 4)]),
        (
            "PRIORITY=65535",
            br0_data(nla_u16(IFLA_BR_PRIORITY, 65535)),
            0,
            36,
            None,
            vec![(IFLA_BR_PRIORITY, 65535), (IFLA_BR_BRIDGE_ID, 0xffff)],
        ),
        (
            "GROUP_FWD_MASK=1",
            br0_data(nla_u16(IFLA_BR_GROUP_FWD_MASK, 1)),
            -22,
            88,
            None,
            vec![(IFLA_BR_GROUP_FWD_MASK, 0)],
        ),
        (
            "GROUP_FWD_MASK=8",
            br0_data(nla_u16(IFLA_BR_GROUP_FWD_MASK, 8)),
            0,
            36,
            None,
            vec![(IFLA_BR_GROUP_FWD_MASK, 8)],
        ),
        (
            "GROUP_ADDR 01:80:c2:00:00:10",
            br0_data(nla(IFLA_BR_GROUP_ADDR, &[1, 0x80, 0xc2, 0, 0, 0x10])),
            -22,
            92,
            None,
            vec![(IFLA_BR_GROUP_ADDR, 0x00c2_8001)],
        ),
        ("GROUP_ADDR of 4 bytes", br0_data(nla(IFLA_BR_GROUP_ADDR, &[1, 0x80, 0xc2, 0])), -22, 88, None, vec![]),
        (
            "NF_CALL_IPTABLES=1 NF_CALL_ARPTABLES=3",
            br0_data([nla_u8(IFLA_BR_NF_CALL_IPTABLES, 1), nla_u8(IFLA_BR_NF_CALL_ARPTABLES, 3)].concat()),
            0,
            36,
            None,
            vec![(IFLA_BR_NF_CALL_IPTABLES, 1), (IFLA_BR_NF_CALL_ARPTABLES, 1)],
        ),
        (
            "FDB_MAX_LEARNED=5",
            br0_data(nla_u32(IFLA_BR_FDB_MAX_LEARNED, 5)),
            0,
            36,
            None,
            vec![(IFLA_BR_FDB_MAX_LEARNED, 5)],
        ),
        ("FDB_FLUSH", br0_data(nla(IFLA_BR_FDB_FLUSH, &[])), 0, 36, None, vec![(IFLA_BR_FDB_N_LEARNED, 0)]),
        ("VLAN_FILTERING=0 on the bridge", br0_data(nla_u8(IFLA_BR_VLAN_FILTERING, 0)), -95, 88, None, vec![]),
        ("VLAN_STATS_ENABLED=1 (ignored)", br0_data(nla_u8(IFLA_BR_VLAN_STATS_ENABLED, 1)), 0, 36, None, vec![]),
        (
            "ROOT_ID (not writable, ignored)",
            br0_data(nla(IFLA_BR_ROOT_ID, &[0; 8])),
            0,
            36,
            None,
            vec![(IFLA_BR_ROOT_ID, 0xffff)],
        ),
        ("an empty nest of type 47", br0_data(nla(47 | NLA_F_NESTED, &[])), 0, 36, None, vec![]),
        ("an unknown type 60", br0_data(nla_u32(60, 1)), 0, 36, None, vec![]),
    ];
    // The two failed creations registered (and unregistered) ifindex 2 and
    // 3 first, as on Linux: br0 is 4.
    run_opt_cases(&lab, 4, IFLA_INFO_DATA, cases);
}

/// p_bridge_opts, second part: kernel STP. Asked for at creation, it clamps
/// the forward delay to 2 s (and the 802.1D limits apply from then on); a
/// port that comes up is made listening (not forwarding: the bridge keeps
/// no carrier), and a port's state may not be set by hand.
#[test]
fn kernel_stp_makes_ports_listen() {
    let lab = lab();
    lab.ok(&veth_mac("pa", "qa", &MAC_PA));
    let heard = lab.ok(&bridge_req(
        "br1",
        ADD,
        5,
        &[nla_u32(IFLA_BR_STP_STATE, 1), nla_u32(IFLA_BR_FORWARD_DELAY, 100)].concat(),
        &[],
    ));
    let br = 4;
    assert_eq!(heard, ["NEWLINK f0 len=1880 idx=4 flags=0x1002 change=0xffffffff op=2 mtu=1500 carrier=0"]);
    let data = lab.get(br).linkinfo(IFLA_INFO_DATA);
    let v = |ty| num(&brport(&data, ty));
    assert_eq!([v(IFLA_BR_STP_STATE), v(IFLA_BR_FORWARD_DELAY), v(IFLA_BR_HELLO_TIMER)], [1, 200, 0]);
    let (err, _) = lab.fails(&bridge_req("br1", ACK, 5, &nla_u32(IFLA_BR_FORWARD_DELAY, 100), &[]));
    assert_eq!((err.errno(), err.raw.len()), (-34, 88));

    lab.ok(&set_master(PA, br, 7));
    lab.ok(&set_up(QA, true, 8));
    lab.ok(&set_up(PA, true, 8));
    let heard = lab.ok(&set_up(br, true, 9));
    assert_eq!(
        heard,
        [
            "NEWLINK f7 len=420 idx=3 flags=0x11043 change=0x0 op=6 master=4 mtu=1500 STATE=1",
            "NEWLINK f7 len=420 idx=3 flags=0x11043 change=0x0 op=6 master=4 mtu=1500 STATE=1",
            "NEWLINK f0 len=1880 idx=4 flags=0x1003 change=0x1 op=2 mtu=1500 carrier=0",
        ]
    );
    let data = lab.get(br).linkinfo(IFLA_INFO_DATA);
    let v = |ty| num(&brport(&data, ty));
    let tc =
        [IFLA_BR_TOPOLOGY_CHANGE, IFLA_BR_TOPOLOGY_CHANGE_DETECTED, IFLA_BR_TOPOLOGY_CHANGE_TIMER, IFLA_BR_TCN_TIMER];
    assert_eq!(tc.map(v), [0, 0, 0, 0]);
    let port = lab.get(PA).linkinfo(IFLA_INFO_SLAVE_DATA);
    let p = |ty| num(&brport(&port, ty));
    let fields = [
        IFLA_BRPORT_STATE,
        IFLA_BRPORT_HOLD_TIMER,
        IFLA_BRPORT_MESSAGE_AGE_TIMER,
        IFLA_BRPORT_TOPOLOGY_CHANGE_ACK,
        IFLA_BRPORT_CONFIG_PENDING,
    ];
    assert_eq!(fields.map(p), [BR_STATE_LISTENING as u64, 0, 0, 0, 0]);
    let (err, heard) = lab.fails(&protinfo(PA, 6, &nla_u8(IFLA_BRPORT_STATE, BR_STATE_FORWARDING)));
    assert_eq!((err.errno(), err.raw.len(), heard.len()), (-16, 64, 0));
}

/// p_bridge_opts, third part: IFLA_PROTINFO port options on a forwarding
/// port of an up bridge, one after the other, through PF_BRIDGE
/// RTM_SETLINK; policy errors carry no ext-ack (the kernel parses IFLA_PROTINFO
/// without one).
#[test]
fn port_options_are_taken_refused_or_adjusted_like_linux() {
    let lab = lab();
    lab.fixtures();
    lab.ok(&set_master(PA, BR0, 7));
    lab.ok(&set_master(PB, BR0, 7));
    for i in [QA, PA, BR0] {
        lab.ok(&set_up(i, true, 8));
    }
    let pi = |attrs: Vec<u8>| protinfo(PA, 6, &attrs);
    let cases: Vec<OptCase> = vec![
        ("PRIORITY=64", pi(nla_u16(IFLA_BRPORT_PRIORITY, 64)), -34, 64, None, vec![(IFLA_BRPORT_PRIORITY, 32)]),
        (
            "PRIORITY=63",
            pi(nla_u16(IFLA_BRPORT_PRIORITY, 63)),
            0,
            36,
            None,
            vec![(IFLA_BRPORT_PRIORITY, 63), (IFLA_BRPORT_ID, 64513), (IFLA_BRPORT_DESIGNATED_PORT, 64513)],
        ),
        ("COST=65536", pi(nla_u32(IFLA_BRPORT_COST, 65536)), -34, 64, None, vec![(IFLA_BRPORT_COST, 2)]),
        ("COST=65535", pi(nla_u32(IFLA_BRPORT_COST, 65535)), 0, 36, None, vec![(IFLA_BRPORT_COST, 65535)]),
        (
            "MODE=1 GUARD=1 PROTECT=1 FAST_LEAVE=1",
            pi([
                nla_u8(IFLA_BRPORT_MODE, 1),
                nla_u8(IFLA_BRPORT_GUARD, 1),
                nla_u8(IFLA_BRPORT_PROTECT, 1),
                nla_u8(IFLA_BRPORT_FAST_LEAVE, 1),
            ]
            .concat()),
            0,
            36,
            None,
            vec![(IFLA_BRPORT_MODE, 1), (IFLA_BRPORT_GUARD, 1), (IFLA_BRPORT_PROTECT, 1), (IFLA_BRPORT_FAST_LEAVE, 1)],
        ),
        (
            "LEARNING=0 UNICAST_FLOOD=0",
            pi([nla_u8(IFLA_BRPORT_LEARNING, 0), nla_u8(IFLA_BRPORT_UNICAST_FLOOD, 0)].concat()),
            0,
            36,
            None,
            vec![(IFLA_BRPORT_LEARNING, 0), (IFLA_BRPORT_UNICAST_FLOOD, 0)],
        ),
        (
            "MAB=1 (not locked)",
            pi(nla_u8(IFLA_BRPORT_MAB, 1)),
            -22,
            144,
            Some("Bridge port must be locked and have learning enabled when MAB is enabled"),
            vec![(IFLA_BRPORT_MAB, 0)],
        ),
        (
            "LOCKED=1 LEARNING=1 MAB=1",
            pi([nla_u8(IFLA_BRPORT_LOCKED, 1), nla_u8(IFLA_BRPORT_LEARNING, 1), nla_u8(IFLA_BRPORT_MAB, 1)].concat()),
            0,
            36,
            None,
            vec![(IFLA_BRPORT_LOCKED, 1), (IFLA_BRPORT_MAB, 1)],
        ),
        (
            "MULTICAST_ROUTER=4",
            pi(nla_u8(IFLA_BRPORT_MULTICAST_ROUTER, 4)),
            -22,
            64,
            None,
            vec![(IFLA_BRPORT_MULTICAST_ROUTER, 1)],
        ),
        (
            "MULTICAST_ROUTER=3",
            pi(nla_u8(IFLA_BRPORT_MULTICAST_ROUTER, 3)),
            0,
            36,
            None,
            vec![(IFLA_BRPORT_MULTICAST_ROUTER, 3)],
        ),
        (
            "MCAST_EHT_HOSTS_LIMIT=0",
            pi(nla_u32(IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT, 0)),
            -22,
            64,
            None,
            vec![(IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT, 512)],
        ),
        (
            "MCAST_EHT_HOSTS_LIMIT=7 MCAST_MAX_GROUPS=9",
            pi([nla_u32(IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT, 7), nla_u32(IFLA_BRPORT_MCAST_MAX_GROUPS, 9)].concat()),
            0,
            36,
            None,
            vec![(IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT, 7), (IFLA_BRPORT_MCAST_MAX_GROUPS, 9)],
        ),
        (
            "GROUP_FWD_MASK=2",
            pi(nla_u16(IFLA_BRPORT_GROUP_FWD_MASK, 2)),
            -22,
            64,
            None,
            vec![(IFLA_BRPORT_GROUP_FWD_MASK, 0)],
        ),
        (
            "GROUP_FWD_MASK=5",
            pi(nla_u16(IFLA_BRPORT_GROUP_FWD_MASK, 5)),
            0,
            36,
            None,
            vec![(IFLA_BRPORT_GROUP_FWD_MASK, 5)],
        ),
        (
            "NEIGH_VLAN_SUPPRESS=2",
            pi(nla_u8(IFLA_BRPORT_NEIGH_VLAN_SUPPRESS, 2)),
            -34,
            64,
            None,
            vec![(IFLA_BRPORT_NEIGH_VLAN_SUPPRESS, 0)],
        ),
        ("BACKUP_PORT=999", pi(nla_u32(IFLA_BRPORT_BACKUP_PORT, 999)), -2, 64, None, vec![]),
        ("BACKUP_PORT=qa (no port)", pi(nla_u32(IFLA_BRPORT_BACKUP_PORT, QA as u32)), -2, 64, None, vec![]),
        ("BACKUP_PORT=pa (itself)", pi(nla_u32(IFLA_BRPORT_BACKUP_PORT, PA as u32)), -22, 64, None, vec![]),
        ("BACKUP_NHID=5", pi(nla_u32(IFLA_BRPORT_BACKUP_NHID, 5)), 0, 36, None, vec![(IFLA_BRPORT_BACKUP_NHID, 5)]),
        ("MCAST_N_GROUPS (NLA_REJECT)", pi(nla_u32(IFLA_BRPORT_MCAST_N_GROUPS, 5)), -22, 64, None, vec![]),
        ("FLUSH", pi(nla(IFLA_BRPORT_FLUSH, &[])), 0, 36, None, vec![]),
        (
            "VLAN_TUNNEL=1 ISOLATED=1 PROXYARP=1",
            pi([nla_u8(IFLA_BRPORT_VLAN_TUNNEL, 1), nla_u8(IFLA_BRPORT_ISOLATED, 1), nla_u8(IFLA_BRPORT_PROXYARP, 1)]
                .concat()),
            0,
            36,
            None,
            vec![(IFLA_BRPORT_VLAN_TUNNEL, 1), (IFLA_BRPORT_ISOLATED, 1), (IFLA_BRPORT_PROXYARP, 1)],
        ),
        ("unknown type 50", pi(nla_u32(50, 1)), 0, 36, None, vec![]),
        ("STATE=5", pi(nla_u8(IFLA_BRPORT_STATE, 5)), -22, 64, None, vec![]),
    ];
    run_opt_cases(&lab, PA, IFLA_INFO_SLAVE_DATA, cases);

    // p_bridge_opts "BACKUP_NHID=5": the port's messages grow by the attribute.
    let heard = lab.ok(&pi(nla(IFLA_BRPORT_FLUSH, &[])));
    assert_eq!(heard, ["NEWLINK f7 len=428 idx=3 flags=0x11043 change=0x0 op=6 master=8 mtu=1500 STATE=3"]);

    // A port that is down takes no state, not even "disabled".
    lab.ok(&set_up(PA, false, 8));
    for state in [BR_STATE_FORWARDING, BR_STATE_DISABLED] {
        let (err, _) = lab.fails(&pi(nla_u8(IFLA_BRPORT_STATE, state)));
        assert_eq!((err.errno(), err.raw.len()), (-100, 64));
    }

    // IFLA_AF_SPEC: VLANs cannot be added (no VLAN filtering), deleting one
    // is a no-op; SELF goes to the device itself, MASTER|SELF to both.
    let vlan = nla(IFLA_BRIDGE_VLAN_INFO, &[0, 0, 10, 0]);
    let afspec = |attrs: &[Vec<u8>]| nla(IFLA_AF_SPEC, &attrs.concat());
    let (err, _) = lab.fails(&br_req(RTM_SETLINK, 6, PA, &afspec(std::slice::from_ref(&vlan))));
    assert_eq!((err.errno(), err.raw.len()), (-95, 64));
    assert!(lab.ok(&br_req(RTM_DELLINK, 6, PA, &afspec(std::slice::from_ref(&vlan)))).is_empty());
    let self_ = nla_u16(IFLA_BRIDGE_FLAGS, BRIDGE_FLAGS_SELF);
    let (err, _) = lab.fails(&br_req(RTM_SETLINK, 6, BR0, &afspec(&[self_.clone(), vlan])));
    assert_eq!((err.errno(), err.raw.len()), (-95, 72));
    assert!(lab.ok(&br_req(RTM_SETLINK, 6, BR0, &afspec(&[self_]))).is_empty());
    let both = [
        afspec(&[nla_u16(IFLA_BRIDGE_FLAGS, BRIDGE_FLAGS_MASTER | BRIDGE_FLAGS_SELF)]),
        nla(IFLA_PROTINFO | NLA_F_NESTED, &nla_u32(IFLA_BRPORT_COST, 9)),
    ]
    .concat();
    let got = lab.ask(&br_req(RTM_SETLINK, 6, PA, &both));
    assert_eq!(lines(&got), ["ERROR errno=-95 len=76"]);
    assert_eq!(
        lines(&drain_msgs(&lab.lis)),
        ["NEWLINK f7 len=428 idx=3 flags=0x1002 change=0x0 op=2 master=8 mtu=1500 STATE=0"],
        "the master's part was done and announced"
    );
    let (err, _) = lab.fails(&br_req(RTM_SETLINK, 6, PA, &afspec(&[nla(IFLA_BRIDGE_MODE, &[1])])));
    assert_eq!((err.errno(), err.raw.len()), (-22, 64));
    let (err, _) = lab.fails(&nlmsg(RTM_SETLINK, ACK, 6, &[AF_BRIDGE, 0, 0, 0, 0, 0, 0, 0]));
    assert_eq!((err.errno(), err.raw.len()), (-22, 44));
}

/// A PF_BRIDGE dump longer than one chunk: every port once, in ifindex
/// order, across datagrams (the `cb->args[0]` cursor counts the views
/// already sent).
#[test]
fn a_long_pf_bridge_dump_resumes_where_it_stopped() {
    let lab = lab();
    lab.ok(&bridge_req("br0", ADD, 1, &[], &[]));
    let mut ports = Vec::new();
    for i in 0..12u8 {
        let heard = lab.ok(&veth_mac(&format!("p{i}"), &format!("q{i}"), &[2, 0, 0, 0, 1, i]));
        let idx = Link::of_line_index(&heard[1]);
        lab.ok(&set_master(idx, 2, 2));
        ports.push(idx);
    }
    let (_, got) = bridge_dump(&lab, &ifinfomsg(AF_BRIDGE, 0, 0, 0), false);
    assert!(got.len() > 2, "more than one chunk and DONE: {}", got.len());
    let msgs: Vec<&Msg> = got.iter().flatten().collect();
    let seen: Vec<i32> = msgs.iter().filter(|m| m.ty == RTM_NEWLINK).map(|m| Link::of(m).index).collect();
    assert_eq!(seen, ports);
    assert_eq!(msgs.last().map(|m| (m.ty, m.errno())), Some((NLMSG_DONE, 0)));
}

/// A namespace that dies with a bridge and its ports in it: the ports are
/// released and everything goes (the veth peers outside too, as for any
/// veth), without the bridge getting in the way.
#[test]
fn a_dying_namespace_takes_its_bridge_and_ports() {
    let lab = lab();
    let other = lab.k.netns_add("other").unwrap();
    let req = route_socket(&other, 0);
    let fd = nla_u32(IFLA_NET_NS_FD, other.ns_fd() as u32);
    // The bridge first, then a port created after it, then one before it.
    req.send(&bridge_req("br9", ADD, 1, &[], &[]), 0).unwrap();
    let veth_there = |name: &str, peer: &str| veth_req(name, peer, ADD, 2, &[], &fd);
    lab.ok(&veth_there("out1", "in1"));
    lab.ok(&veth_there("out2", "in2"));
    drain_msgs(&req);
    let dump = |s: &NetlinkSocket| {
        s.send(&nlmsg(RTM_GETLINK, DUMP, 3, &ifi(0)), 0).unwrap();
        let mut names = Vec::new();
        loop {
            let d = drain(s);
            if d.is_empty() {
                return names;
            }
            for m in d.iter().flat_map(|(d, _)| parse(d)).filter(|m| m.ty == RTM_NEWLINK) {
                let l = Link::of(&m);
                names.push((l.index, l.u32(IFLA_MASTER)));
            }
        }
    };
    let inside = dump(&req);
    assert_eq!(inside.len(), 4, "lo, br9, in1, in2: {inside:?}");
    let br = inside[1].0;
    for (idx, _) in &inside[2..] {
        req.send(&set_master(*idx, br, 4), 0).unwrap();
        assert_eq!(lines(&drain_msgs(&req)), ["ERROR errno=0 len=36"]);
    }
    assert_eq!(dump(&req)[2..].iter().map(|(_, m)| *m).collect::<Vec<_>>(), [Some(br as u32); 2]);
    drain_msgs(&lab.lis);
    drop((req, other));
    lab.k.netns_del("other").unwrap();
    let heard = lines(&drain_msgs(&lab.lis));
    assert_eq!(heard.iter().filter(|l| l.starts_with("DELLINK f0")).count(), 2, "{heard:?}");
    assert_eq!(dump(&lab.req).len(), 1, "only lo is left here");
}
