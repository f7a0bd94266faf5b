//! Small parsers and formatters of iproute2's lib/: utils.c (`matches`,
//! `get_integer`, `check_ifname`), ll_addr.c (`ll_addr_a2n`, `ll_addr_n2a`),
//! ll_types.c (`ll_type_n2a`), rt_names.c (the device groups) and glibc's
//! `strerror`, `ether_ntoa`.

use nlwire::Errno;

use nlwire::uapi::socket::{AF_BRIDGE, AF_INET, AF_INET6, AF_MPLS, AF_PACKET, AF_UNSPEC};

use super::uapi::*;

/// `matches(prefix, string) == 0`: `prefix` is a non-empty prefix of `string`.
/// (iproute2's `matches` returns *false* on a match; this returns true.)
pub fn matches(prefix: &str, string: &str) -> bool {
    !prefix.is_empty() && string.starts_with(prefix)
}

/// glibc's `strerror(errno)`.
pub fn strerror(e: Errno) -> String {
    match e.name() {
        Some(_) => e.strerror().to_string(),
        None => format!("Unknown error {}", e.0),
    }
}

/// `strtol`/`strtoul` with base 0 over the whole string: optional sign,
/// `0x` hex, `0` octal, else decimal. `None` if anything is left over.
fn strtol0(s: &str) -> Option<i128> {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (radix, digits) = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        (16, h)
    } else if t.len() > 1 && t.starts_with('0') {
        (8, &t[1..])
    } else {
        (10, t)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = i128::from_str_radix(digits, radix).ok()?;
    Some(if neg { -v } else { v })
}

/// `get_integer(&val, arg, 0)`.
pub fn get_integer(arg: &str) -> Option<i32> {
    strtol0(arg).and_then(|v| i32::try_from(v).ok())
}

/// `get_unsigned(&val, arg, 0)`: `strtoul` wraps a negative number, which then
/// fails the range check (except `-0`).
pub fn get_unsigned(arg: &str) -> Option<u32> {
    match strtol0(arg)? {
        v if v < 0 && v != 0 => None,
        v => u32::try_from(v).ok(),
    }
}

/// `check_ifname`: what the kernel's `dev_valid_name` would refuse.
pub fn check_ifname(name: &str) -> bool {
    name.len() < nlwire::uapi::if_::IFNAMSIZ && check_altifname(name)
}

/// `check_altifname`: not empty, no `/`, no white space.
pub fn check_altifname(name: &str) -> bool {
    !name.is_empty() && !name.bytes().any(|b| b == b'/' || b.is_ascii_whitespace() || b == 0x0b)
}

/// `sscanf(s, "%x")`: leading white space, a sign, an optional `0x`, then
/// hex digits up to the first other character.
fn scan_hex(s: &str) -> Option<i64> {
    let t = s.trim_start();
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let t = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(h) if h.starts_with(|c: char| c.is_ascii_hexdigit()) => h,
        _ => t,
    };
    let end = t.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(t.len());
    if end == 0 {
        return None;
    }
    let v = i64::from_str_radix(&t[..end.min(15)], 16).ok()?;
    Some(if neg { -v } else { v })
}

