//! `librtnlsim_preload.so`: run an unmodified program's netlink against the
//! simulated kernel of `rtnlsim serve`.
//!
//! ```sh
//! rtnlsim serve --socket /tmp/sim.sock &
//! LD_PRELOAD=target/debug/librtnlsim_preload.so RTNLSIM_SOCKET=/tmp/sim.sock ip link show
//! ```
//!
//! Every `socket(AF_NETLINK, …)` of the program becomes a connection to the
//! server (`rtnlsim_proto`, docs/clients.md); every other socket is left
//! alone. The descriptor the program gets *is* that connection's end, so
//! poll, select, epoll, `O_NONBLOCK`, fork and close behave natively; the
//! calls whose meaning is netlink's are rewritten here:
//!
//! - `bind`, `connect`, `getsockname`, `getpeername`, `setsockopt`,
//!   `getsockopt`, and the sends (`send`, `sendto`, `sendmsg`, `write`) go to
//!   the server as control calls, which run them on the simulated socket and
//!   answer with Linux's return value or errno;
//! - the receives (`recv`, `recvfrom`, `recvmsg`, `read`, and the fortified
//!   `__recv_chk` family) read the connection natively, behind a header
//!   carrying what `recvmsg` reports besides the bytes: `msg_name` (a
//!   `sockaddr_nl`), the `NETLINK_PKTINFO` and `NETLINK_LISTEN_ALL_NSID`
//!   control messages, or an error to return (ENOBUFS). `MSG_PEEK`,
//!   `MSG_TRUNC` and `MSG_DONTWAIT` are the AF_UNIX socket's own;
//! - `dup`, `dup2`, `dup3` and `fcntl(F_DUPFD…)` copy the descriptor's entry
//!   in the table of simulated sockets, `close` removes it; an entry is
//!   checked against the descriptor's inode before use, so a stale one (a
//!   descriptor closed behind our back) is never taken for a netlink socket;
//! - `if_nametoindex`, `if_indextoname` and `if_nameindex` answer from the
//!   simulated kernel (glibc 2.36 does them with `ioctl(SIOCGIFINDEX)`
//!   and an internal netlink socket, neither of which an interposer sees),
//!   and so do the program's own `ioctl(SIOCGIFINDEX)` and
//!   `ioctl(SIOCGIFNAME)`.
//!
//! `RTNLSIM_NETNS` names the namespace (one the server's `ip netns` knows)
//! new sockets are made in; unset, the initial one. Without a server (or
//! without `RTNLSIM_SOCKET`), `socket(AF_NETLINK, …)` fails with
//! ECONNREFUSED after one line on stderr: never a hang, and never the real
//! kernel.

// Every exported function is a libc entry point with libc's contract; the
// pointers they take are the caller's, as in C.
#![allow(clippy::missing_safety_doc)]

use std::collections::BTreeMap;
use std::ffi::{c_char, c_int, c_uint, c_ulong, c_void, CStr};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use libc::{iovec, msghdr, size_t, sockaddr, socklen_t, ssize_t};
use rtnlsim_proto as proto;

// ---------------------------------------------------------------------------
// The real functions (the next definition after ours: libc's).

macro_rules! real {
    ($name:ident : $ty:ty) => {{
        static P: AtomicUsize = AtomicUsize::new(0);
        let mut p = P.load(Ordering::Relaxed);
        if p == 0 {
            // SAFETY: dlsym with a NUL-terminated name.
            p = unsafe { libc::dlsym(libc::RTLD_NEXT, concat!(stringify!($name), "\0").as_ptr() as *const c_char) }
                as usize;
            if p == 0 {
                die(concat!("rtnlsim preload: no ", stringify!($name), " in libc\n"));
            }
            P.store(p, Ordering::Relaxed);
        }
        // SAFETY: the symbol is libc's function of this type.
        unsafe { std::mem::transmute::<usize, $ty>(p) }
    }};
}

type SocketFn = unsafe extern "C" fn(c_int, c_int, c_int) -> c_int;
type AddrFn = unsafe extern "C" fn(c_int, *const sockaddr, socklen_t) -> c_int;
type NameFn = unsafe extern "C" fn(c_int, *mut sockaddr, *mut socklen_t) -> c_int;
type SetsockoptFn = unsafe extern "C" fn(c_int, c_int, c_int, *const c_void, socklen_t) -> c_int;
type GetsockoptFn = unsafe extern "C" fn(c_int, c_int, c_int, *mut c_void, *mut socklen_t) -> c_int;
type SendFn = unsafe extern "C" fn(c_int, *const c_void, size_t, c_int) -> ssize_t;
type SendtoFn = unsafe extern "C" fn(c_int, *const c_void, size_t, c_int, *const sockaddr, socklen_t) -> ssize_t;
type SendmsgFn = unsafe extern "C" fn(c_int, *const msghdr, c_int) -> ssize_t;
type RecvFn = unsafe extern "C" fn(c_int, *mut c_void, size_t, c_int) -> ssize_t;
type RecvfromFn = unsafe extern "C" fn(c_int, *mut c_void, size_t, c_int, *mut sockaddr, *mut socklen_t) -> ssize_t;
type RecvmsgFn = unsafe extern "C" fn(c_int, *mut msghdr, c_int) -> ssize_t;
type ReadFn = unsafe extern "C" fn(c_int, *mut c_void, size_t) -> ssize_t;
type WriteFn = unsafe extern "C" fn(c_int, *const c_void, size_t) -> ssize_t;
type CloseFn = unsafe extern "C" fn(c_int) -> c_int;
type Dup2Fn = unsafe extern "C" fn(c_int, c_int) -> c_int;
type Dup3Fn = unsafe extern "C" fn(c_int, c_int, c_int) -> c_int;
type FcntlFn = unsafe extern "C" fn(c_int, c_int, ...) -> c_int;
type IfNameToIndexFn = unsafe extern "C" fn(*const c_char) -> c_uint;
type IfIndexToNameFn = unsafe extern "C" fn(c_uint, *mut c_char) -> *mut c_char;

