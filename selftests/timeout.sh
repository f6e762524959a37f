#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Forwards that expire ("timeout 10s"): the kernel removes the forward when
# its time is up, as a delete does (its connections end, or go on with
# keep), and tells monitors; show prints the time left; save writes the
# absolute expiry and a restore keeps it; an expired line of a file is
# skipped with a note; forwards with other times stay.

# timeout=300
source "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; _cleanup' EXIT

topo_gateway
serve "$server" -p 8080 -n web

# The monitor, each line stamped with the time it arrived: when the
# kernel removed a forward, whatever the emulator does to the commands.
ip netns exec "$gw" "$PFCTL" monitor 2>&1 |
	while IFS= read -r line; do echo "$(now) $line"; done > "$tmp/mon" &
_pids+=($!)
# The monitor is listening once it hears a change; it hears only what
# happens after it joined: a probe forward comes and goes until it does.
for ((i = 0; i < 100; i++)); do
	setup pfctl "$gw" add 9 192.168.1.2
	setup pfctl "$gw" del 9
	sleep 0.2
	grep -q ' - tcp 9 ' "$tmp/mon" && break
done
grep -q ' - tcp 9 ' "$tmp/mon" || { fail "the monitor heard nothing"; exit 1; }

# went PORT: when the monitor heard forward PORT go (empty if it did not).
went() {
	awk -v p="$1" '$2 == "-" && $3 == "tcp" && $4 == p { print $1; exit }' "$tmp/mon"
}

# expiry_between PORT T_BEFORE T_AFTER SECONDS: forward PORT, added between
# the two times with timeout SECONDS, went within a second of its time (late:
# bound 1).
expiry_between() {
	local t late

	late=$(bound 1)
	wait_for $(($4 + 10)) eval '[ -n "$(went $1)" ]'
	t=$(went "$1")
	if [ -z "$t" ]; then
		fail "forward $1 did not go within $(($4 + 10))s: $(pfctl "$gw" show)"
	elif awk -v t="$t" -v b="$2" -v a="$3" -v s="$4" -v l="$late" \
		'BEGIN { exit !(t >= b + s - 1 && t <= a + s + l) }'; then
		echo "ok: forward $1 went $(awk -v t="$t" -v b="$2" 'BEGIN { printf "%.2f", t - b }')s after the add (${4}s, -1s +${late}s)"
	else
		fail "forward $1 went at $t: added between $2 and $3, with timeout ${4}s"
	fi
}

# Forwards that must outlive some of the test's own steps live longer on a
# slow kernel (bound: times PFMOD_TIMEOUT_SCALE).
t80=$(bound 20) t80k=$(bound 8) t82=$(bound 20)

log "timeout 3s: gone after 3s"
t_before=$(now)
check "add 79 192.168.1.2:8080 timeout 3s" pfctl "$gw" add 79 192.168.1.2:8080 timeout 3s
t_after=$(now)
expiry_between 79 "$t_before" "$t_after" 3
check_match "show is empty" '^\[\]$' "$(pfctl "$gw" -j show)"

log "timeout ${t80}s: forwards, then goes with its connection"
t_before=$(now)
check "add 80 192.168.1.2:8080 timeout ${t80}s" pfctl "$gw" add 80 192.168.1.2:8080 timeout "${t80}s"
t_after=$(now)
chat_start "$client" 203.0.113.10 80
check_match "a connection through the expiring forward" "^web 203\.0\.113\.20 " "$(chat_say one)"
port=$(conns_of "$gw" | grep ESTABLISHED |
	sed -n 's/.*"client":"203\.0\.113\.20:\([0-9]*\)".*/\1/p')
out=$(pfctl "$gw" show)
check_match "show has an EXPIRES column" "EXPIRES" "$(head -n1 <<< "$out")"
# pfctl says 45s, 1m5s, 2h or 1d3h: at most two units.
check_match "... with the time left" "192\.168\.1\.2:8080 .* [0-9]+[dhms]([0-9]+[hms])? *$" "$out"
ms=$(pfctl "$gw" -j show | sed -n 's/.*"expires_in_ms":\([0-9]*\).*/\1/p')
if [ -n "$ms" ] && [ "$ms" -gt 0 ] && [ "$ms" -le $((t80 * 1000)) ]; then
	echo "ok: show -j: expires_in_ms $ms"
else
	fail "show -j: expires_in_ms '$ms', not 1-$((t80 * 1000)): $(pfctl "$gw" -j show)"
fi
expiry_between 80 "$t_before" "$t_after" "$t80"
check_no_match "its conntrack entry is ended (in CLOSE, or gone)" \
	"ESTABLISHED src=203\.0\.113\.20 .* sport=$port " "$(conntrack_of "$gw" -p tcp --dport 80)"
check_match "show is empty" '^\[\]$' "$(pfctl "$gw" -j show)"
check_reset "its open connection ended" default
chat_stop
check_fails "new connections are not forwarded" request "$client" -w 1000 203.0.113.10 80
check_match "monitor: the forward went, marked expired" \
	' - tcp 80 192\.168\.1\.2:8080 expires [-0-9T:]+Z \(expired\)$' "$(cat "$tmp/mon")"

