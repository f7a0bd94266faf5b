# `ip monitor link` in one process; the changes made by others.
mon=$(mktemp)
ip monitor link > "$mon" 2>&1 &
m=$!
# Wait until the monitor listens: a probe MTU on lo it has reported (a
# probe device would take an ifindex, and the number of probes varies; an
# alias on a device that is down is not announced).
for i in $(seq 100); do
  ip link set lo mtu $((60000 + i))
  grep -q "lo: .* mtu $((60000 + i)) " "$mon" && break
  sleep 0.05
done
probe=$i
echo "### the monitor is listening"
ip link add d0 address 02:00:00:00:00:10 type bridge
ip link set d0 mtu 1400
ip link set d0 name d1
ip link set d1 alias "a dummy"
ip link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02
ip link del d1
ip link del v0
for j in $(seq 100); do grep -q "Deleted.*v1" "$mon" && break; sleep 0.05; done
kill $m; wait $m 2>/dev/null
# What came after the last probe (its two lines).
sed -n '/lo: .* mtu '$((60000 + probe))' /,$p' "$mon" | tail -n +3
rm -f "$mon"
