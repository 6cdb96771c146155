// SPDX-License-Identifier: GPL-2.0
/*
 * The reaper: a victim's memory back at once, whether or not it runs.
 * Part of the lowmemkiller unit (lowmemkiller.c).
 *
 * A victim frees its memory only in its own exit, and a victim that
 * cannot run (SCHED_IDLE behind busy tasks, a throttled cgroup, a little
 * core, blocked in the kernel) keeps it.  So after the SIGKILL the
 * module's worker unmaps the victim's anonymous and private memory, as
 * the kernel's oom_reaper does in __oom_reap_task_mm() (mm/oom_kill.c),
 * and raises the victim to SCHED_NORMAL at nice -20 so that its exit
 * runs, as Android's lmkd does.  Nothing here runs in the shrinker, under
 * RCU or in atomic context.
 *
 * The rules of mm/oom_kill.c kept here, 6.1 and 6.12 alike:
 *  - robust futexes first: a thread's robust list sits in its private
 *    memory, and its exit walks it to wake the waiters in other
 *    processes (exit_robust_list()); reaped, the walk faults and they
 *    sleep forever.  The OOM reaper waits OOM_REAPER_DELAY (2 s) for
 *    that; process_mrelease(), which lmkd calls, does not wait at all.
 *    The reaper here reaps as soon as no thread using the memory still
 *    has a robust list, which is at once for a process that never set
 *    one and once every thread has passed exit_mm() for one that did,
 *    and after those 2 s otherwise;
 *  - mmap_read_trylock(), retried for a second after that (oom_reap_task():
 *    ten tries 100 ms apart), so the worker never waits behind a writer;
 *  - MMF_UNSTABLE set first, so that a fault in reaped memory fails
 *    rather than reads zeroes;
 *  - VM_HUGETLB and VM_PFNMAP skipped, and so are shared file and shmem
 *    mappings: their pages stay in the page cache anyway;
 *  - only when every process using the mm is dying (__oom_kill_process()
 *    does not reap when init shares it);
 *  - MMF_OOM_SKIP set once reaped, which hides the memory from the
 *    kernel OOM killer and from the module's own choice;
 * and where it differs:
 *  - an mm with MMU notifiers (KVM, GPU drivers) is not reaped: the
 *    exported zap functions call the blocking notifiers, which the
 *    kernel's reaper avoids with a non-blocking variant modules lack;
 *  - the kernel reaps beside exit_mmap(), under the mmap_lock handshake
 *    exit_mmap() has with MMF_OOM_SKIP for it; the module does not rely
 *    on that, and holds mm_users for each try (mmget_not_zero()), so that
 *    exit_mmap() cannot start while it unmaps.  The mm_count reference
 *    it tries with was taken in the walk, before the signal: a starved
 *    victim may be inside exit_mmap() with its task's mm already NULL by
 *    the time the reaper runs, and its memory is then on its way anyway
 *    (there the kernel's reaper does better).  Between tries the
 *    victim's own exit is not held up.  A try that lets go of the last
 *    mm_users leaves the teardown to mmput_async(), as the OOM reaper
 *    does, so the worker never waits in it (exit_aio() may wait long);
 *  - a reap that leaves more than half of the resident pages (shmem,
 *    shared or pinned memory) does not end the death wait: the victim's
 *    exit must still free the rest.
 */
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/spinlock.h>
#include <uapi/linux/sched/types.h>

#include "compat.h"
#include "internal.h"

/*
 * How long the reaper waits for the victim's robust lists to be released
 * before it reaps anyway: the OOM reaper's OOM_REAPER_DELAY.
 */
#define LMK_REAP_DELAY_MS	2000

/*
 * How long after that it keeps trying mmap_read_trylock(): oom_reap_task()
 * tries ten times 100 ms apart.  Past it, the victim's own exit frees the
 * memory when it runs.
 */
#define LMK_REAP_TRY_MS		1000

/* The nice lmkd gives a victim; SCHED_NORMAL's highest. */
#define LMK_REAP_NICE		(-20)

