#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a host kernel in QEMU with the lowmemkiller module and a test
# payload, stream the guest's KTAP results, and check the kernel log for
# splats.  Exits 0 only if the guest finished, the kernel log is clean and
# (in test mode) at least one test passed and none failed.
#
# Usage: run.sh [options] <kver> <ko> <payload-dir>
#   -o DIR      work directory (default <repo>/build/qemu/<kver>)
#   -m MB       guest memory (default $MEM or 256)
#   -T LIST     comma separated tests to run (default all)
#   -M MODE     test (default) or demo
#   -t SECONDS  overall timeout of the QEMU run (default 1200)
#   -p SECONDS  per-test timeout inside the guest (default 300)
#   -d IMAGE    attach IMAGE as a raw virtio-blk disk (/dev/vda)
#   -a ARGS     extra kernel command line arguments
#   -k IMAGE    boot IMAGE instead of /boot/vmlinuz-<kver>
#   -L DIR      take helper modules from DIR/lib/modules/<kver> instead of
#               /lib/modules/<kver> (a modules_install INSTALL_MOD_PATH)
#   -q          quiet: do not stream the guest's results
#   -S          sample, every 0.5 s, how long the host kept each vCPU
#               thread waiting for a CPU (DIR/hostsched.txt), and report it
#
# Environment: ACCEL=kvm to use KVM instead of TCG, MEM as -m.

set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

usage()
{
	sed -n '/^# Usage:/,/^# Environment/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

die()
{
	echo "run: error: $*" >&2
	exit 2
}

is_number()
{
	case $1 in
	'' | *[!0-9]*) return 1 ;;
	esac
	[ "$1" -gt 0 ]
}

workdir=
mem=${MEM:-256}
tests=all
mode="test"
host_timeout=1200
test_timeout=300
disk=
extra_append=
quiet=
kernel=
modroot=
sample=

while getopts "o:m:T:M:t:p:d:a:k:L:qSh" opt; do
	case $opt in
	o) workdir=$OPTARG ;;
	m) mem=$OPTARG ;;
	T) tests=$OPTARG ;;
	M) mode=$OPTARG ;;
	t) host_timeout=$OPTARG ;;
	p) test_timeout=$OPTARG ;;
	d) disk=$OPTARG ;;
	a) extra_append=$OPTARG ;;
	k) kernel=$OPTARG ;;
	L) modroot=$OPTARG ;;
	q) quiet=1 ;;
	S) sample=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 3 ] || usage

kver=$1
ko=$2
payload=$3
kernel=${kernel:-/boot/vmlinuz-$kver}

is_number "$mem" || die "bad memory size '$mem'"
is_number "$host_timeout" || die "bad timeout '$host_timeout'"
is_number "$test_timeout" || die "bad per-test timeout '$test_timeout'"
case $mode in
test | demo) ;;
*) die "unknown mode '$mode' (test or demo)" ;;
esac
case $tests in
'' | *[[:space:]]*) die "bad test list '$tests'" ;;
esac
[ -r "$kernel" ] || die "$kernel not found or not readable"
[ -f "$ko" ] || die "module '$ko' not found"
[ -d "$payload" ] || die "payload directory '$payload' not found"
[ -z "$disk" ] || [ -f "$disk" ] || die "disk image '$disk' not found"
[ -z "$modroot" ] || [ -d "$modroot/lib/modules/$kver" ] ||
	die "no $modroot/lib/modules/$kver"
command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 not found (Debian package 'qemu-system-x86')"

case ${ACCEL:-tcg} in
kvm)
	accel=(-accel kvm -cpu host)
	accel_msg="run: using KVM (ACCEL=kvm)"
	;;
tcg)
	accel=(-accel tcg -cpu max)
	if [ -e /dev/kvm ]; then
		accel_msg="run: using TCG (/dev/kvm present but nested KVM is unreliable; ACCEL=kvm to use it)"
	else
		accel_msg="run: using TCG"
	fi
	;;
*)
	die "unknown ACCEL '$ACCEL' (tcg or kvm)"
	;;
esac

workdir=${workdir:-$repo/build/qemu/$kver}
mkdir -p "$workdir"
workdir=$(cd "$workdir" && pwd)
initrd=$workdir/initramfs.cpio.gz
console=$workdir/console.log
ktap=$workdir/ktap.log
qemu_log=$workdir/qemu.log
hostsched=$workdir/hostsched.txt

