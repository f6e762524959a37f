#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pfctl show's table. The columns of expiry and limits (and DROPPED with -s)
# are there when any forward has them, wherever it is in the table, and then
# every row has them, "-" where a forward has none. Each column is as wide as
# its widest field, so every row stands under the header, IPv6 too. Each
# forward once, in id order. With -j, a JSON array.

source "$(dirname "$0")/lib.sh"

new_ns gw
# Three plain forwards first, so that the columns come late in the dump.
for p in 81 82 83; do
	check "add $p" pfctl "$gw" add $p 192.168.1.2:8080
done
check "add 84 maxconn 5" pfctl "$gw" add 84 192.168.1.2:8080 maxconn 5
check "add 85 timeout 1h" pfctl "$gw" add 85 192.168.1.2:8080 timeout 1h
check "add 86" pfctl "$gw" add 86 192.168.1.2:8080

# Each row of the table: its id, how many words it has, and its words after
# the first eight (ID to CONNS), the limits' words last.
after_conns() {
	tail -n +2 <<< "$1" | awk '{
			line = $1 " " NF
			for (i = 9; i <= NF; i++)
				line = line " " $i
			print line
		}' | sed 's/ 59m[0-9]*s / 1h /'
}

out=$(pfctl "$gw" show)
check_match "show: an EXPIRES and a LIMITS column" "^ID .* CONNS +EXPIRES +LIMITS$" \
	"$(head -n 1 <<< "$out")"
# id, words, EXPIRES, LIMITS (the hour left shows as 1h or 59m59s).
want="1 10 - -
2 10 - -
3 10 - -
4 11 - maxconn 5
5 10 1h -
6 10 - -"
got=$(after_conns "$out")
[ "$got" = "$want" ] && echo "ok: show: every row has the columns, in id order" ||
	fail "show: the rows after CONNS: $got (wanted: $want; the table: $out)"

out=$(pfctl "$gw" -s show)
check_match "show -s: ACTIVE, PACKETS, BYTES, DROPPED" \
	"^ID .* CONNS +ACTIVE +PACKETS +BYTES +DROPPED +EXPIRES +LIMITS$" "$(head -n 1 <<< "$out")"
# id, words, ACTIVE, PACKETS, BYTES, DROPPED, EXPIRES, LIMITS (packets and
# bytes "-" where nf_conntrack_acct is off, the default).
want="1 14 0 - - - - -
2 14 0 - - - - -
3 14 0 - - - - -
4 15 0 - - 0 - maxconn 5
5 14 0 - - - 1h -
6 14 0 - - - - -"
got=$(after_conns "$out")
[ "$got" = "$want" ] && echo "ok: show -s: every row has the columns, in id order" ||
	fail "show -s: the rows after CONNS: $got (wanted: $want; the table: $out)"
check_lines_up "show -s" "$out"

# Limits alone make their column, and no EXPIRES column without expiry.
check "del 85" pfctl "$gw" del 85
out=$(pfctl "$gw" show)
check_match "show: a LIMITS column, no EXPIRES" "^ID .* CONNS +LIMITS$" "$(head -n 1 <<< "$out")"
want="1 9 -
2 9 -
3 9 -
4 10 maxconn 5
6 9 -"
got=$(after_conns "$out")
[ "$got" = "$want" ] && echo "ok: show: every row has the LIMITS column" ||
	fail "show: the rows after CONNS: $got (wanted: $want; the table: $out)"
check "del 84" pfctl "$gw" del 84
out=$(pfctl "$gw" show)
check_match "show: no EXPIRES or LIMITS column without such forwards" "^ID .* CONNS$" \
	"$(head -n 1 <<< "$out")"
check_match "show: the four rows left" "^4$" "$(tail -n +2 <<< "$out" | wc -l)"

# -j: one JSON array (the wrapper in lib.sh has jq read it), in id order.
check_match "show -j: the four forwards, in id order" "^1 2 3 6$" \
	"$(pfctl "$gw" -j show | jq -r 'map(.id) | join(" ")')"
check_match "show -j -s: each with its open connections" "^true$" \
	"$(pfctl "$gw" -j -s show | jq 'length == 4 and all(has("active"))')"
# An IPv6 forward's addresses are wider than IPv4's: the columns widen.
check "add an IPv6 forward" pfctl "$gw" add "[2001:db8:ffff::1]:87" "[fd00:ffff::2]:8080" \
	from 2001:db8::/32
out=$(pfctl "$gw" -s show)
check_match "show -s: the IPv6 forward's row" "^7 +tcp +\[2001:db8:ffff::1\]:87 +\[fd00:ffff::2\]:8080 " \
	"$out"
check_lines_up "show -s with IPv6" "$out"
check_lines_up "show with IPv6" "$(pfctl "$gw" show)"
check "flush" pfctl "$gw" flush
check_match "show -j: none is []" "^\[\]$" "$(pfctl "$gw" -j show)"
finish
