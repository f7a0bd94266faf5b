//! The IPv4 FIB's front end: net/ipv4/fib_frontend.c.
//!
//! Each namespace has a table hash (`net->ipv4.fib_table_hash`, 256
//! buckets by `id & 255`, newest first in a bucket — which is the order a
//! dump walks: table 2, 100, 1000 (bucket 232), 253, 254, 255; probes/
//! observed/p_route4.txt). Tables are made on demand (`fib_new_table`);
//! while no policy rule exists the local table shares the main table's
//! trie, so a lookup sees both at once and answers "table main"
//! (`fib_lookup` without custom rules: main, then default).
//!
//! Userspace reaches it through RTM_NEWROUTE / RTM_DELROUTE
//! (`inet_rtm_newroute`, `inet_rtm_delroute`, `rtm_to_fib_config`) and the
//! RTM_GETROUTE dump (`inet_dump_fib`); addresses reach it through the
//! inetaddr chain (`fib_inetaddr_event` → `fib_add_ifaddr` /
//! `fib_del_ifaddr`, which add and remove the local, prefix and broadcast
//! routes with `fib_magic`) and devices through the netdevice chain
//! (`fib_netdev_event`: up, down, carrier, unregister).

use std::sync::Arc;

use parking_lot::Mutex;
use tracing::debug_span;

use super::devinet::{register_inetaddr_notifier, InIfaddr};
use super::fib_semantics::{
    fib_gw_from_via, fib_sync_down_addr, fib_sync_down_dev, fib_sync_up, inet_make_mask, FibConfig, FibGw, FibInfo,
    NlInfo,
};
use super::fib_trie::{fib_table_delete, fib_table_dump, fib_table_insert, FibDumpFilter, FibResult, Trie};
use crate::kernel::Globals;
use crate::net::core::dev::{register_netdevice_notifier, NetDevice, NetdevEvent, NetdevNotifierInfo};
use crate::net::core::net_namespace::{register_pernet_subsys, Net, PernetOperations};
use crate::net::core::rtnetlink::{
    rtnl_held_here, rtnl_lock, rtnl_register_many, RtnlMsgHandler, RTNL_FLAG_DOIT_PERNET, RTNL_FLAG_DOIT_UNLOCKED,
    RTNL_FLAG_DUMP_SPLIT_NLM_DONE, RTNL_FLAG_DUMP_UNLOCKED,
};
use crate::net::core::skbuff::SkBuff;
use crate::net::netlink::af_netlink::{NetlinkCallback, NetlinkRcvSkb};
use crate::Errno;
use nlwire::policy::{nlmsg_parse_deprecated, nlmsg_parse_deprecated_strict, ExtAck, NlaPolicy, NlaType};
use nlwire::uapi::if_::{IFF_LOOPBACK, IFF_LOWER_UP, IFF_RUNNING, IFF_UP};
use nlwire::uapi::if_addr::{IFA_F_NOPREFIXROUTE, IFA_F_SECONDARY};
use nlwire::uapi::netlink::{NLM_F_APPEND, NLM_F_CREATE, NLM_F_DUMP_FILTERED};
use nlwire::uapi::rtnetlink::*;
use nlwire::uapi::socket::{PF_INET, PF_UNSPEC};
use nlwire::{NlMsgHdr, NlaIter};

/// `FIB_TABLE_HASHSZ` (with CONFIG_IP_MULTIPLE_TABLES).
const FIB_TABLE_HASHSZ: u32 = 256;
/// `LWTUNNEL_ENCAP_MAX` (include/uapi/linux/lwtunnel.h, 6.18).
const LWTUNNEL_ENCAP_MAX: u16 = 10;
/// `RTA_N`: attribute table size.
const RTA_N: usize = RTA_MAX as usize + 1;

/// `rtm_ipv4_policy`.
pub static RTM_IPV4_POLICY: [NlaPolicy; RTA_N] = {
    let mut p = [NlaPolicy::UNSPEC; RTA_N];
    p[RTA_UNSPEC as usize] = NlaPolicy::UNSPEC.strict_start(RTA_DPORT + 1);
    p[RTA_DST as usize] = NlaPolicy::of(NlaType::U32);
    p[RTA_SRC as usize] = NlaPolicy::of(NlaType::U32);
    p[RTA_IIF as usize] = NlaPolicy::of(NlaType::U32);
    p[RTA_OIF as usize] = NlaPolicy::of(NlaType::U32);
    p[RTA_GATEWAY as usize] = NlaPolicy::of(NlaType::U32);
    p[RTA_PRIORITY as usize] = NlaPolicy::of(NlaType::U32);
    p[RTA_PREFSRC as usize] = NlaPolicy::of(NlaType::U32);
    p[RTA_METRICS as usize] = NlaPolicy::of(NlaType::Nested);
    p[RTA_MULTIPATH as usize] = NlaPolicy::min_len(8);
    p[RTA_FLOW as usize] = NlaPolicy::of(NlaType::U32);
    p[RTA_ENCAP_TYPE as usize] = NlaPolicy::of(NlaType::U16);
    p[RTA_ENCAP as usize] = NlaPolicy::of(NlaType::Nested);
    p[RTA_UID as usize] = NlaPolicy::of(NlaType::U32);
    p[RTA_MARK as usize] = NlaPolicy::of(NlaType::U32);
    p[RTA_TABLE as usize] = NlaPolicy::of(NlaType::U32);
    p[RTA_IP_PROTO as usize] = NlaPolicy::of(NlaType::U8);
    p[RTA_SPORT as usize] = NlaPolicy::of(NlaType::U16);
    p[RTA_DPORT as usize] = NlaPolicy::of(NlaType::U16);
    p[RTA_NH_ID as usize] = NlaPolicy::of(NlaType::U32);
    p
};

