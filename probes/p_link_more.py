"""(V) Link facts the other p_link_* probes left open, for tests/links.rs:
device-name templates and invalid names, RTM_SETLINK lookups, txqueuelen notifications,
creation-time validation (veth MTU/MAC, ifindex requests, CREATE on an existing link),
NLM_F_ECHO from a subscribed requester, unprivileged senders, veth peers created in another
namespace (VETH_INFO_PEER + IFLA_NET_NS_FD / IFLA_NET_NS_PID, IFLA_TARGET_NETNSID), what a
namespace's deletion sends to the namespace that keeps the other veth end, and what a user's
message to the NETLINK_KOBJECT_UEVENT kernel socket gets.

Listeners are on RTNLGRP_LINK and RTNLGRP_NSID only (groups 1 and 28).
Run (root):
    unshare -n python3 /work/main/probes/p_link_more.py > /work/main/probes/observed/p_link_more.txt 2>&1
"""
import os
import select
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from p_link_common import *  # noqa

header("p_link_more")
NETLINK_KOBJECT_UEVENT = 15
IFLA_TXQLEN = 13
IFLA_TARGET_NETNSID = 46
IFLA_NEW_IFINDEX = 49
MASK = (1 << 0) | (1 << 27)
R_, A_, E_ = NLM_F_REQUEST, NLM_F_ACK, NLM_F_ECHO
C_, X_, P_ = NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE


def listener():
    s = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind((0, MASK))
    return s


def ulistener():
    s = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_KOBJECT_UEVENT)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind((0, 1))
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


def show(title, dgs, uevent=False):
    print("  -- %s: %d datagram(s)" % (title, len(dgs)))
    for addr, data in dgs:
        if uevent:
            print("     len=%-4d src=%s  %s" % (len(data), addr, data.decode(errors="replace").replace("\0", "|")))
            continue
        for m in parse_msgs(data):
            if m[0] == "TRUNC":
                print("     truncated message")
                continue
            print("     src=%s %s" % (addr, summary(m)))
            if m[1] == NLMSG_ERROR and (err_of(m[5]) != 0 or m[2] & NLM_F_ACK_TLVS):
                for l in fmt_error(m)[1:]:
                    print("        " + l)


O = OtherNS()
LA = listener()
LB = O.run(listener)
UA = ulistener()
R = reqsock(ext_ack=True)
print("requester portid %d (unsubscribed, NETLINK_EXT_ACK=1)" % R.getsockname()[0])


def op(title, msg, sock=None, wait=0.4, extra=()):
    sock = sock or R
    socks = [x for x in [sock, LA, LB, UA] + list(extra) if x is not None]
    collect(socks, 0.05)
    ln, t, f, seq = struct.unpack_from("=IHHI", msg)
    print("\n==== %s" % title)
    print("  request: %s len=%d flags=0x%x seq=%d" % (RTM.get(t, t), ln, f, seq))
    sock.send(msg)
    got = collect(socks, wait)
    show("requester got", got[sock])
    show("listener A (this ns, LINK|NSID)", got[LA])
    if LB is not None:
        show("listener B (other ns, LINK|NSID)", got[LB])
    show("uevent listener (this ns)", got[UA], uevent=True)
    for s in extra:
        show("extra socket %s" % (s.getsockname(),), got[s])
    return got


def plain_veth(flags, seq, attrs=b""):
    """NEWLINK kind veth without any name, without peer data."""
    return nlmsg(RTM_NEWLINK, flags, seq, ifinfomsg() + attrs + nla(IFLA_LINKINFO, nla(IFLA_INFO_KIND, b"veth\0")))


def names():
    return sh("ip -o link | awk -F': ' '{print $1\":\"$2}'").replace("\n", " ")


# ---------------------------------------------------------------- 1. names
op("veth without IFLA_IFNAME and without peer data", plain_veth(R_ | A_ | C_ | X_, 3001))
print("  links now: %s" % names())
op("veth 'n%d' with peer 'n%d'", veth_req("n%d", "n%d", R_ | A_ | C_ | X_, 3002))
print("  links now: %s" % names())
for i, bad in enumerate([b"a/b", b"x%d%d", b"x%s", b".", b"a b", b""]):
    op("veth named %r (peer 'okpeer%d')" % (bad, i),
       nlmsg(RTM_NEWLINK, R_ | A_ | C_ | X_, 3010 + i,
             ifinfomsg() + nla(IFLA_IFNAME, bad + b"\0") + nla(IFLA_LINKINFO, nla(IFLA_INFO_KIND, b"veth\0") + nla(
                 IFLA_INFO_DATA, nla(VETH_INFO_PEER, ifinfomsg() + nla(IFLA_IFNAME, b"okpeer%d\0" % i))))))
