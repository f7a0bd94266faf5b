//! Neighbour discovery's table: net/ipv6/ndisc.c.
//!
//! `nd_tbl` (AF_INET6, 16-byte keys, "ndisc_cache") with
//! `ndisc_constructor` and `ndisc_allow_add`, and `ndisc_netdev_event`,
//! which flushes a device's entries on NETDEV_CHANGEADDR, NETDEV_DOWN and a
//! lost carrier. No ND packets are sent or received.

use std::sync::Arc;

use crate::kernel::Globals;
use crate::net::core::dev::{register_netdevice_notifier, NetDevice, NetdevEvent, NetdevNotifierInfo, ARPHRD_ETHER};
use crate::net::core::neighbour::{
    neigh_carrier_down, neigh_changeaddr, neigh_ifdown, neigh_parms_release, neigh_table_init, NeighInit, NeighParms,
    NeighParmsCache, NeighTable, NEIGH_ND_TABLE, NUD_NOARP_,
};
use crate::net::core::net_namespace::Net;
use crate::time::msecs_to_jiffies;
use crate::Errno;
use nlwire::policy::ExtAck;
use nlwire::uapi::if_::{IFF_LOOPBACK, IFF_NOARP, IFF_POINTOPOINT};
use nlwire::uapi::rtnetlink::{RTN_LOCAL, RTN_MULTICAST, RTN_UNICAST};
use nlwire::uapi::socket::AF_INET6;

/// `DEVCONF_DISABLE_IPV6`.
const DEVCONF_DISABLE_IPV6: usize = 26;
/// `DEVCONF_NDISC_EVICT_NOCARRIER`.
const DEVCONF_NDISC_EVICT_NOCARRIER: usize = 56;

/// `nd_tbl`.
pub static ND_TBL: NeighTable = NeighTable {
    family: AF_INET6,
    key_len: 16,
    id: "ndisc_cache",
    constructor: ndisc_constructor,
    allow_add: Some(ndisc_allow_add),
};

/// `ndisc_allow_add`: no entries on a device without IPv6.
fn ndisc_allow_add(dev: &NetDevice, extack: &mut ExtAck) -> bool {
    let disabled = dev.ip6_ptr.lock().as_ref().is_none_or(|idev| idev.cnf[DEVCONF_DISABLE_IPV6] != 0);
    if disabled {
        extack.set_msg("IPv6 is disabled on this device");
        return false;
    }
    true
}

/// `ndisc_mc_map(addr, buf, dev, 1)`: 33:33 and the address's last four
/// bytes on Ethernet, else the broadcast address.
fn ndisc_mc_map(addr: &[u8], ha: &mut [u8], dev: &NetDevice) {
    let st = dev.st.lock();
    if st.ty == ARPHRD_ETHER {
        ha[..6].copy_from_slice(&[0x33, 0x33, addr[12], addr[13], addr[14], addr[15]]);
    } else {
        let n = st.addr_len as usize;
        ha[..n].copy_from_slice(&st.broadcast[..n]);
    }
}

/// `ndisc_constructor`: needs the device's `inet6_dev` (EINVAL without);
/// multicast entries start NOARP with the mapped address (type
/// RTN_MULTICAST), entries on NOARP and loopback devices NOARP with the
/// device's address (RTN_LOCAL on loopback, probes/observed/p_neigh.txt);
/// `nd_parms->reachable_time` is the one addrconf drew for the device.
fn ndisc_constructor(
    n: &mut NeighInit,
    dev: &Arc<NetDevice>,
    _net: &Net,
    parms: &mut NeighParmsCache,
) -> Result<(), Errno> {
    let Some(reachable_ms) = dev.ip6_ptr.lock().as_ref().map(|idev| idev.reachable_time) else {
        return Err(Errno::EINVAL);
    };
    n.parms = parms.get_or(dev.ifindex(), || NeighParms {
        reachable_time: msecs_to_jiffies(reachable_ms as u64),
        ..NeighParms::DEFAULT
    });
    let is_multicast = n.primary_key[0] == 0xff;
    n.ntype = if is_multicast { RTN_MULTICAST } else { RTN_UNICAST };
    let (flags, addr_len, dev_addr, broadcast) = {
        let st = dev.st.lock();
        (st.flags, st.addr_len as usize, st.dev_addr, st.broadcast)
    };
    if is_multicast {
        n.nud_state = NUD_NOARP_;
        let key = n.primary_key.clone();
        ndisc_mc_map(&key, &mut n.ha, dev);
    } else if flags & (IFF_NOARP | IFF_LOOPBACK) != 0 {
        n.nud_state = NUD_NOARP_;
        n.ha[..addr_len].copy_from_slice(&dev_addr[..addr_len]);
        if flags & IFF_LOOPBACK != 0 {
            n.ntype = RTN_LOCAL;
        }
    } else if flags & IFF_POINTOPOINT != 0 {
        n.nud_state = NUD_NOARP_;
        n.ha[..addr_len].copy_from_slice(&broadcast[..addr_len]);
    }
    Ok(())
}

/// `ndisc_netdev_event`: NETDEV_CHANGEADDR and NETDEV_DOWN flush the
/// device's entries; NETDEV_CHANGE flushes them if IFF_NOARP flipped, and
/// all but the permanent ones when the carrier is off
/// (`ndisc_evict_nocarrier`, on by default).
///
/// NETDEV_UNREGISTER is handled here too, standing in for
/// `addrconf_ifdown → rt6_disable_ip → neigh_ifdown(&nd_tbl, dev)`.
fn ndisc_netdev_event(event: NetdevEvent, dev: &Arc<NetDevice>, info: &NetdevNotifierInfo) -> Result<(), Errno> {
    match event {
        NetdevEvent::ChangeAddr => neigh_changeaddr(NEIGH_ND_TABLE, dev),
        NetdevEvent::Change => {
            if info.flags_changed & IFF_NOARP != 0 {
                neigh_changeaddr(NEIGH_ND_TABLE, dev);
            }
            // devconf_all's value is not modelled: the device's decides.
            let evict = dev.ip6_ptr.lock().as_ref().is_none_or(|idev| idev.cnf[DEVCONF_NDISC_EVICT_NOCARRIER] != 0);
            if evict && !dev.st.lock().carrier_ok() {
                neigh_carrier_down(NEIGH_ND_TABLE, dev);
            }
        }
        NetdevEvent::Down => neigh_ifdown(NEIGH_ND_TABLE, dev),
        // The entries went in rt6_disable_ip (addrconf_ifdown).
        NetdevEvent::Unregister => neigh_parms_release(NEIGH_ND_TABLE, dev),
        _ => {}
    }
    Ok(())
}

/// `ndisc_init`: registers `nd_tbl` and `ndisc_netdev_event`.
pub(crate) fn ndisc_init(globals: &Globals) {
    neigh_table_init(NEIGH_ND_TABLE, &ND_TBL);
    register_netdevice_notifier(globals, ndisc_netdev_event);
}
