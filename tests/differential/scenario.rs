//! The scenario language of the differential harness.
//!
//! A scenario is a list of operations, one per line; `#` starts a comment
//! and a line ending in `\` continues on the next. Sockets are named; every
//! socket operation names its socket first.
//!
//! ```text
//! socket NAME PROTO [user] [ns=NS]  PROTO: ROUTE, USERSOCK, UEVENT or a number; `user` = uid 65534, no caps;
//!                                   `ns=NS`: opened in namespace NS (made by `netns`)
//! socket_type NAME TYPE PROTO       socket(2) with another type (e.g. 1 = SOCK_STREAM)
//! bind NAME PID [GROUPS]            bind(2); PID 0 autobinds; GROUPS is the nl_groups mask
//! bind_raw NAME HEX                 bind(2) with raw sockaddr bytes (length = bytes given)
//! connect NAME PID [GROUPS]         connect(2)
//! disconnect NAME                   connect(2) to AF_UNSPEC
//! getsockname NAME | getpeername NAME
//! setsockopt NAME LEVEL OPT VALUE   LEVEL: SOL_NETLINK | SOL_SOCKET; VALUE: integer or hex:BYTES
//! getsockopt NAME LEVEL OPT LEN     prints the returned length and bytes
//! send NAME [to=PID[/GROUPS]] [flags=F|F] ITEM...
//! recv NAME LEN [flags=F|F]         one recvmsg(2), MSG_DONTWAIT implied
//! drain NAME                        recvmsg(2) with a 64 KiB buffer until EAGAIN
//! setuid NAME                       later calls on NAME run as uid 65534 without capabilities
//! close NAME
//! repeat N OPERATION                the operation N times
//! netns NS                          a second network namespace, named NS (the real kernel: a thread
//!                                   that unshared CLONE_NEWNET, and an fd of its /proc/…/ns/net;
//!                                   the simulator: Kernel::netns_add)
//! netns_del NS                      drops the harness's references to NS (the fd and the thread;
//!                                   Kernel::netns_del): it dies once its sockets are closed too
//! wait MS                           the real kernel: sleep MS milliseconds, for work Linux defers
//!                                   (linkwatch, cleanup_net) and for its timers (DAD, address
//!                                   lifetimes, neighbour states); the simulator: advance the virtual
//!                                   clock by MS (Kernel::advance_ms), running the timers that fall
//!                                   due; the deferred work it ran before the request returned (at
//!                                   rtnl_unlock, or in the put_net that drops the last reference)
//! ```
//!
//! A datagram is the concatenation of its ITEMs:
//! `m:TYPE:FLAGS:SEQ[:HEX]` is one netlink message (`nlmsg_len` computed,
//! payload padded to 4), `m:TYPE:FLAGS:SEQ:HEX:len=N` forces `nlmsg_len`,
//! `raw:HEX` is raw bytes, `zeros:N` N zero bytes. TYPE and FLAGS take numbers or names
//! (`RTM_GETLINK`, `REQUEST|ACK|DUMP`); `PID` is the process id.
//!
//! `m:TYPE:FLAGS:SEQ{BODY}` writes the payload readably. BODY is a list of
//! pieces separated by blanks (braces nest):
//!
//! ```text
//! ifinfo:FAMILY:TYPE:INDEX:FLAGS:CHANGE   struct ifinfomsg (16 bytes); missing fields are 0
//! rtgen:FAMILY                            struct rtgenmsg (1 byte)
//! ifaddr:FAMILY:PREFIXLEN:FLAGS:SCOPE:INDEX  struct ifaddrmsg (8 bytes)
//! rtmsg:FAMILY:DST_LEN:SRC_LEN:TOS:TABLE:PROTOCOL:SCOPE:TYPE:FLAGS  struct rtmsg (12 bytes)
//! ndmsg:FAMILY:IFINDEX:STATE:FLAGS:TYPE   struct ndmsg (12 bytes)
//! rtnh:FLAGS:HOPS:IFINDEX{BODY}           struct rtnexthop and its attributes (in RTA_MULTIPATH)
//! hex:HEX                                 raw bytes
//! a:ATTR                                  an attribute without payload (a flag)
//! a:ATTR:KIND:VALUE                       one attribute: KIND is u8, u16, u32, s32, u64, str (NUL-terminated,
//!                                         as nla_put_string), strn (no NUL), hex, mac (aa:bb:cc:dd:ee:ff),
//!                                         ip4 (10.0.0.1), ip6 (2001:db8::1), or nsfd (VALUE names a namespace: its fd, resolved when sent)
//! nest:ATTR{BODY}                         a nested attribute (without NLA_F_NESTED, as iproute2's
//!                                         addattr_nest; write ATTR|NLA_F_NESTED for the flag)
//! ```
//!
//! ATTR is a name (`IFLA_IFNAME`, `IFLA_INFO_KIND`, `VETH_INFO_PEER`, …) or a
//! number; values take names too (`IFF_UP`, `RTEXT_FILTER_VF|RTEXT_FILTER_SKIP_STATS`).
//! Attributes start 4-aligned, as `nlmsg_attrdata` expects. Example:
//!
//! ```text
//! send a m:RTM_NEWLINK:REQUEST|ACK|CREATE|EXCL:1{ ifinfo a:IFLA_IFNAME:str:v0 \
//!        nest:IFLA_LINKINFO{ a:IFLA_INFO_KIND:str:veth \
//!          nest:IFLA_INFO_DATA{ nest:VETH_INFO_PEER{ ifinfo a:IFLA_IFNAME:str:v1 } } } }
//! ```
//!
//! MAC addresses written with `mac` are printed literally in transcripts;
//! others the kernel picked at random are named by first appearance
//! (outcome.rs).

