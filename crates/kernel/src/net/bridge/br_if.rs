//! Adding and removing bridge ports: net/bridge/br_if.c.
//!
//! `br_add_if` is what `ip link set dev X master br0` ends in
//! (`do_set_master` → `ndo_add_slave`), `br_del_if` what `nomaster` and the
//! port's unregistration end in. What a listener on RTNLGRP_LINK sees when a
//! port joins (probes/observed/p_bridge.txt "enslave pa"), in this order:
//!
//! 1. RTM_NEWLINK of the port with IFLA_MASTER (NETDEV_CHANGEUPPER);
//! 2. RTM_NEWLINK of the port, `ifi_change` IFF_PROMISC (`br_manage_promisc`);
//! 3. for the first port only, RTM_NEWLINK of the bridge with
//!    IFLA_EVENT_FEATURES (`netdev_update_features`);
//! 4. the AF_BRIDGE RTM_NEWLINK of the port (`br_ifinfo_notify`), preceded
//!    by one or two more if the port starts forwarding;
//! 5. RTM_NEWLINK of the bridge if its address changed (NETDEV_CHANGEADDR),
//!    then one if its MTU follows the port's (`br_mtu_auto_adjust`).
//!
//! The forwarding database's RTM_NEWNEIGH/DELNEIGH (RTNLGRP_NEIGH) that
//! Linux interleaves are not modelled yet.

use std::sync::Arc;

use nlwire::uapi::if_::{IFF_LOOPBACK, IFF_UP};
use nlwire::uapi::if_bridge::*;
use nlwire::uapi::rtnetlink::{RTM_DELLINK, RTM_NEWLINK};

use super::br_netlink::br_ifinfo_notify;
use super::br_private::*;
use super::br_stp::br_set_state;
use super::br_stp_if::*;
use crate::net::core::dev::change::{
    dev_set_mtu, netdev_master_upper_dev_get, netdev_master_upper_dev_link, netdev_upper_dev_unlink,
};
use crate::net::core::dev::flags::{dev_set_allmulti, dev_set_promiscuity};
use crate::net::core::dev::{call_netdevice_notifiers, NetDevice, NetdevEvent, ARPHRD_ETHER, IFF_BRIDGE_PORT};
use crate::net::core::rtnetlink::link::unregister_netdevice_queue;
use crate::net::ethernet::eth::{is_valid_ether_addr, ETH_ALEN, ETH_DATA_LEN, GSO_MAX_SIZE};
use crate::Errno;
use nlwire::policy::ExtAck;

/// `SPEED_10000` and friends: what `__ethtool_get_link_ksettings` reports.
/// Of the simulated devices only a veth answers (10 Gb/s, `veth_get_link_ksettings`).
fn ethtool_link_speed(dev: &NetDevice) -> Option<u32> {
    match dev.link_ops.map(|o| o.kind) {
        Some("veth") => Some(10_000),
        _ => None,
    }
}

/// `port_cost`: the 802.1D path cost for the link speed, else the old
/// guess from the name, else 100 (10 Mb/s).
pub fn port_cost(dev: &NetDevice) -> u32 {
    if let Some(speed) = ethtool_link_speed(dev) {
        return match speed {
            10_000 => 2,
            5_000 => 3,
            2_500 => 4,
            1_000 => 5,
            100 => 19,
            10 => 100,
            s if s > 10_000 => 1,
            _ => 100,
        };
    }
    let name = dev.name();
    if name.starts_with("lec") {
        return 7;
    }
    if name.starts_with("plip") {
        return 2500;
    }
    100
}

/// `br_port_carrier_check`: a port whose link came or went is enabled or
/// disabled (only while the bridge is up). Returns `notified`: whether an
/// AF_BRIDGE RTM_NEWLINK of the port went out.
pub fn br_port_carrier_check(br_dev: &NetDevice, brp: &BrPriv, dev: &NetDevice) -> bool {
    let mut br = brp.lock();
    let Some(i) = br.port_index(dev) else { return false };
    let up = port_dev_up(&br.port_list[i]);
    if br.port_list[i].flags & BR_ADMIN_COST == 0 && up {
        br.port_list[i].path_cost = port_cost(dev);
    }
    if !br_dev.st.lock().running {
        return false;
    }
    if up {
        if br.port_list[i].state == BR_STATE_DISABLED {
            br_stp_enable_port(&mut br, i);
            return true;
        }
    } else if br.port_list[i].state != BR_STATE_DISABLED {
        br_stp_disable_port(&mut br, i);
        return true;
    }
    false
}

