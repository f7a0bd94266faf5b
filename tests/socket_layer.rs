//! The socket layer of af_netlink as a process sees it: socket(2), bind(2),
//! connect(2), getsockname(2), group membership, permissions, the send-side
//! errors and the socket options.
//!
//! Every expectation is Linux 6.18's (kernel-reference §1, the probes in
//! shared/kernel-probes/observed/t1_socket.txt and t1b_perm.txt). Facts not
//! covered by those probes were checked on the running kernel (6.18.44) with
//! small python probes under `unshare -n`; what the kernel printed is quoted
//! next to the test that relies on it.

use rtnlsim::kernel::cred::{CAP_NET_ADMIN, CAP_NET_BROADCAST};
use rtnlsim::kernel::{NetRef, NetlinkSocket};
use rtnlsim::wire::uapi::netlink::*;
use rtnlsim::wire::uapi::rtnetlink::*;
use rtnlsim::wire::uapi::socket::*;
use rtnlsim::{Config, Credentials, Errno, Kernel};

#[path = "support/sockets.rs"]
mod sockets;

use sockets::{addr, kernel, usersock, PID};

/// A task without capabilities, like `setpriv --reuid=65534` in the probes.
fn nobody() -> Credentials {
    Credentials::user(PID, 65534)
}

fn sock_as(net: &NetRef, protocol: u32, cred: Credentials) -> NetlinkSocket {
    net.socket_as(SOCK_RAW, protocol as i32, cred).expect("socket")
}

/// NETLINK_LIST_MEMBERSHIPS with a buffer of `len` bytes: (returned length, words copied).
fn list_memberships(s: &NetlinkSocket, len: usize) -> (usize, Vec<u32>) {
    let mut buf = vec![0u8; len];
    let n = s.getsockopt(SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, &mut buf).expect("NETLINK_LIST_MEMBERSHIPS");
    let words = buf[..n.min(len) / 4 * 4].chunks(4).map(|c| u32::from_ne_bytes([c[0], c[1], c[2], c[3]])).collect();
    (n, words)
}

fn add(s: &NetlinkSocket, group: i32) -> Result<(), Errno> {
    s.setsockopt_int(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group)
}

fn drop_(s: &NetlinkSocket, group: i32) -> Result<(), Errno> {
    s.setsockopt_int(SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, group)
}

/// A raw `struct sockaddr_nl` with any family.
fn raw_sockaddr(family: u16, pid: u32, groups: u32) -> Vec<u8> {
    let mut b = Vec::with_capacity(12);
    b.extend_from_slice(&family.to_ne_bytes());
    b.extend_from_slice(&0u16.to_ne_bytes());
    b.extend_from_slice(&pid.to_ne_bytes());
    b.extend_from_slice(&groups.to_ne_bytes());
    b
}

fn is_negative_rover(portid: u32) -> bool {
    let p = portid as i32;
    (i32::MIN..=-4097).contains(&p)
}

// ---------------------------------------------------------------------------
// socket(2)
// ---------------------------------------------------------------------------

/// Probe: socket(AF_NETLINK, SOCK_STREAM|SOCK_SEQPACKET, 0) -> ESOCKTNOSUPPORT,
/// SOCK_DGRAM -> OK.
#[test]
fn socket_type_other_than_raw_or_dgram_is_esocktnosupport() {
    let k = kernel();
    let net = k.init_net();
    for ty in [SOCK_STREAM, SOCK_SEQPACKET, 0, 4, 10] {
        let r = net.socket_as(ty, NETLINK_ROUTE as i32, k.default_creds());
        assert_eq!(r.err(), Some(Errno::ESOCKTNOSUPPORT), "type {ty}");
    }
    assert!(net.socket_as(SOCK_DGRAM, NETLINK_ROUTE as i32, k.default_creds()).is_ok());
    assert!(net.socket_as(SOCK_RAW, NETLINK_ROUTE as i32, k.default_creds()).is_ok());
}

/// Probe: a type of SOCK_MAX (11) or more is refused by socket(2) itself
/// (`__sock_create`) with EINVAL, before af_netlink sees it.
#[test]
fn socket_type_out_of_range_is_einval() {
    let k = kernel();
    let net = k.init_net();
    for ty in [11, 12, 100] {
        let r = net.socket_as(ty, NETLINK_ROUTE as i32, k.default_creds());
        assert_eq!(r.err(), Some(Errno::EINVAL), "type {ty}");
    }
}

/// Probe: socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC|SOCK_NONBLOCK, USERSOCK) -> OK,
/// SO_TYPE 3, recv -> EAGAIN; SOCK_DGRAM|SOCK_CLOEXEC -> OK, SO_TYPE 2. socket(2)
/// strips the flags from the type (`__sys_socket`) and SOCK_NONBLOCK sets O_NONBLOCK.
#[test]
fn socket_type_flags_cloexec_and_nonblock_are_accepted() {
    let k = kernel();
    let net = k.init_net();
    let s = net
        .socket_as(SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_USERSOCK as i32, k.default_creds())
        .expect("SOCK_RAW|SOCK_CLOEXEC|SOCK_NONBLOCK");
    assert_eq!(s.getsockopt_int(SOL_SOCKET, SO_TYPE), Ok(SOCK_RAW));
    // A safety net so that a socket left blocking fails the test instead of hanging it.
    let mut tv = [0u8; 16];
    tv[8..].copy_from_slice(&200_000i64.to_ne_bytes());
    s.setsockopt(SOL_SOCKET, SO_RCVTIMEO_OLD, &tv).unwrap();
    let start = std::time::Instant::now();
    let mut buf = [0u8; 16];
    assert_eq!(s.recv(&mut buf, 0), Err(Errno::EAGAIN));
    assert!(start.elapsed() < std::time::Duration::from_millis(100), "SOCK_NONBLOCK: recv must not wait");
    let d = net
        .socket_as(SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_ROUTE as i32, k.default_creds())
        .expect("SOCK_DGRAM|SOCK_CLOEXEC");
    assert_eq!(d.getsockopt_int(SOL_SOCKET, SO_TYPE), Ok(SOCK_DGRAM));
}

/// Probe: protocols 32, 33, 255, -1 (via libc), 1, 3, 17 and 31 -> EPROTONOSUPPORT.
#[test]
fn protocol_out_of_range_or_unregistered_is_eprotonosupport() {
    let k = kernel();
    let net = k.init_net();
    for proto in [32, 33, 255, -1, i32::MIN, 1, 3, 17, 31] {
        let r = net.socket_as(SOCK_RAW, proto, k.default_creds());
        assert_eq!(r.err(), Some(Errno::EPROTONOSUPPORT), "protocol {proto}");
    }
    assert_eq!(net.socket(32).err(), Some(Errno::EPROTONOSUPPORT));
}

#[test]
fn route_usersock_and_kobject_uevent_sockets_can_be_created() {
    let k = kernel();
    let net = k.init_net();
    for proto in [NETLINK_ROUTE, NETLINK_USERSOCK, NETLINK_KOBJECT_UEVENT] {
        let s = net.socket(proto).unwrap_or_else(|e| panic!("protocol {proto}: {e:?}"));
        assert_eq!(s.getsockopt_int(SOL_SOCKET, SO_PROTOCOL), Ok(proto as i32));
        assert_eq!(s.getsockopt_int(SOL_SOCKET, SO_DOMAIN), Ok(AF_NETLINK as i32));
    }
    // Unprivileged tasks may open them too.
    for proto in [NETLINK_ROUTE, NETLINK_USERSOCK, NETLINK_KOBJECT_UEVENT] {
        assert!(net.socket_as(SOCK_RAW, proto as i32, nobody()).is_ok(), "protocol {proto}");
    }
}

