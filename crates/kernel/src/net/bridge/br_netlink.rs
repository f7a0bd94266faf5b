//! The bridge's rtnetlink interface: net/bridge/br_netlink.c.
//!
//! - `br_link_ops` (kind "bridge"): `br_dev_newlink`, `br_changelink`
//!   (IFLA_INFO_DATA, the `IFLA_BR_*` attributes), `br_fill_info` /
//!   `br_get_size` (the 42 attributes of LINKINFO/INFO_DATA, in the
//!   kernel's order), and for ports `br_port_fill_slave_info` (the 39
//!   attributes of INFO_SLAVE_DATA).
//! - The AF_BRIDGE link messages: `br_fill_ifinfo` builds an RTM_NEWLINK or
//!   RTM_DELLINK of family 7 (IFNAME, MASTER, MTU, OPERSTATE, ADDRESS, LINK,
//!   then PROTINFO with the port's attributes), which `br_ifinfo_notify`
//!   sends to RTNLGRP_LINK whenever a port changes state, and which
//!   `br_getlink` puts in PF_BRIDGE dumps.
//! - `br_setlink` / `br_dellink`: PF_BRIDGE RTM_SETLINK / RTM_DELLINK with
//!   IFLA_PROTINFO (`br_setport`) or IFLA_AF_SPEC.
//!
//! The probed kernel has no VLAN filtering (no IFLA_BR_VLAN_* attributes,
//! IFLA_BR_VLAN_FILTERING is EOPNOTSUPP), so neither does this: VLAN
//! requests fail as they do there (probes/observed/p_bridge_opts.txt).

use std::sync::Arc;

use nlwire::nlattr::nla_total_size;
use nlwire::policy::{nla_parse_nested_deprecated, ExtAck, NlaPolicy, NlaType, Tb, Validation};
use nlwire::uapi::if_::IFNAMSIZ;
use nlwire::uapi::if_bridge::*;
use nlwire::uapi::if_link::*;
use nlwire::uapi::rtnetlink::*;
use nlwire::uapi::socket::AF_BRIDGE;
use nlwire::{NlMsgHdr, Nla, NlaIter};

use super::br::{br_boolopt_multi_get, br_boolopt_multi_toggle};
use super::br_device::{br_dev_setup, BR_NETDEV_OPS};
use super::br_if::{br_dev_delete, br_port_flags_change, nbp_backup_change};
use super::br_multicast::*;
use super::br_private::*;
use super::br_stp::*;
use super::br_stp_if::*;
use crate::kernel::Globals;
use crate::net::core::dev::register::{register_netdevice, unregister_netdevice_many_notify};
use crate::net::core::dev::{dev_get_by_index, NetDevice, MAX_ADDR_LEN};
use crate::net::core::rtnetlink::link_ops::{rtnl_link_register, DataTb, IflaTb, NewlinkParams, RtnlLinkOps};
use crate::net::core::rtnetlink::rtnl_notify;
use crate::net::core::skbuff::{nlmsg_new, SkBuff};
use crate::net::ethernet::eth::{eth_hw_addr_random, is_valid_ether_addr, ETH_ALEN};
use crate::Errno;

/// `VLAN_VID_MASK`.
const VLAN_VID_MASK: u16 = 0x0fff;

// --------------------------------------------------------------------------
// Sizes
// --------------------------------------------------------------------------

/// `br_get_link_af_size_filtered`: VLAN, tunnel, MST and CFM information.
/// Without VLAN filtering (and with no CFM instance) there is none.
fn br_get_link_af_size_filtered(_dev: &NetDevice, _filter_mask: u32) -> usize {
    0
}

/// `br_port_info_size`: room for a port's attributes (IFLA_PROTINFO,
/// IFLA_INFO_SLAVE_DATA).
pub fn br_port_info_size() -> usize {
    nla_total_size(1) * 18 // STATE, MODE .. PROXYARP_WIFI, VLAN_TUNNEL, NEIGH_SUPPRESS, ISOLATED, LOCKED, MAB, NEIGH_VLAN_SUPPRESS
        + nla_total_size(2) // PRIORITY
        + nla_total_size(4) // COST
        + nla_total_size(8) * 2 // ROOT_ID, BRIDGE_ID
        + nla_total_size(2) * 4 // DESIGNATED_PORT, DESIGNATED_COST, ID, NO
        + nla_total_size(1) * 2 // TOPOLOGY_CHANGE_ACK, CONFIG_PENDING
        + nla_total_size(8) * 3 // MESSAGE_AGE_TIMER, FORWARD_DELAY_TIMER, HOLD_TIMER
        + nla_total_size(1) // MULTICAST_ROUTER
        + nla_total_size(4) * 2 // MCAST_N_GROUPS, MCAST_MAX_GROUPS
        + nla_total_size(2) // GROUP_FWD_MASK
        + nla_total_size(1) * 2 // MRP_RING_OPEN, MRP_IN_OPEN
        + nla_total_size(4) * 2 // MCAST_EHT_HOSTS_LIMIT, MCAST_EHT_HOSTS_CNT
        + nla_total_size(4) // BACKUP_NHID
}

/// `br_nlmsg_size`: the allocation of an AF_BRIDGE link message.
fn br_nlmsg_size(dev: &NetDevice, filter_mask: u32) -> usize {
    nlwire::nlmsg_align(16)
        + nla_total_size(IFNAMSIZ)
        + nla_total_size(MAX_ADDR_LEN)
        + nla_total_size(4) // IFLA_MASTER
        + nla_total_size(4) // IFLA_MTU
        + nla_total_size(4) // IFLA_LINK
        + nla_total_size(1) // IFLA_OPERSTATE
        + nla_total_size(br_port_info_size())
        + nla_total_size(br_get_link_af_size_filtered(dev, filter_mask))
        + nla_total_size(4) // IFLA_BRPORT_BACKUP_PORT
}

// --------------------------------------------------------------------------
// Port attributes and AF_BRIDGE link messages
// --------------------------------------------------------------------------

