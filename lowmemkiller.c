// SPDX-License-Identifier: GPL-2.0
/*
 * lowmemkiller - an Android-style low-memory killer for current kernels
 *
 * When free and file pages both fall below a row of the minfree table, kill
 * the process with the highest oom_score_adj at or above that row's adj,
 * the largest one on ties, before the kernel OOM killer has to act.
 *
 * This file is the mechanism: reading the memory state, walking the tasks,
 * sending the signal and waiting for the victim to die.  The policy (pure
 * arithmetic) is in lowmemkiller.h, the interface (parameters, statistics,
 * kill log, uevents) in sysfs.c and every kernel-version difference in
 * compat.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/oom.h>
#include <linux/pid.h>
#include <linux/ratelimit.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/shrinker.h>
#include <linux/spinlock.h>
#include <linux/swap.h>
#include <linux/tracepoint.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "internal.h"
#include "lowmemkiller.h"

#define CREATE_TRACE_POINTS
#include "lowmemkiller_trace.h"

static void lmk_apply_cost(int cost);
static void lmk_poll_kick(void);
static unsigned long lmk_landing_pages(void);
/*
 * Both change only under kernel_param_lock(THIS_MODULE), which parameter
 * setters also run under, so a write racing with init or exit never touches
 * a half-built or torn-down module.  Paths outside that lock read them with
 * READ_ONCE().
 */
static bool lmk_running;		/* init finished */
static bool lmk_stopping;		/* exit started; stops re-arming */

/* Parameters, statistics, kill log and uevents. */
#include "sysfs.c"

/**
 * struct lmk_mem - the memory state the table is compared with, in pages
 * @other_free: free pages, including the per-CPU lists, above the
 *              allocator's reserve, and for most readers the memory
 *              exited victims have yet to give back (enum lmk_mem_view)
 * @other_file: file pages reclaim could drop: not shmem, not unevictable,
 *              not swap cache
 * @landing:    the part of @other_free that exited victims have yet to
 *              give back (lmk_landing_pages()), 0 for the views without it
 */
struct lmk_mem {
	unsigned long other_free;
	unsigned long other_file;
	unsigned long landing;
};

/* The most victims one pass may kill: 1 + the deficit_kills maximum. */
#define LMK_BATCH_MAX		16

/**
 * struct lmk_dying - a killed victim whose memory is not yet released
 * @pid:     its thread-group pid
 * @mm:      its mm, mmgrab()bed, to see it released
 * @kill_ns: ktime_get_ns() at the kill
 * @seq:     its kill log entry
 * @late:    what it gives back after its exit is seen: its page tables
 *           and kernel stacks, in pages
 */
struct lmk_dying {
	struct pid *pid;
	struct mm_struct *mm;
	u64 kill_ns;
	u64 seq;
	unsigned long late;
};

/*
 * The victims being waited for.  After a pass no new victim is chosen until
 * all of its victims have released their memory or death_timeout_ms has
 * passed: a kill while the last one is still unmapping is the overkill the
 * Android driver's fixed one-second window was meant to stop, and waiting
 * for the real exit instead of a fixed time avoids its underkill.  @nr is
 * read without the lock (READ_ONCE()) to ask "is a victim dying?".
 */
static DEFINE_SPINLOCK(lmk_victim_lock);
static struct {
	struct lmk_dying v[LMK_BATCH_MAX];
	unsigned int nr;
	unsigned long deadline;		/* jiffies */
} lmk_victims;				/* protected by lmk_victim_lock */

static bool lmk_victim_pending(void)
{
	return READ_ONCE(lmk_victims.nr) != 0;
}

/*
 * Memory on its way back.  When a victim's exit is seen its pages are
 * free, but its page tables, kernel stacks and task structures are freed
 * by RCU callbacks, the last thread's and the reaped task's queued later
 * still.  For a small process or one of many threads that is most of what
 * it gives back.  A pass that read the memory state before they land
 * would kill again for memory already on its way, so for two RCU grace
 * periods after the exit was seen, the second started by the first read
 * that finds the first over, the victim's page tables and kernel stacks
 * count as free (lmk_landing_pages()).  With the poll on, reads come at
 * least every poll_ms near the table; with it off, a pass after a long
 * quiet spell may wait one grace period more.  An entry that finds the
 * list full is dropped: the next pass may then kill early, never late.
 * Protected by lmk_victim_lock.
 */
#define LMK_LANDING_MAX		(4 * LMK_BATCH_MAX)

struct lmk_landing_entry {
	unsigned long gp;		/* start_poll_synchronize_rcu() */
	unsigned long pages;
	bool second;			/* in its second grace period */
};

static struct {
	struct lmk_landing_entry e[LMK_LANDING_MAX];
	unsigned int nr;
} lmk_landing;

static void lmk_landing_add(unsigned long pages)
{
	unsigned int i = lmk_landing.nr;

	lockdep_assert_held(&lmk_victim_lock);
	if (i == LMK_LANDING_MAX)
		return;
	lmk_landing.e[i].gp = start_poll_synchronize_rcu();
	lmk_landing.e[i].pages = pages;
	lmk_landing.e[i].second = false;
	WRITE_ONCE(lmk_landing.nr, i + 1);
}

static bool lmk_landing_pending(void)
{
	return READ_ONCE(lmk_landing.nr) != 0;
}

/**
 * lmk_landing_pages() - memory of exited victims not yet back
 *
 * Starts the second grace period of the victims whose first has ended,
 * and forgets those whose second has.
 *
 * Context: process context; takes lmk_victim_lock.
 * Return: the page tables and kernel stacks of the others, in pages.
 */
static unsigned long lmk_landing_pages(void)
{
	unsigned long sum = 0;
	unsigned int i = 0;

	if (!lmk_landing_pending())
		return 0;
	spin_lock(&lmk_victim_lock);
	while (i < lmk_landing.nr) {
		struct lmk_landing_entry *e = &lmk_landing.e[i];

		if (!poll_state_synchronize_rcu(e->gp)) {
			sum += e->pages;
			i++;
		} else if (!e->second) {
			e->gp = start_poll_synchronize_rcu();
			e->second = true;
		} else {
			*e = lmk_landing.e[lmk_landing.nr - 1];
			WRITE_ONCE(lmk_landing.nr, lmk_landing.nr - 1);
		}
	}
	spin_unlock(&lmk_victim_lock);
	return sum;
}

/* One scan at a time: concurrent reclaimers would pick the same victim. */
static DEFINE_MUTEX(lmk_scan_mutex);

static struct shrinker *lmk_shrinker;
static struct workqueue_struct *lmk_wq;
static struct delayed_work lmk_watch_work;	/* death wait, uevents */
static struct delayed_work lmk_poll_work;	/* early trigger */

/*
 * What a read of the memory state counts, by who reads it:
 * LMK_MEM_QUICK  count_objects, on every reclaim pass: O(1), without the
 *                per-CPU free lists (a walk over zones and CPUs); it can
 *                only err towards "a kill may be due", which the scan then
 *                checks with them;
 * LMK_MEM_BACK   the OOM notifier: with them, and only memory already back;
 * LMK_MEM_DUE    the poll and the other passes: also the memory exited
 *                victims have yet to give back (lmk_landing_pages()).
 */
enum lmk_mem_view { LMK_MEM_QUICK, LMK_MEM_BACK, LMK_MEM_DUE };

static void lmk_read_mem(struct lmk_mem *m, enum lmk_mem_view view)
{
	long free = global_zone_page_state(NR_FREE_PAGES);
	long file = global_node_page_state(NR_FILE_PAGES) -
		    global_node_page_state(NR_SHMEM) -
		    global_node_page_state(NR_UNEVICTABLE);

#ifdef CONFIG_SWAP
	file -= global_node_page_state(NR_SWAPCACHE);
#endif
	if (view != LMK_MEM_QUICK)
		free += lmk_pcp_free_pages();
	free -= lmk_reserve_pages();
	m->landing = view == LMK_MEM_DUE ? lmk_landing_pages() : 0;
	free += m->landing;
	m->other_free = free > 0 ? free : 0;
	m->other_file = file > 0 ? file : 0;
}

/*
 * The first row @m crosses (lmk_find_row()).  When only the memory still
 * landing keeps a row from being crossed, that counts in
 * stats/landing_holds.
 */
