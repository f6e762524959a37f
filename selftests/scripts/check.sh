#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: the build, the style check, sparse, pfctl's unit tests, the DKMS
# proof and the harness's self-test on the host, then every selftest in a
# QEMU guest running the Debian kernel the module is built for. Every stage
# prints TAP and is judged by its plan and exit status as well as its
# results (selftests/scripts/tap.sh). Ends with one summary line:
# "N passed, N failed, N skipped".
#
# Environment: KDIR, KERNELRELEASE (from the Makefile); KVER=LINE builds for
# and boots that Debian kernel line (selftests/scripts/kernels.sh); T="test
# ..." runs only those selftests (and skips the harness self-test);
# VMLINUZ/MODDIR boot another kernel (see selftests/qemu/vm.sh);
# PFMOD_TIMEOUT_SCALE (a whole number, default 1) multiplies the guest
# tests' time limits and bounds, for a kernel that runs slower under the
# emulator (VM_TIMEOUT: the guest's backstop, 3600 s); PFMOD_LEAK_ROUNDS,
# leak's rounds of each way of ending (20).

set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/scripts/common.sh
source selftests/scripts/tap.sh
mkdir -p build
log=build/check.log
: > "$log"
start=$(date +%s)

say() { echo "$*" | tee -a "$log"; }
stage() { tap_stage "$log" "$@"; }
summary() { tap_summary "$log" "$start"; }

if ! selftests/scripts/deps.sh check; then
	if [ "$(id -u)" = 0 ]; then
		selftests/scripts/deps.sh install ||
			{ say "not ok - install dependencies (selftests/scripts/deps.sh install)"; summary; exit 1; }
	else
		selftests/scripts/deps.sh install
		say "not ok - dependencies missing"
		summary
		exit 1
	fi
fi

# The kernel to build for and boot: the Makefile's choice, or the newest.
pf_kernel
if [ -n "${KVER:-}" ]; then
	err=$(mktemp)
	if ! pf_kernel_line "$KVER" 2> "$err"; then
		say "not ok - fetch the $KVER kernel line: $(cat "$err")"
		rm -f "$err"
		summary
		exit 1
	fi
	rm -f "$err"
	say "# kernel line $KVER: $KERNELRELEASE ($VMLINUZ)"
fi

build() {
	local out

	echo "1..1"
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
if [ -z "${KVER:-}" ]; then
	# The default kernel's headers: the 7 line's do not ship the script
	# with which Kbuild decides to run sparse.
	stage sparse selftests/scripts/sparse.sh
fi
for t in $(make -s -C userspace-tool list-tests); do
	stage "pfctl unit test $t" "userspace-tool/$t"
done
stage dkms selftests/scripts/dkms.sh "$KERNELRELEASE"
if [ -z "${KVER:-}" ]; then
	# Every kernel line builds (cheap): an API break anywhere fails here.
	stage "kernel lines" selftests/scripts/build-kernels.sh
fi
# The guests' emulator: bookworm-backports' QEMU (selftests/scripts/qemu.sh),
# fetched once, or VM_QEMU.
guest_qemu() {
	local out

	echo "1..1"
	if [ -n "${VM_QEMU:-}" ]; then
		echo "ok 1 the guests' QEMU: VM_QEMU=$VM_QEMU"
	elif out=$(selftests/scripts/qemu.sh fetch 2>&1) &&
	     out=$("$(head -n 1 <<< "$out")" -version 2>&1); then
		echo "ok 1 the guests' QEMU: $(head -n 1 <<< "$out")"
	else
		echo "not ok 1 the guests' QEMU (selftests/scripts/qemu.sh fetch)"
		sed 's/^/#   /' <<< "$out"
		return 1
	fi
}
stage "the guests' QEMU" guest_qemu || { summary; exit 1; }
if [ -n "${T:-}" ]; then
	say "ok - harness self-test # SKIP only selected tests run (T=$T)"
else
	stage "harness self-test" selftests/qemu/harness.sh
fi

guest() {
	# A backstop for a guest that hangs: each test has its own limit. The
	# suite takes about 30 minutes alone on 6.1, 40 on 7.2 beside another
	# guest; CI's 90 minutes leave room for an hour.
	selftests/qemu/suite.sh -t "${VM_TIMEOUT:-3600}" -n selftests -- \
		env PFMOD_TIMEOUT_SCALE="${PFMOD_TIMEOUT_SCALE:-1}" \
		${PFMOD_LEAK_ROUNDS:+PFMOD_LEAK_ROUNDS=$PFMOD_LEAK_ROUNDS} selftests/run_tests.sh
}
stage "selftests in the guest" guest
if [ -z "${KVER:-}" ] && [ -z "${T:-}" ]; then
	stage "packages and boot" selftests/scripts/system.sh
elif [ -z "${T:-}" ]; then
	# DKMS in the guest needs the kernel's headers installed on the host.
	say "ok - packages and boot # SKIP on the default kernel only (make check-system)"
fi
summary
