#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pfctl doctor: every finding provoked on purpose is reported with its code
# (and exit 1 for a problem, 0 for a note alone); the clean gateway gets
# none and exit 0; doctor changes nothing: the rulesets, the sysctls and
# the loaded modules are byte-identical before and after each run; and on
# 100,000 forwards it asks for each route once and keeps only the forwards
# it checks.

# timeout=600
source "$(dirname "$0")/lib.sh"

topo_gateway
serve "$server" -p 8080 -n web
setup pfctl "$gw" add 80 192.168.1.2:8080
setup sysctls "$gw" net.netfilter.nf_conntrack_tcp_loose=0 net.netfilter.nf_conntrack_acct=1

# state: what doctor must not change.
state() {
	in_ns "$gw" sh -c 'nft list ruleset
		for t in iptables-legacy ip6tables-legacy; do
			$t-save 2>/dev/null | grep -v "^#" | sed "s/\[[0-9]*:[0-9]*\]//"
		done
		sysctl -a 2>/dev/null | grep "^net\." | grep -v "conntrack_count"'
	cut -d' ' -f1 /proc/modules | sort
}

# doctor [ARGS]: runs pfctl -j doctor in the gateway; sets $out, $rc and
# $codes (the codes found, sorted, space-separated); checks it changed
# nothing.
doctor() {
	local before after

	before=$(state)
	out=$(in_ns "$gw" "$PFCTL" -j doctor "$@" 2>&1)
	rc=$?
	after=$(state)
	codes=$(grep -o '"code":"[a-z0-9-]*"' <<< "$out" | cut -d'"' -f4 | sort -u | tr '\n' ' ')
	codes=${codes% }
	if [ "$before" != "$after" ]; then
		fail "doctor changed something: $(diff <(echo "$before") <(echo "$after") | head -n 20)"
	fi
}

# finds DESCRIPTION CODE STATUS [ARGS]: doctor reports CODE and exits STATUS.
finds() {
	local what=$1 code=$2 status=$3

	shift 3
	doctor "$@"
	if [[ " $codes " == *" $code "* ]] && [ "$rc" -eq "$status" ]; then
		echo "ok: $what: $code (exit $rc)"
	else
		fail "$what: expected $code and exit $status, got '$codes', exit $rc: $out"
	fi
}

# clean DESCRIPTION: doctor finds nothing and exits 0.
clean() {
	doctor
	if [ -z "$codes" ] && [ "$rc" -eq 0 ] && [ "$out" = "[]" ]; then
		echo "ok: $1: nothing found (exit 0)"
	else
		fail "$1: expected nothing, got '$codes', exit $rc: $out"
	fi
}

clean "the clean gateway"
out=$(in_ns "$gw" "$PFCTL" doctor)
check_match "in words: no problems found" "^no problems found \(1 forward checked\)$" "$out"

log "forwarding off"
setup sysctls "$gw" net.ipv4.ip_forward=0
finds "net.ipv4.ip_forward=0" ip-forward 1
check_match "... with the fix" '"fix":"sysctl -w net.ipv4.ip_forward=1"' "$out"
out=$(in_ns "$gw" "$PFCTL" doctor)
check_match "in words: one line, and the fix" \
	"^problem: ip-forward: net\.ipv4\.ip_forward is 0: .*
  fix: sysctl -w net\.ipv4\.ip_forward=1" "$out"
setup sysctls "$gw" net.ipv4.ip_forward=1
setup pfctl "$gw" add 443 '[2001:db8:1::2]:8443'
setup sysctls "$gw" net.ipv6.conf.all.forwarding=0
finds "net.ipv6.conf.all.forwarding=0" ipv6-forwarding 1
setup sysctls "$gw" net.ipv6.conf.all.forwarding=1
setup pfctl "$gw" -6 del 443

log "a FORWARD chain that drops"
setup in_ns "$gw" iptables-legacy -P FORWARD DROP
finds "iptables-legacy: policy DROP" forward-filter 1
check_match "... names it, with the fix" \
	'iptables-legacy FORWARD chain.*"fix":"iptables-legacy -I FORWARD -m conntrack --ctstate DNAT -j ACCEPT"' "$out"
check_fails "... and the connection is indeed dropped" request "$client" -w 1000 203.0.113.10 80
setup in_ns "$gw" iptables-legacy -A FORWARD -m conntrack --ctstate DNAT -j ACCEPT
clean "iptables-legacy: with an accept of ctstate DNAT"
setup in_ns "$gw" iptables-legacy -F FORWARD
setup in_ns "$gw" iptables-legacy -N fwd-in
setup in_ns "$gw" iptables-legacy -A fwd-in -m conntrack --ctstate DNAT -j ACCEPT
setup in_ns "$gw" iptables-legacy -A FORWARD -i eth0 -j fwd-in
clean "iptables-legacy: the accept in a chain FORWARD jumps to"
setup in_ns "$gw" iptables-legacy -F FORWARD
setup in_ns "$gw" iptables-legacy -P FORWARD ACCEPT
setup in_ns "$gw" iptables-legacy -A FORWARD -j REJECT
finds "iptables-legacy: a REJECT for all" forward-filter 1
setup in_ns "$gw" iptables-legacy -F FORWARD
setup in_ns "$gw" iptables-legacy -F fwd-in
setup in_ns "$gw" iptables-legacy -X fwd-in

