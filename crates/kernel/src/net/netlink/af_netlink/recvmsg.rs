//! Receiving: `netlink_recvmsg`, `netlink_overrun`, `netlink_rcv_wake`.
//!
//! One datagram per call. A buffer shorter than the datagram gets its first
//! bytes and `MSG_TRUNC`; the rest is lost (kernel-reference §1). With
//! `MSG_TRUNC` in the call's flags the full length is returned instead of the
//! copied one, which is how iproute2 sizes its buffer with a zero-length
//! `MSG_PEEK`. A pending error (ENOBUFS after an overrun) is returned once,
//! before any data. When a dump is running and the queue has drained to half
//! the receive buffer, the next chunk of the dump is built here, on the
//! reader's thread.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tracing::trace_span;

use super::dump::netlink_dump;
use super::queue::Dequeue;
use super::{
    NetlinkSock, NETLINK_F_LISTEN_ALL_NSID, NETLINK_F_RECV_NO_ENOBUFS, NETLINK_F_RECV_PKTINFO, NETLINK_MAX_RECVMSG_LEN,
};
use crate::Errno;
use nlwire::sockaddr::group_mask;
use nlwire::uapi::socket::{MSG_DONTWAIT, MSG_OOB, MSG_PEEK, MSG_TRUNC};
use nlwire::SockaddrNl;

/// What recvmsg(2) reports besides the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecvMeta {
    /// The return value: bytes copied, or the datagram's full length when the
    /// call passed `MSG_TRUNC`.
    pub len: usize,
    /// The datagram's full length.
    pub datagram_len: usize,
    /// `msg_flags` (`MSG_TRUNC` when the buffer was too short).
    pub msg_flags: u32,
    /// `msg_name`: the sender's port id and the group mask (0 above group 32).
    pub addr: SockaddrNl,
    /// The `NETLINK_PKTINFO` control message (the group, 0 for unicast), when enabled.
    pub pktinfo: Option<u32>,
    /// The `NETLINK_LISTEN_ALL_NSID` control message (the peer's nsid), when set.
    pub nsid: Option<i32>,
}

/// `netlink_recvmsg`.
pub(crate) fn netlink_recvmsg(sk: &Arc<NetlinkSock>, buf: &mut [u8], flags: u32) -> Result<RecvMeta, Errno> {
    let _s = trace_span!("netlink_recvmsg", portid = sk.portid(), len = buf.len()).entered();
    let nonblock = flags & MSG_DONTWAIT != 0 || sk.nonblock.load(Ordering::Acquire);
    let timeo = if nonblock { Some(Duration::ZERO) } else { *sk.rcvtimeo.lock() };
    let deadline = timeo.map(|t| Instant::now() + t);
    let peek = flags & MSG_PEEK != 0;
    if flags & MSG_OOB != 0 {
        return Err(Errno::EOPNOTSUPP);
    }

    // skb_recv_datagram: a pending error first, then data, waiting if allowed.
    let q = loop {
        let err = sk.sk_err.swap(0, Ordering::AcqRel);
        if err != 0 {
            netlink_rcv_wake(sk);
            return Err(Errno(err));
        }
        if sk.dead.load(Ordering::Acquire) {
            return Err(Errno::EBADF);
        }
        let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        match sk.queue.dequeue(peek, remaining) {
            Dequeue::Skb(q) => break q,
            Dequeue::Woken => continue,
            Dequeue::Empty => {
                netlink_rcv_wake(sk);
                return Err(Errno::EAGAIN);
            }
        }
    };

    // Record the largest buffer ever offered: later dump chunks grow to it.
    let max = sk.max_recvmsg_len.load(Ordering::Acquire).max(buf.len()).min(NETLINK_MAX_RECVMSG_LEN);
    sk.max_recvmsg_len.store(max, Ordering::Release);

    let skb = &q.skb;
    let datagram_len = skb.data.len();
    let mut copied = datagram_len;
    let mut msg_flags = 0;
    if buf.len() < copied {
        msg_flags |= MSG_TRUNC;
        copied = buf.len();
    }
    buf[..copied].copy_from_slice(&skb.data[..copied]);
    let meta = RecvMeta {
        len: if flags & MSG_TRUNC != 0 { datagram_len } else { copied },
        datagram_len,
        msg_flags,
        addr: SockaddrNl::new(skb.cb.portid, group_mask(skb.cb.dst_group)),
        pktinfo: sk.test_flag(NETLINK_F_RECV_PKTINFO).then_some(skb.cb.dst_group),
        nsid: if sk.test_flag(NETLINK_F_LISTEN_ALL_NSID) { q.nsid } else { None },
    };
    if !peek {
        // skb_free_datagram: the destructor uncharges the receive buffer.
        sk.rmem_alloc.fetch_sub(skb.truesize, Ordering::AcqRel);
    }
    drop(q);

    if sk.cb_running.load(Ordering::Acquire) && sk.rmem_alloc() <= sk.rcvbuf() / 2 {
        if let Err(e) = netlink_dump(sk) {
            sk.error_report(e.0);
        }
    }
    netlink_rcv_wake(sk);
    Ok(meta)
}

/// `netlink_overrun`: a message for `sk` was dropped. Count it and, unless
/// the socket asked for NETLINK_NO_ENOBUFS, mark it congested (drop all until
/// it drains) and make the next recv fail with ENOBUFS, once.
pub(crate) fn netlink_overrun(sk: &NetlinkSock) {
    if !sk.test_flag(NETLINK_F_RECV_NO_ENOBUFS) && !sk.congested.swap(true, Ordering::AcqRel) {
        sk.error_report(Errno::ENOBUFS.0);
    }
    sk.drops.fetch_add(1, Ordering::AcqRel);
}

/// `netlink_rcv_wake`: an empty queue clears the congestion, and senders
/// waiting for room are woken.
pub(crate) fn netlink_rcv_wake(sk: &NetlinkSock) {
    if sk.queue.is_empty() {
        sk.congested.store(false, Ordering::Release);
    }
    if !sk.congested.load(Ordering::Acquire) {
        let _g = sk.wait.0.lock();
        sk.wait.1.notify_all();
    }
}
