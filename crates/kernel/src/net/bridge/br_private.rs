//! The bridge's private state: net/bridge/br_private.h (and the parts of
//! br_private_stp.h and include/linux/if_bridge.h it needs).
//!
//! `struct net_bridge` is the bridge device's `netdev_priv`; here it sits in
//! an `Arc<Mutex<..>>` so that a port (which only knows its master's
//! ifindex) and the bridge device reach the same state. The mutex plays
//! `br->lock`: functions the kernel documents as "called under bridge lock"
//! take `&mut NetBridge`, and nothing that could come back into the bridge
//! (a netdevice notifier, an RTM_NEWLINK of a port) is ever called while it
//! is held.
//!
//! Time: the kernel keeps bridge times in jiffies and reports them in
//! `clock_t` (USER_HZ). The probed kernel runs at HZ=250
//! (probes/observed/p_bridge_opts.txt: a startup query interval of
//! 125*HZ/4 jiffies reads 3124, MEMBERSHIP_INTVL 333 reads back 332), so the
//! conversions below are HZ=250's, rounding included. The simulator has no
//! clock: a timer holds the delay it was armed with and never fires (see
//! docs/divergences.md).

use std::sync::{Arc, Weak};

use parking_lot::Mutex;

use crate::net::core::dev::{change::netdev_master_upper_dev_get, NetDevice, IFF_BRIDGE_PORT, IFF_EBRIDGE};
use nlwire::uapi::if_bridge::*;

// --------------------------------------------------------------------------
// Time (include/linux/jiffies.h, kernel/time/time.c) at HZ=250
// --------------------------------------------------------------------------

/// `HZ` of the probed kernel.
pub const HZ: u64 = 250;
/// `USER_HZ`: clock_t ticks per second.
pub const USER_HZ: u64 = 100;
/// `TICK_NSEC` at HZ=250.
const TICK_NSEC: u128 = 4_000_000;

/// `clock_t_to_jiffies` (HZ % USER_HZ != 0: `div_u64(x * HZ, USER_HZ)`).
pub fn clock_t_to_jiffies(x: u64) -> u64 {
    if x >= u64::MAX / HZ * USER_HZ {
        return u64::MAX;
    }
    ((x as u128 * HZ as u128) / USER_HZ as u128) as u64
}

/// `jiffies_to_clock_t` (TICK_NSEC is not a multiple of 10 ms at HZ=250).
pub fn jiffies_to_clock_t(x: u64) -> u64 {
    ((x as u128 * TICK_NSEC) / (1_000_000_000 / USER_HZ as u128)) as u64
}

/// `msecs_to_jiffies` (HZ divides 1000: rounds up).
pub const fn msecs_to_jiffies(m: u64) -> u64 {
    let per = 1000 / HZ;
    m.div_ceil(per)
}

/// A kernel timer on a clock that does not run: armed with a delay, it
/// reports that delay until deleted (`br_timer_value` of a pending timer).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BrTimer {
    /// Jiffies left when it was armed; `None` when not pending.
    pub expires: Option<u64>,
}

impl BrTimer {
    /// `mod_timer(timer, jiffies + delay)`.
    pub fn arm(&mut self, delay: u64) {
        self.expires = Some(delay);
    }
    /// `timer_delete`.
    pub fn del(&mut self) {
        self.expires = None;
    }
    /// `timer_pending`.
    pub fn pending(&self) -> bool {
        self.expires.is_some()
    }
    /// `br_timer_value`: what is left, in clock_t.
    pub fn value(&self) -> u64 {
        self.expires.map_or(0, jiffies_to_clock_t)
    }
}

// --------------------------------------------------------------------------
// Constants (br_private.h, br_private_stp.h, include/linux/if_bridge.h)
// --------------------------------------------------------------------------

