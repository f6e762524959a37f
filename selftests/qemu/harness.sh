#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness tests itself: every kind of failure must turn the run red and
# say why. Prints TAP, one result per kind:
#   a unit test that crashes; a guest under another QEMU than the one
#   meant (selftests/scripts/qemu.sh); a test that warns, hangs, reports a
#   failed check and then asks to be skipped, or makes lockdep report; a module
#   that does not load; a complaint outside every test's window; a run in
#   which every test skipped; a taint without a word in the log; a failed
#   test in one of two guests run at once (suite.sh), a test named twice
#   that runs other than once; a guest that crashes, that does not finish,
#   that locks up, that stalls RCU.
#
# usage: harness.sh
# Environment: KDIR (headers to build the fault module against, with
# KMAKEFLAGS), PFMOD_TIMEOUT_SCALE (multiplies the guests' time limits but
# that of the guest meant to time out), and what vm.sh takes to boot another kernel (VMLINUZ, MODDIR,
# VM_APPEND); PFMOD_KO for a pfmod.ko built for that kernel.

set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/scripts/tap.sh
kdir=${KDIR:?KDIR: the kernel headers to build the fault module against}
krel=$(cat "$kdir/include/config/kernel.release" 2>/dev/null || basename "$(dirname "$kdir")")
work=$PWD/build/harness/$krel
cases=17
n=0
echo "1..$cases"

# tap_case OK DESCRIPTION OUTPUT: one result; the output is shown on failure.
tap_case() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n harness: $2"
	else
		echo "not ok $n harness: $2"
		sed 's/^/#   /' <<< "$3" | tail -n 60
	fi
}
# has TEXT REGEX...: every extended REGEX matches a line of TEXT.
has() {
	local text=$1 re

	shift
	for re in "$@"; do
		grep -qE -- "$re" <<< "$text" || return 1
	done
}
# section NAME: the output of runner.sh's run NAME, with its end line.
section() {
	awk -v name="$1" '$0 == "=== run " name { on = 1; next }
		on { print } on && /^=== end / { exit }' <<< "$runs"
}
vm() {
	VM_QUIET=1 selftests/qemu/vm.sh "$@" 2>&1
	echo "vm-exit=$?"
}
# secs N: a guest's time limit, longer on a slow (debug) kernel.
secs() {
	echo $(($1 * ${PFMOD_TIMEOUT_SCALE:-1}))
}

# --- on the host: a unit test that crashes ----------------------------------
mkdir -p "$work"
cat > "$work/crash.c" <<-EOF
	#include <stdio.h>
	int main(void)
	{
		printf("ok 1 a check before the crash\n");
		fflush(stdout);
		*(volatile int *)0 = 1;
		printf("1..1\n");
		return 0;
	}
EOF
if out=$(cc -o "$work/crash" "$work/crash.c" 2>&1); then
	out=$(tap_stage /dev/null "crashing unit test" "$work/crash" 2>&1; echo "stage-exit=$?")
	has "$out" '^not ok - crashing unit test: killed by signal 11' \
		'^not ok - crashing unit test: no TAP plan' '^stage-exit=1$'
	tap_case $? "a unit test that crashes fails its stage (no plan, killed by a signal)" "$out"
else
	tap_case 1 "a unit test that crashes fails its stage: cannot build it" "$out"
fi

# --- the fault module, for the kernel under test -----------------------------
rm -rf "$work/mod" && mkdir -p "$work/mod"
cp selftests/qemu/harness/Kbuild selftests/qemu/harness/fault.c "$work/mod/"
# shellcheck disable=SC2086
if ! out=$(make -s -C "$kdir" M="$work/mod" ${KMAKEFLAGS:-} modules 2>&1) ||
   [ ! -f "$work/mod/pfmod_fault.ko" ]; then
	while [ $n -lt $cases ]; do
		tap_case 1 "build the fault module for $krel" "$out"
	done
	exit 1
fi
fault=$work/mod/pfmod_fault.ko

# --- runs of the test runner in one guest ------------------------------------
out=$(vm -t "$(secs 300)" -n harness-runs -- env PFMOD_FAULT_KO="$fault" ${PFMOD_KO:+PFMOD_KO=$PFMOD_KO} \
	selftests/qemu/harness/runner.sh)
runs=$(cat build/vm/harness-runs/log 2>/dev/null)
# The emulator vm.sh ran: VM_QEMU, or the one qemu.sh fetched.
want=$("${VM_QEMU:-$(selftests/scripts/qemu.sh cmd | head -n 1)}" -version 2>&1 |
	sed -n '1s/.*version \([^ ]*\).*/\1/p')
[ -n "$want" ] && has "$out" "^vm: [^ ]+, QEMU ${want//./\\.}, "
tap_case $? "the guest runs under the QEMU selftests/scripts/qemu.sh fetched (${want:-none}) or VM_QEMU" "$out"
tests=$(section tests)
has "$tests" '^not ok [0-9]+ warn # kernel complained' 'deliberate warning' 'WARNING:' &&
	has "$out" '^vm: FAILED: .*the kernel complained' '^vm-exit=125$'
