//! `ip address show|flush`: the listing half of iproute2's
//! ip/ipaddress.c (`ipaddr_list_flush_or_save`, `ipaddr_filter`,
//! `ip_link_list`, `ipaddr_link_get`, `ip_addr_list`, `ipaddr_flush`).
//!
//! `show` is a link dump (or one RTM_GETLINK for `dev X`) and an address
//! dump, joined here: links without a matching address are dropped by
//! `ipaddr_filter`, then each link is printed by `print_linkinfo` with its
//! addresses under it. `flush` dumps the addresses and sends each that
//! passes the filter back as an RTM_DELADDR, round after round until a dump
//! finds none.

use nlwire::hdr::{IfAddrMsg, IfAddrMsgRepr, IfInfoMsg};
use nlwire::uapi::if_addr::*;
use nlwire::uapi::if_link::IFLA_EXT_MASK;
use nlwire::uapi::netlink::{NLM_F_DUMP, NLM_F_REQUEST};
use nlwire::uapi::rtnetlink::*;
use nlwire::uapi::socket::{AF_PACKET, AF_UNSPEC};
use nlwire::{Errno, NlMsgHdr};

use super::error::{duparg2, incomplete_command, invarg, unmodelled, CmdResult, Exit};
use super::ipaddress::{attr_str, parse_rtattr, LinkFilter};
use super::ipaddress_addr::get_ifa_flags;
use super::libnetlink::{perror, Flow, FlushBatches, NlReq};
use super::utils::{inet_addr_match_rta, matches, rtnl_group_a2n, rtnl_rtscope_a2n};
use super::Ip;

/// `sizeof` of `rtnl_addrdump_req`'s request (`char buf[128]`).
const ADDRDUMP_REQ_MAX: usize = 16 + 8 + 128;

