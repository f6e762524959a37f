#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The flow fast path: `pfctl add ... offload`. An established connection of
# such a forward goes into the flowtable (conntrack shows [OFFLOAD]) and
# keeps working through it, conntrack still counting its packets; one of a
# forward without offload stays on the normal path. A restore that keeps
# the forward keeps the connection, which comes back to the fast path with
# its next packet. A delete ends an offloaded connection at both ends at
# once, and while its server goes on talking nothing with the server's
# private address reaches the client. So does removing the module. IPv6
# as IPv4.

source "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
topo_gateway
serve "$server" -p 8080 -n web
serve "$server" -p 8081 -n plain
serve "$server" -p 8443 -n web6
sysctls "$gw" net.netfilter.nf_conntrack_acct=1

out=$(pfctl "$gw" add 80 192.168.1.2:8080 offload 2>&1)
if grep -q "no flow fast path" <<< "$out"; then
	skip "this kernel has no flow fast path for pfmod (5.10: nf_flow_route names no devices in and out, nor how a flow goes out)"
fi
check "add 80 192.168.1.2:8080 offload ($out)" test -z "$out"
check "add 81 192.168.1.2:8081 (no offload)" pfctl "$gw" add 81 192.168.1.2:8081
check_match "save writes offload" "^tcp 80 192\.168\.1\.2:8080 offload$" "$(pfctl "$gw" save)"
check_match "show -j says offload" '"port_min":80,.*"offload":true' "$(pfctl "$gw" -j show)"
out=$(pfctl "$gw" show)
check_match "show has an OFFLOAD column" "^ID .* CONNS +OFFLOAD *$" "$out"
check_match "... yes for 80" "^1 +tcp +0\.0\.0\.0:80 +192\.168\.1\.2:8080 +- +- +auto +0 +yes *$" "$out"
check_match "... and - for 81" "^2 +tcp +0\.0\.0\.0:81 +192\.168\.1\.2:8081 +- +- +auto +0 +- *$" "$out"
check_fails "offload with a local target is refused" pfctl "$gw" add 82 local:8082 offload

# Offloaded once established: later lines' packets go through the flowtable.
chat_open fast "$client" 203.0.113.10 80
check_match "a connection of the offload forward works" "^web 203\.0\.113\.20 " \
	"$(chat_line fast one)"
check_match "... and keeps working" "^web 203\.0\.113\.20 " "$(chat_line fast two)"
wait_for 5 eval 'conntrack_of "$gw" -p tcp --dport 80 | grep -q OFFLOAD'
ct=$(conntrack_of "$gw" -p tcp --dport 80)
check_match "conntrack shows it offloaded, translated" \
	"dport=80 .*src=192\.168\.1\.2 dst=203\.0\.113\.20 sport=8080 .*\[OFFLOAD\]" "$ct"
p0=$(sed -n 's/.*dport=80 packets=\([0-9]*\).*/\1/p' <<< "$ct")
for i in 1 2 3 4 5; do
	chat_line fast "more $i" > /dev/null
done
check_match "... through the flowtable it still answers" "^web " "$(chat_line fast six)"
ct=$(conntrack_of "$gw" -p tcp --dport 80)
p1=$(sed -n 's/.*dport=80 packets=\([0-9]*\).*/\1/p' <<< "$ct")
check "conntrack still counts its packets ($p0, then $p1)" test "${p1:-0}" -gt "${p0:-0}"

chat_open slow "$client" 203.0.113.10 81
check_match "a connection of the forward without offload works" "^plain " "$(chat_line slow one)"
chat_line slow two > /dev/null
sleep 1
check_no_match "... and stays on the normal path" "OFFLOAD" \
	"$(conntrack_of "$gw" -p tcp --dport 81)"

# A restore that keeps the forward keeps its connection.
id=$(ct_ids "$gw" -p tcp --dport 80)
check "restore the same table" eval "pfctl $gw save > $tmp/table && pfctl $gw restore $tmp/table"
check_match "the offloaded connection goes on after the restore" "^web " \
	"$(chat_line fast seven)"
