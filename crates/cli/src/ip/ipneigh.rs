//! `ip neigh add|change|replace|del|get|show|flush`: iproute2's
//! ip/ipneigh.c (`ipneigh_modify`, `print_neigh`, `do_show_or_flush`,
//! `ipneigh_get`).
//!
//! `show` hides NOARP entries unless `nud` asks for them (`filter.state =
//! 0xFF & ~NUD_NOARP`); `flush` leaves PERMANENT and NOARP ones alone unless
//! asked. Both first fill the link cache with a whole link dump
//! (`ll_init_map`), as iproute2 does.

use nlwire::hdr::{NdMsg, NdMsgRepr};
use nlwire::uapi::neighbour::*;
use nlwire::uapi::netlink::*;
use nlwire::uapi::rtnetlink::*;
use nlwire::uapi::socket::{AF_BRIDGE, AF_INET, AF_INET6, AF_UNSPEC};
use nlwire::NlMsgHdr;

use super::error::{duparg, duparg2, incomplete_command, invarg, nodev, unmodelled, CmdResult, Exit};
use super::ipaddress::parse_rtattr;
use super::json_print::Kind::{Any, Fp, Json};
use super::libnetlink::{perror, Flow, FlushBatches, NlReq};
use super::utils::{
    format_host, get_addr, get_prefix_1, get_unsigned, inet_addr_match_rta, ll_addr_a2n, ll_addr_n2a, matches,
    rtnl_rtprot_a2n, rtnl_rtprot_n2a, InetPrefix,
};
use super::Ip;

/// `sizeof(struct { nlmsghdr; ndmsg; char buf[256]; })`.
const NEIGH_REQ_MAX: usize = 16 + 12 + 256;
/// `rtnl_neighdump_req`'s request (`char buf[256]`).
const NEIGHDUMP_REQ_MAX: usize = 16 + 12 + 256;
/// `ipneigh_get`'s request (`char buf[1024]`).
const GET_REQ_MAX: usize = 16 + 12 + 1024;
/// `MAX_ROUNDS`.
const MAX_ROUNDS: i32 = 10;

/// The static `filter` of ip/ipneigh.c.
#[derive(Debug, Clone, Default)]
pub struct NeighFilter {
    pub family: u8,
    pub index: i32,
    pub state: u32,
    pub unused_only: bool,
    pub pfx: InetPrefix,
    pub flushing: bool,
    pub master: i32,
    pub protocol: u32,
    pub ndm_flags: u8,
}

/// `nud_state_a2n`.
fn nud_state_a2n(arg: &str) -> Option<u16> {
    Some(match arg {
        a if matches(a, "permanent") => NUD_PERMANENT,
        a if matches(a, "reachable") => NUD_REACHABLE,
        "noarp" => NUD_NOARP,
        "none" => NUD_NONE,
        "stale" => NUD_STALE,
        "incomplete" => NUD_INCOMPLETE,
        "delay" => NUD_DELAY,
        "probe" => NUD_PROBE,
        a if matches(a, "failed") => NUD_FAILED,
        a => {
            let s = get_unsigned(a)?;
            if s >= 0x100 || s & s.wrapping_sub(1) != 0 {
                return None;
            }
            s as u16
        }
    })
}

