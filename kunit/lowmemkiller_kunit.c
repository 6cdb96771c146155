// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the lowmemkiller policy functions in lowmemkiller.h.
 *
 * The same rules as the host unit tests (selftests/unit/test_policy.c),
 * checked again inside a kernel built with KASAN, lockdep and kmemleak: row
 * lookup at and around its boundaries, victim order with ties, legacy
 * oom_adj conversion, and the parameter parser's accepted and rejected
 * input.  Built as lowmemkiller_kunit.ko against a CONFIG_KUNIT kernel (the
 * debug kernel of scripts/debug-kernel.sh); the results are KTAP in the
 * kernel log and in /sys/kernel/debug/kunit/lowmemkiller/results.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "../lowmemkiller.h"
#include "../selftests/policy_cases.h"

/*
 * Check lmk_find_row() at and around every minfree of @t, which must have
 * strictly ascending minfree values of at least 1.
 */
static void check_row_boundaries(struct kunit *test, const struct lmk_table *t)
{
	unsigned int rows = lmk_table_rows(t);
	unsigned int i;

	for (i = 0; i < rows; i++) {
		unsigned long mf = (unsigned long)t->minfree[i];
		int next = i + 1 < rows ? (int)i + 1 : -1;

		/* One page below on both counters crosses the row. */
		KUNIT_EXPECT_EQ(test, (int)i, lmk_find_row(t, mf - 1, mf - 1));
		KUNIT_EXPECT_EQ(test, (int)i, lmk_find_row(t, 0, mf - 1));
		KUNIT_EXPECT_EQ(test, (int)i, lmk_find_row(t, mf - 1, 0));
		/* Exactly at minfree does not cross it (strict <). */
		KUNIT_EXPECT_EQ(test, next, lmk_find_row(t, mf, mf));
		/* Only one counter below does not cross it either. */
		KUNIT_EXPECT_EQ(test, next, lmk_find_row(t, mf - 1, mf));
		KUNIT_EXPECT_EQ(test, next, lmk_find_row(t, mf, mf - 1));
		KUNIT_EXPECT_EQ(test, next, lmk_find_row(t, 0, mf));
		KUNIT_EXPECT_EQ(test, next, lmk_find_row(t, mf, 0));
	}
}

/* ---- row lookup ---------------------------------------------------- */

static void lmk_row_android_table(struct kunit *test)
{
	struct lmk_table t;

	android_table(&t);
	KUNIT_EXPECT_EQ(test, 4U, lmk_table_rows(&t));
	/* one page below each minfree crosses it, exactly at it does not */
	KUNIT_EXPECT_EQ(test, 0, lmk_find_row(&t, 1535, 1535));
	KUNIT_EXPECT_EQ(test, 1, lmk_find_row(&t, 2047, 2047));
	KUNIT_EXPECT_EQ(test, 2, lmk_find_row(&t, 4095, 4095));
	KUNIT_EXPECT_EQ(test, 3, lmk_find_row(&t, 16383, 16383));
	KUNIT_EXPECT_EQ(test, 1, lmk_find_row(&t, 1536, 1536));
	KUNIT_EXPECT_EQ(test, 2, lmk_find_row(&t, 2048, 2048));
	KUNIT_EXPECT_EQ(test, 3, lmk_find_row(&t, 4096, 4096));
	KUNIT_EXPECT_EQ(test, -1, lmk_find_row(&t, 16384, 16384));
	KUNIT_EXPECT_EQ(test, 0, lmk_find_row(&t, 0, 0));
	KUNIT_EXPECT_EQ(test, -1, lmk_find_row(&t, 100000, 100000));
	KUNIT_EXPECT_EQ(test, -1, lmk_find_row(&t, ULONG_MAX, ULONG_MAX));
	check_row_boundaries(test, &t);
}

