//! The machine's real `ip` (iproute2 6.1), unmodified, through the shim:
//! addresses, routes and neighbours (`tests/scripts/{addr,route,neigh}.sh`),
//! and `ip monitor address route` seeing another process's changes. The
//! same scripts run on the live kernel in a new network namespace and the
//! outputs must be equal. IPv6 is kept off the clock: the veths have
//! `addrgenmode none` (no link-local, no DAD) and every IPv6 address is
//! `nodad`, so nothing printed depends on when it is printed.

mod support;

use support::{compare, ip_is_6_1, live, live_bash, script_path, Sim, PRELUDE};

fn script(name: &str) -> String {
    let body = std::fs::read_to_string(script_path(name)).expect("script");
    format!("{PRELUDE}\n{body}")
}

/// `NAME.sh` on the simulator and on the live kernel, held to `NAME.real`.
fn same_as_the_kernel(name: &str, must_show: &str) {
    let s = script(&format!("{name}.sh"));
    let sim = Sim::start("").bash(&s);
    assert!(sim.contains(must_show), "{name}: no {must_show:?} in\n{sim}");
    let real = live().then(|| live_bash(&s));
    compare(name, &sim, real.as_deref());
}

#[test]
fn ip_addr_add_del_show_flush_matches_the_kernel() {
    if !ip_is_6_1() {
        return;
    }
    same_as_the_kernel("addr", "inet 10.0.0.2/24 scope global secondary v0");
}

#[test]
fn ip_route_add_del_replace_show_get_matches_the_kernel() {
    if !ip_is_6_1() {
        return;
    }
    same_as_the_kernel("route", "10.7.0.0/16 via 10.0.0.253 dev v0");
}

#[test]
fn ip_neigh_add_del_show_matches_the_kernel() {
    if !ip_is_6_1() {
        return;
    }
    same_as_the_kernel("neigh", "2001:db8::4 dev v0 lladdr 02:00:00:00:00:04 router PERMANENT");
}

#[test]
fn ip_monitor_address_route_sees_what_another_process_does() {
    if !ip_is_6_1() {
        return;
    }
    same_as_the_kernel(
        "monitor_l3",
        "Deleted multicast ff00::/8 dev v1 table local proto kernel metric 256 pref medium",
    );
}
