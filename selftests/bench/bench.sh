#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`, in the guest: the new-connection rate through a gateway with
# K forwards, for four paths side by side, each in a gateway network of its
# own (selftests/lib.sh, topo_gateway):
#   route  routing without NAT, conntrack only (the floor)
#   pfmod  pfmod with K forwards, the hit being one of them
#   ipt    iptables DNAT with K rules, the hit last
#   nft    nftables DNAT through a map of K elements
# plus the time to install K forwards with each tool, pfmod's kernel memory
# per forward, the throughput of one established flow, and the cost of
# pfmod's lookup in ns for every shape of table (lookup-cost-guest.sh).
#
# Results go to $PFMOD_OUT/bench.tsv (selftests/bench/report.sh reads it).
# At each K every path first runs once unrecorded (a warm-up), then
# BENCH_REPS times, in a new random order each repetition: a drift of the
# machine's speed falls on every path alike.
#
# Environment: BENCH_KS ("1 1000 10000 100000"), BENCH_REPS (5),
# BENCH_CONNS (3000 per run), BENCH_IPT_MAX (largest K for iptables, 10000),
# BENCH_LOOKUP (0: no lookup cost); LOOKUP_* (lookup-cost-guest.sh).

set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/lib.sh
export PATH=$PWD/userspace-tool:$PATH

out=${PFMOD_OUT:-/tmp}
tsv=$out/bench.tsv
ks=${BENCH_KS:-1 1000 10000 100000}
reps=${BENCH_REPS:-5}
conns=${BENCH_CONNS:-3000}
ipt_max=${BENCH_IPT_MAX:-10000}
nclients=4
paths="route pfmod ipt nft"
tmp=$(mktemp -d)

say() { echo "bench: $*"; }
now() { date +%s.%N; }
record() { printf '%s\n' "$(IFS=$'\t'; echo "$*")" >> "$tsv"; }

: > "$tsv"
record meta kernel "$(uname -r)"
record meta cpus "$(nproc)"
record meta cpu "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
record meta iptables "$(iptables --version)"
record meta nft "$(nft --version)"
record meta conns_per_run "$conns"
record meta clients "$nclients"
record meta reps "$reps"

# Conntrack in every namespace from the start: the routing floor tracks
# connections like the other three.
modprobe nf_conntrack enable_hooks=1 || exit 1
# insmod loads nothing the module needs: what modinfo names goes first.
modprobe -a $(modinfo -F depends pfmod.ko | tr , ' ') || exit 1
insmod pfmod.ko max_forwards=200000 || exit 1
echo 262144 > /proc/sys/net/netfilter/nf_conntrack_max

declare -A C G S
for p in $paths; do
	topo_gateway "_$p"
	C[$p]=$client G[$p]=$gw S[$p]=$server
	ip -n "$gw" -b - <<-EOF
		addr add 203.0.113.11/24 dev eth0
		addr add 203.0.113.12/24 dev eth0
		addr add 203.0.113.13/24 dev eth0
	EOF
	for i in $(seq 1 $((nclients - 1))); do
		ip -n "$client" addr add "203.0.113.2$i/24" dev eth0
	done
	ip -n "$client" route add 192.168.1.0/24 via 203.0.113.10
	sysctls "$client" net.ipv4.tcp_tw_reuse=1 "net.ipv4.ip_local_port_range=10000 65000"
	serve "$server" -p 8080 -n web
	_pids+=("$(ip netns exec "$server" "$PFTEST" sink -p 5201 -d)")
done

# The K forwards: K-1 that are never hit, on other addresses, then the hit.
fillers() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
		printf "203.0.113.%d %d\n", 11 + int(i / 50000), 10000 + i % 50000 }'
}

install() {
	local k=$1 p t0 t1

	fillers $((k - 1)) | awk '{ printf "tcp %s:%s 192.168.1.2:9000\n", $1, $2 }
		END { print "tcp 203.0.113.10:80 192.168.1.2:8080" }' > "$tmp/pfmod"
	{
		echo "*nat"
		echo ":PREROUTING ACCEPT [0:0]"
		fillers $((k - 1)) | awk '{ printf "-A PREROUTING -d %s -p tcp --dport %s -j DNAT --to-destination 192.168.1.2:9000\n", $1, $2 }'
		echo "-A PREROUTING -d 203.0.113.10 -p tcp --dport 80 -j DNAT --to-destination 192.168.1.2:8080"
		echo "COMMIT"
	} > "$tmp/ipt"
	{
		echo "flush ruleset"
		echo "table ip bench {"
		echo "  map dnat_to { type ipv4_addr . inet_service : ipv4_addr . inet_service; elements = {"
		fillers $((k - 1)) | awk '{ printf "    %s . %s : 192.168.1.2 . 9000,\n", $1, $2 }'
		echo "    203.0.113.10 . 80 : 192.168.1.2 . 8080 } }"
		echo "  chain pre { type nat hook prerouting priority dstnat; dnat to ip daddr . tcp dport map @dnat_to; }"
		echo "}"
	} > "$tmp/nft"

	for p in pfmod ipt nft; do
		[ $p = ipt ] && [ "$k" -gt "$ipt_max" ] && continue
		t0=$(now)
		case $p in
		pfmod) ip netns exec "${G[$p]}" pfctl restore "$tmp/pfmod" ;;
		ipt) ip netns exec "${G[$p]}" iptables-restore < "$tmp/ipt" ;;
		nft) ip netns exec "${G[$p]}" nft -f "$tmp/nft" ;;
		esac || { say "installing $k forwards with $p failed"; exit 1; }
		t1=$(now)
		record install "$p" "$k" "$(echo "$t0 $t1" | awk '{printf "%.3f", $2 - $1}')"
		say "installed $k forwards with $p in $(echo "$t0 $t1" | awk '{printf "%.2f", $2 - $1}')s"
	done
}

