//! Duplicate address detection and lifetimes (net/ipv6/addrconf.c:
//! `addrconf_dad_*`, `addrconf_verify_rtnl`), on the virtual clock. No
//! neighbour solicitation is ever sent, so no duplicate is ever found: DAD
//! is its delays (a random one below `rtr_solicit_delay`, then
//! `dad_transmits` × `retrans_time`) and then success.

use std::sync::{Arc, Weak};

use super::IF_READY;
use crate::kernel::Globals;
use crate::net::core::dev::{dev_get_by_index, for_each_netdev, NetDevice};
use crate::net::core::net_namespace::Net;
use crate::net::core::rtnetlink::{rtnl_held_here, rtnl_lock};
use crate::time::{jiffies, msecs_to_jiffies, HZ};
use nlwire::uapi::if_::{IFF_LOOPBACK, IFF_NOARP};
use nlwire::uapi::if_addr::*;
use nlwire::uapi::rtnetlink::*;
use tracing::debug_span;

use super::ifaddr::*;

// ---------------------------------------------------------------------------
// DAD

/// `addrconf_mod_dad_work`: (re)arms the address's DAD work `delay`
/// jiffies from now. The work runs on the virtual clock; a delay of 0 runs
/// at the next `Kernel::advance_ms` (even of 0 ms).
pub(super) fn addrconf_mod_dad_work(net: &Arc<Net>, dev: &Arc<NetDevice>, id: u64, delay: u64) {
    let Some(timer) = ifa_update(dev, id, |i| i.dad_work) else { return };
    let wnet: Weak<Net> = Arc::downgrade(net);
    let ifindex = dev.ifindex();
    let expires = jiffies(&net.globals) + delay;
    timer.mod_timer(
        &net.globals,
        expires,
        Box::new(move |_g: &Arc<Globals>| {
            if let Some(net) = wnet.upgrade() {
                addrconf_dad_work(&net, ifindex, id);
            }
        }),
    );
}

/// `addrconf_dad_start`: PREDAD, and the work right away.
pub(super) fn addrconf_dad_start(net: &Arc<Net>, dev: &Arc<NetDevice>, id: u64) {
    let begin = ifa_update(dev, id, |i| {
        if i.state != Ifa6State::Dead {
            i.state = Ifa6State::PreDad;
            true
        } else {
            false
        }
    });
    if begin == Some(true) {
        addrconf_mod_dad_work(net, dev, id, 0);
    }
}

/// `addrconf_dad_kick`: a random delay below `rtr_solicit_delay` (from the
/// seeded generator), then `dad_transmits` probes.
pub(super) fn addrconf_dad_kick(net: &Arc<Net>, dev: &Arc<NetDevice>, id: u64) {
    let (delay_ms, transmits) = {
        let g = dev.ip6_ptr.lock();
        let Some(idev) = g.as_ref() else { return };
        (idev.cnf[DEVCONF_RTR_SOLICIT_DELAY], idev.cnf[DEVCONF_DAD_TRANSMITS])
    };
    let optimistic = ifa_update(dev, id, |i| i.flags & IFA_F_OPTIMISTIC != 0).unwrap_or(false);
    let rand_num = if optimistic {
        0
    } else {
        let d = msecs_to_jiffies(u64::from(delay_ms)).min(u64::from(u32::MAX)) as u32;
        u64::from(net.globals.random_u32_below(if d == 0 { 1 } else { d }))
    };
    // enhanced_dad draws a nonce: not modelled (no packets).
    ifa_update(dev, id, |i| i.dad_probes = transmits);
    addrconf_mod_dad_work(net, dev, id, rand_num);
}

