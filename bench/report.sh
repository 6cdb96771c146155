#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Turn the guests' output into the bench results: results.csv (one row per
# kernel, scenario and mode), RESULTS.md (the tables) and one plot per
# kernel and scenario (free, file and MemAvailable over time, the minfree
# rows, the kills labelled with their adj).
#
# Usage: report.sh <logs-dir> <results-dir>
#   <logs-dir>/<kver>/<scenario>-<mode>.log, <kver>/warm.log,
#   <kver>/scaling.log: the guests' results channel; <logs-dir>/boots.txt: "<kver> <name> <run.sh status>
#   <seconds>" per boot.
# Environment: BENCH_WALL (seconds of boots), BENCH_MEM, BENCH_SCALE_MEM.

set -eu

[ $# -eq 2 ] || {
	echo "usage: $0 <logs-dir> <results-dir>" >&2
	exit 2
}
logs=$1
results=$2
mkdir -p "$results"
plots=$(mktemp -d "${TMPDIR:-/tmp}/lmk-benchplot.XXXXXX")
trap 'rm -rf "$plots"' EXIT

csv=$results/results.csv
md=$results/RESULTS.md

# an awk rule that reads a "<TAG> key=value ..." line into v[]
kv_awk='
{
	split("", v)
	for (i = 2; i <= NF; i++) {
		eq = index($i, "=")
		v[substr($i, 1, eq - 1)] = substr($i, eq + 1)
	}
}'

# awk helpers for the tables: MiB from kB, and the walks cell (walks, mean
# and longest walk in µs, processes per walk) from results.csv's columns
fmt_awk='
function mib(kb) { return kb == "n/a" || kb < 0 ? "n/a" : sprintf("%.0f", kb / 1024) }
function walkcell(w, ns_total, ns_max, visited) {
	if (w == "n/a" || w <= 0)
		return w
	return sprintf("%d, %.0f/%.0f, %.0f", w, ns_total / w / 1000,
		       ns_max / 1000, visited / w)
}
function inperiod(n) { return n == "n/a" || n == "" || n == 0 ? "" : " (" n ")" }
function firstcell(first, n, last) {
	if (first == "n/a" || n == "" || n <= 1)
		return first
	return sprintf("%s-%s (%d)", first, last, n)
}'

# The comparison tables, on results.csv with -v k=KERNEL -v cmp=MODES
# -v modes=MODES: for each scenario run under one of the modes in cmp, the
# rows of the modes in modes, in that order.  The caller adds
# out(scenario, mode), which prints a row from v[].
cmp_awk="$fmt_awk"'
NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
$(c["kernel"]) == k && index(" " cmp " ", " " $(c["mode"]) " ") { want[$(c["scenario"])] = 1 }
$(c["kernel"]) == k { row[$(c["scenario"]) "," $(c["mode"])] = $0 }
END {
	ns = split("ladder burst protected creep ties crowd filecache thirdparty starved", sc, " ")
	nm = split(modes, md, " ")
	for (i = 1; i <= ns; i++) {
		if (!(sc[i] in want))
			continue
		for (j = 1; j <= nm; j++) {
			key = sc[i] "," md[j]
			if (!(key in row))
				continue
			split(row[key], f, ",")
			for (name in c)
				v[name] = f[c[name]]
			out(sc[i], md[j])
		}
	}
}'

