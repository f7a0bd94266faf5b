//! Neighbour tables: net/core/neighbour.c.
//!
//! Two tables, as Linux has: `arp_tbl` (AF_INET, 4-byte keys,
//! net/ipv4/arp.c) and `nd_tbl` (AF_INET6, 16-byte keys, net/ipv6/ndisc.c).
//! Each is a [`NeighTable`] (the family's constants and its constructor);
//! the entries live per namespace ([`NeighNet`], a `net_generic` slot), so
//! nothing leaks between namespaces. An entry is a [`Neighbour`] with its NUD
//! state, NTF flags, link-layer address and the `confirmed`/`used`/`updated`
//! stamps on the virtual clock; its timer (`neigh_timer_handler`) is a
//! [`TimerList`] that `Kernel::advance_ms` fires.
//!
//! Requests: `neigh_add` (RTM_NEWNEIGH), `neigh_delete` (RTM_DELNEIGH),
//! `neigh_get` and `neigh_dump_info` (RTM_GETNEIGH), all registered for
//! PF_UNSPEC as 6.18 does. Notifications go to RTNLGRP_NEIGH from
//! `__neigh_notify`, with the requester's port id (never its seq, never
//! echoed: probes/observed/p_neigh.txt, step 8).
//!
//! Read from linux-6.18.y (6952350/linux-6.18.y @ 312d9602, net/core/neighbour.c)
//! and checked on 6.18.44 with probes/p_neigh*.py.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, Weak};

use parking_lot::Mutex;
use tracing::debug_span;

use crate::kernel::Globals;
use crate::net::core::dev::change::netdev_master_upper_dev_get;
use crate::net::core::dev::{dev_get_by_index, NetDevice, MAX_ADDR_LEN};
use crate::net::core::net_namespace::{register_pernet_subsys, Net, PernetOperations};
use crate::net::core::rtnetlink::{
    rtnl_notify, rtnl_register_many, rtnl_unicast, RtnlMsgHandler, RTNL_FLAG_DOIT_UNLOCKED, RTNL_FLAG_DUMP_UNLOCKED,
};
use crate::net::core::skbuff::{nlmsg_new, SkBuff};
use crate::net::netlink::af_netlink::{NetlinkCallback, NetlinkRcvSkb};
use crate::time::{jiffies, TimerList, HZ};
use crate::Errno;
use nlwire::hdr::NdMsgRepr;
use nlwire::nlattr::nla_total_size;
use nlwire::policy::{nlmsg_parse_deprecated, nlmsg_parse_deprecated_strict, ExtAck, NlaPolicy, NlaType};
use nlwire::uapi::neighbour::*;
use nlwire::uapi::netlink::{NLM_F_CREATE, NLM_F_DUMP_FILTERED, NLM_F_EXCL, NLM_F_MULTI, NLM_F_REPLACE};
use nlwire::uapi::rtnetlink::{RTM_DELNEIGH, RTM_GETNEIGH, RTM_NEWNEIGH, RTNLGRP_NEIGH, RTN_UNICAST};
use nlwire::uapi::socket::PF_UNSPEC;
use nlwire::{NlMsgHdr, NlaIter};

/// `NEIGH_ARP_TABLE`, `NEIGH_ND_TABLE`, `NEIGH_NR_TABLES`.
pub const NEIGH_ARP_TABLE: usize = 0;
pub const NEIGH_ND_TABLE: usize = 1;
pub const NEIGH_NR_TABLES: usize = 2;

// NUD_* as the u8 `neigh->nud_state` holds them.
pub const NUD_INCOMPLETE_: u8 = NUD_INCOMPLETE as u8;
pub const NUD_REACHABLE_: u8 = NUD_REACHABLE as u8;
pub const NUD_STALE_: u8 = NUD_STALE as u8;
pub const NUD_DELAY_: u8 = NUD_DELAY as u8;
pub const NUD_PROBE_: u8 = NUD_PROBE as u8;
pub const NUD_FAILED_: u8 = NUD_FAILED as u8;
pub const NUD_NOARP_: u8 = NUD_NOARP as u8;
pub const NUD_PERMANENT_: u8 = NUD_PERMANENT as u8;
pub const NUD_NONE_: u8 = NUD_NONE as u8;
/// `NUD_IN_TIMER`: states with a running timer.
pub const NUD_IN_TIMER: u8 = NUD_INCOMPLETE_ | NUD_REACHABLE_ | NUD_DELAY_ | NUD_PROBE_;
/// `NUD_VALID`: states with a usable link-layer address.
pub const NUD_VALID: u8 = NUD_PERMANENT_ | NUD_NOARP_ | NUD_REACHABLE_ | NUD_PROBE_ | NUD_STALE_ | NUD_DELAY_;
/// `NUD_CONNECTED`.
pub const NUD_CONNECTED: u8 = NUD_PERMANENT_ | NUD_NOARP_ | NUD_REACHABLE_;

// include/net/neighbour.h: the in-kernel flags word is the old u8 NTF_* and
// the NTF_EXT_* bits shifted above them.
pub const NTF_OLD_MASK: u32 = 0xff;
pub const NTF_EXT_SHIFT: u32 = 8;
/// `NTF_EXT_MASK`: MANAGED | LOCKED | EXT_VALIDATED.
pub const NTF_EXT_MASK: u32 = 0x7;
pub const NTF_MANAGED: u32 = NTF_EXT_MANAGED << NTF_EXT_SHIFT;
pub const NTF_EXT_VALIDATED: u32 = (1 << 2) << NTF_EXT_SHIFT;

// NEIGH_UPDATE_F_*
pub const NEIGH_UPDATE_F_OVERRIDE: u32 = 1 << 0;
pub const NEIGH_UPDATE_F_WEAK_OVERRIDE: u32 = 1 << 1;
pub const NEIGH_UPDATE_F_OVERRIDE_ISROUTER: u32 = 1 << 2;
pub const NEIGH_UPDATE_F_USE: u32 = 1 << 3;
pub const NEIGH_UPDATE_F_MANAGED: u32 = 1 << 4;
pub const NEIGH_UPDATE_F_EXT_LEARNED: u32 = 1 << 5;
pub const NEIGH_UPDATE_F_EXT_VALIDATED: u32 = 1 << 6;
pub const NEIGH_UPDATE_F_ISROUTER: u32 = 1 << 30;
pub const NEIGH_UPDATE_F_ADMIN: u32 = 1 << 31;

/// `PNEIGH_HASHMASK`.
const PNEIGH_HASHMASK: usize = 0xf;
/// `NDA_MAX + 1`.
const NDA_N: usize = NDA_MAX as usize + 1;
/// sizeof(struct ndmsg).
const NDMSG_LEN: usize = 12;

/// `struct neigh_parms`' `data[]` (the values that matter here), in jiffies.
#[derive(Debug, Clone, Copy)]
pub struct NeighParms {
    /// `p->reachable_time`: `neigh_rand_reach_time(BASE_REACHABLE_TIME)`.
    pub reachable_time: u64,
    pub base_reachable_time: u64,
    pub delay_probe_time: u64,
    pub retrans_time: u64,
    pub gc_staletime: u64,
    pub ucast_probes: u32,
    pub mcast_probes: u32,
    pub mcast_reprobes: u32,
    pub app_probes: u32,
}

impl NeighParms {
    /// The defaults arp_tbl and nd_tbl share (30 s base, 5 s delay probe,
    /// 1 s retransmit, 3 unicast and 3 multicast probes).
    pub const DEFAULT: NeighParms = NeighParms {
        reachable_time: 30 * HZ,
        base_reachable_time: 30 * HZ,
        delay_probe_time: 5 * HZ,
        retrans_time: HZ,
        gc_staletime: 60 * HZ,
        ucast_probes: 3,
        mcast_probes: 3,
        mcast_reprobes: 0,
        app_probes: 0,
    };
}

