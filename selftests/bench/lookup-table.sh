#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The lookup-cost rows of a bench TSV (selftests/bench/lookup-cost-guest.sh)
# as a markdown table: per shape and K, the median ns per lookup over the
# rounds (min-max), the scan's where timed, and the install time per
# forward. Misses or failures are shown in the cell; none is expected.
#
# usage: lookup-table.sh TSV
set -eu
awk -F'\t' '$1 == "lookup"' "$1" | python3 -c '
import sys
from statistics import median
cells = {}
for line in sys.stdin:
    _, shape, k, mode, rnd, mean, best, misses, insert = line.rstrip("\n").split("\t")
    cells.setdefault((shape, int(k), mode), []).append((mean, misses, insert))
shapes = []
for s, _, _ in cells:
    if s not in shapes:
        shapes.append(s)
def cell(key, col):
    runs = cells.get(key)
    if not runs:
        return "-"
    bad = [r for r in runs if r[0] == "failed"]
    missed = sum(int(r[1]) for r in runs if r[0] != "failed")
    v = [float(r[col]) for r in runs if r[0] != "failed"]
    out = f"{median(v):.0f} ({min(v):.0f}-{max(v):.0f})" if v else "failed"
    if bad:
        out += f" **{len(bad)} failed**"
    if missed:
        out += f" **{missed} wrong answers**"
    return out
print("| shape | K | ns per lookup (index) | ns per lookup (scan) | insert, ns per forward |")
print("|---|---:|---:|---:|---:|")
for s in shapes:
    for k in sorted({k for (s2, k, _) in cells if s2 == s}):
        index, scan = (s, k, "index"), (s, k, "scan")
        print(f"| {s} | {k} | {cell(index, 0)} | {cell(scan, 0)} | {cell(index, 2)} |")
'
