//! IPv4 per-device state: net/ipv4/devinet.c.
//!
//! A device gets an `in_device` when it registers (`inetdev_event`,
//! NETDEV_REGISTER) and loses it when it unregisters; its `devconf` is what
//! IFLA_AF_SPEC/AF_INET/IFLA_INET_CONF reports (`inet_fill_link_af`).
//! Its addresses (`ifa_list`) come and go by RTM_NEWADDR / RTM_DELADDR
//! (`inet_rtm_newaddr`, `inet_rtm_deladdr`), by the loopback coming up
//! (127.0.0.1/8), by their lifetimes running out on the virtual clock
//! (`check_lifetime`) and with the device (`inetdev_destroy`). Every change
//! is announced on RTNLGRP_IPV4_IFADDR (`rtmsg_ifa`) *before* the
//! `inetaddr_chain` hears of it, so listeners see the address before the
//! routes the FIB derives from it.

use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use crate::cred::CAP_NET_ADMIN;
use crate::kernel::Globals;
use crate::net::core::dev::{
    dev_get_by_index, for_each_netdev, register_netdevice_notifier, NetDevice, NetdevEvent, NetdevNotifierInfo,
};
use crate::net::core::net_namespace::{get_net_ns_by_id, register_pernet_subsys, Net, PernetOperations};
use crate::net::core::rtnetlink::link::nla_strscpy;
use crate::net::core::rtnetlink::link_ops::{rtnl_af_register, RtnlAfOps};
use crate::net::core::rtnetlink::{
    rtnl_lock, rtnl_notify, rtnl_register_many, RtnlDoitFn, RtnlDumpitFn, RtnlMsgHandler, RTNL_FLAG_DOIT_PERNET,
    RTNL_FLAG_DUMP_SPLIT_NLM_DONE, RTNL_FLAG_DUMP_UNLOCKED,
};
use crate::net::core::skbuff::{nlmsg_new, SkBuff};
use crate::net::ipv4::fib_frontend;
use crate::net::netlink::af_netlink::{NetlinkCallback, NetlinkRcvSkb};
use crate::time::{jiffies, TimerList, HZ, INITIAL_JIFFIES};
use crate::Errno;
use nlwire::nlattr::nla_total_size;
use nlwire::policy::{
    nla_parse_nested_deprecated, nlmsg_parse_deprecated, nlmsg_parse_deprecated_strict, ExtAck, NlaPolicy, NlaType,
};
use nlwire::skb::NlMsgStart;
use nlwire::uapi::if_::IFF_LOOPBACK;
use nlwire::uapi::if_addr::*;
use nlwire::uapi::if_link::IFLA_INET_CONF;
use nlwire::uapi::netlink::{NLM_F_DUMP_FILTERED, NLM_F_EXCL, NLM_F_MULTI, NLM_F_REPLACE};
use nlwire::uapi::rtnetlink::{
    RTM_DELADDR, RTM_GETADDR, RTM_NEWADDR, RTNLGRP_IPV4_IFADDR, RT_SCOPE_HOST, RT_SCOPE_LINK,
};
use nlwire::uapi::socket::{AF_INET, PF_INET};
use nlwire::{NlMsgHdr, Nla};

/// `IPV4_DEVCONF_MAX`.
pub const IPV4_DEVCONF_MAX: usize = 33;
/// `IPV4_MIN_MTU`.
pub const IPV4_MIN_MTU: u32 = 68;

/// `ipv4_devconf_dflt.data` as a new device copies it (index = IPV4_DEVCONF_* − 1),
/// read from Linux 6.18 (probes/observed/p_link_fill.txt).
pub const IPV4_DEVCONF_DFLT: [u32; IPV4_DEVCONF_MAX] =
    [0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10000, 1000, 0, 0, 0, 0, 1];
/// IPV4_DEVCONF_NOXFRM − 1 and IPV4_DEVCONF_NOPOLICY − 1: set on loopback.
const NOXFRM: usize = 14;
const NOPOLICY: usize = 15;

/// `struct in_device`.
#[derive(Debug, Clone)]
pub struct InDevice {
    pub cnf: [u32; IPV4_DEVCONF_MAX],
    /// `ifa_list`: the device's addresses in the kernel's list order
    /// (`__inet_insert_ifa`: a primary goes after the last primary of
    /// the same or wider scope, secondaries at the end).
    pub ifa_list: Vec<InIfaddr>,
    /// `in_dev->dead`: being destroyed (no promotions then).
    pub dead: bool,
}

/// `struct in_ifaddr`: one IPv4 address. Addresses are kept in host-order
/// `Ipv4Addr`s; the wire carries them in network order, as `__be32`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InIfaddr {
    /// `ifa_local`: the address itself (IFA_LOCAL).
    pub ifa_local: Ipv4Addr,
    /// `ifa_address`: the peer on point-to-point links, else `ifa_local` (IFA_ADDRESS).
    pub ifa_address: Ipv4Addr,
    /// `ifa_mask`: `inet_make_mask(ifa_prefixlen)`.
    pub ifa_mask: Ipv4Addr,
    /// `ifa_broadcast` (IFA_BROADCAST; 0.0.0.0 when none).
    pub ifa_broadcast: Ipv4Addr,
    pub ifa_prefixlen: u8,
    /// `ifa_flags` (IFA_F_*), all 32 bits (IFA_FLAGS).
    pub ifa_flags: u32,
    pub ifa_scope: u8,
    /// `ifa_label` (IFA_LABEL): the device name or an alias `name:tag`.
    pub ifa_label: String,
    /// `ifa_rt_priority` (IFA_RT_PRIORITY): the metric of the prefix route.
    pub ifa_rt_priority: u32,
    /// `ifa_proto` (IFA_PROTO).
    pub ifa_proto: u8,
    /// `ifa_valid_lft` / `ifa_preferred_lft`, seconds (INFINITY_LIFE_TIME = forever).
    pub ifa_valid_lft: u32,
    pub ifa_preferred_lft: u32,
    /// `ifa_cstamp` / `ifa_tstamp`: jiffies at creation and last update.
    pub ifa_cstamp: u64,
    pub ifa_tstamp: u64,
    /// `ifa_dev->dev->ifindex`.
    pub ifindex: i32,
}

/// `IPV4_DEVCONF_PROMOTE_SECONDARIES` − 1.
pub const PROMOTE_SECONDARIES: usize = 19;
/// `IPV4_DEVCONF_ROUTE_LOCALNET` − 1.
pub const ROUTE_LOCALNET: usize = 25;

/// `INFINITY_LIFE_TIME`.
pub const INFINITY_LIFE_TIME: u32 = 0xffff_ffff;
/// `IPV6ONLY_FLAGS`: flags that mean nothing for IPv4 and are dropped on insert.
const IPV6ONLY_FLAGS: u32 = IFA_F_NODAD
    | IFA_F_OPTIMISTIC
    | IFA_F_DADFAILED
    | IFA_F_HOMEADDRESS
    | IFA_F_TENTATIVE
    | IFA_F_MANAGETEMPADDR
    | IFA_F_STABLE_PRIVACY;
/// `ADDR_CHECK_FREQUENCY` (include/net/addrconf.h): `check_lifetime` runs
/// at least this often while the namespace lives.
pub const ADDR_CHECK_FREQUENCY: u64 = 120 * HZ;
/// `ADDRCONF_TIMER_FUZZ_MINUS`, `ADDRCONF_TIMER_FUZZ`, `ADDRCONF_TIMER_FUZZ_MAX`.
const ADDRCONF_TIMER_FUZZ_MINUS: u64 = if HZ > 50 { HZ / 50 } else { 1 };
const ADDRCONF_TIMER_FUZZ: u64 = HZ / 4;
const ADDRCONF_TIMER_FUZZ_MAX: u64 = HZ;
/// `IFNAMSIZ`.
const IFNAMSIZ: usize = 16;
/// `sizeof(struct ifaddrmsg)`.
const IFADDRMSG_LEN: usize = 8;
/// `sizeof(struct ifa_cacheinfo)`.
const IFA_CACHEINFO_LEN: usize = 16;
const IFA_N: usize = IFA_MAX as usize + 1;

