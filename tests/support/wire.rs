//! Netlink messages built and read by hand, for the socket-driven tests
//! (included with `#[path = "support/wire.rs"] mod wire;`).
//!
//! Everything here is written byte by byte, on purpose without the
//! simulator's own codec (nlwire's builders and parsers, `SkBuff`,
//! `NlMsgHdr`): a request built here and an answer read here cannot share a
//! bug with the code under test. Only the uapi numbers come from
//! `rtnlsim::wire::uapi`.

// Each test crate that includes this module uses only part of it; the
// compiler would otherwise warn, crate by crate, about the rest.
#![allow(dead_code)]

use rtnlsim::kernel::NetlinkSocket;
use rtnlsim::wire::uapi::if_link::*;
use rtnlsim::wire::uapi::netlink::*;
use rtnlsim::wire::uapi::rtnetlink::*;
use rtnlsim::wire::uapi::socket::*;
use rtnlsim::{Errno, RecvMeta};

// ===========================================================================
// Building requests
// ===========================================================================

pub const ACK: u16 = NLM_F_REQUEST | NLM_F_ACK;
/// What `ip link add` sends.
pub const ADD: u16 = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
pub const DUMP: u16 = NLM_F_REQUEST | NLM_F_DUMP;
/// The ack of a successful request: header, error 0, the request's header.
pub const ACK_LEN: usize = 36;

pub fn align4(n: usize) -> usize {
    (n + 3) & !3
}

/// A netlink message: header, payload, zero padding to NLMSG_ALIGN.
pub fn nlmsg(ty: u16, flags: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
    let len = NLMSG_HDRLEN + payload.len();
    let mut v = Vec::with_capacity(align4(len));
    v.extend_from_slice(&(len as u32).to_ne_bytes());
    v.extend_from_slice(&ty.to_ne_bytes());
    v.extend_from_slice(&flags.to_ne_bytes());
    v.extend_from_slice(&seq.to_ne_bytes());
    v.extend_from_slice(&0u32.to_ne_bytes());
    v.extend_from_slice(payload);
    v.resize(align4(len), 0);
    v
}

/// An attribute: header, payload, zero padding to NLA_ALIGN.
pub fn nla(ty: u16, data: &[u8]) -> Vec<u8> {
    let len = 4 + data.len();
    let mut v = Vec::with_capacity(align4(len));
    v.extend_from_slice(&(len as u16).to_ne_bytes());
    v.extend_from_slice(&ty.to_ne_bytes());
    v.extend_from_slice(data);
    v.resize(align4(len), 0);
    v
}

/// A NUL-terminated string attribute.
pub fn nla_str(ty: u16, s: &str) -> Vec<u8> {
    let mut d = s.as_bytes().to_vec();
    d.push(0);
    nla(ty, &d)
}

pub fn nla_u8(ty: u16, v: u8) -> Vec<u8> {
    nla(ty, &[v])
}

pub fn nla_u16(ty: u16, v: u16) -> Vec<u8> {
    nla(ty, &v.to_ne_bytes())
}

pub fn nla_u32(ty: u16, v: u32) -> Vec<u8> {
    nla(ty, &v.to_ne_bytes())
}

pub fn nla_u64(ty: u16, v: u64) -> Vec<u8> {
    nla(ty, &v.to_ne_bytes())
}

/// `struct ifinfomsg{family, pad, type 0, index, flags, change}`.
pub fn ifinfomsg(family: u8, index: i32, flags: u32, change: u32) -> Vec<u8> {
    let mut v = vec![family, 0, 0, 0];
    v.extend_from_slice(&index.to_ne_bytes());
    v.extend_from_slice(&flags.to_ne_bytes());
    v.extend_from_slice(&change.to_ne_bytes());
    v
}

/// An ifinfomsg of family 0 naming `index`, flags and change 0.
pub fn ifi(index: i32) -> Vec<u8> {
    ifinfomsg(0, index, 0, 0)
}

/// A request about one link (family 0): ifinfomsg(index) and attributes.
pub fn link_req(ty: u16, flags: u16, seq: u32, index: i32, attrs: &[u8]) -> Vec<u8> {
    nlmsg(ty, flags, seq, &[ifi(index), attrs.to_vec()].concat())
}

