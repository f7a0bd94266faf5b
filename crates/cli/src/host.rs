//! The machine an `ip` client runs on: how it opens a netlink socket in a
//! namespace, and the namespace files `ip netns` keeps in `/run/netns`.
//!
//! `ip netns add` is not netlink: it makes a namespace and bind-mounts it on
//! `/run/netns/NAME`; `ip -n NAME` opens that file and `setns`es into it
//! before opening its socket; `netns NAME` in a request is the file's
//! descriptor (`IFLA_NET_NS_FD`, `NETNSA_FD`). A [`Host`] provides exactly
//! those steps. [`SimHost`] is the simulated machine: namespaces through the
//! [`Kernel`] API, sockets through `NetRef::socket`.

use std::sync::Mutex;

use nlwire::uapi::netlink::NETLINK_ROUTE;
use nlwire::Errno;
use rtnlsim_kernel::{Kernel, NetRef};

use crate::transport::NlTransport;

/// A namespace as `ip` names it: `None` is the one the program started in.
pub type NsName<'a> = Option<&'a str>;

/// An open namespace file (`open("/run/netns/NAME")` or
/// `open("/proc/self/ns/net")`); closed when dropped.
pub trait NsFile {
    /// The descriptor number that goes into `IFLA_NET_NS_FD` / `NETNSA_FD`.
    fn fd(&self) -> i32;
}

/// What `ip` needs from the system besides netlink.
pub trait Host {
    /// `setns` into `netns` (`ip -n`), then
    /// `socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE)`.
    /// `ENOENT` when the namespace has no file.
    fn socket(&self, netns: NsName<'_>) -> Result<Box<dyn NlTransport>, Errno>;
    /// `open(/run/netns/NAME)`, or `/proc/self/ns/net` for `None`.
    fn netns_open(&self, netns: NsName<'_>) -> Result<Box<dyn NsFile>, Errno>;
    /// `ip netns add NAME`: a new namespace, kept by its file. `EEXIST` if taken.
    fn netns_add(&self, name: &str) -> Result<(), Errno>;
    /// `ip netns del NAME`: the file goes (the namespace dies with its last user).
    fn netns_del(&self, name: &str) -> Result<(), Errno>;
    /// `readdir(/run/netns)`, in the directory's order.
    fn netns_list(&self) -> Vec<String>;
    /// Whether `/run/netns` exists (the first `ip netns add` makes it).
    fn netns_dir_exists(&self) -> bool;
    /// `time(NULL)`: iproute2 starts every handle's sequence numbers there.
    fn time(&self) -> u32;
    /// `ioctl(socket(AF_INET, SOCK_STREAM), SIOCGIFTXQLEN, {ifname})` in
    /// `netns`: what `print_queuelen` asks when a link message carries no
    /// IFLA_TXQLEN. `None` where there is no such system call.
    fn txqlen(&self, _netns: NsName<'_>, _ifname: &str) -> Option<Result<u32, Errno>> {
        None
    }
}

/// The simulator's `time(NULL)`: a fixed instant, so that runs are identical.
pub const VIRTUAL_TIME: u32 = 1_700_000_000;

/// The simulated machine.
pub struct SimHost {
    kernel: Kernel,
    /// Names in creation order: `/run/netns` is a tmpfs, whose `readdir`
    /// gives the newest entry first.
    order: Mutex<Vec<String>>,
    /// `/run/netns` was made (by a first `netns add`).
    dir_made: std::sync::atomic::AtomicBool,
}

impl SimHost {
    pub fn new(kernel: Kernel) -> Self {
        SimHost { kernel, order: Mutex::new(Vec::new()), dir_made: Default::default() }
    }

    pub fn kernel(&self) -> &Kernel {
        &self.kernel
    }
}

/// An open namespace file of the simulated machine: holding it keeps the
/// namespace alive, as an open `/run/netns/NAME` does.
struct SimNsFile {
    _net: NetRef,
    fd: i32,
}

impl NsFile for SimNsFile {
    fn fd(&self) -> i32 {
        self.fd
    }
}

impl Host for SimHost {
    fn socket(&self, netns: NsName<'_>) -> Result<Box<dyn NlTransport>, Errno> {
        let net = match netns {
            None => self.kernel.init_net(),
            Some(name) => self.kernel.netns_get(name).ok_or(Errno::ENOENT)?,
        };
        Ok(Box::new(net.socket(NETLINK_ROUTE)?))
    }

    /// The simulated kernel's namespace descriptor (`NetRef::ns_fd`): what
    /// `get_net_ns_by_fd` resolves for `IFLA_NET_NS_FD` and `NETNSA_FD`.
    fn netns_open(&self, netns: NsName<'_>) -> Result<Box<dyn NsFile>, Errno> {
        let net = match netns {
            None => self.kernel.init_net(),
            Some(name) => self.kernel.netns_get(name).ok_or(Errno::ENOENT)?,
        };
        let fd = net.ns_fd();
        Ok(Box::new(SimNsFile { _net: net, fd }))
    }

    fn netns_add(&self, name: &str) -> Result<(), Errno> {
        self.dir_made.store(true, std::sync::atomic::Ordering::Relaxed);
        self.kernel.netns_add(name)?;
        if let Ok(mut o) = self.order.lock() {
            o.retain(|n| n != name);
            o.push(name.to_string());
        }
        Ok(())
    }

    fn netns_del(&self, name: &str) -> Result<(), Errno> {
        self.kernel.netns_del(name)?;
        if let Ok(mut o) = self.order.lock() {
            o.retain(|n| n != name);
        }
        Ok(())
    }

    fn netns_list(&self) -> Vec<String> {
        let names = self.kernel.netns_list();
        let order = self.order.lock().map(|o| o.clone()).unwrap_or_default();
        // Newest first; names made behind our back (through the Kernel API) after them.
        let mut v: Vec<String> = order.iter().rev().filter(|n| names.contains(n)).cloned().collect();
        v.extend(names.into_iter().filter(|n| !order.contains(n)));
        v
    }

    fn netns_dir_exists(&self) -> bool {
        self.dir_made.load(std::sync::atomic::Ordering::Relaxed) || !self.kernel.netns_list().is_empty()
    }

    fn time(&self) -> u32 {
        VIRTUAL_TIME
    }

    /// net/core/dev_ioctl.c `dev_ifsioc_locked`, SIOCGIFTXQLEN: the device
    /// by name in the namespace (ENODEV if none), its `tx_queue_len`.
    fn txqlen(&self, netns: NsName<'_>, ifname: &str) -> Option<Result<u32, Errno>> {
        let net = match netns {
            None => self.kernel.init_net(),
            Some(name) => self.kernel.netns_get(name)?,
        };
        Some(match rtnlsim_kernel::net::core::dev::dev_get_by_name(net.arc(), ifname) {
            Some(dev) => Ok(dev.st.lock().tx_queue_len),
            None => Err(Errno::ENODEV),
        })
    }
}
