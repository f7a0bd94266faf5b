//! Carrier and operational state: net/core/link_watch.c (and the carrier
//! helpers of net/sched/sch_generic.c).
//!
//! A carrier change does not update a device's operstate at once: it fires a
//! linkwatch event, and the linkwatch work later applies RFC 2863's policy
//! (`rfc2863_policy`), activates or deactivates the device and, if it is up,
//! announces the new state (`netif_state_change` → RTM_NEWLINK with
//! `ifi_change` 0). Linux runs that work from a workqueue, soon after; the
//! simulator runs it when the rtnl lock is released (`rtnl_unlock` →
//! [`linkwatch_run_queue`]), so a listener sees the same messages in the same
//! order, deterministically, before the request that caused them returns.

use std::sync::{Arc, Weak};

use tracing::debug_span;

use super::dev::change::netif_state_change;
use super::dev::{dev_get_by_index, NetDevice, RegState};
use crate::kernel::Globals;
use nlwire::uapi::if_link::*;

/// `netif_carrier_on`.
pub fn netif_carrier_on(dev: &Arc<NetDevice>) {
    let fire = {
        let mut st = dev.st.lock();
        if !st.nocarrier {
            return;
        }
        st.nocarrier = false;
        if st.reg_state == RegState::Uninitialized {
            return;
        }
        st.carrier_up_count += 1;
        true
    };
    if fire {
        linkwatch_fire_event(dev);
    }
}

/// `netif_carrier_off`.
pub fn netif_carrier_off(dev: &Arc<NetDevice>) {
    let fire = {
        let mut st = dev.st.lock();
        if st.nocarrier {
            return;
        }
        st.nocarrier = true;
        if st.reg_state == RegState::Uninitialized {
            return;
        }
        st.carrier_down_count += 1;
        true
    };
    if fire {
        linkwatch_fire_event(dev);
    }
}

/// `linkwatch_fire_event`: queue the device (once) for the linkwatch work.
pub fn linkwatch_fire_event(dev: &Arc<NetDevice>) {
    let Some(net) = dev.net() else { return };
    {
        let mut st = dev.st.lock();
        if st.linkwatch_pending {
            return;
        }
        st.linkwatch_pending = true;
    }
    net.globals.lweventlist.lock().push(Arc::downgrade(dev));
}

/// `default_operstate`.
fn default_operstate(dev: &NetDevice) -> u8 {
    let (carrier, dormant, testing, ifindex) = {
        let st = dev.st.lock();
        (st.carrier_ok(), st.operstate == IF_OPER_DORMANT && st.link_mode == IF_LINK_MODE_DORMANT, false, dev.ifindex())
    };
    if testing {
        return IF_OPER_TESTING;
    }
    if !carrier {
        // A device whose lower device (its veth peer) is also without
        // carrier is LOWERLAYERDOWN, not merely DOWN.
        let iflink = dev.iflink();
        if iflink == ifindex {
            return IF_OPER_DOWN;
        }
        let Some(net) = dev.net() else { return IF_OPER_DOWN };
        return match dev_get_by_index(&net, iflink) {
            Some(peer) if peer.st.lock().carrier_ok() => IF_OPER_DOWN,
            Some(_) => IF_OPER_LOWERLAYERDOWN,
            None => IF_OPER_DOWN,
        };
    }
    if dormant {
        return IF_OPER_DORMANT;
    }
    IF_OPER_UP
}

/// `rfc2863_policy`.
pub fn rfc2863_policy(dev: &NetDevice) {
    let mut operstate = default_operstate(dev);
    let mut st = dev.st.lock();
    if operstate == st.operstate {
        return;
    }
    match st.link_mode {
        IF_LINK_MODE_TESTING if operstate == IF_OPER_UP => operstate = IF_OPER_TESTING,
        IF_LINK_MODE_DORMANT if operstate == IF_OPER_UP => operstate = IF_OPER_DORMANT,
        _ => {}
    }
    st.operstate = operstate;
}

/// `linkwatch_init_dev`: at registration, a device without carrier gets its
/// operstate computed (one with carrier keeps IF_OPER_UNKNOWN).
pub fn linkwatch_init_dev(dev: &NetDevice) {
    let need = {
        let st = dev.st.lock();
        !st.carrier_ok() || st.operstate == IF_OPER_DORMANT || st.operstate == IF_OPER_TESTING
    };
    if need {
        rfc2863_policy(dev);
    }
}

/// `linkwatch_do_dev`.
fn linkwatch_do_dev(dev: &Arc<NetDevice>) {
    let _s = debug_span!("linkwatch_do_dev", dev = dev.ifindex()).entered();
    {
        let mut st = dev.st.lock();
        st.linkwatch_pending = false;
        if st.reg_state != RegState::Registered {
            return;
        }
    }
    rfc2863_policy(dev);
    let up = dev.st.lock().flags & nlwire::uapi::if_::IFF_UP != 0;
    if up {
        // dev_activate / dev_deactivate change no attribute rtnetlink reports
        // once the root qdisc is attached.
        netif_state_change(dev);
    }
}

/// `linkwatch_run_queue`: run every pending event, including those the
/// events themselves fire.
pub fn linkwatch_run_queue(globals: &Globals) {
    loop {
        let batch: Vec<Weak<NetDevice>> = std::mem::take(&mut *globals.lweventlist.lock());
        if batch.is_empty() {
            return;
        }
        for dev in batch.iter().filter_map(Weak::upgrade) {
            linkwatch_do_dev(&dev);
        }
    }
}

/// `linkwatch_forget_dev`: a device being unregistered leaves the queue
/// without its event being processed.
pub fn linkwatch_forget_dev(globals: &Globals, dev: &Arc<NetDevice>) {
    globals.lweventlist.lock().retain(|w| !std::ptr::eq(w.as_ptr(), Arc::as_ptr(dev)));
    dev.st.lock().linkwatch_pending = false;
}
