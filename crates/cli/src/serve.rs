//! `rtnlsim serve`: one simulated kernel for other processes.
//!
//! The server listens on an `AF_UNIX` `SOCK_SEQPACKET` socket; programs
//! reach it through `librtnlsim_preload.so`, which turns their
//! `socket(AF_NETLINK, …)` into a connection here. The protocol is
//! `rtnlsim_proto`'s (docs/clients.md explains it and why):
//!
//! - a **socket connection** backs one simulated netlink socket, made in the
//!   namespace the program names (`RTNLSIM_NETNS`, a name `ip netns` knows
//!   here) with the program's pid as its task, so autobind picks the pid as
//!   Linux does. A thread per socket *pumps*: whenever the simulated socket
//!   becomes readable (`sk_data_ready`, signalled through an eventfd) it moves
//!   every queued datagram into the connection, header first, so the
//!   program's descriptor becomes readable at once — notifications arrive
//!   while the program is in `poll`, not only while it is in a call. When
//!   the connection's buffer is full the pump waits for room and the
//!   simulated socket's own queue fills meanwhile, with Linux's receive
//!   buffer accounting (ENOBUFS, which is forwarded as an error frame). The
//!   program hanging up (its last descriptor closed) closes the socket.
//! - a **control connection** per process carries the synchronous calls; a
//!   sendmsg is answered once its replies are pumped, so they are readable
//!   when `sendmsg` returns, as on Linux.
//!
//! The programs are root in the simulated kernel (their sockets carry full
//! capabilities), whoever runs them: no privilege is needed on the machine.

use std::collections::HashMap;
use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use nlwire::uapi::socket::{MSG_DONTWAIT, MSG_PEEK, MSG_TRUNC};
use nlwire::Errno;
use rtnlsim_kernel::net::core::dev::{dev_get_by_index, dev_get_by_name, for_each_netdev};
use rtnlsim_kernel::{Credentials, NetRef, NetlinkSocket};
use rtnlsim_proto as proto;

use crate::host::SimHost;

/// One simulated socket and the connection that carries its datagrams.
struct Entry {
    sock: NetlinkSocket,
    /// The server's end of the socket connection.
    conn: OwnedFd,
    /// Written by `sk_data_ready`; the pump thread sleeps on it.
    wake: OwnedFd,
    pump: Mutex<Pump>,
}

/// The pump's state: a frame that did not fit in the connection yet.
#[derive(Default)]
struct Pump {
    pending: Option<Vec<u8>>,
    /// The program hung up: nothing more is sent.
    gone: bool,
    /// The connection's buffer was grown for the pending frame.
    grown: bool,
}

/// The server: the simulated machine and its open sockets by token.
pub struct Server {
    host: Arc<SimHost>,
    sockets: Mutex<HashMap<u32, Arc<Entry>>>,
    next_token: AtomicU32,
}

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)
}

fn cvt(r: libc::c_int) -> Result<libc::c_int, Errno> {
    if r < 0 {
        Err(Errno(errno()))
    } else {
        Ok(r)
    }
}

/// `send` of one SEQPACKET message made of `parts`, never raising SIGPIPE.
fn send_parts(fd: RawFd, parts: &[&[u8]], flags: i32) -> Result<usize, Errno> {
    let mut iov: Vec<libc::iovec> =
        parts.iter().map(|p| libc::iovec { iov_base: p.as_ptr() as *mut libc::c_void, iov_len: p.len() }).collect();
    // SAFETY: msghdr is plain data; every field we use is set below.
    let mut m: libc::msghdr = unsafe { std::mem::zeroed() };
    m.msg_iov = iov.as_mut_ptr();
    m.msg_iovlen = iov.len() as _;
    // SAFETY: the iovecs point into `parts`, alive for the call.
    let n = unsafe { libc::sendmsg(fd, &m, flags | libc::MSG_NOSIGNAL) };
    if n < 0 {
        Err(Errno(errno()))
    } else {
        Ok(n as usize)
    }
}

/// `SO_SNDBUF` of a socket connection (the kernel doubles it).
const CONN_SNDBUF: usize = 32 * 1024;

fn set_sndbuf(fd: RawFd, bytes: usize) {
    let v = bytes.min(i32::MAX as usize) as libc::c_int;
    // SAFETY: an int option.
    unsafe {
        libc::setsockopt(fd, libc::SOL_SOCKET, libc::SO_SNDBUF, &v as *const _ as *const libc::c_void, 4);
    }
}

