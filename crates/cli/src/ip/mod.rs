//! An `ip` client: iproute2 6.1's `ip link` and `ip netns`, written against
//! a [`Host`] and its netlink sockets only.
//!
//! One [`Ip`] is one invocation of the program: its options, its rtnetlink
//! handle (`rth`, opened in the namespace of `-n` before anything else, as
//! `netns_switch` then `rtnl_open` do), its caches (`ll_map`, the answers of
//! the probes `iplink_have_newlink` and `ipnetns_have_nsid`), and what it
//! prints on stdout and stderr. [`Ip::run`] is ip/ip.c `main` from the
//! object word on (`do_cmd`).
//!
//! | here | iproute2 6.1 |
//! |------|--------------|
//! | [`args`] | ip/ip.c `main` options, lib/utils.c `makeargs` |
//! | [`libnetlink`] | lib/libnetlink.c |
//! | [`ll_map`] | lib/ll_map.c |
//! | [`iplink`], [`link_veth`] | ip/iplink.c, ip/link_veth.c |
//! | [`ipaddress`] | ip/ipaddress.c (`print_linkinfo`, `ipaddr_list_link`) |
//! | [`iproute`], [`iproute_print`] | ip/iproute.c |
//! | [`ipneigh`] | ip/ipneigh.c |
//! | [`ipmonitor`] | ip/ipmonitor.c |
//! | [`ipaddress_addr`], [`ipaddress_list`] | ip/ipaddress.c (`ipaddr_modify`, `print_addrinfo`; `ipaddr_list_flush_or_save`, `ipaddr_flush`) |
//! | [`iplink_bridge`] | ip/iplink_bridge.c, ip/iplink_bridge_slave.c |
//! | [`ipnetns`] | ip/ipnetns.c |
//! | [`json_print`] | lib/json_print.c, lib/json_writer.c |
//! | [`utils`] | lib/utils.c, ll_addr.c, ll_types.c, rt_names.c |

pub mod args;
pub mod error;
pub mod ipaddress;
pub mod ipaddress_addr;
pub mod ipaddress_list;
pub mod iplink;
pub mod iplink_bridge;
pub mod ipmonitor;
pub mod ipneigh;
pub mod ipnetns;
pub mod iproute;
pub mod iproute_print;
pub mod json_print;
pub mod libnetlink;
pub mod link_veth;
pub mod ll_map;
pub mod uapi;
pub mod utils;

use nlwire::Errno;

use crate::host::Host;
use crate::transport::{Sink, Tap};
use args::Options;
use error::{CmdResult, Exit};
use json_print::Printer;
use libnetlink::RtnlHandle;
use ll_map::LlCache;
use utils::{matches, strerror};

/// One invocation of `ip`.
pub struct Ip<'h> {
    host: &'h dyn Host,
    pub opts: Options,
    /// `rth`: the handle every command uses.
    rth: RtnlHandle,
    /// `ll_map`'s cache of links seen.
    ll: LlCache,
    /// `have_rtnl_newlink` (ip/iplink.c).
    have_rtnl_newlink: Option<bool>,
    /// `rtnsh`: the second handle ip/ipnetns.c asks nsids on.
    rtnsh: Option<RtnlHandle>,
    /// `netns_map_init`'s map of nsid to name (`None`: not built yet).
    nsid_map: Option<Vec<(i32, String)>>,
    /// Standard output, text or JSON.
    pub out: Printer,
    /// Standard error.
    pub err: String,
    /// Where `--decode` shows each datagram, if it is on.
    tap: Option<Sink>,
    /// `filter` of ip/ipaddress.c.
    filter: ipaddress::LinkFilter,
    /// `filter` of ip/iproute.c.
    rfilter: iproute::RouteFilter,
    /// `filter` of ip/ipneigh.c.
    nfilter: ipneigh::NeighFilter,
    /// `ll_init_map` has run.
    ll_map_initialized: bool,
    /// What `ip monitor` keeps.
    monitor: ipmonitor::MonitorState,
    /// Namespace files opened for requests (ip never closes them).
    open_files: Vec<Box<dyn crate::host::NsFile>>,
}

/// Why an invocation could not start: its exit status and what it printed.
#[derive(Debug)]
pub struct StartError {
    pub exit: Exit,
    pub err: String,
}

