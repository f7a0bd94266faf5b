//! The fixed family headers that follow `struct nlmsghdr`, one module each.
//!
//! Each gives a zero-copy view (`new_checked` checks the length once) and a
//! plain `Repr` with `parse` and `emit`, as smoltcp's `wire` module does.

mod ifaddrmsg;
mod ifinfomsg;
mod ndmsg;
mod nlmsgerr;
mod rtgenmsg;
mod rtmsg;

pub use ifaddrmsg::{IfAddrMsg, IfAddrMsgRepr};
pub use ifinfomsg::{IfInfoMsg, IfInfoMsgRepr};
pub use ndmsg::{NdMsg, NdMsgRepr};
pub use nlmsgerr::{NlMsgErr, NlMsgErrRepr};
pub use rtgenmsg::{RtGenMsg, RtGenMsgRepr};
pub use rtmsg::{RtMsg, RtMsgRepr};
