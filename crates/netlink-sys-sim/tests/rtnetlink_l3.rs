//! The `rtnetlink` crate (0.24, netlink-packet-route decoding) driving the
//! simulated kernel's addresses, routes and neighbours through `SimSocket`:
//! a veth pair made, addressed, routed, read back, its neighbours set and
//! its notifications watched (RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV4_ROUTE on
//! the message stream of a connection subscribed through `SimSocket::sim()`).
//! What the kernel answers here — which routes an address brings, their
//! order, the errnos — is what the live kernel answered to the same calls
//! made by pyroute2 (`crates/preload/tests/scripts/pyroute2_l3.real`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use futures::channel::mpsc::UnboundedReceiver;
use futures::executor::LocalPool;
use futures::task::LocalSpawnExt;
use futures::{StreamExt, TryStreamExt};
use rtnetlink::packet_core::{NetlinkMessage, NetlinkPayload};
use rtnetlink::packet_route::address::{AddressAttribute, AddressHeaderFlags, AddressMessage};
use rtnetlink::packet_route::neighbour::{NeighbourAddress, NeighbourAttribute, NeighbourMessage, NeighbourState};
use rtnetlink::packet_route::route::{RouteAddress, RouteAttribute, RouteMessage, RouteType};
use rtnetlink::packet_route::RouteNetlinkMessage;
use rtnetlink::sys::SocketAddr;
use rtnetlink::{Handle, LinkUnspec, LinkVeth, RouteMessageBuilder};
use rtnlsim_kernel::{Config, Kernel, NetRef};
use rtnlsim_netlink_sys::SimSocket;

type Messages = UnboundedReceiver<(NetlinkMessage<RouteNetlinkMessage>, SocketAddr)>;

const RTMGRP_IPV4_IFADDR: u32 = 0x10;
const RTMGRP_IPV4_ROUTE: u32 = 0x40;

fn connect(pool: &LocalPool, socket: SimSocket) -> (Handle, Messages) {
    let (conn, handle, messages) = rtnetlink::from_socket(socket);
    pool.spawner().spawn_local(conn).expect("spawn");
    (handle, messages)
}

fn kernel() -> (Kernel, NetRef) {
    let k = Kernel::new(Config::default());
    let net = k.init_net();
    (k, net)
}

fn errno(e: rtnetlink::Error) -> i32 {
    match e {
        rtnetlink::Error::NetlinkError(m) => m.code.map_or(0, |c| c.get()),
        other => panic!("not a netlink error: {other}"),
    }
}

fn v4(a: &str) -> Ipv4Addr {
    a.parse().expect("an IPv4 address")
}

fn v6(a: &str) -> Ipv6Addr {
    a.parse().expect("an IPv6 address")
}

/// An address as `ip` would name it: "IFINDEX ADDR/LEN [brd B] [label L] [secondary]".
fn addr(m: &AddressMessage) -> String {
    let mut s = String::new();
    let mut local = None;
    let mut address = None;
    let mut rest = String::new();
    for a in &m.attributes {
        match a {
            AddressAttribute::Local(l) => local = Some(*l),
            AddressAttribute::Address(l) => address = Some(*l),
            AddressAttribute::Broadcast(b) => rest.push_str(&format!(" brd {b}")),
            AddressAttribute::Label(l) => rest.push_str(&format!(" label {l}")),
            _ => {}
        }
    }
    let shown = local.or(address).map_or_else(|| "?".into(), |a| a.to_string());
    s.push_str(&format!("{} {shown}/{}{rest}", m.header.index, m.header.prefix_len));
    if m.header.flags.contains(AddressHeaderFlags::Secondary) {
        s.push_str(" secondary");
    }
    s
}

fn route_addr(a: &RouteAddress) -> String {
    match a {
        RouteAddress::Inet(a) => a.to_string(),
        RouteAddress::Inet6(a) => a.to_string(),
        other => format!("{other:?}"),
    }
}

