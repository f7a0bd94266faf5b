//! The scenario language of the differential harness.
//!
//! A scenario is a list of socket operations, one per line; `#` starts a
//! comment. Sockets are named; every operation names its socket first.
//!
//! ```text
//! socket NAME PROTO [user]          PROTO: ROUTE, USERSOCK, UEVENT or a number; `user` = uid 65534, no caps
//! socket_type NAME TYPE PROTO       socket(2) with another type (e.g. 1 = SOCK_STREAM)
//! bind NAME PID [GROUPS]            bind(2); PID 0 autobinds; GROUPS is the nl_groups mask
//! bind_raw NAME HEX                 bind(2) with raw sockaddr bytes (length = bytes given)
//! connect NAME PID [GROUPS]         connect(2)
//! disconnect NAME                   connect(2) to AF_UNSPEC
//! getsockname NAME | getpeername NAME
//! setsockopt NAME LEVEL OPT VALUE   LEVEL: SOL_NETLINK | SOL_SOCKET; VALUE: integer or hex:BYTES
//! getsockopt NAME LEVEL OPT LEN     prints the returned length and bytes
//! send NAME [to=PID[/GROUPS]] [flags=F|F] ITEM...
//! recv NAME LEN [flags=F|F]         one recvmsg(2), MSG_DONTWAIT implied
//! drain NAME                        recvmsg(2) with a 64 KiB buffer until EAGAIN
//! setuid NAME                       later calls on NAME run as uid 65534 without capabilities
//! close NAME
//! repeat N OPERATION               the operation N times
//! ```
//!
//! A datagram is the concatenation of its ITEMs:
//! `m:TYPE:FLAGS:SEQ[:HEX]` is one netlink message (`nlmsg_len` computed,
//! payload padded to 4), `m:TYPE:FLAGS:SEQ:HEX:len=N` forces `nlmsg_len`,
//! `raw:HEX` is raw bytes, `zeros:N` N zero bytes. TYPE and FLAGS take numbers or names
//! (`RTM_GETLINK`, `REQUEST|ACK|DUMP`); `PID` is the process id.

use std::collections::HashMap;

#[derive(Debug, Clone)]
pub enum Op {
    Socket { name: String, ty: i32, proto: i32, user: bool },
    Bind { name: String, addr: Vec<u8> },
    Connect { name: String, addr: Vec<u8> },
    GetSockName { name: String },
    GetPeerName { name: String },
    SetSockOpt { name: String, level: i32, opt: u32, val: Vec<u8> },
    GetSockOpt { name: String, level: i32, opt: u32, len: usize },
    Send { name: String, to: Option<Vec<u8>>, flags: u32, data: Vec<u8> },
    Recv { name: String, len: usize, flags: u32 },
    Drain { name: String },
    SetUid { name: String },
    Close { name: String },
}

