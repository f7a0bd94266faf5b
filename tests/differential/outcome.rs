//! What an operation returned, and how it is printed so that the simulator's
//! and the kernel's transcripts can be compared line by line.
//!
//! Port ids legitimately differ between two runs (the kernel picks random
//! negative ones after the first), so they are printed symbolically: the
//! process id as `PID`, any other port id that a socket of the scenario
//! holds as `P(name)`. Return values, errnos, flags, datagram boundaries and
//! headers are printed as they are.
//!
//! Payloads are printed in hex, except link messages (RTM_NEWLINK …
//! RTM_SETLINK, RTM_NEWLINKPROP, RTM_DELLINKPROP), address, route and
//! neighbour messages (RTM_NEWADDR … RTM_GETNEIGH), the NLMSG_ERROR answers to them and NLMSG_DONE messages
//! that carry extended-ack TLVs: those are decoded attribute by attribute
//! (every byte still shows: values the decoder does not know print in hex,
//! and non-zero padding is flagged). Decoding is also where the few values
//! that differ from run to run on the same kernel are masked; each mask
//! says why in [`Masks`] and at its use. Nothing else is masked.

use std::fmt::Write;

use rtnlsim::wire::uapi::if_link::ifla_name;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Err(i32),
    Addr { pid: u32, groups: u32 },
    Len(usize),
    SockOpt { len: usize, bytes: Vec<u8> },
    Datagram { ret: usize, msg_flags: u32, from: (u32, u32), pktinfo: Option<u32>, data: Vec<u8> },
    Datagrams(Vec<Outcome>),
}

/// Turns port ids and namespace file descriptors into names.
pub struct Names {
    pub pid: u32,
    /// (portid, socket name), in socket creation order.
    pub ports: Vec<(u32, String)>,
    /// (fd, namespace name) of the namespaces a scenario made with `netns`:
    /// the numbers differ between the simulator and the kernel.
    pub nsfds: Vec<(u32, String)>,
}

impl Names {
    pub fn port(&self, p: u32) -> String {
        if p == 0 {
            return "0".into();
        }
        if p == self.pid {
            return "PID".into();
        }
        if let Some((_, n)) = self.ports.iter().find(|(q, _)| *q == p) {
            return format!("P({n})");
        }
        if p >= 0x8000_0000 {
            // A random autobind id of a socket that no longer exists.
            return "P(?)".into();
        }
        p.to_string()
    }
}

/// What a whole transcript shares while it is printed.
///
/// Masks, and why each exists (all of them are values that differ between
/// two runs on the same kernel, so no simulator could match them):
/// - MAC addresses the kernel chose at random (`eth_hw_addr_random`: veth,
///   bridge) print as `MAC#n`, numbered by first appearance; addresses the
///   scenario set (`mac` in a request), multicast, broadcast and zero ones
///   print as they are. The token still shows which device has which
///   address and when an address changes.
/// - IFLA_STATS / IFLA_STATS64 and AF_INET6's IFLA_INET6_STATS /
///   IFLA_INET6_ICMP6STATS: about a second after a link gets carrier, IPv6
///   sends router solicitations, DAD and MLD reports, and the counters grow
///   with whatever has been sent by then (probes/LINKS.md). Only the length
///   and, for the IPv6 blocks, the leading counter count are kept.
/// - IFLA_INET6_CACHEINFO `tstamp` (jiffies since boot, in 1/100 s, at the
///   last state change) and `reachable_time` (random per device,
///   `neigh_rand_reach_time`); `max_reasm_len` and `retrans_time` are kept.
/// - IFLA_INET6_FLAGS bit IF_RS_SENT (0x10): set when the first router
///   solicitation leaves, a timer after DAD; IF_READY and the rest are kept.
/// - IFLA_NET_NS_FD in echoed requests: the descriptor numbers differ
///   between the simulator and the kernel; it prints as `NSFD(name)`.
///   Namespace ids (IFLA_LINK_NETNSID, IFLA_NEW_NETNSID, NETNSA_NSID) and
///   ifindexes are not masked: both are allocated lowest-free in the fresh
///   namespaces of a run, so they repeat.
/// - Bridge timers that run in real time (IFLA_BR_GC_TIMER, and
///   IFLA_BRPORT_FORWARD_DELAY_TIMER) and the MACs inside bridge ids.
/// - A uevent's `SEQNUM=` value: the host's global counter
///   (`uevent_seqnum`), which every device of the machine moves. The
///   datagram's length prints without its digits (`ret=N+seqnum`).
/// - The clock readings in IFA_CACHEINFO (`cstamp`, `tstamp`: uptime of
///   the machine), NDA_CACHEINFO (`confirmed`, `used`, `updated`: how long
///   ago, in real time) and RTA_CACHEINFO (`lastuse`, `used`, `clntref`
///   of a cached dst), and RTA_CACHEINFO's `expires` (clock_t left, which
///   counts down in real time on Linux: only its sign prints), and the
///   lifetimes left in IFA_CACHEINFO (whole seconds counted in real time:
///   a finite one prints as `*`, an infinite one as `forever`).
#[derive(Default)]
pub struct Masks {
    /// MAC addresses the scenario spelled out: printed literally.
    pub literal_macs: Vec<[u8; 6]>,
    /// Random MAC addresses seen so far; the token is the position + 1.
    tokens: Vec<[u8; 6]>,
}