/// `br_port_set_promisc`.
fn br_port_set_promisc(brp: &BrPriv, dev: &Arc<NetDevice>) {
    let promisc = {
        let br = brp.lock();
        br.port_index(dev).is_some_and(|i| br_promisc_port(&br.port_list[i]))
    };
    if promisc {
        return;
    }
    if dev_set_promiscuity(dev, 1).is_err() {
        return;
    }
    // br_fdb_unsync_static: the forwarding database is not modelled.
    let mut br = brp.lock();
    if let Some(i) = br.port_index(dev) {
        br.port_list[i].flags |= BR_PROMISC;
    }
}

/// `br_manage_promisc`: with VLAN filtering off (always, on the probed
/// kernel) every port is promiscuous; the other branch, which clears
/// promiscuity on ports with unicast filters, needs VLAN filtering.
pub fn br_manage_promisc(brp: &BrPriv) {
    let devs: Vec<Arc<NetDevice>> = brp.lock().ports().map(|p| Arc::clone(&p.dev)).collect();
    for dev in devs {
        br_port_set_promisc(brp, &dev);
    }
}

/// `nbp_backup_change`: a port's backup must be another port of the same bridge.
pub fn nbp_backup_change(br: &mut NetBridge, i: usize, backup_dev: Option<&NetDevice>) -> Result<(), Errno> {
    let backup = match backup_dev {
        Some(d) => {
            let Some(b) = br.port_index(d).filter(|_| netif_is_bridge_port(d)) else {
                return Err(Errno::ENOENT);
            };
            Some(b)
        }
        None => None,
    };
    if backup == Some(i) {
        return Err(Errno::EINVAL);
    }
    let old = br.port_list[i].backup_port;
    let new = backup.map(|b| br.port_list[b].dev.ifindex());
    if old == new {
        return Ok(());
    }
    if let Some(o) = old.and_then(|o| br.port_list.iter().position(|p| p.dev.ifindex() == o)) {
        br.port_list[o].backup_redirected_cnt -= 1;
    }
    if let Some(b) = backup {
        br.port_list[b].backup_redirected_cnt += 1;
    }
    br.port_list[i].backup_port = new;
    Ok(())
}

/// `nbp_backup_clear`: the leaving port (already off the list) is nobody's
/// backup any more.
fn nbp_backup_clear(br: &mut NetBridge, p: &NetBridgePort) {
    if let Some(o) = p.backup_port.and_then(|o| br.port_list.iter().position(|q| q.dev.ifindex() == o)) {
        br.port_list[o].backup_redirected_cnt -= 1;
    }
    let me = p.dev.ifindex();
    for q in br.port_list.iter_mut() {
        if q.backup_port == Some(me) {
            q.backup_port = None;
        }
    }
}

/// `nbp_update_port_count`: when the number of "auto" ports changes, the
/// ports' promiscuity is managed again.
fn nbp_update_port_count(brp: &BrPriv) {
    let changed = {
        let mut br = brp.lock();
        let cnt = br.ports().filter(|p| br_auto_port(p)).count() as u32;
        let changed = br.auto_cnt != cnt;
        br.auto_cnt = cnt;
        changed
    };
    if changed {
        br_manage_promisc(brp);
    }
}

/// `br_port_flags_change`.
pub fn br_port_flags_change(brp: &BrPriv, mask: u64) {
    if mask & BR_AUTO_MASK != 0 {
        nbp_update_port_count(brp);
    }
}

/// `nbp_delete_promisc`.
fn nbp_delete_promisc(dev: &Arc<NetDevice>, promisc: bool) {
    let _ = dev_set_allmulti(dev, -1);
    if promisc {
        let _ = dev_set_promiscuity(dev, -1);
    }
}

/// `get_max_headroom`.
fn get_max_headroom(br: &NetBridge) -> u16 {
    br.ports().map(|p| p.dev.st.lock().needed_headroom).max().unwrap_or(0)
}

