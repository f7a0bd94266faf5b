//! `net/ipv6/`.

pub mod addrconf;
