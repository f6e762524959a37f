#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`, in the guest: the new-connection rate through a gateway with
# K forwards, for five paths side by side, each in a gateway network of its
# own (selftests/lib.sh, topo_gateway):
#   route  routing without NAT, conntrack only (the floor)
#   pfmod  pfmod with K forwards, the hit being one of them
#   ipt    iptables DNAT with K rules, the hit last
#   nft    nftables DNAT through maps of K elements in all
#   ipvs   IPVS NAT (ipvsadm) with K virtual services (single ports only:
#          IPVS does not match sources)
# for tables of four shapes (the K forwards, the hit one of them):
#   single  single ports on K addresses and ports; the hit 203.0.113.10:80
#   from    port 80, each forward from its own source (/32); the hit from
#           the clients' 203.0.113.16/28
#   range   ports 1024-65535, each from its own source; the hit from the
#           clients' /28, to port 8080
#   mixed   a third of each of the three, the hit as in from
# plus the time to install K forwards with each tool and to save them
# (BENCH_INSTALLS runs each), pfmod's kernel memory per forward for each
# shape, the throughput of one established flow (pfmod with and without
# offload, iptables, nft with a flowtable), and the cost of pfmod's lookup
# in ns for every shape of table (lookup-cost-guest.sh).
#
# Results go to $PFMOD_OUT/bench.tsv (selftests/bench/report.sh reads it).
# At each shape and K every path first runs once unrecorded (a warm-up),
# then BENCH_REPS times, in a new random order each repetition: a drift of
# the machine's speed falls on every path alike. A tool whose install takes
# longer than BENCH_INSTALL_LIMIT seconds at some K is not run at larger K
# of that shape (recorded as such); an install still going after
# BENCH_INSTALL_TIMEOUT seconds is stopped, and that tool does not run at
# that K or larger of that shape (recorded too): one slow tool cannot use up
# the whole run's time. The timeout stops a tool in user space only: a
# transaction it has handed to the kernel runs on to its end, on one of the
# guest's CPUs. nft's maps of sources (interval maps of concatenations:
# the from, range and mixed shapes) are such a case: at 100,000 elements
# nft's transaction took 282 s in one run (from) and had not ended after
# 25 minutes (range) and 35 minutes (from) in others (2026-12-02 and
# 2026-12-03, 6.1), so nft runs those shapes up to BENCH_NFT_INTERVAL_MAX
# only.
#
# Environment: BENCH_SHAPES ("single from range mixed"), BENCH_KS
# ("1 1000 100000 1000000"), BENCH_REPS (5), BENCH_INSTALLS (3),
# BENCH_CONNS (3000 per run), BENCH_IPT_MAX (largest K for iptables,
# 100000), BENCH_NFT_INTERVAL_MAX (largest K for nft with the from, range
# and mixed shapes, 1000), BENCH_INSTALL_LIMIT (60), BENCH_INSTALL_TIMEOUT (600),
# BENCH_LOOKUP (0: no lookup cost);
# LOOKUP_* (lookup-cost-guest.sh).

set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/lib.sh
source selftests/bench/paths.sh
export PATH=$PWD/userspace-tool:$PATH

out=${PFMOD_OUT:-/tmp}
tsv=$out/bench.tsv
shapes=${BENCH_SHAPES:-single from range mixed}
ks=${BENCH_KS:-1 1000 100000 1000000}
reps=${BENCH_REPS:-5}
installs=${BENCH_INSTALLS:-3}
conns=${BENCH_CONNS:-3000}
ipt_max=${BENCH_IPT_MAX:-100000}
nft_interval_max=${BENCH_NFT_INTERVAL_MAX:-1000}
install_limit=${BENCH_INSTALL_LIMIT:-60}
install_timeout=${BENCH_INSTALL_TIMEOUT:-600}
nclients=4
kmax=$(printf '%s\n' $ks | sort -n | tail -n1)
tmp=$(mktemp -d)

say() { echo "bench: $*"; }
now() { date +%s.%N; }
record() { printf '%s\n' "$(IFS=$'\t'; echo "$*")" >> "$tsv"; }
since() { echo "$1 $(now)" | awk '{ printf "%.3f", $2 - $1 }'; }

