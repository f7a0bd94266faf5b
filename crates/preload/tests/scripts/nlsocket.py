"""What a program sees of a netlink socket, call by call: run through the
shim against a served simulated kernel, and on the live kernel in a new
network namespace; the two transcripts must be the same."""
import ctypes
import errno
import fcntl
import os
import select
import socket
import struct
import subprocess
import sys

AF_NETLINK, NETLINK_ROUTE, SOL_NETLINK = 16, 0, 270
NETLINK_ADD_MEMBERSHIP, NETLINK_PKTINFO, NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK = 1, 3, 11, 12
RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK = 16, 17, 18
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
IFLA_IFNAME = 3


def out(*a):
    print(*a, flush=True)


def err(f):
    try:
        return ("ok", f())
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e))


def msg(mtype, flags, seq, payload=b""):
    return struct.pack("=IHHII", 16 + len(payload), mtype, flags, seq, 0) + payload


def ifinfo(index=0):
    return struct.pack("=BxHiII", 0, 0, index, 0, 0)


def parse(buf):
    """(type, flags, seq, pid, payload) of every message in a datagram."""
    while len(buf) >= 16:
        ln, t, f, seq, pid = struct.unpack_from("=IHHII", buf)
        yield t, f, seq, pid, buf[16:ln]
        buf = buf[(ln + 3) & ~3:]


def ifname(payload):
    rest = payload[16:]
    while len(rest) >= 4:
        ln, t = struct.unpack_from("=HH", rest)
        if t == IFLA_IFNAME:
            return rest[4:ln].rstrip(b"\0").decode()
        rest = rest[(ln + 3) & ~3:]


def readable(s, ms=3000):
    p = select.poll()
    p.register(s, select.POLLIN)
    return bool(p.poll(ms))


def ip(*args):
    subprocess.run(["ip", *args], check=True)


# socket(2): the flags land on the descriptor.
s = socket.socket(AF_NETLINK, socket.SOCK_RAW | socket.SOCK_CLOEXEC | socket.SOCK_NONBLOCK, NETLINK_ROUTE)
fd = s.fileno()
out("O_NONBLOCK", bool(fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_NONBLOCK),
    "FD_CLOEXEC", bool(fcntl.fcntl(fd, fcntl.F_GETFD) & fcntl.FD_CLOEXEC))
out("empty recv", err(lambda: s.recv(100)))
out("unbound getsockname", s.getsockname())
out("bad protocol", err(lambda: socket.socket(AF_NETLINK, socket.SOCK_RAW, 99)))
out("bad type", err(lambda: socket.socket(AF_NETLINK, socket.SOCK_STREAM, 0)))

# Options, as iproute2 sets them.
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 32768)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
# (The receive buffer is capped by the machine's net.core.rmem_max: only its doubling is shown.)
rcvbuf = s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
out("SO_SNDBUF", s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF), "SO_RCVBUF doubled", rcvbuf >= 2 * 212992)
for opt in (NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK, NETLINK_PKTINFO):
    s.setsockopt(SOL_NETLINK, opt, 1)
out("NETLINK_EXT_ACK", s.getsockopt(SOL_NETLINK, NETLINK_EXT_ACK))
out("unknown SOL_NETLINK option", err(lambda: s.getsockopt(SOL_NETLINK, 99)))
out("group 0", err(lambda: s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, 0)))
out("SO_TYPE", s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE),
    "SO_PROTOCOL", s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL),
    "SO_DOMAIN", s.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN))

s.bind((0, 0))
pid, groups = s.getsockname()
out("autobind: the pid", pid == os.getpid(), "groups", groups)

