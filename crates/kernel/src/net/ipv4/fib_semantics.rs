//! What a route is: net/ipv4/fib_semantics.c (with the `fib_lookup.h` and
//! `ip_fib.h` types).
//!
//! A route is a `fib_alias` (key, prefix length, tos, type, table) in a
//! trie leaf pointing at a `fib_info`: protocol, scope, priority, prefsrc,
//! metrics and the nexthops. `fib_create_info` builds and checks a
//! `fib_info` from a request (`fib_check_nh`: a gateway must be reachable
//! through a link or host route, a device must exist and be up);
//! `fib_dump_info` writes one RTM_NEWROUTE/DELROUTE in the kernel's
//! attribute order; `rtmsg_fib` announces on RTNLGRP_IPV4_ROUTE; the
//! `fib_sync_*` functions mark nexthops DEAD or LINKDOWN when their device
//! goes down or loses its carrier, and clear the marks when it comes back.

use std::sync::Arc;

use tracing::debug_span;

use super::fib_frontend::{fib_lookup_flow, inet_addr_type_table, FibState, Flowi4};
use crate::net::core::dev::{dev_get_by_index, NetDevice};
use crate::net::core::net_namespace::Net;
use crate::net::core::rtnetlink::rtnl_notify;
use crate::net::core::skbuff::{nlmsg_new, SkBuff};
use crate::Errno;
use nlwire::nlattr::nla_total_size;
use nlwire::policy::ExtAck;
use nlwire::uapi::if_::{IFF_LOWER_UP, IFF_RUNNING, IFF_UP};
use nlwire::uapi::rtnetlink::*;
use nlwire::uapi::socket::{AF_INET, AF_INET6};
use nlwire::{Nla, NlaIter};

/// `RTAX_MAX`.
pub const RTAX_MAX: usize = 17;
/// `RTAX_FEATURE_MASK` (ECN | SACK | TIMESTAMP | ALLFRAG | TCP_USEC_TS).
const RTAX_FEATURE_MASK: u32 = 0x1f;
/// `TCP_CA_NAME_MAX`.
const TCP_CA_NAME_MAX: usize = 16;
/// `RTNH_COMPARE_MASK`: flags that do not make two nexthops different.
pub const RTNH_COMPARE_MASK: u8 = RTNH_F_DEAD | RTNH_F_LINKDOWN | RTNH_F_OFFLOAD | RTNH_F_TRAP;
/// `KEYLENGTH`.
pub const KEYLENGTH: u8 = 32;

/// `struct fib_prop` / `fib_props[]`: per route type, the error a lookup
/// that ends on it returns and the widest scope it may have.
pub struct FibProp {
    pub error: Option<Errno>,
    pub scope: u8,
}

/// `fib_props[RTN_MAX + 1]`. THROW's -EAGAIN sends the lookup on to the
/// next table.
pub const FIB_PROPS: [FibProp; RTN_MAX as usize + 1] = [
    FibProp { error: None, scope: RT_SCOPE_NOWHERE },  // RTN_UNSPEC
    FibProp { error: None, scope: RT_SCOPE_UNIVERSE }, // RTN_UNICAST
    FibProp { error: None, scope: RT_SCOPE_HOST },     // RTN_LOCAL
    FibProp { error: None, scope: RT_SCOPE_LINK },     // RTN_BROADCAST
    FibProp { error: None, scope: RT_SCOPE_LINK },     // RTN_ANYCAST
    FibProp { error: None, scope: RT_SCOPE_UNIVERSE }, // RTN_MULTICAST
    FibProp { error: Some(Errno::EINVAL), scope: RT_SCOPE_UNIVERSE }, // RTN_BLACKHOLE
    FibProp { error: Some(Errno::EHOSTUNREACH), scope: RT_SCOPE_UNIVERSE }, // RTN_UNREACHABLE
    FibProp { error: Some(Errno::EACCES), scope: RT_SCOPE_UNIVERSE }, // RTN_PROHIBIT
    FibProp { error: Some(Errno::EAGAIN), scope: RT_SCOPE_UNIVERSE }, // RTN_THROW
    FibProp { error: Some(Errno::EINVAL), scope: RT_SCOPE_NOWHERE }, // RTN_NAT
    FibProp { error: Some(Errno::EINVAL), scope: RT_SCOPE_NOWHERE }, // RTN_XRESOLVE
];

/// A nexthop's gateway (`nhc_gw_family` + `nhc_gw`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FibGw {
    V4(u32),
    /// An IPv6 gateway given with RTA_VIA (dumped as RTA_VIA).
    V6([u8; 16]),
}

/// `struct fib_nh` (with its `fib_nh_common`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FibNh {
    /// `fib_nh_oif`.
    pub oif: i32,
    /// `fib_nh_dev->ifindex`, 0 when the nexthop has no device (blackhole…).
    pub dev: i32,
    pub gw: Option<FibGw>,
    /// `fib_nh_flags` (RTNH_F_*).
    pub flags: u8,
    /// `fib_nh_scope`.
    pub scope: u8,
    /// `fib_nh_weight` (rtnh_hops + 1).
    pub weight: u32,
}

