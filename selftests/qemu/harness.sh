#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness tests itself: a kernel warning, a test past its time limit, a
# guest that dies and a guest that never finishes must each fail the run,
# and say why. Prints one TAP line per case.
#
# usage: harness.sh KDIR

set -u
cd "$(dirname "$0")/../.." || exit 1
kdir=$1
n=0
tap() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n harness: $2"
	else
		echo "not ok $n harness: $2"
		sed 's/^/#   /' <<< "$3" | tail -n 40
	fi
}

if ! out=$(make -s -C "$kdir" M="$PWD/selftests/qemu/harness" modules 2>&1); then
	echo "not ok 1 harness: build the self-test module"
	sed 's/^/#   /' <<< "$out"
	exit 1
fi

out=$(VM_QUIET=1 selftests/qemu/vm.sh -t 180 -n harness-test -- \
	env PFMOD_TESTDIR=selftests/qemu/harness selftests/run_tests.sh warn hang 2>&1; echo "vm-exit=$?")
out+=$'\n'$(cat build/vm/harness-test/log 2>/dev/null)
ok=1
grep -q '^not ok 1 warn # kernel complained' <<< "$out" &&
	grep -q 'deliberate warning' <<< "$out" && grep -q 'WARNING:' <<< "$out" &&
	grep -q '^vm: FAILED: .*the kernel complained' <<< "$out" &&
	grep -q '^vm-exit=125$' <<< "$out" && ok=0
tap $ok "a kernel WARNING fails its test and the run, and the splat is shown" "$out"
ok=1
grep -q '^not ok 2 hang # TIMEOUT 5s' <<< "$out" && ok=0
tap $ok "a test past its time limit fails" "$out"

out=$(VM_QUIET=1 selftests/qemu/vm.sh -t 180 -n harness-crash -- \
	bash selftests/qemu/harness/crash.sh 2>&1; echo "vm-exit=$?")
ok=1
grep -q '^vm: FAILED: no result came back' <<< "$out" &&
	grep -q 'Kernel panic' <<< "$out" && grep -q '^vm-exit=125$' <<< "$out" && ok=0
tap $ok "a guest that dies fails the run, and its console is shown" "$out"

out=$(VM_QUIET=1 selftests/qemu/vm.sh -t 25 -n harness-timeout -- sleep 1000 2>&1; echo "vm-exit=$?")
ok=1
grep -q '^vm: FAILED: timed out after 25s' <<< "$out" && grep -q '^vm-exit=124$' <<< "$out" && ok=0
tap $ok "a guest that does not finish in time fails the run" "$out"
