//! `rtnlsim serve` as a program: it runs its setup script, appears at its
//! socket path only once it listens, hosts netlink sockets for other
//! processes over its protocol (spoken here by hand, as
//! librtnlsim_preload.so speaks it), pushes notifications to a socket's
//! connection without being asked, and on SIGTERM removes the path and
//! exits 0. (The shim itself, with real programs, is tested in
//! crates/preload/tests.)

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rtnlsim_proto as proto;

fn sock_path(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!("rtnlsim-serve-{tag}-{}.sock", std::process::id()))
}

fn serve(path: &Path, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_rtnlsim"))
        .arg("serve")
        .arg("--socket")
        .arg(path)
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rtnlsim serve")
}

fn wait_for(path: &Path) {
    let t = Instant::now();
    while !path.exists() {
        assert!(t.elapsed() < Duration::from_secs(20), "{} never appeared", path.display());
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn connect(path: &Path) -> OwnedFd {
    // SAFETY: plain socket calls on our own descriptor.
    unsafe {
        let fd = libc::socket(libc::AF_UNIX, libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC, 0);
        assert!(fd >= 0);
        let mut a: libc::sockaddr_un = std::mem::zeroed();
        a.sun_family = libc::AF_UNIX as libc::sa_family_t;
        for (d, s) in a.sun_path.iter_mut().zip(path.to_str().expect("UTF-8").bytes()) {
            *d = s as libc::c_char;
        }
        let r = libc::connect(fd, &a as *const _ as *const libc::sockaddr, std::mem::size_of_val(&a) as u32);
        assert_eq!(r, 0, "connect: {}", std::io::Error::last_os_error());
        OwnedFd::from_raw_fd(fd)
    }
}

fn send(fd: &OwnedFd, b: &[u8]) {
    // SAFETY: a valid buffer.
    let n = unsafe { libc::send(fd.as_raw_fd(), b.as_ptr() as *const libc::c_void, b.len(), libc::MSG_NOSIGNAL) };
    assert_eq!(n, b.len() as isize);
}

/// One message, waiting at most 5 s; `None` if nothing came.
fn recv(fd: &OwnedFd, wait_ms: i32) -> Option<Vec<u8>> {
    let mut p = libc::pollfd { fd: fd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
    // SAFETY: one pollfd.
    if unsafe { libc::poll(&mut p, 1, wait_ms) } != 1 {
        return None;
    }
    let mut b = vec![0u8; 65536];
    // SAFETY: a valid buffer.
    let n = unsafe { libc::recv(fd.as_raw_fd(), b.as_mut_ptr() as *mut libc::c_void, b.len(), 0) };
    assert!(n >= 0);
    b.truncate(n as usize);
    Some(b)
}

/// A netlink socket on the server: its connection and its token.
fn open(path: &Path, netns: &str) -> (OwnedFd, proto::Frame) {
    let fd = connect(path);
    send(&fd, &proto::Open { kind: proto::OPEN_SOCKET, sock_type: libc::SOCK_RAW, protocol: 0 }.encode(netns));
    let f = proto::Frame::decode(&recv(&fd, 5000).expect("opened")).expect("a frame");
    assert_eq!(f.kind, proto::FRAME_OPENED);
    (fd, f)
}

fn control(path: &Path) -> OwnedFd {
    let fd = connect(path);
    send(&fd, &proto::Open { kind: proto::OPEN_CONTROL, ..Default::default() }.encode(""));
    assert_eq!(proto::Reply::decode(&recv(&fd, 5000).expect("hello")), Some(proto::Reply::default()));
    fd
}

fn call(ctl: &OwnedFd, req: proto::Request, payload: &[&[u8]]) -> proto::Reply {
    send(ctl, &req.encode(payload));
    proto::Reply::decode(&recv(ctl, 5000).expect("a reply")).expect("a reply")
}

/// RTM_GETLINK for `name` (NLM_F_REQUEST), seq 1.
fn getlink(name: &str) -> Vec<u8> {
    let mut attr = Vec::new();
    let alen = 4 + name.len() + 1;
    attr.extend_from_slice(&(alen as u16).to_ne_bytes());
    attr.extend_from_slice(&3u16.to_ne_bytes()); // IFLA_IFNAME
    attr.extend_from_slice(name.as_bytes());
    attr.push(0);
    attr.resize(attr.len().next_multiple_of(4), 0);
    let len = 16 + 16 + attr.len();
    let mut m = Vec::new();
    m.extend_from_slice(&(len as u32).to_ne_bytes());
    m.extend_from_slice(&18u16.to_ne_bytes()); // RTM_GETLINK
    m.extend_from_slice(&1u16.to_ne_bytes()); // NLM_F_REQUEST
    m.extend_from_slice(&1u32.to_ne_bytes());
    m.extend_from_slice(&0u32.to_ne_bytes());
    m.extend_from_slice(&[0u8; 16]);
    m.extend_from_slice(&attr);
    m
}

fn stop(child: Child, path: &Path) -> String {
    // SAFETY: kill(2) of our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!path.exists(), "the path is left behind");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn serves_a_scripted_kernel_and_stops_on_sigterm() {
    let path = sock_path("main");
    let script = std::env::temp_dir().join(format!("rtnlsim-serve-{}.ip", std::process::id()));
    std::fs::write(&script, "netns add blue\nlink add v0 type veth peer name v1 netns blue\n").expect("script");
    let _ = std::fs::remove_file(&path);
    let child = serve(&path, &["--seed", "7", "--script", script.to_str().expect("UTF-8")]);
    wait_for(&path);

    let ctl = control(&path);
    // In "blue": v1 is there, v0 is not.
    let (blue, f) = open(&path, "blue");
    let req = proto::Request { op: proto::OP_SENDMSG, token: f.token, ..Default::default() };
    let r = call(&ctl, req, &[&getlink("v1")]);
    assert_eq!(r.ret, getlink("v1").len() as i64);
    // The answer was pumped before sendmsg returned.
    let d = recv(&blue, 0).expect("the answer is already there");
    let h = proto::Frame::decode(&d).expect("frame");
    assert_eq!((h.kind, h.pid, h.groups), (proto::FRAME_DATA, 0, 0));
    assert_eq!(u16::from_ne_bytes([d[36], d[37]]), 16, "RTM_NEWLINK");
    call(&ctl, req, &[&getlink("v0")]);
    let d = recv(&blue, 0).expect("the error");
    assert_eq!(u16::from_ne_bytes([d[36], d[37]]), 2, "NLMSG_ERROR");
    assert_eq!(i32::from_ne_bytes([d[48], d[49], d[50], d[51]]), -libc::ENODEV);

    // A listener in init_net hears what another socket does, unasked.
    let (listener, lf) = open(&path, "");
    let bind = [16u8, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]; // AF_NETLINK, pid 0, RTMGRP_LINK
    let r = call(&ctl, proto::Request { op: proto::OP_BIND, token: lf.token, ..Default::default() }, &[&bind]);
    assert_eq!(r.ret, 0);
    let (_other, of) = open(&path, "");
    // RTM_SETLINK v0 mtu 1400: ifinfomsg with index 0, IFLA_IFNAME v0, IFLA_MTU.
    let mut m = getlink("v0");
    m[4] = 19; // RTM_SETLINK
    m[6] = 5; // NLM_F_REQUEST | NLM_F_ACK
    m.extend_from_slice(&8u16.to_ne_bytes());
    m.extend_from_slice(&4u16.to_ne_bytes()); // IFLA_MTU
    m.extend_from_slice(&1400u32.to_ne_bytes());
    let len = m.len() as u32;
    m[..4].copy_from_slice(&len.to_ne_bytes());
    let r = call(&ctl, proto::Request { op: proto::OP_SENDMSG, token: of.token, ..Default::default() }, &[&m]);
    assert_eq!(r.ret, m.len() as i64);
    let d = recv(&listener, 5000).expect("a notification");
    let h = proto::Frame::decode(&d).expect("frame");
    assert_eq!((h.kind, h.pid, h.groups), (proto::FRAME_DATA, 0, 1));
    assert_eq!(u16::from_ne_bytes([d[36], d[37]]), 16, "RTM_NEWLINK");

    // Unknown namespace, unknown token.
    let fd = connect(&path);
    send(&fd, &proto::Open { kind: proto::OPEN_SOCKET, sock_type: libc::SOCK_RAW, protocol: 0 }.encode("red"));
    let f = proto::Frame::decode(&recv(&fd, 5000).expect("answer")).expect("frame");
    assert_eq!((f.kind, f.err), (proto::FRAME_OPENED, libc::ENOENT));
    let r = call(&ctl, proto::Request { op: proto::OP_GETSOCKNAME, token: 999_999, ..Default::default() }, &[]);
    assert_eq!(r.ret, -(libc::EBADF as i64));

    // A second server on the same path is refused.
    let second = serve(&path, &[]).wait_with_output().expect("second");
    assert_eq!(second.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&second.stderr).contains("Address already in use"));

    let err = stop(child, &path);
    assert!(err.starts_with(&format!("rtnlsim: serving on {}\n", path.display())), "{err}");
    let _ = std::fs::remove_file(&script);
}

#[test]
fn a_failing_script_is_not_served() {
    let path = sock_path("fail");
    let _ = std::fs::remove_file(&path);
    let mut child = serve(&path, &["--script", "-"]);
    use std::io::Write;
    child.stdin.take().expect("stdin").write_all(b"link add v0 type veth\nlink add v0 type nosuchkind\n").expect("w");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(1));
    assert!(!path.exists());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Command failed -:2"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_wall_clock_drives_the_virtual_clock() {
    let k = rtnlsim_kernel::Kernel::new(rtnlsim_kernel::Config::default());
    let before = k.jiffies();
    rtnlsim_cli::serve::wall_clock(k.clone()).expect("thread");
    std::thread::sleep(Duration::from_millis(200));
    let ticked = k.jiffies() - before;
    // 50 jiffies at HZ 250 (a loaded machine may be late; reading late adds a few).
    assert!((25..=60).contains(&ticked), "{ticked} jiffies in 200 ms");
}