impl Masks {
    fn mac(&mut self, m: &[u8]) -> String {
        let lit = m.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":");
        let Ok(a) = <[u8; 6]>::try_from(m) else { return format!("hex:{}", hexs(m)) };
        // Locally administered unicast: what eth_random_addr makes.
        if a[0] & 0x03 != 0x02 || self.literal_macs.contains(&a) {
            return lit;
        }
        let n = match self.tokens.iter().position(|t| *t == a) {
            Some(i) => i + 1,
            None => {
                self.tokens.push(a);
                self.tokens.len()
            }
        };
        format!("MAC#{n}")
    }
}

pub fn errno_name(e: i32) -> String {
    rtnlsim::Errno(e).name().map(str::to_string).unwrap_or_else(|| format!("errno {e}"))
}

fn hexs(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn u16_at(b: &[u8], o: usize) -> u16 {
    u16::from_ne_bytes([b[o], b[o + 1]])
}

fn u32_at(b: &[u8], o: usize) -> u32 {
    u32::from_ne_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]])
}

/// One attribute as found: type (with its flag bits), payload, padding,
/// and `len`, its `nla_len`: more than 4 + the payload when the datagram
/// was truncated (MSG_TRUNC) inside it.
struct RawAttr<'a> {
    ty: u16,
    len: usize,
    payload: &'a [u8],
    pad: &'a [u8],
}

/// The attributes of a block, or None if it does not walk as attributes
/// exactly (the caller then prints it in hex). With `cut` (a truncated
/// datagram) the last attribute may end early, and what is left after the
/// last whole header is returned as the second value.
fn attrs(data: &[u8], cut: bool) -> Option<(Vec<RawAttr<'_>>, &[u8])> {
    let mut v = Vec::new();
    let mut off = 0;
    while off < data.len() {
        if data.len() - off < 4 {
            return cut.then(|| (v, &data[off..]));
        }
        let len = u16_at(data, off) as usize;
        if len < 4 {
            return None;
        }
        if off + len > data.len() {
            if !cut {
                return None;
            }
            v.push(RawAttr { ty: u16_at(data, off + 2), len, payload: &data[off + 4..], pad: &[] });
            return Some((v, &[]));
        }
        let next = ((off + len + 3) & !3).min(data.len());
        v.push(RawAttr {
            ty: u16_at(data, off + 2),
            len,
            payload: &data[off + 4..off + len],
            pad: &data[off + len..next],
        });
        off = next;
    }
    Some((v, &[]))
}