impl Ip<'_> {
    /// `do_ipneigh`.
    pub fn do_ipneigh(&mut self, args: &[String]) -> CmdResult {
        let Some(w) = args.first().map(String::as_str) else {
            return self.ipneigh_show_or_flush(&[], false);
        };
        let rest = &args[1..];
        if matches(w, "add") {
            self.ipneigh_modify(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, rest)
        } else if matches(w, "change") || w == "chg" {
            self.ipneigh_modify(RTM_NEWNEIGH, NLM_F_REPLACE, rest)
        } else if matches(w, "replace") {
            self.ipneigh_modify(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, rest)
        } else if matches(w, "delete") {
            self.ipneigh_modify(RTM_DELNEIGH, 0, rest)
        } else if matches(w, "get") {
            self.ipneigh_get(rest)
        } else if matches(w, "show") || matches(w, "lst") || matches(w, "list") {
            self.ipneigh_show_or_flush(rest, false)
        } else if matches(w, "flush") {
            self.ipneigh_show_or_flush(rest, true)
        } else if matches(w, "help") {
            self.err.push_str("Usage: ip neigh { add | del | change | replace }\n");
            Err(Exit::USAGE)
        } else {
            self.err.push_str(&format!("Command \"{w}\" is unknown, try \"ip neigh help\".\n"));
            Err(Exit::USAGE)
        }
    }

    /// `ll_init_map`: a whole link dump into the cache, once per invocation.
    pub(super) fn ll_init_map(&mut self) -> Result<(), Exit> {
        if self.ll_map_initialized {
            return Ok(());
        }
        // rtnl_linkdump_req(rth, AF_UNSPEC): ifinfomsg and IFLA_EXT_MASK(RTEXT_FILTER_VF).
        let hdr = nlwire::hdr::IfInfoMsgRepr::default();
        let mut req = NlReq::new(RTM_GETLINK, NLM_F_DUMP | NLM_F_REQUEST, &hdr.to_bytes(), 40);
        req.addattr32(nlwire::uapi::if_link::IFLA_EXT_MASK, RTEXT_FILTER_VF);
        let mut bytes = req.bytes();
        if let Err(e) = self.rth.dump_request(&mut bytes) {
            perror(&mut self.err, "Cannot send dump request", e);
            return Err(Exit(1));
        }
        let ll = &mut self.ll;
        match self.rth.dump_filter(&mut self.err, &mut |n| {
            ll.remember(n);
            0
        }) {
            Ok(()) => {}
            Err(Flow::Exit(x)) => return Err(x),
            Err(Flow::Fail(_)) => {
                self.err.push_str("Dump terminated\n");
                return Err(Exit(1));
            }
        }
        self.ll_map_initialized = true;
        Ok(())
    }

    /// `ipneigh_modify`.
    fn ipneigh_modify(&mut self, cmd: u16, flags: u16, args: &[String]) -> CmdResult {
        let mut ndm = NdMsgRepr { family: self.opts.family, state: NUD_PERMANENT, ..Default::default() };
        let mut req = NlReq::new(cmd, NLM_F_REQUEST | flags, &ndm.to_bytes(), NEIGH_REQ_MAX);
        let mut ext_flags = 0u32;
        let mut dev: Option<String> = None;
        let (mut dst_ok, mut dev_ok) = (false, false);
        let mut lla: Option<String> = None;
        let mut dst = InetPrefix::default();
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
            if matches(w, "lladdr") {
                let a = next_arg!();
                if lla.is_some() {
                    return Err(duparg(&mut self.err, "lladdr", &a));
                }
                lla = Some(a);
            } else if w == "nud" {
                let a = next_arg!();
                match nud_state_a2n(&a) {
                    Some(s) => ndm.state = s,
                    None => return Err(invarg(&mut self.err, "nud state is bad", &a)),
                }
            } else if matches(w, "proxy") {
                let a = next_arg!();
                if matches(&a, "help") {
                    self.err.push_str("Usage: ip neigh { add | del | change | replace }\n");
                    return Err(Exit::USAGE);
                }
                if dst_ok {
                    return Err(duparg(&mut self.err, "address", &a));
                }
                dst = get_addr(&mut self.err, &a, self.opts.family)?;
                dst_ok = true;
                dev_ok = true;
                ndm.flags |= NTF_PROXY;
            } else if w == "router" {
                ndm.flags |= NTF_ROUTER;
            } else if w == "use" {
                ndm.flags |= NTF_USE;
            } else if w == "managed" {
                ext_flags |= NTF_EXT_MANAGED;
                ndm.state = NUD_NONE;
            } else if matches(w, "extern_learn") {
                ndm.flags |= NTF_EXT_LEARNED;
            } else if w == "dev" {
                dev = Some(next_arg!());
                dev_ok = true;
            } else if matches(w, "protocol") {
                let a = next_arg!();
                match rtnl_rtprot_a2n(&a) {
                    Some(p) => {
                        if !req.addattr8(NDA_PROTOCOL, p as u8) {
                            self.err.push_str(&req.complaints);
                            return Ok(-1);
                        }
                    }
                    None => return Err(invarg(&mut self.err, "\"protocol\" value is invalid\n", &a)),
                }
            } else {
                let mut a = if w == "to" { next_arg!() } else { w.to_string() };
                if matches(&a, "help") {
                    a = next_arg!();
                }
                if dst_ok {
                    return Err(duparg2(&mut self.err, "to", &a));
                }
                dst = get_addr(&mut self.err, &a, self.opts.family)?;
                dst_ok = true;
            }
            i += 1;
        }
        if !dev_ok || !dst_ok || dst.family == AF_UNSPEC {
            self.err.push_str("Device and destination are required arguments.\n");
            return Err(Exit::USAGE);
        }
        ndm.family = dst.family;
        if !req.addattr_l(NDA_DST, dst.bytes()) {
            self.err.push_str(&req.complaints);
            return Ok(-1);
        }
        if ext_flags != 0 && !req.addattr_l(NDA_FLAGS_EXT, &ext_flags.to_ne_bytes()) {
            self.err.push_str(&req.complaints);
            return Ok(-1);
        }
        if let Some(l) = lla.as_deref().filter(|l| *l != "null") {
            match ll_addr_a2n(l, 20) {
                Ok(b) => {
                    if !req.addattr_l(NDA_LLADDR, &b) {
                        self.err.push_str(&req.complaints);
                        return Ok(-1);
                    }
                }
                Err(m) => {
                    self.err.push_str(&m);
                    self.err.push('\n');
                    return Ok(-1);
                }
            }
        }
        self.ll_init_map()?;
        if let Some(d) = &dev {
            ndm.ifindex = self.ll_name_to_index(d) as i32;
            if ndm.ifindex == 0 {
                return Ok(nodev(&mut self.err, d));
            }
        }
        req.hdr_mut().copy_from_slice(&ndm.to_bytes());
        let mut bytes = req.bytes();
        match self.rth.talk(&mut bytes, false, true, &mut self.err) {
            Ok(_) => Ok(0),
            Err(Flow::Exit(x)) => Err(x),
            Err(Flow::Fail(_)) => Err(Exit(2)),
        }
    }

    /// `print_neigh_state`.
    fn print_neigh_state(&mut self, mut nud: u16) {
        let key = if self.out.is_json() { "state" } else { "" };
        self.out.open_json_array(Json, Some(key));
        for (bit, name) in [
            (NUD_INCOMPLETE, "INCOMPLETE"),
            (NUD_REACHABLE, "REACHABLE"),
            (NUD_STALE, "STALE"),
            (NUD_DELAY, "DELAY"),
            (NUD_PROBE, "PROBE"),
            (NUD_FAILED, "FAILED"),
            (NUD_NOARP, "NOARP"),
            (NUD_PERMANENT, "PERMANENT"),
        ] {
            if nud & bit != 0 {
                nud &= !bit;
                self.out.print_string(Any, None, &format!("{name} "), Some(name));
            }
        }
        self.out.close_json_array(Json, None);
    }

    /// The filter of `print_neigh`: whether this entry is shown (or flushed).
    fn neigh_passes(&mut self, n: &NlMsgHdr<&[u8]>) -> bool {
        let Ok(r) = NdMsg::new_checked(n.payload()) else { return false };
        let f = &self.nfilter;
        if f.flushing && n.nlmsg_type() != RTM_NEWNEIGH {
            return false;
        }
        if f.family != 0 && f.family != r.ndm_family() {
            return false;
        }
        if f.index != 0 && f.index != r.ndm_ifindex() {
            return false;
        }
        let state = r.ndm_state() as u32;
        if f.state & state == 0
            && r.ndm_flags() & NTF_PROXY == 0
            && r.ndm_flags() & NTF_EXT_LEARNED == 0
            && (state != 0 || f.state & 0x100 == 0)
        {
            return false;
        }
        let tb = parse_rtattr(&n.payload()[12..], NDA_MAX, false);
        if !inet_addr_match_rta(&f.pfx, tb[NDA_DST as usize].map(|a| a.payload_ref())) {
            return false;
        }
        let protocol = tb[NDA_PROTOCOL as usize].map(|p| p.get_u8()).unwrap_or(0);
        if f.protocol != 0 && f.protocol != protocol as u32 {
            return false;
        }
        if f.unused_only {
            if let Some(ci) = tb[NDA_CACHEINFO as usize] {
                let p = ci.payload_ref();
                if p.len() >= 16 && u32::from_ne_bytes([p[12], p[13], p[14], p[15]]) != 0 {
                    return false;
                }
            }
        }
        true
    }

    /// `print_neigh`: one RTM_NEWNEIGH, RTM_DELNEIGH or RTM_GETNEIGH (a
    /// `miss`) as `ip neigh` (and `ip monitor`) prints it.
    pub fn print_neigh(&mut self, n: &NlMsgHdr<&[u8]>) -> i32 {
        let ty = n.nlmsg_type();
        if ty != RTM_NEWNEIGH && ty != RTM_DELNEIGH && ty != RTM_GETNEIGH {
            self.err.push_str(&format!("Not RTM_NEWNEIGH: {:08x} {:08x} {:08x}\n", n.nlmsg_len(), ty, n.nlmsg_flags()));
            return 0;
        }
        let Ok(r) = NdMsg::new_checked(n.payload()) else {
            self.err.push_str(&format!("BUG: wrong nlmsg len {}\n", n.payload().len() as i64 - 12));
            return -1;
        };
        if !self.neigh_passes(n) {
            return 0;
        }
        let tb = parse_rtattr(&n.payload()[12..], NDA_MAX, false);
        let protocol = tb[NDA_PROTOCOL as usize].map(|p| p.get_u8()).unwrap_or(0);
        let ext_flags = tb[NDA_FLAGS_EXT as usize].map(|p| p.get_u32()).unwrap_or(0);
        self.out.open_json_object(None);
        if ty == RTM_DELNEIGH {
            self.out.print_bool(Any, Some("deleted"), "Deleted ", true);
        } else if ty == RTM_GETNEIGH {
            self.out.print_null(Any, Some("miss"), "miss ");
        }
        if let Some(d) = tb[NDA_DST as usize] {
            let mut family = r.ndm_family();
            if family == AF_BRIDGE {
                family = if d.payload_ref().len() == 16 { AF_INET6 } else { AF_INET };
            }
            let s = format_host(family, d.payload_ref());
            self.out.print_string(Any, Some("dst"), &format!("{s} "), Some(&s));
        }
        if self.nfilter.index == 0 && r.ndm_ifindex() != 0 {
            if !self.out.is_json() {
                self.out.fp("dev ");
            }
            let name = self.ll_index_to_name(r.ndm_ifindex() as u32);
            self.out.print_string(Any, Some("dev"), &format!("{name} "), Some(&name));
        }
        if let Some(l) = tb[NDA_LLADDR as usize] {
            let ty = self.ll.by_index(r.ndm_ifindex() as u32).map(|e| e.ty).unwrap_or(u16::MAX);
            let s = ll_addr_n2a(l.payload_ref(), ty);
            if !self.out.is_json() {
                self.out.fp("lladdr ");
            }
            self.out.print_string(Any, Some("lladdr"), &format!("{s} "), Some(&s));
        }
        let fl = r.ndm_flags();
        for (set, name) in [
            (fl & NTF_ROUTER != 0, "router"),
            (fl & NTF_PROXY != 0, "proxy"),
            (ext_flags & NTF_EXT_MANAGED != 0, "managed"),
            (fl & NTF_EXT_LEARNED != 0, "extern_learn"),
            (fl & NTF_OFFLOADED != 0, "offload"),
        ] {
            if set {
                self.out.print_null(Any, Some(name), &format!("{name} "));
            }
        }
        if r.ndm_state() != 0 {
            self.print_neigh_state(r.ndm_state());
        }
        if protocol != 0 {
            let p = rtnl_rtprot_n2a(protocol as u32, self.opts.numeric);
            self.out.print_string(Any, Some("protocol"), &format!("proto {p} "), Some(&p));
        }
        self.out.print_string(Fp, None, "\n", Some(""));
        self.out.close_json_object();
        0
    }

    /// `rtnl_neighdump_req(&rth, family, ipneigh_dump_filter)` and the dump, stored.
    fn ipneigh_dump(&mut self) -> Result<Vec<Vec<u8>>, Flow> {
        let f = &self.nfilter;
        let hdr = NdMsgRepr { family: f.family, flags: f.ndm_flags, ..Default::default() };
        let mut req = NlReq::new(RTM_GETNEIGH, NLM_F_DUMP | NLM_F_REQUEST, &hdr.to_bytes(), NEIGHDUMP_REQ_MAX);
        if f.index != 0 {
            req.addattr32(NDA_IFINDEX, f.index as u32);
        }
        if f.master != 0 {
            req.addattr32(NDA_MASTER, f.master as u32);
        }
        let mut bytes = req.sized();
        if let Err(e) = self.rth.dump_request(&mut bytes) {
            perror(&mut self.err, "Cannot send dump request", e);
            return Err(Flow::Exit(Exit(1)));
        }
        let mut out = Vec::new();
        self.rth.dump_filter(&mut self.err, &mut |n| {
            out.push(n.message().to_vec());
            0
        })?;
        Ok(out)
    }

    /// `do_show_or_flush`.
    fn ipneigh_show_or_flush(&mut self, args: &[String], flush: bool) -> CmdResult {
        self.nfilter = NeighFilter { state: !0, family: self.opts.family, ..Default::default() };
        let mut filter_dev: Option<String> = None;
        let mut state_given = false;
        if flush {
            if args.is_empty() {
                self.err.push_str("Flush requires arguments.\n");
                return Ok(-1);
            }
            self.nfilter.state = !((NUD_PERMANENT | NUD_NOARP) as u32);
        } else {
            self.nfilter.state = 0xff & !(NUD_NOARP as u32);
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
            if w == "dev" {
                let a = next_arg!();
                if filter_dev.is_some() {
                    return Err(duparg(&mut self.err, "dev", &a));
                }
                filter_dev = Some(a);
            } else if w == "master" {
                let a = next_arg!();
                let idx = self.ll_name_to_index(&a);
                if idx == 0 {
                    return Err(invarg(&mut self.err, "Device does not exist\n", &a));
                }
                self.nfilter.master = idx as i32;
            } else if w == "nomaster" {
                self.nfilter.master = -1;
            } else if w == "vrf" {
                return Err(unmodelled(&mut self.err, "\"ip neigh show vrf\""));
            } else if w == "unused" {
                self.nfilter.unused_only = true;
            } else if w == "nud" {
                let a = next_arg!();
                if !state_given {
                    state_given = true;
                    self.nfilter.state = 0;
                }
                let mut state = match nud_state_a2n(&a) {
                    Some(s) => s as u32,
                    None if a == "all" => {
                        if flush {
                            !(NUD_NOARP as u32)
                        } else {
                            !0
                        }
                    }
                    None => return Err(invarg(&mut self.err, "nud state is bad", &a)),
                };
                if state == 0 {
                    state = 0x100;
                }
                self.nfilter.state |= state;
            } else if w == "proxy" {
                self.nfilter.ndm_flags = NTF_PROXY;
            } else if matches(w, "protocol") {
                let a = next_arg!();
                self.nfilter.protocol = match rtnl_rtprot_a2n(&a) {
                    Some(p) => p,
                    None if a == "all" => 0,
                    None => return Err(invarg(&mut self.err, "invalid \"protocol\"\n", &a)),
                };
            } else {
                let a = if w == "to" { next_arg!() } else { w.to_string() };
                if matches(&a, "help") {
                    self.err.push_str("Usage: ip neigh { add | del | change | replace }\n");
                    return Err(Exit::USAGE);
                }
                // get_prefix exits with its own message before invarg is reached.
                self.nfilter.pfx = match get_prefix_1(&a, self.nfilter.family) {
                    Some(p) => p,
                    None => {
                        super::utils::get_prefix(&mut self.err, &a, self.nfilter.family)?;
                        return Err(invarg(&mut self.err, "to value is invalid\n", &a));
                    }
                };
                if self.nfilter.family == AF_UNSPEC {
                    self.nfilter.family = self.nfilter.pfx.family;
                }
            }
            i += 1;
        }
        self.ll_init_map()?;
        if let Some(d) = &filter_dev {
            self.nfilter.index = self.ll_name_to_index(d) as i32;
            if self.nfilter.index == 0 {
                return Ok(nodev(&mut self.err, d));
            }
        }
        if flush {
            self.nfilter.flushing = true;
            for _ in 0..MAX_ROUNDS {
                let entries = match self.ipneigh_dump() {
                    Ok(e) => e,
                    Err(Flow::Exit(x)) => return Err(x),
                    Err(Flow::Fail(_)) => {
                        self.err.push_str("Flush terminated\n");
                        return Err(Exit(1));
                    }
                };
                let mut flush = FlushBatches::default();
                for m in &entries {
                    let n = NlMsgHdr::new_unchecked(&m[..]);
                    if !self.neigh_passes(&n) {
                        continue;
                    }
                    flush.push(&mut self.rth, m, RTM_DELNEIGH);
                }
                if flush.count == 0 {
                    return Ok(0);
                }
                for b in flush.batches() {
                    if let Err(e) = self.rth.send_check(b) {
                        perror(&mut self.err, "Failed to send flush request", e);
                        return Err(Exit(1));
                    }
                }
                self.nfilter.state &= !(NUD_FAILED as u32);
            }
            self.out.fp(&format!("*** Flush not complete bailing out after {MAX_ROUNDS} rounds\n"));
            return Ok(1);
        }
        let entries = match self.ipneigh_dump() {
            Ok(e) => e,
            Err(Flow::Exit(x)) => return Err(x),
            Err(Flow::Fail(_)) => {
                self.err.push_str("Dump terminated\n");
                return Err(Exit(1));
            }
        };
        self.out.new_json_obj(self.opts.json);
        for m in &entries {
            self.print_neigh(&NlMsgHdr::new_unchecked(&m[..]));
        }
        self.out.delete_json_obj();
        Ok(0)
    }

    /// `ipneigh_get`.
    fn ipneigh_get(&mut self, args: &[String]) -> CmdResult {
        let mut ndm = NdMsgRepr { family: self.opts.family, ..Default::default() };
        let mut req = NlReq::new(RTM_GETNEIGH, NLM_F_REQUEST, &ndm.to_bytes(), GET_REQ_MAX);
        let mut d: Option<String> = None;
        let (mut dst_ok, mut dev_ok) = (false, false);
        let mut dst = InetPrefix::default();
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
            if w == "dev" {
                d = Some(next_arg!());
                dev_ok = true;
            } else if matches(w, "proxy") {
                let a = next_arg!();
                if dst_ok {
                    return Err(duparg(&mut self.err, "address", &a));
                }
                dst = get_addr(&mut self.err, &a, self.opts.family)?;
                dst_ok = true;
                dev_ok = true;
                ndm.flags |= NTF_PROXY;
            } else {
                let a = if w == "to" { next_arg!() } else { w.to_string() };
                if matches(&a, "help") {
                    self.err.push_str("Usage: ip neigh get ADDR dev DEV\n");
                    return Err(Exit::USAGE);
                }
                if dst_ok {
                    return Err(duparg2(&mut self.err, "to", &a));
                }
                dst = get_addr(&mut self.err, &a, self.opts.family)?;
                dst_ok = true;
            }
            i += 1;
        }
        if !dev_ok || !dst_ok || dst.family == AF_UNSPEC {
            self.err.push_str("Device and address are required arguments.\n");
            return Ok(-1);
        }
        ndm.family = dst.family;
        req.addattr_l(NDA_DST, dst.bytes());
        if let Some(d) = &d {
            ndm.ifindex = self.ll_name_to_index(d) as i32;
            if ndm.ifindex == 0 {
                self.err.push_str(&format!("Cannot find device \"{d}\"\n"));
                return Ok(-1);
            }
        }
        req.hdr_mut().copy_from_slice(&ndm.to_bytes());
        let mut bytes = req.bytes();
        let answer = match self.rth.talk(&mut bytes, true, true, &mut self.err) {
            Ok(Some(a)) => a,
            Ok(None) => return Ok(-2),
            Err(Flow::Exit(x)) => return Err(x),
            Err(Flow::Fail(_)) => return Ok(-2),
        };
        self.nfilter = NeighFilter { state: !0, ..Default::default() };
        if self.print_neigh(&NlMsgHdr::new_unchecked(&answer[..])) < 0 {
            self.err.push_str("An error :-)\n");
            return Ok(-1);
        }
        Ok(0)
    }
}
