// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for the lowmemkiller policy functions in lowmemkiller.h.
 *
 * Build and run with "make -C selftests/unit run"; the output is KTAP.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

/*
 * The 6.12 harness leaves parameters unused in __timeout_handler() and in
 * the wrapper that every TEST() expands to, which -Wextra reports.
 */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include "kselftest_harness.h"
#include "lowmemkiller.h"
#include "selftests/policy_cases.h"

/* Compare parse results as int: the enum is unsigned, its constants are not. */
#define ASSERT_PARSE(code, expr)	ASSERT_EQ((int)(code), (int)(expr))
#define EXPECT_PARSE(code, expr)	EXPECT_EQ((int)(code), (int)(expr))

/*
 * Check lmk_find_row() at and around every minfree of @t, which must have
 * strictly ascending minfree values of at least 1.
 */
static void check_row_boundaries(struct __test_metadata *_metadata,
				 const struct lmk_table *t)
{
	unsigned int rows = lmk_table_rows(t);
	unsigned int i;

	for (i = 0; i < rows; i++) {
		unsigned long mf = (unsigned long)t->minfree[i];
		int next = i + 1 < rows ? (int)i + 1 : -1;

		/* One page below on both counters crosses the row. */
		EXPECT_EQ((int)i, lmk_find_row(t, mf - 1, mf - 1));
		EXPECT_EQ((int)i, lmk_find_row(t, 0, mf - 1));
		EXPECT_EQ((int)i, lmk_find_row(t, mf - 1, 0));
		/* Exactly at minfree does not cross it (strict <). */
		EXPECT_EQ(next, lmk_find_row(t, mf, mf));
		/* Only one counter below does not cross it either. */
		EXPECT_EQ(next, lmk_find_row(t, mf - 1, mf));
		EXPECT_EQ(next, lmk_find_row(t, mf, mf - 1));
		EXPECT_EQ(next, lmk_find_row(t, 0, mf));
		EXPECT_EQ(next, lmk_find_row(t, mf, 0));
	}
}

/*
 * Tests on this fixture use EXPECT_*() only and stay small: the 6.12
 * TEST_F() wrapper keeps a local across setjmp(), and gcc's -Wclobbered
 * fires when a large test body is inlined into it.  Heavier table checks
 * are plain TEST()s below.
 */
FIXTURE(android) {
	struct lmk_table t;
};

FIXTURE_SETUP(android)
{
	android_table(&self->t);
}

FIXTURE_TEARDOWN(android)
{
}

/* ---- row lookup ---------------------------------------------------- */

TEST_F(android, table_rows_is_four)
{
	EXPECT_EQ(4U, lmk_table_rows(&self->t));
}

TEST_F(android, row_crossed_one_page_below_each_minfree)
{
	EXPECT_EQ(0, lmk_find_row(&self->t, 1535, 1535));
	EXPECT_EQ(1, lmk_find_row(&self->t, 2047, 2047));
	EXPECT_EQ(2, lmk_find_row(&self->t, 4095, 4095));
	EXPECT_EQ(3, lmk_find_row(&self->t, 16383, 16383));
}

TEST_F(android, row_not_crossed_exactly_at_minfree)
{
	EXPECT_EQ(1, lmk_find_row(&self->t, 1536, 1536));
	EXPECT_EQ(2, lmk_find_row(&self->t, 2048, 2048));
	EXPECT_EQ(3, lmk_find_row(&self->t, 4096, 4096));
	EXPECT_EQ(-1, lmk_find_row(&self->t, 16384, 16384));
}

TEST_F(android, row_needs_both_free_and_file_below)
{
	/* free below row 0, file only below row 1 */
	EXPECT_EQ(1, lmk_find_row(&self->t, 0, 1536));
	/* file below row 0, free only below row 2 */
	EXPECT_EQ(2, lmk_find_row(&self->t, 2048, 0));
	/* one counter below every row, the other above all of them */
	EXPECT_EQ(-1, lmk_find_row(&self->t, 0, 16384));
	EXPECT_EQ(-1, lmk_find_row(&self->t, 16384, 0));
	EXPECT_EQ(-1, lmk_find_row(&self->t, 1535, 16384));
	EXPECT_EQ(-1, lmk_find_row(&self->t, 16384, 1535));
}

TEST_F(android, row_above_all_rows_is_none)
{
	EXPECT_EQ(-1, lmk_find_row(&self->t, 16384, 16384));
	EXPECT_EQ(-1, lmk_find_row(&self->t, 100000, 100000));
	EXPECT_EQ(-1, lmk_find_row(&self->t, ULONG_MAX, ULONG_MAX));
}

