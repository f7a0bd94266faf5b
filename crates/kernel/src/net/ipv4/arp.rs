//! ARP's neighbour table: net/ipv4/arp.c.
//!
//! `arp_tbl` (AF_INET, 4-byte keys, "arp_cache") with `arp_constructor`,
//! and `arp_netdev_event`, which flushes a device's entries when its
//! address changes, when NOARP flips and when the carrier goes
//! (`arp.evict_nocarrier`, on by default). Packets are not modelled: no
//! solicitation leaves, no reply confirms.

use std::net::Ipv4Addr;
use std::sync::Arc;

use crate::kernel::Globals;
use crate::net::core::dev::{register_netdevice_notifier, NetDevice, NetdevEvent, NetdevNotifierInfo, ARPHRD_ETHER};
use crate::net::core::neighbour::{
    neigh_carrier_down, neigh_changeaddr, neigh_ifdown, neigh_parms_release, neigh_rand_reach_time, neigh_table_init,
    NeighInit, NeighParms, NeighParmsCache, NeighTable, NEIGH_ARP_TABLE, NUD_NOARP_,
};
use crate::net::core::net_namespace::Net;
use crate::Errno;
use nlwire::uapi::if_::{IFF_LOOPBACK, IFF_NOARP, IFF_POINTOPOINT};
use nlwire::uapi::rtnetlink::{RTN_BROADCAST, RTN_MULTICAST, RTN_UNICAST, RT_TABLE_LOCAL};
use nlwire::uapi::socket::AF_INET;

/// IPV4_DEVCONF_ARP_EVICT_NOCARRIER − 1.
const ARP_EVICT_NOCARRIER: usize = 32;

/// `arp_tbl`.
pub static ARP_TBL: NeighTable =
    NeighTable { family: AF_INET, key_len: 4, id: "arp_cache", constructor: arp_constructor, allow_add: None };

/// `inet_addr_type_dev_table(net, dev, addr)`: what the local table says
/// of `addr` through `dev` (`__inet_dev_addr_type` in fib_frontend.c): a
/// new entry's `ndm_type`, and whether it needs ARP at all.
pub fn inet_addr_type_dev_table(net: &Net, dev: &NetDevice, addr: Ipv4Addr) -> u8 {
    let Some(fib) = crate::net::ipv4::fib_frontend::fib4(net) else { return RTN_UNICAST };
    let st = fib.st.lock();
    crate::net::ipv4::fib_frontend::__inet_dev_addr_type(&st, Some(dev.ifindex()), u32::from(addr), RT_TABLE_LOCAL)
}

/// `arp_mc_map(addr, haddr, dev, 1)`: Ethernet's 01:00:5e mapping, else the
/// device's broadcast address.
fn arp_mc_map(addr: [u8; 4], ha: &mut [u8], dev: &NetDevice) {
    let st = dev.st.lock();
    if st.ty == ARPHRD_ETHER {
        ha[..6].copy_from_slice(&[0x01, 0x00, 0x5e, addr[1] & 0x7f, addr[2], addr[3]]);
    } else {
        let n = st.addr_len as usize;
        ha[..n].copy_from_slice(&st.broadcast[..n]);
    }
}

/// `arp_constructor`: needs the device's `in_device` (EINVAL without);
/// loopback and point-to-point entries are all keyed 0.0.0.0 (so every
/// address added on `lo` lands in one entry, probes/observed/p_neigh2.txt);
/// multicast, NOARP/loopback and broadcast addresses start NOARP with the
/// address they map to. The device's `arp_parms` are made on first use,
/// their `reachable_time` drawn then.
fn arp_constructor(
    n: &mut NeighInit,
    dev: &Arc<NetDevice>,
    net: &Net,
    parms: &mut NeighParmsCache,
) -> Result<(), Errno> {
    let (flags, addr_len, dev_addr, broadcast) = {
        let st = dev.st.lock();
        (st.flags, st.addr_len as usize, st.dev_addr, st.broadcast)
    };
    if flags & (IFF_LOOPBACK | IFF_POINTOPOINT) != 0 {
        n.primary_key = vec![0; 4];
    }
    let mut a = [0u8; 4];
    a.copy_from_slice(&n.primary_key[..4]);
    if dev.ip_ptr.lock().is_none() {
        return Err(Errno::EINVAL);
    }
    n.ntype = inet_addr_type_dev_table(net, dev, Ipv4Addr::from(a));
    let globals: &Globals = &net.globals;
    n.parms = parms.get_or(dev.ifindex(), || NeighParms {
        reachable_time: neigh_rand_reach_time(globals, NeighParms::DEFAULT.base_reachable_time),
        ..NeighParms::DEFAULT
    });
    if n.ntype == RTN_MULTICAST {
        n.nud_state = NUD_NOARP_;
        arp_mc_map(a, &mut n.ha, dev);
    } else if flags & (IFF_NOARP | IFF_LOOPBACK) != 0 {
        n.nud_state = NUD_NOARP_;
        n.ha[..addr_len].copy_from_slice(&dev_addr[..addr_len]);
    } else if n.ntype == RTN_BROADCAST || flags & IFF_POINTOPOINT != 0 {
        n.nud_state = NUD_NOARP_;
        n.ha[..addr_len].copy_from_slice(&broadcast[..addr_len]);
    }
    Ok(())
}

/// `arp_ifdown`: what `fib_disable_ip` calls on NETDEV_DOWN and
/// NETDEV_UNREGISTER (net/ipv4/fib_frontend.c).
pub fn arp_ifdown(dev: &Arc<NetDevice>) {
    neigh_ifdown(NEIGH_ARP_TABLE, dev);
}

/// `arp_netdev_event`: NETDEV_CHANGEADDR flushes the device's entries;
/// NETDEV_CHANGE flushes them if IFF_NOARP flipped, and all but the
/// permanent ones when the carrier is off (`arp_evict_nocarrier`).
/// NETDEV_DOWN and NETDEV_UNREGISTER flush through `fib_disable_ip →
/// arp_ifdown` (fib_frontend.c); on unregister the device's parameters go
/// (`neigh_parms_release`, which Linux runs from `inetdev_destroy`).
fn arp_netdev_event(event: NetdevEvent, dev: &Arc<NetDevice>, info: &NetdevNotifierInfo) -> Result<(), Errno> {
    match event {
        NetdevEvent::ChangeAddr => neigh_changeaddr(NEIGH_ARP_TABLE, dev),
        NetdevEvent::Change => {
            if info.flags_changed & IFF_NOARP != 0 {
                neigh_changeaddr(NEIGH_ARP_TABLE, dev);
            }
            let evict = dev.ip_ptr.lock().as_ref().is_none_or(|d| d.cnf[ARP_EVICT_NOCARRIER] != 0);
            if evict && !dev.st.lock().carrier_ok() {
                neigh_carrier_down(NEIGH_ARP_TABLE, dev);
            }
        }
        NetdevEvent::Unregister => neigh_parms_release(NEIGH_ARP_TABLE, dev),
        _ => {}
    }
    Ok(())
}

/// `arp_init`: registers `arp_tbl` and `arp_netdev_event`.
pub(crate) fn arp_init(globals: &Globals) {
    neigh_table_init(NEIGH_ARP_TABLE, &ARP_TBL);
    register_netdevice_notifier(globals, arp_netdev_event);
}
