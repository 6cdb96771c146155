#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The shipped listener (examples/lmk-on-kill), driven by busybox's uevent
# applet as on a system without udev, records a kill with its fields.  By
# default the uevent does not say who died and the listener, as root, finds
# the victim in the kill log by LMK_SEQ; with uevent_identity=Y the event
# itself names the victim.
. /tests/lib.sh

export LMK_EVENT_LOG=/tmp/lmk-events.log

# kill_one: start the listener and a victim ("sleep") at adj 750, cross a
# row at adj 700 and wait for the listener's line; sets $victim and
# $victim_dead.
kill_one()
{
	rm -f "$LMK_EVENT_LOG"
	uevent /tests/lmk-on-kill &
	listener=$!
	sleep 0.2

	sleep 600 &
	victim=$!
	# until busybox has exec'd, the child is still a copy of this shell
	i=0
	while [ $i -lt 100 ] && [ "$(cat /proc/$victim/comm 2>/dev/null)" != sleep ]; do
		sleep 0.05
		i=$((i + 1))
	done
	echo 750 >/proc/$victim/oom_score_adj
	write $P/adj 700
	write $P/minfree $(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 4))
	i=0
	while [ $i -lt 100 ] && ! grep -q "adj=750 " "$LMK_EVENT_LOG" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	write $P/minfree 1
	i=0
	while [ $i -lt 50 ] && kill -0 $victim 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	victim_dead=yes
	if kill -0 $victim 2>/dev/null; then
		victim_dead=no
		kill -9 $victim
	fi
	wait $victim 2>/dev/null
	kill $listener 2>/dev/null
	wait $listener 2>/dev/null
	sed 's/^/# /' "$LMK_EVENT_LOG" 2>/dev/null
}

ktap_plan 9
lmk_load poll_ms=5 || { echo "# insmod failed"; exit 1; }

kill_one
check "listener found the victim in the kill log by its seq" \
	grep -q "^seq=[0-9]* pid=$victim tgid=$victim comm=sleep uid=0 " "$LMK_EVENT_LOG"
check "with adj and min_adj" grep -q " adj=750 min_adj=700 " "$LMK_EVENT_LOG"
check "with row and reason" grep -q " row=0 reason=poll dry_run=0" "$LMK_EVENT_LOG"
check "victim is dead" [ "$victim_dead" = yes ]

# Without the kill log, nothing in the event names the victim.
export LMK_KILL_LOG=/nonexistent
kill_one
check "by default the event alone names nobody" \
	sh -c "grep -q '^seq=[0-9]* adj=750 ' '$LMK_EVENT_LOG' && ! grep -q 'pid=' '$LMK_EVENT_LOG'"

check "uevent_identity=Y accepted" write $P/uevent_identity Y
kill_one
check "with uevent_identity the event names the victim" \
	grep -q "^seq=[0-9]* pid=$victim tgid=$victim comm=sleep uid=0 " "$LMK_EVENT_LOG"
check "victim is dead" [ "$victim_dead" = yes ]
unset LMK_KILL_LOG

check "rmmod succeeds" rmmod lowmemkiller
ktap_done
