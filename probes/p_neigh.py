"""(V) Neighbour tables on Linux 6.18: RTM_NEWNEIGH/DELNEIGH/GETNEIGH, fill bytes,
notifications, NLM_F semantics, errors, flush on down/carrier/unregister.
Run: unshare -n python3 probes/p_neigh.py
"""
import os, sys, struct, subprocess, time, socket
sys.path.insert(0, "/work/shared/kernel-probes")
from nl import *  # noqa
R, A = NLM_F_REQUEST, NLM_F_ACK
C, X, RP = NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE
RTM_NEWNEIGH, RTM_DELNEIGH, RTM_GETNEIGH = 28, 29, 30
AF_INET6 = 10
def sh(c): subprocess.run(c, shell=True, check=True)
sh("ip link add v0 type veth peer name v1; ip link set lo up")
def ifidx(n): return socket.if_nametoindex(n)
V0, V1 = ifidx("v0"), ifidx("v1")
print("v0=%d v1=%d" % (V0, V1))
def ndmsg(family, ifindex, state=0, flags=0, ntype=0):
    return struct.pack("=BBHiHBB", family, 0, 0, ifindex, state, flags, ntype)
s = sock(); s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
lis = sock(groups=1 << (RTNLGRP_NEIGH - 1))
def show(m, tag="  "):
    ln, ty, fl, seq, pid, pl, _raw = m
    if ty == NLMSG_ERROR:
        e = err_of(pl); txt = ""
        if fl & NLM_F_ACK_TLVS:
            off = 20 + (0 if fl & NLM_F_CAPPED else align4(struct.unpack_from("=I", pl, 4)[0] - 16))
            for t, l, v in parse_attrs(pl[off:]):
                if t == 1: txt = v.rstrip(b"\0").decode()
                if t == 2: txt += " OFFS=%d" % struct.unpack("=I", v)[0]
                if t == 5: txt += " MISS_TYPE=%d" % struct.unpack("=I", v)[0]
        print(tag + "ERR %d flags=0x%x %s" % (e, fl, txt)); return
    if ty == NLMSG_DONE:
        print(tag + "DONE len=%d flags=0x%x errno=%d" % (ln, fl, struct.unpack_from("=i", pl)[0])); return
    fam, p1, p2, idx, st, nf, nt = struct.unpack_from("=BBHiHBB", pl)
    print(tag + "type=%d len=%d flags=0x%x seq=%d pid=%d fam=%d idx=%d state=0x%x nflags=0x%x ntype=%d" % (ty, ln, fl, seq, pid, fam, idx, st, nf, nt))
    print(tag + "  bytes: " + pl[:ln-16].hex())
    for t, l, v in parse_attrs(pl[12:]):
        if t == 3:
            print(tag + "  attr %d len %d cacheinfo(confirmed,used,updated,refcnt)=%s" % (t, l, struct.unpack("=IIII", v)))
        else:
            print(tag + "  attr %d len %d %s" % (t, l, v.hex()))
def req(label, msg):
    print(label)
    for d in transact(s, msg):
        for m in parse_msgs(d): show(m)
    for d in recv_all(lis, timeout=0.1):
        for m in parse_msgs(d): show(m, "  [mc] ")
seq = [100]
def nxt():
    seq[0] += 1; return seq[0]
def new(fam, idx, dst, ll=None, state=0x80, flags=0, nlf=C | X, extra=b""):
    p = ndmsg(fam, idx, state, flags) + nla(1, dst) + (nla(2, ll) if ll is not None else b"") + extra
    return nlmsg(RTM_NEWNEIGH, R | A | nlf, nxt(), p)
def dele(fam, idx, dst, flags=0, nlf=0):
    return nlmsg(RTM_DELNEIGH, R | A | nlf, nxt(), ndmsg(fam, idx, 0, flags) + nla(1, dst))
def get(fam, idx, dst, flags=0):
    return nlmsg(RTM_GETNEIGH, R | A, nxt(), ndmsg(fam, idx, 0, flags) + nla(1, dst))
