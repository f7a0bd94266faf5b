//! Printing links: iproute2's ip/ipaddress.c `print_linkinfo` and the
//! `ip link show` path through `ipaddr_list_flush_or_save`.
//!
//! Text and JSON come from the same calls ([`Printer`](super::json_print::Printer)),
//! in the C code's order, with its formats: `print_linkinfo` below reads
//! beside the C function line for line. What it prints depends only on the
//! attributes the kernel sent, parsed as iproute2 6.1 parses them: up to its
//! own `IFLA_MAX`, first occurrence wins.

use nlwire::hdr::IfInfoMsg;
use nlwire::uapi::if_::*;
use nlwire::uapi::if_link::*;
use nlwire::uapi::netlink::{NLA_F_NESTED, NLM_F_DUMP, NLM_F_REQUEST};
use nlwire::uapi::rtnetlink::{RTEXT_FILTER_VF, RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK};
use nlwire::uapi::socket::{AF_INET6, AF_PACKET};
use nlwire::{NlMsgHdr, Nla};

use super::error::{duparg2, incomplete_command, invarg, unmodelled, CmdResult, Exit};
use super::iplink::{get_link_kind, IplinkReq, LinkUtil, OPER_STATES};
use super::json_print::Kind::{Any, Fp, Json};
use super::libnetlink::{perror, Flow};
use super::uapi::*;
use super::utils::{check_ifname, ll_addr_n2a, ll_type_n2a, matches, rtnl_group_a2n, rtnl_group_n2a};
use super::Ip;

/// `struct link_filter` (the parts `ip link show` uses).
#[derive(Debug, Clone, Default)]
pub struct LinkFilter {
    pub ifindex: i32,
    pub up: bool,
    /// -1: any group.
    pub group: i32,
    pub master: i32,
    pub kind: Option<String>,
    pub slave_kind: Option<String>,
    pub family: u8,
    pub showqueue: bool,
    /// `do_link`: `ip link show` rather than `ip address show`.
    pub do_link: bool,
    /// `oneline`: `-o`, addresses printed with their device.
    pub oneline: bool,
    pub scope: u8,
    pub scopemask: u8,
    pub flags: u32,
    pub flagmask: u32,
    pub label: Option<String>,
    pub pfx: super::utils::InetPrefix,
    /// `flushb`: flushing, the RTM_DEL* requests gathered so far.
    pub flushing: bool,
}

/// `parse_rtattr_flags(tb, max, rta, len, flags)`: one slot per type up to
/// `max`, the first occurrence kept; `nested` masks `NLA_F_NESTED` off the type.
pub fn parse_rtattr(data: &[u8], max: u16, nested: bool) -> Vec<Option<Nla<&[u8]>>> {
    let mut tb = vec![None; max as usize + 1];
    for a in nlwire::NlaIter::new(data) {
        let ty = if nested { a.raw_type() & !NLA_F_NESTED } else { a.raw_type() };
        if ty <= max && tb[ty as usize].is_none() {
            tb[ty as usize] = Some(a);
        }
    }
    tb
}

/// `parse_rtattr_one`: the first attribute of exactly this (raw) type.
fn parse_rtattr_one(data: &[u8], ty: u16) -> Option<Nla<&[u8]>> {
    nlwire::NlaIter::new(data).find(|a| a.raw_type() == ty)
}

/// `rta_getattr_str`.
pub fn attr_str(a: &Nla<&[u8]>) -> String {
    String::from_utf8_lossy(a.get_str()).into_owned()
}

