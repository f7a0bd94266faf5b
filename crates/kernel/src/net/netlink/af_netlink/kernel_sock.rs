//! Kernel sockets: `netlink_kernel_create` and `netlink_kernel_release`.
//!
//! A subsystem makes one kernel socket per namespace (from a pernet `init`)
//! with a [`NetlinkKernelCfg`]. The socket is bound to port 0; what users send
//! to port 0 goes to `cfg.input`, synchronously on the sender's thread. The
//! first kernel socket of a protocol registers the protocol in `nl_table`:
//! its group count, permission flags and bind/unbind hooks then apply to every
//! user socket of that protocol, in every namespace.

use std::sync::Arc;

use parking_lot::Mutex;
use tracing::debug_span;

use super::table::netlink_insert;
use super::{NetlinkBindFn, NetlinkInput, NetlinkSock, NetlinkUnbindFn};
use crate::cred::Credentials;
use crate::net::core::net_namespace::Net;
use crate::Errno;
use nlwire::uapi::netlink::MAX_LINKS;

/// `struct netlink_kernel_cfg`.
#[derive(Default, Clone)]
pub struct NetlinkKernelCfg {
    /// Number of multicast groups (raised to 32 if lower).
    pub groups: u32,
    /// `NL_CFG_F_NONROOT_RECV`, `NL_CFG_F_NONROOT_SEND`.
    pub flags: u32,
    /// What runs when a user sends to this socket; `None` makes it send-only
    /// (users sending to it get ECONNREFUSED).
    pub input: Option<NetlinkInput>,
    /// A lock to hold around dump callbacks of this protocol's sockets. Linux
    /// dropped this field in 6.10 (rtnetlink now locks inside `rtnl_dumpit`);
    /// it is kept for subsystems that want their dumps serialised with their
    /// own requests.
    pub cb_mutex: Option<Arc<Mutex<()>>>,
    /// Asked before a user socket joins a group.
    pub bind: Option<NetlinkBindFn>,
    /// Told after a user socket leaves a group.
    pub unbind: Option<NetlinkUnbindFn>,
}

/// `netlink_kernel_create(net, unit, cfg)`.
pub fn netlink_kernel_create(net: &Arc<Net>, unit: u32, cfg: NetlinkKernelCfg) -> Result<Arc<NetlinkSock>, Errno> {
    let _s = debug_span!("netlink_kernel_create", net = net.id(), unit, groups = cfg.groups).entered();
    if unit >= MAX_LINKS {
        return Err(Errno::EINVAL);
    }
    let globals = &net.globals;
    let groups = cfg.groups.max(32);
    let sk = globals.sock_alloc(|ino| {
        let mut sk = NetlinkSock::new(net, unit, ino, Credentials::root(0), true, cfg.cb_mutex.clone());
        sk.netlink_rcv = cfg.input.clone();
        sk
    });
    netlink_insert(&sk, 0)?;
    let mut table = globals.nl_table[unit as usize].write();
    if table.registered == 0 {
        table.groups = groups;
        table.bind = cfg.bind;
        table.unbind = cfg.unbind;
        table.flags = cfg.flags;
        table.cb_mutex = cfg.cb_mutex;
        table.registered = 1;
    } else {
        table.registered += 1;
    }
    Ok(sk)
}

/// `netlink_kernel_release`: unhashes the kernel socket; the protocol stays
/// registered while other namespaces still have theirs.
pub fn netlink_kernel_release(sk: &Arc<NetlinkSock>) {
    let _s = debug_span!("netlink_kernel_release", net = sk.net.id(), unit = sk.protocol).entered();
    super::socket::netlink_release(sk);
    let mut table = sk.net.globals.nl_table[sk.protocol as usize].write();
    if table.registered > 0 {
        table.registered -= 1;
        if table.registered == 0 {
            table.bind = None;
            table.unbind = None;
            table.flags = 0;
            table.cb_mutex = None;
        }
    }
}
