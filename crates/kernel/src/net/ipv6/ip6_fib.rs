//! The IPv6 forwarding information base: net/ipv6/ip6_fib.c.
//!
//! Linux keeps each `fib6_table` as a radix tree of `fib6_node`s, one node
//! per destination prefix, each holding its routes as a list (`fib6_next`)
//! ordered by metric. With CONFIG_IPV6_SUBTREES (on in 6.18 as shipped:
//! probes/observed/p_route6.txt, "src_len 64 RTA_SRC") a node may carry a
//! subtree keyed by source prefix.
//!
//! Here a table is a `BTreeMap` whose key order *is* the walk order of
//! `fib6_walk_continue` (state FWS_S, then FWS_L, FWS_R, FWS_C): a node's
//! source subtree first, then its left (bit 0) and right (bit 1) children,
//! then its own routes. Ordering keys that way gives `inet6_dump_fib`'s
//! order without the tree (probe: "DUMP full, non-strict": /49, /128, /64,
//! /34, /33, /32, /4, /1, /0 in table 200; a source route before the plain
//! route to the same prefix). Lookups (`fib6_node_lookup` with backtracking)
//! try each prefix length from 128 down.
//!
//! Tables sit in `fib_table_hash[FIB6_TABLE_HASHSZ]`, bucket `id & 255`,
//! newest first within a bucket (`hlist_add_head_rcu`): the probe dumps
//! tables 300, 356, 100, 400, 200, 1000, 253, 254, 255 in that order.
//!
//! As in ip6_fib.c, this file also inserts and deletes routes
//! (`fib6_add`, `fib6_add_rt2node`, `fib6_del`), keeps the multipath
//! sibling rings, collects expired routes (`fib6_run_gc`), and walks the
//! tables for dumps (`inet6_dump_fib`) and for cleaning (`fib6_clean_all`).

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::net::Ipv6Addr;
use std::sync::Arc;

use parking_lot::Mutex;
use tracing::debug_span;

use crate::net::core::skbuff::SkBuff;
use crate::net::netlink::af_netlink::NetlinkCallback;
use crate::time::jiffies;
use crate::Errno;
use nlwire::policy::ExtAck;
use nlwire::uapi::netlink::{NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE};
use nlwire::uapi::rtnetlink::{RTM_DELROUTE, RTM_F_PREFIX, RTM_NEWROUTE};
use nlwire::uapi::socket::AF_INET6;
use nlwire::NlMsgHdr;

use crate::net::core::net_namespace::Net;
use crate::time::{TimerList, HZ};

use super::route::*;

/// `FIB6_TABLE_HASHSZ` with CONFIG_IPV6_MULTIPLE_TABLES.
pub const FIB6_TABLE_HASHSZ: usize = 256;
/// `RT6_TABLE_MAIN`.
pub const RT6_TABLE_MAIN: u32 = 254;
/// `RT6_TABLE_LOCAL`.
pub const RT6_TABLE_LOCAL: u32 = 255;

/// `ipv6_addr_prefix`: `addr` with all bits past `plen` cleared.
pub fn ipv6_addr_prefix(addr: &Ipv6Addr, plen: u8) -> Ipv6Addr {
    let v = u128::from_be_bytes(addr.octets());
    let mask = if plen == 0 { 0 } else { u128::MAX << (128 - u32::from(plen.min(128))) };
    Ipv6Addr::from((v & mask).to_be_bytes())
}

/// `ipv6_prefix_equal(a, b, plen)`.
pub fn ipv6_prefix_equal(a: &Ipv6Addr, b: &Ipv6Addr, plen: u8) -> bool {
    ipv6_addr_prefix(a, plen) == ipv6_addr_prefix(b, plen)
}

/// `addr_bit_set(addr, bit)`.
fn addr_bit_set(addr: &Ipv6Addr, bit: u32) -> bool {
    u128::from_be_bytes(addr.octets()) & (1u128 << (127 - bit)) != 0
}