/// `addrconf_dad_begin`: loopback, NOARP, accept_dad < 1 and NODAD
/// addresses complete at once; a device not ready keeps it tentative.
pub(super) fn addrconf_dad_begin(net: &Arc<Net>, dev: &Arc<NetDevice>, id: u64) {
    let dflags = dev.st.lock().flags;
    let (accept_dad, ready) = {
        let g = dev.ip6_ptr.lock();
        let Some(idev) = g.as_ref() else { return };
        (idev.cnf[DEVCONF_ACCEPT_DAD] as i32, idev.if_flags & IF_READY != 0)
    };
    let Some(ifp) = ifa_update(dev, id, |i| i.clone()) else { return };
    if ifp.state == Ifa6State::Dead {
        return;
    }
    if dflags & (IFF_NOARP | IFF_LOOPBACK) != 0
        || accept_dad < 1
        || ifp.flags & IFA_F_TENTATIVE == 0
        || ifp.flags & IFA_F_NODAD != 0
    {
        ifa_update(dev, id, |i| i.flags &= !(IFA_F_TENTATIVE | IFA_F_OPTIMISTIC | IFA_F_DADFAILED));
        addrconf_dad_completed(net, dev, id);
        return;
    }
    if !ready {
        // addrconf_dad_stop(ifp, 0): a permanent address stays tentative.
        ifa_update(dev, id, |i| {
            i.dad_work.delete(&net.globals);
            i.flags |= IFA_F_TENTATIVE;
        });
        return;
    }
    addrconf_dad_kick(net, dev, id);
}

/// `addrconf_dad_work`: under rtnl: begin, then one step per probe, then
/// success (no neighbour ever answers here).
pub(super) fn addrconf_dad_work(net: &Arc<Net>, ifindex: i32, id: u64) {
    let _s = debug_span!("addrconf_dad_work", ifindex).entered();
    let _rtnl = (!rtnl_held_here()).then(|| rtnl_lock(net));
    let Some(dev) = dev_get_by_index(net, ifindex) else { return };
    let action = ifa_update(&dev, id, |i| {
        if i.state == Ifa6State::PreDad {
            i.state = Ifa6State::Dad;
            1
        } else {
            0
        }
    });
    match action {
        None => return,
        Some(1) => return addrconf_dad_begin(net, &dev, id),
        _ => {}
    }
    // addrconf_dad_end
    let probes = ifa_update(&dev, id, |i| i.dad_probes).unwrap_or(0);
    if probes == 0 {
        let ended = ifa_update(&dev, id, |i| {
            if i.state == Ifa6State::Dad {
                i.state = Ifa6State::PostDad;
                true
            } else {
                false
            }
        });
        if ended != Some(true) {
            return;
        }
    }
    let (dead, ready, retrans_ms) = {
        let g = dev.ip6_ptr.lock();
        let Some(idev) = g.as_ref() else { return };
        (idev.dead, idev.if_flags & IF_READY != 0, idev.retrans_time)
    };
    if dead || !ready {
        return;
    }
    if ifa_update(&dev, id, |i| i.state == Ifa6State::Dead).unwrap_or(true) {
        return;
    }
    if probes == 0 {
        ifa_update(&dev, id, |i| i.flags &= !(IFA_F_TENTATIVE | IFA_F_OPTIMISTIC | IFA_F_DADFAILED));
        addrconf_dad_completed(net, &dev, id);
        return;
    }
    ifa_update(&dev, id, |i| i.dad_probes -= 1);
    let retrans = msecs_to_jiffies(u64::from(retrans_ms)).max(HZ / 100);
    addrconf_mod_dad_work(net, &dev, id, retrans);
    // ndisc_send_ns of the probe: no packets are modelled.
}

/// `addrconf_dad_completed`: the address is valid now: RTM_NEWADDR and its
/// local route. (Router solicitations and MLD reports are not modelled.)
pub(super) fn addrconf_dad_completed(net: &Arc<Net>, dev: &Arc<NetDevice>, id: u64) {
    let _s = debug_span!("addrconf_dad_completed").entered();
    let Some(mut ifp) = ifa_update(dev, id, |i| {
        i.dad_work.delete(&net.globals);
        i.clone()
    }) else {
        return;
    };
    ipv6_ifa_notify(net, dev, RTM_NEWADDR, &mut ifp);
}

