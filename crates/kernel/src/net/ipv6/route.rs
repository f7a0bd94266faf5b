//! IPv6 routes: net/ipv6/route.c (the tables are in `ip6_fib.rs`).
//!
//! RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE for PF_INET6, the routes
//! addrconf makes for addresses, and what a device going down, losing its
//! carrier or going away does to routes. Every fact below was checked on
//! Linux 6.18 with `probes/p_route6.py` (output in
//! `probes/observed/p_route6.txt`, "the probe" below).

use std::net::Ipv6Addr;
use std::sync::Arc;

use parking_lot::Mutex;
use tracing::debug_span;

use crate::kernel::Globals;
use crate::net::core::dev::{
    dev_get_by_index, register_netdevice_notifier, NetDevice, NetdevEvent, NetdevNotifierInfo,
};
use crate::net::core::net_namespace::{register_pernet_subsys, Net, PernetOperations};
use crate::net::core::rtnetlink::{
    rtnl_notify, rtnl_register_many, rtnl_unicast, RtnlMsgHandler, RTNL_FLAG_DOIT_UNLOCKED,
};
use crate::net::core::skbuff::{alloc_skb, nlmsg_new, SkBuff};
use crate::net::netlink::af_netlink::{NetlinkCallback, NetlinkRcvSkb};
use crate::time::jiffies;
use crate::Errno;
use nlwire::nlattr::nla_total_size;
use nlwire::policy::{nlmsg_parse_deprecated, nlmsg_parse_deprecated_strict, ExtAck, NlaPolicy, NlaType};
use nlwire::uapi::if_::{IFF_LOOPBACK, IFF_UP};
use nlwire::uapi::netlink::{NLM_F_APPEND, NLM_F_CREATE, NLM_F_DUMP_FILTERED, NLM_F_EXCL, NLM_F_MULTI, NLM_F_REPLACE};
use nlwire::uapi::rtnetlink::*;
use nlwire::uapi::socket::AF_INET6;
use nlwire::{NlMsgHdr, Nla};

use super::ip6_fib::{
    fib6_locate, fib6_net, fib6_net_init, fib6_node_lookup, ipv6_addr_prefix, round_jiffies, Fib6Key, Fib6Table,
    Fib6Tables, FIB6_TABLE_HASHSZ, IP6_RT_GC_INTERVAL, RT6_TABLE_LOCAL, RT6_TABLE_MAIN,
};

// include/uapi/linux/route.h and ipv6_route.h: fib6_flags.
pub const RTF_UP: u32 = 0x0001;
pub const RTF_GATEWAY: u32 = 0x0002;
pub const RTF_REJECT: u32 = 0x0200;
pub const RTF_DEFAULT: u32 = 0x0001_0000;
pub const RTF_ALLONLINK: u32 = 0x0002_0000;
pub const RTF_ADDRCONF: u32 = 0x0004_0000;
pub const RTF_PREFIX_RT: u32 = 0x0008_0000;
pub const RTF_ANYCAST: u32 = 0x0010_0000;
pub const RTF_NONEXTHOP: u32 = 0x0020_0000;
pub const RTF_EXPIRES: u32 = 0x0040_0000;
pub const RTF_ROUTEINFO: u32 = 0x0080_0000;
pub const RTF_CACHE: u32 = 0x0100_0000;
pub const RTF_PREF_MASK: u32 = 0x1800_0000;
pub const RTF_PCPU: u32 = 0x4000_0000;
pub const RTF_LOCAL: u32 = 0x8000_0000;

/// `RTF_PREF(pref)`.
pub const fn rtf_pref(pref: u32) -> u32 {
    pref << 27
}
/// `IPV6_EXTRACT_PREF(flags)`.
pub const fn ipv6_extract_pref(flags: u32) -> u8 {
    ((flags & RTF_PREF_MASK) >> 27) as u8
}
// ICMPV6_ROUTER_PREF_*.
pub const ICMPV6_ROUTER_PREF_LOW: u32 = 0x3;
pub const ICMPV6_ROUTER_PREF_MEDIUM: u32 = 0x0;
pub const ICMPV6_ROUTER_PREF_HIGH: u32 = 0x1;

/// `IP6_RT_PRIO_USER`: the metric of a route added without RTA_PRIORITY.
pub const IP6_RT_PRIO_USER: u32 = 1024;
/// `IP6_RT_PRIO_ADDRCONF`.
pub const IP6_RT_PRIO_ADDRCONF: u32 = 256;
/// `RTAX_MAX`.
const RTAX_MAX: usize = 17;
const RTAX_CC_ALGO_IDX: u16 = 16;
/// `USER_HZ` for clock_t.
const USER_HZ: u64 = 100;

/// `jiffies_to_clock_t`.
fn jiffies_to_clock_t(j: u64) -> u64 {
    j * USER_HZ / crate::time::HZ
}
/// `clock_t_to_jiffies`.
fn clock_t_to_jiffies(c: u64) -> u64 {
    c * crate::time::HZ / USER_HZ
}

// ipv6_addr_type() bits.
const IPV6_ADDR_ANY: u32 = 0;
const IPV6_ADDR_UNICAST: u32 = 0x0001;
const IPV6_ADDR_MULTICAST: u32 = 0x0002;
const IPV6_ADDR_LOOPBACK: u32 = 0x0010;
const IPV6_ADDR_LINKLOCAL: u32 = 0x0020;
const IPV6_ADDR_MAPPED: u32 = 0x1000;

/// `ipv6_addr_type` (`__ipv6_addr_type`), the bits route.c looks at.
fn ipv6_addr_type(a: &Ipv6Addr) -> u32 {
    let o = a.octets();
    if o[0] == 0xff {
        return IPV6_ADDR_MULTICAST;
    }
    if o[0] == 0xfe && o[1] & 0xc0 == 0x80 {
        return IPV6_ADDR_LINKLOCAL | IPV6_ADDR_UNICAST;
    }
    if a.is_unspecified() {
        return IPV6_ADDR_ANY;
    }
    if a.is_loopback() {
        return IPV6_ADDR_LOOPBACK | IPV6_ADDR_UNICAST;
    }
    if o[..10].iter().all(|&b| b == 0) && o[10] == 0xff && o[11] == 0xff {
        return IPV6_ADDR_MAPPED;
    }
    IPV6_ADDR_UNICAST
}

/// The mutable part of a `fib6_info` and its `fib6_nh`.
#[derive(Debug, Default)]
pub struct Fib6State {
    /// `fib_nh_flags` (RTNH_F_*).
    pub nh_flags: u8,
    /// `rt->expires` (jiffies) while RTF_EXPIRES is set.
    pub expires: Option<u64>,
    /// Multipath: the sibling group (0 = none) and the place in its
    /// `fib6_siblings` ring.
    pub group: u64,
    pub group_seq: u64,
    /// `rt->fib6_node != NULL`.
    pub in_tree: bool,
    /// `should_flush`.
    pub should_flush: bool,
    /// `fib6_prefsrc` (plen 128) while set.
    pub prefsrc: Option<Ipv6Addr>,
    /// When the per-cpu dst of the nexthop was made (its `dst->lastuse`).
    pub pcpu_lastuse: Option<u64>,
}

/// `struct fib6_info` with its built-in `fib6_nh`. Addrconf keeps an `Arc`
/// to the local route of each address (`ifp->rt`).
#[derive(Debug)]
pub struct Fib6Info {
    pub fib6_dst: Ipv6Addr,
    pub fib6_dst_len: u8,
    pub fib6_src: Ipv6Addr,
    pub fib6_src_len: u8,
    pub fib6_table: u32,
    pub fib6_metric: u32,
    pub fib6_type: u8,
    pub fib6_protocol: u8,
    /// `fib6_flags` (RTF_*) as made; RTF_EXPIRES follows `st.expires`.
    pub fib6_flags: u32,
    /// `fib6_nh->fib_nh_dev->ifindex`.
    pub ifindex: i32,
    pub fib_nh_dev: Option<Arc<NetDevice>>,
    pub fib_nh_gw6: Option<Ipv6Addr>,
    pub fib_nh_weight: u32,
    /// `fib6_metrics->metrics[RTAX_* - 1]`.
    pub fib6_metrics: [u32; RTAX_MAX],
    pub st: Mutex<Fib6State>,
}

impl Fib6Info {
    fn key(&self) -> Fib6Key {
        Fib6Key::new(&self.fib6_dst, self.fib6_dst_len, &self.fib6_src, self.fib6_src_len)
    }

    /// `fib6_flags` now (RTF_EXPIRES set while an expiry is).
    pub fn flags(&self) -> u32 {
        let e = self.st.lock().expires.is_some();
        (self.fib6_flags & !RTF_EXPIRES) | if e { RTF_EXPIRES } else { 0 }
    }
}

/// `rt6_qualify_for_ecmp`: gateway routes that did not come from RAs.
fn rt6_qualify_for_ecmp(rt: &Fib6Info) -> bool {
    rt.fib6_flags & RTF_ADDRCONF == 0 && rt.fib_nh_gw6.is_some()
}

/// `rt6_duplicate_nexthop`: same device, same gateway.
fn rt6_duplicate_nexthop(a: &Fib6Info, b: &Fib6Info) -> bool {
    a.ifindex == b.ifindex
        && a.fib_nh_gw6.unwrap_or(Ipv6Addr::UNSPECIFIED) == b.fib_nh_gw6.unwrap_or(Ipv6Addr::UNSPECIFIED)
}

/// `struct nl_info`: who asked, for the notifications a change sends.
#[derive(Debug, Clone, Copy, Default)]
pub struct NlInfo {
    /// `nlh`'s flags, when there was a request.
    pub nlh_flags: Option<u16>,
    pub seq: u32,
    pub portid: u32,
    pub skip_notify: bool,
}

/// `struct fib6_config`: a route to add or delete.
#[derive(Debug, Clone)]
pub struct Fib6Config {
    pub fc_table: u32,
    pub fc_metric: u32,
    pub fc_dst_len: u8,
    pub fc_src_len: u8,
    pub fc_ifindex: i32,
    /// `fc_flags` (RTF_*).
    pub fc_flags: u32,
    pub fc_protocol: u8,
    pub fc_type: u8,
    /// `fc_expires`, clock_t from now (with RTF_EXPIRES).
    pub fc_expires: u64,
    pub fc_dst: Ipv6Addr,
    pub fc_src: Ipv6Addr,
    pub fc_prefsrc: Ipv6Addr,
    pub fc_gateway: Ipv6Addr,
    pub fc_nlinfo: NlInfo,
}

impl Default for Fib6Config {
    fn default() -> Self {
        Fib6Config {
            fc_table: 0,
            fc_metric: 0,
            fc_dst_len: 0,
            fc_src_len: 0,
            fc_ifindex: 0,
            fc_flags: 0,
            fc_protocol: 0,
            fc_type: 0,
            fc_expires: 0,
            fc_dst: Ipv6Addr::UNSPECIFIED,
            fc_src: Ipv6Addr::UNSPECIFIED,
            fc_prefsrc: Ipv6Addr::UNSPECIFIED,
            fc_gateway: Ipv6Addr::UNSPECIFIED,
            fc_nlinfo: NlInfo::default(),
        }
    }
}

/// The parts of `struct fib6_config` only a netlink request carries.
#[derive(Debug, Clone, Default)]
struct Fib6ConfigExtra {
    /// `fc_mp` / `fc_mp_len`: RTA_MULTIPATH's payload.
    mp: Option<Vec<u8>>,
    /// `fc_mx`: RTA_METRICS, parsed.
    mx: Option<[u32; RTAX_MAX]>,
    /// `fc_ignore_dev_down`.
    ignore_dev_down: bool,
    /// `fc_nh_id`.
    nh_id: u32,
    /// `rtnh_hops + 1` of a multipath nexthop (0 = 1).
    weight: u32,
}

/// `ipv6_chk_addr(net, addr, dev, strict)`.
///
/// LEAD: switch to `addrconf::ipv6_chk_addr` once addrconf provides it;
/// until then no address is local, so every RTA_PREFSRC is "Invalid source
/// address" and no gateway is refused as local.
fn ipv6_chk_addr(_net: &Arc<Net>, _addr: &Ipv6Addr, _dev: Option<&Arc<NetDevice>>, _strict: bool) -> bool {
    false
}

