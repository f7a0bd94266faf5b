//! `ip link add|set|delete|show`: iproute2's ip/iplink.c.
//!
//! `do_iplink` first asks whether the kernel speaks RTM_NEWLINK at all
//! (`iplink_have_newlink`: an empty RTM_NEWLINK that a modern kernel answers
//! with ENODEV), then `iplink_modify` builds the request word by word in
//! `iplink_parse` (the family header's flags, then one attribute per
//! option, `IFLA_IFNAME` last), wraps `type KIND …` in `IFLA_LINKINFO`, and
//! `rtnl_talk`s it. The bytes are ip's, attribute for attribute.

use nlwire::hdr::IfInfoMsgRepr;
use nlwire::skb::NlMsgStart;
use nlwire::uapi::if_::*;
use nlwire::uapi::if_link::*;
use nlwire::uapi::netlink::*;
use nlwire::uapi::rtnetlink::{RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK};
use nlwire::uapi::socket::{AF_INET6, AF_UNSPEC};
use nlwire::{Errno, NlMsgHdr, SkBuff};

use super::error::{duparg, duparg2, incomplete_command, invarg, nodev, on_off, unmodelled, CmdResult, Exit};
use super::libnetlink::{perror, Flow};
use super::uapi::IFLA_INFO_MAX;
use super::utils::{check_altifname, check_ifname, get_integer, get_unsigned, ll_addr_a2n, matches, rtnl_group_a2n};
use super::Ip;

/// `struct iplink_req`: a netlink header, a `struct ifinfomsg` (kept apart
/// while options change it) and up to 1 KiB of attributes.
pub struct IplinkReq {
    pub skb: SkBuff,
    nlh: NlMsgStart,
    /// The family header, written into the message by [`IplinkReq::finish`].
    pub i: IfInfoMsgRepr,
    /// An attribute did not fit in `struct iplink_req`'s 1024-byte buffer.
    pub exceeded: bool,
}

/// `sizeof(struct iplink_req)`: nlmsghdr, ifinfomsg and `char buf[1024]`.
pub const IPLINK_REQ_MAXLEN: usize = NLMSG_HDRLEN + IfInfoMsgRepr::LEN + 1024;

impl IplinkReq {
    pub fn new(ty: u16, flags: u16, family: u8) -> Self {
        let mut skb = SkBuff::with_tailroom(IPLINK_REQ_MAXLEN);
        // Room for the header and ifinfomsg was just reserved.
        let nlh = skb.nlmsg_put(0, 0, ty, IfInfoMsgRepr::LEN, flags).unwrap_or_else(|| unreachable!());
        IplinkReq { skb, nlh, i: IfInfoMsgRepr { family, ..Default::default() }, exceeded: false }
    }

    /// `n->nlmsg_flags`.
    pub fn flags(&self) -> u16 {
        NlMsgHdr::new_unchecked(self.skb.data()).nlmsg_flags()
    }

    /// `addattr32`.
    pub fn put_u32(&mut self, ty: u16, v: u32) {
        let r = self.skb.nla_put_u32(ty, v);
        self.note(r);
    }

    /// `addattr8`.
    pub fn put_u8(&mut self, ty: u16, v: u8) {
        let r = self.skb.nla_put_u8(ty, v);
        self.note(r);
    }

    /// `addattr16`.
    pub fn put_u16(&mut self, ty: u16, v: u16) {
        let r = self.skb.nla_put_u16(ty, v);
        self.note(r);
    }

    /// `addattr_l`: the bytes as given.
    pub fn put(&mut self, ty: u16, data: &[u8]) {
        let r = self.skb.nla_put(ty, data);
        self.note(r);
    }

    /// `addattr_l(…, s, strlen(s) + 1)`: the string and its NUL.
    pub fn put_strz(&mut self, ty: u16, s: &str) {
        let r = self.skb.nla_put_string(ty, s);
        self.note(r);
    }

    /// Remembers that an `addattr*` did not fit.
    fn note<E>(&mut self, r: Result<(), E>) {
        self.exceeded |= r.is_err();
    }

    /// `addattr_nest`: iproute2 does not set `NLA_F_NESTED`. Returns where the nest starts.
    pub fn nest(&mut self, ty: u16) -> usize {
        let at = self.skb.len();
        let r = self.skb.nla_put(ty, &[]);
        self.note(r);
        at
    }

