//! `net/ipv4/`.

pub mod arp;
pub mod devinet;
pub mod fib_frontend;
