//! `ip route`'s printing: iproute2's ip/iproute.c `filter_nlmsg` and
//! `print_route` with its helpers (`print_rt_flags`, `print_rta_gateway`,
//! `print_rta_via`, `print_cache_flags`, `print_rta_cacheinfo`,
//! `print_rta_metrics`, `print_rta_multipath`), used by `ip route show`,
//! `get`, `flush` and `ip monitor`.

use nlwire::hdr::RtMsg;
use nlwire::uapi::rtnetlink::*;
use nlwire::uapi::socket::{AF_INET, AF_INET6, AF_MPLS, AF_UNSPEC};
use nlwire::{NlMsgHdr, Nla};

use super::ipaddress::{attr_str, parse_rtattr};
use super::iproute::rtm_get_table;
use super::json_print::Kind::{Any, Fp, Json};
use super::utils::{
    af_bit_len, family_name, format_host, inet_addr_match, rtnl_rtntype_n2a, rtnl_rtprot_n2a, rtnl_rtscope_n2a,
    rtnl_rttable_n2a, PREFIXLEN_SPECIFIED,
};
use super::Ip;

/// `sysconf(_SC_CLK_TCK)`: what `get_user_hz` divides jiffies-based times by.
const USER_HZ: i32 = 100;

/// The first `n` bytes of an attribute, zero-padded to 16 (the `memcpy`
/// into an `inet_prefix`'s data).
fn data16(a: Option<Nla<&[u8]>>, n: usize) -> [u8; 16] {
    let mut d = [0u8; 16];
    if let Some(a) = a {
        let p = a.payload_ref();
        let n = n.min(p.len()).min(16);
        d[..n].copy_from_slice(&p[..n]);
    }
    d
}

