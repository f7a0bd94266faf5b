"""(V) More link facts for tests/links.rs: device groups (IFLA_GROUP changes, NEWLINK and DELLINK
by group), strict GETLINK doit checks, veth creation corner cases (no peer data with a top-level
netns, queue counts, name clashes of the peer), IFLA_IFALIAS, IFLA_PROTO_DOWN, IFLA_LINKMODE,
renames to templates, moves that clash with a name in the target namespace, multicast MACs.

Listener on RTNLGRP_LINK and RTNLGRP_NSID; uevent listener in this namespace.
Run (root):
    unshare -n python3 /work/main/probes/p_link_more2.py > /work/main/probes/observed/p_link_more2.txt 2>&1
"""
import os
import select
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from p_link_common import *  # noqa

header("p_link_more2")
NETLINK_KOBJECT_UEVENT = 15
IFLA_TXQLEN, IFLA_OPERSTATE, IFLA_LINKMODE, IFLA_IFALIAS, IFLA_GROUP = 13, 16, 17, 20, 27
IFLA_NUM_TX_QUEUES, IFLA_NUM_RX_QUEUES, IFLA_PROTO_DOWN = 31, 32, 39
MASK = (1 << 0) | (1 << 27)
R_, A_, E_ = NLM_F_REQUEST, NLM_F_ACK, NLM_F_ECHO
C_, X_ = NLM_F_CREATE, NLM_F_EXCL


def mk(proto, groups, rcv=1 << 20):
    s = socket.socket(AF_NETLINK, socket.SOCK_RAW, proto)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcv)
    s.bind((0, groups))
    return s


def collect(socks, quiet):
    out = {s: [] for s in socks}
    while True:
        r, _, _ = select.select(socks, [], [], quiet)
        if not r:
            return out
        for s in r:
            data, addr = s.recvfrom(1 << 16)
            out[s].append((addr, data))


O = OtherNS()
LA = mk(NETLINK_ROUTE, MASK)
LB = O.run(mk, NETLINK_ROUTE, MASK)
UA = mk(15, 1)
R = reqsock(ext_ack=True)
RS = reqsock(ext_ack=True, strict=True)


def show(title, dgs, uevent=False):
    print("  -- %s: %d" % (title, len(dgs)))
    for addr, data in dgs:
        if uevent:
            print("     %s" % data.decode(errors="replace").replace("\0", "|"))
            continue
        for m in parse_msgs(data):
            print("     " + summary(m).split("\n")[0])
            if m[1] in (16, 17):
                print("        attrs: " + " ".join(attr_summary(m[5])))
            if m[1] == NLMSG_ERROR and (err_of(m[5]) != 0 or m[2] & NLM_F_ACK_TLVS):
                for l in fmt_error(m)[1:]:
                    print("        " + l)


def op(title, msg, sock=None, wait=0.5):
    sock = sock or R
    socks = [sock, LA, LB, UA]
    collect(socks, 0.05)
    print("\n==== %s" % title)
    sock.send(msg)
    got = collect(socks, wait)
    show("requester", got[sock])
    show("listener A (here)", got[LA])
    show("listener B (other ns)", got[LB])
    show("uevents here", got[UA], uevent=True)


def names():
    return sh("ip -o link | awk -F': ' '{print $1\":\"$2}'").replace("\n", " ")


# ---------------------------------------------------------------- groups
op("fixture veth g0/g1", veth_req("g0", "g1", R_ | A_ | C_ | X_, 5000))
op("fixture veth h0/h1", veth_req("h0", "h1", R_ | A_ | C_ | X_, 5001))
G0, H0, H1 = ifindex("g0"), ifindex("h0"), ifindex("h1")
op("g0 (down) group 7", nlmsg(RTM_NEWLINK, R_ | A_, 5002, ifinfomsg(G0) + nla(IFLA_GROUP, u32(7))))
op("h0 up", nlmsg(RTM_NEWLINK, R_ | A_, 5003, ifinfomsg(H0, IFF_UP, IFF_UP)), wait=1.0)
op("h0 (up) group 7", nlmsg(RTM_NEWLINK, R_ | A_, 5004, ifinfomsg(H0) + nla(IFLA_GROUP, u32(7))), wait=1.0)
op("NEWLINK without CREATE, ifindex 0, IFLA_GROUP 7 + IFLA_MTU 1300",
   nlmsg(RTM_NEWLINK, R_ | A_, 5005, ifinfomsg(0) + nla(IFLA_GROUP, u32(7)) + nla(IFLA_MTU, u32(1300))), wait=1.0)
