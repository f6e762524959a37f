#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pfctl monitor: a listener sees exactly the changes made, in order, as
# text in add's words and as JSON lines (1,000 mixed adds, dels, flushes and
# restores, refused ones among them, which announce nothing); a listener
# without CAP_NET_ADMIN is refused and one in another namespace hears
# nothing of this one; a listener that falls behind says so and prints the
# whole table, and goes on when the table changed during every try of that
# (saying so); SIGINT and SIGTERM end it cleanly, and so does the module
# going, which it reports.
# timeout=900

source "$(dirname "$0")/lib.sh"

new_ns gw other
sysctls "$gw" net.ipv4.ip_forward=1
sysctls "$other" net.ipv4.ip_forward=1
tmp=$(mktemp -d)
_cleanup_monitor() { rm -rf "$tmp"; }
trap '_cleanup_monitor; _cleanup' EXIT

# monitor NAME NS PFCTL_ARGS...: pfctl monitor in the background, its output
# appended to $tmp/NAME (ready empties it), its pid in mon_NAME.
monitor() {
	local name=$1 ns=$2

	shift 2
	ip netns exec "$ns" "$PFCTL" "$@" >> "$tmp/$name" 2> "$tmp/$name.err" &
	printf -v "mon_$name" '%s' $!
	_pids+=($!)
}

# ready NS FILE...: the monitors writing FILE... hear NS's changes (a
# listener only hears what happens after it joined): a probe forward is
# added and deleted until each FILE shows both, and the files are emptied.
ready() {
	local ns=$1 f i ok

	shift
	for ((i = 0; i < 100; i++)); do
		ip netns exec "$ns" "$PFCTL" add 1 192.168.1.9:1 >/dev/null || return 1
		ip netns exec "$ns" "$PFCTL" del 1 >/dev/null || return 1
		sleep 0.2
		ok=1
		for f in "$@"; do
			grep -q '^- tcp 1 192.168.1.9:1$\|"port_min":1,' "$f" || ok=0
		done
		if [ $ok = 1 ]; then
			for f in "$@"; do
				: > "$f"
			done
			return 0
		fi
	done
	return 1
}

# behind NAME BYTES FIRST: a text monitor NAME and a -j one NAMEjson, with
# receive buffers of BYTES, heard ready, then stopped while 300 adds (ports
# FIRST on) overflow their buffers; the caller lets them go on (-CONT).
behind() {
	local name=$1 text=mon_$1 json=mon_$1json

	monitor "$name" "$gw" monitor buffer "$2"
	monitor "${name}json" "$gw" -j monitor buffer "$2"
	ready "$gw" "$tmp/$name" "$tmp/${name}json" ||
		{ fail "the $name monitors never heard a change"; exit 1; }
	kill -STOP "${!text}" "${!json}"
	check "300 adds while the monitors sleep" ip netns exec "$gw" bash -c \
		"for p in \$(seq $3 $(($3 + 299))); do '$PFCTL' add \$p 192.168.1.2:8080 || exit 1; done"
}

# wait_line SECONDS PID FILE PATTERN: until FILE has a line matching
# PATTERN (grep's), or the monitor PID that writes it has ended (given up,
# say); succeeds only if the line came.
wait_line() {
	local pid=$2 file=$3 pattern=$4

	wait_for "$1" eval 'grep -q -- "$pattern" "$file" || ! kill -0 "$pid" 2>/dev/null'
	grep -q -- "$pattern" "$file"
}

# resync_whole FILE JSONFILE: the text monitor's "= " lines after its resync
# marker are as many as the marker says, and the JSON monitor's resync line
# has ended (jq reads it whole).
resync_whole() {
	local n

	n=$(sed -n 's/^resync: \([0-9]*\) forwards\{0,1\}.*$/\1/p' "$1" | tail -n 1)
	[ -n "$n" ] && [ "$(grep -c '^= ' "$1")" -ge "$n" ] &&
		jq -e 'select(.event == "resync")' "$2" > /dev/null 2>&1
}

# The first pfctl call loads the module if it is not.
setup ip netns exec "$gw" "$PFCTL" flush
monitor text "$gw" monitor
monitor json "$gw" -j monitor
monitor elsewhere "$other" monitor
if ! ready "$gw" "$tmp/text" "$tmp/json"; then
	fail "the monitors never heard a change: $(cat "$tmp"/*.err)"
	exit 1
fi
# The other namespace's listener: ready on its own namespace's changes.
ready "$other" "$tmp/elsewhere" || { fail "the other namespace's monitor heard nothing"; exit 1; }