/// `rtm_ipv6_policy`.
static RTM_IPV6_POLICY: [NlaPolicy; RTA_MAX as usize + 1] = {
    let mut p = [NlaPolicy::UNSPEC; RTA_MAX as usize + 1];
    p[RTA_UNSPEC as usize] = NlaPolicy::UNSPEC.strict_start(RTA_DPORT + 1);
    p[RTA_GATEWAY as usize] = NlaPolicy::min_len(16);
    p[RTA_PREFSRC as usize] = NlaPolicy::min_len(16);
    p[RTA_OIF as usize] = NlaPolicy::of(NlaType::U32);
    p[RTA_IIF as usize] = NlaPolicy::of(NlaType::U32);
    p[RTA_PRIORITY as usize] = NlaPolicy::of(NlaType::U32);
    p[RTA_METRICS as usize] = NlaPolicy::of(NlaType::Nested);
    p[RTA_MULTIPATH as usize] = NlaPolicy::min_len(8);
    p[RTA_PREF as usize] = NlaPolicy::of(NlaType::U8);
    p[RTA_ENCAP_TYPE as usize] = NlaPolicy::of(NlaType::U16);
    p[RTA_ENCAP as usize] = NlaPolicy::of(NlaType::Nested);
    p[RTA_EXPIRES as usize] = NlaPolicy::of(NlaType::U32);
    p[RTA_UID as usize] = NlaPolicy::of(NlaType::U32);
    p[RTA_MARK as usize] = NlaPolicy::of(NlaType::U32);
    p[RTA_TABLE as usize] = NlaPolicy::of(NlaType::U32);
    p[RTA_IP_PROTO as usize] = NlaPolicy::of(NlaType::U8);
    p[RTA_SPORT as usize] = NlaPolicy::of(NlaType::U16);
    p[RTA_DPORT as usize] = NlaPolicy::of(NlaType::U16);
    p[RTA_NH_ID as usize] = NlaPolicy::of(NlaType::U32);
    p[RTA_FLOWLABEL as usize] = NlaPolicy::of(NlaType::Be32);
    p
};
const RTA_N: usize = RTA_MAX as usize + 1;

/// `struct rtmsg`.
#[derive(Debug, Clone, Copy, Default)]
struct RtMsg {
    family: u8,
    dst_len: u8,
    src_len: u8,
    tos: u8,
    table: u8,
    protocol: u8,
    scope: u8,
    ty: u8,
    flags: u32,
}

fn rtmsg(msg: &[u8]) -> RtMsg {
    let h = NlMsgHdr::new_unchecked(msg);
    let p = h.payload();
    let b = |i: usize| p.get(i).copied().unwrap_or(0);
    RtMsg {
        family: b(0),
        dst_len: b(1),
        src_len: b(2),
        tos: b(3),
        table: b(4),
        protocol: b(5),
        scope: b(6),
        ty: b(7),
        flags: u32::from_ne_bytes([b(8), b(9), b(10), b(11)]),
    }
}

fn in6(nla: &Nla<&[u8]>) -> Ipv6Addr {
    let mut o = [0u8; 16];
    let p = nla.payload();
    let n = p.len().min(16);
    o[..n].copy_from_slice(&p[..n]);
    Ipv6Addr::from(o)
}

/// A `struct rtnexthop` walk (`rtnh_ok`, `rtnh_next`).
fn rtnh_iter(mp: &[u8]) -> Vec<(u8, u8, i32, &[u8])> {
    let mut out = Vec::new();
    let mut off = 0;
    while mp.len() - off >= 8 {
        let len = u16::from_ne_bytes([mp[off], mp[off + 1]]) as usize;
        if len < 8 || len > mp.len() - off {
            break;
        }
        let ifindex = i32::from_ne_bytes([mp[off + 4], mp[off + 5], mp[off + 6], mp[off + 7]]);
        out.push((mp[off + 2], mp[off + 3], ifindex, &mp[off + 8..off + len]));
        off += (len + 3) & !3;
        if off > mp.len() {
            break;
        }
    }
    out
}

/// `nla_find(attrs, RTA_*)`.
fn nla_find(attrs: &[u8], ty: u16) -> Option<Nla<&[u8]>> {
    nlwire::NlaIter::new(attrs).find(|a| a.nla_type() == ty)
}

/// `ip_fib_metrics_init`: RTA_METRICS into `metrics[]`.
fn ip_fib_metrics_init(mx: &[u8]) -> Result<[u32; RTAX_MAX], Errno> {
    let mut m = [0u32; RTAX_MAX];
    for a in nlwire::NlaIter::new(mx) {
        let ty = a.nla_type();
        if ty == 0 {
            continue;
        }
        if ty as usize > RTAX_MAX {
            return Err(Errno::EINVAL);
        }
        if ty == RTAX_CC_ALGO_IDX {
            // Congestion control algorithms are not modelled.
            return Err(Errno::EINVAL);
        }
        if a.payload().len() != 4 {
            return Err(Errno::EINVAL);
        }
        let mut v = a.get_u32();
        if ty == RTAX_HOPLIMIT && v > 255 {
            v = 255;
        }
        if ty == RTAX_FEATURES && v & !1 != 0 {
            return Err(Errno::EINVAL);
        }
        m[ty as usize - 1] = v;
    }
    Ok(m)
}

/// `rtm_to_fib6_multipath_config`.
fn rtm_to_fib6_multipath_config(cfg: &Fib6Config, mp: &[u8], newroute: bool, extack: &mut ExtAck) -> Result<(), Errno> {
    let hops = rtnh_iter(mp);
    if hops.is_empty() {
        extack.set_msg("Invalid nexthop configuration - no valid nexthops");
        return Err(Errno::EINVAL);
    }
    for (_, _, _, attrs) in hops {
        let mut has_gateway = cfg.fc_flags & RTF_GATEWAY != 0;
        if let Some(gw) = nla_find(attrs, RTA_GATEWAY) {
            if gw.payload().len() < 16 {
                extack.set_msg("Invalid IPv6 address in RTA_GATEWAY");
                return Err(Errno::EINVAL);
            }
            has_gateway = true;
        }
        if newroute && !has_gateway {
            extack.set_msg("Device only routes can not be added for IPv6 using the multipath API.");
            return Err(Errno::EINVAL);
        }
    }
    Ok(())
}

/// `rtm_to_fib6_config`: a request into a config. Errors without an
/// extack message where Linux has none (a short RTA_DST: the probe's
/// "short RTA_DST (4 bytes for /64)" and "dst_len 129").
fn rtm_to_fib6_config(
    skb: &NetlinkRcvSkb<'_>,
    msg: &[u8],
    extack: &mut ExtAck,
) -> Result<(Fib6Config, Fib6ConfigExtra), Errno> {
    let nlh = NlMsgHdr::new_unchecked(msg);
    let newroute = nlh.nlmsg_type() == RTM_NEWROUTE;
    let tb = nlmsg_parse_deprecated::<RTA_N>(msg, 12, Some(&RTM_IPV6_POLICY), extack)?;
    let rtm = rtmsg(msg);
    if rtm.tos != 0 {
        extack.set_msg("Invalid dsfield (tos): option not available for IPv6");
        return Err(Errno::EINVAL);
    }
    if let Some(fl) = tb.get(RTA_FLOWLABEL) {
        extack.set_msg_attr(fl.bytes(), "Flow label cannot be specified for this operation");
        return Err(Errno::EINVAL);
    }
    let mut cfg = Fib6Config {
        fc_table: u32::from(rtm.table),
        fc_dst_len: rtm.dst_len,
        fc_src_len: rtm.src_len,
        fc_flags: RTF_UP,
        fc_protocol: rtm.protocol,
        fc_type: rtm.ty,
        fc_nlinfo: NlInfo {
            nlh_flags: Some(nlh.nlmsg_flags()),
            seq: nlh.nlmsg_seq(),
            portid: skb.cb.portid,
            skip_notify: false,
        },
        ..Default::default()
    };
    let mut extra = Fib6ConfigExtra::default();
    if matches!(rtm.ty, RTN_UNREACHABLE | RTN_BLACKHOLE | RTN_PROHIBIT | RTN_THROW) {
        cfg.fc_flags |= RTF_REJECT;
    }
    if rtm.ty == RTN_LOCAL {
        cfg.fc_flags |= RTF_LOCAL;
    }
    if rtm.flags & RTM_F_CLONED != 0 {
        cfg.fc_flags |= RTF_CACHE;
    }
    cfg.fc_flags |= rtm.flags & u32::from(RTNH_F_ONLINK);
    if let Some(id) = tb.get(RTA_NH_ID) {
        if tb.has(RTA_GATEWAY) || tb.has(RTA_OIF) || tb.has(RTA_MULTIPATH) || tb.has(RTA_ENCAP) {
            extack.set_msg("Nexthop specification and nexthop id are mutually exclusive");
            return Err(Errno::EINVAL);
        }
        extra.nh_id = id.get_u32();
    }
    if let Some(gw) = tb.get(RTA_GATEWAY) {
        cfg.fc_gateway = in6(&gw);
        cfg.fc_flags |= RTF_GATEWAY;
    }
    if tb.has(RTA_VIA) {
        extack.set_msg("IPv6 does not support RTA_VIA attribute");
        return Err(Errno::EINVAL);
    }
    if let Some(d) = tb.get(RTA_DST) {
        let plen = (usize::from(rtm.dst_len) + 7) >> 3;
        if d.payload().len() < plen {
            return Err(Errno::EINVAL);
        }
        let mut o = [0u8; 16];
        o[..plen].copy_from_slice(&d.payload()[..plen]);
        cfg.fc_dst = Ipv6Addr::from(o);
    }
    if let Some(s) = tb.get(RTA_SRC) {
        let plen = (usize::from(rtm.src_len) + 7) >> 3;
        if s.payload().len() < plen {
            return Err(Errno::EINVAL);
        }
        let mut o = [0u8; 16];
        o[..plen.min(16)].copy_from_slice(&s.payload()[..plen.min(16)]);
        cfg.fc_src = Ipv6Addr::from(o);
    }
    if let Some(p) = tb.get(RTA_PREFSRC) {
        cfg.fc_prefsrc = in6(&p);
    }
    if let Some(o) = tb.get(RTA_OIF) {
        cfg.fc_ifindex = o.get_u32() as i32;
    }
    if let Some(p) = tb.get(RTA_PRIORITY) {
        cfg.fc_metric = p.get_u32();
    }
    if let Some(m) = tb.get(RTA_METRICS) {
        extra.mx = Some(ip_fib_metrics_init(m.payload())?);
    }
    if let Some(t) = tb.get(RTA_TABLE) {
        cfg.fc_table = t.get_u32();
    }
    if let Some(mp) = tb.get(RTA_MULTIPATH) {
        rtm_to_fib6_multipath_config(&cfg, mp.payload(), newroute, extack)?;
        extra.mp = Some(mp.payload().to_vec());
    }
    if let Some(p) = tb.get(RTA_PREF) {
        let mut pref = u32::from(p.get_u8());
        if pref != ICMPV6_ROUTER_PREF_LOW && pref != ICMPV6_ROUTER_PREF_HIGH {
            pref = ICMPV6_ROUTER_PREF_MEDIUM;
        }
        cfg.fc_flags |= rtf_pref(pref);
    }
    if let Some(t) = tb.get(RTA_ENCAP_TYPE) {
        lwtunnel_valid_encap_type(t.get_u16(), extack)?;
    }
    if let Some(e) = tb.get(RTA_EXPIRES) {
        // addrconf_timeout_fixup(t, HZ): 0xffffffff is forever.
        let t = e.get_u32();
        if t != u32::MAX {
            cfg.fc_expires = jiffies_to_clock_t(u64::from(t) * crate::time::HZ);
            cfg.fc_flags |= RTF_EXPIRES;
        }
    }
    Ok((cfg, extra))
}

/// `LWTUNNEL_ENCAP_MAX` (LWTUNNEL_ENCAP_XFRM).
const LWTUNNEL_ENCAP_MAX: u16 = 10;

/// `lwtunnel_valid_encap_type`: no encapsulation is modelled, so a known
/// type is "not supported" (as MPLS is on the probed kernel without its
/// module: p_route6_extra "RTA_ENCAP_TYPE 1"), an unknown one EINVAL.
fn lwtunnel_valid_encap_type(ty: u16, extack: &mut ExtAck) -> Result<(), Errno> {
    if ty == 0 || ty > LWTUNNEL_ENCAP_MAX {
        extack.set_msg("Unknown lwt encapsulation type");
        return Err(Errno::EINVAL);
    }
    extack.set_msg("lwt encapsulation type not supported");
    Err(Errno::EOPNOTSUPP)
}

