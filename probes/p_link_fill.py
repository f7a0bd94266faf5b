"""(V) rtnl_fill_ifinfo byte layout: the RTM_NEWLINK answer to an RTM_GETLINK doit (by ifindex)
for lo, veth (both ends here; peer in another netns) and bridge / bridge port, each without and
with IFLA_EXT_MASK = RTEXT_FILTER_VF|RTEXT_FILTER_SKIP_STATS (9, what `ip link show` sends).

Run (root; creates its own namespaces, never touches the host's interfaces):
    unshare -n python3 /work/main/probes/p_link_fill.py > /work/main/probes/observed/p_link_fill.txt 2>&1
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from p_link_common import *  # noqa

header("p_link_fill")
print("Attribute lines: index, @offset from the start of the nlmsghdr, name, nla_type (N = NLA_F_NESTED),"
      " nla_len, decoded value, payload hex (without padding).")
SEQ = [100]
MACS = {}


def getlink(sock, idx, ext_mask=None):
    SEQ[0] += 1
    payload = ifinfomsg(idx)
    if ext_mask is not None:
        payload += nla(IFLA_EXT_MASK, u32(ext_mask))
    res = transact(sock, nlmsg(RTM_GETLINK, NLM_F_REQUEST, SEQ[0], payload))
    msgs = [m for d in res for m in parse_msgs(d)]
    return msgs


def show(label, idx, sock=None, ns_label=""):
    sock = sock or S
    for mask in (None, RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS):
        msgs = getlink(sock, idx, mask)
        print("\n==== %s  [GETLINK ifindex=%d%s%s] ====" % (
            label, idx, "" if mask is None else ", IFLA_EXT_MASK=%d" % mask, ns_label))
        print("reply datagram: %d message(s), total %d bytes" % (len(msgs), sum(align4(m[0]) for m in msgs)))
        for m in msgs:
            if m[1] == NLMSG_ERROR:
                print("\n".join(fmt_error(m)))
                continue
            out = []
            fmt_link(m, out)
            print("\n".join(out))
            a = link_attr(m[5], IFLA_ADDRESS)
            n = link_attr(m[5], IFLA_IFNAME)
            if a is not None:
                MACS.setdefault(n.rstrip(b"\0").decode(), set()).add(":".join("%02x" % c for c in a))
            print("total nlmsg_len=%d  (IFLA_ADDRESS=%s)" % (m[0], value("IFLA_ADDRESS", a) if a else None))


def ipjson(dev, nsobj=None):
    cmd = "ip -d -j link show dev %s" % dev
    txt = nsobj.sh(cmd).stdout if nsobj else sh(cmd)
    try:
        print("ip -d -j link show dev %s:\n  %s" % (dev, json.dumps(json.loads(txt)[0], sort_keys=False)))
    except Exception:
        print("ip -d -j link show dev %s: %s" % (dev, txt))


S = reqsock(ext_ack=True)
print("requester portid", S.getsockname()[0])

# ---------------------------------------------------------------- lo
show("lo DOWN", 1)
sh("ip link set lo up")
show("lo UP", 1)

# ---------------------------------------------------------------- veth, both ends here
sh("ip link add va type veth peer name vb")
print("\n`ip link add va type veth peer name vb` -> ifindex va=%d vb=%d (the peer is registered first)" % (
    ifindex("va"), ifindex("vb")))
show("veth va, both ends DOWN", ifindex("va"))
show("veth vb, both ends DOWN", ifindex("vb"))
ipjson("va")
sh("ip link set va up")
time.sleep(1.5)
show("veth va UP, peer vb DOWN", ifindex("va"))
show("veth vb DOWN, peer va UP", ifindex("vb"))
ipjson("va")
sh("ip link set vb up")
time.sleep(1.5)
show("veth va UP, peer vb UP (1.5 s later)", ifindex("va"))
show("veth vb UP, peer va UP (1.5 s later)", ifindex("vb"))
ipjson("va")

# ---------------------------------------------------------------- veth with peer in another netns
O = OtherNS()
sh("ip link add vx type veth peer name vy")
vx, vy = ifindex("vx"), ifindex("vy")
r = sh("ip link set vy netns %d" % O.pid)
print("\n`ip link add vx type veth peer name vy; ip link set vy netns <pid>` -> vx=%d vy=%d %s" % (vx, vy, r))
print("other ns `ip link`: %s" % O.sh("ip -o link").stdout.strip().replace("\n", " || "))
show("veth vx (peer vy in other netns), both DOWN", vx)
S2 = O.run(reqsock, ext_ack=True)
vy2 = json.loads(O.sh("ip -j link show dev vy").stdout)[0]["ifindex"]
show("veth vy in the OTHER netns (peer vx in first netns), both DOWN", vy2, S2, ", socket in other ns")
sh("ip link set vx up")
O.sh("ip link set vy up")
time.sleep(1.5)
show("veth vx UP (peer vy in other netns UP)", vx)
ipjson("vx")
print("nsid list here: %s | in other ns: %s" % (sh("ip netns list-id"), O.sh("ip netns list-id").stdout.strip()))

# ---------------------------------------------------------------- bridge
sh("ip link add br0 type bridge")
br = ifindex("br0")
show("bridge br0 DOWN (no ports)", br)
ipjson("br0")
sh("ip link set br0 up")
time.sleep(0.5)
show("bridge br0 UP (no ports)", br)
sh("ip link add vp0 type veth peer name vp1")
sh("ip link property add dev vp1 altname vp1-altname-x")
sh("ip link set vp0 master br0")
time.sleep(0.5)
show("bridge br0 UP with port vp0 (vp0 DOWN)", br)
show("bridge port vp0 (DOWN) enslaved to br0", ifindex("vp0"))
sh("ip link set vp0 up; ip link set vp1 up")
time.sleep(1.5)
show("bridge br0 UP with port vp0 UP (carrier)", br)
show("bridge port vp0 UP enslaved to br0", ifindex("vp0"))
show("veth vp1 (peer of the port; has altname -> IFLA_PROP_LIST)", ifindex("vp1"))
ipjson("br0")
ipjson("vp0")

print("\n==== MAC addresses chosen by the kernel in this run (random: eth_hw_addr_random;"
      " bridge takes the lowest port MAC once a port is added) ====")
for k, v in MACS.items():
    print("  %-6s %s" % (k, sorted(v)))
O.close()
