//! Property tests of the wire layer: header round trips, messages built with
//! `SkBuff` walking back to what was put, no panics on arbitrary bytes, the
//! bounds of the message walk, and the tailroom limit of the builder.

use nlwire::hdr::{
    IfAddrMsg, IfAddrMsgRepr, IfInfoMsg, IfInfoMsgRepr, NdMsg, NdMsgRepr, NlMsgErr, RtGenMsg, RtGenMsgRepr, RtMsg,
    RtMsgRepr,
};
use nlwire::nlattr::{nla_align, nla_total_size, Nla, NlaIter};
use nlwire::nlmsg::{nlmsg_align, nlmsg_total_size, NlMsgHdr, NlMsgHdrRepr, NlMsgIter};
use nlwire::policy::{
    nla_parse, nla_parse_nested, nla_parse_nested_deprecated, nla_validate, nlmsg_parse, nlmsg_parse_deprecated,
    nlmsg_parse_deprecated_strict, ExtAck, NlaPolicy, NlaType, Tb, NL_VALIDATE_DEPRECATED_STRICT, NL_VALIDATE_LIBERAL,
    NL_VALIDATE_STRICT,
};
use nlwire::skb::SkBuff;
use nlwire::sockaddr::SockaddrNl;
use nlwire::uapi::netlink::{NLA_F_NESTED, NLA_HDRLEN, NLMSG_HDRLEN, NLM_F_ACK_TLVS, NLM_F_CAPPED};
use nlwire::uapi::socket::AF_NETLINK;
use nlwire::{Errno, Error};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(256)
}

// ---- (a) header round trips ----------------------------------------------------

fn nlmsghdr() -> impl Strategy<Value = NlMsgHdrRepr> {
    any::<(u32, u16, u16, u32, u32)>().prop_map(|(len, ty, flags, seq, pid)| NlMsgHdrRepr { len, ty, flags, seq, pid })
}

fn ifinfomsg() -> impl Strategy<Value = IfInfoMsgRepr> {
    any::<(u8, u8, u16, i32, u32, u32)>().prop_map(|(family, pad, ty, index, flags, change)| IfInfoMsgRepr {
        family,
        pad,
        ty,
        index,
        flags,
        change,
    })
}

fn ifaddrmsg() -> impl Strategy<Value = IfAddrMsgRepr> {
    any::<(u8, u8, u8, u8, u32)>().prop_map(|(family, prefixlen, flags, scope, index)| IfAddrMsgRepr {
        family,
        prefixlen,
        flags,
        scope,
        index,
    })
}

fn rtmsg() -> impl Strategy<Value = RtMsgRepr> {
    (any::<[u8; 8]>(), any::<u32>()).prop_map(|(b, flags)| RtMsgRepr {
        family: b[0],
        dst_len: b[1],
        src_len: b[2],
        tos: b[3],
        table: b[4],
        protocol: b[5],
        scope: b[6],
        ty: b[7],
        flags,
    })
}

fn ndmsg() -> impl Strategy<Value = NdMsgRepr> {
    any::<(u8, i32, u16, u8, u8)>().prop_map(|(family, ifindex, state, flags, ty)| NdMsgRepr {
        family,
        ifindex,
        state,
        flags,
        ty,
    })
}

