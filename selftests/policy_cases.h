/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test data shared by the two suites of the policy in lowmemkiller.h: the
 * host unit tests (selftests/unit/test_policy.c, kselftest harness) and the
 * KUnit suite (kunit/lowmemkiller_kunit.c).  Each suite reports through its
 * own framework; the tables, the parser cases and the fuzz's checks are
 * written once, here.  Include after lowmemkiller.h.
 */
#ifndef _LMK_POLICY_CASES_H
#define _LMK_POLICY_CASES_H

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <stdio.h>
#include <string.h>
#endif

/* 1 GiB of 4 KiB pages: the largest minfree the parser tests allow. */
#define TEST_MAX_PAGES	262144L

/* Expected code meaning "any rejection will do". */
#define ANY_ERROR	NR_LMK_PARSE

/* The Android default table. */
static const long android_minfree[] = { 1536, 2048, 4096, 16384 };
static const long android_adj[] = { 0, 58, 352, 705 };

static inline void table_init(struct lmk_table *t, const long *minfree,
			      unsigned int nr_minfree, const long *adj,
			      unsigned int nr_adj)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->minfree, minfree, nr_minfree * sizeof(*minfree));
	memcpy(t->adj, adj, nr_adj * sizeof(*adj));
	t->nr_minfree = nr_minfree;
	t->nr_adj = nr_adj;
}

static inline void android_table(struct lmk_table *t)
{
	table_init(t, android_minfree, ARRAY_SIZE(android_minfree),
		   android_adj, ARRAY_SIZE(android_adj));
}

/**
 * struct parse_case - one input and what each range makes of it
 * @in:      the string written
 * @adj:     expected from lmk_parse_adj()
 * @minfree: expected from lmk_parse_minfree() with TEST_MAX_PAGES
 * @full:    expected from lmk_parse_list() over LONG_MIN + 1..LONG_MAX
 *
 * LMK_PARSE_OK where that range accepts it; ANY_ERROR where any rejection
 * will do.
 */
struct parse_case {
	const char *in;
	enum lmk_parse_error adj;
	enum lmk_parse_error minfree;
	enum lmk_parse_error full;
};

#define E_EMPTY	LMK_PARSE_EMPTY
#define E_NUM	LMK_PARSE_NOT_NUM
#define E_MANY	LMK_PARSE_TOO_MANY
#define E_RANGE	LMK_PARSE_RANGE
#define E_ORDER	LMK_PARSE_ORDER
#define E_NONE	LMK_PARSE_OK
#define E_ANY	ANY_ERROR

