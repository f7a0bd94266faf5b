//! `rtnlsim demo`: guided tours of the simulated kernel, printed.
//!
//! - [`links`] (the default): the shape rtnlsim is built around — two
//!   namespaces, each with its rtnetlink kernel socket; a veth pair across
//!   them; listeners on RTNLGRP_LINK; a link brought up and the notify path
//!   (`dev_open → rtmsg_ifinfo → nlmsg_new → rtnl_fill_ifinfo → rtnl_notify →
//!   nlmsg_notify → netlink_broadcast`) followed step by step.
//! - [`sockets`]: the socket layer underneath (bind, groups, multicast,
//!   acks, permissions, a full receive buffer).
//!
//! Both print the same bytes on every run.

pub mod links;
pub mod sockets;

use std::io::Write;
use std::sync::Mutex;

use rtnlsim_kernel::{Kernel, Net};

/// Everything a tour prints goes through here.
pub(crate) struct Out<'a> {
    pub w: &'a mut dyn Write,
}

impl Out<'_> {
    pub fn line(&mut self, s: impl AsRef<str>) {
        let _ = writeln!(self.w, "{}", s.as_ref());
    }
    pub fn title(&mut self, s: &str) {
        self.line("");
        self.line(s);
        self.line("-".repeat(s.chars().count()));
    }
    pub fn block(&mut self, s: &str) {
        let _ = write!(self.w, "{s}");
    }
    /// Prints, then empties, the call tree a traced step left in `buf`.
    pub fn call_tree(&mut self, buf: &Mutex<Vec<u8>>) {
        let mut b = buf.lock().unwrap_or_else(|e| e.into_inner());
        if !b.is_empty() {
            self.line("  kernel call tree:");
            for l in String::from_utf8_lossy(&b).lines() {
                self.line(format!("    {l}"));
            }
            b.clear();
        }
    }
    /// `/proc/net/netlink` of a namespace, indented.
    pub fn proc_net_netlink(&mut self, k: &Kernel, net: &Net) {
        for l in k.proc_net_netlink(net).lines() {
            self.line(format!("    {l}"));
        }
    }
}