/// What a table's `constructor` gets and fills (`arp_constructor`,
/// `ndisc_constructor`): the entry's key (which ARP may rewrite), state,
/// type and hardware address.
#[derive(Debug)]
pub struct NeighInit {
    pub primary_key: Vec<u8>,
    pub nud_state: u8,
    pub ntype: u8,
    pub ha: [u8; MAX_ADDR_LEN],
    /// `neigh->parms`: the device's parameters.
    pub parms: NeighParms,
}

/// `struct neigh_table`: a family's constants and hooks.
pub struct NeighTable {
    pub family: u8,
    pub key_len: usize,
    /// `tbl->id` ("arp_cache", "ndisc_cache").
    pub id: &'static str,
    /// `tbl->constructor`: protocol setup of a new entry (EINVAL without the
    /// family's per-device state). Gets the device's parameters, to fill.
    pub constructor: fn(&mut NeighInit, &Arc<NetDevice>, &Net, &mut NeighParmsCache) -> Result<(), Errno>,
    /// `tbl->allow_add`.
    pub allow_add: Option<fn(&NetDevice, &mut ExtAck) -> bool>,
}

/// `neigh_tables[]`: set by `neigh_table_init` from arp_init and ndisc_init.
static NEIGH_TABLES: [OnceLock<&'static NeighTable>; NEIGH_NR_TABLES] = [OnceLock::new(), OnceLock::new()];

/// `neigh_table_init(index, tbl)`.
pub fn neigh_table_init(index: usize, tbl: &'static NeighTable) {
    if let Some(slot) = NEIGH_TABLES.get(index) {
        let _ = slot.set(tbl);
    }
}

fn neigh_table(index: usize) -> Option<&'static NeighTable> {
    NEIGH_TABLES.get(index).and_then(|s| s.get().copied())
}

/// `neigh_find_table(family)`: the table index.
pub fn neigh_find_table(family: u8) -> Option<usize> {
    (0..NEIGH_NR_TABLES).find(|&i| neigh_table(i).is_some_and(|t| t.family == family))
}

/// `struct neighbour`.
#[derive(Debug)]
pub struct Neighbour {
    id: u64,
    pub dev: Arc<NetDevice>,
    pub primary_key: Vec<u8>,
    /// `nud_state` (NUD_*).
    pub nud_state: u8,
    /// `flags`: NTF_* and NTF_EXT_* << NTF_EXT_SHIFT.
    pub flags: u32,
    /// `type` (RTN_*), as the constructor found the address.
    pub ntype: u8,
    pub ha: [u8; MAX_ADDR_LEN],
    pub probes: u32,
    /// `confirmed`, `used`, `updated`: jiffies.
    pub confirmed: u64,
    pub used: u64,
    pub updated: u64,
    pub protocol: u8,
    pub parms: NeighParms,
    pub dead: bool,
    timer: TimerList,
}

/// `struct pneigh_entry`: a proxy entry (NTF_PROXY).
#[derive(Debug, Clone)]
pub struct PneighEntry {
    pub key: Vec<u8>,
    pub dev: Option<Arc<NetDevice>>,
    pub flags: u32,
    pub protocol: u8,
    pub permanent: bool,
}

/// The per-device `neigh_parms` of one table (`in_dev->arp_parms`,
/// `idev->nd_parms`), made on first use.
#[derive(Debug, Default)]
pub struct NeighParmsCache {
    by_ifindex: HashMap<i32, NeighParms>,
}

impl NeighParmsCache {
    /// The device's parameters; `make` builds them the first time
    /// (`neigh_parms_alloc`).
    pub fn get_or(&mut self, ifindex: i32, make: impl FnOnce() -> NeighParms) -> NeighParms {
        *self.by_ifindex.entry(ifindex).or_insert_with(make)
    }
}

#[derive(Debug, Default)]
struct TblState {
    /// Entries in creation order; the kernel's per-device lists and our
    /// dump walk them newest first.
    entries: Vec<Neighbour>,
    /// `tbl->phash_buckets`: each bucket newest first.
    phash: [Vec<PneighEntry>; PNEIGH_HASHMASK + 1],
    parms: NeighParmsCache,
}

/// The neighbour entries of one namespace (a `net_generic` slot).
#[derive(Debug, Default)]
pub struct NeighNet {
    inner: Mutex<NeighNetInner>,
}

#[derive(Debug, Default)]
struct NeighNetInner {
    tbls: [TblState; NEIGH_NR_TABLES],
    next_id: u64,
}

/// A notification to send once the table lock is dropped.
struct PendingNotify(SkBuff);

fn flush_notifies(net: &Net, pending: Vec<PendingNotify>) {
    for PendingNotify(skb) in pending {
        rtnl_notify(skb, net, 0, RTNLGRP_NEIGH, None);
    }
}

fn neigh_net(net: &Net) -> Option<Arc<NeighNet>> {
    net.generic::<NeighNet>()
}

/// `neigh_rand_reach_time(base)`: uniform in [base/2, 3·base/2), from the
/// seeded generator.
pub fn neigh_rand_reach_time(globals: &Globals, base: u64) -> u64 {
    if base == 0 {
        return 0;
    }
    globals.random_u32_below(base.min(u32::MAX as u64) as u32) as u64 + (base >> 1)
}

/// `jiffies_to_clock_t` (USER_HZ 100).
fn jiffies_to_clock_t(j: u64) -> u32 {
    (j * 100 / HZ) as u32
}

/// `pneigh_hash`: the low bits of the key's last 32-bit word (as memory
/// holds it), folded.
fn pneigh_hash(key: &[u8]) -> usize {
    let n = key.len();
    let mut w = [0u8; 4];
    w.copy_from_slice(&key[n - 4..]);
    let mut h = u32::from_ne_bytes(w);
    h ^= h >> 16;
    h ^= h >> 8;
    h ^= h >> 4;
    (h as usize) & PNEIGH_HASHMASK
}

/// `nda_policy`.
static NDA_POLICY: [NlaPolicy; NDA_N] = {
    let mut p = [NlaPolicy::UNSPEC; NDA_N];
    p[NDA_UNSPEC as usize] = NlaPolicy::UNSPEC.strict_start(NDA_NH_ID);
    p[NDA_DST as usize] = NlaPolicy::of(NlaType::Binary).with_len(MAX_ADDR_LEN as u16);
    p[NDA_LLADDR as usize] = NlaPolicy::of(NlaType::Binary).with_len(MAX_ADDR_LEN as u16);
    p[NDA_CACHEINFO as usize] = NlaPolicy::min_len(16);
    p[NDA_PROBES as usize] = NlaPolicy::of(NlaType::U32);
    p[NDA_VLAN as usize] = NlaPolicy::of(NlaType::U16);
    p[NDA_PORT as usize] = NlaPolicy::of(NlaType::U16);
    p[NDA_VNI as usize] = NlaPolicy::of(NlaType::U32);
    p[NDA_IFINDEX as usize] = NlaPolicy::of(NlaType::U32);
    p[NDA_MASTER as usize] = NlaPolicy::of(NlaType::U32);
    p[NDA_PROTOCOL as usize] = NlaPolicy::of(NlaType::U8);
    p[NDA_NH_ID as usize] = NlaPolicy::of(NlaType::U32);
    p[NDA_FLAGS_EXT as usize] = NlaPolicy::of(NlaType::U32).mask(NTF_EXT_MASK as u64);
    p[NDA_FDB_EXT_ATTRS as usize] = NlaPolicy::of(NlaType::Nested);
    p
};

/// `neigh_nlmsg_size`.
pub fn neigh_nlmsg_size() -> usize {
    nlwire::nlmsg_align(NDMSG_LEN)
        + nla_total_size(MAX_ADDR_LEN)
        + nla_total_size(MAX_ADDR_LEN)
        + nla_total_size(16)
        + nla_total_size(4)
        + nla_total_size(4)
        + nla_total_size(1)
}

