#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install what building and testing lowmemkiller needs, from Debian's
# archive, if it is not there yet.  Runs "apt-get update" only when
# something is missing.  Needs root (or sudo).
#
# usage: deps.sh [extra-package...]
set -eu

pkgs="
build-essential
libc6-dev
cpio
kmod
xz-utils
zstd
linux-headers-amd64
linux-image-amd64
linux-headers-6.12-amd64
linux-image-6.12-amd64
linux-headers-6.12-rt-amd64
linux-image-6.12-rt-amd64
linux-source-6.12
qemu-system-x86
busybox-static
sparse
dkms
python3-sphinx
bc
bison
flex
libelf-dev
libssl-dev
e2fsprogs
earlyoom
stress-ng
gnuplot-nox
$*
"

missing=
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	     grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null; then
		SUDO=sudo
	else
		echo "deps: need root to install:$missing" >&2
		exit 1
	fi
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086 # word splitting of the package list is wanted
$SUDO apt-get install -y -q --no-install-recommends $missing
