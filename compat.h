/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-API difference lowmemkiller cares about, in one place.
 *
 * Features are detected by compile probes against the target tree
 * (scripts/conftest.sh writes lmk_config.h), never by version number:
 * distribution kernels backport APIs and break version ladders.
 */
#ifndef _LMK_COMPAT_H
#define _LMK_COMPAT_H

#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/percpu.h>
#include <linux/shrinker.h>
#include <linux/slab.h>

#include "lmk_config.h"

#if !defined(HAVE_SHRINKER_ALLOC) && !defined(HAVE_REGISTER_SHRINKER_NAME)
#error "no usable shrinker API detected; rerun scripts/conftest.sh"
#endif

/**
 * lmk_shrinker_create() - allocate and register a shrinker
 * @count: count_objects callback
 * @scan:  scan_objects callback
 * @seeks: initial seeks (the "cost" parameter)
 * @batch: objects per scan_objects call
 * @name:  name shown by the shrinker debugfs interface
 *
 * Linux 6.7 replaced register_shrinker(s, fmt, ...) with
 * shrinker_alloc()/shrinker_register()/shrinker_free(); 6.0 to 6.6 take a
 * caller-owned struct shrinker.
 *
 * Context: process context, may sleep.
 * Return: the registered shrinker, or an ERR_PTR().
 */
static inline struct shrinker *
lmk_shrinker_create(unsigned long (*count)(struct shrinker *,
					   struct shrink_control *),
		    unsigned long (*scan)(struct shrinker *,
					  struct shrink_control *),
		    int seeks, long batch, const char *name)
{
	struct shrinker *s;

#ifdef HAVE_SHRINKER_ALLOC
	s = shrinker_alloc(0, "%s", name);
	if (!s)
		return ERR_PTR(-ENOMEM);
#else
	int err;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
#endif
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = seeks;
	s->batch = batch;
#ifdef HAVE_SHRINKER_ALLOC
	shrinker_register(s);
#else
	err = register_shrinker(s, "%s", name);
	if (err) {
		kfree(s);
		return ERR_PTR(err);
	}
#endif
	return s;
}

/**
 * lmk_shrinker_destroy() - unregister and free a shrinker
 * @s: shrinker from lmk_shrinker_create()
 *
 * On return no count or scan callback is running or will run again.
 *
 * Context: process context, may sleep.
 */
static inline void lmk_shrinker_destroy(struct shrinker *s)
{
#ifdef HAVE_SHRINKER_ALLOC
	shrinker_free(s);
#else
	unregister_shrinker(s);
	kfree(s);
#endif
}

/**
 * lmk_reserve_pages() - pages the page allocator keeps back from userspace
 *
 * totalreserve_pages is not exported to modules, but the allocator keeps the
 * same sum per node in pglist_data.totalreserve_pages (high watermark plus
 * the largest lowmem_reserve of each zone, see
 * calculate_totalreserve_pages()), and NODE_DATA() is usable from modules.
 *
 * Context: any; reads without locking, as si_mem_available() does.
 * Return: the sum over online nodes, in pages.
 */
static inline unsigned long lmk_reserve_pages(void)
{
	unsigned long sum = 0;
	int nid;

	for_each_online_node(nid)
		sum += READ_ONCE(NODE_DATA(nid)->totalreserve_pages);
	return sum;
}

/**
 * lmk_pcp_free_pages() - free pages held in the per-CPU page lists
 *
 * Pages freed by an exiting process go to per-CPU lists first and are
 * counted in NR_FREE_PAGES only when drained back to the buddy allocator,
 * so for a while after a kill free memory looks lower than it is.  Summing
 * per_cpu_pages.count (present in 6.1 and 6.12 alike) puts them back.
 *
 * Context: any; racy reads, as /proc/zoneinfo does.
 * Return: the sum over populated zones and online CPUs, in pages.
 */
static inline unsigned long lmk_pcp_free_pages(void)
{
	unsigned long sum = 0;
	int nid, cpu, i;

	for_each_online_node(nid) {
		for (i = 0; i < MAX_NR_ZONES; i++) {
			struct zone *z = &NODE_DATA(nid)->node_zones[i];

			if (!populated_zone(z) || !z->per_cpu_pageset)
				continue;
			for_each_online_cpu(cpu)
				sum += READ_ONCE(per_cpu_ptr(z->per_cpu_pageset,
							     cpu)->count);
		}
	}
	return sum;
}

/**
 * lmk_mm_counters() - a process's exact page counts
 * @p:   the process; in 6.1 its threads hold part of the counts
 * @mm:  its mm
 * @cnt: receives the NR_MM_COUNTERS counts (MM_FILEPAGES, MM_ANONPAGES,
 *       MM_SWAPENTS, MM_SHMEMPAGES), in pages
 *
 * get_mm_counter() reads only what has been folded into the shared counts.
 * From 6.2 the rest waits in per-CPU deltas of up to percpu_counter_batch
 * pages each; in 6.1 (SPLIT_RSS_COUNTING) in each thread's task_rss_stat,
 * folded every 64 page faults.  A process that has touched fewer pages
 * since fork reads as the size it had then, and ties between small
 * processes would not go to the larger.  This adds the parts up, as
 * get_mm_counter_sum() does in later kernels; a count whose parts add up
 * to less than 0 is 0.  On 6.1, what other processes sharing the mm
 * (CLONE_VM without CLONE_THREAD) faulted in and have not yet folded stays
 * out of the count.
 *
 * Context: rcu_read_lock() held (6.1 walks @p's threads once).  From 6.2
 * it takes each counter's raw spinlock, interrupts off, for one pass over
 * the CPUs.
 */
static inline void lmk_mm_counters(struct task_struct *p, struct mm_struct *mm,
				   unsigned long *cnt)
{
	int i;
#ifdef HAVE_MM_RSS_PERCPU
	for (i = 0; i < NR_MM_COUNTERS; i++)
		cnt[i] = percpu_counter_sum_positive(&mm->rss_stat[i]);
#else
	long sum[NR_MM_COUNTERS];
	struct task_struct *t __maybe_unused;

	for (i = 0; i < NR_MM_COUNTERS; i++)
		sum[i] = atomic_long_read(&mm->rss_stat.count[i]);
#ifdef SPLIT_RSS_COUNTING
	for_each_thread(p, t) {
		if (READ_ONCE(t->mm) != mm)
			continue;
		for (i = 0; i < NR_MM_COUNTERS; i++)
			sum[i] += READ_ONCE(t->rss_stat.count[i]);
	}
#endif
	for (i = 0; i < NR_MM_COUNTERS; i++)
		cnt[i] = sum[i] > 0 ? sum[i] : 0;
#endif
}

/*
 * The core tracepoints the shortlist watches (lowmemkiller.c), by name, and
 * their arguments (TP_PROTO) as a probe, which takes its data pointer
 * first, receives them.  The same on 6.1 and 6.12; a kernel that changes
 * them changes them here.
 */
#define LMK_TP_NEWTASK		"task_newtask"
#define LMK_TP_NEWTASK_ARGS	struct task_struct *task, unsigned long clone_flags
#define LMK_TP_ADJ		"oom_score_adj_update"
#define LMK_TP_ADJ_ARGS		struct task_struct *task

#endif /* _LMK_COMPAT_H */
