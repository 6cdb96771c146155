#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the gzip'd newc initramfs used by the QEMU selftests.
#
# Usage: mkinitramfs.sh <out.cpio.gz> <kver> <ko> <payload-dir>
#
# The image contains a static busybox (all applets linked in /bin and
# /sbin), the module under test at /lib/lowmemkiller/lowmemkiller.ko and
# /lib/modules/<kver>/updates/lowmemkiller.ko (with modules.dep, so
# "modprobe lowmemkiller" works), helper kernel modules copied from the
# host in /lib/extra (load them with "loadmod <name>"), <payload-dir>
# copied to /tests, and selftests/qemu/init as /init.
#
# Environment:
#   BUSYBOX       static busybox binary to use (default /bin/busybox)
#   LMK_MODULES   helper modules to copy from /lib/modules/<kver>
#                 (default "zram brd virtio_blk virtio_pci"); their
#                 dependencies are added automatically.
#   LMK_MODROOT   take the helper modules from
#                 $LMK_MODROOT/lib/modules/<kver> instead, e.g. a kernel
#                 installed with "make modules_install INSTALL_MOD_PATH=..."

set -eu

die()
{
	echo "mkinitramfs: error: $*" >&2
	exit 1
}

warn()
{
	echo "mkinitramfs: warning: $*" >&2
}

[ $# -eq 4 ] || {
	echo "usage: $0 <out.cpio.gz> <kver> <ko> <payload-dir>" >&2
	exit 2
}

out=$1
kver=$2
ko=$3
payload=$4

here=$(cd "$(dirname "$0")" && pwd)
busybox=${BUSYBOX:-/bin/busybox}
helper_modules=${LMK_MODULES:-zram brd virtio_blk virtio_pci}
moddir=${LMK_MODROOT:-}/lib/modules/$kver

command -v cpio >/dev/null ||
	die "cpio not found (Debian package 'cpio')"
command -v gzip >/dev/null ||
	die "gzip not found (Debian package 'gzip')"
[ -x "$busybox" ] ||
	die "$busybox not found (install the Debian package 'busybox-static')"
if command -v file >/dev/null; then
	file -L "$busybox" | grep -Eq 'statically linked|static-pie linked' ||
		die "$busybox is not statically linked (install 'busybox-static', not 'busybox')"
elif command -v ldd >/dev/null; then
	! ldd "$busybox" >/dev/null 2>&1 ||
		die "$busybox is dynamically linked (install 'busybox-static', not 'busybox')"
else
	warn "neither file nor ldd found, cannot check that $busybox is static"
fi
[ -f "$ko" ] || die "module '$ko' not found"
[ -d "$payload" ] || die "payload directory '$payload' not found"
[ -f "$here/init" ] || die "$here/init not found"
[ -d "$moddir" ] || warn "$moddir not found, no helper modules"

# Decompress a (possibly compressed) kernel module to a plain .ko file.
unpack_ko()
{
	case $1 in
	*.xz) xz -dc "$1" ;;
	*.zst) zstd -dc "$1" ;;
	*.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac >"$2"
}

