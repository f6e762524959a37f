#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SCTP through a forward, where the kernel's conntrack tracks SCTP, over
# IPv4 and IPv6.

source "$(dirname "$0")/lib.sh"

modprobe sctp 2>/dev/null || skip "the sctp module cannot be loaded (no SCTP sockets for the test)"
[ -d /proc/sys/net/netfilter ] || modprobe nf_conntrack
topo_gateway
serve "$server" -s -p 9999 -n sctp
if ! out=$(pfctl "$gw" add sctp 9999 192.168.1.2 2>&1); then
	grep -q "does not track SCTP" <<< "$out" && skip "this kernel's conntrack does not track SCTP: $out"
	fail "add sctp 9999: $out"
fi
out=$(request "$client" -s 203.0.113.10 9999)
check_match "SCTP through the forward" "^sctp 203\.0\.113\.20 " "$out"
ct=$(conntrack_of "$gw" -p sctp)
check_match "conntrack shows the SCTP DNAT" "dst=203\.0\.113\.10 .*dport=9999 .*src=192\.168\.1\.2 dst=203\.0\.113\.20 sport=9999" "$ct"
check_match "show: sctp" "^1 +sctp +0\.0\.0\.0:9999 " "$(pfctl "$gw" show)"
check "add sctp 9999 [2001:db8:1::2] (IPv6)" pfctl "$gw" add sctp 9999 '[2001:db8:1::2]'
check_match "SCTP over IPv6 through the forward" "^sctp 2001:db8:ffff::20 " \
	"$(request "$client" -s 2001:db8:ffff::10 9999)"
check_match "conntrack shows the IPv6 SCTP DNAT" \
	"dst=2001:db8:ffff::10 .*dport=9999 .*src=2001:db8:1::2 dst=2001:db8:ffff::20 sport=9999" \
	"$(conntrack_of "$gw" -f ipv6 -p sctp)"
finish
