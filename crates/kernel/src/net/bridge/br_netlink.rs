//! Bridges (net/bridge/): placeholder registration until the bridge lands.

use crate::kernel::Globals;
use crate::Errno;

/// `br_init`.
pub(crate) fn br_init(_globals: &Globals) -> Result<(), Errno> {
    Ok(())
}