/// One message, blocking; `Ok(None)` when the peer hung up.
fn recv_msg(fd: RawFd, buf: &mut [u8]) -> Result<Option<usize>, Errno> {
    loop {
        // SAFETY: buf is valid for buf.len() bytes.
        let n = unsafe { libc::recv(fd, buf.as_mut_ptr() as *mut libc::c_void, buf.len(), 0) };
        if n < 0 {
            let e = errno();
            if e == libc::EINTR {
                continue;
            }
            return Err(Errno(e));
        }
        return Ok((n > 0).then_some(n as usize));
    }
}

fn sockaddr_un(path: &str) -> Result<(libc::sockaddr_un, libc::socklen_t), Errno> {
    // SAFETY: sockaddr_un is plain data.
    let mut a: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    a.sun_family = libc::AF_UNIX as libc::sa_family_t;
    let b = path.as_bytes();
    if b.len() >= a.sun_path.len() || b.contains(&0) {
        return Err(Errno::ENAMETOOLONG);
    }
    for (d, s) in a.sun_path.iter_mut().zip(b) {
        *d = *s as libc::c_char;
    }
    let len = std::mem::size_of::<libc::sa_family_t>() + b.len() + 1;
    Ok((a, len as libc::socklen_t))
}

fn seqpacket() -> Result<OwnedFd, Errno> {
    // SAFETY: plain socket(2).
    let fd = cvt(unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC, 0) })?;
    // SAFETY: fd is ours, just made.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Listens on `path`: bound under a temporary name and renamed into place
/// once listening, so that the path appearing means the server is ready.
/// A path some live server answers on is refused (EADDRINUSE); a stale one
/// is replaced.
pub fn listen(path: &str) -> Result<OwnedFd, Errno> {
    if let Ok(c) = seqpacket() {
        let (a, len) = sockaddr_un(path)?;
        // SAFETY: a is a valid sockaddr_un of len bytes.
        if unsafe { libc::connect(c.as_raw_fd(), &a as *const _ as *const libc::sockaddr, len) } == 0 {
            return Err(Errno::EADDRINUSE);
        }
    }
    let tmp = format!("{path}.{}.tmp", std::process::id());
    let fd = seqpacket()?;
    let (a, len) = sockaddr_un(&tmp)?;
    let _ = std::fs::remove_file(&tmp);
    // SAFETY: a is a valid sockaddr_un of len bytes.
    cvt(unsafe { libc::bind(fd.as_raw_fd(), &a as *const _ as *const libc::sockaddr, len) })?;
    // SAFETY: listen on our socket.
    cvt(unsafe { libc::listen(fd.as_raw_fd(), 128) })?;
    std::fs::rename(&tmp, path).map_err(|e| Errno(e.raw_os_error().unwrap_or(libc::EIO)))?;
    Ok(fd)
}

impl Server {
    pub fn new(host: Arc<SimHost>) -> Arc<Server> {
        Arc::new(Server { host, sockets: Mutex::new(HashMap::new()), next_token: AtomicU32::new(1) })
    }

    /// Accepts connections until the listening socket fails.
    pub fn run(self: &Arc<Self>, listener: OwnedFd) -> Errno {
        loop {
            // SAFETY: accept4 with no address wanted.
            let c = unsafe {
                libc::accept4(listener.as_raw_fd(), std::ptr::null_mut(), std::ptr::null_mut(), libc::SOCK_CLOEXEC)
            };
            if c < 0 {
                let e = errno();
                if matches!(e, libc::EINTR | libc::ECONNABORTED | libc::EMFILE | libc::ENFILE) {
                    continue;
                }
                return Errno(e);
            }
            // SAFETY: c was just accepted and is ours.
            let conn = unsafe { OwnedFd::from_raw_fd(c) };
            let me = self.clone();
            let spawned = std::thread::Builder::new().name("rtnlsim-conn".into()).spawn(move || me.connection(conn));
            if let Err(e) = spawned {
                tracing::warn!("rtnlsim serve: cannot start a thread: {e}");
            }
        }
    }

