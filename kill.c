// SPDX-License-Identifier: GPL-2.0
/*
 * The kill: the signal, the processes sharing the victim's memory, the
 * report, and the wait for the memory to come back.  Part of the
 * lowmemkiller unit (lowmemkiller.c).  __oom_kill_process() in
 * mm/oom_kill.c is the model; where this differs, the function says why.
 */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/oom.h>
#include <linux/ratelimit.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "internal.h"
#include "lowmemkiller_trace.h"

/**
 * lmk_process_shares_mm() - does process @p use @mm?
 * @p:  the process
 * @mm: the memory
 *
 * process_shares_mm(), which is not exported: the first thread with an mm
 * answers.
 *
 * Context: rcu_read_lock() held.
 */
bool lmk_process_shares_mm(struct task_struct *p, const struct mm_struct *mm)
{
	struct task_struct *t;

	for_each_thread(p, t) {
		struct mm_struct *t_mm = READ_ONCE(t->mm);

		if (t_mm)
			return t_mm == mm;
	}
	return false;
}

/*
 * Processes created with CLONE_VM but not CLONE_THREAD share the victim's
 * memory from outside its thread group, and it is freed only when all of
 * them have exited.  As __oom_kill_process() does, walk every process
 * and kill each one that uses it, whatever its adj, except kernel threads
 * (kthread_use_mm() borrows) and init, which keeps the memory alive: that
 * is reported.  Writes of oom_score_adj reach every process sharing an mm
 * but a vfork child (__set_oom_adj()), so a sharer is at the victim's adj
 * unless it is a vfork child, whose memory is the victim's own.
 */
static void lmk_kill_sharers(struct lmk_victim *v)
{
	struct task_struct *p;

	rcu_read_lock();
	for_each_process(p) {
		struct pid *tgid;

		if (!lmk_process_shares_mm(p, v->mm))
			continue;
		tgid = task_tgid(p);
		if (!tgid || tgid == v->pid || (p->flags & PF_KTHREAD))
			continue;
		if (is_global_init(p)) {
			pr_info_ratelimited("victim %d has its memory pinned by init\n",
					    pid_nr(v->pid));
			continue;
		}
		kill_pid(tgid, SIGKILL, 1);
	}
	rcu_read_unlock();
}

/**
 * lmk_kill() - SIGKILL a victim and every process sharing its memory
 * @v: from lmk_select()
 *
 * kill_pid() signals the thread group, as __oom_kill_process() does with
 * do_send_sig_info(..., PIDTYPE_TGID), which is not exported: a signal
 * sent to one thread, send_sig_info(), would be dropped by a leader that
 * has exited while its other threads go on.  SEND_SIG_PRIV (priv = 1): the
 * kernel's own signal, past any permission check.  A group already
 * exiting drops it, and is waited for and reaped all the same.  A dry run
 * sends nothing.
 *
 * Context: process context.
 */
void lmk_kill(struct lmk_victim *v)
{
	if (!v->info.dry_run)
		kill_pid(v->pid, SIGKILL, 1);
	v->info.ts_ns = ktime_get_ns();
	if (!v->info.dry_run)
		lmk_kill_sharers(v);
}

/*
 * At debug_level 1 the kernel log gets at most 10 kill lines per 5 s: a
 * pass over a crowd kills many small processes, and a serial console
 * prints a line in milliseconds.  The kill log, the statistics and the
 * tracepoint keep every kill; debug_level 2 logs them all.
 */
static DEFINE_RATELIMIT_STATE(lmk_print_rs, 5 * HZ, 10);

static void lmk_kill_count(const struct lmk_victim *v)
{
	const struct lmk_kill_info *info = &v->info;

	if (info->dry_run) {
		lmk_stat_inc(LMK_STAT_DRY_RUN);
		return;
	}
	lmk_stat_inc(LMK_STAT_KILLS);
	lmk_stat_inc(LMK_STAT_KILLS_ROW0 + info->row);
	lmk_stat_add(LMK_STAT_PAGES_FREED, v->gain);
	if (info->reason == LMK_REASON_POLL)
		lmk_stat_inc(LMK_STAT_POLL_KILLS);
	else if (info->reason == LMK_REASON_THRASHING)
		lmk_stat_inc(LMK_STAT_THRASHING_KILLS);
}

/**
 * lmk_kill_report() - log, trace and count a kill, and start its wait
 * @v: a victim lmk_kill() has signalled; its references pass to the
 *     death wait, or are dropped for a dry run
 *
 * Context: process context.
 */
