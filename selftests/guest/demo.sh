#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The demo: load lowmemkiller with its defaults on a small guest, run a
# memory storm and show who was killed, in which order, and why.
. /tests/lib.sh

echo "=== lowmemkiller demo on Linux $(uname -r), $(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo) MiB RAM"
insmod "$LMK_KO" || exit 1
echo
echo "--- table in force (/sys/module/lowmemkiller/parameters)"
echo "minfree (pages): $(cat $P/minfree)"
echo "adj:             $(cat $P/adj)"
echo "A row is crossed when free and file pages are both below its minfree;"
echo "the first crossed row sets the lowest adj that may be killed."
echo
echo "--- storm"
/tests/storm_demo
echo
echo "--- kill log (/sys/kernel/debug/lowmemkiller/kills)"
cat "$KILLS"
echo
echo "--- kernel log"
dmesg | grep -E "lowmemkiller: (kill|would kill)|invoked oom-killer|Out of memory" || true
echo
echo "--- statistics (/sys/module/lowmemkiller/stats)"
for f in kills poll_kills thrashing_kills kernel_oom_events scan_walks \
	 tasks_visited scan_ns_max skipped_dying death_timeouts; do
	printf '%-20s %s\n' "$f" "$(cat $S/$f)"
done
rmmod lowmemkiller