# --- privileges: nobody may listen; nothing reaches the output -------------
# A listener let in would wait for changes until the test's time runs out:
# it has 10 seconds.
out=$(ip netns exec "$gw" timeout "$(bound 10)" setpriv --reuid=nobody --regid=nogroup \
	--clear-groups "$PFCTL" monitor 2>&1 > "$tmp/nobody")
rc=$?
check_match "a listener without CAP_NET_ADMIN is refused, and told why (status $rc)" \
	"cannot listen to pfmod's changes: Operation not permitted \(pfctl monitor needs CAP_NET_ADMIN\)" "$out"
[ $rc -ne 0 ] || fail "monitor as nobody exited 0"
[ ! -s "$tmp/nobody" ] || fail "monitor as nobody printed: $(cat "$tmp/nobody")"

# --- 1,000 mixed changes, each recorded as the monitors should show it ----
# The script runs in the gateway's namespace (one exec a change); every
# change that succeeds is written to exp.text (in add's words) and, from
# the command's own -j answer, to exp.json. About one in eight is refused
# (a port in use, a forward that is not there, a bad restore file): those
# must announce nothing.
cat > "$tmp/changes.sh" <<'EOF'
set -u
cd "$1"
RANDOM=7
declare -A live	# key words -> whole words
: > exp.text
: > exp.json
refused=0
words_of() {	# w: a random forward, "tcp 1234 192.168.1.3:11234" (save's words)
	local proto=tcp port=$((1000 + RANDOM % 150))

	[ $((RANDOM % 3)) = 0 ] && proto=udp
	w="$proto $port 192.168.1.$((2 + RANDOM % 5)):$((port + 10000))"
}
for ((i = 0; i < 1000; i++)); do
	r=$((RANDOM % 100))
	if [ $r -lt 55 ]; then
		words_of
		# shellcheck disable=SC2086
		if out=$("$PFCTL" -j add $w 2>/dev/null); then
			echo "+ $w" >> exp.text
			echo "{\"event\":\"add\",\"forward\":$out}" >> exp.json
			live["${w% *}"]=$w
		else
			[ -n "${live["${w% *}"]:-}" ] || { echo "add $w refused: $out"; exit 1; }
			refused=$((refused + 1))
		fi
	elif [ $r -lt 85 ] && [ ${#live[@]} -gt 0 ]; then
		keys=("${!live[@]}")
		k=${keys[RANDOM % ${#keys[@]}]}
		keep=
		[ $((RANDOM % 4)) = 0 ] && keep=keep
		# shellcheck disable=SC2086
		out=$("$PFCTL" -j del $k $keep) || { echo "del $k failed"; exit 1; }
		echo "- ${live[$k]}${keep:+ keep}" >> exp.text
		echo "{\"event\":\"del\",\"keep\":$([ -n "$keep" ] && echo true || echo false),\"expired\":false,\"forward\":$out}" >> exp.json
		unset "live[$k]"
	elif [ $r -lt 90 ]; then
		# Not there: refused.
		if "$PFCTL" del udp 4000 2>/dev/null; then echo "del of nothing succeeded"; exit 1; fi
		refused=$((refused + 1))
	elif [ $r -lt 94 ]; then
		keep=
		[ $((RANDOM % 2)) = 0 ] && keep=keep
		# shellcheck disable=SC2086
		"$PFCTL" -j flush $keep > /dev/null || { echo "flush failed"; exit 1; }
		echo "flush${keep:+ keep}" >> exp.text
		echo "{\"event\":\"flush\",\"forwards\":${#live[@]},\"keep\":$([ -n "$keep" ] && echo true || echo false)}" >> exp.json
		live=()
	elif [ $r -lt 97 ]; then
		n=$((RANDOM % 4))
		declare -A new=()
		for ((j = 0; j < n; j++)); do
			words_of
			new["${w% *}"]=$w
		done
		printf '%s\n' "${new[@]}" | grep . > restore.conf
		n=${#new[@]}
		"$PFCTL" restore --optional restore.conf > /dev/null || { echo "restore failed"; exit 1; }
		echo "restore $n forward$([ "$n" = 1 ] || echo s)" >> exp.text
		echo "{\"event\":\"restore\",\"forwards\":$n,\"keep\":false}" >> exp.json
		live=()
		for k in "${!new[@]}"; do live[$k]=${new[$k]}; done
		unset new
	else
		# A bad file: refused, the table stays.
		printf 'tcp 5000 192.168.1.2\ntcp 5001 nowhere\n' > bad.conf
		if "$PFCTL" restore bad.conf 2>/dev/null; then echo "a bad restore succeeded"; exit 1; fi
		refused=$((refused + 1))
	fi
done
echo "$refused" > refused
EOF
t0=$(now)
if ! out=$(ip netns exec "$gw" env PFCTL="$PFCTL" bash "$tmp/changes.sh" "$tmp" 2>&1); then
	fail "the changes did not go as planned: $out"
	exit 1
fi
log "1,000 changes in $(echo "$t0 $(now)" | awk '{printf "%.1f", $2 - $1}')s," \
	"$(cat "$tmp/refused") of them refused, $(wc -l < "$tmp/exp.text") announced"
n=$(wc -l < "$tmp/exp.text")
wait_for 60 eval '[ "$(wc -l < "$tmp/text")" -ge "$n" ] && [ "$(wc -l < "$tmp/json")" -ge "$n" ]'
sleep 1
if cmp -s "$tmp/exp.text" "$tmp/text"; then
	echo "ok: the text monitor showed the $n changes, in order, in add's words"
else
	fail "the text monitor differs from the changes made:
$(diff "$tmp/exp.text" "$tmp/text" | head -n 20)"
fi
if cmp -s "$tmp/exp.json" "$tmp/json"; then
	echo "ok: the JSON monitor showed the $n changes, in order, as the commands' own answers"
else
	fail "the JSON monitor differs from the changes made:
$(diff "$tmp/exp.json" "$tmp/json" | head -n 20)"
fi
check "the JSON monitor's $n lines are JSON" jq . "$tmp/json"
[ ! -s "$tmp/elsewhere" ] || fail "a monitor in another namespace heard: $(head -n 5 "$tmp/elsewhere")"
check "a change in the other namespace" ip netns exec "$other" "$PFCTL" add 7 192.168.1.2:7
wait_for 10 grep -q . "$tmp/elsewhere"
sleep 0.5
check_match "... is heard there, alone" "^\+ tcp 7 192\.168\.1\.2:7$" "$(cat "$tmp/elsewhere")"
[ "$(wc -l < "$tmp/elsewhere")" = 1 ] || fail "the other namespace's monitor heard: $(cat "$tmp/elsewhere")"
[ "$(wc -l < "$tmp/text")" = "$n" ] || fail "... and this one's heard it too: $(tail -n 2 "$tmp/text")"

# --- SIGINT and SIGTERM: a clean end ---------------------------------------
kill -INT "$mon_text"
wait "$mon_text"
rc=$?
[ $rc = 0 ] && echo "ok: SIGINT ends monitor with status 0" || fail "monitor ended with status $rc on SIGINT: $(cat "$tmp/text.err")"
kill -TERM "$mon_json"
wait "$mon_json"
rc=$?
[ $rc = 0 ] && echo "ok: SIGTERM ends monitor with status 0" || fail "monitor ended with status $rc on SIGTERM: $(cat "$tmp/json.err")"
kill "$mon_elsewhere"

# --- a listener that falls behind: the resync marker and the whole table ---
setup ip netns exec "$gw" "$PFCTL" flush
behind slow 4096 2000
kill -CONT "$mon_slow" "$mon_slowjson"
wait_line 30 "$mon_slow" "$tmp/slow" "^resync: "
wait_line 30 "$mon_slowjson" "$tmp/slowjson" '"event":"resync"'
wait_for 30 resync_whole "$tmp/slow" "$tmp/slowjson"
check_match "a monitor that fell behind says so" "^resync: 300 forwards$" "$(cat "$tmp/slow")"
table=$(ip netns exec "$gw" "$PFCTL" save | grep -v "^#")
resynced=$(sed -n 's/^= //p' "$tmp/slow")
if [ "$resynced" = "$table" ]; then
	echo "ok: ... and prints the whole table after the marker"
else
	fail "the table after the resync marker differs from pfctl save: $(diff <(echo "$table") <(echo "$resynced") | head)"
fi
lost=$(grep -c '^+ ' "$tmp/slow")
[ "$lost" -lt 300 ] || fail "the slow monitor lost nothing ($lost adds shown): the test did not make it fall behind"
check_match "-j: the resync is a JSON event with the table" \
	'^\{"event":"resync","changing":false,"forwards":\[\{"id":' "$(cat "$tmp/slowjson")"
check "-j: every line JSON, the resync's too" jq . "$tmp/slowjson"
resynced=$(jq -c 'select(.event == "resync") | .forwards' "$tmp/slowjson" 2>&1 | tail -n 1)
[ "$resynced" = "$(pfctl "$gw" -j show | jq -c .)" ] && echo "ok: -j: the resync's forwards are pfctl -j show's" ||
	fail "-j: the resync's forwards differ from pfctl -j show's: $(head -c 600 <<< "$resynced")"
kill "$mon_slow" "$mon_slowjson"

# --- falling behind while the table keeps changing: the resync's last try
# is read whole, the marker says so, and the monitor goes on -------------
# 100,000 forwards: a dump long enough that changes from three loops land
# in every one of its tries.
setup ip netns exec "$gw" "$PFCTL" flush
max=$(cat /sys/module/pfmod/parameters/max_forwards)
setup sh -c 'echo 110000 > /sys/module/pfmod/parameters/max_forwards'
setup ip netns exec "$gw" bash -c "{ seq 10000 59999 | sed 's/.*/tcp 10.0.0.1:& 192.168.1.2:8080/';
	seq 10000 59999 | sed 's/.*/tcp 10.0.0.2:& 192.168.1.2:8080/'; } | '$PFCTL' restore"
behind busy 65536 3000
# Forwards added and deleted over and over while they catch up.
churn=()
for p in 9 10 11; do
	ip netns exec "$gw" bash -c \
		"while :; do '$PFCTL' add $p 192.168.1.3:9 && '$PFCTL' del $p || exit 1; done" > /dev/null &
	churn+=($!)
	_pids+=($!)
done
kill -CONT "$mon_busy" "$mon_busyjson"
# Whether the lines came is checked below, once the changes are over.
wait_line 120 "$mon_busy" "$tmp/busy" "^resync: .*, read while the table changed$"
wait_line 120 "$mon_busyjson" "$tmp/busyjson" '"event":"resync","changing":true'
kill -0 "${churn[@]}" 2>/dev/null || fail "the changes stopped before the resyncs were read (pfctl add or del failed)"
kill "${churn[@]}"
wait "${churn[@]}"
check_match "a monitor whose resync the table changed during says so" \
	"^resync: 10030[0-3] forwards, read while the table changed$" "$(cat "$tmp/busy")"
check_match "-j: its resync event says \"changing\":true" \
	'^\{"event":"resync","changing":true,"forwards":\[\{"id":' "$(cat "$tmp/busyjson")"
check "one more add, the changes over" ip netns exec "$gw" "$PFCTL" add 4000 192.168.1.2:8080
wait_line 60 "$mon_busy" "$tmp/busy" "^+ tcp 4000 192.168.1.2:8080$" &&
	echo "ok: ... and prints the changes after it" ||
	fail "the monitor did not print the add after its resync: $(tail -n 3 "$tmp/busy") $(cat "$tmp/busy.err")"
wait_line 60 "$mon_busyjson" "$tmp/busyjson" '"event":"add".*"port_min":4000,' &&
	echo "ok: -j: ... and prints the changes after it" ||
	fail "-j: the monitor did not print the add after its resync: $(tail -c 300 "$tmp/busyjson") $(cat "$tmp/busyjson.err")"
check "the monitor goes on after it" kill -0 "$mon_busy"
check "-j: the monitor goes on after it" kill -0 "$mon_busyjson"
# The last resync's lines and the changes after them: the table as it is.
state=$(awk '/^resync: / { delete s; on = 1; next } !on { next }
	/^[=+] / { s[substr($0, 3)] = 1; next } /^- / { delete s[substr($0, 3)] }
	END { for (k in s) print k }' "$tmp/busy" | sort)
table=$(ip netns exec "$gw" "$PFCTL" save | grep -v "^#" | sort)
[ "$state" = "$table" ] && echo "ok: the last resync and the changes after it come to the table as it is" ||
	fail "the last resync and the changes after it differ from pfctl save: $(diff <(echo "$table") <(echo "$state") | head)"
check "-j: every line JSON" jq . "$tmp/busyjson"
kill "$mon_busy" "$mon_busyjson"
setup ip netns exec "$gw" "$PFCTL" flush
setup sh -c "echo $max > /sys/module/pfmod/parameters/max_forwards"

# --- the module going: the monitor says so and ends ----------------------
setup ip netns exec "$gw" "$PFCTL" flush
monitor gone "$gw" monitor
ready "$gw" "$tmp/gone" || { fail "the last monitor never heard a change"; exit 1; }
setup rmmod pfmod
wait_for 10 eval '! kill -0 "$mon_gone" 2>/dev/null'
wait "$mon_gone"
rc=$?
check_match "a monitor says when the module goes (status $rc)" "^the pfmod module is gone$" "$(cat "$tmp/gone")"
[ $rc = 0 ] || fail "... and ends with status $rc: $(cat "$tmp/gone.err")"
setup insmod "$PFMOD_KO" ${PFMOD_KO_ARGS:-}
exit "$ret"
