//! `net/ipv4/`.

pub mod devinet;