/// `fib6_config_validate`.
fn fib6_config_validate(cfg: &Fib6Config, extra: &Fib6ConfigExtra, extack: &mut ExtAck) -> Result<(), Errno> {
    if cfg.fc_flags & RTF_PCPU != 0 {
        extack.set_msg("Userspace can not set RTF_PCPU");
        return Err(Errno::EINVAL);
    }
    if cfg.fc_flags & RTF_CACHE != 0 {
        extack.set_msg("Userspace can not set RTF_CACHE");
        return Err(Errno::EINVAL);
    }
    if cfg.fc_type > RTN_MAX {
        extack.set_msg("Invalid route type");
        return Err(Errno::EINVAL);
    }
    if cfg.fc_dst_len > 128 {
        extack.set_msg("Invalid prefix length");
        return Err(Errno::EINVAL);
    }
    if cfg.fc_src_len > 128 {
        extack.set_msg("Invalid source address length");
        return Err(Errno::EINVAL);
    }
    if extra.nh_id != 0 && cfg.fc_src_len != 0 {
        extack.set_msg("Nexthops can not be used with source routing");
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// What `fib6_table_lookup` found: the route and the nexthop's device.
#[derive(Debug, Clone)]
struct Fib6Result {
    f6i: Arc<Fib6Info>,
}

// rt6 lookup flags.
const RT6_LOOKUP_F_IFACE: u32 = 0x1;
const RT6_LOOKUP_F_IGNORE_LINKSTATE: u32 = 0x40;

/// `IPV6_DECODE_PREF`.
fn ipv6_decode_pref(pref: u8) -> u32 {
    match u32::from(pref) {
        ICMPV6_ROUTER_PREF_LOW => 1,
        ICMPV6_ROUTER_PREF_HIGH => 3,
        _ => 2,
    }
}

/// `rt6_select` / `find_rr_leaf` / `find_match` over one node's routes:
/// the routes of the lowest metric first, then the next metric; within a
/// metric the best `rt6_score_route` (device match, router preference),
/// the first on a tie. Expired and dead nexthops are skipped; with
/// RT6_LOOKUP_F_IFACE only routes through `oif`.
fn rt6_select(routes: &[Arc<Fib6Info>], oif: i32, strict: u32, now: u64) -> Option<Arc<Fib6Info>> {
    let mut i = 0;
    while i < routes.len() {
        let metric = routes[i].fib6_metric;
        let mut best: Option<(u32, Arc<Fib6Info>)> = None;
        while i < routes.len() && routes[i].fib6_metric == metric {
            let rt = &routes[i];
            i += 1;
            let st = rt.st.lock();
            if st.expires.is_some_and(|e| crate::time::time_after(now, e)) {
                continue;
            }
            if st.nh_flags & RTNH_F_DEAD != 0 {
                continue;
            }
            drop(st);
            let mut m = 0;
            if oif == 0 || rt.ifindex == oif {
                m = 2;
            }
            if m == 0 && strict & RT6_LOOKUP_F_IFACE != 0 {
                continue;
            }
            m |= ipv6_decode_pref(ipv6_extract_pref(rt.fib6_flags)) << 2;
            if best.as_ref().is_none_or(|(bm, _)| m > *bm) {
                best = Some((m, Arc::clone(rt)));
            }
        }
        if let Some((_, rt)) = best {
            return Some(rt);
        }
    }
    None
}

/// `fib6_table_lookup`: the most specific node with a usable route,
/// backtracking towards the root.
fn fib6_table_lookup(
    table: &Fib6Table,
    oif: i32,
    daddr: &Ipv6Addr,
    saddr: &Ipv6Addr,
    strict: u32,
    now: u64,
) -> Option<Fib6Result> {
    for key in fib6_node_lookup(table, daddr, saddr) {
        if let Some(routes) = table.nodes.get(&key) {
            if let Some(f6i) = rt6_select(routes, oif, strict, now) {
                return Some(Fib6Result { f6i });
            }
        }
    }
    None
}

/// `ip6_rt_type_to_error` (`fib6_prop[]`): a reject route's `dst.error`.
/// A unicast route through the loopback is made a reject route but its
/// error is 0, so lookups use it (p_route6_extra "GET 2001:db8:44::1").
fn ip6_rt_type_to_error(ty: u8) -> Option<Errno> {
    match ty {
        RTN_BLACKHOLE | RTN_NAT | RTN_XRESOLVE => Some(Errno::EINVAL),
        RTN_UNREACHABLE => Some(Errno::EHOSTUNREACH),
        RTN_PROHIBIT => Some(Errno::EACCES),
        RTN_THROW => Some(Errno::EAGAIN),
        _ => None,
    }
}

/// `fib6_lookup` / `fib6_rule_lookup` with the default rules: the local
/// table, then main (probe: "GET 2001:db8:54::1" answers from table 255,
/// "GET 2001:db8:50::1" in table 1000 is unreachable). A null result or a
/// throw route goes on to the next table; other reject routes answer with
/// their error (probe: blackhole -22, unreachable -113, prohibit -13,
/// throw -101; a unicast route through the loopback answers).
fn fib6_rule_lookup(
    tables: &Fib6Tables,
    oif: i32,
    daddr: &Ipv6Addr,
    saddr: &Ipv6Addr,
    strict: u32,
    now: u64,
) -> Result<Fib6Result, Errno> {
    for id in [RT6_TABLE_LOCAL, RT6_TABLE_MAIN] {
        let Some(table) = tables.fib6_get_table(id) else { continue };
        let Some(res) = fib6_table_lookup(table, oif, daddr, saddr, strict, now) else { continue };
        if res.f6i.flags() & RTF_REJECT != 0 {
            match ip6_rt_type_to_error(res.f6i.fib6_type) {
                Some(Errno::EAGAIN) => continue,
                Some(e) => return Err(e),
                None => {}
            }
        }
        return Ok(res);
    }
    Err(Errno::ENETUNREACH)
}

/// `ip6_nh_lookup_table`: one table, link state ignored.
fn ip6_nh_lookup_table(
    tables: &Fib6Tables,
    cfg: &Fib6Config,
    gw: &Ipv6Addr,
    tbid: u32,
    flags: u32,
    now: u64,
) -> Result<Option<Fib6Result>, Errno> {
    let table = tables.fib6_get_table(tbid).ok_or(Errno::EINVAL)?;
    Ok(fib6_table_lookup(table, cfg.fc_ifindex, gw, &cfg.fc_prefsrc, flags | RT6_LOOKUP_F_IGNORE_LINKSTATE, now))
}

/// `ip6_route_check_nh_onlink`.
fn ip6_route_check_nh_onlink(
    tables: &Fib6Tables,
    cfg: &Fib6Config,
    dev: Option<&Arc<NetDevice>>,
    now: u64,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    let res = ip6_nh_lookup_table(tables, cfg, &cfg.fc_gateway, RT6_TABLE_MAIN, 0, now)?;
    if let Some(res) = res {
        let f = &res.f6i;
        if f.flags() & RTF_REJECT == 0
            && !f.fib6_dst.is_unspecified()
            && (f.fib6_type != RTN_UNICAST || dev.map(|d| d.ifindex()) != Some(f.ifindex))
        {
            extack.set_msg("Nexthop has invalid gateway or device mismatch");
            return Err(Errno::EINVAL);
        }
    }
    Ok(())
}

/// `ip6_route_check_nh`: the gateway must be reachable directly, through
/// the given device if there is one (probe: EHOSTUNREACH for a gateway
/// behind another device, behind a gateway, or with no route).
fn ip6_route_check_nh(
    net: &Arc<Net>,
    tables: &Fib6Tables,
    cfg: &Fib6Config,
    dev: &mut Option<Arc<NetDevice>>,
    now: u64,
) -> Result<(), Errno> {
    let gw = cfg.fc_gateway;
    let flags = RT6_LOOKUP_F_IFACE;
    let usable = |r: &Fib6Result| r.f6i.flags() & RTF_REJECT == 0 && r.f6i.fib_nh_gw6.is_none();
    let mut found: Option<Fib6Result> = None;
    if cfg.fc_table != 0 {
        if let Ok(Some(r)) = ip6_nh_lookup_table(tables, cfg, &gw, cfg.fc_table, flags, now) {
            if usable(&r) && dev.as_ref().is_none_or(|d| d.ifindex() == r.f6i.ifindex) {
                found = Some(r);
            }
        }
    }
    let res = match found {
        Some(r) => r,
        None => match fib6_rule_lookup(tables, cfg.fc_ifindex, &gw, &Ipv6Addr::UNSPECIFIED, flags, now) {
            Ok(r) if usable(&r) => r,
            _ => return Err(Errno::EHOSTUNREACH),
        },
    };
    match dev {
        Some(d) if d.ifindex() != res.f6i.ifindex => Err(Errno::EHOSTUNREACH),
        Some(_) => Ok(()),
        None => {
            *dev = dev_get_by_index(net, res.f6i.ifindex);
            Ok(())
        }
    }
}

/// `ip6_validate_gw`.
fn ip6_validate_gw(
    net: &Arc<Net>,
    tables: &Fib6Tables,
    cfg: &Fib6Config,
    dev: &mut Option<Arc<NetDevice>>,
    now: u64,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    let gw = cfg.fc_gateway;
    let gwa_type = ipv6_addr_type(&gw);
    let need_addr_check = dev.is_none();
    if dev.is_some() && ipv6_chk_addr(net, &gw, dev.as_ref(), gwa_type & IPV6_ADDR_LINKLOCAL != 0) {
        extack.set_msg("Gateway can not be a local address");
        return Err(Errno::EINVAL);
    }
    if gwa_type != (IPV6_ADDR_LINKLOCAL | IPV6_ADDR_UNICAST) {
        if gwa_type & (IPV6_ADDR_UNICAST | IPV6_ADDR_MAPPED) == 0 {
            extack.set_msg("Invalid gateway address");
            return Err(Errno::EINVAL);
        }
        if cfg.fc_flags & u32::from(RTNH_F_ONLINK) != 0 {
            ip6_route_check_nh_onlink(tables, cfg, dev.as_ref(), now, extack)?;
        } else {
            ip6_route_check_nh(net, tables, cfg, dev, now)?;
        }
    }
    match dev {
        None => {
            extack.set_msg("Egress device not specified");
            Err(Errno::EINVAL)
        }
        Some(d) if d.st.lock().flags & IFF_LOOPBACK != 0 => {
            extack.set_msg("Egress device can not be loopback device for this route");
            Err(Errno::EINVAL)
        }
        Some(_) if need_addr_check && ipv6_chk_addr(net, &gw, dev.as_ref(), gwa_type & IPV6_ADDR_LINKLOCAL != 0) => {
            extack.set_msg("Gateway can not be a local address");
            Err(Errno::EINVAL)
        }
        Some(_) => Ok(()),
    }
}

/// `fib6_is_reject`: reject types, and routes through the loopback to
/// anything but ::1 that are not local (they would loop).
fn fib6_is_reject(flags: u32, dev: Option<&Arc<NetDevice>>, addr_type: u32) -> bool {
    flags & RTF_REJECT != 0
        || (dev.is_some_and(|d| d.st.lock().flags & IFF_LOOPBACK != 0)
            && addr_type & IPV6_ADDR_LOOPBACK == 0
            && flags & (RTF_ANYCAST | RTF_LOCAL) == 0)
}

/// `DEVCONF_DISABLE_IPV6`.
const DEVCONF_DISABLE_IPV6: usize = 26;

/// `fib6_nh_init`: the nexthop's device, gateway and flags.
fn fib6_nh_init(
    net: &Arc<Net>,
    tables: &Fib6Tables,
    cfg: &Fib6Config,
    extra: &Fib6ConfigExtra,
    now: u64,
    extack: &mut ExtAck,
) -> Result<(Arc<NetDevice>, Option<Ipv6Addr>, u8), Errno> {
    let mut nh_flags = 0u8;
    let mut dev = None;
    if cfg.fc_ifindex != 0 {
        let d = dev_get_by_index(net, cfg.fc_ifindex).ok_or(Errno::ENODEV)?;
        if d.ip6_ptr.lock().is_none() {
            return Err(Errno::ENODEV);
        }
        dev = Some(d);
    }
    if cfg.fc_flags & u32::from(RTNH_F_ONLINK) != 0 {
        let Some(d) = dev.as_ref() else {
            extack.set_msg("Nexthop device required for onlink");
            return Err(Errno::ENODEV);
        };
        if d.st.lock().flags & IFF_UP == 0 {
            extack.set_msg("Nexthop device is not up");
            return Err(Errno::ENETDOWN);
        }
        nh_flags |= RTNH_F_ONLINK;
    }
    if cfg.fc_flags & RTF_REJECT != 0 {
        // Reject routes hang off the loopback.
        let lo = net.loopback_dev.read().clone().ok_or(Errno::ENODEV)?;
        if lo.ip6_ptr.lock().is_none() {
            return Err(Errno::ENODEV);
        }
        return Ok((lo, None, nh_flags));
    }
    let mut gw = None;
    if cfg.fc_flags & RTF_GATEWAY != 0 {
        ip6_validate_gw(net, tables, cfg, &mut dev, now, extack)?;
        gw = Some(cfg.fc_gateway);
    }
    let dev = dev.ok_or(Errno::ENODEV)?;
    let disabled = dev.ip6_ptr.lock().as_ref().is_none_or(|i| i.cnf[DEVCONF_DISABLE_IPV6] != 0);
    if disabled {
        extack.set_msg("IPv6 is disabled on nexthop device");
        return Err(Errno::EACCES);
    }
    let (up, carrier) = {
        let st = dev.st.lock();
        (st.flags & IFF_UP != 0, st.carrier_ok())
    };
    if !up && !extra.ignore_dev_down {
        extack.set_msg("Nexthop device is not up");
        return Err(Errno::ENETDOWN);
    }
    if cfg.fc_flags & (RTF_LOCAL | RTF_ANYCAST) == 0 && !carrier {
        nh_flags |= RTNH_F_LINKDOWN;
    }
    Ok((dev, gw, nh_flags))
}

/// `ip6_route_info_create` + `ip6_route_info_create_nh`: a route, not yet
/// in a table. The table is made here if missing, even without
/// NLM_F_CREATE (Linux only warns; probe: "no CREATE in new table 400").
fn ip6_route_info_create(
    net: &Arc<Net>,
    tables: &mut Fib6Tables,
    cfg: &mut Fib6Config,
    extra: &Fib6ConfigExtra,
    extack: &mut ExtAck,
) -> Result<Arc<Fib6Info>, Errno> {
    let table = tables.fib6_new_table(cfg.fc_table);
    let now = jiffies(&net.globals);
    if extra.nh_id != 0 {
        extack.set_msg("Nexthop id does not exist");
        return Err(Errno::EINVAL);
    }
    if cfg.fc_protocol == RTPROT_UNSPEC {
        cfg.fc_protocol = RTPROT_BOOT;
    }
    let (dev, gw, nh_flags) = fib6_nh_init(net, tables, cfg, extra, now, extack)?;
    let mut flags = cfg.fc_flags & !RTF_GATEWAY;
    if fib6_is_reject(cfg.fc_flags, Some(&dev), ipv6_addr_type(&cfg.fc_dst)) {
        flags = RTF_REJECT | RTF_NONEXTHOP;
    }
    let mut prefsrc = None;
    if !cfg.fc_prefsrc.is_unspecified() {
        if !ipv6_chk_addr(net, &cfg.fc_prefsrc, Some(&dev), false) {
            extack.set_msg("Invalid source address");
            return Err(Errno::EINVAL);
        }
        prefsrc = Some(cfg.fc_prefsrc);
    }
    let expires = (cfg.fc_flags & RTF_EXPIRES != 0).then(|| now + clock_t_to_jiffies(cfg.fc_expires));
    Ok(Arc::new(Fib6Info {
        fib6_dst: ipv6_addr_prefix(&cfg.fc_dst, cfg.fc_dst_len),
        fib6_dst_len: cfg.fc_dst_len,
        fib6_src: ipv6_addr_prefix(&cfg.fc_src, cfg.fc_src_len),
        fib6_src_len: cfg.fc_src_len,
        fib6_table: table,
        fib6_metric: cfg.fc_metric,
        fib6_type: if cfg.fc_type == 0 { RTN_UNICAST } else { cfg.fc_type },
        fib6_protocol: cfg.fc_protocol,
        fib6_flags: flags & !RTF_EXPIRES,
        ifindex: dev.ifindex(),
        fib_nh_dev: Some(dev),
        fib_nh_gw6: gw,
        fib_nh_weight: extra.weight.max(1),
        fib6_metrics: extra.mx.unwrap_or([0; RTAX_MAX]),
        st: Mutex::new(Fib6State { nh_flags, expires, prefsrc, ..Default::default() }),
    }))
}

// ---------------------------------------------------------------------------
// Siblings (`fib6_siblings`): a ring per multipath route, kept as a group
// id and an order; every member sits in the same node.

/// The members of `rt`'s group in ring order starting after `rt`.
fn rt6_siblings(node: &[Arc<Fib6Info>], rt: &Arc<Fib6Info>) -> Vec<Arc<Fib6Info>> {
    let g = rt.st.lock().group;
    if g == 0 {
        return Vec::new();
    }
    let mut members: Vec<(u64, Arc<Fib6Info>)> =
        node.iter().filter(|r| r.st.lock().group == g).map(|r| (r.st.lock().group_seq, Arc::clone(r))).collect();
    members.sort_by_key(|m| m.0);
    let pos = members.iter().position(|m| Arc::ptr_eq(&m.1, rt)).unwrap_or(0);
    members.rotate_left(pos);
    members.into_iter().skip(1).map(|m| m.1).collect()
}

fn unlink_sibling(rt: &Fib6Info) {
    let mut st = rt.st.lock();
    st.group = 0;
    st.group_seq = 0;
}

// ---------------------------------------------------------------------------
// Filling messages.

/// The per-cpu dst a lookup hands out, as `rt6_fill_node` reads it.
struct Rt6Dst {
    ifindex: i32,
    gateway: Option<Ipv6Addr>,
    lastuse: u64,
}

/// `rt6_nlmsg_size`.
fn rt6_nlmsg_size(nsiblings: usize) -> usize {
    let nexthop_len = if nsiblings > 0 { (nsiblings + 1) * (nla_total_size(0) + 8 + nla_total_size(16)) } else { 0 };
    12 + 4 * nla_total_size(16)
        + 4 * nla_total_size(4)
        + RTAX_MAX * nla_total_size(4)
        + nla_total_size(32)
        + nla_total_size(16)
        + nla_total_size(1)
        + nexthop_len
}

/// `fib_nexthop_info` for a `fib6_nh`: RTA_GATEWAY, RTA_OIF, and the flags
/// the route reports.
fn fib_nexthop_info(skb: &mut SkBuff, rt: &Fib6Info, skip_oif: bool) -> Result<u8, Errno> {
    let nhf = rt.st.lock().nh_flags;
    let mut flags = 0;
    if nhf & RTNH_F_DEAD != 0 {
        flags |= RTNH_F_DEAD;
    }
    if nhf & RTNH_F_LINKDOWN != 0 {
        flags |= RTNH_F_LINKDOWN;
    }
    if let Some(gw) = rt.fib_nh_gw6 {
        skb.nla_put_in6_addr(RTA_GATEWAY, gw.octets())?;
    }
    flags |= nhf & (RTNH_F_ONLINK | RTNH_F_OFFLOAD | RTNH_F_TRAP);
    if !skip_oif && rt.fib_nh_dev.is_some() {
        skb.nla_put_u32(RTA_OIF, rt.ifindex as u32)?;
    }
    Ok(flags)
}

/// `fib_add_nexthop`: one `struct rtnexthop` in RTA_MULTIPATH.
fn fib_add_nexthop(skb: &mut SkBuff, rt: &Fib6Info) -> Result<(), Errno> {
    let start = skb.len();
    skb.put(8)?;
    let flags = fib_nexthop_info(skb, rt, true)?;
    let len = (skb.len() - start) as u16;
    let hops = rt.fib_nh_weight.saturating_sub(1) as u8;
    let d = &mut skb.data_mut()[start..start + 8];
    d[0..2].copy_from_slice(&len.to_ne_bytes());
    d[2] = flags;
    d[3] = hops;
    d[4..8].copy_from_slice(&rt.ifindex.to_ne_bytes());
    Ok(())
}

/// `rt6_fill_node`: one RTM_NEWROUTE/DELROUTE. Attribute order as 6.18
/// emits it (probe hexdumps): RTA_TABLE, RTA_DST, [RTA_SRC], [RTA_IIF or
/// the lookup's RTA_PREFSRC], [RTA_PREFSRC], [RTA_METRICS], RTA_PRIORITY,
/// then RTA_GATEWAY/RTA_OIF (or RTA_MULTIPATH), RTA_CACHEINFO, RTA_PREF.
#[allow(clippy::too_many_arguments)]
fn rt6_fill_node(
    skb: &mut SkBuff,
    rt: &Fib6Info,
    sibs: &[Arc<Fib6Info>],
    dst: Option<&Rt6Dst>,
    dest: Option<Ipv6Addr>,
    src: Option<Ipv6Addr>,
    iif: i32,
    ty: u16,
    portid: u32,
    seq: u32,
    flags: u16,
    now: u64,
) -> Result<(), Errno> {
    let nlh = skb.nlmsg_put(portid, seq, ty, 12, flags).ok_or(Errno::EMSGSIZE)?;
    let r = (|| -> Result<RtMsg, Errno> {
        let rt_flags = rt.flags();
        let (prefsrc, expires_at) = {
            let st = rt.st.lock();
            (st.prefsrc, st.expires)
        };
        let mut rtm = RtMsg {
            family: AF_INET6,
            dst_len: rt.fib6_dst_len,
            src_len: rt.fib6_src_len,
            table: if rt.fib6_table < 256 { rt.fib6_table as u8 } else { RT_TABLE_COMPAT as u8 },
            protocol: rt.fib6_protocol,
            scope: RT_SCOPE_UNIVERSE,
            ty: rt.fib6_type,
            ..Default::default()
        };
        skb.nla_put_u32(RTA_TABLE, rt.fib6_table)?;
        if let Some(d) = dest {
            skb.nla_put_in6_addr(RTA_DST, d.octets())?;
            rtm.dst_len = 128;
        } else if rt.fib6_dst_len != 0 {
            skb.nla_put_in6_addr(RTA_DST, rt.fib6_dst.octets())?;
        }
        if let Some(s) = src {
            skb.nla_put_in6_addr(RTA_SRC, s.octets())?;
            rtm.src_len = 128;
        } else if rt.fib6_src_len != 0 {
            skb.nla_put_in6_addr(RTA_SRC, rt.fib6_src.octets())?;
        }
        if iif != 0 {
            skb.nla_put_u32(RTA_IIF, iif as u32)?;
        } else if dest.is_some() {
            // ip6_route_get_saddr: the route's prefsrc, else source address
            // selection (no addresses here yet: nothing).
            if let Some(p) = prefsrc {
                skb.nla_put_in6_addr(RTA_PREFSRC, p.octets())?;
            }
        }
        if let Some(p) = prefsrc {
            skb.nla_put_in6_addr(RTA_PREFSRC, p.octets())?;
        }
        if rt.fib6_metrics.iter().any(|&m| m != 0) {
            let nest = skb.nla_nest_start_noflag(RTA_METRICS)?;
            for (i, &m) in rt.fib6_metrics.iter().enumerate() {
                if m != 0 {
                    skb.nla_put_u32(i as u16 + 1, m)?;
                }
            }
            skb.nla_nest_end(nest);
        }
        skb.nla_put_u32(RTA_PRIORITY, rt.fib6_metric)?;
        if let Some(d) = dst {
            if let Some(gw) = d.gateway {
                skb.nla_put_in6_addr(RTA_GATEWAY, gw.octets())?;
            }
            skb.nla_put_u32(RTA_OIF, d.ifindex as u32)?;
        } else if !sibs.is_empty() {
            let mp = skb.nla_nest_start_noflag(RTA_MULTIPATH)?;
            fib_add_nexthop(skb, rt)?;
            for s in sibs {
                fib_add_nexthop(skb, s)?;
            }
            skb.nla_nest_end(mp);
        } else {
            rtm.flags |= u32::from(fib_nexthop_info(skb, rt, false)?);
        }
        let mut expires: i64 = 0;
        if dst.is_none() && rt_flags & RTF_EXPIRES != 0 {
            expires = expires_at.map_or(0, |e| e as i64 - now as i64);
        }
        // rtnl_put_cacheinfo.
        let mut ci = [0u8; 32];
        if let Some(d) = dst {
            ci[0..4].copy_from_slice(&2u32.to_ne_bytes());
            let lastuse = jiffies_to_clock_t(now.saturating_sub(d.lastuse)) as u32;
            ci[4..8].copy_from_slice(&lastuse.to_ne_bytes());
        }
        if expires != 0 {
            let clock = jiffies_to_clock_t(expires.unsigned_abs()).min(i32::MAX as u64) as i32;
            let v = if expires > 0 { clock } else { -clock };
            ci[8..12].copy_from_slice(&v.to_ne_bytes());
        }
        skb.nla_put(RTA_CACHEINFO, &ci)?;
        skb.nla_put_u8(RTA_PREF, ipv6_extract_pref(rt_flags))?;
        Ok(rtm)
    })();
    match r {
        Ok(rtm) => {
            let p = skb.nlmsg_data_mut(nlh);
            p[0] = rtm.family;
            p[1] = rtm.dst_len;
            p[2] = rtm.src_len;
            p[3] = rtm.tos;
            p[4] = rtm.table;
            p[5] = rtm.protocol;
            p[6] = rtm.scope;
            p[7] = rtm.ty;
            p[8..12].copy_from_slice(&rtm.flags.to_ne_bytes());
            skb.nlmsg_end(nlh);
            Ok(())
        }
        Err(_) => {
            skb.nlmsg_cancel(nlh);
            Err(Errno::EMSGSIZE)
        }
    }
}

/// `inet6_rt_notify`: RTNLGRP_IPV6_ROUTE with the requester's portid and
/// seq (0/0 for the kernel's own changes), ECHO honoured.
fn inet6_rt_notify(net: &Net, event: u16, rt: &Fib6Info, sibs: &[Arc<Fib6Info>], info: &NlInfo, nlm_flags: u16) {
    let _s = debug_span!("inet6_rt_notify", event, nlm_flags).entered();
    let seq = if info.nlh_flags.is_some() { info.seq } else { 0 };
    let mut skb = nlmsg_new(rt6_nlmsg_size(sibs.len()));
    let now = jiffies(&net.globals);
    if rt6_fill_node(&mut skb, rt, sibs, None, None, None, 0, event, info.portid, seq, nlm_flags, now).is_err() {
        return;
    }
    rtnl_notify(skb, net, info.portid, RTNLGRP_IPV6_ROUTE, info.nlh_flags);
}

// ---------------------------------------------------------------------------
// Insertion and deletion (ip6_fib.c: fib6_add, fib6_add_rt2node, fib6_del).

/// `fib6_add` → `fib6_add_1` → `fib6_add_rt2node`, with the NLM_F_* rules
/// IPv6 has (probe): an identical route is EEXIST whatever the flags;
/// EXCL refuses any route of the same metric; a missing CREATE only warns;
/// REPLACE without CREATE needs an existing node ("Can not replace route -
/// no match found") and a route of that metric (ENOENT without message);
/// a new gateway route of the same metric joins the multipath route.
fn fib6_add(
    net: &Arc<Net>,
    tables: &mut Fib6Tables,
    rt: &Arc<Fib6Info>,
    info: &NlInfo,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    let nlf = info.nlh_flags;
    let allow_create = nlf.is_none_or(|f| f & NLM_F_CREATE != 0);
    let replace_required = nlf.is_some_and(|f| f & NLM_F_REPLACE != 0);
    let key = rt.key();
    let tbid = rt.fib6_table;
    let exists = tables.fib6_get_table(tbid).and_then(|t| fib6_locate(t, &key)).is_some();
    if !exists && !allow_create && replace_required {
        extack.set_msg("Can not replace route - no match found");
        return Err(Errno::ENOENT);
    }
    let mut next_group = tables.next_group;
    let Some(table) = tables.fib6_get_table_mut(tbid) else {
        return Err(Errno::ENOBUFS);
    };
    let node = table.nodes.entry(key).or_default();
    let r = fib6_add_rt2node(net, node, rt, info, &mut next_group);
    if node.is_empty() {
        table.nodes.remove(&key);
    }
    tables.next_group = next_group;
    r?;
    tables.update_sernum_upto_root(tbid);
    if rt.st.lock().expires.is_some() {
        fib6_start_gc(net);
    }
    Ok(())
}

/// `fib6_start_gc`: arms the GC timer for an expiring route, if idle.
fn fib6_start_gc(net: &Arc<Net>) {
    let Some(f) = net.generic::<super::ip6_fib::Fib6Net>() else { return };
    let Some(timer) = f.ip6_fib_timer else { return };
    if !timer.pending(&net.globals) {
        let weak = Arc::downgrade(net);
        timer.mod_timer(
            &net.globals,
            jiffies(&net.globals) + IP6_RT_GC_INTERVAL,
            Box::new(move |_| fib6_gc_timer_cb(&weak)),
        );
    }
}

/// `fib6_gc_timer_cb` → `fib6_run_gc`: deletes the routes whose expiry has
/// passed (announced with RTM_DELROUTE, pid 0) and re-arms while expiring
/// routes remain, at a whole second (`round_jiffies`).
fn fib6_gc_timer_cb(weak: &std::sync::Weak<Net>) {
    let Some(net) = weak.upgrade() else { return };
    let _s = debug_span!("fib6_run_gc").entered();
    let f = fib6_net(&net);
    let now = jiffies(&net.globals);
    let mut more = 0;
    {
        let mut tables = f.tables.lock();
        fib6_clean_all(&net, &mut tables, |rt, _| match rt.st.lock().expires {
            Some(e) if crate::time::time_after(now, e) => Clean::Delete,
            Some(_) => {
                more += 1;
                Clean::Keep
            }
            None => Clean::Keep,
        });
    }
    let Some(timer) = f.ip6_fib_timer else { return };
    if more > 0 {
        let w = weak.clone();
        let at = round_jiffies(now + IP6_RT_GC_INTERVAL, now);
        timer.mod_timer(&net.globals, at, Box::new(move |_| fib6_gc_timer_cb(&w)));
    } else {
        timer.delete(&net.globals);
    }
}

/// `fib6_add_rt2node`.
fn fib6_add_rt2node(
    net: &Net,
    node: &mut Vec<Arc<Fib6Info>>,
    rt: &Arc<Fib6Info>,
    info: &NlInfo,
    next_group: &mut u64,
) -> Result<(), Errno> {
    let nlf = info.nlh_flags;
    let replace = nlf.is_some_and(|f| f & NLM_F_REPLACE != 0);
    let add = nlf.is_none_or(|f| f & NLM_F_CREATE != 0);
    let rt_can_ecmp = rt6_qualify_for_ecmp(rt);
    let mut nlflags = NLM_F_EXCL;
    if nlf.is_some_and(|f| f & NLM_F_APPEND != 0) {
        nlflags |= NLM_F_APPEND;
    }
    let mut ins = node.len();
    let mut found = false;
    let mut fallback_ins = None;
    let mut nsiblings = 0;
    for (i, iter) in node.iter().enumerate() {
        if iter.fib6_metric == rt.fib6_metric {
            if nlf.is_some_and(|f| f & NLM_F_EXCL != 0) {
                return Err(Errno::EEXIST);
            }
            nlflags &= !NLM_F_EXCL;
            if replace {
                if rt_can_ecmp == rt6_qualify_for_ecmp(iter) {
                    found = true;
                    ins = i;
                    break;
                }
                fallback_ins.get_or_insert(i);
                continue;
            }
            if rt6_duplicate_nexthop(iter, rt) {
                // An expiring duplicate takes the new expiry; either way
                // the answer is EEXIST.
                let new_exp = rt.st.lock().expires;
                let mut ist = iter.st.lock();
                if ist.expires.is_some() {
                    ist.expires = new_exp;
                }
                return Err(Errno::EEXIST);
            }
            if rt_can_ecmp && rt6_qualify_for_ecmp(iter) {
                nsiblings += 1;
            }
        }
        if iter.fib6_metric > rt.fib6_metric {
            ins = i;
            break;
        }
    }
    if let (Some(f), false) = (fallback_ins, found) {
        ins = f;
        found = true;
    }
    if nsiblings > 0 {
        // Join the group of the first same-metric gateway route.
        if let Some(first) = node.iter().find(|s| s.fib6_metric == rt.fib6_metric && rt6_qualify_for_ecmp(s)) {
            let mut fst = first.st.lock();
            if fst.group == 0 {
                fst.group = *next_group;
                fst.group_seq = 0;
                *next_group += 1;
            }
            let g = fst.group;
            drop(fst);
            let max_seq =
                node.iter().filter(|s| s.st.lock().group == g).map(|s| s.st.lock().group_seq).max().unwrap_or(0);
            let mut st = rt.st.lock();
            st.group = g;
            st.group_seq = max_seq + 1;
        }
    }
    if !replace || !found {
        if replace && !add {
            return Err(Errno::ENOENT);
        }
        nlflags |= NLM_F_CREATE;
        node.insert(ins, Arc::clone(rt));
        rt.st.lock().in_tree = true;
        if !info.skip_notify {
            let sibs = rt6_siblings(node, rt);
            inet6_rt_notify(net, RTM_NEWROUTE, rt, &sibs, info, nlflags);
        }
        return Ok(());
    }
    // Replace node[ins].
    let old = std::mem::replace(&mut node[ins], Arc::clone(rt));
    rt.st.lock().in_tree = true;
    if !info.skip_notify {
        inet6_rt_notify(net, RTM_NEWROUTE, rt, &[], info, NLM_F_REPLACE);
    }
    let old_group = old.st.lock().group;
    let had_siblings = old_group != 0 && node.iter().any(|s| !Arc::ptr_eq(s, &old) && s.st.lock().group == old_group);
    old.st.lock().in_tree = false;
    unlink_sibling(&old);
    if had_siblings {
        // Replacing an ECMP route removes all its siblings.
        let mut i = ins + 1;
        while i < node.len() {
            if node[i].fib6_metric > rt.fib6_metric {
                break;
            }
            if rt6_qualify_for_ecmp(&node[i]) {
                let gone = node.remove(i);
                gone.st.lock().in_tree = false;
                unlink_sibling(&gone);
            } else {
                i += 1;
            }
        }
    }
    Ok(())
}

/// `fib6_del` → `fib6_del_route`: unlinks `rt` (and from its siblings) and
/// announces RTM_DELROUTE (flags 0) unless `skip_notify`.
fn fib6_del(net: &Net, tables: &mut Fib6Tables, rt: &Arc<Fib6Info>, info: &NlInfo) -> Result<(), Errno> {
    let key = rt.key();
    let Some(table) = tables.fib6_get_table_mut(rt.fib6_table) else {
        return Err(Errno::ENOENT);
    };
    let Some(node) = table.nodes.get_mut(&key) else {
        return Err(Errno::ENOENT);
    };
    let Some(pos) = node.iter().position(|r| Arc::ptr_eq(r, rt)) else {
        return Err(Errno::ENOENT);
    };
    node.remove(pos);
    {
        let mut st = rt.st.lock();
        st.in_tree = false;
    }
    unlink_sibling(rt);
    if node.is_empty() {
        table.nodes.remove(&key);
    }
    if !info.skip_notify {
        inet6_rt_notify(net, RTM_DELROUTE, rt, &[], info, 0);
    }
    Ok(())
}

/// `__ip6_ins_rt`.
fn __ip6_ins_rt(
    net: &Arc<Net>,
    tables: &mut Fib6Tables,
    rt: &Arc<Fib6Info>,
    info: &NlInfo,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    fib6_add(net, tables, rt, info, extack)
}

/// `ip6_route_add`: validate, make, insert.
pub fn ip6_route_add(net: &Arc<Net>, cfg: &Fib6Config) -> Result<(), Errno> {
    let mut extack = ExtAck::default();
    ip6_route_add_ext(net, cfg, &Fib6ConfigExtra::default(), &mut extack)
}

fn ip6_route_add_ext(
    net: &Arc<Net>,
    cfg: &Fib6Config,
    extra: &Fib6ConfigExtra,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    let _s = debug_span!("ip6_route_add", table = cfg.fc_table, dst_len = cfg.fc_dst_len).entered();
    fib6_config_validate(cfg, extra, extack)?;
    let f = fib6_net(net);
    let mut tables = f.tables.lock();
    let mut cfg = cfg.clone();
    let rt = ip6_route_info_create(net, &mut tables, &mut cfg, extra, extack)?;
    __ip6_ins_rt(net, &mut tables, &rt, &cfg.fc_nlinfo, extack)
}

/// `ip6_route_multipath_add`: one route per nexthop, inserted one by one
/// without notifications, then one RTM_NEWROUTE with all of them (flags
/// CREATE, or REPLACE; APPEND added when asked: probe "multipath add",
/// "multipath append", "multipath replace").
fn ip6_route_multipath_add(
    net: &Arc<Net>,
    cfg: &Fib6Config,
    extra: &Fib6ConfigExtra,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    fib6_config_validate(cfg, extra, extack)?;
    let nlf = cfg.fc_nlinfo.nlh_flags;
    let replace = nlf.is_some_and(|f| f & NLM_F_REPLACE != 0);
    let mut nlflags = if replace { NLM_F_REPLACE } else { NLM_F_CREATE };
    if nlf.is_some_and(|f| f & NLM_F_APPEND != 0) {
        nlflags |= NLM_F_APPEND;
    }
    let f = fib6_net(net);
    let mut tables = f.tables.lock();
    let mp = extra.mp.clone().unwrap_or_default();
    let mut list: Vec<(Arc<Fib6Info>, Fib6Config)> = Vec::new();
    for (rtnh_flags, hops, ifindex, attrs) in rtnh_iter(&mp) {
        let mut r_cfg = cfg.clone();
        if ifindex != 0 {
            r_cfg.fc_ifindex = ifindex;
        }
        if let Some(gw) = nla_find(attrs, RTA_GATEWAY) {
            r_cfg.fc_gateway = in6(&gw);
            r_cfg.fc_flags |= RTF_GATEWAY;
        }
        r_cfg.fc_flags |= u32::from(rtnh_flags & RTNH_F_ONLINK);
        let r_extra = Fib6ConfigExtra { weight: u32::from(hops) + 1, ..extra.clone() };
        let rt = ip6_route_info_create(net, &mut tables, &mut r_cfg, &r_extra, extack)?;
        // ip6_route_info_append: a repeated nexthop is EEXIST.
        if list.iter().any(|(o, _)| rt6_duplicate_nexthop(o, &rt)) {
            return Err(Errno::EEXIST);
        }
        list.push((rt, r_cfg));
    }
    let mut info = cfg.fc_nlinfo;
    info.skip_notify = true;
    let mut rt_notif: Option<Arc<Fib6Info>> = None;
    let mut rt_last: Option<Arc<Fib6Info>> = None;
    let mut failed = None;
    for (i, (rt, _)) in list.iter().enumerate() {
        if let Err(e) = __ip6_ins_rt(net, &mut tables, rt, &info, extack) {
            if replace && i > 0 {
                extack.set_msg("ipv6: multipath route replace failed (check consistency of installed routes)");
            }
            failed = Some((i, e));
            break;
        }
        rt_last = Some(Arc::clone(rt));
        rt_notif.get_or_insert_with(|| Arc::clone(rt));
        // After the first nexthop the rest are added to it.
        if let Some(fl) = info.nlh_flags.as_mut() {
            *fl &= !(NLM_F_EXCL | NLM_F_REPLACE);
            *fl |= NLM_F_CREATE;
        }
    }
    if let Some(first) = rt_notif.as_ref() {
        ip6_route_mpath_notify(net, &tables, first, rt_last.as_ref(), &cfg.fc_nlinfo, nlflags);
    }
    if let Some((n, e)) = failed {
        for (_, r_cfg) in list.iter().take(n) {
            let mut r_cfg = r_cfg.clone();
            r_cfg.fc_nlinfo.skip_notify = false;
            let _ = ip6_route_del_locked(net, &mut tables, &r_cfg, false, &mut ExtAck::default());
        }
        return Err(e);
    }
    Ok(())
}

/// `ip6_route_mpath_notify`: for an append, the ring from its first member.
fn ip6_route_mpath_notify(
    net: &Net,
    tables: &Fib6Tables,
    rt: &Arc<Fib6Info>,
    rt_last: Option<&Arc<Fib6Info>>,
    info: &NlInfo,
    nlflags: u16,
) {
    let node_of = |r: &Arc<Fib6Info>| {
        tables.fib6_get_table(r.fib6_table).and_then(|t| t.nodes.get(&r.key())).cloned().unwrap_or_default()
    };
    let mut rt = Arc::clone(rt);
    if nlflags & NLM_F_APPEND != 0 {
        if let Some(last) = rt_last {
            let node = node_of(last);
            if let Some(first) = rt6_siblings(&node, last).first() {
                rt = Arc::clone(first);
            }
        }
    }
    if !rt.st.lock().in_tree {
        return;
    }
    let node = node_of(&rt);
    let sibs = rt6_siblings(&node, &rt);
    inet6_rt_notify(net, RTM_NEWROUTE, &rt, &sibs, info, nlflags);
}

/// `__ip6_del_rt_siblings`: a multipath route goes whole, announced once
/// with all its nexthops (probe: "del whole 2001:db8:23::/64").
fn __ip6_del_rt_siblings(
    net: &Net,
    tables: &mut Fib6Tables,
    rt: &Arc<Fib6Info>,
    cfg: &Fib6Config,
    delete_all_nh: bool,
) -> Result<(), Errno> {
    let mut info = cfg.fc_nlinfo;
    let node = tables.fib6_get_table(rt.fib6_table).and_then(|t| t.nodes.get(&rt.key())).cloned().unwrap_or_default();
    let sibs = rt6_siblings(&node, rt);
    let mut skb = None;
    if !sibs.is_empty() && delete_all_nh {
        let mut s = nlmsg_new(rt6_nlmsg_size(sibs.len()));
        let seq = if info.nlh_flags.is_some() { info.seq } else { 0 };
        let now = jiffies(&net.globals);
        if rt6_fill_node(&mut s, rt, &sibs, None, None, None, 0, RTM_DELROUTE, info.portid, seq, 0, now).is_ok() {
            skb = Some(s);
            info.skip_notify = true;
        }
        for s in &sibs {
            fib6_del(net, tables, s, &info)?;
        }
    }
    let r = fib6_del(net, tables, rt, &info);
    if let Some(s) = skb {
        rtnl_notify(s, net, info.portid, RTNLGRP_IPV6_ROUTE, info.nlh_flags);
    }
    r
}

/// `ip6_route_del`: the first route of the exact node that matches the
/// metric, protocol, device and gateway given (probe: ESRCH otherwise, and
/// "FIB table does not exist" for a missing table).
fn ip6_route_del_locked(
    net: &Net,
    tables: &mut Fib6Tables,
    cfg: &Fib6Config,
    delete_all_nh: bool,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    let Some(table) = tables.fib6_get_table(cfg.fc_table) else {
        extack.set_msg("FIB table does not exist");
        return Err(Errno::ESRCH);
    };
    if cfg.fc_flags & RTF_CACHE != 0 {
        // RTM_F_CLONED: a cached (exception) route under the longest
        // matching node, which at worst is the root; there are none, so
        // nothing is deleted and the answer is 0 (p_route6_extra "DEL
        // RTM_F_CLONED missing").
        return Ok(());
    }
    let key = Fib6Key::new(&cfg.fc_dst, cfg.fc_dst_len, &cfg.fc_src, cfg.fc_src_len);
    let Some(routes) = fib6_locate(table, &key).cloned() else {
        return Err(Errno::ESRCH);
    };
    for rt in routes {
        if cfg.fc_metric != 0 && cfg.fc_metric != rt.fib6_metric {
            continue;
        }
        if cfg.fc_protocol != 0 && cfg.fc_protocol != rt.fib6_protocol {
            continue;
        }
        if cfg.fc_ifindex != 0 && rt.ifindex != cfg.fc_ifindex {
            continue;
        }
        if cfg.fc_flags & RTF_GATEWAY != 0 && rt.fib_nh_gw6 != Some(cfg.fc_gateway) {
            continue;
        }
        if cfg.fc_flags & RTF_GATEWAY != 0 {
            return fib6_del(net, tables, &rt, &cfg.fc_nlinfo);
        }
        return __ip6_del_rt_siblings(net, tables, &rt, cfg, delete_all_nh);
    }
    Err(Errno::ESRCH)
}

fn ip6_route_del(net: &Arc<Net>, cfg: &Fib6Config, delete_all_nh: bool, extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("ip6_route_del", table = cfg.fc_table, dst_len = cfg.fc_dst_len).entered();
    let f = fib6_net(net);
    let mut tables = f.tables.lock();
    ip6_route_del_locked(net, &mut tables, cfg, delete_all_nh, extack)
}

/// `ip6_route_multipath_del`: each nexthop on its own; the last error wins.
fn ip6_route_multipath_del(net: &Arc<Net>, cfg: &Fib6Config, mp: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let mut last = Ok(());
    for (_, _, ifindex, attrs) in rtnh_iter(mp) {
        let mut r_cfg = cfg.clone();
        if ifindex != 0 {
            r_cfg.fc_ifindex = ifindex;
        }
        if let Some(gw) = nla_find(attrs, RTA_GATEWAY) {
            r_cfg.fc_gateway = in6(&gw);
            r_cfg.fc_flags |= RTF_GATEWAY;
        }
        if let Err(e) = ip6_route_del(net, &r_cfg, false, extack) {
            last = Err(e);
        }
    }
    last
}

/// `inet6_rtm_newroute`: metric 1024 unless given (probe).
pub fn inet6_rtm_newroute(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("inet6_rtm_newroute").entered();
    let (mut cfg, extra) = rtm_to_fib6_config(skb, msg, extack)?;
    if cfg.fc_metric == 0 {
        cfg.fc_metric = IP6_RT_PRIO_USER;
    }
    if extra.mp.is_some() {
        ip6_route_multipath_add(skb.net(), &cfg, &extra, extack)
    } else {
        ip6_route_add_ext(skb.net(), &cfg, &extra, extack)
    }
}

/// `inet6_rtm_delroute`.
pub fn inet6_rtm_delroute(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("inet6_rtm_delroute").entered();
    let (cfg, extra) = rtm_to_fib6_config(skb, msg, extack)?;
    if extra.nh_id != 0 {
        extack.set_msg("Nexthop id does not exist");
        return Err(Errno::EINVAL);
    }
    match &extra.mp {
        Some(mp) => ip6_route_multipath_del(skb.net(), &cfg, mp, extack),
        None => ip6_route_del(skb.net(), &cfg, true, extack),
    }
}

// ---------------------------------------------------------------------------
// RTM_GETROUTE doit.

/// `inet6_rtm_valid_getroute_req`.
fn inet6_rtm_valid_getroute_req<'a>(
    skb: &NetlinkRcvSkb<'_>,
    msg: &'a [u8],
    extack: &mut ExtAck,
) -> Result<nlwire::policy::Tb<'a, RTA_N>, Errno> {
    if NlMsgHdr::new_unchecked(msg).payload_len() < 12 {
        extack.set_msg("ipv6: Invalid header for get route request");
        return Err(Errno::EINVAL);
    }
    if !skb.sk.strict_check() {
        return nlmsg_parse_deprecated::<RTA_N>(msg, 12, Some(&RTM_IPV6_POLICY), extack);
    }
    let rtm = rtmsg(msg);
    if (rtm.src_len != 0 && rtm.src_len != 128)
        || (rtm.dst_len != 0 && rtm.dst_len != 128)
        || rtm.table != 0
        || rtm.protocol != 0
        || rtm.scope != 0
        || rtm.ty != 0
    {
        extack.set_msg("ipv6: Invalid values in header for get route request");
        return Err(Errno::EINVAL);
    }
    if rtm.flags & !RTM_F_FIB_MATCH != 0 {
        extack.set_msg("ipv6: Invalid flags for get route request");
        return Err(Errno::EINVAL);
    }
    let tb = nlmsg_parse_deprecated_strict::<RTA_N>(msg, 12, Some(&RTM_IPV6_POLICY), extack)?;
    if (tb.has(RTA_SRC) && rtm.src_len == 0) || (tb.has(RTA_DST) && rtm.dst_len == 0) {
        extack.set_msg("ipv6: rtm_src_len and rtm_dst_len must be 128 for IPv6");
        return Err(Errno::EINVAL);
    }
    if let Some(fl) = tb.get(RTA_FLOWLABEL) {
        if fl.get_be32() & !0x000f_ffff != 0 {
            extack.set_msg_attr(fl.bytes(), "Invalid flow label");
            return Err(Errno::EINVAL);
        }
    }
    for i in 0..RTA_N as u16 {
        if tb.has(i)
            && !matches!(
                i,
                RTA_SRC
                    | RTA_DST
                    | RTA_IIF
                    | RTA_OIF
                    | RTA_MARK
                    | RTA_UID
                    | RTA_SPORT
                    | RTA_DPORT
                    | RTA_IP_PROTO
                    | RTA_FLOWLABEL
            )
        {
            extack.set_msg("ipv6: Unsupported attribute in get route request");
            return Err(Errno::EINVAL);
        }
    }
    Ok(tb)
}

