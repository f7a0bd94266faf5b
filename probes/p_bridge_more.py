"""(V) More bridge facts on Linux 6.18: a port-less bridge going up, a bridge address set by the
user (ports no longer move it), IFLA_MASTER in the creating RTM_NEWLINK, a bridge going down with a
forwarding port, moving a bridge (refused) and a port (released) to another namespace.

Only RTNLGRP_LINK is listened to (this namespace and the other one).

Run (root):
    unshare -n python3 /work/main/probes/p_bridge_more.py > /work/main/probes/observed/p_bridge_more.txt 2>&1
"""
import os
import select
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from p_link_common import *  # noqa

header("p_bridge_more")
AF_BRIDGE = 7
IFLA_PROTINFO = 12


def listener():
    s = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind((0, 1))
    return s


def drain(s, quiet):
    out = []
    while True:
        r, _, _ = select.select([s], [], [], quiet)
        if not r:
            return out
        out.extend(parse_msgs(s.recv(1 << 16)))


O = OtherNS()
LA = listener()
LB = O.run(listener)
R = reqsock(ext_ack=True)


def line(m):
    l = summary(m).split("\n")[0]
    if m[1] in (16, 17) and m[5][0] == AF_BRIDGE:
        pi = link_attr(m[5], IFLA_PROTINFO)
        if pi is not None:
            d = {nm(IFLA_BRPORT, t & 0x3fff): x for t, ln, x in parse_attrs(pi)}
            l += " STATE=%d" % d["IFLA_BRPORT_STATE"][0]
    return l


def op(title, msg, wait=1.5):
    for s in (LA, LB, R):
        drain(s, 0.05)
    print("\n==== %s" % title)
    R.send(msg)
    for m in drain(R, 0.3):
        print("  requester: " + line(m))
        if m[1] == NLMSG_ERROR and (m[2] & NLM_F_ACK_TLVS):
            for l in fmt_error(m)[1:]:
                if "TLV" in l:
                    print("     " + l)
    for m in drain(LA, wait):
        print("  listener: " + line(m))
    for m in drain(LB, 0.1):
        print("  other ns: " + line(m))


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


A = NLM_F_REQUEST | NLM_F_ACK
C = A | NLM_F_CREATE | NLM_F_EXCL
for n, p, a in (("pa", "qa", "02:00:00:00:00:20"), ("pb", "qb", "02:00:00:00:00:10")):
    R.send(veth_req(n, p, C, 1, attrs=nla(IFLA_ADDRESS, mac(a))))
    R.recv(65536)
QA, PA, QB, PB = (ifindex(n) for n in ("qa", "pa", "qb", "pb"))
op("create br0", kind_req("br0", "bridge", C, 10))
B = ifindex("br0")
op("br0 up (no ports)", nlmsg(RTM_NEWLINK, A, 11, ifinfomsg(B, IFF_UP, IFF_UP)))
op("br0 address 02:00:00:00:00:99", nlmsg(RTM_NEWLINK, A, 12, ifinfomsg(B) + nla(IFLA_ADDRESS, mac("02:00:00:00:00:99"))))
op("enslave pa (down)", nlmsg(RTM_NEWLINK, A, 13, ifinfomsg(PA) + nla(IFLA_MASTER, u32(B))))
op("qb up", nlmsg(RTM_NEWLINK, A, 14, ifinfomsg(QB, IFF_UP, IFF_UP)))
op("pb up", nlmsg(RTM_NEWLINK, A, 15, ifinfomsg(PB, IFF_UP, IFF_UP)), wait=2.5)
op("enslave pb (up, carrier) to br0 (up)", nlmsg(RTM_NEWLINK, A, 16, ifinfomsg(PB) + nla(IFLA_MASTER, u32(B))), wait=2.5)
op("br0 down (pb forwarding)", nlmsg(RTM_NEWLINK, A, 17, ifinfomsg(B, 0, IFF_UP)))
op("br0 up again", nlmsg(RTM_NEWLINK, A, 18, ifinfomsg(B, IFF_UP, IFF_UP)), wait=2.5)
op("create veth vx (peer vy) with IFLA_MASTER br0",
   veth_req("vx", "vy", C, 19, attrs=nla(IFLA_ADDRESS, mac("02:00:00:00:00:05")) + nla(IFLA_MASTER, u32(B))))
op("move br0 to the other namespace", nlmsg(RTM_NEWLINK, A, 20, ifinfomsg(B) + nla(IFLA_NET_NS_FD, u32(O.fd))))
op("move pa (port, down) to the other namespace", nlmsg(RTM_NEWLINK, A, 21, ifinfomsg(PA) + nla(IFLA_NET_NS_FD, u32(O.fd))))
op("move pb (port, forwarding) to the other namespace",
   nlmsg(RTM_NEWLINK, A, 22, ifinfomsg(PB) + nla(IFLA_NET_NS_FD, u32(O.fd))), wait=2.5)
