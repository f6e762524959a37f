#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Proves dkms.conf: `dkms add` and `dkms build` of this tree against a
# kernel's headers (KDIR, if set: a cached kernel line, built with
# KMAKEFLAGS; else the installed ones), in a private DKMS tree so that the
# machine's DKMS state is left as it was. Prints TAP.
#
# usage: dkms.sh KERNELRELEASE

set -u
cd "$(dirname "$0")/../.." || exit 1
echo "1..1"
krel=$1
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' dkms.conf)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
modver=$(sed -n 's/^#define PFMOD_VERSION "\(.*\)"/\1/p' module/version.h)

command -v dkms >/dev/null || { echo "not ok 1 dkms: dkms is not installed"; exit 1; }
if [ "$(id -u)" != 0 ]; then
	echo "ok 1 dkms: add and build # SKIP dkms needs root"
	exit 0
fi
if [ "$ver" != "$modver" ]; then
	echo "not ok 1 dkms: dkms.conf says version $ver, module/version.h $modver"
	exit 1
fi

tmp=$(mktemp -d)
# DKMS makes a module signing key on its first build; do not leave one behind.
mok=/var/lib/dkms/mok.key
had_mok=0
[ -e "$mok" ] && had_mok=1
cleanup() {
	rm -rf "$tmp"
	[ $had_mok = 1 ] || rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
}
trap cleanup EXIT

mkdir -p "$tmp/src/$name-$ver" "$tmp/dkms"
# What the tree holds (not build products), as DKMS users get it.
files=$(git ls-files --cached --others --exclude-standard -- Kbuild dkms.conf module uapi \
	2>/dev/null)
[ -n "$files" ] || files="Kbuild dkms.conf module uapi"
tar -cf - $files | tar -xf - -C "$tmp/src/$name-$ver"
dk=(--dkmstree "$tmp/dkms" --sourcetree "$tmp/src")
ksrc=()
[ -n "${KDIR:-}" ] && ksrc=(--kernelsourcedir "$(readlink -f "$KDIR")")
# What building for this kernel takes here reaches DKMS's make through
# the environment.
export MAKEFLAGS="-- ${KMAKEFLAGS:-}"
if out=$(dkms add "${dk[@]}" "$name/$ver" 2>&1 &&
	 dkms build "${dk[@]}" "$name/$ver" -k "$krel" "${ksrc[@]}" 2>&1); then
	ko=$(find "$tmp/dkms/$name/$ver/$krel" -name "$name.ko*" | head -n1)
	if [ -n "$ko" ] && [ "$(modinfo -F version "$ko")" = "$ver" ]; then
		echo "ok 1 dkms: dkms add + build of $name/$ver for $krel"
		exit 0
	fi
	out+=$'\n'"no $name.ko of version $ver was built"
fi
echo "not ok 1 dkms: dkms add + build of $name/$ver for $krel"
sed 's/^/#   /' <<< "$out"
cat "$tmp/dkms/$name/$ver/build/make.log" 2>/dev/null | sed 's/^/#   /'
exit 1
