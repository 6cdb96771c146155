#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build lowmemkiller.ko for one kernel in its own copy of the sources, with
# W=1 and sparse (C=2); any compiler or sparse warning fails the build.
#
# usage: build-module.sh <kver> <kdir> <outdir>
set -eu

kver=$1
kdir=$2
out=$3
src=$(cd "$(dirname "$0")/.." && pwd)

[ -f "$kdir/Makefile" ] || {
	echo "build-module: no kernel build tree at $kdir" >&2
	echo "  install it: apt-get install linux-headers-$kver" >&2
	exit 1
}
command -v sparse >/dev/null || {
	echo "build-module: sparse not found (apt-get install sparse)" >&2
	exit 1
}

rm -rf "$out"
mkdir -p "$out/scripts"
cp "$src"/Kbuild "$src"/Makefile "$src"/*.c "$src"/*.h "$out/"
cp "$src"/scripts/conftest.sh "$out/scripts/"

log=$out/build.log
if ! make -C "$out" KDIR="$kdir" W=1 C=2 >"$log" 2>&1; then
	cat "$log" >&2
	echo "build-module: $kver: build failed" >&2
	exit 1
fi
if grep -E "warning:|error:" "$log" >&2; then
	echo "build-module: $kver: warnings (W=1 or sparse)" >&2
	exit 1
fi
echo "build-module: $kver: ok (W=1, sparse quiet)"
