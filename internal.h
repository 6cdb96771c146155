/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by the mechanism (lowmemkiller.c) and the interface
 * (sysfs.c).  The module is one translation unit: lowmemkiller.c includes
 * sysfs.c, because Kbuild cannot link a module from an object that has the
 * module's own name.
 */
#ifndef _LMK_INTERNAL_H
#define _LMK_INTERNAL_H

#include <linux/atomic.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/types.h>

#include "lowmemkiller.h"

#define LMK_VERSION	"0.1.0"

/**
 * enum lmk_reason - what made lowmemkiller look for a victim
 * @LMK_REASON_SHRINKER: reclaim called the shrinker with a row crossed
 * @LMK_REASON_POLL:     the pressure poll saw a row crossed before reclaim
 * @LMK_REASON_OOM:      the kernel OOM killer was about to act
 * @LMK_REASON_THRASHING: the file cache was refaulted beyond thrashing_limit
 * @NR_LMK_REASONS:      number of reasons
 */
enum lmk_reason {
	LMK_REASON_SHRINKER,
	LMK_REASON_POLL,
	LMK_REASON_OOM,
	LMK_REASON_THRASHING,
	NR_LMK_REASONS,
};

/**
 * enum lmk_size_metric - how a candidate's size is measured
 * @LMK_SIZE_RSS:      resident pages only, as the Android driver did
 * @LMK_SIZE_RSS_SWAP: resident pages plus swap entries
 * @NR_LMK_SIZE:       number of metrics
 */
enum lmk_size_metric {
	LMK_SIZE_RSS,
	LMK_SIZE_RSS_SWAP,
	NR_LMK_SIZE,
};

/*
 * Statistics.  Counters only ever grow (bar a reset), so each is an
 * atomic64_t: the reclaim path never waits on a reader.
 */
enum lmk_stat_item {
	LMK_STAT_KILLS,
	LMK_STAT_KILLS_ROW0,
	LMK_STAT_KILLS_ROW5 = LMK_STAT_KILLS_ROW0 + LMK_MAX_ROWS - 1,
	LMK_STAT_PAGES_FREED,
	LMK_STAT_COUNT_CALLS,
	LMK_STAT_COUNT_NEED_KILL,
	LMK_STAT_SCAN_CALLS,
	LMK_STAT_SCAN_WALKS,
	LMK_STAT_TASKS_VISITED,
	LMK_STAT_SCAN_NS_TOTAL,
	LMK_STAT_SCAN_NS_MAX,
	LMK_STAT_SKIPPED_DYING,
	LMK_STAT_DEATH_TIMEOUTS,
	LMK_STAT_KERNEL_OOM,
	LMK_STAT_DRY_RUN,
	LMK_STAT_POLL_KILLS,
	LMK_STAT_OOM_KILLS,
	LMK_STAT_THRASHING_KILLS,
	LMK_STAT_SHORTLIST_BUILDS,
	LMK_STAT_SHORTLIST_HITS,
	LMK_STAT_REHEARSALS,
	LMK_STAT_LANDING_HOLDS,
	NR_LMK_STATS,
};

/**
 * struct lmk_kill_info - one kill decision, as logged, traced and notified
 * @ts_ns:      ktime_get_ns() when SIGKILL was sent (or would have been)
 * @cross_ns:   ktime_get_ns() when the crossing was first seen, or 0
 * @pid:        pid of the victim thread that owned the mm
 * @tgid:       the victim's process id
 * @uid:        the victim's real uid in the initial namespace
 * @comm:       the victim's command name
 * @adj:        the victim's oom_score_adj
 * @min_adj:    the lowest adj the crossed row allowed
 * @row:        the crossed table row
 * @rss:        resident pages
 * @swap:       swap entries
 * @size:       the size used for ranking (see enum lmk_size_metric)
 * @other_free: free pages above the reserve when chosen
 * @other_file: reclaimable file pages when chosen
 * @minfree:    the crossed row's threshold, in pages
 * @reason:     why the killer ran
 * @dry_run:    true when no signal was sent
 */
struct lmk_kill_info {
	u64 ts_ns;
	u64 cross_ns;
	pid_t pid;
	pid_t tgid;
	uid_t uid;
	char comm[TASK_COMM_LEN];
	short adj;
	short min_adj;
	int row;
	unsigned long rss;
	unsigned long swap;
	unsigned long size;
	unsigned long other_free;
	unsigned long other_file;
	unsigned long minfree;
	enum lmk_reason reason;
	bool dry_run;
};

/**
 * struct lmk_table_rcu - a published table
 * @t:   the table
 * @rcu: for kfree_rcu() once replaced
 *
 * Readers take rcu_read_lock() and copy what they need; writers build a new
 * one and publish it with rcu_assign_pointer(), so a scan never sees half of
 * a table.
 */
struct lmk_table_rcu {
	struct lmk_table t;
	struct rcu_head rcu;
};

static inline u64 lmk_pages_to_kb(unsigned long pages)
{
	return (u64)pages << (PAGE_SHIFT - 10);
}

#endif /* _LMK_INTERNAL_H */
