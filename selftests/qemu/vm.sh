#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel under QEMU (TCG, no NIC) with the host root shared read-only
# over 9p, run a command in it from the top of the pfmod tree, and judge the
# run: the command's exit status, a result that came back at all, the time
# limit, and a kernel log free of complaints (selftests/qemu/complaints) and
# of taints other than O and E (out-of-tree, unsigned module).
#
# usage: vm.sh [-t SECONDS] [-o OUTDIR] [-n NAME] COMMAND...
#
# Environment:
#   VMLINUZ   kernel image to boot (default: /boot/vmlinuz-$KERNELRELEASE)
#   MODDIR    its modules directory (default: /lib/modules/<its release>)
#   KERNELRELEASE  release of the default kernel (default: newest in /boot)
#   VM_MEM    guest memory (default 2G);  VM_CPUS (default 2)
#   VM_APPEND extra kernel command line
#   VM_TCG    TCG threading, multi (the default) or single (suite.sh's
#             default when several guests run at once)
#   VM_BOOT_LIMIT  seconds for the guest to reach its init (default 180)
#   VM_DISK   a raw disk image for the guest (/dev/vda): with pfmod_root=disk
#             on the command line it holds the upper layer of an overlay root
#   VM_APPEND may say (see initramfs-init): pfmod_root=tmpfs|disk, a writable
#             root (an overlay over the host's); pfmod_init=systemd, boot
#             systemd and run the command as a unit once the system is up
#   VM_QUIET=1  do not stream the command's output while it runs
#   VM_QEMU   the emulator (default: bookworm-backports' QEMU, fetched by
#             selftests/scripts/qemu.sh), e.g. qemu-system-x86_64
#   VM_PLUGIN a TCG plugin and its arguments, as QEMU's -plugin takes them
#             (selftests/bench/tbcount.c)
#   VM_ICOUNT QEMU's -icount option (e.g. shift=1,sleep=off: the guest's
#             clock counts its instructions, not the host's time); QEMU
#             takes it only with one vCPU and single-threaded TCG, so it
#             sets VM_CPUS=1 and VM_TCG=single
#   VM_MONITOR=1  QEMU's monitor listens on OUTDIR/monitor.sock (a unix
#             socket), e.g. to ask for the vCPUs' registers while a guest
#             stands still
#
# Boot watchdog: QEMU 7.2's multi-threaded TCG can hang a guest kernel while
# it boots (stale jump-label patching between vCPUs). A guest that has not
# reached its init within VM_BOOT_LIMIT is stopped and booted once more with
# single-threaded TCG, and the log says so. Once the init has started there
# is no retry: whatever happens then is the run's result.
#
# Exit status: the command's status if the run was otherwise clean; 124 on
# timeout; 125 when no result came back or the kernel complained.

set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

timeout=600
outdir=
name=vm
while getopts "t:o:n:" opt; do
	case $opt in
	t) timeout=$OPTARG ;;
	o) outdir=$OPTARG ;;
	n) name=$OPTARG ;;
	*) echo "usage: vm.sh [-t SECONDS] [-o OUTDIR] [-n NAME] COMMAND..." >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "vm.sh: no command" >&2; exit 2; }
outdir=${outdir:-$top/build/vm/$name}

die() { echo "vm.sh: $*" >&2; exit 125; }

kimage_release() {
	# The release string is in the bzImage header (offset 0x20e points at it).
	local off
	off=$(od -An -t u2 -j 526 -N 2 "$1" | tr -d ' ') || return 1
	dd if="$1" bs=1 skip=$((off + 512)) count=128 2>/dev/null | tr '\0' '\n' | head -n1 | cut -d' ' -f1
}

if [ -z "${VMLINUZ:-}" ]; then
	krel=${KERNELRELEASE:-$(ls /boot | sed -n 's/^vmlinuz-//p' | sort -V | tail -n1)}
	VMLINUZ=/boot/vmlinuz-$krel
