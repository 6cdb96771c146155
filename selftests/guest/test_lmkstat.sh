#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tools/lmkstat shows the table in force with each row's state, the row
# that would fire, the candidates in kill order and the recent kills.  Runs
# with dry_run set: row 1 is crossed on purpose and nothing may die.
. /tests/lib.sh

LMKSTAT=/tests/lmkstat
[ -f "$LMKSTAT" ] || skip_all "$LMKSTAT is not in the payload"

ktap_plan 16
# minfree may not exceed RAM; RAM in pages crosses row 1 for sure.
total=$(awk '/^MemTotal:/ { print int($2 / 4) }' /proc/meminfo)
mib=$((total / 256))
check "insmod with dry_run=Y" lmk_load dry_run=Y
check "write minfree" write "$P/minfree" "1024,$total"
check "write adj" write "$P/adj" "100,600"

sleep 1000 &
high=$!
sleep 1000 &
low=$!
check "set adj 700 on pid $high" write /proc/$high/oom_score_adj 700
check "set adj 300 on pid $low" write /proc/$low/oom_score_adj 300

# The poll's dry run logs the 700 process; wait for it to show up.
i=0
while ! grep -q "pid=$high .*dry_run=1" "$KILLS" && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done

out=$(sh "$LMKSTAT")
echo "$out" | sed 's/^/# /'

has()
{
	echo "$out" | grep -Eq "$1"
}

check "row 0 line: 1024 pages, 4 MiB, adj 100, not crossed" \
	has '^ +0 +1024 +4 +100 +not crossed$'
check "row 1 line: $total pages, $mib MiB, adj 600, crossed" \
	has "^ +1 +$total +$mib +600 +crossed\$"
check "a row-state line exists" has '^ +[0-9]+ +[0-9]+ +[0-9]+ +-?[0-9]+ +(crossed|not crossed)$'
check "row 1 would fire with min_adj 600" has '^would fire now: row 1, min_adj 600'

# rank of a pid in the candidate list (its line number), or nothing
rank()
{
	echo "$out" | awk -v pid="$1" '
		/^candidates:/ { on = 1; next }
		on && $2 == pid { print $1; exit }'
}
hr=$(rank $high)
lr=$(rank $low)
echo "# ranks: adj 700 pid $high: ${hr:-absent}, adj 300 pid $low: ${lr:-absent}"
check "adj 700 process is the next victim" has "^ +1 +$high +700 .*next victim"
check "adj 700 ranks above adj 300" \
	test -n "$hr" -a -n "$lr" -a "${hr:-0}" -lt "${lr:-0}"
check "recent kills show the dry run" has "pid=$high .*dry_run=1"

# other_free as lmkstat estimates it against the module's own, from the
# latest dry-run entry: within 5% on an idle guest.
mine=$(echo "$out" | sed -n 's/^memory (pages): other_free \([0-9]*\) .*/\1/p')
theirs=$(grep -v '^#' "$KILLS" | tail -n 1 | sed -n 's/.* free_kb=\([0-9]*\) .*/\1/p')
theirs=$((${theirs:-0} / 4))
diff=$((${mine:-0} - theirs))
[ "$diff" -ge 0 ] || diff=$((-diff))
echo "# other_free: lmkstat ${mine:-?} pages, module $theirs pages"
check "lmkstat other_free is within 5% of the module's" \
	test -n "$mine" -a "$theirs" -gt 0 -a $((diff * 20)) -le "$theirs"

check "other_free breakdown: free, per-cpu, reserve" \
	has '^  other_free = free [0-9]+ \+ per-cpu [0-9]+ - reserve [0-9]+ \(high watermark \+ protection per zone\)$'

kill $high $low
wait $high $low 2>/dev/null
expect_eq "dry run: nothing was killed" "$(cat "$S/kills")" 0
check "rmmod succeeds" rmmod lowmemkiller
ktap_done
