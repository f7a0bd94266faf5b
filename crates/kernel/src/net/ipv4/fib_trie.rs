//! The routing table: net/ipv4/fib_trie.c.
//!
//! Linux keeps each table in an LC-trie whose leaves are keyed by prefix
//! (the destination with its host bits cleared) and hold a list of
//! `fib_alias`es: every route with that key, whatever its length. The
//! list is ordered by suffix length (`fa_slen = 32 − plen`, so the longest
//! prefix comes first), then by table id (descending: main and local share
//! one trie), then tos (descending), then priority (ascending) — the order
//! `fib_insert_alias` keeps and a dump shows.
//!
//! Here a leaf is an entry of an ordered map from key to that same list:
//! `leaf_walk_rcu` is a range walk and `fib_table_lookup` tries the
//! covering keys from the longest prefix down, which finds the same route
//! as the trie's descent with backtracking (every covering prefix of a
//! given length has one key, and within a leaf the list is already in
//! longest-prefix order).
//!
//! The table operations of fib_trie.c are here too: `fib_table_insert`
//! (the NLM_F_CREATE/EXCL/REPLACE/APPEND rules), `fib_table_delete`,
//! `fib_table_dump` / `fn_trie_dump_leaf` and `fib_table_flush`.

use std::collections::BTreeMap;

use tracing::debug_span;

use super::fib_frontend::{FibState, Flowi4};
use super::fib_semantics::{
    fib_create_info, fib_dump_info, fib_info_eq, fib_metrics_match, fib_nh_match, inet_make_mask, rtmsg_fib, FibConfig,
    FibInfo, FibRtInfo, FIB_PROPS, KEYLENGTH,
};
use crate::net::core::net_namespace::Net;
use crate::net::core::skbuff::SkBuff;
use crate::net::netlink::af_netlink::NetlinkCallback;
use crate::Errno;
use nlwire::policy::ExtAck;
use nlwire::uapi::netlink::{NLM_F_APPEND, NLM_F_CREATE, NLM_F_DUMP_FILTERED, NLM_F_EXCL, NLM_F_MULTI, NLM_F_REPLACE};
use nlwire::uapi::rtnetlink::{RTM_DELROUTE, RTM_NEWROUTE, RTNH_F_DEAD, RT_SCOPE_NOWHERE};

/// `struct fib_alias`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FibAlias {
    pub fa_info: FibInfo,
    /// `fa_dscp` (the rtm_tos byte).
    pub fa_dscp: u8,
    pub fa_type: u8,
    /// `fa_slen`: 32 − prefix length.
    pub fa_slen: u8,
    pub tb_id: u32,
}

/// `struct fib_result`: what a lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FibResult {
    pub prefix: u32,
    pub prefixlen: u8,
    pub nh_sel: usize,
    pub ty: u8,
    pub dscp: u8,
    pub fi: FibInfo,
    /// `res->table->tb_id`: the table that answered (the trie's owner).
    pub table: u32,
}

/// `struct trie`: one trie (main and local share one while no rule exists).
#[derive(Debug, Default, Clone)]
pub struct Trie {
    /// Leaves by key (host order), each with its alias list in kernel order.
    pub leaves: BTreeMap<u32, Vec<FibAlias>>,
}

/// `fib_valid_key_len`.
pub fn fib_valid_key_len(key: u32, plen: u8, extack: &mut nlwire::policy::ExtAck) -> Result<(), Errno> {
    if plen > KEYLENGTH {
        extack.set_msg("Invalid prefix length");
        return Err(Errno::EINVAL);
    }
    if plen < KEYLENGTH && key & !inet_make_mask(plen) != 0 {
        extack.set_msg("Invalid prefix for given prefix length");
        return Err(Errno::EINVAL);
    }
    Ok(())
}

impl Trie {
    /// `fib_find_alias`: the first alias of the leaf with this slen and
    /// table whose tos is not above `dscp` and whose priority is at least
    /// `prio` (or whose tos is below): where an equal route would be, or
    /// the alias before which a new one goes.
    pub fn fib_find_alias(leaf: &[FibAlias], slen: u8, dscp: u8, prio: u32, tb_id: u32) -> Option<usize> {
        for (i, fa) in leaf.iter().enumerate() {
            if fa.fa_slen < slen {
                continue;
            }
            if fa.fa_slen != slen {
                break;
            }
            if fa.tb_id > tb_id {
                continue;
            }
            if fa.tb_id != tb_id {
                break;
            }
            if fa.fa_dscp > dscp {
                continue;
            }
            if fa.fa_info.priority >= prio || fa.fa_dscp < dscp {
                return Some(i);
            }
        }
        None
    }

