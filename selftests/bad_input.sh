#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every bad request gets a clear message and a non-zero exit status (2 for
# bad input, 1 when the kernel refuses a well-formed one, 4 at the limit),
# and leaves the table as it was.

source "$(dirname "$0")/lib.sh"

new_ns gw
ip -n "$gw" addr add 203.0.113.10/24 dev lo
check "add 80" pfctl "$gw" add 80 192.168.1.2:8080
check "add 8000-8099" pfctl "$gw" add 8000-8099 192.168.1.2:9000-9099
check "add 80 to IPv6" pfctl "$gw" add 80 '[2001:db8::2]:8080'
for i in $(seq 1 7); do
	check "add 22 from 10.0.$i.0/24" pfctl "$gw" add 22 192.168.1.5 from "10.0.$i.0/24"
done
before=$(pfctl "$gw" -j show)

n=0
# bad EXIT REGEX ARGS...: pfctl ARGS must exit EXIT and print REGEX on stderr;
# bad_exact EXIT TEXT ARGS...: and TEXT must be all that is on stderr.
bad() { bad_run grep "$@"; }
bad_exact() { bad_run exact "$@"; }
bad_run() {
	local how=$1 want=$2 expect=$3 out rc

	shift 3
	n=$((n + 1))
	out=$(ip netns exec "$gw" "$PFCTL" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ $rc -ne "$want" ]; then
		fail "pfctl $*: exit status $rc, not $want ($out)"
	elif [ "$how" = grep ] && ! grep -qE -- "$expect" <<< "$out"; then
		fail "pfctl $*: expected /$expect/ in: $out"
	elif [ "$how" = exact ] && [ "$out" != "$expect" ]; then
		fail "pfctl $*: stderr: $out (wanted: $expect)"
	else
		echo "ok: pfctl $* -> $rc: $out"
	fi
}

bad 2 "bad listen port '0': ports are 1-65535" add 0 192.168.1.2
bad 2 "bad listen port '65536': ports are 1-65535" add 65536 192.168.1.2
bad 2 "bad listen port range '80-79': it ends before it starts" add 80-79 192.168.1.2
bad 2 "bad target '192\.168\.1\.300': not an IPv4 or IPv6 address" add 81 192.168.1.300:8080
bad 2 "target missing" add 81
bad 2 "target address missing in '8080'" add 81 8080
bad 2 "unknown protocol 'icmp'" add icmp 81 192.168.1.2
bad 2 "unknown keyword 'bogus'" add 81 192.168.1.2 bogus
bad 2 "bad interface name 'averyveryverylongname': 1 to 15 characters" add 81 192.168.1.2 dev averyveryverylongname
bad 2 "'dev' needs an interface name" add 81 192.168.1.2 dev
bad 2 "target ports 9000-9004 are 5, listen ports 8100-8109 are 10" add 8100-8109 192.168.1.2:9000-9004
bad 2 "a forward is one address family" add '[2001:db8::10]:81' 192.168.1.2
bad 2 "bad target port '0'" add 81 192.168.1.2:0
bad 2 "bad source prefix '10\.0\.0\.1/8': bits set past /8 \(did you mean 10\.0\.0\.0/8\?\)" add 81 192.168.1.2 from 10.0.0.1/8
bad 2 "bad source prefix '10\.0\.0\.0/33': the length must be 0-32" add 81 192.168.1.2 from 10.0.0.0/33
bad 2 "'local' needs the port" add 81 local
bad 2 "would change nothing" add 81 local:81
bad 2 "options go before the command" add -6 81 local:8080
bad 2 "target is a loopback address" add 81 127.0.0.1:8080
bad 2 "target must be a unicast address" add 81 224.0.0.1:8080
bad 2 "listen address must be a unicast, non-loopback address" add 224.0.0.1:81 192.168.1.2
bad 2 "listen address must be a unicast, non-loopback address" add 127.0.0.1:81 192.168.1.2
bad 2 "snat address must be a unicast, non-loopback address" add 81 192.168.1.2 snat 127.0.0.1
bad 2 "bad snat 'sometimes'" add 81 192.168.1.2 snat sometimes
bad 2 "keeps the client's address: no snat always" add 81 local:8080 snat always
from=
for i in $(seq 1 17); do from+=" from 10.0.$i.0/24"; done
# shellcheck disable=SC2086
bad 2 "too many 'from' \(at most 16\)" add 81 192.168.1.2 $from
bad 2 "source prefix '10\.0\.0\.0/8' given twice" add 81 192.168.1.2 from 10.0.0.0/8 from 10.0.0.0/8
bad 2 "bad timeout '0': at least 1s" add 81 192.168.1.2 timeout 0
bad 2 "bad timeout '10y': the units are s, m, h and d" add 81 192.168.1.2 timeout 10y
bad 2 "bad timeout '-5m'" add 81 192.168.1.2 timeout -5m
bad 2 "'timeout' needs a value" add 81 192.168.1.2 timeout
bad 2 "bad timeout '50000d': at most 49710d" add 81 192.168.1.2 timeout 50000d
bad 2 "'timeout' or 'expires' given twice" add 81 192.168.1.2 timeout 1m timeout 2m
bad 2 "it expired at 2020-01-01T00:00:00Z" add 81 192.168.1.2 expires 2020-01-01T00:00:00Z
bad 2 "bad expires 'tomorrow': a UTC time like" add 81 192.168.1.2 expires tomorrow
bad 2 "'keep' on add says what happens at expiry: it needs a timeout" add 81 192.168.1.2 keep
bad 2 "bad maxconn '-1': a whole number from 1 to 4294967295" add 81 192.168.1.2 maxconn -1
bad 2 "bad maxconn '0'" add 81 192.168.1.2 maxconn 0
bad 2 "bad maxconn-per-source 'many'" add 81 192.168.1.2 maxconn-per-source many
bad 2 "bad rate '0/s'" add 81 192.168.1.2 rate 0/s
bad 2 "bad rate '10': new connections per s, m or h" add 81 192.168.1.2 rate 10
bad 2 "bad rate '10/d': the period is s, m or h" add 81 192.168.1.2 rate 10/d
bad 2 "bad rate '2000000/s': a whole number from 1 to 1000000" add 81 192.168.1.2 rate 2000000/s
bad 2 "'burst' needs a 'rate'" add 81 192.168.1.2 burst 10
bad 2 "bad burst '0'" add 81 192.168.1.2 rate 10/s burst 0
bad 2 "unknown keyword 'timeout'" del 80 timeout 5m
bad 1 "overlap an existing forward of the same kind: tcp 80 192\.168\.1\.2:8080 \(id 1\)" add 80 192.168.1.3
bad 1 "overlap an existing forward of the same kind: tcp 8000-8099 192\.168\.1\.2:9000-9099 \(id 2\)" add 8099-8100 192.168.1.3
bad 1 "overlap an existing forward of the same kind: tcp 22 192\.168\.1\.5:22 from 10\.0\.1\.0/24 \(id 4\)" \
	add 22 192.168.1.6 from 10.0.2.0/24 from 10.0.1.0/24