/// `ll_addr_a2n`: `aa:bb:…` (or a dotted IPv4 address) into at most `len`
/// bytes; `Err(text)` carries the message ip prints.
pub fn ll_addr_a2n(arg: &str, len: usize) -> Result<Vec<u8>, String> {
    if arg.contains('.') {
        let parts: Vec<&str> = arg.split('.').collect();
        let bytes: Option<Vec<u8>> =
            if parts.len() == 4 { parts.iter().map(|p| p.parse().ok()).collect() } else { None };
        return match bytes {
            Some(b) if len >= 4 => Ok(b),
            Some(_) => Err(String::new()),
            None => Err(format!("\"{arg}\" is invalid lladdr.")),
        };
    }
    let mut out = Vec::new();
    let mut rest = arg;
    for _ in 0..len {
        let (part, next) = match rest.find(':') {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        match scan_hex(part) {
            Some(v) if (0..=255).contains(&v) => out.push(v as u8),
            _ => return Err(format!("\"{part}\" is invalid lladdr.")),
        }
        match next {
            Some(n) => rest = n,
            None => break,
        }
    }
    Ok(out)
}

/// `ll_addr_n2a`: a link-layer address as text, by device type.
pub fn ll_addr_n2a(addr: &[u8], ty: u16) -> String {
    if addr.len() == 4 && matches!(ty, ARPHRD_TUNNEL | ARPHRD_SIT | ARPHRD_IPGRE) {
        return format!("{}.{}.{}.{}", addr[0], addr[1], addr[2], addr[3]);
    }
    if addr.len() == 16 && matches!(ty, ARPHRD_TUNNEL6 | ARPHRD_IP6GRE) {
        let mut a = [0u8; 16];
        a.copy_from_slice(addr);
        return std::net::Ipv6Addr::from(a).to_string();
    }
    if addr.is_empty() {
        // The C code prints addr[0] regardless; an empty address never comes from the kernel.
        return "00".into();
    }
    addr.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")
}

/// glibc's `ether_ntoa_r`: hex bytes without zero padding.
pub fn ether_ntoa(addr: &[u8]) -> String {
    addr.iter().take(6).map(|b| format!("{b:x}")).collect::<Vec<_>>().join(":")
}

/// `ll_type_n2a`: the `link/…` name of an `ARPHRD_*` type, or `[N]`.
pub fn ll_type_n2a(ty: u16) -> String {
    let name = match ty {
        ARPHRD_NETROM => "netrom",
        ARPHRD_ETHER => "ether",
        ARPHRD_EETHER => "eether",
        ARPHRD_AX25 => "ax25",
        ARPHRD_PRONET => "pronet",
        ARPHRD_CHAOS => "chaos",
        ARPHRD_IEEE802 => "ieee802",
        ARPHRD_ARCNET => "arcnet",
        ARPHRD_APPLETLK => "atalk",
        ARPHRD_DLCI => "dlci",
        ARPHRD_ATM => "atm",
        ARPHRD_METRICOM => "metricom",
        ARPHRD_IEEE1394 => "ieee1394",
        ARPHRD_INFINIBAND => "infiniband",
        ARPHRD_SLIP => "slip",
        ARPHRD_CSLIP => "cslip",
        ARPHRD_SLIP6 => "slip6",
        ARPHRD_CSLIP6 => "cslip6",
        ARPHRD_RSRVD => "rsrvd",
        ARPHRD_ADAPT => "adapt",
        ARPHRD_ROSE => "rose",
        ARPHRD_X25 => "x25",
        ARPHRD_HWX25 => "hwx25",
        ARPHRD_CAN => "can",
        ARPHRD_PPP => "ppp",
        ARPHRD_HDLC => "hdlc",
        ARPHRD_LAPB => "lapb",
        ARPHRD_DDCMP => "ddcmp",
        ARPHRD_RAWHDLC => "rawhdlc",
        ARPHRD_TUNNEL => "ipip",
        ARPHRD_TUNNEL6 => "tunnel6",
        ARPHRD_FRAD => "frad",
        ARPHRD_SKIP => "skip",
        ARPHRD_LOOPBACK => "loopback",
        ARPHRD_LOCALTLK => "ltalk",
        ARPHRD_FDDI => "fddi",
        ARPHRD_BIF => "bif",
        ARPHRD_SIT => "sit",
        ARPHRD_IPDDP => "ip/ddp",
        ARPHRD_IPGRE => "gre",
        ARPHRD_PIMREG => "pimreg",
        ARPHRD_HIPPI => "hippi",
        ARPHRD_ASH => "ash",
        ARPHRD_ECONET => "econet",
        ARPHRD_IRDA => "irda",
        ARPHRD_FCPP => "fcpp",
        ARPHRD_FCAL => "fcal",
        ARPHRD_FCPL => "fcpl",
        t if (ARPHRD_FCFABRIC..=ARPHRD_FCFABRIC + 12).contains(&t) => {
            return format!("fcfb{}", t - ARPHRD_FCFABRIC);
        }
        ARPHRD_IEEE802_TR => "tr",
        ARPHRD_IEEE80211 => "ieee802.11",
        ARPHRD_IEEE80211_PRISM => "ieee802.11/prism",
        ARPHRD_IEEE80211_RADIOTAP => "ieee802.11/radiotap",
        ARPHRD_IEEE802154 => "ieee802.15.4",
        ARPHRD_IEEE802154_MONITOR => "ieee802.15.4/monitor",
        ARPHRD_PHONET => "phonet",
        ARPHRD_PHONET_PIPE => "phonet_pipe",
        ARPHRD_CAIF => "caif",
        ARPHRD_IP6GRE => "gre6",
        ARPHRD_NETLINK => "netlink",
        ARPHRD_6LOWPAN => "6lowpan",
        ARPHRD_NONE => "none",
        ARPHRD_VOID => "void",
        t => return format!("[{t}]"),
    };
    name.to_string()
}

/// `rtnl_group_n2a`, with the stock /etc/iproute2/group (`0 default`).
pub fn rtnl_group_n2a(id: u32) -> String {
    if id == 0 {
        "default".into()
    } else {
        (id as i32).to_string()
    }
}

/// `rtnl_group_a2n`.
pub fn rtnl_group_a2n(arg: &str) -> Option<i32> {
    if arg == "default" {
        return Some(0);
    }
    match strtol0(arg) {
        Some(v) if v >= 0 => Some(v as i32),
        _ => None,
    }
}

/// `ll_idx_a2n`: `if%u` names an interface by index.
pub fn ll_idx_a2n(name: &str) -> u32 {
    let Some(rest) = name.strip_prefix("if") else { return 0 };
    let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    rest[..end].parse().unwrap_or(0)
}

/// `inet_prefix`'s `flags`: `PREFIXLEN_SPECIFIED` and the address types of
/// `set_address_type`.
pub const PREFIXLEN_SPECIFIED: u32 = 1 << 0;
pub const ADDRTYPE_INET: u32 = 1 << 1;
pub const ADDRTYPE_UNSPEC: u32 = 1 << 2;
pub const ADDRTYPE_MULTI: u32 = 1 << 3;

/// `inet_prefix` (include/utils.h): an address or prefix as ip parsed it.
/// `bitlen` -1 is "no length given", -2 "default/any/all".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InetPrefix {
    pub flags: u32,
    pub bytelen: i32,
    pub bitlen: i32,
    pub family: u8,
    pub data: [u8; 16],
}

