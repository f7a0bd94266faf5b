//! The rtnetlink handle: iproute2's lib/libnetlink.c over an [`NlTransport`].
//!
//! `rtnl_open` sets the socket up as `ip` does (buffers, extended acks,
//! autobind, `getsockname`); `rtnl_talk` sends one request and waits for its
//! answer or ack; `rtnl_dump_filter` reads a dump to its `NLMSG_DONE`;
//! `rtnl_listen` reads until a handler stops it. Errors print exactly as
//! there: `RTNETLINK answers: <strerror>`, or the kernel's extended-ack
//! message as `Error: <msg>.` (lib/libnetlink.c `nl_dump_ext_ack`).

use nlwire::hdr::NlMsgErr;
use nlwire::uapi::netlink::*;
use nlwire::uapi::socket::{MSG_PEEK, MSG_TRUNC, SOL_NETLINK, SOL_SOCKET, SO_RCVBUF, SO_SNDBUF};
use nlwire::{nlmsg_align, Errno, NlMsgHdr, Nla, SockaddrNl};

use super::error::Exit;
use super::utils::strerror;
use crate::transport::NlTransport;

/// `rcvbuf`: iproute2's default receive buffer, 1 MiB.
pub const RCVBUF: i32 = 1024 * 1024;

/// Why a talk or a dump did not produce its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// The C function returned this (negative) value; the message is printed
    /// and `errno` is set.
    Fail(i32),
    /// The C code called `exit()`.
    Exit(Exit),
}

impl From<Exit> for Flow {
    fn from(e: Exit) -> Self {
        Flow::Exit(e)
    }
}

/// `struct rtnl_handle`.
pub struct RtnlHandle {
    sock: Box<dyn NlTransport>,
    /// `local`: our address after `getsockname`.
    pub local: SockaddrNl,
    /// `seq`: starts at `time(NULL)`, incremented before every request.
    pub seq: u32,
    /// `dump`: the sequence number of the dump in progress.
    pub dump: u32,
    /// `RTNL_HANDLE_F_STRICT_CHK`.
    pub strict: bool,
    /// `RTNL_HANDLE_F_SUPPRESS_NLERR`.
    pub suppress_nlerr: bool,
    /// `errno` as the C library would have left it.
    pub errno: Errno,
    /// A dump's error handler (`save_route_errhndlr`) answers
    /// `RTNL_SUPPRESS_NLMSG_DONE_NLERR` for ENOENT on its NLMSG_DONE.
    pub suppress_done_enoent: bool,
}

/// `perror(what)`.
pub fn perror(err: &mut String, what: &str, e: Errno) {
    err.push_str(&format!("{what}: {}\n", strerror(e)));
}

impl RtnlHandle {
    /// `rtnl_open_byproto(rth, 0, NETLINK_ROUTE)` on a socket the host opened;
    /// `None` when it failed, with the message ip prints in `err`.
    pub fn open(sock: Box<dyn NlTransport>, time: u32, err: &mut String) -> Option<RtnlHandle> {
        RtnlHandle::open_bound(sock, time, SockaddrNl::new(0, 0), err)
    }

    /// `rtnl_open_byproto(rth, subscriptions, NETLINK_ROUTE)`: bound with
    /// `nl_groups = subscriptions` in `local`.
    pub fn open_bound(
        sock: Box<dyn NlTransport>,
        time: u32,
        local: SockaddrNl,
        err: &mut String,
    ) -> Option<RtnlHandle> {
        if let Err(e) = sock.setsockopt_int(SOL_SOCKET, SO_SNDBUF, 32768) {
            perror(err, "SO_SNDBUF", e);
            return None;
        }
        if let Err(e) = sock.setsockopt_int(SOL_SOCKET, SO_RCVBUF, RCVBUF) {
            perror(err, "SO_RCVBUF", e);
            return None;
        }
        // Older kernels may not support extended ACK reporting.
        let _ = sock.setsockopt_int(SOL_NETLINK, NETLINK_EXT_ACK, 1);
        if let Err(e) = sock.bind(&local) {
            perror(err, "Cannot bind netlink socket", e);
            return None;
        }
        let local = match sock.getsockname() {
            Ok(a) => a,
            Err(e) => {
                perror(err, "Cannot getsockname", e);
                return None;
            }
        };
        Some(RtnlHandle {
            sock,
            local,
            seq: time,
            dump: 0,
            strict: false,
            suppress_nlerr: false,
            errno: Errno(0),
            suppress_done_enoent: false,
        })
    }