fn die(msg: &str) -> ! {
    // SAFETY: write(2) of a valid buffer, then _exit.
    unsafe {
        libc::syscall(libc::SYS_write, 2, msg.as_ptr(), msg.len());
        libc::_exit(127)
    }
}

fn set_errno(e: c_int) {
    // SAFETY: errno is thread-local and always valid.
    unsafe { *libc::__errno_location() = e };
}

fn errno() -> c_int {
    // SAFETY: as above.
    unsafe { *libc::__errno_location() }
}

/// One line on stderr (through the real write, not ours).
fn say(line: &str) {
    let w = real!(write: WriteFn);
    // SAFETY: a valid buffer.
    unsafe { w(2, line.as_ptr() as *const c_void, line.len()) };
}

// ---------------------------------------------------------------------------
// The table of simulated sockets, by descriptor.

/// A simulated socket as the program's descriptors see it.
struct Sim {
    /// The connection's identity: a stale table entry is one whose
    /// descriptor now names another file.
    dev: u64,
    ino: u64,
    /// The server's name for the socket.
    token: u32,
    /// The largest receive buffer reported to the server.
    noted: AtomicUsize,
}

static TABLE: Mutex<BTreeMap<c_int, Arc<Sim>>> = Mutex::new(BTreeMap::new());
/// Entries in TABLE: lets calls on other descriptors skip the lock.
static COUNT: AtomicUsize = AtomicUsize::new(0);

fn identity(fd: c_int) -> Option<(u64, u64)> {
    // SAFETY: fstat into a local stat.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: st is a valid stat buffer.
    if unsafe { libc::fstat(fd, &mut st) } != 0 {
        return None;
    }
    Some((st.st_dev, st.st_ino))
}

fn table_insert(fd: c_int, sim: Arc<Sim>) {
    if let Ok(mut t) = TABLE.lock() {
        t.insert(fd, sim);
        COUNT.store(t.len(), Ordering::Release);
    }
}

fn table_remove(fd: c_int) -> Option<Arc<Sim>> {
    if COUNT.load(Ordering::Acquire) == 0 {
        return None;
    }
    let mut t = TABLE.lock().ok()?;
    let r = t.remove(&fd);
    COUNT.store(t.len(), Ordering::Release);
    r
}

/// The simulated socket behind `fd`, if it is one.
fn sim(fd: c_int) -> Option<Arc<Sim>> {
    if COUNT.load(Ordering::Acquire) == 0 {
        return None;
    }
    let s = TABLE.lock().ok()?.get(&fd).cloned()?;
    if identity(fd) == Some((s.dev, s.ino)) {
        Some(s)
    } else {
        table_remove(fd);
        None
    }
}

// ---------------------------------------------------------------------------
// Talking to the server.

fn server_path() -> Option<String> {
    std::env::var("RTNLSIM_SOCKET").ok().filter(|p| !p.is_empty())
}

fn netns() -> String {
    std::env::var("RTNLSIM_NETNS").unwrap_or_default()
}

/// A SEQPACKET connection to the server (a raw fd, close-on-exec).
fn connect_server(path: &str) -> Result<c_int, c_int> {
    let sock = real!(socket: SocketFn);
    let conn = real!(connect: AddrFn);
    let close = real!(close: CloseFn);
    // SAFETY: sockaddr_un is plain data.
    let mut a: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    a.sun_family = libc::AF_UNIX as libc::sa_family_t;
    let b = path.as_bytes();
    if b.len() >= a.sun_path.len() {
        return Err(libc::ENAMETOOLONG);
    }
    for (d, s) in a.sun_path.iter_mut().zip(b) {
        *d = *s as c_char;
    }
    let len = (std::mem::size_of::<libc::sa_family_t>() + b.len() + 1) as socklen_t;
    // SAFETY: plain socket calls on our own descriptor.
    unsafe {
        let fd = sock(libc::AF_UNIX, libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return Err(errno());
        }
        if conn(fd, &a as *const _ as *const sockaddr, len) != 0 {
            let e = errno();
            close(fd);
            return Err(e);
        }
        Ok(fd)
    }
}

fn send_all(fd: c_int, msg: &[u8]) -> Result<(), c_int> {
    let send = real!(send: SendFn);
    loop {
        // SAFETY: a valid buffer.
        let n = unsafe { send(fd, msg.as_ptr() as *const c_void, msg.len(), libc::MSG_NOSIGNAL) };
        if n >= 0 {
            return Ok(());
        }
        if errno() != libc::EINTR {
            return Err(errno());
        }
    }
}

/// One message (blocking); `Err(ECONNRESET)` when the server hung up.
fn recv_one(fd: c_int, buf: &mut [u8]) -> Result<usize, c_int> {
    let recv = real!(recv: RecvFn);
    loop {
        // SAFETY: a valid buffer.
        let n = unsafe { recv(fd, buf.as_mut_ptr() as *mut c_void, buf.len(), 0) };
        if n > 0 {
            return Ok(n as usize);
        }
        if n == 0 {
            return Err(libc::ECONNRESET);
        }
        if errno() != libc::EINTR {
            return Err(errno());
        }
    }
}

