#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: build, run selftests/bench/bench.sh in the QEMU guest, count
# the lookup's instructions (selftests/bench/lookup-count.sh, a second
# boot) and a new connection's (selftests/bench/conn-count.sh, a third),
# and write the report (selftests/bench/report.sh).
# BENCH_* and LOOKUP_* variables pass through to bench.sh.

set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/scripts/common.sh
pf_deps bench || exit 1
pf_kernel
pf_build || exit 1
pf_build_lookup || exit 1
env=(PFMOD_OUT=/run/pfmod-out)
pf_env_pass env '^(BENCH|LOOKUP)_'
VM_MEM=${VM_MEM:-8G} selftests/qemu/vm.sh -t 14400 -n bench -- env "${env[@]}" selftests/bench/bench.sh ||
	exit 1
# The lookup in instructions: a boot of its own, under QEMU's counting
# plugin (it would slow every measurement above).
selftests/bench/lookup-count.sh > /dev/null || exit 1
cat build/lookup-count/lookup-count.tsv >> build/vm/bench/bench.tsv
# A new connection in instructions, through each path: a boot of its own
# too.
selftests/bench/conn-count.sh > /dev/null || exit 1
cat build/conn-count/conn-count.tsv >> build/vm/bench/bench.tsv
selftests/bench/report.sh build/vm/bench/bench.tsv
