// SPDX-License-Identifier: GPL-2.0
/*
 * Writers change minfree and adj in a tight loop while a storm runs.  Every
 * kill must still come from a table that was really in force: its row's
 * minfree and adj each belong to one of the tables being written, never a
 * torn mixture within one array.
 */
#include <pthread.h>

#include "storm.h"

#include "kselftest_harness.h"

struct table {
	long minfree[4];	/* pages */
	long adj[4];
	char minfree_s[96];
	char adj_s[96];
};

static struct table tables[2];
static bool stop;	/* __atomic accesses */
static unsigned long writes;

static void table_init(struct table *t, long u_pages, int shift,
		       const long *adj)
{
	int i;

	t->minfree[0] = u_pages / 2 + shift;
	t->minfree[1] = u_pages + shift;
	t->minfree[2] = 2 * u_pages + shift;
	t->minfree[3] = 4 * u_pages + shift;
	for (i = 0; i < 4; i++)
		t->adj[i] = adj[i];
	snprintf(t->minfree_s, sizeof(t->minfree_s), "%ld,%ld,%ld,%ld",
		 t->minfree[0], t->minfree[1], t->minfree[2], t->minfree[3]);
	snprintf(t->adj_s, sizeof(t->adj_s), "%ld,%ld,%ld,%ld",
		 t->adj[0], t->adj[1], t->adj[2], t->adj[3]);
}

static void *writer(void *arg)
{
	unsigned long i;

	for (i = 0; !__atomic_load_n(&stop, __ATOMIC_RELAXED); i++) {
		const struct table *t = &tables[i & 1];

		if (!lmk_param_set("minfree", t->minfree_s))
			writes++;
		if (!lmk_param_set("adj", t->adj_s))
			writes++;
	}
	return NULL;
}

static bool from_a_table(const struct kill_entry *e)
{
	bool minfree_ok = false, adj_ok = false;
	int t;

	if (e->row < 0 || e->row > 3)
		return false;
	for (t = 0; t < 2; t++) {
		minfree_ok |= e->minfree_kb == tables[t].minfree[e->row] * 4;
		adj_ok |= e->min_adj == tables[t].adj[e->row];
	}
	return minfree_ok && adj_ok;
}

FIXTURE(conc) {
	int unused;
};

FIXTURE_SETUP(conc)
{
}

FIXTURE_TEARDOWN(conc)
{
}

TEST_F_TIMEOUT(conc, torn_table_never_reaches_a_kill, 300)
{
	static const long adj_a[4] = { 0, 58, 352, 705 };
	static const long adj_b[4] = { 0, 59, 353, 750 };
	struct storm s = { 0 };
	struct kill_entry log[64];
	pthread_t th[2];
	long u;
	int i, n;

	ASSERT_EQ(0, lmk_load(NULL));
	u = meminfo_kb("MemAvailable") / 20;
	table_init(&tables[0], u / 4, 0, adj_a);
	table_init(&tables[1], u / 4, 3, adj_b);
	ASSERT_EQ(0, lmk_param_set("minfree", tables[0].minfree_s));
	ASSERT_EQ(0, lmk_param_set("adj", tables[0].adj_s));

	s.unit_kb = u;
	s.hog[0].adj = -1000;
	s.hog[1].adj = 0;
	s.hog[2].adj = 800;
	s.hog[3].adj = 850;
	s.hog[4].adj = 900;
	for (i = 0; i < 5; i++)
		s.hog[i].units = i == 4 ? 2 : 1;
	s.nr_hogs = 5;
	s.grower_adj = 0;
	s.grow_extra_kb = u / 2;
	s.settle_s = 2;

	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, writer, NULL));
	ASSERT_EQ(0, storm_run(&s));
	__atomic_store_n(&stop, true, __ATOMIC_RELAXED);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);

	n = kill_log_read(log, 64);
	TH_LOG("%lu table writes during the storm, %d kills", writes, n);
	EXPECT_GE(n, 1);
	EXPECT_GT(writes, 100);
	for (i = 0; i < n; i++) {
		EXPECT_TRUE(from_a_table(&log[i])) {
			TH_LOG("kill %d: row %d minfree %ld kB min_adj %d matches no table",
			       i + 1, log[i].row, log[i].minfree_kb,
			       log[i].min_adj);
		}
		EXPECT_GE(log[i].adj, log[i].min_adj);
	}
	/* Highest adj first, whichever table was in force. */
	for (i = 1; i < n; i++)
		EXPECT_LE(log[i].adj, log[i - 1].adj);
	EXPECT_EQ(0, s.hog[0].dead);
	EXPECT_EQ(0, s.hog[1].dead);
	EXPECT_FALSE(s.grower_dead);
	EXPECT_EQ(0, s.oom_kmsg);
	storm_cleanup(&s);
	lmk_unload();
}

TEST_HARNESS_MAIN
