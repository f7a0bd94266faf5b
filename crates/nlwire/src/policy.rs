//! Attribute policies and `nla_parse`, as lib/nlattr.c does them.
//!
//! A policy is a table indexed by attribute type (`struct nla_policy
//! policy[MAX + 1]`). Parsing walks the attributes, validates each known one
//! against its entry and files it in a table `tb[type]` (the last of
//! duplicates wins). How strict the walk is depends on the `NL_VALIDATE_*`
//! flags: the deprecated (liberal) parsers used by old handlers skip unknown
//! types and tolerate trailing bytes, the strict ones reject both, insist on
//! exact lengths and on `NLA_F_NESTED`.
//!
//! Failures carry the kernel's errno and, in an [`ExtAck`], its message, the
//! offending attribute (for `NLMSGERR_ATTR_OFFS`) and the policy entry (for
//! `NLMSGERR_ATTR_POLICY`).

use std::borrow::Cow;

use crate::nlattr::{Nla, NlaIter};
use crate::nlmsg::{nlmsg_align, NlMsgHdr};
use crate::uapi::netlink::*;
use crate::Errno;

// unsigned int validate, include/net/netlink.h
/// Old, liberal parsing: unknown types skipped, trailing bytes tolerated.
pub const NL_VALIDATE_LIBERAL: u32 = 0;
/// Reject trailing bytes after the last attribute.
pub const NL_VALIDATE_TRAILING: u32 = 1 << 0;
/// Reject types 0 and above the maximum.
pub const NL_VALIDATE_MAXTYPE: u32 = 1 << 1;
/// Reject attributes whose policy type is NLA_UNSPEC.
pub const NL_VALIDATE_UNSPEC: u32 = 1 << 2;
/// Insist on the exact length of fixed-size types.
pub const NL_VALIDATE_STRICT_ATTRS: u32 = 1 << 3;
/// Insist that nests carry NLA_F_NESTED and others do not.
pub const NL_VALIDATE_NESTED: u32 = 1 << 4;
pub const NL_VALIDATE_STRICT: u32 =
    NL_VALIDATE_TRAILING | NL_VALIDATE_MAXTYPE | NL_VALIDATE_UNSPEC | NL_VALIDATE_STRICT_ATTRS | NL_VALIDATE_NESTED;
pub const NL_VALIDATE_DEPRECATED_STRICT: u32 = NL_VALIDATE_TRAILING | NL_VALIDATE_MAXTYPE;

/// `MAX_POLICY_RECURSION_DEPTH`.
pub const MAX_POLICY_RECURSION_DEPTH: u32 = 10;

/// `enum nla_types`: the type half of a policy entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NlaType {
    Unspec,
    U8,
    U16,
    U32,
    U64,
    String,
    Flag,
    Msecs,
    Nested,
    NestedArray,
    NulString,
    Binary,
    S8,
    S16,
    S32,
    S64,
    Bitfield32,
    Reject,
    Be16,
    Be32,
    Sint,
    Uint,
}

impl NlaType {
    /// `nla_attr_len[]`: the exact length of fixed-size types (0 for others).
    const fn exact_len(self) -> usize {
        match self {
            NlaType::U8 | NlaType::S8 => 1,
            NlaType::U16 | NlaType::S16 | NlaType::Be16 => 2,
            NlaType::U32 | NlaType::S32 | NlaType::Be32 => 4,
            NlaType::U64 | NlaType::S64 => 8,
            _ => 0,
        }
    }

    /// `nla_attr_minlen[]`.
    const fn min_len(self) -> usize {
        match self {
            NlaType::Msecs => 8,
            NlaType::Nested => NLA_HDRLEN,
            t => t.exact_len(),
        }
    }

    const fn is_signed(self) -> bool {
        matches!(self, NlaType::S8 | NlaType::S16 | NlaType::S32 | NlaType::S64 | NlaType::Sint)
    }
}

