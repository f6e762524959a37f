#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pfctl's help: every command in `pfctl help` has its own page (`pfctl help
# CMD`, the same as `pfctl CMD --help`) that starts with its usage, and an
# entry in pfctl(8)'s COMMANDS; no line of any of them ends in a blank.

source "$(dirname "$0")/lib.sh"

man=$PFMOD_TOP/userspace-tool/pfctl.8
# A line of text that ends in a blank: NAME TEXT.
check_no_trailing() {
	local bad

	bad=$(grep -nE '[[:blank:]]$' <<< "$2" | head -n 3)
	[ -z "$bad" ] && echo "ok: $1: no line ends in a blank" ||
		fail "$1: lines end in a blank: $(cat -A <<< "$bad")"
}

if ! all=$("$PFCTL" help 2>&1); then
	fail "pfctl help failed: $all"
	finish
fi
check_no_trailing "pfctl help" "$all"
# The commands: the lines of two spaces, a name and maybe its arguments.
mapfile -t cmds < <(sed -n '/^Commands:/,/^$/s/^  \([a-z]\+\)\( .*\)\?$/\1/p' <<< "$all")
[ ${#cmds[@]} -ge 10 ] && echo "ok: pfctl help lists ${#cmds[@]} commands: ${cmds[*]}" ||
	fail "pfctl help lists only ${#cmds[@]} commands: ${cmds[*]}"
# The man page's COMMANDS: the first line of each item (after .TP).
items=$(sed -n '/^\.SH COMMANDS/,/^\.SH /p' "$man" | sed -n '/^\.TP/{n;p}')
for c in "${cmds[@]}"; do
	if ! page=$("$PFCTL" help "$c" 2>&1); then
		fail "pfctl help $c failed: $page"
		continue
	fi
	check_match "pfctl help $c starts with its usage" "^Usage: pfctl \[options\] $c( |$)" \
		"$(head -n 1 <<< "$page")"
	check_no_trailing "pfctl help $c" "$page"
	opt=$("$PFCTL" "$c" --help 2>&1)
	[ "$opt" = "$page" ] && echo "ok: pfctl $c --help is pfctl help $c" ||
		fail "pfctl $c --help differs from pfctl help $c: $opt"
	check_match "pfctl(8) has an entry for $c" "^(\.B[IR]? \"?|\\\\fB)$c( |\"|\\\\f|$)" "$items"
done
finish
