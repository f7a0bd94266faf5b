"""(V) Link notifications: what a listener on RTNLGRP_LINK, NEIGH, IPV4_IFADDR, IPV4_ROUTE,
IPV6_IFADDR, IPV6_ROUTE, IPV6_IFINFO and NSID receives for each link operation, and what the
requester itself gets (replies, acks, echoes, errors with ext-ack TLVs).

All operations are raw RTM_NEWLINK/SETLINK/DELLINK/GETLINK requests sent by this script from an
unsubscribed socket with NETLINK_EXT_ACK=1.  A second namespace (child `unshare -n sleep`) has its
own listener, for the move-to-netns case.  "+Nms" is the receive time after send() (timing varies;
linkwatch events are deferred up to ~1 s, IPv6 DAD ~1-2 s).

Run (root):
    unshare -n python3 /work/main/probes/p_link_notify.py > /work/main/probes/observed/p_link_notify.txt 2>&1
"""
import os
import select
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from p_link_common import *  # noqa

header("p_link_notify")
GROUPS = [1, 3, 5, 7, 9, 11, 12, 28]
MASK = sum(1 << (g - 1) for g in GROUPS)
print("listener groups:", ", ".join("%d(%s)" % (g, GROUPNAMES[g]) for g in GROUPS), "-> bind mask 0x%x" % MASK)