/// `ifa_ipv4_policy`.
static IFA_IPV4_POLICY: [NlaPolicy; IFA_N] = {
    let mut p = [NlaPolicy::UNSPEC; IFA_N];
    p[IFA_LOCAL as usize] = NlaPolicy::of(NlaType::U32);
    p[IFA_ADDRESS as usize] = NlaPolicy::of(NlaType::U32);
    p[IFA_BROADCAST as usize] = NlaPolicy::of(NlaType::U32);
    p[IFA_LABEL as usize] = NlaPolicy::of(NlaType::String).with_len(IFNAMSIZ as u16 - 1);
    p[IFA_CACHEINFO as usize] = NlaPolicy::min_len(IFA_CACHEINFO_LEN as u16);
    p[IFA_FLAGS as usize] = NlaPolicy::of(NlaType::U32);
    p[IFA_RT_PRIORITY as usize] = NlaPolicy::of(NlaType::U32);
    p[IFA_TARGET_NETNSID as usize] = NlaPolicy::of(NlaType::S32);
    p[IFA_PROTO as usize] = NlaPolicy::of(NlaType::U8);
    p
};

/// The parts of `net->ipv4` this file keeps per namespace: the
/// `addr_chk_work` delayed work and `dev_addr_genid`.
pub struct Ipv4NetAddr {
    addr_chk_work: TimerList,
    /// `net->ipv4.dev_addr_genid`: moves whenever an address comes or goes
    /// (dump consistency, with `dev_base_seq`).
    pub dev_addr_genid: AtomicU32,
}

/// A notifier on `inetaddr_chain` (`register_inetaddr_notifier`): called
/// with NETDEV_UP after an address was inserted and announced, and with
/// NETDEV_DOWN after one was removed and announced (`__inet_insert_ifa`,
/// `__inet_del_ifa`). Called under rtnl, with no device lock held.
pub type InetaddrNotifier = fn(event: NetdevEvent, dev: &Arc<NetDevice>, ifa: &InIfaddr) -> Result<(), Errno>;

/// `register_inetaddr_notifier`.
pub fn register_inetaddr_notifier(globals: &Globals, nb: InetaddrNotifier) {
    globals.inetaddr_chain.write().push(nb);
}

/// `blocking_notifier_call_chain(&inetaddr_chain, event, ifa)`: every
/// notifier in registration order; their errors are not propagated.
/// The FIB's `fib_inetaddr_event` bumps `dev_addr_genid` for every UP and
/// DOWN it hears; we bump it here so that dumps see the change even
/// without a FIB.
pub fn call_inetaddr_notifiers(globals: &Globals, event: NetdevEvent, dev: &Arc<NetDevice>, ifa: &InIfaddr) {
    if let Some(st) = dev.net().and_then(|n| n.generic::<Ipv4NetAddr>()) {
        st.dev_addr_genid.fetch_add(1, Ordering::Relaxed);
    }
    let chain = globals.inetaddr_chain.read().clone();
    let _s = tracing::debug_span!("inetaddr_chain", event = ?event, local = %ifa.ifa_local).entered();
    for nb in chain {
        let _ = nb(event, dev, ifa);
    }
}

/// `inet_make_mask`.
pub fn inet_make_mask(logmask: u8) -> Ipv4Addr {
    if logmask == 0 {
        return Ipv4Addr::UNSPECIFIED;
    }
    Ipv4Addr::from(u32::MAX << (32 - u32::from(logmask.min(32))))
}

/// `inet_ifa_match`: `addr` is in `ifa`'s subnet.
pub fn inet_ifa_match(addr: Ipv4Addr, ifa: &InIfaddr) -> bool {
    (u32::from(addr) ^ u32::from(ifa.ifa_address)) & u32::from(ifa.ifa_mask) == 0
}

/// One address's identity in its list: no two addresses of a device have
/// the same local address, mask and subnet (`__inet_insert_ifa` refuses it).
fn same_ifa(a: &InIfaddr, b: &InIfaddr) -> bool {
    a.ifa_local == b.ifa_local && a.ifa_mask == b.ifa_mask && a.ifa_address == b.ifa_address
}

/// `inetdev_init`.
fn inetdev_init(dev: &NetDevice) {
    *dev.ip_ptr.lock() = Some(InDevice { cnf: IPV4_DEVCONF_DFLT, ifa_list: Vec::new(), dead: false });
}

/// `inetdev_destroy`: every address goes, the head of the list first, each
/// announced (RTM_DELADDR, then the chain's NETDEV_DOWN) by `inet_del_ifa`;
/// a dying device promotes nothing (probe p_addr4 "delete v0": list order,
/// the secondary last, pid 0).
fn inetdev_destroy(dev: &Arc<NetDevice>) {
    let _s = tracing::debug_span!("inetdev_destroy", dev = %dev.name()).entered();
    if let Some(in_dev) = dev.ip_ptr.lock().as_mut() {
        in_dev.dead = true;
    }
    loop {
        let first = dev.ip_ptr.lock().as_ref().and_then(|d| d.ifa_list.first().cloned());
        let Some(ifa) = first else { break };
        __inet_del_ifa(dev, &ifa, None, 0);
        // A device whose namespace is gone deletes nothing: do not spin.
        if dev.ip_ptr.lock().as_ref().and_then(|d| d.ifa_list.first()) == Some(&ifa) {
            break;
        }
    }
    *dev.ip_ptr.lock() = None;
}

/// `set_ifa_lifetime`: an infinite valid lifetime makes the address
/// IFA_F_PERMANENT (and then its preferred lifetime is not looked at again);
/// a preferred lifetime of 0 makes it IFA_F_DEPRECATED at once.
fn set_ifa_lifetime(ifa: &mut InIfaddr, valid_lft: u32, prefered_lft: u32, now: u64) {
    let mut flags = ifa.ifa_flags & !(IFA_F_PERMANENT | IFA_F_DEPRECATED);
    if valid_lft != INFINITY_LIFE_TIME {
        ifa.ifa_valid_lft = valid_lft;
    } else {
        flags |= IFA_F_PERMANENT;
    }
    if prefered_lft != INFINITY_LIFE_TIME {
        if prefered_lft == 0 {
            flags |= IFA_F_DEPRECATED;
        }
        ifa.ifa_preferred_lft = prefered_lft;
    }
    ifa.ifa_flags = flags;
    ifa.ifa_tstamp = now;
    if ifa.ifa_cstamp == 0 {
        ifa.ifa_cstamp = now;
    }
}

/// The fixed header of an RTM_*ADDR request.
#[derive(Debug, Clone, Copy, Default)]
struct Ifaddrmsg {
    prefixlen: u8,
    flags: u8,
    scope: u8,
    index: u32,
}

/// `nlmsg_data(nlh)` as a `struct ifaddrmsg` (zeroes where the message is short).
fn ifaddrmsg(msg: &[u8]) -> Ifaddrmsg {
    let hdr = NlMsgHdr::new_unchecked(msg);
    let p = hdr.payload();
    let mut b = [0u8; IFADDRMSG_LEN];
    let n = p.len().min(IFADDRMSG_LEN);
    b[..n].copy_from_slice(&p[..n]);
    Ifaddrmsg { prefixlen: b[1], flags: b[2], scope: b[3], index: u32::from_ne_bytes([b[4], b[5], b[6], b[7]]) }
}

/// `nla_get_in_addr`.
fn nla_get_in_addr(nla: &Nla<&[u8]>) -> Ipv4Addr {
    let p = nla.payload();
    let mut b = [0u8; 4];
    let n = p.len().min(4);
    b[..n].copy_from_slice(&p[..n]);
    Ipv4Addr::from(b)
}

