//! Spanning tree, interface code: net/bridge/br_stp_if.c.
//!
//! Enabling and disabling the bridge and its ports, turning STP on and off,
//! and the bridge id: a bridge whose address the user did not set takes the
//! lowest address of its ports (`br_stp_recalculate_bridge_id`), and
//! 00:00:00:00:00:00 once it has none (probes/LINKS.md (b) 12).
//!
//! All of it runs under the bridge lock (`&mut NetBridge`).

use nlwire::uapi::if_::IFF_UP;
use nlwire::uapi::if_bridge::*;
use nlwire::uapi::rtnetlink::RTM_NEWLINK;

use super::br_netlink::br_ifinfo_notify;
use super::br_private::*;
use super::br_stp::*;
use crate::net::core::dev::AddrAssign;
use crate::Errno;
use nlwire::policy::ExtAck;

/// `br_make_port_id`: the priority in the top bits, the port number below.
pub fn br_make_port_id(priority: u16, port_no: u16) -> u16 {
    (priority << BR_PORT_BITS) | (port_no & ((1 << BR_PORT_BITS) - 1))
}

/// `br_init_port`.
pub fn br_init_port(br: &mut NetBridge, i: usize) {
    let p = &mut br.port_list[i];
    p.port_id = br_make_port_id(p.priority, p.port_no);
    br_become_designated_port(br, i);
    br_set_state(br, i, BR_STATE_BLOCKING);
    let p = &mut br.port_list[i];
    p.topology_change_ack = 0;
    p.config_pending = 0;
}

/// Whether a port device can carry traffic: `netif_running && netif_oper_up`.
pub fn port_dev_up(p: &NetBridgePort) -> bool {
    let st = p.dev.st.lock();
    st.running && st.oper_up()
}

/// `br_stp_enable_bridge`: the bridge came up (`br_dev_open`): garbage
/// collection starts, and every port whose device is up and has a link is
/// enabled.
pub fn br_stp_enable_bridge(br: &mut NetBridge) {
    if br.stp_enabled == BR_KERNEL_STP {
        let hello = br.hello_time;
        br.hello_timer.arm(hello);
    }
    br.gc_work_pending = true;
    br_config_bpdu_generation(br);
    for i in br.port_indexes() {
        if port_dev_up(&br.port_list[i]) {
            br_stp_enable_port(br, i);
        }
    }
}

/// `br_stp_disable_bridge`: the bridge went down (`br_dev_stop`).
pub fn br_stp_disable_bridge(br: &mut NetBridge) {
    for i in br.port_indexes() {
        if br.port_list[i].state != BR_STATE_DISABLED {
            br_stp_disable_port(br, i);
        }
    }
    __br_set_topology_change(br, 0);
    br.topology_change_detected = 0;
    br.hello_timer.del();
    br.topology_change_timer.del();
    br.tcn_timer.del();
    br.gc_work_pending = false;
}

/// `br_stp_enable_port`.
pub fn br_stp_enable_port(br: &mut NetBridge, i: usize) {
    br_init_port(br, i);
    br_port_state_selection(br);
    br_ifinfo_notify(RTM_NEWLINK, br, Some(i));
}

/// `br_stp_disable_port`.
pub fn br_stp_disable_port(br: &mut NetBridge, i: usize) {
    let wasroot = br_is_root_bridge(br);
    br_become_designated_port(br, i);
    br_set_state(br, i, BR_STATE_DISABLED);
    {
        let p = &mut br.port_list[i];
        p.topology_change_ack = 0;
        p.config_pending = 0;
    }
    br_ifinfo_notify(RTM_NEWLINK, br, Some(i));
    {
        let p = &mut br.port_list[i];
        p.message_age_timer.del();
        p.forward_delay_timer.del();
        p.hold_timer.del();
    }
    br_configuration_update(br);
    br_port_state_selection(br);
    if br_is_root_bridge(br) && !wasroot {
        br_become_root_bridge(br);
    }
}

/// `br_stp_start`: Linux first asks `/sbin/bridge-stp` (init_net only);
/// the simulator has no user-space STP, so this is always the kernel's
/// (what Linux does when the helper is missing, as on the probed host).
fn br_stp_start(br: &mut NetBridge) {
    if br.bridge_forward_delay < BR_MIN_FORWARD_DELAY {
        __br_set_forward_delay(br, BR_MIN_FORWARD_DELAY);
    } else if br.bridge_forward_delay > BR_MAX_FORWARD_DELAY {
        __br_set_forward_delay(br, BR_MAX_FORWARD_DELAY);
    }
    br.stp_enabled = BR_KERNEL_STP;
    // To start timers on any ports left in blocking.
    if br.br_dev().is_some_and(|d| d.st.lock().flags & IFF_UP != 0) {
        let hello = br.hello_time;
        br.hello_timer.arm(hello);
    }
    br_port_state_selection(br);
}