print("  links now: %s" % names())
op("veth 'x%dy' (template with suffix), peer 'p%d'", veth_req("x%dy", "p%d", R_ | A_ | C_ | X_, 3020))
print("  links now: %s" % names())

# ---------------------------------------------------------------- 2. SETLINK lookups, txqlen
op("fixture: veth s0 (peer s1)", veth_req("s0", "s1", R_ | A_ | C_ | X_, 3100))
S0 = ifindex("s0")
op("SETLINK ifindex 0 without a name", nlmsg(RTM_SETLINK, R_ | A_, 3101, ifinfomsg(0)))
op("SETLINK ifindex 999", nlmsg(RTM_SETLINK, R_ | A_, 3102, ifinfomsg(999)))
op("SETLINK IFLA_IFNAME 'nosuch'", nlmsg(RTM_SETLINK, R_ | A_, 3103, ifinfomsg(0) + nla(IFLA_IFNAME, b"nosuch\0")))
op("SETLINK by IFLA_IFNAME 's0' mtu 1300", nlmsg(RTM_SETLINK, R_ | A_, 3104,
                                                ifinfomsg(0) + nla(IFLA_IFNAME, b"s0\0") + nla(IFLA_MTU, u32(1300))))
op("SETLINK s0 mtu 10", nlmsg(RTM_SETLINK, R_ | A_, 3105, ifinfomsg(S0) + nla(IFLA_MTU, u32(10))))
op("SETLINK s0 txqueuelen 500 (down)", nlmsg(RTM_SETLINK, R_ | A_, 3106, ifinfomsg(S0) + nla(IFLA_TXQLEN, u32(500))))
op("SETLINK s0 txqueuelen 500 again", nlmsg(RTM_SETLINK, R_ | A_, 3107, ifinfomsg(S0) + nla(IFLA_TXQLEN, u32(500))))
op("NEWLINK s0 txqueuelen 700 + mtu 1280 in one request",
   nlmsg(RTM_NEWLINK, R_ | A_, 3108, ifinfomsg(S0) + nla(IFLA_TXQLEN, u32(700)) + nla(IFLA_MTU, u32(1280))))
op("SETLINK s0 up + mtu 1400 in one request (peer down)",
   nlmsg(RTM_SETLINK, R_ | A_, 3109, ifinfomsg(S0, IFF_UP, IFF_UP) + nla(IFLA_MTU, u32(1400))), wait=1.0)
op("SETLINK s0 down (ifi_change 0: flags taken whole)", nlmsg(RTM_SETLINK, R_ | A_, 3110, ifinfomsg(S0, 0x1002, 0)),
   wait=1.0)
op("GETLINK s0", nlmsg(RTM_GETLINK, R_, 3111, ifinfomsg(S0)))

# ---------------------------------------------------------------- 3. creation-time validation
op("veth c0 with IFLA_MTU 10", veth_req("c0", "c1", R_ | A_ | C_ | X_, 3200, attrs=nla(IFLA_MTU, u32(10))))
op("veth c0 with multicast IFLA_ADDRESS 01:00:00:00:00:01",
   veth_req("c0", "c1", R_ | A_ | C_ | X_, 3201, attrs=nla(IFLA_ADDRESS, bytes([1, 0, 0, 0, 0, 1]))))
op("veth c0 with IFLA_ADDRESS 02:00:00:00:00:aa, peer 02:00:00:00:00:bb, mtu 1300 for both",
   veth_req("c0", "c1", R_ | A_ | C_ | X_, 3202,
            peer_attrs=nla(IFLA_ADDRESS, bytes([2, 0, 0, 0, 0, 0xbb])) + nla(IFLA_MTU, u32(1300)),
            attrs=nla(IFLA_ADDRESS, bytes([2, 0, 0, 0, 0, 0xaa])) + nla(IFLA_MTU, u32(1300))))
