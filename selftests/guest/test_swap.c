// SPDX-License-Identifier: GPL-2.0
/*
 * With swap (zram), a process whose memory is mostly swapped out is ranked
 * by RSS + swap, not by its small RSS, unless victim_size=rss.
 */
#include "lmk_guest.h"

#include "kselftest_harness.h"

FIXTURE(swap) {
	pid_t swapped, resident;
};

FIXTURE_SETUP(swap)
{
	const struct hog swapped = {
		.adj = 900, .kb = 24576, .name = "swapped", .pageout = true,
	};

	if (lmk_run("loadmod zram >/dev/null 2>&1") ||
	    lmk_run("echo 64M > /sys/block/zram0/disksize") ||
	    lmk_run("mkswap /dev/zram0 >/dev/null") ||
	    lmk_run("swapon /dev/zram0"))
		SKIP(return, "no zram swap in this kernel");
	ASSERT_EQ(0, lmk_load("poll_ms=5"));
	self->swapped = hog_start(&swapped);
	self->resident = hog_spawn(900, 12288, "resident");
	ASSERT_GT(self->swapped, 0);
	ASSERT_GT(self->resident, 0);
	TH_LOG("swapped hog: VmRSS %ld kB VmSwap %ld kB",
	       status_kb(self->swapped, "VmRSS"),
	       status_kb(self->swapped, "VmSwap"));
	if (status_kb(self->swapped, "VmSwap") < 16384)
		SKIP(return, "could not push the hog out to swap");
}

FIXTURE_TEARDOWN(swap)
{
	lmk_unload();
	if (self->swapped > 0)
		kill(self->swapped, SIGKILL);
	if (self->resident > 0)
		kill(self->resident, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0)
		;
	lmk_run("swapoff /dev/zram0 2>/dev/null");
	lmk_run("echo 1 > /sys/block/zram0/reset 2>/dev/null");
	lmk_run("rmmod zram 2>/dev/null");
}

static int dry_run_choice(void)
{
	struct kill_entry log[4];
	int n;

	if (lmk_param_set("dry_run", "Y") || lmk_force_row(800))
		return -1;
	n = kill_log_wait(log, 4, 1, 3000);
	lmk_param_set("minfree", "1");
	return n >= 1 ? log[0].tgid : -1;
}

TEST_F(swap, rss_plus_swap_ranks_the_swapped_process_larger)
{
	ASSERT_EQ(0, lmk_param_set("victim_size", "rss+swap"));
	EXPECT_EQ(self->swapped, dry_run_choice());
}

TEST_F(swap, rss_only_ranks_by_resident_memory)
{
	ASSERT_EQ(0, lmk_param_set("victim_size", "rss"));
	EXPECT_EQ(self->resident, dry_run_choice());
}

TEST_HARNESS_MAIN
