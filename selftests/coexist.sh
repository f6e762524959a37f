#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The admin's own NAT keeps working next to pfmod: iptables nat rules (over
# nftables, and legacy), and an nft nat table, in the same namespace, for
# IPv4 and IPv6. For the same port, the admin's own rule wins (it runs first
# and binds the connection; pfmod then stays out). The NAT core counts its
# users per namespace: the admin's rules going must not take pfmod's
# translation with them, nor pfmod's going theirs.

source "$(dirname "$0")/lib.sh"

topo_gateway
serve "$server" -p 8080 -n pfmod
serve "$server" -p 8081 -n iptables
serve "$server" -p 8082 -n nft
serve "$server" -p 8083 -n iptables-wins
serve "$server" -p 8084 -n nft-wins

for fam in 4 6; do
	if [ $fam = 4 ]; then
		dst=203.0.113.10 srv=192.168.1.2 tbl=ip tools="iptables iptables-legacy"
		to() { echo "192.168.1.2:$1"; }
	else
		dst=2001:db8:ffff::10 srv=2001:db8:1::2 tbl=ip6 tools="ip6tables ip6tables-legacy"
		to() { echo "[2001:db8:1::2]:$1"; }
	fi
	for ipt in $tools; do
		log "IPv$fam, $ipt and nft"
		setup in_ns "$gw" "$ipt" -t nat -A PREROUTING -i eth0 -p tcp --dport 81 -j DNAT \
			--to-destination "$(to 8081)"
		setup in_ns "$gw" nft -f - <<-EOF2
			table $tbl admin {
				chain prerouting {
					type nat hook prerouting priority dstnat;
					tcp dport 82 dnat to $(to 8082)
				}
			}
		EOF2
		check "pfctl add 80 $(to 8080)" pfctl "$gw" add 80 "$(to 8080)"
		check "pfctl add 83-84 $(to 8080)" pfctl "$gw" add 83-84 "$(to 8080)"

		check_match "$ipt: pfmod's forward works next to iptables and nft nat" "^pfmod " \
			"$(request "$client" "$dst" 80)"
		check_match "$ipt: the iptables DNAT rule still works" "^iptables " \
			"$(request "$client" "$dst" 81)"
		check_match "$ipt: the nft dnat rule still works" "^nft " \
			"$(request "$client" "$dst" 82)"

		setup in_ns "$gw" "$ipt" -t nat -A PREROUTING -i eth0 -p tcp --dport 83 -j DNAT \
			--to-destination "$(to 8083)"
		setup in_ns "$gw" nft add rule $tbl admin prerouting tcp dport 84 dnat to "$(to 8084)"
		check_match "$ipt: same port: the admin's iptables rule wins" "^iptables-wins " \
			"$(request "$client" "$dst" 83)"
		check_match "$ipt: same port: the admin's nft rule wins" "^nft-wins " \
			"$(request "$client" "$dst" 84)"

		setup in_ns "$gw" nft delete table $tbl admin
		setup in_ns "$gw" "$ipt" -t nat -F PREROUTING
		check_match "$ipt: with the admin's NAT rules gone, the forward still works" "^pfmod " \
			"$(request "$client" "$dst" 80)"
		setup in_ns "$gw" "$ipt" -t nat -A PREROUTING -i eth0 -p tcp --dport 81 -j DNAT \
			--to-destination "$(to 8081)"
		check "pfctl flush" pfctl "$gw" flush
		check_match "$ipt: after pfctl flush the admin's rule still works" "^iptables " \
			"$(request "$client" "$dst" 81)"
		setup in_ns "$gw" "$ipt" -t nat -F PREROUTING
	done
done
# The whole ruleset flushed (iptables-nft's too) while pfmod has forwards.
check "pfctl add 80" pfctl "$gw" add 80 192.168.1.2:8080
setup in_ns "$gw" iptables -t nat -A PREROUTING -p tcp --dport 81 -j DNAT --to-destination 192.168.1.2:8081
setup in_ns "$gw" nft flush ruleset
check_match "after 'nft flush ruleset' the forward still works" "^pfmod " \
	"$(request "$client" 203.0.113.10 80)"
finish
