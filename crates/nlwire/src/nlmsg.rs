//! `struct nlmsghdr` and the messages of a datagram.
//!
//! Models include/uapi/linux/netlink.h (`NLMSG_ALIGN`, `NLMSG_HDRLEN`) and the
//! walk `netlink_rcv_skb` (net/netlink/af_netlink.c) makes over a datagram:
//! messages follow each other at `NLMSG_ALIGN(nlmsg_len)`, a datagram with
//! fewer than 16 bytes left ends, and a header whose `nlmsg_len` is below 16
//! or beyond the bytes left ends the walk without an error to the sender.

use crate::uapi::netlink::{NLMSG_ALIGNTO, NLMSG_HDRLEN};
use crate::{get_u16, get_u32, set_u16, set_u32, Error, Result};

/// `NLMSG_ALIGN(len)`: round up to the 4-byte netlink alignment.
pub const fn nlmsg_align(len: usize) -> usize {
    (len + NLMSG_ALIGNTO - 1) & !(NLMSG_ALIGNTO - 1)
}

/// `NLMSG_LENGTH(payload)`: `nlmsg_len` of a message with this payload (no trailing pad).
pub const fn nlmsg_length(payload: usize) -> usize {
    payload + NLMSG_HDRLEN
}

/// `NLMSG_SPACE(payload)` / `nlmsg_total_size`: bytes a message with this payload occupies.
pub const fn nlmsg_total_size(payload: usize) -> usize {
    nlmsg_align(nlmsg_length(payload))
}

mod field {
    use core::ops::Range;
    pub const LEN: Range<usize> = 0..4;
    pub const TYPE: Range<usize> = 4..6;
    pub const FLAGS: Range<usize> = 6..8;
    pub const SEQ: Range<usize> = 8..12;
    pub const PID: Range<usize> = 12..16;
}

/// A zero-copy view of one netlink message: a `struct nlmsghdr` and its payload.
#[derive(Debug, Clone, Copy)]
pub struct NlMsgHdr<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> NlMsgHdr<T> {
    /// Wraps a buffer without checking it; accessors may panic on a short buffer.
    pub const fn new_unchecked(buffer: T) -> Self {
        NlMsgHdr { buffer }
    }

    /// Wraps a buffer after [`check_len`](Self::check_len).
    pub fn new_checked(buffer: T) -> Result<Self> {
        let msg = Self::new_unchecked(buffer);
        msg.check_len()?;
        Ok(msg)
    }

    /// The buffer holds a whole header, and `nlmsg_len` is at least a header and
    /// at most the buffer (the kernel's `nlmsg_ok`).
    pub fn check_len(&self) -> Result<()> {
        let buf = self.buffer.as_ref();
        if buf.len() < NLMSG_HDRLEN {
            return Err(Error::Truncated);
        }
        let len = self.nlmsg_len() as usize;
        if len < NLMSG_HDRLEN || len > buf.len() {
            return Err(Error::BadLength);
        }
        Ok(())
    }

    pub fn into_inner(self) -> T {
        self.buffer
    }

    pub fn nlmsg_len(&self) -> u32 {
        get_u32(&self.buffer.as_ref()[field::LEN])
    }
    pub fn nlmsg_type(&self) -> u16 {
        get_u16(&self.buffer.as_ref()[field::TYPE])
    }
    pub fn nlmsg_flags(&self) -> u16 {
        get_u16(&self.buffer.as_ref()[field::FLAGS])
    }
    pub fn nlmsg_seq(&self) -> u32 {
        get_u32(&self.buffer.as_ref()[field::SEQ])
    }
    pub fn nlmsg_pid(&self) -> u32 {
        get_u32(&self.buffer.as_ref()[field::PID])
    }

    /// The header (16 bytes).
    pub fn header_bytes(&self) -> &[u8] {
        &self.buffer.as_ref()[..NLMSG_HDRLEN]
    }

    /// The whole message, `nlmsg_len` bytes (`nlmsg_len` bounded by the buffer).
    pub fn message(&self) -> &[u8] {
        let buf = self.buffer.as_ref();
        let len = (self.nlmsg_len() as usize).clamp(NLMSG_HDRLEN, buf.len());
        &buf[..len]
    }

    /// `nlmsg_data`: the payload after the header, up to `nlmsg_len`.
    pub fn payload(&self) -> &[u8] {
        &self.message()[NLMSG_HDRLEN..]
    }

    /// `nlmsg_len(nlh)` in the kernel's sense: the payload length.
    pub fn payload_len(&self) -> usize {
        self.payload().len()
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> NlMsgHdr<T> {
    pub fn set_nlmsg_len(&mut self, v: u32) {
        set_u32(&mut self.buffer.as_mut()[field::LEN], v)
    }
    pub fn set_nlmsg_type(&mut self, v: u16) {
        set_u16(&mut self.buffer.as_mut()[field::TYPE], v)
    }
    pub fn set_nlmsg_flags(&mut self, v: u16) {
        set_u16(&mut self.buffer.as_mut()[field::FLAGS], v)
    }
    pub fn set_nlmsg_seq(&mut self, v: u32) {
        set_u32(&mut self.buffer.as_mut()[field::SEQ], v)
    }
    pub fn set_nlmsg_pid(&mut self, v: u32) {
        set_u32(&mut self.buffer.as_mut()[field::PID], v)
    }
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let len = (self.nlmsg_len() as usize).clamp(NLMSG_HDRLEN, self.buffer.as_ref().len());
        &mut self.buffer.as_mut()[NLMSG_HDRLEN..len]
    }
}

/// A plain `struct nlmsghdr`, for building.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NlMsgHdrRepr {
    pub len: u32,
    pub ty: u16,
    pub flags: u16,
    pub seq: u32,
    pub pid: u32,
}