op("NEWLINK without CREATE, ifindex 0, IFLA_GROUP 9 (no member)",
   nlmsg(RTM_NEWLINK, R_ | A_, 5006, ifinfomsg(0) + nla(IFLA_GROUP, u32(9)) + nla(IFLA_MTU, u32(1300))))
op("DELLINK IFLA_GROUP 0", nlmsg(RTM_DELLINK, R_ | A_, 5007, ifinfomsg(0) + nla(IFLA_GROUP, u32(0))))
op("DELLINK IFLA_GROUP 9 (no member)", nlmsg(RTM_DELLINK, R_ | A_, 5008, ifinfomsg(0) + nla(IFLA_GROUP, u32(9))))
op("lo group 5", nlmsg(RTM_NEWLINK, R_ | A_, 5009, ifinfomsg(1) + nla(IFLA_GROUP, u32(5))))
op("DELLINK IFLA_GROUP 5 (lo)", nlmsg(RTM_DELLINK, R_ | A_, 5010, ifinfomsg(0) + nla(IFLA_GROUP, u32(5))))
op("DELLINK IFLA_GROUP 7 (g0, h0; their peers are group 0)",
   nlmsg(RTM_DELLINK, R_ | A_, 5011, ifinfomsg(0) + nla(IFLA_GROUP, u32(7))), wait=1.0)
print("  links now: %s" % names())

# ---------------------------------------------------------------- strict GETLINK doit
op("fixture veth s0/s1", veth_req("s0", "s1", R_ | A_ | C_ | X_, 5100))
S0 = ifindex("s0")
for title, payload in [("ifi_flags=1", ifinfomsg(S0, 1, 0)), ("ifi_change=1", ifinfomsg(S0, 0, 1)),
                       ("8-byte header", ifinfomsg(S0)[:8]), ("IFLA_MTU attribute", ifinfomsg(S0) + nla(IFLA_MTU, u32(1500))),
                       ("IFLA_EXT_MASK 9 (allowed)", ifinfomsg(S0) + nla(IFLA_EXT_MASK, u32(9))),
                       ("ifi_family 2, ifi_type 0", struct.pack("=BBHiII", 2, 0, 0, S0, 0, 0))]:
    op("strict GETLINK s0, %s" % title, nlmsg(RTM_GETLINK, R_, 5101, payload), sock=RS)

# ---------------------------------------------------------------- veth creation corners
op("veth t0 with top-level IFLA_NET_NS_FD, no peer data",
   nlmsg(RTM_NEWLINK, R_ | A_ | C_ | X_, 5200, ifinfomsg() + nla(IFLA_IFNAME, b"t0\0") + nla(IFLA_NET_NS_FD, u32(O.fd))
         + nla(IFLA_LINKINFO, nla(IFLA_INFO_KIND, b"veth\0"))))
print("  here: %s" % names())
print("  other: %s" % O.sh("ip -o link | awk -F': ' '{print $1\":\"$2}'").stdout.replace("\n", " "))
op("veth q0/q1 with IFLA_NUM_TX_QUEUES 3 (device only)",
   veth_req("q0", "q1", R_ | A_ | C_ | X_, 5201, attrs=nla(IFLA_NUM_TX_QUEUES, u32(3))))
op("veth p0 whose peer name 's0' is taken", veth_req("p0", "s0", R_ | A_ | C_ | X_, 5202))
op("veth 'same' with peer 'same'", veth_req("same", "same", R_ | A_ | C_ | X_, 5203))
op("veth p0 whose peer name 'a/b' is invalid", veth_req("p0", "a/b", R_ | A_ | C_ | X_, 5204))