static int lmk_mem_row(const struct lmk_table *t, const struct lmk_mem *m)
{
	int row = lmk_find_row(t, m->other_free, m->other_file);
	unsigned long back;

	if (row >= 0 || !m->landing)
		return row;
	back = m->other_free > m->landing ? m->other_free - m->landing : 0;
	if (lmk_find_row(t, back, m->other_file) >= 0)
		lmk_stat_inc(LMK_STAT_LANDING_HOLDS);
	return row;
}

static void lmk_table_snapshot(struct lmk_table *t)
{
	rcu_read_lock();
	*t = rcu_dereference(lmk_table_cur)->t;
	rcu_read_unlock();
}

/*
 * When the killer first saw the current row crossed, with no victim still
 * dying: (ktime_get_ns() << 4) | (row + 1), or 0.  A kill's reaction time
 * is measured from here.  Every path that reads the memory state updates
 * it; a change of row, a kill or a walk that finds nobody starts over.
 */
static atomic64_t lmk_cross = ATOMIC64_INIT(0);

#define LMK_CROSS_ROW_BITS	4

static bool lmk_note_crossing(int row)
{
	s64 old = atomic64_read(&lmk_cross);
	s64 new;

	if (row < 0) {
		if (old)
			atomic64_set(&lmk_cross, 0);
		return false;
	}
	if ((old & ((1 << LMK_CROSS_ROW_BITS) - 1)) == row + 1 ||
	    lmk_victim_pending())
		return false;
	new = (ktime_get_ns() << LMK_CROSS_ROW_BITS) | (row + 1);
	return atomic64_cmpxchg(&lmk_cross, old, new) == old;
}

/* When @row was first seen crossed, in ktime_get_ns(), or 0. */
static u64 lmk_crossed_since(int row)
{
	s64 v = atomic64_read(&lmk_cross);

	if ((v & ((1 << LMK_CROSS_ROW_BITS) - 1)) != row + 1)
		return 0;
	return (u64)v >> LMK_CROSS_ROW_BITS;
}

/*
 * A victim's memory is gone once exit_mmap() is done with it, or once no
 * task is left in its thread group.  exit_mmap() unmaps, marks the mm
 * MMF_OOM_SKIP, frees the page tables and the pages it gathered while
 * unmapping, and last empties the VMA tree: both marks are needed, since
 * the tree of a live mm is never empty and the flag comes before the
 * pages are free.  mm_users reaching zero is not enough either: it drops
 * before the unmapping, and a kill chosen in that window would find the
 * memory not yet free.
 */
static bool lmk_dying_exited(const struct lmk_dying *d)
{
	return (test_bit(MMF_OOM_SKIP, &d->mm->flags) &&
		!rcu_access_pointer(d->mm->mm_mt.ma_root)) ||
	       !pid_has_task(d->pid, PIDTYPE_TGID);
}

/*
 * Take one victim whose wait is over (exited, or all timed out) off the
 * list into @out.  Returns false when there is none.
 */
static bool lmk_dying_take_done(struct lmk_dying *out, s64 *exit_ms)
{
	unsigned int i, nr;
	bool timed_out;

	lockdep_assert_held(&lmk_victim_lock);
	nr = lmk_victims.nr;
	timed_out = time_after_eq(jiffies, lmk_victims.deadline);
	for (i = 0; i < nr; i++) {
		struct lmk_dying *d = &lmk_victims.v[i];

		if (lmk_dying_exited(d)) {
			*exit_ms = div_u64(ktime_get_ns() - d->kill_ns,
					   NSEC_PER_MSEC);
			lmk_landing_add(d->late);
		} else if (timed_out) {
			*exit_ms = LMK_EXIT_TIMEOUT;
		} else {
			continue;
		}
		*out = *d;
		lmk_victims.v[i] = lmk_victims.v[nr - 1];
		WRITE_ONCE(lmk_victims.nr, nr - 1);
		return true;
	}
	return false;
}

static void lmk_dying_put(const struct lmk_dying *d)
{
	put_pid(d->pid);
	mmdrop(d->mm);
}

/**
 * lmk_victim_busy() - is a killed victim still being waited for?
 *
 * Ends the wait of every victim that has exited (recording how long it
 * took in the kill log), and of all of them once death_timeout_ms has
 * passed since the last kill.
 *
 * Context: process context; takes lmk_victim_lock.
 * Return: true while any wait goes on.
 */
static bool lmk_victim_busy(void)
{
	struct lmk_dying d;
	s64 exit_ms;
	bool found, busy;

	if (!lmk_victim_pending())
		return false;
	for (;;) {
		spin_lock(&lmk_victim_lock);
		found = lmk_dying_take_done(&d, &exit_ms);
		busy = lmk_victims.nr != 0;
		spin_unlock(&lmk_victim_lock);
		if (!found)
			return busy;

		if (exit_ms == LMK_EXIT_TIMEOUT) {
			lmk_stat_inc(LMK_STAT_DEATH_TIMEOUTS);
			pr_warn("pid %d did not exit within %u ms, next kill allowed\n",
				pid_nr(d.pid), READ_ONCE(lmk_death_timeout_ms));
		}
		lmk_log_set_exit(d.seq, exit_ms);
		lmk_dying_put(&d);
	}
}

static void lmk_victim_wait(struct task_struct *p, struct mm_struct *mm,
			    unsigned long late, u64 kill_ns, u64 seq)
{
	unsigned int ms = READ_ONCE(lmk_death_timeout_ms);
	bool added = false;

	mmgrab(mm);
	spin_lock(&lmk_victim_lock);
	if (lmk_victims.nr < LMK_BATCH_MAX) {
		struct lmk_dying *d = &lmk_victims.v[lmk_victims.nr];

		d->pid = get_pid(task_tgid(p));
		d->mm = mm;
		d->kill_ns = kill_ns;
		d->seq = seq;
		d->late = late;
		WRITE_ONCE(lmk_victims.nr, lmk_victims.nr + 1);
		lmk_victims.deadline = jiffies + msecs_to_jiffies(ms);
		added = true;
	}
	spin_unlock(&lmk_victim_lock);
	if (!added)
		mmdrop(mm);
}

static void lmk_victim_release(void)
{
	struct lmk_dying d;

	for (;;) {
		spin_lock(&lmk_victim_lock);
		if (!lmk_victims.nr) {
			spin_unlock(&lmk_victim_lock);
			return;
		}
		d = lmk_victims.v[lmk_victims.nr - 1];
		WRITE_ONCE(lmk_victims.nr, lmk_victims.nr - 1);
		spin_unlock(&lmk_victim_lock);
		lmk_dying_put(&d);
	}
}

/**
 * struct lmk_cand - what a walk learns about one process
 * @pid:   the thread that owns the mm
 * @uid:   its real uid in the initial namespace
 * @comm:  its command name
 * @rss:   resident pages
 * @swap:  swap entries
 * @size:  the size used for ranking
 * @gain:  what a kill is expected to give back: @size, page tables and
 *         its threads' kernel stacks; a small process gives back about as
 *         much in those as in resident pages, and a pass that left them
 *         out would overkill
 * @dying: SIGKILL pending, or the mm was already reaped
 * @mm:    the mm; a reference (mmgrab()) is held only when asked for
 */
struct lmk_cand {
	pid_t pid;
	uid_t uid;
	char comm[TASK_COMM_LEN];
	unsigned long rss;
	unsigned long swap;
	unsigned long size;
	unsigned long gain;
	bool dying;
	struct mm_struct *mm;
};

static unsigned long lmk_task_size(struct task_struct *p, struct mm_struct *mm,
				   unsigned long *rss, unsigned long *swap)
{
	unsigned long cnt[NR_MM_COUNTERS];

	lmk_mm_counters(p, mm, cnt);
	*rss = cnt[MM_FILEPAGES] + cnt[MM_ANONPAGES] + cnt[MM_SHMEMPAGES];
	*swap = cnt[MM_SWAPENTS];
	if (READ_ONCE(lmk_victim_size) == LMK_SIZE_RSS)
		return *rss;
	return *rss + *swap;
}

