//! Request dispatch through the simulated kernel, measured with criterion.
//!
//! Every case's answer is checked once before it is timed. Each case is one
//! request round trip on a bound NETLINK_ROUTE socket, the
//! way a client does it: `send` (which runs `netlink_sendmsg →
//! netlink_unicast → rtnetlink_rcv → netlink_rcv_skb → rtnetlink_rcv_msg →
//! handler` on this thread) and, where the kernel answers, one `recv` into a
//! reused buffer. No subscriber is installed, so the tracing spans cost only
//! their disabled-callsite check.
//!
//! - `noop`: NLMSG_NOOP without NLM_F_ACK — netlink_rcv_skb skips it, nothing
//!   is queued: a one-way send, the floor under every request.
//! - `eopnotsupp_ack`: type 124 (> RTM_MAX): `rtnetlink_rcv_msg` refuses it
//!   and `netlink_ack` queues the 52-byte error, which is received.
//! - `getlink_lo`: RTM_GETLINK doit for ifindex 1 with RTEXT_FILTER_SKIP_STATS,
//!   answered with one 1100-byte RTM_NEWLINK built by `rtnl_fill_ifinfo`.
//! - `setlink_mtu`: RTM_NEWLINK changing a veth's MTU back and forth under
//!   rtnl_mutex, with NLM_F_ACK: `do_setlink`, `dev_set_mtu`, the NETDEV
//!   notifiers and an RTM_NEWLINK to RTNLGRP_LINK (no listener), then the ack.
//!
//! The `fib` group works on a veth that is up with 10.3.3.1/24 and 10,000
//! gateway routes (11.<i/256>.<i%256>.0/24 via 10.3.3.2) in the main table:
//!
//! - `route_add_del`: RTM_NEWROUTE of 192.0.2.0/24 via 10.3.3.2 then its
//!   RTM_DELROUTE, each acked: `fib_create_info`, `fib_table_insert` /
//!   `fib_table_delete` and `rtmsg_fib` (no listener). Two requests per
//!   iteration.
//! - `getroute_lpm`: RTM_GETROUTE doit for 11.20.30.40: a longest-prefix
//!   match among the 10,000 routes, answered by `inet_rtm_getroute`.
//! - `addr_add_del`: RTM_NEWADDR of 10.9.9.1/24 on the veth then its
//!   RTM_DELADDR, each acked: the address, its three routes and their
//!   notifications, then their removal. Two requests per iteration.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use rtnlsim::wire::uapi::if_link::{IFLA_EXT_MASK, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_LINKINFO, IFLA_MTU};
use rtnlsim::wire::uapi::if_link::{IFLA_IFNAME, VETH_INFO_PEER};
use rtnlsim::wire::uapi::netlink::{NLMSG_ERROR, NLMSG_NOOP, NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST};
use rtnlsim::wire::uapi::rtnetlink::{
    RTEXT_FILTER_SKIP_STATS, RTM_DELADDR, RTM_DELROUTE, RTM_GETLINK, RTM_GETROUTE, RTM_NEWADDR, RTM_NEWLINK,
    RTM_NEWROUTE,
};
use rtnlsim::wire::SkBuff;
use rtnlsim::{Config, Kernel, NetlinkSocket, SockaddrNl};

const ROUTE: u32 = rtnlsim::wire::uapi::netlink::NETLINK_ROUTE;

/// One message: header, a 16-byte ifinfomsg for `index`, and `attrs`.
fn request(ty: u16, flags: u16, index: i32, attrs: impl FnOnce(&mut SkBuff)) -> Vec<u8> {
    let mut skb = SkBuff::with_tailroom(512);
    let nlh = skb.nlmsg_put(0, 1, ty, 16, flags).expect("room");
    skb.nlmsg_data_mut(nlh)[4..8].copy_from_slice(&index.to_ne_bytes());
    attrs(&mut skb);
    skb.nlmsg_end(nlh);
    skb.into_vec()
}

/// One request's answer, checked before anything is timed: the type of its
/// first message and, for NLMSG_ERROR, the error, so that a regression
/// cannot turn a case into a cheaper error path unnoticed.
fn expect_answer(s: &NetlinkSocket, req: &[u8], ty: u16, errno: i32, len: Option<usize>) -> Vec<u8> {
    s.send(req, 0).expect("send");
    let (d, _) = s.recv_datagram(0).expect("an answer");
    let got_ty = u16::from_ne_bytes([d[4], d[5]]);
    assert_eq!(got_ty, ty, "answer type");
    if ty == NLMSG_ERROR {
        assert_eq!(i32::from_ne_bytes([d[16], d[17], d[18], d[19]]), errno, "answer errno");
    }
    if let Some(len) = len {
        assert_eq!(d.len(), len, "answer length");
    }
    d
}

fn socket(k: &Kernel) -> NetlinkSocket {
    let s = k.init_net().socket(ROUTE).expect("socket");
    s.bind(&SockaddrNl::new(0, 0)).expect("bind");
    s
}

