//! # rtnlsim
//!
//! The Linux kernel's netlink and rtnetlink subsystems, simulated in
//! userspace. This facade re-exports the two layers:
//!
//! - [`wire`] (the `nlwire` crate): constants, header views, `nla_parse`,
//!   the message builder — what a netlink client needs, no I/O;
//! - [`kernel`] (the `rtnlsim-kernel` crate): namespaces, netlink sockets,
//!   rtnetlink, modelled on the kernel's own code paths.
//!
//! ```
//! use rtnlsim::{Kernel, Config, SockaddrNl};
//! use rtnlsim::wire::uapi::netlink::{NETLINK_USERSOCK, NETLINK_ADD_MEMBERSHIP};
//! use rtnlsim::wire::uapi::socket::{SOL_NETLINK, MSG_DONTWAIT};
//!
//! let k = Kernel::new(Config::default());
//! let net = k.init_net();
//! let listener = net.socket(NETLINK_USERSOCK).unwrap();
//! listener.bind(&SockaddrNl::new(0, 0)).unwrap();
//! listener.setsockopt_int(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, 3).unwrap();
//! let talker = net.socket(NETLINK_USERSOCK).unwrap();
//! // A multicast on NETLINK_USERSOCK reaches group 3, then the unicast to
//! // port 0 finds no kernel socket: Linux answers ECONNREFUSED.
//! let r = talker.sendto(b"to group 3", 0, &SockaddrNl::new(0, 1 << 2));
//! assert_eq!(r, Err(rtnlsim::Errno::ECONNREFUSED));
//! let (data, meta) = listener.recv_datagram(MSG_DONTWAIT).unwrap();
//! assert_eq!(data, b"to group 3");
//! assert_eq!(meta.addr.groups, 1 << 2);
//! ```

pub use nlwire as wire;
pub use rtnlsim_kernel as kernel;

pub use nlwire::{Errno, SockaddrNl};
pub use rtnlsim_kernel::{Config, Credentials, Kernel, NetRef, NetlinkSocket, RecvMeta};

/// The book in `docs/`, included here so that its examples run as doctests.
pub mod book {
    #[doc = include_str!("../docs/01-sockets-and-addresses.md")]
    pub mod ch01_sockets_and_addresses {}
    #[doc = include_str!("../docs/02-the-handler-table.md")]
    pub mod ch02_the_handler_table {}
    #[doc = include_str!("../docs/03-a-requests-path.md")]
    pub mod ch03_a_requests_path {}
    #[doc = include_str!("../docs/04-the-notify-path.md")]
    pub mod ch04_the_notify_path {}
    #[doc = include_str!("../docs/05-namespaces.md")]
    pub mod ch05_namespaces {}
}

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
