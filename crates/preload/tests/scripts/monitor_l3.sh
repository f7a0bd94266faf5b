# `ip monitor address route` in one process; the changes made by others.
ip link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02
ip link set v0 addrgenmode none
ip link set v1 addrgenmode none
ip link set v0 up
ip link set v1 up
settle
mon=$(mktemp)
ip monitor address route > "$mon" 2>&1 &
m=$!
# Wait until the monitor listens: a probe address on lo (down: no routes) it has reported.
for i in $(seq 100); do
  ip addr add 10.255.0.$i/32 dev lo && ip addr del 10.255.0.$i/32 dev lo
  grep -q "Deleted.*10.255.0.$i/" "$mon" && break
  sleep 0.05
done
probe=$i
echo "### the monitor is listening"
ip addr add 10.0.0.1/24 dev v0
ip addr add 10.0.0.2/24 dev v0
ip route add 10.1.0.0/16 via 10.0.0.254
ip route add 10.2.0.0/16 dev v0 table 100
ip route replace 10.1.0.0/16 via 10.0.0.253
ip route add blackhole 10.4.0.0/16
ip route del 10.1.0.0/16
ip addr add 2001:db8::1/64 dev v0 nodad
# Linux announces the IPv6 address and adds its local route from a work
# queue (addrconf_dad_work, even with nodad), after `ip addr add` returns:
# wait for them, or the next change may be reported first.
for j in $(seq 100); do grep -q "local 2001:db8::1 " "$mon" && break; sleep 0.05; done
ip route add 2001:db8:5::/48 via 2001:db8::fe
ip addr del 10.0.0.2/24 dev v0
ip addr del 2001:db8::1/64 dev v0
ip addr flush dev v0
ip route del blackhole 10.4.0.0/16
ip addr add 192.168.9.1/24 dev v1
ip link del v0
ip addr add 10.255.1.1/32 dev lo
for j in $(seq 100); do grep -q "10.255.1.1/" "$mon" && break; sleep 0.05; done
kill $m; wait $m 2>/dev/null
# What came after the last probe (its "Deleted" line and lifetime line).
sed -n '/Deleted.*10\.255\.0\.'$probe'\//,$p' "$mon" | tail -n +3
rm -f "$mon"
