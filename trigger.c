// SPDX-License-Identifier: GPL-2.0
/*
 * When a pass runs, and the pass itself.  Part of the lowmemkiller unit
 * (lowmemkiller.c).
 *
 * Two paths ask for a pass, with one decision: the poll, every poll_ms
 * near the table, and the shrinker, when reclaim runs.  The poll also
 * watches the file cache for thrashing.  The OOM notifier only counts:
 * it is told nothing of why the kernel is out of memory, and the kernel
 * OOM killer stays the backstop.
 */
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/oom.h>
#include <linux/shrinker.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "internal.h"

/*
 * One pass at a time: concurrent reclaimers would pick the same victim.
 * Also protects lmk_pass_victims[], the dry-run and empty-row state here
 * and the walk's candidates (victim.c).
 */
DEFINE_MUTEX(lmk_scan_mutex);

/* A pass's victims, best first; under lmk_scan_mutex. */
static struct lmk_victim lmk_pass_victims[LMK_BATCH_MAX];

/*
 * Dry runs start no death wait, so without a limit reclaim would report the
 * same would-be victim at the rate it calls us.  Report at most one per
 * death_timeout_ms, the cadence real kills could have at most.
 */
static unsigned long lmk_dry_run_next;	/* jiffies; under lmk_scan_mutex */

/*
 * A walk that found nobody at or above a row's adj will find nobody again
 * until processes change, and the poll would repeat it every poll_ms, and
 * reclaim at every shrinker call, a walk of every process each time,
 * while the row stays crossed.  So no pass repeats it for the same row
 * within 100 ms: at most ten walks a second, and a process that becomes
 * killable is found at most 100 ms late.  Written under lmk_scan_mutex;
 * count_objects reads them without it.
 */
#define LMK_EMPTY_ROW_BACKOFF	(HZ / 10)
static int lmk_empty_row = -1;
static unsigned long lmk_empty_until;	/* jiffies */

/* Is @row the empty row, within its backoff? */
static bool lmk_row_known_empty(int row)
{
	return row == READ_ONCE(lmk_empty_row) &&
	       time_before(jiffies, READ_ONCE(lmk_empty_until));
}

/* The most victims a pass may rank: the best, and deficit_kills more. */
static unsigned int lmk_batch_max(enum lmk_reason reason, bool dry_run)
{
	/* Thrashing says nothing of how much is missing: one, then measure. */
	if (dry_run || reason == LMK_REASON_THRASHING)
		return 1;
	return 1 + min_t(unsigned int, READ_ONCE(lmk_deficit_kills),
			 LMK_BATCH_MAX - 1);
}

/* How many of the @nr victims a pass with @deficit kills. */
static unsigned int lmk_victims_to_kill(unsigned int nr, unsigned long deficit)
{
	unsigned long gain[LMK_BATCH_MAX];
	unsigned int i;

	for (i = 0; i < nr; i++)
		gain[i] = lmk_pass_victims[i].gain;
	return lmk_batch_count(gain, nr, deficit);
}

/*
 * Choose at @row and kill: the best victim, and the next ones while what
 * they give back falls short of the row's deficit (lmk_batch_count()).
 * Every victim gets its signal before any bookkeeping.  Returns the pages
 * the victims are expected to give back, 0 when nobody could be chosen.
 */
static unsigned long lmk_kill_at_row(const struct lmk_table *table, int row,
				     const struct lmk_mem *mem,
				     enum lmk_reason reason, bool dry_run)
{
	const struct lmk_kill_info tmpl = {
		.reason = reason,
		.dry_run = dry_run,
		.row = row,
		.min_adj = (short)table->adj[row],
		.minfree = table->minfree[row],
		.other_free = mem->other_free,
		.other_file = mem->other_file,
	};
	unsigned long deficit = lmk_row_deficit(table, row, mem->other_free);
	unsigned int nr, kill, i;
	unsigned long freed = 0;
	int got;

