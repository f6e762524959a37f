#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own static checker over pfmod: module/ checked with sparse
# (Kbuild's C=2, every file, its endian checks on) against KDIR's headers,
# and nothing said. It reads the types: a port or an address in the wrong
# byte order where they say which (__be16 against u16), on every path, not
# only those a test drives; and a pointer they mark __rcu read without
# rcu_dereference(), which no test on x86 sees. Prints one TAP line.

set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/scripts/common.sh
echo "1..1"

pf_kernel
if ! command -v sparse > /dev/null; then
	echo "not ok 1 sparse: not installed (make deps)"
	exit 1
fi
out=$(make -s KDIR="$KDIR" module C=2 2>&1)
rc=$?
# Kbuild only warns, and builds on, when it will not run the checker (its
# checker-valid.sh finds sparse too old, or is not there): a check that
# did not run must not pass.
if grep -q 'sparse is not available' <<< "$out"; then
	echo "not ok 1 sparse: Kbuild did not run it for $KERNELRELEASE"
	sed 's/^/#   /' <<< "$out"
	exit 1
fi
# sparse's findings are FILE:LINE:COL: warning|error: ...
if [ "$rc" = 0 ] && ! grep -qE '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' <<< "$out"; then
	echo "ok 1 sparse: module/ clean for $KERNELRELEASE"
else
	echo "not ok 1 sparse: module/ for $KERNELRELEASE"
	sed 's/^/#   /' <<< "$out"
	exit 1
fi
