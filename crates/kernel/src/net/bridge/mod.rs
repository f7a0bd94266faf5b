//! `net/bridge/`: the Ethernet bridge, as far as rtnetlink sees it.

pub mod br_netlink;
