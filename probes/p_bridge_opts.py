"""(V) Bridge and bridge-port options on Linux 6.18: which IFLA_INFO_DATA (IFLA_BR_*) and
IFLA_PROTINFO (IFLA_BRPORT_*) values are accepted, refused (errno, ext-ack) or adjusted, what
GETLINK reads back, and how kernel STP (STP_STATE=1) sets the port states when the bridge goes up.

Each request is shown with the requester's answer and the RTNLGRP_LINK listener's messages (one
line each); after each accepted bridge option the value GETLINK reports is printed.

Run (root):
    unshare -n python3 /work/main/probes/p_bridge_opts.py > /work/main/probes/observed/p_bridge_opts.txt 2>&1
"""
import os
import select
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from p_link_common import *  # noqa

header("p_bridge_opts")
AF_BRIDGE = 7
IFLA_PROTINFO = 12
BR = {n: i for i, n in enumerate(IFLA_BR)}
BP = {n: i for i, n in enumerate(IFLA_BRPORT)}

LA = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
LA.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
LA.bind((0, 1))
R = reqsock(ext_ack=True)


def drain(s, quiet):
    out = []
    while True:
        r, _, _ = select.select([s], [], [], quiet)
        if not r:
            return out
        out.extend(parse_msgs(s.recv(1 << 16)))


def op(title, msg, wait=0.3):
    drain(LA, 0.05)
    drain(R, 0.01)
    print("\n==== %s" % title)
    R.send(msg)
    for m in drain(R, wait):
        print("  requester: " + summary(m).split("\n")[0])
        if m[1] == NLMSG_ERROR and (err_of(m[5]) != 0 or (m[2] & NLM_F_ACK_TLVS)):
            for l in fmt_error(m)[1:]:
                if "TLV" in l:
                    print("     " + l)
    for m in drain(LA, 0.05):
        line = summary(m).split("\n")[0]
        if m[1] in (16, 17) and m[5][0] == AF_BRIDGE:
            pi = link_attr(m[5], IFLA_PROTINFO)
            if pi is not None:
                d = {nm(IFLA_BRPORT, t & 0x3fff): x for t, ln, x in parse_attrs(pi)}
                line += " STATE=%d" % d["IFLA_BRPORT_STATE"][0]
        print("  listener: " + line)


def getattrs(idx):
    s = reqsock()
    s.send(nlmsg(RTM_GETLINK, NLM_F_REQUEST, 9, ifinfomsg(idx)))
    m = parse_msgs(s.recv(65536))[0]
    s.close()
    li = link_attr(m[5], IFLA_LINKINFO)
    out = {}
    for ct, cl, cd in parse_attrs(li or b""):
        if ct & 0x3fff in (2, 5):
            tbl = IFLA_BR if ct & 0x3fff == 2 else IFLA_BRPORT
            for t, ln, d in parse_attrs(cd):
                n = nm(tbl, t & 0x3fff)
                out[n] = value(n, d)
    return out


def show(idx, *names):
    a = getattrs(idx)
    print("  GETLINK: " + " ".join("%s=%s" % (n.split("_", 2)[2], a.get(n)) for n in names))


def br_data(name, data, flags=NLM_F_REQUEST | NLM_F_ACK, attrs=b""):
    li = nla(IFLA_INFO_KIND, b"bridge\0") + nla(IFLA_INFO_DATA, data)
    return nlmsg(RTM_NEWLINK, flags, 5, ifinfomsg() + nla(IFLA_IFNAME, name.encode() + b"\0") + attrs
                 + nla(IFLA_LINKINFO, li))


def u8(v):
    return bytes([v])


def u16(v):
    return struct.pack("=H", v)


def u64(v):
    return struct.pack("=Q", v)


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def protinfo(idx, attrs):
    return nlmsg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 6,
                 ifinfomsg(idx, family=AF_BRIDGE) + nla(IFLA_PROTINFO | NLA_F_NESTED, attrs))


C = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
op("create br0 with VLAN_FILTERING=0", br_data("br0", nla(BR["IFLA_BR_VLAN_FILTERING"], u8(0)), C))
op("create br0 with VLAN_FILTERING=1", br_data("br0", nla(BR["IFLA_BR_VLAN_FILTERING"], u8(1)), C))
op("create br0 with VLAN_DEFAULT_PVID=5 and VLAN_PROTOCOL", br_data("br0", nla(BR["IFLA_BR_VLAN_DEFAULT_PVID"], u16(5))
                                                                   + nla(BR["IFLA_BR_VLAN_PROTOCOL"], b"\x81\x00"), C))
op("create br0", br_data("br0", b"", C))
B = ifindex("br0")
show(B, "IFLA_BR_VLAN_FILTERING", "IFLA_BR_STP_STATE")

for title, data, names in [
    ("MULTI_BOOLOPT val=1 mask=1 (no_linklocal_learn on)", nla(BR["IFLA_BR_MULTI_BOOLOPT"], struct.pack("=II", 1, 1)),
     ["IFLA_BR_MULTI_BOOLOPT"]),
    ("MULTI_BOOLOPT val=0 mask=2 (mcast_vlan_snooping off)", nla(BR["IFLA_BR_MULTI_BOOLOPT"], struct.pack("=II", 0, 2)),
     ["IFLA_BR_MULTI_BOOLOPT"]),
    ("MULTI_BOOLOPT val=2 mask=2 (mcast_vlan_snooping on)", nla(BR["IFLA_BR_MULTI_BOOLOPT"], struct.pack("=II", 2, 2)),
     ["IFLA_BR_MULTI_BOOLOPT"]),
    ("MULTI_BOOLOPT val=0 mask=4 (mst off)", nla(BR["IFLA_BR_MULTI_BOOLOPT"], struct.pack("=II", 0, 4)),
     ["IFLA_BR_MULTI_BOOLOPT"]),
    ("MULTI_BOOLOPT val=4 mask=4 (mst on)", nla(BR["IFLA_BR_MULTI_BOOLOPT"], struct.pack("=II", 4, 4)),
     ["IFLA_BR_MULTI_BOOLOPT"]),
    ("MULTI_BOOLOPT val=8 mask=8", nla(BR["IFLA_BR_MULTI_BOOLOPT"], struct.pack("=II", 8, 8)), ["IFLA_BR_MULTI_BOOLOPT"]),
    ("MULTI_BOOLOPT val=16 mask=16", nla(BR["IFLA_BR_MULTI_BOOLOPT"], struct.pack("=II", 16, 16)),
     ["IFLA_BR_MULTI_BOOLOPT"]),
    ("MULTI_BOOLOPT val=0 mask=16", nla(BR["IFLA_BR_MULTI_BOOLOPT"], struct.pack("=II", 0, 16)),
     ["IFLA_BR_MULTI_BOOLOPT"]),
    ("MULTI_BOOLOPT val=0 mask=0x20 (unknown bit)", nla(BR["IFLA_BR_MULTI_BOOLOPT"], struct.pack("=II", 0, 0x20)),
     ["IFLA_BR_MULTI_BOOLOPT"]),
    ("MULTI_BOOLOPT 4 bytes", nla(BR["IFLA_BR_MULTI_BOOLOPT"], struct.pack("=I", 1)), ["IFLA_BR_MULTI_BOOLOPT"]),
    ("MCAST_ROUTER=3", nla(BR["IFLA_BR_MCAST_ROUTER"], u8(3)), ["IFLA_BR_MCAST_ROUTER"]),
    ("MCAST_ROUTER=2", nla(BR["IFLA_BR_MCAST_ROUTER"], u8(2)), ["IFLA_BR_MCAST_ROUTER"]),
    ("MCAST_ROUTER=0", nla(BR["IFLA_BR_MCAST_ROUTER"], u8(0)), ["IFLA_BR_MCAST_ROUTER"]),
    ("MCAST_SNOOPING=0", nla(BR["IFLA_BR_MCAST_SNOOPING"], u8(0)), ["IFLA_BR_MCAST_SNOOPING"]),
    ("MCAST_QUERIER=5", nla(BR["IFLA_BR_MCAST_QUERIER"], u8(5)), ["IFLA_BR_MCAST_QUERIER"]),
    ("MCAST_QUERY_USE_IFADDR=7", nla(BR["IFLA_BR_MCAST_QUERY_USE_IFADDR"], u8(7)), ["IFLA_BR_MCAST_QUERY_USE_IFADDR"]),
    ("MCAST_STATS_ENABLED=1", nla(BR["IFLA_BR_MCAST_STATS_ENABLED"], u8(1)), ["IFLA_BR_MCAST_STATS_ENABLED"]),
    ("MCAST_HASH_ELASTICITY=3", nla(BR["IFLA_BR_MCAST_HASH_ELASTICITY"], u32(3)), ["IFLA_BR_MCAST_HASH_ELASTICITY"]),
    ("MCAST_HASH_MAX=100", nla(BR["IFLA_BR_MCAST_HASH_MAX"], u32(100)), ["IFLA_BR_MCAST_HASH_MAX"]),
    ("MCAST_LAST_MEMBER_CNT=5 STARTUP_QUERY_CNT=6", nla(BR["IFLA_BR_MCAST_LAST_MEMBER_CNT"], u32(5))
     + nla(BR["IFLA_BR_MCAST_STARTUP_QUERY_CNT"], u32(6)),
     ["IFLA_BR_MCAST_LAST_MEMBER_CNT", "IFLA_BR_MCAST_STARTUP_QUERY_CNT"]),
    ("MCAST_IGMP_VERSION=4", nla(BR["IFLA_BR_MCAST_IGMP_VERSION"], u8(4)), ["IFLA_BR_MCAST_IGMP_VERSION"]),
    ("MCAST_IGMP_VERSION=3", nla(BR["IFLA_BR_MCAST_IGMP_VERSION"], u8(3)), ["IFLA_BR_MCAST_IGMP_VERSION"]),
    ("MCAST_MLD_VERSION=3", nla(BR["IFLA_BR_MCAST_MLD_VERSION"], u8(3)), ["IFLA_BR_MCAST_MLD_VERSION"]),
    ("MCAST_MLD_VERSION=2", nla(BR["IFLA_BR_MCAST_MLD_VERSION"], u8(2)), ["IFLA_BR_MCAST_MLD_VERSION"]),
    ("MCAST_QUERY_INTVL=50 (below 1 s)", nla(BR["IFLA_BR_MCAST_QUERY_INTVL"], u64(50)), ["IFLA_BR_MCAST_QUERY_INTVL"]),
    ("MCAST_QUERY_INTVL=9999999999 (above a day)", nla(BR["IFLA_BR_MCAST_QUERY_INTVL"], u64(9999999999)),
     ["IFLA_BR_MCAST_QUERY_INTVL"]),
    ("MCAST_STARTUP_QUERY_INTVL=50", nla(BR["IFLA_BR_MCAST_STARTUP_QUERY_INTVL"], u64(50)),
     ["IFLA_BR_MCAST_STARTUP_QUERY_INTVL"]),
    ("MCAST_LAST_MEMBER_INTVL=1 MEMBERSHIP=333 QUERIER=777 RESPONSE=1001",
     nla(BR["IFLA_BR_MCAST_LAST_MEMBER_INTVL"], u64(1)) + nla(BR["IFLA_BR_MCAST_MEMBERSHIP_INTVL"], u64(333))
     + nla(BR["IFLA_BR_MCAST_QUERIER_INTVL"], u64(777)) + nla(BR["IFLA_BR_MCAST_QUERY_RESPONSE_INTVL"], u64(1001)),
     ["IFLA_BR_MCAST_LAST_MEMBER_INTVL", "IFLA_BR_MCAST_MEMBERSHIP_INTVL", "IFLA_BR_MCAST_QUERIER_INTVL",
      "IFLA_BR_MCAST_QUERY_RESPONSE_INTVL"]),
    ("FORWARD_DELAY=1001", nla(BR["IFLA_BR_FORWARD_DELAY"], u32(1001)), ["IFLA_BR_FORWARD_DELAY"]),
    ("FORWARD_DELAY=0 (STP off)", nla(BR["IFLA_BR_FORWARD_DELAY"], u32(0)), ["IFLA_BR_FORWARD_DELAY"]),
    ("HELLO_TIME=9", nla(BR["IFLA_BR_HELLO_TIME"], u32(9)), ["IFLA_BR_HELLO_TIME"]),
    ("HELLO_TIME=10", nla(BR["IFLA_BR_HELLO_TIME"], u32(10)), ["IFLA_BR_HELLO_TIME"]),
    ("HELLO_TIME=1001", nla(BR["IFLA_BR_HELLO_TIME"], u32(1001)), ["IFLA_BR_HELLO_TIME"]),
    ("MAX_AGE=599", nla(BR["IFLA_BR_MAX_AGE"], u32(599)), ["IFLA_BR_MAX_AGE"]),
    ("MAX_AGE=4001", nla(BR["IFLA_BR_MAX_AGE"], u32(4001)), ["IFLA_BR_MAX_AGE"]),
    ("MAX_AGE=600", nla(BR["IFLA_BR_MAX_AGE"], u32(600)), ["IFLA_BR_MAX_AGE"]),
    ("AGEING_TIME=5", nla(BR["IFLA_BR_AGEING_TIME"], u32(5)), ["IFLA_BR_AGEING_TIME"]),
    ("PRIORITY=65535", nla(BR["IFLA_BR_PRIORITY"], u16(65535)), ["IFLA_BR_PRIORITY", "IFLA_BR_BRIDGE_ID"]),
    ("GROUP_FWD_MASK=1", nla(BR["IFLA_BR_GROUP_FWD_MASK"], u16(1)), ["IFLA_BR_GROUP_FWD_MASK"]),
    ("GROUP_FWD_MASK=8", nla(BR["IFLA_BR_GROUP_FWD_MASK"], u16(8)), ["IFLA_BR_GROUP_FWD_MASK"]),
    ("GROUP_ADDR 01:80:c2:00:00:10", nla(BR["IFLA_BR_GROUP_ADDR"], mac("01:80:c2:00:00:10")), ["IFLA_BR_GROUP_ADDR"]),
    ("GROUP_ADDR 4 bytes", nla(BR["IFLA_BR_GROUP_ADDR"], b"\x01\x80\xc2\x00"), ["IFLA_BR_GROUP_ADDR"]),
    ("NF_CALL_IPTABLES=1 NF_CALL_ARPTABLES=3", nla(BR["IFLA_BR_NF_CALL_IPTABLES"], u8(1))
     + nla(BR["IFLA_BR_NF_CALL_ARPTABLES"], u8(3)), ["IFLA_BR_NF_CALL_IPTABLES", "IFLA_BR_NF_CALL_ARPTABLES"]),
    ("FDB_MAX_LEARNED=5", nla(BR["IFLA_BR_FDB_MAX_LEARNED"], u32(5)), ["IFLA_BR_FDB_MAX_LEARNED"]),
    ("FDB_FLUSH", nla(BR["IFLA_BR_FDB_FLUSH"], b""), ["IFLA_BR_FDB_N_LEARNED"]),
    ("VLAN_FILTERING=0 on existing", nla(BR["IFLA_BR_VLAN_FILTERING"], u8(0)), ["IFLA_BR_VLAN_FILTERING"]),
    ("VLAN_STATS_ENABLED=1", nla(BR["IFLA_BR_VLAN_STATS_ENABLED"], u8(1)), ["IFLA_BR_VLAN_FILTERING"]),
    ("ROOT_ID (read-only attribute)", nla(BR["IFLA_BR_ROOT_ID"], b"\0" * 8), ["IFLA_BR_ROOT_ID"]),
    ("MCAST_QUERIER_STATE (47) empty nest", nla(47 | NLA_F_NESTED, b""), ["IFLA_BR_ROOT_ID"]),
    ("unknown type 60", nla(60, u32(1)), ["IFLA_BR_ROOT_ID"]),
]:
    op("br0 " + title, br_data("br0", data))
    show(B, *names)

