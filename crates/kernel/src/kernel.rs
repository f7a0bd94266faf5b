//! The simulated machine: global state and boot.
//!
//! [`Kernel::new`] boots as Linux does the parts we model, in the same order:
//! `net_ns_init` makes `init_net`; `netlink_proto_init` sets up `nl_table`
//! and registers NETLINK_USERSOCK; `rtnetlink_init` registers the rtnetlink
//! pernet subsystem (so every namespace gets its `net->rtnl` kernel socket)
//! and the handler table; `kobject_uevent_init` does the same for
//! NETLINK_KOBJECT_UEVENT. Everything is deterministic: port ids, random
//! rovers and (later) MAC addresses come from a seeded generator.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock, Weak};

use parking_lot::{Mutex, RwLock};
use slab::Slab;

use crate::cred::Credentials;
use crate::lib_::kobject_uevent;
use crate::net::core::dev::{NetDevice, NetdevNotifier};
use crate::net::core::net_namespace::{self, live_nets, Net, NetRef, PernetOperations};
use crate::net::core::rtnetlink::link_ops::{RtnlAfOps, RtnlLinkOps};
use crate::net::core::rtnetlink::{self, RtnlGlobals};
use crate::net::netlink::af_netlink::table::NetlinkTable;
use crate::net::netlink::af_netlink::NetlinkSock;
use crate::Errno;
use nlwire::uapi::netlink::{MAX_LINKS, NETLINK_USERSOCK, NL_CFG_F_NONROOT_SEND};

/// How the simulated machine is set up.
#[derive(Debug, Clone)]
pub struct Config {
    /// Seed of every "random" choice (autobind rovers, MAC addresses).
    pub seed: u64,
    /// The process id of the default task, which autobind tries first as a port id.
    pub pid: u32,
    /// `net.core.rmem_default` / `wmem_default`: initial SO_RCVBUF / SO_SNDBUF.
    pub rmem_default: u32,
    pub wmem_default: u32,
    /// `net.core.rmem_max` / `wmem_max`: caps of SO_RCVBUF / SO_SNDBUF.
    pub rmem_max: u32,
    pub wmem_max: u32,
    /// `num_possible_cpus()`: a veth gets this many queues.
    pub nr_cpus: u32,
}

impl Default for Config {
    /// Linux's defaults: 212992-byte buffers (kernel-reference §1).
    fn default() -> Self {
        Config {
            seed: 0x5eed,
            pid: 1000,
            rmem_default: 212_992,
            wmem_default: 212_992,
            rmem_max: 212_992,
            wmem_max: 212_992,
            nr_cpus: 2,
        }
    }
}

/// What the whole machine shares: the kernel's global variables.
pub struct Globals {
    pub config: Config,
    /// `nl_table[MAX_LINKS]`.
    pub(crate) nl_table: Vec<RwLock<NetlinkTable>>,
    /// `pernet_list`.
    pub pernet_list: RwLock<Vec<Arc<PernetOperations>>>,
    /// `net_namespace_list`.
    pub net_list: RwLock<Slab<Weak<Net>>>,
    /// Every socket, for inode numbers and `/proc/net/netlink`.
    pub sockets: Mutex<Slab<Weak<NetlinkSock>>>,
    /// rtnl_mutex and the rtnetlink handler table.
    pub(crate) rtnl: RtnlGlobals,
    /// `uevent_seqnum`.
    pub uevent_seqnum: Mutex<u64>,
    /// `netdev_chain`: the netdevice notifiers, in registration order.
    pub netdev_chain: RwLock<Vec<NetdevNotifier>>,
    /// `link_ops`: the link kinds rtnetlink can create.
    pub link_ops: RwLock<Vec<&'static RtnlLinkOps>>,
    /// `rtnl_af_ops`: the families that add to IFLA_AF_SPEC.
    pub af_ops: RwLock<Vec<&'static RtnlAfOps>>,
    /// `lweventlist`: devices with a pending linkwatch event.
    pub lweventlist: Mutex<Vec<Weak<NetDevice>>>,
    /// Simulated namespace file descriptors (IFLA_NET_NS_FD, NETNSA_FD).
    pub ns_fds: Mutex<Vec<(i32, Weak<Net>)>>,
    /// The next simulated namespace descriptor (from `NS_FD_BASE`), never reused.
    pub ns_fd_next: std::sync::atomic::AtomicI32,
    /// `init_net`.
    pub init_net: OnceLock<Weak<Net>>,
    /// The virtual clock and its timers (kernel/time/timer.c).
    pub timers: Mutex<crate::time::TimerBase>,
    /// A timer was armed to expire at or before the current jiffy (work
    /// queued with no delay): `run_due_timers` looks at the timers only then.
    pub timer_due_now: std::sync::atomic::AtomicBool,
    /// `inetaddr_chain`: notified when an IPv4 address comes and goes.
    pub inetaddr_chain: RwLock<Vec<crate::net::ipv4::devinet::InetaddrNotifier>>,
    /// `num_possible_cpus()`: veth makes one queue per CPU.
    pub nr_cpus: u32,
    rng: Mutex<u64>,
}

