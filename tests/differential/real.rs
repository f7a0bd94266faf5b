//! Runs a scenario against the real kernel, in a network namespace of its own.
//!
//! Two worker threads do the system calls: one that unshared a fresh network
//! namespace (root), and one that joined that namespace and then dropped to
//! uid 65534 without capabilities (per-thread `setresuid`, which clears the
//! capability sets). A socket's calls run on the worker that matches who
//! opened it, or the unprivileged one after `setuid NAME`; file descriptors
//! are shared by the whole process, so a root-opened socket can be used by
//! the unprivileged thread, as after a setuid(2).

use std::sync::mpsc::{channel, Sender};
use std::thread::JoinHandle;

use super::outcome::Outcome;
use super::scenario::{Fixup, Op};
use super::Backend;

type Job = Box<dyn FnOnce() + Send>;

struct Worker {
    tx: Option<Sender<Job>>,
    handle: Option<JoinHandle<()>>,
}

impl Worker {
    fn spawn(setup: impl FnOnce() -> Result<(), String> + Send + 'static) -> Result<Worker, String> {
        let (tx, rx) = channel::<Job>();
        let (ready_tx, ready_rx) = channel();
        let handle = std::thread::spawn(move || {
            let r = setup();
            let ok = r.is_ok();
            let _ = ready_tx.send(r);
            if !ok {
                return;
            }
            while let Ok(job) = rx.recv() {
                job();
            }
        });
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(Worker { tx: Some(tx), handle: Some(handle) }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err("worker thread died".into()),
        }
    }

    fn call<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        self.tx.as_ref().expect("worker").send(job).expect("worker alive");
        rx.recv().expect("worker answered")
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.tx.take();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn gettid() -> i64 {
    unsafe { libc::syscall(libc::SYS_gettid) }
}

/// A namespace made by `netns`: a thread that unshared CLONE_NEWNET (it
/// opens the namespace's sockets), and a descriptor of the namespace for
/// IFLA_NET_NS_FD. Both hold a reference to it.
struct RealNs {
    name: String,
    worker: Worker,
    fd: i32,
}

pub struct Real {
    root: Worker,
    user: Worker,
    pid: u32,
    socks: Vec<(String, i32, bool)>,
    nss: Vec<RealNs>,
}

/// A thread in a new network namespace of its own, and its thread id.
fn netns_worker() -> Result<(Worker, i64), String> {
    let (tid_tx, tid_rx) = channel();
    let worker = Worker::spawn(move || {
        if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
            return Err(format!("unshare(CLONE_NEWNET) failed: {}", std::io::Error::last_os_error()));
        }
        let _ = tid_tx.send(gettid());
        Ok(())
    })?;
    let tid = tid_rx.recv().map_err(|_| "no tid".to_string())?;
    Ok((worker, tid))
}

impl Real {
    /// Sets up the two workers, or says why the real kernel cannot be used here.
    pub fn new() -> Result<Real, String> {
        let (root, tid) = netns_worker()?;
        let user = Worker::spawn(move || {
            let path = std::ffi::CString::new(format!("/proc/self/task/{tid}/ns/net")).unwrap();
            let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
            if fd < 0 || unsafe { libc::setns(fd, libc::CLONE_NEWNET) } != 0 {
                return Err(format!("setns failed: {}", std::io::Error::last_os_error()));
            }
            unsafe { libc::close(fd) };
            // Per-thread identity change: raw system calls, not the libc
            // wrappers (which change every thread of the process).
            let r = unsafe {
                libc::syscall(libc::SYS_setgroups, 0, std::ptr::null::<libc::gid_t>()) == 0
                    && libc::syscall(libc::SYS_setresgid, 65534, 65534, 65534) == 0
                    && libc::syscall(libc::SYS_setresuid, 65534, 65534, 65534) == 0
            };
            if !r {
                return Err(format!("dropping privileges failed: {}", std::io::Error::last_os_error()));
            }
            Ok(())
        })?;
        Ok(Real { root, user, pid: std::process::id(), socks: Vec::new(), nss: Vec::new() })
    }

    fn worker(&self, user: bool) -> &Worker {
        if user {
            &self.user
        } else {
            &self.root
        }
    }

    fn find(&self, name: &str) -> Option<(i32, bool)> {
        self.socks.iter().find(|(n, _, _)| n == name).map(|(_, fd, u)| (*fd, *u))
    }
}

