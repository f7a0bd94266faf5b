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
use crate::net::core::skbuff::{nlmsg_new, SkBuff};
use crate::net::netlink::af_netlink::{NetlinkCallback, NetlinkRcvSkb, NetlinkSock};
use crate::Errno;
use nlwire::policy::{nlmsg_parse_deprecated, nlmsg_parse_deprecated_strict, ExtAck, NlaPolicy, NlaType, Tb};
use nlwire::uapi::net_namespace::{NETNSA_CURRENT_NSID, NETNSA_FD, NETNSA_MAX, NETNSA_PID, NETNSA_TARGET_NSID};
use nlwire::uapi::rtnetlink::{RTM_DELNSID, RTM_GETNSID, RTM_NEWNSID, RTNLGRP_NSID};
use nlwire::{NlMsgHdr, Nla};

pub use nlwire::uapi::net_namespace::{NETNSA_NSID, NETNSA_NSID_NOT_ASSIGNED};

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
            rtnl_net_notifyid(&other, RTM_DELNSID, id, 0, None);
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
    rtnl_net_notifyid(net, RTM_NEWNSID, id, 0, None);
    id
}

/// `get_net_ns_by_id`: the namespace `net` knows by `id`.
pub fn get_net_ns_by_id(net: &Net, id: i32) -> Option<Arc<Net>> {
    if id < 0 {
        return None;
    }
    net.netns_ids.lock().get(&id).and_then(Weak::upgrade).filter(|n| !n.is_dead())
}

/// `rtnl_net_notifyid`: RTM_NEWNSID / RTM_DELNSID on RTNLGRP_NSID, from
/// the kernel (`portid` 0, no request) or for a request (`rtnl_net_newid`).
pub fn rtnl_net_notifyid(net: &Net, cmd: u16, id: i32, portid: u32, nlh: Option<&[u8]>) {
    let mut skb = nlmsg_new(rtnl_net_get_size());
    let args = NetFillArgs {
        portid,
        seq: nlh.map_or(0, |n| NlMsgHdr::new_unchecked(n).nlmsg_seq()),
        cmd,
        nsid: id,
        ..Default::default()
    };
    if rtnl_net_fill(&mut skb, &args).is_err() {
        return;
    }
    let flags = nlh.map(|n| NlMsgHdr::new_unchecked(n).nlmsg_flags());
    crate::net::core::rtnetlink::rtnl_notify(skb, net, portid, RTNLGRP_NSID, flags);
}

/// `net_ns_init`'s rtnetlink part: the NSID handlers, which take no rtnl_mutex.
pub(crate) fn net_ns_init(globals: &Arc<Globals>) -> Result<(), Errno> {
    use crate::net::core::rtnetlink::{
        rtnl_register_many, RtnlMsgHandler, RTNL_FLAG_DOIT_UNLOCKED, RTNL_FLAG_DUMP_UNLOCKED,
    };
    use nlwire::uapi::socket::PF_UNSPEC;
    rtnl_register_many(
        globals,
        &[
            RtnlMsgHandler {
                protocol: PF_UNSPEC,
                msgtype: RTM_NEWNSID,
                doit: Some(rtnl_net_newid),
                dumpit: None,
                flags: RTNL_FLAG_DOIT_UNLOCKED,
            },
            RtnlMsgHandler {
                protocol: PF_UNSPEC,
                msgtype: RTM_GETNSID,
                doit: Some(rtnl_net_getid),
                dumpit: Some(rtnl_net_dumpid),
                flags: RTNL_FLAG_DOIT_UNLOCKED | RTNL_FLAG_DUMP_UNLOCKED,
            },
        ],
    )
}

/// `rtnl_net_policy`.
static RTNL_NET_POLICY: [NlaPolicy; NETNSA_N] = {
    let mut p = [NlaPolicy::UNSPEC; NETNSA_N];
    p[NETNSA_NSID as usize] = NlaPolicy::of(NlaType::S32);
    p[NETNSA_PID as usize] = NlaPolicy::of(NlaType::U32);
    p[NETNSA_FD as usize] = NlaPolicy::of(NlaType::U32);
    p[NETNSA_TARGET_NSID as usize] = NlaPolicy::of(NlaType::S32);
    p
};
const NETNSA_N: usize = NETNSA_MAX as usize + 1;
/// `sizeof(struct rtgenmsg)`.
const RTGENMSG_LEN: usize = 1;

