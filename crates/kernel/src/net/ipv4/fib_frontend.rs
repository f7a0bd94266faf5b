//! The IPv4 FIB's front end: net/ipv4/fib_frontend.c.
//!
//! (Being written: tables, RTM_NEWROUTE/DELROUTE/GETROUTE, and the routes
//! an address implies, `fib_add_ifaddr` / `fib_del_ifaddr`.)

use crate::kernel::Globals;

/// `ip_fib_init`: the RTM_*ROUTE handlers for PF_INET, the netdevice and
/// inetaddr notifiers, and the per-namespace tables.
pub(crate) fn ip_fib_init(_globals: &Globals) {}
