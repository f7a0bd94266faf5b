//! `drivers/net/`: the virtual devices modelled.

pub mod dummy;
pub mod loopback;
pub mod veth;
