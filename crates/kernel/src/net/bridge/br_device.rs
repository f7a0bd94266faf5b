//! The bridge as a network device: net/bridge/br_device.c.
//!
//! `br_dev_setup` makes an Ethernet device that never leaves its namespace
//! (`netns_immutable`), has no queue, and takes jumbo MTUs; its address is
//! random until a port gives it one (the random address itself is drawn in
//! `br_dev_newlink`, where the machine's generator is at hand). Opening the
//! bridge enables its ports (`br_stp_enable_bridge`), closing it disables
//! them; `ndo_add_slave` / `ndo_del_slave` are `br_add_if` / `br_del_if`.

use std::sync::Arc;

use super::br_if::{br_add_if, br_del_if, netdev_update_features};
use super::br_private::*;
use super::br_stp_if::{br_stp_change_bridge_id, br_stp_disable_bridge, br_stp_enable_bridge};
use crate::net::core::dev::{DevState, NetDevice, NetDeviceOps, RegState, IFF_EBRIDGE, IFF_NO_QUEUE};
use crate::net::ethernet::eth::{ether_setup, is_valid_ether_addr, ETH_MAX_MTU};
use crate::Errno;
use nlwire::policy::ExtAck;

/// `br_dev_open`.
fn br_dev_open(dev: &Arc<NetDevice>) -> Result<(), Errno> {
    let brp = br_priv(dev).ok_or(Errno::ENODEV)?;
    netdev_update_features(dev, &brp);
    br_stp_enable_bridge(&mut brp.lock());
    // br_multicast_open / br_multicast_join_snoopers: no queries are sent.
    Ok(())
}

/// `br_dev_stop`.
fn br_dev_stop(dev: &Arc<NetDevice>) -> Result<(), Errno> {
    let brp = br_priv(dev).ok_or(Errno::ENODEV)?;
    br_stp_disable_bridge(&mut brp.lock());
    Ok(())
}

/// `br_change_mtu`: an MTU set by hand sticks (`br_mtu_auto_adjust` leaves it).
fn br_change_mtu(dev: &Arc<NetDevice>, new_mtu: u32) -> Result<(), Errno> {
    dev.st.lock().mtu = new_mtu;
    if let Some(brp) = br_priv(dev) {
        br_opt_toggle(&mut brp.lock(), BROPT_MTU_SET_BY_USER, true);
    }
    Ok(())
}

/// `br_set_mac_address`: any valid address; the bridge id follows.
fn br_set_mac_address(dev: &Arc<NetDevice>, addr: &[u8]) -> Result<(), Errno> {
    if !is_valid_ether_addr(addr) {
        return Err(Errno::EADDRNOTAVAIL);
    }
    if dev.st.lock().reg_state != RegState::Registered {
        return Err(Errno::EBUSY);
    }
    let brp = br_priv(dev).ok_or(Errno::ENODEV)?;
    let mut a = [0u8; 6];
    a.copy_from_slice(&addr[..6]);
    let same = dev.st.lock().dev_addr[..6] == a;
    if !same {
        br_stp_change_bridge_id(&mut brp.lock(), &a);
    }
    Ok(())
}

/// `br_add_slave`.
fn br_add_slave(dev: &Arc<NetDevice>, slave_dev: &Arc<NetDevice>, extack: &mut ExtAck) -> Result<(), Errno> {
    br_add_if(dev, slave_dev, extack)
}

/// `br_del_slave`.
fn br_del_slave(dev: &Arc<NetDevice>, slave_dev: &Arc<NetDevice>) -> Result<(), Errno> {
    br_del_if(dev, slave_dev)
}

/// `br_netdev_ops`. The PF_BRIDGE hooks (`ndo_bridge_getlink`, `_setlink`,
/// `_dellink`) are reached through [`super::rtnl_bridge`], which knows a
/// bridge by these ops.
pub static BR_NETDEV_OPS: NetDeviceOps = NetDeviceOps {
    ndo_open: Some(br_dev_open),
    ndo_stop: Some(br_dev_stop),
    ndo_set_mac_address: Some(br_set_mac_address),
    ndo_change_mtu: Some(br_change_mtu),
    ndo_change_carrier: None,
    ndo_get_iflink: None,
    ndo_add_slave: Some(br_add_slave),
    ndo_del_slave: Some(br_del_slave),
    ndo_uninit: None,
};

/// `br_dev_setup`.
pub fn br_dev_setup(st: &mut DevState) {
    ether_setup(st);
    st.devtype = Some("bridge");
    st.priv_flags = IFF_EBRIDGE | IFF_NO_QUEUE;
    st.netns_immutable = true;
    st.max_mtu = ETH_MAX_MTU;
}