# iproute2's probe: RTM_NEWLINK for index 0 must fail with ENODEV.
s.send(msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 0, ifinfo()))
out("readable", readable(s))
libc = ctypes.CDLL(None, use_errno=True)
libc.recv.restype = ctypes.c_ssize_t
out("peek|trunc length", libc.recv(fd, None, 0, socket.MSG_PEEK | socket.MSG_TRUNC))
data, anc, flags, addr = s.recvmsg(16, 0, socket.MSG_PEEK)
out("short peek", len(data), "MSG_TRUNC", bool(flags & socket.MSG_TRUNC), "from", addr)
data, anc, flags, addr = s.recvmsg(65536, socket.CMSG_SPACE(4))
for t, f, seq, p, payload in parse(data):
    e, = struct.unpack_from("=i", payload)
    out("ack type", t, "flags", hex(f), "seq", seq, "to me", p == pid, "error", e, "len", len(data))
out("cmsg", anc, "flags", flags, "from", addr)
out("nothing queued", err(lambda: s.recvmsg(64, 1)))

# A dump: every datagram's size and what it holds.
s.sendto(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, ifinfo()), (0, 0))
room = 1  # the first datagram's control message does not fit: MSG_CTRUNC
while True:
    readable(s)
    data, anc, flags, addr = s.recvmsg(32768, room)
    room = 64
    kinds = [(t, ifname(payload) if t == RTM_NEWLINK else None) for t, f, seq, p, payload in parse(data)]
    out("dump datagram", len(data), kinds, "flags", flags, anc)
    if any(t == NLMSG_DONE for t, _ in kinds):
        break

# Multicast: a listener bound to RTNLGRP_LINK, another subscribed by option;
# the change comes from another process.
l1 = socket.socket(AF_NETLINK, socket.SOCK_DGRAM, NETLINK_ROUTE)
l1.bind((0, 1))
l1.setsockopt(SOL_NETLINK, NETLINK_PKTINFO, 1)
l2 = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
l2.bind((0, 0))
l2.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, 1)
out("l2 groups", l2.getsockname()[1])
# Subscribed but never bound: not on the multicast list.
l3 = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
l3.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, 1)
ep = select.epoll()
ep.register(l2.fileno(), select.EPOLLIN)
ip("link", "add", "b0", "address", "02:00:00:00:00:20", "type", "bridge")
out("l1 readable", readable(l1))
data, anc, flags, addr = l1.recvmsg(32768, 64)
out("l1", [(t, ifname(p)) for t, f, seq, pid_, p in parse(data)], "cmsg", anc, "from", addr)
out("l2 epoll", [(f == l2.fileno(), ev) for f, ev in ep.poll(3)])
out("l3 (unbound) readable", readable(l3, 300))
data, anc, flags, addr = l2.recvmsg(32768, 64)
out("l2", [(t, ifname(p)) for t, f, seq, pid_, p in parse(data)], "cmsg", anc, "from", addr)
while readable(l2, 200):
    l2.recv(32768)

# Names resolve against the (simulated) kernel.
out("if_nametoindex", socket.if_nametoindex("b0"), socket.if_nametoindex("lo"))
out("if_indextoname", socket.if_indextoname(2))
out("if_nameindex", socket.if_nameindex())
out("unknown name", err(lambda: socket.if_nametoindex("nosuch")))
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
    SIOCGIFNAME, SIOCGIFINDEX = 0x8910, 0x8933
    out("SIOCGIFINDEX", struct.unpack_from("=i", fcntl.ioctl(u, SIOCGIFINDEX, struct.pack("=16si20x", b"b0", 0)), 16))
    out("SIOCGIFNAME", fcntl.ioctl(u, SIOCGIFNAME, struct.pack("=16si20x", b"", 2))[:16].rstrip(b"\0"))
    out("SIOCGIFINDEX unknown", err(lambda: fcntl.ioctl(u, SIOCGIFINDEX, struct.pack("=16si20x", b"nosuch", 0))))
    out("SIOCGIFNAME unknown", err(lambda: fcntl.ioctl(u, SIOCGIFNAME, struct.pack("=16si20x", b"", 99))))

