//! include/uapi/linux/netlink.h (and the two `NL_CFG_F_*` flags of include/linux/netlink.h).

// Protocols (the third argument of socket(AF_NETLINK, type, protocol)).
pub const NETLINK_ROUTE: u32 = 0;
pub const NETLINK_UNUSED: u32 = 1;
pub const NETLINK_USERSOCK: u32 = 2;
pub const NETLINK_FIREWALL: u32 = 3;
pub const NETLINK_SOCK_DIAG: u32 = 4;
pub const NETLINK_NFLOG: u32 = 5;
pub const NETLINK_XFRM: u32 = 6;
pub const NETLINK_SELINUX: u32 = 7;
pub const NETLINK_ISCSI: u32 = 8;
pub const NETLINK_AUDIT: u32 = 9;
pub const NETLINK_FIB_LOOKUP: u32 = 10;
pub const NETLINK_CONNECTOR: u32 = 11;
pub const NETLINK_NETFILTER: u32 = 12;
pub const NETLINK_IP6_FW: u32 = 13;
pub const NETLINK_DNRTMSG: u32 = 14;
pub const NETLINK_KOBJECT_UEVENT: u32 = 15;
pub const NETLINK_GENERIC: u32 = 16;
pub const NETLINK_SCSITRANSPORT: u32 = 18;
pub const NETLINK_ECRYPTFS: u32 = 19;
pub const NETLINK_RDMA: u32 = 20;
pub const NETLINK_CRYPTO: u32 = 21;
pub const NETLINK_SMC: u32 = 22;
pub const NETLINK_INET_DIAG: u32 = NETLINK_SOCK_DIAG;
/// `MAX_LINKS`: the size of the kernel's `nl_table`.
pub const MAX_LINKS: u32 = 32;

// nlmsg_flags, common to all messages.
/// It is a request message.
pub const NLM_F_REQUEST: u16 = 0x01;
/// Multipart message, terminated by NLMSG_DONE.
pub const NLM_F_MULTI: u16 = 0x02;
/// Reply with an ack, with zero or an error code.
pub const NLM_F_ACK: u16 = 0x04;
/// Receive the resulting notification.
pub const NLM_F_ECHO: u16 = 0x08;
/// The dump was inconsistent due to a sequence change.
pub const NLM_F_DUMP_INTR: u16 = 0x10;
/// The dump was filtered as requested.
pub const NLM_F_DUMP_FILTERED: u16 = 0x20;

// Modifiers to GET requests.
pub const NLM_F_ROOT: u16 = 0x100;
pub const NLM_F_MATCH: u16 = 0x200;
pub const NLM_F_ATOMIC: u16 = 0x400;
pub const NLM_F_DUMP: u16 = NLM_F_ROOT | NLM_F_MATCH;

// Modifiers to NEW requests.
pub const NLM_F_REPLACE: u16 = 0x100;
pub const NLM_F_EXCL: u16 = 0x200;
pub const NLM_F_CREATE: u16 = 0x400;
pub const NLM_F_APPEND: u16 = 0x800;

// Modifiers to DELETE requests.
pub const NLM_F_NONREC: u16 = 0x100;
pub const NLM_F_BULK: u16 = 0x200;

// Flags for ACK messages.
pub const NLM_F_CAPPED: u16 = 0x100;
pub const NLM_F_ACK_TLVS: u16 = 0x200;

pub const NLMSG_ALIGNTO: usize = 4;
/// `NLMSG_HDRLEN`: sizeof(struct nlmsghdr), already aligned.
pub const NLMSG_HDRLEN: usize = 16;

/// Nothing.
pub const NLMSG_NOOP: u16 = 0x1;
/// Error (and ack).
pub const NLMSG_ERROR: u16 = 0x2;
/// End of a dump.
pub const NLMSG_DONE: u16 = 0x3;
/// Data lost.
pub const NLMSG_OVERRUN: u16 = 0x4;
/// Types below this are reserved control messages.
pub const NLMSG_MIN_TYPE: u16 = 0x10;

// enum nlmsgerr_attrs: extended-ack TLVs after struct nlmsgerr.
pub const NLMSGERR_ATTR_UNUSED: u16 = 0;
/// Error message string.
pub const NLMSGERR_ATTR_MSG: u16 = 1;
/// Offset of the invalid attribute in the original message, from the nlmsghdr.
pub const NLMSGERR_ATTR_OFFS: u16 = 2;
/// Arbitrary subsystem-specific cookie.
pub const NLMSGERR_ATTR_COOKIE: u16 = 3;
/// Policy of the rejected attribute.
pub const NLMSGERR_ATTR_POLICY: u16 = 4;
/// Type of a missing required attribute.
pub const NLMSGERR_ATTR_MISS_TYPE: u16 = 5;
/// Offset of the nest where an attribute was missing.
pub const NLMSGERR_ATTR_MISS_NEST: u16 = 6;
pub const NLMSGERR_ATTR_MAX: u16 = 6;
/// `NETLINK_MAX_COOKIE_LEN` (include/linux/netlink.h): 8 in 6.18; it was 20 until a 2025 change.
pub const NETLINK_MAX_COOKIE_LEN: usize = 8;
/// `NETLINK_MAX_FMTMSG_LEN`: the size of `extack->_msg_buf`.
pub const NETLINK_MAX_FMTMSG_LEN: usize = 80;

