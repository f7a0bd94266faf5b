//! Virtual Ethernet pairs: drivers/net/veth.c.
//!
//! `veth_newlink` registers the peer first (so it gets the lower ifindex),
//! announces it, then registers the device; the two are tied only at the
//! end, which is why the peer's first RTM_NEWLINK says IFLA_LINK 0. Carrier
//! is on only while both ends are up (`veth_open`, `veth_close`). A peer
//! may live in another namespace; deleting either end deletes both.

use std::sync::{Arc, Weak};

use crate::kernel::Globals;
use crate::lib_::kobject_uevent::netif_set_real_num_queues;
use crate::net::core::dev::change::eth_mac_addr;
use crate::net::core::dev::register::register_netdevice;
use crate::net::core::dev::{DevState, NetDevice, NetDeviceOps, IFF_LIVE_ADDR_CHANGE, IFF_NO_QUEUE};
use crate::net::core::link_watch::{netif_carrier_off, netif_carrier_on};
use crate::net::core::net_namespace::Net;
use crate::net::core::rtnetlink::link::{
    rtnl_configure_link, rtnl_create_link, rtnl_nla_parse_ifinfomsg, unregister_netdevice_queue,
};
use crate::net::core::rtnetlink::link_ops::{rtnl_link_register, DataTb, IflaTb, NewlinkParams, RtnlLinkOps};
use crate::net::ethernet::eth::{
    eth_hw_addr_random, ether_setup, is_valid_ether_addr, ETH_ALEN, ETH_MAX_MTU, ETH_MIN_MTU, GSO_MAX_SIZE,
};
use crate::Errno;
use nlwire::policy::{ExtAck, NlaPolicy};
use nlwire::uapi::if_::{IFF_UP, IFNAMSIZ};
use nlwire::uapi::if_link::*;

/// `struct veth_priv`.
#[derive(Default)]
pub struct VethPriv {
    pub peer: Option<Weak<NetDevice>>,
}

fn veth_peer(dev: &NetDevice) -> Option<Arc<NetDevice>> {
    dev.with_priv(|p: &mut VethPriv| p.peer.as_ref().and_then(Weak::upgrade)).flatten()
}

fn set_peer(dev: &NetDevice, peer: Option<&Arc<NetDevice>>) {
    dev.with_priv(|p: &mut VethPriv| p.peer = peer.map(Arc::downgrade));
}

/// `veth_open`: carrier on both ends once both are up.
fn veth_open(dev: &Arc<NetDevice>) -> Result<(), Errno> {
    let peer = veth_peer(dev).ok_or(Errno::ENOTCONN)?;
    if peer.st.lock().flags & IFF_UP != 0 {
        netif_carrier_on(dev);
        netif_carrier_on(&peer);
    }
    Ok(())
}

/// `veth_close`.
fn veth_close(dev: &Arc<NetDevice>) -> Result<(), Errno> {
    netif_carrier_off(dev);
    if let Some(peer) = veth_peer(dev) {
        netif_carrier_off(&peer);
    }
    Ok(())
}

/// `veth_get_iflink`: the peer's ifindex, 0 without a peer.
fn veth_get_iflink(dev: &NetDevice) -> i32 {
    veth_peer(dev).map_or(0, |p| p.ifindex())
}

static VETH_NETDEV_OPS: NetDeviceOps = NetDeviceOps {
    ndo_open: Some(veth_open),
    ndo_stop: Some(veth_close),
    ndo_set_mac_address: Some(eth_mac_addr),
    ndo_change_mtu: None,
    ndo_change_carrier: None,
    ndo_get_iflink: Some(veth_get_iflink),
    ndo_add_slave: None,
    ndo_del_slave: None,
    ndo_uninit: None,
};

/// `veth_setup`.
fn veth_setup(st: &mut DevState) {
    ether_setup(st);
    st.priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_NO_QUEUE;
    st.max_mtu = ETH_MAX_MTU;
    st.tso_max_size = GSO_MAX_SIZE;
}

/// `veth_validate`.
fn veth_validate(tb: &IflaTb<'_>, _data: Option<&DataTb<'_>>, _extack: &mut ExtAck) -> Result<(), Errno> {
    if let Some(a) = tb.get(IFLA_ADDRESS) {
        if a.payload().len() != ETH_ALEN as usize {
            return Err(Errno::EINVAL);
        }
        if !is_valid_ether_addr(a.payload()) {
            return Err(Errno::EADDRNOTAVAIL);
        }
    }
    if let Some(a) = tb.get(IFLA_MTU) {
        let mtu = a.get_u32();
        if !(ETH_MIN_MTU..=ETH_MAX_MTU).contains(&mtu) {
            return Err(Errno::EINVAL);
        }
    }
    Ok(())
}

/// `veth_init_queues`: one real queue each way unless the request said otherwise.
fn veth_init_queues(dev: &Arc<NetDevice>, tb: &IflaTb<'_>) {
    let (tx, rx) = {
        let st = dev.st.lock();
        (
            if !tb.has(IFLA_NUM_TX_QUEUES) && st.num_tx_queues > 1 { 1 } else { st.real_num_tx_queues },
            if !tb.has(IFLA_NUM_RX_QUEUES) && st.num_rx_queues > 1 { 1 } else { st.real_num_rx_queues },
        )
    };
    netif_set_real_num_queues(dev, tx, rx);
}