    /// `addattr_nest_end`: the nest's length, if its header was written.
    pub fn nest_end(&mut self, at: usize) {
        let len = self.skb.len().saturating_sub(at);
        if let (Some(head), Ok(len)) = (self.skb.data_mut().get_mut(at..at + 2), u16::try_from(len)) {
            if len >= 4 {
                head.copy_from_slice(&len.to_ne_bytes());
            }
        }
    }

    /// `addattr_l`'s complaint when the buffer is full. iproute2 prints it
    /// for every attribute that does not fit and sends what did; this
    /// client prints it once and sends nothing.
    pub fn exceeded_message(&self) -> Option<String> {
        self.exceeded.then(|| format!("addattr_l ERROR: message exceeded bound of {IPLINK_REQ_MAXLEN}\n"))
    }

    /// The finished message: the family header written in, `nlmsg_len` set.
    pub fn finish(mut self) -> Vec<u8> {
        self.i.emit(&mut self.skb.nlmsg_data_mut(self.nlh)[..IfInfoMsgRepr::LEN]);
        self.skb.nlmsg_end(self.nlh);
        self.skb.into_vec()
    }
}

/// What `get_link_kind` finds: the kinds of ip's `struct link_util` this
/// client knows, with or without an option parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkUtil {
    Veth,
    Bridge,
    BridgeSlave,
    /// A kind ip 6.1 has a `link_util` for with no options (dummy, ifb, nlmon…).
    NoOptions,
    /// A kind ip 6.1 parses options of that this client does not model.
    Unmodelled,
}

/// `get_link_kind`: `None` for kinds ip 6.1 has no `link_util` for.
pub fn get_link_kind(kind: &str) -> Option<LinkUtil> {
    Some(match kind {
        "veth" => LinkUtil::Veth,
        "bridge" => LinkUtil::Bridge,
        "bridge_slave" => LinkUtil::BridgeSlave,
        "dummy" | "ifb" | "nlmon" | "vcan" | "virt_wifi" | "wwan" | "dsa" => LinkUtil::NoOptions,
        "vlan" | "vxlan" | "macvlan" | "macvtap" | "ipvlan" | "ipvtap" | "bond" | "bond_slave" | "team"
        | "team_slave" | "vrf" | "geneve" | "gre" | "gretap" | "ip6gre" | "ip6gretap" | "ipip" | "sit" | "ip6tnl"
        | "vti" | "vti6" | "xfrm" | "macsec" | "hsr" | "can" | "vxcan" | "ipoib" | "bareudp" | "amt" | "gtp"
        | "rmnet" | "batadv" | "netdevsim" | "lowpan" | "erspan" | "ip6erspan" => LinkUtil::Unmodelled,
        _ => return None,
    })
}

/// `enum { … } oper_states` of ip/ipaddress.c.
pub const OPER_STATES: [&str; 7] = ["UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"];

/// The state `iplink_parse` keeps between words.
#[derive(Default)]
struct Parse {
    name: Option<String>,
    dev: Option<String>,
    /// `name == dev` as pointers: the same word.
    same: bool,
    link: Option<String>,
    addr_len: usize,
    qlen: Option<i32>,
    mtu: Option<i32>,
    netns: bool,
    numtxqueues: Option<i32>,
    numrxqueues: Option<i32>,
    link_netnsid: Option<i32>,
    index: i32,
    group: Option<i32>,
}

