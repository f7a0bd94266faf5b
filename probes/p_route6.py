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

sh("ip link add v0 type veth peer name v1")
sh("ip link set v0 addrgenmode none; ip link set v1 addrgenmode none")
sh("ip link add d0 type veth peer name d1; ip link set d0 addrgenmode none; ip link set d1 addrgenmode none")
V0 = socket.if_nametoindex("v0"); V1 = socket.if_nametoindex("v1"); D0 = socket.if_nametoindex("d0")
print("ifindex v0=%d v1=%d d0=%d" % (V0, V1, D0))
sh("ip link set v0 up; ip link set v1 up; ip link set d0 up; ip link set d1 up")
time.sleep(0.3)
recv_all(L, 0.2)
dump("initial (kernel routes after up with addrgenmode none)")

oif0 = u32(RTA_OIF, V0)
# --- basic add, bytes
req("add 2001:db8:1::/64 dev v0 CREATE|EXCL (hexdump)", RTM_NEWROUTE, A | C | X, rt("2001:db8:1::", 64, attrs=oif0), hexd=True)
req("same again CREATE|EXCL", RTM_NEWROUTE, A | C | X, rt("2001:db8:1::", 64, attrs=oif0))
req("same again CREATE", RTM_NEWROUTE, A | C, rt("2001:db8:1::", 64, attrs=oif0))
req("same again no flags", RTM_NEWROUTE, A, rt("2001:db8:1::", 64, attrs=oif0))
req("same again APPEND|CREATE", RTM_NEWROUTE, A | C | APP, rt("2001:db8:1::", 64, attrs=oif0))
req("same REPLACE (no CREATE)", RTM_NEWROUTE, A | REP, rt("2001:db8:1::", 64, attrs=oif0))
req("REPLACE|CREATE with dev d0", RTM_NEWROUTE, A | REP | C, rt("2001:db8:1::", 64, attrs=u32(RTA_OIF, D0)))
req("new route no CREATE flag 2001:db8:2::/64", RTM_NEWROUTE, A, rt("2001:db8:2::", 64, attrs=oif0))
req("REPLACE no CREATE of missing 2001:db8:3::/64", RTM_NEWROUTE, A | REP, rt("2001:db8:3::", 64, attrs=oif0))
req("REPLACE|CREATE of missing 2001:db8:3::/64", RTM_NEWROUTE, A | REP | C, rt("2001:db8:3::", 64, attrs=oif0))
req("EXCL only on missing 2001:db8:4::/64", RTM_NEWROUTE, A | X, rt("2001:db8:4::", 64, attrs=oif0))
req("ECHO add 2001:db8:5::/64 metric 7 proto static", RTM_NEWROUTE, A | C | NLM_F_ECHO, rt("2001:db8:5::", 64, proto=4, attrs=oif0 + u32(RTA_PRIORITY, 7)))
req("same prefix metric 8 (second route in node)", RTM_NEWROUTE, A | C | X, rt("2001:db8:5::", 64, attrs=oif0 + u32(RTA_PRIORITY, 8)))
req("unmasked dst 2001:db8:6::1/48", RTM_NEWROUTE, A | C, rt("2001:db8:6::1", 48, attrs=oif0))
req("short RTA_DST (8 bytes for /64)", RTM_NEWROUTE, A | C, rtmsg(AF6, 64, 0, 0, 254, 0, 0, 1, 0) + nla(RTA_DST, ip6("2001:db8:7::")[:8]) + oif0)
req("short RTA_DST (4 bytes for /64)", RTM_NEWROUTE, A | C, rtmsg(AF6, 64, 0, 0, 254, 0, 0, 1, 0) + nla(RTA_DST, ip6("2001:db8:7::")[:4]) + oif0)
req("dst_len 129", RTM_NEWROUTE, A | C, rt("2001:db8:7::", 129, attrs=oif0))
req("tos 4", RTM_NEWROUTE, A | C, rt("2001:db8:7::", 64, tos=4, attrs=oif0))
req("RTA_VIA", RTM_NEWROUTE, A | C, rt("2001:db8:7::", 64, attrs=oif0 + nla(RTA_VIA, b"\x0a\x00" + ip6("fe80::1"))))
req("RTM_F_CLONED", RTM_NEWROUTE, A | C, rt("2001:db8:7::", 64, flags=0x200, attrs=oif0))
req("no device, no gateway", RTM_NEWROUTE, A | C, rt("2001:db8:7::", 64))
req("oif 999", RTM_NEWROUTE, A | C, rt("2001:db8:7::", 64, attrs=u32(RTA_OIF, 999)))
req("type 12 (> RTN_MAX)", RTM_NEWROUTE, A | C, rt("2001:db8:7::", 64, rtype=12, attrs=oif0))
req("src_len 64 RTA_SRC", RTM_NEWROUTE, A | C, rtmsg(AF6, 64, 64, 0, 254, 0, 0, 1, 0) + nla(RTA_DST, ip6("2001:db8:7::")) + nla(RTA_SRC, ip6("2001:db8:99::")) + oif0)
req("prefsrc 2001:db8::5 (not local)", RTM_NEWROUTE, A | C, rt("2001:db8:7::", 64, attrs=oif0 + nla(RTA_PREFSRC, ip6("2001:db8::5"))))
req("RTA_PRIORITY 3 bytes", RTM_NEWROUTE, A | C, rt("2001:db8:7::", 64, attrs=oif0 + nla(RTA_PRIORITY, b"\1\2\3")))
req("RTA_GATEWAY 4 bytes", RTM_NEWROUTE, A | C, rt("2001:db8:7::", 64, attrs=oif0 + nla(RTA_GATEWAY, b"\1\2\3\4")))
req("RTA_FLOWLABEL", RTM_NEWROUTE, A | C, rt("2001:db8:7::", 64, attrs=oif0 + nla(RTA_FLOWLABEL, b"\0\0\0\1")))
req("unknown attr 40", RTM_NEWROUTE, A | C, rt("2001:db8:7::", 64, attrs=oif0 + nla(40, b"\0\0\0\1")))
# gateways
req("gw fe80::1 dev v0", RTM_NEWROUTE, A | C | X, rt("2001:db8:10::", 64, attrs=oif0 + nla(RTA_GATEWAY, ip6("fe80::1"))), hexd=True)
req("gw fe80::1 without dev", RTM_NEWROUTE, A | C | X, rt("2001:db8:11::", 64, attrs=nla(RTA_GATEWAY, ip6("fe80::1"))))
req("gw ff02::1 dev v0", RTM_NEWROUTE, A | C | X, rt("2001:db8:11::", 64, attrs=oif0 + nla(RTA_GATEWAY, ip6("ff02::1"))))
req("gw :: dev v0", RTM_NEWROUTE, A | C | X, rt("2001:db8:11::", 64, attrs=oif0 + nla(RTA_GATEWAY, ip6("::"))))
req("gw 2001:db8:1::1 dev v0 (on-link via 2001:db8:1::/64? now on d0)", RTM_NEWROUTE, A | C | X, rt("2001:db8:11::", 64, attrs=oif0 + nla(RTA_GATEWAY, ip6("2001:db8:1::1"))))
req("gw 2001:db8:1::1 dev d0 (covered by 2001:db8:1::/64 dev d0)", RTM_NEWROUTE, A | C | X, rt("2001:db8:11::", 64, attrs=u32(RTA_OIF, D0) + nla(RTA_GATEWAY, ip6("2001:db8:1::1"))))
req("gw 2001:db8:2::1 no dev (covered by 2001:db8:2::/64 dev v0)", RTM_NEWROUTE, A | C | X, rt("2001:db8:12::", 64, attrs=nla(RTA_GATEWAY, ip6("2001:db8:2::1"))))
req("gw 2001:db8:99::1 dev v0 (no route)", RTM_NEWROUTE, A | C | X, rt("2001:db8:13::", 64, attrs=oif0 + nla(RTA_GATEWAY, ip6("2001:db8:99::1"))))
req("gw 2001:db8:10::1 dev v0 (route via gateway)", RTM_NEWROUTE, A | C | X, rt("2001:db8:13::", 64, attrs=oif0 + nla(RTA_GATEWAY, ip6("2001:db8:10::1"))))
req("gw ::ffff:10.0.0.1 dev v0 (mapped)", RTM_NEWROUTE, A | C | X, rt("2001:db8:13::", 64, attrs=oif0 + nla(RTA_GATEWAY, ip6("::ffff:10.0.0.1"))))
req("gw fe80::1 dev lo", RTM_NEWROUTE, A | C | X, rt("2001:db8:13::", 64, attrs=u32(RTA_OIF, 1) + nla(RTA_GATEWAY, ip6("fe80::1"))))
req("gw fe80::1 onlink dev v0", RTM_NEWROUTE, A | C | X, rt("2001:db8:14::", 64, flags=4, attrs=oif0 + nla(RTA_GATEWAY, ip6("fe80::1"))))
req("gw 2001:db8:99::1 onlink dev v0", RTM_NEWROUTE, A | C | X, rt("2001:db8:15::", 64, flags=4, attrs=oif0 + nla(RTA_GATEWAY, ip6("2001:db8:99::1"))))
# ECMP via APPEND and single adds
req("ecmp base 2001:db8:20::/64 via fe80::1 dev v0", RTM_NEWROUTE, A | C | X, rt("2001:db8:20::", 64, attrs=oif0 + nla(RTA_GATEWAY, ip6("fe80::1"))))
req("ecmp append via fe80::2 dev v0", RTM_NEWROUTE, A | C | APP, rt("2001:db8:20::", 64, attrs=oif0 + nla(RTA_GATEWAY, ip6("fe80::2"))), hexd=True)
req("ecmp create (no append) via fe80::3 dev d0", RTM_NEWROUTE, A | C, rt("2001:db8:20::", 64, attrs=u32(RTA_OIF, D0) + nla(RTA_GATEWAY, ip6("fe80::3"))))
req("ecmp dup fe80::2 dev v0 CREATE", RTM_NEWROUTE, A | C, rt("2001:db8:20::", 64, attrs=oif0 + nla(RTA_GATEWAY, ip6("fe80::2"))))
req("dev-only route same prefix 2001:db8:20::/64 dev v0", RTM_NEWROUTE, A | C, rt("2001:db8:20::", 64, attrs=oif0))
def nh(ifindex, gw=None, hops=0, flags=0):
    sub = nla(RTA_GATEWAY, ip6(gw)) if gw else b""
    return struct.pack("=HBBi", 8 + len(sub), flags, hops, ifindex) + sub
