#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Namespaces that come and go: one with forwards and live connections
# through them is deleted (what it held is freed: kmemleak-clean on the
# debug kernel); then 1,000 namespaces are created, given forwards and
# destroyed.
# timeout=900

source "$(dirname "$0")/lib.sh"

topo_gateway
serve "$server" -p 8080 -n web
check "add tcp" pfctl "$gw" add 80 192.168.1.2:8080
check "add udp range, IPv6" pfctl "$gw" add udp 5000-5999 '[2001:db8:1::2]' from 2001:db8:ffff::/64
check "add local" pfctl "$gw" add 2222 local:22 snat never
chat_start "$client" 203.0.113.10 80
check_match "a connection is open through the gateway" "^web " "$(chat_say hello)"
ip netns del "$gw"
out=$(chat_say again)
check_match "the gateway namespace is gone, and its connection with it" "^pftest: " "$out"
chat_stop

cycles=${PFMOD_NETNS_CYCLES:-1000}
check "$cycles namespaces created, given forwards, destroyed" pffuzz netns -n "$cycles"
finish