/// Which attribute set a block of attributes belongs to.
#[derive(Clone, Copy)]
enum Space<'k> {
    /// Link attributes of an ifinfomsg of this family: AF_UNSPEC for
    /// rtnetlink's own, AF_BRIDGE (7) and AF_INET6 (10) for the families'
    /// RTM_NEWLINKs, whose IFLA_PROTINFO and IFLA_AF_SPEC hold their own sets.
    Link(u8),
    LinkInfo,
    InfoData(Option<&'k str>),
    SlaveData(Option<&'k str>),
    AfSpec,
    Inet,
    Inet6,
    Xdp,
    PropList,
    ExtAck,
    Policy,
    Generic,
    /// Address attributes (IFA_*).
    Addr,
    /// Route attributes (RTA_*) of an rtmsg of this family.
    Route(u8),
    /// RTA_METRICS (RTAX_*).
    Metrics,
    /// Neighbour attributes (NDA_*).
    Neigh,
}

/// How an attribute's payload prints.
enum Val<'k> {
    Str,
    U8,
    U16,
    U32,
    S32,
    Hex,
    Mac,
    NsFd,
    /// Statistics counters (see [`Masks`]).
    Stats,
    /// IFLA_INET6_STATS / ICMP6STATS: u64 count, then the masked counters.
    Inet6Stats,
    Inet6Flags,
    Inet6CacheInfo,
    U32List,
    S32List,
    /// struct ifla_bridge_id: priority, then a MAC.
    BridgeId,
    /// A timer that runs in real time (see [`Masks`]).
    Timer,
    /// A number of the size the payload has.
    Auto,
    Nest(Space<'k>),
    /// ifinfomsg, then link attributes (VETH_INFO_PEER).
    IfInfo,
    /// An IPv4 or IPv6 address, printed as text.
    Ip,
    IfaCacheInfo,
    NdaCacheInfo,
    RtaCacheInfo,
    /// RTA_MULTIPATH: rtnexthops of this family, each with route attributes.
    Nexthops(u8),
}

fn short(ty: u16) -> String {
    ifla_name(ty).map_or_else(|| format!("#{ty}"), |n| n.trim_start_matches("IFLA_").to_string())
}

fn named(table: &[&str], ty: u16) -> String {
    table.get(ty as usize).map_or_else(|| format!("#{ty}"), |n| n.to_string())
}

const IFLA_BR: &[&str] = &[
    "BR_UNSPEC",
    "BR_FORWARD_DELAY",
    "BR_HELLO_TIME",
    "BR_MAX_AGE",
    "BR_AGEING_TIME",
    "BR_STP_STATE",
    "BR_PRIORITY",
    "BR_VLAN_FILTERING",
    "BR_VLAN_PROTOCOL",
    "BR_GROUP_FWD_MASK",
    "BR_ROOT_ID",
    "BR_BRIDGE_ID",
    "BR_ROOT_PORT",
    "BR_ROOT_PATH_COST",
    "BR_TOPOLOGY_CHANGE",
    "BR_TOPOLOGY_CHANGE_DETECTED",
    "BR_HELLO_TIMER",
    "BR_TCN_TIMER",
    "BR_TOPOLOGY_CHANGE_TIMER",
    "BR_GC_TIMER",
    "BR_GROUP_ADDR",
    "BR_FDB_FLUSH",
    "BR_MCAST_ROUTER",
    "BR_MCAST_SNOOPING",
    "BR_MCAST_QUERY_USE_IFADDR",
    "BR_MCAST_QUERIER",
    "BR_MCAST_HASH_ELASTICITY",
    "BR_MCAST_HASH_MAX",
    "BR_MCAST_LAST_MEMBER_CNT",
    "BR_MCAST_STARTUP_QUERY_CNT",
    "BR_MCAST_LAST_MEMBER_INTVL",
    "BR_MCAST_MEMBERSHIP_INTVL",
    "BR_MCAST_QUERIER_INTVL",
    "BR_MCAST_QUERY_INTVL",
    "BR_MCAST_QUERY_RESPONSE_INTVL",
    "BR_MCAST_STARTUP_QUERY_INTVL",
    "BR_NF_CALL_IPTABLES",
    "BR_NF_CALL_IP6TABLES",
    "BR_NF_CALL_ARPTABLES",
    "BR_VLAN_DEFAULT_PVID",
    "BR_PAD",
    "BR_VLAN_STATS_ENABLED",
    "BR_MCAST_STATS_ENABLED",
    "BR_MCAST_IGMP_VERSION",
    "BR_MCAST_MLD_VERSION",
    "BR_VLAN_STATS_PER_PORT",
    "BR_MULTI_BOOLOPT",
    "BR_MCAST_QUERIER_STATE",
    "BR_FDB_N_LEARNED",
    "BR_FDB_MAX_LEARNED",
];

const IFLA_BRPORT: &[&str] = &[
    "BRPORT_UNSPEC",
    "BRPORT_STATE",
    "BRPORT_PRIORITY",
    "BRPORT_COST",
    "BRPORT_MODE",
    "BRPORT_GUARD",
    "BRPORT_PROTECT",
    "BRPORT_FAST_LEAVE",
    "BRPORT_LEARNING",
    "BRPORT_UNICAST_FLOOD",
    "BRPORT_PROXYARP",
    "BRPORT_LEARNING_SYNC",
    "BRPORT_PROXYARP_WIFI",
    "BRPORT_ROOT_ID",
    "BRPORT_BRIDGE_ID",
    "BRPORT_DESIGNATED_PORT",
    "BRPORT_DESIGNATED_COST",
    "BRPORT_ID",
    "BRPORT_NO",
    "BRPORT_TOPOLOGY_CHANGE_ACK",
    "BRPORT_CONFIG_PENDING",
    "BRPORT_MESSAGE_AGE_TIMER",
    "BRPORT_FORWARD_DELAY_TIMER",
    "BRPORT_HOLD_TIMER",
    "BRPORT_FLUSH",
    "BRPORT_MULTICAST_ROUTER",
    "BRPORT_PAD",
    "BRPORT_MCAST_FLOOD",
    "BRPORT_MCAST_TO_UCAST",
    "BRPORT_VLAN_TUNNEL",
    "BRPORT_BCAST_FLOOD",
    "BRPORT_GROUP_FWD_MASK",
    "BRPORT_NEIGH_SUPPRESS",
    "BRPORT_ISOLATED",
    "BRPORT_BACKUP_PORT",
    "BRPORT_MRP_RING_OPEN",
    "BRPORT_MRP_IN_OPEN",
    "BRPORT_MCAST_EHT_HOSTS_LIMIT",
    "BRPORT_MCAST_EHT_HOSTS_CNT",
    "BRPORT_LOCKED",
    "BRPORT_MAB",
    "BRPORT_MCAST_N_GROUPS",
    "BRPORT_MCAST_MAX_GROUPS",
    "BRPORT_NEIGH_VLAN_SUPPRESS",
    "BRPORT_BACKUP_NHID",
];

/// Name and printing of attribute `ty` (flag bits removed) in `space`.
fn describe<'k>(space: Space<'k>, ty: u16, kind: Option<&'k str>) -> (String, Val<'k>) {
    use rtnlsim::wire::uapi::if_link::*;
    match space {
        Space::Link(family) => {
            let v = match ty {
                IFLA_PROTINFO => match family {
                    7 => Val::Nest(Space::SlaveData(Some("bridge"))),
                    10 => Val::Nest(Space::Inet6),
                    _ => Val::Nest(Space::Generic),
                },
                IFLA_AF_SPEC if family != 0 => Val::Nest(Space::Generic),
                IFLA_IFNAME
                | IFLA_QDISC
                | IFLA_IFALIAS
                | IFLA_ALT_IFNAME
                | IFLA_PHYS_PORT_NAME
                | IFLA_PARENT_DEV_NAME
                | IFLA_PARENT_DEV_BUS_NAME => Val::Str,
                IFLA_ADDRESS | IFLA_BROADCAST | IFLA_PERM_ADDRESS => Val::Mac,
                IFLA_OPERSTATE | IFLA_LINKMODE | IFLA_CARRIER | IFLA_PROTO_DOWN | IFLA_NETNS_IMMUTABLE => Val::U8,
                IFLA_HEADROOM | IFLA_TAILROOM => Val::U16,
                IFLA_LINK_NETNSID | IFLA_NEW_NETNSID | IFLA_TARGET_NETNSID | IFLA_NEW_IFINDEX => Val::S32,
                IFLA_NET_NS_FD => Val::NsFd,
                IFLA_STATS | IFLA_STATS64 => Val::Stats,
                IFLA_MAP | IFLA_PHYS_PORT_ID | IFLA_PHYS_SWITCH_ID => Val::Hex,
                IFLA_LINKINFO => Val::Nest(Space::LinkInfo),
                IFLA_AF_SPEC => Val::Nest(Space::AfSpec),
                IFLA_XDP => Val::Nest(Space::Xdp),
                IFLA_PROP_LIST => Val::Nest(Space::PropList),
                IFLA_DEVLINK_PORT
                | IFLA_DPLL_PIN
                | IFLA_PROTO_DOWN_REASON
                | IFLA_VFINFO_LIST
                | IFLA_VF_PORTS
                | IFLA_PORT_SELF => Val::Nest(Space::Generic),
                _ => Val::U32,
            };
            (short(ty), v)
        }
        Space::LinkInfo => {
            let v = match ty {
                IFLA_INFO_KIND | IFLA_INFO_SLAVE_KIND => Val::Str,
                IFLA_INFO_DATA => Val::Nest(Space::InfoData(kind)),
                IFLA_INFO_SLAVE_DATA => Val::Nest(Space::SlaveData(kind)),
                _ => Val::Hex,
            };
            (
                named(
                    &["INFO_UNSPEC", "INFO_KIND", "INFO_DATA", "INFO_XSTATS", "INFO_SLAVE_KIND", "INFO_SLAVE_DATA"],
                    ty,
                ),
                v,
            )
        }
        Space::InfoData(Some("veth")) => match ty {
            VETH_INFO_PEER => ("VETH_INFO_PEER".into(), Val::IfInfo),
            _ => (format!("#{ty}"), Val::Hex),
        },
        Space::InfoData(Some("bridge")) => {
            let v = match ty {
                10 | 11 => Val::BridgeId,
                19 => Val::Timer,
                20 => Val::Mac,
                _ => Val::Auto,
            };
            (named(IFLA_BR, ty), v)
        }
        Space::SlaveData(Some("bridge")) => {
            let v = match ty {
                13 | 14 => Val::BridgeId,
                22 => Val::Timer,
                _ => Val::Auto,
            };
            (named(IFLA_BRPORT, ty), v)
        }
        Space::InfoData(_) | Space::SlaveData(_) | Space::Generic => (format!("#{ty}"), Val::Auto),
        Space::Addr => {
            let v = match ty {
                1 | 2 | 4 | 5 | 7 => Val::Ip,
                3 => Val::Str,
                6 => Val::IfaCacheInfo,
                10 => Val::S32,
                11 => Val::U8,
                _ => Val::Auto,
            };
            let names = [
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
            (named(&names, ty), v)
        }
        Space::Route(family) => {
            let v = match ty {
                1 | 2 | 5 | 7 => Val::Ip,
                8 => Val::Nest(Space::Metrics),
                9 => Val::Nexthops(family),
                12 => Val::RtaCacheInfo,
                20 | 27 => Val::U8,
                23 => Val::Auto,
                _ => Val::Auto,
            };
            let names = [
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
                "RTA_FLOWLABEL",
            ];
            (named(&names, ty), v)
        }
        Space::Metrics => (format!("RTAX#{ty}"), Val::Auto),
        Space::Neigh => {
            let v = match ty {
                1 => Val::Ip,
                2 => Val::Mac,
                3 => Val::NdaCacheInfo,
                5 => Val::U16,
                12 => Val::U8,
                _ => Val::Auto,
            };
            let names = [
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
            (named(&names, ty), v)
        }
        Space::AfSpec => match ty {
            2 => ("AF_INET".into(), Val::Nest(Space::Inet)),
            10 => ("AF_INET6".into(), Val::Nest(Space::Inet6)),
            7 => ("AF_BRIDGE".into(), Val::Nest(Space::Generic)),
            _ => (format!("#{ty}"), Val::Hex),
        },
        Space::Inet => match ty {
            IFLA_INET_CONF => ("INET_CONF".into(), Val::U32List),
            _ => (format!("#{ty}"), Val::Hex),
        },
        Space::Inet6 => {
            let v = match ty {
                IFLA_INET6_FLAGS => Val::Inet6Flags,
                IFLA_INET6_CONF => Val::S32List,
                IFLA_INET6_STATS | IFLA_INET6_ICMP6STATS => Val::Inet6Stats,
                IFLA_INET6_CACHEINFO => Val::Inet6CacheInfo,
                IFLA_INET6_TOKEN => Val::Hex,
                IFLA_INET6_ADDR_GEN_MODE => Val::U8,
                _ => Val::U32,
            };
            let names = [
                "INET6_UNSPEC",
                "INET6_FLAGS",
                "INET6_CONF",
                "INET6_STATS",
                "INET6_MCAST",
                "INET6_CACHEINFO",
                "INET6_ICMP6STATS",
                "INET6_TOKEN",
                "INET6_ADDR_GEN_MODE",
                "INET6_RA_MTU",
            ];
            (named(&names, ty), v)
        }
        Space::Xdp => {
            let v = if ty == IFLA_XDP_ATTACHED { Val::U8 } else { Val::U32 };
            (named(&["XDP_UNSPEC", "XDP_FD", "XDP_ATTACHED", "XDP_FLAGS", "XDP_PROG_ID"], ty), v)
        }
        Space::PropList => (short(ty), if ty == IFLA_ALT_IFNAME { Val::Str } else { Val::Hex }),
        Space::ExtAck => {
            let v = match ty {
                1 => Val::Str,
                2 | 5 | 6 => Val::U32,
                4 => Val::Nest(Space::Policy),
                _ => Val::Hex,
            };
            (named(&["UNUSED", "MSG", "OFFS", "COOKIE", "POLICY", "MISS_TYPE", "MISS_NEST"], ty), v)
        }
        Space::Policy => {
            let names = [
                "UNSPEC",
                "TYPE",
                "MIN_VALUE_S",
                "MAX_VALUE_S",
                "MIN_VALUE_U",
                "MAX_VALUE_U",
                "MIN_LENGTH",
                "MAX_LENGTH",
                "POLICY_IDX",
                "POLICY_MAXTYPE",
                "BITFIELD32_MASK",
                "PAD",
                "MASK",
            ];
            (named(&names, ty), Val::Auto)
        }
    }
}

struct Dec<'a> {
    names: &'a Names,
    masks: &'a mut Masks,
    out: String,
}

impl Dec<'_> {
    fn line(&mut self, indent: usize, text: &str) {
        let _ = write!(self.out, "\n{:indent$}{text}", "");
    }

    /// A block of attributes; hex if it does not walk as such. With `cut`,
    /// the block ends where a truncated datagram ended.
    fn block(&mut self, data: &[u8], space: Space<'_>, indent: usize, cut: bool) {
        let Some((list, rest)) = attrs(data, cut) else {
            self.line(indent, &format!("(not attributes) hex:{}", hexs(data)));
            return;
        };
        let mut kind: Option<&str> = None;
        for a in &list {
            let bare = a.ty & 0x3fff;
            let flag = match a.ty & 0xc000 {
                0 => "",
                0x8000 => "(N)",
                0x4000 => "(B)",
                _ => "(NB)",
            };
            let (name, val) = describe(space, bare, kind);
            if matches!(space, Space::LinkInfo) && (bare == 1 || bare == 4) {
                // INFO_KIND names what INFO_DATA holds; INFO_SLAVE_KIND, INFO_SLAVE_DATA.
                kind = std::str::from_utf8(a.payload).ok().map(|s| s.trim_end_matches('\0'));
            }
            let pad = if a.pad.iter().any(|b| *b != 0) { format!(" !pad=hex:{}", hexs(a.pad)) } else { String::new() };
            let head = format!("{name}{flag}");
            let short = a.payload.len() + 4 < a.len;
            let cut_note =
                if short { format!(" (cut: {} of {} bytes)", a.payload.len() + 4, a.len) } else { String::new() };
            match val {
                Val::Nest(inner) => {
                    if a.payload.is_empty() {
                        self.line(indent, &format!("{head} {{}}{pad}{cut_note}"));
                    } else {
                        self.line(indent, &format!("{head} {{{pad}{cut_note}"));
                        self.block(a.payload, inner, indent + 2, short);
                        self.line(indent, "}");
                    }
                }
                Val::Nexthops(family) if !short => {
                    self.line(indent, &format!("{head} {{{pad}"));
                    self.nexthops(a.payload, family, indent + 2);
                    self.line(indent, "}");
                }
                Val::IfInfo if a.payload.len() >= 16 => {
                    self.line(indent, &format!("{head} {{{pad}{cut_note}"));
                    self.ifinfomsg(&a.payload[..16], indent + 2);
                    self.block(&a.payload[16..], Space::Link(a.payload[0]), indent + 2, short);
                    self.line(indent, "}");
                }
                // A value cut short prints only how much of it came: a part
                // of a masked or random value cannot be compared.
                _ if short => self.line(indent, &format!("{head}{cut_note}")),
                v => {
                    let text = self.value(v, a.payload);
                    self.line(indent, &format!("{head} {text}{pad}"));
                }
            }
        }
        if !rest.is_empty() {
            self.line(indent, &format!("(cut: {} bytes of an attribute header)", rest.len()));
        }
    }

    fn value(&mut self, v: Val<'_>, p: &[u8]) -> String {
        let hex = || format!("hex:{}", hexs(p));
        match v {
            Val::Str => match p.split_last() {
                Some((0, s)) if !s.contains(&0) && s.iter().all(|c| c.is_ascii_graphic() || *c == b' ') => {
                    format!("\"{}\"", String::from_utf8_lossy(s))
                }
                _ => hex(),
            },
            Val::U8 if p.len() == 1 => p[0].to_string(),
            Val::U16 if p.len() == 2 => u16_at(p, 0).to_string(),
            Val::U32 if p.len() == 4 => u32_at(p, 0).to_string(),
            Val::S32 if p.len() == 4 => (u32_at(p, 0) as i32).to_string(),
            Val::Auto => match p.len() {
                1 => p[0].to_string(),
                2 => u16_at(p, 0).to_string(),
                4 => u32_at(p, 0).to_string(),
                8 => u64::from_ne_bytes(p.try_into().unwrap_or_default()).to_string(),
                _ => hex(),
            },
            Val::Mac if p.len() == 6 => self.masks.mac(p),
            Val::NsFd if p.len() == 4 => {
                let fd = u32_at(p, 0);
                match self.names.nsfds.iter().find(|(f, _)| *f == fd) {
                    Some((_, n)) => format!("NSFD({n})"),
                    None => fd.to_string(),
                }
            }
            // Masked: see `Masks`.
            Val::Stats => format!("<{} bytes of counters, masked>", p.len()),
            Val::Inet6Stats if p.len() >= 8 && p.len().is_multiple_of(8) => {
                format!("count={} <counters masked>", u64::from_ne_bytes(p[..8].try_into().unwrap_or_default()))
            }
            Val::Inet6Flags if p.len() == 4 => format!("0x{:x} (IF_RS_SENT masked)", u32_at(p, 0) & !0x10),
            Val::Inet6CacheInfo if p.len() == 16 => {
                format!("max_reasm_len={} tstamp=* reachable_time=* retrans_time={}", u32_at(p, 0), u32_at(p, 12))
            }
            Val::U32List if p.len().is_multiple_of(4) => {
                (0..p.len() / 4).map(|i| u32_at(p, i * 4).to_string()).collect::<Vec<_>>().join(" ")
            }
            Val::S32List if p.len().is_multiple_of(4) => {
                (0..p.len() / 4).map(|i| (u32_at(p, i * 4) as i32).to_string()).collect::<Vec<_>>().join(" ")
            }
            Val::BridgeId if p.len() == 8 => format!("prio=0x{} addr={}", hexs(&p[..2]), self.masks.mac(&p[2..])),
            Val::Timer if p.len() == 8 => "<timer, masked>".into(),
            Val::Ip if p.len() == 4 => std::net::Ipv4Addr::from(<[u8; 4]>::try_from(p).unwrap_or_default()).to_string(),
            Val::Ip if p.len() == 16 => {
                std::net::Ipv6Addr::from(<[u8; 16]>::try_from(p).unwrap_or_default()).to_string()
            }
            Val::IfaCacheInfo if p.len() == 16 => {
                let left = |v: u32| if v == u32::MAX { "forever".to_string() } else { "*".to_string() };
                format!("prefered={} valid={} cstamp=* tstamp=*", left(u32_at(p, 0)), left(u32_at(p, 4)))
            }
            Val::NdaCacheInfo if p.len() == 16 => {
                format!("confirmed=* used=* updated=* refcnt={}", u32_at(p, 12))
            }
            Val::RtaCacheInfo if p.len() == 32 => format!(
                "clntref=* lastuse=* expires={} error={} used=* id={} ts={} tsage={}",
                match (u32_at(p, 8) as i32).signum() {
                    0 => "0",
                    1 => "+",
                    _ => "-",
                },
                u32_at(p, 12),
                u32_at(p, 20),
                u32_at(p, 24),
                u32_at(p, 28)
            ),
            _ => hex(),
        }
    }

    /// RTA_MULTIPATH: a list of `struct rtnexthop`, each followed by its attributes.
    fn nexthops(&mut self, mut p: &[u8], family: u8, indent: usize) {
        while p.len() >= 8 {
            let len = u16_at(p, 0) as usize;
            if len < 8 || len > p.len() {
                break;
            }
            self.line(
                indent,
                &format!("rtnexthop len={len} flags=0x{:x} hops={} ifindex={} {{", p[2], p[3], u32_at(p, 4) as i32),
            );
            self.block(&p[8..len], Space::Route(family), indent + 2, false);
            self.line(indent, "}");
            p = &p[((len + 3) & !3).min(p.len())..];
        }
        if !p.is_empty() {
            self.line(indent, &format!("(not nexthops) hex:{}", hexs(p)));
        }
    }

    /// The fixed header of an address, route or neighbour message, then its
    /// attributes; hex if shorter than the header.
    fn rt_payload(&mut self, ty: u16, p: &[u8], indent: usize, cut: bool) {
        let (hlen, text, space) = match ty {
            20..=23 if p.len() >= 8 => (
                8,
                format!(
                    "ifaddrmsg family={} prefixlen={} flags=0x{:x} scope={} index={}",
                    p[0],
                    p[1],
                    p[2],
                    p[3],
                    u32_at(p, 4) as i32
                ),
                Space::Addr,
            ),
            24..=27 if p.len() >= 12 => (
                12,
                format!(
                    "rtmsg family={} dst_len={} src_len={} tos={} table={} protocol={} scope={} type={} flags=0x{:x}",
                    p[0],
                    p[1],
                    p[2],
                    p[3],
                    p[4],
                    p[5],
                    p[6],
                    p[7],
                    u32_at(p, 8)
                ),
                Space::Route(p[0]),
            ),
            28..=31 if p.len() >= 12 => (
                12,
                format!(
                    "ndmsg family={} ifindex={} state=0x{:x} flags=0x{:x} type={}{}",
                    p[0],
                    u32_at(p, 4) as i32,
                    u16_at(p, 8),
                    p[10],
                    p[11],
                    if p[1..4].iter().any(|b| *b != 0) {
                        format!(" pad=hex:{}", hexs(&p[1..4]))
                    } else {
                        String::new()
                    }
                ),
                Space::Neigh,
            ),
            _ => {
                self.line(indent, &format!("hex:{}", hexs(p)));
                return;
            }
        };
        self.line(indent, &text);
        self.block(&p[hlen..], space, indent, cut);
    }

    /// The payload of a message of type `ty`, decoded.
    fn payload(&mut self, ty: u16, p: &[u8], indent: usize, cut: bool) {
        if is_link(ty) {
            self.link_payload(p, indent, cut)
        } else {
            self.rt_payload(ty, p, indent, cut)
        }
    }

    fn ifinfomsg(&mut self, p: &[u8], indent: usize) {
        let pad = if p[1] != 0 { format!(" pad={}", p[1]) } else { String::new() };
        self.line(
            indent,
            &format!(
                "ifinfomsg family={} type={} index={} flags=0x{:x} change=0x{:x}{pad}",
                p[0],
                u16_at(p, 2),
                u32_at(p, 4) as i32,
                u32_at(p, 8),
                u32_at(p, 12)
            ),
        );
    }

    /// An ifinfomsg and link attributes, or hex if shorter than the header.
    fn link_payload(&mut self, p: &[u8], indent: usize, cut: bool) {
        if p.len() < 16 {
            self.line(indent, &format!("hex:{}", hexs(p)));
            return;
        }
        self.ifinfomsg(&p[..16], indent);
        self.block(&p[16..], Space::Link(p[0]), indent, cut);
    }
}