    /// A new connection: its first message says what it is.
    fn connection(self: Arc<Self>, conn: OwnedFd) {
        let mut buf = vec![0u8; 4096];
        let Ok(Some(n)) = recv_msg(conn.as_raw_fd(), &mut buf) else { return };
        let Some((open, netns)) = proto::Open::decode(&buf[..n]) else { return };
        match open.kind {
            proto::OPEN_SOCKET => self.socket_connection(conn, open, &netns),
            proto::OPEN_CONTROL => self.control_connection(conn),
            _ => {}
        }
    }

    fn net(&self, name: &str) -> Result<NetRef, Errno> {
        if name.is_empty() {
            Ok(self.host.kernel().init_net())
        } else {
            self.host.kernel().netns_get(name).ok_or(Errno::ENOENT)
        }
    }

    /// The pid of the process at the other end (`SO_PEERCRED`).
    fn peer_pid(conn: RawFd) -> u32 {
        let mut cred = libc::ucred { pid: 0, uid: 0, gid: 0 };
        let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
        // SAFETY: cred is a ucred of len bytes.
        let r = unsafe {
            libc::getsockopt(
                conn,
                libc::SOL_SOCKET,
                libc::SO_PEERCRED,
                &mut cred as *mut _ as *mut libc::c_void,
                &mut len,
            )
        };
        if r == 0 {
            cred.pid as u32
        } else {
            0
        }
    }