def listener():
    s = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    s.setsockopt(SOL_NETLINK, NETLINK_PKTINFO, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind((0, MASK))
    return s


def _recv(s, t0):
    try:
        data, anc, fl, addr = s.recvmsg(1 << 16, socket.CMSG_SPACE(4))
    except OSError as e:
        return [(int((time.time() - t0) * 1000), None, None, e)]
    grp = None
    for lvl, typ, cd in anc:
        if lvl == SOL_NETLINK and typ == NETLINK_PKTINFO:
            grp = struct.unpack("=I", cd[:4])[0]
    ms = int((time.time() - t0) * 1000)
    return [(ms, grp, addr, m) for m in parse_msgs(data)]


def collect(socks, t0, quiet):
    """Read all sockets concurrently until `quiet` seconds pass with nothing new."""
    out = {s: [] for s in socks}
    while True:
        r, _, _ = select.select(socks, [], [], quiet)
        if not r:
            return out
        for s in r:
            out[s].extend(_recv(s, t0))


def drain(s, t0, timeout):
    return collect([s], t0, timeout)[s]


O = OtherNS()
LA = listener()
LB = O.run(listener)
R = reqsock(ext_ack=True)
RP = R.getsockname()[0]
print("requester portid %d (unsubscribed, NETLINK_EXT_ACK=1); listener A portid %d; listener B (other ns) portid %d" % (
    RP, LA.getsockname()[0], LB.getsockname()[0]))


def show_list(title, evs):
    print("  -- %s: %d message(s)" % (title, len([e for e in evs if not isinstance(e[3], Exception)])))
    for e in evs:
        if isinstance(e[3], Exception):
            print("     +%dms recv error %r" % (e[0], e[3]))
            continue
        ms, grp, addr, m = e[:4]
        tag = "grp=%s(%s)" % (grp, GROUPNAMES.get(grp, "-")) if grp else "unicast"
        print("     +%-5dms %-17s src=%s %s" % (ms, tag, addr, summary(m)))
        if m[1] == NLMSG_ERROR and err_of(m[5]) != 0:
            for l in fmt_error(m)[1:]:
                print("        " + l)
        elif m[1] == NLMSG_ERROR and (m[2] & NLM_F_ACK_TLVS):
            for l in fmt_error(m)[1:]:
                if "TLV" in l:
                    print("        " + l)


def op(title, msg, wait=0.4, other_ns=True):
    for s in (LA, LB, R):
        drain(s, time.time(), 0.05)
    ln, t, f, seq = struct.unpack_from("=IHHI", msg)
    print("\n==== %s" % title)
    print("  request: %s len=%d flags=0x%x seq=%d" % (RTM.get(t, t), ln, f, seq))
    t0 = time.time()
    R.send(msg)
    got = collect([R, LA, LB], t0, wait)
    rr, la, lb = got[R], got[LA], got[LB]
    show_list("requester got", rr)
    show_list("listener A (this ns) got", la)
    if other_ns or lb:
        show_list("listener B (other ns) got", lb)
    return rr


R_, A_, E_ = NLM_F_REQUEST, NLM_F_ACK, NLM_F_ECHO
C_, X_, P_ = NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE

# ---------------------------------------------------------------- create
op("create veth v0 (peer v1): RTM_NEWLINK CREATE|EXCL|ACK",
   veth_req("v0", "v1", R_ | A_ | C_ | X_, 1001))
print("  ifindex v0=%d v1=%d" % (ifindex("v0"), ifindex("v1")))
op("create veth v2 (peer v3): RTM_NEWLINK CREATE|EXCL|ACK|ECHO",
   veth_req("v2", "v3", R_ | A_ | E_ | C_ | X_, 1002))
print("  ifindex v2=%d v3=%d" % (ifindex("v2"), ifindex("v3")))
V0, V1, V2, V3 = (ifindex(n) for n in ("v0", "v1", "v2", "v3"))

# ---------------------------------------------------------------- up
op("v0 up (peer v1 down): RTM_NEWLINK ifi_flags=IFF_UP ifi_change=IFF_UP, ACK",
   nlmsg(RTM_NEWLINK, R_ | A_, 1003, ifinfomsg(V0, IFF_UP, IFF_UP)), wait=1.5)
op("v1 up (peer v0 already up -> carrier on both): RTM_SETLINK ifi_flags=IFF_UP ifi_change=IFF_UP, ACK",
   nlmsg(RTM_SETLINK, R_ | A_, 1004, ifinfomsg(V1, IFF_UP, IFF_UP)), wait=3.0)
op("v2 up (peer v3 down): RTM_NEWLINK IFF_UP with ACK|ECHO (is the flag change echoed?)",
   nlmsg(RTM_NEWLINK, R_ | A_ | E_, 1005, ifinfomsg(V2, IFF_UP, IFF_UP)), wait=1.5)
op("v2 down again: RTM_NEWLINK ifi_flags=0 ifi_change=IFF_UP, ACK",
   nlmsg(RTM_NEWLINK, R_ | A_, 1006, ifinfomsg(V2, 0, IFF_UP)), wait=1.5)
op("v0 up again (already up, no change): RTM_NEWLINK IFF_UP, ACK",
   nlmsg(RTM_NEWLINK, R_ | A_, 1007, ifinfomsg(V0, IFF_UP, IFF_UP)))

# ---------------------------------------------------------------- mtu
op("v0 (up) mtu 1400: RTM_NEWLINK IFLA_MTU, ACK",
   nlmsg(RTM_NEWLINK, R_ | A_, 1010, ifinfomsg(V0) + nla(IFLA_MTU, u32(1400))), wait=1.0)
op("v0 mtu 1400 again (same value): RTM_NEWLINK IFLA_MTU, ACK",
   nlmsg(RTM_NEWLINK, R_ | A_, 1011, ifinfomsg(V0) + nla(IFLA_MTU, u32(1400))))
op("v2 (down) mtu 1400 with ACK|ECHO",
   nlmsg(RTM_NEWLINK, R_ | A_ | E_, 1012, ifinfomsg(V2) + nla(IFLA_MTU, u32(1400))))

# ---------------------------------------------------------------- rename
op("rename v2 (down) -> v2r: RTM_NEWLINK ifindex + IFLA_IFNAME, ACK",
   nlmsg(RTM_NEWLINK, R_ | A_, 1020, ifinfomsg(V2) + nla(IFLA_IFNAME, b"v2r\0")))
op("rename v2r -> v2r (same name), ACK",
   nlmsg(RTM_NEWLINK, R_ | A_, 1021, ifinfomsg(V2) + nla(IFLA_IFNAME, b"v2r\0")))
op("rename v0 (UP) -> v0r, ACK (expected EBUSY)",
   nlmsg(RTM_NEWLINK, R_ | A_, 1022, ifinfomsg(V0) + nla(IFLA_IFNAME, b"v0r\0")))

# ---------------------------------------------------------------- mac
op("v0 (up) set MAC 02:00:00:00:00:01: RTM_NEWLINK IFLA_ADDRESS, ACK",
   nlmsg(RTM_NEWLINK, R_ | A_, 1030, ifinfomsg(V0) + nla(IFLA_ADDRESS, bytes([2, 0, 0, 0, 0, 1]))), wait=1.0)
op("v2r (down) set MAC 02:00:00:00:00:02: RTM_NEWLINK IFLA_ADDRESS, ACK",
   nlmsg(RTM_NEWLINK, R_ | A_, 1031, ifinfomsg(V2) + nla(IFLA_ADDRESS, bytes([2, 0, 0, 0, 0, 2]))))
op("v2r set the same MAC again, ACK",
   nlmsg(RTM_NEWLINK, R_ | A_, 1032, ifinfomsg(V2) + nla(IFLA_ADDRESS, bytes([2, 0, 0, 0, 0, 2]))))

# ---------------------------------------------------------------- bridge
op("create bridge br0: RTM_NEWLINK CREATE|EXCL|ACK kind=bridge",
   kind_req("br0", "bridge", R_ | A_ | C_ | X_, 1040))
BR = ifindex("br0")
op("enslave v1 (up, carrier) to br0 (down): RTM_NEWLINK ifindex(v1) IFLA_MASTER=br0, ACK",
   nlmsg(RTM_NEWLINK, R_ | A_, 1041, ifinfomsg(V1) + nla(IFLA_MASTER, u32(BR))), wait=1.5)
op("br0 up (port v1 up): RTM_NEWLINK IFF_UP, ACK",
   nlmsg(RTM_NEWLINK, R_ | A_, 1042, ifinfomsg(BR, IFF_UP, IFF_UP)), wait=3.0)
op("release v1: RTM_NEWLINK ifindex(v1) IFLA_MASTER=0, ACK",
   nlmsg(RTM_NEWLINK, R_ | A_, 1043, ifinfomsg(V1) + nla(IFLA_MASTER, u32(0))), wait=1.5)

# ---------------------------------------------------------------- netns move
op("move v3 (down; peer v2r here) to the other ns: RTM_NEWLINK ifindex(v3) IFLA_NET_NS_FD, ACK",
   nlmsg(RTM_NEWLINK, R_ | A_, 1050, ifinfomsg(V3) + nla(IFLA_NET_NS_FD, u32(O.fd))), wait=1.0)
print("  other ns now: %s" % O.sh("ip -o link").stdout.strip().replace("\n", " || "))
print("  nsids here: %r; in other ns: %r" % (sh("ip netns list-id"), O.sh("ip netns list-id").stdout.strip()))

# ---------------------------------------------------------------- delete
op("delete v0 (up; peer v1 up): RTM_DELLINK ifindex(v0), ACK",
   nlmsg(RTM_DELLINK, R_ | A_, 1060, ifinfomsg(V0)), wait=1.0)
op("delete v2r (peer v3 in the other ns): RTM_DELLINK ifindex, ACK|ECHO",
   nlmsg(RTM_DELLINK, R_ | A_ | E_, 1061, ifinfomsg(V2)), wait=1.0)
op("delete br0 by name (IFLA_IFNAME, ifindex 0): RTM_DELLINK, ACK",
   nlmsg(RTM_DELLINK, R_ | A_, 1062, ifinfomsg(0) + nla(IFLA_IFNAME, b"br0\0")), wait=1.0)

# ---------------------------------------------------------------- errors / GETLINK
op("create veth e0/e1 (fixture for the error cases), ACK", veth_req("e0", "e1", R_ | A_ | C_ | X_, 1999))
E0 = ifindex("e0")
r = sh("ip link property add dev e0 altname e0-alt")
print("  `ip link property add dev e0 altname e0-alt` -> %r" % r)
errs = [
    ("NEWLINK existing name e0 with CREATE|EXCL (kind veth)", veth_req("e0", "e9", R_ | A_ | C_ | X_, 2001)),
    ("NEWLINK existing e0 by ifindex with EXCL only", nlmsg(RTM_NEWLINK, R_ | A_ | X_, 2002, ifinfomsg(E0))),
    ("NEWLINK existing e0 with CREATE|REPLACE (kind veth)", veth_req("e0", "e9", R_ | A_ | C_ | P_, 2003)),
    ("NEWLINK existing e0 by ifindex with REPLACE only", nlmsg(RTM_NEWLINK, R_ | A_ | P_, 2004, ifinfomsg(E0))),
    ("NEWLINK missing name 'nosuch' without CREATE", nlmsg(RTM_NEWLINK, R_ | A_, 2005,
                                                           ifinfomsg() + nla(IFLA_IFNAME, b"nosuch\0"))),
    ("NEWLINK missing ifindex 999 without CREATE", nlmsg(RTM_NEWLINK, R_ | A_, 2006, ifinfomsg(999))),
    ("NEWLINK CREATE|EXCL name 'nk0' without IFLA_LINKINFO", nlmsg(RTM_NEWLINK, R_ | A_ | C_ | X_, 2007,
                                                                     ifinfomsg() + nla(IFLA_IFNAME, b"nk0\0"))),
    ("NEWLINK CREATE|EXCL kind 'dummy' (CONFIG_DUMMY off, no modules)", kind_req("d0", "dummy", R_ | A_ | C_ | X_, 2008)),
    ("NEWLINK CREATE|EXCL kind 'nosuchkind'", kind_req("d1", "nosuchkind", R_ | A_ | C_ | X_, 2009)),
    ("NEWLINK e0 mtu 10 (below min 68)", nlmsg(RTM_NEWLINK, R_ | A_, 2010, ifinfomsg(E0) + nla(IFLA_MTU, u32(10)))),
    ("NEWLINK e0 mtu 70000 (above max 65535)", nlmsg(RTM_NEWLINK, R_ | A_, 2011, ifinfomsg(E0) + nla(IFLA_MTU, u32(70000)))),
    ("NEWLINK e0 IFLA_ADDRESS of 3 bytes", nlmsg(RTM_NEWLINK, R_ | A_, 2012, ifinfomsg(E0) + nla(IFLA_ADDRESS, b"\1\2\3"))),
    ("NEWLINK rename e0 -> 'lo' (taken)", nlmsg(RTM_NEWLINK, R_ | A_, 2013, ifinfomsg(E0) + nla(IFLA_IFNAME, b"lo\0"))),
    ("NEWLINK IFLA_IFNAME of 16 chars + NUL", nlmsg(RTM_NEWLINK, R_ | A_, 2014,
                                                   ifinfomsg(E0) + nla(IFLA_IFNAME, b"abcdefghijklmnop\0"))),
    ("NEWLINK IFLA_MASTER=999 on e0", nlmsg(RTM_NEWLINK, R_ | A_, 2015, ifinfomsg(E0) + nla(IFLA_MASTER, u32(999)))),
    ("DELLINK lo (ifindex 1)", nlmsg(RTM_DELLINK, R_ | A_, 2020, ifinfomsg(1))),
    ("DELLINK ifindex 999", nlmsg(RTM_DELLINK, R_ | A_, 2021, ifinfomsg(999))),
    ("DELLINK ifindex 0 without name", nlmsg(RTM_DELLINK, R_ | A_, 2022, ifinfomsg(0))),
    ("DELLINK name 'nosuch'", nlmsg(RTM_DELLINK, R_ | A_, 2023, ifinfomsg(0) + nla(IFLA_IFNAME, b"nosuch\0"))),
    ("GETLINK ifindex 0 without name", nlmsg(RTM_GETLINK, R_ | A_, 2030, ifinfomsg(0))),
    ("GETLINK ifindex 999", nlmsg(RTM_GETLINK, R_, 2031, ifinfomsg(999))),
    ("GETLINK IFLA_IFNAME 'nosuch'", nlmsg(RTM_GETLINK, R_, 2032, ifinfomsg(0) + nla(IFLA_IFNAME, b"nosuch\0"))),
    ("GETLINK IFLA_IFNAME 'e0' (ACK too)", nlmsg(RTM_GETLINK, R_ | A_, 2033,
                                                ifinfomsg(0) + nla(IFLA_IFNAME, b"e0\0") + nla(IFLA_EXT_MASK, u32(9)))),
    ("GETLINK IFLA_ALT_IFNAME 'e0-alt'", nlmsg(RTM_GETLINK, R_, 2034,
                                              ifinfomsg(0) + nla(IFLA_ALT_IFNAME, b"e0-alt\0") + nla(IFLA_EXT_MASK, u32(9)))),
    ("GETLINK IFLA_ALT_IFNAME 'e0' (the primary name given as altname)", nlmsg(RTM_GETLINK, R_, 2035,
                                                ifinfomsg(0) + nla(IFLA_ALT_IFNAME, b"e0\0") + nla(IFLA_EXT_MASK, u32(9)))),
    ("GETLINK IFLA_IFNAME 'e0-alt' (an altname given as IFLA_IFNAME)", nlmsg(RTM_GETLINK, R_, 2036,
                                                ifinfomsg(0) + nla(IFLA_IFNAME, b"e0-alt\0") + nla(IFLA_EXT_MASK, u32(9)))),
    ("GETLINK ifindex(e0) AND IFLA_IFNAME 'lo' (which wins?)", nlmsg(RTM_GETLINK, R_, 2037,
                                                ifinfomsg(E0) + nla(IFLA_IFNAME, b"lo\0") + nla(IFLA_EXT_MASK, u32(9)))),
    ("GETLINK IFLA_ALT_IFNAME 'nosuch'", nlmsg(RTM_GETLINK, R_, 2038,
                                              ifinfomsg(0) + nla(IFLA_ALT_IFNAME, b"nosuch\0"))),
]
for title, msg in errs:
    op(title, msg, wait=0.3, other_ns=False)

op("delete e0 (peer e1 in the same ns): RTM_DELLINK ifindex, ACK|ECHO",
   nlmsg(RTM_DELLINK, R_ | A_ | E_, 2100, ifinfomsg(E0)), wait=1.0)

O.close()