    /// `fib_insert_alias`: before `before` if given, else at the place its
    /// slen and table id give it.
    pub fn fib_insert_alias(&mut self, key: u32, new: FibAlias, before: Option<usize>) {
        let leaf = self.leaves.entry(key).or_default();
        let at = match before {
            Some(i) => i,
            None => leaf
                .iter()
                .position(|last| new.fa_slen < last.fa_slen || (new.fa_slen == last.fa_slen && new.tb_id > last.tb_id))
                .unwrap_or(leaf.len()),
        };
        leaf.insert(at, new);
    }

    /// `fib_remove_alias`: the leaf goes with its last alias.
    pub fn fib_remove_alias(&mut self, key: u32, idx: usize) -> Option<FibAlias> {
        let leaf = self.leaves.get_mut(&key)?;
        let fa = (idx < leaf.len()).then(|| leaf.remove(idx));
        if leaf.is_empty() {
            self.leaves.remove(&key);
        }
        fa
    }

    /// `fib_table_lookup`: the longest matching prefix whose alias passes
    /// the flow's tos and scope and has a usable nexthop. An error route
    /// (blackhole, unreachable, prohibit, throw) ends the lookup with its
    /// error; no match is EAGAIN. `ignore_linkstate` is
    /// FIB_LOOKUP_IGNORE_LINKSTATE (LINKDOWN never excludes a nexthop
    /// here anyway: ignore_routes_with_linkdown is 0).
    pub fn fib_table_lookup(&self, flp: &Flowi4, _ignore_linkstate: bool) -> Result<FibResult, Errno> {
        for plen in (0..=KEYLENGTH).rev() {
            let key = flp.daddr & inet_make_mask(plen);
            let Some(leaf) = self.leaves.get(&key) else { continue };
            let slen = KEYLENGTH - plen;
            for fa in leaf.iter().filter(|fa| fa.fa_slen == slen) {
                let fi = &fa.fa_info;
                if fa.fa_dscp != 0 && fa.fa_dscp != flp.tos {
                    continue;
                }
                if fi.scope < flp.scope {
                    continue;
                }
                if let Some(err) = FIB_PROPS.get(fa.fa_type as usize).and_then(|p| p.error) {
                    return Err(err);
                }
                if fi.flags & RTNH_F_DEAD as u32 != 0 {
                    continue;
                }
                let good =
                    fi.nhs.iter().position(|nh| nh.flags & RTNH_F_DEAD == 0 && (flp.oif == 0 || flp.oif == nh.oif));
                if let Some(nh_sel) = good {
                    return Ok(FibResult {
                        prefix: key,
                        prefixlen: plen,
                        nh_sel,
                        ty: fa.fa_type,
                        dscp: fa.fa_dscp,
                        fi: fi.clone(),
                        table: 0,
                    });
                }
            }
        }
        Err(Errno::EAGAIN)
    }

    /// `fib_table_flush` (not `flush_all`): aliases of `tb_id` whose
    /// fib_info is DEAD go, silently; error routes stay.
    pub fn fib_table_flush(&mut self, tb_id: u32) -> usize {
        let mut found = 0;
        self.leaves.retain(|_, leaf| {
            leaf.retain(|fa| {
                let dead = fa.tb_id == tb_id
                    && fa.fa_info.flags & RTNH_F_DEAD as u32 != 0
                    && FIB_PROPS.get(fa.fa_type as usize).is_none_or(|p| p.error.is_none());
                if dead {
                    found += 1;
                }
                !dead
            });
            !leaf.is_empty()
        });
        found
    }
}

