#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every lowmemkiller test: host unit tests, style and static-analysis
# gates, and the in-guest suite on every installed Debian kernel under QEMU.
# Ends with one "N passed, N failed" line; exits non-zero on any failure.
#
# usage: check.sh [kernel-filter]   (e.g. "6.12", "rt"; default: all)
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=$root/build
filter=${1:-}
. "$root/scripts/check-lib.sh"

sh scripts/linux-source.sh "$build/linux-source" || exit 1

echo "== host unit tests (lowmemkiller.h)"
log=$build/unit.log
make -s -C selftests/unit run KSFT_DIR="$build/linux-source/ksft" \
	O="$build/unit" >"$log" 2>&1
rc=$?
grep -E "^(not )?ok " "$log" | sed 's/^/  /'
tot=$(grep -E "^# Totals:" "$log")
echo "  $tot"
p=$(echo "$tot" | sed -n 's/^# Totals: pass:\([0-9]*\) fail:.*/\1/p')
f=$(echo "$tot" | sed -n 's/^# Totals: pass:[0-9]* fail:\([0-9]*\).*/\1/p')
if [ -z "$p" ] || [ "$rc" -ne 0 ]; then
	cat "$log"
	result 1 "unit tests ran"
else
	add "$p" "$f"
fi

echo "== checkpatch.pl --strict"
if sh scripts/checkpatch.sh "$build/linux-source" >"$build/checkpatch.log" 2>&1 &&
   ! grep -qE "^(ERROR|WARNING|CHECK)" "$build/checkpatch.log"; then
	result 0 "checkpatch --strict clean"
else
	cat "$build/checkpatch.log"
	result 1 "checkpatch --strict clean"
fi

# Host-side checks that need no guest: one test each, by exit status.
for t in scripts/check.d/*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	echo "== $name"
	if bash "$t" "$build" >"$build/$name.log" 2>&1; then
		result 0 "$name"
	else
		tail -40 "$build/$name.log"
		result 1 "$name"
	fi
done

echo "== guest payload"
sh scripts/build-guest.sh "$build/linux-source" "$build/payload"
result $? "guest test programs build"

kernels=$(selftests/qemu/kernels.sh $filter)
if [ -z "$kernels" ]; then
	echo "no kernel with headers and image installed (make deps)" >&2
	result 1 "a kernel to test"
fi
while read -r kver kdir; do
	[ -n "$kver" ] || continue
	echo "== $kver: build (W=1, sparse)"
	if ! sh scripts/build-module.sh "$kver" "$kdir" "$build/mod/$kver"; then
		result 1 "$kver: module builds warning-free"
		continue
	fi
	result 0 "$kver: module builds warning-free"

	echo "== $kver: in-guest suite"
	out=$build/qemu/$kver.summary
	mkdir -p "$build/qemu"
	selftests/qemu/run.sh -p 600 "$kver" "$build/mod/$kver/lowmemkiller.ko" \
		"$build/payload" | tee "$out" | grep -vE "^# (ok|# )" 
	add_guest "$kver" "$out"
done <<EOF_KERNELS
$kernels
EOF_KERNELS

# The debug lane (KASAN, lockdep, kmemleak, KUnit), if its kernel is built;
# building it is for "make check-debug".
if scripts/debug-kernel.sh --check; then
	echo "== debug lane"
	bash scripts/check-debug.sh --no-kernel-build |
		tee "$build/check-debug.log" | grep -vE "^# (ok|# )"
	tot=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$build/check-debug.log")
	if [ -n "$tot" ]; then
		read -r p _ f _ s _ <<<"$tot"
		add "$p" "$f" "$s"
	else
		result 1 "debug lane ran"
	fi
else
	echo "debug kernel not built (make check-debug builds it): debug lane skipped"
fi

summary
