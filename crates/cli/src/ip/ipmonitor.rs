//! `ip monitor [ all | OBJECTS ] [ label ] [ dev DEV ]`: iproute2's
//! ip/ipmonitor.c (`do_ipmonitor`, `accept_msg`).
//!
//! `ip monitor` closes its handle, opens one bound to the multicast groups
//! of the objects asked for (`rtnl_open(&rth, groups)`), fills its link
//! cache (`ll_init_map`) and prints every notification with the print
//! function of its kind: `print_linkinfo`, `print_addrinfo` (in one-line
//! form, `N: dev    inet …`), `print_route`, `print_neigh`, each after a
//! `[LINK]`, `[ADDR]`… banner with `label` or `all`.
//!
//! A monitor never returns on its own. Here [`Ip::ipmonitor_start`] does
//! everything up to `rtnl_listen`, and [`Ip::ipmonitor_drain`] is
//! `rtnl_listen` for the notifications already queued, without waiting:
//! `rtnlsim run` calls it after every later line of the script, so that
//! each command's notifications are printed after its own output, in the
//! order the kernel queued them.

use nlwire::hdr::{NdMsg, RtMsg};
use nlwire::uapi::netlink::{NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP};
use nlwire::uapi::rtnetlink::*;
use nlwire::uapi::socket::{AF_INET, AF_INET6, AF_MPLS};
use nlwire::{NlMsgHdr, SockaddrNl};

use super::error::{incomplete_command, invarg, unmodelled, CmdResult, Exit};
use super::ipaddress::LinkFilter;
use super::ipneigh::NeighFilter;
use super::iproute::RouteFilter;
use super::libnetlink::RtnlHandle;
use super::utils::matches;
use super::Ip;

const IPMON_LLINK: u32 = 1 << 0;
const IPMON_LADDR: u32 = 1 << 1;
const IPMON_LROUTE: u32 = 1 << 2;
const IPMON_LMROUTE: u32 = 1 << 3;
const IPMON_LPREFIX: u32 = 1 << 4;
const IPMON_LNEIGH: u32 = 1 << 5;
const IPMON_LNETCONF: u32 = 1 << 6;
const IPMON_LSTATS: u32 = 1 << 7;
const IPMON_LRULE: u32 = 1 << 8;
const IPMON_LNSID: u32 = 1 << 9;
const IPMON_LNEXTHOP: u32 = 1 << 10;
/// The objects whose messages this client prints; the others are refused
/// rather than printed wrongly.
const MODELLED: u32 = IPMON_LLINK | IPMON_LADDR | IPMON_LROUTE | IPMON_LNEIGH;

/// `RTNL_FAMILY_IPMR`, `RTNL_FAMILY_IP6MR`.
const RTNL_FAMILY_IPMR: u8 = 128;
const RTNL_FAMILY_IP6MR: u8 = 129;

/// `nl_mgrp(group)`: the bit of a group below 32 in a bind's `nl_groups`.
fn nl_mgrp(group: u32) -> u32 {
    if group > 31 {
        0
    } else {
        1 << (group - 1)
    }
}

/// What `ip monitor` remembers besides its handle.
#[derive(Debug, Clone, Default)]
pub struct MonitorState {
    /// `prefix_banner`.
    pub prefix_banner: bool,
    /// The monitor is listening (its start succeeded).
    pub listening: bool,
}

