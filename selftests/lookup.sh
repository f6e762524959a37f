#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Which forward wins: the table's index (pfctl which) gives the answer that
# going through every forward with the README's rules gives (pfctl which
# ... scan), on random tables of listen addresses, port ranges, `from`
# prefixes and `dev`s, IPv4 and IPv6, before and after half of the forwards
# go; and hand-made cases give the answers the README says.
# timeout=600

source "$(dirname "$0")/lib.sh"

new_ns gw
setup sysctls "$gw" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
tmp=$(mktemp -d)
queries=${PFMOD_LOOKUP_QUERIES:-250}

# The answer to one query: the forward's id, or "none".
# answers FILE: one answer a line for each query line of FILE.
answers() {
	pfctl "$gw" which - < "$1" || fail "which - < $1 failed"
}

# random_table FAMILY N: add lines; those that overlap a forward of the same
# kind are refused (that refusal is all a failed add may say).
random_table() {
	local fam=$1 n=$2 i line out rc

	awk -v fam="$fam" -v n="$n" -v seed="$RANDOM" 'BEGIN {
		srand(seed)
		n_ok = 0
		for (i = 0; i < n; i++) {
			proto = rand() < 0.7 ? "tcp" : "udp"
			lo = 1 + int(rand() * 64)
			hi = rand() < 0.5 ? lo : lo + int(rand() * 24)
			ports = lo == hi ? lo : lo "-" hi
			r = rand()
			if (fam == 4)
				listen = r < 0.3 ? "203.0.113.10:" : r < 0.45 ? "203.0.113.11:" : ""
			else
				listen = r < 0.3 ? "[2001:db8::10]:" : r < 0.45 ? "[2001:db8::11]:" : ""
			line = proto " " listen ports " " (fam == 4 ? "192.168.1." : "[2001:db8:1::") (2 + i % 200) (fam == 4 ? "" : "]")
			dev = rand() < 0.25 ? "eth" int(rand() * 2) : ""
			if (dev != "")
				line = line " dev " dev
			from = " "
			nf = rand() < 0.5 ? 0 : 1 + int(rand() * 2)
			for (j = 0; j < nf; j++) {
				if (fam == 4) {
					# 10.0-3.0-3.0-15, masked to 8 to 32 bits
					len = 8 + int(rand() * 25)
					a = 10 * 2^24 + int(rand() * 4) * 2^16 + int(rand() * 4) * 2^8 + int(rand() * 16)
					a -= a % 2^(32 - len)
					p = sprintf("%d.%d.%d.%d/%d", int(a / 2^24), int(a / 2^16) % 256, int(a / 2^8) % 256, a % 256, len)
				} else {
					# fd00:0-3:0-3:0-3::0-3 at /16, /32, /48, /64 or /128
					k = int(rand() * 5)
					x = int(rand() * 4); y = int(rand() * 4); w = int(rand() * 4)
					if (k == 0)
						p = "fd00::/16"
					else if (k == 1)
						p = sprintf("fd00:%d::/32", x)
					else if (k == 2)
						p = sprintf("fd00:%d:%d::/48", x, y)
					else if (k == 3)
						p = sprintf("fd00:%d:%d:%d::/64", x, y, w)
					else
						p = sprintf("fd00:%d:%d:%d::%d/128", x, y, w, int(rand() * 4))
				}
				if (index(from, " " p " "))
					continue
				line = line " from " p
				from = from p " "
			}
			# Of the same kind as one before (protocol, listen address,
			# dev, and no from or a from prefix in common) with a port in
			# common: add would refuse it, and so would restore.
			kind = proto " " listen " " dev
			clash = 0
			for (k = 0; k < n_ok && !clash; k++) {
				if (okind[k] != kind || lo > ohi[k] || hi < olo[k])
					continue
				if (from == " " || ofrom[k] == " ") {
					clash = from == ofrom[k]
				} else {
					m = split(substr(from, 2), fs, " ")
					for (q = 1; q <= m && !clash; q++)
						clash = index(ofrom[k], " " fs[q] " ") > 0
				}
			}
			if (clash)
				continue
			okind[n_ok] = kind; olo[n_ok] = lo; ohi[n_ok] = hi; ofrom[n_ok] = from; n_ok++
			print line
		}
	}' > "$tmp/table"
	setup pfctl "$gw" restore "$tmp/table"
	echo "ok: IPv$fam: a table of $(wc -l < "$tmp/table") random forwards restored"
}

