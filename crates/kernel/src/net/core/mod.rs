//! `net/core/`: namespaces, socket buffers, rtnetlink.

pub mod dev;
pub mod link_watch;
pub mod neighbour;
pub mod net_namespace;
pub mod rtnetlink;
pub mod skbuff;
