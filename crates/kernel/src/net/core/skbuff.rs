//! Socket buffers: the kernel's view of a message in memory.
//!
//! Models what af_netlink relies on from net/core/skbuff.c: an skb is a data
//! buffer whose *truesize* (data area after slab rounding, plus
//! `struct sk_buff` and `struct skb_shared_info`) is charged to the receiving
//! socket's `sk_rmem_alloc`. The receive-buffer arithmetic of
//! kernel-reference §1 (9 of 100 notifications fit in 8192 bytes) only comes
//! out right if truesize does, so the slab model below is calibrated on
//! Linux 6.18 x86-64 by `probes/p_truesize.py`:
//!
//! | datagram length    | truesize                    |
//! |--------------------|-----------------------------|
//! | 1–256              | 832 (the 576-byte small-head cache + 256) |
//! | 257–704            | 1280 (kmalloc-1k + 256)      |
//! | 705–1728           | 2304 (kmalloc-2k + 256)      |
//! | 1729–3776          | 4352 (kmalloc-4k + 256)      |
//! | kernel skbs above  | kmalloc-8k, then whole pages |
//! | user sends > 3776  | vmalloc: ALIGN(len, 64) + 576 |
//!
//! Queued datagrams are shared, never copied per receiver: a multicast hands
//! the same [`Skb`] to every listener, as `skb_clone` shares the data.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use crate::cred::Credentials;

/// `SMP_CACHE_BYTES` on x86-64.
pub const SMP_CACHE_BYTES: usize = 64;
/// `SKB_DATA_ALIGN(sizeof(struct skb_shared_info))`.
pub const SKB_SHINFO_SIZE: usize = 320;
/// `SKB_DATA_ALIGN(sizeof(struct sk_buff))`.
pub const SKB_STRUCT_SIZE: usize = 256;
/// `SKB_SMALL_HEAD_CACHE_SIZE`: heads up to this size come from a dedicated cache.
pub const SKB_SMALL_HEAD_CACHE_SIZE: usize = 576;
/// `KMALLOC_MAX_CACHE_SIZE` with SLUB: larger objects come from the page allocator.
pub const KMALLOC_MAX_CACHE_SIZE: usize = 8192;
pub const PAGE_SIZE: usize = 4096;

/// `SKB_DATA_ALIGN`.
pub const fn skb_data_align(n: usize) -> usize {
    (n + SMP_CACHE_BYTES - 1) & !(SMP_CACHE_BYTES - 1)
}

/// `SKB_WITH_OVERHEAD(x)`: usable data in an x-byte head.
pub const fn skb_with_overhead(x: usize) -> usize {
    x - SKB_SHINFO_SIZE
}

/// `SKB_TRUESIZE(x)`.
pub const fn skb_truesize(x: usize) -> usize {
    x + SKB_STRUCT_SIZE + SKB_SHINFO_SIZE
}

/// `kmalloc_size_roundup`: the size of the slab object (or pages) kmalloc returns.
pub const fn kmalloc_size_roundup(n: usize) -> usize {
    if n <= 8 {
        return 8;
    }
    if n <= KMALLOC_MAX_CACHE_SIZE {
        if n > 64 && n <= 96 {
            return 96;
        }
        if n > 128 && n <= 192 {
            return 192;
        }
        return n.next_power_of_two();
    }
    // kmalloc_large: PAGE_SIZE << get_order(n)
    let pages = n.div_ceil(PAGE_SIZE);
    pages.next_power_of_two() * PAGE_SIZE
}

/// `__alloc_skb` → `kmalloc_reserve`: (usable data size, truesize) of `alloc_skb(size)`.
pub const fn alloc_skb_geometry(size: usize) -> (usize, u32) {
    let obj = skb_data_align(size) + SKB_SHINFO_SIZE;
    let osize = if obj <= SKB_SMALL_HEAD_CACHE_SIZE { SKB_SMALL_HEAD_CACHE_SIZE } else { kmalloc_size_roundup(obj) };
    let usable = skb_with_overhead(osize);
    (usable, skb_truesize(usable) as u32)
}

/// `NETLINK_CB(skb)`: the control block netlink keeps with every skb
/// (include/linux/netlink.h, `struct netlink_skb_parms`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NetlinkCb {
    /// Port id of the sender (0 for the kernel).
    pub portid: u32,
    /// Group the message was multicast to (0 for unicast).
    pub dst_group: u32,
    /// `NETLINK_SKB_DST`: the sender gave an explicit destination address.
    pub explicit_dst: bool,
    /// `NETLINK_CREDS(skb)`: the sender's credentials (SCM_CREDENTIALS).
    pub creds: Option<Credentials>,
}