    /// `rtnl_set_strict_dump`.
    pub fn set_strict_dump(&mut self) {
        if self.sock.setsockopt_int(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1).is_ok() {
            self.strict = true;
        }
    }

    /// `rtnl_send`: `send(fd, buf, len, 0)`.
    pub fn send(&mut self, buf: &[u8]) -> Result<usize, Errno> {
        self.sock.sendto(buf, None).inspect_err(|e| self.errno = *e)
    }

    /// `__rtnl_recvmsg`: the C code retries EINTR and EAGAIN forever; a
    /// simulated socket that has nothing queued never will, so EAGAIN is
    /// reported instead of waited on.
    fn recvmsg_once(
        &mut self,
        buf: &mut [u8],
        flags: u32,
        err: &mut String,
    ) -> Result<crate::transport::RecvInfo, i32> {
        match self.sock.recvmsg(buf, flags) {
            Ok(r) if r.len == 0 => {
                err.push_str("EOF on netlink\n");
                Err(-Errno::ENODATA.0)
            }
            Ok(r) => Ok(r),
            Err(e) => {
                self.errno = e;
                err.push_str(&format!("netlink receive error {} ({})\n", strerror(e), e.0));
                Err(-e.0)
            }
        }
    }

    /// `rtnl_recvmsg`: peek the datagram's length with an empty buffer and
    /// `MSG_PEEK|MSG_TRUNC`, then read it into at least 32 KiB.
    fn recv_datagram(&mut self, err: &mut String) -> Result<(Vec<u8>, crate::transport::RecvInfo), i32> {
        let peek = self.recvmsg_once(&mut [], MSG_PEEK | MSG_TRUNC, err)?;
        let mut buf = vec![0u8; peek.len.max(32768)];
        let r = self.recvmsg_once(&mut buf, 0, err)?;
        buf.truncate(r.len.min(buf.len()));
        Ok((buf, r))
    }

