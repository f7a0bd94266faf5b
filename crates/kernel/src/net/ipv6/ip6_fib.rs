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

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::net::Ipv6Addr;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::net::core::net_namespace::Net;
use crate::time::{TimerList, HZ};

use super::route::Fib6Info;

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
