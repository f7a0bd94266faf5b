"""Shared helpers for the p_link_*.py probes (decoders for RTM_NEWLINK and friends,
ext-ack decoding, netns switching).  Not a probe itself; imported by them.

The probes import /work/shared/kernel-probes/nl.py for the raw packers.
Run the probes only inside a throwaway namespace, e.g.
    unshare -n python3 /work/main/probes/p_link_fill.py
"""
import ctypes
import errno
import os
import socket
import struct
import subprocess
import sys

sys.path.insert(0, "/work/shared/kernel-probes")
from nl import *  # noqa: F401,F403
import nl

# ---------------------------------------------------------------- names
RTM_NEWNSID, RTM_DELNSID, RTM_GETNSID = 88, 89, 90
RTM_NEWLINKPROP, RTM_DELLINKPROP = 108, 109
nl.RTM.update({88: "RTM_NEWNSID", 89: "RTM_DELNSID", 90: "RTM_GETNSID",
               108: "RTM_NEWLINKPROP", 109: "RTM_DELLINKPROP",
               36: "RTM_NEWQDISC", 37: "RTM_DELQDISC"})
RTM = nl.RTM

RTNLGRP_IPV6_IFINFO = 12
RTNLGRP_NSID = 28
GROUPNAMES = {1: "LINK", 3: "NEIGH", 5: "IPV4_IFADDR", 7: "IPV4_ROUTE", 9: "IPV6_IFADDR",
              11: "IPV6_ROUTE", 12: "IPV6_IFINFO", 28: "NSID", 37: "IPV4_MCADDR",
              38: "IPV6_MCADDR", 24: "IPV4_NETCONF", 25: "IPV6_NETCONF"}

RTEXT_FILTER_VF = 1
RTEXT_FILTER_SKIP_STATS = 8
IFLA_EXT_MASK = 29
IFLA_IFNAME = 3
IFLA_ADDRESS = 1
IFLA_MTU = 4
IFLA_MASTER = 10
IFLA_LINKINFO = 18
IFLA_NET_NS_PID = 19
IFLA_NET_NS_FD = 28
IFLA_PROP_LIST = 52
IFLA_ALT_IFNAME = 53
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
VETH_INFO_PEER = 1
NLA_F_NESTED = 0x8000

AFNAMES = {0: "AF_UNSPEC", 2: "AF_INET", 7: "AF_BRIDGE", 10: "AF_INET6", 45: "AF_MCTP"}
IFLA_INFO = ["IFLA_INFO_UNSPEC", "IFLA_INFO_KIND", "IFLA_INFO_DATA", "IFLA_INFO_XSTATS",
             "IFLA_INFO_SLAVE_KIND", "IFLA_INFO_SLAVE_DATA"]
VETH_INFO = ["VETH_INFO_UNSPEC", "VETH_INFO_PEER"]
XDP = ["IFLA_XDP_UNSPEC", "IFLA_XDP_FD", "IFLA_XDP_ATTACHED", "IFLA_XDP_FLAGS",
       "IFLA_XDP_PROG_ID", "IFLA_XDP_DRV_PROG_ID", "IFLA_XDP_SKB_PROG_ID",
       "IFLA_XDP_HW_PROG_ID", "IFLA_XDP_EXPECTED_FD"]
INET = ["IFLA_INET_UNSPEC", "IFLA_INET_CONF"]
INET6 = ["IFLA_INET6_UNSPEC", "IFLA_INET6_FLAGS", "IFLA_INET6_CONF", "IFLA_INET6_STATS",
         "IFLA_INET6_MCAST", "IFLA_INET6_CACHEINFO", "IFLA_INET6_ICMP6STATS",
         "IFLA_INET6_TOKEN", "IFLA_INET6_ADDR_GEN_MODE", "IFLA_INET6_RA_MTU"]
IFLA_BRIDGE = ["IFLA_BRIDGE_FLAGS", "IFLA_BRIDGE_MODE", "IFLA_BRIDGE_VLAN_INFO",
               "IFLA_BRIDGE_VLAN_TUNNEL_INFO", "IFLA_BRIDGE_MRP", "IFLA_BRIDGE_CFM",
               "IFLA_BRIDGE_MST"]