/// Probe: a SOCK_DGRAM NETLINK_USERSOCK socket reads back SO_TYPE 2,
/// SO_PROTOCOL 2, SO_DOMAIN 16; a SOCK_RAW KOBJECT_UEVENT one SO_TYPE 3.
#[test]
fn so_type_reads_back_the_type_given_to_socket() {
    let k = kernel();
    let net = k.init_net();
    let dgram = net.socket_as(SOCK_DGRAM, NETLINK_USERSOCK as i32, k.default_creds()).unwrap();
    assert_eq!(dgram.getsockopt_int(SOL_SOCKET, SO_PROTOCOL), Ok(NETLINK_USERSOCK as i32));
    assert_eq!(dgram.getsockopt_int(SOL_SOCKET, SO_DOMAIN), Ok(16));
    let raw = net.socket(NETLINK_KOBJECT_UEVENT).unwrap();
    assert_eq!(raw.getsockopt_int(SOL_SOCKET, SO_TYPE), Ok(SOCK_RAW));
    assert_eq!(dgram.getsockopt_int(SOL_SOCKET, SO_TYPE), Ok(SOCK_DGRAM));
}

// ---------------------------------------------------------------------------
// Addresses: autobind, explicit bind, EADDRINUSE, re-bind
// ---------------------------------------------------------------------------

#[test]
fn getsockname_and_getpeername_before_bind_are_zero() {
    let k = kernel();
    let s = k.init_net().socket(NETLINK_ROUTE).unwrap();
    assert_eq!(s.getsockname(), addr(0, 0));
    assert_eq!(s.getpeername(), addr(0, 0));
}

/// t1_socket [1a]: first autobind -> the pid, later ones random negative port ids.
#[test]
fn autobind_gives_the_task_pid_first_then_negative_port_ids() {
    let k = kernel();
    let net = k.init_net();
    let a = net.socket(NETLINK_ROUTE).unwrap();
    a.bind(&addr(0, 0)).unwrap();
    assert_eq!(a.getsockname(), addr(PID, 0));

    let mut seen = vec![PID];
    let mut keep = Vec::new();
    for _ in 0..5 {
        let s = net.socket(NETLINK_ROUTE).unwrap();
        s.bind(&addr(0, 0)).unwrap();
        let p = s.getsockname().pid;
        assert!(is_negative_rover(p), "port id {p:#x} (s32 {}) not in [S32_MIN, -4097]", p as i32);
        assert!(!seen.contains(&p), "port id {p:#x} handed out twice");
        seen.push(p);
        keep.push(s);
    }
}

#[test]
fn autobind_uses_config_pid() {
    let k = Kernel::new(Config { pid: 4321, ..Config::default() });
    let s = k.init_net().socket(NETLINK_USERSOCK).unwrap();
    s.bind(&addr(0, 0)).unwrap();
    assert_eq!(s.getsockname().pid, 4321);
    // The task's own pid, not the configured one, for a socket opened by another task.
    let t = sock_as(&k.init_net(), NETLINK_USERSOCK, Credentials::user(777, 65534));
    t.bind(&addr(0, 0)).unwrap();
    assert_eq!(t.getsockname().pid, 777);
}

/// t1_socket [1a]: "sock C autobound by send()" gets a port id.
#[test]
fn first_send_autobinds_to_the_pid_when_free() {
    let k = kernel();
    let net = k.init_net();
    let peer = usersock(&net, 5000);
    let s = net.socket(NETLINK_USERSOCK).unwrap();
    assert_eq!(s.sendto(b"hello", 0, &addr(5000, 0)), Ok(5));
    assert_eq!(s.getsockname(), addr(PID, 0));
    let (data, meta) = peer.recv_datagram(MSG_DONTWAIT).unwrap();
    assert_eq!(data, b"hello");
    assert_eq!(meta.addr, addr(PID, 0));
}

#[test]
fn first_send_autobinds_to_a_negative_port_when_pid_taken() {
    let k = kernel();
    let net = k.init_net();
    let _holder = usersock(&net, PID);
    let peer = usersock(&net, 5000);
    let s = net.socket(NETLINK_USERSOCK).unwrap();
    // To port 0: refused on USERSOCK, but the socket is bound first.
    assert_eq!(s.send(b"x", 0), Err(Errno::ECONNREFUSED));
    let p = s.getsockname().pid;
    assert!(is_negative_rover(p), "{p:#x}");
    s.sendto(b"y", 0, &addr(5000, 0)).unwrap();
    assert_eq!(peer.recv_datagram(MSG_DONTWAIT).unwrap().1.addr.pid, p);
}

/// Even a send that fails (ECONNREFUSED: nobody at the destination) autobinds.
#[test]
fn failed_send_still_autobinds() {
    let k = kernel();
    let s = k.init_net().socket(NETLINK_USERSOCK).unwrap();
    assert_eq!(s.sendto(b"x", 0, &addr(424242, 0)), Err(Errno::ECONNREFUSED));
    assert_eq!(s.getsockname().pid, PID);
}

#[test]
fn connect_autobinds_and_sets_the_peer_address() {
    let k = kernel();
    let net = k.init_net();
    let s = net.socket(NETLINK_USERSOCK).unwrap();
    // Probe: connect((4321, 0x14)) -> getpeername (4321, 4): dst_group = ffs(0x14) = 3.
    s.connect(&addr(4321, 0x14)).unwrap();
    assert_eq!(s.getsockname(), addr(PID, 0));
    assert_eq!(s.getpeername(), addr(4321, 0x4));
    s.connect(&addr(0, 0)).unwrap();
    assert_eq!(s.getpeername(), addr(0, 0));

    let t = net.socket(NETLINK_USERSOCK).unwrap();
    t.connect(&addr(0, 0)).unwrap();
    assert!(is_negative_rover(t.getsockname().pid));
}

/// t1_socket [1a]: "after closing A, new autobind gets: (7985, 0)" (the pid).
#[test]
fn after_closing_the_pid_holder_the_next_autobind_gets_the_pid_again() {
    let k = kernel();
    let net = k.init_net();
    let a = net.socket(NETLINK_ROUTE).unwrap();
    a.bind(&addr(0, 0)).unwrap();
    let b = net.socket(NETLINK_ROUTE).unwrap();
    b.bind(&addr(0, 0)).unwrap();
    assert!(is_negative_rover(b.getsockname().pid));
    a.close();
    let c = net.socket(NETLINK_ROUTE).unwrap();
    c.bind(&addr(0, 0)).unwrap();
    assert_eq!(c.getsockname(), addr(PID, 0));
}