/// `br_stp_stop`.
fn br_stp_stop(br: &mut NetBridge) {
    if br.stp_enabled == BR_USER_STP {
        br_port_state_selection(br);
    }
    br.stp_enabled = BR_NO_STP;
}

/// `br_stp_set_enabled` (MRP, which would refuse STP, is not modelled).
pub fn br_stp_set_enabled(br: &mut NetBridge, val: u32, _extack: &mut ExtAck) -> Result<(), Errno> {
    if val != 0 {
        if br.stp_enabled == BR_NO_STP {
            br_stp_start(br);
        }
    } else if br.stp_enabled != BR_NO_STP {
        br_stp_stop(br);
    }
    Ok(())
}

/// `br_stp_change_bridge_id`: the bridge's address (and so its id) changes;
/// ports that named the old id as designated bridge or root follow.
pub fn br_stp_change_bridge_id(br: &mut NetBridge, addr: &[u8; 6]) {
    let wasroot = br_is_root_bridge(br);
    // br_fdb_change_mac_address: the forwarding database is not modelled.
    let oldaddr = br.bridge_id.addr;
    br.bridge_id.addr = *addr;
    if let Some(dev) = br.br_dev() {
        // eth_hw_addr_set
        dev.st.lock().dev_addr[..6].copy_from_slice(addr);
    }
    for i in br.port_indexes() {
        let p = &mut br.port_list[i];
        if p.designated_bridge.addr == oldaddr {
            p.designated_bridge.addr = *addr;
        }
        if p.designated_root.addr == oldaddr {
            p.designated_root.addr = *addr;
        }
    }
    br_configuration_update(br);
    br_port_state_selection(br);
    if br_is_root_bridge(br) && !wasroot {
        br_become_root_bridge(br);
    }
}

/// `br_stp_recalculate_bridge_id`: unless the user chose the address, the
/// bridge takes the lowest of its ports' addresses (zero without ports).
/// True if the address changed.
pub fn br_stp_recalculate_bridge_id(br: &mut NetBridge) -> bool {
    let set_by_user = br.br_dev().is_some_and(|d| d.st.lock().addr_assign_type == AddrAssign::Set);
    if set_by_user {
        return false;
    }
    let mut addr: Option<[u8; 6]> = None;
    for p in br.ports() {
        let mut a = [0u8; 6];
        a.copy_from_slice(&p.dev.st.lock().dev_addr[..6]);
        if addr.is_none_or(|cur| a < cur) {
            addr = Some(a);
        }
    }
    let addr = addr.unwrap_or([0; 6]);
    if br.bridge_id.addr == addr {
        return false;
    }
    br_stp_change_bridge_id(br, &addr);
    true
}

/// `br_stp_set_bridge_priority`.
pub fn br_stp_set_bridge_priority(br: &mut NetBridge, newprio: u16) {
    let wasroot = br_is_root_bridge(br);
    let prio = newprio.to_be_bytes();
    for i in br.port_indexes() {
        if br.port_list[i].state != BR_STATE_DISABLED && br_is_designated_port(br, &br.port_list[i]) {
            br.port_list[i].designated_bridge.prio = prio;
        }
    }
    br.bridge_id.prio = prio;
    br_configuration_update(br);
    br_port_state_selection(br);
    if br_is_root_bridge(br) && !wasroot {
        br_become_root_bridge(br);
    }
}

/// `br_stp_set_port_priority`.
pub fn br_stp_set_port_priority(br: &mut NetBridge, i: usize, newprio: u64) -> Result<(), Errno> {
    if newprio > BR_MAX_PORT_PRIORITY {
        return Err(Errno::ERANGE);
    }
    let new_port_id = br_make_port_id(newprio as u16, br.port_list[i].port_no);
    if br_is_designated_port(br, &br.port_list[i]) {
        br.port_list[i].designated_port = new_port_id;
    }
    let bridge_id = br.bridge_id;
    let p = &mut br.port_list[i];
    p.port_id = new_port_id;
    p.priority = newprio as u16;
    if bridge_id == p.designated_bridge && p.port_id < p.designated_port {
        br_become_designated_port(br, i);
        br_port_state_selection(br);
    }
    Ok(())
}

/// `br_stp_set_path_cost`: an administrative cost sticks (`BR_ADMIN_COST`).
pub fn br_stp_set_path_cost(br: &mut NetBridge, i: usize, path_cost: u64) -> Result<(), Errno> {
    if !(BR_MIN_PATH_COST..=BR_MAX_PATH_COST).contains(&path_cost) {
        return Err(Errno::ERANGE);
    }
    let p = &mut br.port_list[i];
    p.flags |= BR_ADMIN_COST;
    p.path_cost = path_cost as u32;
    br_configuration_update(br);
    br_port_state_selection(br);
    Ok(())
}
