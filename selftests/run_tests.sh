#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run pfmod's selftests, kselftest style: each test is selftests/<name>.sh,
# exit status 0 pass, 1 fail, 4 skip; the result is TAP on stdout, its plan
# at the end (a run that dies part way has none, which fails it).
#
# usage: selftests/run_tests.sh [TEST...]
#
# Environment:
#   PFMOD_KO       the module to load if it is not loaded (default: pfmod.ko
#                  at the top of the tree; if that does not exist,
#                  'modprobe pfmod')
#   PFMOD_KO_ARGS  module parameters for that insmod
#   PFMOD_TESTDIR  where the tests are (default: selftests)
#   PFMOD_TIMEOUT_SCALE  a whole number that multiplies every test's time
#                  limit and the waits inside tests (default 1; make
#                  check-debug's slower kernel sets it)
#
# Runs in the QEMU guest of `make check`, and unchanged on a real gateway as
# root ('sudo selftests/run_tests.sh'). Tests create their own network
# namespaces and never touch the host's interfaces.
#
# The run fails, besides a failed test, when: the module does not load
# (with insmod's or modprobe's message); a test times out (selftests/settings,
# or a "# timeout=N" line in the test); a test that reported a failed check
# asks to be skipped; a test leaves namespaces behind; the kernel logs a
# complaint (selftests/qemu/complaints) during a test or anywhere else in the
# run (the whole log since the run began is read at the end); the kernel
# picks up a taint it did not have before, other than the out-of-tree and
# unsigned-module flags (O, E); or no test passed at all.

set -u
cd "$(dirname "$0")/.." || exit 1
top=$PWD
export PFMOD_TOP=$top
export PFMOD_KO=${PFMOD_KO:-$top/pfmod.ko}
PFMOD_KO_ARGS=${PFMOD_KO_ARGS:-}
export PFCTL=${PFCTL:-$top/userspace-tool/pfctl}
[ -x "$PFCTL" ] || PFCTL=$(command -v pfctl || echo pfctl)
export PFTEST=${PFTEST:-$top/selftests/tools/pftest}
export PATH=$top/selftests/tools:$PATH
testdir=${PFMOD_TESTDIR:-selftests}

default_timeout=$(sed -n 's/^timeout=//p' selftests/settings)
if ! [[ ${PFMOD_TIMEOUT_SCALE:-1} =~ ^[1-9][0-9]*$ ]]; then
	echo "run_tests.sh: PFMOD_TIMEOUT_SCALE must be a whole number (1, 2, ...), not '$PFMOD_TIMEOUT_SCALE'" >&2
	exit 1
fi
patterns=$(grep -v '^#' selftests/qemu/complaints)
# Taint flags a run may add: O (out-of-tree module, 4096), E (unsigned, 8192).
taint_ok=$((4096 | 8192))