/// `inet6_rtm_getroute`: a real lookup (`ip6_route_output` over the local
/// then the main table), answered with the destination as a /128, the
/// source as a /128 (CONFIG_IPV6_SUBTREES), the device the packet would
/// leave by (the loopback for local routes) and the per-cpu dst's cache
/// info; RTM_F_FIB_MATCH answers with the route itself. No route is
/// ENETUNREACH.
pub fn inet6_rtm_getroute(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("inet6_rtm_getroute").entered();
    let net = skb.net();
    let tb = inet6_rtm_valid_getroute_req(skb, msg, extack)?;
    let rtm = rtmsg(msg);
    let fibmatch = rtm.flags & RTM_F_FIB_MATCH != 0;
    let mut saddr = Ipv6Addr::UNSPECIFIED;
    let mut daddr = Ipv6Addr::UNSPECIFIED;
    if let Some(s) = tb.get(RTA_SRC) {
        if s.payload().len() < 16 {
            return Err(Errno::EINVAL);
        }
        saddr = in6(&s);
    }
    if let Some(d) = tb.get(RTA_DST) {
        if d.payload().len() < 16 {
            return Err(Errno::EINVAL);
        }
        daddr = in6(&d);
    }
    let iif = tb.get(RTA_IIF).map_or(0, |a| a.get_u32() as i32);
    let oif = tb.get(RTA_OIF).map_or(0, |a| a.get_u32() as i32);
    if iif != 0 && dev_get_by_index(net, iif).is_none() {
        return Err(Errno::ENODEV);
    }
    let f = fib6_net(net);
    let tables = f.tables.lock();
    let now = jiffies(&net.globals);
    // ip6_route_output_flags: an oif with no source address is strict,
    // and so are multicast and link-local destinations.
    let o = daddr.octets();
    let need_strict = o[0] == 0xff || (o[0] == 0xfe && o[1] & 0xc0 == 0x80);
    let strict = if (oif != 0 && saddr.is_unspecified()) || need_strict { RT6_LOOKUP_F_IFACE } else { 0 };
    let res = fib6_rule_lookup(&tables, if iif != 0 { 0 } else { oif }, &daddr, &saddr, strict, now)?;
    let rt = res.f6i;
    let node = tables.fib6_get_table(rt.fib6_table).and_then(|t| t.nodes.get(&rt.key())).cloned().unwrap_or_default();
    let mut out = alloc_skb(nlwire::skb::NLMSG_GOODSIZE);
    let seq = NlMsgHdr::new_unchecked(msg).nlmsg_seq();
    let portid = skb.cb.portid;
    if fibmatch {
        let sibs = rt6_siblings(&node, &rt);
        rt6_fill_node(&mut out, &rt, &sibs, None, None, None, iif, RTM_NEWROUTE, portid, seq, 0, now)?;
    } else {
        let lastuse = *rt.st.lock().pcpu_lastuse.get_or_insert(now);
        let ifindex = if rt.flags() & (RTF_LOCAL | RTF_ANYCAST) != 0 {
            net.loopback_dev.read().as_ref().map_or(rt.ifindex, |lo| lo.ifindex())
        } else {
            rt.ifindex
        };
        let dst = Rt6Dst { ifindex, gateway: rt.fib_nh_gw6, lastuse };
        rt6_fill_node(
            &mut out,
            &rt,
            &[],
            Some(&dst),
            Some(daddr),
            Some(saddr),
            iif,
            RTM_NEWROUTE,
            portid,
            seq,
            0,
            now,
        )?;
    }
    drop(tables);
    rtnl_unicast(out, net, portid)
}

