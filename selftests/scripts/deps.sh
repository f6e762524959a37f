#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What building and testing pfmod need, from Debian 12 (bookworm).
#   deps.sh check     exit 1 and list what is missing
#   deps.sh install   install it (as root): apt-get -t bookworm install ...
#   deps.sh list      print the package names

set -u
packages=(
	# build
	make gcc libc6-dev pkg-config libmnl-dev linux-headers-amd64 kmod
	# the test guest
	linux-image-amd64 qemu-system-x86 busybox-static cpio gzip xz-utils zstd
	# the selftests
	iproute2 iptables nftables conntrack socat procps psmisc util-linux curl
	# `make style` (checkpatch.pl ships in the kernel source), DKMS,
	# `make check-debug` (a kernel build), `make bench` (its plot)
	linux-source-6.1 perl dkms bc bison flex libelf-dev libssl-dev gnuplot-nox
)

missing() {
	local p

	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
			echo "$p"
	done
}

case "${1:-check}" in
list)
	echo "${packages[@]}"
	;;
check)
	m=$(missing | tr '\n' ' ')
	[ -z "$m" ] && exit 0
	echo "pfmod: missing packages: $m"
	exit 1
	;;
install)
	m=$(missing | tr '\n' ' ')
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
	echo "usage: deps.sh check|install|list" >&2
	exit 2
	;;
esac