/// The process's control connection (reopened in a forked child).
struct Ctl {
    pid: c_int,
    fd: c_int,
    /// Where replies are read (allocated once).
    buf: Vec<u8>,
}

static CTL: Mutex<Ctl> = Mutex::new(Ctl { pid: 0, fd: -1, buf: Vec::new() });

fn open_control() -> Result<c_int, c_int> {
    let path = server_path().ok_or(libc::ECONNREFUSED)?;
    let fd = connect_server(&path)?;
    let close = real!(close: CloseFn);
    let hello = proto::Open { kind: proto::OPEN_CONTROL, ..Default::default() }.encode("");
    let mut b = [0u8; 64];
    match send_all(fd, &hello).and_then(|_| recv_one(fd, &mut b)) {
        Ok(_) => Ok(fd),
        Err(e) => {
            // SAFETY: our descriptor.
            unsafe { close(fd) };
            Err(e)
        }
    }
}

/// A control call: the server's return value (≥ 0) and payload, or an errno.
fn call(req: proto::Request, payload: &[&[u8]]) -> Result<(i64, Vec<u8>), c_int> {
    let close = real!(close: CloseFn);
    let mut ctl = CTL.lock().map_err(|_| libc::EIO)?;
    // SAFETY: getpid(2).
    let pid = unsafe { libc::getpid() };
    let msg = req.encode(payload);
    for attempt in 0..2 {
        if ctl.fd < 0 || ctl.pid != pid {
            if ctl.fd >= 0 {
                // Inherited from the parent: the parent keeps its own.
                // SAFETY: our descriptor.
                unsafe { close(ctl.fd) };
            }
            ctl.fd = -1;
            ctl.fd = open_control()?;
            ctl.pid = pid;
        }
        if let Err(e) = send_all(ctl.fd, &msg) {
            // SAFETY: our descriptor.
            unsafe { close(ctl.fd) };
            ctl.fd = -1;
            if attempt == 0 {
                continue;
            }
            return Err(if e == libc::EPIPE { libc::ECONNRESET } else { e });
        }
        if ctl.buf.len() < proto::MAX_MESSAGE {
            ctl.buf.resize(proto::MAX_MESSAGE, 0);
        }
        let fd = ctl.fd;
        return match recv_one(fd, &mut ctl.buf) {
            Ok(n) => {
                let r = proto::Reply::decode(&ctl.buf[..n]).ok_or(libc::EIO)?;
                if r.ret < 0 {
                    Err((-r.ret) as c_int)
                } else {
                    Ok((r.ret, r.payload))
                }
            }
            Err(e) => {
                // SAFETY: our descriptor.
                unsafe { close(ctl.fd) };
                ctl.fd = -1;
                Err(e)
            }
        };
    }
    Err(libc::ECONNRESET)
}

/// `-1` with errno `e`.
fn fail<T: From<i8>>(e: c_int) -> T {
    set_errno(e);
    T::from(-1)
}

// ---------------------------------------------------------------------------
// socket(2)

static WARNED: AtomicBool = AtomicBool::new(false);

fn warn_once(line: String) {
    if !WARNED.swap(true, Ordering::AcqRel) {
        say(&line);
    }
}

fn sim_socket(ty: c_int, protocol: c_int) -> c_int {
    let close = real!(close: CloseFn);
    let fcntl = real!(fcntl: FcntlFn);
    let Some(path) = server_path() else {
        warn_once("rtnlsim preload: RTNLSIM_SOCKET is not set: no netlink socket without `rtnlsim serve`\n".into());
        return fail(libc::ECONNREFUSED);
    };
    let fd = match connect_server(&path) {
        Ok(fd) => fd,
        Err(e) => {
            // SAFETY: strerror returns a NUL-terminated static string.
            let why = unsafe { CStr::from_ptr(libc::strerror(e)) }.to_string_lossy();
            warn_once(format!("rtnlsim preload: no simulator at RTNLSIM_SOCKET={path}: {why}\n"));
            return fail(libc::ECONNREFUSED);
        }
    };
    let ns = netns();
    let open = proto::Open { kind: proto::OPEN_SOCKET, sock_type: ty, protocol }.encode(&ns);
    let mut b = [0u8; proto::Frame::LEN];
    let frame = send_all(fd, &open).and_then(|_| recv_one(fd, &mut b)).ok().and_then(|_| proto::Frame::decode(&b));
    let frame = match frame {
        Some(f) if f.kind == proto::FRAME_OPENED => f,
        _ => {
            // SAFETY: our descriptor.
            unsafe { close(fd) };
            warn_once(format!("rtnlsim preload: the simulator at RTNLSIM_SOCKET={path} did not answer\n"));
            return fail(libc::ECONNREFUSED);
        }
    };
    if frame.err != 0 {
        // SAFETY: our descriptor.
        unsafe { close(fd) };
        if frame.err == libc::ENOENT && !ns.is_empty() {
            warn_once(format!("rtnlsim preload: the simulator has no namespace \"{ns}\" (RTNLSIM_NETNS)\n"));
        }
        return fail(frame.err);
    }
    // SOCK_CLOEXEC and SOCK_NONBLOCK apply to the descriptor itself.
    // SAFETY: fcntl on our descriptor.
    unsafe {
        if ty & libc::SOCK_CLOEXEC == 0 {
            fcntl(fd, libc::F_SETFD, 0 as c_int);
        }
        if ty & libc::SOCK_NONBLOCK != 0 {
            fcntl(fd, libc::F_SETFL, libc::O_NONBLOCK);
        }
    }
    let Some((dev, ino)) = identity(fd) else {
        // SAFETY: our descriptor.
        unsafe { close(fd) };
        return fail(libc::EMFILE);
    };
    table_insert(fd, Arc::new(Sim { dev, ino, token: frame.token, noted: AtomicUsize::new(0) }));
    fd
}

