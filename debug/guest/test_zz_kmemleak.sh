#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs last in the debug lane: with lowmemkiller and its KUnit module
# unloaded, a kmemleak scan finds no unreferenced object that lowmemkiller
# allocated.  After unload a leaked object's backtrace no longer resolves
# inside the module: a frame left as a bare address (only an unloaded
# module's can be) counts as ours too.
. /tests/lib.sh

KMEMLEAK=/sys/kernel/debug/kmemleak

[ -e "$KMEMLEAK" ] || skip_all "kernel without CONFIG_DEBUG_KMEMLEAK"

ktap_plan 5
lmk_unload
lsmod | grep -q '^lowmemkiller_kunit ' && rmmod lowmemkiller_kunit
check "no lowmemkiller module loaded" \
	sh -c '! grep -qE "^lowmemkiller(_kunit)? " /proc/modules'

# Objects are reported once they are older than 5 s; the second scan
# confirms what the first one found.
check "first kmemleak scan" sh -c "echo scan >$KMEMLEAK"
sleep 6
check "second kmemleak scan" sh -c "echo scan >$KMEMLEAK"
rm -f /tmp/kmemleak.ours
cat "$KMEMLEAK" >/tmp/kmemleak.txt 2>/dev/null

# one report per object: from "unreferenced object" to the next one
awk '
	function flush() {
		if (obj == "")
			return
		if (ours)
			printf "%s", obj > "/tmp/kmemleak.ours"
		else
			others++
		obj = ""
	}
	/^unreferenced object/ {
		flush()
		ours = 0
	}
	{
		obj = obj $0 "\n"
	}
	/lowmemkiller/ || /^[ \t]+(\[<[0-9a-f]+>\] )?0x[0-9a-f]+$/ {
		ours = 1
	}
	END {
		flush()
		print others + 0
	}' /tmp/kmemleak.txt >/tmp/kmemleak.others
: >>/tmp/kmemleak.ours
total=$(grep -c '^unreferenced object' /tmp/kmemleak.txt)
ours=$(grep -c '^unreferenced object' /tmp/kmemleak.ours)
echo "# kmemleak: $total unreferenced object(s), $ours from lowmemkiller," \
	"$(cat /tmp/kmemleak.others) elsewhere in the kernel"
check "kmemleak report readable" test -r "$KMEMLEAK"
if [ "$ours" -ne 0 ]; then
	cat /tmp/kmemleak.ours
	dmesg | grep 'kmemleak:' | tail -n 5
fi
expect_eq "no leak from lowmemkiller" "$ours" 0
ktap_done