impl NlMsgHdrRepr {
    pub const LEN: usize = NLMSG_HDRLEN;

    /// Reads the 16 header bytes (does not check `nlmsg_len` against anything).
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        if bytes.len() < NLMSG_HDRLEN {
            return Err(Error::Truncated);
        }
        let h = NlMsgHdr::new_unchecked(bytes);
        Ok(NlMsgHdrRepr {
            len: h.nlmsg_len(),
            ty: h.nlmsg_type(),
            flags: h.nlmsg_flags(),
            seq: h.nlmsg_seq(),
            pid: h.nlmsg_pid(),
        })
    }

    /// Writes the 16 header bytes into `out[..16]`.
    pub fn emit(&self, out: &mut [u8]) {
        let mut h = NlMsgHdr::new_unchecked(&mut out[..NLMSG_HDRLEN]);
        h.set_nlmsg_len(self.len);
        h.set_nlmsg_type(self.ty);
        h.set_nlmsg_flags(self.flags);
        h.set_nlmsg_seq(self.seq);
        h.set_nlmsg_pid(self.pid);
    }

    pub fn to_bytes(&self) -> [u8; NLMSG_HDRLEN] {
        let mut b = [0u8; NLMSG_HDRLEN];
        self.emit(&mut b);
        b
    }
}

/// The messages of one datagram, walked as `netlink_rcv_skb` walks them.
///
/// Yields each well-formed message. A malformed header (`nlmsg_len` below 16
/// or past the end) yields one `Err(Error::BadLength)` and ends the walk; fewer
/// than 16 trailing bytes end it silently. [`NlMsgIter::offset`] tells where
/// the walk is, for callers that report offsets.
#[derive(Debug, Clone)]
pub struct NlMsgIter<'a> {
    data: &'a [u8],
    offset: usize,
    done: bool,
}

impl<'a> NlMsgIter<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        NlMsgIter { data, offset: 0, done: false }
    }

    /// Offset of the next message in the datagram.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl<'a> Iterator for NlMsgIter<'a> {
    type Item = Result<NlMsgHdr<&'a [u8]>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let rest = &self.data[self.offset.min(self.data.len())..];
        if rest.len() < NLMSG_HDRLEN {
            self.done = true;
            return None;
        }
        let len = get_u32(&rest[field::LEN]) as usize;
        if len < NLMSG_HDRLEN || len > rest.len() {
            self.done = true;
            return Some(Err(Error::BadLength));
        }
        // netlink_rcv_skb: msglen = NLMSG_ALIGN(nlh->nlmsg_len), clamped to what is left.
        self.offset += nlmsg_align(len).min(rest.len());
        Some(Ok(NlMsgHdr::new_unchecked(&rest[..len])))
    }
}

impl core::iter::FusedIterator for NlMsgIter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips() {
        let h = NlMsgHdrRepr { len: 40, ty: 20, flags: 0x605, seq: 100, pid: 0 };
        let b = h.to_bytes();
        // kernel-reference §4: 28000000 1400 0506 64000000 00000000
        assert_eq!(b, [0x28, 0, 0, 0, 0x14, 0, 0x05, 0x06, 0x64, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(NlMsgHdrRepr::parse(&b), Ok(h));
    }

    #[test]
    fn walk_stops_silently_on_short_tail_and_reports_bad_length() {
        let mut d = Vec::new();
        d.extend_from_slice(&NlMsgHdrRepr { len: 17, ty: 18, ..Default::default() }.to_bytes());
        d.extend_from_slice(&[0xaa, 0, 0, 0]); // 1 payload byte + 3 pad
        d.extend_from_slice(&NlMsgHdrRepr { len: 16, ty: 1, ..Default::default() }.to_bytes());
        d.extend_from_slice(&[1, 2, 3]);
        let msgs: Vec<_> = NlMsgIter::new(&d).collect();
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].as_ref().map(|m| m.payload().len()), Ok(1));
        assert_eq!(msgs[1].as_ref().map(|m| m.nlmsg_type()), Ok(1));

        let bad = NlMsgHdrRepr { len: 100, ..Default::default() }.to_bytes();
        let msgs: Vec<_> = NlMsgIter::new(&bad).collect();
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].as_ref().err(), Some(&Error::BadLength));
    }

    #[test]
    fn unaligned_last_message_is_clamped() {
        // nlmsg_len 17 with no padding after it: the walk ends after it.
        let mut d = NlMsgHdrRepr { len: 17, ..Default::default() }.to_bytes().to_vec();
        d.push(7);
        let mut it = NlMsgIter::new(&d);
        assert!(matches!(it.next(), Some(Ok(_))));
        assert!(it.next().is_none());
        assert_eq!(it.offset(), 17);
    }
}