/**
 * lmk_task_mm() - read a process's memory through a thread that has it
 * @p:    the process (any thread of it)
 * @c:    filled in when a thread with an mm is found
 *
 * The kernel's find_lock_task_mm() is not exported.  A process whose leader
 * has exited keeps its memory in its other threads, so every thread is
 * looked at, each under its task_lock(), until one still has an mm.
 *
 * Context: rcu_read_lock() held.
 * Return: true if a thread with an mm was found.
 */
static bool lmk_task_mm(struct task_struct *p, struct lmk_cand *c)
{
	struct task_struct *t;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "task walk needs RCU");
	for_each_thread(p, t) {
		struct mm_struct *mm;

		task_lock(t);
		mm = t->mm;
		if (mm) {
			c->pid = task_pid_nr(t);
			c->uid = from_kuid_munged(&init_user_ns, task_uid(t));
			strscpy(c->comm, t->comm, sizeof(c->comm));
			c->size = lmk_task_size(p, mm, &c->rss, &c->swap);
			c->gain = c->size +
				  (mm_pgtables_bytes(mm) >> PAGE_SHIFT) +
				  get_nr_threads(p) * (THREAD_SIZE >> PAGE_SHIFT);
			c->dying = fatal_signal_pending(t) ||
				   test_bit(MMF_OOM_SKIP, &mm->flags);
			c->mm = mm;
		}
		task_unlock(t);
		if (mm)
			return true;
	}
	return false;
}

/*
 * An mm_count reference on @p's memory, for a victim's death wait, taken
 * through any thread that still has an mm as in lmk_task_mm(), with
 * nothing else read: it sits between a pass's choice and its signal.
 * NULL when every thread has already let its memory go.
 */
static struct mm_struct *lmk_task_mm_grab(struct task_struct *p)
{
	struct mm_struct *mm = NULL;
	struct task_struct *t;

	rcu_read_lock();
	for_each_thread(p, t) {
		task_lock(t);
		mm = t->mm;
		if (mm)
			mmgrab(mm);
		task_unlock(t);
		if (mm)
			break;
	}
	rcu_read_unlock();
	return mm;
}

/* Never touched: kernel threads, init, and processes marked unkillable. */
static bool lmk_task_protected(struct task_struct *p)
{
	return (p->flags & PF_KTHREAD) || is_global_init(p) ||
	       READ_ONCE(p->signal->oom_score_adj) == OOM_SCORE_ADJ_MIN;
}

/**
 * struct lmk_pick - a victim chosen by a walk
 * @task:  the process, with a reference held once the walk is done
 * @mm_id: its mm, for comparison only
 * @gain:  pages its kill is expected to give back (struct lmk_cand)
 * @mm:    its mm, mmgrab()bed, from the kill to the start of the wait
 * @info:  its identity and size, and the pass's context
 */
struct lmk_pick {
	struct task_struct *task;
	const void *mm_id;
	unsigned long gain;
	struct mm_struct *mm;
	struct lmk_kill_info info;
};

/*
 * A pass's choices, best first, and their gains as the array
 * lmk_batch_count() takes; under lmk_scan_mutex.
 */
static struct lmk_pick lmk_picks[LMK_BATCH_MAX];
static unsigned long lmk_pick_gain[LMK_BATCH_MAX];

/* Where a candidate ranks among the @nr picks so far (lmk_better_victim()). */
static unsigned int lmk_pick_rank(unsigned int nr, short adj,
				  unsigned long size)
{
	unsigned int pos = nr;

	while (pos > 0 &&
	       lmk_better_victim(adj, size, lmk_picks[pos - 1].info.adj,
				 lmk_picks[pos - 1].info.size))
		pos--;
	return pos;
}

/*
 * Can @p be killed at all?  Not kernel threads, init or -1000 processes,
 * nor processes already dying or without memory.  Fills @c from the
 * thread that has the mm.
 */
static bool lmk_task_killable(struct task_struct *p, struct lmk_cand *c)
{
	if (lmk_task_protected(p) ||
	    (READ_ONCE(p->signal->flags) & SIGNAL_GROUP_EXIT))
		return false;
	return lmk_task_mm(p, c) && !c->dying;
}

/*
 * Consider process @p, at @adj, for the @max picks so far (@nr of them):
 * skip it if it cannot be killed or does not rank, else insert it in
 * order.  The cheapest tests come first, on the signal struct alone: with
 * the picks full, whether it would beat the last one even at the largest
 * size.  In a walk of a crowd, that rules out most processes before any
 * lock.
 *
 * Context: rcu_read_lock() and lmk_scan_mutex held; takes task locks.
 */
static void lmk_consider(struct task_struct *p, short adj,
			 const struct lmk_kill_info *tmpl, unsigned int max,
			 unsigned int *nr)
{
	struct lmk_kill_info *info;
	struct lmk_cand c;
	unsigned int pos, i;

	if (*nr == max &&
	    !lmk_better_victim(adj, ULONG_MAX, lmk_picks[max - 1].info.adj,
			       lmk_picks[max - 1].info.size))
		return;
	if (!lmk_task_killable(p, &c))
		return;
	pos = lmk_pick_rank(*nr, adj, c.size);
	if (pos >= max)
		return;
	/*
	 * Processes sharing an mm (CLONE_VM) die together: one pick stands
	 * for all of them, the best ranked.
	 */
	for (i = 0; i < *nr; i++)
		if (lmk_picks[i].mm_id == c.mm)
			break;
	if (i < *nr) {
		if (i < pos)
			return;
		memmove(&lmk_picks[i], &lmk_picks[i + 1],
			(*nr - 1 - i) * sizeof(lmk_picks[0]));
		(*nr)--;
	}
	if (*nr < max)
		(*nr)++;
	memmove(&lmk_picks[pos + 1], &lmk_picks[pos],
		(*nr - 1 - pos) * sizeof(lmk_picks[0]));
	lmk_picks[pos].task = p;
	lmk_picks[pos].mm_id = c.mm;
	lmk_picks[pos].gain = c.gain;
	info = &lmk_picks[pos].info;
	*info = *tmpl;
	info->pid = c.pid;
	info->tgid = task_tgid_nr(p);
	info->uid = c.uid;
	memcpy(info->comm, c.comm, sizeof(info->comm));
	info->adj = adj;
	info->rss = c.rss;
	info->swap = c.swap;
	info->size = c.size;
}

/* Task structs outlive an RCU section only with a reference. */
static void lmk_picks_hold(unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		get_task_struct(lmk_picks[i].task);
}

static void lmk_picks_put(unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		put_task_struct(lmk_picks[i].task);
		lmk_picks[i].task = NULL;
	}
}

static void lmk_walk_done(u64 start, unsigned long visited)
{
	u64 ns = ktime_get_ns() - start;

	lmk_stat_inc(LMK_STAT_SCAN_WALKS);
	lmk_stat_add(LMK_STAT_TASKS_VISITED, visited);
	lmk_stat_add(LMK_STAT_SCAN_NS_TOTAL, ns);
	lmk_stat_max(LMK_STAT_SCAN_NS_MAX, ns);
}

/**
 * lmk_select() - choose the best victims by walking every process
 * @tmpl: the pass's context (row, reason, memory state) for every pick
 * @max:  how many to keep, 1..LMK_BATCH_MAX
 *
 * One walk keeps the @max best candidates in lmk_picks[], best first.
 * Skips kernel threads, init, -1000 processes, processes already dying and
 * processes without memory.  The highest adj wins, the larger size on
 * ties (lmk_better_victim()).
 *
 * Context: process context, lmk_scan_mutex held; takes rcu_read_lock() and
 * task locks.
 * Return: the number of picks, each with a task reference held.
 */
static unsigned int lmk_select(const struct lmk_kill_info *tmpl,
			       unsigned int max)
{
	unsigned long visited = 0;
	u64 start = ktime_get_ns();
	struct task_struct *p;
	unsigned int nr = 0;

	lockdep_assert_held(&lmk_scan_mutex);
	rcu_read_lock();
	for_each_process(p) {
		short adj;

		visited++;
		adj = READ_ONCE(p->signal->oom_score_adj);
		if (adj >= tmpl->min_adj)
			lmk_consider(p, adj, tmpl, max, &nr);
	}
	lmk_picks_hold(nr);
	rcu_read_unlock();
	lmk_walk_done(start, visited);
	return nr;
}

