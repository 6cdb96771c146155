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

/* Does process @p use @mm?  process_shares_mm(), which is not exported. */
static bool lmk_process_shares_mm(struct task_struct *p,
				  const struct mm_struct *mm)
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
 * and kill each one that uses it, except kernel threads (kthread_use_mm()
 * borrows) and init, which keeps the memory alive: that is reported.
 * Writes of oom_score_adj reach every process sharing an mm
 * (__set_oom_adj()), so the sharers are at the victim's adj.
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
			pr_info("victim %d has its memory pinned by init\n",
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
 * kernel's own signal, past any permission check.  A dry run sends
 * nothing.
 *
 * Context: process context.
 */
void lmk_kill(struct lmk_victim *v)
{
	if (!v->info.dry_run) {
		kill_pid(v->pid, SIGKILL, 1);
		lmk_kill_sharers(v);
	}
	v->info.ts_ns = ktime_get_ns();
}

/*
 * At debug_level 1 the kernel log gets at most 10 kill lines per 5 s: a
 * pass over a crowd kills many small processes, and a serial console
 * prints a line in milliseconds.  The kill log, the statistics and the
 * tracepoint keep every kill; debug_level 2 logs them all.
 */
static DEFINE_RATELIMIT_STATE(lmk_print_rs, 5 * HZ, 10);

static void lmk_kill_count(const struct lmk_kill_info *info)
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
	lmk_kill_count(info);
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
 */
struct lmk_dying {
	struct pid *pid;
	struct mm_struct *mm;
	u64 kill_ns;
	u64 seq;
};

/*
 * Taken from reclaim (the shrinker's pass) and from the workers, never
 * from interrupts; held for a few stores or one scan of LMK_BATCH_MAX
 * entries.  @nr is read without it (READ_ONCE()) to ask "is a victim
 * dying?".
 */
static DEFINE_SPINLOCK(lmk_dying_lock);
static struct {
	struct lmk_dying v[LMK_BATCH_MAX];
	unsigned int nr;
	unsigned long deadline;		/* jiffies */
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
 * lmk_death_wait_add() - wait for a signalled victim's memory
 * @v:   the victim; its references pass to the wait
 * @seq: its kill log entry
 *
 * Every victim of a pass is added; the wait ends for all of them at the
 * latest death_timeout_ms after the last.  The list holds a whole pass,
 * and a pass runs only once it is empty.
 *
 * Context: process context; takes lmk_dying_lock.
 */
void lmk_death_wait_add(struct lmk_victim *v, u64 seq)
{
	unsigned int ms = READ_ONCE(lmk_death_timeout_ms);
	bool added = false;

	spin_lock(&lmk_dying_lock);
	if (lmk_dying.nr < LMK_BATCH_MAX) {
		struct lmk_dying *d = &lmk_dying.v[lmk_dying.nr];

		d->pid = v->pid;
		d->mm = v->mm;
		d->kill_ns = v->info.ts_ns;
		d->seq = seq;
		WRITE_ONCE(lmk_dying.nr, lmk_dying.nr + 1);
		lmk_dying.deadline = jiffies + msecs_to_jiffies(ms);
		added = true;
	}
	spin_unlock(&lmk_dying_lock);
	if (added)
		queue_delayed_work(lmk_wq, &lmk_watch_work, 0);
	else
		lmk_victim_put(v);
}

/*
 * A victim's memory is gone once exit_mmap() is done with it, or once no
 * task is left in its thread group.  exit_mmap() unmaps, marks the mm
 * MMF_OOM_SKIP, frees the page tables and the pages it gathered while
 * unmapping, and last empties the VMA tree: both marks are needed, since
 * the tree of a live mm is never empty and the flag comes before the
 * pages are free.  mm_users reaching zero is not enough either: it drops
 * before the unmapping.
 */
static bool lmk_dying_exited(const struct lmk_dying *d)
{
	return (test_bit(MMF_OOM_SKIP, &d->mm->flags) &&
		!rcu_access_pointer(d->mm->mm_mt.ma_root)) ||
	       !pid_has_task(d->pid, PIDTYPE_TGID);
}

/*
 * Take one victim whose wait is over (exited, or all timed out) off the
 * list into @out, with how long it took.  Returns false when there is
 * none.
 */
static bool lmk_dying_take_done(struct lmk_dying *out, s64 *exit_ms)
{
	unsigned int i, nr = lmk_dying.nr;
	bool timed_out = time_after_eq(jiffies, lmk_dying.deadline);

	lockdep_assert_held(&lmk_dying_lock);
	for (i = 0; i < nr; i++) {
		struct lmk_dying *d = &lmk_dying.v[i];

		if (lmk_dying_exited(d))
			*exit_ms = div_u64(ktime_get_ns() - d->kill_ns,
					   NSEC_PER_MSEC);
		else if (timed_out)
			*exit_ms = LMK_EXIT_TIMEOUT;
		else
			continue;
		*out = *d;
		lmk_dying.v[i] = lmk_dying.v[nr - 1];
		WRITE_ONCE(lmk_dying.nr, nr - 1);
		return true;
	}
	return false;
}

/**
 * lmk_death_wait_update() - end the waits that are over
 *
 * Ends the wait of every victim that has exited, recording how long it
 * took in the kill log, and of all of them once death_timeout_ms has
 * passed since the last kill.
 *
 * Context: process context; takes lmk_dying_lock.
 */
void lmk_death_wait_update(void)
{
	struct lmk_dying d;
	s64 exit_ms;
	bool found;

	while (lmk_death_wait_pending()) {
		spin_lock(&lmk_dying_lock);
		found = lmk_dying_take_done(&d, &exit_ms);
		spin_unlock(&lmk_dying_lock);
		if (!found)
			return;
		if (exit_ms == LMK_EXIT_TIMEOUT) {
			lmk_stat_inc(LMK_STAT_DEATH_TIMEOUTS);
			pr_warn("pid %d did not exit within %u ms, next kill allowed\n",
				pid_nr(d.pid), READ_ONCE(lmk_death_timeout_ms));
		}
		lmk_log_set_exit(d.seq, exit_ms);
		put_pid(d.pid);
		mmdrop(d.mm);
	}
}

/**
 * lmk_death_wait_release() - drop every wait, at unload
 *
 * Context: process context, no pass or worker running.
 */
void lmk_death_wait_release(void)
{
	unsigned int i;

	spin_lock(&lmk_dying_lock);
	for (i = 0; i < lmk_dying.nr; i++) {
		put_pid(lmk_dying.v[i].pid);
		mmdrop(lmk_dying.v[i].mm);
	}
	WRITE_ONCE(lmk_dying.nr, 0);
	spin_unlock(&lmk_dying_lock);
}

/*
 * Victims usually go within a few milliseconds, and a jiffy is up to
 * 10 ms, so the watch looks every 1-2 ms for this many tries (50-100 ms)
 * and then once a jiffy: the next kill is allowed soon after the memory
 * is back, and the kill log's exit_ms is that precise, without a worker
 * spinning for a victim that takes seconds.
 */
#define LMK_WATCH_SPINS	50

/**
 * lmk_watch_fn() - the death wait's worker, which also sends uevents
 * @work: lmk_watch_work
 *
 * Uevents are built here, in process context outside reclaim, since
 * building one allocates memory.
 *
 * Context: the module's workqueue.
 */
void lmk_watch_fn(struct work_struct *work)
{
	unsigned int spins = 0;

	lmk_death_wait_update();
	while (lmk_death_wait_pending() && !READ_ONCE(lmk_stopping)) {
		lmk_notify_pending();
		if (++spins > LMK_WATCH_SPINS) {
			queue_delayed_work(lmk_wq, &lmk_watch_work, 1);
			return;
		}
		usleep_range(USEC_PER_MSEC, 2 * USEC_PER_MSEC);
		lmk_death_wait_update();
	}
	lmk_notify_pending();
	/* The memory is back: check the table now, not at the next tick. */
	lmk_poll_kick();
}
