//! IPv6 addresses: `struct inet6_ifaddr` and its life in net/ipv6/addrconf.c
//! (the netlink handlers are in `netlink.rs`, DAD and lifetimes in
//! `dad.rs`, automatic addresses and the notifier in `autoconf.rs`).
//!
//! Addresses live in their device's `inet6_dev` (`addr_list`). They come
//! from userspace (`inet6_rtm_newaddr` → `inet6_addr_add` →
//! `ipv6_add_addr`), from the loopback coming up (`init_loopback`: `::1`)
//! and from an Ethernet-like device becoming ready (`addrconf_dev_config`
//! → `addrconf_addr_gen`: the EUI-64 link-local). Each one keeps its local
//! route (`ifp->rt`, made by `addrconf_f6i_alloc`, inserted by
//! `__ipv6_ifa_notify` once the address is no longer tentative) and adds a
//! prefix route (`addrconf_prefix_route`). Duplicate address detection runs
//! on the virtual clock (`addrconf_dad_*`), lifetimes too
//! (`addrconf_verify_rtnl`). No packet is ever sent: DAD always succeeds.

use std::net::Ipv6Addr;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

use super::dad::*;
use super::{ipv6_add_dev, Inet6Dev, IPV6_MIN_MTU};
use crate::net::core::dev::{dev_get_by_index, for_each_netdev, NetDevice};
use crate::net::core::net_namespace::Net;
use crate::net::core::rtnetlink::rtnl_notify;
use crate::net::core::skbuff::nlmsg_new;
use crate::net::core::skbuff::SkBuff;
use crate::net::ipv6::addrconf_core::*;
use crate::net::ipv6::route::{
    addrconf_f6i_alloc, addrconf_get_prefix_route, ip6_del_rt, ip6_ins_rt, ip6_route_add, Fib6Config, Fib6Info, NlInfo,
};
use crate::time::{jiffies, TimerList, HZ, INITIAL_JIFFIES};
use crate::Errno;
use nlwire::nlattr::nla_total_size;
use nlwire::policy::ExtAck;
use nlwire::uapi::if_::IFF_LOOPBACK;
use nlwire::uapi::if_addr::*;
use nlwire::uapi::rtnetlink::*;
use nlwire::uapi::socket::AF_INET6;
use tracing::debug_span;

/// `INFINITY_LIFE_TIME`.
pub const INFINITY_LIFE_TIME: u32 = 0xffff_ffff;
/// `IP6_RT_PRIO_ADDRCONF`: the metric of prefix and multicast routes.
pub const IP6_RT_PRIO_ADDRCONF: u32 = 256;
/// `RT6_TABLE_PREFIX` (= main) and `RT6_TABLE_LOCAL`.
pub const RT6_TABLE_PREFIX: u32 = 254;
pub const RT6_TABLE_LOCAL: u32 = 255;
/// `RTF_UP`, `RTF_DEFAULT`, `RTF_EXPIRES` (include/uapi/linux/ipv6_route.h).
pub const RTF_UP: u32 = 0x0001;
pub const RTF_DEFAULT: u32 = 0x0001_0000;
pub const RTF_EXPIRES: u32 = 0x0040_0000;

pub(super) const DEVCONF_DAD_TRANSMITS: usize = 6;
pub(super) const DEVCONF_RTR_SOLICIT_DELAY: usize = 9;
pub(super) const DEVCONF_OPTIMISTIC_DAD: usize = 23;
pub(super) const DEVCONF_DISABLE_IPV6: usize = 26;
pub(super) const DEVCONF_ACCEPT_DAD: usize = 27;
pub(super) const DEVCONF_KEEP_ADDR_ON_DOWN: usize = 42;

/// `ADDR_CHECK_FREQUENCY`, `ADDRCONF_TIMER_FUZZ_MINUS`, `ADDRCONF_TIMER_FUZZ`, `ADDRCONF_TIMER_FUZZ_MAX`.
pub(super) const ADDR_CHECK_FREQUENCY: u64 = 120 * HZ;
pub(super) const ADDRCONF_TIMER_FUZZ_MINUS: u64 = if HZ > 50 { HZ / 50 } else { 1 };
pub(super) const ADDRCONF_TIMER_FUZZ: u64 = HZ / 4;
pub(super) const ADDRCONF_TIMER_FUZZ_MAX: u64 = HZ;

