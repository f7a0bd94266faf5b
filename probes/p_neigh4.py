"""(V) Where RTM_DELNEIGH falls among the link messages: link down, address
change, delete, move to another namespace (listener on LINK|NEIGH).
Run: unshare -n python3 probes/p_neigh4.py
"""
import os, sys, struct, subprocess, time, socket
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "p_neigh_lib.py")).read())
both = sock(groups=1 | (1 << (RTNLGRP_NEIGH - 1)))
def heard(label):
    print(label)
    for d in recv_all(both, timeout=0.3):
        for m in parse_msgs(d):
            print("  type=%d len=%d pid=%d" % (m[1], m[0], m[4]))
sh("ip link set v0 up")
heard("v0 up")
req("add perm .1", new(AF_INET, V0, A1, MAC)); heard("-")
sh("ip link set v0 down"); heard("v0 down")
req("add perm .1", new(AF_INET, V0, A1, MAC)); heard("-")
sh("ip link set v0 address 02:11:22:33:44:55"); heard("v0 address")
req("add perm .1", new(AF_INET, V0, A1, MAC)); heard("-")
req("add perm v6", new(AF_INET6, V0, B1, MAC)); heard("-")
sh("ip link set v0 up"); heard("v0 up")
sh("ip netns add p4ns 2>/dev/null || true")
sh("ip link set v0 netns p4ns"); heard("v0 moved out")
sh("ip netns del p4ns")
req("add perm on v1", new(AF_INET, V1, A1, MAC)); heard("-")
sh("ip link del v1"); heard("v1 deleted (down, has perm)")