TEST_F(android, row_zero_memory_is_row_zero)
{
	EXPECT_EQ(0, lmk_find_row(&self->t, 0, 0));
}

TEST_F(android, row_uses_fewer_minfree_than_adj)
{
	self->t.nr_minfree = 2;
	EXPECT_EQ(2U, lmk_table_rows(&self->t));
	EXPECT_EQ(1, lmk_find_row(&self->t, 2047, 2047));
	EXPECT_EQ(-1, lmk_find_row(&self->t, 2048, 2048));
	EXPECT_EQ(-1, lmk_find_row(&self->t, 4095, 4095));
}

TEST_F(android, row_uses_fewer_adj_than_minfree)
{
	self->t.nr_adj = 3;
	EXPECT_EQ(3U, lmk_table_rows(&self->t));
	EXPECT_EQ(2, lmk_find_row(&self->t, 4095, 4095));
	EXPECT_EQ(-1, lmk_find_row(&self->t, 4096, 4096));
	EXPECT_EQ(-1, lmk_find_row(&self->t, 16383, 16383));
}

TEST_F(android, row_empty_table_is_none)
{
	self->t.nr_adj = 0;
	EXPECT_EQ(0U, lmk_table_rows(&self->t));
	EXPECT_EQ(-1, lmk_find_row(&self->t, 0, 0));
}

TEST(row_boundaries_android_table)
{
	struct lmk_table t;

	table_init(&t, android_minfree, ARRAY_SIZE(android_minfree),
		   android_adj, ARRAY_SIZE(android_adj));
	check_row_boundaries(_metadata, &t);
}

TEST(row_boundaries_truncated_table)
{
	struct lmk_table t;

	table_init(&t, android_minfree, ARRAY_SIZE(android_minfree),
		   android_adj, 3);
	check_row_boundaries(_metadata, &t);
	t.nr_adj = 4;
	t.nr_minfree = 2;
	check_row_boundaries(_metadata, &t);
}

TEST(row_single_row_table)
{
	static const long minfree[] = { 1024 };
	static const long adj[] = { 0 };
	struct lmk_table t;

	table_init(&t, minfree, 1, adj, 1);
	EXPECT_EQ(1U, lmk_table_rows(&t));
	EXPECT_EQ(0, lmk_find_row(&t, 0, 0));
	EXPECT_EQ(0, lmk_find_row(&t, 1023, 1023));
	EXPECT_EQ(-1, lmk_find_row(&t, 1024, 1024));
	EXPECT_EQ(-1, lmk_find_row(&t, 1023, 1024));
	EXPECT_EQ(-1, lmk_find_row(&t, 1024, 1023));
	check_row_boundaries(_metadata, &t);
}

TEST(row_six_row_table)
{
	static const long minfree[] = {
		18432, 23040, 27648, 32256, 55296, 80640
	};
	static const long adj[] = { 0, 100, 200, 300, 900, 906 };
	struct lmk_table t;

	table_init(&t, minfree, 6, adj, 6);
	EXPECT_EQ(6U, lmk_table_rows(&t));
	EXPECT_EQ(0, lmk_find_row(&t, 0, 0));
	EXPECT_EQ(4, lmk_find_row(&t, 55295, 55295));
	EXPECT_EQ(5, lmk_find_row(&t, 55296, 55296));
	EXPECT_EQ(5, lmk_find_row(&t, 80639, 80639));
	EXPECT_EQ(-1, lmk_find_row(&t, 80640, 80640));
	check_row_boundaries(_metadata, &t);
}

/* ---- row deficit --------------------------------------------------- */

TEST_F(android, deficit_of_crossed_rows)
{
	EXPECT_EQ(1536UL, lmk_row_deficit(&self->t, 0, 0));
	EXPECT_EQ(1UL, lmk_row_deficit(&self->t, 0, 1535));
	EXPECT_EQ(48UL, lmk_row_deficit(&self->t, 1, 2000));
	EXPECT_EQ(96UL, lmk_row_deficit(&self->t, 2, 4000));
	EXPECT_EQ(16384UL, lmk_row_deficit(&self->t, 3, 0));
	EXPECT_EQ(1UL, lmk_row_deficit(&self->t, 3, 16383));
}

TEST_F(android, deficit_zero_when_not_below_minfree)
{
	EXPECT_EQ(0UL, lmk_row_deficit(&self->t, 0, 1536));
	EXPECT_EQ(0UL, lmk_row_deficit(&self->t, 1, 5000));
	EXPECT_EQ(0UL, lmk_row_deficit(&self->t, 3, 16384));
	EXPECT_EQ(0UL, lmk_row_deficit(&self->t, 3, ULONG_MAX));
}