use std::collections::HashMap;

use rtnlsim::wire::uapi::if_link::{ifla_name, IFLA_MAX};

/// A value the backend fills in when it sends (it differs between the
/// simulator and the kernel).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fixup {
    /// The file descriptor of a namespace made by `netns`, as a u32.
    NsFd(String),
}

#[derive(Debug, Clone)]
pub enum Op {
    Socket {
        name: String,
        ty: i32,
        proto: i32,
        user: bool,
        ns: Option<String>,
    },
    Bind {
        name: String,
        addr: Vec<u8>,
    },
    Connect {
        name: String,
        addr: Vec<u8>,
    },
    GetSockName {
        name: String,
    },
    GetPeerName {
        name: String,
    },
    SetSockOpt {
        name: String,
        level: i32,
        opt: u32,
        val: Vec<u8>,
    },
    GetSockOpt {
        name: String,
        level: i32,
        opt: u32,
        len: usize,
    },
    /// `fixups`: (offset in `data`, what to write there); `macs`: the MAC
    /// addresses the request spells out, which transcripts print literally.
    Send {
        name: String,
        to: Option<Vec<u8>>,
        flags: u32,
        data: Vec<u8>,
        fixups: Vec<(usize, Fixup)>,
        macs: Vec<[u8; 6]>,
    },
    Recv {
        name: String,
        len: usize,
        flags: u32,
    },
    Drain {
        name: String,
    },
    SetUid {
        name: String,
    },
    Close {
        name: String,
    },
    Netns {
        ns: String,
    },
    NetnsDel {
        ns: String,
    },
    Wait {
        ms: u64,
    },
}