/// `update_headroom` (the ports' `ndo_set_rx_headroom` is not modelled).
fn update_headroom(br: &NetBridge, new_hr: u16) {
    if let Some(dev) = br.br_dev() {
        dev.st.lock().needed_headroom = new_hr;
    }
}

/// `del_nbp`: the port is disabled (AF_BRIDGE RTM_NEWLINK), announced gone
/// (AF_BRIDGE RTM_DELLINK), taken off the list and unlinked from the bridge
/// (RTM_NEWLINK without IFLA_MASTER). Promiscuity and allmulti drop first.
fn del_nbp(br_dev: &Arc<NetDevice>, brp: &BrPriv, dev: &Arc<NetDevice>) {
    let _s = tracing::debug_span!("del_nbp", br = br_dev.ifindex(), dev = dev.ifindex()).entered();
    let promisc = {
        let br = brp.lock();
        let Some(i) = br.port_index(dev) else { return };
        br_promisc_port(&br.port_list[i])
    };
    nbp_delete_promisc(dev, promisc);
    {
        let mut br = brp.lock();
        let Some(i) = br.port_index(dev) else { return };
        br_stp_disable_port(&mut br, i);
        br_ifinfo_notify(RTM_DELLINK, &br, Some(i));
        let p = br.port_list.remove(i);
        let br_hr = br_dev.st.lock().needed_headroom;
        if dev.st.lock().needed_headroom == br_hr {
            let hr = get_max_headroom(&br);
            update_headroom(&br, hr);
        }
        nbp_backup_clear(&mut br, &p);
    }
    nbp_update_port_count(brp);
    netdev_upper_dev_unlink(dev, br_dev);
    dev.st.lock().priv_flags &= !IFF_BRIDGE_PORT;
}

/// `br_dev_delete`: the bridge's `dellink`. Every port is removed (newest
/// first, the list's order), then the bridge is queued for unregistration.
pub fn br_dev_delete(br_dev: &Arc<NetDevice>, list: &mut Vec<Arc<NetDevice>>) {
    if let Some(brp) = br_priv(br_dev) {
        let devs: Vec<Arc<NetDevice>> = brp.lock().port_list.iter().map(|p| Arc::clone(&p.dev)).collect();
        for dev in devs {
            del_nbp(br_dev, &brp, &dev);
        }
    }
    unregister_netdevice_queue(br_dev, list);
}

/// `EXFULL` (54): every port number is taken.
const EXFULL: Errno = Errno(54);

/// `find_portno`: the lowest free port number (0 is reserved).
fn find_portno(br: &NetBridge) -> Result<u16, Errno> {
    let mut inuse = vec![false; BR_MAX_PORTS];
    inuse[0] = true;
    for p in &br.port_list {
        if let Some(slot) = inuse.get_mut(p.port_no as usize) {
            *slot = true;
        }
    }
    match inuse.iter().position(|u| !u) {
        Some(i) => Ok(i as u16),
        None => Err(EXFULL),
    }
}

/// `new_nbp`: a port in the disabled state, learning and flooding, with the
/// default priority and the cost of its link speed.
fn new_nbp(br: &mut NetBridge, dev: &Arc<NetDevice>) -> Result<usize, Errno> {
    let port_no = find_portno(br)?;
    let p = NetBridgePort {
        dev: Arc::clone(dev),
        port_no,
        port_id: 0,
        priority: (0x8000 >> BR_PORT_BITS) as u16,
        path_cost: port_cost(dev),
        state: BR_STATE_DISABLED,
        flags: BR_LEARNING | BR_FLOOD | BR_MCAST_FLOOD | BR_BCAST_FLOOD,
        designated_root: BridgeId::default(),
        designated_bridge: BridgeId::default(),
        designated_cost: 0,
        designated_port: 0,
        topology_change_ack: 0,
        config_pending: 0,
        message_age_timer: BrTimer::default(),
        forward_delay_timer: BrTimer::default(),
        hold_timer: BrTimer::default(),
        group_fwd_mask: 0,
        backup_port: None,
        backup_redirected_cnt: 0,
        backup_nhid: 0,
        multicast_router: MDB_RTR_TYPE_TEMP_QUERY,
        multicast_eht_hosts_limit: BR_MCAST_DEFAULT_EHT_HOSTS_LIMIT,
        multicast_eht_hosts_cnt: 0,
        mcast_n_groups: 0,
        mcast_max_groups: 0,
        listed: false,
    };
    // list_add_rcu comes later; the port goes where it will be listed: first.
    br.port_list.insert(0, p);
    br_init_port(br, 0);
    br_set_state(br, 0, BR_STATE_DISABLED);
    Ok(0)
}

