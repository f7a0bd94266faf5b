//! The socket-level constants a netlink client uses: include/linux/socket.h,
//! include/uapi/asm-generic/socket.h, include/linux/net.h.

pub const AF_UNSPEC: u8 = 0;
pub const AF_UNIX: u8 = 1;
pub const AF_INET: u8 = 2;
pub const AF_BRIDGE: u8 = 7;
pub const AF_INET6: u8 = 10;
pub const AF_NETLINK: u16 = 16;
pub const AF_PACKET: u8 = 17;
pub const AF_MPLS: u8 = 28;
pub const AF_MAX: u8 = 46;

pub const PF_UNSPEC: u8 = AF_UNSPEC;
pub const PF_INET: u8 = AF_INET;
pub const PF_INET6: u8 = AF_INET6;
pub const PF_BRIDGE: u8 = AF_BRIDGE;
pub const PF_PACKET: u8 = AF_PACKET;

pub const SOCK_STREAM: i32 = 1;
pub const SOCK_DGRAM: i32 = 2;
pub const SOCK_RAW: i32 = 3;
pub const SOCK_SEQPACKET: i32 = 5;
pub const SOCK_NONBLOCK: i32 = 0o4000;
/// `SOCK_TYPE_MASK`: the type bits of socket(2)'s second argument.
pub const SOCK_TYPE_MASK: i32 = 0xf;
/// `SOCK_MAX`: one past the last socket type (SOCK_PACKET = 10).
pub const SOCK_MAX: i32 = 11;
pub const SOCK_CLOEXEC: i32 = 0o2000000;

pub const SOL_SOCKET: i32 = 1;
pub const SOL_NETLINK: i32 = 270;

pub const SO_TYPE: u32 = 3;
pub const SO_ERROR: u32 = 4;
pub const SO_SNDBUF: u32 = 7;
pub const SO_RCVBUF: u32 = 8;
pub const SO_PASSCRED: u32 = 16;
pub const SO_RCVTIMEO_OLD: u32 = 20;
pub const SO_SNDBUFFORCE: u32 = 32;
pub const SO_RCVBUFFORCE: u32 = 33;
pub const SO_PROTOCOL: u32 = 38;
pub const SO_DOMAIN: u32 = 39;

pub const MSG_OOB: u32 = 0x1;
pub const MSG_PEEK: u32 = 0x2;
pub const MSG_CTRUNC: u32 = 0x8;
pub const MSG_TRUNC: u32 = 0x20;
pub const MSG_DONTWAIT: u32 = 0x40;
pub const MSG_WAITALL: u32 = 0x100;
pub const MSG_ERRQUEUE: u32 = 0x2000;
pub const MSG_NOSIGNAL: u32 = 0x4000;
pub const MSG_CMSG_CLOEXEC: u32 = 0x4000_0000;
