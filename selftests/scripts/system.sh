#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-system` (and a stage of `make check`): the Debian packages on
# a guest, and a boot with them. Two guests share one disk, the upper layer
# of their overlay root:
#   1. selftests/system/packages.sh, under the test init: make deb's
#      packages installed with apt-get (DKMS builds the module in the
#      guest: most of the time this takes, under emulation), autoloaded by
#      pfctl, forwarding; a forwards file written.
#   2. selftests/system/boot.sh, with systemd as PID 1 (the real boot:
#      pfmod.service restores the file): the forwards are there and carry
#      traffic; reload, stop and bad files as an admin meets them; then the
#      packages removed and purged.
# Each check of a guest becomes a TAP result, and so does each guest's
# run (vm.sh's verdict: exit status, kernel complaints, taint). Prints TAP.
#
# Environment: KERNELRELEASE, VMLINUZ (the kernel to boot: its headers must
# be installed, for DKMS); VM_TIMEOUT per guest (default 1800 s).

set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/scripts/common.sh
pf_kernel
n=0
bad=0
result() {	# result ok|"not ok" TEXT
	n=$((n + 1))
	echo "$1 $n $2"
	[ "$1" = ok ] || bad=1
}
finish() {
	echo "1..$n"
	exit $bad
}
start=$(date +%s)

if out=$(selftests/scripts/deb.sh 2>&1); then
	result ok "make deb: $(grep -c '\.deb$' <<< "$out") packages, lintian reports no errors"
else
	result "not ok" "make deb"
	sed 's/^/#   /' <<< "$out"
	finish
fi
if [ ! -d "/usr/src/linux-headers-$KERNELRELEASE" ] && [ ! -e "/lib/modules/$KERNELRELEASE/build" ]; then
	result "not ok" "no headers for $KERNELRELEASE: DKMS cannot build in the guest"
	finish
fi

mkdir -p build/vm
img=build/vm/system.img
rm -f "$img"
if ! out=$(truncate -s 4G "$img" 2>&1 && mkfs.ext4 -q -F "$img" 2>&1); then
	result "not ok" "a disk for the guests: $out"
	finish
fi

# guest NAME SCRIPT [ARGS]: one guest run; its checks and verdict as TAP.
guest() {
	local name=$1 out rc

	shift
	out=$(VM_DISK=$img VM_QUIET=1 selftests/qemu/vm.sh -t "${VM_TIMEOUT:-1800}" -n "$name" \
		-- "$@" 2>&1)
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok: "*) result ok "$name: ${line#ok: }" ;;
		"FAIL: "*) result "not ok" "$name: ${line#FAIL: }" ;;
		*) echo "# $line" ;;
		esac
	done < "build/vm/$name/log"
	if [ $rc = 0 ]; then
		result ok "$name: the guest's run ($(grep '^vm: ' <<< "$out" | head -n 1 | cut -c 5-))"
	else
		result "not ok" "$name: the guest's run (status $rc)"
		sed 's/^/#   /' <<< "$out"
	fi
	return $rc
}

if VM_APPEND="pfmod_root=disk" guest packages selftests/system/packages.sh "$PWD"; then
	# systemd's boot takes minutes under TCG; single-threaded TCG (no
	# jump-label hangs while the hooks come and go at boot).
	VM_APPEND="pfmod_root=disk pfmod_init=systemd" VM_BOOT_LIMIT=900 VM_TCG=single \
		guest boot selftests/system/boot.sh
else
	result "not ok" "boot: not run, the packages were not installed"
fi
rm -f "$img"
echo "# took $(($(date +%s) - start))s"
finish
