//! Small parsers and formatters of iproute2's lib/: utils.c (`matches`,
//! `get_integer`, `check_ifname`), ll_addr.c (`ll_addr_a2n`, `ll_addr_n2a`),
//! ll_types.c (`ll_type_n2a`), rt_names.c (the device groups) and glibc's
//! `strerror`, `ether_ntoa`.

use nlwire::Errno;

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
}
