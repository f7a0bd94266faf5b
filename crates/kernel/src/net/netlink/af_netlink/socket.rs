//! A user socket's life: `netlink_create`, `netlink_bind`, `netlink_connect`,
//! `netlink_getname`, `netlink_release`.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use tracing::{debug_span, trace_span};

use super::table::{netlink_autobind, netlink_insert, netlink_remove};
use super::{Groups, NetlinkSock};
use crate::cred::Credentials;
use crate::net::core::net_namespace::NetRef;
use crate::Errno;
use nlwire::sockaddr::group_mask;
use nlwire::uapi::netlink::{MAX_LINKS, NL_CFG_F_NONROOT_RECV, NL_CFG_F_NONROOT_SEND};
use nlwire::uapi::socket::{AF_NETLINK, AF_UNSPEC, SOCK_DGRAM, SOCK_RAW};
use nlwire::SockaddrNl;

/// `netlink_create`: socket(AF_NETLINK, type, protocol) in namespace `net`.
pub(crate) fn netlink_create(
    net: &NetRef,
    sock_type: i32,
    protocol: i32,
    cred: Credentials,
) -> Result<Arc<NetlinkSock>, Errno> {
    let _s = debug_span!("netlink_create", net = net.id(), protocol).entered();
    if sock_type != SOCK_RAW && sock_type != SOCK_DGRAM {
        return Err(Errno::ESOCKTNOSUPPORT);
    }
    if protocol < 0 || protocol as u32 >= MAX_LINKS {
        return Err(Errno::EPROTONOSUPPORT);
    }
    let protocol = protocol as u32;
    let globals = &net.arc().globals;
    let (cb_mutex, bind, unbind) = {
        let table = globals.nl_table[protocol as usize].read();
        if table.registered == 0 {
            return Err(Errno::EPROTONOSUPPORT);
        }
        (table.cb_mutex.clone(), table.bind, table.unbind)
    };
    let sk = globals.sock_alloc(|ino| {
        let mut sk = NetlinkSock::new(net.arc(), protocol, ino, cred, false, cb_mutex);
        sk.sock_type = sock_type;
        sk.netlink_bind = bind;
        sk.netlink_unbind = unbind;
        sk
    });
    *sk.net_ref.lock() = Some(net.clone());
    Ok(sk)
}

/// `netlink_release`: close(2). Unhashes the socket, leaves its groups
/// (telling `unbind`), ends a running dump, frees what is queued.
pub(crate) fn netlink_release(sk: &Arc<NetlinkSock>) {
    let _s = debug_span!("netlink_release", portid = sk.portid()).entered();
    if sk.dead.swap(true, Ordering::AcqRel) {
        return;
    }
    netlink_remove(sk);
    if let Some(unbind) = sk.netlink_unbind {
        let groups = sk.groups.read().clone();
        for g in 1..=groups.ngroups {
            if groups.test(g) {
                unbind(&sk.net, g);
            }
        }
    }
    // Wake senders blocked on our queue and readers blocked in recv.
    {
        let _g = sk.wait.0.lock();
        sk.wait.1.notify_all();
    }
    sk.queue.wake();
    *sk.groups.write() = Groups::default();
    super::dump::netlink_dump_release(sk);
    for q in sk.queue.purge() {
        sk.rmem_alloc.fetch_sub(q.skb.truesize, Ordering::AcqRel);
    }
    sk.net.globals.sock_free(sk.ino);
    // sock_put: the namespace reference goes last.
    sk.net_ref.lock().take();
}

/// `netlink_realloc_groups`: sizes the bitmap to the protocol's group count.
pub(crate) fn netlink_realloc_groups(sk: &NetlinkSock) -> Result<(), Errno> {
    let table_groups = {
        let table = sk.net.globals.nl_table[sk.protocol as usize].read();
        if table.registered == 0 {
            return Err(Errno::ENOENT);
        }
        table.groups
    };
    let mut g = sk.groups.write();
    if g.ngroups >= table_groups {
        return Ok(());
    }
    g.bits.resize((table_groups as usize).div_ceil(64), 0);
    g.ngroups = table_groups;
    Ok(())
}

/// `netlink_undo_bind`: unbinds the groups below `upto` that were being joined.
fn netlink_undo_bind(sk: &NetlinkSock, upto: u32, groups: u32) {
    let Some(unbind) = sk.netlink_unbind else { return };
    for g in 0..upto.min(32) {
        if groups & (1 << g) != 0 {
            unbind(&sk.net, g + 1);
        }
    }
}