/// Emits into a buffer of random bytes (with random bytes after it) so that a
/// field the emitter forgets, or a byte it writes past its header, shows.
fn emit_over<const L: usize>(junk: &[u8; 32], emit: impl FnOnce(&mut [u8])) -> Vec<u8> {
    let mut buf = junk.to_vec();
    emit(&mut buf);
    assert_eq!(&buf[L..], &junk[L..], "wrote past the {L}-byte header");
    buf
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn nlmsghdr_round_trips(h in nlmsghdr(), junk in any::<[u8; 32]>()) {
        let b = emit_over::<16>(&junk, |o| h.emit(o));
        prop_assert_eq!(NlMsgHdrRepr::parse(&b), Ok(h));
        prop_assert_eq!(NlMsgHdrRepr::parse(&b[..16]), Ok(h));
        prop_assert_eq!(&h.to_bytes()[..], &b[..16]);
        prop_assert_eq!(NlMsgHdrRepr::parse(&b[..15]), Err(Error::Truncated));
        let v = NlMsgHdr::new_unchecked(&b[..]);
        prop_assert_eq!((v.nlmsg_len(), v.nlmsg_type(), v.nlmsg_flags(), v.nlmsg_seq(), v.nlmsg_pid()),
            (h.len, h.ty, h.flags, h.seq, h.pid));
    }

    #[test]
    fn ifinfomsg_round_trips(h in ifinfomsg(), junk in any::<[u8; 32]>()) {
        let b = emit_over::<16>(&junk, |o| h.emit(o));
        prop_assert_eq!(IfInfoMsgRepr::parse(&b), Ok(h));
        prop_assert_eq!(&h.to_bytes()[..], &b[..16]);
        prop_assert_eq!(IfInfoMsgRepr::parse(&b[..15]), Err(Error::Truncated));
        let v = IfInfoMsg::new_checked(&b[..]).unwrap();
        prop_assert_eq!((v.ifi_family(), v.ifi_pad(), v.ifi_type(), v.ifi_index(), v.ifi_flags(), v.ifi_change()),
            (h.family, h.pad, h.ty, h.index, h.flags, h.change));
    }

    #[test]
    fn ifaddrmsg_round_trips(h in ifaddrmsg(), junk in any::<[u8; 32]>()) {
        let b = emit_over::<8>(&junk, |o| h.emit(o));
        prop_assert_eq!(IfAddrMsgRepr::parse(&b), Ok(h));
        prop_assert_eq!(&h.to_bytes()[..], &b[..8]);
        prop_assert_eq!(IfAddrMsgRepr::parse(&b[..7]), Err(Error::Truncated));
        let v = IfAddrMsg::new_checked(&b[..]).unwrap();
        prop_assert_eq!((v.ifa_family(), v.ifa_prefixlen(), v.ifa_flags(), v.ifa_scope(), v.ifa_index()),
            (h.family, h.prefixlen, h.flags, h.scope, h.index));
    }

    #[test]
    fn rtmsg_round_trips(h in rtmsg(), junk in any::<[u8; 32]>()) {
        let b = emit_over::<12>(&junk, |o| h.emit(o));
        prop_assert_eq!(RtMsgRepr::parse(&b), Ok(h));
        prop_assert_eq!(&h.to_bytes()[..], &b[..12]);
        prop_assert_eq!(RtMsgRepr::parse(&b[..11]), Err(Error::Truncated));
        let v = RtMsg::new_checked(&b[..]).unwrap();
        prop_assert_eq!(
            [v.rtm_family(), v.rtm_dst_len(), v.rtm_src_len(), v.rtm_tos(), v.rtm_table(), v.rtm_protocol(),
                v.rtm_scope(), v.rtm_type()],
            [h.family, h.dst_len, h.src_len, h.tos, h.table, h.protocol, h.scope, h.ty]);
        prop_assert_eq!(v.rtm_flags(), h.flags);
    }

    #[test]
    fn ndmsg_round_trips(h in ndmsg(), junk in any::<[u8; 32]>()) {
        let b = emit_over::<12>(&junk, |o| h.emit(o));
        prop_assert_eq!(NdMsgRepr::parse(&b), Ok(h));
        prop_assert_eq!(&h.to_bytes()[..], &b[..12]);
        prop_assert_eq!(NdMsgRepr::parse(&b[..11]), Err(Error::Truncated));
        let v = NdMsg::new_checked(&b[..]).unwrap();
        // The pads are written as zero.
        prop_assert_eq!((v.ndm_pad1(), v.ndm_pad2()), (0, 0));
        prop_assert_eq!((v.ndm_family(), v.ndm_ifindex(), v.ndm_state(), v.ndm_flags(), v.ndm_type()),
            (h.family, h.ifindex, h.state, h.flags, h.ty));
    }

    #[test]
    fn rtgenmsg_round_trips(family in any::<u8>(), junk in any::<[u8; 32]>()) {
        let h = RtGenMsgRepr { family };
        let b = emit_over::<1>(&junk, |o| h.emit(o));
        prop_assert_eq!(RtGenMsgRepr::parse(&b), Ok(h));
        prop_assert_eq!(RtGenMsgRepr::parse(&b[..1]), Ok(h));
        prop_assert_eq!(RtGenMsgRepr::parse(&[]), Err(Error::Truncated));
        prop_assert_eq!(RtGenMsg::new_checked(&b[..]).unwrap().rtgen_family(), family);
    }

    #[test]
    fn sockaddr_nl_round_trips(pid in any::<u32>(), groups in any::<u32>(), junk in any::<[u8; 32]>()) {
        let a = SockaddrNl::new(pid, groups);
        let b = emit_over::<12>(&junk, |o| a.emit(o));
        prop_assert_eq!(SockaddrNl::parse(&b), Some((AF_NETLINK, a)));
        prop_assert_eq!(SockaddrNl::parse(&b[..12]), Some((AF_NETLINK, a)));
        prop_assert_eq!(&a.to_bytes()[..], &b[..12]);
        prop_assert_eq!(&b[2..4], &[0, 0]);
        prop_assert_eq!(SockaddrNl::parse(&b[..11]), None);
    }
}

// ---- (b) SkBuff-built messages walk back to what was put ------------------------

/// One `nla_put_*` call and the payload the kernel would lay down for it.
#[derive(Debug, Clone)]
enum Put {
    Bytes(Vec<u8>),
    U8(u8),
    U16(u16),
    U32(u32),
    U64(u64),
    S8(i8),
    S32(i32),
    S64(i64),
    Be16(u16),
    Be32(u32),
    Str(String),
    Flag,
    Uint(u64),
    Sint(i64),
    InAddr([u8; 4]),
    In6Addr([u8; 16]),
}