# random_queries FAMILY N
random_queries() {
	awk -v fam="$1" -v n="$2" -v seed="$RANDOM" 'BEGIN {
		srand(seed)
		for (i = 0; i < n; i++) {
			proto = rand() < 0.7 ? "tcp" : "udp"
			r = rand()
			if (fam == 4) {
				dst = r < 0.4 ? "203.0.113.10" : r < 0.7 ? "203.0.113.11" : "203.0.113.12"
				src = rand() < 0.8 ? "10." int(rand() * 4) "." int(rand() * 4) "." int(rand() * 16) : "198.51.100.7"
			} else {
				dst = r < 0.4 ? "[2001:db8::10]" : r < 0.7 ? "[2001:db8::11]" : "[2001:db8::12]"
				src = rand() < 0.8 ? sprintf("fd00:%d:%d:%d::%d", int(rand() * 4), int(rand() * 4), int(rand() * 4), int(rand() * 4)) : "2001:db8:ffff::7"
			}
			r = rand()
			dev = r < 0.4 ? "" : r < 0.7 ? " dev eth0" : " dev eth1"
			printf "%s %s:%d from %s%s\n", proto, dst, 1 + int(rand() * 90), src, dev
		}
	}'
}

# compare WHAT QUERIES: index and scan agree on every query, and the
# queries found forwards often enough to mean something.
compare() {
	local what=$1 q=$2 found bad

	answers "$q" > "$tmp/index"
	sed 's/$/ scan/' "$q" > "$tmp/q.scan"
	answers "$tmp/q.scan" > "$tmp/scan"
	[ "$(wc -l < "$tmp/index")" = "$(wc -l < "$q")" ] && [ "$(wc -l < "$tmp/scan")" = "$(wc -l < "$q")" ] ||
		fail "$what: not an answer for every query"
	bad=$(paste -d'|' "$q" "$tmp/index" "$tmp/scan" | awk -F'|' '$2 != $3' | head -n 5)
	found=$(grep -cv '^none$' "$tmp/scan")
	if [ -n "$bad" ]; then
		fail "$what: the index and the scan differ (query|index|scan): $bad"
	elif [ "$found" -lt $(($(wc -l < "$q") / 5)) ]; then
		fail "$what: only $found of $(wc -l < "$q") queries found a forward: the test says little"
	else
		echo "ok: $what: the index agrees with the scan on $(wc -l < "$q") queries ($found found a forward)"
	fi
}

for fam in 4 6; do
	random_table $fam 160
	random_queries $fam "$queries" > "$tmp/q$fam"
	compare "IPv$fam, random table" "$tmp/q$fam"
	# Half of the forwards go: what is left must be found as well.
	for id in $(pfctl "$gw" -j show | grep -o '"id":[0-9]*' | cut -d: -f2 | awk 'NR % 2'); do
		setup pfctl "$gw" del id "$id"
	done
	compare "IPv$fam, after half the forwards went" "$tmp/q$fam"
	setup pfctl "$gw" flush
done

# Hand-made: the README's order.
expect() {
	local what=$1 want=$2 got

	shift 2
	got=$(pfctl "$gw" -j which "$@" 2>&1)
	got=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' <<< "$got")
	[ "$got" = "$want" ] && echo "ok: $what" || fail "$what: which $* gave '${got:-none}', not forward $want"
}
# which must find nothing: exit status 1 and the answer that says so (an
# error has status 1 too).
expect_none() {
	local what=$1 out

	shift
	out=$(pfctl "$gw" which "$@" 2>&1)
	[ $? = 1 ] && [[ $out == "no forward applies to "* ]] && echo "ok: $what" ||
		fail "$what: which $* gave '$out'"
}
id_of() {
	pfctl "$gw" -j add "$@" | sed -n 's/^{"id":\([0-9]*\),.*/\1/p'
}
any=$(id_of 80 192.168.1.2)
addr=$(id_of 203.0.113.10:80 192.168.1.3)
wide=$(id_of 80 192.168.1.4 from 10.0.0.0/8)
narrow=$(id_of 80 192.168.1.5 from 10.1.0.0/16)
dev=$(id_of 70-90 192.168.1.6 dev eth0)
two=$(id_of 60 192.168.1.7 from 10.3.0.0/16 from 10.4.0.0/16)
[ -n "$any" ] && [ -n "$addr" ] && [ -n "$wide" ] && [ -n "$narrow" ] && [ -n "$dev" ] && [ -n "$two" ] ||
	{ fail "setup: the hand-made table: $any $addr $wide $narrow $dev $two"; finish; }