/// `BR_PORT_BITS`.
pub const BR_PORT_BITS: u32 = 10;
/// `BR_MAX_PORTS`.
pub const BR_MAX_PORTS: usize = 1 << BR_PORT_BITS;
/// `BR_MAX_PORT_PRIORITY`.
pub const BR_MAX_PORT_PRIORITY: u64 = 0xffff >> BR_PORT_BITS;
/// `BR_MIN_PATH_COST` / `BR_MAX_PATH_COST`.
pub const BR_MIN_PATH_COST: u64 = 1;
pub const BR_MAX_PATH_COST: u64 = 65535;
/// `BR_HOLD_TIME`.
pub const BR_HOLD_TIME: u64 = HZ;
/// `BR_MIN_HELLO_TIME` .. `BR_MAX_AGE` limits (br_private_stp.h).
pub const BR_MIN_HELLO_TIME: u64 = HZ;
pub const BR_MAX_HELLO_TIME: u64 = 10 * HZ;
pub const BR_MIN_FORWARD_DELAY: u64 = 2 * HZ;
pub const BR_MAX_FORWARD_DELAY: u64 = 30 * HZ;
pub const BR_MIN_MAX_AGE: u64 = 6 * HZ;
pub const BR_MAX_MAX_AGE: u64 = 40 * HZ;
/// `BR_DEFAULT_AGEING_TIME`.
pub const BR_DEFAULT_AGEING_TIME: u64 = 300 * HZ;

// enum stp_enabled values (br->stp_enabled)
pub const BR_NO_STP: u32 = 0;
pub const BR_KERNEL_STP: u32 = 1;
pub const BR_USER_STP: u32 = 2;

// Group forwarding (br_private.h)
pub const BR_GROUPFWD_DEFAULT: u16 = 0;
pub const BR_GROUPFWD_STP: u16 = 1 << 0;
pub const BR_GROUPFWD_MACPAUSE: u16 = 1 << 1;
pub const BR_GROUPFWD_LACP: u16 = 1 << 2;
/// `BR_GROUPFWD_RESTRICTED`: STP, MAC PAUSE and LACP never forward.
pub const BR_GROUPFWD_RESTRICTED: u16 = BR_GROUPFWD_STP | BR_GROUPFWD_MACPAUSE | BR_GROUPFWD_LACP;

/// `eth_stp_addr`: the default group address.
pub const ETH_STP_ADDR: [u8; 6] = [0x01, 0x80, 0xc2, 0x00, 0x00, 0x00];

// Port flags (include/linux/if_bridge.h, `p->flags`)
pub const BR_HAIRPIN_MODE: u64 = 1 << 0;
pub const BR_BPDU_GUARD: u64 = 1 << 1;
pub const BR_ROOT_BLOCK: u64 = 1 << 2;
pub const BR_MULTICAST_FAST_LEAVE: u64 = 1 << 3;
pub const BR_ADMIN_COST: u64 = 1 << 4;
pub const BR_LEARNING: u64 = 1 << 5;
pub const BR_FLOOD: u64 = 1 << 6;
/// `BR_AUTO_MASK`: ports that learn or flood are "auto" ports.
pub const BR_AUTO_MASK: u64 = BR_FLOOD | BR_LEARNING;
pub const BR_PROMISC: u64 = 1 << 7;
pub const BR_PROXYARP: u64 = 1 << 8;
pub const BR_LEARNING_SYNC: u64 = 1 << 9;
pub const BR_PROXYARP_WIFI: u64 = 1 << 10;
pub const BR_MCAST_FLOOD: u64 = 1 << 11;
pub const BR_MULTICAST_TO_UNICAST: u64 = 1 << 12;
pub const BR_VLAN_TUNNEL: u64 = 1 << 13;
pub const BR_BCAST_FLOOD: u64 = 1 << 14;
pub const BR_NEIGH_SUPPRESS: u64 = 1 << 15;
pub const BR_ISOLATED: u64 = 1 << 16;
pub const BR_MRP_AWARE: u64 = 1 << 17;
pub const BR_MRP_LOST_CONT: u64 = 1 << 18;
pub const BR_MRP_LOST_IN_CONT: u64 = 1 << 19;
pub const BR_TX_FWD_OFFLOAD: u64 = 1 << 20;
pub const BR_PORT_LOCKED: u64 = 1 << 21;
pub const BR_PORT_MAB: u64 = 1 << 22;
pub const BR_NEIGH_VLAN_SUPPRESS: u64 = 1 << 23;