impl Put {
    fn apply(&self, skb: &mut SkBuff, ty: u16) -> Result<(), Errno> {
        match self {
            Put::Bytes(b) => skb.nla_put(ty, b),
            Put::U8(v) => skb.nla_put_u8(ty, *v),
            Put::U16(v) => skb.nla_put_u16(ty, *v),
            Put::U32(v) => skb.nla_put_u32(ty, *v),
            Put::U64(v) => skb.nla_put_u64_64bit(ty, *v, 0),
            Put::S8(v) => skb.nla_put_s8(ty, *v),
            Put::S32(v) => skb.nla_put_s32(ty, *v),
            Put::S64(v) => skb.nla_put_s64(ty, *v, 0),
            Put::Be16(v) => skb.nla_put_be16(ty, *v),
            Put::Be32(v) => skb.nla_put_be32(ty, *v),
            Put::Str(s) => skb.nla_put_string(ty, s),
            Put::Flag => skb.nla_put_flag(ty),
            Put::Uint(v) => skb.nla_put_uint(ty, *v),
            Put::Sint(v) => skb.nla_put_sint(ty, *v),
            Put::InAddr(a) => skb.nla_put_in_addr(ty, *a),
            Put::In6Addr(a) => skb.nla_put_in6_addr(ty, *a),
        }
    }

    /// The payload, computed independently of the builder.
    fn payload(&self) -> Vec<u8> {
        match self {
            Put::Bytes(b) => b.clone(),
            Put::U8(v) => vec![*v],
            Put::U16(v) => v.to_ne_bytes().to_vec(),
            Put::U32(v) => v.to_ne_bytes().to_vec(),
            Put::U64(v) => v.to_ne_bytes().to_vec(),
            Put::S8(v) => vec![*v as u8],
            Put::S32(v) => v.to_ne_bytes().to_vec(),
            Put::S64(v) => v.to_ne_bytes().to_vec(),
            Put::Be16(v) => v.to_be_bytes().to_vec(),
            Put::Be32(v) => v.to_be_bytes().to_vec(),
            Put::Str(s) => [s.as_bytes(), &[0]].concat(),
            Put::Flag => vec![],
            Put::Uint(v) if *v <= u32::MAX as u64 => (*v as u32).to_ne_bytes().to_vec(),
            Put::Uint(v) => v.to_ne_bytes().to_vec(),
            Put::Sint(v) if i32::try_from(*v).is_ok() => (*v as i32).to_ne_bytes().to_vec(),
            Put::Sint(v) => v.to_ne_bytes().to_vec(),
            Put::InAddr(a) => a.to_vec(),
            Put::In6Addr(a) => a.to_vec(),
        }
    }
}

fn put() -> impl Strategy<Value = Put> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..40).prop_map(Put::Bytes),
        any::<u8>().prop_map(Put::U8),
        any::<u16>().prop_map(Put::U16),
        any::<u32>().prop_map(Put::U32),
        any::<u64>().prop_map(Put::U64),
        any::<i8>().prop_map(Put::S8),
        any::<i32>().prop_map(Put::S32),
        any::<i64>().prop_map(Put::S64),
        any::<u16>().prop_map(Put::Be16),
        any::<u32>().prop_map(Put::Be32),
        "[a-z0-9]{0,20}".prop_map(Put::Str),
        Just(Put::Flag),
        prop_oneof![any::<u32>().prop_map(u64::from), any::<u64>()].prop_map(Put::Uint),
        prop_oneof![any::<i32>().prop_map(i64::from), any::<i64>()].prop_map(Put::Sint),
        any::<[u8; 4]>().prop_map(Put::InAddr),
        any::<[u8; 16]>().prop_map(Put::In6Addr),
    ]
}

#[derive(Debug, Clone)]
enum Spec {
    Leaf {
        ty: u16,
        put: Put,
    },
    /// `nla_nest_start` (flag) or `nla_nest_start_noflag`.
    Nest {
        ty: u16,
        flag: bool,
        children: Vec<Spec>,
    },
}

fn attr_type() -> impl Strategy<Value = u16> {
    0u16..=0x3fff
}

fn spec() -> impl Strategy<Value = Spec> {
    let leaf = (attr_type(), put()).prop_map(|(ty, put)| Spec::Leaf { ty, put });
    leaf.prop_recursive(3, 32, 5, |inner| {
        (attr_type(), any::<bool>(), prop::collection::vec(inner, 0..5)).prop_map(|(ty, flag, children)| Spec::Nest {
            ty,
            flag,
            children,
        })
    })
}

fn build(skb: &mut SkBuff, specs: &[Spec]) {
    for s in specs {
        match s {
            Spec::Leaf { ty, put } => put.apply(skb, *ty).unwrap(),
            Spec::Nest { ty, flag, children } => {
                let n = if *flag { skb.nla_nest_start(*ty) } else { skb.nla_nest_start_noflag(*ty) }.unwrap();
                build(skb, children);
                skb.nla_nest_end(n);
            }
        }
    }
}

