//! The socket an `ip` client talks through: the few system calls iproute2's
//! lib/libnetlink.c makes on its `struct rtnl_handle`, and nothing else.
//!
//! The client ([`crate::ip`]) is written against [`NlTransport`] only, so the
//! same request bytes and the same output code run over the simulator's
//! [`NetlinkSocket`] and, in the tests, over a real `AF_NETLINK` socket of the
//! live kernel. [`Tap`] wraps any transport and shows every datagram decoded
//! as it goes out and comes in (`rtnlsim run --decode`).

use std::io::Write;
use std::sync::{Arc, Mutex};

use nlwire::uapi::socket::{MSG_DONTWAIT, MSG_PEEK};
use nlwire::{Errno, SockaddrNl};
use rtnlsim_kernel::NetlinkSocket;

use crate::decode;

/// What `recvmsg(2)` reports besides the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecvInfo {
    /// The return value (the full datagram length when called with `MSG_TRUNC`).
    pub len: usize,
    /// `msg_flags` (`MSG_TRUNC` when the buffer was short).
    pub msg_flags: u32,
    /// `msg_name`: who sent it (the kernel is port 0).
    pub from: SockaddrNl,
    /// `msg_namelen`: 12 for a netlink address.
    pub namelen: usize,
}

/// An open `socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)`.
pub trait NlTransport {
    /// `setsockopt(fd, level, optname, &val, sizeof(int))`.
    fn setsockopt_int(&self, level: i32, optname: u32, val: i32) -> Result<(), Errno>;
    /// `bind(2)`.
    fn bind(&self, addr: &SockaddrNl) -> Result<(), Errno>;
    /// `getsockname(2)`.
    fn getsockname(&self) -> Result<SockaddrNl, Errno>;
    /// `send(fd, buf, len, 0)` with `to == None`, else `sendmsg` with `msg_name = to`.
    fn sendto(&self, buf: &[u8], to: Option<&SockaddrNl>) -> Result<usize, Errno>;
    /// `recvmsg(fd, {buf}, flags)`: one datagram, or its first `buf.len()` bytes.
    fn recvmsg(&self, buf: &mut [u8], flags: u32) -> Result<RecvInfo, Errno>;
}

/// The simulator's socket. Receives never block: the simulated kernel answers
/// inside `send`, so an empty queue means no answer will ever come, and
/// `EAGAIN` says so instead of a wait forever.
impl NlTransport for NetlinkSocket {
    fn setsockopt_int(&self, level: i32, optname: u32, val: i32) -> Result<(), Errno> {
        NetlinkSocket::setsockopt_int(self, level, optname, val)
    }
    fn bind(&self, addr: &SockaddrNl) -> Result<(), Errno> {
        NetlinkSocket::bind(self, addr)
    }
    fn getsockname(&self) -> Result<SockaddrNl, Errno> {
        Ok(NetlinkSocket::getsockname(self))
    }
    fn sendto(&self, buf: &[u8], to: Option<&SockaddrNl>) -> Result<usize, Errno> {
        match to {
            Some(a) => NetlinkSocket::sendto(self, buf, 0, a),
            None => NetlinkSocket::send(self, buf, 0),
        }
    }
    fn recvmsg(&self, buf: &mut [u8], flags: u32) -> Result<RecvInfo, Errno> {
        let m = NetlinkSocket::recvmsg(self, buf, flags | MSG_DONTWAIT)?;
        Ok(RecvInfo { len: m.len, msg_flags: m.msg_flags, from: m.addr, namelen: SockaddrNl::LEN })
    }
}

impl<T: NlTransport + ?Sized> NlTransport for Box<T> {
    fn setsockopt_int(&self, level: i32, optname: u32, val: i32) -> Result<(), Errno> {
        (**self).setsockopt_int(level, optname, val)
    }
    fn bind(&self, addr: &SockaddrNl) -> Result<(), Errno> {
        (**self).bind(addr)
    }
    fn getsockname(&self) -> Result<SockaddrNl, Errno> {
        (**self).getsockname()
    }
    fn sendto(&self, buf: &[u8], to: Option<&SockaddrNl>) -> Result<usize, Errno> {
        (**self).sendto(buf, to)
    }
    fn recvmsg(&self, buf: &mut [u8], flags: u32) -> Result<RecvInfo, Errno> {
        (**self).recvmsg(buf, flags)
    }
}

/// Where decoded datagrams go: shared with the command's own output, so that
/// they interleave in the order things happened.
pub type Sink = Arc<Mutex<dyn Write + Send>>;

/// A transport that prints every datagram it carries, decoded: requests as
/// they are sent (before the kernel runs), replies as they are received.
/// Peeks are not shown; the read that follows them is.
pub struct Tap<T> {
    inner: T,
    sink: Sink,
}

impl<T: NlTransport> Tap<T> {
    pub fn new(inner: T, sink: Sink) -> Self {
        Tap { inner, sink }
    }

    fn show(&self, arrow: &str, who: String, data: &[u8]) {
        if let Ok(mut w) = self.sink.lock() {
            let _ = writeln!(w, "{arrow} {who}, {} bytes", data.len());
            let _ = w.write_all(decode::datagram(data, "    ").as_bytes());
        }
    }
}

impl<T: NlTransport> NlTransport for Tap<T> {
    fn setsockopt_int(&self, level: i32, optname: u32, val: i32) -> Result<(), Errno> {
        self.inner.setsockopt_int(level, optname, val)
    }
    fn bind(&self, addr: &SockaddrNl) -> Result<(), Errno> {
        self.inner.bind(addr)
    }
    fn getsockname(&self) -> Result<SockaddrNl, Errno> {
        self.inner.getsockname()
    }
    fn sendto(&self, buf: &[u8], to: Option<&SockaddrNl>) -> Result<usize, Errno> {
        let me = self.inner.getsockname().map(|a| a.pid).unwrap_or(0);
        self.show("→", format!("port {me} sends to the kernel"), buf);
        self.inner.sendto(buf, to)
    }
    fn recvmsg(&self, buf: &mut [u8], flags: u32) -> Result<RecvInfo, Errno> {
        let r = self.inner.recvmsg(buf, flags)?;
        if flags & MSG_PEEK == 0 {
            let me = self.inner.getsockname().map(|a| a.pid).unwrap_or(0);
            let n = r.len.min(buf.len());
            self.show("←", format!("port {me} receives from port {}", r.from.pid), &buf[..n]);
        }
        Ok(r)
    }
}