// enum net_bridge_opts (`br->options`)
pub const BROPT_VLAN_ENABLED: u32 = 0;
pub const BROPT_VLAN_STATS_ENABLED: u32 = 1;
pub const BROPT_NF_CALL_IPTABLES: u32 = 2;
pub const BROPT_NF_CALL_IP6TABLES: u32 = 3;
pub const BROPT_NF_CALL_ARPTABLES: u32 = 4;
pub const BROPT_GROUP_ADDR_SET: u32 = 5;
pub const BROPT_MULTICAST_ENABLED: u32 = 6;
pub const BROPT_MULTICAST_QUERY_USE_IFADDR: u32 = 7;
pub const BROPT_MULTICAST_STATS_ENABLED: u32 = 8;
pub const BROPT_HAS_IPV6_ADDR: u32 = 9;
pub const BROPT_NEIGH_SUPPRESS_ENABLED: u32 = 10;
pub const BROPT_MTU_SET_BY_USER: u32 = 11;
pub const BROPT_VLAN_STATS_PER_PORT: u32 = 12;
pub const BROPT_NO_LL_LEARN: u32 = 13;
pub const BROPT_VLAN_BRIDGE_BINDING: u32 = 14;
pub const BROPT_MCAST_VLAN_SNOOPING_ENABLED: u32 = 15;
pub const BROPT_MST_ENABLED: u32 = 16;
pub const BROPT_MDB_OFFLOAD_FAIL_NOTIFICATION: u32 = 17;
pub const BROPT_FDB_LOCAL_VLAN_0: u32 = 18;

// Multicast defaults (br_multicast.c: br_multicast_ctx_init, br_multicast_init)
/// `BR_MULTICAST_DEFAULT_HASH_MAX`.
pub const BR_MULTICAST_DEFAULT_HASH_MAX: u32 = 4096;
/// `RHT_ELASTICITY`: what IFLA_BR_MCAST_HASH_ELASTICITY always reads.
pub const RHT_ELASTICITY: u32 = 16;
/// `BR_MULTICAST_QUERY_INTVL_MIN` / `_MAX`.
pub const BR_MULTICAST_QUERY_INTVL_MIN: u64 = msecs_to_jiffies(1000);
pub const BR_MULTICAST_QUERY_INTVL_MAX: u64 = msecs_to_jiffies(86_400_000);
/// `BR_MULTICAST_STARTUP_QUERY_INTVL_MIN` / `_MAX`.
pub const BR_MULTICAST_STARTUP_QUERY_INTVL_MIN: u64 = msecs_to_jiffies(1000);
pub const BR_MULTICAST_STARTUP_QUERY_INTVL_MAX: u64 = BR_MULTICAST_QUERY_INTVL_MAX;
/// `BR_MCAST_DEFAULT_EHT_HOSTS_LIMIT`.
pub const BR_MCAST_DEFAULT_EHT_HOSTS_LIMIT: u32 = 512;

// --------------------------------------------------------------------------
// Structures
// --------------------------------------------------------------------------

/// `struct bridge_id`: two priority bytes and a MAC address, compared as
/// eight bytes (`memcmp`), which is what the derived order does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct BridgeId {
    pub prio: [u8; 2],
    pub addr: [u8; 6],
}

impl BridgeId {
    /// `struct ifla_bridge_id` as it goes on the wire.
    pub fn bytes(&self) -> [u8; 8] {
        let mut b = [0u8; 8];
        b[..2].copy_from_slice(&self.prio);
        b[2..].copy_from_slice(&self.addr);
        b
    }
}

