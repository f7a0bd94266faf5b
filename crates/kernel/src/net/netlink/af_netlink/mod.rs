//! The netlink socket family: net/netlink/af_netlink.c.
//!
//! Linux keeps all of it in one 2,900-line file; here it is split by concern,
//! each file naming the functions of af_netlink.c it models:
//!
//! | file            | af_netlink.c                                                   |
//! |-----------------|----------------------------------------------------------------|
//! | `table.rs`      | `nl_table`, `netlink_insert`, `netlink_lookup`, `netlink_autobind` |
//! | `socket.rs`     | `netlink_create`, `netlink_release`, `netlink_bind`, `netlink_connect`, `netlink_getname` |
//! | `sockopt.rs`    | `netlink_setsockopt`, `netlink_getsockopt` (and SOL_SOCKET buffer sizes) |
//! | `sendmsg.rs`    | `netlink_sendmsg`, `netlink_unicast`, `netlink_attachskb`, `netlink_unicast_kernel` |
//! | `broadcast.rs`  | `netlink_broadcast`, `do_one_broadcast`, `netlink_broadcast_deliver` |
//! | `recvmsg.rs`    | `netlink_recvmsg`, `netlink_overrun`, `netlink_rcv_wake`       |
//! | `dump.rs`       | `netlink_dump_start`, `netlink_dump`, `netlink_dump_done`      |
//! | `ack.rs`        | `netlink_rcv_skb`, `netlink_ack`                               |
//! | `kernel_sock.rs`| `netlink_kernel_create`, `netlink_kernel_release`              |
//! | `queue.rs`      | the receive queue                                              |
//!
//! One [`NetlinkSock`] is both kinds of socket, as `struct netlink_sock` is:
//! a user socket (made by socket(2)) or a kernel socket (made by
//! `netlink_kernel_create`, port id 0, with an `input` callback).

pub(crate) mod ack;
pub(crate) mod broadcast;
pub(crate) mod dump;
pub(crate) mod kernel_sock;
pub(crate) mod queue;
pub(crate) mod recvmsg;
pub(crate) mod sendmsg;
pub(crate) mod socket;
pub(crate) mod sockopt;
pub(crate) mod table;

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::{Condvar, Mutex, RwLock};

use crate::cred::{Credentials, CAP_NET_ADMIN};
use crate::net::core::net_namespace::{Net, NetRef};
use crate::net::core::skbuff::NetlinkCb;

pub use ack::{netlink_ack, netlink_rcv_skb};
pub use broadcast::{netlink_broadcast, netlink_has_listeners};
pub use dump::{netlink_dump_start, NetlinkCallback, NetlinkDumpControl};
pub use kernel_sock::{netlink_kernel_create, netlink_kernel_release, NetlinkKernelCfg};
pub use recvmsg::RecvMeta;
pub use sendmsg::{netlink_unicast, nlmsg_multicast, nlmsg_notify, nlmsg_report, nlmsg_unicast};

// struct netlink_sock.flags bits (net/netlink/af_netlink.h).
pub(crate) const NETLINK_F_KERNEL_SOCKET: u32 = 1 << 0;
pub(crate) const NETLINK_F_RECV_PKTINFO: u32 = 1 << 1;
pub(crate) const NETLINK_F_BROADCAST_SEND_ERROR: u32 = 1 << 2;
pub(crate) const NETLINK_F_RECV_NO_ENOBUFS: u32 = 1 << 3;
pub(crate) const NETLINK_F_LISTEN_ALL_NSID: u32 = 1 << 4;
pub(crate) const NETLINK_F_CAP_ACK: u32 = 1 << 5;
pub(crate) const NETLINK_F_EXT_ACK: u32 = 1 << 6;
pub(crate) const NETLINK_F_STRICT_CHK: u32 = 1 << 7;

/// `SKB_WITH_OVERHEAD(32768)`: the cap on `max_recvmsg_len`, hence on dump chunks.
pub const NETLINK_MAX_RECVMSG_LEN: usize = 32768 - 320;