static const struct parse_case parse_cases[] = {
	/* nothing, or only white space */
	{ "",				E_EMPTY,  E_EMPTY,  E_EMPTY },
	{ "\n",				E_EMPTY,  E_EMPTY,  E_EMPTY },
	{ " ",				E_ANY,    E_ANY,    E_ANY },
	{ "\t",				E_ANY,    E_ANY,    E_ANY },
	{ "\t\n",			E_ANY,    E_ANY,    E_ANY },
	{ " \t\n",			E_ANY,    E_ANY,    E_ANY },
	/* not decimal numbers, empty fields, stray characters */
	{ "abc",			E_NUM,    E_NUM,    E_NUM },
	{ "x",				E_NUM,    E_NUM,    E_NUM },
	{ "1,,2",			E_NUM,    E_NUM,    E_NUM },
	{ ",1",				E_NUM,    E_NUM,    E_NUM },
	{ "1,",				E_NUM,    E_NUM,    E_NUM },
	{ ",",				E_NUM,    E_NUM,    E_NUM },
	{ ",\n",			E_NUM,    E_NUM,    E_NUM },
	{ "1,\n",			E_NUM,    E_NUM,    E_NUM },
	{ "1 ,2",			E_NUM,    E_NUM,    E_NUM },
	{ " 1",				E_NUM,    E_NUM,    E_NUM },
	{ "1 ",				E_NUM,    E_NUM,    E_NUM },
	{ "1, 2",			E_NUM,    E_NUM,    E_NUM },
	{ "1 2",			E_NUM,    E_NUM,    E_NUM },
	{ "1\n\n",			E_NUM,    E_NUM,    E_NUM },
	{ "1\nx",			E_NUM,    E_NUM,    E_NUM },
	{ "1\n2",			E_NUM,    E_NUM,    E_NUM },
	{ "\n1",			E_NUM,    E_NUM,    E_NUM },
	{ "0x10",			E_NUM,    E_ANY,    E_NUM },
	{ "1x10",			E_NUM,    E_NUM,    E_NUM },
	{ "10x",			E_NUM,    E_NUM,    E_NUM },
	{ "1.5",			E_NUM,    E_NUM,    E_NUM },
	{ "1e3",			E_NUM,    E_NUM,    E_NUM },
	{ "--1",			E_NUM,    E_NUM,    E_NUM },
	{ "+-1",			E_NUM,    E_NUM,    E_NUM },
	{ "-+1",			E_NUM,    E_NUM,    E_NUM },
	{ "++1",			E_NUM,    E_NUM,    E_NUM },
	{ "-",				E_NUM,    E_NUM,    E_NUM },
	{ "+",				E_NUM,    E_NUM,    E_NUM },
	{ "-\n",			E_NUM,    E_NUM,    E_NUM },
	{ "1,-",			E_NUM,    E_NUM,    E_NUM },
	{ "1-2",			E_NUM,    E_NUM,    E_NUM },
	{ "1+2",			E_NUM,    E_NUM,    E_NUM },
	{ "1;2",			E_NUM,    E_NUM,    E_NUM },
	{ "1\t",			E_NUM,    E_NUM,    E_NUM },
	{ "\t1",			E_NUM,    E_NUM,    E_NUM },
	{ "1,\t2",			E_NUM,    E_NUM,    E_NUM },
	{ "1\r",			E_NUM,    E_NUM,    E_NUM },
	{ "1\r\n",			E_NUM,    E_NUM,    E_NUM },
	{ "1\r,2",			E_NUM,    E_NUM,    E_NUM },
	{ "1,2,3,4,5,6,",		E_NUM,    E_NUM,    E_NUM },
	{ "1,2,3,4,5,6,x",		E_NUM,    E_NUM,    E_NUM },
	/* more than six rows */
	{ "1,2,3,4,5,6,7",		E_MANY,   E_MANY,   E_MANY },
	{ "1,2,3,4,5,6,7\n",		E_MANY,   E_MANY,   E_MANY },
	{ "1,2,3,4,5,6,7,8",		E_MANY,   E_MANY,   E_MANY },
	{ "9,8,7,6,5,4,3",		E_MANY,   E_MANY,   E_MANY },
	{ "1,2,3,4,5,6,7,8,9,10",	E_MANY,   E_MANY,   E_MANY },
	{ "1,2,3,4,5,6,99999999999999999999",
					E_ANY,    E_ANY,    E_ANY },
	/* out of each range, and out of a long */
	{ "99999999999999999999999999",	E_RANGE,  E_RANGE,  E_RANGE },
	{ "9223372036854775807",	E_RANGE,  E_RANGE,  E_NONE },
	{ "9223372036854775808",	E_RANGE,  E_RANGE,  E_RANGE },
	{ "18446744073709551615",	E_RANGE,  E_RANGE,  E_RANGE },
	{ "18446744073709551616",	E_RANGE,  E_RANGE,  E_RANGE },
	{ "-9223372036854775808",	E_RANGE,  E_RANGE,  E_RANGE },
	{ "-9223372036854775809",	E_RANGE,  E_RANGE,  E_RANGE },
	{ "-18446744073709551616",	E_RANGE,  E_RANGE,  E_RANGE },
	{ "-99999999999999999999999999",
					E_RANGE,  E_RANGE,  E_RANGE },
	{ "1,18446744073709551617",	E_RANGE,  E_RANGE,  E_RANGE },
	{ "1001",			E_RANGE,  E_NONE,   E_NONE },
	{ "-1001",			E_RANGE,  E_RANGE,  E_NONE },
	{ "0,1001",			E_RANGE,  E_RANGE,  E_NONE },
	{ "1001,262145",		E_RANGE,  E_RANGE,  E_NONE },
	{ "0",				E_NONE,   E_RANGE,  E_NONE },
	{ "-0",				E_NONE,   E_RANGE,  E_NONE },
	{ "262145",			E_RANGE,  E_RANGE,  E_NONE },
	{ "1,262145",			E_RANGE,  E_RANGE,  E_NONE },
	/* not strictly ascending */
	{ "3,2",			E_ORDER,  E_ORDER,  E_ORDER },
	{ "2,2",			E_ORDER,  E_ORDER,  E_ORDER },
	{ "1,3,2",			E_ORDER,  E_ORDER,  E_ORDER },
	{ "5,4,3,2,1",			E_ORDER,  E_ORDER,  E_ORDER },
	{ "1,2,3,4,6,5",		E_ORDER,  E_ORDER,  E_ORDER },
	{ "1,2,2\n",			E_ORDER,  E_ORDER,  E_ORDER },
	{ "0,-0",			E_ORDER,  E_RANGE,  E_ORDER },
	/* legacy conversion happens only after the order check */
	{ "12,6,1,0",			E_ORDER,  E_RANGE,  E_ORDER },
};

