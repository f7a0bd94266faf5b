//! `nla_parse` against lib/nlattr.c (Linux 6.18): for each case the errno the
//! kernel returns, the extended-ack message it sets, the attribute it blames
//! (`bad_attr`, as an offset) and the policy entry it reports.
//!
//! Attributes are built by hand (`attr`) so that malformed ones are possible;
//! offsets are counted from the start of the buffer handed to the parser.

use nlwire::nlattr::Nla;
use nlwire::nlmsg::NlMsgHdrRepr;
use nlwire::policy::{
    nla_parse, nla_parse_nested, nla_parse_nested_deprecated, nla_validate, nlmsg_parse, nlmsg_parse_deprecated,
    nlmsg_parse_deprecated_strict, ExtAck, NlaPolicy, NlaType, Tb, NL_VALIDATE_DEPRECATED_STRICT, NL_VALIDATE_LIBERAL,
    NL_VALIDATE_STRICT,
};
use nlwire::uapi::netlink::{NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLMSG_HDRLEN};
use nlwire::Errno;

// ---- policies ------------------------------------------------------------------

const T_U8: u16 = 1;
const T_U16: u16 = 2;
const T_U32: u16 = 3;
const T_U64: u16 = 4;
const T_STR: u16 = 5;
const T_NULSTR: u16 = 6;
const T_BIN: u16 = 7;
const T_FLAG: u16 = 8;
const T_NEST: u16 = 9;
const T_REJECT: u16 = 10;
const T_REJECT_MSG: u16 = 11;
const T_RANGE: u16 = 12;
const T_MASK: u16 = 13;
const T_UNSPEC: u16 = 14;
const T_S8: u16 = 15;
const T_MINLEN: u16 = 16;
const MAXTYPE: usize = 16;
const N: usize = MAXTYPE + 1;

const I_U32: u16 = 1;
const I_STR: u16 = 2;
static INNER: [NlaPolicy; 3] =
    [NlaPolicy::UNSPEC, NlaPolicy::of(NlaType::U32).range(0, 10), NlaPolicy::of(NlaType::String).with_len(4)];

static POL: [NlaPolicy; N] = [
    NlaPolicy::UNSPEC,
    NlaPolicy::of(NlaType::U8),
    NlaPolicy::of(NlaType::U16),
    NlaPolicy::of(NlaType::U32),
    NlaPolicy::of(NlaType::U64),
    NlaPolicy::of(NlaType::String).with_len(4),
    NlaPolicy::of(NlaType::NulString).with_len(4),
    NlaPolicy::of(NlaType::Binary).with_len(4),
    NlaPolicy::of(NlaType::Flag),
    NlaPolicy::nested(&INNER),
    NlaPolicy::reject(None),
    NlaPolicy::reject(Some("this attribute is reserved")),
    NlaPolicy::of(NlaType::U32).range(10, 20),
    NlaPolicy::of(NlaType::U32).mask(0x0f),
    NlaPolicy::UNSPEC,
    NlaPolicy::of(NlaType::S8).range(-5, 5),
    NlaPolicy::min_len(6),
];

const ALL_MODES: [u32; 3] = [NL_VALIDATE_LIBERAL, NL_VALIDATE_DEPRECATED_STRICT, NL_VALIDATE_STRICT];

// ---- helpers -------------------------------------------------------------------

