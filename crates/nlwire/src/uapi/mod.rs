//! Constants from the kernel's uapi headers, one module per header.
//!
//! Each module names the header it copies; the values are the ABI and never
//! change, so they are plain `pub const`s that read like the C `#define`s.

pub mod if_;
pub mod if_addr;
pub mod if_bridge;
pub mod if_link;
pub mod neighbour;
pub mod net_namespace;
pub mod netlink;
pub mod rtnetlink;
pub mod socket;