op("GETLINK c0 (EXT_MASK 9)", nlmsg(RTM_GETLINK, R_, 3203, ifinfomsg(0) + nla(IFLA_IFNAME, b"c0\0")
                                    + nla(IFLA_EXT_MASK, u32(9))))
op("CREATE|ACK (no EXCL) on existing c0, kind veth with peer data",
   veth_req("c0", "c9", R_ | A_ | C_, 3204))
op("CREATE|ACK (no EXCL) on existing c0, kind veth without INFO_DATA, mtu 1200",
   kind_req("c0", "veth", R_ | A_ | C_, 3205, attrs=nla(IFLA_MTU, u32(1200))))
op("CREATE|ACK (no EXCL) on existing c0, kind 'dummy'", kind_req("c0", "dummy", R_ | A_ | C_, 3206))
op("veth i100 with ifi_index 100, peer ifi_index 101",
   nlmsg(RTM_NEWLINK, R_ | A_ | C_ | X_, 3210, ifinfomsg(100) + nla(IFLA_IFNAME, b"i100\0") + nla(
       IFLA_LINKINFO, nla(IFLA_INFO_KIND, b"veth\0") + nla(IFLA_INFO_DATA, nla(
           VETH_INFO_PEER, ifinfomsg(101) + nla(IFLA_IFNAME, b"i101\0"))))))
op("veth j0 whose peer asks for ifindex 1 (taken by lo)",
   nlmsg(RTM_NEWLINK, R_ | A_ | C_ | X_, 3211, ifinfomsg() + nla(IFLA_IFNAME, b"j0\0") + nla(
       IFLA_LINKINFO, nla(IFLA_INFO_KIND, b"veth\0") + nla(IFLA_INFO_DATA, nla(
           VETH_INFO_PEER, ifinfomsg(1) + nla(IFLA_IFNAME, b"j1\0"))))))
op("veth k0 asking for ifindex 100 (taken) with CREATE|EXCL",
   nlmsg(RTM_NEWLINK, R_ | A_ | C_ | X_, 3212, ifinfomsg(100) + nla(IFLA_IFNAME, b"k0\0") + nla(
       IFLA_LINKINFO, nla(IFLA_INFO_KIND, b"veth\0"))))
print("  links now: %s" % names())

# ---------------------------------------------------------------- 4. ECHO from a subscribed requester
RS = reqsock(ext_ack=True, groups=1)
op("subscribed requester (groups 1): veth e0/e1 with CREATE|EXCL|ACK|ECHO", veth_req("e0", "e1", R_ | A_ | E_ | C_ | X_, 3300),
   sock=RS)
op("subscribed requester (groups 1): veth f0/f1 with CREATE|EXCL|ACK (no ECHO)",
   veth_req("f0", "f1", R_ | A_ | C_ | X_, 3301), sock=RS)
op("subscribed requester: DELLINK f0 with ACK|ECHO", nlmsg(RTM_DELLINK, R_ | A_ | E_, 3302, ifinfomsg(ifindex("f0"))),
   sock=RS)
op("ECHO without ACK: veth g0/g1 CREATE|EXCL|ECHO", veth_req("g0", "g1", R_ | E_ | C_ | X_, 3303))