/// `struct flowi4`, the parts a lookup uses.
#[derive(Debug, Clone, Copy, Default)]
pub struct Flowi4 {
    /// Host order.
    pub daddr: u32,
    pub oif: i32,
    /// `flowi4_scope`: only routes at least this wide match.
    pub scope: u8,
    pub tos: u8,
}

/// A namespace's FIB (`net->ipv4.fib_table_hash` and the tries).
#[derive(Debug, Default)]
pub struct FibState {
    /// Table ids in creation order (the hash buckets are derived from it).
    tables: Vec<u32>,
    /// Tries by owner table id; the local table's lives under main's.
    tries: std::collections::BTreeMap<u32, Trie>,
}

/// The trie a table uses: local is merged into main (no custom rules).
fn trie_owner(tb_id: u32) -> u32 {
    if tb_id == RT_TABLE_LOCAL {
        RT_TABLE_MAIN
    } else {
        tb_id
    }
}

impl FibState {
    /// `fib_get_table`.
    pub fn fib_get_table(&self, id: u32) -> bool {
        let id = if id == 0 { RT_TABLE_MAIN } else { id };
        self.tables.contains(&id)
    }

    /// `fib_new_table`: the table, made if missing (local first makes main,
    /// whose trie it shares). Returns its id.
    pub fn fib_new_table(&mut self, id: u32) -> u32 {
        let id = if id == 0 { RT_TABLE_MAIN } else { id };
        if self.tables.contains(&id) {
            return id;
        }
        if id == RT_TABLE_LOCAL {
            self.fib_new_table(RT_TABLE_MAIN);
        }
        self.tables.push(id);
        self.tries.entry(trie_owner(id)).or_default();
        id
    }

    /// The trie of table `tb_id`, if the table exists.
    pub fn trie(&self, tb_id: u32) -> Option<&Trie> {
        if !self.fib_get_table(tb_id) {
            return None;
        }
        self.tries.get(&trie_owner(tb_id))
    }

    pub(crate) fn trie_mut(&mut self, tb_id: u32) -> Option<&mut Trie> {
        if !self.fib_get_table(tb_id) {
            return None;
        }
        self.tries.get_mut(&trie_owner(tb_id))
    }

    /// The tables in hash-walk order: bucket `id & 255` ascending, the
    /// newest first within a bucket (`hlist_add_head_rcu`).
    pub fn tables_in_hash_order(&self) -> Vec<Vec<u32>> {
        let mut buckets = vec![Vec::new(); FIB_TABLE_HASHSZ as usize];
        for &id in self.tables.iter().rev() {
            buckets[(id & (FIB_TABLE_HASHSZ - 1)) as usize].push(id);
        }
        buckets
    }

    /// Every `fib_info` (one per alias here), for the `fib_sync_*` walks.
    pub fn for_each_info_mut(&mut self, mut f: impl FnMut(&mut FibInfo)) {
        for t in self.tries.values_mut() {
            for leaf in t.leaves.values_mut() {
                for fa in leaf.iter_mut() {
                    f(&mut fa.fa_info);
                }
            }
        }
    }

    /// `fib_flush`: every table drops its dead routes.
    pub fn fib_flush(&mut self) -> usize {
        let ids = self.tables.clone();
        let mut n = 0;
        for id in ids {
            if let Some(t) = self.trie_mut(id) {
                n += t.fib_table_flush(id);
            }
        }
        n
    }
}

/// The per-namespace part of the FIB (`net->ipv4` fields), kept with
/// `Net::set_generic`.
#[derive(Debug, Default)]
pub struct Fib4Net {
    pub st: Mutex<FibState>,
}

/// The namespace's FIB.
pub fn fib4(net: &Net) -> Option<Arc<Fib4Net>> {
    net.generic::<Fib4Net>()
}

/// `fib_lookup` without custom rules: the main table (with local merged),
/// then, if nothing matched there (or a throw route sent the lookup on),
/// the default table; no route is ENETUNREACH. An unreachable, prohibit
/// or blackhole route in main ends the lookup (probes/p_route4_default.py).
/// The result's `table` says which table answered.
pub fn fib_lookup_flow(st: &FibState, fl4: &Flowi4, ignore_linkstate: bool) -> Result<FibResult, Errno> {
    let mut err = Err(Errno::EAGAIN);
    if let Some(t) = st.trie(RT_TABLE_MAIN) {
        err = t.fib_table_lookup(fl4, ignore_linkstate).map(|r| FibResult { table: RT_TABLE_MAIN, ..r });
    }
    if err == Err(Errno::EAGAIN) {
        if let Some(t) = st.trie(RT_TABLE_DEFAULT) {
            err = t.fib_table_lookup(fl4, ignore_linkstate).map(|r| FibResult { table: RT_TABLE_DEFAULT, ..r });
        }
    }
    match err {
        Err(Errno::EAGAIN) => Err(Errno::ENETUNREACH),
        r => r,
    }
}

