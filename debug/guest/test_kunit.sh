#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The lowmemkiller KUnit suite (lowmemkiller_kunit.ko, debug kernel only)
# runs when the module is loaded and passes every case.
. /tests/lib.sh

KUNIT_KO=/tests/lowmemkiller_kunit.ko
RESULTS=/sys/kernel/debug/kunit/lowmemkiller/results

[ -d /sys/kernel/debug/kunit ] ||
	skip_all "kernel without CONFIG_KUNIT_DEBUGFS"
[ -f "$KUNIT_KO" ] || skip_all "$KUNIT_KO not in the payload"

ktap_plan 8
lsmod | grep -q '^lowmemkiller_kunit ' && rmmod lowmemkiller_kunit
dmesg_before=$(dmesg | wc -l)
check "insmod lowmemkiller_kunit.ko" insmod "$KUNIT_KO"
check "suite results in debugfs" test -r "$RESULTS"
results=$(cat "$RESULTS" 2>/dev/null)

# KTAP: the suite's line is last, at top level; its cases are indented once.
suite=$(echo "$results" | grep -E '^(not )?ok [0-9]+ lowmemkiller$')
expect_eq "suite result" "$suite" "ok 1 lowmemkiller"
fails=$(echo "$results" | grep -c 'not ok')
expect_eq "no failed case or parameter" "$fails" 0
plan=$(echo "$results" | sed -n 's/^    1\.\.\([0-9]*\)$/\1/p' | head -n 1)
passed=$(echo "$results" | grep -cE '^    ok [0-9]+ ')
skipped=$(echo "$results" | grep -cE '^    ok [0-9]+ .*# SKIP')
echo "# $passed of ${plan:-?} cases passed, $skipped skipped"
check "every case ran and passed" \
	test -n "$plan" -a "$passed" = "$plan" -a "$skipped" = 0
if [ "$suite" != "ok 1 lowmemkiller" ] || [ "$fails" != 0 ]; then
	echo "$results"
fi

# the same verdict in the kernel log, from this load
klog=$(dmesg | tail -n +"$((dmesg_before + 1))")
check "kernel log has the suite's ok line" \
	sh -c "echo \"\$1\" | grep -qE '\] ok [0-9]+ lowmemkiller$'" - "$klog"
check "kernel log has no failed case" \
	sh -c "! echo \"\$1\" | grep -q 'not ok'" - "$klog"
check "rmmod lowmemkiller_kunit" rmmod lowmemkiller_kunit
ktap_done