/// `enum nla_policy_validation`: the further check after the type check.
#[derive(Debug, Clone, Copy)]
pub enum Validation {
    None,
    /// `NLA_POLICY_RANGE` / `NLA_POLICY_FULL_RANGE`: inclusive bounds on the
    /// value (or, for NLA_BINARY, the length).
    Range {
        min: i128,
        max: i128,
    },
    /// `NLA_POLICY_RANGE` on a binary attribute that the deprecated parser
    /// accepts over-long with a warning (`NLA_VALIDATE_RANGE_WARN_TOO_LONG`).
    RangeWarnTooLong {
        min: i128,
        max: i128,
    },
    /// `NLA_POLICY_MIN`.
    Min(i128),
    /// `NLA_POLICY_MAX`.
    Max(i128),
    /// `NLA_POLICY_MASK`: only these bits may be set.
    Mask(u64),
    /// `NLA_POLICY_VALIDATE_FN`.
    Function(fn(&Nla<&[u8]>, &mut ExtAck) -> Result<(), Errno>),
}

/// `struct nla_policy`: one entry of a policy table.
#[derive(Debug, Clone, Copy)]
pub struct NlaPolicy {
    pub ty: NlaType,
    pub validation: Validation,
    /// Meaning depends on the type: maximum string/binary length, minimum
    /// length for others, the maximum type of a nested policy.
    pub len: u16,
    /// Only in entry 0: attribute types from here on are validated strictly
    /// even by the deprecated parsers.
    pub strict_start_type: u16,
    pub nested_policy: Option<&'static [NlaPolicy]>,
    pub reject_message: Option<&'static str>,
    pub bitfield32_valid: u32,
}

impl NlaPolicy {
    /// An entry that accepts anything (`[X] = { }`).
    pub const UNSPEC: NlaPolicy = NlaPolicy::of(NlaType::Unspec);

    pub const fn of(ty: NlaType) -> Self {
        NlaPolicy {
            ty,
            validation: Validation::None,
            len: 0,
            strict_start_type: 0,
            nested_policy: None,
            reject_message: None,
            bitfield32_valid: 0,
        }
    }
    /// `{ .type = NLA_STRING, .len = max }` and the like.
    pub const fn with_len(mut self, len: u16) -> Self {
        self.len = len;
        self
    }
    /// `{ .len = n }`: an untyped attribute of at least n bytes.
    pub const fn min_len(len: u16) -> Self {
        NlaPolicy::of(NlaType::Unspec).with_len(len)
    }
    pub const fn range(mut self, min: i128, max: i128) -> Self {
        self.validation = Validation::Range { min, max };
        self
    }
    pub const fn min(mut self, min: i128) -> Self {
        self.validation = Validation::Min(min);
        self
    }
    pub const fn max(mut self, max: i128) -> Self {
        self.validation = Validation::Max(max);
        self
    }
    pub const fn mask(mut self, mask: u64) -> Self {
        self.validation = Validation::Mask(mask);
        self
    }
    pub const fn validate_fn(mut self, f: fn(&Nla<&[u8]>, &mut ExtAck) -> Result<(), Errno>) -> Self {
        self.validation = Validation::Function(f);
        self
    }
    /// `NLA_POLICY_NESTED(policy)`: `.len` is the nested maximum type.
    pub const fn nested(policy: &'static [NlaPolicy]) -> Self {
        let mut p = NlaPolicy::of(NlaType::Nested);
        p.nested_policy = Some(policy);
        p.len = (policy.len() - 1) as u16;
        p
    }
    /// `NLA_POLICY_REJECT` with an optional message.
    pub const fn reject(msg: Option<&'static str>) -> Self {
        let mut p = NlaPolicy::of(NlaType::Reject);
        p.reject_message = msg;
        p
    }
    pub const fn strict_start(mut self, ty: u16) -> Self {
        self.strict_start_type = ty;
        self
    }

    /// `nla_get_range_unsigned`: the bounds a dump reports and validation applies.
    pub fn range_unsigned(&self) -> (u64, u64) {
        let type_max: u64 = match self.ty {
            NlaType::U8 => u8::MAX as u64,
            NlaType::U16 | NlaType::Be16 | NlaType::Binary => u16::MAX as u64,
            NlaType::U32 | NlaType::Be32 => u32::MAX as u64,
            _ => u64::MAX,
        };
        let clamp = |v: i128| v.clamp(0, u64::MAX as i128) as u64;
        match self.validation {
            Validation::Range { min, max } | Validation::RangeWarnTooLong { min, max } => (clamp(min), clamp(max)),
            Validation::Min(min) => (clamp(min), type_max),
            Validation::Max(max) => (0, clamp(max)),
            _ => (0, type_max),
        }
    }

