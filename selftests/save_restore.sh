#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pfctl save / restore: save -> flush -> restore round-trips exactly (and
# save's lines are the same from a module that refuses the terse dump); a bad
# line anywhere (found by pfctl or by the kernel, in any batch) leaves the
# table as it was and names the line; 100,000 lines restore; and new
# connections during a restore see the old table or the new, never a gap.
# timeout=600

source "$(dirname "$0")/lib.sh"

topo_gateway
ip -n "$gw" addr add 203.0.113.11/24 dev eth0
ip -n "$gw" addr add 2001:db8:ffff::11/64 dev eth0 nodad
serve "$server" -p 8080,8081,9000,9050 -n "web%p"
serve "$server" -u -p 5353 -n dns
tmp=$(mktemp -d)

pfctl "$gw" add 80 192.168.1.2:8080
pfctl "$gw" add udp 53 192.168.1.2:5353 from 203.0.113.0/24 from 198.51.100.0/24
pfctl "$gw" add 203.0.113.11:8000-8099 192.168.1.2:9000-9099 dev eth0 snat always
pfctl "$gw" add '[2001:db8:ffff::11]:443' '[2001:db8:1::2]:8081' snat never
pfctl "$gw" -6 add 2222 local:22
pfctl "$gw" add sctp 9999 192.168.1.2 snat 192.168.1.1
pfctl "$gw" save > "$tmp/saved"
check_match "save: one line per forward, in pfctl add's words" \
	"^tcp 203\.0\.113\.11:8000-8099 192\.168\.1\.2:9000-9099 dev eth0 snat always$" "$(cat "$tmp/saved")"
check_match "save: the family even where no address tells it" "^tcp \[::\]:2222 local:22$" "$(cat "$tmp/saved")"
check "flush" pfctl "$gw" flush
check "restore" pfctl "$gw" restore "$tmp/saved"
pfctl "$gw" save > "$tmp/again"
if cmp -s "$tmp/saved" "$tmp/again"; then
	echo "ok: save -> flush -> restore -> save is the same"
else
	fail "round trip differs: $(diff "$tmp/saved" "$tmp/again")"
fi
# A module older than the terse dump that save asks for refuses it (as
# oldflags.so makes this one do): save takes the whole dump then.
out=$(OLDFLAGS_LOG="$tmp/oldflags" LD_PRELOAD="$PFMOD_TOP/selftests/tools/oldflags.so" \
	pfctl "$gw" save 2>&1)
check_match "a module that refuses the terse dump refused it once" "^1$" \
	"$(grep -c '^terse refused$' "$tmp/oldflags" 2> /dev/null)"
if [ "$out" = "$(cat "$tmp/again")" ]; then
	echo "ok: ... and save wrote the same lines from the whole dump"
else
	fail "save from the whole dump differs: $(diff <(echo "$out") "$tmp/again")"
fi
out=$(request "$client" 203.0.113.11 8050)
check_match "a restored forward works" "^web9050 " "$out"
check "restore from stdin" eval "pfctl '$gw' restore - < '$tmp/saved'"
check "restore with comments and blank lines" eval "(echo '# hello'; echo; sed 's/\$/  # comment/' '$tmp/saved') | pfctl '$gw' restore"
check_match "... same forwards" "^$(wc -l < "$tmp/saved")$" "$(pfctl "$gw" save | wc -l)"