/// One attribute as the kernel lays it out: header, payload, zero padding.
fn attr(ty: u16, payload: &[u8]) -> Vec<u8> {
    let len = 4 + payload.len();
    let mut v = Vec::with_capacity(len + 3);
    v.extend_from_slice(&(len as u16).to_ne_bytes());
    v.extend_from_slice(&ty.to_ne_bytes());
    v.extend_from_slice(payload);
    v.resize((len + 3) & !3, 0);
    v
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn parse(buf: &[u8], validate: u32) -> (Result<Tb<'_, N>, Errno>, ExtAck) {
    let mut ext = ExtAck::default();
    let r = nla_parse::<N>(buf, Some(&POL), validate, &mut ext);
    (r, ext)
}

/// Where `bad_attr` points, as an offset into `buf`.
fn bad_off(ext: &ExtAck, buf: &[u8]) -> Option<usize> {
    ext.bad_attr.map(|a| a.wrapping_sub(buf.as_ptr() as usize))
}

fn msg(ext: &ExtAck) -> Option<&str> {
    ext.msg.as_deref()
}

fn policy_is(ext: &ExtAck, pt: &'static NlaPolicy) -> bool {
    ext.policy.is_some_and(|p| std::ptr::eq(p, pt))
}

/// Asserts a failure: errno, message, blamed offset and reported policy entry.
#[track_caller]
fn assert_fails(
    buf: &[u8],
    validate: u32,
    errno: Errno,
    text: &str,
    off: Option<usize>,
    pol: Option<&'static NlaPolicy>,
) {
    let (r, ext) = parse(buf, validate);
    assert_eq!(r.err(), Some(errno), "errno (validate {validate:#x})");
    assert_eq!(msg(&ext), Some(text), "message (validate {validate:#x})");
    assert_eq!(bad_off(&ext, buf), off, "bad_attr offset (validate {validate:#x})");
    match pol {
        Some(p) => assert!(policy_is(&ext, p), "policy entry (validate {validate:#x}): {:?}", ext.policy),
        None => assert!(ext.policy.is_none(), "no policy entry expected (validate {validate:#x}): {:?}", ext.policy),
    }
}

#[track_caller]
fn assert_parses(buf: &[u8], validate: u32) -> ExtAck {
    let (r, ext) = parse(buf, validate);
    assert!(r.is_ok(), "validate {validate:#x}: {:?} {:?}", r.err(), ext.msg);
    ext
}

// ---- liberal and strict walks ----------------------------------------------------

#[test]
fn liberal_ignores_type_zero_types_above_maxtype_and_trailing_bytes() {
    let buf = cat(&[
        &attr(0, &[1, 2, 3, 4]),
        &attr(MAXTYPE as u16 + 1, &[9; 4]),
        &attr(0x3fff, &[]),
        &attr(T_U32, &7u32.to_ne_bytes()),
        &[0xff, 0xff, 0xff],
    ]);
    let mut ext = ExtAck::default();
    let tb = nla_parse::<N>(&buf, Some(&POL), NL_VALIDATE_LIBERAL, &mut ext).unwrap();
    assert_eq!(tb.get(T_U32).map(|a| a.get_u32()), Some(7));
    assert!(!tb.has(0));
    assert!((1..N as u16).filter(|&t| t != T_U32).all(|t| !tb.has(t)));
    // __nla_validate_parse sets the leftover message even when it then returns 0.
    assert_eq!(msg(&ext), Some("bytes leftover after parsing attributes"));
    assert_eq!(ext.bad_attr, None);
}

#[test]
fn strict_rejects_unknown_types() {
    for validate in [NL_VALIDATE_STRICT, NL_VALIDATE_DEPRECATED_STRICT] {
        let above = cat(&[&attr(T_U32, &1u32.to_ne_bytes()), &attr(MAXTYPE as u16 + 1, &[])]);
        assert_fails(&above, validate, Errno::EINVAL, "Unknown attribute type", Some(8), None);
        let zero = cat(&[&attr(T_U8, &[1]), &attr(0, &[0; 4])]);
        assert_fails(&zero, validate, Errno::EINVAL, "Unknown attribute type", Some(8), None);
    }
}

#[test]
fn strict_rejects_trailing_bytes() {
    // Three stray bytes, then a header whose nla_len runs past the end, then one
    // whose nla_len is below the header size: each leaves bytes over.
    let tails: [&[u8]; 3] = [&[0, 0, 0], &[12, 0, 1, 0, 0, 0, 0, 0], &[2, 0, 1, 0]];
    for tail in tails {
        let buf = cat(&[&attr(T_U8, &[1]), tail]);
        for validate in [NL_VALIDATE_STRICT, NL_VALIDATE_DEPRECATED_STRICT] {
            assert_fails(&buf, validate, Errno::EINVAL, "bytes leftover after parsing attributes", None, None);
        }
        let ext = assert_parses(&buf, NL_VALIDATE_LIBERAL);
        assert_eq!(msg(&ext), Some("bytes leftover after parsing attributes"));
    }
    // An unpadded last attribute consumes the stream: rem goes negative, not positive.
    let unpadded = [5u8, 0, T_U8 as u8, 0, 42];
    let ext = assert_parses(&unpadded, NL_VALIDATE_STRICT);
    assert_eq!(ext.msg, None);
}

#[test]
fn u32_length_exact_in_strict_minimum_in_liberal() {
    let short = attr(T_U32, &[1, 2]);
    let long = attr(T_U32, &[1, 0, 0, 0, 9, 9, 9, 9]);
    for buf in [&short, &long] {
        assert_fails(buf, NL_VALIDATE_STRICT, Errno::EINVAL, "invalid attribute length", Some(0), Some(&POL[3]));
    }
    for validate in [NL_VALIDATE_LIBERAL, NL_VALIDATE_DEPRECATED_STRICT] {
        assert_fails(
            &short,
            validate,
            Errno::ERANGE,
            "Attribute failed policy validation",
            Some(0),
            Some(&POL[T_U32 as usize]),
        );
        let (tb, _) = parse(&long, validate);
        // A too-long U32 is accepted (with a warning) and read from its first four bytes.
        assert_eq!(tb.unwrap().get(T_U32).map(|a| a.get_u32()), Some(1));
    }
    // The same for the other fixed sizes.
    for (ty, ok, bad) in [(T_U8, 1, 2), (T_U16, 2, 1), (T_U64, 8, 4)] {
        assert_parses(&attr(ty, &vec![0; ok]), NL_VALIDATE_STRICT);
        let buf = attr(ty, &vec![0; bad]);
        assert_fails(
            &buf,
            NL_VALIDATE_STRICT,
            Errno::EINVAL,
            "invalid attribute length",
            Some(0),
            Some(&POL[ty as usize]),
        );
    }
    // Liberal: U64 below its minimum is ERANGE, a U8 with two bytes is fine.
    assert_fails(&attr(T_U64, &[0; 4]), 0, Errno::ERANGE, "Attribute failed policy validation", Some(0), Some(&POL[4]));
    assert_parses(&attr(T_U8, &[0; 2]), NL_VALIDATE_LIBERAL);
}

#[test]
fn nested_flag_missing_or_unexpected_in_strict_mode() {
    let inner = attr(I_U32, &3u32.to_ne_bytes());
    let nest_noflag = attr(T_NEST, &inner);
    let nest_flag = attr(T_NEST | NLA_F_NESTED, &inner);
    let u32_flag = attr(T_U32 | NLA_F_NESTED, &3u32.to_ne_bytes());
    let unspec_flag = attr(T_UNSPEC | NLA_F_NESTED, &[0; 4]);

    assert_fails(&nest_noflag, NL_VALIDATE_STRICT, Errno::EINVAL, "NLA_F_NESTED is missing", Some(0), Some(&POL[9]));
    assert_fails(&u32_flag, NL_VALIDATE_STRICT, Errno::EINVAL, "NLA_F_NESTED not expected", Some(0), Some(&POL[3]));
    assert_parses(&nest_flag, NL_VALIDATE_STRICT);
    // NLA_UNSPEC entries are exempt from the flag check, but strict parsing
    // rejects them outright (NL_VALIDATE_UNSPEC, NL_SET_ERR_MSG_ATTR: no policy).
    assert_fails(&unspec_flag, NL_VALIDATE_STRICT, Errno::EINVAL, "Unsupported attribute", Some(0), None);

    for validate in [NL_VALIDATE_LIBERAL, NL_VALIDATE_DEPRECATED_STRICT] {
        for buf in [&nest_noflag, &nest_flag, &u32_flag, &unspec_flag] {
            assert_parses(buf, validate);
        }
    }
    // NLA_F_NET_BYTEORDER is not NLA_F_NESTED: a U32 carrying it passes strict checks.
    assert_parses(&attr(T_U32 | NLA_F_NET_BYTEORDER, &[0; 4]), NL_VALIDATE_STRICT);

    // nla_parse_nested insists on the flag of the nest itself; the deprecated one does not.
    let n = Nla::new_checked(&nest_noflag[..]).unwrap();
    let mut ext = ExtAck::default();
    assert_eq!(nla_parse_nested::<3>(&n, Some(&INNER), &mut ext).err(), Some(Errno::EINVAL));
    assert_eq!(msg(&ext), Some("NLA_F_NESTED is missing"));
    assert_eq!(bad_off(&ext, &nest_noflag), Some(0));
    let mut ext = ExtAck::default();
    let tb = nla_parse_nested_deprecated::<3>(&n, Some(&INNER), &mut ext).unwrap();
    assert_eq!(tb.get(I_U32).map(|a| a.get_u32()), Some(3));
    let f = Nla::new_checked(&nest_flag[..]).unwrap();
    let tb = nla_parse_nested::<3>(&f, Some(&INNER), &mut ExtAck::default()).unwrap();
    assert_eq!(tb.get(I_U32).map(|a| a.get_u32()), Some(3));
}

#[test]
fn nla_string_with_len_counts_without_the_trailing_nul() {
    for validate in ALL_MODES {
        for ok in [&b"abcd"[..], b"abcd\0", b"ab\0\0\0", b"a", b"\0"] {
            assert_parses(&attr(T_STR, ok), validate);
        }
        for bad in [&b"abcde"[..], b"abcde\0", b""] {
            let buf = attr(T_STR, bad);
            assert_fails(&buf, validate, Errno::ERANGE, "Attribute failed policy validation", Some(0), Some(&POL[5]));
        }
    }
}

#[test]
fn nla_nul_string_needs_a_nul_within_len_plus_one() {
    for validate in ALL_MODES {
        for ok in [&b"abc\0"[..], b"abcd\0", b"\0", b"a\0bc"] {
            assert_parses(&attr(T_NULSTR, ok), validate);
        }
        // No NUL at all, no NUL within len + 1 bytes, empty: EINVAL.
        for bad in [&b"abcd"[..], b"abcde\0", b""] {
            let buf = attr(T_NULSTR, bad);
            assert_fails(&buf, validate, Errno::EINVAL, "Attribute failed policy validation", Some(0), Some(&POL[6]));
        }
        // A NUL early but too long overall: the NLA_STRING part says ERANGE.
        let buf = attr(T_NULSTR, b"a\0cdef");
        assert_fails(&buf, validate, Errno::ERANGE, "Attribute failed policy validation", Some(0), Some(&POL[6]));
    }
}

#[test]
fn flag_binary_and_untyped_lengths() {
    for validate in ALL_MODES {
        let flag = attr(T_FLAG, &[]);
        let (tb, _) = parse(&flag, validate);
        assert!(tb.unwrap().has(T_FLAG));
        let buf = attr(T_FLAG, &[0]);
        assert_fails(&buf, validate, Errno::ERANGE, "Attribute failed policy validation", Some(0), Some(&POL[8]));

        for len in 0..=4 {
            assert_parses(&attr(T_BIN, &vec![7; len]), validate);
        }
        let buf = attr(T_BIN, &[7; 5]);
        assert_fails(&buf, validate, Errno::ERANGE, "Attribute failed policy validation", Some(0), Some(&POL[7]));
    }
    // `{ .len = 6 }` with no type: a minimum length, checked only when not strict.
    for validate in [NL_VALIDATE_LIBERAL, NL_VALIDATE_DEPRECATED_STRICT] {
        assert_parses(&attr(T_MINLEN, &[0; 6]), validate);
        assert_parses(&attr(T_MINLEN, &[0; 60]), validate);
        let buf = attr(T_MINLEN, &[0; 5]);
        assert_fails(&buf, validate, Errno::ERANGE, "Attribute failed policy validation", Some(0), Some(&POL[16]));
    }
}

#[test]
fn range_validation_says_integer_out_of_range() {
    for validate in ALL_MODES {
        for v in [10u32, 15, 20] {
            assert_parses(&attr(T_RANGE, &v.to_ne_bytes()), validate);
        }
        for v in [0u32, 9, 21, u32::MAX] {
            let buf = attr(T_RANGE, &v.to_ne_bytes());
            assert_fails(&buf, validate, Errno::ERANGE, "integer out of range", Some(0), Some(&POL[12]));
        }
        for v in [-5i8, 0, 5] {
            assert_parses(&attr(T_S8, &v.to_ne_bytes()), validate);
        }
        for v in [-6i8, 6, i8::MIN] {
            let buf = attr(T_S8, &v.to_ne_bytes());
            assert_fails(&buf, validate, Errno::ERANGE, "integer out of range", Some(0), Some(&POL[15]));
        }
    }
}

#[test]
fn mask_validation_says_reserved_bit_set() {
    for validate in ALL_MODES {
        assert_parses(&attr(T_MASK, &0x0fu32.to_ne_bytes()), validate);
        let buf = cat(&[&attr(T_U8, &[0]), &attr(T_MASK, &0x10u32.to_ne_bytes())]);
        // NL_SET_ERR_MSG_ATTR: the attribute, no policy.
        assert_fails(&buf, validate, Errno::EINVAL, "reserved bit set", Some(8), None);
    }
}

#[test]
fn nla_reject_with_and_without_a_message() {
    for validate in ALL_MODES {
        let buf = cat(&[&attr(T_U8, &[0]), &attr(T_REJECT, &[1, 2, 3, 4])]);
        assert_fails(&buf, validate, Errno::EINVAL, "Attribute failed policy validation", Some(8), Some(&POL[10]));
        let buf = cat(&[&attr(T_U8, &[0]), &attr(T_REJECT_MSG, &[])]);
        // NL_SET_BAD_ATTR + the policy's own message, no policy entry reported.
        assert_fails(&buf, validate, Errno::EINVAL, "this attribute is reserved", Some(8), None);
    }
}

#[test]
fn nested_policy_errors_carry_the_inner_message_and_attribute() {
    let first = attr(T_U8, &[0]);
    // Inner U32 out of its 0..=10 range: blamed on the inner attribute.
    let inner = cat(&[&attr(I_STR, b"ok\0"), &attr(I_U32, &11u32.to_ne_bytes())]);
    let buf = cat(&[&first, &attr(T_NEST | NLA_F_NESTED, &inner)]);
    let inner_off = first.len() + 4 + attr(I_STR, b"ok\0").len();
    for validate in ALL_MODES {
        assert_fails(&buf, validate, Errno::ERANGE, "integer out of range", Some(inner_off), Some(&INNER[1]));
    }
    // Inner string too long: the generic message, still the inner attribute and entry.
    let buf = cat(&[&first, &attr(T_NEST | NLA_F_NESTED, &attr(I_STR, b"toolong"))]);
    for validate in ALL_MODES {
        assert_fails(&buf, validate, Errno::ERANGE, "Attribute failed policy validation", Some(12), Some(&INNER[2]));
    }
    // An unknown inner type: the strictness of the outer parse applies inside.
    let buf = cat(&[&first, &attr(T_NEST | NLA_F_NESTED, &attr(7, &[0; 4]))]);
    assert_fails(&buf, NL_VALIDATE_STRICT, Errno::EINVAL, "Unknown attribute type", Some(12), None);
    assert_fails(&buf, NL_VALIDATE_DEPRECATED_STRICT, Errno::EINVAL, "Unknown attribute type", Some(12), None);
    assert_parses(&buf, NL_VALIDATE_LIBERAL);
    // Trailing bytes inside a nest.
    let buf = attr(T_NEST | NLA_F_NESTED, &cat(&[&attr(I_U32, &[0; 4]), &[0, 0, 0, 0]]));
    assert_fails(&buf, NL_VALIDATE_STRICT, Errno::EINVAL, "bytes leftover after parsing attributes", None, None);
    // A nest of 1..3 bytes is too short for a header; an empty one is fine.
    for validate in ALL_MODES {
        let buf = attr(T_NEST | NLA_F_NESTED, &[0, 0]);
        assert_fails(&buf, validate, Errno::ERANGE, "Attribute failed policy validation", Some(0), Some(&POL[9]));
        assert_parses(&attr(T_NEST | NLA_F_NESTED, &[]), validate);
    }
}

#[test]
fn duplicates_the_last_one_wins() {
    for validate in ALL_MODES {
        let buf = cat(&[
            &attr(T_U32, &1u32.to_ne_bytes()),
            &attr(T_U8, &[5]),
            &attr(T_U32, &2u32.to_ne_bytes()),
            &attr(T_U32, &3u32.to_ne_bytes()),
        ]);
        let (tb, _) = parse(&buf, validate);
        let tb = tb.unwrap();
        assert_eq!(tb.get(T_U32).map(|a| a.get_u32()), Some(3));
        assert_eq!(tb.get(T_U8).map(|a| a.get_u8()), Some(5));
        // Every duplicate is validated, not only the survivor.
        let buf = cat(&[&attr(T_U32, &[0; 2]), &attr(T_U32, &1u32.to_ne_bytes())]);
        assert!(parse(&buf, validate).0.is_err());
    }
}

static SST: [NlaPolicy; 5] = [
    NlaPolicy::UNSPEC.strict_start(3),
    NlaPolicy::of(NlaType::U32),
    NlaPolicy::of(NlaType::U32),
    NlaPolicy::of(NlaType::U32),
    NlaPolicy::of(NlaType::U32),
];

#[test]
fn strict_start_type_makes_later_types_strict_under_deprecated_parsing() {
    let p = |buf: &[u8]| {
        let mut ext = ExtAck::default();
        let r = nla_parse::<5>(buf, Some(&SST), NL_VALIDATE_LIBERAL, &mut ext).map(|_| ());
        (r, ext)
    };
    // Type 2 is below strict_start_type: an 8-byte U32 only warns.
    assert_eq!(p(&attr(2, &[0; 8])).0, Ok(()));
    // Types 3 and 4 are validated strictly.
    let (r, ext) = p(&attr(3, &[0; 8]));
    assert_eq!(r, Err(Errno::EINVAL));
    assert_eq!(msg(&ext), Some("invalid attribute length"));
    assert!(policy_is(&ext, &SST[3]));
    let buf = attr(4 | NLA_F_NESTED, &[0; 4]);
    let (r, ext) = p(&buf);
    assert_eq!(r, Err(Errno::EINVAL));
    assert_eq!(msg(&ext), Some("NLA_F_NESTED not expected"));
    // It is a per-attribute upgrade: unknown types and trailing bytes are still
    // judged by the walk's own flags.
    assert_eq!(p(&cat(&[&attr(9, &[0; 8]), &attr(3, &[0; 4]), &[0, 0, 0]])).0, Ok(()));
}

#[test]
fn nla_validate_checks_without_a_table() {
    let mut ext = ExtAck::default();
    let buf = cat(&[&attr(T_U8, &[1]), &attr(T_FLAG, &[1])]);
    assert_eq!(nla_validate(&buf, MAXTYPE as u16, &POL, NL_VALIDATE_STRICT, &mut ext), Err(Errno::ERANGE));
    assert_eq!(bad_off(&ext, &buf), Some(8));
    // maxtype comes from the caller: with 7 the flag is out of range and skipped when liberal.
    assert_eq!(nla_validate(&buf, 7, &POL, NL_VALIDATE_LIBERAL, &mut ExtAck::default()), Ok(()));
}

/// A policy whose single attribute is a nest of itself.
static LOOP: [NlaPolicy; 2] = [NlaPolicy::UNSPEC, NlaPolicy::nested(&LOOP)];

fn nest_chain(levels: usize, innermost: &[u8]) -> Vec<u8> {
    (0..levels).fold(innermost.to_vec(), |inner, _| attr(1 | NLA_F_NESTED, &inner))
}

#[test]
fn policy_recursion_is_limited_to_ten_levels() {
    let mut ext = ExtAck::default();
    // Ten nests, the innermost empty: its payload is never parsed (depth 9 is the deepest walk).
    let ok = nest_chain(10, &[]);
    assert!(nla_parse::<2>(&ok, Some(&LOOP), NL_VALIDATE_STRICT, &mut ext).is_ok(), "{:?}", ext.msg);
    // Eleven: the tenth nest's payload would be walked at depth 10.
    let deep = nest_chain(11, &[]);
    let mut ext = ExtAck::default();
    assert_eq!(nla_parse::<2>(&deep, Some(&LOOP), NL_VALIDATE_LIBERAL, &mut ext).err(), Some(Errno::EINVAL));
    assert_eq!(msg(&ext), Some("allowed policy recursion depth exceeded"));
    assert_eq!(ext.bad_attr, None);
}

// ---- nlmsg_parse ---------------------------------------------------------------

/// A message: nlmsghdr with `nlmsg_len = len_field`, family header, attributes.
fn message(len_field: Option<u32>, family: &[u8], attrs: &[u8]) -> Vec<u8> {
    let fam = (family.len() + 3) & !3;
    let total = NLMSG_HDRLEN + fam + attrs.len();
    let mut m =
        NlMsgHdrRepr { len: len_field.unwrap_or(total as u32), ty: 16, flags: 5, seq: 1, pid: 0 }.to_bytes().to_vec();
    m.extend_from_slice(family);
    m.resize(NLMSG_HDRLEN + fam, 0);
    m.extend_from_slice(attrs);
    m
}

#[test]
fn nlmsg_parse_rejects_a_message_shorter_than_its_family_header() {
    type P = for<'a> fn(&'a [u8], usize, Option<&'static [NlaPolicy]>, &mut ExtAck) -> Result<Tb<'a, N>, Errno>;
    let parsers: [P; 3] = [nlmsg_parse::<N>, nlmsg_parse_deprecated::<N>, nlmsg_parse_deprecated_strict::<N>];
    for parser in parsers {
        // nlmsg_len 18 < NLMSG_HDRLEN + sizeof(struct ifinfomsg).
        let m = message(Some(18), &[0; 2], &[]);
        let mut ext = ExtAck::default();
        assert_eq!(parser(&m, 16, Some(&POL), &mut ext).err(), Some(Errno::EINVAL));
        assert_eq!(msg(&ext), Some("Invalid header length"));
        assert_eq!(ext.bad_attr, None);
        // Exactly the header: no attributes, no complaint.
        let m = message(None, &[0; 16], &[]);
        let mut ext = ExtAck::default();
        let tb = parser(&m, 16, Some(&POL), &mut ext).unwrap();
        assert!((0..N as u16).all(|t| !tb.has(t)));
        assert_eq!(ext.msg, None);
        // nlmsg_len 17 with a 1-byte rtgenmsg: long enough, but the aligned family
        // header goes past the end, so nlmsg_attrlen is negative: nothing to parse.
        let m = message(Some(17), &[2], &[]);
        let mut ext = ExtAck::default();
        assert!(parser(&m[..17], 1, Some(&POL), &mut ext).is_ok());
        assert_eq!(ext.msg, None);
    }
    // The attributes after the family header are parsed, and only up to nlmsg_len.
    let attrs = cat(&[&attr(T_U8, &[3]), &attr(T_U32, &9u32.to_ne_bytes())]);
    let mut m = message(None, &[0; 12], &attrs);
    let len = m.len();
    m.extend_from_slice(&attr(T_U16, &[0; 2]));
    let tb = nlmsg_parse::<N>(&m, 12, Some(&POL), &mut ExtAck::default()).unwrap();
    assert_eq!(tb.get(T_U32).map(|a| a.get_u32()), Some(9));
    assert!(!tb.has(T_U16), "parsed past nlmsg_len {len}");
    assert_eq!(tb.get(T_U8).map(|a| a.bytes_ref().as_ptr()), Some(m[NLMSG_HDRLEN + 12..].as_ptr()));
}

// ---- ExtAck::offset_in -----------------------------------------------------------

#[test]
fn ext_ack_offset_counts_from_the_nlmsghdr_and_only_inside_the_payload() {
    let ifinfomsg = [0u8; 16];
    let attrs = cat(&[&attr(T_U8, &[1]), &attr(T_U16, &[1, 2]), &attr(T_FLAG, &[1])]);
    let m = message(None, &ifinfomsg, &attrs);
    let mut ext = ExtAck::default();
    assert_eq!(nlmsg_parse::<N>(&m, 16, Some(&POL), &mut ext).err(), Some(Errno::ERANGE));
    let bad = ext.bad_attr.expect("bad_attr");
    // NLMSGERR_ATTR_OFFS: header 16 + ifinfomsg 16 + two attributes of 8.
    assert_eq!(ExtAck::offset_in(bad, &m), Some(16 + 16 + 8 + 8));

    let base = m.as_ptr() as usize;
    // nlmsg_check_in_payload: nothing in the nlmsghdr, nothing at or past the end.
    assert_eq!(ExtAck::offset_in(base, &m), None);
    assert_eq!(ExtAck::offset_in(base + NLMSG_HDRLEN - 1, &m), None);
    assert_eq!(ExtAck::offset_in(base + NLMSG_HDRLEN, &m), Some(NLMSG_HDRLEN as u32));
    assert_eq!(ExtAck::offset_in(base + m.len() - 1, &m), Some(m.len() as u32 - 1));
    assert_eq!(ExtAck::offset_in(base + m.len(), &m), None);
    assert_eq!(ExtAck::offset_in(base.wrapping_sub(4), &m), None);
    // An attribute of another buffer is not in this message.
    let other = attr(T_U8, &[0]);
    assert_eq!(ExtAck::offset_in(other.as_ptr() as usize, &m), None);
}

// ---- differences from lib/nlattr.c, documented, not yet followed by policy.rs -------

static BF0: [NlaPolicy; 2] = [NlaPolicy::UNSPEC, NlaPolicy::of(NlaType::Bitfield32)];

/// validate_nla_bitfield32: `if (!valid_flags_mask) return -EINVAL;`, then
/// validate_nla's `goto out_err`.
#[test]
fn bitfield32_with_no_valid_bits_is_rejected() {
    let buf = attr(1, &[0; 8]);
    let mut ext = ExtAck::default();
    assert_eq!(nla_parse::<2>(&buf, Some(&BF0), NL_VALIDATE_LIBERAL, &mut ext).err(), Some(Errno::EINVAL));
    assert_eq!(msg(&ext), Some("Attribute failed policy validation"));
}

static ARR_INNER: [NlaPolicy; 2] = [NlaPolicy::UNSPEC, NlaPolicy::of(NlaType::U32)];
static ARR: [NlaPolicy; 2] = [NlaPolicy::UNSPEC, {
    let mut p = NlaPolicy::nested(&ARR_INNER);
    p.ty = NlaType::NestedArray;
    p
}];

/// nla_validate_array: an element of 1..3 payload bytes is
/// `NL_SET_ERR_MSG_ATTR_POL(extack, entry, policy, "Array element too short"); return -ERANGE;`.
#[test]
fn nested_array_element_too_short() {
    let buf = attr(1 | NLA_F_NESTED, &attr(1, &[0, 0]));
    let mut ext = ExtAck::default();
    assert_eq!(nla_parse::<2>(&buf, Some(&ARR), NL_VALIDATE_LIBERAL, &mut ext).err(), Some(Errno::ERANGE));
    assert_eq!(msg(&ext), Some("Array element too short"));
    assert_eq!(bad_off(&ext, &buf), Some(4));
    assert!(policy_is(&ext, &ARR_INNER[0]));
}

/// NL_SET_ERR_MSG_ATTR and NL_SET_BAD_ATTR are NL_SET_*_POL(..., NULL, ...):
/// they clear a policy recorded by an earlier failure on the same ext-ack.
#[test]
fn attr_messages_without_policy_clear_the_policy() {
    let mut ext = ExtAck::default();
    let first = attr(T_U32, &[0; 2]);
    assert!(nla_parse::<N>(&first, Some(&POL), NL_VALIDATE_STRICT, &mut ext).is_err());
    assert!(ext.policy.is_some());
    let second = attr(MAXTYPE as u16 + 1, &[]);
    assert!(nla_parse::<N>(&second, Some(&POL), NL_VALIDATE_STRICT, &mut ext).is_err());
    assert_eq!(msg(&ext), Some("Unknown attribute type"));
    assert!(ext.policy.is_none());
}
