# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the scripts behind `make check` and `make check-debug`: stages
# whose output is TAP, judged by more than their "not ok" lines.
#
# tap_stage LOG NAME COMMAND...
#	Runs COMMAND, shows its output and appends it to LOG. COMMAND must print
#	exactly one TAP stream: a plan (1..N) and N results. The stage adds a
#	failed result of its own ("not ok - NAME: why") when COMMAND exits
#	non-zero, when the plan is missing, repeated or does not match the
#	results (a crash part way through), or when it ran nothing. Returns 0
#	only if none of that happened and no result failed.
# tap_check NAME STATUS < STREAM
#	The same judgement of a stream already captured; prints the verdict
#	lines, returns non-zero for a broken or failed stream.
# tap_summary LOG START
#	The closing line, "N passed, N failed, N skipped", counted from LOG;
#	fails unless something passed and nothing failed.

tap_check() {
	local name=$1 status=$2

	awk -v name="$name" -v status="$status" '
		/^1\.\.[0-9]+([ \t]|$)/ { plans++; planned = substr($1, 4) + 0; next }
		/^not ok([ \t]|$)/ { results++; failed++; next }
		/^ok([ \t]|$)/ { results++; next }
		END {
			bad = 0
			if (status != 0) {
				if (status > 128)
					why = "killed by signal " (status - 128) " (it crashed or was killed)"
				else
					why = "exited with status " status
				if (!failed)
					why = why ", yet reported no failed result"
				print "not ok - " name ": " why
				bad = 1
			}
			if (!plans) {
				print "not ok - " name ": no TAP plan (1..N): the stream ended early or never started"
				bad = 1
			} else if (plans > 1) {
				print "not ok - " name ": " plans " TAP plans in one stream"
				bad = 1
			} else if (planned != results) {
				print "not ok - " name ": planned " planned " results, got " results
				bad = 1
			}
			if (!results) {
				print "not ok - " name ": no test ran"
				bad = 1
			}
			exit bad || failed ? 1 : 0
		}'
}

tap_stage() {
	local log=$1 name=$2 out rc

	shift 2
	echo "# --- $name" | tee -a "$log"
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	cat "$out" >> "$log"
	tap_check "$name" "$rc" < "$out" | tee -a "$log"
	rc=${PIPESTATUS[0]}
	rm -f "$out"
	return "$rc"
}

tap_summary() {
	local log=$1 start=$2 pass fail skip

	skip=$(grep -cE '^ok([ \t].*)?#[ \t]*SKIP' "$log")
	pass=$(($(grep -cE '^ok([ \t]|$)' "$log") - skip))
	fail=$(grep -cE '^not ok([ \t]|$)' "$log")
	echo "# took $(($(date +%s) - start))s; log in $log"
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
}
