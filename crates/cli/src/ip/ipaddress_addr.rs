//! `ip address add|change|replace|del`, and how an address prints: the
//! address half of iproute2's ip/ipaddress.c (`ipaddr_modify`,
//! `print_addrinfo`, `print_ifa_flags`, `print_selected_addrinfo`).
//! `show` and `flush` are in [`super::ipaddress_list`].

use nlwire::hdr::{IfAddrMsg, IfAddrMsgRepr};
use nlwire::uapi::if_::IFF_UP;
use nlwire::uapi::if_addr::*;
use nlwire::uapi::netlink::{NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST};
use nlwire::uapi::rtnetlink::*;
use nlwire::uapi::socket::{AF_INET, AF_INET6, AF_UNSPEC};
use nlwire::NlMsgHdr;

use super::error::{duparg, duparg2, incomplete_command, invarg, nodev, unmodelled, CmdResult, Exit};
use super::ipaddress::{attr_str, parse_rtattr};
use super::json_print::Kind::{Any, Fp, Json};
use super::libnetlink::{Flow, NlReq};
use super::utils::{
    family_name, fnmatch, format_host, get_addr, get_prefix, get_unsigned, inet_addr_match_rta, matches,
    rtnl_rtscope_a2n, rtnl_rtscope_n2a, InetPrefix, PREFIXLEN_SPECIFIED,
};
use super::Ip;

/// `INFINITY_LIFE_TIME`.
pub const INFINITY_LIFE_TIME: u32 = 0xffff_ffff;

/// `ifa_flag_data`: name, mask, read-only, IPv6 only.
const IFA_FLAG_DATA: [(&str, u32, bool, bool); 13] = [
    ("secondary", IFA_F_SECONDARY, true, false),
    ("temporary", IFA_F_SECONDARY, true, false),
    ("nodad", IFA_F_NODAD, false, true),
    ("optimistic", IFA_F_OPTIMISTIC, false, true),
    ("dadfailed", IFA_F_DADFAILED, true, true),
    ("home", IFA_F_HOMEADDRESS, false, true),
    ("deprecated", IFA_F_DEPRECATED, true, true),
    ("tentative", IFA_F_TENTATIVE, true, true),
    ("permanent", IFA_F_PERMANENT, true, true),
    ("mngtmpaddr", IFA_F_MANAGETEMPADDR, false, true),
    ("noprefixroute", IFA_F_NOPREFIXROUTE, false, false),
    ("autojoin", IFA_F_MCAUTOJOIN, false, false),
    ("stable-privacy", IFA_F_STABLE_PRIVACY, true, true),
];

/// `lookup_flag_data_by_name`.
fn lookup_flag_data_by_name(name: &str) -> Option<(&'static str, u32, bool, bool)> {
    IFA_FLAG_DATA.iter().find(|f| f.0 == name).copied()
}

/// `sizeof(struct { nlmsghdr; ifaddrmsg; char buf[256]; })`.
const ADDR_REQ_MAX: usize = 16 + 8 + 256;

/// `get_ifa_flags`: IFA_FLAGS if present, else the header's 8 bits.
pub(super) fn get_ifa_flags(ifa: &IfAddrMsg<&[u8]>, tb: &[Option<nlwire::Nla<&[u8]>>]) -> u32 {
    match tb[IFA_FLAGS as usize] {
        Some(a) => a.get_u32(),
        None => ifa.ifa_flags() as u32,
    }
}

