"""(V) IPv4 FIB: ext-ack messages of NEWROUTE/DELROUTE/GETROUTE errors,
alias order within a leaf, carrier (LINKDOWN) and link down/up effects.
Run: unshare -n python3 probes/p_route4_more.py
"""
import socket, struct, subprocess, sys, time
sys.path.insert(0, "/work/shared/kernel-probes")
from nl import *  # noqa
R, A = NLM_F_REQUEST, NLM_F_ACK
RTM_NEWROUTE, RTM_DELROUTE, RTM_GETROUTE = 24, 25, 26
ctl = sock(); ctl.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
L = sock(groups=(1 << 6))
def u32(v): return struct.pack("=I", v)
D = lambda a: nla(1, ip4(a)); GW = lambda a: nla(5, ip4(a)); OIF = lambda i: nla(4, u32(i))
def rt(dl=0, table=254, proto=4, scope=0, rtype=1, tos=0, flags=0, fam=AF_INET):
    return rtmsg(fam, dl, 0, tos, table, proto, scope, rtype, flags)
def tlvs(m):
    p = m[5]; err = struct.unpack_from("=i", p)[0]
    if not (m[2] & 0x200): return err, {}
    inner = struct.unpack_from("=I", p, 4)[0]
    off = 4 + (16 if m[2] & 0x100 else (inner + 3) & ~3)
    out = {}
    for t, _, v in parse_attrs(p[off:]):
        out[t] = v.rstrip(b"\0").decode() if t == 1 else v.hex()
    return err, out
def tx(label, mt, flags, body, show_ev=True):
    r = transact(ctl, nlmsg(mt, flags, 5, body))
    print("##", label)
    for d in r:
        for m in parse_msgs(d):
            if m[1] == 2:
                print("    ERR", tlvs(m), "len", m[0])
            else:
                print("   ", describe(m))
    if show_ev:
        for d in recv_all(L, 0.1):
            for m in parse_msgs(d):
                print("    EV", describe(m))
def dump(label):
    r = transact(ctl, nlmsg(RTM_GETROUTE, R | NLM_F_DUMP, 1, rtmsg()))
    print("## dump:", label)
    for d in r:
        for m in parse_msgs(d):
            if m[1] == RTM_NEWROUTE:
                fam, dl, sl, tos, table, proto, scope, rtype, rfl = struct.unpack_from("=BBBBBBBBI", m[5])
                at = [(RTA[t] if t < len(RTA) else t, v.hex()) for t, _, v in parse_attrs(m[5][12:])]
                print("    t=%d %s dl=%d scope=%d proto=%d fl=0x%x %s" % (table, RTN[rtype], dl, scope, proto, rfl, at))