# IFLA_BR_* / IFLA_BRPORT_* as in include/uapi/linux/if_link.h of Linux 6.6..6.18
# (the installed /usr/include/linux/if_link.h is older and stops at IFLA_BRPORT_LOCKED).
IFLA_BR = ["IFLA_BR_UNSPEC", "IFLA_BR_FORWARD_DELAY", "IFLA_BR_HELLO_TIME", "IFLA_BR_MAX_AGE",
           "IFLA_BR_AGEING_TIME", "IFLA_BR_STP_STATE", "IFLA_BR_PRIORITY",
           "IFLA_BR_VLAN_FILTERING", "IFLA_BR_VLAN_PROTOCOL", "IFLA_BR_GROUP_FWD_MASK",
           "IFLA_BR_ROOT_ID", "IFLA_BR_BRIDGE_ID", "IFLA_BR_ROOT_PORT", "IFLA_BR_ROOT_PATH_COST",
           "IFLA_BR_TOPOLOGY_CHANGE", "IFLA_BR_TOPOLOGY_CHANGE_DETECTED", "IFLA_BR_HELLO_TIMER",
           "IFLA_BR_TCN_TIMER", "IFLA_BR_TOPOLOGY_CHANGE_TIMER", "IFLA_BR_GC_TIMER",
           "IFLA_BR_GROUP_ADDR", "IFLA_BR_FDB_FLUSH", "IFLA_BR_MCAST_ROUTER",
           "IFLA_BR_MCAST_SNOOPING", "IFLA_BR_MCAST_QUERY_USE_IFADDR", "IFLA_BR_MCAST_QUERIER",
           "IFLA_BR_MCAST_HASH_ELASTICITY", "IFLA_BR_MCAST_HASH_MAX",
           "IFLA_BR_MCAST_LAST_MEMBER_CNT", "IFLA_BR_MCAST_STARTUP_QUERY_CNT",
           "IFLA_BR_MCAST_LAST_MEMBER_INTVL", "IFLA_BR_MCAST_MEMBERSHIP_INTVL",
           "IFLA_BR_MCAST_QUERIER_INTVL", "IFLA_BR_MCAST_QUERY_INTVL",
           "IFLA_BR_MCAST_QUERY_RESPONSE_INTVL", "IFLA_BR_MCAST_STARTUP_QUERY_INTVL",
           "IFLA_BR_NF_CALL_IPTABLES", "IFLA_BR_NF_CALL_IP6TABLES", "IFLA_BR_NF_CALL_ARPTABLES",
           "IFLA_BR_VLAN_DEFAULT_PVID", "IFLA_BR_PAD", "IFLA_BR_VLAN_STATS_ENABLED",
           "IFLA_BR_MCAST_STATS_ENABLED", "IFLA_BR_MCAST_IGMP_VERSION",
           "IFLA_BR_MCAST_MLD_VERSION", "IFLA_BR_VLAN_STATS_PER_PORT", "IFLA_BR_MULTI_BOOLOPT",
           "IFLA_BR_MCAST_QUERIER_STATE", "IFLA_BR_FDB_N_LEARNED", "IFLA_BR_FDB_MAX_LEARNED"]