/// `inet_addr_type_table`: what `addr` is in table `tb_id`.
pub fn inet_addr_type_table(st: &FibState, addr: u32, tb_id: u32) -> u8 {
    __inet_dev_addr_type(st, None, addr, tb_id)
}

/// `__inet_dev_addr_type`: 0.x.x.x and 255.255.255.255 are broadcast,
/// 224/4 multicast; otherwise the type of the route the table gives (when
/// `dev` is given, only a route through it counts), unicast when none — and
/// broadcast when the table does not exist yet, as in a namespace where no
/// local route was ever added (observed: neighbours of a fresh namespace
/// have type 3).
pub fn __inet_dev_addr_type(st: &FibState, dev: Option<i32>, addr: u32, tb_id: u32) -> u8 {
    if addr >> 24 == 0 || addr == u32::MAX {
        return RTN_BROADCAST;
    }
    if addr >> 28 == 0xe {
        return RTN_MULTICAST;
    }
    let Some(trie) = st.trie(tb_id) else { return RTN_BROADCAST };
    let fl4 = Flowi4 { daddr: addr, ..Default::default() };
    match trie.fib_table_lookup(&fl4, false) {
        Ok(res) if dev.is_none_or(|d| res.fi.nhs.first().map(|nh| nh.dev) == Some(d)) => res.ty,
        _ => RTN_UNICAST,
    }
}

