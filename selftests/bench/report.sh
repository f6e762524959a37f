#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Turns the guest's bench.tsv into bench/results/<date>.md, a plot of the
# new-connection rate against the number of forwards (bench/results/
# rate-vs-k.png), bench/results/latest.md, and the README's bench section.
#
# usage: report.sh BENCH.TSV

set -eu
cd "$(dirname "$0")/../.."
tsv=$1
date=$(date -u +%Y-%m-%d)
dir=bench/results
mkdir -p "$dir"
md=$dir/$date.md
png=$dir/rate-vs-k.png
meta() { awk -F'\t' -v k="$1" '$1 == "meta" && $2 == k { print $3 }' "$tsv"; }

# median, min, max of a column of numbers
stats() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (!NR) { print "- - -"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.0f %.0f %.0f\n", m, v[1], v[NR] }'
}

paths="route pfmod ipt nft"
ks=$(awk -F'\t' '$1 == "rate" { print $3 }' "$tsv" | sort -nu | tr '\n' ' ')
declare -A med
: > "$dir/rate.dat"
for k in $ks; do
	line="$k"
	for p in $paths; do
		read -r m lo hi < <(awk -F'\t' -v p="$p" -v k="$k" '$1 == "rate" && $2 == p && $3 == k { print $5 }' "$tsv" | stats)
		med[$p,$k]=$m
		line+=" $m $lo $hi"
	done
	echo "$line" >> "$dir/rate.dat"
done

{
	echo "# pfmod benchmark, $date"
	echo
	echo "Machine: $(nproc) host cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)),"
	echo "guest: Debian kernel $(meta kernel), $(meta cpus) vCPUs under QEMU TCG (software"
	echo "emulation: absolute numbers are far below real hardware; compare the columns)."
	echo "$(meta iptables); $(meta nft)."
	echo
	echo "## New connections per second"
	echo
	echo "$(meta conns_per_run) short TCP connections per run (connect, one request, answer,"
	echo "close) from $(meta clients) clients at once, a fresh conntrack entry each; median of"
	echo "the runs (min-max), runs of the four paths interleaved."
	echo
	echo "| forwards (K) | routing, conntrack only | pfmod | iptables DNAT, hit last | nft DNAT map | pfmod / routing |"
	echo "|---:|---:|---:|---:|---:|---:|"
	while read -r k rm rl rh pm pl ph im il ih nm nl nh; do
		ratio=$(awk -v a="$pm" -v b="$rm" 'BEGIN { if (a == "-" || b == "-" || !b) print "-"; else printf "%.2f", a / b }')
		cell() { [ "$1" = - ] && echo "not run" || echo "$1 ($2-$3)"; }
		echo "| $k | $(cell "$rm" "$rl" "$rh") | $(cell "$pm" "$pl" "$ph") | $(cell "$im" "$il" "$ih") | $(cell "$nm" "$nl" "$nh") | $ratio |"
	done < "$dir/rate.dat"
	echo
	echo "iptables was run up to K = $(meta ipt_max): its rules are a list walked for every new"
	echo "connection, and above that a run takes minutes."
	echo
	echo "## Installing K forwards (seconds, one command)"
	echo
	echo "| K | pfctl restore | iptables-restore | nft -f (map) |"
	echo "|---:|---:|---:|---:|"
	for k in $ks; do
		row="| $k"
		for p in pfmod ipt nft; do
			v=$(awk -F'\t' -v p="$p" -v k="$k" '$1 == "install" && $2 == p && $3 == k { print $4 }' "$tsv")
			row+=" | ${v:-not run}"
		done
		echo "$row |"
	done
	echo
	echo "## Kernel memory"
	echo
	echo "$(awk -F'\t' '$1 == "mem" && $2 == "bytes_per_forward" { print $3 }' "$tsv") bytes per forward:"
	echo "slab + vmalloc + percpu before and after restoring 100,000 forwards."
	echo
	echo "## One established flow (MB/s, 5 s each)"
	echo
	echo "| | median | runs |"
	echo "|---|---:|---|"
	for p in pfmod ipt; do
		runs=$(awk -F'\t' -v p="$p" '$1 == "tput" && $2 == p { printf "%s ", $4 }' "$tsv")
		m=$(awk -F'\t' -v p="$p" '$1 == "tput" && $2 == p { print $4 }' "$tsv" | stats | cut -d' ' -f1)
		name=$([ $p = pfmod ] && echo pfmod || echo "iptables DNAT")
		echo "| $name | $m | $runs|"
	done
	echo
	echo "![new connections per second against K]($(basename "$png"))"
} > "$md"
cp "$md" "$dir/latest.md"

sed -i 's/ - - -/ NaN NaN NaN/g' "$dir/rate.dat"
gnuplot <<EOF
set terminal pngcairo size 900,560 font "sans,11"
set output "$png"
set title "New TCP connections per second through the gateway (guest under QEMU TCG)"
set xlabel "forwards (K)"
set ylabel "connections per second (median, min-max)"
set logscale x
set xrange [0.5:200000]
set yrange [0:*]
set key bottom left
set grid
plot "$dir/rate.dat" using 1:2:3:4 with yerrorlines lw 2 title "routing, conntrack only", \
     "" using 1:5:6:7 with yerrorlines lw 2 title "pfmod", \
     "" using 1:8:9:10 with yerrorlines lw 2 title "iptables DNAT (hit last)", \
     "" using 1:11:12:13 with yerrorlines lw 2 title "nft DNAT map"
EOF

# The README shows the latest results.
awk -v md="$dir/latest.md" '
	/<!-- bench:begin -->/ { print; while ((getline l < md) > 0) if (l !~ /^# /) print l; skip = 1; next }
	/<!-- bench:end -->/ { skip = 0 }
	!skip' README.md | sed "s|(rate-vs-k.png)|(bench/results/rate-vs-k.png)|" > README.md.new
mv README.md.new README.md
echo "bench: results in $md and $png; README updated"
