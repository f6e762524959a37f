#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The netlink fuzzer (selftests/tools/pffuzz.c): PFMOD_FUZZ_COUNT requests
# (default 10,000; make check-debug runs 100,000), reproducible from the
# seed it prints (PFMOD_FUZZ_SEED). Afterwards the dump equals the model,
# the kernel said nothing, and the module unloads and comes back cleanly.
# Also: a dump that overlaps a change carries NLM_F_DUMP_INTR.
# timeout=1800

source "$(dirname "$0")/lib.sh"

count=${PFMOD_FUZZ_COUNT:-10000}
seed=${PFMOD_FUZZ_SEED:-$(date +%s)}
new_ns fuzz
saved=$(cat /sys/module/pfmod/parameters/max_forwards)
echo 256 > /sys/module/pfmod/parameters/max_forwards
# The tool prints its seed and what it saw; keep that in the log.
if in_ns "$fuzz" pffuzz fuzz -n "$count" -s "$seed" -m 256; then
	echo "ok: fuzz: $count requests, seed $seed"
else
	fail "fuzz: $count requests, seed $seed (reproduce: PFMOD_FUZZ_SEED=$seed)"
fi
echo "$saved" > /sys/module/pfmod/parameters/max_forwards

check "a dump that overlaps a change is flagged" in_ns "$fuzz" pffuzz dumpintr

if [ -f "$PFMOD_KO" ]; then
	check "rmmod after the fuzzing" rmmod pfmod
	check "insmod" insmod "$PFMOD_KO"
	check "works after" pfctl "$fuzz" add 80 192.168.1.2:8080
fi
finish
