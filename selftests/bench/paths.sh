# SPDX-License-Identifier: GPL-2.0
#
# `make bench`'s five paths, for the guest scripts that measure them
# (bench.sh, conn-count-guest.sh), sourced after selftests/lib.sh: each
# path's gateway network (bench_gateways), each tool's table of K forwards
# of a shape (bench_inputs, into the directory $tmp the caller made), its
# install (bench_load) and its save (bench_save). The paths and the shapes:
# bench.sh's opening comment.

paths="route pfmod ipt nft ipvs"

# bench_gateways NCLIENTS: a gateway network of its own for every path
# (topo_gateway), its namespaces in C[PATH], G[PATH] and S[PATH]
# (associative arrays the caller declares): NCLIENTS addresses on the
# client (203.0.113.20 to 203.0.113.2N), its route to the LAN and its
# sysctls for many short connections; three more listen addresses on the
# gateway (203.0.113.11-13, for the single shape's fillers); a web server
# on the server's port 8080 and a sink on its 5201. Exits on a failed step.
bench_gateways() {
	local n=$1 p i pid

	for p in $paths; do
		topo_gateway "_$p"
		C[$p]=$client G[$p]=$gw S[$p]=$server
		ip -n "$gw" -b - <<-EOF || exit 1
			addr add 203.0.113.11/24 dev eth0
			addr add 203.0.113.12/24 dev eth0
			addr add 203.0.113.13/24 dev eth0
		EOF
		for i in $(seq 1 $((n - 1))); do
			ip -n "$client" addr add "203.0.113.2$i/24" dev eth0 || exit 1
		done
		ip -n "$client" route add 192.168.1.0/24 via 203.0.113.10 || exit 1
		sysctls "$client" net.ipv4.tcp_tw_reuse=1 \
			"net.ipv4.ip_local_port_range=10000 65000" || exit 1
		serve "$server" -p 8080 -n web
		pid=$(ip netns exec "$server" "$PFTEST" sink -p 5201 -d) ||
			{ echo "sink failed: $pid"; exit 1; }
		_pids+=("$pid")
	done
	# IPVS keeps conntrack entries too (as the other paths do).
	sysctls "${G[ipvs]}" net.ipv4.vs.conntrack=1 || exit 1
}

# The K-1 forwards that are never hit, one a line, by shape: "single ADDR
# PORT", "from SRC" (port 80) or "range SRC" (ports 1024-65535). Sources
# of from in 10.0.0.0/9, of range in 10.128.0.0/9: no two overlap.
fillers() {
	awk -v shape="$1" -v n="$2" '
	function single(i) { printf "single 203.0.113.%d %d\n", 11 + int(i / 50000), 10000 + i % 50000 }
	function src(base, i) { i++; return sprintf("10.%d.%d.%d", base + int(i / 65536), int(i / 256) % 256, i % 256) }
	BEGIN {
		for (i = 0; i < n; i++) {
			s = shape == "mixed" ? substr("sfr", i % 3 + 1, 1) : substr(shape, 1, 1)
			j = shape == "mixed" ? int(i / 3) : i
			if (s == "s") single(j)
			else if (s == "f") print "from", src(0, j)
			else print "range", src(128, j)
		}
	}'
}

# The fillers ($tmp/fill) and the hit in one tool's words, for shape @1:
# printf formats for a single port (ADDR, PORT), a from (SRC) and a range
# (SRC), then the hit's line with shape single, range and the others.
render() {
	awk -v s="$1" -v fs="$2" -v ff="$3" -v fr="$4" -v hs="$5" -v hr="$6" -v hf="$7" '
		$1 == "single" { printf fs "\n", $2, $3 }
		$1 == "from" { printf ff "\n", $2 }
		$1 == "range" { printf fr "\n", $2 }
		END { print s == "single" ? hs : s == "range" ? hr : hf }' "$tmp/fill"
}

