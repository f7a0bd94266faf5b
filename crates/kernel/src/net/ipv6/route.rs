//! IPv6 routes: net/ipv6/route.c (with ip6_fib.c's tables).
//!
//! (Being written: fib6 tables, RTM_NEWROUTE/DELROUTE/GETROUTE for
//! PF_INET6, RTNLGRP_IPV6_ROUTE.) The functions below are the interface
//! addrconf.c uses, with the kernel's names.

use std::net::Ipv6Addr;
use std::sync::Arc;

use crate::kernel::Globals;
use crate::net::core::dev::NetDevice;
use crate::net::core::net_namespace::Net;
use crate::Errno;

/// `struct fib6_info`: one IPv6 route. Opaque to addrconf, which keeps an
/// `Arc` to the local route of each address (`ifp->rt`).
#[derive(Debug)]
pub struct Fib6Info {
    pub fib6_dst: Ipv6Addr,
    pub fib6_dst_len: u8,
    pub fib6_table: u32,
    pub fib6_metric: u32,
    pub fib6_type: u8,
    pub fib6_protocol: u8,
    /// `fib6_flags` (RTF_*).
    pub fib6_flags: u32,
    pub ifindex: i32,
}

/// `struct nl_info`: who asked, for the notifications a change sends.
#[derive(Debug, Clone, Copy, Default)]
pub struct NlInfo {
    /// `nlh`'s flags, when there was a request.
    pub nlh_flags: Option<u16>,
    pub seq: u32,
    pub portid: u32,
    pub skip_notify: bool,
}

/// `struct fib6_config`: a route to add or delete.
#[derive(Debug, Clone)]
pub struct Fib6Config {
    pub fc_table: u32,
    pub fc_metric: u32,
    pub fc_dst_len: u8,
    pub fc_src_len: u8,
    pub fc_ifindex: i32,
    /// `fc_flags` (RTF_*).
    pub fc_flags: u32,
    pub fc_protocol: u8,
    pub fc_type: u8,
    /// `fc_expires`, jiffies from now (0 = none).
    pub fc_expires: u64,
    pub fc_dst: Ipv6Addr,
    pub fc_src: Ipv6Addr,
    pub fc_prefsrc: Ipv6Addr,
    pub fc_gateway: Ipv6Addr,
    pub fc_nlinfo: NlInfo,
}

/// `ip6_route_add`.
pub fn ip6_route_add(_net: &Arc<Net>, _cfg: &Fib6Config) -> Result<(), Errno> {
    Ok(())
}

/// `addrconf_f6i_alloc`: the local (or anycast) route of an address,
/// table local, not yet inserted.
pub fn addrconf_f6i_alloc(
    _net: &Arc<Net>,
    dev: &Arc<NetDevice>,
    addr: &Ipv6Addr,
    _anycast: bool,
) -> Result<Arc<Fib6Info>, Errno> {
    Ok(Arc::new(Fib6Info {
        fib6_dst: *addr,
        fib6_dst_len: 128,
        fib6_table: 255,
        fib6_metric: 0,
        fib6_type: 2,
        fib6_protocol: 2,
        fib6_flags: 0,
        ifindex: dev.ifindex(),
    }))
}

/// `ip6_ins_rt`: inserts a route made by `addrconf_f6i_alloc`, and notifies.
pub fn ip6_ins_rt(_net: &Arc<Net>, _rt: &Arc<Fib6Info>) -> Result<(), Errno> {
    Ok(())
}

/// `ip6_del_rt`: removes a route, notifying unless `skip_notify`.
pub fn ip6_del_rt(_net: &Arc<Net>, _rt: &Arc<Fib6Info>, _skip_notify: bool) -> Result<(), Errno> {
    Ok(())
}

/// `addrconf_get_prefix_route`: the route to `pfx/plen` through `dev` with
/// all of `flags` and none of `noflags` set (RTF_*), in table main.
pub fn addrconf_get_prefix_route(
    _net: &Arc<Net>,
    _pfx: &Ipv6Addr,
    _plen: u8,
    _dev: Option<&Arc<NetDevice>>,
    _flags: u32,
    _noflags: u32,
    _no_gw: bool,
) -> Option<Arc<Fib6Info>> {
    None
}

/// `rt6_disable_ip`: the device went down or away; its routes go
/// (`rt6_sync_down_dev`).
pub fn rt6_disable_ip(_net: &Arc<Net>, _dev: &Arc<NetDevice>, _unregister: bool) {}

/// `ip6_route_init`: the PF_INET6 RTM_*ROUTE handlers and per-namespace tables.
pub(crate) fn ip6_route_init(_globals: &Globals) {}
