"""(V) The Linux bridge through rtnetlink: what a listener on RTNLGRP_LINK (and NEIGH, IPv6 groups,
for context) receives for each bridge operation, what the requester gets (acks, errors with
ext-ack), and the bridge / port attributes after each step.

Covers: enslaving and releasing several ports (MAC following the lowest port address, FEATURES
events, promiscuity, family-7 NEWLINK/DELLINK), bridge up/down with ports, port carrier changes,
MTU auto-adjust, changelink of IFLA_INFO_DATA, PF_BRIDGE RTM_GETLINK dumps and RTM_SETLINK with
IFLA_PROTINFO, RTM_NEWLINK with IFLA_INFO_SLAVE_DATA, deleting a port and a bridge with ports,
and the error cases of br_add_if / br_validate / br_changelink.

The veth ends get fixed MAC addresses so that the order of addresses (the bridge takes the
lowest) is known: pa=02:00:00:00:00:20, pb=02:00:00:00:00:10, pc=02:00:00:00:00:30.

Run (root):
    unshare -n python3 /work/main/probes/p_bridge.py > /work/main/probes/observed/p_bridge.txt 2>&1
"""
import os
import select
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from p_link_common import *  # noqa

header("p_bridge")
GROUPS = [1, 3, 11, 12]
MASK = sum(1 << (g - 1) for g in GROUPS)
print("listener groups:", ", ".join("%d(%s)" % (g, GROUPNAMES[g]) for g in GROUPS))

AF_BRIDGE = 7
IFLA_PROTINFO = 12
IFLA_AF_SPEC = 26
IFLA_BRPORT_STATE, IFLA_BRPORT_PRIORITY, IFLA_BRPORT_COST = 1, 2, 3
IFLA_BRPORT_GUARD, IFLA_BRPORT_LEARNING = 5, 8
IFLA_BR_FORWARD_DELAY, IFLA_BR_HELLO_TIME, IFLA_BR_MAX_AGE = 1, 2, 3
IFLA_BR_AGEING_TIME, IFLA_BR_STP_STATE, IFLA_BR_PRIORITY = 4, 5, 6
IFLA_BR_GROUP_ADDR, IFLA_BR_FDB_N_LEARNED = 20, 48
IFLA_INFO_SLAVE_KIND, IFLA_INFO_SLAVE_DATA = 4, 5
IFLA_BRIDGE_FLAGS = 0
BRIDGE_FLAGS_MASTER, BRIDGE_FLAGS_SELF = 1, 2


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
    out = {s: [] for s in socks}
    while True:
        r, _, _ = select.select(socks, [], [], quiet)
        if not r:
            return out
        for s in r:
            out[s].extend(_recv(s, t0))


LA = listener()
R = reqsock(ext_ack=True)
print("requester portid %d; listener portid %d" % (R.getsockname()[0], LA.getsockname()[0]))


def show_list(title, evs):
    print("  -- %s: %d message(s)" % (title, len([e for e in evs if not isinstance(e[3], Exception)])))
    for e in evs:
        if isinstance(e[3], Exception):
            print("     +%dms recv error %r" % (e[0], e[3]))
            continue
        ms, grp, addr, m = e[:4]
        tag = "grp=%s(%s)" % (grp, GROUPNAMES.get(grp, "-")) if grp else "unicast"
        print("     +%-5dms %-17s %s" % (ms, tag, summary(m)))
        if m[1] == NLMSG_ERROR and (err_of(m[5]) != 0 or (m[2] & NLM_F_ACK_TLVS)):
            for l in fmt_error(m)[1:]:
                print("        " + l)
        if m[1] in (16, 17) and m[5][0] == AF_BRIDGE:
            pi = link_attr(m[5], IFLA_PROTINFO)
            if pi is not None:
                vals = []
                for t, ln, d in parse_attrs(pi):
                    vals.append("%s=%s" % (nm(IFLA_BRPORT, t & 0x3fff)[12:], value(nm(IFLA_BRPORT, t & 0x3fff), d)))
                print("        PROTINFO: " + " ".join(vals))