static void lmk_row_needs_free_and_file_below(struct kunit *test)
{
	struct lmk_table t;

	android_table(&t);
	/* free below row 0, file only below row 1 */
	KUNIT_EXPECT_EQ(test, 1, lmk_find_row(&t, 0, 1536));
	/* file below row 0, free only below row 2 */
	KUNIT_EXPECT_EQ(test, 2, lmk_find_row(&t, 2048, 0));
	/* one counter below every row, the other above all of them */
	KUNIT_EXPECT_EQ(test, -1, lmk_find_row(&t, 0, 16384));
	KUNIT_EXPECT_EQ(test, -1, lmk_find_row(&t, 16384, 0));
	KUNIT_EXPECT_EQ(test, -1, lmk_find_row(&t, 1535, 16384));
	KUNIT_EXPECT_EQ(test, -1, lmk_find_row(&t, 16384, 1535));
}

static void lmk_row_truncated_tables(struct kunit *test)
{
	struct lmk_table t;

	/* fewer minfree than adj */
	android_table(&t);
	t.nr_minfree = 2;
	KUNIT_EXPECT_EQ(test, 2U, lmk_table_rows(&t));
	KUNIT_EXPECT_EQ(test, 1, lmk_find_row(&t, 2047, 2047));
	KUNIT_EXPECT_EQ(test, -1, lmk_find_row(&t, 2048, 2048));
	KUNIT_EXPECT_EQ(test, -1, lmk_find_row(&t, 4095, 4095));
	check_row_boundaries(test, &t);

	/* fewer adj than minfree */
	android_table(&t);
	t.nr_adj = 3;
	KUNIT_EXPECT_EQ(test, 3U, lmk_table_rows(&t));
	KUNIT_EXPECT_EQ(test, 2, lmk_find_row(&t, 4095, 4095));
	KUNIT_EXPECT_EQ(test, -1, lmk_find_row(&t, 4096, 4096));
	KUNIT_EXPECT_EQ(test, -1, lmk_find_row(&t, 16383, 16383));
	check_row_boundaries(test, &t);

	/* no rows at all */
	t.nr_adj = 0;
	KUNIT_EXPECT_EQ(test, 0U, lmk_table_rows(&t));
	KUNIT_EXPECT_EQ(test, -1, lmk_find_row(&t, 0, 0));
}

static void lmk_row_one_and_six_rows(struct kunit *test)
{
	static const long minfree1[] = { 1024 };
	static const long adj1[] = { 0 };
	static const long minfree6[] = {
		18432, 23040, 27648, 32256, 55296, 80640
	};
	static const long adj6[] = { 0, 100, 200, 300, 900, 906 };
	struct lmk_table t;

	table_init(&t, minfree1, 1, adj1, 1);
	KUNIT_EXPECT_EQ(test, 1U, lmk_table_rows(&t));
	KUNIT_EXPECT_EQ(test, 0, lmk_find_row(&t, 0, 0));
	KUNIT_EXPECT_EQ(test, 0, lmk_find_row(&t, 1023, 1023));
	KUNIT_EXPECT_EQ(test, -1, lmk_find_row(&t, 1024, 1024));
	KUNIT_EXPECT_EQ(test, -1, lmk_find_row(&t, 1023, 1024));
	KUNIT_EXPECT_EQ(test, -1, lmk_find_row(&t, 1024, 1023));
	check_row_boundaries(test, &t);

	table_init(&t, minfree6, 6, adj6, 6);
	KUNIT_EXPECT_EQ(test, 6U, lmk_table_rows(&t));
	KUNIT_EXPECT_EQ(test, 0, lmk_find_row(&t, 0, 0));
	KUNIT_EXPECT_EQ(test, 4, lmk_find_row(&t, 55295, 55295));
	KUNIT_EXPECT_EQ(test, 5, lmk_find_row(&t, 55296, 55296));
	KUNIT_EXPECT_EQ(test, 5, lmk_find_row(&t, 80639, 80639));
	KUNIT_EXPECT_EQ(test, -1, lmk_find_row(&t, 80640, 80640));
	check_row_boundaries(test, &t);
}

/*
 * Not inline, so that sparse does not fold the out-of-range rows below into
 * the array access that lmk_row_deficit() only makes for valid rows.
 */
static unsigned long row_deficit(const struct lmk_table *t, int row,
				 unsigned long other_free)
{
	return lmk_row_deficit(t, row, other_free);
}

