//! The PF_INET6 address messages of net/ipv6/addrconf.c:
//! `inet6_rtm_newaddr` (with `inet6_addr_modify` for NLM_F_REPLACE),
//! `inet6_rtm_deladdr`, `inet6_rtm_getaddr`, `inet6_dump_ifaddr`, and the
//! AF_INET6 link messages (`inet6_fill_ifinfo`, `inet6_ifinfo_notify`,
//! `inet6_dump_ifinfo`).

use std::net::Ipv6Addr;
use std::sync::Arc;

use crate::net::core::dev::{dev_get_by_index, for_each_netdev, NetDevice};
use crate::net::core::net_namespace::{get_net_ns_by_id, rtnl_get_net_ns_capable, Net};
use crate::net::core::rtnetlink::{rtnl_held_here, rtnl_lock, rtnl_notify, rtnl_unicast};
use crate::net::core::skbuff::nlmsg_new;
use crate::net::core::skbuff::SkBuff;
use crate::net::ipv6::route::{addrconf_get_prefix_route, ip6_del_rt};
use crate::net::netlink::af_netlink::dump::NetlinkCallback;
use crate::net::netlink::af_netlink::NetlinkRcvSkb;
use crate::time::{jiffies, HZ};
use crate::Errno;
use nlwire::nlattr::nla_total_size;
use nlwire::policy::{nlmsg_parse_deprecated, nlmsg_parse_deprecated_strict, ExtAck, NlaPolicy, NlaType};
use nlwire::skb::NlMsgStart;
use nlwire::uapi::if_addr::*;
use nlwire::uapi::if_link::{IFLA_ADDRESS, IFLA_IFNAME, IFLA_LINK, IFLA_MTU, IFLA_OPERSTATE, IFLA_PROTINFO};
use nlwire::uapi::netlink::{NLM_F_DUMP_FILTERED, NLM_F_EXCL, NLM_F_MULTI, NLM_F_REPLACE};
use nlwire::uapi::rtnetlink::*;
use nlwire::uapi::socket::AF_INET6;
use nlwire::NlMsgHdr;
use tracing::debug_span;

use super::{dad::*, ifaddr::*};

/// `ifa_ipv6_policy`.
pub(super) static IFA_IPV6_POLICY: [NlaPolicy; IFA_MAX as usize + 1] = {
    let mut p = [NlaPolicy::UNSPEC; IFA_MAX as usize + 1];
    p[IFA_ADDRESS as usize] = NlaPolicy::min_len(16);
    p[IFA_LOCAL as usize] = NlaPolicy::min_len(16);
    p[IFA_CACHEINFO as usize] = NlaPolicy::min_len(16);
    p[IFA_FLAGS as usize] = NlaPolicy::min_len(4);
    p[IFA_RT_PRIORITY as usize] = NlaPolicy::min_len(4);
    p[IFA_TARGET_NETNSID as usize] = NlaPolicy::of(NlaType::S32);
    p[IFA_PROTO as usize] = NlaPolicy::of(NlaType::U8);
    p
};

pub(super) const IFA_N: usize = IFA_MAX as usize + 1;

pub(super) fn in6_of(b: &[u8]) -> Ipv6Addr {
    let mut o = [0u8; 16];
    let n = b.len().min(16);
    o[..n].copy_from_slice(&b[..n]);
    Ipv6Addr::from(o)
}

/// `extract_addr`: IFA_LOCAL is the address when present, IFA_ADDRESS then
/// the peer if it differs.
pub(super) fn extract_addr(addr: Option<&[u8]>, local: Option<&[u8]>) -> Option<(Ipv6Addr, Option<Ipv6Addr>)> {
    let mut pfx = addr.map(in6_of);
    let mut peer = None;
    if let Some(l) = local {
        let l = in6_of(l);
        if let Some(p) = pfx {
            if p != l {
                peer = Some(p);
            }
        }
        pfx = Some(l);
    }
    pfx.map(|p| (p, peer))
}