TEST_F(android, deficit_zero_for_no_row)
{
	EXPECT_EQ(0UL, lmk_row_deficit(&self->t, -1, 0));
	EXPECT_EQ(0UL, lmk_row_deficit(&self->t, INT_MIN, 0));
}

TEST_F(android, deficit_zero_for_row_out_of_range)
{
	EXPECT_EQ(0UL, lmk_row_deficit(&self->t, 4, 0));
	EXPECT_EQ(0UL, lmk_row_deficit(&self->t, LMK_MAX_ROWS, 0));
	EXPECT_EQ(0UL, lmk_row_deficit(&self->t, INT_MAX, 0));
	/* a row past min(nr_minfree, nr_adj) is out of range too */
	self->t.nr_adj = 2;
	EXPECT_EQ(0UL, lmk_row_deficit(&self->t, 2, 0));
	EXPECT_EQ(2048UL, lmk_row_deficit(&self->t, 1, 0));
}

/* ---- victims per pass ---------------------------------------------- */

TEST(batch_one_victim_when_it_covers_the_deficit)
{
	const unsigned long size[] = { 4096, 2048, 1024 };

	EXPECT_EQ(1U, lmk_batch_count(size, 3, 4096));
	EXPECT_EQ(1U, lmk_batch_count(size, 3, 1));
	/* the best candidate always dies, even with no deficit left */
	EXPECT_EQ(1U, lmk_batch_count(size, 3, 0));
}

TEST(batch_adds_victims_until_the_deficit_is_covered)
{
	const unsigned long size[] = { 4096, 2048, 1024, 512 };

	EXPECT_EQ(2U, lmk_batch_count(size, 4, 4097));
	EXPECT_EQ(2U, lmk_batch_count(size, 4, 6144));
	EXPECT_EQ(3U, lmk_batch_count(size, 4, 6145));
	EXPECT_EQ(4U, lmk_batch_count(size, 4, 7169));
}

TEST(batch_never_exceeds_the_candidates)
{
	const unsigned long size[] = { 16, 16, 16 };

	EXPECT_EQ(3U, lmk_batch_count(size, 3, ULONG_MAX));
	EXPECT_EQ(2U, lmk_batch_count(size, 2, ULONG_MAX));
	EXPECT_EQ(0U, lmk_batch_count(size, 0, ULONG_MAX));
	EXPECT_EQ(0U, lmk_batch_count(NULL, 0, 0));
}

TEST(batch_zero_size_counts_as_one_page)
{
	const unsigned long size[] = { 0, 0, 0, 0 };

	EXPECT_EQ(2U, lmk_batch_count(size, 4, 2));
	EXPECT_EQ(4U, lmk_batch_count(size, 4, 100));
}

TEST(batch_sum_does_not_wrap)
{
	const unsigned long size[] = { ULONG_MAX, ULONG_MAX, 1 };
	const unsigned long near[] = { ULONG_MAX - 1, 5, 1 };

	EXPECT_EQ(1U, lmk_batch_count(size, 3, ULONG_MAX));
	EXPECT_EQ(2U, lmk_batch_count(near, 3, ULONG_MAX));
}

/* ---- the pass's row and the poll's pace --------------------------- */

TEST_F(android, pass_row_is_the_crossed_row_whatever_asks)
{
	EXPECT_EQ(2, lmk_pass_row(&self->t, 2, false));
	EXPECT_EQ(2, lmk_pass_row(&self->t, 2, true));
	EXPECT_EQ(0, lmk_pass_row(&self->t, 0, true));
}

TEST_F(android, pass_row_for_thrashing_alone_is_the_top_row)
{
	EXPECT_EQ(3, lmk_pass_row(&self->t, -1, true));
}

TEST_F(android, pass_row_none_without_a_crossing_or_thrashing)
{
	EXPECT_EQ(-1, lmk_pass_row(&self->t, -1, false));
}

TEST(pass_row_none_for_an_empty_table)
{
	struct lmk_table t = { .nr_minfree = 0, .nr_adj = 0 };

	EXPECT_EQ(-1, lmk_pass_row(&t, -1, true));
	EXPECT_EQ(-1, lmk_pass_row(&t, -1, false));
}

TEST_F(android, near_table_within_twice_the_top_row)
{
	/* the top row is 16384 pages */
	EXPECT_TRUE(lmk_near_table(&self->t, 32768, 32768));
	EXPECT_TRUE(lmk_near_table(&self->t, 0, 0));
	EXPECT_TRUE(lmk_near_table(&self->t, 16384, 100));
}

TEST_F(android, near_table_needs_both_free_and_file_near)
{
	EXPECT_FALSE(lmk_near_table(&self->t, 32769, 0));
	EXPECT_FALSE(lmk_near_table(&self->t, 0, 32769));
	EXPECT_FALSE(lmk_near_table(&self->t, ULONG_MAX, ULONG_MAX));
}