/// `nla_strcmp`: the attribute (less one trailing NUL) against `s`.
fn nla_strcmp(nla: &Nla<&[u8]>, s: &str) -> bool {
    let mut p = nla.payload();
    if let Some((&0, rest)) = p.split_last() {
        p = rest;
    }
    p == s.as_bytes()
}

type IfaTb<'a> = nlwire::policy::Tb<'a, IFA_N>;

/// `inet_validate_rtm`: the header and the lifetimes of RTM_NEWADDR.
fn inet_validate_rtm<'a>(msg: &'a [u8], extack: &mut ExtAck) -> Result<(IfaTb<'a>, u32, u32), Errno> {
    let tb = nlmsg_parse_deprecated::<IFA_N>(msg, IFADDRMSG_LEN, Some(&IFA_IPV4_POLICY), extack)?;
    let ifm = ifaddrmsg(msg);
    if ifm.prefixlen > 32 {
        extack.set_msg("ipv4: Invalid prefix length");
        return Err(Errno::EINVAL);
    }
    if !tb.has(IFA_LOCAL) {
        extack.set_msg("ipv4: Local address is not supplied");
        return Err(Errno::EINVAL);
    }
    let (mut valid, mut prefered) = (INFINITY_LIFE_TIME, INFINITY_LIFE_TIME);
    if let Some(ci) = tb.get(IFA_CACHEINFO) {
        let p = ci.payload();
        let ifa_prefered = u32::from_ne_bytes([p[0], p[1], p[2], p[3]]);
        let ifa_valid = u32::from_ne_bytes([p[4], p[5], p[6], p[7]]);
        if ifa_valid == 0 || ifa_prefered > ifa_valid {
            extack.set_msg("ipv4: address lifetime invalid");
            return Err(Errno::EINVAL);
        }
        valid = ifa_valid;
        prefered = ifa_prefered;
    }
    Ok((tb, valid, prefered))
}

/// `inet_rtm_to_ifa`: the device and the new `in_ifaddr` the request describes.
fn inet_rtm_to_ifa(
    net: &Net,
    msg: &[u8],
    tb: &IfaTb<'_>,
    extack: &mut ExtAck,
) -> Result<(Arc<NetDevice>, InIfaddr), Errno> {
    let ifm = ifaddrmsg(msg);
    let Some(dev) = dev_get_by_index(net, ifm.index as i32) else {
        extack.set_msg("ipv4: Device not found");
        return Err(Errno::ENODEV);
    };
    if dev.ip_ptr.lock().is_none() {
        return Err(Errno::ENOBUFS);
    }
    // Labels are names: bytes that are not UTF-8 are refused, as for
    // interface names (docs/divergences.md, "Names and concurrency").
    if tb.get(IFA_LABEL).is_some_and(|l| std::str::from_utf8(l.get_str()).is_err()) {
        return Err(Errno::EINVAL);
    }
    let local = tb.get(IFA_LOCAL).map(|a| nla_get_in_addr(&a)).unwrap_or(Ipv4Addr::UNSPECIFIED);
    let address = tb.get(IFA_ADDRESS).map_or(local, |a| nla_get_in_addr(&a));
    let ifa = InIfaddr {
        ifa_local: local,
        ifa_address: address,
        ifa_mask: inet_make_mask(ifm.prefixlen),
        ifa_broadcast: tb.get(IFA_BROADCAST).map_or(Ipv4Addr::UNSPECIFIED, |a| nla_get_in_addr(&a)),
        ifa_prefixlen: ifm.prefixlen,
        ifa_flags: tb.get(IFA_FLAGS).map_or(u32::from(ifm.flags), |a| a.get_u32()),
        ifa_scope: ifm.scope,
        ifa_label: match tb.get(IFA_LABEL) {
            Some(l) => nla_strscpy(&l, IFNAMSIZ),
            None => dev.name(),
        },
        ifa_rt_priority: tb.get(IFA_RT_PRIORITY).map_or(0, |a| a.get_u32()),
        ifa_proto: tb.get(IFA_PROTO).map_or(0, |a| a.get_u8()),
        ifa_valid_lft: 0,
        ifa_preferred_lft: 0,
        ifa_cstamp: 0,
        ifa_tstamp: 0,
        ifindex: dev.ifindex(),
    };
    Ok((dev, ifa))
}

/// `find_matching_ifa`: the same local address in the same subnet.
fn find_matching_ifa(dev: &NetDevice, ifa: &InIfaddr) -> Option<InIfaddr> {
    let guard = dev.ip_ptr.lock();
    guard
        .as_ref()?
        .ifa_list
        .iter()
        .find(|a| a.ifa_mask == ifa.ifa_mask && inet_ifa_match(a.ifa_address, ifa) && a.ifa_local == ifa.ifa_local)
        .cloned()
}

/// `queue_delayed_work(&net->ipv4.addr_chk_work, delay)` (after a
/// `cancel_delayed_work`): `check_lifetime` at `jiffies + delay`.
fn queue_addr_chk_work(net: &Arc<Net>, delay: u64) {
    let Some(st) = net.generic::<Ipv4NetAddr>() else { return };
    let globals = &net.globals;
    let weak = Arc::downgrade(net);
    st.addr_chk_work.mod_timer(
        globals,
        jiffies(globals) + delay,
        Box::new(move |_g| {
            if let Some(net) = weak.upgrade() {
                if !net.is_dead() {
                    check_lifetime(&net);
                }
            }
        }),
    );
}

/// `inet_rtm_newaddr`: a new address is created even without NLM_F_CREATE;
/// an existing one (same local address and subnet) is EEXIST unless
/// NLM_F_REPLACE without NLM_F_EXCL, which takes the new metric, protocol
/// and lifetimes (not the flags) and announces RTM_NEWADDR (kernel-reference
/// §2; probe p_addr4 "existing, …").
pub fn inet_rtm_newaddr(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = tracing::debug_span!("inet_rtm_newaddr").entered();
    let (tb, valid_lft, prefered_lft) = inet_validate_rtm(msg, extack)?;
    if tb.get(IFA_LOCAL).is_some_and(|a| nla_get_in_addr(&a).is_unspecified()) {
        return Ok(());
    }
    let net = skb.net();
    let _rtnl = rtnl_lock(net);
    let (dev, mut ifa) = inet_rtm_to_ifa(net, msg, &tb, extack)?;
    let now = jiffies(&net.globals);
    let portid = skb.cb.portid;
    let Some(existing) = find_matching_ifa(&dev, &ifa) else {
        // It would be best to check for !NLM_F_CREATE here, but userspace
        // already relies on not having to provide it.
        set_ifa_lifetime(&mut ifa, valid_lft, prefered_lft, now);
        if ifa.ifa_flags & IFA_F_MCAUTOJOIN != 0 && !ifa.ifa_address.is_multicast() {
            // ip_mc_autojoin_config → ip_mc_join_group: only a multicast
            // group can be joined (probe p_addr4_more "unicast with
            // MCAUTOJOIN"). A multicast one is accepted without IGMP state.
            extack.set_msg("ipv4: Multicast auto join failed");
            return Err(Errno::EINVAL);
        }
        return __inet_insert_ifa(&dev, ifa, Some(msg), portid, extack);
    };
    let flags = NlMsgHdr::new_unchecked(msg).nlmsg_flags();
    if flags & NLM_F_EXCL != 0 || flags & NLM_F_REPLACE == 0 {
        extack.set_msg("ipv4: Address already assigned");
        return Err(Errno::EEXIST);
    }
    if existing.ifa_rt_priority != ifa.ifa_rt_priority {
        fib_frontend::fib_modify_prefix_metric(&dev, &existing, ifa.ifa_rt_priority);
    }
    let updated = {
        let mut guard = dev.ip_ptr.lock();
        let Some(cur) = guard.as_mut().and_then(|d| d.ifa_list.iter_mut().find(|a| same_ifa(a, &existing))) else {
            return Ok(());
        };
        cur.ifa_rt_priority = ifa.ifa_rt_priority;
        cur.ifa_proto = ifa.ifa_proto;
        set_ifa_lifetime(cur, valid_lft, prefered_lft, now);
        cur.clone()
    };
    queue_addr_chk_work(net, 0);
    rtmsg_ifa(RTM_NEWADDR, &dev, &updated, Some(msg), portid);
    Ok(())
}