/// `struct fib_info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FibInfo {
    pub protocol: u8,
    /// `fib_scope`.
    pub scope: u8,
    /// `fib_flags`: the request's rtm_flags, plus DEAD / LINKDOWN when every nexthop is.
    pub flags: u32,
    pub priority: u32,
    /// `fib_prefsrc` (host order, 0 = none).
    pub prefsrc: u32,
    /// `fib_type`.
    pub ty: u8,
    /// `fib_tb_id`.
    pub tb_id: u32,
    /// `fib_metrics->metrics` (index = RTAX_* − 1).
    pub metrics: [u32; RTAX_MAX],
    pub nhs: Vec<FibNh>,
}

/// `struct nl_info`: who asked, for the notification.
#[derive(Debug, Clone, Default)]
pub struct NlInfo {
    pub portid: u32,
    /// `nlh->nlmsg_seq` and `nlh->nlmsg_flags` when there was a request
    /// (`fib_magic` has none: pid 0, seq 0, never echoed).
    pub nlh: Option<(u32, u16)>,
}

/// `struct fib_config`.
#[derive(Debug, Clone, Default)]
pub struct FibConfig {
    pub dst_len: u8,
    /// `fc_dscp` (the rtm_tos byte).
    pub dscp: u8,
    pub table: u32,
    pub protocol: u8,
    pub scope: u8,
    pub ty: u8,
    pub oif: i32,
    pub gw: Option<FibGw>,
    pub priority: u32,
    pub prefsrc: u32,
    pub dst: u32,
    /// `fc_flags`: rtm_flags.
    pub flags: u32,
    /// `fc_mx`: RTA_METRICS' payload.
    pub mx: Option<Vec<u8>>,
    /// `fc_mp`: RTA_MULTIPATH's payload.
    pub mp: Option<Vec<u8>>,
    pub flow: u32,
    /// `fc_nh_id`: RTA_NH_ID (nexthop objects are not modelled, so none exists).
    pub nh_id: u32,
    /// RTA_ENCAP given, and RTA_ENCAP_TYPE (lightweight tunnels).
    pub encap: bool,
    pub encap_type: u16,
    pub nlflags: u16,
    pub nlinfo: NlInfo,
}

/// `inet_make_mask`.
pub fn inet_make_mask(plen: u8) -> u32 {
    if plen == 0 {
        0
    } else {
        u32::MAX << (32 - plen as u32)
    }
}

/// `ip_fib_metrics_init`: RTA_METRICS' u32 values. CC_ALGO (a congestion
/// control name) is refused here: no TCP is modelled.
fn ip_fib_metrics_init(mx: Option<&[u8]>, extack: &mut ExtAck) -> Result<[u32; RTAX_MAX], Errno> {
    let mut metrics = [0u32; RTAX_MAX];
    let Some(mx) = mx else { return Ok(metrics) };
    for nla in NlaIter::new(mx) {
        let ty = nla.nla_type() as usize;
        if ty == 0 {
            continue;
        }
        if ty > RTAX_MAX || ty == RTAX_CC_ALGO as usize {
            extack.set_msg("Invalid metric");
            return Err(Errno::EINVAL);
        }
        if nla.payload().len() < 4 {
            return Err(Errno::EINVAL);
        }
        let mut val = nla.get_u32();
        if ty == RTAX_HOPLIMIT as usize && val > 255 {
            val = 255;
        }
        if ty == RTAX_FEATURES as usize && val & !RTAX_FEATURE_MASK != 0 {
            extack.set_msg("Unknown flag set in feature mask in metrics attribute");
            return Err(Errno::EINVAL);
        }
        metrics[ty - 1] = val;
    }
    Ok(metrics)
}

/// `fib_gw_from_via`: RTA_VIA is a `struct rtvia` (family, address).
pub fn fib_gw_from_via(nla: &Nla<&[u8]>, extack: &mut ExtAck) -> Result<Option<FibGw>, Errno> {
    let p = nla.payload();
    if p.len() < 2 {
        extack.set_msg("Invalid attribute length for RTA_VIA");
        return Err(Errno::EINVAL);
    }
    let family = u16::from_ne_bytes([p[0], p[1]]);
    let alen = p.len() - 2;
    match family {
        f if f == AF_INET as u16 => {
            if alen != 4 {
                extack.set_msg("Invalid IPv4 address in RTA_VIA");
                return Err(Errno::EINVAL);
            }
            let gw = u32::from_be_bytes([p[2], p[3], p[4], p[5]]);
            Ok((gw != 0).then_some(FibGw::V4(gw)))
        }
        f if f == AF_INET6 as u16 => {
            if alen != 16 {
                extack.set_msg("Invalid IPv6 address in RTA_VIA");
                return Err(Errno::EINVAL);
            }
            let mut a = [0u8; 16];
            a.copy_from_slice(&p[2..18]);
            Ok(Some(FibGw::V6(a)))
        }
        _ => {
            extack.set_msg("Unsupported address family in RTA_VIA");
            Err(Errno::EINVAL)
        }
    }
}

