# SPDX-License-Identifier: GPL-2.0
#
# Sourced by every selftest. Namespaces get unique names (pft-<pid>-<name>)
# and are removed, with the processes started in them, when the test exits.
#
# The gateway topology of the README (topo_gateway):
#
#   client                 gw                          server
#   eth0 203.0.113.20 ---- eth0 203.0.113.10
#        2001:db8:ffff::20      2001:db8:ffff::10
#                          eth1 192.168.1.1      ---- eth0 192.168.1.2
#                               2001:db8:1::1              2001:db8:1::2
#
# The client has no route to the LAN: it reaches the server only through a
# forward on the gateway. The server's default route is the gateway.

set -u
ksft_skip=4
ret=0
PFMOD_TOP=${PFMOD_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
PFCTL=${PFCTL:-$PFMOD_TOP/userspace-tool/pfctl}
PFTEST=${PFTEST:-$PFMOD_TOP/selftests/tools/pftest}
NS_TAG=pft-$$-
_nss=()
_pids=()
# Failed checks are also noted here, so that one in a subshell ($(...))
# fails the test too.
_failed=$(mktemp)

_cleanup() {
	local p ns

	for p in "${_pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for ns in "${_nss[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -f "$_failed"
}
trap _cleanup EXIT

# skip REASON: the test cannot run here. Once a check has failed it is too
# late for that: the test fails instead.
skip() {
	[ -s "$_failed" ] && ret=1
	if [ "$ret" -ne 0 ]; then
		echo "FAIL: asked to skip ($*) after failed checks"
		exit 1
	fi
	echo "SKIP: $*"
	exit $ksft_skip
}

# A failed check: the test goes on (to report every problem) and fails.
# To stderr, which the log has too: fail may run inside $(...).
fail() {
	echo "FAIL: $*" >&2
	echo 1 >> "$_failed"
	ret=1
}

# setup COMMAND...: a step the test needs; if it fails, so does the test,
# at once.
setup() {
	local out

	if ! out=$("$@" 2>&1); then
		fail "setup: '$*' failed: $out"
		exit 1
	fi
	[ -z "$out" ] || echo "$out"
}

log() {
	echo "-- $*"
}

# check DESCRIPTION COMMAND...: COMMAND must succeed.
check() {
	local what=$1 out

	shift
	if out=$("$@" 2>&1); then
		echo "ok: $what"
	else
		fail "$what: '$*' failed: $out"
	fi
}

# check_fails DESCRIPTION COMMAND...: COMMAND must fail.
check_fails() {
	local what=$1 out

	shift
	if out=$("$@" 2>&1); then
		fail "$what: '$*' succeeded: $out"
	else
		echo "ok: $what"
	fi
}

# check_match DESCRIPTION REGEX TEXT: TEXT must match the extended REGEX.
check_match() {
	if grep -qE -- "$2" <<< "$3"; then
		echo "ok: $1"
	else
		fail "$1: expected /$2/ in: $3"
	fi
}

check_no_match() {
	if grep -qE -- "$2" <<< "$3"; then
		fail "$1: unexpected /$2/ in: $3"
	else
		echo "ok: $1"
	fi
}

# add_ns NAME...: create the namespace $NS_TAG$NAME for each NAME, with lo up.
add_ns() {
	local _name _ns

	for _name in "$@"; do
		_ns=$NS_TAG$_name
		ip netns add "$_ns" || { echo "cannot create namespace $_ns"; exit 1; }
		_nss+=("$_ns")
		ip -n "$_ns" link set lo up || { echo "cannot bring lo up in $_ns"; exit 1; }
	done
}

# new_ns VAR...: add_ns VAR, and set VAR to the namespace's name.
new_ns() {
	local _var

	for _var in "$@"; do
		add_ns "$_var"
		printf -v "$_var" '%s' "$NS_TAG$_var" 2>/dev/null ||
			{ echo "new_ns: '$_var' is not a variable name"; exit 1; }
	done
}

# in_ns NS COMMAND...
in_ns() {
	local ns=$1

	shift
	ip netns exec "$ns" "$@"
}

# pfctl NS ARGS...: pfctl in NS. With -j, what it prints must be JSON (jq
# reads every value of it): a test that greps a field of the output would
# not see a brace left open.
pfctl() {
	local ns=$1 out rc

	shift
	case " $* " in
	*" -j "* | *" --json "*) ;;
	*)
		ip netns exec "$ns" "$PFCTL" "$@"
		return
		;;
	esac
	out=$(ip netns exec "$ns" "$PFCTL" "$@")
	rc=$?
	[ -z "$out" ] && return $rc
	printf '%s\n' "$out"
	jq . <<< "$out" > /dev/null 2>&1 ||
		fail "pfctl $*: what it printed is not JSON: $(head -c 600 <<< "$out")"
	return $rc
}

# check_lines_up WHAT TABLE: pfctl's table (show, conns) has rows, and each
# column under its header word: a count (CONNS, ACTIVE, PACKETS, BYTES,
# DROPPED) ends where its header word ends, any other begins where its
# header word begins; no line ends in a blank.
check_lines_up() {
	local bad

	bad=$(awk 'NR == 1 {
			for (i = 1; i <= NF; i++) {
				at[i] = i == 1 ? 1 : index($0, " " $i (i < NF ? " " : "")) + 1
				right[i] = $i ~ /^(CONNS|ACTIVE|PACKETS|BYTES|DROPPED)$/
				if (right[i])
					at[i] += length($i) - 1
			}
			n = NF
		}
		/ $/ { print "a blank at the end of line " NR }
		NR > 1 {
			for (i = 1; i <= n; i++) {
				here = substr($0, at[i], 1)
				if (right[i])
					good = here != " " && substr($0, at[i] + 1, 1) ~ /^ ?$/
				else
					good = here != " " && (i == 1 || substr($0, at[i] - 1, 1) == " ")
				if (!good)
					print "column " i " of row " NR - 1
			}
		}' <<< "$2") || bad="awk failed: $bad"
	[ "$(wc -l <<< "$2")" -ge 2 ] || bad+=" no rows"
	[ -z "$bad" ] && echo "ok: $1: every column under its header" ||
		fail "$1: not under the header: $bad (the table: $2)"
}

# sysctls NS NAME=VALUE...: several sysctls for one exec.
sysctls() {
	local ns=$1 kv cmds=

	shift
	for kv in "$@"; do
		cmds+="echo ${kv#*=} > /proc/sys/$(tr . / <<< "${kv%%=*}") && "
	done
	ip netns exec "$ns" sh -c "${cmds}true"
}

# serve NS [pftest serve options]: start a server in NS, in the background.
serve() {
	local ns=$1 pid

	shift
	pid=$(ip netns exec "$ns" "$PFTEST" serve -d "$@") || { echo "server failed: $pid"; exit 1; }
	_pids+=("$pid")
}

# request NS [pftest request options] ADDR PORT: prints the answer.
request() {
	local ns=$1

	shift
	ip netns exec "$ns" "$PFTEST" request "$@"
}

# bound SECS: a check's bound for something that happens "at once" (a
# reset seen, a flow stopped, a timer's lateness), times PFMOD_TIMEOUT_SCALE
# (which make check-debug sets for its slow kernel; 1 when unset).
bound() {
	awk -v s="$1" -v k="${PFMOD_TIMEOUT_SCALE:-1}" 'BEGIN { print s * k }'
}

# wait_for SECONDS COMMAND...: until COMMAND succeeds; fails after SECONDS
# (a fraction counts as the next whole second).
wait_for() {
	local whole=${1%%.*} deadline

	[ "$whole" = "$1" ] || whole=$((${whole:-0} + 1))
	deadline=$((SECONDS + whole))

	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.1
	done
}

# chat_open NAME NS [pftest chat options] ADDR PORT: a long-lived
# connection (pftest chat) whose lines are written with chat_line NAME.
declare -A _chat_fd _chat_dir _chat_pid
chat_open() {
	local name=$1 ns=$2 dir fd

	shift 2
	dir=$(mktemp -d)
	mkfifo "$dir/in"
	# Without the other chats' ends: closing one must end only that one.
	(
		for fd in "${_chat_fd[@]}"; do
			exec {fd}>&-
		done
		exec ip netns exec "$ns" "$PFTEST" chat "$@"
	) < "$dir/in" > "$dir/out" 2>&1 &
	_chat_pid[$name]=$!
	_pids+=($!)
	exec {fd}> "$dir/in"
	_chat_fd[$name]=$fd
	_chat_dir[$name]=$dir
	wait_for 10 grep -q . "$dir/out"
}

# chat_line NAME LINE: sends LINE, waits for the answer, prints it (or the
# error).
chat_line() {
	local name=$1 out=${_chat_dir[$1]}/out n

	n=$(wc -l < "$out")
	echo "$2" >&"${_chat_fd[$name]}"
	wait_for 10 eval '[ "$(wc -l < "$out")" -gt "$n" ]'
	tail -n 1 "$out"
}

chat_close() {
	local name=$1 fd=${_chat_fd[$1]}

	exec {fd}>&-
	wait "${_chat_pid[$name]}" 2>/dev/null
	rm -rf "${_chat_dir[$name]}"
}

# check_reset DESCRIPTION NAME: the connection NAME was reset: already
# when its next line is sent (send fails: the reset came before, however
# slowly the guest's shell got there), or in answer to that line within 2
# seconds (bound 2; not by a timeout).
check_reset() {
	local out t0 secs limit

	limit=$(bound 2)
	t0=$(now)
	out=$(chat_line "$2" "are you there")
	secs=$(echo "$t0 $(now)" | awk '{printf "%.2f", $2 - $1}')
	if grep -q "^pftest: send: Connection reset by peer" <<< "$out"; then
		echo "ok: $1 (reset before the next line was sent; seen in ${secs}s)"
	elif grep -q "reset by peer" <<< "$out" && awk -v s="$secs" -v l="$limit" 'BEGIN { exit !(s < l) }'; then
		echo "ok: $1 (reset, seen in ${secs}s)"
	else
		fail "$1: expected a reset within ${limit}s, got '$out' after ${secs}s"
	fi
}

# The one-connection forms: chat_start NS ADDR PORT, chat_say LINE,
# chat_stop.
chat_start() {
	chat_open default "$@"
}

chat_say() {
	chat_line default "$1"
}

chat_stop() {
	chat_close default
}

# conntrack_of NS [conntrack -L filters]: the matching entries. An error
# of conntrack fails the test (an empty answer is not "gone").
conntrack_of() {
	local ns=$1 err

	shift
	err=$(mktemp)
	if ! ip netns exec "$ns" conntrack -L "$@" 2> "$err"; then
		fail "conntrack -L $* in $ns: $(cat "$err")"
	fi
	rm -f "$err"
}

# ct_ids NS FILTERS...: the ids of the conntrack entries that match, one a
# line (conntrack -L's filters).
ct_ids() {
	local ns=$1

	shift
	conntrack_of "$ns" "$@" -o id | sed -n 's/.* id=\([0-9]*\).*/\1/p'
}

# conns_of NS [ID]: pfctl conns -j, one connection per line.
conns_of() {
	local ns=$1 out

	shift
	if ! out=$(ip netns exec "$ns" "$PFCTL" -j conns "$@" 2>&1); then
		fail "pfctl conns $* in $ns: $out"
		return
	fi
	sed 's/^\[//; s/\]$//; s/},{/}\n{/g' <<< "$out"
}

# entry_of CONNS CLIENT_PORT: the conntrack entry id of the connection from
# that source port in a conns_of listing (empty if none).
entry_of() {
	grep -E "\"client\":\"[^\"]*:$2\"" <<< "$1" | sed -n 's/.*"entry":\([0-9]*\).*/\1/p'
}

# leak_watch NS: counts, in NS (a client's namespace), every packet that
# arrives with a LAN source address (192.168.1.0/24, 2001:db8:1::/64): a
# server's private address leaking out of the gateway. leaked NS: how many.
leak_watch() {
	setup in_ns "$1" nft -f - <<-EOF
		table inet leak {
			chain in {
				type filter hook prerouting priority -300;
				ip saddr 192.168.1.0/24 counter
				ip6 saddr 2001:db8:1::/64 counter
			}
		}
	EOF
}

leaked() {
	in_ns "$1" nft list table inet leak | awk '/counter/ { n += $(NF - 2) } END { print n + 0 }'
}

# Wall clock seconds, as pftest prints them.
now() {
	date +%s.%N
}

# flood_ratio TIMELINE WINDOWS MARGIN [FAILED]: of the connections of a
# pftest flood timeline that neither started nor ended within MARGIN
# seconds of a window ("START END" lines), "OK TOTAL"; with FAILED, instead,
# how the failed ones of those went: a count per duration (immediately,
# under a second, under three, longer), the first times and the windows.
flood_ratio() {
	awk -v m="$3" -v failed="${4:-}" '
		FILENAME == ARGV[1] { nw++; ws[nw] = $1 - m; we[nw] = $2 + m; next }
		{ for (i = 1; i <= nw; i++) if ($2 >= ws[i] && $1 <= we[i]) next;
		  total++; ok += $3 }
		failed && !$3 {
			d = $2 - $1
			if (d < 0.001) k = "at once"
			else if (d < 1) k = "under 1 s"
			else if (d < 3) k = "under 3 s"
			else k = "3 s or more"
			b[k]++
			if (n++ < 10) times = times sprintf(" %.3f-%.3f", $1, $2)
		}
		END { if (!failed) { print ok + 0, total + 0; exit }
		      for (k in b) printf "%s: %d; ", k, b[k]
		      printf "the first:%s; windows (with the margin):", times
		      for (i = 1; i <= nw && i <= 30; i++) printf " %.3f-%.3f", ws[i], we[i]
		      print "" }' "$2" "$1"
}

# check_flood DESCRIPTION TIMELINE WINDOWS MARGIN PERCENT: at least PERCENT
# of the connections outside the windows succeeded, and there were some.
# MARGIN is a bound (times PFMOD_TIMEOUT_SCALE).
check_flood() {
	local what=$1 timeline=$2 windows=$3 m=$(bound "$4") want=$5 ok total

	read -r ok total < <(flood_ratio "$timeline" "$windows" "$m")
	if [ "$total" -gt 0 ] && [ $((100 * ok)) -ge $((want * total)) ]; then
		echo "ok: $what: $ok of $total connections outside the changes succeeded"
	else
		fail "$what: $ok of $total connections outside the changes succeeded (want $want%)"
		echo "# the failed ones: $(flood_ratio "$timeline" "$windows" "$m" failed)"
	fi
}

# link NS1 IF1 NS2 IF2: a veth pair between two namespaces.
link() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" ||
		{ echo "cannot create veth $1:$2 - $3:$4"; exit 1; }
}