/// Walks `stream` (which sits at `base` in `whole`) against `specs`.
fn check_stream(whole: &[u8], base: usize, stream: &[u8], specs: &[Spec]) -> Result<(), TestCaseError> {
    let mut it = NlaIter::new(stream);
    for (i, s) in specs.iter().enumerate() {
        let off = it.offset();
        prop_assert_eq!(off % 4, 0, "attribute {} starts unaligned", i);
        let a = it.next();
        prop_assert!(a.is_some(), "attribute {} missing", i);
        let a = a.unwrap();
        let len = a.nla_len() as usize;
        // nla_len excludes the padding; the padding is zero.
        let pad = &whole[base + off + len..base + off + nla_align(len)];
        prop_assert!(pad.iter().all(|&b| b == 0), "non-zero padding {:?}", pad);
        prop_assert_eq!(a.payload().len() + NLA_HDRLEN, len);
        match s {
            Spec::Leaf { ty, put } => {
                let want = put.payload();
                prop_assert_eq!(len, NLA_HDRLEN + want.len());
                prop_assert_eq!(a.nla_type(), *ty);
                prop_assert_eq!(a.raw_type(), *ty);
                prop_assert_eq!(a.payload(), &want[..]);
            }
            Spec::Nest { ty, flag, children } => {
                prop_assert_eq!(a.nla_type(), *ty);
                prop_assert_eq!(a.is_nested(), *flag);
                prop_assert_eq!(len % 4, 0, "a nest ends on its padded last child");
                check_stream(whole, base + off + NLA_HDRLEN, a.payload_ref(), children)?;
            }
        }
    }
    prop_assert!(it.next().is_none(), "extra attributes");
    prop_assert_eq!(it.remaining(), 0);
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn built_messages_walk_back_to_what_was_put(
        hdr in nlmsghdr(),
        family in prop::collection::vec(any::<u8>(), 0..=20),
        specs in prop::collection::vec(spec(), 0..6),
        extra in 0usize..64,
    ) {
        let mut skb = SkBuff::with_tailroom(1 << 16);
        let nlh = skb.nlmsg_put(hdr.pid, hdr.seq, hdr.ty, family.len(), hdr.flags).unwrap();
        prop_assert_eq!(skb.len(), nlmsg_total_size(family.len()));
        skb.nlmsg_data_mut(nlh)[..family.len()].copy_from_slice(&family);
        build(&mut skb, &specs);
        skb.nlmsg_end(nlh);
        let total = skb.len();
        prop_assert_eq!(total % 4, 0);

        // A second message after it: the walk must find both.
        let n2 = skb.nlmsg_put(7, 8, 9, 0, 0).unwrap();
        skb.nla_put(1, &vec![0xab; extra]).unwrap();
        skb.nlmsg_end(n2);

        let data = skb.data();
        let mut it = NlMsgIter::new(data);
        let m = it.next().unwrap().unwrap();
        prop_assert_eq!(m.nlmsg_len() as usize, total);
        prop_assert_eq!(
            NlMsgHdrRepr::parse(m.header_bytes()).unwrap(),
            NlMsgHdrRepr { len: total as u32, ..hdr }
        );
        prop_assert_eq!(&m.payload()[..family.len()], &family[..]);
        // The family header's padding is zero too.
        prop_assert!(m.payload()[family.len()..nlmsg_align(family.len())].iter().all(|&b| b == 0));
        let attrs_at = NLMSG_HDRLEN + nlmsg_align(family.len());
        check_stream(data, attrs_at, &data[attrs_at..total], &specs)?;

        prop_assert_eq!(it.offset(), total);
        let m2 = it.next().unwrap().unwrap();
        prop_assert_eq!((m2.nlmsg_pid(), m2.nlmsg_seq(), m2.nlmsg_type()), (7, 8, 9));
        prop_assert_eq!(m2.nlmsg_len() as usize, NLMSG_HDRLEN + nla_total_size(extra));
        prop_assert!(it.next().is_none());
        prop_assert_eq!(it.offset(), data.len());
    }
}

// ---- (c), (d) arbitrary bytes --------------------------------------------------

static NESTED: [NlaPolicy; 4] = [
    NlaPolicy::UNSPEC,
    NlaPolicy::of(NlaType::U32),
    NlaPolicy::of(NlaType::String).with_len(8),
    NlaPolicy::of(NlaType::Flag),
];

/// A rough IFLA-like policy: every kind of entry, a nest, and a strict start.
static POLICY: [NlaPolicy; 18] = [
    NlaPolicy::UNSPEC.strict_start(15),
    NlaPolicy::of(NlaType::U8),
    NlaPolicy::of(NlaType::U16),
    NlaPolicy::of(NlaType::U32).range(1, 1000),
    NlaPolicy::of(NlaType::U64),
    NlaPolicy::of(NlaType::String).with_len(15),
    NlaPolicy::of(NlaType::Binary).with_len(6),
    NlaPolicy::of(NlaType::Flag),
    NlaPolicy::nested(&NESTED),
    NlaPolicy::reject(Some("not allowed")),
    NlaPolicy::reject(None),
    NlaPolicy::of(NlaType::NulString).with_len(8),
    NlaPolicy::of(NlaType::U32).mask(0xff),
    NlaPolicy::of(NlaType::S32).range(-10, 10),
    NlaPolicy::min_len(4),
    NlaPolicy::of(NlaType::Uint),
    NlaPolicy::of(NlaType::Be16).max(1024),
    NlaPolicy { bitfield32_valid: 0x0f, ..NlaPolicy::of(NlaType::Bitfield32) },
];
const PN: usize = 18;

/// Plausible attribute streams: headers with lengths near the truth, types
/// the policy knows (with random flag bits), random payloads, and random tails.
fn attr_soup() -> impl Strategy<Value = Vec<u8>> {
    let one = (0u16..24, any::<u16>(), prop::collection::vec(any::<u8>(), 0..24), -6i32..6, any::<bool>()).prop_map(
        |(ty, flags, payload, delta, pad)| {
            let ty = ty | (flags & 0xc000);
            let len = (4 + payload.len() as i32 + delta).max(0) as u16;
            let mut v = [len.to_ne_bytes(), ty.to_ne_bytes()].concat();
            v.extend_from_slice(&payload);
            if pad {
                v.resize(nla_align(v.len()), 0);
            }
            v
        },
    );
    prop::collection::vec(one, 0..6).prop_map(|v| v.concat())
}

