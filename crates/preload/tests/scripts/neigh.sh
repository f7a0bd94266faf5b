# The live kernel lists neighbours in the order of a hash with a random
# seed: `runs` sorts the entries (one a line; a JSON array split at its
# objects) so that only the set is compared.
runs() { settle; echo "### ip $* (sorted)"; ip "$@" 2>&1 | sed 's/},{/}\n{/g; s/^\[//; s/\]$//' | sort; echo "### status ${PIPESTATUS[0]}"; }
run link add v0 address 02:00:00:00:00:01 type veth peer name v1 address 02:00:00:00:00:02
run link set v0 addrgenmode none
run link set v1 addrgenmode none
run link set v0 up
run link set v1 up
run addr add 10.0.0.1/24 dev v0
run addr add 2001:db8::1/64 dev v0 nodad
run neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev v0
run neigh add 10.0.0.3 lladdr 02:00:00:00:00:03 dev v0 nud reachable
run neigh add 10.0.0.4 lladdr 02:00:00:00:00:04 dev v0 nud stale
run neigh add 10.0.0.5 dev v0 nud noarp
run neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev v0
run neigh add 10.0.0.6 lladdr 02:00:00:00:00:06 dev nosuch
run neigh add 2001:db8::2 lladdr 02:00:00:00:00:02 dev v0
run neigh add 2001:db8::3 lladdr 02:00:00:00:00:03 dev v0 nud stale
run neigh add 2001:db8::4 lladdr 02:00:00:00:00:04 dev v0 router nud permanent
run neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev v1
runs neigh show
runs neigh show dev v0
runs -4 neigh show
runs -6 neigh show
runs neigh show nud permanent
runs neigh show 10.0.0.3
runs -j neigh show dev v0
runs -j -6 neigh show
run neigh replace 10.0.0.3 lladdr 02:00:00:00:00:33 dev v0 nud permanent
run neigh replace 10.0.0.7 lladdr 02:00:00:00:00:07 dev v0 nud stale
run neigh change 10.0.0.2 lladdr 02:00:00:00:00:22 dev v0
run neigh change 10.0.0.8 lladdr 02:00:00:00:00:08 dev v0
runs neigh show dev v0
run neigh del 10.0.0.2 dev v0
run neigh del 10.0.0.2 dev v0
run neigh del 2001:db8::3 dev v0
runs neigh show
run neigh flush dev v0
runs neigh show
run neigh flush dev v0 nud all
runs neigh show
run link del v0
runs neigh show
