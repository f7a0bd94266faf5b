//! Delivery: what recv(2) returns, the receive buffer and its overflow
//! rules, blocking and waking, and namespace isolation.
//!
//! Every expectation is Linux 6.18's (kernel-reference §1, the probes in
//! shared/kernel-probes/observed/). The user-to-user experiments below were
//! re-run on the live kernel (6.18.44) with python probes under `unshare -n`,
//! reading Rmem and Drops from /proc/net/netlink; what the kernel printed is
//! quoted next to each test.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use rtnlsim::kernel::net::core::skbuff::alloc_skb;
use rtnlsim::kernel::net::netlink::af_netlink::nlmsg_multicast;
use rtnlsim::kernel::{NetRef, NetlinkSocket};
use rtnlsim::wire::uapi::netlink::*;
use rtnlsim::wire::uapi::rtnetlink::*;
use rtnlsim::wire::uapi::socket::*;
use rtnlsim::{Errno, Kernel};

#[path = "support/sockets.rs"]
mod sockets;

use sockets::{addr, kernel, usersock, PID};

/// Truesize of a user datagram of 1–256 bytes (kernel-reference §1: 832).
const SMALL_TRUESIZE: u32 = 832;

fn join(s: &NetlinkSocket, group: i32) {
    s.setsockopt_int(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group).expect("NETLINK_ADD_MEMBERSHIP");
}

fn set_rcvbuf(s: &NetlinkSocket, val: i32) -> i32 {
    s.setsockopt_int(SOL_SOCKET, SO_RCVBUF, val).expect("SO_RCVBUF");
    s.getsockopt_int(SOL_SOCKET, SO_RCVBUF).unwrap()
}

/// SO_RCVBUFFORCE: any size (root).
fn force_rcvbuf(s: &NetlinkSocket, val: i32) -> i32 {
    s.setsockopt_int(SOL_SOCKET, SO_RCVBUFFORCE, val).expect("SO_RCVBUFFORCE");
    s.getsockopt_int(SOL_SOCKET, SO_RCVBUF).unwrap()
}

fn set_rcvtimeo(s: &NetlinkSocket, timeout: Duration) {
    let mut tv = [0u8; 16];
    tv[..8].copy_from_slice(&(timeout.as_secs() as i64).to_ne_bytes());
    tv[8..].copy_from_slice(&(timeout.subsec_micros() as i64).to_ne_bytes());
    s.setsockopt(SOL_SOCKET, SO_RCVTIMEO_OLD, &tv).expect("SO_RCVTIMEO");
}

/// (Rmem, Drops) of a USERSOCK port, as /proc/net/netlink shows them.
fn proc_rmem_drops(k: &Kernel, net: &NetRef, portid: u32) -> (u32, u32) {
    let table = k.proc_net_netlink(net);
    for line in table.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() > 8 && f[1] == NETLINK_USERSOCK.to_string() && f[2] == portid.to_string() {
            return (f[4].parse().unwrap(), f[8].parse().unwrap());
        }
    }
    panic!("port {portid} not in /proc/net/netlink:\n{table}");
}

/// Reads with MSG_DONTWAIT until EAGAIN: what each read gave (data or errno).
fn read_all(s: &NetlinkSocket) -> Vec<Result<Vec<u8>, Errno>> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 65536];
    loop {
        match s.recv(&mut buf, MSG_DONTWAIT) {
            Ok(n) => out.push(Ok(buf[..n].to_vec())),
            Err(Errno::EAGAIN) => return out,
            Err(e) => out.push(Err(e)),
        }
        assert!(out.len() < 10_000, "runaway read loop");
    }
}

/// A 100-byte datagram tagged with its index.
fn datagram(i: u8) -> [u8; 100] {
    let mut d = [b'm'; 100];
    d[0] = i;
    d
}

// ---------------------------------------------------------------------------
// recv(2)
// ---------------------------------------------------------------------------

#[test]
fn each_recv_returns_one_datagram() {
    let k = kernel();
    let net = k.init_net();
    let r = usersock(&net, 6100);
    let s = usersock(&net, 6101);
    s.sendto(b"first", 0, &addr(6100, 0)).unwrap();
    s.sendto(b"second", 0, &addr(6100, 0)).unwrap();
    assert_eq!(r.queued(), 2);
    let mut buf = [0u8; 64];
    assert_eq!(r.recv(&mut buf, 0), Ok(5));
    assert_eq!(&buf[..5], b"first");
    assert_eq!(r.recv(&mut buf, 0), Ok(6));
    assert_eq!(&buf[..6], b"second");
    assert_eq!(r.recv(&mut buf, MSG_DONTWAIT), Err(Errno::EAGAIN));
}