impl Ip<'_> {
    /// `filter_nlmsg`: whether a route passes the filter.
    pub(super) fn filter_nlmsg(&mut self, r: &RtMsg<&[u8]>, tb: &[Option<Nla<&[u8]>>], host_len: i32) -> bool {
        let table = rtm_get_table(r, tb);
        let fam = r.rtm_family();
        if self.opts.family != AF_UNSPEC && fam != self.opts.family {
            return false;
        }
        let f = &mut self.rfilter;
        if fam == AF_INET6 && table != RT_TABLE_MAIN {
            f.ip6_multiple_tables = true;
        }
        if f.cloned == i32::from(r.rtm_flags() & RTM_F_CLONED == 0) {
            return false;
        }
        if fam == AF_INET6 && !f.ip6_multiple_tables {
            if f.tb != 0 {
                if f.tb == RT_TABLE_LOCAL {
                    if r.rtm_type() != RTN_LOCAL {
                        return false;
                    }
                } else if f.tb == RT_TABLE_MAIN {
                    if r.rtm_type() == RTN_LOCAL {
                        return false;
                    }
                } else {
                    return false;
                }
            }
        } else if f.tb > 0 && f.tb != table {
            return false;
        }
        if (f.protocol ^ r.rtm_protocol() as u32) & f.protocolmask as u32 != 0 {
            return false;
        }
        if (f.scope ^ r.rtm_scope() as u32) & f.scopemask as u32 != 0 {
            return false;
        }
        if f.typemask != 0 && f.typemask & (1 << r.rtm_type()) == 0 {
            return false;
        }
        if (f.tos ^ r.rtm_tos() as u32) & f.tosmask as u32 != 0 {
            return false;
        }
        let dst_len = r.rtm_dst_len() as i32;
        let src_len = r.rtm_src_len() as i32;
        if f.rdst.family != 0 {
            if fam != f.rdst.family || f.rdst.bitlen > dst_len {
                return false;
            }
        } else if f.rdst.flags & PREFIXLEN_SPECIFIED != 0 && f.rdst.bitlen > dst_len {
            return false;
        }
        if f.mdst.family != 0 {
            if fam != f.mdst.family || (f.mdst.bitlen >= 0 && f.mdst.bitlen < dst_len) {
                return false;
            }
        } else if f.mdst.flags & PREFIXLEN_SPECIFIED != 0 && f.mdst.bitlen >= 0 && f.mdst.bitlen < dst_len {
            return false;
        }
        if f.rsrc.family != 0 {
            if fam != f.rsrc.family || f.rsrc.bitlen > src_len {
                return false;
            }
        } else if f.rsrc.flags & PREFIXLEN_SPECIFIED != 0 && f.rsrc.bitlen > src_len {
            return false;
        }
        if f.msrc.family != 0 {
            if fam != f.msrc.family || (f.msrc.bitlen >= 0 && f.msrc.bitlen < src_len) {
                return false;
            }
        } else if f.msrc.flags & PREFIXLEN_SPECIFIED != 0 && f.msrc.bitlen >= 0 && f.msrc.bitlen < src_len {
            return false;
        }
        let via_attr = tb[RTA_VIA as usize];
        if f.rvia.family != 0 {
            let family = via_attr.and_then(|v| v.payload_ref().first().copied()).unwrap_or(fam);
            if family != f.rvia.family {
                return false;
            }
        }
        if f.rprefsrc.family != 0 && fam != f.rprefsrc.family {
            return false;
        }
        let dst = data16(tb[RTA_DST as usize], (dst_len as usize).div_ceil(8));
        let src = data16(tb[RTA_SRC as usize], (src_len as usize).div_ceil(8));
        let mut via = data16(tb[RTA_GATEWAY as usize], host_len as usize / 8);
        if let Some(v) = via_attr {
            let p = v.payload_ref();
            via = [0; 16];
            let n = p.len().saturating_sub(2).min(16);
            via[..n].copy_from_slice(&p[2..2 + n]);
        }
        let prefsrc = data16(tb[RTA_PREFSRC as usize], host_len as usize / 8);
        if (f.rdst.family != 0 || f.rdst.flags & PREFIXLEN_SPECIFIED != 0)
            && !inet_addr_match(&dst, &f.rdst.data, f.rdst.bitlen)
        {
            return false;
        }
        if (f.mdst.family != 0 || f.mdst.flags & PREFIXLEN_SPECIFIED != 0)
            && !inet_addr_match(&dst, &f.mdst.data, dst_len)
        {
            return false;
        }
        if (f.rsrc.family != 0 || f.rsrc.flags & PREFIXLEN_SPECIFIED != 0)
            && !inet_addr_match(&src, &f.rsrc.data, f.rsrc.bitlen)
        {
            return false;
        }
        if (f.msrc.family != 0 || f.msrc.flags & PREFIXLEN_SPECIFIED != 0)
            && f.msrc.bitlen >= 0
            && !inet_addr_match(&src, &f.msrc.data, src_len)
        {
            return false;
        }
        if f.rvia.family != 0 && !inet_addr_match(&via, &f.rvia.data, f.rvia.bitlen) {
            return false;
        }
        if f.rprefsrc.family != 0 && !inet_addr_match(&prefsrc, &f.rprefsrc.data, f.rprefsrc.bitlen) {
            return false;
        }
        let u32_of = |a: u16| tb[a as usize].map(|x| x.get_u32()).unwrap_or(0);
        if f.iifmask != 0 && (u32_of(RTA_IIF) ^ f.iif) & f.iifmask as u32 != 0 {
            return false;
        }
        if f.oifmask != 0 && (u32_of(RTA_OIF) ^ f.oif) & f.oifmask as u32 != 0 {
            return false;
        }
        if f.markmask != 0 && (u32_of(RTA_MARK) ^ f.mark) & f.markmask as u32 != 0 {
            return false;
        }
        if f.metricmask != 0 && (u32_of(RTA_PRIORITY) ^ f.metric) & f.metricmask as u32 != 0 {
            return false;
        }
        if f.flushing
            && fam == AF_INET6
            && dst_len == 0
            && r.rtm_type() == RTN_UNREACHABLE
            && tb[RTA_PRIORITY as usize].map(|p| p.get_u32()) == Some(u32::MAX)
        {
            return false;
        }
        true
    }

    /// `print_rt_flags`.
    fn print_rt_flags(&mut self, flags: u32) {
        let key = if self.out.is_json() { "flags" } else { "" };
        self.out.open_json_array(Json, Some(key));
        const NAMES: [(u32, &str); 11] = [
            (RTNH_F_DEAD as u32, "dead"),
            (RTNH_F_ONLINK as u32, "onlink"),
            (RTNH_F_PERVASIVE as u32, "pervasive"),
            (RTNH_F_OFFLOAD as u32, "offload"),
            (RTNH_F_TRAP as u32, "trap"),
            (RTM_F_NOTIFY, "notify"),
            (RTNH_F_LINKDOWN as u32, "linkdown"),
            (RTNH_F_UNRESOLVED as u32, "unresolved"),
            (RTM_F_OFFLOAD, "rt_offload"),
            (RTM_F_TRAP, "rt_trap"),
            (RTM_F_OFFLOAD_FAILED, "rt_offload_failed"),
        ];
        for (bit, name) in NAMES {
            if flags & bit != 0 {
                self.out.print_string(Any, None, &format!("{name} "), Some(name));
            }
        }
        self.out.close_json_array(Json, None);
    }

    /// `print_rta_ifidx`.
    fn print_rta_ifidx(&mut self, ifidx: u32, prefix: &str) {
        let name = self.ll_index_to_name(ifidx);
        if self.out.is_json() {
            self.out.print_string(Json, Some(prefix), "", Some(&name));
        } else {
            self.out.fp(&format!("{prefix} {name} "));
        }
    }

    /// `print_rta_gateway`.
    fn print_rta_gateway(&mut self, family: u8, a: &Nla<&[u8]>) {
        let g = format_host(family, a.payload_ref());
        if self.out.is_json() {
            self.out.print_string(Json, Some("gateway"), "", Some(&g));
        } else {
            self.out.fp(&format!("via {g} "));
        }
    }

    /// `print_rta_via`.
    fn print_rta_via(&mut self, a: &Nla<&[u8]>) {
        let p = a.payload_ref();
        let fam = p.first().copied().unwrap_or(0);
        let host = format_host(fam, p.get(2..).unwrap_or(&[]));
        if self.out.is_json() {
            self.out.open_json_object(Some("via"));
            self.out.print_string(Json, Some("family"), "", Some(family_name(fam)));
            self.out.print_string(Json, Some("host"), "", Some(&host));
            self.out.close_json_object();
        } else {
            self.out.fp(&format!("via {} {host} ", family_name(fam)));
        }
    }

    /// `print_cache_flags`: the RTCF_* bits of a cloned IPv4 route.
    fn print_cache_flags(&mut self, flags: u32) {
        let mut flags = flags & !0xffff;
        const RTCF: [(u32, &str); 14] = [
            (0x8000_0000, "local"),
            (0x4000_0000, "reject"),
            (0x2000_0000, "mc"),
            (0x1000_0000, "brd"),
            (0x0800_0000, "dst-nat"),
            (0x0080_0000, "src-nat"),
            (0x0040_0000, "masq"),
            (0x0002_0000, "dst-direct"),
            (0x0400_0000, "src-direct"),
            (0x0004_0000, "redirected"),
            (0x0100_0000, "redirect"),
            (0x0020_0000, "fastroute"),
            (0x0001_0000, "notify"),
            (0x0008_0000, "proxy"),
        ];
        let json = self.out.is_json();
        if json {
            self.out.jsonw_name("cache");
        } else {
            let sl = self.out.sl;
            self.out.fp(&format!("{sl}    cache "));
            if flags == 0 {
                return;
            }
            self.out.fp("<");
        }
        let mut names = Vec::new();
        for (bit, name) in RTCF {
            if flags & bit != 0 {
                flags &= !bit;
                if json {
                    names.push(format!("\"{name}\""));
                } else {
                    self.out.fp(&format!("{name}{}", if flags != 0 { "," } else { "> " }));
                }
            }
        }
        if json {
            // jsonw_start_array, a jsonw_string per flag, (a stray flags key,) jsonw_end_array
            let rest = if flags != 0 { vec![format!("\"flags\":\"{flags:x}\"")] } else { vec![] };
            let all: Vec<String> = names.into_iter().chain(rest).collect();
            self.out.jsonw_printf(&format!("[{}]", all.join(",")));
        } else if flags != 0 {
            self.out.print_hex(Any, Some("flags"), &format!("{flags:x}>"), flags);
        }
    }

    /// `print_rta_cacheinfo`.
    fn print_rta_cacheinfo(&mut self, a: &Nla<&[u8]>) {
        let p = a.payload_ref();
        let w = |i: usize| p.get(i * 4..i * 4 + 4).map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]])).unwrap_or(0);
        // struct rta_cacheinfo: clntref, lastuse, expires (s32), error, used, id, ts, tsage.
        let (expires, error, id, ts, tsage) = (w(2) as i32, w(3), w(5), w(6), w(7));
        if expires != 0 {
            let e = expires / USER_HZ;
            self.out.print_int(Any, Some("expires"), &format!("expires {e}sec "), e as i64);
        }
        if error != 0 {
            self.out.print_uint(Any, Some("error"), &format!("error {error} "), error as u64);
        }
        if id != 0 {
            self.out.print_0xhex(Any, Some("ipid"), &format!("ipid 0x{id:04x} "), id as u64);
        }
        if ts != 0 || tsage != 0 {
            self.out.print_0xhex(Any, Some("ts"), &format!("ts 0x{ts:x}"), ts as u64);
            self.out.print_uint(Any, Some("tsage"), &format!("tsage {tsage}sec "), tsage as u64);
        }
    }

    /// `print_rta_metrics` (the u32 metrics; lock bits shown).
    fn print_rta_metrics(&mut self, a: &Nla<&[u8]>) {
        const MX: [&str; 18] = [
            "",
            "",
            "mtu",
            "window",
            "rtt",
            "rttvar",
            "ssthresh",
            "cwnd",
            "advmss",
            "reordering",
            "hoplimit",
            "initcwnd",
            "features",
            "rto_min",
            "initrwnd",
            "quickack",
            "congctl",
            "fastopen_no_cookie",
        ];
        self.out.open_json_array(Json, Some("metrics"));
        self.out.open_json_object(None);
        let mx = parse_rtattr(a.payload_ref(), 17, false);
        let lock = mx[RTAX_LOCK as usize].map(|l| l.get_u32()).unwrap_or(0);
        for i in 2..=17usize {
            if mx[i].is_none() && lock & (1 << i) == 0 {
                continue;
            }
            let val = match mx[i] {
                Some(v) if i != 16 => v.get_u32(),
                _ => 0,
            };
            if i == RTAX_HOPLIMIT as usize && val as i32 == -1 {
                continue;
            }
            if !self.out.is_json() {
                self.out.fp(&format!("{} ", MX[i]));
                if lock & (1 << i) != 0 {
                    self.out.fp("lock ");
                }
            }
            match i {
                12 => {
                    if val & 1 != 0 {
                        self.out.print_null(Any, Some("ecn"), "ecn ");
                    }
                    if val & !1 != 0 {
                        self.out.print_0xhex(Any, Some("features"), &format!("{val:#x} "), val as u64);
                    }
                }
                4 | 5 | 13 => {
                    let v = if i == 4 {
                        val / 8
                    } else if i == 5 {
                        val / 4
                    } else {
                        val
                    };
                    if self.out.is_json() {
                        self.out.print_uint(Json, Some(MX[i]), "", v as u64);
                    } else if v >= 1000 {
                        self.out.fp(&format!("{}s ", v as f64 / 1e3));
                    } else {
                        self.out.fp(&format!("{v}ms "));
                    }
                }
                16 => {
                    let s = mx[i].map(|x| attr_str(&x)).unwrap_or_default();
                    self.out.print_string(Any, Some("congestion"), &format!("{s} "), Some(&s));
                }
                _ => self.out.print_uint(Any, Some(MX[i]), &format!("{val} "), val as u64),
            }
        }
        self.out.close_json_object();
        self.out.close_json_array(Json, None);
    }

    /// `print_rta_multipath`.
    fn print_rta_multipath(&mut self, family: u8, a: &Nla<&[u8]>) {
        self.out.open_json_array(Json, Some("nexthops"));
        let mut p = a.payload_ref();
        while p.len() >= 8 {
            let len = u16::from_ne_bytes([p[0], p[1]]) as usize;
            if len > p.len() || len < 8 {
                break;
            }
            let (flags, hops) = (p[2], p[3]);
            let ifindex = u32::from_ne_bytes([p[4], p[5], p[6], p[7]]);
            self.out.open_json_object(None);
            let sl = self.out.sl;
            self.out.print_string(Fp, None, &format!("{sl}\tnexthop "), None);
            if len > 8 {
                let tb = parse_rtattr(&p[8..len], RTA_MAX, false);
                if let Some(g) = tb[RTA_GATEWAY as usize] {
                    self.print_rta_gateway(family, &g);
                }
                if let Some(v) = tb[RTA_VIA as usize] {
                    self.print_rta_via(&v);
                }
            }
            let dev = self.ll_index_to_name(ifindex);
            self.out.print_string(Any, Some("dev"), &format!("dev {dev} "), Some(&dev));
            if family != AF_MPLS {
                let w = hops as i32 + 1;
                self.out.print_int(Any, Some("weight"), &format!("weight {w} "), w as i64);
            }
            self.print_rt_flags(flags as u32);
            p = &p[nlwire::nlmsg_align(len).min(p.len())..];
            self.out.close_json_object();
        }
        self.out.close_json_array(Json, None);
    }

    /// `print_route`: one RTM_NEWROUTE or RTM_DELROUTE as `ip route` (and
    /// `ip monitor`) prints it.
    pub fn print_route(&mut self, n: &NlMsgHdr<&[u8]>) -> i32 {
        if n.nlmsg_type() != RTM_NEWROUTE && n.nlmsg_type() != RTM_DELROUTE {
            self.err.push_str(&format!(
                "Not a route: {:08x} {:08x} {:08x}\n",
                n.nlmsg_len(),
                n.nlmsg_type(),
                n.nlmsg_flags()
            ));
            return -1;
        }
        let Ok(r) = RtMsg::new_checked(n.payload()) else {
            self.err.push_str(&format!("BUG: wrong nlmsg len {}\n", n.payload().len() as i64 - 12));
            return -1;
        };
        let fam = r.rtm_family();
        let host_len = af_bit_len(fam);
        let tb = parse_rtattr(&n.payload()[12..], RTA_MAX, false);
        let table = rtm_get_table(&r, &tb);
        if !self.filter_nlmsg(&r, &tb, host_len) {
            return 0;
        }
        let f = self.rfilter.clone();
        let numeric = self.opts.numeric;
        let details = self.opts.details > 0;
        self.out.open_json_object(None);
        if n.nlmsg_type() == RTM_DELROUTE {
            self.out.print_bool(Any, Some("deleted"), "Deleted ", true);
        }
        if (r.rtm_type() != RTN_UNICAST || details) && (f.typemask == 0 || f.typemask & (1 << r.rtm_type()) != 0) {
            let t = rtnl_rtntype_n2a(r.rtm_type(), numeric);
            self.out.print_string(Any, Some("type"), &format!("{t} "), Some(&t));
        }
        let prefix = |a: Option<Nla<&[u8]>>, len: u8| -> Option<String> {
            let a = a?;
            let s = format_host(fam, a.payload_ref());
            Some(if len as i32 != host_len { format!("{s}/{len}") } else { s })
        };
        let b1 = match prefix(tb[RTA_DST as usize], r.rtm_dst_len()) {
            Some(s) => s,
            None if r.rtm_dst_len() != 0 => format!("0/{} ", r.rtm_dst_len()),
            None => "default".into(),
        };
        self.out.print_string(Any, Some("dst"), &format!("{b1} "), Some(&b1));
        if let Some(s) = prefix(tb[RTA_SRC as usize], r.rtm_src_len()) {
            self.out.print_string(Any, Some("from"), &format!("from {s} "), Some(&s));
        } else if r.rtm_src_len() != 0 {
            let s = format!("0/{}", r.rtm_src_len());
            self.out.print_string(Any, Some("src"), &format!("from {s} "), Some(&s));
        }
        if let Some(id) = tb[RTA_NH_ID as usize] {
            let id = id.get_u32();
            self.out.print_uint(Any, Some("nhid"), &format!("nhid {id} "), id as u64);
        }
        if r.rtm_tos() != 0 && f.tosmask != -1 {
            // rtnl_dsfield_n2a without names: 0x%02x
            let s = format!("0x{:02x}", r.rtm_tos());
            self.out.print_string(Any, Some("tos"), &format!("tos {s} "), Some(&s));
        }
        if let Some(g) = tb[RTA_GATEWAY as usize] {
            if f.rvia.bitlen != host_len {
                self.print_rta_gateway(fam, &g);
            }
        }
        if let Some(v) = tb[RTA_VIA as usize] {
            self.print_rta_via(&v);
        }
        if let Some(o) = tb[RTA_OIF as usize] {
            if f.oifmask != -1 {
                self.print_rta_ifidx(o.get_u32(), "dev");
            }
        }
        if table != 0 && (table != RT_TABLE_MAIN || details) && f.tb == 0 {
            let t = rtnl_rttable_n2a(table, numeric);
            self.out.print_string(Any, Some("table"), &format!("table {t} "), Some(&t));
        }
        if r.rtm_flags() & RTM_F_CLONED == 0 {
            if (r.rtm_protocol() != RTPROT_BOOT || details) && f.protocolmask != -1 {
                let p = rtnl_rtprot_n2a(r.rtm_protocol() as u32, numeric);
                self.out.print_string(Any, Some("protocol"), &format!("proto {p} "), Some(&p));
            }
            if (r.rtm_scope() != RT_SCOPE_UNIVERSE || details) && f.scopemask != -1 {
                let s = rtnl_rtscope_n2a(r.rtm_scope() as u32, numeric);
                self.out.print_string(Any, Some("scope"), &format!("scope {s} "), Some(&s));
            }
        }
        if let Some(ps) = tb[RTA_PREFSRC as usize] {
            if f.rprefsrc.bitlen != host_len {
                let s = format_host(fam, ps.payload_ref());
                if self.out.is_json() {
                    self.out.print_string(Json, Some("prefsrc"), "", Some(&s));
                } else {
                    self.out.fp(&format!("src {s} "));
                }
            }
        }
        if let Some(m) = tb[RTA_PRIORITY as usize] {
            if f.metricmask != -1 {
                let m = m.get_u32();
                self.out.print_uint(Any, Some("metric"), &format!("metric {m} "), m as u64);
            }
        }
        self.print_rt_flags(r.rtm_flags());
        if let Some(m) = tb[RTA_MARK as usize] {
            let mark = m.get_u32();
            if mark != 0 {
                if self.out.is_json() {
                    self.out.print_uint(Json, Some("mark"), "", mark as u64);
                } else if mark >= 16 {
                    self.out.fp(&format!("mark 0x{mark:x} "));
                } else {
                    self.out.fp(&format!("mark {mark} "));
                }
            }
        }
        if let Some(u) = tb[RTA_UID as usize] {
            let u = u.get_u32();
            self.out.print_uint(Any, Some("uid"), &format!("uid {u} "), u as u64);
        }
        if fam == AF_INET {
            if r.rtm_flags() & RTM_F_CLONED != 0 {
                self.print_cache_flags(r.rtm_flags());
            }
            if let Some(ci) = tb[RTA_CACHEINFO as usize] {
                self.print_rta_cacheinfo(&ci);
            }
        } else if fam == AF_INET6 {
            if let Some(ci) = tb[RTA_CACHEINFO as usize] {
                self.print_rta_cacheinfo(&ci);
            }
        }
        if let Some(m) = tb[RTA_METRICS as usize] {
            self.print_rta_metrics(&m);
        }
        if let Some(i) = tb[RTA_IIF as usize] {
            if f.iifmask != -1 {
                self.print_rta_ifidx(i.get_u32(), "iif");
            }
        }
        if let Some(p) = tb[RTA_PREF as usize] {
            match p.get_u8() {
                3 => self.out.print_string(Any, Some("pref"), "pref low", Some("low")),
                0 => self.out.print_string(Any, Some("pref"), "pref medium", Some("medium")),
                1 => self.out.print_string(Any, Some("pref"), "pref high", Some("high")),
                v => self.out.print_uint(Any, Some("pref"), &v.to_string(), v as u64),
            }
        }
        if let Some(t) = tb[RTA_TTL_PROPAGATE as usize] {
            let on = t.get_u8() != 0;
            if self.out.is_json() {
                self.out.print_bool(Json, Some("ttl-propogate"), "", on);
            } else {
                self.out.fp(&format!("ttl-propogate {}", if on { "enabled" } else { "disabled" }));
            }
        }
        if let Some(mp) = tb[RTA_MULTIPATH as usize] {
            self.print_rta_multipath(fam, &mp);
        }
        self.out.print_string(Fp, None, "\n", None);
        self.out.close_json_object();
        0
    }
}