/// `struct net_bridge_mcast`: the bridge's multicast context (what rtnetlink reports).
#[derive(Debug, Clone)]
pub struct NetBridgeMcast {
    pub multicast_router: u8,
    pub multicast_querier: u8,
    pub multicast_last_member_count: u32,
    pub multicast_startup_query_count: u32,
    pub multicast_igmp_version: u8,
    pub multicast_mld_version: u8,
    /// Intervals, in jiffies.
    pub multicast_last_member_interval: u64,
    pub multicast_membership_interval: u64,
    pub multicast_querier_interval: u64,
    pub multicast_query_interval: u64,
    pub multicast_query_response_interval: u64,
    pub multicast_startup_query_interval: u64,
}

impl Default for NetBridgeMcast {
    /// `br_multicast_ctx_init` for the bridge.
    fn default() -> Self {
        NetBridgeMcast {
            multicast_router: MDB_RTR_TYPE_TEMP_QUERY,
            multicast_querier: 0,
            multicast_last_member_count: 2,
            multicast_startup_query_count: 2,
            multicast_igmp_version: 2,
            multicast_mld_version: 1,
            multicast_last_member_interval: HZ,
            multicast_membership_interval: 260 * HZ,
            multicast_querier_interval: 255 * HZ,
            multicast_query_interval: 125 * HZ,
            multicast_query_response_interval: 10 * HZ,
            multicast_startup_query_interval: 125 * HZ / 4,
        }
    }
}

/// `struct net_bridge_port`.
#[derive(Debug, Clone)]
pub struct NetBridgePort {
    /// `p->dev` (`netdev_hold`).
    pub dev: Arc<NetDevice>,
    pub port_no: u16,
    pub port_id: u16,
    pub priority: u16,
    pub path_cost: u32,
    pub state: u8,
    pub flags: u64,
    pub designated_root: BridgeId,
    pub designated_bridge: BridgeId,
    pub designated_cost: u32,
    pub designated_port: u16,
    pub topology_change_ack: u8,
    pub config_pending: u8,
    pub message_age_timer: BrTimer,
    pub forward_delay_timer: BrTimer,
    pub hold_timer: BrTimer,
    pub group_fwd_mask: u16,
    /// `p->backup_port`, by ifindex.
    pub backup_port: Option<i32>,
    pub backup_redirected_cnt: u32,
    pub backup_nhid: u32,
    /// `p->multicast_ctx.multicast_router`.
    pub multicast_router: u8,
    pub multicast_eht_hosts_limit: u32,
    pub multicast_eht_hosts_cnt: u32,
    /// `br_multicast_ngroups_get` / `_get_max`.
    pub mcast_n_groups: u32,
    pub mcast_max_groups: u32,
    /// Whether the port is on `br->port_list` yet (between `new_nbp` and
    /// `list_add_rcu` it exists, is found from its device, but is skipped
    /// by every walk of the list).
    pub listed: bool,
}

/// `struct net_bridge`.
#[derive(Debug)]
pub struct NetBridge {
    /// `br->dev`.
    pub dev: Weak<NetDevice>,
    /// `br->port_list`, in list order: `list_add_rcu` puts a new port first.
    pub port_list: Vec<NetBridgePort>,
    pub designated_root: BridgeId,
    pub bridge_id: BridgeId,
    pub root_path_cost: u32,
    pub root_port: u16,
    /// STP times in jiffies: the ones in use and the bridge's own.
    pub max_age: u64,
    pub hello_time: u64,
    pub forward_delay: u64,
    pub bridge_max_age: u64,
    pub bridge_hello_time: u64,
    pub bridge_forward_delay: u64,
    pub ageing_time: u64,
    pub bridge_ageing_time: u64,
    pub stp_enabled: u32,
    pub topology_change: u8,
    pub topology_change_detected: u8,
    pub hello_timer: BrTimer,
    pub tcn_timer: BrTimer,
    pub topology_change_timer: BrTimer,
    /// `br->gc_work` is scheduled (the bridge is up).
    pub gc_work_pending: bool,
    pub group_addr: [u8; 6],
    pub group_fwd_mask: u16,
    pub group_fwd_mask_required: u16,
    /// `br->options`: `BROPT_*` bits.
    pub options: u64,
    pub multicast_ctx: NetBridgeMcast,
    pub hash_max: u32,
    pub fdb_n_learned: u32,
    pub fdb_max_learned: u32,
    /// `br->auto_cnt`.
    pub auto_cnt: u32,
    /// The feature set last computed by `netdev_update_features`: the
    /// distinct kinds of the ports (see `br_features_recompute`).
    pub features: Vec<&'static str>,
}

