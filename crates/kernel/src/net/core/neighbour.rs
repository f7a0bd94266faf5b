//! Neighbour tables: net/core/neighbour.c.
//!
//! (Being written: per-family tables, NUD states on the virtual clock,
//! RTM_NEWNEIGH/DELNEIGH/GETNEIGH and RTNLGRP_NEIGH.)

use crate::kernel::Globals;

/// `neigh_init`: the PF_UNSPEC RTM_*NEIGH handlers.
pub(crate) fn neigh_init(_globals: &Globals) {}