req("multipath add 2001:db8:21::/64 (2 hops, weights 1,3)", RTM_NEWROUTE, A | C | X, rt("2001:db8:21::", 64, attrs=nla(RTA_MULTIPATH, nh(V0, "fe80::1") + nh(D0, "fe80::2", 2))), hexd=True)
req("multipath dev-only hop", RTM_NEWROUTE, A | C | X, rt("2001:db8:22::", 64, attrs=nla(RTA_MULTIPATH, nh(V0, "fe80::1") + nh(D0))))
req("multipath empty", RTM_NEWROUTE, A | C | X, rt("2001:db8:22::", 64, attrs=nla(RTA_MULTIPATH, b"")))
req("multipath dup hops", RTM_NEWROUTE, A | C | X, rt("2001:db8:22::", 64, attrs=nla(RTA_MULTIPATH, nh(V0, "fe80::1") + nh(V0, "fe80::1"))))
req("multipath append to 2001:db8:21::/64", RTM_NEWROUTE, A | C | APP, rt("2001:db8:21::", 64, attrs=nla(RTA_MULTIPATH, nh(V0, "fe80::5"))))
req("multipath replace 2001:db8:21::/64 with 1 hop", RTM_NEWROUTE, A | C | REP, rt("2001:db8:21::", 64, attrs=nla(RTA_MULTIPATH, nh(V0, "fe80::9"))))
req("replace ecmp 2001:db8:20::/64 with single", RTM_NEWROUTE, A | REP, rt("2001:db8:20::", 64, attrs=oif0 + nla(RTA_GATEWAY, ip6("fe80::7"))))
# types
for ty, nm in [(6, "blackhole"), (7, "unreachable"), (8, "prohibit"), (9, "throw")]:
    req("type %s 2001:db8:3%d::/64" % (nm, ty), RTM_NEWROUTE, A | C | X, rt("2001:db8:3%d::" % ty, 64, rtype=ty), hexd=(ty == 6))