impl<'h> Ip<'h> {
    /// What `main` does before the object word: `netns_switch` for `-n`,
    /// `rtnl_open`, `rtnl_set_strict_dump`.
    pub fn start(host: &'h dyn Host, opts: Options, tap: Option<Sink>) -> Result<Ip<'h>, StartError> {
        let mut err = String::new();
        let sock = match host.socket(opts.netns.as_deref()) {
            Ok(s) => s,
            Err(e) if opts.netns.is_some() => {
                let name = opts.netns.as_deref().unwrap_or_default();
                err.push_str(&format!("Cannot open network namespace \"{name}\": {}\n", strerror(e)));
                return Err(StartError { exit: Exit::USAGE, err });
            }
            Err(e) => {
                err.push_str(&format!("Cannot open netlink socket: {}\n", strerror(e)));
                return Err(StartError { exit: Exit(1), err });
            }
        };
        let sock = wrap(sock, &tap);
        let Some(mut rth) = RtnlHandle::open(sock, host.time(), &mut err) else {
            return Err(StartError { exit: Exit(1), err });
        };
        rth.set_strict_dump();
        let out = Printer::new(opts.pretty, opts.oneline);
        Ok(Ip {
            host,
            opts,
            rth,
            ll: LlCache::default(),
            have_rtnl_newlink: None,
            rtnsh: None,
            nsid_map: None,
            out,
            err,
            tap,
            open_files: Vec::new(),
            filter: ipaddress::LinkFilter::default(),
            rfilter: iproute::RouteFilter::default(),
            nfilter: ipneigh::NeighFilter::default(),
            ll_map_initialized: false,
            monitor: ipmonitor::MonitorState::default(),
        })
    }

    /// Another `rtnl_open` in the same namespace (`ll_link_get`, `rtnsh`).
    fn rtnl_open(&mut self) -> Option<RtnlHandle> {
        let sock = match self.host.socket(self.opts.netns.as_deref()) {
            Ok(s) => s,
            Err(e) => {
                libnetlink::perror(&mut self.err, "Cannot open netlink socket", e);
                return None;
            }
        };
        RtnlHandle::open(wrap(sock, &self.tap), self.host.time(), &mut self.err)
    }

    /// `do_cmd`: the object word picks the command, by prefix, in ip's order.
    /// `Ok(0)` is success; `Ok(n)` a failure whose status `ip` would exit with
    /// (`n & 0xff`) and that `ip -batch` reports as `Command failed`.
    pub fn run(&mut self, argv: &[String]) -> CmdResult {
        let Some(obj) = argv.first() else {
            self.err.push_str("Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n");
            return Err(Exit::USAGE);
        };
        const OBJECTS: [&str; 34] = [
            "address",
            "addrlabel",
            "maddress",
            "route",
            "rule",
            "neighbor",
            "neighbour",
            "ntable",
            "ntbl",
            "link",
            "l2tp",
            "fou",
            "ila",
            "macsec",
            "tunnel",
            "tunl",
            "tuntap",
            "tap",
            "token",
            "tcpmetrics",
            "tcp_metrics",
            "monitor",
            "xfrm",
            "mroute",
            "mrule",
            "netns",
            "netconf",
            "vrf",
            "sr",
            "nexthop",
            "mptcp",
            "ioam",
            "help",
            "stats",
        ];
        let args = &argv[1..];
        match OBJECTS.iter().find(|c| matches(obj, c)) {
            // do_cmd returns -(func()): failures are negative inside, positive out.
            Some(&"address") => self.do_ipaddr(args).map(|v| -v),
            Some(&"neighbor") | Some(&"neighbour") => self.do_ipneigh(args).map(|v| -v),
            Some(&"monitor") => self.ipmonitor_start(args).map(|v| -v),
            Some(&"route") => self.do_iproute(args).map(|v| -v),
            Some(&"link") => self.do_iplink(args).map(|v| -v),
            Some(&"netns") => self.do_netns(args).map(|v| -v),
            Some(&"help") => {
                self.err.push_str("Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n");
                Err(Exit::USAGE)
            }
            Some(other) => {
                self.err.push_str(&format!("rtnlsim: \"ip {other}\" is not modelled by this ip client yet\n"));
                Ok(1)
            }
            None => {
                self.err.push_str(&format!("Object \"{obj}\" is unknown, try \"ip help\".\n"));
                Ok(1)
            }
        }
    }

    /// `errno` of the main handle, for `perror`.
    fn errno(&self) -> Errno {
        self.rth.errno
    }
}

fn wrap(sock: Box<dyn crate::transport::NlTransport>, tap: &Option<Sink>) -> Box<dyn crate::transport::NlTransport> {
    match tap {
        Some(s) => Box::new(Tap::new(sock, s.clone())),
        None => sock,
    }
}
