#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench-conn-count`: what one new connection costs, in guest
# instructions, through each of make bench's paths with one forward or
# rule (K = 1, a single port), counted by QEMU (selftests/bench/tbcount.c,
# as make bench-count counts a restore). Everything the guest runs in a
# window is counted: the client's and the server's user space ("[user]"),
# both ends' TCP, the gateway's forwarding, conntrack and NAT, and the
# timer interrupts and the scheduler's periodic work meanwhile. So that
# those last do not depend on the host's speed, the guest has one CPU and
# its clock is QEMU's count of instructions (-icount shift=1,sleep=off:
# 2 ns an instruction, and an idle guest's clock jumps to its next timer),
# not the host's time: a path's rounds then agree within 2 %, where on two
# CPUs with the host's clock they moved by up to 13 % (and a path's least
# from run to run by up to 7 %). The guest (conn-count-guest.sh) runs
# CONNCOUNT_N (1,000) connections one after another through each path, in
# CONNCOUNT_ROUNDS (3) rounds. Prints per path and round
#   conncount PATH ROUND PER_CONNECTION
# per path the least of its rounds and its ratio to routing's least
#   connleast PATH PER_CONNECTION RATIO_TO_ROUTE
# per path, each part's share of a connection: each module's functions
# (pfmod, nf_nat, nf_conntrack, ...), user space, the kernel itself (each
# function's least over the rounds; parts under 100 left out)
#   connpart PATH PART PER_CONNECTION
# and per path the functions where it costs most over routing (each
# function's least over the rounds, less routing's)
#   conndiff PATH FUNCTION PER_CONNECTION
# (CONNCOUNT_TOP, 12, of each); writes build/conn-count/conn-count.tsv.
# Instructions are not time (a load costs TCG more than an add): they say
# where a path's work is, not seconds.
# With CONNCOUNT_TIME=1 (`make bench-conn-time`), the same windows in the
# host's nanoseconds instead (tbcount.c's time=1), on two CPUs with the
# host's clock, as make bench runs: where the emulated guest's time goes,
# QEMU's device emulation included (a clock read, an interrupt sent), the
# time its CPUs were halted left out (the blocks of *safe_halt, the idle
# loop's halt). Its lines begin with "time" where the others begin with
# "conn" (timecount, timeleast, timepart, timediff), in
# build/conn-time/conn-time.tsv; the plugin's cost per block is in every
# figure. A benchmark, not a test: no pass or fail.
set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/scripts/common.sh
# ipvsadm for the IPVS path.
pf_deps bench || exit 1
pf_kernel
pf_build > /dev/null || { echo "conn-count: pfmod does not build"; exit 1; }
top=${CONNCOUNT_TOP:-12}
# Counting: one CPU, its clock QEMU's count (above). Timing: as make bench.
name=conn-count pre=conn icount=shift=1,sleep=off args= busy=
[ "${CONNCOUNT_TIME:-0}" = 1 ] && name=conn-time pre=time icount= args=time=1 busy=busy
dir=$PWD/build/$name
env=()
pf_env_pass env '^CONNCOUNT_'
VM_MEM=${VM_MEM:-2G} VM_ICOUNT=$icount COUNT_PLUGIN_ARGS=$args \
	pf_count_run "$name" "${CONNCOUNT_LIMIT:-1800}" \
	env "${env[@]}" selftests/bench/conn-count-guest.sh || exit 1

# Per window: "PATH ROUND N FUNCTION COUNT", N the connections that
# succeeded.
grep '^conncount ' "build/vm/$name/log" > "$dir/windows"
[ -s "$dir/windows" ] || { echo "conn-count: no windows counted ($dir/log)"; exit 1; }
while read -r _ path round n ok w; do
	[ -s "$dir/window.$w" ] || { echo "conn-count: no counts for window $w ($path)"; exit 1; }
	[ "$ok" = "$n" ] || { echo "conn-count: $path round $round: $ok of $n connections"; exit 1; }
	pf_count_by_symbol "build/vm/$name/kallsyms" "$dir/window.$w" $busy |
		sed "s/^/$path $round $n /"
done < "$dir/windows" > "$dir/by-function"

# Totals per path and round, then each path's least over the rounds (the
# round where the least periodic work landed), then per function the least
# over the rounds, less routing's.
awk -v pre="$pre" '{ t[$1 " " $2] += $5; n[$1 " " $2] = $3 }
	END {
		for (k in t) {
			split(k, a, " ")
			printf "%scount\t%s\t%s\t%.0f\n", pre, a[1], a[2], t[k] / n[k]
		}
	}' "$dir/by-function" | sort -k2,2 -k3,3n > "$dir/rounds"
awk -v pre="$pre" '{ if (!($2 in m) || $4 < m[$2]) m[$2] = $4 }
	END { for (p in m) printf "%sleast\t%s\t%d\t%.3f\n", pre, p, m[p], m[p] / m["route"] }' \
	"$dir/rounds" | sort -k3,3n > "$dir/least"
awk -v top="$top" -v pre="$pre" '
	{ k = $1 SUBSEP $4; v = $5 / $3; f[$4] = 1; in_round[k]++ }
	!(($1, $2) in r) { r[$1, $2] = 1; rounds[$1]++ }
	!(k in m) || v < m[k] { m[k] = v }
	END {
		# A function missing from one of a path'"'"'s rounds: its least is 0.
		for (k in m) {
			split(k, a, SUBSEP)
			if (in_round[k] < rounds[a[1]])
				m[k] = 0
		}
		# By part: a module, user space, or the kernel itself.
		for (k in m) {
			split(k, a, SUBSEP)
			part = "kernel"
			if (a[2] == "[user]")
				part = "user"
			else if (match(a[2], /_\[[a-z0-9_]+\]$/))
				part = substr(a[2], RSTART + 2, RLENGTH - 3)
			parts[a[1], part] += m[k]
		}
		for (k in parts) {
			split(k, a, SUBSEP)
			if (parts[k] >= 100)
				printf "%spart\t%s\t%s\t%.0f\n", pre, a[1], a[2], parts[k] | "sort"
		}
		close("sort")
		sort = "sort -k4,4nr | head -" top
		for (p in rounds) {
			if (p == "route")
				continue
			for (k in f)
				printf "%sdiff\t%s\t%s\t%.0f\n", pre, p, k, m[p, k] - m["route", k] | sort
			close(sort)
		}
	}' "$dir/by-function" > "$dir/diff"
cat "$dir/rounds" "$dir/least" "$dir/diff" > "$dir/$name.tsv"
cat "$dir/$name.tsv"
