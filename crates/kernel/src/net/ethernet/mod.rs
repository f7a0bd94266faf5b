//! `net/ethernet/`.

pub mod eth;