// setsockopt(SOL_NETLINK, ...)
pub const NETLINK_ADD_MEMBERSHIP: u32 = 1;
pub const NETLINK_DROP_MEMBERSHIP: u32 = 2;
pub const NETLINK_PKTINFO: u32 = 3;
pub const NETLINK_BROADCAST_ERROR: u32 = 4;
pub const NETLINK_NO_ENOBUFS: u32 = 5;
pub const NETLINK_RX_RING: u32 = 6;
pub const NETLINK_TX_RING: u32 = 7;
pub const NETLINK_LISTEN_ALL_NSID: u32 = 8;
pub const NETLINK_LIST_MEMBERSHIPS: u32 = 9;
pub const NETLINK_CAP_ACK: u32 = 10;
pub const NETLINK_EXT_ACK: u32 = 11;
pub const NETLINK_GET_STRICT_CHK: u32 = 12;

// struct nlattr
pub const NLA_F_NESTED: u16 = 1 << 15;
pub const NLA_F_NET_BYTEORDER: u16 = 1 << 14;
pub const NLA_TYPE_MASK: u16 = !(NLA_F_NESTED | NLA_F_NET_BYTEORDER);
pub const NLA_ALIGNTO: usize = 4;
/// `NLA_HDRLEN`: sizeof(struct nlattr), already aligned.
pub const NLA_HDRLEN: usize = 4;

// enum netlink_attribute_type: how a policy dump names attribute types.
pub const NL_ATTR_TYPE_INVALID: u32 = 0;
pub const NL_ATTR_TYPE_FLAG: u32 = 1;
pub const NL_ATTR_TYPE_U8: u32 = 2;
pub const NL_ATTR_TYPE_U16: u32 = 3;
pub const NL_ATTR_TYPE_U32: u32 = 4;
pub const NL_ATTR_TYPE_U64: u32 = 5;
pub const NL_ATTR_TYPE_S8: u32 = 6;
pub const NL_ATTR_TYPE_S16: u32 = 7;
pub const NL_ATTR_TYPE_S32: u32 = 8;
pub const NL_ATTR_TYPE_S64: u32 = 9;
pub const NL_ATTR_TYPE_BINARY: u32 = 10;
pub const NL_ATTR_TYPE_STRING: u32 = 11;
pub const NL_ATTR_TYPE_NUL_STRING: u32 = 12;
pub const NL_ATTR_TYPE_NESTED: u32 = 13;
pub const NL_ATTR_TYPE_NESTED_ARRAY: u32 = 14;
pub const NL_ATTR_TYPE_BITFIELD32: u32 = 15;
pub const NL_ATTR_TYPE_SINT: u32 = 16;
pub const NL_ATTR_TYPE_UINT: u32 = 17;

// enum netlink_policy_type_attr
pub const NL_POLICY_TYPE_ATTR_UNSPEC: u16 = 0;
pub const NL_POLICY_TYPE_ATTR_TYPE: u16 = 1;
pub const NL_POLICY_TYPE_ATTR_MIN_VALUE_S: u16 = 2;
pub const NL_POLICY_TYPE_ATTR_MAX_VALUE_S: u16 = 3;
pub const NL_POLICY_TYPE_ATTR_MIN_VALUE_U: u16 = 4;
pub const NL_POLICY_TYPE_ATTR_MAX_VALUE_U: u16 = 5;
pub const NL_POLICY_TYPE_ATTR_MIN_LENGTH: u16 = 6;
pub const NL_POLICY_TYPE_ATTR_MAX_LENGTH: u16 = 7;
pub const NL_POLICY_TYPE_ATTR_POLICY_IDX: u16 = 8;
pub const NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE: u16 = 9;
pub const NL_POLICY_TYPE_ATTR_BITFIELD32_MASK: u16 = 10;
pub const NL_POLICY_TYPE_ATTR_PAD: u16 = 11;
pub const NL_POLICY_TYPE_ATTR_MASK: u16 = 12;

// include/linux/netlink.h: struct netlink_kernel_cfg.flags
/// Anyone may subscribe to the protocol's groups.
pub const NL_CFG_F_NONROOT_RECV: u32 = 1 << 0;
/// Anyone may send to groups and other ports.
pub const NL_CFG_F_NONROOT_SEND: u32 = 1 << 1;