    /// `rtnl_talk` (`__rtnl_talk_iov` with one request): numbers the request,
    /// asks for an ack unless an answer is wanted, sends it to the kernel and
    /// reads until the reply for this sequence number comes. Returns the
    /// answer (`Some`) or the ack (`None`).
    pub fn talk(
        &mut self,
        req: &mut [u8],
        want_answer: bool,
        show_err: bool,
        err: &mut String,
    ) -> Result<Option<Vec<u8>>, Flow> {
        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        {
            let mut h = NlMsgHdr::new_unchecked(&mut req[..]);
            h.set_nlmsg_seq(seq);
            if !want_answer {
                let f = h.nlmsg_flags();
                h.set_nlmsg_flags(f | NLM_F_ACK);
            }
        }
        if let Err(e) = self.sock.sendto(req, Some(&SockaddrNl::new(0, 0))) {
            self.errno = e;
            perror(err, "Cannot talk to rtnetlink", e);
            return Err(Flow::Fail(-1));
        }
        loop {
            let (buf, info) = self.recv_datagram(err).map_err(Flow::Fail)?;
            if info.namelen != SockaddrNl::LEN {
                err.push_str(&format!("sender address length == {}\n", info.namelen));
                return Err(Flow::Exit(Exit(1)));
            }
            let mut off = 0;
            while buf.len() - off >= NLMSG_HDRLEN {
                let h = NlMsgHdr::new_unchecked(&buf[off..]);
                let len = h.nlmsg_len() as usize;
                if len < NLMSG_HDRLEN || len > buf.len() - off {
                    if info.msg_flags & MSG_TRUNC != 0 {
                        err.push_str("Truncated message\n");
                        return Err(Flow::Fail(-1));
                    }
                    err.push_str(&format!("!!!malformed message: len={len}\n"));
                    return Err(Flow::Exit(Exit(1)));
                }
                let msg = &buf[off..off + len];
                off += nlmsg_align(len).min(buf.len() - off);
                let h = NlMsgHdr::new_unchecked(msg);
                // `h->nlmsg_seq > seq || h->nlmsg_seq < seq - iovlen`: with one
                // request, the previous sequence number is accepted too.
                let s = h.nlmsg_seq();
                if info.from.pid != 0 || h.nlmsg_pid() != self.local.pid || s > seq || s < seq.wrapping_sub(1) {
                    continue; // Don't forget to skip that message.
                }
                if h.nlmsg_type() == NLMSG_ERROR {
                    let Ok(e) = NlMsgErr::new_checked(h.payload(), h.nlmsg_flags()) else {
                        err.push_str("ERROR truncated\n");
                        return Err(Flow::Fail(-1));
                    };
                    if e.error() == 0 {
                        nl_dump_ext_ack(&h, err);
                        return Ok(if want_answer { Some(msg.to_vec()) } else { None });
                    }
                    self.errno = Errno(e.error().wrapping_neg());
                    if show_err {
                        rtnl_talk_error(&h, err);
                    }
                    return Err(Flow::Fail(-1));
                }
                if want_answer {
                    return Ok(Some(msg.to_vec()));
                }
                err.push_str("Unexpected reply!!!\n");
            }
            if info.msg_flags & MSG_TRUNC != 0 {
                err.push_str("Message truncated\n");
                continue;
            }
            if off < buf.len() {
                err.push_str(&format!("!!!Remnant of size {}\n", buf.len() - off));
                return Err(Flow::Exit(Exit(1)));
            }
        }
    }

    /// Sends a dump request (`rtnl_linkdump_req_filter_fn` and friends):
    /// `NLM_F_DUMP|NLM_F_REQUEST`, numbered `dump = ++seq`, by plain `send`.
    pub fn dump_request(&mut self, req: &mut [u8]) -> Result<usize, Errno> {
        self.seq = self.seq.wrapping_add(1);
        self.dump = self.seq;
        NlMsgHdr::new_unchecked(&mut req[..]).set_nlmsg_seq(self.dump);
        self.send(req)
    }

    /// `rtnl_dump_filter`: every message of the dump goes to `filter` until
    /// `NLMSG_DONE`. Returns the filter's negative value if it stops, -1 on
    /// an error the kernel reported.
    pub fn dump_filter(
        &mut self,
        err: &mut String,
        filter: &mut dyn FnMut(&NlMsgHdr<&[u8]>) -> i32,
    ) -> Result<(), Flow> {
        let mut dump_intr = false;
        loop {
            let (buf, info) = self.recv_datagram(err).map_err(Flow::Fail)?;
            let mut found_done = false;
            let mut off = 0;
            while buf.len() - off >= NLMSG_HDRLEN {
                let h = NlMsgHdr::new_unchecked(&buf[off..]);
                let len = h.nlmsg_len() as usize;
                if len < NLMSG_HDRLEN || len > buf.len() - off {
                    break;
                }
                let msg = &buf[off..off + len];
                off += nlmsg_align(len).min(buf.len() - off);
                let h = NlMsgHdr::new_unchecked(msg);
                if info.from.pid != 0 || h.nlmsg_pid() != self.local.pid || h.nlmsg_seq() != self.dump {
                    continue;
                }
                if h.nlmsg_flags() & NLM_F_DUMP_INTR != 0 {
                    dump_intr = true;
                }
                if h.nlmsg_type() == NLMSG_DONE {
                    self.dump_done(&h, err)?;
                    found_done = true;
                    break;
                }
                if h.nlmsg_type() == NLMSG_ERROR {
                    self.dump_error(&h, err);
                    return Err(Flow::Fail(-1));
                }
                let r = filter(&h);
                if r < 0 {
                    return Err(Flow::Fail(r));
                }
            }
            if found_done {
                if dump_intr {
                    err.push_str("Dump was interrupted and may be inconsistent.\n");
                }
                return Ok(());
            }
            if info.msg_flags & MSG_TRUNC != 0 {
                err.push_str("Message truncated\n");
                continue;
            }
            if off < buf.len() {
                err.push_str(&format!("!!!Remnant of size {}\n", buf.len() - off));
                return Err(Flow::Exit(Exit(1)));
            }
        }
    }

