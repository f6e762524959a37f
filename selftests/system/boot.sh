#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A boot with the packages installed (selftests/system/packages.sh ran in
# the boot before, on the same disk) and systemd as PID 1: pfmod.service
# has restored /etc/pfmod/forwards.conf before network-pre.target, nobody
# ran pfctl, and the forwards carry traffic through the guest's own
# namespace, its gateway. Then what an admin does with the unit:
# `systemctl reload` after an edit changes exactly the edited forwards (a
# connection through an unchanged one goes on, on the same conntrack entry;
# one through a changed one ends); a broken file fails the reload with its
# line number and leaves the table as it was; `stop` flushes and ends the
# connections, or keeps them with PFMOD_STOP=keep; a missing or empty file
# is an empty table; a broken file at start fails the unit. Last, apt-get
# remove stops the unit (a flush) and takes module and tool away, keeping
# the configuration; purge takes that too.
#
# usage: boot.sh   (run by selftests/scripts/system.sh, as pfmod-guest.service)

source "$(dirname "$0")/../lib.sh"
export PFCTL=/usr/sbin/pfctl
conf=/etc/pfmod/forwards.conf
want=$PFMOD_TOP/selftests/system/forwards.conf
tmp=$(mktemp -d)

# The guest's own namespace, by a name ip netns knows: the gateway.
mkdir -p /run/netns
touch /run/netns/pft-host
setup mount --bind /proc/self/ns/net /run/netns/pft-host
TOPO_GW=pft-host

table() {
	"$PFCTL" save | grep -v '^#'
}

# unit_log: what pfmod.service's commands said, this boot.
unit_log() {
	journalctl -b -u pfmod.service --no-pager -o cat 2>&1
}

# --- what the boot did -------------------------------------------------------
check_match "pfmod.service is active" "^active$" "$(systemctl is-active pfmod.service 2>&1)"
check_match "... and its start succeeded" "^Result=success$" \
	"$(systemctl show -p Result pfmod.service 2>&1)"
done_at=$(systemctl show -p ExecMainExitTimestampMonotonic --value pfmod.service)
pre_at=$(systemctl show -p ActiveEnterTimestampMonotonic --value network-pre.target)
if [ "${done_at:-0}" -gt 0 ] && [ "${pre_at:-0}" -gt 0 ] && [ "$done_at" -le "$pre_at" ]; then
	echo "ok: the forwards were restored before network-pre.target was reached" \
		"($(((pre_at - done_at) / 1000)) ms before)"
else
	fail "pfmod.service ended at ${done_at:-?} us, network-pre.target was reached at ${pre_at:-?} us"
fi
check_match "the module was loaded by it: the DKMS-built one" \
	"^$(modinfo -F srcversion pfmod)$" "$(cat /sys/module/pfmod/srcversion 2>&1)"
if [ "$(table)" = "$(grep -v '^#' "$want")" ]; then
	echo "ok: the table is the forwards file's, and nobody ran pfctl"
else
	fail "the table after boot differs from $want: $(diff <(grep -v '^#' "$want") <(table))"
fi

topo_gateway
serve "$server" -p 8080,8081,8082 -n "web%p"
serve "$server" -u -p 5353 -n dns
check_match "forward 80 carries traffic" "^web8080 " "$(request "$client" 203.0.113.10 80 2>&1)"
check_match "forward 81 carries traffic" "^web8081 " "$(request "$client" 203.0.113.10 81 2>&1)"
check_match "forward udp 53 carries traffic" "^dns " "$(request "$client" -u 203.0.113.10 53 2>&1)"

# --- reload after an edit -------------------------------------------------
chat_open keep "$client" 203.0.113.10 80
chat_open gone "$client" 203.0.113.10 81
out_keep=$(chat_line keep one)
out_gone=$(chat_line gone one)
port_keep=$(awk '{print $3}' <<< "$out_keep")
entry_keep=$(entry_of "$(conns_of "$gw")" "$port_keep")
id80=$("$PFCTL" -j show | grep -o '{"id":[0-9]*,[^{]*"port_min":80,' | grep -o '"id":[0-9]*')
[ -n "$entry_keep" ] && [ -n "$id80" ] || fail "setup: no conntrack entry ($entry_keep) or id ($id80)"
# 81 goes elsewhere, 82 is new, udp 53 goes; 80 stays as it was.
cat > "$conf" <<'EOF'
# edited
tcp 80 192.168.1.2:8080
tcp 81 192.168.1.2:8082
tcp 82 192.168.1.2:8080
EOF
check "systemctl reload pfmod" systemctl reload pfmod.service
if [ "$(table)" = "$(grep -v '^#' "$conf")" ]; then
	echo "ok: the table is the edited file's"
else
	fail "the table after reload differs from the file: $(diff <(grep -v '^#' "$conf") <(table))"
fi
check_match "the unchanged forward kept its id ($id80)" "^$id80,[^{]*\"port_min\":80," \
	"$("$PFCTL" -j show | grep -o '"id":[0-9]*,[^{]*"port_min":80,')"
check_match "a connection through it goes on" "^web8080 " "$(chat_line keep two)"
check_match "... on the same conntrack entry ($entry_keep)" "^$entry_keep$" \
	"$(entry_of "$(conns_of "$gw")" "$port_keep")"