impl Ip<'_> {
    /// `do_iplink`.
    pub fn do_iplink(&mut self, args: &[String]) -> CmdResult {
        let Some(cmd) = args.first() else { return self.ipaddr_list_link(&[]) };
        let rest = &args[1..];
        if self.iplink_have_newlink()? {
            if matches(cmd, "add") {
                return self.iplink_modify(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, rest);
            }
            if matches(cmd, "set") || matches(cmd, "change") {
                return self.iplink_modify(RTM_NEWLINK, 0, rest);
            }
            if matches(cmd, "replace") {
                return self.iplink_modify(RTM_NEWLINK, NLM_F_CREATE | NLM_F_REPLACE, rest);
            }
            if matches(cmd, "delete") {
                return self.iplink_modify(RTM_DELLINK, 0, rest);
            }
        } else if matches(cmd, "set") {
            self.err.push_str(
                "rtnlsim: the kernel refused RTM_NEWLINK, and ip's ioctl fallback (do_set) is not modelled\n",
            );
            return Ok(-1);
        }
        if matches(cmd, "show") || matches(cmd, "lst") || matches(cmd, "list") {
            return self.ipaddr_list_link(rest);
        }
        if matches(cmd, "xstats") || matches(cmd, "afstats") || matches(cmd, "property") {
            return Err(unmodelled(&mut self.err, &format!("ip link {cmd}")));
        }
        if matches(cmd, "help") {
            self.err.push_str("Usage: ip link add|delete|set|show … (see ip-link(8))\n");
            return Err(Exit::USAGE);
        }
        self.err.push_str(&format!("Command \"{cmd}\" is unknown, try \"ip link help\".\n"));
        Err(Exit::USAGE)
    }

    /// `iplink_have_newlink`: once per invocation, an empty RTM_NEWLINK with
    /// sequence number 0; EOPNOTSUPP or EINVAL means "no", anything else "yes".
    fn iplink_have_newlink(&mut self) -> Result<bool, Exit> {
        if let Some(v) = self.have_rtnl_newlink {
            return Ok(v);
        }
        let mut req = IplinkReq::new(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, AF_UNSPEC);
        req.i.family = AF_UNSPEC;
        let bytes = req.finish();
        if let Err(e) = self.rth.send(&bytes) {
            perror(&mut self.err, "request send failed", e);
            return Err(Exit(1));
        }
        let mut have = None;
        let r = self.rth.listen(&mut self.err, &mut |n: &NlMsgHdr<&[u8]>| {
            let p = n.payload();
            let e = if p.len() >= 4 { i32::from_ne_bytes([p[0], p[1], p[2], p[3]]) } else { 0 };
            have = Some(!(n.nlmsg_type() == NLMSG_ERROR && (e == -Errno::EOPNOTSUPP.0 || e == -Errno::EINVAL.0)));
            -1
        });
        if let Err(Flow::Exit(x)) = r {
            return Err(x);
        }
        self.have_rtnl_newlink = have;
        // Unanswered, the C variable stays -1, which reads as true.
        Ok(have.unwrap_or(true))
    }

    /// `nl_get_ll_addr_len`: the length of `ifname`'s current address, asked
    /// on the main handle; -1 if unknown.
    fn nl_get_ll_addr_len(&mut self, ifname: &str) -> i64 {
        let index = self.ll_name_to_index(ifname);
        if index == 0 {
            return -1;
        }
        let mut req = IplinkReq::new(RTM_GETLINK, NLM_F_REQUEST, self.opts.family);
        req.i.index = index as i32;
        let mut bytes = req.finish();
        let Ok(Some(answer)) = self.rth.talk(&mut bytes, true, true, &mut self.err) else { return -1 };
        let h = NlMsgHdr::new_unchecked(&answer[..]);
        if h.payload().len() < 16 {
            return -1;
        }
        let tb = super::ipaddress::parse_rtattr(&h.payload()[16..], IFLA_ADDRESS, true);
        tb[IFLA_ADDRESS as usize].map(|a| a.payload_ref().len() as i64).unwrap_or(-1)
    }

    /// `iplink_parse`: the words before `type`, into `req`. Returns how many
    /// words it used, a negative failure, or an exit; `kind` gets the word
    /// after `type`.
    pub(super) fn iplink_parse(
        &mut self,
        args: &[String],
        req: &mut IplinkReq,
        kind: &mut Option<String>,
    ) -> Result<i32, Exit> {
        let mut p = Parse { same: true, ..Default::default() };
        let mut i = 0;
        macro_rules! next_arg {
            () => {{
                i += 1;
                match args.get(i) {
                    Some(a) => a.as_str(),
                    None => return Err(incomplete_command(&mut self.err)),
                }
            }};
        }
        while i < args.len() {
            let w = args[i].as_str();
            if w == "up" {
                req.i.change |= IFF_UP;
                req.i.flags |= IFF_UP;
            } else if w == "down" {
                req.i.change |= IFF_UP;
                req.i.flags &= !IFF_UP;
            } else if w == "name" {
                let a = next_arg!();
                if p.name.is_some() {
                    return Err(duparg(&mut self.err, "name", a));
                }
                if !check_ifname(a) {
                    return Err(invarg(&mut self.err, "\"name\" not a valid ifname", a));
                }
                p.name = Some(a.to_string());
                if p.dev.is_none() {
                    p.dev = p.name.clone();
                    p.same = true;
                } else {
                    p.same = false;
                }
            } else if w == "index" {
                let a = next_arg!();
                if p.index != 0 {
                    return Err(duparg(&mut self.err, "index", a));
                }
                p.index = atoi(a);
                if p.index <= 0 {
                    return Err(invarg(&mut self.err, "Invalid \"index\" value", a));
                }
            } else if matches(w, "link") {
                p.link = Some(next_arg!().to_string());
            } else if matches(w, "address") {
                let a = next_arg!();
                match ll_addr_a2n(a, 32) {
                    Ok(b) => {
                        p.addr_len = b.len();
                        req.put(IFLA_ADDRESS, &b);
                    }
                    Err(m) => {
                        self.err.push_str(&m);
                        if !m.is_empty() {
                            self.err.push('\n');
                        }
                        return Ok(-1);
                    }
                }
            } else if matches(w, "broadcast") || w == "brd" {
                let a = next_arg!();
                match ll_addr_a2n(a, 32) {
                    Ok(b) => req.put(IFLA_BROADCAST, &b),
                    Err(m) => {
                        self.err.push_str(&m);
                        if !m.is_empty() {
                            self.err.push('\n');
                        }
                        return Ok(-1);
                    }
                }
            } else if matches(w, "txqueuelen") || w == "qlen" || matches(w, "txqlen") {
                let a = next_arg!();
                if p.qlen.is_some() {
                    return Err(duparg(&mut self.err, "txqueuelen", a));
                }
                let Some(q) = get_integer(a) else {
                    return Err(invarg(&mut self.err, "Invalid \"txqueuelen\" value\n", a));
                };
                p.qlen = Some(q);
                req.put_u32(IFLA_TXQLEN, q as u32);
            } else if w == "mtu" {
                let a = next_arg!();
                if p.mtu.is_some() {
                    return Err(duparg(&mut self.err, "mtu", a));
                }
                let Some(m) = get_integer(a) else {
                    return Err(invarg(&mut self.err, "Invalid \"mtu\" value\n", a));
                };
                p.mtu = Some(m);
                req.put_u32(IFLA_MTU, m as u32);
            } else if matches!(w, "xdpgeneric" | "xdpdrv" | "xdpoffload" | "xdp") {
                return Err(unmodelled(&mut self.err, "XDP"));
            } else if w == "netns" {
                let a = next_arg!();
                if p.netns {
                    return Err(duparg(&mut self.err, "netns", a));
                }
                if let Some(fd) = self.netns_get_fd(a) {
                    req.put_u32(IFLA_NET_NS_FD, fd as u32);
                } else if let Some(pid) = get_integer(a) {
                    req.put_u32(IFLA_NET_NS_PID, pid as u32);
                } else {
                    return Err(invarg(&mut self.err, "Invalid \"netns\" value\n", a));
                }
                p.netns = true;
            } else if let Some((flag, invert)) = flag_word(w) {
                let a = next_arg!();
                req.i.change |= flag;
                let on = match a {
                    "on" => true,
                    "off" => false,
                    _ => return Ok(on_off(&mut self.err, w, a)),
                };
                if on != invert {
                    req.i.flags |= flag;
                } else {
                    req.i.flags &= !flag;
                }
            } else if w == "carrier" {
                let a = next_arg!();
                match self.parse_on_off("carrier", a) {
                    Some(v) => req.put_u8(IFLA_CARRIER, v as u8),
                    None => return Ok(-(Errno::EINVAL.0)),
                }
            } else if w == "vf" || w == "vrf" {
                return Err(unmodelled(&mut self.err, &format!("\"{w}\"")));
            } else if matches(w, "master") {
                let a = next_arg!();
                let ifindex = self.ll_name_to_index(a);
                if ifindex == 0 {
                    return Err(invarg(&mut self.err, "Device does not exist\n", a));
                }
                req.put_u32(IFLA_MASTER, ifindex);
            } else if matches(w, "nomaster") {
                req.put_u32(IFLA_MASTER, 0);
            } else if matches(w, "type") {
                let a = next_arg!();
                *kind = Some(a.to_string());
                i += 1;
                break;
            } else if matches(w, "alias") {
                let a = next_arg!();
                if a.len() >= IFALIASZ {
                    return Err(invarg(&mut self.err, "alias too long\n", a));
                }
                req.put(IFLA_IFALIAS, a.as_bytes());
            } else if w == "group" {
                let a = next_arg!();
                if p.group.is_some() {
                    return Err(duparg(&mut self.err, "group", a));
                }
                let Some(g) = rtnl_group_a2n(a) else {
                    return Err(invarg(&mut self.err, "Invalid \"group\" value\n", a));
                };
                p.group = Some(g);
                req.put_u32(IFLA_GROUP, g as u32);
            } else if w == "mode" {
                let a = next_arg!();
                let mode = match a.to_ascii_lowercase().as_str() {
                    "default" => IF_LINK_MODE_DEFAULT,
                    "dormant" => IF_LINK_MODE_DORMANT,
                    _ => return Err(invarg(&mut self.err, "Invalid link mode\n", a)),
                };
                req.put_u8(IFLA_LINKMODE, mode);
            } else if w == "state" {
                let a = next_arg!();
                let Some(state) = OPER_STATES.iter().position(|s| s.eq_ignore_ascii_case(a)) else {
                    return Err(invarg(&mut self.err, "Invalid operstate\n", a));
                };
                req.put_u8(IFLA_OPERSTATE, state as u8);
            } else if matches(w, "numtxqueues") || matches(w, "numrxqueues") {
                let tx = matches(w, "numtxqueues");
                let key = if tx { "numtxqueues" } else { "numrxqueues" };
                let a = next_arg!();
                let slot = if tx { &mut p.numtxqueues } else { &mut p.numrxqueues };
                if slot.is_some() {
                    return Err(duparg(&mut self.err, key, a));
                }
                let Some(n) = get_integer(a) else {
                    return Err(invarg(&mut self.err, &format!("Invalid \"{key}\" value\n"), a));
                };
                *slot = Some(n);
                req.put_u32(if tx { IFLA_NUM_TX_QUEUES } else { IFLA_NUM_RX_QUEUES }, n as u32);
            } else if matches(w, "addrgenmode") {
                let a = next_arg!();
                let mode = match a.to_ascii_lowercase().as_str() {
                    "eui64" => IN6_ADDR_GEN_MODE_EUI64,
                    "none" => IN6_ADDR_GEN_MODE_NONE,
                    "stable_secret" => IN6_ADDR_GEN_MODE_STABLE_PRIVACY,
                    "random" => IN6_ADDR_GEN_MODE_RANDOM,
                    _ => return Err(invarg(&mut self.err, "Invalid address generation mode\n", a)),
                };
                let afs = req.nest(IFLA_AF_SPEC);
                let afs6 = req.nest(AF_INET6 as u16);
                req.put_u8(IFLA_INET6_ADDR_GEN_MODE, mode);
                req.nest_end(afs6);
                req.nest_end(afs);
            } else if matches(w, "link-netns") {
                return Err(unmodelled(&mut self.err, "\"link-netns\" (it assigns namespace ids)"));
            } else if matches(w, "link-netnsid") {
                let a = next_arg!();
                if p.link_netnsid.is_some() {
                    return Err(duparg(&mut self.err, "link-netns/link-netnsid", a));
                }
                let Some(id) = get_integer(a) else {
                    return Err(invarg(&mut self.err, "Invalid \"link-netnsid\" value\n", a));
                };
                p.link_netnsid = Some(id);
                req.put_u32(IFLA_LINK_NETNSID, id as u32);
            } else if w == "protodown" {
                let a = next_arg!();
                match self.parse_on_off("protodown", a) {
                    Some(v) => req.put_u8(IFLA_PROTO_DOWN, v as u8),
                    None => return Ok(-(Errno::EINVAL.0)),
                }
            } else if w == "protodown_reason" {
                return Err(unmodelled(&mut self.err, "\"protodown_reason\""));
            } else if w == "gso_max_size" || w == "gro_max_size" {
                let a = next_arg!();
                let Some(v) = get_unsigned(a) else {
                    return Err(invarg(&mut self.err, &format!("Invalid \"{w}\" value\n"), a));
                };
                req.put_u32(if w == "gso_max_size" { IFLA_GSO_MAX_SIZE } else { IFLA_GRO_MAX_SIZE }, v);
            } else if w == "gso_max_segs" {
                let a = next_arg!();
                match get_unsigned(a) {
                    Some(v) if v <= 65535 => req.put_u32(IFLA_GSO_MAX_SEGS, v),
                    _ => return Err(invarg(&mut self.err, "Invalid \"gso_max_segs\" value\n", a)),
                }
            } else if w == "parentdev" {
                let a = next_arg!();
                req.put_strz(IFLA_PARENT_DEV_NAME, a);
            } else {
                if matches(w, "help") {
                    self.err.push_str("Usage: ip link add|delete|set|show … (see ip-link(8))\n");
                    return Err(Exit::USAGE);
                }
                let a = if w == "dev" { next_arg!() } else { w };
                let dev_is_name = p.same || (p.dev.is_none() && p.name.is_none());
                if !dev_is_name {
                    return Err(duparg2(&mut self.err, "dev", a));
                }
                if !check_altifname(a) {
                    return Err(invarg(&mut self.err, "\"dev\" not a valid ifname", a));
                }
                p.dev = Some(a.to_string());
                p.same = false;
            }
            i += 1;
        }
        let ret = i as i32;
        let create = req.flags() & NLM_F_CREATE != 0;

        // Allow "ip link add dev" and "ip link add name"
        match (&p.name, &p.dev) {
            (None, _) => {
                p.name = p.dev.clone();
                p.same = true;
            }
            (Some(_), None) => {
                p.dev = p.name.clone();
                p.same = true;
            }
            (Some(n), Some(d)) if n == d => p.same = true,
            _ => {}
        }

        if let Some(dev) = p.dev.clone() {
            if p.addr_len != 0 && !create {
                let halen = self.nl_get_ll_addr_len(&dev);
                if halen >= 0 && halen != p.addr_len as i64 {
                    self.err.push_str(&format!("Invalid address length {} - must be {} bytes\n", p.addr_len, halen));
                    return Ok(-1);
                }
            }
        }

        if p.index != 0 && !create && !p.netns {
            self.err.push_str("index can be used only when creating devices or when moving device to another netns.\n");
            return Err(Exit::USAGE);
        }

        if p.group.is_some() && p.dev.is_none() {
            if i < args.len() {
                self.err
                    .push_str(&format!("Garbage instead of arguments \"{} ...\". Try \"ip link help\".\n", args[i]));
                return Err(Exit::USAGE);
            }
            if create {
                self.err.push_str("group cannot be used when creating devices.\n");
                return Err(Exit::USAGE);
            }
            *kind = None;
            return Ok(ret);
        }

        if !create {
            let Some(dev) = p.dev.clone() else {
                self.err.push_str("Not enough information: \"dev\" argument is required.\n");
                return Err(Exit::USAGE);
            };
            req.i.index = self.ll_name_to_index(&dev) as i32;
            if req.i.index == 0 {
                return Ok(nodev(&mut self.err, &dev));
            }
            // Not renaming to the same name
            if p.same {
                p.name = None;
            }
            if p.index != 0 {
                req.put_u32(IFLA_NEW_IFINDEX, p.index as u32);
            }
        } else {
            if !p.same {
                self.err.push_str("both \"name\" and \"dev\" cannot be used when creating devices.\n");
                return Err(Exit::USAGE);
            }
            if let Some(link) = p.link.clone() {
                let ifindex = self.ll_name_to_index(&link);
                if ifindex == 0 {
                    return Ok(nodev(&mut self.err, &link));
                }
                req.put_u32(IFLA_LINK, ifindex);
            }
            req.i.index = p.index;
        }

        if let Some(name) = &p.name {
            req.put_strz(IFLA_IFNAME, name);
        }
        Ok(ret)
    }

    /// `parse_on_off`: `off` or `on`, by prefix.
    pub(super) fn parse_on_off(&mut self, msg: &str, val: &str) -> Option<bool> {
        if matches(val, "off") {
            return Some(false);
        }
        if matches(val, "on") {
            return Some(true);
        }
        self.err.push_str(&format!("Error: argument of \"{msg}\" must be one of \"off\", \"on\", not \"{val}\"\n"));
        None
    }

    /// `netns_get_fd`: the namespace file of `name` (kept open for the rest
    /// of the invocation, as ip never closes it).
    pub(super) fn netns_get_fd(&mut self, name: &str) -> Option<i32> {
        let f = self.host.netns_open(Some(name)).ok()?;
        let fd = f.fd();
        self.open_files.push(f);
        Some(fd)
    }

    /// `iplink_modify`.
    fn iplink_modify(&mut self, cmd: u16, flags: u16, args: &[String]) -> CmdResult {
        let mut req = IplinkReq::new(cmd, NLM_F_REQUEST | flags, self.opts.family);
        let mut kind = None;
        let ret = self.iplink_parse(args, &mut req, &mut kind)?;
        if ret < 0 {
            return Ok(ret);
        }
        if let Some(kind) = kind {
            let linkinfo = req.nest(IFLA_LINKINFO);
            req.put(IFLA_INFO_KIND, kind.as_bytes());
            let lu = get_link_kind(&kind);
            let slave = kind.find('_').is_some_and(|u| &kind[u..] == "_slave");
            let iflatype = if slave { IFLA_INFO_SLAVE_DATA } else { IFLA_INFO_DATA };
            debug_assert!(iflatype <= IFLA_INFO_MAX);
            let rest = &args[ret as usize..];
            match lu {
                Some(lu) if !rest.is_empty() => {
                    let data = req.nest(iflatype);
                    let r = match lu {
                        LinkUtil::Veth => self.veth_parse_opt(rest, &mut req)?,
                        LinkUtil::Bridge => self.bridge_parse_opt(rest, &mut req)?,
                        LinkUtil::BridgeSlave | LinkUtil::Unmodelled => {
                            return Err(unmodelled(&mut self.err, &format!("options of type {kind}")));
                        }
                        LinkUtil::NoOptions => 0,
                    };
                    if r != 0 {
                        return Ok(-1);
                    }
                    req.nest_end(data);
                }
                None if !rest.is_empty() => {
                    if matches(&rest[0], "help") {
                        self.err.push_str("Usage: ip link add … type TYPE [ ARGS ]\n");
                        return Err(Exit::USAGE);
                    }
                    self.err.push_str(&format!(
                        "Garbage instead of arguments \"{} ...\". Try \"ip link help\".\n",
                        rest[0]
                    ));
                    return Ok(-1);
                }
                _ => {}
            }
            req.nest_end(linkinfo);
        } else if flags & NLM_F_CREATE != 0 {
            self.err.push_str("Not enough information: \"type\" argument is required\n");
            return Ok(-1);
        }
        if let Some(m) = req.exceeded_message() {
            self.err.push_str(&m);
            return Ok(-1);
        }
        let index = req.i.index as u32;
        let mut bytes = req.finish();
        match self.rth.talk(&mut bytes, false, true, &mut self.err) {
            Ok(_) => {}
            Err(Flow::Exit(x)) => return Err(x),
            Err(Flow::Fail(_)) => return Ok(-2),
        }
        // remove device from cache; next use can refresh with new data
        self.ll.drop_index(index);
        Ok(0)
    }

    /// `iplink_get`: RTM_GETLINK of one device by name, printed.
    pub(super) fn iplink_get(&mut self, name: &str, filt_mask: u32) -> Result<(), Flow> {
        let mut req = IplinkReq::new(RTM_GETLINK, NLM_F_REQUEST, self.opts.family);
        req.put_strz(if check_ifname(name) { IFLA_IFNAME } else { IFLA_ALT_IFNAME }, name);
        req.put_u32(IFLA_EXT_MASK, filt_mask);
        let mut bytes = req.finish();
        let answer = match self.rth.talk(&mut bytes, true, true, &mut self.err) {
            Ok(Some(a)) => a,
            Ok(None) => return Err(Flow::Fail(-2)),
            Err(Flow::Fail(_)) => return Err(Flow::Fail(-2)),
            Err(x) => return Err(x),
        };
        self.out.open_json_object(None);
        self.print_linkinfo(&NlMsgHdr::new_unchecked(&answer[..]))?;
        self.out.close_json_object();
        Ok(())
    }
}

/// The `WORD on|off` flags of `iplink_parse`, and whether `on` clears the bit.
fn flag_word(w: &str) -> Option<(u32, bool)> {
    Some(match w {
        "multicast" => (IFF_MULTICAST, false),
        "allmulticast" => (IFF_ALLMULTI, false),
        "promisc" => (IFF_PROMISC, false),
        "trailers" => (IFF_NOTRAILERS, true),
        "arp" => (IFF_NOARP, true),
        w if matches(w, "dynamic") => (IFF_DYNAMIC, false),
        _ => return None,
    })
}

/// C's `atoi`: leading digits, 0 if none.
fn atoi(s: &str) -> i32 {
    let t = s.trim_start();
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let v: i64 = t[..end].parse().unwrap_or(0);
    (if neg { -v } else { v }) as i32
}
