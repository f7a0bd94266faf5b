//! ARP's neighbour table: net/ipv4/arp.c.
//!
//! (Being written: `arp_tbl` and its netdevice notifier.)

use crate::kernel::Globals;

/// `arp_init`: registers `arp_tbl` and `arp_netdev_event`.
pub(crate) fn arp_init(_globals: &Globals) {}
