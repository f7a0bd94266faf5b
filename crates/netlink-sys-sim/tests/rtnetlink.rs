//! The `rtnetlink` crate (0.24, with netlink-packet-route as the
//! independent client of the wire) driving the simulated kernel through
//! `SimSocket`, on `futures`' executor (no tokio): links added, read back,
//! changed and deleted, the kernel's errors as `NetlinkError`s, and another
//! connection's notifications arriving on its message stream.

use futures::channel::mpsc::UnboundedReceiver;
use futures::executor::LocalPool;
use futures::task::LocalSpawnExt;
use futures::{StreamExt, TryStreamExt};
use rtnetlink::packet_core::{NetlinkMessage, NetlinkPayload};
use rtnetlink::packet_route::link::{LinkAttribute, LinkMessage};
use rtnetlink::packet_route::RouteNetlinkMessage;
use rtnetlink::sys::SocketAddr;
use rtnetlink::{Handle, LinkBridge, LinkUnspec, LinkVeth};
use rtnlsim_kernel::{Config, Kernel, NetRef};
use rtnlsim_netlink_sys::SimSocket;

type Messages = UnboundedReceiver<(NetlinkMessage<RouteNetlinkMessage>, SocketAddr)>;

/// A connection to `net`, spawned on `pool`.
fn connect(pool: &LocalPool, socket: SimSocket) -> (Handle, Messages) {
    let (conn, handle, messages) = rtnetlink::from_socket(socket);
    pool.spawner().spawn_local(conn).expect("spawn");
    (handle, messages)
}

fn name(m: &LinkMessage) -> Option<String> {
    m.attributes.iter().find_map(|a| match a {
        LinkAttribute::IfName(n) => Some(n.clone()),
        _ => None,
    })
}

fn mtu(m: &LinkMessage) -> Option<u32> {
    m.attributes.iter().find_map(|a| match a {
        LinkAttribute::Mtu(n) => Some(*n),
        _ => None,
    })
}

fn controller(m: &LinkMessage) -> Option<u32> {
    m.attributes.iter().find_map(|a| match a {
        LinkAttribute::Controller(n) => Some(*n),
        _ => None,
    })
}

async fn link(handle: &Handle, n: &str) -> Result<LinkMessage, rtnetlink::Error> {
    let mut s = handle.link().get().match_name(n.to_string()).execute();
    match s.try_next().await {
        Ok(Some(m)) => Ok(m),
        Ok(None) => Err(rtnetlink::Error::RequestFailed),
        Err(e) => Err(e),
    }
}

fn errno(e: rtnetlink::Error) -> i32 {
    match e {
        rtnetlink::Error::NetlinkError(m) => m.code.map_or(0, |c| c.get()),
        other => panic!("not a netlink error: {other}"),
    }
}

/// The next RTM_NEWLINK / RTM_DELLINK on `messages`: (is_new, name, mtu).
async fn next_link_event(messages: &mut Messages) -> (bool, Option<String>, Option<u32>, SocketAddr) {
    loop {
        let (msg, from) = messages.next().await.expect("the stream goes on");
        match msg.payload {
            NetlinkPayload::InnerMessage(RouteNetlinkMessage::NewLink(m)) => return (true, name(&m), mtu(&m), from),
            NetlinkPayload::InnerMessage(RouteNetlinkMessage::DelLink(m)) => return (false, name(&m), mtu(&m), from),
            _ => continue,
        }
    }
}

fn kernel() -> (Kernel, NetRef) {
    let k = Kernel::new(Config::default());
    let net = k.init_net();
    (k, net)
}

#[test]
fn a_veth_pair_made_changed_read_back_and_deleted() {
    let (_k, net) = kernel();
    let mut pool = LocalPool::new();
    let (handle, _) = connect(&pool, SimSocket::new(&net).expect("socket"));
    pool.run_until(async {
        handle.link().add(LinkVeth::new("v0", "v1").build()).execute().await.expect("add veth");
        let v0 = link(&handle, "v0").await.expect("v0");
        let v1 = link(&handle, "v1").await.expect("v1");
        assert_eq!((name(&v0).as_deref(), mtu(&v0)), (Some("v0"), Some(1500)));
        assert_eq!(v1.header.index + 1, v0.header.index, "the peer is registered first");

        // The same name again: EEXIST, as the kernel answers.
        let e = handle.link().add(LinkVeth::new("v0", "v9").build()).execute().await.expect_err("exists");
        assert_eq!(errno(e), -17, "EEXIST");

        let idx = v0.header.index;
        handle.link().set(LinkUnspec::new_with_index(idx).mtu(1400).up().build()).execute().await.expect("set");
        handle.link().set(LinkUnspec::new_with_index(idx).name("veth0").build()).execute().await.expect("rename");
        let v0 = link(&handle, "veth0").await.expect("veth0");
        assert_eq!(mtu(&v0), Some(1400));
        assert_ne!(v0.header.flags.bits() & 1, 0, "IFF_UP");

        handle.link().add(LinkBridge::new("br0").build()).execute().await.expect("bridge");
        let br0 = link(&handle, "br0").await.expect("br0").header.index;
        handle.link().set(LinkUnspec::new_with_index(idx).controller(br0).build()).execute().await.expect("master");
        assert_eq!(controller(&link(&handle, "veth0").await.expect("veth0")), Some(br0));

        // A dump: every link, in index order.
        let names: Vec<_> =
            handle.link().get().execute().map_ok(|m| name(&m)).try_collect::<Vec<_>>().await.expect("dump");
        assert_eq!(names, vec![Some("lo".into()), Some("v1".into()), Some("veth0".into()), Some("br0".into())]);

        handle.link().del(idx).execute().await.expect("del");
        assert_eq!(errno(link(&handle, "v1").await.expect_err("the peer went too")), -19, "ENODEV");
        assert_eq!(errno(handle.link().del(idx).execute().await.expect_err("gone")), -19, "ENODEV");
    });
}