	got = lmk_select(&tmpl, lmk_batch_max(reason, dry_run),
			 lmk_pass_victims);
	if (got < 0) {
		/*
		 * The kernel OOM killer's victim is still giving memory back:
		 * nobody now, as for an empty row.
		 */
		lmk_stat_inc(LMK_STAT_SKIPPED_DYING);
		return 0;
	}
	nr = got;
	kill = lmk_victims_to_kill(nr, deficit);
	for (i = 0; i < kill; i++)
		lmk_kill(&lmk_pass_victims[i]);
	for (i = 0; i < kill; i++) {
		freed += max(lmk_pass_victims[i].gain, 1UL);
		lmk_kill_report(&lmk_pass_victims[i]);
	}
	for (; i < nr; i++)
		lmk_victim_put(&lmk_pass_victims[i]);
	memset(lmk_pass_victims, 0, nr * sizeof(lmk_pass_victims[0]));
	return freed;
}

/* Log a crossed row with nobody to kill, at debug_level 2. */
static void lmk_report_empty_row(int row, const struct lmk_mem *mem,
				 const struct lmk_table *table)
{
	if (READ_ONCE(lmk_debug_level) >= 2)
		pr_info_ratelimited("row %d crossed (free %llukB file %llukB), nothing at adj >= %ld\n",
				    row, lmk_pages_to_kb(mem->other_free),
				    lmk_pages_to_kb(mem->other_file),
				    table->adj[row]);
}

/* Is a pass for @reason at @row held back by an earlier one? */
static bool lmk_pass_held_back(enum lmk_reason reason, int row, bool dry_run)
{
	lockdep_assert_held(&lmk_scan_mutex);
	lmk_death_wait_update();
	if (lmk_death_wait_pending()) {
		lmk_stat_inc(LMK_STAT_SKIPPED_DYING);
		return true;
	}
	if (dry_run && time_before(jiffies, lmk_dry_run_next))
		return true;
	return lmk_row_known_empty(row);
}

/**
 * lmk_pass() - kill if the memory state calls for it
 * @reason: what is asking
 *
 * Reads the memory state, finds the row it crosses (lmk_pass_row()),
 * and kills the best victim at that row's adj, and with deficit_kills the
 * next ones while one victim cannot lift free memory back above the row.
 *
 * Context: process context, may sleep.  Serialised by lmk_scan_mutex,
 * which it only trylocks: reclaimers never queue up behind a pass.
 * Return: the pages the victims are expected to give back, or 0.
 */
static unsigned long lmk_pass(enum lmk_reason reason)
{
	unsigned long freed = 0;
	struct lmk_table table;
	struct lmk_mem mem;
	bool dry_run;
	int row;

	if (!mutex_trylock(&lmk_scan_mutex))
		return 0;
	lmk_read_mem(&mem, true);
	lmk_table_snapshot(&table);
	row = lmk_pass_row(&table, lmk_find_row(&table, mem.other_free,
						mem.other_file),
			   reason == LMK_REASON_THRASHING);
	dry_run = READ_ONCE(lmk_dry_run);
	if (row < 0 || lmk_pass_held_back(reason, row, dry_run))
		goto out;

	freed = lmk_kill_at_row(&table, row, &mem, reason, dry_run);
	if (!freed) {
		WRITE_ONCE(lmk_empty_until, jiffies + LMK_EMPTY_ROW_BACKOFF);
		WRITE_ONCE(lmk_empty_row, row);
		lmk_report_empty_row(row, &mem, &table);
		goto out;
	}
	WRITE_ONCE(lmk_empty_row, -1);
	if (dry_run) {
		lmk_dry_run_next = jiffies +
			msecs_to_jiffies(READ_ONCE(lmk_death_timeout_ms));
		freed = 0;
	}
out:
	mutex_unlock(&lmk_scan_mutex);
	return freed;
}

/*
 * The shrinker.  count_objects is O(1): a few vmstat reads and one table
 * lookup.  It reports nothing to do unless a row is crossed, no victim is
 * still dying and the row is not known to be empty, so reclaim does not
 * call scan_objects for nothing.  When
 * a kill is due it reports the anonymous pages in the system, what a kill
 * can give back, so that reclaim's usual scaling by priority and "cost"
 * (seeks) decides how soon scan_objects runs.
 */
