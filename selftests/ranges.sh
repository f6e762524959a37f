#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Port ranges: the same ports, an offset range, all to one port; checked at
# the first, a middle and the last port, and just outside, where the server
# listens on the port a wrong mapping would lead to (so that a forward that
# reached one port too far would be seen answering). The ends of the port
# space, 1 and 65535, with real traffic.

source "$(dirname "$0")/lib.sh"

topo_gateway
# 7999 and 8100 catch the same-ports range going one too far, 8999 and 9100
# the offset range; all-to-one's would reach 9500.
serve "$server" -p 7999,8000,8050,8099,8100,8999,9000,9050,9099,9100,9500 -n "port%p"

check "add 8000-8099 192.168.1.2 (same ports)" pfctl "$gw" add 8000-8099 192.168.1.2
for p in 8000 8050 8099; do
	out=$(request "$client" 203.0.113.10 $p)
	check_match "same ports: $p goes to $p" "^port$p " "$out"
done
check_fails "7999 is not in the range" request "$client" -w 1000 203.0.113.10 7999
check_fails "8100 is not in the range" request "$client" -w 1000 203.0.113.10 8100
check "del" pfctl "$gw" del 8000-8099

check "add 8000-8099 192.168.1.2:9000-9099 (offset)" pfctl "$gw" add 8000-8099 192.168.1.2:9000-9099
for p in 8000 8050 8099; do
	out=$(request "$client" 203.0.113.10 $p)
	check_match "offset: $p goes to $((p + 1000))" "^port$((p + 1000)) " "$out"
done
check_fails "offset: 7999 is not in the range (8999 listens)" request "$client" -w 1000 203.0.113.10 7999
check_fails "offset: 8100 is not in the range (9100 listens)" request "$client" -w 1000 203.0.113.10 8100
check "del" pfctl "$gw" del 8000-8099

check "add 8000-8099 192.168.1.2:9500 (all to one)" pfctl "$gw" add 8000-8099 192.168.1.2:9500
for p in 8000 8050 8099; do
	out=$(request "$client" 203.0.113.10 $p)
	check_match "all to one: $p goes to 9500" "^port9500 " "$out"
done
ct=$(conntrack_of "$gw" -p tcp --dport 8050)
check_match "conntrack: 8050 to 9500" "dport=8050 .*sport=9500" "$ct"
check_fails "all to one: 7999 is not in the range (9500 listens)" \
	request "$client" -w 1000 203.0.113.10 7999
check_fails "all to one: 8100 is not in the range" request "$client" -w 1000 203.0.113.10 8100

# Overlaps, also across prefix boundaries of the range's decomposition.
check_fails "8099-8100 overlaps" pfctl "$gw" add 8099-8100 192.168.1.3
check_fails "7000-9000 overlaps" pfctl "$gw" add 7000-9000 192.168.1.3
check_fails "8064 overlaps" pfctl "$gw" add 8064 192.168.1.3
check "8100-8200 does not" pfctl "$gw" add 8100-8200 192.168.1.2:9050
check "7999 does not" pfctl "$gw" add 7999 192.168.1.2:9000
# A forward with several source prefixes is of one kind per prefix (the
# port blocks differ: 8300-8301 is one block, 8301 another).
check "8300-8301 from 10.1.0.0/16 and 10.2.0.0/16" \
	pfctl "$gw" add 8300-8301 192.168.1.2:9000 from 10.1.0.0/16 from 10.2.0.0/16
check_fails "8301 from 10.0.0.0/16 and 10.2.0.0/16 shares a prefix with it" \
	pfctl "$gw" add 8301 192.168.1.2:9000 from 10.2.0.0/16 from 10.0.0.0/16
check "8301 from 10.3.0.0/16 shares none" pfctl "$gw" add 8301 192.168.1.2:9000 from 10.3.0.0/16
check "8301 from 10.2.0.0/24 neither (a longer prefix)" \
	pfctl "$gw" add 8301 192.168.1.2:9000 from 10.2.0.0/24
check "del them" eval "pfctl $gw del 8300-8301 from 10.1.0.0/16 from 10.2.0.0/16 &&
	pfctl $gw del 8301 from 10.3.0.0/16 && pfctl $gw del 8301 from 10.2.0.0/24"
out=$(request "$client" 203.0.113.10 8150)
check_match "the neighbouring range works" "^port9050 " "$out"
out=$(request "$client" 203.0.113.10 7999)
check_match "the neighbouring port works" "^port9000 " "$out"
check_fails "size mismatch is refused" pfctl "$gw" add 1000-1009 192.168.1.2:2000-2004
check "the whole port space, on another address" pfctl "$gw" add 203.0.113.10:1-65535 192.168.1.2:9099
out=$(request "$client" 203.0.113.10 12345)
check_match "a port of the whole-range forward" "^port9099 " "$out"
out=$(request "$client" 203.0.113.10 8050)
check_match "a listen-address forward comes before the others" "^port9099 " "$out"
check "flush" pfctl "$gw" flush

