"""(V) REACHABLE -> STALE with the default base_reachable_time (30 s): the
timer moves an unused entry to STALE between 15 and 45 s and notifies.
Run: unshare -n python3 probes/p_neigh3.py
"""
import os, sys, struct, subprocess, time, socket
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "p_neigh_lib.py")).read())
req("1 add reachable .2 on v0", new(AF_INET, V0, A2, MAC, state=0x2))
t0 = time.time()
while time.time() - t0 < 50:
    for d in recv_all(lis, timeout=1.0):
        for m in parse_msgs(d): print("  t=%.1f" % (time.time() - t0)); show(m, "  [mc] ")
req("2 dump after", nlmsg(RTM_GETNEIGH, R | NLM_F_DUMP, nxt(), ndmsg(2, 0)))