/// `addrconf_dad_run`: restarts DAD of tentative addresses when the device
/// becomes ready.
pub(super) fn addrconf_dad_run(net: &Arc<Net>, dev: &Arc<NetDevice>, restart: bool) {
    let ids: Vec<u64> = dev
        .ip6_ptr
        .lock()
        .as_ref()
        .map(|idev| {
            idev.addr_list
                .iter()
                .filter(|i| (i.flags & IFA_F_TENTATIVE != 0 && i.state == Ifa6State::Dad) || restart)
                .map(|i| i.id)
                .collect()
        })
        .unwrap_or_default();
    for id in ids {
        if restart {
            ifa_update(dev, id, |i| i.state = Ifa6State::PreDad);
        }
        addrconf_dad_kick(net, dev, id);
    }
}

// ---------------------------------------------------------------------------
// Lifetimes

/// `round_jiffies_up` (CPU 0): the next whole second.
pub(super) fn round_jiffies_up(j: u64) -> u64 {
    j - j % HZ + HZ
}

/// `addrconf_verify_rtnl`: deprecates addresses whose preferred lifetime
/// ran out (RTM_NEWADDR), deletes those whose valid lifetime did, and
/// re-arms `addr_chk_work` for the next event.
pub fn addrconf_verify_rtnl(net: &Arc<Net>) {
    let _s = debug_span!("addrconf_verify_rtnl").entered();
    let now = jiffies(&net.globals);
    let mut next = round_jiffies_up(now + ADDR_CHECK_FREQUENCY);
    let st = net_ipv6(net);
    st.addr_chk_work.delete(&net.globals);
    'restart: loop {
        for dev in for_each_netdev(net) {
            let list = dev.ip6_ptr.lock().as_ref().map(|d| d.addr_list.clone()).unwrap_or_default();
            for ifp in list {
                if ifp.flags & IFA_F_PERMANENT != 0 && ifp.prefered_lft == INFINITY_LIFE_TIME {
                    continue;
                }
                let age = (now.wrapping_sub(ifp.tstamp) + ADDRCONF_TIMER_FUZZ_MINUS) / HZ;
                if ifp.valid_lft != INFINITY_LIFE_TIME && age >= u64::from(ifp.valid_lft) {
                    ipv6_del_addr(net, &dev, ifp.id);
                    continue 'restart;
                } else if ifp.prefered_lft == INFINITY_LIFE_TIME {
                    continue;
                } else if age >= u64::from(ifp.prefered_lft) {
                    let deprecate = ifp.flags & IFA_F_DEPRECATED == 0;
                    if ifp.valid_lft != INFINITY_LIFE_TIME {
                        next = next.min(ifp.tstamp + u64::from(ifp.valid_lft) * HZ);
                    }
                    if deprecate {
                        if let Some(mut i) = ifa_update(&dev, ifp.id, |i| {
                            i.flags |= IFA_F_DEPRECATED;
                            i.clone()
                        }) {
                            ipv6_ifa_notify(net, &dev, 0, &mut i);
                        }
                        continue 'restart;
                    }
                } else {
                    next = next.min(ifp.tstamp + u64::from(ifp.prefered_lft) * HZ);
                }
            }
        }
        break;
    }
    let next_sec = round_jiffies_up(next);
    let mut next_sched = next;
    if next_sec < next + ADDRCONF_TIMER_FUZZ {
        next_sched = next_sec;
    }
    if next_sched < now + ADDRCONF_TIMER_FUZZ_MAX {
        next_sched = now + ADDRCONF_TIMER_FUZZ_MAX;
    }
    let wnet = Arc::downgrade(net);
    st.addr_chk_work.mod_timer(
        &net.globals,
        next_sched,
        Box::new(move |_g: &Arc<Globals>| {
            // addrconf_verify_work
            if let Some(net) = wnet.upgrade() {
                let _rtnl = (!rtnl_held_here()).then(|| rtnl_lock(&net));
                addrconf_verify_rtnl(&net);
            }
        }),
    );
}
