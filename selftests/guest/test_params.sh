#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Parameters read back what was written, in canonical form; legacy adj
# tables are converted; malformed writes fail with EINVAL and leave every
# parameter as it was.
. /tests/lib.sh

ktap_plan 79
lmk_load || { echo "# insmod failed"; exit 1; }

# Defaults, as documented.
expect_eq "default minfree" "$(cat $P/minfree)" "1536,2048,4096,16384"
expect_eq "default adj" "$(cat $P/adj)" "0,58,352,705"
expect_eq "default cost" "$(cat $P/cost)" 32
expect_eq "default debug_level" "$(cat $P/debug_level)" 1
expect_eq "default death_timeout_ms" "$(cat $P/death_timeout_ms)" 1000
expect_eq "default dry_run" "$(cat $P/dry_run)" N
expect_eq "default uevent_identity" "$(cat $P/uevent_identity)" N
expect_eq "default victim_size" "$(cat $P/victim_size)" "rss+swap"
expect_eq "default kill_log_size" "$(cat $P/kill_log_size)" 64
expect_eq "default poll_ms" "$(cat $P/poll_ms)" 10
expect_eq "default deficit_kills" "$(cat $P/deficit_kills)" 15
expect_eq "default thrashing_limit" "$(cat $P/thrashing_limit)" 50

# Good writes read back canonically.
check "write minfree" write $P/minfree "1024,2048,3072,4096,5120,6144"
expect_eq "minfree reads back" "$(cat $P/minfree)" "1024,2048,3072,4096,5120,6144"
check "write adj" write $P/adj "-500,0,100,200,300,1000"
expect_eq "adj reads back" "$(cat $P/adj)" "-500,0,100,200,300,1000"
check "write minfree with plus sign" write $P/minfree "+10,20"
expect_eq "minfree canonical form" "$(cat $P/minfree)" "10,20"
expect_eq "adj untouched by minfree write" "$(cat $P/adj)" "-500,0,100,200,300,1000"

# Legacy oom_adj conversion (every entry within -17..15).
check "write legacy adj" write $P/adj "0,1,6,12"
expect_eq "legacy adj converted" "$(cat $P/adj)" "0,58,352,705"
check "write legacy extremes" write $P/adj "-17,15"
expect_eq "legacy -17,15 converted" "$(cat $P/adj)" "-1000,1000"
check "write non-legacy adj" write $P/adj "0,16"
expect_eq "adj with 16 kept as is" "$(cat $P/adj)" "0,16"

# Scalars.
check "write cost" write $P/cost 64
expect_eq "cost reads back" "$(cat $P/cost)" 64
check "write death_timeout_ms" write $P/death_timeout_ms 250
expect_eq "death_timeout_ms reads back" "$(cat $P/death_timeout_ms)" 250
check "write victim_size rss" write $P/victim_size rss
expect_eq "victim_size reads back" "$(cat $P/victim_size)" rss
check "write dry_run" write $P/dry_run Y
expect_eq "dry_run reads back" "$(cat $P/dry_run)" Y
write $P/dry_run N
check "write uevent_identity" write $P/uevent_identity y
expect_eq "uevent_identity reads back" "$(cat $P/uevent_identity)" Y
write $P/uevent_identity N
check "write kill_log_size" write $P/kill_log_size 128
expect_eq "kill_log_size reads back" "$(cat $P/kill_log_size)" 128

# Establish a known state, then try malformed writes.
write $P/minfree "1536,2048,4096,16384"
write $P/adj "0,58,352,705"
snapshot()
{
	for f in minfree adj cost debug_level death_timeout_ms dry_run \
		 victim_size kill_log_size poll_ms deficit_kills thrashing_limit \
		 uevent_identity; do
		printf '%s=%s;' "$f" "$(cat $P/$f)"
	done
}
before=$(snapshot)

reject()
{
	if write "$P/$1" "$2"; then
		echo "# $1 accepted '$2'"
		not_ok "$1 rejects '$2'"
		return
	fi
	after=$(snapshot)
	if [ "$after" = "$before" ]; then
		ok "$1 rejects '$2', nothing changes"
	else
		echo "# before: $before"
		echo "# after:  $after"
		not_ok "$1 rejects '$2', nothing changes"
	fi
}

reject minfree ""
reject minfree "abc"
reject minfree "1,,2"
reject minfree ",1"
reject minfree "1,"
reject minfree "1, 2"
reject minfree " 1"
reject minfree "1.5"
reject minfree "0x10"
reject minfree "2,1"
reject minfree "1,1"
reject minfree "0"
reject minfree "-5"
reject minfree "1,2,3,4,5,6,7"
reject minfree "99999999999999999999999"
reject minfree "1000000000000"
reject minfree "12junk"
reject adj "1001"
reject adj "-1001"
reject adj "5,3"
reject adj "0,0"
reject adj "x"
reject adj "1 2"
reject adj "--1"
reject adj "1,2,3,4,5,6,7"
reject cost 0
reject cost 1001
reject cost -1
reject cost abc
reject debug_level 3
reject death_timeout_ms 5
reject death_timeout_ms 60001
reject dry_run maybe
reject uevent_identity yes
reject victim_size swap
reject victim_size ""
reject kill_log_size 0
reject kill_log_size 4097
reject poll_ms 10001
reject deficit_kills 16
reject thrashing_limit 1001
reject thrashing_limit -1

# The rejection is logged with its reason.
check "rejection reason logged" sh -c \
	'dmesg | grep -q "minfree: write rejected: empty list; old value kept"'

# Non-root cannot write.
if command -v su >/dev/null && id nobody >/dev/null 2>&1; then
	if su nobody -s /bin/sh -c "echo 1,2 > $P/minfree" 2>/dev/null; then
		not_ok "non-root write to minfree is refused"
	else
		ok "non-root write to minfree is refused"
	fi
else
	check "non-root write to minfree is refused" \
		sh -c "! chroot --userspec=65534:65534 / sh -c 'echo 1,2 > $P/minfree' 2>/dev/null"
fi
expect_eq "minfree unchanged after non-root write" "$(cat $P/minfree)" "1536,2048,4096,16384"

check "rmmod succeeds" rmmod lowmemkiller
ktap_done
