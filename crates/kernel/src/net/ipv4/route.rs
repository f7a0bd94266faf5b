//! IPv4 output routes as RTM_GETROUTE shows them: net/ipv4/route.c
//! (`inet_rtm_getroute`, `ip_route_output_key_hash_rcu`, `rt_fill_info`).
//!
//! No route cache is kept: a lookup makes the `rtable` it would have made
//! and describes it — RTM_NEWROUTE with RTM_F_CLONED, the destination as
//! a /32, the output device, the source the kernel would pick, the
//! gateway, the uid and an RTA_CACHEINFO — or, with RTM_F_FIB_MATCH, the
//! FIB entry that matched (`fib_dump_info`).

use std::sync::Arc;

use tracing::debug_span;

use super::fib_frontend::{fib4, fib_lookup_flow, Flowi4, RTM_IPV4_POLICY};
use super::fib_semantics::{fib_dump_info, rtnetlink_put_metrics, FibGw, FibInfo, FibRtInfo, FIB_PROPS, RTAX_MAX};
use crate::net::core::dev::{dev_get_by_index, NetDevice};
use crate::net::core::net_namespace::Net;
use crate::net::core::rtnetlink::rtnl_unicast;
use crate::net::core::skbuff::{alloc_skb, SkBuff};
use crate::net::netlink::af_netlink::NetlinkRcvSkb;
use crate::Errno;
use nlwire::policy::{nlmsg_parse_deprecated, nlmsg_parse_deprecated_strict, ExtAck, Tb};
use nlwire::uapi::if_::{IFF_LOOPBACK, IFF_UP};
use nlwire::uapi::rtnetlink::*;
use nlwire::uapi::socket::{AF_INET, AF_INET6};
use nlwire::NlMsgHdr;

/// `RTCF_LOCAL`.
pub const RTCF_LOCAL: u32 = 0x8000_0000;
/// `RTCF_BROADCAST`.
pub const RTCF_BROADCAST: u32 = 0x1000_0000;
/// `RTCF_MULTICAST`.
pub const RTCF_MULTICAST: u32 = 0x2000_0000;
/// `RTCF_NOTIFY`.
pub const RTCF_NOTIFY: u32 = 0x0001_0000;
const RTA_N: usize = RTA_MAX as usize + 1;

/// `inet_select_addr` (devinet.c) on host-order addresses.
fn inet_select_addr(dev: &NetDevice, dst: u32, scope: u8) -> u32 {
    u32::from(crate::net::ipv4::devinet::inet_select_addr(dev, std::net::Ipv4Addr::from(dst), scope))
}

/// `struct rtable`, as far as `rt_fill_info` reads it.
struct Rtable {
    rt_type: u8,
    rt_flags: u32,
    dev: i32,
    gw: Option<FibGw>,
    metrics: [u32; RTAX_MAX],
    /// The reference count `RTA_CACHEINFO` reports (see `rt_clntref`).
    clntref: u32,
}

/// What `ip_route_output_key_hash_rcu` found.
struct OutputRoute {
    rt: Rtable,
    saddr: u32,
    /// `res.fi` with the result's prefix (for RTM_F_FIB_MATCH).
    res: Option<(FibInfo, u32, u8, u8)>,
    /// `res.table->tb_id` (0 without a FIB result).
    table: u32,
}

