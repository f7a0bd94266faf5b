//! The protocol between `rtnlsim serve` and the processes whose netlink
//! sockets it simulates (through `librtnlsim_preload.so`).
//!
//! Everything travels over `AF_UNIX` `SOCK_SEQPACKET` connections to the
//! server's socket (`RTNLSIM_SOCKET`), in native byte order (both ends are on
//! the same machine). A connection is one of two kinds, named by its first
//! message:
//!
//! - **A socket connection** backs one simulated netlink socket. Its client
//!   end *is* the program's file descriptor, so poll, select, epoll, fcntl,
//!   dup, fork and close act on it natively; when the last descriptor of it
//!   is closed the server sees the hang-up and closes the simulated socket.
//!   The client sends one [`Open`] message; after that only the server
//!   writes: one [`Frame`] of kind [`FRAME_OPENED`], then every datagram the
//!   simulated socket receives, each as one SEQPACKET message, [`Frame`]
//!   header then payload — pushed as soon as it is queued, so the descriptor
//!   becomes readable when a notification arrives while the program is
//!   elsewhere. A datagram stays one message, so `MSG_PEEK` and `MSG_TRUNC`
//!   work natively on it (with the header's length subtracted).
//! - **A control connection** (one per process, opened lazily, reopened after
//!   a fork) carries the synchronous calls: bind, connect, getsockname,
//!   getpeername, setsockopt, getsockopt, sendmsg, and interface-name
//!   lookups. Each is one [`Request`] message naming the socket by the token
//!   the server gave at open, answered by one [`Reply`] message. A sendmsg is
//!   answered only after the datagrams it caused (the kernel's reply, its
//!   ack, the first chunk of a dump) are in the socket connection, as on
//!   Linux, where the answer is queued before `sendmsg` returns.

/// First word of every opening message: "RNLS".
pub const MAGIC: u32 = 0x524e_4c53;
/// Protocol version; a server refuses any other.
pub const VERSION: u32 = 1;

/// [`Open::kind`]: this connection backs a netlink socket.
pub const OPEN_SOCKET: u32 = 1;
/// [`Open::kind`]: this connection is a process's control connection.
pub const OPEN_CONTROL: u32 = 2;

/// The first message on a connection: [`Open::LEN`] bytes, then (for a
/// socket) the namespace name, empty for the initial namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Open {
    pub kind: u32,
    /// socket(2)'s `type`, flags included (the simulated kernel checks them).
    pub sock_type: i32,
    /// socket(2)'s `protocol`.
    pub protocol: i32,
}

impl Open {
    pub const LEN: usize = 20;

    pub fn encode(&self, netns: &str) -> Vec<u8> {
        let mut v = Vec::with_capacity(Self::LEN + netns.len());
        for w in [MAGIC, VERSION, self.kind, self.sock_type as u32, self.protocol as u32] {
            v.extend_from_slice(&w.to_ne_bytes());
        }
        v.extend_from_slice(netns.as_bytes());
        v
    }

    /// The message and the namespace name, or `None` if it is not ours.
    pub fn decode(b: &[u8]) -> Option<(Open, String)> {
        if b.len() < Self::LEN || word(b, 0) != MAGIC || word(b, 4) != VERSION {
            return None;
        }
        let o = Open { kind: word(b, 8), sock_type: word(b, 12) as i32, protocol: word(b, 16) as i32 };
        Some((o, String::from_utf8_lossy(&b[Self::LEN..]).into_owned()))
    }
}

/// [`Frame::kind`]: the answer to [`Open`] (`err` 0 and `token`, or an errno).
pub const FRAME_OPENED: u32 = 1;
/// [`Frame::kind`]: a datagram follows the header.
pub const FRAME_DATA: u32 = 2;
/// [`Frame::kind`]: `recvmsg` must fail with `err` (ENOBUFS after an overrun).
pub const FRAME_ERROR: u32 = 3;

/// [`Frame::flags`]: `group` is a `NETLINK_PKTINFO` control message to give.
pub const F_PKTINFO: u32 = 1;
/// [`Frame::flags`]: `nsid` is a `NETLINK_LISTEN_ALL_NSID` control message to give.
pub const F_NSID: u32 = 2;

/// The header of every message the server writes on a socket connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Frame {
    pub kind: u32,
    /// An errno (positive), for `FRAME_OPENED` and `FRAME_ERROR`.
    pub err: i32,
    /// `msg_name`: the sender's port id…
    pub pid: u32,
    /// …and group mask.
    pub groups: u32,
    pub flags: u32,
    /// The `NETLINK_PKTINFO` group.
    pub group: u32,
    /// The `NETLINK_LISTEN_ALL_NSID` id.
    pub nsid: i32,
    /// `FRAME_OPENED`: the socket's token for control requests.
    pub token: u32,
}

impl Frame {
    pub const LEN: usize = 32;

    pub fn encode(&self) -> [u8; Self::LEN] {
        let mut b = [0u8; Self::LEN];
        let w =
            [self.kind, self.err as u32, self.pid, self.groups, self.flags, self.group, self.nsid as u32, self.token];
        for (i, x) in w.iter().enumerate() {
            b[i * 4..i * 4 + 4].copy_from_slice(&x.to_ne_bytes());
        }
        b
    }