    /// `rtnl_dump_done`.
    fn dump_done(&mut self, h: &NlMsgHdr<&[u8]>, err: &mut String) -> Result<(), Flow> {
        let p = h.payload();
        if p.len() < 4 {
            err.push_str("DONE truncated\n");
            return Err(Flow::Fail(-1));
        }
        let len = i32::from_ne_bytes([p[0], p[1], p[2], p[3]]);
        if len < 0 {
            self.errno = Errno(len.wrapping_neg());
            if self.suppress_done_enoent && self.errno == Errno::ENOENT {
                return Ok(());
            }
            // check for any messages returned from kernel
            if nl_dump_ext_ack_done(&p[4..], len, err) {
                return Err(Flow::Fail(len));
            }
            match self.errno {
                Errno::ENOENT | Errno::EOPNOTSUPP => return Err(Flow::Fail(-1)),
                Errno::EMSGSIZE => err.push_str("Error: Buffer too small for object.\n"),
                e => perror(err, "RTNETLINK answers", e),
            }
            return Err(Flow::Fail(len));
        }
        Ok(())
    }

    /// `rtnl_dump_error`.
    fn dump_error(&mut self, h: &NlMsgHdr<&[u8]>, err: &mut String) {
        match NlMsgErr::new_checked(h.payload(), h.nlmsg_flags()) {
            Err(_) => err.push_str("ERROR truncated\n"),
            Ok(e) => {
                self.errno = Errno(e.error().wrapping_neg());
                if !self.suppress_nlerr {
                    perror(err, "RTNETLINK answers", self.errno);
                }
            }
        }
    }

    /// `rtnl_listen`: reads datagrams (into 16 KiB, no peek) and gives each
    /// message to `handler` until it returns a negative value. As with
    /// receives elsewhere, an empty simulated queue ends the wait with an
    /// error rather than blocking forever.
    pub fn listen(&mut self, err: &mut String, handler: &mut dyn FnMut(&NlMsgHdr<&[u8]>) -> i32) -> Result<i32, Flow> {
        loop {
            let mut buf = vec![0u8; 16384];
            let info = match self.sock.recvmsg(&mut buf, 0) {
                Ok(i) => i,
                Err(e) => {
                    self.errno = e;
                    err.push_str(&format!("netlink receive error {} ({})\n", strerror(e), e.0));
                    if e == Errno::ENOBUFS {
                        continue;
                    }
                    return Err(Flow::Fail(-1));
                }
            };
            if info.namelen != SockaddrNl::LEN {
                err.push_str(&format!("Sender address length == {}\n", info.namelen));
                return Err(Flow::Exit(Exit(1)));
            }
            buf.truncate(info.len.min(buf.len()));
            let mut off = 0;
            while buf.len() - off >= NLMSG_HDRLEN {
                let h = NlMsgHdr::new_unchecked(&buf[off..]);
                let len = h.nlmsg_len() as usize;
                if len < NLMSG_HDRLEN || len > buf.len() - off {
                    if info.msg_flags & MSG_TRUNC != 0 {
                        err.push_str("Truncated message\n");
                        return Err(Flow::Fail(-1));
                    }
                    err.push_str(&format!("!!!malformed message: len={len}\n"));
                    return Err(Flow::Exit(Exit(1)));
                }
                let h = NlMsgHdr::new_unchecked(&buf[off..off + len]);
                let r = handler(&h);
                if r < 0 {
                    return Ok(r);
                }
                off += nlmsg_align(len).min(buf.len() - off);
            }
            if info.msg_flags & MSG_TRUNC != 0 {
                err.push_str("Message truncated\n");
                continue;
            }
            if off < buf.len() {
                err.push_str(&format!("!!!Remnant of size {}\n", buf.len() - off));
                return Err(Flow::Exit(Exit(1)));
            }
        }
    }
}

