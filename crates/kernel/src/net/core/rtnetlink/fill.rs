//! RTM_NEWLINK / RTM_DELLINK bodies and the link notify path
//! (net/core/rtnetlink.c): `rtnl_fill_ifinfo`, `if_nlmsg_size`,
//! `rtmsg_ifinfo` → `rtmsg_ifinfo_build_skb` → `rtmsg_ifinfo_send` →
//! `rtnl_notify`.
//!
//! `rtnl_fill_ifinfo` emits the attributes in the kernel's order
//! (kernel-reference §7, probes/LINKS.md): the fixed block of counters, the
//! addresses, statistics, XDP, LINKINFO, the netns/iflink pair, QDISC,
//! AF_SPEC, MAP, PROP_LIST, DEVLINK_PORT and DPLL_PIN. What is left out and
//! why is in docs/divergences.md.

use std::sync::Arc;

use tracing::debug_span;

use super::link_ops::RtnlAfOps;
use super::rtnl_notify;
use crate::net::core::dev::change::netdev_master_upper_dev_get;
use crate::net::core::dev::{NetDevice, RegState, MAX_ADDR_LEN};
use crate::net::core::net_namespace::{peernet2id_alloc, Net};
use crate::net::core::skbuff::{nlmsg_new, SkBuff};
use crate::Errno;
use nlwire::nlattr::nla_total_size;
use nlwire::uapi::if_::{IFALIASZ, IFNAMSIZ};
use nlwire::uapi::if_link::*;
use nlwire::uapi::rtnetlink::RTNLGRP_LINK;
use nlwire::NlMsgHdr;

/// `MAX_PHYS_ITEM_ID_LEN`.
const MAX_PHYS_ITEM_ID_LEN: usize = 32;
/// sizeof(struct rtnl_link_ifmap) on x86-64.
const IFMAP_SIZE: usize = 32;

/// `rtnl_link_get_size`: LINKINFO and what the kind and the master add.
fn rtnl_link_get_size(dev: &NetDevice) -> usize {
    let mut size = 0;
    if let Some(ops) = dev.link_ops {
        size += nla_total_size(4) + nla_total_size(ops.kind.len() + 1);
        if let Some(get_size) = ops.get_size {
            size += nla_total_size(4) + get_size(dev);
        }
    }
    if let Some(master) = netdev_master_upper_dev_get(dev) {
        if let Some(mops) = master.link_ops {
            size += nla_total_size(mops.kind.len() + 1);
            if let Some(get_slave_size) = mops.get_slave_size {
                size += nla_total_size(4) + get_slave_size(&master, dev);
            }
        }
    }
    size
}

/// `rtnl_link_get_af_size`.
fn rtnl_link_get_af_size(dev: &NetDevice, ext_filter_mask: u32) -> usize {
    let Some(net) = dev.net() else { return nla_total_size(4) };
    let ops: Vec<&'static RtnlAfOps> = net.globals.af_ops.read().clone();
    nla_total_size(4)
        + ops.iter().map(|o| nla_total_size(4) + (o.get_link_af_size)(dev, ext_filter_mask)).sum::<usize>()
}

/// `if_nlmsg_size`: what a link message can take, the allocation size of
/// every RTM_NEWLINK (and so its truesize before trimming).
pub fn if_nlmsg_size(dev: &NetDevice, ext_filter_mask: u32) -> usize {
    nlwire::nlmsg_align(16)
        + nla_total_size(IFNAMSIZ)
        + nla_total_size(IFALIASZ)
        + nla_total_size(IFNAMSIZ)
        + nla_total_size(IFMAP_SIZE)
        + nla_total_size(96)
        + nla_total_size(200)
        + nla_total_size(MAX_ADDR_LEN) * 2
        + nla_total_size(4) * 21
        + nla_total_size(1) * 4
        + nla_total_size(if ext_filter_mask & nlwire::uapi::rtnetlink::RTEXT_FILTER_VF != 0 { 4 } else { 0 })
        + rtnl_link_get_size(dev)
        + rtnl_link_get_af_size(dev, ext_filter_mask)
        + nla_total_size(MAX_PHYS_ITEM_ID_LEN) * 2
        + nla_total_size(IFNAMSIZ)
        + nla_total_size(0) + nla_total_size(1) + nla_total_size(4) * 5 // rtnl_xdp_size
        + nla_total_size(4) * 3
        + nla_total_size(1) // rtnl_proto_down_size
        + nla_total_size(4) * 5
        + super::link::rtnl_prop_list_size(dev)
        + nla_total_size(MAX_ADDR_LEN)
        + nla_total_size(0) * 2
        + nla_total_size(8)
        + nla_total_size(2) * 2
}