/// Messages whose payload is an ifinfomsg and link attributes: RTM_NEWLINK
/// … RTM_SETLINK, RTM_NEWLINKPROP and RTM_DELLINKPROP.
fn is_link(ty: u16) -> bool {
    (16..=19).contains(&ty) || ty == 108 || ty == 109
}

/// Messages decoded: links, and addresses, routes and neighbours
/// (RTM_NEWADDR … RTM_GETNEIGH, whose headers are ifaddrmsg, rtmsg, ndmsg).
fn is_decoded(ty: u16) -> bool {
    is_link(ty) || (20..=22).contains(&ty) || (24..=26).contains(&ty) || (28..=30).contains(&ty)
}

/// Prints a datagram as netlink messages when it walks as such, raw
/// otherwise. The last message may be cut short (MSG_TRUNC): it prints as
/// far as it came.
fn datagram(data: &[u8], names: &Names, masks: &mut Masks, out: &mut String) {
    let mut off = 0;
    let mut msgs = Vec::new();
    while data.len() - off >= 16 {
        let len = u32_at(data, off) as usize;
        if len < 16 {
            break;
        }
        if off + len > data.len() {
            // Truncated: what came of the last message.
            msgs.push((&data[off..], len));
            off = data.len();
            break;
        }
        msgs.push((&data[off..off + len], len));
        off += (len + 3) & !3;
        off = off.min(data.len());
    }
    if msgs.is_empty() || off != data.len() {
        let _ = write!(out, "\n    raw {}", hexs(data));
        return;
    }
    for (m, len) in msgs {
        let cut = m.len() < len;
        let ty = u16_at(m, 4);
        let flags = u16_at(m, 6);
        let head = format!(
            "\n    msg len={}{} type={} flags=0x{:x} seq={} pid={}",
            len,
            if cut { format!(" (cut: {} bytes came)", m.len()) } else { String::new() },
            ty,
            flags,
            u32_at(m, 8),
            names.port(u32_at(m, 12))
        );
        let p = &m[16..];
        let mut d = Dec { names, masks, out: String::new() };
        let decoded = match ty {
            _ if is_decoded(ty) => {
                d.out.push_str(&format!("{head} {}", rtnlsim::wire::uapi::rtnetlink::rtm_name(ty).unwrap_or("")));
                d.payload(ty, p, 8, cut);
                true
            }
            _ if cut => false,
            // NLMSG_ERROR answering a link, address, route or neighbour request.
            2 if p.len() >= 20 && is_decoded(u16_at(p, 8)) => {
                let err = u32_at(p, 0) as i32;
                let what = if err == 0 { "0 (ack)".to_string() } else { format!("{err} {}", errno_name(-err)) };
                d.out.push_str(&format!("{head} NLMSG_ERROR error={what}"));
                let req_len = u32_at(p, 4) as usize;
                let copied = if flags & 0x100 != 0 { 16 } else { req_len.clamp(16, p.len() - 4) };
                let req = &p[4..4 + copied];
                d.line(
                    8,
                    &format!(
                        "request len={} type={} flags=0x{:x} seq={} pid={}{}",
                        req_len,
                        u16_at(req, 4),
                        u16_at(req, 6),
                        u32_at(req, 8),
                        names.port(u32_at(req, 12)),
                        if copied == 16 { " (header only)" } else { "" }
                    ),
                );
                if copied > 16 {
                    d.payload(u16_at(req, 4), &req[16..], 10, false);
                }
                let tlv = ((4 + copied + 3) & !3).min(p.len());
                if p[4 + copied..tlv].iter().any(|b| *b != 0) {
                    d.line(8, &format!("!pad=hex:{}", hexs(&p[4 + copied..tlv])));
                }
                if tlv < p.len() {
                    d.line(8, "ext-ack {");
                    d.block(&p[tlv..], Space::ExtAck, 10, false);
                    d.line(8, "}");
                }
                true
            }
            // NLMSG_DONE with extended-ack TLVs (a rejected strict dump).
            3 if p.len() > 4 => {
                let err = u32_at(p, 0) as i32;
                d.out.push_str(&format!(
                    "{head} NLMSG_DONE error={err} {}",
                    if err < 0 { errno_name(-err) } else { String::new() }
                ));
                d.line(8, "ext-ack {");
                d.block(&p[4..], Space::ExtAck, 10, false);
                d.line(8, "}");
                true
            }
            _ => false,
        };
        if decoded {
            out.push_str(&d.out);
        } else {
            let _ = write!(out, "{head} | {}", hexs(p));
        }
    }
}

