//! rtnetlink: each namespace's NETLINK_ROUTE kernel socket, the handler
//! table, and the request path into it (net/core/rtnetlink.c).
//!
//! `rtnetlink_net_init` (a pernet init) makes `net->rtnl` with
//! `netlink_kernel_create(net, NETLINK_ROUTE, cfg)`. A request goes
//! `netlink_sendmsg → netlink_unicast → rtnetlink_rcv → netlink_rcv_skb →
//! rtnetlink_rcv_msg`, which checks type, length and capability, picks the
//! handler from `rtnl_msg_handlers[family][type - RTM_BASE]` (falling back to
//! PF_UNSPEC), and either starts a dump or runs the doit under `rtnl_lock`.
//! A lookup is two array indexes under a read lock: no hashing, no allocation.
//!
//! Linux 6.18 no longer passes `cb_mutex = &rtnl_mutex` in the cfg (since
//! 6.10): dumps take `rtnl_lock` inside `rtnl_dumpit` unless the handler is
//! flagged RTNL_FLAG_DUMP_UNLOCKED. We do as 6.18 does.

pub mod fill;
pub mod link;
pub mod link_ops;

use std::any::Any;
use std::sync::Arc;

use parking_lot::{Mutex, MutexGuard, RwLock};
use tracing::debug_span;

use crate::cred::{Credentials, CAP_NET_ADMIN};
use crate::kernel::Globals;
use crate::net::core::dev::{register_netdevice_notifier, NetDevice, NetdevEvent, NetdevNotifierInfo};
use crate::net::core::net_namespace::{register_pernet_subsys, Net, PernetOperations};
use crate::net::core::skbuff::SkBuff;
use crate::net::netlink::af_netlink::{
    netlink_dump_start, netlink_kernel_create, netlink_kernel_release, netlink_net_capable, netlink_rcv_skb,
    nlmsg_notify, nlmsg_unicast, NetlinkCallback, NetlinkDumpControl, NetlinkKernelCfg, NetlinkRcvSkb,
};
use crate::Errno;
use nlwire::policy::ExtAck;
use nlwire::uapi::netlink::{NETLINK_ROUTE, NLM_F_BULK, NLM_F_DUMP, NLM_F_ECHO, NL_CFG_F_NONROOT_RECV};
use nlwire::uapi::rtnetlink::*;
use nlwire::uapi::socket::{PF_PACKET, PF_UNSPEC};
use nlwire::NlMsgHdr;

/// `RTNL_FAMILY_MAX`: the handler table has a row for families 0..=129.
pub const RTNL_FAMILY_MAX: usize = 129;

// enum rtnl_link_flags
/// The doit runs without rtnl_lock (`RTNL_FLAG_DOIT_PERNET` is the same bit).
pub const RTNL_FLAG_DOIT_UNLOCKED: u32 = 1 << 0;
pub const RTNL_FLAG_DOIT_PERNET: u32 = RTNL_FLAG_DOIT_UNLOCKED;
/// DEL with NLM_F_BULK is accepted.
pub const RTNL_FLAG_BULK_DEL_SUPPORTED: u32 = 1 << 1;
/// The dumpit runs without rtnl_lock.
pub const RTNL_FLAG_DUMP_UNLOCKED: u32 = 1 << 2;
/// NLMSG_DONE always comes in a datagram of its own.
pub const RTNL_FLAG_DUMP_SPLIT_NLM_DONE: u32 = 1 << 3;

/// `enum rtnl_kinds`: `(type - RTM_BASE) & 3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RtnlKind {
    New,
    Del,
    Get,
    Set,
}

/// `rtnl_msgtype_kind`.
pub fn rtnl_msgtype_kind(msgtype: u16) -> RtnlKind {
    match (msgtype.wrapping_sub(RTM_BASE)) & 3 {
        0 => RtnlKind::New,
        1 => RtnlKind::Del,
        2 => RtnlKind::Get,
        _ => RtnlKind::Set,
    }
}