/// `netlink_bind`: bind(2) with a raw `struct sockaddr` of `addr.len()` bytes.
pub(crate) fn netlink_bind(sk: &Arc<NetlinkSock>, addr: &[u8]) -> Result<(), Errno> {
    let _s = debug_span!("netlink_bind").entered();
    let Some((family, nladdr)) = SockaddrNl::parse(addr) else {
        return Err(Errno::EINVAL);
    };
    if family != AF_NETLINK {
        return Err(Errno::EINVAL);
    }
    let mut groups = nladdr.groups as u64;
    // Only the privileged may listen, unless the protocol lets anyone.
    if groups != 0 {
        if !sk.netlink_allowed(NL_CFG_F_NONROOT_RECV) {
            return Err(Errno::EPERM);
        }
        netlink_realloc_groups(sk)?;
    }
    let ngroups = sk.groups.read().ngroups;
    if ngroups < 64 {
        groups &= (1u64 << ngroups) - 1;
    }
    let groups = groups as u32;

    let bound = sk.bound.load(Ordering::Acquire);
    if bound && nladdr.pid != sk.portid() {
        return Err(Errno::EINVAL);
    }

    if let (Some(bind), true) = (sk.netlink_bind, groups != 0) {
        let task = sk.task_creds();
        for g in 0..32u32 {
            if groups & (1 << g) == 0 {
                continue;
            }
            if let Err(e) = bind(&sk.net, &task, g + 1) {
                netlink_undo_bind(sk, g, groups);
                return Err(e);
            }
        }
    }

    if !bound {
        let r = if nladdr.pid != 0 { netlink_insert(sk, nladdr.pid) } else { netlink_autobind(sk) };
        if let Err(e) = r {
            netlink_undo_bind(sk, 32, groups);
            return Err(e);
        }
    }

    if groups == 0 && sk.groups.read().low32() == 0 {
        return Ok(());
    }

    let mut table = sk.net.globals.nl_table[sk.protocol as usize].write();
    let mut g = sk.groups.write();
    let subs = sk.subscriptions.load(Ordering::Acquire) + groups.count_ones() - g.low32().count_ones();
    if let Some(w) = g.bits.first_mut() {
        *w = (*w & !0xffff_ffffu64) | groups as u64;
    }
    drop(g);
    table.update_subscriptions(sk, subs);
    Ok(())
}

/// `netlink_connect`: sets the default destination of send(2); AF_UNSPEC disconnects.
pub(crate) fn netlink_connect(sk: &Arc<NetlinkSock>, addr: &[u8]) -> Result<(), Errno> {
    let _s = trace_span!("netlink_connect").entered();
    if addr.len() < 2 {
        return Err(Errno::EINVAL);
    }
    let family = u16::from_ne_bytes([addr[0], addr[1]]);
    if family == AF_UNSPEC as u16 {
        sk.connected.store(false, Ordering::Release);
        sk.dst_portid.store(0, Ordering::Release);
        sk.dst_group.store(0, Ordering::Release);
        return Ok(());
    }
    if family != AF_NETLINK {
        return Err(Errno::EINVAL);
    }
    let Some((_, nladdr)) = SockaddrNl::parse(addr) else {
        return Err(Errno::EINVAL);
    };
    if (nladdr.groups != 0 || nladdr.pid != 0) && !sk.netlink_allowed(NL_CFG_F_NONROOT_SEND) {
        return Err(Errno::EPERM);
    }
    if !sk.bound.load(Ordering::Acquire) {
        netlink_autobind(sk)?;
    }
    sk.connected.store(true, Ordering::Release);
    sk.dst_portid.store(nladdr.pid, Ordering::Release);
    sk.dst_group.store(ffs(nladdr.groups), Ordering::Release);
    Ok(())
}

/// `ffs`: 1-based index of the lowest set bit, 0 for none.
pub(crate) fn ffs(x: u32) -> u32 {
    if x == 0 {
        0
    } else {
        x.trailing_zeros() + 1
    }
}

/// `netlink_getname`: getsockname(2) (`peer == false`) or getpeername(2).
pub(crate) fn netlink_getname(sk: &NetlinkSock, peer: bool) -> SockaddrNl {
    if peer {
        SockaddrNl::new(sk.dst_portid.load(Ordering::Acquire), group_mask(sk.dst_group.load(Ordering::Acquire)))
    } else {
        SockaddrNl::new(sk.portid(), sk.groups.read().low32())
    }
}
