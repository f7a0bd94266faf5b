//! The system-call face of a netlink socket (net/socket.c): what a process
//! does with `socket(AF_NETLINK, …)`.
//!
//! A [`NetlinkSocket`] is bytes in, bytes out, exactly as on Linux. Every call
//! exists in two forms: a typed one (`bind(&SockaddrNl)`) and a raw one that
//! takes the bytes and lengths a C program would pass (`bind_raw(&[u8])`), so
//! that short addresses and option buffers get Linux's errnos. Dropping the
//! socket closes it.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cred::Credentials;
use crate::net::core::net_namespace::NetRef;
use crate::net::netlink::af_netlink::recvmsg::netlink_recvmsg;
use crate::net::netlink::af_netlink::sendmsg::netlink_sendmsg;
use crate::net::netlink::af_netlink::socket::{
    netlink_bind, netlink_connect, netlink_create, netlink_getname, netlink_release,
};
use crate::net::netlink::af_netlink::sockopt::{netlink_getsockopt, netlink_setsockopt};
use crate::net::netlink::af_netlink::{DataReady, NetlinkSock, RecvMeta, NETLINK_MAX_RECVMSG_LEN};
use crate::Errno;
use nlwire::uapi::socket::{
    AF_UNSPEC, MSG_DONTWAIT, MSG_PEEK, MSG_TRUNC, SOCK_CLOEXEC, SOCK_MAX, SOCK_NONBLOCK, SOCK_RAW, SOCK_TYPE_MASK,
};
use nlwire::SockaddrNl;

/// `POLLIN`, `POLLOUT`, `POLLERR` as poll(2) reports them.
pub const POLLIN: u16 = 0x001;
pub const POLLOUT: u16 = 0x004;
pub const POLLERR: u16 = 0x008;

/// An open netlink socket.
pub struct NetlinkSocket {
    sk: Arc<NetlinkSock>,
}

impl std::fmt::Debug for NetlinkSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.sk.fmt(f)
    }
}

impl NetRef {
    /// socket(AF_NETLINK, SOCK_RAW, protocol) by the kernel's default task (root).
    pub fn socket(&self, protocol: u32) -> Result<NetlinkSocket, Errno> {
        let cred = Credentials::root(self.globals.config.pid);
        self.socket_as(SOCK_RAW, protocol as i32, cred)
    }

    /// socket(AF_NETLINK, sock_type, protocol) by a task with these
    /// credentials (`__sys_socket`): `sock_type` may carry SOCK_CLOEXEC and
    /// SOCK_NONBLOCK; other flag bits, or a type beyond SOCK_MAX, are EINVAL.
    pub fn socket_as(&self, sock_type: i32, protocol: i32, cred: Credentials) -> Result<NetlinkSocket, Errno> {
        let flags = sock_type & !SOCK_TYPE_MASK;
        if flags & !(SOCK_CLOEXEC | SOCK_NONBLOCK) != 0 {
            return Err(Errno::EINVAL);
        }
        let ty = sock_type & SOCK_TYPE_MASK;
        if !(0..SOCK_MAX).contains(&ty) {
            return Err(Errno::EINVAL);
        }
        let sk = netlink_create(self, ty, protocol, cred)?;
        if flags & SOCK_NONBLOCK != 0 {
            sk.nonblock.store(true, Ordering::Release);
        }
        Ok(NetlinkSocket { sk })
    }
}

impl NetlinkSocket {
    /// The kernel-side socket (for code that models kernel internals).
    pub fn sock(&self) -> &Arc<NetlinkSock> {
        &self.sk
    }

    /// bind(2).
    pub fn bind(&self, addr: &SockaddrNl) -> Result<(), Errno> {
        netlink_bind(&self.sk, &addr.to_bytes())
    }

    /// bind(2) with a raw `struct sockaddr` of `addr.len()` bytes.
    pub fn bind_raw(&self, addr: &[u8]) -> Result<(), Errno> {
        netlink_bind(&self.sk, addr)
    }

    /// connect(2).
    pub fn connect(&self, addr: &SockaddrNl) -> Result<(), Errno> {
        netlink_connect(&self.sk, &addr.to_bytes())
    }

    /// connect(2) with a raw address.
    pub fn connect_raw(&self, addr: &[u8]) -> Result<(), Errno> {
        netlink_connect(&self.sk, addr)
    }

    /// connect(2) to AF_UNSPEC: forget the default destination.
    pub fn disconnect(&self) -> Result<(), Errno> {
        netlink_connect(&self.sk, &(AF_UNSPEC as u16).to_ne_bytes())
    }

    /// getsockname(2).
    pub fn getsockname(&self) -> SockaddrNl {
        netlink_getname(&self.sk, false)
    }

    /// getpeername(2).
    pub fn getpeername(&self) -> SockaddrNl {
        netlink_getname(&self.sk, true)
    }

    /// send(2): to the connected destination (the kernel by default).
    pub fn send(&self, buf: &[u8], flags: u32) -> Result<usize, Errno> {
        netlink_sendmsg(&self.sk, buf, None, flags)
    }

    /// sendto(2).
    pub fn sendto(&self, buf: &[u8], flags: u32, addr: &SockaddrNl) -> Result<usize, Errno> {
        netlink_sendmsg(&self.sk, buf, Some(&addr.to_bytes()), flags)
    }

    /// sendto(2) / sendmsg(2) with a raw `msg_name` (`None` for `msg_namelen == 0`).
    pub fn sendto_raw(&self, buf: &[u8], flags: u32, addr: Option<&[u8]>) -> Result<usize, Errno> {
        netlink_sendmsg(&self.sk, buf, addr, flags)
    }