/*
 * The shortlist.  A walk of every process takes time in proportion to
 * their number, and a pass that walks spends it between the crossing and
 * the kill.  The shortlist moves the walk off that path: a walk made after
 * each pass, and by the poll while memory is near the table, keeps every
 * killable process of the top adj levels, whole levels, at least
 * LMK_SHORTLIST_MIN processes when there are that many and at most
 * LMK_SHORTLIST_MAX (a level that does not fit is left out, with all
 * below it).  The next pass reads only those again, their adj, state and
 * size, as a walk would, and ranks them the same way; it walks when they
 * do not settle it (lmk_choose()).
 *
 * It holds every killable process at or above @floor for as long as no
 * process is created at the floor or above and no oom_score_adj is
 * written with a value there: nothing else brings a process to the floor
 * or above.  Probes on the kernel's task_newtask and oom_score_adj_update
 * tracepoints see those events, comparing the adj with lmk_shortlist_floor.
 * While a shortlist is open, they add the process to lmk_pending, which
 * the next pass merges in; else, or when that is full, they count the
 * event in lmk_tasks_gen, and a shortlist built under an older count is
 * not used.  Processes created or written to below the floor do not
 * matter to it, and most forks are of those.  Exits need no probe: a
 * process that is gone is simply not found again.  A write to the
 * oom_score_adj of a process whose mm another process shares (CLONE_VM
 * without CLONE_THREAD) sets theirs too, and the tracepoint fires for the
 * written one only; but they share its adj and die with it, so the written
 * one stands for them.  Without the tracepoints, every pass walks.
 */
#define LMK_SHORTLIST_MIN	32
#define LMK_SHORTLIST_MAX	64
#define LMK_SHORTLIST_PENDING	64
/* The poll walks for a shortlist at most this often (jiffies). */
#define LMK_SHORTLIST_REBUILD	(HZ / 10)

static atomic_long_t lmk_tasks_gen = ATOMIC_LONG_INIT(0);
static bool lmk_probes_on;		/* set at init, cleared at exit */
/*
 * The floor of the shortlist in use, for the probes; OOM_SCORE_ADJ_MIN,
 * so that every event counts, while there is none or one is being built.
 */
static short lmk_shortlist_floor = OOM_SCORE_ADJ_MIN;

/*
 * Processes the probes saw reach the floor while the shortlist was open:
 * from the start of a build's walk until the shortlist is dropped.  The
 * probes run in the fork path, so a raw spinlock, held for a few stores.
 */
static DEFINE_RAW_SPINLOCK(lmk_pending_lock);
static struct {
	struct pid *pid[LMK_SHORTLIST_PENDING];
	unsigned int nr;
	bool open;
} lmk_pending;				/* under lmk_pending_lock */

/* Under lmk_scan_mutex; the pending processes join @pid once merged. */
static struct {
	struct pid *pid[LMK_SHORTLIST_MAX + LMK_SHORTLIST_PENDING];
	unsigned int nr;
	short floor;		/* every killable process at or above is in */
	bool valid;
	long gen;		/* lmk_tasks_gen when built */
	unsigned long built_at;	/* jiffies */
} lmk_shortlist;

/*
 * A pass has chosen since the last build; written under lmk_scan_mutex,
 * read without it (READ_ONCE()) to skip the trylock.
 */
static bool lmk_shortlist_stale;

/* A build's processes and their adj, highest first; under lmk_scan_mutex. */
static struct task_struct *lmk_shortlist_tmp[LMK_SHORTLIST_MAX + 1];
static short lmk_shortlist_adj[LMK_SHORTLIST_MAX + 1];

/*
 * The probes run in the kernel's fork and oom_score_adj write paths, with
 * preemption off: a barrier and two reads, and for a process at the floor
 * or above, a few stores under lmk_pending_lock or an atomic increment.
 * @task is on the task list with its adj set.  Either the probe sees the
 * floor a build lowered before its walk, or that walk sees @task with its
 * adj.  A probe that finds the shortlist closed (between a drop and the
 * next build's opening) counts the event; the build reads the count after
 * opening, and either sees the increment (and its walk sees @task) or
 * misses it (and is not used).
 */
static void lmk_probe_note(struct task_struct *task)
{
	bool added = false;

	/* Pairs with smp_mb() in lmk_shortlist_build(). */
	smp_mb();
	if (READ_ONCE(task->signal->oom_score_adj) <
	    READ_ONCE(lmk_shortlist_floor))
		return;
	raw_spin_lock(&lmk_pending_lock);
	if (lmk_pending.open && lmk_pending.nr < LMK_SHORTLIST_PENDING) {
		lmk_pending.pid[lmk_pending.nr++] = get_pid(task_tgid(task));
		added = true;
	}
	raw_spin_unlock(&lmk_pending_lock);
	if (!added)
		atomic_long_inc(&lmk_tasks_gen);
}

static void lmk_probe_newtask(void *data, LMK_TP_NEWTASK_ARGS)
{
	/* Kernel threads are never candidates, and come and go often. */
	if (!(clone_flags & CLONE_THREAD) && !(task->flags & PF_KTHREAD))
		lmk_probe_note(task);
}

static void lmk_probe_adj(void *data, LMK_TP_ADJ_ARGS)
{
	lmk_probe_note(task);
}

static bool lmk_shortlist_usable(void)
{
	return lmk_shortlist.valid && READ_ONCE(lmk_shortlist_on) &&
	       atomic_long_read(&lmk_tasks_gen) == lmk_shortlist.gen;
}

/*
 * Take the pending processes into @pid (references included), closing
 * the shortlist to the probes or opening it.  Returns how many.
 */
static unsigned int lmk_pending_take(struct pid **pid, bool open)
{
	unsigned int nr;

	raw_spin_lock(&lmk_pending_lock);
	nr = lmk_pending.nr;
	memcpy(pid, lmk_pending.pid, nr * sizeof(*pid));
	lmk_pending.nr = 0;
	lmk_pending.open = open;
	raw_spin_unlock(&lmk_pending_lock);
	return nr;
}

static void lmk_shortlist_drop(void)
{
	struct pid *pending[LMK_SHORTLIST_PENDING];
	unsigned int i, nr;

	nr = lmk_pending_take(pending, false);
	for (i = 0; i < nr; i++)
		put_pid(pending[i]);
	for (i = 0; i < lmk_shortlist.nr; i++)
		put_pid(lmk_shortlist.pid[i]);
	lmk_shortlist.nr = 0;
	lmk_shortlist.valid = false;
	WRITE_ONCE(lmk_shortlist_floor, OOM_SCORE_ADJ_MIN);
}

/*
 * Add the processes the probes saw reach the floor since the last pass,
 * once each.  A shortlist with no room left for them is dropped.
 */
static void lmk_shortlist_merge(void)
{
	struct pid *pending[LMK_SHORTLIST_PENDING];
	unsigned int i, j, nr;

	nr = lmk_pending_take(pending, true);
	for (i = 0; i < nr; i++) {
		for (j = 0; j < lmk_shortlist.nr; j++)
			if (lmk_shortlist.pid[j] == pending[i])
				break;
		if (j < lmk_shortlist.nr ||
		    j == ARRAY_SIZE(lmk_shortlist.pid)) {
			put_pid(pending[i]);
			continue;
		}
		lmk_shortlist.pid[lmk_shortlist.nr++] = pending[i];
	}
	if (lmk_shortlist.nr == ARRAY_SIZE(lmk_shortlist.pid))
		lmk_shortlist_drop();
}

static struct lmk_probe {
	const char *name;
	void *fn;
	struct tracepoint *tp;
} lmk_probes[] = {
	{ LMK_TP_NEWTASK, lmk_probe_newtask },
	{ LMK_TP_ADJ, lmk_probe_adj },
};

static void lmk_probe_find(struct tracepoint *tp, void *unused)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lmk_probes); i++)
		if (!strcmp(tp->name, lmk_probes[i].name))
			lmk_probes[i].tp = tp;
}

/*
 * Attach the probes the shortlist needs, all or none.  The tracepoints are
 * the kernel's own; for_each_kernel_tracepoint() finds them by name.
 * Without them the module works as before, walking on every pass.
 */
