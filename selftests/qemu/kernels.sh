#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# List the kernels installed on this host that the QEMU selftests can use:
# one "<kver> <kdir>" line per amd64 (or rt-amd64) kernel that has both
# /boot/vmlinuz-<kver> and /usr/src/linux-headers-<kver>, sorted by version.
#
# Usage: kernels.sh [FILTER]
#   FILTER selects kernels by <kver>:
#     - a version prefix ("6", "6.1", "6.12.117") matches whole version
#       components, so "6.1" selects 6.1.x but not 6.12.x;
#     - a glob ("6.1*", "*-rt-*") must match the whole <kver>;
#     - anything else ("rt", "deb12") is a substring match.

set -eu

filter=${1:-}

pattern=
case $filter in
"") pattern='*' ;;
*[!0-9.]*) ;;
*) pattern="${filter}[.+-]*" ;;
esac
if [ -z "$pattern" ]; then
	case $filter in
	*[*?[]*) pattern=$filter ;;
	*) pattern="*$filter*" ;;
	esac
fi

for vmlinuz in /boot/vmlinuz-*; do
	[ -e "$vmlinuz" ] || continue
	kver=${vmlinuz#/boot/vmlinuz-}
	case $kver in
	*-amd64) ;;
	*) continue ;;
	esac
	# shellcheck disable=SC2254
	case $kver in
	$pattern) ;;
	*) continue ;;
	esac
	kdir=/usr/src/linux-headers-$kver
	[ -d "$kdir" ] || continue
	printf '%s %s\n' "$kver" "$kdir"
done | sort -V
