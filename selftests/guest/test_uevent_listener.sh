#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The shipped listener (examples/lmk-on-kill), driven by busybox's uevent
# applet as on a system without udev, records a kill with its fields.
. /tests/lib.sh

ktap_plan 5
lmk_load poll_ms=5 || { echo "# insmod failed"; exit 1; }
export LMK_EVENT_LOG=/tmp/lmk-events.log
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
while [ $i -lt 50 ] && ! grep -q "pid=$victim " "$LMK_EVENT_LOG" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
write $P/minfree 1
kill $listener 2>/dev/null
wait $listener 2>/dev/null
cat "$LMK_EVENT_LOG" 2>/dev/null | sed 's/^/# /'

check "listener logged the kill" grep -q "pid=$victim tgid=$victim comm=sleep " "$LMK_EVENT_LOG"
check "with adj and min_adj" grep -q "adj=750 min_adj=700 " "$LMK_EVENT_LOG"
check "with reason" grep -q "reason=poll dry_run=0" "$LMK_EVENT_LOG"
check "victim is dead" sh -c "! kill -0 $victim 2>/dev/null"
check "rmmod succeeds" rmmod lowmemkiller
ktap_done
