#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Exact connection ownership: pfmod records on each connection which forward
# translated it, so a change ends the connections of the forwards it removes
# and no others (checked by what the endpoints see and by conntrack entry
# ids): sibling forwards that differ by `from`, the admin's own DNAT, a
# restore that narrows `from`. Forward ids are never reused; a forward that
# a restore leaves as it was keeps its id and counters, one that a changed
# forward (also with dev) still admits is handed over; counters count
# connections that got through, not SYNs a firewall dropped.

source "$(dirname "$0")/lib.sh"

topo_gateway
setup ip -n "$client" addr add 203.0.113.21/24 dev eth0
setup ip -n "$gw" addr add 203.0.113.11/24 dev eth0
serve "$server" -p 2222,2223 -n "ssh%p"
tmp=$(mktemp -d)

# The client port of a chat, from its first answer ("ssh2222 ADDR PORT").
port_of() {
	awk '{print $3}' <<< "$1"
}

log "sibling forwards: 22 from .20 and 22 from .21"
setup pfctl "$gw" add 22 192.168.1.2:2222 from 203.0.113.20/32
setup pfctl "$gw" add 22 192.168.1.2:2222 from 203.0.113.21/32
chat_open a "$client" -b 203.0.113.20 203.0.113.10 22
chat_open b "$client" -b 203.0.113.21 203.0.113.10 22
out_a=$(chat_line a one)
out_b=$(chat_line b one)
check_match "a session from .20" "^ssh2222 203\.0\.113\.20 " "$out_a"
check_match "a session from .21" "^ssh2222 203\.0\.113\.21 " "$out_b"
before=$(conns_of "$gw")
entry_b=$(entry_of "$before" "$(port_of "$out_b")")
check_match "pfctl conns: .21's connection is forward 2's" '"forward":2,' \
	"$(grep "203.0.113.21" <<< "$before")"
check "del 22 from 203.0.113.20/32" pfctl "$gw" del 22 from 203.0.113.20/32
check_reset "the session from .20 ends" a
out_b=$(chat_line b two)
check_match "the session from .21 goes on" "^ssh2222 203\.0\.113\.21 " "$out_b"
after=$(conns_of "$gw")
check_match "... with the same conntrack entry ($entry_b)" "^$entry_b\$" \
	"$(entry_of "$after" "$(port_of "$out_b")")"
check_no_match "... not ended" '"ended":true' "$(grep "203.0.113.21" <<< "$after")"
chat_close a
chat_close b
setup pfctl "$gw" flush

log "the admin's own DNAT, to the same target, next to a forward with snat always"
setup in_ns "$gw" iptables -t nat -A PREROUTING -d 203.0.113.11 -p tcp --dport 22 \
	-j DNAT --to-destination 192.168.1.2:2222
setup pfctl "$gw" add 22 192.168.1.2:2222 snat always
chat_open admin "$client" 203.0.113.11 22
out=$(chat_line admin one)
check_match "the admin's DNAT takes 203.0.113.11:22, and keeps the client's address" \
	"^ssh2222 203\.0\.113\.20 " "$out"
port=$(port_of "$out")
entry=$(ct_ids "$gw" -p tcp --sport "$port")
check_match "... it has a conntrack entry" "^[0-9]+$" "$entry"
check_no_match "... which pfmod does not count as its own" "\"client\":\"203\.0\.113\.20:$port\"" \
	"$(conns_of "$gw")"
chat_open pf "$client" 203.0.113.10 22
check_match "pfmod's forward masquerades its own connection" "^ssh2222 192\.168\.1\.1 " \
	"$(chat_line pf one)"
check "pfctl del 22" pfctl "$gw" del 22
check_reset "pfmod's connection ends" pf
check_match "the admin's connection goes on" "^ssh2222 203\.0\.113\.20 " "$(chat_line admin two)"
check_match "... with the same entry ($entry)" "^$entry$" "$(ct_ids "$gw" -p tcp --sport "$port")"
check "pfctl add 22 again, and flush" eval "pfctl $gw add 22 192.168.1.2:2222 && pfctl $gw flush"
check_match "after a flush too" "^ssh2222 203\.0\.113\.20 " "$(chat_line admin three)"
check_match "... the same entry" "^$entry$" "$(ct_ids "$gw" -p tcp --sport "$port")"
chat_close admin
chat_close pf
setup in_ns "$gw" iptables -t nat -F PREROUTING

