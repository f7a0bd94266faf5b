//! Multicast snooping settings: the option setters of
//! net/bridge/br_multicast.c that `br_changelink` and `br_setport` call.
//!
//! Only the settings are modelled (what IFLA_BR_MCAST_* and
//! IFLA_BRPORT_MULTICAST_ROUTER / MCAST_* report back); no IGMP or MLD
//! packet is ever seen, so group counts stay at zero and no querier runs.
//! The values accepted, refused and adjusted are Linux 6.18's
//! (probes/observed/p_bridge_opts.txt).

use nlwire::uapi::if_bridge::*;

use super::br_private::*;
use crate::Errno;
use nlwire::policy::ExtAck;

/// `br_multicast_set_router`: the bridge takes disabled, "learn from
/// queries" or permanent; the temporary type is for ports only.
pub fn br_multicast_set_router(br: &mut NetBridge, val: u8) -> Result<(), Errno> {
    match val {
        MDB_RTR_TYPE_DISABLED | MDB_RTR_TYPE_PERM | MDB_RTR_TYPE_TEMP_QUERY => {
            br.multicast_ctx.multicast_router = val;
            Ok(())
        }
        _ => Err(Errno::EINVAL),
    }
}

/// `br_multicast_set_port_router`.
pub fn br_multicast_set_port_router(p: &mut NetBridgePort, val: u8) -> Result<(), Errno> {
    match val {
        MDB_RTR_TYPE_DISABLED | MDB_RTR_TYPE_TEMP_QUERY | MDB_RTR_TYPE_PERM | MDB_RTR_TYPE_TEMP => {
            p.multicast_router = val;
            Ok(())
        }
        _ => Err(Errno::EINVAL),
    }
}

/// `br_multicast_toggle`: snooping on or off.
pub fn br_multicast_toggle(br: &mut NetBridge, val: u8, _extack: &mut ExtAck) -> Result<(), Errno> {
    br_opt_toggle(br, BROPT_MULTICAST_ENABLED, val != 0);
    Ok(())
}

/// `br_multicast_set_querier`: any non-zero value is 1.
pub fn br_multicast_set_querier(br: &mut NetBridge, val: u8) {
    br.multicast_ctx.multicast_querier = (val != 0) as u8;
}

/// `br_multicast_set_igmp_version`: 2 or 3.
pub fn br_multicast_set_igmp_version(br: &mut NetBridge, val: u8) -> Result<(), Errno> {
    if !matches!(val, 2 | 3) {
        return Err(Errno::EINVAL);
    }
    br.multicast_ctx.multicast_igmp_version = val;
    Ok(())
}

/// `br_multicast_set_mld_version`: 1 or 2.
pub fn br_multicast_set_mld_version(br: &mut NetBridge, val: u8) -> Result<(), Errno> {
    if !matches!(val, 1 | 2) {
        return Err(Errno::EINVAL);
    }
    br.multicast_ctx.multicast_mld_version = val;
    Ok(())
}

/// `br_multicast_set_query_intvl`: clamped to [1 s, 1 day] (Linux logs, not fails).
pub fn br_multicast_set_query_intvl(br: &mut NetBridge, val: u64) {
    let t = clock_t_to_jiffies(val).clamp(BR_MULTICAST_QUERY_INTVL_MIN, BR_MULTICAST_QUERY_INTVL_MAX);
    br.multicast_ctx.multicast_query_interval = t;
}

/// `br_multicast_set_startup_query_intvl`: clamped like the query interval.
pub fn br_multicast_set_startup_query_intvl(br: &mut NetBridge, val: u64) {
    let t = clock_t_to_jiffies(val).clamp(BR_MULTICAST_STARTUP_QUERY_INTVL_MIN, BR_MULTICAST_STARTUP_QUERY_INTVL_MAX);
    br.multicast_ctx.multicast_startup_query_interval = t;
}

/// `br_multicast_eht_set_hosts_limit`: zero is refused.
pub fn br_multicast_eht_set_hosts_limit(p: &mut NetBridgePort, limit: u32) -> Result<(), Errno> {
    if limit == 0 {
        return Err(Errno::EINVAL);
    }
    p.multicast_eht_hosts_limit = limit;
    Ok(())
}

/// `br_multicast_toggle_vlan_snooping`: needs VLAN filtering, which the
/// probed kernel does not have.
pub fn br_multicast_toggle_vlan_snooping(br: &mut NetBridge, on: bool, extack: &mut ExtAck) -> Result<(), Errno> {
    if br_opt_get(br, BROPT_MCAST_VLAN_SNOOPING_ENABLED) == on {
        return Ok(());
    }
    if on && !br_opt_get(br, BROPT_VLAN_ENABLED) {
        extack.set_msg("bridge: Cannot enable multicast vlan snooping with vlan filtering disabled");
        return Err(Errno::EINVAL);
    }
    br_opt_toggle(br, BROPT_MCAST_VLAN_SNOOPING_ENABLED, on);
    Ok(())
}

/// `br_multicast_querier_state_size`: room for IFLA_BR_MCAST_QUERIER_STATE
/// (never filled: no querier is ever heard).
pub fn br_multicast_querier_state_size() -> usize {
    use nlwire::nlattr::nla_total_size;
    nla_total_size(0)
        + nla_total_size(4)
        + nla_total_size(4)
        + nla_total_size(8)
        + nla_total_size(16)
        + nla_total_size(4)
        + nla_total_size(8)
}