/// A route as "TABLE TYPE DST/LEN [via GW] [oif N] [src S] [metric M] PROTO".
fn route(m: &RouteMessage) -> String {
    let mut table = u32::from(m.header.table);
    let (mut dst, mut gw, mut oif, mut src, mut metric) = (None, None, None, None, None);
    for a in &m.attributes {
        match a {
            RouteAttribute::Table(t) => table = *t,
            RouteAttribute::Destination(d) => dst = Some(route_addr(d)),
            RouteAttribute::Gateway(g) => gw = Some(route_addr(g)),
            RouteAttribute::Oif(o) => oif = Some(*o),
            RouteAttribute::PrefSource(p) => src = Some(route_addr(p)),
            RouteAttribute::Priority(p) => metric = Some(*p),
            _ => {}
        }
    }
    let mut s = format!(
        "{table} {:?} {}/{}",
        m.header.kind,
        dst.unwrap_or_else(|| "default".into()),
        m.header.destination_prefix_length
    );
    if let Some(g) = gw {
        s.push_str(&format!(" via {g}"));
    }
    if let Some(o) = oif {
        s.push_str(&format!(" oif {o}"));
    }
    if let Some(p) = src {
        s.push_str(&format!(" src {p}"));
    }
    if let Some(p) = metric {
        s.push_str(&format!(" metric {p}"));
    }
    s.push_str(&format!(" {:?}", m.header.protocol));
    s
}

/// A neighbour as "IFINDEX DST LLADDR STATE".
fn neigh(m: &NeighbourMessage) -> String {
    let (mut dst, mut ll) = (String::new(), String::new());
    for a in &m.attributes {
        match a {
            NeighbourAttribute::Destination(NeighbourAddress::Inet(a)) => dst = a.to_string(),
            NeighbourAttribute::Destination(NeighbourAddress::Inet6(a)) => dst = a.to_string(),
            NeighbourAttribute::LinkLayerAddress(l) => {
                ll = l.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":");
            }
            _ => {}
        }
    }
    format!("{} {dst} {ll} {:?}", m.header.ifindex, m.header.state)
}

async fn addresses(handle: &Handle, index: u32) -> Vec<String> {
    let s = handle.address().get().set_link_index_filter(index).execute();
    s.map_ok(|m| addr(&m)).try_collect().await.expect("address dump")
}

/// Every IPv4 route of `table`, in the kernel's dump order.
async fn routes(handle: &Handle, table: u32) -> Vec<String> {
    let all: Vec<RouteMessage> =
        handle.route().get(RouteMessageBuilder::<Ipv4Addr>::new().build()).execute().try_collect().await.expect("dump");
    all.iter().filter(|m| route(m).starts_with(&format!("{table} "))).map(route).collect()
}

async fn routes6(handle: &Handle) -> Vec<String> {
    let all: Vec<RouteMessage> =
        handle.route().get(RouteMessageBuilder::<Ipv6Addr>::new().build()).execute().try_collect().await.expect("dump");
    // The link-local prefixes (no `addrgenmode none` here) are left out.
    all.iter().map(route).filter(|r| r.starts_with("254 ") && !r.contains("fe80::")).collect()
}

/// Neighbours, sorted: the live kernel lists them in a randomly seeded hash order.
async fn neighbours(handle: &Handle) -> Vec<String> {
    let all: Vec<NeighbourMessage> = handle.neighbours().get().execute().try_collect().await.expect("neighbour dump");
    let mut v: Vec<String> = all.iter().filter(|m| m.header.state != NeighbourState::Noarp).map(neigh).collect();
    v.sort();
    v
}

/// v0 (index 3) and its peer v1 (index 2), both up.
async fn veth_pair(handle: &Handle) -> (u32, u32) {
    handle.link().add(LinkVeth::new("v0", "v1").build()).execute().await.expect("add veth");
    let (v1, v0) = (2, 3);
    for i in [v0, v1] {
        handle.link().set(LinkUnspec::new_with_index(i).up().build()).execute().await.expect("up");
    }
    (v0, v1)
}

