#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run pfmod's selftests, kselftest style: each test is selftests/<name>.sh,
# exit status 0 pass, 1 fail, 4 skip; the result is TAP on stdout.
#
# usage: selftests/run_tests.sh [TEST...]
#        (PFMOD_TESTDIR: where the tests are, default selftests)
#
# Runs in the QEMU guest of `make check`, and unchanged on a real gateway as
# root ('sudo selftests/run_tests.sh'): it loads the module from $PFMOD_KO
# (default: pfmod.ko at the top of the tree) or with 'modprobe pfmod' if it is
# not loaded, and skips everything if it cannot. Tests create their own
# network namespaces and never touch the host's interfaces.
#
# Each test runs under a time limit (selftests/settings, or a "# timeout=N"
# line in the test) and is failed if the kernel logs a complaint
# (selftests/qemu/complaints) while it runs, or if it leaves namespaces
# behind.

set -u
cd "$(dirname "$0")/.." || exit 1
top=$PWD
export PFMOD_TOP=$top
export PFMOD_KO=${PFMOD_KO:-$top/pfmod.ko}
export PFCTL=${PFCTL:-$top/userspace-tool/pfctl}
[ -x "$PFCTL" ] || PFCTL=$(command -v pfctl || echo pfctl)
export PFTEST=${PFTEST:-$top/selftests/tools/pftest}
export PATH=$top/selftests/tools:$PATH
testdir=${PFMOD_TESTDIR:-selftests}

default_timeout=$(sed -n 's/^timeout=//p' selftests/settings)
patterns=$(grep -v '^#' selftests/qemu/complaints)

if [ $# -gt 0 ]; then
	tests=("$@")
else
	mapfile -t tests < <(ls "$testdir"/*.sh | sed 's|.*/||; s|\.sh$||' | grep -vxE 'run_tests|lib')
fi

kmsg() { echo "pfmod-selftest: $*" > /dev/kmsg 2>/dev/null; }

skip_all=
loaded_here=0
if [ "$(id -u)" != 0 ]; then
	skip_all="not root"
elif [ ! -d /sys/module/pfmod ]; then
	if [ -f "$PFMOD_KO" ]; then
		modprobe -a nf_nat nf_conntrack 2>/dev/null
		insmod "$PFMOD_KO" 2>/dev/null && loaded_here=1
	elif modprobe pfmod 2>/dev/null; then
		loaded_here=1
	fi
	[ -d /sys/module/pfmod ] || skip_all="cannot load the pfmod module ($PFMOD_KO, or modprobe pfmod)"
fi
[ -x "$PFTEST" ] || skip_all=${skip_all:-"$PFTEST missing (make -C selftests)"}

# kmemleak, where the kernel has it: what leaks during the run is reported
# at the end, after the module is gone.
kmemleak=/sys/kernel/debug/kmemleak
[ -w $kmemleak ] && [ -z "$skip_all" ] || kmemleak=
[ -n "$kmemleak" ] && echo clear > $kmemleak

echo "TAP version 13"
echo "1..$((${#tests[@]} + loaded_here + (${#kmemleak} > 0)))"
pass=0 fail=0 skip=0 n=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	file=$testdir/$t.sh
	if [ -n "$skip_all" ]; then
		echo "ok $n $t # SKIP $skip_all"
		skip=$((skip + 1))
		continue
	fi
	if [ ! -f "$file" ]; then
		echo "not ok $n $t # no such test"
		fail=$((fail + 1))
		continue
	fi
	limit=$(sed -n 's/^# timeout=\([0-9]*\)$/\1/p' "$file" | head -n1)
	limit=${limit:-$default_timeout}
	log=$(mktemp)
	mark="begin $t $$-$n"
	kmsg "$mark"
	start=$(date +%s.%N)
	timeout --kill-after=5 "$limit" bash "$file" > "$log" 2>&1 < /dev/null
	rc=$?
	secs=$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')
	kmsg "end $t rc=$rc"
	sed 's/^/# /' "$log"
	complaints=$(dmesg | sed -n "/pfmod-selftest: $mark\$/,\$p" | grep -E -f <(echo "$patterns"))
	leftover=$(ip netns list 2>/dev/null | awk '{print $1}' | grep '^pft-' | tr '\n' ' ')
	if [ -n "$leftover" ]; then
		for ns in $leftover; do ip netns del "$ns"; done
	fi
	if [ -n "$complaints" ]; then
		echo "# kernel complaints during $t:"
		dmesg | sed -n "/pfmod-selftest: $mark\$/,\$p" | sed 's/^/#   /' | tail -n 80
		echo "not ok $n $t # kernel complained (${secs}s)"
		fail=$((fail + 1))
	elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "not ok $n $t # TIMEOUT ${limit}s"
		fail=$((fail + 1))
	elif [ $rc -eq 4 ]; then
		reason=$(sed -n 's/^SKIP: //p' "$log" | tail -n1)
		echo "ok $n $t # SKIP ${reason:-no reason given}"
		skip=$((skip + 1))
	elif [ $rc -ne 0 ]; then
		echo "not ok $n $t # exit status $rc (${secs}s)"
		fail=$((fail + 1))
	elif [ -n "$leftover" ]; then
		echo "not ok $n $t # left namespaces behind: $leftover"
		fail=$((fail + 1))
	else
		echo "ok $n $t # ${secs}s"
		pass=$((pass + 1))
	fi
	rm -f "$log"
done

if [ $loaded_here = 1 ]; then
	n=$((n + 1))
	kmsg "begin unload $$"
	if ! rmmod pfmod; then
		echo "not ok $n unload pfmod # rmmod failed"
		fail=$((fail + 1))
	elif dmesg | sed -n "/pfmod-selftest: begin unload $$\$/,\$p" | grep -qE -f <(echo "$patterns"); then
		dmesg | sed -n "/pfmod-selftest: begin unload $$\$/,\$p" | sed 's/^/#   /'
		echo "not ok $n unload pfmod # kernel complained"
		fail=$((fail + 1))
	else
		echo "ok $n unload pfmod"
		pass=$((pass + 1))
	fi
fi
if [ -n "$kmemleak" ]; then
	n=$((n + 1))
	# Two scans: an object is reported once seen unreferenced twice.
	echo scan > $kmemleak
	sleep 5
	echo scan > $kmemleak
	leaks=$(cat $kmemleak)
	if [ -n "$leaks" ]; then
		echo "$leaks" | head -n 60 | sed 's/^/#   /'
		echo "not ok $n kmemleak: $(grep -c '^unreferenced object' <<< "$leaks") objects leaked"
		fail=$((fail + 1))
	else
		echo "ok $n kmemleak: nothing leaked"
		pass=$((pass + 1))
	fi
fi
echo "# $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
