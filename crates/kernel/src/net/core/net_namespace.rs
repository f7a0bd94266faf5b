//! Network namespaces: `struct net` and the pernet operations that build and
//! tear down each subsystem's part of one.
//!
//! Models net/core/net_namespace.c. A namespace is made by `copy_net_ns` →
//! `setup_net`, which runs the `init` of every registered
//! [`PernetOperations`] in registration order; a subsystem registered later
//! (`register_pernet_subsys`) is initialised at once in every namespace that
//! already exists. A namespace lives while something holds a reference
//! (`get_net`/`put_net`: a [`NetRef`] — user sockets and namespace handles
//! hold one, kernel sockets do not, as in Linux); when the last goes,
//! `cleanup_net` runs the `exit` ops in reverse order. Linux defers that to a
//! workqueue; here it runs synchronously in the `put_net` that dropped the
//! last reference, so tests see a deterministic order.

use std::any::{Any, TypeId};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Deref;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, Weak};

use parking_lot::{Mutex, RwLock};
use tracing::debug_span;

use crate::kernel::Globals;
use crate::net::core::dev::DevBase;
use crate::net::core::skbuff::nlmsg_new;
use crate::net::netlink::af_netlink::NetlinkSock;
use crate::Errno;
use nlwire::uapi::rtnetlink::{RTM_DELNSID, RTM_NEWNSID, RTNLGRP_NSID};

/// `NETNSA_NSID`.
pub const NETNSA_NSID: u16 = 1;
/// `NETNSA_NSID_NOT_ASSIGNED`.
pub const NETNSA_NSID_NOT_ASSIGNED: i32 = -1;

/// A namespace's number in the kernel's list of namespaces (not an nsid).
pub type NetId = u32;

/// A pernet `init`: builds a subsystem's state in a new namespace.
pub type PernetInitFn = fn(&Arc<Net>) -> Result<(), Errno>;
/// A pernet `exit`: tears it down.
pub type PernetExitFn = fn(&Arc<Net>);

/// `struct pernet_operations`.
pub struct PernetOperations {
    pub name: &'static str,
    /// Builds the subsystem's state in a new namespace.
    pub init: Option<PernetInitFn>,
    /// Tears it down when the namespace dies.
    pub exit: Option<PernetExitFn>,
}

/// `struct net`: one network namespace.
pub struct Net {
    pub(crate) id: NetId,
    pub(crate) globals: Arc<Globals>,
    /// `ns.count`: references that keep the namespace alive.
    count: AtomicUsize,
    dead: AtomicBool,
    /// `net->rtnl`: the rtnetlink kernel socket, made by `rtnetlink_net_init`.
    pub(crate) rtnl: RwLock<Option<Arc<NetlinkSock>>>,
    /// `net->uevent_sock`: the NETLINK_KOBJECT_UEVENT kernel socket.
    pub(crate) uevent_sock: RwLock<Option<Arc<NetlinkSock>>>,
    /// The namespace's devices.
    pub(crate) dev: RwLock<DevBase>,
    /// `net->loopback_dev`.
    pub(crate) loopback_dev: RwLock<Option<Arc<crate::net::core::dev::NetDevice>>>,
    /// `net->netns_ids`: the ids this namespace knows other namespaces by.
    pub(crate) netns_ids: Mutex<BTreeMap<i32, Weak<Net>>>,
    /// `net_generic()`: state of subsystems that live outside this crate.
    generic: RwLock<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
    /// Set once the namespace is fully set up (all pernet inits ran).
    ready: OnceLock<()>,
}

impl fmt::Debug for Net {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Net").field("id", &self.id).field("count", &self.count.load(Ordering::Relaxed)).finish()
    }
}

impl Net {
    pub(crate) fn new(id: NetId, globals: Arc<Globals>) -> Self {
        Net {
            id,
            globals,
            count: AtomicUsize::new(0),
            dead: AtomicBool::new(false),
            rtnl: RwLock::new(None),
            uevent_sock: RwLock::new(None),
            dev: RwLock::new(DevBase::new()),
            loopback_dev: RwLock::new(None),
            netns_ids: Mutex::new(BTreeMap::new()),
            generic: RwLock::new(HashMap::new()),
            ready: OnceLock::new(),
        }
    }

    /// The namespace's number in the kernel (stable while it lives).
    pub fn id(&self) -> NetId {
        self.id
    }

    /// `net_eq`.
    pub fn net_eq(&self, other: &Net) -> bool {
        self.id == other.id
    }

    /// True once `cleanup_net` has started.
    pub fn is_dead(&self) -> bool {
        self.dead.load(Ordering::Acquire)
    }