#[test]
fn a_veth_pair_addressed_routed_read_back_and_emptied() {
    let (_k, net) = kernel();
    let mut pool = LocalPool::new();
    let (handle, _) = connect(&pool, SimSocket::new(&net).expect("socket"));
    pool.run_until(async {
        let (v0, v1) = veth_pair(&handle).await;

        // Addresses: the second in a subnet is secondary; the same one again is EEXIST.
        handle.address().add(v0, IpAddr::V4(v4("10.0.0.1")), 24).execute().await.expect("10.0.0.1");
        handle.address().add(v0, IpAddr::V4(v4("10.0.0.2")), 24).execute().await.expect("10.0.0.2");
        handle.address().add(v1, IpAddr::V4(v4("192.168.5.1")), 32).execute().await.expect("192.168.5.1");
        let mut six = handle.address().add(v0, IpAddr::V6(v6("2001:db8::1")), 64);
        six.message_mut().header.flags = AddressHeaderFlags::Nodad;
        six.execute().await.expect("2001:db8::1");
        let again = handle.address().add(v0, IpAddr::V4(v4("10.0.0.1")), 24).execute().await;
        assert_eq!(errno(again.expect_err("exists")), -17, "EEXIST");
        let nodev = handle.address().add(99, IpAddr::V4(v4("10.0.0.9")), 24).execute().await;
        assert_eq!(errno(nodev.expect_err("no device")), -19, "ENODEV");
        let v0_addrs = addresses(&handle, v0).await;
        assert_eq!(
            v0_addrs.iter().filter(|a| !a.contains("fe80::")).cloned().collect::<Vec<_>>(),
            vec![
                "3 10.0.0.1/24 brd 10.0.0.255 label v0",
                "3 10.0.0.2/24 brd 10.0.0.255 label v0 secondary",
                "3 2001:db8::1/64",
            ]
        );
        assert_eq!(addresses(&handle, v1).await.first().map(String::as_str), Some("2 192.168.5.1/32 label v1"));

        // Routes: a gateway, a numbered table, a blackhole, IPv6; the errors.
        let via = |dst: &str, len, gw: &str| {
            RouteMessageBuilder::<Ipv4Addr>::new().destination_prefix(v4(dst), len).gateway(v4(gw)).build()
        };
        handle.route().add(via("10.1.0.0", 16, "10.0.0.254")).execute().await.expect("via");
        handle
            .route()
            .add(
                RouteMessageBuilder::<Ipv4Addr>::new()
                    .destination_prefix(v4("10.2.0.0"), 16)
                    .output_interface(v0)
                    .priority(50)
                    .build(),
            )
            .execute()
            .await
            .expect("dev");
        handle
            .route()
            .add(
                RouteMessageBuilder::<Ipv4Addr>::new()
                    .destination_prefix(v4("10.7.0.0"), 16)
                    .gateway(v4("10.0.0.253"))
                    .table_id(100)
                    .build(),
            )
            .execute()
            .await
            .expect("table 100");
        handle
            .route()
            .add(
                RouteMessageBuilder::<Ipv4Addr>::new()
                    .destination_prefix(v4("10.4.0.0"), 16)
                    .kind(RouteType::BlackHole)
                    .build(),
            )
            .execute()
            .await
            .expect("blackhole");
        handle
            .route()
            .add(
                RouteMessageBuilder::<Ipv6Addr>::new()
                    .destination_prefix(v6("2001:db8:5::"), 48)
                    .gateway(v6("2001:db8::fe"))
                    .build(),
            )
            .execute()
            .await
            .expect("IPv6 via");
        let again = handle.route().add(via("10.1.0.0", 16, "10.0.0.254")).execute().await;
        assert_eq!(errno(again.expect_err("exists")), -17, "EEXIST");
        let unreachable = handle.route().add(via("10.3.0.0", 16, "10.9.9.9")).execute().await;
        assert_eq!(errno(unreachable.expect_err("no route to the gateway")), -101, "ENETUNREACH");
        assert_eq!(
            routes(&handle, 254).await,
            vec![
                "254 Unicast 10.0.0.0/24 oif 3 src 10.0.0.1 Kernel",
                "254 Unicast 10.1.0.0/16 via 10.0.0.254 oif 3 Static",
                "254 Unicast 10.2.0.0/16 oif 3 metric 50 Static",
                "254 BlackHole 10.4.0.0/16 Static",
            ]
        );
        assert_eq!(routes(&handle, 100).await, vec!["100 Unicast 10.7.0.0/16 via 10.0.0.253 oif 3 Static"]);
        assert_eq!(
            routes(&handle, 255).await,
            vec![
                "255 Local 10.0.0.1/32 oif 3 src 10.0.0.1 Kernel",
                "255 Local 10.0.0.2/32 oif 3 src 10.0.0.1 Kernel",
                "255 Broadcast 10.0.0.255/32 oif 3 src 10.0.0.1 Kernel",
                "255 Local 192.168.5.1/32 oif 2 src 192.168.5.1 Kernel",
            ]
        );
        assert_eq!(
            routes6(&handle).await,
            vec![
                "254 Unicast 2001:db8::/64 oif 3 metric 256 Kernel",
                "254 Unicast 2001:db8:5::/48 via 2001:db8::fe oif 3 metric 1024 Static",
            ]
        );

        // Replace, then a lookup (RTM_GETROUTE with a destination: no dump).
        handle.route().add(via("10.1.0.0", 16, "10.0.0.253")).replace().execute().await.expect("replace");
        let got: Vec<RouteMessage> = handle
            .route()
            .get(RouteMessageBuilder::<Ipv4Addr>::new().destination_prefix(v4("10.1.2.3"), 32).build())
            .execute()
            .try_collect()
            .await
            .expect("route get");
        assert_eq!(
            got.iter().map(route).collect::<Vec<_>>(),
            vec!["254 Unicast 10.1.2.3/32 via 10.0.0.253 oif 3 src 10.0.0.1 Unspec"]
        );
        handle.route().del(via("10.1.0.0", 16, "10.0.0.253")).execute().await.expect("del");
        let gone = handle.route().del(via("10.1.0.0", 16, "10.0.0.253")).execute().await;
        assert_eq!(errno(gone.expect_err("gone")), -3, "ESRCH");

        // Neighbours: permanent, reachable, stale; IPv4 and IPv6.
        let mac = |b: u8| [2, 0, 0, 0, 0, b];
        let n = handle.neighbours();
        n.add(v0, IpAddr::V4(v4("10.0.0.2"))).link_layer_address(&mac(2)).execute().await.expect("permanent");
        n.add(v0, IpAddr::V4(v4("10.0.0.3")))
            .link_layer_address(&mac(3))
            .state(NeighbourState::Reachable)
            .execute()
            .await
            .expect("reachable");
        n.add(v0, IpAddr::V6(v6("2001:db8::2")))
            .link_layer_address(&mac(2))
            .state(NeighbourState::Stale)
            .execute()
            .await
            .expect("stale");
        let again = n.add(v0, IpAddr::V4(v4("10.0.0.2"))).link_layer_address(&mac(2)).execute().await;
        assert_eq!(errno(again.expect_err("exists")), -17, "EEXIST");
        assert_eq!(
            neighbours(&handle).await,
            vec![
                "3 10.0.0.2 02:00:00:00:00:02 Permanent",
                "3 10.0.0.3 02:00:00:00:00:03 Reachable",
                "3 2001:db8::2 02:00:00:00:00:02 Stale",
            ]
        );
        let all: Vec<NeighbourMessage> = n.get().execute().try_collect().await.expect("dump");
        let first = all.into_iter().find(|m| neigh(m).starts_with("3 10.0.0.2 ")).expect("10.0.0.2");
        n.del(first.clone()).execute().await.expect("del");
        assert_eq!(errno(n.del(first).execute().await.expect_err("gone")), -2, "ENOENT");
        assert_eq!(neighbours(&handle).await.len(), 2);

        // Deleting the primary takes its secondary and the subnet's routes.
        let all: Vec<AddressMessage> = handle.address().get().execute().try_collect().await.expect("dump");
        let primary = all.into_iter().find(|m| addr(m).starts_with("3 10.0.0.1/")).expect("primary");
        handle.address().del(primary.clone()).execute().await.expect("del");
        assert_eq!(errno(handle.address().del(primary).execute().await.expect_err("gone")), -99, "EADDRNOTAVAIL");
        assert!(addresses(&handle, v0).await.iter().all(|a| !a.contains("10.0.0.")));
        assert_eq!(routes(&handle, 254).await, vec!["254 BlackHole 10.4.0.0/16 Static"]);
    });
}

