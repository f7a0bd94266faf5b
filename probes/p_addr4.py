"""(V) IPv4 addresses (net/ipv4/devinet.c) on Linux 6.18: fills, notifications,
errors, secondaries and promotion, dumps, lifetimes, rename, delete.
Run: unshare -n python3 probes/p_addr4.py
"""
import os, socket, struct, subprocess, sys, time, select
sys.path.insert(0, "/work/shared/kernel-probes")
from nl import *  # noqa

R, A = NLM_F_REQUEST, NLM_F_ACK
IFA_ADDRESS, IFA_LOCAL, IFA_LABEL, IFA_BROADCAST, IFA_CACHEINFO, IFA_FLAGS, IFA_RT_PRIORITY, IFA_TARGET_NETNSID, IFA_PROTO = 1, 2, 3, 4, 6, 8, 9, 10, 11

def sh(c):
    subprocess.run(c, shell=True, check=True)

def listener(mask=0x10, extra=()):
    s = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    s.setsockopt(SOL_NETLINK, NETLINK_PKTINFO, 1)
    s.bind((0, mask))
    for g in extra:
        add_membership(s, g)
    return s

def drain(s, timeout=0.3, hexd=False, title=""):
    print("-- " + title)
    while True:
        r, _, _ = select.select([s], [], [], timeout)
        if not r:
            return
        data, anc, fl, addr = s.recvmsg(65536, socket.CMSG_SPACE(4))
        grp = None
        for lvl, typ, cd in anc:
            if lvl == SOL_NETLINK and typ == NETLINK_PKTINFO:
                grp = struct.unpack("=I", cd[:4])[0]
        for m in parse_msgs(data):
            print("  grp=%s from=%s %s" % (grp, addr, describe(m)))
            if m[1] in (RTM_NEWADDR, RTM_DELADDR):
                attrs = parse_attrs(m[5][8:])
                print("     ifa_flags=0x%02x attrs=%s" % (m[5][2], [(IFA[a] if a < len(IFA) else a, l) for a, l, d in attrs]))
                for a, l, d in attrs:
                    if a == IFA_CACHEINFO:
                        print("     cacheinfo pref=%d valid=%d cstamp=%d tstamp=%d" % struct.unpack("=IIII", d))
                    if a == IFA_FLAGS:
                        print("     IFA_FLAGS=0x%x" % struct.unpack("=I", d)[0])
            if hexd or m[1] == NLMSG_ERROR:
                print(hexdump(m[6]))

def req(s, mtype, flags, seq, fam, plen, ifl, scope, idx, attrs, title):
    p = ifaddrmsg(fam, plen, ifl, scope, idx) + b"".join(nla(t, d) for t, d in attrs)
    s.send(nlmsg(mtype, flags, seq, p))
    drain(s, title=title + " [requester]")

def ipa(a):
    return socket.inet_aton(a)

