"""IPv6 addresses on Linux 6.18 (addrconf.c): what listeners on
IPV6_IFADDR(9)/IPV6_ROUTE(11)/IPV6_IFINFO(12)/LINK(1) see, and the answers
to RTM_NEWADDR/DELADDR/GETADDR. Run: unshare -n python3 probes/p_addr6.py"""
import os, socket, struct, subprocess, sys, time
sys.path.insert(0, "/work/shared/kernel-probes")
from nl import *

AF_INET6 = 10
def sh(c):
    subprocess.run(c, shell=True, check=True)

def grp_sock(groups):
    s = sock(groups=0)
    for g in groups:
        add_membership(s, g)
    s.setsockopt(SOL_NETLINK, NETLINK_PKTINFO, 1)
    return s

def drain(s, label, timeout=0.3):
    print("--", label)
    while True:
        r, _, _ = select.select([s], [], [], timeout)
        if not r:
            break
        data, anc, fl, addr = s.recvmsg(65536, 64)
        g = struct.unpack("=I", anc[0][2])[0] if anc else None
        for m in parse_msgs(data):
            ln, t, f, seq, pid, payload, raw = m
            print("  grp=%s %s" % (g, describe(m)))
            if t in (20, 21):
                fam, plen, ifl, scope, idx = struct.unpack_from("=BBBBI", payload)
                print("     ifa: fam=%d plen=%d flags=0x%x scope=%d idx=%d" % (fam, plen, ifl, scope, idx))
                for at, al, ad in parse_attrs(payload[8:]):
                    if at in (1, 2):
                        print("     attr %d len %d %s" % (at, al, socket.inet_ntop(AF_INET6, ad)))
                    elif at == 6:
                        print("     attr 6 cacheinfo pref=%d valid=%d cstamp=%d tstamp=%d" % struct.unpack("=IIII", ad))
                    else:
                        print("     attr %d len %d %s" % (at, al, ad.hex()))
            if t in (24, 25):
                fam, dl, sl, tos, table, proto, scope, rtype, rfl = struct.unpack_from("=BBBBBBBBI", payload)
                dst = None
                for at, al, ad in parse_attrs(payload[12:]):
                    if at == 1: dst = socket.inet_ntop(AF_INET6, ad)
                print("     route fam=%d dst=%s/%d table=%d proto=%d scope=%d type=%d flags=0x%x" % (fam, dst, dl, table, proto, scope, rtype, rfl))
            if t == 16 and payload[0] == AF_INET6:
                print("     AF_INET6 ifinfo idx=%d" % struct.unpack_from("=i", payload, 4))
            if t in (20, 21) and "raw" in label:
                print(hexdump(raw))

def req(s, mtype, flags, seq, payload, label):
    s.send(nlmsg(mtype, flags, seq, payload))
    for d in recv_all(s, 0.2):
        for m in parse_msgs(d):
            print("  %s: %s" % (label, describe(m)))
            if m[1] == NLMSG_ERROR and err_of(m[5]) != 0:
                for at, al, ad in parse_attrs(m[5][4 + m[0] - 16 if False else 4 + struct.unpack_from('=I', m[5], 4)[0]:]):
                    if at == 1: print("     extack:", ad.rstrip(b"\0").decode())

def in6(a): return socket.inet_pton(AF_INET6, a)

lis = grp_sock([1, 9, 11, 12])
print("pid", os.getpid())
sh("ip link set lo up"); time.sleep(0.2)
drain(lis, "lo up (raw)")
sh("ip link add v0 address 02:11:22:33:44:55 type veth peer name v1 address 02:66:77:88:99:aa")
drain(lis, "veth add")
sh("ip link set v0 up"); drain(lis, "v0 up (peer down)")
sh("ip link set v1 up"); time.sleep(0.1); drain(lis, "v1 up (immediate)", 0.1)
time.sleep(3); drain(lis, "after 3s (raw)")

c = sock(); c.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
idx = socket.if_nametoindex("v0")
ACK = NLM_F_REQUEST | NLM_F_ACK
def addr_msg(a, plen=64, flags=0, ifindex=idx, extra=b""):
    return ifaddrmsg(AF_INET6, plen, flags, 0, ifindex) + nla(1, in6(a)) + extra
