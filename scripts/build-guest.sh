#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the in-guest test payload: static test programs and the shell tests.
#
# usage: build-guest.sh <linux-source-dir> <outdir>
set -eu

ksft=$1/ksft
out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
src=$root/selftests/guest

rm -rf "$out"
mkdir -p "$out"
for c in "$src"/*.c; do
	[ -e "$c" ] || continue
	name=$(basename "$c" .c)
	# The harness itself trips -Wunused-parameter and -Wclobbered.
	gcc -static -pthread -O2 -Wall -Werror -Wno-clobbered -I"$ksft" -I"$src" -I"$root" -ffile-prefix-map="$root/"= \
		-o "$out/$name" "$c"
done
for f in "$src"/*.sh "$src"/*.rules; do
	[ -e "$f" ] || continue
	cp "$f" "$out/"
done
cp -r "$root/examples/modprobe.d" "$root/tools/lmkstat" "$out/"
chmod +x "$out"/test_* "$out"/*.sh 2>/dev/null || true
cp "$root/examples/lmk-on-kill" "$out/"
cp "$root/Documentation/ABI/testing/sysfs-module-lowmemkiller" "$out/"
