//! Building messages in the kernel's own words.
//!
//! Models the message-construction half of include/net/netlink.h on top of a
//! bounded buffer that plays the `struct sk_buff`: `nlmsg_new` gives a buffer
//! with a fixed tailroom, `nlmsg_put` opens a message, `nla_put_*` append
//! attributes, `nla_nest_start`/`nla_nest_end` bracket a nest, `nlmsg_end`
//! writes `nlmsg_len` and `nlmsg_cancel` throws a half-built message away.
//! Running out of tailroom is `EMSGSIZE` (or `None` for `nlmsg_put`, whose
//! kernel version returns NULL), which dumps use to mean "this chunk is full".
//!
//! Every byte the builder adds is zeroed first, padding included, so the same
//! calls always produce the same bytes.

use crate::nlattr::{nla_align, nla_attr_size, nla_total_size};
use crate::nlmsg::{nlmsg_align, nlmsg_total_size, NlMsgHdrRepr};
use crate::uapi::netlink::{NLA_F_NESTED, NLA_HDRLEN, NLMSG_HDRLEN};
use crate::{set_u16, set_u32, Errno};

/// `NLMSG_GOODSIZE` on x86-64 with 4 KiB pages: `SKB_WITH_OVERHEAD(PAGE_SIZE)`
/// (4096 − 320 for `struct skb_shared_info`), the kernel's default dump chunk.
pub const NLMSG_GOODSIZE: usize = 3776;
/// `NLMSG_DEFAULT_SIZE`: `NLMSG_GOODSIZE - NLMSG_HDRLEN`.
pub const NLMSG_DEFAULT_SIZE: usize = NLMSG_GOODSIZE - NLMSG_HDRLEN;

/// A bounded message buffer: the data of an skb and its `end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkBuff {
    data: Vec<u8>,
    end: usize,
}

/// Where `nlmsg_put` opened a message (the kernel's `struct nlmsghdr *`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NlMsgStart(usize);

impl NlMsgStart {
    /// `nlmsg_hdr(skb)`: the first message of the buffer.
    pub const FIRST: NlMsgStart = NlMsgStart(0);
}

/// Where `nla_nest_start` opened a nest (the kernel's `struct nlattr *`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NlaNest(usize);

/// `nlmsg_new(payload)`: a buffer with room for exactly one message of that payload.
///
/// The simulated kernel sizes its buffers through its own allocator model
/// (kmalloc rounding gives real skbs more tailroom than asked); this is the
/// exact-size version for clients.
pub fn nlmsg_new(payload: usize) -> SkBuff {
    SkBuff::with_tailroom(nlmsg_total_size(payload))
}

impl SkBuff {
    /// An empty buffer that can hold `size` bytes.
    pub fn with_tailroom(size: usize) -> Self {
        SkBuff { data: Vec::with_capacity(size.min(1 << 16)), end: size }
    }

    /// `skb->len`.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// `skb_tailroom`.
    pub fn tailroom(&self) -> usize {
        self.end - self.data.len()
    }

    /// The usable size (`skb_end_offset`).
    pub fn end(&self) -> usize {
        self.end
    }

    /// Shrinks the usable size, as `netlink_dump` does with `skb_reserve` so that
    /// a chunk never exceeds the reader's buffer. Never below the current length.
    pub fn limit_tailroom(&mut self, tailroom: usize) {
        self.end = self.end.min(self.data.len() + tailroom);
    }