/// `rtm_to_fib_config`: the request, liberally validated against
/// `rtm_ipv4_policy`, as a `fib_config`.
fn rtm_to_fib_config(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<FibConfig, Errno> {
    let nlh = NlMsgHdr::new_unchecked(msg);
    // nlmsg_validate_deprecated: a short header is EINVAL, without a message.
    if nlh.payload().len() < 12 {
        return Err(Errno::EINVAL);
    }
    nlmsg_parse_deprecated::<RTA_N>(msg, 12, Some(&RTM_IPV4_POLICY), extack)?;
    let rtm = &nlh.payload()[..12];
    if rtm[3] & 0x3 != 0 {
        extack.set_msg("Invalid dsfield (tos): ECN bits must be 0");
        return Err(Errno::EINVAL);
    }
    let mut cfg = FibConfig {
        dscp: rtm[3],
        dst_len: rtm[1],
        table: rtm[4] as u32,
        protocol: rtm[5],
        scope: rtm[6],
        ty: rtm[7],
        flags: u32::from_ne_bytes([rtm[8], rtm[9], rtm[10], rtm[11]]),
        nlflags: nlh.nlmsg_flags(),
        nlinfo: NlInfo { portid: skb.cb.portid, nlh: Some((nlh.nlmsg_seq(), nlh.nlmsg_flags())) },
        ..Default::default()
    };
    if cfg.ty > RTN_MAX {
        extack.set_msg("Invalid route type");
        return Err(Errno::EINVAL);
    }
    let (mut has_gw, mut has_via) = (false, false);
    let len = (nlh.nlmsg_len() as usize).min(msg.len());
    for a in NlaIter::new(msg.get(16 + 12..len).unwrap_or(&[])) {
        match a.nla_type() {
            RTA_DST => cfg.dst = a.get_be32(),
            RTA_OIF => cfg.oif = a.get_u32() as i32,
            RTA_GATEWAY => {
                has_gw = true;
                let g = a.get_be32();
                cfg.gw = (g != 0).then_some(FibGw::V4(g));
            }
            RTA_VIA => {
                has_via = true;
                cfg.gw = fib_gw_from_via(&a, extack)?;
            }
            RTA_PRIORITY => cfg.priority = a.get_u32(),
            RTA_PREFSRC => cfg.prefsrc = a.get_be32(),
            RTA_METRICS => cfg.mx = Some(a.payload().to_vec()),
            RTA_MULTIPATH => cfg.mp = Some(a.payload().to_vec()),
            RTA_FLOW => cfg.flow = a.get_u32(),
            RTA_TABLE => cfg.table = a.get_u32(),
            RTA_ENCAP_TYPE => {
                // lwtunnel_valid_encap_type: no encapsulation is built in.
                // lwtunnel_valid_encap_type: the probed kernel has IP (2),
                // SEG6 (5) and SEG6_LOCAL (7) (probes/p_route4_nhid.py).
                let t = a.get_u16();
                if t == 0 || t > LWTUNNEL_ENCAP_MAX {
                    extack.set_msg("Unknown lwt encapsulation type");
                    return Err(Errno::EINVAL);
                }
                if !matches!(t, 2 | 5 | 7) {
                    extack.set_msg("lwt encapsulation type not supported");
                    return Err(Errno::EOPNOTSUPP);
                }
                cfg.encap_type = t;
            }
            RTA_ENCAP => cfg.encap = true,
            RTA_NH_ID => cfg.nh_id = a.get_u32(),
            _ => {}
        }
    }
    if cfg.nh_id != 0 && (cfg.oif != 0 || cfg.gw.is_some() || cfg.encap || cfg.mp.is_some()) {
        extack.set_msg("Nexthop specification and nexthop id are mutually exclusive");
        return Err(Errno::EINVAL);
    }
    if has_gw && has_via {
        extack.set_msg("Nexthop configuration can not contain both GATEWAY and VIA");
        return Err(Errno::EINVAL);
    }
    if cfg.table == 0 {
        cfg.table = RT_TABLE_MAIN;
    }
    Ok(cfg)
}

/// `inet_rtm_newroute`: the table is made if missing, then the route inserted.
pub fn inet_rtm_newroute(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("inet_rtm_newroute", portid = skb.cb.portid).entered();
    let net = skb.net();
    let _rtnl = (!rtnl_held_here()).then(|| rtnl_lock(net));
    let cfg = rtm_to_fib_config(skb, msg, extack)?;
    let fib = fib4(net).ok_or(Errno::ENOBUFS)?;
    let mut st = fib.st.lock();
    let tb = st.fib_new_table(cfg.table);
    fib_table_insert(net, &mut st, tb, &cfg, extack)
}

/// `inet_rtm_delroute`: ESRCH "FIB table does not exist" for a missing table.
pub fn inet_rtm_delroute(skb: &NetlinkRcvSkb<'_>, msg: &[u8], extack: &mut ExtAck) -> Result<(), Errno> {
    let _s = debug_span!("inet_rtm_delroute", portid = skb.cb.portid).entered();
    let net = skb.net();
    let _rtnl = (!rtnl_held_here()).then(|| rtnl_lock(net));
    let cfg = rtm_to_fib_config(skb, msg, extack)?;
    let fib = fib4(net).ok_or(Errno::ESRCH)?;
    if cfg.nh_id != 0 {
        // nexthop_find_by_id: no nexthop objects exist here.
        extack.set_msg("Nexthop id does not exist");
        return Err(Errno::EINVAL);
    }
    let mut st = fib.st.lock();
    if !st.fib_get_table(cfg.table) {
        extack.set_msg("FIB table does not exist");
        return Err(Errno::ESRCH);
    }
    fib_table_delete(net, &mut st, cfg.table, &cfg, extack)
}

/// `ip_valid_fib_dump_req`: a strict dump request's header must be zero
/// but for table, protocol, type and the CLONED/PREFIX flags; RTA_TABLE
/// and RTA_OIF are the only attributes.
fn ip_valid_fib_dump_req(
    net: &Net,
    nlh: &[u8],
    filter: &mut FibDumpFilter,
    cb: &mut NetlinkCallback,
) -> Result<(), Errno> {
    let h = NlMsgHdr::new_unchecked(nlh);
    let p = h.payload();
    if p.len() < 12 {
        cb.extack.set_msg("Invalid header for FIB dump request");
        return Err(Errno::EINVAL);
    }
    if p[1] != 0 || p[2] != 0 || p[3] != 0 || p[6] != 0 {
        cb.extack.set_msg("Invalid values in header for FIB dump request");
        return Err(Errno::EINVAL);
    }
    let flags = u32::from_ne_bytes([p[8], p[9], p[10], p[11]]);
    if flags & !(RTM_F_CLONED | RTM_F_PREFIX) != 0 {
        cb.extack.set_msg("Invalid flags for FIB dump request");
        return Err(Errno::EINVAL);
    }
    if flags & RTM_F_CLONED != 0 {
        filter.dump_routes = false;
    } else {
        filter.dump_exceptions = false;
    }
    filter.flags = flags;
    filter.protocol = p[5];
    filter.rt_type = p[7];
    filter.table_id = p[4] as u32;
    let tb = nlmsg_parse_deprecated_strict::<RTA_N>(nlh, 12, Some(&RTM_IPV4_POLICY), &mut cb.extack)?;
    for i in 0..RTA_N as u16 {
        let Some(a) = tb.get(i) else { continue };
        match i {
            RTA_TABLE => filter.table_id = a.get_u32(),
            RTA_OIF => {
                let ifindex = a.get_u32() as i32;
                if crate::net::core::dev::dev_get_by_index(net, ifindex).is_none() {
                    return Err(Errno::ENODEV);
                }
                filter.dev = ifindex;
            }
            _ => {
                cb.extack.set_msg("Unsupported attribute in dump request");
                return Err(Errno::EINVAL);
            }
        }
    }
    if filter.flags != 0 || filter.protocol != 0 || filter.rt_type != 0 || filter.table_id != 0 || filter.dev != 0 {
        filter.filter_set = true;
        cb.answer_flags = NLM_F_DUMP_FILTERED;
    }
    Ok(())
}

/// `inet_dump_fib`: every table in hash order (or the one asked for),
/// resumable from `cb->args` (bucket, entry, then the table's cursor).
/// An RTM_F_PREFIX request dumps nothing; a strict request for a missing
/// table is ENOENT "ipv4: FIB table does not exist" (nothing when the
/// request was AF_UNSPEC).
pub fn inet_dump_fib(skb: &mut SkBuff, cb: &mut NetlinkCallback) -> Result<usize, Errno> {
    let _s = debug_span!("inet_dump_fib", portid = cb.portid).entered();
    let net = Arc::clone(&cb.net);
    let nlh = cb.nlh.clone();
    let mut filter = FibDumpFilter { dump_routes: true, dump_exceptions: true, ..Default::default() };
    if cb.strict_check {
        ip_valid_fib_dump_req(&net, &nlh, &mut filter, cb)?;
    } else {
        let p = NlMsgHdr::new_unchecked(&nlh[..]).payload().to_vec();
        if p.len() >= 12 {
            filter.flags = u32::from_ne_bytes([p[8], p[9], p[10], p[11]]) & (RTM_F_PREFIX | RTM_F_CLONED);
        }
    }
    if filter.flags & RTM_F_PREFIX != 0 {
        return Ok(0);
    }
    let Some(fib) = fib4(&net) else { return Ok(0) };
    let st = fib.st.lock();
    if filter.table_id != 0 {
        if !st.fib_get_table(filter.table_id) {
            let family = NlMsgHdr::new_unchecked(&nlh[..]).payload().first().copied().unwrap_or(0);
            if family != PF_INET {
                return Ok(0);
            }
            cb.extack.set_msg("ipv4: FIB table does not exist");
            return Err(Errno::ENOENT);
        }
        return fib_table_dump(&st, filter.table_id, skb, cb, &filter).map(|_| 0);
    }
    let s_h = cb.args[0] as usize;
    let mut s_e = cb.args[1] as usize;
    let buckets = st.tables_in_hash_order();
    let mut dumped = false;
    let mut h = s_h;
    let mut e = 0;
    let mut err = Ok(());
    'outer: while h < FIB_TABLE_HASHSZ as usize {
        e = 0;
        for &tb in &buckets[h] {
            if e >= s_e {
                if dumped {
                    for a in &mut cb.args[2..] {
                        *a = 0;
                    }
                }
                if let Err(x) = fib_table_dump(&st, tb, skb, cb, &filter) {
                    err = Err(x);
                    break 'outer;
                }
                dumped = true;
            }
            e += 1;
        }
        h += 1;
        s_e = 0;
    }
    cb.args[1] = e as i64;
    cb.args[0] = h as i64;
    // 0 when done, as 6.18's inet_dump_fib returns: under rtnl_dump_all
    // (an AF_UNSPEC dump) the IPv6 routes then follow in the same chunk
    // (observed); a direct dump gets its NLMSG_DONE apart from rtnl_dumpit
    // (RTNL_FLAG_DUMP_SPLIT_NLM_DONE).
    err.map(|_| 0)
}