/// Probe: "abcdefghij" into a 4-byte recvmsg -> b'abcd', MSG_TRUNC, from (6101, 0);
/// the next recvmsg returns b'second' (the rest is lost).
#[test]
fn short_buffer_gets_msg_trunc_and_loses_the_rest() {
    let k = kernel();
    let net = k.init_net();
    let r = usersock(&net, 6100);
    let s = usersock(&net, 6101);
    s.sendto(b"abcdefghij", 0, &addr(6100, 0)).unwrap();
    s.sendto(b"second", 0, &addr(6100, 0)).unwrap();
    let mut buf = [0u8; 4];
    let m = r.recvmsg(&mut buf, 0).unwrap();
    assert_eq!(m.len, 4);
    assert_eq!(m.datagram_len, 10);
    assert_eq!(m.msg_flags & MSG_TRUNC, MSG_TRUNC);
    assert_eq!(&buf, b"abcd");
    assert_eq!(m.addr, addr(6101, 0));
    assert_eq!(r.rmem_alloc(), SMALL_TRUESIZE, "the truncated datagram is freed");
    let mut big = [0u8; 64];
    let m = r.recvmsg(&mut big, 0).unwrap();
    assert_eq!(&big[..m.len], b"second");
    assert_eq!(m.msg_flags & MSG_TRUNC, 0);
    assert_eq!(r.rmem_alloc(), 0);
}

/// Probe: recv(buf, 0, MSG_PEEK|MSG_TRUNC) = 10; recv(buf, 4, MSG_TRUNC) = 10
/// with b'0123' copied; then recv(MSG_DONTWAIT) -> EAGAIN.
#[test]
fn msg_trunc_flag_returns_the_full_length_and_peek_keeps_the_datagram() {
    let k = kernel();
    let net = k.init_net();
    let r = usersock(&net, 6100);
    let s = usersock(&net, 6101);
    s.sendto(b"0123456789", 0, &addr(6100, 0)).unwrap();
    assert_eq!(r.recv(&mut [], MSG_PEEK | MSG_TRUNC), Ok(10));
    assert_eq!(r.queued(), 1, "a peek leaves the datagram queued");
    assert_eq!(r.rmem_alloc(), SMALL_TRUESIZE);
    assert_eq!(r.recv(&mut [], MSG_PEEK | MSG_TRUNC), Ok(10), "and peeks again");
    // Without MSG_TRUNC the same zero-length peek returns the bytes copied: 0.
    let m = r.recvmsg(&mut [], MSG_PEEK).unwrap();
    assert_eq!((m.len, m.datagram_len, m.msg_flags & MSG_TRUNC), (0, 10, MSG_TRUNC));
    let mut buf = [0u8; 4];
    assert_eq!(r.recv(&mut buf, MSG_TRUNC), Ok(10));
    assert_eq!(&buf, b"0123");
    assert_eq!(r.queued(), 0);
    assert_eq!(r.recv(&mut buf, MSG_DONTWAIT), Err(Errno::EAGAIN));
}

#[test]
fn peek_then_recv_returns_the_same_datagram() {
    let k = kernel();
    let net = k.init_net();
    let r = usersock(&net, 6100);
    let s = usersock(&net, 6101);
    let t = usersock(&net, 6102);
    s.sendto(b"one", 0, &addr(6100, 0)).unwrap();
    t.sendto(b"two", 0, &addr(6100, 0)).unwrap();
    let mut a = [0u8; 16];
    let pm = r.recvmsg(&mut a, MSG_PEEK).unwrap();
    assert_eq!(&a[..pm.len], b"one");
    let mut b = [0u8; 16];
    let m = r.recvmsg(&mut b, 0).unwrap();
    assert_eq!(&b[..m.len], b"one");
    assert_eq!(m.addr, pm.addr);
    assert_eq!(m.addr, addr(6101, 0));
    let m = r.recvmsg(&mut b, 0).unwrap();
    assert_eq!(&b[..m.len], b"two");
    assert_eq!(m.addr, addr(6102, 0));
}

