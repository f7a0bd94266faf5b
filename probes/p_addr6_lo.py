"""A global IPv6 address on lo (Linux 6.18): tentative RTM_NEWADDR, then the
permanent one from the DAD work (no DAD on loopback).
Run: unshare -n python3 probes/p_addr6_lo.py"""
import os, socket, struct, subprocess, sys, time
sys.path.insert(0, "/work/shared/kernel-probes")
from nl import *
AF_INET6 = 10
subprocess.run("ip link set lo up", shell=True, check=True)
lis = sock()
add_membership(lis, 9)
c = sock()
c.send(nlmsg(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK, 1,
             ifaddrmsg(AF_INET6, 64, 0, 0, 1) + nla(1, socket.inet_pton(AF_INET6, "2001:db8::5"))))
for d in recv_all(c, 0.2):
    for m in parse_msgs(d): print("requester:", describe(m))
time.sleep(0.2)
for d in recv_all(lis, 0.2):
    for m in parse_msgs(d):
        fam, plen, ifl, scope, idx = struct.unpack_from("=BBBBI", m[5])
        print("listener:", describe(m), "ifa_flags=0x%x" % ifl)