# bench_inputs SHAPE K: each tool's table of K forwards of SHAPE, the hit
# one of them, in $tmp/pfmod, $tmp/ipt, $tmp/nft and (single only)
# $tmp/ipvs; bench_load installs them.
bench_inputs() {
	local s=$1 k=$2 dnat="-j DNAT --to-destination 192.168.1.2"

	fillers "$s" $((k - 1)) > "$tmp/fill"
	render "$s" "tcp %s:%s 192.168.1.2:9000" "tcp 80 192.168.1.2:9000 from %s/32" \
		"tcp 1024-65535 192.168.1.2:9000 from %s/32" "tcp 203.0.113.10:80 192.168.1.2:8080" \
		"tcp 1024-65535 192.168.1.2:8080 from 203.0.113.16/28" \
		"tcp 80 192.168.1.2:8080 from 203.0.113.16/28" > "$tmp/pfmod"
	{
		echo "*nat"
		echo ":PREROUTING ACCEPT [0:0]"
		render "$s" "-A PREROUTING -d %s -p tcp --dport %s $dnat:9000" \
			"-A PREROUTING -s %s -p tcp --dport 80 $dnat:9000" \
			"-A PREROUTING -s %s -p tcp --dport 1024:65535 $dnat:9000" \
			"-A PREROUTING -d 203.0.113.10 -p tcp --dport 80 $dnat:8080" \
			"-A PREROUTING -s 203.0.113.16/28 -p tcp --dport 1024:65535 $dnat:8080" \
			"-A PREROUTING -s 203.0.113.16/28 -p tcp --dport 80 $dnat:8080"
		echo "COMMIT"
	} > "$tmp/ipt"
	# nft: destinations in one map, sources (with port intervals) in another.
	{
		echo "flush ruleset"
		echo "table ip bench {"
		echo "  map by_dst { type ipv4_addr . inet_service : ipv4_addr . inet_service; elements = {"
		awk '$1 == "single" { printf "    %s . %s : 192.168.1.2 . 9000,\n", $2, $3 }' "$tmp/fill"
		[ "$s" = single ] && echo "    203.0.113.10 . 80 : 192.168.1.2 . 8080,"
		echo "    203.0.113.9 . 9 : 192.168.1.2 . 9 } }"
		echo "  map by_src { type ipv4_addr . inet_service : ipv4_addr . inet_service; flags interval; elements = {"
		awk '$1 == "from" { printf "    %s . 80 : 192.168.1.2 . 9000,\n", $2 }
			$1 == "range" { printf "    %s . 1024-65535 : 192.168.1.2 . 9000,\n", $2 }' "$tmp/fill"
		case $s in
		single) ;;
		range) echo "    203.0.113.16/28 . 1024-65535 : 192.168.1.2 . 8080," ;;
		*) echo "    203.0.113.16/28 . 80 : 192.168.1.2 . 8080," ;;
		esac
		echo "    203.0.113.9 . 9 : 192.168.1.2 . 9 } }"
		echo "  chain pre { type nat hook prerouting priority dstnat;"
		echo "    dnat to ip daddr . tcp dport map @by_dst"
		echo "    dnat to ip saddr . tcp dport map @by_src"
		echo "  }"
		echo "}"
	} > "$tmp/nft"
	if [ "$s" = single ]; then
		awk '$1 == "single" { printf "-A -t %s:%s -s rr\n-a -t %s:%s -r 192.168.1.2:9000 -m\n", $2, $3, $2, $3 }
			END { print "-A -t 203.0.113.10:80 -s rr"; print "-a -t 203.0.113.10:80 -r 192.168.1.2:8080 -m" }' \
			"$tmp/fill" > "$tmp/ipvs"
	fi
}

# bench_load PATH [SECS]: installs PATH's table from bench_inputs' files
# into its gateway's empty table; a tool still going after SECS seconds is
# stopped (exit 124; 0, the default: never).
bench_load() {
	local p=$1 t=${2:-0}

	case $p in
	pfmod) timeout "$t" ip netns exec "${G[$p]}" pfctl restore "$tmp/pfmod" ;;
	ipt) timeout "$t" ip netns exec "${G[$p]}" iptables-restore < "$tmp/ipt" ;;
	nft) timeout "$t" ip netns exec "${G[$p]}" nft -f "$tmp/nft" ;;
	ipvs) timeout "$t" ip netns exec "${G[$p]}" ipvsadm -R < "$tmp/ipvs" ;;
	esac
}

# bench_save PATH [SECS]: writes PATH's table as its tool saves it (what
# its restore takes back) to $tmp/saved.PATH; stopped as bench_load is.
bench_save() {
	local p=$1 t=${2:-0}

	case $p in
	pfmod) timeout "$t" ip netns exec "${G[$p]}" pfctl save ;;
	ipt) timeout "$t" ip netns exec "${G[$p]}" iptables-save -t nat ;;
	nft) timeout "$t" ip netns exec "${G[$p]}" nft list ruleset ;;
	ipvs) timeout "$t" ip netns exec "${G[$p]}" ipvsadm -S -n ;;
	esac > "$tmp/saved.$p"
}
