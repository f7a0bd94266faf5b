//! Spanning tree, generic parts: net/bridge/br_stp.c.
//!
//! Everything here runs "under bridge lock": it takes the bridge's state
//! (`&mut NetBridge`) and a port by its index in `br.port_list`. Port state
//! changes announce themselves with an AF_BRIDGE RTM_NEWLINK
//! (`br_ifinfo_notify`), and `br_port_state_selection` switches the bridge's
//! carrier: on while a port forwards.
//!
//! No BPDU is ever sent or received (the simulator moves no frames), and
//! timers do not run: a port in kernel STP stays where `br_make_forwarding`
//! puts it (listening) instead of moving on after the forward delay.

use nlwire::uapi::if_::IFF_UP;
use nlwire::uapi::if_bridge::*;
use nlwire::uapi::rtnetlink::RTM_NEWLINK;

use super::br_netlink::br_ifinfo_notify;
use super::br_private::*;
use crate::net::core::link_watch::{netif_carrier_off, netif_carrier_on};
use crate::Errno;

/// `br_set_state`: a port driven by MRP keeps its state.
pub fn br_set_state(br: &mut NetBridge, i: usize, state: u8) {
    let p = &mut br.port_list[i];
    if p.flags & BR_MRP_AWARE != 0 {
        return;
    }
    p.state = state;
}

/// `br_get_port`: the listed port with this number.
pub fn br_get_port(br: &NetBridge, port_no: u16) -> Option<usize> {
    br.port_indexes().into_iter().find(|i| br.port_list[*i].port_no == port_no)
}

/// `br_should_become_root_port`.
fn br_should_become_root_port(br: &NetBridge, i: usize, root_port: u16) -> bool {
    let p = &br.port_list[i];
    if p.state == BR_STATE_DISABLED || br_is_designated_port(br, p) {
        return false;
    }
    if br.bridge_id <= p.designated_root {
        return false;
    }
    if root_port == 0 {
        return true;
    }
    let Some(rp) = br_get_port(br, root_port).map(|r| &br.port_list[r]) else {
        return true;
    };
    match p.designated_root.cmp(&rp.designated_root) {
        std::cmp::Ordering::Less => return true,
        std::cmp::Ordering::Greater => return false,
        std::cmp::Ordering::Equal => {}
    }
    let p_cost = p.designated_cost.wrapping_add(p.path_cost);
    let rp_cost = rp.designated_cost.wrapping_add(rp.path_cost);
    if p_cost != rp_cost {
        return p_cost < rp_cost;
    }
    match p.designated_bridge.cmp(&rp.designated_bridge) {
        std::cmp::Ordering::Less => return true,
        std::cmp::Ordering::Greater => return false,
        std::cmp::Ordering::Equal => {}
    }
    if p.designated_port != rp.designated_port {
        return p.designated_port < rp.designated_port;
    }
    p.port_id < rp.port_id
}

/// `br_root_port_block`: a root-guarded port may not become the root port.
fn br_root_port_block(br: &mut NetBridge, i: usize) {
    br_set_state(br, i, BR_STATE_LISTENING);
    br_ifinfo_notify(RTM_NEWLINK, br, Some(i));
    if br.forward_delay > 0 {
        let fd = br.forward_delay;
        br.port_list[i].forward_delay_timer.arm(fd);
    }
}

/// `br_root_selection`.
fn br_root_selection(br: &mut NetBridge) {
    let mut root_port = 0;
    for i in br.port_indexes() {
        if !br_should_become_root_port(br, i, root_port) {
            continue;
        }
        if br.port_list[i].flags & BR_ROOT_BLOCK != 0 {
            br_root_port_block(br, i);
        } else {
            root_port = br.port_list[i].port_no;
        }
    }
    br.root_port = root_port;
    match br_get_port(br, root_port).filter(|_| root_port != 0) {
        None => {
            br.designated_root = br.bridge_id;
            br.root_path_cost = 0;
        }
        Some(r) => {
            let p = &br.port_list[r];
            br.designated_root = p.designated_root;
            br.root_path_cost = p.designated_cost.wrapping_add(p.path_cost);
        }
    }
}