before=$(pfctl "$gw" -j show)
# Bad lines: found by pfctl before anything is sent ...
{ head -n 3 "$tmp/saved"; echo "tcp 8080 192.168.1.300"; tail -n +4 "$tmp/saved"; } > "$tmp/bad1"
out=$(pfctl "$gw" restore "$tmp/bad1" 2>&1)
check_match "a bad line is named (pfctl)" "^pfctl: $tmp/bad1:4: bad target '192\.168\.1\.300'.*; the forwards are unchanged$" "$out"
# ... by the kernel, in a later batch, after earlier ones were staged ...
for p in $(seq 10000 12999); do echo "tcp 203.0.113.10:$p 192.168.1.2:9000"; done > "$tmp/bad2"
echo "tcp 203.0.113.10:13000 127.0.0.1:9000" >> "$tmp/bad2"
for p in $(seq 13001 14000); do echo "tcp 203.0.113.10:$p 192.168.1.2:9000"; done >> "$tmp/bad2"
out=$(pfctl "$gw" restore "$tmp/bad2" 2>&1)
check_match "a bad line is named (kernel, batch 2+)" "^pfctl: $tmp/bad2:3001: cannot restore: target is a loopback address.*; the forwards are unchanged$" "$out"
# ... by pfctl again, but after earlier batches went to the kernel (the
# staged table goes with pfctl's socket) ...
{ head -n 3000 "$tmp/bad2"; echo "tcp 13000 nowhere"; tail -n 1000 "$tmp/bad2"; } > "$tmp/bad4"
out=$(pfctl "$gw" restore "$tmp/bad4" 2>&1)
check_match "a bad line after staged batches is named (pfctl)" "^pfctl: $tmp/bad4:3001: target address missing in 'nowhere'" "$out"
# ... and two lines that overlap.
{ cat "$tmp/saved"; echo "tcp 8000-8100 192.168.1.2"; echo "tcp 8100 192.168.1.3"; } > "$tmp/bad3"
out=$(pfctl "$gw" restore "$tmp/bad3" 2>&1)
check_match "overlapping lines are both named" "^pfctl: $tmp/bad3:9: cannot restore: it overlaps line 8 \(tcp 8000-8100 192\.168\.1\.2:8000-8100\)" "$out"
# ... and a line given twice, exactly.
{ cat "$tmp/saved"; sed -n 2p "$tmp/saved"; } > "$tmp/dup"
out=$(pfctl "$gw" restore "$tmp/dup" 2>&1)
check_match "a line given twice is named, with the first" \
	"^pfctl: $tmp/dup:$(($(wc -l < "$tmp/saved") + 1)): cannot restore: it overlaps line 2 " "$out"
after=$(pfctl "$gw" -j show)
[ "$before" = "$after" ] && echo "ok: after the bad files the table is unchanged" ||
	fail "the table changed: $before -> $after"
check "an empty file empties the table" eval "pfctl '$gw' restore < /dev/null"
check_match "... empty" '^\[\]$' "$(pfctl "$gw" -j show)"

# A namespace's first restore: ids from 1, each found by its id.
new_ns fresh
printf 'tcp 1001 192.168.1.2:9000\ntcp 1002 192.168.1.2:9000\ntcp 1003 192.168.1.2:9000\n' > "$tmp/three"
check "restore into a namespace that never had a forward" pfctl "$fresh" restore "$tmp/three"
check "... its first forward is id 1" pfctl "$fresh" del id 1
check "... its second id 2" pfctl "$fresh" del id 2
check_match "... the third is left" "^tcp 1003 192\.168\.1\.2:9000$" "$(pfctl "$fresh" save | tail -n +2)"

# The longest line save writes (over the 1,024 bytes save once gave a line).
long="sctp [2001:db8:ffff:ffff:ffff:ffff:ffff:fff0]:65534-65535 [2001:db8:ffff:ffff:ffff:ffff:ffff:fff1]:65534-65535 dev abcdefghijklmno"
for i in $(seq 10 25); do long+=" from 2001:db8:ffff:ffff:ffff:ffff:ffff:ff$i/128"; done
long+=" snat 2001:db8:ffff:ffff:ffff:ffff:ffff:fff2 timeout 3650d keep maxconn 4294967295 maxconn-per-source 4294967295 rate 1000000/h burst 1000000"
check "add the longest forward" pfctl "$gw" add $long
pfctl "$gw" save > "$tmp/long"
check_match "save writes its line whole" "^sctp .{1000,} rate 1000000/h burst 1000000$" "$(tail -n 1 "$tmp/long")"
check "... it restores" pfctl "$gw" restore "$tmp/long"
# (the time it expires can move by the second the restore took)
a=$(sed -n 2p "$tmp/long" | sed 's/ expires [^ ]*//')
b=$(pfctl "$gw" save | sed -n 2p | sed 's/ expires [^ ]*//')
[ -n "$a" ] && [ "$a" = "$b" ] && echo "ok: ... saved again, the same line" ||
	fail "the longest line came back as: $b"