/// The next address or route notification: ("NEWADDR" | "DELADDR" | "NEWROUTE" | "DELROUTE", text, group).
async fn next_event(messages: &mut Messages) -> (&'static str, String, u32) {
    loop {
        let (msg, from) = messages.next().await.expect("the stream goes on");
        assert_eq!(from.port_number(), 0, "from the kernel");
        let g = from.multicast_groups();
        match msg.payload {
            NetlinkPayload::InnerMessage(RouteNetlinkMessage::NewAddress(m)) => return ("NEWADDR", addr(&m), g),
            NetlinkPayload::InnerMessage(RouteNetlinkMessage::DelAddress(m)) => return ("DELADDR", addr(&m), g),
            NetlinkPayload::InnerMessage(RouteNetlinkMessage::NewRoute(m)) => return ("NEWROUTE", route(&m), g),
            NetlinkPayload::InnerMessage(RouteNetlinkMessage::DelRoute(m)) => return ("DELROUTE", route(&m), g),
            _ => continue,
        }
    }
}

#[test]
fn address_and_route_notifications_come_out_of_the_message_stream() {
    let (_k, net) = kernel();
    let mut pool = LocalPool::new();
    let listener = SimSocket::new(&net).expect("socket");
    listener
        .sim()
        .bind(&nlwire::SockaddrNl::new(0, RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE))
        .expect("bind RTMGRP_IPV4_IFADDR|RTMGRP_IPV4_ROUTE");
    let (_lh, mut events) = connect(&pool, listener);
    let (handle, mut own) = connect(&pool, SimSocket::new(&net).expect("socket"));
    pool.run_until(async {
        let (v0, _) = veth_pair(&handle).await;
        // msg_name's nl_groups is the group's mask (netlink_group_mask).
        let (a, r) = (RTMGRP_IPV4_IFADDR, RTMGRP_IPV4_ROUTE);

        // An address, then the routes it brings, in the live kernel's order:
        // the local route, the explicit broadcast (rtnetlink sends
        // IFA_BROADCAST), the subnet (`ip monitor address route` on Linux
        // 6.18 after `ip addr add 10.0.0.1/24 brd + dev v0`).
        handle.address().add(v0, IpAddr::V4(v4("10.0.0.1")), 24).execute().await.expect("add");
        let mut seen = Vec::new();
        for _ in 0..4 {
            seen.push(next_event(&mut events).await);
        }
        assert_eq!(
            seen,
            vec![
                ("NEWADDR", "3 10.0.0.1/24 brd 10.0.0.255 label v0".to_string(), a),
                ("NEWROUTE", "255 Local 10.0.0.1/32 oif 3 src 10.0.0.1 Kernel".to_string(), r),
                ("NEWROUTE", "255 Broadcast 10.0.0.255/32 oif 3 src 10.0.0.1 Kernel".to_string(), r),
                ("NEWROUTE", "254 Unicast 10.0.0.0/24 oif 3 src 10.0.0.1 Kernel".to_string(), r),
            ]
        );

        // A route of the program's own, and its deletion.
        let via = RouteMessageBuilder::<Ipv4Addr>::new()
            .destination_prefix(v4("10.1.0.0"), 16)
            .gateway(v4("10.0.0.254"))
            .build();
        handle.route().add(via.clone()).execute().await.expect("route add");
        assert_eq!(
            next_event(&mut events).await,
            ("NEWROUTE", "254 Unicast 10.1.0.0/16 via 10.0.0.254 oif 3 Static".into(), r)
        );
        handle.route().del(via).execute().await.expect("route del");
        assert_eq!(
            next_event(&mut events).await,
            ("DELROUTE", "254 Unicast 10.1.0.0/16 via 10.0.0.254 oif 3 Static".into(), r)
        );

        // The address goes, and its routes after it.
        let all: Vec<AddressMessage> = handle.address().get().execute().try_collect().await.expect("dump");
        let a1 = all.into_iter().find(|m| addr(m).starts_with("3 10.0.0.1/")).expect("10.0.0.1");
        handle.address().del(a1).execute().await.expect("del");
        let mut gone = Vec::new();
        for _ in 0..4 {
            gone.push(next_event(&mut events).await);
        }
        assert_eq!(
            gone,
            vec![
                ("DELADDR", "3 10.0.0.1/24 brd 10.0.0.255 label v0".to_string(), a),
                ("DELROUTE", "254 Unicast 10.0.0.0/24 oif 3 src 10.0.0.1 Kernel".to_string(), r),
                ("DELROUTE", "255 Broadcast 10.0.0.255/32 oif 3 src 10.0.0.1 Kernel".to_string(), r),
                ("DELROUTE", "255 Local 10.0.0.1/32 oif 3 src 10.0.0.1 Kernel".to_string(), r),
            ]
        );
    });
    // The requesting connection is not subscribed: nothing unasked came to it.
    assert!(own.try_recv().is_err(), "no message for an unsubscribed connection");
}