/// The `struct ifaddrmsg` of a request: (prefixlen, flags, scope, index).
pub(super) fn ifaddrmsg(msg: &[u8]) -> (u8, u8, u8, i32) {
    let p = msg.get(16..).unwrap_or(&[]);
    if p.len() < 8 {
        return (0, 0, 0, 0);
    }
    (p[1], p[2], p[3], i32::from_ne_bytes([p[4], p[5], p[6], p[7]]))
}

/// `inet6_addr_modify`: NLM_F_REPLACE of an existing address: new flags,
/// lifetimes, proto and metric; the prefix route follows the metric.
pub(super) fn inet6_addr_modify(
    net: &Arc<Net>,
    dev: &Arc<NetDevice>,
    id: u64,
    cfg: &mut Ifa6Config,
    expires: u64,
    flags: u32,
) -> Result<(), Errno> {
    let _s = debug_span!("inet6_addr_modify").entered();
    let now = jiffies(&net.globals);
    let Some(old) = ifa_update(dev, id, |i| i.clone()) else { return Err(Errno::EADDRNOTAVAIL) };
    if cfg.ifa_flags & IFA_F_MANAGETEMPADDR != 0 && (old.flags & IFA_F_TEMPORARY != 0 || old.prefix_len != 64) {
        return Err(Errno::EINVAL);
    }
    if old.flags & IFA_F_TENTATIVE == 0 || old.flags & IFA_F_DADFAILED != 0 {
        cfg.ifa_flags &= !IFA_F_OPTIMISTIC;
    }
    let mut new_peer = false;
    if let Some(peer) = cfg.peer_pfx {
        if peer != old.peer_addr {
            if !old.peer_addr.is_unspecified() {
                cleanup_prefix_route(net, dev, &old, true, true);
            }
            new_peer = true;
        }
    }
    let had_prefixroute = old.flags & IFA_F_PERMANENT != 0 && old.flags & IFA_F_NOPREFIXROUTE == 0;
    let Some(mut ifp) = ifa_update(dev, id, |i| {
        i.flags &= !(IFA_F_DEPRECATED
            | IFA_F_PERMANENT
            | IFA_F_NODAD
            | IFA_F_HOMEADDRESS
            | IFA_F_MANAGETEMPADDR
            | IFA_F_NOPREFIXROUTE);
        i.flags |= cfg.ifa_flags;
        i.tstamp = now;
        i.valid_lft = cfg.valid_lft;
        i.prefered_lft = cfg.preferred_lft;
        i.ifa_proto = cfg.ifa_proto;
        if cfg.rt_priority != 0 && cfg.rt_priority != i.rt_priority {
            i.rt_priority = cfg.rt_priority;
        }
        if new_peer {
            if let Some(p) = cfg.peer_pfx {
                i.peer_addr = p;
            }
        }
        i.clone()
    }) else {
        return Err(Errno::EADDRNOTAVAIL);
    };
    if ifp.flags & IFA_F_TENTATIVE == 0 {
        ipv6_ifa_notify(net, dev, 0, &mut ifp);
    }
    if cfg.ifa_flags & IFA_F_NOPREFIXROUTE == 0 {
        let mut rc = Err(Errno::ENOENT);
        if had_prefixroute {
            rc = modify_prefix_route(net, dev, &ifp, expires, flags, false);
        }
        if rc == Err(Errno::ENOENT) {
            addrconf_prefix_route(net, &ifp.addr, ifp.prefix_len, ifp.rt_priority, dev, expires, flags);
        }
        if had_prefixroute && !ifp.peer_addr.is_unspecified() {
            rc = modify_prefix_route(net, dev, &ifp, expires, flags, true);
        }
        if rc == Err(Errno::ENOENT) && !ifp.peer_addr.is_unspecified() {
            addrconf_prefix_route(net, &ifp.peer_addr, ifp.prefix_len, ifp.rt_priority, dev, expires, flags);
        }
    } else if had_prefixroute {
        let action =
            dev.ip6_ptr.lock().as_ref().map_or(CleanupPrefixRt::Nop, |idev| check_cleanup_prefix_route(idev, &ifp));
        if action != CleanupPrefixRt::Nop {
            cleanup_prefix_route(net, dev, &ifp, action == CleanupPrefixRt::Del, false);
        }
    }
    addrconf_verify_rtnl(net);
    Ok(())
}

