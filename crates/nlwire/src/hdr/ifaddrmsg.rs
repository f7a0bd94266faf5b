//! `struct ifaddrmsg` (include/uapi/linux/if_addr.h): the family header of
//! RTM_{NEW,DEL,GET}ADDR.

use crate::{get_u32, set_u32, Error, Result};

mod field {
    use core::ops::Range;
    pub const FAMILY: usize = 0;
    pub const PREFIXLEN: usize = 1;
    pub const FLAGS: usize = 2;
    pub const SCOPE: usize = 3;
    pub const INDEX: Range<usize> = 4..8;
}

#[derive(Debug, Clone, Copy)]
pub struct IfAddrMsg<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> IfAddrMsg<T> {
    pub const LEN: usize = 8;

    pub fn new_checked(buffer: T) -> Result<Self> {
        if buffer.as_ref().len() < Self::LEN {
            return Err(Error::Truncated);
        }
        Ok(IfAddrMsg { buffer })
    }

    pub fn ifa_family(&self) -> u8 {
        self.buffer.as_ref()[field::FAMILY]
    }
    pub fn ifa_prefixlen(&self) -> u8 {
        self.buffer.as_ref()[field::PREFIXLEN]
    }
    pub fn ifa_flags(&self) -> u8 {
        self.buffer.as_ref()[field::FLAGS]
    }
    pub fn ifa_scope(&self) -> u8 {
        self.buffer.as_ref()[field::SCOPE]
    }
    pub fn ifa_index(&self) -> u32 {
        get_u32(&self.buffer.as_ref()[field::INDEX])
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct IfAddrMsgRepr {
    pub family: u8,
    pub prefixlen: u8,
    pub flags: u8,
    pub scope: u8,
    pub index: u32,
}

impl IfAddrMsgRepr {
    pub const LEN: usize = 8;

    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let v = IfAddrMsg::new_checked(bytes)?;
        Ok(IfAddrMsgRepr {
            family: v.ifa_family(),
            prefixlen: v.ifa_prefixlen(),
            flags: v.ifa_flags(),
            scope: v.ifa_scope(),
            index: v.ifa_index(),
        })
    }

    pub fn emit(&self, out: &mut [u8]) {
        let out = &mut out[..Self::LEN];
        out[field::FAMILY] = self.family;
        out[field::PREFIXLEN] = self.prefixlen;
        out[field::FLAGS] = self.flags;
        out[field::SCOPE] = self.scope;
        set_u32(&mut out[field::INDEX], self.index);
    }

    pub fn to_bytes(&self) -> [u8; Self::LEN] {
        let mut b = [0; Self::LEN];
        self.emit(&mut b);
        b
    }
}
