"""(V) IPv4 route dump with NETLINK_GET_STRICT_CHK and no filter: message
flags; an AF_UNSPEC dump of a missing table; a dump of table 255 alone.
Run: unshare -n python3 probes/p_route4_strict.py
"""
import struct, subprocess, sys
sys.path.insert(0, "/work/shared/kernel-probes")
from nl import *  # noqa
R = NLM_F_REQUEST
subprocess.run("ip link set lo up", shell=True, check=True)
s = sock(); s.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1); s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
def show(label, msg):
    print("##", label)
    for d in transact(s, msg):
        print("   datagram", len(d))
        for m in parse_msgs(d):
            print("   ", describe(m))
show("strict, no filter", nlmsg(26, R | NLM_F_DUMP, 1, rtmsg()))
show("strict, table 255", nlmsg(26, R | NLM_F_DUMP, 2, rtmsg(table=255)))
show("strict, AF_UNSPEC family, table 77", nlmsg(26, R | NLM_F_DUMP, 3, rtmsg(family=0, table=77)))
show("strict, AF_INET, RTM_F_PREFIX", nlmsg(26, R | NLM_F_DUMP, 4, rtmsg(flags=0x800)))
show("strict, short header", nlmsg(26, R | NLM_F_DUMP, 5, b"\x02\x00\x00\x00"))
show("strict, oif 99", nlmsg(26, R | NLM_F_DUMP, 6, rtmsg() + nla(4, struct.pack("=I", 99))))
show("strict, flags 0x4", nlmsg(26, R | NLM_F_DUMP, 7, rtmsg(flags=0x4)))
s2 = sock()
print("## nonstrict, cloned flag")
for d in transact(s2, nlmsg(26, R | NLM_F_DUMP, 8, rtmsg(flags=0x200))):
    for m in parse_msgs(d):
        print("   ", describe(m))
print("## nonstrict, 1-byte rtgenmsg AF_INET")
for d in transact(s2, nlmsg(26, R | NLM_F_DUMP, 9, b"\x02")):
    for m in parse_msgs(d):
        print("   ", describe(m))