/// `rtnl_doit_func`: one request message (`nlmsg_len` bytes).
pub type RtnlDoitFn = fn(&NetlinkRcvSkb<'_>, &[u8], &mut ExtAck) -> Result<(), Errno>;
/// `rtnl_dumpit_func`.
pub type RtnlDumpitFn = fn(&mut SkBuff, &mut NetlinkCallback) -> Result<usize, Errno>;
/// `rtnl_calcit_func`: the buffer a dump's messages need (`min_dump_alloc`).
pub type RtnlCalcitFn = fn(&NetlinkRcvSkb<'_>, &[u8]) -> u32;

/// `struct rtnl_link`: one cell of the handler table.
#[derive(Clone, Copy, Default)]
pub struct RtnlLink {
    pub doit: Option<RtnlDoitFn>,
    pub dumpit: Option<RtnlDumpitFn>,
    pub calcit: Option<RtnlCalcitFn>,
    pub flags: u32,
}

/// `struct rtnl_msg_handler`: an entry for `rtnl_register_many`.
#[derive(Clone, Copy)]
pub struct RtnlMsgHandler {
    pub protocol: u8,
    pub msgtype: u16,
    pub doit: Option<RtnlDoitFn>,
    pub dumpit: Option<RtnlDumpitFn>,
    pub flags: u32,
}

type HandlerRow = Box<[RtnlLink; RTM_NR_MSGTYPES]>;

/// rtnetlink's global state: `rtnl_mutex` and `rtnl_msg_handlers`.
pub(crate) struct RtnlGlobals {
    pub rtnl_mutex: Mutex<()>,
    handlers: RwLock<Vec<Option<HandlerRow>>>,
}

impl RtnlGlobals {
    pub fn new() -> Self {
        RtnlGlobals { rtnl_mutex: Mutex::new(()), handlers: RwLock::new((0..=RTNL_FAMILY_MAX).map(|_| None).collect()) }
    }

    /// `rtnl_get_link`: the cell for (protocol, msgtype index), with the
    /// PF_UNSPEC row standing in for a family that has no row at all.
    fn get_link(&self, protocol: usize, msgindex: usize) -> Option<RtnlLink> {
        let h = self.handlers.read();
        let protocol = if protocol > RTNL_FAMILY_MAX { PF_UNSPEC as usize } else { protocol };
        let row = h[protocol].as_ref().or(h[PF_UNSPEC as usize].as_ref())?;
        row.get(msgindex).copied()
    }
}

/// One filled cell of the handler table, as [`crate::Kernel::rtnl_handlers`] lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtnlHandlerEntry {
    pub protocol: u8,
    pub msgtype: u16,
    pub doit: bool,
    pub dumpit: bool,
    pub calcit: bool,
    /// `RTNL_FLAG_*`.
    pub flags: u32,
}

impl RtnlGlobals {
    /// Every filled cell, by protocol then message type.
    pub(crate) fn entries(&self) -> Vec<RtnlHandlerEntry> {
        let h = self.handlers.read();
        let mut v = Vec::new();
        for (protocol, row) in h.iter().enumerate() {
            let Some(row) = row else { continue };
            for (i, c) in row.iter().enumerate() {
                if c.doit.is_some() || c.dumpit.is_some() || c.calcit.is_some() {
                    v.push(RtnlHandlerEntry {
                        protocol: protocol as u8,
                        msgtype: RTM_BASE + i as u16,
                        doit: c.doit.is_some(),
                        dumpit: c.dumpit.is_some(),
                        calcit: c.calcit.is_some(),
                        flags: c.flags,
                    });
                }
            }
        }
        v
    }
}

/// A held `rtnl_lock`. Dropping it is `rtnl_unlock`, which here also runs
/// the pending linkwatch work (`netdev_run_todo` / the linkwatch workqueue),
/// so the state changes a request caused are announced before it returns.
pub struct RtnlGuard<'a> {
    guard: Option<MutexGuard<'a, ()>>,
    globals: &'a Globals,
}

