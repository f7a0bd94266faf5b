//! Network devices: `struct net_device` and the parts of net/core/dev.c that
//! rtnetlink drives.
//!
//! Linux's dev.c is twelve thousand lines; here it is split by concern:
//!
//! | file          | net/core/dev.c                                                    |
//! |---------------|-------------------------------------------------------------------|
//! | `mod.rs`      | `struct net_device`, the per-namespace device list, lookups, `netif_get_flags`, the netdevice notifier chain |
//! | `name.rs`     | `dev_valid_name`, `dev_get_valid_name`, `__dev_alloc_name`         |
//! | `register.rs` | `alloc_netdev`, `register_netdevice`, `unregister_netdevice_many_notify`, `dev_index_reserve` |
//! | `flags.rs`    | `__dev_open`, `dev_close_many`, `__dev_change_flags`, `__dev_notify_flags`, promiscuity |
//! | `change.rs`   | name, MTU, MAC address, txqueuelen, group, master, and `__dev_change_net_namespace` |
//!
//! Every change happens under `rtnl_lock`, as in Linux. A device's fields
//! live behind a short-lived mutex (`NetDevice::st`) that is never held
//! across a notifier call, because notifiers read the device again.

pub mod change;
pub mod flags;
pub mod name;
pub mod register;

use std::any::Any;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Weak};

use parking_lot::{Mutex, MutexGuard, RwLock};

use crate::kernel::Globals;
use crate::net::core::net_namespace::Net;
use crate::net::core::rtnetlink::link_ops::RtnlLinkOps;
use crate::Errno;
use nlwire::policy::ExtAck;
use nlwire::uapi::if_::*;
use nlwire::uapi::if_link::*;

/// `MAX_ADDR_LEN`.
pub const MAX_ADDR_LEN: usize = 32;
/// `ARPHRD_ETHER`.
pub const ARPHRD_ETHER: u16 = 1;
/// `ARPHRD_LOOPBACK`.
pub const ARPHRD_LOOPBACK: u16 = 772;
/// `ARPHRD_NONE`.
pub const ARPHRD_NONE: u16 = 0xfffe;

/// `IFF_VOLATILE`: flags that track state rather than configuration.
pub const IFF_VOLATILE: u32 = IFF_LOOPBACK
    | IFF_POINTOPOINT
    | IFF_BROADCAST
    | IFF_ECHO
    | IFF_MASTER
    | IFF_SLAVE
    | IFF_RUNNING
    | IFF_LOWER_UP
    | IFF_DORMANT;

// dev->priv_flags (include/linux/netdevice.h, enum netdev_priv_flags)
pub const IFF_EBRIDGE: u64 = 1 << 1;
pub const IFF_BRIDGE_PORT: u64 = 1 << 10;
pub const IFF_LIVE_ADDR_CHANGE: u64 = 1 << 15;
pub const IFF_NO_QUEUE: u64 = 1 << 21;

/// `enum netdev_reg_state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RegState {
    Uninitialized,
    Registered,
    Unregistering,
    Unregistered,
}

/// `dev->addr_assign_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrAssign {
    /// `NET_ADDR_PERM`: the hardware's own address.
    Perm,
    /// `NET_ADDR_RANDOM`.
    Random,
    /// `NET_ADDR_STOLEN`.
    Stolen,
    /// `NET_ADDR_SET`: set by the user.
    Set,
}

/// `enum netdev_cmd`: what the netdevice notifier chain announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetdevEvent {
    Up,
    Down,
    Reboot,
    Change,
    Register,
    Unregister,
    ChangeMtu,
    ChangeAddr,
    PreChangeAddr,
    GoingDown,
    ChangeName,
    FeatChange,
    PreUp,
    ChangeUpper,
    ChangeLowerState,
    ChangeTxQueueLen,
    ChangeInfoData,
    PostInit,
}

