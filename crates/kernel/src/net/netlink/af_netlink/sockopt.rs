//! Socket options: `netlink_setsockopt` / `netlink_getsockopt` for
//! SOL_NETLINK, and the SOL_SOCKET options of net/core/sock.c a netlink
//! client uses (buffer sizes, type, protocol, error).
//!
//! Options take raw bytes, as the system calls do, so that short option
//! lengths behave as on Linux: SOL_NETLINK reads the value only when at
//! least 4 bytes are given (otherwise it is 0), SOL_SOCKET refuses them.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tracing::trace_span;

use super::socket::netlink_realloc_groups;
use super::*;
use crate::cred::{CAP_NET_ADMIN, CAP_NET_BROADCAST};
use crate::Errno;
use nlwire::uapi::netlink::*;
use nlwire::uapi::socket::*;

/// `SOCK_MIN_RCVBUF`: 2048 + `SKB_DATA_ALIGN(sizeof(struct sk_buff))`.
pub const SOCK_MIN_RCVBUF: u32 = 2304;
/// `SOCK_MIN_SNDBUF`: twice that.
pub const SOCK_MIN_SNDBUF: u32 = 4608;

fn read_int(optval: &[u8]) -> Option<u32> {
    optval.get(..4).map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
}

/// `netlink_setsockopt`.
pub(crate) fn netlink_setsockopt(sk: &Arc<NetlinkSock>, level: i32, optname: u32, optval: &[u8]) -> Result<(), Errno> {
    let _s = trace_span!("netlink_setsockopt", optname).entered();
    if level == SOL_SOCKET {
        return sock_setsockopt(sk, optname, optval);
    }
    if level != SOL_NETLINK {
        return Err(Errno::ENOPROTOOPT);
    }
    let val = read_int(optval).unwrap_or(0);
    let nr = match optname {
        NETLINK_PKTINFO => NETLINK_F_RECV_PKTINFO,
        NETLINK_ADD_MEMBERSHIP | NETLINK_DROP_MEMBERSHIP => {
            if !sk.netlink_allowed(NL_CFG_F_NONROOT_RECV) {
                return Err(Errno::EPERM);
            }
            netlink_realloc_groups(sk)?;
            let ngroups = sk.groups.read().ngroups;
            if val == 0 || val > ngroups {
                return Err(Errno::EINVAL);
            }
            let add = optname == NETLINK_ADD_MEMBERSHIP;
            if add {
                if let Some(bind) = sk.netlink_bind {
                    bind(&sk.net, &sk.task_creds(), val)?;
                }
            }
            netlink_update_socket_mc(sk, val, add);
            if !add {
                if let Some(unbind) = sk.netlink_unbind {
                    unbind(&sk.net, val);
                }
            }
            return Ok(());
        }
        NETLINK_BROADCAST_ERROR => NETLINK_F_BROADCAST_SEND_ERROR,
        NETLINK_NO_ENOBUFS => {
            sk.assign_flag(NETLINK_F_RECV_NO_ENOBUFS, val != 0);
            if val != 0 {
                sk.congested.store(false, Ordering::Release);
                let _g = sk.wait.0.lock();
                sk.wait.1.notify_all();
            }
            return Ok(());
        }
        NETLINK_LISTEN_ALL_NSID => {
            if !sk.task_creds().capable(CAP_NET_BROADCAST) {
                return Err(Errno::EPERM);
            }
            sk.assign_flag(NETLINK_F_LISTEN_ALL_NSID, val != 0);
            sk.net.globals.nl_table[sk.protocol as usize].write().update_all_nsid(sk);
            return Ok(());
        }
        NETLINK_CAP_ACK => NETLINK_F_CAP_ACK,
        NETLINK_EXT_ACK => NETLINK_F_EXT_ACK,
        NETLINK_GET_STRICT_CHK => NETLINK_F_STRICT_CHK,
        _ => return Err(Errno::ENOPROTOOPT),
    };
    sk.assign_flag(nr, val != 0);
    Ok(())
}

/// `netlink_update_socket_mc`: joins or leaves one group.
fn netlink_update_socket_mc(sk: &Arc<NetlinkSock>, group: u32, on: bool) {
    let mut table = sk.net.globals.nl_table[sk.protocol as usize].write();
    let mut g = sk.groups.write();
    let old = g.test(group);
    g.set(group, on);
    let subs = sk.subscriptions.load(Ordering::Acquire) + on as u32 - old as u32;
    drop(g);
    table.update_subscriptions(sk, subs);
}

