#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What building and testing pfmod need, from Debian 12 (bookworm).
#   deps.sh check [GROUP...]    exit 1 and list what is missing
#   deps.sh install [GROUP...]  install it (as root): apt-get -t bookworm install ...
#   deps.sh list [GROUP...]     print the package names
# GROUP: check (the default: make, make check, make demo), debug (make
# check-debug: a kernel build), bench (make bench: its plot), all.

set -u
group_check=(
	# build
	make gcc libc6-dev pkg-config libmnl-dev linux-headers-amd64 kmod
	# the test guest
	linux-image-amd64 qemu-system-x86 busybox-static cpio gzip xz-utils zstd
	# the selftests and the demo
	iproute2 iptables nftables conntrack socat procps psmisc util-linux curl jq strace time
	# style (checkpatch.pl ships in the kernel source), sparse and the DKMS proof
	linux-source-6.1 perl sparse dkms
	# the packages (make deb) and the guests that install and boot them
	dpkg-dev debhelper dh-dkms lintian systemd e2fsprogs
)
group_debug=(bc bison flex libelf-dev libssl-dev)
group_bench=(gnuplot-nox ipvsadm bc linux-perf)

# The packages of the groups asked for: check's, and debug's and bench's
# on top when asked.
packages() {
	local g extra=()

	for g in "${@:-check}"; do
		case $g in
		check) ;;
		debug) extra+=("${group_debug[@]}") ;;
		bench) extra+=("${group_bench[@]}") ;;
		all) extra+=("${group_debug[@]}" "${group_bench[@]}") ;;
		*) echo "deps.sh: unknown group '$g' (check, debug, bench or all)" >&2; return 2 ;;
		esac
	done
	printf '%s\n' "${group_check[@]}" "${extra[@]}" | sort -u
}

missing() {
	local p

	for p in $(packages "$@"); do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
			echo "$p"
	done
}

cmd=${1:-check}
shift
packages "$@" > /dev/null || exit 2
case $cmd in
list)
	packages "$@" | tr '\n' ' '
	echo
	;;
check)
	m=$(missing "$@" | tr '\n' ' ')
	[ -z "$m" ] && exit 0
	echo "pfmod: missing packages: $m"
	exit 1
	;;
install)
	m=$(missing "$@" | tr '\n' ' ')
	[ -z "$m" ] && { echo "pfmod: all dependencies are installed"; exit 0; }
	if [ "$(id -u)" != 0 ]; then
		echo "pfmod: as root, run:"
		echo "  apt-get update && apt-get -t bookworm install -y --no-install-recommends $m"
		exit 1
	fi
	echo "pfmod: installing $m"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q &&
		apt-get -t bookworm install -y -q --no-install-recommends $m
	;;
*)
	echo "usage: deps.sh check|install|list [check|debug|bench|all]" >&2
	exit 2
	;;
esac
