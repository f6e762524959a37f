#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Ending a connection leaks nothing: while and after a forward with streams
# running through it (TCP and UDP, the server talking all along) goes away by
# del, flush, restore or the deletion of the gateway's namespace, no packet
# with the server's private address reaches the public side (an nft counter
# in the client's namespace), 20 times each. Both ends of a TCP stream learn
# at once (a reset), not by a timeout; the UDP stream's packets stop coming.
# timeout=1800

source "$(dirname "$0")/lib.sh"

rounds=${PFMOD_LEAK_ROUNDS:-20}
# The ways to end the streams, comma-separated (a subset to chase a failure).
ops=${PFMOD_LEAK_OPS:-del,flush,restore,netns}
ops=${ops//,/ }
tmp=$(mktemp -d)
printf 'tcp 80 192.168.1.2:8080\nudp 53 192.168.1.2:5353\n' > "$tmp/table"
: > "$tmp/empty"

# stream_servers: the TCP and UDP talkers in the server's namespace.
stream_servers() {
	local args pid

	for args in "tcp -p 8080" "udp -u -p 5353"; do
		set -- $args
		pid=$(ip netns exec "$server" "$PFTEST" stream "${@:2}" -l 4 -o "$tmp/server.$1" -d) ||
			{ fail "stream server ($1): $pid"; exit 1; }
		_pids+=("$pid")
	done
}

# A new gateway and server, as topo_gateway builds them, for the same client
# (and its counter). The server goes with each gateway: its streams would
# otherwise reach the next gateway, which knows nothing of them, and leave
# untranslated as they would through any gateway that lost its state.
new_gateway() {
	add_ns "gw$1" "server$1"
	gw=${NS_TAG}gw$1 server=${NS_TAG}server$1
	link "$client" eth0 "$gw" eth0
	link "$gw" eth1 "$server" eth0
	topo_client "$client"
	topo_server "$server"
	topo_gw "$gw"
	links_up "$client" "$gw" "$server"
	stream_servers
}

# gw_state: what the gateway keeps of the connections, and the ends' TCP
# counters, for a failure to show.
gw_state() {
	local ns

	echo "at $(now):"
	pfctl "$gw" -j version 2>&1
	pfctl "$gw" -j conns 2>&1
	# Not conntrack_of: a failure here is something to show, not a check.
	in_ns "$gw" conntrack -L -o id 2>&1
	for ns in "$client" "$server"; do
		echo "$ns:" $(in_ns "$ns" nstat -asz TcpEstabResets TcpExtTCPChallengeACK \
			TcpExtTCPACKSkippedChallenge 2>&1 | awk '!/^#/ { print $1 "=" $2 }')
	done
}

# round OP N: streams up through the forwards, OP ends them.
round() {
	local op=$1 n=$2 t0 t_udp t_end tcp_out=$tmp/tcp.$1.$2 udp_out=$tmp/udp.$1.$2

	setup pfctl "$gw" restore "$tmp/table"
	# The client listens long enough to outlast the state print before the
	# change and a slow change (a loaded machine's, a debug kernel's): it
	# must end by a reset, not by its own time limit. A client that learns
	# of the end stops at once, so the limit costs a passing round nothing.
	ip netns exec "$client" "$PFTEST" listen -t "$(bound 30)" 203.0.113.10 80 > "$tcp_out" 2>&1 &
	_pids+=($!)
	# The UDP stream runs 4 s (-l 4) and the client listens 3: long
	# enough after the change to see the stream stop, not the listener.
	ip netns exec "$client" "$PFTEST" listen -u -t 3 203.0.113.10 53 > "$udp_out" 2>&1 &
	_pids+=($!)
	wait_for "$(bound 5)" grep -qs connected "$tcp_out" || fail "$op $n: the TCP stream did not start"
	sleep 0.3
	[ "$op" = netns ] || gw_state > "$tmp/state0"
	t0=$(now)
	t_udp=$t0
	case $op in
	del)
		setup pfctl "$gw" del 80
		# The UDP forward goes a command later: its time counts from then.
		t_udp=$(now)
		setup pfctl "$gw" del udp 53
		;;
	flush) setup pfctl "$gw" flush ;;
	restore) setup pfctl "$gw" restore "$tmp/empty" ;;
	netns) ip netns del "$gw" ;;
	esac
	t_end=$(now)
	[ "$op" = netns ] || gw_state > "$tmp/state"
	wait_for "$(bound 10)" grep -q '^end' "$udp_out"
	[ "$op" = netns ] && return
	wait_for "$(bound 5)" grep -q '^end' "$tcp_out"
	# The client learns from the reset, within a second of the change, or
	# half a second after the command returned (a slow kernel: bound). A
	# client still listening has learnt nothing.
	awk -v t0="$t0" -v t1="$t_end" -v a="$(bound 1)" -v b="$(bound 0.5)" \
		'/^end/ { ended = $0 ~ /reset by peer/ && ($(NF - 2) - t0 < a || $(NF - 2) - t1 < b) }
		 END { exit !ended }' "$tcp_out" || fail "$op $n: the client did not see a reset at once: $(cat "$tcp_out")
the change from $t0 to $t_end; before it, $(cat "$tmp/state0")
right after it, $(cat "$tmp/state")"
	# The server goes on sending: what got through after the change
	# would have been the ended flow's. The last packet may be one sent
	# just before the change took effect, during the command.
	awk -v t0="$t_udp" -v t1="$t_end" -v a="$(bound 0.5)" -v b="$(bound 0.2)" \
		'/^end/ { stopped = $(NF - 1) > 0 && ($NF - t0 < a || $NF - t1 < b) }
		 END { exit !stopped }' "$udp_out" ||
		fail "$op $n: UDP data still came after the change: $(cat "$udp_out")"
}

topo_gateway
stream_servers
leak_watch "$client"
for op in $ops; do
	[ "$op" = netns ] && continue
	: > "$tmp/server.tcp"
	for n in $(seq 1 "$rounds"); do
		round "$op" "$n"
	done
	sleep 1
	l=$(leaked "$client")
	[ "$l" = 0 ] && echo "ok: $op, $rounds times: no packet from the LAN reached the client" ||
		fail "$op: $l packets from the LAN reached the client"
	ends=$(grep -c "reset by peer" "$tmp/server.tcp")
	[ "$ends" -ge "$rounds" ] && echo "ok: $op: the server saw its $ends streams reset" ||
		fail "$op: the server saw $ends of $rounds streams reset: $(cat "$tmp/server.tcp")"
done

[[ " $ops " = *" netns "* ]] || { rm -rf "$tmp"; finish; }
ip netns del "$gw"
ip netns del "$server"
for n in $(seq 1 "$rounds"); do
	new_gateway "$n"
	round netns "$n"
	ip netns del "$server"
done
sleep 1
l=$(leaked "$client")
[ "$l" = 0 ] && echo "ok: the gateway's namespace deleted under streams, $rounds times: no leak" ||
	fail "namespace deletion: $l packets from the LAN reached the client"
rm -rf "$tmp"
finish
