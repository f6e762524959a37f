#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages, in a guest whose root is writable (an overlay over
# the host's, pfmod_root=disk): apt-get installs pfmod-dkms and pfctl from
# DEBDIR; DKMS builds and installs the module for the booted kernel; the
# first pfctl add loads it (nobody runs insmod) and the forward carries
# traffic. The packages stay, with a forwards file, for the next boot
# (selftests/system/boot.sh), which ends by removing and purging them.
#
# usage: packages.sh DEBDIR   (run by selftests/scripts/system.sh)

source "$(dirname "$0")/../lib.sh"
debs=$1
export PFCTL=/usr/sbin/pfctl DEBIAN_FRONTEND=noninteractive
krel=$(uname -r)
ver=$(sed -n 's/^#define PFMOD_VERSION "\(.*\)"/\1/p' "$PFMOD_TOP/module/version.h")
tmp=$(mktemp -d)
cp "$debs"/pfmod-dkms_"$ver"_all.deb "$debs"/pfctl_"$ver"_*.deb "$tmp"/ ||
	{ fail "setup: no packages of version $ver in $debs (make deb)"; exit 1; }

# A container image's policy-rc.d forbids maintainer scripts to start or
# stop services; a gateway has none. (The overlay's copy goes, not the
# host's.)
if [ -e /usr/sbin/policy-rc.d ]; then
	log "removing /usr/sbin/policy-rc.d from the guest's root: $(grep -v '^#' /usr/sbin/policy-rc.d | grep . | tr '\n' ' ')"
	rm -f /usr/sbin/policy-rc.d
fi
[ ! -e /sys/module/pfmod ] || { fail "setup: pfmod is loaded before anything was installed"; exit 1; }
[ ! -e "$PFCTL" ] || { fail "setup: $PFCTL exists before anything was installed"; exit 1; }
! modinfo pfmod > /dev/null 2>&1 || { fail "setup: a pfmod module is installed already"; exit 1; }

install_both() {
	apt-get install -y "$tmp"/pfmod-dkms_*.deb "$tmp"/pfctl_*.deb
}

# --- install ----------------------------------------------------------------
t0=$(now)
if out=$(install_both 2>&1); then
	echo "ok: apt-get install ./pfmod-dkms_$ver.deb ./pfctl_$ver.deb" \
		"($(echo "$t0 $(now)" | awk '{printf "%.0f", $2 - $1}')s, DKMS build included)"
else
	fail "apt-get install: $out"
	cat /var/lib/dkms/pfmod/"$ver"/build/make.log 2>/dev/null | tail -n 30
	exit 1
fi
check_match "dkms status: pfmod/$ver installed for $krel" \
	"^pfmod/$ver, $krel, [^:]*: installed" "$(dkms status pfmod 2>&1)"
ko=$(modinfo -F filename pfmod 2>&1)
check_match "the module is in the kernel's tree, where modprobe finds it" \
	"^/lib/modules/$krel/updates/dkms/pfmod\.ko" "$ko"
check_match "... of version $ver" "^$ver$" "$(modinfo -F version pfmod 2>&1)"
check_match "the generic netlink alias, so that pfctl loads it" \
	"^net-pf-16-proto-16-family-pfmod$" "$(modinfo -F alias pfmod 2>&1)"
check "pfctl is installed" test -x "$PFCTL"
check "its manual page" test -s /usr/share/man/man8/pfctl.8.gz
check "its bash completion" test -s /usr/share/bash-completion/completions/pfctl
check_match "/etc/pfmod/forwards.conf is a conffile" "/etc/pfmod/forwards.conf [0-9a-f]{32}" \
	"$(dpkg-query -W -f='${Conffiles}' pfctl)"
check_match "pfmod.service is enabled" "^enabled$" "$(systemctl is-enabled pfmod.service 2>&1)"
check_match "... and wanted by sysinit.target" "pfmod.service" \
	"$(ls /etc/systemd/system/sysinit.target.wants/ 2>&1)"

# --- the first pfctl add loads the module ----------------------------------
[ ! -e /sys/module/pfmod ] || fail "installing loaded the module (there is no forward yet)"
topo_gateway
serve "$server" -p 8080 -n web
check "pfctl add 80 192.168.1.2:8080 (the module not loaded)" pfctl "$gw" add 80 192.168.1.2:8080
check_match "... loaded the DKMS-built module" "^$ver$" "$(cat /sys/module/pfmod/version 2>&1)"
check_match "... the one installed (srcversion)" "^$(modinfo -F srcversion pfmod)$" \
	"$(cat /sys/module/pfmod/srcversion 2>&1)"
out=$(pfctl "$gw" version 2>&1)
check_match "pfctl version: the tool's" "^pfctl $ver$" "$out"
check_match "... and the module's" "^pfmod $ver " "$out"
check_match "the forward carries traffic" "^web " "$(request "$client" 203.0.113.10 80 2>&1)"
check_match "... translated in conntrack" "src=192\.168\.1\.2 dst=203\.0\.113\.20 sport=8080" \
	"$(conntrack_of "$gw" -p tcp --orig-port-dst 80)"

# --- for the next boot ------------------------------------------------------
check "pfctl flush" pfctl "$gw" flush
cp "$PFMOD_TOP/selftests/system/forwards.conf" /etc/pfmod/forwards.conf
check "a forwards file for the next boot" cmp "$PFMOD_TOP/selftests/system/forwards.conf" \
	/etc/pfmod/forwards.conf
finish
