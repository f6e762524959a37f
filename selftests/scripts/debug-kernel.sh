#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds (once) the debug kernel of `make check-debug` from Debian's
# linux-source tarball: allnoconfig plus selftests/debug/config. The result
# is cached outside the tree, keyed on the fragment and the source version:
#   $PFMOD_CACHE/debug-kernel-<key>/{bzImage,build/,mods/lib/modules/<rel>}
# Prints the cache directory on its last line.

set -eu
cd "$(dirname "$0")/../.."
cache=${PFMOD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pfmod}
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n1)
[ -n "$tarball" ] || { echo "debug-kernel: no /usr/src/linux-source-*.tar.xz (make deps)" >&2; exit 1; }
srcver=$(dpkg-query -W -f='${Version}' "$(basename "$tarball" .tar.xz)" 2>/dev/null ||
	 stat -c %s "$tarball")
key=$( (cat selftests/debug/config; echo "$tarball $srcver") | md5sum | cut -c1-12)
dir=$cache/debug-kernel-$key
if [ -f "$dir/done" ]; then
	echo "$dir"
	exit 0
fi
mkdir -p "$dir"
src=$dir/src
if [ ! -f "$src/Makefile" ]; then
	echo "debug-kernel: extracting $tarball" >&2
	rm -rf "$src" && mkdir -p "$src"
	tar -xJf "$tarball" -C "$src" --strip-components=1
fi
out=$dir/build
mkdir -p "$out"
start=$(date +%s)
echo "debug-kernel: configuring (allnoconfig + selftests/debug/config)" >&2
make -s -C "$src" O="$out" allnoconfig >&2
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" selftests/debug/config >&2
make -s -C "$src" O="$out" olddefconfig >&2
# Every option of the fragment must have survived (a dependency missing
# would silently drop it).
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' selftests/debug/config | while read -r line; do
	grep -qx "$line" "$out/.config" || echo "$line"
done)
if [ -n "$missing" ]; then
	echo "debug-kernel: these options did not make it into the config:" >&2
	echo "$missing" >&2
	exit 1
fi
echo "debug-kernel: building in $out ($(nproc) jobs); this takes a while" >&2
make -s -C "$src" O="$out" -j"$(nproc)" bzImage modules >&2
make -s -C "$src" O="$out" INSTALL_MOD_PATH="$dir/mods" modules_install >&2
cp "$out/arch/x86/boot/bzImage" "$dir/bzImage"
echo "$(($(date +%s) - start))" > "$dir/build-seconds"
touch "$dir/done"
echo "debug-kernel: built in $(cat "$dir/build-seconds")s" >&2
echo "$dir"