req("type local 2001:db8:40::1/128 dev v0", RTM_NEWROUTE, A | C | X, rt("2001:db8:40::1", 128, rtype=2, attrs=oif0), hexd=True)
req("type anycast dev v0", RTM_NEWROUTE, A | C | X, rt("2001:db8:41::1", 128, rtype=4, attrs=oif0))
req("type multicast dev v0", RTM_NEWROUTE, A | C | X, rt("ff1e::", 16, rtype=5, attrs=oif0))
req("type broadcast dev v0", RTM_NEWROUTE, A | C | X, rt("2001:db8:42::", 64, rtype=3, attrs=oif0))
req("type nat dev v0", RTM_NEWROUTE, A | C | X, rt("2001:db8:43::", 64, rtype=10, attrs=oif0))
req("unicast dev lo (promoted to reject)", RTM_NEWROUTE, A | C | X, rt("2001:db8:44::", 64, attrs=u32(RTA_OIF, 1)))
req("scope link 253 dev v0", RTM_NEWROUTE, A | C | X, rt("2001:db8:45::", 64, scope=253, attrs=oif0))
req("RTA_PREF high(1)", RTM_NEWROUTE, A | C | X, rt("2001:db8:46::", 64, attrs=oif0 + nla(RTA_PREF, b"\x01")))
req("RTA_PREF 5 (-> medium)", RTM_NEWROUTE, A | C | X, rt("2001:db8:47::", 64, attrs=oif0 + nla(RTA_PREF, b"\x05")))
req("RTA_PREF low(3)", RTM_NEWROUTE, A | C | X, rt("2001:db8:48::", 64, attrs=oif0 + nla(RTA_PREF, b"\x03")))
req("RTA_EXPIRES 100", RTM_NEWROUTE, A | C | X, rt("2001:db8:49::", 64, attrs=oif0 + u32(RTA_EXPIRES, 100)), hexd=True)
req("RTA_EXPIRES 0xffffffff", RTM_NEWROUTE, A | C | X, rt("2001:db8:4a::", 64, attrs=oif0 + u32(RTA_EXPIRES, 0xffffffff)))
req("RTA_METRICS mtu 1400", RTM_NEWROUTE, A | C | X, rt("2001:db8:4b::", 64, attrs=oif0 + nla(RTA_METRICS, u32(2, 1400))))
# tables
req("table 100 default route dev v0", RTM_NEWROUTE, A | C | X, rt(None, 0, table=100, attrs=oif0), hexd=True)
req("table 1000", RTM_NEWROUTE, A | C | X, rt("2001:db8:50::", 64, table=1000, attrs=oif0), hexd=True)
req("table 0 (-> main)", RTM_NEWROUTE, A | C | X, rt("2001:db8:51::", 64, table=0, attrs=oif0))
req("table 300 (hash 44)", RTM_NEWROUTE, A | C | X, rt("2001:db8:52::", 64, table=300, attrs=oif0))
req("table 356 (hash 100)", RTM_NEWROUTE, A | C | X, rt("2001:db8:53::", 64, table=356, attrs=oif0))
req("table 255 local, unicast dev v0", RTM_NEWROUTE, A | C | X, rt("2001:db8:54::", 64, table=255, attrs=oif0))
req("table 253 default", RTM_NEWROUTE, A | C | X, rt("2001:db8:55::", 64, table=253, attrs=oif0))
req("no CREATE in new table 400", RTM_NEWROUTE, A, rt("2001:db8:56::", 64, table=400, attrs=oif0))
# dump order in table 200
for d, pl, met in [("2001:db8::", 32, 1024), ("2001:db8:1::", 64, 1024), ("2001:db8:8000::", 33, 1024), ("2001:db8:1::1", 128, 1024),
                   ("::", 0, 1024), ("2001:db8:1::", 64, 10), ("2001:db8:1::", 64, 2000), ("3000::", 4, 1024), ("2001:db8:0:8000::", 49, 1024),
                   ("2001:db8:c000::", 34, 1024), ("8000::", 1, 1024)]:
    req("t200 %s/%d metric %d" % (d, pl, met), RTM_NEWROUTE, A | C | X, rt(d, pl, table=200, attrs=oif0 + u32(RTA_PRIORITY, met)))
