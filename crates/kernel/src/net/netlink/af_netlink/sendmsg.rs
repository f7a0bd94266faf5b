//! Sending: `netlink_sendmsg`, `netlink_unicast` and the helpers of
//! include/net/netlink.h built on them (`nlmsg_unicast`, `nlmsg_multicast`,
//! `nlmsg_notify`).
//!
//! A datagram to port 0 runs the kernel socket's `input` right here, on the
//! sender's thread (`netlink_unicast_kernel`): by the time send(2) returns,
//! the replies are queued. A datagram to a user port is queued on that
//! socket if its receive buffer admits it (`netlink_attachskb`); a user
//! sender then waits for room (or gets EAGAIN with MSG_DONTWAIT), while the
//! kernel never waits: its message is dropped and the receiver overrun.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tracing::{debug_span, trace_span};

use super::broadcast::netlink_broadcast;
use super::queue::QueuedSkb;
use super::recvmsg::netlink_overrun;
use super::socket::ffs;
use super::table::{netlink_autobind, netlink_lookup};
use super::{NetlinkRcvSkb, NetlinkSock};
use crate::net::core::skbuff::{netlink_alloc_large_skb, NetlinkCb, SkBuff, Skb};
use crate::Errno;
use nlwire::uapi::netlink::{NLM_F_ECHO, NL_CFG_F_NONROOT_SEND};
use nlwire::uapi::socket::{AF_NETLINK, MSG_DONTWAIT, MSG_OOB};
use nlwire::SockaddrNl;

/// `netlink_sendmsg`: send(2)/sendto(2)/sendmsg(2) of one datagram.
/// `addr` is the raw `msg_name` (None when `msg_namelen` is 0).
pub(crate) fn netlink_sendmsg(
    sk: &Arc<NetlinkSock>,
    data: &[u8],
    addr: Option<&[u8]>,
    flags: u32,
) -> Result<usize, Errno> {
    let _s = debug_span!("netlink_sendmsg", portid = sk.portid(), len = data.len()).entered();
    if flags & MSG_OOB != 0 {
        return Err(Errno::EOPNOTSUPP);
    }
    if data.is_empty() {
        return Err(Errno::ENODATA);
    }
    let (dst_portid, dst_group, explicit_dst) = match addr {
        Some(raw) => {
            let Some((family, nladdr)) = SockaddrNl::parse(raw) else {
                return Err(Errno::EINVAL);
            };
            if family != AF_NETLINK {
                return Err(Errno::EINVAL);
            }
            let dst_group = ffs(nladdr.groups);
            if (dst_group != 0 || nladdr.pid != 0) && !sk.netlink_allowed(NL_CFG_F_NONROOT_SEND) {
                return Err(Errno::EPERM);
            }
            (nladdr.pid, dst_group, true)
        }
        None => (sk.dst_portid.load(Ordering::Acquire), sk.dst_group.load(Ordering::Acquire), false),
    };

    if !sk.bound.load(Ordering::Acquire) {
        netlink_autobind(sk)?;
    }

    let sndbuf = sk.sndbuf.load(Ordering::Acquire) as usize;
    if data.len() + 32 > sndbuf {
        return Err(Errno::EMSGSIZE);
    }

    let cb = NetlinkCb { portid: sk.portid(), dst_group, explicit_dst, creds: Some(sk.task_creds()) };

    if dst_group != 0 {
        let mut skb = netlink_alloc_large_skb(data.len(), true);
        skb.put_data(data).map_err(|_| Errno::ENOBUFS)?;
        skb.cb = cb;
        // The broadcast's outcome is not the sender's business: send(2)
        // reports the unicast that follows.
        let _ = netlink_broadcast(sk, skb, dst_portid, dst_group);
    }

    let nonblock = flags & MSG_DONTWAIT != 0 || sk.nonblock.load(Ordering::Acquire);
    let timeo = if nonblock { Some(Duration::ZERO) } else { *sk.sndtimeo.lock() };
    netlink_unicast_data(sk, data, cb, dst_portid, timeo)
}

/// `netlink_getsockbyportid`: the destination of a unicast, or ECONNREFUSED
/// if the port is free or the destination is connected to someone else.
fn netlink_getsockbyportid(ssk: &NetlinkSock, portid: u32) -> Result<Arc<NetlinkSock>, Errno> {
    let sock = netlink_lookup(ssk, portid).ok_or(Errno::ECONNREFUSED)?;
    if sock.connected.load(Ordering::Acquire) && sock.dst_portid.load(Ordering::Acquire) != ssk.portid() {
        return Err(Errno::ECONNREFUSED);
    }
    Ok(sock)
}

