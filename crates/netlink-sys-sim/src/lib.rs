//! The `rtnetlink` crate, unmodified, against the simulated kernel: an
//! implementation of netlink-sys's [`AsyncSocket`] over a simulated user
//! socket ([`NetlinkSocket`]).
//!
//! ```
//! use futures::executor::LocalPool;
//! use futures::task::LocalSpawnExt;
//! use futures::TryStreamExt;
//! use rtnlsim_kernel::{Config, Kernel};
//! use rtnlsim_netlink_sys::SimSocket;
//!
//! let kernel = Kernel::new(Config::default());
//! let socket = SimSocket::new(&kernel.init_net()).unwrap();
//! let (connection, handle, _messages) = rtnetlink::from_socket(socket);
//! let mut pool = LocalPool::new();
//! pool.spawner().spawn_local(connection).unwrap();
//! pool.run_until(async {
//!     handle.link().add(rtnetlink::LinkVeth::new("v0", "v1").build()).execute().await.unwrap();
//!     let mut links = handle.link().get().match_name("v0").execute();
//!     let v0 = links.try_next().await.unwrap().unwrap();
//!     assert!(v0.header.index > 0);
//! });
//! ```
//!
//! Runtime-agnostic: the simulated socket's `sk_data_ready` wakes the task
//! that polled it, so any executor drives the connection (`futures`'
//! `LocalPool` or `block_on`, tokio, smol). Requests run on the sending
//! thread inside `poll_send_to`, as `sendmsg` runs them in the kernel; their
//! answers are queued before it returns.
//!
//! netlink-sys also wants a real [`Socket`] behind `socket_ref`/`socket_mut`
//! (for the connection's own `bind`/`add_membership`): it is a placeholder
//! that is *not* a netlink socket, so those calls fail (EINVAL, ENOPROTOOPT)
//! instead of reaching the live kernel. Subscribe the simulated socket
//! itself ([`SimSocket::sim`]: `bind` with groups, or `setsockopt
//! NETLINK_ADD_MEMBERSHIP`) before handing it to `rtnetlink::from_socket`.
//! Its notifications then come out of the connection's message stream.

use std::io;
use std::os::fd::{FromRawFd, IntoRawFd};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use netlink_sys::{AsyncSocket, Socket, SocketAddr};
use nlwire::uapi::socket::{MSG_DONTWAIT, MSG_PEEK, MSG_TRUNC};
use nlwire::{Errno, SockaddrNl};
use rtnlsim_kernel::{NetRef, NetlinkSocket};

/// A simulated netlink socket with netlink-sys's async face.
pub struct SimSocket {
    sock: NetlinkSocket,
    /// The task to wake when a datagram (or an error) arrives.
    waker: Arc<Mutex<Option<Waker>>>,
    placeholder: Socket,
}

/// The namespace `AsyncSocket::new` opens its sockets in (see [`SimSocket::set_default_net`]).
static DEFAULT_NET: Mutex<Option<NetRef>> = Mutex::new(None);

fn io_err(e: Errno) -> io::Error {
    io::Error::from_raw_os_error(e.0)
}

impl SimSocket {
    /// `socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)` in `net`.
    pub fn new(net: &NetRef) -> io::Result<SimSocket> {
        Self::with_protocol(net, nlwire::uapi::netlink::NETLINK_ROUTE)
    }

    /// `socket(AF_NETLINK, SOCK_RAW, protocol)` in `net`.
    pub fn with_protocol(net: &NetRef, protocol: u32) -> io::Result<SimSocket> {
        Ok(Self::from_sim(net.socket(protocol).map_err(io_err)?))
    }

    /// An already open simulated socket (bound, subscribed, with its options set).
    pub fn from_sim(sock: NetlinkSocket) -> SimSocket {
        let waker: Arc<Mutex<Option<Waker>>> = Arc::new(Mutex::new(None));
        let w = waker.clone();
        // sk_data_ready runs with kernel locks held: it only wakes.
        sock.set_data_ready(Some(Arc::new(move || {
            if let Some(w) = w.lock().ok().and_then(|mut g| g.take()) {
                w.wake();
            }
        })));
        // An unbound AF_UNIX datagram socket: a real descriptor for
        // netlink-sys's `Socket`, on which netlink calls fail.
        let fd = std::os::unix::net::UnixDatagram::unbound().map(|s| s.into_raw_fd());
        // SAFETY: the descriptor is ours, handed over to the Socket that closes it.
        let placeholder = unsafe { Socket::from_raw_fd(fd.unwrap_or(-1)) };
        SimSocket { sock, waker, placeholder }
    }