/// `ip_route_output_key_hash_rcu` for a plain output lookup: an RTA_OIF
/// device must exist (ENODEV) and be up with IPv4 (ENETUNREACH); no
/// destination means loopback; a failed lookup with an output device
/// assumes the destination is on link; a local route goes out through lo.
fn ip_route_output(net: &Net, fl4: &mut Flowi4, saddr_in: u32) -> Result<OutputRoute, Errno> {
    let fib = fib4(net).ok_or(Errno::ENETUNREACH)?;
    let lo = net.loopback_dev.read().clone();
    let lo_idx = lo.as_ref().map_or(1, |d| d.ifindex());
    let mut saddr = saddr_in;
    let mut dev_out: Option<Arc<NetDevice>> = None;
    if fl4.oif != 0 {
        let d = dev_get_by_index(net, fl4.oif).ok_or(Errno::ENODEV)?;
        if d.st.lock().flags & IFF_UP == 0 || d.ip_ptr.lock().is_none() {
            return Err(Errno::ENETUNREACH);
        }
        // Link-local multicast and the limited broadcast need no route.
        if ipv4_is_local_multicast(fl4.daddr) || fl4.daddr == u32::MAX {
            if saddr == 0 {
                saddr = inet_select_addr(&d, 0, RT_SCOPE_LINK);
            }
            return Ok(mkroute_output(RTN_UNICAST, &d, None, None, saddr, fl4.daddr, 2));
        }
        if saddr == 0 {
            if ipv4_is_multicast(fl4.daddr) {
                saddr = inet_select_addr(&d, 0, fl4.scope);
            } else if fl4.daddr == 0 {
                saddr = inet_select_addr(&d, 0, RT_SCOPE_HOST);
            }
        }
        dev_out = Some(d);
    }
    if fl4.daddr == 0 {
        fl4.daddr = saddr;
        if fl4.daddr == 0 {
            fl4.daddr = 0x7f00_0001;
            saddr = 0x7f00_0001;
        }
        return Ok(make_route(RTN_LOCAL, lo_idx, None, saddr, RTCF_LOCAL, 1));
    }
    let res = {
        let st = fib.st.lock();
        fib_lookup_flow(&st, fl4, false)
    };
    let res = match res {
        Ok(r) => r,
        Err(e) => {
            if let Some(d) = dev_out {
                if saddr == 0 {
                    saddr = inet_select_addr(&d, 0, RT_SCOPE_LINK);
                }
                return Ok(mkroute_output(RTN_UNICAST, &d, None, None, saddr, fl4.daddr, 2));
            }
            return Err(e);
        }
    };
    let nh = res.fi.nhs[res.nh_sel].clone();
    let fires = Some((res.fi.clone(), res.prefix, res.prefixlen, res.dscp));
    let table = res.table;
    if res.ty == RTN_LOCAL {
        if saddr == 0 {
            saddr = if res.fi.prefsrc != 0 { res.fi.prefsrc } else { fl4.daddr };
        }
        // A route cached on a nexthop holds one more reference (observed:
        // 2 for lo's own addresses, 1 for another device's).
        let clntref = if nh.dev == lo_idx { 2 } else { 1 };
        let mut out = make_route(RTN_LOCAL, lo_idx, None, saddr, RTCF_LOCAL, clntref);
        out.rt.metrics = res.fi.metrics;
        out.res = fires;
        out.table = table;
        return Ok(out);
    }
    // fib_select_path: the first live nexthop (no multipath hash), then
    // fib_result_prefsrc.
    if saddr == 0 {
        saddr = if res.fi.prefsrc != 0 {
            res.fi.prefsrc
        } else {
            match dev_get_by_index(net, nh.dev) {
                Some(d) => {
                    let gw = match nh.gw {
                        Some(FibGw::V4(g)) => g,
                        _ => 0,
                    };
                    inet_select_addr(&d, gw, nh.scope)
                }
                None => 0,
            }
        };
    }
    let Some(dev) = dev_get_by_index(net, nh.dev) else { return Err(Errno::ENETUNREACH) };
    let gw = if nh.gw.is_some() && nh.scope == RT_SCOPE_LINK { nh.gw } else { None };
    let mut out = mkroute_output(res.ty, &dev, Some((&res.fi, res.prefixlen)), gw, saddr, fl4.daddr, 2);
    out.res = fires;
    out.table = table;
    Ok(out)
}

/// `ipv4_is_multicast`.
fn ipv4_is_multicast(a: u32) -> bool {
    a >> 28 == 0xe
}