// ---------------------------------------------------------------------------
// RTM_GETROUTE dump (ip6_fib.c: inet6_dump_fib, fib6_dump_table).

/// `struct fib_dump_filter`.
#[derive(Debug, Clone, Default)]
struct FibDumpFilter {
    table_id: u32,
    protocol: u8,
    rt_type: u8,
    flags: u32,
    dev: Option<i32>,
    filter_set: bool,
    dump_routes: bool,
    dump_exceptions: bool,
}

/// `ip_valid_fib_dump_req` (net/ipv4/fib_frontend.c, shared by IPv6).
/// LEAD: the IPv4 helper may carry its own copy; one should go.
fn ip_valid_fib_dump_req(
    net: &Net,
    nlh: &[u8],
    filter: &mut FibDumpFilter,
    cb: &mut NetlinkCallback,
) -> Result<(), Errno> {
    if NlMsgHdr::new_unchecked(nlh).payload_len() < 12 {
        cb.extack.set_msg("Invalid header for FIB dump request");
        return Err(Errno::EINVAL);
    }
    let rtm = rtmsg(nlh);
    if rtm.dst_len != 0 || rtm.src_len != 0 || rtm.tos != 0 || rtm.scope != 0 {
        cb.extack.set_msg("Invalid values in header for FIB dump request");
        return Err(Errno::EINVAL);
    }
    if rtm.flags & !(RTM_F_CLONED | RTM_F_PREFIX) != 0 {
        cb.extack.set_msg("Invalid flags for FIB dump request");
        return Err(Errno::EINVAL);
    }
    if rtm.flags & RTM_F_CLONED != 0 {
        filter.dump_routes = false;
    } else {
        filter.dump_exceptions = false;
    }
    filter.flags = rtm.flags;
    filter.protocol = rtm.protocol;
    filter.rt_type = rtm.ty;
    filter.table_id = u32::from(rtm.table);
    let tb = nlmsg_parse_deprecated_strict::<RTA_N>(nlh, 12, Some(&RTM_IPV6_POLICY), &mut cb.extack)?;
    for i in 0..RTA_N as u16 {
        let Some(a) = tb.get(i) else { continue };
        match i {
            RTA_TABLE => filter.table_id = a.get_u32(),
            RTA_OIF => {
                let ifindex = a.get_u32() as i32;
                if dev_get_by_index(net, ifindex).is_none() {
                    return Err(Errno::ENODEV);
                }
                filter.dev = Some(ifindex);
            }
            _ => {
                cb.extack.set_msg("Unsupported attribute in dump request");
                return Err(Errno::EINVAL);
            }
        }
    }
    if filter.flags != 0 || filter.protocol != 0 || filter.rt_type != 0 || filter.table_id != 0 || filter.dev.is_some()
    {
        filter.filter_set = true;
        cb.answer_flags = NLM_F_DUMP_FILTERED;
    }
    Ok(())
}

