#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Loading and unloading: insmod/rmmod cycles, `pfctl version` against the
# module, pfctl's answer when the module is missing, and autoloading through
# the generic netlink family alias.

source "$(dirname "$0")/lib.sh"

[ -f "$PFMOD_KO" ] || skip "needs the module file (PFMOD_KO=$PFMOD_KO)"
want=$(modinfo -F version "$PFMOD_KO")

for i in 1 2 3; do
	check "rmmod, round $i" rmmod pfmod
	check "insmod, round $i" insmod "$PFMOD_KO"
done

out=$("$PFCTL" version 2>&1)
check_match "pfctl version reports the module's version" "^pfmod $want " "$out"
check_match "pfctl version reports its own version" "^pfctl [0-9]" "$out"

new_ns ns
out=$(pfctl "$ns" version 2>&1)
check_match "pfctl version works in another namespace" "^pfmod $want " "$out"

rmmod pfmod
out=$("$PFCTL" version 2>&1)
rc=$?
[ $rc -eq 3 ] && echo "ok: without the module pfctl exits 3" ||
	fail "without the module pfctl exited $rc, not 3"
check_match "without the module pfctl says so" "pfmod kernel module is not loaded" "$out"
check_match "... and how to load it" "modprobe pfmod" "$out"

# Autoload: the kernel asks modprobe for "net-pf-16-proto-16-family-pfmod"
# when pfctl looks the family up. Give modprobe a module tree that holds
# pfmod (the real one is read-only here) and let pfctl ask.
kver=$(uname -r)
root=$(mktemp -d)
mkdir -p "$root/lib/modules/$kver/extra"
for m in $(modprobe --show-depends nf_nat nf_conntrack | awk '$1 == "insmod" {print $2}'); do
	mkdir -p "$root$(dirname "$m")"
	ln -sf "$m" "$root$m"
done
cp "$PFMOD_KO" "$root/lib/modules/$kver/extra/"
cp /lib/modules/"$kver"/modules.{order,builtin,builtin.modinfo} "$root/lib/modules/$kver/"
depmod -b "$root" "$kver"
printf '#!/bin/sh\nexec /sbin/modprobe -d %s "$@"\n' "$root" > "$root/modprobe"
chmod +x "$root/modprobe"
saved=$(cat /proc/sys/kernel/modprobe)
echo "$root/modprobe" > /proc/sys/kernel/modprobe
out=$("$PFCTL" version 2>&1)
echo "$saved" > /proc/sys/kernel/modprobe
check_match "pfctl autoloads an installed module" "^pfmod $want " "$out"
[ -d /sys/module/pfmod ] && echo "ok: module loaded by autoload" || fail "module not loaded"
rmmod pfmod 2>/dev/null
rm -rf "$root"

# insmod loads nothing a module needs. Without nf_nat loaded first, the
# kernel names the symbols it lacks; loading what modinfo says the module
# depends on first (make load, run_tests.sh) works. A kernel with nf_nat
# built in (make check-debug's) has none to take out, and a module built for
# it depends on nothing: there these checks do not apply.
if grep -q '/nf_nat\.ko$' "/lib/modules/$kver/modules.builtin"; then
	log "not applicable: insmod without nf_nat (nf_nat is built into $kver)"
	check "insmod" insmod "$PFMOD_KO"
	finish
fi
for m in $(lsmod | awk '$1 == "nf_nat" { print $4 }' | tr , ' '); do
	setup modprobe -r "$m"
done
setup modprobe -r nf_nat
[ ! -d /sys/module/nf_nat ] && echo "ok: nf_nat is out" || fail "nf_nat is still loaded"
kmsg_mark="pfmod-selftest: insmod without nf_nat $$"
echo "$kmsg_mark" > /dev/kmsg
check_fails "insmod without nf_nat fails" insmod "$PFMOD_KO"
out=$(dmesg | sed -n "/$kmsg_mark/,\$p")
check_match "... and the kernel says which of nf_nat's symbols it lacks" \
	"pfmod: Unknown symbol nf_nat_(setup_info|ipv4_register_fn)" "$out"
check_match "modinfo names the modules it needs" "(^|,)nf_nat(,|$)" "$(modinfo -F depends "$PFMOD_KO")"
check "loading those first, then insmod, works" \
	sh -c "modprobe -a \$(modinfo -F depends '$PFMOD_KO' | tr , ' ') && insmod '$PFMOD_KO'"
finish