/// `br_port_fill_attrs`: the port's IFLA_BRPORT_* attributes, in the
/// kernel's order (probes/LINKS.md, "Bridge port INFO_SLAVE_DATA").
fn br_port_fill_attrs(skb: &mut SkBuff, br: &NetBridge, p: &NetBridgePort) -> Result<(), Errno> {
    let flag = |f: u64| (p.flags & f != 0) as u8;
    skb.nla_put_u8(IFLA_BRPORT_STATE, p.state)?;
    skb.nla_put_u16(IFLA_BRPORT_PRIORITY, p.priority)?;
    skb.nla_put_u32(IFLA_BRPORT_COST, p.path_cost)?;
    skb.nla_put_u8(IFLA_BRPORT_MODE, flag(BR_HAIRPIN_MODE))?;
    skb.nla_put_u8(IFLA_BRPORT_GUARD, flag(BR_BPDU_GUARD))?;
    skb.nla_put_u8(IFLA_BRPORT_PROTECT, flag(BR_ROOT_BLOCK))?;
    skb.nla_put_u8(IFLA_BRPORT_FAST_LEAVE, flag(BR_MULTICAST_FAST_LEAVE))?;
    skb.nla_put_u8(IFLA_BRPORT_MCAST_TO_UCAST, flag(BR_MULTICAST_TO_UNICAST))?;
    skb.nla_put_u8(IFLA_BRPORT_LEARNING, flag(BR_LEARNING))?;
    skb.nla_put_u8(IFLA_BRPORT_UNICAST_FLOOD, flag(BR_FLOOD))?;
    skb.nla_put_u8(IFLA_BRPORT_MCAST_FLOOD, flag(BR_MCAST_FLOOD))?;
    skb.nla_put_u8(IFLA_BRPORT_BCAST_FLOOD, flag(BR_BCAST_FLOOD))?;
    skb.nla_put_u8(IFLA_BRPORT_PROXYARP, flag(BR_PROXYARP))?;
    skb.nla_put_u8(IFLA_BRPORT_PROXYARP_WIFI, flag(BR_PROXYARP_WIFI))?;
    skb.nla_put(IFLA_BRPORT_ROOT_ID, &p.designated_root.bytes())?;
    skb.nla_put(IFLA_BRPORT_BRIDGE_ID, &p.designated_bridge.bytes())?;
    skb.nla_put_u16(IFLA_BRPORT_DESIGNATED_PORT, p.designated_port)?;
    skb.nla_put_u16(IFLA_BRPORT_DESIGNATED_COST, p.designated_cost as u16)?;
    skb.nla_put_u16(IFLA_BRPORT_ID, p.port_id)?;
    skb.nla_put_u16(IFLA_BRPORT_NO, p.port_no)?;
    skb.nla_put_u8(IFLA_BRPORT_TOPOLOGY_CHANGE_ACK, p.topology_change_ack)?;
    skb.nla_put_u8(IFLA_BRPORT_CONFIG_PENDING, p.config_pending)?;
    skb.nla_put_u8(IFLA_BRPORT_VLAN_TUNNEL, flag(BR_VLAN_TUNNEL))?;
    skb.nla_put_u16(IFLA_BRPORT_GROUP_FWD_MASK, p.group_fwd_mask)?;
    skb.nla_put_u8(IFLA_BRPORT_NEIGH_SUPPRESS, flag(BR_NEIGH_SUPPRESS))?;
    skb.nla_put_u8(IFLA_BRPORT_MRP_RING_OPEN, flag(BR_MRP_LOST_CONT))?;
    skb.nla_put_u8(IFLA_BRPORT_MRP_IN_OPEN, flag(BR_MRP_LOST_IN_CONT))?;
    skb.nla_put_u8(IFLA_BRPORT_ISOLATED, flag(BR_ISOLATED))?;
    skb.nla_put_u8(IFLA_BRPORT_LOCKED, flag(BR_PORT_LOCKED))?;
    skb.nla_put_u8(IFLA_BRPORT_MAB, flag(BR_PORT_MAB))?;
    skb.nla_put_u8(IFLA_BRPORT_NEIGH_VLAN_SUPPRESS, flag(BR_NEIGH_VLAN_SUPPRESS))?;
    skb.nla_put_u64_64bit(IFLA_BRPORT_MESSAGE_AGE_TIMER, p.message_age_timer.value(), IFLA_BRPORT_PAD)?;
    skb.nla_put_u64_64bit(IFLA_BRPORT_FORWARD_DELAY_TIMER, p.forward_delay_timer.value(), IFLA_BRPORT_PAD)?;
    skb.nla_put_u64_64bit(IFLA_BRPORT_HOLD_TIMER, p.hold_timer.value(), IFLA_BRPORT_PAD)?;
    skb.nla_put_u8(IFLA_BRPORT_MULTICAST_ROUTER, p.multicast_router)?;
    skb.nla_put_u32(IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT, p.multicast_eht_hosts_limit)?;
    skb.nla_put_u32(IFLA_BRPORT_MCAST_EHT_HOSTS_CNT, p.multicast_eht_hosts_cnt)?;
    skb.nla_put_u32(IFLA_BRPORT_MCAST_N_GROUPS, p.mcast_n_groups)?;
    skb.nla_put_u32(IFLA_BRPORT_MCAST_MAX_GROUPS, p.mcast_max_groups)?;
    if let Some(backup) = p.backup_port.filter(|b| br.ports().any(|q| q.dev.ifindex() == *b)) {
        skb.nla_put_u32(IFLA_BRPORT_BACKUP_PORT, backup as u32)?;
    }
    if p.backup_nhid != 0 {
        skb.nla_put_u32(IFLA_BRPORT_BACKUP_NHID, p.backup_nhid)?;
    }
    Ok(())
}

/// `br_fill_ifinfo`: one AF_BRIDGE link message about `dev`, a port of
/// `br` (`port` given) or the bridge itself. RTM_NEWLINK of a port carries
/// IFLA_PROTINFO (with NLA_F_NESTED); RTM_DELLINK does not. IFLA_AF_SPEC is
/// opened for the VLAN/MRP/CFM/MST filters and, with none of those to
/// report, cancelled again.
#[allow(clippy::too_many_arguments)]
fn br_fill_ifinfo(
    skb: &mut SkBuff,
    br: &NetBridge,
    port: Option<&NetBridgePort>,
    dev: &NetDevice,
    pid: u32,
    seq: u32,
    event: u16,
    flags: u16,
    filter_mask: u32,
) -> Result<(), Errno> {
    let Some(nlh) = skb.nlmsg_put(pid, seq, event, 16, flags) else {
        return Err(Errno::EMSGSIZE);
    };
    let r = (|| -> Result<(), Errno> {
        let st = dev.st.lock().clone();
        let ifm = nlwire::hdr::IfInfoMsgRepr {
            family: AF_BRIDGE,
            pad: 0,
            ty: st.ty,
            index: dev.ifindex(),
            flags: st.get_flags(),
            change: 0,
        };
        ifm.emit(&mut skb.nlmsg_data_mut(nlh)[..16]);
        let operstate = if st.running { st.operstate } else { IF_OPER_DOWN };
        skb.nla_put_string(IFLA_IFNAME, &st.name)?;
        skb.nla_put_u32(IFLA_MASTER, br.ifindex() as u32)?;
        skb.nla_put_u32(IFLA_MTU, st.mtu)?;
        skb.nla_put_u8(IFLA_OPERSTATE, operstate)?;
        if st.addr_len > 0 {
            skb.nla_put(IFLA_ADDRESS, st.addr())?;
        }
        let iflink = dev.iflink();
        if dev.ifindex() != iflink {
            skb.nla_put_u32(IFLA_LINK, iflink as u32)?;
        }
        if event == RTM_NEWLINK {
            if let Some(p) = port {
                let nest = skb.nla_nest_start(IFLA_PROTINFO)?;
                br_port_fill_attrs(skb, br, p)?;
                skb.nla_nest_end(nest);
            }
        }
        let want_af = RTEXT_FILTER_BRVLAN
            | RTEXT_FILTER_BRVLAN_COMPRESSED
            | RTEXT_FILTER_MRP
            | RTEXT_FILTER_CFM_CONFIG
            | RTEXT_FILTER_CFM_STATUS
            | RTEXT_FILTER_MST;
        if filter_mask & want_af != 0 {
            // No VLAN group, no MRP or CFM instance, no MST: the nest
            // stays empty and is cancelled.
            let af = skb.nla_nest_start_noflag(IFLA_AF_SPEC)?;
            skb.nla_nest_cancel(af);
        }
        Ok(())
    })();
    match r {
        Ok(()) => {
            skb.nlmsg_end(nlh);
            Ok(())
        }
        Err(_) => {
            skb.nlmsg_cancel(nlh);
            Err(Errno::EMSGSIZE)
        }
    }
}

