#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the guest, under conn-count.sh's plugin: new connections through each
# of bench.sh's paths at K = 1 with a single port (route, the floor; pfmod;
# iptables DNAT; nft DNAT through a map; IPVS NAT), each in a gateway
# network of its own, built and filled as bench.sh builds and fills them
# (paths.sh). For each path, in CONNCOUNT_ROUNDS rounds (3; the paths in
# one order, then in the other, and so on): every namespace's conntrack
# table emptied and a warm-up of 100 connections (their window not used),
# then CONNCOUNT_N (1,000) connections one after another from one client,
# alone in a window of the plugin's (a sync(2) before and after). Prints,
# for every counted window:
#   conncount PATH ROUND N CONNECTED WINDOW
# (CONNECTED: the connections that succeeded). Nothing else in the guest
# calls sync.
set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/lib.sh
source selftests/bench/paths.sh
export PATH=$PWD/userspace-tool:$PATH

n=${CONNCOUNT_N:-1000}
rounds=${CONNCOUNT_ROUNDS:-3}

modprobe nf_conntrack enable_hooks=1 || exit 1
modprobe -a ip_vs ip_vs_rr || exit 1
modprobe -a $(modinfo -F depends pfmod.ko | tr , ' ') || exit 1
insmod pfmod.ko || exit 1

tmp=$(mktemp -d)
declare -A C G S
bench_gateways 1
all_ns=()
for p in $paths; do
	all_ns+=("${C[$p]}" "${G[$p]}" "${S[$p]}")
done
bench_inputs single 1
for p in pfmod ipt nft ipvs; do
	bench_load "$p" || exit 1
done
rm -rf "$tmp"

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