impl Drop for Real {
    fn drop(&mut self) {
        for (_, fd, _) in &self.socks {
            unsafe { libc::close(*fd) };
        }
        for ns in &self.nss {
            unsafe { libc::close(ns.fd) };
        }
    }
}

fn getname(fd: i32, peer: bool) -> Outcome {
    let mut sa: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t;
    let p = &mut sa as *mut libc::sockaddr_nl as *mut libc::sockaddr;
    let r = unsafe {
        if peer {
            libc::getpeername(fd, p, &mut len)
        } else {
            libc::getsockname(fd, p, &mut len)
        }
    };
    if r != 0 {
        return Outcome::Err(errno());
    }
    Outcome::Addr { pid: sa.nl_pid, groups: sa.nl_groups }
}

fn recv(fd: i32, len: usize, flags: u32) -> Outcome {
    let mut buf = vec![0u8; len];
    let mut sa: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
    let mut cbuf = [0u64; 16];
    let mut iov = libc::iovec { iov_base: buf.as_mut_ptr() as *mut libc::c_void, iov_len: len };
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_name = &mut sa as *mut libc::sockaddr_nl as *mut libc::c_void;
    msg.msg_namelen = std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t;
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf.as_mut_ptr() as *mut libc::c_void;
    msg.msg_controllen = std::mem::size_of_val(&cbuf);
    let r = unsafe { libc::recvmsg(fd, &mut msg, (flags | libc::MSG_DONTWAIT as u32) as i32) };
    if r < 0 {
        return Outcome::Err(errno());
    }
    let mut pktinfo = None;
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(&msg);
        while !c.is_null() {
            if (*c).cmsg_level == 270 && (*c).cmsg_type == 3 {
                pktinfo = Some(std::ptr::read_unaligned(libc::CMSG_DATA(c) as *const u32));
            }
            c = libc::CMSG_NXTHDR(&msg, c);
        }
    }
    let copied = (r as usize).min(len);
    Outcome::Datagram {
        ret: r as usize,
        msg_flags: msg.msg_flags as u32,
        from: (sa.nl_pid, sa.nl_groups),
        pktinfo,
        data: buf[..copied].to_vec(),
    }
}

impl Backend for Real {
    fn pid(&self) -> u32 {
        self.pid
    }

    fn ports(&mut self) -> Vec<(u32, String)> {
        let socks = self.socks.clone();
        socks
            .into_iter()
            .map(|(n, fd, _)| match getname(fd, false) {
                Outcome::Addr { pid, .. } => (pid, n),
                _ => (0, n),
            })
            .collect()
    }

    fn nsfds(&mut self) -> Vec<(u32, String)> {
        self.nss.iter().map(|ns| (ns.fd as u32, ns.name.clone())).collect()
    }