/// `rtnl_net_get_size`: rtgenmsg, NETNSA_NSID and NETNSA_CURRENT_NSID.
fn rtnl_net_get_size() -> usize {
    nlwire::nlmsg_align(RTGENMSG_LEN) + nlwire::nla_total_size(4) + nlwire::nla_total_size(4)
}

/// `struct net_fill_args`.
#[derive(Default)]
struct NetFillArgs {
    portid: u32,
    seq: u32,
    flags: u16,
    cmd: u16,
    nsid: i32,
    add_ref: bool,
    ref_nsid: i32,
}

/// `rtnl_net_fill`: one RTM_NEWNSID / RTM_DELNSID message.
fn rtnl_net_fill(skb: &mut SkBuff, args: &NetFillArgs) -> Result<(), Errno> {
    let nlh = skb.nlmsg_put(args.portid, args.seq, args.cmd, RTGENMSG_LEN, args.flags).ok_or(Errno::EMSGSIZE)?;
    // rtgen_family = AF_UNSPEC: the payload is already zero.
    let put = (|| {
        skb.nla_put_s32(NETNSA_NSID, args.nsid)?;
        if args.add_ref {
            skb.nla_put_s32(NETNSA_CURRENT_NSID, args.ref_nsid)?;
        }
        Ok::<(), Errno>(())
    })();
    match put {
        Ok(()) => {
            skb.nlmsg_end(nlh);
            Ok(())
        }
        Err(_) => {
            skb.nlmsg_cancel(nlh);
            Err(Errno::EMSGSIZE)
        }
    }
}

/// `get_net_ns_by_pid`: every simulated process lives in the initial
/// namespace, so only the simulated process id resolves (ESRCH otherwise).
pub fn get_net_ns_by_pid(globals: &Globals, pid: u32) -> Result<Arc<Net>, Errno> {
    if pid == globals.config.pid {
        globals.init_net().ok_or(Errno::ESRCH)
    } else {
        Err(Errno::ESRCH)
    }
}

/// The peer named by NETNSA_PID or NETNSA_FD (and NETNSA_NSID where allowed),
/// with the attribute that named it, for `NL_SET_BAD_ATTR`.
fn rtnl_net_peer<'a>(
    net: &Net,
    tb: &Tb<'a, NETNSA_N>,
    by_nsid: bool,
    extack: &mut ExtAck,
) -> Result<(Arc<Net>, Nla<&'a [u8]>), Errno> {
    let (peer, nla) = if let Some(nla) = tb.get(NETNSA_PID) {
        (get_net_ns_by_pid(&net.globals, nla.get_u32()), nla)
    } else if let Some(nla) = tb.get(NETNSA_FD) {
        (get_net_ns_by_fd(&net.globals, nla.get_u32() as i32), nla)
    } else if let Some(nla) = tb.get(NETNSA_NSID).filter(|_| by_nsid) {
        (get_net_ns_by_id(net, nla.get_s32()).ok_or(Errno::ENOENT), nla)
    } else {
        extack.set_msg("Peer netns reference is missing");
        return Err(Errno::EINVAL);
    };
    match peer {
        Ok(p) => Ok((p, nla)),
        Err(e) => {
            extack.set_msg_attr(nla.bytes_ref(), "Peer netns reference is invalid");
            Err(e)
        }
    }
}

/// `rtnl_net_newid` (RTM_NEWNSID): number a peer namespace, with the id asked
/// for or (a negative one) the lowest free.
pub(crate) fn rtnl_net_newid(skb: &NetlinkRcvSkb<'_>, nlh: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("rtnl_net_newid").entered();
    let net = skb.net();
    let tb = nlmsg_parse_deprecated::<NETNSA_N>(nlh, RTGENMSG_LEN, Some(&RTNL_NET_POLICY), extack)?;
    let Some(nsid_attr) = tb.get(NETNSA_NSID) else {
        extack.set_msg("nsid is missing");
        return Err(Errno::EINVAL);
    };
    let nsid = nsid_attr.get_s32();
    let (peer, nla) = rtnl_net_peer(net, &tb, false, extack)?;
    let err = {
        let mut ids = net.netns_ids.lock();
        if ids.values().any(|w| std::ptr::eq(w.as_ptr(), Arc::as_ptr(&peer))) {
            extack.set_msg_attr(nla.bytes_ref(), "Peer netns already has a nsid assigned");
            return Err(Errno::EEXIST);
        }
        alloc_netid(&mut ids, &peer, nsid)
    };
    match err {
        Ok(id) => {
            rtnl_net_notifyid(net, RTM_NEWNSID, id, skb.cb.portid, Some(nlh));
            Ok(())
        }
        Err(Errno::ENOSPC) if nsid >= 0 => {
            extack.set_msg_attr(nsid_attr.bytes_ref(), "The specified nsid is already used");
            Err(Errno::EEXIST)
        }
        Err(e) => Err(e),
    }
}