impl Op {
    /// The socket the operation works on ("" for the namespace and wait operations).
    pub fn sock(&self) -> &str {
        match self {
            Op::Socket { name, .. }
            | Op::Bind { name, .. }
            | Op::Connect { name, .. }
            | Op::GetSockName { name }
            | Op::GetPeerName { name }
            | Op::SetSockOpt { name, .. }
            | Op::GetSockOpt { name, .. }
            | Op::Send { name, .. }
            | Op::Recv { name, .. }
            | Op::Drain { name }
            | Op::SetUid { name }
            | Op::Close { name } => name,
            Op::Netns { .. } | Op::NetnsDel { .. } | Op::Wait { .. } => "",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Step {
    pub line: String,
    pub op: Op,
}

/// Joins continued lines (ending in `\`), keeping the number of the first.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim_end();
        let (cont, body) = match line.strip_suffix('\\') {
            Some(b) => (true, b),
            None => (false, line),
        };
        let joined = match pending.take() {
            Some((first, mut acc)) => {
                acc.push(' ');
                acc.push_str(body.trim());
                (first, acc)
            }
            None => (n, body.trim().to_string()),
        };
        if cont {
            pending = Some(joined);
        } else {
            out.push(joined);
        }
    }
    if let Some(p) = pending {
        out.push(p);
    }
    out
}

pub fn parse(text: &str) -> Result<Vec<Step>, String> {
    let mut out = Vec::new();
    for (n, line) in logical_lines(text) {
        if line.is_empty() {
            continue;
        }
        // `repeat N OP…` runs the operation N times.
        let (times, rest) = match line.strip_prefix("repeat ") {
            Some(r) => {
                let (count, rest) =
                    r.split_once(' ').ok_or_else(|| format!("line {}: repeat needs an operation", n + 1))?;
                (count.parse::<usize>().map_err(|e| format!("line {}: {e}", n + 1))?, rest.trim())
            }
            None => (1, line.as_str()),
        };
        let op = parse_line(rest).map_err(|e| format!("line {}: {e}: {line}", n + 1))?;
        for _ in 0..times {
            out.push(Step { line: rest.to_string(), op: op.clone() });
        }
    }
    Ok(out)
}

fn names() -> HashMap<&'static str, u64> {
    let mut m = HashMap::new();
    for (k, v) in [
        ("ROUTE", 0),
        ("USERSOCK", 2),
        ("UEVENT", 15),
        ("SOL_SOCKET", 1),
        ("SOL_NETLINK", 270),
        ("SO_SNDBUF", 7),
        ("SO_RCVBUF", 8),
        ("SO_SNDBUFFORCE", 32),
        ("SO_RCVBUFFORCE", 33),
        ("SO_PROTOCOL", 38),
        ("NETLINK_ADD_MEMBERSHIP", 1),
        ("NETLINK_DROP_MEMBERSHIP", 2),
        ("NETLINK_PKTINFO", 3),
        ("NETLINK_BROADCAST_ERROR", 4),
        ("NETLINK_NO_ENOBUFS", 5),
        ("NETLINK_RX_RING", 6),
        ("NETLINK_LISTEN_ALL_NSID", 8),
        ("NETLINK_LIST_MEMBERSHIPS", 9),
        ("NETLINK_CAP_ACK", 10),
        ("NETLINK_EXT_ACK", 11),
        ("NETLINK_GET_STRICT_CHK", 12),
        ("NLMSG_NOOP", 1),
        ("NLMSG_ERROR", 2),
        ("NLMSG_DONE", 3),
        ("RTM_NEWLINK", 16),
        ("RTM_DELLINK", 17),
        ("RTM_GETLINK", 18),
        ("RTM_SETLINK", 19),
        ("RTM_NEWADDR", 20),
        ("RTM_DELADDR", 21),
        ("RTM_GETADDR", 22),
        ("RTM_NEWROUTE", 24),
        ("RTM_DELROUTE", 25),
        ("RTM_GETROUTE", 26),
        ("RTM_GETNETCONF", 82),
        ("RTM_NEWNSID", 88),
        ("RTM_NEWLINKPROP", 108),
        ("RTM_DELLINKPROP", 109),
        ("RTM_GETNSID", 90),
        // Addresses, routes and neighbours (include/uapi/linux/{if_addr,rtnetlink,neighbour}.h).
        ("RTM_NEWNEIGH", 28),
        ("RTM_DELNEIGH", 29),
        ("RTM_GETNEIGH", 30),
        ("RTM_GETMULTICAST", 58),
        ("RTM_GETANYCAST", 62),
        ("NONREC", 0x100),
        ("IFA_ADDRESS", 1),
        ("IFA_LOCAL", 2),
        ("IFA_LABEL", 3),
        ("IFA_BROADCAST", 4),
        ("IFA_ANYCAST", 5),
        ("IFA_CACHEINFO", 6),
        ("IFA_MULTICAST", 7),
        ("IFA_FLAGS", 8),
        ("IFA_RT_PRIORITY", 9),
        ("IFA_TARGET_NETNSID", 10),
        ("IFA_PROTO", 11),
        ("IFA_F_SECONDARY", 0x01),
        ("IFA_F_NODAD", 0x02),
        ("IFA_F_OPTIMISTIC", 0x04),
        ("IFA_F_DADFAILED", 0x08),
        ("IFA_F_HOMEADDRESS", 0x10),
        ("IFA_F_DEPRECATED", 0x20),
        ("IFA_F_TENTATIVE", 0x40),
        ("IFA_F_PERMANENT", 0x80),
        ("IFA_F_MANAGETEMPADDR", 0x100),
        ("IFA_F_NOPREFIXROUTE", 0x200),
        ("IFA_F_MCAUTOJOIN", 0x400),
        ("RTA_DST", 1),
        ("RTA_SRC", 2),
        ("RTA_IIF", 3),
        ("RTA_OIF", 4),
        ("RTA_GATEWAY", 5),
        ("RTA_PRIORITY", 6),
        ("RTA_PREFSRC", 7),
        ("RTA_METRICS", 8),
        ("RTA_MULTIPATH", 9),
        ("RTA_FLOW", 11),
        ("RTA_CACHEINFO", 12),
        ("RTA_TABLE", 15),
        ("RTA_MARK", 16),
        ("RTA_VIA", 18),
        ("RTA_PREF", 20),
        ("RTA_ENCAP_TYPE", 21),
        ("RTA_EXPIRES", 23),
        ("RTA_UID", 25),
        ("RTA_IP_PROTO", 27),
        ("RTA_NH_ID", 30),
        ("RTAX_MTU", 2),
        ("RTN_UNSPEC", 0),
        ("RTN_UNICAST", 1),
        ("RTN_LOCAL", 2),
        ("RTN_BROADCAST", 3),
        ("RTN_ANYCAST", 4),
        ("RTN_MULTICAST", 5),
        ("RTN_BLACKHOLE", 6),
        ("RTN_UNREACHABLE", 7),
        ("RTN_PROHIBIT", 8),
        ("RTN_THROW", 9),
        ("RTPROT_UNSPEC", 0),
        ("RTPROT_KERNEL", 2),
        ("RTPROT_BOOT", 3),
        ("RTPROT_STATIC", 4),
        ("RT_SCOPE_UNIVERSE", 0),
        ("RT_SCOPE_SITE", 200),
        ("RT_SCOPE_LINK", 253),
        ("RT_SCOPE_HOST", 254),
        ("RT_SCOPE_NOWHERE", 255),
        ("RT_TABLE_UNSPEC", 0),
        ("RT_TABLE_DEFAULT", 253),
        ("RT_TABLE_MAIN", 254),
        ("RT_TABLE_LOCAL", 255),
        ("RTM_F_NOTIFY", 0x100),
        ("RTM_F_CLONED", 0x200),
        ("RTM_F_LOOKUP_TABLE", 0x1000),
        ("RTM_F_FIB_MATCH", 0x2000),
        ("RTNH_F_DEAD", 1),
        ("RTNH_F_ONLINK", 4),
        ("RTNH_F_LINKDOWN", 16),
        ("NDA_DST", 1),
        ("NDA_LLADDR", 2),
        ("NDA_CACHEINFO", 3),
        ("NDA_PROBES", 4),
        ("NDA_VLAN", 5),
        ("NDA_IFINDEX", 8),
        ("NDA_MASTER", 9),
        ("NDA_PROTOCOL", 12),
        ("NDA_FLAGS_EXT", 15),
        ("NUD_INCOMPLETE", 0x01),
        ("NUD_REACHABLE", 0x02),
        ("NUD_STALE", 0x04),
        ("NUD_DELAY", 0x08),
        ("NUD_PROBE", 0x10),
        ("NUD_FAILED", 0x20),
        ("NUD_NOARP", 0x40),
        ("NUD_PERMANENT", 0x80),
        ("NTF_USE", 0x01),
        ("NTF_SELF", 0x02),
        ("NTF_MASTER", 0x04),
        ("NTF_PROXY", 0x08),
        ("NTF_ROUTER", 0x80),
        ("REQUEST", 0x1),
        ("MULTI", 0x2),
        ("ACK", 0x4),
        ("ECHO", 0x8),
        ("ROOT", 0x100),
        ("MATCH", 0x200),
        ("ATOMIC", 0x400),
        ("DUMP", 0x300),
        ("REPLACE", 0x100),
        ("EXCL", 0x200),
        ("CREATE", 0x400),
        ("APPEND", 0x800),
        ("BULK", 0x200),
        ("PEEK", 0x2),
        ("TRUNC", 0x20),
        ("DONTWAIT", 0x40),
        ("OOB", 0x1),
        // Attribute-type flag and values used inside message bodies.
        ("NLA_F_NESTED", 0x8000),
        ("AF_UNSPEC", 0),
        ("AF_INET", 2),
        ("AF_BRIDGE", 7),
        ("AF_INET6", 10),
        ("ARPHRD_ETHER", 1),
        ("ARPHRD_LOOPBACK", 772),
        ("IFF_UP", 0x1),
        ("IFF_BROADCAST", 0x2),
        ("IFF_LOOPBACK", 0x8),
        ("IFF_RUNNING", 0x40),
        ("IFF_NOARP", 0x80),
        ("IFF_PROMISC", 0x100),
        ("IFF_ALLMULTI", 0x200),
        ("IFF_MULTICAST", 0x1000),
        ("IFF_LOWER_UP", 0x10000),
        ("RTEXT_FILTER_VF", 1),
        ("RTEXT_FILTER_BRVLAN", 2),
        ("RTEXT_FILTER_BRVLAN_COMPRESSED", 4),
        ("RTEXT_FILTER_SKIP_STATS", 8),
        ("IF_OPER_UNKNOWN", 0),
        ("IF_OPER_DOWN", 2),
        ("IF_OPER_LOWERLAYERDOWN", 3),
        ("IF_OPER_DORMANT", 5),
        ("IF_OPER_UP", 6),
        // Nested attribute names (IFLA_* come from nlwire's table).
        ("IFLA_INFO_KIND", 1),
        ("IFLA_INFO_DATA", 2),
        ("IFLA_INFO_XSTATS", 3),
        ("IFLA_INFO_SLAVE_KIND", 4),
        ("IFLA_INFO_SLAVE_DATA", 5),
        ("VETH_INFO_PEER", 1),
        ("IFLA_INET_CONF", 1),
        ("IFLA_INET6_FLAGS", 1),
        ("IFLA_INET6_CONF", 2),
        ("IFLA_INET6_STATS", 3),
        ("IFLA_INET6_MCAST", 4),
        ("IFLA_INET6_CACHEINFO", 5),
        ("IFLA_INET6_ICMP6STATS", 6),
        ("IFLA_INET6_TOKEN", 7),
        ("IFLA_INET6_ADDR_GEN_MODE", 8),
        ("IFLA_INET6_RA_MTU", 9),
        ("IFLA_XDP_FD", 1),
        ("IFLA_XDP_ATTACHED", 2),
        ("IFLA_XDP_FLAGS", 3),
        ("NETNSA_NSID", 1),
        ("NETNSA_PID", 2),
        ("NETNSA_FD", 3),
        ("NETNSA_TARGET_NSID", 4),
    ] {
        m.insert(k, v);
    }
    for ty in 0..=IFLA_MAX {
        if let Some(n) = ifla_name(ty) {
            m.insert(n, ty as u64);
        }
    }
    m
}

