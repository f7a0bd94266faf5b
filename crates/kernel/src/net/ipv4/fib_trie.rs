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

use std::collections::BTreeMap;

use super::fib_frontend::Flowi4;
use super::fib_semantics::{inet_make_mask, FibInfo, FIB_PROPS, KEYLENGTH};
use crate::Errno;
use nlwire::uapi::rtnetlink::RTNH_F_DEAD;

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
