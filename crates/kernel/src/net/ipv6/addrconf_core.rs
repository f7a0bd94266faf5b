//! IPv6 address classification: net/ipv6/addrconf_core.c
//! (`__ipv6_addr_type`) and the inline helpers of include/net/ipv6.h.

use std::net::Ipv6Addr;

/// `IPV6_ADDR_ANY`.
pub const IPV6_ADDR_ANY: u32 = 0x0000;
/// `IPV6_ADDR_UNICAST`.
pub const IPV6_ADDR_UNICAST: u32 = 0x0001;
/// `IPV6_ADDR_MULTICAST`.
pub const IPV6_ADDR_MULTICAST: u32 = 0x0002;
/// `IPV6_ADDR_LOOPBACK` (also `IFA_HOST`).
pub const IPV6_ADDR_LOOPBACK: u32 = 0x0010;
/// `IPV6_ADDR_LINKLOCAL` (also `IFA_LINK`).
pub const IPV6_ADDR_LINKLOCAL: u32 = 0x0020;
/// `IPV6_ADDR_SITELOCAL` (also `IFA_SITE`).
pub const IPV6_ADDR_SITELOCAL: u32 = 0x0040;
/// `IPV6_ADDR_COMPATv4`.
pub const IPV6_ADDR_COMPATV4: u32 = 0x0080;
/// `IPV6_ADDR_SCOPE_MASK`.
pub const IPV6_ADDR_SCOPE_MASK: u32 = 0x00f0;
/// `IPV6_ADDR_MAPPED`.
pub const IPV6_ADDR_MAPPED: u32 = 0x1000;

/// `IFA_HOST`, `IFA_LINK`, `IFA_SITE`: an address's scope as addrconf keeps it.
pub const IFA_HOST: u32 = IPV6_ADDR_LOOPBACK;
pub const IFA_LINK: u32 = IPV6_ADDR_LINKLOCAL;
pub const IFA_SITE: u32 = IPV6_ADDR_SITELOCAL;

const IPV6_ADDR_SCOPE_NODELOCAL: u32 = 0x01;
const IPV6_ADDR_SCOPE_LINKLOCAL: u32 = 0x02;
const IPV6_ADDR_SCOPE_SITELOCAL: u32 = 0x05;
const IPV6_ADDR_SCOPE_GLOBAL: u32 = 0x0e;

/// `IPV6_ADDR_SCOPE_TYPE(scope)`.
const fn scope_type(scope: u32) -> u32 {
    scope << 16
}

/// `ipv6_addr_scope2type`.
const fn ipv6_addr_scope2type(scope: u32) -> u32 {
    match scope {
        IPV6_ADDR_SCOPE_NODELOCAL => scope_type(IPV6_ADDR_SCOPE_NODELOCAL) | IPV6_ADDR_LOOPBACK,
        IPV6_ADDR_SCOPE_LINKLOCAL => scope_type(IPV6_ADDR_SCOPE_LINKLOCAL) | IPV6_ADDR_LINKLOCAL,
        IPV6_ADDR_SCOPE_SITELOCAL => scope_type(IPV6_ADDR_SCOPE_SITELOCAL) | IPV6_ADDR_SITELOCAL,
        s => scope_type(s),
    }
}