/// `modify_prefix_route`: a new metric replaces the route (delete, add);
/// otherwise only its expiry would change, which is route-internal.
pub(super) fn modify_prefix_route(
    net: &Arc<Net>,
    dev: &Arc<NetDevice>,
    ifp: &Inet6Ifaddr,
    expires: u64,
    flags: u32,
    modify_peer: bool,
) -> Result<(), Errno> {
    let pfx = if modify_peer { ifp.peer_addr } else { ifp.addr };
    let Some(f6i) = addrconf_get_prefix_route(
        net,
        &ipv6_prefix(&pfx, ifp.prefix_len),
        ifp.prefix_len,
        Some(dev),
        0,
        RTF_DEFAULT,
        true,
    ) else {
        return Err(Errno::ENOENT);
    };
    let prio = if ifp.rt_priority != 0 { ifp.rt_priority } else { IP6_RT_PRIO_ADDRCONF };
    if f6i.fib6_metric != prio {
        let _ = ip6_del_rt(net, &f6i, false);
        addrconf_prefix_route(net, &pfx, ifp.prefix_len, ifp.rt_priority, dev, expires, flags);
    }
    Ok(())
}

/// `inet6_rtm_newaddr`: RTM_NEWADDR for PF_INET6. A new address is made
/// even without NLM_F_CREATE; an existing one is EEXIST unless REPLACE
/// without EXCL, which modifies it.
pub fn inet6_rtm_newaddr(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("inet6_rtm_newaddr").entered();
    let net = skb.net();
    let tb = nlmsg_parse_deprecated::<IFA_N>(msg, 8, Some(&IFA_IPV6_POLICY), extack)?;
    let (plen, ifm_flags, _scope, ifindex) = ifaddrmsg(msg);
    let (pfx, peer) =
        extract_addr(tb.get(IFA_ADDRESS).map(|a| a.payload_ref()), tb.get(IFA_LOCAL).map(|a| a.payload_ref()))
            .ok_or(Errno::EINVAL)?;
    let mut cfg = Ifa6Config {
        pfx,
        peer_pfx: peer,
        plen,
        ifa_flags: tb.get(IFA_FLAGS).map_or(u32::from(ifm_flags), |a| a.get_u32()),
        valid_lft: INFINITY_LIFE_TIME,
        preferred_lft: INFINITY_LIFE_TIME,
        scope: 0,
        rt_priority: tb.get(IFA_RT_PRIORITY).map_or(0, |a| a.get_u32()),
        ifa_proto: tb.get(IFA_PROTO).map_or(0, |a| a.get_u8()),
    };
    cfg.ifa_flags &= IFA_F_NODAD
        | IFA_F_HOMEADDRESS
        | IFA_F_MANAGETEMPADDR
        | IFA_F_NOPREFIXROUTE
        | IFA_F_MCAUTOJOIN
        | IFA_F_OPTIMISTIC;
    cfg.ifa_flags |= IFA_F_PERMANENT;
    let mut expires = 0u64;
    let mut flags = 0u32;
    if let Some(ci) = tb.get(IFA_CACHEINFO) {
        let p = ci.payload();
        let prefered = u32::from_ne_bytes([p[0], p[1], p[2], p[3]]);
        let valid = u32::from_ne_bytes([p[4], p[5], p[6], p[7]]);
        cfg.valid_lft = valid;
        cfg.preferred_lft = prefered;
        if valid == 0 || prefered > valid {
            extack.set_msg("ipv6: address lifetime invalid");
            return Err(Errno::EINVAL);
        }
        // addrconf_timeout_fixup / addrconf_finite_timeout (64-bit).
        if valid != INFINITY_LIFE_TIME {
            cfg.ifa_flags &= !IFA_F_PERMANENT;
            // In clock_t, as fib6_config's fc_expires is.
            expires = crate::net::ipv6::route::jiffies_to_clock_t(u64::from(valid) * HZ);
            flags = RTF_EXPIRES;
        }
        if prefered != INFINITY_LIFE_TIME && prefered == 0 {
            cfg.ifa_flags |= IFA_F_DEPRECATED;
        }
    }
    let _rtnl = (!rtnl_held_here()).then(|| rtnl_lock(net));
    let Some(dev) = dev_get_by_index(net, ifindex) else {
        extack.set_msg("ipv6: Unable to find the interface");
        return Err(Errno::ENODEV);
    };
    ipv6_find_idev(&dev)?;
    // ipv6_allow_optimistic_dad: optimistic_dad is 0 unless configured.
    if cnf(&dev, DEVCONF_OPTIMISTIC_DAD) == 0 {
        cfg.ifa_flags &= !IFA_F_OPTIMISTIC;
    }
    if cfg.ifa_flags & IFA_F_NODAD != 0 && cfg.ifa_flags & IFA_F_OPTIMISTIC != 0 {
        extack.set_msg("IFA_F_NODAD and IFA_F_OPTIMISTIC are mutually exclusive");
        return Err(Errno::EINVAL);
    }
    // ipv6_get_ifaddr(net, pfx, dev, 1)
    let existing =
        dev.ip6_ptr.lock().as_ref().and_then(|idev| idev.addr_list.iter().find(|i| i.addr == pfx).map(|i| i.id));
    let Some(id) = existing else {
        return inet6_addr_add(net, &dev, &mut cfg, expires, flags, extack);
    };
    let nlflags = NlMsgHdr::new_unchecked(msg).nlmsg_flags();
    if nlflags & NLM_F_EXCL != 0 || nlflags & NLM_F_REPLACE == 0 {
        extack.set_msg("ipv6: address already assigned");
        return Err(Errno::EEXIST);
    }
    inet6_addr_modify(net, &dev, id, &mut cfg, expires, flags)
}