setup in_ns "$gw" iptables-nft -P FORWARD DROP
finds "iptables-nft: policy DROP" forward-filter 1
check_match "... names it" 'iptables FORWARD chain \(iptables-nft\)' "$out"
setup in_ns "$gw" iptables-nft -I FORWARD -m conntrack --ctstate DNAT -j ACCEPT
clean "iptables-nft: with an accept of ctstate DNAT"
check_match "... and the connection passes" "^web 203\.0\.113\.20 " \
	"$(request "$client" 203.0.113.10 80)"
setup in_ns "$gw" iptables-nft -F FORWARD
setup in_ns "$gw" iptables-nft -P FORWARD ACCEPT
setup in_ns "$gw" nft delete table ip filter

setup in_ns "$gw" nft add table inet fw
setup in_ns "$gw" nft add chain inet fw fchain '{ type filter hook forward priority 0; policy drop; }'
finds "nft: policy drop" forward-filter 1
check_match "... names it, with the fix" \
	'nft chain inet fw fchain.*"fix":"nft insert rule inet fw fchain ct status dnat accept"' "$out"
setup in_ns "$gw" nft add rule inet fw fchain ct state established,related accept
finds "nft: an accept of established alone is not enough" forward-filter 1
setup in_ns "$gw" nft add rule inet fw fchain iifname eth0 ct status dnat accept
clean "nft: with ct status dnat accept"
setup in_ns "$gw" nft delete table inet fw
setup in_ns "$gw" nft add table ip fw
setup in_ns "$gw" nft add chain ip fw fchain '{ type filter hook forward priority 0; policy accept; }'
setup in_ns "$gw" nft add chain ip fw fall
setup in_ns "$gw" nft add rule ip fw fall ct state new accept
setup in_ns "$gw" nft add rule ip fw fchain jump fall
setup in_ns "$gw" nft add rule ip fw fchain counter reject
clean "nft: ct state new accepted in a chain jumped to, before a reject"
setup in_ns "$gw" nft flush chain ip fw fchain
setup in_ns "$gw" nft add rule ip fw fchain counter drop
finds "nft: a drop of everything" forward-filter 1
setup in_ns "$gw" nft delete table ip fw

log "a local socket on the forwarded port"
pid=$(in_ns "$gw" "$PFTEST" serve -d -p 80 -n local) || fail "setup: serve in the gateway"
_pids+=("$pid")
finds "a local listener on tcp 80" local-listener 1
check_match "... with how to find it" "ss -ltnp 'sport = :80'" "$out"
kill "$pid"
wait_for 5 eval '[ -z "$(in_ns "$gw" ss -Hltn "sport = :80")" ]'
clean "the listener gone"

log "the admin's NAT takes the port first"
setup in_ns "$gw" iptables-legacy -t nat -A PREROUTING -p udp --dport 80 -j DNAT --to-destination 192.168.1.3
clean "iptables-legacy: a DNAT of udp 80 does not take tcp 80"
setup in_ns "$gw" iptables-legacy -t nat -A PREROUTING -p tcp --dport 70:90 -j DNAT --to-destination 192.168.1.3
finds "iptables-legacy: a DNAT of tcp 70-90" nat-before 1
check_match "... which rule, and how to undo it" \
	'rule 2 of the iptables-legacy nat PREROUTING chain.*iptables-legacy -t nat -D PREROUTING 2' "$out"
setup in_ns "$gw" iptables-legacy -t nat -F PREROUTING
setup in_ns "$gw" nft add table ip adm
setup in_ns "$gw" nft add chain ip adm pre '{ type nat hook prerouting priority dstnat; }'
setup in_ns "$gw" nft add rule ip adm pre tcp dport 81 dnat to 192.168.1.3
clean "nft: a DNAT of another port"
setup in_ns "$gw" nft add rule ip adm pre tcp dport 80 redirect to :8080
finds "nft: a redirect of tcp 80" nat-before 1
setup in_ns "$gw" nft delete table ip adm
setup in_ns "$gw" nft add table ip late
setup in_ns "$gw" nft add chain ip late pre '{ type nat hook prerouting priority 100; }'
setup in_ns "$gw" nft add rule ip late pre tcp dport 80 dnat to 192.168.1.3
clean "nft: a DNAT that runs after pfmod"
setup in_ns "$gw" nft delete table ip late