#[test]
fn explicit_bind_sets_the_port_id() {
    let k = kernel();
    let s = k.init_net().socket(NETLINK_ROUTE).unwrap();
    s.bind(&addr(12345, 0)).unwrap();
    assert_eq!(s.getsockname(), addr(12345, 0));
    // Any u32 is a valid explicit port id, negative ones included.
    let t = k.init_net().socket(NETLINK_ROUTE).unwrap();
    t.bind(&addr(0xffff_fff0, 0)).unwrap();
    assert_eq!(t.getsockname().pid, 0xffff_fff0);
}

/// t1_socket [1b]: bind(12345) twice, and bind(getpid()) while an autobound socket holds it -> EADDRINUSE.
#[test]
fn bind_to_taken_port_is_eaddrinuse() {
    let k = kernel();
    let net = k.init_net();
    let e = net.socket(NETLINK_ROUTE).unwrap();
    e.bind(&addr(12345, 0)).unwrap();
    let f = net.socket(NETLINK_ROUTE).unwrap();
    assert_eq!(f.bind(&addr(12345, 0)), Err(Errno::EADDRINUSE));

    let a = net.socket(NETLINK_ROUTE).unwrap();
    a.bind(&addr(0, 0)).unwrap();
    assert_eq!(a.getsockname().pid, PID);
    assert_eq!(f.bind(&addr(PID, 0)), Err(Errno::EADDRINUSE));
    // t1_socket: "bind F nl_pid=0 after failed attempts (autobind) -> OK".
    f.bind(&addr(0, 0)).unwrap();
    assert!(is_negative_rover(f.getsockname().pid));
    // The same port in another protocol is a different address.
    let u = net.socket(NETLINK_USERSOCK).unwrap();
    u.bind(&addr(12345, 0)).unwrap();
}

/// Verified on 6.18.44 (probe under `unshare -n`): after `bind(4242)` fails
/// with EADDRINUSE, getsockname of the failed socket prints `(4242, 0)`
/// (netlink_insert writes nlk->portid before inserting), yet the socket is
/// unbound: a later `bind(4243)` succeeds, `bind(0)`/`connect` autobind, and
/// a `sendto` autobinds it to the pid (`(9151, 0)`, the probe's pid).
#[test]
fn failed_explicit_bind_shows_the_attempted_pid_but_leaves_the_socket_unbound() {
    let k = kernel();
    let net = k.init_net();
    let holder = usersock(&net, 4242);

    let b = net.socket(NETLINK_USERSOCK).unwrap();
    assert_eq!(b.bind(&addr(4242, 0)), Err(Errno::EADDRINUSE));
    assert_eq!(b.getsockname(), addr(4242, 0));
    // Still unbound: the first send autobinds it to the pid.
    assert_eq!(b.sendto(b"x", 0, &addr(4242, 0)), Ok(1));
    assert_eq!(b.getsockname(), addr(PID, 0));
    assert_eq!(holder.recv_datagram(MSG_DONTWAIT).unwrap().1.addr.pid, PID);

    // ... or a second explicit bind works where a bound socket would get EINVAL.
    let c = net.socket(NETLINK_USERSOCK).unwrap();
    assert_eq!(c.bind(&addr(4242, 0)), Err(Errno::EADDRINUSE));
    c.bind(&addr(4243, 0)).unwrap();
    assert_eq!(c.getsockname(), addr(4243, 0));

    // ... or bind(0) autobinds (pid taken by b: a negative port id).
    let d = net.socket(NETLINK_USERSOCK).unwrap();
    assert_eq!(d.bind(&addr(4242, 0)), Err(Errno::EADDRINUSE));
    d.bind(&addr(0, 0)).unwrap();
    assert!(is_negative_rover(d.getsockname().pid));

    // ... and a message to 4242 still reaches the original holder only.
    let e = usersock(&net, 6000);
    e.sendto(b"to 4242", 0, &addr(4242, 0)).unwrap();
    assert_eq!(holder.recv_datagram(MSG_DONTWAIT).unwrap().0, b"to 4242");
}

/// t1_socket [1b]: re-binding 12345 as 0 or 777 -> EINVAL; same pid + groups=1 -> OK, (12345, 1).
#[test]
fn rebinding_a_bound_socket_with_another_pid_even_zero_is_einval() {
    let k = kernel();
    let s = k.init_net().socket(NETLINK_ROUTE).unwrap();
    s.bind(&addr(12345, 0)).unwrap();
    assert_eq!(s.bind(&addr(0, 0)), Err(Errno::EINVAL));
    assert_eq!(s.bind(&addr(777, 0)), Err(Errno::EINVAL));
    assert_eq!(s.bind(&addr(777, 1)), Err(Errno::EINVAL));
    assert_eq!(s.getsockname(), addr(12345, 0));

    // An autobound socket is bound too.
    let t = k.init_net().socket(NETLINK_ROUTE).unwrap();
    t.bind(&addr(0, 0)).unwrap();
    assert_eq!(t.bind(&addr(0, 0)), Err(Errno::EINVAL));
}

#[test]
fn rebinding_with_the_same_pid_only_updates_groups() {
    let k = kernel();
    let s = k.init_net().socket(NETLINK_ROUTE).unwrap();
    s.bind(&addr(12345, 0)).unwrap();
    s.bind(&addr(12345, 1)).unwrap();
    assert_eq!(s.getsockname(), addr(12345, 1));
    s.bind(&addr(12345, 0x50)).unwrap();
    assert_eq!(s.getsockname(), addr(12345, 0x50));
    s.bind(&addr(12345, 0)).unwrap();
    assert_eq!(s.getsockname(), addr(12345, 0));
}

/// Probe: an 11-byte address and family AF_INET -> EINVAL, socket stays (0, 0);
/// a 16-byte AF_NETLINK address -> OK.
#[test]
fn bind_with_short_address_or_wrong_family_is_einval() {
    let k = kernel();
    let s = k.init_net().socket(NETLINK_USERSOCK).unwrap();
    let good = raw_sockaddr(AF_NETLINK, 555, 0);
    assert_eq!(s.bind_raw(&good[..11]), Err(Errno::EINVAL));
    assert_eq!(s.bind_raw(&[]), Err(Errno::EINVAL));
    assert_eq!(s.bind_raw(&raw_sockaddr(AF_INET as u16, 555, 0)), Err(Errno::EINVAL));
    assert_eq!(s.bind_raw(&raw_sockaddr(AF_UNSPEC as u16, 555, 0)), Err(Errno::EINVAL));
    assert_eq!(s.getsockname(), addr(0, 0));
    let mut long = good.clone();
    long.extend_from_slice(&[0; 4]);
    s.bind_raw(&long).unwrap();
    assert_eq!(s.getsockname(), addr(555, 0));
}

#[test]
fn connect_with_short_address_or_wrong_family_is_einval() {
    let k = kernel();
    let s = k.init_net().socket(NETLINK_USERSOCK).unwrap();
    assert_eq!(s.connect_raw(&[16]), Err(Errno::EINVAL));
    assert_eq!(s.connect_raw(&raw_sockaddr(AF_NETLINK, 5, 0)[..11]), Err(Errno::EINVAL));
    assert_eq!(s.connect_raw(&raw_sockaddr(AF_INET as u16, 5, 0)), Err(Errno::EINVAL));
    assert_eq!(s.getsockname(), addr(0, 0), "a refused connect does not autobind");
    assert_eq!(s.getpeername(), addr(0, 0));
}

