//! `type bridge`: iproute2's ip/iplink_bridge.c (options and `-d` details)
//! and ip/iplink_bridge_slave.c (the `-d` details of a bridge port).

use nlwire::Nla;

use super::error::{incomplete_command, invarg, unmodelled, Exit};
use super::iplink::IplinkReq;
use super::json_print::fmt_0xhex;
use super::json_print::Kind::{Any, Fp};
use super::libnetlink::Flow;
use super::uapi::*;
use super::utils::{ether_ntoa, ll_addr_n2a, matches};
use super::Ip;

/// `strtoul(arg, …, 0)` bounded to `max`: `get_u32`, `get_u16`, `get_u8`.
fn get_uint(arg: &str, max: u64) -> Option<u64> {
    let v = super::utils::get_unsigned(arg).map(u64::from)?;
    (v <= max).then_some(v)
}

/// `br_dump_bridge_id`: priority bytes in hex, a dot, the MAC as `ether_ntoa`.
fn bridge_id(a: &Nla<&[u8]>) -> String {
    let b = a.payload_ref();
    if b.len() < 8 {
        return String::new();
    }
    format!("{:02x}{:02x}.{}", b[0], b[1], ether_ntoa(&b[2..8]))
}

/// `__jiffies_to_tv`: clock ticks (USER_HZ 100) as `seconds.hundredths`.
fn timer_parts(a: &Nla<&[u8]>) -> (i64, i64) {
    let usec = 10000u64.wrapping_mul(a.get_u64());
    ((usec / 1_000_000) as i64, ((usec % 1_000_000) / 10000) as i64)
}

