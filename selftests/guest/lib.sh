# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the in-guest shell tests (busybox sh).  Each test
# prints KTAP: a plan, one "ok"/"not ok" line per check, and exits 0 when
# every check passed, 4 when skipped, 1 otherwise.

LMK_KO=${LMK_KO:-/lib/lowmemkiller/lowmemkiller.ko}
P=/sys/module/lowmemkiller/parameters
S=/sys/module/lowmemkiller/stats
KILLS=/sys/kernel/debug/lowmemkiller/kills

ktap_n=0
ktap_fail=0

ktap_plan()
{
	echo "KTAP version 1"
	echo "1..$1"
}

ok()
{
	ktap_n=$((ktap_n + 1))
	echo "ok $ktap_n $1"
}

not_ok()
{
	ktap_n=$((ktap_n + 1))
	ktap_fail=$((ktap_fail + 1))
	echo "not ok $ktap_n $1"
}

# check <description> <command...>: one result line from a command's status
check()
{
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# expect_eq <description> <got> <want>
expect_eq()
{
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		echo "# $1: got '$2', want '$3'"
		not_ok "$1"
	fi
}

ktap_done()
{
	echo "# $ktap_n checks, $ktap_fail failed"
	[ "$ktap_fail" -eq 0 ] && exit 0
	exit 1
}

skip_all()
{
	echo "KTAP version 1"
	echo "1..0 # SKIP $1"
	exit 4
}

lmk_load()
{
	lsmod | grep -q '^lowmemkiller ' && rmmod lowmemkiller
	insmod "$LMK_KO" "$@"
}

lmk_unload()
{
	lsmod | grep -q '^lowmemkiller ' || return 0
	rmmod lowmemkiller
}

# write <file> <value>: 0 if the kernel accepted the write (echo adds the
# newline a shell user's write has)
write()
{
	echo "$2" 2>/dev/null >"$1"
}
