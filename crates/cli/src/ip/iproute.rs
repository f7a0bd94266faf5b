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
use super::ipaddress::parse_rtattr;
use super::libnetlink::{perror, Flow, FlushBatches, NlReq};
use super::utils::{
    af_bit_len, get_addr, get_prefix, get_unsigned, matches, rtnl_rtntype_a2n, rtnl_rtprot_a2n, rtnl_rtscope_a2n,
    rtnl_rttable_a2n, InetPrefix,
};
use super::Ip;

/// `sizeof(struct { nlmsghdr; rtmsg; char buf[4096]; })`.
const ROUTE_REQ_MAX: usize = 16 + 12 + 4096;
/// `rtnl_routedump_req`'s request (`char buf[128]`).
const ROUTEDUMP_REQ_MAX: usize = 16 + 12 + 128;
/// `iproute_get`'s request (`char buf[1024]`).
const GET_REQ_MAX: usize = 16 + 12 + 1024;

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
pub(super) fn rtm_get_table(r: &RtMsg<&[u8]>, tb: &[Option<Nla<&[u8]>>]) -> u32 {
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
            let mut flush = FlushBatches::default();
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
                flush.push(&mut self.rth, m, RTM_DELROUTE);
            }
            if flush.count == 0 {
                return Ok(0);
            }
            for b in flush.batches() {
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
