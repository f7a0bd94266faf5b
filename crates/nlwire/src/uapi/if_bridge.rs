//! The bridge's uapi: include/uapi/linux/if_bridge.h (port states,
//! `IFLA_AF_SPEC` of family AF_BRIDGE, boolean options, multicast router
//! types, VLAN info flags) and, from include/uapi/linux/if_link.h, the
//! bridge's `IFLA_BR_*` (IFLA_INFO_DATA) and `IFLA_BRPORT_*` (IFLA_PROTINFO,
//! IFLA_INFO_SLAVE_DATA) attributes. Those are kept here rather than in
//! [`super::if_link`] so that clients with their own copies can glob-import
//! both modules.

// BRIDGE_FLAGS (IFLA_BRIDGE_FLAGS): which device a PF_BRIDGE request is for.
pub const BRIDGE_FLAGS_MASTER: u16 = 1;
pub const BRIDGE_FLAGS_SELF: u16 = 2;

// IFLA_BRIDGE_MODE
pub const BRIDGE_MODE_VEB: u16 = 0;
pub const BRIDGE_MODE_VEPA: u16 = 1;

// IFLA_AF_SPEC of family AF_BRIDGE
pub const IFLA_BRIDGE_FLAGS: u16 = 0;
pub const IFLA_BRIDGE_MODE: u16 = 1;
pub const IFLA_BRIDGE_VLAN_INFO: u16 = 2;
pub const IFLA_BRIDGE_VLAN_TUNNEL_INFO: u16 = 3;
pub const IFLA_BRIDGE_MRP: u16 = 4;
pub const IFLA_BRIDGE_CFM: u16 = 5;
pub const IFLA_BRIDGE_MST: u16 = 6;

// Spanning-tree port states (IFLA_BRPORT_STATE)
pub const BR_STATE_DISABLED: u8 = 0;
pub const BR_STATE_LISTENING: u8 = 1;
pub const BR_STATE_LEARNING: u8 = 2;
pub const BR_STATE_FORWARDING: u8 = 3;
pub const BR_STATE_BLOCKING: u8 = 4;

// Multicast router types (IFLA_BR_MCAST_ROUTER, IFLA_BRPORT_MULTICAST_ROUTER)
pub const MDB_RTR_TYPE_DISABLED: u8 = 0;
pub const MDB_RTR_TYPE_TEMP_QUERY: u8 = 1;
pub const MDB_RTR_TYPE_PERM: u8 = 2;
pub const MDB_RTR_TYPE_TEMP: u8 = 3;

// enum br_boolopt_id: the bits of `struct br_boolopt_multi` (IFLA_BR_MULTI_BOOLOPT).
pub const BR_BOOLOPT_NO_LL_LEARN: u32 = 0;
pub const BR_BOOLOPT_MCAST_VLAN_SNOOPING: u32 = 1;
pub const BR_BOOLOPT_MST_ENABLE: u32 = 2;
pub const BR_BOOLOPT_MDB_OFFLOAD_FAIL_NOTIFICATION: u32 = 3;
pub const BR_BOOLOPT_FDB_LOCAL_VLAN_0: u32 = 4;
/// `BR_BOOLOPT_MAX`: Linux 6.18 reports `optmask` 0x1f (probes/LINKS.md).
pub const BR_BOOLOPT_MAX: u32 = 5;

// BRIDGE_VLAN_INFO_* (struct bridge_vlan_info flags)
pub const BRIDGE_VLAN_INFO_MASTER: u16 = 1 << 0;
pub const BRIDGE_VLAN_INFO_PVID: u16 = 1 << 1;
pub const BRIDGE_VLAN_INFO_UNTAGGED: u16 = 1 << 2;
pub const BRIDGE_VLAN_INFO_RANGE_BEGIN: u16 = 1 << 3;
pub const BRIDGE_VLAN_INFO_RANGE_END: u16 = 1 << 4;

