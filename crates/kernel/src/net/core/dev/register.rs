//! A device's life: `alloc_netdev`, `register_netdevice`,
//! `unregister_netdevice_many_notify` (net/core/dev.c).

use std::sync::Arc;

use tracing::debug_span;

use super::flags::dev_close_many;
use super::name::dev_get_valid_name;
use super::{call_netdevice_notifiers, AddrAssign, DevState, NetDevice, NetDeviceOps, NetdevEvent, RegState};
use crate::lib_::kobject_uevent::{netdev_register_kobject, netdev_unregister_kobject};
use crate::net::core::link_watch::{linkwatch_forget_dev, linkwatch_init_dev};
use crate::net::core::net_namespace::Net;
use crate::net::core::rtnetlink::fill::{rtmsg_ifinfo, rtmsg_ifinfo_build_skb, rtmsg_ifinfo_send};
use crate::net::core::rtnetlink::link_ops::RtnlLinkOps;
use crate::Errno;
use nlwire::uapi::rtnetlink::{RTM_DELLINK, RTM_NEWLINK};

/// `alloc_netdev_mqs(sizeof_priv, name, name_assign_type, setup, txqs, rxqs)`:
/// a device not yet in any list, with `setup` applied.
pub fn alloc_netdev(
    net: &Arc<Net>,
    name: &str,
    setup: fn(&mut DevState),
    netdev_ops: &'static NetDeviceOps,
    link_ops: Option<&'static RtnlLinkOps>,
    txqs: u32,
    rxqs: u32,
) -> Arc<NetDevice> {
    let mut st = DevState::new(name);
    st.num_tx_queues = txqs;
    st.real_num_tx_queues = txqs;
    st.num_rx_queues = rxqs;
    st.real_num_rx_queues = rxqs;
    setup(&mut st);
    NetDevice::new(st, netdev_ops, link_ops, net)
}

/// `dev_index_reserve`: the requested ifindex if free (EBUSY if not), or
/// the next free one counting up cyclically from where the last stopped.
pub fn dev_index_reserve(net: &Net, ifindex: i32) -> Result<i32, Errno> {
    let mut base = net.dev.write();
    if ifindex < 0 {
        return Err(Errno::EINVAL);
    }
    if ifindex > 0 {
        if base.by_index.contains_key(&ifindex) {
            return Err(Errno::EBUSY);
        }
        return Ok(ifindex);
    }
    // xa_alloc_cyclic over [1, INT_MAX] starting at net->ifindex.
    let start = base.next_ifindex.max(1);
    let mut i = start;
    loop {
        if !base.by_index.contains_key(&i) {
            base.next_ifindex = if i == i32::MAX { 1 } else { i + 1 };
            return Ok(i);
        }
        i = if i == i32::MAX { 1 } else { i + 1 };
        if i == start {
            return Err(Errno::ENOSPC);
        }
    }
}

/// `list_netdevice`: the device joins its namespace's lists.
///
/// The device's names are copied out first: `dev.st` is a leaf lock, never
/// held while the namespace's device lists are taken.
pub(crate) fn list_netdevice(net: &Net, dev: &Arc<NetDevice>) {
    let (name, altnames) = {
        let st = dev.st.lock();
        (st.name.clone(), st.altnames.clone())
    };
    let mut base = net.dev.write();
    base.by_index.insert(dev.ifindex(), Arc::clone(dev));
    base.names.insert(name, dev.ifindex());
    for alt in altnames {
        base.names.insert(alt, dev.ifindex());
    }
    base.dev_base_seq = base.dev_base_seq.wrapping_add(1);
}

/// `unlist_netdevice`.
pub(crate) fn unlist_netdevice(net: &Net, dev: &Arc<NetDevice>) {
    let (name, altnames) = {
        let st = dev.st.lock();
        (st.name.clone(), st.altnames.clone())
    };
    let mut base = net.dev.write();
    base.by_index.remove(&dev.ifindex());
    base.names.remove(&name);
    for alt in &altnames {
        base.names.remove(alt);
    }
    base.dev_base_seq = base.dev_base_seq.wrapping_add(1);
}

/// `register_netdevice`: name, ifindex, lists, sysfs (uevent), the
/// REGISTER notifiers, and — unless rtnetlink is still configuring the
/// device — an RTM_NEWLINK with `ifi_change` ~0.
pub fn register_netdevice(dev: &Arc<NetDevice>) -> Result<(), Errno> {
    let net = dev.net().ok_or(Errno::ENODEV)?;
    let _s = debug_span!("register_netdevice", name = %dev.name()).entered();
    let name = dev_get_valid_name(&net, &dev.name())?;
    dev.st.lock().name = name;
    let ifindex = dev_index_reserve(&net, dev.ifindex())?;
    dev.set_ifindex(ifindex);

    netdev_register_kobject(dev);
    {
        let mut st = dev.st.lock();
        st.reg_state = RegState::Registered;
        if st.addr_assign_type == AddrAssign::Perm {
            st.perm_addr = st.dev_addr;
        }
    }
    linkwatch_init_dev(dev);
    list_netdevice(&net, dev);

    if let Err(e) = call_netdevice_notifiers(NetdevEvent::Register, dev) {
        unregister_netdevice_many_notify(&[Arc::clone(dev)], 0, None);
        return Err(e);
    }
    let announce = !(dev.link_ops.is_some() && dev.st.lock().rtnl_link_initializing);
    if announce {
        rtmsg_ifinfo(RTM_NEWLINK, dev, !0, 0, None);
    }
    Ok(())
}