/**
 * struct lmk_reap_item - a victim whose memory the reaper is to unmap
 * @pid:     its thread-group pid, referenced: whose threads to raise
 * @mm:      its memory, mmgrab()bed
 * @robust:  jiffies until which robust lists hold the reap back
 * @give_up: jiffies after which it stops trying
 * @raised:  its threads have been raised
 */
struct lmk_reap_item {
	struct pid *pid;
	struct mm_struct *mm;
	unsigned long robust;
	unsigned long give_up;
	bool raised;
};

/*
 * Victims to reap.  A pass adds (from reclaim or the poll); only the
 * watch worker takes them off, one at a time, so an item being worked on
 * is no longer on the list.  Twice a pass: a pass starts once the last
 * one's victims are gone or timed out, and the reaper may still be
 * trying for those.
 */
#define LMK_REAP_MAX	(2 * LMK_BATCH_MAX)

static DEFINE_SPINLOCK(lmk_reap_lock);
static struct {
	struct lmk_reap_item v[LMK_REAP_MAX];
	unsigned int nr;
} lmk_reap;				/* protected by lmk_reap_lock */

/**
 * lmk_reap_add() - reap a signalled victim's memory
 * @pid: its thread-group pid
 * @mm:  its memory
 *
 * Takes references of its own.  With the list full, the victim is not
 * reaped: its exit frees the memory, and the death wait sees it.
 *
 * Context: any process context; takes lmk_reap_lock.
 * Return: how long the reaper may take over it, in ms, or 0 if it will
 * not reap it.
 */
unsigned int lmk_reap_add(struct pid *pid, struct mm_struct *mm)
{
	unsigned int ms = 0;

	spin_lock(&lmk_reap_lock);
	if (lmk_reap.nr < LMK_REAP_MAX) {
		struct lmk_reap_item *it = &lmk_reap.v[lmk_reap.nr];

		it->pid = get_pid(pid);
		mmgrab(mm);
		it->mm = mm;
		it->robust = jiffies + msecs_to_jiffies(LMK_REAP_DELAY_MS);
		it->give_up = it->robust + msecs_to_jiffies(LMK_REAP_TRY_MS);
		it->raised = false;
		WRITE_ONCE(lmk_reap.nr, lmk_reap.nr + 1);
		ms = LMK_REAP_DELAY_MS + LMK_REAP_TRY_MS;
	}
	spin_unlock(&lmk_reap_lock);
	return ms;
}

/**
 * lmk_reap_pending() - is a victim waiting to be reaped?
 *
 * Context: any.  A snapshot.
 */
bool lmk_reap_pending(void)
{
	return READ_ONCE(lmk_reap.nr) != 0;
}

/* Take item @i off the list into @out. */
static bool lmk_reap_take(unsigned int i, struct lmk_reap_item *out)
{
	bool found = false;

	spin_lock(&lmk_reap_lock);
	if (i < lmk_reap.nr) {
		*out = lmk_reap.v[i];
		lmk_reap.v[i] = lmk_reap.v[lmk_reap.nr - 1];
		WRITE_ONCE(lmk_reap.nr, lmk_reap.nr - 1);
		found = true;
	}
	spin_unlock(&lmk_reap_lock);
	return found;
}

/* Put an item back to be tried again; false if there is no room. */
static bool lmk_reap_requeue(const struct lmk_reap_item *it)
{
	bool added = false;

	spin_lock(&lmk_reap_lock);
	if (lmk_reap.nr < LMK_REAP_MAX) {
		lmk_reap.v[lmk_reap.nr] = *it;
		WRITE_ONCE(lmk_reap.nr, lmk_reap.nr + 1);
		added = true;
	}
	spin_unlock(&lmk_reap_lock);
	return added;
}

/* Has thread @t, which uses the memory, still a robust list to walk? */
static bool lmk_thread_robust(struct task_struct *t)
{
#ifdef CONFIG_FUTEX
	if (READ_ONCE(t->robust_list))
		return true;
#ifdef CONFIG_COMPAT
	if (READ_ONCE(t->compat_robust_list))
		return true;
#endif
#endif
	return false;
}