// bridge: IFLA_INFO_DATA (enum in include/uapi/linux/if_link.h)
pub const IFLA_BR_UNSPEC: u16 = 0;
pub const IFLA_BR_FORWARD_DELAY: u16 = 1;
pub const IFLA_BR_HELLO_TIME: u16 = 2;
pub const IFLA_BR_MAX_AGE: u16 = 3;
pub const IFLA_BR_AGEING_TIME: u16 = 4;
pub const IFLA_BR_STP_STATE: u16 = 5;
pub const IFLA_BR_PRIORITY: u16 = 6;
pub const IFLA_BR_VLAN_FILTERING: u16 = 7;
pub const IFLA_BR_VLAN_PROTOCOL: u16 = 8;
pub const IFLA_BR_GROUP_FWD_MASK: u16 = 9;
pub const IFLA_BR_ROOT_ID: u16 = 10;
pub const IFLA_BR_BRIDGE_ID: u16 = 11;
pub const IFLA_BR_ROOT_PORT: u16 = 12;
pub const IFLA_BR_ROOT_PATH_COST: u16 = 13;
pub const IFLA_BR_TOPOLOGY_CHANGE: u16 = 14;
pub const IFLA_BR_TOPOLOGY_CHANGE_DETECTED: u16 = 15;
pub const IFLA_BR_HELLO_TIMER: u16 = 16;
pub const IFLA_BR_TCN_TIMER: u16 = 17;
pub const IFLA_BR_TOPOLOGY_CHANGE_TIMER: u16 = 18;
pub const IFLA_BR_GC_TIMER: u16 = 19;
pub const IFLA_BR_GROUP_ADDR: u16 = 20;
pub const IFLA_BR_FDB_FLUSH: u16 = 21;
pub const IFLA_BR_MCAST_ROUTER: u16 = 22;
pub const IFLA_BR_MCAST_SNOOPING: u16 = 23;
pub const IFLA_BR_MCAST_QUERY_USE_IFADDR: u16 = 24;
pub const IFLA_BR_MCAST_QUERIER: u16 = 25;
pub const IFLA_BR_MCAST_HASH_ELASTICITY: u16 = 26;
pub const IFLA_BR_MCAST_HASH_MAX: u16 = 27;
pub const IFLA_BR_MCAST_LAST_MEMBER_CNT: u16 = 28;
pub const IFLA_BR_MCAST_STARTUP_QUERY_CNT: u16 = 29;
pub const IFLA_BR_MCAST_LAST_MEMBER_INTVL: u16 = 30;
pub const IFLA_BR_MCAST_MEMBERSHIP_INTVL: u16 = 31;
pub const IFLA_BR_MCAST_QUERIER_INTVL: u16 = 32;
pub const IFLA_BR_MCAST_QUERY_INTVL: u16 = 33;
pub const IFLA_BR_MCAST_QUERY_RESPONSE_INTVL: u16 = 34;
pub const IFLA_BR_MCAST_STARTUP_QUERY_INTVL: u16 = 35;
pub const IFLA_BR_NF_CALL_IPTABLES: u16 = 36;
pub const IFLA_BR_NF_CALL_IP6TABLES: u16 = 37;
pub const IFLA_BR_NF_CALL_ARPTABLES: u16 = 38;
pub const IFLA_BR_VLAN_DEFAULT_PVID: u16 = 39;
pub const IFLA_BR_PAD: u16 = 40;
pub const IFLA_BR_VLAN_STATS_ENABLED: u16 = 41;
pub const IFLA_BR_MCAST_STATS_ENABLED: u16 = 42;
pub const IFLA_BR_MCAST_IGMP_VERSION: u16 = 43;
pub const IFLA_BR_MCAST_MLD_VERSION: u16 = 44;
pub const IFLA_BR_VLAN_STATS_PER_PORT: u16 = 45;
pub const IFLA_BR_MULTI_BOOLOPT: u16 = 46;
pub const IFLA_BR_MCAST_QUERIER_STATE: u16 = 47;
pub const IFLA_BR_FDB_N_LEARNED: u16 = 48;
pub const IFLA_BR_FDB_MAX_LEARNED: u16 = 49;
pub const IFLA_BR_MAX: u16 = 49;