fi
[ -r "$VMLINUZ" ] || die "cannot read kernel image $VMLINUZ (run 'make deps')"
krel=$(kimage_release "$VMLINUZ") || die "cannot read the release of $VMLINUZ"
MODDIR=${MODDIR:-/lib/modules/$krel}
[ -d "$MODDIR" ] || die "no modules directory $MODDIR for $krel"
# The emulator: bookworm-backports' QEMU, fetched into the cache on first
# use (selftests/scripts/qemu.sh: why not Debian 12's 7.2), or VM_QEMU.
if [ -n "${VM_QEMU:-}" ]; then
	command -v "$VM_QEMU" > /dev/null || die "VM_QEMU: no such program '$VM_QEMU'"
	qemu_base=("$VM_QEMU")
else
	mapfile -t qemu_base < <("$top/selftests/scripts/qemu.sh" fetch)
	[ ${#qemu_base[@]} -gt 0 ] || die "no QEMU to run the guest (selftests/scripts/qemu.sh fetch failed)"
fi
qemu_version=$("${qemu_base[0]}" -version 2>/dev/null | sed -n '1s/.*version \([^ ]*\).*/\1/p')
[ -n "$qemu_version" ] || die "${qemu_base[0]} does not start"

# --- initramfs: static busybox, the 9p modules, /init -----------------------
# An overlay root needs more modules; a kernel without them (the debug
# kernel) still boots the plain 9p root.
initrd_mods="virtio_pci 9p 9pnet_virtio" initrd_tag=
case "${VM_APPEND:-}" in
*pfmod_root=*) initrd_mods+=" virtio_blk ext4 overlay" initrd_tag=-overlay ;;
esac
build_initramfs() {
	local dir=$1 img=$2 m root
	rm -rf "$dir" && mkdir -p "$dir"/{bin,dev,proc,sys,modules,newroot}
	cp /bin/busybox "$dir/bin/busybox" || return 1
	if ldd "$dir/bin/busybox" >/dev/null 2>&1; then
		echo "vm.sh: /bin/busybox is not static (install busybox-static)" >&2
		return 1
	fi
	cp "$here/initramfs-init" "$dir/init" && chmod 755 "$dir/init"
	[ "$MODDIR" = "/lib/modules/$krel" ] || touch "$dir/modules.shared"
	# modprobe wants <root>/lib/modules/<release>; give it a view of MODDIR.
	root=$(mktemp -d)
	mkdir -p "$root/lib/modules" && ln -s "$(cd "$MODDIR" && pwd)" "$root/lib/modules/$krel"
	modprobe -d "$root" -S "$krel" -a --show-depends $initrd_mods > "$dir/deps" ||
		{ rm -rf "$root"; return 1; }
	rm -rf "$root"
	: > "$dir/modules.order"
	while read -r kind path _; do
		[ "$kind" = insmod ] || continue
		m=$(basename "$path")
		grep -qx "${m%%.ko*}.ko" "$dir/modules.order" && continue
		case "$m" in
		*.ko.xz) xz -dc "$MODDIR/${path#*/lib/modules/$krel/}" > "$dir/modules/${m%.xz}" ;;
		*.ko.zst) zstd -qdc "$MODDIR/${path#*/lib/modules/$krel/}" > "$dir/modules/${m%.zst}" ;;
		*.ko.gz) gzip -dc "$MODDIR/${path#*/lib/modules/$krel/}" > "$dir/modules/${m%.gz}" ;;
		*) cp "$MODDIR/${path#*/lib/modules/$krel/}" "$dir/modules/$m" ;;
		esac || return 1
		echo "${m%%.ko*}.ko" >> "$dir/modules.order"
	done < "$dir/deps"
	(cd "$dir" && find . | cpio -o -H newc --quiet | gzip -1) > "$img"
}