    /// `nla_get_range_signed`.
    pub fn range_signed(&self) -> (i64, i64) {
        let (tmin, tmax): (i64, i64) = match self.ty {
            NlaType::S8 => (i8::MIN as i64, i8::MAX as i64),
            NlaType::S16 => (i16::MIN as i64, i16::MAX as i64),
            NlaType::S32 => (i32::MIN as i64, i32::MAX as i64),
            _ => (i64::MIN, i64::MAX),
        };
        let clamp = |v: i128| v.clamp(i64::MIN as i128, i64::MAX as i128) as i64;
        match self.validation {
            Validation::Range { min, max } | Validation::RangeWarnTooLong { min, max } => (clamp(min), clamp(max)),
            Validation::Min(min) => (clamp(min), tmax),
            Validation::Max(max) => (tmin, clamp(max)),
            _ => (tmin, tmax),
        }
    }
}

/// `struct netlink_ext_ack`: what a failed (or warned-about) request reports.
///
/// `bad_attr` and `miss_nest` are addresses inside the request buffer, as the
/// kernel keeps pointers; `netlink_ack` turns them into offsets from the
/// message header and drops them if they fall outside the request.
#[derive(Debug, Clone, Default)]
pub struct ExtAck {
    pub msg: Option<Cow<'static, str>>,
    pub bad_attr: Option<usize>,
    pub policy: Option<&'static NlaPolicy>,
    pub miss_nest: Option<usize>,
    pub miss_type: u16,
    pub cookie: Option<Vec<u8>>,
}

impl ExtAck {
    /// `NL_SET_ERR_MSG`.
    pub fn set_msg(&mut self, msg: &'static str) {
        self.msg = Some(Cow::Borrowed(msg));
    }
    /// `NL_SET_ERR_MSG_FMT`: formatted into the 80-byte `_msg_buf`, truncated as `vsnprintf` would.
    pub fn set_msg_fmt(&mut self, msg: String) {
        let mut msg = msg;
        if msg.len() > NETLINK_MAX_FMTMSG_LEN - 1 {
            let mut cut = NETLINK_MAX_FMTMSG_LEN - 1;
            while !msg.is_char_boundary(cut) {
                cut -= 1;
            }
            msg.truncate(cut);
        }
        self.msg = Some(Cow::Owned(msg));
    }
    /// `NL_SET_BAD_ATTR` (= `NL_SET_BAD_ATTR_POLICY(extack, attr, NULL)`: the policy is cleared).
    pub fn set_bad_attr(&mut self, nla: &[u8]) {
        self.bad_attr = Some(nla.as_ptr() as usize);
        self.policy = None;
    }
    /// `NL_SET_ERR_MSG_ATTR`.
    pub fn set_msg_attr(&mut self, nla: &[u8], msg: &'static str) {
        self.set_bad_attr(nla);
        self.set_msg(msg);
    }
    /// `NL_SET_ERR_MSG_ATTR_POL`.
    pub fn set_msg_attr_pol(&mut self, nla: &[u8], pol: &'static NlaPolicy, msg: &'static str) {
        self.set_msg_attr(nla, msg);
        self.policy = Some(pol);
    }
    /// `NL_SET_ERR_ATTR_MISS`: a required attribute is missing (in `nest`, or at top level).
    pub fn set_attr_miss(&mut self, nest: Option<&[u8]>, ty: u16) {
        self.miss_nest = nest.map(|n| n.as_ptr() as usize);
        self.miss_type = ty;
    }
    /// `nlmsg_check_in_payload`: the offset of an address recorded in this
    /// ext-ack from the start of `msg` (the request the ack answers), if it
    /// lies in the message's payload.
    pub fn offset_in(addr: usize, msg: &[u8]) -> Option<u32> {
        let start = msg.as_ptr() as usize;
        let payload = start + crate::uapi::netlink::NLMSG_HDRLEN;
        let nlmsg_len = NlMsgHdr::new_checked(msg).map_or(0, |h| h.nlmsg_len() as usize);
        let end = start + nlmsg_len.min(msg.len());
        (addr >= payload && addr < end).then(|| (addr - start) as u32)
    }
}