#[test]
fn dontwait_on_an_empty_queue_is_eagain() {
    let k = kernel();
    let r = usersock(&k.init_net(), 6100);
    let mut buf = [0u8; 16];
    let start = Instant::now();
    assert_eq!(r.recv(&mut buf, MSG_DONTWAIT), Err(Errno::EAGAIN));
    assert_eq!(r.recv(&mut [], MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC), Err(Errno::EAGAIN));
    assert!(start.elapsed() < Duration::from_millis(50));
}

#[test]
fn a_nonblocking_socket_never_waits_in_recv_or_send() {
    let k = kernel();
    let net = k.init_net();
    let r = usersock(&net, 6100);
    set_rcvtimeo(&r, Duration::from_millis(300)); // a safety net: the test fails instead of hanging
    r.set_nonblocking(true);
    let mut buf = [0u8; 16];
    let start = Instant::now();
    assert_eq!(r.recv(&mut buf, 0), Err(Errno::EAGAIN));
    assert!(start.elapsed() < Duration::from_millis(100), "O_NONBLOCK: recv must not wait");

    // O_NONBLOCK on the sender turns a send to a full queue into EAGAIN (MSG_DONTWAIT).
    set_rcvbuf(&r, 1); // sk_rcvbuf 2304: two small datagrams fit
    let s = usersock(&net, 6101);
    s.set_nonblocking(true);
    assert_eq!(s.sendto(b"a", 0, &addr(6100, 0)), Ok(1));
    assert_eq!(s.sendto(b"b", 0, &addr(6100, 0)), Ok(1));
    assert_eq!(s.sendto(b"c", 0, &addr(6100, 0)), Err(Errno::EAGAIN));
    assert_eq!(r.drops(), 0);

    r.set_nonblocking(false);
    assert_eq!(r.recv(&mut buf, 0), Ok(1));
}

/// Probe: SO_RCVTIMEO 50 ms on an empty socket -> EAGAIN after 0.053 s.
#[test]
fn so_rcvtimeo_ends_a_blocking_recv_with_eagain() {
    let k = kernel();
    let r = usersock(&k.init_net(), 6100);
    set_rcvtimeo(&r, Duration::from_millis(50));
    let mut buf = [0u8; 16];
    let start = Instant::now();
    assert_eq!(r.recv(&mut buf, 0), Err(Errno::EAGAIN));
    let waited = start.elapsed();
    assert!(waited >= Duration::from_millis(45), "returned after {waited:?}");
    assert!(waited < Duration::from_millis(500), "returned after {waited:?}");
}

#[test]
fn a_blocking_recv_on_another_thread_wakes_when_data_arrives() {
    let k = kernel();
    let net = k.init_net();
    let r = Arc::new(usersock(&net, 6100));
    let s = usersock(&net, 6101);
    let (tx, rx) = mpsc::channel();
    let reader = {
        let r = Arc::clone(&r);
        thread::spawn(move || {
            let mut buf = [0u8; 64];
            let m = r.recvmsg(&mut buf, 0);
            let _ = tx.send(m.map(|m| (buf[..m.len].to_vec(), m.addr)));
        })
    };
    thread::sleep(Duration::from_millis(30));
    assert!(rx.try_recv().is_err(), "recv returned before anything was sent");
    s.sendto(b"wake up", 0, &addr(6100, 0)).unwrap();
    let got = rx.recv_timeout(Duration::from_secs(5)).expect("the blocked reader was not woken");
    assert_eq!(got, Ok((b"wake up".to_vec(), addr(6101, 0))));
    reader.join().unwrap();
}

// ---------------------------------------------------------------------------
// Source address and NETLINK_PKTINFO
// ---------------------------------------------------------------------------

/// Probe: a unicast from 6000 arrives from (6000, 0) with PKTINFO group 0.
#[test]
fn unicast_comes_from_the_sender_port_with_pktinfo_group_0() {
    let k = kernel();
    let net = k.init_net();
    let r = usersock(&net, 6001);
    let s = usersock(&net, 6000);
    s.sendto(b"plain", 0, &addr(6001, 0)).unwrap();
    let (_, m) = r.recv_datagram(MSG_DONTWAIT).unwrap();
    assert_eq!(m.addr, addr(6000, 0));
    assert_eq!(m.pktinfo, None, "no control message without NETLINK_PKTINFO");

    r.setsockopt_int(SOL_NETLINK, NETLINK_PKTINFO, 1).unwrap();
    s.sendto(b"uni", 0, &addr(6001, 0)).unwrap();
    let (data, m) = r.recv_datagram(MSG_DONTWAIT).unwrap();
    assert_eq!(data, b"uni");
    assert_eq!(m.addr, addr(6000, 0));
    assert_eq!(m.pktinfo, Some(0));
}