# ---- results.csv ----------------------------------------------------------
# one row per BENCH line, columns in the order the driver prints them, plus
# run.sh's status for that boot
cat "$logs"/*/*.log 2>/dev/null | grep -h '^BENCH ' | awk -v boots="$logs/boots.txt" "$kv_awk"'
	BEGIN {
		while ((getline l < boots) > 0) {
			split(l, f, " ")
			status[f[1] " " f[2]] = f[3]
		}
	}
	!nk {
		line = ""
		for (i = 2; i <= NF; i++) {
			hk[++nk] = substr($i, 1, index($i, "=") - 1)
			line = line hk[nk] ","
		}
		print line "runsh_status"
	}
	{
		line = ""
		for (i = 1; i <= nk; i++)
			line = line v[hk[i]] ","
		boot = v["mode"] == "warm" ? "warm" : v["scenario"] "-" v["mode"]
		st = status[v["kernel"] " " boot]
		print line (st == "" ? "?" : st)
	}' >"$plots/unsorted.csv"
# kernel, then the scenarios and modes in the order bench/README.md gives
head -n 1 "$plots/unsorted.csv" >"$csv"
tail -n +2 "$plots/unsorted.csv" | awk -F, '
	BEGIN {
		n = split("ladder burst protected creep ties crowd filecache thirdparty starved", s, " ")
		for (i = 1; i <= n; i++)
			srank[s[i]] = i
		n = split("oom earlyoom lmk noreap shrinker wsf", m, " ")
		for (i = 1; i <= n; i++)
			mrank[m[i]] = i
	}
	{ printf "%s\t%02d\t%02d\t%s\n", $3, srank[$1] + 0, mrank[$2] + 0, $0 }' |
	sort -t "$(printf '\t')" -k1,1V -k2,2n -k3,3n | cut -f4- >>"$csv"

# ---- the configuration, from the guests ----------------------------------
cfg=$(cat "$logs"/*/*.log 2>/dev/null | grep -h '^BENCHCFG ' | grep -v 'mode=scaling' | head -n 1)
cfgval()
{
	echo "$cfg" | tr ' ' '\n' | sed -n "s/^$1=//p"
}
minfree=$(cfgval minfree)
adjs=$(cfgval adj)
memtotal_kb=$(cfgval mem_total_kb)
eo=$(cfgval earlyoom | tr '_' ' ')
kvers=$(cat "$logs"/*/*.log 2>/dev/null | grep -h '^BENCHCFG ' | tr ' ' '\n' |
	sed -n 's/^kernel=//p' | sort -uV | tr '\n' ' ')

# ---- plots ----------------------------------------------------------------
if ! command -v gnuplot >/dev/null; then
	echo "report: gnuplot not found (Debian package 'gnuplot-nox'), no plots" >&2
	kvers_plot=
else
	kvers_plot=$kvers
fi
rows=$(echo "$minfree" | tr ',' ' ')
adjrows=$(echo "$adjs" | tr ',' ' ')
for k in $kvers_plot; do
	short=$(echo "$k" | cut -d. -f1-2 | cut -d- -f1)
	for log in "$logs/$k"/*-*.log; do
		[ -e "$log" ] || continue
		n=${log##*/}
		n=${n%.log}
		grep '^BENCHTS ' "$log" | awk '{ printf "%s %.1f %.1f %.1f\n", $4, $5 / 1024, $6 / 1024, $7 / 1024 }' \
			>"$plots/$k-$n.ts" || true
		# kills at the MemAvailable of their time
		grep '^BENCHKILL ' "$log" | awk -v ts="$plots/$k-$n.ts" '
			BEGIN { while ((getline l < ts) > 0) { split(l, f, " "); t[++n] = f[1]; a[n] = f[4] } }
			{
				y = 0
				for (i = 1; i <= n; i++)
					if (t[i] >= $4) { y = a[i]; break }
				print $4, y, $6
			}' >"$plots/$k-$n.kills" || true
	done
	scen=$(ls "$logs/$k" | sed -n 's/^\(.*\)-\(oom\|earlyoom\|lmk\)\.log$/\1/p' | sort -u)
	for s in $scen; do
		# the module without its reaper too, where it ran
		pmodes="oom earlyoom lmk"
		[ ! -e "$logs/$k/$s-noreap.log" ] || pmodes="$pmodes noreap"
		np=$(echo "$pmodes" | wc -w)
		{
			echo "set terminal pngcairo size 1000,$((np * 350)) font ',9'"
			echo "set output '$results/$s-$short.png'"
			echo "set multiplot layout $np,1 title '$s on $k (MemTotal $((memtotal_kb / 1024)) MiB)'"
			echo "set yrange [0:$((memtotal_kb / 1024))]"
			echo "set ylabel 'MiB'"
			echo "set key top right horizontal font ',8'"
			echo "set grid ytics"
			for m in $pmodes; do
				base=$plots/$k-$s-$m
				echo "unset arrow; unset label"
				echo "set title '$m'"
				[ "$m" = "${pmodes##* }" ] && echo "set xlabel 'seconds from the run start'"
				set -- $adjrows
				x=0.005
				for r in $rows; do
					y=$(awk -v p="$r" 'BEGIN { printf "%.1f", p * 4 / 1024 }')
					echo "set arrow from graph 0, first $y to graph 1, first $y nohead dt 2 lc rgb 'gray50'"
					# side by side: the low rows are close together
					echo "set label '$((r * 4 / 1024)) MiB: adj>=$1' at graph $x, first $y offset 0,0.6 font ',7' tc rgb 'gray40'"
					x=$(awk -v x="$x" 'BEGIN { print x + 0.11 }')
					shift
				done
				if [ ! -s "$base.ts" ]; then
					echo "set label 'no result' at graph 0.5, graph 0.5 center"
					echo "plot NaN notitle"
					continue
				fi
				p="plot '$base.ts' u 1:2 w l lw 1.2 lc rgb '#1f77b4' t 'MemFree', '' u 1:3 w l lw 1.2 lc rgb '#2ca02c' t 'file', '' u 1:4 w l lw 1.2 lc rgb '#ff7f0e' t 'MemAvailable'"
				if [ -s "$base.kills" ]; then
					p="$p, '$base.kills' u 1:2 w p pt 7 ps 0.7 lc rgb 'red' t 'kill (adj)', '' u 1:2:3 w labels offset 0,0.8 font ',7' tc rgb 'red' notitle"
				fi
				echo "$p"
			done
			echo "unset multiplot"
		} >"$plots/$k-$s.gp"
		gnuplot "$plots/$k-$s.gp" 2>"$plots/$k-$s.err" ||
			echo "report: gnuplot failed for $k $s: $(head -n 3 "$plots/$k-$s.err")" >&2
	done