def op(title, msg, wait=0.5):
    for s in (LA, R):
        collect([s], time.time(), 0.05)
    ln, t, f, seq = struct.unpack_from("=IHHI", msg)
    print("\n==== %s" % title)
    print("  request: %s len=%d flags=0x%x seq=%d" % (RTM.get(t, t), ln, f, seq))
    t0 = time.time()
    R.send(msg)
    got = collect([R, LA], t0, wait)
    show_list("requester got", got[R])
    show_list("listener got", got[LA])


def shell(title, cmd, wait=0.5):
    for s in (LA, R):
        collect([s], time.time(), 0.05)
    print("\n==== %s" % title)
    print("  shell: %s -> %r" % (cmd, sh(cmd)))
    got = collect([LA], time.time(), wait)
    show_list("listener got", got[LA])


def linkinfo_values(idx, label):
    """GETLINK idx and print the bridge's INFO_DATA or the port's SLAVE_DATA, plus a few fields."""
    s = reqsock(ext_ack=True)
    s.send(nlmsg(RTM_GETLINK, NLM_F_REQUEST, 9, ifinfomsg(idx)))
    m = parse_msgs(s.recv(65536))[0]
    s.close()
    print("\n---- GETLINK %s (index %d): len=%d" % (label, idx, m[0]))
    print("     " + summary(m))
    li = link_attr(m[5], IFLA_LINKINFO)
    kind = slave = None
    for ct, cl, cd in parse_attrs(li or b""):
        if ct & 0x3fff == IFLA_INFO_KIND:
            kind = cd.rstrip(b"\0").decode()
        if ct & 0x3fff == IFLA_INFO_SLAVE_KIND:
            slave = cd.rstrip(b"\0").decode()
    for ct, cl, cd in parse_attrs(li or b""):
        if ct & 0x3fff == IFLA_INFO_DATA and kind == "bridge":
            print("     INFO_DATA: " + " ".join("%s=%s" % (nm(IFLA_BR, t & 0x3fff)[8:], value(nm(IFLA_BR, t & 0x3fff), d))
                                              for t, ln, d in parse_attrs(cd)))
        if ct & 0x3fff == IFLA_INFO_SLAVE_DATA and slave == "bridge":
            print("     SLAVE_DATA: " + " ".join("%s=%s" % (nm(IFLA_BRPORT, t & 0x3fff)[12:],
                                                          value(nm(IFLA_BRPORT, t & 0x3fff), d))
                                               for t, ln, d in parse_attrs(cd)))
    for name in ("IFLA_TSO_MAX_SIZE", "IFLA_TSO_MAX_SEGS", "IFLA_GSO_MAX_SIZE", "IFLA_HEADROOM",
                 "IFLA_CARRIER_CHANGES", "IFLA_PROMISCUITY", "IFLA_ALLMULTI", "IFLA_MIN_MTU", "IFLA_MAX_MTU"):
        t = nl.IFLA.index(name) if name in nl.IFLA else None
        if t is None:
            continue
        d = link_attr(m[5], t)
        if d is not None:
            print("     %s=%s" % (name[5:], value(name, d)))