/// `br_info_notify`: an AF_BRIDGE link message about a port (or the bridge)
/// to RTNLGRP_LINK, pid 0, seq 0.
fn br_info_notify(event: u16, br: &NetBridge, port: Option<usize>, filter: u32) {
    let p = port.map(|i| &br.port_list[i]);
    let dev = match p {
        Some(p) => Arc::clone(&p.dev),
        None => match br.br_dev() {
            Some(d) => d,
            None => return,
        },
    };
    let Some(net) = dev.net() else { return };
    let _s = tracing::debug_span!("br_ifinfo_notify", event, dev = dev.ifindex()).entered();
    let mut skb = nlmsg_new(br_nlmsg_size(&dev, filter));
    if br_fill_ifinfo(&mut skb, br, p, &dev, 0, 0, event, 0, filter).is_err() {
        return;
    }
    rtnl_notify(skb, &net, 0, RTNLGRP_LINK, None);
}

/// `br_ifinfo_notify`: tell listeners a port (or the bridge) changed.
/// Called under the bridge lock, with the port by its index.
pub fn br_ifinfo_notify(event: u16, br: &NetBridge, port: Option<usize>) {
    br_info_notify(event, br, port, RTEXT_FILTER_BRVLAN_COMPRESSED);
}

/// `br_getlink` (`ndo_bridge_getlink`): the AF_BRIDGE RTM_NEWLINK of a port
/// for a PF_BRIDGE dump; the bridge itself only answers VLAN/MRP/CFM filters.
pub fn br_getlink(
    skb: &mut SkBuff,
    pid: u32,
    seq: u32,
    dev: &NetDevice,
    filter_mask: u32,
    nlflags: u16,
) -> Result<(), Errno> {
    let wants_bridge = filter_mask
        & (RTEXT_FILTER_BRVLAN
            | RTEXT_FILTER_BRVLAN_COMPRESSED
            | RTEXT_FILTER_MRP
            | RTEXT_FILTER_CFM_CONFIG
            | RTEXT_FILTER_CFM_STATUS)
        != 0;
    let (brp, is_port) = match br_port_get_rtnl(dev) {
        Some((_, brp)) => (brp, true),
        None if wants_bridge => match br_priv(dev) {
            Some(brp) => (brp, false),
            None => return Ok(()),
        },
        None => return Ok(()),
    };
    let br = brp.lock();
    let port = if is_port { br.port_index(dev).map(|i| &br.port_list[i]) } else { None };
    br_fill_ifinfo(skb, &br, port, dev, pid, seq, RTM_NEWLINK, nlflags, filter_mask)
}

/// `bridge_nlmsg_size` (net/core/rtnetlink.c): what `rtnl_bridge_notify` allocates.
pub fn bridge_nlmsg_size() -> usize {
    nlwire::nlmsg_align(16)
        + nla_total_size(IFNAMSIZ)
        + nla_total_size(MAX_ADDR_LEN)
        + nla_total_size(4) * 4
        + nla_total_size(1)
        + nla_total_size(4)
        + nla_total_size(2) * 2
}

// --------------------------------------------------------------------------
// IFLA_AF_SPEC of PF_BRIDGE requests
// --------------------------------------------------------------------------

/// `br_vlan_valid_id`.
fn br_vlan_valid_id(vid: u16, extack: &mut ExtAck) -> bool {
    let valid = vid > 0 && vid < VLAN_VID_MASK;
    if !valid {
        extack.set_msg("bridge: Vlan id is invalid");
    }
    valid
}

/// `br_vlan_valid_range`.
fn br_vlan_valid_range(cur: (u16, u16), last: Option<(u16, u16)>, extack: &mut ExtAck) -> bool {
    let (vid, flags) = cur;
    if flags & BRIDGE_VLAN_INFO_PVID != 0 {
        extack.set_msg("bridge: Pvid isn't allowed in a range");
        return false;
    }
    if let Some((last_vid, _)) = last {
        if flags & BRIDGE_VLAN_INFO_RANGE_BEGIN != 0 {
            extack.set_msg("bridge: Found a new vlan range start while processing one");
            return false;
        } else if flags & BRIDGE_VLAN_INFO_RANGE_END == 0 {
            extack.set_msg("bridge: Vlan range end flag is missing");
            return false;
        } else if vid <= last_vid {
            extack.set_msg("bridge: End vlan id is less than or equal to start vlan id");
            return false;
        }
    }
    true
}

/// `br_vlan_info`: without VLAN filtering, adding a VLAN is EOPNOTSUPP
/// (`nbp_vlan_add` / `br_vlan_add` stubs) and deleting one changes nothing.
fn br_vlan_info(cmd: u16, _flags: u16) -> Result<bool, Errno> {
    match cmd {
        RTM_SETLINK => Err(Errno::EOPNOTSUPP),
        _ => Ok(false),
    }
}

/// `br_process_vlan_info`: one IFLA_BRIDGE_VLAN_INFO, possibly the start or
/// end of a range.
fn br_process_vlan_info(
    cmd: u16,
    cur: (u16, u16),
    last: &mut Option<(u16, u16)>,
    changed: &mut bool,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    if !br_vlan_valid_id(cur.0, extack) {
        return Err(Errno::EINVAL);
    }
    if cur.1 & BRIDGE_VLAN_INFO_RANGE_BEGIN != 0 {
        if !br_vlan_valid_range(cur, *last, extack) {
            return Err(Errno::EINVAL);
        }
        *last = Some(cur);
        return Ok(());
    }
    if let Some((first, flags)) = *last {
        if !br_vlan_valid_range(cur, *last, extack) {
            return Err(Errno::EINVAL);
        }
        *last = None;
        for _vid in first..=cur.0 {
            if br_vlan_info(cmd, flags)? {
                *changed = true;
            }
        }
        return Ok(());
    }
    if br_vlan_info(cmd, cur.1)? {
        *changed = true;
    }
    Ok(())
}

/// `br_afspec`: IFLA_AF_SPEC of a PF_BRIDGE SETLINK/DELLINK.
fn br_afspec(
    port: Option<u64>,
    af_spec: &Nla<&[u8]>,
    cmd: u16,
    changed: &mut bool,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    let mut last = None;
    for attr in NlaIter::new(af_spec.payload_ref()) {
        match attr.nla_type() {
            IFLA_BRIDGE_VLAN_TUNNEL_INFO => {
                if port.is_none_or(|flags| flags & BR_VLAN_TUNNEL == 0) {
                    return Err(Errno::EINVAL);
                }
                // VLAN tunnels need VLAN filtering.
                return Err(Errno::EOPNOTSUPP);
            }
            IFLA_BRIDGE_VLAN_INFO => {
                let d = attr.payload();
                if d.len() != 4 {
                    return Err(Errno::EINVAL);
                }
                let vid = u16::from_ne_bytes([d[2], d[3]]);
                let flags = u16::from_ne_bytes([d[0], d[1]]);
                br_process_vlan_info(cmd, (vid, flags), &mut last, changed, extack)?;
            }
            IFLA_BRIDGE_MRP | IFLA_BRIDGE_CFM => return Err(Errno::EOPNOTSUPP),
            IFLA_BRIDGE_MST => {
                if port.is_none() {
                    extack.set_msg("MST states can only be set on bridge ports");
                    return Err(Errno::EINVAL);
                }
                if cmd != RTM_SETLINK {
                    extack.set_msg("MST states can only be set through RTM_SETLINK");
                    return Err(Errno::EINVAL);
                }
                return Err(Errno::EOPNOTSUPP);
            }
            _ => {}
        }
    }
    Ok(())
}

// --------------------------------------------------------------------------
// Port settings
// --------------------------------------------------------------------------

