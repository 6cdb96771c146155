// SPDX-License-Identifier: GPL-2.0
/*
 * lowmemkiller - an Android-style low-memory killer for current kernels
 *
 * When free and file pages both fall below a row of the minfree table, kill
 * the process with the highest oom_score_adj at or above that row's adj,
 * the largest one on ties, before the kernel OOM killer has to act.
 *
 * This file is the module.  Kbuild names a module after one object, and
 * the module's parts are compiled here as one unit, as
 * kernel/sched/build_policy.c does: each part includes what it needs and
 * internal.h declares what they share, so each reads on its own.  The
 * policy, pure arithmetic with host tests, is in lowmemkiller.h; every
 * kernel-version difference is in compat.h.
 *
 * The kill path, top to bottom:
 *   trigger.c  lmk_poll_fn() or lmk_scan_objects() -> lmk_pass()
 *   mem.c      lmk_read_mem(): the state lmk_find_row() compares
 *   victim.c   lmk_select(): the walk, the ranking, the references
 *   kill.c     lmk_kill(): the group SIGKILL and the mm's sharers;
 *              lmk_kill_report(); the death wait until the memory is back
 *   reap.c     lmk_reap_run(): the memory unmapped in the module's worker
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/workqueue.h>

/* The tracepoint is defined here, once; kill.c, which fires it, uses it. */
#define CREATE_TRACE_POINTS
#include "lowmemkiller_trace.h"
#undef CREATE_TRACE_POINTS

#include "sysfs.c"
#include "mem.c"
#include "victim.c"
#include "kill.c"
#include "reap.c"
#include "trigger.c"

/*
 * Both change only under kernel_param_lock(THIS_MODULE), which parameter
 * setters also run under, so a write racing with init or exit never
 * touches a half-built or torn-down module.  Paths outside that lock read
 * them with READ_ONCE().
 */
bool lmk_running;		/* init finished */
bool lmk_stopping;		/* exit started; stops re-arming */

struct workqueue_struct *lmk_wq;
struct delayed_work lmk_watch_work;
struct delayed_work lmk_poll_work;

/* Stop the workers and drop what they hold; no pass can start. */
static void lmk_workers_stop(void)
{
	cancel_delayed_work_sync(&lmk_poll_work);
	cancel_delayed_work_sync(&lmk_watch_work);
	lmk_notify_stop();
	destroy_workqueue(lmk_wq);
	lmk_wq = NULL;
	lmk_reap_release_all();
	lmk_death_wait_release();
}

/*
 * Parameter writes are open from before init: an init that fails must
 * have them find the module stopping before it tears anything down.
 */
static void lmk_stop_params(void)
{
	kernel_param_lock(THIS_MODULE);
	WRITE_ONCE(lmk_stopping, true);
	WRITE_ONCE(lmk_running, false);
	kernel_param_unlock(THIS_MODULE);
}

static int __init lmk_init(void)
{
	int err;

	/*
	 * WQ_MEM_RECLAIM: the poll, the reaper and the death wait are how
	 * memory comes back, so they must run when no worker can be created.
	 */
	lmk_wq = alloc_workqueue("lowmemkiller", WQ_MEM_RECLAIM | WQ_HIGHPRI,
				 0);
	if (!lmk_wq)
		return -ENOMEM;
	INIT_DELAYED_WORK(&lmk_watch_work, lmk_watch_fn);
	INIT_DELAYED_WORK(&lmk_poll_work, lmk_poll_fn);

	err = lmk_interface_init();
	if (err)
		goto err_workers;

	kernel_param_lock(THIS_MODULE);
	err = lmk_triggers_init();
	if (err) {
		WRITE_ONCE(lmk_stopping, true);
	} else {
		WRITE_ONCE(lmk_running, true);
		lmk_poll_kick();
	}
	kernel_param_unlock(THIS_MODULE);
	if (err)
		goto err_interface;

	pr_info("loaded: %u rows, poll %u ms\n", lmk_rows_in_force(),
		READ_ONCE(lmk_poll_ms));
	return 0;

err_interface:
	lmk_interface_exit();
err_workers:
	lmk_stop_params();
	lmk_workers_stop();
	return err;
}

/*
 * Teardown runs in the reverse order of the paths that can call in: the
 * shrinker and the OOM notifier first, so no new pass starts from
 * reclaim; then the workers and the victims they wait for; then the
 * interface.
 */
static void __exit lmk_exit(void)
{
	lmk_stop_params();
	lmk_triggers_exit();
	lmk_workers_stop();
	lmk_interface_exit();
}

module_init(lmk_init);
module_exit(lmk_exit);

MODULE_DESCRIPTION("Android-style low-memory killer: priority-ordered kills before the kernel OOM killer");
MODULE_AUTHOR("The lowmemkiller authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(LMK_VERSION);