/// `fib_table_insert`: NLM_F_CREATE / EXCL / REPLACE / APPEND exactly as
/// fib_trie.c reads them (kernel-reference §2, probes/p_route4.py):
/// - a route with the same key, length, table, tos and priority exists:
///   EXCL → EEXIST; REPLACE replaces the first of them (an identical one
///   first is a silent success, identical further down is EEXIST); else an
///   identical route (same type and fib_info) is EEXIST; APPEND goes after
///   the last of them, plain CREATE before the first;
/// - otherwise CREATE is needed (ENOENT).
///
/// The notification carries EXCL|CREATE for a new key, CREATE (with
/// APPEND) beside existing routes, REPLACE for a replacement.
pub fn fib_table_insert(
    net: &Net,
    st: &mut FibState,
    tb_id: u32,
    cfg: &FibConfig,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    let _s = debug_span!("fib_table_insert", tb = tb_id, dst = %std::net::Ipv4Addr::from(cfg.dst), plen = cfg.dst_len)
        .entered();
    let key = cfg.dst;
    let plen = cfg.dst_len;
    fib_valid_key_len(key, plen, extack)?;
    let slen = KEYLENGTH - plen;
    let fi = fib_create_info(net, st, cfg, extack)?;
    let dscp = cfg.dscp;
    let Some(trie) = st.trie_mut(tb_id) else { return Err(Errno::ENOENT) };
    let leaf: &[FibAlias] = trie.leaves.get(&key).map_or(&[], |v| v.as_slice());
    let mut fa = Trie::fib_find_alias(leaf, slen, dscp, fi.priority, tb_id);
    let mut nlflags = NLM_F_EXCL;
    if let Some(first) = fa.filter(|&i| leaf[i].fa_dscp == dscp && leaf[i].fa_info.priority == fi.priority) {
        if cfg.nlflags & NLM_F_EXCL != 0 {
            return Err(Errno::EEXIST);
        }
        nlflags &= !NLM_F_EXCL;
        let mut fa_match = None;
        let mut j = first;
        while j < leaf.len() {
            let a = &leaf[j];
            if a.fa_slen != slen || a.tb_id != tb_id || a.fa_dscp != dscp || a.fa_info.priority != fi.priority {
                break;
            }
            if a.fa_type == cfg.ty && fib_info_eq(&a.fa_info, &fi) {
                fa_match = Some(j);
                break;
            }
            j += 1;
        }
        if cfg.nlflags & NLM_F_REPLACE != 0 {
            nlflags |= NLM_F_REPLACE;
            if let Some(m) = fa_match {
                return if m == first { Ok(()) } else { Err(Errno::EEXIST) };
            }
            let old_dscp = leaf[first].fa_dscp;
            let new_fa = FibAlias { fa_info: fi, fa_dscp: old_dscp, fa_type: cfg.ty, fa_slen: slen, tb_id };
            if let Some(l) = trie.leaves.get_mut(&key) {
                l[first] = new_fa.clone();
            }
            let fri = fri_of(&new_fa, key);
            rtmsg_fib(net, RTM_NEWROUTE, &fri, &cfg.nlinfo, nlflags);
            return Ok(());
        }
        if fa_match.is_some() {
            return Err(Errno::EEXIST);
        }
        if cfg.nlflags & NLM_F_APPEND != 0 {
            nlflags |= NLM_F_APPEND;
            fa = (j < leaf.len()).then_some(j);
        } else {
            fa = Some(first);
        }
    }
    if cfg.nlflags & NLM_F_CREATE == 0 {
        return Err(Errno::ENOENT);
    }
    nlflags |= NLM_F_CREATE;
    let new_fa = FibAlias { fa_info: fi, fa_dscp: dscp, fa_type: cfg.ty, fa_slen: slen, tb_id };
    trie.fib_insert_alias(key, new_fa.clone(), fa);
    let fri = fri_of(&new_fa, key);
    rtmsg_fib(net, RTM_NEWROUTE, &fri, &cfg.nlinfo, nlflags);
    Ok(())
}

/// The `fib_rt_info` of an alias under `key`.
fn fri_of(fa: &FibAlias, key: u32) -> FibRtInfo<'_> {
    FibRtInfo {
        fi: &fa.fa_info,
        tb_id: fa.tb_id,
        dst: key,
        dst_len: KEYLENGTH - fa.fa_slen,
        dscp: fa.fa_dscp,
        ty: fa.fa_type,
    }
}