/// `__inet_insert_ifa`: a primary goes after the last primary whose scope
/// is at least its own (so wider scopes come first: probe p_addr4 "dump
/// order"), a secondary (same subnet as an existing address) at the end.
/// Announced with RTM_NEWADDR (requester's pid and seq) before the
/// `inetaddr_chain` hears NETDEV_UP (kernel-reference §8).
fn __inet_insert_ifa(
    dev: &Arc<NetDevice>,
    mut ifa: InIfaddr,
    nlh: Option<&[u8]>,
    portid: u32,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    let _s = tracing::debug_span!("__inet_insert_ifa", local = %ifa.ifa_local).entered();
    ifa.ifa_flags &= !IFA_F_SECONDARY;
    ifa.ifa_flags &= !IPV6ONLY_FLAGS;
    {
        let mut guard = dev.ip_ptr.lock();
        let in_dev = guard.as_mut().ok_or(Errno::ENOBUFS)?;
        let mut last_primary = 0;
        for (i, ifa1) in in_dev.ifa_list.iter().enumerate() {
            if ifa1.ifa_flags & IFA_F_SECONDARY == 0 && ifa.ifa_scope <= ifa1.ifa_scope {
                last_primary = i + 1;
            }
            if ifa1.ifa_mask == ifa.ifa_mask && inet_ifa_match(ifa1.ifa_address, &ifa) {
                if ifa1.ifa_local == ifa.ifa_local {
                    return Err(Errno::EEXIST);
                }
                if ifa1.ifa_scope != ifa.ifa_scope {
                    extack.set_msg("ipv4: Invalid scope value");
                    return Err(Errno::EINVAL);
                }
                ifa.ifa_flags |= IFA_F_SECONDARY;
            }
        }
        let at = if ifa.ifa_flags & IFA_F_SECONDARY != 0 { in_dev.ifa_list.len() } else { last_primary };
        in_dev.ifa_list.insert(at, ifa.clone());
    }
    if let Some(net) = dev.net() {
        queue_addr_chk_work(&net, 0);
        rtmsg_ifa(RTM_NEWADDR, dev, &ifa, nlh, portid);
        call_inetaddr_notifiers(&net.globals, NetdevEvent::Up, dev, &ifa);
    }
    Ok(())
}

/// `inet_insert_ifa`: a kernel-made address (no request); 0.0.0.0 is dropped.
fn inet_insert_ifa(dev: &Arc<NetDevice>, ifa: InIfaddr) -> Result<(), Errno> {
    if ifa.ifa_local.is_unspecified() {
        return Ok(());
    }
    __inet_insert_ifa(dev, ifa, None, 0, &mut ExtAck::default())
}

/// Where a promoted secondary goes: where the deleted primary was, or after
/// the last primary (of scope at least the deleted one's) before it.
enum LastPrim {
    At,
    After(InIfaddr),
}

/// `__inet_del_ifa`: removes `ifa1`. Deleting a primary deletes the
/// secondaries of its subnet first (each announced), unless
/// `promote_secondaries` is set: then the first of them becomes primary,
/// announced with RTM_NEWADDR after the primary's RTM_DELADDR (probe
/// p_addr4 "del primary with promote, ECHO"). Every message carries the
/// requester's pid and seq.
fn __inet_del_ifa(dev: &Arc<NetDevice>, ifa1: &InIfaddr, nlh: Option<&[u8]>, portid: u32) {
    let _s = tracing::debug_span!("__inet_del_ifa", local = %ifa1.ifa_local).entered();
    let Some(net) = dev.net() else { return };
    let globals = &net.globals;
    let (dead, do_promote) = match dev.ip_ptr.lock().as_ref() {
        Some(d) => (d.dead, d.cnf[PROMOTE_SECONDARIES] != 0),
        None => return,
    };
    let mut promote: Option<InIfaddr> = None;
    let mut prev_prom = false;
    let mut last_prim = LastPrim::At;
    let is_sec = |ifa: &InIfaddr| {
        ifa.ifa_flags & IFA_F_SECONDARY != 0 && ifa1.ifa_mask == ifa.ifa_mask && inet_ifa_match(ifa1.ifa_address, ifa)
    };
    if !dead && ifa1.ifa_flags & IFA_F_SECONDARY == 0 {
        // 1. Deleting a primary deletes its secondaries unless they are promoted.
        let mut skip = 0usize;
        loop {
            let victim = {
                let mut guard = dev.ip_ptr.lock();
                let Some(in_dev) = guard.as_mut() else { return };
                let Some(pos) = in_dev.ifa_list.iter().position(|a| same_ifa(a, ifa1)) else { return };
                let mut found = None;
                let mut idx = pos + 1 + skip;
                while let Some(ifa) = in_dev.ifa_list.get(idx) {
                    if ifa.ifa_flags & IFA_F_SECONDARY == 0 && ifa1.ifa_scope <= ifa.ifa_scope {
                        last_prim = LastPrim::After(ifa.clone());
                    }
                    if !is_sec(ifa) {
                        prev_prom = true;
                        idx += 1;
                        skip += 1;
                        continue;
                    }
                    found = Some(idx);
                    break;
                }
                match found {
                    None => None,
                    Some(i) if do_promote => {
                        promote = Some(in_dev.ifa_list[i].clone());
                        None
                    }
                    Some(i) => Some(in_dev.ifa_list.remove(i)),
                }
            };
            let Some(victim) = victim else { break };
            rtmsg_ifa(RTM_DELADDR, dev, &victim, nlh, portid);
            call_inetaddr_notifiers(globals, NetdevEvent::Down, dev, &victim);
        }
    }
    // On promotion all secondaries of the subnet change their primary: their
    // routes go silently now and come back with the new prefsrc below.
    if let Some(p) = &promote {
        let rest: Vec<InIfaddr> = dev.ip_ptr.lock().as_ref().map_or_else(Vec::new, |d| {
            d.ifa_list.iter().skip_while(|a| !same_ifa(a, p)).filter(|a| is_sec(a)).cloned().collect()
        });
        for ifa in &rest {
            fib_frontend::fib_del_ifaddr_locked(dev, ifa, Some(ifa1));
        }
    }
    // 2. Unlink it.
    let pos = {
        let mut guard = dev.ip_ptr.lock();
        let Some(in_dev) = guard.as_mut() else { return };
        let Some(pos) = in_dev.ifa_list.iter().position(|a| same_ifa(a, ifa1)) else { return };
        in_dev.ifa_list.remove(pos);
        pos
    };
    // 3. Announce it: the message first, then the notifier.
    rtmsg_ifa(RTM_DELADDR, dev, ifa1, nlh, portid);
    call_inetaddr_notifiers(globals, NetdevEvent::Down, dev, ifa1);

    let Some(promote) = promote else { return };
    let (promoted, next_sec) = {
        let mut guard = dev.ip_ptr.lock();
        let Some(in_dev) = guard.as_mut() else { return };
        let Some(ppos) = in_dev.ifa_list.iter().position(|a| same_ifa(a, &promote)) else { return };
        let next_sec = in_dev.ifa_list.get(ppos + 1).cloned();
        let mut at = ppos;
        if prev_prom {
            let p = in_dev.ifa_list.remove(ppos);
            at = match &last_prim {
                LastPrim::At => pos,
                LastPrim::After(k) => in_dev.ifa_list.iter().position(|a| same_ifa(a, k)).map_or(pos, |i| i + 1),
            };
            in_dev.ifa_list.insert(at, p);
        }
        in_dev.ifa_list[at].ifa_flags &= !IFA_F_SECONDARY;
        (in_dev.ifa_list[at].clone(), next_sec)
    };
    rtmsg_ifa(RTM_NEWADDR, dev, &promoted, nlh, portid);
    call_inetaddr_notifiers(globals, NetdevEvent::Up, dev, &promoted);
    if let Some(next_sec) = next_sec {
        let rest: Vec<InIfaddr> = dev.ip_ptr.lock().as_ref().map_or_else(Vec::new, |d| {
            d.ifa_list
                .iter()
                .skip_while(|a| !same_ifa(a, &next_sec))
                .filter(|a| ifa1.ifa_mask == a.ifa_mask && inet_ifa_match(ifa1.ifa_address, a))
                .cloned()
                .collect()
        });
        for ifa in &rest {
            fib_frontend::fib_add_ifaddr_locked(dev, ifa);
        }
    }
}

