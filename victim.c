// SPDX-License-Identifier: GPL-2.0
/*
 * Which process dies.  Part of the lowmemkiller unit (lowmemkiller.c).
 *
 * One walk of every process, under RCU, keeps the best candidates in
 * order: the highest oom_score_adj at or above the crossed row's, the
 * larger process on ties (lmk_better_victim()).  Who may be a candidate
 * follows oom_unkillable_task() and oom_badness() in mm/oom_kill.c; where
 * it differs, the function says why.
 */
#include <linux/cred.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/oom.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>

#include "internal.h"

/**
 * struct lmk_cand - a candidate while the walk runs
 * @task: the process; valid only inside the walk's RCU section
 * @mm:   its memory, to compare: no reference is held
 * @gain: see struct lmk_victim
 * @info: see struct lmk_victim
 */
struct lmk_cand {
	struct task_struct *task;
	const struct mm_struct *mm;
	unsigned long gain;
	struct lmk_kill_info info;
};

/* The walk's candidates, best first; under lmk_scan_mutex (trigger.c). */
static struct lmk_cand lmk_cands[LMK_BATCH_MAX];

/*
 * Never a candidate: kernel threads, init, and processes at
 * OOM_SCORE_ADJ_MIN, as in oom_unkillable_task() and oom_badness().
 */
static bool lmk_task_protected(struct task_struct *p)
{
	return (p->flags & PF_KTHREAD) || is_global_init(p) ||
	       READ_ONCE(p->signal->oom_score_adj) == OOM_SCORE_ADJ_MIN;
}

/*
 * A victim of the kernel OOM killer whose memory the OOM reaper is not
 * done with: oom_evaluate_task() aborts its own selection then, and so
 * does a pass, or the module and the kernel would each kill a process for
 * one shortage.  The OOM reaper is done within its 2 s delay and 1 s of
 * tries; a memory cgroup's OOM sets the same mark, and a pass must not
 * wait on one for longer, so one victim's memory holds passes back for
 * 3 s at most from when a pass first saw it.
 */
#define LMK_OOM_VICTIM_WAIT	(3 * HZ)

static const struct mm_struct *lmk_oom_seen;	/* under lmk_scan_mutex */
static unsigned long lmk_oom_seen_at;		/* jiffies; same */

static bool lmk_task_oom_victim_pending(struct task_struct *p)
{
	struct mm_struct *mm;

	if (!tsk_is_oom_victim(p))
		return false;
	mm = p->signal->oom_mm;
	if (test_bit(MMF_OOM_SKIP, &mm->flags))
		return false;
	if (mm != lmk_oom_seen) {
		lmk_oom_seen = mm;
		lmk_oom_seen_at = jiffies;
	}
	return time_before(jiffies, lmk_oom_seen_at + LMK_OOM_VICTIM_WAIT);
}

/*
 * Size @c from @mm as oom_badness() does, from the kernel's own counters:
 * resident pages, and for "rss+swap" swap entries and page tables.
 * The counters lag by up to a per-CPU batch (6.2 on) or 64 events per
 * thread (6.1), as they do for the kernel OOM killer.
 */
static void lmk_cand_size(struct lmk_cand *c, struct mm_struct *mm)
{
	struct lmk_kill_info *info = &c->info;
	unsigned long pgtables = mm_pgtables_bytes(mm) >> PAGE_SHIFT;

	info->rss = get_mm_rss(mm);
	info->swap = get_mm_counter(mm, MM_SWAPENTS);
	info->size = info->rss;
	if (READ_ONCE(lmk_victim_size) == LMK_SIZE_RSS_SWAP)
		info->size += info->swap + pgtables;
	c->gain = info->rss + pgtables;
}

/**
 * lmk_cand_read() - read a process's memory through a thread that has it
 * @p: the process
 * @c: filled in from the first thread that still has an mm
 *
 * find_lock_task_mm() is not exported: a process whose leader has exited
 * keeps its memory in its other threads, so each thread is looked at
 * under its task_lock().  As in oom_badness(), a thread between vfork()
 * and exec() (its memory is its parent's) and memory a reaper is done
 * with (MMF_OOM_SKIP) are no candidates, nor is memory whose victim the
 * death wait gave up on (lmk_mm_given_up()).
 *
 * A process already exiting is a candidate like any other, as for the
 * kernel: the kernel then waits for it rather than kill another
 * (task_will_free_mem()), and so does the module, whose SIGKILL an
 * exiting group drops, and whose reaper takes its memory.  Skipping it
 * instead would let a process that stops in its exit (PTRACE_EVENT_EXIT,
 * a request to an unanswering FUSE server) keep its memory while every
 * other process died in its place.  A process dumping core is no
 * exception: SIGKILL ends the dump.
 *
 * Context: rcu_read_lock() held; takes task locks.
 * Return: true if @c is a candidate.
 */
static bool lmk_cand_read(struct task_struct *p, struct lmk_cand *c)
{
	struct task_struct *t;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "task walk needs RCU");
	for_each_thread(p, t) {
		struct mm_struct *mm;
		bool ok;

		task_lock(t);
		mm = t->mm;
		ok = mm && !test_bit(MMF_OOM_SKIP, &mm->flags) &&
		     !in_vfork(t) && !lmk_mm_given_up(mm);
		if (ok) {
			c->mm = mm;
			c->info.pid = task_pid_nr(t);
			c->info.uid = from_kuid_munged(&init_user_ns,
						       task_uid(t));
			strscpy(c->info.comm, t->comm, sizeof(c->info.comm));
			lmk_cand_size(c, mm);
		}
		task_unlock(t);
		if (mm)
			return ok;
	}
	return false;
}