/// What a call of `rtnl_fill_ifinfo` says besides the device.
#[derive(Debug, Clone, Copy, Default)]
pub struct FillArgs {
    pub ty: u16,
    pub pid: u32,
    pub seq: u32,
    pub change: u32,
    pub flags: u16,
    pub ext_filter_mask: u32,
    pub event: u32,
    pub new_nsid: Option<i32>,
    pub new_ifindex: i32,
    pub tgt_netnsid: i32,
}

/// `rtnl_fill_ifinfo(skb, dev, src_net, …)`; on EMSGSIZE the message is cancelled.
pub fn rtnl_fill_ifinfo(skb: &mut SkBuff, dev: &NetDevice, src_net: &Arc<Net>, a: &FillArgs) -> Result<(), Errno> {
    let _f = debug_span!("rtnl_fill_ifinfo", ty = a.ty, dev = dev.ifindex()).entered();
    let Some(nlh) = skb.nlmsg_put(a.pid, a.seq, a.ty, 16, a.flags) else {
        return Err(Errno::EMSGSIZE);
    };
    let start = skb.len() - 32;
    match fill_body(skb, nlh, dev, src_net, a) {
        Ok(()) => {
            skb.nlmsg_end(nlh);
            Ok(())
        }
        Err(e) => {
            skb.trim(start);
            Err(e)
        }
    }
}

