"""(V) IPv6 route odds and ends on Linux 6.18: a unicast route through an up
loopback (promoted to reject), RTA_ENCAP_TYPE, RTA_NH_ID, DELROUTE with ECHO
and with RTM_F_CLONED, getroute with RTA_IIF and a bad flow label.
Run: unshare -n python3 probes/p_route6_extra.py"""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from p_route6_lib import *  # noqa

sh("ip link add v0 type veth peer name v1")
for d in ("v0", "v1"):
    sh("ip link set %s addrgenmode none; ip link set %s up" % (d, d))
sh("ip link set lo up")
V0 = socket.if_nametoindex("v0")
time.sleep(0.3); recv_all(L, 0.2)
oif0 = u32(RTA_OIF, V0)
sctl = ctl_sock(strict=True)
req("unicast dev lo (lo up)", RTM_NEWROUTE, A | C | X, rt("2001:db8:44::", 64, attrs=u32(RTA_OIF, 1)), hexd=True)
req("GET 2001:db8:44::1", RTM_GETROUTE, 0, rtmsg(AF6, 128) + nla(RTA_DST, ip6("2001:db8:44::1")))
req("local type dev lo", RTM_NEWROUTE, A | C | X, rt("2001:db8:45::1", 128, rtype=2, attrs=u32(RTA_OIF, 1)))
req("::1/128 unicast dev lo metric 7", RTM_NEWROUTE, A | C | X, rt("::1", 128, attrs=u32(RTA_OIF, 1) + u32(RTA_PRIORITY, 7)))
req("RTA_ENCAP_TYPE 1", RTM_NEWROUTE, A | C | X, rt("2001:db8:46::", 64, attrs=oif0 + nla(21, struct.pack("=H", 1))))
req("RTA_ENCAP_TYPE 99", RTM_NEWROUTE, A | C | X, rt("2001:db8:46::", 64, attrs=oif0 + nla(21, struct.pack("=H", 99))))
req("RTA_NH_ID 5", RTM_NEWROUTE, A | C | X, rt("2001:db8:47::", 64, attrs=u32(30, 5)))
req("RTA_NH_ID + OIF", RTM_NEWROUTE, A | C | X, rt("2001:db8:47::", 64, attrs=u32(30, 5) + oif0))
req("DEL RTA_NH_ID 5", RTM_DELROUTE, A, rt("2001:db8:47::", 64, rtype=0, attrs=u32(30, 5)))
req("add 2001:db8:48::/64", RTM_NEWROUTE, A | C | X, rt("2001:db8:48::", 64, attrs=oif0))
req("DEL RTM_F_CLONED", RTM_DELROUTE, A, rt("2001:db8:48::", 64, rtype=0, flags=0x200))
req("DEL RTM_F_CLONED missing", RTM_DELROUTE, A, rt("2001:db8:49::", 64, rtype=0, flags=0x200))
req("DEL ECHO", RTM_DELROUTE, A | NLM_F_ECHO, rt("2001:db8:48::", 64, rtype=0))
req("GET with RTA_IIF v0", RTM_GETROUTE, 0, rtmsg(AF6, 128) + nla(RTA_DST, ip6("2001:db8:44::1")) + u32(RTA_IIF, V0))
req("GET with RTA_IIF 999", RTM_GETROUTE, 0, rtmsg(AF6, 128) + nla(RTA_DST, ip6("2001:db8:44::1")) + u32(RTA_IIF, 999))
req("strict GET bad flowlabel", RTM_GETROUTE, 0, rtmsg(AF6, 128) + nla(RTA_DST, ip6("2001:db8:44::1")) + nla(RTA_FLOWLABEL, b"\xff\xff\xff\xff"), s=sctl)
req("GET short header", RTM_GETROUTE, 0, b"\x0a\0\0\0")
req("NEW short header", RTM_NEWROUTE, A, b"\x0a\0\0\0")
