//! IPv6 addresses: the `inet6_ifaddr` half of net/ipv6/addrconf.c.
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
use std::sync::{Arc, Weak};

use super::{ipv6_add_dev, Inet6Dev, IF_READY, IPV6_MIN_MTU};
use crate::kernel::Globals;
use crate::net::core::dev::{
    dev_get_by_index, for_each_netdev, NetDevice, NetdevEvent, NetdevNotifierInfo, ARPHRD_ETHER, ARPHRD_LOOPBACK,
    ARPHRD_NONE,
};
use crate::net::core::net_namespace::{get_net_ns_by_id, rtnl_get_net_ns_capable, Net};
use crate::net::core::rtnetlink::{rtnl_held_here, rtnl_lock, rtnl_notify, rtnl_unicast};
use crate::net::core::skbuff::nlmsg_new;
use crate::net::core::skbuff::SkBuff;
use crate::net::ipv6::addrconf_core::*;
use crate::net::ipv6::route::{
    addrconf_f6i_alloc, addrconf_get_prefix_route, ip6_del_rt, ip6_ins_rt, ip6_route_add, rt6_disable_ip, Fib6Config,
    Fib6Info, NlInfo,
};
use crate::net::netlink::af_netlink::dump::NetlinkCallback;
use crate::net::netlink::af_netlink::NetlinkRcvSkb;
use crate::time::{jiffies, msecs_to_jiffies, TimerList, HZ, INITIAL_JIFFIES};
use crate::Errno;
use nlwire::nlattr::nla_total_size;
use nlwire::policy::{nlmsg_parse_deprecated, nlmsg_parse_deprecated_strict, ExtAck, NlaPolicy, NlaType};
use nlwire::skb::NlMsgStart;
use nlwire::uapi::if_::{IFF_LOOPBACK, IFF_NOARP};
use nlwire::uapi::if_addr::*;
use nlwire::uapi::if_link::{
    IFLA_ADDRESS, IFLA_IFNAME, IFLA_LINK, IFLA_MTU, IFLA_OPERSTATE, IFLA_PROTINFO, IN6_ADDR_GEN_MODE_EUI64,
    IN6_ADDR_GEN_MODE_RANDOM, IN6_ADDR_GEN_MODE_STABLE_PRIVACY,
};
use nlwire::uapi::netlink::{NLM_F_DUMP_FILTERED, NLM_F_EXCL, NLM_F_MULTI, NLM_F_REPLACE};
use nlwire::uapi::rtnetlink::*;
use nlwire::uapi::socket::AF_INET6;
use nlwire::NlMsgHdr;
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

const DEVCONF_DAD_TRANSMITS: usize = 6;
const DEVCONF_RTR_SOLICIT_DELAY: usize = 9;
const DEVCONF_OPTIMISTIC_DAD: usize = 23;
const DEVCONF_DISABLE_IPV6: usize = 26;
const DEVCONF_ACCEPT_DAD: usize = 27;
const DEVCONF_KEEP_ADDR_ON_DOWN: usize = 42;

/// `ADDR_CHECK_FREQUENCY`, `ADDRCONF_TIMER_FUZZ_MINUS`, `ADDRCONF_TIMER_FUZZ`, `ADDRCONF_TIMER_FUZZ_MAX`.
const ADDR_CHECK_FREQUENCY: u64 = 120 * HZ;
const ADDRCONF_TIMER_FUZZ_MINUS: u64 = if HZ > 50 { HZ / 50 } else { 1 };
const ADDRCONF_TIMER_FUZZ: u64 = HZ / 4;
const ADDRCONF_TIMER_FUZZ_MAX: u64 = HZ;

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

static IFA_ID: AtomicU64 = AtomicU64::new(1);

/// `net->ipv6`'s address state: `dev_addr_genid` and `addr_chk_work`.
struct Ipv6NetAddr {
    dev_addr_genid: AtomicU32,
    addr_chk_work: TimerList,
}