static void lmk_row_deficit_test(struct kunit *test)
{
	struct lmk_table t;

	android_table(&t);
	KUNIT_EXPECT_EQ(test, 1536UL, row_deficit(&t, 0, 0));
	KUNIT_EXPECT_EQ(test, 1UL, row_deficit(&t, 0, 1535));
	KUNIT_EXPECT_EQ(test, 48UL, row_deficit(&t, 1, 2000));
	KUNIT_EXPECT_EQ(test, 16384UL, row_deficit(&t, 3, 0));
	/* not below minfree */
	KUNIT_EXPECT_EQ(test, 0UL, row_deficit(&t, 0, 1536));
	KUNIT_EXPECT_EQ(test, 0UL, row_deficit(&t, 3, ULONG_MAX));
	/* no row, or a row out of range */
	KUNIT_EXPECT_EQ(test, 0UL, row_deficit(&t, -1, 0));
	KUNIT_EXPECT_EQ(test, 0UL, row_deficit(&t, INT_MIN, 0));
	KUNIT_EXPECT_EQ(test, 0UL, row_deficit(&t, 4, 0));
	KUNIT_EXPECT_EQ(test, 0UL, row_deficit(&t, LMK_MAX_ROWS, 0));
	KUNIT_EXPECT_EQ(test, 0UL, row_deficit(&t, INT_MAX, 0));
	t.nr_adj = 2;
	KUNIT_EXPECT_EQ(test, 0UL, row_deficit(&t, 2, 0));
	KUNIT_EXPECT_EQ(test, 2048UL, row_deficit(&t, 1, 0));
}

static void lmk_batch_count_test(struct kunit *test)
{
	const unsigned long size[] = { 4096, 2048, 1024, 512 };
	const unsigned long zero[] = { 0, 0, 0 };
	const unsigned long huge[] = { ULONG_MAX - 1, 5, 1 };

	/* the best always dies; the next ones while the deficit is uncovered */
	KUNIT_EXPECT_EQ(test, 1U, lmk_batch_count(size, 4, 0));
	KUNIT_EXPECT_EQ(test, 1U, lmk_batch_count(size, 4, 4096));
	KUNIT_EXPECT_EQ(test, 2U, lmk_batch_count(size, 4, 4097));
	KUNIT_EXPECT_EQ(test, 3U, lmk_batch_count(size, 4, 6145));
	KUNIT_EXPECT_EQ(test, 4U, lmk_batch_count(size, 4, ULONG_MAX));
	KUNIT_EXPECT_EQ(test, 2U, lmk_batch_count(size, 2, ULONG_MAX));
	KUNIT_EXPECT_EQ(test, 0U, lmk_batch_count(size, 0, ULONG_MAX));
	KUNIT_EXPECT_EQ(test, 2U, lmk_batch_count(zero, 3, 2));
	KUNIT_EXPECT_EQ(test, 2U, lmk_batch_count(huge, 3, ULONG_MAX));
}

static void lmk_pass_row_test(struct kunit *test)
{
	struct lmk_table t, empty = { .nr_minfree = 0, .nr_adj = 0 };

	android_table(&t);
	/* the crossed row, whatever asks; thrashing alone: the top row */
	KUNIT_EXPECT_EQ(test, 2, lmk_pass_row(&t, 2, false));
	KUNIT_EXPECT_EQ(test, 2, lmk_pass_row(&t, 2, true));
	KUNIT_EXPECT_EQ(test, 3, lmk_pass_row(&t, -1, true));
	KUNIT_EXPECT_EQ(test, -1, lmk_pass_row(&t, -1, false));
	KUNIT_EXPECT_EQ(test, -1, lmk_pass_row(&empty, -1, true));
	/* near: both free and file within twice the top row */
	KUNIT_EXPECT_TRUE(test, lmk_near_table(&t, 32768, 32768));
	KUNIT_EXPECT_FALSE(test, lmk_near_table(&t, 32769, 0));
	KUNIT_EXPECT_FALSE(test, lmk_near_table(&t, 0, 32769));
	KUNIT_EXPECT_FALSE(test, lmk_near_table(&empty, 0, 0));
}