def bridge_dump(title, payload_hdr, attrs=b"", strict=False, flags=NLM_F_REQUEST | NLM_F_DUMP):
    s = reqsock(ext_ack=True, strict=strict)
    s.settimeout(2.0)
    print("\n==== %s" % title)
    s.send(nlmsg(RTM_GETLINK, flags, 77, payload_hdr + attrs))
    n = 0
    while True:
        data = s.recv(65536)
        msgs = parse_msgs(data)
        print("  datagram %d bytes, %d message(s)" % (len(data), len(msgs)))
        done = False
        for m in msgs:
            print("     " + summary(m))
            if m[1] in (16, 17):
                pi = link_attr(m[5], IFLA_PROTINFO)
                if pi is not None:
                    print("        PROTINFO(%d attrs): %s" % (len(parse_attrs(pi)), " ".join(
                        "%s=%s" % (nm(IFLA_BRPORT, t & 0x3fff)[12:], value(nm(IFLA_BRPORT, t & 0x3fff), d))
                        for t, ln, d in parse_attrs(pi))))
            if m[1] == NLMSG_ERROR:
                if err_of(m[5]) != 0:
                    for l in fmt_error(m)[1:]:
                        print("        " + l)
                done = True
            if m[1] == NLMSG_DONE:
                for l in fmt_done(m)[1:]:
                    print("        " + l)
                done = True
        n += 1
        if done or n > 20:
            break
    s.close()


R_, A_, E_ = NLM_F_REQUEST, NLM_F_ACK, NLM_F_ECHO
C_, X_ = NLM_F_CREATE, NLM_F_EXCL


def setlink(idx, attrs=b"", flags=0, change=0, seq=0, family=0, mtype=RTM_NEWLINK):
    return nlmsg(mtype, R_ | A_, seq, ifinfomsg(idx, flags, change, family=family) + attrs)


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def br_req(name, seq, data=b"", attrs=b"", flags=R_ | A_ | C_ | X_):
    li = nla(IFLA_INFO_KIND, b"bridge\0")
    if data:
        li += nla(IFLA_INFO_DATA, data)
    return nlmsg(RTM_NEWLINK, flags, seq, ifinfomsg() + nla(IFLA_IFNAME, name.encode() + b"\0") + attrs
                 + nla(IFLA_LINKINFO, li))


# ---------------------------------------------------------------- fixtures
for n, p, a in (("pa", "qa", "02:00:00:00:00:20"), ("pb", "qb", "02:00:00:00:00:10"),
                ("pc", "qc", "02:00:00:00:00:30")):
    R.send(veth_req(n, p, R_ | A_ | C_ | X_, 1, attrs=nla(IFLA_ADDRESS, mac(a))))
    R.recv(65536)
PA, PB, PC, QA, QB, QC = (ifindex(n) for n in ("pa", "pb", "pc", "qa", "qb", "qc"))
print("ifindex pa=%d pb=%d pc=%d qa=%d qb=%d qc=%d" % (PA, PB, PC, QA, QB, QC))

op("create br0", br_req("br0", 100))
BR = ifindex("br0")
print("  br0 ifindex %d" % BR)
linkinfo_values(BR, "br0 fresh")

# ---------------------------------------------------------------- enslave, both down
op("enslave pa (down) to br0 (down)", setlink(PA, nla(IFLA_MASTER, u32(BR)), seq=101))
linkinfo_values(BR, "br0 with pa")
linkinfo_values(PA, "pa port")
op("enslave pb (down, lower MAC) to br0 (down)", setlink(PB, nla(IFLA_MASTER, u32(BR)), seq=102))
op("enslave pc (down, higher MAC) to br0 via RTM_SETLINK", setlink(PC, nla(IFLA_MASTER, u32(BR)), seq=103,
                                                                    mtype=RTM_SETLINK))
linkinfo_values(PC, "pc port (third)")
op("enslave pa again to br0 (already its master)", setlink(PA, nla(IFLA_MASTER, u32(BR)), seq=104))

# ---------------------------------------------------------------- PF_BRIDGE dump
bridge_dump("PF_BRIDGE GETLINK dump (family 7, ifinfomsg)", ifinfomsg(family=AF_BRIDGE))
bridge_dump("PF_BRIDGE GETLINK dump, EXT_MASK=RTEXT_FILTER_BRVLAN(2)", ifinfomsg(family=AF_BRIDGE),
            nla(IFLA_EXT_MASK, u32(2)))