static struct shrinker *lmk_shrinker;	/* under kernel_param_lock() */

static unsigned long lmk_count_objects(struct shrinker *s,
				       struct shrink_control *sc)
{
	struct lmk_table table;
	struct lmk_mem mem;
	unsigned long anon;
	int row;

	lmk_stat_inc(LMK_STAT_COUNT_CALLS);
	lmk_read_mem(&mem, false);
	lmk_table_snapshot(&table);
	row = lmk_find_row(&table, mem.other_free, mem.other_file);
	if (row < 0)
		return 0;
	lmk_stat_inc(LMK_STAT_COUNT_NEED_KILL);
	if (lmk_death_wait_pending() || lmk_row_known_empty(row))
		return 0;
	anon = global_node_page_state(NR_ANON_MAPPED);
	return anon ? anon : 1;
}

static unsigned long lmk_scan_objects(struct shrinker *s,
				      struct shrink_control *sc)
{
	unsigned long freed;

	lmk_stat_inc(LMK_STAT_SCAN_CALLS);
	freed = lmk_pass(LMK_REASON_SHRINKER);
	return freed ? freed : SHRINK_STOP;
}

/**
 * lmk_apply_cost() - set the shrinker's seeks
 * @cost: the new value of the "cost" parameter
 *
 * Context: the parameter's setter, under kernel_param_lock().
 */
void lmk_apply_cost(int cost)
{
	if (lmk_running && lmk_shrinker)
		WRITE_ONCE(lmk_shrinker->seeks, cost);
}

/*
 * The thrashing window: file refaults counted from @start, for one second
 * at most.  It starts over when it ends, after a thrashing kill and while
 * a victim is dying, so that what a kill changed is measured afresh.
 * Touched by the poll only, which never runs concurrently with itself.
 */
static struct {
	unsigned long start;		/* jiffies */
	unsigned long refaults;		/* WORKINGSET_REFAULT_FILE then */
} lmk_thrash;

static void lmk_thrash_restart(unsigned long refaults)
{
	lmk_thrash.start = jiffies;
	lmk_thrash.refaults = refaults;
}

/*
 * Is the file cache thrashing while free memory is below the top row?
 * Above it, refaults come from a memory cgroup's own limit, which no
 * global kill relieves.
 */
static bool lmk_check_thrashing(const struct lmk_table *t,
				const struct lmk_mem *mem)
{
	unsigned int limit = READ_ONCE(lmk_thrashing_limit);
	unsigned int rows = lmk_table_rows(t);
	unsigned long refaults, lru;

	refaults = global_node_page_state(WORKINGSET_REFAULT_FILE);
	if (!limit || !rows || lmk_death_wait_pending() ||
	    time_after(jiffies, lmk_thrash.start + HZ)) {
		lmk_thrash_restart(refaults);
		return false;
	}
	if (mem->other_free >= t->minfree[rows - 1])
		return false;
	lru = global_node_page_state(NR_ACTIVE_FILE) +
	      global_node_page_state(NR_INACTIVE_FILE);
	if (!lmk_thrashing(refaults - lmk_thrash.refaults, lru, limit))
		return false;
	if (READ_ONCE(lmk_debug_level) >= 2)
		pr_info("thrashing: %lu file pages refaulted in %u ms, file LRU %lu pages\n",
			refaults - lmk_thrash.refaults,
			jiffies_to_msecs(jiffies - lmk_thrash.start), lru);
	lmk_thrash_restart(refaults);
	return true;
}

/*
 * Away from the table, memory has to fall by at least the top row's
 * minfree before any row is crossed, so the poll runs ten times less
 * often there: an idle system wakes ten times a second at the default
 * poll_ms.  Memory that falls faster than the slower poll sees is still
 * caught by reclaim, the shrinker, and the next poll.
 */
#define LMK_POLL_IDLE_FACTOR	10

/**
 * lmk_poll_fn() - the early trigger
 * @work: lmk_poll_work
 *
 * Reclaim, and so the shrinker, only runs near the low watermark; with
 * little page cache that is far below a minfree of tens of MiB.  The poll
 * reads the same state and runs a pass when a row is crossed or the file
 * cache is thrashing.
 *
 * Context: the module's workqueue.
 */
