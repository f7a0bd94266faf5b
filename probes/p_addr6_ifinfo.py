"""RTM_GETLINK dump for AF_INET6 (inet6_dump_ifinfo) on Linux 6.18.
Run: unshare -n python3 probes/p_addr6_ifinfo.py"""
import os, socket, struct, subprocess, sys
sys.path.insert(0, "/work/shared/kernel-probes")
from nl import *
AF_INET6 = 10
def sh(c): subprocess.run(c, shell=True, check=True)
sh("ip link add v0 type veth peer name v1")
sh("ip link set lo up")
for strict in (0, 1):
    s = sock(); s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    s.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, strict)
    for label, payload in [("ifinfomsg", ifinfomsg(family=AF_INET6)),
                           ("ifinfomsg index 1", ifinfomsg(index=1, family=AF_INET6)),
                           ("rtgenmsg", struct.pack("=B", AF_INET6) + b"\0" * 3),
                           ("ifinfomsg+attr", ifinfomsg(family=AF_INET6) + nla(29, struct.pack("=I", 1)))]:
        s.send(nlmsg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, payload))
        print("-- strict=%d %s" % (strict, label))
        for d in recv_all(s, 0.2):
            print("  datagram", len(d))
            for m in parse_msgs(d):
                ln, t, f, seq, pid, p, raw = m
                if t == 16:
                    fam, _, ty, idx, fl, ch = struct.unpack_from("=BBHiII", p)
                    print("   NEWLINK len=%d flags=0x%x fam=%d idx=%d attrs=%s" % (ln, f, fam, idx, [a for a, _, _ in parse_attrs(p[16:])]))
                else:
                    print("  ", describe(m))
                    if t == NLMSG_DONE and f & 0x200:
                        for at, al, ad in parse_attrs(p[4:]):
                            if at == 1: print("     extack:", ad.rstrip(b"\0").decode())
