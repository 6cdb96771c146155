/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lowmemkiller policy: pure functions over plain numbers.
 *
 * Nothing here takes a lock, touches a global or calls into the kernel, so
 * the same code is compiled into the module and into the host unit tests
 * (selftests/unit/) and KUnit (kunit/).  The mechanism and the interface
 * are the module's parts (internal.h lists them).
 */
#ifndef _LOWMEMKILLER_H
#define _LOWMEMKILLER_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/overflow.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)
#endif

/* The Android driver had six rows; lmkd and every vendor tree kept that. */
#define LMK_MAX_ROWS		6

/* oom_score_adj range, as in include/uapi/linux/oom.h. */
#define LMK_SCORE_ADJ_MIN	(-1000)
#define LMK_SCORE_ADJ_MAX	1000

/* Legacy /proc/<pid>/oom_adj range: OOM_DISABLE .. OOM_ADJUST_MAX. */
#define LMK_LEGACY_ADJ_MIN	(-17)
#define LMK_LEGACY_ADJ_MAX	15

/**
 * struct lmk_table - the minfree/adj table as written by the user
 * @minfree:    free-page thresholds, strictly ascending
 * @adj:        minimum oom_score_adj for each row, strictly ascending
 * @nr_minfree: entries in @minfree (1..LMK_MAX_ROWS)
 * @nr_adj:     entries in @adj (1..LMK_MAX_ROWS)
 *
 * The two arrays are written separately, as on Android, so they may have
 * different lengths for a moment; the table in force is the first
 * min(@nr_minfree, @nr_adj) rows.
 */
struct lmk_table {
	long minfree[LMK_MAX_ROWS];
	long adj[LMK_MAX_ROWS];
	unsigned int nr_minfree;
	unsigned int nr_adj;
};

/**
 * enum lmk_parse_error - why a parameter list was rejected
 * @LMK_PARSE_OK:        accepted
 * @LMK_PARSE_EMPTY:     nothing, or only a newline, was written
 * @LMK_PARSE_NOT_NUM:   a field is not a decimal number (or is empty)
 * @LMK_PARSE_TOO_MANY:  more than LMK_MAX_ROWS fields
 * @LMK_PARSE_RANGE:     a value is outside the allowed range
 * @LMK_PARSE_ORDER:     the values are not strictly ascending
 * @NR_LMK_PARSE:        number of codes
 */
enum lmk_parse_error {
	LMK_PARSE_OK,
	LMK_PARSE_EMPTY,
	LMK_PARSE_NOT_NUM,
	LMK_PARSE_TOO_MANY,
	LMK_PARSE_RANGE,
	LMK_PARSE_ORDER,
	NR_LMK_PARSE,
};

/**
 * lmk_table_rows() - number of rows in force
 * @t: table
 *
 * Return: min(@t->nr_minfree, @t->nr_adj).
 */
static inline unsigned int lmk_table_rows(const struct lmk_table *t)
{
	return t->nr_minfree < t->nr_adj ? t->nr_minfree : t->nr_adj;
}

/**
 * lmk_find_row() - the first table row crossed by the current memory state
 * @t:          table
 * @other_free: free pages above the allocator's reserve
 * @other_file: reclaimable file pages
 *
 * As on Android, a row is crossed when both @other_free and @other_file are
 * below its minfree.  Rows are scanned smallest minfree first, so the row
 * found is the most severe one crossed and gives the lowest adj.
 *
 * Return: the row index, or -1 when no row is crossed.
 */
static inline int lmk_find_row(const struct lmk_table *t,
			       unsigned long other_free,
			       unsigned long other_file)
{
	unsigned int rows = lmk_table_rows(t);
	unsigned int i;

	for (i = 0; i < rows; i++) {
		unsigned long minfree = (unsigned long)t->minfree[i];

		if (other_free < minfree && other_file < minfree)
			return (int)i;
	}
	return -1;
}

/**
 * lmk_row_deficit() - pages needed to climb out of a crossed row
 * @t:          table
 * @row:        a row returned by lmk_find_row()
 * @other_free: free pages above the allocator's reserve
 *
 * Return: minfree[@row] - @other_free, or 0 when @row is not crossed.
 */
static inline unsigned long lmk_row_deficit(const struct lmk_table *t, int row,
					    unsigned long other_free)
{
	unsigned long minfree;

	if (row < 0 || (unsigned int)row >= lmk_table_rows(t))
		return 0;
	minfree = (unsigned long)t->minfree[row];
	return other_free < minfree ? minfree - other_free : 0;
}

/**
 * lmk_better_victim() - is candidate (adj, size) a better victim than best?
 * @adj:       candidate's oom_score_adj
 * @size:      candidate's size in pages (RSS, or RSS + swap)
 * @best_adj:  current best's oom_score_adj
 * @best_size: current best's size in pages
 *
 * Priority first: the higher adj wins.  On equal adj the larger process
 * wins, since killing it frees the most.  Exact ties keep the current best,
 * so the walk order (oldest process first) breaks them deterministically.
 *
 * Return: true if the candidate should replace the current best.
 */
