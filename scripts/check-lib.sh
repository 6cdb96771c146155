# SPDX-License-Identifier: GPL-2.0
#
# Pass/fail bookkeeping shared by check.sh and check-debug.sh (sourced).

passed=0
failed=0
skipped=0

# result <status> <name>: one check, by its exit status
result()
{
	if [ "$1" -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok - $2"
	else
		failed=$((failed + 1))
		echo "not ok - $2"
	fi
}

# add <passed> <failed> [<skipped>]: a sub-suite's own count
add()
{
	passed=$((passed + $1))
	failed=$((failed + $2))
	skipped=$((skipped + ${3:-0}))
}

# add_guest <kver> <run.sh output>: the count of run.sh's last
# "<kver>: N passed, N failed, N skipped" line, or a failure without one
add_guest()
{
	local line p f s

	line=$(grep -F "$1: " "$2" | grep -E ": [0-9]+ passed, [0-9]+ failed" |
	       tail -1)
	if [ -z "$line" ]; then
		result 1 "$1: guest suite ran"
		return
	fi
	read -r _ p _ f _ s _ <<<"$line"
	add "$p" "$f" "${s:-0}"
}

# summary: the closing line; true when something passed and nothing failed
summary()
{
	echo
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}