/// An skb being built by the kernel: a bounded nlwire buffer plus its
/// truesize and control block. Derefs to [`nlwire::SkBuff`] for
/// `nlmsg_put`, `nla_put_*` and the rest.
#[derive(Debug)]
pub struct SkBuff {
    buf: nlwire::SkBuff,
    truesize: u32,
    /// vmalloc'ed heads (large user sends) are never trimmed (`netlink_trim`).
    vmalloc: bool,
    pub cb: NetlinkCb,
}

/// `alloc_skb(size)`: an empty skb with the tailroom the slab really gives.
pub fn alloc_skb(size: usize) -> SkBuff {
    let (usable, truesize) = alloc_skb_geometry(size);
    SkBuff { buf: nlwire::SkBuff::with_tailroom(usable), truesize, vmalloc: false, cb: NetlinkCb::default() }
}

/// `nlmsg_new(payload)`: `alloc_skb(nlmsg_total_size(payload))`.
pub fn nlmsg_new(payload: usize) -> SkBuff {
    alloc_skb(nlwire::nlmsg_total_size(payload))
}

/// `netlink_alloc_large_skb(size, broadcast)`: user datagrams above
/// `NLMSG_GOODSIZE` that are not multicast get a vmalloc'ed head.
pub fn netlink_alloc_large_skb(size: usize, broadcast: bool) -> SkBuff {
    if size <= nlwire::skb::NLMSG_GOODSIZE || broadcast {
        return alloc_skb(size);
    }
    let usable = skb_data_align(size);
    SkBuff {
        buf: nlwire::SkBuff::with_tailroom(usable),
        truesize: skb_truesize(usable) as u32,
        vmalloc: true,
        cb: NetlinkCb::default(),
    }
}

impl SkBuff {
    pub fn truesize(&self) -> u32 {
        self.truesize
    }

    /// `netlink_trim`: an skb whose unused tail is at least half its truesize
    /// is reallocated to fit (`pskb_expand_head`), which lowers its truesize.
    pub fn netlink_trim(&mut self) {
        let delta = self.buf.end() - self.buf.len();
        if self.vmalloc || delta * 2 < self.truesize as usize {
            return;
        }
        let (usable, truesize) = alloc_skb_geometry(self.buf.len());
        let mut buf = nlwire::SkBuff::with_tailroom(usable);
        // Cannot fail: the new head holds at least the current data.
        let _ = buf.put_data(self.buf.data());
        self.buf = buf;
        self.truesize = truesize;
    }

    /// Freezes the skb for queueing: after this it is shared, never written.
    pub fn into_shared(self) -> Skb {
        Arc::new(SkbData { data: self.buf.into_vec(), truesize: self.truesize, cb: self.cb })
    }
}

impl Deref for SkBuff {
    type Target = nlwire::SkBuff;
    fn deref(&self) -> &nlwire::SkBuff {
        &self.buf
    }
}

impl DerefMut for SkBuff {
    fn deref_mut(&mut self) -> &mut nlwire::SkBuff {
        &mut self.buf
    }
}

/// A finished datagram as it sits in receive queues.
#[derive(Debug)]
pub struct SkbData {
    pub data: Vec<u8>,
    pub truesize: u32,
    pub cb: NetlinkCb,
}

/// A shared, immutable datagram: what `skb_clone` hands each receiver.
pub type Skb = Arc<SkbData>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truesize_matches_probe_on_linux_6_18() {
        // probes/p_truesize.py: user→user unicast, and kernel acks.
        for (len, want) in
            [(1, 832), (256, 832), (257, 1280), (704, 1280), (705, 2304), (1728, 2304), (1729, 4352), (3776, 4352)]
        {
            assert_eq!(netlink_alloc_large_skb(len, false).truesize(), want, "len {len}");
        }
        for (len, want) in [(3777, 4416), (3841, 4480), (8193, 8832), (8264, 8896)] {
            assert_eq!(netlink_alloc_large_skb(len, false).truesize(), want, "len {len}");
        }
        // NLMSG_ERROR copies: nlmsg_new(20 + request payload).
        for (reply, want) in [(36, 832), (260, 1280), (708, 2304), (1732, 4352), (3780, 8448), (7876, 16640)] {
            assert_eq!(alloc_skb(reply).truesize(), want, "reply {reply}");
        }
    }

    #[test]
    fn small_heads_have_256_usable_bytes() {
        let skb = nlmsg_new(96);
        assert_eq!(skb.tailroom(), 256);
    }

    #[test]
    fn trim_shrinks_an_oversized_notification() {
        let mut skb = alloc_skb(3000);
        assert_eq!(skb.truesize(), 4352);
        skb.put(1468).unwrap();
        skb.netlink_trim();
        assert_eq!(skb.truesize(), 2304);
        assert_eq!(skb.len(), 1468);
    }
}
