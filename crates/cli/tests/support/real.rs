//! The live kernel as a [`Host`]: every namespace is one made here with
//! `unshare(CLONE_NEWNET)` on a thread of its own (the host's namespaces and
//! interfaces are never touched), every socket a real `AF_NETLINK` socket
//! opened on that thread, every namespace file a descriptor of
//! `/proc/thread-self/ns/net`.
//!
//! [`RealHost::ip`] runs the real `ip` binary in the same namespaces (through
//! `nsenter --net=/proc/PID/fd/FD`), so that one command can be compared
//! between this crate's client and iproute2 on the same kernel state.

#![allow(dead_code)]

use std::process::Command;
use std::sync::mpsc::{channel, Sender};
use std::sync::Mutex;
use std::thread::JoinHandle;

use nlwire::{Errno, SockaddrNl};
use rtnlsim_cli::host::{Host, NsFile, NsName};
use rtnlsim_cli::transport::{NlTransport, RecvInfo};

type Job = Box<dyn FnOnce() + Send>;

/// A thread that lives in one network namespace and runs system calls there.
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
            if ok {
                while let Ok(job) = rx.recv() {
                    job();
                }
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

fn errno() -> Errno {
    Errno(std::io::Error::last_os_error().raw_os_error().unwrap_or(0))
}

/// A namespace of ours: its thread and an open descriptor of it.
struct Ns {
    worker: Worker,
    fd: i32,
}

impl Ns {
    fn new() -> Result<Ns, String> {
        let (tx, rx) = channel();
        let worker = Worker::spawn(move || {
            if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
                return Err(format!("unshare(CLONE_NEWNET): {}", std::io::Error::last_os_error()));
            }
            let path = c"/proc/thread-self/ns/net";
            let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
            if fd < 0 {
                return Err(format!("open ns/net: {}", std::io::Error::last_os_error()));
            }
            let _ = tx.send(fd);
            Ok(())
        })?;
        let fd = rx.recv().map_err(|_| "no fd".to_string())?;
        Ok(Ns { worker, fd })
    }

    /// `/proc/PID/fd/FD`: a path to this namespace any process can open.
    fn path(&self) -> String {
        format!("/proc/{}/fd/{}", std::process::id(), self.fd)
    }
}

impl Drop for Ns {
    fn drop(&mut self) {
        unsafe { libc::close(self.fd) };
    }
}

/// A real netlink socket.
pub struct RealSock(i32);

impl Drop for RealSock {
    fn drop(&mut self) {
        unsafe { libc::close(self.0) };
    }
}

fn sockaddr(a: &SockaddrNl) -> libc::sockaddr_nl {
    let mut sa: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
    sa.nl_family = libc::AF_NETLINK as u16;
    sa.nl_pid = a.pid;
    sa.nl_groups = a.groups;
    sa
}

impl NlTransport for RealSock {
    fn setsockopt_int(&self, level: i32, optname: u32, val: i32) -> Result<(), Errno> {
        let r = unsafe {
            libc::setsockopt(
                self.0,
                level,
                optname as i32,
                &val as *const i32 as *const libc::c_void,
                std::mem::size_of::<i32>() as libc::socklen_t,
            )
        };
        if r == 0 {
            Ok(())
        } else {
            Err(errno())
        }
    }

