//! `ip route add|change|replace|prepend|append|test|del|show|get|flush`:
//! iproute2's ip/iproute.c (`iproute_modify`, `parse_nexthops`,
//! `filter_nlmsg`, `print_route`, `iproute_list_flush_or_save`,
//! `iproute_flush`, `iproute_get`).
//!
//! `show` without `table` means `table main`, and with a table and no `-4`
//! or `-6` the dump is of IPv4 only (`dump_family = AF_INET`), as in ip.
//! The table, protocol and output device of the filter go to the kernel in
//! the dump request (strict checking filters there); everything else is
//! filtered here by `filter_nlmsg`.

use nlwire::hdr::{RtMsg, RtMsgRepr};
use nlwire::uapi::netlink::*;
use nlwire::uapi::rtnetlink::*;
use nlwire::uapi::socket::{AF_INET, AF_INET6, AF_MPLS, AF_UNSPEC};
use nlwire::{NlMsgHdr, Nla};

use super::error::{duparg2, incomplete_command, invarg, nodev, unmodelled, CmdResult, Exit};
use super::ipaddress::{attr_str, parse_rtattr};
use super::json_print::Kind::{Any, Fp, Json};
use super::libnetlink::{perror, Flow, NlReq};
use super::utils::{
    af_bit_len, family_name, format_host, get_addr, get_prefix, get_unsigned, inet_addr_match, matches,
    rtnl_rtntype_a2n, rtnl_rtntype_n2a, rtnl_rtprot_a2n, rtnl_rtprot_n2a, rtnl_rtscope_a2n, rtnl_rtscope_n2a,
    rtnl_rttable_a2n, rtnl_rttable_n2a, InetPrefix, PREFIXLEN_SPECIFIED,
};
use super::Ip;

/// `sizeof(struct { nlmsghdr; rtmsg; char buf[4096]; })`.
const ROUTE_REQ_MAX: usize = 16 + 12 + 4096;
/// `rtnl_routedump_req`'s request (`char buf[128]`).
const ROUTEDUMP_REQ_MAX: usize = 16 + 12 + 128;
/// `iproute_get`'s request (`char buf[1024]`).
const GET_REQ_MAX: usize = 16 + 12 + 1024;
/// `char flushb[4096-512]`.
const FLUSH_BUF: usize = 4096 - 512;
/// `sysconf(_SC_CLK_TCK)`: what `get_user_hz` divides jiffies-based times by.
const USER_HZ: i32 = 100;

/// The static `filter` of ip/iproute.c.
#[derive(Debug, Clone, Default)]
pub struct RouteFilter {
    pub tb: u32,
    /// 0, 1 (`cache`), or 2 (`get`: no filtering on it).
    pub cloned: i32,
    pub flushing: bool,
    pub protocol: u32,
    pub protocolmask: i32,
    pub scope: u32,
    pub scopemask: i32,
    pub typemask: u64,
    pub tos: u32,
    pub tosmask: i32,
    pub iif: u32,
    pub iifmask: i32,
    pub oif: u32,
    pub oifmask: i32,
    pub mark: u32,
    pub markmask: i32,
    pub metric: u32,
    pub metricmask: i32,
    pub rprefsrc: InetPrefix,
    pub rvia: InetPrefix,
    pub rdst: InetPrefix,
    pub mdst: InetPrefix,
    pub rsrc: InetPrefix,
    pub msrc: InetPrefix,
    /// `filter_nlmsg`'s `static int ip6_multiple_tables`.
    pub ip6_multiple_tables: bool,
}

impl RouteFilter {
    /// `iproute_reset_filter(0)`.
    pub(super) fn reset() -> Self {
        let mut f = RouteFilter::default();
        f.mdst.bitlen = -1;
        f.msrc.bitlen = -1;
        f
    }
}

/// `rtm_get_table`.
fn rtm_get_table(r: &RtMsg<&[u8]>, tb: &[Option<Nla<&[u8]>>]) -> u32 {
    match tb[RTA_TABLE as usize] {
        Some(t) => t.get_u32(),
        None => r.rtm_table() as u32,
    }
}

