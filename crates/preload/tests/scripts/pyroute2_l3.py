"""pyroute2's IPRoute, unmodified, for addresses, routes and neighbours: run
through the shim against a served simulated kernel, and on the live kernel in
a new network namespace; the two transcripts must be the same."""
import signal
import socket
import subprocess
import sys

signal.alarm(60)  # never a hang

from pyroute2 import IPRoute  # noqa: E402
from pyroute2.netlink.exceptions import NetlinkError  # noqa: E402
from pyroute2.netlink.rtnl.ndmsg import states  # noqa: E402


def out(*a):
    print(*a, flush=True)


def addr(m):
    return (m["index"], m["family"], m.get_attr("IFA_ADDRESS"), m["prefixlen"], m.get_attr("IFA_LOCAL"),
            m.get_attr("IFA_BROADCAST"), m.get_attr("IFA_LABEL"), m["scope"], m.get_attr("IFA_FLAGS"))


def route(m):
    return (m["family"], m.get_attr("RTA_TABLE"), m["type"], m["proto"], m["scope"], m.get_attr("RTA_DST"),
            m["dst_len"], m.get_attr("RTA_GATEWAY"), m.get_attr("RTA_OIF"), m.get_attr("RTA_PRIORITY"),
            m.get_attr("RTA_PREFSRC"))


def neighbours(ms):
    return sorted(neigh(m) for m in ms if m["state"] != states["noarp"])


def neigh(m):
    return (m["family"], m["ifindex"], m.get_attr("NDA_DST"), m.get_attr("NDA_LLADDR"), m["state"], m["flags"])


def err(what, f):
    try:
        f()
        out(what, "ok")
    except NetlinkError as e:
        out(what, "error", e.code)


