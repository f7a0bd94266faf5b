//! Describing a policy entry on the wire: net/netlink/policy.c.
//!
//! `netlink_ack` puts the policy of a rejected attribute into
//! `NLMSGERR_ATTR_POLICY` so that userspace can tell why it was refused:
//! the attribute's type and its bounds (`NL_POLICY_TYPE_ATTR_*`).

use nlwire::nlattr::nla_total_size;
use nlwire::policy::{NlaPolicy, NlaType, Validation};
use nlwire::uapi::netlink::*;
use nlwire::{Errno, SkBuff};

/// `netlink_policy_dump_attr_size_estimate`.
pub fn netlink_policy_dump_attr_size_estimate(pt: &NlaPolicy) -> usize {
    // nested + type + the largest of the per-type attributes.
    let common = nla_total_size(0) + nla_total_size(4);
    common
        + match pt.ty {
            NlaType::Nested | NlaType::NestedArray => 2 * nla_total_size(4),
            NlaType::Bitfield32 => nla_total_size(4),
            NlaType::String | NlaType::NulString | NlaType::Binary => 2 * nla_total_size(4),
            NlaType::Flag | NlaType::Reject | NlaType::Unspec => 0,
            _ => 2 * nla_total_size(8),
        }
}

fn attr_type(ty: NlaType) -> u32 {
    match ty {
        NlaType::Flag => NL_ATTR_TYPE_FLAG,
        NlaType::U8 => NL_ATTR_TYPE_U8,
        NlaType::U16 | NlaType::Be16 => NL_ATTR_TYPE_U16,
        NlaType::U32 | NlaType::Be32 => NL_ATTR_TYPE_U32,
        NlaType::U64 | NlaType::Msecs => NL_ATTR_TYPE_U64,
        NlaType::Uint => NL_ATTR_TYPE_UINT,
        NlaType::S8 => NL_ATTR_TYPE_S8,
        NlaType::S16 => NL_ATTR_TYPE_S16,
        NlaType::S32 => NL_ATTR_TYPE_S32,
        NlaType::S64 => NL_ATTR_TYPE_S64,
        NlaType::Sint => NL_ATTR_TYPE_SINT,
        NlaType::String => NL_ATTR_TYPE_STRING,
        NlaType::NulString => NL_ATTR_TYPE_NUL_STRING,
        NlaType::Binary | NlaType::Unspec => NL_ATTR_TYPE_BINARY,
        NlaType::Nested => NL_ATTR_TYPE_NESTED,
        NlaType::NestedArray => NL_ATTR_TYPE_NESTED_ARRAY,
        NlaType::Bitfield32 => NL_ATTR_TYPE_BITFIELD32,
        NlaType::Reject => NL_ATTR_TYPE_INVALID,
    }
}

/// `__netlink_policy_dump_write_attr` without a dump state (as netlink_ack calls it).
fn write_attr_body(skb: &mut SkBuff, pt: &NlaPolicy) -> Result<(), Errno> {
    match pt.ty {
        // Linux skips NLA_REJECT ("use NLA_MIN_LEN to advertise such"): the
        // nest is cancelled and the ack has no POLICY TLV (probes/observed/
        // p_bridge.txt, IFLA_BR_FDB_N_LEARNED: MSG and OFFS only).
        NlaType::Reject => return Err(Errno::ENODATA),
        NlaType::Nested | NlaType::NestedArray | NlaType::Flag => {}
        NlaType::U8
        | NlaType::U16
        | NlaType::U32
        | NlaType::U64
        | NlaType::Uint
        | NlaType::Msecs
        | NlaType::Be16
        | NlaType::Be32 => {
            if let Validation::Mask(mask) = pt.validation {
                skb.nla_put_u64_64bit(NL_POLICY_TYPE_ATTR_MASK, mask, NL_POLICY_TYPE_ATTR_PAD)?;
            } else {
                let (min, max) = pt.range_unsigned();
                skb.nla_put_u64_64bit(NL_POLICY_TYPE_ATTR_MIN_VALUE_U, min, NL_POLICY_TYPE_ATTR_PAD)?;
                skb.nla_put_u64_64bit(NL_POLICY_TYPE_ATTR_MAX_VALUE_U, max, NL_POLICY_TYPE_ATTR_PAD)?;
            }
        }
        NlaType::S8 | NlaType::S16 | NlaType::S32 | NlaType::S64 | NlaType::Sint => {
            let (min, max) = pt.range_signed();
            skb.nla_put_s64(NL_POLICY_TYPE_ATTR_MIN_VALUE_S, min, NL_POLICY_TYPE_ATTR_PAD)?;
            skb.nla_put_s64(NL_POLICY_TYPE_ATTR_MAX_VALUE_S, max, NL_POLICY_TYPE_ATTR_PAD)?;
        }
        NlaType::Bitfield32 => {
            skb.nla_put_u32(NL_POLICY_TYPE_ATTR_BITFIELD32_MASK, pt.bitfield32_valid)?;
        }
        NlaType::String | NlaType::NulString | NlaType::Binary => match pt.validation {
            Validation::Range { .. } | Validation::RangeWarnTooLong { .. } => {
                let (min, max) = pt.range_unsigned();
                if min != 0 {
                    skb.nla_put_u32(NL_POLICY_TYPE_ATTR_MIN_LENGTH, min as u32)?;
                }
                if max < u16::MAX as u64 {
                    skb.nla_put_u32(NL_POLICY_TYPE_ATTR_MAX_LENGTH, max as u32)?;
                }
            }
            _ if pt.len != 0 => skb.nla_put_u32(NL_POLICY_TYPE_ATTR_MAX_LENGTH, pt.len as u32)?,
            _ => {}
        },
        NlaType::Unspec => {
            if pt.len != 0 {
                skb.nla_put_u32(NL_POLICY_TYPE_ATTR_MIN_LENGTH, pt.len as u32)?;
            }
        }
    }
    skb.nla_put_u32(NL_POLICY_TYPE_ATTR_TYPE, attr_type(pt.ty))
}

/// `netlink_policy_dump_write_attr`: the entry as a nest of type `nestattr`.
pub fn netlink_policy_dump_write_attr(skb: &mut SkBuff, pt: &NlaPolicy, nestattr: u16) -> Result<(), Errno> {
    let nest = skb.nla_nest_start(nestattr)?;
    if let Err(e) = write_attr_body(skb, pt) {
        skb.nla_nest_cancel(nest);
        return Err(e);
    }
    skb.nla_nest_end(nest);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u32_policy_dump_matches_kernel_ack_bytes() {
        // kernel-reference §4 / t4_ack: IFA_LOCAL (NLA_U32) rejected, POLICY TLV
        // 24000480 0c000400 00..00 0c000500 ffffffff00000000 08000100 04000000
        let mut skb = SkBuff::with_tailroom(64);
        netlink_policy_dump_write_attr(&mut skb, &NlaPolicy::of(NlaType::U32), NLMSGERR_ATTR_POLICY).unwrap();
        let want: [u8; 36] = [
            0x24, 0, 0x04, 0x80, 0x0c, 0, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0c, 0, 0x05, 0, 0xff, 0xff, 0xff, 0xff, 0,
            0, 0, 0, 0x08, 0, 0x01, 0, 0x04, 0, 0, 0,
        ];
        assert_eq!(skb.data(), &want[..]);
    }
}