bridge_dump("PF_BRIDGE GETLINK dump, 1-byte rtgenmsg", bytes([AF_BRIDGE]))
bridge_dump("PF_BRIDGE GETLINK dump strict, ifi_index=1", ifinfomsg(index=1, family=AF_BRIDGE), strict=True)
bridge_dump("PF_BRIDGE GETLINK dump strict, IFLA_MTU attr", ifinfomsg(family=AF_BRIDGE),
            nla(IFLA_MTU, u32(1500)), strict=True)
bridge_dump("PF_BRIDGE GETLINK dump strict, 8-byte header", bytes([AF_BRIDGE]) + b"\0" * 7, strict=True)
bridge_dump("PF_BRIDGE GETLINK doit (no DUMP flag), ifindex pa", ifinfomsg(index=PA, family=AF_BRIDGE),
            flags=NLM_F_REQUEST | NLM_F_ACK)

# ---------------------------------------------------------------- bridge up, ports down
op("br0 up (all ports down)", setlink(BR, flags=IFF_UP, change=IFF_UP, seq=110), wait=1.5)
linkinfo_values(BR, "br0 up, ports down")
op("qa up (pa still down)", setlink(QA, flags=IFF_UP, change=IFF_UP, seq=111), wait=1.0)
op("pa up (peer qa up: carrier)", setlink(PA, flags=IFF_UP, change=IFF_UP, seq=112), wait=2.5)
linkinfo_values(BR, "br0 up, pa forwarding")
linkinfo_values(PA, "pa forwarding")
op("pb up (peer qb down: no carrier)", setlink(PB, flags=IFF_UP, change=IFF_UP, seq=113), wait=1.5)
op("qb up (pb gets carrier)", setlink(QB, flags=IFF_UP, change=IFF_UP, seq=114), wait=2.5)
op("qa down (pa loses carrier)", setlink(QA, flags=0, change=IFF_UP, seq=115), wait=2.0)

# ---------------------------------------------------------------- MTU
op("pb mtu 1400 (br0 follows the smallest port MTU)", setlink(PB, nla(IFLA_MTU, u32(1400)), seq=120), wait=1.0)
op("br0 mtu 1300 (set by the user)", setlink(BR, nla(IFLA_MTU, u32(1300)), seq=121), wait=1.0)
op("pb mtu 1500 (br0 keeps the user's MTU)", setlink(PB, nla(IFLA_MTU, u32(1500)), seq=122), wait=1.0)

# ---------------------------------------------------------------- port MAC change
op("pc address 02:00:00:00:00:05 (becomes the lowest port MAC)",
   setlink(PC, nla(IFLA_ADDRESS, mac("02:00:00:00:00:05")), seq=125), wait=1.0)

# ---------------------------------------------------------------- changelink
op("br0 changelink INFO_DATA{FORWARD_DELAY=1000, HELLO_TIME=300, PRIORITY=4096, AGEING_TIME=20000}",
   br_req("br0", 130, nla(IFLA_BR_FORWARD_DELAY, u32(1000)) + nla(IFLA_BR_HELLO_TIME, u32(300))
          + nla(IFLA_BR_PRIORITY, struct.pack("=H", 4096)) + nla(IFLA_BR_AGEING_TIME, u32(20000)),
          flags=R_ | A_), wait=1.0)
linkinfo_values(BR, "br0 after changelink")
op("br0 changelink INFO_DATA{HELLO_TIME=5} (out of range)",
   br_req("br0", 131, nla(IFLA_BR_HELLO_TIME, u32(5)), flags=R_ | A_))
op("br0 changelink INFO_DATA{FDB_N_LEARNED=1} (NLA_REJECT)",
   br_req("br0", 132, nla(IFLA_BR_FDB_N_LEARNED, u32(1)), flags=R_ | A_))
op("br0 changelink INFO_DATA{GROUP_ADDR=01:80:c2:00:00:01} (pause address)",
   br_req("br0", 133, nla(IFLA_BR_GROUP_ADDR, mac("01:80:c2:00:00:01")), flags=R_ | A_))
