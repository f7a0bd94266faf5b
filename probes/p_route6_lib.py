"""(V) IPv6 routes on Linux 6.18: RTM_NEWROUTE/DELROUTE/GETROUTE for AF_INET6,
flags, errors with ext-ack messages, notifications, dump order, multipath,
lookups, link down/up.  Run: unshare -n python3 probes/p_route6.py
Devices: veth v0/v1 and d0/d1 with addrgenmode none (no link-local addresses, so only the
ff00::/8 multicast routes addrconf adds appear besides ours); lo stays down."""
import os, socket, struct, subprocess, sys, time
sys.path.insert(0, "/work/shared/kernel-probes")
from nl import *  # noqa

AF6 = socket.AF_INET6
R, A = NLM_F_REQUEST, NLM_F_ACK
C, X, REP, APP = NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_APPEND
RTA_DST, RTA_SRC, RTA_IIF, RTA_OIF, RTA_GATEWAY, RTA_PRIORITY, RTA_PREFSRC = 1, 2, 3, 4, 5, 6, 7
RTA_METRICS, RTA_MULTIPATH, RTA_CACHEINFO, RTA_TABLE, RTA_VIA, RTA_PREF, RTA_EXPIRES = 8, 9, 12, 15, 18, 20, 23
RTA_FLOWLABEL = 31

def sh(c):
    subprocess.run(c, shell=True, check=True)

def ip6(s):
    return socket.inet_pton(AF6, s)

def ctl_sock(strict=False):
    s = sock()
    s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    if strict:
        s.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1)
    return s

ctl = ctl_sock()
L = sock()
add_membership(L, 11)  # RTNLGRP_IPV6_ROUTE

def decode_route(payload):
    fam, dl, sl, tos, table, proto, scope, rtype, rfl = struct.unpack_from("=BBBBBBBBI", payload)
    parts = ["fam=%d dst_len=%d src_len=%d tos=%d table=%d proto=%d scope=%d type=%d rtm_flags=0x%x" % (
        fam, dl, sl, tos, table, proto, scope, rtype, rfl)]
    for t, ln, v in parse_attrs(payload[12:]):
        if t in (RTA_DST, RTA_GATEWAY, RTA_PREFSRC, RTA_SRC) and len(v) == 16:
            parts.append("%d(len%d)=%s" % (t, ln, socket.inet_ntop(AF6, v)))
        elif ln == 8:
            parts.append("%d(len%d)=%d" % (t, ln, struct.unpack("=I", v)[0]))
        elif ln == 5:
            parts.append("%d(len%d)=u8:%d" % (t, ln, v[0]))
        elif t == RTA_CACHEINFO:
            parts.append("CACHEINFO(len%d)=%s" % (ln, struct.unpack("=IIiIIIII", v)))
        elif t == RTA_MULTIPATH:
            off = 0; hops = []
            while off + 8 <= len(v):
                rl, rf, rh, ri = struct.unpack_from("=HBBi", v, off)
                sub = parse_attrs(v[off + 8: off + rl])
                hops.append("nh(len%d flags=0x%x hops=%d if=%d %s)" % (rl, rf, rh, ri,
                    ["%d(len%d)=%s" % (st, sl2, socket.inet_ntop(AF6, sv) if len(sv) == 16 else sv.hex()) for st, sl2, sv in sub]))
                off += align4(rl)
            parts.append("MULTIPATH(len%d)=%s" % (ln, hops))
        else:
            parts.append("%d(len%d)=%s" % (t, ln, v.hex()))
    return " ".join(parts)

def show(m, prefix="   "):
    ln, t, f, seq, pid, payload, raw = m
    s = "%s%s len=%d flags=0x%x seq=%d pid=%s" % (prefix, RTM.get(t, t), ln, f, seq, "REQ" if pid == ctl.getsockname()[0] else pid)
    if t == NLMSG_ERROR:
        e = err_of(payload)
        s += " error=%d" % e
        # ext ack TLVs after the copied message (or header when capped)
        inner_len = struct.unpack_from("=I", payload, 4)[0]
        tl = payload[4 + (16 if f & 0x100 else inner_len):] if e else payload[4 + 16:]
        for at, al, av in parse_attrs(tl):
            if at == 1:
                s += " MSG=%r" % av.rstrip(b"\0").decode()
            elif at == 2:
                s += " OFFS=%d" % struct.unpack("=I", av)[0]
            else:
                s += " TLV%d=%s" % (at, av.hex())
    elif t == NLMSG_DONE:
        s += " errno=%d" % err_of(payload)
        for at, al, av in parse_attrs(payload[4:]):
            if at == 1:
                s += " MSG=%r" % av.rstrip(b"\0").decode()
    elif t in (RTM_NEWROUTE, RTM_DELROUTE):
        s += " " + decode_route(payload)
    print(s)

def req(label, mtype, flags, payload, s=None, hexd=False):
    s = s or ctl
    print("\n## " + label)
    out = transact(s, nlmsg(mtype, R | flags, 7, payload))
    for d in out:
        if isinstance(d, Exception):
            print("   EXC", d); continue
        print("  datagram %d bytes" % len(d))
        for m in parse_msgs(d):
            show(m)
            if hexd and m[1] != NLMSG_ERROR:
                print(hexdump(m[6], "      "))
    ev = recv_all(L, 0.1)
    for d in ev:
        for m in parse_msgs(d):
            show(m, "   NOTIFY ")
            if hexd:
                print(hexdump(m[6], "      "))
    return out

def rt(dst=None, plen=0, table=254, proto=0, rtype=1, scope=0, flags=0, tos=0, attrs=b""):
    p = rtmsg(AF6, plen, 0, tos, table if table < 256 else 252, proto, scope, rtype, flags)
    if dst is not None:
        p += nla(RTA_DST, ip6(dst))
    if table >= 256:
        p += nla(RTA_TABLE, struct.pack("=I", table))
    return p + attrs

def u32(t, v):
    return nla(t, struct.pack("=I", v))

def dump(label, s=None, payload=None, flags=NLM_F_DUMP, hexd=False):
    s = s or ctl
    print("\n## DUMP " + label)
    payload = payload if payload is not None else rtmsg(AF6)
    out = transact(s, nlmsg(RTM_GETROUTE, R | flags, 9, payload))
    for d in out:
        if isinstance(d, Exception):
            print("   EXC", d); continue
        print("  datagram %d bytes" % len(d))
        for m in parse_msgs(d):
            show(m)
            if hexd:
                print(hexdump(m[6], "      "))

