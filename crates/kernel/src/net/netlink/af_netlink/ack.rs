//! The request loop and its answers: `netlink_rcv_skb` and `netlink_ack`.
//!
//! `netlink_rcv_skb` walks a datagram message by message (kernel-reference
//! §3): a length below a header or beyond the datagram ends the walk
//! silently; messages that are not requests, and control types below 0x10,
//! are only acked when they ask; every other message goes to the handler,
//! and its error is always answered, its success only with NLM_F_ACK. A
//! started dump (EINTR) is answered by the dump instead.
//!
//! `netlink_ack` answers with NLMSG_ERROR: the error and a copy of the
//! request (its header alone when successful or capped by NETLINK_CAP_ACK),
//! then with NETLINK_EXT_ACK the TLVs of kernel-reference §4.

use tracing::{debug_span, trace_span};

use super::sendmsg::nlmsg_unicast;
use super::{NetlinkRcvSkb, NETLINK_F_CAP_ACK, NETLINK_F_EXT_ACK};
use crate::net::core::skbuff::nlmsg_new;
use crate::net::netlink::policy::{netlink_policy_dump_attr_size_estimate, netlink_policy_dump_write_attr};
use crate::Errno;
use nlwire::nlattr::nla_total_size;
use nlwire::policy::ExtAck;
use nlwire::uapi::netlink::*;
use nlwire::{nlmsg_align, NlMsgHdr};

