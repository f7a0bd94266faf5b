//! `net/ipv6/`.

pub mod addrconf;
pub mod addrconf_core;
pub mod ndisc;
pub mod route;
