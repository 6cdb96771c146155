#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the benchmark's guest disk: a raw ext4 image, mounted read-only at
# /mnt in the guest, holding the host's earlyoom and stress-ng with every
# shared library they load and the dynamic loader, and the file-cache
# scenario's working set.  No loop mount: mke2fs copies a staging tree.
#
#   /mnt/bin/earlyoom, /mnt/bin/stress-ng
#   /mnt/lib/*                      their ldd closure, ld-linux-x86-64.so.2
#   /mnt/data/workset               WORKSET_MB MiB of random data
#
# The guest runs the binaries with LD_LIBRARY_PATH=/mnt/lib and a
# /lib64/ld-linux-x86-64.so.2 link to /mnt/lib, so that their command names
# stay their own.
#
# Usage: mkdisk.sh <out.img>
# Environment: WORKSET_MB (default 96).

set -eu

[ $# -eq 1 ] || {
	echo "usage: $0 <out.img>" >&2
	exit 2
}
out=$1
workset_mb=${WORKSET_MB:-96}

die()
{
	echo "mkdisk: error: $*" >&2
	exit 1
}

command -v mke2fs >/dev/null || die "mke2fs not found (Debian package 'e2fsprogs')"
for tool in earlyoom stress-ng; do
	command -v "$tool" >/dev/null || die "$tool not found (Debian package '$tool')"
done

stage=$(mktemp -d "${TMPDIR:-/tmp}/lmk-benchdisk.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib" "$stage/data"

for tool in earlyoom stress-ng; do
	bin=$(command -v "$tool")
	cp -L "$bin" "$stage/bin/$tool"
	# "libfoo.so => /path (addr)" and the loader's "/path (addr)"
	ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
		while read -r lib; do
			cp -L "$lib" "$stage/lib/"
		done
done
[ -f "$stage/lib/ld-linux-x86-64.so.2" ] || die "no dynamic loader in the ldd output"

head -c "$((workset_mb * 1024 * 1024))" /dev/urandom >"$stage/data/workset"

# the tree plus a quarter and 16 MiB for ext4's metadata
kb=$(du -sk "$stage" | cut -f1)
size_mb=$((kb * 5 / 4 / 1024 + 16))
mkdir -p "$(dirname "$out")"
rm -f "$out.tmp"
truncate -s "${size_mb}M" "$out.tmp"
# no metadata checksums: the guest's ext4 then needs no crc32c module
mke2fs -q -F -t ext4 -O ^metadata_csum,^has_journal -L lmkbench \
	-d "$stage" "$out.tmp"
mv "$out.tmp" "$out"
echo "mkdisk: $out: ${size_mb} MiB, earlyoom, stress-ng, $(ls "$stage/lib" | wc -l) libraries, ${workset_mb} MiB working set"