/// `hexstring_n2a`.
fn hexstring(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl Ip<'_> {
    /// `print_link_flags`: `<UP,LOWER_UP>` or `"flags":["UP","LOWER_UP"]`.
    fn print_link_flags(&mut self, flags: u32, mdown: bool) {
        let p = &mut self.out;
        let open = if p.is_json() { "flags" } else { "<" };
        p.open_json_array(Any, Some(open));
        let mut flags = flags;
        if flags & IFF_UP != 0 && flags & IFF_RUNNING == 0 {
            p.print_string(Any, None, "NO-CARRIER,", Some("NO-CARRIER"));
        }
        flags &= !IFF_RUNNING;
        const NAMES: [(u32, &str); 18] = [
            (IFF_LOOPBACK, "LOOPBACK"),
            (IFF_BROADCAST, "BROADCAST"),
            (IFF_POINTOPOINT, "POINTOPOINT"),
            (IFF_MULTICAST, "MULTICAST"),
            (IFF_NOARP, "NOARP"),
            (IFF_ALLMULTI, "ALLMULTI"),
            (IFF_PROMISC, "PROMISC"),
            (IFF_MASTER, "MASTER"),
            (IFF_SLAVE, "SLAVE"),
            (IFF_DEBUG, "DEBUG"),
            (IFF_DYNAMIC, "DYNAMIC"),
            (IFF_AUTOMEDIA, "AUTOMEDIA"),
            (IFF_PORTSEL, "PORTSEL"),
            (IFF_NOTRAILERS, "NOTRAILERS"),
            (IFF_UP, "UP"),
            (IFF_LOWER_UP, "LOWER_UP"),
            (IFF_DORMANT, "DORMANT"),
            (IFF_ECHO, "ECHO"),
        ];
        for (bit, name) in NAMES {
            if flags & bit != 0 {
                flags &= !bit;
                let text = if flags != 0 { format!("{name},") } else { name.to_string() };
                p.print_string(Any, None, &text, Some(name));
            }
        }
        if flags != 0 {
            p.print_hex(Any, None, &format!("{flags:x}"), flags);
        }
        if mdown {
            p.print_string(Any, None, ",M-DOWN", Some("M-DOWN"));
        }
        p.close_json_array(Any, Some("> "));
    }

    /// `print_operstate` (not brief).
    fn print_operstate(&mut self, state: u8) {
        let p = &mut self.out;
        match OPER_STATES.get(state as usize) {
            None if p.is_json() => p.print_uint(Json, Some("operstate_index"), "", state as u64),
            None => {
                p.print_0xhex(Fp, None, &format!("state {}", super::json_print::fmt_0xhex(state as u64)), state as u64)
            }
            Some(s) if p.is_json() => p.print_string(Json, Some("operstate"), "", Some(s)),
            Some(s) => p.fp(&format!("state {s} ")),
        }
    }

    /// `print_name_and_link`: `name@peer` (or `@ifN` across namespaces,
    /// `@NONE` for a zero link); returns whether the peer is down (M-DOWN).
    fn print_name_and_link(&mut self, name: &str, tb: &[Option<Nla<&[u8]>>]) -> bool {
        let mut shown = name.to_string();
        let mut m_flag = false;
        if let Some(l) = tb[IFLA_LINK as usize] {
            let iflink = l.get_u32();
            let mut link = None;
            if iflink != 0 {
                if tb[IFLA_LINK_NETNSID as usize].is_some() {
                    if self.out.is_json() {
                        self.out.print_int(Json, Some("link_index"), "", iflink as i32 as i64);
                    } else {
                        link = Some(format!("if{iflink}"));
                    }
                } else {
                    let n = self.ll_index_to_name(iflink);
                    if self.out.is_json() {
                        self.out.print_string(Json, Some("link"), "", Some(&n));
                    } else {
                        link = Some(n);
                    }
                    m_flag = self.ll_index_to_flags(iflink) & IFF_UP as i64 == 0;
                }
            } else if self.out.is_json() {
                self.out.print_null(Json, Some("link"), "");
            } else {
                link = Some("NONE".into());
            }
            if let Some(l) = link {
                shown = format!("{name}@{l}");
            }
        }
        self.out.print_string(Any, Some("ifname"), &format!("{shown}: "), Some(&shown));
        m_flag
    }

    /// `print_linktype`: the `IFLA_LINKINFO` nest, with `-d`.
    fn print_linktype(&mut self, linkinfo: &Nla<&[u8]>) -> Result<(), Flow> {
        let li = parse_rtattr(linkinfo.payload_ref(), IFLA_INFO_MAX, true);
        self.out.open_json_object(Some("linkinfo"));
        if let Some(k) = li[IFLA_INFO_KIND as usize] {
            let kind = attr_str(&k);
            self.out.print_nl();
            self.out.print_string(Any, Some("info_kind"), &format!("    {kind} "), Some(&kind));
            if let Some(LinkUtil::Bridge) = get_link_kind(&kind) {
                let data = li[IFLA_INFO_DATA as usize].map(|d| parse_rtattr(d.payload_ref(), IFLA_BR_MAX, true));
                self.out.open_json_object(Some("info_data"));
                self.bridge_print_opt(data.as_deref());
                self.out.close_json_object();
            }
        }
        if let Some(k) = li[IFLA_INFO_SLAVE_KIND as usize] {
            let kind = attr_str(&k);
            self.out.print_nl();
            self.out.print_string(Any, Some("info_slave_kind"), &format!("    {kind}_slave "), Some(&kind));
            if let Some(LinkUtil::BridgeSlave) = get_link_kind(&format!("{kind}_slave")) {
                let data =
                    li[IFLA_INFO_SLAVE_DATA as usize].map(|d| parse_rtattr(d.payload_ref(), IFLA_BRPORT_MAX, true));
                self.out.open_json_object(Some("info_slave_data"));
                self.bridge_slave_print_opt(data.as_deref())?;
                self.out.close_json_object();
            }
        }
        self.out.close_json_object();
        Ok(())
    }

    /// `print_af_spec`: the IPv6 address generation mode.
    fn print_af_spec(&mut self, af_spec: &Nla<&[u8]>) {
        let Some(inet6) = parse_rtattr_one(af_spec.payload_ref(), AF_INET6 as u16) else { return };
        let tb = parse_rtattr(inet6.payload_ref(), IFLA_INET6_MAX, true);
        if let Some(m) = tb[IFLA_INET6_ADDR_GEN_MODE as usize] {
            let mode = m.get_u8();
            let s = match mode {
                IN6_ADDR_GEN_MODE_EUI64 => "eui64".to_string(),
                IN6_ADDR_GEN_MODE_NONE => "none".to_string(),
                IN6_ADDR_GEN_MODE_STABLE_PRIVACY => "stable_secret".to_string(),
                IN6_ADDR_GEN_MODE_RANDOM => "random".to_string(),
                m => format!("{m:#04x}"),
            };
            self.out.print_string(Any, Some("inet6_addr_gen_mode"), &format!("addrgenmode {s} "), Some(&s));
        }
    }

    /// `print_linkinfo`: one RTM_NEWLINK (or RTM_DELLINK), as `ip link` shows it.
    /// Returns 1 when printed, 0 or -1 when filtered out (as the C code).
    pub fn print_linkinfo(&mut self, n: &NlMsgHdr<&[u8]>) -> Result<i32, Flow> {
        if n.nlmsg_type() != RTM_NEWLINK && n.nlmsg_type() != RTM_DELLINK {
            return Ok(0);
        }
        let Ok(ifi) = IfInfoMsg::new_checked(n.payload()) else { return Ok(-1) };
        let index = ifi.ifi_index();
        let flags = ifi.ifi_flags();
        let f = self.filter.clone();
        if f.ifindex != 0 && index != f.ifindex {
            return Ok(-1);
        }
        if f.up && flags & IFF_UP == 0 {
            return Ok(-1);
        }
        let tb = parse_rtattr(&n.payload()[16..], IFLA_MAX_IPROUTE2, true);
        let t = |a: u16| tb[a as usize];

        // get_ifname_rta
        let name = match t(IFLA_IFNAME) {
            Some(a) => attr_str(&a),
            None => {
                self.err.push_str(&format!("BUG: device with ifindex {index} has nil ifname\n"));
                format!("if{}", index as u32)
            }
        };
        if !check_ifname(&name) {
            return Ok(-1);
        }
        if f.label.is_some() {
            return Ok(0);
        }
        if let Some(g) = t(IFLA_GROUP) {
            if f.group != -1 && g.get_u32() as i32 != f.group {
                return Ok(-1);
            }
        }
        match t(IFLA_MASTER) {
            Some(m) if f.master > 0 && m.get_u32() as i32 != f.master => return Ok(-1),
            None if f.master > 0 => return Ok(-1),
            _ => {}
        }
        let link_kind = |slave: bool| -> Option<String> {
            let li = parse_rtattr(t(IFLA_LINKINFO)?.payload_ref(), IFLA_INFO_MAX, true);
            let k = li[if slave { IFLA_INFO_SLAVE_KIND } else { IFLA_INFO_KIND } as usize];
            Some(k.map(|k| attr_str(&k)).unwrap_or_default())
        };
        if let Some(kind) = &f.kind {
            if link_kind(false).as_ref() != Some(kind) {
                return Ok(-1);
            }
        }
        if let Some(kind) = &f.slave_kind {
            if link_kind(true).as_ref() != Some(kind) {
                return Ok(-1);
            }
        }

        if n.nlmsg_type() == RTM_DELLINK {
            self.out.print_bool(Any, Some("deleted"), "Deleted ", true);
        }
        self.out.print_int(Any, Some("ifindex"), &format!("{index}: "), index as i64);
        let m_flag = self.print_name_and_link(&name, &tb);
        self.print_link_flags(flags, m_flag);

        if let Some(m) = t(IFLA_MTU) {
            self.out.print_int(Any, Some("mtu"), &format!("mtu {} ", m.get_u32()), m.get_u32() as i32 as i64);
        }
        if let Some(x) = t(IFLA_XDP) {
            self.xdp_dump(&x);
        }
        if let Some(q) = t(IFLA_QDISC) {
            let q = attr_str(&q);
            self.out.print_string(Any, Some("qdisc"), &format!("qdisc {q} "), Some(&q));
        }
        if let Some(m) = t(IFLA_MASTER) {
            let master = self.ll_index_to_name(m.get_u32());
            self.out.print_string(Any, Some("master"), &format!("master {master} "), Some(&master));
        }
        if let Some(s) = t(IFLA_OPERSTATE) {
            self.print_operstate(s.get_u8());
        }
        if let Some(m) = t(IFLA_LINKMODE).filter(|_| f.do_link) {
            // do_link
            let mode = m.get_u8();
            match ["DEFAULT", "DORMANT"].get(mode as usize) {
                Some(s) => self.out.print_string(Any, Some("linkmode"), &format!("mode {s} "), Some(s)),
                None => self.out.print_int(Any, Some("linkmode_index"), &format!("mode {mode} "), mode as i64),
            }
        }
        if let Some(g) = t(IFLA_GROUP) {
            let s = if self.opts.numeric { (g.get_u32() as i32).to_string() } else { rtnl_group_n2a(g.get_u32()) };
            self.out.print_string(Any, Some("group"), &format!("group {s} "), Some(&s));
        }
        if f.showqueue {
            // print_queuelen: without IFLA_TXQLEN (an AF_INET6 link dump,
            // inet6_dump_ifinfo, has none) ip asks ioctl(SIOCGIFTXQLEN) of
            // the Host (nothing is printed where it has no such call).
            let q = match t(IFLA_TXQLEN) {
                Some(q) => Some(q.get_u32() as i32),
                None => match self.host.txqlen(self.opts.netns.as_deref(), &name) {
                    Some(Ok(q)) => Some(q as i32),
                    Some(Err(e)) => {
                        self.err.push_str(&format!("ioctl(SIOCGIFTXQLEN) failed: {}\n", super::utils::strerror(e)));
                        None
                    }
                    None => None,
                },
            };
            if let Some(q) = q.filter(|q| *q != 0) {
                self.out.print_int(Any, Some("txqlen"), &format!("qlen {q}"), q as i64);
            }
        }
        if let Some(e) = t(IFLA_EVENT) {
            const EVENTS: [&str; 7] = [
                "NONE",
                "REBOOT",
                "FEATURE CHANGE",
                "BONDING FAILOVER",
                "NOTIFY PEERS",
                "RESEND IGMP",
                "BONDING OPTION",
            ];
            let ev = e.get_u32();
            match EVENTS.get(ev as usize) {
                None => self.out.print_int(Any, Some("event"), &format!("event {} ", ev as i32), ev as i32 as i64),
                Some(_) if ev == 0 => {}
                Some(s) => self.out.print_string(Any, Some("event"), &format!("event {s} "), Some(s)),
            }
        }

        let ty = ifi.ifi_type();
        if f.family == 0 || f.family == AF_PACKET || self.opts.details > 0 {
            self.out.print_nl();
            let lt = if self.opts.numeric { format!("[{ty}]") } else { ll_type_n2a(ty) };
            self.out.print_string(Any, Some("link_type"), &format!("    link/{lt} "), Some(&lt));
            if let Some(a) = t(IFLA_ADDRESS) {
                let s = ll_addr_n2a(a.payload_ref(), ty);
                self.out.print_string(Any, Some("address"), &s, Some(&s));
            }
            if let Some(b) = t(IFLA_BROADCAST) {
                if flags & IFF_POINTOPOINT != 0 {
                    self.out.print_string(Fp, None, " peer ", None);
                    self.out.print_bool(Json, Some("link_pointtopoint"), "", true);
                } else {
                    self.out.print_string(Fp, None, " brd ", None);
                }
                let s = ll_addr_n2a(b.payload_ref(), ty);
                self.out.print_string(Any, Some("broadcast"), &s, Some(&s));
            }
            if let Some(pa) = t(IFLA_PERM_ADDRESS) {
                if t(IFLA_ADDRESS).map(|a| a.payload_ref()) != Some(pa.payload_ref()) {
                    self.out.print_string(Fp, None, " permaddr ", None);
                    let s = ll_addr_n2a(pa.payload_ref(), ty);
                    self.out.print_string(Any, Some("permaddr"), &s, Some(&s));
                }
            }
        }

        if let Some(id) = t(IFLA_LINK_NETNSID) {
            let id = id.get_u32() as i32;
            if self.out.is_json() {
                self.out.print_int(Json, Some("link_netnsid"), "", id as i64);
            } else if id >= 0 {
                match self.get_name_from_nsid(id)? {
                    Some(name) => self.out.print_string(Fp, None, &format!(" link-netns {name}"), None),
                    None => self.out.print_int(Fp, None, &format!(" link-netnsid {id}"), id as i64),
                }
            } else {
                self.out.print_string(Fp, None, " link-netnsid unknown", None);
            }
        }
        if let Some(id) = t(IFLA_NEW_NETNSID) {
            let id = id.get_u32() as i32;
            match self.get_name_from_nsid(id)? {
                Some(name) => self.out.print_string(Fp, None, &format!(" new-netns {name}"), None),
                None => self.out.print_int(Fp, None, &format!(" new-netnsid {id}"), id as i64),
            }
        }
        if let Some(id) = t(IFLA_NEW_IFINDEX) {
            let id = id.get_u32() as i32;
            self.out.print_int(Fp, None, &format!(" new-ifindex {id}"), id as i64);
        }
        if let Some(pd) = t(IFLA_PROTO_DOWN) {
            // print_proto_down; IFLA_PROTO_DOWN_REASON comes only with reasons
            // set, which no modelled device has.
            if pd.get_u8() != 0 {
                self.out.print_bool(Any, Some("proto_down"), " protodown on ", true);
            }
        }

        if self.opts.details > 0 {
            let u32_field = |p: &mut super::json_print::Printer, a: Option<Nla<&[u8]>>, key: &str, text: &str| {
                if let Some(a) = a {
                    let v = a.get_u32();
                    p.print_uint(Any, Some(key), &text.replace("{}", &v.to_string()), v as u64);
                }
            };
            u32_field(&mut self.out, t(IFLA_PROMISCUITY), "promiscuity", " promiscuity {} ");
            u32_field(&mut self.out, t(IFLA_ALLMULTI), "allmulti", " allmulti {} ");
            u32_field(&mut self.out, t(IFLA_MIN_MTU), "min_mtu", "minmtu {} ");
            u32_field(&mut self.out, t(IFLA_MAX_MTU), "max_mtu", "maxmtu {} ");
            if let Some(li) = t(IFLA_LINKINFO) {
                self.print_linktype(&li)?;
            }
            if let Some(af) = t(IFLA_AF_SPEC).filter(|_| f.do_link) {
                self.print_af_spec(&af);
            }
            u32_field(&mut self.out, t(IFLA_NUM_TX_QUEUES), "num_tx_queues", "numtxqueues {} ");
            u32_field(&mut self.out, t(IFLA_NUM_RX_QUEUES), "num_rx_queues", "numrxqueues {} ");
            u32_field(&mut self.out, t(IFLA_GSO_MAX_SIZE), "gso_max_size", "gso_max_size {} ");
            u32_field(&mut self.out, t(IFLA_GSO_MAX_SEGS), "gso_max_segs", "gso_max_segs {} ");
            u32_field(&mut self.out, t(IFLA_TSO_MAX_SIZE), "tso_max_size", "tso_max_size {} ");
            u32_field(&mut self.out, t(IFLA_TSO_MAX_SEGS), "tso_max_segs", "tso_max_segs {} ");
            u32_field(&mut self.out, t(IFLA_GRO_MAX_SIZE), "gro_max_size", "gro_max_size {} ");
            let str_field = |p: &mut super::json_print::Printer, key: &str, label: &str, s: Option<String>| {
                if let Some(s) = s {
                    p.print_string(Any, Some(key), &format!("{label} {s} "), Some(&s));
                }
            };
            str_field(&mut self.out, "phys_port_name", "portname", t(IFLA_PHYS_PORT_NAME).map(|a| attr_str(&a)));
            str_field(
                &mut self.out,
                "phys_port_id",
                "portid",
                t(IFLA_PHYS_PORT_ID).map(|a| hexstring(a.payload_ref())),
            );
            str_field(
                &mut self.out,
                "phys_switch_id",
                "switchid",
                t(IFLA_PHYS_SWITCH_ID).map(|a| hexstring(a.payload_ref())),
            );
            str_field(&mut self.out, "parentbus", "parentbus", t(IFLA_PARENT_DEV_BUS_NAME).map(|a| attr_str(&a)));
            str_field(&mut self.out, "parentdev", "parentdev", t(IFLA_PARENT_DEV_NAME).map(|a| attr_str(&a)));
        }

        if let Some(alias) = t(IFLA_IFALIAS).filter(|_| f.do_link || self.opts.details > 0) {
            let sl = self.out.sl;
            self.out.print_string(Fp, None, &format!("{sl}    "), None);
            let a = attr_str(&alias);
            self.out.print_string(Any, Some("ifalias"), &format!("alias {a}"), Some(&a));
        }
        if let Some(props) = t(IFLA_PROP_LIST) {
            self.out.open_json_array(Json, Some("altnames"));
            for a in nlwire::NlaIter::new(props.payload_ref()) {
                if a.raw_type() != IFLA_ALT_IFNAME {
                    continue;
                }
                let sl = self.out.sl;
                self.out.print_string(Fp, None, &format!("{sl}    altname "), None);
                let s = attr_str(&a);
                self.out.print_string(Any, None, &s, Some(&s));
            }
            self.out.close_json_array(Json, None);
        }
        self.out.print_string(Fp, None, "\n", None);
        Ok(1)
    }

    /// `xdp_dump`: nothing unless a program is attached, which the modelled
    /// devices never have.
    fn xdp_dump(&mut self, xdp: &Nla<&[u8]>) {
        let tb = parse_rtattr(xdp.payload_ref(), IFLA_XDP_ATTACHED, true);
        match tb[IFLA_XDP_ATTACHED as usize] {
            Some(a) if a.get_u8() != XDP_ATTACHED_NONE && !self.out.is_json() => {
                self.out.fp(&format!("xdp[{}] ", a.get_u8()));
            }
            _ => {}
        }
    }

    /// `ipaddr_list_link`, i.e. `ipaddr_list_flush_or_save(IPADD_LIST)` with
    /// `do_link` and `preferred_family = AF_PACKET`: `ip link show [DEV]`.
    pub fn ipaddr_list_link(&mut self, args: &[String]) -> CmdResult {
        self.opts.family = AF_PACKET;
        self.filter = LinkFilter {
            group: -1,
            showqueue: true,
            family: AF_PACKET,
            do_link: true,
            oneline: self.opts.oneline,
            ..Default::default()
        };
        let mut filter_dev: Option<String> = None;
        let mut i = 0;
        while i < args.len() {
            let w = args[i].as_str();
            let mut next = || -> Result<String, Exit> {
                i += 1;
                args.get(i).cloned().ok_or(Exit::USAGE)
            };
            if w == "up" {
                self.filter.up = true;
            } else if w == "label" {
                let a = next().map_err(|_| incomplete_command(&mut self.err))?;
                let _ = a;
                return Err(unmodelled(&mut self.err, "\"label\""));
            } else if w == "group" {
                let a = next().map_err(|_| incomplete_command(&mut self.err))?;
                match rtnl_group_a2n(&a) {
                    Some(g) => self.filter.group = g,
                    None => return Err(invarg(&mut self.err, "Invalid \"group\" value\n", &a)),
                }
            } else if w == "master" {
                let a = next().map_err(|_| incomplete_command(&mut self.err))?;
                let ifindex = self.ll_name_to_index(&a);
                if ifindex == 0 {
                    return Err(invarg(&mut self.err, "Device does not exist\n", &a));
                }
                self.filter.master = ifindex as i32;
            } else if w == "type" {
                let a = next().map_err(|_| incomplete_command(&mut self.err))?;
                match a.strip_suffix("_slave") {
                    Some(k) => self.filter.slave_kind = Some(k.to_string()),
                    None => self.filter.kind = Some(a),
                }
            } else if matches!(w, "to" | "scope" | "vrf" | "nomaster") {
                return Err(unmodelled(&mut self.err, &format!("\"ip link show {w}\"")));
            } else {
                let a = if w == "dev" {
                    next().map_err(|_| incomplete_command(&mut self.err))?
                } else {
                    if matches(w, "help") {
                        self.err
                            .push_str("Usage: ip link show [ DEVICE | group GROUP ] [up] [master DEV] [type ETYPE]\n");
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

        self.out.new_json_obj(self.opts.json);

        // Only a device and no other filter: RTM_GETLINK for it alone.
        if let (Some(dev), -1) = (&filter_dev, self.filter.group) {
            let dev = dev.clone();
            match self.iplink_get(&dev, RTEXT_FILTER_VF) {
                Ok(()) => {}
                Err(Flow::Exit(x)) => return Err(x),
                Err(Flow::Fail(_)) => {
                    let e = self.errno();
                    perror(&mut self.err, "Cannot send link get request", e);
                    self.out.delete_json_obj();
                    return Err(Exit(1));
                }
            }
            self.out.delete_json_obj();
            return Ok(0);
        }

        // ip_link_list(iplink_filter_req): a filtered dump.
        let mut req = IplinkReq::new(RTM_GETLINK, NLM_F_DUMP | NLM_F_REQUEST, self.opts.family);
        req.put_u32(IFLA_EXT_MASK, RTEXT_FILTER_VF);
        if self.filter.master != 0 {
            req.put_u32(IFLA_MASTER, self.filter.master as u32);
        }
        if let Some(kind) = self.filter.kind.clone() {
            let li = req.nest(IFLA_LINKINFO);
            req.put(IFLA_INFO_KIND, kind.as_bytes());
            req.nest_end(li);
        }
        let mut bytes = req.finish();
        if let Err(e) = self.rth.dump_request(&mut bytes) {
            perror(&mut self.err, "Cannot send dump request", e);
            self.out.delete_json_obj();
            return Ok(0);
        }
        let mut linfo: Vec<Vec<u8>> = Vec::new();
        let ll = &mut self.ll;
        let r = self.rth.dump_filter(&mut self.err, &mut |n| {
            linfo.push(n.message().to_vec());
            ll.remember(n);
            0
        });
        match r {
            Ok(()) => {}
            Err(Flow::Exit(x)) => return Err(x),
            Err(Flow::Fail(_)) => {
                self.err.push_str("Dump terminated\n");
                self.out.delete_json_obj();
                return Ok(0);
            }
        }
        for m in &linfo {
            self.out.open_json_object(None);
            match self.print_linkinfo(&NlMsgHdr::new_unchecked(&m[..])) {
                Ok(_) => {}
                Err(Flow::Exit(x)) => return Err(x),
                Err(Flow::Fail(_)) => {}
            }
            self.out.close_json_object();
        }
        self.out.delete_json_obj();
        Ok(0)
    }
}