/// The fields of a uevent datagram (`ACTION@DEVPATH`, then `KEY=VALUE`
/// strings, each NUL-terminated), if `data` is one.
fn uevent_fields(data: &[u8]) -> Option<Vec<&str>> {
    let body = data.strip_suffix(&[0])?;
    let fields: Vec<&str> = body.split(|b| *b == 0).map(|f| std::str::from_utf8(f).ok()).collect::<Option<_>>()?;
    let (action, devpath) = fields.first()?.split_once('@')?;
    if action.is_empty() || !action.bytes().all(|c| c.is_ascii_lowercase()) || !devpath.starts_with('/') {
        return None;
    }
    fields.iter().any(|f| f.starts_with("SEQNUM=")).then_some(fields)
}

/// A uevent that is about none of the network devices a scenario makes:
/// untagged kobjects (a disk, a module) are announced to every namespace's
/// uevent socket, so the host's own events can reach the kernel run. Both
/// transcripts leave them out (`transcript` filters drains).
pub fn foreign_uevent(o: &Outcome) -> bool {
    let Outcome::Datagram { data, .. } = o else { return false };
    uevent_fields(data).is_some_and(|f| !f.iter().any(|x| *x == "SUBSYSTEM=net" || *x == "SUBSYSTEM=queues"))
}

