//! `ip netns`: iproute2's ip/ipnetns.c.
//!
//! Names live in `/run/netns` (the [`Host`](crate::host::Host) keeps them);
//! the only netlink here is the namespace id: `get_netnsid_from_name` sends
//! RTM_GETNSID with the namespace file's descriptor (`NETNSA_FD`) on a second
//! handle (`rtnsh`). In 6.1 `ipnetns_have_nsid` never probes (its test reads
//! `>= 0` where `< 0` was meant), so ids are always asked for.

use nlwire::uapi::netlink::NLM_F_REQUEST;
use nlwire::uapi::rtnetlink::RTM_GETNSID;
use nlwire::uapi::socket::AF_UNSPEC;
use nlwire::{nlmsg_align, Errno, NlMsgHdr, SkBuff};

use super::error::{unmodelled, CmdResult, Exit};
use super::ipaddress::parse_rtattr;
use super::json_print::Kind::{Any, Fp};
use super::libnetlink::Flow;
use super::uapi::{NETNSA_FD, NETNSA_MAX, NETNSA_NSID};
use super::utils::{matches, strerror};
use super::Ip;

/// `NETNS_RUN_DIR`.
pub const NETNS_RUN_DIR: &str = "/run/netns";

/// `invalid_name`.
fn invalid_name(name: &str) -> bool {
    name.is_empty() || name.len() > 255 || name.contains('/') || name == "." || name == ".."
}