/// `fib_table_delete`: the first route of the key, length, table and tos
/// that the request's type, scope (unless NOWHERE), prefsrc, protocol,
/// nexthop attributes and metrics (where given) all match; ESRCH if none.
/// Announced as RTM_DELROUTE with flags 0.
pub fn fib_table_delete(
    net: &Net,
    st: &mut FibState,
    tb_id: u32,
    cfg: &FibConfig,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    let _s = debug_span!("fib_table_delete", tb = tb_id, dst = %std::net::Ipv4Addr::from(cfg.dst), plen = cfg.dst_len)
        .entered();
    let key = cfg.dst;
    let plen = cfg.dst_len;
    fib_valid_key_len(key, plen, extack)?;
    let slen = KEYLENGTH - plen;
    let trie = st.trie_mut(tb_id).ok_or(Errno::ESRCH)?;
    let leaf = trie.leaves.get(&key).ok_or(Errno::ESRCH)?;
    let dscp = cfg.dscp;
    let first = Trie::fib_find_alias(leaf, slen, dscp, 0, tb_id).ok_or(Errno::ESRCH)?;
    let mut to_delete = None;
    for (i, fa) in leaf.iter().enumerate().skip(first) {
        let fi = &fa.fa_info;
        if fa.fa_slen != slen || fa.tb_id != tb_id || fa.fa_dscp != dscp {
            break;
        }
        if (cfg.ty == 0 || fa.fa_type == cfg.ty)
            && (cfg.scope == RT_SCOPE_NOWHERE || fi.scope == cfg.scope)
            && (cfg.prefsrc == 0 || fi.prefsrc == cfg.prefsrc)
            && (cfg.protocol == 0 || fi.protocol == cfg.protocol)
            && fib_nh_match(cfg, fi, extack)
            && fib_metrics_match(cfg, fi)
        {
            to_delete = Some(i);
            break;
        }
    }
    let idx = to_delete.ok_or(Errno::ESRCH)?;
    let Some(fa) = trie.fib_remove_alias(key, idx) else { return Err(Errno::ESRCH) };
    rtmsg_fib(net, RTM_DELROUTE, &fri_of(&fa, key), &cfg.nlinfo, 0);
    Ok(())
}

/// `struct fib_dump_filter`.
#[derive(Debug, Default)]
pub struct FibDumpFilter {
    pub table_id: u32,
    pub dev: i32,
    pub protocol: u8,
    pub rt_type: u8,
    pub flags: u32,
    pub filter_set: bool,
    pub dump_routes: bool,
    pub dump_exceptions: bool,
}

/// `fn_trie_dump_leaf`: the leaf's aliases of this table that pass the
/// filter, from alias `cb->args[5]` on.
fn fn_trie_dump_leaf(
    key: u32,
    leaf: &[FibAlias],
    tb_id: u32,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
    filter: &FibDumpFilter,
) -> Result<(), Errno> {
    let mut flags = NLM_F_MULTI;
    if filter.filter_set || !filter.dump_exceptions || !filter.dump_routes {
        flags |= NLM_F_DUMP_FILTERED;
    }
    let s_i = cb.args[5] as usize;
    let seq = cb.nlh().nlmsg_seq();
    for (i, fa) in leaf.iter().enumerate() {
        if i < s_i || fa.tb_id != tb_id {
            continue;
        }
        let fi = &fa.fa_info;
        if filter.filter_set {
            if filter.rt_type != 0 && fa.fa_type != filter.rt_type {
                continue;
            }
            if filter.protocol != 0 && fi.protocol != filter.protocol {
                continue;
            }
            if filter.dev != 0 && !fi.nhs.iter().any(|nh| nh.dev == filter.dev) {
                continue;
            }
        }
        if filter.dump_routes {
            if let Err(e) = fib_dump_info(skb, cb.portid, seq, RTM_NEWROUTE, &fri_of(fa, key), flags) {
                cb.args[5] = i as i64;
                return Err(e);
            }
        }
    }
    Ok(())
}

/// `fib_table_dump`: the leaves from `cb->args[4]` on; `args[2]` counts
/// the leaves done (a count with key 0 means the walk wrapped: done).
pub fn fib_table_dump(
    st: &FibState,
    tb_id: u32,
    skb: &mut SkBuff,
    cb: &mut NetlinkCallback,
    filter: &FibDumpFilter,
) -> Result<(), Errno> {
    let Some(trie) = st.trie(tb_id) else { return Ok(()) };
    let mut count = cb.args[2];
    let mut key = cb.args[4] as u32;
    if count != 0 && key == 0 {
        return Ok(());
    }
    for (&lkey, leaf) in trie.leaves.range(key..) {
        if let Err(e) = fn_trie_dump_leaf(lkey, leaf, tb_id, skb, cb, filter) {
            cb.args[4] = lkey as i64;
            cb.args[2] = count;
            return Err(e);
        }
        count += 1;
        cb.args[5] = 0;
        match lkey.checked_add(1) {
            Some(k) => key = k,
            None => {
                key = 0;
                break;
            }
        }
    }
    cb.args[4] = key as i64;
    cb.args[2] = count;
    Ok(())
}