cache=$top/build/vm/initramfs-$krel$initrd_tag
img=$cache.cpio.gz
stamp="$VMLINUZ $MODDIR $initrd_mods $(cat "$here/initramfs-init" "$0" | md5sum)"
# Guests started together (suite.sh -j) share the image: one builds it.
mkdir -p "$(dirname "$cache")"
exec 9> "$cache.lock"
flock 9
if [ ! -s "$img" ] || [ "$(cat "$cache.stamp" 2>/dev/null)" != "$stamp" ]; then
	build_initramfs "$cache" "$img" || die "cannot build the initramfs for $krel"
	echo "$stamp" > "$cache.stamp"
fi
exec 9>&-

# --- run --------------------------------------------------------------------
rm -rf "$outdir" && mkdir -p "$outdir" || die "cannot create $outdir"
printf '%q ' "$@" > "$outdir/cmd"
echo >> "$outdir/cmd"

append="console=ttyS0,115200 loglevel=7 panic=-1 oops=panic printk.devkmsg=on"
append+=" mitigations=off nokaslr no_hash_pointers watchdog_thresh=30"
append+=" rcupdate.rcu_cpu_stall_timeout=120 softlockup_panic=1 softlockup_all_cpu_backtrace=1"
append+=" sysctl.kernel.panic_on_rcu_stall=1 pfmod_src=$top ${VM_APPEND:-}"

qemu_cmd() {
	qemu=("${qemu_base[@]}" -nodefaults -nic none -no-reboot
		-machine pc -accel "tcg,thread=$1" -cpu max
		-smp "$cpus" -m "${VM_MEM:-2G}"
		-kernel "$VMLINUZ" -initrd "$img" -append "$append"
		-display none -serial "file:$outdir/console.log"
		-device isa-debug-exit,iobase=0xf4,iosize=0x04
		-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap
		-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
		-fsdev "local,id=pfsrc,path=$top,security_model=none,readonly=on,multidevs=remap"
		-device virtio-9p-pci,fsdev=pfsrc,mount_tag=pfsrc
		-fsdev "local,id=pfout,path=$outdir,security_model=none"
		-device virtio-9p-pci,fsdev=pfout,mount_tag=pfout
		-fsdev "local,id=pfmods,path=$MODDIR,security_model=none,readonly=on,multidevs=remap"
		-device virtio-9p-pci,fsdev=pfmods,mount_tag=pfmods)
	[ -z "${VM_DISK:-}" ] ||
		qemu+=(-drive "file=$VM_DISK,format=raw,if=virtio,cache=unsafe")
	[ -z "${VM_PLUGIN:-}" ] || qemu+=(-plugin "$VM_PLUGIN")
	[ -z "${VM_ICOUNT:-}" ] || qemu+=(-icount "$VM_ICOUNT")
	if [ "${VM_MONITOR:-0}" = 1 ]; then
		qemu+=(-monitor "unix:$outdir/monitor.sock,server=on,wait=off")
	else
		qemu+=(-monitor none)
	fi
}

# run_guest TCG_THREADING: one boot. Returns 3 if the guest never reached
# its init (then the boot may be retried), else QEMU's status.
run_guest() {
	local booted=0 i qrc tpid=

	rm -f "$outdir/rc" "$outdir/dmesg" "$outdir/tainted"
	: > "$outdir/log"
	qemu_cmd "$1"
	timeout --kill-after=10 "$timeout" "${qemu[@]}" < /dev/null > "$outdir/qemu.log" 2>&1 &
	qpid=$!
	if [ "${VM_QUIET:-0}" != 1 ]; then
		tail -n +1 -F --pid=$qpid "$outdir/log" 2>/dev/null &
		tpid=$!
	fi
	for ((i = 0; i < ${VM_BOOT_LIMIT:-180}; i++)); do
		if grep -q "guest-init: started" "$outdir/console.log" 2>/dev/null; then
			booted=1
			break
		fi
		kill -0 $qpid 2>/dev/null || break
		sleep 1
	done
	if [ $booted = 0 ] && ! grep -q "guest-init: started" "$outdir/console.log" 2>/dev/null; then
		kill $qpid 2>/dev/null
		wait $qpid 2>/dev/null
		qrc=$?
		[ -n "$tpid" ] && kill $tpid 2>/dev/null
		# Out of time altogether is not a boot to retry.
		[ $qrc = 124 ] || [ $qrc = 137 ] || qrc=3
		return $qrc
	fi
	wait $qpid
	qrc=$?
	[ -n "$tpid" ] && { sleep 0.3; kill $tpid 2>/dev/null; wait $tpid 2>/dev/null; }
	return $qrc
}