impl InetPrefix {
    /// `data` up to `bytelen`.
    pub fn bytes(&self) -> &[u8] {
        &self.data[..(self.bytelen.clamp(0, 16) as usize)]
    }
    /// `is_addrtype_inet_not_unspec`.
    pub fn is_inet_not_unspec(&self) -> bool {
        self.flags & (ADDRTYPE_INET | ADDRTYPE_UNSPEC) == ADDRTYPE_INET
    }
    /// `is_addrtype_inet_unspec`.
    pub fn is_inet_unspec(&self) -> bool {
        self.flags & (ADDRTYPE_INET | ADDRTYPE_UNSPEC) == (ADDRTYPE_INET | ADDRTYPE_UNSPEC)
    }
    /// `is_addrtype_inet_multi`.
    pub fn is_inet_multi(&self) -> bool {
        self.flags & (ADDRTYPE_INET | ADDRTYPE_MULTI) == (ADDRTYPE_INET | ADDRTYPE_MULTI)
    }
}

/// `af_byte_len`.
pub fn af_byte_len(af: u8) -> i32 {
    af_bit_len(af) / 8
}

/// `af_bit_len`.
pub fn af_bit_len(af: u8) -> i32 {
    match af {
        AF_INET6 => 128,
        AF_INET => 32,
        AF_MPLS => 20,
        _ => 0,
    }
}