#[test]
fn sendto_with_short_address_or_wrong_family_is_einval() {
    let k = kernel();
    let net = k.init_net();
    let _peer = usersock(&net, 5000);
    let s = net.socket(NETLINK_USERSOCK).unwrap();
    let a = raw_sockaddr(AF_NETLINK, 5000, 0);
    assert_eq!(s.sendto_raw(b"x", 0, Some(&a[..11])), Err(Errno::EINVAL));
    assert_eq!(s.sendto_raw(b"x", 0, Some(&raw_sockaddr(AF_INET as u16, 5000, 0))), Err(Errno::EINVAL));
    assert_eq!(s.getsockname(), addr(0, 0), "checked before autobind");
    assert_eq!(s.sendto_raw(b"x", 0, Some(&a)), Ok(1));
}

#[test]
fn closed_socket_port_becomes_free_again() {
    let k = kernel();
    let net = k.init_net();
    let a = usersock(&net, 7777);
    let sender = usersock(&net, 7778);
    assert_eq!(sender.sendto(b"x", 0, &addr(7777, 0)), Ok(1));
    drop(a);
    assert_eq!(sender.sendto(b"x", 0, &addr(7777, 0)), Err(Errno::ECONNREFUSED));
    let b = net.socket(NETLINK_USERSOCK).unwrap();
    b.bind(&addr(7777, 0)).unwrap();
    assert_eq!(sender.sendto(b"y", 0, &addr(7777, 0)), Ok(1));
    assert_eq!(b.recv_datagram(MSG_DONTWAIT).unwrap().0, b"y");
    b.close();
    let c = net.socket(NETLINK_USERSOCK).unwrap();
    c.bind(&addr(7777, 0)).unwrap();
}

// ---------------------------------------------------------------------------
// Groups
// ---------------------------------------------------------------------------

/// t1_socket [1c]: ADD 5, 33, 39 -> OK; 40, 0 -> EINVAL; getsockname 0x10;
/// LIST [0x10, 0x41]; re-bind with nl_groups=1 -> [0x1, 0x41].
#[test]
fn bind_groups_replace_groups_1_to_32_and_keep_33_and_above() {
    let k = kernel();
    let g = k.init_net().socket(NETLINK_ROUTE).unwrap();
    g.bind(&addr(0, 0)).unwrap();
    add(&g, 5).unwrap();
    add(&g, 33).unwrap();
    add(&g, 39).unwrap();
    assert_eq!(g.getsockname(), addr(PID, 0x10));
    assert_eq!(list_memberships(&g, 64), (8, vec![0x10, 0x41]));

    g.bind(&addr(PID, 0x1)).unwrap();
    assert_eq!(g.getsockname(), addr(PID, 0x1));
    assert_eq!(list_memberships(&g, 64), (8, vec![0x1, 0x41]));

    // t1_socket: bind nl_groups=0xffffffff -> getsockname 0xffffffff.
    g.bind(&addr(PID, 0xffff_ffff)).unwrap();
    assert_eq!(g.getsockname().groups, 0xffff_ffff);
    assert_eq!(list_memberships(&g, 64), (8, vec![0xffff_ffff, 0x41]));
    g.bind(&addr(PID, 0)).unwrap();
    assert_eq!(list_memberships(&g, 64), (8, vec![0, 0x41]));
}

#[test]
fn add_membership_on_route_accepts_groups_1_to_39_and_rejects_0_and_40() {
    let k = kernel();
    let g = k.init_net().socket(NETLINK_ROUTE).unwrap();
    for grp in 1..=RTNLGRP_MAX as i32 {
        assert_eq!(add(&g, grp), Ok(()), "group {grp}");
    }
    assert_eq!(add(&g, 40), Err(Errno::EINVAL));
    assert_eq!(add(&g, 0), Err(Errno::EINVAL));
    assert_eq!(add(&g, -1), Err(Errno::EINVAL));
    assert_eq!(list_memberships(&g, 64), (8, vec![0xffff_ffff, 0x7f]));
}

/// Probe: LIST with len 0 -> 8 and nothing copied; len 4 -> 8, word 0x10;
/// len 7 -> 8, one word; len 64 -> 8, [0x10, 0x41].
#[test]
fn list_memberships_returns_the_needed_length_whatever_the_buffer() {
    let k = kernel();
    let g = k.init_net().socket(NETLINK_ROUTE).unwrap();
    add(&g, 5).unwrap();
    add(&g, 33).unwrap();
    add(&g, 39).unwrap();
    let mut empty = [];
    assert_eq!(g.getsockopt(SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, &mut empty), Ok(8));
    let mut four = [0xaau8; 4];
    assert_eq!(g.getsockopt(SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, &mut four), Ok(8));
    assert_eq!(u32::from_ne_bytes(four), 0x10);
    let mut seven = [0xaau8; 7];
    assert_eq!(g.getsockopt(SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, &mut seven), Ok(8));
    assert_eq!(&seven[..4], &0x10u32.to_ne_bytes());
    assert_eq!(&seven[4..], &[0xaa; 3], "a partial word is not written");
    assert_eq!(list_memberships(&g, 64), (8, vec![0x10, 0x41]));
}

/// Probe: a socket that never had groups lists nothing and returns length 0
/// (ROUTE and USERSOCK); USERSOCK after ADD 32 -> 4 bytes, 0x80000000.
#[test]
fn list_memberships_of_a_socket_without_groups_is_empty() {
    let k = kernel();
    let net = k.init_net();
    let r = net.socket(NETLINK_ROUTE).unwrap();
    assert_eq!(list_memberships(&r, 64), (0, vec![]));
    r.bind(&addr(0, 0)).unwrap();
    assert_eq!(list_memberships(&r, 64), (0, vec![]));
    let u = net.socket(NETLINK_USERSOCK).unwrap();
    assert_eq!(list_memberships(&u, 64), (0, vec![]));
    add(&u, 32).unwrap();
    assert_eq!(list_memberships(&u, 64), (4, vec![0x8000_0000]));
}

/// Probe: DROP 33 -> OK (LIST [0x10, 0x40]); DROP 40 -> EINVAL; DROP 6 (not a member) -> OK.
#[test]
fn drop_membership_leaves_a_group_and_tolerates_non_members() {
    let k = kernel();
    let g = k.init_net().socket(NETLINK_ROUTE).unwrap();
    add(&g, 5).unwrap();
    add(&g, 33).unwrap();
    add(&g, 39).unwrap();
    assert_eq!(drop_(&g, 33), Ok(()));
    assert_eq!(drop_(&g, 40), Err(Errno::EINVAL));
    assert_eq!(drop_(&g, 0), Err(Errno::EINVAL));
    assert_eq!(drop_(&g, 6), Ok(()));
    assert_eq!(list_memberships(&g, 64), (8, vec![0x10, 0x40]));
    assert_eq!(drop_(&g, 5), Ok(()));
    assert_eq!(g.getsockname().groups, 0);
}

/// Probe: an unbound socket with ADD 5/33/39 -> getsockname (0, 16).
#[test]
fn getsockname_shows_groups_1_to_32_only() {
    let k = kernel();
    let g = k.init_net().socket(NETLINK_ROUTE).unwrap();
    add(&g, 5).unwrap();
    add(&g, 33).unwrap();
    add(&g, 39).unwrap();
    assert_eq!(g.getsockname(), addr(0, 0x10), "membership does not bind");
    add(&g, 32).unwrap();
    assert_eq!(g.getsockname(), addr(0, 0x8000_0010));
    drop_(&g, 5).unwrap();
    drop_(&g, 32).unwrap();
    assert_eq!(g.getsockname(), addr(0, 0));
    assert_eq!(list_memberships(&g, 64), (8, vec![0, 0x41]));
}

