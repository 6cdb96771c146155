// SPDX-License-Identifier: GPL-2.0
/*
 * Processes whose memory outlives the obvious task: CLONE_VM sharers and
 * thread groups whose leader has exited.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>

#include "lmk_guest.h"

#include "kselftest_harness.h"

static bool pid_dead(pid_t pid)
{
	char path[64], buf[256], *s;

	if (kill(pid, 0) && errno == ESRCH)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (lmk_read_file(path, buf, sizeof(buf)))
		return true;
	s = strrchr(buf, ')');
	return s && (s[2] == 'Z' || s[2] == 'X');
}

static bool wait_dead(pid_t pid, int ms)
{
	for (; ms > 0; ms -= 10) {
		if (pid_dead(pid))
			return true;
		usleep(10000);
	}
	return pid_dead(pid);
}

static int sharer_fn(void *arg)
{
	for (;;)
		pause();
	return 0;
}

/*
 * Child: hold 16 MiB, then clone a second process (not a thread) on the
 * same mm; report both pids.
 */
static pid_t spawn_sharers(int adj, pid_t *sharer)
{
	const size_t stack_len = 64 * 1024;
	pid_t pid, pids[2];
	char *stack;
	int pfd[2];

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (!pid) {
		prctl(PR_SET_NAME, "owner");
		set_oom_score_adj(getpid(), adj);
		if (!hog_alloc(16384))
			_exit(3);
		stack = mmap(NULL, stack_len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (stack == MAP_FAILED)
			_exit(5);
		pids[0] = getpid();
		pids[1] = clone(sharer_fn, stack + stack_len,
				CLONE_VM | SIGCHLD, NULL);
		if (write(pfd[1], pids, sizeof(pids)) != sizeof(pids))
			_exit(4);
		for (;;)
			pause();
	}
	if (read(pfd[0], pids, sizeof(pids)) != sizeof(pids))
		return -1;
	close(pfd[0]);
	close(pfd[1]);
	*sharer = pids[1];
	return pid;
}

/* A thread that holds @kb, then reports its tid through a pipe. */
struct thread_hog {
	long kb;
	pid_t tid;
	int wfd;
};

static void *thread_hog(void *arg)
{
	struct thread_hog *h = arg;
	char c = 'r';

	if (!hog_alloc(h->kb))
		_exit(3);
	h->tid = gettid();
	if (write(h->wfd, &c, 1) != 1)
		_exit(4);
	for (;;)
		pause();
	return NULL;
}

/*
 * Start a thread_hog and wait until it holds its memory; 0 or -1.  A
 * blocking read, not a poll, so that every caller runs the same code.
 */
static int thread_hog_start(struct thread_hog *h)
{
	int pfd[2], ret;
	pthread_t th;
	char c;

	if (pipe(pfd))
		return -1;
	h->wfd = pfd[1];
	ret = pthread_create(&th, NULL, thread_hog, h) ? -1 : 0;
	if (!ret && read(pfd[0], &c, 1) != 1)
		ret = -1;
	close(pfd[0]);
	close(pfd[1]);
	return ret;
}

/* Child: a thread holds the memory, then the leader exits. */
static pid_t spawn_orphaned_group(int adj, pid_t *tid)
{
	int pfd[2];
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (!pid) {
		static struct thread_hog t = { .kb = 16384 };

		prctl(PR_SET_NAME, "leaderless");
		set_oom_score_adj(getpid(), adj);
		if (thread_hog_start(&t))
			_exit(3);
		if (write(pfd[1], &t.tid, sizeof(pid_t)) != sizeof(pid_t))
			_exit(4);
		pthread_exit(NULL);
	}
	if (read(pfd[0], tid, sizeof(*tid)) != sizeof(*tid))
		return -1;
	close(pfd[0]);
	close(pfd[1]);
	return pid;
}

/* Child: a second thread touches the memory; the leader only waits. */
static void threaded_hog_body(int wfd, const void *arg)
{
	static struct thread_hog t;

	t.kb = *(const long *)arg;
	prctl(PR_SET_NAME, "tie_threaded");
	if (set_oom_score_adj(getpid(), 700) || thread_hog_start(&t))
		_exit(2);
	if (write(wfd, "r", 1) != 1)
		_exit(4);
	for (;;)
		pause();
}

FIXTURE(mm) {
	pid_t a, b;
};

FIXTURE_SETUP(mm)
{
	self->a = 0;
	self->b = 0;
	ASSERT_EQ(0, lmk_load("poll_ms=5"));
}

FIXTURE_TEARDOWN(mm)
{
	lmk_unload();
	if (self->a > 0)
		kill(self->a, SIGKILL);
	if (self->b > 0)
		kill(self->b, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0)
		;
}

TEST_F(mm, clone_vm_sharers_die_together)
{
	struct kill_entry log[4];
	int n;

	self->a = spawn_sharers(800, &self->b);
	ASSERT_GT(self->a, 0);
	ASSERT_GT(self->b, 0);
	ASSERT_EQ(0, lmk_force_row(700));
	n = kill_log_wait(log, 4, 1, 3000);
	EXPECT_TRUE(wait_dead(self->a, 2000));
	EXPECT_TRUE(wait_dead(self->b, 2000));
	usleep(200000);
	ASSERT_EQ(0, lmk_param_set("minfree", "1"));
	n = kill_log_read(log, 4);
	/* One decision; the sharer dies with the victim, not as a second kill. */
	ASSERT_EQ(1, n);
	EXPECT_TRUE(log[0].tgid == self->a || log[0].tgid == self->b);
	TH_LOG("victim %d, sharer of the same mm also gone", log[0].tgid);
}

TEST_F(mm, thread_group_with_exited_leader_is_a_candidate)
{
	struct kill_entry log[4];
	pid_t tid = 0;
	int n;

	self->a = spawn_orphaned_group(850, &tid);
	ASSERT_GT(self->a, 0);
	ASSERT_GT(tid, 0);
	usleep(100000);		/* let the leader finish exiting */
	ASSERT_EQ(0, lmk_force_row(800));
	n = kill_log_wait(log, 4, 1, 3000);
	ASSERT_EQ(0, lmk_param_set("minfree", "1"));
	ASSERT_EQ(1, n);
	EXPECT_EQ(self->a, log[0].tgid);
	EXPECT_EQ(tid, log[0].pid);	/* seen through the live thread */
	EXPECT_GE(log[0].rss_kb, 16384 - 256);
	EXPECT_TRUE(wait_dead(self->a, 2000));
}

/*
 * On 6.1 the pages a thread faults in wait in that thread's own counters
 * until 64 faults have gone by, and the kernel's get_mm_rss(), which the
 * module reads as oom_badness() does, leaves them out until then.  Two
 * processes whose second thread holds 1 and 4 MiB, far more than that
 * lag: the smaller starts first, so an exact tie would kill it first.
 */
static pid_t threaded_hog_spawn(long kb)
{
	int rfd;
	pid_t pid = fork_piped(threaded_hog_body, &kb, &rfd);

	if (pid < 0 || wait_ready(rfd))
		return -1;
	return pid;
}

TEST_F(mm, pages_a_thread_faulted_count_for_its_process)
{
	struct kill_entry log[4];
	long diff;
	int n;

	self->a = threaded_hog_spawn(1024);
	ASSERT_GT(self->a, 0);
	self->b = threaded_hog_spawn(4096);
	ASSERT_GT(self->b, 0);
	ASSERT_EQ(0, lmk_force_row(700));
	n = kill_log_wait(log, 4, 2, 3000);
	ASSERT_EQ(0, lmk_param_set("minfree", "1"));
	ASSERT_EQ(2, n);

	EXPECT_EQ(self->b, log[0].tgid);
	EXPECT_EQ(self->a, log[1].tgid);
	/* Same program, same steps: 3 MiB apart, give or take the lag. */
	diff = log[0].rss_kb - log[1].rss_kb;
	TH_LOG("rss %ld kB and %ld kB", log[0].rss_kb, log[1].rss_kb);
	EXPECT_GE(diff, 3072 - 512);
	EXPECT_LE(diff, 3072 + 512);
}

TEST_HARNESS_MAIN