tap_case $? "a kernel WARNING fails its test and the guest run, and the splat is shown" "$tests$out"
has "$tests" '^not ok [0-9]+ hang # TIMEOUT 5s'
tap_case $? "a test past its time limit fails" "$tests"
has "$tests" '^not ok [0-9]+ failskip # asked to be skipped after failed checks'
tap_case $? "a test that reports a failed check and then exits 4 (skip) fails" "$tests"
has "$tests" '^not ok [0-9]+ lockdep # kernel complained' 'circular locking dependency'
tap_case $? "a lockdep report fails its test" "$tests"
has "$tests" '^ok [0-9]+ pass' '^=== end tests status [1-9]'
tap_case $? "a run with failed tests fails, though some passed" "$tests"
noload=$(section noload)
has "$noload" '^not ok 1 load pfmod_fault: insmod: .*No such device' \
	'^not ok 2 pass # not run: module pfmod_fault is not loaded' '^=== end noload status [1-9]'
tap_case $? "a module that does not load fails the run with insmod's message" "$noload"
loadwarn=$(section loadwarn)
has "$loadwarn" '^ok 1 module pfmod_fault loaded' '^ok 2 pass' \
	'^not ok [0-9]+ kernel log: [0-9]+ complaint lines since the run began' \
	'^=== end loadwarn status [1-9]'
tap_case $? "a complaint outside every test's window (at load time) fails the run" "$loadwarn"
allskip=$(section allskip)
has "$allskip" '^ok [0-9]+ skip # SKIP deliberately' '^not ok [0-9]+ tests: none of 1 passed' \
	'^=== end allskip status [1-9]'
tap_case $? "a run in which every test skipped fails" "$allskip"

# --- a taint without a splat -------------------------------------------------
out=$(vm -t "$(secs 180)" -n harness-taint -- env PFMOD_TESTDIR=selftests/qemu/harness \
	${PFMOD_KO:+PFMOD_KO=$PFMOD_KO} selftests/run_tests.sh taint)
out+=$'\n'$(cat build/vm/harness-taint/log 2>/dev/null)
has "$out" '^ok [0-9]+ taint #' '^not ok [0-9]+ taint: the kernel picked up U\(64\)' \
	'^vm: FAILED: .*kernel tainted' '^vm-exit=125$'
tap_case $? "a taint without a word in the log fails the test run and the guest run" "$out"

# --- the suite spread over two guests ----------------------------------------
out=$(T="pass failskip" PFMOD_GUESTS=2 selftests/qemu/suite.sh -t "$(secs 300)" -n harness-suite -- \
	env PFMOD_TESTDIR=selftests/qemu/harness ${PFMOD_KO:+PFMOD_KO=$PFMOD_KO} selftests/run_tests.sh 2>&1)
rc=$?
whole=$(tap_check "two guests" 0 <<< "$out")
has "$out" '^ok [0-9]+ \[[12]\] pass #' '^not ok [0-9]+ \[[12]\] failskip # asked to be skipped' \
	'^not ok - guest [12] of 2 \(harness-suite-[12]\): exited with status 1' '^1\.\.[0-9]+$' &&
	[ $rc -ne 0 ] && [ -z "$whole" ]
tap_case $? "a test that fails in one of two guests fails the joined run, whose stream is whole" \
	"$out"$'\n'"suite.sh exit status $rc; stream: ${whole:-whole}"

# A test named twice runs once: not a second guest with no share of its
# own, which would run the whole suite (here, the harness's failing tests).
out=$(T="pass pass" PFMOD_GUESTS=2 selftests/qemu/suite.sh -t "$(secs 300)" -n harness-twice -- \
	env PFMOD_TESTDIR=selftests/qemu/harness ${PFMOD_KO:+PFMOD_KO=$PFMOD_KO} selftests/run_tests.sh 2>&1)
rc=$?
[ $rc = 0 ] && [ "$(grep -cE '^ok [0-9]+ pass' <<< "$out")" = 1 ] && ! grep -q '^not ok' <<< "$out"
tap_case $? "a test named twice in T runs once, in one guest" "$out"$'\n'"suite.sh exit status $rc"

# --- guests that go wrong ----------------------------------------------------
out=$(vm -t "$(secs 180)" -n harness-crash -- bash selftests/qemu/harness/crash.sh)
has "$out" '^vm: FAILED: no result came back' 'Kernel panic' '^vm-exit=125$'
tap_case $? "a guest that dies fails the run, and its console is shown" "$out"

out=$(vm -t 25 -n harness-timeout -- sleep 1000)
has "$out" '^vm: FAILED: timed out after 25s' '^vm-exit=124$'
tap_case $? "a guest that does not finish in time fails the run" "$out"

out=$(VM_APPEND="${VM_APPEND:-} watchdog_thresh=3" \
	vm -t "$(secs 300)" -n harness-lockup -- insmod "$fault" fault=spin spin_secs=60)
has "$out" '^vm: FAILED: no result came back' 'soft lockup' '^vm-exit=125$'
tap_case $? "a soft lockup fails the run" "$out"

out=$(VM_APPEND="${VM_APPEND:-} nosoftlockup rcupdate.rcu_cpu_stall_timeout=3" \
	vm -t "$(secs 300)" -n harness-stall -- insmod "$fault" fault=spin spin_secs=60)
has "$out" '^vm: FAILED: no result came back' 'detected stalls?|self-detected stall' \
	'^vm-exit=125$'
tap_case $? "an RCU stall fails the run" "$out"

[ $n -eq $cases ] || echo "# harness.sh: $n results for a plan of $cases"
