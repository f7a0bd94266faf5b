//! `nl_table`: per protocol, who is registered, and which socket holds which port.
//!
//! Models `struct netlink_table` and `netlink_insert`, `netlink_lookup`,
//! `netlink_remove` and `netlink_autobind` of net/netlink/af_netlink.c.
//! As in Linux the port table of a protocol is one table keyed by
//! (namespace, port id), so two namespaces never see each other's ports. The
//! multicast list is kept per namespace instead of Linux's single
//! `mc_list` filtered by `net_eq`: the same sockets are reached, without
//! walking every namespace's listeners (see docs/divergences.md).

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use parking_lot::Mutex;
use tracing::trace_span;

use super::{NetlinkBindFn, NetlinkSock, NetlinkUnbindFn};
use crate::net::core::net_namespace::NetId;
use crate::Errno;

/// `struct netlink_table`: one per protocol (`MAX_LINKS` of them).
#[derive(Default)]
pub(crate) struct NetlinkTable {
    /// Number of kernel sockets (or boot-time entries) that registered the protocol.
    pub registered: u32,
    /// Number of multicast groups (at least 32).
    pub groups: u32,
    /// `NL_CFG_F_NONROOT_RECV` / `NL_CFG_F_NONROOT_SEND`.
    pub flags: u32,
    pub cb_mutex: Option<Arc<Mutex<()>>>,
    pub bind: Option<NetlinkBindFn>,
    pub unbind: Option<NetlinkUnbindFn>,
    /// `hash`: bound sockets by (namespace, port id).
    pub hash: HashMap<(NetId, u32), Arc<NetlinkSock>>,
    /// `mc_list`: sockets with at least one subscription, per namespace.
    pub mc_list: HashMap<NetId, Vec<Arc<NetlinkSock>>>,
    /// Subscribed sockets with NETLINK_LISTEN_ALL_NSID, which hear other namespaces too.
    pub all_nsid: Vec<Arc<NetlinkSock>>,
}

impl NetlinkTable {
    /// `__netlink_lookup`.
    pub fn lookup(&self, net: NetId, portid: u32) -> Option<&Arc<NetlinkSock>> {
        self.hash.get(&(net, portid))
    }

    /// `netlink_update_subscriptions`: keeps `mc_list` in step with a socket's group count.
    pub fn update_subscriptions(&mut self, sk: &Arc<NetlinkSock>, subscriptions: u32) {
        let had = sk.subscriptions.swap(subscriptions, Ordering::AcqRel);
        let net = sk.net.id();
        if had == 0 && subscriptions != 0 {
            self.mc_list.entry(net).or_default().push(Arc::clone(sk));
        } else if had != 0 && subscriptions == 0 {
            if let Some(list) = self.mc_list.get_mut(&net) {
                list.retain(|s| !Arc::ptr_eq(s, sk));
                if list.is_empty() {
                    self.mc_list.remove(&net);
                }
            }
        }
        self.update_all_nsid(sk);
    }

    /// Keeps the LISTEN_ALL_NSID list in step with a socket's flag and subscriptions.
    pub fn update_all_nsid(&mut self, sk: &Arc<NetlinkSock>) {
        let want = sk.subscriptions.load(Ordering::Acquire) != 0
            && sk.test_flag(super::NETLINK_F_LISTEN_ALL_NSID)
            && !sk.dead.load(Ordering::Acquire);
        let has = self.all_nsid.iter().any(|s| Arc::ptr_eq(s, sk));
        if want && !has {
            self.all_nsid.push(Arc::clone(sk));
        } else if !want && has {
            self.all_nsid.retain(|s| !Arc::ptr_eq(s, sk));
        }
    }
}

/// `netlink_lookup`: the socket bound to (net, portid) for this protocol.
pub(crate) fn netlink_lookup(sk: &NetlinkSock, portid: u32) -> Option<Arc<NetlinkSock>> {
    let table = sk.net.globals.nl_table[sk.protocol as usize].read();
    table.lookup(sk.net.id(), portid).cloned()
}

/// `netlink_insert`: binds `sk` to `portid`.
///
/// As in Linux, the port id is written to the socket before the insert is
/// tried, so a socket whose bind failed with EADDRINUSE still reports that
/// port id through getsockname (while staying unbound).
pub(crate) fn netlink_insert(sk: &Arc<NetlinkSock>, portid: u32) -> Result<(), Errno> {
    let _s = trace_span!("netlink_insert", portid).entered();
    let mut table = sk.net.globals.nl_table[sk.protocol as usize].write();
    let err = if sk.portid() == portid { Ok(()) } else { Err(Errno::EBUSY) };
    if sk.bound.load(Ordering::Acquire) {
        return err;
    }
    sk.portid.store(portid, Ordering::Release);
    let key = (sk.net.id(), portid);
    if table.hash.contains_key(&key) {
        return Err(Errno::EADDRINUSE);
    }
    table.hash.insert(key, Arc::clone(sk));
    sk.bound.store(true, Ordering::Release);
    Ok(())
}

/// `netlink_remove`: unhashes a bound socket and drops it from the multicast lists.
pub(crate) fn netlink_remove(sk: &Arc<NetlinkSock>) {
    let mut table = sk.net.globals.nl_table[sk.protocol as usize].write();
    if sk.bound.load(Ordering::Acquire) {
        let key = (sk.net.id(), sk.portid());
        if table.hash.get(&key).is_some_and(|s| Arc::ptr_eq(s, sk)) {
            table.hash.remove(&key);
        }
    }
    if sk.subscriptions.load(Ordering::Acquire) != 0 {
        table.update_subscriptions(sk, 0);
    }
    table.all_nsid.retain(|s| !Arc::ptr_eq(s, sk));
}

/// `netlink_autobind`: the caller's process id first, then random negative
/// port ids counting down from a rover in [S32_MIN, −4097].
pub(crate) fn netlink_autobind(sk: &Arc<NetlinkSock>) -> Result<(), Errno> {
    let _s = trace_span!("netlink_autobind").entered();
    let globals = &sk.net.globals;
    let mut portid = sk.task_creds().pid as i32;
    let mut rover: i32 = -4096;
    loop {
        let taken = globals.nl_table[sk.protocol as usize].read().lookup(sk.net.id(), portid as u32).is_some();
        if taken {
            if rover == -4096 {
                // get_random_u32_below(-4096 - S32_MIN)
                let span = (-4096i64 - i32::MIN as i64) as u32;
                rover = (i32::MIN as i64 + globals.random_u32_below(span) as i64) as i32;
            } else if rover >= -4096 {
                rover = -4097;
            }
            portid = rover;
            rover = rover.wrapping_sub(1);
            continue;
        }
        match netlink_insert(sk, portid as u32) {
            Err(Errno::EADDRINUSE) => continue,
            // Two threads racing to autobind is fine.
            Err(Errno::EBUSY) => return Ok(()),
            r => return r,
        }
    }
}
