//! Automatic addresses and the netdevice notifier (net/ipv6/addrconf.c):
//! `init_loopback` (::1), `addrconf_dev_config` / `addrconf_addr_gen` (the
//! EUI-64 or stable-privacy link-local), `addrconf_permanent_addr`,
//! `addrconf_ifdown` and `addrconf_notify`.

use std::net::Ipv6Addr;
use std::sync::Arc;

use super::{ipv6_add_dev, IF_READY, IPV6_MIN_MTU};
use crate::net::core::dev::{NetDevice, NetdevEvent, NetdevNotifierInfo, ARPHRD_ETHER, ARPHRD_LOOPBACK, ARPHRD_NONE};
use crate::net::core::net_namespace::Net;
use crate::net::ipv6::addrconf_core::*;
use crate::net::ipv6::route::{
    addrconf_f6i_alloc, ip6_del_rt, rt6_disable_ip, rt6_sync_down_dev, rt6_sync_up, Rt6DownEvent,
};
use crate::time::jiffies;
use crate::Errno;
use nlwire::uapi::if_::IFF_NOARP;
use nlwire::uapi::if_addr::*;
use nlwire::uapi::if_link::{IN6_ADDR_GEN_MODE_EUI64, IN6_ADDR_GEN_MODE_RANDOM, IN6_ADDR_GEN_MODE_STABLE_PRIVACY};
use nlwire::uapi::rtnetlink::*;
use nlwire::uapi::rtnetlink::{RTNH_F_DEAD, RTNH_F_LINKDOWN};
use tracing::debug_span;

use super::{dad::*, ifaddr::*, netlink::*};

// ---------------------------------------------------------------------------
// Automatic addresses and the netdevice notifier

/// `add_addr` (for `init_loopback`): a permanent address that skips DAD.
pub(super) fn add_addr(net: &Arc<Net>, dev: &Arc<NetDevice>, addr: Ipv6Addr, plen: u8, scope: u32, proto: u8) {
    let cfg = Ifa6Config {
        pfx: addr,
        peer_pfx: None,
        plen,
        ifa_flags: IFA_F_PERMANENT,
        valid_lft: INFINITY_LIFE_TIME,
        preferred_lft: INFINITY_LIFE_TIME,
        scope,
        rt_priority: 0,
        ifa_proto: proto,
    };
    if let Ok(ifp) = ipv6_add_addr(net, dev, &cfg, None) {
        if let Some(mut ifp) = ifa_update(dev, ifp.id, |i| {
            i.flags &= !IFA_F_TENTATIVE;
            i.clone()
        }) {
            ipv6_ifa_notify(net, dev, RTM_NEWADDR, &mut ifp);
        }
    }
}

/// `init_loopback`: `::1/128`, scope host, proto kernel_lo.
pub(super) fn init_loopback(net: &Arc<Net>, dev: &Arc<NetDevice>) {
    let _s = debug_span!("init_loopback").entered();
    if ipv6_find_idev(dev).is_err() {
        return;
    }
    add_addr(net, dev, Ipv6Addr::LOCALHOST, 128, IFA_HOST, IFAPROT_KERNEL_LO);
}

/// `addrconf_add_linklocal`: fe80::/64 with proto kernel_ll; its prefix
/// route, then DAD (the RTM_NEWADDR comes when DAD completes).
pub(super) fn addrconf_add_linklocal(net: &Arc<Net>, dev: &Arc<NetDevice>, addr: Ipv6Addr, flags: u32) {
    let cfg = Ifa6Config {
        pfx: addr,
        peer_pfx: None,
        plen: 64,
        ifa_flags: flags | IFA_F_PERMANENT,
        valid_lft: INFINITY_LIFE_TIME,
        preferred_lft: INFINITY_LIFE_TIME,
        scope: IFA_LINK,
        rt_priority: 0,
        ifa_proto: IFAPROT_KERNEL_LL,
    };
    if let Ok(ifp) = ipv6_add_addr(net, dev, &cfg, None) {
        addrconf_prefix_route(net, &ifp.addr, ifp.prefix_len, 0, dev, 0, 0);
        addrconf_dad_start(net, dev, ifp.id);
    }
}