/// `pneigh_nlmsg_size`.
pub fn pneigh_nlmsg_size() -> usize {
    nlwire::nlmsg_align(NDMSG_LEN) + nla_total_size(MAX_ADDR_LEN) + nla_total_size(4) + nla_total_size(1)
}

/// `__neigh_fill_info`. `held` is the references the caller holds beyond
/// the table's (a request's lookup: 1); a pending timer holds one more.
/// NDA_CACHEINFO's `ndm_refcnt` is `refcount - 1`, so a fresh entry reads 1
/// in the notification of the request that made it, 0 in a dump, and one
/// more while its timer runs (probes/observed/p_neigh.txt).
#[allow(clippy::too_many_arguments)]
fn __neigh_fill_info(
    skb: &mut SkBuff,
    globals: &Globals,
    family: u8,
    n: &Neighbour,
    pid: u32,
    seq: u32,
    ty: u16,
    flags: u16,
    held: u32,
) -> Result<(), Errno> {
    let now = jiffies(globals);
    let Some(nlh) = skb.nlmsg_put(pid, seq, ty, NDMSG_LEN, flags) else {
        return Err(Errno::EMSGSIZE);
    };
    let ndm = NdMsgRepr {
        family,
        ifindex: n.dev.ifindex(),
        state: n.nud_state as u16,
        flags: (n.flags & NTF_OLD_MASK) as u8,
        ty: n.ntype,
    };
    ndm.emit(skb.nlmsg_data_mut(nlh));
    let addr_len = n.dev.st.lock().addr_len as usize;
    let timer = u32::from(n.timer.pending(globals));
    let mut ci = [0u8; 16];
    ci[0..4].copy_from_slice(&jiffies_to_clock_t(now.wrapping_sub(n.confirmed)).to_ne_bytes());
    ci[4..8].copy_from_slice(&jiffies_to_clock_t(now.wrapping_sub(n.used)).to_ne_bytes());
    ci[8..12].copy_from_slice(&jiffies_to_clock_t(now.wrapping_sub(n.updated)).to_ne_bytes());
    ci[12..16].copy_from_slice(&(held + timer).to_ne_bytes());
    let ext = n.flags >> NTF_EXT_SHIFT;
    let r = (|| {
        skb.nla_put(NDA_DST, &n.primary_key)?;
        if n.nud_state & NUD_VALID != 0 {
            skb.nla_put(NDA_LLADDR, &n.ha[..addr_len])?;
        }
        skb.nla_put_u32(NDA_PROBES, n.probes)?;
        skb.nla_put(NDA_CACHEINFO, &ci)?;
        if n.protocol != 0 {
            skb.nla_put_u8(NDA_PROTOCOL, n.protocol)?;
        }
        if ext != 0 {
            skb.nla_put_u32(NDA_FLAGS_EXT, ext)?;
        }
        Ok(())
    })();
    match r {
        Ok(()) => {
            skb.nlmsg_end(nlh);
            Ok(())
        }
        Err(e) => {
            skb.nlmsg_cancel(nlh);
            Err(e)
        }
    }
}

/// `pneigh_fill_info`.
#[allow(clippy::too_many_arguments)]
fn pneigh_fill_info(
    skb: &mut SkBuff,
    family: u8,
    pn: &PneighEntry,
    pid: u32,
    seq: u32,
    ty: u16,
    flags: u16,
) -> Result<(), Errno> {
    let Some(nlh) = skb.nlmsg_put(pid, seq, ty, NDMSG_LEN, flags) else {
        return Err(Errno::EMSGSIZE);
    };
    let ndm = NdMsgRepr {
        family,
        ifindex: pn.dev.as_ref().map_or(0, |d| d.ifindex()),
        state: NUD_NONE,
        flags: ((pn.flags & NTF_OLD_MASK) as u8) | NTF_PROXY,
        ty: RTN_UNICAST,
    };
    ndm.emit(skb.nlmsg_data_mut(nlh));
    let ext = pn.flags >> NTF_EXT_SHIFT;
    let r = (|| {
        skb.nla_put(NDA_DST, &pn.key)?;
        if pn.protocol != 0 {
            skb.nla_put_u8(NDA_PROTOCOL, pn.protocol)?;
        }
        if ext != 0 {
            skb.nla_put_u32(NDA_FLAGS_EXT, ext)?;
        }
        Ok(())
    })();
    match r {
        Ok(()) => {
            skb.nlmsg_end(nlh);
            Ok(())
        }
        Err(e) => {
            skb.nlmsg_cancel(nlh);
            Err(e)
        }
    }
}

/// `__neigh_notify(n, type, flags, pid)`: the skb for RTNLGRP_NEIGH, with
/// seq 0 and the given port id.
fn __neigh_notify(globals: &Globals, tbl: usize, n: &Neighbour, ty: u16, pid: u32, held: u32) -> Option<PendingNotify> {
    let _s = debug_span!("__neigh_notify", ty, pid).entered();
    let family = neigh_table(tbl)?.family;
    let mut skb = nlmsg_new(neigh_nlmsg_size());
    __neigh_fill_info(&mut skb, globals, family, n, pid, 0, ty, 0, held).ok()?;
    Some(PendingNotify(skb))
}

/// The context a timer or an update needs to re-arm an entry's timer.
struct Ctx<'a> {
    globals: &'a Arc<Globals>,
    net: Weak<Net>,
    tbl: usize,
}

/// `neigh_add_timer`: `used` is pulled up to `confirmed`, then the timer armed.
fn neigh_add_timer(ctx: &Ctx<'_>, n: &mut Neighbour, when: u64) {
    if n.used < n.confirmed {
        n.used = n.confirmed;
    }
    let (net, tbl, id) = (ctx.net.clone(), ctx.tbl, n.id);
    n.timer.mod_timer(ctx.globals, when, Box::new(move |g| neigh_timer_handler(g, &net, tbl, id)));
}

/// `neigh_del_timer`.
fn neigh_del_timer(ctx: &Ctx<'_>, n: &mut Neighbour) {
    if n.nud_state & NUD_IN_TIMER != 0 {
        n.timer.delete(ctx.globals);
    }
}

/// `neigh_max_probes`.
fn neigh_max_probes(n: &Neighbour) -> u32 {
    let p = &n.parms;
    p.ucast_probes + p.app_probes + if n.nud_state & NUD_PROBE_ != 0 { p.mcast_reprobes } else { p.mcast_probes }
}