done

# ---- RESULTS.md -----------------------------------------------------------
{
	echo "# lowmemkiller benchmark results"
	echo
	echo "Generated by \`make bench\` (bench/run-bench.sh) on $(date -u +%Y-%m-%d)."
	echo
	echo "- Kernels: ${kvers% }"
	echo "- Guest: QEMU TCG, 2 vCPUs, -m ${BENCH_MEM:-256} (MemTotal $((${memtotal_kb:-0} / 1024)) MiB), no swap; busybox initramfs;"
	echo "  earlyoom and stress-ng (the host's Debian packages) and the 96 MiB working set on a read-only ext4 disk"
	echo "- Table for every mode: minfree ${minfree} pages, adj ${adjs} (the module's defaults);"
	echo "  the module is loaded only in modes lmk, noreap (its bench-only build without the reaper), shrinker and wsf; mode earlyoom runs \`earlyoom ${eo}\` (SIGKILL at the top row's MemAvailable)"
	echo "- One fresh boot per kernel, scenario and mode; ${BENCH_WALL:-?} s of boots in all"
	echo
	echo "## How to read"
	echo
	cat <<'EOF'
Each row is one scenario under one killer: `oom` is the kernel OOM killer
alone, `earlyoom` the userspace daemon, `lmk` this module.  **kills** counts
the processes that died by SIGKILL or SIGTERM during the run (the bench's own
and, for third-party, stress-ng's workers); **min** is the fewest background
processes whose private memory covers what the foreground needed beyond
MemAvailable at its start, largest first (`+`: even all of them are not
enough), and **excess** is kills beyond it.  A killer that keeps the table's
reserve, as lmk and earlyoom do here (up to 64 MiB), must exceed that: **min
(table)** is the fewest kills for a killer that kills in priority order and
may kill at adj A only while MemAvailable is below the minfree of A's row,
and **excess (table)** is kills beyond that.  Both rest on what each
victim was expected to give back, measured at set-up; **excess (end)**
does not: it counts the victims, least deserving first, whose memory the
end of the run could have done without while staying at or above the
table's reserve for their adj.  **viol.** counts
kills made while a killable process with a higher adj, or the same adj and a
clearly larger size, was alive; **fg lost** kills of processes at adj <= 0.
**kernel OOM** is "Killed process" lines of the kernel (and "invoked
oom-killer" reports) during the run.  **min avail** is the lowest MemAvailable
sampled every 10 ms; **1st kill** is when the first victim died or was
chosen, in seconds after the foreground started (negative: during set-up),
with MemAvailable then.  The foreground reader's **passes** over its working
set are its useful work and **stall** the longest gap between two of them
(the filecache reader rereads 96 MiB per pass, the others touch 8 MiB every
10 ms).  **PSI full** is the growth of `full total` in
/proc/pressure/memory.  **reaction** is measured by the bench, not by the
module: from the first of the bench's own samples (every 10 ms) that
showed the kill's row crossed (the state the module compares, free pages
above the allocator's reserve and reclaimable file pages, both below the
row), or from the previous victims' exit when that is later, to the kill,
timed by the module's tracepoint on the same clock.  It is a lower bound
with the sampler's resolution: the crossing came up to one sampling
period before the sample that showed it, and a kill made before any
sample showed it counts as 0 (**in period** counts those).  It is given
for the first pass (the kills made before any victim was gone: the first
and last kill and how many when more than one) and, average, 90th
percentile and maximum, for the later kills.  **exit** comes from the
module's kill log (`exit_ms`: from the kill to the victim's memory being
released).  The first pass runs the pass and kill code for the first time
since the module was loaded, code an emulated guest must translate first:
the section "The first kill, module loaded once" measures that.  **walk** is
the module's statistics: walks, mean and longest walk time, processes
visited per walk.  Times are those of an emulated (TCG) guest on a shared
host: compare modes with one another, not with real hardware.  Each cell is
one run; counts and times vary from run to run.  bench/README.md defines every
field; results.csv has them all.
EOF
	echo
	for k in $kvers; do
		echo "## $k"
		echo
		echo "| scenario | mode | kills | min | excess | min (table) | excess (table) | excess (end) | viol. | fg lost | kernel OOM kills (invoked) | min avail MiB | 1st kill s (avail MiB) | passes | stall ms | PSI full ms | grow s | reaction ms: first pass, rest avg/p90/max (in period) | exit ms avg/max | walks: n, µs avg/max, tasks/walk |"
		echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
		awk -F, -v k="$k" "$fmt_awk"'
			NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			function g(name) { return $(c[name]) }
			g("kernel") == k && (g("mode") == "oom" || g("mode") == "earlyoom" || g("mode") == "lmk") {
				walk = walkcell(g("scan_walks"), g("scan_ns_total"),
						g("scan_ns_max"), g("tasks_visited"))
				first = g("first_kill_s") == "n/a" ? "none" : \
					g("first_kill_s") " (" mib(g("avail_first_kill_kb")) ")"
				note = g("timeout") == 1 ? " (limit)" : ""
				st = g("runsh_status") == "0" ? "" : " †"
				printf "| %s | %s%s | %s | %s | %s | %s | %s | %s | %s | %s | %s (%s) | %s | %s | %s | %s | %s | %s%s | %s, %s/%s/%s%s | %s/%s | %s |\n",
					g("scenario"), g("mode"), st, g("kills"),
					g("min_kills"), g("excess_kills"),
					g("min_kills_table"), g("excess_kills_table"),
					g("spare_kills_end"),
					g("violations"), g("fg_losses"),
					g("oom_kills"), g("oom_invoked"),
					mib(g("min_avail_kb")), first, g("passes"),
					g("worst_stall_ms"), g("psi_full_ms"),
					g("grow_s"), note,
					firstcell(g("reaction_ms_first"), g("first_pass_kills"),
						  g("reaction_ms_first_pass_max")),
					g("reaction_ms_rest_avg"),
					g("reaction_ms_rest_p90"), g("reaction_ms_rest_max"),
					inperiod(g("reaction_in_period")),
					g("exit_ms_avg"), g("exit_ms_max"), walk
			}' "$csv"
		echo
	done
	echo "† run.sh reported a failure for that boot (kernel splat, hang or timeout): see the notes below."
	echo "(limit): the grower had not finished when the run's 45 s limit ended it."
	echo
	if grep -qE '^[^,]*,(shrinker|wsf),' "$csv"; then
		echo "## Trigger options"
		echo
		cat <<'EOF'
How the module learns that a row is crossed, measured on the scenarios
where acting late shows.  **shrinker**: the module with reclaim (its
shrinker) as its only trigger (`poll_ms=0`; the OOM notifier only counts
kernel OOM events, the kernel OOM killer is the backstop).  **wsf**: the same with
`vm.watermark_scale_factor=3000`, the most the sysctl allows, so that kswapd
wakes, and reclaim calls the shrinker, 30 % of memory above the min
watermark instead of 0.1 %.  **lmk**: the default, the shrinker plus the
poll (every 10 ms near the top row, every 100 ms above it); its rows repeat
those of the table above.  **kswapd 1st run** is when kswapd first ran
(vmstat `pageoutrun`), with MemAvailable then: where a trigger on kswapd
wake-ups would act.  **by poll / shrinker** splits the module's kills by
the path that made them; **kernel OOM kills** are the kernel's own, from
its log.
EOF
		echo
		for k in $kvers; do
			echo "### $k"
			echo
			echo "| scenario | mode | kills | excess (table) | viol. | kernel OOM kills | kswapd 1st run s (avail MiB) | 1st kill s (avail MiB) | min avail MiB | by poll / shrinker | PSI full ms | stall ms | reaction ms: first pass, rest avg/max |"
			echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
			awk -F, -v k="$k" -v cmp="shrinker wsf" \
				-v modes="shrinker wsf lmk" "$cmp_awk"'
				function at(t, kb) { return t == "n/a" ? "none" : t " (" mib(kb) ")" }
				function out(s, m) {
					shr = v["lmk_kills"] - v["poll_kills"]
					if (v["thrashing_kills"] != "n/a" && v["thrashing_kills"] != "")
						shr -= v["thrashing_kills"]
					printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s | %s | %s, %s/%s |\n",
						s, m, v["kills"], v["excess_kills_table"],
						v["violations"], v["oom_kills"],
						at(v["kswapd_first_s"], v["avail_kswapd_kb"]),
						at(v["first_kill_s"], v["avail_first_kill_kb"]),
						mib(v["min_avail_kb"]),
						v["poll_kills"], shr,
						v["psi_full_ms"], v["worst_stall_ms"],
						firstcell(v["reaction_ms_first"], v["first_pass_kills"],
							  v["reaction_ms_first_pass_max"]),
						v["reaction_ms_rest_avg"],
						v["reaction_ms_rest_max"]
				}' "$csv"
			echo
		done
	fi
	if grep -qE '^[^,]*,noreap,' "$csv"; then
		echo "## The reaper"
		echo
		cat <<'EOF'
What the reaper buys, on the scenario it was made for: **starved**, four
victims at SCHED_IDLE behind two busy processes, which keep both vCPUs,
so that a victim barely runs, even to exit.  **lmk** is the module;
**noreap** the same module, same parameters, built by the bench without
its reaper (bench/no-reaper.sed: no victim is reaped or raised, the death
wait waits for the victim's own exit, up to `death_timeout_ms`, 1000 ms);
**oom** and **earlyoom** as in the first table.  **exit** is the time
from a kill to the victim's memory being back: the kill log's `exit_ms`
(reaped or exited, whichever came first), and for a victim the module
stopped waiting for (**timeouts**, the module's `death_timeouts`), the
time to its exit as the `sched_process_exit` tracepoint has it, or, after
the run's end, to its death (bench/README.md, "Why the module reaps").
**reaped** is the module's
`stats/reaped`.  **min other_free** is the lowest of the free pages the
module compares with its table (net of the allocator's reserve), as
the bench samples them.  The grower needs no kill to fit; the table,
which keeps 64 MiB at these adj, needs three of the four victims (**min
(table)**): kills beyond that are the victims killed while earlier ones
still held their memory.
EOF
		echo
		for k in $kvers; do
			echo "### $k"
			echo
			echo "| scenario | mode | kills | min (table) | excess (table) | excess (end) | viol. | fg lost | kernel OOM kills (invoked) | min avail MiB | min other_free MiB | 1st kill s (avail MiB) | grow s | stall ms | PSI full ms | exit ms avg/max | reaped | timeouts |"
			echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
			awk -F, -v k="$k" -v cmp="noreap" \
				-v modes="oom earlyoom lmk noreap" "$cmp_awk"'
				function at(t, kb) { return t == "n/a" ? "none" : t " (" mib(kb) ")" }
				function out(s, m) {
					printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s (%s) | %s | %s | %s | %s | %s | %s | %s/%s | %s | %s |\n",
						s, m, v["kills"], v["min_kills_table"],
						v["excess_kills_table"], v["spare_kills_end"],
						v["violations"], v["fg_losses"],
						v["oom_kills"], v["oom_invoked"],
						mib(v["min_avail_kb"]),
						mib(v["min_other_free_kb"]),
						at(v["first_kill_s"], v["avail_first_kill_kb"]),
						v["grow_s"], v["worst_stall_ms"],
						v["psi_full_ms"],
						v["exit_ms_avg"], v["exit_ms_max"],
						v["reaped"], v["death_timeouts"]
				}' "$csv"
			echo
		done
	fi
	if ls "$logs"/*/warm.log >/dev/null 2>&1; then
		echo "## The first kill, module loaded once"
		echo
		cat <<'EOF'
One boot per kernel runs ladder, creep and burst, then the three again,
with the module loaded once before the first (bench.mode=warm); the table
above loads it afresh for each scenario.  Only the boot's first kill runs
the module's walk and kill code for the first time.  **run** is the order
in the boot; **reaction** is measured as in the first table, to the
sampler's 10 ms; **longest walk** is the module's scan_ns_max for that
run.
EOF
		echo
		echo "| kernel | run | scenario | kills | excess (table) | viol. | kernel OOM kills | reaction ms: first pass, rest avg/max | longest walk µs |"
		echo "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
		for k in $kvers; do
			[ -f "$logs/$k/warm.log" ] || continue
			grep -h '^BENCH ' "$logs/$k/warm.log" | awk "$fmt_awk$kv_awk"'{
				printf "| %s | %d | %s | %s | %s | %s | %s | %s, %s/%s | %.0f |\n",
					v["kernel"], NR, v["scenario"], v["kills"],
					v["excess_kills_table"], v["violations"],
					v["oom_kills"],
					firstcell(v["reaction_ms_first"], v["first_pass_kills"],
						  v["reaction_ms_first_pass_max"]),
					v["reaction_ms_rest_avg"], v["reaction_ms_rest_max"],
					v["scan_ns_max"] / 1000
			}'
		done
		echo
	fi
	echo "## Scan cost at scale (module loaded, -m ${BENCH_SCALE_MEM:-1024})"
	echo
	cat <<'EOF'
The module, loaded with its defaults.  A one-row table
crossed at once (minfree = all of RAM) with adj 1000, which no process has,
so that every walk visits every process and finds nothing;
the poll then walks about ten times a second (its empty-row backoff).  For
3 s per size, from the module's statistics: walks, processes visited per
walk, scan_ns_total / tasks_visited, and scan_ns_max.  The guest has more
memory than the others because 5000 processes do not fit in 256 MiB.
EOF
	echo
	echo "| kernel | processes | walks | tasks/walk | ns per task | longest walk µs | walks/s |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
	cat "$logs"/*/scaling.log 2>/dev/null | grep -h '^BENCHSCALE ' | awk "$kv_awk"'{
		printf "| %s | %s | %s | %s | %s | %.0f | %s |\n", v["kernel"],
			v["procs"], v["walks"], v["tasks_per_walk"],
			v["ns_per_task"], v["scan_ns_max"] / 1000, v["walks_per_s"]
	}'
	echo
	echo "## count_objects and the poll tick, above the thresholds"
	echo
	cat <<'EOF'
The module's statistics time only walks, so these two paths are timed with
the function_graph tracer limited to them (depth 1: the time includes the
tracer's own entry and exit, no task walk happens).  count_objects is driven
by 200 writes of 2 to /proc/sys/vm/drop_caches (every shrinker's
count_objects runs); the poll ticks on its own, and the number of calls in
the 5 s window gives its period.  Memory is far above the table: free
memory is, file pages are not (the guest has almost none).
EOF
	echo
	echo "| kernel | function | calls | median ns | mean ns | max ns |"
	echo "| --- | --- | ---: | ---: | ---: | ---: |"
	cat "$logs"/*/scaling.log 2>/dev/null | grep -h '^BENCHCOST ' | awk "$kv_awk"'{
		printf "| %s | %s | %s | %s | %s | %s |\n", v["kernel"], v["fn"],
			v["calls"], v["median_ns"], v["avg_ns"], v["max_ns"]
	}'
	echo
	if grep -q '^run: host: ' "$logs"/*/*.run 2>/dev/null; then
		echo "## The host"
		echo
		cat <<'EOF'
The guest's two vCPUs are threads of the host, which has two cores and
runs QEMU's other threads too.  run.sh -S samples every 0.5 s how long
each vCPU thread has waited on the host's run queue (schedstat): time the
guest cannot see, as a gap in whatever the vCPU was doing.  Per lmk and
noreap boot,
both vCPUs summed: **ran** and **waited**, and the most one vCPU waited
within one 0.5 s sample (one stall or several).
EOF
		echo
		echo "| kernel | boot | vCPUs ran s | waited ms (% of ran) | most waited in one sample ms |"
		echo "| --- | --- | ---: | ---: | ---: |"
		while read -r k name _; do
			case $name in
			*-lmk | *-noreap) ;;
			*) continue ;;
			esac
			grep -h '^run: host: ' "$logs/$k/$name.run" 2>/dev/null |
				awk -v k="$k" -v b="$name" '{
				for (i = 1; i <= NF; i++) {
					if ($i == "ran") ran += $(i + 1)
					if ($i == "waited") wait += $(i + 1)
					if ($i == "most" && $(i + 1) > mx) mx = $(i + 1)
				}
				n++
			}
			END {
				if (n)
					printf "| %s | %s | %.1f | %.0f (%.0f %%) | %.1f |\n",
					       k, b, ran / 1000, wait,
					       ran ? 100 * wait / ran : 0, mx
			}'
		done <"$logs/boots.txt"
		echo
	fi
	echo "## Plots"
	echo
	echo "One per kernel and scenario, a panel per mode: MemFree, file pages (Active + Inactive file) and MemAvailable in MiB against seconds from the run's start; dashed lines are the minfree rows; red points are kills at the MemAvailable of their time, labelled with the victim's adj."
	echo
	for k in $kvers; do
		short=$(echo "$k" | cut -d. -f1-2 | cut -d- -f1)
		line="- $k:"
		for f in "$results"/*-"$short".png; do
			[ -e "$f" ] || continue
			n=${f##*/}
			line="$line [${n%-*}]($n)"
		done
		echo "$line"
	done
	echo
	echo "## Notes"
	echo
	notes=0
	while read -r k name rc _; do
		log=$logs/$k/$name.log
		reason=
		if ! grep -q '^BENCH ' "$log" 2>/dev/null && [ "$name" != scaling ]; then
			reason="no result"
		elif [ "$name" = scaling ] && ! grep -q '^BENCHSCALE ' "$log" 2>/dev/null; then
			reason="no result"
		fi
		err=$(grep -h '^BENCHERR' "$log" 2>/dev/null | head -n 1)
		[ -z "$err" ] || reason="${reason:+$reason; }$err"
		if [ "$rc" != 0 ]; then
			why=$(grep -m1 'FAIL' "$logs/$k/$name.run" 2>/dev/null | sed 's/^run: //')
			reason="${reason:+$reason; }run.sh status $rc: ${why:-?}"
		fi
		if [ -n "$reason" ]; then
			echo "- $k $name: $reason"
			notes=$((notes + 1))
		fi
	done <"$logs/boots.txt"
	[ $notes -gt 0 ] || echo "- Every boot finished cleanly."
} >"$md"