/// `fib_magic`: a kernel-made route for an address (protocol kernel,
/// prefsrc the primary's local address, device the address's), in main
/// for unicast and local otherwise; its notification has pid 0 and seq 0.
/// Errors (EEXIST for a route already there, ESRCH for one already gone)
/// are ignored, as in Linux.
#[allow(clippy::too_many_arguments)]
pub fn fib_magic(net: &Net, st: &mut FibState, cmd: u16, ty: u8, dst: u32, dst_len: u8, prim: &InIfaddr, prio: u32) {
    let _s = debug_span!("fib_magic", ty = cmd, rtn = super::fib_semantics::rtn_name(ty), dst = %std::net::Ipv4Addr::from(dst), dst_len)
        .entered();
    let tb_id = if ty == RTN_UNICAST { RT_TABLE_MAIN } else { RT_TABLE_LOCAL };
    let tb = st.fib_new_table(tb_id);
    let cfg = FibConfig {
        protocol: RTPROT_KERNEL,
        ty,
        dst,
        dst_len,
        priority: prio,
        prefsrc: u32::from(prim.ifa_local),
        oif: prim.ifindex,
        nlflags: NLM_F_CREATE | NLM_F_APPEND,
        table: tb,
        scope: if ty != RTN_LOCAL { RT_SCOPE_LINK } else { RT_SCOPE_HOST },
        ..Default::default()
    };
    let mut extack = ExtAck::default();
    let _ = if cmd == RTM_NEWROUTE {
        fib_table_insert(net, st, tb, &cfg, &mut extack)
    } else {
        fib_table_delete(net, st, tb, &cfg, &mut extack)
    };
}

/// `inet_ifa_match`.
fn inet_ifa_match(addr: u32, ifa: &InIfaddr) -> bool {
    (addr ^ u32::from(ifa.ifa_address)) & u32::from(ifa.ifa_mask) == 0
}

/// `inet_ifa_byprefix`.
fn inet_ifa_byprefix(list: &[InIfaddr], prefix: u32, mask: u32) -> Option<InIfaddr> {
    list.iter().find(|i| u32::from(i.ifa_mask) == mask && inet_ifa_match(prefix, i)).cloned()
}

/// The device's address list (`in_dev->ifa_list`), `None` without an in_device.
fn ifa_list(dev: &NetDevice) -> Option<Vec<InIfaddr>> {
    dev.ip_ptr.lock().as_ref().map(|d| d.ifa_list.clone())
}