impl Default for NetBridge {
    /// What `br_dev_setup` and `br_multicast_init` leave.
    fn default() -> Self {
        let bridge_id = BridgeId { prio: [0x80, 0x00], addr: [0; 6] };
        let mut br = NetBridge {
            dev: Weak::new(),
            port_list: Vec::new(),
            designated_root: bridge_id,
            bridge_id,
            root_path_cost: 0,
            root_port: 0,
            max_age: 20 * HZ,
            hello_time: 2 * HZ,
            forward_delay: 15 * HZ,
            bridge_max_age: 20 * HZ,
            bridge_hello_time: 2 * HZ,
            bridge_forward_delay: 15 * HZ,
            ageing_time: BR_DEFAULT_AGEING_TIME,
            bridge_ageing_time: BR_DEFAULT_AGEING_TIME,
            stp_enabled: BR_NO_STP,
            topology_change: 0,
            topology_change_detected: 0,
            hello_timer: BrTimer::default(),
            tcn_timer: BrTimer::default(),
            topology_change_timer: BrTimer::default(),
            gc_work_pending: false,
            group_addr: ETH_STP_ADDR,
            group_fwd_mask: BR_GROUPFWD_DEFAULT,
            group_fwd_mask_required: BR_GROUPFWD_DEFAULT,
            options: 0,
            multicast_ctx: NetBridgeMcast::default(),
            hash_max: BR_MULTICAST_DEFAULT_HASH_MAX,
            fdb_n_learned: 0,
            fdb_max_learned: 0,
            auto_cnt: 0,
            features: Vec::new(),
        };
        br_opt_toggle(&mut br, BROPT_MULTICAST_ENABLED, true);
        br
    }
}

/// The bridge device's `netdev_priv`.
pub type BrPriv = Arc<Mutex<NetBridge>>;

/// `br_opt_get`.
pub fn br_opt_get(br: &NetBridge, opt: u32) -> bool {
    br.options & (1 << opt) != 0
}

/// `br_opt_toggle`.
pub fn br_opt_toggle(br: &mut NetBridge, opt: u32, on: bool) {
    if on {
        br.options |= 1 << opt;
    } else {
        br.options &= !(1 << opt);
    }
}

impl NetBridge {
    /// The ports on `br->port_list`, in list order.
    pub fn ports(&self) -> impl Iterator<Item = &NetBridgePort> {
        self.port_list.iter().filter(|p| p.listed)
    }

    /// Indexes of the listed ports, in list order (for walks that change ports).
    pub fn port_indexes(&self) -> Vec<usize> {
        (0..self.port_list.len()).filter(|i| self.port_list[*i].listed).collect()
    }

    /// The index of `dev`'s port, listed or not.
    pub fn port_index(&self, dev: &NetDevice) -> Option<usize> {
        self.port_list.iter().position(|p| std::ptr::eq(Arc::as_ptr(&p.dev), dev))
    }

    /// `br->dev`.
    pub fn br_dev(&self) -> Option<Arc<NetDevice>> {
        self.dev.upgrade()
    }

    /// `br->dev->ifindex`.
    pub fn ifindex(&self) -> i32 {
        self.dev.upgrade().map_or(0, |d| d.ifindex())
    }
}

