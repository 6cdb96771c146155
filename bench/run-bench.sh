#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: lowmemkiller against the kernel OOM killer alone and earlyoom,
# in QEMU, on Debian's 6.1 and 6.12 kernels.
#
# For each kernel: build the module, then boot one fresh guest per scenario
# and mode (a kernel OOM run can leave a guest in a bad state), and one
# more for the module's scaling run.  Collects the guests' BENCH lines into
# bench/results/results.csv and RESULTS.md, and plots each scenario.
# bench/README.md describes the scenarios and every number.
#
# Usage: bench/run-bench.sh
# Environment:
#   KERNELS     kernel filters for selftests/qemu/kernels.sh, space or comma
#               separated (default "6.1 6.12"; RT kernels are left out)
#   SCENARIOS   default "ladder burst protected creep ties crowd filecache
#               thirdparty starved"
#   MODES       default "oom earlyoom lmk"; may include noreap (below)
#   TRIGGER_SCENARIOS, TRIGGER_MODES
#               the trigger comparison: the module with the shrinker as its
#               only trigger ("shrinker"), and so with the watermarks raised
#               ("wsf"), against "lmk" (default "ladder burst creep" and
#               "shrinker wsf"; empty to skip)
#   REAPER_SCENARIOS, REAPER_MODES
#               the reaper comparison: "noreap", the module built without
#               its reaper (bench/no-reaper.sed, a bench-only build),
#               against "lmk" (default "starved" and "noreap"; empty to
#               skip)
#   WARM        1 (default) to run the warm boot: ladder, creep and burst
#               twice each with the module loaded once, so that only the
#               boot's first kill runs the module's code for the first
#               time; 0 not to
#   SCALING     1 (default) to run the scaling boot, 0 not to
#   SCALE_PROCS processes for the scaling run (default 100,1000,5000)
#   MEM         guest memory in MiB (default 256)
#   SCALE_MEM   the scaling guest's memory in MiB (default 1024: 5000
#               processes do not fit in 256)
#   RESULTS     where the results go (default bench/results)

set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
out=$repo/build/bench
results=${RESULTS:-$here/results}
kernels_filter=${KERNELS:-6.1 6.12}
scenarios=${SCENARIOS:-ladder burst protected creep ties crowd filecache thirdparty starved}
modes=${MODES:-oom earlyoom lmk}
trigger_scenarios=${TRIGGER_SCENARIOS-ladder burst creep}
trigger_modes=${TRIGGER_MODES-shrinker wsf}
reaper_scenarios=${REAPER_SCENARIOS-starved}
reaper_modes=${REAPER_MODES-noreap}
warm=${WARM:-1}
scaling=${SCALING:-1}
scale_procs=${SCALE_PROCS:-100,1000,5000}
mem=${MEM:-256}
scale_mem=${SCALE_MEM:-1024}
# ext4 (and the crc32c it asks for) to mount the bench disk in the guest
export LMK_MODULES="zram brd virtio_blk virtio_pci crc32c_generic ext4"

die()
{
	echo "bench: error: $*" >&2
	exit 1
}

start=$(date +%s)

kernels=
for f in ${kernels_filter//,/ }; do
	for k in $("$repo/selftests/qemu/kernels.sh" "$f" | grep -v -- -rt- | cut -d' ' -f1); do
		case " $kernels " in
		*" $k "*) ;;
		*) kernels="$kernels $k" ;;
		esac
	done
done
[ -n "$kernels" ] || die "no kernel matches '$kernels_filter' (see selftests/qemu/kernels.sh)"
echo "bench: kernels:$kernels"

# the disk: rebuilt when missing or older than its recipe
disk=$out/disk.img
if [ ! -f "$disk" ] || [ "$here/mkdisk.sh" -nt "$disk" ]; then
	"$here/mkdisk.sh" "$disk"
fi

# the payload: the driver and the guest script, as /tests/demo.sh
payload=$out/payload
rm -rf "$payload"
mkdir -p "$payload"
ksft=$repo/build/linux-source/ksft
gcc -static -pthread -O2 -Wall -Werror -Wno-clobbered -I"$ksft" \
	-I"$repo/selftests/guest" -I"$repo" -ffile-prefix-map="$repo/"= \
	-o "$payload/bench" "$here/guest/bench.c"
cp "$here/guest/bench.sh" "$payload/demo.sh"
chmod +x "$payload/demo.sh"

# The module without its reaper, for mode noreap only: a scratch copy of
# the sources with bench/no-reaper.sed applied to reap.c, built by its own
# copy of build-module.sh.  Never installed or shipped.
noreap=0
case " $modes " in
*" noreap "*) noreap=1 ;;
esac
if [ -n "$reaper_scenarios" ]; then
	case " $reaper_modes " in
	*" noreap "*) noreap=1 ;;
	esac
