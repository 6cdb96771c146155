#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the lowmemkiller debug kernel (KASAN, lockdep, kmemleak, KUnit...)
# from Debian's linux-source-6.12 and debug/lowmemkiller-debug.config, once:
# the result is cached outside the checkout, keyed by the fragment and the
# linux-source package version, in
#
#   ${LMK_CACHE:-/var/cache/lowmemkiller}/debug-kernel/<key>/
#     linux/         the fully built tree, usable as KDIR for M= builds
#     vmlinuz  System.map  .config  kver
#     root/lib/modules/<kver>/   the kernel's modules (modules_install)
#     build.log  build-seconds   the build's output and duration
#     ready          written last: the cache entry is complete
#
# An entry is about 2.4 GiB.  Once the current one is ready, the entries
# of other fragments or linux-source versions are removed, except one a
# build still holds the lock of.
#
# usage: debug-kernel.sh [--check | --print]
#   (none)    build the kernel unless it is cached, then print as --print
#   --check   exit 0 if the kernel is cached and ready, 1 otherwise
#   --print   print "<kver> <kdir> <vmlinuz> <modules-root>" (exit 1 if
#             the kernel is not built)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
fragment=$root/debug/lowmemkiller-debug.config
tarball=/usr/src/linux-source-6.12.tar.xz
top=linux-source-6.12
cache=${LMK_CACHE:-/var/cache/lowmemkiller}/debug-kernel

die()
{
	echo "debug-kernel: $*" >&2
	exit 1
}

mode=build
case ${1:-} in
'') ;;
--check) mode=check ;;
--print) mode=print ;;
*)
	sed -n '/^# usage:/,/^set -eu/s/^# \{0,1\}//p' "$0" >&2
	exit 2
	;;
esac

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) ||
	srcver=
if [ -z "$srcver" ] || [ ! -f "$tarball" ]; then
	[ "$mode" = build ] ||
		exit 1
	die "$tarball not found: apt-get install linux-source-6.12"
fi
[ -f "$fragment" ] || die "$fragment not found"

key=$({ cat "$fragment"; echo "$srcver"; } | sha256sum | cut -c1-16)
dir=$cache/$key

print()
{
	echo "$(cat "$dir/kver") $dir/linux $dir/vmlinuz $dir/root"
}

case $mode in
check)
	[ -f "$dir/ready" ]
	exit
	;;
print)
	[ -f "$dir/ready" ] || exit 1
	print
	exit 0
	;;
esac

# Every line of the fragment must have made it into .config: a symbol
# dropped by Kconfig (unmet dependency, renamed) fails the build early.
verify_config()
{
	local line sym got bad=0

	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			sym=${line%%=*}
			;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			;;
		*)
			continue
			;;
		esac
		got=$(grep -E "^$sym=|^# $sym is not set" .config || true)
		case $line in
		"#"*)
			# "not set" is also met by a symbol Kconfig hides
			[ -z "$got" ] || [ "$got" = "$line" ] || {
				echo "debug-kernel: .config has '$got', fragment wants '$line'" >&2
				bad=1
			}
			;;
		*)
			[ "$got" = "$line" ] || {
				echo "debug-kernel: .config has '${got:-nothing}'," \
					"fragment wants '$line'" >&2
				bad=1
			}
			;;
		esac
	done <"$fragment"
	return $bad
}

# The kernel's make must not inherit the make (and kernel-build variables)
# this script may run under.
unset MAKEFLAGS MFLAGS MAKELEVEL KBUILD_OUTPUT KCONFIG_CONFIG ARCH \
	CROSS_COMPILE KBUILD_EXTMOD M O W C
# set, even empty, so that setlocalversion never appends a "+"
export LOCALVERSION=

for tool in gcc make flex bison bc flock tar xz; do
	command -v "$tool" >/dev/null ||
		die "$tool not found (make deps)"
done
[ -f /usr/include/libelf.h ] || die "libelf.h not found (make deps)"
[ -f /usr/include/openssl/ssl.h ] || die "openssl headers not found (make deps)"

# Remove the entries other than the current one that no build holds.
prune()
{
	local old

	for old in "$cache"/*/; do
		old=${old%/}
		[ "$old" != "$dir" ] || continue
		(
			exec 8>"$old.lock"
			flock -n 8 || exit 0
			rm -rf "$old" "$old.lock"
			echo "debug-kernel: removed the stale entry $(basename "$old")"
		)
	done
}

mkdir -p "$cache"
exec 9>"$cache/$key.lock"
if ! flock -n 9; then
	echo "debug-kernel: another build of $key is running, waiting for it"
	flock 9
fi
if [ -f "$dir/ready" ]; then
	prune
	print
	exit 0
fi

rm -rf "$dir"
mkdir -p "$dir"
log=$dir/build.log
start=$(date +%s)

step()
{
	echo "debug-kernel: $1"
	shift
	if ! "$@" >>"$log" 2>&1; then
		tail -n 40 "$log" >&2
		die "failed, full log in $log"
	fi
}

echo "debug-kernel: building $key in $dir (linux-source $srcver, $(nproc) jobs)"
tmp=$(mktemp -d "$dir/extract.XXXXXX")
step "extracting $tarball" tar -xJf "$tarball" -C "$tmp"
mv "$tmp/$top" "$dir/linux"
rmdir "$tmp"
cd "$dir/linux"

step "configuring" make x86_64_defconfig
step "  + kvm_guest.config" make kvm_guest.config
step "  + $(basename "$fragment")" \
	scripts/kconfig/merge_config.sh -m .config "$fragment"
step "  olddefconfig" make olddefconfig
verify_config || die "the fragment does not apply cleanly"

step "building bzImage and modules (takes a while)" \
	make -j"$(nproc)" bzImage modules
kver=$(make -s kernelrelease)
step "installing modules to $dir/root" \
	make modules_install INSTALL_MOD_PATH="$dir/root"

cp arch/x86/boot/bzImage "$dir/vmlinuz"
cp System.map "$dir/System.map"
cp .config "$dir/.config"
echo "$kver" >"$dir/kver"
echo $(($(date +%s) - start)) >"$dir/build-seconds"
touch "$dir/ready"
echo "debug-kernel: $kver built in $(cat "$dir/build-seconds")s"
prune
print