/// The mutable part of `struct net_device`.
#[derive(Debug, Clone)]
pub struct DevState {
    pub name: String,
    pub altnames: Vec<String>,
    pub ifalias: Option<String>,
    /// `dev->flags`.
    pub flags: u32,
    /// `dev->gflags`: the PROMISC/ALLMULTI the user asked for.
    pub gflags: u32,
    pub priv_flags: u64,
    pub operstate: u8,
    pub link_mode: u8,
    pub mtu: u32,
    pub min_mtu: u32,
    pub max_mtu: u32,
    /// `dev->type` (ARPHRD_*).
    pub ty: u16,
    pub addr_len: u8,
    pub dev_addr: [u8; MAX_ADDR_LEN],
    pub broadcast: [u8; MAX_ADDR_LEN],
    pub perm_addr: [u8; MAX_ADDR_LEN],
    pub addr_assign_type: AddrAssign,
    pub tx_queue_len: u32,
    /// The qdisc's id ("noop" until the device is activated).
    pub qdisc: &'static str,
    pub group: u32,
    pub promiscuity: u32,
    pub allmulti: u32,
    pub num_tx_queues: u32,
    pub real_num_tx_queues: u32,
    pub num_rx_queues: u32,
    pub real_num_rx_queues: u32,
    pub gso_max_segs: u32,
    pub gso_max_size: u32,
    pub gro_max_size: u32,
    pub gso_ipv4_max_size: u32,
    pub gro_ipv4_max_size: u32,
    pub tso_max_size: u32,
    pub tso_max_segs: u32,
    pub needed_headroom: u16,
    pub needed_tailroom: u16,
    /// `__LINK_STATE_NOCARRIER` (clear means carrier).
    pub nocarrier: bool,
    /// `__LINK_STATE_START`: `netif_running`.
    pub running: bool,
    /// `__LINK_STATE_LINKWATCH_PENDING`.
    pub linkwatch_pending: bool,
    pub carrier_up_count: u32,
    pub carrier_down_count: u32,
    pub proto_down: bool,
    /// `dev->change_proto_down`: the driver lets userspace set proto_down
    /// (macvlan, vxlan…; none of the devices modelled here).
    pub change_proto_down: bool,
    pub netns_immutable: bool,
    pub reg_state: RegState,
    /// `dev->rtnl_link_initializing`: created by rtnetlink, not yet announced.
    pub rtnl_link_initializing: bool,
    /// The master device (`netdev_master_upper_dev_get`), by ifindex.
    pub master: Option<i32>,
    /// `dev->dev.type->name`, as uevents report it (`DEVTYPE=bridge`).
    pub devtype: Option<&'static str>,
    /// `struct rtnl_link_stats64`.
    pub stats64: [u64; 25],
}

impl DevState {
    /// A zeroed device, as `alloc_netdev` leaves it before `setup`.
    pub fn new(name: &str) -> Self {
        DevState {
            name: name.to_string(),
            altnames: Vec::new(),
            ifalias: None,
            flags: 0,
            gflags: 0,
            priv_flags: 0,
            operstate: IF_OPER_UNKNOWN,
            link_mode: IF_LINK_MODE_DEFAULT,
            mtu: 0,
            min_mtu: 0,
            max_mtu: 0,
            ty: 0,
            addr_len: 0,
            dev_addr: [0; MAX_ADDR_LEN],
            broadcast: [0; MAX_ADDR_LEN],
            perm_addr: [0; MAX_ADDR_LEN],
            addr_assign_type: AddrAssign::Perm,
            tx_queue_len: 0,
            qdisc: "noop",
            group: 0,
            promiscuity: 0,
            allmulti: 0,
            num_tx_queues: 1,
            real_num_tx_queues: 1,
            num_rx_queues: 1,
            real_num_rx_queues: 1,
            // netif_set_tso_max_size/segs defaults (GSO_LEGACY_MAX_SIZE, GSO_MAX_SEGS)
            gso_max_segs: 65535,
            gso_max_size: 65536,
            gro_max_size: 65536,
            gso_ipv4_max_size: 65536,
            gro_ipv4_max_size: 65536,
            tso_max_size: 65536,
            tso_max_segs: 65535,
            needed_headroom: 0,
            needed_tailroom: 0,
            nocarrier: false,
            running: false,
            linkwatch_pending: false,
            carrier_up_count: 0,
            carrier_down_count: 0,
            proto_down: false,
            change_proto_down: false,
            netns_immutable: false,
            reg_state: RegState::Uninitialized,
            rtnl_link_initializing: false,
            master: None,
            devtype: None,
            stats64: [0; 25],
        }
    }

    /// The device address as a slice of `addr_len` bytes.
    pub fn addr(&self) -> &[u8] {
        &self.dev_addr[..self.addr_len as usize]
    }