static void lmk_probes_init(void)
{
	unsigned int i, n;
	int err = 0;

	lmk_shortlist.built_at = jiffies - LMK_SHORTLIST_REBUILD;
	for_each_kernel_tracepoint(lmk_probe_find, NULL);
	for (n = 0; n < ARRAY_SIZE(lmk_probes) && !err; n++)
		err = lmk_probes[n].tp ?
		      tracepoint_probe_register(lmk_probes[n].tp,
						lmk_probes[n].fn, NULL) :
		      -ENOENT;
	if (!err) {
		WRITE_ONCE(lmk_probes_on, true);
		return;
	}
	for (i = 0; i + 1 < n; i++)
		tracepoint_probe_unregister(lmk_probes[i].tp,
					    lmk_probes[i].fn, NULL);
	tracepoint_synchronize_unregister();
	pr_info("tracepoint %s unavailable (%d): no shortlist, every pass walks\n",
		lmk_probes[n - 1].name, err);
}

static void lmk_probes_exit(void)
{
	unsigned int i;

	if (!READ_ONCE(lmk_probes_on))
		return;
	WRITE_ONCE(lmk_probes_on, false);
	for (i = 0; i < ARRAY_SIZE(lmk_probes); i++)
		tracepoint_probe_unregister(lmk_probes[i].tp,
					    lmk_probes[i].fn, NULL);
	tracepoint_synchronize_unregister();
	mutex_lock(&lmk_scan_mutex);
	lmk_shortlist_drop();
	mutex_unlock(&lmk_scan_mutex);
}

/*
 * Walk every process and keep the top adj levels in lmk_shortlist_tmp[],
 * highest first, and set @floor so that every killable process at or
 * above it is kept.  Once LMK_SHORTLIST_MIN are kept, the level of the
 * last of those is the floor; when more than LMK_SHORTLIST_MAX are, the
 * lowest level goes and the floor is just above it.  Processes below the
 * floor are dropped and skipped; the floor only rises.  Returns the number
 * kept.
 */
static unsigned int lmk_shortlist_walk(short *floor)
{
	unsigned long visited = 0;
	u64 start = ktime_get_ns();
	struct task_struct *p;
	unsigned int nr = 0, pos;
	struct lmk_cand c;

	*floor = OOM_SCORE_ADJ_MIN;
	for_each_process(p) {
		short adj;

		visited++;
		adj = READ_ONCE(p->signal->oom_score_adj);
		if (adj < *floor || !lmk_task_killable(p, &c))
			continue;
		for (pos = nr; pos > 0; pos--)
			if (lmk_shortlist_adj[pos - 1] >= adj)
				break;
		memmove(&lmk_shortlist_tmp[pos + 1], &lmk_shortlist_tmp[pos],
			(nr - pos) * sizeof(lmk_shortlist_tmp[0]));
		memmove(&lmk_shortlist_adj[pos + 1], &lmk_shortlist_adj[pos],
			(nr - pos) * sizeof(lmk_shortlist_adj[0]));
		lmk_shortlist_tmp[pos] = p;
		lmk_shortlist_adj[pos] = adj;
		nr++;
		*floor = lmk_levels_floor(lmk_shortlist_adj, nr, *floor,
					  LMK_SHORTLIST_MIN, LMK_SHORTLIST_MAX);
		while (nr && lmk_shortlist_adj[nr - 1] < *floor)
			nr--;
	}
	lmk_walk_done(start, visited);
	return nr;
}

/*
 * Build the shortlist afresh.
 *
 * Context: process context, lmk_scan_mutex held.
 * Return: true if a shortlist was built.  Later passes use it only while
 * lmk_shortlist_usable(): not if a process was created during the walk.
 */
static bool lmk_shortlist_build(void)
{
	unsigned int nr, i;
	short floor;
	long gen;

	lockdep_assert_held(&lmk_scan_mutex);
	lmk_shortlist_drop();
	WRITE_ONCE(lmk_shortlist_stale, false);
	if (!READ_ONCE(lmk_probes_on) || !READ_ONCE(lmk_shortlist_on))
		return false;
	/*
	 * Open to the probes before the walk: what happens during it, which
	 * the walk may miss, is pending.
	 */
	raw_spin_lock(&lmk_pending_lock);
	lmk_pending.open = true;
	raw_spin_unlock(&lmk_pending_lock);
	/*
	 * The floor is down (lmk_shortlist_drop()): pairs with the probes'
	 * barrier, so that each event before the opening is either counted
	 * or seen by the walk.
	 */
	smp_mb();
	gen = atomic_long_read(&lmk_tasks_gen);
	lmk_stat_inc(LMK_STAT_SHORTLIST_BUILDS);
	lmk_shortlist.built_at = jiffies;
	rcu_read_lock();
	nr = lmk_shortlist_walk(&floor);
	for (i = 0; i < nr; i++)
		lmk_shortlist.pid[i] = get_pid(task_tgid(lmk_shortlist_tmp[i]));
	rcu_read_unlock();
	lmk_shortlist.nr = nr;
	lmk_shortlist.floor = floor;
	lmk_shortlist.gen = gen;
	lmk_shortlist.valid = true;
	WRITE_ONCE(lmk_shortlist_floor, floor);
	return true;
}

/* lmk_select() over the shortlist only. */
static unsigned int lmk_shortlist_select(const struct lmk_kill_info *tmpl,
					 unsigned int max)
{
	unsigned int nr = 0, i;

	rcu_read_lock();
	for (i = 0; i < lmk_shortlist.nr; i++) {
		struct task_struct *p;
		short adj;

		p = pid_task(lmk_shortlist.pid[i], PIDTYPE_TGID);
		if (!p)
			continue;
		adj = READ_ONCE(p->signal->oom_score_adj);
		if (adj >= tmpl->min_adj)
			lmk_consider(p, adj, tmpl, max, &nr);
	}
	lmk_picks_hold(nr);
	rcu_read_unlock();
	return nr;
}

/* The most victims a pass may rank: the best, and deficit_kills more. */
static unsigned int lmk_batch_max(void)
{
	return 1 + min_t(unsigned int, READ_ONCE(lmk_deficit_kills),
			 LMK_BATCH_MAX - 1);
}

/* How many of the @nr picks a pass with @deficit kills (lmk_batch_count()). */
static unsigned int lmk_picks_to_kill(unsigned int nr, unsigned long deficit)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		lmk_pick_gain[i] = lmk_picks[i].gain;
	return lmk_batch_count(lmk_pick_gain, nr, deficit);
}

/* Rank the shortlist; true if that settles the pass (lmk_choose()). */
static bool lmk_choose_shortlisted(const struct lmk_kill_info *tmpl,
				   unsigned int max, unsigned long deficit,
				   unsigned int *nr, unsigned int *kill)
{
	*nr = lmk_shortlist_select(tmpl, max);
	*kill = lmk_picks_to_kill(*nr, deficit);
	if (lmk_shortlist_settles(*nr, max, lmk_shortlist.floor, tmpl->min_adj,
				  *kill))
		return true;
	lmk_picks_put(*nr);
	return false;
}

/**
 * lmk_choose() - choose a pass's victims and how many of them to kill
 * @tmpl:    the pass's context
 * @max:     how many to rank, 1..LMK_BATCH_MAX
 * @deficit: pages the row is short of (lmk_row_deficit())
 * @kill:    set to how many of the picks to kill (lmk_batch_count())
 * @hit:     set when the shortlist built ahead settled the pass
 *
 * From the shortlist when its picks settle the pass: it gave all @max, or
 * it holds every process the row allows, or the picks it gave already
 * cover the deficit, so that nothing ranked below them would be killed.
 * The shortlist built ahead is used while it is usable; else one is built
 * now, a walk like any other, and its picks are used even if a process
 * was created meanwhile, as a walk's would be.  When the shortlist does
 * not settle the pass, a walk of every process does.
 *
 * Context: process context, lmk_scan_mutex held.
 * Return: the number of picks in lmk_picks[], each with a task reference.
 */