# ---------------------------------------------------------------- 5. unprivileged sender
print("\n==== unprivileged sender (uid 65534, no capabilities)")
rfd, wfd = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(rfd)
    try:
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
        s = reqsock(ext_ack=True)
        lines = []
        for title, msg in [
            ("NEWLINK create veth u0", veth_req("u0", "u1", R_ | A_ | C_ | X_, 3400)),
            ("NEWLINK s0 mtu 1500", nlmsg(RTM_NEWLINK, R_ | A_, 3401, ifinfomsg(S0) + nla(IFLA_MTU, u32(1500)))),
            ("SETLINK s0 mtu 1500", nlmsg(RTM_SETLINK, R_ | A_, 3402, ifinfomsg(S0) + nla(IFLA_MTU, u32(1500)))),
            ("DELLINK s0", nlmsg(RTM_DELLINK, R_ | A_, 3403, ifinfomsg(S0))),
            ("GETLINK s0", nlmsg(RTM_GETLINK, R_ | A_, 3404, ifinfomsg(S0))),
            ("GETLINK dump", nlmsg(RTM_GETLINK, R_ | NLM_F_DUMP, 3405, ifinfomsg())),
        ]:
            s.send(msg)
            out = []
            for d in recv_all(s, 0.3):
                for m in parse_msgs(d):
                    out.append(summary(m) if m[1] not in (NLMSG_ERROR,) else " / ".join(fmt_error(m)[:2]))
            lines.append("  %s -> %d message(s): %s" % (title, len(out), " || ".join(
                o if "NEWLINK" not in o else o.split("|")[0] for o in out)))
        us = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_KOBJECT_UEVENT)
        us.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        us.bind((0, 0))
        us.send(nlmsg(0x10, R_ | A_, 3410, b"add@/x\0ACTION=add\0"))
        for d in recv_all(us, 0.3):
            for m in parse_msgs(d):
                lines.extend("  uevent socket: " + l for l in fmt_error(m))
        os.write(wfd, ("\n".join(lines) + "\n").encode())
    except Exception as e:  # report, never hang the parent
        os.write(wfd, ("child failed: %r\n" % e).encode())
    os._exit(0)
os.close(wfd)
buf = b""
while True:
    c = os.read(rfd, 65536)
    if not c:
        break
    buf += c
os.waitpid(pid, 0)
print(buf.decode(), end="")

# ---------------------------------------------------------------- 6. uevent socket, root sender
print("\n==== root: message to the NETLINK_KOBJECT_UEVENT kernel socket")
U = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_KOBJECT_UEVENT)
U.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
U.bind((0, 0))
collect([UA], 0.05)
for title, data in [("nlmsg type 0x10 REQUEST|ACK, body 'add@/x|ACTION=add|'",
                     nlmsg(0x10, R_ | A_, 3500, b"add@/x\0ACTION=add\0")),
                    ("nlmsg type 0x10 REQUEST (no ACK), body 'hello'", nlmsg(0x10, R_, 3501, b"hello\0")),
                    ("raw text 'hello' (shorter than a nlmsghdr)", b"hello")]:
    try:
        n = U.send(data)
        res = "sent %d" % n
    except OSError as e:
        res = "send -> %s" % errno.errorcode[e.errno]
    print("  %s: %s" % (title, res))
    for d in recv_all(U, 0.3):
        for m in parse_msgs(d):
            print("    reply: " + " / ".join(fmt_error(m)))
    for addr, d in collect([UA], 0.3)[UA]:
        print("    uevent listener got len=%d src=%s %r" % (len(d), addr, d.decode(errors="replace").replace("\0", "|")))

# ---------------------------------------------------------------- 7. veth peer in another namespace
op("veth ca, peer cb in the other ns (VETH_INFO_PEER{IFLA_NET_NS_FD})",
   veth_req("ca", "cb", R_ | A_ | C_ | X_, 3600, peer_attrs=nla(IFLA_NET_NS_FD, u32(O.fd))))
CA = ifindex("ca")
op("GETLINK ca", nlmsg(RTM_GETLINK, R_, 3601, ifinfomsg(CA)))
RB = O.run(reqsock, ext_ack=True)
op("GETLINK cb from a socket in the other ns", nlmsg(RTM_GETLINK, R_, 3602, ifinfomsg(0) + nla(IFLA_IFNAME, b"cb\0")),
   sock=RB)
op("GETLINK cb from here by IFLA_TARGET_NETNSID 0",
   nlmsg(RTM_GETLINK, R_, 3603, ifinfomsg(0) + nla(IFLA_IFNAME, b"cb\0") + nla(IFLA_TARGET_NETNSID, struct.pack("=i", 0))))
op("dump from here with IFLA_TARGET_NETNSID 0",
   nlmsg(RTM_GETLINK, R_ | NLM_F_DUMP, 3604, ifinfomsg() + nla(IFLA_TARGET_NETNSID, struct.pack("=i", 0))))
op("veth da, peer db via VETH_INFO_PEER{IFLA_NET_NS_PID=other}",
   veth_req("da", "db", R_ | A_ | C_ | X_, 3605, peer_attrs=nla(IFLA_NET_NS_PID, u32(O.pid))))
