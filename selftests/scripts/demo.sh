#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: build, boot the test guest, and show pfmod at work there.
#   demo.sh          on the host: build, then run "demo.sh guest" in QEMU
#   demo.sh guest    in the guest (or on a scratch machine, as root)

set -u
cd "$(dirname "$0")/../.." || exit 1

if [ "${1:-}" != guest ]; then
	selftests/scripts/deps.sh check >/dev/null || selftests/scripts/deps.sh install || exit 1
	if [ -z "${KDIR:-}" ]; then
		KDIR=$(ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n1)
		KERNELRELEASE=$(basename "$(dirname "$KDIR")")
	fi
	export KERNELRELEASE
	make -s KDIR="$KDIR" module tool && make -s -C selftests || exit 1
	exec selftests/qemu/vm.sh -t 600 -n demo -- selftests/scripts/demo.sh guest
fi

step() {
	echo
	echo "\$ $*"
	"$@"
}

modprobe -a nf_nat nf_conntrack
step insmod pfmod.ko
step userspace-tool/pfctl version
