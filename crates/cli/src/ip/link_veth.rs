//! `type veth peer …`: iproute2's ip/link_veth.c `veth_parse_opt`.
//!
//! The peer is a whole second `struct ifinfomsg` inside `VETH_INFO_PEER`,
//! followed by the peer's attributes, parsed by the same `iplink_parse` as
//! the device's own options. The outer header's flags, change and index are
//! set aside while the peer's words are parsed (they land in the same
//! request header), then swapped back.

use nlwire::hdr::IfInfoMsgRepr;
use nlwire::uapi::if_link::VETH_INFO_PEER;

use super::error::{duparg, Exit};
use super::iplink::IplinkReq;
use super::Ip;

impl Ip<'_> {
    /// `veth_parse_opt`: 0, or a failure.
    pub(super) fn veth_parse_opt(&mut self, args: &[String], req: &mut IplinkReq) -> Result<i32, Exit> {
        if args[0] != "peer" {
            self.err.push_str(
                "Usage: ip link <options> type veth [peer <options>]\nTo get <options> type 'ip link add help'\n",
            );
            return Ok(-1);
        }
        let saved = (req.i.flags, req.i.change, req.i.index);
        req.i.flags = 0;
        req.i.change = 0;
        req.i.index = 0;

        let data = req.nest(VETH_INFO_PEER);
        // n->nlmsg_len += sizeof(struct ifinfomsg): a zeroed peer header, filled in below.
        let peer_at = req.skb.len();
        let peer_room = req.skb.put(IfInfoMsgRepr::LEN).is_ok();
        req.exceeded |= !peer_room;

        let mut kind = None;
        let err = self.iplink_parse(&args[1..], req, &mut kind)?;
        if err < 0 {
            return Ok(err);
        }
        if kind.is_some() {
            return Err(duparg(&mut self.err, "type", &args[1 + err as usize - 1]));
        }

        // Only index, flags and change are copied: family and type stay zero.
        let peer = IfInfoMsgRepr { index: req.i.index, flags: req.i.flags, change: req.i.change, ..Default::default() };
        if let Some(hdr) = req.skb.data_mut().get_mut(peer_at..peer_at + IfInfoMsgRepr::LEN).filter(|_| peer_room) {
            peer.emit(hdr);
        }
        (req.i.flags, req.i.change, req.i.index) = saved;

        req.nest_end(data);
        let used = 1 + err as usize;
        if used < args.len() {
            // argc - 1 - err > 0: iplink_modify fails, silently.
            return Ok(-1);
        }
        Ok(0)
    }
}
