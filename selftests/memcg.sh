#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Forward memory is charged to the memory cgroup of whoever adds it
# (GFP_KERNEL_ACCOUNT): 40,000 forwards restored from inside a cgroup show
# up in its slab counter, at least the size of a forward object (the pf_fwd
# cache's object size) each, and leave it again with a flush; as many IPv6
# forwards take 12 bytes more each or more, as many IPv4 forwards each
# from its own source less than 32 bytes more each, and as many of ports
# 1024-65535 each from its own source less than 16 bytes more than those.
#
# So many because memory.stat is exact only on kernels that flush the
# cgroup's statistics when they are read (5.13 on): before, each CPU holds
# back up to 32 pages of the slab counter (MEMCG_CHARGE_BATCH), and 5.10
# showed 98 bytes of 4,000 forwards' 128-byte objects each. Against
# 40,000 forwards' 5 MB, those 256 KB (two CPUs) are 5 %.
#
# The memory controller is looked for in cgroup2 itself: kernels without
# cgroup v1 memory (CONFIG_MEMCG_V1, gone from 7.x's Debian config) list no
# "memory" in /proc/cgroups although cgroup2 has it.

source "$(dirname "$0")/lib.sh"

root=/sys/fs/cgroup
if [ ! -f $root/cgroup.controllers ]; then
	mount -t cgroup2 none $root 2>/dev/null || skip "cannot mount cgroup2 (no cgroup2 in this kernel?)"
	mounted=1
fi
grep -qw memory $root/cgroup.controllers ||
	skip "no memory controller in cgroup2: this kernel has no memory cgroup (CONFIG_MEMCG)"
echo +memory > $root/cgroup.subtree_control 2>/dev/null
cg=$root/pft-$$
mkdir $cg || skip "cannot create a cgroup"
cleanup_cg() {
	[ -n "${old_max:-}" ] && echo "$old_max" > $max
	rmdir $cg 2>/dev/null
	[ -n "${mounted:-}" ] && umount $root
	return 0
}

n=40000
max=/sys/module/pfmod/parameters/max_forwards
old_max=$(cat $max)
trap 'cleanup_cg; _cleanup' EXIT
setup sh -c "echo $n > $max"
new_ns ns
awk -v n=$n 'BEGIN { for (p = 10000; p < 10000 + n; p++) printf "tcp %d 192.168.1.2:8080\n", p }' > /tmp/pft-$$
slab() { awk '$1 == "slab" { print $2 }' $cg/memory.stat; }
# restore_in_cg WHAT: restores /tmp/pft-$$ (n forwards) from inside the
# cgroup; sets before and after (the cgroup's slab) and per_fwd (the growth
# per forward).
restore_in_cg() {
	before=$(slab)
	check "restore 40,000 $1 from inside the cgroup" \
		bash -c "echo \$\$ > $cg/cgroup.procs && ip netns exec $ns $PFCTL restore /tmp/pft-$$"
	after=$(slab)
	per_fwd=$(( (after - before) / n ))
}
restore_in_cg "forwards"
grown=$per_fwd
objsize=$(cat /sys/kernel/slab/pf_fwd/object_size 2>/dev/null)
check_match "the forward cache's object size" "^[0-9]+$" "$objsize"
if [ "$grown" -ge "${objsize:-1}" ]; then
	echo "ok: the cgroup's slab grew by $grown bytes per forward (a forward object is $objsize)"
else
	fail "the cgroup's slab grew by only $grown bytes per forward, a forward object is $objsize ($before -> $after)"
fi
check "flush" pfctl "$ns" flush
sleep 1
left=$(slab)
if [ $(( (left - before) / n )) -lt 50 ]; then
	echo "ok: after a flush the charge is gone ($left bytes of slab)"
else
	fail "after a flush the cgroup still holds $(( left - before )) bytes more slab"
fi

# An IPv4 forward's object ends after its IPv4 addresses (the pf_fwd
# cache), 24 bytes short of an IPv6 forward's (pf_fwd6): as many IPv6
# forwards take at least 12 bytes more each (24 measured, 6.1; the slack is
# for 5.10's per-CPU charges, above).
awk -v n=$n 'BEGIN { for (p = 10000; p < 10000 + n; p++) printf "tcp %d [2001:db8:1::2]:8080\n", p }' > /tmp/pft-$$
restore_in_cg "IPv6 forwards"
check "an IPv6 forward takes 12 or more bytes of slab more than an IPv4 one ($per_fwd, $grown)" \
	test "$per_fwd" -ge $(( grown + 12 ))
check "flush" pfctl "$ns" flush

# A forward with one IPv4 source prefix and nothing else takes a 16-byte
# struct pf_fwd_ext beside its object (its address at IPv4's width), not
# the options too (a 96-byte object more: interface, snat address, expiry,
# limits), as it did until 2026-12-04, nor a 32-byte ext (its address at
# IPv6's width, as kept until later that day; on 6.1 that took 40 bytes
# more than a forward without, the 16-byte ext 24).
awk -v n=$n 'BEGIN { for (i = 1; i <= n; i++)
	printf "tcp 80 192.168.1.2:8080 from 10.%d.%d.%d/32\n", int(i / 65536), int(i / 256) % 256, i % 256 }' \
	> /tmp/pft-$$
restore_in_cg "forwards each from its own source"
check "a forward with a source prefix takes less than 32 bytes of slab more than one without ($per_fwd, $grown)" \
	test "$per_fwd" -lt $(( grown + 32 ))
check "flush" pfctl "$ns" flush
from=$per_fwd

# A wide range alone in its class (here each from its own source) takes
# one node, the forward's own, as a single port does, not a 96-byte array
# more for its other five port prefixes (1024-65535: six).
sed 's/^tcp 80 /tcp 1024-65535 /' -i /tmp/pft-$$
restore_in_cg "forwards of ports 1024-65535 each from its own source"
check "a wide range alone in its class takes less than 16 bytes of slab more than one port ($per_fwd, $from)" \
	test "$per_fwd" -lt $(( from + 16 ))
check "flush" pfctl "$ns" flush
rm -f /tmp/pft-$$
finish