impl Drop for RtnlGuard<'_> {
    fn drop(&mut self) {
        crate::net::core::link_watch::linkwatch_run_queue(self.globals);
        self.guard.take();
        RTNL_HELD.with(|h| h.set(false));
    }
}

thread_local! {
    /// This thread holds `rtnl_mutex` (`ASSERT_RTNL` would pass).
    static RTNL_HELD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// `rtnl_is_locked()`, for the holder: whether this thread holds
/// `rtnl_mutex` (parking_lot's mutex is not reentrant, so code reached both
/// with and without it asks before locking).
pub fn rtnl_held_here() -> bool {
    RTNL_HELD.with(|h| h.get())
}

/// `rtnl_lock`.
pub fn rtnl_lock(net: &Net) -> RtnlGuard<'_> {
    let guard = net.globals.rtnl.rtnl_mutex.lock();
    RTNL_HELD.with(|h| h.set(true));
    RtnlGuard { guard: Some(guard), globals: &net.globals }
}

/// `rtnl_register_internal`: fills (or adds to) one cell; flags are ORed.
fn rtnl_register_internal(
    globals: &Globals,
    protocol: u8,
    msgtype: u16,
    doit: Option<RtnlDoitFn>,
    dumpit: Option<RtnlDumpitFn>,
    calcit: Option<RtnlCalcitFn>,
    flags: u32,
) -> Result<(), Errno> {
    if protocol as usize > RTNL_FAMILY_MAX || !(RTM_BASE..=RTM_MAX).contains(&msgtype) {
        return Err(Errno::EINVAL);
    }
    let mut h = globals.rtnl.handlers.write();
    let row = h[protocol as usize].get_or_insert_with(|| Box::new([RtnlLink::default(); RTM_NR_MSGTYPES]));
    let cell = &mut row[(msgtype - RTM_BASE) as usize];
    if doit.is_some() {
        cell.doit = doit;
    }
    if dumpit.is_some() {
        cell.dumpit = dumpit;
    }
    if calcit.is_some() {
        cell.calcit = calcit;
    }
    cell.flags |= flags;
    Ok(())
}

/// `rtnl_register(protocol, msgtype, doit, dumpit, calcit)`.
pub(crate) fn rtnl_register(
    globals: &Globals,
    protocol: u8,
    msgtype: u16,
    doit: Option<RtnlDoitFn>,
    dumpit: Option<RtnlDumpitFn>,
    calcit: Option<RtnlCalcitFn>,
) -> Result<(), Errno> {
    rtnl_register_internal(globals, protocol, msgtype, doit, dumpit, calcit, 0)
}

/// `rtnl_register_many`: all or nothing.
pub(crate) fn rtnl_register_many(globals: &Globals, handlers: &[RtnlMsgHandler]) -> Result<(), Errno> {
    for (i, h) in handlers.iter().enumerate() {
        if let Err(e) = rtnl_register_internal(globals, h.protocol, h.msgtype, h.doit, h.dumpit, None, h.flags) {
            for undo in &handlers[..i] {
                rtnl_unregister(globals, undo.protocol, undo.msgtype);
            }
            return Err(e);
        }
    }
    Ok(())
}

/// `rtnl_unregister`: empties one cell.
pub(crate) fn rtnl_unregister(globals: &Globals, protocol: u8, msgtype: u16) {
    if protocol as usize > RTNL_FAMILY_MAX || !(RTM_BASE..=RTM_MAX).contains(&msgtype) {
        return;
    }
    let mut h = globals.rtnl.handlers.write();
    if let Some(row) = h[protocol as usize].as_mut() {
        row[(msgtype - RTM_BASE) as usize] = RtnlLink::default();
    }
}

/// `rtnl_unregister_all`: drops a family's row.
pub(crate) fn rtnl_unregister_all(globals: &Globals, protocol: u8) {
    if (protocol as usize) <= RTNL_FAMILY_MAX {
        globals.rtnl.handlers.write()[protocol as usize] = None;
    }
}

