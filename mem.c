// SPDX-License-Identifier: GPL-2.0
/*
 * The memory state the minfree table is compared with.  Part of the
 * lowmemkiller unit (lowmemkiller.c).
 */
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/percpu.h>
#include <linux/vmstat.h>

#include "internal.h"

/*
 * The pages the page allocator keeps back from userspace.
 * totalreserve_pages is not exported to modules, but the allocator keeps
 * the same sum per node in pglist_data.totalreserve_pages (high watermark
 * plus the largest lowmem_reserve of each zone, see
 * calculate_totalreserve_pages()).  Read without locking, as
 * si_mem_available() does.
 */
static unsigned long lmk_reserve_pages(void)
{
	unsigned long sum = 0;
	int nid;

	for_each_online_node(nid)
		sum += READ_ONCE(NODE_DATA(nid)->totalreserve_pages);
	return sum;
}

/*
 * Free pages held in the per-CPU page lists.  Pages freed by an exiting
 * victim go there first and count in NR_FREE_PAGES only once drained back
 * to the buddy allocator, so for a while after a kill free memory looks
 * lower than it is, and a pass would kill again for memory already free.
 * Racy reads, as /proc/zoneinfo does; a walk over zones and CPUs.
 */
static unsigned long lmk_pcp_free_pages(void)
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
 * lmk_read_mem() - read the memory state
 * @m:     filled in
 * @exact: also count the free pages in the per-CPU lists
 *
 * count_objects, on every reclaim pass, reads without @exact: O(1), and it
 * can only err towards "a kill may be due", which the pass then checks
 * with @exact.
 *
 * Context: any.
 */
void lmk_read_mem(struct lmk_mem *m, bool exact)
{
	long free = global_zone_page_state(NR_FREE_PAGES);
	long file = global_node_page_state(NR_FILE_PAGES) -
		    global_node_page_state(NR_SHMEM) -
		    global_node_page_state(NR_UNEVICTABLE);

#ifdef CONFIG_SWAP
	file -= global_node_page_state(NR_SWAPCACHE);
#endif
	if (exact)
		free += lmk_pcp_free_pages();
	free -= lmk_reserve_pages();
	m->other_free = free > 0 ? free : 0;
	m->other_file = file > 0 ? file : 0;
}