# topo_gateway [SUFFIX]: with a suffix, the namespaces are clientSUFFIX,
# gwSUFFIX, serverSUFFIX, so that several such networks can exist at once;
# $client, $gw and $server name the last one built. TOPO_GW=NAME: the
# gateway is that namespace, which exists already (ip netns's NAME; e.g.
# the guest's own, for a test of what happens at boot).
topo_gateway() {
	local sfx=${1:-}

	if [ -n "${TOPO_GW:-}" ]; then
		add_ns "client$sfx" "server$sfx"
		gw=$TOPO_GW
	else
		add_ns "client$sfx" "gw$sfx" "server$sfx"
		gw=$NS_TAG"gw$sfx"
	fi
	client=$NS_TAG"client$sfx" server=$NS_TAG"server$sfx"
	link "$client" eth0 "$gw" eth0
	link "$gw" eth1 "$server" eth0
	topo_client "$client"
	topo_gw "$gw"
	topo_server "$server"
	links_up "$client" "$gw" "$server"
}

# topo_client NS, topo_gw NS, topo_server NS: the addresses and routes of
# topo_gateway's three, on links already made (eth0; the gateway's eth0 and
# eth1), for a test that builds more than one gateway.
topo_client() {
	ip -n "$1" -b - <<-EOF || topo_failed
		link set eth0 up
		addr add 203.0.113.20/24 dev eth0
		addr add 2001:db8:ffff::20/64 dev eth0 nodad
	EOF
}