/// `br_become_root_bridge`.
pub fn br_become_root_bridge(br: &mut NetBridge) {
    br.max_age = br.bridge_max_age;
    br.hello_time = br.bridge_hello_time;
    br.forward_delay = br.bridge_forward_delay;
    br_topology_change_detection(br);
    br.tcn_timer.del();
    if br.br_dev().is_some_and(|d| d.st.lock().flags & IFF_UP != 0) {
        br_config_bpdu_generation(br);
        let hello = br.hello_time;
        br.hello_timer.arm(hello);
    }
}

/// `br_transmit_config`: what sending a configuration BPDU does to the
/// port's state. The BPDU itself, and the hold timer that paces them, are
/// not modelled.
pub fn br_transmit_config(br: &mut NetBridge, i: usize) {
    let p = &mut br.port_list[i];
    if p.hold_timer.pending() {
        p.config_pending = 1;
        return;
    }
    p.topology_change_ack = 0;
    p.config_pending = 0;
}

/// `br_should_become_designated_port`.
fn br_should_become_designated_port(br: &NetBridge, i: usize) -> bool {
    let p = &br.port_list[i];
    if br_is_designated_port(br, p) {
        return true;
    }
    if p.designated_root != br.designated_root {
        return true;
    }
    let t = br.root_path_cost as i64 - p.designated_cost as i64;
    if t != 0 {
        return t < 0;
    }
    match br.bridge_id.cmp(&p.designated_bridge) {
        std::cmp::Ordering::Less => return true,
        std::cmp::Ordering::Greater => return false,
        std::cmp::Ordering::Equal => {}
    }
    p.port_id < p.designated_port
}

/// `br_designated_port_selection`.
fn br_designated_port_selection(br: &mut NetBridge) {
    for i in br.port_indexes() {
        if br.port_list[i].state != BR_STATE_DISABLED && br_should_become_designated_port(br, i) {
            br_become_designated_port(br, i);
        }
    }
}

/// `br_topology_change_detection`: only kernel STP tracks topology changes.
pub fn br_topology_change_detection(br: &mut NetBridge) {
    let isroot = br_is_root_bridge(br);
    if br.stp_enabled != BR_KERNEL_STP {
        return;
    }
    if isroot {
        __br_set_topology_change(br, 1);
        let t = br.bridge_forward_delay + br.bridge_max_age;
        br.topology_change_timer.arm(t);
    } else if br.topology_change_detected == 0 {
        // br_transmit_tcn: no BPDU leaves.
        let t = br.bridge_hello_time;
        br.tcn_timer.arm(t);
    }
    br.topology_change_detected = 1;
}

/// `br_config_bpdu_generation`.
pub fn br_config_bpdu_generation(br: &mut NetBridge) {
    for i in br.port_indexes() {
        if br.port_list[i].state != BR_STATE_DISABLED && br_is_designated_port(br, &br.port_list[i]) {
            br_transmit_config(br, i);
        }
    }
}

/// `br_configuration_update`.
pub fn br_configuration_update(br: &mut NetBridge) {
    br_root_selection(br);
    br_designated_port_selection(br);
}

/// `br_become_designated_port`.
pub fn br_become_designated_port(br: &mut NetBridge, i: usize) {
    let (root, cost, id) = (br.designated_root, br.root_path_cost, br.bridge_id);
    let p = &mut br.port_list[i];
    p.designated_root = root;
    p.designated_cost = cost;
    p.designated_bridge = id;
    p.designated_port = p.port_id;
}

/// `br_make_blocking`.
fn br_make_blocking(br: &mut NetBridge, i: usize) {
    let state = br.port_list[i].state;
    if state != BR_STATE_DISABLED && state != BR_STATE_BLOCKING {
        if state == BR_STATE_FORWARDING || state == BR_STATE_LEARNING {
            br_topology_change_detection(br);
        }
        br_set_state(br, i, BR_STATE_BLOCKING);
        br_ifinfo_notify(RTM_NEWLINK, br, Some(i));
        br.port_list[i].forward_delay_timer.del();
    }
}

