//! `net/ipv4/`.

pub mod arp;
pub mod devinet;
pub mod fib_frontend;
pub mod fib_semantics;
pub mod fib_trie;
pub mod route;