# ------------------------------------------------------------------ STP with a port
R.send(veth_req("pa", "qa", C, 1, attrs=nla(IFLA_ADDRESS, mac("02:00:00:00:00:20"))))
R.recv(65536)
PA, QA = ifindex("pa"), ifindex("qa")
op("create br1 with STP_STATE=1, FORWARD_DELAY=100 (below the minimum)",
   br_data("br1", nla(BR["IFLA_BR_STP_STATE"], u32(1)) + nla(BR["IFLA_BR_FORWARD_DELAY"], u32(100)), C))
B1 = ifindex("br1")
show(B1, "IFLA_BR_STP_STATE", "IFLA_BR_FORWARD_DELAY", "IFLA_BR_HELLO_TIMER")
op("br1 FORWARD_DELAY=100 with STP on", br_data("br1", nla(BR["IFLA_BR_FORWARD_DELAY"], u32(100))))
op("enslave pa to br1", nlmsg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 7, ifinfomsg(PA) + nla(IFLA_MASTER, u32(B1))))
op("qa up", nlmsg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 8, ifinfomsg(QA, IFF_UP, IFF_UP)), wait=1.0)
op("pa up", nlmsg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 8, ifinfomsg(PA, IFF_UP, IFF_UP)), wait=1.0)
op("br1 up (kernel STP)", nlmsg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 9, ifinfomsg(B1, IFF_UP, IFF_UP)), wait=1.0)
show(B1, "IFLA_BR_HELLO_TIMER", "IFLA_BR_TOPOLOGY_CHANGE", "IFLA_BR_TOPOLOGY_CHANGE_DETECTED",
     "IFLA_BR_TOPOLOGY_CHANGE_TIMER", "IFLA_BR_TCN_TIMER", "IFLA_BR_GC_TIMER", "IFLA_BR_AGEING_TIME")
