//! `net/ipv6/`.

pub mod addrconf;
pub mod addrconf_core;
pub mod addrlabel;
pub mod ip6_fib;
pub mod ndisc;
pub mod route;