op("br0 changelink INFO_DATA{GROUP_ADDR=01:80:c2:00:00:0e}",
   br_req("br0", 134, nla(IFLA_BR_GROUP_ADDR, mac("01:80:c2:00:00:0e")), flags=R_ | A_), wait=1.0)
op("br0 changelink INFO_DATA{STP_STATE=1}",
   br_req("br0", 135, nla(IFLA_BR_STP_STATE, u32(1)), flags=R_ | A_), wait=1.0)
linkinfo_values(PA, "pa with STP on")
linkinfo_values(PB, "pb with STP on")
linkinfo_values(BR, "br0 with STP on")
op("br0 changelink INFO_DATA{STP_STATE=0}",
   br_req("br0", 136, nla(IFLA_BR_STP_STATE, u32(0)), flags=R_ | A_), wait=1.0)

# ---------------------------------------------------------------- port options
op("PF_BRIDGE RTM_SETLINK pb IFLA_PROTINFO(N){COST=50, PRIORITY=16}",
   setlink(PB, nla(IFLA_PROTINFO | NLA_F_NESTED, nla(IFLA_BRPORT_COST, u32(50))
                   + nla(IFLA_BRPORT_PRIORITY, struct.pack("=H", 16))), seq=140, family=AF_BRIDGE,
           mtype=RTM_SETLINK), wait=1.0)
op("PF_BRIDGE RTM_SETLINK pb IFLA_PROTINFO{GUARD=1} without NLA_F_NESTED (legacy u8 state)",
   setlink(PB, nla(IFLA_PROTINFO, nla(IFLA_BRPORT_GUARD, b"\x01")), seq=141, family=AF_BRIDGE,
           mtype=RTM_SETLINK), wait=1.0)
op("PF_BRIDGE RTM_SETLINK pb IFLA_PROTINFO(N){STATE=1 (listening)}",
   setlink(PB, nla(IFLA_PROTINFO | NLA_F_NESTED, nla(IFLA_BRPORT_STATE, b"\x01")), seq=142, family=AF_BRIDGE,
           mtype=RTM_SETLINK), wait=1.0)
op("PF_BRIDGE RTM_SETLINK pb IFLA_PROTINFO(N){COST=0} (out of range)",
   setlink(PB, nla(IFLA_PROTINFO | NLA_F_NESTED, nla(IFLA_BRPORT_COST, u32(0))), seq=143, family=AF_BRIDGE,
           mtype=RTM_SETLINK))
op("PF_BRIDGE RTM_SETLINK pb without PROTINFO/AF_SPEC", setlink(PB, seq=144, family=AF_BRIDGE, mtype=RTM_SETLINK))
op("PF_BRIDGE RTM_SETLINK br0 IFLA_PROTINFO (bridge is not a port)",
   setlink(BR, nla(IFLA_PROTINFO | NLA_F_NESTED, nla(IFLA_BRPORT_COST, u32(7))), seq=145, family=AF_BRIDGE,
           mtype=RTM_SETLINK))
op("PF_BRIDGE RTM_SETLINK qa (not a port) IFLA_PROTINFO",
   setlink(QA, nla(IFLA_PROTINFO | NLA_F_NESTED, nla(IFLA_BRPORT_COST, u32(7))), seq=146, family=AF_BRIDGE,
           mtype=RTM_SETLINK))
op("PF_BRIDGE RTM_SETLINK AF_SPEC{FLAGS=SELF} on pb (veth has no ndo_bridge_setlink)",
   setlink(PB, nla(IFLA_AF_SPEC, nla(IFLA_BRIDGE_FLAGS, struct.pack("=H", BRIDGE_FLAGS_SELF))), seq=147,
           family=AF_BRIDGE, mtype=RTM_SETLINK))
