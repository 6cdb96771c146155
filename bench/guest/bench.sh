#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark inside the guest: run by selftests/qemu/init as
# /tests/demo.sh (run.sh -M demo), with the bench disk (run.sh -d) as
# /dev/vda.  Kernel command line (run.sh -a):
#
#   bench.mode=oom|earlyoom|lmk|noreap|shrinker|wsf|warm|scaling
#       oom       nothing but the kernel's OOM killer
#       earlyoom  earlyoom from the disk, killing at the table's top row
#       lmk       lowmemkiller with the table below, loaded per scenario
#       noreap    the same, loaded from the bench's build without the
#                 reaper (run-bench.sh boots that build for this mode)
#       shrinker  the same without the poll (poll_ms=0)
#       wsf       the same with vm.watermark_scale_factor=3000
#       warm      lmk, loaded once for all the scenarios of the boot
#       scaling   lowmemkiller's walk cost at bench.procs processes
#   bench.scenarios=ladder,burst,...   (run, one after the other)
#   bench.procs=100,1000,5000          (scaling)
#
# Prints the driver's BENCH, BENCHTS, BENCHKILL, BENCHSCALE and BENCHCOST
# lines (bench/README.md), and BENCHERR on failure.

# neither this script nor the driver may be a victim
echo -1000 >/proc/self/oom_score_adj

LMK_KO=${LMK_KO:-/lib/lowmemkiller/lowmemkiller.ko}
# The table every mode is measured against: the module's defaults, given
# explicitly so that a change of defaults does not change the bench.
MINFREE=1536,2048,4096,16384
ADJ=0,58,352,705
export MINFREE ADJ

mode=lmk
scenarios=ladder
procs=100,1000,5000
for arg in $(cat /proc/cmdline); do
	case $arg in
	bench.mode=*) mode=${arg#*=} ;;
	bench.scenarios=*) scenarios=${arg#*=} ;;
	bench.procs=*) procs=${arg#*=} ;;
	esac
done

fail()
{
	echo "BENCHERR $*"
	exit 1
}

# the crowd and the scaling run need more tasks than a small guest allows
echo 65536 >/proc/sys/kernel/threads-max
echo 65536 >/proc/sys/kernel/pid_max

if [ "$mode" != scaling ]; then
	# ext4 wants crc32c even without metadata checksums
	loadmod crc32c_generic >/dev/null 2>&1
	loadmod ext4 >/dev/null 2>&1 || fail "cannot load ext4"
	mount -t ext4 -o ro /dev/vda /mnt || fail "cannot mount the bench disk /dev/vda"
	mkdir -p /lib64
	ln -sf /mnt/lib/ld-linux-x86-64.so.2 /lib64/ld-linux-x86-64.so.2
fi

top_kb=$((${MINFREE##*,} * 4))
echo "BENCHCFG kernel=$(uname -r) mode=$mode mem_total_kb=$(awk '/^MemTotal/ {print $2}' /proc/meminfo) minfree=$MINFREE adj=$ADJ earlyoom=-M_${top_kb},${top_kb}_-s_100_-r_0"

# lmk_load [param=value...]: the module with the bench's table
lmk_load()
{
	insmod "$LMK_KO" minfree=$MINFREE adj=$ADJ "$@" || fail "insmod failed"
}

if [ "$mode" = scaling ]; then
	# the walk's cost
	lmk_load
	/tests/bench scaling "$procs"
	rmmod lowmemkiller
	exit 0
fi

eo_pid=
for s in $(echo "$scenarios" | tr , ' '); do
	# each scenario starts from a clean page cache
	sync
	echo 3 >/proc/sys/vm/drop_caches
	extra=
	case $mode in
	oom) ;;
	lmk | noreap)
		# noreap: the same parameters; the .ko is another build
		lmk_load kill_log_size=4096
		;;
	warm)
		# loaded by the first scenario only: the later ones find the
		# module's code already run once
		grep -q '^lowmemkiller ' /proc/modules ||
			lmk_load kill_log_size=4096
		;;
	shrinker)
		# the trigger options: reclaim (the shrinker) alone, without
		# the poll ...
		lmk_load kill_log_size=4096 poll_ms=0
		;;
	wsf)
		# ... and with the watermarks raised through the documented
		# sysctl so that kswapd, and so the shrinker, wakes near the
		# top row: the low watermark sits watermark_scale_factor/10000
		# of memory above the min one (3000, the most allowed: 30 %)
		wsf_old=$(cat /proc/sys/vm/watermark_scale_factor)
		echo 3000 >/proc/sys/vm/watermark_scale_factor ||
			fail "cannot set vm.watermark_scale_factor"
		lmk_load kill_log_size=4096 poll_ms=0
		;;
	earlyoom)
		# SIGKILL (not SIGTERM first) below the top row, as the module;
		# with no swap, -s 100 leaves memory alone to decide
		rm -f /tmp/earlyoom.fifo
		mkfifo /tmp/earlyoom.fifo
		LD_LIBRARY_PATH=/mnt/lib /mnt/bin/earlyoom \
			-M "$top_kb,$top_kb" -s 100 -r 0 \
			>/tmp/earlyoom.fifo 2>&1 &
		eo_pid=$!
		# as its -p would, but it stays at our -1000 (-p sets -100)
		renice -n -20 -p "$eo_pid" >/dev/null
		extra="-e /tmp/earlyoom.fifo"
		;;
	*)
		fail "unknown mode $mode"
		;;
	esac
	# shellcheck disable=SC2086 # $extra is two words or none
	/tests/bench run "$s" "$mode" $extra || echo "BENCHERR $s $mode: driver exit $?"
	case $mode in
	lmk | noreap | shrinker | wsf)
		# the first kills as the module logged them, for diagnosis
		grep -v '^#' /sys/kernel/debug/lowmemkiller/kills | head -n 24 |
			sed 's/^/# kill-log: /'
		rmmod lowmemkiller
		[ -z "${wsf_old:-}" ] ||
			echo "$wsf_old" >/proc/sys/vm/watermark_scale_factor
		;;
	earlyoom)
		kill "$eo_pid" 2>/dev/null
		wait "$eo_pid" 2>/dev/null
		;;
	esac
done
[ "$mode" != warm ] || rmmod lowmemkiller
exit 0