impl Globals {
    fn new(config: Config) -> Self {
        let seed = config.seed;
        let nr_cpus = config.nr_cpus;
        Globals {
            config,
            nl_table: (0..MAX_LINKS).map(|_| RwLock::new(NetlinkTable::default())).collect(),
            pernet_list: RwLock::new(Vec::new()),
            net_list: RwLock::new(Slab::new()),
            sockets: Mutex::new(Slab::new()),
            rtnl: RtnlGlobals::new(),
            uevent_seqnum: Mutex::new(0),
            netdev_chain: RwLock::new(Vec::new()),
            link_ops: RwLock::new(Vec::new()),
            af_ops: RwLock::new(Vec::new()),
            lweventlist: Mutex::new(Vec::new()),
            ns_fds: Mutex::new(Vec::new()),
            ns_fd_next: std::sync::atomic::AtomicI32::new(0),
            init_net: OnceLock::new(),
            timers: Mutex::new(crate::time::TimerBase::default()),
            timer_due_now: std::sync::atomic::AtomicBool::new(false),
            inetaddr_chain: RwLock::new(Vec::new()),
            nr_cpus,
            rng: Mutex::new(seed),
        }
    }

    /// Allocates a socket and its inode number (`sock_alloc`).
    pub fn sock_alloc(&self, make: impl FnOnce(u32) -> NetlinkSock) -> Arc<NetlinkSock> {
        let mut socks = self.sockets.lock();
        let entry = socks.vacant_entry();
        let ino = entry.key() as u32 + 1;
        let sk = Arc::new(make(ino));
        entry.insert(Arc::downgrade(&sk));
        sk
    }

    pub fn sock_free(&self, ino: u32) {
        self.sockets.lock().try_remove(ino as usize - 1);
    }

    /// `get_random_u32_below(n)`, from the seeded generator (splitmix64).
    pub fn random_u32_below(&self, n: u32) -> u32 {
        let mut s = self.rng.lock();
        *s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *s;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (((z >> 32) * n as u64) >> 32) as u32
    }

    /// `peernet2id(net, peer)`: the id `net` knows `peer` by, if any.
    pub fn peernet2id(&self, net: &Net, peer: &Net) -> Option<i32> {
        let id = net_namespace::peernet2id(net, peer);
        (id >= 0).then_some(id)
    }

    /// `init_net`.
    pub fn init_net(&self) -> Option<Arc<Net>> {
        self.init_net.get().and_then(Weak::upgrade)
    }

