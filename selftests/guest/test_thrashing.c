// SPDX-License-Identifier: GPL-2.0
/*
 * File cache thrashing: a reader loops over a working set on a RAM disk
 * (brd) while anonymous memory leaves the cache too little room for it.
 * Every pass evicts what the next one needs, so the reads refault, but
 * the cache keeps file pages above the table's rows: no row is crossed.
 * With thrashing_limit the module kills the top row's tier (adj 900 here)
 * and nothing else; with thrashing_limit=0 it kills nobody.
 */
#include <fcntl.h>

#include "lmk_guest.h"

#include "kselftest_harness.h"

#define WS_KB		(64 * 1024)	/* the reader's working set */
#define ROOM_KB		(32 * 1024)	/* cache left beside the hogs */
#define TOP_KB		(8 * 1024)	/* the table's top row */
#define RAMDISK		"/dev/ram0"

/* Write the working set to the RAM disk, then drop it from the cache. */
static int ramdisk_fill(void)
{
	static char buf[1 << 16];
	long done;
	int fd;

	if (lmk_run("loadmod brd rd_nr=1 rd_size=%d >/dev/null 2>&1", WS_KB))
		return -1;
	fd = open(RAMDISK, O_WRONLY);
	if (fd < 0)
		return -1;
	memset(buf, 0x5a, sizeof(buf));
	for (done = 0; done < WS_KB * 1024L; done += sizeof(buf))
		if (write(fd, buf, sizeof(buf)) != sizeof(buf)) {
			close(fd);
			return -1;
		}
	fsync(fd);
	close(fd);
	return lmk_write_file("/proc/sys/vm/drop_caches", "3");
}

/* Read the working set over and over, through the page cache. */
static void reader_body(int wfd, const void *arg)
{
	static char buf[1 << 16];
	bool told = false;
	int fd;

	(void)arg;
	prctl(PR_SET_NAME, "ws_reader");
	if (set_oom_score_adj(getpid(), 0))
		_exit(2);
	fd = open(RAMDISK, O_RDONLY);
	if (fd < 0)
		_exit(3);
	for (;;) {
		if (lseek(fd, 0, SEEK_SET))
			_exit(4);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		if (!told && write(wfd, "r", 1) == 1)
			told = true;
	}
}

FIXTURE(thrash) {
	pid_t reader, victim, bystander;
};

FIXTURE_SETUP(thrash)
{
	long avail;
	int rfd;

	self->reader = 0;
	self->victim = 0;
	self->bystander = 0;
	/* With swap the hog's memory, not the cache, would make room. */
	TH_LOG("SwapTotal %ld kB before swapoff -a", meminfo_kb("SwapTotal"));
	lmk_run("swapoff -a 2>/dev/null");
	ASSERT_EQ(0, meminfo_kb("SwapTotal"));
	if (ramdisk_fill())
		SKIP(return, "no brd RAM disk in this kernel");
	self->bystander = hog_spawn(500, 8192, "bystander");
	ASSERT_GT(self->bystander, 0);
	self->reader = fork_piped(reader_body, NULL, &rfd);
	ASSERT_GT(self->reader, 0);
	ASSERT_EQ(0, wait_ready(rfd));
	/*
	 * MemAvailable counts the cached working set as available: leave
	 * the cache ROOM_KB, less than the working set but far above the
	 * rows, so that only refaults can tell.
	 */
	avail = meminfo_kb("MemAvailable");
	TH_LOG("MemAvailable %ld kB before the victim", avail);
	ASSERT_GT(avail - ROOM_KB, 8192);
	self->victim = hog_spawn(900, avail - ROOM_KB, "victim");
	ASSERT_GT(self->victim, 0);
}

FIXTURE_TEARDOWN(thrash)
{
	lmk_unload();
	if (self->reader > 0)
		kill(self->reader, SIGKILL);
	if (self->victim > 0)
		kill(self->victim, SIGKILL);
	if (self->bystander > 0)
		kill(self->bystander, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0)
		;
	lmk_run("rmmod brd 2>/dev/null");
}

/*
 * Rows at 4 MiB and TOP_KB: the cache (a little under ROOM_KB) stays well
 * above both, so none is crossed however hard the reader thrashes, while
 * free memory sits below the top row, where thrashing is watched.
 */
static int load_table(const char *limit)
{
	char args[128];

	snprintf(args, sizeof(args),
		 "minfree=1024,%d adj=0,900 poll_ms=10 thrashing_limit=%s",
		 TOP_KB / 4, limit);
	return lmk_load(args);
}

