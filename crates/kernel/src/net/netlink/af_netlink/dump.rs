//! Dumps: `netlink_dump_start`, `netlink_dump`, `netlink_dump_done`.
//!
//! A dump is a callback kept in the requesting socket (`struct
//! netlink_callback`, one per socket: a second dump while one runs is EBUSY).
//! `netlink_dump_start` fills the first chunk at once; every later chunk is
//! filled inside recvmsg(2), by any read that leaves `sk_rmem_alloc` at or
//! below half the receive buffer (so with nothing else queued, one chunk
//! waits at a time). A chunk is
//! `max(min_dump_alloc, NLMSG_GOODSIZE)` bytes, or the largest buffer the
//! reader ever offered (up to 32448) if that is larger; the dump callback
//! puts whole messages until one does not fit (EMSGSIZE with data = more to
//! come). The end is an NLMSG_DONE carrying the callback's final return value.

use std::any::Any;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};

use parking_lot::MutexGuard;
use tracing::debug_span;

use super::ack::{netlink_ack_tlv_fill, netlink_ack_tlv_len};
use super::queue::QueuedSkb;
use super::sendmsg::netlink_sendskb;
use super::table::netlink_lookup;
use super::{NetlinkRcvSkb, NetlinkSock, NETLINK_F_EXT_ACK, NETLINK_F_STRICT_CHK};
use crate::net::core::net_namespace::Net;
use crate::net::core::skbuff::{alloc_skb, SkBuff};
use crate::Errno;
use nlwire::policy::ExtAck;
use nlwire::skb::{NlMsgStart, NLMSG_GOODSIZE};
use nlwire::uapi::netlink::{NLMSG_DONE, NLM_F_ACK_TLVS, NLM_F_DUMP_INTR, NLM_F_MULTI};
use nlwire::{nlmsg_total_size, NlMsgHdr};

/// `cb->dump`: fills `skb` with whole messages. `Ok(n)` with n > 0: the chunk
/// is full, call again; `Ok(0)`: done; `Err(EMSGSIZE)` with data in the skb
/// means the same as `Ok(len)`; any other error ends the dump with that errno
/// in NLMSG_DONE.
pub type NetlinkDumpFn = Arc<dyn Fn(&mut SkBuff, &mut NetlinkCallback) -> Result<usize, Errno> + Send + Sync>;
/// `cb->done`: called once when the dump ends or the socket closes.
pub type NetlinkDoneFn = Arc<dyn Fn(&mut NetlinkCallback) + Send + Sync>;
/// `control->start`: runs once before the first chunk; an error refuses the dump.
pub type NetlinkStartFn = Arc<dyn Fn(&mut NetlinkCallback) -> Result<(), Errno> + Send + Sync>;

/// `struct netlink_dump_control`.
#[derive(Clone)]
pub struct NetlinkDumpControl {
    pub start: Option<NetlinkStartFn>,
    pub dump: NetlinkDumpFn,
    pub done: Option<NetlinkDoneFn>,
    pub data: Option<Arc<dyn Any + Send + Sync>>,
    pub min_dump_alloc: u32,
    pub flags: u32,
}

/// `struct netlink_callback`: the state of one running dump.
pub struct NetlinkCallback {
    pub dump: NetlinkDumpFn,
    pub done: Option<NetlinkDoneFn>,
    /// `cb->nlh`: the request, kept for the whole dump.
    pub nlh: Vec<u8>,
    /// `NETLINK_CB(cb->skb).portid`: where the chunks go.
    pub portid: u32,
    /// `cb->args`: the dumper's cursor.
    pub args: [i64; 6],
    /// `cb->ctx`: a dumper's typed cursor, where `args` does not fit.
    pub ctx: Option<Box<dyn Any + Send>>,
    /// The generation the dump saw (`cb->seq`) and last checked (`cb->prev_seq`).
    pub seq: u32,
    pub prev_seq: u32,
    /// `cb->family`: the cursor of `rtnl_dump_all`.
    pub family: u8,
    /// Flags added to every answer (`NLM_F_DUMP_FILTERED`).
    pub answer_flags: u16,
    pub min_dump_alloc: u32,
    /// `cb->strict_check`: the requester set NETLINK_GET_STRICT_CHK.
    pub strict_check: bool,
    /// `cb->flags`: the handler's flags (rtnetlink's RTNL_FLAG_*).
    pub flags: u32,
    /// `cb->data`: rtnetlink keeps the real dumpit here.
    pub data: Option<Arc<dyn Any + Send + Sync>>,
    /// `cb->extack`: fresh for each chunk; its message goes into NLMSG_DONE.
    pub extack: ExtAck,
    /// `sock_net(cb->skb->sk)`.
    pub net: Arc<Net>,
    /// `cb->skb->sk`: the requester's socket (weak: the callback lives in it).
    pub sk: Weak<NetlinkSock>,
}