/// `ipv4_is_local_multicast`: 224.0.0.0/24.
fn ipv4_is_local_multicast(a: u32) -> bool {
    a >> 8 == 0xe0_0000
}

/// `__mkroute_output`: the type follows the destination (limited broadcast,
/// multicast); a broadcast, or a multicast matched by a route shorter than
/// /4, drops the FIB info (no gateway, no metrics); RTCF_LOCAL for
/// loopback, for broadcasts and for the multicast groups the host is in
/// (224.0.0.1, which every IPv4 device joins). Such routes are not cached:
/// their RTA_CACHEINFO reference count is 1 (probes/p_route4_mcast.py).
fn mkroute_output(
    ty: u8,
    dev: &NetDevice,
    fi: Option<(&FibInfo, u8)>,
    gw: Option<FibGw>,
    saddr: u32,
    daddr: u32,
    clntref: u32,
) -> OutputRoute {
    let mut ty = ty;
    let mut flags = 0;
    let mut fi = fi;
    let mut clntref = clntref;
    if daddr == u32::MAX {
        ty = RTN_BROADCAST;
        clntref = 1;
    } else if ipv4_is_multicast(daddr) {
        ty = RTN_MULTICAST;
        clntref = 1;
    }
    if dev.st.lock().flags & IFF_LOOPBACK != 0 {
        flags |= RTCF_LOCAL;
    }
    match ty {
        RTN_BROADCAST => {
            flags |= RTCF_BROADCAST | RTCF_LOCAL;
            fi = None;
        }
        RTN_MULTICAST => {
            flags |= RTCF_MULTICAST | RTCF_LOCAL;
            if daddr != 0xe000_0001 {
                flags &= !RTCF_LOCAL;
            }
            if fi.is_some_and(|(_, plen)| plen < 4) {
                fi = None;
            }
        }
        _ => {}
    }
    let mut out = make_route(ty, dev.ifindex(), None, saddr, flags, clntref);
    if let Some((f, _)) = fi {
        out.rt.metrics = f.metrics;
        out.rt.gw = gw;
    }
    out
}

/// `__mkroute_output` + `rt_set_nexthop`, reduced to what is reported.
#[allow(clippy::too_many_arguments)]
fn make_route(ty: u8, dev: i32, gw: Option<FibGw>, saddr: u32, flags: u32, clntref: u32) -> OutputRoute {
    OutputRoute {
        rt: Rtable { rt_type: ty, rt_flags: flags, dev, gw, metrics: [0; RTAX_MAX], clntref },
        saddr,
        res: None,
        table: 0,
    }
}

