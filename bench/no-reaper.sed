# SPDX-License-Identifier: GPL-2.0
#
# The bench's build of the module without its reaper (mode noreap), for
# bench/run-bench.sh only: it never ships.  Applied to a scratch copy of
# reap.c, it makes lmk_reap_add() return 0 at once, so that no victim is
# reaped or raised and the death wait waits for the victim's own exit, as
# before the reaper.  run-bench.sh checks that it applied.
/^unsigned int lmk_reap_add(struct pid \*pid, struct mm_struct \*mm)$/,/^{$/{
	s|^{$|{\
	return 0;	/* bench/no-reaper.sed: the bench's build without the reaper */|
}
