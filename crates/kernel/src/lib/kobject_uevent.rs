//! NETLINK_KOBJECT_UEVENT: lib/kobject_uevent.c.
//!
//! Every namespace has a uevent kernel socket (`net->uevent_sock`) with one
//! multicast group that anyone may join. Since Linux 4.18 it also takes
//! input: a process with CAP_SYS_ADMIN may send a uevent, which is
//! re-broadcast to group 1 with `SEQNUM=` appended (`uevent_net_rcv_skb`).
//! (Probed on 6.18: a message to it is acked, not refused; see
//! probes/p_uevent.py.)

use std::sync::Arc;

use tracing::debug_span;

use crate::cred::CAP_SYS_ADMIN;
use crate::kernel::Globals;
use crate::net::core::net_namespace::{register_pernet_subsys, Net, PernetOperations};
use crate::net::core::skbuff::alloc_skb;
use crate::net::netlink::af_netlink::{
    netlink_broadcast, netlink_kernel_create, netlink_kernel_release, netlink_ns_capable, netlink_rcv_skb,
    NetlinkKernelCfg, NetlinkRcvSkb,
};
use crate::Errno;
use nlwire::policy::ExtAck;
use nlwire::uapi::netlink::{NETLINK_KOBJECT_UEVENT, NLMSG_HDRLEN, NL_CFG_F_NONROOT_RECV};

/// `UEVENT_BUFFER_SIZE`.
pub const UEVENT_BUFFER_SIZE: usize = 2048;

fn uevent_net_init(net: &Arc<Net>) -> Result<(), Errno> {
    let cfg = NetlinkKernelCfg {
        groups: 1,
        input: Some(Arc::new(uevent_net_rcv)),
        flags: NL_CFG_F_NONROOT_RECV,
        ..Default::default()
    };
    let sk = netlink_kernel_create(net, NETLINK_KOBJECT_UEVENT, cfg)?;
    *net.uevent_sock.write() = Some(sk);
    Ok(())
}

fn uevent_net_exit(net: &Arc<Net>) {
    if let Some(sk) = net.uevent_sock.write().take() {
        netlink_kernel_release(&sk);
    }
}

/// `uevent_net_rcv`.
fn uevent_net_rcv(skb: &NetlinkRcvSkb<'_>) {
    let _s = debug_span!("uevent_net_rcv").entered();
    // uevent_net_broadcast works on the rest of the datagram from this
    // message on (the skb netlink_rcv_skb is walking), so track the offset.
    let data = skb.data;
    let handler = |skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck| -> Result<(), Errno> {
        let off = msg.as_ptr() as usize - data.as_ptr() as usize;
        uevent_net_rcv_skb(skb, &data[off..], extack)
    };
    netlink_rcv_skb(skb, &handler);
}

/// `uevent_net_rcv_skb`.
fn uevent_net_rcv_skb(skb: &NetlinkRcvSkb<'_>, rest: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    if !netlink_ns_capable(skb, CAP_SYS_ADMIN) {
        extack.set_msg("missing CAP_SYS_ADMIN capability");
        return Err(Errno::EPERM);
    }
    uevent_net_broadcast(skb, rest, extack)
}

/// `uevent_net_broadcast`: the datagram from this message on, without its
/// header, plus `SEQNUM=n`, to group 1.
fn uevent_net_broadcast(skb: &NetlinkRcvSkb<'_>, rest: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let globals = &skb.net().globals;
    let seq = {
        let mut s = globals.uevent_seqnum.lock();
        *s += 1;
        *s
    };
    let seqbuf = format!("SEQNUM={seq}\0");
    if rest.len() + seqbuf.len() > UEVENT_BUFFER_SIZE {
        extack.set_msg("uevent message too big");
        return Err(Errno::EINVAL);
    }
    let body = &rest[NLMSG_HDRLEN.min(rest.len())..];
    let mut out = alloc_skb(rest.len() + seqbuf.len());
    out.put_data(body).map_err(|_| Errno::ENOMEM)?;
    out.put_data(seqbuf.as_bytes()).map_err(|_| Errno::ENOMEM)?;
    out.cb.portid = 0;
    out.cb.dst_group = 1;
    match netlink_broadcast(skb.ssk, out, 0, 1) {
        Ok(_) | Err(Errno::ENOBUFS) | Err(Errno::ESRCH) => Ok(()),
        Err(e) => Err(e),
    }
}

/// `kobject_uevent_init`.
pub(crate) fn kobject_uevent_init(globals: &Arc<Globals>) -> Result<(), Errno> {
    register_pernet_subsys(
        globals,
        PernetOperations { name: "uevent", init: Some(uevent_net_init), exit: Some(uevent_net_exit) },
    )
}

/// `enum kobject_action`, with what a move needs.
#[derive(Debug, Clone, Copy)]
pub enum KobjAction<'a> {
    Add,
    Remove,
    Move { old_name: &'a str },
}