fn fill_body(
    skb: &mut SkBuff,
    nlh: nlwire::skb::NlMsgStart,
    dev: &NetDevice,
    src_net: &Arc<Net>,
    a: &FillArgs,
) -> Result<(), Errno> {
    let st = dev.st.lock().clone();
    let ifm = nlwire::hdr::IfInfoMsgRepr {
        family: 0,
        pad: 0,
        ty: st.ty,
        index: dev.ifindex(),
        flags: st.get_flags(),
        change: a.change,
    };
    ifm.emit(&mut skb.nlmsg_data_mut(nlh)[..16]);

    if a.tgt_netnsid >= 0 {
        skb.nla_put_s32(IFLA_TARGET_NETNSID, a.tgt_netnsid)?;
    }
    skb.nla_put_string(IFLA_IFNAME, &st.name)?;
    skb.nla_put_u32(IFLA_TXQLEN, st.tx_queue_len)?;
    skb.nla_put_u8(IFLA_OPERSTATE, if st.running { st.operstate } else { IF_OPER_DOWN })?;
    skb.nla_put_u8(IFLA_LINKMODE, st.link_mode)?;
    skb.nla_put_u8(IFLA_NETNS_IMMUTABLE, st.netns_immutable as u8)?;
    skb.nla_put_u32(IFLA_MTU, st.mtu)?;
    skb.nla_put_u32(IFLA_MIN_MTU, st.min_mtu)?;
    skb.nla_put_u32(IFLA_MAX_MTU, st.max_mtu)?;
    skb.nla_put_u32(IFLA_GROUP, st.group)?;
    skb.nla_put_u32(IFLA_PROMISCUITY, st.promiscuity)?;
    skb.nla_put_u32(IFLA_ALLMULTI, st.allmulti)?;
    skb.nla_put_u32(IFLA_NUM_TX_QUEUES, st.num_tx_queues)?;
    skb.nla_put_u32(IFLA_GSO_MAX_SEGS, st.gso_max_segs)?;
    skb.nla_put_u32(IFLA_GSO_MAX_SIZE, st.gso_max_size)?;
    skb.nla_put_u32(IFLA_GRO_MAX_SIZE, st.gro_max_size)?;
    skb.nla_put_u32(IFLA_GSO_IPV4_MAX_SIZE, st.gso_ipv4_max_size)?;
    skb.nla_put_u32(IFLA_GRO_IPV4_MAX_SIZE, st.gro_ipv4_max_size)?;
    skb.nla_put_u32(IFLA_TSO_MAX_SIZE, st.tso_max_size)?;
    skb.nla_put_u32(IFLA_TSO_MAX_SEGS, st.tso_max_segs)?;
    skb.nla_put_uint(IFLA_MAX_PACING_OFFLOAD_HORIZON, 0)?;
    skb.nla_put_u32(IFLA_NUM_RX_QUEUES, st.num_rx_queues)?;
    if let Some(master) = st.master {
        skb.nla_put_u32(IFLA_MASTER, master as u32)?;
    }
    skb.nla_put_u8(IFLA_CARRIER, st.carrier_ok() as u8)?;
    if let Some(alias) = &st.ifalias {
        skb.nla_put_string(IFLA_IFALIAS, alias)?;
    }
    skb.nla_put_u32(IFLA_CARRIER_CHANGES, st.carrier_up_count + st.carrier_down_count)?;
    skb.nla_put_u32(IFLA_CARRIER_UP_COUNT, st.carrier_up_count)?;
    skb.nla_put_u32(IFLA_CARRIER_DOWN_COUNT, st.carrier_down_count)?;
    skb.nla_put_u16(IFLA_HEADROOM, st.needed_headroom)?;
    skb.nla_put_u16(IFLA_TAILROOM, st.needed_tailroom)?;
    skb.nla_put_u8(IFLA_PROTO_DOWN, st.proto_down as u8)?;
    if a.event != IFLA_EVENT_NONE {
        skb.nla_put_u32(IFLA_EVENT, a.event)?;
    }
    if st.addr_len > 0 {
        skb.nla_put(IFLA_ADDRESS, &st.dev_addr[..st.addr_len as usize])?;
        skb.nla_put(IFLA_BROADCAST, &st.broadcast[..st.addr_len as usize])?;
    }
    rtnl_fill_stats(skb, &st.stats64)?;
    rtnl_xdp_fill(skb)?;
    if dev.link_ops.is_some() || netdev_master_upper_dev_get(dev).is_some_and(|m| m.link_ops.is_some()) {
        rtnl_link_fill(skb, dev)?;
    }
    if let Some(id) = a.new_nsid {
        skb.nla_put_s32(IFLA_NEW_NETNSID, id)?;
    }
    if a.new_ifindex != 0 {
        skb.nla_put_s32(IFLA_NEW_IFINDEX, a.new_ifindex)?;
    }
    if st.perm_addr[..st.addr_len as usize].iter().any(|b| *b != 0) {
        skb.nla_put(IFLA_PERM_ADDRESS, &st.perm_addr[..st.addr_len as usize])?;
    }
    rtnl_fill_link_netnsid(skb, dev, src_net)?;
    skb.nla_put_string(IFLA_QDISC, st.qdisc)?;
    rtnl_fill_link_af(skb, dev, a.ext_filter_mask)?;
    // rtnl_fill_link_ifmap: struct rtnl_link_ifmap, all zero for virtual devices.
    skb.nla_put(IFLA_MAP, &[0u8; IFMAP_SIZE])?;
    if !st.altnames.is_empty() {
        let nest = skb.nla_nest_start(IFLA_PROP_LIST)?;
        for alt in &st.altnames {
            skb.nla_put_string(IFLA_ALT_IFNAME, alt)?;
        }
        skb.nla_nest_end(nest);
    }
    let p = skb.nla_nest_start(IFLA_DEVLINK_PORT)?;
    skb.nla_nest_end(p);
    let p = skb.nla_nest_start(IFLA_DPLL_PIN)?;
    skb.nla_nest_end(p);
    Ok(())
}

