//! `sk->sk_receive_queue`: a socket's queue of datagrams.
//!
//! Senders push without locking the reader (a crossbeam channel, as the
//! kernel's `skb_queue_tail` takes only the queue's spinlock); the reader side
//! keeps one slot for a datagram that `MSG_PEEK` looked at, so the next read
//! returns it again. Byte accounting (`sk_rmem_alloc`) is not here but in the
//! socket, because the admission rule belongs to af_netlink.
//!
//! A second, one-slot channel carries wake-ups without data:
//! `sk_error_report` and shutdown must wake a reader blocked on an empty queue.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use parking_lot::Mutex;

use crate::net::core::skbuff::Skb;

/// One queued datagram and what this receiver alone knows about it.
#[derive(Debug, Clone)]
pub(crate) struct QueuedSkb {
    pub skb: Skb,
    /// `NETLINK_CB(skb).nsid` as seen from the receiver (LISTEN_ALL_NSID).
    pub nsid: Option<i32>,
}

pub(crate) struct RecvQueue {
    tx: Sender<QueuedSkb>,
    rx: Receiver<QueuedSkb>,
    wake_tx: Sender<()>,
    wake_rx: Receiver<()>,
    /// A datagram taken off the channel by a peek, still at the head.
    head: Mutex<Option<QueuedSkb>>,
    /// `skb_queue_len`.
    qlen: AtomicUsize,
}

/// What a dequeue ended with.
pub(crate) enum Dequeue {
    Skb(QueuedSkb),
    /// Woken without data (an error report or shutdown): the caller re-checks.
    Woken,
    /// Nothing within the timeout (or at once, for a non-blocking read).
    Empty,
}

impl RecvQueue {
    pub fn new() -> Self {
        let (tx, rx) = crossbeam_channel::unbounded();
        let (wake_tx, wake_rx) = crossbeam_channel::bounded(1);
        RecvQueue { tx, rx, wake_tx, wake_rx, head: Mutex::new(None), qlen: AtomicUsize::new(0) }
    }

    /// `skb_queue_tail`.
    pub fn push(&self, skb: QueuedSkb) {
        self.qlen.fetch_add(1, Ordering::AcqRel);
        // The receiver lives as long as the queue: sending cannot fail.
        let _ = self.tx.send(skb);
    }

    /// Wakes a blocked reader without queueing data.
    pub fn wake(&self) {
        let _ = self.wake_tx.try_send(());
    }

    /// `skb_queue_empty_lockless`.
    pub fn is_empty(&self) -> bool {
        self.qlen.load(Ordering::Acquire) == 0
    }

    /// `skb_queue_len`.
    pub fn len(&self) -> usize {
        self.qlen.load(Ordering::Acquire)
    }

    /// Takes (or, with `peek`, looks at) the head datagram, waiting up to
    /// `timeout` (`None`: forever; `Some(ZERO)`: not at all).
    pub fn dequeue(&self, peek: bool, timeout: Option<Duration>) -> Dequeue {
        let mut head = self.head.lock();
        if let Some(q) = head.as_ref() {
            let q = q.clone();
            if !peek {
                *head = None;
                self.qlen.fetch_sub(1, Ordering::AcqRel);
            }
            return Dequeue::Skb(q);
        }
        let got = match timeout {
            Some(t) if t.is_zero() => match self.rx.try_recv() {
                Ok(q) => q,
                Err(_) => return Dequeue::Empty,
            },
            _ => {
                // A stale wake-up only makes the caller re-check and wait again.
                if let Ok(q) = self.rx.try_recv() {
                    q
                } else {
                    let deadline = timeout.map(|t| Instant::now() + t);
                    let mut sel = crossbeam_channel::Select::new();
                    let data_idx = sel.recv(&self.rx);
                    let wake_idx = sel.recv(&self.wake_rx);
                    let op = match deadline {
                        Some(d) => match sel.select_deadline(d) {
                            Ok(op) => op,
                            Err(_) => return Dequeue::Empty,
                        },
                        None => sel.select(),
                    };
                    match op.index() {
                        i if i == data_idx => match op.recv(&self.rx) {
                            Ok(q) => q,
                            Err(_) => return Dequeue::Empty,
                        },
                        i if i == wake_idx => {
                            let _ = op.recv(&self.wake_rx);
                            return Dequeue::Woken;
                        }
                        _ => return Dequeue::Empty,
                    }
                }
            }
        };
        if peek {
            *head = Some(got.clone());
        } else {
            self.qlen.fetch_sub(1, Ordering::AcqRel);
        }
        Dequeue::Skb(got)
    }

    /// `skb_queue_purge`: everything queued, for the caller to uncharge.
    pub fn purge(&self) -> Vec<QueuedSkb> {
        let mut head = self.head.lock();
        let mut out: Vec<QueuedSkb> = head.take().into_iter().collect();
        out.extend(self.rx.try_iter());
        self.qlen.fetch_sub(out.len(), Ordering::AcqRel);
        out
    }
}