static unsigned int lmk_choose(const struct lmk_kill_info *tmpl,
			       unsigned int max, unsigned long deficit,
			       unsigned int *kill, bool *hit)
{
	unsigned int nr;

	*hit = false;
	if (lmk_shortlist_usable())
		lmk_shortlist_merge();
	if (lmk_shortlist_usable()) {
		if (lmk_choose_shortlisted(tmpl, max, deficit, &nr, kill)) {
			*hit = true;
			return nr;
		}
	} else if (lmk_shortlist_build() &&
		   lmk_choose_shortlisted(tmpl, max, deficit, &nr, kill)) {
		return nr;
	}
	nr = lmk_select(tmpl, max);
	*kill = lmk_picks_to_kill(nr, deficit);
	return nr;
}

/*
 * Build the shortlist outside a pass, never waiting for one: after a pass,
 * while its victims exit (they are left out as dying), and while memory is
 * near the table (@near) with no usable shortlist, at most once per
 * LMK_SHORTLIST_REBUILD however often processes are created.
 */
static void lmk_shortlist_refresh(bool near)
{
	if (!READ_ONCE(lmk_shortlist_stale) && !near)
		return;
	if (!READ_ONCE(lmk_probes_on) || !READ_ONCE(lmk_shortlist_on) ||
	    !mutex_trylock(&lmk_scan_mutex))
		return;
	if (lmk_shortlist_stale ||
	    (near && !lmk_shortlist_usable() &&
	     time_after_eq(jiffies,
			   lmk_shortlist.built_at + LMK_SHORTLIST_REBUILD)))
		lmk_shortlist_build();
	mutex_unlock(&lmk_scan_mutex);
}

/*
 * Processes created with CLONE_VM but not CLONE_THREAD share the victim's
 * mm without being in its thread group; the memory is only freed when all
 * of them exit, so they die with the victim, as with the kernel OOM killer.
 * A protected sharer (init, kernel thread, -1000) is left alone and keeps
 * the memory alive; that is reported once per kill.
 */
static void lmk_kill_mm_sharers(struct task_struct *victim,
				struct mm_struct *mm)
{
	struct task_struct *p;

	if (atomic_read(&mm->mm_users) <= get_nr_threads(victim))
		return;

	rcu_read_lock();
	for_each_process(p) {
		struct task_struct *t;
		bool shares = false;

		if (same_thread_group(p, victim) || (p->flags & PF_KTHREAD))
			continue;
		for_each_thread(p, t) {
			if (READ_ONCE(t->mm) == mm) {
				shares = true;
				break;
			}
		}
		if (!shares)
			continue;
		if (lmk_task_protected(p)) {
			pr_info("pid %d shares memory with victim %d but is protected; memory stays in use\n",
				task_pid_nr(p), task_pid_nr(victim));
			continue;
		}
		send_sig_info(SIGKILL, SEND_SIG_PRIV, p);
	}
	rcu_read_unlock();
}

/*
 * At debug_level 1 the kernel log gets at most 10 kill lines per 5 s: a
 * pass over a crowd kills many small processes, and a serial console
 * prints a line in milliseconds.  The kill log, the statistics and the
 * tracepoint keep every kill; debug_level 2 logs them all.
 */
static DEFINE_RATELIMIT_STATE(lmk_print_rs, 5 * HZ, 10);

/*
 * Send SIGKILL to a pick and to the processes sharing its memory, keeping
 * an mm_count reference in @pick->mm for the death wait.  A dry run sends
 * nothing; a rehearsal takes the reference and lets it go.
 */
static void lmk_kill_signal(struct lmk_pick *pick, bool rehearsal)
{
	pick->mm = NULL;
	if (!pick->info.dry_run) {
		pick->mm = lmk_task_mm_grab(pick->task);
		if (rehearsal) {
			if (pick->mm)
				mmdrop(pick->mm);
			pick->mm = NULL;
			return;
		}
		send_sig_info(SIGKILL, SEND_SIG_PRIV, pick->task);
		if (pick->mm)
			lmk_kill_mm_sharers(pick->task, pick->mm);
	}
	pick->info.ts_ns = ktime_get_ns();
}

/* Log, trace and report a signalled pick, and start waiting for it. */
static void lmk_kill_report(struct lmk_pick *pick)
{
	const struct lmk_kill_info *info = &pick->info;
	unsigned int level = READ_ONCE(lmk_debug_level);
	u64 seq;

	seq = lmk_log_add(info);
	if (pick->mm) {
		lmk_victim_wait(pick->task, pick->mm, pick->gain - info->size,
				info->ts_ns, seq);
		mmdrop(pick->mm);
		pick->mm = NULL;
	}

	trace_lowmemory_kill(info->comm, info->tgid,
			     lmk_pages_to_kb(info->other_file),
			     lmk_pages_to_kb(info->minfree),
			     lmk_pages_to_kb(info->other_free), info->adj,
			     info->min_adj, lmk_pages_to_kb(info->rss),
			     lmk_pages_to_kb(info->size),
			     lmk_reason_names[info->reason], info->dry_run);

	if (level >= 2 || (level == 1 && __ratelimit(&lmk_print_rs)))
		pr_info("%s pid=%d comm=%s uid=%u adj=%d rss=%llukB swap=%llukB free=%llukB file=%llukB min_adj=%d row=%d reason=%s\n",
			info->dry_run ? "would kill" : "kill", info->tgid,
			info->comm, info->uid, info->adj,
			lmk_pages_to_kb(info->rss), lmk_pages_to_kb(info->swap),
			lmk_pages_to_kb(info->other_free),
			lmk_pages_to_kb(info->other_file), info->min_adj,
			info->row, lmk_reason_names[info->reason]);
}

/*
 * Dry runs start no death wait, so without a limit reclaim would report the
 * same would-be victim at the rate it calls us.  Report at most one per
 * death_timeout_ms, the cadence real kills could have at most.
 */
static unsigned long lmk_dry_run_next;	/* jiffies; under lmk_scan_mutex */

/*
 * A walk that found nobody at or above a row's adj will find nobody again
 * until processes change, so the poll does not repeat it for the same
 * row within this time, pass or rehearsal.  Reclaim and the OOM notifier
 * always walk.
 */
#define LMK_EMPTY_ROW_BACKOFF	(HZ / 10)
static int lmk_empty_row = -1;		/* under lmk_scan_mutex */
static unsigned long lmk_empty_until;	/* jiffies; under lmk_scan_mutex */

static void lmk_count_kill(const struct lmk_kill_info *info)
{
	if (info->dry_run) {
		lmk_stat_inc(LMK_STAT_DRY_RUN);
		return;
	}
	lmk_stat_inc(LMK_STAT_KILLS);
	lmk_stat_inc(LMK_STAT_KILLS_ROW0 + info->row);
	lmk_stat_add(LMK_STAT_PAGES_FREED, info->size);
	if (info->reason == LMK_REASON_POLL)
		lmk_stat_inc(LMK_STAT_POLL_KILLS);
	else if (info->reason == LMK_REASON_OOM)
		lmk_stat_inc(LMK_STAT_OOM_KILLS);
	else if (info->reason == LMK_REASON_THRASHING)
		lmk_stat_inc(LMK_STAT_THRASHING_KILLS);
}

/*
 * One walk at @row's adj, then the kills: the best victim, and the next
 * ones while what they give back falls short of the row's deficit and
 * deficit_kills allows (lmk_batch_count()).  Returns what the victims are
 * expected to give back, in pages (at least 1), or 0 when nobody could be
 * chosen.  A @rehearsal stops short of the signal and leaves no trace
 * but an empty row's backoff.
 */
