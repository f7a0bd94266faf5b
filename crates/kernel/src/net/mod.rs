//! `net/`: the networking core and the netlink family.

pub mod core;
pub mod netlink;
pub mod socket;