/// `get_addr_ipv4`: `strtoul(…, 0)` per part, so `010` is octal and `0x10` hex.
fn get_addr_ipv4(cp: &str) -> Option<[u8; 4]> {
    let mut ap = [0u8; 4];
    let mut rest = cp;
    for (i, slot) in ap.iter_mut().enumerate() {
        let end = rest.find('.').unwrap_or(rest.len());
        let part = &rest[..end];
        // strtoul stops at the first non-digit: anything left over is an error below.
        let n = strtol0(part).filter(|v| (0..=255).contains(v))?;
        *slot = n as u8;
        if end == rest.len() {
            return Some(ap);
        }
        if i == 3 {
            return None;
        }
        rest = &rest[end + 1..];
    }
    Some(ap)
}

/// `__get_addr_1` then `set_address_type`: `None` where ip's returns -1.
pub fn get_addr_1(name: &str, family: u8) -> Option<InetPrefix> {
    let mut a = InetPrefix::default();
    if name == "default" {
        if family == AF_MPLS {
            return None;
        }
        a.family = family;
        a.bytelen = af_byte_len(family);
        a.bitlen = -2;
        a.flags |= PREFIXLEN_SPECIFIED;
        return Some(a);
    }
    if name == "all" || name == "any" {
        if family == AF_MPLS {
            return None;
        }
        a.family = family;
        a.bitlen = -2;
        return Some(a);
    }
    if family == AF_PACKET {
        let v = ll_addr_a2n(name, 16).ok()?;
        a.family = AF_PACKET;
        a.bytelen = v.len() as i32;
        a.bitlen = a.bytelen * 8;
        a.data[..v.len()].copy_from_slice(&v);
        return Some(a);
    }
    if name.contains(':') {
        a.family = AF_INET6;
        if family != AF_UNSPEC && family != AF_INET6 {
            return None;
        }
        let ip: std::net::Ipv6Addr = name.parse().ok()?;
        a.data = ip.octets();
        a.bytelen = 16;
        a.bitlen = -1;
    } else {
        if family == AF_MPLS {
            return None; // MPLS labels are not modelled
        }
        a.family = AF_INET;
        if family != AF_UNSPEC && family != AF_INET {
            return None;
        }
        a.data[..4].copy_from_slice(&get_addr_ipv4(name)?);
        a.bytelen = 4;
        a.bitlen = -1;
    }
    // set_address_type
    let unspec = a.bytes().iter().all(|&b| b == 0);
    let multi = if a.family == AF_INET { a.data[0] & 0xf0 == 0xe0 } else { a.data[0] == 0xff };
    a.flags |= if unspec {
        ADDRTYPE_INET | ADDRTYPE_UNSPEC
    } else if multi {
        ADDRTYPE_INET | ADDRTYPE_MULTI
    } else {
        ADDRTYPE_INET
    };
    Some(a)
}

/// `get_netmask`: a length, or a dotted mask made of leading ones.
fn get_netmask(arg: &str) -> Option<u32> {
    if let Some(v) = get_unsigned(arg) {
        return Some(v);
    }
    let a = get_addr_1(arg, AF_INET)?;
    let m = u32::from_be_bytes([a.data[0], a.data[1], a.data[2], a.data[3]]);
    let b = m.leading_ones();
    (m.checked_shl(b).unwrap_or(0) == 0).then_some(b)
}

/// `get_prefix_1`.
pub fn get_prefix_1(arg: &str, family: u8) -> Option<InetPrefix> {
    let (addr, len) = match arg.find('/') {
        Some(i) => (&arg[..i], Some(&arg[i + 1..])),
        None => (arg, None),
    };
    let mut dst = get_addr_1(addr, family)?;
    let mut bitlen = af_bit_len(dst.family);
    match len {
        Some(l) => {
            if dst.bitlen == -2 {
                return None;
            }
            let plen = get_netmask(l)?;
            if plen as i64 > bitlen as i64 {
                return None;
            }
            dst.flags |= PREFIXLEN_SPECIFIED;
            bitlen = plen as i32;
        }
        None if dst.bitlen == -2 => bitlen = 0,
        None => {}
    }
    dst.bitlen = bitlen;
    Some(dst)
}

/// `family_name_verbose`.
fn family_name_verbose(family: u8) -> &'static str {
    if family == AF_UNSPEC {
        "any valid"
    } else {
        family_name(family)
    }
}

