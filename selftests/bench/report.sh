#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Keeps the guest's bench.tsv as bench/results/<date>.tsv (a day's later
# runs <date>-2, -3 and on) and turns it into bench/results/<date>.md, a
# plot of the new-connection rate, pfmod / routing, against the number of
# forwards for each shape (bench/results/rate-vs-k.png),
# bench/results/latest.md, and the README's bench section.
#
# usage: report.sh BENCH.TSV

set -eu
cd "$(dirname "$0")/../.."
tsv=$1
date=$(date -u +%Y-%m-%d)
dir=bench/results
mkdir -p "$dir"
# The day's first run is <date>, its later ones <date>-2, -3 and on; a
# report made again the same day from the TSV it kept keeps its name.
name=$date
n=1
while [ -e "$dir/$name.tsv" ] && ! [ "$tsv" -ef "$dir/$name.tsv" ]; do
	n=$((n + 1))
	name=$date-$n
done
md=$dir/$name.md
png=$dir/rate-vs-k.png
# The measurements themselves, beside the report made from them.
[ "$tsv" -ef "$dir/$name.tsv" ] || cp "$tsv" "$dir/$name.tsv"
meta() { awk -F'\t' -v k="$1" '$1 == "meta" && $2 == k { print $3 }' "$tsv"; }

# median, min, max of a column of numbers
stats() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (!NR) { print "- - -"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.0f %.0f %.0f\n", m, v[1], v[NR] }'
}

# The ratio pfmod / routing for shape $1 at K $2: the mean of the ratios of
# the runs of the same repetition (they ran minutes apart at most), and its
# 95 % confidence interval from 10,000 bootstrap resamples of the
# repetitions. Prints "RATIO LO HI", or "- - -" without pairs.
ratio_ci() {
	awk -F'\t' -v s="$1" -v k="$2" '$1 == "rate" && $2 == s && $4 == k && ($3 == "route" || $3 == "pfmod") {
		v[$3, $5] = $6; reps[$5] = 1 }
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

# Column $5 of the TSV's rows of kind $1 with shape $2, path $3 and K $4.
col() {
	awk -F'\t' -v t="$1" -v s="$2" -v p="$3" -v k="$4" -v c="$5" \
		'$1 == t && $2 == s && $3 == p && $4 == k { print $c }' "$tsv"
}

paths="route pfmod ipt nft ipvs"
declare -A title=([route]="routing, conntrack only" [pfmod]=pfmod [ipt]="iptables DNAT, hit last"
	[nft]="nft DNAT maps" [ipvs]="IPVS NAT")
declare -A tool=([pfmod]="pfctl restore" [ipt]="iptables-restore" [nft]="nft -f" [ipvs]="ipvsadm -R")
declare -A saver=([pfmod]="pfctl save" [ipt]="iptables-save" [nft]="nft list ruleset"
	[ipvs]="ipvsadm -S")
declare -A what=([single]="K single ports on K addresses and ports, the hit one of them"
	[from]="K forwards of port 80, each from its own source (/32), the hit from the clients' /28"
	[range]="K forwards of ports 1024-65535, each from its own source, the hit from the clients' /28"
	[mixed]="a third of each of the three, the hit from the clients' /28")
shapes=$(awk -F'\t' '$1 == "rate" && !seen[$2]++ { print $2 }' "$tsv" | tr '\n' ' ')
ks_of() { awk -F'\t' -v s="$1" -v t="$2" '$1 == t && $2 == s { print $4 }' "$tsv" | sort -nu | tr '\n' ' '; }

# Why path $2 has no result with shape $1 at K $3.
not_run() {
	local s=$1 p=$2 k=$3 c t

	c=$(awk -F'\t' -v s="$s" -v p="$p" -v k="$k" \
		'$1 == "cutoff" && $2 == s && $3 == p && $4 < k { print $4 " (" $5 " s)"; exit }' "$tsv")
	t=$(awk -F'\t' -v s="$s" -v p="$p" -v k="$k" \
		'$1 == "stopped" && $2 == s && $3 == p && $4 <= k { print $4; exit }' "$tsv")
	if [ -n "$t" ]; then
		echo "not run: install stopped after $(meta install_timeout) s at K = $t"
	elif [ -n "$c" ]; then
		echo "not run: install over $(meta install_limit) s at K = $c"
	elif [ "$p" = ipvs ] && [ "$s" != single ]; then
		echo "n/a"
	elif [ "$p" = ipt ] && [ "$k" -gt "$(meta ipt_max)" ]; then
		echo "not run (K > $(meta ipt_max))"
	elif [ "$p" = nft ] && [ "$s" != single ] && [ "$k" -gt "$(meta nft_interval_max)" ]; then
		echo "not run (K > $(meta nft_interval_max))"
	else
		echo "not run"
	fi
}

