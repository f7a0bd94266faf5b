//! `net/ipv6/`.

pub mod addrconf;
pub mod ip6_fib;
pub mod ndisc;
pub mod route;
