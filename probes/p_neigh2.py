"""(V) REACHABLE -> STALE on the timer, its notification; unknown family; lo key.
Run: unshare -n python3 probes/p_neigh2.py
"""
import os, sys, struct, subprocess, time, socket
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.argv = [sys.argv[0]]
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "p_neigh_lib.py")).read())
open("/proc/sys/net/ipv4/neigh/v0/base_reachable_time_ms", "w").write("1000")
req("1 add reachable .2 on v0", new(AF_INET, V0, A2, MAC, state=0x2))
req("1b dump", nlmsg(RTM_GETNEIGH, R | NLM_F_DUMP, nxt(), ndmsg(2, 0)))
t0 = time.time()
for i in range(8):
    time.sleep(0.5)
    for d in recv_all(lis, timeout=0.05):
        for m in parse_msgs(d): print("  t=%.1f" % (time.time() - t0)); show(m, "  [mc] ")
req("2 dump after", nlmsg(RTM_GETNEIGH, R | NLM_F_DUMP, nxt(), ndmsg(2, 0)))
req("3 family 99 add", new(99, V0, A1, MAC))
req("4 family 99 del", dele(99, V0, A1))
req("5 family 99 get", get(99, V0, A1))
req("6 family 3 add", new(3, V0, A1, MAC))
req("7 family 99 dump", nlmsg(RTM_GETNEIGH, R | NLM_F_DUMP, nxt(), ndmsg(99, 0)))
req("8 lo 10.0.0.1 perm", new(AF_INET, 1, A1, MAC))
req("9 lo 10.0.0.2 perm EXCL (key is 0.0.0.0 already)", new(AF_INET, 1, A2, MAC2))
req("10 get lo 10.0.0.1", get(AF_INET, 1, A1))
req("11 get lo 0.0.0.0", get(AF_INET, 1, ip4("0.0.0.0")))
req("12 del lo 10.0.0.1", dele(AF_INET, 1, A1))
req("13 del lo 0.0.0.0", dele(AF_INET, 1, ip4("0.0.0.0")))
req("14 v4 multicast on v0", new(AF_INET, V0, ip4("224.0.0.5"), MAC))
req("15 v4 broadcast 255.255.255.255 on v0", new(AF_INET, V0, ip4("255.255.255.255"), MAC))
req("16 v6 multicast on v0 no ll", new(AF_INET6, V0, socket.inet_pton(socket.AF_INET6, "ff02::5"), None))
req("17 v4 noarp state no ll on v0", new(AF_INET, V0, ip4("10.0.0.20"), None, state=0x40))
req("18 add stale .21 then echo subscribe", new(AF_INET, V0, ip4("10.0.0.21"), MAC, state=0x4))
s2 = sock(groups=1 << (RTNLGRP_NEIGH - 1))
s2.send(nlmsg(RTM_NEWNEIGH, R | A | C | NLM_F_ECHO, 77, ndmsg(AF_INET, V0, 0x80) + nla(1, ip4("10.0.0.22")) + nla(2, MAC)))
for d in recv_all(s2, timeout=0.2):
    for m in parse_msgs(d): show(m, "  [s2 subscribed+echo] ")
for d in recv_all(lis, timeout=0.1): pass
sh("sysctl -qw net.ipv6.conf.v0.disable_ipv6=1")
req("19 v6 add on disabled", new(AF_INET6, V0, socket.inet_pton(socket.AF_INET6, "2001:db8::9"), MAC))
req("20 replace perm->reachable same mac, REPLACE", new(AF_INET, V0, ip4("10.0.0.21"), MAC, state=0x2, nlf=RP))
req("21 stale->stale same mac no flags", new(AF_INET, V0, ip4("10.0.0.21"), MAC, state=0x4, nlf=0))
req("22 add perm .30 with NTF_PROXY|NTF_MANAGED", new(AF_INET, V0, ip4("10.0.0.30"), MAC, flags=0x08, extra=nla(15, struct.pack("=I", 1))))
req("23 perm + managed", new(AF_INET, V0, ip4("10.0.0.31"), MAC, extra=nla(15, struct.pack("=I", 1))))