/// `enum inet6_ifaddr_state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ifa6State {
    PreDad,
    Dad,
    PostDad,
    ErrDad,
    Dead,
}

/// `struct inet6_ifaddr`: one IPv6 address.
#[derive(Debug, Clone)]
pub struct Inet6Ifaddr {
    pub addr: Ipv6Addr,
    /// `peer_addr`: `::` unless IFA_LOCAL and IFA_ADDRESS differed.
    pub peer_addr: Ipv6Addr,
    pub prefix_len: u8,
    /// `flags` (IFA_F_*).
    pub flags: u32,
    /// `scope`: IFA_HOST, IFA_LINK, IFA_SITE or 0.
    pub scope: u32,
    pub rt_priority: u32,
    pub ifa_proto: u8,
    /// Seconds; INFINITY_LIFE_TIME = forever.
    pub valid_lft: u32,
    pub prefered_lft: u32,
    /// Jiffies at creation and at the last change of lifetimes.
    pub cstamp: u64,
    pub tstamp: u64,
    pub state: Ifa6State,
    pub dad_probes: u32,
    /// `ifp->rt`: the local route, and whether it is in the table
    /// (`rt->fib6_node != NULL`).
    pub rt: Option<Arc<Fib6Info>>,
    pub rt_inserted: bool,
    /// Identity of this address for its timers (the kernel uses the pointer).
    pub id: u64,
    /// `ifp->dad_work`.
    pub dad_work: TimerList,
}

pub(super) static IFA_ID: AtomicU64 = AtomicU64::new(1);

/// `net->ipv6`'s address state: `dev_addr_genid` and `addr_chk_work`.
pub(super) struct Ipv6NetAddr {
    pub(super) dev_addr_genid: AtomicU32,
    pub(super) addr_chk_work: TimerList,
}

pub(super) fn net_ipv6(net: &Arc<Net>) -> Arc<Ipv6NetAddr> {
    if let Some(s) = net.generic::<Ipv6NetAddr>() {
        return s;
    }
    let s = Arc::new(Ipv6NetAddr { dev_addr_genid: AtomicU32::new(0), addr_chk_work: TimerList::setup(&net.globals) });
    net.set_generic(Arc::clone(&s));
    s
}

/// `cstamp_delta`: jiffies since boot in hundredths of a second.
pub fn cstamp_delta(cstamp: u64) -> u32 {
    (cstamp.wrapping_sub(INITIAL_JIFFIES).wrapping_mul(100) / HZ) as u32
}

/// `inet6_base_seq`: the dump generation.
pub(super) fn inet6_base_seq(net: &Arc<Net>) -> u32 {
    net_ipv6(net).dev_addr_genid.load(Ordering::Relaxed).wrapping_add(net.dev.read().dev_base_seq)
}

/// Runs `f` on the address `id` of `dev`, if it is still there.
pub(super) fn ifa_update<R>(dev: &NetDevice, id: u64, f: impl FnOnce(&mut Inet6Ifaddr) -> R) -> Option<R> {
    let mut g = dev.ip6_ptr.lock();
    g.as_mut()?.addr_list.iter_mut().find(|i| i.id == id).map(f)
}

pub(super) fn cnf(dev: &NetDevice, i: usize) -> i32 {
    dev.ip6_ptr.lock().as_ref().map_or(0, |d| d.cnf[i] as i32)
}

/// `ipv6_chk_addr`: is `addr` a usable (not tentative, unless optimistic)
/// address of `dev`, or of any device when `dev` is None? A link- or
/// host-scoped address counts for another device only when not `strict`.
pub fn ipv6_chk_addr(net: &Arc<Net>, addr: &Ipv6Addr, dev: Option<&NetDevice>, strict: bool) -> bool {
    for d in for_each_netdev(net) {
        let g = d.ip6_ptr.lock();
        let Some(idev) = g.as_ref() else { continue };
        for ifp in &idev.addr_list {
            let mut flags = ifp.flags;
            if flags & IFA_F_OPTIMISTIC != 0 {
                flags &= !IFA_F_TENTATIVE;
            }
            if ifp.addr == *addr
                && flags & IFA_F_TENTATIVE == 0
                && (dev.is_none_or(|x| std::ptr::eq(x, &*d)) || !(ifp.scope & (IFA_LINK | IFA_HOST) != 0 || strict))
            {
                return true;
            }
        }
    }
    false
}

