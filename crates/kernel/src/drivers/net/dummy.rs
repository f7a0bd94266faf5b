//! Dummy devices: drivers/net/dummy.c.
//!
//! The live kernel of these machines has no dummy module, so this follows
//! the source: an Ethernet-like device with NOARP and without MULTICAST,
//! MTU unbounded (min and max 0), a random MAC, and a carrier userspace may
//! set (`ndo_change_carrier`). Loading the module creates `numdummies`
//! devices in init_net; the simulator behaves as if that is 0.

use std::sync::Arc;

use crate::kernel::Globals;
use crate::net::core::dev::change::eth_mac_addr;
use crate::net::core::dev::{DevState, NetDevice, NetDeviceOps, IFF_LIVE_ADDR_CHANGE, IFF_NO_QUEUE};
use crate::net::core::link_watch::{netif_carrier_off, netif_carrier_on};
use crate::net::core::rtnetlink::link_ops::{rtnl_link_register, DataTb, IflaTb, NewlinkParams, RtnlLinkOps};
use crate::net::ethernet::eth::{eth_hw_addr_random, ether_setup, is_valid_ether_addr, ETH_ALEN};
use crate::Errno;
use nlwire::policy::ExtAck;
use nlwire::uapi::if_::{IFF_MULTICAST, IFF_NOARP};
use nlwire::uapi::if_link::IFLA_ADDRESS;

/// `dummy_change_carrier`.
fn dummy_change_carrier(dev: &Arc<NetDevice>, on: bool) -> Result<(), Errno> {
    if on {
        netif_carrier_on(dev);
    } else {
        netif_carrier_off(dev);
    }
    Ok(())
}

static DUMMY_NETDEV_OPS: NetDeviceOps = NetDeviceOps {
    ndo_open: None,
    ndo_stop: None,
    ndo_set_mac_address: Some(eth_mac_addr),
    ndo_change_mtu: None,
    ndo_change_carrier: Some(dummy_change_carrier),
    ndo_get_iflink: None,
    ndo_add_slave: None,
    ndo_del_slave: None,
    ndo_uninit: None,
};

/// `dummy_setup`.
fn dummy_setup(st: &mut DevState) {
    ether_setup(st);
    st.flags |= IFF_NOARP;
    st.flags &= !IFF_MULTICAST;
    st.priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_NO_QUEUE;
    st.min_mtu = 0;
    st.max_mtu = 0;
}

/// `dummy_validate`.
fn dummy_validate(tb: &IflaTb<'_>, _data: Option<&DataTb<'_>>, _extack: &mut ExtAck) -> Result<(), Errno> {
    if let Some(a) = tb.get(IFLA_ADDRESS) {
        if a.payload().len() != ETH_ALEN as usize {
            return Err(Errno::EINVAL);
        }
        if !is_valid_ether_addr(a.payload()) {
            return Err(Errno::EADDRNOTAVAIL);
        }
    }
    Ok(())
}

/// The setup's `eth_hw_addr_random(dev)`, then `register_netdevice`.
fn dummy_newlink(dev: &Arc<NetDevice>, params: &NewlinkParams<'_>, _extack: &mut ExtAck) -> Result<(), Errno> {
    if !params.tb.has(IFLA_ADDRESS) {
        eth_hw_addr_random(dev);
    }
    crate::net::core::dev::register::register_netdevice(dev)
}

/// `dummy_link_ops`.
pub static DUMMY_LINK_OPS: RtnlLinkOps = RtnlLinkOps {
    validate: Some(dummy_validate),
    newlink: Some(dummy_newlink),
    dellink: Some(crate::net::core::rtnetlink::link::unregister_netdevice_queue),
    ..RtnlLinkOps::basic("dummy", dummy_setup, &DUMMY_NETDEV_OPS)
};

/// `dummy_init_module`.
pub(crate) fn dummy_init_module(globals: &Globals) -> Result<(), Errno> {
    rtnl_link_register(globals, &DUMMY_LINK_OPS)
}
