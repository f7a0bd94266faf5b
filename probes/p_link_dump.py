"""(V) RTM_GETLINK dumps on Linux 6.18: chunking by receive-buffer size, IFLA_EXT_MASK,
strict checking (NETLINK_GET_STRICT_CHK) and its errors, IFLA_MASTER / IFLA_LINKINFO kind filters
(NLM_F_DUMP_FILTERED), NLM_F_DUMP_INTR, and skb truesize seen in /proc/net/netlink Rmem
(dump chunks, a doit reply, single RTM_NEWLINK notifications).

Run (root; builds 20 veth pairs + lo = 41 links inside its own namespace):
    unshare -n python3 /work/main/probes/p_link_dump.py > /work/main/probes/observed/p_link_dump.txt 2>&1
"""
import os
import select
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from p_link_common import *  # noqa

header("p_link_dump")
MSG_TRUNC = socket.MSG_TRUNC
DUMP = NLM_F_REQUEST | NLM_F_DUMP
SEQ = [5000]


def nseq():
    SEQ[0] += 1
    return SEQ[0]


def rmem(portid):
    with open("/proc/net/netlink") as fh:
        for line in fh:
            p = line.split()
            if len(p) > 4 and p[1] == "0" and p[2] == str(portid):
                return int(p[4])
    return None


def new_sock(strict=False, ext_ack=True, rcvbuf=None):
    return reqsock(ext_ack=ext_ack, strict=strict, rcvbuf=rcvbuf)


def run_dump(s, payload, bufsize, flags=DUMP, between=None, quiet=0.3, verbose=True, label="", before=None):
    """Send one dump request and read it to the end; print one line per datagram.
    before(): run after send() and before the 1st recv; between(): after the 1st recv."""
    seq = nseq()
    s.send(nlmsg(RTM_GETLINK, flags, seq, payload))
    if before:
        before()
    dgs = []
    n = 0
    while True:
        r, _, _ = select.select([s], [], [], quiet)
        if not r:
            break
        data, anc, mflags, addr = s.recvmsg(bufsize)
        n += 1
        msgs = parse_msgs(data)
        dgs.append((len(data), mflags, msgs))
        if between and n == 1:
            between()
        if any(m[1] in (NLMSG_DONE, NLMSG_ERROR) for m in msgs if m[0] != "TRUNC"):
            # DONE or ERROR ends the dump
            r, _, _ = select.select([s], [], [], 0.05)
            if not r:
                break
    if verbose:
        print("  %s request seq=%d flags=0x%x payload=%s, recv buffer %d:" % (label, seq, flags, payload.hex(), bufsize))
    total = 0
    for i, (ln, mflags, msgs) in enumerate(dgs):
        good = [m for m in msgs if m[0] != "TRUNC"]
        links = [m for m in good if m[1] == RTM_NEWLINK]
        total += len(links)
        idx = [struct.unpack_from("=i", m[5], 4)[0] for m in links]
        fl = sorted({m[2] for m in good})
        other = [m for m in good if m[1] != RTM_NEWLINK]
        if verbose:
            print("    datagram %d: %5d bytes%s, %2d RTM_NEWLINK (ifindex %s), nlmsg flags %s%s" % (
                i + 1, ln, " MSG_TRUNC" if mflags & MSG_TRUNC else "", len(links),
                "%d..%d" % (idx[0], idx[-1]) if idx else "-", ["0x%x" % f for f in fl],
                "" if not other else " + " + ", ".join(summary(m) for m in other)))
            for m in other:
                if m[1] == NLMSG_DONE:
                    for l in fmt_done(m)[1:]:
                        print("      " + l)
                if m[1] == NLMSG_ERROR:
                    for l in fmt_error(m)[1:]:
                        print("      " + l)
    if verbose:
        print("    total RTM_NEWLINK: %d in %d datagram(s)" % (total, len(dgs)))
    return dgs


