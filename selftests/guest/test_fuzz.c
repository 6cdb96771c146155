// SPDX-License-Identifier: GPL-2.0
/*
 * Parameter fuzz: many random and malformed writes across every writable
 * parameter.  The policy's own parser (lowmemkiller.h, compiled here in
 * userspace) predicts what the module must accept.  After a rejected write
 * every parameter must read back unchanged; after an accepted one the
 * parameter must read back in canonical form and nothing else may move.
 */
#include "lowmemkiller.h"
#include "lmk_guest.h"

#include "kselftest_harness.h"

#define ITERATIONS	12000

enum kind { K_MINFREE, K_ADJ, K_UINT, K_BOOL, K_SIZE };

static const struct {
	const char *name;
	enum kind kind;
	unsigned long lo, hi;
} params[] = {
	{ "minfree",		K_MINFREE },
	{ "adj",		K_ADJ },
	{ "cost",		K_UINT, 1, 1000 },
	{ "debug_level",	K_UINT, 0, 2 },
	{ "death_timeout_ms",	K_UINT, 10, 60000 },
	{ "poll_ms",		K_UINT, 0, 10000 },
	{ "deficit_kills",	K_UINT, 0, 15 },
	{ "thrashing_limit",	K_UINT, 0, 1000 },
	{ "kill_log_size",	K_UINT, 1, 4096 },
	{ "dry_run",		K_BOOL },
	{ "uevent_identity",	K_BOOL },
	{ "victim_size",	K_SIZE },
};

#define NR_PARAMS	ARRAY_SIZE(params)

static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;

static unsigned long long rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void snapshot(char vals[][256])
{
	char path[128];
	unsigned int i;

	for (i = 0; i < NR_PARAMS; i++) {
		snprintf(path, sizeof(path), LMK_PARAMS "%s", params[i].name);
		if (lmk_read_file(path, vals[i], 256))
			snprintf(vals[i], 256, "<unreadable>");
	}
}

/* One trailing newline is allowed by every setter, as for sysfs_streq. */
static size_t strip_nl(const char *s, char *out, size_t max)
{
	size_t n = strnlen(s, max - 1);

	memcpy(out, s, n);
	out[n] = '\0';
	if (n && out[n - 1] == '\n') {
		out[--n] = '\0';
		return n;
	}
	return n;
}

/* kstrtouint(s, 10) plus the range: optional '+', digits, one '\n'. */
static bool model_uint(const char *s, unsigned long lo, unsigned long hi,
		       char *canon)
{
	unsigned long long v = 0;
	char buf[4096];
	size_t n, i = 0;

	n = strip_nl(s, buf, sizeof(buf));
	if (buf[0] == '+')
		i++;
	if (i == n)
		return false;
	for (; i < n; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return false;
		v = v * 10 + (buf[i] - '0');
		if (v > 0xffffffffULL)
			return false;
	}
	if (v < lo || v > hi)
		return false;
	sprintf(canon, "%llu", v);
	return true;
}

static bool model(unsigned int p, const char *s, char *canon)
{
	long vals[LMK_MAX_ROWS];
	unsigned int nr = 0, i;
	char buf[4096];
	int len = 0;

	switch (params[p].kind) {
	case K_MINFREE:
		if (lmk_parse_minfree(s, vals, &nr, ram_pages()) != LMK_PARSE_OK)
			return false;
		break;
	case K_ADJ:
		if (lmk_parse_adj(s, vals, &nr) != LMK_PARSE_OK)
			return false;
		break;
	case K_UINT:
		return model_uint(s, params[p].lo, params[p].hi, canon);
	case K_BOOL:
		strip_nl(s, buf, sizeof(buf));
		if (!strcmp(buf, "Y") || !strcmp(buf, "y") || !strcmp(buf, "1"))
			snprintf(canon, 4, "Y");
		else if (!strcmp(buf, "N") || !strcmp(buf, "n") ||
			 !strcmp(buf, "0"))
			snprintf(canon, 4, "N");
		else
			return false;
		return true;
	case K_SIZE:
		strip_nl(s, buf, sizeof(buf));
		if (strcmp(buf, "rss") && strcmp(buf, "rss+swap"))
			return false;
		snprintf(canon, sizeof(buf), "%s", buf);
		return true;
	}
	for (i = 0; i < nr; i++)
		len += sprintf(canon + len, "%s%ld", i ? "," : "", vals[i]);
	return true;
}

static const char *const words[] = {
	"Y", "N", "y", "n", "1", "0", "yes", "no", "on", "off", "rss",
	"rss+swap", "RSS", "rss+", "+", "-", ",", "\n", " ", "0x10", "1e3",
	"-17", "15", "-1000", "1000", "1001", "4294967296", "65536",
	"9223372036854775808", "18446744073709551615", "-0", "+0",
};