expect "a listen address wins over any, whatever the source" "$addr" 203.0.113.10:80 from 10.1.2.3 dev eth0
expect "without one: the longest from prefix" "$narrow" 203.0.113.11:80 from 10.1.2.3 dev eth0
expect "a shorter from prefix over none and over dev" "$wide" 203.0.113.11:80 from 10.2.2.3 dev eth0
expect "dev over nothing" "$dev" 203.0.113.11:80 from 198.51.100.7 dev eth0
expect "no dev, no from: the plain forward" "$any" 203.0.113.11:80 from 198.51.100.7 dev eth1
expect "the host's own connections: no dev" "$any" 203.0.113.11:80 from 198.51.100.7
expect "the range with dev, at its edge" "$dev" 203.0.113.11:90 from 198.51.100.7 dev eth0
# Wide ranges of one class: the first holds the class's whole node, the
# second is indexed by its port prefixes; a lookup that finds the first
# without the port goes on to the second, and the other way round.
second=$(id_of 100-120 192.168.1.8 dev eth0)
[ -n "$second" ] || { fail "setup: a second range of the class of $dev"; finish; }
expect "a second range of a class: found" "$second" 203.0.113.11:110 from 198.51.100.7 dev eth0
expect "and the first still" "$dev" 203.0.113.11:75 from 198.51.100.7 dev eth0
expect_none "between the two ranges: no forward" 203.0.113.11:95 from 198.51.100.7 dev eth0
setup pfctl "$gw" del id "$dev"
third=$(id_of 30-50 192.168.1.9 dev eth0)
[ -n "$third" ] || { fail "setup: a range of that class after the first went"; finish; }
expect "after the first went, a new range of the class" "$third" 203.0.113.11:40 from 198.51.100.7 dev eth0
expect "and the second still" "$second" 203.0.113.11:120 from 198.51.100.7 dev eth0
expect "and the first's ports now the plain forward's or none" "$any" 203.0.113.11:80 from 198.51.100.7 dev eth0
setup pfctl "$gw" del id "$second"
setup pfctl "$gw" del id "$third"
dev=$(id_of 70-90 192.168.1.6 dev eth0)
[ -n "$dev" ] || { fail "setup: the range with dev again"; finish; }
# One port, two source prefixes: a node for each, found from either.
expect "one port, from its first prefix" "$two" 203.0.113.11:60 from 10.3.1.1
expect "one port, from its second prefix" "$two" 203.0.113.11:60 from 10.4.1.1
# A wide range with two source prefixes: a whole node for each; a range
# of its second prefix's class after it: that class's whole node is taken.
wide2=$(id_of 200-220 192.168.1.10 from 10.5.0.0/16 from 10.6.0.0/16)
after2=$(id_of 230-240 192.168.1.11 from 10.6.0.0/16)
[ -n "$wide2" ] && [ -n "$after2" ] || { fail "setup: two ranges with source prefixes: $wide2 $after2"; finish; }
expect "a wide range, from its first prefix" "$wide2" 203.0.113.11:210 from 10.5.1.1
expect "a wide range, from its second prefix" "$wide2" 203.0.113.11:200 from 10.6.1.1
expect "a range of that second prefix's class after it" "$after2" 203.0.113.11:235 from 10.6.1.1
expect_none "not from the first prefix" 203.0.113.11:235 from 10.5.1.1
# The other way round: a range with two prefixes after one of its second
# prefix's class: that class's whole node is taken, so it has none.
alone=$(id_of 300-310 192.168.1.12 from 10.8.0.0/16)
two3=$(id_of 320-330 192.168.1.13 from 10.7.0.0/16 from 10.8.0.0/16)
[ -n "$alone" ] && [ -n "$two3" ] || { fail "setup: a range with two prefixes after one of the second's: $alone $two3"; finish; }
expect "a range with two prefixes, its second's class taken: from the first" "$two3" 203.0.113.11:325 from 10.7.1.1
expect "and from the second" "$two3" 203.0.113.11:320 from 10.8.1.1
expect "and the one before it" "$alone" 203.0.113.11:305 from 10.8.1.1
out=$(pfctl "$gw" which 203.0.113.11:91 from 198.51.100.7 dev eth0)
[ $? = 1 ] && grep -q '^no forward applies to tcp 203.0.113.11:91 from 198.51.100.7 on eth0$' <<< "$out" &&
	echo "ok: no forward: said, exit status 1" || fail "no forward: '$out'"
expect_none "the protocol counts: udp takes no tcp forward" udp 203.0.113.11:80 from 198.51.100.7
out=$(pfctl "$gw" which 203.0.113.11:80 from 198.51.100.7)
grep -qE "^$any +tcp +0\.0\.0\.0:80 +192\.168\.1\.2:80 " <<< "$out" && echo "ok: which prints the forward as show does" ||
	fail "which's output: $out (show: $(pfctl "$gw" show))"

rm -rf "$tmp"
finish