/// `unregister_netdevice_many_notify`: close what is up (one RTM_NEWLINK
/// each), unlist every device, then per device the UNREGISTER notifiers
/// and its RTM_DELLINK — with the requester's pid and seq when it asked for
/// an echo — and the sysfs removal (uevents).
pub fn unregister_netdevice_many_notify(devs: &[Arc<NetDevice>], portid: u32, nlh: Option<&[u8]>) {
    let _s = debug_span!("unregister_netdevice_many_notify", n = devs.len()).entered();
    // The kill list is a list_head: a device is on it once, where it was
    // queued last (a `dellink` that pushed instead of moving leaves a copy).
    let devs: Vec<Arc<NetDevice>> = devs
        .iter()
        .enumerate()
        .filter(|(i, d)| !devs[i + 1..].iter().any(|l| Arc::ptr_eq(l, d)))
        .map(|(_, d)| d)
        .filter(|d| d.st.lock().reg_state == RegState::Registered)
        .cloned()
        .collect();
    if devs.is_empty() {
        return;
    }
    dev_close_many(&devs);
    for dev in &devs {
        if let Some(net) = dev.net() {
            unlist_netdevice(&net, dev);
        }
        dev.st.lock().reg_state = RegState::Unregistering;
    }
    for dev in &devs {
        let Some(net) = dev.net() else { continue };
        linkwatch_forget_dev(&net.globals, dev);
        // dev_shutdown: the root qdisc goes back to noop.
        dev.st.lock().qdisc = "noop";
        let _ = call_netdevice_notifiers(NetdevEvent::Unregister, dev);
        let announce = !(dev.link_ops.is_some() && dev.st.lock().rtnl_link_initializing);
        let skb = if announce {
            // rtmsg_ifinfo_build_skb runs while the device is UNREGISTERING.
            rtmsg_ifinfo_build_skb(RTM_DELLINK, dev, !0, 0, None, 0, portid, nlh)
        } else {
            None
        };
        if let Some(uninit) = dev.netdev_ops.ndo_uninit {
            uninit(dev);
        }
        if let Some(skb) = skb {
            rtmsg_ifinfo_send(skb, &net, portid, nlh);
        }
        netdev_unregister_kobject(dev);
        dev.st.lock().reg_state = RegState::Unregistered;
    }
}

/// `unregister_netdevice`: one device.
pub fn unregister_netdevice(dev: &Arc<NetDevice>) {
    unregister_netdevice_many_notify(&[Arc::clone(dev)], 0, None);
}

/// `default_device_exit_batch`: a dying namespace's devices go, in reverse
/// ifindex order, each through its kind's `dellink` (a veth takes its peer,
/// wherever it is) or plain unregistration. A device some `dellink`
/// already queued (a veth's peer) moves to the end of the list
/// (`unregister_netdevice_queue` is a `list_move_tail`).
/// (Linux first moves devices without `rtnl_link_ops` back to init_net,
/// `default_device_exit_net`; every device modelled here has link ops or is
/// lo, so there is nothing to move.)
pub fn default_device_exit_batch(net: &Arc<Net>) {
    let _s = debug_span!("default_device_exit_batch", net = net.id()).entered();
    // Under rtnl_lock, as Linux's exit_batch_rtnl runs; the namespace may die
    // in a put_net made while a request holds it already. Dropping the guard
    // runs the linkwatch work the teardown queued (a bridge losing a port).
    let _rtnl = (!crate::net::core::rtnetlink::rtnl_held_here()).then(|| crate::net::core::rtnetlink::rtnl_lock(net));
    default_device_exit(net);
}

/// The body of [`default_device_exit_batch`] for one namespace.
pub fn default_device_exit(net: &Net) {
    let mut list: Vec<Arc<NetDevice>> = Vec::new();
    let devs: Vec<Arc<NetDevice>> = net.dev.read().by_index.values().rev().cloned().collect();
    for dev in devs {
        match dev.link_ops.and_then(|o| o.dellink) {
            Some(dellink) => dellink(&dev, &mut list),
            None => crate::net::core::rtnetlink::link::unregister_netdevice_queue(&dev, &mut list),
        }
    }
    unregister_netdevice_many_notify(&list, 0, None);
}