static void lmk_thrashing_test(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, lmk_thrashing(10000, 10000, 100));
	KUNIT_EXPECT_FALSE(test, lmk_thrashing(9999, 10000, 100));
	KUNIT_EXPECT_TRUE(test, lmk_thrashing(5000, 10000, 50));
	KUNIT_EXPECT_FALSE(test, lmk_thrashing(4999, 10000, 50));
	KUNIT_EXPECT_FALSE(test, lmk_thrashing(ULONG_MAX, 1, 0));
	KUNIT_EXPECT_FALSE(test,
			   lmk_thrashing(LMK_THRASH_MIN_REFAULTS - 1, 0, 1));
	KUNIT_EXPECT_TRUE(test, lmk_thrashing(LMK_THRASH_MIN_REFAULTS, 0, 1));
	KUNIT_EXPECT_TRUE(test, lmk_thrashing(ULONG_MAX, ULONG_MAX, 100));
	KUNIT_EXPECT_FALSE(test, lmk_thrashing(ULONG_MAX / 2, ULONG_MAX, 100));
}

/* ---- victim choice ------------------------------------------------- */

/* Fold lmk_better_victim() over candidates; return the index chosen. */
static int pick_victim(const long *adj, const unsigned long *size,
		       unsigned int nr)
{
	unsigned int i;
	int best = -1;

	for (i = 0; i < nr; i++) {
		if (best < 0 ||
		    lmk_better_victim(adj[i], size[i], adj[best], size[best]))
			best = (int)i;
	}
	return best;
}

static void lmk_victim_pairs(struct kunit *test)
{
	/* the higher adj wins, whatever the sizes */
	KUNIT_EXPECT_TRUE(test, lmk_better_victim(900, 1, 0, 1000000));
	KUNIT_EXPECT_TRUE(test, lmk_better_victim(1, 0, 0, ULONG_MAX));
	KUNIT_EXPECT_FALSE(test, lmk_better_victim(0, 1000000, 900, 1));
	KUNIT_EXPECT_FALSE(test, lmk_better_victim(0, ULONG_MAX, 1, 0));
	/* equal adj: the larger wins */
	KUNIT_EXPECT_TRUE(test, lmk_better_victim(500, 101, 500, 100));
	KUNIT_EXPECT_FALSE(test, lmk_better_victim(500, 100, 500, 101));
	KUNIT_EXPECT_TRUE(test, lmk_better_victim(0, ULONG_MAX, 0,
						  ULONG_MAX - 1));
	/* exact ties keep the current best */
	KUNIT_EXPECT_FALSE(test, lmk_better_victim(500, 100, 500, 100));
	KUNIT_EXPECT_FALSE(test, lmk_better_victim(0, 0, 0, 0));
	KUNIT_EXPECT_FALSE(test, lmk_better_victim(-1000, 7, -1000, 7));
	/* negative adj */
	KUNIT_EXPECT_TRUE(test, lmk_better_victim(-1, 1, -1000, 1000000));
	KUNIT_EXPECT_FALSE(test, lmk_better_victim(-1000, 1000000, -1, 1));
	KUNIT_EXPECT_TRUE(test, lmk_better_victim(0, 1, -1, 1000000));
	KUNIT_EXPECT_TRUE(test, lmk_better_victim(-17, 200, -17, 100));
}