impl Op {
    pub fn sock(&self) -> &str {
        match self {
            Op::Socket { name, .. }
            | Op::Bind { name, .. }
            | Op::Connect { name, .. }
            | Op::GetSockName { name }
            | Op::GetPeerName { name }
            | Op::SetSockOpt { name, .. }
            | Op::GetSockOpt { name, .. }
            | Op::Send { name, .. }
            | Op::Recv { name, .. }
            | Op::Drain { name }
            | Op::SetUid { name }
            | Op::Close { name } => name,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Step {
    pub line: String,
    pub op: Op,
}

pub fn parse(text: &str) -> Result<Vec<Step>, String> {
    let mut out = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        // `repeat N OP…` runs the operation N times.
        let (times, rest) = match line.strip_prefix("repeat ") {
            Some(r) => {
                let (count, rest) =
                    r.split_once(' ').ok_or_else(|| format!("line {}: repeat needs an operation", n + 1))?;
                (count.parse::<usize>().map_err(|e| format!("line {}: {e}", n + 1))?, rest.trim())
            }
            None => (1, line),
        };
        let op = parse_line(rest).map_err(|e| format!("line {}: {e}: {raw}", n + 1))?;
        for _ in 0..times {
            out.push(Step { line: rest.to_string(), op: op.clone() });
        }
    }
    Ok(out)
}

fn names() -> HashMap<&'static str, u64> {
    let mut m = HashMap::new();
    for (k, v) in [
        ("ROUTE", 0),
        ("USERSOCK", 2),
        ("UEVENT", 15),
        ("SOL_SOCKET", 1),
        ("SOL_NETLINK", 270),
        ("SO_SNDBUF", 7),
        ("SO_RCVBUF", 8),
        ("SO_SNDBUFFORCE", 32),
        ("SO_RCVBUFFORCE", 33),
        ("SO_PROTOCOL", 38),
        ("NETLINK_ADD_MEMBERSHIP", 1),
        ("NETLINK_DROP_MEMBERSHIP", 2),
        ("NETLINK_PKTINFO", 3),
        ("NETLINK_BROADCAST_ERROR", 4),
        ("NETLINK_NO_ENOBUFS", 5),
        ("NETLINK_RX_RING", 6),
        ("NETLINK_LISTEN_ALL_NSID", 8),
        ("NETLINK_LIST_MEMBERSHIPS", 9),
        ("NETLINK_CAP_ACK", 10),
        ("NETLINK_EXT_ACK", 11),
        ("NETLINK_GET_STRICT_CHK", 12),
        ("NLMSG_NOOP", 1),
        ("NLMSG_ERROR", 2),
        ("NLMSG_DONE", 3),
        ("RTM_NEWLINK", 16),
        ("RTM_DELLINK", 17),
        ("RTM_GETLINK", 18),
        ("RTM_SETLINK", 19),
        ("RTM_NEWADDR", 20),
        ("RTM_DELADDR", 21),
        ("RTM_GETADDR", 22),
        ("RTM_NEWROUTE", 24),
        ("RTM_DELROUTE", 25),
        ("RTM_GETROUTE", 26),
        ("RTM_GETNETCONF", 82),
        ("REQUEST", 0x1),
        ("MULTI", 0x2),
        ("ACK", 0x4),
        ("ECHO", 0x8),
        ("ROOT", 0x100),
        ("MATCH", 0x200),
        ("ATOMIC", 0x400),
        ("DUMP", 0x300),
        ("REPLACE", 0x100),
        ("EXCL", 0x200),
        ("CREATE", 0x400),
        ("APPEND", 0x800),
        ("BULK", 0x200),
        ("PEEK", 0x2),
        ("TRUNC", 0x20),
        ("DONTWAIT", 0x40),
        ("OOB", 0x1),
    ] {
        m.insert(k, v);
    }
    m
}

fn num(s: &str) -> Result<u64, String> {
    let n = names();
    let mut total = 0u64;
    for part in s.split('|') {
        let v = if let Some(v) = n.get(part) {
            *v
        } else if part == "PID" {
            std::process::id() as u64
        } else if let Some(h) = part.strip_prefix("0x") {
            u64::from_str_radix(h, 16).map_err(|e| format!("{part}: {e}"))?
        } else if let Some(neg) = part.strip_prefix('-') {
            (neg.parse::<i64>().map_err(|e| format!("{part}: {e}"))?).wrapping_neg() as u64
        } else {
            part.parse::<u64>().map_err(|e| format!("{part}: {e}"))?
        };
        total |= v;
    }
    Ok(total)
}

pub fn hex(s: &str) -> Result<Vec<u8>, String> {
    let s: String = s.chars().filter(|c| !c.is_whitespace() && *c != '_').collect();
    if !s.len().is_multiple_of(2) {
        return Err(format!("odd hex length: {s}"));
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| e.to_string())).collect()
}

fn sockaddr(pid: u32, groups: u32) -> Vec<u8> {
    let mut b = vec![16, 0, 0, 0];
    b.extend_from_slice(&pid.to_ne_bytes());
    b.extend_from_slice(&groups.to_ne_bytes());
    b
}