dump("full, non-strict")
dump("table 200 non-strict rtm_table=200 (ignored?)", payload=rtmsg(AF6, table=200))
sctl = ctl_sock(strict=True)
dump("strict table 200", s=sctl, payload=rtmsg(AF6, table=200))
dump("strict table 1000 via RTA_TABLE", s=sctl, payload=rtmsg(AF6) + u32(RTA_TABLE, 1000))
dump("strict table 999 (missing)", s=sctl, payload=rtmsg(AF6, table=199))
dump("strict PF_UNSPEC table 199 (missing)", s=sctl, payload=rtmsg(0, table=199))
dump("strict proto static", s=sctl, payload=rtmsg(AF6, proto=4))
dump("strict type blackhole", s=sctl, payload=rtmsg(AF6, rtype=6))
dump("strict oif d0", s=sctl, payload=rtmsg(AF6) + u32(RTA_OIF, D0))
dump("strict oif 999", s=sctl, payload=rtmsg(AF6) + u32(RTA_OIF, 999))
dump("strict no filter, table 100", s=sctl, payload=rtmsg(AF6, table=100))
dump("strict RTM_F_CLONED", s=sctl, payload=rtmsg(AF6, flags=0x200))
dump("strict RTM_F_PREFIX", s=sctl, payload=rtmsg(AF6, flags=0x800))
dump("strict bad dst_len", s=sctl, payload=rtmsg(AF6, dst_len=64))
dump("strict bad flags", s=sctl, payload=rtmsg(AF6, flags=0x1))
dump("strict RTA_DST attr", s=sctl, payload=rtmsg(AF6) + nla(RTA_DST, ip6("::")))
dump("strict short header", s=sctl, payload=b"\x0a")
dump("strict unfiltered", s=sctl, payload=rtmsg(AF6, table=0))
dump("non-strict short header (rtgenmsg)", payload=b"\x0a\0\0\0")
# getroute
def get(label, dst, flags=0, attrs=b"", s=None, hexd=False, dst_len=128):
    p = rtmsg(AF6, dst_len if dst else 0, 0, 0, 0, 0, 0, 0, flags) + (nla(RTA_DST, ip6(dst)) if dst else b"") + attrs
    req("GET " + label, RTM_GETROUTE, 0, p, s=s, hexd=hexd)
