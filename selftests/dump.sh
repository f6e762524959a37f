#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A listing that a change of the table interrupts is begun again, and shows
# the table as it is after the change: pfctl show, show -s, show -j, save
# and doctor (monitor's resync gathers its text as save does). strace stops
# pfctl in the middle of each dump (SIGSTOP at its reader thread's third
# receive); at the first stop a forward is added (or one deleted), then
# pfctl goes on.

source "$(dirname "$0")/lib.sh"

command -v strace > /dev/null || skip "no strace"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; _cleanup' EXIT

new_ns gw
setup ip netns exec "$gw" sysctl -qw net.ipv4.ip_forward=1
# 3,000 forwards: a dump of them comes in a dozen parts (32 KiB each).
awk 'BEGIN { for (p = 10001; p <= 13000; p++) print "tcp " p " 192.168.1.2:8080" }' \
	> "$tmp/table"
check "restore 3000 forwards" pfctl "$gw" restore "$tmp/table"

# interrupted NAME PORT EVERY PFCTL-ARGS...: pfctl under strace, stopped at
# the third receive of each of its threads (its reader thread's: inside a
# dump); at the first stop (at every stop with EVERY=every) a forward of
# port PORT (PORT+1, ...) is added, or with PORT "del:N" the forward of
# port N is deleted, then pfctl goes on. Its output in
# $tmp/NAME.out and .err; sets rc (its status), stops and dumps (the dump
# requests it sent).
interrupted() {
	local name=$1 port=$2 every=$3 trace=$tmp/$1.trace strace_pid pid seen=0 n

	shift 3
	ip netns exec "$gw" strace -f -o "$trace" -e trace=sendto,recvmsg \
		-e inject=recvmsg:signal=SIGSTOP:when=3 "$PFCTL" "$@" \
		> "$tmp/$name.out" 2> "$tmp/$name.err" &
	strace_pid=$!
	_pids+=($strace_pid)
	while kill -0 "$strace_pid" 2> /dev/null; do
		# Once per stop ("stopped by" comes once per thread).
		n=$(grep -c -- "--- SIGSTOP {" "$trace" 2> /dev/null)
		if [ "${n:-0}" -gt "$seen" ]; then
			if [[ $port == del:* ]]; then
				[ "$seen" = 0 ] && { pfctl "$gw" del "${port#del:}" ||
					fail "$name: the delete during the dump failed"; }
			elif [ "$seen" = 0 ] || [ "$every" = every ]; then
				pfctl "$gw" add $((port + seen)) 192.168.1.2:8080 ||
					fail "$name: the add during the dump failed"
			fi
			seen=$n
			pid=$(pgrep -P "$strace_pid")
			[ -n "$pid" ] && kill -CONT "$pid"
		fi
		sleep 0.1
	done
	wait "$strace_pid"
	rc=$?
	stops=$seen
	# strace writes NLM_F_DUMP of a family it does not know as 0x300.
	dumps=$(grep -cE "sendto\(.*nlmsg_type=pfmod, nlmsg_flags=[^,]*(NLM_F_DUMP|0x300)" "$trace")
}

# begun_again NAME [STATUS]: the dump was interrupted once and begun again,
# and pfctl ended with STATUS (0).
begun_again() {
	[ "$dumps" = 2 ] && echo "ok: $1: the dump was interrupted and begun again" ||
		fail "$1: $dumps dump requests, not 2 (status $rc, $stops stops): $(head -c 300 "$tmp/$1.err")"
	[ "$rc" = "${2:-0}" ] && echo "ok: $1: exit status ${2:-0}" ||
		fail "$1: status $rc: $(head -c 300 "$tmp/$1.err")"
}

# ids WHAT LIST N: the ids, one per line, are 1 to N (the 3,000 and those
# added since), once each.
ids() {
	local want

	want=$(seq 1 "$3")
	[ "$(sort -n <<< "$2")" = "$want" ] && echo "ok: $1: each forward once, the new one too" ||
		fail "$1: the ids are not 1 to $3 once each: $(sort -n <<< "$2" | uniq -c | sort -rn | head -n 3 | tr -s ' \n' ' '), $(wc -l <<< "$2") in all"
}

interrupted show 20001 once show
begun_again show
ids "show" "$(tail -n +2 "$tmp/show.out" | awk '{ print $1 }')" 3001
check_match "show: the forward added during the dump" "^3001 .*:20001 " \
	"$(grep "^3001 " "$tmp/show.out")"
check_lines_up "show" "$(cat "$tmp/show.out")"

interrupted json 20002 once -j show
begun_again json
check "-j show: JSON" jq . "$tmp/json.out"
ids "-j show" "$(jq '.[].id' "$tmp/json.out")" 3002

interrupted save 20003 once save
begun_again save
plain=$(pfctl "$gw" save)
[ "$(cat "$tmp/save.out")" = "$plain" ] && echo "ok: save: the whole table, each forward once" ||
	fail "save: differs from a save of the table as it is: $(diff <(echo "$plain") "$tmp/save.out" | head -n 5)"
check_match "save: 3003 forwards" "^3004$" "$(wc -l < "$tmp/save.out")"

# show -s: GET_STATS, whose dump begins with a walk over the connections.
interrupted stats 20004 once -s show
begun_again stats
ids "-s show" "$(tail -n +2 "$tmp/stats.out" | awk '{ print $1 }')" 3004
check_lines_up "-s show" "$(cat "$tmp/stats.out")"

# doctor finds problems here (no route to the target): status 1. It counts
# the table once: 3,005 of 3,400 allowed is under the 90 % it notes.
saved=$(cat /sys/module/pfmod/parameters/max_forwards)
echo 3400 > /sys/module/pfmod/parameters/max_forwards
interrupted doctor 20005 once doctor
echo "$saved" > /sys/module/pfmod/parameters/max_forwards
begun_again doctor 1
check_match "doctor: checked each forward once" "(3005 forwards checked)" \
	"$(tail -n 1 "$tmp/doctor.out")"
check_no_match "... and counted the table once (3005 of 3400 allowed)" "max-forwards" \
	"$(cat "$tmp/doctor.out")"
# A forward named, seen by the interrupted dump, deleted before the next.
interrupted doctor_gone del:10005 once doctor id 5
begun_again doctor_gone 1
check_match "doctor: the forward named is gone" "no forward with id 5" \
	"$(cat "$tmp/doctor_gone.err")"

# A table that changes during every dump: after five, the error, and no
# line of any of them.
interrupted always 20010 every save
[ "$dumps" = 5 ] && echo "ok: a table changing all the time: five dumps" ||
	fail "a table changing all the time: $dumps dumps, not 5 (status $rc)"
[ "$rc" != 0 ] && echo "ok: ... then an error" || fail "a table changing all the time: status 0"
check_match "... which says to try again" "changed while being read; try again" \
	"$(cat "$tmp/always.err")"
check_match "... and nothing else written" "^0$" "$(wc -c < "$tmp/always.out")"

finish