/// `fib_add_ifaddr`: the local /32 always; if the device is up, an
/// explicit broadcast, then for a primary the prefix route (local on
/// loopback, unicast elsewhere; unless NOPREFIXROUTE) and the subnet
/// broadcast for prefixes under /31 (kernel-reference §8).
pub fn fib_add_ifaddr(net: &Net, st: &mut FibState, dev: &NetDevice, ifa: &InIfaddr) {
    let _s = debug_span!("fib_add_ifaddr", local = %ifa.ifa_local, plen = ifa.ifa_prefixlen).entered();
    let mask = u32::from(ifa.ifa_mask);
    let addr = u32::from(ifa.ifa_local);
    let prefix = u32::from(ifa.ifa_address) & mask;
    let mut prim = ifa.clone();
    if ifa.ifa_flags & IFA_F_SECONDARY != 0 {
        match ifa_list(dev).and_then(|l| inet_ifa_byprefix(&l, prefix, mask)) {
            Some(p) => prim = p,
            None => return,
        }
    }
    fib_magic(net, st, RTM_NEWROUTE, RTN_LOCAL, addr, 32, &prim, 0);
    let dflags = dev.st.lock().flags;
    if dflags & IFF_UP == 0 {
        return;
    }
    let brd = u32::from(ifa.ifa_broadcast);
    if brd != 0 && brd != u32::MAX {
        fib_magic(net, st, RTM_NEWROUTE, RTN_BROADCAST, brd, 32, &prim, 0);
    }
    if prefix != 0 && ifa.ifa_flags & IFA_F_SECONDARY == 0 && (prefix != addr || ifa.ifa_prefixlen < 32) {
        if ifa.ifa_flags & IFA_F_NOPREFIXROUTE == 0 {
            let ty = if dflags & IFF_LOOPBACK != 0 { RTN_LOCAL } else { RTN_UNICAST };
            fib_magic(net, st, RTM_NEWROUTE, ty, prefix, ifa.ifa_prefixlen, &prim, ifa.ifa_rt_priority);
        }
        if ifa.ifa_prefixlen < 31 {
            fib_magic(net, st, RTM_NEWROUTE, RTN_BROADCAST, prefix | !mask, 32, &prim, 0);
        }
    }
}

/// `fib_del_ifaddr`: the routes `fib_add_ifaddr` made, except what another
/// address of the device still implies (same local address, broadcast or
/// subnet: the LOCAL_OK / BRD_OK / BRD0_OK / BRD1_OK scan). When the local
/// address is gone for good, routes that used it as prefsrc die.
/// `iprim` is the primary being promoted away from, as `__inet_del_ifa` passes it.
pub fn fib_del_ifaddr(net: &Net, st: &mut FibState, dev: &NetDevice, ifa: &InIfaddr, iprim: Option<&InIfaddr>) {
    const LOCAL_OK: u32 = 1;
    const BRD_OK: u32 = 2;
    const BRD0_OK: u32 = 4;
    const BRD1_OK: u32 = 8;
    let _s = debug_span!("fib_del_ifaddr", local = %ifa.ifa_local, plen = ifa.ifa_prefixlen).entered();
    let mask = u32::from(ifa.ifa_mask);
    let brd = u32::from(ifa.ifa_address) | !mask;
    let any = u32::from(ifa.ifa_address) & mask;
    let local = u32::from(ifa.ifa_local);
    let ifa_brd = u32::from(ifa.ifa_broadcast);
    let list = ifa_list(dev);
    let dead = list.is_none();
    let list = list.unwrap_or_default();
    let mut prim = ifa.clone();
    let mut ok = 0u32;
    let mut subnet = false;
    let mut gone = true;
    let mut same_prefsrc = false;
    if ifa.ifa_flags & IFA_F_SECONDARY != 0 {
        match inet_ifa_byprefix(&list, any, mask) {
            Some(p) => {
                if iprim.is_some_and(|ip| *ip != p) {
                    return;
                }
                prim = p;
            }
            None => return,
        }
    } else if any != 0 && (any != local || ifa.ifa_prefixlen < 32) {
        if ifa.ifa_flags & IFA_F_NOPREFIXROUTE == 0 {
            let ty = if dev.st.lock().flags & IFF_LOOPBACK != 0 { RTN_LOCAL } else { RTN_UNICAST };
            fib_magic(net, st, RTM_DELROUTE, ty, any, ifa.ifa_prefixlen, &prim, 0);
        }
        subnet = true;
    }
    if !dead {
        let mut prim1: Option<InIfaddr> = None;
        for ifa1 in &list {
            if ifa1 == ifa {
                gone = false;
                continue;
            }
            if let Some(ip) = iprim {
                if ifa1.ifa_mask == ip.ifa_mask && inet_ifa_match(u32::from(ifa1.ifa_address), ip) {
                    continue;
                }
            }
            if ifa1.ifa_flags & IFA_F_SECONDARY != 0 {
                if ifa1.ifa_mask == prim.ifa_mask && inet_ifa_match(u32::from(ifa1.ifa_address), &prim) {
                    prim1 = Some(prim.clone());
                } else {
                    if !same_prefsrc {
                        continue;
                    }
                    let keep = prim1.as_ref().is_some_and(|p1| {
                        ifa1.ifa_mask == p1.ifa_mask && inet_ifa_match(u32::from(ifa1.ifa_address), p1)
                    });
                    if !keep {
                        prim1 = inet_ifa_byprefix(&list, u32::from(ifa1.ifa_address), u32::from(ifa1.ifa_mask));
                    }
                    match &prim1 {
                        None => continue,
                        Some(p1) if p1.ifa_local != prim.ifa_local => continue,
                        _ => {}
                    }
                }
            } else {
                if prim.ifa_local != ifa1.ifa_local {
                    continue;
                }
                prim1 = Some(ifa1.clone());
                if prim != *ifa1 {
                    same_prefsrc = true;
                }
            }
            let b1 = u32::from(ifa1.ifa_broadcast);
            if ifa.ifa_local == ifa1.ifa_local {
                ok |= LOCAL_OK;
            }
            if ifa.ifa_broadcast == ifa1.ifa_broadcast {
                ok |= BRD_OK;
            }
            if brd == b1 {
                ok |= BRD1_OK;
            }
            if any == b1 {
                ok |= BRD0_OK;
            }
            if prim1.as_ref() == Some(ifa1) && ifa1.ifa_prefixlen < 31 {
                let m1 = u32::from(ifa1.ifa_mask);
                let brd1 = u32::from(ifa1.ifa_address) | !m1;
                let any1 = u32::from(ifa1.ifa_address) & m1;
                if any1 != 0 {
                    if ifa_brd == brd1 || ifa_brd == any1 {
                        ok |= BRD_OK;
                    }
                    if brd == brd1 || brd == any1 {
                        ok |= BRD1_OK;
                    }
                    if any == brd1 || any == any1 {
                        ok |= BRD0_OK;
                    }
                }
            }
        }
    }
    if ok & BRD_OK == 0 {
        fib_magic(net, st, RTM_DELROUTE, RTN_BROADCAST, ifa_brd, 32, &prim, 0);
    }
    if subnet && ifa.ifa_prefixlen < 31 {
        if ok & BRD1_OK == 0 {
            fib_magic(net, st, RTM_DELROUTE, RTN_BROADCAST, brd, 32, &prim, 0);
        }
        if ok & BRD0_OK == 0 {
            fib_magic(net, st, RTM_DELROUTE, RTN_BROADCAST, any, 32, &prim, 0);
        }
    }
    if ok & LOCAL_OK == 0 {
        fib_magic(net, st, RTM_DELROUTE, RTN_LOCAL, local, 32, &prim, 0);
        // inet_addr_type_dev_table: still local somewhere?
        if gone && inet_addr_type_table(st, local, RT_TABLE_LOCAL) != RTN_LOCAL && fib_sync_down_addr(st, local) > 0 {
            st.fib_flush();
        }
    }
}