/// `ipv6_addr_diff`: the number of leading bits two addresses share.
fn ipv6_addr_diff(a: &Ipv6Addr, b: &Ipv6Addr) -> u32 {
    (u128::from(*a) ^ u128::from(*b)).leading_zeros()
}

/// `ipv6_dev_get_saddr`: RFC 6724 source address selection for `daddr`
/// out of `dst_dev`: the candidates (not tentative unless optimistic) of
/// the outgoing device only for multicast and link-local destinations, of
/// every device otherwise, compared rule by rule: the destination itself,
/// appropriate scope, not deprecated, the outgoing interface, matching
/// label, longest matching prefix. (Home addresses, temporary addresses
/// and ORCHIDs do not occur here; `prefs` is ignored.) EADDRNOTAVAIL when
/// there is no candidate.
pub fn ipv6_dev_get_saddr(
    net: &Arc<Net>,
    dst_dev: Option<&NetDevice>,
    daddr: &Ipv6Addr,
    _prefs: u32,
) -> Result<Ipv6Addr, Errno> {
    let dst_type = ipv6_addr_type(daddr);
    let dst_scope = ipv6_addr_src_scope(daddr);
    let dst_ifindex = dst_dev.map_or(0, |d| d.ifindex());
    let dst_label = crate::net::ipv6::addrlabel::ipv6_addr_label(daddr, dst_type);
    let use_oif_addr = dst_dev.is_some() && (dst_type & IPV6_ADDR_MULTICAST != 0 || dst_scope <= 2/* LINKLOCAL */);
    let devs: Vec<Arc<NetDevice>> = if use_oif_addr {
        dst_dev.and_then(|d| dev_get_by_index(net, d.ifindex())).into_iter().collect()
    } else {
        for_each_netdev(net)
    };
    // The score of a candidate: the rule values in order, compared
    // lexicographically (`ipv6_get_saddr_eval`).
    let score = |ifa: &Inet6Ifaddr, ifindex: i32| -> [i64; 6] {
        let t = ipv6_addr_type(&ifa.addr);
        let src_scope = i64::from(ipv6_addr_src_scope(&ifa.addr));
        let scopedist = if src_scope >= i64::from(dst_scope) { -src_scope } else { src_scope - 128 };
        let preferred = t & (IPV6_ADDR_MAPPED | IPV6_ADDR_COMPATV4 | IPV6_ADDR_LOOPBACK) != 0
            || ifa.flags & (IFA_F_DEPRECATED | IFA_F_OPTIMISTIC) == 0;
        let label = crate::net::ipv6::addrlabel::ipv6_addr_label(&ifa.addr, t) == dst_label;
        let matchlen = ipv6_addr_diff(&ifa.addr, daddr).min(u32::from(ifa.prefix_len));
        [
            i64::from(ifa.addr == *daddr),
            scopedist,
            i64::from(preferred),
            i64::from(dst_ifindex == 0 || dst_ifindex == ifindex),
            i64::from(label),
            i64::from(matchlen),
        ]
    };
    let mut best: Option<([i64; 6], Ipv6Addr)> = None;
    for dev in devs {
        let list = dev.ip6_ptr.lock().as_ref().map(|d| d.addr_list.clone()).unwrap_or_default();
        for ifa in list {
            if ifa.flags & IFA_F_TENTATIVE != 0 && ifa.flags & IFA_F_OPTIMISTIC == 0 {
                continue;
            }
            let t = ipv6_addr_type(&ifa.addr);
            if t == IPV6_ADDR_ANY || t & IPV6_ADDR_MULTICAST != 0 {
                continue;
            }
            let s = score(&ifa, dev.ifindex());
            // A candidate replaces the best only when strictly better.
            if best.as_ref().is_none_or(|(b, _)| s > *b) {
                best = Some((s, ifa.addr));
            }
        }
    }
    best.map(|(_, a)| a).ok_or(Errno::EADDRNOTAVAIL)
}

/// `ipv6_chk_same_addr` (with a device): `addr` already on `dev`.
pub(super) fn ipv6_chk_same_addr(addr: &Ipv6Addr, dev: &NetDevice) -> bool {
    let g = dev.ip6_ptr.lock();
    g.as_ref().is_some_and(|idev| idev.addr_list.iter().any(|i| i.addr == *addr))
}