    pub fn decode(b: &[u8]) -> Option<Frame> {
        if b.len() < Self::LEN {
            return None;
        }
        Some(Frame {
            kind: word(b, 0),
            err: word(b, 4) as i32,
            pid: word(b, 8),
            groups: word(b, 12),
            flags: word(b, 16),
            group: word(b, 20),
            nsid: word(b, 24) as i32,
            token: word(b, 28),
        })
    }
}

/// bind(2): payload the raw address.
pub const OP_BIND: u32 = 1;
/// connect(2): payload the raw address.
pub const OP_CONNECT: u32 = 2;
/// getsockname(2): reply payload the 12-byte `sockaddr_nl`.
pub const OP_GETSOCKNAME: u32 = 3;
/// getpeername(2): likewise.
pub const OP_GETPEERNAME: u32 = 4;
/// setsockopt(2): `a` level, `b` optname, payload the option bytes.
pub const OP_SETSOCKOPT: u32 = 5;
/// getsockopt(2): `a` level, `b` optname, `c` optlen; reply `ret` the
/// option's length, payload its bytes.
pub const OP_GETSOCKOPT: u32 = 6;
/// sendmsg(2): `a` flags, `b` 1 if a `msg_name` is given, `c` its length;
/// payload the name then the data; reply `ret` the bytes sent.
pub const OP_SENDMSG: u32 = 7;
/// The program offered a receive buffer of `a` bytes (recvmsg records the
/// largest, and dump chunks grow to it).
pub const OP_RECVBUF: u32 = 8;
/// A receive found the connection empty: pump what the socket has queued
/// (the pump may be waiting for room the program has just made) before
/// answering, so that a non-blocking read does not see EAGAIN while data is
/// still on its way.
pub const OP_FLUSH: u32 = 12;
/// if_nametoindex(3): payload "NETNS\0NAME"; `ret` the index or −ENODEV.
pub const OP_NAMETOINDEX: u32 = 9;
/// if_indextoname(3): `a` the index, payload the namespace; reply payload the name.
pub const OP_INDEXTONAME: u32 = 10;
/// if_nameindex(3): payload the namespace; reply payload `index (u32), name, NUL`…
pub const OP_NAMEINDEX: u32 = 11;
/// ioctl(SIOCGIFTXQLEN): payload "NETNS\0NAME"; `ret` the queue length or −ENODEV.
pub const OP_TXQLEN: u32 = 13;

/// A call on a control connection: [`Request::LEN`] bytes then the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Request {
    pub op: u32,
    pub token: u32,
    pub a: i32,
    pub b: i32,
    pub c: u32,
}

impl Request {
    pub const LEN: usize = 20;

    pub fn encode(&self, payload: &[&[u8]]) -> Vec<u8> {
        let n: usize = payload.iter().map(|p| p.len()).sum();
        let mut v = Vec::with_capacity(Self::LEN + n);
        for w in [self.op, self.token, self.a as u32, self.b as u32, self.c] {
            v.extend_from_slice(&w.to_ne_bytes());
        }
        for p in payload {
            v.extend_from_slice(p);
        }
        v
    }

    pub fn decode(b: &[u8]) -> Option<(Request, &[u8])> {
        if b.len() < Self::LEN {
            return None;
        }
        let r =
            Request { op: word(b, 0), token: word(b, 4), a: word(b, 8) as i32, b: word(b, 12) as i32, c: word(b, 16) };
        Some((r, &b[Self::LEN..]))
    }
}

/// The answer to a [`Request`]: `ret` (≥ 0, or a negative errno), then the payload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reply {
    pub ret: i64,
    pub payload: Vec<u8>,
}

impl Reply {
    pub const LEN: usize = 8;

    pub fn encode(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(Self::LEN + self.payload.len());
        v.extend_from_slice(&self.ret.to_ne_bytes());
        v.extend_from_slice(&self.payload);
        v
    }

    pub fn decode(b: &[u8]) -> Option<Reply> {
        let ret = i64::from_ne_bytes(b.get(..8)?.try_into().ok()?);
        Some(Reply { ret, payload: b[8..].to_vec() })
    }
}

/// The largest message either side writes: a sendmsg request of the biggest
/// netlink datagram a program may send, with room for its headers.
pub const MAX_MESSAGE: usize = 256 * 1024;

fn word(b: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let o = Open { kind: OPEN_SOCKET, sock_type: 3 | 0o2000000, protocol: 0 };
        assert_eq!(Open::decode(&o.encode("blue")), Some((o, "blue".to_string())));
        let f = Frame { kind: FRAME_DATA, err: 0, pid: 0, groups: 1, flags: F_PKTINFO, group: 1, nsid: -1, token: 7 };
        assert_eq!(Frame::decode(&f.encode()), Some(f));
        let r = Request { op: OP_SENDMSG, token: 3, a: 0x40, b: 1, c: 12 };
        let e = r.encode(&[b"abc", b"de"]);
        assert_eq!(Request::decode(&e), Some((r, &b"abcde"[..])));
        let y = Reply { ret: -22, payload: vec![1, 2] };
        assert_eq!(Reply::decode(&y.encode()), Some(y));
        assert_eq!(Open::decode(b"short"), None);
    }
}
