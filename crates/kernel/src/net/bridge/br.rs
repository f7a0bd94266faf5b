//! The bridge module: net/bridge/br.c — `br_init`, the netdevice notifier
//! that makes a bridge react to what happens to its ports
//! (`br_device_event`), and the boolean options of IFLA_BR_MULTI_BOOLOPT.

use std::sync::Arc;

use nlwire::uapi::if_::IFF_UP;
use nlwire::uapi::if_bridge::*;
use nlwire::uapi::rtnetlink::RTM_NEWLINK;

use super::br_if::{br_del_if, br_mtu_auto_adjust, br_port_carrier_check, netdev_update_features};
use super::br_multicast::br_multicast_toggle_vlan_snooping;
use super::br_netlink::{br_ifinfo_notify, br_netlink_init};
use super::br_private::*;
use super::br_stp_if::{br_stp_disable_port, br_stp_enable_port, br_stp_recalculate_bridge_id, port_dev_up};
use super::rtnl_bridge::rtnl_bridge_init;
use crate::kernel::Globals;
use crate::net::core::dev::{
    call_netdevice_notifiers, register_netdevice_notifier, NetDevice, NetdevEvent, NetdevNotifierInfo,
};
use crate::Errno;
use nlwire::policy::ExtAck;

/// `br_device_event`: a port's events, seen from its bridge.
///
/// - MTU changes re-adjust the bridge's MTU; address changes may change the
///   bridge's address (and announce it).
/// - Up, down and link changes enable or disable the port (only while the
///   bridge is up); if nothing else announced the port, an AF_BRIDGE
///   RTM_NEWLINK does (`!notified`).
/// - Unregistering a port removes it (`br_del_if`).
fn br_device_event(event: NetdevEvent, dev: &Arc<NetDevice>, _info: &NetdevNotifierInfo) -> Result<(), Errno> {
    if netif_is_bridge_master(dev) && event == NetdevEvent::Register {
        // br_sysfs_addbr; the FDB entry of the bridge's own address is not modelled.
        return Ok(());
    }
    let Some((br_dev, brp)) = br_port_get_rtnl(dev) else { return Ok(()) };
    let _s = tracing::debug_span!("br_device_event", event = ?event, dev = dev.ifindex()).entered();
    let mut notified = false;
    match event {
        NetdevEvent::ChangeMtu => br_mtu_auto_adjust(&br_dev, &brp),
        NetdevEvent::ChangeAddr => {
            // br_fdb_changeaddr: the FDB is not modelled.
            let changed_addr = br_stp_recalculate_bridge_id(&mut brp.lock());
            if changed_addr {
                let _ = call_netdevice_notifiers(NetdevEvent::ChangeAddr, &br_dev);
            }
        }
        NetdevEvent::Change => notified = br_port_carrier_check(&br_dev, &brp, dev),
        NetdevEvent::FeatChange => netdev_update_features(&br_dev, &brp),
        NetdevEvent::Down => {
            let mut br = brp.lock();
            if br_dev.st.lock().flags & IFF_UP != 0 {
                if let Some(i) = br.port_index(dev) {
                    br_stp_disable_port(&mut br, i);
                    notified = true;
                }
            }
        }
        NetdevEvent::Up => {
            let running = br_dev.st.lock().running;
            let mut br = brp.lock();
            if let Some(i) = br.port_index(dev) {
                if running && port_dev_up(&br.port_list[i]) {
                    br_stp_enable_port(&mut br, i);
                    notified = true;
                }
            }
        }
        NetdevEvent::Unregister => {
            let _ = br_del_if(&br_dev, dev);
        }
        _ => {}
    }
    // Events that may cause spanning tree to refresh.
    if !notified && matches!(event, NetdevEvent::ChangeAddr | NetdevEvent::Up | NetdevEvent::Change | NetdevEvent::Down)
    {
        let br = brp.lock();
        if let Some(i) = br.port_index(dev) {
            br_ifinfo_notify(RTM_NEWLINK, &br, Some(i));
        }
    }
    Ok(())
}

