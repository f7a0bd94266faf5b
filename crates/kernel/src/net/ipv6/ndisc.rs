//! Neighbour discovery's table: net/ipv6/ndisc.c.
//!
//! (Being written: `nd_tbl` and its netdevice notifier.)

use crate::kernel::Globals;

/// `ndisc_init`: registers `nd_tbl` and `ndisc_netdev_event`.
pub(crate) fn ndisc_init(_globals: &Globals) {}