TEST(near_table_never_for_an_empty_table)
{
	struct lmk_table t = { .nr_minfree = 0, .nr_adj = 0 };

	EXPECT_FALSE(lmk_near_table(&t, 0, 0));
}

/* ---- thrashing ------------------------------------------------------ */

TEST(thrashing_at_the_limit_percent_of_the_file_lru)
{
	/* 100 %: the whole LRU refaulted within the window */
	EXPECT_TRUE(lmk_thrashing(10000, 10000, 100));
	EXPECT_FALSE(lmk_thrashing(9999, 10000, 100));
	EXPECT_TRUE(lmk_thrashing(5000, 10000, 50));
	EXPECT_FALSE(lmk_thrashing(4999, 10000, 50));
	/* above 100 %: more refaults than the LRU holds */
	EXPECT_TRUE(lmk_thrashing(30000, 10000, 300));
	EXPECT_FALSE(lmk_thrashing(29999, 10000, 300));
}

TEST(thrashing_off_with_limit_zero)
{
	EXPECT_FALSE(lmk_thrashing(ULONG_MAX, 1, 0));
	EXPECT_FALSE(lmk_thrashing(100000, 0, 0));
}

TEST(thrashing_needs_a_minimum_of_refaults)
{
	EXPECT_FALSE(lmk_thrashing(LMK_THRASH_MIN_REFAULTS - 1, 0, 1));
	EXPECT_TRUE(lmk_thrashing(LMK_THRASH_MIN_REFAULTS, 0, 1));
	EXPECT_TRUE(lmk_thrashing(LMK_THRASH_MIN_REFAULTS, 256, 100));
}

