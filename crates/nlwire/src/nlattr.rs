//! `struct nlattr` and the attributes of a message.
//!
//! Models include/uapi/linux/netlink.h (`NLA_ALIGN`, `NLA_F_*`) and the
//! attribute walk of include/net/netlink.h (`nla_ok`, `nla_next`,
//! `nla_for_each_attr`): `nla_len` counts the 4-byte header and the payload but
//! not the padding, the next attribute starts at `NLA_ALIGN(nla_len)`, and a
//! header that does not fit ends the walk with the remaining byte count kept so
//! that `nla_parse` can complain about leftovers.

use crate::uapi::netlink::{NLA_ALIGNTO, NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_HDRLEN, NLA_TYPE_MASK};
use crate::{get_u16, get_u32, get_u64, Error, Result};

/// `NLA_ALIGN(len)`.
pub const fn nla_align(len: usize) -> usize {
    (len + NLA_ALIGNTO - 1) & !(NLA_ALIGNTO - 1)
}

/// `nla_attr_size(payload)`: `nla_len` of an attribute with this payload.
pub const fn nla_attr_size(payload: usize) -> usize {
    NLA_HDRLEN + payload
}

/// `nla_total_size(payload)`: bytes the attribute occupies, padding included.
pub const fn nla_total_size(payload: usize) -> usize {
    nla_align(nla_attr_size(payload))
}

mod field {
    use core::ops::Range;
    pub const LEN: Range<usize> = 0..2;
    pub const TYPE: Range<usize> = 2..4;
}

/// A zero-copy view of one attribute: header and payload (`nla_len` bytes).
#[derive(Debug, Clone, Copy)]
pub struct Nla<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Nla<T> {
    pub const fn new_unchecked(buffer: T) -> Self {
        Nla { buffer }
    }

    /// Wraps a buffer whose attribute header fits and whose `nla_len` is within it
    /// (the kernel's `nla_ok`).
    pub fn new_checked(buffer: T) -> Result<Self> {
        let nla = Self::new_unchecked(buffer);
        let buf = nla.buffer.as_ref();
        if buf.len() < NLA_HDRLEN {
            return Err(Error::Truncated);
        }
        let len = nla.nla_len() as usize;
        if len < NLA_HDRLEN || len > buf.len() {
            return Err(Error::BadLength);
        }
        Ok(nla)
    }

    /// `nla_len` as on the wire (header + payload, no padding).
    pub fn nla_len(&self) -> u16 {
        get_u16(&self.buffer.as_ref()[field::LEN])
    }

    /// The raw `nla_type` including the NESTED and NET_BYTEORDER bits.
    pub fn raw_type(&self) -> u16 {
        get_u16(&self.buffer.as_ref()[field::TYPE])
    }

    /// `nla_type()`: the type without the flag bits.
    pub fn nla_type(&self) -> u16 {
        self.raw_type() & NLA_TYPE_MASK
    }

    pub fn is_nested(&self) -> bool {
        self.raw_type() & NLA_F_NESTED != 0
    }

    pub fn is_net_byteorder(&self) -> bool {
        self.raw_type() & NLA_F_NET_BYTEORDER != 0
    }

    /// `nla_data`: the payload, `nla_len - 4` bytes.
    pub fn payload(&self) -> &[u8] {
        let buf = self.buffer.as_ref();
        let len = (self.nla_len() as usize).clamp(NLA_HDRLEN, buf.len());
        &buf[NLA_HDRLEN..len]
    }

    /// The whole attribute as it sits in the message (header + payload).
    pub fn bytes(&self) -> &[u8] {
        let buf = self.buffer.as_ref();
        &buf[..(self.nla_len() as usize).clamp(NLA_HDRLEN, buf.len())]
    }