/// `rtnl_fill_stats`: STATS64, then the same counters as u32 (STATS).
fn rtnl_fill_stats(skb: &mut SkBuff, s: &[u64; 25]) -> Result<(), Errno> {
    let out = skb.nla_reserve(IFLA_STATS64, 200)?;
    for (i, v) in s.iter().enumerate() {
        out[i * 8..i * 8 + 8].copy_from_slice(&v.to_ne_bytes());
    }
    let out = skb.nla_reserve(IFLA_STATS, 96)?;
    for (i, v) in s.iter().take(24).enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&(*v as u32).to_ne_bytes());
    }
    Ok(())
}

/// `rtnl_xdp_fill`: no program attached.
fn rtnl_xdp_fill(skb: &mut SkBuff) -> Result<(), Errno> {
    let xdp = skb.nla_nest_start_noflag(IFLA_XDP)?;
    skb.nla_put_u8(IFLA_XDP_ATTACHED, XDP_ATTACHED_NONE)?;
    skb.nla_nest_end(xdp);
    Ok(())
}

/// `rtnl_link_fill`: LINKINFO with the kind and its data, and the master's
/// kind and the port's data for a slave.
fn rtnl_link_fill(skb: &mut SkBuff, dev: &NetDevice) -> Result<(), Errno> {
    let linkinfo = skb.nla_nest_start_noflag(IFLA_LINKINFO)?;
    let r = (|| {
        if let Some(ops) = dev.link_ops {
            skb.nla_put_string(IFLA_INFO_KIND, ops.kind)?;
            if let Some(fill) = ops.fill_info {
                let data = skb.nla_nest_start_noflag(IFLA_INFO_DATA)?;
                if let Err(e) = fill(skb, dev) {
                    skb.nla_nest_cancel(data);
                    return Err(e);
                }
                skb.nla_nest_end(data);
            }
        }
        if let Some(master) = netdev_master_upper_dev_get(dev) {
            if let Some(mops) = master.link_ops {
                skb.nla_put_string(IFLA_INFO_SLAVE_KIND, mops.kind)?;
                if let Some(fill) = mops.fill_slave_info {
                    let data = skb.nla_nest_start_noflag(IFLA_INFO_SLAVE_DATA)?;
                    if let Err(e) = fill(skb, &master, dev) {
                        skb.nla_nest_cancel(data);
                        return Err(e);
                    }
                    skb.nla_nest_end(data);
                }
            }
        }
        Ok(())
    })();
    match r {
        Ok(()) => {
            skb.nla_nest_end(linkinfo);
            Ok(())
        }
        Err(e) => {
            skb.nla_nest_cancel(linkinfo);
            Err(e)
        }
    }
}

/// `rtnl_fill_link_netnsid` + `nla_put_iflink`: a device linked to one in
/// another namespace names that namespace (allocating it an id), and
/// IFLA_LINK is sent whenever the device is linked to another.
fn rtnl_fill_link_netnsid(skb: &mut SkBuff, dev: &NetDevice, src_net: &Arc<Net>) -> Result<(), Errno> {
    let mut force = false;
    if let Some(get_link_net) = dev.link_ops.and_then(|o| o.get_link_net) {
        if let (Some(link_net), Some(dev_net)) = (get_link_net(dev), dev.net()) {
            if !dev_net.net_eq(&link_net) {
                let id = peernet2id_alloc(src_net, &link_net, None);
                skb.nla_put_s32(IFLA_LINK_NETNSID, id)?;
                force = true;
            }
        }
    }
    let iflink = dev.iflink();
    if force || dev.ifindex() != iflink {
        skb.nla_put_u32(IFLA_LINK, iflink as u32)?;
    }
    Ok(())
}

/// `rtnl_fill_link_af`: each family with protocol state on the device, in
/// registration order (AF_INET, AF_INET6). A device being unregistered has
/// none, hence the empty AF_SPEC of RTM_DELLINK.
fn rtnl_fill_link_af(skb: &mut SkBuff, dev: &NetDevice, ext_filter_mask: u32) -> Result<(), Errno> {
    let af_spec = skb.nla_nest_start_noflag(IFLA_AF_SPEC)?;
    let ops: Vec<&'static RtnlAfOps> = dev.net().map(|n| n.globals.af_ops.read().clone()).unwrap_or_default();
    for o in ops {
        if (o.get_link_af_size)(dev, ext_filter_mask) == 0 {
            continue;
        }
        let af = skb.nla_nest_start_noflag(o.family as u16)?;
        match (o.fill_link_af)(skb, dev, ext_filter_mask) {
            Err(Errno::ENODATA) => skb.nla_nest_cancel(af),
            Err(_) => return Err(Errno::EMSGSIZE),
            Ok(()) => {
                skb.nla_nest_end(af);
            }
        }
    }
    skb.nla_nest_end(af_spec);
    Ok(())
}

