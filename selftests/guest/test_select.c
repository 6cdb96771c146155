// SPDX-License-Identifier: GPL-2.0
/*
 * Victim selection, dry run, the kill log, statistics, the tracepoint and
 * protection, with the table forced so that row 0 is crossed at once: the
 * outcome then depends only on who is running, not on timing.
 */
#include "lmk_guest.h"

#include <limits.h>
#include <pthread.h>

#include "kselftest_harness.h"

#define MAX_HOGS	128

FIXTURE(sel) {
	pid_t hog[MAX_HOGS];
	int nr;
	char init_adj[16];
};

FIXTURE_SETUP(sel)
{
	self->nr = 0;
	ASSERT_EQ(0, lmk_read_file("/proc/1/oom_score_adj", self->init_adj,
				   sizeof(self->init_adj)));
	ASSERT_EQ(0, lmk_load("poll_ms=5"));
}

FIXTURE_TEARDOWN(sel)
{
	int i;

	lmk_write_file("/sys/kernel/tracing/events/lowmemkiller/enable", "0");
	lmk_unload();
	lmk_write_file("/proc/1/oom_score_adj", self->init_adj);
	for (i = 0; i < self->nr; i++)
		kill(self->hog[i], SIGKILL);
	while (waitpid(-1, NULL, 0) > 0)
		;
}

static pid_t start(struct _test_data_sel *self, int adj, long kb,
		   const char *name)
{
	pid_t pid;

	if (self->nr == MAX_HOGS)
		return -1;
	pid = hog_spawn(adj, kb, name);
	if (pid > 0)
		self->hog[self->nr++] = pid;
	return pid;
}

static bool alive(pid_t pid)
{
	return waitpid(pid, NULL, WNOHANG) == 0;
}

TEST_F(sel, dry_run_names_highest_adj_then_largest_and_kills_nothing)
{
	struct kill_entry log[16];
	pid_t a, b, c;
	int n, i;

	a = start(self, 600, 8192, "hog600");
	b = start(self, 700, 4096, "hog700s");
	c = start(self, 700, 12288, "hog700l");
	ASSERT_GT(c, 0);
	ASSERT_EQ(0, lmk_param_set("death_timeout_ms", "400"));
	ASSERT_EQ(0, lmk_param_set("dry_run", "Y"));
	ASSERT_EQ(0, lmk_force_row(500));
	usleep(1500000);
	ASSERT_EQ(0, lmk_param_set("minfree", "1"));

	n = kill_log_read(log, 16);
	/* One report per death_timeout_ms: 1.5 s / 400 ms. */
	EXPECT_GE(n, 2);
	EXPECT_LE(n, 5);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(c, log[i].tgid);
		EXPECT_EQ(700, log[i].adj);
		EXPECT_EQ(500, log[i].min_adj);
		EXPECT_EQ(1, log[i].dry_run);
		EXPECT_STREQ("hog700l", log[i].comm);
	}
	EXPECT_TRUE(alive(a));
	EXPECT_TRUE(alive(b));
	EXPECT_TRUE(alive(c));
	EXPECT_EQ(0, lmk_stat("kills"));
	EXPECT_EQ(n, lmk_stat("dry_run_selections"));
}

/*
 * Equal adj: the larger dies first.  Sizes are the kernel's counters, as
 * oom_badness() reads them, and those lag by up to a per-CPU batch (6.12:
 * 32 pages per CPU) or 64 faults per thread (6.1), so the two differ by
 * far more than that.  The smaller starts first, so an exact tie, which
 * goes to the older, would kill it first.
 */
TEST_F(sel, ties_go_to_the_larger)
{
	struct kill_entry log[4];
	pid_t small, large;
	long diff;

	small = start(self, 700, 1024, "tie_small");
	large = start(self, 700, 4096, "tie_large");
	ASSERT_GT(small, 0);
	ASSERT_GT(large, 0);
	ASSERT_EQ(0, lmk_force_row(700));
	ASSERT_EQ(2, kill_log_wait(log, 4, 2, 3000));
	ASSERT_EQ(0, lmk_param_set("minfree", "1"));

	EXPECT_EQ(large, log[0].tgid);
	EXPECT_EQ(small, log[1].tgid);
	/* Same program, same steps: 3 MiB apart, give or take the lag. */
	diff = log[0].rss_kb - log[1].rss_kb;
	TH_LOG("rss %ld kB and %ld kB", log[0].rss_kb, log[1].rss_kb);
	EXPECT_GE(diff, 3072 - 512);
	EXPECT_LE(diff, 3072 + 512);
}

