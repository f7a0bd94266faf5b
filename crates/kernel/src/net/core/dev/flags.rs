//! Up, down and the other flags: `__dev_open`, `dev_close_many`,
//! `__dev_change_flags`, `__dev_notify_flags`, `netif_change_flags`,
//! promiscuity and allmulti (net/core/dev.c).
//!
//! The order of what a listener sees comes from here: a flag change sends
//! RTM_NEWLINK first (`__dev_notify_flags`), then runs the NETDEV_UP or
//! NETDEV_DOWN notifiers that make the protocols react (kernel-reference §6).

use std::sync::Arc;

use tracing::debug_span;

use super::{
    call_netdevice_notifiers, call_netdevice_notifiers_info, NetDevice, NetdevEvent, NetdevNotifierInfo, IFF_VOLATILE,
};
use crate::net::core::rtnetlink::fill::rtmsg_ifinfo;
use crate::Errno;
use nlwire::policy::ExtAck;
use nlwire::uapi::if_::*;
use nlwire::uapi::rtnetlink::RTM_NEWLINK;

/// `__dev_open`: PRE_UP notifiers, `ndo_open`, IFF_UP, and the first
/// activation, which attaches the root qdisc (noqueue for virtual devices).
pub fn __dev_open(dev: &Arc<NetDevice>, _extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("__dev_open", dev = dev.ifindex()).entered();
    call_netdevice_notifiers(NetdevEvent::PreUp, dev)?;
    dev.st.lock().running = true;
    if let Some(open) = dev.netdev_ops.ndo_open {
        if let Err(e) = open(dev) {
            dev.st.lock().running = false;
            return Err(e);
        }
    }
    let mut st = dev.st.lock();
    st.flags |= IFF_UP;
    // dev_activate → attach_default_qdiscs (every device modelled has IFF_NO_QUEUE).
    if st.qdisc == "noop" {
        st.qdisc = "noqueue";
    }
    Ok(())
}

/// `__dev_close_many`: GOING_DOWN, `ndo_stop`, IFF_UP cleared.
fn __dev_close_many(devs: &[Arc<NetDevice>]) {
    for dev in devs {
        let _ = call_netdevice_notifiers(NetdevEvent::GoingDown, dev);
    }
    for dev in devs {
        dev.st.lock().running = false;
        if let Some(stop) = dev.netdev_ops.ndo_stop {
            let _ = stop(dev);
        }
        dev.st.lock().flags &= !IFF_UP;
    }
}

/// `dev_close_many`: the devices that are up go down, then each announces
/// it (RTM_NEWLINK, change UP|RUNNING) and runs the DOWN notifiers.
pub fn dev_close_many(devs: &[Arc<NetDevice>]) {
    let up: Vec<Arc<NetDevice>> = devs.iter().filter(|d| d.st.lock().flags & IFF_UP != 0).cloned().collect();
    if up.is_empty() {
        return;
    }
    let _s = debug_span!("dev_close_many", n = up.len()).entered();
    __dev_close_many(&up);
    for dev in &up {
        rtmsg_ifinfo(RTM_NEWLINK, dev, IFF_UP | IFF_RUNNING, 0, None);
        let _ = call_netdevice_notifiers(NetdevEvent::Down, dev);
    }
}

/// `netif_open` (`dev_open`): what a driver or subsystem calls to bring a device up.
pub fn dev_open(dev: &Arc<NetDevice>, extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("dev_open", dev = dev.ifindex()).entered();
    if dev.st.lock().flags & IFF_UP != 0 {
        return Ok(());
    }
    __dev_open(dev, extack)?;
    rtmsg_ifinfo(RTM_NEWLINK, dev, IFF_UP | IFF_RUNNING, 0, None);
    let _ = call_netdevice_notifiers(NetdevEvent::Up, dev);
    Ok(())
}

/// `netif_close` (`dev_close`).
pub fn dev_close(dev: &Arc<NetDevice>) {
    let _s = debug_span!("dev_close", dev = dev.ifindex()).entered();
    dev_close_many(&[Arc::clone(dev)]);
}

/// `__dev_set_promiscuity`.
pub fn __dev_set_promiscuity(dev: &Arc<NetDevice>, inc: i32, notify: bool) -> Result<(), Errno> {
    let old_flags = {
        let mut st = dev.st.lock();
        let old_flags = st.flags;
        let promiscuity = st.promiscuity.wrapping_add_signed(inc);
        let flags = if promiscuity == 0 {
            if inc > 0 {
                return Err(Errno::EOVERFLOW);
            }
            old_flags & !IFF_PROMISC
        } else {
            old_flags | IFF_PROMISC
        };
        st.promiscuity = promiscuity;
        st.flags = flags;
        old_flags
    };
    if notify {
        __dev_notify_flags(dev, old_flags, IFF_PROMISC, 0, None);
    }
    Ok(())
}