/// `br_boolopt_toggle`. Without VLAN filtering, multicast VLAN snooping
/// cannot be turned on and MST not even touched (`br_mst_set_enabled`
/// stub: EOPNOTSUPP); the local-VLAN-0 switch only records itself.
fn br_boolopt_toggle(br: &mut NetBridge, opt: u32, on: bool, extack: &mut ExtAck) -> Result<(), Errno> {
    match opt {
        BR_BOOLOPT_NO_LL_LEARN => br_opt_toggle(br, BROPT_NO_LL_LEARN, on),
        BR_BOOLOPT_MCAST_VLAN_SNOOPING => br_multicast_toggle_vlan_snooping(br, on, extack)?,
        BR_BOOLOPT_MST_ENABLE => return Err(Errno::EOPNOTSUPP),
        BR_BOOLOPT_MDB_OFFLOAD_FAIL_NOTIFICATION => br_opt_toggle(br, BROPT_MDB_OFFLOAD_FAIL_NOTIFICATION, on),
        BR_BOOLOPT_FDB_LOCAL_VLAN_0 => br_opt_toggle(br, BROPT_FDB_LOCAL_VLAN_0, on),
        _ => {}
    }
    Ok(())
}

/// `br_boolopt_get`.
fn br_boolopt_get(br: &NetBridge, opt: u32) -> bool {
    match opt {
        BR_BOOLOPT_NO_LL_LEARN => br_opt_get(br, BROPT_NO_LL_LEARN),
        BR_BOOLOPT_MCAST_VLAN_SNOOPING => br_opt_get(br, BROPT_MCAST_VLAN_SNOOPING_ENABLED),
        BR_BOOLOPT_MST_ENABLE => br_opt_get(br, BROPT_MST_ENABLED),
        BR_BOOLOPT_MDB_OFFLOAD_FAIL_NOTIFICATION => br_opt_get(br, BROPT_MDB_OFFLOAD_FAIL_NOTIFICATION),
        BR_BOOLOPT_FDB_LOCAL_VLAN_0 => br_opt_get(br, BROPT_FDB_LOCAL_VLAN_0),
        _ => false,
    }
}

/// `br_boolopt_multi_toggle`: every option in `optmask` takes its bit of
/// `optval`; an unknown option fails first, a failing one stops the rest.
pub fn br_boolopt_multi_toggle(
    br: &mut NetBridge,
    optval: u32,
    optmask: u32,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    if let Some(opt_id) = (BR_BOOLOPT_MAX..32).find(|b| optmask & (1 << b) != 0) {
        extack.set_msg_fmt(format!("bridge: Unknown boolean option {opt_id}"));
        return Err(Errno::EINVAL);
    }
    for opt_id in (0..BR_BOOLOPT_MAX).filter(|b| optmask & (1 << b) != 0) {
        br_boolopt_toggle(br, opt_id, optval & (1 << opt_id) != 0, extack)?;
    }
    Ok(())
}

/// `br_boolopt_multi_get`: (optval, optmask), every known option in the mask.
pub fn br_boolopt_multi_get(br: &NetBridge) -> (u32, u32) {
    let optval = (0..BR_BOOLOPT_MAX).filter(|o| br_boolopt_get(br, *o)).fold(0, |v, o| v | (1 << o));
    (optval, (1 << BR_BOOLOPT_MAX) - 1)
}

/// `br_init`: the netdevice notifier, the rtnetlink parts (link kind
/// "bridge", AF_BRIDGE), and the PF_BRIDGE link handlers (which Linux's
/// `rtnetlink_init` registers; the bridge is the only device that
/// implements them here).
pub(crate) fn br_init(globals: &Globals) -> Result<(), Errno> {
    register_netdevice_notifier(globals, br_device_event);
    br_netlink_init(globals)?;
    rtnl_bridge_init(globals)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// p_bridge_opts: val=8/mask=8 then val=16/mask=16 read back 0x9/0x19
    /// (with no_linklocal_learn already on); unknown bits and MST fail.
    #[test]
    fn boolopts_toggle_like_linux() {
        let mut br = NetBridge::default();
        let mut ea = ExtAck::default();
        br_boolopt_multi_toggle(&mut br, 1, 1, &mut ea).unwrap();
        br_boolopt_multi_toggle(&mut br, 8, 8, &mut ea).unwrap();
        br_boolopt_multi_toggle(&mut br, 16, 16, &mut ea).unwrap();
        assert_eq!(br_boolopt_multi_get(&br), (0x19, 0x1f));
        br_boolopt_multi_toggle(&mut br, 0, 16, &mut ea).unwrap();
        assert_eq!(br_boolopt_multi_get(&br).0, 0x9);
        assert_eq!(br_boolopt_multi_toggle(&mut br, 0, 0x20, &mut ea), Err(Errno::EINVAL));
        assert_eq!(br_boolopt_multi_toggle(&mut br, 0, 4, &mut ea), Err(Errno::EOPNOTSUPP));
        assert_eq!(br_boolopt_multi_toggle(&mut br, 2, 2, &mut ea), Err(Errno::EINVAL));
        assert_eq!(br_boolopt_multi_toggle(&mut br, 0, 2, &mut ea), Ok(()));
    }
}