# A table per shape of the seconds the tools took, rows of kind $1 (install
# or save): the median of each tool's runs at each K (min-max); $2 names
# the array of the tools' commands, the columns' titles.
seconds_tables() {
	local kind=$1 s k p m lo hi row
	local -n cmd=$2

	for s in $shapes; do
		echo
		echo "### $s"
		echo
		row="| K"
		for p in pfmod ipt nft ipvs; do row+=" | ${cmd[$p]}"; done
		echo "$row |"
		echo "|---:|---:|---:|---:|---:|"
		for k in $(ks_of "$s" install); do
			row="| $k"
			for p in pfmod ipt nft ipvs; do
				read -r m lo hi < <(col "$kind" "$s" "$p" "$k" 6 | sort -g | awk '{ v[NR] = $1 } END {
					if (!NR) { print "- - -"; exit }
					printf "%.3f %.3f %.3f\n", v[int((NR + 1) / 2)], v[1], v[NR] }')
				if [ "$m" != - ]; then
					row+=" | $m ($lo-$hi)"
				elif [ "$kind" = save ] && [ -n "$(col savestopped "$s" "$p" "$k" 5)" ]; then
					row+=" | stopped after $(meta install_timeout) s"
				else
					row+=" | $(not_run "$s" "$p" "$k")"
				fi
			done
			echo "$row |"
		done
	done
}

: > "$dir/ratio.dat"
{
	echo "# pfmod benchmark, $date"
	echo
	echo "Machine: $(nproc) host cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)),"
	echo "guest: Debian kernel $(meta kernel), $(meta cpus) vCPUs under QEMU TCG (software"
	echo "emulation: absolute numbers are far below real hardware; compare the columns)."
	echo "$(meta iptables); $(meta nft); $(meta ipvsadm)."
	echo
	echo "## New connections per second"
	echo
	echo "$(meta conns_per_run) short TCP connections per run (connect, one request, answer,"
	echo "close) from $(meta clients) clients at once, a fresh conntrack entry each. A run's"
	echo "rate: the connections that succeeded over the wall time of the whole run. Each"
	echo "cell: the median of $(meta reps) runs (min-max); at each shape and K every path first"
	echo "ran once unrecorded (a warm-up), then the paths ran in a new random order each"
	echo "repetition. A cell whose runs had failed connections says how many (**N failed**)."
	echo "pfmod / routing: the mean of the per-repetition ratios, [95 % bootstrap interval]."
	echo "iptables ran up to K = $(meta ipt_max), nft with the from, range and mixed shapes"
	echo "(interval maps) up to K = $(meta nft_interval_max) (bench.sh says why); a tool whose install took"
	echo "over $(meta install_limit) s did not run at larger K of that shape, one whose install was"
	echo "stopped after $(meta install_timeout) s not at that K either."
	for s in $shapes; do
		echo
		echo "### $s: ${what[$s]:-$s}"
		echo
		row="| forwards (K)"
		for p in $paths; do row+=" | ${title[$p]}"; done
		echo "$row | pfmod / routing |"
		echo "|---:|---:|---:|---:|---:|---:|---:|"
		for k in $(ks_of "$s" rate); do
			row="| $k"
			for p in $paths; do
				read -r m lo hi < <(col rate "$s" "$p" "$k" 6 | stats)
				f=$(col rate "$s" "$p" "$k" 7 | awk '{ f += $1 } END { print f + 0 }')
				if [ "$m" = - ]; then
					row+=" | $(not_run "$s" "$p" "$k")"
				else
					row+=" | $m ($lo-$hi)$([ "$f" = 0 ] || echo " **$f failed**")"
				fi
			done
			read -r q ql qh < <(ratio_ci "$s" "$k")
			echo "$s $k $q $ql $qh" >> "$dir/ratio.dat"
			echo "$row | $([ "$q" = - ] && echo - || echo "$q [$ql-$qh]") |"
		done
	done
	echo
	echo "## Installing K forwards (seconds, one command)"
	echo
	echo "From an empty table each time; the median of $(meta installs) runs (min-max)."
	seconds_tables install tool
	echo
	echo "## Saving K forwards (seconds, one command)"
	echo
	echo "Each install above saved to a file by its tool right after it; the median of"
	echo "the $(meta installs) runs (min-max)."
	seconds_tables save saver
	echo
	echo "## Kernel memory per forward (bytes)"
	echo
	echo "Slab + vmalloc + percpu before and after pfmod's last install of each shape"
	echo "and K (K >= 100000), over K; the forward cache's objects are"
	echo "$(meta slab_object_size) bytes."
	echo
	echo "| shape | K | bytes per forward |"
	echo "|---|---:|---:|"
	awk -F'\t' '$1 == "mem" { printf "| %s | %s | %s |\n", $2, $3, $4 }' "$tsv"
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
	if grep -q '^lookupcount' "$tsv"; then
		echo "## The lookup's work (guest instructions per lookup)"
		echo
		echo "The same lookups counted instead of timed: QEMU adds up the instructions the"
		echo "guest runs (selftests/bench/lookup-count.sh, a boot of its own, the hash's"
		echo "resizing over): one lookup in pfmod's own functions, and in the whole kernel"
		echo "(with what they call, and timer interrupts meanwhile). Where the ns above"
		echo "grow with K and these do not, the growth is the emulator's cost of reaching"
		echo "more memory, not more work."
		echo
		echo "| shape | K | pfmod's functions | whole kernel |"
		echo "|---|---:|---:|---:|"
		awk -F'\t' '$1 == "lookupcount" { printf "| %s | %s | %s | %s |\n", $2, $3, $4, $5 }' "$tsv"
		echo
	fi
	if grep -q '^connleast' "$tsv"; then
		echo "## What a new connection costs (guest instructions per connection)"
		echo
		echo "1,000 connections one after another through each path at K = 1 (a single"
		echo "port), counted instead of timed: QEMU adds up the instructions the guest runs"
		echo "(selftests/bench/conn-count.sh, a boot of its own): all of them, both ends'"
		echo "user space and TCP included, on one CPU whose clock counts instructions"
		echo "(-icount), so that timer interrupts and the scheduler's periodic work do not"
		echo "follow the host's speed. Each path's least over its rounds (they agree within"
		echo "2 %), and each part's, the least of each of its functions: the NAT core"
		echo "(nf_nat), conntrack, pfmod's own functions."
		echo
		echo "| path | per connection | / routing | nf_nat | nf_conntrack | pfmod |"
		echo "|---|---:|---:|---:|---:|---:|"
		awk -F'\t' '$1 == "connpart" { part[$2, $3] = $4 }
			$1 == "connleast" { order[++n] = $2; least[$2] = $3; ratio[$2] = $4 }
			END {
				name["route"] = "routing (the floor)"; name["pfmod"] = "pfmod"
				name["ipt"] = "iptables DNAT"; name["nft"] = "nft DNAT (map)"
				name["ipvs"] = "IPVS NAT"
				for (i = 1; i <= n; i++) {
					p = order[i]
					printf "| %s | %s | %s | %d | %d | %d |\n", name[p], least[p], ratio[p],
						part[p, "nf_nat"], part[p, "nf_conntrack"], part[p, "pfmod"]
				}
			}' "$tsv"
		echo
	fi
	echo "## One established flow (MB/s, 5 s each)"
	echo
	echo "| | median | runs |"
	echo "|---|---:|---|"
	declare -A tname=([pfmod]=pfmod [offload]="pfmod, offload" [ipt]="iptables DNAT"
		[nft_ft]="nft DNAT, nft flowtable")
	for p in pfmod offload ipt nft_ft; do
		runs=$(awk -F'\t' -v p="$p" '$1 == "tput" && $2 == p { printf "%s ", $4 }' "$tsv")
		[ -n "$runs" ] || continue
		m=$(awk -F'\t' -v p="$p" '$1 == "tput" && $2 == p { print $4 }' "$tsv" | stats | cut -d' ' -f1)
		echo "| ${tname[$p]} | $m | $runs|"
	done
	echo
	echo "![pfmod / routing against K, per shape]($(basename "$png"))"
} > "$md"
cp "$md" "$dir/latest.md"