/// `rt_fill_info`: RTA_TABLE, RTA_DST, [RTA_SRC], RTA_OIF, RTA_PREFSRC
/// (unless the source was given), [RTA_GATEWAY], [RTA_METRICS], RTA_UID,
/// RTA_CACHEINFO.
#[allow(clippy::too_many_arguments)]
fn rt_fill_info(
    skb: &mut SkBuff,
    out: &OutputRoute,
    table_id: u32,
    dst: u32,
    src: u32,
    mark: u32,
    uid: u32,
    portid: u32,
    seq: u32,
) -> Result<(), Errno> {
    let nlh = skb.nlmsg_put(portid, seq, RTM_NEWROUTE, 12, 0).ok_or(Errno::EMSGSIZE)?;
    let rt = &out.rt;
    skb.nla_put_u32(RTA_TABLE, table_id)?;
    skb.nla_put_in_addr(RTA_DST, dst.to_be_bytes())?;
    if src != 0 {
        skb.nla_put_in_addr(RTA_SRC, src.to_be_bytes())?;
    }
    if rt.dev != 0 {
        skb.nla_put_u32(RTA_OIF, rt.dev as u32)?;
    }
    if out.saddr != src {
        skb.nla_put_in_addr(RTA_PREFSRC, out.saddr.to_be_bytes())?;
    }
    match rt.gw {
        Some(FibGw::V4(g)) => skb.nla_put_in_addr(RTA_GATEWAY, g.to_be_bytes())?,
        Some(FibGw::V6(a)) => {
            let mut via = [0u8; 18];
            via[..2].copy_from_slice(&(AF_INET6 as u16).to_ne_bytes());
            via[2..].copy_from_slice(&a);
            skb.nla_put(RTA_VIA, &via)?;
        }
        None => {}
    }
    rtnetlink_put_metrics(skb, &rt.metrics)?;
    if mark != 0 {
        skb.nla_put_u32(RTA_MARK, mark)?;
    }
    skb.nla_put_u32(RTA_UID, uid)?;
    // rtnl_put_cacheinfo: clntref, lastuse, expires, error, used, id, ts, tsage.
    let mut ci = [0u8; 32];
    ci[..4].copy_from_slice(&rt.clntref.to_ne_bytes());
    skb.nla_put(RTA_CACHEINFO, &ci)?;
    let mut rtm_flags = (rt.rt_flags & !0xffff) | RTM_F_CLONED;
    if rt.rt_flags & RTCF_NOTIFY != 0 {
        rtm_flags |= RTM_F_NOTIFY;
    }
    let hdr = skb.nlmsg_data_mut(nlh);
    hdr[0] = AF_INET;
    hdr[1] = 32;
    hdr[2] = if src != 0 { 32 } else { 0 };
    // The matched route's tos (the request's is not reported).
    hdr[3] = out.res.as_ref().map_or(0, |r| r.3);
    hdr[4] = if table_id < 256 { table_id as u8 } else { RT_TABLE_COMPAT as u8 };
    hdr[5] = RTPROT_UNSPEC;
    hdr[6] = RT_SCOPE_UNIVERSE;
    hdr[7] = rt.rt_type;
    hdr[8..12].copy_from_slice(&rtm_flags.to_ne_bytes());
    skb.nlmsg_end(nlh);
    Ok(())
}

/// `inet_rtm_valid_getroute_req`: strict requests must have a clean
/// header (lengths 0 or 32, no table, protocol, scope or type), known
/// flags and only lookup attributes.
fn inet_rtm_valid_getroute_req<'a>(
    skb: &NetlinkRcvSkb<'_>,
    msg: &'a [u8],
    extack: &mut ExtAck,
) -> Result<Tb<'a, RTA_N>, Errno> {
    let hdr = NlMsgHdr::new_unchecked(msg);
    let p = hdr.payload();
    if p.len() < 12 {
        extack.set_msg("ipv4: Invalid header for route get request");
        return Err(Errno::EINVAL);
    }
    if !skb.sk.strict_check() {
        return nlmsg_parse_deprecated::<RTA_N>(msg, 12, Some(&RTM_IPV4_POLICY), extack);
    }
    let (dst_len, src_len) = (p[1], p[2]);
    if (src_len != 0 && src_len != 32)
        || (dst_len != 0 && dst_len != 32)
        || p[4] != 0
        || p[5] != 0
        || p[6] != 0
        || p[7] != 0
    {
        extack.set_msg("ipv4: Invalid values in header for route get request");
        return Err(Errno::EINVAL);
    }
    let flags = u32::from_ne_bytes([p[8], p[9], p[10], p[11]]);
    if flags & !(RTM_F_NOTIFY | RTM_F_LOOKUP_TABLE | RTM_F_FIB_MATCH) != 0 {
        extack.set_msg("ipv4: Unsupported rtm_flags for route get request");
        return Err(Errno::EINVAL);
    }
    let tb = nlmsg_parse_deprecated_strict::<RTA_N>(msg, 12, Some(&RTM_IPV4_POLICY), extack)?;
    if (tb.has(RTA_SRC) && src_len == 0) || (tb.has(RTA_DST) && dst_len == 0) {
        extack.set_msg("ipv4: rtm_src_len and rtm_dst_len must be 32 for IPv4");
        return Err(Errno::EINVAL);
    }
    for i in 0..RTA_N as u16 {
        if tb.has(i)
            && !matches!(
                i,
                RTA_IIF | RTA_OIF | RTA_SRC | RTA_DST | RTA_IP_PROTO | RTA_SPORT | RTA_DPORT | RTA_MARK | RTA_UID
            )
        {
            extack.set_msg("ipv4: Unsupported attribute in route get request");
            return Err(Errno::EINVAL);
        }
    }
    Ok(tb)
}

