/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoint for lowmemkiller kills.
 *
 * lowmemory_kill keeps the fields of Android's event of the same name (all
 * sizes in kB) and adds the priority, the size used to rank the victim and
 * the reason the kill was taken.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM lowmemkiller

#if !defined(_LMK_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _LMK_TRACE_H

#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

TRACE_EVENT(lowmemory_kill,
	    TP_PROTO(const char *comm, pid_t pid, unsigned long pagecache_kb,
		     unsigned long pagecache_limit_kb, unsigned long free_kb,
		     short adj, short min_adj, unsigned long rss_kb,
		     unsigned long size_kb, const char *reason, bool dry_run),

	    TP_ARGS(comm, pid, pagecache_kb, pagecache_limit_kb, free_kb, adj,
		    min_adj, rss_kb, size_kb, reason, dry_run),

	    TP_STRUCT__entry(__array(char, comm, TASK_COMM_LEN)
			     __field(pid_t, pid)
			     __field(unsigned long, pagecache_size)
			     __field(unsigned long, pagecache_limit)
			     __field(unsigned long, free)
			     __field(short, adj)
			     __field(short, min_adj)
			     __field(unsigned long, rss)
			     __field(unsigned long, size)
			     __array(char, reason, 16)
			     __field(bool, dry_run)),

	    TP_fast_assign(memcpy(__entry->comm, comm, TASK_COMM_LEN);
			   __entry->pid = pid;
			   __entry->pagecache_size = pagecache_kb;
			   __entry->pagecache_limit = pagecache_limit_kb;
			   __entry->free = free_kb;
			   __entry->adj = adj;
			   __entry->min_adj = min_adj;
			   __entry->rss = rss_kb;
			   __entry->size = size_kb;
			   strscpy(__entry->reason, reason,
				   sizeof(__entry->reason));
			   __entry->dry_run = dry_run;),

	    TP_printk("comm=%s pid=%d pagecache_size=%lu pagecache_limit=%lu free=%lu adj=%d min_adj=%d rss=%lu size=%lu reason=%s dry_run=%d",
		      __entry->comm, __entry->pid, __entry->pagecache_size,
		      __entry->pagecache_limit, __entry->free, __entry->adj,
		      __entry->min_adj, __entry->rss, __entry->size,
		      __entry->reason, __entry->dry_run)
);

#endif /* _LMK_TRACE_H */

/* This part must be outside protection */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE lowmemkiller_trace
#include <trace/define_trace.h>
