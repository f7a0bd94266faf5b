//! include/uapi/linux/if_link.h: link attributes (`IFLA_*`) and their nests.

pub const IFLA_UNSPEC: u16 = 0;
pub const IFLA_ADDRESS: u16 = 1;
pub const IFLA_BROADCAST: u16 = 2;
pub const IFLA_IFNAME: u16 = 3;
pub const IFLA_MTU: u16 = 4;
pub const IFLA_LINK: u16 = 5;
pub const IFLA_QDISC: u16 = 6;
pub const IFLA_STATS: u16 = 7;
pub const IFLA_COST: u16 = 8;
pub const IFLA_PRIORITY: u16 = 9;
pub const IFLA_MASTER: u16 = 10;
pub const IFLA_WIRELESS: u16 = 11;
pub const IFLA_PROTINFO: u16 = 12;
pub const IFLA_TXQLEN: u16 = 13;
pub const IFLA_MAP: u16 = 14;
pub const IFLA_WEIGHT: u16 = 15;
pub const IFLA_OPERSTATE: u16 = 16;
pub const IFLA_LINKMODE: u16 = 17;
pub const IFLA_LINKINFO: u16 = 18;
pub const IFLA_NET_NS_PID: u16 = 19;
pub const IFLA_IFALIAS: u16 = 20;
pub const IFLA_NUM_VF: u16 = 21;
pub const IFLA_VFINFO_LIST: u16 = 22;
pub const IFLA_STATS64: u16 = 23;
pub const IFLA_VF_PORTS: u16 = 24;
pub const IFLA_PORT_SELF: u16 = 25;
pub const IFLA_AF_SPEC: u16 = 26;
pub const IFLA_GROUP: u16 = 27;
pub const IFLA_NET_NS_FD: u16 = 28;
pub const IFLA_EXT_MASK: u16 = 29;
pub const IFLA_PROMISCUITY: u16 = 30;
pub const IFLA_NUM_TX_QUEUES: u16 = 31;
pub const IFLA_NUM_RX_QUEUES: u16 = 32;
pub const IFLA_CARRIER: u16 = 33;
pub const IFLA_PHYS_PORT_ID: u16 = 34;
pub const IFLA_CARRIER_CHANGES: u16 = 35;
pub const IFLA_PHYS_SWITCH_ID: u16 = 36;
pub const IFLA_LINK_NETNSID: u16 = 37;
pub const IFLA_PHYS_PORT_NAME: u16 = 38;
pub const IFLA_PROTO_DOWN: u16 = 39;
pub const IFLA_GSO_MAX_SEGS: u16 = 40;
pub const IFLA_GSO_MAX_SIZE: u16 = 41;
pub const IFLA_PAD: u16 = 42;
pub const IFLA_XDP: u16 = 43;
pub const IFLA_EVENT: u16 = 44;
pub const IFLA_NEW_NETNSID: u16 = 45;
pub const IFLA_TARGET_NETNSID: u16 = 46;
pub const IFLA_IF_NETNSID: u16 = IFLA_TARGET_NETNSID;
pub const IFLA_CARRIER_UP_COUNT: u16 = 47;
pub const IFLA_CARRIER_DOWN_COUNT: u16 = 48;
pub const IFLA_NEW_IFINDEX: u16 = 49;
pub const IFLA_MIN_MTU: u16 = 50;
pub const IFLA_MAX_MTU: u16 = 51;
pub const IFLA_PROP_LIST: u16 = 52;
pub const IFLA_ALT_IFNAME: u16 = 53;
pub const IFLA_PERM_ADDRESS: u16 = 54;
pub const IFLA_PROTO_DOWN_REASON: u16 = 55;
pub const IFLA_PARENT_DEV_NAME: u16 = 56;
pub const IFLA_PARENT_DEV_BUS_NAME: u16 = 57;
pub const IFLA_GRO_MAX_SIZE: u16 = 58;
pub const IFLA_TSO_MAX_SIZE: u16 = 59;
pub const IFLA_TSO_MAX_SEGS: u16 = 60;
pub const IFLA_ALLMULTI: u16 = 61;
pub const IFLA_DEVLINK_PORT: u16 = 62;
pub const IFLA_GSO_IPV4_MAX_SIZE: u16 = 63;
pub const IFLA_GRO_IPV4_MAX_SIZE: u16 = 64;
pub const IFLA_DPLL_PIN: u16 = 65;
pub const IFLA_MAX_PACING_OFFLOAD_HORIZON: u16 = 66;
pub const IFLA_NETNS_IMMUTABLE: u16 = 67;
pub const IFLA_HEADROOM: u16 = 68;
pub const IFLA_TAILROOM: u16 = 69;
pub const IFLA_MAX: u16 = 69;

