# SPDX-License-Identifier: GPL-2.0
# bash completion for pfctl(8)

_pfctl() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd i

	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [ -z "$cmd" ]; then
		COMPREPLY=($(compgen -W "-j --json -4 -6 -h --help -V --version add del show list flush version help" -- "$cur"))
		return
	fi
	case $prev in
	dev)
		COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur"))
		return
		;;
	from|id)
		return
		;;
	esac
	case $cmd in
	add) COMPREPLY=($(compgen -W "tcp udp sctp dev from flush local:" -- "$cur")) ;;
	del) COMPREPLY=($(compgen -W "tcp udp sctp dev from keep id" -- "$cur")) ;;
	flush) COMPREPLY=($(compgen -W "keep" -- "$cur")) ;;
	esac
}
complete -F _pfctl pfctl