/// `inet6_rtm_deladdr`.
pub fn inet6_rtm_deladdr(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("inet6_rtm_deladdr").entered();
    let net = skb.net();
    let tb = nlmsg_parse_deprecated::<IFA_N>(msg, 8, Some(&IFA_IPV6_POLICY), extack)?;
    let (plen, ifm_flags, _scope, ifindex) = ifaddrmsg(msg);
    let (pfx, _peer) =
        extract_addr(tb.get(IFA_ADDRESS).map(|a| a.payload_ref()), tb.get(IFA_LOCAL).map(|a| a.payload_ref()))
            .ok_or(Errno::EINVAL)?;
    let ifa_flags = tb.get(IFA_FLAGS).map_or(u32::from(ifm_flags), |a| a.get_u32()) & IFA_F_MANAGETEMPADDR;
    let _rtnl = (!rtnl_held_here()).then(|| rtnl_lock(net));
    inet6_addr_del(net, ifindex, ifa_flags, &pfx, plen, extack)
}

/// `inet6_rtm_valid_getaddr_req` and `inet6_rtm_getaddr`: the address
/// (IFA_ADDRESS or IFA_LOCAL), optionally on one device.
pub fn inet6_rtm_getaddr(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("inet6_rtm_getaddr").entered();
    let nlh = NlMsgHdr::new_unchecked(msg);
    if nlh.payload().len() < 8 {
        extack.set_msg("ipv6: Invalid header for get address request");
        return Err(Errno::EINVAL);
    }
    let (plen, ifm_flags, scope, ifindex) = ifaddrmsg(msg);
    let tb = if !skb.sk.strict_check() {
        nlmsg_parse_deprecated::<IFA_N>(msg, 8, Some(&IFA_IPV6_POLICY), extack)?
    } else {
        if plen != 0 || ifm_flags != 0 || scope != 0 {
            extack.set_msg("ipv6: Invalid values in header for get address request");
            return Err(Errno::EINVAL);
        }
        let tb = nlmsg_parse_deprecated_strict::<IFA_N>(msg, 8, Some(&IFA_IPV6_POLICY), extack)?;
        for i in 0..IFA_N as u16 {
            if tb.has(i) && !matches!(i, IFA_TARGET_NETNSID | IFA_ADDRESS | IFA_LOCAL) {
                extack.set_msg("ipv6: Unsupported attribute in get address request");
                return Err(Errno::EINVAL);
            }
        }
        tb
    };
    let mut netnsid = -1;
    let tgt_net = match tb.get(IFA_TARGET_NETNSID) {
        Some(a) => {
            netnsid = a.get_s32();
            rtnl_get_net_ns_capable(skb, netnsid)?
        }
        None => Arc::clone(skb.net()),
    };
    let (addr, _peer) =
        extract_addr(tb.get(IFA_ADDRESS).map(|a| a.payload_ref()), tb.get(IFA_LOCAL).map(|a| a.payload_ref()))
            .ok_or(Errno::EINVAL)?;
    let dev = if ifindex != 0 { dev_get_by_index(&tgt_net, ifindex) } else { None };
    // ipv6_get_ifaddr(tgt_net, addr, dev, 1)
    let candidates = match &dev {
        Some(d) => vec![Arc::clone(d)],
        None => for_each_netdev(&tgt_net),
    };
    let found = candidates.iter().find_map(|d| {
        d.ip6_ptr
            .lock()
            .as_ref()
            .and_then(|idev| idev.addr_list.iter().find(|i| i.addr == addr).cloned())
            .map(|i| (i, d.ifindex()))
    });
    let Some((ifa, idx)) = found else {
        return Err(Errno::EADDRNOTAVAIL);
    };
    let mut out = nlmsg_new(inet6_ifaddr_msgsize());
    let args = Inet6FillArgs { portid: skb.cb.portid, seq: nlh.nlmsg_seq(), event: RTM_NEWADDR, flags: 0, netnsid };
    inet6_fill_ifaddr(&mut out, &ifa, idx, &args, jiffies(&tgt_net.globals))?;
    rtnl_unicast(out, skb.net(), skb.cb.portid)
}