/// `rtmsg_ifinfo_build_skb`: the message, with the requester's pid and seq
/// only when it asked for an echo (`nlmsg_report`).
#[allow(clippy::too_many_arguments)]
pub fn rtmsg_ifinfo_build_skb(
    ty: u16,
    dev: &NetDevice,
    change: u32,
    event: u32,
    new_nsid: Option<i32>,
    new_ifindex: i32,
    portid: u32,
    nlh: Option<&[u8]>,
) -> Option<SkBuff> {
    let _s = debug_span!("rtmsg_ifinfo_build_skb", ty, dev = dev.ifindex(), change).entered();
    let net = dev.net()?;
    let size = if_nlmsg_size(dev, 0);
    let mut skb = {
        let _s = debug_span!("nlmsg_new", size).entered();
        nlmsg_new(size)
    };
    let report = nlh.is_some_and(|m| NlMsgHdr::new_unchecked(m).nlmsg_flags() & nlwire::uapi::netlink::NLM_F_ECHO != 0);
    let (pid, seq) = match nlh {
        Some(m) if report => (portid, NlMsgHdr::new_unchecked(m).nlmsg_seq()),
        _ => (0, 0),
    };
    let args = FillArgs { ty, pid, seq, change, event, new_nsid, new_ifindex, tgt_netnsid: -1, ..Default::default() };
    match rtnl_fill_ifinfo(&mut skb, dev, &net, &args) {
        Ok(()) => Some(skb),
        Err(_) => None,
    }
}

/// `rtmsg_ifinfo_send`: to RTNLGRP_LINK.
pub fn rtmsg_ifinfo_send(skb: SkBuff, net: &Net, portid: u32, nlh: Option<&[u8]>) {
    let flags = nlh.map(|m| NlMsgHdr::new_unchecked(m).nlmsg_flags());
    rtnl_notify(skb, net, portid, RTNLGRP_LINK, flags);
}

/// `rtmsg_ifinfo_event`: nothing for a device that is not registered.
pub fn rtmsg_ifinfo_event(ty: u16, dev: &NetDevice, change: u32, event: u32, portid: u32, nlh: Option<&[u8]>) {
    if dev.st.lock().reg_state != RegState::Registered {
        return;
    }
    let _s = debug_span!("rtmsg_ifinfo", ty, dev = dev.ifindex(), change).entered();
    let Some(net) = dev.net() else { return };
    if let Some(skb) = rtmsg_ifinfo_build_skb(ty, dev, change, event, None, 0, portid, nlh) {
        rtmsg_ifinfo_send(skb, &net, portid, nlh);
    }
}

/// `rtmsg_ifinfo`.
pub fn rtmsg_ifinfo(ty: u16, dev: &NetDevice, change: u32, portid: u32, nlh: Option<&[u8]>) {
    rtmsg_ifinfo_event(ty, dev, change, IFLA_EVENT_NONE, portid, nlh);
}

/// `rtmsg_ifinfo_newnet`: the RTM_DELLINK of a device leaving for another
/// namespace, with that namespace's id and the device's new ifindex.
pub fn rtmsg_ifinfo_newnet(ty: u16, dev: &NetDevice, change: u32, new_nsid: i32, new_ifindex: i32) {
    if dev.st.lock().reg_state != RegState::Registered {
        return;
    }
    let Some(net) = dev.net() else { return };
    if let Some(skb) = rtmsg_ifinfo_build_skb(ty, dev, change, IFLA_EVENT_NONE, Some(new_nsid), new_ifindex, 0, None) {
        rtmsg_ifinfo_send(skb, &net, 0, None);
    }
}
