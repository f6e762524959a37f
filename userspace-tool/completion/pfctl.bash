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
		COMPREPLY=($(compgen -W "-j --json -s --stats -4 -6 -h --help -V --version add del show list conns flush save restore monitor doctor which version help" -- "$cur"))
		return
	fi
	case $prev in
	dev)
		COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur"))
		return
		;;
	from|id|timeout|expires|maxconn|maxconn-per-source|rate|burst)
		return
		;;
	snat)
		COMPREPLY=($(compgen -W "auto never always" -- "$cur"))
		return
		;;
	esac
	case $cmd in
	add) COMPREPLY=($(compgen -W "tcp udp sctp dev from snat timeout expires keep maxconn maxconn-per-source rate burst offload flush local:" -- "$cur")) ;;
	del) COMPREPLY=($(compgen -W "tcp udp sctp dev from keep id" -- "$cur")) ;;
	flush) COMPREPLY=($(compgen -W "keep" -- "$cur")) ;;
	restore) COMPREPLY=($(compgen -f -W "--optional keep -" -- "$cur")) ;;
	doctor) COMPREPLY=($(compgen -W "id" -- "$cur")) ;;
	which) COMPREPLY=($(compgen -W "tcp udp sctp from dev scan -" -- "$cur")) ;;
	help) COMPREPLY=($(compgen -W "add del show conns flush save restore monitor doctor which version" -- "$cur")) ;;
	esac
}
complete -F _pfctl pfctl