/// `kobject_uevent_env` for a network device's kobject, broadcast to its
/// namespace only (network-device uevents are namespace-tagged): the
/// string `ACTION@DEVPATH` then `KEY=VALUE` pairs, NUL-separated.
pub fn kobject_uevent_net(net: &Net, dev: &crate::net::core::dev::NetDevice, action: KobjAction<'_>) {
    let (name, devtype) = {
        let st = dev.st.lock();
        (st.name.clone(), st.devtype)
    };
    let devpath = format!("/devices/virtual/net/{name}");
    let act = match action {
        KobjAction::Add => "add",
        KobjAction::Remove => "remove",
        KobjAction::Move { .. } => "move",
    };
    let mut env = vec![format!("ACTION={act}"), format!("DEVPATH={devpath}"), "SUBSYSTEM=net".to_string()];
    if let KobjAction::Move { old_name } = action {
        env.push(format!("DEVPATH_OLD=/devices/virtual/net/{old_name}"));
    }
    if let Some(t) = devtype {
        env.push(format!("DEVTYPE={t}"));
    }
    env.push(format!("INTERFACE={name}"));
    env.push(format!("IFINDEX={}", dev.ifindex()));
    uevent_broadcast(net, act, &devpath, env);
}

/// A queue kobject's uevent (`rx-N` / `tx-N` under `queues/`).
fn queue_uevent(net: &Net, dev: &crate::net::core::dev::NetDevice, act: &str, queue: &str) {
    let devpath = format!("/devices/virtual/net/{}/queues/{queue}", dev.st.lock().name);
    let env = vec![format!("ACTION={act}"), format!("DEVPATH={devpath}"), "SUBSYSTEM=queues".to_string()];
    uevent_broadcast(net, act, &devpath, env);
}

fn uevent_broadcast(net: &Net, act: &str, devpath: &str, mut env: Vec<String>) {
    let _s = debug_span!("kobject_uevent", action = act, devpath).entered();
    let seq = {
        let mut s = net.globals.uevent_seqnum.lock();
        *s += 1;
        *s
    };
    env.push(format!("SEQNUM={seq}"));
    let mut msg = format!("{act}@{devpath}").into_bytes();
    msg.push(0);
    for e in env {
        msg.extend_from_slice(e.as_bytes());
        msg.push(0);
    }
    let Some(sk) = net.uevent_sock.read().clone() else { return };
    let mut skb = alloc_skb(msg.len());
    if skb.put_data(&msg).is_err() {
        return;
    }
    skb.cb.portid = 0;
    skb.cb.dst_group = 1;
    let _ = netlink_broadcast(&sk, skb, 0, 1);
}

/// `netdev_register_kobject`: the device, then its rx and tx queues.
pub(crate) fn netdev_register_kobject(dev: &crate::net::core::dev::NetDevice) {
    let Some(net) = dev.net() else { return };
    kobject_uevent_net(&net, dev, KobjAction::Add);
    let (rx, tx) = {
        let st = dev.st.lock();
        (st.real_num_rx_queues, st.real_num_tx_queues)
    };
    for i in 0..rx {
        queue_uevent(&net, dev, "add", &format!("rx-{i}"));
    }
    for i in 0..tx {
        queue_uevent(&net, dev, "add", &format!("tx-{i}"));
    }
}

/// `netdev_unregister_kobject`: the queues (rx, then tx), then the device.
pub(crate) fn netdev_unregister_kobject(dev: &crate::net::core::dev::NetDevice) {
    let Some(net) = dev.net() else { return };
    let (rx, tx) = {
        let st = dev.st.lock();
        (st.real_num_rx_queues, st.real_num_tx_queues)
    };
    for i in (0..rx).rev() {
        queue_uevent(&net, dev, "remove", &format!("rx-{i}"));
    }
    for i in (0..tx).rev() {
        queue_uevent(&net, dev, "remove", &format!("tx-{i}"));
    }
    kobject_uevent_net(&net, dev, KobjAction::Remove);
}

/// `netif_set_real_num_tx_queues` then `netif_set_real_num_rx_queues` on a
/// registered device: queue kobjects beyond the new counts go (uevents).
pub fn netif_set_real_num_queues(dev: &crate::net::core::dev::NetDevice, tx: u32, rx: u32) {
    let Some(net) = dev.net() else { return };
    let (old_rx, old_tx) = {
        let st = dev.st.lock();
        (st.real_num_rx_queues, st.real_num_tx_queues)
    };
    for i in (tx..old_tx).rev() {
        queue_uevent(&net, dev, "remove", &format!("tx-{i}"));
    }
    dev.st.lock().real_num_tx_queues = tx;
    for i in (rx..old_rx).rev() {
        queue_uevent(&net, dev, "remove", &format!("rx-{i}"));
    }
    dev.st.lock().real_num_rx_queues = rx;
}