    fn run(&mut self, op: &Op) -> Outcome {
        match op {
            Op::Netns { ns } => {
                if self.nss.iter().any(|n| &n.name == ns) {
                    return Outcome::Err(libc::EEXIST);
                }
                let (worker, tid) = match netns_worker() {
                    Ok(w) => w,
                    Err(_) => return Outcome::Err(errno()),
                };
                let Ok(path) = std::ffi::CString::new(format!("/proc/self/task/{tid}/ns/net")) else {
                    return Outcome::Err(libc::EINVAL);
                };
                let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
                if fd < 0 {
                    return Outcome::Err(errno());
                }
                self.nss.push(RealNs { name: ns.clone(), worker, fd });
                return Outcome::Ok;
            }
            Op::NetnsDel { ns } => {
                let Some(i) = self.nss.iter().position(|n| &n.name == ns) else {
                    return Outcome::Err(libc::ENOENT);
                };
                // Closing the descriptor and ending the thread drop the
                // harness's references; cleanup_net runs later, from a
                // workqueue (hence `wait` in scenarios).
                let gone = self.nss.remove(i);
                unsafe { libc::close(gone.fd) };
                drop(gone.worker);
                return Outcome::Ok;
            }
            Op::Wait { ms } => {
                std::thread::sleep(std::time::Duration::from_millis(*ms));
                return Outcome::Ok;
            }
            _ => {}
        }
        if let Op::Socket { name, ty, proto, user, ns } = op {
            let (ty, proto) = (*ty, *proto);
            let worker = match ns {
                Some(ns) => match self.nss.iter().find(|n| &n.name == ns) {
                    Some(n) if !*user => &n.worker,
                    Some(_) => return Outcome::Err(libc::EINVAL), // not supported: unprivileged in another ns
                    None => return Outcome::Err(libc::ENOENT),
                },
                None => self.worker(*user),
            };
            let fd = worker.call(move || {
                let fd = unsafe { libc::socket(libc::AF_NETLINK, ty | libc::SOCK_CLOEXEC, proto) };
                if fd < 0 {
                    Err(errno())
                } else {
                    Ok(fd)
                }
            });
            return match fd {
                Ok(fd) => {
                    self.socks.push((name.clone(), fd, *user));
                    Outcome::Ok
                }
                Err(e) => Outcome::Err(e),
            };
        }
        if let Op::Close { name } = op {
            if let Some((fd, _)) = self.find(name) {
                unsafe { libc::close(fd) };
            }
            self.socks.retain(|(n, _, _)| n != name);
            return Outcome::Ok;
        }
        if let Op::SetUid { name } = op {
            for s in &mut self.socks {
                if &s.0 == name {
                    s.2 = true;
                }
            }
            return Outcome::Ok;
        }
        let Some((fd, user)) = self.find(op.sock()) else {
            return Outcome::Err(9);
        };
        let mut op = op.clone();
        if let Op::Send { data, fixups, .. } = &mut op {
            for (at, f) in fixups.iter() {
                let Fixup::NsFd(ns) = f;
                let fd = self.nss.iter().find(|n| &n.name == ns).map_or(-1, |n| n.fd);
                data[*at..*at + 4].copy_from_slice(&fd.to_ne_bytes());
            }
        }
        self.worker(user).call(move || match op {
            Op::Bind { addr, .. } => {
                let r = unsafe { libc::bind(fd, addr.as_ptr() as *const libc::sockaddr, addr.len() as u32) };
                if r == 0 {
                    Outcome::Ok
                } else {
                    Outcome::Err(errno())
                }
            }
            Op::Connect { addr, .. } => {
                let r = unsafe { libc::connect(fd, addr.as_ptr() as *const libc::sockaddr, addr.len() as u32) };
                if r == 0 {
                    Outcome::Ok
                } else {
                    Outcome::Err(errno())
                }
            }
            Op::GetSockName { .. } => getname(fd, false),
            Op::GetPeerName { .. } => getname(fd, true),
            Op::SetSockOpt { level, opt, val, .. } => {
                let r = unsafe {
                    libc::setsockopt(fd, level, opt as i32, val.as_ptr() as *const libc::c_void, val.len() as u32)
                };
                if r == 0 {
                    Outcome::Ok
                } else {
                    Outcome::Err(errno())
                }
            }
            Op::GetSockOpt { level, opt, len, .. } => {
                let mut b = vec![0u8; len];
                let mut l = len as libc::socklen_t;
                let r = unsafe { libc::getsockopt(fd, level, opt as i32, b.as_mut_ptr() as *mut libc::c_void, &mut l) };
                if r != 0 {
                    return Outcome::Err(errno());
                }
                b.truncate((l as usize).min(len));
                Outcome::SockOpt { len: l as usize, bytes: b }
            }
            Op::Send { to, flags, data, .. } => {
                let (p, l) = match &to {
                    Some(a) => (a.as_ptr() as *const libc::sockaddr, a.len() as u32),
                    None => (std::ptr::null(), 0),
                };
                let r =
                    unsafe { libc::sendto(fd, data.as_ptr() as *const libc::c_void, data.len(), flags as i32, p, l) };
                if r < 0 {
                    Outcome::Err(errno())
                } else {
                    Outcome::Len(r as usize)
                }
            }
            Op::Recv { len, flags, .. } => recv(fd, len, flags),
            Op::Drain { .. } => {
                let mut v = Vec::new();
                loop {
                    match recv(fd, 65536, 0) {
                        Outcome::Err(11) => break,
                        o => v.push(o),
                    }
                    if v.len() > 10_000 {
                        break;
                    }
                }
                Outcome::Datagrams(v)
            }
            Op::Socket { .. }
            | Op::Close { .. }
            | Op::SetUid { .. }
            | Op::Netns { .. }
            | Op::NetnsDel { .. }
            | Op::Wait { .. } => unreachable!("handled above"),
        })
    }
}
