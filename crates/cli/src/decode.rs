//! Decoding datagrams for people: every message with its header fields
//! named, NLMSG_ERROR and NLMSG_DONE opened up, link messages (RTM_*LINK)
//! with their `struct ifinfomsg` and every attribute by its `IFLA_*` name,
//! nests opened (IFLA_LINKINFO by kind, IFLA_AF_SPEC by family), namespace
//! id messages (RTM_*NSID) by `NETNSA_*` name, addresses (RTM_*ADDR, their
//! `struct ifaddrmsg` and `IFA_*`), routes (RTM_*ROUTE, `struct rtmsg`,
//! `RTA_*`, RTA_METRICS and RTA_MULTIPATH opened) and neighbours
//! (RTM_*NEIGH, `struct ndmsg`, `NDA_*`), other payloads in hex.
//!
//! This is the simulator's own reading of the bytes (through nlwire's views),
//! used by `rtnlsim demo` and `rtnlsim run --decode`.

use std::fmt::Write;

use nlwire::hdr::{IfInfoMsg, NlMsgErr};
use nlwire::uapi::if_link::*;
use nlwire::uapi::netlink::*;
use nlwire::uapi::rtnetlink::*;
use nlwire::uapi::socket::{AF_BRIDGE, AF_INET, AF_INET6, AF_MPLS, AF_PACKET, AF_UNSPEC};
use nlwire::{Errno, NlMsgHdr, NlMsgIter, Nla, NlaIter};

/// `REQUEST|ACK|…`, reading bits 0x100–0x800 by message kind as the kernel does.
pub fn flags_name(ty: u16, flags: u16) -> String {
    let mut v = Vec::new();
    for (bit, name) in [(NLM_F_REQUEST, "REQUEST"), (NLM_F_MULTI, "MULTI"), (NLM_F_ACK, "ACK"), (NLM_F_ECHO, "ECHO")] {
        if flags & bit != 0 {
            v.push(name);
        }
    }
    for (bit, name) in [(NLM_F_DUMP_INTR, "DUMP_INTR"), (NLM_F_DUMP_FILTERED, "DUMP_FILTERED")] {
        if flags & bit != 0 {
            v.push(name);
        }
    }
    let high: [&str; 4] = if ty == NLMSG_ERROR {
        ["CAPPED", "ACK_TLVS", "0x400", "0x800"]
    } else if ty >= 16 {
        match (ty - 16) & 3 {
            0 => ["REPLACE", "EXCL", "CREATE", "APPEND"],
            1 => ["NONREC", "BULK", "0x400", "0x800"],
            2 => ["ROOT", "MATCH", "ATOMIC", "0x800"],
            _ => ["0x100", "0x200", "0x400", "0x800"],
        }
    } else {
        ["0x100", "0x200", "0x400", "0x800"]
    };
    for (i, name) in high.iter().enumerate() {
        if flags & (0x100 << i) != 0 {
            v.push(name);
        }
    }
    if v.is_empty() {
        "0".into()
    } else {
        v.join("|")
    }
}

pub fn type_name(ty: u16) -> String {
    rtm_name(ty).map(str::to_string).unwrap_or_else(|| format!("type {ty}"))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect::<Vec<_>>().join(" ")
}

fn errno_text(err: i32) -> String {
    match Errno::from_wire(err) {
        None => "0 (success)".into(),
        Some(e) => format!("{err} ({}: {})", e.name().unwrap_or("?"), e.strerror()),
    }
}

fn header_line(h: &NlMsgHdr<&[u8]>) -> String {
    format!(
        "{} len={} flags={} seq={} pid={}",
        type_name(h.nlmsg_type()),
        h.nlmsg_len(),
        flags_name(h.nlmsg_type(), h.nlmsg_flags()),
        h.nlmsg_seq(),
        h.nlmsg_pid()
    )
}

