//! `drivers/`.

pub mod net;