/// `__neigh_update`: the generic state change. Returns the errno and
/// whether to notify (the caller sends RTM_NEWNEIGH with the requester's
/// port id: `__neigh_notify(neigh, RTM_NEWNEIGH, 0, nlmsg_pid)`).
fn __neigh_update(
    ctx: &Ctx<'_>,
    n: &mut Neighbour,
    lladdr: Option<&[u8]>,
    mut new: u8,
    flags: u32,
    extack: &mut ExtAck,
) -> (Result<(), Errno>, bool) {
    let now = jiffies(ctx.globals);
    let old = n.nud_state;
    let mut notify = false;
    if n.dead {
        extack.set_msg("Neighbor entry is now dead");
        return (Err(Errno::EPERM), false);
    }
    if flags & NEIGH_UPDATE_F_ADMIN == 0 && old & (NUD_NOARP_ | NUD_PERMANENT_) != 0 {
        return (Err(Errno::EPERM), false);
    }
    // neigh_update_flags
    if flags & NEIGH_UPDATE_F_ADMIN != 0 {
        let mut ndm_flags = 0;
        if flags & NEIGH_UPDATE_F_EXT_LEARNED != 0 {
            ndm_flags |= NTF_EXT_LEARNED as u32;
        }
        if flags & NEIGH_UPDATE_F_MANAGED != 0 {
            ndm_flags |= NTF_MANAGED;
        }
        if flags & NEIGH_UPDATE_F_EXT_VALIDATED != 0 {
            ndm_flags |= NTF_EXT_VALIDATED;
        }
        for bit in [NTF_EXT_LEARNED as u32, NTF_MANAGED, NTF_EXT_VALIDATED] {
            if (n.flags ^ ndm_flags) & bit != 0 {
                n.flags = (n.flags & !bit) | (ndm_flags & bit);
                notify = true;
            }
        }
    }
    let update_isrouter_flag;
    let result;
    'out: {
        if flags & (NEIGH_UPDATE_F_USE | NEIGH_UPDATE_F_MANAGED) != 0 {
            new = old & !NUD_PERMANENT_;
            n.nud_state = new;
            update_isrouter_flag = false;
            result = Ok(());
            break 'out;
        }
        if new & NUD_VALID == 0 {
            neigh_del_timer(ctx, n);
            n.nud_state = new;
            notify = old & NUD_VALID != 0;
            if old & (NUD_INCOMPLETE_ | NUD_PROBE_) != 0 && new & NUD_FAILED_ != 0 {
                // neigh_invalidate
                n.updated = now;
                notify = true;
            }
            update_isrouter_flag = false;
            result = Ok(());
            break 'out;
        }
        let addr_len = n.dev.st.lock().addr_len as usize;
        // `None` below means "the cached address" (lladdr == neigh->ha).
        let mut new_ll: Option<[u8; MAX_ADDR_LEN]> = None;
        if addr_len == 0 {
        } else if let Some(ll) = lladdr {
            let same = old & NUD_VALID != 0 && ll.get(..addr_len) == Some(&n.ha[..addr_len]);
            if !same {
                let mut a = [0u8; MAX_ADDR_LEN];
                let m = ll.len().min(addr_len);
                a[..m].copy_from_slice(&ll[..m]);
                new_ll = Some(a);
            }
        } else if old & NUD_VALID == 0 {
            extack.set_msg("No link layer address given");
            update_isrouter_flag = false;
            result = Err(Errno::EINVAL);
            break 'out;
        }
        if new & NUD_CONNECTED != 0 {
            n.confirmed = now;
        }
        let mut update_isrouter = flags & NEIGH_UPDATE_F_OVERRIDE_ISROUTER != 0;
        if old & NUD_VALID != 0 {
            if new_ll.is_some() && flags & NEIGH_UPDATE_F_OVERRIDE == 0 {
                if flags & NEIGH_UPDATE_F_WEAK_OVERRIDE != 0 && old & NUD_CONNECTED != 0 {
                    new_ll = None;
                    new = NUD_STALE_;
                } else {
                    update_isrouter_flag = false;
                    result = Ok(());
                    break 'out;
                }
                update_isrouter = false;
            } else if new_ll.is_none() && new == NUD_STALE_ && flags & NEIGH_UPDATE_F_ADMIN == 0 {
                new = old;
            }
        }
        if new != old || new_ll.is_some() {
            n.updated = now;
        }
        if new != old {
            neigh_del_timer(ctx, n);
            if new & NUD_PROBE_ != 0 {
                n.probes = 0;
            }
            if new & NUD_IN_TIMER != 0 {
                let when = now + if new & NUD_REACHABLE_ != 0 { n.parms.reachable_time } else { 0 };
                neigh_add_timer(ctx, n, when);
            }
            n.nud_state = new;
            notify = true;
        }
        if let Some(a) = new_ll {
            n.ha[..addr_len].copy_from_slice(&a[..addr_len]);
            if new & NUD_CONNECTED == 0 {
                n.confirmed = now.wrapping_sub(n.parms.base_reachable_time << 1);
            }
            notify = true;
        }
        update_isrouter_flag = update_isrouter;
        result = Ok(());
    }
    if update_isrouter_flag {
        // neigh_update_is_router
        let want = if flags & NEIGH_UPDATE_F_ISROUTER != 0 { NTF_ROUTER as u32 } else { 0 };
        if (n.flags ^ want) & NTF_ROUTER as u32 != 0 {
            n.flags = (n.flags & !(NTF_ROUTER as u32)) | want;
            notify = true;
        }
    }
    (result, notify)
}

/// `__neigh_event_send` as `neigh_event_send(neigh, NULL)` runs it after an
/// NTF_USE or NTF_MANAGED request: an unresolved entry starts resolving
/// (INCOMPLETE, the first probe at once), a STALE one goes to DELAY.
fn neigh_event_send(ctx: &Ctx<'_>, n: &mut Neighbour) {
    let now = jiffies(ctx.globals);
    // neigh_event_send_probe: the entry counts as used now.
    n.used = now;
    if n.nud_state & (NUD_CONNECTED | NUD_DELAY_ | NUD_PROBE_) != 0 || n.dead {
        return;
    }
    if n.nud_state & (NUD_STALE_ | NUD_INCOMPLETE_) == 0 {
        if n.parms.mcast_probes + n.parms.app_probes != 0 {
            n.probes = n.parms.ucast_probes;
            neigh_del_timer(ctx, n);
            n.nud_state = NUD_INCOMPLETE_;
            n.updated = now;
            let next = now + n.parms.retrans_time.max(HZ / 100);
            neigh_add_timer(ctx, n, next);
            // neigh_probe: the solicitation itself is not modelled.
            n.probes += 1;
        } else {
            n.nud_state = NUD_FAILED_;
            n.updated = now;
        }
    } else if n.nud_state & NUD_STALE_ != 0 {
        neigh_del_timer(ctx, n);
        n.nud_state = NUD_DELAY_;
        n.updated = now;
        let next = now + n.parms.delay_probe_time;
        neigh_add_timer(ctx, n, next);
    }
}

/// `neigh_timer_handler`: REACHABLE becomes DELAY (if used lately) or
/// STALE (notified) once `reachable_time` has passed since `confirmed`;
/// DELAY becomes PROBE; INCOMPLETE and PROBE count probes until FAILED.
/// PERMANENT and NOARP have no timer.
fn neigh_timer_handler(globals: &Arc<Globals>, net: &Weak<Net>, tbl: usize, id: u64) {
    let _s = debug_span!("neigh_timer_handler", tbl, id).entered();
    let Some(netref) = net.upgrade() else { return };
    let Some(nn) = neigh_net(&netref) else { return };
    let ctx = Ctx { globals, net: net.clone(), tbl };
    let mut pending = Vec::new();
    {
        let mut inner = nn.inner.lock();
        let Some(n) = inner.tbls[tbl].entries.iter_mut().find(|n| n.id == id) else { return };
        let state = n.nud_state;
        let now = jiffies(globals);
        let mut next = now + HZ;
        let mut notify = false;
        if state & NUD_IN_TIMER == 0 {
            return;
        }
        if state & NUD_REACHABLE_ != 0 {
            if now <= n.confirmed + n.parms.reachable_time {
                next = n.confirmed + n.parms.reachable_time;
            } else if now <= n.used + n.parms.delay_probe_time {
                n.nud_state = NUD_DELAY_;
                n.updated = now;
                next = now + n.parms.delay_probe_time;
            } else {
                n.nud_state = NUD_STALE_;
                n.updated = now;
                notify = true;
            }
        } else if state & NUD_DELAY_ != 0 {
            if now <= n.confirmed + n.parms.delay_probe_time {
                n.nud_state = NUD_REACHABLE_;
                n.updated = now;
                notify = true;
                next = n.confirmed + n.parms.reachable_time;
            } else {
                n.nud_state = NUD_PROBE_;
                n.updated = now;
                n.probes = 0;
                notify = true;
                next = now + n.parms.retrans_time.max(HZ / 100);
            }
        } else {
            next = now + n.parms.retrans_time.max(HZ / 100);
        }
        let mut skip_probe = false;
        if n.nud_state & (NUD_INCOMPLETE_ | NUD_PROBE_) != 0 && n.probes >= neigh_max_probes(n) {
            if n.nud_state == NUD_PROBE_ && n.flags & NTF_EXT_VALIDATED != 0 {
                n.nud_state = NUD_STALE_;
            } else {
                n.nud_state = NUD_FAILED_;
            }
            n.updated = now;
            notify = true;
            skip_probe = true;
        }
        if !skip_probe {
            if n.nud_state & NUD_IN_TIMER != 0 {
                let next = next.max(now + HZ / 100);
                neigh_add_timer(&ctx, n, next);
            }
            if n.nud_state & (NUD_INCOMPLETE_ | NUD_PROBE_) != 0 {
                n.probes += 1;
            }
        }
        // The running timer holds a reference while the handler runs. The
        // message shows the entry after the re-arm and the probe: 6.18.44
        // announces DELAY → PROBE with probes 1 and refcnt 2
        // (probes/observed/p_neigh.txt, p_neigh2.txt), which the source's
        // order (notify, then re-arm and probe) would not give.
        if notify {
            pending.extend(__neigh_notify(globals, tbl, n, RTM_NEWNEIGH, 0, 1));
        }
    }
    flush_notifies(&netref, pending);
}