/// `struct ifa6_config`.
#[derive(Debug, Clone)]
pub struct Ifa6Config {
    pub pfx: Ipv6Addr,
    pub peer_pfx: Option<Ipv6Addr>,
    pub plen: u8,
    pub ifa_flags: u32,
    pub valid_lft: u32,
    pub preferred_lft: u32,
    pub scope: u32,
    pub rt_priority: u32,
    pub ifa_proto: u8,
}

/// `ipv6_add_addr`: checks the address, allocates its local route and links
/// it into the device's list (sorted by scope, newest first). The address
/// is TENTATIVE unless NODAD. Returns a copy.
pub(super) fn ipv6_add_addr(
    net: &Arc<Net>,
    dev: &Arc<NetDevice>,
    cfg: &Ifa6Config,
    extack: Option<&mut ExtAck>,
) -> Result<Inet6Ifaddr, Errno> {
    let mut dummy = ExtAck::default();
    let extack = extack.unwrap_or(&mut dummy);
    let addr_type = ipv6_addr_type(&cfg.pfx);
    let loopback = dev.st.lock().flags & IFF_LOOPBACK != 0;
    if addr_type == IPV6_ADDR_ANY {
        extack.set_msg("ipv6: Invalid address");
        return Err(Errno::EADDRNOTAVAIL);
    } else if addr_type & IPV6_ADDR_MULTICAST != 0 && cfg.ifa_flags & IFA_F_MCAUTOJOIN == 0 {
        extack.set_msg("ipv6: Cannot assign multicast address without \"IFA_F_MCAUTOJOIN\" flag");
        return Err(Errno::EADDRNOTAVAIL);
    } else if !loopback && addr_type & IPV6_ADDR_LOOPBACK != 0 {
        extack.set_msg("ipv6: Cannot assign loopback address on this device");
        return Err(Errno::EADDRNOTAVAIL);
    }
    {
        let g = dev.ip6_ptr.lock();
        let idev = g.as_ref().ok_or(Errno::ENODEV)?;
        if idev.dead {
            extack.set_msg("ipv6: device is going away");
            return Err(Errno::ENODEV);
        }
        if idev.cnf[DEVCONF_DISABLE_IPV6] != 0 {
            extack.set_msg("ipv6: IPv6 is disabled on this device");
            return Err(Errno::EACCES);
        }
    }
    let f6i = addrconf_f6i_alloc(net, dev, &cfg.pfx, false)?;
    let now = jiffies(&net.globals);
    let mut flags = cfg.ifa_flags;
    if cfg.ifa_flags & IFA_F_NODAD == 0 {
        flags |= IFA_F_TENTATIVE;
    }
    let ifa = Inet6Ifaddr {
        addr: cfg.pfx,
        peer_addr: cfg.peer_pfx.unwrap_or(Ipv6Addr::UNSPECIFIED),
        prefix_len: cfg.plen,
        flags,
        scope: cfg.scope,
        rt_priority: cfg.rt_priority,
        ifa_proto: cfg.ifa_proto,
        valid_lft: cfg.valid_lft,
        prefered_lft: cfg.preferred_lft,
        cstamp: now,
        tstamp: now,
        state: Ifa6State::PreDad,
        dad_probes: 0,
        rt: Some(f6i),
        rt_inserted: false,
        id: IFA_ID.fetch_add(1, Ordering::Relaxed),
        dad_work: TimerList::setup(&net.globals),
    };
    // ipv6_add_addr_hash: a duplicate on this device is refused.
    if ipv6_chk_same_addr(&cfg.pfx, dev) {
        return Err(Errno::EEXIST);
    }
    let mut g = dev.ip6_ptr.lock();
    let idev = g.as_mut().ok_or(Errno::ENODEV)?;
    // ipv6_link_dev_addr
    let scope = ipv6_addr_src_scope(&ifa.addr);
    let pos = idev.addr_list.iter().position(|i| scope >= ipv6_addr_src_scope(&i.addr)).unwrap_or(idev.addr_list.len());
    idev.addr_list.insert(pos, ifa.clone());
    Ok(ifa)
}

/// `inet6_fill_args`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Inet6FillArgs {
    pub(super) portid: u32,
    pub(super) seq: u32,
    pub(super) event: u16,
    pub(super) flags: u16,
    pub(super) netnsid: i32,
}

/// `inet6_ifaddr_msgsize`.
pub(super) fn inet6_ifaddr_msgsize() -> usize {
    nlwire::nlmsg_align(8)
        + nla_total_size(16)
        + nla_total_size(16)
        + nla_total_size(16)
        + nla_total_size(4)
        + nla_total_size(1)
        + nla_total_size(4)
}