/// One `struct rtnexthop` of RTA_MULTIPATH, with its attributes.
pub struct Rtnh<'a> {
    pub flags: u8,
    pub hops: u8,
    pub ifindex: i32,
    pub attrs: &'a [u8],
}

/// `rtnh_ok` / `rtnh_next` over RTA_MULTIPATH; `None` when one is malformed.
pub fn rtnh_list(mp: &[u8]) -> Option<Vec<Rtnh<'_>>> {
    let mut v = Vec::new();
    let mut rest = mp;
    while !rest.is_empty() {
        if rest.len() < 8 {
            return None;
        }
        let len = u16::from_ne_bytes([rest[0], rest[1]]) as usize;
        if len < 8 || len > rest.len() {
            return None;
        }
        v.push(Rtnh {
            flags: rest[2],
            hops: rest[3],
            ifindex: i32::from_ne_bytes([rest[4], rest[5], rest[6], rest[7]]),
            attrs: &rest[8..len],
        });
        let adv = (len + 3) & !3;
        rest = rest.get(adv..).unwrap_or(&[]);
    }
    Some(v)
}

/// `nla_find`.
fn nla_find(attrs: &[u8], ty: u16) -> Option<Nla<&[u8]>> {
    NlaIter::new(attrs).find(|a| a.nla_type() == ty)
}

/// `fib_count_nexthops`.
fn fib_count_nexthops(mp: &[u8], extack: &mut ExtAck) -> Result<usize, Errno> {
    match rtnh_list(mp) {
        Some(l) if !l.is_empty() => Ok(l.len()),
        _ => {
            extack.set_msg("Invalid nexthop configuration - extra data after nexthops");
            Err(Errno::EINVAL)
        }
    }
}

/// `fib_get_nhs`: one `fib_nh` per rtnexthop; RTA_OIF / RTA_GATEWAY given
/// beside RTA_MULTIPATH must match the nexthops' own.
fn fib_get_nhs(cfg: &FibConfig, mp: &[u8], extack: &mut ExtAck) -> Result<Vec<FibNh>, Errno> {
    let list = rtnh_list(mp).ok_or(Errno::EINVAL)?;
    let mut nhs = Vec::with_capacity(list.len());
    for rtnh in &list {
        let mut gw = None;
        let nla_gw = nla_find(rtnh.attrs, RTA_GATEWAY);
        let nla_via = nla_find(rtnh.attrs, RTA_VIA);
        if nla_gw.is_some() && nla_via.is_some() {
            extack.set_msg("Nexthop configuration can not contain both GATEWAY and VIA");
            return Err(Errno::EINVAL);
        }
        if let Some(a) = nla_gw {
            if a.payload().len() < 4 {
                extack.set_msg("Invalid IPv4 address in RTA_GATEWAY");
                return Err(Errno::EINVAL);
            }
            let g = a.get_be32();
            gw = (g != 0).then_some(FibGw::V4(g));
        } else if let Some(a) = nla_via {
            gw = fib_gw_from_via(&a, extack)?;
        }
        nhs.push(FibNh { oif: rtnh.ifindex, dev: 0, gw, flags: rtnh.flags, scope: 0, weight: rtnh.hops as u32 + 1 });
    }
    if cfg.oif != 0 && nhs[0].oif != cfg.oif {
        extack.set_msg("Nexthop device index does not match RTA_OIF");
        return Err(Errno::EINVAL);
    }
    if let Some(g) = cfg.gw {
        if nhs[0].gw != Some(g) {
            extack.set_msg("Nexthop gateway does not match RTA_GATEWAY or RTA_VIA");
            return Err(Errno::EINVAL);
        }
    }
    Ok(nhs)
}

/// `netif_carrier_ok` and `dev->flags & IFF_UP` of a device.
fn dev_up_carrier(dev: &NetDevice) -> (bool, bool) {
    let st = dev.st.lock();
    (st.flags & IFF_UP != 0, st.carrier_ok())
}