TEST(thrashing_does_not_overflow)
{
	EXPECT_TRUE(lmk_thrashing(ULONG_MAX, ULONG_MAX, 100));
	EXPECT_FALSE(lmk_thrashing(ULONG_MAX / 2, ULONG_MAX, 100));
	EXPECT_FALSE(lmk_thrashing(1UL << 40, ULONG_MAX, 1000));
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

TEST(victim_higher_adj_wins_regardless_of_size)
{
	EXPECT_TRUE(lmk_better_victim(900, 1, 0, 1000000));
	EXPECT_TRUE(lmk_better_victim(1, 0, 0, ULONG_MAX));
	EXPECT_FALSE(lmk_better_victim(0, 1000000, 900, 1));
	EXPECT_FALSE(lmk_better_victim(0, ULONG_MAX, 1, 0));
}

TEST(victim_equal_adj_larger_size_wins)
{
	EXPECT_TRUE(lmk_better_victim(500, 101, 500, 100));
	EXPECT_FALSE(lmk_better_victim(500, 100, 500, 101));
	EXPECT_TRUE(lmk_better_victim(0, ULONG_MAX, 0, ULONG_MAX - 1));
}

TEST(victim_exact_tie_keeps_current_best)
{
	EXPECT_FALSE(lmk_better_victim(500, 100, 500, 100));
	EXPECT_FALSE(lmk_better_victim(0, 0, 0, 0));
	EXPECT_FALSE(lmk_better_victim(-1000, 7, -1000, 7));
}

TEST(victim_negative_adj)
{
	EXPECT_TRUE(lmk_better_victim(-1, 1, -1000, 1000000));
	EXPECT_FALSE(lmk_better_victim(-1000, 1000000, -1, 1));
	EXPECT_TRUE(lmk_better_victim(0, 1, -1, 1000000));
	EXPECT_TRUE(lmk_better_victim(-17, 200, -17, 100));
}

TEST(victim_pick_highest_adj_from_list)
{
	static const long adj[] = { 0, 58, 352, 705 };
	static const unsigned long size[] = { 100000, 10000, 1000, 1 };

	EXPECT_EQ(3, pick_victim(adj, size, ARRAY_SIZE(adj)));
}

TEST(victim_pick_largest_of_equal_adj_from_list)
{
	static const long adj[] = { 705, 705, 705, 0 };
	static const unsigned long size[] = { 10, 30, 20, 99999 };

	EXPECT_EQ(1, pick_victim(adj, size, ARRAY_SIZE(adj)));
}

TEST(victim_pick_first_of_ties_from_list)
{
	static const long adj[] = { 0, 1000, 1000, 0, 1000 };
	static const unsigned long size[] = { 9, 5, 5, 9, 5 };

	EXPECT_EQ(1, pick_victim(adj, size, ARRAY_SIZE(adj)));
}

TEST(victim_pick_all_equal_keeps_first)
{
	static const long adj[] = { 352, 352, 352, 352 };
	static const unsigned long size[] = { 50, 50, 50, 50 };

	EXPECT_EQ(0, pick_victim(adj, size, ARRAY_SIZE(adj)));
}

TEST(victim_pick_negative_adj_from_list)
{
	static const long adj[] = { -1000, -900, -1000, -901 };
	static const unsigned long size[] = { 1000000, 1, 1000000, 500 };

	EXPECT_EQ(1, pick_victim(adj, size, ARRAY_SIZE(adj)));
}

TEST(victim_pick_last_when_it_is_best)
{
	static const long adj[] = { 100, 200, 200, 200 };
	static const unsigned long size[] = { 9000, 10, 20, 30 };

	EXPECT_EQ(3, pick_victim(adj, size, ARRAY_SIZE(adj)));
}

TEST(victim_pick_single_candidate)
{
	static const long adj[] = { -1000 };
	static const unsigned long size[] = { 0 };

	EXPECT_EQ(0, pick_victim(adj, size, ARRAY_SIZE(adj)));
	EXPECT_EQ(-1, pick_victim(adj, size, 0));
}

/* ---- legacy oom_adj conversion ------------------------------------- */

TEST(legacy_known_values)
{
	EXPECT_EQ(1000L, lmk_legacy_to_score_adj(15));
	EXPECT_EQ(-1000L, lmk_legacy_to_score_adj(-17));
	EXPECT_EQ(0L, lmk_legacy_to_score_adj(0));
	EXPECT_EQ(58L, lmk_legacy_to_score_adj(1));
	EXPECT_EQ(352L, lmk_legacy_to_score_adj(6));
	EXPECT_EQ(705L, lmk_legacy_to_score_adj(12));
	EXPECT_EQ(-941L, lmk_legacy_to_score_adj(-16));
	EXPECT_EQ(823L, lmk_legacy_to_score_adj(14));
}

TEST(legacy_truncates_toward_zero)
{
	long v;

	for (v = LMK_LEGACY_ADJ_MIN; v < LMK_LEGACY_ADJ_MAX; v++)
		EXPECT_EQ(v * 1000 / 17, lmk_legacy_to_score_adj(v));
	EXPECT_EQ(-941L, -16 * 1000 / 17);
	EXPECT_EQ(823L, 14 * 1000 / 17);
}

TEST(legacy_conversion_strictly_ascending)
{
	long v;

	for (v = LMK_LEGACY_ADJ_MIN; v < LMK_LEGACY_ADJ_MAX; v++)
		EXPECT_LT(lmk_legacy_to_score_adj(v),
			  lmk_legacy_to_score_adj(v + 1));
}

TEST(legacy_detected_when_all_in_range)
{
	static const long android[] = { 0, 1, 6, 12 };
	static const long limits[] = { -17, 15 };

	EXPECT_TRUE(lmk_adj_is_legacy(android, ARRAY_SIZE(android)));
	EXPECT_TRUE(lmk_adj_is_legacy(limits, ARRAY_SIZE(limits)));
}

TEST(legacy_not_detected_when_any_out_of_range)
{
	static const long over[] = { 0, 16 };
	static const long under[] = { -18, 0 };
	static const long score[] = { 0, 100 };
	static const long mixed[] = { -900, 10 };

	EXPECT_FALSE(lmk_adj_is_legacy(over, ARRAY_SIZE(over)));
	EXPECT_FALSE(lmk_adj_is_legacy(under, ARRAY_SIZE(under)));
	EXPECT_FALSE(lmk_adj_is_legacy(score, ARRAY_SIZE(score)));
	EXPECT_FALSE(lmk_adj_is_legacy(mixed, ARRAY_SIZE(mixed)));
}

TEST(legacy_not_detected_for_empty_list)
{
	static const long adj[] = { 0 };

	EXPECT_FALSE(lmk_adj_is_legacy(adj, 0));
}

/* ---- parser: accepted input ---------------------------------------- */

static void check_list(struct __test_metadata *_metadata,
		       const long *got, unsigned int nr_got,
		       const long *want, unsigned int nr_want)
{
	unsigned int i;

	ASSERT_EQ(nr_want, nr_got);
	for (i = 0; i < nr_want; i++)
		EXPECT_EQ(want[i], got[i]);
}

#define EXPECT_LIST(got, nr, ...) do {					\
	static const long __want[] = { __VA_ARGS__ };			\
	check_list(_metadata, got, nr, __want, ARRAY_SIZE(__want));	\
} while (0)

static enum lmk_parse_error parse_minfree(const char *buf, long *out,
					  unsigned int *nr)
{
	return lmk_parse_minfree(buf, out, nr, TEST_MAX_PAGES);
}

