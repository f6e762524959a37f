#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Namespaces that come and go: one with forwards and live connections
# through them is deleted, and what it held is gone - the module's own
# counts of forwards and of namespaces registered with the NAT core (pfctl
# -j version) come back to where they were, and kmemleak is clean on the
# debug kernel; then 1,000 namespaces are created, given forwards and
# destroyed, with the same result.
# timeout=900

source "$(dirname "$0")/lib.sh"

# "all_forwards nat_hooks end_hooks", module-wide.
held() {
	"$PFCTL" -j version | sed -n 's/.*"all_forwards":\([0-9]*\),"nat_hooks":\([0-9]*\),"end_hooks":\([0-9]*\).*/\1 \2 \3/p'
}
before=$(held)
check_match "the module counts what it holds" "^[0-9]+ [0-9]+ [0-9]+$" "$before"
set -- $before
topo_gateway
serve "$server" -p 8080 -n web
check "add tcp" pfctl "$gw" add 80 192.168.1.2:8080
check "add udp range, IPv6" pfctl "$gw" add udp 5000-5999 '[2001:db8:1::2]' from 2001:db8:ffff::/64
check "add local" pfctl "$gw" add 2222 local:22 snat never
chat_start "$client" 203.0.113.10 80
check_match "a connection is open through the gateway" "^web " "$(chat_say hello)"
check_match "3 forwards more, 2 families registered more" "^$(($1 + 3)) $(($2 + 2)) $3$" "$(held)"
ip netns del "$gw"
out=$(chat_say again)
check_match "the gateway namespace is gone, and its connection with it" "^pftest: " "$out"
chat_stop
if wait_for 20 eval '[ "$(held)" = "$before" ]'; then
	echo "ok: its forwards and registrations are gone ($(held))"
else
	fail "after the namespace went, the module holds '$(held)', before '$before'"
fi

cycles=${PFMOD_NETNS_CYCLES:-1000}
check "$cycles namespaces created, given forwards, destroyed" pffuzz netns -n "$cycles"
if wait_for 60 eval '[ "$(held)" = "$before" ]'; then
	echo "ok: after $cycles namespaces the module holds what it held before"
else
	fail "after $cycles namespaces the module holds '$(held)', before '$before'"
fi
finish