/// The first bit where `a` and `b` differ (`__ipv6_addr_diff`), if any.
fn addr_diff(a: &Ipv6Addr, b: &Ipv6Addr) -> Option<u32> {
    let x = u128::from_be_bytes(a.octets()) ^ u128::from_be_bytes(b.octets());
    (x != 0).then(|| x.leading_zeros())
}

/// Post-order of two prefixes in one radix tree: a longer prefix inside a
/// shorter one comes first; otherwise the side of the first differing bit
/// (0 = left) decides.
fn postorder_cmp(a: &Ipv6Addr, la: u8, b: &Ipv6Addr, lb: u8) -> Ordering {
    let m = la.min(lb);
    match addr_diff(a, b) {
        Some(bit) if bit < u32::from(m) => {
            if addr_bit_set(a, bit) {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        // One contains the other (or they are equal): the longer first.
        _ => lb.cmp(&la),
    }
}

/// A node of the tree: destination prefix and, for a route in a source
/// subtree, the source prefix (`src_len` 0 = the node's own routes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fib6Key {
    pub dst: Ipv6Addr,
    pub dst_len: u8,
    pub src: Ipv6Addr,
    pub src_len: u8,
}

impl Fib6Key {
    pub fn new(dst: &Ipv6Addr, dst_len: u8, src: &Ipv6Addr, src_len: u8) -> Self {
        Fib6Key {
            dst: ipv6_addr_prefix(dst, dst_len),
            dst_len,
            src: if src_len == 0 { Ipv6Addr::UNSPECIFIED } else { ipv6_addr_prefix(src, src_len) },
            src_len,
        }
    }
}

impl Ord for Fib6Key {
    /// The order of `fib6_walk_continue`: at each destination node the
    /// source subtree (FWS_S), then the children (FWS_L, FWS_R), then the
    /// node's own routes (FWS_C).
    fn cmp(&self, o: &Self) -> Ordering {
        if self.dst_len == o.dst_len && self.dst == o.dst {
            return match (self.src_len > 0, o.src_len > 0) {
                (true, true) => postorder_cmp(&self.src, self.src_len, &o.src, o.src_len),
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                (false, false) => Ordering::Equal,
            };
        }
        let m = self.dst_len.min(o.dst_len);
        match addr_diff(&self.dst, &o.dst) {
            Some(bit) if bit < u32::from(m) => {
                if addr_bit_set(&self.dst, bit) {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            _ => {
                // One destination contains the other.
                let (outer_is_self, outer_has_src) =
                    if self.dst_len < o.dst_len { (true, self.src_len > 0) } else { (false, o.src_len > 0) };
                // The outer node's subtree comes before its children, its
                // own routes after them.
                match (outer_is_self, outer_has_src) {
                    (true, true) | (false, false) => Ordering::Less,
                    _ => Ordering::Greater,
                }
            }
        }
    }
}

impl PartialOrd for Fib6Key {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// `struct fib6_table`.
#[derive(Debug, Default)]
pub struct Fib6Table {
    pub tb6_id: u32,
    /// Nodes with routes (RTN_RTINFO), each its `fib6_next` list.
    pub nodes: BTreeMap<Fib6Key, Vec<Arc<Fib6Info>>>,
    /// `tb6_root.fn_sernum`: moves when a route is added under the root
    /// (`__fib6_update_sernum_upto_root`); a suspended dump restarts then.
    pub fn_sernum: u32,
}

/// `net->ipv6`'s FIB: `fib_table_hash`, the sernum and the sibling groups.
#[derive(Debug)]
pub struct Fib6Tables {
    /// Bucket `id & 255` → table ids, newest first.
    pub hash: Vec<Vec<u32>>,
    pub tables: HashMap<u32, Fib6Table>,
    /// `net->ipv6.fib6_sernum`.
    pub fib6_sernum: u32,
    /// Ids for multipath sibling groups, and their members' order.
    pub next_group: u64,
}

impl Fib6Tables {
    fn new() -> Self {
        let mut t = Fib6Tables {
            hash: vec![Vec::new(); FIB6_TABLE_HASHSZ],
            tables: HashMap::new(),
            fib6_sernum: 1,
            next_group: 1,
        };
        // fib6_net_init → fib6_tables_init: main, then local.
        t.fib6_new_table(RT6_TABLE_MAIN);
        t.fib6_new_table(RT6_TABLE_LOCAL);
        t
    }

    /// `fib6_get_table`: table 0 is main.
    pub fn fib6_get_table(&self, id: u32) -> Option<&Fib6Table> {
        self.tables.get(&if id == 0 { RT6_TABLE_MAIN } else { id })
    }

    pub fn fib6_get_table_mut(&mut self, id: u32) -> Option<&mut Fib6Table> {
        self.tables.get_mut(&if id == 0 { RT6_TABLE_MAIN } else { id })
    }

    /// `fib6_new_table`: the table, made and linked at the head of its
    /// bucket if missing (`fib6_link_table`).
    pub fn fib6_new_table(&mut self, id: u32) -> u32 {
        let id = if id == 0 { RT6_TABLE_MAIN } else { id };
        if let std::collections::hash_map::Entry::Vacant(e) = self.tables.entry(id) {
            e.insert(Fib6Table { tb6_id: id, ..Default::default() });
            self.hash[(id as usize) & (FIB6_TABLE_HASHSZ - 1)].insert(0, id);
        }
        id
    }

    /// Table ids in `fib_table_hash` order.
    pub fn table_order(&self) -> Vec<u32> {
        self.hash.iter().flatten().copied().collect()
    }

    /// `fib6_new_sernum`.
    pub fn fib6_new_sernum(&mut self) -> u32 {
        self.fib6_sernum = if self.fib6_sernum < i32::MAX as u32 { self.fib6_sernum + 1 } else { 1 };
        self.fib6_sernum
    }

    /// `__fib6_update_sernum_upto_root` as far as a dump can see it.
    pub fn update_sernum_upto_root(&mut self, table: u32) {
        let s = self.fib6_new_sernum();
        if let Some(t) = self.fib6_get_table_mut(table) {
            t.fn_sernum = s;
        }
    }
}

/// The per-namespace FIB (`net->ipv6.fib_table_hash` and friends).
#[derive(Debug)]
pub struct Fib6Net {
    pub tables: Mutex<Fib6Tables>,
    /// `net->ipv6.ip6_fib_timer`: the garbage collector of expiring routes.
    pub ip6_fib_timer: Option<TimerList>,
}

/// `ip6_rt_gc_interval`: 30 s.
pub const IP6_RT_GC_INTERVAL: u64 = 30 * HZ;

/// `fib6_net_init`: main and local tables for a namespace, and its GC timer.
pub fn fib6_net_init(net: &Arc<Net>) {
    net.set_generic(Arc::new(Fib6Net {
        tables: Mutex::new(Fib6Tables::new()),
        ip6_fib_timer: Some(TimerList::setup(&net.globals)),
    }));
}

/// `round_jiffies` on CPU 0: to the nearest whole second, never into the past.
pub fn round_jiffies(j: u64, now: u64) -> u64 {
    let rem = j % HZ;
    let r = if rem < HZ / 4 { j - rem } else { j - rem + HZ };
    if r <= now {
        j
    } else {
        r
    }
}

/// The namespace's FIB, made on first use for namespaces that predate
/// the pernet registration.
pub fn fib6_net(net: &Arc<Net>) -> Arc<Fib6Net> {
    if let Some(f) = net.generic::<Fib6Net>() {
        return f;
    }
    fib6_net_init(net);
    net.generic::<Fib6Net>()
        .unwrap_or_else(|| Arc::new(Fib6Net { tables: Mutex::new(Fib6Tables::new()), ip6_fib_timer: None }))
}

/// `fib6_locate(root, dst, dst_len, src, src_len, exact)`: the node's routes.
pub fn fib6_locate<'a>(table: &'a Fib6Table, key: &Fib6Key) -> Option<&'a Vec<Arc<Fib6Info>>> {
    table.nodes.get(key).filter(|v| !v.is_empty())
}

/// `fib6_node_lookup` with `fib6_backtrack`: the nodes that match `daddr`
/// (and `saddr` in a subtree), most specific first. A caller walks them
/// until `rt6_select` finds a usable route.
pub fn fib6_node_lookup(table: &Fib6Table, daddr: &Ipv6Addr, saddr: &Ipv6Addr) -> Vec<Fib6Key> {
    let mut out: Vec<Fib6Key> = table
        .nodes
        .iter()
        .filter(|(k, v)| {
            !v.is_empty()
                && ipv6_prefix_equal(&k.dst, daddr, k.dst_len)
                && (k.src_len == 0 || ipv6_prefix_equal(&k.src, saddr, k.src_len))
        })
        .map(|(k, _)| *k)
        .collect();
    // Longest destination first; within it the source subtree (longest
    // source first), then the node's own routes.
    out.sort_by(|a, b| b.dst_len.cmp(&a.dst_len).then(b.src_len.cmp(&a.src_len)));
    out
}

// ---------------------------------------------------------------------------
// Siblings (`fib6_siblings`): a ring per multipath route, kept as a group
// id and an order; every member sits in the same node.

/// The members of `rt`'s group in ring order starting after `rt`.
pub(crate) fn rt6_siblings(node: &[Arc<Fib6Info>], rt: &Arc<Fib6Info>) -> Vec<Arc<Fib6Info>> {
    let g = rt.st.lock().group;
    if g == 0 {
        return Vec::new();
    }
    let mut members: Vec<(u64, Arc<Fib6Info>)> =
        node.iter().filter(|r| r.st.lock().group == g).map(|r| (r.st.lock().group_seq, Arc::clone(r))).collect();
    members.sort_by_key(|m| m.0);
    let pos = members.iter().position(|m| Arc::ptr_eq(&m.1, rt)).unwrap_or(0);
    members.rotate_left(pos);
    members.into_iter().skip(1).map(|m| m.1).collect()
}

pub(crate) fn unlink_sibling(rt: &Fib6Info) {
    let mut st = rt.st.lock();
    st.group = 0;
    st.group_seq = 0;
}

// ---------------------------------------------------------------------------
// Insertion and deletion (ip6_fib.c: fib6_add, fib6_add_rt2node, fib6_del).

/// `fib6_add` → `fib6_add_1` → `fib6_add_rt2node`, with the NLM_F_* rules
/// IPv6 has (probe): an identical route is EEXIST whatever the flags;
/// EXCL refuses any route of the same metric; a missing CREATE only warns;
/// REPLACE without CREATE needs an existing node ("Can not replace route -
/// no match found") and a route of that metric (ENOENT without message);
/// a new gateway route of the same metric joins the multipath route.
pub(crate) fn fib6_add(
    net: &Arc<Net>,
    tables: &mut Fib6Tables,
    rt: &Arc<Fib6Info>,
    info: &NlInfo,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    let nlf = info.nlh_flags;
    let allow_create = nlf.is_none_or(|f| f & NLM_F_CREATE != 0);
    let replace_required = nlf.is_some_and(|f| f & NLM_F_REPLACE != 0);
    let key = rt.key();
    let tbid = rt.fib6_table;
    let exists = tables.fib6_get_table(tbid).and_then(|t| fib6_locate(t, &key)).is_some();
    if !exists && !allow_create && replace_required {
        extack.set_msg("Can not replace route - no match found");
        return Err(Errno::ENOENT);
    }
    let mut next_group = tables.next_group;
    let Some(table) = tables.fib6_get_table_mut(tbid) else {
        return Err(Errno::ENOBUFS);
    };
    let node = table.nodes.entry(key).or_default();
    let r = fib6_add_rt2node(net, node, rt, info, &mut next_group);
    if node.is_empty() {
        table.nodes.remove(&key);
    }
    tables.next_group = next_group;
    r?;
    tables.update_sernum_upto_root(tbid);
    if rt.st.lock().expires.is_some() {
        fib6_start_gc(net);
    }
    Ok(())
}

/// `fib6_start_gc`: arms the GC timer for an expiring route, if idle.
pub(crate) fn fib6_start_gc(net: &Arc<Net>) {
    let Some(f) = net.generic::<super::ip6_fib::Fib6Net>() else { return };
    let Some(timer) = f.ip6_fib_timer else { return };
    if !timer.pending(&net.globals) {
        let weak = Arc::downgrade(net);
        timer.mod_timer(
            &net.globals,
            jiffies(&net.globals) + IP6_RT_GC_INTERVAL,
            Box::new(move |_| fib6_gc_timer_cb(&weak)),
        );
    }
}

/// `fib6_gc_timer_cb` → `fib6_run_gc`: deletes the routes whose expiry has
/// passed (announced with RTM_DELROUTE, pid 0) and re-arms while expiring
/// routes remain, at a whole second (`round_jiffies`).
pub(crate) fn fib6_gc_timer_cb(weak: &std::sync::Weak<Net>) {
    let Some(net) = weak.upgrade() else { return };
    let _s = debug_span!("fib6_run_gc").entered();
    let f = fib6_net(&net);
    let now = jiffies(&net.globals);
    let mut more = 0;
    {
        let mut tables = f.tables.lock();
        fib6_clean_all(&net, &mut tables, |rt, _| match rt.st.lock().expires {
            Some(e) if crate::time::time_after(now, e) => Clean::Delete,
            Some(_) => {
                more += 1;
                Clean::Keep
            }
            None => Clean::Keep,
        });
    }
    let Some(timer) = f.ip6_fib_timer else { return };
    if more > 0 {
        let w = weak.clone();
        let at = round_jiffies(now + IP6_RT_GC_INTERVAL, now);
        timer.mod_timer(&net.globals, at, Box::new(move |_| fib6_gc_timer_cb(&w)));
    } else {
        timer.delete(&net.globals);
    }
}

/// `fib6_add_rt2node`.
pub(crate) fn fib6_add_rt2node(
    net: &Net,
    node: &mut Vec<Arc<Fib6Info>>,
    rt: &Arc<Fib6Info>,
    info: &NlInfo,
    next_group: &mut u64,
) -> Result<(), Errno> {
    let nlf = info.nlh_flags;
    let replace = nlf.is_some_and(|f| f & NLM_F_REPLACE != 0);
    let add = nlf.is_none_or(|f| f & NLM_F_CREATE != 0);
    let rt_can_ecmp = rt6_qualify_for_ecmp(rt);
    let mut nlflags = NLM_F_EXCL;
    if nlf.is_some_and(|f| f & NLM_F_APPEND != 0) {
        nlflags |= NLM_F_APPEND;
    }
    let mut ins = node.len();
    let mut found = false;
    let mut fallback_ins = None;
    let mut nsiblings = 0;
    for (i, iter) in node.iter().enumerate() {
        if iter.fib6_metric == rt.fib6_metric {
            if nlf.is_some_and(|f| f & NLM_F_EXCL != 0) {
                return Err(Errno::EEXIST);
            }
            nlflags &= !NLM_F_EXCL;
            if replace {
                if rt_can_ecmp == rt6_qualify_for_ecmp(iter) {
                    found = true;
                    ins = i;
                    break;
                }
                fallback_ins.get_or_insert(i);
                continue;
            }
            if rt6_duplicate_nexthop(iter, rt) {
                // An expiring duplicate takes the new expiry; either way
                // the answer is EEXIST.
                let new_exp = rt.st.lock().expires;
                let mut ist = iter.st.lock();
                if ist.expires.is_some() {
                    ist.expires = new_exp;
                }
                return Err(Errno::EEXIST);
            }
            if rt_can_ecmp && rt6_qualify_for_ecmp(iter) {
                nsiblings += 1;
            }
        }
        if iter.fib6_metric > rt.fib6_metric {
            ins = i;
            break;
        }
    }
    if let (Some(f), false) = (fallback_ins, found) {
        ins = f;
        found = true;
    }
    if nsiblings > 0 {
        // Join the group of the first same-metric gateway route.
        if let Some(first) = node.iter().find(|s| s.fib6_metric == rt.fib6_metric && rt6_qualify_for_ecmp(s)) {
            let mut fst = first.st.lock();
            if fst.group == 0 {
                fst.group = *next_group;
                fst.group_seq = 0;
                *next_group += 1;
            }
            let g = fst.group;
            drop(fst);
            let max_seq =
                node.iter().filter(|s| s.st.lock().group == g).map(|s| s.st.lock().group_seq).max().unwrap_or(0);
            let mut st = rt.st.lock();
            st.group = g;
            st.group_seq = max_seq + 1;
        }
    }
    if !replace || !found {
        if replace && !add {
            return Err(Errno::ENOENT);
        }
        nlflags |= NLM_F_CREATE;
        node.insert(ins, Arc::clone(rt));
        rt.st.lock().in_tree = true;
        if !info.skip_notify {
            let sibs = rt6_siblings(node, rt);
            inet6_rt_notify(net, RTM_NEWROUTE, rt, &sibs, info, nlflags);
        }
        return Ok(());
    }
    // Replace node[ins].
    let old = std::mem::replace(&mut node[ins], Arc::clone(rt));
    rt.st.lock().in_tree = true;
    if !info.skip_notify {
        inet6_rt_notify(net, RTM_NEWROUTE, rt, &[], info, NLM_F_REPLACE);
    }
    let old_group = old.st.lock().group;
    let had_siblings = old_group != 0 && node.iter().any(|s| !Arc::ptr_eq(s, &old) && s.st.lock().group == old_group);
    old.st.lock().in_tree = false;
    unlink_sibling(&old);
    if had_siblings {
        // Replacing an ECMP route removes all its siblings.
        let mut i = ins + 1;
        while i < node.len() {
            if node[i].fib6_metric > rt.fib6_metric {
                break;
            }
            if rt6_qualify_for_ecmp(&node[i]) {
                let gone = node.remove(i);
                gone.st.lock().in_tree = false;
                unlink_sibling(&gone);
            } else {
                i += 1;
            }
        }
    }
    Ok(())
}

/// `fib6_del` → `fib6_del_route`: unlinks `rt` (and from its siblings) and
/// announces RTM_DELROUTE (flags 0) unless `skip_notify`. The route leaves
/// the garbage collector's list first (`fib6_remove_gc_list` clears its
/// expiry), so the RTM_DELROUTE of an expiring route reports no expiry —
/// observed for explicit deletes and for a device going down.
pub(crate) fn fib6_del(net: &Net, tables: &mut Fib6Tables, rt: &Arc<Fib6Info>, info: &NlInfo) -> Result<(), Errno> {
    let key = rt.key();
    let Some(table) = tables.fib6_get_table_mut(rt.fib6_table) else {
        return Err(Errno::ENOENT);
    };
    let Some(node) = table.nodes.get_mut(&key) else {
        return Err(Errno::ENOENT);
    };
    let Some(pos) = node.iter().position(|r| Arc::ptr_eq(r, rt)) else {
        return Err(Errno::ENOENT);
    };
    node.remove(pos);
    {
        let mut st = rt.st.lock();
        st.in_tree = false;
        st.expires = None;
    }
    unlink_sibling(rt);
    if node.is_empty() {
        table.nodes.remove(&key);
    }
    if !info.skip_notify {
        inet6_rt_notify(net, RTM_DELROUTE, rt, &[], info, 0);
    }
    Ok(())
}

/// `struct fib6_walker` as a dump keeps it between chunks (`cb->args[2..5]`).
#[derive(Debug, Default)]
pub(crate) struct Fib6DumpWalker {
    /// `cb->args[4]`: a table walk is suspended.
    pub(crate) active: bool,
    /// `cb->args[5]`: the root's sernum when it was suspended.
    pub(crate) sernum: u32,
    /// `w->count`: nodes finished.
    pub(crate) count: usize,
    /// `w->node` / `w->leaf`: where it stopped.
    pub(crate) node: Option<Fib6Key>,
    pub(crate) leaf: Option<Arc<Fib6Info>>,
}

/// `fib6_dump_table`: walks one table from where the walker stopped (or
/// from the root, skipping the nodes already done, if the table changed
/// since: `fn_sernum`). 1 = suspended, 0 = done.
#[allow(clippy::too_many_arguments)]
pub(crate) fn fib6_dump_table(
    table: &Fib6Table,
    skb: &mut SkBuff,
    w: &mut Fib6DumpWalker,
    filter: &FibDumpFilter,
    portid: u32,
    seq: u32,
    now: u64,
) -> i32 {
    let (start_key, mut skip, mut leaf) = if !w.active {
        w.count = 0;
        (None, 0, None)
    } else if w.sernum != table.fn_sernum {
        w.sernum = table.fn_sernum;
        (None, w.count, None)
    } else {
        (w.node, 0, w.leaf.clone())
    };
    let iter: Box<dyn Iterator<Item = (&Fib6Key, &Vec<Arc<Fib6Info>>)>> = match start_key {
        Some(k) => Box::new(table.nodes.range(k..)),
        None => Box::new(table.nodes.iter()),
    };
    for (key, routes) in iter {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let mut i = leaf
            .take()
            .filter(|_| Some(*key) == start_key)
            .and_then(|l| routes.iter().position(|r| Arc::ptr_eq(r, &l)))
            .unwrap_or(0);
        while i < routes.len() {
            let rt = &routes[i];
            let sibs = rt6_siblings(routes, rt);
            if rt6_dump_route(skb, rt, &sibs, filter, portid, seq, now) >= 0 {
                w.node = Some(*key);
                w.leaf = Some(Arc::clone(rt));
                if !w.active {
                    w.active = true;
                    w.sernum = table.fn_sernum;
                }
                return 1;
            }
            // A multipath route went out whole: go on after its last sibling.
            if let Some(last) = sibs.last() {
                if let Some(p) = routes.iter().position(|r| Arc::ptr_eq(r, last)) {
                    i = i.max(p);
                }
            }
            i += 1;
        }
        w.count += 1;
    }
    w.active = false;
    w.node = None;
    w.leaf = None;
    0
}

/// `inet6_dump_fib`: every table in `fib_table_hash` order (or one, with a
/// strict-checked table filter), resumable across chunks; `cb->args[0]` is
/// the bucket, `[1]` the entry in it, `[2]` marks a live walker (kept in
/// `cb->ctx`). It returns the chunk's length even when finished, so
/// NLMSG_DONE always comes alone (probe: the 20-byte DONE datagrams).
pub fn inet6_dump_fib(skb: &mut SkBuff, cb: &mut NetlinkCallback) -> Result<usize, Errno> {
    let _s = debug_span!("inet6_dump_fib").entered();
    let net = Arc::clone(&cb.net);
    let nlh = cb.nlh.clone();
    let mut filter = FibDumpFilter { dump_routes: true, dump_exceptions: true, ..Default::default() };
    if cb.strict_check {
        ip_valid_fib_dump_req(&net, &nlh, &mut filter, cb)?;
    } else if NlMsgHdr::new_unchecked(&nlh[..]).payload_len() >= 12 && rtmsg(&nlh).flags & RTM_F_PREFIX != 0 {
        filter.flags = RTM_F_PREFIX;
    }
    let mut w = if cb.args[2] != 0 {
        cb.ctx.take().and_then(|c| c.downcast::<Fib6DumpWalker>().ok()).map(|b| *b).unwrap_or_default()
    } else {
        cb.args[2] = 1;
        Fib6DumpWalker::default()
    };
    let portid = cb.portid;
    let seq = NlMsgHdr::new_unchecked(&nlh[..]).nlmsg_seq();
    let f = fib6_net(&net);
    let tables = f.tables.lock();
    let now = jiffies(&net.globals);
    if filter.table_id != 0 {
        match tables.fib6_get_table(filter.table_id) {
            None => {
                if nlh.get(16).copied() == Some(AF_INET6) {
                    cb.extack.set_msg("ipv6: FIB table does not exist");
                    cb.args[2] = 0;
                    return Err(Errno::ENOENT);
                }
            }
            Some(tb) => {
                if cb.args[0] == 0 && fib6_dump_table(tb, skb, &mut w, &filter, portid, seq, now) == 0 {
                    cb.args[0] = 1;
                }
            }
        }
    } else {
        let s_h = cb.args[0] as usize;
        let mut s_e = cb.args[1] as usize;
        let mut h = s_h;
        let mut e = 0;
        'out: while h < FIB6_TABLE_HASHSZ {
            e = 0;
            for id in &tables.hash[h] {
                if e >= s_e {
                    if let Some(tb) = tables.tables.get(id) {
                        if fib6_dump_table(tb, skb, &mut w, &filter, portid, seq, now) != 0 {
                            break 'out;
                        }
                    }
                }
                e += 1;
            }
            h += 1;
            s_e = 0;
        }
        cb.args[1] = e as i64;
        cb.args[0] = h as i64;
    }
    let len = skb.len();
    if len == 0 {
        // fib6_dump_end.
        cb.args[2] = 0;
        cb.args[1] = 3;
    } else {
        cb.ctx = Some(Box::new(w));
    }
    Ok(len)
}

// ---------------------------------------------------------------------------
// The tree walks: the dump (`fib6_dump_table`, `inet6_dump_fib`) and the
// cleaner (`fib6_clean_all`) that device events and the GC use.

/// What `fib6_ifdown` decides for one route.
pub(crate) enum Clean {
    Keep,
    Delete,
    SkipSiblings,
}

/// `fib6_clean_all`: visits every route in walk order and deletes those
/// `func` marks (each announced with RTM_DELROUTE, pid 0, seq 0: probe "v0
/// down", "delete d0").
pub(crate) fn fib6_clean_all(
    net: &Net,
    tables: &mut Fib6Tables,
    mut func: impl FnMut(&Arc<Fib6Info>, &[Arc<Fib6Info>]) -> Clean,
) {
    let info = NlInfo::default();
    for id in tables.table_order() {
        let keys: Vec<Fib6Key> = tables.tables.get(&id).map(|t| t.nodes.keys().copied().collect()).unwrap_or_default();
        for key in keys {
            let mut i = 0;
            loop {
                let Some(routes) = tables.tables.get(&id).and_then(|t| t.nodes.get(&key)).cloned() else { break };
                let Some(rt) = routes.get(i).cloned() else { break };
                let sibs = rt6_siblings(&routes, &rt);
                match func(&rt, &sibs) {
                    Clean::Delete => {
                        let _ = fib6_del(net, tables, &rt, &info);
                    }
                    Clean::SkipSiblings => {
                        let last = sibs.last().and_then(|l| routes.iter().position(|r| Arc::ptr_eq(r, l)));
                        i = last.map_or(i, |p| p.max(i)) + 1;
                    }
                    Clean::Keep => i += 1,
                }
            }
        }
    }
}