# One run: $conns short connections from $nclients clients at once, each
# through its own address. The rate is the connections that succeeded over
# the wall time of the whole run, from the first client's start to the last
# one's end; the failed ones are recorded beside it. Rep 0: the warm-up,
# not recorded.
run() {
	local p=$1 k=$2 rep=$3 dst=203.0.113.10 port=80 i t0 t1 rate failed

	[ "$p" = route ] && dst=192.168.1.2 port=8080
	ip netns exec "${G[$p]}" conntrack -F 2>/dev/null
	t0=$(now)
	for i in $(seq 0 $((nclients - 1))); do
		ip netns exec "${C[$p]}" "$PFTEST" flood -w 20000 -P 2 -b "203.0.113.2$i" \
			-n $((conns / nclients)) "$dst" "$port" > "$tmp/flood.$i" 2>&1 &
	done
	wait
	t1=$(now)
	rate=$(cat "$tmp"/flood.* | awk -v t0="$t0" -v t1="$t1" '{ ok += $1 } END { printf "%.1f", ok / (t1 - t0) }')
	failed=$(cat "$tmp"/flood.* | awk '{ f += $3 } END { print f + 0 }')
	if grep -q '^pftest:' "$tmp"/flood.*; then
		say "$p K=$k run $rep: $(cat "$tmp"/flood.*)"
		failed=$conns
	fi
	if [ "$rep" = 0 ]; then
		say "$p K=$k warm-up: $rate conn/s ($failed failed)"
		return
	fi
	record rate "$p" "$k" "$rep" "$rate" "$failed"
	say "$p K=$k run $rep: $rate conn/s ($failed failed)"
}

# The paths that run at K, in a random order.
paths_at() {
	local p

	for p in $paths; do
		[ $p = ipt ] && [ "$1" -gt "$ipt_max" ] && continue
		echo $p
	done | shuf
}

for k in $ks; do
	install "$k"
	for rep in $(seq 0 "$reps"); do
		for p in $(paths_at "$k"); do
			run "$p" "$k" "$rep"
		done
	done
done
record meta ipt_max "$ipt_max"

# Kernel memory per forward: slab, vmalloc and percpu before and after
# 100,000 forwards (the hash table grows from a worker: let it finish).
mem() { awk '/^(Slab|VmallocUsed|Percpu):/ { s += $2 } END { print s * 1024 }' /proc/meminfo; }
g=${G[pfmod]}
ip netns exec "$g" pfctl flush
for p in $paths; do ip netns exec "${G[$p]}" conntrack -F 2>/dev/null; done
sleep 2
before=$(mem)
fillers 100000 | awk '{ printf "tcp %s:%s 192.168.1.2:9000\n", $1, $2 }' > "$tmp/mem"
ip netns exec "$g" pfctl restore "$tmp/mem" || exit 1
sleep 2
after=$(mem)
record mem bytes_per_forward "$(( (after - before) / 100000 ))"
# The forward cache (KMEM_CACHE(pf_fwd)): SLUB keeps its name under
# /sys/kernel/slab even when it shares a slab with another cache.
record mem slab_object_size "$(cat /sys/kernel/slab/pf_fwd/object_size 2>/dev/null ||
	awk '/^pf_fwd / { print $4 }' /proc/slabinfo 2>/dev/null)"
say "memory: $(( (after - before) / 100000 )) bytes per forward"
ip netns exec "$g" pfctl flush

# Throughput of one established flow: pfmod vs iptables DNAT.
ip netns exec "${G[pfmod]}" pfctl add 5201 192.168.1.2
ip netns exec "${G[ipt]}" iptables -t nat -F
ip netns exec "${G[ipt]}" iptables -t nat -A PREROUTING -p tcp --dport 5201 -j DNAT --to-destination 192.168.1.2:5201
for rep in $(seq 1 "$reps"); do
	for p in $(printf 'pfmod\nipt\n' | shuf); do
		r=$(ip netns exec "${C[$p]}" "$PFTEST" blast -t 5 203.0.113.10 5201 | awk '{print $5}')
		record tput "$p" "$rep" "$r"
		say "throughput $p run $rep: $r MB/s"
	done
done
rm -rf "$tmp"

# The lookup's cost, with pfmod's code in a module of its own: pfmod goes
# first (both would name a slab cache pf_fwd).
if [ "${BENCH_LOOKUP:-1}" != 0 ]; then
	ip netns exec "$g" pfctl flush
	rmmod pfmod || exit 1
	say "lookup cost"
	selftests/bench/lookup-cost-guest.sh selftests/bench/lookup/pflookup.ko >> "$tsv" || exit 1
fi
say done