/// `___neigh_create`: a new entry for `key` on `dev` (or the existing one
/// the constructor's key maps to: ARP keys every loopback and
/// point-to-point entry as 0.0.0.0).
#[allow(clippy::too_many_arguments)]
fn neigh_create(
    ctx: &Ctx<'_>,
    net: &Net,
    inner: &mut NeighNetInner,
    key: &[u8],
    dev: &Arc<NetDevice>,
    flags: u32,
) -> Result<usize, Errno> {
    let tbl = neigh_table(ctx.tbl).ok_or(Errno::EAFNOSUPPORT)?;
    let mut init = NeighInit {
        primary_key: key[..tbl.key_len].to_vec(),
        nud_state: NUD_NONE_,
        ntype: 0,
        ha: [0; MAX_ADDR_LEN],
        parms: NeighParms::DEFAULT,
    };
    (tbl.constructor)(&mut init, dev, net, &mut inner.tbls[ctx.tbl].parms)?;
    let st = &mut inner.tbls[ctx.tbl];
    if let Some(i) =
        st.entries.iter().position(|n| n.dev.ifindex() == dev.ifindex() && n.primary_key == init.primary_key)
    {
        return Ok(i);
    }
    let now = jiffies(ctx.globals);
    inner.next_id += 1;
    let n = Neighbour {
        id: inner.next_id,
        dev: Arc::clone(dev),
        primary_key: init.primary_key,
        nud_state: init.nud_state,
        flags,
        ntype: init.ntype,
        ha: init.ha,
        probes: 0,
        confirmed: now.wrapping_sub(init.parms.base_reachable_time << 1),
        used: now,
        updated: now,
        protocol: 0,
        parms: init.parms,
        dead: false,
        timer: TimerList::setup(ctx.globals),
    };
    let st = &mut inner.tbls[ctx.tbl];
    st.entries.push(n);
    Ok(st.entries.len() - 1)
}

fn ndmsg_of(msg: &[u8]) -> NdMsgRepr {
    let h = NlMsgHdr::new_unchecked(msg);
    let p = h.payload();
    let mut b = [0u8; NDMSG_LEN];
    let m = p.len().min(NDMSG_LEN);
    b[..m].copy_from_slice(&p[..m]);
    NdMsgRepr::parse(&b).unwrap_or_default()
}

/// `neigh_add`: RTM_NEWNEIGH. A missing entry needs NLM_F_CREATE (else
/// ENOENT); an existing one is EEXIST with NLM_F_EXCL and keeps its
/// link-layer address unless NLM_F_REPLACE (which grants
/// NEIGH_UPDATE_F_OVERRIDE and OVERRIDE_ISROUTER).
pub fn neigh_add(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("neigh_add").entered();
    let net = skb.net();
    let nlh = NlMsgHdr::new_unchecked(msg);
    let mut flags = NEIGH_UPDATE_F_ADMIN | NEIGH_UPDATE_F_OVERRIDE | NEIGH_UPDATE_F_OVERRIDE_ISROUTER;
    let tb = nlmsg_parse_deprecated::<NDA_N>(msg, NDMSG_LEN, Some(&NDA_POLICY), extack)?;
    let Some(dst) = tb.get(NDA_DST) else {
        extack.set_msg("Network address not specified");
        return Err(Errno::EINVAL);
    };
    let ndm = ndmsg_of(msg);
    let mut ndm_flags = ndm.flags as u32;
    if let Some(ext) = tb.get(NDA_FLAGS_EXT) {
        ndm_flags |= ext.get_u32() << NTF_EXT_SHIFT;
    }
    let mut dev = None;
    if ndm.ifindex != 0 {
        let d = dev_get_by_index(net, ndm.ifindex).ok_or(Errno::ENODEV)?;
        if let Some(ll) = tb.get(NDA_LLADDR) {
            if ll.payload().len() < d.st.lock().addr_len as usize {
                extack.set_msg("Invalid link address");
                return Err(Errno::EINVAL);
            }
        }
        dev = Some(d);
    }
    let ti = neigh_find_table(ndm.family).ok_or(Errno::EAFNOSUPPORT)?;
    let tbl = neigh_table(ti).ok_or(Errno::EAFNOSUPPORT)?;
    if dst.payload().len() < tbl.key_len {
        extack.set_msg("Invalid network address");
        return Err(Errno::EINVAL);
    }
    let key = &dst.payload()[..tbl.key_len];
    let lladdr = tb.get(NDA_LLADDR).map(|a| a.payload_ref());
    let protocol = tb.get(NDA_PROTOCOL).map_or(0, |a| a.get_u8());
    let nn = neigh_net(net).ok_or(Errno::ENOMEM)?;
    if ndm_flags & NTF_PROXY as u32 != 0 {
        if ndm_flags & (NTF_MANAGED | NTF_EXT_VALIDATED) != 0 {
            extack.set_msg("Invalid NTF_* flag combination");
            return Err(Errno::EINVAL);
        }
        pneigh_create(&nn, ti, key, dev, ndm_flags, protocol, ndm.state & NUD_PERMANENT != 0);
        return Ok(());
    }
    let Some(dev) = dev else {
        extack.set_msg("Device not specified");
        return Err(Errno::EINVAL);
    };
    if let Some(allow) = tbl.allow_add {
        if !allow(&dev, extack) {
            return Err(Errno::EINVAL);
        }
    }
    let ctx = Ctx { globals: &net.globals, net: Arc::downgrade(net), tbl: ti };
    let mut pending = Vec::new();
    let result = {
        let mut inner = nn.inner.lock();
        let found =
            inner.tbls[ti].entries.iter().position(|n| n.dev.ifindex() == dev.ifindex() && n.primary_key == key);
        let idx = match found {
            None => {
                let ndm_permanent = ndm.state & NUD_PERMANENT != 0;
                if nlh.nlmsg_flags() & NLM_F_CREATE == 0 {
                    return Err(Errno::ENOENT);
                }
                if ndm_permanent && ndm_flags & NTF_MANAGED != 0 {
                    extack.set_msg("Invalid NTF_* flag for permanent entry");
                    return Err(Errno::EINVAL);
                }
                if ndm_flags & NTF_EXT_VALIDATED != 0 {
                    let state =
                        if ndm_flags & (NTF_USE as u32 | NTF_MANAGED) != 0 { NUD_NONE_ } else { ndm.state as u8 };
                    if state & NUD_VALID == 0 {
                        extack.set_msg("Cannot create externally validated neighbor with an invalid state");
                        return Err(Errno::EINVAL);
                    }
                }
                let keep = ndm_flags & (NTF_EXT_LEARNED as u32 | NTF_MANAGED | NTF_EXT_VALIDATED);
                neigh_create(&ctx, net, &mut inner, key, &dev, keep)?
            }
            Some(i) => {
                if nlh.nlmsg_flags() & NLM_F_EXCL != 0 {
                    return Err(Errno::EEXIST);
                }
                if ndm_flags & NTF_EXT_VALIDATED != 0 {
                    let cur = inner.tbls[ti].entries[i].nud_state;
                    let state = if ndm_flags & (NTF_USE as u32 | NTF_MANAGED) != 0 {
                        cur & !NUD_PERMANENT_
                    } else {
                        ndm.state as u8
                    };
                    if state & NUD_VALID == 0 {
                        extack.set_msg("Cannot mark neighbor as externally validated with an invalid state");
                        return Err(Errno::EINVAL);
                    }
                }
                if nlh.nlmsg_flags() & NLM_F_REPLACE == 0 {
                    flags &= !(NEIGH_UPDATE_F_OVERRIDE | NEIGH_UPDATE_F_OVERRIDE_ISROUTER);
                }
                i
            }
        };
        let n = &mut inner.tbls[ti].entries[idx];
        if protocol != 0 {
            n.protocol = protocol;
        }
        if ndm_flags & NTF_EXT_LEARNED as u32 != 0 {
            flags |= NEIGH_UPDATE_F_EXT_LEARNED;
        }
        if ndm_flags & NTF_ROUTER as u32 != 0 {
            flags |= NEIGH_UPDATE_F_ISROUTER;
        }
        if ndm_flags & NTF_MANAGED != 0 {
            flags |= NEIGH_UPDATE_F_MANAGED;
        }
        if ndm_flags & NTF_USE as u32 != 0 {
            flags |= NEIGH_UPDATE_F_USE;
        }
        if ndm_flags & NTF_EXT_VALIDATED != 0 {
            flags |= NEIGH_UPDATE_F_EXT_VALIDATED;
        }
        let (err, notify) = __neigh_update(&ctx, n, lladdr, ndm.state as u8, flags, extack);
        if notify {
            pending.extend(__neigh_notify(&net.globals, ti, n, RTM_NEWNEIGH, skb.cb.portid, 1));
        }
        if err.is_ok() && ndm_flags & (NTF_USE as u32 | NTF_MANAGED) != 0 {
            neigh_event_send(&ctx, n);
        }
        err
    };
    flush_notifies(net, pending);
    result
}