    /// The simulated socket: bind it, subscribe it, set its options.
    pub fn sim(&self) -> &NetlinkSocket {
        &self.sock
    }

    /// Where `AsyncSocket::new` (used by `rtnetlink::new_connection_with_socket`)
    /// opens its sockets; until set, it fails with `ENOTCONN`.
    pub fn set_default_net(net: Option<NetRef>) {
        if let Ok(mut g) = DEFAULT_NET.lock() {
            *g = net;
        }
    }

    fn register(&self, cx: &Context<'_>) {
        if let Ok(mut g) = self.waker.lock() {
            *g = Some(cx.waker().clone());
        }
    }

    /// One datagram into at most `room` bytes (as recvmsg with a buffer of
    /// that size: the rest is cut), or Pending with the task registered.
    fn poll_datagram(&self, cx: &mut Context<'_>, room: Option<usize>) -> Poll<io::Result<(Vec<u8>, SocketAddr)>> {
        // Registered before looking, so that a datagram arriving in between wakes us.
        self.register(cx);
        let len = match room {
            Some(n) => n,
            None => match self.sock.recvmsg(&mut [], MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT) {
                Ok(m) => m.len,
                Err(Errno::EAGAIN) => return Poll::Pending,
                Err(e) => return Poll::Ready(Err(io_err(e))),
            },
        };
        let mut buf = vec![0u8; len];
        match self.sock.recvmsg(&mut buf, MSG_DONTWAIT) {
            Ok(m) => {
                buf.truncate(m.len.min(len));
                Poll::Ready(Ok((buf, SocketAddr::new(m.addr.pid, m.addr.groups))))
            }
            Err(Errno::EAGAIN) => Poll::Pending,
            Err(e) => Poll::Ready(Err(io_err(e))),
        }
    }
}

impl Drop for SimSocket {
    fn drop(&mut self) {
        self.sock.set_data_ready(None);
    }
}

impl AsyncSocket for SimSocket {
    fn socket_ref(&self) -> &Socket {
        &self.placeholder
    }

    fn socket_mut(&mut self) -> &mut Socket {
        &mut self.placeholder
    }

    fn new(protocol: isize) -> io::Result<Self> {
        let net = DEFAULT_NET.lock().ok().and_then(|g| g.clone());
        let net = net.ok_or_else(|| io_err(Errno::ENOTCONN))?;
        Self::with_protocol(&net, protocol as u32)
    }

    fn poll_send(&self, _cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Poll::Ready(self.sock.send(buf, MSG_DONTWAIT).map_err(io_err))
    }

    fn poll_send_to(&self, _cx: &mut Context<'_>, buf: &[u8], addr: &SocketAddr) -> Poll<io::Result<usize>> {
        let to = SockaddrNl::new(addr.port_number(), addr.multicast_groups());
        Poll::Ready(self.sock.sendto(buf, MSG_DONTWAIT, &to).map_err(io_err))
    }

    fn poll_recv<B>(&self, cx: &mut Context<'_>, buf: &mut B) -> Poll<io::Result<()>>
    where
        B: bytes::BufMut,
    {
        self.poll_recv_from(cx, buf).map(|r| r.map(|_| ()))
    }

    fn poll_recv_from<B>(&self, cx: &mut Context<'_>, buf: &mut B) -> Poll<io::Result<SocketAddr>>
    where
        B: bytes::BufMut,
    {
        // The buffer's free space is what a recvmsg would be offered.
        let room = buf.chunk_mut().len();
        match self.poll_datagram(cx, Some(room)) {
            Poll::Ready(Ok((data, addr))) => {
                buf.put_slice(&data);
                Poll::Ready(Ok(addr))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_recv_from_full(&self, cx: &mut Context<'_>) -> Poll<io::Result<(Vec<u8>, SocketAddr)>> {
        self.poll_datagram(cx, None)
    }
}