/// `veth_newlink`.
fn veth_newlink(dev: &Arc<NetDevice>, params: &NewlinkParams<'_>, extack: &mut ExtAck) -> Result<(), Errno> {
    let tb = params.tb;
    let peer_info = params.data.and_then(|d| d.get(VETH_INFO_PEER));
    let peer_tb = match &peer_info {
        Some(p) => Some(rtnl_nla_parse_ifinfomsg(p, extack)?),
        None => None,
    };
    let tbp = peer_tb.as_ref().unwrap_or(tb);
    let ifmp = peer_info.as_ref().map(|p| {
        let mut b = [0u8; 16];
        b.copy_from_slice(&p.payload()[..16]);
        nlwire::hdr::IfInfoMsgRepr::parse(&b).unwrap_or_default()
    });
    let ifname = match (ifmp.is_some(), tbp.get(IFLA_IFNAME)) {
        (true, Some(n)) => crate::net::core::rtnetlink::link::nla_strscpy(&n, IFNAMSIZ),
        _ => "veth%d".to_string(),
    };
    let peer_net: Arc<Net> = match &params.peer_net {
        Some(n) => Arc::clone(n),
        None => Arc::clone(&params.src_net),
    };
    let peer = rtnl_create_link(&peer_net, &ifname, &VETH_LINK_OPS, tbp, extack)?;
    if ifmp.is_none() || !tbp.has(IFLA_ADDRESS) {
        eth_hw_addr_random(&peer);
    }
    if let Some(m) = ifmp {
        if dev.ifindex() != 0 {
            peer.set_ifindex(m.index);
        }
    }
    {
        // netif_inherit_tso_max
        let (sz, segs) = {
            let st = dev.st.lock();
            (st.tso_max_size, st.tso_max_segs)
        };
        let mut st = peer.st.lock();
        st.tso_max_size = sz;
        st.tso_max_segs = segs;
    }
    register_netdevice(&peer)?;
    netif_carrier_off(&peer);
    if let Err(e) = rtnl_configure_link(&peer, ifmp.map(|m| (m.flags, m.change)), 0, None) {
        // err_configure_peer: the peer goes again; still initializing, it
        // was never announced and its removal is not either.
        crate::net::core::dev::register::unregister_netdevice(&peer);
        return Err(e);
    }

    if !tb.has(IFLA_ADDRESS) {
        eth_hw_addr_random(dev);
    }
    let name = match tb.get(IFLA_IFNAME) {
        Some(n) => crate::net::core::rtnetlink::link::nla_strscpy(&n, IFNAMSIZ),
        None => "veth%d".to_string(),
    };
    dev.st.lock().name = name;
    if let Err(e) = register_netdevice(dev) {
        crate::net::core::dev::register::unregister_netdevice(&peer);
        return Err(e);
    }
    netif_carrier_off(dev);
    set_peer(dev, Some(&peer));
    veth_init_queues(dev, tb);
    set_peer(&peer, Some(dev));
    veth_init_queues(&peer, tb);
    Ok(())
}

/// `veth_dellink`: both ends go; each is unlinked from the other first, so
/// that a later `dellink` of the peer (a group delete, a dying namespace)
/// only moves it to the end of the list (`unregister_netdevice_queue`).
fn veth_dellink(dev: &Arc<NetDevice>, list: &mut Vec<Arc<NetDevice>>) {
    let peer = veth_peer(dev);
    set_peer(dev, None);
    unregister_netdevice_queue(dev, list);
    if let Some(peer) = peer {
        set_peer(&peer, None);
        unregister_netdevice_queue(&peer, list);
    }
}

/// `veth_get_link_net`: the peer's namespace.
fn veth_get_link_net(dev: &NetDevice) -> Option<Arc<Net>> {
    match veth_peer(dev) {
        Some(p) => p.net(),
        None => dev.net(),
    }
}

/// `veth_get_num_queues`: one per possible CPU.
fn veth_get_num_queues(globals: &Globals) -> u32 {
    globals.nr_cpus.clamp(1, 4096)
}

/// `veth_policy`.
static VETH_POLICY: [NlaPolicy; 2] = [NlaPolicy::UNSPEC, NlaPolicy::min_len(16)];

/// `veth_link_ops`.
pub static VETH_LINK_OPS: RtnlLinkOps = RtnlLinkOps {
    kind: "veth",
    maxtype: VETH_INFO_PEER,
    policy: Some(&VETH_POLICY),
    setup: veth_setup,
    netdev_ops: &VETH_NETDEV_OPS,
    priv_new: || Box::new(VethPriv::default()),
    validate: Some(veth_validate),
    newlink: Some(veth_newlink),
    changelink: None,
    dellink: Some(veth_dellink),
    get_size: None,
    fill_info: None,
    get_slave_size: None,
    fill_slave_info: None,
    get_link_net: Some(veth_get_link_net),
    peer_type: VETH_INFO_PEER,
    get_num_tx_queues: Some(veth_get_num_queues),
    get_num_rx_queues: Some(veth_get_num_queues),
};

/// `veth_init`.
pub(crate) fn veth_init(globals: &Globals) -> Result<(), Errno> {
    rtnl_link_register(globals, &VETH_LINK_OPS)
}
