run link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02
run link add v0 type veth peer name v9
run link add br0 address 02:00:00:00:00:03 type bridge
run link set v0 up mtu 1400
run link set v1 up
run link show
run link set v0 master br0
run link set br0 up
run link set v1 name veth1
run link show
run -j link show
run -d link show v0
run link show master br0
run link show type bridge
run -br link
run -o link show up
run link set nosuch up
run link set v0 mtu 10
run link set v0 nomaster
run link del br0
run link show dev br0
run link del lo
run link set veth1 down
run -j -p link show v0
run link del veth1
run link show