    /// `socket(AF_NETLINK, type, protocol)` for the program, then the pump.
    fn socket_connection(self: Arc<Self>, conn: OwnedFd, open: proto::Open, netns: &str) {
        let pid = Self::peer_pid(conn.as_raw_fd());
        let made = self.net(netns).and_then(|net| net.socket_as(open.sock_type, open.protocol, Credentials::root(pid)));
        let sock = match made {
            Ok(s) => s,
            Err(e) => {
                let f = proto::Frame { kind: proto::FRAME_OPENED, err: e.0, ..Default::default() };
                let _ = send_parts(conn.as_raw_fd(), &[&f.encode()], 0);
                return;
            }
        };
        // SAFETY: eventfd(2).
        let wake = match cvt(unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) }) {
            // SAFETY: the eventfd is ours.
            Ok(fd) => unsafe { OwnedFd::from_raw_fd(fd) },
            Err(e) => {
                let f = proto::Frame { kind: proto::FRAME_OPENED, err: e.0, ..Default::default() };
                let _ = send_parts(conn.as_raw_fd(), &[&f.encode()], 0);
                return;
            }
        };
        // Little in flight (64 KiB, a dump chunk and some): the backlog of
        // a program that does not read stays in the simulated socket's
        // queue, where Linux's receive-buffer accounting applies to it.
        set_sndbuf(conn.as_raw_fd(), CONN_SNDBUF);
        let token = self.next_token.fetch_add(1, Ordering::Relaxed);
        let entry = Arc::new(Entry { sock, conn, wake, pump: Mutex::new(Pump::default()) });
        // sk_data_ready: only signal (it runs with kernel locks held).
        let wfd = entry.wake.as_raw_fd();
        entry.sock.set_data_ready(Some(Arc::new(move || {
            let one: u64 = 1;
            // SAFETY: an 8-byte write to our eventfd; the entry (and the fd)
            // outlive the callback, which is removed before they go.
            unsafe { libc::write(wfd, &one as *const u64 as *const libc::c_void, 8) };
        })));
        // Known by its token before the program can name it in a control call.
        if let Ok(mut m) = self.sockets.lock() {
            m.insert(token, entry.clone());
        }
        let f = proto::Frame { kind: proto::FRAME_OPENED, token, ..Default::default() };
        if send_parts(entry.conn.as_raw_fd(), &[&f.encode()], 0).is_ok() {
            entry.pump_loop();
        }
        entry.sock.set_data_ready(None);
        if let Ok(mut m) = self.sockets.lock() {
            m.remove(&token);
        }
        // The last reference (a control call may still hold one) closes the socket.
    }

    /// A process's control connection: one request, one reply, until it hangs up.
    fn control_connection(&self, conn: OwnedFd) {
        if send_parts(conn.as_raw_fd(), &[&proto::Reply::default().encode()], 0).is_err() {
            return;
        }
        let mut buf = vec![0u8; proto::MAX_MESSAGE];
        loop {
            let n = match recv_msg(conn.as_raw_fd(), &mut buf) {
                Ok(Some(n)) => n,
                _ => return,
            };
            let reply = match proto::Request::decode(&buf[..n]) {
                Some((req, payload)) => self.call(req, payload),
                None => proto::Reply { ret: -(Errno::EINVAL.0 as i64), payload: Vec::new() },
            };
            if send_parts(conn.as_raw_fd(), &[&reply.encode()], 0).is_err() {
                return;
            }
        }
    }

    /// Pumps every socket (a sendmsg may have notified any of them).
    fn pump_all(&self) {
        let all: Vec<Arc<Entry>> = self.sockets.lock().map(|m| m.values().cloned().collect()).unwrap_or_default();
        for e in all {
            e.pump();
        }
    }

    fn entry(&self, token: u32) -> Result<Arc<Entry>, Errno> {
        self.sockets.lock().ok().and_then(|m| m.get(&token).cloned()).ok_or(Errno::EBADF)
    }

    /// One control call.
    fn call(&self, req: proto::Request, payload: &[u8]) -> proto::Reply {
        let r = (|| -> Result<(i64, Vec<u8>), Errno> {
            match req.op {
                proto::OP_NAMETOINDEX => {
                    let mut parts = payload.splitn(2, |&b| b == 0);
                    let ns = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
                    let name = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
                    let net = self.net(&ns)?;
                    let dev = dev_get_by_name(&net, &name).ok_or(Errno::ENODEV)?;
                    return Ok((dev.ifindex() as i64, Vec::new()));
                }
                proto::OP_TXQLEN => {
                    let mut parts = payload.splitn(2, |&b| b == 0);
                    let ns = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
                    let name = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
                    let net = self.net(&ns)?;
                    let dev = dev_get_by_name(&net, &name).ok_or(Errno::ENODEV)?;
                    let qlen = dev.st.lock().tx_queue_len;
                    return Ok((i64::from(qlen), Vec::new()));
                }
                proto::OP_INDEXTONAME => {
                    let net = self.net(&String::from_utf8_lossy(payload))?;
                    let dev = dev_get_by_index(&net, req.a).ok_or(Errno::ENXIO)?;
                    return Ok((0, dev.name().into_bytes()));
                }
                proto::OP_NAMEINDEX => {
                    let net = self.net(&String::from_utf8_lossy(payload))?;
                    let mut out = Vec::new();
                    for dev in for_each_netdev(&net) {
                        out.extend_from_slice(&(dev.ifindex() as u32).to_ne_bytes());
                        out.extend_from_slice(dev.name().as_bytes());
                        out.push(0);
                    }
                    return Ok((0, out));
                }
                _ => {}
            }
            let e = self.entry(req.token)?;
            let s = &e.sock;
            match req.op {
                proto::OP_BIND => s.bind_raw(payload).map(|_| (0, Vec::new())),
                proto::OP_CONNECT => s.connect_raw(payload).map(|_| (0, Vec::new())),
                proto::OP_GETSOCKNAME => Ok((0, s.getsockname().to_bytes().to_vec())),
                proto::OP_GETPEERNAME => Ok((0, s.getpeername().to_bytes().to_vec())),
                proto::OP_SETSOCKOPT => s.setsockopt(req.a, req.b as u32, payload).map(|_| (0, Vec::new())),
                proto::OP_GETSOCKOPT => {
                    let mut v = vec![0u8; (req.c as usize).min(4096)];
                    let n = s.getsockopt(req.a, req.b as u32, &mut v)?;
                    v.truncate(n.min(v.len()));
                    Ok((n as i64, v))
                }
                proto::OP_SENDMSG => {
                    let namelen = req.c as usize;
                    if req.b != 0 && payload.len() < namelen {
                        return Err(Errno::EINVAL);
                    }
                    let (name, data) = if req.b != 0 { payload.split_at(namelen) } else { (&[][..], payload) };
                    let addr = (req.b != 0 && namelen > 0).then_some(name);
                    // The pump does not read this socket while its own
                    // sendmsg runs, as a single-threaded program is not in
                    // recvmsg while it is in sendmsg: otherwise the pump
                    // could see a dump running (`cb_running`) just before
                    // the sendmsg's netlink_dump finished it, and its own
                    // netlink_dump would fail with EINVAL ("netlink
                    // receive error Invalid argument" in `ip addr show`).
                    let mut p = e.pump.lock().map_err(|_| Errno::EIO)?;
                    let r = s.sendto_raw(data, req.a as u32, addr);
                    e.pump_locked(&mut p);
                    drop(p);
                    // The answers are readable when sendmsg returns, and so
                    // are the notifications it caused, as on Linux, where
                    // they are queued on the listeners in the sender's
                    // context: a listener's queue then fills only while its
                    // program does not read, never because a pump lagged.
                    self.pump_all();
                    r.map(|n| (n as i64, Vec::new()))
                }
                proto::OP_FLUSH => {
                    e.pump();
                    Ok((0, Vec::new()))
                }
                proto::OP_RECVBUF => {
                    s.note_recv_buffer(req.a.max(0) as usize);
                    Ok((0, Vec::new()))
                }
                _ => Err(Errno::EOPNOTSUPP),
            }
        })();
        match r {
            Ok((ret, payload)) => proto::Reply { ret, payload },
            Err(e) => proto::Reply { ret: -(e.0 as i64), payload: Vec::new() },
        }
    }
}