/// `netif_is_bridge_master`.
pub fn netif_is_bridge_master(dev: &NetDevice) -> bool {
    dev.st.lock().priv_flags & IFF_EBRIDGE != 0
}

/// `netif_is_bridge_port`.
pub fn netif_is_bridge_port(dev: &NetDevice) -> bool {
    dev.st.lock().priv_flags & IFF_BRIDGE_PORT != 0
}

/// `netdev_priv(br_dev)` of a bridge.
pub fn br_priv(dev: &NetDevice) -> Option<BrPriv> {
    if !netif_is_bridge_master(dev) {
        return None;
    }
    dev.with_priv(|p: &mut BrPriv| Arc::clone(p))
}

/// `br_port_get_rtnl`: the bridge a port device belongs to, or `None` if it
/// is no bridge port. Linux finds the port through `dev->rx_handler_data`;
/// here the bridge is reached through the port's master, which
/// `netdev_master_upper_dev_link` sets before any notifier can ask.
pub fn br_port_get_rtnl(dev: &NetDevice) -> Option<(Arc<NetDevice>, BrPriv)> {
    if !netif_is_bridge_port(dev) {
        return None;
    }
    let master = netdev_master_upper_dev_get(dev)?;
    let br = br_priv(&master)?;
    let found = br.lock().port_index(dev).is_some();
    found.then_some((master, br))
}

/// `br_is_root_bridge`.
pub fn br_is_root_bridge(br: &NetBridge) -> bool {
    br.designated_root == br.bridge_id
}

/// `br_is_designated_port`.
pub fn br_is_designated_port(br: &NetBridge, p: &NetBridgePort) -> bool {
    p.designated_bridge == br.bridge_id && p.designated_port == p.port_id
}

/// `br_promisc_port`.
pub fn br_promisc_port(p: &NetBridgePort) -> bool {
    p.flags & BR_PROMISC != 0
}

/// `br_auto_port`.
pub fn br_auto_port(p: &NetBridgePort) -> bool {
    p.flags & BR_AUTO_MASK != 0
}

/// `hold_time`: how long learned entries live (forward delay during a topology change).
pub fn hold_time(br: &NetBridge) -> u64 {
    if br.topology_change != 0 {
        br.forward_delay
    } else {
        br.ageing_time
    }
}

/// `br_vlan_enabled`: VLAN filtering is not in the probed kernel
/// (CONFIG_BRIDGE_VLAN_FILTERING off: no IFLA_BR_VLAN_* attributes, and
/// IFLA_BR_VLAN_FILTERING is EOPNOTSUPP).
pub fn br_vlan_enabled(_br: &NetBridge) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The HZ=250 round trips the probes show (p_bridge_opts: 1001 → 1000,
    /// 333 → 332, 5 → 4; p_link_fill: startup query interval 3124).
    #[test]
    fn clock_t_round_trips_are_hz_250s() {
        let rt = |x| jiffies_to_clock_t(clock_t_to_jiffies(x));
        assert_eq!((rt(1001), rt(333), rt(5), rt(1500), rt(1)), (1000, 332, 4, 1500, 0));
        assert_eq!(jiffies_to_clock_t(125 * HZ / 4), 3124);
        assert_eq!(jiffies_to_clock_t(BR_MULTICAST_QUERY_INTVL_MAX), 8_640_000);
        assert_eq!(jiffies_to_clock_t(BR_DEFAULT_AGEING_TIME), 30000);
    }

    /// `memcmp` order of bridge ids: priority first, then the address.
    #[test]
    fn bridge_ids_compare_like_memcmp() {
        let a = BridgeId { prio: [0x80, 0], addr: [2, 0, 0, 0, 0, 0x20] };
        let b = BridgeId { prio: [0x80, 0], addr: [2, 0, 0, 0, 0, 0x10] };
        let c = BridgeId { prio: [0x10, 0], addr: [0xff; 6] };
        assert!(b < a && c < b);
        assert_eq!(a.bytes(), [0x80, 0, 2, 0, 0, 0, 0, 0x20]);
    }
}
