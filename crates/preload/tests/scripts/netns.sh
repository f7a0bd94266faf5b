# A veth pair across two namespaces; `inblue` runs a command in the other one.
run link show
inblue ip link show
inblue ip -j link show v1
inblue ip link set v1 up
run link set v0 up
settle
inblue ip -br link
run -br link
inblue ip link set v1 name peer
run link show v0
inblue ip link del peer
run link show
