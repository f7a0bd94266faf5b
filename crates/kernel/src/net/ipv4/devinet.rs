//! IPv4 per-device state: net/ipv4/devinet.c.
//!
//! A device gets an `in_device` when it registers (`inetdev_event`,
//! NETDEV_REGISTER) and loses it when it unregisters; its `devconf` is what
//! IFLA_AF_SPEC/AF_INET/IFLA_INET_CONF reports (`inet_fill_link_af`).
//! Addresses and routes come with the addresses issue.

use std::net::Ipv4Addr;
use std::sync::Arc;

use crate::kernel::Globals;
use crate::net::core::dev::{register_netdevice_notifier, NetDevice, NetdevEvent, NetdevNotifierInfo};
use crate::net::core::rtnetlink::link_ops::{rtnl_af_register, RtnlAfOps};
use crate::net::core::skbuff::SkBuff;
use crate::Errno;
use nlwire::nlattr::nla_total_size;
use nlwire::policy::{nla_parse_nested_deprecated, ExtAck, NlaPolicy, NlaType};
use nlwire::uapi::if_::IFF_LOOPBACK;
use nlwire::uapi::if_link::IFLA_INET_CONF;
use nlwire::uapi::socket::AF_INET;
use nlwire::Nla;

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
pub fn call_inetaddr_notifiers(globals: &Globals, event: NetdevEvent, dev: &Arc<NetDevice>, ifa: &InIfaddr) {
    let chain = globals.inetaddr_chain.read().clone();
    let _s = tracing::debug_span!("inetaddr_chain", event = ?event, local = %ifa.ifa_local).entered();
    for nb in chain {
        let _ = nb(event, dev, ifa);
    }
}

/// `inetdev_init`.
fn inetdev_init(dev: &NetDevice) {
    *dev.ip_ptr.lock() = Some(InDevice { cnf: IPV4_DEVCONF_DFLT, ifa_list: Vec::new() });
}

/// `inetdev_event`: the in_device follows the device's registration and MTU.
/// Only the one made at registration gets the loopback's NOXFRM and
/// NOPOLICY; one made again when the MTU comes back does not.
fn inetdev_event(event: NetdevEvent, dev: &Arc<NetDevice>, _info: &NetdevNotifierInfo) -> Result<(), Errno> {
    let mtu = dev.st.lock().mtu;
    let has = dev.ip_ptr.lock().is_some();
    match event {
        NetdevEvent::Register if !has && mtu >= IPV4_MIN_MTU => {
            inetdev_init(dev);
            if dev.st.lock().flags & IFF_LOOPBACK != 0 {
                if let Some(in_dev) = dev.ip_ptr.lock().as_mut() {
                    in_dev.cnf[NOXFRM] = 1;
                    in_dev.cnf[NOPOLICY] = 1;
                }
            }
        }
        NetdevEvent::ChangeMtu if !has && mtu >= IPV4_MIN_MTU => inetdev_init(dev),
        NetdevEvent::ChangeMtu if has && mtu < IPV4_MIN_MTU => *dev.ip_ptr.lock() = None,
        NetdevEvent::Unregister => *dev.ip_ptr.lock() = None,
        _ => {}
    }
    Ok(())
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
pub(crate) fn devinet_init(globals: &Globals) {
    register_netdevice_notifier(globals, inetdev_event);
    rtnl_af_register(globals, &INET_AF_OPS);
}