/// A notification about a multicast neighbour entry (NDA_DST in ff00::/8
/// or 224.0.0.0/4) or a bridge's forwarding-database entry (AF_BRIDGE).
/// Linux makes the first, NOARP, when it sends its own DAD, MLD, IGMP and
/// router-solicitation packets, and flushes them (RTM_DELNEIGH) when the
/// device goes down; the simulator sends no packets, so it has none; it has
/// no FDB either (docs/divergences.md). Both transcripts leave such
/// datagrams out of a drain; dumps of scenarios ask for IPv4 neighbours
/// only.
pub fn multicast_neighbour(o: &Outcome) -> bool {
    let Outcome::Datagram { data, .. } = o else { return false };
    if data.len() < 28 || !matches!(u16_at(data, 4), 28 | 29) || u32_at(data, 0) as usize != data.len() {
        return false;
    }
    let p = &data[16..];
    // A bridge's forwarding-database entry (AF_BRIDGE): no FDB is modelled.
    if p[0] == 7 {
        return true;
    }
    attrs(&p[12..], false).is_some_and(|(list, _)| {
        list.iter().any(|a| {
            a.ty & 0x3fff == 1
                && ((p[0] == 10 && a.payload.len() == 16 && a.payload[0] == 0xff)
                    || (p[0] == 2 && a.payload.len() == 4 && a.payload[0] >> 4 == 0xe))
        })
    })
}