#[test]
fn notifications_come_out_of_the_message_stream() {
    let (_k, net) = kernel();
    let mut pool = LocalPool::new();
    // A listener on RTNLGRP_LINK, subscribed on the simulated socket itself.
    let listener = SimSocket::new(&net).expect("socket");
    listener.sim().bind(&nlwire::SockaddrNl::new(0, 1)).expect("bind RTMGRP_LINK");
    let (_lh, mut events) = connect(&pool, listener);
    let (handle, mut own) = connect(&pool, SimSocket::new(&net).expect("socket"));
    pool.run_until(async {
        handle.link().add(LinkBridge::new("br0").build()).execute().await.expect("add");
        let (new, n, _, from) = next_link_event(&mut events).await;
        assert!(new);
        assert_eq!(n.as_deref(), Some("br0"));
        assert_eq!((from.port_number(), from.multicast_groups()), (0, 1));
        let idx = link(&handle, "br0").await.expect("br0").header.index;
        handle.link().set(LinkUnspec::new_with_index(idx).mtu(1400).build()).execute().await.expect("mtu");
        assert_eq!(next_link_event(&mut events).await.2, Some(1400));
        handle.link().del(idx).execute().await.expect("del");
        loop {
            let (new, n, ..) = next_link_event(&mut events).await;
            if !new {
                assert_eq!(n.as_deref(), Some("br0"));
                break;
            }
        }
    });
    // The requesting connection is not subscribed: nothing unasked came to it.
    assert!(own.try_recv().is_err(), "no message for an unsubscribed connection");
}

#[test]
fn new_connection_with_socket_uses_the_default_namespace() {
    let (k, _) = kernel();
    let blue = k.netns_add("blue").expect("netns");
    SimSocket::set_default_net(Some(blue.clone()));
    let (conn, handle, _) = rtnetlink::new_connection_with_socket::<SimSocket>().expect("connection");
    SimSocket::set_default_net(None);
    let mut pool = LocalPool::new();
    pool.spawner().spawn_local(conn).expect("spawn");
    pool.run_until(async {
        handle.link().add(LinkBridge::new("b0").build()).execute().await.expect("add");
    });
    assert!(rtnlsim_kernel::net::core::dev::dev_get_by_name(&blue, "b0").is_some());
    assert!(rtnlsim_kernel::net::core::dev::dev_get_by_name(&k.init_net(), "b0").is_none());
    assert!(rtnetlink::new_connection_with_socket::<SimSocket>().is_err(), "no default namespace: an error");
}

#[test]
fn a_change_on_another_thread_wakes_the_waiting_task() {
    let (_k, net) = kernel();
    let listener = SimSocket::new(&net).expect("socket");
    listener.sim().bind(&nlwire::SockaddrNl::new(0, 1)).expect("bind RTMGRP_LINK");
    let (conn, _h, mut events) = rtnetlink::from_socket(listener);
    // The connection runs on a thread of its own, parked until woken.
    std::thread::spawn(move || futures::executor::block_on(conn));
    // Another thread, with its own connection and executor, makes the change
    // once this one is already waiting.
    let net2 = net.clone();
    let maker = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        let mut pool = LocalPool::new();
        let (handle, _) = connect(&pool, SimSocket::new(&net2).expect("socket"));
        pool.run_until(async { handle.link().add(LinkBridge::new("b9").build()).execute().await.expect("add") });
    });
    let (new, n, ..) = futures::executor::block_on(next_link_event(&mut events));
    assert!(new);
    assert_eq!(n.as_deref(), Some("b9"));
    maker.join().expect("maker");
}