TEST(parse_adj_converts_legacy_table)
{
	long out[LMK_MAX_ROWS];
	unsigned int nr;

	ASSERT_PARSE(LMK_PARSE_OK, lmk_parse_adj("0,1,6,12\n", out, &nr));
	EXPECT_LIST(out, nr, 0, 58, 352, 705);
}

TEST(parse_adj_converts_legacy_limits)
{
	long out[LMK_MAX_ROWS];
	unsigned int nr;

	ASSERT_PARSE(LMK_PARSE_OK, lmk_parse_adj("-17,15", out, &nr));
	EXPECT_LIST(out, nr, -1000, 1000);
}

TEST(parse_adj_keeps_score_adj_table)
{
	long out[LMK_MAX_ROWS];
	unsigned int nr;

	ASSERT_PARSE(LMK_PARSE_OK, lmk_parse_adj("0,100,200", out, &nr));
	EXPECT_LIST(out, nr, 0, 100, 200);
	ASSERT_PARSE(LMK_PARSE_OK, lmk_parse_adj("0,16", out, &nr));
	EXPECT_LIST(out, nr, 0, 16);
	ASSERT_PARSE(LMK_PARSE_OK, lmk_parse_adj("-18,0", out, &nr));
	EXPECT_LIST(out, nr, -18, 0);
	ASSERT_PARSE(LMK_PARSE_OK, lmk_parse_adj("-900,10", out, &nr));
	EXPECT_LIST(out, nr, -900, 10);
	ASSERT_PARSE(LMK_PARSE_OK, lmk_parse_adj("-1000,1000", out, &nr));
	EXPECT_LIST(out, nr, -1000, 1000);
}

TEST(parse_accepts_single_value)
{
	long out[LMK_MAX_ROWS];
	unsigned int nr;

	ASSERT_PARSE(LMK_PARSE_OK, parse_minfree("1", out, &nr));
	EXPECT_LIST(out, nr, 1);
}

TEST(parse_accepts_one_trailing_newline)
{
	long out[LMK_MAX_ROWS];
	unsigned int nr;

	ASSERT_PARSE(LMK_PARSE_OK, parse_minfree("1\n", out, &nr));
	EXPECT_LIST(out, nr, 1);
	ASSERT_PARSE(LMK_PARSE_OK, parse_minfree("1536,2048\n", out, &nr));
	EXPECT_LIST(out, nr, 1536, 2048);
}

TEST(parse_accepts_six_values)
{
	long out[LMK_MAX_ROWS];
	unsigned int nr;

	ASSERT_PARSE(LMK_PARSE_OK, parse_minfree("1,2,3,4,5,6", out, &nr));
	EXPECT_LIST(out, nr, 1, 2, 3, 4, 5, 6);
}

TEST(parse_accepts_signs)
{
	long out[LMK_MAX_ROWS];
	unsigned int nr;

	ASSERT_PARSE(LMK_PARSE_OK, parse_minfree("+5,6", out, &nr));
	EXPECT_LIST(out, nr, 5, 6);
	ASSERT_PARSE(LMK_PARSE_OK,
		     lmk_parse_list("-1000,1000", out, &nr, -1000, 1000));
	EXPECT_LIST(out, nr, -1000, 1000);
	ASSERT_PARSE(LMK_PARSE_OK,
		     lmk_parse_list("-3,-0,+4", out, &nr, -5, 5));
	EXPECT_LIST(out, nr, -3, 0, 4);
}

TEST(parse_accepts_exact_limits)
{
	long out[LMK_MAX_ROWS];
	unsigned int nr;

	ASSERT_PARSE(LMK_PARSE_OK, parse_minfree("1,262144", out, &nr));
	EXPECT_LIST(out, nr, 1, TEST_MAX_PAGES);
	ASSERT_PARSE(LMK_PARSE_OK, parse_minfree("262144\n", out, &nr));
	EXPECT_LIST(out, nr, TEST_MAX_PAGES);
	ASSERT_PARSE(LMK_PARSE_OK,
		     lmk_parse_list("-1000", out, &nr, -1000, 1000));
	EXPECT_LIST(out, nr, -1000);
	ASSERT_PARSE(LMK_PARSE_OK,
		     lmk_parse_list("1000", out, &nr, -1000, 1000));
	EXPECT_LIST(out, nr, 1000);
	ASSERT_PARSE(LMK_PARSE_OK, lmk_parse_list("7", out, &nr, 7, 7));
	EXPECT_LIST(out, nr, 7);
}

TEST(parse_accepts_full_long_range)
{
	long out[LMK_MAX_ROWS];
	unsigned int nr;

	ASSERT_PARSE(LMK_PARSE_OK,
		     lmk_parse_list("-9223372036854775807,9223372036854775807",
				    out, &nr, LONG_MIN + 1, LONG_MAX));
	EXPECT_LIST(out, nr, LONG_MIN + 1, LONG_MAX);
}