fn ne<const L: usize>(b: [u8; L]) -> Vec<u8> {
    b.to_vec()
}

fn with_nul(s: String, nul: bool) -> Vec<u8> {
    let mut v = s.into_bytes();
    if nul {
        v.push(0);
    }
    v
}

/// An attribute that `POLICY` accepts (as type and payload), or nearly so:
/// the rejected types, and now and then a stray flag or a byte too many or few.
fn policy_attr() -> impl Strategy<Value = Vec<u8>> {
    let nested = prop_oneof![
        any::<u32>().prop_map(|v| (1u16, ne(v.to_ne_bytes()))),
        ("[a-z]{0,9}", any::<bool>()).prop_map(|(s, nul)| (2, with_nul(s, nul))),
        Just((3, vec![])),
    ];
    let nest = prop::collection::vec(nested, 0..3)
        .prop_map(|v| (8 | NLA_F_NESTED, v.into_iter().flat_map(|(t, p)| encode(t, &p)).collect::<Vec<u8>>()));
    let good = prop_oneof![
        any::<u8>().prop_map(|v| (1u16, vec![v])),
        any::<u16>().prop_map(|v| (2, ne(v.to_ne_bytes()))),
        (0u32..1200).prop_map(|v| (3, ne(v.to_ne_bytes()))),
        any::<u64>().prop_map(|v| (4, ne(v.to_ne_bytes()))),
        ("[a-z]{0,16}", any::<bool>()).prop_map(|(s, nul)| (5, with_nul(s, nul))),
        prop::collection::vec(any::<u8>(), 0..8).prop_map(|b| (6, b)),
        Just((7, vec![])),
        nest,
        Just((9, vec![])),
        Just((10, vec![1, 2, 3, 4])),
        ("[a-z]{0,9}", any::<bool>()).prop_map(|(s, nul)| (11, with_nul(s, nul))),
        (0u32..300).prop_map(|v| (12, ne(v.to_ne_bytes()))),
        (-12i32..12).prop_map(|v| (13, ne(v.to_ne_bytes()))),
        prop::collection::vec(any::<u8>(), 3..8).prop_map(|b| (14, b)),
        prop_oneof![any::<u32>().prop_map(|v| ne(v.to_ne_bytes())), any::<u64>().prop_map(|v| ne(v.to_ne_bytes()))]
            .prop_map(|b| (15, b)),
        (0u16..1100).prop_map(|v| (16, ne(v.to_be_bytes()))),
        (0u32..32, 0u32..32).prop_map(|(v, s)| (17, [v.to_ne_bytes(), s.to_ne_bytes()].concat())),
    ];
    (good, 0u8..16).prop_map(|((ty, mut payload), spoil)| {
        let mut ty = ty;
        match spoil {
            0 => ty ^= NLA_F_NESTED,
            1 => payload.push(0),
            2 => {
                payload.pop();
            }
            _ => {}
        }
        encode(ty, &payload)
    })
}

/// Header, payload, zero padding.
fn encode(ty: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = [((NLA_HDRLEN + payload.len()) as u16).to_ne_bytes(), ty.to_ne_bytes()].concat();
    v.extend_from_slice(payload);
    v.resize(nla_align(v.len()), 0);
    v
}

/// Arbitrary bytes, attribute soups, and soups behind a netlink header.
fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..160),
        attr_soup(),
        prop::collection::vec(policy_attr(), 0..6).prop_map(|v| v.concat()),
        (nlmsghdr(), 0usize..20, attr_soup(), any::<bool>()).prop_map(|(h, fam, soup, honest)| {
            let mut v = vec![0u8; NLMSG_HDRLEN + fam];
            v.extend_from_slice(&soup);
            let len = if honest { v.len() as u32 } else { h.len % 256 };
            NlMsgHdrRepr { len, ..h }.emit(&mut v);
            v
        }),
    ]
}

fn in_buffer(addr: usize, buf: &[u8]) -> bool {
    let start = buf.as_ptr() as usize;
    addr >= start && addr < start + buf.len()
}

fn touch_nla(a: &Nla<&[u8]>) -> u64 {
    let mut x = a.nla_len() as u64 ^ a.raw_type() as u64 ^ a.nla_type() as u64;
    x ^= a.is_nested() as u64 ^ a.is_net_byteorder() as u64;
    x ^= a.payload().len() as u64 ^ a.bytes().len() as u64 ^ a.payload_ref().len() as u64 ^ a.bytes_ref().len() as u64;
    x ^= a.get_u8() as u64 ^ a.get_u16() as u64 ^ a.get_u32() as u64 ^ a.get_u64() ^ a.get_s32() as u64;
    x ^= a.get_be32() as u64 ^ a.get_uint() ^ a.get_str().len() as u64;
    x
}