IFLA_BRPORT = ["IFLA_BRPORT_UNSPEC", "IFLA_BRPORT_STATE", "IFLA_BRPORT_PRIORITY",
               "IFLA_BRPORT_COST", "IFLA_BRPORT_MODE", "IFLA_BRPORT_GUARD", "IFLA_BRPORT_PROTECT",
               "IFLA_BRPORT_FAST_LEAVE", "IFLA_BRPORT_LEARNING", "IFLA_BRPORT_UNICAST_FLOOD",
               "IFLA_BRPORT_PROXYARP", "IFLA_BRPORT_LEARNING_SYNC", "IFLA_BRPORT_PROXYARP_WIFI",
               "IFLA_BRPORT_ROOT_ID", "IFLA_BRPORT_BRIDGE_ID", "IFLA_BRPORT_DESIGNATED_PORT",
               "IFLA_BRPORT_DESIGNATED_COST", "IFLA_BRPORT_ID", "IFLA_BRPORT_NO",
               "IFLA_BRPORT_TOPOLOGY_CHANGE_ACK", "IFLA_BRPORT_CONFIG_PENDING",
               "IFLA_BRPORT_MESSAGE_AGE_TIMER", "IFLA_BRPORT_FORWARD_DELAY_TIMER",
               "IFLA_BRPORT_HOLD_TIMER", "IFLA_BRPORT_FLUSH", "IFLA_BRPORT_MULTICAST_ROUTER",
               "IFLA_BRPORT_PAD", "IFLA_BRPORT_MCAST_FLOOD", "IFLA_BRPORT_MCAST_TO_UCAST",
               "IFLA_BRPORT_VLAN_TUNNEL", "IFLA_BRPORT_BCAST_FLOOD", "IFLA_BRPORT_GROUP_FWD_MASK",
               "IFLA_BRPORT_NEIGH_SUPPRESS", "IFLA_BRPORT_ISOLATED", "IFLA_BRPORT_BACKUP_PORT",
               "IFLA_BRPORT_MRP_RING_OPEN", "IFLA_BRPORT_MRP_IN_OPEN",
               "IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT", "IFLA_BRPORT_MCAST_EHT_HOSTS_CNT",
               "IFLA_BRPORT_LOCKED", "IFLA_BRPORT_MAB", "IFLA_BRPORT_MCAST_N_GROUPS",
               "IFLA_BRPORT_MCAST_MAX_GROUPS", "IFLA_BRPORT_NEIGH_VLAN_SUPPRESS",
               "IFLA_BRPORT_BACKUP_NHID"]
IFLA_EVENT = ["IFLA_EVENT_NONE", "IFLA_EVENT_REBOOT", "IFLA_EVENT_FEATURES",
              "IFLA_EVENT_BONDING_FAILOVER", "IFLA_EVENT_NOTIFY_PEERS", "IFLA_EVENT_IGMP_RESEND",
              "IFLA_EVENT_BONDING_OPTIONS"]
NDA = ["NDA_UNSPEC", "NDA_DST", "NDA_LLADDR", "NDA_CACHEINFO", "NDA_PROBES", "NDA_VLAN",
       "NDA_PORT", "NDA_VNI", "NDA_IFINDEX", "NDA_MASTER", "NDA_LINK_NETNSID", "NDA_SRC_VNI",
       "NDA_PROTOCOL", "NDA_NH_ID", "NDA_FDB_EXT_ATTRS", "NDA_FLAGS_EXT", "NDA_NDM_STATE_MASK",
       "NDA_NDM_FLAGS_MASK"]
NETNSA = ["NETNSA_NONE", "NETNSA_NSID", "NETNSA_PID", "NETNSA_FD", "NETNSA_TARGET_NSID",
          "NETNSA_CURRENT_NSID"]
IFF = [(0x1, "UP"), (0x2, "BROADCAST"), (0x4, "DEBUG"), (0x8, "LOOPBACK"),
       (0x10, "POINTOPOINT"), (0x20, "NOTRAILERS"), (0x40, "RUNNING"), (0x80, "NOARP"),
       (0x100, "PROMISC"), (0x200, "ALLMULTI"), (0x400, "MASTER"), (0x800, "SLAVE"),
       (0x1000, "MULTICAST"), (0x2000, "PORTSEL"), (0x4000, "AUTOMEDIA"),
       (0x8000, "DYNAMIC"), (0x10000, "LOWER_UP"), (0x20000, "DORMANT"), (0x40000, "ECHO")]


ERRNAME = dict(errno.errorcode)
ERRNAME[errno.EOPNOTSUPP] = "EOPNOTSUPP"


def ename(e):
    return ERRNAME.get(-e, "?") if e else "OK"


def iffstr(f):
    return "|".join(n for b, n in IFF if f & b) or "0"