/// `ipv6_generate_eui64` for Ethernet (`addrconf_ifid_eui48`): the MAC with
/// ff:fe in the middle and the universal/local bit flipped.
pub(super) fn ipv6_generate_eui64(dev: &NetDevice) -> Option<[u8; 8]> {
    let st = dev.st.lock();
    if st.ty != ARPHRD_ETHER || st.addr_len != 6 {
        return None;
    }
    let m = &st.dev_addr;
    Some([m[0] ^ 2, m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]])
}

/// `sha1_transform` from `sha1_init_raw`: one SHA-1 compression of one
/// 64-byte block, no padding (what `ipv6_generate_stable_address` uses).
pub(super) fn sha1_transform_raw(block: &[u8; 64]) -> [u32; 5] {
    let mut h: [u32; 5] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0];
    let mut w = [0u32; 80];
    for (i, c) in block.chunks_exact(4).enumerate() {
        w[i] = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
    }
    for i in 16..80 {
        w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
    }
    let [mut a, mut b, mut c, mut d, mut e] = h;
    for (i, wi) in w.iter().enumerate() {
        let (f, k) = match i {
            0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
            20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
            40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
            _ => (b ^ c ^ d, 0xCA62_C1D6),
        };
        let t = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(*wi);
        e = d;
        d = c;
        c = b.rotate_left(30);
        b = a;
        a = t;
    }
    for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
        *x = x.wrapping_add(y);
    }
    h
}

/// `ipv6_reserved_interfaceid`: all-zero, the subnet-router anycast
/// range and the reserved anycast range are never generated.
pub(super) fn ipv6_reserved_interfaceid(a: &[u8; 16]) -> bool {
    let w2 = u32::from_be_bytes([a[8], a[9], a[10], a[11]]);
    let w3 = u32::from_be_bytes([a[12], a[13], a[14], a[15]]);
    (w2 | w3) == 0
        || (w2 == 0x0200_5eff && w3 & 0xfe00_0000 == 0xfe00_0000)
        || (w2 == 0xfdff_ffff && w3 & 0xffff_ff80 == 0xffff_ff80)
}

/// `net->ipv6.sysctl.idgen_retries` (default).
pub(super) const IDGEN_RETRIES: u8 = 3;

/// `ipv6_generate_stable_address`: the interface identifier is the first
/// two words of SHA-1 over {secret, prefix, perm_addr, dad_count}.
pub(super) fn ipv6_generate_stable_address(addr: &Ipv6Addr, mut dad_count: u8, dev: &NetDevice) -> Option<Ipv6Addr> {
    let secret = dev.ip6_ptr.lock().as_ref().and_then(|i| i.stable_secret)?;
    let (perm, len) = {
        let st = dev.st.lock();
        (st.perm_addr, st.addr_len as usize)
    };
    loop {
        let mut block = [0u8; 64];
        block[..16].copy_from_slice(&secret);
        block[16..24].copy_from_slice(&addr.octets()[..8]);
        block[24..24 + len.min(32)].copy_from_slice(&perm[..len.min(32)]);
        block[56] = dad_count;
        let digest = sha1_transform_raw(&block);
        let mut o = addr.octets();
        o[8..12].copy_from_slice(&digest[0].to_ne_bytes());
        o[12..16].copy_from_slice(&digest[1].to_ne_bytes());
        if !ipv6_reserved_interfaceid(&o) {
            return Some(Ipv6Addr::from(o));
        }
        dad_count += 1;
        if dad_count > IDGEN_RETRIES {
            return None;
        }
    }
}

/// `ipv6_gen_mode_random_init`: a random secret, once (seeded generator).
pub(super) fn ipv6_gen_mode_random_init(net: &Arc<Net>, dev: &NetDevice) {
    let mut g = dev.ip6_ptr.lock();
    let Some(idev) = g.as_mut() else { return };
    if idev.stable_secret.is_none() {
        let mut s = [0u8; 16];
        net.globals.random_bytes(&mut s);
        idev.stable_secret = Some(s);
    }
}