/// A request as iproute2 builds one on the stack: `struct { nlmsghdr n;
/// FAMILYHDR h; char buf[N]; }`, filled by `addattr_l` and friends up to
/// `maxlen` (`sizeof(req)`). An attribute that does not fit is left out
/// with `addattr_l`'s complaint, as there.
pub struct NlReq {
    buf: Vec<u8>,
    hdr_len: usize,
    maxlen: usize,
    /// What `addattr_l` printed on stderr.
    pub complaints: String,
}

impl NlReq {
    /// `.n.nlmsg_len = NLMSG_LENGTH(sizeof(hdr))`, type, flags, the family header.
    pub fn new(ty: u16, flags: u16, hdr: &[u8], maxlen: usize) -> NlReq {
        let mut buf = vec![0u8; NLMSG_HDRLEN + hdr.len()];
        buf[NLMSG_HDRLEN..].copy_from_slice(hdr);
        let mut r = NlReq { buf, hdr_len: hdr.len(), maxlen, complaints: String::new() };
        {
            let mut h = NlMsgHdr::new_unchecked(&mut r.buf[..]);
            h.set_nlmsg_type(ty);
            h.set_nlmsg_flags(flags);
        }
        r.set_len();
        r
    }

    fn set_len(&mut self) {
        let len = self.buf.len() as u32;
        NlMsgHdr::new_unchecked(&mut self.buf[..]).set_nlmsg_len(len);
    }

    /// The family header, to change after attributes were added (as the C
    /// code changes `req.r.rtm_*` at any time).
    pub fn hdr_mut(&mut self) -> &mut [u8] {
        &mut self.buf[NLMSG_HDRLEN..NLMSG_HDRLEN + self.hdr_len]
    }

    pub fn hdr(&self) -> &[u8] {
        &self.buf[NLMSG_HDRLEN..NLMSG_HDRLEN + self.hdr_len]
    }

    /// `n->nlmsg_flags`.
    pub fn flags(&self) -> u16 {
        NlMsgHdr::new_unchecked(&self.buf[..]).nlmsg_flags()
    }

    pub fn set_flags(&mut self, f: u16) {
        NlMsgHdr::new_unchecked(&mut self.buf[..]).set_nlmsg_flags(f);
    }

