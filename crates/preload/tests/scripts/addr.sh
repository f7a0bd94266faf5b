run link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02
run link set v0 addrgenmode none
run link set v1 addrgenmode none
run link set v0 up
run link set v1 up
run addr add 10.0.0.1/24 dev v0
run addr add 10.0.0.2/24 dev v0
run addr add 10.0.0.1/24 dev v0
run addr add 10.0.1.1/24 brd + dev v0 label v0:one
run addr add 192.168.5.1 peer 192.168.5.2 dev v1
run addr add 2001:db8::1/64 dev v0 nodad
run addr add 2001:db8:1::1/64 dev v1 nodad
run addr add 10.0.0.9/24 dev nosuch
run addr show
run addr show dev v0
run -4 addr show
# `ip -6 addr show` asks for links as AF_INET6, whose answers carry no
# IFLA_TXQLEN; ip then reads the queue length with ioctl(SIOCGIFTXQLEN),
# which the shim answers from the simulated kernel.
run -6 addr show
run -6 addr show dev v1
run -j addr show dev v0
run -o addr show
run -br addr
run addr show label v0:one
run addr del 10.0.0.1/24 dev v0
run addr show dev v0
run addr del 10.0.0.1/24 dev v0
run addr del 2001:db8::1/64 dev v0
run -j -4 addr show
run addr flush dev v0
run addr show dev v0
run addr flush dev v1
run addr show
run link set v0 down
run link del v0
run addr show