/// `netif_set_promiscuity` (`dev_set_promiscuity`).
pub fn dev_set_promiscuity(dev: &Arc<NetDevice>, inc: i32) -> Result<(), Errno> {
    __dev_set_promiscuity(dev, inc, true)
}

/// `__dev_set_allmulti`.
pub fn __dev_set_allmulti(dev: &Arc<NetDevice>, inc: i32, notify: bool) -> Result<(), Errno> {
    let (old_flags, old_gflags, changed) = {
        let mut st = dev.st.lock();
        let (old_flags, old_gflags) = (st.flags, st.gflags);
        let allmulti = st.allmulti.wrapping_add_signed(inc);
        let flags = if allmulti == 0 {
            if inc > 0 {
                return Err(Errno::EOVERFLOW);
            }
            old_flags & !IFF_ALLMULTI
        } else {
            old_flags | IFF_ALLMULTI
        };
        st.allmulti = allmulti;
        st.flags = flags;
        (old_flags, old_gflags, flags != old_flags)
    };
    if changed && notify {
        let gchanges = dev.st.lock().gflags ^ old_gflags;
        __dev_notify_flags(dev, old_flags, gchanges, 0, None);
    }
    Ok(())
}

/// `netif_set_allmulti` (`dev_set_allmulti`).
pub fn dev_set_allmulti(dev: &Arc<NetDevice>, inc: i32) -> Result<(), Errno> {
    __dev_set_allmulti(dev, inc, true)
}

/// `__dev_change_flags`: applies the flags a user may set; IFF_UP opens or
/// closes the device; PROMISC and ALLMULTI move the counters through gflags.
pub fn __dev_change_flags(dev: &Arc<NetDevice>, flags: u32, extack: &mut ExtAck) -> Result<(), Errno> {
    let old_flags = {
        let mut st = dev.st.lock();
        let old_flags = st.flags;
        st.flags = (flags
            & (IFF_DEBUG | IFF_NOTRAILERS | IFF_NOARP | IFF_DYNAMIC | IFF_MULTICAST | IFF_PORTSEL | IFF_AUTOMEDIA))
            | (st.flags & (IFF_UP | IFF_VOLATILE | IFF_PROMISC | IFF_ALLMULTI));
        old_flags
    };
    let mut ret = Ok(());
    if (old_flags ^ flags) & IFF_UP != 0 {
        if old_flags & IFF_UP != 0 {
            __dev_close_many(&[Arc::clone(dev)]);
        } else {
            ret = __dev_open(dev, extack);
        }
    }
    let gflags = dev.st.lock().gflags;
    if (flags ^ gflags) & IFF_PROMISC != 0 {
        let inc = if flags & IFF_PROMISC != 0 { 1 } else { -1 };
        dev.st.lock().gflags ^= IFF_PROMISC;
        let _ = __dev_set_promiscuity(dev, inc, false);
    }
    let gflags = dev.st.lock().gflags;
    if (flags ^ gflags) & IFF_ALLMULTI != 0 {
        let inc = if flags & IFF_ALLMULTI != 0 { 1 } else { -1 };
        dev.st.lock().gflags ^= IFF_ALLMULTI;
        let _ = __dev_set_allmulti(dev, inc, false);
    }
    ret
}

/// `__dev_notify_flags`: RTM_NEWLINK (if anything user-visible changed),
/// then UP or DOWN, then CHANGE for the other flags of a running device.
pub fn __dev_notify_flags(dev: &Arc<NetDevice>, old_flags: u32, gchanges: u32, portid: u32, nlh: Option<&[u8]>) {
    let flags = dev.st.lock().flags;
    let changes = flags ^ old_flags;
    if gchanges != 0 {
        rtmsg_ifinfo(RTM_NEWLINK, dev, gchanges, portid, nlh);
    }
    if changes & IFF_UP != 0 {
        let ev = if flags & IFF_UP != 0 { NetdevEvent::Up } else { NetdevEvent::Down };
        let _ = call_netdevice_notifiers(ev, dev);
    }
    if flags & IFF_UP != 0 && changes & !(IFF_UP | IFF_PROMISC | IFF_ALLMULTI | IFF_VOLATILE) != 0 {
        let info = NetdevNotifierInfo { flags_changed: changes, ..Default::default() };
        let _ = call_netdevice_notifiers_info(NetdevEvent::Change, dev, &info);
    }
}

/// `netif_change_flags` (`dev_change_flags`).
pub fn dev_change_flags(dev: &Arc<NetDevice>, flags: u32, extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("dev_change_flags", dev = dev.ifindex(), flags).entered();
    let (old_flags, old_gflags) = {
        let st = dev.st.lock();
        (st.flags, st.gflags)
    };
    __dev_change_flags(dev, flags, extack)?;
    let changes = {
        let st = dev.st.lock();
        (old_flags ^ st.flags) | (old_gflags ^ st.gflags)
    };
    __dev_notify_flags(dev, old_flags, changes, 0, None);
    Ok(())
}