/// `read_family`.
fn read_family(name: &str) -> u8 {
    match name {
        "inet" => AF_INET,
        "inet6" => AF_INET6,
        "link" => nlwire::uapi::socket::AF_PACKET,
        "mpls" => AF_MPLS,
        "bridge" => nlwire::uapi::socket::AF_BRIDGE,
        _ => AF_UNSPEC,
    }
}

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
    /// `do_iproute`.
    pub fn do_iproute(&mut self, args: &[String]) -> CmdResult {
        let Some(w) = args.first().map(String::as_str) else {
            return self.iproute_list_flush_or_save(&[], false);
        };
        let rest = &args[1..];
        if matches(w, "add") {
            self.iproute_modify(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, rest)
        } else if matches(w, "change") || w == "chg" {
            self.iproute_modify(RTM_NEWROUTE, NLM_F_REPLACE, rest)
        } else if matches(w, "replace") {
            self.iproute_modify(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, rest)
        } else if matches(w, "prepend") {
            self.iproute_modify(RTM_NEWROUTE, NLM_F_CREATE, rest)
        } else if matches(w, "append") {
            self.iproute_modify(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_APPEND, rest)
        } else if matches(w, "test") {
            self.iproute_modify(RTM_NEWROUTE, NLM_F_EXCL, rest)
        } else if matches(w, "delete") {
            self.iproute_modify(RTM_DELROUTE, 0, rest)
        } else if matches(w, "list") || matches(w, "show") || matches(w, "lst") {
            self.iproute_list_flush_or_save(rest, false)
        } else if matches(w, "get") {
            self.iproute_get(rest)
        } else if matches(w, "flush") {
            self.iproute_list_flush_or_save(rest, true)
        } else if matches(w, "save") || matches(w, "restore") || matches(w, "showdump") {
            Err(unmodelled(&mut self.err, &format!("\"ip route {w}\"")))
        } else if matches(w, "help") {
            self.err.push_str("Usage: ip route { list | flush } SELECTOR\n");
            Err(Exit::USAGE)
        } else {
            self.err.push_str(&format!("Command \"{w}\" is unknown, try \"ip route help\".\n"));
            Err(Exit::USAGE)
        }
    }

    /// `iproute_modify`.
    fn iproute_modify(&mut self, cmd: u16, flags: u16, args: &[String]) -> CmdResult {
        let mut r = RtMsgRepr {
            family: self.opts.family,
            table: RT_TABLE_MAIN as u8,
            scope: RT_SCOPE_NOWHERE,
            ..Default::default()
        };
        let mut req = NlReq::new(cmd, NLM_F_REQUEST | flags, &r.to_bytes(), ROUTE_REQ_MAX);
        if cmd != RTM_DELROUTE {
            r.protocol = RTPROT_BOOT;
            r.scope = RT_SCOPE_UNIVERSE;
            r.ty = RTN_UNICAST;
        }
        let mut d: Option<String> = None;
        let (mut gw_ok, mut dst_ok, mut nhs_ok, mut scope_ok, mut table_ok, mut type_ok) =
            (false, false, false, false, false, false);
        let mut nhid = 0u32;
        let mut mx: Vec<(u16, u32)> = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let w = args[i].as_str();
            macro_rules! next_arg {
                () => {{
                    i += 1;
                    match args.get(i) {
                        Some(a) => a.clone(),
                        None => return Err(incomplete_command(&mut self.err)),
                    }
                }};
            }
            if w == "src" {
                let a = next_arg!();
                let addr = get_addr(&mut self.err, &a, r.family)?;
                if r.family == AF_UNSPEC {
                    r.family = addr.family;
                }
                req.addattr_l(RTA_PREFSRC, addr.bytes());
            } else if w == "via" {
                if gw_ok {
                    return Err(invarg(&mut self.err, "use nexthop syntax to specify multiple via\n", w));
                }
                gw_ok = true;
                let mut a = next_arg!();
                let mut family = read_family(&a);
                if family == AF_UNSPEC {
                    family = r.family;
                } else {
                    a = next_arg!();
                }
                let addr = get_addr(&mut self.err, &a, family)?;
                if r.family == AF_UNSPEC {
                    r.family = addr.family;
                }
                if addr.family == r.family {
                    req.addattr_l(RTA_GATEWAY, addr.bytes());
                } else {
                    let mut v = vec![addr.family, 0];
                    v.extend_from_slice(addr.bytes());
                    req.addattr_l(RTA_VIA, &v);
                }
            } else if w == "from" {
                let a = next_arg!();
                let addr = get_prefix(&mut self.err, &a, r.family)?;
                if r.family == AF_UNSPEC {
                    r.family = addr.family;
                }
                if addr.bytelen != 0 {
                    req.addattr_l(RTA_SRC, addr.bytes());
                }
                r.src_len = addr.bitlen as u8;
            } else if w == "expires" {
                let a = next_arg!();
                match get_unsigned(&a) {
                    Some(v) => {
                        req.addattr32(RTA_EXPIRES, v);
                    }
                    None => return Err(invarg(&mut self.err, "\"expires\" value is invalid\n", &a)),
                }
            } else if matches(w, "metric") || matches(w, "priority") || w == "preference" {
                let a = next_arg!();
                match get_unsigned(&a) {
                    Some(v) => {
                        req.addattr32(RTA_PRIORITY, v);
                    }
                    None => return Err(invarg(&mut self.err, "\"metric\" value is invalid\n", &a)),
                }
            } else if w == "scope" {
                let a = next_arg!();
                match rtnl_rtscope_a2n(&a) {
                    Some(s) => r.scope = s as u8,
                    None => return Err(invarg(&mut self.err, "invalid \"scope\" value\n", &a)),
                }
                scope_ok = true;
            } else if w == "mtu" || w == "advmss" || w == "hoplimit" {
                let a = next_arg!();
                let ty = match w {
                    "mtu" => RTAX_MTU,
                    "advmss" => RTAX_ADVMSS,
                    _ => RTAX_HOPLIMIT,
                };
                match get_unsigned(&a) {
                    Some(v) if ty != RTAX_HOPLIMIT || v <= 255 => mx.push((ty, v)),
                    _ => {
                        let what = if w == "advmss" { "mss" } else { w };
                        return Err(invarg(&mut self.err, &format!("\"{what}\" value is invalid\n"), &a));
                    }
                }
            } else if w == "onlink" {
                r.flags |= RTNH_F_ONLINK as u32;
            } else if w == "nexthop" {
                nhs_ok = true;
                break;
            } else if w == "nhid" {
                let a = next_arg!();
                match get_unsigned(&a) {
                    Some(v) => {
                        nhid = v;
                        req.addattr32(RTA_NH_ID, v);
                    }
                    None => return Err(invarg(&mut self.err, "\"id\" value is invalid\n", &a)),
                }
            } else if matches(w, "protocol") {
                let a = next_arg!();
                match rtnl_rtprot_a2n(&a) {
                    Some(p) => r.protocol = p as u8,
                    None => return Err(invarg(&mut self.err, "\"protocol\" value is invalid\n", &a)),
                }
            } else if matches(w, "table") {
                let a = next_arg!();
                match rtnl_rttable_a2n(&a) {
                    Some(t) if t < 256 => r.table = t as u8,
                    Some(t) => {
                        r.table = RT_TABLE_UNSPEC as u8;
                        req.addattr32(RTA_TABLE, t);
                    }
                    None => return Err(invarg(&mut self.err, "\"table\" value is invalid\n", &a)),
                }
                table_ok = true;
            } else if w == "dev" || w == "oif" {
                d = Some(next_arg!());
            } else if w == "tos"
                || matches(w, "dsfield")
                || w == "as"
                || matches(w, "realms")
                || matches(w, "vrf")
                || matches(w, "pref")
                || w == "encap"
                || w == "ttl-propagate"
                || [
                    "reordering",
                    "window",
                    "cwnd",
                    "initcwnd",
                    "initrwnd",
                    "features",
                    "quickack",
                    "congctl",
                    "rttvar",
                    "ssthresh",
                    "fastopen_no_cookie",
                ]
                .iter()
                .any(|k| matches(w, k))
                || w == "rtt"
                || w == "rto_min"
            {
                return Err(unmodelled(&mut self.err, &format!("\"ip route {w}\"")));
            } else {
                let mut a = if w == "to" { next_arg!() } else { w.to_string() };
                if !a.starts_with(|c: char| c.is_ascii_digit()) {
                    if let Some(t) = rtnl_rtntype_a2n(&a) {
                        a = next_arg!();
                        r.ty = t;
                        type_ok = true;
                    }
                }
                if matches(&a, "help") {
                    self.err.push_str("Usage: ip route { list | flush } SELECTOR\n");
                    return Err(Exit::USAGE);
                }
                if dst_ok {
                    return Err(duparg2(&mut self.err, "to", &a));
                }
                let dst = get_prefix(&mut self.err, &a, r.family)?;
                if r.family == AF_UNSPEC {
                    r.family = dst.family;
                }
                r.dst_len = dst.bitlen as u8;
                dst_ok = true;
                if dst.bytelen != 0 {
                    req.addattr_l(RTA_DST, dst.bytes());
                }
            }
            i += 1;
        }
        if !dst_ok {
            self.err.push_str("Usage: ip route { list | flush } SELECTOR\n");
            return Err(Exit::USAGE);
        }
        if let Some(d) = &d {
            let idx = self.ll_name_to_index(d);
            if idx == 0 {
                return Ok(nodev(&mut self.err, d));
            }
            req.addattr32(RTA_OIF, idx);
        }
        if !mx.is_empty() {
            let mut m = Vec::new();
            for (ty, v) in &mx {
                m.extend_from_slice(&8u16.to_ne_bytes());
                m.extend_from_slice(&ty.to_ne_bytes());
                m.extend_from_slice(&v.to_ne_bytes());
            }
            req.addattr_l(RTA_METRICS, &m);
        }
        if nhs_ok {
            self.parse_nexthops(&mut req, &mut r, &args[i..])?;
        }
        if r.family == AF_UNSPEC {
            r.family = AF_INET;
        }
        if !table_ok && matches!(r.ty, RTN_LOCAL | RTN_BROADCAST | RTN_NAT | RTN_ANYCAST) {
            r.table = RT_TABLE_LOCAL as u8;
        }
        if !scope_ok {
            if r.family == AF_INET6 || r.family == AF_MPLS {
                r.scope = RT_SCOPE_UNIVERSE;
            } else if r.ty == RTN_LOCAL || r.ty == RTN_NAT {
                r.scope = RT_SCOPE_HOST;
            } else if matches!(r.ty, RTN_BROADCAST | RTN_MULTICAST | RTN_ANYCAST) {
                r.scope = RT_SCOPE_LINK;
            } else if r.ty == RTN_UNICAST || r.ty == RTN_UNSPEC {
                if cmd == RTM_DELROUTE {
                    r.scope = RT_SCOPE_NOWHERE;
                } else if !gw_ok && !nhs_ok && nhid == 0 {
                    r.scope = RT_SCOPE_LINK;
                }
            }
        }
        if !type_ok && r.family == AF_MPLS {
            r.ty = RTN_UNICAST;
        }
        req.hdr_mut().copy_from_slice(&r.to_bytes());
        self.err.push_str(&req.complaints);
        let mut bytes = req.bytes();
        match self.rth.talk(&mut bytes, false, true, &mut self.err) {
            Ok(_) => Ok(0),
            Err(Flow::Exit(x)) => Err(x),
            Err(Flow::Fail(_)) => Ok(-2),
        }
    }

    /// `parse_nexthops` and `parse_one_nh`: `nexthop via A dev D weight W …`
    /// into one RTA_MULTIPATH of `struct rtnexthop`s.
    fn parse_nexthops(&mut self, req: &mut NlReq, r: &mut RtMsgRepr, args: &[String]) -> Result<(), Exit> {
        let mut mp: Vec<u8> = Vec::new();
        let mut i = 0;
        while i < args.len() {
            if args[i] != "nexthop" {
                self.err
                    .push_str(&format!("Error: \"nexthop\" or end of line is expected instead of \"{}\"\n", args[i]));
                return Err(Exit::USAGE);
            }
            if i + 1 >= args.len() {
                self.err.push_str("Error: unexpected end of line after \"nexthop\"\n");
                return Err(Exit::USAGE);
            }
            // struct rtnexthop: len u16, flags u8, hops u8, ifindex i32.
            let (mut flags, mut hops, mut ifindex) = (0u8, 0u8, 0u32);
            let mut attrs: Vec<u8> = Vec::new();
            i += 1;
            while i < args.len() {
                let w = args[i].as_str();
                macro_rules! next_arg {
                    () => {{
                        i += 1;
                        match args.get(i) {
                            Some(a) => a.clone(),
                            None => return Err(incomplete_command(&mut self.err)),
                        }
                    }};
                }
                if w == "via" {
                    let mut a = next_arg!();
                    let mut family = read_family(&a);
                    if family == AF_UNSPEC {
                        family = r.family;
                    } else {
                        a = next_arg!();
                    }
                    let addr = get_addr(&mut self.err, &a, family)?;
                    if r.family == AF_UNSPEC {
                        r.family = addr.family;
                    }
                    let (ty, data) = if addr.family == r.family {
                        (RTA_GATEWAY, addr.bytes().to_vec())
                    } else {
                        let mut v = vec![addr.family, 0];
                        v.extend_from_slice(addr.bytes());
                        (RTA_VIA, v)
                    };
                    let len = 4 + data.len();
                    attrs.extend_from_slice(&(len as u16).to_ne_bytes());
                    attrs.extend_from_slice(&ty.to_ne_bytes());
                    attrs.extend_from_slice(&data);
                    attrs.resize(attrs.len() + (nlwire::nla_align(len) - len), 0);
                } else if w == "dev" {
                    let a = next_arg!();
                    ifindex = self.ll_name_to_index(&a);
                    if ifindex == 0 {
                        nodev(&mut self.err, &a);
                        self.err.push_str("Error: cannot parse nexthop\n");
                        return Err(Exit::USAGE);
                    }
                } else if w == "weight" {
                    let a = next_arg!();
                    match get_unsigned(&a) {
                        Some(v) if (1..=256).contains(&v) => hops = (v - 1) as u8,
                        _ => return Err(invarg(&mut self.err, "\"weight\" is invalid\n", &a)),
                    }
                } else if w == "onlink" {
                    flags |= RTNH_F_ONLINK;
                } else if matches(w, "realms") || w == "encap" || w == "as" {
                    return Err(unmodelled(&mut self.err, &format!("\"ip route nexthop {w}\"")));
                } else {
                    break;
                }
                i += 1;
            }
            let len = 8 + attrs.len();
            mp.extend_from_slice(&(len as u16).to_ne_bytes());
            mp.push(flags);
            mp.push(hops);
            mp.extend_from_slice(&ifindex.to_ne_bytes());
            mp.extend_from_slice(&attrs);
        }
        if !mp.is_empty() {
            req.addattr_l(RTA_MULTIPATH, &mp);
        }
        Ok(())
    }

    /// `filter_nlmsg`: whether a route passes the filter.
    fn filter_nlmsg(&mut self, r: &RtMsg<&[u8]>, tb: &[Option<Nla<&[u8]>>], host_len: i32) -> bool {
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

    /// `rtnl_routedump_req(&rth, family, iproute_dump_filter)` and the dump, stored.
    fn iproute_dump(&mut self, family: u8) -> Result<Vec<Vec<u8>>, Flow> {
        let f = &self.rfilter;
        let hdr = RtMsgRepr {
            family,
            protocol: f.protocol as u8,
            flags: if f.cloned != 0 { RTM_F_CLONED } else { 0 },
            ..Default::default()
        };
        let mut req = NlReq::new(RTM_GETROUTE, NLM_F_DUMP | NLM_F_REQUEST, &hdr.to_bytes(), ROUTEDUMP_REQ_MAX);
        if f.tb != 0 {
            req.addattr32(RTA_TABLE, f.tb);
        }
        if f.oif != 0 {
            req.addattr32(RTA_OIF, f.oif);
        }
        let mut bytes = req.sized();
        if let Err(e) = self.rth.dump_request(&mut bytes) {
            perror(&mut self.err, "Cannot send dump request", e);
            return Err(Flow::Fail(-2));
        }
        let mut out = Vec::new();
        // save_route_errhndlr: an empty main table (ENOENT on NLMSG_DONE) is no error.
        self.rth.suppress_done_enoent = self.rfilter.tb == RT_TABLE_MAIN;
        let r = self.rth.dump_filter(&mut self.err, &mut |n| {
            out.push(n.message().to_vec());
            0
        });
        self.rth.suppress_done_enoent = false;
        r?;
        Ok(out)
    }

    /// `iproute_list_flush_or_save` for `show` and `flush`.
    fn iproute_list_flush_or_save(&mut self, args: &[String], flush: bool) -> CmdResult {
        let mut dump_family = self.opts.family;
        let (mut id, mut od): (Option<String>, Option<String>) = (None, None);
        let mut mark = 0u32;
        self.rfilter = RouteFilter::reset();
        self.rfilter.tb = RT_TABLE_MAIN;
        if flush && args.is_empty() {
            self.err.push_str("\"ip route flush\" requires arguments.\n");
            return Ok(-1);
        }
        let mut i = 0;
        while i < args.len() {
            let w = args[i].as_str();
            macro_rules! next_arg {
                () => {{
                    i += 1;
                    match args.get(i) {
                        Some(a) => a.clone(),
                        None => return Err(incomplete_command(&mut self.err)),
                    }
                }};
            }
            if matches(w, "table") {
                let a = next_arg!();
                match rtnl_rttable_a2n(&a) {
                    Some(t) => self.rfilter.tb = t,
                    None if a == "all" => self.rfilter.tb = 0,
                    None if a == "cache" => self.rfilter.cloned = 1,
                    None if a == "help" => {
                        self.err.push_str("Usage: ip route { list | flush } SELECTOR\n");
                        return Err(Exit::USAGE);
                    }
                    None => return Err(invarg(&mut self.err, "table id value is invalid\n", &a)),
                }
            } else if matches(w, "cached") || matches(w, "cloned") {
                self.rfilter.cloned = 1;
            } else if matches(w, "protocol") {
                let a = next_arg!();
                self.rfilter.protocolmask = -1;
                let p = match rtnl_rtprot_a2n(&a) {
                    Some(p) => p,
                    None if a == "all" => {
                        self.rfilter.protocolmask = 0;
                        0
                    }
                    None => return Err(invarg(&mut self.err, "invalid \"protocol\"\n", &a)),
                };
                self.rfilter.protocol = p;
            } else if matches(w, "scope") {
                let a = next_arg!();
                self.rfilter.scopemask = -1;
                let s = match rtnl_rtscope_a2n(&a) {
                    Some(s) => s,
                    None if a == "all" => {
                        self.rfilter.scopemask = 0;
                        RT_SCOPE_NOWHERE as u32
                    }
                    None => return Err(invarg(&mut self.err, "invalid \"scope\"\n", &a)),
                };
                self.rfilter.scope = s;
            } else if matches(w, "type") {
                let a = next_arg!();
                match rtnl_rtntype_a2n(&a) {
                    Some(t) => self.rfilter.typemask = 1 << t,
                    None => return Err(invarg(&mut self.err, "node type value is invalid\n", &a)),
                }
            } else if w == "dev" || w == "oif" {
                od = Some(next_arg!());
            } else if w == "iif" {
                id = Some(next_arg!());
            } else if w == "mark" {
                let a = next_arg!();
                match get_unsigned(&a) {
                    Some(m) => mark = m,
                    None => return Err(invarg(&mut self.err, "invalid mark value", &a)),
                }
                self.rfilter.markmask = -1;
            } else if matches(w, "metric") || matches(w, "priority") || w == "preference" {
                let a = next_arg!();
                match get_unsigned(&a) {
                    Some(m) => self.rfilter.metric = m,
                    None => return Err(invarg(&mut self.err, "\"metric\" value is invalid\n", &a)),
                }
                self.rfilter.metricmask = -1;
            } else if w == "via" {
                let mut a = next_arg!();
                let mut family = read_family(&a);
                if family == AF_UNSPEC {
                    family = dump_family;
                } else {
                    a = next_arg!();
                }
                self.rfilter.rvia = get_prefix(&mut self.err, &a, family)?;
            } else if w == "src" {
                let a = next_arg!();
                self.rfilter.rprefsrc = get_prefix(&mut self.err, &a, dump_family)?;
            } else if w == "tos" || matches(w, "dsfield") || matches(w, "vrf") || matches(w, "realms") {
                return Err(unmodelled(&mut self.err, &format!("\"ip route show {w}\"")));
            } else if matches(w, "from") {
                let mut a = next_arg!();
                if matches(&a, "root") {
                    a = next_arg!();
                    self.rfilter.rsrc = get_prefix(&mut self.err, &a, dump_family)?;
                } else if matches(&a, "match") {
                    a = next_arg!();
                    self.rfilter.msrc = get_prefix(&mut self.err, &a, dump_family)?;
                } else {
                    if matches(&a, "exact") {
                        a = next_arg!();
                    }
                    self.rfilter.msrc = get_prefix(&mut self.err, &a, dump_family)?;
                    self.rfilter.rsrc = self.rfilter.msrc;
                }
            } else {
                let mut a = w.to_string();
                if matches(&a, "to") {
                    a = next_arg!();
                }
                if matches(&a, "root") {
                    a = next_arg!();
                    self.rfilter.rdst = get_prefix(&mut self.err, &a, dump_family)?;
                } else if matches(&a, "match") {
                    a = next_arg!();
                    self.rfilter.mdst = get_prefix(&mut self.err, &a, dump_family)?;
                } else {
                    if matches(&a, "exact") {
                        a = next_arg!();
                    }
                    self.rfilter.mdst = get_prefix(&mut self.err, &a, dump_family)?;
                    self.rfilter.rdst = self.rfilter.mdst;
                }
            }
            i += 1;
        }
        if dump_family == AF_UNSPEC && self.rfilter.tb != 0 {
            dump_family = AF_INET;
        }
        if let Some(d) = &id {
            let idx = self.ll_name_to_index(d);
            if idx == 0 {
                return Ok(nodev(&mut self.err, d));
            }
            self.rfilter.iif = idx;
            self.rfilter.iifmask = -1;
        }
        if let Some(d) = &od {
            let idx = self.ll_name_to_index(d);
            if idx == 0 {
                return Ok(nodev(&mut self.err, d));
            }
            self.rfilter.oif = idx;
            self.rfilter.oifmask = -1;
        }
        self.rfilter.mark = mark;
        if flush {
            return self.iproute_flush(dump_family);
        }
        let routes = match self.iproute_dump(dump_family) {
            Ok(r) => r,
            Err(Flow::Exit(x)) => return Err(x),
            Err(Flow::Fail(e)) => {
                if e != -2 {
                    self.err.push_str("Dump terminated\n");
                }
                return Ok(-2);
            }
        };
        self.out.new_json_obj(self.opts.json);
        for m in &routes {
            if self.print_route(&NlMsgHdr::new_unchecked(&m[..])) < 0 {
                self.err.push_str("Dump terminated\n");
                return Ok(-2);
            }
        }
        self.out.delete_json_obj();
        Ok(0)
    }

    /// `iproute_flush`: dump, send each route that passes back as an
    /// RTM_DELROUTE (batches by `rtnl_send_check`), until none is left.
    /// As for addresses, the batches go after the dump was read.
    fn iproute_flush(&mut self, family: u8) -> CmdResult {
        if self.rfilter.cloned != 0 {
            return Err(unmodelled(&mut self.err, "\"ip route flush cache\""));
        }
        self.rfilter.flushing = true;
        for _round in 0..100 {
            let routes = match self.iproute_dump(family) {
                Ok(r) => r,
                Err(Flow::Exit(x)) => return Err(x),
                Err(Flow::Fail(_)) => {
                    self.err.push_str("Flush terminated\n");
                    return Ok(-2);
                }
            };
            let mut batches: Vec<Vec<u8>> = vec![Vec::new()];
            let mut flushed = 0;
            for m in &routes {
                let n = NlMsgHdr::new_unchecked(&m[..]);
                if n.nlmsg_type() != RTM_NEWROUTE {
                    continue;
                }
                let Ok(r) = RtMsg::new_checked(n.payload()) else { continue };
                let tb = parse_rtattr(&n.payload()[12..], RTA_MAX, false);
                if !self.filter_nlmsg(&r, &tb, af_bit_len(r.rtm_family())) {
                    continue;
                }
                let cur = batches.last().map(|b| b.len()).unwrap_or(0);
                if nlwire::nlmsg_align(cur) + m.len() > FLUSH_BUF {
                    batches.push(Vec::new());
                }
                let mut fm = m.clone();
                self.rth.seq = self.rth.seq.wrapping_add(1);
                {
                    let mut h = NlMsgHdr::new_unchecked(&mut fm[..]);
                    h.set_nlmsg_type(RTM_DELROUTE);
                    h.set_nlmsg_flags(NLM_F_REQUEST);
                    h.set_nlmsg_seq(self.rth.seq);
                }
                if let Some(b) = batches.last_mut() {
                    b.resize(nlwire::nlmsg_align(b.len()), 0);
                    b.extend_from_slice(&fm);
                }
                flushed += 1;
            }
            if flushed == 0 {
                return Ok(0);
            }
            for b in batches.iter().filter(|b| !b.is_empty()) {
                if let Err(e) = self.rth.send_check(b) {
                    perror(&mut self.err, "Failed to send flush request", e);
                    return Ok(-2);
                }
            }
        }
        Ok(-1)
    }

    /// `iproute_get`: one RTM_GETROUTE for an address, the answer printed.
    fn iproute_get(&mut self, args: &[String]) -> CmdResult {
        let mut r = RtMsgRepr { family: self.opts.family, ..Default::default() };
        let mut req = NlReq::new(RTM_GETROUTE, NLM_F_REQUEST, &r.to_bytes(), GET_REQ_MAX);
        let (mut idev, mut odev): (Option<String>, Option<String>) = (None, None);
        let (mut connected, mut fib_match, mut from_ok, mut address_found) = (false, false, false, false);
        let mut mark = 0u32;
        self.rfilter = RouteFilter::reset();
        self.rfilter.cloned = 2;
        let mut i = 0;
        while i < args.len() {
            let w = args[i].as_str();
            macro_rules! next_arg {
                () => {{
                    i += 1;
                    match args.get(i) {
                        Some(a) => a.clone(),
                        None => return Err(incomplete_command(&mut self.err)),
                    }
                }};
            }
            if matches(w, "from") {
                let a = next_arg!();
                if matches(&a, "help") {
                    self.err.push_str("Usage: ip route get ADDRESS\n");
                    return Err(Exit::USAGE);
                }
                from_ok = true;
                let addr = get_prefix(&mut self.err, &a, r.family)?;
                if r.family == AF_UNSPEC {
                    r.family = addr.family;
                }
                if addr.bytelen != 0 {
                    req.addattr_l(RTA_SRC, addr.bytes());
                }
                r.src_len = addr.bitlen as u8;
            } else if matches(w, "iif") {
                idev = Some(next_arg!());
            } else if matches(w, "mark") {
                let a = next_arg!();
                match get_unsigned(&a) {
                    Some(m) => mark = m,
                    None => return Err(invarg(&mut self.err, "invalid mark value", &a)),
                }
            } else if matches(w, "oif") || w == "dev" {
                odev = Some(next_arg!());
            } else if matches(w, "notify") {
                r.flags |= RTM_F_NOTIFY;
            } else if matches(w, "connected") {
                connected = true;
            } else if matches(w, "uid") {
                let a = next_arg!();
                match get_unsigned(&a) {
                    Some(u) => {
                        req.addattr32(RTA_UID, u);
                    }
                    None => return Err(invarg(&mut self.err, "invalid UID\n", &a)),
                }
            } else if matches(w, "fibmatch") {
                fib_match = true;
            } else if w == "tos"
                || matches(w, "dsfield")
                || matches(w, "vrf")
                || w == "as"
                || matches(w, "sport")
                || matches(w, "dport")
                || matches(w, "ipproto")
            {
                return Err(unmodelled(&mut self.err, &format!("\"ip route get {w}\"")));
            } else {
                let a = if w == "to" { next_arg!() } else { w.to_string() };
                if matches(&a, "help") {
                    self.err.push_str("Usage: ip route get ADDRESS\n");
                    return Err(Exit::USAGE);
                }
                let addr = get_prefix(&mut self.err, &a, r.family)?;
                if r.family == AF_UNSPEC {
                    r.family = addr.family;
                }
                if addr.bytelen != 0 {
                    req.addattr_l(RTA_DST, addr.bytes());
                }
                if r.family == AF_INET && addr.bitlen != 32 {
                    self.err.push_str(&format!(
                        "Warning: /{} as prefix is invalid, only /32 (or none) is supported.\n",
                        addr.bitlen as u32
                    ));
                    r.dst_len = 32;
                } else if r.family == AF_INET6 && addr.bitlen != 128 {
                    self.err.push_str(&format!(
                        "Warning: /{} as prefix is invalid, only /128 (or none) is supported.\n",
                        addr.bitlen as u32
                    ));
                    r.dst_len = 128;
                } else {
                    r.dst_len = addr.bitlen as u8;
                }
                address_found = true;
            }
            i += 1;
        }
        if !address_found {
            self.err.push_str("need at least a destination address\n");
            return Ok(-1);
        }
        if let Some(d) = &idev {
            let idx = self.ll_name_to_index(d);
            if idx == 0 {
                return Ok(nodev(&mut self.err, d));
            }
            req.addattr32(RTA_IIF, idx);
        }
        if let Some(d) = &odev {
            let idx = self.ll_name_to_index(d);
            if idx == 0 {
                return Ok(nodev(&mut self.err, d));
            }
            req.addattr32(RTA_OIF, idx);
        }
        if mark != 0 {
            req.addattr32(RTA_MARK, mark);
        }
        if r.family == AF_UNSPEC {
            r.family = AF_INET;
        }
        if r.family == AF_INET {
            r.flags |= RTM_F_LOOKUP_TABLE;
        }
        if fib_match {
            r.flags |= RTM_F_FIB_MATCH;
        }
        if connected && !from_ok {
            return Err(unmodelled(&mut self.err, "\"ip route get connected\""));
        }
        req.hdr_mut().copy_from_slice(&r.to_bytes());
        self.err.push_str(&req.complaints);
        let mut bytes = req.bytes();
        let answer = match self.rth.talk(&mut bytes, true, true, &mut self.err) {
            Ok(Some(a)) => a,
            Ok(None) => return Ok(-2),
            Err(Flow::Exit(x)) => return Err(x),
            Err(Flow::Fail(_)) => return Ok(-2),
        };
        self.out.new_json_obj(self.opts.json);
        if self.print_route(&NlMsgHdr::new_unchecked(&answer[..])) < 0 {
            self.err.push_str("An error :-)\n");
            return Ok(-1);
        }
        self.out.delete_json_obj();
        Ok(0)
    }
}