MAC = bytes.fromhex("020000000001"); MAC2 = bytes.fromhex("020000000002")
A1 = ip4("10.0.0.1"); A2 = ip4("10.0.0.2")
B1 = socket.inet_pton(socket.AF_INET6, "2001:db8::1")
req("1 add perm 10.0.0.1 v0 (down)", new(AF_INET, V0, A1, MAC))
req("2 get", get(AF_INET, V0, A1))
req("3 add again EXCL", new(AF_INET, V0, A1, MAC))
req("4 add again no flags (no CREATE, exists)", new(AF_INET, V0, A1, MAC2, nlf=0))
req("5 add again REPLACE new mac", new(AF_INET, V0, A1, MAC2, nlf=RP))
req("6 same again CREATE only, MAC (not replace)", new(AF_INET, V0, A1, MAC, nlf=C))
req("7 missing no CREATE", new(AF_INET, V0, A2, MAC, nlf=0))
req("8 add reachable 10.0.0.2 ECHO", nlmsg(RTM_NEWNEIGH, R | A | C | NLM_F_ECHO, nxt(), ndmsg(AF_INET, V0, 0x2) + nla(1, A2) + nla(2, MAC)))
req("9 add stale 10.0.0.3 proto 4", new(AF_INET, V0, ip4("10.0.0.3"), MAC, state=0x4, extra=nla(12, b"\x04")))
req("10 add noarp 10.0.0.4", new(AF_INET, V0, ip4("10.0.0.4"), MAC, state=0x40))
req("11 add failed 10.0.0.5", new(AF_INET, V0, ip4("10.0.0.5"), MAC, state=0x20))
req("12 add perm no lladdr 10.0.0.6", new(AF_INET, V0, ip4("10.0.0.6"), None, state=0x80))
req("13 add incomplete 10.0.0.7 no ll", new(AF_INET, V0, ip4("10.0.0.7"), None, state=0x1))
req("14 add state 0 10.0.0.8 with ll", new(AF_INET, V0, ip4("10.0.0.8"), MAC, state=0))
req("15 add router flag 10.0.0.9", new(AF_INET, V0, ip4("10.0.0.9"), MAC, flags=0x80))
req("16 add ext_learned 10.0.0.10", new(AF_INET, V0, ip4("10.0.0.10"), MAC, flags=0x10))
req("17 add v6 perm", new(AF_INET6, V0, B1, MAC))
req("18 add v6 on lo", new(AF_INET6, 1, B1, MAC))
req("19 add v4 on lo perm", new(AF_INET, 1, A1, MAC))
req("20 add v4 on lo noarp state", new(AF_INET, 1, A2, MAC, state=0x40))
req("21 add v4 on lo reachable", new(AF_INET, 1, ip4("10.0.0.3"), MAC, state=0x2))
req("22 errors: no dst", nlmsg(RTM_NEWNEIGH, R | A | C, nxt(), ndmsg(AF_INET, V0, 0x80) + nla(2, MAC)))
req("23 errors: short dst", new(AF_INET, V0, b"\x0a\x00\x00", MAC))
req("24 errors: family 7", new(7, V0, A1, MAC))
req("25 errors: ifindex 999", new(AF_INET, 999, A1, MAC))
req("26 errors: no ifindex", new(AF_INET, 0, A1, MAC))
req("27 errors: short lladdr", new(AF_INET, V0, ip4("10.0.0.11"), b"\x02\x00"))
req("28 errors: v6 short dst", new(AF_INET6, V0, A1, MAC))
req("29 long dst (5 bytes)", new(AF_INET, V0, ip4("10.0.0.12") + b"\x01", MAC))
req("30 long lladdr (8 bytes)", new(AF_INET, V0, ip4("10.0.0.13"), MAC + b"\x01\x02"))
req("31 lladdr 33 bytes", new(AF_INET, V0, ip4("10.0.0.14"), b"\x01" * 33))
req("32 proxy add", new(AF_INET, V0, ip4("10.9.9.9"), None, flags=0x08))
req("33 proxy add no dev", new(AF_INET, 0, ip4("10.9.9.8"), None, flags=0x08))
req("34 NTF_USE on existing stale .3", new(AF_INET, V0, ip4("10.0.0.3"), None, state=0, flags=0x01, nlf=0))
req("35 NTF_USE new", new(AF_INET, V0, ip4("10.0.0.15"), None, state=0, flags=0x01, nlf=C))
req("36 flags_ext managed", new(AF_INET, V0, ip4("10.0.0.16"), MAC, state=0x2, extra=nla(15, struct.pack("=I", 1))))
req("37 flags_ext bad", new(AF_INET, V0, ip4("10.0.0.17"), MAC, extra=nla(15, struct.pack("=I", 0x100))))
print("== dump all")
req("d1", nlmsg(RTM_GETNEIGH, R | NLM_F_DUMP, nxt(), ndmsg(0, 0)))
req("d2 proxy dump", nlmsg(RTM_GETNEIGH, R | NLM_F_DUMP, nxt(), ndmsg(0, 0, 0, 0x08)))
req("d3 rtgenmsg only", nlmsg(RTM_GETNEIGH, R | NLM_F_DUMP, nxt(), struct.pack("=B", 2)))
s.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1)
req("d4 strict ifindex filter attr", nlmsg(RTM_GETNEIGH, R | NLM_F_DUMP, nxt(), ndmsg(AF_INET6, 0) + nla(8, struct.pack("=I", V0))))
req("d5 strict ifindex in header", nlmsg(RTM_GETNEIGH, R | NLM_F_DUMP, nxt(), ndmsg(0, V0)))
req("d6 strict bad attr", nlmsg(RTM_GETNEIGH, R | NLM_F_DUMP, nxt(), ndmsg(0, 0) + nla(1, A1)))
req("d7 strict master -1... master 0 nonexistent 77", nlmsg(RTM_GETNEIGH, R | NLM_F_DUMP, nxt(), ndmsg(2, 0) + nla(9, struct.pack("=I", 77))))
req("d8 strict flags", nlmsg(RTM_GETNEIGH, R | NLM_F_DUMP, nxt(), ndmsg(2, 0, 0, 0x80)))
req("d9 strict short", nlmsg(RTM_GETNEIGH, R | NLM_F_DUMP, nxt(), struct.pack("=B", 2)))
print("== get errors (strict irrelevant)")
req("g1 get missing", get(AF_INET, V0, ip4("10.1.1.1")))
req("g2 get no ifindex", get(AF_INET, 0, A1))
req("g3 get family 7", get(7, V0, A1))
req("g4 get short dst", get(AF_INET, V0, b"\x0a\0\0"))
req("g5 get ifindex 999", get(AF_INET, 999, A1))
req("g6 get no dst", nlmsg(RTM_GETNEIGH, R | A, nxt(), ndmsg(AF_INET, V0)))
req("g7 get proxy", get(AF_INET, V0, ip4("10.9.9.9"), flags=0x08))
req("g8 get with state", nlmsg(RTM_GETNEIGH, R | A, nxt(), ndmsg(AF_INET, V0, 0x80) + nla(1, A1)))
req("g9 get extra attr", nlmsg(RTM_GETNEIGH, R | A, nxt(), ndmsg(AF_INET, V0) + nla(1, A1) + nla(8, struct.pack("=I", V0))))
print("== delete")
req("x1 del perm .1", dele(AF_INET, V0, A1))
req("x2 del missing", dele(AF_INET, V0, A1))
req("x3 del no dst", nlmsg(RTM_DELNEIGH, R | A, nxt(), ndmsg(AF_INET, V0)))
req("x4 del no dev", dele(AF_INET, 0, A2))
req("x5 del family 7", dele(7, V0, A2))
req("x6 del ifindex 999", dele(AF_INET, 999, A2))
req("x7 del short", dele(AF_INET, V0, b"\0\0"))
req("x8 del proxy", dele(AF_INET, V0, ip4("10.9.9.9"), flags=0x08))
req("x9 del proxy missing", dele(AF_INET, V0, ip4("10.9.9.9"), flags=0x08))
req("x10 del failed .5 (not valid) ", dele(AF_INET, V0, ip4("10.0.0.5")))
req("x11 del incomplete .7", dele(AF_INET, V0, ip4("10.0.0.7")))
print("== link up v0 (v1 down -> no carrier)")
sh("ip link set v0 up")
for d in recv_all(lis, timeout=0.3):
    for m in parse_msgs(d): show(m, "  [mc] ")