with IPRoute() as ipr:
    ipr.link("add", ifname="v0", address="02:00:00:00:00:01", kind="veth",
             peer={"ifname": "v1", "address": "02:00:00:00:00:02"})
    v0 = ipr.link_lookup(ifname="v0")[0]
    v1 = ipr.link_lookup(ifname="v1")[0]
    # No IPv6 link-local (and so no DAD timing): ip sets the mode.
    for dev in ("v0", "v1"):
        subprocess.run(["ip", "link", "set", dev, "addrgenmode", "none"], check=True)
    ipr.link("set", index=v0, state="up")
    ipr.link("set", index=v1, state="up")

    # Addresses.
    ipr.addr("add", index=v0, address="10.0.0.1", prefixlen=24)
    ipr.addr("add", index=v0, address="10.0.0.2", prefixlen=24)
    ipr.addr("add", index=v0, address="10.0.1.1", prefixlen=24, broadcast="10.0.1.255", label="v0:one")
    ipr.addr("add", index=v1, address="192.168.5.1", local="192.168.5.1", prefixlen=32)
    ipr.addr("add", index=v0, address="2001:db8::1", prefixlen=64, flags=0x02)  # IFA_F_NODAD
    err("addr add again", lambda: ipr.addr("add", index=v0, address="10.0.0.1", prefixlen=24))
    err("addr add no device", lambda: ipr.addr("add", index=99, address="10.0.0.9", prefixlen=24))
    out("get_addr", [addr(m) for m in ipr.get_addr()])
    out("get_addr v0 inet", [addr(m) for m in ipr.get_addr(index=v0, family=socket.AF_INET)])
    out("get_addr inet6", [addr(m) for m in ipr.get_addr(family=socket.AF_INET6)])
    out("get_addr label", [addr(m) for m in ipr.get_addr(label="v0:one")])

    # Routes.
    ipr.route("add", dst="10.1.0.0/16", gateway="10.0.0.254")
    ipr.route("add", dst="10.2.0.0/16", oif=v0, priority=50)
    ipr.route("add", dst="10.7.0.0/16", gateway="10.0.0.253", table=100)
    ipr.route("add", dst="10.4.0.0/16", type="blackhole")
    ipr.route("add", dst="2001:db8:5::/48", gateway="2001:db8::fe")
    err("route add again", lambda: ipr.route("add", dst="10.1.0.0/16", gateway="10.0.0.254"))
    err("route add bad gateway", lambda: ipr.route("add", dst="10.3.0.0/16", gateway="10.9.9.9"))
    out("get_routes main", [route(m) for m in ipr.get_routes(family=socket.AF_INET, table=254)])
    out("get_routes 100", [route(m) for m in ipr.get_routes(family=socket.AF_INET, table=100)])
    out("get_routes inet6", [route(m) for m in ipr.get_routes(family=socket.AF_INET6, table=254)])
    out("get_routes local", [route(m) for m in ipr.get_routes(family=socket.AF_INET, table=255)])
    ipr.route("replace", dst="10.1.0.0/16", gateway="10.0.0.253")
    out("route get", [route(m) for m in ipr.route("get", dst="10.1.2.3")])
    ipr.route("del", dst="10.1.0.0/16")
    err("route del again", lambda: ipr.route("del", dst="10.1.0.0/16"))
    ipr.route("del", dst="10.7.0.0/16", table=100)
    ipr.route("del", dst="2001:db8:5::/48")
    out("get_routes main", [route(m) for m in ipr.get_routes(family=socket.AF_INET, table=254)])

    # Neighbours (the kernel lists them in a randomly seeded hash order:
    # sorted; the NOARP entries the kernel makes for multicast, such as
    # ff02::16 when an MLD report goes out at a random moment, left out as
    # `ip neigh show` leaves them out).
    ipr.neigh("add", dst="10.0.0.2", lladdr="02:00:00:00:00:02", ifindex=v0, state=states["permanent"])
    ipr.neigh("add", dst="10.0.0.3", lladdr="02:00:00:00:00:03", ifindex=v0, state=states["reachable"])
    ipr.neigh("add", dst="10.0.0.4", lladdr="02:00:00:00:00:04", ifindex=v0, state=states["stale"])
    ipr.neigh("add", dst="2001:db8::2", lladdr="02:00:00:00:00:02", ifindex=v0, state=states["permanent"])
    err("neigh add again", lambda: ipr.neigh("add", dst="10.0.0.2", lladdr="02:00:00:00:00:02", ifindex=v0,
                                             state=states["permanent"]))
    out("get_neighbours", neighbours(ipr.get_neighbours(ifindex=v0)))
    out("get_neighbours inet6", neighbours(ipr.get_neighbours(family=socket.AF_INET6)))
    ipr.neigh("del", dst="10.0.0.2", ifindex=v0)
    err("neigh del again", lambda: ipr.neigh("del", dst="10.0.0.2", ifindex=v0))
    out("get_neighbours", neighbours(ipr.get_neighbours(ifindex=v0)))

    # Address deletes (the primary takes its secondary with it).
    ipr.addr("del", index=v0, address="10.0.0.1", prefixlen=24)
    err("addr del again", lambda: ipr.addr("del", index=v0, address="10.0.0.1", prefixlen=24))
    ipr.addr("del", index=v0, address="2001:db8::1", prefixlen=64)
    out("get_addr", [addr(m) for m in ipr.get_addr()])
    out("get_routes main", [route(m) for m in ipr.get_routes(family=socket.AF_INET, table=254)])

    # An event listener sees an address another process adds, and its routes.
    with IPRoute() as ev:
        ev.bind()
        subprocess.run([sys.executable, "-c",
                        "from pyroute2 import IPRoute\n"
                        f"with IPRoute() as i: i.addr('add', index={v1}, address='10.9.0.1', prefixlen=24)"],
                       check=True)
        seen = []
        while not any(m["event"] == "RTM_NEWROUTE" and m.get_attr("RTA_DST") == "10.9.0.255" for m in seen):
            seen.extend(m for m in ev.get() if m["event"] in ("RTM_NEWADDR", "RTM_NEWROUTE"))
        for m in seen:
            out("event", m["event"], addr(m) if m["event"] == "RTM_NEWADDR" else route(m))
        ipr.addr("del", index=v1, address="10.9.0.1", prefixlen=24)
        gone = []
        while not any(m["event"] == "RTM_DELROUTE" and m.get_attr("RTA_DST") == "10.9.0.1" for m in gone):
            gone.extend(m for m in ev.get() if m["event"] in ("RTM_DELADDR", "RTM_DELROUTE"))
        for m in gone:
            out("event", m["event"], addr(m) if m["event"] == "RTM_DELADDR" else route(m))

    ipr.link("del", index=v0)
    out("left", [addr(m) for m in ipr.get_addr()], [route(m) for m in ipr.get_routes(family=socket.AF_INET)])
