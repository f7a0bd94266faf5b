//! Machines and sockets for the socket-driven tests (included with
//! `#[path = "support/sockets.rs"] mod sockets;`).

// Each test crate that includes this module uses only part of it; the
// compiler would otherwise warn, crate by crate, about the rest.
#![allow(dead_code)]

use rtnlsim::kernel::{NetRef, NetlinkSocket};
use rtnlsim::wire::uapi::netlink::*;
use rtnlsim::wire::uapi::socket::*;
use rtnlsim::{Config, Kernel, SockaddrNl};

/// The default task's pid (`Config::default().pid`), which autobind tries first.
pub const PID: u32 = 1000;

pub fn kernel() -> Kernel {
    Kernel::new(Config::default())
}

pub fn addr(pid: u32, groups: u32) -> SockaddrNl {
    SockaddrNl::new(pid, groups)
}

pub fn portid(s: &NetlinkSocket) -> u32 {
    s.getsockname().pid
}

/// A NETLINK_USERSOCK socket bound to an explicit port id.
pub fn usersock(net: &NetRef, pid: u32) -> NetlinkSocket {
    let s = net.socket(NETLINK_USERSOCK).expect("socket(NETLINK_USERSOCK)");
    s.bind(&addr(pid, 0)).expect("bind");
    s
}

/// A root NETLINK_ROUTE socket with NETLINK_EXT_ACK, bound to `groups` (a mask).
pub fn route_socket(net: &NetRef, groups: u32) -> NetlinkSocket {
    let s = net.socket(NETLINK_ROUTE).expect("socket");
    s.setsockopt_int(SOL_NETLINK, NETLINK_EXT_ACK, 1).expect("NETLINK_EXT_ACK");
    s.bind(&addr(0, groups)).expect("bind");
    s
}