/// `rt_scope`: IFA_* scope bits to RT_SCOPE_*.
pub(super) fn rt_scope(ifa_scope: u32) -> u8 {
    if ifa_scope & IFA_HOST != 0 {
        RT_SCOPE_HOST
    } else if ifa_scope & IFA_LINK != 0 {
        RT_SCOPE_LINK
    } else if ifa_scope & IFA_SITE != 0 {
        RT_SCOPE_SITE
    } else {
        RT_SCOPE_UNIVERSE
    }
}

/// `inet6_fill_ifaddr`: ifaddrmsg, then IFA_ADDRESS (or IFA_LOCAL and the
/// peer in IFA_ADDRESS), IFA_RT_PRIORITY if set, IFA_CACHEINFO with the
/// lifetimes left, IFA_FLAGS, IFA_PROTO if set.
pub(super) fn inet6_fill_ifaddr(
    skb: &mut SkBuff,
    ifa: &Inet6Ifaddr,
    ifindex: i32,
    args: &Inet6FillArgs,
    now: u64,
) -> Result<(), Errno> {
    let nlh = skb.nlmsg_put(args.portid, args.seq, args.event, 8, args.flags).ok_or(Errno::EMSGSIZE)?;
    {
        let h = skb.nlmsg_data_mut(nlh);
        h[0] = AF_INET6;
        h[1] = ifa.prefix_len;
        h[2] = ifa.flags as u8;
        h[3] = rt_scope(ifa.scope);
        h[4..8].copy_from_slice(&ifindex.to_ne_bytes());
    }
    let r = (|| -> Result<(), Errno> {
        if args.netnsid >= 0 {
            skb.nla_put_s32(IFA_TARGET_NETNSID, args.netnsid)?;
        }
        let mut preferred = ifa.prefered_lft;
        let mut valid = ifa.valid_lft;
        if !(ifa.flags & IFA_F_PERMANENT != 0 && preferred == INFINITY_LIFE_TIME) {
            if preferred != INFINITY_LIFE_TIME {
                let tval = (now.wrapping_sub(ifa.tstamp) / HZ) as u32;
                preferred = preferred.saturating_sub(tval);
                if valid != INFINITY_LIFE_TIME {
                    valid = valid.saturating_sub(tval);
                }
            }
        } else {
            preferred = INFINITY_LIFE_TIME;
            valid = INFINITY_LIFE_TIME;
        }
        if !ifa.peer_addr.is_unspecified() {
            skb.nla_put_in6_addr(IFA_LOCAL, ifa.addr.octets())?;
            skb.nla_put_in6_addr(IFA_ADDRESS, ifa.peer_addr.octets())?;
        } else {
            skb.nla_put_in6_addr(IFA_ADDRESS, ifa.addr.octets())?;
        }
        if ifa.rt_priority != 0 {
            skb.nla_put_u32(IFA_RT_PRIORITY, ifa.rt_priority)?;
        }
        // put_cacheinfo: struct ifa_cacheinfo{prefered, valid, cstamp, tstamp}
        let mut ci = [0u8; 16];
        ci[0..4].copy_from_slice(&preferred.to_ne_bytes());
        ci[4..8].copy_from_slice(&valid.to_ne_bytes());
        ci[8..12].copy_from_slice(&cstamp_delta(ifa.cstamp).to_ne_bytes());
        ci[12..16].copy_from_slice(&cstamp_delta(ifa.tstamp).to_ne_bytes());
        skb.nla_put(IFA_CACHEINFO, &ci)?;
        skb.nla_put_u32(IFA_FLAGS, ifa.flags)?;
        if ifa.ifa_proto != 0 {
            skb.nla_put_u8(IFA_PROTO, ifa.ifa_proto)?;
        }
        Ok(())
    })();
    match r {
        Ok(()) => {
            skb.nlmsg_end(nlh);
            Ok(())
        }
        Err(_) => {
            skb.nlmsg_cancel(nlh);
            Err(Errno::EMSGSIZE)
        }
    }
}

