// SPDX-License-Identifier: GPL-2.0
/*
 * The main storm: hogs at distinct adj levels, one at -1000 and one
 * foreground at 0, then a foreground grower.  The killer must take the
 * background in adj order, the larger first on a tie, spare -1000 and the
 * foreground, and leave the kernel OOM killer nothing to do.
 */
#include "storm.h"

#include "kselftest_harness.h"

FIXTURE(storm) {
	struct storm s;
	long unit_kb;
};

FIXTURE_SETUP(storm)
{
	char minfree[128];
	long avail, u;

	memset(&self->s, 0, sizeof(self->s));
	ASSERT_EQ(0, lmk_load(NULL));
	/*
	 * A row needs free and file pages both below it: page cache left by
	 * earlier tests would hold the file count above the rows, and count
	 * in MemAvailable as memory the storm can have.
	 */
	ASSERT_EQ(0, lmk_write_file("/proc/sys/vm/drop_caches", "3"));
	avail = meminfo_kb("MemAvailable");
	ASSERT_GT(avail, 64 * 1024);
	/*
	 * Everything scales with the guest: one unit is a twentieth of the
	 * memory available, the hogs take eight units and the table's rows
	 * sit at 1/2, 1, 2 and 4 units.
	 */
	u = avail / 20;
	self->unit_kb = u;
	snprintf(minfree, sizeof(minfree), "%ld,%ld,%ld,%ld",
		 kb_to_pages(u / 2), kb_to_pages(u), kb_to_pages(2 * u),
		 kb_to_pages(4 * u));
	ASSERT_EQ(0, lmk_param_set("minfree", minfree));
	ASSERT_EQ(0, lmk_param_set("adj", "0,58,352,705"));
	TH_LOG("MemAvailable %ld kB, unit %ld kB, minfree %s", avail, u,
	       minfree);
}

FIXTURE_TEARDOWN(storm)
{
	storm_cleanup(&self->s);
	lmk_unload();
}

static void add_hog(struct storm *s, int adj, int units)
{
	s->hog[s->nr_hogs].adj = adj;
	s->hog[s->nr_hogs].units = units;
	s->nr_hogs++;
}

/* Background hogs at 705..900 and the protected/foreground pair. */
static void ladder(struct _test_data_storm *self, int *order, int *spared)
{
	struct storm *s = &self->s;

	s->unit_kb = self->unit_kb;
	spared[0] = s->nr_hogs;
	add_hog(s, -1000, 1);
	spared[1] = s->nr_hogs;
	add_hog(s, 0, 1);
	spared[2] = s->nr_hogs;
	add_hog(s, 400, 1);
	order[3] = s->nr_hogs;
	add_hog(s, 705, 1);
	order[2] = s->nr_hogs;
	add_hog(s, 800, 1);
	order[1] = s->nr_hogs;
	add_hog(s, 900, 1);
	order[0] = s->nr_hogs;
	add_hog(s, 900, 2);
	s->grower_adj = 0;
	s->settle_s = 2;
}

TEST_F_TIMEOUT(storm, kills_in_adj_order_and_spares_foreground, 300)
{
	struct storm *s = &self->s;
	int order[4], spared[3], i, n;
	struct kill_entry log[64];

	ladder(self, order, spared);
	s->grow_extra_kb = 3 * self->unit_kb / 2;
	ASSERT_EQ(0, storm_run(s));

	for (i = 0; i < 4; i++) {
		EXPECT_EQ(i + 1, s->hog[order[i]].dead) {
			TH_LOG("kill %d should be the adj %d hog of %d units",
			       i + 1, s->hog[order[i]].adj,
			       s->hog[order[i]].units);
		}
		EXPECT_EQ(SIGKILL, s->hog[order[i]].sig);
	}
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, s->hog[spared[i]].dead);
	EXPECT_FALSE(s->grower_dead);
	EXPECT_EQ(4, s->nr_dead);
	EXPECT_EQ(0, s->oom_kmsg);

	/* The kill log names the same processes, in the same order. */
	n = kill_log_read(log, 64);
	ASSERT_EQ(4, n);
	for (i = 0; i < n && i < 4; i++) {
		EXPECT_EQ(s->hog[order[i]].pid, log[i].tgid);
		EXPECT_EQ(s->hog[order[i]].adj, log[i].adj);
		EXPECT_EQ(0, log[i].dry_run);
		EXPECT_LE(log[i].min_adj, log[i].adj);
		TH_LOG("kill %d: pid %d adj %d min_adj %d row %d",
		       i + 1, log[i].tgid, log[i].adj, log[i].min_adj,
		       log[i].row);
		TH_LOG("  size %ld kB free %ld kB reason %s exit %ld ms",
		       log[i].size_kb, log[i].free_kb, log[i].reason,
		       log[i].exit_ms);
	}
	EXPECT_EQ(0, lmk_stat("kernel_oom_events"));
	EXPECT_EQ(4, lmk_stat("kills"));
	TH_LOG("stats: kills %lld poll_kills %lld",
	       lmk_stat("kills"), lmk_stat("poll_kills"));
	TH_LOG("stats: scan_calls %lld count_calls %lld skipped_dying %lld",
	       lmk_stat("scan_calls"), lmk_stat("count_calls"),
	       lmk_stat("skipped_dying"));
}