/// `inet6_valid_dump_ifaddr_req` (strict dumps): a clean header, only
/// IFA_TARGET_NETNSID; a device index filters (NLM_F_DUMP_FILTERED).
pub(super) fn inet6_valid_dump_ifaddr_req(
    cb: &mut NetlinkCallback,
    fillargs: &mut Inet6FillArgs,
    ifindex: &mut i32,
    tgt_net: &mut Arc<Net>,
) -> Result<(), Errno> {
    let nlh = cb.nlh.clone();
    let hdr = NlMsgHdr::new_unchecked(&nlh[..]);
    if hdr.payload().len() < 8 {
        cb.extack.set_msg("ipv6: Invalid header for address dump request");
        return Err(Errno::EINVAL);
    }
    let (plen, flags, scope, idx) = ifaddrmsg(&nlh);
    if plen != 0 || flags != 0 || scope != 0 {
        cb.extack.set_msg("ipv6: Invalid values in header for address dump request");
        return Err(Errno::EINVAL);
    }
    *ifindex = idx;
    if idx != 0 {
        cb.answer_flags |= NLM_F_DUMP_FILTERED;
        fillargs.flags |= NLM_F_DUMP_FILTERED;
    }
    let mut extack = std::mem::take(&mut cb.extack);
    let r = (|| -> Result<(), Errno> {
        let tb = nlmsg_parse_deprecated_strict::<IFA_N>(&nlh, 8, Some(&IFA_IPV6_POLICY), &mut extack)?;
        for i in 0..IFA_N as u16 {
            let Some(a) = tb.get(i) else { continue };
            if i == IFA_TARGET_NETNSID {
                fillargs.netnsid = a.get_s32();
                let net = match get_net_ns_by_id(&cb.net, fillargs.netnsid) {
                    None => Err(Errno::EINVAL),
                    Some(_) if !cb.sk_capable(crate::cred::CAP_NET_ADMIN) => Err(Errno::EACCES),
                    Some(n) => Ok(n),
                };
                match net {
                    Ok(n) => *tgt_net = n,
                    Err(e) => {
                        fillargs.netnsid = -1;
                        extack.set_msg("ipv6: Invalid target network namespace id");
                        return Err(e);
                    }
                }
            } else {
                extack.set_msg("ipv6: Unsupported attribute in dump request");
                return Err(Errno::EINVAL);
            }
        }
        Ok(())
    })();
    cb.extack = extack;
    r
}