/// `inet6_ifa_notify`: RTM_NEWADDR/DELADDR to RTNLGRP_IPV6_IFADDR, always
/// with pid 0 and seq 0 (unlike IPv4's `rtmsg_ifa`; probes/p_addr6.py).
pub(super) fn inet6_ifa_notify(net: &Arc<Net>, event: u16, ifa: &Inet6Ifaddr, ifindex: i32) {
    let _s = debug_span!("inet6_ifa_notify", ty = event, addr = %ifa.addr).entered();
    let mut skb = nlmsg_new(inet6_ifaddr_msgsize());
    let args = Inet6FillArgs { portid: 0, seq: 0, event, flags: 0, netnsid: -1 };
    if inet6_fill_ifaddr(&mut skb, ifa, ifindex, &args, jiffies(&net.globals)).is_ok() {
        rtnl_notify(skb, net, 0, RTNLGRP_IPV6_IFADDR, None);
    }
}

/// `__ipv6_ifa_notify`: the announcement, then the local route goes in
/// (RTM_NEWADDR) or out (RTM_DELADDR). `event` 0 announces a NEWADDR
/// without touching routes. `ifp` is updated with the route's state.
pub(super) fn __ipv6_ifa_notify(net: &Arc<Net>, dev: &Arc<NetDevice>, event: u16, ifp: &mut Inet6Ifaddr) {
    let _s = debug_span!("__ipv6_ifa_notify", ty = event, addr = %ifp.addr).entered();
    inet6_ifa_notify(net, if event == 0 { RTM_NEWADDR } else { event }, ifp, dev.ifindex());
    match event {
        RTM_NEWADDR => {
            if let Some(rt) = ifp.rt.as_ref() {
                if !ifp.rt_inserted {
                    let _ = ip6_ins_rt(net, rt);
                    ifp.rt_inserted = true;
                }
            }
            if !ifp.peer_addr.is_unspecified() {
                addrconf_prefix_route(net, &ifp.peer_addr, 128, ifp.rt_priority, dev, 0, 0);
            }
        }
        RTM_DELADDR => {
            if !ifp.peer_addr.is_unspecified() {
                if let Some(rt) = addrconf_get_prefix_route(net, &ifp.peer_addr, 128, Some(dev), 0, 0, false) {
                    let _ = ip6_del_rt(net, &rt, false);
                }
            }
            if let Some(rt) = ifp.rt.take() {
                let _ = ip6_del_rt(net, &rt, false);
                ifp.rt_inserted = false;
            }
        }
        _ => {}
    }
    net_ipv6(net).dev_addr_genid.fetch_add(1, Ordering::Relaxed);
}

/// `ipv6_ifa_notify`: not once the device is dead. Writes the route state
/// back into the device's copy of the address.
pub(super) fn ipv6_ifa_notify(net: &Arc<Net>, dev: &Arc<NetDevice>, event: u16, ifp: &mut Inet6Ifaddr) {
    if dev.ip6_ptr.lock().as_ref().is_none_or(|d| d.dead) {
        return;
    }
    __ipv6_ifa_notify(net, dev, event, ifp);
    let (rt, ins) = (ifp.rt.clone(), ifp.rt_inserted);
    ifa_update(dev, ifp.id, |i| {
        i.rt = rt;
        i.rt_inserted = ins;
    });
}

/// `addrconf_prefix_route`: the on-link route for an address's prefix,
/// table main, metric 256 unless the address has one, proto kernel.
pub(super) fn addrconf_prefix_route(
    net: &Arc<Net>,
    pfx: &Ipv6Addr,
    plen: u8,
    metric: u32,
    dev: &Arc<NetDevice>,
    expires: u64,
    flags: u32,
) {
    let _s = debug_span!("addrconf_prefix_route", %pfx, plen).entered();
    let cfg = Fib6Config {
        fc_table: RT6_TABLE_PREFIX,
        fc_metric: if metric != 0 { metric } else { IP6_RT_PRIO_ADDRCONF },
        fc_dst_len: plen,
        fc_src_len: 0,
        fc_ifindex: dev.ifindex(),
        fc_flags: RTF_UP | flags,
        fc_protocol: RTPROT_KERNEL,
        fc_type: RTN_UNICAST,
        fc_expires: expires,
        fc_dst: ipv6_prefix(pfx, plen),
        fc_src: Ipv6Addr::UNSPECIFIED,
        fc_prefsrc: Ipv6Addr::UNSPECIFIED,
        fc_gateway: Ipv6Addr::UNSPECIFIED,
        fc_nlinfo: NlInfo::default(),
    };
    let _ = ip6_route_add(net, &cfg);
}

