"""(V) IPv4 FIB through rtnetlink: NEWROUTE/DELROUTE flags and errors,
dump order across tables, notifications, RTM_GETROUTE lookups.
Run: unshare -n python3 probes/p_route4.py   (needs shared/kernel-probes/nl.py)
"""
import os, socket, struct, subprocess, sys, time
sys.path.insert(0, "/work/shared/kernel-probes")
from nl import *  # noqa

R, A = NLM_F_REQUEST, NLM_F_ACK
RTM_NEWROUTE, RTM_DELROUTE, RTM_GETROUTE = 24, 25, 26
ctl = sock()
ctl.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
L = sock(groups=(1 << 6))
seq = [100]

def u32(v): return struct.pack("=I", v)

def req(mt, flags, rt, attrs=b""):
    seq[0] += 1
    return nlmsg(mt, flags, seq[0], rt + attrs)

def show(label, r):
    print("## " + label)
    for d in r:
        for m in parse_msgs(d):
            print("   ", describe(m))
            if m[1] != 2 or m[2] == 0 or True:
                print("      raw", (d[:m[0]] if False else b"").hex())

def tx(label, mt, flags, rt, attrs=b"", raw=False):
    r = transact(ctl, req(mt, flags, rt, attrs))
    print("## " + label)
    for d in r:
        for m in parse_msgs(d):
            print("   ", describe(m))
        if raw:
            print("    raw", d.hex())
    ev = recv_all(L, 0.1)
    for d in ev:
        for m in parse_msgs(d):
            print("    EV", describe(m))
        if raw:
            print("    EVraw", d.hex())

def dump(label, rt=None, flags=R | NLM_F_DUMP, attrs=b"", raw=False):
    r = transact(ctl, nlmsg(RTM_GETROUTE, flags, 1, (rt or rtmsg()) + attrs))
    print("## dump: " + label)
    for d in r:
        if raw:
            print("    raw", d.hex())
        for m in parse_msgs(d):
            if m[1] != RTM_NEWROUTE:
                print("   ", describe(m)); continue
            fam, dl, sl, tos, table, proto, scope, rtype, rfl = struct.unpack_from("=BBBBBBBBI", m[5])
            at = [(RTA[t] if t < len(RTA) else t, v.hex()) for t, _, v in parse_attrs(m[5][12:])]
            print("   f=0x%x t=%d %s dl=%d tos=%d scope=%d proto=%d fl=0x%x %s" % (m[2], table, RTN[rtype], dl, tos, scope, proto, rfl, at))

def rt(dl=0, table=254, proto=4, scope=0, rtype=1, tos=0, flags=0):
    return rtmsg(AF_INET, dl, 0, tos, table, proto, scope, rtype, flags)

def up(name):
    subprocess.run(["ip", "link", "set", name, "up"], check=True)

subprocess.run(["ip", "link", "add", "va", "type", "veth", "peer", "name", "vb"], check=True)
subprocess.run(["ip", "addr", "add", "10.0.0.1/24", "dev", "va"], check=True)
up("lo"); up("va"); up("vb")
time.sleep(0.3); recv_all(L, 0.3)
va = socket.if_nametoindex("va"); vb = socket.if_nametoindex("vb")
print("va", va, "vb", vb)
dump("initial", raw=True)

