//! `rtnlsim demo sockets`: a tour of the simulated netlink socket layer.
//!
//! Sockets are opened, bound and joined to groups; a multicast goes out and
//! what arrives is shown decoded; a request the kernel cannot serve is
//! followed through the kernel, with the call tree the simulator traced. The
//! output is the same on every run.

use std::io::Write;
use std::sync::{Arc, Mutex};

use nlwire::uapi::netlink::*;
use nlwire::uapi::socket::*;
use nlwire::{NlMsgHdrRepr, SockaddrNl};
use rtnlsim_kernel::{Config, Credentials, Kernel, NetlinkSocket};

use crate::decode;
use crate::trace::{with_trace, Sink};

use super::Out;

fn request(ty: u16, flags: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
    let hdr = NlMsgHdrRepr { len: (16 + payload.len()) as u32, ty, flags, seq, pid: 0 };
    let mut v = hdr.to_bytes().to_vec();
    v.extend_from_slice(payload);
    while !v.len().is_multiple_of(4) {
        v.push(0);
    }
    v
}

fn show_recv(out: &mut Out<'_>, who: &str, s: &NetlinkSocket) {
    loop {
        let mut buf = vec![0u8; 8192];
        match s.recvmsg(&mut buf, MSG_DONTWAIT) {
            Ok(m) => {
                out.line(format!(
                    "  {who} recv → {} bytes from (pid {}, groups {:#x}){}",
                    m.len,
                    m.addr.pid,
                    m.addr.groups,
                    m.pktinfo.map(|g| format!(", pktinfo group {g}")).unwrap_or_default()
                ));
                let data = &buf[..m.len];
                if data.len() >= 16 && u32::from_ne_bytes([data[0], data[1], data[2], data[3]]) as usize <= data.len() {
                    out.block(&decode::datagram(data, "      "));
                } else {
                    out.line(format!("      \"{}\"", String::from_utf8_lossy(data)));
                }
            }
            Err(e) => {
                out.line(format!("  {who} recv → {e:?}"));
                if e == nlwire::Errno::EAGAIN {
                    break;
                }
            }
        }
    }
}

