"""addr_gen_mode random (3) on a veth, Linux 6.18: the link-local's flags.
Run: unshare -n python3 probes/p_addr6_random.py"""
import socket, struct, subprocess, sys, time
sys.path.insert(0, "/work/shared/kernel-probes")
from nl import *
AF_INET6 = 10
def sh(c): subprocess.run(c, shell=True, check=True)
sh("ip link add v0 type veth peer name v1")
sh("ip link set v0 addrgenmode random")
sh("ip link set v0 up; ip link set v1 up")
time.sleep(2.5)
s = sock()
s.send(nlmsg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 1, ifaddrmsg(AF_INET6, 0, 0, 0, 0)))
for d in recv_all(s, 0.2):
    for m in parse_msgs(d):
        if m[1] != 20: continue
        fam, plen, ifl, scope, idx = struct.unpack_from("=BBBBI", m[5])
        at = {t: v for t, _, v in parse_attrs(m[5][8:])}
        print("idx=%d plen=%d ifa_flags=0x%x scope=%d addr=%s IFA_FLAGS=0x%x proto=%s" % (
            idx, plen, ifl, scope, socket.inet_ntop(AF_INET6, at[1]), struct.unpack("=I", at[8])[0], at.get(11, b"").hex()))
sh("ip link set v0 addrgenmode stable_secret || echo 'stable_secret refused'")
print("addrgenmode stable_secret after random: accepted")
