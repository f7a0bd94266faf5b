run link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02
run link set v0 addrgenmode none
run link set v1 addrgenmode none
run link set v0 up
run link set v1 up
run addr add 10.0.0.1/24 dev v0
run addr add 2001:db8::1/64 dev v0 nodad
run route add 10.1.0.0/16 via 10.0.0.254
run route add 10.2.0.0/16 dev v0 metric 50
run route add 10.1.0.0/16 via 10.0.0.254
run route add 10.3.0.0/16 via 10.9.9.9
run route add blackhole 10.4.0.0/16
run route add unreachable 10.5.0.0/16
run route add prohibit 10.6.0.0/16
run route add default via 10.0.0.254 dev v0
run route add 10.7.0.0/16 via 10.0.0.253 table 100
run route add 192.168.0.0/24 dev v0 table 100 proto static scope link
run route add 2001:db8:5::/48 via 2001:db8::fe
run route add blackhole 2001:db8:6::/48
run route add 2001:db8:7::/48 dev v0 table 100
run route show
run route show table 100
run route show table main proto kernel
run -j route show
run -j route show table 100
run -6 route show
run -j -6 route show
run route show table local
run route replace 10.1.0.0/16 via 10.0.0.253
run route replace 10.8.0.0/16 dev v0
run route change 10.2.0.0/16 dev v0 metric 50 mtu 1400
run route change 10.9.0.0/16 dev v0
run route show
run route get 10.1.2.3
run route get 10.0.0.7
run route get 10.4.1.1
run route get 10.0.0.1
run route get 2001:db8:5::1
run -j route get 10.1.2.3
run route del 10.1.0.0/16
run route del 10.1.0.0/16
run route del blackhole 10.4.0.0/16
run route del 10.7.0.0/16 table 100
run route del 2001:db8:5::/48
run route show
run route show table 100
run -6 route show
run route flush table 100
run route show table 100
run addr del 10.0.0.1/24 dev v0
run route show
run link del v0
run route show
run -6 route show