/// One datagram, one message per block, indented by `indent`.
pub fn datagram(data: &[u8], indent: &str) -> String {
    let mut out = String::new();
    for m in NlMsgIter::new(data) {
        let Ok(h) = m else {
            let _ = writeln!(out, "{indent}(malformed message: the walk stops here)");
            break;
        };
        let _ = writeln!(out, "{indent}{}", header_line(&h));
        match h.nlmsg_type() {
            NLMSG_ERROR => match NlMsgErr::new_checked(h.payload(), h.nlmsg_flags()) {
                Ok(e) => {
                    let _ = writeln!(out, "{indent}  error: {}", errno_text(e.error()));
                    let orig = NlMsgHdr::new_unchecked(e.orig_message());
                    let _ = writeln!(out, "{indent}  request: {}", header_line(&orig));
                    if !orig.payload().is_empty() {
                        let _ = writeln!(out, "{indent}    payload: {}", hex(orig.payload()));
                    }
                    for tlv in e.tlvs() {
                        let _ = match tlv.nla_type() {
                            NLMSGERR_ATTR_MSG => {
                                writeln!(out, "{indent}  ext-ack MSG: \"{}\"", String::from_utf8_lossy(tlv.get_str()))
                            }
                            NLMSGERR_ATTR_OFFS => writeln!(out, "{indent}  ext-ack OFFS: {}", tlv.get_u32()),
                            NLMSGERR_ATTR_MISS_TYPE => writeln!(out, "{indent}  ext-ack MISS_TYPE: {}", tlv.get_u32()),
                            NLMSGERR_ATTR_MISS_NEST => writeln!(out, "{indent}  ext-ack MISS_NEST: {}", tlv.get_u32()),
                            t => writeln!(out, "{indent}  ext-ack attr {t}: {}", hex(tlv.payload())),
                        };
                    }
                }
                Err(_) => {
                    let _ = writeln!(out, "{indent}  (truncated nlmsgerr) {}", hex(h.payload()));
                }
            },
            NLMSG_DONE => {
                let p = h.payload();
                if p.len() >= 4 {
                    let err = i32::from_ne_bytes([p[0], p[1], p[2], p[3]]);
                    let _ = writeln!(out, "{indent}  dump result: {}", errno_text(err));
                }
            }
            RTM_NEWLINK..=RTM_SETLINK if h.payload().len() >= 16 => {
                let sub = format!("{indent}  ");
                out.push_str(&ifinfomsg_line(h.payload(), &sub));
                attrs(&mut out, &h.payload()[16..], &sub, Space::Link);
            }
            RTM_NEWADDR..=RTM_GETADDR if h.payload().len() >= 8 => {
                let sub = format!("{indent}  ");
                out.push_str(&ifaddrmsg_line(h.payload(), &sub));
                attrs(&mut out, &h.payload()[8..], &sub, Space::Addr);
            }
            RTM_NEWROUTE..=RTM_GETROUTE if h.payload().len() >= 12 => {
                let sub = format!("{indent}  ");
                out.push_str(&rtmsg_line(h.payload(), &sub));
                attrs(&mut out, &h.payload()[12..], &sub, Space::Route);
            }
            RTM_NEWNEIGH..=RTM_GETNEIGH if h.payload().len() >= 12 => {
                let sub = format!("{indent}  ");
                out.push_str(&ndmsg_line(h.payload(), &sub));
                attrs(&mut out, &h.payload()[12..], &sub, Space::Neigh);
            }
            RTM_NEWNSID..=RTM_GETNSID if !h.payload().is_empty() => {
                let _ = writeln!(out, "{indent}  rtgenmsg family={}", family_name(h.payload()[0]));
                let p = h.payload();
                attrs(&mut out, p.get(4..).unwrap_or(&[]), &format!("{indent}  "), Space::Netns);
            }
            _ => {
                if !h.payload().is_empty() {
                    let _ = writeln!(out, "{indent}  payload: {}", hex(h.payload()));
                }
            }
        }
    }
    out
}

/// `AF_*` by name.
fn family_name(f: u8) -> String {
    match f {
        AF_UNSPEC => "AF_UNSPEC".into(),
        AF_INET => "AF_INET".into(),
        AF_INET6 => "AF_INET6".into(),
        AF_BRIDGE => "AF_BRIDGE".into(),
        AF_PACKET => "AF_PACKET".into(),
        AF_MPLS => "AF_MPLS".into(),
        f => format!("family {f}"),
    }
}

/// `struct ifinfomsg`, fields named.
fn ifinfomsg_line(p: &[u8], indent: &str) -> String {
    let Ok(i) = IfInfoMsg::new_checked(p) else { return format!("{indent}(truncated ifinfomsg)\n") };
    format!(
        "{indent}ifinfomsg family={} type={} index={} flags={:#x} change={:#x}\n",
        family_name(i.ifi_family()),
        i.ifi_type(),
        i.ifi_index(),
        i.ifi_flags(),
        i.ifi_change()
    )
}

/// `struct ifaddrmsg`, fields named.
fn ifaddrmsg_line(p: &[u8], indent: &str) -> String {
    format!(
        "{indent}ifaddrmsg family={} prefixlen={} flags={:#x} scope={} index={}\n",
        family_name(p[0]),
        p[1],
        p[2],
        p[3],
        u32::from_ne_bytes([p[4], p[5], p[6], p[7]])
    )
}