# A delete that names no forward names those on its ports, of either family,
# with their ids; no others.
none="pfctl: cannot delete forward: no such forward"
bad_exact 1 "$none" del 81
bad_exact 1 "$none" del udp 80
bad_exact 1 "$none
pfctl: on tcp port 80: tcp 80 192.168.1.2:8080 (pfctl del id 1)
pfctl: on tcp port 80: tcp 80 [2001:db8::2]:8080 (pfctl del id 3)" del 80 from 10.0.0.0/8
bad_exact 1 "$none
pfctl: on tcp ports 8000-8098: tcp 8000-8099 192.168.1.2:9000-9099 (pfctl del id 2)" del 8000-8098
bad_exact 1 "$none
pfctl: on tcp port 8099: tcp 8000-8099 192.168.1.2:9000-9099 (pfctl del id 2)" del 8099
bad_exact 1 "$none
pfctl: on tcp ports 7000-8000: tcp 8000-8099 192.168.1.2:9000-9099 (pfctl del id 2)" del 7000-8000
near22=$none
for i in $(seq 1 5); do
	near22+=$'\n'"pfctl: on tcp port 22: tcp 22 192.168.1.5:22 from 10.0.$i.0/24 (pfctl del id $((i + 3)))"
done
bad_exact 1 "$near22"$'\n'"pfctl: and 2 more on tcp port 22 (pfctl show)" del 22
bad_exact 1 "$none" del id 99
bad 2 "bad id '0'" del id 0
bad 2 "bad id 'x'" del id x
bad 2 "usage: pfctl add" add
bad 2 "usage: pfctl del" del
bad 2 "takes no arguments" show extra
bad 2 "unknown command 'bogus'" bogus
bad 2 "unknown option '--bogus'" --bogus show
bad 2 "cannot flush: unknown keyword 'now'" flush now
bad 2 "usage: pfctl which" which
bad 2 "which: bad destination '80': expected ADDR:PORT" which 80 from 198.51.100.7
bad 2 "which: 'from CLIENT' missing" which 203.0.113.10:80
bad 2 "which: bad port '0' \(1-65535\)" which 203.0.113.10:0 from 198.51.100.7
bad 2 "which: bad destination address '203\.0\.113\.300'" which 203.0.113.300:80 from 198.51.100.7
bad 2 "which: the client address '2001:db8::7' is not of the same family" which 203.0.113.10:80 from 2001:db8::7
bad 2 "which: 'dev' needs a value" which 203.0.113.10:80 from 198.51.100.7 dev
bad 2 "which: unknown keyword 'to'" which 203.0.113.10:80 from 198.51.100.7 to 1.2.3.4
bad 2 "which: line 2 of standard input" which - <<< $'203.0.113.10:80 from 198.51.100.7\n80'
# A batch line is never cut: words past what a query takes and lines past
# 511 characters are refused, not dropped or split into two queries.
q='203.0.113.10:80 from 198.51.100.7'
bad 2 "which: line 1 of standard input has more than 7 words" which - <<< "$q$(printf ' scan%.0s' {1..12}) bogus"
bad 2 "which: line 2 of standard input is longer than 511 characters" \
	which - <<< "$q"$'\n'"$q$(printf '%600s' '')$q"

# The limit: max_forwards for the namespace, clearly reported.
saved=$(cat /sys/module/pfmod/parameters/max_forwards)
echo 2 > /sys/module/pfmod/parameters/max_forwards
bad 4 "as many forwards as allowed \(module parameter max_forwards\)" add 81 192.168.1.2
echo "$saved" > /sys/module/pfmod/parameters/max_forwards

[ $n -ge 20 ] && echo "ok: $n bad inputs" || fail "only $n bad inputs"
after=$(pfctl "$gw" -j show)
[ "$before" = "$after" ] && echo "ok: the table is unchanged" ||
	fail "the table changed: before $before after $after"
finish
