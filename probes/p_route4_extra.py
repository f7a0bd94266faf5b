"""(V) IPv4 FIB odds and ends: REPLACE when the identical route is not the
first; secondary addresses' routes on add and delete; RTM_F_LOOKUP_TABLE
and RTM_F_NOTIFY in RTM_GETROUTE; a default-table route and lookups.
Run: unshare -n python3 probes/p_route4_extra.py
"""
import socket, struct, subprocess, sys, time
sys.path.insert(0, "/work/shared/kernel-probes")
from nl import *  # noqa
R, A = NLM_F_REQUEST, NLM_F_ACK
ctl = sock(); ctl.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
L = sock(groups=(1 << 6))
def u32(v): return struct.pack("=I", v)
D = lambda a: nla(1, ip4(a)); GW = lambda a: nla(5, ip4(a)); OIF = lambda i: nla(4, u32(i))
def rt(dl=0, table=254, proto=4, scope=0, rtype=1, tos=0, flags=0):
    return rtmsg(AF_INET, dl, 0, tos, table, proto, scope, rtype, flags)
def tx(label, mt, flags, body, raw=False):
    print("##", label)
    for d in transact(ctl, nlmsg(mt, flags, 5, body)):
        for m in parse_msgs(d):
            print("   ", describe(m))
        if raw: print("    raw", d.hex())
    for d in recv_all(L, 0.1):
        for m in parse_msgs(d):
            print("    EV", describe(m))
def sh(cmd, label):
    subprocess.run(cmd, shell=True, check=True); time.sleep(0.2)
    print("## " + label)
    for d in recv_all(L, 0.3):
        for m in parse_msgs(d):
            print("    EV", describe(m))
sh("ip link add va type veth peer name vb; ip link set va up; ip link set vb up; ip addr add 10.0.0.1/24 dev va", "setup")
va = socket.if_nametoindex("va")
C = R | A | NLM_F_CREATE
tx("a: oif", RTM_NEWROUTE, C, rt(24) + D("10.9.0.0") + OIF(va))
tx("b: gw .2", RTM_NEWROUTE, C | NLM_F_APPEND, rt(24) + D("10.9.0.0") + GW("10.0.0.2"))
tx("replace with b (identical but second)", RTM_NEWROUTE, C | NLM_F_REPLACE, rt(24) + D("10.9.0.0") + GW("10.0.0.2"))
tx("replace with a (identical and first)", RTM_NEWROUTE, C | NLM_F_REPLACE, rt(24) + D("10.9.0.0") + OIF(va))
tx("delete with tos 0x10 (none)", RTM_DELROUTE, R | A, rt(24, tos=0x10, proto=0, rtype=0, scope=255) + D("10.9.0.0"))
tx("delete with priority 5 (none)", RTM_DELROUTE, R | A, rt(24, proto=0, rtype=0, scope=255) + D("10.9.0.0") + nla(6, u32(5)))
tx("delete with oif", RTM_DELROUTE, R | A, rt(24, proto=0, rtype=0, scope=255) + D("10.9.0.0") + OIF(va))
sh("ip addr add 10.0.0.2/24 dev va", "secondary add")
sh("ip addr add 10.0.0.3/24 dev va", "second secondary add")
sh("ip addr del 10.0.0.2/24 dev va", "secondary del")
sh("ip addr add 10.1.0.1/16 dev va", "another primary")
sh("ip addr del 10.0.0.1/24 dev va", "primary del (promotion of 10.0.0.3)")
sh("ip addr add 10.2.0.1/24 brd 10.2.0.255 dev va", "explicit broadcast")
sh("ip addr add 10.2.0.2/24 brd 10.2.0.127 dev va", "secondary with other broadcast")
sh("ip addr del 10.2.0.2/24 dev va", "its deletion")
tx("default table route", RTM_NEWROUTE, C, rt(0, table=253) + GW("10.0.0.3"))
tx("unreachable in main for 10.50/16", RTM_NEWROUTE, C, rt(16, rtype=7) + D("10.50.0.0"))
def get(label, dst, flags=0, extra=b""):
    tx("get " + label, RTM_GETROUTE, R, rtmsg(AF_INET, 32, 0, 0, 0, 0, 0, 0, flags) + D(dst) + extra, raw=True)
get("8.8.8.8 via default table", "8.8.8.8")
get("8.8.8.8 LOOKUP_TABLE", "8.8.8.8", 0x1000)
get("10.0.0.5 LOOKUP_TABLE", "10.0.0.5", 0x1000)
get("10.0.0.3 local LOOKUP_TABLE", "10.0.0.3", 0x1000)
get("10.0.0.5 NOTIFY", "10.0.0.5", 0x100)
get("10.50.1.1 unreachable then default table", "10.50.1.1")
get("10.0.0.5 uid 1234", "10.0.0.5", 0, nla(25, u32(1234)))
get("10.0.0.5 mark 7", "10.0.0.5", 0, nla(16, u32(7)))
get("10.0.0.5 tos 0x10", "10.0.0.5") 
tx("get tos 0x10", RTM_GETROUTE, R, rtmsg(AF_INET, 32, 0, 0x10, 0, 0, 0, 0, 0) + D("10.0.0.5"), raw=True)