/// The `input` of a kernel socket: called synchronously, on the sender's
/// thread, with every datagram a user sends to port 0.
pub type NetlinkInput = Arc<dyn Fn(&NetlinkRcvSkb<'_>) + Send + Sync>;
/// `cfg.bind`: asked before a socket joins group `group` (1-based); an error refuses it.
pub type NetlinkBindFn = fn(&Arc<Net>, &Credentials, u32) -> Result<(), crate::Errno>;
/// `cfg.unbind`: told when a socket leaves a group.
pub type NetlinkUnbindFn = fn(&Arc<Net>, u32);
/// `sk->sk_data_ready`: called after data (or an error) arrives, for event loops.
pub type DataReady = Arc<dyn Fn() + Send + Sync>;

/// A request as a kernel socket's `input` sees it: the datagram and
/// `NETLINK_CB(skb)` (with `.sk`, the sending socket), plus the kernel
/// socket it arrived on (`skb->sk`).
pub struct NetlinkRcvSkb<'a> {
    pub data: &'a [u8],
    pub cb: NetlinkCb,
    /// `NETLINK_CB(skb).sk`: the user socket that sent it.
    pub sk: &'a Arc<NetlinkSock>,
    /// `skb->sk`: the kernel socket that received it.
    pub ssk: &'a Arc<NetlinkSock>,
    /// The request's `nlmsg_flags` as a handler rewrote them in place
    /// (Linux handlers may write to the `nlh` they get, and `netlink_ack`
    /// echoes the header as it then is): set by [`NetlinkRcvSkb::nlmsg_flags_set`].
    pub nlmsg_flags_now: std::cell::Cell<Option<u16>>,
}

impl NetlinkRcvSkb<'_> {
    /// `nlh->nlmsg_flags = flags` on the request being handled.
    pub fn nlmsg_flags_set(&self, flags: u16) {
        self.nlmsg_flags_now.set(Some(flags));
    }

    /// `sock_net(skb->sk)`.
    pub fn net(&self) -> &Arc<Net> {
        &self.ssk.net
    }
}

/// Group membership: `nlk->groups` (a bitmap of `ngroups` bits).
#[derive(Debug, Default, Clone)]
pub(crate) struct Groups {
    pub bits: Vec<u64>,
    pub ngroups: u32,
}

impl Groups {
    pub fn test(&self, group: u32) -> bool {
        // group is 1-based.
        if group == 0 || group > self.ngroups {
            return false;
        }
        let b = (group - 1) as usize;
        self.bits.get(b / 64).is_some_and(|w| w & (1 << (b % 64)) != 0)
    }
    pub fn set(&mut self, group: u32, on: bool) {
        if group == 0 || group > self.ngroups {
            return;
        }
        let b = (group - 1) as usize;
        if let Some(w) = self.bits.get_mut(b / 64) {
            if on {
                *w |= 1 << (b % 64);
            } else {
                *w &= !(1 << (b % 64));
            }
        }
    }
    /// `nlk->groups[0]` as the low 32 bits (groups 1–32).
    pub fn low32(&self) -> u32 {
        self.bits.first().map_or(0, |w| *w as u32)
    }
}

/// `struct netlink_sock` (with the parts of `struct sock` netlink uses).
pub struct NetlinkSock {
    // -- struct sock --
    pub(crate) net: Arc<Net>,
    /// User sockets hold the namespace alive (`get_net` in `sk_alloc`); kernel sockets do not.
    pub(crate) net_ref: Mutex<Option<NetRef>>,
    pub(crate) protocol: u32,
    /// `sk->sk_type`: SOCK_RAW or SOCK_DGRAM, as given to socket(2).
    pub(crate) sock_type: i32,
    /// Index in the kernel's socket table; shown as the inode in `/proc/net/netlink`.
    pub(crate) ino: u32,
    /// The file's credentials: whoever called socket(2).
    pub(crate) f_cred: Credentials,
    /// The current task's credentials for calls on this socket (a setuid after
    /// socket(2) changes these and not `f_cred`).
    pub(crate) task: RwLock<Credentials>,
    pub(crate) rcvbuf: AtomicU32,
    pub(crate) sndbuf: AtomicU32,
    pub(crate) rmem_alloc: AtomicU32,
    pub(crate) sk_err: AtomicI32,
    pub(crate) drops: AtomicU32,
    /// `sk_state == NETLINK_CONNECTED`.
    pub(crate) connected: AtomicBool,
    /// `SOCK_DEAD`: released.
    pub(crate) dead: AtomicBool,
    /// `O_NONBLOCK` on the file.
    pub(crate) nonblock: AtomicBool,
    /// `SO_RCVTIMEO` / `SO_SNDTIMEO` (None: wait forever).
    pub(crate) rcvtimeo: Mutex<Option<Duration>>,
    pub(crate) sndtimeo: Mutex<Option<Duration>>,
    pub(crate) queue: queue::RecvQueue,
    pub(crate) data_ready: RwLock<Option<DataReady>>,
    /// Threads in poll(2) on this socket, and where they sleep.
    pub(crate) pollers: AtomicUsize,
    pub(crate) poll_wait: (Mutex<()>, Condvar),