subprocess.run("ip link add va type veth peer name vb; ip addr add 10.0.0.1/24 dev va; ip link set lo up; ip link set va up", shell=True, check=True)
time.sleep(0.3); recv_all(L, 0.3)
va = socket.if_nametoindex("va"); vb = socket.if_nametoindex("vb")
C = R | A | NLM_F_CREATE
print("=== extack messages ===")
tx("gw unreachable", RTM_NEWROUTE, C, rt(24) + D("10.6.0.0") + GW("192.168.5.5"))
tx("gw unreachable with oif", RTM_NEWROUTE, C, rt(24) + D("10.6.0.0") + GW("192.168.5.5") + OIF(va))
tx("oif missing", RTM_NEWROUTE, C, rt(24) + D("10.6.0.0") + OIF(99))
tx("gw with oif missing", RTM_NEWROUTE, C, rt(24) + D("10.6.0.0") + GW("10.0.0.2") + OIF(99))
tx("no nexthop unicast", RTM_NEWROUTE, C, rt(24) + D("10.6.0.0"))
tx("prefsrc not local", RTM_NEWROUTE, C, rt(24) + D("10.6.0.0") + OIF(va) + nla(7, ip4("10.0.0.77")))
tx("dst_len 33", RTM_NEWROUTE, C, rt(33) + D("10.6.0.0") + OIF(va))
tx("host bits set", RTM_NEWROUTE, C, rt(16) + D("10.6.0.1") + OIF(va))
tx("type > RTN_MAX", RTM_NEWROUTE, C, rt(24, rtype=12) + D("10.6.0.0") + OIF(va))
tx("type 0", RTM_NEWROUTE, C, rt(24, rtype=0) + D("10.6.0.0") + OIF(va))
tx("scope host unicast with gw", RTM_NEWROUTE, C, rt(24, scope=254) + D("10.6.1.0") + GW("10.0.0.2"))
tx("scope host unicast oif", RTM_NEWROUTE, C, rt(24, scope=254) + D("10.6.1.0") + OIF(va))
tx("scope link with gw", RTM_NEWROUTE, C, rt(24, scope=253) + D("10.6.2.0") + GW("10.0.0.2"))
tx("scope nowhere", RTM_NEWROUTE, C, rt(24, scope=255) + D("10.6.2.0") + OIF(va))
tx("gw via down dev", RTM_NEWROUTE, C, rt(24) + D("10.6.2.0") + GW("10.0.0.2") + OIF(vb))
tx("oif down dev", RTM_NEWROUTE, C, rt(24) + D("10.6.5.0") + OIF(vb))
tx("gw local addr onlink?", RTM_NEWROUTE, C, rt(24, flags=4) + D("10.6.6.0") + GW("10.99.0.1") + OIF(va))
tx("onlink without oif", RTM_NEWROUTE, C, rt(24, flags=4) + D("10.6.7.0") + GW("10.99.0.1"))
tx("short RTA_DST", RTM_NEWROUTE, C, rt(24) + nla(1, b"\x0a\x06\x04") + OIF(va))
tx("RTA_VIA AF_INET6", RTM_NEWROUTE, C, rt(24) + D("10.6.4.0") + nla(18, b"\x0a\x00" + b"\xfe\x80" + b"\0" * 13 + b"\x01") + OIF(va))
tx("RTA_VIA short", RTM_NEWROUTE, C, rt(24) + D("10.6.4.0") + nla(18, b"\x02\x00\x0a"))
tx("RTA_GATEWAY and RTA_VIA", RTM_NEWROUTE, C, rt(24) + D("10.6.4.0") + GW("10.0.0.2") + nla(18, b"\x02\x00\x0a\x00\x00\x02"))
tx("blackhole with oif", RTM_NEWROUTE, C, rt(24, rtype=6) + D("10.5.5.0") + OIF(va))
tx("blackhole with gw", RTM_NEWROUTE, C, rt(24, rtype=6) + D("10.5.5.0") + GW("10.0.0.2"))
tx("local no oif", RTM_NEWROUTE, C, rt(32, rtype=2, scope=254) + D("10.5.6.2"))
tx("broadcast no oif", RTM_NEWROUTE, C, rt(32, rtype=3, scope=253) + D("10.5.6.3"))
tx("table 0 attr 0", RTM_NEWROUTE, C, rt(24, table=0) + D("10.5.7.0") + OIF(va) + nla(15, u32(0)))
tx("del in missing table", RTM_DELROUTE, R | A, rt(24, table=77) + D("10.4.0.0"))
tx("del missing route", RTM_DELROUTE, R | A, rt(24) + D("10.4.0.0"))
tx("del dst_len 33", RTM_DELROUTE, R | A, rt(33) + D("10.4.0.0"))
nh = lambda gw, w, idx=0, flags=0: (lambda body: struct.pack("=HBBi", 8 + len(body), flags, w, idx) + body)(GW(gw) if gw else b"")
tx("multipath bad gw", RTM_NEWROUTE, C, rt(24) + D("10.3.1.0") + nla(9, nh("10.0.0.2", 0) + nh("10.9.9.3", 4)))
tx("multipath empty", RTM_NEWROUTE, C, rt(24) + D("10.3.2.0") + nla(9, b""))
tx("multipath short rtnh", RTM_NEWROUTE, C, rt(24) + D("10.3.2.0") + nla(9, b"\x08\x00\x00\x00"))
tx("multipath nh without gw/oif", RTM_NEWROUTE, C, rt(24) + D("10.3.2.0") + nla(9, nh(None, 0)))
tx("multipath one nh oif", RTM_NEWROUTE, C | NLM_F_ECHO, rt(24) + D("10.3.3.0") + nla(9, nh(None, 1, va)))
tx("multipath oif mismatch", RTM_NEWROUTE, C, rt(24) + D("10.3.4.0") + OIF(1) + nla(9, nh("10.0.0.2", 0, va)))
tx("multipath gw mismatch", RTM_NEWROUTE, C, rt(24) + D("10.3.4.0") + GW("10.0.0.3") + nla(9, nh("10.0.0.2", 0, va)))
tx("multipath + same oif/gw", RTM_NEWROUTE, C | NLM_F_ECHO, rt(24) + D("10.3.5.0") + GW("10.0.0.2") + OIF(va) + nla(9, nh("10.0.0.2", 0, va) + nh("10.0.0.3", 1, va)))
tx("get short", RTM_GETROUTE, R, b"\x02\x00\x00\x00")
tx("get dst_len 8", RTM_GETROUTE, R, rtmsg(AF_INET, 8, 0, 0, 0, 0, 0, 0, 0) + D("10.0.0.5"))
tx("get table set", RTM_GETROUTE, R, rtmsg(AF_INET, 32, 0, 0, 254, 0, 0, 0, 0) + D("10.0.0.5"))
tx("get unknown flag", RTM_GETROUTE, R, rtmsg(AF_INET, 32, 0, 0, 0, 0, 0, 0, 0x4) + D("10.0.0.5"))
tx("get unreachable", RTM_GETROUTE, R, rtmsg(AF_INET, 32, 0, 0, 0, 0, 0, 0, 0) + D("8.8.8.8"))
tx("get fibmatch unreachable", RTM_GETROUTE, R, rtmsg(AF_INET, 32, 0, 0, 0, 0, 0, 0, 0x2000) + D("8.8.8.8"))
tx("get oif missing", RTM_GETROUTE, R, rtmsg(AF_INET, 32, 0, 0, 0, 0, 0, 0, 0) + D("10.0.0.5") + OIF(77))
tx("get oif lo", RTM_GETROUTE, R, rtmsg(AF_INET, 32, 0, 0, 0, 0, 0, 0, 0) + D("10.0.0.5") + OIF(1))
tx("get src", RTM_GETROUTE, R, rtmsg(AF_INET, 32, 0, 0, 0, 0, 0, 0, 0) + D("10.0.0.5") + nla(2, ip4("10.0.0.1")))
tx("get src nonlocal", RTM_GETROUTE, R, rtmsg(AF_INET, 32, 0, 0, 0, 0, 0, 0, 0) + D("10.0.0.5") + nla(2, ip4("10.0.0.9")))
tx("get with ack", RTM_GETROUTE, R | A, rtmsg(AF_INET, 32, 0, 0, 0, 0, 0, 0, 0) + D("10.0.0.5"))

