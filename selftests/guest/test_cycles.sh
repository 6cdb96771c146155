#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 200 load/unload cycles, the second half while memory pressure keeps
# reclaim, the shrinker and the poll busy and kills in flight.  The guest
# log is checked for splats by the runner; here every load and unload must
# succeed and the module must be gone at the end.
. /tests/lib.sh

ktap_plan 4
lmk_unload
loads=0
unloads=0
i=0
while [ $i -lt 100 ]; do
	insmod "$LMK_KO" poll_ms=$((i % 3)) && loads=$((loads + 1))
	rmmod lowmemkiller && unloads=$((unloads + 1))
	i=$((i + 1))
done

/tests/pressure 600 >/dev/null &
ppid=$!
sleep 1
while [ $i -lt 200 ]; do
	insmod "$LMK_KO" poll_ms=$((i % 3)) death_timeout_ms=50 \
		minfree=4096,8192 adj=800,900 && loads=$((loads + 1))
	# let the killer act now and then before pulling the module
	[ $((i % 4)) -eq 0 ] && sleep 0.2
	rmmod lowmemkiller && unloads=$((unloads + 1))
	i=$((i + 1))
done
kill $ppid
wait $ppid 2>/dev/null

expect_eq "all 200 loads succeed" "$loads" 200
expect_eq "all 200 unloads succeed" "$unloads" 200
check "module is gone" test ! -e /sys/module/lowmemkiller
kills=$(dmesg | grep -c "lowmemkiller: kill ")
echo "# kills during the cycles: $kills"
check "the killer acted during the loaded cycles" test "$kills" -gt 0
ktap_done
