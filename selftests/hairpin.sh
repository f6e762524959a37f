#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Source NAT where the ingress interface is not the obvious one: pfmod
# decides hairpin from where the route back to the client goes, in the
# routing domain of the interface the connection leaves by, and records the
# decision on the connection; `dev` forwards keep their SNAT.
#
#   VRF: the gateway's interfaces in VRF "blue"; LAN bridge br0 with the
#   server on eth1 and a LAN client (lan2) on eth2 (topo_bridge_lan).
#
#   br_netfilter: bridge-nf-call-iptables=1; br0's single port eth1 leads
#   to one LAN namespace holding both the server (192.168.1.2) and a LAN
#   client (192.168.1.3). The kernel bridges a connection DNATed back into
#   the bridge it came from, out of the port it came in on: that port needs
#   hairpin mode, as it would for an iptables DNAT rule.

source "$(dirname "$0")/lib.sh"

setup modprobe -a vrf br_netfilter

log "VRF"
topo_gateway -vrf
topo_bridge_lan
setup ip -n "$gw" -b - <<-EOF
	link add blue type vrf table 10
	link set blue up
	link set eth0 master blue
	link set br0 master blue
	EOF
links_up "$gw"
serve "$server" -p 8080 -n web
check "add 80 (snat auto)" pfctl "$gw" add 80 192.168.1.2:8080
check_match "a client outside keeps its address" "^web 203\.0\.113\.20 " \
	"$(request "$client" 203.0.113.10 80)"
check_match "a LAN client (hairpin) is masqueraded" "^web 192\.168\.1\.1 " \
	"$(request "$lan2" 203.0.113.10 80)"
check_match "conntrack: the hairpinned connection translated both ways" \
	"src=192\.168\.1\.3 dst=203\.0\.113\.10 .* src=192\.168\.1\.2 dst=192\.168\.1\.1 " \
	"$(conntrack_of "$gw" -p tcp --src 192.168.1.3)"
check "add 81 dev eth0 snat always" pfctl "$gw" add 81 192.168.1.2:8080 dev eth0 snat always
check_match "dev eth0 inside the VRF: forwarded, and source-NATed" "^web 192\.168\.1\.1 " \
	"$(request "$client" 203.0.113.10 81)"
check_fails "dev eth0: not from the LAN" request "$lan2" -w 1000 203.0.113.10 81
check_match "counters: 3 translated, 2 source-NATed" \
	'"connections":2,"snat_connections":1\}.*"connections":1,"snat_connections":1\}' \
	"$(pfctl "$gw" -j show)"

log "a bridge with bridge-nf-call-iptables, one port to both ends"
new_ns client2 gw2 lan
client=${NS_TAG}client2 gw=${NS_TAG}gw2
link "$client" eth0 "$gw" eth0
link "$gw" eth1 "$lan" eth0
topo_client "$client"
setup ip -n "$gw" -b - <<-EOF
	link set eth0 up
	link set eth1 up
	link add br0 type bridge
	link set eth1 master br0
	link set eth1 type bridge_slave hairpin on
	link set br0 up
	addr add 203.0.113.10/24 dev eth0
	addr add 192.168.1.1/24 dev br0
	EOF
topo_server "$lan"
setup ip -n "$lan" addr add 192.168.1.3/24 dev eth0
links_up "$client" "$gw" "$lan"
setup sysctls "$gw" net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
serve "$lan" -a 192.168.1.2 -p 8080 -n web
check "add 80 (snat auto)" pfctl "$gw" add 80 192.168.1.2:8080
check_match "a client outside keeps its address" "^web 203\.0\.113\.20 " \
	"$(request "$client" 203.0.113.10 80)"
check_match "the LAN client, bridged back out of its port, is source-NATed" \
	"^web 192\.168\.1\.1 " "$(request "$lan" -b 192.168.1.3 203.0.113.10 80)"
check "del 80; add 80 snat never" eval "pfctl $gw del 80 && pfctl $gw add 80 192.168.1.2:8080 snat never"
check_fails "snat never: the hairpin fails (the server answers the client directly)" \
	request "$lan" -b 192.168.1.3 -w 1000 203.0.113.10 80
check "flush; add 80 dev br0 snat always" \
	eval "pfctl $gw flush && pfctl $gw add 80 192.168.1.2:8080 dev br0 snat always"
check_match "dev br0 across the bridge: forwarded and source-NATed" "^web 192\.168\.1\.1 " \
	"$(request "$lan" -b 192.168.1.3 203.0.113.10 80)"
check_fails "dev br0: not from outside" request "$client" -w 1000 203.0.113.10 80
finish