static void lmk_victim_lists(struct kunit *test)
{
	static const long adj_a[] = { 0, 58, 352, 705 };
	static const unsigned long size_a[] = { 100000, 10000, 1000, 1 };
	static const long adj_b[] = { 705, 705, 705, 0 };
	static const unsigned long size_b[] = { 10, 30, 20, 99999 };
	static const long adj_c[] = { 0, 1000, 1000, 0, 1000 };
	static const unsigned long size_c[] = { 9, 5, 5, 9, 5 };
	static const long adj_d[] = { 352, 352, 352, 352 };
	static const unsigned long size_d[] = { 50, 50, 50, 50 };
	static const long adj_e[] = { -1000, -900, -1000, -901 };
	static const unsigned long size_e[] = { 1000000, 1, 1000000, 500 };
	static const long adj_f[] = { 100, 200, 200, 200 };
	static const unsigned long size_f[] = { 9000, 10, 20, 30 };

	/* highest adj */
	KUNIT_EXPECT_EQ(test, 3, pick_victim(adj_a, size_a, 4));
	/* largest of equal adj */
	KUNIT_EXPECT_EQ(test, 1, pick_victim(adj_b, size_b, 4));
	/* first of exact ties */
	KUNIT_EXPECT_EQ(test, 1, pick_victim(adj_c, size_c, 5));
	KUNIT_EXPECT_EQ(test, 0, pick_victim(adj_d, size_d, 4));
	/* negative adj */
	KUNIT_EXPECT_EQ(test, 1, pick_victim(adj_e, size_e, 4));
	/* the last one when it is best */
	KUNIT_EXPECT_EQ(test, 3, pick_victim(adj_f, size_f, 4));
	/* one candidate, none */
	KUNIT_EXPECT_EQ(test, 0, pick_victim(adj_e, size_e, 1));
	KUNIT_EXPECT_EQ(test, -1, pick_victim(adj_e, size_e, 0));
}

/* ---- legacy oom_adj conversion ------------------------------------- */

static void lmk_legacy_conversion(struct kunit *test)
{
	long v;

	KUNIT_EXPECT_EQ(test, 1000L, lmk_legacy_to_score_adj(15));
	KUNIT_EXPECT_EQ(test, -1000L, lmk_legacy_to_score_adj(-17));
	KUNIT_EXPECT_EQ(test, 0L, lmk_legacy_to_score_adj(0));
	KUNIT_EXPECT_EQ(test, 58L, lmk_legacy_to_score_adj(1));
	KUNIT_EXPECT_EQ(test, 352L, lmk_legacy_to_score_adj(6));
	KUNIT_EXPECT_EQ(test, 705L, lmk_legacy_to_score_adj(12));
	KUNIT_EXPECT_EQ(test, -941L, lmk_legacy_to_score_adj(-16));
	KUNIT_EXPECT_EQ(test, 823L, lmk_legacy_to_score_adj(14));

	for (v = LMK_LEGACY_ADJ_MIN; v < LMK_LEGACY_ADJ_MAX; v++) {
		/* truncated toward zero */
		KUNIT_EXPECT_EQ(test, v * 1000 / 17,
				lmk_legacy_to_score_adj(v));
		/* strictly ascending */
		KUNIT_EXPECT_LT(test, lmk_legacy_to_score_adj(v),
				lmk_legacy_to_score_adj(v + 1));
	}
}

static void lmk_legacy_detection(struct kunit *test)
{
	static const long android[] = { 0, 1, 6, 12 };
	static const long limits[] = { -17, 15 };
	static const long over[] = { 0, 16 };
	static const long under[] = { -18, 0 };
	static const long score[] = { 0, 100 };
	static const long mixed[] = { -900, 10 };

	KUNIT_EXPECT_TRUE(test, lmk_adj_is_legacy(android, 4));
	KUNIT_EXPECT_TRUE(test, lmk_adj_is_legacy(limits, 2));
	KUNIT_EXPECT_FALSE(test, lmk_adj_is_legacy(over, 2));
	KUNIT_EXPECT_FALSE(test, lmk_adj_is_legacy(under, 2));
	KUNIT_EXPECT_FALSE(test, lmk_adj_is_legacy(score, 2));
	KUNIT_EXPECT_FALSE(test, lmk_adj_is_legacy(mixed, 2));
	KUNIT_EXPECT_FALSE(test, lmk_adj_is_legacy(android, 0));
}

/* ---- parser: accepted input ---------------------------------------- */

