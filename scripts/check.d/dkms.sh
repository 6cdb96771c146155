#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS packaging: dkms.conf's PACKAGE_VERSION is MODULE_VERSION, and
# "dkms add" + "dkms build" produce lowmemkiller.ko for every installed
# Debian 6.1 and 6.12 kernel (RT included) from the sources "make dkms-src"
# stages; "dkms remove --all" then unregisters it.
#
# Everything happens in private DKMS trees under a temporary directory
# (--sourcetree, --dkmstree, --installtree, and a throw-away signing key),
# so nothing is built in the checkout, nothing is installed into
# /lib/modules, /usr/src or /var/lib/dkms, and nothing is left behind, even
# on failure.
#
# usage: dkms.sh <build-dir>
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)

fail()
{
	echo "dkms: FAIL: $*" >&2
	exit 1
}

command -v dkms >/dev/null || fail "dkms not found (make deps)"

ver=$(sed -n 's/^PACKAGE_VERSION="\([^"]*\)".*/\1/p' "$root/dkms.conf")
lmk=$(sed -n 's/^#define LMK_VERSION[[:space:]]*"\([^"]*\)".*/\1/p' \
	"$root/internal.h")
[ -n "$ver" ] || fail "no PACKAGE_VERSION in dkms.conf"
[ "$ver" = "$lmk" ] ||
	fail "dkms.conf PACKAGE_VERSION $ver is not LMK_VERSION $lmk (internal.h)"
echo "dkms: lowmemkiller/$ver"

kvers=
for kdir in /usr/src/linux-headers-6.1.*-amd64 \
	    /usr/src/linux-headers-6.12.*-amd64; do
	[ -f "$kdir/Makefile" ] || continue
	kvers="$kvers ${kdir#/usr/src/linux-headers-}"
done
case $kvers in
*" 6.1."*) ;;
*) fail "no 6.1 kernel headers in /usr/src (make deps)" ;;
esac
case $kvers in
*" 6.12."*) ;;
*) fail "no 6.12 kernel headers in /usr/src (make deps)" ;;
esac

modules_before=$(find /lib/modules -path '*/lowmemkiller.ko*' 2>/dev/null |
		 sort)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lmk-dkms.XXXXXX")
dk=(dkms --sourcetree "$tmp/src" --dkmstree "$tmp/dkms"
    --installtree "$tmp/install")
# dkms signs what it builds; keep its key out of /var/lib/dkms.
export mok_signing_key=$tmp/mok.key mok_certificate=$tmp/mok.pub

# shellcheck disable=SC2317 # called from the EXIT trap
cleanup()
{
	"${dk[@]}" remove "lowmemkiller/$ver" --all >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/src" "$tmp/dkms" "$tmp/install"

stage=$tmp/stage/lowmemkiller-$ver
make -s -C "$root" dkms-src DKMS_SRC="$stage" ||
	fail "make dkms-src failed"
[ -f "$stage/dkms.conf" ] || fail "dkms.conf not staged"
for f in "$stage"/lmk_config.h "$stage"/*.ko "$stage"/*.o; do
	[ ! -e "$f" ] || fail "build product $(basename "$f") staged"
done

"${dk[@]}" add "$stage" || fail "dkms add"
"${dk[@]}" status | grep -q "^lowmemkiller/$ver" ||
	fail "dkms status does not list lowmemkiller/$ver after add"

for kver in $kvers; do
	echo "dkms: build for $kver"
	if ! "${dk[@]}" build "lowmemkiller/$ver" -k "$kver" \
	     --kernelsourcedir "/usr/src/linux-headers-$kver"; then
		cat "$tmp/dkms/lowmemkiller/$ver/build/make.log" 2>/dev/null
		fail "dkms build for $kver"
	fi
	ko=
	for f in "$tmp/dkms/lowmemkiller/$ver/$kver"/*/module/lowmemkiller.ko*; do
		[ -f "$f" ] && ko=$f
	done
	[ -n "$ko" ] || fail "no lowmemkiller.ko built for $kver"
	got=$(modinfo -F vermagic "$ko" | awk '{ print $1 }')
	[ "$got" = "$kver" ] || fail "$ko: vermagic $got, want $kver"
	got=$(modinfo -F version "$ko")
	[ "$got" = "$ver" ] || fail "$ko: version $got, want $ver"
	echo "dkms: $kver: ${ko#"$tmp"/dkms/} (vermagic and version ok)"
done

"${dk[@]}" status
"${dk[@]}" remove "lowmemkiller/$ver" --all || fail "dkms remove --all"
! "${dk[@]}" status | grep -q "^lowmemkiller" ||
	fail "dkms status still lists lowmemkiller after remove --all"

modules_after=$(find /lib/modules -path '*/lowmemkiller.ko*' 2>/dev/null |
		sort)
[ "$modules_before" = "$modules_after" ] ||
	fail "/lib/modules changed: $modules_after"
echo "dkms: ok: built for$kvers"
