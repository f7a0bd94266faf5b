//! Runs a scenario against the simulator.

use rtnlsim::kernel::net::socket::NetlinkSocket;
use rtnlsim::wire::uapi::socket::MSG_DONTWAIT;
use rtnlsim::{Config, Credentials, Kernel, NetRef};

use super::outcome::Outcome;
use super::scenario::{Fixup, Op};
use super::Backend;

pub struct Sim {
    kernel: Kernel,
    net: NetRef,
    pid: u32,
    socks: Vec<(String, NetlinkSocket)>,
    /// Namespaces made by `netns`, with their simulated fd (`NetRef::ns_fd`).
    /// The kernel's table of named namespaces holds the reference, as a
    /// bind mount under /var/run/netns would; `netns_del` drops it.
    nss: Vec<(String, i32)>,
}

impl Sim {
    pub fn new(config: Config) -> Sim {
        let pid = config.pid;
        let kernel = Kernel::new(config);
        // A fresh namespace, as `unshare -n` gives the kernel run.
        let net = kernel.net_create().expect("namespace");
        Sim { kernel, net, pid, socks: Vec::new(), nss: Vec::new() }
    }

    fn sock(&self, name: &str) -> Option<&NetlinkSocket> {
        self.socks.iter().find(|(n, _)| n == name).map(|(_, s)| s)
    }
}

fn res<T>(r: Result<T, rtnlsim::Errno>, f: impl FnOnce(T) -> Outcome) -> Outcome {
    match r {
        Ok(v) => f(v),
        Err(e) => Outcome::Err(e.0),
    }
}

fn recv(s: &NetlinkSocket, len: usize, flags: u32) -> Outcome {
    let mut buf = vec![0u8; len];
    res(s.recvmsg(&mut buf, flags | MSG_DONTWAIT), |m| {
        let copied = m.len.min(len).min(m.datagram_len);
        Outcome::Datagram {
            ret: m.len,
            msg_flags: m.msg_flags,
            from: (m.addr.pid, m.addr.groups),
            pktinfo: m.pktinfo,
            data: buf[..copied].to_vec(),
        }
    })
}

impl Backend for Sim {
    fn pid(&self) -> u32 {
        self.pid
    }

    fn ports(&mut self) -> Vec<(u32, String)> {
        self.socks.iter().map(|(n, s)| (s.getsockname().pid, n.clone())).collect()
    }

    fn nsfds(&mut self) -> Vec<(u32, String)> {
        self.nss.iter().map(|(n, fd)| (*fd as u32, n.clone())).collect()
    }

    fn run(&mut self, op: &Op) -> Outcome {
        match op {
            Op::Netns { ns } => {
                return match self.kernel.netns_add(ns) {
                    Ok(net) => {
                        self.nss.push((ns.clone(), net.ns_fd()));
                        Outcome::Ok
                    }
                    Err(e) => Outcome::Err(e.0),
                };
            }
            Op::NetnsDel { ns } => {
                self.nss.retain(|(n, _)| n != ns);
                return match self.kernel.netns_del(ns) {
                    Ok(()) => Outcome::Ok,
                    Err(e) => Outcome::Err(e.0),
                };
            }
            // The simulator runs deferred work (linkwatch, cleanup_net)
            // before the call that queued it returns: nothing to wait for.
            // The virtual clock moves as long as the kernel slept: timers
            // (DAD, lifetimes, neighbour states) fall due in both.
            Op::Wait { ms } => {
                self.kernel.advance_ms(*ms);
                return Outcome::Ok;
            }
            _ => {}
        }
        if let Op::Socket { name, ty, proto, user, ns } = op {
            let cred = if *user { Credentials::user(self.pid, 65534) } else { Credentials::root(self.pid) };
            let net = match ns {
                Some(ns) => match self.kernel.netns_get(ns) {
                    Some(n) => n,
                    None => return Outcome::Err(2), // ENOENT: no such namespace in the scenario
                },
                None => self.net.clone(),
            };
            return match net.socket_as(*ty, *proto, cred) {
                Ok(s) => {
                    self.socks.push((name.clone(), s));
                    Outcome::Ok
                }
                Err(e) => Outcome::Err(e.0),
            };
        }
        if let Op::Close { name } = op {
            self.socks.retain(|(n, _)| n != name);
            return Outcome::Ok;
        }
        let Some(s) = self.sock(op.sock()) else {
            return Outcome::Err(9); // EBADF: no such socket in the scenario
        };
        match op {
            Op::Bind { addr, .. } => res(s.bind_raw(addr), |_| Outcome::Ok),
            Op::Connect { addr, .. } => res(s.connect_raw(addr), |_| Outcome::Ok),
            Op::GetSockName { .. } => {
                let a = s.getsockname();
                Outcome::Addr { pid: a.pid, groups: a.groups }
            }
            Op::GetPeerName { .. } => {
                let a = s.getpeername();
                Outcome::Addr { pid: a.pid, groups: a.groups }
            }
            Op::SetSockOpt { level, opt, val, .. } => res(s.setsockopt(*level, *opt, val), |_| Outcome::Ok),
            Op::GetSockOpt { level, opt, len, .. } => {
                let mut b = vec![0u8; *len];
                res(s.getsockopt(*level, *opt, &mut b), |n| {
                    b.truncate(n.min(*len));
                    Outcome::SockOpt { len: n, bytes: b }
                })
            }
            Op::Send { to, flags, data, fixups, .. } => {
                let mut data = data.clone();
                for (at, f) in fixups {
                    let Fixup::NsFd(ns) = f;
                    let fd = self.nss.iter().find(|(n, _)| n == ns).map_or(-1, |(_, fd)| *fd);
                    data[*at..*at + 4].copy_from_slice(&fd.to_ne_bytes());
                }
                res(s.sendto_raw(&data, *flags, to.as_deref()), Outcome::Len)
            }
            Op::Recv { len, flags, .. } => recv(s, *len, *flags),
            Op::Drain { .. } => {
                let mut v = Vec::new();
                loop {
                    match recv(s, 65536, 0) {
                        Outcome::Err(11) => break,
                        o => v.push(o),
                    }
                    if v.len() > 10_000 {
                        break;
                    }
                }
                Outcome::Datagrams(v)
            }
            Op::SetUid { .. } => {
                s.set_task_credentials(Credentials::user(self.pid, 65534));
                Outcome::Ok
            }
            Op::Socket { .. } | Op::Close { .. } | Op::Netns { .. } | Op::NetnsDel { .. } | Op::Wait { .. } => {
                unreachable!("handled above")
            }
        }
    }
}