void lmk_kill_report(struct lmk_victim *v)
{
	const struct lmk_kill_info *info = &v->info;
	unsigned int level = READ_ONCE(lmk_debug_level);
	u64 seq;

	seq = lmk_log_add(info);
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
	lmk_kill_count(v);
	lmk_notify_kick();
	if (info->dry_run)
		lmk_victim_put(v);
	else
		lmk_death_wait_add(v, seq);
}

/*
 * The death wait.  After a pass no new victim is chosen until all of its
 * victims have released their memory or death_timeout_ms has passed: a
 * kill while the last one is still unmapping is the overkill the Android
 * driver's fixed one-second window was meant to stop, and waiting for the
 * real exit instead of a fixed time avoids its underkill.
 */

/**
 * struct lmk_dying - a killed victim whose memory is not yet released
 * @pid:     its thread-group pid, referenced
 * @mm:      its memory, mmgrab()bed
 * @kill_ns: ktime_get_ns() at the kill
 * @seq:     its kill log entry
 * @reaped:  the reaper has unmapped the memory
 */
struct lmk_dying {
	struct pid *pid;
	struct mm_struct *mm;
	u64 kill_ns;
	u64 seq;
	bool reaped;
};

/*
 * Memory whose victim outlived death_timeout_ms without giving it back:
 * not reapable (MMU notifiers, init sharing it, its mmap_lock held) and
 * stuck in its exit.  The kernel's reaper hides such memory from the OOM
 * killer (MMF_OOM_SKIP) once it gives up; the module keeps its own list
 * rather than set that flag on memory it did not reap, and chooses no
 * process of that memory again, or one stuck victim would be chosen, and
 * waited for, forever.  Each entry holds an mm_count reference, dropped
 * once exit_mmap() is done with it.  A full list never lets an entry go,
 * which would make its victim a candidate again: the memory that does
 * not fit is marked MMF_OOM_SKIP as the kernel's reaper would.
 */
#define LMK_GIVEN_UP_MAX	LMK_BATCH_MAX

/*
 * Taken from reclaim (the shrinker's pass, and the walk under task_lock)
 * and from the watch worker, never from interrupts; held for a few
 * stores or one scan of the lists.  lmk_dying.nr is read without it
 * (READ_ONCE()) to ask "is a victim dying?".
 */
static DEFINE_SPINLOCK(lmk_dying_lock);
static struct {
	struct lmk_dying v[LMK_BATCH_MAX];
	unsigned int nr;
	unsigned long deadline;		/* jiffies */
	u64 last_kill_ns;		/* the latest kill's kill_ns */
	struct mm_struct *given_up[LMK_GIVEN_UP_MAX];
	unsigned int nr_given_up;
} lmk_dying;				/* protected by lmk_dying_lock */

/**
 * lmk_death_wait_pending() - is a killed victim still being waited for?
 *
 * Context: any.  A snapshot: lmk_death_wait_update() ends the waits.
 */
bool lmk_death_wait_pending(void)
{
	return READ_ONCE(lmk_dying.nr) != 0;
}

/**
 * lmk_mm_given_up() - did the death wait give up on this memory?
 * @mm: the memory
 *
 * Context: any; takes lmk_dying_lock.
 */
bool lmk_mm_given_up(const struct mm_struct *mm)
{
	unsigned int i;
	bool found = false;

	if (!READ_ONCE(lmk_dying.nr_given_up))
		return false;
	spin_lock(&lmk_dying_lock);
	for (i = 0; i < lmk_dying.nr_given_up && !found; i++)
		found = lmk_dying.given_up[i] == mm;
	spin_unlock(&lmk_dying_lock);
	return found;
}

/*
 * Add @mm, with its reference, to the given-up list.  Returns @mm, whose
 * reference the caller drops, when the list is full and it was marked
 * instead; else NULL.
 */
static struct mm_struct *lmk_given_up_add(struct mm_struct *mm)
{
	unsigned int n = lmk_dying.nr_given_up;

	lockdep_assert_held(&lmk_dying_lock);
	if (n == LMK_GIVEN_UP_MAX) {
		set_bit(MMF_OOM_SKIP, &mm->flags);
		return mm;
	}
	lmk_dying.given_up[n] = mm;
	WRITE_ONCE(lmk_dying.nr_given_up, n + 1);
	return NULL;
}

/* Take one given-up mm that exit_mmap() is done with off the list. */
static struct mm_struct *lmk_given_up_take_gone(void)
{
	unsigned int i, n = lmk_dying.nr_given_up;
	struct mm_struct *mm;