/// `in6_dump_addrs` (unicast): from `*s_ip_idx` on; the index to resume at
/// is kept on -EMSGSIZE.
pub(super) fn in6_dump_addrs(
    dev: &NetDevice,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
    s_ip_idx: &mut i64,
    fillargs: &Inet6FillArgs,
    now: u64,
) -> Result<(), Errno> {
    let list = dev.ip6_ptr.lock().as_ref().map(|d| d.addr_list.clone()).unwrap_or_default();
    let mut ip_idx = 0i64;
    let mut err = Ok(());
    for ifa in &list {
        if ip_idx >= *s_ip_idx {
            if let Err(e) = inet6_fill_ifaddr(skb, ifa, dev.ifindex(), fillargs, now) {
                err = Err(e);
                break;
            }
            cb.nl_dump_check_consistent(skb, NlMsgStart::FIRST);
        }
        ip_idx += 1;
    }
    *s_ip_idx = if err.is_err() { ip_idx } else { 0 };
    err
}

/// `inet6_dump_ifaddr` → `inet6_dump_addr(UNICAST_ADDR)`: every device's
/// addresses in ifindex order, `cb->args` = {ifindex, ip_idx}.
pub fn inet6_dump_ifaddr(skb: &mut SkBuff, cb: &mut NetlinkCallback) -> Result<usize, Errno> {
    let _s = debug_span!("inet6_dump_addr").entered();
    let mut tgt_net = Arc::clone(&cb.net);
    let mut fillargs = Inet6FillArgs {
        portid: cb.portid,
        seq: NlMsgHdr::new_unchecked(&cb.nlh[..]).nlmsg_seq(),
        event: RTM_NEWADDR,
        flags: NLM_F_MULTI,
        netnsid: -1,
    };
    let now = jiffies(&tgt_net.globals);
    if cb.strict_check {
        let mut ifindex = 0;
        inet6_valid_dump_ifaddr_req(cb, &mut fillargs, &mut ifindex, &mut tgt_net)?;
        if ifindex != 0 {
            let Some(dev) = dev_get_by_index(&tgt_net, ifindex) else {
                return Err(Errno::ENODEV);
            };
            let mut ip_idx = cb.args[1];
            let r = in6_dump_addrs(&dev, skb, cb, &mut ip_idx, &fillargs, now);
            cb.args[1] = ip_idx;
            return r.map(|()| 0);
        }
    }
    cb.seq = inet6_base_seq(&tgt_net);
    let start = cb.args[0] as i32;
    let devs: Vec<Arc<NetDevice>> = tgt_net.dev.read().by_index.range(start..).map(|(_, d)| Arc::clone(d)).collect();
    for dev in devs {
        cb.args[0] = i64::from(dev.ifindex());
        if dev.ip6_ptr.lock().is_none() {
            continue;
        }
        let mut ip_idx = cb.args[1];
        let r = in6_dump_addrs(&dev, skb, cb, &mut ip_idx, &fillargs, now);
        cb.args[1] = ip_idx;
        r?;
    }
    cb.args[0] = i64::from(i32::MAX);
    Ok(0)
}

/// `inet6_if_nlmsg_size`.
pub(super) fn inet6_if_nlmsg_size(dev: &NetDevice) -> usize {
    nlwire::nlmsg_align(16)
        + nla_total_size(16)
        + nla_total_size(32)
        + nla_total_size(4)
        + nla_total_size(4)
        + nla_total_size(1)
        + nla_total_size(super::inet6_get_link_af_size(dev, 0))
}