check_reset "a connection through the changed forward ends" gone
chat_close gone
check_match "the changed forward goes to its new target" "^web8082 " \
	"$(request "$client" 203.0.113.10 81 2>&1)"
check_match "the new forward works" "^web8080 " "$(request "$client" 203.0.113.10 82 2>&1)"
check_fails "the removed forward is gone" request "$client" -u -w 1000 203.0.113.10 53

# --- a broken file: reload fails, names the line, changes nothing ----------
before=$(table)
printf 'tcp 90 192.168.1.2:8080\ntcp 91 nowhere\n' >> "$conf"
lines=$(wc -l < "$conf")
check_fails "systemctl reload with a broken file fails" systemctl reload pfmod.service
check_match "... and the journal names the line ($lines)" "$conf:$lines: " "$(unit_log)"
[ "$(table)" = "$before" ] && echo "ok: ... and the table is as it was" ||
	fail "a failed reload changed the table: $(diff <(echo "$before") <(table))"
check_match "... the unit stays active" "^active$" "$(systemctl is-active pfmod.service 2>&1)"
check_match "... the connection goes on" "^web8080 " "$(chat_line keep three)"

# --- stop ends the connections, or keeps them ------------------------------
sed -i '/^tcp 9[01] /d' "$conf"
check "systemctl stop pfmod" systemctl stop pfmod.service
check_match "stop flushes the table" "^$" "$(table)"
check_reset "stop ends the forwards' connections" keep
chat_close keep
check "systemctl start pfmod" systemctl start pfmod.service
chat_open kept "$client" 203.0.113.10 80
check_match "a connection after start" "^web8080 " "$(chat_line kept one)"
echo "PFMOD_STOP=keep" >> /etc/default/pfmod
check "systemctl stop pfmod, with PFMOD_STOP=keep" systemctl stop pfmod.service
check_match "stop flushes the table" "^$" "$(table)"
check_match "... and the connection goes on" "^web8080 " "$(chat_line kept two)"
chat_close kept
sed -i '/^PFMOD_STOP=keep$/d' /etc/default/pfmod

# --- missing, empty, broken at start ---------------------------------------
mv "$conf" "$tmp/saved.conf"
check "start with no forwards file" systemctl start pfmod.service
check_match "... is an empty table" "^$" "$(table)"
: > "$conf"
check "reload with an empty file" systemctl reload pfmod.service
check_match "... is an empty table" "^$" "$(table)"
check "systemctl stop pfmod" systemctl stop pfmod.service
printf '# broken\ntcp 80 192.168.1.2:8080\ntcp 80 192.168.1.3:8080\n' > "$conf"
check_fails "start with a broken file fails" systemctl start pfmod.service
check_match "... the unit is failed" "^failed$" "$(systemctl is-active pfmod.service 2>&1)"
check_match "... and the journal names the line" "$conf:3: " "$(unit_log)"
check_match "... and nothing was added" "^$" "$(table)"
mv "$tmp/saved.conf" "$conf"

# --- remove, purge ----------------------------------------------------------
krel=$(uname -r)
ver=$(sed -n 's/^#define PFMOD_VERSION "\(.*\)"/\1/p' "$PFMOD_TOP/module/version.h")
check "systemctl start pfmod" systemctl start pfmod.service
chat_open removed "$client" 203.0.113.10 80
check_match "a connection before the packages go" "^web8080 " "$(chat_line removed one)"
check "apt-get remove pfmod-dkms pfctl" env DEBIAN_FRONTEND=noninteractive \
	apt-get remove -y pfmod-dkms pfctl
# pfctl is gone: the build tree's reads the table.
check_match "removing stops pfmod.service: the table is flushed" "^$" \
	"$("$PFMOD_TOP/userspace-tool/pfctl" save | grep -v '^#')"
check_reset "... and its connections end" removed
chat_close removed
check_no_match "dkms knows pfmod no more" "pfmod" "$(dkms status 2>&1)"
check_no_match "no pfmod module is left in /lib/modules/$krel" "." \
	"$(find "/lib/modules/$krel" -name 'pfmod.ko*' 2>&1)"
check_fails "modprobe finds no pfmod" modinfo pfmod
check "no sources left in /usr/src" test ! -e "/usr/src/pfmod-$ver"
check "pfctl is gone" test ! -e "$PFCTL"
check "pfmod.service is gone" test ! -e /lib/systemd/system/pfmod.service
check "the configuration stays (remove is not purge)" test -e "$conf"
check "apt-get purge pfctl" apt-get purge -y pfctl
check "the configuration is gone" test ! -e /etc/pfmod
check "... and /etc/default/pfmod" test ! -e /etc/default/pfmod
check_no_match "dpkg remembers nothing of pfctl" "^.i|^rc" "$(dpkg -l pfctl 2>/dev/null | grep pfctl)"
check "no link of pfmod.service is left" eval "! find /etc/systemd -name 'pfmod.service' | grep -q ."
# The module stays loaded until the next boot (removing a package does not
# unload it; the README says so).
check "rmmod pfmod" rmmod pfmod
finish
