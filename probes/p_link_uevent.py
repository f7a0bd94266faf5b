"""(V) NETLINK_KOBJECT_UEVENT datagrams for link operations on Linux 6.18: a listener (group 1)
in this namespace and one in a second namespace (child `unshare -n sleep`), while veth pairs and a
bridge are created, renamed, enslaved, moved to the other namespace and deleted.
Each datagram is printed as text with every NUL shown as '|'.  SEQNUM is a host-global counter
(host-dependent); other events of the host that are not namespace-tagged may also show up.

(Named p_link_uevent.py because probes/p_uevent.py already exists with a different probe.)
Run (root):
    unshare -n python3 /work/main/probes/p_link_uevent.py > /work/main/probes/observed/p_link_uevent.txt 2>&1
"""
import os
import select
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from p_link_common import *  # noqa

NETLINK_KOBJECT_UEVENT = 15
header("p_link_uevent")


def ulistener():
    s = socket.socket(AF_NETLINK, socket.SOCK_RAW, NETLINK_KOBJECT_UEVENT)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind((0, 1))
    return s


def collect(socks, quiet=0.4):
    out = {s: [] for s in socks}
    while True:
        r, _, _ = select.select(socks, [], [], quiet)
        if not r:
            return out
        for s in r:
            data, addr = s.recvfrom(1 << 16)
            out[s].append((addr, data))


O = OtherNS()
UA = ulistener()
UB = O.run(ulistener)
print("uevent listener A portid %s, listener B (other ns) portid %s" % (UA.getsockname(), UB.getsockname()))


def step(title, cmd, in_other=False):
    collect([UA, UB], 0.05)
    r = O.sh(cmd) if in_other else subprocess.run(cmd, shell=True, capture_output=True, text=True)
    err = (r.stdout + r.stderr).strip()
    time.sleep(0.3)
    got = collect([UA, UB])
    print("\n==== %s   [`%s`%s]%s" % (title, cmd, " in other ns" if in_other else "", " -> " + err if err else ""))
    for lab, s in (("A (this ns)", UA), ("B (other ns)", UB)):
        print("  -- listener %s: %d datagram(s)" % (lab, len(got[s])))
        for addr, data in got[s]:
            txt = data.decode(errors="replace").replace("\0", "|")
            print("     len=%-4d src=%s  %s" % (len(data), addr, txt))


step("create veth pair ua/ub", "ip link add ua type veth peer name ub")
step("ua up", "ip link set ua up")
step("ua down", "ip link set ua down")
step("rename ua -> ua2", "ip link set ua name ua2")
step("add altname ua2-alt", "ip link property add dev ua2 altname ua2-alt")
step("mtu 1400 on ua2", "ip link set ua2 mtu 1400")
step("set MAC on ua2", "ip link set ua2 address 02:00:00:00:00:05")
step("create bridge ubr", "ip link add ubr type bridge")
step("enslave ub to ubr", "ip link set ub master ubr")
step("release ub", "ip link set ub nomaster")
step("move ub to the other ns", "ip link set ub netns %d" % O.pid)
step("rename ub -> ubx inside the other ns", "ip link set ub name ubx", in_other=True)
step("move ubx back from the other ns", "ip link set ubx netns %d" % os.getpid(), in_other=True)
step("move ubx to the other ns again", "ip link set ubx netns %d" % O.pid)
step("delete ua2 (peer ubx is in the other ns)", "ip link del ua2")
step("delete bridge ubr", "ip link del ubr")
step("create veth pair uc/ud with ud directly in the other ns",
     "ip link add uc type veth peer name ud netns %d" % O.pid)
step("delete uc", "ip link del uc")
O.close()