/// `tb[]`: the attributes of a parsed message, indexed by type.
#[derive(Debug, Clone, Copy)]
pub struct Tb<'a, const N: usize> {
    slots: [Option<Nla<&'a [u8]>>; N],
}

impl<'a, const N: usize> Tb<'a, N> {
    pub fn new() -> Self {
        Tb { slots: [None; N] }
    }
    /// `tb[ty]`.
    pub fn get(&self, ty: u16) -> Option<Nla<&'a [u8]>> {
        self.slots.get(ty as usize).copied().flatten()
    }
    pub fn has(&self, ty: u16) -> bool {
        self.get(ty).is_some()
    }
    /// `maxtype`.
    pub const fn maxtype(&self) -> u16 {
        (N - 1) as u16
    }
}

impl<const N: usize> Default for Tb<'_, N> {
    fn default() -> Self {
        Self::new()
    }
}

/// `__nla_validate_parse`: walks `head`, validating against `policy` and
/// filling `tb` when given. `maxtype` is `N - 1` of the table (or of the policy).
fn validate_parse<'a>(
    head: &'a [u8],
    maxtype: u16,
    policy: Option<&'static [NlaPolicy]>,
    validate: u32,
    extack: &mut ExtAck,
    mut tb: Option<&mut [Option<Nla<&'a [u8]>>]>,
    depth: u32,
) -> Result<(), Errno> {
    if depth >= MAX_POLICY_RECURSION_DEPTH {
        extack.set_msg("allowed policy recursion depth exceeded");
        return Err(Errno::EINVAL);
    }
    let mut it = NlaIter::new(head);
    for nla in it.by_ref() {
        let ty = nla.nla_type();
        if ty == 0 || ty > maxtype {
            if validate & NL_VALIDATE_MAXTYPE != 0 {
                extack.set_msg_attr(nla.bytes(), "Unknown attribute type");
                return Err(Errno::EINVAL);
            }
            continue;
        }
        if let Some(policy) = policy {
            validate_nla(&nla, maxtype, policy, validate, extack, depth)?;
        }
        if let Some(tb) = tb.as_deref_mut() {
            if let Some(slot) = tb.get_mut(ty as usize) {
                *slot = Some(nla);
            }
        }
    }
    if it.remaining() > 0 {
        extack.set_msg("bytes leftover after parsing attributes");
        if validate & NL_VALIDATE_TRAILING != 0 {
            return Err(Errno::EINVAL);
        }
    }
    Ok(())
}