void lmk_poll_fn(struct work_struct *work)
{
	unsigned int ms = READ_ONCE(lmk_poll_ms);
	struct lmk_table table;
	struct lmk_mem mem;
	bool crossed;

	if (!ms || READ_ONCE(lmk_stopping))
		return;
	lmk_read_mem(&mem, true);
	lmk_table_snapshot(&table);
	crossed = lmk_find_row(&table, mem.other_free, mem.other_file) >= 0;
	if (crossed && !lmk_death_wait_pending())
		lmk_pass(LMK_REASON_POLL);
	if (lmk_check_thrashing(&table, &mem) && !crossed &&
	    !lmk_death_wait_pending())
		lmk_pass(LMK_REASON_THRASHING);

	if (!lmk_near_table(&table, mem.other_free, mem.other_file))
		ms *= LMK_POLL_IDLE_FACTOR;
	queue_delayed_work(lmk_wq, &lmk_poll_work, msecs_to_jiffies(ms));
}

/**
 * lmk_poll_kick() - run the poll now
 *
 * From parameter setters and init (under kernel_param_lock()) and from
 * the death wait once victims are gone.  With poll_ms at 0 the poll
 * returns at once.  A kick racing with exit is drained by
 * destroy_workqueue() and finds lmk_stopping set.
 *
 * Context: any process context.
 */
void lmk_poll_kick(void)
{
	if (READ_ONCE(lmk_running))
		mod_delayed_work(lmk_wq, &lmk_poll_work, 0);
}

/*
 * The kernel OOM killer calls its notifiers before it chooses, and stands
 * down when one reports memory freed (except for sysrq-f).  The notifier
 * is not told why memory is out: sysrq-f, a cpuset or mempolicy
 * constraint, an oom_task_origin() task (swapoff, KSM), or a dying
 * allocating task, in all of which the kernel chooses differently; and a
 * kill of ours frees nothing before the victim exits.  So it reports
 * nothing and only counts: the kernel OOM killer is the backstop.  While
 * a victim of ours is still dying the kernel chooses by its own badness:
 * if that is our victim, it waits for it (task_will_free_mem()) and
 * reaps it; if not, it kills its own choice too.  The module's reaper
 * makes that window milliseconds; a pass, in turn, waits for a victim of
 * the kernel's (lmk_select()).
 */
static int lmk_oom_notify(struct notifier_block *nb, unsigned long unused,
			  void *parm)
{
	lmk_stat_inc(LMK_STAT_KERNEL_OOM);
	return NOTIFY_OK;
}

static struct notifier_block lmk_oom_nb = {
	.notifier_call = lmk_oom_notify,
};

/**
 * lmk_triggers_init() - register the OOM notifier and the shrinker
 *
 * Context: module init, under kernel_param_lock().
 * Return: 0 or a negative errno, with nothing left registered.
 */
int lmk_triggers_init(void)
{
	struct shrinker *shrinker;
	int err;

	lmk_dry_run_next = jiffies;
	err = register_oom_notifier(&lmk_oom_nb);
	if (err)
		return err;
	shrinker = lmk_shrinker_create(lmk_count_objects, lmk_scan_objects,
				       lmk_cost, 1, KBUILD_MODNAME);
	if (IS_ERR(shrinker)) {
		unregister_oom_notifier(&lmk_oom_nb);
		return PTR_ERR(shrinker);
	}
	lmk_shrinker = shrinker;
	return 0;
}

/**
 * lmk_triggers_exit() - unregister the shrinker and the OOM notifier
 *
 * On return no pass runs from reclaim; the poll is the caller's.
 *
 * Context: module exit, process context.
 */
void lmk_triggers_exit(void)
{
	struct shrinker *shrinker;

	kernel_param_lock(THIS_MODULE);
	shrinker = lmk_shrinker;
	lmk_shrinker = NULL;
	kernel_param_unlock(THIS_MODULE);
	lmk_shrinker_destroy(shrinker);
	unregister_oom_notifier(&lmk_oom_nb);
}
