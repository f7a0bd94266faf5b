//! The PF_BRIDGE link handlers of net/core/rtnetlink.c: `rtnl_bridge_getlink`
//! (the dump `bridge link show` asks for), `rtnl_bridge_setlink`,
//! `rtnl_bridge_dellink` and `rtnl_bridge_notify`.
//!
//! In Linux `rtnetlink_init` registers them and they call the
//! `ndo_bridge_getlink/setlink/dellink` of a device or of its master. Only
//! the bridge implements those here, so they live beside it and `br_init`
//! registers them; a device "has" the hooks when its ops are the bridge's.
//! Without this table a family-7 GETLINK dump would fall back to the
//! PF_UNSPEC dump and answer with ordinary (family 0) link messages.

use std::sync::Arc;

use nlwire::policy::{nlmsg_parse_deprecated, nlmsg_parse_deprecated_strict, ExtAck};
use nlwire::uapi::if_bridge::*;
use nlwire::uapi::if_link::*;
use nlwire::uapi::netlink::NLM_F_MULTI;
use nlwire::uapi::rtnetlink::*;
use nlwire::uapi::socket::{AF_BRIDGE, PF_BRIDGE};
use nlwire::{NlMsgHdr, NlaIter};

use super::br_device::BR_NETDEV_OPS;
use super::br_netlink::{br_dellink, br_getlink, br_setlink, bridge_nlmsg_size, nlmsg_find_attr};
use crate::kernel::Globals;
use crate::net::core::dev::change::netdev_master_upper_dev_get;
use crate::net::core::dev::{dev_get_by_index, for_each_netdev, NetDevice};
use crate::net::core::rtnetlink::link::IFLA_POLICY;
use crate::net::core::rtnetlink::{rtnl_notify, rtnl_register_many, RtnlDoitFn, RtnlDumpitFn, RtnlMsgHandler};
use crate::net::core::skbuff::{nlmsg_new, SkBuff};
use crate::net::netlink::af_netlink::{NetlinkCallback, NetlinkRcvSkb};
use crate::Errno;

const IFLA_N: usize = IFLA_MAX as usize + 1;

/// Whether `dev` has `ndo_bridge_getlink` & co.: it is a bridge.
fn has_bridge_ndos(dev: &NetDevice) -> bool {
    std::ptr::eq(dev.netdev_ops, &BR_NETDEV_OPS)
}

/// The request's ifinfomsg, zero-filled if short.
fn ifinfomsg(msg: &[u8]) -> nlwire::hdr::IfInfoMsgRepr {
    let h = NlMsgHdr::new_unchecked(msg);
    let p = h.payload();
    let mut b = [0u8; 16];
    let n = p.len().min(16);
    b[..n].copy_from_slice(&p[..n]);
    nlwire::hdr::IfInfoMsgRepr::parse(&b).unwrap_or_default()
}

/// `valid_bridge_getlink_req`: the filter mask (IFLA_EXT_MASK); with strict
/// checking, nothing else may be asked for.
fn valid_bridge_getlink_req(msg: &[u8], strict: bool, filter_mask: &mut u32, extack: &mut ExtAck) -> Result<(), Errno> {
    let tb = if strict {
        if NlMsgHdr::new_unchecked(msg).payload_len() < 16 {
            extack.set_msg("Invalid header for bridge link dump");
            return Err(Errno::EINVAL);
        }
        let ifm = ifinfomsg(msg);
        if ifm.pad != 0 || ifm.ty != 0 || ifm.flags != 0 || ifm.change != 0 || ifm.index != 0 {
            extack.set_msg("Invalid values in header for bridge link dump request");
            return Err(Errno::EINVAL);
        }
        nlmsg_parse_deprecated_strict::<IFLA_N>(msg, 16, Some(&IFLA_POLICY), extack)?
    } else {
        nlmsg_parse_deprecated::<IFLA_N>(msg, 16, Some(&IFLA_POLICY), extack)?
    };
    for i in 0..IFLA_N as u16 {
        let Some(a) = tb.get(i) else { continue };
        if i == IFLA_EXT_MASK {
            *filter_mask = a.get_u32();
        } else if strict {
            extack.set_msg("Unsupported attribute in bridge link dump request");
            return Err(Errno::EINVAL);
        }
    }
    Ok(())
}

/// `rtnl_bridge_getlink`: for every device, the master's view of it as a
/// port, then its own view as a bridge, each counted in `cb->args[0]`.
fn rtnl_bridge_getlink(skb: &mut SkBuff, cb: &mut NetlinkCallback) -> Result<usize, Errno> {
    let nlh = cb.nlh.clone();
    let seq = NlMsgHdr::new_unchecked(&nlh[..]).nlmsg_seq();
    let portid = cb.portid;
    let mut filter_mask = 0;
    let mut extack = std::mem::take(&mut cb.extack);
    let r = valid_bridge_getlink_req(&nlh, cb.strict_check, &mut filter_mask, &mut extack);
    cb.extack = extack;
    if let Err(e) = r {
        if cb.strict_check {
            return Err(e);
        }
    }
    let net = Arc::clone(&cb.net);
    let mut idx: i64 = 0;
    let mut result = Ok(());
    'devs: for dev in for_each_netdev(&net) {
        let views = [netdev_master_upper_dev_get(&dev).filter(|m| has_bridge_ndos(m)).is_some(), has_bridge_ndos(&dev)];
        for view in views {
            if !view {
                continue;
            }
            if idx >= cb.args[0] {
                if let Err(e) = br_getlink(skb, portid, seq, &dev, filter_mask, NLM_F_MULTI) {
                    if e != Errno::EOPNOTSUPP {
                        if !skb.is_empty() {
                            break 'devs;
                        }
                        result = Err(e);
                        break 'devs;
                    }
                }
            }
            idx += 1;
        }
    }
    cb.args[0] = idx;
    result.map(|()| skb.len())
}