op("veth ta/tb with top-level IFLA_TARGET_NETNSID 0",
   veth_req("ta", "tb", R_ | A_ | C_ | X_, 3606, attrs=nla(IFLA_TARGET_NETNSID, struct.pack("=i", 0))))
op("veth na/nb with top-level IFLA_NET_NS_FD (other), no peer netns",
   veth_req("na", "nb", R_ | A_ | C_ | X_, 3607, attrs=nla(IFLA_NET_NS_FD, u32(O.fd))))
print("  here: %s" % names())
print("  other ns: %s" % O.sh("ip -o link | awk -F': ' '{print $1\":\"$2}'").stdout.replace("\n", " "))
op("veth with IFLA_NET_NS_FD and IFLA_NET_NS_PID both", veth_req(
    "zz", "zy", R_ | A_ | C_ | X_, 3608, attrs=nla(IFLA_NET_NS_FD, u32(O.fd)) + nla(IFLA_NET_NS_PID, u32(O.pid))))
op("veth with peer IFLA_NET_NS_FD 9999 (bad fd)", veth_req(
    "zz", "zy", R_ | A_ | C_ | X_, 3609, peer_attrs=nla(IFLA_NET_NS_FD, u32(9999))))
op("GETLINK with IFLA_TARGET_NETNSID 7 (unknown)",
   nlmsg(RTM_GETLINK, R_ | A_, 3610, ifinfomsg(1) + nla(IFLA_TARGET_NETNSID, struct.pack("=i", 7))))
op("DELLINK cb from here by IFLA_TARGET_NETNSID 0 + IFLA_IFNAME",
   nlmsg(RTM_DELLINK, R_ | A_ | E_, 3611, ifinfomsg(0) + nla(IFLA_IFNAME, b"cb\0") + nla(IFLA_TARGET_NETNSID,
                                                                                        struct.pack("=i", 0))))
op("move da to the other ns with IFLA_NET_NS_FD, ACK|ECHO",
   nlmsg(RTM_NEWLINK, R_ | A_ | E_, 3612, ifinfomsg(ifindex("da")) + nla(IFLA_NET_NS_FD, u32(O.fd))))
op("move s0 to the other ns with IFLA_NET_NS_FD + IFLA_NEW_IFINDEX 77",
   nlmsg(RTM_NEWLINK, R_ | A_, 3613, ifinfomsg(S0) + nla(IFLA_NET_NS_FD, u32(O.fd))
         + nla(IFLA_NEW_IFINDEX, struct.pack("=i", 77))))
op("move lo to the other ns", nlmsg(RTM_NEWLINK, R_ | A_, 3614, ifinfomsg(1) + nla(IFLA_NET_NS_FD, u32(O.fd))))
op("move s1 to the other ns where its name is free but ifindex taken? (s1 ifindex %d)" % ifindex("s1"),
   nlmsg(RTM_NEWLINK, R_ | A_, 3615, ifinfomsg(ifindex("s1")) + nla(IFLA_NET_NS_FD, u32(O.fd))))
print("  other ns: %s" % O.sh("ip -o link | awk -F': ' '{print $1\":\"$2}'").stdout.replace("\n", " "))

# ---------------------------------------------------------------- 8. deletion of a namespace
RB.close()
LB.close()
LB = None
O.close()
O2 = OtherNS()
op("veth xa here, peer xb in a third namespace (no sockets there)",
   veth_req("xa", "xb", R_ | A_ | C_ | X_, 3700, peer_attrs=nla(IFLA_NET_NS_FD, u32(O2.fd))))
r = O2.sh("ip link add ya type veth peer name yb; ip link set ya up")
print("  inside the third ns: ya/yb created (%r)" % (r.stdout + r.stderr))
op("GETLINK xa", nlmsg(RTM_GETLINK, R_, 3701, ifinfomsg(ifindex("xa"))))
collect([LA, UA], 0.05)
print("\n==== the third namespace dies (its only process is killed, its fds closed)")
O2.close()
time.sleep(1.5)
got = collect([LA, UA], 1.0)
show("listener A (this ns, LINK|NSID)", got[LA])
show("uevent listener (this ns)", got[UA], uevent=True)
print("  here: %s" % names())