/// `br_port_policy`.
pub static BR_PORT_POLICY: [NlaPolicy; IFLA_BRPORT_MAX as usize + 1] = {
    let mut p = [NlaPolicy::UNSPEC; IFLA_BRPORT_MAX as usize + 1];
    p[IFLA_BRPORT_UNSPEC as usize] = NlaPolicy::UNSPEC.strict_start(IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT + 1);
    p[IFLA_BRPORT_STATE as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BRPORT_COST as usize] = NlaPolicy::of(NlaType::U32);
    p[IFLA_BRPORT_PRIORITY as usize] = NlaPolicy::of(NlaType::U16);
    p[IFLA_BRPORT_MODE as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BRPORT_GUARD as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BRPORT_PROTECT as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BRPORT_FAST_LEAVE as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BRPORT_LEARNING as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BRPORT_UNICAST_FLOOD as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BRPORT_PROXYARP as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BRPORT_PROXYARP_WIFI as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BRPORT_MULTICAST_ROUTER as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BRPORT_MCAST_TO_UCAST as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BRPORT_MCAST_FLOOD as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BRPORT_BCAST_FLOOD as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BRPORT_VLAN_TUNNEL as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BRPORT_GROUP_FWD_MASK as usize] = NlaPolicy::of(NlaType::U16);
    p[IFLA_BRPORT_NEIGH_SUPPRESS as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BRPORT_ISOLATED as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BRPORT_LOCKED as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BRPORT_MAB as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BRPORT_BACKUP_PORT as usize] = NlaPolicy::of(NlaType::U32);
    p[IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT as usize] = NlaPolicy::of(NlaType::U32);
    p[IFLA_BRPORT_MCAST_N_GROUPS as usize] = NlaPolicy::reject(None);
    p[IFLA_BRPORT_MCAST_MAX_GROUPS as usize] = NlaPolicy::of(NlaType::U32);
    p[IFLA_BRPORT_NEIGH_VLAN_SUPPRESS as usize] = NlaPolicy::of(NlaType::U8).max(1);
    p[IFLA_BRPORT_BACKUP_NHID as usize] = NlaPolicy::of(NlaType::U32);
    p
};

/// A parsed IFLA_PROTINFO / IFLA_INFO_SLAVE_DATA.
pub type BrportTb<'a> = Tb<'a, { IFLA_BRPORT_MAX as usize + 1 }>;

/// `br_set_port_state`: only while the port is up (and has a link, unless
/// it is being disabled), and never under kernel STP.
fn br_set_port_state(br: &mut NetBridge, i: usize, state: u8) -> Result<(), Errno> {
    if state > BR_STATE_BLOCKING {
        return Err(Errno::EINVAL);
    }
    if br.stp_enabled == BR_KERNEL_STP {
        return Err(Errno::EBUSY);
    }
    let (running, oper_up) = {
        let st = br.port_list[i].dev.st.lock();
        (st.running, st.oper_up())
    };
    if !running || (!oper_up && state != BR_STATE_DISABLED) {
        return Err(Errno::ENETDOWN);
    }
    br_set_state(br, i, state);
    br_port_state_selection(br);
    Ok(())
}

/// `br_set_port_flag`.
fn br_set_port_flag(p: &mut NetBridgePort, tb: &BrportTb<'_>, attrtype: u16, mask: u64) {
    if let Some(a) = tb.get(attrtype) {
        if a.get_u8() != 0 {
            p.flags |= mask;
        } else {
            p.flags &= !mask;
        }
    }
}

/// `br_setport`: apply a port's IFLA_BRPORT_* attributes. Changes made
/// before a failing attribute stay, as in Linux. Returns the flags that
/// changed, for `br_port_flags_change` (run by the caller once the bridge
/// lock is dropped).
fn br_setport(br: &mut NetBridge, i: usize, tb: &BrportTb<'_>, extack: &mut ExtAck) -> (u64, Result<(), Errno>) {
    let old_flags = br.port_list[i].flags;
    {
        let p = &mut br.port_list[i];
        br_set_port_flag(p, tb, IFLA_BRPORT_MODE, BR_HAIRPIN_MODE);
        br_set_port_flag(p, tb, IFLA_BRPORT_GUARD, BR_BPDU_GUARD);
        br_set_port_flag(p, tb, IFLA_BRPORT_FAST_LEAVE, BR_MULTICAST_FAST_LEAVE);
        br_set_port_flag(p, tb, IFLA_BRPORT_PROTECT, BR_ROOT_BLOCK);
        br_set_port_flag(p, tb, IFLA_BRPORT_LEARNING, BR_LEARNING);
        br_set_port_flag(p, tb, IFLA_BRPORT_UNICAST_FLOOD, BR_FLOOD);
        br_set_port_flag(p, tb, IFLA_BRPORT_MCAST_FLOOD, BR_MCAST_FLOOD);
        br_set_port_flag(p, tb, IFLA_BRPORT_MCAST_TO_UCAST, BR_MULTICAST_TO_UNICAST);
        br_set_port_flag(p, tb, IFLA_BRPORT_BCAST_FLOOD, BR_BCAST_FLOOD);
        br_set_port_flag(p, tb, IFLA_BRPORT_PROXYARP, BR_PROXYARP);
        br_set_port_flag(p, tb, IFLA_BRPORT_PROXYARP_WIFI, BR_PROXYARP_WIFI);
        br_set_port_flag(p, tb, IFLA_BRPORT_VLAN_TUNNEL, BR_VLAN_TUNNEL);
        br_set_port_flag(p, tb, IFLA_BRPORT_NEIGH_SUPPRESS, BR_NEIGH_SUPPRESS);
        br_set_port_flag(p, tb, IFLA_BRPORT_ISOLATED, BR_ISOLATED);
        br_set_port_flag(p, tb, IFLA_BRPORT_LOCKED, BR_PORT_LOCKED);
        br_set_port_flag(p, tb, IFLA_BRPORT_MAB, BR_PORT_MAB);
        br_set_port_flag(p, tb, IFLA_BRPORT_NEIGH_VLAN_SUPPRESS, BR_NEIGH_VLAN_SUPPRESS);
        if p.flags & BR_PORT_MAB != 0 && (p.flags & BR_PORT_LOCKED == 0 || p.flags & BR_LEARNING == 0) {
            extack.set_msg("Bridge port must be locked and have learning enabled when MAB is enabled");
            p.flags = old_flags;
            return (0, Err(Errno::EINVAL));
        }
        // Clearing MAB flushes the locked FDB entries: no FDB is modelled.
    }
    let changed_mask = old_flags ^ br.port_list[i].flags;
    let r = (|| {
        if let Some(a) = tb.get(IFLA_BRPORT_COST) {
            br_stp_set_path_cost(br, i, a.get_u32() as u64)?;
        }
        if let Some(a) = tb.get(IFLA_BRPORT_PRIORITY) {
            br_stp_set_port_priority(br, i, a.get_u16() as u64)?;
        }
        if let Some(a) = tb.get(IFLA_BRPORT_STATE) {
            br_set_port_state(br, i, a.get_u8())?;
        }
        // IFLA_BRPORT_FLUSH: br_fdb_delete_by_port, no FDB is modelled.
        if let Some(a) = tb.get(IFLA_BRPORT_MULTICAST_ROUTER) {
            br_multicast_set_port_router(&mut br.port_list[i], a.get_u8())?;
        }
        if let Some(a) = tb.get(IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT) {
            br_multicast_eht_set_hosts_limit(&mut br.port_list[i], a.get_u32())?;
        }
        if let Some(a) = tb.get(IFLA_BRPORT_MCAST_MAX_GROUPS) {
            br.port_list[i].mcast_max_groups = a.get_u32();
        }
        if let Some(a) = tb.get(IFLA_BRPORT_GROUP_FWD_MASK) {
            let fwd_mask = a.get_u16();
            if fwd_mask & BR_GROUPFWD_MACPAUSE != 0 {
                return Err(Errno::EINVAL);
            }
            br.port_list[i].group_fwd_mask = fwd_mask;
        }
        if let Some(a) = tb.get(IFLA_BRPORT_BACKUP_PORT) {
            let backup_ifindex = a.get_u32() as i32;
            let backup_dev = if backup_ifindex != 0 {
                let net = br.port_list[i].dev.net().ok_or(Errno::ENOENT)?;
                Some(dev_get_by_index(&net, backup_ifindex).ok_or(Errno::ENOENT)?)
            } else {
                None
            };
            nbp_backup_change(br, i, backup_dev.as_deref())?;
        }
        if let Some(a) = tb.get(IFLA_BRPORT_BACKUP_NHID) {
            br.port_list[i].backup_nhid = a.get_u32();
        }
        Ok(())
    })();
    (changed_mask, r)
}

