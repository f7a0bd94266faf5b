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
use std::collections::HashMap;
use std::fmt;
use std::ops::Deref;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use parking_lot::RwLock;
use tracing::debug_span;

use crate::kernel::Globals;
use crate::net::netlink::af_netlink::NetlinkSock;
use crate::Errno;

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

/// `cleanup_net`: the exit ops in reverse order, then the namespace leaves the list.
fn cleanup_net(net: &Arc<Net>) {
    let _span = debug_span!("cleanup_net", net = net.id).entered();
    net.dead.store(true, Ordering::Release);
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
