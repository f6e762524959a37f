#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Matching: dev (ingress interface), from (source prefixes, repeatable), and
# which forward wins when several could: a listen address, then the longest
# from prefix, then dev. IPv4, then the same for IPv6.

source "$(dirname "$0")/lib.sh"

topo_gateway
ip -n "$client" addr add 203.0.113.21/24 dev eth0
ip -n "$client" addr add 203.0.113.22/24 dev eth0
serve "$server" -p 8080,8081,8082,8083,8084 -n "b%p"

# dev
check "add 80 dev eth0" pfctl "$gw" add 80 192.168.1.2:8080 dev eth0
out=$(request "$client" 203.0.113.10 80)
check_match "dev eth0: a connection arriving on eth0 is forwarded" "^b8080 " "$out"
check_fails "dev eth0: a connection arriving on eth1 is not" request "$server" -w 1000 192.168.1.1 80
check_fails "dev eth0: the gateway's own connection arrives on no interface" \
	request "$gw" -w 1000 203.0.113.10 80
check_match "show: dev eth0" " eth0 " "$(pfctl "$gw" show)"
check "flush" pfctl "$gw" flush

# from
check "add 80 from 203.0.113.20" pfctl "$gw" add 80 192.168.1.2:8080 from 203.0.113.20
out=$(request "$client" -b 203.0.113.20 203.0.113.10 80)
check_match "from: an allowed source is forwarded" "^b8080 203\.0\.113\.20 " "$out"
check_fails "from: another is not" request "$client" -b 203.0.113.21 -w 1000 203.0.113.10 80
check "flush" pfctl "$gw" flush
check "add 80 from .20 from .21" pfctl "$gw" add 80 192.168.1.2:8080 from 203.0.113.20 from 203.0.113.21/32
out=$(request "$client" -b 203.0.113.21 203.0.113.10 80)
check_match "repeated from: the second prefix is allowed too" "^b8080 203\.0\.113\.21 " "$out"
check_fails "repeated from: others are not" request "$client" -b 203.0.113.22 -w 1000 203.0.113.10 80
check_match "show: both prefixes" "203\.0\.113\.20/32,203\.0\.113\.21/32" "$(pfctl "$gw" show)"
check "flush" pfctl "$gw" flush

# Most specific wins.
check "80 to b8080, for everyone" pfctl "$gw" add 80 192.168.1.2:8080
check "80 to b8081, from 203.0.113.0/24" pfctl "$gw" add 80 192.168.1.2:8081 from 203.0.113.0/24
check "80 to b8082, from 203.0.113.21" pfctl "$gw" add 80 192.168.1.2:8082 from 203.0.113.21
out=$(request "$client" -b 203.0.113.21 203.0.113.10 80)
check_match "the longest from prefix wins (/32)" "^b8082 " "$out"
out=$(request "$client" -b 203.0.113.20 203.0.113.10 80)
check_match "then the shorter one (/24)" "^b8081 " "$out"
out=$(request "$server" 192.168.1.1 80)
check_match "no from matches: the forward without from" "^b8080 " "$out"
check "80 to b8083, on listen address 203.0.113.10" pfctl "$gw" add 203.0.113.10:80 192.168.1.2:8083
out=$(request "$client" -b 203.0.113.21 203.0.113.10 80)
check_match "a listen address beats any from" "^b8083 " "$out"
out=$(request "$server" 192.168.1.1 80)
check_match "... but only for that address" "^b8080 " "$out"
check "flush" pfctl "$gw" flush