/// `addrconf_addr_gen`: the link-local by the device's addr_gen_mode: EUI64
/// from the MAC, STABLE_PRIVACY from the secret (RANDOM first makes one),
/// NONE nothing.
pub(super) fn addrconf_addr_gen(net: &Arc<Net>, dev: &Arc<NetDevice>, prefix_route: bool) {
    let ll = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0);
    let mode = dev.ip6_ptr.lock().as_ref().map_or(0, |d| d.addr_gen_mode);
    match mode {
        IN6_ADDR_GEN_MODE_RANDOM | IN6_ADDR_GEN_MODE_STABLE_PRIVACY => {
            if mode == IN6_ADDR_GEN_MODE_RANDOM {
                ipv6_gen_mode_random_init(net, dev);
            }
            match ipv6_generate_stable_address(&ll, 0, dev) {
                Some(a) => addrconf_add_linklocal(net, dev, a, IFA_F_STABLE_PRIVACY),
                None if prefix_route => addrconf_prefix_route(net, &ll, 64, 0, dev, 0, 0),
                None => {}
            }
        }
        IN6_ADDR_GEN_MODE_EUI64 => match ipv6_generate_eui64(dev) {
            Some(eui) => {
                let mut o = ll.octets();
                o[8..].copy_from_slice(&eui);
                addrconf_add_linklocal(net, dev, Ipv6Addr::from(o), 0);
            }
            None if prefix_route => addrconf_prefix_route(net, &ll, 64, 0, dev, 0, 0),
            None => {}
        },
        _ => {}
    }
}

/// `addrconf_dev_config`: autoconfiguration for Ethernet-like devices.
pub(super) fn addrconf_dev_config(net: &Arc<Net>, dev: &Arc<NetDevice>) {
    let ty = dev.st.lock().ty;
    if ty != ARPHRD_ETHER && ty != ARPHRD_NONE {
        return;
    }
    if addrconf_add_dev(net, dev).is_err() {
        return;
    }
    if ty == ARPHRD_NONE {
        if let Some(idev) = dev.ip6_ptr.lock().as_mut() {
            if idev.addr_gen_mode == IN6_ADDR_GEN_MODE_EUI64 {
                idev.addr_gen_mode = IN6_ADDR_GEN_MODE_RANDOM;
                idev.cnf[super::DEVCONF_ADDR_GEN_MODE] = u32::from(IN6_ADDR_GEN_MODE_RANDOM);
            }
        }
    }
    addrconf_addr_gen(net, dev, false);
}

/// `addrconf_init_auto_addrs`.
pub(super) fn addrconf_init_auto_addrs(net: &Arc<Net>, dev: &Arc<NetDevice>) {
    if dev.st.lock().ty == ARPHRD_LOOPBACK {
        init_loopback(net, dev);
    } else {
        addrconf_dev_config(net, dev);
    }
}

/// `addrconf_link_ready`: `netif_oper_up && !qdisc_tx_is_noop`. The
/// transmit queues keep the noop qdisc while the carrier is off
/// (`dev_activate` waits for the carrier; linkwatch activates and
/// deactivates them as it comes and goes), so the carrier stands for them:
/// a veth opened without its peer is not ready even while its operstate
/// is still UNKNOWN.
pub(super) fn addrconf_link_ready(dev: &NetDevice) -> bool {
    let st = dev.st.lock();
    st.oper_up() && st.qdisc != "noop" && st.carrier_ok()
}

/// `addrconf_permanent_addr` / `fixup_permanent_addr`: addresses kept over
/// a down get their local and prefix routes back and DAD again.
pub(super) fn addrconf_permanent_addr(net: &Arc<Net>, dev: &Arc<NetDevice>) {
    let list: Vec<Inet6Ifaddr> = dev.ip6_ptr.lock().as_ref().map(|d| d.addr_list.clone()).unwrap_or_default();
    for ifp in list.into_iter().filter(|i| i.flags & IFA_F_PERMANENT != 0) {
        if ifp.rt.is_none() || !ifp.rt_inserted {
            match addrconf_f6i_alloc(net, dev, &ifp.addr, false) {
                Ok(f6i) => {
                    ifa_update(dev, ifp.id, |i| {
                        i.rt = Some(f6i);
                        i.rt_inserted = false;
                    });
                }
                Err(_) => {
                    ipv6_del_addr(net, dev, ifp.id);
                    continue;
                }
            }
        }
        if ifp.flags & IFA_F_NOPREFIXROUTE == 0 {
            addrconf_prefix_route(net, &ifp.addr, ifp.prefix_len, ifp.rt_priority, dev, 0, 0);
        }
        if ifp.state == Ifa6State::PreDad {
            addrconf_dad_start(net, dev, ifp.id);
        }
    }
}