check "... in the same conntrack entry ($id)" test "$(ct_ids "$gw" -p tcp --dport 80)" = "$id"
wait_for 5 eval 'conntrack_of "$gw" -p tcp --dport 80 | grep -q OFFLOAD'
check_match "... offloaded again" "OFFLOAD" "$(conntrack_of "$gw" -p tcp --dport 80)"

# The delete ends an offloaded chat at once; the other forward's is left.
check "del 80" pfctl "$gw" del 80
check_reset "the offloaded chat is reset at the client" fast
check_match "the plain connection is untouched" "^plain " "$(chat_line slow three)"
chat_close slow
chat_close fast

# IPv6 the same way.
check "add 443 [2001:db8:1::2]:8443 offload" pfctl "$gw" add 443 '[2001:db8:1::2]:8443' offload
chat_open six "$client" 2001:db8:ffff::10 443
check_match "an IPv6 connection of an offload forward works" "^web6 " "$(chat_line six one)"
chat_line six two > /dev/null
wait_for 5 eval 'conntrack_of "$gw" -f ipv6 -p tcp --dport 443 | grep -q OFFLOAD'
check_match "... offloaded" "dport=443 .*src=2001:db8:1::2 .*\[OFFLOAD\]" \
	"$(conntrack_of "$gw" -f ipv6 -p tcp --dport 443)"
check_match "... and answers through the flowtable" "^web6 " "$(chat_line six three)"
check "del 443 (IPv6)" pfctl "$gw" -6 del 443
check_reset "the offloaded IPv6 chat is reset at the client" six
chat_close six

# (After the chats: the daemons below would hold their pipes open.)
# A stream from the server, offloaded, then the delete: the client learns
# at once, and nothing with the server's private address reaches it (an
# nft counter in the client's namespace) while the server goes on talking.
leak_watch "$client"
check "add 90 192.168.1.2:8090 offload" pfctl "$gw" add 90 192.168.1.2:8090 offload
pid=$(ip netns exec "$server" "$PFTEST" stream -p 8090 -l 30 -o "$tmp/server.out" -d) ||
	fail "stream server: $pid"
_pids+=("$pid")
ip netns exec "$client" "$PFTEST" listen -t "$(bound 30)" 203.0.113.10 90 > "$tmp/client.out" 2>&1 &
_pids+=($!)
wait_for "$(bound 5)" grep -qs connected "$tmp/client.out" || fail "the stream did not start"
wait_for 5 eval 'conntrack_of "$gw" -p tcp --dport 90 | grep -q OFFLOAD'
check_match "the stream is offloaded" "OFFLOAD" "$(conntrack_of "$gw" -p tcp --dport 90)"
t0=$(now)
check "del 90" pfctl "$gw" del 90
wait_for "$(bound 5)" grep -q '^end' "$tmp/client.out"
awk -v t0="$t0" -v a="$(bound 1)" \
	'/^end/ { ended = $0 ~ /reset by peer/ && $(NF - 2) - t0 < a } END { exit !ended }' \
	"$tmp/client.out" || fail "the client did not see a reset at once: $(cat "$tmp/client.out")"
check_no_match "the entry is no longer offloaded" "OFFLOAD" \
	"$(conntrack_of "$gw" -p tcp --dport 90)"
sleep 2
leaked=$(leaked "$client")
check "nothing with the server's private address reached the client ($leaked packets)" \
	test "$leaked" = 0

check "del 81" pfctl "$gw" del 81

# The module goes while a connection is offloaded: it ends (a reset), the
# kernel does not complain (the harness reads its log), and the module
# comes back.
if [ -f "$PFMOD_KO" ]; then
	check "add 80 192.168.1.2:8080 offload, again" pfctl "$gw" add 80 192.168.1.2:8080 offload
	chat_open last "$client" 203.0.113.10 80
	chat_line last one > /dev/null
	chat_line last two > /dev/null
	wait_for 5 eval 'conntrack_of "$gw" -p tcp --dport 80 | grep -q OFFLOAD'
	check_match "offloaded" "OFFLOAD" "$(conntrack_of "$gw" -p tcp --dport 80)"
	check "rmmod pfmod with an offloaded connection" rmmod pfmod
	check_reset "... which ends" last
	chat_close last
	check "insmod pfmod" insmod "$PFMOD_KO"
fi
finish