static unsigned long lmk_kill_pass(const struct lmk_table *table, int row,
				   const struct lmk_mem *mem,
				   enum lmk_reason reason, bool dry_run,
				   u64 cross_ns, bool rehearsal)
{
	const struct lmk_kill_info tmpl = {
		.reason = reason,
		.dry_run = dry_run,
		.cross_ns = cross_ns,
		.row = row,
		.min_adj = (short)table->adj[row],
		.minfree = table->minfree[row],
		.other_free = mem->other_free,
		.other_file = mem->other_file,
	};
	unsigned int nr, kill, i, max = 1;
	unsigned long freed = 0;
	bool hit;

	/*
	 * Thrashing says nothing of how much is missing: one victim, then
	 * a new measurement.
	 */
	if (!dry_run && reason != LMK_REASON_THRASHING)
		max = lmk_batch_max();
	nr = lmk_choose(&tmpl, max,
			lmk_row_deficit(table, row, mem->other_free), &kill,
			&hit);
	if (!nr) {
		lmk_empty_row = row;
		lmk_empty_until = jiffies + LMK_EMPTY_ROW_BACKOFF;
		if (rehearsal)
			return 0;
		atomic64_set(&lmk_cross, 0);
		if (READ_ONCE(lmk_debug_level) >= 2)
			pr_info_ratelimited("row %d crossed (free %llukB file %llukB), nothing at adj >= %d\n",
					    row,
					    lmk_pages_to_kb(mem->other_free),
					    lmk_pages_to_kb(mem->other_file),
					    tmpl.min_adj);
		return 0;
	}

	/* Every victim of the pass gets its signal before any bookkeeping. */
	for (i = 0; i < kill; i++)
		lmk_kill_signal(&lmk_picks[i], rehearsal);
	if (rehearsal) {
		lmk_picks_put(nr);
		return 1;
	}
	lmk_empty_row = -1;
	if (hit)
		lmk_stat_inc(LMK_STAT_SHORTLIST_HITS);
	for (i = 0; i < kill; i++) {
		lmk_kill_report(&lmk_picks[i]);
		lmk_count_kill(&lmk_picks[i].info);
		freed += max_t(unsigned long, lmk_pick_gain[i], 1);
	}
	lmk_picks_put(nr);
	WRITE_ONCE(lmk_shortlist_stale, true);
	queue_delayed_work(lmk_wq, &lmk_watch_work, 0);
	return freed;
}

/*
 * The row a pass acts on: the crossed one, an ordinary kill whatever asked
 * for it (thrashing becomes a poll kill); with none crossed, row 0 for the
 * OOM notifier, since at that point memory is out whatever the table says,
 * and the top row for thrashing, the least important tier; else none.
 */
static int lmk_pass_row(const struct lmk_table *t, int crossed,
			enum lmk_reason *reason)
{
	unsigned int rows = lmk_table_rows(t);

	if (crossed >= 0) {
		if (*reason == LMK_REASON_THRASHING)
			*reason = LMK_REASON_POLL;
		return crossed;
	}
	if (rows && *reason == LMK_REASON_OOM)
		return 0;
	if (rows && *reason == LMK_REASON_THRASHING)
		return rows - 1;
	return -1;
}

/*
 * The first pass after a quiet spell runs code and reads data that have
 * not been used for a long time, or ever: cold caches, and under an
 * emulator, code translated on first use.  That time falls between the
 * crossing and the kill.  So once per approach, when memory first comes
 * near the table, the poll rehearses: the same pass, at row 0, the row
 * whose adj takes in the most processes, up to taking the victims'
 * memory references, then it lets them go: no signal, no log, no kill
 * or shortlist hit counted (a walk counts as one); stats/rehearsals.
 * A rehearsal that finds nobody warms little, since processes may come
 * later, as they do after boot: like a pass, it marks row 0 empty, and
 * the next is tried once the empty-row backoff ends, until one finds
 * somebody.  Cleared by the poll whenever memory is not near; poll work
 * only.
 */
static bool lmk_rehearsed;

/**
 * lmk_pass() - kill if the memory state calls for it, or rehearse
 * @reason:    what is asking
 * @rehearsal: with no row crossed, run a pass at row 0 that stops short
 *             of the signal (lmk_rehearsed); poll work only
 *
 * Kills the best victim at the crossed row's adj, and with deficit_kills
 * the next ones while one victim cannot lift free memory back above the
 * row's minfree.
 *
 * Context: process context, may sleep.  Serialised by lmk_scan_mutex; the
 * shrinker only trylocks it so reclaimers never queue up behind a scan.
 * Return: the victims' size in pages, or 0 when nothing was killed.  For
 * the OOM notifier, a victim still dying counts as one page on its way.
 * A rehearsal returns 0.
 */
static unsigned long lmk_pass(enum lmk_reason reason, bool rehearsal)
{
	unsigned long freed = 0;
	struct lmk_table table;
	struct lmk_mem mem;
	bool dry_run;
	u64 cross_ns;
	int row;

	if (reason == LMK_REASON_OOM)
		mutex_lock(&lmk_scan_mutex);
	else if (!mutex_trylock(&lmk_scan_mutex))
		return 0;

	lmk_read_mem(&mem, reason == LMK_REASON_OOM ? LMK_MEM_BACK :
						      LMK_MEM_DUE);
	lmk_table_snapshot(&table);
	row = lmk_pass_row(&table, lmk_mem_row(&table, &mem), &reason);
	lmk_note_crossing(row);
	if (rehearsal) {
		/* A crossed row gets a real pass, at the next poll. */
		if (row >= 0 || !lmk_table_rows(&table) ||
		    lmk_victim_pending())
			goto out;
		/* As if memory were gone: the batch is the largest. */
		row = 0;
		mem.other_free = 0;
		mem.other_file = 0;
	}
	if (row < 0)
		goto out;

	/*
	 * Another path may have killed while this one waited for the mutex:
	 * its victims' memory is on its way, which the OOM killer must hear.
	 */
	if (lmk_victim_busy()) {
		lmk_stat_inc(LMK_STAT_SKIPPED_DYING);
		if (reason == LMK_REASON_OOM)
			freed = 1;
		goto out;
	}

	dry_run = READ_ONCE(lmk_dry_run);
	if (dry_run && time_before(jiffies, lmk_dry_run_next))
		goto out;
	if ((reason == LMK_REASON_POLL || reason == LMK_REASON_THRASHING) &&
	    row == lmk_empty_row && time_before(jiffies, lmk_empty_until))
		goto out;

	if (rehearsal)
		lmk_stat_inc(LMK_STAT_REHEARSALS);
	else
		lmk_note_crossing(row);
	cross_ns = lmk_crossed_since(row);
	freed = lmk_kill_pass(&table, row, &mem, reason, dry_run, cross_ns,
			      rehearsal);
	if (rehearsal) {
		lmk_rehearsed = freed != 0;
		freed = 0;
		goto out;
	}
	if (!freed)
		goto out;
	if (dry_run) {
		lmk_dry_run_next = jiffies +
			msecs_to_jiffies(READ_ONCE(lmk_death_timeout_ms));
		freed = 0;
		goto out;
	}
	atomic64_set(&lmk_cross, 0);
out:
	mutex_unlock(&lmk_scan_mutex);
	return freed;
}

/* A pass for @reason that kills (lmk_pass()). */
static unsigned long lmk_try_kill(enum lmk_reason reason)
{
	return lmk_pass(reason, false);
}

/*
 * count_objects is O(1): a few vmstat reads and one table lookup.  It
 * reports nothing to do unless a row is crossed and no victim is still
 * dying, so reclaim does not call scan_objects for nothing.  When a kill
 * is due it reports the anonymous pages in the system, which is what a
 * kill can give back, so that reclaim's usual scaling by priority and
 * "cost" (seeks) decides how soon scan_objects runs.
 */
static unsigned long lmk_count_objects(struct shrinker *s,
				       struct shrink_control *sc)
{
	struct lmk_table table;
	struct lmk_mem mem;
	unsigned long anon;
	bool new;
	int row;

	lmk_stat_inc(LMK_STAT_COUNT_CALLS);
	lmk_read_mem(&mem, LMK_MEM_QUICK);
	lmk_table_snapshot(&table);
	row = lmk_find_row(&table, mem.other_free, mem.other_file);
	/*
	 * This view leaves out the memory exited victims have yet to give
	 * back.  While there is some, a crossing seen here may not be one:
	 * the scan, which counts that memory, notes it instead.
	 */
	if (row >= 0 && lmk_landing_pending())
		new = false;
	else
		new = lmk_note_crossing(row);
	if (row < 0)
		return 0;
	lmk_stat_inc(LMK_STAT_COUNT_NEED_KILL);
	if (lmk_victim_pending())
		return 0;
	/*
	 * Reclaim scales the count down by its priority and our cost, so the
	 * scan may not come soon: let the poll, if on, act on a new crossing
	 * now.
	 */
	if (new && READ_ONCE(lmk_poll_ms))
		lmk_poll_kick();
	anon = global_node_page_state(NR_ANON_MAPPED);
	return anon ? anon : 1;
}

