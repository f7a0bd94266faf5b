//! `net/netlink/`: the netlink socket family.

pub mod af_netlink;
pub(crate) mod diag;
pub mod policy;
