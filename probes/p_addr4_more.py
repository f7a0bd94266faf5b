"""(V) IPv4 address details, second round: IFA_F_MCAUTOJOIN on unicast and
multicast addresses, deleting a lone secondary, and the echo of a plain add.
Run: unshare -n python3 probes/p_addr4_more.py
"""
import os, socket, struct, subprocess, sys, time, select
sys.path.insert(0, "/work/shared/kernel-probes")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nl import *  # noqa
from p_addr4 import drain, req, ipa, listener, sh, R, A, IFA_LOCAL, IFA_FLAGS  # noqa

rq = sock()
rq.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
L = listener(0x10)
sh("ip link add v0 type veth peer name v1")
idx = socket.if_nametoindex("v0")
req(rq, RTM_NEWADDR, R | A, 1, 2, 24, 0, 0, idx, [(IFA_LOCAL, ipa("10.0.0.1")), (IFA_FLAGS, struct.pack("=I", 0x400))], "unicast with MCAUTOJOIN")
drain(L, title="listener")
req(rq, RTM_NEWADDR, R | A, 2, 2, 32, 0, 0, idx, [(IFA_LOCAL, ipa("239.1.1.1")), (IFA_FLAGS, struct.pack("=I", 0x400))], "multicast with MCAUTOJOIN")
drain(L, title="listener")
req(rq, RTM_NEWADDR, R | A, 3, 2, 24, 0, 0, idx, [(IFA_LOCAL, ipa("10.0.0.2"))], "10.0.0.2 (secondary)")
req(rq, RTM_NEWADDR, R | A, 4, 2, 24, 0, 0, idx, [(IFA_LOCAL, ipa("10.0.0.3"))], "10.0.0.3 (secondary)")
drain(L, title="listener")
req(rq, RTM_DELADDR, R | A, 5, 2, 24, 0, 0, idx, [(IFA_LOCAL, ipa("10.0.0.2"))], "delete the secondary 10.0.0.2 alone")
drain(L, title="listener")
req(rq, RTM_NEWADDR, R | A, 6, 2, 24, 0, 0, idx, [(IFA_LOCAL, ipa("10.9.0.1")), (IFA_FLAGS, struct.pack("=I", 0xffffffff))], "all flags set")
drain(L, title="listener")