/// `br_mtu_min`: the smallest port MTU, ETH_DATA_LEN without ports.
fn br_mtu_min(br: &NetBridge) -> u32 {
    br.ports().map(|p| p.dev.st.lock().mtu).min().unwrap_or(ETH_DATA_LEN)
}

/// `br_mtu_auto_adjust`: the bridge follows its smallest port MTU unless
/// the user set its MTU (`br_change_mtu` sets BROPT_MTU_SET_BY_USER).
pub fn br_mtu_auto_adjust(br_dev: &Arc<NetDevice>, brp: &BrPriv) {
    let mtu = {
        let br = brp.lock();
        if br_opt_get(&br, BROPT_MTU_SET_BY_USER) {
            return;
        }
        br_mtu_min(&br)
    };
    let _ = dev_set_mtu(br_dev, mtu, &mut ExtAck::default());
    br_opt_toggle(&mut brp.lock(), BROPT_MTU_SET_BY_USER, false);
}

/// `TSO_MAX_SIZE` / `TSO_MAX_SEGS` (include/linux/netdevice.h).
const TSO_MAX_SIZE: u32 = u32::MAX;
const TSO_MAX_SEGS: u32 = 65535;
/// `GSO_LEGACY_MAX_SIZE`.
const GSO_LEGACY_MAX_SIZE: u32 = 65536;

/// `br_set_gso_limits`: the bridge may not send larger TSO packets than
/// its ports take (`netif_set_tso_max_size`, `netif_set_tso_max_segs`).
fn br_set_gso_limits(br_dev: &NetDevice, brp: &BrPriv) {
    let (size, segs) = {
        let br = brp.lock();
        br.ports().fold((TSO_MAX_SIZE, TSO_MAX_SEGS), |(size, segs), p| {
            let st = p.dev.st.lock();
            (size.min(st.tso_max_size), segs.min(st.tso_max_segs))
        })
    };
    let mut st = br_dev.st.lock();
    st.tso_max_size = size.min(GSO_MAX_SIZE);
    if size < st.gso_max_size {
        st.gso_max_size = size;
        if size <= GSO_LEGACY_MAX_SIZE {
            st.gso_ipv4_max_size = size;
        }
    }
    if size < st.gso_ipv4_max_size {
        st.gso_ipv4_max_size = size;
    }
    st.tso_max_segs = segs;
    if segs < st.gso_max_segs {
        st.gso_max_segs = segs;
    }
}

/// `br_features_recompute` (`br_fix_features`): the bridge's features are
/// those its ports have in common. Feature bits are not modelled; devices of
/// one kind have the same features, so the set of the ports' kinds stands
/// for the result (none without ports: the bridge's own).
pub fn br_features_recompute(br: &NetBridge) -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = br.ports().map(|p| p.dev.link_ops.map_or("", |o| o.kind)).collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
}

/// `netdev_update_features` for a bridge: if the recomputed features
/// differ, NETDEV_FEAT_CHANGE (rtnetlink's RTM_NEWLINK with
/// IFLA_EVENT_FEATURES). Unchanged features announce nothing
/// (`__netdev_update_features` returns 0).
pub fn netdev_update_features(br_dev: &Arc<NetDevice>, brp: &BrPriv) {
    let changed = {
        let mut br = brp.lock();
        let features = br_features_recompute(&br);
        let changed = features != br.features;
        br.features = features;
        changed
    };
    if changed {
        let _ = call_netdevice_notifiers(NetdevEvent::FeatChange, br_dev);
    }
}