impl NetlinkCallback {
    /// `sk_ns_capable(cb->skb->sk, …, cap)`: the socket was opened with the
    /// capability and the current task has it.
    pub fn sk_capable(&self, cap: u32) -> bool {
        self.sk.upgrade().is_some_and(|sk| sk.file_creds().capable(cap) && sk.task_creds().capable(cap))
    }

    /// The request's header.
    pub fn nlh(&self) -> NlMsgHdr<&[u8]> {
        NlMsgHdr::new_unchecked(&self.nlh[..])
    }

    /// `nlmsg_put_answer`: opens a reply message to the requester with its seq.
    pub fn nlmsg_put_answer(&self, skb: &mut SkBuff, ty: u16, payload: usize, flags: u16) -> Option<NlMsgStart> {
        skb.nlmsg_put(self.portid, self.nlh().nlmsg_seq(), ty, payload, flags)
    }

    /// `nl_dump_check_consistent`: flags the message with NLM_F_DUMP_INTR if
    /// the generation moved since the last message (only the first after a
    /// change is flagged, kernel-reference §5).
    pub fn nl_dump_check_consistent(&mut self, skb: &mut SkBuff, nlh: NlMsgStart) {
        if self.prev_seq != 0 && self.seq != self.prev_seq {
            skb.nlmsg_flags_or(nlh, NLM_F_DUMP_INTR);
        }
        self.prev_seq = self.seq;
    }
}

/// What `nlk->nl_cb_mutex` guards.
pub(crate) struct CbState {
    pub cb: Option<NetlinkCallback>,
    /// `nlk->dump_done_errno`: INT_MAX while the dumper has more to give.
    pub dump_done_errno: i32,
}

impl Default for CbState {
    fn default() -> Self {
        CbState { cb: None, dump_done_errno: i32::MAX }
    }
}

/// `netlink_dump_start` (`__netlink_dump_start`): installs the callback in
/// the requester's socket and fills the first chunk. Returns `Err(EINTR)`
/// when the dump started, as the kernel does, so that `netlink_rcv_skb`
/// sends no ack; any other error is the request's answer.
pub fn netlink_dump_start(
    ssk: &Arc<NetlinkSock>,
    skb: &NetlinkRcvSkb<'_>,
    nlh: &[u8],
    control: NetlinkDumpControl,
) -> Result<(), Errno> {
    let _s = debug_span!("netlink_dump_start", portid = skb.cb.portid).entered();
    let sk = netlink_lookup(ssk, skb.cb.portid).ok_or(Errno::ECONNREFUSED)?;
    let _outer = sk.cb_mutex.as_ref().map(|m| m.lock());
    let mut st = sk.cb.lock();
    if sk.cb_running.load(Ordering::Acquire) {
        return Err(Errno::EBUSY);
    }
    let mut cb = NetlinkCallback {
        dump: control.dump,
        done: control.done,
        nlh: nlh.to_vec(),
        portid: skb.cb.portid,
        args: [0; 6],
        ctx: None,
        seq: 0,
        prev_seq: 0,
        family: 0,
        answer_flags: 0,
        min_dump_alloc: control.min_dump_alloc,
        strict_check: skb.sk.test_flag(NETLINK_F_STRICT_CHK),
        flags: control.flags,
        data: control.data,
        extack: ExtAck::default(),
        net: Arc::clone(&sk.net),
        sk: Arc::downgrade(&sk),
    };
    if let Some(start) = control.start {
        start(&mut cb)?;
    }
    st.cb = Some(cb);
    st.dump_done_errno = i32::MAX;
    sk.cb_running.store(true, Ordering::Release);
    // The first chunk is filled with nl_cb_mutex still held, as Linux does.
    netlink_dump_locked(&sk, st)?;
    Err(Errno::EINTR)
}

/// `netlink_dump(sk, false)`: builds and queues the next chunk (and the DONE at the end).
pub(crate) fn netlink_dump(sk: &Arc<NetlinkSock>) -> Result<(), Errno> {
    let _outer = sk.cb_mutex.as_ref().map(|m| m.lock());
    netlink_dump_locked(sk, sk.cb.lock())
}

