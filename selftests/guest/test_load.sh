#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The module loads, exposes its interface, unloads and reloads cleanly.
. /tests/lib.sh

ktap_plan 12
lmk_unload
check "insmod succeeds" insmod "$LMK_KO"
check "module is listed" sh -c 'lsmod | grep -q "^lowmemkiller "'
for f in minfree adj cost debug_level death_timeout_ms dry_run victim_size \
	 kill_log_size poll_ms deficit_kills thrashing_limit uevent_identity; do
	[ -f "$P/$f" ] || { echo "# missing $P/$f"; missing=1; }
done
expect_eq "every parameter file exists" "${missing:-0}" 0
check "stats directory exists" test -r "$S/kills"
check "kill log exists in debugfs" test -r "$KILLS"
check "shrinker is registered" sh -c 'grep -q "lowmemkiller: loaded" /dev/kmsg_dump 2>/dev/null || dmesg | grep -q "lowmemkiller: loaded"'
check "rmmod succeeds" rmmod lowmemkiller
check "sysfs is gone after unload" test ! -e /sys/module/lowmemkiller
check "debugfs is gone after unload" test ! -e /sys/kernel/debug/lowmemkiller
check "reload with parameters succeeds" insmod "$LMK_KO" minfree=100,200 adj=300,400
expect_eq "load-time minfree is in force" "$(cat $P/minfree)" "100,200"
check "final rmmod succeeds" rmmod lowmemkiller
ktap_done