/// `br_make_forwarding`: without STP (or without a forward delay) straight
/// to forwarding; kernel STP starts at listening, user STP at learning.
fn br_make_forwarding(br: &mut NetBridge, i: usize) {
    if br.port_list[i].state != BR_STATE_BLOCKING {
        return;
    }
    if br.stp_enabled == BR_NO_STP || br.forward_delay == 0 {
        br_set_state(br, i, BR_STATE_FORWARDING);
        br_topology_change_detection(br);
        br.port_list[i].forward_delay_timer.del();
    } else if br.stp_enabled == BR_KERNEL_STP {
        br_set_state(br, i, BR_STATE_LISTENING);
    } else {
        br_set_state(br, i, BR_STATE_LEARNING);
    }
    br_ifinfo_notify(RTM_NEWLINK, br, Some(i));
    if br.forward_delay != 0 {
        let fd = br.forward_delay;
        br.port_list[i].forward_delay_timer.arm(fd);
    }
}

/// `br_port_state_selection`: each enabled port forwards or blocks as its
/// role says; the bridge has carrier while some port forwards.
pub fn br_port_state_selection(br: &mut NetBridge) {
    let mut liveports = 0;
    for i in br.port_indexes() {
        if br.port_list[i].state == BR_STATE_DISABLED {
            continue;
        }
        // Don't change port states if userspace is handling STP.
        if br.stp_enabled != BR_USER_STP {
            if br.port_list[i].port_no == br.root_port {
                br.port_list[i].config_pending = 0;
                br.port_list[i].topology_change_ack = 0;
                br_make_forwarding(br, i);
            } else if br_is_designated_port(br, &br.port_list[i]) {
                br.port_list[i].message_age_timer.del();
                br_make_forwarding(br, i);
            } else {
                br.port_list[i].config_pending = 0;
                br.port_list[i].topology_change_ack = 0;
                br_make_blocking(br, i);
            }
        }
        if br.port_list[i].state == BR_STATE_FORWARDING {
            liveports += 1;
        }
    }
    if let Some(dev) = br.br_dev() {
        if liveports == 0 {
            netif_carrier_off(&dev);
        } else {
            netif_carrier_on(&dev);
        }
    }
}

/// `br_set_hello_time`.
pub fn br_set_hello_time(br: &mut NetBridge, val: u64) -> Result<(), Errno> {
    let t = clock_t_to_jiffies(val);
    if !(BR_MIN_HELLO_TIME..=BR_MAX_HELLO_TIME).contains(&t) {
        return Err(Errno::ERANGE);
    }
    br.bridge_hello_time = t;
    if br_is_root_bridge(br) {
        br.hello_time = t;
    }
    Ok(())
}

/// `br_set_max_age`.
pub fn br_set_max_age(br: &mut NetBridge, val: u64) -> Result<(), Errno> {
    let t = clock_t_to_jiffies(val);
    if !(BR_MIN_MAX_AGE..=BR_MAX_MAX_AGE).contains(&t) {
        return Err(Errno::ERANGE);
    }
    br.bridge_max_age = t;
    if br_is_root_bridge(br) {
        br.max_age = t;
    }
    Ok(())
}

/// `br_set_ageing_time`: the garbage collection restarts with the new
/// time, which `IFLA_BR_GC_TIMER` then shows.
pub fn br_set_ageing_time(br: &mut NetBridge, ageing_time: u64) {
    let t = clock_t_to_jiffies(ageing_time);
    br.bridge_ageing_time = t;
    br.ageing_time = t;
}

/// `__br_set_topology_change`: under kernel STP a topology change shortens
/// the ageing time to twice the forward delay.
pub fn __br_set_topology_change(br: &mut NetBridge, val: u8) {
    if br.stp_enabled == BR_KERNEL_STP && br.topology_change != val {
        br.ageing_time = if val != 0 { 2 * br.forward_delay } else { br.bridge_ageing_time };
    }
    br.topology_change = val;
}

/// `__br_set_forward_delay`.
pub fn __br_set_forward_delay(br: &mut NetBridge, t: u64) {
    br.bridge_forward_delay = t;
    if br_is_root_bridge(br) {
        br.forward_delay = t;
    }
}

/// `br_set_forward_delay`: the 802.1D limits apply only while STP runs.
pub fn br_set_forward_delay(br: &mut NetBridge, val: u64) -> Result<(), Errno> {
    let t = clock_t_to_jiffies(val);
    if br.stp_enabled != BR_NO_STP && !(BR_MIN_FORWARD_DELAY..=BR_MAX_FORWARD_DELAY).contains(&t) {
        return Err(Errno::ERANGE);
    }
    __br_set_forward_delay(br, t);
    Ok(())
}
