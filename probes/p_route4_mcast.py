"""(V) RTM_GETROUTE for multicast and limited-broadcast destinations, with
and without a default route; and with an output device.
Run: unshare -n python3 probes/p_route4_mcast.py
"""
import socket, struct, subprocess, sys, time
sys.path.insert(0, "/work/shared/kernel-probes")
from nl import *  # noqa
R, A = NLM_F_REQUEST, NLM_F_ACK
ctl = sock(); ctl.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
def u32(v): return struct.pack("=I", v)
def tx(label, body):
    print("##", label)
    for d in transact(ctl, nlmsg(26, R, 5, body)):
        for m in parse_msgs(d):
            print("   ", describe(m))
        print("    raw", d.hex())
subprocess.run("ip link add va type veth peer name vb; ip link set va up; ip link set vb up; ip addr add 10.0.0.1/24 dev va", shell=True, check=True)
time.sleep(0.3)
va = socket.if_nametoindex("va")
g = lambda d, extra=b"": rtmsg(AF_INET, 32, 0, 0, 0, 0, 0, 0, 0) + nla(1, ip4(d)) + extra
for d in ("224.0.0.1", "239.1.1.1", "255.255.255.255"):
    tx(d + " no default", g(d))
    tx(d + " oif va", g(d, nla(4, u32(va))))
subprocess.run("ip route add default via 10.0.0.2", shell=True, check=True)
for d in ("224.0.0.1", "239.1.1.1", "255.255.255.255"):
    tx(d + " with default", g(d))