/// `pneigh_create`: adds or updates a proxy entry (in its hash bucket,
/// newest first).
fn pneigh_create(
    nn: &NeighNet,
    tbl: usize,
    key: &[u8],
    dev: Option<Arc<NetDevice>>,
    flags: u32,
    protocol: u8,
    permanent: bool,
) {
    let mut inner = nn.inner.lock();
    let h = pneigh_hash(key);
    let bucket = &mut inner.tbls[tbl].phash[h];
    let ifi = dev.as_ref().map(|d| d.ifindex());
    let pos =
        bucket.iter().position(|p| p.key == key && (p.dev.as_ref().map(|d| d.ifindex()) == ifi || p.dev.is_none()));
    let pn = match pos {
        Some(i) => &mut bucket[i],
        None => {
            bucket.insert(0, PneighEntry { key: key.to_vec(), dev, flags: 0, protocol: 0, permanent: false });
            &mut bucket[0]
        }
    };
    pn.flags = flags;
    pn.permanent = permanent;
    if protocol != 0 {
        pn.protocol = protocol;
    }
}

/// `neigh_delete`: RTM_DELNEIGH. The entry is first updated to FAILED (an
/// RTM_NEWNEIGH with the requester's port id if it was valid or resolving),
/// then removed (`neigh_remove_one`: RTM_DELNEIGH, port id 0).
pub fn neigh_delete(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("neigh_delete").entered();
    let net = skb.net();
    let nlh = NlMsgHdr::new_unchecked(msg);
    if nlh.payload_len() < NDMSG_LEN {
        return Err(Errno::EINVAL);
    }
    let attrs = nlwire::policy::nlmsg_attrdata(&msg[..(nlh.nlmsg_len() as usize).min(msg.len())], NDMSG_LEN);
    let Some(dst) = NlaIter::new(attrs).find(|a| a.nla_type() == NDA_DST) else {
        extack.set_msg("Network address not specified");
        return Err(Errno::EINVAL);
    };
    let ndm = ndmsg_of(msg);
    let mut dev = None;
    if ndm.ifindex != 0 {
        dev = Some(dev_get_by_index(net, ndm.ifindex).ok_or(Errno::ENODEV)?);
    }
    let ti = neigh_find_table(ndm.family).ok_or(Errno::EAFNOSUPPORT)?;
    let tbl = neigh_table(ti).ok_or(Errno::EAFNOSUPPORT)?;
    if dst.payload().len() < tbl.key_len {
        extack.set_msg("Invalid network address");
        return Err(Errno::EINVAL);
    }
    let key = &dst.payload()[..tbl.key_len];
    let nn = neigh_net(net).ok_or(Errno::ENOMEM)?;
    if ndm.flags & NTF_PROXY != 0 {
        return pneigh_delete(&nn, ti, key, dev.as_ref());
    }
    let Some(dev) = dev else { return Err(Errno::EINVAL) };
    let ctx = Ctx { globals: &net.globals, net: Arc::downgrade(net), tbl: ti };
    let mut pending = Vec::new();
    let err = {
        let mut inner = nn.inner.lock();
        let entries = &mut inner.tbls[ti].entries;
        let Some(i) = entries.iter().position(|n| n.dev.ifindex() == dev.ifindex() && n.primary_key == key) else {
            return Err(Errno::ENOENT);
        };
        let n = &mut entries[i];
        let (err, notify) =
            __neigh_update(&ctx, n, None, NUD_FAILED_, NEIGH_UPDATE_F_OVERRIDE | NEIGH_UPDATE_F_ADMIN, extack);
        if notify {
            pending.extend(__neigh_notify(&net.globals, ti, n, RTM_NEWNEIGH, skb.cb.portid, 1));
        }
        // neigh_remove_one: only the table's reference is left.
        let mut n = entries.remove(i);
        n.dead = true;
        n.timer.delete(&net.globals);
        pending.extend(__neigh_notify(&net.globals, ti, &n, RTM_DELNEIGH, 0, 0));
        err
    };
    flush_notifies(net, pending);
    err
}

/// `pneigh_delete`: the entry of exactly this key and device.
fn pneigh_delete(nn: &NeighNet, tbl: usize, key: &[u8], dev: Option<&Arc<NetDevice>>) -> Result<(), Errno> {
    let mut inner = nn.inner.lock();
    let bucket = &mut inner.tbls[tbl].phash[pneigh_hash(key)];
    let ifi = dev.map(|d| d.ifindex());
    match bucket.iter().position(|p| p.key == key && p.dev.as_ref().map(|d| d.ifindex()) == ifi) {
        Some(i) => {
            bucket.remove(i);
            Ok(())
        }
        None => Err(Errno::ENOENT),
    }
}