    fn bind(&self, addr: &SockaddrNl) -> Result<(), Errno> {
        let sa = sockaddr(addr);
        let r = unsafe {
            libc::bind(
                self.0,
                &sa as *const libc::sockaddr_nl as *const libc::sockaddr,
                std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        };
        if r == 0 {
            Ok(())
        } else {
            Err(errno())
        }
    }

    fn getsockname(&self) -> Result<SockaddrNl, Errno> {
        let mut sa: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t;
        let r =
            unsafe { libc::getsockname(self.0, &mut sa as *mut libc::sockaddr_nl as *mut libc::sockaddr, &mut len) };
        if r == 0 {
            Ok(SockaddrNl::new(sa.nl_pid, sa.nl_groups))
        } else {
            Err(errno())
        }
    }

    fn sendto(&self, buf: &[u8], to: Option<&SockaddrNl>) -> Result<usize, Errno> {
        let r = match to {
            None => unsafe { libc::send(self.0, buf.as_ptr() as *const libc::c_void, buf.len(), 0) },
            Some(a) => {
                let sa = sockaddr(a);
                unsafe {
                    libc::sendto(
                        self.0,
                        buf.as_ptr() as *const libc::c_void,
                        buf.len(),
                        0,
                        &sa as *const libc::sockaddr_nl as *const libc::sockaddr,
                        std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
                    )
                }
            }
        };
        if r < 0 {
            Err(errno())
        } else {
            Ok(r as usize)
        }
    }

    fn recvmsg(&self, buf: &mut [u8], flags: u32) -> Result<RecvInfo, Errno> {
        let mut sa: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        let mut iov = libc::iovec { iov_base: buf.as_mut_ptr() as *mut libc::c_void, iov_len: buf.len() };
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_name = &mut sa as *mut libc::sockaddr_nl as *mut libc::c_void;
        msg.msg_namelen = std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t;
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        let r = unsafe { libc::recvmsg(self.0, &mut msg, flags as i32) };
        if r < 0 {
            return Err(errno());
        }
        Ok(RecvInfo {
            len: r as usize,
            msg_flags: msg.msg_flags as u32,
            from: SockaddrNl::new(sa.nl_pid, sa.nl_groups),
            namelen: msg.msg_namelen as usize,
        })
    }
}

struct File(i32);

impl NsFile for File {
    fn fd(&self) -> i32 {
        self.0
    }
}

impl Drop for File {
    fn drop(&mut self) {
        unsafe { libc::close(self.0) };
    }
}

/// The live kernel, in namespaces of our own.
pub struct RealHost {
    init: Ns,
    /// Named namespaces, oldest first.
    named: Mutex<Vec<(String, Ns)>>,
    dir_made: std::sync::atomic::AtomicBool,
}

impl RealHost {
    /// A fresh world, or why the live kernel cannot be used here.
    pub fn new() -> Result<RealHost, String> {
        Ok(RealHost { init: Ns::new()?, named: Mutex::new(Vec::new()), dir_made: Default::default() })
    }

    fn with_ns<T>(&self, name: NsName<'_>, f: impl FnOnce(&Ns) -> T) -> Result<T, Errno> {
        match name {
            None => Ok(f(&self.init)),
            Some(n) => {
                let named = self.named.lock().unwrap();
                named.iter().find(|(x, _)| x == n).map(|(_, ns)| f(ns)).ok_or(Errno::ENOENT)
            }
        }
    }

    /// The namespace's path for other processes.
    pub fn ns_path(&self, name: NsName<'_>) -> Option<String> {
        self.with_ns(name, |ns| ns.path()).ok()
    }

    /// Runs the real `ip` with `args` in this world: in a mount namespace of
    /// its own where `/run/netns` is a fresh tmpfs holding this world's named
    /// namespaces (bind mounts, made oldest first, as `ip netns add` would
    /// have), inside the world's first namespace. Returns (stdout, stderr, status).
    pub fn ip(&self, args: &[String]) -> (String, String, i32) {
        self.ip_under(args, None)
    }

    /// [`RealHost::ip`] under `strace`, which writes every datagram `ip`
    /// sends (`sendto`, `sendmsg` on descriptors 3 to 9) to `trace` as hex.
    pub fn ip_straced(&self, args: &[String], trace: &std::path::Path) -> (String, String, i32) {
        self.ip_under(args, Some(trace))
    }

    /// The real `ip` with `args`, started in this world and left running
    /// (for `ip monitor`), its stdout piped.
    pub fn ip_spawn(&self, args: &[String]) -> std::process::Child {
        let sh = format!("exec nsenter --net={} ip \"$@\"", self.init.path());
        Command::new("sh")
            .args(["-c", &sh, "ip"])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("sh ip")
    }

    fn ip_under(&self, args: &[String], trace: Option<&std::path::Path>) -> (String, String, i32) {
        let mut sh = String::from("set -e; mount -t tmpfs none /run; mkdir /run/netns; ");
        for (name, ns) in self.named.lock().unwrap().iter() {
            sh.push_str(&format!("touch /run/netns/{name}; mount --bind {} /run/netns/{name}; ", ns.path()));
        }
        let strace = match trace {
            Some(t) => format!("strace -qq -o {} -e trace=sendto,sendmsg -e write=3,4,5,6,7,8,9 ", t.display()),
            None => String::new(),
        };
        sh.push_str(&format!("exec nsenter --net={} {strace}ip \"$@\"", self.init.path()));
        let o = Command::new("unshare")
            .args(["-m", "--propagation", "private", "sh", "-c", &sh, "ip"])
            .args(args)
            .output()
            .expect("unshare sh ip");
        (
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
            o.status.code().unwrap_or(-1),
        )
    }
}

impl Host for RealHost {
    fn socket(&self, netns: NsName<'_>) -> Result<Box<dyn NlTransport>, Errno> {
        let r = self.with_ns(netns, |ns| {
            ns.worker.call(|| {
                let fd =
                    unsafe { libc::socket(libc::AF_NETLINK, libc::SOCK_RAW | libc::SOCK_CLOEXEC, libc::NETLINK_ROUTE) };
                if fd < 0 {
                    return Err(errno());
                }
                // A safety net for the tests only: a kernel that never answers fails, not hangs.
                let tv = libc::timeval { tv_sec: 10, tv_usec: 0 };
                unsafe {
                    libc::setsockopt(
                        fd,
                        libc::SOL_SOCKET,
                        libc::SO_RCVTIMEO,
                        &tv as *const libc::timeval as *const libc::c_void,
                        std::mem::size_of::<libc::timeval>() as libc::socklen_t,
                    )
                };
                Ok(fd)
            })
        })??;
        Ok(Box::new(RealSock(r)))
    }

