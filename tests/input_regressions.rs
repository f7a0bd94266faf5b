//! Inputs a review found to panic the simulator, or to leave state Linux
//! cleans up; each test is what Linux does with the same bytes (6.18 source:
//! `rtm_to_fib6_config`, `inetdev_changename`, `pneigh_ifdown_and_unlock`,
//! `ipv6_del_addr` → `rt6_remove_prefsrc`).

use rtnlsim::kernel::NetlinkSocket;
use rtnlsim::wire::uapi::if_link::*;
use rtnlsim::wire::uapi::netlink::*;
use rtnlsim::wire::uapi::rtnetlink::*;

#[path = "support/sockets.rs"]
mod sockets;
#[path = "support/wire.rs"]
mod wire;

use sockets::{kernel, route_socket};
use wire::*;

const IFA_LOCAL: u16 = 2;
const IFA_LABEL: u16 = 3;
const IFA_FLAGS: u16 = 8;
const IFA_F_NODAD: u32 = 0x02;
const NDA_DST: u16 = 1;
const NTF_PROXY: u8 = 0x08;

/// The errno of the one answer to `req` (0 for an ack).
fn answer(s: &NetlinkSocket, req: &[u8]) -> i32 {
    let msgs = parse(&transact_one(s, req));
    assert_eq!(msgs[0].ty, NLMSG_ERROR, "an ack or an error");
    msgs[0].errno()
}

fn ifaddr(family: u8, plen: u8, index: i32, attrs: &[u8]) -> Vec<u8> {
    let mut b = vec![family, plen, 0, 0];
    b.extend_from_slice(&index.to_ne_bytes());
    b.extend_from_slice(attrs);
    b
}

fn rtmsg(family: u8, dst_len: u8, attrs: &[u8]) -> Vec<u8> {
    let mut b = vec![family, dst_len, 0, 0, 254, 4, 0, 1, 0, 0, 0, 0];
    b.extend_from_slice(attrs);
    b
}

fn up(s: &NetlinkSocket, index: i32) {
    let req = nlmsg(RTM_NEWLINK, ACK, 9, &ifinfomsg(0, index, 1, 1));
    assert_eq!(answer(s, &req), 0);
}

/// An IPv6 route with dst_len 129 and a 32-byte RTA_DST: Linux copies at
/// most what fits and `fib6_config_validate` refuses the length: EINVAL.
#[test]
fn ipv6_route_with_dst_len_129_and_a_long_dst_is_einval() {
    let k = kernel();
    let s = route_socket(&k.init_net(), 0);
    let req = nlmsg(RTM_NEWROUTE, ADD, 1, &rtmsg(10, 129, &[nla(RTA_DST, &[0u8; 32]), nla_u32(RTA_OIF, 1)].concat()));
    assert_eq!(answer(&s, &req), -22);
}

/// An address label whose bytes are not UTF-8 (which read lossily would
/// outgrow IFNAMSIZ and once broke the relabelling of a rename) is refused,
/// as names are (docs/divergences.md); a long UTF-8 alias label is relabelled
/// on rename within IFNAMSIZ, as `inetdev_changename` does.
#[test]
fn address_labels_are_names() {
    let k = kernel();
    let s = route_socket(&k.init_net(), 0);
    assert_eq!(answer(&s, &veth_req("v0", "v1", ADD, 1, &[], &[])), 0);
    let a = nlmsg(RTM_NEWADDR, ADD, 2, &ifaddr(2, 24, 3, &nla(IFA_LOCAL, &[10, 0, 0, 1])));
    assert_eq!(answer(&s, &a), 0);
    let mut label = b"v0:".to_vec();
    label.extend_from_slice(&[0xff; 12]);
    label.push(0);
    let bad = nlmsg(
        RTM_NEWADDR,
        ADD,
        3,
        &ifaddr(2, 24, 3, &[nla(IFA_LOCAL, &[10, 0, 1, 1]), nla(IFA_LABEL, &label)].concat()),
    );
    assert_eq!(answer(&s, &bad), -22);
    let good = nlmsg(
        RTM_NEWADDR,
        ADD,
        4,
        &ifaddr(2, 24, 3, &[nla(IFA_LOCAL, &[10, 0, 2, 1]), nla_str(IFA_LABEL, "v0:abcdefghijkl")].concat()),
    );
    assert_eq!(answer(&s, &good), 0);
    let rename = nlmsg(RTM_NEWLINK, ACK, 5, &[ifi(3), nla_str(IFLA_IFNAME, "veth-long-9")].concat());
    assert_eq!(answer(&s, &rename), 0);
    s.send(&nlmsg(RTM_GETADDR, DUMP, 6, &[2, 0, 0, 0, 0, 0, 0, 0]), 0).expect("send");
    let labels: Vec<Vec<u8>> = drain_msgs(&s)
        .iter()
        .filter(|m| m.ty == RTM_NEWADDR)
        .map(|m| {
            let mut at = 16 + 8;
            let mut label = Vec::new();
            while at + 4 <= m.raw.len() {
                let len = u16_at(&m.raw, at) as usize;
                if u16_at(&m.raw, at + 2) == IFA_LABEL {
                    label = m.raw[at + 4..at + len - 1].to_vec();
                }
                at += align4(len.max(4));
            }
            label
        })
        .collect();
    // strcpy(label + IFNAMSIZ - strlen(dot) - 1, dot): the name cut to make room.
    assert_eq!(labels, [b"veth-long-9".to_vec(), b"ve:abcdefghijkl".to_vec()]);
}

