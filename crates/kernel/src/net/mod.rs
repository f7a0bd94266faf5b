//! `net/`: the networking core and the netlink family.

pub mod bridge;
pub mod core;
pub mod ethernet;
pub mod ipv4;
pub mod ipv6;
pub mod netlink;
pub mod socket;
