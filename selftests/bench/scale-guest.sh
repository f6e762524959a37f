#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the guest: for each N in SCALE_NS ("100000 1000000"), REPS times
# (SCALE_REPS, 2): a table of N single-port forwards with listen addresses
# restored into an empty one, saved, one forward deleted, flushed. Prints
#   scale N ROUND RESTORE_S SAVE_S DEL1_S BYTES_PER_FORWARD SLAB_OBJS SLAB_OBJSIZE
# then pfctl's own share of a restore and a save of the N (parsing the
# lines into requests, formatting a dump's forwards: selftests/tools/pftext)
#   text N PARSE_S FORMAT_S
# and with SCALE_PERF=1, for the first round of each N, the restore's and
# the save's 25 busiest symbols (perf record -a):
#   perf N restore|save PERCENT SYMBOL
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

# perf_top N WHAT FILE: the busiest symbols of a recording.
perf_top() {
	perf report -i "$3" --no-children --sort sym --stdio 2>/dev/null |
		awk -v n="$1" -v w="$2" '/^ *[0-9.]+%/ && c++ < 25 { p = $1; $1 = ""; $2 = "";
			sub(/^ +/, ""); print "perf", n, w, p, $0 }'
}

# timed N WHAT ROUND COMMAND...: the command's seconds on stdout; with
# SCALE_PERF=1 in the first round, under perf record.
timed() {
	local n=$1 what=$2 round=$3 t0 t1 ret

	shift 3
	if [ "${SCALE_PERF:-0}" = 1 ] && [ "$round" = 1 ]; then
		perf record -q -a -o "$tmp/$what.perf" -- sleep 3600 2>/dev/null &
		local perf=$!
		sleep 2
	fi
	t0=$(now)
	"$@"
	ret=$?
	t1=$(now)
	if [ -n "${perf:-}" ]; then
		kill -INT "$perf" && wait "$perf"
		perf_top "$n" "$what" "$tmp/$what.perf" >&2
	fi
	[ "$ret" = 0 ] || return "$ret"
	echo "$t1 - $t0" | bc
}

for n in $ns; do
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
		printf "tcp 203.0.%d.%d:%d 192.168.1.2:9000\n", 113 + int(i / 12500000),
			1 + int(i / 50000) % 250, 10000 + i % 50000 }' > "$tmp/table"
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
	done
	selftests/tools/pftext "$tmp/table" || exit 1
done