    /// `n->nlmsg_len`.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.len() <= NLMSG_HDRLEN
    }

    /// `addattr_l`: false (and the complaint) when it does not fit.
    pub fn addattr_l(&mut self, ty: u16, data: &[u8]) -> bool {
        let len = NLA_HDRLEN + data.len();
        if nlmsg_align(self.buf.len()) + nlmsg_align(len) > self.maxlen {
            self.complaints.push_str(&format!("addattr_l ERROR: message exceeded bound of {}\n", self.maxlen));
            return false;
        }
        self.buf.resize(nlmsg_align(self.buf.len()), 0);
        self.buf.extend_from_slice(&(len as u16).to_ne_bytes());
        self.buf.extend_from_slice(&ty.to_ne_bytes());
        self.buf.extend_from_slice(data);
        self.buf.resize(self.buf.len() + (nlmsg_align(len) - len), 0);
        self.set_len();
        true
    }

    /// `addattr8`.
    pub fn addattr8(&mut self, ty: u16, v: u8) -> bool {
        self.addattr_l(ty, &[v])
    }

    /// `addattr16`.
    pub fn addattr16(&mut self, ty: u16, v: u16) -> bool {
        self.addattr_l(ty, &v.to_ne_bytes())
    }

    /// `addattr32`.
    pub fn addattr32(&mut self, ty: u16, v: u32) -> bool {
        self.addattr_l(ty, &v.to_ne_bytes())
    }

    /// `addattr_nest`: where the nest starts.
    pub fn nest(&mut self, ty: u16) -> usize {
        let at = nlmsg_align(self.buf.len());
        self.addattr_l(ty, &[]);
        at
    }

    /// `addattr_nest_end`.
    pub fn nest_end(&mut self, at: usize) {
        let len = self.buf.len().saturating_sub(at);
        if let (Some(h), Ok(l)) = (self.buf.get_mut(at..at + 2), u16::try_from(len)) {
            h.copy_from_slice(&l.to_ne_bytes());
        }
    }

    /// The message, `nlmsg_len` bytes.
    pub fn bytes(&self) -> Vec<u8> {
        self.buf.clone()
    }

    /// `send(fd, &req, sizeof(req), 0)`: the whole structure, zeros after
    /// the message (what the dump requests of lib/libnetlink.c send).
    pub fn sized(&self) -> Vec<u8> {
        let mut b = self.buf.clone();
        b.resize(self.maxlen.max(b.len()), 0);
        b
    }
}

impl RtnlHandle {
    /// `rtnl_send_check`: sends, then peeks (without waiting) for an error
    /// the kernel already queued; `Err(errno)` when there is one.
    pub fn send_check(&mut self, buf: &[u8]) -> Result<(), Errno> {
        self.send(buf)?;
        let mut resp = vec![0u8; 1024];
        let r = match self.sock.recvmsg(&mut resp, MSG_PEEK | nlwire::uapi::socket::MSG_DONTWAIT) {
            Ok(r) => r,
            Err(Errno::EAGAIN) => return Ok(()),
            Err(e) => {
                self.errno = e;
                return Err(e);
            }
        };
        let n = r.len.min(resp.len());
        let mut off = 0;
        while n - off >= NLMSG_HDRLEN {
            let h = NlMsgHdr::new_unchecked(&resp[off..n]);
            let len = h.nlmsg_len() as usize;
            if len < NLMSG_HDRLEN || len > n - off {
                break;
            }
            if h.nlmsg_type() == NLMSG_ERROR {
                let p = h.payload();
                if p.len() >= 4 {
                    let e = i32::from_ne_bytes([p[0], p[1], p[2], p[3]]);
                    self.errno = Errno(e.wrapping_neg());
                }
                return Err(self.errno);
            }
            off += nlmsg_align(len);
        }
        Ok(())
    }

    /// `rtnl_add_nl_group`: `setsockopt(NETLINK_ADD_MEMBERSHIP)`.
    pub fn add_nl_group(&mut self, group: u32) -> Result<(), Errno> {
        self.sock.setsockopt_int(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group as i32)
    }