check "70-90 to b8080" pfctl "$gw" add 70-90 192.168.1.2:8080
check "80 to b8081, dev eth0" pfctl "$gw" add 80 192.168.1.2:8081 dev eth0
check "75-85 to b8082" pfctl "$gw" add 75-85 192.168.1.2:8082 from 0.0.0.0/0
out=$(request "$client" 203.0.113.10 80)
check_match "a from match (even /0) beats dev" "^b8082 " "$out"
check "del 75-85" pfctl "$gw" del 75-85 from 0.0.0.0/0
out=$(request "$client" 203.0.113.10 80)
check_match "dev beats a wider range" "^b8081 " "$out"
out=$(request "$server" 192.168.1.1 80)
check_match "not on eth0: the range" "^b8080 " "$out"
# Forwards that tie on all three are of the same kind, which cannot overlap:
# no connection is ever left to chance.
check "75-85 to b8084, dev eth1" pfctl "$gw" add 75-85 192.168.1.2:8084 dev eth1
check_fails "78-82 dev eth1 would tie with it: refused" pfctl "$gw" add 78-82 192.168.1.2:8083 dev eth1
out=$(request "$server" 192.168.1.1 80)
check_match "dev eth1 beats the range without dev" "^b8084 " "$out"
check "flush" pfctl "$gw" flush

log "IPv6"
setup ip -n "$client" addr add 2001:db8:ffff::21/64 dev eth0 nodad
setup ip -n "$client" addr add 2001:db8:ffff::22/64 dev eth0 nodad
setup ip -n "$gw" addr add 2001:db8:ffff::11/64 dev eth0 nodad
t6() { echo "[2001:db8:1::2]:$1"; }
check "add 80 dev eth0 (IPv6)" pfctl "$gw" add 80 "$(t6 8080)" dev eth0
check_match "dev eth0: a connection arriving on eth0 is forwarded" "^b8080 " \
	"$(request "$client" 2001:db8:ffff::10 80)"
check_fails "dev eth0: a connection arriving on eth1 is not" \
	request "$server" -w 1000 2001:db8:1::1 80
check "flush" pfctl "$gw" flush
check "add 80 from 2001:db8:ffff::20" pfctl "$gw" add 80 "$(t6 8080)" from 2001:db8:ffff::20
check_match "from: an allowed source is forwarded" "^b8080 2001:db8:ffff::20 " \
	"$(request "$client" -b 2001:db8:ffff::20 2001:db8:ffff::10 80)"
check_fails "from: another is not" request "$client" -b 2001:db8:ffff::21 -w 1000 2001:db8:ffff::10 80
check "flush" pfctl "$gw" flush
check "80 to b8080, for everyone" pfctl "$gw" -6 add 80 "$(t6 8080)"
check "80 to b8081, from 2001:db8:ffff::/64" pfctl "$gw" add 80 "$(t6 8081)" from 2001:db8:ffff::/64
check "80 to b8082, from 2001:db8:ffff::21/128" pfctl "$gw" add 80 "$(t6 8082)" from 2001:db8:ffff::21/128
check_match "the longest from prefix wins (/128)" "^b8082 " \
	"$(request "$client" -b 2001:db8:ffff::21 2001:db8:ffff::10 80)"
check_match "then the shorter one (/64)" "^b8081 " \
	"$(request "$client" -b 2001:db8:ffff::22 2001:db8:ffff::10 80)"
check_match "no from matches: the forward without from" "^b8080 " \
	"$(request "$server" 2001:db8:1::1 80)"
check "80 to b8083, on listen address 2001:db8:ffff::11" pfctl "$gw" add '[2001:db8:ffff::11]:80' "$(t6 8083)"
check_match "a listen address beats any from" "^b8083 " \
	"$(request "$client" -b 2001:db8:ffff::21 2001:db8:ffff::11 80)"
check_match "... but only for that address" "^b8082 " \
	"$(request "$client" -b 2001:db8:ffff::21 2001:db8:ffff::10 80)"
check "flush" pfctl "$gw" flush
check "70-90 to b8080 (IPv6)" pfctl "$gw" -6 add 70-90 "$(t6 8080)"
check "80 to b8081, dev eth0" pfctl "$gw" add 80 "$(t6 8081)" dev eth0
check_match "dev beats a wider range" "^b8081 " "$(request "$client" 2001:db8:ffff::10 80)"
check_match "not on eth0: the range" "^b8080 " "$(request "$server" 2001:db8:1::1 80)"
finish