fn dispatch(c: &mut Criterion) {
    let k = Kernel::new(Config::default());
    let s = socket(&k);
    let mut buf = vec![0u8; 32768];
    let mut g = c.benchmark_group("dispatch");
    g.throughput(Throughput::Elements(1));

    let noop = request(NLMSG_NOOP, NLM_F_REQUEST, 0, |_| {});
    s.send(&noop, 0).expect("send");
    assert_eq!(s.queued(), 0, "a NOOP without ACK is answered by nothing");
    g.bench_function("noop", |b| b.iter(|| s.send(black_box(&noop), 0).expect("send")));

    let bad = request(124, NLM_F_REQUEST, 0, |_| {});
    // The error copies the whole 32-byte request: 16 + 4 + 32 bytes.
    expect_answer(&s, &bad, NLMSG_ERROR, -95, Some(52));
    g.bench_function("eopnotsupp_ack", |b| {
        b.iter(|| {
            s.send(black_box(&bad), 0).expect("send");
            s.recv(&mut buf, 0).expect("recv")
        })
    });

    let getlink = request(RTM_GETLINK, NLM_F_REQUEST, 1, |skb| {
        skb.nla_put_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS).expect("room");
    });
    expect_answer(&s, &getlink, RTM_NEWLINK, 0, Some(1100));
    g.bench_function("getlink_lo", |b| {
        b.iter(|| {
            s.send(black_box(&getlink), 0).expect("send");
            s.recv(&mut buf, 0).expect("recv")
        })
    });

    let create = request(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, 0, |skb| {
        skb.nla_put_string(IFLA_IFNAME, "v0").expect("room");
        let li = skb.nla_nest_start_noflag(IFLA_LINKINFO).expect("room");
        skb.nla_put_string(IFLA_INFO_KIND, "veth").expect("room");
        let data = skb.nla_nest_start_noflag(IFLA_INFO_DATA).expect("room");
        let peer = skb.nla_nest_start_noflag(VETH_INFO_PEER).expect("room");
        skb.put_data(&[0u8; 16]).expect("room");
        skb.nla_put_string(IFLA_IFNAME, "v1").expect("room");
        skb.nla_nest_end(peer);
        skb.nla_nest_end(data);
        skb.nla_nest_end(li);
    });
    expect_answer(&s, &create, NLMSG_ERROR, 0, None);
    let by_name = request(RTM_GETLINK, NLM_F_REQUEST, 0, |skb| {
        skb.nla_put_string(IFLA_IFNAME, "v0").expect("room");
    });
    let v0_msg = expect_answer(&s, &by_name, RTM_NEWLINK, 0, None);
    let v0 = i32::from_ne_bytes([v0_msg[20], v0_msg[21], v0_msg[22], v0_msg[23]]);
    let mtu = |m: u32| {
        request(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, v0, move |skb| {
            skb.nla_put_u32(IFLA_MTU, m).expect("room");
        })
    };
    let (a, b2) = (mtu(1400), mtu(1500));
    expect_answer(&s, &a, NLMSG_ERROR, 0, None);
    expect_answer(&s, &b2, NLMSG_ERROR, 0, None);
    let mut flip = false;
    g.bench_function("setlink_mtu", |b| {
        b.iter(|| {
            flip = !flip;
            s.send(black_box(if flip { &a } else { &b2 }), 0).expect("send");
            s.recv(&mut buf, 0).expect("recv")
        })
    });
    g.finish();
}

/// One message with a family header (`rtmsg`, `ifaddrmsg`) and attributes.
fn request_with(ty: u16, flags: u16, hdr: &[u8], attrs: impl FnOnce(&mut SkBuff)) -> Vec<u8> {
    let mut skb = SkBuff::with_tailroom(512);
    let nlh = skb.nlmsg_put(0, 1, ty, hdr.len(), flags).expect("room");
    skb.nlmsg_data_mut(nlh).copy_from_slice(hdr);
    attrs(&mut skb);
    skb.nlmsg_end(nlh);
    skb.into_vec()
}

/// `struct rtmsg` for an IPv4 unicast route of the main table.
fn rtmsg(dst_len: u8) -> [u8; 12] {
    [2, dst_len, 0, 0, 254, 4, 0, 1, 0, 0, 0, 0]
}

