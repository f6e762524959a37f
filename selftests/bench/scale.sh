#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench-scale`: what a big table costs, whole, in the guest: pfctl
# restore, save and the delete of one forward for N forwards (single ports
# on listen addresses, as bench.sh fills its tables), the CPU time the
# guest's CPUs were busy for meanwhile, the kernel memory per
# forward (slab, vmalloc and percpu, and the forward cache's own slab line),
# pfctl's own share of those times and the kernel's share of the restore
# (selftests/tools/pftext) and, with
# SCALE_PERF=1, where the CPUs spent the restore's and the save's
# time (perf, the top symbols), and with SCALE_GRAPH, where a restore's
# kernel time goes (ftrace's function_graph; scale-guest.sh). Prints the guest's result lines; the whole
# log stays in build/scale/log. A benchmark, not a test: no pass or fail.
# SCALE_* variables pass through (scale-guest.sh).
set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/scripts/common.sh
pf_kernel
pf_deps bench || exit 1
pf_build > /dev/null || { echo "scale: pfmod does not build"; exit 1; }
dir=build/scale
rm -rf "$dir" && mkdir -p "$dir"
env=()
pf_env_pass env '^SCALE_'
VM_MEM=${VM_MEM:-6G} selftests/qemu/vm.sh -t "${SCALE_LIMIT:-3600}" -n scale -- \
	env "${env[@]}" selftests/bench/scale-guest.sh 2>&1 | tee "$dir/log" |
	grep -E '^(# )?(scale|cpu|text|kernel|perf|graph) ' | sed 's/^# //'
exit "${PIPESTATUS[0]}"