/// `alloc_netid`: `idr_alloc` of `reqid` (or, when negative, the lowest free
/// id); ENOSPC when `reqid` is taken. A namespace may be numbered in itself,
/// as 6.18's `alloc_netid` allows.
fn alloc_netid(ids: &mut BTreeMap<i32, Weak<Net>>, peer: &Arc<Net>, reqid: i32) -> Result<i32, Errno> {
    let id = if reqid >= 0 {
        if ids.contains_key(&reqid) {
            return Err(Errno::ENOSPC);
        }
        reqid
    } else {
        (0..).find(|i| !ids.contains_key(i)).unwrap_or(0)
    };
    ids.insert(id, Arc::downgrade(peer));
    Ok(id)
}

/// `rtnl_net_valid_getid_req`.
fn rtnl_net_valid_getid_req<'a>(
    skb: &NetlinkRcvSkb<'_>,
    nlh: &'a [u8],
    extack: &mut ExtAck,
) -> Result<Tb<'a, NETNSA_N>, Errno> {
    if !skb.sk.strict_check() {
        return nlmsg_parse_deprecated::<NETNSA_N>(nlh, RTGENMSG_LEN, Some(&RTNL_NET_POLICY), extack);
    }
    let tb = nlmsg_parse_deprecated_strict::<NETNSA_N>(nlh, RTGENMSG_LEN, Some(&RTNL_NET_POLICY), extack)?;
    for i in 0..NETNSA_N as u16 {
        if tb.has(i) && !matches!(i, NETNSA_PID | NETNSA_FD | NETNSA_NSID | NETNSA_TARGET_NSID) {
            extack.set_msg("Unsupported attribute in peer netns getid request");
            return Err(Errno::EINVAL);
        }
    }
    Ok(tb)
}

/// `rtnl_net_getid` (RTM_GETNSID): the id the requester's namespace (or
/// NETNSA_TARGET_NSID's) knows a peer by, -1 if none; answered as RTM_NEWNSID.
pub(crate) fn rtnl_net_getid(skb: &NetlinkRcvSkb<'_>, nlh: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("rtnl_net_getid").entered();
    let net = skb.net();
    let tb = rtnl_net_valid_getid_req(skb, nlh, extack)?;
    let (peer, _) = rtnl_net_peer(net, &tb, true, extack)?;
    let mut args = NetFillArgs {
        portid: skb.cb.portid,
        seq: NlMsgHdr::new_unchecked(nlh).nlmsg_seq(),
        cmd: RTM_NEWNSID,
        ..Default::default()
    };
    let mut target = Arc::clone(net);
    if let Some(t) = tb.get(NETNSA_TARGET_NSID) {
        target = match rtnl_get_net_ns_capable(skb, t.get_s32()) {
            Ok(n) => n,
            Err(e) => {
                extack.set_msg_attr(t.bytes_ref(), "Target netns reference is invalid");
                return Err(e);
            }
        };
        args.add_ref = true;
        args.ref_nsid = peernet2id(net, &peer);
    }
    let mut msg = nlmsg_new(rtnl_net_get_size());
    args.nsid = peernet2id(&target, &peer);
    rtnl_net_fill(&mut msg, &args)?;
    crate::net::core::rtnetlink::rtnl_unicast(msg, net, skb.cb.portid)
}

/// `rtnl_get_net_ns_capable`: the namespace `id` names, which the requester
/// must administer (`sk_ns_capable`: the socket's opener and the current
/// task both hold CAP_NET_ADMIN) — EINVAL for no such id, EACCES without.
pub(crate) fn rtnl_get_net_ns_capable(skb: &NetlinkRcvSkb<'_>, id: i32) -> Result<Arc<Net>, Errno> {
    let net = get_net_ns_by_id(skb.net(), id).ok_or(Errno::EINVAL)?;
    let cap = crate::cred::CAP_NET_ADMIN;
    if !(skb.sk.file_creds().capable(cap) && skb.sk.task_creds().capable(cap)) {
        return Err(Errno::EACCES);
    }
    Ok(net)
}