topo_gw() {
	ip -n "$1" -b - <<-EOF || topo_failed
		link set eth0 up
		link set eth1 up
		addr add 203.0.113.10/24 dev eth0
		addr add 2001:db8:ffff::10/64 dev eth0 nodad
		addr add 192.168.1.1/24 dev eth1
		addr add 2001:db8:1::1/64 dev eth1 nodad
	EOF
	setup sysctls "$1" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}

topo_server() {
	ip -n "$1" -b - <<-EOF || topo_failed
		link set eth0 up
		addr add 192.168.1.2/24 dev eth0
		addr add 2001:db8:1::2/64 dev eth0 nodad
		route add default via 192.168.1.1
		route add default via 2001:db8:1::1
	EOF
}

# links_up NS...: waits until the topology's links (eth*, br*) in the
# namespaces carry traffic: up in the kernel's own view (operstate UP) and,
# for a bridge's ports, forwarding. A link set up is not: the kernel takes
# in its carrier later (linkwatch: up to a second, more under emulation),
# and a bridge brought up before its port's carrier was taken in leaves that
# port disabled until then. A test's first packets were lost that way (its
# neighbour solicitations flooded to no port: 1 of 40 runs of ipv6's first
# request, 2026-12-03).
links_up() {
	local ns

	for ns in "$@"; do
		wait_for 10 links_up_in "$ns" ||
			{ fail "setup: links of $ns not up: $(ip -n "$ns" -br link; bridge -n "$ns" link)"; exit 1; }
	done
}

