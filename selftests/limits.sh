#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Per-forward limits on new connections: maxconn (at once), maxconn-per-
# source, and rate N/s with a burst. A new connection over a limit is
# dropped (never forwarded, no conntrack entry left) and counted; the
# connections it already has are never touched. Forwards without limits
# carry none of it.

# timeout=400
source "$(dirname "$0")/lib.sh"

tmp_out=$(mktemp -u)
topo_gateway
serve "$server" -p 8080 -n web
setup ip -n "$client" addr add 203.0.113.21/24 dev eth0

# dropped PORT: the forward's drop counter, from show -s -j.
dropped() {
	pfctl "$gw" -s -j show | grep -o "\"port_min\":$1,[^}]*" |
		sed -n 's/.*"dropped":\([0-9]*\).*/\1/p'
}

log "maxconn 5"
check "add 80 192.168.1.2:8080 maxconn 5" pfctl "$gw" add 80 192.168.1.2:8080 maxconn 5
for i in 1 2 3 4 5; do
	chat_open "c$i" "$client" 203.0.113.10 80
	check_match "connection $i of 5" "^web 203\.0\.113\.20 " "$(chat_line "c$i" hello)"
done
check_fails "the 6th at once is not forwarded" request "$client" -w 700 203.0.113.10 80
check_match "... the server has exactly 5" "^5$" \
	"$(in_ns "$server" ss -Htn state established '( sport = :8080 )' | wc -l)"
check_match "... and conntrack holds 5 entries for port 80, none for the 6th" "^5$" \
	"$(conntrack_of "$gw" -p tcp --dport 80 | grep -c 'dport=80 ')"
for i in 1 2 3 4 5; do
	check_match "connection $i still works" "^web 203\.0\.113\.20 " "$(chat_line "c$i" again)"
done
check_match "show -s -j: 1 dropped" "^1$" "$(dropped 80)"
out=$(pfctl "$gw" -s show)
check_match "show -s: a DROPPED column" "DROPPED" "$(head -n1 <<< "$out")"
check_match "show: the limits" "0\.0\.0\.0:80 .* maxconn 5$" "$(pfctl "$gw" show)"
check_match "save: the limits" "^tcp 80 192\.168\.1\.2:8080 maxconn 5$" "$(pfctl "$gw" save)"
chat_close c1
check "with one closed, a new connection gets through" \
	wait_for 5 request "$client" -w 700 203.0.113.10 80
for i in 2 3 4 5; do
	chat_close "c$i"
done

log "maxconn-per-source 2"
check "add 81 192.168.1.2:8080 maxconn-per-source 2" \
	pfctl "$gw" add 81 192.168.1.2:8080 maxconn-per-source 2
chat_open a1 "$client" 203.0.113.10 81
chat_open a2 "$client" 203.0.113.10 81
check_match "two from 203.0.113.20" "^web 203\.0\.113\.20 " "$(chat_line a2 hello)"
check_fails "a third from 203.0.113.20 is not forwarded" request "$client" -w 700 203.0.113.10 81
check_match "one from 203.0.113.21 is" "^web 203\.0\.113\.21 " \
	"$(request "$client" -b 203.0.113.21 203.0.113.10 81)"
check_match "the first two go on" "^web 203\.0\.113\.20 " "$(chat_line a1 again)"
check_match "show -s -j: 1 dropped" "^1$" "$(dropped 81)"
chat_close a1
chat_close a2

log "rate 10/s (burst 5)"
check "add 82 192.168.1.2:8080 rate 10/s" pfctl "$gw" add 82 192.168.1.2:8080 rate 10/s
chat_open r1 "$client" 203.0.113.10 82
check_match "an established connection" "^web 203\.0\.113\.20 " "$(chat_line r1 hello)"
# New connections, 32 at a time, for 5 s (about 60 attempts a second, far
# over the rate): about 10/s get through, and the burst. A refused client
# gives up after 500 ms: a dropped SYN is sent again only after a second,
# so each refused client is one drop.
out=$(in_ns "$client" timeout -s INT 5 "$PFTEST" flood -w 500 -P 32 -n 1000000 203.0.113.10 82)
read -r ok _ failed _ secs _ <<< "$out"
want=$(awk -v s="$secs" 'BEGIN { printf "%d", 10 * s + 5 }')
if [ "${failed:-0}" -ge 20 ] && [ "$ok" -ge $((want * 8 / 10)) ] &&
   [ "$ok" -le $((want * 12 / 10 + 2)) ]; then
	echo "ok: rate: $ok got through in ${secs}s (about $want), $failed were dropped"
else
	fail "rate: flood says '$out': not about $want through with some dropped"
fi
check_match "the drop counter is what the clients saw ($failed)" "^$failed$" "$(dropped 82)"
check_match "the established connection was never limited" "^web 203\.0\.113\.20 " \
	"$(chat_line r1 again)"
chat_close r1
check_match "save: the rate" "^tcp 82 192\.168\.1\.2:8080 rate 10/s$" "$(pfctl "$gw" save)"

log "rate 1/m burst 2"
check "add 83 ... rate 1/m burst 2" pfctl "$gw" add 83 192.168.1.2:8080 rate 1/m burst 2
check "first" request "$client" -w 700 203.0.113.10 83
check "second (the burst)" request "$client" -w 700 203.0.113.10 83
check_fails "a third within the minute is not" request "$client" -w 700 203.0.113.10 83
check_match "save: rate and burst" "^tcp 83 192\.168\.1\.2:8080 rate 1/m burst 2$" \
	"$(pfctl "$gw" save)"

log "UDP: limits count flows"
check "add udp 53 ... maxconn 1" pfctl "$gw" add udp 53 192.168.1.2:5353 maxconn 1
serve "$server" -u -p 5353 -n dns
check_match "one flow" "^dns 203\.0\.113\.20 " "$(request "$client" -u -P 40001 203.0.113.10 53)"
check_fails "a second flow at once is not forwarded" \
	request "$client" -u -w 700 -P 40002 203.0.113.10 53
check_match "the first flow goes on" "^dns 203\.0\.113\.20 " \
	"$(request "$client" -u -P 40001 203.0.113.10 53)"

log "a forward without limits shows none"
check "add 84" pfctl "$gw" add 84 192.168.1.2:8080
check_no_match "show -s -j: no dropped for 84" '"port_min":84,[^}]*"dropped"' \
	"$(pfctl "$gw" -s -j show)"
check_match "save: no limit words" "^tcp 84 192\.168\.1\.2:8080$" "$(pfctl "$gw" save)"

log "a restore that keeps a forward keeps its limits' state"
pfctl "$gw" save > "$tmp_out.saved"
check "restore the same table" pfctl "$gw" restore "$tmp_out.saved"
check_fails "83's bucket is still empty" request "$client" -w 700 203.0.113.10 83
rm -f "$tmp_out.saved"
finish