impl Ip<'_> {
    /// `do_ipaddr`.
    pub fn do_ipaddr(&mut self, args: &[String]) -> CmdResult {
        let Some(w) = args.first().map(String::as_str) else {
            return self.ipaddr_list_flush_or_save(&[], false);
        };
        let rest = &args[1..];
        if matches(w, "add") {
            self.ipaddr_modify(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, rest)
        } else if matches(w, "change") || w == "chg" {
            self.ipaddr_modify(RTM_NEWADDR, NLM_F_REPLACE, rest)
        } else if matches(w, "replace") {
            self.ipaddr_modify(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, rest)
        } else if matches(w, "delete") {
            self.ipaddr_modify(RTM_DELADDR, 0, rest)
        } else if matches(w, "list") || matches(w, "show") || matches(w, "lst") {
            self.ipaddr_list_flush_or_save(rest, false)
        } else if matches(w, "flush") {
            self.ipaddr_list_flush_or_save(rest, true)
        } else if matches(w, "save") || matches(w, "showdump") || matches(w, "restore") {
            Err(unmodelled(&mut self.err, &format!("\"ip address {w}\"")))
        } else if matches(w, "help") {
            self.err.push_str("Usage: ip address {add|change|replace} IFADDR dev IFNAME [ LIFETIME ]\n");
            Err(Exit::USAGE)
        } else {
            self.err.push_str(&format!("Command \"{w}\" is unknown, try \"ip address help\".\n"));
            Err(Exit::USAGE)
        }
    }

    /// `ipaddr_modify`: one RTM_NEWADDR or RTM_DELADDR, built word by word.
    fn ipaddr_modify(&mut self, cmd: u16, flags: u16, args: &[String]) -> CmdResult {
        let mut ifa = IfAddrMsgRepr { family: self.opts.family, ..Default::default() };
        let mut req = NlReq::new(cmd, NLM_F_REQUEST | flags, &ifa.to_bytes(), ADDR_REQ_MAX);
        let mut d: Option<String> = None;
        let mut lcl_arg: Option<String> = None;
        let mut lcl = InetPrefix::default();
        let mut peer = InetPrefix::default();
        let (mut local_len, mut peer_len, mut brd_len, mut any_len) = (0i32, 0i32, 0i32, 0i32);
        let mut scoped = false;
        let (mut valid_lftp, mut preferred_lftp) = (false, false);
        let (mut valid_lft, mut preferred_lft) = (INFINITY_LIFE_TIME, INFINITY_LIFE_TIME);
        let mut ifa_flags = 0u32;
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
            if w == "peer" || w == "remote" {
                let a = next_arg!();
                if peer_len != 0 {
                    return Err(duparg(&mut self.err, "peer", &a));
                }
                peer = get_prefix(&mut self.err, &a, ifa.family)?;
                peer_len = peer.bytelen;
                if ifa.family == AF_UNSPEC {
                    ifa.family = peer.family;
                }
                req.addattr_l(IFA_ADDRESS, peer.bytes());
                ifa.prefixlen = peer.bitlen as u8;
            } else if matches(w, "broadcast") || w == "brd" {
                let a = next_arg!();
                if brd_len != 0 {
                    return Err(duparg(&mut self.err, "broadcast", &a));
                }
                if a == "+" {
                    brd_len = -1;
                } else if a == "-" {
                    brd_len = -2;
                } else {
                    let addr = get_addr(&mut self.err, &a, ifa.family)?;
                    if ifa.family == AF_UNSPEC {
                        ifa.family = addr.family;
                    }
                    req.addattr_l(IFA_BROADCAST, addr.bytes());
                    brd_len = addr.bytelen;
                }
            } else if w == "anycast" {
                let a = next_arg!();
                if any_len != 0 {
                    return Err(duparg(&mut self.err, "anycast", &a));
                }
                let addr = get_addr(&mut self.err, &a, ifa.family)?;
                if ifa.family == AF_UNSPEC {
                    ifa.family = addr.family;
                }
                req.addattr_l(IFA_ANYCAST, addr.bytes());
                any_len = addr.bytelen;
            } else if w == "scope" {
                let a = next_arg!();
                match rtnl_rtscope_a2n(&a) {
                    Some(s) => ifa.scope = s as u8,
                    None => return Err(invarg(&mut self.err, "invalid scope value.", &a)),
                }
                scoped = true;
            } else if w == "dev" {
                d = Some(next_arg!());
            } else if w == "label" {
                let a = next_arg!();
                let mut z = a.as_bytes().to_vec();
                z.push(0);
                req.addattr_l(IFA_LABEL, &z);
            } else if matches(w, "metric") || matches(w, "priority") || matches(w, "preference") {
                let a = next_arg!();
                match get_unsigned(&a) {
                    Some(m) => {
                        req.addattr32(IFA_RT_PRIORITY, m);
                    }
                    None => return Err(invarg(&mut self.err, "\"metric\" value is invalid\n", &a)),
                }
            } else if matches(w, "valid_lft") {
                if valid_lftp {
                    return Err(duparg(&mut self.err, "valid_lft", w));
                }
                let a = next_arg!();
                valid_lftp = true;
                match set_lifetime(&a) {
                    Some(v) => valid_lft = v,
                    None => return Err(invarg(&mut self.err, "valid_lft value", &a)),
                }
            } else if matches(w, "preferred_lft") {
                if preferred_lftp {
                    return Err(duparg(&mut self.err, "preferred_lft", w));
                }
                let a = next_arg!();
                preferred_lftp = true;
                match set_lifetime(&a) {
                    Some(v) => preferred_lft = v,
                    None => return Err(invarg(&mut self.err, "preferred_lft value", &a)),
                }
            } else if let Some((name, mask, readonly, v6only)) = lookup_flag_data_by_name(w) {
                if readonly {
                    self.err.push_str(&format!("Warning: {name} option is not mutable from userspace\n"));
                } else if v6only && ifa.family != AF_INET6 {
                    self.err.push_str(&format!("Warning: {name} option can be set only for IPv6 addresses\n"));
                } else {
                    ifa_flags |= mask;
                }
            } else {
                let a = if w == "local" { next_arg!() } else { w.to_string() };
                if matches(&a, "help") {
                    self.err.push_str("Usage: ip address {add|change|replace} IFADDR dev IFNAME [ LIFETIME ]\n");
                    return Err(Exit::USAGE);
                }
                if local_len != 0 {
                    return Err(duparg2(&mut self.err, "local", &a));
                }
                lcl = get_prefix(&mut self.err, &a, ifa.family)?;
                lcl_arg = Some(a);
                if ifa.family == AF_UNSPEC {
                    ifa.family = lcl.family;
                }
                req.addattr_l(IFA_LOCAL, lcl.bytes());
                local_len = lcl.bytelen;
            }
            i += 1;
        }
        if ifa_flags <= 0xff {
            ifa.flags = ifa_flags as u8;
        } else {
            req.addattr32(IFA_FLAGS, ifa_flags);
        }
        let Some(d) = d else {
            self.err.push_str("Not enough information: \"dev\" argument is required.\n");
            return Ok(-1);
        };
        if peer_len == 0 && local_len != 0 {
            if cmd == RTM_DELADDR && lcl.family == AF_INET && lcl.flags & PREFIXLEN_SPECIFIED == 0 {
                self.err.push_str(&format!(
                    "Warning: Executing wildcard deletion to stay compatible with old scripts.\n         Explicitly specify the prefix length ({}/{}) to avoid this warning.\n         This special behaviour is likely to disappear in further releases,\n         fix your scripts!\n",
                    lcl_arg.as_deref().unwrap_or(""),
                    local_len * 8
                ));
            } else {
                peer = lcl;
                req.addattr_l(IFA_ADDRESS, lcl.bytes());
            }
        }
        if ifa.prefixlen == 0 {
            ifa.prefixlen = lcl.bitlen as u8;
        }
        if brd_len < 0 && cmd != RTM_DELADDR {
            if ifa.family != AF_INET {
                self.err.push_str("Broadcast can be set only for IPv4 addresses\n");
                return Ok(-1);
            }
            let mut brd = peer;
            if brd.bitlen <= 30 {
                let mut v = u32::from_be_bytes([brd.data[0], brd.data[1], brd.data[2], brd.data[3]]);
                for i in (brd.bitlen.max(0)..=31).rev() {
                    if brd_len == -1 {
                        v |= 1 << (31 - i);
                    } else {
                        v &= !(1 << (31 - i));
                    }
                }
                brd.data[..4].copy_from_slice(&v.to_be_bytes());
                req.addattr_l(IFA_BROADCAST, brd.bytes());
            }
        }
        if !scoped && cmd != RTM_DELADDR {
            // default_scope
            ifa.scope = if lcl.family == AF_INET && lcl.bytelen >= 1 && lcl.data[0] == 127 { RT_SCOPE_HOST } else { 0 };
        }
        ifa.index = self.ll_name_to_index(&d);
        if ifa.index == 0 {
            return Ok(nodev(&mut self.err, &d));
        }
        if valid_lftp || preferred_lftp {
            if valid_lft == 0 {
                self.err.push_str("valid_lft is zero\n");
                return Ok(-1);
            }
            if valid_lft < preferred_lft {
                self.err.push_str("preferred_lft is greater than valid_lft\n");
                return Ok(-1);
            }
            let mut ci = [0u8; 16];
            ci[0..4].copy_from_slice(&preferred_lft.to_ne_bytes());
            ci[4..8].copy_from_slice(&valid_lft.to_ne_bytes());
            req.addattr_l(IFA_CACHEINFO, &ci);
        }
        if ifa_flags & IFA_F_MCAUTOJOIN != 0 && !lcl.is_inet_multi() {
            self.err.push_str("autojoin needs multicast address\n");
            return Ok(-1);
        }
        req.hdr_mut().copy_from_slice(&ifa.to_bytes());
        self.err.push_str(&req.complaints);
        let mut bytes = req.bytes();
        match self.rth.talk(&mut bytes, false, true, &mut self.err) {
            Ok(_) => Ok(0),
            Err(Flow::Exit(x)) => Err(x),
            Err(Flow::Fail(_)) => Ok(-2),
        }
    }

    /// `get_filter`: an address flag word as a filter (`-` inverts it).
    pub(super) fn get_filter(&mut self, arg: &str) -> bool {
        let (mut inv, mut a) = match arg.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, arg),
        };
        if a == "dynamic" {
            inv = !inv;
            a = "permanent";
        } else if a == "primary" {
            inv = !inv;
            a = "secondary";
        }
        let Some((_, mask, _, _)) = lookup_flag_data_by_name(a) else { return false };
        if inv {
            self.filter.flags &= !mask;
        } else {
            self.filter.flags |= mask;
        }
        self.filter.flagmask |= mask;
        true
    }

    /// `ifa_label_match_rta`: true when the label filter rejects it.
    pub(super) fn ifa_label_mismatch(&mut self, ifindex: u32, label: Option<String>) -> bool {
        let Some(pat) = self.filter.label.clone() else { return false };
        let l = match label {
            Some(l) => l,
            None => self.ll_index_to_name(ifindex),
        };
        !fnmatch(&pat, &l)
    }

    /// `print_ifa_flags`.
    fn print_ifa_flags(&mut self, family: u8, mut flags: u32) {
        for (name, mask, _, _) in IFA_FLAG_DATA {
            if mask == IFA_F_PERMANENT {
                if flags & mask == 0 {
                    self.out.print_bool(Any, Some("dynamic"), "dynamic ", true);
                }
            } else if flags & mask != 0 {
                if mask == IFA_F_SECONDARY && family == AF_INET6 {
                    self.out.print_bool(Any, Some("temporary"), "temporary ", true);
                } else {
                    self.out.print_string(Fp, None, &format!("{name} "), None);
                    self.out.print_bool(Json, Some(name), "", true);
                }
            }
            flags &= !mask;
        }
        if flags != 0 {
            let s = format!("{flags:02x}");
            if self.out.is_json() {
                self.out.print_string(Json, Some("ifa_flags"), "", Some(&s));
            } else {
                self.out.fp(&format!("flags {s} "));
            }
        }
    }

    /// `print_addrinfo`: one RTM_NEWADDR or RTM_DELADDR as `ip address`
    /// (and `ip monitor`) prints it; 0 when printed or filtered out.
    pub fn print_addrinfo(&mut self, n: &NlMsgHdr<&[u8]>) -> i32 {
        if n.nlmsg_type() != RTM_NEWADDR && n.nlmsg_type() != RTM_DELADDR {
            return 0;
        }
        let Ok(ifa) = IfAddrMsg::new_checked(n.payload()) else {
            self.err.push_str(&format!("BUG: wrong nlmsg len {}\n", n.payload().len() as i64 - 8));
            return -1;
        };
        let tb = parse_rtattr(&n.payload()[IfAddrMsg::<&[u8]>::LEN..], IFA_MAX, false);
        let flags = get_ifa_flags(&ifa, &tb);
        let local = tb[IFA_LOCAL as usize].or(tb[IFA_ADDRESS as usize]);
        let address = tb[IFA_ADDRESS as usize].or(tb[IFA_LOCAL as usize]);
        let f = self.filter.clone();
        let index = ifa.ifa_index();
        let family = ifa.ifa_family();
        if f.ifindex != 0 && f.ifindex as u32 != index {
            return 0;
        }
        if (f.scope ^ ifa.ifa_scope()) & f.scopemask != 0 {
            return 0;
        }
        if (f.flags ^ flags) & f.flagmask != 0 {
            return 0;
        }
        if f.family != 0 && f.family != family {
            return 0;
        }
        let label = tb[IFA_LABEL as usize].map(|a| attr_str(&a));
        if self.ifa_label_mismatch(index, label.clone()) {
            return 0;
        }
        if !inet_addr_match_rta(&f.pfx, local.map(|a| a.payload_ref())) {
            return 0;
        }
        if n.nlmsg_type() == RTM_DELADDR {
            self.out.print_bool(Any, Some("deleted"), "Deleted ", true);
        }
        if f.oneline || f.flushing {
            let dev = self.ll_index_to_name(index);
            if self.out.is_json() {
                self.out.print_int(Json, Some("index"), "", index as i64);
                self.out.print_string(Json, Some("dev"), "", Some(&dev));
            } else {
                self.out.fp(&format!("{index}: {dev}"));
            }
        }
        let name = family_name(family);
        if !name.starts_with('?') {
            self.out.print_string(Any, Some("family"), &format!("    {name} "), Some(name));
        } else {
            self.out.print_int(Any, Some("family_index"), &format!("    family {family} "), family as i64);
        }
        if let Some(l) = local {
            let s = format_host(family, l.payload_ref());
            self.out.print_string(Any, Some("local"), &s, Some(&s));
            let n = if family == AF_INET { 4 } else { 16 };
            if let Some(a) = address {
                let (x, y) = (a.payload_ref(), l.payload_ref());
                if x.get(..n) != y.get(..n) {
                    self.out.print_string(Fp, None, " peer ", None);
                    let s = format_host(family, x);
                    self.out.print_string(Any, Some("address"), &s, Some(&s));
                }
            }
            let p = ifa.ifa_prefixlen();
            self.out.print_int(Any, Some("prefixlen"), &format!("/{p} "), p as i64);
            if let Some(m) = tb[IFA_RT_PRIORITY as usize] {
                let m = m.get_u32();
                self.out.print_uint(Any, Some("metric"), &format!("metric {m} "), m as u64);
            }
        }
        if let Some(b) = tb[IFA_BROADCAST as usize] {
            self.out.print_string(Fp, None, "brd ", None);
            let s = format_host(family, b.payload_ref());
            self.out.print_string(Any, Some("broadcast"), &format!("{s} "), Some(&s));
        }
        if let Some(b) = tb[IFA_ANYCAST as usize] {
            self.out.print_string(Fp, None, "any ", None);
            let s = format_host(family, b.payload_ref());
            self.out.print_string(Any, Some("anycast"), &format!("{s} "), Some(&s));
        }
        let scope = rtnl_rtscope_n2a(ifa.ifa_scope() as u32, self.opts.numeric);
        self.out.print_string(Any, Some("scope"), &format!("scope {scope} "), Some(&scope));
        self.print_ifa_flags(family, flags);
        if let Some(l) = &label {
            self.out.print_string(Any, Some("label"), l, Some(l));
        }
        if let Some(ci) = tb[IFA_CACHEINFO as usize] {
            let p = ci.payload_ref();
            let word = |o: usize| p.get(o..o + 4).map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]])).unwrap_or(0);
            let (prefered, valid) = (word(0), word(4));
            self.out.print_nl();
            self.out.print_string(Fp, None, "       valid_lft ", None);
            if valid == INFINITY_LIFE_TIME {
                self.out.print_uint(Json, Some("valid_life_time"), "", INFINITY_LIFE_TIME as u64);
                self.out.print_string(Fp, None, "forever", None);
            } else {
                self.out.print_uint(Any, Some("valid_life_time"), &format!("{valid}sec"), valid as u64);
            }
            self.out.print_string(Fp, None, " preferred_lft ", None);
            if prefered == INFINITY_LIFE_TIME {
                self.out.print_uint(Json, Some("preferred_life_time"), "", INFINITY_LIFE_TIME as u64);
                self.out.print_string(Fp, None, "forever", None);
            } else if flags & IFA_F_DEPRECATED != 0 {
                let v = prefered as i32;
                self.out.print_int(Any, Some("preferred_life_time"), &format!("{v}sec"), v as i64);
            } else {
                self.out.print_uint(Any, Some("preferred_life_time"), &format!("{prefered}sec"), prefered as u64);
            }
        }
        self.out.print_string(Fp, None, "\n", None);
        0
    }

    /// `print_selected_addrinfo`: the addresses of one link.
    pub(super) fn print_selected_addrinfo(&mut self, ifi_index: i32, ifi_flags: u32, ainfo: &[Vec<u8>]) {
        self.out.open_json_array(Json, Some("addr_info"));
        for m in ainfo {
            let n = NlMsgHdr::new_unchecked(&m[..]);
            if n.nlmsg_type() != RTM_NEWADDR {
                continue;
            }
            let Ok(ifa) = IfAddrMsg::new_checked(n.payload()) else { break };
            if ifa.ifa_index() != ifi_index as u32
                || (self.filter.family != 0 && self.filter.family != ifa.ifa_family())
            {
                continue;
            }
            if self.filter.up && ifi_flags & IFF_UP == 0 {
                continue;
            }
            self.out.open_json_object(None);
            self.print_addrinfo(&n);
            self.out.close_json_object();
        }
        self.out.close_json_array(Json, None);
    }
}

/// `set_lifetime`: `forever` or a number.
fn set_lifetime(arg: &str) -> Option<u32> {
    if arg == "forever" {
        Some(INFINITY_LIFE_TIME)
    } else {
        get_unsigned(arg)
    }
}