print("=== alias order in one leaf ===")
tx("10.7.0.0/8? no: 10.0.0.0/8 gw", RTM_NEWROUTE, C, rt(8) + D("10.0.0.0") + GW("10.0.0.2"))
tx("10.0.0.0/16 oif", RTM_NEWROUTE, C, rt(16) + D("10.0.0.0") + OIF(va))
tx("10.0.0.0/24 in table 255", RTM_NEWROUTE, C, rt(24, table=255) + D("10.0.0.0") + OIF(va))
tx("10.0.0.0/24 in table 253", RTM_NEWROUTE, C, rt(24, table=253) + D("10.0.0.0") + OIF(va))
dump("same key several lengths")
tx("get 10.0.0.7 (local /24 vs main /24 merged)", RTM_GETROUTE, R, rtmsg(AF_INET, 32, 0, 0, 0, 0, 0, 0, 0x2000) + D("10.0.0.7"))
tx("get 10.0.5.5 -> /16", RTM_GETROUTE, R, rtmsg(AF_INET, 32, 0, 0, 0, 0, 0, 0, 0x2000) + D("10.0.5.5"))
tx("get 10.1.5.5 -> /8", RTM_GETROUTE, R, rtmsg(AF_INET, 32, 0, 0, 0, 0, 0, 0, 0x2000) + D("10.1.5.5"))
tx("del 10.0.0.0/24 table 255", RTM_DELROUTE, R | A, rt(24, table=255, proto=0, rtype=0, scope=255) + D("10.0.0.0"))
tx("del 10.0.0.0/24 table 253", RTM_DELROUTE, R | A, rt(24, table=253, proto=0, rtype=0, scope=255) + D("10.0.0.0"))

