#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Documentation: Documentation/ builds with Sphinx, warnings as errors; the
# ABI file is well formed (the kernel's scripts/get_abi.pl validate); and
# every parameter, statistics file, tracepoint field, uevent key and kill
# log field the module defines is described, so the documentation cannot
# fall behind the code.
#
# usage: docs.sh <build-dir>
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$1
guide=Documentation/admin-guide/lowmemkiller.rst
abi=Documentation/ABI/testing/sysfs-module-lowmemkiller
errors=0

err()
{
	echo "docs: FAIL: $*" >&2
	errors=$((errors + 1))
}

cd "$root"

# Debian's interpreter: a python3 earlier in PATH may lack Sphinx.
py=/usr/bin/python3
"$py" -c 'import sphinx' 2>/dev/null || {
	echo "docs: $py has no sphinx (apt-get install python3-sphinx)" >&2
	exit 1
}
rm -rf "$build/docs"
echo "docs: $py -m sphinx -W --keep-going -b html Documentation $build/docs"
"$py" -m sphinx -W --keep-going -b html Documentation "$build/docs" ||
	err "Sphinx build (warnings are errors)"

# The ABI file's format, checked by the kernel's own parser.
tar=/usr/src/linux-source-6.12.tar.xz
get_abi=$build/abi/get_abi.pl
if [ ! -f "$get_abi" ]; then
	[ -f "$tar" ] || { echo "docs: $tar not found (make deps)" >&2; exit 1; }
	mkdir -p "$build/abi"
	tar -xJf "$tar" -C "$build/abi" --strip-components=2 \
		linux-source-6.12/scripts/get_abi.pl
fi
out=$(perl "$get_abi" --dir Documentation/ABI validate 2>&1)
if [ -n "$out" ]; then
	echo "$out" >&2
	err "get_abi.pl validate $abi"
fi

# need <file> <what> <extended regex>: <file> must match <regex>
need()
{
	grep -Eq -- "$3" "$1" || err "$2 is not described in $1"
}

params=$(grep -ohE 'MODULE_PARM_DESC\([a-z0-9_]+' ./*.c | sed 's/.*(//' |
	 sort -u)
[ -n "$params" ] || err "no MODULE_PARM_DESC found in the sources"
for p in $params; do
	need "$abi" "parameter $p" \
		"^What:[[:space:]]+/sys/module/lowmemkiller/parameters/$p\$"
	need "$guide" "parameter $p" "^$p\$"
done

stats=$(awk '/lmk_stat_names\[\] = \{/, /^\};/' ./*.c |
	sed -n 's/.*= *"\([a-z0-9_]*\)".*/\1/p')
stats="$stats $(grep -ohE '__ATTR\([a-z0-9_]+' ./*.c | sed 's/.*(//')"
[ -n "${stats// /}" ] || err "no statistics found in the sources"
for s in $stats; do
	need "$abi" "statistic $s" \
		"^What:[[:space:]]+/sys/module/lowmemkiller/stats/$s\$"
	need "$guide" "statistic $s" "\`\`$s\`\`"
done

fields=$(grep -oE '__(field|array)\([^,]+, *[a-z0-9_]+' lowmemkiller_trace.h |
	 sed 's/.*, *//')
[ -n "$fields" ] || err "no tracepoint fields found in lowmemkiller_trace.h"
for f in $fields; do
	need "$guide" "tracepoint field $f" "^\`\`$f\`\` "
done

keys=$(grep -ohE '"LMK_[A-Z_]+=' ./*.c | tr -d '"=' | sort -u)
[ -n "$keys" ] || err "no uevent keys found in the sources"
for k in $keys; do
	need "$guide" "uevent key $k" "\`\`${k}[=\`]"
done

logkeys=$(grep -ohE ' [a-z_]+=%' sysfs.c | tr -d ' =%' | sort -u)
for k in $logkeys exit_ms; do
	need "$guide" "kill log field $k" "[ #]$k="
done

[ "$errors" -eq 0 ] || exit 1
count()
{
	echo $#
}
# shellcheck disable=SC2086 # one word per name
echo "docs: ok: $(count $params) parameters, $(count $stats) statistics," \
	"$(count $fields) trace fields, $(count $keys) uevent keys and" \
	"$(count $logkeys exit_ms) kill log fields described;" \
	"html in $build/docs/index.html"