/// `addr_is_local`: link-local and loopback addresses never survive a down.
pub(super) fn addr_is_local(addr: &Ipv6Addr) -> bool {
    ipv6_addr_type(addr) & (IPV6_ADDR_LINKLOCAL | IPV6_ADDR_LOOPBACK) != 0
}

/// `addrconf_ifdown`: the routes go (`rt6_disable_ip`), then every address
/// (in list order) unless kept by `keep_addr_on_down`, each with its
/// RTM_DELADDR; on unregister the inet6_dev goes too.
pub(super) fn addrconf_ifdown(net: &Arc<Net>, dev: &Arc<NetDevice>, unregister: bool) {
    let _s = debug_span!("addrconf_ifdown", unregister).entered();
    rt6_disable_ip(net, dev, unregister);
    let (keep_addr, list) = {
        let mut g = dev.ip6_ptr.lock();
        let Some(idev) = g.as_mut() else { return };
        if unregister {
            idev.dead = true;
        }
        let keep =
            !unregister && idev.cnf[DEVCONF_DISABLE_IPV6] == 0 && (idev.cnf[DEVCONF_KEEP_ADDR_ON_DOWN] as i32) > 0;
        // IF_RS_SENT | IF_RA_RCVD | IF_READY; `was_ready` would drive
        // ipv6_mc_down (MLD is not modelled).
        if !unregister {
            idev.if_flags &= !(IF_READY | 0x10 | 0x20);
        }
        (keep, idev.addr_list.clone())
    };
    for ifa in list {
        ifa.dad_work.delete(&net.globals);
        let keep = keep_addr && ifa.flags & IFA_F_PERMANENT != 0 && !addr_is_local(&ifa.addr);
        let mut snapshot = ifa.clone();
        if keep {
            let rt = ifa_update(dev, ifa.id, |i| {
                i.state = Ifa6State::PreDad;
                if i.flags & IFA_F_NODAD == 0 {
                    i.flags |= IFA_F_TENTATIVE;
                }
                i.rt_inserted = false;
                i.rt.take()
            })
            .flatten();
            if let Some(rt) = rt {
                let _ = ip6_del_rt(net, &rt, false);
            }
        } else {
            let state = ifa.state;
            snapshot.state = Ifa6State::Dead;
            if state != Ifa6State::Dead {
                __ipv6_ifa_notify(net, dev, RTM_DELADDR, &mut snapshot);
            }
            if let Some(idev) = dev.ip6_ptr.lock().as_mut() {
                idev.addr_list.retain(|i| i.id != ifa.id);
            }
        }
    }
    let now = jiffies(&net.globals);
    let mut g = dev.ip6_ptr.lock();
    if let Some(idev) = g.as_mut() {
        idev.tstamp = now;
    }
    if unregister {
        *g = None;
    }
}