/// The README's in-process example, as written there.
#[test]
fn the_readme_example_runs() -> Result<(), std::io::Error> {
    let kernel = Kernel::new(Config::default());
    let socket = SimSocket::new(&kernel.init_net())?;
    let (connection, handle, _messages) = rtnetlink::from_socket(socket);
    let mut pool = LocalPool::new();
    pool.spawner().spawn_local(connection).unwrap();
    pool.run_until(async {
        handle.link().add(rtnetlink::LinkVeth::new("v0", "v1").build()).execute().await.unwrap();
        let v0 = handle.link().get().match_name("v0").execute().try_next().await.unwrap().unwrap();
        assert_eq!(v0.header.index, 3);
        handle.link().set(rtnetlink::LinkUnspec::new_with_index(3).up().build()).execute().await.unwrap();
        handle.address().add(3, "10.0.0.1".parse().unwrap(), 24).execute().await.unwrap();
        let route = rtnetlink::RouteMessageBuilder::<std::net::Ipv4Addr>::new()
            .destination_prefix("10.1.0.0".parse().unwrap(), 16)
            .gateway("10.0.0.254".parse().unwrap())
            .build();
        handle.route().add(route).execute().await.unwrap();
        assert_eq!(routes(&handle, 254).await[1], "254 Unicast 10.1.0.0/16 via 10.0.0.254 oif 3 Static");
    });
    Ok(())
}