D = lambda a: nla(1, ip4(a))
GW = lambda a: nla(5, ip4(a))
OIF = lambda i: nla(4, u32(i))
print("\n=== flags ===")
tx("no CREATE", RTM_NEWROUTE, R | A, rt(24), D("10.9.0.0") + OIF(va))
tx("CREATE|EXCL new (echo)", RTM_NEWROUTE, R | A | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO, rt(24), D("10.9.0.0") + OIF(va), raw=True)
tx("CREATE|EXCL again", RTM_NEWROUTE, R | A | NLM_F_CREATE | NLM_F_EXCL, rt(24), D("10.9.0.0") + OIF(va))
tx("CREATE again", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24), D("10.9.0.0") + OIF(va))
tx("CREATE|APPEND identical", RTM_NEWROUTE, R | A | NLM_F_CREATE | NLM_F_APPEND, rt(24), D("10.9.0.0") + OIF(va))
tx("CREATE other gw", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24), D("10.9.0.0") + GW("10.0.0.2"))
tx("CREATE|APPEND other gw", RTM_NEWROUTE, R | A | NLM_F_CREATE | NLM_F_APPEND, rt(24), D("10.9.0.0") + GW("10.0.0.3"))
tx("CREATE|EXCL other gw", RTM_NEWROUTE, R | A | NLM_F_CREATE | NLM_F_EXCL, rt(24), D("10.9.0.0") + GW("10.0.0.4"))
tx("CREATE other tos", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24, tos=0x10), D("10.9.0.0") + GW("10.0.0.4"))
tx("CREATE other prio", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24), D("10.9.0.0") + GW("10.0.0.5") + nla(6, u32(10)))
dump("after adds")
tx("REPLACE (no CREATE) existing", RTM_NEWROUTE, R | A | NLM_F_REPLACE, rt(24), D("10.9.0.0") + GW("10.0.0.6"))
tx("REPLACE|CREATE new", RTM_NEWROUTE, R | A | NLM_F_REPLACE | NLM_F_CREATE, rt(24), D("10.8.0.0") + GW("10.0.0.6"))
tx("REPLACE no CREATE missing", RTM_NEWROUTE, R | A | NLM_F_REPLACE, rt(24), D("10.7.0.0") + GW("10.0.0.6"))
tx("REPLACE|CREATE identical", RTM_NEWROUTE, R | A | NLM_F_REPLACE | NLM_F_CREATE, rt(24), D("10.8.0.0") + GW("10.0.0.6"))
dump("after replace")
tx("DEL missing", RTM_DELROUTE, R | A, rt(24), D("10.7.0.0"))
tx("DEL by prefix only (first)", RTM_DELROUTE, R | A | NLM_F_ECHO, rt(24, proto=0, rtype=0, table=0, scope=255), D("10.9.0.0"), raw=True)
tx("DEL by gw", RTM_DELROUTE, R | A, rt(24, proto=0, rtype=0, scope=255), D("10.9.0.0") + GW("10.0.0.3"))
tx("DEL wrong gw", RTM_DELROUTE, R | A, rt(24, proto=0, rtype=0, scope=255), D("10.9.0.0") + GW("10.0.0.99"))
tx("DEL wrong proto", RTM_DELROUTE, R | A, rt(24, proto=9, rtype=0, scope=255), D("10.9.0.0"))
tx("DEL wrong type", RTM_DELROUTE, R | A, rt(24, proto=0, rtype=6, scope=255), D("10.9.0.0"))
dump("after dels")

print("\n=== errors ===")
tx("gw unreachable", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24), D("10.6.0.0") + GW("192.168.5.5"))
tx("gw unreachable with oif", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24), D("10.6.0.0") + GW("192.168.5.5") + OIF(va))
tx("gw is local addr", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24), D("10.6.0.0") + GW("10.0.0.1"))
tx("oif missing", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24), D("10.6.0.0") + OIF(99))
tx("no nexthop unicast", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24), D("10.6.0.0"))
tx("prefsrc not local", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24), D("10.6.0.0") + OIF(va) + nla(7, ip4("10.0.0.77")))
tx("prefsrc local", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24), D("10.6.0.0") + OIF(va) + nla(7, ip4("10.0.0.1")))
tx("dst_len 33", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(33), D("10.6.0.0") + OIF(va))
tx("host bits set", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(16), D("10.6.0.1") + OIF(va))
tx("type > RTN_MAX", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24, rtype=12), D("10.6.0.0") + OIF(va))
tx("scope host unicast with gw", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24, scope=254), D("10.6.1.0") + GW("10.0.0.2"))
tx("scope link with gw", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24, scope=253), D("10.6.2.0") + GW("10.0.0.2"))
tx("family AF_INET6 hdr", RTM_NEWROUTE, R | A | NLM_F_CREATE, rtmsg(AF_INET, 24, 8, 0, 254, 4, 0, 1), D("10.6.3.0") + OIF(va))
tx("src_len nonzero", RTM_NEWROUTE, R | A | NLM_F_CREATE, rtmsg(AF_INET, 24, 8, 0, 254, 4, 0, 1), D("10.6.3.0") + OIF(va))
tx("short RTA_DST", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24), nla(1, b"\x0a\x06\x04") + OIF(va))
tx("unknown attr 99", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24), D("10.6.4.0") + OIF(va) + nla(99, u32(1)))
tx("RTA_VIA", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24), D("10.6.4.0") + nla(18, b"\x02\x00\x0a\x00\x00\x02"))
tx("blackhole", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24, rtype=6), D("10.5.1.0"), raw=True)
tx("unreachable", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24, rtype=7), D("10.5.2.0"))
tx("prohibit", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24, rtype=8), D("10.5.3.0"))
tx("throw", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24, rtype=9), D("10.5.4.0"))
tx("blackhole with oif", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24, rtype=6), D("10.5.5.0") + OIF(va))
tx("local type in main", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(32, rtype=2, scope=254), D("10.5.6.1") + OIF(va))
tx("multicast", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24, rtype=5), D("224.1.1.0") + OIF(va))
tx("table 100", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24, table=100), D("10.4.0.0") + OIF(va))
tx("table 1000 via RTA_TABLE", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24, table=0), D("10.4.0.0") + OIF(va) + nla(15, u32(1000)), raw=True)
tx("table 253", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24, table=253), D("10.4.0.0") + OIF(va))
tx("table 2", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24, table=2), D("10.4.0.0") + OIF(va))
tx("table 0 no attr (main)", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24, table=0), D("10.4.1.0") + OIF(va))
tx("default route", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(0), GW("10.0.0.2"), raw=True)
tx("del in missing table", RTM_DELROUTE, R | A, rt(24, table=77), D("10.4.0.0"))
nh = lambda gw, w, idx=0, flags=0: (lambda body: struct.pack("=HBBi", 8 + len(body), flags, w, idx) + body)(GW(gw))
tx("multipath", RTM_NEWROUTE, R | A | NLM_F_CREATE | NLM_F_ECHO, rt(24), D("10.3.0.0") + nla(9, nh("10.0.0.2", 0) + nh("10.0.0.3", 4, va)), raw=True)
tx("multipath bad gw", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24), D("10.3.1.0") + nla(9, nh("10.0.0.2", 0) + nh("10.9.9.3", 4)))
tx("multipath empty", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24), D("10.3.2.0") + nla(9, b""))
tx("metrics mtu", RTM_NEWROUTE, R | A | NLM_F_CREATE, rt(24), D("10.3.3.0") + OIF(va) + nla(8, nla(2, u32(1400))), raw=True)
dump("all tables", raw=True)
dump("strict table 100 filter", rt(table=100))
sk2 = sock(); sk2.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1); sk2.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
for label, r2, at in [("strict tbl100", rt(table=100, proto=0, rtype=0), b""),
                      ("strict RTA_TABLE 1000", rt(table=0, proto=0, rtype=0), nla(15, u32(1000))),
                      ("strict proto 2", rt(table=0, proto=2, rtype=0), b""),
                      ("strict type 2", rt(table=0, proto=0, rtype=2), b""),
                      ("strict oif va", rt(table=0, proto=0, rtype=0), OIF(va)),
                      ("strict scope set", rt(table=0, proto=0, rtype=0, scope=253), b""),
                      ("strict dst_len set", rt(dl=8, table=0, proto=0, rtype=0), b""),
                      ("strict tbl missing 77", rt(table=77, proto=0, rtype=0), b""),
                      ("strict cloned", rt(table=0, proto=0, rtype=0, flags=0x200), b""),
                      ("strict unknown attr", rt(table=0, proto=0, rtype=0), D("10.0.0.0"))]:
    r = transact(sk2, nlmsg(RTM_GETROUTE, R | NLM_F_DUMP, 7, r2 + at))
    print("## strict dump:", label)
    for d in r:
        for m in parse_msgs(d):
            print("   ", describe(m))

