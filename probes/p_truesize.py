"""Probe: skb truesize of netlink datagrams as a function of their length (Rmem in /proc/net/netlink).
Run: unshare -n python3 p_truesize.py"""
import socket, struct, sys
sys.path.insert(0, "/work/shared/kernel-probes")
from nl import *
NETLINK_USERSOCK = 2

def rmem(proto, portid):
    with open("/proc/net/netlink") as fh:
        for line in fh:
            p = line.split()
            if len(p) > 2 and p[1] == str(proto) and p[2] == str(portid):
                return int(p[4])

r = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_USERSOCK)
r.bind((5000, 0))
s = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_USERSOCK)
s.bind((5001, 0))
out = []
prev = None
for n in list(range(1, 8200, 1)) + list(range(8200, 70000, 64)):
    s.sendto(b"x" * n, (5000, 0))
    t = rmem(NETLINK_USERSOCK, 5000)
    r.recv(70000)
    if t != prev:
        out.append((n, t))
        prev = t
print("user->user unicast: (first length with this truesize, truesize)")
for n, t in out:
    print("  len>=%d truesize=%d" % (n, t))

# ack / error truesize: NETLINK_ROUTE socket, error replies for unknown type with payloads of growing size
a = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
a.bind((6000, 0))
prev = None
print("NLMSG_ERROR for type 124 (EOPNOTSUPP, request copied): (request length, reply len, truesize)")
for n in range(16, 9000, 4):
    a.send(nlmsg(124, NLM_F_REQUEST, 1, b"\0" * (n - 16)))
    t = rmem(0, 6000)
    d = a.recv(70000)
    if t != prev:
        print("  req=%d reply=%d truesize=%d" % (n, len(d), t))
        prev = t