check "flush" pfctl "$gw" flush

# 100,000 forwards: two addresses, 50,000 ports each.
echo 200000 > /sys/module/pfmod/parameters/max_forwards
awk 'BEGIN { for (a = 10; a <= 11; a++) for (p = 10000; p < 60000; p++)
	printf "tcp 203.0.113.%d:%d 192.168.1.2:%d\n", a, p, (p == 40000 ? 8081 : 9000) }' > "$tmp/big"
check "restore 100,000 lines" pfctl "$gw" restore "$tmp/big"
pfctl "$gw" save > "$tmp/big.saved"
check_match "... 100,000 forwards" "^100001$" "$(wc -l < "$tmp/big.saved")"
# Save reads the dump's parts ahead in a second thread: every line, in order.
if tail -n +2 "$tmp/big.saved" | cmp -s - "$tmp/big"; then
	echo "ok: ... saved as the file that was restored, line for line"
else
	fail "the save of 100,000 differs from the file restored: $(tail -n +2 "$tmp/big.saved" |
		diff - "$tmp/big" | head -n 5)"
fi
out=$(request "$client" 203.0.113.11 40000)
check_match "... and one of them works" "^web8081 " "$out"

# A save while the table changes: the whole table (the dump is begun again
# when a change interrupted it), or an error and not a line of it.
# The churn stops at a file, between its rounds: killed, it would leave an
# add of its own running, which could come after the del below.
(
	while [ ! -e "$tmp/stop" ]; do
		pfctl "$gw" add 7 192.168.1.2 2> /dev/null
		pfctl "$gw" del 7 2> /dev/null
	done
) &
churn=$!
_pids+=($churn)
for i in 1 2 3; do
	pfctl "$gw" save > "$tmp/churn" 2> "$tmp/churn.err"
	rc=$?
	n=$(wc -l < "$tmp/churn")
	if [ $rc = 0 ]; then
		check_match "save $i while forwards come and go: the whole table" "^10000[12]$" "$n"
	else
		check_match "save $i while forwards come and go: refused ..." \
			"changed while being read" "$(cat "$tmp/churn.err")"
		check_match "... and wrote nothing" "^0$" "$n"
	fi
done
touch "$tmp/stop"
wait "$churn"
pfctl "$gw" del 7 2> /dev/null
check_match "the table after the changes" "^100001$" "$(pfctl "$gw" save | wc -l)"

# Atomic: four clients connecting all along see the old forward or the new
# one, never none.
check "flush" pfctl "$gw" flush
check "add 80 to 8080" pfctl "$gw" add 80 192.168.1.2:8080
head -n 50000 "$tmp/big" > "$tmp/swap"
echo "tcp 80 192.168.1.2:8081" >> "$tmp/swap"
floods=()
for i in 1 2 3 4; do
	setup ip -n "$client" addr add "203.0.113.3$i/24" dev eth0
	ip netns exec "$client" "$PFTEST" flood -w 5000 -P 2 -n 100000 -b "203.0.113.3$i" \
		-T "$tmp/timeline$i" 203.0.113.10 80 > "$tmp/flood$i" 2>&1 &
	floods+=($!)
	_pids+=($!)
done
sleep 2
check "restore while connections come" pfctl "$gw" restore "$tmp/swap" keep
sleep 2
for i in 1 2 3 4; do
	kill -INT "${floods[$((i - 1))]}" 2>/dev/null
	wait "${floods[$((i - 1))]}"
	rc=$?
	out=$(cat "$tmp/flood$i")
	[ $rc = 0 ] || fail "client $i: the flood tool failed (exit $rc): $out"
	check_match "client $i: no connection failed during the restore" "^[1-9][0-9]* ok 0 failed" "$out"
done
: > "$tmp/nowindows"
check_flood "all four clients" "$(cat "$tmp"/timeline? > "$tmp/all"; echo "$tmp/all")" \
	"$tmp/nowindows" 0 100
out=$(request "$client" 203.0.113.10 80)
check_match "the new table is in" "^web8081 " "$out"
rm -rf "$tmp"
finish