    /// `netif_carrier_ok`.
    pub fn carrier_ok(&self) -> bool {
        !self.nocarrier
    }

    /// `netif_oper_up`.
    pub fn oper_up(&self) -> bool {
        self.operstate == IF_OPER_UP || self.operstate == IF_OPER_UNKNOWN
    }

    /// `netif_get_flags` (`dev_get_flags`): the flags userspace sees, with
    /// RUNNING, LOWER_UP and DORMANT derived from the link state.
    pub fn get_flags(&self) -> u32 {
        let mut flags = (self.flags & !(IFF_PROMISC | IFF_ALLMULTI | IFF_RUNNING | IFF_LOWER_UP | IFF_DORMANT))
            | (self.gflags & (IFF_PROMISC | IFF_ALLMULTI));
        if self.running {
            if self.oper_up() {
                flags |= IFF_RUNNING;
            }
            if self.carrier_ok() {
                flags |= IFF_LOWER_UP;
            }
            if self.operstate == IF_OPER_DORMANT {
                flags |= IFF_DORMANT;
            }
        }
        flags
    }
}

/// `struct net_device_ops`: what a driver does when the stack asks.
///
/// The signatures are spelled out in place, as include/linux/netdevice.h
/// does, so the table reads like the kernel's.
#[derive(Default)]
#[allow(clippy::type_complexity)]
pub struct NetDeviceOps {
    pub ndo_open: Option<fn(&Arc<NetDevice>) -> Result<(), Errno>>,
    pub ndo_stop: Option<fn(&Arc<NetDevice>) -> Result<(), Errno>>,
    pub ndo_set_mac_address: Option<fn(&Arc<NetDevice>, &[u8]) -> Result<(), Errno>>,
    pub ndo_change_mtu: Option<fn(&Arc<NetDevice>, u32) -> Result<(), Errno>>,
    /// `ndo_change_carrier`: IFLA_CARRIER, for devices that let userspace set it.
    pub ndo_change_carrier: Option<fn(&Arc<NetDevice>, bool) -> Result<(), Errno>>,
    /// `ndo_get_iflink`: the ifindex of the device this one is linked to (a veth's peer).
    pub ndo_get_iflink: Option<fn(&NetDevice) -> i32>,
    pub ndo_add_slave: Option<fn(&Arc<NetDevice>, &Arc<NetDevice>, &mut ExtAck) -> Result<(), Errno>>,
    pub ndo_del_slave: Option<fn(&Arc<NetDevice>, &Arc<NetDevice>) -> Result<(), Errno>>,
    pub ndo_uninit: Option<fn(&Arc<NetDevice>)>,
}

/// `struct net_device`.
pub struct NetDevice {
    ifindex: AtomicI32,
    net: RwLock<Weak<Net>>,
    /// The device's fields; lock briefly, never across a notifier.
    pub st: Mutex<DevState>,
    pub netdev_ops: &'static NetDeviceOps,
    /// `dev->rtnl_link_ops`: set for devices rtnetlink can create.
    pub link_ops: Option<&'static RtnlLinkOps>,
    /// `netdev_priv(dev)`: the driver's private state.
    pub priv_data: Mutex<Option<Box<dyn Any + Send>>>,
    /// `dev->ip_ptr`: IPv4 state (net/ipv4/devinet.c).
    pub ip_ptr: Mutex<Option<crate::net::ipv4::devinet::InDevice>>,
    /// `dev->ip6_ptr`: IPv6 state (net/ipv6/addrconf.c).
    pub ip6_ptr: Mutex<Option<crate::net::ipv6::addrconf::Inet6Dev>>,
}

impl fmt::Debug for NetDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetDevice").field("ifindex", &self.ifindex()).field("name", &self.name()).finish()
    }
}

impl NetDevice {
    pub(crate) fn new(
        st: DevState,
        netdev_ops: &'static NetDeviceOps,
        link_ops: Option<&'static RtnlLinkOps>,
        net: &Arc<Net>,
    ) -> Arc<NetDevice> {
        Arc::new(NetDevice {
            ifindex: AtomicI32::new(0),
            net: RwLock::new(Arc::downgrade(net)),
            st: Mutex::new(st),
            netdev_ops,
            link_ops,
            priv_data: Mutex::new(None),
            ip_ptr: Mutex::new(None),
            ip6_ptr: Mutex::new(None),
        })
    }