# The plot: pfmod / routing against K, a line per shape (one data block each).
plot=""
i=0
for s in $shapes; do
	awk -v s="$s" '$1 == s && $3 != "-"' "$dir/ratio.dat"
	printf '\n\n'
	plot+="${plot:+, }\"$dir/ratio-blocks.dat\" index $i using 2:3:4:5 with yerrorlines lw 2 title \"$s\""
	i=$((i + 1))
done > "$dir/ratio-blocks.dat"
gnuplot <<EOF
set terminal pngcairo size 900,560 font "sans,11"
set output "$png"
set title "New TCP connections per second, pfmod / routing (guest under QEMU TCG)"
set xlabel "forwards (K)"
set ylabel "pfmod / routing (mean, 95 % bootstrap interval)"
set logscale x
set xrange [0.5:2000000]
set yrange [0:1.5]
set key bottom left
set grid
plot $plot
EOF

# The README shows the latest results.
awk -v md="$dir/latest.md" '
	/<!-- bench:begin -->/ { print; while ((getline l < md) > 0) if (l !~ /^# /) print l; skip = 1; next }
	/<!-- bench:end -->/ { skip = 0 }
	!skip' README.md | sed "s|(rate-vs-k.png)|(bench/results/rate-vs-k.png)|" > README.md.new
mv README.md.new README.md
echo "bench: results in $md ($dir/$name.tsv) and $png; README updated"