/// Probe: USERSOCK ADD 32 -> OK, ADD 33 -> EINVAL; bind 0xffffffff -> getsockname 0xffffffff.
#[test]
fn usersock_has_32_groups() {
    let k = kernel();
    let net = k.init_net();
    let u = net.socket(NETLINK_USERSOCK).unwrap();
    assert_eq!(add(&u, 32), Ok(()));
    assert_eq!(add(&u, 33), Err(Errno::EINVAL));
    assert_eq!(add(&u, 39), Err(Errno::EINVAL));
    assert_eq!(u.getsockname(), addr(0, 0x8000_0000));
    let v = net.socket(NETLINK_USERSOCK).unwrap();
    v.bind(&addr(0, 0xffff_ffff)).unwrap();
    assert_eq!(v.getsockname(), addr(PID, 0xffff_ffff));
    assert_eq!(list_memberships(&v, 64), (4, vec![0xffff_ffff]));
}

// ---------------------------------------------------------------------------
// Permissions (t1b_perm.txt and probes as uid 65534)
// ---------------------------------------------------------------------------

/// t1b_perm [nobody]: bind 0x11 and ADD 7 OK; ADD 30/31 EPERM (rtnetlink_bind).
/// Probe: ADD 33 OK; re-bind with the group-30 bit -> EPERM, groups unchanged (0x51).
#[test]
fn unprivileged_route_socket_may_listen_except_to_mroute_report_groups() {
    let k = kernel();
    let n = sock_as(&k.init_net(), NETLINK_ROUTE, nobody());
    assert_eq!(n.bind(&addr(0, RTMGRP_LINK | RTMGRP_IPV4_IFADDR)), Ok(()));
    assert_eq!(n.getsockname(), addr(PID, 0x11));
    assert_eq!(add(&n, RTNLGRP_IPV4_ROUTE as i32), Ok(()));
    assert_eq!(add(&n, RTNLGRP_IPV4_MROUTE_R as i32), Err(Errno::EPERM));
    assert_eq!(add(&n, RTNLGRP_IPV6_MROUTE_R as i32), Err(Errno::EPERM));
    assert_eq!(add(&n, 33), Ok(()));
    assert_eq!(n.bind(&addr(PID, 0x2000_0001)), Err(Errno::EPERM));
    assert_eq!(n.getsockname(), addr(PID, 0x51));
    assert_eq!(list_memberships(&n, 64), (8, vec![0x51, 0x1]));

    // With CAP_NET_ADMIN the report groups are open.
    let a = sock_as(&k.init_net(), NETLINK_ROUTE, nobody().with_cap(CAP_NET_ADMIN));
    assert_eq!(add(&a, RTNLGRP_IPV4_MROUTE_R as i32), Ok(()));
    assert_eq!(add(&a, RTNLGRP_IPV6_MROUTE_R as i32), Ok(()));
}

/// Probe as uid 65534: USERSOCK bind groups 1 -> EPERM (getsockname stays (0,0)),
/// ADD 1 -> EPERM, bind (0,0) -> OK, sendto(peer port) -> OK, connect(77) -> OK.
#[test]
fn unprivileged_usersock_may_send_anywhere_but_not_listen() {
    let k = kernel();
    let net = k.init_net();
    let u = sock_as(&net, NETLINK_USERSOCK, nobody());
    assert_eq!(u.bind(&addr(0, 1)), Err(Errno::EPERM));
    assert_eq!(u.getsockname(), addr(0, 0));
    assert_eq!(add(&u, 1), Err(Errno::EPERM));
    assert_eq!(u.bind(&addr(0, 0)), Ok(()));
    assert_eq!(u.getsockname(), addr(PID, 0));

    let peer = usersock(&net, 5000);
    let u2 = sock_as(&net, NETLINK_USERSOCK, Credentials::user(2000, 65534));
    assert_eq!(u2.sendto(b"hi", 0, &addr(5000, 0)), Ok(2));
    assert_eq!(peer.recv_datagram(MSG_DONTWAIT).unwrap().0, b"hi");
    // NL_CFG_F_NONROOT_SEND: a group send is allowed; the unicast to port 0 is refused.
    assert_eq!(u2.sendto(b"hi", 0, &addr(0, 1)), Err(Errno::ECONNREFUSED));
    assert_eq!(u2.connect(&addr(77, 0)), Ok(()));
    assert_eq!(u2.getpeername(), addr(77, 0));
}

/// t1b_perm [nobody]: sendto(1234) and sendto(0, groups=1) -> EPERM.
/// Probe: connect(77) and connect(0, groups=1) -> EPERM, connect(0,0) -> OK.
#[test]
fn unprivileged_route_socket_cannot_address_ports_or_groups() {
    let k = kernel();
    let net = k.init_net();
    let n = sock_as(&net, NETLINK_ROUTE, nobody());
    n.bind(&addr(0, 0)).unwrap();
    assert_eq!(n.sendto(b"0123456789abcdef0123", 0, &addr(1234, 0)), Err(Errno::EPERM));
    assert_eq!(n.sendto(b"0123456789abcdef0123", 0, &addr(0, 1)), Err(Errno::EPERM));

    let c = sock_as(&net, NETLINK_ROUTE, nobody());
    assert_eq!(c.connect(&addr(77, 0)), Err(Errno::EPERM));
    assert_eq!(c.connect(&addr(0, 1)), Err(Errno::EPERM));
    assert_eq!(c.getsockname(), addr(0, 0), "a refused connect does not autobind");
    // Probe: "C getsockname after connect(0,0) (2933686761, 0)": autobound, the pid being taken by n.
    assert_eq!(c.connect(&addr(0, 0)), Ok(()));
    assert!(is_negative_rover(c.getsockname().pid), "{:#x}", c.getsockname().pid);
}

/// The EPERM of sendto comes before autobind (netlink_sendmsg checks the address first).
#[test]
fn refused_unprivileged_sendto_does_not_autobind() {
    let k = kernel();
    let n = sock_as(&k.init_net(), NETLINK_ROUTE, nobody());
    assert_eq!(n.sendto(b"x", 0, &addr(1234, 0)), Err(Errno::EPERM));
    assert_eq!(n.getsockname(), addr(0, 0));
}

/// Probe as uid 65534: KOBJECT_UEVENT bind groups 1 -> OK (NL_CFG_F_NONROOT_RECV).
#[test]
fn unprivileged_kobject_uevent_socket_may_listen() {
    let k = kernel();
    let s = sock_as(&k.init_net(), NETLINK_KOBJECT_UEVENT, nobody());
    assert_eq!(s.bind(&addr(0, 1)), Ok(()));
    assert_eq!(s.getsockname(), addr(PID, 1));
}