LMK_MODROOT=$modroot "$here/mkinitramfs.sh" "$initrd" "$kver" "$ko" "$payload"
echo "$accel_msg"

append="console=ttyS0 panic=-1 lmk.mode=$mode lmk.tests=$tests lmk.timeout=$test_timeout"
[ -z "$extra_append" ] || append="$append $extra_append"

qemu=(qemu-system-x86_64 "${accel[@]}" -smp 2 -m "$mem"
	-name "lmk,debug-threads=on"
	-nodefaults -display none -monitor none -no-reboot
	-kernel "$kernel" -initrd "$initrd" -append "$append"
	-chardev "file,id=console,path=$console,append=on" -serial chardev:console
	-chardev "file,id=ktap,path=$ktap,append=on" -serial chardev:ktap)
[ -z "$disk" ] || qemu+=(-drive "file=$disk,format=raw,if=virtio")

qpid=
tpid=
spid=
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup()
{
	[ -z "$tpid" ] || kill "$tpid" 2>/dev/null || true
	[ -z "$spid" ] || kill "$spid" 2>/dev/null || true
	[ -z "$qpid" ] || kill "$qpid" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# host_sample <timeout-pid>: every 0.5 s until QEMU exits, one line per
# thread: time, tid, name, ns run and ns waited for a CPU (schedstat).
# Builtins only in the loop, so that sampling adds no processes to the
# host's run queue.
host_sample()
{
	local qp="" d run wait comm fd

	for _ in $(seq 100); do
		qp=$(pgrep -P "$1" | head -n 1) && [ -n "$qp" ] && break
		sleep 0.02
	done
	[ -n "$qp" ] || return 0
	exec {fd}<> <(:)
	while [ -d "/proc/$qp" ]; do
		for d in "/proc/$qp"/task/*; do
			if read -r run wait _ <"$d/schedstat" 2>/dev/null &&
				read -r comm <"$d/comm" 2>/dev/null; then
				echo "$EPOCHREALTIME ${d##*/} ${comm// /_} $run $wait"
			fi
		done
		read -r -t 0.5 -u "$fd" || true
	done >"$hostsched"
}

# host_report: per vCPU thread, what it ran and waited, and its longest
# wait within one sample
host_report()
{
	awk '$3 ~ /^CPU_/ {
		k = $3
		if (!(k in r0)) { r0[k] = $4; w0[k] = $5 }
		else if ($5 - w[k] > mx[k]) mx[k] = $5 - w[k]
		r[k] = $4; w[k] = $5
	}
	END {
		for (k in r0) {
			name = k; gsub("_", " ", name)
			printf "run: host: %s ran %.0f ms, waited %.1f ms for a host CPU, at most %.2f ms in one 0.5 s sample\n",
			       name, (r[k] - r0[k]) / 1e6, (w[k] - w0[k]) / 1e6, mx[k] / 1e6
		}
	}' "$hostsched" | sort
}

# boot_once: one QEMU run; sets $rc
boot_once()
{
	: >"$console"
	: >"$ktap"
	echo "run: booting $kver (mode $mode, ${mem}M, timeout ${host_timeout}s), logs in $workdir"
	timeout -k 10 "$host_timeout" "${qemu[@]}" </dev/null >"$qemu_log" 2>&1 &
	qpid=$!
	if [ -n "$sample" ]; then
		host_sample "$qpid" &
		spid=$!
	fi
	if [ -z "$quiet" ]; then
		tail -n +1 -s 0.2 -f --pid="$qpid" "$ktap" | tr -d '\r' &
		tpid=$!
	fi
	rc=0
	wait "$qpid" || rc=$?
	qpid=
	if [ -n "$spid" ]; then
		wait "$spid" || true
		spid=
		[ ! -s "$hostsched" ] || host_report
	fi
	if [ -n "$tpid" ]; then
		wait "$tpid" || true
		tpid=
	fi
}

# The kernel died while booting, before init wrote a line of results: the
# module and the tests had not run.  Under TCG, the kernel's own code
# patching at boot (text_poke with int3) can race with the other vCPU and
# end in "Oops: int3".  One more boot is allowed for that; the crash is
# reported and its console kept, and the second boot is judged as usual.
boot_crashed_early()
{
	[ ! -s "$ktap" ] && grep -q "Kernel panic" "$console" &&
		! grep -q "lmk: \|lmk-init" "$console"
}