log "routes"
setup pfctl "$gw" add 90 10.9.9.9
finds "a target with no route" target-unreachable 1 90
check_match "... about that forward only" '"words":"tcp 90 10\.9\.9\.9:90"' "$out"
check_no_match "... and not the others" '"words":"tcp 80 ' "$out"
setup pfctl "$gw" del 90
setup pfctl "$gw" add 91 192.168.1.2 dev eth1 snat never
finds "hairpin without snat" hairpin-no-snat 1 91
setup pfctl "$gw" del 91 dev eth1
setup pfctl "$gw" add 91 192.168.1.2 dev eth1
finds "hairpin with snat auto is a note" hairpin 0 91
setup pfctl "$gw" del 91 dev eth1
setup pfctl "$gw" add 92 192.168.1.2 dev eth0 from 198.51.100.0/24
setup ip -n "$gw" route add 198.51.100.0/24 via 192.168.1.2 dev eth1
clean "an asymmetric route, loose rp_filter"
setup sysctls "$gw" net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.eth0.rp_filter=1
finds "strict rp_filter on eth0, the route back through eth1" rp-filter 1 92
setup sysctls "$gw" net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0
setup ip -n "$gw" route del 198.51.100.0/24
setup pfctl "$gw" del 92 dev eth0 from 198.51.100.0/24

log "conntrack and the table"
setup sysctls "$gw" net.netfilter.nf_conntrack_acct=0 net.netfilter.nf_conntrack_tcp_loose=1
finds "conntrack accounting off is a note" conntrack-acct 0
check_match "... and tcp_loose is one too" "conntrack-tcp-loose" "$codes"
setup sysctls "$gw" net.netfilter.nf_conntrack_acct=1 net.netfilter.nf_conntrack_tcp_loose=0
saved=$(cat /sys/module/pfmod/parameters/max_forwards)
echo 1 > /sys/module/pfmod/parameters/max_forwards
finds "the table at max_forwards" max-forwards 1
echo "$saved" > /sys/module/pfmod/parameters/max_forwards
clean "all put back"

log "which forwards"
out=$(in_ns "$gw" "$PFCTL" doctor id 99 2>&1)
check_match "no such id: exit 1" "no forward with id 99" "$out"
check_fails "... not 0" in_ns "$gw" "$PFCTL" doctor id 99
out=$(in_ns "$gw" "$PFCTL" doctor bogus 2>&1)
rc=$?
check_match "a bad argument: exit 2 and why" "^2 .*bad forward 'bogus'" "$rc $out"

log "many forwards"
# 100,000 forwards: half to a target with no route; one in five of the others
# from one of 11 client addresses. doctor asks the FIB once per address (2
# targets, 11 clients) and still reports each forward's problem; and
# checking two of them keeps two, not the 100,000.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; _cleanup' EXIT
saved=$(cat /sys/module/pfmod/parameters/max_forwards)
echo 200000 > /sys/module/pfmod/parameters/max_forwards
awk 'BEGIN { for (i = 0; i < 100000; i++) {
	far = i % 2
	printf "tcp 203.0.113.%d:%d %s:8080%s\n", 1 + int(i / 50000), 10000 + i % 50000,
		far ? "10.9.9.9" : "192.168.1.2", far || i % 10 ? "" : " from 198.51.100." i % 11 "/32"
} }' > "$tmp/many"
check "restore 100,000 forwards" pfctl "$gw" restore "$tmp/many"
in_ns "$gw" strace -f -o "$tmp/trace" -e trace=sendto \
	/usr/bin/time -o "$tmp/all.rss" -f %M "$PFCTL" -j doctor > "$tmp/all.json"
check_match "doctor of 100,000: status 1 (problems found)" "^1$" "$?"
check_match "route questions: one per address (13)" "^13$" "$(grep -c RTM_GETROUTE "$tmp/trace")"
check_match "... each forward to the target with no route reported (50000)" "^50000 0$" \
	"$(jq '[.[] | select(.code == "target-unreachable") | .forward.words] |
		"\(length) \([.[] | select(test("192.168.1.2"))] | length)"' -r "$tmp/all.json")"
out=$(in_ns "$gw" /usr/bin/time -o "$tmp/two.rss" -f %M "$PFCTL" doctor 10076)
check_match "doctor PORT: the two forwards of the port" "^no problems found \(2 forwards checked\)$" "$out"
all=$(tail -n 1 "$tmp/all.rss") two=$(tail -n 1 "$tmp/two.rss")
[ "$((two * 4))" -lt "$all" ] &&
	echo "ok: ... in a quarter of the memory of all ($two KB, $all KB)" ||
	fail "doctor of 2 of 100,000 forwards took $two KB, all of them $all KB"
echo "$saved" > /sys/module/pfmod/parameters/max_forwards
finish
