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

#include <linux/mm.h>
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
 * lmk_zap_vma() - unmap every page of a VMA
 * @vma: the VMA, its mm's mmap_lock held for reading
 *
 * What MADV_DONTNEED does, with the functions exported to modules:
 * zap_page_range() up to 6.2, zap_page_range_single() from 6.3, when
 * zap_page_range() was removed.
 *
 * Context: process context, may sleep; mmap_lock held.
 */
static inline void lmk_zap_vma(struct vm_area_struct *vma)
{
#ifdef HAVE_ZAP_PAGE_RANGE_SINGLE
	zap_page_range_single(vma, vma->vm_start, vma->vm_end - vma->vm_start,
			      NULL);
#else
	zap_page_range(vma, vma->vm_start, vma->vm_end - vma->vm_start);
#endif
}

#endif /* _LMK_COMPAT_H */