#[no_mangle]
pub unsafe extern "C" fn socket(domain: c_int, ty: c_int, protocol: c_int) -> c_int {
    if domain == libc::AF_NETLINK {
        return sim_socket(ty, protocol);
    }
    real!(socket: SocketFn)(domain, ty, protocol)
}

// ---------------------------------------------------------------------------
// Addresses and options

/// The bytes of a `struct sockaddr *` of `len`, as `move_addr_to_kernel` takes them.
unsafe fn addr_bytes<'a>(addr: *const sockaddr, len: socklen_t) -> Result<&'a [u8], c_int> {
    if len as i32 > std::mem::size_of::<libc::sockaddr_storage>() as i32 || (len as i32) < 0 {
        return Err(libc::EINVAL);
    }
    if len == 0 {
        return Ok(&[]);
    }
    if addr.is_null() {
        return Err(libc::EFAULT);
    }
    Ok(std::slice::from_raw_parts(addr as *const u8, len as usize))
}

unsafe fn sim_addr_call(op: u32, s: &Sim, addr: *const sockaddr, len: socklen_t) -> c_int {
    let bytes = match addr_bytes(addr, len) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    match call(proto::Request { op, token: s.token, ..Default::default() }, &[bytes]) {
        Ok(_) => 0,
        Err(e) => fail(e),
    }
}

#[no_mangle]
pub unsafe extern "C" fn bind(fd: c_int, addr: *const sockaddr, len: socklen_t) -> c_int {
    match sim(fd) {
        Some(s) => sim_addr_call(proto::OP_BIND, &s, addr, len),
        None => real!(bind: AddrFn)(fd, addr, len),
    }
}

#[no_mangle]
pub unsafe extern "C" fn connect(fd: c_int, addr: *const sockaddr, len: socklen_t) -> c_int {
    match sim(fd) {
        Some(s) => sim_addr_call(proto::OP_CONNECT, &s, addr, len),
        None => real!(connect: AddrFn)(fd, addr, len),
    }
}

/// `move_addr_to_user`: copies what fits, reports the full length.
unsafe fn put_addr(kaddr: &[u8], uaddr: *mut sockaddr, ulen: *mut socklen_t) -> Result<(), c_int> {
    if ulen.is_null() {
        return Err(libc::EFAULT);
    }
    let len = *ulen as i32;
    if len < 0 {
        return Err(libc::EINVAL);
    }
    let n = (len as usize).min(kaddr.len());
    if n > 0 {
        if uaddr.is_null() {
            return Err(libc::EFAULT);
        }
        std::ptr::copy_nonoverlapping(kaddr.as_ptr(), uaddr as *mut u8, n);
    }
    *ulen = kaddr.len() as socklen_t;
    Ok(())
}

unsafe fn sim_name(op: u32, s: &Sim, addr: *mut sockaddr, len: *mut socklen_t) -> c_int {
    match call(proto::Request { op, token: s.token, ..Default::default() }, &[])
        .and_then(|(_, a)| put_addr(&a, addr, len))
    {
        Ok(()) => 0,
        Err(e) => fail(e),
    }
}

