//! Who is asking: the credentials a socket was opened with and the task that
//! uses it.
//!
//! Models the parts of include/linux/cred.h and include/linux/capability.h that
//! netlink looks at. Linux checks two different things: the credentials of the
//! *file* (captured by socket(2), `file_ns_capable`) and those of the *current
//! task* (`ns_capable`). A socket opened by root and used after a setuid keeps
//! the first and loses the second, and `netlink_net_capable` wants both.
//! User namespaces are not modelled: a capability holds in every namespace.

/// `CAP_NET_BROADCAST`.
pub const CAP_NET_BROADCAST: u32 = 11;
/// `CAP_NET_ADMIN`.
pub const CAP_NET_ADMIN: u32 = 12;
/// `CAP_NET_RAW`.
pub const CAP_NET_RAW: u32 = 13;
/// `CAP_SYS_ADMIN`.
pub const CAP_SYS_ADMIN: u32 = 21;

/// A task's identity as netlink sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Credentials {
    /// `task_tgid_vnr(current)`: the process id, which autobind tries first as a port id.
    pub pid: u32,
    pub uid: u32,
    pub gid: u32,
    /// Effective capabilities, bit n = capability n.
    pub caps: u64,
}

impl Credentials {
    /// All capabilities (uid 0).
    pub const fn root(pid: u32) -> Self {
        Credentials { pid, uid: 0, gid: 0, caps: u64::MAX }
    }

    /// No capabilities.
    pub const fn user(pid: u32, uid: u32) -> Self {
        Credentials { pid, uid, gid: uid, caps: 0 }
    }

    /// `capable(cap)` / `ns_capable(any_ns, cap)`.
    pub const fn capable(&self, cap: u32) -> bool {
        cap < 64 && self.caps & (1 << cap) != 0
    }

    /// The same task with one more capability.
    pub const fn with_cap(mut self, cap: u32) -> Self {
        self.caps |= 1 << cap;
        self
    }
}