/// The user-send half of `netlink_unicast`: to port 0 the data is handed to
/// `input` without a copy; to a user port it becomes a queued skb.
fn netlink_unicast_data(
    ssk: &Arc<NetlinkSock>,
    data: &[u8],
    cb: NetlinkCb,
    portid: u32,
    timeo: Option<Duration>,
) -> Result<usize, Errno> {
    let _s = trace_span!("netlink_unicast", portid, len = data.len()).entered();
    let deadline = timeo.map(|t| Instant::now() + t);
    let mut pending: Option<Skb> = None;
    loop {
        let sk = netlink_getsockbyportid(ssk, portid)?;
        if sk.is_kernel() {
            return netlink_unicast_kernel(&sk, data, cb, ssk);
        }
        let skb = match pending.take() {
            Some(s) => s,
            None => {
                let mut skb = netlink_alloc_large_skb(data.len(), false);
                skb.put_data(data).map_err(|_| Errno::ENOBUFS)?;
                skb.cb = cb;
                skb.into_shared()
            }
        };
        match netlink_attachskb(&sk, skb, deadline, Some(ssk)) {
            Attach::Queued => return Ok(data.len()),
            Attach::Retry(skb) => pending = Some(skb),
            Attach::Err(e) => return Err(e),
        }
    }
}

/// `netlink_unicast_kernel`: runs the kernel socket's `input` on this thread.
fn netlink_unicast_kernel(
    sk: &Arc<NetlinkSock>,
    data: &[u8],
    cb: NetlinkCb,
    ssk: &Arc<NetlinkSock>,
) -> Result<usize, Errno> {
    let Some(input) = sk.netlink_rcv.clone() else {
        return Err(Errno::ECONNREFUSED);
    };
    let _s = trace_span!("netlink_unicast_kernel", portid = cb.portid).entered();
    let skb = NetlinkRcvSkb { data, cb, sk: ssk, ssk: sk, nlmsg_flags_now: Default::default() };
    input(&skb);
    Ok(data.len())
}

pub(crate) enum Attach {
    Queued,
    /// The queue made room (or the wait ended): look the destination up again.
    Retry(Skb),
    Err(Errno),
}

/// `netlink_attachskb`: charge the skb to `sk` if the receive buffer admits
/// it; otherwise wait for room until `deadline` (a user sender) or drop it
/// and overrun the receiver (the kernel, or a sender that cannot wait).
pub(crate) fn netlink_attachskb(
    sk: &Arc<NetlinkSock>,
    skb: Skb,
    deadline: Option<Instant>,
    ssk: Option<&Arc<NetlinkSock>>,
) -> Attach {
    let truesize = skb.truesize;
    let rmem = sk.rmem_alloc.fetch_add(truesize, Ordering::AcqRel) + truesize;
    let rcvbuf = sk.rcvbuf.load(Ordering::Acquire);
    // Up to rcvbuf inclusive, as a broadcast (netlink_broadcast_deliver).
    // Older trees tested `rmem < rcvbuf` here; since "netlink: avoid infinite
    // retry looping in netlink_unicast()" a datagram may fill the buffer
    // exactly, as 6.18.44 does (tests/differential/scenarios/09_enobufs.scn).
    if (rmem == truesize || rmem <= rcvbuf) && !sk.congested.load(Ordering::Acquire) {
        netlink_sendskb(sk, QueuedSkb { skb, nsid: None });
        return Attach::Queued;
    }
    sk.rmem_alloc.fetch_sub(truesize, Ordering::AcqRel);

    let expired = deadline.is_some_and(|d| d <= Instant::now());
    if expired {
        if ssk.is_none_or(|s| s.is_kernel()) {
            netlink_overrun(sk);
        }
        return Attach::Err(Errno::EAGAIN);
    }
    // Sleep on nlk->wait until the reader makes room, the socket dies or time runs out.
    let mut guard = sk.wait.0.lock();
    let still_full = {
        let rmem = sk.rmem_alloc.load(Ordering::Acquire);
        (rmem != 0 && rmem + truesize > rcvbuf) || sk.congested.load(Ordering::Acquire)
    };
    if still_full && !sk.dead.load(Ordering::Acquire) {
        match deadline {
            Some(d) => {
                let _ = sk.wait.1.wait_until(&mut guard, d);
            }
            None => sk.wait.1.wait(&mut guard),
        }
    }
    Attach::Retry(skb)
}