fn fib(c: &mut Criterion) {
    const RTA_DST: u16 = 1;
    const RTA_GATEWAY: u16 = 5;
    const IFA_LOCAL: u16 = 2;
    let add = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
    let ack = NLM_F_REQUEST | NLM_F_ACK;
    let k = Kernel::new(Config::default());
    let s = socket(&k);
    let mut buf = vec![0u8; 32768];
    let create = request(RTM_NEWLINK, add, 0, |skb| {
        skb.nla_put_string(IFLA_IFNAME, "v0").expect("room");
        let li = skb.nla_nest_start_noflag(IFLA_LINKINFO).expect("room");
        skb.nla_put_string(IFLA_INFO_KIND, "veth").expect("room");
        let data = skb.nla_nest_start_noflag(IFLA_INFO_DATA).expect("room");
        let peer = skb.nla_nest_start_noflag(VETH_INFO_PEER).expect("room");
        skb.put_data(&[0u8; 16]).expect("room");
        skb.nla_put_string(IFLA_IFNAME, "v1").expect("room");
        skb.nla_nest_end(peer);
        skb.nla_nest_end(data);
        skb.nla_nest_end(li);
    });
    expect_answer(&s, &create, NLMSG_ERROR, 0, None);
    // v1 is 2, v0 is 3: both up, then v0 gets 10.3.3.1/24.
    for index in [2, 3] {
        let mut up = request(RTM_NEWLINK, ack, index, |_| {});
        up[24..32].copy_from_slice(&[1, 0, 0, 0, 1, 0, 0, 0]);
        expect_answer(&s, &up, NLMSG_ERROR, 0, None);
    }
    let ifaddr = |a: [u8; 4], index: u32| {
        let mut h = [2u8, 24, 0, 0, 0, 0, 0, 0];
        h[4..8].copy_from_slice(&index.to_ne_bytes());
        (h, a)
    };
    let (h, a) = ifaddr([10, 3, 3, 1], 3);
    let addr = request_with(RTM_NEWADDR, add, &h, |skb| {
        skb.nla_put(IFA_LOCAL, &a).expect("room");
    });
    expect_answer(&s, &addr, NLMSG_ERROR, 0, None);
    for i in 0..10_000u32 {
        let dst = [11, (i / 256) as u8, (i % 256) as u8, 0];
        let r = request_with(RTM_NEWROUTE, add, &rtmsg(24), |skb| {
            skb.nla_put(RTA_DST, &dst).expect("room");
            skb.nla_put(RTA_GATEWAY, &[10, 3, 3, 2]).expect("room");
        });
        s.send(&r, 0).expect("send");
        s.recv(&mut buf, 0).expect("recv");
        assert_eq!(i32::from_ne_bytes([buf[16], buf[17], buf[18], buf[19]]), 0, "route {i} added");
    }

    let mut g = c.benchmark_group("fib");
    let route = |ty: u16, flags: u16| {
        request_with(ty, flags, &rtmsg(24), |skb| {
            skb.nla_put(RTA_DST, &[192, 0, 2, 0]).expect("room");
            skb.nla_put(RTA_GATEWAY, &[10, 3, 3, 2]).expect("room");
        })
    };
    let (radd, rdel) = (route(RTM_NEWROUTE, add), route(RTM_DELROUTE, ack));
    expect_answer(&s, &radd, NLMSG_ERROR, 0, None);
    expect_answer(&s, &rdel, NLMSG_ERROR, 0, None);
    g.throughput(Throughput::Elements(2));
    g.bench_function("route_add_del", |b| {
        b.iter(|| {
            s.send(black_box(&radd), 0).expect("send");
            s.recv(&mut buf, 0).expect("recv");
            s.send(black_box(&rdel), 0).expect("send");
            s.recv(&mut buf, 0).expect("recv")
        })
    });

    let mut lookup_hdr = rtmsg(32);
    lookup_hdr[4] = 0;
    let lookup = request_with(RTM_GETROUTE, NLM_F_REQUEST, &lookup_hdr, |skb| {
        skb.nla_put(RTA_DST, &[11, 20, 30, 40]).expect("room");
    });
    let answer = expect_answer(&s, &lookup, RTM_NEWROUTE, 0, None);
    assert_eq!(answer[16 + 4], 254, "found in main");
    g.throughput(Throughput::Elements(1));
    g.bench_function("getroute_lpm", |b| {
        b.iter(|| {
            s.send(black_box(&lookup), 0).expect("send");
            s.recv(&mut buf, 0).expect("recv")
        })
    });

    let (h, a) = ifaddr([10, 9, 9, 1], 3);
    let aadd = request_with(RTM_NEWADDR, add, &h, |skb| {
        skb.nla_put(IFA_LOCAL, &a).expect("room");
    });
    let adel = request_with(RTM_DELADDR, ack, &h, |skb| {
        skb.nla_put(IFA_LOCAL, &a).expect("room");
    });
    expect_answer(&s, &aadd, NLMSG_ERROR, 0, None);
    expect_answer(&s, &adel, NLMSG_ERROR, 0, None);
    g.throughput(Throughput::Elements(2));
    g.bench_function("addr_add_del", |b| {
        b.iter(|| {
            s.send(black_box(&aadd), 0).expect("send");
            s.recv(&mut buf, 0).expect("recv");
            s.send(black_box(&adel), 0).expect("send");
            s.recv(&mut buf, 0).expect("recv")
        })
    });
    g.finish();
}

criterion_group!(benches, dispatch, fib);
criterion_main!(benches);
