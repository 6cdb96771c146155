#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug lane: the whole in-guest suite under a kernel built with KASAN,
# lockdep, DEBUG_ATOMIC_SLEEP, kmemleak and KUnit (scripts/debug-kernel.sh,
# built once and cached; the first build takes a long time), plus the
# KUnit suite of the policy (kunit/) and a kmemleak scan after unload
# (debug/guest/).  Ends with one "N passed, N failed" line; exits non-zero
# on any failure.
#
# usage: check-debug.sh [--no-kernel-build]
#   --no-kernel-build   run the lane only if the debug kernel is already
#                       built (exit 1 otherwise); what "make check" uses
#
# Environment: DEBUG_MEM guest memory in MB (default 768), LMK_CACHE as in
# scripts/debug-kernel.sh.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
build=$root/build
mem=${DEBUG_MEM:-768}
. "$root/scripts/check-lib.sh"

finish()
{
	summary
	exit
}

case ${1:-} in
'')
	echo "== debug kernel"
	if ! scripts/debug-kernel.sh; then
		result 1 "debug kernel builds"
		finish
	fi
	;;
--no-kernel-build)
	scripts/debug-kernel.sh --check || {
		echo "debug kernel not built (make check-debug builds it)" >&2
		exit 1
	}
	;;
*)
	sed -n '/^# usage:/,/^set -u/s/^# \{0,1\}//p' "$0" >&2
	exit 2
	;;
esac
read -r kver kdir vmlinuz modroot < <(scripts/debug-kernel.sh --print)
echo "debug kernel $kver, built in $(cat "${vmlinuz%/*}/build-seconds")s," \
	"KDIR $kdir"

sh scripts/linux-source.sh "$build/linux-source" || exit 1

echo "== $kver: build (W=1, sparse)"
mod=$build/mod/$kver
if sh scripts/build-module.sh "$kver" "$kdir" "$mod"; then
	result 0 "$kver: module builds warning-free"
else
	result 1 "$kver: module builds warning-free"
	finish
fi

# The KUnit module includes "../lowmemkiller.h": keep that layout.
echo "== $kver: KUnit module build (W=1, sparse)"
kunit=$build/mod/$kver-kunit
rm -rf "$kunit"
mkdir -p "$kunit/kunit" "$kunit/selftests"
cp kunit/Kbuild kunit/*.c "$kunit/kunit/"
cp lowmemkiller.h "$kunit/"
cp selftests/policy_cases.h "$kunit/selftests/"
log=$kunit/build.log
if make -C "$kdir" M="$kunit/kunit" W=1 C=2 modules >"$log" 2>&1 &&
   ! grep -E "warning:|error:" "$log"; then
	result 0 "$kver: KUnit module builds warning-free"
else
	cat "$log"
	result 1 "$kver: KUnit module builds warning-free"
fi

# Under TCG the debug kernel runs about 20 times slower than Debian's (a
# sysfs read takes 7 ms instead of 0.25 ms; kmemleak alone is 40% of it):
# the guest programs get a kselftest harness whose default per-test timeout
# is 600 s instead of 30 s, and each test program 1200 s (run.sh -p).
echo "== $kver: guest payload"
ksft=$build/linux-source-debug/ksft
mkdir -p "$ksft"
cp "$build/linux-source/ksft/kselftest.h" "$ksft/"
sed 's/^#define TEST_TIMEOUT_DEFAULT 30$/#define TEST_TIMEOUT_DEFAULT 600/' \
	"$build/linux-source/ksft/kselftest_harness.h" \
	>"$ksft/kselftest_harness.h"
grep -q '^#define TEST_TIMEOUT_DEFAULT 600$' "$ksft/kselftest_harness.h" ||
	echo "warning: kselftest harness timeout not raised" >&2
payload=$build/payload-debug
if sh scripts/build-guest.sh "${ksft%/ksft}" "$payload" &&
   cp debug/guest/*.sh "$payload/" && chmod +x "$payload"/test_*; then
	result 0 "debug guest payload builds"
else
	result 1 "debug guest payload builds"
	finish
fi
[ ! -f "$kunit/kunit/lowmemkiller_kunit.ko" ] ||
	cp "$kunit/kunit/lowmemkiller_kunit.ko" "$payload/"

# no5lvl: TCG's "-cpu max" offers 5-level paging, and with it 6.12 KASAN
# misreads an interrupt that lands while identify_cpu() has cleared the
# boot CPU's LA57 flag as a wild access (a boot-time false positive).
echo "== $kver: in-guest suite (KASAN, lockdep, kmemleak, KUnit)"
out=$build/qemu/$kver.summary
mkdir -p "$build/qemu"
selftests/qemu/run.sh -k "$vmlinuz" -L "$modroot" -a no5lvl \
	-m "$mem" -p 1200 -t 5400 "$kver" "$mod/lowmemkiller.ko" "$payload" |
	tee "$out" | grep -vE "^# (ok|# )"
add_guest "$kver" "$out"
finish
