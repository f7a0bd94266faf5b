"""(V) RTA_NH_ID without nexthop objects, and RTA_ENCAP_TYPE values.
Run: unshare -n python3 probes/p_route4_nhid.py
"""
import socket, struct, subprocess, sys
sys.path.insert(0, "/work/shared/kernel-probes")
from nl import *  # noqa
R, A = NLM_F_REQUEST, NLM_F_ACK
ctl = sock(); ctl.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
def u32(v): return struct.pack("=I", v)
def u16(v): return struct.pack("=H", v)
subprocess.run("ip link add va type veth peer name vb; ip link set va up", shell=True, check=True)
va = socket.if_nametoindex("va")
D = nla(1, ip4("10.9.0.0"))
def tx(label, mt, flags, body):
    for d in transact(ctl, nlmsg(mt, flags, 5, body)):
        for m in parse_msgs(d):
            p = m[5]; err = struct.unpack_from("=i", p)[0]; msg = None
            if m[2] & 0x200:
                inner = struct.unpack_from("=I", p, 4)[0]
                off = 4 + (16 if m[2] & 0x100 else (inner + 3) & ~3)
                for t, _, v in parse_attrs(p[off:]):
                    if t == 1: msg = v.rstrip(b"\0").decode()
            print("##", label, "->", err, msg)
rt = rtmsg(AF_INET, 24, 0, 0, 254, 4, 0, 1)
C = R | A | NLM_F_CREATE
tx("nh id 5", 24, C, rt + D + nla(30, u32(5)))
tx("nh id 5 + oif", 24, C, rt + D + nla(30, u32(5)) + nla(4, u32(va)))
tx("del nh id 5", 25, R | A, rt + D + nla(30, u32(5)))
for t in (0, 1, 2, 3, 5, 7, 10, 11):
    tx("encap type %d" % t, 24, C, rt + D + nla(4, u32(va)) + nla(21, u16(t)))
tx("encap without type", 24, C, rt + D + nla(4, u32(va)) + nla(22 | 0x8000, nla(1, u32(1))))
