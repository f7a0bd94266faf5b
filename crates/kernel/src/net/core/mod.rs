//! `net/core/`: namespaces, socket buffers, rtnetlink.

pub mod net_namespace;
pub mod rtnetlink;
pub mod skbuff;