    /// Six random bytes for a MAC address (`get_random_bytes`, seeded).
    pub fn random_bytes(&self, out: &mut [u8]) {
        for chunk in out.chunks_mut(4) {
            let v = self.random_u32_below(u32::MAX).to_ne_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}

/// The simulated kernel. Cheap to clone; every clone is the same machine.
#[derive(Clone)]
pub struct Kernel {
    inner: Arc<KernelInner>,
}

struct KernelInner {
    globals: Arc<Globals>,
    init_net: NetRef,
    /// Named namespaces, as `ip netns add` keeps them (a bind mount holds a reference).
    named: Mutex<BTreeMap<String, NetRef>>,
}

impl Kernel {
    /// Boots a machine with `init_net`, its loopback-free netlink core and rtnetlink.
    pub fn new(config: Config) -> Kernel {
        let globals = Arc::new(Globals::new(config));
        // netlink_proto_init → netlink_add_usersock_entry: USERSOCK is
        // registered without a kernel socket; anyone may send to its groups.
        {
            let mut t = globals.nl_table[NETLINK_USERSOCK as usize].write();
            t.groups = 32;
            t.flags = NL_CFG_F_NONROOT_SEND;
            t.registered = 1;
        }
        // net_ns_init: init_net, before any subsystem registers.
        let init_net = net_namespace::copy_net_ns(&globals).unwrap_or_else(|e| panic!("init_net: {e}"));
        let _ = globals.init_net.set(Arc::downgrade(init_net.arc()));
        net_namespace::net_ns_init(&globals).unwrap_or_else(|e| panic!("net_ns_init: {e}"));
        // Boot-time registrations cannot fail: they only create kernel sockets
        // and register tables. The order is Linux's initcall order.
        rtnetlink::rtnetlink_init(&globals).unwrap_or_else(|e| panic!("rtnetlink_init: {e}"));
        kobject_uevent::kobject_uevent_init(&globals).unwrap_or_else(|e| panic!("kobject_uevent_init: {e}"));
        // neigh_init (subsys_initcall); then inet_init: arp_init,
        // ip_rt_init's devinet_init and ip_fib_init; then inet6_init:
        // ip6_route_init, ndisc_init, addrconf_init.
        crate::net::core::neighbour::neigh_init(&globals);
        crate::net::ipv4::arp::arp_init(&globals);
        crate::net::ipv4::devinet::devinet_init(&globals);
        crate::net::ipv4::fib_frontend::ip_fib_init(&globals);
        crate::net::ipv6::route::ip6_route_init(&globals);
        crate::net::ipv6::ndisc::ndisc_init(&globals);
        crate::net::ipv6::addrconf::addrconf_init(&globals);
        crate::drivers::net::veth::veth_init(&globals).unwrap_or_else(|e| panic!("veth_init: {e}"));
        crate::drivers::net::dummy::dummy_init_module(&globals).unwrap_or_else(|e| panic!("dummy_init: {e}"));
        crate::net::bridge::br::br_init(&globals).unwrap_or_else(|e| panic!("br_init: {e}"));
        // register_pernet_device(&loopback_net_ops): lo in every namespace.
        crate::drivers::net::loopback::loopback_init(&globals).unwrap_or_else(|e| panic!("loopback: {e}"));
        Kernel { inner: Arc::new(KernelInner { globals, init_net, named: Mutex::new(BTreeMap::new()) }) }
    }

    /// `rtnl_register(protocol, msgtype, doit, dumpit, calcit)`.
    pub fn rtnl_register(
        &self,
        protocol: u8,
        msgtype: u16,
        doit: Option<rtnetlink::RtnlDoitFn>,
        dumpit: Option<rtnetlink::RtnlDumpitFn>,
        calcit: Option<rtnetlink::RtnlCalcitFn>,
    ) -> Result<(), Errno> {
        rtnetlink::rtnl_register(&self.inner.globals, protocol, msgtype, doit, dumpit, calcit)
    }

    /// `rtnl_register_many`: all the entries or none.
    pub fn rtnl_register_many(&self, handlers: &[rtnetlink::RtnlMsgHandler]) -> Result<(), Errno> {
        rtnetlink::rtnl_register_many(&self.inner.globals, handlers)
    }

    /// `rtnl_unregister`.
    pub fn rtnl_unregister(&self, protocol: u8, msgtype: u16) {
        rtnetlink::rtnl_unregister(&self.inner.globals, protocol, msgtype)
    }

    /// `rtnl_unregister_all`.
    pub fn rtnl_unregister_all(&self, protocol: u8) {
        rtnetlink::rtnl_unregister_all(&self.inner.globals, protocol)
    }

    /// The machine's global state (for the kernel's own unit tests).
    #[cfg(test)]
    pub(crate) fn globals(&self) -> Arc<Globals> {
        Arc::clone(&self.inner.globals)
    }

    /// The configuration the machine was booted with.
    pub fn config(&self) -> &Config {
        &self.inner.globals.config
    }

    /// `init_net`.
    pub fn init_net(&self) -> NetRef {
        self.inner.init_net.clone()
    }

    /// The rtnetlink handler table (`rtnl_msg_handlers`): every cell that
    /// `rtnl_register` filled, by protocol family then message type.
    pub fn rtnl_handlers(&self) -> Vec<rtnetlink::RtnlHandlerEntry> {
        self.inner.globals.rtnl.entries()
    }

    /// A new anonymous namespace (`unshare(CLONE_NEWNET)`); it lives while referenced.
    pub fn net_create(&self) -> Result<NetRef, Errno> {
        net_namespace::copy_net_ns(&self.inner.globals)
    }

    /// `ip netns add NAME`: a new namespace kept alive under a name.
    pub fn netns_add(&self, name: &str) -> Result<NetRef, Errno> {
        let mut named = self.inner.named.lock();
        if named.contains_key(name) {
            return Err(Errno::EEXIST);
        }
        let net = self.net_create()?;
        named.insert(name.to_string(), net.clone());
        Ok(net)
    }

    /// A named namespace.
    pub fn netns_get(&self, name: &str) -> Option<NetRef> {
        self.inner.named.lock().get(name).cloned()
    }

    /// `ip netns del NAME`: drops the name's reference; the namespace dies
    /// when nothing else (a socket, a handle) holds it.
    pub fn netns_del(&self, name: &str) -> Result<(), Errno> {
        let removed = self.inner.named.lock().remove(name);
        match removed {
            Some(net) => {
                drop(net);
                Ok(())
            }
            None => Err(Errno::ENOENT),
        }
    }

    /// `ip netns list`: the names, sorted.
    pub fn netns_list(&self) -> Vec<String> {
        self.inner.named.lock().keys().cloned().collect()
    }

    /// Number of namespaces alive (init_net included).
    pub fn net_count(&self) -> usize {
        live_nets(&self.inner.globals).len()
    }

    /// `register_pernet_subsys`: a subsystem of the caller's, initialised in
    /// every namespace now and in every one made later.
    pub fn register_pernet_subsys(&self, ops: PernetOperations) -> Result<(), Errno> {
        net_namespace::register_pernet_subsys(&self.inner.globals, ops)
    }

    /// The default credentials of a socket: root, with the configured pid.
    pub fn default_creds(&self) -> Credentials {
        Credentials::root(self.inner.globals.config.pid)
    }

    /// `jiffies` on the virtual clock (starting at `INITIAL_JIFFIES`, HZ 250).
    pub fn jiffies(&self) -> u64 {
        crate::time::jiffies(&self.inner.globals)
    }

    /// Moves the virtual clock forward by `ms` milliseconds, running every
    /// timer that falls due (lifetimes, DAD, neighbour states) in order.
    pub fn advance_ms(&self, ms: u64) {
        crate::time::advance_jiffies(&self.inner.globals, crate::time::msecs_to_jiffies(ms))
    }

    /// `/proc/net/netlink` as read from namespace `net`.
    pub fn proc_net_netlink(&self, net: &Net) -> String {
        crate::net::netlink::diag::proc_net_netlink(&self.inner.globals, net)
    }
}