    /// recv(2): the return value as Linux gives it.
    pub fn recv(&self, buf: &mut [u8], flags: u32) -> Result<usize, Errno> {
        netlink_recvmsg(&self.sk, buf, flags).map(|m| m.len)
    }

    /// recvmsg(2): data and everything else (source address, flags, control messages).
    pub fn recvmsg(&self, buf: &mut [u8], flags: u32) -> Result<RecvMeta, Errno> {
        netlink_recvmsg(&self.sk, buf, flags)
    }

    /// One whole datagram, however long: peeks its size first, as iproute2 does.
    pub fn recv_datagram(&self, flags: u32) -> Result<(Vec<u8>, RecvMeta), Errno> {
        let peek = netlink_recvmsg(&self.sk, &mut [], flags | MSG_PEEK | MSG_TRUNC)?;
        let mut buf = vec![0u8; peek.len];
        // The datagram is still at the head: the peek left it there.
        let meta = netlink_recvmsg(&self.sk, &mut buf, (flags | MSG_DONTWAIT) & !MSG_PEEK)?;
        buf.truncate(meta.len);
        Ok((buf, meta))
    }

    /// Every datagram queued now, without waiting.
    pub fn drain(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while let Ok((d, _)) = self.recv_datagram(MSG_DONTWAIT) {
            out.push(d);
        }
        out
    }

    /// What `netlink_recvmsg` notes of every call: the size of the buffer
    /// offered (the largest, capped at `NETLINK_MAX_RECVMSG_LEN`, sizes later
    /// dump chunks). For a proxy that receives on a program's behalf
    /// (`rtnlsim serve`): it reads each datagram at its own size, and tells
    /// here what buffer the program itself offered, so that dumps are cut
    /// where Linux would cut them for that program.
    pub fn note_recv_buffer(&self, len: usize) {
        let max = self.sk.max_recvmsg_len.load(Ordering::Acquire).max(len).min(NETLINK_MAX_RECVMSG_LEN);
        self.sk.max_recvmsg_len.store(max, Ordering::Release);
    }

    /// setsockopt(2) with raw option bytes.
    pub fn setsockopt(&self, level: i32, optname: u32, optval: &[u8]) -> Result<(), Errno> {
        netlink_setsockopt(&self.sk, level, optname, optval)
    }

    /// setsockopt(2) of an `int`.
    pub fn setsockopt_int(&self, level: i32, optname: u32, val: i32) -> Result<(), Errno> {
        netlink_setsockopt(&self.sk, level, optname, &val.to_ne_bytes())
    }

    /// getsockopt(2): fills `optval`, returns the option length.
    pub fn getsockopt(&self, level: i32, optname: u32, optval: &mut [u8]) -> Result<usize, Errno> {
        netlink_getsockopt(&self.sk, level, optname, optval)
    }

    /// getsockopt(2) of an `int`.
    pub fn getsockopt_int(&self, level: i32, optname: u32) -> Result<i32, Errno> {
        let mut b = [0u8; 4];
        netlink_getsockopt(&self.sk, level, optname, &mut b)?;
        Ok(i32::from_ne_bytes(b))
    }

    /// fcntl(F_SETFL, O_NONBLOCK).
    pub fn set_nonblocking(&self, on: bool) {
        self.sk.nonblock.store(on, Ordering::Release);
    }

    /// What poll(2) would report now.
    pub fn poll_events(&self) -> u16 {
        let mut ev = POLLOUT;
        if !self.sk.queue.is_empty() {
            ev |= POLLIN;
        }
        if self.sk.sk_err.load(Ordering::Acquire) != 0 {
            ev |= POLLERR;
        }
        ev
    }

    /// poll(2) for POLLIN/POLLERR with a timeout (`None`: forever).
    pub fn poll(&self, timeout: Option<Duration>) -> u16 {
        let deadline = timeout.map(|t| Instant::now() + t);
        let sk = &self.sk;
        sk.pollers.fetch_add(1, Ordering::AcqRel);
        let mut guard = sk.poll_wait.0.lock();
        let ev = loop {
            let ev = self.poll_events();
            if ev & (POLLIN | POLLERR) != 0 {
                break ev;
            }
            match deadline {
                Some(d) => {
                    if sk.poll_wait.1.wait_until(&mut guard, d).timed_out() {
                        break self.poll_events();
                    }
                }
                None => sk.poll_wait.1.wait(&mut guard),
            }
        };
        drop(guard);
        sk.pollers.fetch_sub(1, Ordering::AcqRel);
        ev
    }

    /// Sets `sk_data_ready`: called whenever data or an error arrives. The
    /// callback runs on the sender's thread, with kernel locks held: it must
    /// only signal (wake a thread, write an eventfd), never call into the kernel.
    pub fn set_data_ready(&self, f: Option<DataReady>) {
        *self.sk.data_ready.write() = f;
    }

    /// The calling task changes identity (setuid, dropped capabilities): the
    /// socket keeps the credentials it was opened with, the checks on the
    /// current task see the new ones.
    pub fn set_task_credentials(&self, cred: Credentials) {
        *self.sk.task.write() = cred;
    }

    /// `sk_rmem_alloc`: bytes charged to the receive buffer.
    pub fn rmem_alloc(&self) -> u32 {
        self.sk.rmem_alloc()
    }

    /// `sk_drops`.
    pub fn drops(&self) -> u32 {
        self.sk.drops()
    }

    /// Datagrams queued.
    pub fn queued(&self) -> usize {
        self.sk.queue.len()
    }

    /// close(2). (Dropping does the same.)
    pub fn close(self) {}

    /// Non-blocking flag for a recv.
    pub const DONTWAIT: u32 = MSG_DONTWAIT;
}

impl Drop for NetlinkSocket {
    fn drop(&mut self) {
        netlink_release(&self.sk);
    }
}