/// A proxy entry without a device survives another device going down
/// (`pneigh_ifdown` removes only the device's own).
#[test]
fn a_deviceless_proxy_entry_survives_a_device_going_down() {
    let k = kernel();
    let s = route_socket(&k.init_net(), 0);
    assert_eq!(answer(&s, &veth_req("v0", "v1", ADD, 1, &[], &[])), 0);
    up(&s, 3);
    let mut nd = vec![2u8, 0, 0, 0];
    nd.extend_from_slice(&0i32.to_ne_bytes());
    nd.extend_from_slice(&0x80u16.to_ne_bytes());
    nd.extend_from_slice(&[NTF_PROXY, 0]);
    let add = nlmsg(RTM_NEWNEIGH, ADD, 2, &[nd.clone(), nla(NDA_DST, &[10, 0, 0, 5])].concat());
    assert_eq!(answer(&s, &add), 0);
    let down = nlmsg(RTM_NEWLINK, ACK, 3, &ifinfomsg(0, 3, 0, 1));
    assert_eq!(answer(&s, &down), 0);
    nd[8..10].copy_from_slice(&0u16.to_ne_bytes()); // a GET names no state
    let get = nlmsg(RTM_GETNEIGH, NLM_F_REQUEST, 4, &[nd, nla(NDA_DST, &[10, 0, 0, 5])].concat());
    let msgs = parse(&transact_one(&s, &get));
    assert_eq!(msgs[0].ty, RTM_NEWNEIGH, "the proxy entry is still there: {:?}", msgs[0].errno());
}

/// Deleting an IPv6 address takes it out of the routes that named it as
/// their preferred source.
#[test]
fn an_ipv6_routes_prefsrc_goes_with_its_address() {
    let k = kernel();
    let s = route_socket(&k.init_net(), 0);
    assert_eq!(answer(&s, &veth_req("v0", "v1", ADD, 1, &[], &[])), 0);
    up(&s, 3);
    up(&s, 2);
    let addr: [u8; 16] = "2001:db8::1".parse::<std::net::Ipv6Addr>().expect("addr").octets();
    let a = nlmsg(
        RTM_NEWADDR,
        ADD,
        2,
        &ifaddr(10, 64, 3, &[nla(IFA_LOCAL, &addr), nla_u32(IFA_FLAGS, IFA_F_NODAD)].concat()),
    );
    assert_eq!(answer(&s, &a), 0);
    let dst: [u8; 16] = "2001:db8:5::".parse::<std::net::Ipv6Addr>().expect("dst").octets();
    let r = nlmsg(
        RTM_NEWROUTE,
        ADD,
        3,
        &rtmsg(10, 64, &[nla(RTA_DST, &dst), nla_u32(RTA_OIF, 3), nla(RTA_PREFSRC, &addr)].concat()),
    );
    assert_eq!(answer(&s, &r), 0);
    let has_prefsrc = |s: &NetlinkSocket| {
        s.send(&nlmsg(RTM_GETROUTE, DUMP, 7, &rtmsg(10, 0, &[])), 0).expect("send");
        drain_msgs(s)
            .iter()
            .filter(|m| m.ty == RTM_NEWROUTE)
            .any(|m| m.raw.windows(16).any(|w| w == addr) && m.raw[16 + 1] == 64 && m.raw.windows(16).any(|w| w == dst))
    };
    assert!(has_prefsrc(&s));
    let d = nlmsg(RTM_DELADDR, ACK, 4, &ifaddr(10, 64, 3, &nla(IFA_LOCAL, &addr)));
    assert_eq!(answer(&s, &d), 0);
    assert!(!has_prefsrc(&s), "the route no longer names 2001:db8::1");
}
