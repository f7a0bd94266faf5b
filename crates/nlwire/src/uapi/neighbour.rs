//! include/uapi/linux/neighbour.h: neighbour attributes, states and flags.

pub const NDA_UNSPEC: u16 = 0;
pub const NDA_DST: u16 = 1;
pub const NDA_LLADDR: u16 = 2;
pub const NDA_CACHEINFO: u16 = 3;
pub const NDA_PROBES: u16 = 4;
pub const NDA_VLAN: u16 = 5;
pub const NDA_PORT: u16 = 6;
pub const NDA_VNI: u16 = 7;
pub const NDA_IFINDEX: u16 = 8;
pub const NDA_MASTER: u16 = 9;
pub const NDA_LINK_NETNSID: u16 = 10;
pub const NDA_SRC_VNI: u16 = 11;
pub const NDA_PROTOCOL: u16 = 12;
pub const NDA_NH_ID: u16 = 13;
pub const NDA_FDB_EXT_ATTRS: u16 = 14;
pub const NDA_FLAGS_EXT: u16 = 15;
pub const NDA_NDM_STATE_MASK: u16 = 16;
pub const NDA_NDM_FLAGS_MASK: u16 = 17;
pub const NDA_MAX: u16 = 17;

// ndm_flags
pub const NTF_USE: u8 = 1 << 0;
pub const NTF_SELF: u8 = 1 << 1;
pub const NTF_MASTER: u8 = 1 << 2;
pub const NTF_PROXY: u8 = 1 << 3;
pub const NTF_EXT_LEARNED: u8 = 1 << 4;
pub const NTF_OFFLOADED: u8 = 1 << 5;
pub const NTF_STICKY: u8 = 1 << 6;
pub const NTF_ROUTER: u8 = 1 << 7;
// NDA_FLAGS_EXT
pub const NTF_EXT_MANAGED: u32 = 1 << 0;
pub const NTF_EXT_LOCKED: u32 = 1 << 1;

// ndm_state
pub const NUD_NONE: u16 = 0x00;
pub const NUD_INCOMPLETE: u16 = 0x01;
pub const NUD_REACHABLE: u16 = 0x02;
pub const NUD_STALE: u16 = 0x04;
pub const NUD_DELAY: u16 = 0x08;
pub const NUD_PROBE: u16 = 0x10;
pub const NUD_FAILED: u16 = 0x20;
pub const NUD_NOARP: u16 = 0x40;
pub const NUD_PERMANENT: u16 = 0x80;