: > "$tsv"
record meta kernel "$(uname -r)"
record meta cpus "$(nproc)"
record meta cpu "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
record meta iptables "$(iptables --version)"
record meta nft "$(nft --version)"
record meta ipvsadm "$(ipvsadm --version 2>&1 | head -n1)"
record meta conns_per_run "$conns"
record meta clients "$nclients"
record meta reps "$reps"
record meta installs "$installs"
record meta install_limit "$install_limit"
record meta install_timeout "$install_timeout"
record meta ipt_max "$ipt_max"
record meta nft_interval_max "$nft_interval_max"

# Conntrack in every namespace from the start: the routing floor tracks
# connections like the others.
modprobe nf_conntrack enable_hooks=1 || exit 1
modprobe -a ip_vs ip_vs_rr || exit 1
# insmod loads nothing the module needs: what modinfo names goes first.
modprobe -a $(modinfo -F depends pfmod.ko | tr , ' ') || exit 1
insmod pfmod.ko max_forwards=$((kmax + 1)) || exit 1
echo 262144 > /proc/sys/net/netfilter/nf_conntrack_max

# OFF[PATH,SHAPE]: the largest K that path runs at with that shape, once
# an install was too slow.
declare -A C G S OFF
bench_gateways "$nclients"

# The port the clients connect to with @shape's hit.
hit_port() { [ "$1" = range ] && echo 8080 || echo 80; }

# Whether path @p runs with @shape at @k.
applies() {
	local p=$1 s=$2 k=$3

	[ -z "${OFF[$p,$s]:-}" ] || [ "$k" -le "${OFF[$p,$s]}" ] || return 1
	[ "$p" = ipt ] && [ "$k" -gt "$ipt_max" ] && return 1
	[ "$p" = nft ] && [ "$s" != single ] && [ "$k" -gt "$nft_interval_max" ] && return 1
	[ "$p" = ipvs ] && [ "$s" != single ] && return 1
	return 0
}

# Kernel memory: slab, vmalloc and percpu.
mem() { awk '/^(Slab|VmallocUsed|Percpu):/ { s += $2 } END { print s * 1024 }' /proc/meminfo; }

# Empties path @p's table (not timed).
clear_path() {
	local g=${G[$1]}

	case $1 in
	pfmod) ip netns exec "$g" pfctl flush ;;
	ipt) ip netns exec "$g" iptables -t nat -F ;;
	nft) ip netns exec "$g" nft flush ruleset ;;
	ipvs) ip netns exec "$g" ipvsadm -C ;;
	esac
}

# Times @p's save of the table it has just installed (shape @s, K @k, run
# @i), to a file; pfmod's must hold all @k forwards. A save still going
# after $install_timeout seconds is stopped (recorded as such).
save() {
	local s=$1 p=$2 k=$3 i=$4 t0 t rc=0 n

	t0=$(now)
	bench_save "$p" "$install_timeout" || rc=$?
	t=$(since "$t0")
	if [ "$rc" = 124 ]; then
		say "$p: saving $s x $k stopped after ${install_timeout}s"
		record savestopped "$s" "$p" "$k" "$t"
		rm -f "$tmp/saved.$p"
		return
	fi
	[ "$rc" = 0 ] || { say "saving $s x $k with $p failed"; exit 1; }
	if [ "$p" = pfmod ]; then
		n=$(grep -vc '^#' "$tmp/saved.$p")
		[ "$n" = "$k" ] || { say "pfctl save wrote $n forwards of $s x $k"; exit 1; }
	fi
	rm -f "$tmp/saved.$p"
	record save "$s" "$p" "$k" "$i" "$t"
	say "saved $s x $k with $p in ${t}s (run $i)"
}

# Installs shape @s with @k forwards with every tool, $installs times each,
# from an empty table each time, and saves each install (save); the last
# stays. pfmod's kernel memory per forward is measured around its last
# install, before its save (K >= 100000: below, the kernel's own churn of a
# few hundred KB outweighs the table).
install() {
	local s=$1 k=$2 p i t0 t rc before=

	bench_inputs "$s" "$k"
	for p in pfmod ipt nft ipvs; do
		applies "$p" "$s" "$k" || continue
		for i in $(seq 1 "$installs"); do
			clear_path "$p"
			if [ "$p" = pfmod ] && [ "$i" = "$installs" ] && [ "$k" -ge 100000 ]; then
				sleep 2
				before=$(mem)
			fi
			t0=$(now)
			rc=0
			bench_load "$p" "$install_timeout" || rc=$?
			t=$(since "$t0")
			if [ "$rc" = 124 ]; then
				say "$p: installing $s x $k stopped after ${install_timeout}s: not run at $s x $k or larger"
				OFF[$p,$s]=0
				record stopped "$s" "$p" "$k" "$t"
				clear_path "$p"
				before=
				break
			fi
			[ "$rc" = 0 ] || { say "installing $s x $k with $p failed"; exit 1; }
			record install "$s" "$p" "$k" "$i" "$t"
			say "installed $s x $k with $p in ${t}s (run $i)"
			if [ -n "$before" ]; then
				sleep 2
				record mem "$s" "$k" "$(( ($(mem) - before) / k ))"
				before=
			fi
			save "$s" "$p" "$k" "$i"
			if awk -v t="$t" -v l="$install_limit" 'BEGIN { exit !(t > l) }'; then
				say "$p: over ${install_limit}s at $s x $k: not run at larger K of $s"
				OFF[$p,$s]=$k
				record cutoff "$s" "$p" "$k" "$t"
				break
			fi
		done
	done
}

