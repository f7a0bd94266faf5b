//! include/uapi/linux/net_namespace.h: the attributes of RTM_NEWNSID,
//! RTM_DELNSID and RTM_GETNSID (after a `struct rtgenmsg`).

pub const NETNSA_NONE: u16 = 0;
pub const NETNSA_NSID: u16 = 1;
pub const NETNSA_PID: u16 = 2;
pub const NETNSA_FD: u16 = 3;
pub const NETNSA_TARGET_NSID: u16 = 4;
pub const NETNSA_CURRENT_NSID: u16 = 5;
pub const NETNSA_MAX: u16 = NETNSA_CURRENT_NSID;

/// `NETNSA_NSID_NOT_ASSIGNED`: the id of a peer this namespace has not numbered.
pub const NETNSA_NSID_NOT_ASSIGNED: i32 = -1;
