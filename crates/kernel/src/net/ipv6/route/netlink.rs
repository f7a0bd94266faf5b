//! The netlink side of net/ipv6/route.c: `rtm_ipv6_policy`,
//! `rtm_to_fib6_config`, `rt6_fill_node`, `inet6_rt_notify`, the
//! RTM_NEWROUTE/DELROUTE/GETROUTE handlers and the dump's per-route step.

use super::*;

/// `rtm_ipv6_policy`.
pub(crate) static RTM_IPV6_POLICY: [NlaPolicy; RTA_MAX as usize + 1] = {
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
pub(crate) const RTA_N: usize = RTA_MAX as usize + 1;

/// `struct rtmsg`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RtMsg {
    pub(crate) family: u8,
    pub(crate) dst_len: u8,
    pub(crate) src_len: u8,
    pub(crate) tos: u8,
    pub(crate) table: u8,
    pub(crate) protocol: u8,
    pub(crate) scope: u8,
    pub(crate) ty: u8,
    pub(crate) flags: u32,
}

pub(crate) fn rtmsg(msg: &[u8]) -> RtMsg {
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

pub(crate) fn in6(nla: &Nla<&[u8]>) -> Ipv6Addr {
    let mut o = [0u8; 16];
    let p = nla.payload();
    let n = p.len().min(16);
    o[..n].copy_from_slice(&p[..n]);
    Ipv6Addr::from(o)
}

/// A `struct rtnexthop` walk (`rtnh_ok`, `rtnh_next`).
pub(crate) fn rtnh_iter(mp: &[u8]) -> Vec<(u8, u8, i32, &[u8])> {
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
pub(crate) fn nla_find(attrs: &[u8], ty: u16) -> Option<Nla<&[u8]>> {
    nlwire::NlaIter::new(attrs).find(|a| a.nla_type() == ty)
}

/// `ip_fib_metrics_init`: RTA_METRICS into `metrics[]`.
pub(crate) fn ip_fib_metrics_init(mx: &[u8]) -> Result<[u32; RTAX_MAX], Errno> {
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
pub(crate) fn rtm_to_fib6_multipath_config(
    cfg: &Fib6Config,
    mp: &[u8],
    newroute: bool,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
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
pub(crate) fn rtm_to_fib6_config(
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
        // A dst_len above 128 (refused by fib6_config_validate later) would
        // copy past the address: at most 16 bytes are taken.
        let mut o = [0u8; 16];
        o[..plen.min(16)].copy_from_slice(&d.payload()[..plen.min(16)]);
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
pub(crate) const LWTUNNEL_ENCAP_MAX: u16 = 10;

/// `lwtunnel_valid_encap_type`: no encapsulation is modelled, so a known
/// type is "not supported" (as MPLS is on the probed kernel without its
/// module: p_route6_extra "RTA_ENCAP_TYPE 1"), an unknown one EINVAL.
pub(crate) fn lwtunnel_valid_encap_type(ty: u16, extack: &mut ExtAck) -> Result<(), Errno> {
    if ty == 0 || ty > LWTUNNEL_ENCAP_MAX {
        extack.set_msg("Unknown lwt encapsulation type");
        return Err(Errno::EINVAL);
    }
    extack.set_msg("lwt encapsulation type not supported");
    Err(Errno::EOPNOTSUPP)
}

// ---------------------------------------------------------------------------
// Filling messages.

/// The per-cpu dst a lookup hands out, as `rt6_fill_node` reads it.
pub(crate) struct Rt6Dst {
    pub(crate) ifindex: i32,
    pub(crate) gateway: Option<Ipv6Addr>,
    pub(crate) lastuse: u64,
}

/// `rt6_nlmsg_size`.
pub(crate) fn rt6_nlmsg_size(nsiblings: usize) -> usize {
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
pub(crate) fn fib_nexthop_info(skb: &mut SkBuff, rt: &Fib6Info, skip_oif: bool) -> Result<u8, Errno> {
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
pub(crate) fn fib_add_nexthop(skb: &mut SkBuff, rt: &Fib6Info) -> Result<(), Errno> {
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
pub(crate) fn rt6_fill_node(
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
        } else if let Some(daddr) = dest {
            // ip6_route_get_saddr: the route's prefsrc, else source address
            // selection through the nexthop's device (nothing if none fits).
            let saddr = match prefsrc {
                Some(p) => Some(p),
                None => rt.fib_nh_dev.as_ref().and_then(|d| {
                    let net = d.net()?;
                    crate::net::ipv6::addrconf::ipv6_dev_get_saddr(&net, Some(d), &daddr, 0).ok()
                }),
            };
            if let Some(p) = saddr {
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
pub(crate) fn inet6_rt_notify(
    net: &Net,
    event: u16,
    rt: &Fib6Info,
    sibs: &[Arc<Fib6Info>],
    info: &NlInfo,
    nlm_flags: u16,
) {
    let _s = debug_span!("inet6_rt_notify", ty = event, nlm_flags).entered();
    let seq = if info.nlh_flags.is_some() { info.seq } else { 0 };
    let mut skb = nlmsg_new(rt6_nlmsg_size(sibs.len()));
    let now = jiffies(&net.globals);
    if rt6_fill_node(&mut skb, rt, sibs, None, None, None, 0, event, info.portid, seq, nlm_flags, now).is_err() {
        return;
    }
    rtnl_notify(skb, net, info.portid, RTNLGRP_IPV6_ROUTE, info.nlh_flags);
}

/// `inet6_rtm_newroute`: metric 1024 unless given (probe).
pub fn inet6_rtm_newroute(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("inet6_rtm_newroute").entered();
    let (mut cfg, extra) = rtm_to_fib6_config(skb, msg, extack)?;
    if cfg.fc_metric == 0 {
        cfg.fc_metric = IP6_RT_PRIO_USER;
    }
    if extra.mp.is_some() {
        let mut flags_now = None;
        let r = ip6_route_multipath_add(skb.net(), &cfg, &extra, extack, &mut flags_now);
        if let Some(f) = flags_now {
            skb.nlmsg_flags_set(f);
        }
        r
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
pub(crate) fn inet6_rtm_valid_getroute_req<'a>(
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
pub(crate) struct FibDumpFilter {
    pub(crate) table_id: u32,
    pub(crate) protocol: u8,
    pub(crate) rt_type: u8,
    pub(crate) flags: u32,
    pub(crate) dev: Option<i32>,
    pub(crate) filter_set: bool,
    pub(crate) dump_routes: bool,
    pub(crate) dump_exceptions: bool,
}

/// `ip_valid_fib_dump_req` (net/ipv4/fib_frontend.c, shared by IPv6).
/// LEAD: the IPv4 helper may carry its own copy; one should go.
pub(crate) fn ip_valid_fib_dump_req(
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

/// `fib6_info_uses_dev`.
pub(crate) fn fib6_info_uses_dev(rt: &Fib6Info, sibs: &[Arc<Fib6Info>], dev: i32) -> bool {
    rt.ifindex == dev || sibs.iter().any(|s| s.ifindex == dev)
}

/// `rt6_dump_route`: -1 when done with the route (dumped or filtered out),
/// 0 when the chunk is full.
pub(crate) fn rt6_dump_route(
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
