//! `struct nlmsgerr { int error; struct nlmsghdr msg; }` (include/uapi/linux/netlink.h):
//! the payload of NLMSG_ERROR. `msg` is the start of the request the error
//! answers: its header only when the ack is capped, the whole request otherwise;
//! extended-ack TLVs may follow (`NLM_F_ACK_TLVS`).

use crate::nlattr::{nla_align, NlaIter};
use crate::nlmsg::{nlmsg_align, NlMsgHdr, NlMsgHdrRepr};
use crate::uapi::netlink::{NLMSG_HDRLEN, NLM_F_ACK_TLVS, NLM_F_CAPPED};
use crate::{get_u32, Errno, Error, Result};

/// A view of an NLMSG_ERROR payload; the flags of the enclosing header say
/// whether the request copy is capped and whether TLVs follow.
#[derive(Debug, Clone, Copy)]
pub struct NlMsgErr<T: AsRef<[u8]>> {
    buffer: T,
    nlmsg_flags: u16,
}

impl<T: AsRef<[u8]>> NlMsgErr<T> {
    /// sizeof(struct nlmsgerr).
    pub const LEN: usize = 4 + NLMSG_HDRLEN;

    /// `payload` is the NLMSG_ERROR payload; `nlmsg_flags` the flags of its header.
    pub fn new_checked(payload: T, nlmsg_flags: u16) -> Result<Self> {
        if payload.as_ref().len() < Self::LEN {
            return Err(Error::Truncated);
        }
        Ok(NlMsgErr { buffer: payload, nlmsg_flags })
    }

    /// The raw `error` field: 0 or a negative errno.
    pub fn error(&self) -> i32 {
        get_u32(&self.buffer.as_ref()[0..4]) as i32
    }

    /// `None` for an ack, the errno otherwise.
    pub fn errno(&self) -> Option<Errno> {
        Errno::from_wire(self.error())
    }

    /// The copied request header.
    pub fn orig_header(&self) -> NlMsgHdrRepr {
        // LEN was checked in new_checked.
        NlMsgHdrRepr::parse(&self.buffer.as_ref()[4..Self::LEN]).unwrap_or_default()
    }

    /// The copied request: the header only when capped, else `nlmsg_len` bytes
    /// (bounded by the payload).
    pub fn orig_message(&self) -> &[u8] {
        let buf = &self.buffer.as_ref()[4..];
        if self.nlmsg_flags & NLM_F_CAPPED != 0 {
            return &buf[..NLMSG_HDRLEN];
        }
        let len = (NlMsgHdr::new_unchecked(buf).nlmsg_len() as usize).clamp(NLMSG_HDRLEN, buf.len());
        &buf[..len]
    }

    /// The extended-ack TLVs (empty without `NLM_F_ACK_TLVS`).
    pub fn tlvs(&self) -> NlaIter<'_> {
        if self.nlmsg_flags & NLM_F_ACK_TLVS == 0 {
            return NlaIter::new(&[]);
        }
        let start = 4 + nlmsg_align(self.orig_message().len());
        NlaIter::new(self.buffer.as_ref().get(start..).unwrap_or(&[]))
    }
}

/// A plain NLMSG_ERROR payload (without TLVs), for building.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NlMsgErrRepr {
    pub error: i32,
    /// The request as copied: its header alone when capped.
    pub orig: Vec<u8>,
}

impl NlMsgErrRepr {
    pub fn buffer_len(&self) -> usize {
        4 + nla_align(self.orig.len())
    }

    pub fn emit(&self, out: &mut [u8]) {
        out[0..4].copy_from_slice(&self.error.to_ne_bytes());
        out[4..4 + self.orig.len()].copy_from_slice(&self.orig);
        for b in &mut out[4 + self.orig.len()..self.buffer_len()] {
            *b = 0;
        }
    }
}
