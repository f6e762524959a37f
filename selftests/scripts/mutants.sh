#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-mutants`: proof that the suite catches real bugs. Each mutant
# of selftests/mutants/list is applied to a copy of the tree, built, and run
# against the tests it names (in the QEMU guest, pfctl's unit tests, the
# harness's self-test, or sparse); it must make them fail. Prints TAP and "N of N
# mutants killed"; fails unless every mutant is killed. M="name ..." runs
# only those; DRY=1 only checks that each applies. A mutant with a kernel
# line is built for and booted on that Debian line (kernels.sh), the
# others on the default kernel; one with boot options (append:) boots with
# them.

set -u
cd "$(dirname "$0")/../.." || exit 1
source selftests/scripts/common.sh
top=$PWD
list=selftests/mutants/list
pf_kernel

# The mutants as lines
# "name<TAB>file<TAB>from<TAB>to<TAB>tests<TAB>why<TAB>kernel<TAB>append",
# the last two "-" for none (read merges empty fields between tabs).
mutants() {
	awk 'function flush() {
			if (name != "")
				printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, file, from, to, tests, why,
					kernel == "" ? "-" : kernel, append == "" ? "-" : append
			name = file = from = to = tests = why = kernel = append = ""
		}
		/^#/ { next }
		/^$/ { flush(); next }
		{ key = $1; sub(/^[a-z]+: ?/, "") }
		key == "name:" { name = $0 } key == "file:" { file = $0 }
		key == "from:" { from = $0 } key == "to:" { to = $0 }
		key == "tests:" { tests = $0 } key == "why:" { why = $0 }
		key == "kernel:" { kernel = $0 } key == "append:" { append = $0 }
		END { flush() }' "$list"
}

# apply FILE FROM TO: FROM must occur exactly once.
apply() {
	FROM=$2 TO=$3 perl -0777 -i -pe '
		BEGIN { ($f, $t) = ($ENV{FROM}, $ENV{TO});
			for ($f, $t) { s/\\n/\n/g; s/\\t/\t/g; } }
		$n = () = /\Q$f\E/g;
		die "the text to change occurs $n times, not once\n" unless $n == 1;
		s/\Q$f\E/$t/;' "$1"
}

# mutant_kernel LINE: in the calling subshell, build for and boot Debian's
# kernel line LINE (none: the default kernel).
mutant_kernel() {
	[ -z "$1" ] || pf_kernel_line "$1"
}

# The fields travel tab-separated: a tab in the list must be written \t.
if grep -qn $'\t' "$list"; then
	echo "mutants.sh: $list has a tab character (line $(grep -n $'\t' "$list" | cut -d: -f1 | head -n1)): write \\t"
	exit 1
fi
# The checks that run on the host besides pfctl's unit tests, by the name a
# mutant's tests give them: the script that runs each (its TAP in NAME.log).
declare -A host_checks=([harness]=selftests/qemu/harness.sh [sparse]=selftests/scripts/sparse.sh)
selected=${M:-}
total=$(mutants | awk -F'\t' -v sel=" $selected " 'sel == "  " || index(sel, " " $1 " ")' | wc -l)
[ "$total" -gt 0 ] || { echo "mutants.sh: no mutants selected"; exit 1; }
echo "1..$total"
n=0 killed=0
start=$(date +%s)
while IFS=$'\t' read -r name file from to tests why kernel append; do
	[ -z "$selected" ] || [[ " $selected " == *" $name "* ]] || continue
	n=$((n + 1))
	[ "$kernel" != - ] || kernel=
	[ "$append" != - ] || append=
	# A dry run copies elsewhere: it must not wipe a running mutant's tree.
	dir=$top/build/mutants${DRY:+-dry}/$name
	rm -rf "$dir" && mkdir -p "$dir"
	git ls-files --cached --others --exclude-standard | grep -v '^build/' |
		tar -cf - -T - | tar -xf - -C "$dir"
	if ! out=$(apply "$dir/$file" "$from" "$to" 2>&1); then
		echo "not ok $n mutant $name: cannot apply to $file: $out"
		continue
	fi
	if [ -n "${DRY:-}" ]; then
		killed=$((killed + 1))
		echo "ok $n mutant $name applies # SKIP dry run"
		continue
	fi
	if ! out=$(cd "$dir" && mutant_kernel "$kernel" 2>&1 && pf_build 2>&1 &&
		   make -s -C userspace-tool list-tests 2>&1); then
		echo "not ok $n mutant $name: does not build"
		sed 's/^/#   /' <<< "$out" | tail -n 20
		continue
	fi
	t0=$(date +%s)
	rc=0 guest= host= logs=("$dir/build/vm/mutant/log")
	for t in $tests; do
		if [ "$t" = unit ]; then
			for u in $(make -s -C "$dir/userspace-tool" list-tests); do
				"$dir/userspace-tool/$u" >> "$dir/unit.log" 2>&1 || rc=1
			done
		elif [ -n "${host_checks[$t]:-}" ]; then
			(cd "$dir" && mutant_kernel "$kernel" && "${host_checks[$t]}") \
				> "$dir/$t.log" 2>&1 || rc=1
			grep -q '^not ok' "$dir/$t.log" && rc=1
		else
			guest+=" $t"
			continue
		fi
		host+=" $t" logs+=("$dir/$t.log")
	done
	if [ -n "$guest" ]; then
		# shellcheck disable=SC2086
		(cd "$dir" && mutant_kernel "$kernel" && VM_APPEND="${VM_APPEND:-} $append" VM_QUIET=1 \
			selftests/qemu/vm.sh -t 1500 -n "mutant" -- selftests/run_tests.sh $guest) \
			> "$dir/vm.out" 2>&1 || rc=1
	fi
	if [ $rc -ne 0 ]; then
		killed=$((killed + 1))
		echo "ok $n mutant $name killed by$guest${kernel:+ on $kernel}$host ($(($(date +%s) - t0))s): $why"
		grep -h '^not ok' "${logs[@]}" 2>/dev/null | head -n 3 | sed 's/^/#   /'
	else
		echo "not ok $n mutant $name SURVIVED $tests: $why"
	fi
done < <(mutants)
echo "# took $(($(date +%s) - start))s"
if [ -n "${DRY:-}" ]; then
	echo "$killed of $total mutants apply (dry run: none was run)"
else
	echo "$killed of $total mutants killed"
fi
[ "$killed" -eq "$total" ]
