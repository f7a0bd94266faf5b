//! Lookups in net/ipv6/route.c: `rt6_select`, `fib6_table_lookup`, the
//! default rules (`fib6_rule_lookup`), and the gateway checks that use
//! them (`ip6_validate_gw`).

use super::*;

/// What `fib6_table_lookup` found: the route and the nexthop's device.
#[derive(Debug, Clone)]
pub(crate) struct Fib6Result {
    pub(crate) f6i: Arc<Fib6Info>,
}

// rt6 lookup flags.
pub(crate) const RT6_LOOKUP_F_IFACE: u32 = 0x1;
pub(crate) const RT6_LOOKUP_F_IGNORE_LINKSTATE: u32 = 0x40;

/// `IPV6_DECODE_PREF`.
pub(crate) fn ipv6_decode_pref(pref: u8) -> u32 {
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
pub(crate) fn rt6_select(routes: &[Arc<Fib6Info>], oif: i32, strict: u32, now: u64) -> Option<Arc<Fib6Info>> {
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
pub(crate) fn fib6_table_lookup(
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
pub(crate) fn ip6_rt_type_to_error(ty: u8) -> Option<Errno> {
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
pub(crate) fn fib6_rule_lookup(
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
pub(crate) fn ip6_nh_lookup_table(
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
pub(crate) fn ip6_route_check_nh_onlink(
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
pub(crate) fn ip6_route_check_nh(
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
pub(crate) fn ip6_validate_gw(
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