TEST_F_TIMEOUT(storm, shrinker_alone_still_kills_in_order, 300)
{
	struct storm *s = &self->s;
	struct kill_entry log[16];
	int order[4], spared[3], i, n;

	ASSERT_EQ(0, lmk_param_set("poll_ms", "0"));
	ladder(self, order, spared);
	s->grow_extra_kb = 3 * self->unit_kb / 2;
	ASSERT_EQ(0, storm_run(s));

	/* Reclaim acts late, so fewer kills may be needed; order still holds. */
	EXPECT_GE(s->nr_dead, 1);
	for (i = 0; i < s->nr_dead && i < 4; i++)
		EXPECT_EQ(i + 1, s->hog[order[i]].dead);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, s->hog[spared[i]].dead);
	EXPECT_FALSE(s->grower_dead);
	EXPECT_EQ(0, s->oom_kmsg);
	/*
	 * Memory stays below the rows after the storm, so reclaim may still
	 * kill later: the outcome is the log as the storm ended.
	 */
	n = kill_log_read(log, 16);
	EXPECT_EQ(s->nr_dead, s->nr_logged);
	if (n > s->nr_logged)
		TH_LOG("%d kills logged after the storm", n - s->nr_logged);
	for (i = 0; i < s->nr_logged && i < n; i++) {
		EXPECT_STRNE("poll", log[i].reason);
		TH_LOG("kill %d: adj %d reason %s free %ld kB", i + 1,
		       log[i].adj, log[i].reason, log[i].free_kb);
	}
	EXPECT_EQ(0, lmk_stat("poll_kills"));
	TH_LOG("count_calls %lld count_need_kill %lld scan_calls %lld",
	       lmk_stat("count_calls"), lmk_stat("count_need_kill"),
	       lmk_stat("scan_calls"));
}

TEST_F_TIMEOUT(storm, dry_run_leaves_it_to_the_kernel_and_counts_it, 300)
{
	struct storm *s = &self->s;
	struct kill_entry log[64];
	int order[4], spared[3], i, n;

	ASSERT_EQ(0, lmk_param_set("dry_run", "Y"));
	ladder(self, order, spared);
	/* More than memory holds even after every background hog is gone. */
	s->grow_extra_kb = 8 * self->unit_kb;
	ASSERT_EQ(0, storm_run(s));

	EXPECT_EQ(0, lmk_stat("kills"));
	EXPECT_GE(lmk_stat("dry_run_selections"), 1);
	EXPECT_GE(lmk_stat("kernel_oom_events"), 1);
	EXPECT_GE(s->oom_kmsg, 1);
	n = kill_log_read(log, 64);
	EXPECT_GE(n, 1);
	for (i = 0; i < n; i++)
		EXPECT_EQ(1, log[i].dry_run);
	TH_LOG("kernel_oom_events %lld, dry-run reports %d",
	       lmk_stat("kernel_oom_events"), n);
}

TEST(quiet_when_memory_is_plentiful)
{
	ASSERT_EQ(0, lmk_load(NULL));
	usleep(500000);
	EXPECT_EQ(0, lmk_stat("kills"));
	EXPECT_EQ(0, lmk_stat("scan_walks"));
	EXPECT_EQ(0, lmk_stat("count_need_kill"));
	lmk_unload();
}

TEST_HARNESS_MAIN