    // -- struct netlink_sock --
    pub(crate) portid: AtomicU32,
    pub(crate) bound: AtomicBool,
    pub(crate) dst_portid: AtomicU32,
    pub(crate) dst_group: AtomicU32,
    pub(crate) flags: AtomicU32,
    /// `NETLINK_S_CONGESTED`.
    pub(crate) congested: AtomicBool,
    pub(crate) subscriptions: AtomicU32,
    pub(crate) groups: RwLock<Groups>,
    pub(crate) max_recvmsg_len: AtomicUsize,
    /// `nlk->wait`: senders blocked on a full queue sleep here.
    pub(crate) wait: (Mutex<()>, Condvar),
    /// `nlk->cb_running`.
    pub(crate) cb_running: AtomicBool,
    /// `nlk->nl_cb_mutex` and what it guards: the dump callback.
    pub(crate) cb: Mutex<dump::CbState>,
    /// A dump lock injected through `cfg.cb_mutex` (Linux ≤ 6.9 style).
    pub(crate) cb_mutex: Option<Arc<Mutex<()>>>,
    /// `nlk->netlink_rcv`: set on kernel sockets that accept input.
    pub(crate) netlink_rcv: Option<NetlinkInput>,
    pub(crate) netlink_bind: Option<NetlinkBindFn>,
    pub(crate) netlink_unbind: Option<NetlinkUnbindFn>,
}

impl fmt::Debug for NetlinkSock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetlinkSock")
            .field("protocol", &self.protocol)
            .field("net", &self.net.id())
            .field("portid", &self.portid())
            .field("kernel", &self.is_kernel())
            .finish()
    }
}

impl NetlinkSock {
    /// `__netlink_create` + `sock_init_data`.
    pub(crate) fn new(
        net: &Arc<Net>,
        protocol: u32,
        ino: u32,
        cred: Credentials,
        kernel: bool,
        cb_mutex: Option<Arc<Mutex<()>>>,
    ) -> Self {
        let cfg = &net.globals.config;
        NetlinkSock {
            net: Arc::clone(net),
            net_ref: Mutex::new(None),
            protocol,
            sock_type: nlwire::uapi::socket::SOCK_DGRAM,
            ino,
            f_cred: cred,
            task: RwLock::new(cred),
            rcvbuf: AtomicU32::new(cfg.rmem_default),
            sndbuf: AtomicU32::new(cfg.wmem_default),
            rmem_alloc: AtomicU32::new(0),
            sk_err: AtomicI32::new(0),
            drops: AtomicU32::new(0),
            connected: AtomicBool::new(false),
            dead: AtomicBool::new(false),
            nonblock: AtomicBool::new(false),
            rcvtimeo: Mutex::new(None),
            sndtimeo: Mutex::new(None),
            queue: queue::RecvQueue::new(),
            data_ready: RwLock::new(None),
            pollers: AtomicUsize::new(0),
            poll_wait: (Mutex::new(()), Condvar::new()),
            portid: AtomicU32::new(0),
            bound: AtomicBool::new(false),
            dst_portid: AtomicU32::new(0),
            dst_group: AtomicU32::new(0),
            flags: AtomicU32::new(if kernel { NETLINK_F_KERNEL_SOCKET } else { 0 }),
            congested: AtomicBool::new(false),
            subscriptions: AtomicU32::new(0),
            groups: RwLock::new(Groups::default()),
            max_recvmsg_len: AtomicUsize::new(0),
            wait: (Mutex::new(()), Condvar::new()),
            cb_running: AtomicBool::new(false),
            cb: Mutex::new(dump::CbState::default()),
            cb_mutex,
            netlink_rcv: None,
            netlink_bind: None,
            netlink_unbind: None,
        }
    }

