//! Request dispatch through the simulated kernel, measured with criterion.
//!
//! Each case is one request round trip on a bound NETLINK_ROUTE socket, the
//! way a client does it: `send` (which runs `netlink_sendmsg →
//! netlink_unicast → rtnetlink_rcv → netlink_rcv_skb → rtnetlink_rcv_msg →
//! handler` on this thread) and, where the kernel answers, one `recv` into a
//! reused buffer. No subscriber is installed, so the tracing spans cost only
//! their disabled-callsite check.
//!
//! - `noop`: NLMSG_NOOP without NLM_F_ACK — netlink_rcv_skb skips it, nothing
//!   is queued: the floor of a round trip.
//! - `eopnotsupp_ack`: type 124 (> RTM_MAX): `rtnetlink_rcv_msg` refuses it
//!   and `netlink_ack` queues the error, which is received.
//! - `getlink_lo`: RTM_GETLINK doit for ifindex 1 with RTEXT_FILTER_SKIP_STATS,
//!   answered with one 1100-byte RTM_NEWLINK built by `rtnl_fill_ifinfo`.
//! - `setlink_mtu`: RTM_NEWLINK changing a veth's MTU back and forth under
//!   rtnl_mutex, with NLM_F_ACK: `do_setlink`, `dev_set_mtu`, the NETDEV
//!   notifiers and an RTM_NEWLINK to RTNLGRP_LINK (no listener), then the ack.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use rtnlsim::wire::uapi::if_link::{IFLA_EXT_MASK, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_LINKINFO, IFLA_MTU};
use rtnlsim::wire::uapi::if_link::{IFLA_IFNAME, VETH_INFO_PEER};
use rtnlsim::wire::uapi::netlink::{NLMSG_NOOP, NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST};
use rtnlsim::wire::uapi::rtnetlink::{RTEXT_FILTER_SKIP_STATS, RTM_GETLINK, RTM_NEWLINK};
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
    g.bench_function("noop", |b| b.iter(|| s.send(black_box(&noop), 0).expect("send")));

    let bad = request(124, NLM_F_REQUEST, 0, |_| {});
    g.bench_function("eopnotsupp_ack", |b| {
        b.iter(|| {
            s.send(black_box(&bad), 0).expect("send");
            s.recv(&mut buf, 0).expect("recv")
        })
    });

    let getlink = request(RTM_GETLINK, NLM_F_REQUEST, 1, |skb| {
        skb.nla_put_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS).expect("room");
    });
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
    s.send(&create, 0).expect("create v0");
    s.recv(&mut buf, 0).expect("ack");
    let v0 = 3; // the peer registers first (ifindex 2), then v0
    let mtu = |m: u32| {
        request(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, v0, move |skb| {
            skb.nla_put_u32(IFLA_MTU, m).expect("room");
        })
    };
    let (a, b2) = (mtu(1400), mtu(1500));
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

criterion_group!(benches, dispatch);
criterion_main!(benches);
