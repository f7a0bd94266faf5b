//! `struct rtnl_link_ops` and `struct rtnl_af_ops`: how a link kind (veth,
//! bridge, dummy) and an address family (AF_INET, AF_INET6) plug into
//! rtnetlink (include/net/rtnetlink.h; `rtnl_link_register`,
//! `rtnl_af_register` in net/core/rtnetlink.c).

use std::sync::Arc;

use crate::kernel::Globals;
use crate::net::core::dev::{DevState, NetDevice, NetDeviceOps};
use crate::net::core::net_namespace::Net;
use crate::net::core::skbuff::SkBuff;
use crate::Errno;
use nlwire::policy::{ExtAck, NlaPolicy, Tb};
use nlwire::uapi::if_link::IFLA_MAX;

/// `RTNL_MAX_TYPE`: the largest `maxtype` a link kind may have.
pub const RTNL_MAX_TYPE: usize = 50;
/// `RTNL_SLAVE_MAX_TYPE`.
pub const RTNL_SLAVE_MAX_TYPE: usize = 44;

/// A parsed RTM_NEWLINK: `tb[IFLA_*]`.
pub type IflaTb<'a> = Tb<'a, { IFLA_MAX as usize + 1 }>;
/// The kind's own attributes (`IFLA_INFO_DATA` parsed with its policy).
pub type DataTb<'a> = Tb<'a, { RTNL_MAX_TYPE + 1 }>;

/// `struct rtnl_newlink_params`: what `newlink` gets besides the device.
pub struct NewlinkParams<'a> {
    /// `sock_net(skb->sk)`: the requester's namespace.
    pub src_net: Arc<Net>,
    /// Where a peer device goes (veth's `VETH_INFO_PEER` may name another namespace).
    pub peer_net: Option<Arc<Net>>,
    pub tb: &'a IflaTb<'a>,
    pub data: Option<&'a DataTb<'a>>,
}

/// `struct rtnl_link_ops`.
///
/// The signatures are spelled out in place, as include/net/rtnetlink.h does.
#[allow(clippy::type_complexity)]
pub struct RtnlLinkOps {
    pub kind: &'static str,
    pub maxtype: u16,
    pub policy: Option<&'static [NlaPolicy]>,
    /// `setup`: fills a freshly allocated device.
    pub setup: fn(&mut DevState),
    pub netdev_ops: &'static NetDeviceOps,
    /// A new driver-private state for a device of this kind.
    pub priv_new: fn() -> Box<dyn std::any::Any + Send>,
    pub validate: Option<fn(&IflaTb<'_>, Option<&DataTb<'_>>, &mut ExtAck) -> Result<(), Errno>>,
    /// `newlink`: registers the device (and whatever comes with it, a veth's peer).
    pub newlink: Option<fn(&Arc<NetDevice>, &NewlinkParams<'_>, &mut ExtAck) -> Result<(), Errno>>,
    pub changelink: Option<fn(&Arc<NetDevice>, &IflaTb<'_>, Option<&DataTb<'_>>, &mut ExtAck) -> Result<(), Errno>>,
    /// `dellink`: queues the device (and its peer) for unregistration.
    pub dellink: Option<fn(&Arc<NetDevice>, &mut Vec<Arc<NetDevice>>)>,
    pub get_size: Option<fn(&NetDevice) -> usize>,
    pub fill_info: Option<fn(&mut SkBuff, &NetDevice) -> Result<(), Errno>>,
    pub get_slave_size: Option<fn(&NetDevice, &NetDevice) -> usize>,
    /// `fill_slave_info(skb, master, slave)`.
    pub fill_slave_info: Option<fn(&mut SkBuff, &NetDevice, &NetDevice) -> Result<(), Errno>>,
    pub get_link_net: Option<fn(&NetDevice) -> Option<Arc<Net>>>,
    /// `peer_type`: the attribute of `IFLA_INFO_DATA` that describes a peer.
    pub peer_type: u16,
    pub get_num_tx_queues: Option<fn(&Globals) -> u32>,
    pub get_num_rx_queues: Option<fn(&Globals) -> u32>,
}

impl RtnlLinkOps {
    /// A kind with nothing but a name and a setup, to be filled in with `..`.
    pub const fn basic(kind: &'static str, setup: fn(&mut DevState), netdev_ops: &'static NetDeviceOps) -> Self {
        RtnlLinkOps {
            kind,
            maxtype: 0,
            policy: None,
            setup,
            netdev_ops,
            priv_new: no_priv,
            validate: None,
            newlink: None,
            changelink: None,
            dellink: None,
            get_size: None,
            fill_info: None,
            get_slave_size: None,
            fill_slave_info: None,
            get_link_net: None,
            peer_type: 0,
            get_num_tx_queues: None,
            get_num_rx_queues: None,
        }
    }
}

fn no_priv() -> Box<dyn std::any::Any + Send> {
    Box::new(())
}

/// `rtnl_link_register`: EEXIST for a kind already registered.
pub(crate) fn rtnl_link_register(globals: &Globals, ops: &'static RtnlLinkOps) -> Result<(), Errno> {
    let mut list = globals.link_ops.write();
    if list.iter().any(|o| o.kind == ops.kind) {
        return Err(Errno::EEXIST);
    }
    list.push(ops);
    Ok(())
}

/// `rtnl_link_ops_get`.
pub fn rtnl_link_ops_get(globals: &Globals, kind: &str) -> Option<&'static RtnlLinkOps> {
    globals.link_ops.read().iter().copied().find(|o| o.kind == kind)
}

/// `struct rtnl_af_ops`: an address family's part of RTM_NEWLINK
/// (`IFLA_AF_SPEC`).
pub struct RtnlAfOps {
    pub family: u8,
    /// `fill_link_af`; `Err(ENODATA)` means "nothing to say" and drops the nest.
    pub fill_link_af: fn(&mut SkBuff, &NetDevice, u32) -> Result<(), Errno>,
    /// `get_link_af_size`; 0 skips the family (the device has no protocol state).
    pub get_link_af_size: fn(&NetDevice, u32) -> usize,
}

/// `rtnl_af_register`.
pub(crate) fn rtnl_af_register(globals: &Globals, ops: &'static RtnlAfOps) {
    globals.af_ops.write().push(ops);
}
