"""(V) More IPv6 route facts on Linux 6.18: a multipath nexthop on a downed
device, expiry and the FIB garbage collector, dumps with routes added
between chunks, REPLACE of a missing metric, and the routes addrconf makes
for an address.  Run: unshare -n python3 probes/p_route6_more.py (~70 s).
Helpers: probes/p_route6_lib.py (the first part of p_route6.py)."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from p_route6_lib import *  # noqa

sh("ip link add v0 type veth peer name v1; ip link add d0 type veth peer name d1")
for d in ("v0", "v1", "d0", "d1"):
    sh("ip link set %s addrgenmode none; ip link set %s up" % (d, d))
V0 = socket.if_nametoindex("v0"); D0 = socket.if_nametoindex("d0")
time.sleep(0.3); recv_all(L, 0.2)
oif0 = u32(RTA_OIF, V0)
def nh(ifindex, gw=None, hops=0, flags=0):
    sub = nla(RTA_GATEWAY, ip6(gw)) if gw else b""
    return struct.pack("=HBBi", 8 + len(sub), flags, hops, ifindex) + sub
sctl = ctl_sock(strict=True)

req("REPLACE no CREATE, existing prefix, other metric", RTM_NEWROUTE, A | C | X, rt("2001:db8:1::", 64, attrs=oif0))
req("   -> replace metric 5", RTM_NEWROUTE, A | REP, rt("2001:db8:1::", 64, attrs=oif0 + u32(RTA_PRIORITY, 5)))

req("multipath v0+d0", RTM_NEWROUTE, A | C | X, rt("2001:db8:21::", 64, attrs=nla(RTA_MULTIPATH, nh(V0, "fe80::1") + nh(D0, "fe80::2"))))
print("\n## v0 down (multipath keeps d0)")
sh("ip link set v0 down"); time.sleep(0.3)
for d in recv_all(L, 0.2):
    for m in parse_msgs(d): show(m, "   NOTIFY ")
dump("table 254 after v0 down", s=sctl, payload=rtmsg(AF6, table=254))
req("GET 2001:db8:21::1", RTM_GETROUTE, 0, rtmsg(AF6, 128) + nla(RTA_DST, ip6("2001:db8:21::1")))
print("\n## d0 down (all nexthops dead)")
sh("ip link set d0 down"); time.sleep(0.3)
for d in recv_all(L, 0.2):
    for m in parse_msgs(d): show(m, "   NOTIFY ")
sh("ip link set v0 up; ip link set d0 up"); time.sleep(0.3); recv_all(L, 0.2)

print("\n## addrconf: ip -6 addr add 2001:db8:aa::1/64 dev v0 nodad")
sh("ip -6 addr add 2001:db8:aa::1/64 dev v0 nodad"); time.sleep(0.3)
for d in recv_all(L, 0.2):
    for m in parse_msgs(d): show(m, "   NOTIFY ", ) if m[1] in (RTM_NEWROUTE, RTM_DELROUTE) else None
req("prefsrc 2001:db8:aa::1 now valid", RTM_NEWROUTE, A | C | X, rt("2001:db8:ab::", 64, attrs=oif0 + nla(RTA_PREFSRC, ip6("2001:db8:aa::1"))), hexd=True)
req("GET 2001:db8:ab::5 (prefsrc route)", RTM_GETROUTE, 0, rtmsg(AF6, 128) + nla(RTA_DST, ip6("2001:db8:ab::5")), hexd=True)
req("GET 2001:db8:aa::5 (source selection)", RTM_GETROUTE, 0, rtmsg(AF6, 128) + nla(RTA_DST, ip6("2001:db8:aa::5")), hexd=True)
req("gw = own address 2001:db8:aa::1 dev v0", RTM_NEWROUTE, A | C | X, rt("2001:db8:ac::", 64, attrs=oif0 + nla(RTA_GATEWAY, ip6("2001:db8:aa::1"))))
print("\n## ip -6 addr del 2001:db8:aa::1/64 dev v0")
sh("ip -6 addr del 2001:db8:aa::1/64 dev v0"); time.sleep(0.3)
for d in recv_all(L, 0.2):
    for m in parse_msgs(d): show(m, "   NOTIFY ") if m[1] in (RTM_NEWROUTE, RTM_DELROUTE) else None
dump("table 254 after address delete", s=sctl, payload=rtmsg(AF6, table=254))

print("\n## dump chunks with routes added mid-dump (table 300)")
for i in range(120):
    transact(ctl, nlmsg(RTM_NEWROUTE, R | A | C | X, 1, rt("2001:db8:%x::" % (0x100 + i), 64, table=300, attrs=oif0)))
recv_all(L, 0.3)
for label, extra in (("past the cursor", "2001:db8:1ff::"), ("before the cursor", "2001:db8:ff::")):
    s = ctl_sock(strict=True)
    s.send(nlmsg(RTM_GETROUTE, R | NLM_F_DUMP, 9, rtmsg(AF6) + u32(RTA_TABLE, 300)))
    keys = []; added = False; chunks = 0
    while True:
        d = s.recv(4096); chunks += 1
        ms = parse_msgs(d)
        if any(m[1] == NLMSG_DONE for m in ms):
            break
        for m in ms:
            at = {t: v for t, _, v in parse_attrs(m[5][12:])}
            keys.append(socket.inet_ntop(AF6, at[RTA_DST]))
        if not added:
            transact(ctl, nlmsg(RTM_NEWROUTE, R | A | C | X, 1, rt(extra, 64, table=300, attrs=oif0)))
            added = True
    print("   %s (%s): chunks=%d routes=%d unique=%d first=%s last=%s" % (label, extra, chunks, len(keys), len(set(keys)), keys[0], keys[-1]))
    dups = [k for k in set(keys) if keys.count(k) > 1]
    print("   duplicates:", dups, "contains added:", extra in keys)
    recv_all(L, 0.2)

print("\n## expiry: 2001:db8:49::/64 expires 40")
req("add expires 40", RTM_NEWROUTE, A | C | X, rt("2001:db8:49::", 64, attrs=oif0 + u32(RTA_EXPIRES, 40)))
t0 = time.time()
time.sleep(44)
dump("after 44 s", s=sctl, payload=rtmsg(AF6, table=254))
req("GET 2001:db8:49::1 after expiry", RTM_GETROUTE, 0, rtmsg(AF6, 128) + nla(RTA_DST, ip6("2001:db8:49::1")))
while time.time() - t0 < 75:
    for d in recv_all(L, 1.0):
        for m in parse_msgs(d):
            if m[1] == RTM_DELROUTE:
                print("   at %.1f s:" % (time.time() - t0), end="")
                show(m, " NOTIFY ")
dump("after 75 s", s=sctl, payload=rtmsg(AF6, table=254))