# ---------------------------------------------------------------- 41 links
batch = "".join("link add d%da type veth peer name d%db\n" % (i, i) for i in range(20))
subprocess.run(["ip", "-batch", "-"], input=batch, text=True, check=True)
names = sh("ip -o link show | awk -F': ' '{print $2}'").split()
print("links in this namespace: %d (%s ... %s); all DOWN" % (len(names), names[:3], names[-2:]))

S0 = new_sock()
r = transact(S0, nlmsg(RTM_GETLINK, NLM_F_REQUEST, nseq(), ifinfomsg(1)))
print("sizes: lo = %d bytes, veth d0a (down) = %d bytes" % (
    parse_msgs(r[0])[0][0], parse_msgs(transact(S0, nlmsg(RTM_GETLINK, NLM_F_REQUEST, nseq(), ifinfomsg(ifindex("d0a"))))[0])[0][0]))

print("\n==== 1. chunking: plain dump (ifinfomsg all zero), each on a fresh socket")
for bufsize in (65536, 32768, 16384, 8192, 4096, 2048):
    run_dump(new_sock(), ifinfomsg(), bufsize, label="[fresh socket]")

print("\n  same socket, second dump after a 32 KiB recv (max_recvmsg_len is remembered):")
s = new_sock()
run_dump(s, ifinfomsg(), 32768, label="[1st dump]")
run_dump(s, ifinfomsg(), 32768, label="[2nd dump]")
print("\n  same socket, recv buffer 32 KiB then 8 KiB (max_recvmsg_len only grows):")
s = new_sock()
run_dump(s, ifinfomsg(), 32768, label="[1st dump, 32K]")
run_dump(s, ifinfomsg(), 8192, label="[2nd dump, 8K]")

print("\n  rtgenmsg-only request (17-byte nlmsg, as old tools send), non-strict:")
run_dump(new_sock(), b"\0", 32768, label="[rtgenmsg]")

print("\n==== 2. dump with IFLA_EXT_MASK=RTEXT_FILTER_VF|SKIP_STATS (9), as `ip link show` sends")
run_dump(new_sock(), ifinfomsg() + nla(IFLA_EXT_MASK, u32(9)), 32768, label="[EXT_MASK=9]")
run_dump(new_sock(), ifinfomsg() + nla(IFLA_EXT_MASK, u32(1)), 32768, label="[EXT_MASK=1 (VF only)]")

print("\n==== 3. strict checking (NETLINK_GET_STRICT_CHK=1, NETLINK_EXT_ACK=1)")
cases = [
    ("valid all-zero ifinfomsg", ifinfomsg()),
    ("valid ifinfomsg + IFLA_EXT_MASK=9", ifinfomsg() + nla(IFLA_EXT_MASK, u32(9))),
    ("ifi_index=1", ifinfomsg(1)),
    ("ifi_flags=IFF_UP", ifinfomsg(0, IFF_UP, 0)),
    ("ifi_change=1", ifinfomsg(0, 0, 1)),
    ("ifi_type=1 (ARPHRD_ETHER)", ifinfomsg(itype=1)),
    ("ifi_family=AF_INET (2)", ifinfomsg(family=2)),
    ("__ifi_pad=1", struct.pack("=BBHiII", 0, 1, 0, 0, 0, 0)),
    ("rtgenmsg only (1 byte, nlmsg_len 17)", b"\0"),
    ("8-byte header", b"\0" * 8),
    ("unsupported attribute IFLA_MTU", ifinfomsg() + nla(IFLA_MTU, u32(1500))),
    ("IFLA_IFNAME attribute", ifinfomsg() + nla(IFLA_IFNAME, b"lo\0")),
    ("IFLA_MASTER=999 (no such master)", ifinfomsg() + nla(IFLA_MASTER, u32(999))),
    ("IFLA_LINKINFO{KIND 'veth'} without NLA_F_NESTED", ifinfomsg() + nla(IFLA_LINKINFO, nla(1, b"veth\0"))),
    ("IFLA_LINKINFO{KIND 'veth'} with NLA_F_NESTED", ifinfomsg() + nla(IFLA_LINKINFO | NLA_F_NESTED, nla(1, b"veth\0"))),
]
for title, payload in cases:
    print("\n  -- strict: %s" % title)
    run_dump(new_sock(strict=True), payload, 32768)