/// `struct fib6_walker` as a dump keeps it between chunks (`cb->args[2..5]`).
#[derive(Debug, Default)]
struct Fib6DumpWalker {
    /// `cb->args[4]`: a table walk is suspended.
    active: bool,
    /// `cb->args[5]`: the root's sernum when it was suspended.
    sernum: u32,
    /// `w->count`: nodes finished.
    count: usize,
    /// `w->node` / `w->leaf`: where it stopped.
    node: Option<Fib6Key>,
    leaf: Option<Arc<Fib6Info>>,
}

/// `fib6_info_uses_dev`.
fn fib6_info_uses_dev(rt: &Fib6Info, sibs: &[Arc<Fib6Info>], dev: i32) -> bool {
    rt.ifindex == dev || sibs.iter().any(|s| s.ifindex == dev)
}

/// `rt6_dump_route`: -1 when done with the route (dumped or filtered out),
/// 0 when the chunk is full.
fn rt6_dump_route(
    skb: &mut SkBuff,
    rt: &Fib6Info,
    sibs: &[Arc<Fib6Info>],
    filter: &FibDumpFilter,
    portid: u32,
    seq: u32,
    now: u64,
) -> i32 {
    if filter.flags & RTM_F_PREFIX != 0 && rt.fib6_flags & RTF_PREFIX_RT == 0 {
        return -1;
    }
    if filter.filter_set
        && ((filter.rt_type != 0 && rt.fib6_type != filter.rt_type)
            || filter.dev.is_some_and(|d| !fib6_info_uses_dev(rt, sibs, d))
            || (filter.protocol != 0 && rt.fib6_protocol != filter.protocol))
    {
        return -1;
    }
    let mut flags = NLM_F_MULTI;
    if filter.filter_set || !filter.dump_routes || !filter.dump_exceptions {
        flags |= NLM_F_DUMP_FILTERED;
    }
    if filter.dump_routes
        && rt6_fill_node(skb, rt, sibs, None, None, None, 0, RTM_NEWROUTE, portid, seq, flags, now).is_err()
    {
        return 0;
    }
    -1
}