impl Entry {
    /// Moves every queued datagram into the connection, until the queue is
    /// empty or the connection is full (then a frame waits in `pending`).
    fn pump(&self) {
        let Ok(mut p) = self.pump.lock() else { return };
        self.pump_locked(&mut p);
    }

    /// [`Entry::pump`] with the pump's lock already held.
    fn pump_locked(&self, p: &mut Pump) {
        loop {
            if p.gone {
                return;
            }
            if let Some(frame) = p.pending.take() {
                let size = frame.len();
                match send_parts(self.conn.as_raw_fd(), &[&frame], libc::MSG_DONTWAIT) {
                    Ok(_) => {
                        if p.grown && size + 4096 > CONN_SNDBUF {
                            set_sndbuf(self.conn.as_raw_fd(), CONN_SNDBUF);
                            p.grown = false;
                        }
                    }
                    Err(Errno(libc::EAGAIN)) => {
                        p.pending = Some(frame);
                        return;
                    }
                    Err(Errno(libc::EMSGSIZE)) if !p.grown => {
                        // A datagram bigger than the connection's buffer
                        // (a large unicast from another program): make room.
                        set_sndbuf(self.conn.as_raw_fd(), frame.len() + 4096);
                        p.grown = true;
                        p.pending = Some(frame);
                        continue;
                    }
                    Err(Errno(libc::EMSGSIZE)) => {
                        tracing::warn!("rtnlsim serve: a {}-byte datagram cannot be passed on", frame.len());
                        p.grown = false;
                    }
                    Err(_) => {
                        p.gone = true;
                        return;
                    }
                }
            }
            // The datagram's size first (a peek, as iproute2 does), then the datagram.
            let frame = match self.sock.recvmsg(&mut [], MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT) {
                Err(Errno::EAGAIN) => return,
                Err(e) => proto::Frame { kind: proto::FRAME_ERROR, err: e.0, ..Default::default() }.encode().to_vec(),
                Ok(peek) => {
                    let mut data = vec![0u8; peek.len];
                    match self.sock.recvmsg(&mut data, MSG_DONTWAIT) {
                        Err(Errno::EAGAIN) => return,
                        Err(e) => {
                            proto::Frame { kind: proto::FRAME_ERROR, err: e.0, ..Default::default() }.encode().to_vec()
                        }
                        Ok(m) => {
                            data.truncate(m.len);
                            let mut f = proto::Frame {
                                kind: proto::FRAME_DATA,
                                pid: m.addr.pid,
                                groups: m.addr.groups,
                                ..Default::default()
                            };
                            if let Some(g) = m.pktinfo {
                                f.flags |= proto::F_PKTINFO;
                                f.group = g;
                            }
                            if let Some(n) = m.nsid {
                                f.flags |= proto::F_NSID;
                                f.nsid = n;
                            }
                            let mut v = f.encode().to_vec();
                            v.extend_from_slice(&data);
                            v
                        }
                    }
                }
            };
            p.pending = Some(frame);
        }
    }