fn num(s: &str) -> Result<u64, String> {
    let n = names();
    let mut total = 0u64;
    for part in s.split('|') {
        let v = if let Some(v) = n.get(part) {
            *v
        } else if part == "PID" {
            std::process::id() as u64
        } else if let Some(h) = part.strip_prefix("0x") {
            u64::from_str_radix(h, 16).map_err(|e| format!("{part}: {e}"))?
        } else if let Some(neg) = part.strip_prefix('-') {
            (neg.parse::<i64>().map_err(|e| format!("{part}: {e}"))?).wrapping_neg() as u64
        } else {
            part.parse::<u64>().map_err(|e| format!("{part}: {e}"))?
        };
        total |= v;
    }
    Ok(total)
}

pub fn hex(s: &str) -> Result<Vec<u8>, String> {
    let s: String = s.chars().filter(|c| !c.is_whitespace() && *c != '_').collect();
    if !s.len().is_multiple_of(2) {
        return Err(format!("odd hex length: {s}"));
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| e.to_string())).collect()
}

fn sockaddr(pid: u32, groups: u32) -> Vec<u8> {
    let mut b = vec![16, 0, 0, 0];
    b.extend_from_slice(&pid.to_ne_bytes());
    b.extend_from_slice(&groups.to_ne_bytes());
    b
}