/// `rtnetlink_bind`: the multicast-routing report groups need CAP_NET_ADMIN.
fn rtnetlink_bind(_net: &Arc<Net>, task: &Credentials, group: u32) -> Result<(), Errno> {
    match group {
        RTNLGRP_IPV4_MROUTE_R | RTNLGRP_IPV6_MROUTE_R if !task.capable(CAP_NET_ADMIN) => Err(Errno::EPERM),
        _ => Ok(()),
    }
}

/// `rtnetlink_net_init`: `net->rtnl`.
fn rtnetlink_net_init(net: &Arc<Net>) -> Result<(), Errno> {
    let cfg = NetlinkKernelCfg {
        groups: RTNLGRP_MAX,
        input: Some(Arc::new(rtnetlink_rcv)),
        flags: NL_CFG_F_NONROOT_RECV,
        bind: Some(rtnetlink_bind),
        ..Default::default()
    };
    let sk = netlink_kernel_create(net, NETLINK_ROUTE, cfg)?;
    *net.rtnl.write() = Some(sk);
    Ok(())
}

/// `rtnetlink_net_exit`.
fn rtnetlink_net_exit(net: &Arc<Net>) {
    if let Some(sk) = net.rtnl.write().take() {
        netlink_kernel_release(&sk);
    }
}

/// `rtnetlink_rcv`: the rtnl socket's `input`.
///
/// Work the requests queued to run at once (`queue_delayed_work(…, 0)`:
/// the first DAD step of an address that needs none, `check_lifetime`
/// after an address change) runs when the whole datagram has been handled
/// and acked, as Linux's workqueue would run it just after: a timer due now
/// on the virtual clock (docs/divergences.md, "Zero-delay work").
pub fn rtnetlink_rcv(skb: &NetlinkRcvSkb<'_>) {
    {
        let _s = debug_span!("rtnetlink_rcv", portid = skb.cb.portid, len = skb.data.len()).entered();
        netlink_rcv_skb(skb, &rtnetlink_rcv_msg);
    }
    crate::time::run_due_timers(&skb.net().globals);
}

/// `rtnetlink_rcv_msg`: from one request message to its handler.
pub fn rtnetlink_rcv_msg(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let nlh = NlMsgHdr::new_unchecked(msg);
    let ty = nlh.nlmsg_type();
    let _s = debug_span!("rtnetlink_rcv_msg", ty, seq = nlh.nlmsg_seq()).entered();
    if ty > RTM_MAX {
        return Err(Errno::EOPNOTSUPP);
    }
    let msgindex = (ty - RTM_BASE) as usize;
    // All messages carry at least the one-byte rtgenmsg.
    let Some(&family) = nlh.payload().first() else {
        return Ok(());
    };
    let kind = rtnl_msgtype_kind(ty);
    if kind != RtnlKind::Get && !netlink_net_capable(skb, CAP_NET_ADMIN) {
        return Err(Errno::EPERM);
    }
    let globals = &skb.net().globals;

    if kind == RtnlKind::Get && nlh.nlmsg_flags() & NLM_F_DUMP != 0 {
        let link = match globals.rtnl.get_link(family as usize, msgindex) {
            Some(l) if l.dumpit.is_some() => l,
            _ => match globals.rtnl.get_link(PF_UNSPEC as usize, msgindex) {
                Some(l) if l.dumpit.is_some() => l,
                _ => return Err(Errno::EOPNOTSUPP),
            },
        };
        let (Some(dumpit), flags) = (link.dumpit, link.flags) else {
            return Err(Errno::EOPNOTSUPP);
        };
        let min_dump_alloc = link.calcit.map_or(0, |c| c(skb, msg));
        let rtnl = skb.net().rtnl().ok_or(Errno::ECONNREFUSED)?;
        let data: Arc<dyn Any + Send + Sync> = Arc::new(dumpit);
        let control = NetlinkDumpControl {
            start: None,
            dump: Arc::new(rtnl_dumpit),
            done: None,
            data: Some(data),
            min_dump_alloc,
            flags,
        };
        return netlink_dump_start(&rtnl, skb, msg, control);
    }

    let link = match globals.rtnl.get_link(family as usize, msgindex) {
        Some(l) if l.doit.is_some() => l,
        _ => match globals.rtnl.get_link(PF_UNSPEC as usize, msgindex) {
            Some(l) if l.doit.is_some() => l,
            _ => return Err(Errno::EOPNOTSUPP),
        },
    };
    let Some(doit) = link.doit else {
        return Err(Errno::EOPNOTSUPP);
    };
    if kind == RtnlKind::Del && nlh.nlmsg_flags() & NLM_F_BULK != 0 && link.flags & RTNL_FLAG_BULK_DEL_SUPPORTED == 0 {
        extack.set_msg("Bulk delete is not supported");
        return Err(Errno::EOPNOTSUPP);
    }
    if link.flags & RTNL_FLAG_DOIT_UNLOCKED != 0 {
        return doit(skb, msg, extack);
    }
    let _rtnl = rtnl_lock(skb.net());
    doit(skb, msg, extack)
}