show(PA, "IFLA_BRPORT_STATE", "IFLA_BRPORT_FORWARD_DELAY_TIMER", "IFLA_BRPORT_HOLD_TIMER",
     "IFLA_BRPORT_MESSAGE_AGE_TIMER", "IFLA_BRPORT_TOPOLOGY_CHANGE_ACK", "IFLA_BRPORT_CONFIG_PENDING")
op("PROTINFO STATE=3 with kernel STP", protinfo(PA, nla(BP["IFLA_BRPORT_STATE"], u8(3))))
op("br1 STP_STATE=0", br_data("br1", nla(BR["IFLA_BR_STP_STATE"], u32(0))), wait=0.5)
show(PA, "IFLA_BRPORT_STATE")

# ------------------------------------------------------------------ port options (PROTINFO)
for title, attrs, names in [
    ("PRIORITY=64", nla(BP["IFLA_BRPORT_PRIORITY"], u16(64)), ["IFLA_BRPORT_PRIORITY"]),
    ("PRIORITY=63", nla(BP["IFLA_BRPORT_PRIORITY"], u16(63)), ["IFLA_BRPORT_PRIORITY", "IFLA_BRPORT_ID",
                                                                "IFLA_BRPORT_DESIGNATED_PORT"]),
    ("COST=65536", nla(BP["IFLA_BRPORT_COST"], u32(65536)), ["IFLA_BRPORT_COST"]),
    ("COST=65535", nla(BP["IFLA_BRPORT_COST"], u32(65535)), ["IFLA_BRPORT_COST"]),
    ("MODE=1 GUARD=1 PROTECT=1 FAST_LEAVE=1", nla(BP["IFLA_BRPORT_MODE"], u8(1)) + nla(BP["IFLA_BRPORT_GUARD"], u8(1))
     + nla(BP["IFLA_BRPORT_PROTECT"], u8(1)) + nla(BP["IFLA_BRPORT_FAST_LEAVE"], u8(1)),
     ["IFLA_BRPORT_MODE", "IFLA_BRPORT_GUARD", "IFLA_BRPORT_PROTECT", "IFLA_BRPORT_FAST_LEAVE"]),
    ("LEARNING=0 UNICAST_FLOOD=0", nla(BP["IFLA_BRPORT_LEARNING"], u8(0)) + nla(BP["IFLA_BRPORT_UNICAST_FLOOD"], u8(0)),
     ["IFLA_BRPORT_LEARNING", "IFLA_BRPORT_UNICAST_FLOOD"]),
    ("MAB=1 (not locked)", nla(BP["IFLA_BRPORT_MAB"], u8(1)), ["IFLA_BRPORT_MAB"]),
    ("LOCKED=1 LEARNING=1 MAB=1", nla(BP["IFLA_BRPORT_LOCKED"], u8(1)) + nla(BP["IFLA_BRPORT_LEARNING"], u8(1))
     + nla(BP["IFLA_BRPORT_MAB"], u8(1)), ["IFLA_BRPORT_LOCKED", "IFLA_BRPORT_MAB"]),
    ("MULTICAST_ROUTER=4", nla(BP["IFLA_BRPORT_MULTICAST_ROUTER"], u8(4)), ["IFLA_BRPORT_MULTICAST_ROUTER"]),
    ("MULTICAST_ROUTER=3", nla(BP["IFLA_BRPORT_MULTICAST_ROUTER"], u8(3)), ["IFLA_BRPORT_MULTICAST_ROUTER"]),
    ("MCAST_EHT_HOSTS_LIMIT=0", nla(BP["IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT"], u32(0)),
     ["IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT"]),
    ("MCAST_EHT_HOSTS_LIMIT=7 MCAST_MAX_GROUPS=9", nla(BP["IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT"], u32(7))
     + nla(BP["IFLA_BRPORT_MCAST_MAX_GROUPS"], u32(9)),
     ["IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT", "IFLA_BRPORT_MCAST_MAX_GROUPS"]),
    ("GROUP_FWD_MASK=2", nla(BP["IFLA_BRPORT_GROUP_FWD_MASK"], u16(2)), ["IFLA_BRPORT_GROUP_FWD_MASK"]),
    ("GROUP_FWD_MASK=5", nla(BP["IFLA_BRPORT_GROUP_FWD_MASK"], u16(5)), ["IFLA_BRPORT_GROUP_FWD_MASK"]),
    ("NEIGH_VLAN_SUPPRESS=2", nla(BP["IFLA_BRPORT_NEIGH_VLAN_SUPPRESS"], u8(2)), ["IFLA_BRPORT_NEIGH_VLAN_SUPPRESS"]),
    ("BACKUP_PORT=999", nla(BP["IFLA_BRPORT_BACKUP_PORT"], u32(999)), ["IFLA_BRPORT_BACKUP_PORT"]),
    ("BACKUP_PORT=qa (not a port)", nla(BP["IFLA_BRPORT_BACKUP_PORT"], u32(QA)), ["IFLA_BRPORT_BACKUP_PORT"]),
    ("BACKUP_PORT=pa (itself)", nla(BP["IFLA_BRPORT_BACKUP_PORT"], u32(PA)), ["IFLA_BRPORT_BACKUP_PORT"]),
    ("BACKUP_NHID=5", nla(BP["IFLA_BRPORT_BACKUP_NHID"], u32(5)), ["IFLA_BRPORT_BACKUP_NHID"]),
    ("MCAST_N_GROUPS (NLA_REJECT)", nla(BP["IFLA_BRPORT_MCAST_N_GROUPS"], u32(5)), ["IFLA_BRPORT_MCAST_N_GROUPS"]),
    ("FLUSH", nla(BP["IFLA_BRPORT_FLUSH"], b""), ["IFLA_BRPORT_STATE"]),
    ("VLAN_TUNNEL=1 ISOLATED=1 PROXYARP=1", nla(BP["IFLA_BRPORT_VLAN_TUNNEL"], u8(1))
     + nla(BP["IFLA_BRPORT_ISOLATED"], u8(1)) + nla(BP["IFLA_BRPORT_PROXYARP"], u8(1)),
     ["IFLA_BRPORT_VLAN_TUNNEL", "IFLA_BRPORT_ISOLATED", "IFLA_BRPORT_PROXYARP"]),
    ("unknown type 50", nla(50, u32(1)), ["IFLA_BRPORT_STATE"]),
    ("STATE=5", nla(BP["IFLA_BRPORT_STATE"], u8(5)), ["IFLA_BRPORT_STATE"]),
]:
    op("pa PROTINFO " + title, protinfo(PA, attrs))
    show(PA, *names)
