"""(V) RTM_NEWROUTE / RTM_DELROUTE with a short rtmsg, an 8-byte RTA_DST,
and DELROUTE of main before any route exists in a fresh namespace.
Run: unshare -n python3 probes/p_route4_hdr.py
"""
import socket, struct, subprocess, sys
sys.path.insert(0, "/work/shared/kernel-probes")
from nl import *  # noqa
R, A = NLM_F_REQUEST, NLM_F_ACK
ctl = sock(); ctl.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
def tx(label, mt, flags, body):
    for d in transact(ctl, nlmsg(mt, flags, 5, body)):
        for m in parse_msgs(d):
            p = m[5]; err = struct.unpack_from("=i", p)[0]; tl = {}
            if m[2] & 0x200:
                inner = struct.unpack_from("=I", p, 4)[0]
                off = 4 + (16 if m[2] & 0x100 else (inner + 3) & ~3)
                for t, _, v in parse_attrs(p[off:]):
                    tl[t] = v.rstrip(b"\0").decode() if t == 1 else v.hex()
            print("##", label, "->", m[1], err, tl, "len", m[0])
tx("del main, fresh netns", 25, R | A, rtmsg(AF_INET, 24, 0, 0, 254, 0, 255, 0) + nla(1, ip4("10.9.0.0")))
tx("del local, fresh netns", 25, R | A, rtmsg(AF_INET, 24, 0, 0, 255, 0, 255, 0) + nla(1, ip4("10.9.0.0")))
tx("new short header", 24, R | A | NLM_F_CREATE, b"\x02\x18\x00\x00")
tx("del short header", 25, R | A, b"\x02\x18\x00\x00")
subprocess.run("ip link add va type veth peer name vb; ip link set va up", shell=True, check=True)
va = socket.if_nametoindex("va")
tx("8-byte RTA_DST", 24, R | A | NLM_F_CREATE, rtmsg(AF_INET, 24, 0, 0, 254, 4, 0, 1) + nla(1, ip4("10.9.0.0") + b"\0\0\0\0") + nla(4, struct.pack("=I", va)))
tx("del main now", 25, R | A, rtmsg(AF_INET, 24, 0, 0, 254, 0, 255, 0) + nla(1, ip4("10.8.0.0")))
tx("del local now", 25, R | A, rtmsg(AF_INET, 24, 0, 0, 255, 0, 255, 0) + nla(1, ip4("10.8.0.0")))