/// `validate_nla`: one attribute against its policy entry.
fn validate_nla(
    nla: &Nla<&[u8]>,
    maxtype: u16,
    policy: &'static [NlaPolicy],
    mut validate: u32,
    extack: &mut ExtAck,
    depth: u32,
) -> Result<(), Errno> {
    let strict_start_type = policy.first().map_or(0, |p| p.strict_start_type);
    let ty = nla.nla_type();
    let attrlen = nla.payload().len();
    let raw = nla.bytes();

    if strict_start_type != 0 && ty >= strict_start_type {
        validate |= NL_VALIDATE_STRICT;
    }
    if ty == 0 || ty > maxtype {
        return Ok(());
    }
    let Some(pt) = policy.get(ty as usize) else {
        return Ok(());
    };

    let exact = pt.ty.exact_len();
    if exact != 0 && attrlen != exact && validate & NL_VALIDATE_STRICT_ATTRS != 0 {
        extack.set_msg_attr_pol(raw, pt, "invalid attribute length");
        return Err(Errno::EINVAL);
    }

    let is_nest_type = matches!(pt.ty, NlaType::Nested | NlaType::NestedArray);
    if validate & NL_VALIDATE_NESTED != 0 {
        if is_nest_type && !nla.is_nested() {
            extack.set_msg_attr_pol(raw, pt, "NLA_F_NESTED is missing");
            return Err(Errno::EINVAL);
        }
        if !is_nest_type && pt.ty != NlaType::Unspec && nla.is_nested() {
            extack.set_msg_attr_pol(raw, pt, "NLA_F_NESTED not expected");
            return Err(Errno::EINVAL);
        }
    }

    let out_err = |extack: &mut ExtAck, err: Errno| {
        extack.set_msg_attr_pol(raw, pt, "Attribute failed policy validation");
        Err(err)
    };

    match pt.ty {
        NlaType::Reject => {
            if let Some(m) = pt.reject_message {
                extack.set_bad_attr(raw);
                extack.set_msg(m);
                return Err(Errno::EINVAL);
            }
            return out_err(extack, Errno::EINVAL);
        }
        NlaType::Flag => {
            if attrlen > 0 {
                return out_err(extack, Errno::ERANGE);
            }
        }
        NlaType::Sint | NlaType::Uint => {
            if attrlen != 4 && attrlen != 8 {
                extack.set_msg_attr_pol(raw, pt, "invalid attribute length");
                return Err(Errno::EINVAL);
            }
        }
        NlaType::Bitfield32 => {
            if attrlen != 8 {
                return out_err(extack, Errno::ERANGE);
            }
            // validate_nla_bitfield32: a valid mask must exist, and value and
            // selector stay within it, and no value bit outside the selector.
            let p = nla.payload();
            let value = u32::from_ne_bytes([p[0], p[1], p[2], p[3]]);
            let selector = u32::from_ne_bytes([p[4], p[5], p[6], p[7]]);
            let valid = pt.bitfield32_valid;
            if valid == 0 || selector & !valid != 0 || value & !valid != 0 || value & !selector != 0 {
                return out_err(extack, Errno::EINVAL);
            }
        }
        NlaType::NulString | NlaType::String => {
            let data = nla.payload();
            if pt.ty == NlaType::NulString {
                let minlen = if pt.len != 0 { attrlen.min(pt.len as usize + 1) } else { attrlen };
                if minlen == 0 || !data[..minlen].contains(&0) {
                    return out_err(extack, Errno::EINVAL);
                }
            }
            if attrlen < 1 {
                return out_err(extack, Errno::ERANGE);
            }
            if pt.len != 0 {
                let mut l = attrlen;
                if data[l - 1] == 0 {
                    l -= 1;
                }
                if l > pt.len as usize {
                    return out_err(extack, Errno::ERANGE);
                }
            }
        }
        NlaType::Binary => {
            if pt.len != 0 && attrlen > pt.len as usize {
                return out_err(extack, Errno::ERANGE);
            }
        }
        NlaType::Nested => {
            // A nest may be empty; if not, it holds at least one header.
            if attrlen != 0 {
                if attrlen < NLA_HDRLEN {
                    return out_err(extack, Errno::ERANGE);
                }
                if let Some(np) = pt.nested_policy {
                    // Returned directly to keep the inner message and attribute.
                    validate_parse(nla.payload(), pt.len, Some(np), validate, extack, None, depth + 1)?;
                }
            }
        }
        NlaType::NestedArray => {
            if attrlen != 0 {
                if attrlen < NLA_HDRLEN {
                    return out_err(extack, Errno::ERANGE);
                }
                if let Some(np) = pt.nested_policy {
                    // nla_validate_array: every member is itself a nest.
                    for entry in NlaIter::new(nla.payload()) {
                        let elen = entry.payload().len();
                        if elen == 0 {
                            continue;
                        }
                        if elen < NLA_HDRLEN {
                            extack.set_msg_attr_pol(entry.bytes_ref(), &np[0], "Array element too short");
                            return Err(Errno::ERANGE);
                        }
                        validate_parse(entry.payload(), pt.len, Some(np), validate, extack, None, depth + 1)?;
                    }
                }
            }
        }
        NlaType::Unspec => {
            if validate & NL_VALIDATE_UNSPEC != 0 {
                extack.set_msg_attr(raw, "Unsupported attribute");
                return Err(Errno::EINVAL);
            }
            if attrlen < pt.len as usize {
                return out_err(extack, Errno::ERANGE);
            }
        }
        _ => {
            let minlen = if pt.len != 0 { pt.len as usize } else { pt.ty.min_len() };
            if attrlen < minlen {
                return out_err(extack, Errno::ERANGE);
            }
        }
    }

    match pt.validation {
        Validation::None => Ok(()),
        Validation::Range { .. } | Validation::RangeWarnTooLong { .. } | Validation::Min(_) | Validation::Max(_) => {
            validate_int_range(pt, nla, extack, validate)
        }
        Validation::Mask(mask) => {
            // nla_validate_mask reads only the unsigned integer types.
            let value = match pt.ty {
                NlaType::U8
                | NlaType::U16
                | NlaType::U32
                | NlaType::U64
                | NlaType::Uint
                | NlaType::Be16
                | NlaType::Be32 => unsigned_value(pt.ty, nla).unwrap_or(0),
                _ => return Err(Errno::EINVAL),
            };
            if value & !mask != 0 {
                extack.set_msg_attr(raw, "reserved bit set");
                return Err(Errno::EINVAL);
            }
            Ok(())
        }
        Validation::Function(f) => f(nla, extack),
    }
}