    pub fn ifindex(&self) -> i32 {
        self.ifindex.load(Ordering::Acquire)
    }

    pub(crate) fn set_ifindex(&self, i: i32) {
        self.ifindex.store(i, Ordering::Release)
    }

    pub fn name(&self) -> String {
        self.st.lock().name.clone()
    }

    /// `dev_net(dev)`.
    pub fn net(&self) -> Option<Arc<Net>> {
        self.net.read().upgrade()
    }

    pub(crate) fn set_net(&self, net: &Arc<Net>) {
        *self.net.write() = Arc::downgrade(net);
    }

    /// The device's state, locked.
    pub fn state(&self) -> MutexGuard<'_, DevState> {
        self.st.lock()
    }

    /// `dev_get_iflink`.
    pub fn iflink(&self) -> i32 {
        match self.netdev_ops.ndo_get_iflink {
            Some(f) => f(self),
            None => self.ifindex(),
        }
    }

    /// The driver's private state, downcast (`netdev_priv`).
    pub fn with_priv<T: 'static, R>(&self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        let mut p = self.priv_data.lock();
        p.as_mut().and_then(|b| b.downcast_mut::<T>()).map(f)
    }
}

/// A namespace's devices (`net->dev_base_head`, `dev_index_head`,
/// `dev_name_head`): ordered by ifindex, which is also the dump order.
#[derive(Default)]
pub struct DevBase {
    pub by_index: BTreeMap<i32, Arc<NetDevice>>,
    /// Names and altnames to ifindex.
    pub names: HashMap<String, i32>,
    /// `net->ifindex`: where the cyclic allocation continues.
    pub next_ifindex: i32,
    /// `net->dev_base_seq`: bumped when a device comes or goes (dump consistency).
    pub dev_base_seq: u32,
}

impl DevBase {
    pub fn new() -> Self {
        DevBase { next_ifindex: 1, dev_base_seq: 1, ..Default::default() }
    }
}

/// `__dev_get_by_index`.
pub fn dev_get_by_index(net: &Net, ifindex: i32) -> Option<Arc<NetDevice>> {
    net.dev.read().by_index.get(&ifindex).cloned()
}

/// `__dev_get_by_name` (altnames included).
pub fn dev_get_by_name(net: &Net, name: &str) -> Option<Arc<NetDevice>> {
    let base = net.dev.read();
    base.names.get(name).and_then(|i| base.by_index.get(i)).cloned()
}

/// `for_each_netdev`: the devices, in ifindex order.
pub fn for_each_netdev(net: &Net) -> Vec<Arc<NetDevice>> {
    net.dev.read().by_index.values().cloned().collect()
}

/// A netdevice notifier (`struct notifier_block` on `netdev_chain`).
pub type NetdevNotifier = fn(NetdevEvent, &Arc<NetDevice>, &NetdevNotifierInfo) -> Result<(), Errno>;

/// What accompanies an event (`struct netdev_notifier_info` and its variants).
#[derive(Debug, Default, Clone, Copy)]
pub struct NetdevNotifierInfo {
    /// NETDEV_CHANGE: the flags that changed.
    pub flags_changed: u32,
    /// NETDEV_CHANGEMTU: the MTU before.
    pub old_mtu: u32,
}

/// `register_netdevice_notifier`.
pub(crate) fn register_netdevice_notifier(globals: &Globals, nb: NetdevNotifier) {
    globals.netdev_chain.write().push(nb);
}

/// `call_netdevice_notifiers_info`: every notifier, in registration order;
/// the first error stops the chain (`notifier_to_errno`).
pub fn call_netdevice_notifiers_info(
    event: NetdevEvent,
    dev: &Arc<NetDevice>,
    info: &NetdevNotifierInfo,
) -> Result<(), Errno> {
    let Some(net) = dev.net() else { return Ok(()) };
    let chain: Vec<NetdevNotifier> = net.globals.netdev_chain.read().clone();
    let _s = tracing::debug_span!("call_netdevice_notifiers", event = ?event, dev = dev.ifindex()).entered();
    for nb in chain {
        nb(event, dev, info)?;
    }
    Ok(())
}

/// `call_netdevice_notifiers`.
pub fn call_netdevice_notifiers(event: NetdevEvent, dev: &Arc<NetDevice>) -> Result<(), Errno> {
    call_netdevice_notifiers_info(event, dev, &NetdevNotifierInfo::default())
}