/// `fib_check_nh_v4_gw`: an onlink gateway needs an up device and must be
/// a unicast address there; otherwise the gateway must be reached by a
/// link- or host-scope route (`flowi4_scope = scope + 1`, at least LINK),
/// whose nexthop gives the device and the scope.
fn fib_check_nh_v4_gw(
    net: &Net,
    st: &FibState,
    nh: &mut FibNh,
    gw: u32,
    table: u32,
    scope: u8,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    if nh.flags & RTNH_F_ONLINK != 0 {
        if scope >= RT_SCOPE_LINK {
            extack.set_msg("Nexthop has invalid scope");
            return Err(Errno::EINVAL);
        }
        let Some(dev) = dev_get_by_index(net, nh.oif) else {
            extack.set_msg("Nexthop device required for onlink");
            return Err(Errno::ENODEV);
        };
        let (up, carrier) = dev_up_carrier(&dev);
        if !up {
            extack.set_msg("Nexthop device is not up");
            return Err(Errno::ENETDOWN);
        }
        // inet_addr_type_dev_table: the device's table (main without l3mdev).
        if inet_addr_type_table(st, gw, RT_TABLE_MAIN) != RTN_UNICAST {
            extack.set_msg("Nexthop has invalid gateway");
            return Err(Errno::EINVAL);
        }
        if !carrier {
            nh.flags |= RTNH_F_LINKDOWN;
        }
        nh.dev = dev.ifindex();
        nh.scope = RT_SCOPE_LINK;
        return Ok(());
    }
    let fl4 = Flowi4 { daddr: gw, oif: nh.oif, scope: scope.saturating_add(1).max(RT_SCOPE_LINK), tos: 0 };
    let mut res = None;
    if table != 0 && table != RT_TABLE_MAIN {
        if let Some(t) = st.trie(table) {
            res = t.fib_table_lookup(&fl4, true).ok();
        }
    }
    let res = match res {
        Some(r) => r,
        None => match fib_lookup_flow(st, &fl4, true) {
            Ok(r) => r,
            Err(_) => {
                extack.set_msg("Nexthop has invalid gateway");
                return Err(Errno::ENETUNREACH);
            }
        },
    };
    if res.ty != RTN_UNICAST && res.ty != RTN_LOCAL {
        extack.set_msg("Nexthop has invalid gateway");
        return Err(Errno::EINVAL);
    }
    let rnh = &res.fi.nhs[res.nh_sel];
    nh.scope = res.fi.scope;
    nh.oif = rnh.oif;
    nh.dev = rnh.dev;
    let Some(dev) = (nh.dev != 0).then(|| dev_get_by_index(net, nh.dev)).flatten() else {
        extack.set_msg("No egress device for nexthop gateway");
        return Err(Errno::EINVAL);
    };
    let (up, carrier) = dev_up_carrier(&dev);
    if !carrier {
        nh.flags |= RTNH_F_LINKDOWN;
    }
    if up {
        Ok(())
    } else {
        Err(Errno::ENETDOWN)
    }
}

/// `fib_check_nh_nongw`: a device route: the device must exist (with IPv4
/// state) and be up; its scope is host.
fn fib_check_nh_nongw(net: &Net, nh: &mut FibNh, extack: &mut ExtAck) -> Result<(), Errno> {
    if nh.flags & (RTNH_F_PERVASIVE | RTNH_F_ONLINK) != 0 {
        extack.set_msg("Invalid flags for nexthop - PERVASIVE and ONLINK can not be set");
        return Err(Errno::EINVAL);
    }
    let dev = dev_get_by_index(net, nh.oif).filter(|d| d.ip_ptr.lock().is_some()).ok_or(Errno::ENODEV)?;
    let (up, carrier) = dev_up_carrier(&dev);
    if !up {
        extack.set_msg("Device for nexthop is not up");
        return Err(Errno::ENETDOWN);
    }
    nh.dev = dev.ifindex();
    nh.scope = RT_SCOPE_HOST;
    if !carrier {
        nh.flags |= RTNH_F_LINKDOWN;
    }
    Ok(())
}

/// `fib_check_nh_v6_gw`: an IPv6 gateway (RTA_VIA). IPv6 route lookups
/// are not consulted: the device must be given and up (divergence).
fn fib_check_nh_v6_gw(net: &Net, nh: &mut FibNh, extack: &mut ExtAck) -> Result<(), Errno> {
    let dev = dev_get_by_index(net, nh.oif).ok_or_else(|| {
        extack.set_msg("Nexthop has invalid gateway");
        Errno::ENETUNREACH
    })?;
    let (up, carrier) = dev_up_carrier(&dev);
    if !up {
        return Err(Errno::ENETDOWN);
    }
    nh.dev = dev.ifindex();
    nh.scope = RT_SCOPE_LINK;
    if !carrier {
        nh.flags |= RTNH_F_LINKDOWN;
    }
    Ok(())
}

/// `fib_check_nh`.
pub fn fib_check_nh(
    net: &Net,
    st: &FibState,
    nh: &mut FibNh,
    table: u32,
    scope: u8,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    match nh.gw {
        Some(FibGw::V4(gw)) => fib_check_nh_v4_gw(net, st, nh, gw, table, scope, extack),
        Some(FibGw::V6(_)) => fib_check_nh_v6_gw(net, nh, extack),
        None => fib_check_nh_nongw(net, nh, extack),
    }
}