get("2001:db8:2::5 (dev v0 /64)", "2001:db8:2::5", hexd=True)
get("2001:db8:10::5 (via fe80::1)", "2001:db8:10::5", hexd=True)
get("2001:db8:21::5 multipath", "2001:db8:21::5")
get("2001:db8:20::5 (replaced)", "2001:db8:20::5")
get("2001:db8:5::1 (metric 7 and 8)", "2001:db8:5::1")
get("2001:db8:2::5 fibmatch", "2001:db8:2::5", flags=0x2000, hexd=True)
get("2001:db8:36::1 blackhole", "2001:db8:36::1")
get("2001:db8:37::1 unreachable", "2001:db8:37::1")
get("2001:db8:38::1 prohibit", "2001:db8:38::1")
get("2001:db8:39::1 throw", "2001:db8:39::1")
get("2001:db8:44::1 via lo (reject)", "2001:db8:44::1")
get("2001:db8:40::1 local", "2001:db8:40::1", hexd=True)
get("5000::1 no route", "5000::1")
get("2001:db8:50::1 (only in table 1000)", "2001:db8:50::1")
get("2001:db8:54::1 (table 255 unicast)", "2001:db8:54::1")
get("no RTA_DST", None)
get("2001:db8:2::5 oif d0", "2001:db8:2::5", attrs=u32(RTA_OIF, D0))
get("2001:db8:2::5 oif v0", "2001:db8:2::5", attrs=u32(RTA_OIF, V0))
get("2001:db8:46::1 pref high", "2001:db8:46::1")
get("2001:db8:49::1 expires", "2001:db8:49::1")
get("ff1e::1 multicast", "ff1e::1")
get("ff02::1 (kernel ff00::/8)", "ff02::1")
get("fe80::1234 no fe80 route", "fe80::1234")
get("fe80::1234 oif v0", "fe80::1234", attrs=u32(RTA_OIF, V0))
get("strict dst_len 64", "2001:db8:2::5", s=sctl, dst_len=64)
get("strict ok", "2001:db8:2::5", s=sctl)
get("strict RTA_TABLE", "2001:db8:2::5", s=sctl, attrs=u32(RTA_TABLE, 254))
get("RTA_DST 4 bytes", None, attrs=nla(RTA_DST, b"\1\2\3\4"))
# deletes
req("del 2001:db8:2::/64 (dst only)", RTM_DELROUTE, A, rt("2001:db8:2::", 64, rtype=0), hexd=True)
req("del again -> ?", RTM_DELROUTE, A, rt("2001:db8:2::", 64, rtype=0))
req("del in table 199 (missing)", RTM_DELROUTE, A, rt("2001:db8:2::", 64, table=199, rtype=0))
req("del 2001:db8:5::/64 metric 8", RTM_DELROUTE, A, rt("2001:db8:5::", 64, rtype=0, attrs=u32(RTA_PRIORITY, 8)))
req("del 2001:db8:5::/64 proto 3 (is static 4)", RTM_DELROUTE, A, rt("2001:db8:5::", 64, rtype=0, proto=3))
req("del 2001:db8:5::/64 dev d0", RTM_DELROUTE, A, rt("2001:db8:5::", 64, rtype=0, attrs=u32(RTA_OIF, D0)))
req("del multipath 2001:db8:21::/64 whole (ecmp base again first)", RTM_NEWROUTE, A | C | X, rt("2001:db8:23::", 64, attrs=nla(RTA_MULTIPATH, nh(V0, "fe80::1") + nh(D0, "fe80::2") + nh(V0, "fe80::3"))))
req("del one hop by gw fe80::2", RTM_DELROUTE, A, rt("2001:db8:23::", 64, rtype=0, attrs=nla(RTA_GATEWAY, ip6("fe80::2"))))
req("del whole 2001:db8:23::/64", RTM_DELROUTE, A, rt("2001:db8:23::", 64, rtype=0))
req("del unmasked 2001:db8:6::1/48", RTM_DELROUTE, A, rt("2001:db8:6::1", 48, rtype=0))
req("del blackhole by type unicast", RTM_DELROUTE, A, rt("2001:db8:36::", 64, rtype=1))
req("del ttable 200 ::/0", RTM_DELROUTE, A, rt("::", 0, table=200, rtype=0))
# link events
dump("before link events, table 254", s=sctl, payload=rtmsg(AF6, table=254))
print("\n## carrier loss: v1 down")
sh("ip link set v1 down"); time.sleep(0.3)
for d in recv_all(L, 0.2):
    for m in parse_msgs(d): show(m, "   NOTIFY ")