print("\n  -- NON-strict with ifi_index=1 (ignored?)")
run_dump(new_sock(), ifinfomsg(1), 32768)
print("\n  -- NON-strict with unsupported attribute IFLA_MTU")
run_dump(new_sock(), ifinfomsg() + nla(IFLA_MTU, u32(1500)), 32768)

print("\n==== 4. filters (a bridge br0 with ports d0a, d1a, d2a is added: 42 links now)")
sh("ip link add br0 type bridge; ip link set d0a master br0; ip link set d1a master br0; ip link set d2a master br0")
BR = ifindex("br0")
print("  br0 ifindex %d; ports %s" % (BR, [ifindex("d%da" % i) for i in range(3)]))
filt = [
    ("IFLA_MASTER=br0", ifinfomsg() + nla(IFLA_MASTER, u32(BR))),
    ("IFLA_MASTER=d5a (a non-master device)", ifinfomsg() + nla(IFLA_MASTER, u32(ifindex("d5a")))),
    ("IFLA_MASTER=0", ifinfomsg() + nla(IFLA_MASTER, u32(0))),
    ("IFLA_LINKINFO{IFLA_INFO_KIND 'bridge'} (NLA_F_NESTED)",
     ifinfomsg() + nla(IFLA_LINKINFO | NLA_F_NESTED, nla(1, b"bridge\0"))),
    ("IFLA_LINKINFO{IFLA_INFO_KIND 'veth'} (NLA_F_NESTED)",
     ifinfomsg() + nla(IFLA_LINKINFO | NLA_F_NESTED, nla(1, b"veth\0"))),
    ("IFLA_LINKINFO{IFLA_INFO_KIND 'nosuch'} (NLA_F_NESTED)",
     ifinfomsg() + nla(IFLA_LINKINFO | NLA_F_NESTED, nla(1, b"nosuch\0"))),
    ("IFLA_MASTER=br0 + IFLA_LINKINFO{KIND 'veth'}",
     ifinfomsg() + nla(IFLA_MASTER, u32(BR)) + nla(IFLA_LINKINFO | NLA_F_NESTED, nla(1, b"veth\0"))),
]
for title, payload in filt:
    for strict in (True, False):
        print("\n  -- %s, %s" % (title, "strict" if strict else "non-strict"))
        run_dump(new_sock(strict=strict), payload, 32768)
print("\n  -- IFLA_LINKINFO{KIND 'bridge'} WITHOUT NLA_F_NESTED, non-strict")
run_dump(new_sock(), ifinfomsg() + nla(IFLA_LINKINFO, nla(1, b"bridge\0")), 32768)

print("\n==== 5. NLM_F_DUMP_INTR (32 KiB buffer). send() queues chunk 1; recv #1 builds chunk 2;"
      " recv #2 builds chunk 3")
ops = [("add veth pair x0a/x0b", "ip link add x0a type veth peer name x0b"),
       ("delete d10a (and its peer)", "ip link del d10a"),
       ("set d15a mtu 1400 (no add/del)", "ip link set d15a mtu 1400"),
       ("rename d16a -> d16z (down)", "ip link set d16a name d16z"),
       ("add veth pair x1a/x1b", "ip link add x1a type veth peer name x1b"),
       ("delete x0a (and its peer)", "ip link del x0a")]
for k, (what, cmd) in enumerate(ops):
    when = "after recv #1" if k < 4 else "after send(), before recv #1"
    print("\n  -- %s, %s" % (what, when))
    fn = lambda c=cmd: subprocess.run(c, shell=True)
    dgs = run_dump(new_sock(), ifinfomsg(), 32768, between=fn if k < 4 else None, before=fn if k >= 4 else None)
    for i, (ln, mflags, msgs) in enumerate(dgs):
        for j, m in enumerate(msgs):
            if m[0] != "TRUNC" and m[2] & NLM_F_DUMP_INTR:
                idx = struct.unpack_from("=i", m[5], 4)[0] if m[1] == RTM_NEWLINK else None
                print("    DUMP_INTR on datagram %d message %d: %s ifindex=%s flags=0x%x" % (
                    i + 1, j + 1, RTM.get(m[1], m[1]), idx, m[2]))