if [ $# -gt 0 ]; then
	tests=("$@")
else
	mapfile -t tests < <(ls "$testdir"/*.sh | sed 's|.*/||; s|\.sh$||' | grep -vxE 'run_tests|lib')
fi

n=0 pass=0 fail=0 skip=0 tests_passed=0
result() {
	local status=$1

	shift
	n=$((n + 1))
	case $status in
	pass) echo "ok $n $*"; pass=$((pass + 1)) ;;
	skip) echo "ok $n $*"; skip=$((skip + 1)) ;;
	*) echo "not ok $n $*"; fail=$((fail + 1)) ;;
	esac
}
finish() {
	echo "1..$n"
	echo "# $pass passed, $fail failed, $skip skipped"
	[ $fail -eq 0 ]
	exit
}
kmsg() { echo "pfmod-selftest: $*" > /dev/kmsg 2>/dev/null; }
# The kernel log from the line that says $1 on (all of it if that scrolled
# out of the ring buffer: what is left is all later).
log_since() {
	dmesg | awk -v m="pfmod-selftest: $1" 'found || index($0, m) { found = 1; print }
		{ all[NR] = $0 } END { if (!found) for (i = 1; i <= NR; i++) print all[i] }'
}
complaints_in() { grep -E -f <(echo "$patterns"); }
# "O E" for 12288, and so on (kernel/panic.c's taint_flags order).
taint_letters() {
	local t=$1 i letters=PFSRMBUDAWCIOELKXT out=

	for ((i = 0; i < ${#letters}; i++)); do
		[ $((t >> i & 1)) = 1 ] && out+="${letters:i:1}($((1 << i))) "
	done
	echo "${out:-none}"
}

echo "TAP version 13"
if [ "$(id -u)" != 0 ]; then
	result fail "run as root: the tests create namespaces and load modules"
	finish
fi
if ! start_taint=$(cat /proc/sys/kernel/tainted 2>/dev/null); then
	result fail "read /proc/sys/kernel/tainted: cannot tell what the run does to the kernel"
	finish
fi
run_mark="run $$ begins"
kmsg "$run_mark"

# --- the module under test ---------------------------------------------------
modname=pfmod
[ -f "$PFMOD_KO" ] && modname=$(modinfo -F name "$PFMOD_KO" 2>/dev/null || echo pfmod)
loaded_here=0
if [ -d "/sys/module/$modname" ]; then
	result pass "module $modname is loaded"
elif [ -f "$PFMOD_KO" ]; then
	# insmod loads nothing the module needs: its dependencies go first.
	deps=$(modinfo -F depends "$PFMOD_KO" 2>/dev/null | tr , ' ')
	# shellcheck disable=SC2086
	if out=$({ [ -z "$deps" ] || modprobe -a $deps; } 2>&1 && insmod "$PFMOD_KO" $PFMOD_KO_ARGS 2>&1); then
		loaded_here=1
		result pass "module $modname loaded: insmod $PFMOD_KO${PFMOD_KO_ARGS:+ $PFMOD_KO_ARGS}"
	else
		result fail "load $modname: ${out//$'\n'/; }"
		log_since "$run_mark" | grep -E "$modname|Unknown symbol" | tail -n 20 | sed 's/^/#   /'
	fi
elif out=$(modprobe "$modname" 2>&1); then
	loaded_here=1
	result pass "module $modname loaded: modprobe $modname"
else
	result fail "load $modname: no $PFMOD_KO, and modprobe $modname failed: ${out//$'\n'/; }"
fi
tools_ok=1
if [ ! -x "$PFTEST" ]; then
	result fail "test tools: $PFTEST missing (make -C selftests)"
	tools_ok=0
fi

# kmemleak, where the kernel has it: what leaks during the run is reported
# at the end, after the module is gone.
kmemleak=/sys/kernel/debug/kmemleak
[ -w $kmemleak ] && [ -d "/sys/module/$modname" ] || kmemleak=
[ -n "$kmemleak" ] && echo clear > $kmemleak

# --- the tests ---------------------------------------------------------------
for t in "${tests[@]}"; do
	file=$testdir/$t.sh
	if [ ! -d "/sys/module/$modname" ]; then
		result fail "$t # not run: module $modname is not loaded"
		continue
	fi
	if [ $tools_ok = 0 ]; then
		result fail "$t # not run: test tools missing"
		continue
	fi
	if [ ! -f "$file" ]; then
		result fail "$t # no such test"
		continue
	fi
	limit=$(sed -n 's/^# timeout=\([0-9]*\)$/\1/p' "$file" | head -n1)
	limit=$((${limit:-$default_timeout} * ${PFMOD_TIMEOUT_SCALE:-1}))
	log=$(mktemp)
	mark="begin $t $$-$((n + 1))"
	kmsg "$mark"
	start=$(date +%s.%N)
	timeout --kill-after=5 "$limit" bash "$file" > "$log" 2>&1 < /dev/null
	rc=$?
	secs=$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')
	kmsg "end $t rc=$rc"
	sed 's/^/# /' "$log"
	complaints=$(log_since "$mark" | complaints_in)
	leftover=$(ip netns list 2>/dev/null | awk '{print $1}' | grep '^pft-' | tr '\n' ' ')
	for ns in $leftover; do
		ip netns del "$ns"
	done
	# Test tools still running would slow and disturb every test after
	# (a killed one may take a moment to go).
	for i in $(seq 20); do
		stray=$(pgrep -d ' ' -x pftest; pgrep -d ' ' -x pffuzz)
		[ -z "${stray// /}" ] && break
		sleep 0.1
	done
	[ -n "${stray// /}" ] && kill -9 $stray 2>/dev/null
	if [ -n "$complaints" ]; then
		echo "# kernel complaints during $t:"
		log_since "$mark" | sed 's/^/#   /' | tail -n 80
		result fail "$t # kernel complained (${secs}s)"
	elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		result fail "$t # TIMEOUT ${limit}s"
	elif [ $rc -eq 4 ] && grep -q '^FAIL: ' "$log"; then
		result fail "$t # asked to be skipped after failed checks (${secs}s)"
	elif [ $rc -eq 4 ]; then
		reason=$(sed -n 's/^SKIP: //p' "$log" | tail -n1)
		result skip "$t # SKIP ${reason:-no reason given}"
	elif [ $rc -ne 0 ]; then
		result fail "$t # exit status $rc (${secs}s)"
	elif [ -n "$leftover" ]; then
		result fail "$t # left namespaces behind: $leftover"
	elif [ -n "${stray// /}" ]; then
		result fail "$t # left test tools running: pids $stray"
	else
		result pass "$t # ${secs}s"
		tests_passed=$((tests_passed + 1))
	fi
	rm -f "$log"
done

# --- after the tests ---------------------------------------------------------
if [ $loaded_here = 1 ]; then
	mark="begin unload $$"
	kmsg "$mark"
	if ! out=$(rmmod "$modname" 2>&1); then
		result fail "unload $modname: $out"
	elif log_since "$mark" | complaints_in > /dev/null; then
		log_since "$mark" | sed 's/^/#   /'
		result fail "unload $modname # kernel complained"
	else
		result pass "unload $modname"
	fi
fi
if [ -n "$kmemleak" ]; then
	# Two scans: an object is reported once seen unreferenced twice.
	echo scan > $kmemleak
	sleep 5
	echo scan > $kmemleak
	leaks=$(cat $kmemleak)
	if [ -n "$leaks" ]; then
		echo "$leaks" | head -n 60 | sed 's/^/#   /'
		result fail "kmemleak: $(grep -c '^unreferenced object' <<< "$leaks") objects leaked"
	else
		result pass "kmemleak: nothing leaked"
	fi
fi
# The whole run, not only the tests' windows: a complaint between tests, at
# load time or from a timer is as bad as one during a test.
complaints=$(log_since "$run_mark" | complaints_in)
if [ -n "$complaints" ]; then
	head -n 40 <<< "$complaints" | sed 's/^/#   /'
	result fail "kernel log: $(wc -l <<< "$complaints") complaint lines since the run began"
else
	result pass "kernel log: no complaint since the run began"
fi
if ! end_taint=$(cat /proc/sys/kernel/tainted 2>/dev/null); then
	result fail "taint: /proc/sys/kernel/tainted is gone"
else
	new=$((end_taint & ~start_taint & ~taint_ok))
	if [ $new -ne 0 ]; then
		result fail "taint: the kernel picked up $(taint_letters $new)during the run (now $end_taint)"
	else
		result pass "taint: nothing new but O/E (now $end_taint)"
	fi
fi
if [ $tests_passed -gt 0 ]; then
	result pass "tests: $tests_passed of ${#tests[@]} passed"
else
	result fail "tests: none of ${#tests[@]} passed ($skip skipped): a run that tests nothing fails"
fi
finish