/// `rtnl_dumpit`: runs the real dumpit (kept in `cb->data`) under rtnl_lock
/// unless unlocked, and for DUMP_SPLIT_NLM_DONE handlers keeps NLMSG_DONE out
/// of the last data chunk: they always report "more" once, then 0.
fn rtnl_dumpit(skb: &mut SkBuff, cb: &mut NetlinkCallback) -> Result<usize, Errno> {
    let Some(dumpit) = cb.data.as_ref().and_then(|d| d.downcast_ref::<RtnlDumpitFn>()).copied() else {
        // The previous call already finished.
        return Ok(0);
    };
    let needs_lock = cb.flags & RTNL_FLAG_DUMP_UNLOCKED == 0;
    let net = Arc::clone(&cb.net);
    let err = {
        let _g = needs_lock.then(|| rtnl_lock(&net));
        dumpit(skb, cb)
    };
    if cb.flags & RTNL_FLAG_DUMP_SPLIT_NLM_DONE != 0 {
        match err {
            Err(e) if e != Errno::EMSGSIZE => return Err(e),
            Ok(0) => cb.data = None,
            _ => {}
        }
        return Ok(skb.len());
    }
    err
}

/// `rtnl_dump_all`: PF_UNSPEC GETADDR/GETROUTE/GETNETCONF dumps every family
/// that has a dumpit for the type, with `cb->family` as the cursor.
fn rtnl_dump_all(skb: &mut SkBuff, cb: &mut NetlinkCallback) -> Result<usize, Errno> {
    let msgindex = cb.nlh().nlmsg_type().wrapping_sub(RTM_BASE) as usize;
    let s_idx = (cb.family as usize).max(1);
    let globals = Arc::clone(&cb.net.globals);
    let mut ret = Ok(0);
    let mut idx = 1;
    while idx <= RTNL_FAMILY_MAX {
        if idx < s_idx || idx == PF_PACKET as usize || msgindex >= RTM_NR_MSGTYPES {
            idx += 1;
            continue;
        }
        let dumpit = globals.rtnl.handlers.read()[idx].as_ref().and_then(|row| row[msgindex].dumpit);
        let Some(dumpit) = dumpit else {
            idx += 1;
            continue;
        };
        if idx > s_idx {
            // A new family starts from scratch.
            cb.args = [0; 6];
            cb.prev_seq = 0;
            cb.seq = 0;
        }
        ret = dumpit(skb, cb);
        if ret != Ok(0) {
            break;
        }
        idx += 1;
    }
    cb.family = idx as u8;
    if skb.is_empty() {
        ret
    } else {
        Ok(skb.len())
    }
}

/// `rtnl_unicast`.
pub fn rtnl_unicast(skb: SkBuff, net: &Net, pid: u32) -> Result<(), Errno> {
    let rtnl = net.rtnl().ok_or(Errno::ECONNREFUSED)?;
    nlmsg_unicast(&rtnl, skb, pid)
}

