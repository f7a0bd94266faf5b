"""(V) Is the default table (253) consulted by lookups without policy rules?
And RTM_F_LOOKUP_TABLE / RTM_F_NOTIFY / RTA_UID / tos in RTM_GETROUTE answers.
Run: unshare -n python3 probes/p_route4_default.py
"""
import socket, struct, subprocess, sys, time
sys.path.insert(0, "/work/shared/kernel-probes")
from nl import *  # noqa
R, A = NLM_F_REQUEST, NLM_F_ACK
ctl = sock(); ctl.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
def u32(v): return struct.pack("=I", v)
D = lambda a: nla(1, ip4(a)); GW = lambda a: nla(5, ip4(a))
def tx(label, mt, flags, body):
    print("##", label)
    for d in transact(ctl, nlmsg(mt, flags, 5, body)):
        for m in parse_msgs(d):
            print("   ", describe(m))
        print("    raw", d.hex())
subprocess.run("ip link add va type veth peer name vb; ip link set va up; ip link set vb up; ip addr add 10.0.0.1/24 dev va", shell=True, check=True)
time.sleep(0.2)
C = R | A | NLM_F_CREATE
tx("default table default route", 24, C, rtmsg(AF_INET, 0, 0, 0, 253, 4, 0, 1) + GW("10.0.0.3"))
get = lambda label, dst, flags=0, extra=b"", tos=0: tx("get " + label, 26, R, rtmsg(AF_INET, 32, 0, tos, 0, 0, 0, 0, flags) + D(dst) + extra)
get("8.8.8.8 (only default table has a route)", "8.8.8.8")
tx("unreachable 10.50/16 in main", 24, C, rtmsg(AF_INET, 16, 0, 0, 254, 4, 0, 7) + D("10.50.0.0"))
get("10.50.1.1", "10.50.1.1")
tx("throw 10.51/16 in main", 24, C, rtmsg(AF_INET, 16, 0, 0, 254, 4, 0, 9) + D("10.51.0.0"))
get("10.51.1.1 (throw)", "10.51.1.1")
get("8.8.8.8 LOOKUP_TABLE", "8.8.8.8", 0x1000)
get("10.0.0.5 LOOKUP_TABLE", "10.0.0.5", 0x1000)
get("10.0.0.1 local LOOKUP_TABLE", "10.0.0.1", 0x1000)
get("10.0.0.5 NOTIFY", "10.0.0.5", 0x100)
get("10.0.0.5 uid 1234", "10.0.0.5", 0, nla(25, u32(1234)))
get("10.0.0.5 mark 7", "10.0.0.5", 0, nla(16, u32(7)))
get("10.0.0.5 tos 0x10", "10.0.0.5", 0, b"", 0x10)
get("10.0.0.5 fibmatch LOOKUP_TABLE", "10.0.0.5", 0x3000)
