//! `/proc/net/netlink`: every netlink socket of a namespace, one line each
//! (`netlink_seq_show` in net/netlink/af_netlink.c). The `sk` column, a
//! kernel pointer on Linux, shows the inode number here.

use std::fmt::Write;
use std::sync::atomic::Ordering;

use crate::kernel::Globals;
use crate::net::core::net_namespace::Net;

pub(crate) fn proc_net_netlink(globals: &Globals, net: &Net) -> String {
    let mut out =
        String::from("sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n");
    let socks: Vec<_> = globals.sockets.lock().iter().filter_map(|(_, w)| w.upgrade()).collect();
    let mut rows: Vec<_> = socks
        .iter()
        .filter(|s| s.net().id() == net.id() && (s.bound.load(Ordering::Acquire) || s.is_kernel()))
        .collect();
    rows.sort_by_key(|s| (s.protocol, s.portid()));
    for s in rows {
        let _ = writeln!(
            out,
            "{:016x} {:<3} {:<10} {:08x} {:<8} {:<8} {:<5} {:<8} {:<8} {:<8}",
            s.ino,
            s.protocol,
            s.portid(),
            s.groups.read().low32(),
            s.rmem_alloc(),
            0,
            s.cb_running.load(Ordering::Acquire) as u8,
            2,
            s.drops(),
            s.ino
        );
    }
    out
}