op("pa down", nlmsg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 8, ifinfomsg(PA, 0, IFF_UP)), wait=1.0)
op("pa PROTINFO STATE=3 while pa is down", protinfo(PA, nla(BP["IFLA_BRPORT_STATE"], u8(3))))
op("pa PROTINFO STATE=0 while pa is down", protinfo(PA, nla(BP["IFLA_BRPORT_STATE"], u8(0))))
op("PF_BRIDGE SETLINK AF_SPEC{VLAN_INFO} on pa",
   nlmsg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 6, ifinfomsg(PA, family=AF_BRIDGE)
         + nla(26, nla(2, struct.pack("=HH", 0, 10)))))
op("PF_BRIDGE DELLINK AF_SPEC{VLAN_INFO} on pa",
   nlmsg(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 6, ifinfomsg(PA, family=AF_BRIDGE)
         + nla(26, nla(2, struct.pack("=HH", 0, 10)))))
op("PF_BRIDGE SETLINK AF_SPEC{FLAGS=SELF, VLAN_INFO} on br1",
   nlmsg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 6, ifinfomsg(B1, family=AF_BRIDGE)
         + nla(26, nla(0, u16(2)) + nla(2, struct.pack("=HH", 0, 10)))))
op("PF_BRIDGE SETLINK AF_SPEC{FLAGS=SELF} on br1 (no PROTINFO)",
   nlmsg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 6, ifinfomsg(B1, family=AF_BRIDGE) + nla(26, nla(0, u16(2)))))
op("PF_BRIDGE SETLINK AF_SPEC{FLAGS=MASTER|SELF} PROTINFO{COST=9} on pa",
   nlmsg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 6, ifinfomsg(PA, family=AF_BRIDGE) + nla(26, nla(0, u16(3)))
         + nla(IFLA_PROTINFO | NLA_F_NESTED, nla(BP["IFLA_BRPORT_COST"], u32(9)))))
op("PF_BRIDGE SETLINK AF_SPEC{MODE 1 byte} on pa",
   nlmsg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 6, ifinfomsg(PA, family=AF_BRIDGE) + nla(26, nla(1, b"\x01"))))
op("PF_BRIDGE SETLINK 8-byte header", nlmsg(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 6, bytes([7]) + b"\0" * 7))
op("delete br1 (port pa)", nlmsg(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 9, ifinfomsg(B1)), wait=1.0)