# One run: $conns short connections from $nclients clients at once, each
# through its own address. The rate is the connections that succeeded over
# the wall time of the whole run, from the first client's start to the last
# one's end; the failed ones are recorded beside it. Rep 0: the warm-up,
# not recorded.
run() {
	local s=$1 p=$2 k=$3 rep=$4 dst=203.0.113.10 port i t0 t1 rate failed

	port=$(hit_port "$s")
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
		say "$s $p K=$k run $rep: $(cat "$tmp"/flood.*)"
		failed=$conns
	fi
	if [ "$rep" = 0 ]; then
		say "$s $p K=$k warm-up: $rate conn/s ($failed failed)"
		return
	fi
	record rate "$s" "$p" "$k" "$rep" "$rate" "$failed"
	say "$s $p K=$k run $rep: $rate conn/s ($failed failed)"
}

# The paths that run with shape @1 at K @2, in a random order.
paths_at() {
	local p

	for p in $paths; do
		applies "$p" "$1" "$2" && echo $p
	done | shuf
}

for s in $shapes; do
	for k in $ks; do
		install "$s" "$k"
		for rep in $(seq 0 "$reps"); do
			for p in $(paths_at "$s" "$k"); do
				run "$s" "$p" "$k" "$rep"
			done
		done
	done
	for p in pfmod ipt nft ipvs; do
		clear_path "$p"
	done
done
# The forward cache (KMEM_CACHE(pf_fwd)): SLUB keeps its name under
# /sys/kernel/slab even when it shares a slab with another cache.
record meta slab_object_size "$(cat /sys/kernel/slab/pf_fwd/object_size 2>/dev/null ||
	awk '/^pf_fwd / { print $4 }' /proc/slabinfo 2>/dev/null)"
g=${G[pfmod]}

# Throughput of one established flow: pfmod, pfmod with offload (its flow
# fast path), iptables DNAT, and nft DNAT with an nft flowtable. Kernels
# without pfmod's fast path (before 5.11) have no offload row.
ip netns exec "${G[pfmod]}" pfctl add 5201 192.168.1.2
offload=offload
ip netns exec "${G[pfmod]}" pfctl add 5202 192.168.1.2:5201 offload || offload=
ip netns exec "${G[ipt]}" iptables -t nat -F
ip netns exec "${G[ipt]}" iptables -t nat -A PREROUTING -p tcp --dport 5201 -j DNAT --to-destination 192.168.1.2:5201
ip netns exec "${G[nft]}" nft -f - <<-EOF || exit 1
	table ip tput {
		chain pre { type nat hook prerouting priority dstnat; tcp dport 5201 dnat to 192.168.1.2:5201; }
	}
	table inet ft {
		flowtable f { hook ingress priority 0; devices = { eth0, eth1 }; }
		chain fastpath { type filter hook forward priority 0; ip protocol tcp flow add @f; }
	}
EOF
declare -A TC=([pfmod]=${C[pfmod]} [offload]=${C[pfmod]} [ipt]=${C[ipt]} [nft_ft]=${C[nft]})
declare -A TP=([pfmod]=5201 [offload]=5202 [ipt]=5201 [nft_ft]=5201)
for rep in $(seq 1 "$reps"); do
	for p in $(printf '%s\n' pfmod $offload ipt nft_ft | shuf); do
		r=$(ip netns exec "${TC[$p]}" "$PFTEST" blast -t 5 203.0.113.10 "${TP[$p]}" | awk '{print $5}')
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
