#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Privileges. An unprivileged user gets EPERM for every command but
# `version` (showing the forwards needs CAP_NET_ADMIN too, like iptables -L
# and nft list). Root of a user and network namespace (a container) may
# configure its own namespace's forwards only when the module parameter
# userns_admin allows it, and never touches another namespace's.

source "$(dirname "$0")/lib.sh"

new_ns host
check "root adds a forward" pfctl "$host" add 80 192.168.1.2:8080
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

for args in "add 81 192.168.1.2" "del 80" "flush" "show" "show -s" "save" \
	"which 203.0.113.10:80 from 198.51.100.7"; do
	# shellcheck disable=SC2086
	out=$(ip netns exec "$host" setpriv --reuid=65534 --regid=65534 --clear-groups "$PFCTL" $args 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && grep -q "Operation not permitted (pfctl needs CAP_NET_ADMIN)" <<< "$out"; then
		echo "ok: unprivileged 'pfctl $args': EPERM: $out"
	else
		fail "unprivileged 'pfctl $args': exit $rc: $out"
	fi
done
out=$(echo "tcp 82 192.168.1.2" | ip netns exec "$host" setpriv --reuid=65534 --regid=65534 --clear-groups "$PFCTL" restore 2>&1)
check_match "unprivileged restore: EPERM" "Operation not permitted \(pfctl needs CAP_NET_ADMIN\)" "$out"
# The socket opened with CAP_NET_ADMIN, the requests sent without it: the
# sender's privileges are what counts.
check "root's socket, root's capabilities dropped: every command refused" \
	in_ns "$host" pffuzz privdrop
out=$(ip netns exec "$host" setpriv --reuid=65534 --regid=65534 --clear-groups "$PFCTL" version 2>&1)
check_match "unprivileged version works" "^pfmod " "$out"
check_match "the forward is still there, alone" '^\[\{"id":1,.*"port_min":80,' "$(pfctl "$host" -j show)"

# A container: nobody's own user namespace, mapped to root there, with a
# network namespace of its own.
container() { as_nobody unshare --user --map-root-user --net sh -c "$1"; }
container true 2>/dev/null || skip "no unprivileged user namespaces here (kernel.unprivileged_userns_clone?)"
param=/sys/module/pfmod/parameters/userns_admin
saved=$(cat $param)
echo 0 > $param
out=$(container "ip link set lo up; $PFCTL add 80 192.168.1.2:8080" 2>&1)
check_match "container root, userns_admin=0: EPERM, and why" \
	"CAP_NET_ADMIN in the initial user namespace needed \(module parameter userns_admin\)" "$out"
echo 1 > $param
out=$(container "$PFCTL add 8080 192.168.1.2:80 && $PFCTL flush && $PFCTL add 443 192.168.1.3 && $PFCTL show" 2>&1)
check_match "container root, userns_admin=1: manages its own forwards" "0\.0\.0\.0:443 +192\.168\.1\.3:443" "$out"
check_no_match "... and sees only those" "192\.168\.1\.2:8080" "$out"
check_match "its flush did not touch the host namespace's forward" "192\.168\.1\.2:8080" "$(pfctl "$host" show)"
out=$(container "nsenter --net=/run/netns/$host $PFCTL flush" 2>&1)
check_no_match "it cannot enter another namespace to flush it" "^$" "$out"
check_match "... the host namespace's forward is still there" "192\.168\.1\.2:8080" "$(pfctl "$host" show)"
echo "$saved" > $param
finish
