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

_cleanup() {
	local p ns

	for p in "${_pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for ns in "${_nss[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
}
trap _cleanup EXIT

# skip REASON: the test cannot run here. Once a check has failed it is too
# late for that: the test fails instead.
skip() {
	if [ "$ret" -ne 0 ]; then
		echo "FAIL: asked to skip ($*) after failed checks"
		exit 1
	fi
	echo "SKIP: $*"
	exit $ksft_skip
}

# A failed check: the test goes on (to report every problem) and fails.
fail() {
	echo "FAIL: $*"
	ret=1
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

# new_ns VAR...: create a namespace for each VAR, with lo up, and set VAR to
# its name.
new_ns() {
	local _var _ns

	for _var in "$@"; do
		_ns=$NS_TAG$_var
		ip netns add "$_ns" || { echo "cannot create namespace $_ns"; exit 1; }
		_nss+=("$_ns")
		ip -n "$_ns" link set lo up
		printf -v "$_var" '%s' "$_ns"
	done
}

# in_ns NS COMMAND...
in_ns() {
	local ns=$1

	shift
	ip netns exec "$ns" "$@"
}

pfctl() {
	local ns=$1

	shift
	ip netns exec "$ns" "$PFCTL" "$@"
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

# wait_for SECONDS COMMAND...: until COMMAND succeeds; fails after SECONDS.
wait_for() {
	local deadline=$((SECONDS + $1))

	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.1
	done
}

# chat_start NS ADDR PORT: a long-lived connection (pftest chat) whose lines
# are written with chat_say; its output collects in $chat_out.
chat_start() {
	local fifo

	chat_dir=$(mktemp -d)
	fifo=$chat_dir/in
	chat_out=$chat_dir/out
	mkfifo "$fifo"
	ip netns exec "$1" "$PFTEST" chat "$2" "$3" < "$fifo" > "$chat_out" 2>&1 &
	chat_pid=$!
	_pids+=("$chat_pid")
	exec {chat_fd}> "$fifo"
	wait_for 10 grep -q . "$chat_out"
}

# chat_say LINE: sends LINE, waits for the answer, prints it (or the error).
chat_say() {
	local n

	n=$(wc -l < "$chat_out")
	echo "$1" >&"$chat_fd"
	wait_for 10 eval '[ "$(wc -l < "$chat_out")" -gt "$n" ]'
	tail -n 1 "$chat_out"
}

chat_stop() {
	exec {chat_fd}>&-
	wait "$chat_pid" 2>/dev/null
	rm -rf "$chat_dir"
}

# conntrack_of NS [conntrack -L filters]: the matching entries.
conntrack_of() {
	local ns=$1

	shift
	ip netns exec "$ns" conntrack -L "$@" 2>/dev/null
}

# link NS1 IF1 NS2 IF2: a veth pair between two namespaces.
link() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" ||
		{ echo "cannot create veth $1:$2 - $3:$4"; exit 1; }
}

# topo_gateway [SUFFIX]: with a suffix, the namespaces are clientSUFFIX,
# gwSUFFIX, serverSUFFIX, so that several such networks can exist at once;
# $client, $gw and $server name the last one built.
topo_gateway() {
	local sfx=${1:-}

	new_ns "client$sfx" "gw$sfx" "server$sfx"
	client=$NS_TAG"client$sfx" gw=$NS_TAG"gw$sfx" server=$NS_TAG"server$sfx"
	link "$client" eth0 "$gw" eth0
	link "$gw" eth1 "$server" eth0
	ip -n "$client" -b - <<-EOF
		link set eth0 up
		addr add 203.0.113.20/24 dev eth0
		addr add 2001:db8:ffff::20/64 dev eth0 nodad
	EOF
	ip -n "$gw" -b - <<-EOF
		link set eth0 up
		link set eth1 up
		addr add 203.0.113.10/24 dev eth0
		addr add 2001:db8:ffff::10/64 dev eth0 nodad
		addr add 192.168.1.1/24 dev eth1
		addr add 2001:db8:1::1/64 dev eth1 nodad
	EOF
	ip -n "$server" -b - <<-EOF
		link set eth0 up
		addr add 192.168.1.2/24 dev eth0
		addr add 2001:db8:1::2/64 dev eth0 nodad
		route add default via 192.168.1.1
		route add default via 2001:db8:1::1
	EOF
	sysctls "$gw" net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}

# topo_bridge_lan: the gateway's LAN side becomes a bridge, br0
# (192.168.1.1, 2001:db8:1::1), with eth1 (to the server) and eth2 to a
# second LAN host, lan2 (192.168.1.3, 2001:db8:1::3): for hairpin NAT.
topo_bridge_lan() {
	new_ns lan2
	link "$gw" eth2 "$lan2" eth0
	ip -n "$gw" -b - <<-EOF
		addr flush dev eth1
		link add br0 type bridge
		link set eth1 master br0
		link set eth2 master br0
		link set eth2 up
		link set br0 up
		addr add 192.168.1.1/24 dev br0
		addr add 2001:db8:1::1/64 dev br0 nodad
	EOF
	ip -n "$lan2" -b - <<-EOF
		link set eth0 up
		addr add 192.168.1.3/24 dev eth0
		addr add 2001:db8:1::3/64 dev eth0 nodad
		route add default via 192.168.1.1
		route add default via 2001:db8:1::1
	EOF
}

# finish: the test's exit status.
finish() {
	exit $ret
}