/// Permission checks look at the current task: a root-opened socket used after setuid is refused.
/// Probe (socket opened as root, then setuid(65534)): sendto(1234), connect(77), ADD 30 -> EPERM.
#[test]
fn group_send_permission_follows_the_current_task() {
    let k = kernel();
    let net = k.init_net();
    let s = net.socket(NETLINK_ROUTE).unwrap();
    s.set_task_credentials(nobody());
    assert_eq!(s.sendto(b"x", 0, &addr(1234, 0)), Err(Errno::EPERM));
    assert_eq!(s.connect(&addr(77, 0)), Err(Errno::EPERM));
    assert_eq!(add(&s, RTNLGRP_IPV4_MROUTE_R as i32), Err(Errno::EPERM));
}

// ---------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------

/// t1_socket [1d]: "send 0-length datagram -> ENODATA".
#[test]
fn zero_length_send_is_enodata() {
    let k = kernel();
    let net = k.init_net();
    let _peer = usersock(&net, 5000);
    let s = net.socket(NETLINK_ROUTE).unwrap();
    assert_eq!(s.send(b"", 0), Err(Errno::ENODATA));
    let u = usersock(&net, 5001);
    assert_eq!(u.sendto(b"", 0, &addr(5000, 0)), Err(Errno::ENODATA));
}

/// Probe: SO_SNDBUF 1 -> 4608; a 4576-byte send (sndbuf - 32) -> OK, 4577 -> EMSGSIZE.
#[test]
fn send_longer_than_sndbuf_minus_32_is_emsgsize() {
    let k = kernel();
    let net = k.init_net();
    let r = usersock(&net, 5001);
    let s = usersock(&net, 5000);
    assert_eq!(s.getsockopt_int(SOL_SOCKET, SO_SNDBUF), Ok(212_992));
    s.setsockopt_int(SOL_SOCKET, SO_SNDBUF, 1).unwrap();
    assert_eq!(s.getsockopt_int(SOL_SOCKET, SO_SNDBUF), Ok(4608));
    assert_eq!(s.sendto(&[0x55; 4576], 0, &addr(5001, 0)), Ok(4576));
    assert_eq!(s.sendto(&[0x55; 4577], 0, &addr(5001, 0)), Err(Errno::EMSGSIZE));
    assert_eq!(r.drain().iter().map(Vec::len).collect::<Vec<_>>(), vec![4576]);
}

/// t1_socket [1d]: sendto(424242) -> ECONNREFUSED; USERSOCK sendto(pid 0) -> ECONNREFUSED.
#[test]
fn send_to_a_free_port_is_econnrefused() {
    let k = kernel();
    let net = k.init_net();
    let s = net.socket(NETLINK_ROUTE).unwrap();
    s.bind(&addr(0, 0)).unwrap();
    assert_eq!(s.sendto(b"0123456789abcdef", 0, &addr(424_242, 0)), Err(Errno::ECONNREFUSED));
    let u = usersock(&net, 5000);
    assert_eq!(u.sendto(b"x", 0, &addr(5999, 0)), Err(Errno::ECONNREFUSED));
}

#[test]
fn usersock_send_to_port_0_is_econnrefused_there_is_no_kernel_socket() {
    let k = kernel();
    let u = k.init_net().socket(NETLINK_USERSOCK).unwrap();
    assert_eq!(u.sendto(b"x", 0, &addr(0, 0)), Err(Errno::ECONNREFUSED));
    assert_eq!(u.send(b"x", 0), Err(Errno::ECONNREFUSED));
    // In a fresh namespace as well (t1_socket runs in one).
    let other = k.net_create().unwrap();
    let v = other.socket(NETLINK_USERSOCK).unwrap();
    assert_eq!(v.send(b"x", 0), Err(Errno::ECONNREFUSED));
}

/// Probe: T connect()ed to 6201: a send from 6202 -> ECONNREFUSED, from 6201 -> OK;
/// after T connect((0,0)) it is still connected (to port 0) and 6201 is refused too.
#[test]
fn a_connected_target_accepts_only_its_peer() {
    let k = kernel();
    let net = k.init_net();
    let t = usersock(&net, 6200);
    let p = usersock(&net, 6201);
    let o = usersock(&net, 6202);
    t.connect(&addr(6201, 0)).unwrap();
    assert_eq!(t.getpeername(), addr(6201, 0));
    assert_eq!(o.sendto(b"other", 0, &addr(6200, 0)), Err(Errno::ECONNREFUSED));
    assert_eq!(p.sendto(b"peer", 0, &addr(6200, 0)), Ok(4));
    assert_eq!(t.drain(), vec![b"peer".to_vec()]);

    t.connect(&addr(0, 0)).unwrap();
    assert_eq!(p.sendto(b"peer", 0, &addr(6200, 0)), Err(Errno::ECONNREFUSED));

    // connect(AF_UNSPEC) makes it unconnected again (netlink_connect).
    t.disconnect().unwrap();
    assert_eq!(t.getpeername(), addr(0, 0));
    assert_eq!(o.sendto(b"other", 0, &addr(6200, 0)), Ok(5));
}

/// send(2) without an address goes to the connected peer.
#[test]
fn send_without_address_goes_to_the_connected_peer() {
    let k = kernel();
    let net = k.init_net();
    let r = usersock(&net, 6300);
    let s = usersock(&net, 6301);
    s.connect(&addr(6300, 0)).unwrap();
    assert_eq!(s.send(b"via connect", 0), Ok(11));
    let (data, meta) = r.recv_datagram(MSG_DONTWAIT).unwrap();
    assert_eq!(data, b"via connect");
    assert_eq!(meta.addr, addr(6301, 0));
}

/// Probe: three USERSOCK sockets in group 3; S sendto((0, 1<<2)) -> ECONNREFUSED,
/// yet L1 and L2 got b'to group 3' from (6000, 4) (PKTINFO 3), S and a
/// non-member got nothing (EAGAIN).
#[test]
fn user_multicast_reaches_other_members_not_the_sender_and_send_is_still_econnrefused() {
    let k = kernel();
    let net = k.init_net();
    let s = usersock(&net, 6000);
    let l1 = usersock(&net, 6001);
    let l2 = usersock(&net, 6002);
    let n = usersock(&net, 6003);
    for sk in [&s, &l1, &l2] {
        add(sk, 3).unwrap();
    }
    assert_eq!(s.sendto(b"to group 3", 0, &addr(0, 1 << 2)), Err(Errno::ECONNREFUSED));
    for l in [&l1, &l2] {
        let (data, meta) = l.recv_datagram(MSG_DONTWAIT).unwrap();
        assert_eq!(data, b"to group 3");
        assert_eq!(meta.addr, addr(6000, 1 << 2));
        assert_eq!(l.queued(), 0);
    }
    assert_eq!(s.recv_datagram(MSG_DONTWAIT).err(), Some(Errno::EAGAIN));
    assert_eq!(n.recv_datagram(MSG_DONTWAIT).err(), Some(Errno::EAGAIN));
}