/* Parse @in with @min..@max (or as adj when @adj) and expect @want. */
static void expect_parsed(struct kunit *test, bool adj, const char *in,
			  long min, long max, const long *want,
			  unsigned int nr_want)
{
	enum lmk_parse_error err;
	long out[LMK_MAX_ROWS];
	unsigned int nr, i;

	if (adj)
		err = lmk_parse_adj(in, out, &nr);
	else
		err = lmk_parse_list(in, out, &nr, min, max);
	KUNIT_EXPECT_EQ_MSG(test, (int)LMK_PARSE_OK, (int)err,
			    "input \"%s\"", in);
	KUNIT_EXPECT_EQ_MSG(test, nr_want, nr, "input \"%s\"", in);
	if (err != LMK_PARSE_OK || nr != nr_want)
		return;
	for (i = 0; i < nr_want; i++)
		KUNIT_EXPECT_EQ_MSG(test, want[i], out[i], "input \"%s\"", in);
}

#define EXPECT_PARSED(test, adj, in, min, max, ...) do {		\
	static const long __want[] = { __VA_ARGS__ };			\
									\
	expect_parsed(test, adj, in, min, max, __want,			\
		      ARRAY_SIZE(__want));				\
} while (0)

#define EXPECT_ADJ(test, in, ...) \
	EXPECT_PARSED(test, true, in, 0, 0, __VA_ARGS__)
#define EXPECT_MINFREE(test, in, ...) \
	EXPECT_PARSED(test, false, in, 1, TEST_MAX_PAGES, __VA_ARGS__)
#define EXPECT_LIST(test, in, min, max, ...) \
	EXPECT_PARSED(test, false, in, min, max, __VA_ARGS__)

static void lmk_parse_adj_legacy(struct kunit *test)
{
	EXPECT_ADJ(test, "0,1,6,12\n", 0, 58, 352, 705);
	EXPECT_ADJ(test, "-17,15", -1000, 1000);
	/* not entirely within -17..15: kept as oom_score_adj */
	EXPECT_ADJ(test, "0,100,200", 0, 100, 200);
	EXPECT_ADJ(test, "0,16", 0, 16);
	EXPECT_ADJ(test, "-18,0", -18, 0);
	EXPECT_ADJ(test, "-900,10", -900, 10);
	EXPECT_ADJ(test, "-1000,1000", -1000, 1000);
}

static void lmk_parse_accepts(struct kunit *test)
{
	EXPECT_MINFREE(test, "1", 1);
	EXPECT_MINFREE(test, "1\n", 1);
	EXPECT_MINFREE(test, "1536,2048\n", 1536, 2048);
	EXPECT_MINFREE(test, "1,2,3,4,5,6", 1, 2, 3, 4, 5, 6);
	EXPECT_MINFREE(test, "+5,6", 5, 6);
	EXPECT_MINFREE(test, "1,262144", 1, TEST_MAX_PAGES);
	EXPECT_MINFREE(test, "262144\n", TEST_MAX_PAGES);
	EXPECT_LIST(test, "-1000,1000", -1000, 1000, -1000, 1000);
	EXPECT_LIST(test, "-3,-0,+4", -5, 5, -3, 0, 4);
	EXPECT_LIST(test, "-1000", -1000, 1000, -1000);
	EXPECT_LIST(test, "1000", -1000, 1000, 1000);
	EXPECT_LIST(test, "7", 7, 7, 7);
	EXPECT_LIST(test, "-9223372036854775807,9223372036854775807",
		    LONG_MIN + 1, LONG_MAX, LONG_MIN + 1, LONG_MAX);
}

/* ---- parser: rejected input, and the same input in other ranges ----- */