static long interesting_number(void)
{
	static const long pool[] = {
		0, 1, 2, 9, 10, 15, 16, 17, -1, -17, -18, 32, 100, 999, 1000,
		1001, 4096, 4097, 10000, 10001, 60000, 60001, 65535,
		2147483647L, -2147483648L, 4294967295L,
	};

	switch (rnd() % 4) {
	case 0:
		return pool[rnd() % ARRAY_SIZE(pool)];
	case 1:
		return (long)(rnd() % 2000) - 1000;
	case 2:
		return (long)(rnd() % (unsigned long)ram_pages()) + 1;
	default:
		return (long)rnd();
	}
}

/* Build one input; returns its length (may contain NUL bytes). */
static size_t generate(char *buf, size_t max)
{
	size_t len = 0, i, n;

	switch (rnd() % 6) {
	case 0:			/* random bytes, NULs included */
		n = rnd() % 48;
		for (i = 0; i < n; i++)
			buf[len++] = (char)(rnd() % 256);
		break;
	case 1:			/* a list of numbers, sometimes ascending */
	case 2: {
		long v = interesting_number();
		bool asc = rnd() % 2;

		n = 1 + rnd() % 8;
		for (i = 0; i < n && len < max - 64; i++) {
			if (i)
				buf[len++] = rnd() % 16 ? ',' : " ,;"[rnd() % 3];
			if (asc && i)
				v += 1 + rnd() % 300;
			else if (!asc)
				v = interesting_number();
			len += sprintf(buf + len, rnd() % 8 ? "%ld" : "%+ld",
				       v);
		}
		if (rnd() % 3 == 0)
			buf[len++] = '\n';
		break;
	}
	case 3:			/* words and fragments glued together */
		n = 1 + rnd() % 3;
		for (i = 0; i < n; i++)
			len += sprintf(buf + len, "%s",
				       words[rnd() % ARRAY_SIZE(words)]);
		break;
	case 4:			/* overlong */
		n = 300 + rnd() % 3500;
		for (i = 0; i < n && len < max - 1; i++)
			buf[len++] = "0123456789,"[rnd() % 11];
		break;
	default:		/* one number, with or without newline */
		len = sprintf(buf, "%ld%s", interesting_number(),
			      rnd() % 2 ? "\n" : "");
		break;
	}
	if (!len)
		buf[len++] = '\n';
	return len;
}

TEST(random_writes_are_validated_and_change_nothing_when_rejected)
{
	static char before[NR_PARAMS][256], after[NR_PARAMS][256];
	unsigned long accepted = 0, rejected = 0, bad = 0, model_diff = 0;
	char path[128], input[4200], cstr[4200], canon[4200];
	unsigned int it, i;

	ASSERT_EQ(0, lmk_load("poll_ms=0"));
	snapshot(before);
	for (it = 0; it < ITERATIONS; it++) {
		unsigned int p = rnd() % NR_PARAMS;
		size_t len = generate(input, sizeof(input) - 1);
		bool want;
		ssize_t w;
		int fd;

		snprintf(path, sizeof(path), LMK_PARAMS "%s", params[p].name);
		memcpy(cstr, input, len);
		cstr[len] = '\0';	/* the kernel stops at the first NUL */
		want = model(p, cstr, canon);

		fd = open(path, O_WRONLY);
		ASSERT_GE(fd, 0);
		w = write(fd, input, len);
		close(fd);
		snapshot(after);

		if (w < 0) {
			rejected++;
			if (want && len < 4096) {
				model_diff++;
				TH_LOG("%s rejected '%s', expected '%s'",
				       params[p].name, cstr, canon);
			}
			for (i = 0; i < NR_PARAMS; i++)
				if (strcmp(before[i], after[i])) {
					bad++;
					TH_LOG("rejected %s write changed %s: '%s' -> '%s'",
					       params[p].name, params[i].name,
					       before[i], after[i]);
				}
		} else {
			accepted++;
			if (!want) {
				model_diff++;
				TH_LOG("%s accepted '%s'", params[p].name, cstr);
			} else if (strcmp(after[p], canon)) {
				bad++;
				TH_LOG("%s reads '%s', expected '%s'",
				       params[p].name, after[p], canon);
			}
			for (i = 0; i < NR_PARAMS; i++)
				if (i != p && strcmp(before[i], after[i])) {
					bad++;
					TH_LOG("%s write changed %s",
					       params[p].name, params[i].name);
				}
			memcpy(before, after, sizeof(before));
		}
		if (bad + model_diff > 20)
			break;
	}
	TH_LOG("%u writes: %lu accepted, %lu rejected", it, accepted,
	       rejected);
	TH_LOG("%lu wrong readbacks, %lu disagreements with the policy parser",
	       bad, model_diff);
	EXPECT_EQ(ITERATIONS, it);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(0, model_diff);
	EXPECT_GT(accepted, ITERATIONS / 20);
	EXPECT_GT(rejected, ITERATIONS / 4);
	lmk_unload();
}

TEST_HARNESS_MAIN