    /// `rtnl_listen` for the messages already queued: each to `handler`,
    /// until the queue is empty (`EAGAIN`) or the handler stops.
    pub fn drain(&mut self, err: &mut String, handler: &mut dyn FnMut(&NlMsgHdr<&[u8]>) -> i32) {
        loop {
            let mut buf = vec![0u8; 16384];
            let info = match self.sock.recvmsg(&mut buf, nlwire::uapi::socket::MSG_DONTWAIT) {
                Ok(i) => i,
                Err(Errno::EAGAIN) => return,
                Err(e) => {
                    err.push_str(&format!("netlink receive error {} ({})\n", strerror(e), e.0));
                    if e == Errno::ENOBUFS {
                        continue;
                    }
                    return;
                }
            };
            buf.truncate(info.len.min(buf.len()));
            let mut off = 0;
            while buf.len() - off >= NLMSG_HDRLEN {
                let h = NlMsgHdr::new_unchecked(&buf[off..]);
                let len = h.nlmsg_len() as usize;
                if len < NLMSG_HDRLEN || len > buf.len() - off {
                    break;
                }
                let h = NlMsgHdr::new_unchecked(&buf[off..off + len]);
                if handler(&h) < 0 {
                    return;
                }
                off += nlmsg_align(len).min(buf.len() - off);
            }
        }
    }
}

/// `print_ext_ack_msg`: `Error: msg.` (a final period added if missing).
fn print_ext_ack_msg(err: &mut String, is_err: bool, msg: &str) {
    err.push_str(if is_err { "Error: " } else { "Warning: " });
    err.push_str(msg);
    if !msg.ends_with('.') {
        err.push('.');
    }
    err.push('\n');
}

/// The extended-ack message, validated as `err_attr_cb` does (an attribute
/// above `NLMSGERR_ATTR_MAX`, or a MSG that is not a NUL-terminated string,
/// makes libmnl give up on all of them).
fn ext_ack_message<'a>(tlvs: impl Iterator<Item = Nla<&'a [u8]>>, err: &mut String) -> Option<String> {
    let mut msg = None;
    for a in tlvs {
        let ty = a.nla_type();
        if ty > NLMSGERR_ATTR_MAX {
            err.push_str("Invalid extack attribute\n");
            return None;
        }
        match ty {
            NLMSGERR_ATTR_MSG => {
                let p = a.payload_ref();
                if p.last() != Some(&0) {
                    err.push_str(&format!("extack attribute {ty} failed validation\n"));
                    return None;
                }
                if msg.is_none() {
                    msg = Some(String::from_utf8_lossy(a.get_str()).into_owned());
                }
            }
            NLMSGERR_ATTR_OFFS if a.payload_ref().len() != 4 => {
                err.push_str(&format!("extack attribute {ty} failed validation\n"));
                return None;
            }
            _ => {}
        }
    }
    msg
}

/// `nl_dump_ext_ack`: prints the extended-ack message of an NLMSG_ERROR (an
/// error or a warning); true when it printed an error.
pub fn nl_dump_ext_ack(h: &NlMsgHdr<&[u8]>, err: &mut String) -> bool {
    if h.nlmsg_flags() & NLM_F_ACK_TLVS == 0 {
        return false;
    }
    let Ok(e) = NlMsgErr::new_checked(h.payload(), h.nlmsg_flags()) else { return false };
    let payload = h.payload();
    let start = (4 + nlmsg_align(e.orig_message().len())).min(payload.len());
    let tlvs = nlwire::NlaIter::new(&payload[start..]);
    match ext_ack_message(tlvs, err) {
        Some(m) if !m.is_empty() => {
            let is_err = e.error() != 0;
            print_ext_ack_msg(err, is_err, &m);
            is_err
        }
        _ => false,
    }
}

/// `nl_dump_ext_ack_done`: the message on an NLMSG_DONE, after its error code.
fn nl_dump_ext_ack_done(tlvs: &[u8], error: i32, err: &mut String) -> bool {
    match ext_ack_message(nlwire::NlaIter::new(tlvs), err) {
        Some(m) if !m.is_empty() => {
            print_ext_ack_msg(err, error != 0, &m);
            error != 0
        }
        _ => false,
    }
}

