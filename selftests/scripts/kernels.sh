#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian kernel lines pfmod supports, fetched from Debian's archive into
# a cache, usable on this Debian 12 machine to build against and to boot.
#
#   kernels.sh lines                  the lines, one a line: "LINE SUITE"
#   kernels.sh fetch [-b] LINE...     fetch (-b: only what building needs)
#   kernels.sh get LINE VAR           a fetched line's RELEASE, KDIR, VMLINUZ,
#                                     MODDIR or MAKEFLAGS (what make needs)
#
# LINE is 5.10, 6.1, 6.12 or 7 (7.x). 6.1 is the machine's own Debian 12
# kernel (make deps installs it); the others come from their suites through
# a private apt configuration, so the system's apt sources stay untouched:
#   $PFMOD_CACHE/kernels/apt/SUITE           the private apt tree
#   $PFMOD_CACHE/kernels/RELEASE/root        the packages, unpacked
# Versions are resolved when fetching: the newest of each line.
#
# Newer suites' build tools (fixdep, modpost, objtool, ...) need a newer
# glibc than Debian 12's: each such binary is wrapped to run through that
# suite's own loader and libc (unpacked beside it), with Debian 12's other
# libraries. Rebuilding the tools from the suite's linux-source would do as
# well, at the cost of another 150 MB download and a build per line.

set -u
cache=${PFMOD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pfmod}/kernels
mirror=${PFMOD_MIRROR:-http://deb.debian.org/debian}
apt_root=$cache/apt
# shellcheck source=selftests/scripts/apt.sh
source "$(dirname "$0")/apt.sh"
LINES="5.10:bullseye 6.1:bookworm 6.12:trixie 7:sid"

die() {
	echo "kernels.sh: $*" >&2
	exit 1
}

suite_of() {
	local l

	for l in $LINES; do
		[ "${l%%:*}" = "$1" ] && { echo "${l#*:}"; return 0; }
	done
	die "unknown kernel line '$1' (lines: $(for l in $LINES; do printf '%s ' "${l%%:*}"; done))"
}

# The package the metapackage PKG of SUITE depends on, whose name starts
# with PREFIX.
dep_of() {
	papt apt-cache "$2" depends "$1" 2>/dev/null |
		awk -v p="$3" '$1 ~ /Depends:/ && index($2, p) == 1 { print $2; exit }'
}

deps_matching() {
	papt apt-cache "$2" depends "$1" 2>/dev/null |
		awk -v re="$3" '$1 ~ /Depends:/ && $2 ~ re { print $2 }' | sort -u
}

# The newest release of a line, e.g. 6.12.117+deb13-amd64.
release_of() {
	local suite=$1 img

	img=$(dep_of linux-image-amd64 "$suite" linux-image-)
	[ -n "$img" ] || die "no linux-image-amd64 in $suite"
	img=${img%-unsigned}
	echo "${img#linux-image-}"
}

# Wraps each ELF in DIR that needs a newer glibc than this machine's, to
# run through ROOT's loader and libc.
wrap_tools() {
	local root=$1 dir=$2 have need f libdir

	have=$(ldd --version | awk 'NR == 1 { print $NF }')
	libdir=$root/usr/lib/x86_64-linux-gnu
	[ -e "$libdir/libc.so.6" ] || libdir=$root/lib/x86_64-linux-gnu
	while IFS= read -r f; do
		# A tool wrapped before keeps its binary as NAME.real: a second
		# fetch (for booting, after one for building) unpacks NAME again
		# and wraps it again, never the .real.
		case $f in *.real) continue ;; esac
		file -b "$f" | grep -q '^ELF.*executable\|^ELF.*pie' || continue
		need=$(objdump -T "$f" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' |
			sort -V | tail -n1)
		[ -n "$need" ] || continue
		[ "$(printf '%s\n%s\n' "$have" "$need" | sort -V | tail -n1)" = "$have" ] && continue
		[ -e "$libdir/libc.so.6" ] || die "$f needs glibc $need: no libc6 unpacked in $root"
		mv "$f" "$f.real"
		cat > "$f" <<-EOF
			#!/bin/sh
			# kernels.sh: built for glibc $need; this machine has $have.
			exec "$libdir/ld-linux-x86-64.so.2" --library-path "$libdir:/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu" "$f.real" "\$@"
		EOF
		chmod 755 "$f"
	done < <(find "$dir" -type f -perm -u+x)
}