op("PF_BRIDGE RTM_SETLINK ifindex 999", setlink(999, seq=148, family=AF_BRIDGE, mtype=RTM_SETLINK))
op("PF_BRIDGE RTM_DELLINK pb without AF_SPEC", setlink(PB, seq=149, family=AF_BRIDGE, mtype=RTM_DELLINK))
op("RTM_NEWLINK pb INFO_SLAVE_DATA{COST=60} (bridge_slave)",
   setlink(PB, nla(IFLA_LINKINFO, nla(IFLA_INFO_SLAVE_KIND, b"bridge\0")
                   + nla(IFLA_INFO_SLAVE_DATA, nla(IFLA_BRPORT_COST, u32(60)))), seq=150), wait=1.0)
linkinfo_values(PB, "pb after port options")

# ---------------------------------------------------------------- errors
op("enslave lo", setlink(1, nla(IFLA_MASTER, u32(BR)), seq=160))
op("create br1", br_req("br1", 161))
BR1 = ifindex("br1")
op("enslave br1 to br0 (bridge in bridge)", setlink(BR1, nla(IFLA_MASTER, u32(BR)), seq=162))
op("enslave pa (port of br0) to br1", setlink(PA, nla(IFLA_MASTER, u32(BR1)), seq=163), wait=1.0)
op("enslave qa to pa (pa is no master)", setlink(QA, nla(IFLA_MASTER, u32(PA)), seq=164))
op("create br2 with IFLA_ADDRESS 3 bytes", br_req("br2", 165, attrs=nla(IFLA_ADDRESS, b"\x02\x00\x00")))
op("create br2 with multicast IFLA_ADDRESS", br_req("br2", 166, attrs=nla(IFLA_ADDRESS, mac("01:00:00:00:00:01"))))
op("create br2 with IFLA_ADDRESS 02:00:00:00:00:01 and INFO_DATA{PRIORITY=0}",
   br_req("br2", 167, nla(IFLA_BR_PRIORITY, struct.pack("=H", 0)), attrs=nla(IFLA_ADDRESS, mac("02:00:00:00:00:01"))))
BR2 = ifindex("br2")
linkinfo_values(BR2, "br2 (MAC set by the user)")
op("enslave qc to br2 (user MAC stays)", setlink(QC, nla(IFLA_MASTER, u32(BR2)), seq=168), wait=1.0)
op("create br3 with IFLA_MTU 9000", br_req("br3", 169, attrs=nla(IFLA_MTU, u32(9000))))
BR3 = ifindex("br3")
op("enslave qb (mtu 1500) to br3 (mtu 9000 at create)", setlink(QB, nla(IFLA_MASTER, u32(BR3)), seq=170), wait=1.0)

# ---------------------------------------------------------------- release, delete
op("release pb (IFLA_MASTER 0)", setlink(PB, nla(IFLA_MASTER, u32(0)), seq=180), wait=1.5)
linkinfo_values(BR, "br0 after pb left")
op("delete port pc (up? no: down)", nlmsg(RTM_DELLINK, R_ | A_, 181, ifinfomsg(PC)), wait=1.5)
op("br0 down (port pa up without carrier)", setlink(BR, flags=0, change=IFF_UP, seq=182), wait=1.5)
op("qa up, br0 up again (pa forwarding)", setlink(QA, flags=IFF_UP, change=IFF_UP, seq=183), wait=1.5)
op("br0 up", setlink(BR, flags=IFF_UP, change=IFF_UP, seq=184), wait=2.5)
op("delete port pa (up, forwarding)", nlmsg(RTM_DELLINK, R_ | A_, 185, ifinfomsg(PA)), wait=1.5)
linkinfo_values(BR, "br0 with no ports left")
op("enslave pb again", setlink(PB, nla(IFLA_MASTER, u32(BR)), seq=186), wait=2.5)
op("delete br0 (port pb up)", nlmsg(RTM_DELLINK, R_ | A_, 187, ifinfomsg(BR)), wait=1.5)
linkinfo_values(PB, "pb after br0 went")
op("delete br3 with ECHO (port qb down)", nlmsg(RTM_DELLINK, R_ | A_ | E_, 188, ifinfomsg(BR3)), wait=1.5)