links_up_in() {
	ip -n "$1" -br link | awk '$1 ~ /^(eth|br)/ && $2 != "UP" { down = 1 } END { exit down }' &&
		! bridge -n "$1" link | grep -v "state forwarding" | grep -q .
}

topo_failed() {
	fail "setup: the topology could not be built"
	exit 1
}

# topo_bridge_lan: the gateway's LAN side becomes a bridge, br0
# (192.168.1.1, 2001:db8:1::1), with eth1 (to the server) and eth2 to a
# second LAN host, lan2 (192.168.1.3, 2001:db8:1::3): for hairpin NAT. The
# bridge does not pass its frames through iptables even where br_netfilter
# is loaded (a test that wants that says so).
topo_bridge_lan() {
	new_ns lan2
	link "$gw" eth2 "$lan2" eth0
	ip -n "$gw" -b - <<-EOF || topo_failed
		addr flush dev eth1
		link add br0 type bridge
		link set eth1 master br0
		link set eth2 master br0
		link set eth2 up
		link set br0 up
		addr add 192.168.1.1/24 dev br0
		addr add 2001:db8:1::1/64 dev br0 nodad
	EOF
	ip -n "$lan2" -b - <<-EOF || topo_failed
		link set eth0 up
		addr add 192.168.1.3/24 dev eth0
		addr add 2001:db8:1::3/64 dev eth0 nodad
		route add default via 192.168.1.1
		route add default via 2001:db8:1::1
	EOF
	if ip netns exec "$gw" test -e /proc/sys/net/bridge/bridge-nf-call-iptables; then
		setup sysctls "$gw" net.bridge.bridge-nf-call-iptables=0 \
			net.bridge.bridge-nf-call-ip6tables=0
	fi
	links_up "$gw" "$lan2"
}

# finish: the test's exit status.
finish() {
	[ -s "$_failed" ] && ret=1
	exit $ret
}