static inline bool lmk_better_victim(long adj, unsigned long size,
				     long best_adj, unsigned long best_size)
{
	if (adj != best_adj)
		return adj > best_adj;
	return size > best_size;
}

/**
 * lmk_batch_count() - how many of the best candidates one pass kills
 * @size:    the candidates' sizes in pages, best victim first
 * @nr:      number of candidates
 * @deficit: pages below the crossed row (lmk_row_deficit())
 *
 * The best candidate always dies.  The next ones follow, in order, only
 * while the sizes of those already chosen fall short of the deficit, so a
 * pass kills no more than it takes to climb back above the row.  A size of
 * 0 counts as one page; the sum saturates.
 *
 * Return: the number of candidates to kill; 0 only when @nr is 0.
 */
static inline unsigned int lmk_batch_count(const unsigned long *size,
					   unsigned int nr,
					   unsigned long deficit)
{
	unsigned long sum = 0;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		unsigned long add = size[i] ? size[i] : 1;

		if (i && sum >= deficit)
			break;
		sum = add > ULONG_MAX - sum ? ULONG_MAX : sum + add;
	}
	return i;
}

/**
 * lmk_pass_row() - the row a pass acts on
 * @t:         table
 * @crossed:   the row the memory state crosses (lmk_find_row()), or -1
 * @thrashing: the file cache is thrashing (lmk_thrashing())
 *
 * The crossed row, whatever asked for the pass.  With none crossed,
 * thrashing acts at the top row, the least important processes: it says
 * that memory is short, not by how much.
 *
 * Return: the row, or -1 when the pass has nothing to do.
 */
static inline int lmk_pass_row(const struct lmk_table *t, int crossed,
			       bool thrashing)
{
	unsigned int rows = lmk_table_rows(t);

	if (crossed >= 0)
		return crossed;
	if (thrashing && rows)
		return (int)rows - 1;
	return -1;
}

/**
 * lmk_near_table() - is the memory state near enough for the fast poll?
 * @t:          table
 * @other_free: free pages above the allocator's reserve
 * @other_file: reclaimable file pages
 *
 * A row needs both below its minfree, so either one above twice the top
 * row keeps the poll slow.
 *
 * Return: true when both are within twice the top row's minfree; false
 * for an empty table.
 */
static inline bool lmk_near_table(const struct lmk_table *t,
				  unsigned long other_free,
				  unsigned long other_file)
{
	unsigned int rows = lmk_table_rows(t);
	unsigned long top;

	if (!rows)
		return false;
	top = (unsigned long)t->minfree[rows - 1];
	/* minfree is at most the RAM size: twice it cannot wrap. */
	return other_free <= 2 * top && other_file <= 2 * top;
}

/*
 * Fewer refaults than this in a window are never thrashing: a file LRU of a
 * few pages is refaulted "entirely" by any reader.
 */
#define LMK_THRASH_MIN_REFAULTS	256UL

/**
 * lmk_thrashing() - is the file cache being refaulted faster than it holds?
 * @refaults: file pages refaulted (evicted, then read again) in the window
 * @file_lru: file pages on the LRU lists now
 * @limit:    percent of @file_lru that may be refaulted in one window
 *            (one second); 0 disables the check
 *
 * A refault is a page read back soon after reclaim evicted it: the working
 * set no longer fits beside the anonymous memory.  When a window's
 * refaults reach @limit percent of the whole file LRU, every read waits on
 * I/O and the system stalls while MemAvailable still looks healthy, which
 * no minfree row sees.
 *
 * Return: true when @refaults reach both LMK_THRASH_MIN_REFAULTS and
 * @limit percent of @file_lru.
 */
static inline bool lmk_thrashing(unsigned long refaults, unsigned long file_lru,
				 unsigned int limit)
{
	unsigned long q = file_lru / 100, r = file_lru % 100, need;

	if (!limit || refaults < LMK_THRASH_MIN_REFAULTS)
		return false;
	/* need = ceil(file_lru * limit / 100), saturating */
	if (check_mul_overflow(q, (unsigned long)limit, &need))
		need = ULONG_MAX;
	r = (r * limit + 99) / 100;
	need = need > ULONG_MAX - r ? ULONG_MAX : need + r;
	return refaults >= need;
}

/**
 * lmk_adj_is_legacy() - does an adj list use the old oom_adj scale?
 * @adj: values
 * @nr:  number of values
 *
 * AOSP accepted tables written in the pre-2.6.36 oom_adj units.  A table is
 * taken as legacy when every entry lies in OOM_DISABLE..OOM_ADJUST_MAX
 * (-17..15); checking every entry, not only the last as AOSP did, keeps a
 * table such as "-900,10" from being misread.
 *
 * Return: true if the whole list is in legacy units.
 */
static inline bool lmk_adj_is_legacy(const long *adj, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (adj[i] < LMK_LEGACY_ADJ_MIN || adj[i] > LMK_LEGACY_ADJ_MAX)
			return false;
	return nr > 0;
}