/* What the processes using an mm say about reaping it. */
enum lmk_users_state {
	LMK_USERS_READY,	/* all dying, no robust list left */
	LMK_USERS_ROBUST,	/* all dying, a robust list left */
	LMK_USERS_LIVE,		/* one is not dying: never reap */
};

/*
 * Is every process using @mm on its way out, and has each of its
 * threads still using it released its robust list?  Kernel threads that
 * borrow it (kthread_use_mm()) do not read user memory, as
 * __oom_kill_process() notes, and do not count.  Once all are dying none
 * can clone a new user: copy_process() fails with a fatal signal pending.
 */
static enum lmk_users_state lmk_mm_users_state(const struct mm_struct *mm)
{
	enum lmk_users_state st = LMK_USERS_READY;
	struct task_struct *p, *t;

	rcu_read_lock();
	for_each_process(p) {
		if ((p->flags & PF_KTHREAD) || !lmk_process_shares_mm(p, mm))
			continue;
		if (!(READ_ONCE(p->signal->flags) & SIGNAL_GROUP_EXIT)) {
			st = LMK_USERS_LIVE;
			break;
		}
		for_each_thread(p, t)
			if (READ_ONCE(t->mm) == mm && lmk_thread_robust(t))
				st = LMK_USERS_ROBUST;
	}
	rcu_read_unlock();
	return st;
}

/*
 * Does @t run in a fair class below nice -20, so that raising helps it?
 * Not a thread boosted to a real-time or deadline priority by priority
 * inheritance, which a policy change would fight.
 */
static bool lmk_thread_raisable(struct task_struct *t)
{
	int policy = READ_ONCE(t->policy);

	if (READ_ONCE(t->prio) < MAX_RT_PRIO)
		return false;
	if (policy == SCHED_IDLE || policy == SCHED_BATCH)
		return true;
	return policy == SCHED_NORMAL && task_nice(t) > LMK_REAP_NICE;
}

/* One thread of @pid's group that lmk_thread_raisable(), referenced. */
static struct task_struct *lmk_next_raisable(struct pid *pid)
{
	struct task_struct *p, *t, *found = NULL;

	rcu_read_lock();
	p = pid_task(pid, PIDTYPE_TGID);
	if (p) {
		for_each_thread(p, t) {
			if (lmk_thread_raisable(t)) {
				found = get_task_struct(t);
				break;
			}
		}
	}
	rcu_read_unlock();
	return found;
}

/*
 * Raise every thread of the victim in a fair class to SCHED_NORMAL at
 * LMK_REAP_NICE, so that its exit, which frees what the reaper cannot
 * (page tables, file mappings, kernel memory), gets the CPU.  Real-time
 * threads are left as they are.  This cannot lift a cgroup's cpu.max
 * throttling, nor move the victim off a slow core.  sched_set_normal()
 * is what lmkd's setpriority() amounts to, but it warns on failure, and
 * a change of policy can fail (a thread boosted meanwhile), so the call
 * it wraps, sched_setattr_nocheck(), is used and its failure ignored: the
 * thread stays as it was.  It may sleep, so each thread is referenced
 * and raised outside RCU; each raise makes the thread no longer
 * raisable, and the thread count bounds the loop, each step of which
 * starts over from the first thread: quadratic in the threads, which a
 * victim has few of.
 */
static void lmk_raise_victim(struct pid *pid)
{
	unsigned int n, max = 0;
	struct task_struct *p, *t;

	rcu_read_lock();
	p = pid_task(pid, PIDTYPE_TGID);
	if (p)
		max = get_nr_threads(p);
	rcu_read_unlock();
	for (n = 0; n < max; n++) {
		struct sched_attr attr = {
			.sched_policy = SCHED_NORMAL,
			.sched_nice = LMK_REAP_NICE,
		};

		t = lmk_next_raisable(pid);
		if (!t)
			break;
		sched_setattr_nocheck(t, &attr);
		put_task_struct(t);
	}
}

/*
 * Unmap what __oom_reap_task_mm() unmaps; mmap_lock held for reading.
 * Returns true when it brought the resident pages down by half or more.
 */
