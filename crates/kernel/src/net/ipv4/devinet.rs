//! IPv4 per-device state: net/ipv4/devinet.c.
//!
//! A device gets an `in_device` when it registers (`inetdev_event`,
//! NETDEV_REGISTER) and loses it when it unregisters; its `devconf` is what
//! IFLA_AF_SPEC/AF_INET/IFLA_INET_CONF reports (`inet_fill_link_af`).
//! Addresses and routes come with the addresses issue.

use std::sync::Arc;

use crate::kernel::Globals;
use crate::net::core::dev::{register_netdevice_notifier, NetDevice, NetdevEvent, NetdevNotifierInfo};
use crate::net::core::rtnetlink::link_ops::{rtnl_af_register, RtnlAfOps};
use crate::net::core::skbuff::SkBuff;
use crate::Errno;
use nlwire::nlattr::nla_total_size;
use nlwire::uapi::if_::IFF_LOOPBACK;
use nlwire::uapi::if_link::IFLA_INET_CONF;
use nlwire::uapi::socket::AF_INET;

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
}

/// `inetdev_init`.
fn inetdev_init(dev: &NetDevice) {
    let mut cnf = IPV4_DEVCONF_DFLT;
    if dev.st.lock().flags & IFF_LOOPBACK != 0 {
        cnf[NOXFRM] = 1;
        cnf[NOPOLICY] = 1;
    }
    *dev.ip_ptr.lock() = Some(InDevice { cnf });
}

/// `inetdev_event`: the in_device follows the device's registration and MTU.
fn inetdev_event(event: NetdevEvent, dev: &Arc<NetDevice>, _info: &NetdevNotifierInfo) -> Result<(), Errno> {
    let mtu = dev.st.lock().mtu;
    let has = dev.ip_ptr.lock().is_some();
    match event {
        NetdevEvent::Register if !has && mtu >= IPV4_MIN_MTU => inetdev_init(dev),
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

static INET_AF_OPS: RtnlAfOps =
    RtnlAfOps { family: AF_INET, fill_link_af: inet_fill_link_af, get_link_af_size: inet_get_link_af_size };

/// `devinet_init`.
pub(crate) fn devinet_init(globals: &Globals) {
    register_netdevice_notifier(globals, inetdev_event);
    rtnl_af_register(globals, &INET_AF_OPS);
}