/// `struct rtmsg`, fields named.
fn rtmsg_line(p: &[u8], indent: &str) -> String {
    format!(
        "{indent}rtmsg family={} dst_len={} src_len={} tos={} table={} protocol={} scope={} type={} flags={:#x}\n",
        family_name(p[0]),
        p[1],
        p[2],
        p[3],
        p[4],
        p[5],
        p[6],
        p[7],
        u32::from_ne_bytes([p[8], p[9], p[10], p[11]])
    )
}

/// `struct ndmsg`, fields named.
fn ndmsg_line(p: &[u8], indent: &str) -> String {
    format!(
        "{indent}ndmsg family={} ifindex={} state={:#x} flags={:#x} type={}\n",
        family_name(p[0]),
        i32::from_ne_bytes([p[4], p[5], p[6], p[7]]),
        u16::from_ne_bytes([p[8], p[9]]),
        p[10],
        p[11]
    )
}

/// Linux 6.18's `IFA_*` (include/uapi/linux/if_addr.h).
const IFA_NAMES: [&str; 12] = [
    "IFA_UNSPEC",
    "IFA_ADDRESS",
    "IFA_LOCAL",
    "IFA_LABEL",
    "IFA_BROADCAST",
    "IFA_ANYCAST",
    "IFA_CACHEINFO",
    "IFA_MULTICAST",
    "IFA_FLAGS",
    "IFA_RT_PRIORITY",
    "IFA_TARGET_NETNSID",
    "IFA_PROTO",
];
/// Linux 6.18's `RTA_*` (include/uapi/linux/rtnetlink.h).
const RTA_NAMES: [&str; 31] = [
    "RTA_UNSPEC",
    "RTA_DST",
    "RTA_SRC",
    "RTA_IIF",
    "RTA_OIF",
    "RTA_GATEWAY",
    "RTA_PRIORITY",
    "RTA_PREFSRC",
    "RTA_METRICS",
    "RTA_MULTIPATH",
    "RTA_PROTOINFO",
    "RTA_FLOW",
    "RTA_CACHEINFO",
    "RTA_SESSION",
    "RTA_MP_ALGO",
    "RTA_TABLE",
    "RTA_MARK",
    "RTA_MFC_STATS",
    "RTA_VIA",
    "RTA_NEWDST",
    "RTA_PREF",
    "RTA_ENCAP_TYPE",
    "RTA_ENCAP",
    "RTA_EXPIRES",
    "RTA_PAD",
    "RTA_UID",
    "RTA_TTL_PROPAGATE",
    "RTA_IP_PROTO",
    "RTA_SPORT",
    "RTA_DPORT",
    "RTA_NH_ID",
];
/// Linux 6.18's `RTAX_*`.
const RTAX_NAMES: [&str; 18] = [
    "RTAX_UNSPEC",
    "RTAX_LOCK",
    "RTAX_MTU",
    "RTAX_WINDOW",
    "RTAX_RTT",
    "RTAX_RTTVAR",
    "RTAX_SSTHRESH",
    "RTAX_CWND",
    "RTAX_ADVMSS",
    "RTAX_REORDERING",
    "RTAX_HOPLIMIT",
    "RTAX_INITCWND",
    "RTAX_FEATURES",
    "RTAX_RTO_MIN",
    "RTAX_INITRWND",
    "RTAX_QUICKACK",
    "RTAX_CC_ALGO",
    "RTAX_FASTOPEN_NO_COOKIE",
];
/// Linux 6.18's `NDA_*` (include/uapi/linux/neighbour.h).
const NDA_NAMES: [&str; 18] = [
    "NDA_UNSPEC",
    "NDA_DST",
    "NDA_LLADDR",
    "NDA_CACHEINFO",
    "NDA_PROBES",
    "NDA_VLAN",
    "NDA_PORT",
    "NDA_VNI",
    "NDA_IFINDEX",
    "NDA_MASTER",
    "NDA_LINK_NETNSID",
    "NDA_SRC_VNI",
    "NDA_PROTOCOL",
    "NDA_NH_ID",
    "NDA_FDB_EXT_ATTRS",
    "NDA_FLAGS_EXT",
    "NDA_NDM_STATE_MASK",
    "NDA_NDM_FLAGS_MASK",
];