print("\n=== getroute ===")
def get(label, dst, extra=b"", flags=0, raw=True):
    tx("get " + label, RTM_GETROUTE, R, rtmsg(AF_INET, 32, 0, 0, 0, 0, 0, 0, flags), D(dst) + extra, raw=raw)
get("10.0.0.5 (connected)", "10.0.0.5")
get("10.9.0.7 (gw)", "10.9.0.7")
get("8.8.8.8 default", "8.8.8.8")
get("10.0.0.1 local", "10.0.0.1")
get("127.0.0.1", "127.0.0.1")
get("10.0.0.255 bcast", "10.0.0.255")
get("10.5.1.1 blackhole", "10.5.1.1")
get("10.5.2.1 unreachable", "10.5.2.1")
get("10.5.3.1 prohibit", "10.5.3.1")
get("10.5.4.1 throw", "10.5.4.1")
get("fibmatch 10.9.0.7", "10.9.0.7", flags=0x2000)
get("fibmatch 10.3.0.1 mp", "10.3.0.1", flags=0x2000)
get("fibmatch 10.0.0.1 local", "10.0.0.1", flags=0x2000)
get("10.4.0.1 (only in 100/1000/253/2)", "10.4.0.1")
get("with oif", "10.0.0.5", OIF(va))
get("no dst", "0.0.0.0")
tx("get dst_len 0", RTM_GETROUTE, R, rtmsg(AF_INET, 0, 0, 0, 0, 0, 0, 0, 0), D("10.0.0.5"), raw=True)
tx("get no RTA_DST", RTM_GETROUTE, R, rtmsg(AF_INET, 32, 0, 0, 0, 0, 0, 0, 0), b"", raw=True)
tx("get short hdr", RTM_GETROUTE, R, b"\x02\x00\x00\x00", b"", raw=True)
tx("del default", RTM_DELROUTE, R | A, rt(0, proto=0, rtype=0, scope=255), b"")
get("8.8.8.8 no default", "8.8.8.8")
tx("del main 10.0.0.0/24 link route", RTM_DELROUTE, R | A, rt(24, proto=0, rtype=0, scope=255), D("10.0.0.0"))
get("10.0.0.5 after del", "10.0.0.5")
