#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the guest: for each N in SCALE_NS ("100000 1000000"), REPS times
# (SCALE_REPS, 2): a table of N single-port forwards with listen addresses
# restored into an empty one, saved, one forward deleted, flushed. Prints
#   scale N ROUND RESTORE_S SAVE_S DEL1_S BYTES_PER_FORWARD SLAB_OBJS SLAB_OBJSIZE
# and the CPU time the guest's CPUs were busy for during the restore and the
# save (all of it: pfctl's threads, the kernel's workers, anything else;
# /proc/stat), to set beside their seconds
#   cpu N ROUND RESTORE_CPU_S SAVE_CPU_S
# then pfctl's own share of a restore and a save of the N (parsing the
# lines into requests, formatting a dump's forwards: selftests/tools/pftext)
#   text N PARSE_S FORMAT_S
# and the kernel's share of the restore (the same requests made beforehand
# and sent as pfctl sends them, into an empty table: pftext -k)
#   kernel N SEND_S
# and with SCALE_PERF=1, for the first round of each N, the restore's and
# the save's 25 busiest symbols (perf record -a):
#   perf N restore|save PERCENT SYMBOL
# With SCALE_GRAPH="FUNCTION:DEPTH ..." (e.g. "pf_nl_replace:2
# pf_config_stage_add:4"), after the rounds, one more restore of the N per
# FUNCTION under ftrace's function_graph tracer, from FUNCTION down DEPTH
# calls, and the time of each call summed by name and depth (the tracer's
# own cost is in the times: compare them with each other, not with RESTORE_S;
# perf's sampling under TCG sees too little to say where a restore goes):
#   graph N FUNCTION DEPTH CALL_DEPTH CALL TOTAL_US CALLS US_PER_CALL
set -u
PATH=$PWD/userspace-tool:$PATH
ns=${SCALE_NS:-100000 1000000}
reps=${SCALE_REPS:-2}
max=0
for n in $ns; do
	[ "$n" -gt "$max" ] && max=$n
done
modprobe nf_conntrack enable_hooks=1 || exit 1
modprobe -a $(modinfo -F depends pfmod.ko | tr , ' ') || exit 1
insmod pfmod.ko max_forwards=$((max > 100000 ? max : 100000)) || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; pfctl flush; rmmod pfmod' EXIT

# Slab, vmalloc and percpu memory in bytes.
mem() {
	awk '/^(Slab|VmallocUsed|Percpu):/ { s += $2 } END { print s * 1024 }' /proc/meminfo
}

# now: seconds, with nanoseconds.
now() {
	date +%s.%N
}

# busy: the seconds all CPUs have been busy for since boot (/proc/stat's
# cpu line: everything but idle and iowait).
busy() {
	awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" {
		printf "%.2f\n", ($2 + $3 + $4 + $7 + $8 + $9) / hz; exit }' /proc/stat
}

# perf_top N WHAT FILE: the busiest symbols of a recording.
perf_top() {
	perf report -i "$3" --no-children --sort sym --stdio 2>/dev/null |
		awk -v n="$1" -v w="$2" '/^ *[0-9.]+%/ && c++ < 25 { p = $1; $1 = ""; $2 = "";
			sub(/^ +/, ""); print "perf", n, w, p, $0 }'
}

# timed N WHAT ROUND COMMAND...: the command's seconds on stdout, the
# CPUs' busy seconds meanwhile in $tmp/WHAT.cpu; with SCALE_PERF=1 in the
# first round, under perf record.
timed() {
	local n=$1 what=$2 round=$3 t0 t1 b0 ret

	shift 3
	if [ "${SCALE_PERF:-0}" = 1 ] && [ "$round" = 1 ]; then
		perf record -q -a -o "$tmp/$what.perf" -- sleep 3600 2>/dev/null &
		local perf=$!
		sleep 2
	fi
	b0=$(busy)
	t0=$(now)
	"$@"
	ret=$?
	t1=$(now)
	echo "$(busy) - $b0" | bc > "$tmp/$what.cpu"
	if [ -n "${perf:-}" ]; then
		kill -INT "$perf" && wait "$perf"
		perf_top "$n" "$what" "$tmp/$what.perf" >&2
	fi
	[ "$ret" = 0 ] || return "$ret"
	echo "$t1 - $t0" | bc
}