log "timeout ${t80k}s keep: the forward goes, its connection stays"
check "add 80 192.168.1.2:8080 timeout ${t80k}s keep" pfctl "$gw" add 80 192.168.1.2:8080 timeout "${t80k}s" keep
chat_start "$client" 203.0.113.10 80
check_match "a connection through it" "^web 203\.0\.113\.20 " "$(chat_say one)"
wait_for "$(bound 20)" eval '[ "$(pfctl "$gw" -j show)" = "[]" ]' || fail "the forward did not expire"
check_match "after expiry, the connection goes on" "^web 203\.0\.113\.20 " "$(chat_say two)"
check_fails "... and new ones are not forwarded" request "$client" -w 1000 203.0.113.10 80
chat_stop
wait_for 5 grep -q ' - tcp 80 .* keep (expired)$' "$tmp/mon" ||
	fail "monitor: no keep expiry: $(cat "$tmp/mon")"

log "several times: each forward goes at its own"
check "add 81 timeout 3s" pfctl "$gw" add 81 192.168.1.2:8080 timeout 3s
check "add 82 timeout ${t82}s" pfctl "$gw" add 82 192.168.1.2:8080 timeout "${t82}s"
check "add 83, no timeout" pfctl "$gw" add 83 192.168.1.2:8080
check "add 84 timeout 2s" pfctl "$gw" add 84 192.168.1.2:8080 timeout 2s
wait_for "$(bound 15)" eval '[ -n "$(went 81)" ] && [ -n "$(went 84)" ]' || fail "81 and 84 did not expire"
out=$(pfctl "$gw" save | grep -v '^#')
check_no_match "81 and 84 are gone" "tcp (81|84) " "$out"
check_match "82 is still there" "^tcp 82 192\.168\.1\.2:8080 expires " "$out"
check_match "83 is still there, without expiry" "^tcp 83 192\.168\.1\.2:8080$" "$out"
check_match "82 still forwards" "^web 203\.0\.113\.20 " "$(request "$client" 203.0.113.10 82)"
wait_for "$(bound 30)" eval '[ -n "$(went 82)" ]' || fail "82 did not expire"
check_match "83 stays" "^tcp 83 192\.168\.1\.2:8080$" "$(pfctl "$gw" save | grep -v '^#')"
setup pfctl "$gw" flush

log "save and restore keep the expiry"
check "add 85 timeout 1h" pfctl "$gw" add 85 192.168.1.2:8080 timeout 1h
check "add 86, no timeout" pfctl "$gw" add 86 192.168.1.2:8080
start=$(date +%s)
setup pfctl "$gw" save > "$tmp/saved"
at=$(sed -n 's/^tcp 85 .* expires \([^ ]*\)$/\1/p' "$tmp/saved")
left=$(( $(date -u -d "$at" +%s) - start ))
if [ -n "$at" ] && [ "$left" -ge 3590 ] && [ "$left" -le 3601 ]; then
	echo "ok: save writes the absolute expiry ($at, in ${left}s)"
else
	fail "save: expiry '$at' (${left}s from now) in: $(cat "$tmp/saved")"
fi
setup pfctl "$gw" flush
check "restore" pfctl "$gw" restore "$tmp/saved"
ms=$(pfctl "$gw" -j show | grep -o '"port_min":85[^}]*' |
	sed -n 's/.*"expires_in_ms":\([0-9]*\).*/\1/p')
if [ -n "$ms" ] && [ "$ms" -gt 3500000 ] && [ "$ms" -le 3600000 ]; then
	echo "ok: after the restore, 85 expires in ${ms}ms"
else
	fail "after the restore: expires_in_ms '$ms' for 85: $(pfctl "$gw" -j show)"
fi
check_match "86 has no expiry" '"port_min":86,[^}]*"snat_connections":0\}' "$(pfctl "$gw" -j show)"
id=$(pfctl "$gw" show | awk '$3 ~ /:85$/ {print $1}')
printf 'tcp 85 192.168.1.2:8080 timeout 8s\ntcp 86 192.168.1.2:8080\n' > "$tmp/shorter"
check "restore with a new timeout for 85" pfctl "$gw" restore "$tmp/shorter"
check_match "85 keeps its id ($id): the same forward, the new time" "^$id +tcp .*:85 .* [1-8]s *$" \
	"$(pfctl "$gw" show)"
wait_for "$(bound 15)" eval '[ -n "$(went 85)" ]' || fail "85 did not expire at its new time"

printf 'tcp 87 192.168.1.2:8080 expires 2020-01-01T00:00:00Z\ntcp 88 192.168.1.2:8080\n' > "$tmp/old"
out=$(pfctl "$gw" restore "$tmp/old" 2>&1)
check_match "restore: an expired line is skipped with a note" \
	"old:1: expired at 2020-01-01T00:00:00Z, skipped" "$out"
out=$(pfctl "$gw" save | grep -v '^#')
check_match "... and the rest restored" "^tcp 88 192\.168\.1\.2:8080$" "$out"
check_no_match "... without it" "tcp 87 " "$out"

log "a namespace that goes with a forward waiting to expire"
new_ns other
check "add in another namespace, timeout 1h" pfctl "$other" add 80 192.168.1.2 timeout 1h
check "delete that namespace" ip netns del "$other"
finish