/// The prefix of `addr` (fib6 keys routes by their masked destination).
pub(super) fn ipv6_prefix(addr: &Ipv6Addr, plen: u8) -> Ipv6Addr {
    let plen = u32::from(plen.min(128));
    if plen == 0 {
        return Ipv6Addr::UNSPECIFIED;
    }
    Ipv6Addr::from(u128::from(*addr) & (u128::MAX << (128 - plen)))
}

/// `addrconf_add_mroute`: ff00::/8 in table local, type multicast.
pub(super) fn addrconf_add_mroute(net: &Arc<Net>, dev: &Arc<NetDevice>) {
    let cfg = Fib6Config {
        fc_table: RT6_TABLE_LOCAL,
        fc_metric: IP6_RT_PRIO_ADDRCONF,
        fc_dst_len: 8,
        fc_src_len: 0,
        fc_ifindex: dev.ifindex(),
        fc_flags: RTF_UP,
        fc_protocol: RTPROT_KERNEL,
        fc_type: RTN_MULTICAST,
        fc_expires: 0,
        fc_dst: Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0),
        fc_src: Ipv6Addr::UNSPECIFIED,
        fc_prefsrc: Ipv6Addr::UNSPECIFIED,
        fc_gateway: Ipv6Addr::UNSPECIFIED,
        fc_nlinfo: NlInfo::default(),
    };
    let _ = ip6_route_add(net, &cfg);
}

/// `ipv6_find_idev`: the device's inet6_dev, made if missing.
pub(super) fn ipv6_find_idev(dev: &Arc<NetDevice>) -> Result<(), Errno> {
    if dev.ip6_ptr.lock().is_some() {
        return Ok(());
    }
    if dev.st.lock().mtu < IPV6_MIN_MTU {
        return Err(Errno::EINVAL);
    }
    ipv6_add_dev(dev);
    Ok(())
}

/// `addrconf_add_dev`: the inet6_dev, and the ff00::/8 route of a
/// non-loopback device (added again on every call; the duplicate is
/// refused quietly by the route code).
pub(super) fn addrconf_add_dev(net: &Arc<Net>, dev: &Arc<NetDevice>) -> Result<(), Errno> {
    ipv6_find_idev(dev)?;
    if cnf(dev, DEVCONF_DISABLE_IPV6) != 0 {
        return Err(Errno::EACCES);
    }
    if dev.st.lock().flags & IFF_LOOPBACK == 0 {
        addrconf_add_mroute(net, dev);
    }
    Ok(())
}

/// `inet6_addr_add`: a manual address: its prefix route first, then (unless
/// NODAD) the tentative RTM_NEWADDR, then DAD.
pub(super) fn inet6_addr_add(
    net: &Arc<Net>,
    dev: &Arc<NetDevice>,
    cfg: &mut Ifa6Config,
    expires: u64,
    flags: u32,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    let _s = debug_span!("inet6_addr_add", pfx = %cfg.pfx, plen = cfg.plen).entered();
    if cfg.plen > 128 {
        extack.set_msg("ipv6: Invalid prefix length");
        return Err(Errno::EINVAL);
    }
    if cfg.ifa_flags & IFA_F_MANAGETEMPADDR != 0 && cfg.plen != 64 {
        extack.set_msg("ipv6: address with \"mngtmpaddr\" flag must have a prefix length of 64");
        return Err(Errno::EINVAL);
    }
    if let Err(e) = addrconf_add_dev(net, dev) {
        extack.set_msg("ipv6: IPv6 is disabled on this device");
        return Err(e);
    }
    cfg.scope = ipv6_addr_scope(&cfg.pfx);
    let mut ifp = ipv6_add_addr(net, dev, cfg, Some(extack))?;
    if cfg.ifa_flags & IFA_F_NOPREFIXROUTE == 0 {
        addrconf_prefix_route(net, &ifp.addr, ifp.prefix_len, ifp.rt_priority, dev, expires, flags);
    }
    if ifp.flags & (IFA_F_OPTIMISTIC | IFA_F_NODAD) == 0 {
        ipv6_ifa_notify(net, dev, 0, &mut ifp);
    }
    addrconf_dad_start(net, dev, ifp.id);
    addrconf_verify_rtnl(net);
    Ok(())
}

/// `check_cleanup_prefix_route`: whether the prefix route outlives `ifp`.
#[derive(PartialEq, Eq)]
pub(super) enum CleanupPrefixRt {
    Nop,
    Del,
    Expire,
}

