//! `net/bridge/`: the Ethernet bridge, as far as rtnetlink sees it.
//!
//! | here            | Linux                                                        |
//! |-----------------|--------------------------------------------------------------|
//! | `br`            | net/bridge/br.c: `br_init`, `br_device_event`, boolean options |
//! | `br_device`     | net/bridge/br_device.c: the bridge device (`br_dev_setup`, ndo's) |
//! | `br_if`         | net/bridge/br_if.c: `br_add_if`, `br_del_if`, `br_dev_delete`  |
//! | `br_multicast`  | net/bridge/br_multicast.c: the snooping settings only         |
//! | `br_netlink`    | net/bridge/br_netlink.c: `br_link_ops`, AF_BRIDGE messages    |
//! | `br_private`    | net/bridge/br_private.h: `struct net_bridge`, ports, jiffies  |
//! | `br_stp`        | net/bridge/br_stp.c: port states, root and designated ports   |
//! | `br_stp_if`     | net/bridge/br_stp_if.c: enabling ports, the bridge id         |
//! | `rtnl_bridge`   | the PF_BRIDGE link handlers of net/core/rtnetlink.c           |
//!
//! Not modelled yet: the forwarding database (its RTM_NEWNEIGH/DELNEIGH on
//! RTNLGRP_NEIGH and the PF_BRIDGE neighbour handlers), the MDB, VLAN
//! filtering (compiled out of the probed kernel too), MRP, CFM, and
//! anything timers do (docs/divergences.md, "Bridge").

pub mod br;
pub mod br_device;
pub mod br_if;
pub mod br_multicast;
pub mod br_netlink;
pub mod br_private;
pub mod br_stp;
pub mod br_stp_if;
pub mod rtnl_bridge;