static unsigned long lmk_scan_objects(struct shrinker *s,
				      struct shrink_control *sc)
{
	unsigned long freed;

	lmk_stat_inc(LMK_STAT_SCAN_CALLS);
	freed = lmk_try_kill(LMK_REASON_SHRINKER);
	return freed ? freed : SHRINK_STOP;
}

/* Called from the cost setter, under kernel_param_lock(). */
static void lmk_apply_cost(int cost)
{
	if (lmk_running && lmk_shrinker)
		WRITE_ONCE(lmk_shrinker->seeks, cost);
}

#define LMK_WATCH_SPINS	50

/*
 * Watch the victim until it exits, so the kill log gets its exit time and
 * the next kill is allowed as soon as possible, and send pending uevents
 * from process context, outside reclaim.
 */
static void lmk_watch_fn(struct work_struct *work)
{
	unsigned int spins = 0;

	/* The next pass's candidates, found while this pass's victims exit. */
	lmk_shortlist_refresh(false);

	/*
	 * A jiffy is up to 10 ms: look every 1-2 ms for the first
	 * LMK_WATCH_SPINS tries, as victims usually go within that, then
	 * once a jiffy.
	 */
	while (lmk_victim_busy() && !READ_ONCE(lmk_stopping)) {
		lmk_notify_pending();
		if (++spins > LMK_WATCH_SPINS) {
			queue_delayed_work(lmk_wq, &lmk_watch_work, 1);
			return;
		}
		usleep_range(USEC_PER_MSEC, 2 * USEC_PER_MSEC);
		lmk_shortlist_refresh(false);
	}
	lmk_notify_pending();
	/* The memory is back: check the table now, not at the next tick. */
	lmk_poll_kick();
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
	if (!limit || !rows || lmk_victim_pending() ||
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
 * The early trigger.  Reclaim, and so the shrinker, only runs near the low
 * watermark; with little page cache that is far below a minfree of tens of
 * MiB.  A poll of the same O(1) state acts when a row is crossed, and
 * watches the file cache for thrashing.  It runs every poll_ms while free
 * and file pages are both within twice the top row, and ten times less
 * often otherwise, so an idle system with plenty of memory wakes up
 * rarely.
 */
static void lmk_poll_fn(struct work_struct *work)
{
	unsigned int ms = READ_ONCE(lmk_poll_ms);
	struct lmk_table table;
	struct lmk_mem mem;
	unsigned long top;
	bool near;
	int row;

	if (!ms || READ_ONCE(lmk_stopping))
		return;
	lmk_read_mem(&mem, LMK_MEM_DUE);
	lmk_table_snapshot(&table);
	row = lmk_mem_row(&table, &mem);
	lmk_note_crossing(row);

	/* A row needs both below it: either one well above keeps us idle. */
	top = table.minfree[lmk_table_rows(&table) - 1];
	near = mem.other_free <= 2 * top && mem.other_file <= 2 * top;
	if (!near)
		lmk_rehearsed = false;

	/*
	 * A crossed row first: the kill, then the rest, and the thrashing
	 * window starts over after it.  Near the table, the shortlist is
	 * brought up to date first, so that the rehearsal (once per
	 * approach) uses it as a pass would.
	 */
	if (row < 0)
		lmk_shortlist_refresh(near);
	if ((row >= 0 || (near && !lmk_rehearsed)) && !lmk_victim_pending())
		lmk_pass(LMK_REASON_POLL, row < 0);
	if (lmk_check_thrashing(&table, &mem) && row < 0 &&
	    !lmk_victim_pending())
		lmk_try_kill(LMK_REASON_THRASHING);
	if (row >= 0)
		lmk_shortlist_refresh(false);

	if (!near)
		ms *= 10;
	queue_delayed_work(lmk_wq, &lmk_poll_work, msecs_to_jiffies(ms));
}

/*
 * Run the poll now: from parameter setters and init (under
 * kernel_param_lock()), from count_objects on a new crossing and from the
 * death wait once victims are gone.  With poll_ms at 0 the poll returns at
 * once.  A kick racing with exit is drained by destroy_workqueue() and
 * finds lmk_stopping set.
 */
static void lmk_poll_kick(void)
{
	if (READ_ONCE(lmk_running))
		mod_delayed_work(lmk_wq, &lmk_poll_work, 0);
}

/*
 * The kernel OOM killer calls its notifiers before choosing a victim, and
 * stands down if they freed something.  Kill by our table instead, so the
 * order stays priority first even at the last moment.  While a victim is
 * still dying within its timeout, report it as the memory on its way, so
 * the kernel waits rather than kills a second process; once the timeout
 * passes, report nothing and let the kernel act.
 */
static int lmk_oom_notify(struct notifier_block *nb, unsigned long unused,
			  void *parm)
{
	unsigned long *freed = parm;
	unsigned long got;

	if (READ_ONCE(lmk_dry_run)) {
		lmk_stat_inc(LMK_STAT_KERNEL_OOM);
		return NOTIFY_OK;
	}
	if (lmk_victim_busy()) {
		*freed += 1;
		return NOTIFY_OK;
	}
	got = lmk_try_kill(LMK_REASON_OOM);
	if (got)
		*freed += got;
	else
		lmk_stat_inc(LMK_STAT_KERNEL_OOM);
	return NOTIFY_OK;
}

static struct notifier_block lmk_oom_nb = {
	.notifier_call = lmk_oom_notify,
};

static int __init lmk_init(void)
{
	struct shrinker *shrinker;
	int err;

	lmk_wq = alloc_workqueue("lowmemkiller", WQ_MEM_RECLAIM | WQ_HIGHPRI,
				 0);
	if (!lmk_wq)
		return -ENOMEM;
	INIT_DELAYED_WORK(&lmk_watch_work, lmk_watch_fn);
	INIT_DELAYED_WORK(&lmk_poll_work, lmk_poll_fn);

	err = lmk_interface_init();
	if (err)
		goto err_wq;

	lmk_probes_init();
	err = register_oom_notifier(&lmk_oom_nb);
	if (err)
		goto err_probes;

	kernel_param_lock(THIS_MODULE);
	shrinker = lmk_shrinker_create(lmk_count_objects, lmk_scan_objects,
				       lmk_cost, 1, KBUILD_MODNAME);
	if (IS_ERR(shrinker)) {
		kernel_param_unlock(THIS_MODULE);
		err = PTR_ERR(shrinker);
		goto err_oom;
	}
	lmk_shrinker = shrinker;
	WRITE_ONCE(lmk_running, true);
	lmk_poll_kick();
	kernel_param_unlock(THIS_MODULE);

	pr_info("loaded: %u rows, poll %u ms\n", lmk_rows_in_force(),
		READ_ONCE(lmk_poll_ms));
	return 0;

err_oom:
	unregister_oom_notifier(&lmk_oom_nb);
err_probes:
	lmk_probes_exit();
	lmk_interface_exit();
err_wq:
	destroy_workqueue(lmk_wq);
	lmk_wq = NULL;
	return err;
}

/*
 * Teardown runs in the reverse order of the paths that can call in: first
 * the shrinker and the OOM notifier, so no new kill starts; then the
 * workers; then the tracepoint probes and the shortlist; then the
 * interface; then the victim reference.
 */
static void __exit lmk_exit(void)
{
	struct shrinker *shrinker;

	kernel_param_lock(THIS_MODULE);
	WRITE_ONCE(lmk_stopping, true);
	WRITE_ONCE(lmk_running, false);
	shrinker = lmk_shrinker;
	lmk_shrinker = NULL;
	kernel_param_unlock(THIS_MODULE);

	lmk_shrinker_destroy(shrinker);
	unregister_oom_notifier(&lmk_oom_nb);

	cancel_delayed_work_sync(&lmk_poll_work);
	cancel_delayed_work_sync(&lmk_watch_work);
	lmk_notify_pending();
	destroy_workqueue(lmk_wq);
	lmk_wq = NULL;
	lmk_probes_exit();

	lmk_interface_exit();
	lmk_victim_release();
}

module_init(lmk_init);
module_exit(lmk_exit);

MODULE_DESCRIPTION("Android-style low-memory killer: priority-ordered kills before the kernel OOM killer");
MODULE_AUTHOR("The lowmemkiller authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(LMK_VERSION);