impl Ip<'_> {
    /// `ipaddr_filter`: drops the links none of whose addresses pass.
    fn ipaddr_filter(&mut self, linfo: &mut Vec<Vec<u8>>, ainfo: &[Vec<u8>]) {
        let mut keep = Vec::new();
        for l in linfo.drain(..) {
            let ln = NlMsgHdr::new_unchecked(&l[..]);
            let Ok(ifi) = IfInfoMsg::new_checked(ln.payload()) else { continue };
            let mut ok = false;
            let mut missing = true;
            for a in ainfo {
                let n = NlMsgHdr::new_unchecked(&a[..]);
                let Ok(ifa) = IfAddrMsg::new_checked(n.payload()) else { continue };
                if ifa.ifa_index() != ifi.ifi_index() as u32 {
                    continue;
                }
                missing = false;
                let f = &self.filter;
                if f.family != 0 && f.family != ifa.ifa_family() {
                    continue;
                }
                if (f.scope ^ ifa.ifa_scope()) & f.scopemask != 0 {
                    continue;
                }
                let tb = parse_rtattr(&n.payload()[8..], IFA_MAX, false);
                let flags = get_ifa_flags(&ifa, &tb);
                if (f.flags ^ flags) & f.flagmask != 0 {
                    continue;
                }
                let label = tb[IFA_LABEL as usize].map(|a| attr_str(&a));
                if self.ifa_label_mismatch(ifa.ifa_index(), label) {
                    continue;
                }
                let local = tb[IFA_LOCAL as usize].or(tb[IFA_ADDRESS as usize]);
                if !inet_addr_match_rta(&self.filter.pfx, local.map(|a| a.payload_ref())) {
                    continue;
                }
                ok = true;
                break;
            }
            if missing && (self.filter.family == AF_UNSPEC || self.filter.family == AF_PACKET) {
                ok = true;
            }
            if ok {
                keep.push(l);
            }
        }
        *linfo = keep;
    }

    /// `rtnl_addrdump_req(&rth, family, ipaddr_dump_filter)` and the dump,
    /// every message kept (`store_nlmsg`).
    fn ip_addr_dump(&mut self, family: u8) -> Result<Vec<Vec<u8>>, Flow> {
        let hdr = IfAddrMsgRepr { family, index: self.filter.ifindex as u32, ..Default::default() };
        let req = NlReq::new(RTM_GETADDR, NLM_F_DUMP | NLM_F_REQUEST, &hdr.to_bytes(), ADDRDUMP_REQ_MAX);
        let mut bytes = req.sized();
        if let Err(e) = self.rth.dump_request(&mut bytes) {
            perror(&mut self.err, "Cannot send dump request", e);
            return Err(Flow::Fail(-1));
        }
        let mut out = Vec::new();
        self.rth.dump_filter(&mut self.err, &mut |n| {
            out.push(n.message().to_vec());
            0
        })?;
        Ok(out)
    }

    /// `ipaddr_list_flush_or_save` for `show` (and `flush` when `flush`).
    pub(super) fn ipaddr_list_flush_or_save(&mut self, args: &[String], flush: bool) -> CmdResult {
        self.filter = LinkFilter {
            group: -1,
            showqueue: true,
            family: self.opts.family,
            oneline: self.opts.oneline,
            ..Default::default()
        };
        if flush {
            if args.is_empty() {
                self.err.push_str("Flush requires arguments.\n");
                return Ok(-1);
            }
            if self.filter.family == AF_PACKET {
                self.err.push_str("Cannot flush link addresses.\n");
                return Ok(-1);
            }
        }
        let mut filter_dev: Option<String> = None;
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
            if w == "to" {
                let a = next_arg!();
                self.filter.pfx = match super::utils::get_prefix_1(&a, self.filter.family) {
                    Some(p) => p,
                    None => return Err(invarg(&mut self.err, "invalid \"to\"\n", &a)),
                };
                if self.filter.family == AF_UNSPEC {
                    self.filter.family = self.filter.pfx.family;
                }
            } else if w == "scope" {
                let a = next_arg!();
                self.filter.scopemask = 0xff;
                let scope = match rtnl_rtscope_a2n(&a) {
                    Some(s) => s as u8,
                    None if a == "all" => {
                        self.filter.scopemask = 0;
                        RT_SCOPE_NOWHERE
                    }
                    None => return Err(invarg(&mut self.err, "invalid \"scope\"\n", &a)),
                };
                self.filter.scope = scope;
            } else if w == "up" {
                self.filter.up = true;
            } else if self.get_filter(w) {
            } else if w == "label" {
                self.filter.label = Some(next_arg!());
            } else if w == "group" {
                let a = next_arg!();
                match rtnl_group_a2n(&a) {
                    Some(g) => self.filter.group = g,
                    None => return Err(invarg(&mut self.err, "Invalid \"group\" value\n", &a)),
                }
            } else if w == "master" {
                let a = next_arg!();
                let ifindex = self.ll_name_to_index(&a);
                if ifindex == 0 {
                    return Err(invarg(&mut self.err, "Device does not exist\n", &a));
                }
                self.filter.master = ifindex as i32;
            } else if w == "type" {
                let a = next_arg!();
                match a.strip_suffix("_slave") {
                    Some(k) => self.filter.slave_kind = Some(k.to_string()),
                    None => self.filter.kind = Some(a),
                }
            } else if w == "vrf" || w == "nomaster" {
                return Err(unmodelled(&mut self.err, &format!("\"ip address show {w}\"")));
            } else {
                let a = if w == "dev" {
                    next_arg!()
                } else {
                    if matches(w, "help") {
                        self.err.push_str("Usage: ip address {add|change|replace} IFADDR dev IFNAME [ LIFETIME ]\n");
                        return Err(Exit::USAGE);
                    }
                    w.to_string()
                };
                if filter_dev.is_some() {
                    return Err(duparg2(&mut self.err, "dev", &a));
                }
                filter_dev = Some(a);
            }
            i += 1;
        }
        if let Some(dev) = &filter_dev {
            self.filter.ifindex = self.ll_name_to_index(dev) as i32;
            if self.filter.ifindex <= 0 {
                self.err.push_str(&format!("Device \"{dev}\" does not exist.\n"));
                return Ok(-1);
            }
        }
        if flush {
            return self.ipaddr_flush();
        }
        self.out.new_json_obj(self.opts.json);
        let r = self.ipaddr_list();
        self.out.delete_json_obj();
        r
    }

    /// The listing half of `ipaddr_list_flush_or_save`.
    fn ipaddr_list(&mut self) -> CmdResult {
        let mut linfo: Vec<Vec<u8>> = Vec::new();
        if self.filter.ifindex != 0 {
            // ipaddr_link_get
            let hdr = nlwire::hdr::IfInfoMsgRepr {
                family: self.filter.family,
                index: self.filter.ifindex,
                ..Default::default()
            };
            let mut req = NlReq::new(RTM_GETLINK, NLM_F_REQUEST, &hdr.to_bytes(), 16 + 16 + 1024);
            req.addattr32(IFLA_EXT_MASK, RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS);
            let mut bytes = req.bytes();
            match self.rth.talk(&mut bytes, true, true, &mut self.err) {
                Ok(Some(a)) => linfo.push(a),
                Ok(None) => return Ok(0),
                Err(Flow::Exit(x)) => return Err(x),
                Err(Flow::Fail(_)) => {
                    let e = self.errno();
                    perror(&mut self.err, "Cannot send link request", e);
                    return Ok(0);
                }
            }
        } else {
            match self.ip_link_list() {
                Ok(l) => linfo = l,
                Err(Flow::Exit(x)) => return Err(x),
                Err(Flow::Fail(_)) => return Ok(0),
            }
        }
        let mut ainfo = Vec::new();
        let mut no_link = false;
        if self.filter.family != AF_PACKET {
            no_link = self.filter.oneline;
            match self.ip_addr_dump(self.filter.family) {
                Ok(a) => ainfo = a,
                Err(Flow::Exit(x)) => return Err(x),
                Err(Flow::Fail(_)) => {
                    self.err.push_str("Dump terminated\n");
                    return Ok(0);
                }
            }
            self.ipaddr_filter(&mut linfo, &ainfo);
        }
        for l in &linfo {
            let n = NlMsgHdr::new_unchecked(&l[..]);
            let Ok(ifi) = IfInfoMsg::new_checked(n.payload()) else { continue };
            self.out.open_json_object(None);
            let mut res = 0;
            if !no_link {
                res = match self.print_linkinfo(&n) {
                    Ok(r) => r,
                    Err(Flow::Exit(x)) => return Err(x),
                    Err(Flow::Fail(_)) => -1,
                };
            }
            if res >= 0 && self.filter.family != AF_PACKET {
                self.print_selected_addrinfo(ifi.ifi_index(), ifi.ifi_flags(), &ainfo);
            }
            self.out.close_json_object();
        }
        Ok(0)
    }

    /// `ip_link_list(iplink_filter_req, &linfo)`: the link dump, stored.
    fn ip_link_list(&mut self) -> Result<Vec<Vec<u8>>, Flow> {
        let family = self.opts.family;
        let hdr = nlwire::hdr::IfInfoMsgRepr { family, ..Default::default() };
        let mut req = NlReq::new(RTM_GETLINK, NLM_F_DUMP | NLM_F_REQUEST, &hdr.to_bytes(), 16 + 16 + 1024);
        let mut bytes = if family == AF_UNSPEC || family == AF_PACKET {
            // rtnl_linkdump_req_filter_fn with iplink_filter_req
            req.addattr32(IFLA_EXT_MASK, RTEXT_FILTER_VF);
            if self.filter.master != 0 {
                req.addattr32(nlwire::uapi::if_link::IFLA_MASTER, self.filter.master as u32);
            }
            if let Some(kind) = self.filter.kind.clone() {
                let li = req.nest(nlwire::uapi::if_link::IFLA_LINKINFO);
                req.addattr_l(nlwire::uapi::if_link::IFLA_INFO_KIND, kind.as_bytes());
                req.nest_end(li);
            }
            req.bytes()
        } else {
            // __rtnl_linkdump_req: the header alone
            req.bytes()
        };
        if let Err(e) = self.rth.dump_request(&mut bytes) {
            perror(&mut self.err, "Cannot send dump request", e);
            return Err(Flow::Fail(-1));
        }
        let mut linfo = Vec::new();
        let ll = &mut self.ll;
        let r = self.rth.dump_filter(&mut self.err, &mut |n| {
            linfo.push(n.message().to_vec());
            ll.remember(n);
            0
        });
        match r {
            Ok(()) => Ok(linfo),
            Err(Flow::Fail(x)) => {
                self.err.push_str("Dump terminated\n");
                Err(Flow::Fail(x))
            }
            Err(x) => Err(x),
        }
    }

    /// `ipaddr_flush`: dump, send back every address that passes as an
    /// RTM_DELADDR (in `flushb`-sized batches, each by `rtnl_send_check`),
    /// and again until a dump finds nothing to delete.
    ///
    /// iproute2 sends a full batch from inside the dump's callback; here the
    /// batches go after the dump has been read, with the same bytes and the
    /// same sequence numbers.
    fn ipaddr_flush(&mut self) -> CmdResult {
        self.filter.flushing = true;
        let mut round = 0;
        loop {
            let ainfo = match self.ip_addr_dump(self.filter.family) {
                Ok(a) => a,
                Err(Flow::Exit(x)) => return Err(x),
                Err(Flow::Fail(_)) => {
                    self.err.push_str("Flush terminated\n");
                    return Err(Exit(1));
                }
            };
            let mut flush = FlushBatches::default();
            for m in &ainfo {
                let n = NlMsgHdr::new_unchecked(&m[..]);
                if n.nlmsg_type() != RTM_NEWADDR {
                    continue;
                }
                // print_addrinfo's filter; with show_stats < 2 nothing is printed.
                if !self.addr_passes_filter(&n) {
                    continue;
                }
                flush.push(&mut self.rth, m, RTM_DELADDR);
            }
            if flush.count == 0 {
                return Ok(0);
            }
            round += 1;
            for b in flush.batches() {
                // flush_update: EADDRNOTAVAIL (already gone with its primary) is not an error.
                if let Err(e) = self.rth.send_check(b) {
                    if e != Errno::EADDRNOTAVAIL {
                        perror(&mut self.err, "Failed to send flush request", e);
                        return Ok(-1);
                    }
                }
            }
            if self.filter.flags & IFA_F_SECONDARY == 0 && self.filter.flagmask & IFA_F_SECONDARY != 0 {
                return Ok(0);
            }
            if round >= 10 {
                // max_flush_loops
                self.err.push_str("*** Flush remains incomplete after 10 rounds. ***\n");
                return Ok(-1);
            }
        }
    }

    /// The filter of `print_addrinfo`, alone.
    fn addr_passes_filter(&mut self, n: &NlMsgHdr<&[u8]>) -> bool {
        let Ok(ifa) = IfAddrMsg::new_checked(n.payload()) else { return false };
        let tb = parse_rtattr(&n.payload()[8..], IFA_MAX, false);
        let flags = get_ifa_flags(&ifa, &tb);
        let local = tb[IFA_LOCAL as usize].or(tb[IFA_ADDRESS as usize]);
        let f = &self.filter;
        if f.ifindex != 0 && f.ifindex as u32 != ifa.ifa_index() {
            return false;
        }
        if (f.scope ^ ifa.ifa_scope()) & f.scopemask != 0 || (f.flags ^ flags) & f.flagmask != 0 {
            return false;
        }
        if f.family != 0 && f.family != ifa.ifa_family() {
            return false;
        }
        let label = tb[IFA_LABEL as usize].map(|a| attr_str(&a));
        if self.ifa_label_mismatch(ifa.ifa_index(), label) {
            return false;
        }
        inet_addr_match_rta(&self.filter.pfx, local.map(|a| a.payload_ref()))
    }
}