/* ---- parser: rejected input ---------------------------------------- */

static void expect_adj_err(struct __test_metadata *_metadata,
			   enum lmk_parse_error code, const char *buf)
{
	long out[LMK_MAX_ROWS];
	unsigned int nr;

	EXPECT_PARSE(code, lmk_parse_adj(buf, out, &nr))
		TH_LOG("adj input \"%s\"", buf);
}

static void expect_minfree_err(struct __test_metadata *_metadata,
			       enum lmk_parse_error code, const char *buf)
{
	long out[LMK_MAX_ROWS];
	unsigned int nr;

	EXPECT_PARSE(code, parse_minfree(buf, out, &nr))
		TH_LOG("minfree input \"%s\"", buf);
}

static void expect_long_err(struct __test_metadata *_metadata,
			    enum lmk_parse_error code, const char *buf)
{
	long out[LMK_MAX_ROWS];
	unsigned int nr;

	EXPECT_PARSE(code, lmk_parse_list(buf, out, &nr,
					  LONG_MIN + 1, LONG_MAX))
		TH_LOG("input \"%s\"", buf);
}

static void expect_both_err(struct __test_metadata *_metadata,
			    enum lmk_parse_error code, const char *buf)
{
	expect_adj_err(_metadata, code, buf);
	expect_minfree_err(_metadata, code, buf);
}

#define EXPECT_ADJ_ERR(code, buf)	expect_adj_err(_metadata, code, buf)
#define EXPECT_MINFREE_ERR(code, buf)	expect_minfree_err(_metadata, code, buf)
#define EXPECT_LONG_ERR(code, buf)	expect_long_err(_metadata, code, buf)
#define EXPECT_BOTH_ERR(code, buf)	expect_both_err(_metadata, code, buf)

TEST(parse_rejects_empty)
{
	EXPECT_BOTH_ERR(LMK_PARSE_EMPTY, "");
	EXPECT_BOTH_ERR(LMK_PARSE_EMPTY, "\n");
}

TEST(parse_rejects_non_numbers)
{
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "abc");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "1.5");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "1e3");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "1-2");
	EXPECT_ADJ_ERR(LMK_PARSE_NOT_NUM, "0x10");
	EXPECT_MINFREE_ERR(LMK_PARSE_NOT_NUM, "1x10");
}

TEST(parse_rejects_empty_fields)
{
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "1,,2");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, ",1");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "1,");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "1,\n");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, ",");
}

TEST(parse_rejects_bad_signs)
{
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "--1");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "+-1");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "-+1");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "-");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "+");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "1,-");
}

TEST(parse_rejects_whitespace)
{
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "1 ,2");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, " 1");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "1, 2");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "1 ");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "1\t");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "\t1");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "1,\t2");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "1\r");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "1\r\n");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "1\r,2");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "1,2\r");
}

TEST(parse_rejects_extra_newlines_and_junk)
{
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "1\n\n");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "1\nx");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "1\n2");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "1\n,2");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "\n1");
	EXPECT_BOTH_ERR(LMK_PARSE_NOT_NUM, "\n\n");
}

TEST(parse_rejects_too_many)
{
	EXPECT_BOTH_ERR(LMK_PARSE_TOO_MANY, "1,2,3,4,5,6,7");
	EXPECT_BOTH_ERR(LMK_PARSE_TOO_MANY, "1,2,3,4,5,6,7\n");
	EXPECT_BOTH_ERR(LMK_PARSE_TOO_MANY, "1,2,3,4,5,6,7,8,9,10");
}

TEST(parse_rejects_huge_numbers)
{
	EXPECT_BOTH_ERR(LMK_PARSE_RANGE, "99999999999999999999999999");
	EXPECT_BOTH_ERR(LMK_PARSE_RANGE, "9223372036854775807");
	EXPECT_BOTH_ERR(LMK_PARSE_RANGE, "9223372036854775808");
	EXPECT_BOTH_ERR(LMK_PARSE_RANGE, "18446744073709551615");
	EXPECT_BOTH_ERR(LMK_PARSE_RANGE, "18446744073709551616");
	EXPECT_BOTH_ERR(LMK_PARSE_RANGE, "-9223372036854775808");
	EXPECT_BOTH_ERR(LMK_PARSE_RANGE, "-9223372036854775809");
	EXPECT_BOTH_ERR(LMK_PARSE_RANGE, "-99999999999999999999999999");
	EXPECT_BOTH_ERR(LMK_PARSE_RANGE, "1,18446744073709551617");
}

