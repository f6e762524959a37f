#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's coding style for module/, uapi/ and the test modules: checkpatch.pl --strict.
# checkpatch.pl is taken from $CHECKPATCH, or extracted once from Debian's
# linux-source tarball into build/checkpatch. Prints one TAP line.

set -u
cd "$(dirname "$0")/../.." || exit 1
echo "1..1"

cp=${CHECKPATCH:-}
if [ -z "$cp" ]; then
	cp=build/checkpatch/scripts/checkpatch.pl
	if [ ! -f "$cp" ]; then
		tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n1)
		if [ -z "$tarball" ]; then
			echo "not ok 1 style: checkpatch.pl not found (install linux-source-6.1 or set CHECKPATCH)"
			exit 1
		fi
		dir=$(basename "$tarball" .tar.xz)
		mkdir -p build/checkpatch
		tar -xJf "$tarball" -C build/checkpatch --strip-components=1 \
			"$dir/scripts/checkpatch.pl" "$dir/scripts/spelling.txt" \
			"$dir/scripts/const_structs.checkpatch" || {
			echo "not ok 1 style: cannot extract checkpatch.pl from $tarball"
			exit 1
		}
	fi
fi

files=$(find module uapi selftests/qemu/harness selftests/bench/lookup -name '*.[ch]' ! -name '*.mod.c' | sort)
if out=$(perl "$cp" --strict --no-tree --no-summary --terse --show-types -f \
		$files 2>&1) && [ -z "$out" ]; then
	echo "ok 1 style: checkpatch --strict clean ($(wc -w <<< "$files") files)"
else
	echo "not ok 1 style: checkpatch --strict"
	sed 's/^/#   /' <<< "$out"
	exit 1
fi
