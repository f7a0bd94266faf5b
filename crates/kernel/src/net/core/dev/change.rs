//! Changing a registered device: name, MTU, MAC address, txqueuelen,
//! group, master, carrier, namespace (net/core/dev.c, and `do_set_master`
//! of net/core/rtnetlink.c). Each sends what Linux sends: most go through a
//! netdevice notifier that rtnetlink turns into RTM_NEWLINK (`ifi_change` 0).

use std::sync::Arc;

use tracing::debug_span;

use super::flags::dev_close;
use super::name::{dev_get_valid_name, netdev_name_in_use};
use super::register::{dev_index_reserve, list_netdevice, unlist_netdevice};
use super::{
    call_netdevice_notifiers, call_netdevice_notifiers_info, dev_get_by_index, NetDevice, NetdevEvent,
    NetdevNotifierInfo, RegState, IFF_LIVE_ADDR_CHANGE,
};
use crate::lib_::kobject_uevent::{kobject_uevent_net, KobjAction};
use crate::net::core::net_namespace::{peernet2id_alloc, Net};
use crate::net::core::rtnetlink::fill::{rtmsg_ifinfo, rtmsg_ifinfo_newnet};
use crate::Errno;
use nlwire::policy::ExtAck;
use nlwire::uapi::if_::IFF_UP;
use nlwire::uapi::rtnetlink::{RTM_DELLINK, RTM_NEWLINK};

/// `netif_state_change` (`netdev_state_change`): a running device
/// announces a change of state (RTM_NEWLINK, `ifi_change` 0).
pub fn netif_state_change(dev: &Arc<NetDevice>) {
    if dev.st.lock().flags & IFF_UP != 0 {
        let _ = call_netdevice_notifiers_info(NetdevEvent::Change, dev, &NetdevNotifierInfo::default());
        rtmsg_ifinfo(RTM_NEWLINK, dev, 0, 0, None);
    }
}

/// `netif_change_name` (`dev_change_name`): a rename to the same name is
/// nothing; otherwise the name is checked, sysfs moves (uevent "move"), and
/// NETDEV_CHANGENAME announces it.
pub fn dev_change_name(dev: &Arc<NetDevice>, newname: &str) -> Result<(), Errno> {
    let _s = debug_span!("dev_change_name", dev = dev.ifindex(), newname).entered();
    let net = dev.net().ok_or(Errno::ENODEV)?;
    let oldname = dev.name();
    if oldname == newname {
        return Ok(());
    }
    let name = dev_get_valid_name(&net, newname)?;
    {
        let mut base = net.dev.write();
        base.names.remove(&oldname);
        base.names.insert(name.clone(), dev.ifindex());
    }
    dev.st.lock().name = name;
    kobject_uevent_net(&net, dev, KobjAction::Move { old_name: &oldname });
    let _ = call_netdevice_notifiers(NetdevEvent::ChangeName, dev);
    Ok(())
}