print("\n==== 6. truesize (Rmem column of /proc/net/netlink)")
s = new_sock()
pid = s.getsockname()[0]
print("  idle socket Rmem=%d" % rmem(pid))
s.send(nlmsg(RTM_GETLINK, DUMP, nseq(), ifinfomsg()))
r1 = rmem(pid)
d = s.recv(32768)
r2 = rmem(pid)
msgs = parse_msgs(d)
print("  after send() of a dump request (fresh socket): Rmem=%d  [queued chunk: %d bytes, %d messages]" % (
    r1, len(d), len(msgs)))
d2 = s.recv(32768)
r3 = rmem(pid)
print("  after the 1st recv(32768): Rmem=%d  [the next chunk, built inside recvmsg, %d bytes / %d messages]" % (
    r2, len(d2), len(parse_msgs(d2))))
d3 = s.recv(32768)
print("  after the 2nd recv(32768): Rmem=%d  [next chunk %d bytes / %d messages]" % (r3, len(d3), len(parse_msgs(d3))))
r4 = rmem(pid)
d4 = s.recv(32768)
print("  after the 3rd recv: Rmem=%d  [next: %d bytes: %s]" % (r4, len(d4), [summary(m) for m in parse_msgs(d4)]))
print("  after the last recv: Rmem=%d" % rmem(pid))

s = new_sock()
pid = s.getsockname()[0]
s.send(nlmsg(RTM_GETLINK, DUMP, nseq(), ifinfomsg()))
d = s.recv(8192)
r2 = rmem(pid)
d2 = s.recv(8192)
print("  8 KiB reader: after 1st recv Rmem=%d [next chunk %d bytes / %d messages]" % (r2, len(d2), len(parse_msgs(d2))))

for nm_, idx in (("lo", 1), ("veth d3a", ifindex("d3a")), ("bridge br0", BR), ("bridge port d0a", ifindex("d0a"))):
    s = new_sock()
    pid = s.getsockname()[0]
    s.send(nlmsg(RTM_GETLINK, NLM_F_REQUEST, nseq(), ifinfomsg(idx)))
    rr = rmem(pid)
    d = s.recv(65536)
    s.send(nlmsg(RTM_GETLINK, NLM_F_REQUEST, nseq(), ifinfomsg(idx) + nla(IFLA_EXT_MASK, u32(9))))
    rr2 = rmem(pid)
    d2 = s.recv(65536)
    print("  GETLINK doit reply for %-16s: %4d bytes, Rmem=%d ; with EXT_MASK=9: %4d bytes, Rmem=%d" % (
        nm_, len(d), rr, len(d2), rr2))

# one notification: listener on RTNLGRP_LINK only
L = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
L.bind((0, 1))
lpid = L.getsockname()[0]
for nm_, cmd in (("veth d4a mtu 1300 (down)", "ip link set d4a mtu 1300"),
                 ("lo mtu 60000 (down)", "ip link set lo mtu 60000"),
                 ("veth d4a up (peer down)", "ip link set d4a up"),
                 ("bridge br0 mtu 1400 (down)", "ip link set br0 mtu 1400"),
                 ("port d1a mtu 1300", "ip link set d1a mtu 1300")):
    recv_all(L, 0.1)
    subprocess.run(cmd, shell=True)
    time.sleep(0.3)
    rm = rmem(lpid)
    got = [m for dd in recv_all(L, 0.2) for m in parse_msgs(dd)]
    print("  notification(s) for `%s`: %d message(s) %s, Rmem before reading=%d" % (
        cmd, len(got), ["%s/%d len=%d" % (RTM.get(m[1], m[1]), m[5][0], m[0]) for m in got], rm))