dump("after v1 down, table 254", s=sctl, payload=rtmsg(AF6, table=254))
req("add route on v0 while carrier down", RTM_NEWROUTE, A | C | X, rt("2001:db8:60::", 64, attrs=oif0))
get("2001:db8:60::1 linkdown", "2001:db8:60::1")
print("\n## carrier back: v1 up")
sh("ip link set v1 up"); time.sleep(0.3)
for d in recv_all(L, 0.2):
    for m in parse_msgs(d): show(m, "   NOTIFY ")
dump("after v1 up, table 254", s=sctl, payload=rtmsg(AF6, table=254))
print("\n## v0 down")
sh("ip link set v0 down"); time.sleep(0.3)
for d in recv_all(L, 0.2):
    for m in parse_msgs(d): show(m, "   NOTIFY ")
dump("after v0 down, all", s=ctl)
req("add dev v0 while down", RTM_NEWROUTE, A | C | X, rt("2001:db8:61::", 64, attrs=oif0))
req("add blackhole while v0 down", RTM_NEWROUTE, A | C | X, rt("2001:db8:62::", 64, rtype=6))
print("\n## v0 up again")
sh("ip link set v0 up"); time.sleep(0.3)
for d in recv_all(L, 0.2):
    for m in parse_msgs(d): show(m, "   NOTIFY ")
req("d0 route for unregister test", RTM_NEWROUTE, A | C | X, rt("2001:db8:63::", 64, attrs=u32(RTA_OIF, D0)))
print("\n## delete d0")
sh("ip link del d0"); time.sleep(0.3)
for d in recv_all(L, 0.2):
    for m in parse_msgs(d): show(m, "   NOTIFY ")
dump("final", s=ctl)
