// SPDX-License-Identifier: GPL-2.0
/*
 * The reaper: a victim that cannot run still gives its memory back.
 *
 * The victim spins in a cgroup whose cpu.max gives it 1 ms of CPU a
 * second, so after the SIGKILL it waits up to a second to run its exit,
 * and raising its priority cannot help.  Its memory must come back while it is still
 * there: its VmRSS falls while /proc still shows an mm, which only an
 * unmapping by someone else can do.  The victim has released its robust
 * futex list (glibc registers one for every thread), so nothing in its
 * memory is left for its exit to read: the reaper need not wait for it.
 *
 * A victim that holds a robust mutex shared with another process must
 * still hand it over: its exit walks the list in its own memory to mark
 * the mutex owner-dead, and reaped too early, it could not.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <linux/futex.h>
#include <sys/syscall.h>

#include "lmk_guest.h"

#include "kselftest_harness.h"

#define SLOW_CG		"/sys/fs/cgroup/lmk_slow"
/*
 * A whole CPU, to let the victim go: still a quota, so that the
 * scheduler's bandwidth static key is not switched back off.  Switching
 * it patches the scheduler's text while the other vCPU runs it, which
 * the emulator can get wrong ("Oops: int3"); for that reason the cgroup,
 * whose removal would switch it off too, is also left in place.
 */
#define CPU_MAX_FREE	"100000 100000"
#define VICTIM_KB	(32 * 1024)

/*
 * Child: hold the memory, then move into the throttled cgroup and spin
 * there, so that it has used up its quota whenever the SIGKILL comes.
 */
static void slow_victim_body(int wfd, const void *arg)
{
	char pid[16];

	prctl(PR_SET_NAME, "slow_victim");
	if (set_oom_score_adj(getpid(), 900) || !hog_alloc(VICTIM_KB) ||
	    syscall(SYS_set_robust_list, NULL, sizeof(struct robust_list_head)))
		_exit(2);
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (lmk_write_file(SLOW_CG "/cgroup.procs", pid))
		_exit(3);
	if (write(wfd, "r", 1) != 1)
		_exit(4);
	for (;;)
		getppid();
}

/* VmRSS of @pid in kB, or -1 once it has let its memory go or is gone. */
static long vm_rss_kb(pid_t pid)
{
	return status_kb(pid, "VmRSS");
}

FIXTURE(reap) {
	pid_t victim;
};

FIXTURE_SETUP(reap)
{
	self->victim = 0;
	ASSERT_EQ(0, lmk_load("poll_ms=5 death_timeout_ms=10000"));
}

/* The throttled cgroup, or false if this kernel cannot throttle. */
static bool slow_cgroup(struct _test_data_reap *self)
{
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK))
		return false;
	lmk_write_file("/sys/fs/cgroup/cgroup.subtree_control", "+cpu");
	if (mkdir(SLOW_CG, 0755) && errno != EEXIST)
		return false;
	/* 1 ms every second: the smallest quota cpu.max takes. */
	return !lmk_write_file(SLOW_CG "/cpu.max", "1000 1000000");
}

FIXTURE_TEARDOWN(reap)
{
	lmk_unload();
	if (self->victim > 0) {
		kill(self->victim, SIGKILL);
		lmk_write_file(SLOW_CG "/cpu.max", CPU_MAX_FREE);
		waitpid(self->victim, NULL, 0);
	}
}

TEST_F_TIMEOUT(reap, starved_victim_gives_its_memory_back_before_it_exits, 120)
{
	long rss, least = LONG_MAX;
	int rfd, st, ms;

	if (!slow_cgroup(self))
		SKIP(return, "no cgroup2 cpu controller with bandwidth control");
	self->victim = fork_piped(slow_victim_body, NULL, &rfd);
	ASSERT_GT(self->victim, 0);
	ASSERT_EQ(0, wait_ready(rfd));
	rss = vm_rss_kb(self->victim);
	ASSERT_GE(rss, VICTIM_KB - 256);
	TH_LOG("victim %d holds %ld kB, throttled to 1 ms/s", self->victim,
	       rss);

	ASSERT_EQ(0, lmk_force_row(800));
	/* Watch while its mm is still attached: until then it has not exited. */
	for (ms = 0; ms < 20000; ms += 2) {
		rss = vm_rss_kb(self->victim);
		if (rss < 0)
			break;
		if (rss < least)
			least = rss;
		if (least < VICTIM_KB / 8)
			break;
		usleep(2000);
	}
	ASSERT_EQ(0, lmk_param_set("minfree", "1"));
	TH_LOG("least VmRSS seen while the victim kept its mm: %ld kB", least);
	EXPECT_LT(least, VICTIM_KB / 8);
	/* Counted once the reaper is done with it, just after the unmap. */
	for (ms = 0; ms < 5000 && lmk_stat("reaped") < 1; ms += 10)
		usleep(10000);
	EXPECT_EQ(1, lmk_stat("reaped"));

	/* Let it run: it still dies of the SIGKILL. */
	lmk_write_file(SLOW_CG "/cpu.max", CPU_MAX_FREE);
	ASSERT_EQ(self->victim, waitpid(self->victim, &st, 0));
	EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	self->victim = 0;
}

/* ---- robust futexes ------------------------------------------------ */

static pthread_mutex_t *robust_mutex_new(void)
{
	pthread_mutexattr_t a;
	pthread_mutex_t *m;

	m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(m, &a);
	return m;
}

/* Child: take the mutex, then sit at SCHED_IDLE behind the spinners. */
static void owner_body(int wfd, const void *arg)
{
	pthread_mutex_t *m = (pthread_mutex_t *)arg;
	struct sched_param sp = { 0 };

	prctl(PR_SET_NAME, "robust_owner");
	if (set_oom_score_adj(getpid(), 900) || !hog_alloc(VICTIM_KB) ||
	    pthread_mutex_lock(m) ||
	    sched_setscheduler(0, SCHED_IDLE, &sp))
		_exit(2);
	if (write(wfd, "r", 1) != 1)
		_exit(4);
	for (;;)
		getppid();
}

static pid_t spinner_start(void)
{
	pid_t pid = fork();

	if (!pid) {
		prctl(PR_SET_NAME, "spinner");
		for (;;)
			getppid();
	}
	return pid;
}

TEST_F_TIMEOUT(reap, robust_mutex_of_a_starved_victim_is_handed_over, 120)
{
	struct timespec until;
	pthread_mutex_t *m;
	pid_t spin[2];
	int rfd, err, i;

	m = robust_mutex_new();
	ASSERT_NE(NULL, m);
	self->victim = fork_piped(owner_body, m, &rfd);
	ASSERT_GT(self->victim, 0);
	ASSERT_EQ(0, wait_ready(rfd));
	for (i = 0; i < 2; i++)
		spin[i] = spinner_start();

	ASSERT_EQ(0, lmk_force_row(800));
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 20;
	err = pthread_mutex_timedlock(m, &until);
	lmk_param_set("minfree", "1");
	for (i = 0; i < 2; i++)
		kill(spin[i], SIGKILL);
	for (i = 0; i < 2; i++)
		waitpid(spin[i], NULL, 0);
	TH_LOG("the waiter got %s", strerror(err));
	EXPECT_EQ(EOWNERDEAD, err);
	if (err == EOWNERDEAD) {
		pthread_mutex_consistent(m);
		pthread_mutex_unlock(m);
	}
}

TEST_HARNESS_MAIN
