#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-debug`: every selftest, with the full fuzzer run, on a debug
# kernel (KASAN, kmemleak, lockdep and RCU proving, list and object
# debugging: selftests/debug/config), built once from Debian's linux-source
# and cached outside the tree. Any report fails the run. Ends with the
# summary line, like make check.

set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/scripts/common.sh
source selftests/scripts/tap.sh
mkdir -p build
log=build/check-debug.log
: > "$log"
start=$(date +%s)
say() { echo "$*" | tee -a "$log"; }
stage() { tap_stage "$log" "$@"; }
summary() { tap_summary "$log" "$start"; }

pf_deps debug || exit 1
t0=$(date +%s)
dk=$(selftests/scripts/debug-kernel.sh | tail -n1)
[ -f "$dk/done" ] || { say "not ok - debug kernel build"; summary; exit 1; }
krel=$(cat "$dk/build/include/config/kernel.release")
say "# debug kernel $krel in $dk (built in $(cat "$dk/build-seconds")s once; this time $(($(date +%s) - t0))s)"

# The module, built for the debug kernel from a copy of its sources (an
# external module's objects land beside its sources).
mod=build/debug-module
build() {
	local out

	echo "1..1"
	rm -rf "$mod" && mkdir -p "$mod"
	cp -r Kbuild module uapi "$mod"/
	find "$mod" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' \) -delete
	if out=$(make -s -C "$dk/build" M="$PWD/$mod" modules 2>&1) && [ -f "$mod/pfmod.ko" ] &&
	   ! grep -q 'warning:' <<< "$out" && out+=$(make -s tool 2>&1 && make -s -C selftests 2>&1); then
		echo "ok 1 build: pfmod.ko for the debug kernel, no warnings; pfctl and the test tools"
	else
		echo "not ok 1 build: pfmod.ko for the debug kernel, pfctl, the test tools"
		sed 's/^/#   /' <<< "$out"
		return 1
	fi
}
stage build build || { summary; exit 1; }

# The debug kernel is several times slower under emulation: every time
# limit of the selftests and of the harness's guests is multiplied.
export PFMOD_TIMEOUT_SCALE=${PFMOD_TIMEOUT_SCALE:-4}
debug_vm() {
	VMLINUZ=$dk/bzImage MODDIR=$dk/mods/lib/modules/$krel VM_APPEND="acpi=off" VM_MEM=${VM_MEM:-4G} \
		PFMOD_KO="$PWD/$mod/pfmod.ko" KDIR=$dk/build "$@"
}
if [ -z "${T:-}" ]; then
	stage "harness self-test" debug_vm selftests/qemu/harness.sh
fi
# leak: 10 rounds of each way to end the streams (make check runs 20). With
# 20 it ran past its bound (1,200 s x 4) on this kernel: on 2026-11-30 three
# of its four ways had taken 79 minutes. The debug kernel is there to catch
# memory and locking faults, which 10 rounds exercise as well.
export PFMOD_LEAK_ROUNDS=${PFMOD_LEAK_ROUNDS:-10}
# Two guests at once (suite.sh): the whole run takes over three hours in one.
# They keep multi-threaded TCG (suite.sh's default for several guests is
# single-threaded): each guest's vCPUs then run at once, which is what
# lockdep and KASAN are there to see; this kernel's runs were clean so.
export VM_TCG=${VM_TCG:-multi}
guest() {
	PFMOD_GUESTS=${PFMOD_GUESTS:-2} debug_vm selftests/qemu/suite.sh -k debug -t "${VM_TIMEOUT:-14400}" -n check-debug -- \
		env PFMOD_KO="$PWD/$mod/pfmod.ko" PFMOD_FUZZ_COUNT="${PFMOD_FUZZ_COUNT:-100000}" \
		PFMOD_TIMEOUT_SCALE="$PFMOD_TIMEOUT_SCALE" \
		${PFMOD_FUZZ_SEED:+PFMOD_FUZZ_SEED=$PFMOD_FUZZ_SEED} \
		${PFMOD_LEAK_ROUNDS:+PFMOD_LEAK_ROUNDS=$PFMOD_LEAK_ROUNDS} \
		${PFMOD_LEAK_OPS:+PFMOD_LEAK_OPS=$PFMOD_LEAK_OPS} selftests/run_tests.sh
}
stage "selftests in the debug guest" guest
summary
