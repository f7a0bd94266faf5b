//! # nlwire: netlink on the wire
//!
//! What `include/uapi/linux/{netlink,rtnetlink,if_link,if_addr,neighbour}.h`,
//! `include/net/netlink.h` and `lib/nlattr.c` define, in Rust, with no I/O,
//! no locks and no dependencies:
//!
//! - [`uapi`]: the constants, one module per header;
//! - [`nlmsg`], [`nlattr`], [`hdr`]: zero-copy views over `&[u8]` that check
//!   lengths once, plain `Repr`s for building, and the walks over the messages
//!   of a datagram and the attributes of a message;
//! - [`policy`]: attribute policies and `nla_parse`, strict and deprecated
//!   (liberal), with the kernel's errnos and extended-ack messages;
//! - [`skb`]: a bounded buffer with `nlmsg_put`, `nla_put_*`, `nla_nest_*`,
//!   `nlmsg_end` and `nlmsg_cancel`;
//! - [`Errno`]: kernel error numbers as values.
//!
//! Byte order is the host's, as netlink's is (x86-64: little-endian), except
//! where the kernel says network order (`NLA_F_NET_BYTEORDER`, `nla_put_be32`).

pub mod errno;
pub mod hdr;
pub mod nlattr;
pub mod nlmsg;
pub mod policy;
pub mod skb;
pub mod sockaddr;
pub mod uapi;

pub use errno::Errno;
pub use nlattr::{nla_align, nla_total_size, Nla, NlaIter};
pub use nlmsg::{nlmsg_align, nlmsg_total_size, NlMsgHdr, NlMsgHdrRepr, NlMsgIter};
pub use skb::{nlmsg_new, SkBuff};
pub use sockaddr::SockaddrNl;

/// A malformed buffer, found by a view's length check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// Fewer bytes than the fixed header needs.
    Truncated,
    /// A length field that is too small or points past the buffer.
    BadLength,
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::Truncated => f.write_str("buffer too short for the header"),
            Error::BadLength => f.write_str("length field out of bounds"),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = core::result::Result<T, Error>;

// Native-endian field access, as netlink headers are host-order.
#[inline]
pub(crate) fn get_u16(b: &[u8]) -> u16 {
    u16::from_ne_bytes([b[0], b[1]])
}
#[inline]
pub(crate) fn get_u32(b: &[u8]) -> u32 {
    u32::from_ne_bytes([b[0], b[1], b[2], b[3]])
}
#[inline]
pub(crate) fn get_u64(b: &[u8]) -> u64 {
    u64::from_ne_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}
#[inline]
pub(crate) fn set_u16(b: &mut [u8], v: u16) {
    b[..2].copy_from_slice(&v.to_ne_bytes())
}
#[inline]
pub(crate) fn set_u32(b: &mut [u8], v: u32) {
    b[..4].copy_from_slice(&v.to_ne_bytes())
}
