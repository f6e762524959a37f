#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench-lookup`: what pfmod's table lookup costs per new connection,
# in ns, for every shape of table from 1 to 1,000,000 forwards, measured in
# the guest by the test-only module selftests/bench/lookup (a counted loop
# around pfmod's own lookup code: no packet, no emulated network, so the
# emulator's noise is the CPU's alone). Prints a markdown table; the raw
# rows stay in build/lookup-cost/lookup.tsv. A benchmark, not a test: no
# pass or fail. LOOKUP_* variables pass through (lookup-cost-guest.sh).
set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/scripts/common.sh
pf_kernel
pf_build_lookup > /dev/null || { echo "lookup-cost: pflookup.ko does not build"; exit 1; }
dir=build/lookup-cost
rm -rf "$dir" && mkdir -p "$dir"
env=()
pf_env_pass env '^LOOKUP_'
VM_MEM=${VM_MEM:-4G} selftests/qemu/vm.sh -t 3600 -n lookup-cost -- \
	env "${env[@]}" selftests/bench/lookup-cost-guest.sh selftests/bench/lookup/pflookup.ko |
	tee "$dir/log" | grep -E '^(# )?lookup' | sed 's/^# //' > "$dir/lookup.tsv"
[ -s "$dir/lookup.tsv" ] || { echo "lookup-cost: no measurements (build/vm/lookup-cost)"; exit 1; }
selftests/bench/lookup-table.sh "$dir/lookup.tsv"
