#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module metadata: every parameter has a description, and the license
# (GPL), author, description, version (MODULE_VERSION, equal to
# LMK_VERSION) and srcversion are present.  The parameter names come from
# the module's own __param_str_<name> symbols, so a module_param*() without
# MODULE_PARM_DESC() is caught even though modinfo would not list it.
#
# usage: modinfo.sh <build-dir>
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$1
errors=0

err()
{
	echo "modinfo: FAIL: $*" >&2
	errors=$((errors + 1))
}

# The newest installed non-RT kernel with headers.
kver=$(for d in /usr/src/linux-headers-*-amd64; do
	       [ -f "$d/Makefile" ] && echo "${d#/usr/src/linux-headers-}"
       done | grep -v -- -rt- | sort -V | tail -1)
[ -n "$kver" ] || { echo "modinfo: no kernel headers in /usr/src" >&2; exit 1; }

out=$build/modinfo-build
sh "$root/scripts/build-module.sh" "$kver" "/usr/src/linux-headers-$kver" \
	"$out" >/dev/null
ko=$out/lowmemkiller.ko
echo "modinfo: $ko ($kver)"
modinfo "$ko"

field()
{
	modinfo -F "$1" "$ko"
}

[ "$(field license)" = GPL ] || err "license is '$(field license)', want GPL"
[ -n "$(field author)" ] || err "no MODULE_AUTHOR"
[ -n "$(field description)" ] || err "no MODULE_DESCRIPTION"
want=$(sed -n 's/^#define LMK_VERSION[[:space:]]*"\([^"]*\)".*/\1/p' \
	"$root/internal.h")
[ "$(field version)" = "$want" ] ||
	err "version is '$(field version)', want '$want' (LMK_VERSION)"
field srcversion | grep -Eq '^[0-9A-F]{23}$' ||
	err "no srcversion (modpost adds it to modules with MODULE_VERSION)"

params=$(nm "$ko" | sed -n 's/^[0-9a-f]* [a-zA-Z] __param_str_//p' | sort)
[ -n "$params" ] || err "no parameters found in the module's symbols"
for p in $params; do
	desc=$(field parm | sed -n "s/^$p://p" | sed 's/ ([a-z]*)$//')
	if [ -z "$desc" ]; then
		err "parameter $p has no MODULE_PARM_DESC"
	else
		echo "modinfo: $p: $desc"
	fi
done
# Descriptions of parameters that do not exist.
for p in $(field parm | sed 's/:.*//'); do
	echo "$params" | grep -qx "$p" || err "description of unknown parameter $p"
done

[ "$errors" -eq 0 ] || exit 1
echo "modinfo: ok: $(echo "$params" | wc -l) parameters described"