/// `neigh_valid_get_req`: always strict.
fn neigh_valid_get_req<'a>(
    msg: &'a [u8],
    extack: &mut ExtAck,
) -> Result<(NdMsgRepr, nlwire::policy::Tb<'a, NDA_N>), Errno> {
    let nlh = NlMsgHdr::new_unchecked(msg);
    if nlh.payload_len() < NDMSG_LEN {
        extack.set_msg("Invalid header for neighbor get request");
        return Err(Errno::EINVAL);
    }
    let p = nlh.payload();
    let ndm = ndmsg_of(msg);
    if p[1] != 0 || p[2] != 0 || p[3] != 0 || ndm.state != 0 || ndm.ty != 0 {
        extack.set_msg("Invalid values in header for neighbor get request");
        return Err(Errno::EINVAL);
    }
    if ndm.flags & !NTF_PROXY != 0 {
        extack.set_msg("Invalid flags in header for neighbor get request");
        return Err(Errno::EINVAL);
    }
    if ndm.flags & NTF_PROXY == 0 && ndm.ifindex == 0 {
        extack.set_msg("No device specified");
        return Err(Errno::EINVAL);
    }
    let tb = nlmsg_parse_deprecated_strict::<NDA_N>(msg, NDMSG_LEN, Some(&NDA_POLICY), extack)?;
    for i in 0..NDA_N as u16 {
        if i == NDA_DST {
            if !tb.has(i) {
                extack.set_attr_miss(None, NDA_DST);
                return Err(Errno::EINVAL);
            }
        } else if tb.has(i) {
            extack.set_msg("Unsupported attribute in neighbor get request");
            return Err(Errno::EINVAL);
        }
    }
    Ok((ndm, tb))
}

/// `neigh_get`: RTM_GETNEIGH without NLM_F_DUMP (strict, always). As in
/// 6.18 the reply buffer for an entry is sized for a proxy entry and the
/// other way round; the slab's rounding makes either fit.
pub fn neigh_get(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("neigh_get").entered();
    let net = skb.net();
    let pid = skb.cb.portid;
    let seq = NlMsgHdr::new_unchecked(msg).nlmsg_seq();
    let (ndm, tb) = neigh_valid_get_req(msg, extack)?;
    let proxy = ndm.flags & NTF_PROXY != 0;
    let mut out = nlmsg_new(if proxy { neigh_nlmsg_size() } else { pneigh_nlmsg_size() });
    let Some(ti) = neigh_find_table(ndm.family) else {
        extack.set_msg("Unsupported family in header for neighbor get request");
        return Err(Errno::EAFNOSUPPORT);
    };
    let tbl = neigh_table(ti).ok_or(Errno::EAFNOSUPPORT)?;
    let dst = tb.get(NDA_DST).ok_or(Errno::EINVAL)?;
    if dst.payload().len() != tbl.key_len {
        extack.set_msg("Invalid network address in neighbor get request");
        return Err(Errno::EINVAL);
    }
    let key = dst.payload();
    let mut dev = None;
    if ndm.ifindex != 0 {
        match dev_get_by_index(net, ndm.ifindex) {
            Some(d) => dev = Some(d),
            None => {
                extack.set_msg("Unknown device ifindex");
                return Err(Errno::ENODEV);
            }
        }
    }
    let nn = neigh_net(net).ok_or(Errno::ENOMEM)?;
    {
        let inner = nn.inner.lock();
        let st = &inner.tbls[ti];
        if proxy {
            let ifi = dev.as_ref().map(|d| d.ifindex());
            let Some(pn) = st.phash[pneigh_hash(key)]
                .iter()
                .find(|p| p.key == key && (p.dev.as_ref().map(|d| d.ifindex()) == ifi || p.dev.is_none()))
            else {
                extack.set_msg("Proxy neighbour entry not found");
                return Err(Errno::ENOENT);
            };
            pneigh_fill_info(&mut out, tbl.family, pn, pid, seq, RTM_NEWNEIGH, 0)?;
        } else {
            let ifi = dev.as_ref().map_or(0, |d| d.ifindex());
            let Some(n) = st.entries.iter().find(|n| n.dev.ifindex() == ifi && n.primary_key == key) else {
                extack.set_msg("Neighbour entry not found");
                return Err(Errno::ENOENT);
            };
            __neigh_fill_info(&mut out, &net.globals, tbl.family, n, pid, seq, RTM_NEWNEIGH, 0, 1)?;
        }
    }
    rtnl_unicast(out, net, pid)
}

/// `struct neigh_dump_filter`.
#[derive(Debug, Default, Clone, Copy)]
struct NeighDumpFilter {
    master_idx: i32,
    dev_idx: i32,
}

/// `neigh_valid_dump_req`: header and attribute checks (strict), filters
/// NDA_IFINDEX and NDA_MASTER.
fn neigh_valid_dump_req(
    msg: &[u8],
    strict: bool,
    filter: &mut NeighDumpFilter,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    let tb = if strict {
        let nlh = NlMsgHdr::new_unchecked(msg);
        if nlh.payload_len() < NDMSG_LEN {
            extack.set_msg("Invalid header for neighbor dump request");
            return Err(Errno::EINVAL);
        }
        let p = nlh.payload();
        let ndm = ndmsg_of(msg);
        if p[1] != 0 || p[2] != 0 || p[3] != 0 || ndm.ifindex != 0 || ndm.state != 0 || ndm.ty != 0 {
            extack.set_msg("Invalid values in header for neighbor dump request");
            return Err(Errno::EINVAL);
        }
        if ndm.flags & !NTF_PROXY != 0 {
            extack.set_msg("Invalid flags in header for neighbor dump request");
            return Err(Errno::EINVAL);
        }
        nlmsg_parse_deprecated_strict::<NDA_N>(msg, NDMSG_LEN, Some(&NDA_POLICY), extack)?
    } else {
        nlmsg_parse_deprecated::<NDA_N>(msg, NDMSG_LEN, Some(&NDA_POLICY), extack)?
    };
    for i in 0..NDA_N as u16 {
        let Some(a) = tb.get(i) else { continue };
        match i {
            NDA_IFINDEX => filter.dev_idx = a.get_u32() as i32,
            NDA_MASTER => filter.master_idx = a.get_u32() as i32,
            _ => {
                if strict {
                    extack.set_msg("Unsupported attribute in neighbor dump request");
                    return Err(Errno::EINVAL);
                }
            }
        }
    }
    Ok(())
}

/// `neigh_master_filtered` (-1: only devices without a master).
fn neigh_master_filtered(dev: Option<&NetDevice>, master_idx: i32) -> bool {
    if master_idx == 0 {
        return false;
    }
    let master = dev.and_then(netdev_master_upper_dev_get);
    if master_idx == -1 {
        return master.is_some();
    }
    master.is_none_or(|m| m.ifindex() != master_idx)
}

/// `neigh_ifindex_filtered`.
fn neigh_ifindex_filtered(dev: Option<&NetDevice>, filter_idx: i32) -> bool {
    filter_idx != 0 && dev.is_none_or(|d| d.ifindex() != filter_idx)
}