impl Ip<'_> {
    /// `netns_nsid_socket_init`: opens `rtnsh` once.
    pub(super) fn netns_nsid_socket_init(&mut self) -> Result<(), Exit> {
        if self.rtnsh.is_some() {
            return Ok(());
        }
        match self.rtnl_open() {
            Some(h) => {
                self.rtnsh = Some(h);
                Ok(())
            }
            None => {
                self.err.push_str("Cannot open rtnetlink\n");
                Err(Exit(1))
            }
        }
    }

    /// `get_netnsid_from_name`: the id this namespace knows `name` by, -1
    /// without one (or without a file to name it by), -2 if the kernel refused.
    pub(super) fn get_netnsid_from_name(&mut self, name: &str) -> Result<i32, Exit> {
        self.netns_nsid_socket_init()?;
        let Ok(file) = self.host.netns_open(Some(name)) else { return Ok(-1) };
        let mut skb = SkBuff::with_tailroom(16 + 4 + 1024);
        let Some(nlh) = skb.nlmsg_put(0, 0, RTM_GETNSID, 1, NLM_F_REQUEST) else { return Ok(-1) };
        skb.nlmsg_data_mut(nlh)[0] = AF_UNSPEC;
        let _ = skb.nla_put_u32(NETNSA_FD, file.fd() as u32);
        skb.nlmsg_end(nlh);
        let mut bytes = skb.into_vec();
        let Some(rtnsh) = self.rtnsh.as_mut() else { return Ok(-1) };
        let answer = match rtnsh.talk(&mut bytes, true, true, &mut self.err) {
            Ok(Some(a)) => a,
            Ok(None) | Err(Flow::Fail(_)) => return Ok(-2),
            Err(Flow::Exit(x)) => return Err(x),
        };
        drop(file);
        let h = NlMsgHdr::new_unchecked(&answer[..]);
        if h.nlmsg_type() == nlwire::uapi::netlink::NLMSG_ERROR {
            return Ok(-1);
        }
        let off = nlmsg_align(1);
        if h.payload().len() < off {
            return Ok(-1);
        }
        let tb = parse_rtattr(&h.payload()[off..], NETNSA_MAX, false);
        Ok(tb[NETNSA_NSID as usize].map(|a| a.get_s32()).unwrap_or(-1))
    }

    /// `netns_map_init`: every named namespace's id, once.
    pub(super) fn netns_map_init(&mut self) -> Result<(), Exit> {
        if self.nsid_map.is_some() {
            return Ok(());
        }
        let mut map = Vec::new();
        for name in self.host.netns_list() {
            let id = self.get_netnsid_from_name(&name)?;
            if id >= 0 {
                map.push((id, name));
            }
        }
        self.nsid_map = Some(map);
        Ok(())
    }

    /// `get_name_from_nsid`.
    pub(super) fn get_name_from_nsid(&mut self, nsid: i32) -> Result<Option<String>, Flow> {
        if nsid < 0 {
            return Ok(None);
        }
        self.netns_nsid_socket_init()?;
        self.netns_map_init()?;
        Ok(self.nsid_map.as_ref().and_then(|m| m.iter().find(|(id, _)| *id == nsid)).map(|(_, n)| n.clone()))
    }

    /// `netns_list`.
    fn netns_list(&mut self) -> CmdResult {
        if !self.host.netns_dir_exists() {
            return Ok(0);
        }
        self.out.new_json_obj(self.opts.json);
        for name in self.host.netns_list() {
            self.out.open_json_object(None);
            self.out.print_string(Any, Some("name"), &name, Some(&name));
            let id = self.get_netnsid_from_name(&name)?;
            if id >= 0 {
                self.out.print_int(Any, Some("id"), &format!(" (id: {id})"), id as i64);
            }
            self.out.print_string(Fp, None, "\n", None);
            self.out.close_json_object();
        }
        self.out.delete_json_obj();
        Ok(0)
    }

    /// `netns_add(argc, argv, true)`.
    fn netns_add(&mut self, args: &[String]) -> CmdResult {
        let Some(name) = args.first() else {
            self.err.push_str("No netns name specified\n");
            return Ok(-1);
        };
        match self.host.netns_add(name) {
            Ok(()) => Ok(0),
            Err(e) => {
                self.err
                    .push_str(&format!("Cannot create namespace file \"{NETNS_RUN_DIR}/{name}\": {}\n", strerror(e)));
                Ok(-1)
            }
        }
    }

    /// `netns_delete` → `on_netns_del`.
    fn netns_delete(&mut self, args: &[String]) -> CmdResult {
        let Some(name) = args.first() else {
            self.err.push_str("No netns name specified\n");
            return Ok(-1);
        };
        match self.host.netns_del(name) {
            Ok(()) => Ok(0),
            Err(e) => {
                let e = if e == Errno(0) { Errno::ENOENT } else { e };
                self.err
                    .push_str(&format!("Cannot remove namespace file \"{NETNS_RUN_DIR}/{name}\": {}\n", strerror(e)));
                Ok(-1)
            }
        }
    }

    /// `do_netns`.
    pub fn do_netns(&mut self, args: &[String]) -> CmdResult {
        self.netns_nsid_socket_init()?;
        let Some(cmd) = args.first() else {
            self.netns_map_init()?;
            return self.netns_list();
        };
        if args.len() > 1 && invalid_name(&args[1]) {
            self.err.push_str(&format!("Invalid netns name \"{}\"\n", args[1]));
            return Err(Exit::USAGE);
        }
        let rest = &args[1..];
        if matches(cmd, "list") || matches(cmd, "show") || matches(cmd, "lst") {
            self.netns_map_init()?;
            return self.netns_list();
        }
        if matches(cmd, "list-id") {
            return Err(unmodelled(&mut self.err, "\"ip netns list-id\""));
        }
        if matches(cmd, "help") {
            self.err.push_str("Usage: ip netns list | add NAME | delete NAME\n");
            return Err(Exit::USAGE);
        }
        if matches(cmd, "add") {
            return self.netns_add(rest);
        }
        if matches(cmd, "set") {
            return Err(unmodelled(&mut self.err, "\"ip netns set\""));
        }
        if matches(cmd, "delete") {
            return self.netns_delete(rest);
        }
        for c in ["identify", "pids", "exec", "monitor", "attach"] {
            if matches(cmd, c) {
                return Err(unmodelled(&mut self.err, &format!("\"ip netns {c}\"")));
            }
        }
        self.err.push_str(&format!("Command \"{cmd}\" is unknown, try \"ip netns help\".\n"));
        Err(Exit::USAGE)
    }
}