/// Every parser over `buf`; checks what holds whatever the bytes.
fn parse_all<const N: usize>(buf: &[u8], policy: &'static [NlaPolicy]) -> Result<(), TestCaseError> {
    let mut oks = Vec::new();
    for validate in [NL_VALIDATE_STRICT, NL_VALIDATE_DEPRECATED_STRICT, NL_VALIDATE_LIBERAL] {
        let mut ext = ExtAck::default();
        let r = nla_parse::<N>(buf, Some(policy), validate, &mut ext);
        if let Some(bad) = ext.bad_attr {
            prop_assert!(in_buffer(bad, buf), "bad_attr outside the buffer");
        }
        if let Ok(tb) = &r {
            for t in 0..N as u16 {
                if let Some(a) = tb.get(t) {
                    prop_assert_eq!(a.nla_type(), t);
                    prop_assert!(t != 0);
                    prop_assert!(in_buffer(a.bytes_ref().as_ptr() as usize, buf));
                    touch_nla(&a);
                }
            }
        } else {
            // Every error path of these policies sets a message.
            prop_assert!(ext.msg.is_some(), "an error without a message: {:?}", r.as_ref().err());
        }
        let mut ext2 = ExtAck::default();
        let v = nla_validate(buf, (N - 1) as u16, policy, validate, &mut ext2);
        prop_assert_eq!(v, r.as_ref().map(|_| ()).map_err(|e| *e), "nla_validate and nla_parse disagree");
        oks.push(r.ok().map(|tb| (0..N as u16).map(|t| tb.get(t).map(|a| a.bytes_ref().as_ptr())).collect::<Vec<_>>()));
        let _ = nla_parse::<N>(buf, None, validate, &mut ExtAck::default());
    }
    // Strictness only adds checks: what the strict parse accepts, the
    // deprecated ones accept, with the same table.
    if oks[0].is_some() {
        prop_assert_eq!(&oks[1], &oks[0]);
    }
    if oks[1].is_some() {
        prop_assert_eq!(&oks[2], &oks[1]);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn no_bytes_panic_any_parser(buf in bytes(), flags in any::<u16>()) {
        // The message walk, every header view and NLMSG_ERROR over each message.
        for m in NlMsgIter::new(&buf).flatten() {
            let _ = (m.nlmsg_len(), m.nlmsg_type(), m.nlmsg_flags(), m.nlmsg_seq(), m.nlmsg_pid());
            let _ = (m.header_bytes(), m.message(), m.payload_len());
            let p = m.payload();
            if let Ok(v) = IfInfoMsg::new_checked(p) {
                let _ = (v.ifi_family(), v.ifi_pad(), v.ifi_type(), v.ifi_index(), v.ifi_flags(), v.ifi_change());
            }
            if let Ok(v) = IfAddrMsg::new_checked(p) {
                let _ = (v.ifa_family(), v.ifa_prefixlen(), v.ifa_flags(), v.ifa_scope(), v.ifa_index());
            }
            if let Ok(v) = RtMsg::new_checked(p) {
                let _ = (v.rtm_family(), v.rtm_dst_len(), v.rtm_src_len(), v.rtm_tos(), v.rtm_table());
                let _ = (v.rtm_protocol(), v.rtm_scope(), v.rtm_type(), v.rtm_flags());
            }
            if let Ok(v) = NdMsg::new_checked(p) {
                let _ = (v.ndm_family(), v.ndm_pad1(), v.ndm_pad2(), v.ndm_ifindex(), v.ndm_state());
                let _ = (v.ndm_flags(), v.ndm_type());
            }
            if let Ok(v) = RtGenMsg::new_checked(p) {
                let _ = v.rtgen_family();
            }
            for f in [flags, 0, NLM_F_CAPPED, NLM_F_ACK_TLVS, NLM_F_CAPPED | NLM_F_ACK_TLVS] {
                if let Ok(e) = NlMsgErr::new_checked(p, f) {
                    let _ = (e.error(), e.errno(), e.orig_header());
                    let orig = e.orig_message();
                    prop_assert!(orig.len() >= NLMSG_HDRLEN && orig.len() + 4 <= p.len());
                    for a in e.tlvs() {
                        touch_nla(&a);
                    }
                }
            }
            for hdrlen in [0usize, 1, 8, 12, 16] {
                let msg = m.message();
                let _ = nlmsg_parse::<PN>(msg, hdrlen, Some(&POLICY), &mut ExtAck::default());
                let _ = nlmsg_parse_deprecated_strict::<PN>(msg, hdrlen, Some(&POLICY), &mut ExtAck::default());
                let r = nlmsg_parse_deprecated::<PN>(msg, hdrlen, Some(&POLICY), &mut ExtAck::default()).map(|_| ());
                if hdrlen == 0 {
                    // With no family header the payload is the attribute stream.
                    let direct = nla_parse::<PN>(p, Some(&POLICY), NL_VALIDATE_LIBERAL, &mut ExtAck::default());
                    prop_assert_eq!(r, direct.map(|_| ()));
                }
            }
        }
        // The same with the whole buffer as one payload.
        if let Ok(e) = NlMsgErr::new_checked(&buf[..], flags) {
            let _ = (e.error(), e.errno(), e.orig_header(), e.orig_message().len());
            for a in e.tlvs() {
                touch_nla(&a);
            }
        }
        let _ = NlMsgHdr::new_checked(&buf[..]).map(|h| (h.message().len(), h.payload().len()));
        let _ = NlMsgHdrRepr::parse(&buf);
        let _ = (IfInfoMsgRepr::parse(&buf), IfAddrMsgRepr::parse(&buf), RtMsgRepr::parse(&buf));
        let _ = (NdMsgRepr::parse(&buf), RtGenMsgRepr::parse(&buf), SockaddrNl::parse(&buf));

        // The attribute walk, every getter, the nested parsers on every attribute.
        let mut it = NlaIter::new(&buf);
        for a in it.by_ref() {
            touch_nla(&a);
            let _ = nla_parse_nested::<4>(&a, Some(&NESTED), &mut ExtAck::default());
            let _ = nla_parse_nested_deprecated::<4>(&a, Some(&NESTED), &mut ExtAck::default());
            parse_all::<4>(a.payload_ref(), &NESTED)?;
        }
        prop_assert!(it.remaining() <= buf.len());
        if let Ok(a) = Nla::new_checked(&buf[..]) {
            touch_nla(&a);
        }

        // nla_parse, strict and deprecated, with a realistic policy and a short table.
        parse_all::<PN>(&buf, &POLICY)?;
        parse_all::<4>(&buf, &NESTED)?;
    }

    #[test]
    fn nla_getters_on_short_payloads_read_zero_extended(payload in prop::collection::vec(any::<u8>(), 0..12), ty in any::<u16>()) {
        let mut b = [((4 + payload.len()) as u16).to_ne_bytes(), ty.to_ne_bytes()].concat();
        b.extend_from_slice(&payload);
        let a = Nla::new_checked(&b[..]).unwrap();
        let mut p = payload.clone();
        p.resize(12, 0);
        touch_nla(&a);
        prop_assert_eq!(a.get_u8(), p[0]);
        prop_assert_eq!(a.get_u16(), u16::from_ne_bytes([p[0], p[1]]));
        prop_assert_eq!(a.get_u32(), u32::from_ne_bytes([p[0], p[1], p[2], p[3]]));
        prop_assert_eq!(a.get_u64(), u64::from_ne_bytes(p[..8].try_into().unwrap()));
        prop_assert_eq!(a.get_be32(), u32::from_be_bytes([p[0], p[1], p[2], p[3]]));
        // nla_get_uint is defined for the two lengths NLA_UINT validation admits.
        if payload.len() == 4 || payload.len() == 8 {
            let uint = if payload.len() == 8 { a.get_u64() } else { a.get_u32() as u64 };
            prop_assert_eq!(a.get_uint(), uint);
        }
        let nul = payload.iter().position(|&c| c == 0).unwrap_or(payload.len());
        prop_assert_eq!(a.get_str(), &payload[..nul]);
        prop_assert_eq!(a.nla_type(), ty & 0x3fff);
        prop_assert_eq!(a.is_nested(), ty & NLA_F_NESTED != 0);
    }

    #[test]
    fn message_walk_stays_within_the_input(buf in bytes()) {
        let mut it = NlMsgIter::new(&buf);
        let mut consumed = 0usize;
        let mut errors = 0;
        loop {
            let at = it.offset();
            prop_assert_eq!(at, consumed);
            let Some(r) = it.next() else { break };
            match r {
                Ok(m) => {
                    prop_assert_eq!(errors, 0, "a message after an error");
                    let len = m.nlmsg_len() as usize;
                    prop_assert!(len >= NLMSG_HDRLEN, "nlmsg_len {} below a header", len);
                    prop_assert!(at + len <= buf.len(), "message at {} of {} runs past {}", at, len, buf.len());
                    prop_assert_eq!(m.message().len(), len);
                    prop_assert_eq!(m.message().as_ptr(), buf[at..].as_ptr());
                    prop_assert_eq!(m.payload().len(), len - NLMSG_HDRLEN);
                    let step = it.offset() - at;
                    prop_assert!(step == nlmsg_align(len) || at + step == buf.len(), "step {} for len {}", step, len);
                    consumed = it.offset();
                }
                Err(e) => {
                    prop_assert_eq!(e, Error::BadLength);
                    let rest = &buf[at..];
                    prop_assert!(rest.len() >= NLMSG_HDRLEN);
                    let len = NlMsgHdrRepr::parse(rest).unwrap().len as usize;
                    prop_assert!(len < NLMSG_HDRLEN || len > rest.len());
                    errors += 1;
                }
            }
            prop_assert!(it.offset() <= buf.len(), "consumed {} of {}", it.offset(), buf.len());
        }
        prop_assert!(errors <= 1);
        prop_assert!(it.next().is_none(), "the walk is fused");
        // It ends only when fewer than a header is left or after the error.
        prop_assert!(errors == 1 || buf.len() - it.offset() < NLMSG_HDRLEN);
    }

    #[test]
    fn attribute_walk_stays_within_the_input(buf in bytes()) {
        let mut it = NlaIter::new(&buf);
        let mut end = 0usize;
        loop {
            let at = it.offset();
            let Some(a) = it.next() else { break };
            let len = a.nla_len() as usize;
            prop_assert!(len >= NLA_HDRLEN && at + len <= buf.len());
            prop_assert_eq!(a.bytes_ref().as_ptr(), buf[at..].as_ptr());
            end = at + len;
        }
        prop_assert!(end <= buf.len());
        prop_assert_eq!(it.remaining(), buf.len().saturating_sub(it.offset()));
    }
}

// ---- (e) the builder never exceeds its tailroom ----------------------------------

#[derive(Debug, Clone)]
enum Op {
    NlmsgPut(usize),
    NlaPut(u16, usize),
    NlaPutU32(u16),
    NlaPutString(usize),
    NestStart(bool),
    NestEnd,
    NlmsgEnd,
    PutData(usize),
    NlaAppend(usize),
    Limit(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0usize..24).prop_map(Op::NlmsgPut),
        (any::<u16>(), 0usize..48).prop_map(|(t, l)| Op::NlaPut(t & 0x3fff, l)),
        any::<u16>().prop_map(|t| Op::NlaPutU32(t & 0x3fff)),
        (0usize..20).prop_map(Op::NlaPutString),
        any::<bool>().prop_map(Op::NestStart),
        Just(Op::NestEnd),
        Just(Op::NlmsgEnd),
        (0usize..24).prop_map(Op::PutData),
        (0usize..24).prop_map(Op::NlaAppend),
        (0usize..200).prop_map(Op::Limit),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn skb_never_exceeds_its_tailroom(room in 0usize..256, ops in prop::collection::vec(op(), 0..40)) {
        let mut skb = SkBuff::with_tailroom(room);
        let mut nests = Vec::new();
        let mut msgs = Vec::new();
        for op in ops {
            let before = skb.clone();
            let tail = skb.tailroom();
            // Ok(true): succeeded; Ok(false): failed as it should, buffer unchanged.
            let (ok, need) = match &op {
                Op::NlmsgPut(p) => {
                    let r = skb.nlmsg_put(1, 2, 16, *p, 0);
                    let ok = r.is_some();
                    msgs.extend(r);
                    (ok, nlmsg_total_size(*p))
                }
                Op::NlaPut(t, l) => (skb.nla_put(*t, &vec![0x5a; *l]).is_ok(), nla_total_size(*l)),
                Op::NlaPutU32(t) => (skb.nla_put_u32(*t, 0xdead_beef).is_ok(), nla_total_size(4)),
                Op::NlaPutString(l) => (skb.nla_put_string(3, &"x".repeat(*l)).is_ok(), nla_total_size(l + 1)),
                Op::NestStart(flag) => {
                    let r = if *flag { skb.nla_nest_start(5) } else { skb.nla_nest_start_noflag(5) };
                    let ok = r.is_ok();
                    nests.extend(r.ok());
                    (ok, NLA_HDRLEN)
                }
                Op::NestEnd => {
                    if let Some(n) = nests.pop() {
                        prop_assert_eq!(skb.nla_nest_end(n), skb.len());
                    }
                    (true, 0)
                }
                Op::NlmsgEnd => {
                    if let Some(m) = msgs.last() {
                        skb.nlmsg_end(*m);
                    }
                    (true, 0)
                }
                Op::PutData(l) => (skb.put_data(&vec![1; *l]).is_ok(), *l),
                Op::NlaAppend(l) => (skb.nla_append(&vec![2; *l]).is_ok(), nla_align(*l)),
                Op::Limit(l) => {
                    skb.limit_tailroom(*l);
                    prop_assert_eq!(skb.tailroom(), tail.min(*l));
                    (true, 0)
                }
            };
            // Success exactly when the kernel's tailroom check passes.
            prop_assert_eq!(ok, need <= tail, "{:?} with tailroom {}", op, tail);
            if ok {
                prop_assert_eq!(skb.len(), before.len() + need, "{:?}", op);
                if !matches!(op, Op::NestEnd | Op::NlmsgEnd) {
                    // Appending never rewrites what is already there.
                    prop_assert_eq!(&skb.data()[..before.len()], before.data(), "{:?} rewrote earlier bytes", op);
                }
            } else {
                prop_assert_eq!(&skb, &before, "a failed {:?} changed the buffer", op);
            }
            prop_assert!(skb.len() <= skb.end());
            prop_assert!(skb.end() <= room);
            prop_assert_eq!(skb.tailroom(), skb.end() - skb.len());
        }
    }
}

#[test]
fn strict_parse_of_an_unknown_type_is_blamed_on_it() {
    // A plain example test of the realistic policy, so that a policy table typo
    // shows here rather than only as a weaker property.
    let mut b = Vec::new();
    b.extend_from_slice(&[8, 0, 3, 0]);
    b.extend_from_slice(&5u32.to_ne_bytes());
    b.extend_from_slice(&[4, 0, PN as u8, 0]);
    let mut ext = ExtAck::default();
    let r: Result<Tb<'_, PN>, Errno> = nla_parse(&b, Some(&POLICY), NL_VALIDATE_STRICT, &mut ext);
    assert_eq!(r.err(), Some(Errno::EINVAL));
    assert_eq!(ext.msg.as_deref(), Some("Unknown attribute type"));
    assert_eq!(ext.bad_attr, Some(b.as_ptr() as usize + 8));
    let tb: Tb<'_, PN> = nla_parse(&b, Some(&POLICY), NL_VALIDATE_LIBERAL, &mut ExtAck::default()).unwrap();
    assert_eq!(tb.get(3).map(|a| a.get_u32()), Some(5));
}
