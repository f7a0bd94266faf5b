"""Probe: what a user's message to the NETLINK_KOBJECT_UEVENT kernel socket gets.
Run: unshare -n python3 p_uevent.py"""
import socket, struct, errno, sys, os
sys.path.insert(0, "/work/shared/kernel-probes")
from nl import *
NETLINK_KOBJECT_UEVENT = 15
for label, payload, flags in [("plain text", b"hello", 0), ("nlmsg REQUEST|ACK type 0x10", nlmsg(0x10, NLM_F_REQUEST|NLM_F_ACK, 7, b"x"), 0)]:
    s = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_KOBJECT_UEVENT)
    s.bind((0, 0))
    try:
        n = s.sendto(payload, (0, 0))
        print("%-32s sendto(0,0) -> %d" % (label, n))
        print("   replies:", [describe(m) for d in recv_all(s, 0.2) for m in (parse_msgs(d) if isinstance(d, bytes) else [])])
    except OSError as e:
        print("%-32s sendto(0,0) -> %s" % (label, errno.errorcode[e.errno]))
s = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_KOBJECT_UEVENT)
try:
    s.bind((0, 1)); print("bind groups=1 OK", s.getsockname())
    s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, 2); print("ADD_MEMBERSHIP 2 OK")
except OSError as e:
    print("uevent groups:", errno.errorcode[e.errno])
u = socket.socket(AF_NETLINK, socket.SOCK_RAW, 2)  # USERSOCK
try:
    u.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, 33); print("usersock ADD 33 OK")
except OSError as e:
    print("usersock ADD 33:", errno.errorcode[e.errno])
try:
    u.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, 32); print("usersock ADD 32 OK")
except OSError as e:
    print("usersock ADD 32:", errno.errorcode[e.errno])
for proto in (1, 3, 4, 5, 6, 9, 10, 11, 12, 16, 17, 21, 31, 32):
    try:
        x = socket.socket(AF_NETLINK, socket.SOCK_RAW, proto); print("socket proto %d OK" % proto); x.close()
    except OSError as e:
        print("socket proto %d -> %s" % (proto, errno.errorcode[e.errno]))
