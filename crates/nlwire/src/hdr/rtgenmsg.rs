//! `struct rtgenmsg { unsigned char rtgen_family; }` (include/uapi/linux/rtnetlink.h):
//! the one byte every rtnetlink request must carry; `rtnetlink_rcv_msg` reads
//! the family from it whatever the real family header is.

use crate::{Error, Result};

#[derive(Debug, Clone, Copy)]
pub struct RtGenMsg<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> RtGenMsg<T> {
    pub const LEN: usize = 1;

    pub fn new_checked(buffer: T) -> Result<Self> {
        if buffer.as_ref().len() < Self::LEN {
            return Err(Error::Truncated);
        }
        Ok(RtGenMsg { buffer })
    }

    pub fn rtgen_family(&self) -> u8 {
        self.buffer.as_ref()[0]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RtGenMsgRepr {
    pub family: u8,
}

impl RtGenMsgRepr {
    pub const LEN: usize = 1;

    pub fn parse(bytes: &[u8]) -> Result<Self> {
        Ok(RtGenMsgRepr { family: RtGenMsg::new_checked(bytes)?.rtgen_family() })
    }

    pub fn emit(&self, out: &mut [u8]) {
        out[0] = self.family;
    }
}
