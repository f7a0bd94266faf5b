//! `struct sockaddr_nl` (include/uapi/linux/netlink.h): the address of a
//! netlink socket, a port id and a mask of groups 1–32.

use crate::uapi::socket::AF_NETLINK;
use crate::{get_u16, get_u32, set_u16, set_u32};

/// A netlink socket address. `pid` is the port id (not necessarily a process id);
/// `groups` is a mask where bit n−1 stands for group n (groups above 32 have no bit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SockaddrNl {
    pub pid: u32,
    pub groups: u32,
}

impl SockaddrNl {
    /// sizeof(struct sockaddr_nl).
    pub const LEN: usize = 12;

    pub const fn new(pid: u32, groups: u32) -> Self {
        SockaddrNl { pid, groups }
    }

    /// Reads a `sockaddr_nl` of `bytes.len()` bytes. Returns the family alongside,
    /// since callers (bind, connect, sendmsg) each reject a wrong family with
    /// their own errno; `None` if fewer than 12 bytes.
    pub fn parse(bytes: &[u8]) -> Option<(u16, SockaddrNl)> {
        if bytes.len() < Self::LEN {
            return None;
        }
        Some((get_u16(&bytes[0..2]), SockaddrNl { pid: get_u32(&bytes[4..8]), groups: get_u32(&bytes[8..12]) }))
    }

    /// Writes the 12 bytes, `nl_family = AF_NETLINK` and `nl_pad = 0`.
    pub fn emit(&self, out: &mut [u8]) {
        set_u16(&mut out[0..2], AF_NETLINK);
        set_u16(&mut out[2..4], 0);
        set_u32(&mut out[4..8], self.pid);
        set_u32(&mut out[8..12], self.groups);
    }

    pub fn to_bytes(&self) -> [u8; Self::LEN] {
        let mut b = [0; Self::LEN];
        self.emit(&mut b);
        b
    }
}

/// The mask bit of group `group` in `nl_groups`, or 0 for groups above 32
/// (a recvmsg source address shows no bit for them, kernel-reference §1).
pub const fn group_mask(group: u32) -> u32 {
    if group == 0 || group > 32 {
        0
    } else {
        1 << (group - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_short_address() {
        let a = SockaddrNl::new(0x1aff, 0x41);
        let b = a.to_bytes();
        assert_eq!(&b[..4], &[16, 0, 0, 0]);
        assert_eq!(SockaddrNl::parse(&b), Some((AF_NETLINK, a)));
        assert_eq!(SockaddrNl::parse(&b[..11]), None);
        assert_eq!(group_mask(1), 1);
        assert_eq!(group_mask(32), 0x8000_0000);
        assert_eq!(group_mask(37), 0);
    }
}
