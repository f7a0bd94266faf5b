"""Shared setup of the neighbour probes (exec'd). (V) Neighbour tables on Linux 6.18: RTM_NEWNEIGH/DELNEIGH/GETNEIGH, fill bytes,
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
