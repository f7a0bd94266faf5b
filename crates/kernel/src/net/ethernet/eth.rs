//! Ethernet devices: net/ethernet/eth.c and the helpers of
//! include/linux/etherdevice.h.

use std::sync::Arc;

use crate::net::core::dev::{AddrAssign, DevState, NetDevice, ARPHRD_ETHER};
use crate::net::core::net_namespace::Net;
use nlwire::uapi::if_::{IFF_BROADCAST, IFF_MULTICAST};

/// `ETH_ALEN`.
pub const ETH_ALEN: u8 = 6;
/// `ETH_DATA_LEN`.
pub const ETH_DATA_LEN: u32 = 1500;
/// `ETH_MIN_MTU`.
pub const ETH_MIN_MTU: u32 = 68;
/// `ETH_MAX_MTU`.
pub const ETH_MAX_MTU: u32 = 0xffff;
/// `DEFAULT_TX_QUEUE_LEN`.
pub const DEFAULT_TX_QUEUE_LEN: u32 = 1000;
/// `GSO_MAX_SIZE`: what software devices allow for TSO (512 KiB − 8).
pub const GSO_MAX_SIZE: u32 = 524_280;

/// `ether_setup`.
pub fn ether_setup(st: &mut DevState) {
    st.ty = ARPHRD_ETHER;
    st.mtu = ETH_DATA_LEN;
    st.min_mtu = ETH_MIN_MTU;
    st.max_mtu = ETH_DATA_LEN;
    st.addr_len = ETH_ALEN;
    st.tx_queue_len = DEFAULT_TX_QUEUE_LEN;
    st.flags = IFF_BROADCAST | IFF_MULTICAST;
    st.broadcast[..6].copy_from_slice(&[0xff; 6]);
}

/// `eth_random_addr`: a locally administered unicast address, from the
/// machine's seeded generator (so runs repeat).
pub fn eth_random_addr(net: &Net) -> [u8; 6] {
    let mut a = [0u8; 6];
    net.globals.random_bytes(&mut a);
    a[0] &= 0xfe; // clear multicast bit
    a[0] |= 0x02; // set local assignment bit (IEEE802)
    a
}

/// `eth_hw_addr_random`.
pub fn eth_hw_addr_random(dev: &Arc<NetDevice>) {
    let Some(net) = dev.net() else { return };
    let a = eth_random_addr(&net);
    let mut st = dev.st.lock();
    st.dev_addr[..6].copy_from_slice(&a);
    st.addr_assign_type = AddrAssign::Random;
}

/// `is_valid_ether_addr`: not multicast and not all zeros.
pub fn is_valid_ether_addr(a: &[u8]) -> bool {
    a.len() >= 6 && a[0] & 1 == 0 && a[..6].iter().any(|b| *b != 0)
}