log "a restore that narrows from revokes the sessions it no longer allows"
setup pfctl "$gw" add 22 192.168.1.2:2222 from 203.0.113.0/24
id=$(pfctl "$gw" -j show | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
chat_open a "$client" -b 203.0.113.20 203.0.113.10 22
chat_open b "$client" -b 203.0.113.21 203.0.113.10 22
out_a=$(chat_line a one)
out_b=$(chat_line b one)
entry_a=$(entry_of "$(conns_of "$gw")" "$(port_of "$out_a")")
echo "tcp 22 192.168.1.2:2222 from 203.0.113.20/32" > "$tmp/narrow"
check "restore: from 203.0.113.20/32 only" pfctl "$gw" restore "$tmp/narrow"
check_reset "the session from .21, which the new table excludes, ends" b
check_match "the session from .20 goes on" "^ssh2222 203\.0\.113\.20 " "$(chat_line a two)"
after=$(conns_of "$gw")
check_match "... with the same entry ($entry_a)" "^$entry_a\$" "$(entry_of "$after" "$(port_of "$out_a")")"
newid=$(pfctl "$gw" -j show | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
check_match "the changed forward has a new id ($id -> $newid)" "^[0-9]+$" "$newid"
[ "$newid" -gt "$id" ] && echo "ok: ids are not reused" || fail "new id $newid is not above $id"
check_match "... and now owns the session it kept" "\"forward\":$newid," "$(grep 203.0.113.20 <<< "$after")"
chat_close a
chat_close b

log "a restore that changes nothing keeps ids, counters and connections"
chat_open a "$client" -b 203.0.113.20 203.0.113.10 22
out_a=$(chat_line a one)
entry_a=$(entry_of "$(conns_of "$gw")" "$(port_of "$out_a")")
shown=$(pfctl "$gw" -j show)
check "restore the same table" pfctl "$gw" restore "$tmp/narrow"
check_match "same id, same counters" "^$(sed 's/[][]/\\&/g' <<< "$shown")\$" "$(pfctl "$gw" -j show)"
check_match "the session goes on" "^ssh2222 203\.0\.113\.20 " "$(chat_line a two)"
check_match "... with the same entry" "^$entry_a\$" "$(entry_of "$(conns_of "$gw")" "$(port_of "$out_a")")"
chat_close a
check "del, add: the forward is new" eval "pfctl $gw flush && pfctl $gw add 22 192.168.1.2:2222"
id2=$(pfctl "$gw" -j show | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
[ "$id2" -gt "$newid" ] && echo "ok: a new forward gets a new id ($id2)" ||
	fail "id $id2 after $newid"

log "a restore that drops a forward keeps the ids of those around it"
setup eval "pfctl $gw flush && pfctl $gw add 80 192.168.1.2:8080 &&
	pfctl $gw add 81 192.168.1.2:8081 && pfctl $gw add 82 192.168.1.2:8082"
ids_ports() {
	pfctl "$gw" -j show | grep -o '"id":[0-9]*,[^}]*"port_min":[0-9]*' |
		sed 's/"id":\([0-9]*\),.*"port_min":\([0-9]*\)/\1 \2/'
}
check_match "three forwards, an id each" "^[0-9]+ 80 [0-9]+ 81 [0-9]+ 82$" "$(echo $(ids_ports))"
before=$(ids_ports | grep -v ' 81$')
printf 'tcp 80 192.168.1.2:8080\ntcp 82 192.168.1.2:8082\n' > "$tmp/two"
check "restore without 81" pfctl "$gw" restore "$tmp/two"
check_match "80 and 82 keep their ids ($(echo $before))" "^$(echo $before)\$" "$(echo $(ids_ports))"

log "a restore hands a session over to a forward with dev (conntrack does not record the interface)"
setup eval "pfctl $gw flush && pfctl $gw add 22 192.168.1.2:2222 dev eth0 from 203.0.113.0/24"
chat_open a "$client" -b 203.0.113.20 203.0.113.10 22
out_a=$(chat_line a one)
entry_a=$(entry_of "$(conns_of "$gw")" "$(port_of "$out_a")")
echo "tcp 22 192.168.1.2:2222 dev eth0 from 203.0.113.20/32" > "$tmp/dev"
check "restore: dev eth0, from 203.0.113.20/32 only" pfctl "$gw" restore "$tmp/dev"
check_match "the session from .20 goes on" "^ssh2222 203\.0\.113\.20 " "$(chat_line a two)"
after=$(conns_of "$gw")
check_match "... with the same entry ($entry_a)" "^$entry_a\$" "$(entry_of "$after" "$(port_of "$out_a")")"
newid=$(pfctl "$gw" -j show | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
check_match "... now forward $newid's" "\"forward\":$newid," "$(grep 203.0.113.20 <<< "$after")"
chat_close a
setup eval "pfctl $gw flush && pfctl $gw add 22 192.168.1.2:2222"

log "counters count connections that got through"
setup in_ns "$gw" iptables -P FORWARD DROP
check_fails "FORWARD policy DROP: the connection fails (its SYN is sent 3 times)" \
	request "$client" -w 3500 203.0.113.10 22
check_match "... and is not counted" '"connections":0,' "$(pfctl "$gw" -j show)"
setup in_ns "$gw" iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED,DNAT -j ACCEPT
check "with an accept rule it goes through" request "$client" 203.0.113.10 22
check_match "... and is counted once" '"connections":1,' "$(pfctl "$gw" -j show)"
rm -rf "$tmp"
finish