print("client pid", c.getsockname())
req(c, RTM_NEWADDR, ACK | NLM_F_CREATE | NLM_F_EXCL, 10, addr_msg("2001:db8::1"), "add global")
drain(lis, "after add global (raw)")
time.sleep(2.5); drain(lis, "global after DAD (raw)")
req(c, RTM_NEWADDR, ACK | NLM_F_CREATE | NLM_F_EXCL, 11, addr_msg("2001:db8::1"), "add again excl")
req(c, RTM_NEWADDR, ACK, 12, addr_msg("2001:db8::1"), "add again no flags")
req(c, RTM_NEWADDR, ACK | NLM_F_REPLACE, 13, addr_msg("2001:db8::1", extra=nla(9, struct.pack("=I", 300)) + nla(11, b"\x05")), "replace metric+proto")
drain(lis, "after replace (raw)")
req(c, RTM_NEWADDR, ACK, 14, addr_msg("2001:db8::2", ifindex=999), "no device")
req(c, RTM_NEWADDR, ACK, 15, addr_msg("2001:db8::2", plen=129), "plen 129")
req(c, RTM_NEWADDR, ACK, 16, ifaddrmsg(AF_INET6, 64, 0, 0, idx), "no address")
req(c, RTM_NEWADDR, ACK, 17, addr_msg("::"), "any")
req(c, RTM_NEWADDR, ACK, 18, addr_msg("ff02::5"), "multicast")
req(c, RTM_NEWADDR, ACK, 19, addr_msg("::1", plen=128), "loopback on veth")
req(c, RTM_NEWADDR, ACK, 20, addr_msg("2001:db8::3", extra=nla(6, struct.pack("=IIII", 0, 100, 0, 0))), "valid 0")
req(c, RTM_NEWADDR, ACK, 21, addr_msg("2001:db8::3", extra=nla(6, struct.pack("=IIII", 200, 100, 0, 0))), "pref>valid")
req(c, RTM_NEWADDR, ACK, 22, addr_msg("2001:db8::3", plen=60, extra=nla(8, struct.pack("=I", 0x100))), "mngtmpaddr /60")
req(c, RTM_NEWADDR, ACK, 23, addr_msg("2001:db8::3", extra=nla(8, struct.pack("=I", 0x2 | 0x4))), "nodad+optimistic")
req(c, RTM_NEWADDR, ACK, 24, addr_msg("2001:db8::4", extra=nla(8, struct.pack("=I", 0x2 | 0x200)) + nla(6, struct.pack("=IIII", 5, 10, 0, 0))), "nodad noprefixroute lft 5/10")
drain(lis, "after nodad add (raw)", 0.3)
req(c, RTM_DELADDR, ACK, 30, addr_msg("2001:db8::9"), "del missing")
req(c, RTM_DELADDR, ACK, 31, addr_msg("2001:db8::1", plen=48), "del wrong plen")
req(c, RTM_DELADDR, ACK, 32, addr_msg("2001:db8::1", ifindex=999), "del no dev")
# dump
d = sock(); d.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1)
d.send(nlmsg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 40, ifaddrmsg(AF_INET6, 0, 0, 0, idx)))
for dg in recv_all(d, 0.2):
    print("  dump datagram len", len(dg))
    for m in parse_msgs(dg): print("   ", describe(m))
time.sleep(6); drain(lis, "after 6s: preferred lifetime of ::4 ran out (raw)", 0.2)
time.sleep(5); drain(lis, "after 11s: valid lifetime of ::4 ran out (raw)", 0.2)
req(c, RTM_DELADDR, ACK | NLM_F_ECHO, 33, addr_msg("2001:db8::1"), "del global echo")
drain(lis, "after del (raw)")
req(c, RTM_NEWADDR, ACK, 34, addr_msg("2001:db8::7", extra=nla(8, struct.pack("=I", 0x2))), "add nodad ::7")
time.sleep(0.3)
drain(lis, "after add nodad ::7")
sh("ip link set v0 down"); drain(lis, "v0 down")
sh("ip link set v0 up"); time.sleep(3); drain(lis, "v0 up again, 3s")
sh("ip link del v0"); drain(lis, "v0 del")
sh("ip link set lo down"); drain(lis, "lo down")
sh("ip link set lo up"); drain(lis, "lo up again")
