//! The IPv6 address label policy table: net/ipv6/addrlabel.c
//! (`ipv6_addr_label`), as every namespace starts with it. RFC 6724 rule 6
//! of source address selection compares these labels
//! (`ipv6_dev_get_saddr`). RTM_NEWADDRLABEL and friends are not modelled:
//! the table never changes.

use std::net::Ipv6Addr;

use crate::net::ipv6::addrconf_core::{ipv6_prefix_equal, IPV6_ADDR_COMPATV4, IPV6_ADDR_LOOPBACK, IPV6_ADDR_MAPPED};

/// One row of `ip6addrlbl_init_table`: prefix, length, required address
/// type (`ip6addrlbl_alloc` derives it from the prefix), label.
struct Ip6AddrLbl {
    prefix: u128,
    prefixlen: u8,
    addrtype: u32,
    label: u32,
}

/// `ip6addrlbl_init_table`, kept as `__ip6addrlbl_add` sorts it: longer
/// prefixes first.
static IP6ADDRLBL_TABLE: [Ip6AddrLbl; 10] = [
    Ip6AddrLbl { prefix: 1, prefixlen: 128, addrtype: IPV6_ADDR_LOOPBACK, label: 0 },
    Ip6AddrLbl { prefix: 0xffff << 32, prefixlen: 96, addrtype: IPV6_ADDR_MAPPED, label: 4 },
    Ip6AddrLbl { prefix: 0, prefixlen: 96, addrtype: IPV6_ADDR_COMPATV4, label: 3 },
    Ip6AddrLbl { prefix: 0x2001_0000 << 96, prefixlen: 32, addrtype: 0, label: 6 },
    Ip6AddrLbl { prefix: 0x2001_0010 << 96, prefixlen: 28, addrtype: 0, label: 7 },
    Ip6AddrLbl { prefix: 0x2002 << 112, prefixlen: 16, addrtype: 0, label: 2 },
    Ip6AddrLbl { prefix: 0x3ffe << 112, prefixlen: 16, addrtype: 0, label: 12 },
    Ip6AddrLbl { prefix: 0xfec0 << 112, prefixlen: 10, addrtype: 0, label: 11 },
    Ip6AddrLbl { prefix: 0xfc00 << 112, prefixlen: 7, addrtype: 0, label: 5 },
    Ip6AddrLbl { prefix: 0, prefixlen: 0, addrtype: 0, label: 1 },
];

/// `IPV6_ADDR_LABEL_DEFAULT`: no policy matched.
pub const IPV6_ADDR_LABEL_DEFAULT: u32 = 0xffff_ffff;

/// `ipv6_addr_label`: the label of the first (longest) matching row.
/// `addr_type` is `__ipv6_addr_type(addr)`.
pub fn ipv6_addr_label(addr: &Ipv6Addr, addr_type: u32) -> u32 {
    let t = addr_type & (IPV6_ADDR_MAPPED | IPV6_ADDR_COMPATV4 | IPV6_ADDR_LOOPBACK);
    IP6ADDRLBL_TABLE
        .iter()
        .find(|p| {
            (p.addrtype == 0 || p.addrtype == t) && ipv6_prefix_equal(addr, &Ipv6Addr::from(p.prefix), p.prefixlen)
        })
        .map_or(IPV6_ADDR_LABEL_DEFAULT, |p| p.label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::ipv6::addrconf_core::ipv6_addr_type;

    fn label(s: &str) -> u32 {
        let a: Ipv6Addr = s.parse().unwrap();
        ipv6_addr_label(&a, ipv6_addr_type(&a))
    }

    #[test]
    fn default_policy_labels() {
        assert_eq!(label("::1"), 0);
        assert_eq!(label("2001:db8::1"), 1);
        assert_eq!(label("2002::1"), 2);
        assert_eq!(label("::1.2.3.4"), 3);
        assert_eq!(label("::ffff:1.2.3.4"), 4);
        assert_eq!(label("fd00::1"), 5);
        assert_eq!(label("2001::1"), 6);
        assert_eq!(label("2001:10::1"), 7);
        assert_eq!(label("fec0::1"), 11);
        assert_eq!(label("3ffe::1"), 12);
        assert_eq!(label("fe80::1"), 1);
    }
}