/// A request handler as `netlink_rcv_skb` calls it: one message (`nlmsg_len`
/// bytes, within the datagram) and an ext-ack to fill on error.
pub type NetlinkRcvFn<'f> = &'f dyn Fn(&NetlinkRcvSkb<'_>, &[u8], &mut ExtAck) -> Result<(), Errno>;

/// `netlink_rcv_skb`.
pub fn netlink_rcv_skb(skb: &NetlinkRcvSkb<'_>, cb: NetlinkRcvFn<'_>) {
    let _s = debug_span!("netlink_rcv_skb", len = skb.data.len()).entered();
    let mut off = 0usize;
    while skb.data.len() - off >= NLMSG_HDRLEN {
        let rest = &skb.data[off..];
        let nlh = NlMsgHdr::new_unchecked(rest);
        let len = nlh.nlmsg_len() as usize;
        if len < NLMSG_HDRLEN || len > rest.len() {
            return;
        }
        let msg = &rest[..len];
        let mut extack = ExtAck::default();
        let flags = nlh.nlmsg_flags();
        skb.nlmsg_flags_now.set(None);
        let result = if flags & NLM_F_REQUEST == 0 || nlh.nlmsg_type() < NLMSG_MIN_TYPE {
            // Not for the kernel, or a control message: nothing to do.
            Ok(())
        } else {
            cb(skb, msg, &mut extack)
        };
        // The ack echoes the header as the handler left it.
        let rewritten: Option<Vec<u8>> = skb.nlmsg_flags_now.take().map(|f| {
            let mut m = msg.to_vec();
            m[6..8].copy_from_slice(&f.to_ne_bytes());
            m
        });
        let msg = rewritten.as_deref().unwrap_or(msg);
        match result {
            Err(Errno::EINTR) => {}
            Err(e) => netlink_ack(skb, msg, e.to_wire(), &extack),
            Ok(()) if flags & NLM_F_ACK != 0 => netlink_ack(skb, msg, 0, &extack),
            Ok(()) => {}
        }
        off += nlmsg_align(len).min(rest.len());
    }
}

/// `netlink_ack_tlv_len`.
pub(crate) fn netlink_ack_tlv_len(ext_ack_on: bool, err: i32, extack: &ExtAck) -> usize {
    if !ext_ack_on {
        return 0;
    }
    let mut len = 0;
    if let Some(m) = &extack.msg {
        len += nla_total_size(m.len() + 1);
    }
    if let Some(c) = &extack.cookie {
        len += nla_total_size(c.len());
    }
    if err == 0 {
        return len;
    }
    if extack.bad_attr.is_some() {
        len += nla_total_size(4);
    }
    if let Some(p) = extack.policy {
        len += netlink_policy_dump_attr_size_estimate(p);
    }
    if extack.miss_type != 0 {
        len += nla_total_size(4);
    }
    if extack.miss_nest.is_some() {
        len += nla_total_size(4);
    }
    len
}

/// `netlink_ack(in_skb, nlh, err, extack)`: `msg` is the request (nlmsg_len bytes).
pub fn netlink_ack(in_skb: &NetlinkRcvSkb<'_>, msg: &[u8], err: i32, extack: &ExtAck) {
    let nlh = NlMsgHdr::new_unchecked(msg);
    let _s = trace_span!("netlink_ack", seq = nlh.nlmsg_seq(), err).entered();
    let requester = in_skb.sk;
    let capped = err == 0 || requester.test_flag(NETLINK_F_CAP_ACK);
    let mut flags = 0u16;
    let mut payload = 4 + NLMSG_HDRLEN;
    if capped {
        flags |= NLM_F_CAPPED;
    } else {
        payload += nlh.payload_len();
    }
    let tlvlen = netlink_ack_tlv_len(requester.test_flag(NETLINK_F_EXT_ACK), err, extack);
    if tlvlen != 0 {
        flags |= NLM_F_ACK_TLVS;
    }

    let mut skb = nlmsg_new(payload + tlvlen);
    let Some(rep) = skb.nlmsg_put(in_skb.cb.portid, nlh.nlmsg_seq(), NLMSG_ERROR, 4 + NLMSG_HDRLEN, flags) else {
        requester.error_report(Errno::ENOBUFS.0);
        return;
    };
    {
        let data = skb.nlmsg_data_mut(rep);
        data[..4].copy_from_slice(&err.to_ne_bytes());
        data[4..4 + NLMSG_HDRLEN].copy_from_slice(nlh.header_bytes());
    }
    if !capped {
        // nlmsg_append: the request's payload, padded to NLMSG_ALIGN.
        if skb.put_nlmsg_bytes(nlh.payload()).is_err() {
            requester.error_report(Errno::ENOBUFS.0);
            return;
        }
    }
    if tlvlen != 0 {
        netlink_ack_tlv_fill(&mut skb, msg, err, extack);
    }
    skb.nlmsg_end(rep);
    // A full receiver loses the ack and learns of it by ENOBUFS.
    let _ = nlmsg_unicast(in_skb.ssk, skb, in_skb.cb.portid);
}

/// `netlink_ack_tlv_fill`.
pub(crate) fn netlink_ack_tlv_fill(skb: &mut nlwire::SkBuff, msg: &[u8], err: i32, extack: &ExtAck) {
    if let Some(m) = &extack.msg {
        let _ = skb.nla_put_string(NLMSGERR_ATTR_MSG, m);
    }
    if let Some(c) = &extack.cookie {
        let _ = skb.nla_put(NLMSGERR_ATTR_COOKIE, c);
    }
    if err == 0 {
        return;
    }
    if let Some(off) = extack.bad_attr.and_then(|a| ExtAck::offset_in(a, msg)) {
        let _ = skb.nla_put_u32(NLMSGERR_ATTR_OFFS, off);
    }
    if let Some(p) = extack.policy {
        let _ = netlink_policy_dump_write_attr(skb, p, NLMSGERR_ATTR_POLICY);
    }
    if extack.miss_type != 0 {
        let _ = skb.nla_put_u32(NLMSGERR_ATTR_MISS_TYPE, extack.miss_type as u32);
    }
    if let Some(off) = extack.miss_nest.and_then(|a| ExtAck::offset_in(a, msg)) {
        let _ = skb.nla_put_u32(NLMSGERR_ATTR_MISS_NEST, off);
    }
}