fetch() {
	local line=$1 build_only=$2 suite rel dir root pkgs p hdr common kbuild

	suite=$(suite_of "$line")
	if [ "$suite" = bookworm ]; then
		# The machine's own: make deps installs image and headers.
		rel=$(basename "$(ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n1 | xargs -r dirname)")
		[ -n "$rel" ] || die "no Debian 12 kernel headers (run 'make deps')"
		echo "$rel"
		return 0
	fi
	apt_tree "$suite"
	rel=$(release_of "$suite")
	dir=$cache/$rel
	root=$dir/root
	if [ -f "$dir/done.boot" ] || { [ "$build_only" = 1 ] && [ -f "$dir/done.build" ]; }; then
		echo "$rel"
		return 0
	fi
	mkdir -p "$dir/debs" "$root" || die "cannot create $dir"
	hdr=linux-headers-$rel
	common=$(deps_matching "$hdr" "$suite" '^linux-headers-.*-common')
	kbuild=$(deps_matching "$hdr" "$suite" '^linux-kbuild-')
	pkgs="$hdr $common $kbuild libc6"
	if [ "$build_only" = 0 ]; then
		p=$(dep_of linux-image-amd64 "$suite" linux-image-)
		# Split images (sid): the binary, the modules and the files
		# that describe them (modules.builtin, modules.order: without
		# them modprobe does not know what is built in) are packages
		# of their own.
		pkgs+=" $p $(deps_matching "$p" "$suite" '^linux-(binary|modules|base)-[0-9]')"
	fi
	(cd "$dir/debs" && papt apt-get "$suite" -q download $pkgs) > "$dir/download.log" 2>&1 ||
		die "downloading $pkgs from $suite failed: $(tail -n 3 "$dir/download.log")"
	for p in "$dir"/debs/*.deb; do
		dpkg -x "$p" "$root" || die "cannot unpack $p"
	done
	# The arch headers include the common ones by absolute path.
	common_dir=$(ls -d "$root"/usr/src/linux-headers-*-common 2>/dev/null | head -n1)
	[ -n "$common_dir" ] || die "no common headers in $root"
	grep -rl "/usr/src/linux-headers-" "$root/usr/src/linux-headers-$rel" --include=Makefile |
		xargs -r sed -i "s|/usr/src/linux-headers-|$root/usr/src/linux-headers-|g"
	# Symbolic links into /usr/lib/linux-kbuild-* are absolute too.
	find "$root/usr/src" -type l -lname '/usr/*' | while read -r p; do
		ln -sfn "$root$(readlink "$p")" "$p"
	done
	wrap_tools "$root" "$(ls -d "$root"/usr/lib/linux-kbuild-* | head -n1)"
	touch "$dir/done.build"
	if [ "$build_only" = 0 ]; then
		# Trixie and sid keep modules under /usr/lib/modules.
		[ -e "$root/lib" ] || ln -s usr/lib "$root/lib"
		depmod -b "$root" "$rel" || die "depmod for $rel failed"
		touch "$dir/done.boot"
	fi
	echo "$rel"
}

get() {
	local line=$1 var=$2 suite rel dir root cfg flags=

	suite=$(suite_of "$line")
	if [ "$suite" = bookworm ]; then
		rel=$(fetch "$line" 1) || exit 1
		case $var in
		RELEASE) echo "$rel" ;;
		KDIR) echo "/lib/modules/$rel/build" ;;
		VMLINUZ) echo "/boot/vmlinuz-$rel" ;;
		MODDIR) echo "/lib/modules/$rel" ;;
		MAKEFLAGS) echo "" ;;
		*) die "unknown variable '$var'" ;;
		esac
		return 0
	fi
	rel=$(ls "$cache" 2>/dev/null | grep -v '^apt$' | while read -r r; do
		[ -f "$cache/$r/done.build" ] && [ "$(suite_of_release "$r")" = "$suite" ] && echo "$r"
	done | sort -V | tail -n1)
	[ -n "$rel" ] || die "line $line is not fetched (kernels.sh fetch $line)"
	dir=$cache/$rel
	root=$dir/root
	case $var in
	RELEASE) echo "$rel" ;;
	KDIR) echo "$root/usr/src/linux-headers-$rel" ;;
	VMLINUZ)
		[ -f "$dir/done.boot" ] || die "line $line is fetched for building only (kernels.sh fetch $line)"
		ls "$root"/boot/vmlinuz-"$rel" "$root"/usr/lib/modules/"$rel"/vmlinuz 2>/dev/null | head -n1
		;;
	MODDIR)
		# Bullseye's modules are under /lib, later suites' under /usr/lib.
		if [ -d "$root/usr/lib/modules/$rel" ]; then
			echo "$root/usr/lib/modules/$rel"
		else
			echo "$root/lib/modules/$rel"
		fi
		;;
	MAKEFLAGS)
		# gcc-12 (Debian 12's) builds every line's modules, with two
		# overrides for kernels configured with a newer gcc.
		cfg=$root/usr/src/linux-headers-$rel/.config
		flags="CC=gcc-12 HOSTCC=gcc-12"
		grep -q '^CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=y' "$cfg" &&
			flags+=" CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT="
		grep -q '^CONFIG_CC_HAS_COUNTED_BY=y' "$cfg" && flags+=" KCFLAGS=-Wno-attributes"
		# No BTF for the module: it would take that kernel's pahole, and
		# the module loads and works without it.
		if grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$cfg"; then
			flags+=" CONFIG_DEBUG_INFO_BTF_MODULES="
			flags+=" PAHOLE_VERSION=$(sed -n 's/^CONFIG_PAHOLE_VERSION=//p' "$cfg")"
		fi
		echo "$flags"
		;;
	*) die "unknown variable '$var'" ;;
	esac
}

# Which suite a cached release came from (the +debNN tag, or 5.10's none).
suite_of_release() {
	case $1 in
	*+deb14*) echo sid ;;
	*+deb13*) echo trixie ;;
	*+deb12*) echo bookworm ;;
	*) echo bullseye ;;
	esac
}

cmd=${1:-}
shift
case $cmd in
lines)
	for l in $LINES; do
		echo "${l%%:*} ${l#*:}"
	done
	;;
fetch)
	build_only=0
	[ "${1:-}" = -b ] && { build_only=1; shift; }
	[ $# -gt 0 ] || die "fetch which line?"
	for l in "$@"; do
		fetch "$l" "$build_only" || exit 1
	done
	;;
get)
	[ $# -eq 2 ] || die "usage: kernels.sh get LINE RELEASE|KDIR|VMLINUZ|MODDIR|MAKEFLAGS"
	get "$1" "$2"
	;;
*)
	die "usage: kernels.sh lines | fetch [-b] LINE... | get LINE VAR"
	;;
esac