/// `fib_valid_prefsrc`: a preferred source must be a local address (of the
/// route's table, main meaning local, else of the local table).
fn fib_valid_prefsrc(st: &FibState, cfg: &FibConfig, prefsrc: u32) -> bool {
    if cfg.ty != RTN_LOCAL || cfg.dst == 0 || prefsrc != cfg.dst {
        let mut tb_id = cfg.table;
        if tb_id == RT_TABLE_MAIN {
            tb_id = RT_TABLE_LOCAL;
        }
        let mut rc = inet_addr_type_table(st, prefsrc, tb_id);
        if rc != RTN_LOCAL && tb_id != RT_TABLE_LOCAL {
            rc = inet_addr_type_table(st, prefsrc, RT_TABLE_LOCAL);
        }
        if rc != RTN_LOCAL {
            return false;
        }
    }
    true
}

/// `fib_create_info`: a `fib_info` from a request, checked in the kernel's
/// order (the first failing check gives the errno and message).
pub fn fib_create_info(net: &Net, st: &FibState, cfg: &FibConfig, extack: &mut ExtAck) -> Result<FibInfo, Errno> {
    let _s = debug_span!("fib_create_info", rtn = rtn_name(cfg.ty), scope = cfg.scope).entered();
    if cfg.ty > RTN_MAX {
        return Err(Errno::EINVAL);
    }
    let props = &FIB_PROPS[cfg.ty as usize];
    if props.scope > cfg.scope {
        extack.set_msg("Invalid scope");
        return Err(Errno::EINVAL);
    }
    if cfg.flags & (RTNH_F_DEAD | RTNH_F_LINKDOWN) as u32 != 0 {
        extack.set_msg("Invalid rtm_flags - can not contain DEAD or LINKDOWN");
        return Err(Errno::EINVAL);
    }
    if cfg.nh_id != 0 {
        extack.set_msg("Nexthop id does not exist");
        return Err(Errno::EINVAL);
    }
    if let Some(mp) = &cfg.mp {
        fib_count_nexthops(mp, extack)?;
    }
    let metrics = ip_fib_metrics_init(cfg.mx.as_deref(), extack)?;
    if cfg.encap {
        // lwtunnel_build_state: no type is "unknown"; building a real
        // encapsulation is not modelled (divergence).
        if cfg.encap_type == 0 {
            extack.set_msg("Unknown LWT encapsulation type");
            return Err(Errno::EINVAL);
        }
        extack.set_msg("lwt encapsulation type not supported");
        return Err(Errno::EOPNOTSUPP);
    }
    let mut nhs = match &cfg.mp {
        Some(mp) => fib_get_nhs(cfg, mp, extack)?,
        // fib_nh_init: the request's flags go to the one nexthop.
        None => vec![FibNh { oif: cfg.oif, dev: 0, gw: cfg.gw, flags: cfg.flags as u8, scope: 0, weight: 1 }],
    };
    let mut fi = FibInfo {
        protocol: cfg.protocol,
        scope: cfg.scope,
        flags: cfg.flags,
        priority: cfg.priority,
        prefsrc: cfg.prefsrc,
        ty: cfg.ty,
        tb_id: cfg.table,
        metrics,
        nhs: Vec::new(),
    };
    if props.error.is_some() {
        if cfg.gw.is_some() || cfg.oif != 0 || cfg.mp.is_some() {
            extack.set_msg("Gateway, device and multipath can not be specified for this route type");
            return Err(Errno::EINVAL);
        }
        fi.nhs = nhs;
        return Ok(fi);
    }
    if !matches!(cfg.ty, RTN_UNICAST | RTN_LOCAL | RTN_BROADCAST | RTN_ANYCAST | RTN_MULTICAST) {
        extack.set_msg("Invalid route type");
        return Err(Errno::EINVAL);
    }
    if cfg.scope > RT_SCOPE_HOST {
        extack.set_msg("Invalid scope");
        return Err(Errno::EINVAL);
    }
    if cfg.scope == RT_SCOPE_HOST {
        if nhs.len() != 1 {
            extack.set_msg("Route with host scope can not have multiple nexthops");
            return Err(Errno::EINVAL);
        }
        let nh = &mut nhs[0];
        if nh.gw.is_some() {
            extack.set_msg("Route with host scope can not have a gateway");
            return Err(Errno::EINVAL);
        }
        nh.scope = RT_SCOPE_NOWHERE;
        nh.dev = dev_get_by_index(net, nh.oif).ok_or(Errno::ENODEV)?.ifindex();
    } else {
        let mut linkdown = 0;
        for nh in nhs.iter_mut() {
            fib_check_nh(net, st, nh, cfg.table, cfg.scope, extack)?;
            if nh.flags & RTNH_F_LINKDOWN != 0 {
                linkdown += 1;
            }
        }
        if linkdown == nhs.len() {
            fi.flags |= RTNH_F_LINKDOWN as u32;
        }
    }
    if fi.prefsrc != 0 && !fib_valid_prefsrc(st, cfg, fi.prefsrc) {
        extack.set_msg("Invalid prefsrc address");
        return Err(Errno::EINVAL);
    }
    fi.nhs = nhs;
    Ok(fi)
}