    /// `net->rtnl`.
    pub fn rtnl(&self) -> Option<Arc<NetlinkSock>> {
        self.rtnl.read().clone()
    }

    /// `net_generic(net, id)`: a subsystem's per-namespace state, keyed by its type.
    pub fn generic<T: Any + Send + Sync>(&self) -> Option<Arc<T>> {
        let v = self.generic.read().get(&TypeId::of::<T>())?.clone();
        v.downcast::<T>().ok()
    }

    /// Stores a subsystem's per-namespace state (from its pernet `init`).
    pub fn set_generic<T: Any + Send + Sync>(&self, value: Arc<T>) {
        self.generic.write().insert(TypeId::of::<T>(), value);
    }

    /// Drops a subsystem's per-namespace state (from its pernet `exit`).
    pub fn clear_generic<T: Any + Send + Sync>(&self) {
        self.generic.write().remove(&TypeId::of::<T>());
    }

    /// References currently held (`refcount_read(&net->ns.count)`).
    pub fn refcount(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }
}

/// A counted reference to a namespace (`get_net` on creation and clone,
/// `put_net` on drop). The last one to go runs `cleanup_net`.
pub struct NetRef {
    net: Arc<Net>,
}

impl NetRef {
    /// `get_net`.
    pub(crate) fn get(net: &Arc<Net>) -> NetRef {
        net.count.fetch_add(1, Ordering::AcqRel);
        NetRef { net: Arc::clone(net) }
    }

    pub fn arc(&self) -> &Arc<Net> {
        &self.net
    }
}

impl Clone for NetRef {
    fn clone(&self) -> Self {
        NetRef::get(&self.net)
    }
}

impl Deref for NetRef {
    type Target = Net;
    fn deref(&self) -> &Net {
        &self.net
    }
}

impl fmt::Debug for NetRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.net.fmt(f)
    }
}

impl Drop for NetRef {
    /// `put_net`.
    fn drop(&mut self) {
        if self.net.count.fetch_sub(1, Ordering::AcqRel) == 1 {
            cleanup_net(&self.net);
        }
    }
}

/// `setup_net` as `copy_net_ns` calls it: allocate, register, run every pernet init.
pub(crate) fn copy_net_ns(globals: &Arc<Globals>) -> Result<NetRef, Errno> {
    let _span = debug_span!("copy_net_ns").entered();
    let net = {
        let mut list = globals.net_list.write();
        let entry = list.vacant_entry();
        let id = entry.key() as NetId;
        let net = Arc::new(Net::new(id, Arc::clone(globals)));
        entry.insert(Arc::downgrade(&net));
        net
    };
    let ops: Vec<Arc<PernetOperations>> = globals.pernet_list.read().clone();
    for (done, op) in ops.iter().enumerate() {
        if let Some(init) = op.init {
            let _s = debug_span!("pernet_init", subsys = op.name, net = net.id).entered();
            if let Err(e) = init(&net) {
                // setup_net's error path: undo the inits that succeeded, in reverse.
                for undo in ops[..done].iter().rev() {
                    if let Some(exit) = undo.exit {
                        exit(&net);
                    }
                }
                net.dead.store(true, Ordering::Release);
                globals.net_list.write().try_remove(net.id as usize);
                return Err(e);
            }
        }
    }
    let _ = net.ready.set(());
    Ok(NetRef::get(&net))
}

/// `cleanup_net`: other namespaces forget their id for this one
/// (RTM_DELNSID), the exit ops run in reverse order, then the namespace
/// leaves the list.
fn cleanup_net(net: &Arc<Net>) {
    let _span = debug_span!("cleanup_net", net = net.id).entered();
    net.dead.store(true, Ordering::Release);
    for other in live_nets(&net.globals) {
        if other.id == net.id {
            continue;
        }
        let id = {
            let mut ids = other.netns_ids.lock();
            let id = ids.iter().find(|(_, w)| std::ptr::eq(w.as_ptr(), Arc::as_ptr(net))).map(|(i, _)| *i);
            if let Some(i) = id {
                ids.remove(&i);
            }
            id
        };
        if let Some(id) = id {
            rtnl_net_notifyid(&other, RTM_DELNSID, id);
        }
    }
    net.netns_ids.lock().clear();
    net.globals.ns_fds.lock().retain(|(_, w)| !std::ptr::eq(w.as_ptr(), Arc::as_ptr(net)));
    let ops: Vec<Arc<PernetOperations>> = net.globals.pernet_list.read().clone();
    for op in ops.iter().rev() {
        if let Some(exit) = op.exit {
            let _s = debug_span!("pernet_exit", subsys = op.name, net = net.id).entered();
            exit(net);
        }
    }
    net.globals.net_list.write().try_remove(net.id as usize);
}