/// `inet_rtm_deladdr`: the first address of the device that matches every
/// selector given (IFA_LOCAL, IFA_LABEL, IFA_ADDRESS with the prefix length).
pub fn inet_rtm_deladdr(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = tracing::debug_span!("inet_rtm_deladdr").entered();
    let tb = nlmsg_parse_deprecated::<IFA_N>(msg, IFADDRMSG_LEN, Some(&IFA_IPV4_POLICY), extack)?;
    let ifm = ifaddrmsg(msg);
    let net = skb.net();
    let _rtnl = rtnl_lock(net);
    let dev = dev_get_by_index(net, ifm.index as i32).filter(|d| d.ip_ptr.lock().is_some());
    let Some(dev) = dev else {
        extack.set_msg("ipv4: Device not found");
        return Err(Errno::ENODEV);
    };
    let found = dev.ip_ptr.lock().as_ref().and_then(|in_dev| {
        in_dev
            .ifa_list
            .iter()
            .find(|ifa| {
                if tb.get(IFA_LOCAL).is_some_and(|a| ifa.ifa_local != nla_get_in_addr(&a)) {
                    return false;
                }
                if tb.get(IFA_LABEL).is_some_and(|a| !nla_strcmp(&a, &ifa.ifa_label)) {
                    return false;
                }
                if let Some(a) = tb.get(IFA_ADDRESS) {
                    if ifm.prefixlen != ifa.ifa_prefixlen || !inet_ifa_match(nla_get_in_addr(&a), ifa) {
                        return false;
                    }
                }
                true
            })
            .cloned()
    });
    match found {
        Some(ifa) => {
            __inet_del_ifa(&dev, &ifa, Some(msg), skb.cb.portid);
            Ok(())
        }
        None => {
            extack.set_msg("ipv4: Address not found");
            Err(Errno::EADDRNOTAVAIL)
        }
    }
}

/// `round_jiffies_up` on CPU 0: the next whole second (a whole second
/// later if already on one), so that timers batch.
fn round_jiffies_up(j: u64, now: u64) -> u64 {
    let r = j - j % HZ + HZ;
    if r > now {
        r
    } else {
        j
    }
}

/// `check_lifetime` (the `addr_chk_work` delayed work): addresses whose
/// valid lifetime ran out are deleted (RTM_DELADDR, pid 0), those whose
/// preferred lifetime ran out become IFA_F_DEPRECATED (RTM_NEWADDR, pid 0);
/// then it runs again when the next lifetime ends, or after
/// ADDR_CHECK_FREQUENCY. Ages are rounded with ADDRCONF_TIMER_FUZZ_MINUS so
/// that nearly-due events are handled together. Linux walks its address
/// hash; we walk devices by ifindex and each list in order.
fn check_lifetime(net: &Arc<Net>) {
    let _s = tracing::debug_span!("check_lifetime").entered();
    let globals = &net.globals;
    let now = jiffies(globals);
    let mut next = round_jiffies_up(now + ADDR_CHECK_FREQUENCY, now);
    let mut change_needed = false;
    for dev in for_each_netdev(net) {
        let list = dev.ip_ptr.lock().as_ref().map_or_else(Vec::new, |d| d.ifa_list.clone());
        for ifa in &list {
            if ifa.ifa_flags & IFA_F_PERMANENT != 0 {
                continue;
            }
            let age = (now - ifa.ifa_tstamp + ADDRCONF_TIMER_FUZZ_MINUS) / HZ;
            let (valid, pref) = (u64::from(ifa.ifa_valid_lft), u64::from(ifa.ifa_preferred_lft));
            if ifa.ifa_valid_lft != INFINITY_LIFE_TIME && age >= valid {
                change_needed = true;
            } else if ifa.ifa_preferred_lft == INFINITY_LIFE_TIME {
                continue;
            } else if age >= pref {
                if ifa.ifa_tstamp + valid * HZ < next {
                    next = ifa.ifa_tstamp + valid * HZ;
                }
                if ifa.ifa_flags & IFA_F_DEPRECATED == 0 {
                    change_needed = true;
                }
            } else if ifa.ifa_tstamp + pref * HZ < next {
                next = ifa.ifa_tstamp + pref * HZ;
            }
        }
    }
    if change_needed {
        let _rtnl = rtnl_lock(net);
        for dev in for_each_netdev(net) {
            let list = dev.ip_ptr.lock().as_ref().map_or_else(Vec::new, |d| d.ifa_list.clone());
            for ifa in &list {
                if ifa.ifa_flags & IFA_F_PERMANENT != 0 {
                    continue;
                }
                let age = (now - ifa.ifa_tstamp + ADDRCONF_TIMER_FUZZ_MINUS) / HZ;
                if ifa.ifa_valid_lft != INFINITY_LIFE_TIME && age >= u64::from(ifa.ifa_valid_lft) {
                    // Still there (a promotion may have changed it)?
                    let cur =
                        dev.ip_ptr.lock().as_ref().and_then(|d| d.ifa_list.iter().find(|a| same_ifa(a, ifa)).cloned());
                    if let Some(cur) = cur {
                        __inet_del_ifa(&dev, &cur, None, 0);
                    }
                } else if ifa.ifa_preferred_lft != INFINITY_LIFE_TIME
                    && age >= u64::from(ifa.ifa_preferred_lft)
                    && ifa.ifa_flags & IFA_F_DEPRECATED == 0
                {
                    let cur = {
                        let mut guard = dev.ip_ptr.lock();
                        guard.as_mut().and_then(|d| d.ifa_list.iter_mut().find(|a| same_ifa(a, ifa))).map(|a| {
                            a.ifa_flags |= IFA_F_DEPRECATED;
                            a.clone()
                        })
                    };
                    if let Some(cur) = cur {
                        rtmsg_ifa(RTM_NEWADDR, &dev, &cur, None, 0);
                    }
                }
            }
        }
    }
    let next_sec = round_jiffies_up(next, now);
    let mut next_sched = next;
    // If rounded timeout is accurate enough, accept it.
    if next_sec < next + ADDRCONF_TIMER_FUZZ {
        next_sched = next_sec;
    }
    let now = jiffies(globals);
    // And minimum interval is ADDRCONF_TIMER_FUZZ_MAX.
    if next_sched < now + ADDRCONF_TIMER_FUZZ_MAX {
        next_sched = now + ADDRCONF_TIMER_FUZZ_MAX;
    }
    queue_addr_chk_work(net, next_sched - now);
}

/// `inet_nlmsg_size`: the most an RTM_NEWADDR can take.
fn inet_nlmsg_size() -> usize {
    nlwire::nlmsg::nlmsg_align(IFADDRMSG_LEN)
        + nla_total_size(4)
        + nla_total_size(4)
        + nla_total_size(4)
        + nla_total_size(IFNAMSIZ)
        + nla_total_size(4)
        + nla_total_size(1)
        + nla_total_size(4)
        + nla_total_size(IFA_CACHEINFO_LEN)
}

/// `cstamp_delta`: jiffies to hundredths of a second since boot.
fn cstamp_delta(cstamp: u64) -> u32 {
    (cstamp.wrapping_sub(INITIAL_JIFFIES).wrapping_mul(100) / HZ) as u32
}