    fn netns_open(&self, netns: NsName<'_>) -> Result<Box<dyn NsFile>, Errno> {
        let fd = self.with_ns(netns, |ns| unsafe { libc::fcntl(ns.fd, libc::F_DUPFD_CLOEXEC, 3) })?;
        if fd < 0 {
            return Err(errno());
        }
        Ok(Box::new(File(fd)))
    }

    fn netns_add(&self, name: &str) -> Result<(), Errno> {
        self.dir_made.store(true, std::sync::atomic::Ordering::Relaxed);
        let mut named = self.named.lock().unwrap();
        if named.iter().any(|(n, _)| n == name) {
            return Err(Errno::EEXIST);
        }
        let ns = Ns::new().map_err(|_| Errno::EPERM)?;
        named.push((name.to_string(), ns));
        Ok(())
    }

    fn netns_del(&self, name: &str) -> Result<(), Errno> {
        let mut named = self.named.lock().unwrap();
        let before = named.len();
        named.retain(|(n, _)| n != name);
        if named.len() == before {
            Err(Errno::ENOENT)
        } else {
            Ok(())
        }
    }

    fn netns_list(&self) -> Vec<String> {
        self.named.lock().unwrap().iter().rev().map(|(n, _)| n.clone()).collect()
    }

    fn netns_dir_exists(&self) -> bool {
        self.dir_made.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn time(&self) -> u32 {
        rtnlsim_cli::host::VIRTUAL_TIME
    }

    fn txqlen(&self, netns: NsName<'_>, ifname: &str) -> Option<Result<u32, Errno>> {
        let name = ifname.as_bytes().to_vec();
        self.with_ns(netns, |ns| {
            ns.worker.call(move || {
                let s = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0) };
                if s < 0 {
                    return Err(errno());
                }
                let mut ifr: libc::ifreq = unsafe { std::mem::zeroed() };
                for (d, b) in ifr.ifr_name.iter_mut().zip(name.iter().take(libc::IFNAMSIZ - 1)) {
                    *d = *b as libc::c_char;
                }
                let r = unsafe { libc::ioctl(s, libc::SIOCGIFTXQLEN, &mut ifr) };
                let e = errno();
                unsafe { libc::close(s) };
                if r < 0 {
                    return Err(e);
                }
                Ok(unsafe { ifr.ifr_ifru.ifru_ifindex } as u32)
            })
        })
        .ok()
    }
}

/// The datagrams of a `strace -e write=…` log, in the order they were sent.
pub fn strace_datagrams(log: &str) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    for line in log.lines() {
        if line.starts_with("sendto(") || line.starts_with("sendmsg(") {
            out.push(Vec::new());
        } else if let (Some(rest), Some(cur)) = (line.strip_prefix(" | "), out.last_mut()) {
            // " | 00000  54 00 00 00 10 00 05 06  16 65 0c 6b 00 00 00 00  T....... |"
            let hex = rest.get(7..56).unwrap_or("");
            cur.extend(hex.split_whitespace().filter_map(|b| u8::from_str_radix(b, 16).ok()));
        }
    }
    out
}

/// Whether `strace` is here.
pub fn have_strace() -> bool {
    Command::new("strace").arg("-V").output().map(|o| o.status.success()).unwrap_or(false)
}

/// Whether util-linux's `unshare` and `nsenter`, which run the real `ip` in
/// our namespaces, are here.
pub fn have_util_linux() -> bool {
    ["unshare", "nsenter"].iter().all(|c| Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()))
}

/// Whether the real `ip` here is iproute2 6.1, the version this client follows.
pub fn ip_is_6_1() -> bool {
    Command::new("ip")
        .arg("-V")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("iproute2-6.1.0"))
        .unwrap_or(false)
}