/// `register_pernet_subsys`: adds the ops and runs `init` in every live namespace.
pub(crate) fn register_pernet_subsys(globals: &Arc<Globals>, ops: PernetOperations) -> Result<(), Errno> {
    let ops = Arc::new(ops);
    // Hold the list lock so that no namespace is set up between the two steps.
    let mut list = globals.pernet_list.write();
    for net in live_nets(globals) {
        if let Some(init) = ops.init {
            init(&net)?;
        }
    }
    list.push(ops);
    Ok(())
}

/// `for_each_net`: the namespaces that are alive now.
pub(crate) fn live_nets(globals: &Globals) -> Vec<Arc<Net>> {
    globals.net_list.read().iter().filter_map(|(_, w)| w.upgrade()).filter(|n| !n.is_dead()).collect()
}

/// `__peernet2id`: the id `net` knows `peer` by (none for itself unless assigned).
pub fn peernet2id(net: &Net, peer: &Net) -> i32 {
    net.netns_ids
        .lock()
        .iter()
        .find(|(_, w)| std::ptr::eq(w.as_ptr(), peer as *const Net))
        .map_or(NETNSA_NSID_NOT_ASSIGNED, |(i, _)| *i)
}

/// `peernet2id_alloc`: the id `net` knows `peer` by, allocating the lowest
/// free one (and announcing it with RTM_NEWNSID on RTNLGRP_NSID) if none.
pub fn peernet2id_alloc(net: &Arc<Net>, peer: &Arc<Net>, _nlh: Option<&[u8]>) -> i32 {
    if net.refcount() == 0 || net.is_dead() {
        return NETNSA_NSID_NOT_ASSIGNED;
    }
    let id = peernet2id(net, peer);
    if id >= 0 {
        return id;
    }
    if peer.is_dead() {
        return NETNSA_NSID_NOT_ASSIGNED;
    }
    let id = {
        let mut ids = net.netns_ids.lock();
        let mut id = 0;
        while ids.contains_key(&id) {
            id += 1;
        }
        ids.insert(id, Arc::downgrade(peer));
        id
    };
    rtnl_net_notifyid(net, RTM_NEWNSID, id);
    id
}

/// `get_net_ns_by_id`: the namespace `net` knows by `id`.
pub fn get_net_ns_by_id(net: &Net, id: i32) -> Option<Arc<Net>> {
    if id < 0 {
        return None;
    }
    net.netns_ids.lock().get(&id).and_then(Weak::upgrade).filter(|n| !n.is_dead())
}

/// `rtnl_net_notifyid`: RTM_NEWNSID / RTM_DELNSID (rtgenmsg + NETNSA_NSID).
pub fn rtnl_net_notifyid(net: &Net, cmd: u16, id: i32) {
    let mut skb = nlmsg_new(nlwire::nlmsg_align(1) + nlwire::nla_total_size(4) * 3);
    let Some(nlh) = skb.nlmsg_put(0, 0, cmd, 1, 0) else { return };
    if skb.nla_put_s32(NETNSA_NSID, id).is_err() {
        return;
    }
    skb.nlmsg_end(nlh);
    crate::net::core::rtnetlink::rtnl_notify(skb, net, 0, RTNLGRP_NSID, None);
}

/// `get_net_ns_by_fd`: the simulated namespace file descriptors of
/// [`NetRef::ns_fd`] (EBADF for one that does not exist).
pub fn get_net_ns_by_fd(globals: &Globals, fd: i32) -> Result<Arc<Net>, Errno> {
    globals
        .ns_fds
        .lock()
        .iter()
        .find(|(f, _)| *f == fd)
        .and_then(|(_, w)| w.upgrade())
        .filter(|n| !n.is_dead())
        .ok_or(Errno::EBADF)
}

impl NetRef {
    /// A file descriptor number for this namespace, as `open("/var/run/netns/NAME")`
    /// would give, for IFLA_NET_NS_FD. Stable while the namespace lives.
    pub fn ns_fd(&self) -> i32 {
        let mut fds = self.globals.ns_fds.lock();
        if let Some((f, _)) = fds.iter().find(|(_, w)| std::ptr::eq(w.as_ptr(), Arc::as_ptr(self.arc()))) {
            return *f;
        }
        let fd = fds.iter().map(|(f, _)| *f).max().map_or(NS_FD_BASE, |m| m + 1);
        fds.push((fd, Arc::downgrade(self.arc())));
        fd
    }
}

/// Simulated namespace descriptors start here, clear of real ones in a test process.
pub const NS_FD_BASE: i32 = 1 << 20;