/// The `IFLA_*` name of a link attribute, for decoders.
pub fn ifla_name(ty: u16) -> Option<&'static str> {
    const NAMES: [&str; 70] = [
        "IFLA_UNSPEC",
        "IFLA_ADDRESS",
        "IFLA_BROADCAST",
        "IFLA_IFNAME",
        "IFLA_MTU",
        "IFLA_LINK",
        "IFLA_QDISC",
        "IFLA_STATS",
        "IFLA_COST",
        "IFLA_PRIORITY",
        "IFLA_MASTER",
        "IFLA_WIRELESS",
        "IFLA_PROTINFO",
        "IFLA_TXQLEN",
        "IFLA_MAP",
        "IFLA_WEIGHT",
        "IFLA_OPERSTATE",
        "IFLA_LINKMODE",
        "IFLA_LINKINFO",
        "IFLA_NET_NS_PID",
        "IFLA_IFALIAS",
        "IFLA_NUM_VF",
        "IFLA_VFINFO_LIST",
        "IFLA_STATS64",
        "IFLA_VF_PORTS",
        "IFLA_PORT_SELF",
        "IFLA_AF_SPEC",
        "IFLA_GROUP",
        "IFLA_NET_NS_FD",
        "IFLA_EXT_MASK",
        "IFLA_PROMISCUITY",
        "IFLA_NUM_TX_QUEUES",
        "IFLA_NUM_RX_QUEUES",
        "IFLA_CARRIER",
        "IFLA_PHYS_PORT_ID",
        "IFLA_CARRIER_CHANGES",
        "IFLA_PHYS_SWITCH_ID",
        "IFLA_LINK_NETNSID",
        "IFLA_PHYS_PORT_NAME",
        "IFLA_PROTO_DOWN",
        "IFLA_GSO_MAX_SEGS",
        "IFLA_GSO_MAX_SIZE",
        "IFLA_PAD",
        "IFLA_XDP",
        "IFLA_EVENT",
        "IFLA_NEW_NETNSID",
        "IFLA_TARGET_NETNSID",
        "IFLA_CARRIER_UP_COUNT",
        "IFLA_CARRIER_DOWN_COUNT",
        "IFLA_NEW_IFINDEX",
        "IFLA_MIN_MTU",
        "IFLA_MAX_MTU",
        "IFLA_PROP_LIST",
        "IFLA_ALT_IFNAME",
        "IFLA_PERM_ADDRESS",
        "IFLA_PROTO_DOWN_REASON",
        "IFLA_PARENT_DEV_NAME",
        "IFLA_PARENT_DEV_BUS_NAME",
        "IFLA_GRO_MAX_SIZE",
        "IFLA_TSO_MAX_SIZE",
        "IFLA_TSO_MAX_SEGS",
        "IFLA_ALLMULTI",
        "IFLA_DEVLINK_PORT",
        "IFLA_GSO_IPV4_MAX_SIZE",
        "IFLA_GRO_IPV4_MAX_SIZE",
        "IFLA_DPLL_PIN",
        "IFLA_MAX_PACING_OFFLOAD_HORIZON",
        "IFLA_NETNS_IMMUTABLE",
        "IFLA_HEADROOM",
        "IFLA_TAILROOM",
    ];
    NAMES.get(ty as usize).copied()
}

