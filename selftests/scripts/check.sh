#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: pfctl's unit tests and the style check on the host, the
# harness's self-test, then every selftest in a QEMU guest running the
# Debian kernel the module is built for. Ends with one summary line:
# "N passed, N failed, N skipped".
#
# Environment: KDIR, KERNELRELEASE (from the Makefile); T="test ..." runs only
# those selftests (and skips the harness self-test); VMLINUZ/MODDIR boot
# another kernel (see selftests/qemu/vm.sh).

set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/scripts/common.sh
mkdir -p build
log=build/check.log
: > "$log"
start=$(date +%s)

say() { echo "$*" | tee -a "$log"; }
# stage NAME COMMAND...: the command prints TAP lines; all output is logged.
stage() {
	local name=$1

	shift
	say "# --- $name"
	"$@" 2>&1 | tee -a "$log"
	return "${PIPESTATUS[0]}"
}

summary() {
	pf_summary "$log" "$start"
}

if ! selftests/scripts/deps.sh check; then
	if [ "$(id -u)" = 0 ]; then
		selftests/scripts/deps.sh install || { say "not ok 1 install dependencies"; summary; exit 1; }
	else
		selftests/scripts/deps.sh install
		say "not ok 1 dependencies missing"
		summary
		exit 1
	fi
fi

# The kernel to build for and boot: the Makefile's choice, or the newest.
pf_kernel

build() {
	local out

	if out=$(pf_build) && ! grep -q 'warning:' <<< "$out"; then
		echo "ok 1 build: pfmod.ko for $KERNELRELEASE, pfctl, test tools, no warnings"
	else
		echo "not ok 1 build"
		sed 's/^/#   /' <<< "$out"
		return 1
	fi
}
stage build build || { summary; exit 1; }
stage style selftests/scripts/style.sh
stage "pfctl unit tests" make -s -C userspace-tool test
stage dkms selftests/scripts/dkms.sh "$KERNELRELEASE"
if [ -n "${T:-}" ]; then
	say "ok 1 harness self-test # SKIP only selected tests run (T=$T)"
else
	stage "harness self-test" selftests/qemu/harness.sh "$KDIR"
fi

guest() {
	local rc

	# shellcheck disable=SC2086
	selftests/qemu/vm.sh -t "${VM_TIMEOUT:-1500}" -n selftests -- selftests/run_tests.sh ${T:-}
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok 1 guest run: finished, kernel log clean"
	else
		echo "not ok 1 guest run: vm.sh exit status $rc (see above)"
	fi
}
stage "selftests in the guest" guest
summary
