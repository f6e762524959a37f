#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pfmod never goes around the admin's filter rules: with a FORWARD policy of
# DROP a forwarded connection passes only if a rule accepts it (the usual
# one: conntrack state DNAT, plus ESTABLISHED,RELATED for the replies). For
# IPv4 and IPv6, with iptables over nftables, legacy iptables, and native
# nftables.

source "$(dirname "$0")/lib.sh"

topo_gateway
serve "$server" -p 8080 -n web
check "pfctl add 80 192.168.1.2:8080" pfctl "$gw" add 80 192.168.1.2:8080
check "pfctl add 80 [2001:db8:1::2]:8080" pfctl "$gw" add 80 '[2001:db8:1::2]:8080'

for fam in 4 6; do
	if [ $fam = 4 ]; then
		dst=203.0.113.10 src=203.0.113.20 tools="iptables iptables-legacy"
	else
		dst=2001:db8:ffff::10 src=2001:db8:ffff::20 tools="ip6tables ip6tables-legacy"
	fi
	check "IPv$fam: forwarded with the default policy (ACCEPT)" request "$client" "$dst" 80
	for ipt in $tools; do
		setup in_ns "$gw" "$ipt" -P FORWARD DROP
		check_fails "$ipt: FORWARD policy DROP, no accept rule: blocked" \
			request "$client" -w 1000 "$dst" 80
		setup in_ns "$gw" "$ipt" -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
		setup in_ns "$gw" "$ipt" -A FORWARD -m conntrack --ctstate DNAT -j ACCEPT
		check_match "$ipt: policy DROP + ctstate DNAT accept: forwarded" "^web $src " \
			"$(request "$client" "$dst" 80)"
		setup in_ns "$gw" "$ipt" -F FORWARD
		setup in_ns "$gw" "$ipt" -P FORWARD ACCEPT
	done

	# The same with nftables, in a table of its own.
	setup in_ns "$gw" nft -f - <<-EOF2
		table inet filter {
			chain forward {
				type filter hook forward priority filter; policy drop;
			}
		}
	EOF2
	check_fails "nft (IPv$fam): forward policy drop: blocked" request "$client" -w 1000 "$dst" 80
	setup in_ns "$gw" nft add rule inet filter forward ct state established,related accept
	setup in_ns "$gw" nft add rule inet filter forward ct status dnat accept
	check_match "nft (IPv$fam): policy drop + ct status dnat accept: forwarded" "^web $src " \
		"$(request "$client" "$dst" 80)"
	setup in_ns "$gw" nft delete table inet filter
done
finish