/// `fib6_dump_table`: walks one table from where the walker stopped (or
/// from the root, skipping the nodes already done, if the table changed
/// since: `fn_sernum`). 1 = suspended, 0 = done.
#[allow(clippy::too_many_arguments)]
fn fib6_dump_table(
    table: &Fib6Table,
    skb: &mut SkBuff,
    w: &mut Fib6DumpWalker,
    filter: &FibDumpFilter,
    portid: u32,
    seq: u32,
    now: u64,
) -> i32 {
    let (start_key, mut skip, mut leaf) = if !w.active {
        w.count = 0;
        (None, 0, None)
    } else if w.sernum != table.fn_sernum {
        w.sernum = table.fn_sernum;
        (None, w.count, None)
    } else {
        (w.node, 0, w.leaf.clone())
    };
    let iter: Box<dyn Iterator<Item = (&Fib6Key, &Vec<Arc<Fib6Info>>)>> = match start_key {
        Some(k) => Box::new(table.nodes.range(k..)),
        None => Box::new(table.nodes.iter()),
    };
    for (key, routes) in iter {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let mut i = leaf
            .take()
            .filter(|_| Some(*key) == start_key)
            .and_then(|l| routes.iter().position(|r| Arc::ptr_eq(r, &l)))
            .unwrap_or(0);
        while i < routes.len() {
            let rt = &routes[i];
            let sibs = rt6_siblings(routes, rt);
            if rt6_dump_route(skb, rt, &sibs, filter, portid, seq, now) >= 0 {
                w.node = Some(*key);
                w.leaf = Some(Arc::clone(rt));
                if !w.active {
                    w.active = true;
                    w.sernum = table.fn_sernum;
                }
                return 1;
            }
            // A multipath route went out whole: go on after its last sibling.
            if let Some(last) = sibs.last() {
                if let Some(p) = routes.iter().position(|r| Arc::ptr_eq(r, last)) {
                    i = i.max(p);
                }
            }
            i += 1;
        }
        w.count += 1;
    }
    w.active = false;
    w.node = None;
    w.leaf = None;
    0
}

/// `inet6_dump_fib`: every table in `fib_table_hash` order (or one, with a
/// strict-checked table filter), resumable across chunks; `cb->args[0]` is
/// the bucket, `[1]` the entry in it, `[2]` marks a live walker (kept in
/// `cb->ctx`). It returns the chunk's length even when finished, so
/// NLMSG_DONE always comes alone (probe: the 20-byte DONE datagrams).
pub fn inet6_dump_fib(skb: &mut SkBuff, cb: &mut NetlinkCallback) -> Result<usize, Errno> {
    let _s = debug_span!("inet6_dump_fib").entered();
    let net = Arc::clone(&cb.net);
    let nlh = cb.nlh.clone();
    let mut filter = FibDumpFilter { dump_routes: true, dump_exceptions: true, ..Default::default() };
    if cb.strict_check {
        ip_valid_fib_dump_req(&net, &nlh, &mut filter, cb)?;
    } else if NlMsgHdr::new_unchecked(&nlh[..]).payload_len() >= 12 && rtmsg(&nlh).flags & RTM_F_PREFIX != 0 {
        filter.flags = RTM_F_PREFIX;
    }
    let mut w = if cb.args[2] != 0 {
        cb.ctx.take().and_then(|c| c.downcast::<Fib6DumpWalker>().ok()).map(|b| *b).unwrap_or_default()
    } else {
        cb.args[2] = 1;
        Fib6DumpWalker::default()
    };
    let portid = cb.portid;
    let seq = NlMsgHdr::new_unchecked(&nlh[..]).nlmsg_seq();
    let f = fib6_net(&net);
    let tables = f.tables.lock();
    let now = jiffies(&net.globals);
    if filter.table_id != 0 {
        match tables.fib6_get_table(filter.table_id) {
            None => {
                if nlh.get(16).copied() == Some(AF_INET6) {
                    cb.extack.set_msg("ipv6: FIB table does not exist");
                    cb.args[2] = 0;
                    return Err(Errno::ENOENT);
                }
            }
            Some(tb) => {
                if cb.args[0] == 0 && fib6_dump_table(tb, skb, &mut w, &filter, portid, seq, now) == 0 {
                    cb.args[0] = 1;
                }
            }
        }
    } else {
        let s_h = cb.args[0] as usize;
        let mut s_e = cb.args[1] as usize;
        let mut h = s_h;
        let mut e = 0;
        'out: while h < FIB6_TABLE_HASHSZ {
            e = 0;
            for id in &tables.hash[h] {
                if e >= s_e {
                    if let Some(tb) = tables.tables.get(id) {
                        if fib6_dump_table(tb, skb, &mut w, &filter, portid, seq, now) != 0 {
                            break 'out;
                        }
                    }
                }
                e += 1;
            }
            h += 1;
            s_e = 0;
        }
        cb.args[1] = e as i64;
        cb.args[0] = h as i64;
    }
    let len = skb.len();
    if len == 0 {
        // fib6_dump_end.
        cb.args[2] = 0;
        cb.args[1] = 3;
    } else {
        cb.ctx = Some(Box::new(w));
    }
    Ok(len)
}