/// `fib_add_ifaddr(ifa)` as devinet.c calls it directly (re-adding the
/// routes of secondaries after a promotion): takes the namespace's FIB.
pub fn fib_add_ifaddr_locked(dev: &NetDevice, ifa: &InIfaddr) {
    let Some(net) = dev.net() else { return };
    let Some(fib) = fib4(&net) else { return };
    fib_add_ifaddr(&net, &mut fib.st.lock(), dev, ifa);
}

/// `fib_modify_prefix_metric`: REPLACE changed an address's metric, so its
/// prefix route is added with the new metric, then the old one deleted
/// (both announced), unless the address implies no prefix route.
pub fn fib_modify_prefix_metric(dev: &NetDevice, ifa: &InIfaddr, new_metric: u32) {
    let Some(net) = dev.net() else { return };
    let Some(fib) = fib4(&net) else { return };
    let prefix = u32::from(ifa.ifa_address) & u32::from(ifa.ifa_mask);
    let dflags = dev.st.lock().flags;
    if dflags & IFF_UP == 0
        || ifa.ifa_flags & (IFA_F_SECONDARY | IFA_F_NOPREFIXROUTE) != 0
        || prefix >> 24 == 0
        || (prefix == u32::from(ifa.ifa_local) && ifa.ifa_prefixlen == 32)
    {
        return;
    }
    let _s = debug_span!("fib_modify_prefix_metric", new_metric).entered();
    // On a loopback the prefix route is a local one, as fib_add_ifaddr made it.
    let ty = if dflags & IFF_LOOPBACK != 0 { RTN_LOCAL } else { RTN_UNICAST };
    let mut st = fib.st.lock();
    fib_magic(&net, &mut st, RTM_NEWROUTE, ty, prefix, ifa.ifa_prefixlen, ifa, new_metric);
    fib_magic(&net, &mut st, RTM_DELROUTE, ty, prefix, ifa.ifa_prefixlen, ifa, ifa.ifa_rt_priority);
}

/// `fib_del_ifaddr(ifa, iprim)` as `__inet_del_ifa` calls it directly on a
/// promotion, for each secondary of the subnet (the kernel's comment says
/// "silently", but `fib_magic`'s RTM_DELROUTEs are sent all the same):
/// takes the namespace's FIB.
pub fn fib_del_ifaddr_locked(dev: &NetDevice, ifa: &InIfaddr, iprim: Option<&InIfaddr>) {
    let Some(net) = dev.net() else { return };
    let Some(fib) = fib4(&net) else { return };
    fib_del_ifaddr(&net, &mut fib.st.lock(), dev, ifa, iprim);
}

/// `fib_disable_ip`: the device's nexthops die (host-scope ones only if
/// `force`), and the dead routes go without RTM_DELROUTE; then
/// `arp_ifdown` flushes the device's ARP entries (each announced).
fn fib_disable_ip(fib: &Fib4Net, dev: &Arc<NetDevice>, event: NetdevEvent, force: bool) {
    let _s = debug_span!("fib_disable_ip", dev = dev.ifindex(), event = ?event, force).entered();
    {
        let mut st = fib.st.lock();
        if fib_sync_down_dev(&mut st, dev.ifindex(), event, force) > 0 {
            st.fib_flush();
        }
    }
    crate::net::ipv4::arp::arp_ifdown(dev);
}

