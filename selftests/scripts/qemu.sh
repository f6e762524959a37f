#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The QEMU the test guests run under. Debian 12's own (7.2) can stall a
# guest for a minute and more: its TCG makes every store into a page that
# held translated code (a module's text, freed and handed to a new process)
# cost tens of milliseconds, and a vCPU clearing such a page sits in one
# `rep stosb` until the guest's soft-lockup watchdog fires (README, "The
# stall is QEMU 7.2's"). bookworm-backports' build (10.0) runs the same
# suite without it. So it is fetched, through a private apt configuration
# (selftests/scripts/apt.sh; the system's apt sources stay untouched), with
# the SeaBIOS it wants, and unpacked into a cache:
#   $PFMOD_CACHE/qemu/VERSION/root
# It runs with Debian 12's libraries (those qemu-system-x86 pulls in, which
# make deps installs); fetch checks that none is missing.
#
#   qemu.sh fetch   fetch the newest unless one is cached (REFRESH=1: look
#                   for a newer one), then print its command, one word a
#                   line: the binary and its -L firmware directories
#   qemu.sh cmd     the cached one's command (fails if none is cached)
#
# VM_QEMU (vm.sh) names another binary instead, e.g. the system's
# qemu-system-x86_64.

set -u
cache=${PFMOD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pfmod}/qemu
mirror=${PFMOD_MIRROR:-http://deb.debian.org/debian}
suite=bookworm-backports
apt_root=$cache/apt
# shellcheck source=selftests/scripts/apt.sh
source "$(dirname "$0")/apt.sh"

die() {
	echo "qemu.sh: $*" >&2
	exit 1
}

# The command of the newest cached version, one word a line.
cmd() {
	local v

	v=$(ls "$cache" 2>/dev/null | while read -r d; do
		[ -f "$cache/$d/done" ] && echo "$d"
	done | sort -V | tail -n1)
	[ -n "$v" ] || return 1
	printf '%s\n' "$cache/$v/root/usr/bin/qemu-system-x86_64" \
		-L "$cache/$v/root/usr/share/qemu" -L "$cache/$v/root/usr/share/seabios"
}

fetch() {
	local ver dir root missing p

	if [ "${REFRESH:-0}" != 1 ] && cmd; then
		return 0
	fi
	apt_tree "$suite"
	ver=$(papt apt-cache "$suite" show --no-all-versions qemu-system-x86 2>/dev/null |
		sed -n 's/^Version: //p')
	[ -n "$ver" ] || die "no qemu-system-x86 in $suite"
	# The directory's name: the version without its epoch.
	dir=$cache/${ver#*:}
	root=$dir/root
	if [ ! -f "$dir/done" ]; then
		rm -rf "$dir" && mkdir -p "$dir/debs" "$root" || die "cannot create $dir"
		(cd "$dir/debs" && papt apt-get "$suite" -q download \
			qemu-system-x86 qemu-system-common qemu-system-data seabios) \
			> "$dir/download.log" 2>&1 ||
			die "downloading QEMU $ver from $suite failed: $(tail -n 3 "$dir/download.log")"
		for p in "$dir"/debs/*.deb; do
			dpkg -x "$p" "$root" || die "cannot unpack $p"
		done
		missing=$(ldd "$root/usr/bin/qemu-system-x86_64" | awk '/not found/ { print $1 }' |
			tr '\n' ' ')
		[ -z "$missing" ] ||
			die "QEMU $ver needs libraries this machine lacks: $missing(make deps installs Debian 12's qemu-system-x86, which brings them)"
		"$root/usr/bin/qemu-system-x86_64" -version > "$dir/version" 2>&1 ||
			die "QEMU $ver does not start: $(head -n 3 "$dir/version")"
		touch "$dir/done"
	fi
	cmd
}

mkdir -p "$cache" || die "cannot create $cache"
case ${1:-} in
fetch)
	# One fetch at a time (suite.sh starts several guests at once).
	exec 9> "$cache/lock" && flock 9 || die "cannot lock $cache/lock"
	fetch
	;;
cmd)
	cmd || die "no QEMU cached (qemu.sh fetch)"
	;;
*)
	die "usage: qemu.sh fetch | cmd"
	;;
esac
