"""(V) Carrier following a veth peer, on RTNLGRP_LINK only: both ends going up, one end going down
and up again while the other stays up, IFLA_CARRIER on a veth (no ndo_change_carrier), and the
deletion of a pair that is up.

Run (root):
    unshare -n python3 /work/main/probes/p_link_carrier.py > /work/main/probes/observed/p_link_carrier.txt 2>&1
"""
import os
import select
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from p_link_common import *  # noqa

header("p_link_carrier")
IFLA_CARRIER = 33
R_, A_, C_, X_ = NLM_F_REQUEST, NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL
L = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
L.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
L.bind((0, 1))
R = reqsock(ext_ack=True)


def op(title, msg, wait=1.5):
    recv_all(L, 0.05)
    print("\n==== %s" % title)
    R.send(msg)
    for d in recv_all(R, 0.3):
        for m in parse_msgs(d):
            print("  requester: " + " / ".join(fmt_error(m)[:2]) if m[1] == NLMSG_ERROR else "  requester: " + summary(m))
    for d in recv_all(L, wait):
        for m in parse_msgs(d):
            print("  listener: " + summary(m).split("\n")[0])


op("create veth v0 (peer v1)", veth_req("v0", "v1", R_ | A_ | C_ | X_, 4000), wait=0.3)
V0, V1 = ifindex("v0"), ifindex("v1")
print("  v0=%d v1=%d" % (V0, V1))
op("v0 up (peer down)", nlmsg(RTM_NEWLINK, R_ | A_, 4001, ifinfomsg(V0, IFF_UP, IFF_UP)))
op("v1 up (peer up)", nlmsg(RTM_NEWLINK, R_ | A_, 4002, ifinfomsg(V1, IFF_UP, IFF_UP)))
op("v0 down (peer stays up)", nlmsg(RTM_NEWLINK, R_ | A_, 4003, ifinfomsg(V0, 0, IFF_UP)))
op("v0 up again (peer up)", nlmsg(RTM_NEWLINK, R_ | A_, 4004, ifinfomsg(V0, IFF_UP, IFF_UP)))
def counters(i):
    R.send(nlmsg(RTM_GETLINK, R_, 4100, ifinfomsg(i)))
    for d in recv_all(R, 0.3):
        for m in parse_msgs(d):
            c = [struct.unpack("=I", link_attr(m[5], t))[0] for t in (35, 47, 48)]
            q = link_attr(m[5], 6).rstrip(b"\0").decode()
            print("  GETLINK index %d: CARRIER_CHANGES %d CARRIER_UP_COUNT %d CARRIER_DOWN_COUNT %d QDISC %s" % (
                i, c[0], c[1], c[2], q))


print("\n==== counters after up, up, down, up")
counters(V0)
counters(V1)
op("IFLA_CARRIER 0 on v0", nlmsg(RTM_NEWLINK, R_ | A_, 4005, ifinfomsg(V0) + nla(IFLA_CARRIER, b"\0")), wait=0.3)
op("delete v0 (both up)", nlmsg(RTM_DELLINK, R_ | A_, 4006, ifinfomsg(V0)), wait=0.5)


def veth_up_req(name, peer, seq, dev_up, peer_up, flags=R_ | A_ | C_ | X_):
    pf = IFF_UP if peer_up else 0
    df = IFF_UP if dev_up else 0
    peer_payload = ifinfomsg(0, pf, pf) + nla(IFLA_IFNAME, peer.encode() + b"\0")
    linkinfo = nla(IFLA_INFO_KIND, b"veth\0") + nla(IFLA_INFO_DATA, nla(VETH_INFO_PEER, peer_payload))
    return nlmsg(RTM_NEWLINK, flags, seq, ifinfomsg(0, df, df) + nla(IFLA_IFNAME, name.encode() + b"\0")
                 + nla(IFLA_LINKINFO, linkinfo))


op("create veth w0 up (ifi_flags IFF_UP), peer w1 down", veth_up_req("w0", "w1", 4010, True, False))
op("create veth x0 up, peer x1 up (both ifinfomsgs IFF_UP)", veth_up_req("x0", "x1", 4011, True, True))
op("create veth y0 up with ECHO, peer y1 up", veth_up_req("y0", "y1", 4012, True, True, R_ | A_ | C_ | X_ | NLM_F_ECHO))