/// `struct inet_fill_args`.
#[derive(Debug, Clone, Copy)]
pub struct InetFillArgs {
    pub portid: u32,
    pub seq: u32,
    pub event: u16,
    pub flags: u16,
    pub netnsid: i32,
    /// `jiffies` when the message is built (the remaining lifetimes).
    pub now: u64,
}

/// `inet_fill_ifaddr`: ifaddrmsg (low 8 flag bits), then IFA_ADDRESS,
/// IFA_LOCAL, IFA_BROADCAST, IFA_LABEL, IFA_PROTO, IFA_FLAGS,
/// IFA_RT_PRIORITY, IFA_CACHEINFO, each only when set except FLAGS and
/// CACHEINFO (probe p_addr4: 127.0.0.1 on lo is 76 bytes, a replaced
/// address with proto and metric 100). Lifetimes left are counted from
/// `ifa_tstamp`; a permanent address reports both as infinite.
pub fn inet_fill_ifaddr(skb: &mut SkBuff, ifa: &InIfaddr, args: &InetFillArgs) -> Result<(), Errno> {
    let nlh = skb.nlmsg_put(args.portid, args.seq, args.event, IFADDRMSG_LEN, args.flags).ok_or(Errno::EMSGSIZE)?;
    let r = (|| {
        let flags = ifa.ifa_flags;
        {
            let ifm = skb.nlmsg_data_mut(nlh);
            ifm[0] = AF_INET;
            ifm[1] = ifa.ifa_prefixlen;
            ifm[2] = flags as u8;
            ifm[3] = ifa.ifa_scope;
            ifm[4..8].copy_from_slice(&(ifa.ifindex as u32).to_ne_bytes());
        }
        if args.netnsid >= 0 {
            skb.nla_put_s32(IFA_TARGET_NETNSID, args.netnsid)?;
        }
        let tstamp = ifa.ifa_tstamp;
        let (mut preferred, mut valid) = (INFINITY_LIFE_TIME, INFINITY_LIFE_TIME);
        if flags & IFA_F_PERMANENT == 0 {
            preferred = ifa.ifa_preferred_lft;
            valid = ifa.ifa_valid_lft;
            if preferred != INFINITY_LIFE_TIME {
                let tval = (args.now.saturating_sub(tstamp) / HZ).min(u64::from(u32::MAX)) as u32;
                preferred = preferred.saturating_sub(tval);
                if valid != INFINITY_LIFE_TIME {
                    valid = valid.saturating_sub(tval);
                }
            }
        }
        if !ifa.ifa_address.is_unspecified() {
            skb.nla_put_in_addr(IFA_ADDRESS, ifa.ifa_address.octets())?;
        }
        if !ifa.ifa_local.is_unspecified() {
            skb.nla_put_in_addr(IFA_LOCAL, ifa.ifa_local.octets())?;
        }
        if !ifa.ifa_broadcast.is_unspecified() {
            skb.nla_put_in_addr(IFA_BROADCAST, ifa.ifa_broadcast.octets())?;
        }
        if !ifa.ifa_label.is_empty() {
            skb.nla_put_string(IFA_LABEL, &ifa.ifa_label)?;
        }
        if ifa.ifa_proto != 0 {
            skb.nla_put_u8(IFA_PROTO, ifa.ifa_proto)?;
        }
        skb.nla_put_u32(IFA_FLAGS, flags)?;
        if ifa.ifa_rt_priority != 0 {
            skb.nla_put_u32(IFA_RT_PRIORITY, ifa.ifa_rt_priority)?;
        }
        // put_cacheinfo
        let mut ci = [0u8; IFA_CACHEINFO_LEN];
        ci[0..4].copy_from_slice(&preferred.to_ne_bytes());
        ci[4..8].copy_from_slice(&valid.to_ne_bytes());
        ci[8..12].copy_from_slice(&cstamp_delta(ifa.ifa_cstamp).to_ne_bytes());
        ci[12..16].copy_from_slice(&cstamp_delta(tstamp).to_ne_bytes());
        skb.nla_put(IFA_CACHEINFO, &ci)
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

/// `rtmsg_ifa`: RTM_NEWADDR / RTM_DELADDR to RTNLGRP_IPV4_IFADDR, with the
/// requester's portid and seq in the header (pid 0, seq 0 when the kernel
/// acts alone), echoed to the requester when it asked (NLM_F_ECHO).
fn rtmsg_ifa(event: u16, dev: &NetDevice, ifa: &InIfaddr, nlh: Option<&[u8]>, portid: u32) {
    let Some(net) = dev.net() else { return };
    let _s = tracing::debug_span!("rtmsg_ifa", ty = event, local = %ifa.ifa_local).entered();
    let hdr = nlh.map(NlMsgHdr::new_unchecked);
    let args = InetFillArgs {
        portid,
        seq: hdr.as_ref().map_or(0, |h| h.nlmsg_seq()),
        event,
        flags: 0,
        netnsid: -1,
        now: jiffies(&net.globals),
    };
    let mut skb = nlmsg_new(inet_nlmsg_size());
    if inet_fill_ifaddr(&mut skb, ifa, &args).is_err() {
        debug_assert!(false, "inet_nlmsg_size too small");
        return;
    }
    rtnl_notify(skb, &net, portid, RTNLGRP_IPV4_IFADDR, hdr.map(|h| h.nlmsg_flags()));
}

/// `inet_valid_dump_ifaddr_req`: a strict dump request has a whole
/// ifaddrmsg with no prefix length, flags or scope; an index filters (and
/// flags every answer NLM_F_DUMP_FILTERED); the only attribute allowed is
/// IFA_TARGET_NETNSID, which needs CAP_NET_ADMIN over the target.
fn inet_valid_dump_ifaddr_req(
    cb: &mut NetlinkCallback,
    fillargs: &mut InetFillArgs,
    ifindex: &mut i32,
    tgt_net: &mut Arc<Net>,
) -> Result<(), Errno> {
    let nlh = cb.nlh.clone();
    let mut extack = std::mem::take(&mut cb.extack);
    let r = (|| {
        if NlMsgHdr::new_unchecked(&nlh[..]).payload_len() < IFADDRMSG_LEN {
            extack.set_msg("ipv4: Invalid header for address dump request");
            return Err(Errno::EINVAL);
        }
        let ifm = ifaddrmsg(&nlh);
        if ifm.prefixlen != 0 || ifm.flags != 0 || ifm.scope != 0 {
            extack.set_msg("ipv4: Invalid values in header for address dump request");
            return Err(Errno::EINVAL);
        }
        *ifindex = ifm.index as i32;
        if *ifindex != 0 {
            cb.answer_flags |= NLM_F_DUMP_FILTERED;
            fillargs.flags |= NLM_F_DUMP_FILTERED;
        }
        let tb = nlmsg_parse_deprecated_strict::<IFA_N>(&nlh, IFADDRMSG_LEN, Some(&IFA_IPV4_POLICY), &mut extack)?;
        for i in 0..IFA_N as u16 {
            let Some(a) = tb.get(i) else { continue };
            if i == IFA_TARGET_NETNSID {
                fillargs.netnsid = a.get_s32();
                // rtnl_get_net_ns_capable(sk, netnsid)
                let target = match get_net_ns_by_id(&cb.net, fillargs.netnsid) {
                    None => Err(Errno::EINVAL),
                    Some(_) if !cb.sk_capable(CAP_NET_ADMIN) => Err(Errno::EACCES),
                    Some(n) => Ok(n),
                };
                match target {
                    Ok(n) => *tgt_net = n,
                    Err(e) => {
                        fillargs.netnsid = -1;
                        extack.set_msg("ipv4: Invalid target network namespace id");
                        return Err(e);
                    }
                }
            } else {
                extack.set_msg("ipv4: Unsupported attribute in dump request");
                return Err(Errno::EINVAL);
            }
        }
        Ok(())
    })();
    cb.extack = extack;
    r
}

/// `in_dev_dump_ifaddr`: one device's addresses from `cb.args[1]` on.
fn in_dev_dump_ifaddr(
    dev: &NetDevice,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
    fillargs: &InetFillArgs,
) -> Result<(), Errno> {
    let list = dev.ip_ptr.lock().as_ref().map_or_else(Vec::new, |d| d.ifa_list.clone());
    let s_ip_idx = cb.args[1] as usize;
    for (ip_idx, ifa) in list.iter().enumerate().skip(s_ip_idx) {
        if let Err(e) = inet_fill_ifaddr(skb, ifa, fillargs) {
            cb.args[1] = ip_idx as i64;
            return Err(e);
        }
        cb.nl_dump_check_consistent(skb, NlMsgStart::FIRST);
    }
    cb.args[1] = 0;
    Ok(())
}

/// `inet_base_seq`: `dev_addr_genid + dev_base_seq`, never 0.
fn inet_base_seq(net: &Net) -> u32 {
    let genid = net.generic::<Ipv4NetAddr>().map_or(0, |s| s.dev_addr_genid.load(Ordering::Relaxed));
    let res = genid.wrapping_add(net.dev.read().dev_base_seq);
    if res == 0 {
        0x8000_0000
    } else {
        res
    }
}

/// `inet_dump_ifaddr` (`inet_dump_addr` for RTM_NEWADDR): every device's
/// addresses in ifindex then list order, resumed from `cb.args` (0 = the
/// device, 1 = the address within it); with strict checking, one device
/// only when `ifa_index` is set (then no consistency check, as Linux).
pub fn inet_dump_ifaddr(skb: &mut SkBuff, cb: &mut NetlinkCallback) -> Result<usize, Errno> {
    let _s = tracing::debug_span!("inet_dump_ifaddr").entered();
    let net = Arc::clone(&cb.net);
    let mut fillargs = InetFillArgs {
        portid: cb.portid,
        seq: cb.nlh().nlmsg_seq(),
        event: RTM_NEWADDR,
        flags: NLM_F_MULTI,
        netnsid: -1,
        now: jiffies(&net.globals),
    };
    let mut tgt_net = Arc::clone(&net);
    if cb.strict_check {
        let mut ifindex = 0;
        inet_valid_dump_ifaddr_req(cb, &mut fillargs, &mut ifindex, &mut tgt_net)?;
        if ifindex != 0 {
            let dev = dev_get_by_index(&tgt_net, ifindex).ok_or(Errno::ENODEV)?;
            if dev.ip_ptr.lock().is_none() {
                return Ok(0);
            }
            in_dev_dump_ifaddr(&dev, skb, cb, &fillargs)?;
            return Ok(0);
        }
    }
    cb.seq = inet_base_seq(&tgt_net);
    let start = cb.args[0] as i32;
    let devs: Vec<Arc<NetDevice>> = tgt_net.dev.read().by_index.range(start..).map(|(_, d)| Arc::clone(d)).collect();
    for dev in devs {
        cb.args[0] = i64::from(dev.ifindex());
        if dev.ip_ptr.lock().is_none() {
            continue;
        }
        in_dev_dump_ifaddr(&dev, skb, cb, &fillargs)?;
    }
    // for_each_netdev_dump leaves the cursor past the last device.
    cb.args[0] = cb.args[0].max(i64::from(start)) + 1;
    Ok(0)
}

/// `inetdev_changename`: labels follow the new name; the first address
/// gets the bare name, the others keep their `:alias` suffix or get
/// `:N` (N counting the addresses), each announced with RTM_NEWADDR
/// (probe p_addr4 "rename v0 -> v9": v9, v9:2).
fn inetdev_changename(dev: &Arc<NetDevice>) {
    let name = dev.name();
    let list = dev.ip_ptr.lock().as_ref().map_or_else(Vec::new, |d| d.ifa_list.clone());
    for (i, old) in list.iter().enumerate() {
        let named = i + 1;
        let mut label = name.clone();
        if named > 1 {
            let dot = match old.ifa_label.find(':') {
                Some(p) => old.ifa_label[p..].to_string(),
                None => format!(":{named}"),
            };
            if dot.len() + name.len() < IFNAMSIZ {
                label.push_str(&dot);
            } else {
                // A label read with lossy UTF-8 may be longer than IFNAMSIZ.
                let keep = IFNAMSIZ.saturating_sub(dot.len() + 1).min(label.len());
                let mut cut = keep;
                while !label.is_char_boundary(cut) {
                    cut -= 1;
                }
                label.truncate(cut);
                label.push_str(&dot);
            }
        }
        let cur = {
            let mut guard = dev.ip_ptr.lock();
            guard.as_mut().and_then(|d| d.ifa_list.iter_mut().find(|a| same_ifa(a, old))).map(|a| {
                a.ifa_label = label.clone();
                a.clone()
            })
        };
        if let Some(cur) = cur {
            rtmsg_ifa(RTM_NEWADDR, dev, &cur, None, 0);
        }
    }
}

/// `inetdev_event`: the in_device follows the device's registration and
/// MTU; the loopback gets 127.0.0.1/8 (scope host, permanent, no protocol:
/// probe p_addr4 "lo up") through the normal insert path when it comes up;
/// NETDEV_DOWN leaves the addresses alone (probe p_addr4 "down"); a name
/// change relabels them; unregistering (also a move to another namespace)
/// deletes them all with notifications in the old namespace.
/// Only the in_device made at registration gets the loopback's NOXFRM and
/// NOPOLICY; one made again when the MTU comes back does not.
fn inetdev_event(event: NetdevEvent, dev: &Arc<NetDevice>, _info: &NetdevNotifierInfo) -> Result<(), Errno> {
    let mtu = dev.st.lock().mtu;
    let has = dev.ip_ptr.lock().is_some();
    if !has {
        match event {
            NetdevEvent::Register => {
                inetdev_init(dev);
                if dev.st.lock().flags & IFF_LOOPBACK != 0 {
                    if let Some(in_dev) = dev.ip_ptr.lock().as_mut() {
                        in_dev.cnf[NOXFRM] = 1;
                        in_dev.cnf[NOPOLICY] = 1;
                    }
                }
            }
            NetdevEvent::ChangeMtu if mtu >= IPV4_MIN_MTU => inetdev_init(dev),
            _ => {}
        }
        return Ok(());
    }
    match event {
        NetdevEvent::Register => *dev.ip_ptr.lock() = None,
        NetdevEvent::Up => {
            if mtu < IPV4_MIN_MTU {
                return Ok(());
            }
            if dev.st.lock().flags & IFF_LOOPBACK != 0 {
                let now = dev.net().map_or(INITIAL_JIFFIES, |n| jiffies(&n.globals));
                let mut ifa = InIfaddr {
                    ifa_local: Ipv4Addr::LOCALHOST,
                    ifa_address: Ipv4Addr::LOCALHOST,
                    ifa_mask: inet_make_mask(8),
                    ifa_broadcast: Ipv4Addr::UNSPECIFIED,
                    ifa_prefixlen: 8,
                    ifa_flags: 0,
                    ifa_scope: RT_SCOPE_HOST,
                    ifa_label: dev.name(),
                    ifa_rt_priority: 0,
                    ifa_proto: 0,
                    ifa_valid_lft: 0,
                    ifa_preferred_lft: 0,
                    ifa_cstamp: 0,
                    ifa_tstamp: 0,
                    ifindex: dev.ifindex(),
                };
                set_ifa_lifetime(&mut ifa, INFINITY_LIFE_TIME, INFINITY_LIFE_TIME, now);
                let _ = inet_insert_ifa(dev, ifa);
            }
        }
        NetdevEvent::ChangeMtu if mtu < IPV4_MIN_MTU => inetdev_destroy(dev),
        NetdevEvent::Unregister => inetdev_destroy(dev),
        NetdevEvent::ChangeName => inetdev_changename(dev),
        _ => {}
    }
    Ok(())
}

/// `in_dev_select_addr`: the first primary of scope at most `scope`, not link.
fn in_dev_select_addr(in_dev: &InDevice, scope: u8) -> Option<Ipv4Addr> {
    in_dev
        .ifa_list
        .iter()
        .find(|ifa| ifa.ifa_flags & IFA_F_SECONDARY == 0 && ifa.ifa_scope != RT_SCOPE_LINK && ifa.ifa_scope <= scope)
        .map(|ifa| ifa.ifa_local)
}

/// `inet_select_addr`: the source address for `dst` (0.0.0.0 = any) out
/// of `dev` with at most `scope`: the device's first primary in `dst`'s
/// subnet, else its first primary of fitting scope, else the first
/// non-link-scope primary of any device (in ifindex order, so the loopback
/// first). 0.0.0.0 when there is none. (No VRFs: the l3mdev master step of
/// Linux is absent.)
pub fn inet_select_addr(dev: &NetDevice, dst: Ipv4Addr, scope: u8) -> Ipv4Addr {
    let mut addr = Ipv4Addr::UNSPECIFIED;
    if let Some(in_dev) = dev.ip_ptr.lock().as_ref() {
        let localnet_scope = if in_dev.cnf[ROUTE_LOCALNET] != 0 { RT_SCOPE_LINK } else { RT_SCOPE_HOST };
        for ifa in &in_dev.ifa_list {
            if ifa.ifa_flags & IFA_F_SECONDARY != 0 {
                continue;
            }
            if ifa.ifa_scope.min(localnet_scope) > scope {
                continue;
            }
            if dst.is_unspecified() || inet_ifa_match(dst, ifa) {
                addr = ifa.ifa_local;
                break;
            }
            if addr.is_unspecified() {
                addr = ifa.ifa_local;
            }
        }
    }
    if !addr.is_unspecified() {
        return addr;
    }
    let Some(net) = dev.net() else { return addr };
    for d in for_each_netdev(&net) {
        if let Some(a) = d.ip_ptr.lock().as_ref().and_then(|in_dev| in_dev_select_addr(in_dev, scope)) {
            return a;
        }
    }
    addr
}

/// `devinet_init_net`: the namespace's `addr_chk_work` (`INIT_DEFERRABLE_WORK`;
/// first queued by the first address inserted).
fn devinet_init_net(net: &Arc<Net>) -> Result<(), Errno> {
    net.set_generic(Arc::new(Ipv4NetAddr {
        addr_chk_work: TimerList::setup(&net.globals),
        dev_addr_genid: AtomicU32::new(0),
    }));
    Ok(())
}

/// `devinet_exit_net`.
fn devinet_exit_net(net: &Arc<Net>) {
    if let Some(st) = net.generic::<Ipv4NetAddr>() {
        st.addr_chk_work.delete(&net.globals);
    }
    net.clear_generic::<Ipv4NetAddr>();
}

/// `inet_get_link_af_size`.
fn inet_get_link_af_size(dev: &NetDevice, _ext_filter_mask: u32) -> usize {
    if dev.ip_ptr.lock().is_none() {
        return 0;
    }
    nla_total_size(IPV4_DEVCONF_MAX * 4)
}

/// `inet_fill_link_af`.
fn inet_fill_link_af(skb: &mut SkBuff, dev: &NetDevice, _ext_filter_mask: u32) -> Result<(), Errno> {
    let Some(cnf) = dev.ip_ptr.lock().as_ref().map(|d| d.cnf) else {
        return Err(Errno::ENODATA);
    };
    let out = skb.nla_reserve(IFLA_INET_CONF, IPV4_DEVCONF_MAX * 4)?;
    for (i, v) in cnf.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&v.to_ne_bytes());
    }
    Ok(())
}

/// `IFLA_INET_MAX`.
const IFLA_INET_MAX: usize = IFLA_INET_CONF as usize;

/// `inet_af_policy`.
static INET_AF_POLICY: [NlaPolicy; IFLA_INET_MAX + 1] = {
    let mut p = [NlaPolicy::UNSPEC; IFLA_INET_MAX + 1];
    p[IFLA_INET_CONF as usize] = NlaPolicy::of(NlaType::Nested);
    p
};

/// `inet_validate_link_af`: IFLA_INET_CONF holds u32 values whose types
/// are IPV4_DEVCONF_* numbers (1..=IPV4_DEVCONF_MAX).
pub fn inet_validate_link_af(dev: &NetDevice, nla: &Nla<&[u8]>, extack: &mut ExtAck) -> Result<(), Errno> {
    if dev.ip_ptr.lock().is_none() {
        return Err(Errno::EAFNOSUPPORT);
    }
    let tb = nla_parse_nested_deprecated::<{ IFLA_INET_MAX + 1 }>(nla, Some(&INET_AF_POLICY), extack)?;
    if let Some(conf) = tb.get(IFLA_INET_CONF) {
        for a in nlwire::NlaIter::new(conf.payload_ref()) {
            let cfgid = a.nla_type() as usize;
            if a.payload().len() < 4 || cfgid == 0 || cfgid > IPV4_DEVCONF_MAX {
                return Err(Errno::EINVAL);
            }
        }
    }
    Ok(())
}

/// `inet_set_link_af`: `ipv4_devconf_set` for each value (no netconf
/// notification: Linux sends none from here either).
pub fn inet_set_link_af(dev: &NetDevice, nla: &Nla<&[u8]>, _extack: &mut ExtAck) -> Result<(), Errno> {
    let tb = nla_parse_nested_deprecated::<{ IFLA_INET_MAX + 1 }>(nla, None, &mut ExtAck::default())
        .map_err(|_| Errno::EINVAL)?;
    let mut guard = dev.ip_ptr.lock();
    let in_dev = guard.as_mut().ok_or(Errno::EAFNOSUPPORT)?;
    if let Some(conf) = tb.get(IFLA_INET_CONF) {
        for a in nlwire::NlaIter::new(conf.payload_ref()) {
            if let Some(slot) = in_dev.cnf.get_mut((a.nla_type() as usize).wrapping_sub(1)) {
                *slot = a.get_u32();
            }
        }
    }
    Ok(())
}

static INET_AF_OPS: RtnlAfOps =
    RtnlAfOps { family: AF_INET, fill_link_af: inet_fill_link_af, get_link_af_size: inet_get_link_af_size };

/// `devinet_init`.
/// `devinet_init`: the pernet state, the netdevice notifier, the AF_INET
/// link ops and the PF_INET address handlers with their 6.18 flags
/// (NEWADDR and DELADDR per-namespace, GETADDR a dump without rtnl and
/// with NLMSG_DONE in its own datagram).
pub(crate) fn devinet_init(globals: &Arc<Globals>) {
    let _ = register_pernet_subsys(
        globals,
        PernetOperations { name: "devinet", init: Some(devinet_init_net), exit: Some(devinet_exit_net) },
    );
    register_netdevice_notifier(globals, inetdev_event);
    rtnl_af_register(globals, &INET_AF_OPS);
    let h = |msgtype, doit, dumpit, flags| RtnlMsgHandler { protocol: PF_INET, msgtype, doit, dumpit, flags };
    let _ = rtnl_register_many(
        globals,
        &[
            h(RTM_NEWADDR, Some(inet_rtm_newaddr as RtnlDoitFn), None, RTNL_FLAG_DOIT_PERNET),
            h(RTM_DELADDR, Some(inet_rtm_deladdr as RtnlDoitFn), None, RTNL_FLAG_DOIT_PERNET),
            h(
                RTM_GETADDR,
                None,
                Some(inet_dump_ifaddr as RtnlDumpitFn),
                RTNL_FLAG_DUMP_UNLOCKED | RTNL_FLAG_DUMP_SPLIT_NLM_DONE,
            ),
        ],
    );
}
