#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pfmod.ko for every supported Debian kernel line, each in a copy of the
# sources (build/kernels/LINE), warning-free: an API break on any line fails
# here, before anything boots. The features the compat probes found are
# shown. DKMS=1: dkms.conf proven on each line too (dkms build). Prints TAP.
#
# usage: build-kernels.sh [LINE...]   (default: every line)

set -u
cd "$(dirname "$0")/../.." || exit 1
lines=("$@")
[ ${#lines[@]} -gt 0 ] || mapfile -t lines < <(selftests/scripts/kernels.sh lines | awk '{print $1}')
per=1
[ "${DKMS:-0}" = 1 ] && per=2
echo "1..$((per * ${#lines[@]}))"
n=0
for l in "${lines[@]}"; do
	n=$((n + 1))
	if ! out=$(selftests/scripts/kernels.sh fetch -b "$l" 2>&1); then
		echo "not ok $n build for kernel line $l: cannot fetch it"
		sed 's/^/#   /' <<< "$out"
		[ $per = 2 ] && { n=$((n + 1)); echo "not ok $n dkms for kernel line $l: not fetched"; }
		continue
	fi
	rel=$(selftests/scripts/kernels.sh get "$l" RELEASE)
	kdir=$(selftests/scripts/kernels.sh get "$l" KDIR)
	flags=$(selftests/scripts/kernels.sh get "$l" MAKEFLAGS)
	dir=build/kernels/$l
	rm -rf "$dir" && mkdir -p "$dir"
	cp -r Kbuild module uapi "$dir"/
	# shellcheck disable=SC2086
	if out=$(make -j"$(nproc)" -C "$kdir" M="$PWD/$dir" $flags V=1 modules 2>&1) &&
	   [ -f "$dir/pfmod.ko" ] &&
	   ! grep -q 'warning:' <<< "$out" &&
	   [ "$(modinfo -F vermagic "$dir/pfmod.ko" | cut -d' ' -f1)" = "$rel" ]; then
		features=$(grep -o -- '-DPF_HAVE_[A-Z0-9_]*' <<< "$out" | sort -u | sed 's/-DPF_HAVE_//' |
			tr 'A-Z\n' 'a-z ')
		echo "ok $n build: pfmod.ko for $rel (line $l), no warnings; features: ${features:-none}"
	else
		echo "not ok $n build: pfmod.ko for $rel (line $l)"
		grep -E 'warning:|error:|Error' <<< "$out" | head -n 30 | sed 's/^/#   /'
	fi
	[ $per = 2 ] || continue
	n=$((n + 1))
	out=$(KDIR=$kdir KMAKEFLAGS=$flags selftests/scripts/dkms.sh "$rel" 2>&1 | grep -v '^1\.\.')
	sed "s/^\(not \)\{0,1\}ok 1 /&/; s/^ok 1 /ok $n /; s/^not ok 1 /not ok $n /" <<< "$out"
done