impl Ip<'_> {
    /// `bridge_parse_opt`, for the common options; 0 or a failure.
    pub(super) fn bridge_parse_opt(&mut self, args: &[String], req: &mut IplinkReq) -> Result<i32, Exit> {
        let mut i = 0;
        while i < args.len() {
            let w = args[i].as_str();
            // (key, attribute, width in bytes)
            const OPTS: [(&str, u16, u8); 9] = [
                ("forward_delay", IFLA_BR_FORWARD_DELAY, 4),
                ("hello_time", IFLA_BR_HELLO_TIME, 4),
                ("max_age", IFLA_BR_MAX_AGE, 4),
                ("ageing_time", IFLA_BR_AGEING_TIME, 4),
                ("stp_state", IFLA_BR_STP_STATE, 4),
                ("priority", IFLA_BR_PRIORITY, 2),
                ("vlan_filtering", IFLA_BR_VLAN_FILTERING, 1),
                ("group_fwd_mask", IFLA_BR_GROUP_FWD_MASK, 2),
                ("mcast_snooping", IFLA_BR_MCAST_SNOOPING, 1),
            ];
            if let Some((key, attr, width)) = OPTS.iter().copied().find(|(k, _, _)| matches(w, k)) {
                i += 1;
                let Some(a) = args.get(i) else { return Err(incomplete_command(&mut self.err)) };
                let max = match width {
                    4 => u32::MAX as u64,
                    2 => u16::MAX as u64,
                    _ => u8::MAX as u64,
                };
                let Some(v) = get_uint(a, max) else { return Err(invarg(&mut self.err, &format!("invalid {key}"), a)) };
                match width {
                    4 => req.put_u32(attr, v as u32),
                    2 => req.put_u16(attr, v as u16),
                    _ => req.put_u8(attr, v as u8),
                }
            } else if matches(w, "help") {
                self.err.push_str("Usage: ... bridge [ forward_delay FORWARD_DELAY ] …\n");
                return Ok(-1);
            } else if w.starts_with("mcast_") || w.starts_with("nf_call_") || w.starts_with("vlan_") || w.contains('_')
            {
                return Err(unmodelled(&mut self.err, &format!("bridge option \"{w}\"")));
            } else {
                self.err.push_str(&format!("bridge: unknown command \"{w}\"?\n"));
                return Ok(-1);
            }
            i += 1;
        }
        Ok(0)
    }

    /// `_bridge_print_timer` / `_print_timer`: `%4i.%.2i` in text, a bare
    /// number in JSON.
    fn bridge_print_timer(&mut self, attr: &str, a: &Nla<&[u8]>) {
        let (s, cs) = timer_parts(a);
        if self.out.is_json() {
            self.out.jsonw_name(attr);
            self.out.jsonw_printf(&format!("{s}.{cs:02}"));
        } else {
            self.out.fp(&format!("{attr} {s:>4}.{cs:02} "));
        }
    }

    /// `bridge_print_opt`.
    pub(super) fn bridge_print_opt(&mut self, tb: Option<&[Option<Nla<&[u8]>>]>) {
        let Some(tb) = tb else { return };
        let t = |a: u16| tb.get(a as usize).copied().flatten();
        let p = &mut self.out;
        let u = |p: &mut super::json_print::Printer, a: Option<Nla<&[u8]>>, key: &str, label: &str, width: u8| {
            if let Some(a) = a {
                let v = match width {
                    1 => a.get_u8() as u64,
                    2 => a.get_u16() as u64,
                    4 => a.get_u32() as u64,
                    _ => a.get_u64(),
                };
                p.print_uint(Any, Some(key), &format!("{label} {v} "), v);
            }
        };
        u(p, t(IFLA_BR_FORWARD_DELAY), "forward_delay", "forward_delay", 4);
        u(p, t(IFLA_BR_HELLO_TIME), "hello_time", "hello_time", 4);
        u(p, t(IFLA_BR_MAX_AGE), "max_age", "max_age", 4);
        u(p, t(IFLA_BR_AGEING_TIME), "ageing_time", "ageing_time", 4);
        u(p, t(IFLA_BR_STP_STATE), "stp_state", "stp_state", 4);
        u(p, t(IFLA_BR_PRIORITY), "priority", "priority", 2);
        u(p, t(IFLA_BR_VLAN_FILTERING), "vlan_filtering", "vlan_filtering", 1);
        if let Some(a) = t(IFLA_BR_VLAN_PROTOCOL) {
            // ll_proto_n2a: the names of the two protocols a bridge speaks.
            let proto = u16::from_be(a.get_u16());
            let s = match proto {
                0x8100 => "802.1Q".to_string(),
                0x88a8 => "802.1ad".to_string(),
                x => format!("0x{x:x}"),
            };
            p.print_string(Any, Some("vlan_protocol"), &format!("vlan_protocol {s} "), Some(&s));
        }
        if let Some(a) = t(IFLA_BR_BRIDGE_ID) {
            let s = bridge_id(&a);
            p.print_string(Any, Some("bridge_id"), &format!("bridge_id {s} "), Some(&s));
        }
        if t(IFLA_BR_ROOT_ID).is_some() {
            // iproute2 6.1 prints IFLA_BR_BRIDGE_ID here, not the root id.
            let s = t(IFLA_BR_BRIDGE_ID).map(|a| bridge_id(&a)).unwrap_or_default();
            p.print_string(Any, Some("root_id"), &format!("designated_root {s} "), Some(&s));
        }
        u(p, t(IFLA_BR_ROOT_PORT), "root_port", "root_port", 2);
        u(p, t(IFLA_BR_ROOT_PATH_COST), "root_path_cost", "root_path_cost", 4);
        u(p, t(IFLA_BR_TOPOLOGY_CHANGE), "topology_change", "topology_change", 1);
        u(p, t(IFLA_BR_TOPOLOGY_CHANGE_DETECTED), "topology_change_detected", "topology_change_detected", 1);
        for (attr, name) in [
            (IFLA_BR_HELLO_TIMER, "hello_timer"),
            (IFLA_BR_TCN_TIMER, "tcn_timer"),
            (IFLA_BR_TOPOLOGY_CHANGE_TIMER, "topology_change_timer"),
            (IFLA_BR_GC_TIMER, "gc_timer"),
        ] {
            if let Some(a) = t(attr) {
                self.bridge_print_timer(name, &a);
            }
        }
        let p = &mut self.out;
        u(p, t(IFLA_BR_VLAN_DEFAULT_PVID), "vlan_default_pvid", "vlan_default_pvid", 2);
        u(p, t(IFLA_BR_VLAN_STATS_ENABLED), "vlan_stats_enabled", "vlan_stats_enabled", 1);
        u(p, t(IFLA_BR_VLAN_STATS_PER_PORT), "vlan_stats_per_port", "vlan_stats_per_port", 1);
        if let Some(a) = t(IFLA_BR_GROUP_FWD_MASK) {
            let v = a.get_u16() as u64;
            p.print_0xhex(Any, Some("group_fwd_mask"), &format!("group_fwd_mask {} ", fmt_0xhex(v)), v);
        }
        if let Some(a) = t(IFLA_BR_GROUP_ADDR) {
            let s = ll_addr_n2a(a.payload_ref(), ARPHRD_ETHER);
            p.print_string(Any, Some("group_addr"), &format!("group_address {s} "), Some(&s));
        }
        u(p, t(IFLA_BR_MCAST_SNOOPING), "mcast_snooping", "mcast_snooping", 1);
        if let Some(a) = t(IFLA_BR_MULTI_BOOLOPT) {
            // struct br_boolopt_multi { __u32 optval; __u32 optmask; }
            let b = a.payload_ref();
            let word = |o: usize| b.get(o..o + 4).map(|w| u32::from_ne_bytes([w[0], w[1], w[2], w[3]])).unwrap_or(0);
            let (optval, optmask) = (word(0), word(4));
            let no_ll_learn = 1u32 << BR_BOOLOPT_NO_LL_LEARN;
            let mcvl = 1u32 << BR_BOOLOPT_MCAST_VLAN_SNOOPING;
            if optmask & no_ll_learn != 0 {
                let v = (optval & no_ll_learn != 0) as u64;
                p.print_uint(Any, Some("no_linklocal_learn"), &format!("no_linklocal_learn {v} "), v);
            }
            if optmask & mcvl != 0 {
                let v = (optval & mcvl != 0) as u64;
                p.print_uint(Any, Some("mcast_vlan_snooping"), &format!("mcast_vlan_snooping {v} "), v);
            }
        }
        u(p, t(IFLA_BR_MCAST_ROUTER), "mcast_router", "mcast_router", 1);
        u(p, t(IFLA_BR_MCAST_QUERY_USE_IFADDR), "mcast_query_use_ifaddr", "mcast_query_use_ifaddr", 1);
        u(p, t(IFLA_BR_MCAST_QUERIER), "mcast_querier", "mcast_querier", 1);
        u(p, t(IFLA_BR_MCAST_HASH_ELASTICITY), "mcast_hash_elasticity", "mcast_hash_elasticity", 4);
        u(p, t(IFLA_BR_MCAST_HASH_MAX), "mcast_hash_max", "mcast_hash_max", 4);
        u(p, t(IFLA_BR_MCAST_LAST_MEMBER_CNT), "mcast_last_member_cnt", "mcast_last_member_count", 4);
        u(p, t(IFLA_BR_MCAST_STARTUP_QUERY_CNT), "mcast_startup_query_cnt", "mcast_startup_query_count", 4);
        u(p, t(IFLA_BR_MCAST_LAST_MEMBER_INTVL), "mcast_last_member_intvl", "mcast_last_member_interval", 8);
        u(p, t(IFLA_BR_MCAST_MEMBERSHIP_INTVL), "mcast_membership_intvl", "mcast_membership_interval", 8);
        u(p, t(IFLA_BR_MCAST_QUERIER_INTVL), "mcast_querier_intvl", "mcast_querier_interval", 8);
        u(p, t(IFLA_BR_MCAST_QUERY_INTVL), "mcast_query_intvl", "mcast_query_interval", 8);
        u(p, t(IFLA_BR_MCAST_QUERY_RESPONSE_INTVL), "mcast_query_response_intvl", "mcast_query_response_interval", 8);
        u(p, t(IFLA_BR_MCAST_STARTUP_QUERY_INTVL), "mcast_startup_query_intvl", "mcast_startup_query_interval", 8);
        u(p, t(IFLA_BR_MCAST_STATS_ENABLED), "mcast_stats_enabled", "mcast_stats_enabled", 1);
        u(p, t(IFLA_BR_MCAST_IGMP_VERSION), "mcast_igmp_version", "mcast_igmp_version", 1);
        u(p, t(IFLA_BR_MCAST_MLD_VERSION), "mcast_mld_version", "mcast_mld_version", 1);
        u(p, t(IFLA_BR_NF_CALL_IPTABLES), "nf_call_iptables", "nf_call_iptables", 1);
        u(p, t(IFLA_BR_NF_CALL_IP6TABLES), "nf_call_ip6tables", "nf_call_ip6tables", 1);
        u(p, t(IFLA_BR_NF_CALL_ARPTABLES), "nf_call_arptables", "nf_call_arptables", 1);
    }

    /// `bridge_slave_print_opt`.
    pub(super) fn bridge_slave_print_opt(&mut self, tb: Option<&[Option<Nla<&[u8]>>]>) -> Result<(), Flow> {
        let Some(tb) = tb else { return Ok(()) };
        let t = |a: u16| tb.get(a as usize).copied().flatten();
        let p = &mut self.out;
        if let Some(a) = t(IFLA_BRPORT_STATE) {
            const STATES: [&str; 5] = ["disabled", "listening", "learning", "forwarding", "blocking"];
            let st = a.get_u8();
            match STATES.get(st as usize) {
                Some(s) => p.print_string(Any, Some("state"), &format!("state {s} "), Some(s)),
                None => p.print_int(Any, Some("state_index"), &format!("state ({st}) "), st as i64),
            }
        }
        if let Some(a) = t(IFLA_BRPORT_PRIORITY) {
            let v = a.get_u16() as i64;
            p.print_int(Any, Some("priority"), &format!("priority {v} "), v);
        }
        if let Some(a) = t(IFLA_BRPORT_COST) {
            let v = a.get_u32() as i32 as i64;
            p.print_int(Any, Some("cost"), &format!("cost {v} "), v);
        }
        let on_off = |p: &mut super::json_print::Printer, a: Option<Nla<&[u8]>>, key: &str, label: &str| {
            if let Some(a) = a {
                p.print_on_off(Any, Some(key), |s| format!("{label} {s} "), a.get_u8() != 0);
            }
        };
        on_off(p, t(IFLA_BRPORT_MODE), "hairpin", "hairpin");
        on_off(p, t(IFLA_BRPORT_GUARD), "guard", "guard");
        on_off(p, t(IFLA_BRPORT_PROTECT), "root_block", "root_block");
        on_off(p, t(IFLA_BRPORT_FAST_LEAVE), "fastleave", "fastleave");
        on_off(p, t(IFLA_BRPORT_LEARNING), "learning", "learning");
        on_off(p, t(IFLA_BRPORT_UNICAST_FLOOD), "flood", "flood");
        if let Some(a) = t(IFLA_BRPORT_ID) {
            let v = a.get_u16() as u64;
            p.print_0xhex(Any, Some("id"), &format!("port_id {} ", fmt_0xhex(v)), v);
        }
        if let Some(a) = t(IFLA_BRPORT_NO) {
            let v = a.get_u16() as u64;
            p.print_0xhex(Any, Some("no"), &format!("port_no {} ", fmt_0xhex(v)), v);
        }
        if let Some(a) = t(IFLA_BRPORT_DESIGNATED_PORT) {
            let v = a.get_u16() as u64;
            p.print_uint(Any, Some("designated_port"), &format!("designated_port {v} "), v);
        }
        if let Some(a) = t(IFLA_BRPORT_DESIGNATED_COST) {
            let v = a.get_u16() as u64;
            p.print_uint(Any, Some("designated_cost"), &format!("designated_cost {v} "), v);
        }
        if let Some(a) = t(IFLA_BRPORT_BRIDGE_ID) {
            let s = bridge_id(&a);
            p.print_string(Any, Some("bridge_id"), &format!("designated_bridge {s} "), Some(&s));
        }
        if let Some(a) = t(IFLA_BRPORT_ROOT_ID) {
            let s = bridge_id(&a);
            p.print_string(Any, Some("root_id"), &format!("designated_root {s} "), Some(&s));
        }
        for (attr, name) in [
            (IFLA_BRPORT_HOLD_TIMER, "hold_timer"),
            (IFLA_BRPORT_MESSAGE_AGE_TIMER, "message_age_timer"),
            (IFLA_BRPORT_FORWARD_DELAY_TIMER, "forward_delay_timer"),
        ] {
            if let Some(a) = t(attr) {
                self.bridge_print_timer(name, &a);
            }
        }
        let p = &mut self.out;
        if let Some(a) = t(IFLA_BRPORT_TOPOLOGY_CHANGE_ACK) {
            let v = a.get_u8() as u64;
            p.print_uint(Any, Some("topology_change_ack"), &format!("topology_change_ack {v} "), v);
        }
        if let Some(a) = t(IFLA_BRPORT_CONFIG_PENDING) {
            let v = a.get_u8() as u64;
            p.print_uint(Any, Some("config_pending"), &format!("config_pending {v} "), v);
        }
        on_off(p, t(IFLA_BRPORT_PROXYARP), "proxy_arp", "proxy_arp");
        on_off(p, t(IFLA_BRPORT_PROXYARP_WIFI), "proxy_arp_wifi", "proxy_arp_wifi");
        if let Some(a) = t(IFLA_BRPORT_MULTICAST_ROUTER) {
            let v = a.get_u8() as u64;
            p.print_uint(Any, Some("multicast_router"), &format!("mcast_router {v} "), v);
        }
        if let Some(a) = t(IFLA_BRPORT_FAST_LEAVE) {
            // Text only: JSON had it as "fastleave" already.
            let s = if a.get_u8() != 0 { "on" } else { "off" };
            p.print_string(Fp, None, &format!("mcast_fast_leave {s} "), None);
        }
        on_off(p, t(IFLA_BRPORT_MCAST_FLOOD), "mcast_flood", "mcast_flood");
        on_off(p, t(IFLA_BRPORT_BCAST_FLOOD), "bcast_flood", "bcast_flood");
        on_off(p, t(IFLA_BRPORT_MCAST_TO_UCAST), "mcast_to_unicast", "mcast_to_unicast");
        on_off(p, t(IFLA_BRPORT_NEIGH_SUPPRESS), "neigh_suppress", "neigh_suppress");
        if let Some(a) = t(IFLA_BRPORT_GROUP_FWD_MASK) {
            let mask = a.get_u16();
            p.print_0xhex(
                Any,
                Some("group_fwd_mask"),
                &format!("group_fwd_mask {} ", fmt_0xhex(mask as u64)),
                mask as u64,
            );
            // _bitmask2str with fwd_mask_tbl
            let mut parts = Vec::new();
            for bit in 0..16 {
                if mask & (1 << bit) != 0 {
                    parts.push(match bit {
                        0 => "stp".to_string(),
                        2 => "lacp".to_string(),
                        14 => "lldp".to_string(),
                        b => format!("0x{:x}", 1u32 << b),
                    });
                }
            }
            let s = if parts.is_empty() { "0x0".to_string() } else { parts.join(",") };
            p.print_string(Any, Some("group_fwd_mask_str"), &format!("group_fwd_mask_str {s} "), Some(&s));
        }
        on_off(p, t(IFLA_BRPORT_VLAN_TUNNEL), "vlan_tunnel", "vlan_tunnel");
        on_off(p, t(IFLA_BRPORT_ISOLATED), "isolated", "isolated");
        on_off(p, t(IFLA_BRPORT_LOCKED), "locked", "locked");
        if let Some(a) = t(IFLA_BRPORT_BACKUP_PORT) {
            let name = self.ll_index_to_name(a.get_u32());
            self.out.print_string(Any, Some("backup_port"), &format!("backup_port {name} "), Some(&name));
        }
        Ok(())
    }
}
