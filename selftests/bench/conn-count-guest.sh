#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the guest, under conn-count.sh's plugin: new connections through each
# of bench.sh's paths at K = 1 with a single port (route, the floor; pfmod;
# iptables DNAT; nft DNAT through a map; IPVS NAT), each in a gateway
# network of its own, as bench.sh builds them. For each path, in
# CONNCOUNT_ROUNDS rounds (3; the paths in one order, then in the other,
# and so on): every namespace's conntrack table emptied and a warm-up of
# 100 connections (their window not used), then CONNCOUNT_N (1,000)
# connections one after another from one client, alone in a window of the
# plugin's (a sync(2) before and after). Prints, for every counted window:
#   conncount PATH ROUND N CONNECTED WINDOW
# (CONNECTED: the connections that succeeded). Nothing else in the guest
# calls sync.
set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/lib.sh
export PATH=$PWD/userspace-tool:$PATH

n=${CONNCOUNT_N:-1000}
rounds=${CONNCOUNT_ROUNDS:-3}
paths="route pfmod ipt nft ipvs"

modprobe nf_conntrack enable_hooks=1 || exit 1
modprobe -a ip_vs ip_vs_rr || exit 1
modprobe -a $(modinfo -F depends pfmod.ko | tr , ' ') || exit 1
insmod pfmod.ko || exit 1

declare -A C G
all_ns=()
for p in $paths; do
	topo_gateway "_$p"
	C[$p]=$client G[$p]=$gw
	all_ns+=("$client" "$gw" "$server")
	ip -n "$client" route add 192.168.1.0/24 via 203.0.113.10
	sysctls "$client" net.ipv4.tcp_tw_reuse=1 "net.ipv4.ip_local_port_range=10000 65000"
	serve "$server" -p 8080 -n web
done
ip netns exec "${G[pfmod]}" pfctl add 203.0.113.10:80 192.168.1.2:8080 || exit 1
ip netns exec "${G[ipt]}" iptables -t nat -A PREROUTING -d 203.0.113.10 -p tcp --dport 80 \
	-j DNAT --to-destination 192.168.1.2:8080 || exit 1
ip netns exec "${G[nft]}" nft -f - <<-EOF || exit 1
	table ip bench {
		map by_dst { type ipv4_addr . inet_service : ipv4_addr . inet_service; elements = {
			203.0.113.10 . 80 : 192.168.1.2 . 8080, 203.0.113.9 . 9 : 192.168.1.2 . 9 } }
		map by_src { type ipv4_addr . inet_service : ipv4_addr . inet_service; flags interval;
			elements = { 203.0.113.9 . 9 : 192.168.1.2 . 9 } }
		chain pre { type nat hook prerouting priority dstnat;
			dnat to ip daddr . tcp dport map @by_dst
			dnat to ip saddr . tcp dport map @by_src
		}
	}
EOF
ip netns exec "${G[ipvs]}" ipvsadm -A -t 203.0.113.10:80 -s rr || exit 1
ip netns exec "${G[ipvs]}" ipvsadm -a -t 203.0.113.10:80 -r 192.168.1.2:8080 -m || exit 1
sysctls "${G[ipvs]}" net.ipv4.vs.conntrack=1

# flood PATH N: N connections one after another; prints how many succeeded.
flood() {
	local dst=203.0.113.10 port=80 out

	[ "$1" = route ] && dst=192.168.1.2 port=8080
	out=$(ip netns exec "${C[$1]}" "$PFTEST" flood -w 20000 -P 1 -n "$2" "$dst" "$port") ||
		{ echo "conncount: $1: $out" >&2; exit 1; }
	awk '{ print $1 }' <<< "$out"
}

cat /proc/kallsyms > /run/pfmod-out/kallsyms || exit 1
# The first sync starts the counting; each one after it ends a window, the
# next one's number in w.
sync
w=0
for round in $(seq 1 "$rounds"); do
	order=$paths
	[ $((round % 2)) = 0 ] && order=$(printf '%s\n' $paths | tac)
	for p in $order; do
		for ns in "${all_ns[@]}"; do
			ip netns exec "$ns" conntrack -F > /dev/null 2>&1 ||
				{ echo "conncount: conntrack -F in $ns failed" >&2; exit 1; }
		done
		[ -n "$(flood "$p" 100)" ] || exit 1
		sync
		w=$((w + 1))
		ok=$(flood "$p" "$n")
		sync
		[ -n "$ok" ] || exit 1
		echo "conncount $p $round $n $ok $w"
		w=$((w + 1))
	done
done