/// `addrconf_notify`: the netdevice notifier.
pub(super) fn addrconf_notify(
    event: NetdevEvent,
    dev: &Arc<NetDevice>,
    info: &NetdevNotifierInfo,
) -> Result<(), Errno> {
    let Some(net) = dev.net() else { return Ok(()) };
    let mtu = dev.st.lock().mtu;
    let has = dev.ip6_ptr.lock().is_some();
    let is_loopback_dev = || net.loopback_dev.read().as_ref().is_some_and(|lo| Arc::ptr_eq(lo, dev));
    let mut run_pending = false;
    match event {
        NetdevEvent::Register if !has && mtu >= IPV6_MIN_MTU => ipv6_add_dev(dev),
        NetdevEvent::Register => {}
        NetdevEvent::ChangeMtu if mtu < IPV6_MIN_MTU => {
            addrconf_ifdown(&net, dev, !is_loopback_dev());
        }
        NetdevEvent::ChangeMtu if has => {
            if let Some(idev) = dev.ip6_ptr.lock().as_mut() {
                idev.cnf[super::DEVCONF_MTU6] = mtu;
            }
        }
        NetdevEvent::ChangeMtu | NetdevEvent::Up | NetdevEvent::Change => {
            if event == NetdevEvent::ChangeMtu {
                ipv6_add_dev(dev);
                let ready = dev.ip6_ptr.lock().as_ref().is_some_and(|d| d.if_flags & IF_READY != 0);
                if !ready {
                    return Ok(());
                }
                run_pending = true;
            }
            if cnf(dev, DEVCONF_DISABLE_IPV6) != 0 && dev.ip6_ptr.lock().is_some() {
                return Ok(());
            }
            if event == NetdevEvent::Up {
                addrconf_permanent_addr(&net, dev);
                if !addrconf_link_ready(dev) {
                    return Ok(());
                }
                if dev.ip6_ptr.lock().is_none() && mtu >= IPV6_MIN_MTU {
                    ipv6_add_dev(dev);
                }
                if let Some(idev) = dev.ip6_ptr.lock().as_mut() {
                    idev.if_flags |= IF_READY;
                    run_pending = true;
                }
            } else if event == NetdevEvent::Change {
                if !addrconf_link_ready(dev) {
                    rt6_sync_down_dev(&net, dev, Rt6DownEvent::Change);
                    return Ok(());
                }
                let mut g = dev.ip6_ptr.lock();
                if let Some(idev) = g.as_mut() {
                    if idev.if_flags & IF_READY != 0 {
                        drop(g);
                        if info.flags_changed & IFF_NOARP != 0 {
                            addrconf_dad_run(&net, dev, true);
                        }
                        rt6_sync_up(&net, dev, RTNH_F_LINKDOWN);
                        return Ok(());
                    }
                    idev.if_flags |= IF_READY;
                }
                run_pending = true;
            }
            addrconf_init_auto_addrs(&net, dev);
            if dev.ip6_ptr.lock().is_some() {
                if run_pending {
                    addrconf_dad_run(&net, dev, false);
                }
                // The device has an address by now.
                rt6_sync_up(&net, dev, RTNH_F_DEAD);
                let now = jiffies(&net.globals);
                if let Some(idev) = dev.ip6_ptr.lock().as_mut() {
                    if idev.cnf[super::DEVCONF_MTU6] != mtu && mtu >= IPV6_MIN_MTU {
                        idev.cnf[super::DEVCONF_MTU6] = mtu;
                    }
                    idev.tstamp = now;
                }
                inet6_ifinfo_notify(&net, RTM_NEWLINK, dev);
                if mtu < IPV6_MIN_MTU {
                    addrconf_ifdown(&net, dev, !is_loopback_dev());
                }
            }
        }
        NetdevEvent::Down | NetdevEvent::Unregister => {
            addrconf_ifdown(&net, dev, event != NetdevEvent::Down);
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_transform_of_the_abc_block_is_sha1_of_abc() {
        let mut block = [0u8; 64];
        block[..3].copy_from_slice(b"abc");
        block[3] = 0x80;
        block[63] = 24;
        assert_eq!(sha1_transform_raw(&block), [0xa999_3e36, 0x4706_816a, 0xba3e_2571, 0x7850_c26c, 0x9cd0_d89d]);
    }

    #[test]
    fn reserved_interface_ids() {
        assert!(ipv6_reserved_interfaceid(&"fe80::".parse::<Ipv6Addr>().unwrap().octets()));
        assert!(ipv6_reserved_interfaceid(&"fe80::200:5eff:fe00:1".parse::<Ipv6Addr>().unwrap().octets()));
        assert!(ipv6_reserved_interfaceid(&"fe80::fdff:ffff:ffff:ff80".parse::<Ipv6Addr>().unwrap().octets()));
        assert!(!ipv6_reserved_interfaceid(&"fe80::1".parse::<Ipv6Addr>().unwrap().octets()));
    }
}