/// `fib_inetaddr_event`: an address came (routes added, dead nexthops on
/// the device revived) or went (its routes removed; the device's last
/// address takes every route through the device with it).
pub fn fib_inetaddr_event(event: NetdevEvent, dev: &Arc<NetDevice>, ifa: &InIfaddr) -> Result<(), Errno> {
    let Some(net) = dev.net() else { return Ok(()) };
    let Some(fib) = fib4(&net) else { return Ok(()) };
    let _s = debug_span!("fib_inetaddr_event", event = ?event, dev = dev.ifindex()).entered();
    let mut st = fib.st.lock();
    match event {
        NetdevEvent::Up => {
            fib_add_ifaddr(&net, &mut st, dev, ifa);
            fib_sync_up(&mut st, dev, RTNH_F_DEAD);
        }
        NetdevEvent::Down => {
            fib_del_ifaddr(&net, &mut st, dev, ifa, None);
            if ifa_list(dev).is_none_or(|l| l.is_empty()) {
                drop(st);
                fib_disable_ip(&fib, dev, NetdevEvent::Down, true);
            }
        }
        _ => {}
    }
    Ok(())
}

/// `fib_netdev_event`: NETDEV_UP re-adds every address's routes (the ones
/// still there answer EEXIST, silently) and revives dead nexthops;
/// NETDEV_DOWN kills the device's non-host nexthops and flushes;
/// NETDEV_CHANGE sets or clears RTNH_F_LINKDOWN with the carrier (no
/// notification, probes/p_route4_more.py); NETDEV_UNREGISTER removes all.
pub fn fib_netdev_event(event: NetdevEvent, dev: &Arc<NetDevice>, _info: &NetdevNotifierInfo) -> Result<(), Errno> {
    if !matches!(event, NetdevEvent::Up | NetdevEvent::Down | NetdevEvent::Change | NetdevEvent::Unregister) {
        return Ok(());
    }
    let Some(net) = dev.net() else { return Ok(()) };
    let Some(fib) = fib4(&net) else { return Ok(()) };
    if event == NetdevEvent::Unregister {
        let _s = debug_span!("fib_netdev_event", event = ?event, dev = dev.ifindex()).entered();
        fib_disable_ip(&fib, dev, event, true);
        return Ok(());
    }
    let Some(list) = ifa_list(dev) else { return Ok(()) };
    let _s = debug_span!("fib_netdev_event", event = ?event, dev = dev.ifindex()).entered();
    let mut st = fib.st.lock();
    match event {
        NetdevEvent::Up => {
            for ifa in &list {
                fib_add_ifaddr(&net, &mut st, dev, ifa);
            }
            fib_sync_up(&mut st, dev, RTNH_F_DEAD);
        }
        NetdevEvent::Down => {
            drop(st);
            fib_disable_ip(&fib, dev, event, false);
        }
        NetdevEvent::Change => {
            let flags = dev.st.lock().get_flags();
            if flags & (IFF_RUNNING | IFF_LOWER_UP) != 0 {
                fib_sync_up(&mut st, dev, RTNH_F_LINKDOWN);
            } else {
                fib_sync_down_dev(&mut st, dev.ifindex(), event, false);
            }
        }
        _ => {}
    }
    Ok(())
}

/// `fib_net_init`: an empty table hash for the namespace.
fn fib_net_init(net: &Arc<Net>) -> Result<(), Errno> {
    net.set_generic(Arc::new(Fib4Net::default()));
    Ok(())
}

/// `fib_net_exit`.
fn fib_net_exit(net: &Arc<Net>) {
    net.clear_generic::<Fib4Net>();
}

/// `ip_fib_init`: the per-namespace tables, the netdevice and inetaddr
/// notifiers, and the PF_INET route handlers (route.c's GETROUTE doit,
/// which `ip_rt_init` registers, included).
pub(crate) fn ip_fib_init(globals: &Arc<Globals>) {
    register_pernet_subsys(
        globals,
        PernetOperations { name: "fib_net", init: Some(fib_net_init), exit: Some(fib_net_exit) },
    )
    .unwrap_or_else(|e| panic!("fib_net_ops: {e}"));
    register_netdevice_notifier(globals, fib_netdev_event);
    register_inetaddr_notifier(globals, fib_inetaddr_event);
    let h = |msgtype, doit, dumpit, flags| RtnlMsgHandler { protocol: PF_INET, msgtype, doit, dumpit, flags };
    rtnl_register_many(
        globals,
        &[
            h(RTM_NEWROUTE, Some(inet_rtm_newroute as _), None, RTNL_FLAG_DOIT_PERNET),
            h(RTM_DELROUTE, Some(inet_rtm_delroute as _), None, RTNL_FLAG_DOIT_PERNET),
            h(RTM_GETROUTE, None, Some(inet_dump_fib as _), RTNL_FLAG_DUMP_UNLOCKED | RTNL_FLAG_DUMP_SPLIT_NLM_DONE),
            h(RTM_GETROUTE, Some(super::route::inet_rtm_getroute as _), None, RTNL_FLAG_DOIT_UNLOCKED),
        ],
    )
    .unwrap_or_else(|e| panic!("ip_fib_init: {e}"));
    let _ = PF_UNSPEC;
    let _ = inet_make_mask;
}