/// `inet_rtm_getroute`: one output-route lookup, answered with one
/// RTM_NEWROUTE (flags 0, the request's seq). Errors: no route
/// ENETUNREACH; a blackhole EINVAL, unreachable EHOSTUNREACH, prohibit
/// EACCES, throw ENETUNREACH (probes/observed/p_route4.txt). RTA_IIF
/// (input-route lookups) is not modelled: EOPNOTSUPP.
pub fn inet_rtm_getroute(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("inet_rtm_getroute", portid = skb.cb.portid).entered();
    let tb = inet_rtm_valid_getroute_req(skb, msg, extack)?;
    let nlh = NlMsgHdr::new_unchecked(msg);
    let p = nlh.payload();
    let rtm_flags = u32::from_ne_bytes([p[8], p[9], p[10], p[11]]);
    let net = skb.net();
    let src = tb.get(RTA_SRC).map_or(0, |a| a.get_be32());
    let dst = tb.get(RTA_DST).map_or(0, |a| a.get_be32());
    let oif = tb.get(RTA_OIF).map_or(0, |a| a.get_u32() as i32);
    let uid = match tb.get(RTA_UID) {
        Some(a) => a.get_u32(),
        None => skb.cb.creds.map_or(0, |c| c.uid),
    };
    if tb.has(RTA_IIF) && tb.get(RTA_IIF).is_some_and(|a| a.get_u32() != 0) {
        return Err(Errno::EOPNOTSUPP);
    }
    if src != 0 {
        // __ip_route_output_key: a given source must be one of ours.
        let st_ok = fib4(net)
            .is_some_and(|f| super::fib_frontend::inet_addr_type_table(&f.st.lock(), src, RT_TABLE_LOCAL) == RTN_LOCAL);
        if !st_ok {
            return Err(Errno::ENETUNREACH);
        }
    }
    let mut fl4 = Flowi4 { daddr: dst, oif, scope: RT_SCOPE_UNIVERSE, tos: p[3] };
    let out = ip_route_output(net, &mut fl4, src)?;
    // RTM_F_LOOKUP_TABLE reports the table that answered, else main.
    let table_id = if rtm_flags & RTM_F_LOOKUP_TABLE != 0 { out.table } else { RT_TABLE_MAIN };
    let mark = tb.get(RTA_MARK).map_or(0, |a| a.get_u32());
    // inet_rtm_getroute_build_skb: alloc_skb(NLMSG_GOODSIZE).
    let mut out_skb = alloc_skb(nlwire::skb::NLMSG_GOODSIZE);
    if rtm_flags & RTM_F_FIB_MATCH != 0 {
        let Some((fi, prefix, plen, dscp)) = &out.res else {
            let err = FIB_PROPS[out.rt.rt_type as usize].error.unwrap_or(Errno::EHOSTUNREACH);
            return Err(err);
        };
        let fri = FibRtInfo { fi, tb_id: table_id, dst: *prefix, dst_len: *plen, dscp: *dscp, ty: out.rt.rt_type };
        fib_dump_info(&mut out_skb, skb.cb.portid, nlh.nlmsg_seq(), RTM_NEWROUTE, &fri, 0)?;
    } else {
        let mut out = out;
        if rtm_flags & RTM_F_NOTIFY != 0 {
            out.rt.rt_flags |= RTCF_NOTIFY;
        }
        rt_fill_info(&mut out_skb, &out, table_id, dst, src, mark, uid, skb.cb.portid, nlh.nlmsg_seq())?;
    }
    rtnl_unicast(out_skb, net, skb.cb.portid)
}