    /// `sock_net(sk)`.
    pub fn net(&self) -> &Arc<Net> {
        &self.net
    }

    pub fn protocol(&self) -> u32 {
        self.protocol
    }

    /// `nlk->portid`.
    pub fn portid(&self) -> u32 {
        self.portid.load(Ordering::Acquire)
    }

    /// `netlink_is_kernel`.
    pub fn is_kernel(&self) -> bool {
        self.flags.load(Ordering::Relaxed) & NETLINK_F_KERNEL_SOCKET != 0
    }

    pub(crate) fn test_flag(&self, f: u32) -> bool {
        self.flags.load(Ordering::Relaxed) & f != 0
    }

    pub(crate) fn assign_flag(&self, f: u32, on: bool) {
        if on {
            self.flags.fetch_or(f, Ordering::AcqRel);
        } else {
            self.flags.fetch_and(!f, Ordering::AcqRel);
        }
    }

    /// `NETLINK_F_STRICT_CHK`: the user asked for strict checking of requests.
    pub fn strict_check(&self) -> bool {
        self.test_flag(NETLINK_F_STRICT_CHK)
    }

    /// `NETLINK_F_EXT_ACK`.
    pub fn ext_ack(&self) -> bool {
        self.test_flag(NETLINK_F_EXT_ACK)
    }

    /// The current task's credentials (`current_cred()`).
    pub fn task_creds(&self) -> Credentials {
        *self.task.read()
    }

    /// The opener's credentials (`sk->sk_socket->file->f_cred`).
    pub fn file_creds(&self) -> Credentials {
        self.f_cred
    }

    /// `sk_rmem_alloc`.
    pub fn rmem_alloc(&self) -> u32 {
        self.rmem_alloc.load(Ordering::Acquire)
    }

    /// `sk_rcvbuf`.
    pub fn rcvbuf(&self) -> u32 {
        self.rcvbuf.load(Ordering::Acquire)
    }

    /// `sk_drops`.
    pub fn drops(&self) -> u32 {
        self.drops.load(Ordering::Acquire)
    }

    /// `sk_error_report` after setting `sk_err`: wakes readers and pollers.
    pub(crate) fn error_report(&self, err: i32) {
        self.sk_err.store(err, Ordering::Release);
        self.queue.wake();
        self.notify_data_ready();
    }

    pub(crate) fn notify_data_ready(&self) {
        if self.pollers.load(Ordering::Acquire) != 0 {
            let _g = self.poll_wait.0.lock();
            self.poll_wait.1.notify_all();
        }
        if let Some(f) = self.data_ready.read().as_ref() {
            f();
        }
    }

    /// `netlink_allowed`: the protocol lets anyone do `flag`, or the current task has CAP_NET_ADMIN.
    pub(crate) fn netlink_allowed(&self, flag: u32) -> bool {
        let table_flags = self.net.globals.nl_table[self.protocol as usize].read().flags;
        table_flags & flag != 0 || self.task_creds().capable(CAP_NET_ADMIN)
    }
}

/// `__netlink_ns_capable(nsp, user_ns, cap)` for a request skb: the sender gave
/// an explicit destination or opened its socket with the capability, *and*
/// the current task has it.
pub fn netlink_ns_capable(skb: &NetlinkRcvSkb<'_>, cap: u32) -> bool {
    (skb.cb.explicit_dst || skb.sk.file_creds().capable(cap)) && skb.sk.task_creds().capable(cap)
}

/// `netlink_net_capable(skb, cap)`.
pub fn netlink_net_capable(skb: &NetlinkRcvSkb<'_>, cap: u32) -> bool {
    netlink_ns_capable(skb, cap)
}

/// `netlink_capable(skb, cap)`: the same check against the initial namespace.
pub fn netlink_capable(skb: &NetlinkRcvSkb<'_>, cap: u32) -> bool {
    netlink_ns_capable(skb, cap)
}