start=$(date +%s.%N)
boot_once
if boot_crashed_early; then
	cp "$console" "$workdir/console.boot1.log"
	echo "run: NOTE: the kernel crashed while booting, before init and the module ran; booting again. First lines of the report (all in $workdir/console.boot1.log):"
	grep -m3 -E "BUG:|Oops|Kernel panic|RIP:" "$console" | sed 's/^/run:   /'
	boot_once
fi
elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')

# failures of the host-side checks, counted as failed tests in the summary
host_fail=0
status=0
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "run: FAIL: QEMU killed after ${host_timeout}s"
	status=1
elif [ $rc -ne 0 ]; then
	echo "run: FAIL: QEMU exited with status $rc:"
	tail -n 20 "$qemu_log"
	status=1
fi

# Kernel splats.  A Call Trace shortly after "invoked oom-killer" or "page
# allocation failure" is part of the kernel's report of memory exhaustion
# (tests that let the kernel OOM killer act cause both), not a bug.
splats=$(awk -v ctx=10 -v maxhit=10 '
	{
		sub(/\r$/, "")
		line[NR] = $0
	}
	/invoked oom-killer|page allocation failure/ {
		oom = NR
	}
	/BUG:|WARNING:|Oops|KASAN|UBSAN:|general protection fault|Kernel panic/ ||
	/possible circular locking|possible recursive locking/ ||
	/inconsistent lock state|suspicious RCU usage|INFO: lockdep/ ||
	/sleeping function called from invalid context/ ||
	/unreferenced object|kmemleak: .*suspected memory leak/ ||
	/soft lockup|hard LOCKUP|blocked for more than|detected stall/ ||
	(/Call Trace/ && !(oom && NR - oom <= 40)) {
		hit[++nhit] = NR
	}
	END {
		last = 0
		for (h = 1; h <= nhit && h <= maxhit; h++) {
			from = hit[h] - ctx
			to = hit[h] + ctx
			if (from <= last)
				from = last + 1
			else if (last)
				print "--"
			if (from < 1)
				from = 1
			if (to > NR)
				to = NR
			for (i = from; i <= to; i++)
				printf "%6d%s %s\n", i, i == hit[h] ? ">" : ":", line[i]
			if (to > last)
				last = to
		}
		if (nhit > maxhit)
			printf "... and %d more suspicious lines\n", nhit - maxhit
	}' "$console")
if [ -n "$splats" ]; then
	echo "run: FAIL: kernel splat in $console:"
	echo "$splats"
	host_fail=$((host_fail + 1))
	status=1
fi

ooms=$(grep -c "invoked oom-killer" "$console" || true)
echo "run: info: OOM killer invoked $ooms time(s)"

# the guest logs "lmk: START <test>" to the kernel log before each test
boot=$(sed -n 's/^\[ *\([0-9.]*\)\] lmk: START .*/\1/p' "$console" | head -n 1)
echo "run: info: ${boot:+first test started at ${boot}s of guest uptime, }${elapsed}s wall clock"

if ! tr -d '\r' <"$ktap" | grep -q '^# lmk-guest-done'; then
	echo "run: FAIL: guest did not finish (crash, hang or timeout), see $console"
	host_fail=$((host_fail + 1))
	status=1
fi

if [ "$mode" = test ]; then
	read -r pass fail skip < <(tr -d '\r' <"$ktap" | awk '
		/^ok / { if (/# SKIP/) skip++; else pass++ }
		/^not ok / { fail++ }
		END { print pass + 0, fail + 0, skip + 0 }')
	if [ -n "$quiet" ] && [ "$fail" -gt 0 ]; then
		tr -d '\r' <"$ktap" | grep '^not ok '
	fi
	[ $host_fail -eq 0 ] ||
		echo "run: $host_fail host-side check(s) failed, counted as failed tests"
	fail=$((fail + host_fail))
	echo "$kver: $pass passed, $fail failed, $skip skipped"
	if [ "$fail" -gt 0 ] || [ "$pass" -eq 0 ]; then
		status=1
	fi
fi

[ $status -eq 0 ] || echo "run: logs: $console $ktap"
exit $status