/// `__ipv6_addr_type`: the address's kind (IPV6_ADDR_*) with its scope in
/// the upper half.
pub fn ipv6_addr_type(addr: &Ipv6Addr) -> u32 {
    let o = addr.octets();
    let w = |i: usize| u32::from_be_bytes([o[i * 4], o[i * 4 + 1], o[i * 4 + 2], o[i * 4 + 3]]);
    let st = w(0);
    // Global unicast and anycast: 001 through 110 in the first three bits.
    if st & 0xE000_0000 != 0 && st & 0xE000_0000 != 0xE000_0000 {
        return IPV6_ADDR_UNICAST | scope_type(IPV6_ADDR_SCOPE_GLOBAL);
    }
    if st & 0xFF00_0000 == 0xFF00_0000 {
        // Multicast: the scope is in the low nibble of the second byte.
        return IPV6_ADDR_MULTICAST | ipv6_addr_scope2type((st >> 16) & 0x0f);
    }
    if st & 0xFFC0_0000 == 0xFE80_0000 {
        return IPV6_ADDR_LINKLOCAL | IPV6_ADDR_UNICAST | scope_type(IPV6_ADDR_SCOPE_LINKLOCAL);
    }
    if st & 0xFFC0_0000 == 0xFEC0_0000 {
        return IPV6_ADDR_SITELOCAL | IPV6_ADDR_UNICAST | scope_type(IPV6_ADDR_SCOPE_SITELOCAL);
    }
    if st & 0xFE00_0000 == 0xFC00_0000 {
        // RFC 4193 unique local addresses.
        return IPV6_ADDR_UNICAST | scope_type(IPV6_ADDR_SCOPE_GLOBAL);
    }
    if w(0) | w(1) == 0 {
        if w(2) == 0 {
            if w(3) == 0 {
                return IPV6_ADDR_ANY;
            }
            if w(3) == 1 {
                return IPV6_ADDR_LOOPBACK | IPV6_ADDR_UNICAST | scope_type(IPV6_ADDR_SCOPE_LINKLOCAL);
            }
            return IPV6_ADDR_COMPATV4 | IPV6_ADDR_UNICAST | scope_type(IPV6_ADDR_SCOPE_GLOBAL);
        }
        if w(2) == 0x0000_ffff {
            return IPV6_ADDR_MAPPED | scope_type(IPV6_ADDR_SCOPE_GLOBAL);
        }
    }
    IPV6_ADDR_UNICAST | scope_type(IPV6_ADDR_SCOPE_GLOBAL)
}

/// `ipv6_addr_scope`: IFA_HOST, IFA_LINK, IFA_SITE or 0 (global).
pub fn ipv6_addr_scope(addr: &Ipv6Addr) -> u32 {
    ipv6_addr_type(addr) & IPV6_ADDR_SCOPE_MASK
}

/// `ipv6_addr_src_scope`: the numeric scope addresses are sorted by
/// (global 14 before site 5 before link 2), −1 for `::`.
pub fn ipv6_addr_src_scope(addr: &Ipv6Addr) -> i32 {
    let t = ipv6_addr_type(addr);
    if t == IPV6_ADDR_ANY {
        -1
    } else {
        ((t >> 16) & 0xff) as i32
    }
}

/// `ipv6_prefix_equal`.
pub fn ipv6_prefix_equal(a: &Ipv6Addr, b: &Ipv6Addr, plen: u8) -> bool {
    let plen = u32::from(plen.min(128));
    if plen == 0 {
        return true;
    }
    let mask = u128::MAX << (128 - plen);
    (u128::from(*a) & mask) == (u128::from(*b) & mask)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_follow_the_kernel() {
        assert_eq!(ipv6_addr_scope(&"::1".parse().unwrap()), IFA_HOST);
        assert_eq!(ipv6_addr_scope(&"fe80::1".parse().unwrap()), IFA_LINK);
        assert_eq!(ipv6_addr_scope(&"fec0::1".parse().unwrap()), IFA_SITE);
        assert_eq!(ipv6_addr_scope(&"2001:db8::1".parse().unwrap()), 0);
        assert_eq!(ipv6_addr_type(&"::".parse().unwrap()), IPV6_ADDR_ANY);
        assert!(
            ipv6_addr_src_scope(&"2001:db8::1".parse().unwrap()) > ipv6_addr_src_scope(&"fe80::1".parse().unwrap())
        );
        assert!(ipv6_prefix_equal(&"2001:db8::1".parse().unwrap(), &"2001:db8::2".parse().unwrap(), 64));
    }
}