static bool lmk_reap_vmas(struct mm_struct *mm)
{
	unsigned long before = get_mm_rss(mm);
	struct vm_area_struct *vma;

	VMA_ITERATOR(vmi, mm, 0);

	set_bit(MMF_UNSTABLE, &mm->flags);
	for_each_vma(vmi, vma) {
		if (vma->vm_flags & (VM_HUGETLB | VM_PFNMAP))
			continue;
		if (vma_is_anonymous(vma) || !(vma->vm_flags & VM_SHARED))
			lmk_zap_vma(vma);
	}
	set_bit(MMF_OOM_SKIP, &mm->flags);
	return get_mm_rss(mm) <= before / 2;
}

/* The outcome of one try at an item. */
enum lmk_reap_result {
	LMK_REAP_AGAIN,		/* robust lists or the mmap_lock: try later */
	LMK_REAP_DONE,		/* the memory is unmapped */
	LMK_REAP_NOT,		/* not reaped, or not enough: the exit frees it */
};

/* Unmap @mm, with mm_users held: the mmap_lock, then the rules again. */
static enum lmk_reap_result lmk_reap_locked(struct lmk_reap_item *it)
{
	struct mm_struct *mm = it->mm;
	enum lmk_reap_result r = LMK_REAP_NOT;

	if (!mmap_read_trylock(mm))
		return time_after(jiffies, it->give_up) ? LMK_REAP_NOT :
							  LMK_REAP_AGAIN;
	/*
	 * Notifiers are registered under the mmap_lock held for writing, so
	 * this holds until the unlock.  The kernel's reaper may have been
	 * here first.
	 */
	if (!mm_has_notifiers(mm) && !test_bit(MMF_OOM_SKIP, &mm->flags) &&
	    lmk_mm_users_state(mm) != LMK_USERS_LIVE && lmk_reap_vmas(mm))
		r = LMK_REAP_DONE;
	mmap_read_unlock(mm);
	return r;
}

/*
 * One try: the victim's threads raised first, so that their exit
 * releases the robust lists; then the memory, once the rules allow.
 */
static enum lmk_reap_result lmk_reap_try(struct lmk_reap_item *it)
{
	enum lmk_reap_result r;

	if (!it->raised) {
		lmk_raise_victim(it->pid);
		it->raised = true;
	}
	switch (lmk_mm_users_state(it->mm)) {
	case LMK_USERS_LIVE:
		return LMK_REAP_NOT;
	case LMK_USERS_ROBUST:
		if (time_before(jiffies, it->robust))
			return LMK_REAP_AGAIN;
		break;
	case LMK_USERS_READY:
		break;
	}
	if (!mmget_not_zero(it->mm))
		return LMK_REAP_NOT;
	r = lmk_reap_locked(it);
	mmput_async(it->mm);
	return r;
}

/* Let an item go, telling the death wait if its memory is back. */
static void lmk_reap_release(struct lmk_reap_item *it, bool reaped)
{
	if (reaped)
		lmk_death_wait_reaped(it->mm);
	mmdrop(it->mm);
	put_pid(it->pid);
}

/**
 * lmk_reap_run() - try every victim waiting to be reaped, once
 *
 * Context: the watch worker only: it may sleep and take mmap_lock.
 */
void lmk_reap_run(void)
{
	unsigned int n = READ_ONCE(lmk_reap.nr);
	struct lmk_reap_item it;
	enum lmk_reap_result r;

	/* Newest first: lmk_reap_take() moves the last into the hole. */
	while (n-- > 0 && lmk_reap_take(n, &it)) {
		r = lmk_reap_try(&it);
		if (r == LMK_REAP_AGAIN && lmk_reap_requeue(&it))
			continue;
		if (r == LMK_REAP_DONE)
			lmk_stat_inc(LMK_STAT_REAPED);
		lmk_reap_release(&it, r == LMK_REAP_DONE);
	}
}

/**
 * lmk_reap_release_all() - give up every victim, at unload
 *
 * Context: process context, the watch worker stopped.
 */
void lmk_reap_release_all(void)
{
	struct lmk_reap_item it;

	while (lmk_reap_take(0, &it))
		lmk_reap_release(&it, false);
}
