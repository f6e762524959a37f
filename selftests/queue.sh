#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A connection whose first packet is held between pfmod's lookup and
# conntrack's confirmation (here: an NFQUEUE in the FORWARD chain, with a
# program that keeps the SYN for 3 seconds) while its forward is deleted
# cannot start with the deleted forward's target: its entry was not in the
# table the delete walked, so pfmod drops it when it comes back, before it
# is confirmed.

source "$(dirname "$0")/lib.sh"

topo_gateway
serve "$server" -p 8080 -n web
tmp=$(mktemp -d)
check "add 80 192.168.1.2:8080" pfctl "$gw" add 80 192.168.1.2:8080
check_match "forwarded" "^web " "$(request "$client" 203.0.113.10 80)"
# Another forward keeps the namespace registered with the NAT core after
# the delete: taking a hook away drops every queued packet of the namespace
# itself (nf_queue_nf_hook_drop), which would pass this test without pfmod.
check "add 81 192.168.1.2:8081" pfctl "$gw" add 81 192.168.1.2:8081

setup modprobe -a nfnetlink_queue xt_NFQUEUE
ip netns exec "$gw" "$PFTEST" hold -q 3 -t 3 > "$tmp/hold" 2>&1 &
hold=$!
_pids+=("$hold")
wait_for 5 grep -q "holding" "$tmp/hold" || fail "the queue holder did not start: $(cat "$tmp/hold")"
# Only the first SYN of a connection, after DNAT (port 8080).
setup in_ns "$gw" iptables -A FORWARD -p tcp --dport 8080 --syn -j NFQUEUE --queue-num 3
# The client's retransmitted SYNs, once the forward is gone, would reach the
# gateway itself and draw a reset before the held SYN is let go (and take
# its tuple): they get no answer, so the held SYN alone decides.
setup in_ns "$gw" iptables -A INPUT -p tcp --dport 80 -j DROP
ip netns exec "$client" "$PFTEST" request -w 8000 -P 45000 203.0.113.10 80 > "$tmp/req" 2>&1 &
req=$!
_pids+=("$req")
sleep 0.5
check "del 80 while the SYN is held" pfctl "$gw" del 80
wait "$req"
out=$(cat "$tmp/req")
check_match "the held connection did not reach the target" "^pftest: .*(refused|timed out|reset)" "$out"
check_no_match "conntrack has no entry to the old target" "src=192\.168\.1\.2 .*sport=8080" \
	"$(conntrack_of "$gw" -p tcp --sport 45000)"
kill -INT "$hold"
wait "$hold"
check_match "the SYNs were held and let go" "^held [1-9]" "$(tail -n1 "$tmp/hold")"
rm -rf "$tmp"
finish
