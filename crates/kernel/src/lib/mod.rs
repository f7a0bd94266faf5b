//! `lib/`: kernel library code.

pub mod kobject_uevent;