/// `neigh_dump_info`: every table (ARP then ND) or the request's family;
/// entries, or proxy entries when `ndm_flags` is exactly NTF_PROXY.
/// `cb.args`: [0] table, [2] entry index, [3]/[4] proxy bucket and index.
pub fn neigh_dump_info(skb: &mut SkBuff, cb: &mut NetlinkCallback) -> Result<usize, Errno> {
    let _s = debug_span!("neigh_dump_info").entered();
    let nlh = cb.nlh.clone();
    let hdr = NlMsgHdr::new_unchecked(&nlh[..]);
    let family = hdr.payload().first().copied().unwrap_or(0);
    let proxy = hdr.payload_len() >= NDMSG_LEN && hdr.payload()[10] == NTF_PROXY;
    let mut filter = NeighDumpFilter::default();
    let mut extack = std::mem::take(&mut cb.extack);
    let r = neigh_valid_dump_req(&nlh, cb.strict_check, &mut filter, &mut extack);
    cb.extack = extack;
    if let Err(e) = r {
        if cb.strict_check {
            return Err(e);
        }
    }
    let net = Arc::clone(&cb.net);
    let Some(nn) = neigh_net(&net) else { return Ok(0) };
    let pid = cb.portid;
    let seq = hdr.nlmsg_seq();
    let mut flags = NLM_F_MULTI;
    if filter.dev_idx != 0 || filter.master_idx != 0 {
        flags |= NLM_F_DUMP_FILTERED;
    }
    let s_t = cb.args[0] as usize;
    let mut err = Ok(0);
    let mut t = 0;
    let inner = nn.inner.lock();
    while t < NEIGH_NR_TABLES {
        let Some(tbl) = neigh_table(t) else {
            t += 1;
            continue;
        };
        if t < s_t || (family != 0 && tbl.family != family) {
            t += 1;
            continue;
        }
        if t > s_t {
            for a in &mut cb.args[1..] {
                *a = 0;
            }
        }
        let st = &inner.tbls[t];
        if proxy {
            let (s_h, s_idx) = (cb.args[3] as usize, cb.args[4] as usize);
            let mut h = s_h;
            let mut idx = 0;
            'p: while h <= PNEIGH_HASHMASK {
                let s = if h > s_h { 0 } else { s_idx };
                idx = 0;
                for pn in &st.phash[h] {
                    if idx >= s
                        && !neigh_ifindex_filtered(pn.dev.as_deref(), filter.dev_idx)
                        && !neigh_master_filtered(pn.dev.as_deref(), filter.master_idx)
                    {
                        if let Err(e) = pneigh_fill_info(skb, tbl.family, pn, pid, seq, RTM_NEWNEIGH, flags) {
                            err = Err(e);
                            break 'p;
                        }
                    }
                    idx += 1;
                }
                h += 1;
            }
            cb.args[3] = h as i64;
            cb.args[4] = idx as i64;
        } else {
            let s_idx = cb.args[2] as usize;
            let mut idx = 0;
            for n in st.entries.iter().rev() {
                if idx >= s_idx
                    && !neigh_ifindex_filtered(Some(&n.dev), filter.dev_idx)
                    && !neigh_master_filtered(Some(&n.dev), filter.master_idx)
                {
                    if let Err(e) =
                        __neigh_fill_info(skb, &net.globals, tbl.family, n, pid, seq, RTM_NEWNEIGH, flags, 0)
                    {
                        err = Err(e);
                        break;
                    }
                }
                idx += 1;
            }
            cb.args[1] = 0;
            cb.args[2] = idx as i64;
        }
        if err.is_err() {
            break;
        }
        t += 1;
    }
    cb.args[0] = t as i64;
    err
}

/// `neigh_flush_dev`: every entry of `dev` (newest first, as the device's
/// list holds them), permanent ones too unless `skip_perm`; each goes with
/// an RTM_DELNEIGH (port id 0).
fn neigh_flush_dev(net: &Net, tbl: usize, dev: &NetDevice, skip_perm: bool) {
    let Some(nn) = neigh_net(net) else { return };
    let mut pending = Vec::new();
    {
        let mut inner = nn.inner.lock();
        let st = &mut inner.tbls[tbl];
        let mut i = st.entries.len();
        while i > 0 {
            i -= 1;
            let n = &st.entries[i];
            if !std::ptr::eq(Arc::as_ptr(&n.dev), dev as *const NetDevice) {
                continue;
            }
            if skip_perm && (n.nud_state & NUD_PERMANENT_ != 0 || n.flags & NTF_EXT_VALIDATED != 0) {
                continue;
            }
            let mut n = st.entries.remove(i);
            n.timer.delete(&net.globals);
            n.dead = true;
            pending.extend(__neigh_notify(&net.globals, tbl, &n, RTM_DELNEIGH, 0, 0));
        }
    }
    flush_notifies(net, pending);
}

/// `pneigh_ifdown`: the device's proxy entries go (permanent ones kept if
/// `skip_perm`); entries without a device stay — Linux's `!dev ||
/// n->dev == dev` only removes those when called without a device.
fn pneigh_ifdown(net: &Net, tbl: usize, dev: &NetDevice, skip_perm: bool) {
    let Some(nn) = neigh_net(net) else { return };
    let mut inner = nn.inner.lock();
    for bucket in inner.tbls[tbl].phash.iter_mut() {
        bucket.retain(|p| (skip_perm && p.permanent) || p.dev.as_ref().is_none_or(|d| d.ifindex() != dev.ifindex()));
    }
}

/// `neigh_changeaddr`: the device's address changed: all its entries go.
pub fn neigh_changeaddr(tbl: usize, dev: &Arc<NetDevice>) {
    let _s = debug_span!("neigh_changeaddr", tbl, dev = dev.ifindex()).entered();
    if let Some(net) = dev.net() {
        neigh_flush_dev(&net, tbl, dev, false);
    }
}

/// `neigh_carrier_down`: all but PERMANENT (and externally validated) entries go.
pub fn neigh_carrier_down(tbl: usize, dev: &Arc<NetDevice>) {
    let _s = debug_span!("neigh_carrier_down", tbl, dev = dev.ifindex()).entered();
    if let Some(net) = dev.net() {
        neigh_flush_dev(&net, tbl, dev, true);
        pneigh_ifdown(&net, tbl, dev, true);
    }
}

/// `neigh_ifdown`: the device went down or away: all its entries go,
/// permanent ones too, and its proxy entries.
pub fn neigh_ifdown(tbl: usize, dev: &Arc<NetDevice>) {
    let _s = debug_span!("neigh_ifdown", tbl, dev = dev.ifindex()).entered();
    if let Some(net) = dev.net() {
        neigh_flush_dev(&net, tbl, dev, false);
        pneigh_ifdown(&net, tbl, dev, false);
    }
}

/// `neigh_parms_release`: the device's parameters go with it.
pub fn neigh_parms_release(tbl: usize, dev: &NetDevice) {
    let Some(net) = dev.net() else { return };
    let Some(nn) = neigh_net(&net) else { return };
    nn.inner.lock().tbls[tbl].parms.by_ifindex.remove(&dev.ifindex());
}

/// The number of entries of `family` in `net` (for tests and tools).
pub fn neigh_count(net: &Net, family: u8) -> usize {
    let Some(t) = neigh_find_table(family) else { return 0 };
    neigh_net(net).map_or(0, |nn| nn.inner.lock().tbls[t].entries.len())
}

fn neigh_net_init(net: &Arc<Net>) -> Result<(), Errno> {
    net.set_generic(Arc::new(NeighNet::default()));
    Ok(())
}

fn neigh_net_exit(net: &Arc<Net>) {
    if let Some(nn) = neigh_net(net) {
        let mut inner = nn.inner.lock();
        for st in inner.tbls.iter_mut() {
            for n in st.entries.drain(..) {
                n.timer.delete(&net.globals);
            }
        }
    }
    net.clear_generic::<NeighNet>();
}

/// `neigh_init`: the PF_UNSPEC RTM_*NEIGH handlers (GETNEIGH doit and dump
/// without rtnl_lock, as 6.18 registers them) and the per-namespace tables.
pub(crate) fn neigh_init(globals: &Arc<Globals>) {
    let _ = register_pernet_subsys(
        globals,
        PernetOperations { name: "neigh", init: Some(neigh_net_init), exit: Some(neigh_net_exit) },
    );
    let h = |msgtype, doit, dumpit, flags| RtnlMsgHandler { protocol: PF_UNSPEC, msgtype, doit, dumpit, flags };
    let _ = rtnl_register_many(
        globals,
        &[
            h(RTM_NEWNEIGH, Some(neigh_add as crate::net::core::rtnetlink::RtnlDoitFn), None, 0),
            h(RTM_DELNEIGH, Some(neigh_delete), None, 0),
            h(
                RTM_GETNEIGH,
                Some(neigh_get),
                Some(neigh_dump_info as crate::net::core::rtnetlink::RtnlDumpitFn),
                RTNL_FLAG_DOIT_UNLOCKED | RTNL_FLAG_DUMP_UNLOCKED,
            ),
        ],
    );
}