TEST_F(sel, kill_log_fields_match_the_victim)
{
	struct kill_entry log[4];
	pid_t a, b;
	int n, i;

	a = start(self, 300, 4096, "small");
	b = start(self, 800, 16384, "victim");
	ASSERT_GT(b, 0);
	ASSERT_EQ(0, lmk_force_row(200));
	/* Both are above 200: the 800 one first, then the other. */
	n = kill_log_wait(log, 4, 2, 3000);
	ASSERT_EQ(0, lmk_param_set("minfree", "1"));
	ASSERT_EQ(2, n);
	/* One pass may kill both: give the death wait time to see them go. */
	for (i = 0; i < 100 && (log[0].exit_ms < 0 || log[1].exit_ms < 0); i++) {
		usleep(10000);
		n = kill_log_read(log, 4);
	}

	EXPECT_EQ(b, log[0].tgid);
	EXPECT_EQ(b, log[0].pid);
	EXPECT_STREQ("victim", log[0].comm);
	EXPECT_EQ(800, log[0].adj);
	EXPECT_EQ(200, log[0].min_adj);
	EXPECT_EQ(0, log[0].row);
	EXPECT_EQ(ram_pages() * 4, log[0].minfree_kb);
	EXPECT_STREQ("poll", log[0].reason);
	EXPECT_EQ(0, log[0].dry_run);
	/*
	 * The hog's 16 MiB plus its binary and stack, read from the kernel's
	 * counters, which may lag by a per-CPU batch (6.12) or 64 faults
	 * (6.1): 256 kB here.
	 */
	EXPECT_GE(log[0].rss_kb, 16384 - 256);
	EXPECT_LE(log[0].rss_kb, 16384 + 4096);
	/* rss+swap: what oom_badness() counts, page tables included */
	EXPECT_GE(log[0].size_kb, log[0].rss_kb + log[0].swap_kb);
	EXPECT_LE(log[0].size_kb, log[0].rss_kb + log[0].swap_kb + 512);
	EXPECT_GT(log[0].free_kb, 0);
	/* The exit time is filled in once the victim is gone. */
	EXPECT_GE(log[0].exit_ms, 0);
	EXPECT_LT(log[0].exit_ms, 1000);
	EXPECT_EQ(a, log[1].tgid);
	EXPECT_EQ(300, log[1].adj);
}

TEST_F(sel, statistics_count_kills_and_reset)
{
	struct kill_entry log[4];
	pid_t a;

	a = start(self, 900, 8192, "victim");
	ASSERT_GT(a, 0);
	ASSERT_EQ(0, lmk_force_row(900));
	ASSERT_EQ(1, kill_log_wait(log, 4, 1, 3000));
	ASSERT_EQ(0, lmk_param_set("minfree", "1"));
	usleep(100000);

	EXPECT_EQ(1, lmk_stat("kills"));
	EXPECT_EQ(1, lmk_stat("kills_row0"));
	EXPECT_EQ(0, lmk_stat("kills_row1"));
	EXPECT_EQ(1, lmk_stat("poll_kills"));
	EXPECT_GE(lmk_stat("scan_walks"), 1);
	EXPECT_GE(lmk_stat("tasks_visited"), 10);
	EXPECT_GE(lmk_stat("pages_freed_est"), 8192 / 4);
	EXPECT_GT(lmk_stat("scan_ns_total"), 0);
	EXPECT_LE(lmk_stat("scan_ns_max"), lmk_stat("scan_ns_total"));
	EXPECT_EQ(0, lmk_stat("kernel_oom_events"));

	EXPECT_EQ(-EINVAL, lmk_write_file(LMK_STATS "reset", "0"));
	EXPECT_EQ(1, lmk_stat("kills"));
	EXPECT_EQ(0, lmk_write_file(LMK_STATS "reset", "1"));
	EXPECT_EQ(0, lmk_stat("kills"));
	EXPECT_EQ(0, lmk_stat("kills_row0"));
	EXPECT_EQ(0, lmk_stat("scan_walks"));
}

TEST_F(sel, kill_log_ring_drops_oldest)
{
	struct kill_entry log[8];
	char head[128];
	pid_t p[3];
	int i, n;
	FILE *f;

	ASSERT_EQ(0, lmk_param_set("kill_log_size", "2"));
	for (i = 0; i < 3; i++)
		p[i] = start(self, 700 + 100 * i, 4096, "ring");
	ASSERT_EQ(0, lmk_force_row(700));
	n = kill_log_wait(log, 8, 2, 3000);
	for (i = 0; i < 100 && lmk_stat("kills") < 3; i++)
		usleep(10000);
	ASSERT_EQ(0, lmk_param_set("minfree", "1"));
	EXPECT_EQ(3, lmk_stat("kills"));
	n = kill_log_read(log, 8);
	ASSERT_EQ(2, n);
	/* Highest adj first: p[2], p[1], then p[0]; the log keeps the last two. */
	EXPECT_EQ(p[1], log[0].tgid);
	EXPECT_EQ(p[0], log[1].tgid);

	f = fopen(LMK_KILL_LOG, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(head, sizeof(head), f));
	fclose(f);
	EXPECT_NE(NULL, strstr(head, "entries=3 dropped=1 size=2"));
}