fi
if [ "$noreap" = 1 ]; then
	nsrc=$out/noreap-src
	rm -rf "$nsrc"
	mkdir -p "$nsrc/scripts"
	cp "$repo"/Kbuild "$repo"/Makefile "$repo"/*.c "$repo"/*.h "$nsrc/"
	cp "$repo"/scripts/conftest.sh "$repo"/scripts/build-module.sh \
		"$nsrc/scripts/"
	sed -i -f "$here/no-reaper.sed" "$nsrc/reap.c"
	grep -q 'bench/no-reaper.sed' "$nsrc/reap.c" ||
		die "bench/no-reaper.sed did not apply to reap.c (lmk_reap_add() changed?)"
fi

logs=$out/logs
rm -rf "$logs"
mkdir -p "$logs"

# boot <kver> <name> <mem> <kernel args> [<ko>]: one guest, its output in
# $logs; the module is the build of $out/mod unless <ko> is given
boot()
{
	local kver=$1 name=$2 m=$3 args=$4 rc=0 t
	local ko=${5:-$out/mod/$kver/lowmemkiller.ko}
	local dir=$out/qemu/$kver/$name

	t=$(date +%s)
	"$repo/selftests/qemu/run.sh" -q -S -M demo -m "$m" -t 240 -p 200 \
		-d "$disk" -a "$args" -o "$dir" "$kver" "$ko" "$payload" \
		>"$logs/$kver/$name.run" 2>&1 || rc=$?
	tr -d '\r' <"$dir/ktap.log" >"$logs/$kver/$name.log"
	cp "$dir/console.log" "$logs/$kver/$name.console"
	t=$(($(date +%s) - t))
	if ! grep -q '^BENCH' "$logs/$kver/$name.log"; then
		echo "bench: $kver $name: no result (run.sh status $rc, ${t}s), see $logs/$kver/$name.*"
	elif grep -q '^BENCHERR' "$logs/$kver/$name.log"; then
		echo "bench: $kver $name: $(grep '^BENCHERR' "$logs/$kver/$name.log" | head -1)"
	elif [ $rc -ne 0 ]; then
		echo "bench: $kver $name: done, ${t}s (run.sh status $rc: $(grep -m1 'FAIL' "$logs/$kver/$name.run" || echo '?'))"
	else
		echo "bench: $kver $name: done, ${t}s"
	fi
	echo "$kver $name $rc $t" >>"$logs/boots.txt"
}

# boot_run <kver> <scenario> <mode>: one scenario under one mode, once per
# kernel (a mode in both MODES and a comparison's modes is booted once)
booted=" "
boot_run()
{
	local kver=$1 s=$2 m=$3 ko=

	case $booted in
	*" $kver/$s-$m "*) return 0 ;;
	esac
	booted="$booted$kver/$s-$m "
	[ "$m" != noreap ] || ko=$out/mod-noreap/$kver/lowmemkiller.ko
	boot "$kver" "$s-$m" "$mem" "bench.mode=$m bench.scenarios=$s" ${ko:+"$ko"}
}

for kver in $kernels; do
	mkdir -p "$logs/$kver"
	sh "$repo/scripts/build-module.sh" "$kver" "/usr/src/linux-headers-$kver" \
		"$out/mod/$kver"
	if [ "$noreap" = 1 ]; then
		sh "$nsrc/scripts/build-module.sh" "$kver" \
			"/usr/src/linux-headers-$kver" "$out/mod-noreap/$kver"
	fi
	for s in $scenarios; do
		for m in $modes; do
			boot_run "$kver" "$s" "$m"
		done
	done
	for s in $trigger_scenarios; do
		for m in $trigger_modes; do
			boot_run "$kver" "$s" "$m"
		done
	done
	for s in $reaper_scenarios; do
		for m in $reaper_modes; do
			boot_run "$kver" "$s" "$m"
		done
	done
	if [ "$warm" = 1 ]; then
		boot "$kver" warm "$mem" \
			"bench.mode=warm bench.scenarios=ladder,creep,burst,ladder,creep,burst"
	fi
	if [ "$scaling" = 1 ]; then
		boot "$kver" scaling "$scale_mem" "bench.mode=scaling bench.procs=$scale_procs"
	fi
done

wall=$(($(date +%s) - start))
echo "bench: all boots done in ${wall}s"
BENCH_WALL=$wall BENCH_MEM=$mem BENCH_SCALE_MEM=$scale_mem \
	bash "$here/report.sh" "$logs" "$results"
echo "bench: results in $results (RESULTS.md, results.csv, plots), ${wall}s of boots"