/* Where (adj, size) ranks among the @nr candidates so far. */
static unsigned int lmk_cand_rank(unsigned int nr, short adj,
				  unsigned long size)
{
	unsigned int pos = nr;

	while (pos > 0 &&
	       lmk_better_victim(adj, size, lmk_cands[pos - 1].info.adj,
				 lmk_cands[pos - 1].info.size))
		pos--;
	return pos;
}

/*
 * Processes sharing an mm (CLONE_VM without CLONE_THREAD) die together
 * (lmk_kill()): one candidate stands for all of them, the best ranked.
 * Drops a candidate of @mm ranked below @pos; returns false if one ranks
 * at or above it.  No reference is held on a candidate's mm, so an equal
 * pointer is checked to be the same memory still: a freed mm's slot may
 * hold a new process's.
 */
static bool lmk_cand_unshared(const struct mm_struct *mm, unsigned int pos,
			      unsigned int *nr)
{
	unsigned int i;

	for (i = 0; i < *nr; i++)
		if (lmk_cands[i].mm == mm &&
		    lmk_process_shares_mm(lmk_cands[i].task, mm))
			break;
	if (i == *nr)
		return true;
	if (i < pos)
		return false;
	memmove(&lmk_cands[i], &lmk_cands[i + 1],
		(*nr - 1 - i) * sizeof(lmk_cands[0]));
	(*nr)--;
	return true;
}

/*
 * Consider process @p at @adj for the @max candidates so far (@nr).  The
 * cheap tests come first: with the list full, whether it could beat the
 * last one even at the largest size.  In a crowd that rules out most
 * processes before any lock.
 */
static void lmk_consider(struct task_struct *p, short adj,
			 const struct lmk_kill_info *tmpl, unsigned int max,
			 unsigned int *nr)
{
	struct lmk_cand c;
	unsigned int pos;

	if (*nr == max &&
	    !lmk_better_victim(adj, ULONG_MAX, lmk_cands[max - 1].info.adj,
			       lmk_cands[max - 1].info.size))
		return;
	if (lmk_task_protected(p))
		return;
	c.info = *tmpl;
	if (!lmk_cand_read(p, &c))
		return;
	c.task = p;
	c.info.tgid = task_tgid_nr(p);
	c.info.adj = adj;
	pos = lmk_cand_rank(*nr, adj, c.info.size);
	if (pos >= max || !lmk_cand_unshared(c.mm, pos, nr))
		return;
	if (*nr < max)
		(*nr)++;
	memmove(&lmk_cands[pos + 1], &lmk_cands[pos],
		(*nr - 1 - pos) * sizeof(lmk_cands[0]));
	lmk_cands[pos] = c;
}

/*
 * Turn candidate @c into victim @v: take its thread-group pid and an
 * mm_count reference on its memory, both inside the walk's RCU section,
 * so that neither can be freed before the signal.  A process that has
 * exited since (no pid), let its memory go (no thread with that mm) or
 * been given a lower adj than its rank is no victim.
 */
static bool lmk_cand_take(const struct lmk_cand *c, struct lmk_victim *v)
{
	short adj = READ_ONCE(c->task->signal->oom_score_adj);
	struct task_struct *t;
	struct pid *pid;

	pid = task_tgid(c->task);
	if (!pid || adj < c->info.adj)
		return false;
	v->mm = NULL;
	for_each_thread(c->task, t) {
		task_lock(t);
		if (t->mm == c->mm) {
			mmgrab(t->mm);
			v->mm = t->mm;
		}
		task_unlock(t);
		if (v->mm)
			break;
	}
	if (!v->mm)
		return false;
	v->pid = get_pid(pid);
	v->gain = c->gain;
	v->info = c->info;
	return true;
}

/**
 * lmk_victim_put() - drop a victim's references
 * @v: from lmk_select()
 */
void lmk_victim_put(struct lmk_victim *v)
{
	put_pid(v->pid);
	mmdrop(v->mm);
	v->pid = NULL;
	v->mm = NULL;
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
 * @tmpl: the pass's context (row, reason, memory state) for every victim
 * @max:  how many to keep, 1..LMK_BATCH_MAX
 * @v:    receives the victims, best first, each with its references
 *
 * Context: process context, lmk_scan_mutex held; takes rcu_read_lock()
 * and task locks.
 * Return: the number of victims in @v, or -EBUSY, with none, while a
 * victim of the kernel OOM killer still has its memory.
 */
int lmk_select(const struct lmk_kill_info *tmpl, unsigned int max,
	       struct lmk_victim *v)
{
	unsigned long visited = 0;
	u64 start = ktime_get_ns();
	unsigned int nr = 0, i;
	struct task_struct *p;
	int got = 0;

	lockdep_assert_held(&lmk_scan_mutex);
	rcu_read_lock();
	for_each_process(p) {
		short adj = READ_ONCE(p->signal->oom_score_adj);

		visited++;
		if (lmk_task_oom_victim_pending(p)) {
			got = -EBUSY;
			nr = 0;
			break;
		}
		if (adj >= tmpl->min_adj)
			lmk_consider(p, adj, tmpl, max, &nr);
	}
	for (i = 0; i < nr; i++)
		if (lmk_cand_take(&lmk_cands[i], &v[got]))
			got++;
	rcu_read_unlock();
	lmk_walk_done(start, visited);
	return got;
}
