#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What limits cost a forward that has none: the new-connection rate through
# such a forward with pfmod as built and with the limit test taken out of
# its packet path, in one guest boot, alternated in random order (REPS
# rounds, CONNS connections each). Prints each variant's mean and the ratio
# with a 95% bootstrap interval. A benchmark, not a test: no pass or fail.
set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/scripts/common.sh
pf_kernel
pf_build > /dev/null || exit 1
top=$PWD
dir=$top/build/limits-cost
rm -rf "$dir" && mkdir -p "$dir/src"
cp pfmod.ko "$dir/with.ko"
git ls-files --cached --others --exclude-standard | grep -v '^build/' |
	tar -cf - -T - | tar -xf - -C "$dir/src"
perl -0777 -i -pe 's/\tif \(unlikely\(f->flags & PF_F_LIMITED\) &&\n\t    !pf_limits_admit\(READ_ONCE\(f->ext->opts->limits\), skb, ct\)\)\n\t\treturn NF_DROP;\n//s or die "the limit test is not where it was\n"' \
	"$dir/src/module/nat.c" || exit 1
(cd "$dir/src" && make -s KDIR="$KDIR" module > /dev/null 2>&1) || { echo "limits-cost: the variant does not build"; exit 1; }
cp "$dir/src/pfmod.ko" "$dir/without.ko"
selftests/qemu/vm.sh -t 3600 -n limits-cost -- selftests/bench/limits-cost-guest.sh "$dir" |
	tee "$dir/log" | grep -E '^(# )?rate ' | sed 's/^# //' > "$dir/rates"
python3 - "$dir/rates" <<'PY'
import random, sys
rates = {"with": [], "without": []}
for line in open(sys.argv[1]):
    _, v, _, r, failed = line.split()
    rates[v].append(float(r))
    if failed != "0":
        print(f"note: a {v} run had {failed} failed connections")
w, wo = rates["with"], rates["without"]
if not w or not wo:
    sys.exit("limits-cost: no rates")
mean = lambda x: sum(x) / len(x)
random.seed(1)
boot = sorted(mean(random.choices(w, k=len(w))) / mean(random.choices(wo, k=len(wo)))
              for _ in range(10000))
print(f"with the limit test:    {mean(w):.0f} conn/s ({len(w)} runs: {', '.join(f'{x:.0f}' for x in w)})")
print(f"without it:             {mean(wo):.0f} conn/s ({len(wo)} runs: {', '.join(f'{x:.0f}' for x in wo)})")
print(f"ratio with/without:     {mean(w) / mean(wo):.3f}, 95% interval [{boot[250]:.3f}, {boot[9750]:.3f}]")
PY