/// `rtnl_notify`: `report` when the request (if any) had NLM_F_ECHO.
pub fn rtnl_notify(skb: SkBuff, net: &Net, pid: u32, group: u32, nlh_flags: Option<u16>) {
    let _s = debug_span!("rtnl_notify", pid, group).entered();
    let report = nlh_flags.is_some_and(|f| f & NLM_F_ECHO != 0);
    if let Some(rtnl) = net.rtnl() {
        let _ = nlmsg_notify(&rtnl, skb, pid, group, report);
    }
}

/// `rtnetlink_init`: the pernet subsystem and the PF_UNSPEC handlers.
pub(crate) fn rtnetlink_init(globals: &Arc<Globals>) -> Result<(), Errno> {
    register_pernet_subsys(
        globals,
        PernetOperations { name: "rtnetlink", init: Some(rtnetlink_net_init), exit: Some(rtnetlink_net_exit) },
    )?;
    let dump_all =
        |msgtype| RtnlMsgHandler { protocol: PF_UNSPEC, msgtype, doit: None, dumpit: Some(rtnl_dump_all), flags: 0 };
    let h = |msgtype, doit: Option<RtnlDoitFn>, dumpit: Option<RtnlDumpitFn>, flags| RtnlMsgHandler {
        protocol: PF_UNSPEC,
        msgtype,
        doit,
        dumpit,
        flags,
    };
    rtnl_register_many(
        globals,
        &[
            h(RTM_NEWLINK, Some(link::rtnl_newlink), None, RTNL_FLAG_DOIT_PERNET),
            h(RTM_DELLINK, Some(link::rtnl_dellink), None, RTNL_FLAG_DOIT_PERNET),
            h(RTM_GETLINK, Some(link::rtnl_getlink), Some(link::rtnl_dump_ifinfo), RTNL_FLAG_DUMP_SPLIT_NLM_DONE),
            h(RTM_SETLINK, Some(link::rtnl_setlink), None, RTNL_FLAG_DOIT_PERNET),
            h(RTM_NEWLINKPROP, Some(link::rtnl_newlinkprop), None, 0),
            h(RTM_DELLINKPROP, Some(link::rtnl_dellinkprop), None, 0),
            dump_all(RTM_GETADDR),
            dump_all(RTM_GETROUTE),
            dump_all(RTM_GETNETCONF),
        ],
    )?;
    // In 6.18 the GETLINK calcit is built into rtnetlink_rcv_msg.
    rtnl_register_internal(globals, PF_UNSPEC, RTM_GETLINK, None, None, Some(link::rtnl_calcit), 0)?;
    register_netdevice_notifier(globals, rtnetlink_event);
    Ok(())
}

/// `rtnetlink_event`: netdevice events that rtnetlink announces as
/// RTM_NEWLINK (`ifi_change` 0), some with an IFLA_EVENT.
fn rtnetlink_event(event: NetdevEvent, dev: &Arc<NetDevice>, _info: &NetdevNotifierInfo) -> Result<(), Errno> {
    use nlwire::uapi::if_link::{IFLA_EVENT_FEATURES, IFLA_EVENT_NONE, IFLA_EVENT_REBOOT};
    let ev = match event {
        NetdevEvent::Reboot => IFLA_EVENT_REBOOT,
        NetdevEvent::FeatChange => IFLA_EVENT_FEATURES,
        NetdevEvent::ChangeMtu
        | NetdevEvent::ChangeAddr
        | NetdevEvent::ChangeName
        | NetdevEvent::ChangeUpper
        | NetdevEvent::ChangeInfoData
        | NetdevEvent::ChangeLowerState
        | NetdevEvent::ChangeTxQueueLen => IFLA_EVENT_NONE,
        _ => return Ok(()),
    };
    fill::rtmsg_ifinfo_event(RTM_NEWLINK, dev, 0, ev, 0, None);
    Ok(())
}
