//! # rtnlsim-kernel: the simulated kernel
//!
//! The parts of Linux behind `socket(AF_NETLINK, …)`, laid out as the kernel
//! lays them out, one Rust file per C file it models:
//!
//! | here                                | Linux                                   |
//! |-------------------------------------|-----------------------------------------|
//! | [`net::core::net_namespace`]        | net/core/net_namespace.c                |
//! | [`net::core::skbuff`]               | net/core/skbuff.c (sizes and sharing)   |
//! | [`net::core::rtnetlink`]            | net/core/rtnetlink.c                    |
//! | [`net::netlink::af_netlink`]        | net/netlink/af_netlink.c (split by concern) |
//! | [`net::netlink::policy`]            | net/netlink/policy.c                    |
//! | [`net::socket`]                     | net/socket.c (the system calls)         |
//! | [`lib_::kobject_uevent`]            | lib/kobject_uevent.c                    |
//!
//! A request runs synchronously on the sender's thread, as `netlink_sendmsg`
//! does: when `send` returns, the replies are queued. The crate never prints;
//! every kernel function on the request, dump and notify paths opens a
//! `tracing` span named after it.
//!
//! ```
//! use rtnlsim_kernel::{Kernel, Config};
//! use nlwire::uapi::netlink::NETLINK_USERSOCK;
//! use nlwire::SockaddrNl;
//!
//! let k = Kernel::new(Config::default());
//! let net = k.init_net();
//! let a = net.socket(NETLINK_USERSOCK).unwrap();
//! let b = net.socket(NETLINK_USERSOCK).unwrap();
//! a.bind(&SockaddrNl::new(100, 0)).unwrap();
//! b.bind(&SockaddrNl::new(200, 0)).unwrap();
//! b.sendto(b"hello", 0, &SockaddrNl::new(100, 0)).unwrap();
//! let mut buf = [0u8; 64];
//! let m = a.recvmsg(&mut buf, 0).unwrap();
//! assert_eq!(&buf[..m.len], b"hello");
//! assert_eq!(m.addr.pid, 200);
//! ```

pub mod cred;
pub mod drivers;
pub mod kernel;
#[path = "lib/mod.rs"]
pub mod lib_;
pub mod net;
pub mod time;

pub use cred::Credentials;
pub use kernel::{Config, Kernel};
pub use net::core::net_namespace::{Net, NetRef, PernetOperations};
pub use net::core::rtnetlink::RtnlHandlerEntry;
pub use net::netlink::af_netlink::RecvMeta;
pub use net::socket::NetlinkSocket;
pub use nlwire::Errno;