    /// Sleeps until the socket has data or the connection has room again,
    /// pumps, and returns when the program hangs up.
    fn pump_loop(&self) {
        loop {
            let blocked = self.pump.lock().map(|p| p.pending.is_some()).unwrap_or(false);
            let mut fds = [
                libc::pollfd {
                    fd: self.conn.as_raw_fd(),
                    events: libc::POLLIN | if blocked { libc::POLLOUT } else { 0 },
                    revents: 0,
                },
                libc::pollfd { fd: self.wake.as_raw_fd(), events: libc::POLLIN, revents: 0 },
            ];
            // SAFETY: two valid pollfds.
            let r = unsafe { libc::poll(fds.as_mut_ptr(), 2, -1) };
            if r < 0 {
                if errno() == libc::EINTR {
                    continue;
                }
                return;
            }
            if fds[0].revents & (libc::POLLHUP | libc::POLLERR | libc::POLLIN) != 0 {
                // The program writes nothing after opening: this is the hang-up.
                let mut b = [0u8; 64];
                // SAFETY: b is 64 bytes.
                let n = unsafe {
                    libc::recv(self.conn.as_raw_fd(), b.as_mut_ptr() as *mut libc::c_void, 64, libc::MSG_DONTWAIT)
                };
                if n == 0 || (n < 0 && errno() != libc::EAGAIN) || fds[0].revents & libc::POLLHUP != 0 {
                    if let Ok(mut p) = self.pump.lock() {
                        p.gone = true;
                    }
                    return;
                }
            }
            if fds[1].revents & libc::POLLIN != 0 {
                let mut v = 0u64;
                // SAFETY: an 8-byte read from our eventfd.
                unsafe { libc::read(self.wake.as_raw_fd(), &mut v as *mut u64 as *mut libc::c_void, 8) };
            }
            self.pump();
        }
    }
}

/// Blocks SIGINT and SIGTERM in every thread, and removes `path` and exits
/// when one arrives.
fn stop_on_signals(path: String) {
    // SAFETY: sigset manipulation on a local set.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        let _ = std::thread::Builder::new().name("rtnlsim-signals".into()).spawn(move || {
            let mut sig = 0;
            libc::sigwait(&set, &mut sig);
            let _ = std::fs::remove_file(&path);
            eprintln!("rtnlsim: stopped by signal {sig}");
            std::process::exit(0);
        });
    }
}

/// Drives `kernel`'s virtual clock from the wall clock, one jiffy (4 ms at
/// HZ 250) at a time, for as long as the process lives: timers (address
/// lifetimes, DAD, neighbour states, bridge timers) then run as they would
/// on a real machine, for programs that wait for them.
pub fn wall_clock(kernel: rtnlsim_kernel::Kernel) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new().name("rtnlsim-clock".into()).spawn(move || {
        let start = std::time::Instant::now();
        let mut advanced_ms: u64 = 0;
        loop {
            std::thread::sleep(std::time::Duration::from_millis(4));
            let due = start.elapsed().as_millis() as u64 / 4 * 4;
            if due > advanced_ms {
                kernel.advance_ms(due - advanced_ms);
                advanced_ms = due;
            }
        }
    })
}

/// `rtnlsim serve`: runs `script` (if any) on `host`, then serves it on
/// `path` until SIGINT or SIGTERM (with the virtual clock following the
/// wall clock if `wall`). Returns the exit status.
pub fn serve(host: SimHost, path: &str, script: Option<(String, String)>, wall: bool) -> i32 {
    // Before any thread starts, so that every thread inherits the mask.
    stop_on_signals(path.to_string());
    if let Some((name, text)) = script {
        let opts = crate::run::RunOptions { name, ..Default::default() };
        let status =
            crate::run::run_script(&host, &text, &opts, &mut std::io::stdout().lock(), &mut std::io::stderr().lock());
        if status != 0 {
            return status;
        }
    }
    let listener = match listen(path) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("rtnlsim serve: cannot listen on {path}: {}", crate::ip::utils::strerror(e));
            return 1;
        }
    };
    if wall {
        if let Err(e) = wall_clock(host.kernel().clone()) {
            eprintln!("rtnlsim serve: no clock thread: {e}");
            return 1;
        }
    }
    eprintln!("rtnlsim: serving on {path}");
    let _ = std::io::stderr().flush();
    let server = Server::new(Arc::new(host));
    let e = server.run(listener);
    let _ = std::fs::remove_file(path);
    eprintln!("rtnlsim serve: {}", crate::ip::utils::strerror(e));
    1
}