/// Probe: a multicast to group 3 from 6000 arrives from (6000, 4), PKTINFO 3
/// (and without PKTINFO enabled, no control message).
#[test]
fn multicast_comes_from_the_sender_port_with_the_group_mask_and_pktinfo_group() {
    let k = kernel();
    let net = k.init_net();
    let s = usersock(&net, 6000);
    let l1 = usersock(&net, 6001);
    let l2 = usersock(&net, 6002);
    join(&l1, 3);
    join(&l2, 3);
    l1.setsockopt_int(SOL_NETLINK, NETLINK_PKTINFO, 1).unwrap();
    assert_eq!(s.sendto(b"to group 3", 0, &addr(0, 1 << 2)), Err(Errno::ECONNREFUSED));
    let (d1, m1) = l1.recv_datagram(MSG_DONTWAIT).unwrap();
    let (d2, m2) = l2.recv_datagram(MSG_DONTWAIT).unwrap();
    assert_eq!((d1.as_slice(), m1.addr, m1.pktinfo), (&b"to group 3"[..], addr(6000, 4), Some(3)));
    assert_eq!((d2.as_slice(), m2.addr, m2.pktinfo), (&b"to group 3"[..], addr(6000, 4), None));

    // Group 32: the top bit of the mask.
    join(&l1, 32);
    s.sendto(b"32", 0, &addr(6002, 0x8000_0000)).unwrap();
    let (_, m) = l1.recv_datagram(MSG_DONTWAIT).unwrap();
    assert_eq!((m.addr, m.pktinfo), (addr(6000, 0x8000_0000), Some(32)));
}

/// No user socket can send to a group above 32 (nl_groups is a 32-bit mask),
/// so this datagram comes from the kernel side, as rtnetlink's notifications
/// do: RTM_NEWMULTICAST to RTNLGRP_IPV4_MCADDR (37). t6_notify.txt shows it
/// on 6.18.44: "grp=37(IPV4_MCADDR) from=(0, 0) RTM_NEWMULTICAST".
#[test]
fn groups_above_32_give_a_zero_mask_but_the_real_group_in_pktinfo() {
    let k = kernel();
    let net = k.init_net();
    let l = net.socket(NETLINK_ROUTE).unwrap();
    l.bind(&addr(0, 0)).unwrap();
    join(&l, RTNLGRP_IPV4_MCADDR as i32);
    l.setsockopt_int(SOL_NETLINK, NETLINK_PKTINFO, 1).unwrap();
    let other = net.socket(NETLINK_ROUTE).unwrap();
    other.bind(&addr(0, RTMGRP_LINK)).unwrap();

    let mut msg = Vec::new();
    msg.extend_from_slice(&20u32.to_ne_bytes());
    msg.extend_from_slice(&RTM_NEWMULTICAST.to_ne_bytes());
    msg.extend_from_slice(&0u16.to_ne_bytes());
    msg.extend_from_slice(&[0; 8]);
    msg.extend_from_slice(&[AF_INET, 0, 0, 0]);
    let mut skb = alloc_skb(msg.len());
    skb.put_data(&msg).unwrap();
    let rtnl = net.rtnl().expect("init_net has an rtnetlink kernel socket");
    nlmsg_multicast(&rtnl, skb, 0, RTNLGRP_IPV4_MCADDR).unwrap();

    let (data, m) = l.recv_datagram(MSG_DONTWAIT).unwrap();
    assert_eq!(data, msg);
    assert_eq!(m.addr, addr(0, 0));
    assert_eq!(m.pktinfo, Some(RTNLGRP_IPV4_MCADDR));
    assert_eq!(other.recv_datagram(MSG_DONTWAIT).err(), Some(Errno::EAGAIN));
}

// ---------------------------------------------------------------------------
// The receive buffer
// ---------------------------------------------------------------------------