	lockdep_assert_held(&lmk_dying_lock);
	for (i = 0; i < n; i++) {
		mm = lmk_dying.given_up[i];
		if (atomic_read(&mm->mm_users))
			continue;
		lmk_dying.given_up[i] = lmk_dying.given_up[n - 1];
		WRITE_ONCE(lmk_dying.nr_given_up, n - 1);
		return mm;
	}
	return NULL;
}

/**
 * lmk_death_wait_add() - wait for a signalled victim's memory, and reap it
 * @v:   the victim; its references pass to the wait
 * @seq: its kill log entry
 *
 * Every victim of a pass is added; the wait ends for all of them at the
 * latest death_timeout_ms after the last, or once the reaper is done with
 * them if it may take longer: a kill while the reaper still waits for a
 * victim's robust futexes to be released would be one kill too many.
 * The list holds a whole pass, and a pass runs only once it is empty.
 *
 * Context: process context; takes lmk_dying_lock.
 */
void lmk_death_wait_add(struct lmk_victim *v, u64 seq)
{
	unsigned int ms = READ_ONCE(lmk_death_timeout_ms);
	bool added = false;

	ms = max(ms, lmk_reap_add(v->pid, v->mm));
	spin_lock(&lmk_dying_lock);
	if (lmk_dying.nr < LMK_BATCH_MAX) {
		struct lmk_dying *d = &lmk_dying.v[lmk_dying.nr];

		d->pid = v->pid;
		d->mm = v->mm;
		d->kill_ns = v->info.ts_ns;
		d->seq = seq;
		d->reaped = false;
		WRITE_ONCE(lmk_dying.nr, lmk_dying.nr + 1);
		lmk_dying.deadline = jiffies + msecs_to_jiffies(ms);
		lmk_dying.last_kill_ns = d->kill_ns;
		added = true;
	}
	spin_unlock(&lmk_dying_lock);
	if (added) {
		v->pid = NULL;
		v->mm = NULL;
	} else {
		lmk_victim_put(v);
	}
	queue_delayed_work(lmk_wq, &lmk_watch_work, 0);
}

/**
 * lmk_death_wait_reaped() - the reaper has unmapped a victim's memory
 * @mm: the victim's memory
 *
 * Context: the watch worker; takes lmk_dying_lock.
 */
void lmk_death_wait_reaped(const struct mm_struct *mm)
{
	unsigned int i;

	spin_lock(&lmk_dying_lock);
	for (i = 0; i < lmk_dying.nr; i++)
		if (lmk_dying.v[i].mm == mm)
			lmk_dying.v[i].reaped = true;
	spin_unlock(&lmk_dying_lock);
}

/*
 * A victim's memory is gone once the reaper has unmapped it, once
 * exit_mmap() is done with it, or once no task is left in its thread
 * group.  exit_mmap() unmaps, marks the mm MMF_OOM_SKIP, frees the page
 * tables and the pages it gathered while unmapping, and last empties the
 * VMA tree: both marks are needed, since the tree of a live mm is never
 * empty and the flag comes before the pages are free.  mm_users reaching
 * zero is not enough either: it drops before the unmapping.  An mm with
 * no VMA left at all skips the flag; its wait ends with the thread group.
 */
static bool lmk_dying_exited(const struct lmk_dying *d)
{
	return d->reaped ||
	       (test_bit(MMF_OOM_SKIP, &d->mm->flags) &&
		!rcu_access_pointer(d->mm->mm_mt.ma_root)) ||
	       !pid_has_task(d->pid, PIDTYPE_TGID);
}

/*
 * Take one victim whose wait is over (exited, or all timed out) off the
 * list into @out, with how long it took.  A victim that timed out has its
 * memory put on the given-up list, with a reference of its own, and
 * @displaced gets that reference back when the list was full, or NULL.
 */
static bool lmk_dying_take_done(struct lmk_dying *out, s64 *exit_ms,
				struct mm_struct **displaced)
{
	unsigned int i, nr = lmk_dying.nr;
	bool timed_out = time_after_eq(jiffies, lmk_dying.deadline);

	lockdep_assert_held(&lmk_dying_lock);
	*displaced = NULL;
	for (i = 0; i < nr; i++) {
		struct lmk_dying *d = &lmk_dying.v[i];

		if (lmk_dying_exited(d)) {
			*exit_ms = div_u64(ktime_get_ns() - d->kill_ns,
					   NSEC_PER_MSEC);
		} else if (timed_out) {
			*exit_ms = LMK_EXIT_TIMEOUT;
			mmgrab(d->mm);
			*displaced = lmk_given_up_add(d->mm);
		} else {
			continue;
		}
		*out = *d;
		lmk_dying.v[i] = lmk_dying.v[nr - 1];
		WRITE_ONCE(lmk_dying.nr, nr - 1);
		return true;
	}
	return false;
}

