"""pyroute2's IPRoute, unmodified: run through the shim against a served
simulated kernel, and on the live kernel in a new network namespace; the two
transcripts must be the same."""
import signal
import subprocess
import sys

signal.alarm(60)  # never a hang

from pyroute2 import IPRoute  # noqa: E402
from pyroute2.netlink.exceptions import NetlinkError  # noqa: E402


def out(*a):
    print(*a, flush=True)


def summary(m):
    return (m["index"], m.get_attr("IFLA_IFNAME"), m.get_attr("IFLA_MTU"), m.get_attr("IFLA_ADDRESS"),
            "UP" if m["flags"] & 1 else "DOWN", m.get_attr("IFLA_MASTER"),
            (m.get_attr("IFLA_LINKINFO") or {}).get_attr("IFLA_INFO_KIND") if m.get_attr("IFLA_LINKINFO") else None)


with IPRoute() as ipr:
    out("lo", ipr.link_lookup(ifname="lo"))
    out("links", [summary(m) for m in ipr.get_links()])
    ipr.link("add", ifname="v0", address="02:00:00:00:00:01", kind="veth",
             peer={"ifname": "v1", "address": "02:00:00:00:00:02"})
    v0 = ipr.link_lookup(ifname="v0")[0]
    v1 = ipr.link_lookup(ifname="v1")[0]
    out("veth", v0, v1)
    ipr.link("set", index=v0, mtu=1400)
    ipr.link("set", index=v0, state="up")
    ipr.link("set", index=v0, ifname="veth0")
    out("set", summary(ipr.get_links(v0)[0]))
    try:
        ipr.link("add", ifname="veth0", kind="bridge")
    except NetlinkError as e:
        out("add again", e.code)
    try:
        ipr.link("set", index=999, mtu=1400)
    except NetlinkError as e:
        out("no such index", e.code)
    ipr.link("add", ifname="br0", kind="bridge", address="02:00:00:00:00:03")
    br0 = ipr.link_lookup(ifname="br0")[0]
    ipr.link("set", index=v0, master=br0)
    out("dump", [summary(m) for m in ipr.link("dump")])
    out("by name", [summary(m) for m in ipr.link("get", ifname="br0")])

    # An event listener sees another process's change.
    with IPRoute() as ev:
        ev.bind()
        subprocess.run([sys.executable, "-c",
                        "from pyroute2 import IPRoute\n"
                        "with IPRoute() as i: i.link('add', ifname='b1', kind='bridge', address='02:00:00:00:00:09')"],
                       check=True)
        seen = None
        while seen is None:
            for m in ev.get():
                if m["event"] == "RTM_NEWLINK" and m.get_attr("IFLA_IFNAME") == "b1":
                    seen = m
                    break
        out("event", seen["event"], summary(seen))
        b1 = seen["index"]
        ipr.link("del", index=b1)
        gone = None
        while gone is None:
            for m in ev.get():
                if m["event"] == "RTM_DELLINK" and m["index"] == b1:
                    gone = m
                    break
        out("event", gone["event"], summary(gone))

    ipr.link("del", index=v0)
    ipr.link("del", index=br0)
    out("left", [m.get_attr("IFLA_IFNAME") for m in ipr.get_links()])