/// `__netlink_sendskb`: queue and wake the reader.
pub(crate) fn netlink_sendskb(sk: &NetlinkSock, q: QueuedSkb) {
    sk.queue.push(q);
    sk.notify_data_ready();
}

/// `netlink_unicast(ssk, skb, portid, MSG_DONTWAIT)` from the kernel: queue
/// `skb` on the user socket `portid` of `ssk`'s namespace and protocol.
/// The kernel never waits; a full receiver is overrun and the skb dropped.
pub fn netlink_unicast(ssk: &Arc<NetlinkSock>, mut skb: SkBuff, portid: u32) -> Result<usize, Errno> {
    let _s = trace_span!("netlink_unicast", portid, len = skb.len()).entered();
    skb.netlink_trim();
    let len = skb.len();
    let sk = netlink_getsockbyportid(ssk, portid)?;
    if sk.is_kernel() {
        let Some(input) = sk.netlink_rcv.clone() else {
            return Err(Errno::ECONNREFUSED);
        };
        let data = skb.data().to_vec();
        let rcv = NetlinkRcvSkb { data: &data, cb: skb.cb, sk: ssk, ssk: &sk, nlmsg_flags_now: Default::default() };
        input(&rcv);
        return Ok(len);
    }
    match netlink_attachskb(&sk, skb.into_shared(), Some(Instant::now()), Some(ssk)) {
        Attach::Queued => Ok(len),
        Attach::Retry(_) => Err(Errno::EAGAIN),
        Attach::Err(e) => Err(e),
    }
}

/// Queues an already shared skb on `portid` (the ECHO copy of a notification
/// shares the multicast's buffer).
pub(crate) fn netlink_unicast_shared(ssk: &Arc<NetlinkSock>, skb: Skb, portid: u32) -> Result<usize, Errno> {
    let len = skb.data.len();
    let sk = netlink_getsockbyportid(ssk, portid)?;
    if sk.is_kernel() {
        return Err(Errno::ECONNREFUSED);
    }
    match netlink_attachskb(&sk, skb, Some(Instant::now()), Some(ssk)) {
        Attach::Queued => Ok(len),
        Attach::Retry(_) => Err(Errno::EAGAIN),
        Attach::Err(e) => Err(e),
    }
}

/// `nlmsg_unicast`: `netlink_unicast`, success as `Ok(())`.
pub fn nlmsg_unicast(sk: &Arc<NetlinkSock>, skb: SkBuff, portid: u32) -> Result<(), Errno> {
    netlink_unicast(sk, skb, portid).map(|_| ())
}

/// `nlmsg_multicast`: sets the destination group and broadcasts, excluding `portid`.
pub fn nlmsg_multicast(sk: &Arc<NetlinkSock>, mut skb: SkBuff, portid: u32, group: u32) -> Result<(), Errno> {
    skb.cb.dst_group = group;
    netlink_broadcast(sk, skb, portid, group).map(|_| ())
}

/// `nlmsg_notify`: a notification to `group`, and with `report` (the request
/// had NLM_F_ECHO) a unicast copy to the requester, who is then left out of
/// the multicast. The copy shares the multicast's buffer and keeps its
/// `dst_group`, so it reads as a multicast (kernel-reference §6).
pub fn nlmsg_notify(
    sk: &Arc<NetlinkSock>,
    mut skb: SkBuff,
    portid: u32,
    group: u32,
    report: bool,
) -> Result<(), Errno> {
    let _s = debug_span!("nlmsg_notify", portid, group, report).entered();
    let mut err = Ok(());
    skb.netlink_trim();
    if group != 0 {
        skb.cb.dst_group = group;
    }
    let shared = skb.into_shared();
    if group != 0 {
        let exclude_portid = if report { portid } else { 0 };
        err = match super::broadcast::netlink_broadcast_shared(sk, Arc::clone(&shared), exclude_portid, group) {
            Ok(_) | Err(Errno::ESRCH) => Ok(()),
            Err(e) => Err(e),
        };
    }
    if report {
        let err2 = netlink_unicast_shared(sk, shared, portid).map(|_| ());
        if err.is_ok() {
            err = err2;
        }
    }
    err
}

/// `nlmsg_report`: did the request ask to hear about its effect?
pub fn nlmsg_report(nlmsg_flags: u16) -> bool {
    nlmsg_flags & NLM_F_ECHO != 0
}