/// `netlink_getsockopt`: writes into `optval` and returns the option length.
pub(crate) fn netlink_getsockopt(
    sk: &Arc<NetlinkSock>,
    level: i32,
    optname: u32,
    optval: &mut [u8],
) -> Result<usize, Errno> {
    if level == SOL_SOCKET {
        return sock_getsockopt(sk, optname, optval);
    }
    if level != SOL_NETLINK {
        return Err(Errno::ENOPROTOOPT);
    }
    let len = optval.len();
    let flag = match optname {
        NETLINK_PKTINFO => NETLINK_F_RECV_PKTINFO,
        NETLINK_BROADCAST_ERROR => NETLINK_F_BROADCAST_SEND_ERROR,
        NETLINK_NO_ENOBUFS => NETLINK_F_RECV_NO_ENOBUFS,
        NETLINK_LIST_MEMBERSHIPS => {
            // As many u32 words as fit; the length returned is what the
            // whole bitmap needs, so a zero-length call sizes the buffer.
            let g = sk.groups.read();
            let mut pos = 0usize;
            while pos * 8 < g.ngroups as usize {
                if len - pos.min(len) < 4 {
                    break;
                }
                let word = g.bits.get(pos / 8).map_or(0, |w| (w >> ((pos % 8) * 8)) as u32);
                optval[pos..pos + 4].copy_from_slice(&word.to_ne_bytes());
                pos += 4;
            }
            return Ok((g.ngroups as usize).div_ceil(8).next_multiple_of(4));
        }
        NETLINK_LISTEN_ALL_NSID => NETLINK_F_LISTEN_ALL_NSID,
        NETLINK_CAP_ACK => NETLINK_F_CAP_ACK,
        NETLINK_EXT_ACK => NETLINK_F_EXT_ACK,
        NETLINK_GET_STRICT_CHK => NETLINK_F_STRICT_CHK,
        _ => return Err(Errno::ENOPROTOOPT),
    };
    if len < 4 {
        return Err(Errno::EINVAL);
    }
    optval[..4].copy_from_slice(&(sk.test_flag(flag) as u32).to_ne_bytes());
    Ok(4)
}

/// The SOL_SOCKET half of `sock_setsockopt` that applies to netlink.
fn sock_setsockopt(sk: &Arc<NetlinkSock>, optname: u32, optval: &[u8]) -> Result<(), Errno> {
    let Some(val) = read_int(optval) else {
        return Err(Errno::EINVAL);
    };
    let cfg = &sk.net.globals.config;
    let ival = val as i32;
    match optname {
        SO_SNDBUF | SO_SNDBUFFORCE => {
            let v = if optname == SO_SNDBUF {
                val.min(cfg.wmem_max)
            } else {
                if !sk.task_creds().capable(CAP_NET_ADMIN) {
                    return Err(Errno::EPERM);
                }
                ival.max(0) as u32
            };
            let v = v.min(i32::MAX as u32 / 2);
            sk.sndbuf.store((v * 2).max(SOCK_MIN_SNDBUF), Ordering::Release);
            Ok(())
        }
        SO_RCVBUF | SO_RCVBUFFORCE => {
            let v = if optname == SO_RCVBUF {
                val.min(cfg.rmem_max)
            } else {
                if !sk.task_creds().capable(CAP_NET_ADMIN) {
                    return Err(Errno::EPERM);
                }
                ival.max(0) as u32
            };
            let v = v.min(i32::MAX as u32 / 2);
            sk.rcvbuf.store((v * 2).max(SOCK_MIN_RCVBUF), Ordering::Release);
            Ok(())
        }
        SO_RCVTIMEO_OLD => {
            *sk.rcvtimeo.lock() = timeval(optval)?;
            Ok(())
        }
        SO_PASSCRED => Ok(()),
        _ => Err(Errno::ENOPROTOOPT),
    }
}

/// `struct timeval` (16 bytes on x86-64) as SO_RCVTIMEO takes it; zero means forever.
fn timeval(optval: &[u8]) -> Result<Option<Duration>, Errno> {
    if optval.len() < 16 {
        return Err(Errno::EINVAL);
    }
    let sec = i64::from_ne_bytes(optval[0..8].try_into().map_err(|_| Errno::EINVAL)?);
    let usec = i64::from_ne_bytes(optval[8..16].try_into().map_err(|_| Errno::EINVAL)?);
    if !(0..1_000_000).contains(&usec) {
        return Err(Errno::EDOM);
    }
    if sec < 0 {
        return Ok(Some(Duration::ZERO));
    }
    if sec == 0 && usec == 0 {
        return Ok(None);
    }
    Ok(Some(Duration::from_secs(sec as u64) + Duration::from_micros(usec as u64)))
}

/// The SOL_SOCKET half of `sock_getsockopt`.
fn sock_getsockopt(sk: &Arc<NetlinkSock>, optname: u32, optval: &mut [u8]) -> Result<usize, Errno> {
    let v: u32 = match optname {
        SO_SNDBUF => sk.sndbuf.load(Ordering::Acquire),
        SO_RCVBUF => sk.rcvbuf.load(Ordering::Acquire),
        SO_TYPE => sk.sock_type as u32,
        SO_PROTOCOL => sk.protocol,
        SO_DOMAIN => AF_NETLINK as u32,
        SO_ERROR => sk.sk_err.swap(0, Ordering::AcqRel) as u32,
        SO_PASSCRED => 0,
        _ => return Err(Errno::ENOPROTOOPT),
    };
    let n = optval.len().min(4);
    optval[..n].copy_from_slice(&v.to_ne_bytes()[..n]);
    Ok(n)
}