# ---------------------------------------------------------------- misc attributes
op("s0 (down) IFLA_IFALIAS 'hello'", nlmsg(RTM_NEWLINK, R_ | A_, 5300, ifinfomsg(S0) + nla(IFLA_IFALIAS, b"hello\0")))
op("GETLINK s0", nlmsg(RTM_GETLINK, R_, 5301, ifinfomsg(S0)))
op("s0 IFLA_IFALIAS '' (clear)", nlmsg(RTM_NEWLINK, R_ | A_, 5302, ifinfomsg(S0) + nla(IFLA_IFALIAS, b"")))
op("s0 IFLA_PROTO_DOWN 1", nlmsg(RTM_NEWLINK, R_ | A_, 5303, ifinfomsg(S0) + nla(IFLA_PROTO_DOWN, b"\1")))
op("s0 IFLA_LINKMODE 1 (down)", nlmsg(RTM_NEWLINK, R_ | A_, 5304, ifinfomsg(S0) + nla(IFLA_LINKMODE, b"\1")))
op("s0 IFLA_TXQLEN 0", nlmsg(RTM_NEWLINK, R_ | A_, 5305, ifinfomsg(S0) + nla(IFLA_TXQLEN, u32(0))))
op("s0 rename to template 'r%d'", nlmsg(RTM_NEWLINK, R_ | A_, 5306, ifinfomsg(S0) + nla(IFLA_IFNAME, b"r%d\0")))
op("s0 multicast MAC", nlmsg(RTM_NEWLINK, R_ | A_, 5307, ifinfomsg(S0) + nla(IFLA_ADDRESS, bytes([1, 0, 0, 0, 0, 1]))))
op("s0 all-zero MAC", nlmsg(RTM_NEWLINK, R_ | A_, 5308, ifinfomsg(S0) + nla(IFLA_ADDRESS, bytes(6))))
op("lo mtu 10", nlmsg(RTM_NEWLINK, R_ | A_, 5309, ifinfomsg(1) + nla(IFLA_MTU, u32(10))))
op("GETLINK lo", nlmsg(RTM_GETLINK, R_, 5310, ifinfomsg(1)))

# ---------------------------------------------------------------- moves that clash
O.sh("ip link add m0 type veth peer name m1")
op("fixture here: veth m0/m1 (other ns has m0/m1 too)", veth_req("m0", "m1", R_ | A_ | C_ | X_, 5400))
M0 = ifindex("m0")
op("move m0 to the other ns (name taken there)", nlmsg(RTM_NEWLINK, R_ | A_, 5401, ifinfomsg(M0) + nla(IFLA_NET_NS_FD, u32(O.fd))))
op("move m0 to the other ns with IFLA_IFNAME 'mm%d'",
   nlmsg(RTM_NEWLINK, R_ | A_, 5402, ifinfomsg(M0) + nla(IFLA_NET_NS_FD, u32(O.fd)) + nla(IFLA_IFNAME, b"mm%d\0")))
op("move m1 by RTM_SETLINK, IFLA_NET_NS_FD + IFLA_IFNAME 'm1'",
   nlmsg(RTM_SETLINK, R_ | A_, 5403, ifinfomsg(ifindex("m1")) + nla(IFLA_NET_NS_FD, u32(O.fd)) + nla(IFLA_IFNAME, b"m1\0")))
op("move h1 with IFLA_NEW_IFINDEX 1 (taken there)",
   nlmsg(RTM_NEWLINK, R_ | A_, 5404, ifinfomsg(H1) + nla(IFLA_NET_NS_FD, u32(O.fd)) + nla(49, struct.pack("=i", 1))))
print("  here: %s" % names())
print("  other: %s" % O.sh("ip -o link | awk -F': ' '{print $1\":\"$2}'").stdout.replace("\n", " "))
O.close()