/// `rtnl_bridge_notify`: after a SELF change, the device's own bridge view
/// (which a bridge only gives for VLAN/MRP/CFM filters: nothing is sent).
fn rtnl_bridge_notify(dev: &NetDevice) -> Result<(), Errno> {
    if !has_bridge_ndos(dev) {
        return Ok(());
    }
    let Some(net) = dev.net() else { return Ok(()) };
    let mut skb = nlmsg_new(bridge_nlmsg_size());
    br_getlink(&mut skb, 0, 0, dev, 0, 0)?;
    if skb.is_empty() {
        return Ok(());
    }
    rtnl_notify(skb, &net, 0, RTNLGRP_LINK, None);
    Ok(())
}

/// The request's device and its IFLA_BRIDGE_FLAGS (checking the AF_SPEC
/// entries both handlers check).
fn bridge_req_dev(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<Arc<NetDevice>, Errno> {
    if NlMsgHdr::new_unchecked(msg).payload_len() < 16 {
        return Err(Errno::EINVAL);
    }
    let ifm = ifinfomsg(msg);
    if ifm.family != AF_BRIDGE {
        return Err(Errno::EPFNOSUPPORT);
    }
    dev_get_by_index(skb.net(), ifm.index).ok_or_else(|| {
        extack.set_msg("unknown ifindex");
        Errno::ENODEV
    })
}

/// `rtnl_bridge_setlink`: to the port's master unless IFLA_BRIDGE_FLAGS says
/// SELF only, then to the device itself if SELF.
fn rtnl_bridge_setlink(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let dev = bridge_req_dev(skb, msg, extack)?;
    let mut flags = 0u16;
    let mut have_flags = false;
    if let Some(br_spec) = nlmsg_find_attr(msg, IFLA_AF_SPEC) {
        for attr in NlaIter::new(br_spec.payload_ref()) {
            if attr.nla_type() == IFLA_BRIDGE_FLAGS && !have_flags {
                if attr.payload().len() < 2 {
                    return Err(Errno::EINVAL);
                }
                have_flags = true;
                flags = attr.get_u16();
            }
            if attr.nla_type() == IFLA_BRIDGE_MODE && attr.payload().len() < 2 {
                return Err(Errno::EINVAL);
            }
        }
    }
    let mut err = Err(Errno::EOPNOTSUPP);
    if flags == 0 || flags & BRIDGE_FLAGS_MASTER != 0 {
        match netdev_master_upper_dev_get(&dev).filter(|m| has_bridge_ndos(m)) {
            Some(_) => br_setlink(&dev, msg, flags, extack)?,
            None => return Err(Errno::EOPNOTSUPP),
        }
        err = Ok(());
        flags &= !BRIDGE_FLAGS_MASTER;
    }
    if flags & BRIDGE_FLAGS_SELF != 0 {
        err = if has_bridge_ndos(&dev) {
            br_setlink(&dev, msg, flags, extack).and_then(|()| rtnl_bridge_notify(&dev))
        } else {
            Err(Errno::EOPNOTSUPP)
        };
    }
    err
}

/// `rtnl_bridge_dellink`: as setlink, with the devices' `ndo_bridge_dellink`.
fn rtnl_bridge_dellink(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let dev = bridge_req_dev(skb, msg, extack)?;
    let mut flags = 0u16;
    if let Some(br_spec) = nlmsg_find_attr(msg, IFLA_AF_SPEC) {
        if let Some(attr) = NlaIter::new(br_spec.payload_ref()).find(|a| a.nla_type() == IFLA_BRIDGE_FLAGS) {
            if attr.payload().len() < 2 {
                return Err(Errno::EINVAL);
            }
            flags = attr.get_u16();
        }
    }
    let mut err = Err(Errno::EOPNOTSUPP);
    if flags == 0 || flags & BRIDGE_FLAGS_MASTER != 0 {
        match netdev_master_upper_dev_get(&dev).filter(|m| has_bridge_ndos(m)) {
            Some(_) => br_dellink(&dev, msg, flags)?,
            None => return Err(Errno::EOPNOTSUPP),
        }
        err = Ok(());
        flags &= !BRIDGE_FLAGS_MASTER;
    }
    if flags & BRIDGE_FLAGS_SELF != 0 {
        err = if has_bridge_ndos(&dev) {
            br_dellink(&dev, msg, flags).and_then(|()| rtnl_bridge_notify(&dev))
        } else {
            Err(Errno::EOPNOTSUPP)
        };
    }
    err
}

/// The PF_BRIDGE link entries of `rtnetlink_init`'s table (no flags: all
/// run under rtnl_lock). The FDB and MDB entries come with the FDB.
pub(crate) fn rtnl_bridge_init(globals: &Globals) -> Result<(), Errno> {
    let h = |msgtype: u16, doit: Option<RtnlDoitFn>, dumpit: Option<RtnlDumpitFn>| RtnlMsgHandler {
        protocol: PF_BRIDGE,
        msgtype,
        doit,
        dumpit,
        flags: 0,
    };
    rtnl_register_many(
        globals,
        &[
            h(RTM_GETLINK, None, Some(rtnl_bridge_getlink)),
            h(RTM_DELLINK, Some(rtnl_bridge_dellink), None),
            h(RTM_SETLINK, Some(rtnl_bridge_setlink), None),
        ],
    )
}