print("== v1 up (carrier on)"); sh("ip link set v1 up"); time.sleep(0.3)
for d in recv_all(lis, timeout=0.3):
    for m in parse_msgs(d): show(m, "  [mc] ")
print("== v1 down (carrier off on v0)"); sh("ip link set v1 down"); time.sleep(1.5)
for d in recv_all(lis, timeout=0.3):
    for m in parse_msgs(d): show(m, "  [mc] ")
req("after carrier down dump", nlmsg(RTM_GETNEIGH, R | NLM_F_DUMP, nxt(), ndmsg(0, 0)))
print("== v0 down")
sh("ip link set v0 down")
for d in recv_all(lis, timeout=0.3):
    for m in parse_msgs(d): show(m, "  [mc] ")
req("after down dump", nlmsg(RTM_GETNEIGH, R | NLM_F_DUMP, nxt(), ndmsg(0, 0)))
print("== re-add on down v0 then change addr")
req("add perm .1", new(AF_INET, V0, A1, MAC))
req("add reach .2", new(AF_INET, V0, A2, MAC, state=2))
sh("ip link set v0 address 02:11:22:33:44:55")
for d in recv_all(lis, timeout=0.3):
    for m in parse_msgs(d): show(m, "  [mc] ")
req("after changeaddr dump", nlmsg(RTM_GETNEIGH, R | NLM_F_DUMP, nxt(), ndmsg(0, 0)))
print("== unregister v0 (down, has perm)")
req("add v6 perm", new(AF_INET6, V0, B1, MAC))
sh("ip link del v0")
for d in recv_all(lis, timeout=0.3):
    for m in parse_msgs(d): show(m, "  [mc] ")
req("lo dump", nlmsg(RTM_GETNEIGH, R | NLM_F_DUMP, nxt(), ndmsg(0, 0)))