/// `fib_find_info`'s comparison (`nh_comp` for the nexthops): two requests
/// that build equal `fib_info`s share one, which is what makes a route
/// "identical" to `fib_table_insert`.
pub fn fib_info_eq(a: &FibInfo, b: &FibInfo) -> bool {
    let mask = !(RTNH_COMPARE_MASK as u32);
    a.protocol == b.protocol
        && a.scope == b.scope
        && a.prefsrc == b.prefsrc
        && a.priority == b.priority
        && a.ty == b.ty
        && a.tb_id == b.tb_id
        && a.metrics == b.metrics
        && (a.flags ^ b.flags) & mask == 0
        && a.nhs.len() == b.nhs.len()
        && a.nhs.iter().zip(&b.nhs).all(|(x, y)| {
            x.oif == y.oif
                && x.gw == y.gw
                && x.scope == y.scope
                && x.weight == y.weight
                && (x.flags ^ y.flags) & !RTNH_COMPARE_MASK == 0
        })
}

/// `fib_nh_match`: 0 (true) when a DELROUTE's nexthop attributes (if any)
/// describe this route's.
pub fn fib_nh_match(cfg: &FibConfig, fi: &FibInfo, extack: &mut ExtAck) -> bool {
    if cfg.priority != 0 && cfg.priority != fi.priority {
        return false;
    }
    if cfg.oif != 0 || cfg.gw.is_some() {
        let Some(nh) = fi.nhs.first() else { return false };
        if cfg.oif != 0 && cfg.oif != nh.oif {
            return false;
        }
        if let Some(g) = cfg.gw {
            return nh.gw == Some(g);
        }
        return true;
    }
    let Some(mp) = &cfg.mp else { return true };
    let Some(list) = rtnh_list(mp) else { return false };
    for (rtnh, nh) in list.iter().zip(&fi.nhs) {
        if rtnh.ifindex != 0 && rtnh.ifindex != nh.oif {
            return false;
        }
        let nla_gw = nla_find(rtnh.attrs, RTA_GATEWAY);
        let nla_via = nla_find(rtnh.attrs, RTA_VIA);
        if nla_gw.is_some() && nla_via.is_some() {
            extack.set_msg("Nexthop configuration can not contain both GATEWAY and VIA");
            return false;
        }
        if let Some(a) = nla_gw {
            if a.payload().len() < 4 || nh.gw != Some(FibGw::V4(a.get_be32())) {
                return false;
            }
        } else if let Some(a) = nla_via {
            match fib_gw_from_via(&a, extack) {
                Ok(g) if g == nh.gw => {}
                _ => return false,
            }
        }
    }
    true
}

/// `fib_metrics_match`: RTA_METRICS given to DELROUTE must equal the route's.
pub fn fib_metrics_match(cfg: &FibConfig, fi: &FibInfo) -> bool {
    let Some(mx) = &cfg.mx else { return true };
    for nla in NlaIter::new(mx) {
        let ty = nla.nla_type() as usize;
        if ty == 0 || ty > RTAX_MAX || nla.payload().len() < 4 {
            continue;
        }
        if fi.metrics[ty - 1] != nla.get_u32() {
            return false;
        }
    }
    true
}

/// `fib_nlmsg_size`: the room `rtmsg_fib` allocates.
pub fn fib_nlmsg_size(fi: &FibInfo) -> usize {
    let mut payload = nlwire::nlmsg_align(12)
        + nla_total_size(4) * 4
        + nla_total_size(TCP_CA_NAME_MAX)
        + nla_total_size(RTAX_MAX * nla_total_size(4));
    let nhs = fi.nhs.len();
    if nhs > 0 {
        let nhsize = nla_total_size(8) + 2 * nla_total_size(4);
        payload += nla_total_size(nhs * nhsize);
    }
    payload
}

/// `struct fib_rt_info`: what one dumped route consists of.
pub struct FibRtInfo<'a> {
    pub fi: &'a FibInfo,
    pub tb_id: u32,
    /// Host order.
    pub dst: u32,
    pub dst_len: u8,
    pub dscp: u8,
    pub ty: u8,
}

/// `rtnetlink_put_metrics`: RTA_METRICS (unflagged nest) with each set
/// metric; nothing when none is.
pub fn rtnetlink_put_metrics(skb: &mut SkBuff, metrics: &[u32; RTAX_MAX]) -> Result<(), Errno> {
    if metrics.iter().all(|&m| m == 0) {
        return Ok(());
    }
    let nest = skb.nla_nest_start_noflag(RTA_METRICS)?;
    for (i, &m) in metrics.iter().enumerate() {
        if m != 0 {
            skb.nla_put_u32(i as u16 + 1, m)?;
        }
    }
    skb.nla_nest_end(nest);
    Ok(())
}