TEST(parse_rejects_huge_numbers_in_full_long_range)
{
	EXPECT_LONG_ERR(LMK_PARSE_RANGE, "9223372036854775808");
	EXPECT_LONG_ERR(LMK_PARSE_RANGE, "18446744073709551615");
	EXPECT_LONG_ERR(LMK_PARSE_RANGE, "18446744073709551616");
	EXPECT_LONG_ERR(LMK_PARSE_RANGE, "-9223372036854775808");
	EXPECT_LONG_ERR(LMK_PARSE_RANGE, "-9223372036854775809");
	EXPECT_LONG_ERR(LMK_PARSE_RANGE, "-18446744073709551616");
	EXPECT_LONG_ERR(LMK_PARSE_RANGE, "99999999999999999999999999");
}

TEST(parse_rejects_adj_out_of_range)
{
	EXPECT_ADJ_ERR(LMK_PARSE_RANGE, "1001");
	EXPECT_ADJ_ERR(LMK_PARSE_RANGE, "-1001");
	EXPECT_ADJ_ERR(LMK_PARSE_RANGE, "0,1001");
	EXPECT_ADJ_ERR(LMK_PARSE_RANGE, "-1001,0\n");
	EXPECT_ADJ_ERR(LMK_PARSE_RANGE, "10000");
}

TEST(parse_rejects_minfree_out_of_range)
{
	EXPECT_MINFREE_ERR(LMK_PARSE_RANGE, "0");
	EXPECT_MINFREE_ERR(LMK_PARSE_RANGE, "-0");
	EXPECT_MINFREE_ERR(LMK_PARSE_RANGE, "-1");
	EXPECT_MINFREE_ERR(LMK_PARSE_RANGE, "0,1");
	EXPECT_MINFREE_ERR(LMK_PARSE_RANGE, "262145");
	EXPECT_MINFREE_ERR(LMK_PARSE_RANGE, "1,262145");
	EXPECT_MINFREE_ERR(LMK_PARSE_RANGE, "2621440");
}

TEST(parse_rejects_unordered)
{
	EXPECT_BOTH_ERR(LMK_PARSE_ORDER, "3,2");
	EXPECT_BOTH_ERR(LMK_PARSE_ORDER, "2,2");
	EXPECT_BOTH_ERR(LMK_PARSE_ORDER, "1,2,3,4,6,5");
	EXPECT_BOTH_ERR(LMK_PARSE_ORDER, "1,2,2\n");
	EXPECT_ADJ_ERR(LMK_PARSE_ORDER, "0,-1");
	EXPECT_ADJ_ERR(LMK_PARSE_ORDER, "0,-0");
	/* legacy conversion happens only after the order check */
	EXPECT_ADJ_ERR(LMK_PARSE_ORDER, "12,6,1,0");
}

/* Check @got against @want: ANY_ERROR is any rejection. */
static void check_code(struct __test_metadata *_metadata, const char *what,
		       const char *in, enum lmk_parse_error want,
		       enum lmk_parse_error got)
{
	if (want == ANY_ERROR) {
		EXPECT_NE((int)LMK_PARSE_OK, (int)got)
			TH_LOG("%s accepted \"%s\"", what, in);
	} else {
		EXPECT_EQ((int)want, (int)got)
			TH_LOG("%s input \"%s\"", what, in);
	}
}

TEST(parse_cases_in_every_range)
{
	long out[LMK_MAX_ROWS];
	unsigned int nr, i;

	for (i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];

		check_code(_metadata, "adj", c->in, c->adj,
			   lmk_parse_adj(c->in, out, &nr));
		check_code(_metadata, "minfree", c->in, c->minfree,
			   parse_minfree(c->in, out, &nr));
		check_code(_metadata, "long", c->in, c->full,
			   lmk_parse_list(c->in, out, &nr, LONG_MIN + 1,
					  LONG_MAX));
	}
}

/* ---- parser: pseudo-random fuzz ------------------------------------ */

#define FUZZ_ITERATIONS	200000

TEST(parse_fuzz_random_strings)
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
		ASSERT_EQ(NULL, why) TH_LOG("adj input \"%s\": %s", buf, why);
		adj_ok += ok;
		why = fuzz_check(buf, 1, TEST_MAX_PAGES, &ok);
		ASSERT_EQ(NULL, why)
			TH_LOG("minfree input \"%s\": %s", buf, why);
		minfree_ok += ok;
	}
	/* The fuzz must exercise the accepting path too. */
	EXPECT_GT(adj_ok, 0U);
	EXPECT_GT(minfree_ok, 0U);
	TH_LOG("accepted %u adj and %u minfree lists out of %u",
	       adj_ok, minfree_ok, FUZZ_ITERATIONS);
}

TEST_HARNESS_MAIN
