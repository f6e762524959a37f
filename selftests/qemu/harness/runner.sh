#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Harness self-test, in the guest: runs of selftests/run_tests.sh that must
# each fail, one after the other in one boot. Prints each run's output
# between "=== run NAME" and "=== end NAME status N" for harness.sh to read.

cd "$(dirname "$0")/../../.." || exit 1
run() {
	local name=$1

	shift
	echo "=== run $name"
	"$@" 2>&1
	echo "=== end $name status $?"
}

export PFMOD_TESTDIR=selftests/qemu/harness
run tests selftests/run_tests.sh warn hang failskip lockdep pass
run noload env PFMOD_KO="$PFMOD_FAULT_KO" PFMOD_KO_ARGS=fault=noload \
	selftests/run_tests.sh pass
run loadwarn env PFMOD_KO="$PFMOD_FAULT_KO" PFMOD_KO_ARGS=fault=warn \
	selftests/run_tests.sh pass
run allskip selftests/run_tests.sh skip
exit 0
