//! `net/ipv6/`.

pub mod addrconf;
pub mod ndisc;
pub mod route;
