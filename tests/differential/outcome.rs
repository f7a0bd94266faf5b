//! What an operation returned, and how it is printed so that the simulator's
//! and the kernel's transcripts can be compared line by line.
//!
//! Port ids are the only values that legitimately differ between two runs
//! (the kernel picks random negative ones after the first), so they are
//! printed symbolically: the process id as `PID`, any other port id that a
//! socket of the scenario holds as `P(name)`. Everything else is printed as
//! is: return values, errnos, flags, datagram boundaries, headers and
//! payload bytes.

use std::fmt::Write;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Err(i32),
    Addr { pid: u32, groups: u32 },
    Len(usize),
    SockOpt { len: usize, bytes: Vec<u8> },
    Datagram { ret: usize, msg_flags: u32, from: (u32, u32), pktinfo: Option<u32>, data: Vec<u8> },
    Datagrams(Vec<Outcome>),
}

/// Turns port ids into names.
pub struct Names {
    pub pid: u32,
    /// (portid, socket name), in socket creation order.
    pub ports: Vec<(u32, String)>,
}

impl Names {
    pub fn port(&self, p: u32) -> String {
        if p == 0 {
            return "0".into();
        }
        if p == self.pid {
            return "PID".into();
        }
        if let Some((_, n)) = self.ports.iter().find(|(q, _)| *q == p) {
            return format!("P({n})");
        }
        if p >= 0x8000_0000 {
            // A random autobind id of a socket that no longer exists.
            return "P(?)".into();
        }
        p.to_string()
    }
}

pub fn errno_name(e: i32) -> String {
    rtnlsim::Errno(e).name().map(str::to_string).unwrap_or_else(|| format!("errno {e}"))
}

fn hexs(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Prints a datagram as netlink messages when it walks as such, raw otherwise.
fn datagram(data: &[u8], names: &Names, out: &mut String) {
    let mut off = 0;
    let mut msgs = Vec::new();
    while data.len() - off >= 16 {
        let len = u32::from_ne_bytes(data[off..off + 4].try_into().unwrap()) as usize;
        if len < 16 || off + len > data.len() {
            break;
        }
        msgs.push(&data[off..off + len]);
        off += (len + 3) & !3;
        off = off.min(data.len());
    }
    if msgs.is_empty() || off != data.len() {
        let _ = write!(out, "\n    raw {}", hexs(data));
        return;
    }
    for m in msgs {
        let ty = u16::from_ne_bytes([m[4], m[5]]);
        let flags = u16::from_ne_bytes([m[6], m[7]]);
        let seq = u32::from_ne_bytes(m[8..12].try_into().unwrap());
        let pid = u32::from_ne_bytes(m[12..16].try_into().unwrap());
        let _ = write!(
            out,
            "\n    msg len={} type={} flags=0x{:x} seq={} pid={} | {}",
            m.len(),
            ty,
            flags,
            seq,
            names.port(pid),
            hexs(&m[16..])
        );
    }
}

pub fn render(o: &Outcome, names: &Names) -> String {
    let mut s = String::new();
    match o {
        Outcome::Ok => s.push_str("ok"),
        Outcome::Err(e) => s.push_str(&errno_name(*e)),
        Outcome::Addr { pid, groups } => {
            let _ = write!(s, "pid={} groups=0x{groups:x}", names.port(*pid));
        }
        Outcome::Len(n) => {
            let _ = write!(s, "{n}");
        }
        Outcome::SockOpt { len, bytes } => {
            let _ = write!(s, "optlen={len} {}", hexs(bytes));
        }
        Outcome::Datagram { ret, msg_flags, from, pktinfo, data } => {
            let _ = write!(
                s,
                "ret={ret} msg_flags=0x{msg_flags:x} from={}/0x{:x} pktinfo={}",
                names.port(from.0),
                from.1,
                pktinfo.map_or("-".to_string(), |g| g.to_string())
            );
            datagram(data, names, &mut s);
        }
        Outcome::Datagrams(v) => {
            let _ = write!(s, "{} datagram(s)", v.len());
            for d in v {
                let _ = write!(s, "\n  {}", render(d, names).replace('\n', "\n  "));
            }
        }
    }
    s
}
