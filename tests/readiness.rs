//! Readiness for event loops: poll(2) semantics and `sk_data_ready`, and
//! NETLINK_BROADCAST_ERROR, through the public socket API.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rtnlsim::kernel::net::socket::{POLLERR, POLLIN, POLLOUT};
use rtnlsim::wire::uapi::netlink::*;
use rtnlsim::wire::uapi::socket::*;
use rtnlsim::{Config, Errno, Kernel, SockaddrNl};

#[test]
fn poll_reports_pollin_only_while_data_is_queued() {
    let k = Kernel::new(Config::default());
    let net = k.init_net();
    let a = net.socket(NETLINK_USERSOCK).unwrap();
    a.bind(&SockaddrNl::new(100, 0)).unwrap();
    let b = net.socket(NETLINK_USERSOCK).unwrap();
    b.bind(&SockaddrNl::new(200, 0)).unwrap();
    assert_eq!(a.poll_events(), POLLOUT);
    assert_eq!(a.poll(Some(Duration::from_millis(5))), POLLOUT, "times out without data");
    b.sendto(b"x", 0, &SockaddrNl::new(100, 0)).unwrap();
    assert_eq!(a.poll(Some(Duration::ZERO)), POLLIN | POLLOUT);
    a.recv(&mut [0u8; 8], MSG_DONTWAIT).unwrap();
    assert_eq!(a.poll_events(), POLLOUT);
}

#[test]
fn poll_wakes_when_another_thread_sends() {
    let k = Kernel::new(Config::default());
    let net = k.init_net();
    let a = net.socket(NETLINK_USERSOCK).unwrap();
    a.bind(&SockaddrNl::new(100, 0)).unwrap();
    let b = net.socket(NETLINK_USERSOCK).unwrap();
    b.bind(&SockaddrNl::new(200, 0)).unwrap();
    let sender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        b.sendto(b"wake", 0, &SockaddrNl::new(100, 0)).unwrap();
        b
    });
    let start = Instant::now();
    let ev = a.poll(Some(Duration::from_secs(10)));
    assert_eq!(ev & POLLIN, POLLIN);
    assert!(start.elapsed() < Duration::from_secs(5), "woken by the send, not the timeout");
    drop(sender.join().unwrap());
}

#[test]
fn poll_reports_pollerr_for_a_pending_enobufs() {
    let k = Kernel::new(Config::default());
    let net = k.init_net();
    let l = net.socket(NETLINK_USERSOCK).unwrap();
    l.bind(&SockaddrNl::new(100, 1)).unwrap();
    l.setsockopt_int(SOL_SOCKET, SO_RCVBUF, 1).unwrap(); // 2304: two datagrams of truesize 832
    let s = net.socket(NETLINK_USERSOCK).unwrap();
    for _ in 0..4 {
        let _ = s.sendto(&[0u8; 40], 0, &SockaddrNl::new(0, 1));
    }
    assert_eq!(l.poll_events(), POLLIN | POLLOUT | POLLERR);
    assert_eq!(l.recv(&mut [0u8; 64], MSG_DONTWAIT), Err(Errno::ENOBUFS));
    assert_eq!(l.poll_events(), POLLIN | POLLOUT, "the error is reported once");
}

#[test]
fn data_ready_is_called_for_each_arrival_and_for_errors() {
    let k = Kernel::new(Config::default());
    let net = k.init_net();
    let l = net.socket(NETLINK_USERSOCK).unwrap();
    l.bind(&SockaddrNl::new(100, 1)).unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    l.set_data_ready(Some(Arc::new(move || {
        c.fetch_add(1, Ordering::SeqCst);
    })));
    let s = net.socket(NETLINK_USERSOCK).unwrap();
    s.sendto(b"one", 0, &SockaddrNl::new(100, 0)).unwrap();
    let _ = s.sendto(b"two", 0, &SockaddrNl::new(0, 1));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    l.set_data_ready(None);
    s.sendto(b"three", 0, &SockaddrNl::new(100, 0)).unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn broadcast_error_makes_a_missed_multicast_the_senders_error() {
    // With NETLINK_BROADCAST_ERROR on a listener that overruns, the kernel's
    // netlink_broadcast returns ENOBUFS (do_one_broadcast: delivery_failure).
    // A user multicast ignores that result, so observe it from the kernel
    // side: nlmsg_notify on the rtnl socket reports it.
    use rtnlsim::kernel::net::core::skbuff::nlmsg_new;
    use rtnlsim::kernel::net::netlink::af_netlink::nlmsg_notify;
    let k = Kernel::new(Config::default());
    let net = k.init_net();
    let l = net.socket(NETLINK_ROUTE).unwrap();
    l.bind(&SockaddrNl::new(0, 1)).unwrap();
    l.setsockopt_int(SOL_SOCKET, SO_RCVBUF, 1).unwrap();
    let rtnl = net.rtnl().unwrap();
    let notify = || {
        let mut skb = nlmsg_new(16);
        let nlh = skb.nlmsg_put(0, 0, 16, 16, 0).unwrap();
        skb.nlmsg_end(nlh);
        nlmsg_notify(&rtnl, skb, 0, 1, false)
    };
    assert_eq!(notify(), Ok(()));
    assert_eq!(notify(), Ok(()));
    assert_eq!(notify(), Ok(()), "without BROADCAST_ERROR an overrun is not the sender's error");
    l.setsockopt_int(SOL_NETLINK, NETLINK_BROADCAST_ERROR, 1).unwrap();
    assert_eq!(notify(), Err(Errno::ENOBUFS));
    assert_eq!(l.drops(), 2);
}