// IFLA_LINKINFO
pub const IFLA_INFO_UNSPEC: u16 = 0;
pub const IFLA_INFO_KIND: u16 = 1;
pub const IFLA_INFO_DATA: u16 = 2;
pub const IFLA_INFO_XSTATS: u16 = 3;
pub const IFLA_INFO_SLAVE_KIND: u16 = 4;
pub const IFLA_INFO_SLAVE_DATA: u16 = 5;

// IFLA_AF_SPEC / AF_INET
pub const IFLA_INET_UNSPEC: u16 = 0;
pub const IFLA_INET_CONF: u16 = 1;

// IFLA_AF_SPEC / AF_INET6
pub const IFLA_INET6_UNSPEC: u16 = 0;
pub const IFLA_INET6_FLAGS: u16 = 1;
pub const IFLA_INET6_CONF: u16 = 2;
pub const IFLA_INET6_STATS: u16 = 3;
pub const IFLA_INET6_MCAST: u16 = 4;
pub const IFLA_INET6_CACHEINFO: u16 = 5;
pub const IFLA_INET6_ICMP6STATS: u16 = 6;
pub const IFLA_INET6_TOKEN: u16 = 7;
pub const IFLA_INET6_ADDR_GEN_MODE: u16 = 8;
pub const IFLA_INET6_RA_MTU: u16 = 9;

pub const IN6_ADDR_GEN_MODE_EUI64: u8 = 0;
pub const IN6_ADDR_GEN_MODE_NONE: u8 = 1;
pub const IN6_ADDR_GEN_MODE_STABLE_PRIVACY: u8 = 2;
pub const IN6_ADDR_GEN_MODE_RANDOM: u8 = 3;

// IFLA_XDP
pub const IFLA_XDP_UNSPEC: u16 = 0;
pub const IFLA_XDP_FD: u16 = 1;
pub const IFLA_XDP_ATTACHED: u16 = 2;
pub const IFLA_XDP_FLAGS: u16 = 3;
pub const IFLA_XDP_PROG_ID: u16 = 4;
pub const XDP_ATTACHED_NONE: u8 = 0;

// veth: IFLA_INFO_DATA
pub const VETH_INFO_UNSPEC: u16 = 0;
pub const VETH_INFO_PEER: u16 = 1;

// RFC 2863 operational status (IFLA_OPERSTATE)
pub const IF_OPER_UNKNOWN: u8 = 0;
pub const IF_OPER_NOTPRESENT: u8 = 1;
pub const IF_OPER_DOWN: u8 = 2;
pub const IF_OPER_LOWERLAYERDOWN: u8 = 3;
pub const IF_OPER_TESTING: u8 = 4;
pub const IF_OPER_DORMANT: u8 = 5;
pub const IF_OPER_UP: u8 = 6;

// IFLA_LINKMODE
pub const IF_LINK_MODE_DEFAULT: u8 = 0;
pub const IF_LINK_MODE_DORMANT: u8 = 1;
pub const IF_LINK_MODE_TESTING: u8 = 2;

// IFLA_EVENT
pub const IFLA_EVENT_NONE: u32 = 0;
pub const IFLA_EVENT_REBOOT: u32 = 1;
pub const IFLA_EVENT_FEATURES: u32 = 2;
pub const IFLA_EVENT_BONDING_FAILOVER: u32 = 3;
pub const IFLA_EVENT_NOTIFY_PEERS: u32 = 4;
pub const IFLA_EVENT_IGMP_RESEND: u32 = 5;
pub const IFLA_EVENT_BONDING_OPTIONS: u32 = 6;