// bridge port: IFLA_PROTINFO and IFLA_INFO_SLAVE_DATA
pub const IFLA_BRPORT_UNSPEC: u16 = 0;
pub const IFLA_BRPORT_STATE: u16 = 1;
pub const IFLA_BRPORT_PRIORITY: u16 = 2;
pub const IFLA_BRPORT_COST: u16 = 3;
pub const IFLA_BRPORT_MODE: u16 = 4;
pub const IFLA_BRPORT_GUARD: u16 = 5;
pub const IFLA_BRPORT_PROTECT: u16 = 6;
pub const IFLA_BRPORT_FAST_LEAVE: u16 = 7;
pub const IFLA_BRPORT_LEARNING: u16 = 8;
pub const IFLA_BRPORT_UNICAST_FLOOD: u16 = 9;
pub const IFLA_BRPORT_PROXYARP: u16 = 10;
pub const IFLA_BRPORT_LEARNING_SYNC: u16 = 11;
pub const IFLA_BRPORT_PROXYARP_WIFI: u16 = 12;
pub const IFLA_BRPORT_ROOT_ID: u16 = 13;
pub const IFLA_BRPORT_BRIDGE_ID: u16 = 14;
pub const IFLA_BRPORT_DESIGNATED_PORT: u16 = 15;
pub const IFLA_BRPORT_DESIGNATED_COST: u16 = 16;
pub const IFLA_BRPORT_ID: u16 = 17;
pub const IFLA_BRPORT_NO: u16 = 18;
pub const IFLA_BRPORT_TOPOLOGY_CHANGE_ACK: u16 = 19;
pub const IFLA_BRPORT_CONFIG_PENDING: u16 = 20;
pub const IFLA_BRPORT_MESSAGE_AGE_TIMER: u16 = 21;
pub const IFLA_BRPORT_FORWARD_DELAY_TIMER: u16 = 22;
pub const IFLA_BRPORT_HOLD_TIMER: u16 = 23;
pub const IFLA_BRPORT_FLUSH: u16 = 24;
pub const IFLA_BRPORT_MULTICAST_ROUTER: u16 = 25;
pub const IFLA_BRPORT_PAD: u16 = 26;
pub const IFLA_BRPORT_MCAST_FLOOD: u16 = 27;
pub const IFLA_BRPORT_MCAST_TO_UCAST: u16 = 28;
pub const IFLA_BRPORT_VLAN_TUNNEL: u16 = 29;
pub const IFLA_BRPORT_BCAST_FLOOD: u16 = 30;
pub const IFLA_BRPORT_GROUP_FWD_MASK: u16 = 31;
pub const IFLA_BRPORT_NEIGH_SUPPRESS: u16 = 32;
pub const IFLA_BRPORT_ISOLATED: u16 = 33;
pub const IFLA_BRPORT_BACKUP_PORT: u16 = 34;
pub const IFLA_BRPORT_MRP_RING_OPEN: u16 = 35;
pub const IFLA_BRPORT_MRP_IN_OPEN: u16 = 36;
pub const IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT: u16 = 37;
pub const IFLA_BRPORT_MCAST_EHT_HOSTS_CNT: u16 = 38;
pub const IFLA_BRPORT_LOCKED: u16 = 39;
pub const IFLA_BRPORT_MAB: u16 = 40;
pub const IFLA_BRPORT_MCAST_N_GROUPS: u16 = 41;
pub const IFLA_BRPORT_MCAST_MAX_GROUPS: u16 = 42;
pub const IFLA_BRPORT_NEIGH_VLAN_SUPPRESS: u16 = 43;
pub const IFLA_BRPORT_BACKUP_NHID: u16 = 44;
pub const IFLA_BRPORT_MAX: u16 = 44;