/**
 * lmk_legacy_to_score_adj() - convert one oom_adj value to oom_score_adj
 * @oom_adj: value in -17..15
 *
 * The conversion AOSP used: OOM_ADJUST_MAX (15) maps to OOM_SCORE_ADJ_MAX,
 * everything else scales by 1000/17 (so -17 maps to -1000), truncating
 * toward zero.
 *
 * Return: the oom_score_adj value.
 */
static inline long lmk_legacy_to_score_adj(long oom_adj)
{
	if (oom_adj == LMK_LEGACY_ADJ_MAX)
		return LMK_SCORE_ADJ_MAX;
	return oom_adj * LMK_SCORE_ADJ_MAX / -LMK_LEGACY_ADJ_MIN;
}

/**
 * lmk_parse_list() - parse and validate a comma-separated list of integers
 * @buf: NUL-terminated input, as handed to a kernel_param_ops setter
 * @out: receives the values (LMK_MAX_ROWS entries); written even on error,
 *       so callers parse into a scratch array
 * @nr:  receives the number of values
 * @min: smallest value allowed
 * @max: largest value allowed
 *
 * Accepts "v[,v...]" with an optional sign on each value and one optional
 * trailing newline (what echo appends).  Rejects empty input, empty or
 * non-numeric fields, embedded whitespace, trailing junk, more than
 * LMK_MAX_ROWS values, values outside [@min, @max] (without overflowing on
 * huge numbers) and lists that are not strictly ascending.  Nothing is
 * clamped.
 *
 * Return: LMK_PARSE_OK, or the reason the list was rejected.
 */
static inline enum lmk_parse_error lmk_parse_list(const char *buf, long *out,
						  unsigned int *nr,
						  long min, long max)
{
	const char *p = buf;
	unsigned int n = 0;

	*nr = 0;
	if (!*p || (p[0] == '\n' && !p[1]))
		return LMK_PARSE_EMPTY;

	for (;;) {
		bool neg = false;
		unsigned long mag = 0, lim;
		long val;

		if (*p == '-' || *p == '+')
			neg = *p++ == '-';
		if (*p < '0' || *p > '9')
			return LMK_PARSE_NOT_NUM;

		/* Largest magnitude the range allows, so huge input can't wrap. */
		if (neg)
			lim = min < 0 ? 0UL - (unsigned long)min : 0;
		else
			lim = max > 0 ? (unsigned long)max : 0;
		while (*p >= '0' && *p <= '9') {
			if (mag > lim / 10)
				return LMK_PARSE_RANGE;
			mag = mag * 10 + (unsigned long)(*p++ - '0');
			if (mag > lim)
				return LMK_PARSE_RANGE;
		}

		if (n == LMK_MAX_ROWS)
			return LMK_PARSE_TOO_MANY;
		/* -(mag - 1) - 1 also reaches LONG_MIN without overflow. */
		val = neg && mag ? -(long)(mag - 1) - 1 : (long)mag;
		if (val < min || val > max)
			return LMK_PARSE_RANGE;
		out[n++] = val;

		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\n' && !p[1])
			break;
		if (*p)
			return LMK_PARSE_NOT_NUM;
		break;
	}

	for (*nr = 1; *nr < n; (*nr)++)
		if (out[*nr] <= out[*nr - 1])
			return LMK_PARSE_ORDER;
	*nr = n;
	return LMK_PARSE_OK;
}

/**
 * lmk_parse_adj() - parse an adj list, converting legacy oom_adj units
 * @buf: NUL-terminated input
 * @out: receives LMK_MAX_ROWS values in oom_score_adj units
 * @nr:  receives the number of values
 *
 * Return: as lmk_parse_list().
 */
static inline enum lmk_parse_error lmk_parse_adj(const char *buf, long *out,
						 unsigned int *nr)
{
	enum lmk_parse_error err;
	unsigned int i;

	err = lmk_parse_list(buf, out, nr, LMK_SCORE_ADJ_MIN,
			     LMK_SCORE_ADJ_MAX);
	if (err != LMK_PARSE_OK)
		return err;
	if (lmk_adj_is_legacy(out, *nr))
		for (i = 0; i < *nr; i++)
			out[i] = lmk_legacy_to_score_adj(out[i]);
	return LMK_PARSE_OK;
}

/**
 * lmk_parse_minfree() - parse a minfree list
 * @buf:       NUL-terminated input
 * @out:       receives LMK_MAX_ROWS values in pages
 * @nr:        receives the number of values
 * @max_pages: largest threshold allowed (total RAM in pages)
 *
 * Return: as lmk_parse_list().
 */
static inline enum lmk_parse_error lmk_parse_minfree(const char *buf, long *out,
						     unsigned int *nr,
						     long max_pages)
{
	return lmk_parse_list(buf, out, nr, 1, max_pages);
}

#endif /* _LOWMEMKILLER_H */