/// kernel-reference §1 with user traffic. Probe (USERSOCK, SO_RCVBUF 4096 ->
/// sk_rcvbuf 8192, 100 multicasts of 100 bytes to group 1 with MSG_DONTWAIT):
/// "send results {'ECONNREFUSED': 100}; Rmem=7488 Drops=91",
/// "reads: [['ENOBUFS', 1], ['msg', 9]] after: Rmem=0 Drops=91".
/// (The same with 256-byte datagrams: truesize 832 up to 256 bytes.)
#[test]
fn multicast_overrun_gives_enobufs_once_then_the_nine_queued_datagrams() {
    for size in [100usize, 256] {
        let k = kernel();
        let net = k.init_net();
        let r = usersock(&net, 7000);
        assert_eq!(set_rcvbuf(&r, 4096), 8192);
        join(&r, 1);
        let s = usersock(&net, 7001);
        for i in 0..100u8 {
            let mut d = vec![b'm'; size];
            d[0] = i;
            assert_eq!(s.sendto(&d, MSG_DONTWAIT, &addr(0, 1)), Err(Errno::ECONNREFUSED), "send {i}");
        }
        // Broadcast admission: rmem <= rcvbuf, 9 * 832 = 7488; the tenth would make 8320.
        assert_eq!(r.queued(), 9, "size {size}");
        assert_eq!(r.rmem_alloc(), 9 * SMALL_TRUESIZE);
        assert_eq!(r.drops(), 91);
        assert_eq!(proc_rmem_drops(&k, &net, 7000), (7488, 91));

        let reads = read_all(&r);
        assert_eq!(reads.len(), 10);
        assert_eq!(reads[0], Err(Errno::ENOBUFS));
        for (i, got) in reads[1..].iter().enumerate() {
            let d = got.as_ref().expect("data after the one ENOBUFS");
            assert_eq!((d.len(), d[0]), (size, i as u8), "the first nine were kept, in order");
        }
        assert_eq!(proc_rmem_drops(&k, &net, 7000), (0, 91));
        assert_eq!(r.getsockopt_int(SOL_SOCKET, SO_ERROR), Ok(0));
    }
}

/// The ENOBUFS error consumes no data: the nine datagrams are still queued after it.
#[test]
fn enobufs_is_reported_before_data_and_consumes_none() {
    let k = kernel();
    let net = k.init_net();
    let r = usersock(&net, 7000);
    set_rcvbuf(&r, 4096);
    join(&r, 1);
    let s = usersock(&net, 7001);
    for i in 0..10 {
        let _ = s.sendto(&datagram(i), MSG_DONTWAIT, &addr(0, 1));
    }
    assert_eq!(r.drops(), 1);
    let mut buf = [0u8; 256];
    assert_eq!(r.recv(&mut buf, MSG_PEEK), Err(Errno::ENOBUFS));
    assert_eq!(r.queued(), 9);
    assert_eq!(r.recv(&mut buf, MSG_DONTWAIT), Ok(100));
    assert_eq!(buf[0], 0);
}

/// Probe: with NETLINK_NO_ENOBUFS=1, "Rmem=7488 Drops=91", "reads: [['msg', 9]]".
#[test]
fn no_enobufs_keeps_the_nine_datagrams_without_the_error() {
    let k = kernel();
    let net = k.init_net();
    let r = usersock(&net, 7000);
    assert_eq!(set_rcvbuf(&r, 4096), 8192);
    r.setsockopt_int(SOL_NETLINK, NETLINK_NO_ENOBUFS, 1).unwrap();
    join(&r, 1);
    let s = usersock(&net, 7001);
    for i in 0..100u8 {
        assert_eq!(s.sendto(&datagram(i), MSG_DONTWAIT, &addr(0, 1)), Err(Errno::ECONNREFUSED));
    }
    assert_eq!(proc_rmem_drops(&k, &net, 7000), (7488, 91));
    assert_eq!(r.drops(), 91);
    let reads = read_all(&r);
    assert_eq!(reads.len(), 9);
    for (i, got) in reads.iter().enumerate() {
        assert_eq!(got.as_ref().map(|d| d[0]), Ok(i as u8));
    }
    assert_eq!(proc_rmem_drops(&k, &net, 7000), (0, 91));
}

