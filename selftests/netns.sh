#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Forwards belong to a network namespace: two namespaces with different
# forwards never see or change each other's, and a namespace that goes away
# with forwards in it takes them along.

source "$(dirname "$0")/lib.sh"

topo_gateway
new_ns other doomed
serve "$server" -p 8080 -n web

check "gw: add 80" pfctl "$gw" add 80 192.168.1.2:8080
check "other: add 80 to another target" pfctl "$other" add 80 192.168.1.99:9999
check "other: add udp 53" pfctl "$other" add udp 53 192.168.1.99

out=$(pfctl "$gw" show)
check_no_match "gw does not see other's forwards" "192\.168\.1\.99" "$out"
out=$(pfctl "$other" show)
check_no_match "other does not see gw's forwards" "192\.168\.1\.2:" "$out"
out=$(request "$client" 203.0.113.10 80)
check_match "gw forwards to its own target" "^web " "$out"

check "other: flush" pfctl "$other" flush
out=$(pfctl "$gw" show)
check_match "other's flush left gw's forward" "192\.168\.1\.2:8080" "$out"
check "gw: still forwarding" request "$client" 203.0.113.10 80
check "other: the same port again, no clash with gw" pfctl "$other" add 80 192.168.1.2:8080
check "gw: del" pfctl "$gw" del 80
out=$(pfctl "$other" show)
check_match "gw's del left other's forward" "192\.168\.1\.2:8080" "$out"

check "doomed: add" pfctl "$doomed" add 80 192.168.1.2:8080
ip netns del "$doomed"
check "gw: add after a namespace with forwards went away" pfctl "$gw" add 80 192.168.1.2:8080
check "gw: forwarding" request "$client" 203.0.113.10 80
finish