/// `rtnl_talk_error`: the ext-ack message if the kernel sent one, else
/// `RTNETLINK answers: <strerror>`.
fn rtnl_talk_error(h: &NlMsgHdr<&[u8]>, err: &mut String) {
    if nl_dump_ext_ack(h, err) {
        return;
    }
    let Ok(e) = NlMsgErr::new_checked(h.payload(), h.nlmsg_flags()) else { return };
    err.push_str(&format!("RTNETLINK answers: {}\n", strerror(Errno(e.error().wrapping_neg()))));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_msg(errno: i32, tlv_msg: Option<&str>) -> Vec<u8> {
        let mut skb = nlwire::SkBuff::with_tailroom(256);
        let mut flags = NLM_F_CAPPED;
        if tlv_msg.is_some() {
            flags |= NLM_F_ACK_TLVS;
        }
        let nlh = skb.nlmsg_put(100, 7, NLMSG_ERROR, 20, flags).unwrap();
        let d = skb.nlmsg_data_mut(nlh);
        d[..4].copy_from_slice(&errno.to_ne_bytes());
        d[4..8].copy_from_slice(&32u32.to_ne_bytes());
        if let Some(m) = tlv_msg {
            skb.nla_put_string(NLMSGERR_ATTR_MSG, m).unwrap();
        }
        skb.nlmsg_end(nlh);
        skb.into_vec()
    }

    #[test]
    fn errors_print_as_iproute2_prints_them() {
        let mut err = String::new();
        let b = error_msg(-19, None);
        rtnl_talk_error(&NlMsgHdr::new_unchecked(&b[..]), &mut err);
        assert_eq!(err, "RTNETLINK answers: No such device\n");

        let mut err = String::new();
        let b = error_msg(-34, Some("mtu greater than device maximum"));
        rtnl_talk_error(&NlMsgHdr::new_unchecked(&b[..]), &mut err);
        assert_eq!(err, "Error: mtu greater than device maximum.\n");

        let mut err = String::new();
        let b = error_msg(0, Some("all good."));
        assert!(!nl_dump_ext_ack(&NlMsgHdr::new_unchecked(&b[..]), &mut err));
        assert_eq!(err, "Warning: all good.\n");
    }
}

/// `char flushb[4096-512]`: the flush buffer of ipaddress.c, iproute.c and
/// ipneigh.c.
pub const FLUSH_BUF: usize = 4096 - 512;

/// What those files' `flush_update` and the dump filter's copying do
/// together: each dumped message that passes the filter is copied, turned
/// into the deletion `del_type` with the next sequence number and
/// `NLM_F_REQUEST` alone, and appended to the buffer; a full buffer starts a
/// new batch. The batches are sent by `rtnl_send_check` afterwards.
#[derive(Debug, Default)]
pub struct FlushBatches {
    batches: Vec<Vec<u8>>,
    /// How many deletions were queued.
    pub count: usize,
}

impl FlushBatches {
    /// Queues the deletion of the object `msg` describes.
    pub fn push(&mut self, rth: &mut RtnlHandle, msg: &[u8], del_type: u16) {
        let full = self.batches.last().is_none_or(|b| nlmsg_align(b.len()) + msg.len() > FLUSH_BUF);
        if full {
            self.batches.push(Vec::new());
        }
        rth.seq = rth.seq.wrapping_add(1);
        let mut fm = msg.to_vec();
        {
            let mut h = NlMsgHdr::new_unchecked(&mut fm[..]);
            h.set_nlmsg_type(del_type);
            h.set_nlmsg_flags(NLM_F_REQUEST);
            h.set_nlmsg_seq(rth.seq);
        }
        if let Some(b) = self.batches.last_mut() {
            b.resize(nlmsg_align(b.len()), 0);
            b.extend_from_slice(&fm);
        }
        self.count += 1;
    }

    /// The batches to send, in order.
    pub fn batches(&self) -> impl Iterator<Item = &[u8]> {
        self.batches.iter().filter(|b| !b.is_empty()).map(Vec::as_slice)
    }
}