/// Probe (user unicast, MSG_DONTWAIT, same receiver): "send results {'OK': 9,
/// 'EAGAIN': 91}; Rmem=7488 Drops=0", "reads: [['msg', 9]]": a user sender is
/// told, the receiver is not overrun.
#[test]
fn user_unicast_to_a_full_socket_with_dontwait_is_eagain_without_a_drop() {
    let k = kernel();
    let net = k.init_net();
    let r = usersock(&net, 7000);
    assert_eq!(set_rcvbuf(&r, 4096), 8192);
    let s = usersock(&net, 7001);
    let mut ok = 0;
    let mut eagain = 0;
    for i in 0..100u8 {
        match s.sendto(&datagram(i), MSG_DONTWAIT, &addr(7000, 0)) {
            Ok(100) => ok += 1,
            Err(Errno::EAGAIN) => eagain += 1,
            other => panic!("send {i}: {other:?}"),
        }
    }
    assert_eq!((ok, eagain), (9, 91));
    assert_eq!(proc_rmem_drops(&k, &net, 7000), (7488, 0));
    assert_eq!(r.drops(), 0);
    let reads = read_all(&r);
    assert_eq!(reads.len(), 9, "no ENOBUFS: {:?}", reads.iter().filter(|r| r.is_err()).collect::<Vec<_>>());
    assert!(reads.iter().all(|r| r.as_ref().is_ok_and(|d| d.len() == 100)));
}

/// Probe: 12 multicasts -> 9 queued, Drops=3; read -> ENOBUFS, read -> data
/// (Rmem=6656); 3 more multicasts while congested, though they would fit:
/// "Rmem=6656 Drops=6"; drain the 8 left -> EAGAIN; 3 more: "Rmem=2496 Drops=6".
#[test]
fn a_congested_socket_drops_every_multicast_until_its_queue_drains() {
    let k = kernel();
    let net = k.init_net();
    let r = usersock(&net, 7100);
    set_rcvbuf(&r, 4096);
    join(&r, 1);
    let s = usersock(&net, 7101);
    for i in 0..12 {
        let _ = s.sendto(&datagram(i), MSG_DONTWAIT, &addr(0, 1));
    }
    assert_eq!(r.drops(), 3);
    let mut buf = [0u8; 100];
    assert_eq!(r.recv(&mut buf, MSG_DONTWAIT), Err(Errno::ENOBUFS));
    assert_eq!(r.recv(&mut buf, MSG_DONTWAIT), Ok(100));
    assert_eq!(proc_rmem_drops(&k, &net, 7100), (6656, 3));
    for i in 20..23 {
        let _ = s.sendto(&datagram(i), MSG_DONTWAIT, &addr(0, 1));
    }
    assert_eq!(proc_rmem_drops(&k, &net, 7100), (6656, 6));
    let rest = read_all(&r);
    assert_eq!(rest.len(), 8);
    assert!(rest.iter().all(|d| d.as_ref().is_ok_and(|d| d[0] < 9)), "only the first nine were queued");
    for i in 30..33 {
        let _ = s.sendto(&datagram(i), MSG_DONTWAIT, &addr(0, 1));
    }
    assert_eq!(proc_rmem_drops(&k, &net, 7100), (2496, 6));
    let last: Vec<u8> = read_all(&r).into_iter().map(|d| d.unwrap()[0]).collect();
    assert_eq!(last, vec![30, 31, 32]);
}

/// Probe (sk_rcvbuf 3328 = 4 * 832 via SO_RCVBUFFORCE 1664, 10 multicasts):
/// "Rmem=3328 Drops=6", "reads: [['ENOBUFS', 1], ['msg', 4]]".
#[test]
fn a_multicast_may_fill_the_receive_buffer_exactly() {
    let k = kernel();
    let net = k.init_net();
    let r = usersock(&net, 7000);
    assert_eq!(force_rcvbuf(&r, 1664), 3328);
    join(&r, 1);
    let s = usersock(&net, 7001);
    for i in 0..10 {
        let _ = s.sendto(&datagram(i), MSG_DONTWAIT, &addr(0, 1));
    }
    assert_eq!(proc_rmem_drops(&k, &net, 7000), (3328, 6));
    let reads = read_all(&r);
    assert_eq!(reads.len(), 5);
    assert_eq!(reads[0], Err(Errno::ENOBUFS));
}

