#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Extract the few files lowmemkiller uses from Debian's linux-source-6.12
# tarball: the kselftest harness headers and checkpatch.pl with its data.
# Nothing from the kernel tree is kept in the repository.
#
# usage: linux-source.sh <destdir>
#   <destdir>/ksft/kselftest_harness.h, <destdir>/ksft/kselftest.h
#   <destdir>/scripts/checkpatch.pl (+ spelling.txt, const_structs.checkpatch)
set -eu

dest=$1
tar=/usr/src/linux-source-6.12.tar.xz
top=linux-source-6.12

[ -f "$dest/.done" ] && exit 0
[ -f "$tar" ] || {
	echo "linux-source: $tar not found: apt-get install linux-source-6.12" >&2
	exit 1
}
mkdir -p "$dest/ksft" "$dest/scripts"
tar -xJf "$tar" -C "$dest" --strip-components=1 \
	"$top/tools/testing/selftests/kselftest_harness.h" \
	"$top/tools/testing/selftests/kselftest.h" \
	"$top/scripts/checkpatch.pl" \
	"$top/scripts/spelling.txt" \
	"$top/scripts/const_structs.checkpatch"
cp "$dest/tools/testing/selftests/kselftest_harness.h" \
   "$dest/tools/testing/selftests/kselftest.h" "$dest/ksft/"
touch "$dest/.done"