print("=== carrier: vb down keeps va without carrier ===")
tx("route via gw 10.0.0.2", RTM_NEWROUTE, C, rt(24) + D("10.20.0.0") + GW("10.0.0.2"))
tx("mp route", RTM_NEWROUTE, C, rt(24) + D("10.21.0.0") + nla(9, nh("10.0.0.2", 0, va) + nh(None, 0, 1)))
dump("before")
subprocess.run("ip link set vb up", shell=True, check=True); time.sleep(0.5)
print("-- vb up (va carrier on) events:")
for d in recv_all(L, 0.3):
    for m in parse_msgs(d): print("    EV", describe(m))
dump("peer up")
subprocess.run("ip link set vb down", shell=True, check=True); time.sleep(0.5)
print("-- vb down events:")
for d in recv_all(L, 0.3):
    for m in parse_msgs(d): print("    EV", describe(m))
dump("peer down (LINKDOWN)")
tx("get 10.20.0.1 linkdown", RTM_GETROUTE, R, rtmsg(AF_INET, 32, 0, 0, 0, 0, 0, 0, 0) + D("10.20.0.1"))
tx("fibmatch 10.20.0.1 linkdown", RTM_GETROUTE, R, rtmsg(AF_INET, 32, 0, 0, 0, 0, 0, 0, 0x2000) + D("10.20.0.1"))
tx("add route while linkdown", RTM_NEWROUTE, C | NLM_F_ECHO, rt(24) + D("10.22.0.0") + GW("10.0.0.2"))
subprocess.run("ip link set va down", shell=True, check=True); time.sleep(0.3)
print("-- va down events:")
for d in recv_all(L, 0.3):
    for m in parse_msgs(d): print("    EV", describe(m))
dump("va down")
subprocess.run("ip link set va up", shell=True, check=True); time.sleep(0.3)
print("-- va up events:")
for d in recv_all(L, 0.3):
    for m in parse_msgs(d): print("    EV", describe(m))
dump("va up again")
tx("route via va", RTM_NEWROUTE, C, rt(24) + D("10.23.0.0") + GW("10.0.0.2"))
tx("mp route lo+va", RTM_NEWROUTE, C, rt(24) + D("10.24.0.0") + nla(9, nh("10.0.0.2", 0, va) + nh(None, 0, 1)))
subprocess.run("ip addr del 10.0.0.1/24 dev va", shell=True, check=True); time.sleep(0.3)
print("-- addr del events:")
for d in recv_all(L, 0.3):
    for m in parse_msgs(d): print("    EV", describe(m))
dump("after addr del")
subprocess.run("ip addr add 10.0.0.1/24 dev va; ip route add 10.25.0.0/24 via 10.0.0.2; ip route add 10.26.0.0/24 nexthop via 10.0.0.2 dev va nexthop dev lo", shell=True, check=True); time.sleep(0.3)
recv_all(L, 0.3)
subprocess.run("ip link del va", shell=True, check=True); time.sleep(0.3)
print("-- link del events:")
for d in recv_all(L, 0.3):
    for m in parse_msgs(d): print("    EV", describe(m))
dump("after link del")