static int deficit_pass(struct _test_data_sel *self, const char *extra,
			struct kill_entry *log)
{
	int i;

	lmk_param_set("deficit_kills", extra);
	for (i = 0; i < 3; i++)
		start(self, 800 + 50 * i, 8192, "deficit");
	start(self, 700, 8192, "spared");
	if (lmk_force_row(800))
		return -1;
	kill_log_wait(log, 8, 3, 3000);
	lmk_param_set("minfree", "1");
	return kill_log_read(log, 8);
}

TEST_F(sel, deficit_kills_take_several_victims_in_one_pass)
{
	struct kill_entry log[8];
	int i;

	/* A whole-RAM minfree leaves a deficit no single victim covers. */
	ASSERT_EQ(3, deficit_pass(self, "2", log));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(900 - 50 * i, log[i].adj);
		/* One pass: one memory snapshot for all three. */
		EXPECT_EQ(log[0].free_kb, log[i].free_kb);
		EXPECT_EQ(log[0].file_kb, log[i].file_kb);
	}
	EXPECT_EQ(3, lmk_stat("kills"));
}

TEST_F(sel, one_victim_per_pass_by_default)
{
	struct kill_entry log[8];
	int i;

	ASSERT_EQ(3, deficit_pass(self, "0", log));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(900 - 50 * i, log[i].adj);
	/*
	 * Each victim was waited for, and the next one chosen only after it
	 * had released its memory.
	 */
	for (i = 1; i < 3; i++) {
		EXPECT_GE(log[i - 1].exit_ms, 0);
		EXPECT_GE((log[i].ts - log[i - 1].ts) * 1000,
			  (double)log[i - 1].exit_ms);
	}
}

TEST_F(sel, pid1_kthreads_and_unkillable_are_never_chosen)
{
	struct kill_entry log[8];
	pid_t prot, target;
	int n, i;

	/* Make init and a -1000 process look like the best victims. */
	ASSERT_EQ(0, lmk_write_file("/proc/1/oom_score_adj", "1000"));
	prot = start(self, -1000, 16384, "unkillable");
	target = start(self, -999, 4096, "target");
	ASSERT_GT(target, 0);
	ASSERT_EQ(0, lmk_force_row(-999));
	n = kill_log_wait(log, 8, 1, 3000);
	usleep(500000);
	ASSERT_EQ(0, lmk_param_set("minfree", "1"));

	n = kill_log_read(log, 8);
	ASSERT_EQ(1, n);
	EXPECT_EQ(target, log[0].tgid);
	for (i = 0; i < n; i++) {
		EXPECT_NE(1, log[i].tgid);
		EXPECT_NE(prot, log[i].tgid);
	}
	EXPECT_TRUE(alive(prot));
	EXPECT_EQ(1, lmk_stat("kills"));
}

TEST_F(sel, tracepoint_reports_the_kill)
{
	char buf[8192], want[64];
	struct kill_entry log[4];
	pid_t a;
	int fd, i;
	ssize_t n;

	if (access("/sys/kernel/tracing/events/lowmemkiller", F_OK))
		SKIP(return, "tracefs or the lowmemkiller events are missing");
	ASSERT_EQ(0, lmk_write_file("/sys/kernel/tracing/events/lowmemkiller/enable", "1"));
	a = start(self, 650, 8192, "traced");
	ASSERT_EQ(0, lmk_force_row(600));
	ASSERT_EQ(1, kill_log_wait(log, 4, 1, 3000));
	ASSERT_EQ(0, lmk_param_set("minfree", "1"));

	/*
	 * The kill log entry is written just before the event: give the
	 * event a moment.
	 */
	snprintf(want, sizeof(want), "lowmemory_kill: comm=traced pid=%d ", a);
	for (i = 0; i < 100; i++) {
		fd = open("/sys/kernel/tracing/trace", O_RDONLY);
		ASSERT_GE(fd, 0);
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		ASSERT_GT(n, 0);
		buf[n] = '\0';
		if (strstr(buf, want))
			break;
		usleep(10000);
	}
	EXPECT_NE(NULL, strstr(buf, want)) {
		TH_LOG("trace buffer:\n%s", buf);
	}
	EXPECT_NE(NULL, strstr(buf, " adj=650 min_adj=600 "));
	EXPECT_NE(NULL, strstr(buf, " reason=poll dry_run=0"));
}

TEST_HARNESS_MAIN