/// Which attribute numbering a stream uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Space {
    Link,
    LinkInfo,
    InfoData(Kind),
    SlaveData(Kind),
    AfSpec,
    Inet,
    Inet6,
    Xdp,
    PropList,
    Netns,
    Addr,
    Route,
    Metrics,
    Neigh,
    Unknown,
}

/// The link kinds whose `IFLA_INFO_DATA` this decoder opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Veth,
    Bridge,
    Other,
}

/// How to show an attribute's payload.
enum Val {
    Str,
    U8,
    U16,
    U32,
    S32,
    Mac,
    BridgeId,
    Blob(&'static str),
    /// A nest, in this numbering.
    Nest(Space),
    /// VETH_INFO_PEER: a `struct ifinfomsg`, then link attributes.
    Peer,
    /// Whatever its length says (1, 2, 4 or 8 bytes), else hex.
    Scalar,
    /// An IPv4 or IPv6 address, by its length.
    Ip,
    /// `struct ifa_cacheinfo`.
    IfaCacheinfo,
    /// RTA_MULTIPATH: `struct rtnexthop`s, each with route attributes.
    Multipath,
}

/// Linux 6.18's `IFLA_BR_*` (include/uapi/linux/if_link.h).
const IFLA_BR_NAMES: [&str; 50] = [
    "IFLA_BR_UNSPEC",
    "IFLA_BR_FORWARD_DELAY",
    "IFLA_BR_HELLO_TIME",
    "IFLA_BR_MAX_AGE",
    "IFLA_BR_AGEING_TIME",
    "IFLA_BR_STP_STATE",
    "IFLA_BR_PRIORITY",
    "IFLA_BR_VLAN_FILTERING",
    "IFLA_BR_VLAN_PROTOCOL",
    "IFLA_BR_GROUP_FWD_MASK",
    "IFLA_BR_ROOT_ID",
    "IFLA_BR_BRIDGE_ID",
    "IFLA_BR_ROOT_PORT",
    "IFLA_BR_ROOT_PATH_COST",
    "IFLA_BR_TOPOLOGY_CHANGE",
    "IFLA_BR_TOPOLOGY_CHANGE_DETECTED",
    "IFLA_BR_HELLO_TIMER",
    "IFLA_BR_TCN_TIMER",
    "IFLA_BR_TOPOLOGY_CHANGE_TIMER",
    "IFLA_BR_GC_TIMER",
    "IFLA_BR_GROUP_ADDR",
    "IFLA_BR_FDB_FLUSH",
    "IFLA_BR_MCAST_ROUTER",
    "IFLA_BR_MCAST_SNOOPING",
    "IFLA_BR_MCAST_QUERY_USE_IFADDR",
    "IFLA_BR_MCAST_QUERIER",
    "IFLA_BR_MCAST_HASH_ELASTICITY",
    "?",
    "IFLA_BR_MCAST_LAST_MEMBER_CNT",
    "IFLA_BR_MCAST_STARTUP_QUERY_CNT",
    "IFLA_BR_MCAST_LAST_MEMBER_INTVL",
    "IFLA_BR_MCAST_MEMBERSHIP_INTVL",
    "IFLA_BR_MCAST_QUERIER_INTVL",
    "IFLA_BR_MCAST_QUERY_INTVL",
    "IFLA_BR_MCAST_QUERY_RESPONSE_INTVL",
    "IFLA_BR_MCAST_STARTUP_QUERY_INTVL",
    "IFLA_BR_NF_CALL_IPTABLES",
    "IFLA_BR_NF_CALL_IP6TABLES",
    "IFLA_BR_NF_CALL_ARPTABLES",
    "IFLA_BR_VLAN_DEFAULT_PVID",
    "IFLA_BR_PAD",
    "IFLA_BR_VLAN_STATS_ENABLED",
    "IFLA_BR_MCAST_STATS_ENABLED",
    "IFLA_BR_MCAST_IGMP_VERSION",
    "IFLA_BR_MCAST_MLD_VERSION",
    "IFLA_BR_VLAN_STATS_PER_PORT",
    "IFLA_BR_MULTI_BOOLOPT",
    "IFLA_BR_MCAST_QUERIER_STATE",
    "IFLA_BR_FDB_N_LEARNED",
    "IFLA_BR_FDB_MAX_LEARNED",
];
/// Linux 6.18's `IFLA_BRPORT_*`.
const IFLA_BRPORT_NAMES: [&str; 45] = [
    "IFLA_BRPORT_UNSPEC",
    "IFLA_BRPORT_STATE",
    "IFLA_BRPORT_PRIORITY",
    "IFLA_BRPORT_COST",
    "IFLA_BRPORT_MODE",
    "IFLA_BRPORT_GUARD",
    "IFLA_BRPORT_PROTECT",
    "IFLA_BRPORT_FAST_LEAVE",
    "IFLA_BRPORT_LEARNING",
    "IFLA_BRPORT_UNICAST_FLOOD",
    "IFLA_BRPORT_PROXYARP",
    "IFLA_BRPORT_LEARNING_SYNC",
    "IFLA_BRPORT_PROXYARP_WIFI",
    "IFLA_BRPORT_ROOT_ID",
    "IFLA_BRPORT_BRIDGE_ID",
    "IFLA_BRPORT_DESIGNATED_PORT",
    "IFLA_BRPORT_DESIGNATED_COST",
    "IFLA_BRPORT_ID",
    "IFLA_BRPORT_NO",
    "IFLA_BRPORT_TOPOLOGY_CHANGE_ACK",
    "IFLA_BRPORT_CONFIG_PENDING",
    "IFLA_BRPORT_MESSAGE_AGE_TIMER",
    "IFLA_BRPORT_FORWARD_DELAY_TIMER",
    "IFLA_BRPORT_HOLD_TIMER",
    "IFLA_BRPORT_FLUSH",
    "IFLA_BRPORT_MULTICAST_ROUTER",
    "IFLA_BRPORT_PAD",
    "IFLA_BRPORT_MCAST_FLOOD",
    "IFLA_BRPORT_MCAST_TO_UCAST",
    "IFLA_BRPORT_VLAN_TUNNEL",
    "IFLA_BRPORT_BCAST_FLOOD",
    "IFLA_BRPORT_GROUP_FWD_MASK",
    "IFLA_BRPORT_NEIGH_SUPPRESS",
    "IFLA_BRPORT_ISOLATED",
    "IFLA_BRPORT_BACKUP_PORT",
    "IFLA_BRPORT_MRP_RING_OPEN",
    "IFLA_BRPORT_MRP_IN_OPEN",
    "IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT",
    "IFLA_BRPORT_MCAST_EHT_HOSTS_CNT",
    "IFLA_BRPORT_LOCKED",
    "IFLA_BRPORT_MAB",
    "IFLA_BRPORT_MCAST_N_GROUPS",
    "IFLA_BRPORT_MCAST_MAX_GROUPS",
    "IFLA_BRPORT_NEIGH_VLAN_SUPPRESS",
    "IFLA_BRPORT_BACKUP_NHID",
];

const NETNSA_NAMES: [&str; 6] =
    ["NETNSA_NONE", "NETNSA_NSID", "NETNSA_PID", "NETNSA_FD", "NETNSA_TARGET_NSID", "NETNSA_CURRENT_NSID"];
const IFLA_INFO_NAMES: [&str; 6] = [
    "IFLA_INFO_UNSPEC",
    "IFLA_INFO_KIND",
    "IFLA_INFO_DATA",
    "IFLA_INFO_XSTATS",
    "IFLA_INFO_SLAVE_KIND",
    "IFLA_INFO_SLAVE_DATA",
];
const IFLA_INET6_NAMES: [&str; 10] = [
    "IFLA_INET6_UNSPEC",
    "IFLA_INET6_FLAGS",
    "IFLA_INET6_CONF",
    "IFLA_INET6_STATS",
    "IFLA_INET6_MCAST",
    "IFLA_INET6_CACHEINFO",
    "IFLA_INET6_ICMP6STATS",
    "IFLA_INET6_TOKEN",
    "IFLA_INET6_ADDR_GEN_MODE",
    "IFLA_INET6_RA_MTU",
];
const IFLA_XDP_NAMES: [&str; 5] =
    ["IFLA_XDP_UNSPEC", "IFLA_XDP_FD", "IFLA_XDP_ATTACHED", "IFLA_XDP_FLAGS", "IFLA_XDP_PROG_ID"];

/// An attribute's name and how to read it, in a numbering.
fn describe(space: Space, ty: u16) -> (String, Val) {
    let named = |table: &[&str], v: Val| match table.get(ty as usize) {
        Some(n) => (n.to_string(), v),
        None => (format!("attr {ty}"), Val::Scalar),
    };
    match space {
        Space::Link => {
            let v = match ty {
                IFLA_IFNAME
                | IFLA_QDISC
                | IFLA_IFALIAS
                | IFLA_PHYS_PORT_NAME
                | IFLA_PARENT_DEV_NAME
                | IFLA_PARENT_DEV_BUS_NAME
                | IFLA_ALT_IFNAME => Val::Str,
                IFLA_OPERSTATE | IFLA_LINKMODE | IFLA_CARRIER | IFLA_PROTO_DOWN | IFLA_NETNS_IMMUTABLE => Val::U8,
                IFLA_HEADROOM | IFLA_TAILROOM => Val::U16,
                IFLA_LINK_NETNSID | IFLA_NEW_NETNSID | IFLA_TARGET_NETNSID | IFLA_NET_NS_FD => Val::S32,
                IFLA_ADDRESS | IFLA_BROADCAST | IFLA_PERM_ADDRESS => Val::Mac,
                IFLA_STATS => Val::Blob("struct rtnl_link_stats"),
                IFLA_STATS64 => Val::Blob("struct rtnl_link_stats64"),
                IFLA_MAP => Val::Blob("struct rtnl_link_ifmap"),
                IFLA_LINKINFO => Val::Nest(Space::LinkInfo),
                IFLA_AF_SPEC => Val::Nest(Space::AfSpec),
                IFLA_XDP => Val::Nest(Space::Xdp),
                IFLA_PROP_LIST => Val::Nest(Space::PropList),
                IFLA_VFINFO_LIST
                | IFLA_VF_PORTS
                | IFLA_PORT_SELF
                | IFLA_PROTO_DOWN_REASON
                | IFLA_DEVLINK_PORT
                | IFLA_DPLL_PIN => Val::Nest(Space::Unknown),
                IFLA_PHYS_PORT_ID | IFLA_PHYS_SWITCH_ID => Val::Blob("id"),
                _ => Val::U32,
            };
            match ifla_name(ty) {
                Some(n) => (n.to_string(), v),
                None => (format!("attr {ty}"), Val::Scalar),
            }
        }
        Space::LinkInfo => named(
            &IFLA_INFO_NAMES,
            match ty {
                IFLA_INFO_KIND | IFLA_INFO_SLAVE_KIND => Val::Str,
                _ => Val::Nest(Space::Unknown),
            },
        ),
        Space::InfoData(Kind::Veth) if ty == VETH_INFO_PEER => ("VETH_INFO_PEER".into(), Val::Peer),
        Space::InfoData(Kind::Bridge) => named(
            &IFLA_BR_NAMES,
            match ty {
                10 | 11 => Val::BridgeId,
                20 => Val::Mac,
                46 => Val::Blob("struct br_boolopt_multi"),
                _ => Val::Scalar,
            },
        ),
        Space::SlaveData(Kind::Bridge) => {
            named(&IFLA_BRPORT_NAMES, if ty == 13 || ty == 14 { Val::BridgeId } else { Val::Scalar })
        }
        Space::AfSpec => {
            let n = match ty as u8 {
                AF_INET => ("AF_INET".to_string(), Val::Nest(Space::Inet)),
                AF_INET6 => ("AF_INET6".to_string(), Val::Nest(Space::Inet6)),
                f => (family_name(f), Val::Nest(Space::Unknown)),
            };
            if ty > u8::MAX as u16 {
                (format!("attr {ty}"), Val::Scalar)
            } else {
                n
            }
        }
        Space::Inet if ty == IFLA_INET_CONF => ("IFLA_INET_CONF".into(), Val::Blob("ipv4_devconf")),
        Space::Inet6 => named(
            &IFLA_INET6_NAMES,
            match ty {
                IFLA_INET6_FLAGS | IFLA_INET6_RA_MTU => Val::U32,
                IFLA_INET6_ADDR_GEN_MODE => Val::U8,
                IFLA_INET6_CONF => Val::Blob("ipv6_devconf"),
                IFLA_INET6_STATS | IFLA_INET6_ICMP6STATS => Val::Blob("counters"),
                IFLA_INET6_CACHEINFO => Val::Blob("struct ifla_cacheinfo"),
                IFLA_INET6_TOKEN => Val::Blob("struct in6_addr"),
                _ => Val::Scalar,
            },
        ),
        Space::Xdp => named(&IFLA_XDP_NAMES, if ty == IFLA_XDP_ATTACHED { Val::U8 } else { Val::Scalar }),
        Space::Addr => named(
            &IFA_NAMES,
            match ty {
                1 | 2 | 4 | 5 | 7 => Val::Ip,
                3 => Val::Str,
                6 => Val::IfaCacheinfo,
                8 | 9 => Val::U32,
                10 => Val::S32,
                11 => Val::U8,
                _ => Val::Scalar,
            },
        ),
        Space::Route => named(
            &RTA_NAMES,
            match ty {
                RTA_DST | RTA_SRC | RTA_GATEWAY | RTA_PREFSRC | RTA_NEWDST => Val::Ip,
                RTA_METRICS => Val::Nest(Space::Metrics),
                RTA_MULTIPATH => Val::Multipath,
                RTA_CACHEINFO => Val::Blob("struct rta_cacheinfo"),
                RTA_VIA => Val::Blob("struct rtvia"),
                RTA_PREF | RTA_TTL_PROPAGATE | RTA_IP_PROTO => Val::U8,
                RTA_ENCAP_TYPE | RTA_SPORT | RTA_DPORT => Val::U16,
                RTA_ENCAP => Val::Nest(Space::Unknown),
                _ => Val::U32,
            },
        ),
        Space::Metrics => named(&RTAX_NAMES, if ty == RTAX_CC_ALGO { Val::Str } else { Val::U32 }),
        Space::Neigh => named(
            &NDA_NAMES,
            match ty {
                1 => Val::Ip,
                2 => Val::Mac,
                3 => Val::Blob("struct nda_cacheinfo"),
                5 | 6 | 16 => Val::U16,
                10 => Val::S32,
                12 | 17 => Val::U8,
                14 => Val::Nest(Space::Unknown),
                _ => Val::U32,
            },
        ),
        Space::PropList if ty == IFLA_ALT_IFNAME => ("IFLA_ALT_IFNAME".into(), Val::Str),
        Space::Netns => {
            named(&NETNSA_NAMES, if ty == 1 || ty == 3 || ty == 4 || ty == 5 { Val::S32 } else { Val::U32 })
        }
        _ => (format!("attr {ty}"), Val::Scalar),
    }
}

/// A payload as its length suggests.
fn scalar(p: &[u8]) -> String {
    match p.len() {
        1 => p[0].to_string(),
        2 => u16::from_ne_bytes([p[0], p[1]]).to_string(),
        4 => u32::from_ne_bytes([p[0], p[1], p[2], p[3]]).to_string(),
        8 => u64::from_ne_bytes([p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]]).to_string(),
        0 => "(empty)".into(),
        _ => hex(p),
    }
}