/// Rendered messages of a neighbour dump's datagram, in sorted order:
/// Linux walks its neighbour hash, whose seed is random per boot, so the
/// order of entries in a dump is not the same twice (the sets are).
fn sorted_neighbour_dump(text: &str) -> String {
    let mut parts: Vec<&str> = text.split("\n    msg ").collect();
    let head = parts.remove(0);
    // NLMSG_DONE (type 3) stays last.
    parts.sort_by_key(|m| (m.contains(" type=3 "), *m));
    let mut out = head.to_string();
    for p in parts {
        out.push_str("\n    msg ");
        out.push_str(p);
    }
    out
}

pub fn render(o: &Outcome, names: &Names, masks: &mut Masks) -> String {
    let mut s = String::new();
    match o {
        Outcome::Ok => s.push_str("ok"),
        Outcome::Err(e) => s.push_str(&errno_name(*e)),
        Outcome::Addr { pid, groups } => {
            let _ = write!(s, "pid={} groups=0x{groups:x}", names.port(*pid));
        }
        Outcome::Len(n) => {
            let _ = write!(s, "{n}");
        }
        Outcome::SockOpt { len, bytes } => {
            let _ = write!(s, "optlen={len} {}", hexs(bytes));
        }
        Outcome::Datagram { ret, msg_flags, from, pktinfo, data } if uevent_fields(data).is_some() => {
            let fields = uevent_fields(data).unwrap_or_default();
            let digits: usize = fields.iter().filter_map(|f| f.strip_prefix("SEQNUM=")).map(str::len).sum();
            let shown: Vec<&str> =
                fields.iter().map(|f| if f.starts_with("SEQNUM=") { "SEQNUM=*" } else { f }).collect();
            let _ = write!(
                s,
                "ret={}+seqnum msg_flags=0x{msg_flags:x} from={}/0x{:x} pktinfo={}\n    uevent {}|",
                ret.saturating_sub(digits),
                names.port(from.0),
                from.1,
                pktinfo.map_or("-".to_string(), |g| g.to_string()),
                shown.join("|")
            );
        }
        Outcome::Datagram { ret, msg_flags, from, pktinfo, data } => {
            let _ = write!(
                s,
                "ret={ret} msg_flags=0x{msg_flags:x} from={}/0x{:x} pktinfo={}",
                names.port(from.0),
                from.1,
                pktinfo.map_or("-".to_string(), |g| g.to_string())
            );
            let mut body = String::new();
            datagram(data, names, masks, &mut body);
            // A dump's datagram of neighbours (and its DONE): its order is a hash's.
            let neigh_dump = body.contains(" RTM_NEWNEIGH")
                && body
                    .split("\n    msg ")
                    .skip(1)
                    .all(|m| m.contains(" type=28 flags=0x2 ") || m.contains(" type=3 "));
            s.push_str(&if neigh_dump { sorted_neighbour_dump(&body) } else { body });
        }
        Outcome::Datagrams(v) => {
            let _ = write!(s, "{} datagram(s)", v.len());
            for d in v {
                let _ = write!(s, "\n  {}", render(d, names, masks).replace('\n', "\n  "));
            }
        }
    }
    s
}