def nm(table, t):
    return table[t] if t < len(table) else "#%d" % t


def tname(t):
    """'0x801a' style with flag letters."""
    fl = ""
    if t & 0x8000:
        fl += "N"
    if t & 0x4000:
        fl += "B"
    return "0x%04x%s" % (t, "(" + fl + ")" if fl else "")


STRINGS = {"IFLA_IFNAME", "IFLA_QDISC", "IFLA_IFALIAS", "IFLA_ALT_IFNAME", "IFLA_INFO_KIND",
           "IFLA_INFO_SLAVE_KIND", "IFLA_PHYS_PORT_NAME", "IFLA_PARENT_DEV_NAME",
           "IFLA_PARENT_DEV_BUS_NAME"}
MACS = {"IFLA_ADDRESS", "IFLA_BROADCAST", "IFLA_PERM_ADDRESS", "IFLA_BR_GROUP_ADDR", "NDA_LLADDR"}


def value(name, data):
    if name in STRINGS:
        return repr(data.split(b"\0")[0].decode(errors="replace")) + (
            "" if data.endswith(b"\0") else " (no NUL)")
    if name in MACS:
        return ":".join("%02x" % c for c in data)
    if name in ("IFLA_BR_ROOT_ID", "IFLA_BR_BRIDGE_ID", "IFLA_BRPORT_ROOT_ID",
                "IFLA_BRPORT_BRIDGE_ID") and len(data) == 8:
        return "prio=%s addr=%s" % (data[:2].hex(), ":".join("%02x" % c for c in data[2:]))
    if name == "IFLA_BR_MULTI_BOOLOPT" and len(data) == 8:
        return "br_boolopt_multi{optval=0x%x optmask=0x%x}" % struct.unpack("=II", data)
    if name == "IFLA_MAP" and len(data) >= 28:
        ms, me, ba, irq, dma, port = struct.unpack_from("=QQQHBB", data)
        return "mem_start=%d mem_end=%d base_addr=%d irq=%d dma=%d port=%d" % (ms, me, ba, irq, dma, port)
    if name == "IFLA_INET6_CACHEINFO" and len(data) == 16:
        return "max_reasm_len=%d tstamp=%d reachable_time=%d retrans_time=%d" % struct.unpack("=IIII", data)
    if name in ("IFLA_INET_CONF", "IFLA_INET6_CONF"):
        return "u32[%d]=%s" % (len(data) // 4, list(struct.unpack("=%dI" % (len(data) // 4), data)))
    if name in ("IFLA_STATS64", "IFLA_INET6_STATS", "IFLA_INET6_ICMP6STATS"):
        n = len(data) // 8
        v = struct.unpack("=%dQ" % n, data[:n * 8])
        return "u64[%d]=%s" % (n, list(v))
    if name == "IFLA_STATS":
        n = len(data) // 4
        return "u32[%d]=%s" % (n, list(struct.unpack("=%dI" % n, data[:n * 4])))
    if name == "IFLA_EVENT" and len(data) == 4:
        v = struct.unpack("=I", data)[0]
        return "%d (%s)" % (v, nm(IFLA_EVENT, v))
    if name == "IFLA_INET6_TOKEN":
        return socket.inet_ntop(socket.AF_INET6, data)
    if len(data) == 0:
        return "(empty)"
    if len(data) == 1:
        return str(data[0])
    if len(data) == 2:
        return "%d" % struct.unpack("=H", data)[0]
    if len(data) == 4:
        v = struct.unpack("=I", data)[0]
        s = struct.unpack("=i", data)[0]
        return "%d" % v if s >= 0 else "%d (s32 %d)" % (v, s)
    if len(data) == 8:
        return "%d" % struct.unpack("=Q", data)[0]
    return "(%d bytes)" % len(data)


def hexs(b):
    return b.hex()


def hexlines(b, indent, width=32):
    return ["%s%s" % (indent, b[i:i + width].hex()) for i in range(0, len(b), width)]


def child_table(parent, t, kind, slave_kind):
    """Return (names, grandchild-function) for a nest."""
    if parent == "IFLA_LINKINFO":
        return IFLA_INFO
    if parent == "IFLA_XDP":
        return XDP
    if parent == "IFLA_PROP_LIST":
        return nl.IFLA
    if parent == "IFLA_PROTINFO":
        return IFLA_BRPORT
    if parent == "IFLA_INFO_DATA":
        return {"bridge": IFLA_BR, "veth": VETH_INFO}.get(kind, [])
    if parent == "IFLA_INFO_SLAVE_DATA":
        return {"bridge": IFLA_BRPORT}.get(slave_kind, [])
    if parent == "AF_INET":
        return INET
    if parent == "AF_INET6":
        return INET6
    if parent == "AF_BRIDGE":
        return IFLA_BRIDGE
    return []


NESTS = {"IFLA_LINKINFO", "IFLA_AF_SPEC", "IFLA_XDP", "IFLA_PROP_LIST", "IFLA_INFO_DATA",
         "IFLA_INFO_SLAVE_DATA", "AF_INET", "AF_INET6", "AF_BRIDGE", "IFLA_PROTINFO",
         "IFLA_DEVLINK_PORT", "IFLA_DPLL_PIN", "AF_MCTP"}


def fmt_attrs(buf, base_off, depth, parent, out, kind=None, slave_kind=None, full_hex=True):
    """Append one line per attribute (recursively for known nests) to out."""
    attrs = parse_attrs(buf)
    if parent is None:
        kinds = {}
        for t, ln, d in attrs:
            if t & 0x3fff == IFLA_LINKINFO:
                for ct, cl, cd in parse_attrs(d):
                    if ct & 0x3fff == 1:
                        kinds["kind"] = cd.rstrip(b"\0").decode()
                    if ct & 0x3fff == 4:
                        kinds["slave"] = cd.rstrip(b"\0").decode()
        kind, slave_kind = kinds.get("kind"), kinds.get("slave")
    off = base_off
    ind = "  " + "    " * depth
    for i, (t, ln, d) in enumerate(attrs):
        tt = t & 0x3fff
        if parent is None:
            name = nm(nl.IFLA, tt)
        elif parent == "IFLA_AF_SPEC":
            name = AFNAMES.get(tt, "AF_%d" % tt)
        else:
            tbl = child_table(parent, tt, kind, slave_kind)
            name = nm(tbl, tt) if tbl else "#%d" % tt
        line = "%s%2d. @%-4d %-34s type=%-10s nla_len=%-4d" % (ind, i + 1, off, name, tname(t), ln)
        if name in NESTS and (len(d) >= 4 or not d):
            out.append(line + (" (nest, empty)" if not d else " (nest)"))
            fmt_attrs(d, off + 4, depth + 1, name, out, kind, slave_kind, full_hex)
        else:
            v = value(name, d)
            if len(d) <= 24 or not full_hex:
                out.append(line + " %s  hex=%s" % (v, hexs(d)))
            else:
                out.append(line + " %s" % v)
                out.extend(hexlines(d, ind + "      hex "))
        off += align4(ln)


def ifinfo_hdr(payload):
    fam, pad, itype, idx, iflags, ichange = struct.unpack_from("=BBHiII", payload)
    return fam, pad, itype, idx, iflags, ichange


def fmt_link(m, out, full_hex=True):
    ln, t, f, seq, pid, payload, raw = m
    fam, pad, itype, idx, iflags, ichange = ifinfo_hdr(payload)
    out.append("%s nlmsg_len=%d flags=%s seq=%d pid=%d" % (RTM.get(t, t), ln, flagstr(f, t), seq, pid))
    out.append("  ifinfomsg: family=%d pad=%d type=%d index=%d flags=0x%x(%s) change=0x%x" % (
        fam, pad, itype, idx, iflags, iffstr(iflags), ichange))
    fmt_attrs(payload[16:], 32, 0, None, out, full_hex=full_hex)


def attr_summary(payload, hdrlen=16):
    """'NAME:len' list of top-level link attributes."""
    res = []
    for t, ln, d in parse_attrs(payload[hdrlen:]):
        tt = t & 0x3fff
        res.append("%s%s:%d" % (nm(nl.IFLA, tt)[5:], "(N)" if t & NLA_F_NESTED else "", ln))
    return res


def link_attr(payload, want):
    for t, ln, d in parse_attrs(payload[16:]):
        if t & 0x3fff == want:
            return d
    return None


# ---------------------------------------------------------------- ext-ack
def fmt_error(m):
    """Full NLMSG_ERROR: header, errno, copied request length, TLVs."""
    ln, t, f, seq, pid, payload, raw = m
    e = err_of(payload)
    lines = ["NLMSG_ERROR len=%d flags=0x%x(%s) seq=%d pid=%d error=%d(%s)" % (
        ln, f, flagstr(f, t), seq, pid, e, ename(e))]
    if len(payload) >= 20:
        ol, ot, of, oseq, opid = NLMSG_HDR.unpack_from(payload, 4)
        copied = ol if not (f & NLM_F_CAPPED) else 16
        lines.append("    copied request: nlmsg_len=%d type=%d flags=0x%x seq=%d (bytes copied: %d)" % (
            ol, ot, of, oseq, copied))
        tl = payload[4 + align4(copied):]
        for at, al, ad in parse_attrs(tl):
            n = nm(NLMSGERR_ATTR, at & 0x3fff)
            if n == "NLMSGERR_ATTR_MSG":
                lines.append("    TLV %s type=%d len=%d %r" % (n, at, al, ad.rstrip(b"\0").decode()))
            elif al == 8:
                lines.append("    TLV %s type=%d len=%d u32=%d" % (n, at, al, struct.unpack("=I", ad)[0]))
            else:
                lines.append("    TLV %s type=0x%x len=%d hex=%s" % (n, at, al, ad.hex()))
    lines.extend(hexlines(raw, "    raw "))
    return lines


def fmt_done(m):
    ln, t, f, seq, pid, payload, raw = m
    e = err_of(payload)
    fs = flagstr(f & ~0x200, t) + ("|ACK_TLVS" if f & 0x200 else "")
    lines = ["NLMSG_DONE len=%d flags=0x%x(%s) seq=%d pid=%d errno=%d%s" % (
        ln, f, fs, seq, pid, e, "(%s)" % ename(e) if e else "")]
    for at, al, ad in parse_attrs(payload[4:]):
        n = nm(NLMSGERR_ATTR, at & 0x3fff)
        if n == "NLMSGERR_ATTR_MSG":
            lines.append("    TLV %s len=%d %r" % (n, al, ad.rstrip(b"\0").decode()))
        else:
            lines.append("    TLV %s type=0x%x len=%d hex=%s" % (n, at, al, ad.hex()))
    if len(raw) > 20:
        lines.extend(hexlines(raw, "    raw "))
    return lines


# ---------------------------------------------------------------- sockets / namespaces
CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


class OtherNS:
    """A second network namespace held by a child `unshare -n sleep` process."""

    def __init__(self):
        self.proc = subprocess.Popen(["unshare", "-n", "sleep", "3600"])
        import time
        for _ in range(100):
            try:
                if os.readlink("/proc/%d/ns/net" % self.proc.pid) != os.readlink("/proc/self/ns/net"):
                    break
            except OSError:
                pass
            time.sleep(0.02)
        self.pid = self.proc.pid
        import atexit
        atexit.register(self.close)  # kill the child even if the probe crashes
        self.fd = os.open("/proc/%d/ns/net" % self.pid, os.O_RDONLY)
        self.home = os.open("/proc/self/ns/net", os.O_RDONLY)

    def run(self, fn, *a, **kw):
        """Call fn inside the other namespace (sockets created there stay there)."""
        setns(self.fd)
        try:
            return fn(*a, **kw)
        finally:
            setns(self.home)

    def sh(self, cmd):
        return subprocess.run(["nsenter", "-t", str(self.pid), "-n", "sh", "-c", cmd],
                              capture_output=True, text=True)

    def close(self):
        if self.proc.poll() is not None:
            return
        os.close(self.fd)
        os.close(self.home)
        self.proc.kill()  # the child we started, by its own handle
        self.proc.wait()


def reqsock(ext_ack=True, groups=0, strict=False, rcvbuf=None):
    s = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    if ext_ack:
        s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    if strict:
        s.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1)
    s.bind((0, groups))
    return s