fn unsigned_value(ty: NlaType, nla: &Nla<&[u8]>) -> Option<u64> {
    Some(match ty {
        NlaType::U8 => nla.get_u8() as u64,
        NlaType::U16 => nla.get_u16() as u64,
        NlaType::U32 => nla.get_u32() as u64,
        NlaType::U64 | NlaType::Msecs => nla.get_u64(),
        NlaType::Uint => nla.get_uint(),
        NlaType::Be16 => u16::from_be(nla.get_u16()) as u64,
        NlaType::Be32 => nla.get_be32() as u64,
        NlaType::Binary => nla.payload().len() as u64,
        _ => return None,
    })
}

/// `nla_validate_int_range`.
fn validate_int_range(
    pt: &'static NlaPolicy,
    nla: &Nla<&[u8]>,
    extack: &mut ExtAck,
    validate: u32,
) -> Result<(), Errno> {
    let raw = nla.bytes();
    if pt.ty.is_signed() {
        let value: i64 = match pt.ty {
            NlaType::S8 => nla.get_u8() as i8 as i64,
            NlaType::S16 => nla.get_u16() as i16 as i64,
            NlaType::S32 => nla.get_s32() as i64,
            NlaType::S64 => nla.get_u64() as i64,
            _ => {
                if nla.payload().len() == 8 {
                    nla.get_u64() as i64
                } else {
                    nla.get_s32() as i64
                }
            }
        };
        let (min, max) = pt.range_signed();
        if value < min || value > max {
            extack.set_msg_attr_pol(raw, pt, "integer out of range");
            return Err(Errno::ERANGE);
        }
        return Ok(());
    }
    let Some(value) = unsigned_value(pt.ty, nla) else {
        return Err(Errno::EINVAL);
    };
    let (min, max) = pt.range_unsigned();
    if matches!(pt.validation, Validation::RangeWarnTooLong { .. }) && pt.ty == NlaType::Binary && value > max {
        if validate & NL_VALIDATE_STRICT_ATTRS != 0 {
            extack.set_msg_attr_pol(raw, pt, "invalid attribute length");
            return Err(Errno::EINVAL);
        }
        return Ok(());
    }
    if value < min || value > max {
        if pt.ty == NlaType::Binary {
            extack.set_msg_attr_pol(raw, pt, "binary attribute size out of range");
        } else {
            extack.set_msg_attr_pol(raw, pt, "integer out of range");
        }
        return Err(Errno::ERANGE);
    }
    Ok(())
}

/// `__nla_parse`: parses an attribute stream into `tb[0..N]` (maxtype `N - 1`).
pub fn nla_parse<'a, const N: usize>(
    head: &'a [u8],
    policy: Option<&'static [NlaPolicy]>,
    validate: u32,
    extack: &mut ExtAck,
) -> Result<Tb<'a, N>, Errno> {
    let mut tb = Tb::<N>::new();
    validate_parse(head, (N - 1) as u16, policy, validate, extack, Some(&mut tb.slots), 0)?;
    Ok(tb)
}

/// `__nla_parse` with an explicit `maxtype` below the table's size (a link
/// kind's `IFLA_INFO_DATA`, parsed into a table sized for the largest kind).
pub fn nla_parse_max<'a, const N: usize>(
    head: &'a [u8],
    maxtype: u16,
    policy: Option<&'static [NlaPolicy]>,
    validate: u32,
    extack: &mut ExtAck,
) -> Result<Tb<'a, N>, Errno> {
    let mut tb = Tb::<N>::new();
    let maxtype = maxtype.min((N - 1) as u16);
    validate_parse(head, maxtype, policy, validate, extack, Some(&mut tb.slots), 0)?;
    Ok(tb)
}