/// `br_add_if`: `dev` becomes a port of the bridge `br_dev`.
pub fn br_add_if(br_dev: &Arc<NetDevice>, dev: &Arc<NetDevice>, extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = tracing::debug_span!("br_add_if", br = br_dev.ifindex(), dev = dev.ifindex()).entered();
    let brp = br_priv(br_dev).ok_or(Errno::EINVAL)?;
    {
        // Don't allow bridging non-ethernet like devices.
        let st = dev.st.lock();
        if st.flags & IFF_LOOPBACK != 0
            || st.ty != ARPHRD_ETHER
            || st.addr_len != ETH_ALEN
            || !is_valid_ether_addr(st.addr())
        {
            return Err(Errno::EINVAL);
        }
    }
    // No bridging of bridges (`ndo_start_xmit == br_dev_xmit`).
    if netif_is_bridge_master(dev) {
        extack.set_msg("Can not enslave a bridge to a bridge");
        return Err(Errno::ELOOP);
    }
    // Device has master upper dev.
    if netdev_master_upper_dev_get(dev).is_some() {
        return Err(Errno::EBUSY);
    }
    new_nbp(&mut brp.lock(), dev)?;
    // NETDEV_JOIN has no listener here.
    if let Err(e) = dev_set_allmulti(dev, 1) {
        remove_unlisted(&brp, dev);
        return Err(e);
    }
    dev.st.lock().priv_flags |= IFF_BRIDGE_PORT;
    if let Err(e) = netdev_master_upper_dev_link(dev, br_dev, extack) {
        dev.st.lock().priv_flags &= !IFF_BRIDGE_PORT;
        remove_unlisted(&brp, dev);
        let _ = dev_set_allmulti(dev, -1);
        return Err(e);
    }
    // dev_disable_lro: no simulated device does LRO.
    {
        let mut br = brp.lock();
        if let Some(i) = br.port_index(dev) {
            br.port_list[i].listed = true;
        }
    }
    nbp_update_port_count(&brp);
    netdev_update_features(br_dev, &brp);
    {
        let br = brp.lock();
        let (br_hr, dev_hr) = (br_dev.st.lock().needed_headroom, dev.st.lock().needed_headroom);
        if br_hr < dev_hr {
            update_headroom(&br, dev_hr);
        }
    }
    // br_fdb_add_local, netif_pre_changeaddr_notify, nbp_vlan_init: not modelled.
    let changed_addr = {
        let mut br = brp.lock();
        let changed_addr = br_stp_recalculate_bridge_id(&mut br);
        if let Some(i) = br.port_index(dev) {
            if port_dev_up(&br.port_list[i]) && br_dev.st.lock().flags & IFF_UP != 0 {
                br_stp_enable_port(&mut br, i);
            }
            br_ifinfo_notify(RTM_NEWLINK, &br, Some(i));
        }
        changed_addr
    };
    if changed_addr {
        let _ = call_netdevice_notifiers(NetdevEvent::ChangeAddr, br_dev);
    }
    br_mtu_auto_adjust(br_dev, &brp);
    br_set_gso_limits(br_dev, &brp);
    Ok(())
}

/// A port that failed to join before it was listed.
fn remove_unlisted(brp: &BrPriv, dev: &NetDevice) {
    let mut br = brp.lock();
    if let Some(i) = br.port_index(dev) {
        br.port_list.remove(i);
    }
}

/// `br_del_if`: `dev` stops being a port of `br_dev`; the bridge then
/// re-adjusts its MTU, its address (NETDEV_CHANGEADDR) and its features.
pub fn br_del_if(br_dev: &Arc<NetDevice>, dev: &Arc<NetDevice>) -> Result<(), Errno> {
    let _s = tracing::debug_span!("br_del_if", br = br_dev.ifindex(), dev = dev.ifindex()).entered();
    let brp = br_priv(br_dev).ok_or(Errno::EINVAL)?;
    if !netif_is_bridge_port(dev) || brp.lock().port_index(dev).is_none() {
        return Err(Errno::EINVAL);
    }
    del_nbp(br_dev, &brp, dev);
    br_mtu_auto_adjust(br_dev, &brp);
    br_set_gso_limits(br_dev, &brp);
    let changed_addr = br_stp_recalculate_bridge_id(&mut brp.lock());
    if changed_addr {
        let _ = call_netdevice_notifiers(NetdevEvent::ChangeAddr, br_dev);
    }
    netdev_update_features(br_dev, &brp);
    Ok(())
}
