//! `struct rtmsg` (include/uapi/linux/rtnetlink.h): the family header of
//! RTM_{NEW,DEL,GET}ROUTE.

use crate::{get_u32, set_u32, Error, Result};

mod field {
    use core::ops::Range;
    pub const FAMILY: usize = 0;
    pub const DST_LEN: usize = 1;
    pub const SRC_LEN: usize = 2;
    pub const TOS: usize = 3;
    pub const TABLE: usize = 4;
    pub const PROTOCOL: usize = 5;
    pub const SCOPE: usize = 6;
    pub const TYPE: usize = 7;
    pub const FLAGS: Range<usize> = 8..12;
}

#[derive(Debug, Clone, Copy)]
pub struct RtMsg<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> RtMsg<T> {
    pub const LEN: usize = 12;

    pub fn new_checked(buffer: T) -> Result<Self> {
        if buffer.as_ref().len() < Self::LEN {
            return Err(Error::Truncated);
        }
        Ok(RtMsg { buffer })
    }

    pub fn rtm_family(&self) -> u8 {
        self.buffer.as_ref()[field::FAMILY]
    }
    pub fn rtm_dst_len(&self) -> u8 {
        self.buffer.as_ref()[field::DST_LEN]
    }
    pub fn rtm_src_len(&self) -> u8 {
        self.buffer.as_ref()[field::SRC_LEN]
    }
    pub fn rtm_tos(&self) -> u8 {
        self.buffer.as_ref()[field::TOS]
    }
    pub fn rtm_table(&self) -> u8 {
        self.buffer.as_ref()[field::TABLE]
    }
    pub fn rtm_protocol(&self) -> u8 {
        self.buffer.as_ref()[field::PROTOCOL]
    }
    pub fn rtm_scope(&self) -> u8 {
        self.buffer.as_ref()[field::SCOPE]
    }
    pub fn rtm_type(&self) -> u8 {
        self.buffer.as_ref()[field::TYPE]
    }
    pub fn rtm_flags(&self) -> u32 {
        get_u32(&self.buffer.as_ref()[field::FLAGS])
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RtMsgRepr {
    pub family: u8,
    pub dst_len: u8,
    pub src_len: u8,
    pub tos: u8,
    pub table: u8,
    pub protocol: u8,
    pub scope: u8,
    pub ty: u8,
    pub flags: u32,
}

impl RtMsgRepr {
    pub const LEN: usize = 12;

    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let v = RtMsg::new_checked(bytes)?;
        Ok(RtMsgRepr {
            family: v.rtm_family(),
            dst_len: v.rtm_dst_len(),
            src_len: v.rtm_src_len(),
            tos: v.rtm_tos(),
            table: v.rtm_table(),
            protocol: v.rtm_protocol(),
            scope: v.rtm_scope(),
            ty: v.rtm_type(),
            flags: v.rtm_flags(),
        })
    }

    pub fn emit(&self, out: &mut [u8]) {
        let out = &mut out[..Self::LEN];
        out[field::FAMILY] = self.family;
        out[field::DST_LEN] = self.dst_len;
        out[field::SRC_LEN] = self.src_len;
        out[field::TOS] = self.tos;
        out[field::TABLE] = self.table;
        out[field::PROTOCOL] = self.protocol;
        out[field::SCOPE] = self.scope;
        out[field::TYPE] = self.ty;
        set_u32(&mut out[field::FLAGS], self.flags);
    }

    pub fn to_bytes(&self) -> [u8; Self::LEN] {
        let mut b = [0; Self::LEN];
        self.emit(&mut b);
        b
    }
}
