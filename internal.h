/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of lowmemkiller share.  lowmemkiller.c compiles them as
 * one unit (it says why); every symbol one part uses from another is
 * declared here, so each part reads and compiles on its own.
 *
 *   sysfs.c    the interface: parameters, statistics, kill log, uevents
 *   mem.c      the memory state the table is compared with
 *   victim.c   which process dies: the walk and its ranking
 *   kill.c     the signal, the processes sharing the memory, the death wait
 *   reap.c     the victim's memory unmapped at once, and its exit raised
 *   trigger.c  when a pass runs: the poll, the shrinker, thrashing, and the
 *              OOM notifier, which only counts
 */
#ifndef _LMK_INTERNAL_H
#define _LMK_INTERNAL_H

#include <linux/atomic.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "lowmemkiller.h"

#define LMK_VERSION	"0.2.0"

/**
 * enum lmk_reason - what made lowmemkiller look for a victim
 * @LMK_REASON_SHRINKER:  reclaim called the shrinker with a row crossed
 * @LMK_REASON_POLL:      the pressure poll saw a row crossed before reclaim
 * @LMK_REASON_THRASHING: the file cache was refaulted beyond thrashing_limit
 * @NR_LMK_REASONS:       number of reasons
 */
enum lmk_reason {
	LMK_REASON_SHRINKER,
	LMK_REASON_POLL,
	LMK_REASON_THRASHING,
	NR_LMK_REASONS,
};

/**
 * enum lmk_size_metric - how a candidate's size is measured
 * @LMK_SIZE_RSS:      resident pages only, as the Android driver did
 * @LMK_SIZE_RSS_SWAP: resident pages, swap entries and page tables, the
 *                     sum oom_badness() ranks by
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
	LMK_STAT_THRASHING_KILLS,
	LMK_STAT_REAPED,
	NR_LMK_STATS,
};

/**
 * struct lmk_kill_info - one kill decision, as logged, traced and notified
 * @ts_ns:      ktime_get_ns() when SIGKILL was sent (or would have been)
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
 * struct lmk_victim - a process chosen to die
 * @pid:  its thread-group pid, referenced: what is signalled and waited on
 * @mm:   its memory, mmgrab()bed: what its sharers are found by and what
 *        the death wait watches
 * @gain: pages of RAM its death gives back: resident pages and page tables
 * @info: its identity and size, and the pass's context
 */
struct lmk_victim {
	struct pid *pid;
	struct mm_struct *mm;
	unsigned long gain;
	struct lmk_kill_info info;
};

/*
 * The most victims one pass may kill: 1 + the deficit_kills maximum.
 * Small processes give back a few hundred kB each, and sixteen of them
 * cover a row's deficit of some MiB in one pass; more would make a pass
 * that misjudged what they give back kill that many more at once, and
 * every victim costs the pass a walk for its memory's sharers.
 */
#define LMK_BATCH_MAX		16

/**
 * struct lmk_mem - the memory state the table is compared with, in pages
 * @other_free: free pages above the allocator's reserve
 * @other_file: file pages reclaim could drop: not shmem, not unevictable,
 *              not swap cache
 */
struct lmk_mem {
	unsigned long other_free;
	unsigned long other_file;
};

/* lowmemkiller.c: the module's life.  See there for the locking. */
extern bool lmk_running;
extern bool lmk_stopping;

/* sysfs.c: parameters.  Written under kernel_param_lock(), read once. */
extern unsigned int lmk_cost;
extern unsigned int lmk_debug_level;
extern unsigned int lmk_death_timeout_ms;
extern unsigned int lmk_poll_ms;
extern unsigned int lmk_deficit_kills;
extern unsigned int lmk_thrashing_limit;
extern unsigned int lmk_victim_size;
extern bool lmk_dry_run;
extern bool lmk_uevent_identity;
extern const char * const lmk_reason_names[NR_LMK_REASONS];

void lmk_table_snapshot(struct lmk_table *t);
unsigned int lmk_rows_in_force(void);
void lmk_stat_add(enum lmk_stat_item item, u64 v);
void lmk_stat_inc(enum lmk_stat_item item);
void lmk_stat_max(enum lmk_stat_item item, u64 v);

/* The exit_ms a kill log entry gets when death_timeout_ms passed first. */
#define LMK_EXIT_TIMEOUT	(-2)

u64 lmk_log_add(const struct lmk_kill_info *info);
void lmk_log_set_exit(u64 seq, s64 exit_ms);
void lmk_notify_pending(void);
void lmk_notify_kick(void);
void lmk_notify_stop(void);
int lmk_interface_init(void);
void lmk_interface_exit(void);

/* mem.c */
void lmk_read_mem(struct lmk_mem *m, bool exact);

/* victim.c */
int lmk_select(const struct lmk_kill_info *tmpl, unsigned int max,
	       struct lmk_victim *v);
void lmk_victim_put(struct lmk_victim *v);

/* kill.c */
bool lmk_process_shares_mm(struct task_struct *p, const struct mm_struct *mm);
void lmk_kill(struct lmk_victim *v);
void lmk_kill_report(struct lmk_victim *v);
void lmk_death_wait_add(struct lmk_victim *v, u64 seq);
void lmk_death_wait_update(void);
bool lmk_death_wait_pending(void);
void lmk_death_wait_release(void);
void lmk_death_wait_reaped(const struct mm_struct *mm);
bool lmk_mm_given_up(const struct mm_struct *mm);
void lmk_given_up_release(void);
void lmk_watch_fn(struct work_struct *work);

/* reap.c */
unsigned int lmk_reap_add(struct pid *pid, struct mm_struct *mm);
bool lmk_reap_pending(void);
void lmk_reap_run(void);
void lmk_reap_release_all(void);

/* trigger.c */
extern struct mutex lmk_scan_mutex;
int lmk_triggers_init(void);
void lmk_triggers_exit(void);
void lmk_poll_kick(void);
void lmk_apply_cost(int cost);
void lmk_poll_fn(struct work_struct *work);

/* lowmemkiller.c: the module's workqueue and its two works. */
extern struct workqueue_struct *lmk_wq;
extern struct delayed_work lmk_watch_work;	/* death wait, uevents */
extern struct delayed_work lmk_poll_work;	/* early trigger */

static inline u64 lmk_pages_to_kb(unsigned long pages)
{
	return (u64)pages << (PAGE_SHIFT - 10);
}

#endif /* _LMK_INTERNAL_H */
