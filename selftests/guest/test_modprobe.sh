#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The example modprobe.d file works: with it in /etc/modprobe.d, (busybox)
# "modprobe lowmemkiller" loads the module from
# /lib/modules/<kver>/updates with the file's options, and "modprobe -r"
# unloads it.
. /tests/lib.sh

example=/tests/modprobe.d/lowmemkiller.conf
dir=/etc/modprobe.d
conf=$dir/lowmemkiller.conf

[ -f "$example" ] || skip_all "$example is not in the payload"
command -v modprobe >/dev/null || skip_all "no modprobe in the guest"

# The options the example sets, as name=value words.
opts=$(sed -n 's/^options lowmemkiller //p' "$example")
[ -n "$opts" ] || skip_all "no 'options lowmemkiller' line in $example"
nopts=$(echo "$opts" | wc -w)

made_dir=
cleanup()
{
	lmk_unload 2>/dev/null
	rm -f "$conf"
	[ -z "$made_dir" ] || rmdir "$dir" 2>/dev/null
}
trap cleanup EXIT

lmk_unload
if [ ! -d "$dir" ]; then
	mkdir -p "$dir" && made_dir=1
fi
cp "$example" "$conf"

if ! modprobe lowmemkiller; then
	ktap_plan 1
	not_ok "modprobe lowmemkiller"
	ktap_done
fi
# busybox modprobe reads /etc/modprobe.d/*.conf in its full build, not in
# its "small" one.  If the file's first option did not arrive but the same
# option works on the command line, this modprobe ignores the file.
first=${opts%% *}
if [ "$(cat "$P/${first%%=*}")" != "${first#*=}" ]; then
	modprobe -r lowmemkiller
	if modprobe lowmemkiller "$first" &&
	   [ "$(cat "$P/${first%%=*}")" = "${first#*=}" ]; then
		skip_all "modprobe ignores options in $dir (busybox without modprobe.d support)"
	fi
	modprobe -r lowmemkiller
	modprobe lowmemkiller
fi

ktap_plan $((nopts + 7))
ok "modprobe lowmemkiller"
check "modules.dep points at updates/" \
	grep -q "^updates/lowmemkiller.ko:" "/lib/modules/$(uname -r)/modules.dep"
for o in $opts; do
	expect_eq "${o%%=*} from $conf" "$(cat "$P/${o%%=*}")" "${o#*=}"
done
check "modprobe -r lowmemkiller" modprobe -r lowmemkiller
check "module is gone" test ! -e /sys/module/lowmemkiller
check "modprobe again after -r" modprobe lowmemkiller
check "modprobe -r again" modprobe -r lowmemkiller
cleanup
check "$conf removed" test ! -e "$conf"
ktap_done
