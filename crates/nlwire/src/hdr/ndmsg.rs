//! `struct ndmsg` (include/uapi/linux/neighbour.h): the family header of
//! RTM_{NEW,DEL,GET}NEIGH.

use crate::{get_u16, get_u32, set_u16, set_u32, Error, Result};

mod field {
    use core::ops::Range;
    pub const FAMILY: usize = 0;
    pub const PAD1: usize = 1;
    pub const PAD2: Range<usize> = 2..4;
    pub const IFINDEX: Range<usize> = 4..8;
    pub const STATE: Range<usize> = 8..10;
    pub const FLAGS: usize = 10;
    pub const TYPE: usize = 11;
}

#[derive(Debug, Clone, Copy)]
pub struct NdMsg<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> NdMsg<T> {
    pub const LEN: usize = 12;

    pub fn new_checked(buffer: T) -> Result<Self> {
        if buffer.as_ref().len() < Self::LEN {
            return Err(Error::Truncated);
        }
        Ok(NdMsg { buffer })
    }

    pub fn ndm_family(&self) -> u8 {
        self.buffer.as_ref()[field::FAMILY]
    }
    pub fn ndm_pad1(&self) -> u8 {
        self.buffer.as_ref()[field::PAD1]
    }
    pub fn ndm_pad2(&self) -> u16 {
        get_u16(&self.buffer.as_ref()[field::PAD2])
    }
    pub fn ndm_ifindex(&self) -> i32 {
        get_u32(&self.buffer.as_ref()[field::IFINDEX]) as i32
    }
    pub fn ndm_state(&self) -> u16 {
        get_u16(&self.buffer.as_ref()[field::STATE])
    }
    pub fn ndm_flags(&self) -> u8 {
        self.buffer.as_ref()[field::FLAGS]
    }
    pub fn ndm_type(&self) -> u8 {
        self.buffer.as_ref()[field::TYPE]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NdMsgRepr {
    pub family: u8,
    pub ifindex: i32,
    pub state: u16,
    pub flags: u8,
    pub ty: u8,
}

impl NdMsgRepr {
    pub const LEN: usize = 12;

    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let v = NdMsg::new_checked(bytes)?;
        Ok(NdMsgRepr {
            family: v.ndm_family(),
            ifindex: v.ndm_ifindex(),
            state: v.ndm_state(),
            flags: v.ndm_flags(),
            ty: v.ndm_type(),
        })
    }

    pub fn emit(&self, out: &mut [u8]) {
        let out = &mut out[..Self::LEN];
        out[field::FAMILY] = self.family;
        out[field::PAD1] = 0;
        set_u16(&mut out[field::PAD2], 0);
        set_u32(&mut out[field::IFINDEX], self.ifindex as u32);
        set_u16(&mut out[field::STATE], self.state);
        out[field::FLAGS] = self.flags;
        out[field::TYPE] = self.ty;
    }

    pub fn to_bytes(&self) -> [u8; Self::LEN] {
        let mut b = [0; Self::LEN];
        self.emit(&mut b);
        b
    }
}