/* Say who was killed and why, so that a failure shows its cause. */
static void log_kills(struct __test_metadata *_metadata)
{
	struct kill_entry log[8];
	int i, n;

	n = kill_log_read(log, 8);
	for (i = 0; i < n; i++)
		TH_LOG("kill %d: %s adj %d, %s, row %d: free %ld kB file %ld kB",
		       i, log[i].comm, log[i].adj, log[i].reason, log[i].row,
		       log[i].free_kb, log[i].file_kb);
}

/*
 * File refaults per second over @ms, in percent of the file LRU: what
 * thrashing_limit is compared with.
 */
static double refault_pct(int ms)
{
	long r0 = vmstat_value("workingset_refault_file"), lru_kb;
	double pages;

	usleep(ms * 1000);
	pages = (vmstat_value("workingset_refault_file") - r0) * 1000.0 / ms;
	lru_kb = meminfo_kb("Active(file)") + meminfo_kb("Inactive(file)");
	return lru_kb > 0 ? pages * 4 * 100 / lru_kb : 0;
}

/* Well above the limit the kill test uses, so that it must fire. */
#define THRASH_PCT	20
#define LIMIT		"10"

/*
 * The reader needs a few passes to settle into thrashing once the victim
 * holds its memory: measure one-second windows until one reaches
 * THRASH_PCT, for up to @s seconds.  Returns the highest seen.
 */
static double thrashing_settled(int s)
{
	double pct, best = 0;

	while (s-- > 0) {
		pct = refault_pct(1000);
		if (pct > best)
			best = pct;
		if (pct >= THRASH_PCT)
			break;
	}
	return best;
}

TEST_F(thrash, thrashing_kills_the_top_tier_only)
{
	struct kill_entry log[8];
	double pct;
	int n;

	pct = thrashing_settled(8);
	TH_LOG("before: %.0f %% of the file LRU refaulted per second", pct);
	ASSERT_GE(pct, THRASH_PCT);	/* the reader does thrash */

	ASSERT_EQ(0, load_table(LIMIT));
	n = kill_log_wait(log, 8, 1, 10000);
	if (n != 1)
		log_kills(_metadata);
	ASSERT_EQ(1, n);
	EXPECT_EQ(self->victim, log[0].tgid);
	EXPECT_STREQ("thrashing", log[0].reason);
	EXPECT_EQ(900, log[0].adj);
	EXPECT_EQ(900, log[0].min_adj);
	EXPECT_EQ(1, log[0].row);
	TH_LOG("killed %s adj %d: free %ld kB file %ld kB",
	       log[0].comm, log[0].adj, log[0].free_kb, log[0].file_kb);
	/* no row was crossed: the file cache stayed above the top row */
	EXPECT_GT(log[0].file_kb, TOP_KB);
	EXPECT_EQ(0, waitpid(self->victim, NULL, 0) == self->victim ? 0 : -1);
	self->victim = 0;

	/* The working set fits again: no second kill, the others live. */
	sleep(2);
	pct = refault_pct(1000);
	TH_LOG("after: %.0f %% of the file LRU refaulted per second", pct);
	EXPECT_LT(pct, atoi(LIMIT));
	EXPECT_EQ(1, lmk_stat("kills"));
	EXPECT_EQ(1, lmk_stat("thrashing_kills"));
	EXPECT_EQ(0, kill(self->reader, 0));
	EXPECT_EQ(0, kill(self->bystander, 0));
}

TEST_F(thrash, limit_zero_kills_nobody)
{
	long r0;
	double pct;

	ASSERT_EQ(0, load_table("0"));
	r0 = vmstat_value("workingset_refault_file");
	sleep(3);
	pct = thrashing_settled(8);
	TH_LOG("%ld pages refaulted; %.0f %% of the file LRU per second at the end",
	       vmstat_value("workingset_refault_file") - r0, pct);
	/* it did thrash all along, and nobody was killed */
	EXPECT_GE(pct, THRASH_PCT);
	EXPECT_EQ(0, lmk_stat("kills"));
	log_kills(_metadata);
	EXPECT_EQ(0, kill(self->victim, 0));
	EXPECT_EQ(0, kill(self->reader, 0));
	EXPECT_EQ(0, kill(self->bystander, 0));
}

TEST_HARNESS_MAIN
