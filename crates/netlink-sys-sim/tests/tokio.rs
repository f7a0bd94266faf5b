//! The adapter under tokio (issue 5: "runtime-agnostic, and it works under
//! tokio too"): the `rtnetlink` connection spawned as a tokio task, on the
//! current-thread runtime and on the multi-threaded one, where the task
//! that drives the connection and the one awaiting answers may run on
//! different threads (the socket's data-ready hook must wake across them).

use futures::TryStreamExt;
use rtnetlink::packet_route::link::LinkAttribute;
use rtnetlink::LinkVeth;
use rtnlsim_kernel::{Config, Kernel};
use rtnlsim_netlink_sys::SimSocket;

async fn veth_add_and_dump(kernel: &Kernel) -> Vec<String> {
    let socket = SimSocket::new(&kernel.init_net()).expect("socket");
    let (connection, handle, _messages) = rtnetlink::from_socket(socket);
    tokio::spawn(connection);
    handle.link().add(LinkVeth::new("v0", "v1").build()).execute().await.expect("add veth");
    let e = handle.link().add(LinkVeth::new("v0", "v9").build()).execute().await.expect_err("exists");
    assert!(matches!(e, rtnetlink::Error::NetlinkError(ref m) if m.raw_code() == -17), "EEXIST: {e:?}");
    handle
        .link()
        .get()
        .execute()
        .map_ok(|m| {
            m.attributes
                .iter()
                .find_map(|a| match a {
                    LinkAttribute::IfName(n) => Some(n.clone()),
                    _ => None,
                })
                .unwrap_or_default()
        })
        .try_collect()
        .await
        .expect("dump")
}

#[tokio::test(flavor = "current_thread")]
async fn on_the_current_thread_runtime() {
    let kernel = Kernel::new(Config::default());
    assert_eq!(veth_add_and_dump(&kernel).await, ["lo", "v1", "v0"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_multi_threaded_runtime() {
    let kernel = Kernel::new(Config::default());
    assert_eq!(veth_add_and_dump(&kernel).await, ["lo", "v1", "v0"]);
}