def main():
    rq = sock()
    rq.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    pid = rq.getsockname()[0]
    print("requester pid", pid)
    L = listener(0x10)
    ALL = listener(0, extra=range(1, 40))

    sh("ip link set lo up")
    drain(L, hexd=True, title="lo up: listener IPV4_IFADDR")
    drain(ALL, title="lo up: all groups")

    sh("ip link add v0 type veth peer name v1")
    idx = socket.if_nametoindex("v0")
    print("v0 ifindex", idx)
    drain(ALL, title="veth create (all)")
    req(rq, RTM_NEWADDR, R | A | NLM_F_ECHO | NLM_F_CREATE | NLM_F_EXCL, 7, 2, 24, 0, 0, idx,
        [(IFA_LOCAL, ipa("10.0.0.1")), (IFA_ADDRESS, ipa("10.0.0.1")), (IFA_BROADCAST, ipa("10.0.0.255"))], "add 10.0.0.1/24 brd echo")
    drain(L, hexd=True, title="listener")
    drain(ALL, title="all")
    req(rq, RTM_NEWADDR, R | A, 8, 2, 24, 0, 0, idx,
        [(IFA_LOCAL, ipa("10.0.0.1"))], "existing, no flags")
    req(rq, RTM_NEWADDR, R | A | NLM_F_REPLACE | NLM_F_EXCL, 9, 2, 24, 0, 0, idx,
        [(IFA_LOCAL, ipa("10.0.0.1"))], "existing, REPLACE|EXCL")
    req(rq, RTM_NEWADDR, R | A | NLM_F_REPLACE, 10, 2, 24, 0, 0, idx,
        [(IFA_LOCAL, ipa("10.0.0.1")), (IFA_PROTO, b"\x04"), (IFA_RT_PRIORITY, struct.pack("=I", 100)),
         (IFA_CACHEINFO, struct.pack("=IIII", 100, 200, 0, 0))], "existing, REPLACE with proto 4 metric 100 lft 100/200")
    drain(L, hexd=True, title="listener")
    req(rq, RTM_NEWADDR, R | A, 11, 2, 24, 0, 0, idx, [(IFA_ADDRESS, ipa("10.0.0.9"))], "no IFA_LOCAL")
    req(rq, RTM_NEWADDR, R | A, 12, 2, 33, 0, 0, idx, [(IFA_LOCAL, ipa("10.0.0.9"))], "plen 33")
    req(rq, RTM_NEWADDR, R | A, 13, 2, 24, 0, 0, 999, [(IFA_LOCAL, ipa("10.0.0.9"))], "ifindex 999")
    req(rq, RTM_NEWADDR, R | A, 14, 2, 24, 0, 0, idx, [(IFA_LOCAL, ipa("10.0.0.9")), (IFA_CACHEINFO, struct.pack("=IIII", 0, 0, 0, 0))], "cacheinfo valid 0")
    req(rq, RTM_NEWADDR, R | A, 15, 2, 24, 0, 0, idx, [(IFA_LOCAL, ipa("10.0.0.9")), (IFA_CACHEINFO, struct.pack("=IIII", 10, 5, 0, 0))], "pref>valid")
    req(rq, RTM_NEWADDR, R | A, 16, 2, 24, 0, 0, idx, [(IFA_LOCAL, ipa("0.0.0.0"))], "local 0.0.0.0")
    req(rq, RTM_NEWADDR, R | A, 17, 2, 24, 0, 0, idx, [(IFA_LOCAL, ipa("10.0.0.9")), (IFA_CACHEINFO, struct.pack("=III", 10, 5, 0))], "short cacheinfo")
    req(rq, RTM_NEWADDR, R | A, 18, 2, 24, 0, 253, idx, [(IFA_LOCAL, ipa("10.0.0.9"))], "same subnet other scope")
    req(rq, RTM_NEWADDR, R | A, 19, 2, 24, 0x41, 0, idx, [(IFA_LOCAL, ipa("10.0.0.2"))], "secondary 10.0.0.2 ifa_flags 0x41 (tentative ipv6only)")
    drain(L, title="listener")
    req(rq, RTM_NEWADDR, R | A, 20, 2, 24, 0, 0, idx, [(IFA_LOCAL, ipa("10.0.0.3")), (IFA_FLAGS, struct.pack("=I", 0x200)), (IFA_LABEL, b"v0:x\0")], "secondary 10.0.0.3 IFA_FLAGS noprefixroute label v0:x")
    drain(L, title="listener")
    req(rq, RTM_NEWADDR, R | A, 21, 2, 16, 0, 0, idx, [(IFA_LOCAL, ipa("10.1.0.1"))], "10.1.0.1/16 primary")
    req(rq, RTM_NEWADDR, R | A, 22, 2, 8, 0, 200, idx, [(IFA_LOCAL, ipa("11.0.0.1"))], "11.0.0.1/8 scope 200 primary")
    req(rq, RTM_NEWADDR, R | A, 23, 2, 8, 0, 254, idx, [(IFA_LOCAL, ipa("12.0.0.1"))], "12.0.0.1/8 scope host primary")
    drain(L, title="listener")
    print("== dump order")
    rq.send(nlmsg(RTM_GETADDR, R | NLM_F_DUMP, 30, ifaddrmsg(2, 0, 0, 0, 0)))
    drain(rq, title="dump")
    req(rq, RTM_DELADDR, R | A, 31, 2, 24, 0, 0, idx, [(IFA_LOCAL, ipa("10.9.9.9"))], "del missing")
    req(rq, RTM_DELADDR, R | A, 32, 2, 24, 0, 0, 999, [(IFA_LOCAL, ipa("10.9.9.9"))], "del ifindex 999")
    req(rq, RTM_DELADDR, R | A, 33, 2, 24, 0, 0, idx, [(IFA_LOCAL, ipa("10.0.0.1"))], "del primary 10.0.0.1 (no promote)")
    drain(L, title="listener")
    print("== promote")
    sh("sysctl -qw net.ipv4.conf.v0.promote_secondaries=1")
    drain(ALL, title="all after sysctl")
    for i, a in enumerate(["10.0.0.1", "10.0.0.2", "10.0.0.3"]):
        req(rq, RTM_NEWADDR, R | A, 40 + i, 2, 24, 0, 0, idx, [(IFA_LOCAL, ipa(a))], "add " + a)
    drain(L, title="listener")
    req(rq, RTM_DELADDR, R | A | NLM_F_ECHO, 44, 2, 24, 0, 0, idx, [(IFA_LOCAL, ipa("10.0.0.1"))], "del primary with promote, ECHO")
    drain(L, title="listener")
    drain(ALL, title="all")
    rq.send(nlmsg(RTM_GETADDR, R | NLM_F_DUMP, 45, ifaddrmsg(2, 0, 0, 0, 0)))
    drain(rq, title="dump after promotion")
    print("== delete by address only / label")
    req(rq, RTM_DELADDR, R | A, 46, 2, 16, 0, 0, idx, [(IFA_ADDRESS, ipa("10.1.255.255"))], "del by IFA_ADDRESS 10.1.255.255/16")
    req(rq, RTM_DELADDR, R | A, 47, 2, 0, 0, 0, idx, [(IFA_LABEL, b"v0\0")], "del by label v0 (first match)")
    req(rq, RTM_DELADDR, R | A, 48, 2, 0, 0, 0, idx, [], "del with nothing (first)")
    drain(L, title="listener")
    print("== strict dumps")
    rq.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1)
    rq.send(nlmsg(RTM_GETADDR, R | NLM_F_DUMP, 50, ifaddrmsg(2, 8, 0, 0, 0)))
    drain(rq, hexd=True, title="strict bad header")
    rq.send(nlmsg(RTM_GETADDR, R | NLM_F_DUMP, 51, ifaddrmsg(2, 0, 0, 0, idx)))
    drain(rq, title="strict ifindex filter")
    rq.send(nlmsg(RTM_GETADDR, R | NLM_F_DUMP, 52, ifaddrmsg(2, 0, 0, 0, 999)))
    drain(rq, hexd=True, title="strict ifindex 999")
    rq.send(nlmsg(RTM_GETADDR, R | NLM_F_DUMP, 53, ifaddrmsg(2, 0, 0, 0, 0) + nla(IFA_LOCAL, ipa("1.2.3.4"))))
    drain(rq, hexd=True, title="strict unsupported attr")
    rq.send(nlmsg(RTM_GETADDR, R | NLM_F_DUMP, 54, ifaddrmsg(2, 0, 0, 0, 0) + nla(IFA_TARGET_NETNSID, struct.pack("=i", 5))))
    drain(rq, hexd=True, title="strict bad netnsid")
    rq.send(nlmsg(RTM_GETADDR, R | NLM_F_DUMP, 55, struct.pack("=BBH", 2, 0, 0)))
    drain(rq, hexd=True, title="strict short header")
    rq.send(nlmsg(RTM_GETADDR, R | NLM_F_DUMP, 56, ifaddrmsg(0, 0, 0, 0, idx)))
    drain(rq, title="strict AF_UNSPEC ifindex filter")
    sh("ip link add d0 type veth peer name d1")
    didx = socket.if_nametoindex("d0")
    rq.send(nlmsg(RTM_GETADDR, R | NLM_F_DUMP, 57, ifaddrmsg(2, 0, 0, 0, didx)))
    drain(rq, title="strict ifindex of device without addresses")
    rq.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 0)
    rq.send(nlmsg(RTM_GETADDR, R | NLM_F_DUMP, 58, ifaddrmsg(2, 8, 0, 0, 999)))
    drain(rq, title="non-strict bad header ignored")
    print("== link down/up, rename")
    sh("ip link set v0 up; ip link set v1 up")
    drain(L, title="up")
    sh("ip link set v0 down")
    drain(L, title="down")
    sh("ip link set v0 name v9")
    drain(L, title="rename v0 -> v9")
    drain(ALL, title="rename all")
    sh("ip link set v9 name v0")
    drain(L, title="rename back")
    print("== lifetimes")
    req(rq, RTM_NEWADDR, R | A, 60, 2, 24, 0, 0, idx, [(IFA_LOCAL, ipa("10.5.0.1")), (IFA_CACHEINFO, struct.pack("=IIII", 2, 4, 0, 0))], "lft pref 2 valid 4")
    drain(L, title="listener")
    t0 = time.time()
    for k in range(14):
        time.sleep(0.5)
        drain(L, timeout=0.01, title="t=%.1f" % (time.time() - t0))
    req(rq, RTM_NEWADDR, R | A, 61, 2, 24, 0, 0, idx, [(IFA_LOCAL, ipa("10.6.0.1")), (IFA_CACHEINFO, struct.pack("=IIII", 0, 4, 0, 0))], "pref 0 valid 4")
    drain(L, title="listener")
    req(rq, RTM_NEWADDR, R | A, 62, 2, 24, 0, 0, idx, [(IFA_LOCAL, ipa("10.7.0.1")), (IFA_CACHEINFO, struct.pack("=IIII", 0xffffffff, 0xffffffff, 0, 0))], "inf/inf")
    drain(L, title="listener")
    req(rq, RTM_NEWADDR, R | A, 63, 2, 24, 0, 0, idx, [(IFA_LOCAL, ipa("10.8.0.1")), (IFA_CACHEINFO, struct.pack("=IIII", 5, 0xffffffff, 0, 0))], "pref 5 valid inf")
    drain(L, title="listener")
    print("== netns move")
    other = subprocess.Popen(["unshare", "-n", "sleep", "30"])
    time.sleep(0.3)
    sh("ip link set v1 netns %d" % other.pid)
    drain(L, title="peer moved")
    req(rq, RTM_NEWADDR, R | A, 70, 2, 24, 0, 0, didx, [(IFA_LOCAL, ipa("10.20.0.1"))], "addr on d0")
    drain(L, title="listener")
    sh("ip link set d0 netns %d" % other.pid)
    drain(L, title="d0 moved")
    sh("nsenter -t %d -n ip -4 addr show d0; nsenter -t %d -n ip -4 addr show" % (other.pid, other.pid))
    print("== delete v0")
    sh("ip link del v0")
    drain(L, title="v0 deleted")
    other.kill()


if __name__ == "__main__":
    main()
