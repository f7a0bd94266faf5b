//! `struct ifinfomsg` (include/uapi/linux/rtnetlink.h): the family header of
//! RTM_{NEW,DEL,GET,SET}LINK.

use crate::{get_u16, get_u32, set_u16, set_u32, Error, Result};

mod field {
    use core::ops::Range;
    pub const FAMILY: usize = 0;
    pub const PAD: usize = 1;
    pub const TYPE: Range<usize> = 2..4;
    pub const INDEX: Range<usize> = 4..8;
    pub const FLAGS: Range<usize> = 8..12;
    pub const CHANGE: Range<usize> = 12..16;
}

#[derive(Debug, Clone, Copy)]
pub struct IfInfoMsg<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> IfInfoMsg<T> {
    pub const LEN: usize = 16;

    pub fn new_checked(buffer: T) -> Result<Self> {
        if buffer.as_ref().len() < Self::LEN {
            return Err(Error::Truncated);
        }
        Ok(IfInfoMsg { buffer })
    }

    pub fn ifi_family(&self) -> u8 {
        self.buffer.as_ref()[field::FAMILY]
    }
    /// `__ifi_pad`, which strict checking requires to be zero.
    pub fn ifi_pad(&self) -> u8 {
        self.buffer.as_ref()[field::PAD]
    }
    pub fn ifi_type(&self) -> u16 {
        get_u16(&self.buffer.as_ref()[field::TYPE])
    }
    pub fn ifi_index(&self) -> i32 {
        get_u32(&self.buffer.as_ref()[field::INDEX]) as i32
    }
    pub fn ifi_flags(&self) -> u32 {
        get_u32(&self.buffer.as_ref()[field::FLAGS])
    }
    pub fn ifi_change(&self) -> u32 {
        get_u32(&self.buffer.as_ref()[field::CHANGE])
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct IfInfoMsgRepr {
    pub family: u8,
    pub pad: u8,
    pub ty: u16,
    pub index: i32,
    pub flags: u32,
    pub change: u32,
}

impl IfInfoMsgRepr {
    pub const LEN: usize = 16;

    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let v = IfInfoMsg::new_checked(bytes)?;
        Ok(IfInfoMsgRepr {
            family: v.ifi_family(),
            pad: v.ifi_pad(),
            ty: v.ifi_type(),
            index: v.ifi_index(),
            flags: v.ifi_flags(),
            change: v.ifi_change(),
        })
    }

    pub fn emit(&self, out: &mut [u8]) {
        let out = &mut out[..Self::LEN];
        out[field::FAMILY] = self.family;
        out[field::PAD] = self.pad;
        set_u16(&mut out[field::TYPE], self.ty);
        set_u32(&mut out[field::INDEX], self.index as u32);
        set_u32(&mut out[field::FLAGS], self.flags);
        set_u32(&mut out[field::CHANGE], self.change);
    }

    pub fn to_bytes(&self) -> [u8; Self::LEN] {
        let mut b = [0; Self::LEN];
        self.emit(&mut b);
        b
    }
}
