//! The loopback device: drivers/net/loopback.c. Every namespace gets one,
//! `lo`, ifindex 1, down, from a pernet device init (`loopback_net_init`).
//! It has no `rtnl_link_ops`, so it has no IFLA_LINKINFO and RTM_DELLINK of
//! it is EOPNOTSUPP.

use std::sync::Arc;

use crate::kernel::Globals;
use crate::net::core::dev::register::{alloc_netdev, register_netdevice};
use crate::net::core::dev::{DevState, NetDeviceOps, ARPHRD_LOOPBACK, IFF_LIVE_ADDR_CHANGE, IFF_NO_QUEUE};
use crate::net::core::net_namespace::{register_pernet_subsys, Net, PernetOperations};
use crate::net::ethernet::eth::{DEFAULT_TX_QUEUE_LEN, ETH_ALEN, GSO_MAX_SIZE};
use crate::Errno;
use nlwire::uapi::if_::IFF_LOOPBACK;

/// `loopback_ops`: lo takes a MAC address like an Ethernet device
/// (`eth_mac_addr`), even while up (IFF_LIVE_ADDR_CHANGE).
static LOOPBACK_OPS: NetDeviceOps = NetDeviceOps {
    ndo_open: None,
    ndo_stop: None,
    ndo_set_mac_address: Some(crate::net::core::dev::change::eth_mac_addr),
    ndo_change_mtu: None,
    ndo_change_carrier: None,
    ndo_get_iflink: None,
    ndo_add_slave: None,
    ndo_del_slave: None,
    ndo_uninit: None,
};

/// `loopback_setup` → `gen_lo_setup(dev, 64 * 1024, …)`.
fn loopback_setup(st: &mut DevState) {
    st.mtu = 64 * 1024;
    st.addr_len = ETH_ALEN;
    st.ty = ARPHRD_LOOPBACK;
    st.flags = IFF_LOOPBACK;
    st.priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_NO_QUEUE;
    st.netns_immutable = true;
    st.tx_queue_len = DEFAULT_TX_QUEUE_LEN;
    st.tso_max_size = GSO_MAX_SIZE;
}

/// `loopback_net_init`.
fn loopback_net_init(net: &Arc<Net>) -> Result<(), Errno> {
    let dev = alloc_netdev(net, "lo", loopback_setup, &LOOPBACK_OPS, None, 1, 1);
    register_netdevice(&dev)?;
    *net.loopback_dev.write() = Some(dev);
    Ok(())
}

/// `loopback_net_ops` registered as a pernet device, then, as
/// `net_dev_init` does right after it, `default_device_ops`: registered
/// later, its exit runs first and unregisters every device of a dying
/// namespace, lo included.
pub(crate) fn loopback_init(globals: &Arc<Globals>) -> Result<(), Errno> {
    register_pernet_subsys(
        globals,
        PernetOperations { name: "loopback", init: Some(loopback_net_init), exit: Some(loopback_net_exit) },
    )?;
    register_pernet_subsys(
        globals,
        PernetOperations {
            name: "default_device",
            init: None,
            exit: Some(crate::net::core::dev::register::default_device_exit_batch),
        },
    )
}

/// `loopback_net_ops` has no exit in Linux (`default_device_exit_batch`
/// unregistered lo); here it forgets the namespace's `loopback_dev`.
fn loopback_net_exit(net: &Arc<Net>) {
    net.loopback_dev.write().take();
}