/* ---- the parser fuzz -------------------------------------------------- */

#define FUZZ_MAX_LEN	40

/* What the fuzz's strings are made of. */
static const char fuzz_alphabet[] = "0123456789,-+\n \tx";

static inline unsigned long long fuzz_next(unsigned long long *state)
{
	unsigned long long x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

/* The next pseudo-random string of up to FUZZ_MAX_LEN characters. */
static inline void fuzz_string(unsigned long long *state,
			       char buf[FUZZ_MAX_LEN + 1])
{
	unsigned int len = fuzz_next(state) % (FUZZ_MAX_LEN + 1), i;

	for (i = 0; i < len; i++)
		buf[i] = fuzz_alphabet[fuzz_next(state) %
				       (sizeof(fuzz_alphabet) - 1)];
	buf[len] = '\0';
}

/**
 * fuzz_check() - parse a string and check what an accepted one gave
 * @buf:      the input
 * @min:      lowest value allowed
 * @max:      highest value allowed
 * @accepted: set to whether lmk_parse_list() accepted @buf
 *
 * An accepted list holds 1..LMK_MAX_ROWS strictly ascending values within
 * @min..@max, came from digits, signs and commas with at most one final
 * newline, and printed back in canonical form parses to the same values.
 *
 * Return: NULL when all of that holds (or @buf was rejected), else what
 * failed.
 */
static inline const char *fuzz_check(const char *buf, long min, long max,
				     bool *accepted)
{
	long out[LMK_MAX_ROWS], again[LMK_MAX_ROWS];
	char canon[LMK_MAX_ROWS * 22];
	unsigned int nr, nr_again, i;
	size_t len = 0;

	*accepted = lmk_parse_list(buf, out, &nr, min, max) == LMK_PARSE_OK;
	if (!*accepted)
		return NULL;
	if (nr < 1 || nr > LMK_MAX_ROWS)
		return "row count out of 1..LMK_MAX_ROWS";
	for (i = 0; buf[i]; i++) {
		char c = buf[i];

		if (c == '\n' && buf[i + 1])
			return "newline before the end";
		if (c != '\n' && !(c >= '0' && c <= '9') && c != ',' &&
		    c != '-' && c != '+')
			return "character other than digit, sign or comma";
	}
	for (i = 0; i < nr; i++) {
		if (out[i] < min || out[i] > max)
			return "value out of range";
		if (i && out[i - 1] >= out[i])
			return "values not strictly ascending";
		len += snprintf(canon + len, sizeof(canon) - len, "%s%ld",
				i ? "," : "", out[i]);
		if (len >= sizeof(canon))
			return "canonical form too long";
	}
	if (lmk_parse_list(canon, again, &nr_again, min, max) != LMK_PARSE_OK)
		return "canonical form rejected";
	if (nr_again != nr)
		return "canonical form has another row count";
	for (i = 0; i < nr; i++)
		if (out[i] != again[i])
			return "canonical form has other values";
	return NULL;
}

#endif /* _LMK_POLICY_CASES_H */
