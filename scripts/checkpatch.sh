#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.pl --strict over every C file and header of the project.
#
# usage: checkpatch.sh <linux-source-dir from linux-source.sh>
set -eu

cp=$1/scripts/checkpatch.pl
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
files=$(find . -name '*.[ch]' ! -path './build/*' ! -path './.git/*' \
	! -name '*.mod.c' ! -name lmk_config.h | sort)
# checkpatch looks for its data files next to itself.
# shellcheck disable=SC2086 # one argument per file
perl "$cp" --strict --no-tree --quiet --show-types -f $files