# graph N FUNCTION DEPTH: a restore of $tmp/table under function_graph.
graph() {
	local t=/sys/kernel/tracing

	[ -e $t/trace ] || mount -t tracefs nodev $t || return 1
	pfctl flush || return 1
	echo nop > $t/current_tracer
	echo 0 > $t/tracing_on
	echo > $t/trace
	echo 200000 > $t/buffer_size_kb
	echo "$2" > $t/set_graph_function || return 1
	echo "$3" > $t/max_graph_depth
	echo function_graph > $t/current_tracer
	echo 1 > $t/tracing_on
	pfctl restore "$tmp/table" || return 1
	echo 0 > $t/tracing_on
	grep -h '^overrun:' $t/per_cpu/cpu*/stats | grep -qv ': 0$' &&
		echo "graph $1 $2 $3: the trace overran its buffer" >&2
	# " 0) + 12.345 us   |      name [pfmod]();", "name() {" ... "}";
	# a call's depth is its indentation after the bar; a "}" closes the
	# last call opened at its depth on its CPU.
	awk -v n="$1" -v fn="$2" -v depth="$3" '/^#/ || !/\|/ { next }
		{ bar = index($0, "|"); rest = substr($0, bar + 1)
		  d = (match(rest, /[^ ]/) - 3) / 2; call = substr(rest, RSTART)
		  sub(/ \[pfmod\]/, "", call)
		  if (call ~ /\{$/) { sub(/\(\) \{$/, "", call); open[$1, d] = call; next }
		  if (call ~ /^\} \/\* /) { sub(/^\} \/\* /, "", call); sub(/ \*\/$/, "", call) }
		  else if (call ~ /^\}/) call = open[$1, d]
		  sub(/\(\);$/, "", call)
		  us = match($0, /[0-9.]+ us/) ? substr($0, RSTART, RLENGTH - 3) + 0 : 0
		  k = d " " call; sum[k] += us; cnt[k]++ }
		END { for (k in sum) printf "graph %s %s %s %s %.0f %d %.2f\n", n, fn, depth, k,
			sum[k], cnt[k], sum[k] / cnt[k] }' $t/trace | sort -k5,5n -k7,7nr
	echo nop > $t/current_tracer
	echo > $t/set_graph_function
	echo 1 > $t/buffer_size_kb
}

for n in $ns; do
	selftests/bench/scale-table.sh "$n" > "$tmp/table"
	for round in $(seq 1 "$reps"); do
		pfctl flush || exit 1
		sleep 3
		before=$(mem)
		restore=$(timed "$n" restore "$round" pfctl restore "$tmp/table") || exit 1
		sleep 3
		after=$(mem)
		save=$(timed "$n" save "$round" sh -c "pfctl save > $tmp/saved") || exit 1
		lines=$(grep -vc '^#' "$tmp/saved")
		[ "$lines" = "$n" ] || { echo "scale: save wrote $lines forwards of $n"; exit 1; }
		t0=$(now)
		pfctl del 203.0.113.1:10005 || exit 1
		t1=$(now)
		# SLUB keeps the cache's name under /sys/kernel/slab even when it
		# shares a slab with another cache (then the objects are both's).
		slab="$(cut -d' ' -f1 /sys/kernel/slab/pf_fwd/objects 2>/dev/null)"
		slab+=" $(cat /sys/kernel/slab/pf_fwd/object_size 2>/dev/null)"
		echo "scale $n $round $restore $save $(echo "$t1 - $t0" | bc)" \
			"$(( (after - before) / n )) $slab"
		echo "cpu $n $round $(cat "$tmp/restore.cpu") $(cat "$tmp/save.cpu")"
	done
	selftests/tools/pftext "$tmp/table" || exit 1
	pfctl flush || exit 1
	selftests/tools/pftext -k "$tmp/table" || exit 1
	pfctl flush || exit 1
	for g in ${SCALE_GRAPH:-}; do
		graph "$n" "${g%%:*}" "${g##*:}" || exit 1
	done
done