fn net_ipv6(net: &Arc<Net>) -> Arc<Ipv6NetAddr> {
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
fn inet6_base_seq(net: &Arc<Net>) -> u32 {
    net_ipv6(net).dev_addr_genid.load(Ordering::Relaxed).wrapping_add(net.dev.read().dev_base_seq)
}

/// Runs `f` on the address `id` of `dev`, if it is still there.
fn ifa_update<R>(dev: &NetDevice, id: u64, f: impl FnOnce(&mut Inet6Ifaddr) -> R) -> Option<R> {
    let mut g = dev.ip6_ptr.lock();
    g.as_mut()?.addr_list.iter_mut().find(|i| i.id == id).map(f)
}

fn cnf(dev: &NetDevice, i: usize) -> i32 {
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

/// `ipv6_chk_same_addr` (with a device): `addr` already on `dev`.
fn ipv6_chk_same_addr(addr: &Ipv6Addr, dev: &NetDevice) -> bool {
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
fn ipv6_add_addr(
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
struct Inet6FillArgs {
    portid: u32,
    seq: u32,
    event: u16,
    flags: u16,
    netnsid: i32,
}

/// `inet6_ifaddr_msgsize`.
fn inet6_ifaddr_msgsize() -> usize {
    nlwire::nlmsg_align(8)
        + nla_total_size(16)
        + nla_total_size(16)
        + nla_total_size(16)
        + nla_total_size(4)
        + nla_total_size(1)
        + nla_total_size(4)
}

/// `rt_scope`: IFA_* scope bits to RT_SCOPE_*.
fn rt_scope(ifa_scope: u32) -> u8 {
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
fn inet6_fill_ifaddr(
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
fn inet6_ifa_notify(net: &Arc<Net>, event: u16, ifa: &Inet6Ifaddr, ifindex: i32) {
    let _s = debug_span!("inet6_ifa_notify", event, addr = %ifa.addr).entered();
    let mut skb = nlmsg_new(inet6_ifaddr_msgsize());
    let args = Inet6FillArgs { portid: 0, seq: 0, event, flags: 0, netnsid: -1 };
    if inet6_fill_ifaddr(&mut skb, ifa, ifindex, &args, jiffies(&net.globals)).is_ok() {
        rtnl_notify(skb, net, 0, RTNLGRP_IPV6_IFADDR, None);
    }
}

/// `__ipv6_ifa_notify`: the announcement, then the local route goes in
/// (RTM_NEWADDR) or out (RTM_DELADDR). `event` 0 announces a NEWADDR
/// without touching routes. `ifp` is updated with the route's state.
fn __ipv6_ifa_notify(net: &Arc<Net>, dev: &Arc<NetDevice>, event: u16, ifp: &mut Inet6Ifaddr) {
    let _s = debug_span!("__ipv6_ifa_notify", event, addr = %ifp.addr).entered();
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
fn ipv6_ifa_notify(net: &Arc<Net>, dev: &Arc<NetDevice>, event: u16, ifp: &mut Inet6Ifaddr) {
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
fn addrconf_prefix_route(
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
fn ipv6_prefix(addr: &Ipv6Addr, plen: u8) -> Ipv6Addr {
    let plen = u32::from(plen.min(128));
    if plen == 0 {
        return Ipv6Addr::UNSPECIFIED;
    }
    Ipv6Addr::from(u128::from(*addr) & (u128::MAX << (128 - plen)))
}

/// `addrconf_add_mroute`: ff00::/8 in table local, type multicast.
fn addrconf_add_mroute(net: &Arc<Net>, dev: &Arc<NetDevice>) {
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
fn ipv6_find_idev(dev: &Arc<NetDevice>) -> Result<(), Errno> {
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
fn addrconf_add_dev(net: &Arc<Net>, dev: &Arc<NetDevice>) -> Result<(), Errno> {
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
fn inet6_addr_add(
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
enum CleanupPrefixRt {
    Nop,
    Del,
    Expire,
}

fn check_cleanup_prefix_route(idev: &Inet6Dev, ifp: &Inet6Ifaddr) -> CleanupPrefixRt {
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
fn cleanup_prefix_route(net: &Arc<Net>, dev: &Arc<NetDevice>, ifp: &Inet6Ifaddr, del_rt: bool, del_peer: bool) {
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
fn ipv6_del_addr(net: &Arc<Net>, dev: &Arc<NetDevice>, id: u64) {
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
}

/// `inet6_addr_del`: by device, address and prefix length. (`ifa_flags`
/// MANAGETEMPADDR would delete the temporary addresses made from it: none
/// are made here.)
fn inet6_addr_del(
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

/// `ifa_ipv6_policy`.
static IFA_IPV6_POLICY: [NlaPolicy; IFA_MAX as usize + 1] = {
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

const IFA_N: usize = IFA_MAX as usize + 1;

fn in6_of(b: &[u8]) -> Ipv6Addr {
    let mut o = [0u8; 16];
    let n = b.len().min(16);
    o[..n].copy_from_slice(&b[..n]);
    Ipv6Addr::from(o)
}

/// `extract_addr`: IFA_LOCAL is the address when present, IFA_ADDRESS then
/// the peer if it differs.
fn extract_addr(addr: Option<&[u8]>, local: Option<&[u8]>) -> Option<(Ipv6Addr, Option<Ipv6Addr>)> {
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
fn ifaddrmsg(msg: &[u8]) -> (u8, u8, u8, i32) {
    let p = msg.get(16..).unwrap_or(&[]);
    if p.len() < 8 {
        return (0, 0, 0, 0);
    }
    (p[1], p[2], p[3], i32::from_ne_bytes([p[4], p[5], p[6], p[7]]))
}

/// `inet6_addr_modify`: NLM_F_REPLACE of an existing address: new flags,
/// lifetimes, proto and metric; the prefix route follows the metric.
fn inet6_addr_modify(
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
fn modify_prefix_route(
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
            expires = u64::from(valid) * HZ;
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
fn inet6_valid_dump_ifaddr_req(
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
fn in6_dump_addrs(
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

// ---------------------------------------------------------------------------
// DAD

/// `addrconf_mod_dad_work`: (re)arms the address's DAD work `delay`
/// jiffies from now. The work runs on the virtual clock; a delay of 0 runs
/// at the next `Kernel::advance_ms` (even of 0 ms).
fn addrconf_mod_dad_work(net: &Arc<Net>, dev: &Arc<NetDevice>, id: u64, delay: u64) {
    let Some(timer) = ifa_update(dev, id, |i| i.dad_work) else { return };
    let wnet: Weak<Net> = Arc::downgrade(net);
    let ifindex = dev.ifindex();
    let expires = jiffies(&net.globals) + delay;
    timer.mod_timer(
        &net.globals,
        expires,
        Box::new(move |_g: &Arc<Globals>| {
            if let Some(net) = wnet.upgrade() {
                addrconf_dad_work(&net, ifindex, id);
            }
        }),
    );
}

/// `addrconf_dad_start`: PREDAD, and the work right away.
fn addrconf_dad_start(net: &Arc<Net>, dev: &Arc<NetDevice>, id: u64) {
    let begin = ifa_update(dev, id, |i| {
        if i.state != Ifa6State::Dead {
            i.state = Ifa6State::PreDad;
            true
        } else {
            false
        }
    });
    if begin == Some(true) {
        addrconf_mod_dad_work(net, dev, id, 0);
    }
}

/// `addrconf_dad_kick`: a random delay below `rtr_solicit_delay` (from the
/// seeded generator), then `dad_transmits` probes.
fn addrconf_dad_kick(net: &Arc<Net>, dev: &Arc<NetDevice>, id: u64) {
    let (delay_ms, transmits) = {
        let g = dev.ip6_ptr.lock();
        let Some(idev) = g.as_ref() else { return };
        (idev.cnf[DEVCONF_RTR_SOLICIT_DELAY], idev.cnf[DEVCONF_DAD_TRANSMITS])
    };
    let optimistic = ifa_update(dev, id, |i| i.flags & IFA_F_OPTIMISTIC != 0).unwrap_or(false);
    let rand_num = if optimistic {
        0
    } else {
        let d = msecs_to_jiffies(u64::from(delay_ms)).min(u64::from(u32::MAX)) as u32;
        u64::from(net.globals.random_u32_below(if d == 0 { 1 } else { d }))
    };
    // enhanced_dad draws a nonce: not modelled (no packets).
    ifa_update(dev, id, |i| i.dad_probes = transmits);
    addrconf_mod_dad_work(net, dev, id, rand_num);
}

/// `addrconf_dad_begin`: loopback, NOARP, accept_dad < 1 and NODAD
/// addresses complete at once; a device not ready keeps it tentative.
fn addrconf_dad_begin(net: &Arc<Net>, dev: &Arc<NetDevice>, id: u64) {
    let dflags = dev.st.lock().flags;
    let (accept_dad, ready) = {
        let g = dev.ip6_ptr.lock();
        let Some(idev) = g.as_ref() else { return };
        (idev.cnf[DEVCONF_ACCEPT_DAD] as i32, idev.if_flags & IF_READY != 0)
    };
    let Some(ifp) = ifa_update(dev, id, |i| i.clone()) else { return };
    if ifp.state == Ifa6State::Dead {
        return;
    }
    if dflags & (IFF_NOARP | IFF_LOOPBACK) != 0
        || accept_dad < 1
        || ifp.flags & IFA_F_TENTATIVE == 0
        || ifp.flags & IFA_F_NODAD != 0
    {
        ifa_update(dev, id, |i| i.flags &= !(IFA_F_TENTATIVE | IFA_F_OPTIMISTIC | IFA_F_DADFAILED));
        addrconf_dad_completed(net, dev, id);
        return;
    }
    if !ready {
        // addrconf_dad_stop(ifp, 0): a permanent address stays tentative.
        ifa_update(dev, id, |i| {
            i.dad_work.delete(&net.globals);
            i.flags |= IFA_F_TENTATIVE;
        });
        return;
    }
    addrconf_dad_kick(net, dev, id);
}

/// `addrconf_dad_work`: under rtnl: begin, then one step per probe, then
/// success (no neighbour ever answers here).
fn addrconf_dad_work(net: &Arc<Net>, ifindex: i32, id: u64) {
    let _s = debug_span!("addrconf_dad_work", ifindex).entered();
    let _rtnl = (!rtnl_held_here()).then(|| rtnl_lock(net));
    let Some(dev) = dev_get_by_index(net, ifindex) else { return };
    let action = ifa_update(&dev, id, |i| {
        if i.state == Ifa6State::PreDad {
            i.state = Ifa6State::Dad;
            1
        } else {
            0
        }
    });
    match action {
        None => return,
        Some(1) => return addrconf_dad_begin(net, &dev, id),
        _ => {}
    }
    // addrconf_dad_end
    let probes = ifa_update(&dev, id, |i| i.dad_probes).unwrap_or(0);
    if probes == 0 {
        let ended = ifa_update(&dev, id, |i| {
            if i.state == Ifa6State::Dad {
                i.state = Ifa6State::PostDad;
                true
            } else {
                false
            }
        });
        if ended != Some(true) {
            return;
        }
    }
    let (dead, ready, retrans_ms) = {
        let g = dev.ip6_ptr.lock();
        let Some(idev) = g.as_ref() else { return };
        (idev.dead, idev.if_flags & IF_READY != 0, idev.retrans_time)
    };
    if dead || !ready {
        return;
    }
    if ifa_update(&dev, id, |i| i.state == Ifa6State::Dead).unwrap_or(true) {
        return;
    }
    if probes == 0 {
        ifa_update(&dev, id, |i| i.flags &= !(IFA_F_TENTATIVE | IFA_F_OPTIMISTIC | IFA_F_DADFAILED));
        addrconf_dad_completed(net, &dev, id);
        return;
    }
    ifa_update(&dev, id, |i| i.dad_probes -= 1);
    let retrans = msecs_to_jiffies(u64::from(retrans_ms)).max(HZ / 100);
    addrconf_mod_dad_work(net, &dev, id, retrans);
    // ndisc_send_ns of the probe: no packets are modelled.
}

/// `addrconf_dad_completed`: the address is valid now: RTM_NEWADDR and its
/// local route. (Router solicitations and MLD reports are not modelled.)
fn addrconf_dad_completed(net: &Arc<Net>, dev: &Arc<NetDevice>, id: u64) {
    let _s = debug_span!("addrconf_dad_completed").entered();
    let Some(mut ifp) = ifa_update(dev, id, |i| {
        i.dad_work.delete(&net.globals);
        i.clone()
    }) else {
        return;
    };
    ipv6_ifa_notify(net, dev, RTM_NEWADDR, &mut ifp);
}

/// `addrconf_dad_run`: restarts DAD of tentative addresses when the device
/// becomes ready.
fn addrconf_dad_run(net: &Arc<Net>, dev: &Arc<NetDevice>, restart: bool) {
    let ids: Vec<u64> = dev
        .ip6_ptr
        .lock()
        .as_ref()
        .map(|idev| {
            idev.addr_list
                .iter()
                .filter(|i| (i.flags & IFA_F_TENTATIVE != 0 && i.state == Ifa6State::Dad) || restart)
                .map(|i| i.id)
                .collect()
        })
        .unwrap_or_default();
    for id in ids {
        if restart {
            ifa_update(dev, id, |i| i.state = Ifa6State::PreDad);
        }
        addrconf_dad_kick(net, dev, id);
    }
}

// ---------------------------------------------------------------------------
// Lifetimes

/// `round_jiffies_up` (CPU 0): the next whole second.
fn round_jiffies_up(j: u64) -> u64 {
    j - j % HZ + HZ
}

/// `addrconf_verify_rtnl`: deprecates addresses whose preferred lifetime
/// ran out (RTM_NEWADDR), deletes those whose valid lifetime did, and
/// re-arms `addr_chk_work` for the next event.
pub fn addrconf_verify_rtnl(net: &Arc<Net>) {
    let _s = debug_span!("addrconf_verify_rtnl").entered();
    let now = jiffies(&net.globals);
    let mut next = round_jiffies_up(now + ADDR_CHECK_FREQUENCY);
    let st = net_ipv6(net);
    st.addr_chk_work.delete(&net.globals);
    'restart: loop {
        for dev in for_each_netdev(net) {
            let list = dev.ip6_ptr.lock().as_ref().map(|d| d.addr_list.clone()).unwrap_or_default();
            for ifp in list {
                if ifp.flags & IFA_F_PERMANENT != 0 && ifp.prefered_lft == INFINITY_LIFE_TIME {
                    continue;
                }
                let age = (now.wrapping_sub(ifp.tstamp) + ADDRCONF_TIMER_FUZZ_MINUS) / HZ;
                if ifp.valid_lft != INFINITY_LIFE_TIME && age >= u64::from(ifp.valid_lft) {
                    ipv6_del_addr(net, &dev, ifp.id);
                    continue 'restart;
                } else if ifp.prefered_lft == INFINITY_LIFE_TIME {
                    continue;
                } else if age >= u64::from(ifp.prefered_lft) {
                    let deprecate = ifp.flags & IFA_F_DEPRECATED == 0;
                    if ifp.valid_lft != INFINITY_LIFE_TIME {
                        next = next.min(ifp.tstamp + u64::from(ifp.valid_lft) * HZ);
                    }
                    if deprecate {
                        if let Some(mut i) = ifa_update(&dev, ifp.id, |i| {
                            i.flags |= IFA_F_DEPRECATED;
                            i.clone()
                        }) {
                            ipv6_ifa_notify(net, &dev, 0, &mut i);
                        }
                        continue 'restart;
                    }
                } else {
                    next = next.min(ifp.tstamp + u64::from(ifp.prefered_lft) * HZ);
                }
            }
        }
        break;
    }
    let next_sec = round_jiffies_up(next);
    let mut next_sched = next;
    if next_sec < next + ADDRCONF_TIMER_FUZZ {
        next_sched = next_sec;
    }
    if next_sched < now + ADDRCONF_TIMER_FUZZ_MAX {
        next_sched = now + ADDRCONF_TIMER_FUZZ_MAX;
    }
    let wnet = Arc::downgrade(net);
    st.addr_chk_work.mod_timer(
        &net.globals,
        next_sched,
        Box::new(move |_g: &Arc<Globals>| {
            // addrconf_verify_work
            if let Some(net) = wnet.upgrade() {
                let _rtnl = (!rtnl_held_here()).then(|| rtnl_lock(&net));
                addrconf_verify_rtnl(&net);
            }
        }),
    );
}

// ---------------------------------------------------------------------------
// Automatic addresses and the netdevice notifier

/// `add_addr` (for `init_loopback`): a permanent address that skips DAD.
fn add_addr(net: &Arc<Net>, dev: &Arc<NetDevice>, addr: Ipv6Addr, plen: u8, scope: u32, proto: u8) {
    let cfg = Ifa6Config {
        pfx: addr,
        peer_pfx: None,
        plen,
        ifa_flags: IFA_F_PERMANENT,
        valid_lft: INFINITY_LIFE_TIME,
        preferred_lft: INFINITY_LIFE_TIME,
        scope,
        rt_priority: 0,
        ifa_proto: proto,
    };
    if let Ok(ifp) = ipv6_add_addr(net, dev, &cfg, None) {
        if let Some(mut ifp) = ifa_update(dev, ifp.id, |i| {
            i.flags &= !IFA_F_TENTATIVE;
            i.clone()
        }) {
            ipv6_ifa_notify(net, dev, RTM_NEWADDR, &mut ifp);
        }
    }
}

/// `init_loopback`: `::1/128`, scope host, proto kernel_lo.
fn init_loopback(net: &Arc<Net>, dev: &Arc<NetDevice>) {
    let _s = debug_span!("init_loopback").entered();
    if ipv6_find_idev(dev).is_err() {
        return;
    }
    add_addr(net, dev, Ipv6Addr::LOCALHOST, 128, IFA_HOST, IFAPROT_KERNEL_LO);
}

/// `addrconf_add_linklocal`: fe80::/64 with proto kernel_ll; its prefix
/// route, then DAD (the RTM_NEWADDR comes when DAD completes).
fn addrconf_add_linklocal(net: &Arc<Net>, dev: &Arc<NetDevice>, addr: Ipv6Addr, flags: u32) {
    let cfg = Ifa6Config {
        pfx: addr,
        peer_pfx: None,
        plen: 64,
        ifa_flags: flags | IFA_F_PERMANENT,
        valid_lft: INFINITY_LIFE_TIME,
        preferred_lft: INFINITY_LIFE_TIME,
        scope: IFA_LINK,
        rt_priority: 0,
        ifa_proto: IFAPROT_KERNEL_LL,
    };
    if let Ok(ifp) = ipv6_add_addr(net, dev, &cfg, None) {
        addrconf_prefix_route(net, &ifp.addr, ifp.prefix_len, 0, dev, 0, 0);
        addrconf_dad_start(net, dev, ifp.id);
    }
}

/// `ipv6_generate_eui64` for Ethernet (`addrconf_ifid_eui48`): the MAC with
/// ff:fe in the middle and the universal/local bit flipped.
fn ipv6_generate_eui64(dev: &NetDevice) -> Option<[u8; 8]> {
    let st = dev.st.lock();
    if st.ty != ARPHRD_ETHER || st.addr_len != 6 {
        return None;
    }
    let m = &st.dev_addr;
    Some([m[0] ^ 2, m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]])
}

/// `sha1_transform` from `sha1_init_raw`: one SHA-1 compression of one
/// 64-byte block, no padding (what `ipv6_generate_stable_address` uses).
fn sha1_transform_raw(block: &[u8; 64]) -> [u32; 5] {
    let mut h: [u32; 5] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0];
    let mut w = [0u32; 80];
    for (i, c) in block.chunks_exact(4).enumerate() {
        w[i] = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
    }
    for i in 16..80 {
        w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
    }
    let [mut a, mut b, mut c, mut d, mut e] = h;
    for (i, wi) in w.iter().enumerate() {
        let (f, k) = match i {
            0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
            20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
            40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
            _ => (b ^ c ^ d, 0xCA62_C1D6),
        };
        let t = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(*wi);
        e = d;
        d = c;
        c = b.rotate_left(30);
        b = a;
        a = t;
    }
    for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
        *x = x.wrapping_add(y);
    }
    h
}

/// `ipv6_reserved_interfaceid`: all-zero, the subnet-router anycast
/// range and the reserved anycast range are never generated.
fn ipv6_reserved_interfaceid(a: &[u8; 16]) -> bool {
    let w2 = u32::from_be_bytes([a[8], a[9], a[10], a[11]]);
    let w3 = u32::from_be_bytes([a[12], a[13], a[14], a[15]]);
    (w2 | w3) == 0
        || (w2 == 0x0200_5eff && w3 & 0xfe00_0000 == 0xfe00_0000)
        || (w2 == 0xfdff_ffff && w3 & 0xffff_ff80 == 0xffff_ff80)
}

/// `net->ipv6.sysctl.idgen_retries` (default).
const IDGEN_RETRIES: u8 = 3;

/// `ipv6_generate_stable_address`: the interface identifier is the first
/// two words of SHA-1 over {secret, prefix, perm_addr, dad_count}.
fn ipv6_generate_stable_address(addr: &Ipv6Addr, mut dad_count: u8, dev: &NetDevice) -> Option<Ipv6Addr> {
    let secret = dev.ip6_ptr.lock().as_ref().and_then(|i| i.stable_secret)?;
    let (perm, len) = {
        let st = dev.st.lock();
        (st.perm_addr, st.addr_len as usize)
    };
    loop {
        let mut block = [0u8; 64];
        block[..16].copy_from_slice(&secret);
        block[16..24].copy_from_slice(&addr.octets()[..8]);
        block[24..24 + len.min(32)].copy_from_slice(&perm[..len.min(32)]);
        block[56] = dad_count;
        let digest = sha1_transform_raw(&block);
        let mut o = addr.octets();
        o[8..12].copy_from_slice(&digest[0].to_ne_bytes());
        o[12..16].copy_from_slice(&digest[1].to_ne_bytes());
        if !ipv6_reserved_interfaceid(&o) {
            return Some(Ipv6Addr::from(o));
        }
        dad_count += 1;
        if dad_count > IDGEN_RETRIES {
            return None;
        }
    }
}

/// `ipv6_gen_mode_random_init`: a random secret, once (seeded generator).
fn ipv6_gen_mode_random_init(net: &Arc<Net>, dev: &NetDevice) {
    let mut g = dev.ip6_ptr.lock();
    let Some(idev) = g.as_mut() else { return };
    if idev.stable_secret.is_none() {
        let mut s = [0u8; 16];
        net.globals.random_bytes(&mut s);
        idev.stable_secret = Some(s);
    }
}

/// `addrconf_addr_gen`: the link-local by the device's addr_gen_mode: EUI64
/// from the MAC, STABLE_PRIVACY from the secret (RANDOM first makes one),
/// NONE nothing.
fn addrconf_addr_gen(net: &Arc<Net>, dev: &Arc<NetDevice>, prefix_route: bool) {
    let ll = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0);
    let mode = dev.ip6_ptr.lock().as_ref().map_or(0, |d| d.addr_gen_mode);
    match mode {
        IN6_ADDR_GEN_MODE_RANDOM | IN6_ADDR_GEN_MODE_STABLE_PRIVACY => {
            if mode == IN6_ADDR_GEN_MODE_RANDOM {
                ipv6_gen_mode_random_init(net, dev);
            }
            match ipv6_generate_stable_address(&ll, 0, dev) {
                Some(a) => addrconf_add_linklocal(net, dev, a, IFA_F_STABLE_PRIVACY),
                None if prefix_route => addrconf_prefix_route(net, &ll, 64, 0, dev, 0, 0),
                None => {}
            }
        }
        IN6_ADDR_GEN_MODE_EUI64 => match ipv6_generate_eui64(dev) {
            Some(eui) => {
                let mut o = ll.octets();
                o[8..].copy_from_slice(&eui);
                addrconf_add_linklocal(net, dev, Ipv6Addr::from(o), 0);
            }
            None if prefix_route => addrconf_prefix_route(net, &ll, 64, 0, dev, 0, 0),
            None => {}
        },
        _ => {}
    }
}

/// `addrconf_dev_config`: autoconfiguration for Ethernet-like devices.
fn addrconf_dev_config(net: &Arc<Net>, dev: &Arc<NetDevice>) {
    let ty = dev.st.lock().ty;
    if ty != ARPHRD_ETHER && ty != ARPHRD_NONE {
        return;
    }
    if addrconf_add_dev(net, dev).is_err() {
        return;
    }
    if ty == ARPHRD_NONE {
        if let Some(idev) = dev.ip6_ptr.lock().as_mut() {
            if idev.addr_gen_mode == IN6_ADDR_GEN_MODE_EUI64 {
                idev.addr_gen_mode = IN6_ADDR_GEN_MODE_RANDOM;
                idev.cnf[super::DEVCONF_ADDR_GEN_MODE] = u32::from(IN6_ADDR_GEN_MODE_RANDOM);
            }
        }
    }
    addrconf_addr_gen(net, dev, false);
}

/// `addrconf_init_auto_addrs`.
fn addrconf_init_auto_addrs(net: &Arc<Net>, dev: &Arc<NetDevice>) {
    if dev.st.lock().ty == ARPHRD_LOOPBACK {
        init_loopback(net, dev);
    } else {
        addrconf_dev_config(net, dev);
    }
}

/// `addrconf_link_ready`: `netif_oper_up && !qdisc_tx_is_noop`. The
/// transmit queues keep the noop qdisc while the carrier is off
/// (`dev_activate` waits for the carrier; linkwatch activates and
/// deactivates them as it comes and goes), so the carrier stands for them:
/// a veth opened without its peer is not ready even while its operstate
/// is still UNKNOWN.
fn addrconf_link_ready(dev: &NetDevice) -> bool {
    let st = dev.st.lock();
    st.oper_up() && st.qdisc != "noop" && st.carrier_ok()
}

/// `addrconf_permanent_addr` / `fixup_permanent_addr`: addresses kept over
/// a down get their local and prefix routes back and DAD again.
fn addrconf_permanent_addr(net: &Arc<Net>, dev: &Arc<NetDevice>) {
    let list: Vec<Inet6Ifaddr> = dev.ip6_ptr.lock().as_ref().map(|d| d.addr_list.clone()).unwrap_or_default();
    for ifp in list.into_iter().filter(|i| i.flags & IFA_F_PERMANENT != 0) {
        if ifp.rt.is_none() || !ifp.rt_inserted {
            match addrconf_f6i_alloc(net, dev, &ifp.addr, false) {
                Ok(f6i) => {
                    ifa_update(dev, ifp.id, |i| {
                        i.rt = Some(f6i);
                        i.rt_inserted = false;
                    });
                }
                Err(_) => {
                    ipv6_del_addr(net, dev, ifp.id);
                    continue;
                }
            }
        }
        if ifp.flags & IFA_F_NOPREFIXROUTE == 0 {
            addrconf_prefix_route(net, &ifp.addr, ifp.prefix_len, ifp.rt_priority, dev, 0, 0);
        }
        if ifp.state == Ifa6State::PreDad {
            addrconf_dad_start(net, dev, ifp.id);
        }
    }
}

/// `addr_is_local`: link-local and loopback addresses never survive a down.
fn addr_is_local(addr: &Ipv6Addr) -> bool {
    ipv6_addr_type(addr) & (IPV6_ADDR_LINKLOCAL | IPV6_ADDR_LOOPBACK) != 0
}

/// `addrconf_ifdown`: the routes go (`rt6_disable_ip`), then every address
/// (in list order) unless kept by `keep_addr_on_down`, each with its
/// RTM_DELADDR; on unregister the inet6_dev goes too.
fn addrconf_ifdown(net: &Arc<Net>, dev: &Arc<NetDevice>, unregister: bool) {
    let _s = debug_span!("addrconf_ifdown", unregister).entered();
    rt6_disable_ip(net, dev, unregister);
    let (keep_addr, list) = {
        let mut g = dev.ip6_ptr.lock();
        let Some(idev) = g.as_mut() else { return };
        if unregister {
            idev.dead = true;
        }
        let keep =
            !unregister && idev.cnf[DEVCONF_DISABLE_IPV6] == 0 && (idev.cnf[DEVCONF_KEEP_ADDR_ON_DOWN] as i32) > 0;
        // IF_RS_SENT | IF_RA_RCVD | IF_READY; `was_ready` would drive
        // ipv6_mc_down (MLD is not modelled).
        if !unregister {
            idev.if_flags &= !(IF_READY | 0x10 | 0x20);
        }
        (keep, idev.addr_list.clone())
    };
    for ifa in list {
        ifa.dad_work.delete(&net.globals);
        let keep = keep_addr && ifa.flags & IFA_F_PERMANENT != 0 && !addr_is_local(&ifa.addr);
        let mut snapshot = ifa.clone();
        if keep {
            let rt = ifa_update(dev, ifa.id, |i| {
                i.state = Ifa6State::PreDad;
                if i.flags & IFA_F_NODAD == 0 {
                    i.flags |= IFA_F_TENTATIVE;
                }
                i.rt_inserted = false;
                i.rt.take()
            })
            .flatten();
            if let Some(rt) = rt {
                let _ = ip6_del_rt(net, &rt, false);
            }
        } else {
            let state = ifa.state;
            snapshot.state = Ifa6State::Dead;
            if state != Ifa6State::Dead {
                __ipv6_ifa_notify(net, dev, RTM_DELADDR, &mut snapshot);
            }
            if let Some(idev) = dev.ip6_ptr.lock().as_mut() {
                idev.addr_list.retain(|i| i.id != ifa.id);
            }
        }
    }
    let now = jiffies(&net.globals);
    let mut g = dev.ip6_ptr.lock();
    if let Some(idev) = g.as_mut() {
        idev.tstamp = now;
    }
    if unregister {
        *g = None;
    }
}

/// `inet6_if_nlmsg_size`.
fn inet6_if_nlmsg_size(dev: &NetDevice) -> usize {
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
fn inet6_fill_ifinfo(
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
fn inet6_valid_dump_ifinfo(nlh: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
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

/// `addrconf_notify`: the netdevice notifier.
pub(super) fn addrconf_notify(
    event: NetdevEvent,
    dev: &Arc<NetDevice>,
    info: &NetdevNotifierInfo,
) -> Result<(), Errno> {
    let Some(net) = dev.net() else { return Ok(()) };
    let mtu = dev.st.lock().mtu;
    let has = dev.ip6_ptr.lock().is_some();
    let is_loopback_dev = || net.loopback_dev.read().as_ref().is_some_and(|lo| Arc::ptr_eq(lo, dev));
    let mut run_pending = false;
    match event {
        NetdevEvent::Register if !has && mtu >= IPV6_MIN_MTU => ipv6_add_dev(dev),
        NetdevEvent::Register => {}
        NetdevEvent::ChangeMtu if mtu < IPV6_MIN_MTU => {
            addrconf_ifdown(&net, dev, !is_loopback_dev());
        }
        NetdevEvent::ChangeMtu if has => {
            if let Some(idev) = dev.ip6_ptr.lock().as_mut() {
                idev.cnf[super::DEVCONF_MTU6] = mtu;
            }
        }
        NetdevEvent::ChangeMtu | NetdevEvent::Up | NetdevEvent::Change => {
            if event == NetdevEvent::ChangeMtu {
                ipv6_add_dev(dev);
                let ready = dev.ip6_ptr.lock().as_ref().is_some_and(|d| d.if_flags & IF_READY != 0);
                if !ready {
                    return Ok(());
                }
                run_pending = true;
            }
            if cnf(dev, DEVCONF_DISABLE_IPV6) != 0 && dev.ip6_ptr.lock().is_some() {
                return Ok(());
            }
            if event == NetdevEvent::Up {
                addrconf_permanent_addr(&net, dev);
                if !addrconf_link_ready(dev) {
                    return Ok(());
                }
                if dev.ip6_ptr.lock().is_none() && mtu >= IPV6_MIN_MTU {
                    ipv6_add_dev(dev);
                }
                if let Some(idev) = dev.ip6_ptr.lock().as_mut() {
                    idev.if_flags |= IF_READY;
                    run_pending = true;
                }
            } else if event == NetdevEvent::Change {
                if !addrconf_link_ready(dev) {
                    // rt6_sync_down_dev(dev, NETDEV_CHANGE) belongs to route.c.
                    return Ok(());
                }
                let mut g = dev.ip6_ptr.lock();
                if let Some(idev) = g.as_mut() {
                    if idev.if_flags & IF_READY != 0 {
                        drop(g);
                        if info.flags_changed & IFF_NOARP != 0 {
                            addrconf_dad_run(&net, dev, true);
                        }
                        return Ok(());
                    }
                    idev.if_flags |= IF_READY;
                }
                run_pending = true;
            }
            addrconf_init_auto_addrs(&net, dev);
            if dev.ip6_ptr.lock().is_some() {
                if run_pending {
                    addrconf_dad_run(&net, dev, false);
                }
                let now = jiffies(&net.globals);
                if let Some(idev) = dev.ip6_ptr.lock().as_mut() {
                    if idev.cnf[super::DEVCONF_MTU6] != mtu && mtu >= IPV6_MIN_MTU {
                        idev.cnf[super::DEVCONF_MTU6] = mtu;
                    }
                    idev.tstamp = now;
                }
                inet6_ifinfo_notify(&net, RTM_NEWLINK, dev);
                if mtu < IPV6_MIN_MTU {
                    addrconf_ifdown(&net, dev, !is_loopback_dev());
                }
            }
        }
        NetdevEvent::Down | NetdevEvent::Unregister => {
            addrconf_ifdown(&net, dev, event != NetdevEvent::Down);
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_transform_of_the_abc_block_is_sha1_of_abc() {
        let mut block = [0u8; 64];
        block[..3].copy_from_slice(b"abc");
        block[3] = 0x80;
        block[63] = 24;
        assert_eq!(sha1_transform_raw(&block), [0xa999_3e36, 0x4706_816a, 0xba3e_2571, 0x7850_c26c, 0x9cd0_d89d]);
    }

    #[test]
    fn reserved_interface_ids() {
        assert!(ipv6_reserved_interfaceid(&"fe80::".parse::<Ipv6Addr>().unwrap().octets()));
        assert!(ipv6_reserved_interfaceid(&"fe80::200:5eff:fe00:1".parse::<Ipv6Addr>().unwrap().octets()));
        assert!(ipv6_reserved_interfaceid(&"fe80::fdff:ffff:ffff:ff80".parse::<Ipv6Addr>().unwrap().octets()));
        assert!(!ipv6_reserved_interfaceid(&"fe80::1".parse::<Ipv6Addr>().unwrap().octets()));
    }
}