# dup: the same socket under another descriptor.
d = socket.socket(fileno=os.dup(s.fileno()))
out("dup", d.family == AF_NETLINK, d.type, d.proto, d.getsockname() == s.getsockname())
d.close()
out("after closing the dup", s.getsockname() == (pid, 0))
os.dup2(s.fileno(), 100)
d = socket.socket(fileno=100)
out("dup2", d.getsockname() == s.getsockname())
d.close()
d = socket.socket(fileno=fcntl.fcntl(s.fileno(), fcntl.F_DUPFD_CLOEXEC, 50))
out("F_DUPFD_CLOEXEC", d.fileno() >= 50, d.getsockname() == s.getsockname(),
    bool(fcntl.fcntl(d.fileno(), fcntl.F_GETFD) & fcntl.FD_CLOEXEC))
d.close()
# A descriptor number that was a netlink socket, reused for another socket.
a, b = socket.socketpair()
os.dup2(a.fileno(), 100)
u = socket.socket(fileno=100)
out("reused number", u.family == socket.AF_UNIX, u.getsockname())
u.close()
a.close()
b.close()

# fork: the child asks on the inherited socket, the parent reads the answer.
child = os.fork()
if child == 0:
    s.send(msg(RTM_GETLINK, NLM_F_REQUEST, 7, ifinfo(1)))
    os._exit(0)
os.waitpid(child, 0)
readable(s)
data = s.recv(32768)
out("child's request answered", [(t, seq, ifname(p)) for t, f, seq, p_, p in parse(data)])

# Errors of sends, and of receives on a blocking socket.
out("to a port nobody has", err(lambda: s.sendto(msg(RTM_GETLINK, NLM_F_REQUEST, 8, ifinfo(1)), (12345, 0))))
b = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
out("MSG_DONTWAIT", err(lambda: b.recv(100, socket.MSG_DONTWAIT)))
b.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("=qq", 0, 100000))
out("SO_RCVTIMEO", err(lambda: b.recv(100)))
out("write+read", err(lambda: os.write(b.fileno(), msg(RTM_GETLINK, NLM_F_REQUEST, 9, ifinfo(1)))),
    [(t, seq) for t, f, seq, p_, p in parse(os.read(b.fileno(), 32768))])

# Dump chunks grow to the largest buffer the reader has offered: here 8 KiB
# (an ack read into it first), then 32 KiB.
for i in range(12):
    ip("link", "add", "x%d" % i, "address", "02:00:00:00:01:%02x" % i, "type", "bridge")
c = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
for size in (8192, 32768):
    c.send(msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 1, ifinfo()))
    c.recv(size)
    c.send(msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 2, ifinfo()))
    sizes = []
    while True:
        data = c.recv(size)
        sizes.append(len(data))
        if any(t == NLMSG_DONE for t, *_ in parse(data)):
            break
    out("dump with", size, "byte reads:", sizes)
for i in range(12):
    ip("link", "del", "x%d" % i)
c.close()

# Overrun: a listener that does not read loses notifications, and is told so
# once (ENOBUFS), then reads on.
l1.close()
l2.close()
o = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
o.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
o.bind((0, 1))
b0 = socket.if_nametoindex("b0")
for i in range(3000):
    mtu = struct.pack("=HHI", 8, 4, 1000 + i % 2)  # IFLA_MTU
    s.send(msg(RTM_NEWLINK + 3, NLM_F_REQUEST, 100 + i, ifinfo(b0) + mtu))  # RTM_SETLINK, no ack
events = []
while True:
    r = err(lambda: o.recv(32768, socket.MSG_DONTWAIT))
    if r == "EAGAIN":
        break
    kind = r if isinstance(r, str) else "data"
    if not events or events[-1][0] != kind:
        events.append([kind, 0])
    events[-1][1] += 1
kinds = [k for k, n in events]
out("overrun: ENOBUFS once", kinds.count("ENOBUFS") == 1, "data after it", kinds[-1] == "data")
o.close()

l1 = socket.socket(AF_NETLINK, socket.SOCK_DGRAM, NETLINK_ROUTE)
l1.bind((0, 1))
ip("link", "del", "b0")
readable(l1)
data = l1.recv(32768)
out("deleted", [(t, ifname(p)) for t, f, seq, p_, p in parse(data)])