    pub fn data(&self) -> &[u8] {
        &self.data
    }

    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }

    pub fn into_vec(self) -> Vec<u8> {
        self.data
    }

    /// `skb_put`: appends `len` zeroed bytes, or EMSGSIZE without room.
    pub fn put(&mut self, len: usize) -> Result<&mut [u8], Errno> {
        if self.tailroom() < len {
            return Err(Errno::EMSGSIZE);
        }
        let start = self.data.len();
        self.data.resize(start + len, 0);
        Ok(&mut self.data[start..])
    }

    /// `skb_put_data`.
    pub fn put_data(&mut self, bytes: &[u8]) -> Result<(), Errno> {
        self.put(bytes.len())?.copy_from_slice(bytes);
        Ok(())
    }

    /// `nlmsg_trim` / `skb_trim`: cut back to `len` bytes.
    pub fn trim(&mut self, len: usize) {
        self.data.truncate(len);
    }

    // ---- messages -----------------------------------------------------------

    /// `nlmsg_put`: opens a message with a `payload`-byte family header, or
    /// `None` when `nlmsg_total_size(payload)` does not fit.
    pub fn nlmsg_put(&mut self, portid: u32, seq: u32, ty: u16, payload: usize, flags: u16) -> Option<NlMsgStart> {
        let total = nlmsg_total_size(payload);
        if self.tailroom() < total {
            return None;
        }
        let start = self.data.len();
        self.data.resize(start + total, 0);
        let hdr = NlMsgHdrRepr { len: (NLMSG_HDRLEN + payload) as u32, ty, flags, seq, pid: portid };
        hdr.emit(&mut self.data[start..]);
        Some(NlMsgStart(start))
    }

    /// `nlmsg_data(nlh)`: the family header (and anything after it) of an open message.
    pub fn nlmsg_data_mut(&mut self, nlh: NlMsgStart) -> &mut [u8] {
        &mut self.data[nlh.0 + NLMSG_HDRLEN..]
    }

    /// Sets header fields of an open message (`nlh->nlmsg_flags |= …` and the like).
    pub fn nlmsg_flags_or(&mut self, nlh: NlMsgStart, flags: u16) {
        let at = nlh.0 + 6;
        let old = u16::from_ne_bytes([self.data[at], self.data[at + 1]]);
        set_u16(&mut self.data[at..at + 2], old | flags);
    }

    /// `nlmsg_end`: `nlmsg_len` = everything from the header to the tail.
    pub fn nlmsg_end(&mut self, nlh: NlMsgStart) {
        let len = (self.data.len() - nlh.0) as u32;
        set_u32(&mut self.data[nlh.0..nlh.0 + 4], len);
    }

    /// `nlmsg_cancel`: removes an open message and all that follows it.
    pub fn nlmsg_cancel(&mut self, nlh: NlMsgStart) {
        self.data.truncate(nlh.0);
    }

    /// Appends an already built message, padded to `NLMSG_ALIGN`.
    pub fn put_nlmsg_bytes(&mut self, msg: &[u8]) -> Result<(), Errno> {
        let total = nlmsg_align(msg.len());
        let out = self.put(total)?;
        out[..msg.len()].copy_from_slice(msg);
        Ok(())
    }

    // ---- attributes ---------------------------------------------------------

    /// `nla_reserve`: an attribute with an `len`-byte zeroed payload to fill in.
    pub fn nla_reserve(&mut self, ty: u16, len: usize) -> Result<&mut [u8], Errno> {
        let total = nla_total_size(len);
        if self.tailroom() < total || nla_attr_size(len) > u16::MAX as usize {
            return Err(Errno::EMSGSIZE);
        }
        let start = self.data.len();
        self.data.resize(start + total, 0);
        set_u16(&mut self.data[start..start + 2], nla_attr_size(len) as u16);
        set_u16(&mut self.data[start + 2..start + 4], ty);
        Ok(&mut self.data[start + NLA_HDRLEN..start + NLA_HDRLEN + len])
    }

    /// `nla_put`.
    pub fn nla_put(&mut self, ty: u16, data: &[u8]) -> Result<(), Errno> {
        self.nla_reserve(ty, data.len())?.copy_from_slice(data);
        Ok(())
    }

    pub fn nla_put_u8(&mut self, ty: u16, v: u8) -> Result<(), Errno> {
        self.nla_put(ty, &[v])
    }
    pub fn nla_put_u16(&mut self, ty: u16, v: u16) -> Result<(), Errno> {
        self.nla_put(ty, &v.to_ne_bytes())
    }
    pub fn nla_put_u32(&mut self, ty: u16, v: u32) -> Result<(), Errno> {
        self.nla_put(ty, &v.to_ne_bytes())
    }
    pub fn nla_put_s8(&mut self, ty: u16, v: i8) -> Result<(), Errno> {
        self.nla_put(ty, &v.to_ne_bytes())
    }
    pub fn nla_put_s32(&mut self, ty: u16, v: i32) -> Result<(), Errno> {
        self.nla_put(ty, &v.to_ne_bytes())
    }
    /// `nla_put_u64_64bit`: on x86-64 (efficient unaligned access) no pad
    /// attribute is inserted, so this is a plain 8-byte put (kernel-reference §2).
    pub fn nla_put_u64_64bit(&mut self, ty: u16, v: u64, _padattr: u16) -> Result<(), Errno> {
        self.nla_put(ty, &v.to_ne_bytes())
    }
    pub fn nla_put_s64(&mut self, ty: u16, v: i64, _padattr: u16) -> Result<(), Errno> {
        self.nla_put(ty, &v.to_ne_bytes())
    }
    pub fn nla_put_be16(&mut self, ty: u16, v: u16) -> Result<(), Errno> {
        self.nla_put(ty, &v.to_be_bytes())
    }
    pub fn nla_put_be32(&mut self, ty: u16, v: u32) -> Result<(), Errno> {
        self.nla_put(ty, &v.to_be_bytes())
    }
    /// `nla_put_in_addr`: an IPv4 address in network byte order.
    pub fn nla_put_in_addr(&mut self, ty: u16, addr: [u8; 4]) -> Result<(), Errno> {
        self.nla_put(ty, &addr)
    }
    pub fn nla_put_in6_addr(&mut self, ty: u16, addr: [u8; 16]) -> Result<(), Errno> {
        self.nla_put(ty, &addr)
    }
    /// `nla_put_string`: the string and its terminating NUL.
    pub fn nla_put_string(&mut self, ty: u16, s: &str) -> Result<(), Errno> {
        let out = self.nla_reserve(ty, s.len() + 1)?;
        out[..s.len()].copy_from_slice(s.as_bytes());
        Ok(())
    }
    /// `nla_put_flag`: an attribute with no payload.
    pub fn nla_put_flag(&mut self, ty: u16) -> Result<(), Errno> {
        self.nla_put(ty, &[])
    }
    /// `nla_put_uint`: 4 bytes when the value fits, else 8 (kernel-reference §2).
    pub fn nla_put_uint(&mut self, ty: u16, v: u64) -> Result<(), Errno> {
        match u32::try_from(v) {
            Ok(v32) => self.nla_put_u32(ty, v32),
            Err(_) => self.nla_put(ty, &v.to_ne_bytes()),
        }
    }
    /// `nla_put_sint`: 4 bytes when the value fits, else 8.
    pub fn nla_put_sint(&mut self, ty: u16, v: i64) -> Result<(), Errno> {
        match i32::try_from(v) {
            Ok(v32) => self.nla_put_s32(ty, v32),
            Err(_) => self.nla_put(ty, &v.to_ne_bytes()),
        }
    }

    /// `nla_nest_start`: opens a nest with `NLA_F_NESTED` set.
    pub fn nla_nest_start(&mut self, ty: u16) -> Result<NlaNest, Errno> {
        self.nla_nest_start_noflag(ty | NLA_F_NESTED)
    }

    /// `nla_nest_start_noflag`: opens a nest without the flag, as rtnetlink still
    /// does for IFLA_AF_SPEC, IFLA_LINKINFO and IFLA_XDP (kernel-reference §2).
    pub fn nla_nest_start_noflag(&mut self, ty: u16) -> Result<NlaNest, Errno> {
        let start = self.data.len();
        self.nla_reserve(ty, 0)?;
        Ok(NlaNest(start))
    }

    /// `nla_nest_end`: the nest's `nla_len` covers everything added since; returns `skb->len`.
    pub fn nla_nest_end(&mut self, nest: NlaNest) -> usize {
        let len = (self.data.len() - nest.0).min(u16::MAX as usize) as u16;
        set_u16(&mut self.data[nest.0..nest.0 + 2], len);
        self.data.len()
    }

    /// `nla_nest_cancel`: removes the nest and everything in it.
    pub fn nla_nest_cancel(&mut self, nest: NlaNest) {
        self.data.truncate(nest.0);
    }

    /// Appends pre-built attributes (already aligned), as `nla_append`/`skb_put_data`.
    pub fn nla_append(&mut self, bytes: &[u8]) -> Result<(), Errno> {
        let out = self.put(nla_align(bytes.len()))?;
        out[..bytes.len()].copy_from_slice(bytes);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uapi::netlink::NLMSG_DONE;

    #[test]
    fn message_with_attributes_matches_kernel_bytes() {
        // The RTM_NEWADDR request of kernel-reference §4, built with the kernel's calls.
        let mut skb = nlmsg_new(8 + 8 + 8);
        let nlh = skb.nlmsg_put(0, 100, 20, 8, 0x605).unwrap();
        skb.nlmsg_data_mut(nlh)[..8].copy_from_slice(&[2, 24, 0, 0, 1, 0, 0, 0]);
        skb.nla_put_in_addr(2, [10, 1, 1, 1]).unwrap();
        skb.nla_put_in_addr(1, [10, 1, 1, 1]).unwrap();
        skb.nlmsg_end(nlh);
        let want: Vec<u8> =
            ["28000000 14000506 64000000 00000000", "02180000 01000000 08000200 0a010101", "08000100 0a010101"]
                .concat()
                .split(' ')
                .flat_map(|w| (0..w.len()).step_by(2).map(move |i| u8::from_str_radix(&w[i..i + 2], 16).unwrap()))
                .collect();
        assert_eq!(skb.data(), &want[..]);
        assert_eq!(skb.tailroom(), 0);
        assert_eq!(skb.nla_put_u8(1, 0), Err(Errno::EMSGSIZE));
    }

    #[test]
    fn nests_and_cancel() {
        let mut skb = SkBuff::with_tailroom(64);
        let n = skb.nla_nest_start(26).unwrap();
        skb.nla_put_u32(1, 7).unwrap();
        assert_eq!(skb.nla_nest_end(n), 12);
        assert_eq!(&skb.data()[..4], &[12, 0, 26, 0x80]);
        let n2 = skb.nla_nest_start_noflag(18).unwrap();
        skb.nla_put_string(1, "veth").unwrap();
        skb.nla_nest_cancel(n2);
        assert_eq!(skb.len(), 12);
        let nlh = skb.nlmsg_put(1, 2, NLMSG_DONE, 4, 2).unwrap();
        skb.nlmsg_cancel(nlh);
        assert_eq!(skb.len(), 12);
    }

    #[test]
    fn uint_picks_its_width() {
        let mut skb = SkBuff::with_tailroom(64);
        skb.nla_put_uint(1, 5).unwrap();
        skb.nla_put_uint(2, 1 << 40).unwrap();
        assert_eq!(skb.data()[0], 8);
        assert_eq!(skb.data()[8], 12);
    }

    #[test]
    fn nlmsg_put_without_room_is_none() {
        let mut skb = SkBuff::with_tailroom(19);
        assert!(skb.nlmsg_put(0, 0, 16, 4, 0).is_none());
        assert!(skb.is_empty());
    }
}