/// `rtnl_valid_dump_net_req`: a strict dump request may carry only
/// NETNSA_TARGET_NSID; returns the namespace to list, if it names one.
fn rtnl_valid_dump_net_req(cb: &mut NetlinkCallback) -> Result<Option<Arc<Net>>, Errno> {
    let nlh = cb.nlh.clone();
    let mut extack = std::mem::take(&mut cb.extack);
    let r = (|| {
        let tb = nlmsg_parse_deprecated_strict::<NETNSA_N>(&nlh, RTGENMSG_LEN, Some(&RTNL_NET_POLICY), &mut extack)?;
        let mut target = None;
        for i in 0..NETNSA_N as u16 {
            let Some(a) = tb.get(i) else { continue };
            if i != NETNSA_TARGET_NSID {
                extack.set_msg_attr(a.bytes_ref(), "Unsupported attribute in dump request");
                return Err(Errno::EINVAL);
            }
            // rtnl_get_net_ns_capable(sk, id)
            let net = match get_net_ns_by_id(&cb.net, a.get_s32()) {
                None => Err(Errno::EINVAL),
                Some(_) if !cb.sk_capable(crate::cred::CAP_NET_ADMIN) => Err(Errno::EACCES),
                Some(n) => Ok(n),
            };
            match net {
                Ok(n) => target = Some(n),
                Err(e) => {
                    extack.set_msg_attr(a.bytes_ref(), "Invalid target network namespace id");
                    return Err(e);
                }
            }
        }
        Ok(target)
    })();
    cb.extack = extack;
    r
}

/// `rtnl_net_dumpid` (RTM_GETNSID with NLM_F_DUMP): every id the namespace
/// (or NETNSA_TARGET_NSID's) has given, in id order (`idr_for_each`).
pub(crate) fn rtnl_net_dumpid(skb: &mut SkBuff, cb: &mut NetlinkCallback) -> Result<usize, Errno> {
    let _s = debug_span!("rtnl_net_dumpid").entered();
    let mut tgt_net = Arc::clone(&cb.net);
    let mut ref_net = None;
    if cb.strict_check {
        if let Some(t) = rtnl_valid_dump_net_req(cb)? {
            ref_net = Some(std::mem::replace(&mut tgt_net, t));
        }
    }
    let mut args = NetFillArgs {
        portid: cb.portid,
        seq: cb.nlh().nlmsg_seq(),
        flags: nlwire::uapi::netlink::NLM_F_MULTI,
        cmd: RTM_NEWNSID,
        add_ref: ref_net.is_some(),
        ..Default::default()
    };
    let ids: Vec<(i32, Weak<Net>)> = tgt_net.netns_ids.lock().iter().map(|(i, w)| (*i, w.clone())).collect();
    let s_idx = cb.args[0];
    let mut idx = 0i64;
    let mut res = Ok(());
    for (id, peer) in ids {
        if idx >= s_idx {
            args.nsid = id;
            if let Some(r) = &ref_net {
                args.ref_nsid = peer.upgrade().map_or(NETNSA_NSID_NOT_ASSIGNED, |p| peernet2id(r, &p));
            }
            if let Err(e) = rtnl_net_fill(skb, &args) {
                res = Err(e);
                break;
            }
        }
        idx += 1;
    }
    cb.args[0] = idx;
    // idr_for_each stops at the first error, which rtnl_net_dumpid does not
    // return: the chunk goes out and, if it has no room left for NLMSG_DONE,
    // the next one starts at the id that did not fit (with room, the dump
    // ends there, as on Linux).
    let _ = res;
    Ok(0)
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
        // Never a number a dead namespace had: a stale descriptor must not
        // name a newer namespace.
        let fd = NS_FD_BASE + self.globals.ns_fd_next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        fds.push((fd, Arc::downgrade(self.arc())));
        fd
    }
}

/// Simulated namespace descriptors start here, clear of real ones in a test process.
pub const NS_FD_BASE: i32 = 1 << 20;
