#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: build, boot the test guest, and show pfmod at work there.
#   demo.sh          on the host: build, then run "demo.sh guest" in QEMU
#   demo.sh guest    in the guest (or on a scratch machine, as root)

set -u
cd "$(dirname "$0")/../.." || exit 1

if [ "${1:-}" != guest ]; then
	source selftests/scripts/common.sh
	pf_deps || exit 1
	pf_kernel
	pf_build || exit 1
	exec selftests/qemu/vm.sh -t 600 -n demo -- selftests/scripts/demo.sh guest
fi

# In the guest: the README's example network, in namespaces.
source selftests/lib.sh
export PATH=$PWD/userspace-tool:$PATH

step() {
	local where=$1

	shift
	printf '\n%s# %s\n' "$where" "$*"
	case $where in
	gateway) ip netns exec "$gw" "$@" ;;
	client) ip netns exec "$client" "$@" ;;
	*) "$@" ;;
	esac
}

cat <<'EOF2'
The example network, built from network namespaces inside this guest:

  client                    gateway                       server
  203.0.113.20 ---- eth0 203.0.113.10
                            eth1 192.168.1.1 ---- 192.168.1.2 (HTTP on port 8080)

The goal: TCP port 80 of the gateway reaches the HTTP server on
192.168.1.2:8080 -- what `iptables -t nat -A PREROUTING -i eth0 -p tcp
--dport 80 -j DNAT --to 192.168.1.2:8080` does.
EOF2

modprobe -a nf_nat nf_conntrack
topo_gateway
www=$(mktemp -d)
echo "Hello from the server behind the gateway (192.168.1.2:8080)" > "$www/index.html"
ip netns exec "$server" busybox httpd -p 8080 -h "$www"
_pids+=($(ip netns pids "$server"))

step host insmod pfmod.ko
step gateway pfctl add 80 192.168.1.2:8080
step client curl -sS -i http://203.0.113.10/
step gateway pfctl show
step gateway conntrack -L -p tcp --dport 80
echo
echo "The entry reads like an iptables DNAT: the original direction goes to"
echo "203.0.113.10:80, the reply comes from 192.168.1.2:8080."