start=$(date +%s)
cpus=${VM_CPUS:-2}
tcg=${VM_TCG:-multi}
# -icount runs only on one vCPU with single-threaded TCG.
if [ -n "${VM_ICOUNT:-}" ]; then
	cpus=1
	tcg=single
fi
run_guest "$tcg"
qrc=$?
if [ $qrc = 3 ]; then
	cp "$outdir/console.log" "$outdir/console.boot-hang.log"
	echo "vm: the guest did not reach its init within ${VM_BOOT_LIMIT:-180}s with TCG thread=$tcg" \
		"(console: ${outdir#$top/}/console.boot-hang.log); booting it once more with thread=single"
	run_guest single
	qrc=$?
	[ $qrc = 3 ] && boot_failed=1
fi
elapsed=$(($(date +%s) - start))

# --- verdict ----------------------------------------------------------------
verdict=0
reason=
if [ -n "${boot_failed:-}" ]; then
	verdict=125 reason="the guest did not reach its init, twice"
elif [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
	verdict=124 reason="timed out after ${timeout}s"
elif [ ! -s "$outdir/rc" ]; then
	verdict=125 reason="no result came back (QEMU status $qrc)"
fi
patterns=$(grep -v '^#' "$here/complaints")
# The console shows what happened up to a crash; the kernel log the guest
# saved at its end holds what the console may have dropped.
complaints=$( (tr -d '\r' < "$outdir/console.log"; cat "$outdir/dmesg") 2>/dev/null |
	grep -E -f <(echo "$patterns") | awk '!seen[$0]++' | head -n 20)
if [ -n "$complaints" ]; then
	verdict=125 reason="${reason:+$reason; }the kernel complained"
fi
if [ -s "$outdir/rc" ] && [ ! -s "$outdir/dmesg" ]; then
	verdict=125 reason="${reason:+$reason; }the guest saved no kernel log"
fi
if [ -s "$outdir/rc" ] && [ ! -s "$outdir/tainted" ]; then
	verdict=125 reason="${reason:+$reason; }the guest saved no taint flags"
fi
tainted=$(cat "$outdir/tainted" 2>/dev/null || echo 0)
if [ $((tainted & ~(4096 | 8192))) -ne 0 ]; then
	verdict=125 reason="${reason:+$reason; }kernel tainted ($tainted, beyond O and E)"
fi
rc=$(cat "$outdir/rc" 2>/dev/null || echo 125)
if [ $verdict -eq 0 ] && [ "$rc" -ne 0 ]; then
	verdict=$rc reason="the command exited with status $rc"
fi

echo "vm: $krel, QEMU $qemu_version, ${elapsed}s, console in ${outdir#$top/}/console.log"
if [ $verdict -ne 0 ]; then
	echo "vm: FAILED: $reason"
	if [ -n "$complaints" ]; then
		echo "vm: kernel complaints:"
		sed 's/^/    /' <<< "$complaints"
	fi
	if [ $verdict -ge 124 ]; then
		echo "vm: last lines of the guest console:"
		tail -n 60 "$outdir/console.log" | tr -d '\r' | sed 's/^/    /'
	fi
fi
exit $verdict