def header(script):
    print("### %s (uname -r: %s)" % (script, os.uname().release))


def sh(cmd):
    r = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    return (r.stdout + r.stderr).strip()


def ifindex(name):
    return socket.if_nametoindex(name)


def veth_req(name, peer, flags, seq, peer_attrs=b"", attrs=b""):
    peer_payload = ifinfomsg() + nla(IFLA_IFNAME, peer.encode() + b"\0") + peer_attrs
    linkinfo = nla(IFLA_INFO_KIND, b"veth\0") + nla(IFLA_INFO_DATA, nla(VETH_INFO_PEER, peer_payload))
    return nlmsg(RTM_NEWLINK, flags, seq,
                 ifinfomsg() + nla(IFLA_IFNAME, name.encode() + b"\0") + attrs + nla(IFLA_LINKINFO, linkinfo))


def kind_req(name, kind, flags, seq, attrs=b""):
    return nlmsg(RTM_NEWLINK, flags, seq, ifinfomsg() + nla(IFLA_IFNAME, name.encode() + b"\0") + attrs
                 + nla(IFLA_LINKINFO, nla(IFLA_INFO_KIND, kind.encode() + b"\0")))


def u32(v):
    return struct.pack("=I", v)


# ---------------------------------------------------------------- one-line summaries
def _ip(fam, b):
    try:
        return socket.inet_ntop(socket.AF_INET if fam == 2 else socket.AF_INET6, b)
    except Exception:
        return b.hex()