/// The first attribute of type `ty` after a message's ifinfomsg (`nlmsg_find_attr`).
pub fn nlmsg_find_attr(msg: &[u8], ty: u16) -> Option<Nla<&[u8]>> {
    let len = NlMsgHdr::new_checked(msg).map(|h| h.nlmsg_len() as usize).unwrap_or(0).min(msg.len());
    NlaIter::new(nlwire::policy::nlmsg_attrdata(&msg[..len], 16)).find(|a| a.nla_type() == ty)
}

/// `br_setlink` (`ndo_bridge_setlink`): PF_BRIDGE RTM_SETLINK for a port
/// (IFLA_PROTINFO: nested port attributes, or the old single state byte)
/// or the bridge (IFLA_AF_SPEC). A change is announced with an AF_BRIDGE
/// RTM_NEWLINK, even if IFLA_AF_SPEC then fails.
pub fn br_setlink(dev: &NetDevice, msg: &[u8], _flags: u16, extack: &mut ExtAck) -> Result<(), Errno> {
    let protinfo = nlmsg_find_attr(msg, IFLA_PROTINFO);
    let afspec = nlmsg_find_attr(msg, IFLA_AF_SPEC);
    if protinfo.is_none() && afspec.is_none() {
        return Ok(());
    }
    let port = br_port_get_rtnl(dev).map(|(_, brp)| brp);
    let brp = match (&port, &afspec) {
        (Some(brp), _) => Arc::clone(brp),
        (None, None) => return Err(Errno::EINVAL),
        (None, Some(_)) => match br_priv(dev) {
            Some(brp) => brp,
            // Not a bridge either: what the kernel's netdev_priv would hold
            // is meaningless; only IFLA_AF_SPEC checks remain.
            None => {
                let mut changed = false;
                let af = afspec.as_ref().ok_or(Errno::EINVAL)?;
                return br_afspec(None, af, RTM_SETLINK, &mut changed, extack);
            }
        },
    };
    let mut changed = false;
    let mut flags_changed = 0;
    let mut err = Ok(());
    {
        let mut br = brp.lock();
        let i = if port.is_some() { br.port_index(dev) } else { None };
        if let (Some(i), Some(protinfo)) = (i, &protinfo) {
            let r = if protinfo.is_nested() {
                match nla_parse_nested_deprecated::<{ IFLA_BRPORT_MAX as usize + 1 }>(
                    protinfo,
                    Some(&BR_PORT_POLICY),
                    &mut ExtAck::default(),
                ) {
                    Ok(tb) => {
                        let (mask, r) = br_setport(&mut br, i, &tb, extack);
                        flags_changed = mask;
                        r
                    }
                    Err(e) => Err(e),
                }
            } else if protinfo.payload().is_empty() {
                // Binary compatibility with old RSTP.
                Err(Errno::EINVAL)
            } else {
                br_set_port_state(&mut br, i, protinfo.get_u8())
            };
            match r {
                Ok(()) => changed = true,
                Err(e) => err = Err(e),
            }
        }
        if err.is_ok() {
            if let Some(af) = &afspec {
                let pflags = i.map(|i| br.port_list[i].flags);
                err = br_afspec(pflags, af, RTM_SETLINK, &mut changed, extack);
            }
            if changed {
                br_ifinfo_notify(RTM_NEWLINK, &br, i);
            }
        }
    }
    if flags_changed != 0 {
        br_port_flags_change(&brp, flags_changed);
    }
    err
}

/// `br_dellink` (`ndo_bridge_dellink`): PF_BRIDGE RTM_DELLINK, only
/// IFLA_AF_SPEC matters.
pub fn br_dellink(dev: &NetDevice, msg: &[u8], _flags: u16) -> Result<(), Errno> {
    let Some(afspec) = nlmsg_find_attr(msg, IFLA_AF_SPEC) else {
        return Ok(());
    };
    let (brp, is_port) = match br_port_get_rtnl(dev) {
        Some((_, brp)) => (brp, true),
        None => (br_priv(dev).ok_or(Errno::EINVAL)?, false),
    };
    let br = brp.lock();
    let i = if is_port { br.port_index(dev) } else { None };
    let mut changed = false;
    let err = br_afspec(i.map(|i| br.port_list[i].flags), &afspec, RTM_DELLINK, &mut changed, &mut ExtAck::default());
    if changed {
        // Userspace expects RTM_NEWLINK for VLAN deletions.
        br_ifinfo_notify(RTM_NEWLINK, &br, i);
    }
    err
}

// --------------------------------------------------------------------------
// rtnl_link_ops
// --------------------------------------------------------------------------

