# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the scripts behind make's targets, from the top of the tree.

# KDIR and KERNELRELEASE as the Makefile chose them, or the newest installed.
pf_kernel() {
	if [ -z "${KDIR:-}" ]; then
		KDIR=$(ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n1)
		KERNELRELEASE=$(basename "$(dirname "$KDIR")")
	fi
	export KDIR KERNELRELEASE
}

# pf_kernel_line LINE: build for and boot Debian's kernel line LINE, fetched
# (selftests/scripts/kernels.sh): sets and exports KDIR, KERNELRELEASE,
# KMAKEFLAGS, VMLINUZ and MODDIR. Says why on stderr if it cannot.
pf_kernel_line() {
	local k=selftests/scripts/kernels.sh

	"$k" fetch "$1" > /dev/null &&
		KDIR=$("$k" get "$1" KDIR) && KERNELRELEASE=$("$k" get "$1" RELEASE) &&
		KMAKEFLAGS=$("$k" get "$1" MAKEFLAGS) && VMLINUZ=$("$k" get "$1" VMLINUZ) &&
		MODDIR=$("$k" get "$1" MODDIR) || return 1
	export KDIR KERNELRELEASE KMAKEFLAGS VMLINUZ MODDIR
}

# pf_deps [GROUP...]: installs what is missing (as root), or says what to run.
pf_deps() {
	selftests/scripts/deps.sh check "$@" >/dev/null || selftests/scripts/deps.sh install "$@"
}

# pf_env_pass ARRAY REGEX: appends NAME=VALUE to the array named ARRAY for
# every exported variable whose name matches REGEX (what `env` in the guest
# passes on).
pf_env_pass() {
	local -n _pf_env=$1
	local v

	for v in $(compgen -e | grep -E "$2"); do
		_pf_env+=("$v=${!v}")
	done
}

# The test-only module of make bench-lookup (selftests/bench/lookup).
pf_build_lookup() {
	make -s -C "$KDIR" M="$PWD/selftests/bench/lookup" ${KMAKEFLAGS:-} modules 2>&1
}

# The address of sync(2)'s entry in the guest's kernel, where the counting
# plugin (selftests/bench/tbcount.c) begins and ends its windows: read in a
# boot of its own (nokaslr: the same at the next boot).
pf_count_mark() {
	local mark

	VM_QUIET=1 selftests/qemu/vm.sh -t 600 -n count-syms -- \
		sh -c 'cat /proc/kallsyms > /run/pfmod-out/kallsyms' > /dev/null || return 1
	mark=$(awk '$3 == "__x64_sys_sync" { print $1; exit }' build/vm/count-syms/kallsyms)
	[ -n "$mark" ] || { echo "no __x64_sys_sync in the guest's kallsyms" >&2; return 1; }
	echo "$mark"
}

# pf_count_run NAME LIMIT CMD...: CMD in a guest (vm.sh -n NAME, at most
# LIMIT seconds, VM_MEM as set) under QEMU's counting plugin
# (selftests/bench/tbcount.c), its windows from sync(2) to sync(2) in
# build/NAME/window.N, the guest's output in build/NAME/log (printed if CMD
# fails). COUNT_PLUGIN_ARGS: more of the plugin's options ("time=1").
pf_count_run() {
	local name=$1 limit=$2 dir=$PWD/build/$1 mark

	shift 2
	make -s -C selftests bench/tbcount.so || { echo "$name: the plugin does not build"; return 1; }
	rm -rf "$dir" && mkdir -p "$dir" || return 1
	mark=$(pf_count_mark) || return 1
	VM_QUIET=1 \
	VM_PLUGIN="$PWD/selftests/bench/tbcount.so,mark=$mark,out=$dir/window${COUNT_PLUGIN_ARGS:+,$COUNT_PLUGIN_ARGS}" \
		selftests/qemu/vm.sh -t "$limit" -n "$name" -- "$@" > "$dir/log" 2>&1 ||
		{ cat "$dir/log"; return 1; }
}

# pf_count_by_symbol KALLSYMS WINDOW [BUSY]: a window's instructions by function,
# lines "NAME COUNT": each counted block (tbcount.c's "ADDRESS COUNT", 16
# hex digits: sorted as text, sorted as numbers) given to the text symbol
# before it in KALLSYMS (a module's functions named "NAME_[module]"), user
# space's as "[user]". With BUSY "busy" (a window of tbcount.c's time=1),
# without the idle loop's halt (*safe_halt), whose time is a halted CPU's.
pf_count_by_symbol() {
	{ awk 'tolower($2) ~ /^[tw]$/ { print $1, "s", $3 ($4 ? " " $4 : "") }' "$1"
		awk '{ print $1, "c", $2 }' "$2"; } |
		LC_ALL=C sort -k1,1 -k2,2r |
		awk -v busy="${3:-}" '$2 == "s" { sym = $3 ($4 == "" ? "" : "_" $4); next }
			busy == "busy" && sym ~ /safe_halt$/ { next }
			{ c[$1 == "0000000000000000" ? "[user]" : sym] += $3 }
			END { for (k in c) printf "%s %.0f\n", k, c[k] }'
}

# The module, pfctl and the test tools; build output on stdout.
pf_build() {
	make -s KDIR="$KDIR" module tool 2>&1 && make -s -C selftests 2>&1
}