/// `dev_validate_mtu`.
pub fn dev_validate_mtu(dev: &NetDevice, new_mtu: u32, extack: &mut ExtAck) -> Result<(), Errno> {
    let st = dev.st.lock();
    if (new_mtu as i32) < 0 || new_mtu < st.min_mtu {
        extack.set_msg("mtu less than device minimum");
        return Err(Errno::EINVAL);
    }
    if st.max_mtu > 0 && new_mtu > st.max_mtu {
        extack.set_msg("mtu greater than device maximum");
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// `netif_set_mtu_ext` (`dev_set_mtu_ext`).
pub fn dev_set_mtu(dev: &Arc<NetDevice>, new_mtu: u32, extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("dev_set_mtu", dev = dev.ifindex(), new_mtu).entered();
    let orig_mtu = dev.st.lock().mtu;
    if new_mtu == orig_mtu {
        return Ok(());
    }
    dev_validate_mtu(dev, new_mtu, extack)?;
    match dev.netdev_ops.ndo_change_mtu {
        Some(f) => f(dev, new_mtu)?,
        None => dev.st.lock().mtu = new_mtu,
    }
    let info = NetdevNotifierInfo { old_mtu: orig_mtu, ..Default::default() };
    if let Err(e) = call_netdevice_notifiers_info(NetdevEvent::ChangeMtu, dev, &info) {
        dev.st.lock().mtu = orig_mtu;
        return Err(e);
    }
    Ok(())
}

/// `netif_set_mac_address` (`dev_set_mac_address`): the same address again
/// still announces NETDEV_CHANGEADDR, as Linux does.
pub fn dev_set_mac_address(dev: &Arc<NetDevice>, addr: &[u8], _extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("dev_set_mac_address", dev = dev.ifindex()).entered();
    let set = dev.netdev_ops.ndo_set_mac_address.ok_or(Errno::EOPNOTSUPP)?;
    let same = {
        let st = dev.st.lock();
        st.addr() == &addr[..st.addr_len as usize]
    };
    if !same {
        set(dev, addr)?;
    }
    dev.st.lock().addr_assign_type = super::AddrAssign::Set;
    let _ = call_netdevice_notifiers(NetdevEvent::ChangeAddr, dev);
    Ok(())
}

/// `eth_mac_addr`: what an Ethernet driver's `ndo_set_mac_address` does.
pub fn eth_mac_addr(dev: &Arc<NetDevice>, addr: &[u8]) -> Result<(), Errno> {
    let mut st = dev.st.lock();
    if st.running && st.priv_flags & IFF_LIVE_ADDR_CHANGE == 0 {
        return Err(Errno::EBUSY);
    }
    // is_valid_ether_addr: not multicast, not all zeros.
    if addr.len() < 6 || addr[0] & 1 != 0 || addr[..6].iter().all(|b| *b == 0) {
        return Err(Errno::EADDRNOTAVAIL);
    }
    st.dev_addr[..6].copy_from_slice(&addr[..6]);
    Ok(())
}

/// `netif_change_tx_queue_len`.
pub fn dev_change_tx_queue_len(dev: &Arc<NetDevice>, new_len: u32) -> Result<(), Errno> {
    let orig = {
        let mut st = dev.st.lock();
        let orig = st.tx_queue_len;
        if orig == new_len {
            return Ok(());
        }
        st.tx_queue_len = new_len;
        orig
    };
    if let Err(e) = call_netdevice_notifiers(NetdevEvent::ChangeTxQueueLen, dev) {
        dev.st.lock().tx_queue_len = orig;
        return Err(e);
    }
    Ok(())
}

/// `netif_set_group`.
pub fn dev_set_group(dev: &NetDevice, group: u32) {
    dev.st.lock().group = group;
}

/// `netif_change_carrier`: only devices with `ndo_change_carrier` accept
/// it, up or down (a registered device is always present).
pub fn dev_change_carrier(dev: &Arc<NetDevice>, on: bool) -> Result<(), Errno> {
    let f = dev.netdev_ops.ndo_change_carrier.ok_or(Errno::EOPNOTSUPP)?;
    f(dev, on)
}

/// `netdev_master_upper_dev_get`.
pub fn netdev_master_upper_dev_get(dev: &NetDevice) -> Option<Arc<NetDevice>> {
    let master = dev.st.lock().master?;
    let net = dev.net()?;
    dev_get_by_index(&net, master)
}

/// `netdev_has_upper_dev`: whether `upper_dev` is `dev`'s master or its
/// master's master, and so on (the adjacency lists reduced to the one
/// master link a device can have here).
fn __netdev_has_upper_dev(dev: &NetDevice, upper_dev: &NetDevice) -> bool {
    let mut cur = netdev_master_upper_dev_get(dev);
    let mut depth = 0;
    while let Some(m) = cur {
        if std::ptr::eq(Arc::as_ptr(&m), upper_dev) {
            return true;
        }
        depth += 1;
        if depth > 8 {
            return false;
        }
        cur = netdev_master_upper_dev_get(&m);
    }
    false
}

/// `netdev_master_upper_dev_link` (`__netdev_upper_dev_link` with master
/// set): `dev` gets `upper_dev` as its master, then NETDEV_CHANGEUPPER is
/// announced for `dev` (rtnetlink turns it into RTM_NEWLINK with IFLA_MASTER).
/// NETDEV_PRECHANGEUPPER and the nesting-level limit are not modelled.
pub fn netdev_master_upper_dev_link(
    dev: &Arc<NetDevice>,
    upper_dev: &Arc<NetDevice>,
    _extack: &mut ExtAck,
) -> Result<(), Errno> {
    let _s = debug_span!("netdev_master_upper_dev_link", dev = dev.ifindex(), upper = upper_dev.ifindex()).entered();
    if Arc::ptr_eq(dev, upper_dev) {
        return Err(Errno::EBUSY);
    }
    // To prevent loops, `dev` must not be an upper device of `upper_dev`.
    if __netdev_has_upper_dev(upper_dev, dev) {
        return Err(Errno::EBUSY);
    }
    if let Some(master) = netdev_master_upper_dev_get(dev) {
        return Err(if Arc::ptr_eq(&master, upper_dev) { Errno::EEXIST } else { Errno::EBUSY });
    }
    dev.st.lock().master = Some(upper_dev.ifindex());
    if let Err(e) = call_netdevice_notifiers(NetdevEvent::ChangeUpper, dev) {
        dev.st.lock().master = None;
        return Err(e);
    }
    Ok(())
}

/// `netdev_upper_dev_unlink`: the master link goes, then NETDEV_CHANGEUPPER
/// is announced for `dev` (an RTM_NEWLINK without IFLA_MASTER).
pub fn netdev_upper_dev_unlink(dev: &Arc<NetDevice>, upper_dev: &NetDevice) {
    let _s = debug_span!("netdev_upper_dev_unlink", dev = dev.ifindex(), upper = upper_dev.ifindex()).entered();
    {
        let mut st = dev.st.lock();
        if st.master != Some(upper_dev.ifindex()) {
            return;
        }
        st.master = None;
    }
    let _ = call_netdevice_notifiers(NetdevEvent::ChangeUpper, dev);
}

/// `do_set_master` (net/core/rtnetlink.c): release from the current master,
/// then enslave to `ifindex` (0 only releases).
pub fn do_set_master(dev: &Arc<NetDevice>, ifindex: i32, extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("do_set_master", dev = dev.ifindex(), master = ifindex).entered();
    if let Some(upper) = netdev_master_upper_dev_get(dev) {
        if upper.ifindex() == ifindex {
            return Ok(());
        }
        let del = upper.netdev_ops.ndo_del_slave.ok_or(Errno::EOPNOTSUPP)?;
        del(&upper, dev)?;
    }
    if ifindex != 0 {
        let net = dev.net().ok_or(Errno::ENODEV)?;
        let upper = dev_get_by_index(&net, ifindex).ok_or(Errno::EINVAL)?;
        let add = upper.netdev_ops.ndo_add_slave.ok_or(Errno::EOPNOTSUPP)?;
        add(&upper, dev, extack)?;
    }
    Ok(())
}

/// `__dev_change_net_namespace`: a mini unregister in the old namespace
/// (DOWN, UNREGISTER notifiers, RTM_DELLINK with the new nsid and ifindex,
/// uevent "remove") and a mini register in the new one (uevent "add",
/// REGISTER notifiers, RTM_NEWLINK).
pub fn dev_change_net_namespace(
    dev: &Arc<NetDevice>,
    net: &Arc<Net>,
    pat: Option<&str>,
    new_ifindex: i32,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    let _s = debug_span!("dev_change_net_namespace", dev = dev.ifindex(), to = net.id()).entered();
    let net_old = dev.net().ok_or(Errno::ENODEV)?;
    {
        let st = dev.st.lock();
        if st.netns_immutable {
            extack.set_msg("The interface netns is immutable");
            return Err(Errno::EINVAL);
        }
        if st.reg_state != RegState::Registered {
            extack.set_msg("The interface isn't registered");
            return Err(Errno::EINVAL);
        }
    }
    if net_old.net_eq(net) {
        return Ok(());
    }
    let mut new_name = None;
    let name = dev.name();
    if netdev_name_in_use(net, &name) {
        let Some(pat) = pat else {
            extack.set_msg("An interface with the same name exists in the target netns");
            return Err(Errno::EEXIST);
        };
        // dev_prep_valid_name(net, dev, pat, new_name, EEXIST): EINVAL for a
        // bad pattern, ENFILE when a template has no number left.
        match dev_get_valid_name(net, pat) {
            Ok(n) => new_name = Some(n),
            Err(e) => {
                extack.set_msg_fmt(format!("Unable to use '{pat}' for the new interface name in the target netns"));
                return Err(e);
            }
        }
    }
    for alt in dev.st.lock().altnames.clone() {
        if netdev_name_in_use(net, &alt) {
            extack.set_msg_fmt(format!("An interface with the altname {alt} exists in the target netns"));
            return Err(Errno::EEXIST);
        }
    }
    let new_ifindex = if new_ifindex != 0 {
        dev_index_reserve(net, new_ifindex).inspect_err(|_| {
            extack.set_msg_fmt(format!("The ifindex {new_ifindex} is not available in the target netns"));
        })?
    } else {
        match dev_index_reserve(net, dev.ifindex()) {
            Err(Errno::EBUSY) => dev_index_reserve(net, 0),
            r => r,
        }
        .inspect_err(|_| extack.set_msg("Unable to allocate a new ifindex in the target netns"))?
    };

    dev_close(dev);
    unlist_netdevice(&net_old, dev);
    dev.st.lock().qdisc = "noop";
    let _ = call_netdevice_notifiers(NetdevEvent::Unregister, dev);
    let new_nsid = peernet2id_alloc(&net_old, net, None);
    rtmsg_ifinfo_newnet(RTM_DELLINK, dev, !0, new_nsid, new_ifindex);
    kobject_uevent_net(&net_old, dev, KobjAction::Remove);

    dev.set_net(net);
    dev.set_ifindex(new_ifindex);
    if let Some(n) = new_name {
        dev.st.lock().name = n;
    }
    kobject_uevent_net(net, dev, KobjAction::Add);
    list_netdevice(net, dev);
    let _ = call_netdevice_notifiers(NetdevEvent::Register, dev);
    rtmsg_ifinfo(RTM_NEWLINK, dev, !0, 0, None);
    Ok(())
}

/// `GSO_LEGACY_MAX_SIZE` / `GRO_LEGACY_MAX_SIZE`: sizes an IPv4 packet can take.
const GSO_LEGACY_MAX_SIZE: u32 = 65536;

/// `netif_set_gso_max_size`: capped by the driver's TSO limit; a size IPv4
/// can also take sets the IPv4 limit too.
pub fn netif_set_gso_max_size(st: &mut super::DevState, size: u32) {
    let size = size.min(st.tso_max_size);
    st.gso_max_size = size;
    if size <= GSO_LEGACY_MAX_SIZE {
        st.gso_ipv4_max_size = size;
    }
}

/// `netif_set_gso_max_segs`.
pub fn netif_set_gso_max_segs(st: &mut super::DevState, segs: u32) {
    st.gso_max_segs = segs.min(st.tso_max_segs);
}

/// `netif_set_gro_max_size`: likewise for GRO.
pub fn netif_set_gro_max_size(st: &mut super::DevState, size: u32) {
    st.gro_max_size = size;
    if size <= GSO_LEGACY_MAX_SIZE {
        st.gro_ipv4_max_size = size;
    }
}

/// `netif_set_gso_ipv4_max_size`.
pub fn netif_set_gso_ipv4_max_size(st: &mut super::DevState, size: u32) {
    st.gso_ipv4_max_size = size.min(st.tso_max_size);
}

/// `netif_set_gro_ipv4_max_size`.
pub fn netif_set_gro_ipv4_max_size(st: &mut super::DevState, size: u32) {
    st.gro_ipv4_max_size = size;
}