NUD = [(0x01, "INCOMPLETE"), (0x02, "REACHABLE"), (0x04, "STALE"), (0x08, "DELAY"),
       (0x10, "PROBE"), (0x20, "FAILED"), (0x40, "NOARP"), (0x80, "PERMANENT")]


def summary(m):
    """One line for any rtnetlink message (link messages: header fields + attrs with lengths)."""
    ln, t, f, seq, pid, payload, raw = m
    name = RTM.get(t, "type%d" % t)
    head = "%s len=%d flags=0x%x(%s) seq=%d pid=%d" % (name, ln, f, flagstr(f, t), seq, pid)
    if t in (16, 17):
        fam, pad, itype, idx, iflags, ichange = ifinfo_hdr(payload)
        attrs = parse_attrs(payload[16:])
        d = {nm(nl.IFLA, a & 0x3fff): x for a, _, x in attrs}
        ev = d.get("IFLA_EVENT")
        extra = ""
        if "IFLA_IFNAME" in d:
            extra += " name=%s" % d["IFLA_IFNAME"].rstrip(b"\0").decode()
        if "IFLA_OPERSTATE" in d:
            extra += " operstate=%d" % d["IFLA_OPERSTATE"][0]
        if "IFLA_MASTER" in d:
            extra += " master=%d" % struct.unpack("=I", d["IFLA_MASTER"])[0]
        if "IFLA_MTU" in d:
            extra += " mtu=%d" % struct.unpack("=I", d["IFLA_MTU"])[0]
        if "IFLA_ADDRESS" in d:
            extra += " addr=%s" % value("IFLA_ADDRESS", d["IFLA_ADDRESS"])
        for k in ("IFLA_LINK_NETNSID", "IFLA_NEW_NETNSID", "IFLA_NEW_IFINDEX", "IFLA_LINK"):
            if k in d:
                extra += " %s=%d" % (k[5:].lower(), struct.unpack("=i", d[k])[0])
        if "IFLA_CARRIER" in d:
            extra += " carrier=%d" % d["IFLA_CARRIER"][0]
        if ev is not None:
            extra += " IFLA_EVENT=%s" % value("IFLA_EVENT", ev)
        lk = d.get("IFLA_LINKINFO")
        if lk is not None:
            for ct, cl, cd in parse_attrs(lk):
                if ct & 0x3fff in (1, 4):
                    extra += " %s=%s" % (nm(IFLA_INFO, ct & 0x3fff)[10:].lower(), cd.rstrip(b"\0").decode())
        return "%s | family=%d type=%d index=%d flags=0x%x(%s) change=0x%x |%s\n        attrs(%d, (N)=NLA_F_NESTED): %s" % (
            head, fam, itype, idx, iflags, iffstr(iflags), ichange, extra, len(attrs),
            " ".join(attr_summary(payload)))
    if t in (20, 21):
        fam, plen, fl, scope, idx = struct.unpack_from("=BBBBI", payload)
        d = {nm(IFA, a & 0x3fff): x for a, _, x in parse_attrs(payload[8:])}
        addr = d.get("IFA_LOCAL") or d.get("IFA_ADDRESS") or b""
        xf = struct.unpack("=I", d["IFA_FLAGS"])[0] if "IFA_FLAGS" in d else fl
        return "%s | %s %s/%d idx=%d scope=%d ifa_flags=0x%x IFA_FLAGS=0x%x label=%s" % (
            head, AFNAMES.get(fam, fam), _ip(fam, addr), plen, idx, scope, fl, xf,
            d.get("IFA_LABEL", b"").rstrip(b"\0").decode() or "-")
    if t in (24, 25):
        fam, dl, sl, tos, table, proto, scope, rtype, rfl = struct.unpack_from("=BBBBBBBBI", payload)
        d = {}
        for a, _, x in parse_attrs(payload[12:]):
            d[nm(RTA, a & 0x3fff)] = x
        dst = _ip(fam, d["RTA_DST"]) if "RTA_DST" in d else "default" if dl == 0 else "?"
        oif = struct.unpack("=I", d["RTA_OIF"])[0] if "RTA_OIF" in d else None
        tbl = struct.unpack("=I", d["RTA_TABLE"])[0] if "RTA_TABLE" in d else table
        return "%s | %s %s/%d table=%d proto=%d scope=%d type=%s rtm_flags=0x%x oif=%s" % (
            head, AFNAMES.get(fam, fam), dst, dl, tbl, proto, scope, nm(RTN, rtype), rfl, oif)
    if t in (28, 29):
        fam, p1, p2, idx, state, nfl, ntype = struct.unpack_from("=BBHiHBB", payload)
        d = {nm(NDA, a & 0x3fff): x for a, _, x in parse_attrs(payload[12:])}
        st = "|".join(n for b, n in NUD if state & b) or "NONE"
        parts = []
        if "NDA_DST" in d:
            parts.append("dst=" + _ip(fam, d["NDA_DST"]))
        if "NDA_LLADDR" in d:
            parts.append("lladdr=" + value("NDA_LLADDR", d["NDA_LLADDR"]))
        if "NDA_MASTER" in d:
            parts.append("master=%d" % struct.unpack("=I", d["NDA_MASTER"])[0])
        if "NDA_VLAN" in d:
            parts.append("vlan=%d" % struct.unpack("=H", d["NDA_VLAN"])[0])
        return "%s | %s idx=%d state=0x%x(%s) ndm_flags=0x%x type=%d %s attrs=%s" % (
            head, AFNAMES.get(fam, fam), idx, state, st, nfl, ntype, " ".join(parts), sorted(d))
    if t in (88, 89):
        d = {nm(NETNSA, a & 0x3fff): struct.unpack("=i", x)[0] if len(x) == 4 else x.hex()
             for a, _, x in parse_attrs(payload[4:])}
        return "%s | rtgen_family=%d %s" % (head, payload[0], d)
    if t == NLMSG_ERROR:
        e = err_of(payload)
        return "%s error=%d(%s)" % (head, e, ename(e))
    if t == NLMSG_DONE:
        return fmt_done(m)[0]
    return head + " | payload %d bytes" % len(payload)
