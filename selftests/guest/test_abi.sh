#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Documentation/ABI/testing/sysfs-module-lowmemkiller against the module:
# every file under parameters/ and stats/ has an entry, every entry names a
# file the module creates, and each file's mode is the one its entry gives:
# (RO) 0444, (RW) 0644, (WO) 0200.
. /tests/lib.sh

ABI=/tests/sysfs-module-lowmemkiller
[ -f "$ABI" ] || skip_all "$ABI is not in the payload"
lmk_load || { echo "# insmod failed"; exit 1; }

# "<path> <RO|RW|WO>" for each entry: the What: lines run up to the next
# Description:, whose first word gives the access of all of them
documented=$(awk '
	/^What:/ { what[n++] = $2; next }
	/^Description:/ {
		acc = $2
		gsub(/[()]/, "", acc)
		for (i = 0; i < n; i++)
			print what[i], acc
		n = 0
	}' "$ABI")
present=$(find /sys/module/lowmemkiller/parameters \
	       /sys/module/lowmemkiller/stats -type f | sort)

ktap_plan $(($(echo "$documented" | wc -l) + $(echo "$present" | wc -l) + 1))

mode_of()
{
	case $1 in
	RO) echo 444 ;;
	RW) echo 644 ;;
	WO) echo 200 ;;
	*) echo "unknown access $1" ;;
	esac
}

# documented <path>: the ABI file has an entry for it
documented()
{
	echo "$documented" | grep -q "^$1 "
}

for f in $present; do
	check "${f#/sys/module/lowmemkiller/} is documented" documented "$f"
done

while read -r path acc; do
	name=${path#/sys/module/lowmemkiller/}
	if [ ! -f "$path" ]; then
		echo "# $path is documented but the module has no such file"
		not_ok "$name exists with mode $(mode_of "$acc")"
		continue
	fi
	expect_eq "$name exists with mode $(mode_of "$acc")" \
		"$(stat -c %a "$path")" "$(mode_of "$acc")"
done <<END
$documented
END

check "rmmod succeeds" rmmod lowmemkiller
ktap_done
