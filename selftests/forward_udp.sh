#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# UDP through a forward, and a UDP flow that existed before the forward
# (its conntrack entry not translated) is forwarded as soon as it is added:
# by add and by restore, IPv4 and IPv6; flows to the ports next to the
# forward's keep their entries.

source "$(dirname "$0")/lib.sh"

topo_gateway
serve "$server" -u -p 5353 -n dns

# A gateway with a stateful firewall tracks connections before any forward
# exists. The client sends before there is a forward: the gateway has no
# service, and conntrack keeps an untranslated entry for the flow.
setup in_ns "$gw" iptables -A INPUT -m conntrack --ctstate INVALID -j DROP
check_fails "before the forward: no answer" request "$client" -u -w 500 -P 40000 203.0.113.10 53
ct=$(conntrack_of "$gw" -p udp --dport 53)
check_match "the early flow left an untranslated entry" "sport=40000 dport=53 .*src=203\.0\.113\.10 dst=203\.0\.113\.20 sport=53 dport=40000" "$ct"

# Flows to the ports either side of the forward's own are not its: their
# entries stay (the same ids) when it is added.
declare -A next
for port in 52 54; do
	check_fails "before the forward: port $port, no answer" \
		request "$client" -u -w 500 -P 400$port 203.0.113.10 "$port"
	next[$port]=$(ct_ids "$gw" -p udp --dport "$port")
	check_match "the flow to port $port left an entry" "^[0-9]+$" "${next[$port]}"
done

check "pfctl add udp 53 192.168.1.2:5353" pfctl "$gw" add udp 53 192.168.1.2:5353
for port in 52 54; do
	check_match "the flow to port $port keeps its entry (${next[$port]})" "^${next[$port]}$" \
		"$(ct_ids "$gw" -p udp --dport "$port")"
done
out=$(request "$client" -u -P 40000 203.0.113.10 53)
check_match "the same flow is forwarded right away" "^dns 203\.0\.113\.20 40000$" "$out"
out=$(request "$client" -u 203.0.113.10 53)
check_match "a new flow is forwarded" "^dns 203\.0\.113\.20 [0-9]+$" "$out"
ct=$(conntrack_of "$gw" -p udp --dport 53 --dst-nat)
check_match "conntrack shows the UDP DNAT" "src=192\.168\.1\.2 dst=203\.0\.113\.20 sport=5353" "$ct"
out=$(pfctl "$gw" show)
check_match "show: udp forward with 2 connections" "^1 +udp +0\.0\.0\.0:53 +192\.168\.1\.2:5353 .* 2$" "$out"

# The same flow's entry for a forward that a restore brings.
check "flush" pfctl "$gw" flush
check_fails "no forward: no answer" request "$client" -u -w 500 -P 40001 203.0.113.10 53
check_match "an untranslated entry" "sport=40001 dport=53 .*src=203\.0\.113\.10 " \
	"$(conntrack_of "$gw" -p udp --dport 53)"
check "restore of a table with udp 53" eval "echo 'udp 53 192.168.1.2:5353' | pfctl $gw restore"
check_match "the flow is forwarded right away" "^dns 203\.0\.113\.20 40001$" \
	"$(request "$client" -u -P 40001 203.0.113.10 53)"

# And over IPv6, on a gateway whose firewall tracks IPv6 too.
setup in_ns "$gw" ip6tables -A INPUT -m conntrack --ctstate INVALID -j DROP
check_fails "IPv6, no forward: no answer" request "$client" -u -w 500 -P 40002 2001:db8:ffff::10 53
check_match "an untranslated IPv6 entry" "sport=40002 dport=53 .*src=2001:db8:ffff::10 " \
	"$(conntrack_of "$gw" -f ipv6 -p udp --dport 53)"
check "add udp 53 [2001:db8:1::2]:5353" pfctl "$gw" add udp 53 '[2001:db8:1::2]:5353'
check_match "the IPv6 flow is forwarded right away" "^dns 2001:db8:ffff::20 40002$" \
	"$(request "$client" -u -P 40002 2001:db8:ffff::10 53)"
finish