/// `br_validate`: an address must be a valid unicast Ethernet address.
/// (The VLAN checks need CONFIG_BRIDGE_VLAN_FILTERING.)
fn br_validate(tb: &IflaTb<'_>, _data: Option<&DataTb<'_>>, _extack: &mut ExtAck) -> Result<(), Errno> {
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

/// `br_port_slave_changelink`: IFLA_INFO_SLAVE_DATA of RTM_NEWLINK on a
/// port (`ip link set dev X type bridge_slave ...`). Ready for rtnetlink's
/// `slave_changelink` hook, which the simulated `rtnl_changelink` does not
/// call yet (it answers EOPNOTSUPP); PF_BRIDGE RTM_SETLINK with
/// IFLA_PROTINFO reaches the same `br_setport`.
pub fn br_port_slave_changelink(
    brdev: &Arc<NetDevice>,
    dev: &Arc<NetDevice>,
    data: Option<&BrportTb<'_>>,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    let Some(data) = data else { return Ok(()) };
    let brp = br_priv(brdev).ok_or(Errno::EINVAL)?;
    let (mask, r) = {
        let mut br = brp.lock();
        let i = br.port_index(dev).ok_or(Errno::EINVAL)?;
        br_setport(&mut br, i, data, extack)
    };
    if mask != 0 {
        br_port_flags_change(&brp, mask);
    }
    r
}

/// `br_port_fill_slave_info`: INFO_SLAVE_DATA of a port's RTM_NEWLINK.
fn br_port_fill_slave_info(skb: &mut SkBuff, brdev: &NetDevice, dev: &NetDevice) -> Result<(), Errno> {
    let Some(brp) = br_priv(brdev) else { return Ok(()) };
    let br = brp.lock();
    match br.port_index(dev) {
        Some(i) => br_port_fill_attrs(skb, &br, &br.port_list[i]),
        None => Ok(()),
    }
}

/// `br_port_get_slave_size`.
fn br_port_get_slave_size(_brdev: &NetDevice, _dev: &NetDevice) -> usize {
    br_port_info_size()
}

/// `NLA_POLICY_EXACT_LEN(len)`: a binary attribute of exactly `len` bytes
/// (over-long ones only warn under the deprecated parsers).
const fn exact_len(len: i128) -> NlaPolicy {
    let mut p = NlaPolicy::of(NlaType::Binary);
    p.validation = Validation::RangeWarnTooLong { min: len, max: len };
    p
}

/// `br_policy`.
pub static BR_POLICY: [NlaPolicy; IFLA_BR_MAX as usize + 1] = {
    let mut p = [NlaPolicy::UNSPEC; IFLA_BR_MAX as usize + 1];
    p[IFLA_BR_UNSPEC as usize] = NlaPolicy::UNSPEC.strict_start(IFLA_BR_FDB_N_LEARNED);
    p[IFLA_BR_FORWARD_DELAY as usize] = NlaPolicy::of(NlaType::U32);
    p[IFLA_BR_HELLO_TIME as usize] = NlaPolicy::of(NlaType::U32);
    p[IFLA_BR_MAX_AGE as usize] = NlaPolicy::of(NlaType::U32);
    p[IFLA_BR_AGEING_TIME as usize] = NlaPolicy::of(NlaType::U32);
    p[IFLA_BR_STP_STATE as usize] = NlaPolicy::of(NlaType::U32);
    p[IFLA_BR_PRIORITY as usize] = NlaPolicy::of(NlaType::U16);
    p[IFLA_BR_VLAN_FILTERING as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BR_VLAN_PROTOCOL as usize] = NlaPolicy::of(NlaType::U16);
    p[IFLA_BR_GROUP_FWD_MASK as usize] = NlaPolicy::of(NlaType::U16);
    p[IFLA_BR_GROUP_ADDR as usize] = NlaPolicy::of(NlaType::Binary).with_len(ETH_ALEN as u16);
    p[IFLA_BR_MCAST_ROUTER as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BR_MCAST_SNOOPING as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BR_MCAST_QUERY_USE_IFADDR as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BR_MCAST_QUERIER as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BR_MCAST_HASH_ELASTICITY as usize] = NlaPolicy::of(NlaType::U32);
    p[IFLA_BR_MCAST_HASH_MAX as usize] = NlaPolicy::of(NlaType::U32);
    p[IFLA_BR_MCAST_LAST_MEMBER_CNT as usize] = NlaPolicy::of(NlaType::U32);
    p[IFLA_BR_MCAST_STARTUP_QUERY_CNT as usize] = NlaPolicy::of(NlaType::U32);
    p[IFLA_BR_MCAST_LAST_MEMBER_INTVL as usize] = NlaPolicy::of(NlaType::U64);
    p[IFLA_BR_MCAST_MEMBERSHIP_INTVL as usize] = NlaPolicy::of(NlaType::U64);
    p[IFLA_BR_MCAST_QUERIER_INTVL as usize] = NlaPolicy::of(NlaType::U64);
    p[IFLA_BR_MCAST_QUERY_INTVL as usize] = NlaPolicy::of(NlaType::U64);
    p[IFLA_BR_MCAST_QUERY_RESPONSE_INTVL as usize] = NlaPolicy::of(NlaType::U64);
    p[IFLA_BR_MCAST_STARTUP_QUERY_INTVL as usize] = NlaPolicy::of(NlaType::U64);
    p[IFLA_BR_NF_CALL_IPTABLES as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BR_NF_CALL_IP6TABLES as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BR_NF_CALL_ARPTABLES as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BR_VLAN_DEFAULT_PVID as usize] = NlaPolicy::of(NlaType::U16);
    p[IFLA_BR_VLAN_STATS_ENABLED as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BR_MCAST_STATS_ENABLED as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BR_MCAST_IGMP_VERSION as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BR_MCAST_MLD_VERSION as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BR_VLAN_STATS_PER_PORT as usize] = NlaPolicy::of(NlaType::U8);
    p[IFLA_BR_MULTI_BOOLOPT as usize] = exact_len(8);
    p[IFLA_BR_FDB_N_LEARNED as usize] = NlaPolicy::reject(None);
    p[IFLA_BR_FDB_MAX_LEARNED as usize] = NlaPolicy::of(NlaType::U32);
    p
};

/// `is_link_local_ether_addr`: 01:80:c2:00:00:0X.
fn is_link_local_ether_addr(a: &[u8; 6]) -> bool {
    a[..5] == [0x01, 0x80, 0xc2, 0x00, 0x00] && a[5] & 0xf0 == 0
}

/// `br_recalculate_fwd_mask`: the group addresses the bridge must forward.
fn br_recalculate_fwd_mask(br: &mut NetBridge) {
    br.group_fwd_mask_required = if br.stp_enabled == BR_NO_STP && !br_opt_get(br, BROPT_GROUP_ADDR_SET) {
        BR_GROUPFWD_DEFAULT
    } else {
        BR_GROUPFWD_STP
    };
}

/// `br_changelink`: IFLA_INFO_DATA, attribute by attribute in the kernel's
/// order; the first failure stops, keeping what was already applied.
fn br_changelink(
    brdev: &Arc<NetDevice>,
    _tb: &IflaTb<'_>,
    data: Option<&DataTb<'_>>,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    let Some(data) = data else { return Ok(()) };
    let brp = br_priv(brdev).ok_or(Errno::EINVAL)?;
    let mut br = brp.lock();
    let br = &mut *br;
    if let Some(a) = data.get(IFLA_BR_FORWARD_DELAY) {
        br_set_forward_delay(br, a.get_u32() as u64)?;
    }
    if let Some(a) = data.get(IFLA_BR_HELLO_TIME) {
        br_set_hello_time(br, a.get_u32() as u64)?;
    }
    if let Some(a) = data.get(IFLA_BR_MAX_AGE) {
        br_set_max_age(br, a.get_u32() as u64)?;
    }
    if let Some(a) = data.get(IFLA_BR_AGEING_TIME) {
        br_set_ageing_time(br, a.get_u32() as u64);
    }
    if let Some(a) = data.get(IFLA_BR_STP_STATE) {
        br_stp_set_enabled(br, a.get_u32(), extack)?;
    }
    if let Some(a) = data.get(IFLA_BR_PRIORITY) {
        br_stp_set_bridge_priority(br, a.get_u16());
    }
    if data.has(IFLA_BR_VLAN_FILTERING) {
        // br_vlan_filter_toggle without CONFIG_BRIDGE_VLAN_FILTERING.
        return Err(Errno::EOPNOTSUPP);
    }
    if let Some(a) = data.get(IFLA_BR_GROUP_FWD_MASK) {
        let fwd_mask = a.get_u16();
        if fwd_mask & BR_GROUPFWD_RESTRICTED != 0 {
            return Err(Errno::EINVAL);
        }
        br.group_fwd_mask = fwd_mask;
    }
    if let Some(a) = data.get(IFLA_BR_GROUP_ADDR) {
        let Ok(new_addr) = <[u8; 6]>::try_from(a.payload()) else {
            return Err(Errno::EINVAL);
        };
        if !is_link_local_ether_addr(&new_addr) {
            return Err(Errno::EINVAL);
        }
        // 802.3x Pause, 802.3ad Slow protocols, 802.1X PAE.
        if matches!(new_addr[5], 1..=3) {
            return Err(Errno::EINVAL);
        }
        br.group_addr = new_addr;
        br_opt_toggle(br, BROPT_GROUP_ADDR_SET, true);
        br_recalculate_fwd_mask(br);
    }
    // IFLA_BR_FDB_FLUSH: no FDB is modelled.
    if let Some(a) = data.get(IFLA_BR_MCAST_ROUTER) {
        br_multicast_set_router(br, a.get_u8())?;
    }
    if let Some(a) = data.get(IFLA_BR_MCAST_SNOOPING) {
        br_multicast_toggle(br, a.get_u8(), extack)?;
    }
    if let Some(a) = data.get(IFLA_BR_MCAST_QUERY_USE_IFADDR) {
        br_opt_toggle(br, BROPT_MULTICAST_QUERY_USE_IFADDR, a.get_u8() != 0);
    }
    if let Some(a) = data.get(IFLA_BR_MCAST_QUERIER) {
        br_multicast_set_querier(br, a.get_u8());
    }
    // IFLA_BR_MCAST_HASH_ELASTICITY only earns a warning: it is always RHT_ELASTICITY.
    if let Some(a) = data.get(IFLA_BR_MCAST_HASH_MAX) {
        br.hash_max = a.get_u32();
    }
    if let Some(a) = data.get(IFLA_BR_MCAST_LAST_MEMBER_CNT) {
        br.multicast_ctx.multicast_last_member_count = a.get_u32();
    }
    if let Some(a) = data.get(IFLA_BR_MCAST_STARTUP_QUERY_CNT) {
        br.multicast_ctx.multicast_startup_query_count = a.get_u32();
    }
    if let Some(a) = data.get(IFLA_BR_MCAST_LAST_MEMBER_INTVL) {
        br.multicast_ctx.multicast_last_member_interval = clock_t_to_jiffies(a.get_u64());
    }
    if let Some(a) = data.get(IFLA_BR_MCAST_MEMBERSHIP_INTVL) {
        br.multicast_ctx.multicast_membership_interval = clock_t_to_jiffies(a.get_u64());
    }
    if let Some(a) = data.get(IFLA_BR_MCAST_QUERIER_INTVL) {
        br.multicast_ctx.multicast_querier_interval = clock_t_to_jiffies(a.get_u64());
    }
    if let Some(a) = data.get(IFLA_BR_MCAST_QUERY_INTVL) {
        br_multicast_set_query_intvl(br, a.get_u64());
    }
    if let Some(a) = data.get(IFLA_BR_MCAST_QUERY_RESPONSE_INTVL) {
        br.multicast_ctx.multicast_query_response_interval = clock_t_to_jiffies(a.get_u64());
    }
    if let Some(a) = data.get(IFLA_BR_MCAST_STARTUP_QUERY_INTVL) {
        br_multicast_set_startup_query_intvl(br, a.get_u64());
    }
    if let Some(a) = data.get(IFLA_BR_MCAST_STATS_ENABLED) {
        br_opt_toggle(br, BROPT_MULTICAST_STATS_ENABLED, a.get_u8() != 0);
    }
    if let Some(a) = data.get(IFLA_BR_MCAST_IGMP_VERSION) {
        br_multicast_set_igmp_version(br, a.get_u8())?;
    }
    if let Some(a) = data.get(IFLA_BR_MCAST_MLD_VERSION) {
        br_multicast_set_mld_version(br, a.get_u8())?;
    }
    for (ty, opt) in [
        (IFLA_BR_NF_CALL_IPTABLES, BROPT_NF_CALL_IPTABLES),
        (IFLA_BR_NF_CALL_IP6TABLES, BROPT_NF_CALL_IP6TABLES),
        (IFLA_BR_NF_CALL_ARPTABLES, BROPT_NF_CALL_ARPTABLES),
    ] {
        if let Some(a) = data.get(ty) {
            br_opt_toggle(br, opt, a.get_u8() != 0);
        }
    }
    if let Some(a) = data.get(IFLA_BR_MULTI_BOOLOPT) {
        let d = a.payload();
        let optval = u32::from_ne_bytes([d[0], d[1], d[2], d[3]]);
        let optmask = u32::from_ne_bytes([d[4], d[5], d[6], d[7]]);
        br_boolopt_multi_toggle(br, optval, optmask, extack)?;
    }
    if let Some(a) = data.get(IFLA_BR_FDB_MAX_LEARNED) {
        br.fdb_max_learned = a.get_u32();
    }
    Ok(())
}

/// `br_dev_newlink`: register the bridge, take the requested address as
/// the bridge id (which also drops the carrier: no port forwards), then
/// apply IFLA_INFO_DATA; if that fails the bridge goes again.
fn br_dev_newlink(dev: &Arc<NetDevice>, params: &NewlinkParams<'_>, extack: &mut ExtAck) -> Result<(), Errno> {
    let brp = br_priv(dev).ok_or(Errno::EINVAL)?;
    brp.lock().dev = Arc::downgrade(dev);
    let tb = params.tb;
    if !tb.has(IFLA_ADDRESS) {
        // br_dev_setup's eth_hw_addr_random.
        eth_hw_addr_random(dev);
    }
    register_netdevice(dev)?;
    if let Some(a) = tb.get(IFLA_ADDRESS) {
        let mut addr = [0u8; 6];
        addr.copy_from_slice(&a.payload()[..6]);
        br_stp_change_bridge_id(&mut brp.lock(), &addr);
    }
    if let Err(e) = br_changelink(dev, tb, params.data, extack) {
        let mut list = Vec::new();
        br_dev_delete(dev, &mut list);
        unregister_netdevice_many_notify(&list, 0, None);
        return Err(e);
    }
    Ok(())
}

/// `br_get_size`: room for INFO_DATA (with IGMP snooping, IPv6 and bridge
/// netfilter compiled in, VLAN filtering not).
fn br_get_size(_brdev: &NetDevice) -> usize {
    nla_total_size(4) * 5 // FORWARD_DELAY, HELLO_TIME, MAX_AGE, AGEING_TIME, STP_STATE
        + nla_total_size(2) // PRIORITY
        + nla_total_size(1) // VLAN_FILTERING
        + nla_total_size(2) // GROUP_FWD_MASK
        + nla_total_size(8) * 2 // ROOT_ID, BRIDGE_ID
        + nla_total_size(2) // ROOT_PORT
        + nla_total_size(4) // ROOT_PATH_COST
        + nla_total_size(1) * 2 // TOPOLOGY_CHANGE, TOPOLOGY_CHANGE_DETECTED
        + nla_total_size(8) * 4 // HELLO_TIMER, TCN_TIMER, TOPOLOGY_CHANGE_TIMER, GC_TIMER
        + nla_total_size(ETH_ALEN as usize) // GROUP_ADDR
        + nla_total_size(4) * 2 // FDB_N_LEARNED, FDB_MAX_LEARNED
        + nla_total_size(1) * 5 // MCAST_ROUTER .. MCAST_STATS_ENABLED
        + nla_total_size(4) * 4 // MCAST_HASH_ELASTICITY .. MCAST_STARTUP_QUERY_CNT
        + nla_total_size(8) * 6 // the six intervals
        + nla_total_size(1) * 2 // MCAST_IGMP_VERSION, MCAST_MLD_VERSION
        + br_multicast_querier_state_size()
        + nla_total_size(1) * 3 // NF_CALL_*
        + nla_total_size(8) // MULTI_BOOLOPT
}

/// `br_fill_info`: the bridge's INFO_DATA, in the kernel's order: the four
/// timers, STP settings, ids, group address, boolean options, FDB limits,
/// multicast settings, netfilter switches (probes/LINKS.md).
fn br_fill_info(skb: &mut SkBuff, brdev: &NetDevice) -> Result<(), Errno> {
    let Some(brp) = br_priv(brdev) else { return Ok(()) };
    let br = brp.lock();
    let gc_timer = if br.gc_work_pending { jiffies_to_clock_t(hold_time(&br)) } else { 0 };
    skb.nla_put_u64_64bit(IFLA_BR_HELLO_TIMER, br.hello_timer.value(), IFLA_BR_PAD)?;
    skb.nla_put_u64_64bit(IFLA_BR_TCN_TIMER, br.tcn_timer.value(), IFLA_BR_PAD)?;
    skb.nla_put_u64_64bit(IFLA_BR_TOPOLOGY_CHANGE_TIMER, br.topology_change_timer.value(), IFLA_BR_PAD)?;
    skb.nla_put_u64_64bit(IFLA_BR_GC_TIMER, gc_timer, IFLA_BR_PAD)?;
    let (optval, optmask) = br_boolopt_multi_get(&br);
    skb.nla_put_u32(IFLA_BR_FORWARD_DELAY, jiffies_to_clock_t(br.forward_delay) as u32)?;
    skb.nla_put_u32(IFLA_BR_HELLO_TIME, jiffies_to_clock_t(br.hello_time) as u32)?;
    skb.nla_put_u32(IFLA_BR_MAX_AGE, jiffies_to_clock_t(br.max_age) as u32)?;
    skb.nla_put_u32(IFLA_BR_AGEING_TIME, jiffies_to_clock_t(br.ageing_time) as u32)?;
    skb.nla_put_u32(IFLA_BR_STP_STATE, br.stp_enabled)?;
    skb.nla_put_u16(IFLA_BR_PRIORITY, u16::from_be_bytes(br.bridge_id.prio))?;
    skb.nla_put_u8(IFLA_BR_VLAN_FILTERING, br_vlan_enabled(&br) as u8)?;
    skb.nla_put_u16(IFLA_BR_GROUP_FWD_MASK, br.group_fwd_mask)?;
    skb.nla_put(IFLA_BR_BRIDGE_ID, &br.bridge_id.bytes())?;
    skb.nla_put(IFLA_BR_ROOT_ID, &br.designated_root.bytes())?;
    skb.nla_put_u16(IFLA_BR_ROOT_PORT, br.root_port)?;
    skb.nla_put_u32(IFLA_BR_ROOT_PATH_COST, br.root_path_cost)?;
    skb.nla_put_u8(IFLA_BR_TOPOLOGY_CHANGE, br.topology_change)?;
    skb.nla_put_u8(IFLA_BR_TOPOLOGY_CHANGE_DETECTED, br.topology_change_detected)?;
    skb.nla_put(IFLA_BR_GROUP_ADDR, &br.group_addr)?;
    let mut bm = [0u8; 8];
    bm[..4].copy_from_slice(&optval.to_ne_bytes());
    bm[4..].copy_from_slice(&optmask.to_ne_bytes());
    skb.nla_put(IFLA_BR_MULTI_BOOLOPT, &bm)?;
    skb.nla_put_u32(IFLA_BR_FDB_N_LEARNED, br.fdb_n_learned)?;
    skb.nla_put_u32(IFLA_BR_FDB_MAX_LEARNED, br.fdb_max_learned)?;
    let mc = &br.multicast_ctx;
    skb.nla_put_u8(IFLA_BR_MCAST_ROUTER, mc.multicast_router)?;
    skb.nla_put_u8(IFLA_BR_MCAST_SNOOPING, br_opt_get(&br, BROPT_MULTICAST_ENABLED) as u8)?;
    skb.nla_put_u8(IFLA_BR_MCAST_QUERY_USE_IFADDR, br_opt_get(&br, BROPT_MULTICAST_QUERY_USE_IFADDR) as u8)?;
    skb.nla_put_u8(IFLA_BR_MCAST_QUERIER, mc.multicast_querier)?;
    skb.nla_put_u8(IFLA_BR_MCAST_STATS_ENABLED, br_opt_get(&br, BROPT_MULTICAST_STATS_ENABLED) as u8)?;
    skb.nla_put_u32(IFLA_BR_MCAST_HASH_ELASTICITY, RHT_ELASTICITY)?;
    skb.nla_put_u32(IFLA_BR_MCAST_HASH_MAX, br.hash_max)?;
    skb.nla_put_u32(IFLA_BR_MCAST_LAST_MEMBER_CNT, mc.multicast_last_member_count)?;
    skb.nla_put_u32(IFLA_BR_MCAST_STARTUP_QUERY_CNT, mc.multicast_startup_query_count)?;
    skb.nla_put_u8(IFLA_BR_MCAST_IGMP_VERSION, mc.multicast_igmp_version)?;
    // br_multicast_dump_querier_state: no querier was ever heard, the nest
    // would be empty and is not sent.
    skb.nla_put_u8(IFLA_BR_MCAST_MLD_VERSION, mc.multicast_mld_version)?;
    for (ty, v) in [
        (IFLA_BR_MCAST_LAST_MEMBER_INTVL, mc.multicast_last_member_interval),
        (IFLA_BR_MCAST_MEMBERSHIP_INTVL, mc.multicast_membership_interval),
        (IFLA_BR_MCAST_QUERIER_INTVL, mc.multicast_querier_interval),
        (IFLA_BR_MCAST_QUERY_INTVL, mc.multicast_query_interval),
        (IFLA_BR_MCAST_QUERY_RESPONSE_INTVL, mc.multicast_query_response_interval),
        (IFLA_BR_MCAST_STARTUP_QUERY_INTVL, mc.multicast_startup_query_interval),
    ] {
        skb.nla_put_u64_64bit(ty, jiffies_to_clock_t(v), IFLA_BR_PAD)?;
    }
    skb.nla_put_u8(IFLA_BR_NF_CALL_IPTABLES, br_opt_get(&br, BROPT_NF_CALL_IPTABLES) as u8)?;
    skb.nla_put_u8(IFLA_BR_NF_CALL_IP6TABLES, br_opt_get(&br, BROPT_NF_CALL_IP6TABLES) as u8)?;
    skb.nla_put_u8(IFLA_BR_NF_CALL_ARPTABLES, br_opt_get(&br, BROPT_NF_CALL_ARPTABLES) as u8)?;
    Ok(())
}

/// `br_link_ops`.
pub static BR_LINK_OPS: RtnlLinkOps = RtnlLinkOps {
    maxtype: IFLA_BR_MAX,
    policy: Some(&BR_POLICY),
    priv_new: || Box::new(BrPriv::default()),
    validate: Some(br_validate),
    newlink: Some(br_dev_newlink),
    changelink: Some(br_changelink),
    dellink: Some(br_dev_delete),
    get_size: Some(br_get_size),
    fill_info: Some(br_fill_info),
    get_slave_size: Some(br_port_get_slave_size),
    fill_slave_info: Some(br_port_fill_slave_info),
    ..RtnlLinkOps::basic("bridge", br_dev_setup, &BR_NETDEV_OPS)
};

/// `br_netlink_init`: the link kind. Linux also registers `br_af_ops`
/// (AF_BRIDGE); it never fills IFLA_AF_SPEC (no `fill_link_af`), it only
/// adds 8 bytes to every link message's allocation, so it is left out
/// (docs/divergences.md, "Bridge").
pub(crate) fn br_netlink_init(globals: &Globals) -> Result<(), Errno> {
    rtnl_link_register(globals, &BR_LINK_OPS)
}