/// Splits at blanks that are outside braces.
fn split_top(s: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = None;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth < 0 {
                    return Err(format!("unbalanced '}}' in {s}"));
                }
            }
            _ => {}
        }
        if c.is_whitespace() && depth == 0 {
            if let Some(st) = start.take() {
                out.push(&s[st..i]);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if depth != 0 {
        return Err(format!("unbalanced '{{' in {s}"));
    }
    if let Some(st) = start {
        out.push(&s[st..]);
    }
    Ok(out)
}

/// `NAME{INNER}` → (NAME, INNER).
fn braced(item: &str) -> Result<(&str, &str), String> {
    let open = item.find('{').ok_or_else(|| format!("missing '{{' in {item}"))?;
    let inner = item[open + 1..].strip_suffix('}').ok_or_else(|| format!("missing final '}}' in {item}"))?;
    Ok((&item[..open], inner))
}

/// A message body being built: bytes, deferred values and literal MACs.
#[derive(Default)]
struct Body {
    bytes: Vec<u8>,
    fixups: Vec<(usize, Fixup)>,
    macs: Vec<[u8; 6]>,
}

impl Body {
    fn align(&mut self) {
        while !self.bytes.len().is_multiple_of(4) {
            self.bytes.push(0);
        }
    }

    /// One `nlattr`: header, payload and padding to 4.
    fn attr(&mut self, ty: u16, payload: &[u8]) -> usize {
        self.align();
        let at = self.bytes.len();
        self.bytes.extend_from_slice(&((4 + payload.len()) as u16).to_ne_bytes());
        self.bytes.extend_from_slice(&ty.to_ne_bytes());
        self.bytes.extend_from_slice(payload);
        self.align();
        at + 4
    }

    fn absorb(&mut self, inner: Body, at: usize) {
        self.fixups.extend(inner.fixups.into_iter().map(|(o, f)| (o + at, f)));
        self.macs.extend(inner.macs);
        self.bytes.extend(inner.bytes);
    }
}

fn mac(s: &str) -> Result<[u8; 6], String> {
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() != 6 {
        return Err(format!("a MAC address has 6 bytes: {s}"));
    }
    let mut m = [0u8; 6];
    for (i, p) in parts.iter().enumerate() {
        m[i] = u8::from_str_radix(p, 16).map_err(|e| format!("{s}: {e}"))?;
    }
    Ok(m)
}

/// `:A:B:C…` after a header name → the numbers, missing ones 0 (up to 9).
fn fields(rest: &str) -> Result<[u64; 9], String> {
    let mut out = [0u64; 9];
    for (i, v) in rest.split(':').skip(1).enumerate() {
        if i >= out.len() {
            return Err(format!("too many header fields: {rest}"));
        }
        out[i] = num(v)?;
    }
    Ok(out)
}

/// The pieces of a message body (see the module documentation).
fn body(spec: &str) -> Result<Body, String> {
    let mut b = Body::default();
    for item in split_top(spec)? {
        if let Some(rest) = item.strip_prefix("ifinfo") {
            let f: Vec<&str> = rest.split(':').skip(1).collect();
            let field = |i: usize| f.get(i).map_or(Ok(0), |v| num(v));
            b.bytes.push(field(0)? as u8);
            b.bytes.push(0);
            b.bytes.extend_from_slice(&(field(1)? as u16).to_ne_bytes());
            b.bytes.extend_from_slice(&(field(2)? as i32).to_ne_bytes());
            b.bytes.extend_from_slice(&(field(3)? as u32).to_ne_bytes());
            b.bytes.extend_from_slice(&(field(4)? as u32).to_ne_bytes());
        } else if let Some(rest) = item.strip_prefix("ifaddr") {
            let f = fields(rest)?;
            b.bytes.extend_from_slice(&[f[0] as u8, f[1] as u8, f[2] as u8, f[3] as u8]);
            b.bytes.extend_from_slice(&(f[4] as u32).to_ne_bytes());
        } else if let Some(rest) = item.strip_prefix("rtmsg") {
            let f = fields(rest)?;
            b.bytes.extend(f[..8].iter().map(|v| *v as u8));
            b.bytes.extend_from_slice(&(f[8] as u32).to_ne_bytes());
        } else if let Some(rest) = item.strip_prefix("ndmsg") {
            let f = fields(rest)?;
            b.bytes.extend_from_slice(&[f[0] as u8, 0, 0, 0]);
            b.bytes.extend_from_slice(&(f[1] as i32).to_ne_bytes());
            b.bytes.extend_from_slice(&(f[2] as u16).to_ne_bytes());
            b.bytes.extend_from_slice(&[f[3] as u8, f[4] as u8]);
        } else if item.starts_with("rtnh:") {
            let (head, inner) = braced(item)?;
            let f = fields(&head["rtnh".len()..])?;
            let inner = body(inner)?;
            b.align();
            let at = b.bytes.len();
            b.bytes.extend_from_slice(&0u16.to_ne_bytes());
            b.bytes.extend_from_slice(&[f[0] as u8, f[1] as u8]);
            b.bytes.extend_from_slice(&(f[2] as i32).to_ne_bytes());
            b.absorb(inner, at + 8);
            b.align();
            let len = (b.bytes.len() - at) as u16;
            b.bytes[at..at + 2].copy_from_slice(&len.to_ne_bytes());
        } else if let Some(f) = item.strip_prefix("rtgen:") {
            b.bytes.push(num(f)? as u8);
        } else if let Some(h) = item.strip_prefix("hex:") {
            b.bytes.extend(hex(h)?);
        } else if item.starts_with("nest:") {
            let (head, inner) = braced(item)?;
            let ty = num(&head["nest:".len()..])? as u16;
            let inner = body(inner)?;
            b.align();
            let at = b.bytes.len();
            b.bytes.extend_from_slice(&0u16.to_ne_bytes());
            b.bytes.extend_from_slice(&ty.to_ne_bytes());
            b.absorb(inner, at + 4);
            b.align();
            let len = (b.bytes.len() - at) as u16;
            b.bytes[at..at + 2].copy_from_slice(&len.to_ne_bytes());
        } else if let Some(a) = item.strip_prefix("a:") {
            let mut parts = a.splitn(3, ':');
            let ty = num(parts.next().unwrap_or(""))? as u16;
            let kind = parts.next();
            let value = parts.next();
            let v = || value.ok_or_else(|| format!("{item}: missing value"));
            let payload: Vec<u8> = match kind {
                None => Vec::new(),
                Some("u8") => vec![num(v()?)? as u8],
                Some("u16") => (num(v()?)? as u16).to_ne_bytes().to_vec(),
                Some("u32") => (num(v()?)? as u32).to_ne_bytes().to_vec(),
                Some("s32") => (num(v()?)? as i32).to_ne_bytes().to_vec(),
                Some("u64") => num(v()?)?.to_ne_bytes().to_vec(),
                Some("str") => {
                    let mut s = v()?.as_bytes().to_vec();
                    s.push(0);
                    s
                }
                Some("strn") => v()?.as_bytes().to_vec(),
                Some("hex") => hex(v()?)?,
                Some("ip4") => {
                    v()?.parse::<std::net::Ipv4Addr>().map_err(|e| format!("{item}: {e}"))?.octets().to_vec()
                }
                Some("ip6") => {
                    // An IPv6 address has colons: the value is the rest of the item.
                    let full = a.splitn(3, ':').nth(2).unwrap_or("");
                    full.parse::<std::net::Ipv6Addr>().map_err(|e| format!("{item}: {e}"))?.octets().to_vec()
                }
                Some("mac") => {
                    let m = mac(v()?)?;
                    b.macs.push(m);
                    m.to_vec()
                }
                Some("nsfd") => {
                    let at = b.attr(ty, &[0; 4]);
                    b.fixups.push((at, Fixup::NsFd(v()?.to_string())));
                    continue;
                }
                Some(k) => return Err(format!("unknown attribute kind {k} in {item}")),
            };
            b.attr(ty, &payload);
        } else {
            return Err(format!("unknown body item {item}"));
        }
    }
    Ok(b)
}

fn message(spec: &str) -> Result<Body, String> {
    if let Some(open) = spec.find('{') {
        let head: Vec<&str> = spec[..open].split(':').collect();
        if head.len() != 4 {
            return Err(format!("message needs m:TYPE:FLAGS:SEQ{{…}}: {spec}"));
        }
        let (_, inner) = braced(spec)?;
        let mut b = body(inner)?;
        b.align();
        let mut out = header(head[1], head[2], head[3], 16 + b.bytes.len() as u32)?;
        let at = out.len();
        out.extend(std::mem::take(&mut b.bytes));
        b.fixups.iter_mut().for_each(|(o, _)| *o += at);
        b.bytes = out;
        return Ok(b);
    }
    let parts: Vec<&str> = spec.split(':').collect();
    if parts.len() < 4 {
        return Err(format!("message needs m:TYPE:FLAGS:SEQ: {spec}"));
    }
    let mut payload = Vec::new();
    let mut forced_len = None;
    for extra in &parts[4..] {
        if let Some(l) = extra.strip_prefix("len=") {
            forced_len = Some(num(l)? as u32);
        } else {
            payload = hex(extra)?;
        }
    }
    let len = forced_len.unwrap_or(16 + payload.len() as u32);
    let mut out = header(parts[1], parts[2], parts[3], len)?;
    out.extend_from_slice(&payload);
    while !out.len().is_multiple_of(4) && forced_len.is_none() {
        out.push(0);
    }
    Ok(Body { bytes: out, ..Default::default() })
}

fn header(ty: &str, flags: &str, seq: &str, len: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    out.extend_from_slice(&len.to_ne_bytes());
    out.extend_from_slice(&(num(ty)? as u16).to_ne_bytes());
    out.extend_from_slice(&(num(flags)? as u16).to_ne_bytes());
    out.extend_from_slice(&(num(seq)? as u32).to_ne_bytes());
    out.extend_from_slice(&0u32.to_ne_bytes());
    Ok(out)
}

fn parse_line(line: &str) -> Result<Op, String> {
    let w = split_top(line)?;
    let arg = |i: usize| w.get(i).copied().ok_or_else(|| format!("missing argument {i}"));
    let name = arg(1)?.to_string();
    Ok(match w[0] {
        "socket" => Op::Socket {
            name,
            ty: 3,
            proto: num(arg(2)?)? as i32,
            user: w[3..].contains(&"user"),
            ns: w[3..].iter().find_map(|x| x.strip_prefix("ns=")).map(str::to_string),
        },
        "socket_type" => {
            Op::Socket { name, ty: num(arg(2)?)? as i32, proto: num(arg(3)?)? as i32, user: false, ns: None }
        }
        "bind" => Op::Bind {
            name,
            addr: sockaddr(num(arg(2)?)? as u32, w.get(3).map(|g| num(g)).transpose()?.unwrap_or(0) as u32),
        },
        "bind_raw" => Op::Bind { name, addr: hex(arg(2)?)? },
        "connect" => Op::Connect {
            name,
            addr: sockaddr(num(arg(2)?)? as u32, w.get(3).map(|g| num(g)).transpose()?.unwrap_or(0) as u32),
        },
        "disconnect" => Op::Connect { name, addr: vec![0, 0] },
        "getsockname" => Op::GetSockName { name },
        "getpeername" => Op::GetPeerName { name },
        "setsockopt" => {
            let v = arg(4)?;
            let val = match v.strip_prefix("hex:") {
                Some(h) => hex(h)?,
                None => (num(v)? as u32).to_ne_bytes().to_vec(),
            };
            Op::SetSockOpt { name, level: num(arg(2)?)? as i32, opt: num(arg(3)?)? as u32, val }
        }
        "getsockopt" => {
            Op::GetSockOpt { name, level: num(arg(2)?)? as i32, opt: num(arg(3)?)? as u32, len: num(arg(4)?)? as usize }
        }
        "send" => {
            let mut to = None;
            let mut flags = 0;
            let mut data = Body::default();
            for item in &w[2..] {
                if let Some(t) = item.strip_prefix("to=") {
                    let (pid, groups) = t.split_once('/').unwrap_or((t, "0"));
                    to = Some(sockaddr(num(pid)? as u32, num(groups)? as u32));
                } else if let Some(f) = item.strip_prefix("flags=") {
                    flags = num(f)? as u32;
                } else if let Some(h) = item.strip_prefix("raw:") {
                    data.bytes.extend(hex(h)?);
                } else if let Some(n) = item.strip_prefix("zeros:") {
                    data.bytes.extend(std::iter::repeat_n(0u8, num(n)? as usize));
                } else if item.starts_with("m:") {
                    let at = data.bytes.len();
                    data.absorb(message(item)?, at);
                } else {
                    return Err(format!("unknown send item {item}"));
                }
            }
            Op::Send { name, to, flags, data: data.bytes, fixups: data.fixups, macs: data.macs }
        }
        "recv" => {
            let flags = match w.get(3).and_then(|f| f.strip_prefix("flags=")) {
                Some(f) => num(f)? as u32,
                None => 0,
            };
            Op::Recv { name, len: num(arg(2)?)? as usize, flags }
        }
        "drain" => Op::Drain { name },
        "setuid" => Op::SetUid { name },
        "close" => Op::Close { name },
        "netns" => Op::Netns { ns: name },
        "netns_del" => Op::NetnsDel { ns: name },
        "wait" => Op::Wait { ms: num(&name)? },
        other => return Err(format!("unknown operation {other}")),
    })
}