#[no_mangle]
pub unsafe extern "C" fn getsockname(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int {
    match sim(fd) {
        Some(s) => sim_name(proto::OP_GETSOCKNAME, &s, addr, len),
        None => real!(getsockname: NameFn)(fd, addr, len),
    }
}

#[no_mangle]
pub unsafe extern "C" fn getpeername(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int {
    match sim(fd) {
        Some(s) => sim_name(proto::OP_GETPEERNAME, &s, addr, len),
        None => real!(getpeername: NameFn)(fd, addr, len),
    }
}

/// Timeouts also go on the descriptor: the receives are native.
fn is_timeout(level: c_int, name: c_int) -> bool {
    level == libc::SOL_SOCKET && matches!(name, libc::SO_RCVTIMEO | libc::SO_SNDTIMEO | 66 | 67)
}

#[no_mangle]
pub unsafe extern "C" fn setsockopt(fd: c_int, level: c_int, name: c_int, val: *const c_void, len: socklen_t) -> c_int {
    let Some(s) = sim(fd) else { return real!(setsockopt: SetsockoptFn)(fd, level, name, val, len) };
    if (len as i32) < 0 {
        return fail(libc::EINVAL);
    }
    if val.is_null() && len > 0 {
        return fail(libc::EFAULT);
    }
    let bytes: &[u8] = if len == 0 { &[] } else { std::slice::from_raw_parts(val as *const u8, len as usize) };
    let req = proto::Request { op: proto::OP_SETSOCKOPT, token: s.token, a: level, b: name, c: 0 };
    match call(req, &[bytes]) {
        Ok(_) => {
            if is_timeout(level, name) {
                real!(setsockopt: SetsockoptFn)(fd, level, name, val, len);
            }
            0
        }
        Err(e) => fail(e),
    }
}

#[no_mangle]
pub unsafe extern "C" fn getsockopt(
    fd: c_int,
    level: c_int,
    name: c_int,
    val: *mut c_void,
    len: *mut socklen_t,
) -> c_int {
    let Some(s) = sim(fd) else { return real!(getsockopt: GetsockoptFn)(fd, level, name, val, len) };
    if len.is_null() {
        return fail(libc::EFAULT);
    }
    let want = *len as i32;
    if want < 0 {
        return fail(libc::EINVAL);
    }
    let req = proto::Request { op: proto::OP_GETSOCKOPT, token: s.token, a: level, b: name, c: want as u32 };
    match call(req, &[]) {
        Ok((n, bytes)) => {
            let k = bytes.len().min(want as usize);
            if k > 0 {
                if val.is_null() {
                    return fail(libc::EFAULT);
                }
                std::ptr::copy_nonoverlapping(bytes.as_ptr(), val as *mut u8, k);
            }
            *len = n as socklen_t;
            0
        }
        Err(e) => fail(e),
    }
}

// ---------------------------------------------------------------------------
// Sending

unsafe fn sim_sendmsg(fd: c_int, s: &Sim, msg: *const msghdr, mut flags: c_int) -> ssize_t {
    if msg.is_null() {
        return fail(libc::EFAULT);
    }
    let m = &*msg;
    let name = if m.msg_name.is_null() {
        None
    } else {
        match addr_bytes(m.msg_name as *const sockaddr, m.msg_namelen) {
            Ok(b) => Some(b),
            Err(e) => return fail(e),
        }
    };
    let mut data = Vec::new();
    if m.msg_iovlen > 0 && m.msg_iov.is_null() {
        return fail(libc::EFAULT);
    }
    for i in 0..m.msg_iovlen {
        let v = &*m.msg_iov.add(i);
        if v.iov_len > 0 {
            if v.iov_base.is_null() {
                return fail(libc::EFAULT);
            }
            data.extend_from_slice(std::slice::from_raw_parts(v.iov_base as *const u8, v.iov_len));
        }
    }
    // The descriptor's O_NONBLOCK is the socket's.
    if real!(fcntl: FcntlFn)(fd, libc::F_GETFL) & libc::O_NONBLOCK != 0 {
        flags |= libc::MSG_DONTWAIT;
    }
    flags &= !libc::MSG_NOSIGNAL;
    let name = name.filter(|n| !n.is_empty());
    let req = proto::Request {
        op: proto::OP_SENDMSG,
        token: s.token,
        a: flags,
        b: name.is_some() as i32,
        c: name.map_or(0, |n| n.len() as u32),
    };
    match call(req, &[name.unwrap_or(&[]), &data]) {
        Ok((n, _)) => n as ssize_t,
        Err(e) => fail(e),
    }
}

#[no_mangle]
pub unsafe extern "C" fn sendmsg(fd: c_int, msg: *const msghdr, flags: c_int) -> ssize_t {
    match sim(fd) {
        Some(s) => sim_sendmsg(fd, &s, msg, flags),
        None => real!(sendmsg: SendmsgFn)(fd, msg, flags),
    }
}

unsafe fn sim_sendto(
    fd: c_int,
    s: &Sim,
    buf: *const c_void,
    len: size_t,
    flags: c_int,
    addr: *const sockaddr,
    alen: socklen_t,
) -> ssize_t {
    let mut iov = iovec { iov_base: buf as *mut c_void, iov_len: len };
    let mut m: msghdr = std::mem::zeroed();
    m.msg_iov = &mut iov;
    m.msg_iovlen = 1;
    if !addr.is_null() {
        m.msg_name = addr as *mut c_void;
        m.msg_namelen = alen;
    }
    sim_sendmsg(fd, s, &m, flags)
}

#[no_mangle]
pub unsafe extern "C" fn sendto(
    fd: c_int,
    buf: *const c_void,
    len: size_t,
    flags: c_int,
    addr: *const sockaddr,
    alen: socklen_t,
) -> ssize_t {
    match sim(fd) {
        Some(s) => sim_sendto(fd, &s, buf, len, flags, addr, alen),
        None => real!(sendto: SendtoFn)(fd, buf, len, flags, addr, alen),
    }
}

#[no_mangle]
pub unsafe extern "C" fn send(fd: c_int, buf: *const c_void, len: size_t, flags: c_int) -> ssize_t {
    match sim(fd) {
        Some(s) => sim_sendto(fd, &s, buf, len, flags, std::ptr::null(), 0),
        None => real!(send: SendFn)(fd, buf, len, flags),
    }
}

#[no_mangle]
pub unsafe extern "C" fn write(fd: c_int, buf: *const c_void, len: size_t) -> ssize_t {
    match sim(fd) {
        Some(s) => sim_sendto(fd, &s, buf, len, 0, std::ptr::null(), 0),
        None => real!(write: WriteFn)(fd, buf, len),
    }
}

// ---------------------------------------------------------------------------
// Receiving

/// `put_cmsg`: one control message of an int-sized payload, truncated as
/// Linux truncates it; `used` is how far the buffer is filled.
unsafe fn put_cmsg(m: &mut msghdr, used: &mut usize, level: c_int, ty: c_int, data: [u8; 4]) {
    let hdr = std::mem::size_of::<libc::cmsghdr>();
    let room = m.msg_controllen.saturating_sub(*used);
    if m.msg_control.is_null() || room < hdr {
        m.msg_flags |= libc::MSG_CTRUNC;
        return;
    }
    let full = libc::CMSG_LEN(4) as usize;
    let mut cmlen = full;
    if room < full {
        m.msg_flags |= libc::MSG_CTRUNC;
        cmlen = room;
    }
    let at = (m.msg_control as *mut u8).add(*used);
    let c = libc::cmsghdr { cmsg_len: cmlen as _, cmsg_level: level, cmsg_type: ty };
    std::ptr::copy_nonoverlapping(&c as *const _ as *const u8, at, hdr);
    std::ptr::copy_nonoverlapping(data.as_ptr(), at.add(hdr), cmlen - hdr);
    *used += (libc::CMSG_SPACE(4) as usize).min(room);
}

unsafe fn sim_recvmsg(fd: c_int, s: &Sim, msg: *mut msghdr, flags: c_int) -> ssize_t {
    if msg.is_null() {
        return fail(libc::EFAULT);
    }
    if flags & libc::MSG_OOB != 0 {
        return fail(libc::EOPNOTSUPP);
    }
    let m = &mut *msg;
    if m.msg_iovlen > 0 && m.msg_iov.is_null() {
        return fail(libc::EFAULT);
    }
    let user: &[iovec] = if m.msg_iovlen == 0 { &[] } else { std::slice::from_raw_parts(m.msg_iov, m.msg_iovlen) };
    let total: usize = user.iter().map(|v| v.iov_len).sum();
    // netlink_recvmsg notes the largest buffer offered: dump chunks grow to it.
    if total > s.noted.load(Ordering::Acquire) {
        s.noted.store(total, Ordering::Release);
        let req = proto::Request {
            op: proto::OP_RECVBUF,
            token: s.token,
            a: total.min(i32::MAX as usize) as i32,
            ..Default::default()
        };
        let _ = call(req, &[]);
    }
    let mut hdr = [0u8; proto::Frame::LEN];
    let mut iov = Vec::with_capacity(user.len() + 1);
    iov.push(iovec { iov_base: hdr.as_mut_ptr() as *mut c_void, iov_len: hdr.len() });
    iov.extend_from_slice(user);
    let mut rm: msghdr = std::mem::zeroed();
    rm.msg_iov = iov.as_mut_ptr();
    rm.msg_iovlen = iov.len() as _;
    let pass = flags & (libc::MSG_PEEK | libc::MSG_TRUNC | libc::MSG_DONTWAIT | libc::MSG_WAITALL);
    let recvmsg = real!(recvmsg: RecvmsgFn);
    let mut n = recvmsg(fd, &mut rm, pass);
    if n < 0 && errno() == libc::EAGAIN {
        // Nothing here yet: the server may still hold datagrams it could
        // not pass on while the connection was full. Have them passed on,
        // and look once more.
        let req = proto::Request { op: proto::OP_FLUSH, token: s.token, ..Default::default() };
        if call(req, &[]).is_ok() {
            n = recvmsg(fd, &mut rm, pass);
        } else {
            set_errno(libc::EAGAIN);
        }
    }
    if n <= 0 {
        // An error of the descriptor's own (EAGAIN, EINTR), or the
        // server's hang-up: end of file, as a dead netlink peer would give.
        if n == 0 {
            m.msg_flags = 0;
            m.msg_controllen = 0;
        }
        return n;
    }
    let Some(f) = proto::Frame::decode(&hdr) else { return fail(libc::EIO) };
    if (n as usize) < proto::Frame::LEN {
        return fail(libc::EIO);
    }
    if f.kind == proto::FRAME_ERROR {
        if flags & libc::MSG_PEEK != 0 {
            // A pending error is reported once, even to a peek.
            let recv = real!(recv: RecvFn);
            recv(fd, hdr.as_mut_ptr() as *mut c_void, hdr.len(), libc::MSG_DONTWAIT);
        }
        return fail(f.err);
    }
    m.msg_flags = rm.msg_flags & libc::MSG_TRUNC;
    if !m.msg_name.is_null() {
        let mut a: libc::sockaddr_nl = std::mem::zeroed();
        a.nl_family = libc::AF_NETLINK as libc::sa_family_t;
        a.nl_pid = f.pid;
        a.nl_groups = f.groups;
        let k = std::mem::size_of::<libc::sockaddr_nl>();
        let ulen = m.msg_namelen as usize;
        std::ptr::copy_nonoverlapping(&a as *const _ as *const u8, m.msg_name as *mut u8, ulen.min(k));
        m.msg_namelen = k as socklen_t;
    }
    let mut used = 0usize;
    if f.flags & proto::F_PKTINFO != 0 {
        put_cmsg(m, &mut used, libc::SOL_NETLINK, libc::NETLINK_PKTINFO, f.group.to_ne_bytes());
    }
    if f.flags & proto::F_NSID != 0 {
        put_cmsg(m, &mut used, libc::SOL_NETLINK, libc::NETLINK_LISTEN_ALL_NSID, f.nsid.to_ne_bytes());
    }
    m.msg_controllen = used as _;
    n - proto::Frame::LEN as ssize_t
}

#[no_mangle]
pub unsafe extern "C" fn recvmsg(fd: c_int, msg: *mut msghdr, flags: c_int) -> ssize_t {
    match sim(fd) {
        Some(s) => sim_recvmsg(fd, &s, msg, flags),
        None => real!(recvmsg: RecvmsgFn)(fd, msg, flags),
    }
}

unsafe fn sim_recvfrom(
    fd: c_int,
    s: &Sim,
    buf: *mut c_void,
    len: size_t,
    flags: c_int,
    addr: *mut sockaddr,
    alen: *mut socklen_t,
) -> ssize_t {
    let mut iov = iovec { iov_base: buf, iov_len: len };
    let mut m: msghdr = std::mem::zeroed();
    m.msg_iov = &mut iov;
    m.msg_iovlen = 1;
    if !addr.is_null() {
        if alen.is_null() {
            return fail(libc::EFAULT);
        }
        if (*alen as i32) < 0 {
            return fail(libc::EINVAL);
        }
        m.msg_name = addr as *mut c_void;
        m.msg_namelen = *alen;
    }
    let n = sim_recvmsg(fd, s, &mut m, flags);
    if n >= 0 && !addr.is_null() {
        *alen = m.msg_namelen;
    }
    n
}

#[no_mangle]
pub unsafe extern "C" fn recvfrom(
    fd: c_int,
    buf: *mut c_void,
    len: size_t,
    flags: c_int,
    addr: *mut sockaddr,
    alen: *mut socklen_t,
) -> ssize_t {
    match sim(fd) {
        Some(s) => sim_recvfrom(fd, &s, buf, len, flags, addr, alen),
        None => real!(recvfrom: RecvfromFn)(fd, buf, len, flags, addr, alen),
    }
}

#[no_mangle]
pub unsafe extern "C" fn recv(fd: c_int, buf: *mut c_void, len: size_t, flags: c_int) -> ssize_t {
    match sim(fd) {
        Some(s) => sim_recvfrom(fd, &s, buf, len, flags, std::ptr::null_mut(), std::ptr::null_mut()),
        None => real!(recv: RecvFn)(fd, buf, len, flags),
    }
}

#[no_mangle]
pub unsafe extern "C" fn read(fd: c_int, buf: *mut c_void, len: size_t) -> ssize_t {
    match sim(fd) {
        Some(s) => sim_recvfrom(fd, &s, buf, len, 0, std::ptr::null_mut(), std::ptr::null_mut()),
        None => real!(read: ReadFn)(fd, buf, len),
    }
}

#[no_mangle]
pub unsafe extern "C" fn __recv_chk(fd: c_int, buf: *mut c_void, len: size_t, buflen: size_t, flags: c_int) -> ssize_t {
    if len > buflen {
        die("*** buffer overflow detected ***: terminated\n");
    }
    recv(fd, buf, len, flags)
}

#[no_mangle]
pub unsafe extern "C" fn __recvfrom_chk(
    fd: c_int,
    buf: *mut c_void,
    len: size_t,
    buflen: size_t,
    flags: c_int,
    addr: *mut sockaddr,
    alen: *mut socklen_t,
) -> ssize_t {
    if len > buflen {
        die("*** buffer overflow detected ***: terminated\n");
    }
    recvfrom(fd, buf, len, flags, addr, alen)
}

#[no_mangle]
pub unsafe extern "C" fn __read_chk(fd: c_int, buf: *mut c_void, len: size_t, buflen: size_t) -> ssize_t {
    if len > buflen {
        die("*** buffer overflow detected ***: terminated\n");
    }
    read(fd, buf, len)
}

// ---------------------------------------------------------------------------
// Descriptors

#[no_mangle]
pub unsafe extern "C" fn close(fd: c_int) -> c_int {
    table_remove(fd);
    real!(close: CloseFn)(fd)
}

fn copy_entry(from: c_int, to: c_int) {
    if to < 0 || from == to {
        return;
    }
    table_remove(to);
    if let Some(s) = sim(from) {
        table_insert(to, s);
    }
}

#[no_mangle]
pub unsafe extern "C" fn dup(fd: c_int) -> c_int {
    let r = real!(dup: CloseFn)(fd);
    copy_entry(fd, r);
    r
}

#[no_mangle]
pub unsafe extern "C" fn dup2(fd: c_int, to: c_int) -> c_int {
    let r = real!(dup2: Dup2Fn)(fd, to);
    if r >= 0 {
        copy_entry(fd, r);
    }
    r
}

#[no_mangle]
pub unsafe extern "C" fn dup3(fd: c_int, to: c_int, flags: c_int) -> c_int {
    let r = real!(dup3: Dup3Fn)(fd, to, flags);
    if r >= 0 {
        copy_entry(fd, r);
    }
    r
}

unsafe fn do_fcntl(real: FcntlFn, fd: c_int, cmd: c_int, arg: c_ulong) -> c_int {
    let r = real(fd, cmd, arg);
    if r >= 0 && (cmd == libc::F_DUPFD || cmd == libc::F_DUPFD_CLOEXEC) {
        copy_entry(fd, r);
    }
    r
}

// fcntl is variadic; its third argument, when there is one, is an int or a
// pointer, passed in the same register as a fixed `unsigned long` would be.
#[no_mangle]
pub unsafe extern "C" fn fcntl(fd: c_int, cmd: c_int, arg: c_ulong) -> c_int {
    do_fcntl(real!(fcntl: FcntlFn), fd, cmd, arg)
}

#[no_mangle]
pub unsafe extern "C" fn fcntl64(fd: c_int, cmd: c_int, arg: c_ulong) -> c_int {
    do_fcntl(real!(fcntl64: FcntlFn), fd, cmd, arg)
}

// ---------------------------------------------------------------------------
// Interface names

fn active() -> bool {
    server_path().is_some()
}

#[no_mangle]
pub unsafe extern "C" fn if_nametoindex(name: *const c_char) -> c_uint {
    if !active() {
        return real!(if_nametoindex: IfNameToIndexFn)(name);
    }
    if name.is_null() {
        set_errno(libc::ENODEV);
        return 0;
    }
    let n = CStr::from_ptr(name).to_bytes();
    let ns = netns();
    let req = proto::Request { op: proto::OP_NAMETOINDEX, ..Default::default() };
    match call(req, &[ns.as_bytes(), &[0], n]) {
        Ok((i, _)) => i as c_uint,
        Err(e) => {
            set_errno(e);
            0
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn if_indextoname(index: c_uint, buf: *mut c_char) -> *mut c_char {
    if !active() {
        return real!(if_indextoname: IfIndexToNameFn)(index, buf);
    }
    let ns = netns();
    let req = proto::Request { op: proto::OP_INDEXTONAME, a: index as i32, ..Default::default() };
    match call(req, &[ns.as_bytes()]) {
        Ok((_, name)) if name.len() < libc::IF_NAMESIZE && !buf.is_null() => {
            std::ptr::copy_nonoverlapping(name.as_ptr(), buf as *mut u8, name.len());
            *buf.add(name.len()) = 0;
            buf
        }
        Ok(_) => {
            set_errno(libc::ENXIO);
            std::ptr::null_mut()
        }
        Err(e) => {
            set_errno(e);
            std::ptr::null_mut()
        }
    }
}

const SIOCGIFNAME: c_ulong = 0x8910;
const SIOCGIFINDEX: c_ulong = 0x8933;
const SIOCGIFTXQLEN: c_ulong = 0x8942;

/// `ioctl(SIOCGIFINDEX)`, `ioctl(SIOCGIFNAME)` and `ioctl(SIOCGIFTXQLEN)`
/// (what `ip -6 addr show` asks when IPv6 link messages carry no queue
/// length), on any socket, answer from the simulated namespace (a program
/// asking the real kernel would see the machine's interfaces); every other
/// request is libc's.
// ioctl is variadic; its third argument is a pointer here, passed in the
// same register as a fixed one.
#[no_mangle]
pub unsafe extern "C" fn ioctl(fd: c_int, req: c_ulong, arg: *mut c_void) -> c_int {
    type F = unsafe extern "C" fn(c_int, c_ulong, ...) -> c_int;
    if !(req == SIOCGIFINDEX || req == SIOCGIFNAME || req == SIOCGIFTXQLEN) || !active() {
        return real!(ioctl: F)(fd, req, arg);
    }
    if arg.is_null() {
        return fail(libc::EFAULT);
    }
    let ifr = arg as *mut libc::ifreq;
    let ns = netns();
    if req == SIOCGIFTXQLEN {
        let name = &(*ifr).ifr_name;
        let len = name.iter().position(|&c| c == 0).unwrap_or(name.len());
        let bytes: Vec<u8> = name[..len].iter().map(|&c| c as u8).collect();
        let r = call(proto::Request { op: proto::OP_TXQLEN, ..Default::default() }, &[ns.as_bytes(), &[0], &bytes]);
        return match r {
            Ok((q, _)) => {
                (*ifr).ifr_ifru.ifru_metric = q as c_int;
                0
            }
            Err(e) => fail(e),
        };
    }
    if req == SIOCGIFINDEX {
        let name = &(*ifr).ifr_name;
        let len = name.iter().position(|&c| c == 0).unwrap_or(name.len());
        let bytes: Vec<u8> = name[..len].iter().map(|&c| c as u8).collect();
        let r =
            call(proto::Request { op: proto::OP_NAMETOINDEX, ..Default::default() }, &[ns.as_bytes(), &[0], &bytes]);
        match r {
            Ok((i, _)) => {
                (*ifr).ifr_ifru.ifru_ifindex = i as c_int;
                0
            }
            Err(e) => fail(e),
        }
    } else {
        let index = (*ifr).ifr_ifru.ifru_ifindex;
        let r = call(proto::Request { op: proto::OP_INDEXTONAME, a: index, ..Default::default() }, &[ns.as_bytes()]);
        match r {
            Ok((_, name)) if name.len() < libc::IFNAMSIZ => {
                let dst = &mut (*ifr).ifr_name;
                dst.fill(0);
                for (d, s) in dst.iter_mut().zip(&name) {
                    *d = *s as c_char;
                }
                0
            }
            Ok(_) => fail(libc::ENODEV),
            Err(libc::ENXIO) => fail(libc::ENODEV),
            Err(e) => fail(e),
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn if_nameindex() -> *mut libc::if_nameindex {
    type F = unsafe extern "C" fn() -> *mut libc::if_nameindex;
    if !active() {
        return real!(if_nameindex: F)();
    }
    let ns = netns();
    let req = proto::Request { op: proto::OP_NAMEINDEX, ..Default::default() };
    let list = match call(req, &[ns.as_bytes()]) {
        Ok((_, l)) => l,
        Err(e) => {
            set_errno(e);
            return std::ptr::null_mut();
        }
    };
    let mut entries = Vec::new();
    let mut rest = &list[..];
    while rest.len() >= 4 {
        let idx = u32::from_ne_bytes([rest[0], rest[1], rest[2], rest[3]]);
        let end = rest[4..].iter().position(|&b| b == 0).map_or(rest.len(), |p| p + 4);
        entries.push((idx, &rest[4..end]));
        rest = rest.get(end + 1..).unwrap_or(&[]);
    }
    // Allocated as glibc allocates it, so that glibc's if_freenameindex frees it too.
    let arr = libc::calloc(entries.len() + 1, std::mem::size_of::<libc::if_nameindex>()) as *mut libc::if_nameindex;
    if arr.is_null() {
        set_errno(libc::ENOBUFS);
        return arr;
    }
    for (i, (idx, name)) in entries.iter().enumerate() {
        let s = libc::malloc(name.len() + 1) as *mut u8;
        if s.is_null() {
            if_freenameindex(arr);
            set_errno(libc::ENOBUFS);
            return std::ptr::null_mut();
        }
        std::ptr::copy_nonoverlapping(name.as_ptr(), s, name.len());
        *s.add(name.len()) = 0;
        *arr.add(i) = libc::if_nameindex { if_index: *idx, if_name: s as *mut c_char };
    }
    arr
}

#[no_mangle]
pub unsafe extern "C" fn if_freenameindex(ptr: *mut libc::if_nameindex) {
    if ptr.is_null() {
        return;
    }
    let mut p = ptr;
    while !(*p).if_name.is_null() {
        libc::free((*p).if_name as *mut c_void);
        p = p.add(1);
    }
    libc::free(ptr as *mut c_void);
}