/// `fib_nexthop_info`: RTA_GATEWAY (or RTA_VIA for an IPv6 gateway) and,
/// unless in a multipath entry, RTA_OIF; returns the flags the nexthop
/// contributes (DEAD, LINKDOWN, ONLINK…).
fn fib_nexthop_info(skb: &mut SkBuff, nh: &FibNh, skip_oif: bool) -> Result<u8, Errno> {
    let mut flags = 0u8;
    if nh.flags & RTNH_F_DEAD != 0 {
        flags |= RTNH_F_DEAD;
    }
    if nh.flags & RTNH_F_LINKDOWN != 0 {
        // ignore_routes_with_linkdown is 0 by default: no DEAD added.
        flags |= RTNH_F_LINKDOWN;
    }
    match nh.gw {
        Some(FibGw::V4(g)) => skb.nla_put_in_addr(RTA_GATEWAY, g.to_be_bytes())?,
        Some(FibGw::V6(a)) => {
            let mut via = [0u8; 18];
            via[..2].copy_from_slice(&(AF_INET6 as u16).to_ne_bytes());
            via[2..].copy_from_slice(&a);
            skb.nla_put(RTA_VIA, &via)?;
        }
        None => {}
    }
    flags |= nh.flags & (RTNH_F_ONLINK | RTNH_F_OFFLOAD | RTNH_F_TRAP);
    if !skip_oif && nh.dev != 0 {
        skb.nla_put_u32(RTA_OIF, nh.dev as u32)?;
    }
    Ok(flags)
}

/// `fib_add_multipath`: RTA_MULTIPATH (unflagged), one `rtnexthop` each
/// with `rtnh_hops = weight − 1` and its own attributes.
fn fib_add_multipath(skb: &mut SkBuff, fi: &FibInfo) -> Result<(), Errno> {
    let mp = skb.nla_nest_start_noflag(RTA_MULTIPATH)?;
    for nh in &fi.nhs {
        let start = skb.len();
        skb.put(8)?;
        let flags = fib_nexthop_info(skb, nh, true)?;
        let len = (skb.len() - start) as u16;
        let b = &mut skb.data_mut()[start..start + 8];
        b[0..2].copy_from_slice(&len.to_ne_bytes());
        b[2] = flags;
        b[3] = (nh.weight.saturating_sub(1)) as u8;
        b[4..8].copy_from_slice(&nh.dev.to_ne_bytes());
    }
    skb.nla_nest_end(mp);
    Ok(())
}

/// `fib_dump_info`: one route message. Attribute order: RTA_TABLE, RTA_DST
/// (if dst_len), RTA_PRIORITY (if set), RTA_METRICS, RTA_PREFSRC, then
/// RTA_GATEWAY/RTA_VIA + RTA_OIF or RTA_MULTIPATH. A single nexthop's flags
/// become rtm_flags; a multipath route shows the fib_info's.
pub fn fib_dump_info(
    skb: &mut SkBuff,
    portid: u32,
    seq: u32,
    event: u16,
    fri: &FibRtInfo<'_>,
    flags: u16,
) -> Result<(), Errno> {
    let fi = fri.fi;
    let Some(nlh) = skb.nlmsg_put(portid, seq, event, 12, flags) else {
        return Err(Errno::EMSGSIZE);
    };
    let r = (|| -> Result<u32, Errno> {
        skb.nla_put_u32(RTA_TABLE, fri.tb_id)?;
        if fri.dst_len != 0 {
            skb.nla_put_in_addr(RTA_DST, fri.dst.to_be_bytes())?;
        }
        if fi.priority != 0 {
            skb.nla_put_u32(RTA_PRIORITY, fi.priority)?;
        }
        rtnetlink_put_metrics(skb, &fi.metrics)?;
        if fi.prefsrc != 0 {
            skb.nla_put_in_addr(RTA_PREFSRC, fi.prefsrc.to_be_bytes())?;
        }
        let mut rtm_flags = fi.flags;
        if fi.nhs.len() == 1 {
            rtm_flags = fib_nexthop_info(skb, &fi.nhs[0], false)? as u32;
        } else if !fi.nhs.is_empty() {
            fib_add_multipath(skb, fi)?;
        }
        Ok(rtm_flags)
    })();
    match r {
        Ok(rtm_flags) => {
            let hdr = skb.nlmsg_data_mut(nlh);
            hdr[0] = AF_INET;
            hdr[1] = fri.dst_len;
            hdr[2] = 0;
            hdr[3] = fri.dscp;
            hdr[4] = if fri.tb_id < 256 { fri.tb_id as u8 } else { RT_TABLE_COMPAT as u8 };
            hdr[5] = fi.protocol;
            hdr[6] = fi.scope;
            hdr[7] = fri.ty;
            hdr[8..12].copy_from_slice(&rtm_flags.to_ne_bytes());
            skb.nlmsg_end(nlh);
            Ok(())
        }
        Err(_) => {
            skb.nlmsg_cancel(nlh);
            Err(Errno::EMSGSIZE)
        }
    }
}