    /// `nla_get_u8`; short payloads read as zero-extended, as the kernel's
    /// getters assume a validated attribute.
    pub fn get_u8(&self) -> u8 {
        self.payload().first().copied().unwrap_or(0)
    }
    pub fn get_u16(&self) -> u16 {
        get_u16(&pad::<2>(self.payload()))
    }
    pub fn get_u32(&self) -> u32 {
        get_u32(&pad::<4>(self.payload()))
    }
    pub fn get_u64(&self) -> u64 {
        get_u64(&pad::<8>(self.payload()))
    }
    pub fn get_s32(&self) -> i32 {
        self.get_u32() as i32
    }
    /// `nla_get_be32`.
    pub fn get_be32(&self) -> u32 {
        u32::from_be_bytes(pad::<4>(self.payload()))
    }
    /// `nla_get_uint`: a 4- or 8-byte unsigned value.
    pub fn get_uint(&self) -> u64 {
        if self.payload().len() == 8 {
            self.get_u64()
        } else {
            self.get_u32() as u64
        }
    }
    /// The payload as a string up to its first NUL (`nla_strscpy` without the size cap).
    pub fn get_str(&self) -> &[u8] {
        let p = self.payload();
        let end = p.iter().position(|&b| b == 0).unwrap_or(p.len());
        &p[..end]
    }
}

impl<'a> Nla<&'a [u8]> {
    /// `nla_data` with the lifetime of the underlying buffer.
    pub fn payload_ref(&self) -> &'a [u8] {
        let buf: &'a [u8] = self.buffer;
        &buf[NLA_HDRLEN..(self.nla_len() as usize).clamp(NLA_HDRLEN, buf.len())]
    }

    /// The whole attribute with the lifetime of the underlying buffer.
    pub fn bytes_ref(&self) -> &'a [u8] {
        let buf: &'a [u8] = self.buffer;
        &buf[..(self.nla_len() as usize).clamp(NLA_HDRLEN, buf.len())]
    }
}

fn pad<const N: usize>(p: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    let n = p.len().min(N);
    out[..n].copy_from_slice(&p[..n]);
    out
}

/// The attributes of a stream, walked as `nla_for_each_attr` walks them.
///
/// Stops at the first attribute that fails `nla_ok`; [`NlaIter::remaining`]
/// then tells how many bytes were not consumed (`rem` in the kernel, which
/// `__nla_validate_parse` reports as "bytes leftover after parsing attributes").
#[derive(Debug, Clone)]
pub struct NlaIter<'a> {
    data: &'a [u8],
    offset: usize,
}

impl<'a> NlaIter<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        NlaIter { data, offset: 0 }
    }

    /// Offset of the next attribute within the stream.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Bytes left after the walk (0 when every byte was consumed by a valid attribute).
    pub fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.offset)
    }
}

impl<'a> Iterator for NlaIter<'a> {
    type Item = Nla<&'a [u8]>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.data.get(self.offset..)?;
        let nla = Nla::new_checked(rest).ok()?;
        let len = nla.nla_len() as usize;
        self.offset += nla_align(len);
        Some(Nla::new_unchecked(&rest[..len]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lo_ifname_layout() {
        // kernel-reference §2: IFLA_IFNAME "lo" = 07 00 03 00 6c 6f 00 00
        let b = [0x07, 0x00, 0x03, 0x00, 0x6c, 0x6f, 0x00, 0x00];
        let mut it = NlaIter::new(&b);
        let a = it.next().unwrap();
        assert_eq!(a.nla_len(), 7);
        assert_eq!(a.nla_type(), 3);
        assert_eq!(a.get_str(), b"lo");
        assert!(it.next().is_none());
        assert_eq!(it.remaining(), 0);
    }

    #[test]
    fn flags_are_masked_from_the_type() {
        let b = [4, 0, 0x3e, 0x80];
        let a = Nla::new_checked(&b[..]).unwrap();
        assert_eq!(a.nla_type(), 0x3e);
        assert!(a.is_nested());
        assert!(!a.is_net_byteorder());
    }

    #[test]
    fn walk_stops_on_bad_length_and_keeps_leftover() {
        let b = [8, 0, 1, 0, 1, 2, 3, 4, 9, 0, 2, 0, 0, 0, 0, 0];
        let mut it = NlaIter::new(&b);
        assert!(it.next().is_some());
        assert!(it.next().is_none());
        assert_eq!(it.remaining(), 8);
    }
}