impl Ip<'_> {
    /// `do_ipmonitor` up to `rtnl_listen`.
    pub fn ipmonitor_start(&mut self, args: &[String]) -> CmdResult {
        let mut lmask = 0u32;
        let mut ifindex = 0u32;
        let mut i = 0;
        while i < args.len() {
            let w = args[i].as_str();
            if matches(w, "file") {
                return Err(unmodelled(&mut self.err, "\"ip monitor file\""));
            } else if matches(w, "label") {
                self.monitor.prefix_banner = true;
            } else if matches(w, "link") {
                lmask |= IPMON_LLINK;
            } else if matches(w, "address") {
                lmask |= IPMON_LADDR;
            } else if matches(w, "route") {
                lmask |= IPMON_LROUTE;
            } else if matches(w, "mroute") {
                lmask |= IPMON_LMROUTE;
            } else if matches(w, "prefix") {
                lmask |= IPMON_LPREFIX;
            } else if matches(w, "neigh") {
                lmask |= IPMON_LNEIGH;
            } else if matches(w, "netconf") {
                lmask |= IPMON_LNETCONF;
            } else if matches(w, "rule") {
                lmask |= IPMON_LRULE;
            } else if matches(w, "nsid") {
                lmask |= IPMON_LNSID;
            } else if matches(w, "nexthop") {
                lmask |= IPMON_LNEXTHOP;
            } else if w == "stats" {
                lmask |= IPMON_LSTATS;
            } else if w == "all" {
                self.monitor.prefix_banner = true;
            } else if matches(w, "all-nsid") {
                return Err(unmodelled(&mut self.err, "\"ip monitor all-nsid\""));
            } else if matches(w, "help") {
                self.err.push_str(
                    "Usage: ip monitor [ all | OBJECTS ] [ FILE ] [ label ] [ all-nsid ]\n                  [ dev DEVICE ]\n",
                );
                return Err(Exit::USAGE);
            } else if w == "dev" {
                i += 1;
                let Some(a) = args.get(i).cloned() else { return Err(incomplete_command(&mut self.err)) };
                ifindex = self.ll_name_to_index(&a);
                if ifindex == 0 {
                    return Err(invarg(&mut self.err, "Device does not exist\n", &a));
                }
            } else {
                self.err.push_str(&format!("Argument \"{w}\" is unknown, try \"ip monitor help\".\n"));
                return Err(Exit::USAGE);
            }
            i += 1;
        }
        if lmask & !MODELLED != 0 {
            return Err(unmodelled(&mut self.err, "\"ip monitor\" of objects other than link, address, route, neigh"));
        }
        // ipaddr_reset_filter(1, ifindex), iproute_reset_filter(ifindex),
        // ipneigh_reset_filter(ifindex)
        self.filter = LinkFilter { oneline: true, ifindex: ifindex as i32, group: -1, ..Default::default() };
        self.rfilter = RouteFilter::reset();
        self.rfilter.oif = ifindex;
        if ifindex > 0 {
            self.rfilter.oifmask = -1;
        }
        self.nfilter = NeighFilter { state: !0, index: ifindex as i32, ..Default::default() };
        // Only the modelled objects: "all" is link, address, route and neigh here.
        let lmask = if lmask == 0 { MODELLED } else { lmask };
        let pf = self.opts.family;
        let mut groups = 0u32;
        if lmask & IPMON_LLINK != 0 {
            groups |= nl_mgrp(RTNLGRP_LINK);
        }
        if lmask & IPMON_LADDR != 0 {
            if pf == 0 || pf == AF_INET {
                groups |= nl_mgrp(RTNLGRP_IPV4_IFADDR);
            }
            if pf == 0 || pf == AF_INET6 {
                groups |= nl_mgrp(RTNLGRP_IPV6_IFADDR);
            }
        }
        if lmask & IPMON_LROUTE != 0 {
            if pf == 0 || pf == AF_INET {
                groups |= nl_mgrp(RTNLGRP_IPV4_ROUTE);
            }
            if pf == 0 || pf == AF_INET6 {
                groups |= nl_mgrp(RTNLGRP_IPV6_ROUTE);
            }
            if pf == 0 || pf == AF_MPLS {
                groups |= nl_mgrp(RTNLGRP_MPLS_ROUTE);
            }
        }
        if lmask & IPMON_LNEIGH != 0 {
            groups |= nl_mgrp(RTNLGRP_NEIGH);
        }
        // rtnl_close(&rth); rtnl_open(&rth, groups)
        let sock = match self.host.socket(self.opts.netns.as_deref()) {
            Ok(s) => s,
            Err(e) => {
                super::libnetlink::perror(&mut self.err, "Cannot open netlink socket", e);
                return Err(Exit(1));
            }
        };
        let sock = super::wrap(sock, &self.tap);
        let Some(rth) = RtnlHandle::open_groups(sock, self.host.time(), groups, &mut self.err) else {
            return Err(Exit(1));
        };
        self.rth = rth;
        self.ll_map_initialized = false;
        self.ll_init_map()?;
        self.netns_nsid_socket_init()?;
        self.netns_map_init()?;
        self.monitor.listening = true;
        Ok(0)
    }

    /// `print_headers`: the banner (no timestamps, no nsids: not modelled).
    fn print_headers(&mut self, label: &str) {
        if self.monitor.prefix_banner {
            self.out.fp(label);
        }
    }

    /// `accept_msg`: one notification, printed by its kind.
    fn accept_msg(&mut self, n: &NlMsgHdr<&[u8]>) -> i32 {
        match n.nlmsg_type() {
            RTM_NEWROUTE | RTM_DELROUTE => {
                let Ok(r) = RtMsg::new_checked(n.payload()) else {
                    self.err.push_str(&format!("BUG: wrong nlmsg len {}\n", n.payload().len() as i64 - 12));
                    return -1;
                };
                if r.rtm_flags() & RTM_F_CLONED != 0 {
                    return 0;
                }
                if r.rtm_family() == RTNL_FAMILY_IPMR || r.rtm_family() == RTNL_FAMILY_IP6MR {
                    return 0; // print_mroute: multicast routing is not modelled
                }
                self.print_headers("[ROUTE]");
                self.print_route(n);
            }
            RTM_NEWLINK | RTM_DELLINK => {
                self.ll.remember(n);
                self.print_headers("[LINK]");
                if let Err(super::libnetlink::Flow::Exit(x)) = self.print_linkinfo(n) {
                    return -(x.0);
                }
            }
            RTM_NEWADDR | RTM_DELADDR => {
                self.print_headers("[ADDR]");
                self.print_addrinfo(n);
            }
            RTM_NEWNEIGH | RTM_DELNEIGH | RTM_GETNEIGH => {
                if self.opts.family != 0 {
                    if let Ok(r) = NdMsg::new_checked(n.payload()) {
                        if r.ndm_family() != self.opts.family {
                            return 0;
                        }
                    }
                }
                self.print_headers("[NEIGH]");
                self.print_neigh(n);
            }
            NLMSG_ERROR | NLMSG_NOOP | NLMSG_DONE => {}
            t => {
                let (f, l) = (n.nlmsg_flags(), n.nlmsg_len());
                self.err.push_str(&format!(
                    "Unknown message: type=0x{t:08x}({t}) flags=0x{f:08x}({f}) len=0x{l:08x}({l})\n"
                ));
            }
        }
        0
    }

    /// Whether this invocation is a monitor that is listening.
    pub fn is_listening(&self) -> bool {
        self.monitor.listening
    }

    /// `rtnl_listen(&rth, accept_msg, stdout)` over what is queued now.
    pub fn ipmonitor_drain(&mut self) {
        let mut msgs: Vec<Vec<u8>> = Vec::new();
        self.rth.drain(&mut self.err, &mut |n| {
            msgs.push(n.message().to_vec());
            0
        });
        for m in &msgs {
            if self.accept_msg(&NlMsgHdr::new_unchecked(&m[..])) < 0 {
                break;
            }
        }
    }
}

impl RtnlHandle {
    /// `rtnl_open(&rth, groups)`: as [`RtnlHandle::open`], bound to `groups`.
    pub fn open_groups(
        sock: Box<dyn crate::transport::NlTransport>,
        time: u32,
        groups: u32,
        err: &mut String,
    ) -> Option<RtnlHandle> {
        RtnlHandle::open_bound(sock, time, SockaddrNl::new(0, groups), err)
    }
}