/// Runs the demo, writing to `w`; with `trace_all` every step prints its call tree.
pub fn run(w: &mut dyn Write, trace_all: bool) -> std::io::Result<()> {
    let buf: Arc<Mutex<Vec<u8>>> = Arc::new(Mutex::new(Vec::new()));
    let sink: Sink = buf.clone();
    let traced = |f: &mut dyn FnMut()| {
        with_trace(sink.clone(), &mut *f);
    };
    let flush = |out: &mut Out<'_>| out.call_tree(&buf);
    let mut out = Out { w };

    out.line("rtnlsim demo: the netlink socket layer of Linux 6.18, simulated");
    let k = Kernel::new(Config::default());
    let net = k.init_net();
    out.title("1. Boot: init_net and its kernel sockets");
    out.line("  Every namespace gets a NETLINK_ROUTE kernel socket (rtnetlink_net_init) and a");
    out.line("  NETLINK_KOBJECT_UEVENT one, both at port 0. /proc/net/netlink:");
    out.proc_net_netlink(&k, &net);

    out.title("2. Two NETLINK_USERSOCK sockets");
    let a = net.socket(NETLINK_USERSOCK).map_err(std::io::Error::other)?;
    let b = net.socket(NETLINK_USERSOCK).map_err(std::io::Error::other)?;
    let step = |out: &mut Out<'_>, what: &str, f: &mut dyn FnMut() -> String| {
        let mut r = String::new();
        if trace_all {
            traced(&mut || r = f());
        } else {
            r = f();
        }
        let r = r.strip_prefix("Ok(").and_then(|x| x.strip_suffix(')')).map(str::to_string).unwrap_or(r);
        out.line(format!("  {what} → {r}"));
        flush(out);
    };
    step(&mut out, "A: bind(pid 0)", &mut || format!("{:?}", a.bind(&SockaddrNl::new(0, 0))));
    step(&mut out, "A: getsockname", &mut || {
        format!("pid {} (autobind tries the process id first)", a.getsockname().pid)
    });
    step(&mut out, "B: bind(pid 4242)", &mut || format!("{:?}", b.bind(&SockaddrNl::new(4242, 0))));
    step(&mut out, "C: bind(pid 4242) on a third socket", &mut || match net.socket(NETLINK_USERSOCK) {
        Ok(c) => format!("{:?}", c.bind(&SockaddrNl::new(4242, 0))),
        Err(e) => format!("{e:?}"),
    });

    out.title("3. A joins group 3; B multicasts to it");
    step(&mut out, "A: setsockopt(NETLINK_ADD_MEMBERSHIP, 3)", &mut || {
        format!("{:?}", a.setsockopt_int(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, 3))
    });
    step(&mut out, "A: setsockopt(NETLINK_PKTINFO, 1)", &mut || {
        format!("{:?}", a.setsockopt_int(SOL_NETLINK, NETLINK_PKTINFO, 1))
    });
    step(&mut out, "B: sendto(pid 0, groups 1<<2, \"hello, group 3\")", &mut || {
        format!("{:?}", b.sendto(b"hello, group 3", 0, &SockaddrNl::new(0, 1 << 2)))
    });
    out.line("  (Linux delivers the multicast, then unicasts to port 0, where USERSOCK has no");
    out.line("   kernel socket: send(2) reports ECONNREFUSED although the group got the message.)");
    show_recv(&mut out, "A", &a);
    show_recv(&mut out, "B", &b);

    out.title("4. A request the kernel cannot serve, followed through the kernel");
    let r = net.socket(NETLINK_ROUTE).map_err(std::io::Error::other)?;
    let req = request(124, NLM_F_REQUEST | NLM_F_ACK, 1, &[0, 0, 0, 0]);
    out.line("  R (NETLINK_ROUTE): send type 124 (above RTM_MAX) with NLM_F_REQUEST|NLM_F_ACK:");
    out.block(&decode::datagram(&req, "      "));
    let mut res = Ok(0);
    traced(&mut || res = r.send(&req, 0));
    out.line(format!("  send → {res:?}"));
    flush(&mut out);
    show_recv(&mut out, "R", &r);
    out.line("  With NETLINK_CAP_ACK the error carries only the request's header:");
    let _ = r.setsockopt_int(SOL_NETLINK, NETLINK_CAP_ACK, 1);
    let _ = r.send(&request(124, NLM_F_REQUEST | NLM_F_ACK, 2, &[0, 0, 0, 0]), 0);
    show_recv(&mut out, "R", &r);

    out.title("5. Permissions: RTM_NEWADDR from a task without CAP_NET_ADMIN");
    let u =
        net.socket_as(SOCK_RAW, NETLINK_ROUTE as i32, Credentials::user(1001, 65534)).map_err(std::io::Error::other)?;
    step(&mut out, "U: send RTM_NEWADDR", &mut || {
        format!("{:?}", u.send(&request(20, NLM_F_REQUEST | NLM_F_ACK, 7, &[2, 24, 0, 0, 1, 0, 0, 0]), 0))
    });
    show_recv(&mut out, "U", &u);

    out.title("6. A full receive buffer: ENOBUFS, once");
    let l = net.socket(NETLINK_USERSOCK).map_err(std::io::Error::other)?;
    let _ = l.bind(&SockaddrNl::new(777, 1));
    let _ = l.setsockopt_int(SOL_SOCKET, SO_RCVBUF, 4096);
    out.line(format!(
        "  L: SO_RCVBUF 4096 → sk_rcvbuf {} (doubled); B multicasts 20 datagrams of 40 bytes (truesize 832 each)",
        l.getsockopt_int(SOL_SOCKET, SO_RCVBUF).unwrap_or(0)
    ));
    for _ in 0..20 {
        let _ = b.sendto(&[0u8; 40], 0, &SockaddrNl::new(0, 1));
    }
    out.line(format!("  queued {} datagrams, rmem {} bytes, {} dropped", l.queued(), l.rmem_alloc(), l.drops()));
    let mut seen = Vec::new();
    loop {
        match l.recv(&mut [0u8; 64], MSG_DONTWAIT) {
            Ok(n) => seen.push(format!("{n}")),
            Err(e) if e == nlwire::Errno::EAGAIN => break,
            Err(e) => seen.push(format!("{e:?}")),
        }
    }
    out.line(format!("  L: recv, recv, … → {}", seen.join(", ")));

    out.title("7. /proc/net/netlink at the end");
    out.proc_net_netlink(&k, &net);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(trace: bool) -> String {
        let mut v = Vec::new();
        run(&mut v, trace).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn demo_is_deterministic_and_shows_the_socket_layer() {
        let a = output(false);
        assert_eq!(a, output(false), "two runs must print the same bytes");
        for want in [
            "A: getsockname → pid 1000 (autobind tries the process id first)",
            "C: bind(pid 4242) on a third socket → Err(EADDRINUSE)",
            "A recv → 14 bytes from (pid 4242, groups 0x4), pktinfo group 3",
            "B: sendto(pid 0, groups 1<<2, \"hello, group 3\") → Err(ECONNREFUSED)",
            "rtnetlink_rcv_msg ty=124 seq=1",
            "netlink_ack seq=1 err=-95",
            "error: -95 (EOPNOTSUPP: Operation not supported)",
            "NLMSG_ERROR len=36 flags=CAPPED seq=2",
            "error: -1 (EPERM: Operation not permitted)",
            "queued 9 datagrams, rmem 7488 bytes, 11 dropped",
            "L: recv, recv, … → ENOBUFS, 40, 40, 40, 40, 40, 40, 40, 40, 40",
        ] {
            assert!(a.contains(want), "missing {want:?} in:\n{a}");
        }
    }

    #[test]
    fn trace_flag_traces_every_step() {
        let t = output(true);
        assert!(t.matches("kernel call tree:").count() > 5, "{t}");
        assert!(t.contains("netlink_broadcast group=3 delivered=1"), "{t}");
    }
}
