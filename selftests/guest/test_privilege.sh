#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# An unprivileged user can read the tuning and the counters, and can change
# nothing: no parameter, no statistics reset, no kill log.
. /tests/lib.sh

ktap_plan 18
lmk_load || { echo "# insmod failed"; exit 1; }
nobody() { /tests/runas 65534 "$@"; }

for f in minfree adj cost debug_level death_timeout_ms poll_ms deficit_kills \
	 thrashing_limit dry_run victim_size kill_log_size uevent_identity; do
	before=$(cat $P/$f)
	case $f in
	minfree) v=100,200 ;;
	adj) v=0,1000 ;;
	dry_run) v=Y ;;
	uevent_identity) v=Y ;;
	victim_size) v=rss ;;
	*) v=20 ;;
	esac
	if nobody sh -c "echo $v > $P/$f" 2>/dev/null; then
		not_ok "non-root cannot write $f"
	else
		expect_eq "non-root cannot write $f" "$(cat $P/$f)" "$before"
	fi
done

check "non-root can read the table" sh -c "/tests/runas 65534 cat $P/minfree >/dev/null"
check "non-root can read statistics" sh -c "/tests/runas 65534 cat $S/kills >/dev/null"
check "reset is not readable" sh -c "! nobody cat $S/reset 2>/dev/null"
check "non-root cannot reset statistics" sh -c "! nobody sh -c 'echo 1 > $S/reset' 2>/dev/null"
check "non-root cannot read the kill log" sh -c "! nobody cat $KILLS >/dev/null 2>&1"
check "no parameter or statistic is world-writable" sh -c \
	"! find /sys/module/lowmemkiller/parameters /sys/module/lowmemkiller/stats -perm -o+w | grep -q ."
check "rmmod succeeds" rmmod lowmemkiller
ktap_done