# add_in_order PORTS...: each added (to 192.168.1.2:9000) in that order.
add_in_order() {
	local p

	for p; do
		check "add $p, in this order" pfctl "$gw" add "$p" 192.168.1.2:9000
	done
}

# del_all PORTS...: each deleted by its ports (found in the order), and then
# none is left.
del_all() {
	local p

	for p; do
		check "del $p finds it" pfctl "$gw" del "$p"
	done
	check_no_match "none is left" "^[^#]" "$(pfctl "$gw" save)"
}

# A forward placed right after the last one placed (module/table.c: in the
# most recent finger's gap) skips the walk down the order: here after 8020,
# whose right child (8030) is taken; 8040 comes after the last one (8005)
# but past the one after it.
add_in_order 8010 8030 8020 8025 8005 8040
for p in 8005 8010 8020 8025 8030 8040; do
	check_fails "$p-$((p + 1)) overlaps $p" pfctl "$gw" add $p-$((p + 1)) 192.168.1.3
done
check "8041-8049 overlaps none" pfctl "$gw" add 8041-8049 192.168.1.3
del_all 8005 8010 8020 8025 8030 8040 8041-8049
# The most recent finger's gap is remembered until its second forward is
# deleted: then 8500-8550, placed after the last one, overlaps nothing.
# (Were it remembered past the deletion, the check would read freed memory:
# caught by what that memory holds, as below.)
check "add 8520-8600" pfctl "$gw" add 8520-8600 192.168.1.2:9000
check "add 8400 (placed before it, the last one placed)" pfctl "$gw" add 8400 192.168.1.2:9000
check "del 8520-8600 (the one after the last placed)" pfctl "$gw" del 8520-8600
check "8500-8550 overlaps none" pfctl "$gw" add 8500-8550 192.168.1.3
check_match "... both are in" "^2$" "$(pfctl "$gw" save | grep -cE '^tcp (8400|8500-8550) ')"
check "flush" pfctl "$gw" flush

# Two runs that take turns, each in the order: any address (A) comes before
# 203.0.113.10 (B). Each line goes into the gap after one of the last few
# placed (a finger), found without a walk. B 8200 goes into one that is not
# the most recent (after B 8100), and so does A 8300 (after A 8200); the
# gaps they split are then no finger's: B 8150-8250, in the first, must
# meet B 8200 (a walk, and no stale gap).
add_in_order 8100 203.0.113.10:8100 8200 203.0.113.10:8200 8300
check_fails "203.0.113.10:8150-8250 overlaps 203.0.113.10:8200" \
	pfctl "$gw" add 203.0.113.10:8150-8250 192.168.1.3
check_fails "8250-8300 overlaps 8300" pfctl "$gw" add 8250-8300 192.168.1.3
check "203.0.113.10:8300 (after B 8200)" pfctl "$gw" add 203.0.113.10:8300 192.168.1.2:9000
# A gap whose second forward is deleted is no longer a finger's (here not
# the most recent one): 8400-8500 then overlaps none, its gap after 8300
# going up to 203.0.113.10:8200. (A finger kept past the delete reads the
# freed forward: caught by what that memory holds, the forward, refusing
# 8400-8500, or other bytes, an oops.)
check "del 203.0.113.10:8100 (after 8300)" pfctl "$gw" del 203.0.113.10:8100
check "8400-8500 overlaps none" pfctl "$gw" add 8400-8500 192.168.1.3
del_all 8100 8200 8300 8400-8500 203.0.113.10:8200 203.0.113.10:8300
check "flush" pfctl "$gw" flush

# The ends of the port space.
serve "$server" -p 1,65533,65534,65535 -n "end%p"
check "add 1 192.168.1.2 (port 1)" pfctl "$gw" add 1 192.168.1.2
check_match "port 1 forwarded" "^end1 " "$(request "$client" 203.0.113.10 1)"
check "add 65534-65535 192.168.1.2" pfctl "$gw" add 65534-65535 192.168.1.2
check_match "port 65535 forwarded" "^end65535 " "$(request "$client" 203.0.113.10 65535)"
check_match "port 65534 forwarded" "^end65534 " "$(request "$client" 203.0.113.10 65534)"
check_fails "65533 is not in the range (it listens)" request "$client" -w 1000 203.0.113.10 65533
check "add 2-3 192.168.1.2:65534-65535 (offset to the top)" pfctl "$gw" add 2-3 192.168.1.2:65534-65535
check_match "3 goes to 65535" "^end65535 " "$(request "$client" 203.0.113.10 3)"
check_fails "a range past 65535 is refused" pfctl "$gw" add 4-5 192.168.1.2:65535-65536
finish
