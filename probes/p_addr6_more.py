"""More IPv6 address facts on Linux 6.18: an address added while the link
is down, RTM_GETADDR doit, NODAD|OPTIMISTIC, a peer address, the token's
IPV6_IFINFO, and a request's ext-ack without EXT_ACK.
Run: unshare -n python3 probes/p_addr6_more.py"""
import os, socket, struct, subprocess, sys, time
sys.path.insert(0, "/work/shared/kernel-probes")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nl import *

AF_INET6 = 10
def sh(c): subprocess.run(c, shell=True, check=True)
def in6(a): return socket.inet_pton(AF_INET6, a)

def show(m, label=""):
    ln, t, f, seq, pid, payload, raw = m
    print("  %s%s" % (label, describe(m)))
    if t in (20, 21):
        fam, plen, ifl, scope, idx = struct.unpack_from("=BBBBI", payload)
        attrs = []
        for at, al, ad in parse_attrs(payload[8:]):
            if at in (1, 2): attrs.append("%d:%s" % (at, socket.inet_ntop(AF_INET6, ad)))
            elif at == 6: attrs.append("6:pref=%d,valid=%d" % struct.unpack_from("=II", ad))
            else: attrs.append("%d:%s" % (at, ad.hex()))
        print("     ifa plen=%d flags=0x%x scope=%d idx=%d %s" % (plen, ifl, scope, idx, " ".join(attrs)))
    if t == 16 and payload and payload[0] == AF_INET6:
        fam, _, ty, idx, fl, ch = struct.unpack_from("=BBHiII", payload)
        names = [a for a, _, _ in parse_attrs(payload[16:])]
        print("     AF_INET6 ifinfo idx=%d flags=0x%x attrs=%s" % (idx, fl, names))
    if t in (24, 25):
        fam, dl, sl, tos, table, proto, scope, rtype, rfl = struct.unpack_from("=BBBBBBBBI", payload)
        dst = "-"
        for at, al, ad in parse_attrs(payload[12:]):
            if at == 1: dst = socket.inet_ntop(AF_INET6, ad)
        print("     route %s/%d table=%d type=%d" % (dst, dl, table, rtype))

def drain(s, label, timeout=0.3):
    print("--", label)
    for d in recv_all(s, timeout):
        if isinstance(d, Exception):
            print("  ", d); continue
        for m in parse_msgs(d): show(m)

def req(s, mtype, flags, seq, payload, label):
    s.send(nlmsg(mtype, flags, seq, payload))
    for d in recv_all(s, 0.2):
        for m in parse_msgs(d):
            show(m, label + ": ")
            if m[1] == NLMSG_ERROR and err_of(m[5]) != 0 and m[2] & 0x200:
                off = 4 + struct.unpack_from('=I', m[5], 4)[0]
                for at, al, ad in parse_attrs(m[5][off:]):
                    if at == 1: print("     extack:", ad.rstrip(b"\0").decode())
            if m[1] == 20 and "raw" in label:
                print(hexdump(m[6]))

lis = sock()
for g in (9, 11, 12):
    add_membership(lis, g)
sh("ip link add v0 address 02:11:22:33:44:55 type veth peer name v1 address 02:66:77:88:99:aa")
idx = socket.if_nametoindex("v0")
c = sock(); c.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
ACK = NLM_F_REQUEST | NLM_F_ACK
def am(a, plen=64, ifindex=idx, extra=b""):
    return ifaddrmsg(AF_INET6, plen, 0, 0, ifindex) + nla(1, in6(a)) + extra
req(c, RTM_NEWADDR, ACK, 1, am("2001:db8::1"), "add on down link")
drain(lis, "after add on down link")
time.sleep(2.5); drain(lis, "2.5 s later, still down")
req(c, RTM_NEWADDR, ACK, 2, am("2001:db8::2", extra=nla(8, struct.pack("=I", 0x2))), "add nodad on down link")
time.sleep(0.3); drain(lis, "after nodad add on down link")
sh("ip link set v0 up"); sh("ip link set v1 up")
drain(lis, "both up (immediate)", 0.1)
time.sleep(3); drain(lis, "both up, 3 s")
req(c, RTM_NEWADDR, ACK, 3, am("2001:db8::3", extra=nla(8, struct.pack("=I", 0x2 | 0x4))), "nodad|optimistic")
time.sleep(0.3); drain(lis, "after nodad|optimistic")
# peer
req(c, RTM_NEWADDR, ACK, 4, ifaddrmsg(AF_INET6, 128, 0, 0, idx) + nla(2, in6("2001:db8:1::1")) + nla(1, in6("2001:db8:1::2")) + nla(8, struct.pack("=I", 2)), "peer")
time.sleep(0.3); drain(lis, "after peer (raw)")
# GETADDR doit
req(c, RTM_GETADDR, NLM_F_REQUEST, 5, am("2001:db8::1", plen=0, ifindex=0), "getaddr doit raw")
req(c, RTM_GETADDR, NLM_F_REQUEST, 6, am("2001:db8::99", plen=0, ifindex=0), "getaddr missing")
req(c, RTM_GETADDR, NLM_F_REQUEST, 7, am("fe80::11:22ff:fe33:4455", plen=0, ifindex=0), "getaddr link-local no dev")
req(c, RTM_GETADDR, NLM_F_REQUEST, 8, ifaddrmsg(AF_INET6, 0, 0, 0, 0), "getaddr no addr")
st = sock(); st.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1); st.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1)
req(st, RTM_GETADDR, NLM_F_REQUEST, 9, am("2001:db8::1", plen=64, ifindex=0), "strict getaddr plen 64")
req(st, RTM_GETADDR, NLM_F_REQUEST, 10, am("2001:db8::1", plen=0, ifindex=0, extra=nla(8, struct.pack("=I", 0))), "strict getaddr IFA_FLAGS")
req(st, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 11, ifaddrmsg(AF_INET6, 0, 0, 0, 0) + nla(8, struct.pack("=I", 0)), "strict dump IFA_FLAGS")
req(st, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 12, ifaddrmsg(AF_INET6, 0, 0, 0, 999), "strict dump ifindex 999")
req(st, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 13, struct.pack("=BBBB", AF_INET6, 0, 0, 0), "strict dump short header")
# token
sh("ip token set ::1:2:3:4 dev v0")
drain(lis, "after token set")
# delete with IFA_LOCAL only
req(c, RTM_DELADDR, ACK, 14, ifaddrmsg(AF_INET6, 128, 0, 0, idx) + nla(2, in6("2001:db8:1::1")), "del peer by IFA_LOCAL")
drain(lis, "after del peer")