pub(super) fn check_cleanup_prefix_route(idev: &Inet6Dev, ifp: &Inet6Ifaddr) -> CleanupPrefixRt {
    let mut action = CleanupPrefixRt::Del;
    for ifa in &idev.addr_list {
        if ifa.id == ifp.id
            || ifa.prefix_len != ifp.prefix_len
            || !ipv6_prefix_equal(&ifa.addr, &ifp.addr, ifp.prefix_len)
        {
            continue;
        }
        if ifa.flags & (IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE) != 0 {
            return CleanupPrefixRt::Nop;
        }
        action = CleanupPrefixRt::Expire;
    }
    action
}

/// `cleanup_prefix_route`: deletes the prefix route (an expiry update is
/// route-internal and not modelled).
pub(super) fn cleanup_prefix_route(
    net: &Arc<Net>,
    dev: &Arc<NetDevice>,
    ifp: &Inet6Ifaddr,
    del_rt: bool,
    del_peer: bool,
) {
    let pfx = if del_peer { ifp.peer_addr } else { ifp.addr };
    if let Some(rt) = addrconf_get_prefix_route(
        net,
        &ipv6_prefix(&pfx, ifp.prefix_len),
        ifp.prefix_len,
        Some(dev),
        0,
        RTF_DEFAULT,
        true,
    ) {
        if del_rt {
            let _ = ip6_del_rt(net, &rt, false);
        }
    }
}

/// `ipv6_del_addr`: unlinks the address, announces RTM_DELADDR (which
/// takes its local route out), then drops the prefix route if no other
/// permanent address of the prefix needs it.
pub(super) fn ipv6_del_addr(net: &Arc<Net>, dev: &Arc<NetDevice>, id: u64) {
    let _s = debug_span!("ipv6_del_addr").entered();
    let (mut ifp, action) = {
        let mut g = dev.ip6_ptr.lock();
        let Some(idev) = g.as_mut() else { return };
        let Some(pos) = idev.addr_list.iter().position(|i| i.id == id) else { return };
        if idev.addr_list[pos].state == Ifa6State::Dead {
            return;
        }
        let ifp = idev.addr_list[pos].clone();
        let action = if ifp.flags & IFA_F_PERMANENT != 0 && ifp.flags & IFA_F_NOPREFIXROUTE == 0 {
            check_cleanup_prefix_route(idev, &ifp)
        } else {
            CleanupPrefixRt::Nop
        };
        idev.addr_list.remove(pos);
        (ifp, action)
    };
    ifp.state = Ifa6State::Dead;
    ifp.dad_work.delete(&net.globals);
    if dev.ip6_ptr.lock().as_ref().is_some_and(|d| !d.dead) {
        __ipv6_ifa_notify(net, dev, RTM_DELADDR, &mut ifp);
    }
    if action != CleanupPrefixRt::Nop {
        cleanup_prefix_route(net, dev, &ifp, action == CleanupPrefixRt::Del, false);
    }
    // Routes that named it as their preferred source forget it.
    crate::net::ipv6::route::rt6_remove_prefsrc(net, &ifp.addr);
}

/// `inet6_addr_del`: by device, address and prefix length. (`ifa_flags`
/// MANAGETEMPADDR would delete the temporary addresses made from it: none
/// are made here.)
pub(super) fn inet6_addr_del(
    net: &Arc<Net>,
    ifindex: i32,
    _ifa_flags: u32,
    pfx: &Ipv6Addr,
    plen: u8,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    let _s = debug_span!("inet6_addr_del", %pfx, plen).entered();
    if plen > 128 {
        extack.set_msg("ipv6: Invalid prefix length");
        return Err(Errno::EINVAL);
    }
    let Some(dev) = dev_get_by_index(net, ifindex) else {
        extack.set_msg("ipv6: Unable to find the interface");
        return Err(Errno::ENODEV);
    };
    let found = {
        let g = dev.ip6_ptr.lock();
        let Some(idev) = g.as_ref() else {
            extack.set_msg("ipv6: IPv6 is disabled on this device");
            return Err(Errno::ENXIO);
        };
        idev.addr_list.iter().find(|i| i.prefix_len == plen && i.addr == *pfx).map(|i| i.id)
    };
    match found {
        Some(id) => {
            ipv6_del_addr(net, &dev, id);
            addrconf_verify_rtnl(net);
            Ok(())
        }
        None => {
            extack.set_msg("ipv6: address not found");
            Err(Errno::EADDRNOTAVAIL)
        }
    }
}
