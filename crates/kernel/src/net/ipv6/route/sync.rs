//! Devices and routes in net/ipv6/route.c: `rt6_sync_down_dev`
//! (`fib6_ifdown`), `rt6_sync_up`, `rt6_disable_ip`, `rt6_remove_prefsrc`.

use super::*;

/// The events `rt6_sync_down_dev` handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rt6DownEvent {
    /// NETDEV_DOWN: routes through the device go (multipath: the nexthop
    /// is marked dead unless all are).
    Down,
    /// NETDEV_UNREGISTER: routes through the device go.
    Unregister,
    /// NETDEV_CHANGE without carrier: RTNH_F_LINKDOWN, silently (probe
    /// "carrier loss": no notification, flag 0x10 in dumps; not on local
    /// routes).
    Change,
}

/// `rt6_sync_down_dev` → `fib6_ifdown`.
pub fn rt6_sync_down_dev(net: &Arc<Net>, dev: &NetDevice, event: Rt6DownEvent) {
    let _s = debug_span!("rt6_sync_down_dev", dev = dev.ifindex(), ?event).entered();
    let ifindex = dev.ifindex();
    let f = fib6_net(net);
    let mut tables = f.tables.lock();
    fib6_clean_all(net, &mut tables, |rt, sibs| match event {
        Rt6DownEvent::Unregister => {
            if rt.ifindex == ifindex {
                Clean::Delete
            } else {
                Clean::Keep
            }
        }
        Rt6DownEvent::Down => {
            if rt.st.lock().should_flush {
                return Clean::Delete;
            }
            if sibs.is_empty() {
                return if rt.ifindex == ifindex { Clean::Delete } else { Clean::Keep };
            }
            if rt.ifindex == ifindex || sibs.iter().any(|s| s.ifindex == ifindex) {
                let dead = std::iter::once(rt)
                    .chain(sibs.iter())
                    .filter(|r| r.ifindex == ifindex || r.st.lock().nh_flags & RTNH_F_DEAD != 0)
                    .count();
                if dead == sibs.len() + 1 {
                    for r in std::iter::once(rt).chain(sibs.iter()) {
                        r.st.lock().should_flush = true;
                    }
                    return Clean::Delete;
                }
                for r in std::iter::once(rt).chain(sibs.iter()) {
                    if r.ifindex == ifindex {
                        r.st.lock().nh_flags |= RTNH_F_DEAD | RTNH_F_LINKDOWN;
                    }
                }
            }
            Clean::SkipSiblings
        }
        Rt6DownEvent::Change => {
            if rt.ifindex == ifindex && rt.fib6_flags & (RTF_LOCAL | RTF_ANYCAST) == 0 {
                rt.st.lock().nh_flags |= RTNH_F_LINKDOWN;
            }
            Clean::Keep
        }
    });
}

/// `rt6_sync_up`: clears `nh_flags` on the device's nexthops (with DEAD and
/// carrier, LINKDOWN too).
pub fn rt6_sync_up(net: &Arc<Net>, dev: &NetDevice, nh_flags: u8) {
    let _s = debug_span!("rt6_sync_up", dev = dev.ifindex(), nh_flags).entered();
    let mut clear = nh_flags;
    if nh_flags & RTNH_F_DEAD != 0 && dev.st.lock().carrier_ok() {
        clear |= RTNH_F_LINKDOWN;
    }
    let ifindex = dev.ifindex();
    let f = fib6_net(net);
    let mut tables = f.tables.lock();
    let mut touched = Vec::new();
    for (id, t) in tables.tables.iter() {
        for rt in t.nodes.values().flatten() {
            if rt.ifindex == ifindex {
                rt.st.lock().nh_flags &= !clear;
                touched.push(*id);
            }
        }
    }
    touched.dedup();
    for id in touched {
        tables.update_sernum_upto_root(id);
    }
}

/// `rt6_disable_ip`: the device went down or away; its routes go
/// (`rt6_sync_down_dev`). Linux also flushes uncached dsts and the
/// neighbour table here (`neigh_ifdown`, not this file's).
pub fn rt6_disable_ip(net: &Arc<Net>, dev: &Arc<NetDevice>, unregister: bool) {
    rt6_sync_down_dev(net, dev, if unregister { Rt6DownEvent::Unregister } else { Rt6DownEvent::Down });
    crate::net::core::neighbour::neigh_ifdown(crate::net::core::neighbour::NEIGH_ND_TABLE, dev);
}

/// `rt6_remove_prefsrc`: an address went; routes that named it as their
/// preferred source forget it (unless it is still on the route's device).
pub fn rt6_remove_prefsrc(net: &Arc<Net>, addr: &Ipv6Addr) {
    let f = fib6_net(net);
    let tables = f.tables.lock();
    for t in tables.tables.values() {
        for rt in t.nodes.values().flatten() {
            let mut st = rt.st.lock();
            if st.prefsrc == Some(*addr) && !ipv6_chk_addr(net, addr, rt.fib_nh_dev.as_ref(), false) {
                st.prefsrc = None;
            }
        }
    }
}
