//! IPv6 routes: net/ipv6/route.c (the tables are in `ip6_fib.rs`).
//!
//! RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE for PF_INET6, the routes
//! addrconf makes for addresses, and what a device going down, losing its
//! carrier or going away does to routes. route.c is one file in Linux;
//! here it is four by concern: this one (`fib6_info`, making and
//! inserting routes, what addrconf calls, init), `netlink.rs` (requests,
//! filling, notifications), `lookup.rs` (lookups and gateway checks) and
//! `sync.rs` (device events). Every fact below was checked on
//! Linux 6.18 with `probes/p_route6.py` (output in
//! `probes/observed/p_route6.txt`, "the probe" below).

use std::net::Ipv6Addr;
use std::sync::Arc;

use parking_lot::Mutex;
use tracing::debug_span;

use crate::kernel::Globals;
use crate::net::core::dev::{dev_get_by_index, NetDevice};
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

use super::ip6_fib::*;

mod lookup;
mod netlink;
mod sync;

pub(crate) use lookup::*;
pub(crate) use netlink::*;
pub use netlink::{inet6_rtm_delroute, inet6_rtm_getroute, inet6_rtm_newroute};
pub use sync::{rt6_disable_ip, rt6_remove_prefsrc, rt6_sync_down_dev, rt6_sync_up, Rt6DownEvent};

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
pub(crate) const RTAX_MAX: usize = 17;
pub(crate) const RTAX_CC_ALGO_IDX: u16 = 16;
/// `USER_HZ` for clock_t.
pub(crate) const USER_HZ: u64 = 100;

/// `jiffies_to_clock_t`.
pub(crate) fn jiffies_to_clock_t(j: u64) -> u64 {
    j * USER_HZ / crate::time::HZ
}
/// `clock_t_to_jiffies`.
pub(crate) fn clock_t_to_jiffies(c: u64) -> u64 {
    c * crate::time::HZ / USER_HZ
}

// ipv6_addr_type() bits.
pub(crate) const IPV6_ADDR_ANY: u32 = 0;
pub(crate) const IPV6_ADDR_UNICAST: u32 = 0x0001;
pub(crate) const IPV6_ADDR_MULTICAST: u32 = 0x0002;
pub(crate) const IPV6_ADDR_LOOPBACK: u32 = 0x0010;
pub(crate) const IPV6_ADDR_LINKLOCAL: u32 = 0x0020;
pub(crate) const IPV6_ADDR_MAPPED: u32 = 0x1000;

/// `ipv6_addr_type` (`__ipv6_addr_type`), the bits route.c looks at.
pub(crate) fn ipv6_addr_type(a: &Ipv6Addr) -> u32 {
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
    pub(crate) fn key(&self) -> Fib6Key {
        Fib6Key::new(&self.fib6_dst, self.fib6_dst_len, &self.fib6_src, self.fib6_src_len)
    }

    /// `fib6_flags` now (RTF_EXPIRES set while an expiry is).
    pub fn flags(&self) -> u32 {
        let e = self.st.lock().expires.is_some();
        (self.fib6_flags & !RTF_EXPIRES) | if e { RTF_EXPIRES } else { 0 }
    }
}

/// `rt6_qualify_for_ecmp`: gateway routes that did not come from RAs.
pub(crate) fn rt6_qualify_for_ecmp(rt: &Fib6Info) -> bool {
    rt.fib6_flags & RTF_ADDRCONF == 0 && rt.fib_nh_gw6.is_some()
}

/// `rt6_duplicate_nexthop`: same device, same gateway.
pub(crate) fn rt6_duplicate_nexthop(a: &Fib6Info, b: &Fib6Info) -> bool {
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
pub(crate) struct Fib6ConfigExtra {
    /// `fc_mp` / `fc_mp_len`: RTA_MULTIPATH's payload.
    pub(crate) mp: Option<Vec<u8>>,
    /// `fc_mx`: RTA_METRICS, parsed.
    pub(crate) mx: Option<[u32; RTAX_MAX]>,
    /// `fc_ignore_dev_down`.
    pub(crate) ignore_dev_down: bool,
    /// `fc_nh_id`.
    pub(crate) nh_id: u32,
    /// `rtnh_hops + 1` of a multipath nexthop (0 = 1).
    pub(crate) weight: u32,
}

/// `ipv6_chk_addr` (addrconf.c), as route.c calls it with the nexthop's device.
pub(crate) fn ipv6_chk_addr(net: &Arc<Net>, addr: &Ipv6Addr, dev: Option<&Arc<NetDevice>>, strict: bool) -> bool {
    crate::net::ipv6::addrconf::ipv6_chk_addr(net, addr, dev.map(|d| d.as_ref()), strict)
}

/// `fib6_config_validate`.
pub(crate) fn fib6_config_validate(
    cfg: &Fib6Config,
    extra: &Fib6ConfigExtra,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
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

/// `fib6_is_reject`: reject types, and routes through the loopback to
/// anything but ::1 that are not local (they would loop).
pub(crate) fn fib6_is_reject(flags: u32, dev: Option<&Arc<NetDevice>>, addr_type: u32) -> bool {
    flags & RTF_REJECT != 0
        || (dev.is_some_and(|d| d.st.lock().flags & IFF_LOOPBACK != 0)
            && addr_type & IPV6_ADDR_LOOPBACK == 0
            && flags & (RTF_ANYCAST | RTF_LOCAL) == 0)
}

/// `DEVCONF_DISABLE_IPV6`.
pub(crate) const DEVCONF_DISABLE_IPV6: usize = 26;

/// `fib6_nh_init`: the nexthop's device, gateway and flags.
pub(crate) fn fib6_nh_init(
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
pub(crate) fn ip6_route_info_create(
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

/// `__ip6_ins_rt`.
pub(crate) fn __ip6_ins_rt(
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

pub(crate) fn ip6_route_add_ext(
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
///
/// Like Linux, it rewrites the request's `nlmsg_flags` after the first
/// nexthop (EXCL and REPLACE off, CREATE on): `nlh_flags_out` gets them, and
/// the ack echoes them (observed: an ADD|EXCL multipath request is acked
/// with flags 0x405).
pub(crate) fn ip6_route_multipath_add(
    net: &Arc<Net>,
    cfg: &Fib6Config,
    extra: &Fib6ConfigExtra,
    extack: &mut ExtAck,
    nlh_flags_out: &mut Option<u16>,
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
            *nlh_flags_out = Some(*fl);
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
pub(crate) fn ip6_route_mpath_notify(
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
pub(crate) fn __ip6_del_rt_siblings(
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
pub(crate) fn ip6_route_del_locked(
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

pub(crate) fn ip6_route_del(
    net: &Arc<Net>,
    cfg: &Fib6Config,
    delete_all_nh: bool,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    let _s = debug_span!("ip6_route_del", table = cfg.fc_table, dst_len = cfg.fc_dst_len).entered();
    let f = fib6_net(net);
    let mut tables = f.tables.lock();
    ip6_route_del_locked(net, &mut tables, cfg, delete_all_nh, extack)
}

/// `ip6_route_multipath_del`: each nexthop on its own; the last error wins.
pub(crate) fn ip6_route_multipath_del(
    net: &Arc<Net>,
    cfg: &Fib6Config,
    mp: &[u8],
    extack: &mut ExtAck,
) -> Result<(), Errno> {
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
pub(crate) fn ip6_route_net_init(net: &Arc<Net>) -> Result<(), Errno> {
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
}