fn message(spec: &str) -> Result<Vec<u8>, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    if parts.len() < 4 {
        return Err(format!("message needs m:TYPE:FLAGS:SEQ: {spec}"));
    }
    let ty = num(parts[1])? as u16;
    let flags = num(parts[2])? as u16;
    let seq = num(parts[3])? as u32;
    let mut payload = Vec::new();
    let mut forced_len = None;
    for extra in &parts[4..] {
        if let Some(l) = extra.strip_prefix("len=") {
            forced_len = Some(num(l)? as u32);
        } else {
            payload = hex(extra)?;
        }
    }
    let len = forced_len.unwrap_or(16 + payload.len() as u32);
    let mut out = Vec::new();
    out.extend_from_slice(&len.to_ne_bytes());
    out.extend_from_slice(&ty.to_ne_bytes());
    out.extend_from_slice(&flags.to_ne_bytes());
    out.extend_from_slice(&seq.to_ne_bytes());
    out.extend_from_slice(&0u32.to_ne_bytes());
    out.extend_from_slice(&payload);
    while !out.len().is_multiple_of(4) && forced_len.is_none() {
        out.push(0);
    }
    Ok(out)
}

fn parse_line(line: &str) -> Result<Op, String> {
    let w: Vec<&str> = line.split_whitespace().collect();
    let arg = |i: usize| w.get(i).copied().ok_or_else(|| format!("missing argument {i}"));
    let name = arg(1)?.to_string();
    Ok(match w[0] {
        "socket" => Op::Socket { name, ty: 3, proto: num(arg(2)?)? as i32, user: w.get(3) == Some(&"user") },
        "socket_type" => Op::Socket { name, ty: num(arg(2)?)? as i32, proto: num(arg(3)?)? as i32, user: false },
        "bind" => Op::Bind {
            name,
            addr: sockaddr(num(arg(2)?)? as u32, w.get(3).map(|g| num(g)).transpose()?.unwrap_or(0) as u32),
        },
        "bind_raw" => Op::Bind { name, addr: hex(arg(2)?)? },
        "connect" => Op::Connect {
            name,
            addr: sockaddr(num(arg(2)?)? as u32, w.get(3).map(|g| num(g)).transpose()?.unwrap_or(0) as u32),
        },
        "disconnect" => Op::Connect { name, addr: vec![0, 0] },
        "getsockname" => Op::GetSockName { name },
        "getpeername" => Op::GetPeerName { name },
        "setsockopt" => {
            let v = arg(4)?;
            let val = match v.strip_prefix("hex:") {
                Some(h) => hex(h)?,
                None => (num(v)? as u32).to_ne_bytes().to_vec(),
            };
            Op::SetSockOpt { name, level: num(arg(2)?)? as i32, opt: num(arg(3)?)? as u32, val }
        }
        "getsockopt" => {
            Op::GetSockOpt { name, level: num(arg(2)?)? as i32, opt: num(arg(3)?)? as u32, len: num(arg(4)?)? as usize }
        }
        "send" => {
            let mut to = None;
            let mut flags = 0;
            let mut data = Vec::new();
            for item in &w[2..] {
                if let Some(t) = item.strip_prefix("to=") {
                    let (pid, groups) = t.split_once('/').unwrap_or((t, "0"));
                    to = Some(sockaddr(num(pid)? as u32, num(groups)? as u32));
                } else if let Some(f) = item.strip_prefix("flags=") {
                    flags = num(f)? as u32;
                } else if let Some(h) = item.strip_prefix("raw:") {
                    data.extend(hex(h)?);
                } else if let Some(n) = item.strip_prefix("zeros:") {
                    data.extend(std::iter::repeat_n(0u8, num(n)? as usize));
                } else if item.starts_with("m:") {
                    data.extend(message(item)?);
                } else {
                    return Err(format!("unknown send item {item}"));
                }
            }
            Op::Send { name, to, flags, data }
        }
        "recv" => {
            let flags = match w.get(3).and_then(|f| f.strip_prefix("flags=")) {
                Some(f) => num(f)? as u32,
                None => 0,
            };
            Op::Recv { name, len: num(arg(2)?)? as usize, flags }
        }
        "drain" => Op::Drain { name },
        "setuid" => Op::SetUid { name },
        "close" => Op::Close { name },
        other => return Err(format!("unknown operation {other}")),
    })
}