/// Probe: sendto((6003, 1<<2)) -> OK 4: members and the non-member 6003 each get
/// one copy from (6000, 4); sendto((6001, 1<<2)) to a member: it gets only one
/// copy (the broadcast skips the unicast's port).
#[test]
fn multicast_plus_unicast_delivers_one_copy_to_each() {
    let k = kernel();
    let net = k.init_net();
    let s = usersock(&net, 6000);
    let l1 = usersock(&net, 6001);
    let l2 = usersock(&net, 6002);
    let n = usersock(&net, 6003);
    add(&l1, 3).unwrap();
    add(&l2, 3).unwrap();
    assert_eq!(s.sendto(b"both", 0, &addr(6003, 1 << 2)), Ok(4));
    for r in [&l1, &l2, &n] {
        let got: Vec<_> = std::iter::from_fn(|| r.recv_datagram(MSG_DONTWAIT).ok()).collect();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, b"both");
        assert_eq!(got[0].1.addr, addr(6000, 1 << 2));
    }
    assert_eq!(s.sendto(b"excl", 0, &addr(6001, 1 << 2)), Ok(4));
    assert_eq!(l1.drain(), vec![b"excl".to_vec()]);
    assert_eq!(l2.drain(), vec![b"excl".to_vec()]);
}

/// Probe: sendto((0, 0x6)) reaches group 2 only (ffs), not group-3 members.
#[test]
fn multicast_to_a_mask_goes_to_its_lowest_group_only() {
    let k = kernel();
    let net = k.init_net();
    let s = usersock(&net, 6000);
    let g3 = usersock(&net, 6001);
    let g2 = usersock(&net, 6002);
    add(&g3, 3).unwrap();
    add(&g2, 2).unwrap();
    assert_eq!(s.sendto(b"g2", 0, &addr(0, 0x6)), Err(Errno::ECONNREFUSED));
    assert_eq!(g3.recv_datagram(MSG_DONTWAIT).err(), Some(Errno::EAGAIN));
    let (data, meta) = g2.recv_datagram(MSG_DONTWAIT).unwrap();
    assert_eq!(data, b"g2");
    assert_eq!(meta.addr, addr(6000, 0x2));
}

/// Probe: connect((0, 1<<2)); send() -> ECONNREFUSED, the member got b'conn'
/// from (6000, 4); getpeername (0, 4).
#[test]
fn connect_to_a_group_makes_send_multicast() {
    let k = kernel();
    let net = k.init_net();
    let s = usersock(&net, 6000);
    let l = usersock(&net, 6001);
    add(&l, 3).unwrap();
    s.connect(&addr(0, 1 << 2)).unwrap();
    assert_eq!(s.getpeername(), addr(0, 1 << 2));
    assert_eq!(s.send(b"conn", 0), Err(Errno::ECONNREFUSED));
    let (data, meta) = l.recv_datagram(MSG_DONTWAIT).unwrap();
    assert_eq!(data, b"conn");
    assert_eq!(meta.addr, addr(6000, 1 << 2));
}

// ---------------------------------------------------------------------------
// Socket options
// ---------------------------------------------------------------------------

/// t1_socket [1e]: SO_RCVBUF default 212992, SO_SNDBUF 212992, setsockopt(1) -> 2304.
/// Probe: 1000 -> 2304, 4096 -> 8192, 106496 -> 212992, 200000 -> 400000.
#[test]
fn so_rcvbuf_default_minimum_and_doubling() {
    let k = kernel();
    let s = k.init_net().socket(NETLINK_ROUTE).unwrap();
    assert_eq!(s.getsockopt_int(SOL_SOCKET, SO_RCVBUF), Ok(212_992));
    assert_eq!(s.getsockopt_int(SOL_SOCKET, SO_SNDBUF), Ok(212_992));
    for (set, got) in [(1, 2304), (1000, 2304), (4096, 8192), (106_496, 212_992), (200_000, 400_000), (0, 2304)] {
        s.setsockopt_int(SOL_SOCKET, SO_RCVBUF, set).unwrap();
        assert_eq!(s.getsockopt_int(SOL_SOCKET, SO_RCVBUF), Ok(got), "SO_RCVBUF {set}");
    }
}

/// Linux caps SO_RCVBUF at net.core.rmem_max before doubling; the probe kernel
/// had rmem_max 4194304 and gave 1<<20 -> 2097152.
#[test]
fn so_rcvbuf_is_capped_by_rmem_max_before_doubling() {
    let k = kernel();
    let s = k.init_net().socket(NETLINK_ROUTE).unwrap();
    s.setsockopt_int(SOL_SOCKET, SO_RCVBUF, 1 << 20).unwrap();
    assert_eq!(s.getsockopt_int(SOL_SOCKET, SO_RCVBUF), Ok(2 * 212_992));
    s.setsockopt_int(SOL_SOCKET, SO_RCVBUF, -1).unwrap();
    assert_eq!(s.getsockopt_int(SOL_SOCKET, SO_RCVBUF), Ok(2 * 212_992));

    let big = Kernel::new(Config { rmem_max: 4_194_304, ..Config::default() });
    let t = big.init_net().socket(NETLINK_ROUTE).unwrap();
    t.setsockopt_int(SOL_SOCKET, SO_RCVBUF, 1 << 20).unwrap();
    assert_eq!(t.getsockopt_int(SOL_SOCKET, SO_RCVBUF), Ok(2_097_152));
}

/// Probe: root SO_RCVBUFFORCE 1<<20 -> 2097152 (not capped); uid 65534 -> EPERM.
#[test]
fn so_rcvbufforce_needs_cap_net_admin_and_ignores_rmem_max() {
    let k = kernel();
    let net = k.init_net();
    let s = net.socket(NETLINK_ROUTE).unwrap();
    s.setsockopt_int(SOL_SOCKET, SO_RCVBUFFORCE, 1 << 20).unwrap();
    assert_eq!(s.getsockopt_int(SOL_SOCKET, SO_RCVBUF), Ok(2_097_152));
    s.setsockopt_int(SOL_SOCKET, SO_RCVBUFFORCE, 1664).unwrap();
    assert_eq!(s.getsockopt_int(SOL_SOCKET, SO_RCVBUF), Ok(3328));

    let n = sock_as(&net, NETLINK_ROUTE, nobody());
    assert_eq!(n.setsockopt_int(SOL_SOCKET, SO_RCVBUFFORCE, 4096), Err(Errno::EPERM));
    assert_eq!(n.getsockopt_int(SOL_SOCKET, SO_RCVBUF), Ok(212_992));
    assert_eq!(n.setsockopt_int(SOL_SOCKET, SO_RCVBUF, 4096), Ok(()));
    assert_eq!(n.getsockopt_int(SOL_SOCKET, SO_RCVBUF), Ok(8192));

    let a = sock_as(&net, NETLINK_ROUTE, nobody().with_cap(CAP_NET_ADMIN));
    assert_eq!(a.setsockopt_int(SOL_SOCKET, SO_RCVBUFFORCE, 1 << 20), Ok(()));
    assert_eq!(a.getsockopt_int(SOL_SOCKET, SO_RCVBUF), Ok(2_097_152));
}

/// Probe: SO_RCVBUF with a 2-byte optval -> EINVAL.
#[test]
fn sol_socket_option_shorter_than_int_is_einval() {
    let k = kernel();
    let s = k.init_net().socket(NETLINK_ROUTE).unwrap();
    assert_eq!(s.setsockopt(SOL_SOCKET, SO_RCVBUF, &[1, 0]), Err(Errno::EINVAL));
    assert_eq!(s.getsockopt_int(SOL_SOCKET, SO_RCVBUF), Ok(212_992));
}