/// `rtmsg_fib`: RTM_NEWROUTE / RTM_DELROUTE to RTNLGRP_IPV4_ROUTE, with
/// the requester's port id and seq (echoed with NLM_F_ECHO).
pub fn rtmsg_fib(net: &Net, event: u16, fri: &FibRtInfo<'_>, info: &NlInfo, nlm_flags: u16) {
    let _s = debug_span!("rtmsg_fib", ty = event, dst = %std::net::Ipv4Addr::from(fri.dst), dst_len = fri.dst_len, tb = fri.tb_id)
        .entered();
    let seq = info.nlh.map_or(0, |(s, _)| s);
    let mut skb = nlmsg_new(fib_nlmsg_size(fri.fi));
    if fib_dump_info(&mut skb, info.portid, seq, event, fri, nlm_flags).is_err() {
        debug_assert!(false, "fib_nlmsg_size too small");
        return;
    }
    rtnl_notify(skb, net, info.portid, RTNLGRP_IPV4_ROUTE, info.nlh.map(|(_, f)| f));
}

/// `fib_sync_down_dev`: the nexthops on `dev` become DEAD (NETDEV_DOWN,
/// NETDEV_UNREGISTER) or LINKDOWN (NETDEV_CHANGE without carrier); host
/// scope nexthops are spared unless `force`. A route all of whose
/// nexthops are gone gets the flag itself. Returns how many did.
pub fn fib_sync_down_dev(st: &mut FibState, dev: i32, event: crate::net::core::dev::NetdevEvent, force: bool) -> usize {
    use crate::net::core::dev::NetdevEvent as E;
    let scope: i32 = if force { -1 } else { RT_SCOPE_NOWHERE as i32 };
    let mut ret = 0;
    st.for_each_info_mut(|fi| {
        if !fi.nhs.iter().any(|nh| nh.dev == dev) {
            return;
        }
        let n = fi.nhs.len();
        let mut dead = 0;
        for nh in fi.nhs.iter_mut() {
            if nh.flags & RTNH_F_DEAD != 0 {
                dead += 1;
            } else if nh.dev == dev && nh.scope as i32 != scope {
                match event {
                    E::Down | E::Unregister => nh.flags |= RTNH_F_DEAD | RTNH_F_LINKDOWN,
                    E::Change => nh.flags |= RTNH_F_LINKDOWN,
                    _ => {}
                }
                dead += 1;
            }
            if event == E::Unregister && nh.dev == dev {
                dead = n;
                break;
            }
        }
        if dead == n {
            match event {
                E::Down | E::Unregister => fi.flags |= (RTNH_F_DEAD | RTNH_F_LINKDOWN) as u32,
                E::Change => fi.flags |= RTNH_F_LINKDOWN as u32,
                _ => {}
            }
            ret += 1;
        }
    });
    ret
}

/// `fib_sync_up`: nexthops on `dev` (which is up) lose `nh_flags` (DEAD,
/// and LINKDOWN too when the device is running); a route with a live
/// nexthop loses them as well.
pub fn fib_sync_up(st: &mut FibState, dev: &Arc<NetDevice>, mut nh_flags: u8) -> usize {
    let (flags, ifindex) = {
        let s = dev.st.lock();
        (s.get_flags(), dev.ifindex())
    };
    if flags & IFF_UP == 0 {
        return 0;
    }
    if nh_flags & RTNH_F_DEAD != 0 && flags & (IFF_RUNNING | IFF_LOWER_UP) != 0 {
        nh_flags |= RTNH_F_LINKDOWN;
    }
    let has_in_dev = dev.ip_ptr.lock().is_some();
    let mut ret = 0;
    st.for_each_info_mut(|fi| {
        if !fi.nhs.iter().any(|nh| nh.dev == ifindex) {
            return;
        }
        let mut alive = 0;
        for nh in fi.nhs.iter_mut() {
            if nh.flags & nh_flags == 0 {
                alive += 1;
                continue;
            }
            if nh.dev != ifindex || !has_in_dev {
                continue;
            }
            alive += 1;
            nh.flags &= !nh_flags;
        }
        if alive > 0 {
            fi.flags &= !(nh_flags as u32);
            ret += 1;
        }
    });
    ret
}

/// `fib_sync_down_addr`: routes of the main table whose prefsrc was the
/// address that went away die.
pub fn fib_sync_down_addr(st: &mut FibState, local: u32) -> usize {
    let mut ret = 0;
    st.for_each_info_mut(|fi| {
        if fi.tb_id == RT_TABLE_MAIN && fi.prefsrc == local {
            fi.flags |= RTNH_F_DEAD as u32;
            ret += 1;
        }
    });
    ret
}

/// A route type's name as iproute2 prints it (`rtnl_rtntype_n2a`), for traces.
pub fn rtn_name(ty: u8) -> &'static str {
    const NAMES: [&str; 12] = [
        "none",
        "unicast",
        "local",
        "broadcast",
        "anycast",
        "multicast",
        "blackhole",
        "unreachable",
        "prohibit",
        "throw",
        "nat",
        "xresolve",
    ];
    NAMES.get(ty as usize).copied().unwrap_or("?")
}