/// Probe (the same receiver, user unicast with MSG_DONTWAIT): "send results
/// {'OK': 4, 'EAGAIN': 6}; Rmem=3328 Drops=0". The running kernel admits a
/// unicast that fills sk_rcvbuf exactly (`rmem <= rcvbuf`, as a broadcast):
/// "netlink: avoid infinite retry looping in netlink_unicast()" made the
/// test in netlink_attachskb inclusive, and 6.18.44 has it.
#[test]
fn a_user_unicast_may_fill_the_receive_buffer_exactly() {
    let k = kernel();
    let net = k.init_net();
    let r = usersock(&net, 7000);
    assert_eq!(force_rcvbuf(&r, 1664), 3328);
    let s = usersock(&net, 7001);
    let results: Vec<_> = (0..6).map(|i| s.sendto(&datagram(i), MSG_DONTWAIT, &addr(7000, 0))).collect();
    assert_eq!(results, vec![Ok(100), Ok(100), Ok(100), Ok(100), Err(Errno::EAGAIN), Err(Errno::EAGAIN)]);
    assert_eq!(proc_rmem_drops(&k, &net, 7000), (3328, 0));
}

/// Probe: 3 datagrams queued (Rmem 2496 of 3328), a blocking send of a 4th
/// "done: [0.00023...] Rmem=3328". A strict `rmem < rcvbuf` admission combined
/// with the inclusive wait condition (`rmem + truesize > rcvbuf`) neither
/// queues nor sleeps: the sender retries forever (the bug Linux fixed).
#[test]
fn a_blocking_unicast_that_exactly_fills_the_receive_buffer_is_queued_at_once() {
    let k = kernel();
    let net = k.init_net();
    let r = usersock(&net, 8000);
    assert_eq!(force_rcvbuf(&r, 1664), 3328);
    let s = Arc::new(usersock(&net, 8001));
    for i in 0..3 {
        s.sendto(&datagram(i), MSG_DONTWAIT, &addr(8000, 0)).unwrap();
    }
    let (tx, rx) = mpsc::channel();
    let sender = {
        let s = Arc::clone(&s);
        thread::spawn(move || {
            let _ = tx.send(s.sendto(&datagram(3), 0, &addr(8000, 0)));
        })
    };
    let in_time = rx.recv_timeout(Duration::from_millis(300));
    // Whatever happened, make room so that a stuck sender can finish.
    let drained = read_all(&r);
    let late = in_time.or_else(|_| rx.recv_timeout(Duration::from_secs(5)));
    sender.join().unwrap();
    assert_eq!(in_time, Ok(Ok(100)), "the 4th datagram should be queued at once (late result: {late:?})");
    assert_eq!(drained.len(), 4);
    assert_eq!(r.drops(), 0);
}

/// Probe: 9 datagrams queued (Rmem 7488 of 8192); a blocking send of a tenth
/// was still waiting after 0.2 s and returned once the reader drained the
/// queue ("sender done after [0.2007...] Rmem=832 Drops=0"; R got b'tenth').
#[test]
fn a_blocking_user_unicast_to_a_full_socket_waits_until_the_reader_drains() {
    let k = kernel();
    let net = k.init_net();
    let r = usersock(&net, 7200);
    assert_eq!(set_rcvbuf(&r, 4096), 8192);
    let s = Arc::new(usersock(&net, 7201));
    for i in 0..9 {
        s.sendto(&datagram(i), MSG_DONTWAIT, &addr(7200, 0)).unwrap();
    }
    assert_eq!(proc_rmem_drops(&k, &net, 7200), (7488, 0));
    let done = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel();
    let sender = {
        let (s, done) = (Arc::clone(&s), Arc::clone(&done));
        thread::spawn(move || {
            let r = s.sendto(b"tenth", 0, &addr(7200, 0));
            done.store(true, Ordering::Release);
            let _ = tx.send(r);
        })
    };
    thread::sleep(Duration::from_millis(50));
    assert!(!done.load(Ordering::Acquire), "the sender should wait for room");
    // Reading makes room: the sender's datagram is queued behind the nine.
    let mut buf = [0u8; 256];
    for i in 0..9 {
        assert_eq!(r.recv(&mut buf, MSG_DONTWAIT), Ok(100));
        assert_eq!(buf[0], i);
    }
    let res = rx.recv_timeout(Duration::from_secs(5)).expect("the blocked sender was not woken");
    sender.join().unwrap();
    assert_eq!(res, Ok(5));
    assert_eq!(proc_rmem_drops(&k, &net, 7200), (SMALL_TRUESIZE, 0));
    assert_eq!(r.recv_datagram(MSG_DONTWAIT).unwrap().0, b"tenth");
}

