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
}