static void parse_case_desc(const struct parse_case *c, char *desc)
{
	char *p = desc;
	const char *s;

	/* KTAP names are one line: show control characters escaped. */
	for (s = c->in; *s && p < desc + KUNIT_PARAM_DESC_SIZE - 3; s++) {
		if (*s == '\n') {
			*p++ = '\\';
			*p++ = 'n';
		} else if (*s == '\t') {
			*p++ = '\\';
			*p++ = 't';
		} else if (*s == '\r') {
			*p++ = '\\';
			*p++ = 'r';
		} else {
			*p++ = *s;
		}
	}
	*p = '\0';
	if (p == desc)
		strscpy(desc, "(empty)", KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(parse_cases, parse_cases, parse_case_desc);

static void expect_parse_code(struct kunit *test, const char *what,
			      const char *in, enum lmk_parse_error want,
			      enum lmk_parse_error got)
{
	if (want == ANY_ERROR)
		KUNIT_EXPECT_NE_MSG(test, (int)LMK_PARSE_OK, (int)got,
				    "%s accepted \"%s\"", what, in);
	else
		KUNIT_EXPECT_EQ_MSG(test, (int)want, (int)got,
				    "%s input \"%s\"", what, in);
}

static void lmk_parse_codes(struct kunit *test)
{
	const struct parse_case *c = test->param_value;
	long out[LMK_MAX_ROWS];
	unsigned int nr;

	expect_parse_code(test, "adj", c->in, c->adj,
			  lmk_parse_adj(c->in, out, &nr));
	expect_parse_code(test, "minfree", c->in, c->minfree,
			  lmk_parse_minfree(c->in, out, &nr, TEST_MAX_PAGES));
	expect_parse_code(test, "long", c->in, c->full,
			  lmk_parse_list(c->in, out, &nr, LONG_MIN + 1,
					 LONG_MAX));
}

/* ---- parser: pseudo-random fuzz ------------------------------------ */

#define FUZZ_ITERATIONS	20000

static void lmk_parse_fuzz(struct kunit *test)
{
	unsigned long long state = 0x9e3779b97f4a7c15ULL;
	unsigned int adj_ok = 0, minfree_ok = 0, iter;
	char buf[FUZZ_MAX_LEN + 1];
	const char *why;
	bool ok;

	for (iter = 0; iter < FUZZ_ITERATIONS; iter++) {
		fuzz_string(&state, buf);

		why = fuzz_check(buf, LMK_SCORE_ADJ_MIN, LMK_SCORE_ADJ_MAX,
				 &ok);
		KUNIT_ASSERT_NULL_MSG(test, why, "adj input \"%s\": %s",
				      buf, why);
		adj_ok += ok;
		why = fuzz_check(buf, 1, TEST_MAX_PAGES, &ok);
		KUNIT_ASSERT_NULL_MSG(test, why, "minfree input \"%s\": %s",
				      buf, why);
		minfree_ok += ok;
	}
	/* The fuzz must exercise the accepting path too. */
	KUNIT_EXPECT_GT(test, adj_ok, 0U);
	KUNIT_EXPECT_GT(test, minfree_ok, 0U);
	kunit_info(test, "accepted %u adj and %u minfree lists out of %u\n",
		   adj_ok, minfree_ok, FUZZ_ITERATIONS);
}

static struct kunit_case lowmemkiller_test_cases[] = {
	KUNIT_CASE(lmk_row_android_table),
	KUNIT_CASE(lmk_row_needs_free_and_file_below),
	KUNIT_CASE(lmk_row_truncated_tables),
	KUNIT_CASE(lmk_row_one_and_six_rows),
	KUNIT_CASE(lmk_row_deficit_test),
	KUNIT_CASE(lmk_batch_count_test),
	KUNIT_CASE(lmk_pass_row_test),
	KUNIT_CASE(lmk_thrashing_test),
	KUNIT_CASE(lmk_victim_pairs),
	KUNIT_CASE(lmk_victim_lists),
	KUNIT_CASE(lmk_legacy_conversion),
	KUNIT_CASE(lmk_legacy_detection),
	KUNIT_CASE(lmk_parse_adj_legacy),
	KUNIT_CASE(lmk_parse_accepts),
	KUNIT_CASE_PARAM(lmk_parse_codes, parse_cases_gen_params),
	KUNIT_CASE(lmk_parse_fuzz),
	{}
};

static struct kunit_suite lowmemkiller_test_suite = {
	.name = "lowmemkiller",
	.test_cases = lowmemkiller_test_cases,
};

kunit_test_suite(lowmemkiller_test_suite);

MODULE_DESCRIPTION("KUnit tests for the lowmemkiller policy");
MODULE_LICENSE("GPL");
