//! Multicast: `netlink_broadcast`, `do_one_broadcast`,
//! `netlink_broadcast_deliver`, `netlink_has_listeners`.
//!
//! One buffer for all receivers: each gets the same [`Skb`] (an `Arc`), as
//! `skb_clone` shares the data, and each is charged its truesize.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use tracing::trace_span;

use super::queue::QueuedSkb;
use super::recvmsg::netlink_overrun;
use super::sendmsg::netlink_sendskb;
use super::{NetlinkSock, NETLINK_F_BROADCAST_SEND_ERROR};
use crate::net::core::skbuff::{SkBuff, Skb};
use crate::Errno;

/// `netlink_broadcast(ssk, skb, portid, group)`: deliver to every socket of
/// `ssk`'s namespace and protocol that is in `group`, except `ssk` itself and
/// port `portid`. `Ok(n)`: delivered to n sockets; ESRCH: nobody listens;
/// ENOBUFS: a listener with NETLINK_BROADCAST_ERROR missed it.
pub fn netlink_broadcast(ssk: &Arc<NetlinkSock>, mut skb: SkBuff, portid: u32, group: u32) -> Result<usize, Errno> {
    skb.netlink_trim();
    netlink_broadcast_shared(ssk, skb.into_shared(), portid, group)
}

/// `netlink_broadcast` of an skb that is already shared.
pub(crate) fn netlink_broadcast_shared(
    ssk: &Arc<NetlinkSock>,
    skb: Skb,
    portid: u32,
    group: u32,
) -> Result<usize, Errno> {
    let table = ssk.net.globals.nl_table[ssk.protocol as usize].read();
    let mut info = BroadcastInfo { delivered: 0, delivery_failure: false };
    if let Some(list) = table.mc_list.get(&ssk.net.id()) {
        for sk in list {
            do_one_broadcast(sk, ssk, &skb, portid, group, None, &mut info);
        }
    }
    for sk in &table.all_nsid {
        if sk.net.id() == ssk.net.id() {
            continue;
        }
        // A listener elsewhere hears this namespace only if it has an id for it.
        if let Some(nsid) = ssk.net.globals.peernet2id(&sk.net, &ssk.net) {
            do_one_broadcast(sk, ssk, &skb, portid, group, Some(nsid), &mut info);
        }
    }
    drop(table);
    let _s = trace_span!("netlink_broadcast", group, delivered = info.delivered).entered();
    if info.delivery_failure {
        return Err(Errno::ENOBUFS);
    }
    if info.delivered > 0 {
        Ok(info.delivered)
    } else {
        Err(Errno::ESRCH)
    }
}

struct BroadcastInfo {
    delivered: usize,
    delivery_failure: bool,
}

/// `do_one_broadcast`.
fn do_one_broadcast(
    sk: &Arc<NetlinkSock>,
    ssk: &Arc<NetlinkSock>,
    skb: &Skb,
    portid: u32,
    group: u32,
    nsid: Option<i32>,
    info: &mut BroadcastInfo,
) {
    if Arc::ptr_eq(sk, ssk) {
        return;
    }
    if sk.portid() == portid || !sk.groups.read().test(group) {
        return;
    }
    if netlink_broadcast_deliver(sk, skb, nsid) {
        info.delivered += 1;
    } else {
        netlink_overrun(sk);
        if sk.test_flag(NETLINK_F_BROADCAST_SEND_ERROR) {
            info.delivery_failure = true;
        }
    }
}

/// `netlink_broadcast_deliver`: the same admission rule as a unicast
/// (charge first, keep it if it was the only skb or fits, unless congested).
fn netlink_broadcast_deliver(sk: &NetlinkSock, skb: &Skb, nsid: Option<i32>) -> bool {
    let truesize = skb.truesize;
    let rmem = sk.rmem_alloc.fetch_add(truesize, Ordering::AcqRel) + truesize;
    let rcvbuf = sk.rcvbuf.load(Ordering::Acquire);
    if (rmem == truesize || rmem <= rcvbuf) && !sk.congested.load(Ordering::Acquire) {
        netlink_sendskb(sk, QueuedSkb { skb: Arc::clone(skb), nsid });
        return true;
    }
    sk.rmem_alloc.fetch_sub(truesize, Ordering::AcqRel);
    false
}

/// `netlink_has_listeners`: does any socket of `sk`'s namespace listen to `group`?
pub fn netlink_has_listeners(sk: &NetlinkSock, group: u32) -> bool {
    let table = sk.net.globals.nl_table[sk.protocol as usize].read();
    let here = table.mc_list.get(&sk.net.id()).is_some_and(|l| l.iter().any(|s| s.groups.read().test(group)));
    here || table.all_nsid.iter().any(|s| s.groups.read().test(group))
}