modname()
{
	local n=${1##*/}

	n=${n%%.ko*}
	echo "${n//-/_}"
}

# Print the modules.dep line of module <name> as "<path> <dep-path>...",
# paths relative to $moddir, or nothing if the module is not modular.
# modules.dep lists every (recursive) dependency, to be loaded last first.
moddep_line()
{
	[ -f "$moddir/modules.dep" ] || return 0
	awk -v want="$1" -F': *' '
	{
		n = $1
		sub(/.*\//, "", n)
		sub(/\.ko.*/, "", n)
		gsub(/-/, "_", n)
		if (n == want) {
			print $1 " " $2
			exit
		}
	}' "$moddir/modules.dep"
}

is_builtin()
{
	local path

	[ -f "$moddir/modules.builtin" ] || return 1
	while read -r path; do
		[ "$(modname "$path")" = "$1" ] && return 0
	done <"$moddir/modules.builtin"
	return 1
}

# Copy module <name> and its dependencies from the host to /lib/extra and to
# the guest's /lib/modules/<kver>/kernel tree as plain .ko files, and record
# "<name>: <deps in load order>" in /lib/extra/deps.
add_module()
{
	local want=$1 line path name dst deps=

	grep -q "^$want:" "$root/lib/extra/deps" && return 0
	line=$(moddep_line "$want")
	if [ -z "$line" ]; then
		if is_builtin "$want"; then
			echo "mkinitramfs: $want is built into $kver"
		else
			warn "module $want not found for $kver, skipped"
		fi
		return 0
	fi
	for path in $line; do
		name=$(modname "$path")
		[ "$name" = "$want" ] || deps="$name $deps"
		[ -f "$root/lib/extra/$name.ko" ] && continue
		dst=$root/lib/modules/$kver/${path%.ko*}.ko
		mkdir -p "${dst%/*}"
		if ! unpack_ko "$moddir/$path" "$dst"; then
			warn "cannot decompress $moddir/$path, $want skipped"
			rm -f "$dst"
			return 0
		fi
		cp "$dst" "$root/lib/extra/$name.ko"
	done
	echo "$want: ${deps% }" >>"$root/lib/extra/deps"
	for name in $deps; do
		add_module "$name"
	done
}

root=$(mktemp -d "${TMPDIR:-/tmp}/lmk-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,dev,etc,lib/lowmemkiller,lib/extra,proc,sys,tmp,root,mnt,run,tests}
mkdir -p "$root/lib/modules/$kver/updates"
mkdir -p "$root/usr"
ln -s ../bin "$root/usr/bin"
ln -s ../sbin "$root/usr/sbin"
chmod 1777 "$root/tmp"

# busybox and its applets
cp "$busybox" "$root/bin/busybox"
chmod 755 "$root/bin/busybox"
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] && continue
	ln -s busybox "$root/bin/$applet"
	ln -s ../bin/busybox "$root/sbin/$applet"
done

# Without /dev/console the kernel starts /init with no stdio; /init copes,
# but only root can create the node here.
mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true

cat >"$root/etc/passwd" <<EOF
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<EOF
root:x:0:
nogroup:x:65534:
EOF
echo lmk-guest >"$root/etc/hostname"

# the module under test
vermagic=
if command -v modinfo >/dev/null; then
	vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null | awk '{print $1}')
fi
if [ -n "$vermagic" ] && [ "$vermagic" != "$kver" ]; then
	die "$ko is built for $vermagic, not $kver"
fi
unpack_ko "$ko" "$root/lib/lowmemkiller/lowmemkiller.ko"
cp "$root/lib/lowmemkiller/lowmemkiller.ko" "$root/lib/modules/$kver/updates/"

if command -v modinfo >/dev/null; then
	for dep in $(modinfo -F depends "$ko" 2>/dev/null | tr , ' '); do
		helper_modules="$helper_modules $dep"
	done
fi

# helper modules from the host
: >"$root/lib/extra/deps"
for f in modules.builtin modules.builtin.modinfo; do
	[ -f "$moddir/$f" ] && cp "$moddir/$f" "$root/lib/modules/$kver/"
done
for want in $helper_modules; do
	add_module "$(modname "$want")"
done

(cd "$root/lib/modules/$kver" && find kernel updates -name '*.ko' | LC_ALL=C sort) \
	>"$root/lib/modules/$kver/modules.order"

if command -v depmod >/dev/null; then
	depmod -b "$root" "$kver" ||
		die "depmod failed"
else
	warn "depmod not found, /init will run busybox depmod at boot"
fi

cat >"$root/bin/loadmod" <<'EOF'
#!/bin/sh
# Usage: loadmod <module> [params...]
# Load a helper module from /lib/extra after its dependencies.
set -e
[ $# -ge 1 ] || { echo "usage: loadmod <module> [params...]" >&2; exit 2; }
name=$(echo "$1" | tr - _)
shift
loaded()
{
	[ -e "/sys/module/$1/initstate" ] ||
		grep -q "^$1 " /proc/modules 2>/dev/null
}
line=$(grep "^$name:" /lib/extra/deps) || {
	if grep -Eq "/$name\.ko|/$(echo "$name" | tr _ -)\.ko" \
		"/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null; then
		exit 0
	fi
	echo "loadmod: module $name not available" >&2
	exit 1
}
for dep in ${line#*:}; do
	loaded "$dep" || insmod "/lib/extra/$dep.ko"
done
loaded "$name" || insmod "/lib/extra/$name.ko" "$@"
EOF
chmod 755 "$root/bin/loadmod"

# test payload
cp -a "$payload/." "$root/tests/"

cp "$here/init" "$root/init"
chmod 755 "$root/init"

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0) | gzip -6n >"$out.tmp"
mv "$out.tmp" "$out"