/// `inet6_fill_ifinfo`: an AF_INET6 RTM_NEWLINK: name, address, MTU, link,
/// operstate and IFLA_PROTINFO holding the inet6_dev's attributes.
pub(super) fn inet6_fill_ifinfo(
    skb: &mut SkBuff,
    dev: &NetDevice,
    portid: u32,
    seq: u32,
    event: u16,
    flags: u16,
) -> Result<(), Errno> {
    let nlh = skb.nlmsg_put(portid, seq, event, 16, flags).ok_or(Errno::EMSGSIZE)?;
    let (ty, dflags, name, addr, mtu, operstate, running) = {
        let st = dev.st.lock();
        (st.ty, st.get_flags(), st.name.clone(), st.addr().to_vec(), st.mtu, st.operstate, st.running)
    };
    {
        let h = skb.nlmsg_data_mut(nlh);
        h[0] = AF_INET6;
        h[1] = 0;
        h[2..4].copy_from_slice(&ty.to_ne_bytes());
        h[4..8].copy_from_slice(&dev.ifindex().to_ne_bytes());
        h[8..12].copy_from_slice(&dflags.to_ne_bytes());
        h[12..16].copy_from_slice(&0u32.to_ne_bytes());
    }
    let ifindex = dev.ifindex();
    let iflink = dev.iflink();
    let r = (|| -> Result<(), Errno> {
        skb.nla_put_string(IFLA_IFNAME, &name)?;
        if !addr.is_empty() {
            skb.nla_put(IFLA_ADDRESS, &addr)?;
        }
        skb.nla_put_u32(IFLA_MTU, mtu)?;
        if ifindex != iflink {
            skb.nla_put_u32(IFLA_LINK, iflink as u32)?;
        }
        skb.nla_put_u8(IFLA_OPERSTATE, if running { operstate } else { nlwire::uapi::if_link::IF_OPER_DOWN })?;
        let nest = skb.nla_nest_start_noflag(IFLA_PROTINFO)?;
        super::inet6_fill_link_af(skb, dev, 0)?;
        skb.nla_nest_end(nest);
        Ok(())
    })();
    match r {
        Ok(()) => {
            skb.nlmsg_end(nlh);
            Ok(())
        }
        Err(e) => {
            skb.nlmsg_cancel(nlh);
            Err(e)
        }
    }
}

/// `inet6_ifinfo_notify`: RTNLGRP_IPV6_IFINFO, pid 0, seq 0.
pub fn inet6_ifinfo_notify(net: &Arc<Net>, event: u16, dev: &NetDevice) {
    let _s = debug_span!("inet6_ifinfo_notify").entered();
    let mut skb = nlmsg_new(inet6_if_nlmsg_size(dev));
    if inet6_fill_ifinfo(&mut skb, dev, 0, 0, event, 0).is_ok() {
        rtnl_notify(skb, net, 0, RTNLGRP_IPV6_IFINFO, None);
    }
}

/// `inet6_valid_dump_ifinfo`: a strict AF_INET6 link dump takes a clean
/// `ifinfomsg` and nothing after it.
pub(super) fn inet6_valid_dump_ifinfo(nlh: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let p = nlh.get(16..).unwrap_or(&[]);
    if p.len() < 16 {
        extack.set_msg("ipv6: Invalid header for link dump request");
        return Err(Errno::EINVAL);
    }
    if p.len() > 16 {
        extack.set_msg("ipv6: Invalid data after header");
        return Err(Errno::EINVAL);
    }
    if p[1] != 0 || p[2..16].iter().any(|b| *b != 0) {
        extack.set_msg("ipv6: Invalid values in header for dump request");
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// `inet6_dump_ifinfo`: PF_INET6 RTM_GETLINK dump: one AF_INET6
/// RTM_NEWLINK per device with an inet6_dev, `cb->args[0]` the next index.
pub fn inet6_dump_ifinfo(skb: &mut SkBuff, cb: &mut NetlinkCallback) -> Result<usize, Errno> {
    let _s = debug_span!("inet6_dump_ifinfo").entered();
    if cb.strict_check {
        let nlh = cb.nlh.clone();
        inet6_valid_dump_ifinfo(&nlh, &mut cb.extack)?;
    }
    let net = Arc::clone(&cb.net);
    let seq = NlMsgHdr::new_unchecked(&cb.nlh[..]).nlmsg_seq();
    let start = cb.args[0] as i32;
    let devs: Vec<Arc<NetDevice>> = net.dev.read().by_index.range(start..).map(|(_, d)| Arc::clone(d)).collect();
    for dev in devs {
        cb.args[0] = i64::from(dev.ifindex());
        if dev.ip6_ptr.lock().is_none() {
            continue;
        }
        inet6_fill_ifinfo(skb, &dev, cb.portid, seq, RTM_NEWLINK, NLM_F_MULTI)?;
    }
    cb.args[0] = i64::from(i32::MAX);
    Ok(0)
}