// ---------------------------------------------------------------------------
// Devices going down, losing carrier, coming back (route.c: fib6_ifdown,
// rt6_sync_down_dev, rt6_sync_up; ip6_fib.c: fib6_clean_all).

/// What `fib6_ifdown` decides for one route.
enum Clean {
    Keep,
    Delete,
    SkipSiblings,
}

/// `fib6_clean_all`: visits every route in walk order and deletes those
/// `func` marks (each announced with RTM_DELROUTE, pid 0, seq 0: probe "v0
/// down", "delete d0").
fn fib6_clean_all(net: &Net, tables: &mut Fib6Tables, mut func: impl FnMut(&Arc<Fib6Info>, &[Arc<Fib6Info>]) -> Clean) {
    let info = NlInfo::default();
    for id in tables.table_order() {
        let keys: Vec<Fib6Key> = tables.tables.get(&id).map(|t| t.nodes.keys().copied().collect()).unwrap_or_default();
        for key in keys {
            let mut i = 0;
            loop {
                let Some(routes) = tables.tables.get(&id).and_then(|t| t.nodes.get(&key)).cloned() else { break };
                let Some(rt) = routes.get(i).cloned() else { break };
                let sibs = rt6_siblings(&routes, &rt);
                match func(&rt, &sibs) {
                    Clean::Delete => {
                        let _ = fib6_del(net, tables, &rt, &info);
                    }
                    Clean::SkipSiblings => {
                        let last = sibs.last().and_then(|l| routes.iter().position(|r| Arc::ptr_eq(r, l)));
                        i = last.map_or(i, |p| p.max(i)) + 1;
                    }
                    Clean::Keep => i += 1,
                }
            }
        }
    }
}

/// The events `rt6_sync_down_dev` handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rt6DownEvent {
    /// NETDEV_DOWN: routes through the device go (multipath: the nexthop
    /// is marked dead unless all are).
    Down,
    /// NETDEV_UNREGISTER: routes through the device go.
    Unregister,
    /// NETDEV_CHANGE without carrier: RTNH_F_LINKDOWN, silently (probe
    /// "carrier loss": no notification, flag 0x10 in dumps; not on local
    /// routes).
    Change,
}

/// `rt6_sync_down_dev` → `fib6_ifdown`.
pub fn rt6_sync_down_dev(net: &Arc<Net>, dev: &NetDevice, event: Rt6DownEvent) {
    let _s = debug_span!("rt6_sync_down_dev", dev = dev.ifindex(), ?event).entered();
    let ifindex = dev.ifindex();
    let f = fib6_net(net);
    let mut tables = f.tables.lock();
    fib6_clean_all(net, &mut tables, |rt, sibs| match event {
        Rt6DownEvent::Unregister => {
            if rt.ifindex == ifindex {
                Clean::Delete
            } else {
                Clean::Keep
            }
        }
        Rt6DownEvent::Down => {
            if rt.st.lock().should_flush {
                return Clean::Delete;
            }
            if sibs.is_empty() {
                return if rt.ifindex == ifindex { Clean::Delete } else { Clean::Keep };
            }
            if rt.ifindex == ifindex || sibs.iter().any(|s| s.ifindex == ifindex) {
                let dead = std::iter::once(rt)
                    .chain(sibs.iter())
                    .filter(|r| r.ifindex == ifindex || r.st.lock().nh_flags & RTNH_F_DEAD != 0)
                    .count();
                if dead == sibs.len() + 1 {
                    for r in std::iter::once(rt).chain(sibs.iter()) {
                        r.st.lock().should_flush = true;
                    }
                    return Clean::Delete;
                }
                for r in std::iter::once(rt).chain(sibs.iter()) {
                    if r.ifindex == ifindex {
                        r.st.lock().nh_flags |= RTNH_F_DEAD | RTNH_F_LINKDOWN;
                    }
                }
            }
            Clean::SkipSiblings
        }
        Rt6DownEvent::Change => {
            if rt.ifindex == ifindex && rt.fib6_flags & (RTF_LOCAL | RTF_ANYCAST) == 0 {
                rt.st.lock().nh_flags |= RTNH_F_LINKDOWN;
            }
            Clean::Keep
        }
    });
}

/// `rt6_sync_up`: clears `nh_flags` on the device's nexthops (with DEAD and
/// carrier, LINKDOWN too).
pub fn rt6_sync_up(net: &Arc<Net>, dev: &NetDevice, nh_flags: u8) {
    let _s = debug_span!("rt6_sync_up", dev = dev.ifindex(), nh_flags).entered();
    let mut clear = nh_flags;
    if nh_flags & RTNH_F_DEAD != 0 && dev.st.lock().carrier_ok() {
        clear |= RTNH_F_LINKDOWN;
    }
    let ifindex = dev.ifindex();
    let f = fib6_net(net);
    let mut tables = f.tables.lock();
    let mut touched = Vec::new();
    for (id, t) in tables.tables.iter() {
        for rt in t.nodes.values().flatten() {
            if rt.ifindex == ifindex {
                rt.st.lock().nh_flags &= !clear;
                touched.push(*id);
            }
        }
    }
    touched.dedup();
    for id in touched {
        tables.update_sernum_upto_root(id);
    }
}

/// `rt6_disable_ip`: the device went down or away; its routes go
/// (`rt6_sync_down_dev`). Linux also flushes uncached dsts and the
/// neighbour table here (`neigh_ifdown`, not this file's).
pub fn rt6_disable_ip(net: &Arc<Net>, dev: &Arc<NetDevice>, unregister: bool) {
    rt6_sync_down_dev(net, dev, if unregister { Rt6DownEvent::Unregister } else { Rt6DownEvent::Down });
}

/// `rt6_remove_prefsrc`: an address went; routes that named it as their
/// preferred source forget it (unless it is still on the route's device).
pub fn rt6_remove_prefsrc(net: &Arc<Net>, addr: &Ipv6Addr) {
    let f = fib6_net(net);
    let tables = f.tables.lock();
    for t in tables.tables.values() {
        for rt in t.nodes.values().flatten() {
            let mut st = rt.st.lock();
            if st.prefsrc == Some(*addr) && !ipv6_chk_addr(net, addr, rt.fib_nh_dev.as_ref(), false) {
                st.prefsrc = None;
            }
        }
    }
}

/// LEAD: addrconf's `addrconf_notify` makes these calls in Linux
/// (NETDEV_DOWN/UNREGISTER → `addrconf_ifdown` → `rt6_disable_ip`;
/// NETDEV_CHANGE without a ready link → `rt6_sync_down_dev`; a ready link
/// → `rt6_sync_up`). Until addrconf.rs does, this notifier stands in for
/// it; remove it when addrconf calls them (calling both is harmless).
fn addrconf_notify_routes_placeholder(
    event: NetdevEvent,
    dev: &Arc<NetDevice>,
    _info: &NetdevNotifierInfo,
) -> Result<(), Errno> {
    let Some(net) = dev.net() else { return Ok(()) };
    let (up, carrier) = {
        let st = dev.st.lock();
        (st.flags & IFF_UP != 0, st.carrier_ok())
    };
    match event {
        NetdevEvent::Down => rt6_disable_ip(&net, dev, false),
        NetdevEvent::Unregister => rt6_disable_ip(&net, dev, true),
        NetdevEvent::Change if !(up && carrier) => rt6_sync_down_dev(&net, dev, Rt6DownEvent::Change),
        NetdevEvent::Change => rt6_sync_up(&net, dev, RTNH_F_LINKDOWN),
        NetdevEvent::Up if carrier => rt6_sync_up(&net, dev, RTNH_F_DEAD),
        _ => {}
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// What addrconf calls.

/// `addrconf_f6i_alloc`: the local (or anycast) route of an address:
/// table local, type LOCAL (ANYCAST), proto kernel, metric 0, flags
/// RTF_UP|RTF_NONEXTHOP|RTF_LOCAL (RTF_ANYCAST); made even while the
/// device is down (`fc_ignore_dev_down`); not yet inserted.
pub fn addrconf_f6i_alloc(
    net: &Arc<Net>,
    dev: &Arc<NetDevice>,
    addr: &Ipv6Addr,
    anycast: bool,
) -> Result<Arc<Fib6Info>, Errno> {
    let mut cfg = Fib6Config {
        fc_table: RT6_TABLE_LOCAL,
        fc_ifindex: dev.ifindex(),
        fc_flags: RTF_UP | RTF_NONEXTHOP,
        fc_dst: *addr,
        fc_dst_len: 128,
        fc_protocol: RTPROT_KERNEL,
        ..Default::default()
    };
    if anycast {
        cfg.fc_type = RTN_ANYCAST;
        cfg.fc_flags |= RTF_ANYCAST;
    } else {
        cfg.fc_type = RTN_LOCAL;
        cfg.fc_flags |= RTF_LOCAL;
    }
    let extra = Fib6ConfigExtra { ignore_dev_down: true, ..Default::default() };
    let f = fib6_net(net);
    let mut tables = f.tables.lock();
    ip6_route_info_create(net, &mut tables, &mut cfg, &extra, &mut ExtAck::default())
}

/// `ip6_ins_rt`: inserts a route made by `addrconf_f6i_alloc`, and
/// notifies (pid 0, seq 0; CREATE|EXCL, or CREATE when the node already
/// holds a route of that metric).
pub fn ip6_ins_rt(net: &Arc<Net>, rt: &Arc<Fib6Info>) -> Result<(), Errno> {
    let f = fib6_net(net);
    let mut tables = f.tables.lock();
    tables.fib6_new_table(rt.fib6_table);
    __ip6_ins_rt(net, &mut tables, rt, &NlInfo::default(), &mut ExtAck::default())
}

/// `ip6_del_rt`: removes a route, notifying unless `skip_notify`.
pub fn ip6_del_rt(net: &Arc<Net>, rt: &Arc<Fib6Info>, skip_notify: bool) -> Result<(), Errno> {
    let f = fib6_net(net);
    let mut tables = f.tables.lock();
    fib6_del(net, &mut tables, rt, &NlInfo { skip_notify, ..Default::default() })
}

/// `addrconf_get_prefix_route`: the route to `pfx/plen` through `dev` with
/// all of `flags` and none of `noflags` set (RTF_*), in table main.
pub fn addrconf_get_prefix_route(
    net: &Arc<Net>,
    pfx: &Ipv6Addr,
    plen: u8,
    dev: Option<&Arc<NetDevice>>,
    flags: u32,
    noflags: u32,
    no_gw: bool,
) -> Option<Arc<Fib6Info>> {
    let f = fib6_net(net);
    let tables = f.tables.lock();
    let table = tables.fib6_get_table(RT6_TABLE_MAIN)?;
    let routes = fib6_locate(table, &Fib6Key::new(pfx, plen, &Ipv6Addr::UNSPECIFIED, 0))?;
    routes
        .iter()
        .find(|rt| {
            let fl = rt.flags();
            dev.is_none_or(|d| d.ifindex() == rt.ifindex)
                && !(no_gw && rt.fib_nh_gw6.is_some())
                && fl & flags == flags
                && fl & noflags == 0
        })
        .cloned()
}

/// `ip6_route_net_init` / `fib6_net_init`: a namespace's tables.
fn ip6_route_net_init(net: &Arc<Net>) -> Result<(), Errno> {
    fib6_net_init(net);
    Ok(())
}

/// `ip6_route_init` (with `fib6_init`): the per-namespace tables and the
/// PF_INET6 RTM_*ROUTE handlers (the doits unlocked, as 6.18 registers
/// them; the dump registered by `fib6_init` with no flags).
pub(crate) fn ip6_route_init(globals: &Arc<Globals>) {
    let _ = register_pernet_subsys(
        globals,
        PernetOperations { name: "ip6_route", init: Some(ip6_route_net_init), exit: None },
    );
    let h = |msgtype, doit: Option<crate::net::core::rtnetlink::RtnlDoitFn>, dumpit, flags| RtnlMsgHandler {
        protocol: AF_INET6,
        msgtype,
        doit,
        dumpit,
        flags,
    };
    let _ = rtnl_register_many(
        globals,
        &[
            h(RTM_GETROUTE, None, Some(inet6_dump_fib as crate::net::core::rtnetlink::RtnlDumpitFn), 0),
            h(RTM_NEWROUTE, Some(inet6_rtm_newroute), None, RTNL_FLAG_DOIT_UNLOCKED),
            h(RTM_DELROUTE, Some(inet6_rtm_delroute), None, RTNL_FLAG_DOIT_UNLOCKED),
            h(RTM_GETROUTE, Some(inet6_rtm_getroute), None, RTNL_FLAG_DOIT_UNLOCKED),
        ],
    );
    register_netdevice_notifier(globals, addrconf_notify_routes_placeholder);
}