fn value(a: &Nla<&[u8]>, v: &Val) -> String {
    let p = a.payload_ref();
    let sized =
        |n: usize, f: &dyn Fn() -> String| if p.len() == n { f() } else { format!("({} bytes) {}", p.len(), hex(p)) };
    match v {
        Val::Str => {
            let nul = if p.last() == Some(&0) { "" } else { " (no NUL)" };
            format!("\"{}\"{nul}", String::from_utf8_lossy(a.get_str()))
        }
        Val::U8 => sized(1, &|| p[0].to_string()),
        Val::U16 => sized(2, &|| a.get_u16().to_string()),
        Val::U32 => sized(4, &|| a.get_u32().to_string()),
        Val::S32 => sized(4, &|| a.get_s32().to_string()),
        Val::Mac => p.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":"),
        Val::BridgeId if p.len() == 8 => format!(
            "{:02x}{:02x}.{}",
            p[0],
            p[1],
            p[2..].iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")
        ),
        Val::Ip if p.len() == 4 || p.len() == 16 => {
            let af = if p.len() == 4 { AF_INET } else { AF_INET6 };
            crate::ip::utils::inet_ntop(af, p)
        }
        Val::IfaCacheinfo if p.len() == 16 => {
            let w = |i: usize| u32::from_ne_bytes([p[i], p[i + 1], p[i + 2], p[i + 3]]);
            format!("prefered={} valid={} cstamp={} tstamp={}", w(0), w(4), w(8), w(12))
        }
        Val::Blob(what) if p.iter().all(|b| *b == 0) => format!("({} bytes, {what}, all zero)", p.len()),
        Val::Blob(what) => format!("({} bytes, {what})", p.len()),
        _ => scalar(p),
    }
}