/// Closing the full receiver wakes a blocked sender; its retry finds the port
/// free: ECONNREFUSED (netlink_unicast looks the destination up again).
#[test]
fn closing_a_full_receiver_releases_a_blocked_sender_with_econnrefused() {
    let k = kernel();
    let net = k.init_net();
    let r = usersock(&net, 7300);
    set_rcvbuf(&r, 1); // sk_rcvbuf 2304: two small datagrams fit
    let s = Arc::new(usersock(&net, 7301));
    for i in 0..2 {
        s.sendto(&datagram(i), MSG_DONTWAIT, &addr(7300, 0)).unwrap();
    }
    let (tx, rx) = mpsc::channel();
    let sender = {
        let s = Arc::clone(&s);
        thread::spawn(move || {
            let _ = tx.send(s.sendto(b"blocked", 0, &addr(7300, 0)));
        })
    };
    thread::sleep(Duration::from_millis(30));
    assert!(rx.try_recv().is_err(), "the sender should wait for room");
    drop(r);
    let res = rx.recv_timeout(Duration::from_secs(5)).expect("closing the receiver did not wake the sender");
    sender.join().unwrap();
    assert_eq!(res, Err(Errno::ECONNREFUSED));
}

// ---------------------------------------------------------------------------
// Namespaces
// ---------------------------------------------------------------------------

#[test]
fn namespaces_have_separate_port_spaces() {
    let k = kernel();
    let a = k.init_net();
    let b = k.net_create().unwrap();
    let a1 = usersock(&a, 9000);
    let b1 = usersock(&b, 9000); // the same explicit port id in both
    let only_b = usersock(&b, 9001);
    let sa = usersock(&a, 9002);
    let sb = usersock(&b, 9002);

    assert_eq!(sa.sendto(b"to 9001", 0, &addr(9001, 0)), Err(Errno::ECONNREFUSED));
    assert_eq!(sb.sendto(b"to 9001", 0, &addr(9001, 0)), Ok(7));
    assert_eq!(only_b.recv_datagram(MSG_DONTWAIT).unwrap().0, b"to 9001");

    sa.sendto(b"from a", 0, &addr(9000, 0)).unwrap();
    sb.sendto(b"from b", 0, &addr(9000, 0)).unwrap();
    assert_eq!(a1.drain(), vec![b"from a".to_vec()]);
    assert_eq!(b1.drain(), vec![b"from b".to_vec()]);
}

#[test]
fn autobind_in_each_namespace_starts_from_the_pid() {
    let k = kernel();
    let a = k.init_net();
    let b = k.net_create().unwrap();
    let x = a.socket(NETLINK_ROUTE).unwrap();
    x.bind(&addr(0, 0)).unwrap();
    let y = b.socket(NETLINK_ROUTE).unwrap();
    y.bind(&addr(0, 0)).unwrap();
    assert_eq!(x.getsockname().pid, PID);
    assert_eq!(y.getsockname().pid, PID);
}

#[test]
fn multicasts_do_not_cross_namespaces() {
    let k = kernel();
    let a = k.init_net();
    let b = k.net_create().unwrap();
    let la = usersock(&a, 9100);
    let lb = usersock(&b, 9100);
    join(&la, 1);
    join(&lb, 1);
    let sa = usersock(&a, 9101);
    assert_eq!(sa.sendto(b"in a", 0, &addr(0, 1)), Err(Errno::ECONNREFUSED));
    assert_eq!(la.drain(), vec![b"in a".to_vec()]);
    assert_eq!(lb.recv_datagram(MSG_DONTWAIT).err(), Some(Errno::EAGAIN));
    let sb = usersock(&b, 9101);
    assert_eq!(sb.sendto(b"in b", 0, &addr(0, 1)), Err(Errno::ECONNREFUSED));
    assert_eq!(lb.drain(), vec![b"in b".to_vec()]);
    assert_eq!(la.recv_datagram(MSG_DONTWAIT).err(), Some(Errno::EAGAIN));
}