/* Drop the given-up entries exit_mmap() is done with. */
static void lmk_given_up_prune(void)
{
	struct mm_struct *mm;

	while (READ_ONCE(lmk_dying.nr_given_up)) {
		spin_lock(&lmk_dying_lock);
		mm = lmk_given_up_take_gone();
		spin_unlock(&lmk_dying_lock);
		if (!mm)
			return;
		mmdrop(mm);
	}
}

/**
 * lmk_death_wait_update() - end the waits that are over
 *
 * Ends the wait of every victim that has exited or been reaped, recording
 * how long it took in the kill log, and of all of them once
 * death_timeout_ms has passed since the last kill.
 *
 * Context: process context; takes lmk_dying_lock.
 */
void lmk_death_wait_update(void)
{
	struct mm_struct *displaced;
	struct lmk_dying d;
	s64 exit_ms;
	bool found;

	lmk_given_up_prune();
	while (lmk_death_wait_pending()) {
		spin_lock(&lmk_dying_lock);
		found = lmk_dying_take_done(&d, &exit_ms, &displaced);
		spin_unlock(&lmk_dying_lock);
		if (!found)
			return;
		if (exit_ms == LMK_EXIT_TIMEOUT) {
			lmk_stat_inc(LMK_STAT_DEATH_TIMEOUTS);
			pr_warn_ratelimited("pid %d did not exit within %u ms, next kill allowed\n",
					    pid_nr(d.pid),
					    READ_ONCE(lmk_death_timeout_ms));
		}
		lmk_log_set_exit(d.seq, exit_ms);
		put_pid(d.pid);
		mmdrop(d.mm);
		if (displaced)
			mmdrop(displaced);
	}
}

/**
 * lmk_death_wait_release() - drop every wait and the given-up list
 *
 * Context: unload, or init's unwind: no pass or worker running.
 */
void lmk_death_wait_release(void)
{
	struct mm_struct *mm = NULL;
	struct lmk_dying d;
	bool found;

	do {
		found = false;
		spin_lock(&lmk_dying_lock);
		if (lmk_dying.nr) {
			d = lmk_dying.v[--lmk_dying.nr];
			found = true;
		} else if (lmk_dying.nr_given_up) {
			mm = lmk_dying.given_up[--lmk_dying.nr_given_up];
		}
		spin_unlock(&lmk_dying_lock);
		if (found) {
			put_pid(d.pid);
			mmdrop(d.mm);
		} else if (mm) {
			mmdrop(mm);
			mm = NULL;
			found = true;
		}
	} while (found);
}

/*
 * Victims usually go within a few milliseconds, and a jiffy is up to
 * 10 ms, so for the first 100 ms after a kill the watch looks every
 * 1-2 ms, and then once a jiffy: the next kill is allowed soon after the
 * memory is back, and the kill log's exit_ms is that precise, without a
 * worker waking a thousand times a second for a victim that takes
 * seconds.
 */
#define LMK_WATCH_FAST_NS	(100 * NSEC_PER_MSEC)

/* Is the worker still needed: a victim to reap or to wait for? */
static bool lmk_watch_busy(void)
{
	return (lmk_reap_pending() || lmk_death_wait_pending()) &&
	       !READ_ONCE(lmk_stopping);
}

/* Within LMK_WATCH_FAST_NS of the latest kill? */
static bool lmk_watch_fast(void)
{
	u64 last;

	spin_lock(&lmk_dying_lock);
	last = lmk_dying.last_kill_ns;
	spin_unlock(&lmk_dying_lock);
	return ktime_get_ns() - last < LMK_WATCH_FAST_NS;
}

/**
 * lmk_watch_fn() - the reaper's and the death wait's worker
 * @work: lmk_watch_work
 *
 * Reaps first, then ends the waits that are over.
 *
 * Context: the module's workqueue.
 */
void lmk_watch_fn(struct work_struct *work)
{
	lmk_reap_run();
	lmk_death_wait_update();
	while (lmk_watch_busy()) {
		if (!lmk_watch_fast()) {
			queue_delayed_work(lmk_wq, &lmk_watch_work, 1);
			return;
		}
		usleep_range(USEC_PER_MSEC, 2 * USEC_PER_MSEC);
		lmk_reap_run();
		lmk_death_wait_update();
	}
	/* The memory is back: check the table now, not at the next tick. */
	lmk_poll_kick();
}