/// Probe: ADD_MEMBERSHIP with a 1- or 3-byte optval -> EINVAL (read as 0);
/// PKTINFO set with 1-byte 0x01 -> OK, reads back 0.
#[test]
fn sol_netlink_option_shorter_than_int_reads_as_zero() {
    let k = kernel();
    let s = k.init_net().socket(NETLINK_ROUTE).unwrap();
    assert_eq!(s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &[5]), Err(Errno::EINVAL));
    assert_eq!(s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &[5, 0, 0]), Err(Errno::EINVAL));
    assert_eq!(s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &[]), Err(Errno::EINVAL));
    assert_eq!(list_memberships(&s, 64).1, vec![0, 0]);

    s.setsockopt_int(SOL_NETLINK, NETLINK_PKTINFO, 1).unwrap();
    assert_eq!(s.getsockopt_int(SOL_NETLINK, NETLINK_PKTINFO), Ok(1));
    assert_eq!(s.setsockopt(SOL_NETLINK, NETLINK_PKTINFO, &[1]), Ok(()));
    assert_eq!(s.getsockopt_int(SOL_NETLINK, NETLINK_PKTINFO), Ok(0));
    // Longer buffers are fine: only the first int counts.
    assert_eq!(s.setsockopt(SOL_NETLINK, NETLINK_PKTINFO, &[1, 0, 0, 0, 9, 9, 9, 9]), Ok(()));
    assert_eq!(s.getsockopt_int(SOL_NETLINK, NETLINK_PKTINFO), Ok(1));
}

/// Probe: PKTINFO getsockopt with 3 bytes -> EINVAL; with 8 bytes -> length 4, value 1.
#[test]
fn getsockopt_shorter_than_int_is_einval() {
    let k = kernel();
    let s = k.init_net().socket(NETLINK_ROUTE).unwrap();
    s.setsockopt_int(SOL_NETLINK, NETLINK_PKTINFO, 1).unwrap();
    let mut three = [0u8; 3];
    assert_eq!(s.getsockopt(SOL_NETLINK, NETLINK_PKTINFO, &mut three), Err(Errno::EINVAL));
    assert_eq!(s.getsockopt(SOL_NETLINK, NETLINK_EXT_ACK, &mut []), Err(Errno::EINVAL));
    let mut eight = [0xffu8; 8];
    assert_eq!(s.getsockopt(SOL_NETLINK, NETLINK_PKTINFO, &mut eight), Ok(4));
    assert_eq!(&eight[..4], &1u32.to_ne_bytes());
}

/// Probe: setsockopt/getsockopt option 99 -> ENOPROTOOPT; NETLINK_RX_RING (6) -> ENOPROTOOPT.
#[test]
fn unknown_netlink_option_is_enoprotoopt() {
    let k = kernel();
    let s = k.init_net().socket(NETLINK_ROUTE).unwrap();
    assert_eq!(s.setsockopt_int(SOL_NETLINK, 99, 1), Err(Errno::ENOPROTOOPT));
    assert_eq!(s.getsockopt_int(SOL_NETLINK, 99), Err(Errno::ENOPROTOOPT));
    assert_eq!(s.setsockopt_int(SOL_NETLINK, NETLINK_RX_RING, 1), Err(Errno::ENOPROTOOPT));
    assert_eq!(s.setsockopt_int(SOL_NETLINK, NETLINK_TX_RING, 1), Err(Errno::ENOPROTOOPT));
    assert_eq!(s.getsockopt_int(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP), Err(Errno::ENOPROTOOPT));
    // Unknown first, short length second (netlink_getsockopt's order).
    assert_eq!(s.getsockopt(SOL_NETLINK, 99, &mut [0u8; 1]), Err(Errno::ENOPROTOOPT));
}

/// Probe: each of EXT_ACK, CAP_ACK, NO_ENOBUFS, GET_STRICT_CHK, BROADCAST_ERROR,
/// LISTEN_ALL_NSID reads 0, set to 7 reads 1, set to 0 reads 0.
#[test]
fn boolean_netlink_options_read_back_as_0_or_1() {
    let k = kernel();
    let s = k.init_net().socket(NETLINK_ROUTE).unwrap();
    for opt in [
        NETLINK_PKTINFO,
        NETLINK_EXT_ACK,
        NETLINK_CAP_ACK,
        NETLINK_NO_ENOBUFS,
        NETLINK_GET_STRICT_CHK,
        NETLINK_BROADCAST_ERROR,
        NETLINK_LISTEN_ALL_NSID,
    ] {
        assert_eq!(s.getsockopt_int(SOL_NETLINK, opt), Ok(0), "option {opt} default");
        s.setsockopt_int(SOL_NETLINK, opt, 7).unwrap();
        assert_eq!(s.getsockopt_int(SOL_NETLINK, opt), Ok(1), "option {opt} after 7");
        s.setsockopt_int(SOL_NETLINK, opt, 0).unwrap();
        assert_eq!(s.getsockopt_int(SOL_NETLINK, opt), Ok(0), "option {opt} after 0");
    }
    // Options are independent bits.
    s.setsockopt_int(SOL_NETLINK, NETLINK_EXT_ACK, 1).unwrap();
    assert_eq!(s.getsockopt_int(SOL_NETLINK, NETLINK_CAP_ACK), Ok(0));
    assert_eq!(s.getsockopt_int(SOL_NETLINK, NETLINK_EXT_ACK), Ok(1));
}

/// Probe as uid 65534: NETLINK_LISTEN_ALL_NSID -> EPERM.
#[test]
fn listen_all_nsid_needs_cap_net_broadcast() {
    let k = kernel();
    let net = k.init_net();
    let n = sock_as(&net, NETLINK_ROUTE, nobody());
    assert_eq!(n.setsockopt_int(SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, 1), Err(Errno::EPERM));
    assert_eq!(n.getsockopt_int(SOL_NETLINK, NETLINK_LISTEN_ALL_NSID), Ok(0));
    // CAP_NET_ADMIN is not the capability asked for.
    let a = sock_as(&net, NETLINK_ROUTE, nobody().with_cap(CAP_NET_ADMIN));
    assert_eq!(a.setsockopt_int(SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, 1), Err(Errno::EPERM));
    let b = sock_as(&net, NETLINK_ROUTE, nobody().with_cap(CAP_NET_BROADCAST));
    assert_eq!(b.setsockopt_int(SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, 1), Ok(()));
    assert_eq!(b.getsockopt_int(SOL_NETLINK, NETLINK_LISTEN_ALL_NSID), Ok(1));
    // The other flags need no capability.
    for opt in [NETLINK_PKTINFO, NETLINK_EXT_ACK, NETLINK_CAP_ACK, NETLINK_NO_ENOBUFS, NETLINK_GET_STRICT_CHK] {
        assert_eq!(n.setsockopt_int(SOL_NETLINK, opt, 1), Ok(()), "option {opt}");
    }
}

#[test]
fn options_at_other_levels_are_enoprotoopt() {
    let k = kernel();
    let s = k.init_net().socket(NETLINK_ROUTE).unwrap();
    assert_eq!(s.setsockopt_int(0, NETLINK_PKTINFO, 1), Err(Errno::ENOPROTOOPT));
    assert_eq!(s.getsockopt_int(0, NETLINK_PKTINFO), Err(Errno::ENOPROTOOPT));
}