/// The attributes of a stream, one a line, nests opened.
fn attrs(out: &mut String, data: &[u8], indent: &str, space: Space) {
    let mut kind = Kind::Other;
    let mut it = NlaIter::new(data);
    for a in it.by_ref() {
        let ty = a.nla_type();
        let (name, val) = describe(space, ty);
        let mut flags = String::new();
        if a.is_nested() {
            flags.push_str(" [NESTED]");
        }
        if a.is_net_byteorder() {
            flags.push_str(" [NET_BYTEORDER]");
        }
        match val {
            Val::Nest(mut sub) => {
                if space == Space::LinkInfo {
                    sub = match ty {
                        IFLA_INFO_DATA => Space::InfoData(kind),
                        IFLA_INFO_SLAVE_DATA => Space::SlaveData(kind),
                        _ => sub,
                    };
                }
                let _ = writeln!(out, "{indent}{name}{flags}");
                attrs(out, a.payload_ref(), &format!("{indent}  "), sub);
            }
            Val::Multipath => {
                let _ = writeln!(out, "{indent}{name}{flags}");
                let mut p = a.payload_ref();
                while p.len() >= 8 {
                    let len = (u16::from_ne_bytes([p[0], p[1]]) as usize).clamp(8, p.len());
                    let _ = writeln!(
                        out,
                        "{indent}  rtnexthop len={len} flags={:#x} hops={} ifindex={}",
                        p[2],
                        p[3],
                        i32::from_ne_bytes([p[4], p[5], p[6], p[7]])
                    );
                    attrs(out, &p[8..len], &format!("{indent}    "), Space::Route);
                    p = &p[nlwire::nlmsg_align(len).min(p.len())..];
                }
            }
            Val::Peer => {
                let _ = writeln!(out, "{indent}{name}{flags}");
                let sub = format!("{indent}  ");
                let p = a.payload_ref();
                out.push_str(&ifinfomsg_line(p, &sub));
                attrs(out, p.get(16..).unwrap_or(&[]), &sub, Space::Link);
            }
            v => {
                if space == Space::LinkInfo && (ty == IFLA_INFO_KIND || ty == IFLA_INFO_SLAVE_KIND) {
                    kind = match a.get_str() {
                        b"veth" => Kind::Veth,
                        b"bridge" => Kind::Bridge,
                        _ => Kind::Other,
                    };
                }
                let _ = writeln!(out, "{indent}{name}{flags} {}", value(&a, &v));
            }
        }
    }
    if it.remaining() > 0 {
        let _ = writeln!(out, "{indent}({} bytes left over)", it.remaining());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_read_by_kind() {
        assert_eq!(flags_name(18, 0x301), "REQUEST|ROOT|MATCH");
        assert_eq!(flags_name(16, 0x605), "REQUEST|ACK|EXCL|CREATE");
        assert_eq!(flags_name(NLMSG_ERROR, 0x300), "CAPPED|ACK_TLVS");
    }

    #[test]
    fn link_request_decodes_by_attribute_name() {
        // ip link add v0 type veth peer name v1, as iproute2 6.1 builds it.
        let mut req = crate::ip::iplink::IplinkReq::new(RTM_NEWLINK, 0x605, 0);
        req.put_strz(IFLA_IFNAME, "v0");
        let li = req.nest(IFLA_LINKINFO);
        req.put(IFLA_INFO_KIND, b"veth");
        let data = req.nest(IFLA_INFO_DATA);
        let peer = req.nest(VETH_INFO_PEER);
        let _ = req.skb.put(16);
        req.put_strz(IFLA_IFNAME, "v1");
        req.nest_end(peer);
        req.nest_end(data);
        req.nest_end(li);
        let s = datagram(&req.finish(), "");
        let want = "RTM_NEWLINK len=84 flags=REQUEST|ACK|EXCL|CREATE seq=0 pid=0
  ifinfomsg family=AF_UNSPEC type=0 index=0 flags=0x0 change=0x0
  IFLA_IFNAME \"v0\"
  IFLA_LINKINFO
    IFLA_INFO_KIND \"veth\" (no NUL)
    IFLA_INFO_DATA
      VETH_INFO_PEER
        ifinfomsg family=AF_UNSPEC type=0 index=0 flags=0x0 change=0x0
        IFLA_IFNAME \"v1\"
";
        assert_eq!(s, want);
    }

    #[test]
    fn error_message_decodes() {
        // kernel-reference §4: the ACK of an RTM_NEWADDR request.
        let ack = [
            0x24, 0, 0, 0, 2, 0, 0, 1, 100, 0, 0, 0, 0xff, 0x1a, 0, 0, 0, 0, 0, 0, 0x28, 0, 0, 0, 0x14, 0, 0x05, 0x06,
            100, 0, 0, 0, 0, 0, 0, 0,
        ];
        let s = datagram(&ack, "");
        assert!(s.starts_with("NLMSG_ERROR len=36 flags=CAPPED seq=100 pid=6911"), "{s}");
        assert!(s.contains("error: 0 (success)"), "{s}");
        assert!(s.contains("request: RTM_NEWADDR len=40 flags=REQUEST|ACK|EXCL|CREATE seq=100"), "{s}");
    }
}