/// `family_name`.
pub fn family_name(family: u8) -> &'static str {
    match family {
        AF_INET => "inet",
        AF_INET6 => "inet6",
        AF_PACKET => "link",
        AF_MPLS => "mpls",
        AF_BRIDGE => "bridge",
        _ => "???",
    }
}

/// `get_addr`: an address or `exit(1)` with ip's message.
pub fn get_addr(err: &mut String, arg: &str, family: u8) -> Result<InetPrefix, super::error::Exit> {
    get_addr_1(arg, family).ok_or_else(|| {
        err.push_str(&format!("Error: {} address is expected rather than \"{arg}\".\n", family_name_verbose(family)));
        super::error::Exit(1)
    })
}

/// `get_prefix`: a prefix or `exit(1)` with ip's message.
pub fn get_prefix(err: &mut String, arg: &str, family: u8) -> Result<InetPrefix, super::error::Exit> {
    if family == AF_PACKET {
        err.push_str(&format!("Error: \"{arg}\" may be inet prefix, but it is not allowed in this context.\n"));
        return Err(super::error::Exit(1));
    }
    get_prefix_1(arg, family).ok_or_else(|| {
        err.push_str(&format!("Error: {} prefix is expected rather than \"{arg}\".\n", family_name_verbose(family)));
        super::error::Exit(1)
    })
}

/// `inet_addr_match`: the first `bits` bits equal.
pub fn inet_addr_match(a: &[u8], b: &[u8], bits: i32) -> bool {
    let bits = bits.max(0) as usize;
    let (bytes, rest) = (bits / 8, bits % 8);
    if a.len() < bytes + usize::from(rest > 0) || b.len() < bytes + usize::from(rest > 0) {
        return false;
    }
    if a[..bytes] != b[..bytes] {
        return false;
    }
    rest == 0 || (a[bytes] ^ b[bytes]) & (0xffu8 << (8 - rest)) == 0
}

/// `inet_addr_match_rta`: true when `m` selects this address (or selects all).
pub fn inet_addr_match_rta(m: &InetPrefix, rta: Option<&[u8]>) -> bool {
    let Some(r) = rta else { return true };
    if m.family == AF_UNSPEC || m.bitlen <= 0 {
        return true;
    }
    // get_addr_rta: the attribute's length picks the family.
    let fam = match r.len() {
        4 => AF_INET,
        16 => AF_INET6,
        _ => return false,
    };
    if fam != m.family {
        return false;
    }
    inet_addr_match(r, &m.data, m.bitlen)
}

/// glibc's `inet_ntop`, for AF_INET and AF_INET6 (IPv4-compatible and
/// -mapped IPv6 addresses end in dotted quads, as glibc writes them).
pub fn inet_ntop(af: u8, a: &[u8]) -> String {
    match (af, a.len()) {
        (AF_INET, 4..) => format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3]),
        (AF_INET6, 16..) => {
            let mut o = [0u8; 16];
            o.copy_from_slice(&a[..16]);
            let ip = std::net::Ipv6Addr::from(o);
            let w = ip.segments();
            if w[..6] == [0; 6] && w[6] != 0 {
                // glibc: the longest zero run is words 0-5 exactly.
                return format!("::{}.{}.{}.{}", a[12], a[13], a[14], a[15]);
            }
            ip.to_string()
        }
        _ => "???".into(),
    }
}

/// `format_host_rta` / `rt_addr_n2a_rta` without name resolution.
pub fn format_host(af: u8, a: &[u8]) -> String {
    match af {
        AF_INET | AF_INET6 => inet_ntop(af, a),
        AF_PACKET => ll_addr_n2a(a, ARPHRD_VOID),
        _ => "???".into(),
    }
}