/// `netlink_dump` with `nl_cb_mutex` held (released before returning).
fn netlink_dump_locked(sk: &Arc<NetlinkSock>, mut st: MutexGuard<'_, CbState>) -> Result<(), Errno> {
    if !sk.cb_running.load(Ordering::Acquire) {
        return Err(Errno::EINVAL);
    }
    let dump_done_errno = st.dump_done_errno;
    let Some(cb) = st.cb.as_mut() else {
        return Err(Errno::EINVAL);
    };

    let alloc_min_size = (cb.min_dump_alloc as usize).max(NLMSG_GOODSIZE);
    let max_recvmsg_len = sk.max_recvmsg_len.load(Ordering::Acquire);
    let alloc_size = if alloc_min_size < max_recvmsg_len { max_recvmsg_len } else { alloc_min_size };
    let mut skb = alloc_skb(alloc_size);

    // Charge the chunk first; refuse it if the queue already holds a full buffer.
    let rcvbuf = sk.rcvbuf();
    let truesize = skb.truesize();
    let rmem = sk.rmem_alloc.fetch_add(truesize, Ordering::AcqRel) + truesize;
    if rmem != truesize && rmem >= rcvbuf {
        sk.rmem_alloc.fetch_sub(truesize, Ordering::AcqRel);
        return Err(Errno::ENOBUFS);
    }
    // skb_reserve(skb, skb_tailroom(skb) - alloc_size): no more than asked for.
    skb.limit_tailroom(alloc_size);

    let mut errno = dump_done_errno;
    if errno > 0 {
        cb.extack = ExtAck::default();
        let _s = debug_span!("netlink_dump", portid = sk.portid(), chunk = alloc_size).entered();
        let dump = Arc::clone(&cb.dump);
        errno = match dump(&mut skb, cb) {
            Ok(n) => n.min(i32::MAX as usize) as i32,
            Err(e) => e.to_wire(),
        };
        if errno == Errno::EMSGSIZE.to_wire() && !skb.is_empty() {
            errno = skb.len() as i32;
        }
    }
    st.dump_done_errno = errno;

    if errno > 0 || skb.tailroom() < nlmsg_total_size(4) {
        drop(st);
        queue_chunk(sk, skb);
        return Ok(());
    }

    let Some(cb) = st.cb.as_mut() else {
        return Err(Errno::EINVAL);
    };
    if netlink_dump_done(sk, &mut skb, cb, errno).is_err() {
        sk.rmem_alloc.fetch_sub(truesize, Ordering::AcqRel);
        return Err(Errno::ENOBUFS);
    }
    queue_chunk(sk, skb);
    let mut cb = st.cb.take();
    if let Some(cb) = cb.as_mut() {
        if let Some(done) = cb.done.clone() {
            done(cb);
        }
    }
    sk.cb_running.store(false, Ordering::Release);
    Ok(())
}

fn queue_chunk(sk: &Arc<NetlinkSock>, skb: SkBuff) {
    netlink_sendskb(sk, QueuedSkb { skb: skb.into_shared(), nsid: None });
}

/// `netlink_dump_done`: NLMSG_DONE with the final errno and, when the
/// requester asked for extended acks, the dumper's ext-ack TLVs after it.
fn netlink_dump_done(sk: &NetlinkSock, skb: &mut SkBuff, cb: &mut NetlinkCallback, errno: i32) -> Result<(), Errno> {
    let _s = debug_span!("netlink_dump_done", errno).entered();
    let flags = NLM_F_MULTI | cb.answer_flags;
    let nlh = cb.nlmsg_put_answer(skb, NLMSG_DONE, 4, flags).ok_or(Errno::ENOBUFS)?;
    cb.nl_dump_check_consistent(skb, nlh);
    skb.nlmsg_data_mut(nlh)[..4].copy_from_slice(&errno.to_ne_bytes());
    let extack_len = netlink_ack_tlv_len(sk.test_flag(NETLINK_F_EXT_ACK), errno, &cb.extack);
    if extack_len != 0 {
        skb.nlmsg_flags_or(nlh, NLM_F_ACK_TLVS);
        if skb.tailroom() >= extack_len {
            netlink_ack_tlv_fill(skb, &cb.nlh, errno, &cb.extack);
            skb.nlmsg_end(nlh);
        }
    }
    Ok(())
}

/// The dump part of `netlink_sock_destruct`: a socket closed mid-dump still
/// runs the callback's `done`.
pub(crate) fn netlink_dump_release(sk: &NetlinkSock) {
    let mut st = sk.cb.lock();
    if sk.cb_running.swap(false, Ordering::AcqRel) {
        if let Some(mut cb) = st.cb.take() {
            if let Some(done) = cb.done.clone() {
                done(&mut cb);
            }
        }
    }
}
