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

# The ratio pfmod / routing at K: the mean of the ratios of the runs of
# the same repetition (they ran minutes apart at most), and its 95 %
# confidence interval from 10,000 bootstrap resamples of the repetitions.
# Prints "RATIO LO HI", or "- - -" without pairs.
ratio_ci() {
	awk -F'\t' -v k="$1" '$1 == "rate" && $3 == k && ($2 == "route" || $2 == "pfmod") {
		v[$2, $4] = $5; reps[$4] = 1 }
		END {
			for (r in reps)
				if ((("route", r) in v) && (("pfmod", r) in v) && v["route", r] > 0)
					x[n++] = v["pfmod", r] / v["route", r]
			if (!n) exit
			for (i = 0; i < n; i++) s += x[i]
			srand(1)
			for (b = 0; b < 10000; b++) {
				t = 0
				for (i = 0; i < n; i++) t += x[int(rand() * n)]
				m[b] = t / n
			}
			for (b = 0; b < 10000; b++) print "m", m[b]
			printf "r %.3f\n", s / n
		}' "$tsv" | sort -k2,2g | awk '$1 == "r" { r = $2; next } { m[i++] = $2 }
		END { if (r == "") print "- - -"; else printf "%s %.3f %.3f\n", r, m[249], m[9750] }'
}

# Failed connections of a path at K, over all its runs.
failures() {
	awk -F'\t' -v p="$1" -v k="$2" '$1 == "rate" && $2 == p && $3 == k { f += $6 } END { print f + 0 }' "$tsv"
}

paths="route pfmod ipt nft"
ks=$(awk -F'\t' '$1 == "rate" { print $3 }' "$tsv" | sort -nu | tr '\n' ' ')
declare -A fail
: > "$dir/rate.dat"
for k in $ks; do
	line="$k"
	for p in $paths; do
		read -r m lo hi < <(awk -F'\t' -v p="$p" -v k="$k" '$1 == "rate" && $2 == p && $3 == k { print $5 }' "$tsv" | stats)
		fail[$p,$k]=$(failures "$p" "$k")
		line+=" $m $lo $hi"
	done
	echo "$line $(ratio_ci "$k")" >> "$dir/rate.dat"
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
	echo "close) from $(meta clients) clients at once, a fresh conntrack entry each. A run's"
	echo "rate: the connections that succeeded over the wall time of the whole run. Each"
	echo "cell: the median of $(meta reps) runs (min-max); at each K every path first ran once"
	echo "unrecorded (a warm-up), then the paths ran in a new random order each repetition."
	echo "A cell whose runs had failed connections says how many (**N failed**)."
	echo "pfmod / routing: the mean of the per-repetition ratios, [95 % bootstrap interval]."
	echo
	echo "| forwards (K) | routing, conntrack only | pfmod | iptables DNAT, hit last | nft DNAT map | pfmod / routing |"
	echo "|---:|---:|---:|---:|---:|---:|"
	while read -r k rm rl rh pm pl ph im il ih nm nl nh q ql qh; do
		cell() {
			[ "$1" = - ] && { echo "not run"; return; }
			echo "$1 ($2-$3)$([ "${fail[$4,$k]}" = 0 ] || echo " **${fail[$4,$k]} failed**")"
		}
		ratio=$([ "$q" = - ] && echo - || echo "$q [$ql-$qh]")
		echo "| $k | $(cell "$rm" "$rl" "$rh" route) | $(cell "$pm" "$pl" "$ph" pfmod) | $(cell "$im" "$il" "$ih" ipt) | $(cell "$nm" "$nl" "$nh" nft) | $ratio |"
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
	if grep -q '^lookup' "$tsv"; then
		echo "## The lookup's cost (ns per new connection)"
		echo
		echo "pfmod's own lookup code in a counted loop (selftests/bench/lookup, in the same"
		echo "guest), for tables of each shape; each cell the median of the rounds (min-max)."
		echo "The scan (every forward, the README's rules) is the model the index is tested"
		echo "against, timed on the smaller tables only."
		echo
		selftests/bench/lookup-table.sh "$tsv"
		echo
	fi
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

sed -i ':a; s/ - - -\( \|$\)/ NaN NaN NaN\1/; ta' "$dir/rate.dat"
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
set y2label "pfmod / routing (mean, 95 % bootstrap interval)"
set y2range [0:1.5]
set y2tics
set ytics nomirror
plot "$dir/rate.dat" using 1:2:3:4 with yerrorlines lw 2 title "routing, conntrack only", \
     "" using 1:5:6:7 with yerrorlines lw 2 title "pfmod", \
     "" using 1:8:9:10 with yerrorlines lw 2 title "iptables DNAT (hit last)", \
     "" using 1:11:12:13 with yerrorlines lw 2 title "nft DNAT map", \
     "" using 1:14:15:16 axes x1y2 with yerrorbars pt 7 lc rgb "black" title "pfmod / routing (right axis)"
EOF

# The README shows the latest results.
awk -v md="$dir/latest.md" '
	/<!-- bench:begin -->/ { print; while ((getline l < md) > 0) if (l !~ /^# /) print l; skip = 1; next }
	/<!-- bench:end -->/ { skip = 0 }
	!skip' README.md | sed "s|(rate-vs-k.png)|(bench/results/rate-vs-k.png)|" > README.md.new
mv README.md.new README.md
echo "bench: results in $md and $png; README updated"