/// RTM_NEWLINK of a veth pair, laid out as `ip link add NAME type veth peer
/// name PEER` and the probes lay it out: ifinfomsg, IFNAME, `attrs`,
/// LINKINFO{KIND "veth", DATA{PEER{ifinfomsg, IFNAME, `peer_attrs`}}}.
pub fn veth_req(name: &str, peer: &str, flags: u16, seq: u32, attrs: &[u8], peer_attrs: &[u8]) -> Vec<u8> {
    let peer_payload = [ifi(0), nla_str(IFLA_IFNAME, peer), peer_attrs.to_vec()].concat();
    let data = nla(IFLA_INFO_DATA, &nla(VETH_INFO_PEER, &peer_payload));
    let linkinfo = nla(IFLA_LINKINFO, &[nla_str(IFLA_INFO_KIND, "veth"), data].concat());
    nlmsg(RTM_NEWLINK, flags, seq, &[ifi(0), nla_str(IFLA_IFNAME, name), attrs.to_vec(), linkinfo].concat())
}

/// Bytes from a probe's hex dump (whatever is not a hex digit is ignored;
/// an odd last digit is dropped).
pub fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits.chunks_exact(2).map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap()).collect()
}

/// A kernel answer copied from a probe's `raw` lines, with its nlmsg_pid
/// (bytes 12..16) replaced by the simulated requester's port id.
pub fn kernel_bytes(raw: &str, portid: u32) -> Vec<u8> {
    let mut v = hex(raw);
    v[12..16].copy_from_slice(&portid.to_ne_bytes());
    v
}

// ===========================================================================
// Reading answers
// ===========================================================================

pub fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_ne_bytes([b[at], b[at + 1]])
}

pub fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

pub fn i32_at(b: &[u8], at: usize) -> i32 {
    u32_at(b, at) as i32
}

/// One message of a datagram.
#[derive(Debug, Clone)]
pub struct Msg {
    pub ty: u16,
    pub flags: u16,
    pub seq: u32,
    pub pid: u32,
    /// The whole message, header included, without padding.
    pub raw: Vec<u8>,
}

impl Msg {
    pub fn payload(&self) -> &[u8] {
        &self.raw[NLMSG_HDRLEN..]
    }
    /// NLMSG_ERROR's `error`, NLMSG_DONE's errno.
    pub fn errno(&self) -> i32 {
        u32_at(self.payload(), 0) as i32
    }
    /// A capped ack of success to the request with `seq`.
    pub fn is_ack(&self, seq: u32) -> bool {
        self.ty == NLMSG_ERROR && self.errno() == 0 && self.seq == seq && self.raw.len() == ACK_LEN
    }
}

/// The messages of one whole datagram; panics on a malformed one.
pub fn parse(d: &[u8]) -> Vec<Msg> {
    let mut out = Vec::new();
    let mut off = 0;
    while off + NLMSG_HDRLEN <= d.len() {
        let len = u32_at(d, off) as usize;
        assert!(len >= NLMSG_HDRLEN && off + len <= d.len(), "malformed datagram at {off}");
        out.push(Msg {
            ty: u16_at(d, off + 4),
            flags: u16_at(d, off + 6),
            seq: u32_at(d, off + 8),
            pid: u32_at(d, off + 12),
            raw: d[off..off + len].to_vec(),
        });
        off += align4(len);
    }
    assert_eq!(off, d.len(), "trailing bytes in datagram");
    out
}

// ===========================================================================
// Reading sockets
// ===========================================================================

/// One recvmsg(2) with a buffer of `size` bytes, without waiting.
pub fn recv_with(s: &NetlinkSocket, size: usize) -> (Vec<u8>, RecvMeta) {
    let mut buf = vec![0u8; size];
    let meta = s.recvmsg(&mut buf, MSG_DONTWAIT).expect("recvmsg");
    buf.truncate(meta.len);
    (buf, meta)
}

/// Every datagram queued now, each with its metadata (64 KiB reads).
pub fn drain(s: &NetlinkSocket) -> Vec<(Vec<u8>, RecvMeta)> {
    let mut out = Vec::new();
    loop {
        let mut buf = vec![0u8; 65536];
        match s.recvmsg(&mut buf, MSG_DONTWAIT) {
            Ok(meta) => {
                buf.truncate(meta.len);
                out.push((buf, meta));
            }
            Err(Errno::EAGAIN) => return out,
            Err(e) => panic!("recvmsg: {e:?}"),
        }
    }
}

/// Every message queued now, datagram boundaries dropped.
pub fn drain_msgs(s: &NetlinkSocket) -> Vec<Msg> {
    drain(s).iter().flat_map(|(d, _)| parse(d)).collect()
}

/// Sends `req` and returns the single datagram that answers it.
pub fn transact_one(s: &NetlinkSocket, req: &[u8]) -> Vec<u8> {
    s.send(req, 0).expect("send");
    let mut got = drain(s);
    assert_eq!(got.len(), 1, "expected one answer datagram, got {}", got.len());
    got.remove(0).0
}
