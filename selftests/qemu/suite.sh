#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The selftests in QEMU guests: in one guest, or spread over several that
# run at the same time, each with its own kernel, its own module load and
# its own judgement (vm.sh: time limit, kernel complaints, taint; run_tests.sh:
# kmemleak, namespaces left, the kernel log of the whole run).
#
# usage: suite.sh [-j GUESTS] [-k stock|debug] -n NAME -t SECONDS -- COMMAND...
#   COMMAND runs run_tests.sh in the guest (e.g. env X=1 selftests/run_tests.sh);
#   the tests are appended to it: those of $T, else every test.
#   -j GUESTS  how many guests (default $PFMOD_GUESTS, else 1). The tests
#              are dealt out longest first (selftests/durations) to the
#              guest with the least work so far; guest K runs as NAME-K.
#   -t SECONDS each guest's backstop (vm.sh -t)
#   -k KIND    whose durations to deal by: stock (the default) or debug
#
# Prints one TAP stream. With one guest it is run_tests.sh's own, streamed
# as it runs. With several, each guest's stream is shown when the last guest
# ends, its results renumbered and tagged "[K]", its plan dropped; a guest
# whose stream is broken (no plan, a crash part way, vm.sh's verdict) adds
# a failed result that says so; then the plan of the whole.
# Exit status: 0 only if every guest's run succeeded and its stream was whole.

set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/scripts/tap.sh

guests=${PFMOD_GUESTS:-1}
name=selftests
limit=3600
column=2
while getopts "j:k:n:t:" opt; do
	case $opt in
	k) case $OPTARG in
	   stock) column=2 ;;
	   debug) column=3 ;;
	   *) echo "suite.sh: -k stock or -k debug, not '$OPTARG'" >&2; exit 2 ;;
	   esac ;;
	j) guests=$OPTARG ;;
	n) name=$OPTARG ;;
	t) limit=$OPTARG ;;
	*) echo "usage: suite.sh [-j GUESTS] [-k stock|debug] -n NAME -t SECONDS -- COMMAND..." >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "suite.sh: no command" >&2; exit 2; }
[[ $guests =~ ^[1-9][0-9]*$ ]] ||
	{ echo "suite.sh: GUESTS must be a whole number (1, 2, ...), not '$guests'" >&2; exit 2; }

if [ -n "${T:-}" ]; then
	# Each test once: the deal gives a name one guest, so a name given
	# twice would leave a guest no share, and a guest given no test runs
	# the whole suite.
	mapfile -t tests < <(tr -s ' \t' '\n\n' <<< "$T" | awk 'NF && !seen[$0]++')
else
	mapfile -t tests < <(ls selftests/*.sh | sed 's|.*/||; s|\.sh$||' | grep -vxE 'run_tests|lib')
fi
[ "$guests" -le "${#tests[@]}" ] || guests=${#tests[@]}

if [ "$guests" = 1 ]; then
	exec selftests/qemu/vm.sh -t "$limit" -n "$name" -- "$@" "${tests[@]}"
fi

# Deal the tests out: longest first, each to the guest with the least work
# so far; each guest then runs its share in the order given.
# A test without a figure in selftests/durations counts as 60 s; leak's
# figures are for its 20 rounds, and scale with PFMOD_LEAK_ROUNDS.
deal() {
	local t

	for t in "${tests[@]}"; do
		echo "$t $(awk -v t="$t" -v c="$column" '$1 == t { v = $c; sub(/\*$/, "", v); print v; exit }' selftests/durations)"
	done | awk -v n="$guests" -v rounds="${PFMOD_LEAK_ROUNDS:-20}" '
		{ cost[$1] = ($2 ~ /^[0-9]+$/ ? $2 : 60); given[NR] = order[NR] = $1 }
		$1 == "leak" { cost[$1] = int(cost[$1] * rounds / 20) }
		END {
			# insertion sort, longest first (a few dozen tests)
			for (i = 2; i <= NR; i++)
				for (j = i; j > 1 && cost[order[j]] > cost[order[j - 1]]; j--) {
					x = order[j]; order[j] = order[j - 1]; order[j - 1] = x
				}
			for (i = 1; i <= NR; i++) {
				best = 1
				for (g = 2; g <= n; g++)
					if (load[g] < load[best])
						best = g
				load[best] += cost[order[i]]
				guest[order[i]] = best
			}
			# each guest runs its tests in the order given
			for (i = 1; i <= NR; i++)
				list[guest[given[i]]] = list[guest[given[i]]] " " given[i]
			for (g = 1; g <= n; g++)
				print substr(list[g], 2)
		}'
}
mapfile -t shares < <(deal)
for g in $(seq "$guests"); do
	[ -n "${shares[g - 1]:-}" ] || { echo "suite.sh: guest $g of $guests was dealt no test" >&2; exit 2; }
done

# Several guests at once run single-threaded TCG unless VM_TCG says
# otherwise: two guests of two multi-threaded vCPUs are four busy host
# threads on this machine's two cores; a single-threaded guest is one host
# thread whose vCPUs take turns, and check-kernels ran 25-45 % faster so
# (2026-12-01). Its vCPUs still interleave inside the kernel, at the
# emulator's time slices instead of at every instruction.
export VM_TCG=${VM_TCG:-single}

out=build/vm/$name
mkdir -p "$out"
pids=()
for ((g = 1; g <= guests; g++)); do
	echo "# guest $g of $guests ($name-$g, TCG thread=$VM_TCG): ${shares[g - 1]}"
	# shellcheck disable=SC2086
	selftests/qemu/vm.sh -t "$limit" -n "$name-$g" -- "$@" ${shares[g - 1]} \
		> "$out/guest-$g.tap" 2>&1 < /dev/null &
	pids+=($!)
done
status=0
for ((g = 1; g <= guests; g++)); do
	wait "${pids[g - 1]}"
	echo $? > "$out/guest-$g.rc"
done

n=0
for ((g = 1; g <= guests; g++)); do
	rc=$(cat "$out/guest-$g.rc")
	[ "$rc" = 0 ] || status=1
	echo "# --- guest $g of $guests (exit status $rc)"
	awk -v g="$g" -v n="$n" '
		/^TAP version/ || /^1\.\.[0-9]+([ \t]|$)/ { next }
		/^(not )?ok([ \t]|$)/ {
			n++
			ok = ($1 == "ok") ? "ok" : "not ok"
			rest = $0
			sub(/^(not )?ok[ \t]+[0-9]*[ \t]*/, "", rest)
			print ok " " n " [" g "] " rest
			next
		}
		{ print }' "$out/guest-$g.tap"
	n=$((n + $(grep -cE '^(not )?ok([ \t]|$)' "$out/guest-$g.tap")))
	verdict=$(tap_check "guest $g of $guests ($name-$g)" "$rc" < "$out/guest-$g.tap" | grep '^not ok')
	if [ -n "$verdict" ]; then
		echo "$verdict"
		status=1
		n=$((n + $(grep -c '^not ok' <<< "$verdict")))
	fi
done
echo "1..$n"
exit $status