/// A table of rt_names.c, as iproute2 6.1 ships it and Debian's
/// /etc/iproute2 files extend it.
fn tab_n2a(tab: &[(u32, &'static str)], id: u32) -> Option<&'static str> {
    tab.iter().find(|(i, _)| *i == id).map(|(_, n)| *n)
}

fn tab_a2n(tab: &[(u32, &'static str)], arg: &str, max: u64) -> Option<u32> {
    if let Some((i, _)) = tab.iter().find(|(_, n)| *n == arg) {
        return Some(*i);
    }
    match strtol0(arg) {
        Some(v) if v >= 0 && v as u64 <= max => Some(v as u32),
        // strtoul wraps negative numbers: never in range.
        _ => None,
    }
}

/// `rtnl_rtprot_tab` with /etc/iproute2/rt_protos.
const RT_PROTOS: [(u32, &str); 22] = [
    (0, "unspec"),
    (1, "redirect"),
    (2, "kernel"),
    (3, "boot"),
    (4, "static"),
    (8, "gated"),
    (9, "ra"),
    (10, "mrt"),
    (11, "zebra"),
    (12, "bird"),
    (13, "dnrouted"),
    (14, "xorp"),
    (15, "ntk"),
    (16, "dhcp"),
    (18, "keepalived"),
    (42, "babel"),
    (99, "openr"),
    (186, "bgp"),
    (187, "isis"),
    (188, "ospf"),
    (189, "rip"),
    (192, "eigrp"),
];

/// `rtnl_rtscope_tab` with /etc/iproute2/rt_scopes.
const RT_SCOPES: [(u32, &str); 5] = [(0, "global"), (255, "nowhere"), (254, "host"), (253, "link"), (200, "site")];

/// `rtnl_rttable_hash` with /etc/iproute2/rt_tables.
const RT_TABLES: [(u32, &str); 4] = [(255, "local"), (254, "main"), (253, "default"), (0, "unspec")];

/// `rtnl_rtprot_n2a`.
pub fn rtnl_rtprot_n2a(id: u32, numeric: bool) -> String {
    match tab_n2a(&RT_PROTOS, id) {
        Some(n) if !numeric => n.into(),
        _ => id.to_string(),
    }
}

/// `rtnl_rtprot_a2n`.
pub fn rtnl_rtprot_a2n(arg: &str) -> Option<u32> {
    tab_a2n(&RT_PROTOS, arg, 255)
}

/// `rtnl_rtscope_n2a`.
pub fn rtnl_rtscope_n2a(id: u32, numeric: bool) -> String {
    match tab_n2a(&RT_SCOPES, id) {
        Some(n) if !numeric => n.into(),
        _ => id.to_string(),
    }
}

/// `rtnl_rtscope_a2n`.
pub fn rtnl_rtscope_a2n(arg: &str) -> Option<u32> {
    tab_a2n(&RT_SCOPES, arg, 255)
}

/// `rtnl_rttable_n2a`.
pub fn rtnl_rttable_n2a(id: u32, numeric: bool) -> String {
    match tab_n2a(&RT_TABLES, id) {
        Some(n) if !numeric => n.into(),
        _ => id.to_string(),
    }
}

/// `rtnl_rttable_a2n`: names, else a number up to `RT_TABLE_MAX`.
pub fn rtnl_rttable_a2n(arg: &str) -> Option<u32> {
    tab_a2n(&RT_TABLES, arg, u32::MAX as u64)
}

/// `rtnl_rtntype_n2a` (ip/rtm_map.c).
pub fn rtnl_rtntype_n2a(id: u8, numeric: bool) -> String {
    if numeric {
        return id.to_string();
    }
    match id {
        0 => "none",
        1 => "unicast",
        2 => "local",
        3 => "broadcast",
        4 => "anycast",
        5 => "multicast",
        6 => "blackhole",
        7 => "unreachable",
        8 => "prohibit",
        9 => "throw",
        10 => "nat",
        11 => "xresolve",
        _ => return id.to_string(),
    }
    .into()
}

/// `rtnl_rtntype_a2n` (ip/rtm_map.c).
pub fn rtnl_rtntype_a2n(arg: &str) -> Option<u8> {
    Some(match arg {
        "local" => 2,
        "nat" => 10,
        "brd" => 3,
        "throw" => 9,
        a if matches(a, "broadcast") => 3,
        a if matches(a, "anycast") => 4,
        a if matches(a, "multicast") => 5,
        a if matches(a, "prohibit") => 8,
        a if matches(a, "unreachable") => 7,
        a if matches(a, "blackhole") => 6,
        a if matches(a, "xresolve") => 11,
        a if matches(a, "unicast") => 1,
        a => match strtol0(a) {
            Some(v) if (0..=255).contains(&v) => v as u8,
            _ => return None,
        },
    })
}

/// glibc's `fnmatch(pattern, s, 0)` for `*`, `?` and `[…]`: true on a match.
pub fn fnmatch(pattern: &str, s: &str) -> bool {
    fn go(p: &[u8], s: &[u8]) -> bool {
        match p.first() {
            None => s.is_empty(),
            Some(b'*') => (0..=s.len()).any(|i| go(&p[1..], &s[i..])),
            Some(b'?') => !s.is_empty() && go(&p[1..], &s[1..]),
            Some(b'[') => {
                let Some(end) = p[1..].iter().position(|&c| c == b']').map(|e| e + 1) else {
                    return s.first() == Some(&b'[') && go(&p[1..], &s[1..]);
                };
                let Some(&c) = s.first() else { return false };
                let set = &p[1..end];
                let (neg, set) = match set.first() {
                    Some(b'!') | Some(b'^') => (true, &set[1..]),
                    _ => (false, set),
                };
                let mut hit = false;
                let mut i = 0;
                while i < set.len() {
                    if i + 2 < set.len() && set[i + 1] == b'-' {
                        hit |= (set[i]..=set[i + 2]).contains(&c);
                        i += 3;
                    } else {
                        hit |= set[i] == c;
                        i += 1;
                    }
                }
                hit != neg && go(&p[end + 1..], &s[1..])
            }
            Some(&c) => s.first() == Some(&c) && go(&p[1..], &s[1..]),
        }
    }
    go(pattern.as_bytes(), s.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_is_a_prefix_test() {
        assert!(matches("-d", "-details"));
        assert!(matches("del", "delete"));
        assert!(!matches("", "add"));
        assert!(!matches("-dx", "-details"));
    }

    #[test]
    fn integers_follow_strtol_base_zero() {
        assert_eq!(get_integer("1500"), Some(1500));
        assert_eq!(get_integer("0x10"), Some(16));
        assert_eq!(get_integer("010"), Some(8));
        assert_eq!(get_integer("-5"), Some(-5));
        assert_eq!(get_integer("12a"), None);
        assert_eq!(get_integer(""), None);
        assert_eq!(get_integer("4294967296"), None);
        assert_eq!(get_unsigned("-1"), None);
        assert_eq!(get_unsigned("4294967295"), Some(u32::MAX));
    }

    #[test]
    fn link_layer_addresses() {
        assert_eq!(ll_addr_a2n("02:00:00:00:00:01", 32), Ok(vec![2, 0, 0, 0, 0, 1]));
        assert_eq!(ll_addr_a2n("zz", 32), Err("\"zz\" is invalid lladdr.".into()));
        assert_eq!(ll_addr_a2n("02:1ff", 32), Err("\"1ff\" is invalid lladdr.".into()));
        assert_eq!(ll_addr_n2a(&[0x16, 0xd7, 1, 0xfd, 0x40, 0x82], ARPHRD_ETHER), "16:d7:01:fd:40:82");
        assert_eq!(ether_ntoa(&[0x16, 0xd7, 1, 0xfd, 0x40, 0x82]), "16:d7:1:fd:40:82");
        assert_eq!(ll_type_n2a(ARPHRD_LOOPBACK), "loopback");
        assert_eq!(ll_type_n2a(4242), "[4242]");
        assert_eq!(ll_idx_a2n("if12"), 12);
        assert!(check_ifname("v0") && !check_ifname("a/b") && !check_ifname("0123456789abcdef"));
    }

    #[test]
    fn prefixes_parse_as_get_prefix_1_does() {
        let p = get_prefix_1("10.0.0.1/24", AF_UNSPEC).unwrap();
        assert_eq!((p.family, p.bytelen, p.bitlen), (AF_INET, 4, 24));
        assert!(p.flags & PREFIXLEN_SPECIFIED != 0 && p.is_inet_not_unspec());
        assert_eq!(get_prefix_1("10.0.0.1", AF_UNSPEC).unwrap().bitlen, 32);
        assert_eq!(get_prefix_1("10.0.0.1/255.255.0.0", AF_UNSPEC).unwrap().bitlen, 16);
        assert_eq!(get_prefix_1("010.0x10.0.1", AF_UNSPEC).unwrap().bytes(), &[8, 16, 0, 1]);
        assert!(get_prefix_1("10.0.0.1/33", AF_UNSPEC).is_none());
        assert!(get_prefix_1("10.0.0.1/255.0.255.0", AF_UNSPEC).is_none());
        assert!(get_prefix_1("10.0.0.256", AF_UNSPEC).is_none());
        assert!(get_prefix_1("2001:db8::1/64", AF_INET).is_none());
        let d = get_prefix_1("default", AF_INET6).unwrap();
        assert_eq!((d.family, d.bytelen, d.bitlen), (AF_INET6, 16, 0));
        assert!(get_prefix_1("default/8", AF_INET).is_none());
        let m = get_addr_1("224.0.0.9", AF_UNSPEC).unwrap();
        assert!(m.is_inet_multi());
        let mut err = String::new();
        assert!(get_prefix(&mut err, "bogus", AF_UNSPEC).is_err());
        assert_eq!(err, "Error: any valid prefix is expected rather than \"bogus\".\n");
    }

    #[test]
    fn addresses_print_as_glibc_inet_ntop() {
        assert_eq!(inet_ntop(AF_INET, &[10, 0, 0, 1]), "10.0.0.1");
        let v6 = |s: &str| s.parse::<std::net::Ipv6Addr>().unwrap().octets();
        assert_eq!(inet_ntop(AF_INET6, &v6("2001:db8::1")), "2001:db8::1");
        assert_eq!(inet_ntop(AF_INET6, &v6("::1")), "::1");
        assert_eq!(inet_ntop(AF_INET6, &v6("::ffff:1.2.3.4")), "::ffff:1.2.3.4");
        assert_eq!(inet_ntop(AF_INET6, &v6("::1.2.3.4")), "::1.2.3.4");
        assert!(inet_addr_match(&[10, 0, 1, 2], &[10, 0, 0, 0], 16));
        assert!(!inet_addr_match(&[10, 1, 1, 2], &[10, 0, 0, 0], 16));
        assert!(inet_addr_match(&[10, 0, 0, 130], &[10, 0, 0, 128], 25));
    }

    #[test]
    fn rt_names_are_iproute2s_with_etc_iproute2() {
        assert_eq!(rtnl_rtprot_n2a(2, false), "kernel");
        assert_eq!(rtnl_rtprot_n2a(99, false), "openr");
        assert_eq!(rtnl_rtprot_n2a(77, false), "77");
        assert_eq!(rtnl_rtprot_n2a(2, true), "2");
        assert_eq!(rtnl_rtprot_a2n("static"), Some(4));
        assert_eq!(rtnl_rtprot_a2n("256"), None);
        assert_eq!(rtnl_rtscope_n2a(253, false), "link");
        assert_eq!(rtnl_rtscope_a2n("host"), Some(254));
        assert_eq!(rtnl_rttable_n2a(254, false), "main");
        assert_eq!(rtnl_rttable_n2a(1000, false), "1000");
        assert_eq!(rtnl_rttable_a2n("local"), Some(255));
        assert_eq!(rtnl_rttable_a2n("4294967295"), Some(u32::MAX));
        assert_eq!(rtnl_rttable_a2n("all"), None);
        assert_eq!(rtnl_rtntype_n2a(6, false), "blackhole");
        assert_eq!(rtnl_rtntype_a2n("unr"), Some(7));
        assert_eq!(rtnl_rtntype_a2n("brd"), Some(3));
        assert!(fnmatch("v0:*", "v0:sec") && !fnmatch("v0:*", "v1") && fnmatch("br[0-9]", "br0"));
    }
}