/// `nla_validate`: validates without keeping a table.
pub fn nla_validate(
    head: &[u8],
    maxtype: u16,
    policy: &'static [NlaPolicy],
    validate: u32,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    validate_parse(head, maxtype, Some(policy), validate, extack, None, 0)
}

/// `nla_parse_nested` (strict): the nest must carry `NLA_F_NESTED`.
pub fn nla_parse_nested<'a, const N: usize>(
    nla: &Nla<&'a [u8]>,
    policy: Option<&'static [NlaPolicy]>,
    extack: &mut ExtAck,
) -> Result<Tb<'a, N>, Errno> {
    if !nla.is_nested() {
        extack.set_msg_attr(nla.bytes(), "NLA_F_NESTED is missing");
        return Err(Errno::EINVAL);
    }
    nla_parse::<N>(nla.payload_ref(), policy, NL_VALIDATE_STRICT, extack)
}

/// `nla_parse_nested_deprecated`: liberal, the flag not required.
pub fn nla_parse_nested_deprecated<'a, const N: usize>(
    nla: &Nla<&'a [u8]>,
    policy: Option<&'static [NlaPolicy]>,
    extack: &mut ExtAck,
) -> Result<Tb<'a, N>, Errno> {
    nla_parse::<N>(nla.payload_ref(), policy, NL_VALIDATE_LIBERAL, extack)
}

/// `nlmsg_attrdata` + `nlmsg_attrlen`: the attributes after a `hdrlen`-byte family header.
pub fn nlmsg_attrdata(msg: &[u8], hdrlen: usize) -> &[u8] {
    let start = NLMSG_HDRLEN + nlmsg_align(hdrlen);
    msg.get(start..).unwrap_or(&[])
}

/// `__nlmsg_parse`: `msg` is one whole message (`nlmsg_len` bytes).
pub fn nlmsg_parse_validate<'a, const N: usize>(
    msg: &'a [u8],
    hdrlen: usize,
    policy: Option<&'static [NlaPolicy]>,
    validate: u32,
    extack: &mut ExtAck,
) -> Result<Tb<'a, N>, Errno> {
    let len = NlMsgHdr::new_checked(msg).map(|h| h.nlmsg_len() as usize).unwrap_or(0);
    if len < NLMSG_HDRLEN + hdrlen {
        extack.set_msg("Invalid header length");
        return Err(Errno::EINVAL);
    }
    nla_parse::<N>(nlmsg_attrdata(&msg[..len], hdrlen), policy, validate, extack)
}

/// `nlmsg_parse`: strict.
pub fn nlmsg_parse<'a, const N: usize>(
    msg: &'a [u8],
    hdrlen: usize,
    policy: Option<&'static [NlaPolicy]>,
    extack: &mut ExtAck,
) -> Result<Tb<'a, N>, Errno> {
    nlmsg_parse_validate::<N>(msg, hdrlen, policy, NL_VALIDATE_STRICT, extack)
}

/// `nlmsg_parse_deprecated`: liberal.
pub fn nlmsg_parse_deprecated<'a, const N: usize>(
    msg: &'a [u8],
    hdrlen: usize,
    policy: Option<&'static [NlaPolicy]>,
    extack: &mut ExtAck,
) -> Result<Tb<'a, N>, Errno> {
    nlmsg_parse_validate::<N>(msg, hdrlen, policy, NL_VALIDATE_LIBERAL, extack)
}

/// `nlmsg_parse_deprecated_strict`: trailing bytes and unknown types rejected.
pub fn nlmsg_parse_deprecated_strict<'a, const N: usize>(
    msg: &'a [u8],
    hdrlen: usize,
    policy: Option<&'static [NlaPolicy]>,
    extack: &mut ExtAck,
) -> Result<Tb<'a, N>, Errno> {
    nlmsg_parse_validate::<N>(msg, hdrlen, policy, NL_VALIDATE_DEPRECATED_STRICT, extack)
}
