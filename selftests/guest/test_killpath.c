// SPDX-License-Identifier: GPL-2.0
/*
 * The kill path against processes that would defeat it: a thread group
 * whose leader has exited, a CLONE_VM sharer of one, a vfork child that
 * raised its own oom_score_adj, a process blocked dumping core into a pipe;
 * the kernel's manual OOM kill (sysrq f), which must stay one kill; and
 * the kill log's numbering across a resize.  Each test asserts who died and
 * who survived, with generous bounds, never how fast.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/ptrace.h>
#include <sys/resource.h>

#include "lmk_guest.h"

#include "kselftest_harness.h"

#define NOBODY		65534
#define MAX_PROCS	8
/* How long a process the module should kill may take to be gone. */
#define DEATH_MS	20000
/* Per test; the debug lane raises the harness's default. */
#define KP_TIMEOUT	(TEST_TIMEOUT_DEFAULT * 4)

/* The core dump helper: a reader of the pipe that never reads it. */
#define CORE_HELPER	"/bin/sleep"
#define CORE_SECS	"987"
#define CORE_PATTERN	"|" CORE_HELPER " " CORE_SECS

FIXTURE(killpath) {
	pid_t pid[MAX_PROCS];
	int nr;
	char core_pattern[256];
	bool core_saved;
	char sysrq[32];
	bool sysrq_saved;
};

FIXTURE_SETUP(killpath)
{
	self->nr = 0;
	self->core_saved = false;
	self->sysrq_saved = false;
	ASSERT_EQ(0, lmk_load("poll_ms=5"));
}

/* Kill what the core pattern started: "/bin/sleep 987" processes. */
static void kill_core_helpers(void)
{
	static const char want[] = CORE_HELPER "\0" CORE_SECS "\0";
	struct dirent *de;
	char path[64], buf[64];
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return;
	while ((de = readdir(d))) {
		int pid = atoi(de->d_name), fd;
		ssize_t n;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		close(fd);
		if (n == sizeof(want) - 1 && !memcmp(buf, want, n))
			kill(pid, SIGKILL);
	}
	closedir(d);
}

/* State letter of thread @tid of process @pid, or 0 once it is gone. */
static char task_state(pid_t pid, pid_t tid)
{
	char path[64], buf[512], *s;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	if (lmk_read_file(path, buf, sizeof(buf)))
		return 0;
	s = strrchr(buf, ')');
	return s && s[1] == ' ' ? s[2] : 0;
}

/* Every thread of @pid has exited (reaped or not). */
static bool all_exited(pid_t pid)
{
	struct dirent *de;
	bool live = false;
	char path[64];
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return true;
	while (!live && (de = readdir(d))) {
		char st;

		if (de->d_name[0] == '.')
			continue;
		st = task_state(pid, atoi(de->d_name));
		live = st && st != 'Z' && st != 'X';
	}
	closedir(d);
	return !live;
}

/*
 * In the parent: with -O2, the harness's own teardown in the test's
 * process is skipped after a failed ASSERT (its "child" variable does not
 * survive the longjmp), and processes left behind would spoil the next
 * tests.  The test's process may be gone by then, so its children are
 * init's: they are killed and waited for through /proc.
 */
FIXTURE_TEARDOWN_PARENT(killpath)
{
	int i, ms;

	lmk_unload();
	for (i = 0; i < self->nr; i++)
		kill(self->pid[i], SIGKILL);
	if (self->core_saved) {
		lmk_write_file("/proc/sys/kernel/core_pattern",
			       self->core_pattern);
		kill_core_helpers();
	}
	if (self->sysrq_saved)
		lmk_write_file("/proc/sys/kernel/sysrq", self->sysrq);
	for (i = 0; i < self->nr; i++)
		for (ms = 0; ms < 10000 && !all_exited(self->pid[i]); ms += 10)
			usleep(10000);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static pid_t track(struct _test_data_killpath *self, pid_t pid)
{
	if (pid > 0 && self->nr < MAX_PROCS)
		self->pid[self->nr++] = pid;
	return pid;
}

/* Wait up to @ms for child @pid to be reaped; its status in *@st. */
static bool reaped(pid_t pid, int *st, int ms)
{
	for (; ms > 0; ms -= 10) {
		if (waitpid(pid, st, WNOHANG) == pid)
			return true;
		usleep(10000);
	}
	return waitpid(pid, st, WNOHANG) == pid;
}

/* A single-threaded process that is not a zombie (whoever its parent is). */
static bool running(pid_t pid)
{
	char st = task_state(pid, pid);

	return st && st != 'Z' && st != 'X';
}

static int adj_of(pid_t pid)
{
	char path[64], buf[16];

	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", pid);
	return lmk_read_file(path, buf, sizeof(buf)) ? -9999 : atoi(buf);
}

/* Kill log entries, real kills only, whose tgid is @tgid. */
static int kills_of(pid_t tgid)
{
	struct kill_entry log[64];
	int n, i, hits = 0;

	n = kill_log_read(log, 64);
	for (i = 0; i < n; i++)
		if (!log[i].dry_run && log[i].tgid == tgid)
			hits++;
	return hits;
}

/* The first real kill in the log, waiting up to @ms; its index or -1. */
static int first_kill(struct kill_entry *log, int max, int ms)
{
	int n, i;

	for (; ms > 0; ms -= 10) {
		n = kill_log_read(log, max);
		for (i = 0; i < n; i++)
			if (!log[i].dry_run)
				return i;
		usleep(10000);
	}
	return -1;
}

/*
 * Wait up to @ms until the kill log's newest real entry for @tgid has an
 * exit time: the module saw its memory go.
 */
static bool exit_logged(pid_t tgid, int ms)
{
	struct kill_entry log[64];
	int n, i, last;

	for (; ms > 0; ms -= 10) {
		n = kill_log_read(log, 64);
		last = -1;
		for (i = 0; i < n; i++)
			if (!log[i].dry_run && log[i].tgid == tgid)
				last = i;
		if (last >= 0 && log[last].exit_ms >= 0)
			return true;
		usleep(10000);
	}
	return false;
}

/* ---- a process whose leader has exited ----------------------------------- */

/**
 * struct leaderless - a process whose main thread exits via pthread_exit()
 * @kb:     memory it holds, touched
 * @uid:    user to run as, 0 to stay root
 * @sharer: also clone a process on the same mm (CLONE_VM, no CLONE_THREAD)
 */
struct leaderless {
	long kb;
	uid_t uid;
	bool sharer;
};

struct leaderless_report {
	pid_t sharer;
};

static int sharer_fn(void *arg)
{
	for (;;)
		pause();
	return 0;
}

static void *idle_thread(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

static void leaderless_body(int wfd, const void *arg)
{
	const struct leaderless *l = arg;
	const size_t stack_len = 64 * 1024;
	struct leaderless_report r = { 0 };
	pthread_t th;
	char *stack;

	prctl(PR_SET_NAME, "leaderless");
	if (l->uid && (setgroups(0, NULL) || setgid(l->uid) ||
		       setuid(l->uid)))
		_exit(2);
	/* A uid change leaves /proc/self owned by root unless dumpable. */
	if (prctl(PR_SET_DUMPABLE, 1) ||
	    lmk_write_file("/proc/self/oom_score_adj", "1000"))
		_exit(3);
	if (!hog_alloc(l->kb))
		_exit(4);
	if (l->sharer) {
		stack = mmap(NULL, stack_len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (stack == MAP_FAILED)
			_exit(5);
		/* CLONE_PARENT: the test is its parent, and reaps it. */
		r.sharer = clone(sharer_fn, stack + stack_len,
				 CLONE_VM | CLONE_PARENT | SIGCHLD, NULL);
		if (r.sharer < 0)
			_exit(6);
	}
	if (pthread_create(&th, NULL, idle_thread, NULL))
		_exit(7);
	if (write(wfd, &r, sizeof(r)) != sizeof(r))
		_exit(8);
	pthread_exit(NULL);
}

/*
 * Start @l and wait until its leader is a zombie while its other thread
 * lives on.  Returns its pid, or -1.
 */
static pid_t leaderless_start(struct _test_data_killpath *self,
			      const struct leaderless *l,
			      struct leaderless_report *r)
{
	char path[64];
	pid_t pid;
	int rfd, i;

	pid = track(self, fork_piped(leaderless_body, l, &rfd));
	if (pid < 0)
		return -1;
	if (read(rfd, r, sizeof(*r)) != sizeof(*r)) {
		close(rfd);
		return -1;
	}
	close(rfd);
	if (r->sharer > 0)
		track(self, r->sharer);
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	for (i = 0; i < 1000; i++) {
		if (task_state(pid, pid) == 'Z' &&
		    proc_field_kb(path, "Threads") == 2)
			return pid;
		usleep(10000);
	}
	return -1;
}

/*
 * A non-root process whose main thread has exited (its other thread holds
 * the memory) raises its own adj.  A signal sent to the exited leader
 * alone is never delivered; the whole process must die.
 */
TEST_F_TIMEOUT(killpath, leader_exited_process_is_killed, KP_TIMEOUT)
{
	struct leaderless l = { .kb = 32768, .uid = NOBODY };
	struct leaderless_report r;
	char path[64];
	bool dead;
	pid_t pid;
	int st = 0;

	pid = leaderless_start(self, &l, &r);
	ASSERT_LT(0, pid);
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	ASSERT_EQ(NOBODY, proc_field_kb(path, "Uid"));
	ASSERT_EQ(1000, adj_of(pid));
	ASSERT_EQ(0, lmk_force_row(900));
	dead = reaped(pid, &st, DEATH_MS);
	ASSERT_EQ(0, lmk_param_set("minfree", "1"));
	TH_LOG("%d kill log entries name pid %d", kills_of(pid), pid);
	ASSERT_TRUE(dead);
	EXPECT_TRUE(WIFSIGNALED(st));
	EXPECT_EQ(SIGKILL, WTERMSIG(st));
	EXPECT_LE(1, kills_of(pid));
	/* The module saw its memory go. */
	EXPECT_TRUE(exit_logged(pid, 10000));
}

/*
 * The same, with a second process on its memory (CLONE_VM without
 * CLONE_THREAD).  mm_users (live thread + sharer) then equals the thread
 * count, which still counts the exited leader: the sharer must be found
 * all the same, and die with the victim, in the same decision.
 */
TEST_F_TIMEOUT(killpath, sharer_of_a_process_with_exited_leader_dies_too,
	       KP_TIMEOUT)
{
	struct leaderless l = { .kb = 32768, .sharer = true };
	struct leaderless_report r;
	bool dead, sharer_dead;
	int st = 0, st2 = 0;
	pid_t pid;

	pid = leaderless_start(self, &l, &r);
	ASSERT_LT(0, pid);
	ASSERT_LT(0, r.sharer);
	ASSERT_TRUE(running(r.sharer));
	ASSERT_EQ(0, lmk_force_row(900));
	dead = reaped(pid, &st, DEATH_MS);
	sharer_dead = reaped(r.sharer, &st2, dead ? 10000 : 10);
	ASSERT_EQ(0, lmk_param_set("minfree", "1"));
	TH_LOG("kill log entries: %d name pid %d, %d name sharer %d",
	       kills_of(pid), pid, kills_of(r.sharer), r.sharer);
	EXPECT_TRUE(dead);
	EXPECT_TRUE(sharer_dead);
	ASSERT_TRUE(dead && sharer_dead);
	EXPECT_EQ(SIGKILL, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	EXPECT_EQ(SIGKILL, WIFSIGNALED(st2) ? WTERMSIG(st2) : 0);
	/* One decision: the sharer died with the victim, not as a second kill. */
	EXPECT_EQ(1, kills_of(pid) + kills_of(r.sharer));
}

/* ---- a vfork child ------------------------------------------------------- */

/*
 * At adj 0 with 16 MiB, vfork(); the child raises its own adj to 1000
 * (a vfork child's write does not reach its parent), reports its pid and
 * waits, on the parent's memory, until the parent is gone.
 */
static void vfork_parent_body(int wfd, const void *arg)
{
	int hold[2];
	pid_t child;

	prctl(PR_SET_NAME, "vfork_parent");
	if (set_oom_score_adj(getpid(), 0) || !hog_alloc(16384) || pipe(hold))
		_exit(2);
	child = vfork();
	if (!child) {
		pid_t me = getpid();
		char c;
		int fd;

		fd = open("/proc/self/oom_score_adj", O_WRONLY);
		if (fd < 0 || write(fd, "1000", 4) != 4)
			_exit(3);
		close(fd);
		if (write(wfd, &me, sizeof(me)) != sizeof(me))
			_exit(4);
		/* EOF once the parent, the other holder, is gone. */
		close(hold[1]);
		while (read(hold[0], &c, 1) > 0)
			;
		_exit(0);
	}
	for (;;)
		pause();
}

/*
 * A vfork child runs on its parent's memory, which it does not own: the
 * kernel's OOM killer skips it (in_vfork()).  It must not be chosen for
 * its adj of 1000, which would take its parent at adj 0 down with it as a
 * sharer of that memory; the adj 500 process is the one to die.
 */
TEST_F_TIMEOUT(killpath, vfork_child_that_raised_its_adj_is_not_chosen,
	       KP_TIMEOUT)
{
	struct kill_entry log[16];
	pid_t parent, child = 0, other;
	int rfd, i, st;

	parent = track(self, fork_piped(vfork_parent_body, NULL, &rfd));
	ASSERT_LT(0, parent);
	ASSERT_EQ(sizeof(child), read(rfd, &child, sizeof(child)));
	close(rfd);
	track(self, child);
	ASSERT_LT(0, child);
	other = track(self, hog_spawn(500, 4096, "adj500"));
	ASSERT_LT(0, other);
	ASSERT_EQ(0, adj_of(parent));
	ASSERT_EQ(1000, adj_of(child));

	ASSERT_EQ(0, lmk_force_row(400));
	i = first_kill(log, 16, 10000);
	ASSERT_LE(0, i) {
		lmk_param_set("minfree", "1");
	}
	TH_LOG("first victim pid %d tgid %d adj %d (vfork parent %d, child %d, adj 500 %d)",
	       log[i].pid, log[i].tgid, log[i].adj, parent, child, other);
	EXPECT_EQ(other, log[i].tgid);
	EXPECT_TRUE(reaped(other, &st, DEATH_MS));
	/* Passes go on at the crossed row once its memory is back. */
	EXPECT_TRUE(exit_logged(other, 10000));
	usleep(1000000);
	ASSERT_EQ(0, lmk_param_set("minfree", "1"));
	EXPECT_EQ(0, waitpid(parent, &st, WNOHANG));
	EXPECT_TRUE(running(child));
	EXPECT_EQ(0, kills_of(parent));
	EXPECT_EQ(0, kills_of(child));
}

/* ---- a process dumping core ---------------------------------------------- */

static void dumper_body(int wfd, const void *arg)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

	prctl(PR_SET_NAME, "dumper");
	/* A shell starts background jobs with SIGQUIT ignored. */
	signal(SIGQUIT, SIG_DFL);
	if (set_oom_score_adj(getpid(), 1000) || setrlimit(RLIMIT_CORE, &rl) ||
	    prctl(PR_SET_DUMPABLE, 1) || !hog_alloc(*(const long *)arg))
		_exit(2);
	if (write(wfd, "r", 1) != 1)
		_exit(4);
	for (;;)
		pause();
}

/*
 * The module's view of free memory, other_free in kB, from a dry-run
 * selection at a forced row of @adj.  Leaves a row of one page and
 * dry_run off.
 */
static long free_view_kb(int adj)
{
	struct kill_entry log[64];
	long long n0 = lmk_stat("dry_run_selections");
	int n, i;

	if (lmk_param_set("dry_run", "Y") || lmk_force_row(adj))
		return -1;
	for (i = 0; i < 1000 && lmk_stat("dry_run_selections") == n0; i++)
		usleep(10000);
	lmk_param_set("minfree", "1");
	lmk_param_set("dry_run", "N");
	n = kill_log_read(log, 64);
	return n > 0 && log[n - 1].dry_run == 1 ? log[n - 1].free_kb : -1;
}

#define DUMPER_KB	49152
#define DEFICIT_KB	16384

/*
 * Cross a row of @adj DEFICIT_KB above the module's view of free memory,
 * and return the index of the first kill in @log, or -1 (the row then
 * uncrossed).
 */
static int kill_short_of_free(struct __test_metadata *_metadata, int adj,
			      struct kill_entry *log, int max)
{
	long view = free_view_kb(adj);
	int i;

	if (view <= 0)
		return -1;
	TH_LOG("free %ld kB, row at %ld kB", view, view + DEFICIT_KB);
	if (lmk_one_row(adj, (view + DEFICIT_KB) / 4))
		return -1;
	i = first_kill(log, max, 10000);
	if (i < 0)
		lmk_param_set("minfree", "1");
	return i;
}

/*
 * A core dump sets SIGNAL_GROUP_EXIT (zap_threads()), and with a pipe
 * helper that never reads, the dumper blocks in pipe_write() holding all
 * its memory; SIGKILL still ends it.  It must be the victim.  The row is
 * DEFICIT_KB below the free memory: the dumper's kill covers that, so the
 * adj 500 process must survive.
 */
TEST_F_TIMEOUT(killpath, process_dumping_core_can_be_killed, KP_TIMEOUT)
{
	struct kill_entry log[16];
	long kb = DUMPER_KB;
	char path[64];
	pid_t dumper, other;
	int rfd, i, st = 0;
	bool dead;

	if (access(CORE_HELPER, X_OK))
		SKIP(return, "no %s in the guest", CORE_HELPER);
	ASSERT_EQ(0, lmk_one_row(400, 1));
	ASSERT_EQ(0, lmk_read_file("/proc/sys/kernel/core_pattern",
				   self->core_pattern,
				   sizeof(self->core_pattern)));
	self->core_saved = true;
	ASSERT_EQ(0, lmk_write_file("/proc/sys/kernel/core_pattern",
				    CORE_PATTERN));

	dumper = track(self, fork_piped(dumper_body, &kb, &rfd));
	ASSERT_LT(0, dumper);
	ASSERT_EQ(0, wait_ready(rfd));
	other = track(self, hog_spawn(500, 4096, "adj500"));
	ASSERT_LT(0, other);

	ASSERT_EQ(0, kill(dumper, SIGQUIT));
	snprintf(path, sizeof(path), "/proc/%d/status", dumper);
	for (i = 0; i < 1000 && proc_field_kb(path, "CoreDumping") != 1; i++)
		usleep(10000);
	ASSERT_EQ(1, proc_field_kb(path, "CoreDumping"));
	/* Let it fill the pipe and block. */
	for (i = 0; i < 500 && task_state(dumper, dumper) != 'S'; i++)
		usleep(10000);
	TH_LOG("dumper %d state %c", dumper, task_state(dumper, dumper));

	i = kill_short_of_free(_metadata, 400, log, 16);
	ASSERT_LE(0, i);
	TH_LOG("first victim tgid %d adj %d size %ld kB (dumper %d, adj 500 %d)",
	       log[i].tgid, log[i].adj, log[i].size_kb, dumper, other);
	EXPECT_EQ(dumper, log[i].tgid);
	dead = reaped(dumper, &st, DEATH_MS);
	EXPECT_TRUE(dead);
	if (dead) {
		TH_LOG("dumper ended by signal %d", WTERMSIG(st));
		EXPECT_TRUE(WIFSIGNALED(st));
		EXPECT_TRUE(exit_logged(dumper, 10000));
	}
	/* Passes go on at the row: its memory covered the deficit. */
	usleep(1000000);
	ASSERT_EQ(0, lmk_param_set("minfree", "1"));
	EXPECT_EQ(0, waitpid(other, &st, WNOHANG));
	EXPECT_EQ(0, kills_of(other));
}

/* ---- a process stopped in its exit -------------------------------------- */

#define EXITER_KB	49152

/*
 * Child of the test, which traces it with PTRACE_O_TRACEEXIT: it holds
 * EXITER_KB at adj 900, then exits and stops at PTRACE_EVENT_EXIT, before
 * exit_mm(), with its memory and a SIGKILL-proof group exit.
 */
static pid_t exiter_start(struct _test_data_killpath *self)
{
	int pfd[2], st;
	char c;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (!pid) {
		prctl(PR_SET_NAME, "exiter");
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) || raise(SIGSTOP))
			_exit(2);
		if (set_oom_score_adj(getpid(), 900) || !hog_alloc(EXITER_KB))
			_exit(3);
		if (write(pfd[1], "r", 1) != 1)
			_exit(4);
		_exit(0);
	}
	track(self, pid);
	close(pfd[1]);
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st) ||
	    ptrace(PTRACE_SETOPTIONS, pid, NULL, PTRACE_O_TRACEEXIT) ||
	    ptrace(PTRACE_CONT, pid, NULL, NULL) ||
	    read(pfd[0], &c, 1) != 1 || waitpid(pid, &st, 0) != pid ||
	    st >> 8 != (SIGTRAP | (PTRACE_EVENT_EXIT << 8)))
		pid = -1;
	close(pfd[0]);
	return pid;
}

/*
 * A process stopped in its exit keeps its memory and drops any SIGKILL.
 * Skipped as "exiting", it would have every other process killed in its
 * place; the kernel OOM killer picks it and reaps it.  It must be the
 * victim, and its memory reaped, so that the adj 800 process, whose row
 * its memory covers, survives.
 */
TEST_F_TIMEOUT(killpath, process_stopped_in_its_exit_is_chosen_and_reaped,
	       KP_TIMEOUT)
{
	struct kill_entry log[16];
	pid_t exiter, other;
	long rss;
	int i, st;

	ASSERT_EQ(0, lmk_one_row(700, 1));
	exiter = exiter_start(self);
	ASSERT_LT(0, exiter);
	other = track(self, hog_spawn(800, 4096, "adj800"));
	ASSERT_LT(0, other);

	i = kill_short_of_free(_metadata, 700, log, 16);
	ASSERT_LE(0, i);
	TH_LOG("first victim tgid %d adj %d size %ld kB (exiter %d, adj 800 %d)",
	       log[i].tgid, log[i].adj, log[i].size_kb, exiter, other);
	EXPECT_EQ(exiter, log[i].tgid);
	/* Still stopped in its exit, with its mm, and its memory gone. */
	for (i = 0; i < 1000; i++) {
		rss = status_kb(exiter, "VmRSS");
		if (rss >= 0 && rss < EXITER_KB / 8)
			break;
		usleep(10000);
	}
	TH_LOG("exiter VmRSS %ld kB", rss);
	EXPECT_LE(0, rss);
	EXPECT_GT(EXITER_KB / 8, rss);
	usleep(1000000);
	ASSERT_EQ(0, lmk_param_set("minfree", "1"));
	EXPECT_EQ(0, waitpid(other, &st, WNOHANG));
	EXPECT_EQ(0, kills_of(other));
	ptrace(PTRACE_DETACH, exiter, NULL, NULL);
	EXPECT_TRUE(reaped(exiter, &st, DEATH_MS));
}

/* ---- sysrq f ------------------------------------------------------------- */

/* /proc/@pid/oom_score: the kernel OOM killer's badness, scaled. */
static long kernel_badness(pid_t pid)
{
	char path[64], buf[32];

	snprintf(path, sizeof(path), "/proc/%d/oom_score", pid);
	return lmk_read_file(path, buf, sizeof(buf)) ? -1 : atol(buf);
}

/*
 * A manual OOM kill (sysrq f) kills the kernel's own pick whatever the
 * notifiers say: the module must not kill one more.  The module's choice
 * (highest adj: the small adj 300 process) differs from the kernel's
 * (badness: the adj 250 one, 63 MiB larger).
 */
TEST_F_TIMEOUT(killpath, sysrq_f_kills_one_process, KP_TIMEOUT)
{
	pid_t small, big;
	int st = 0, kmsg;
	bool dead;

	ASSERT_EQ(0, lmk_read_file("/proc/sys/kernel/sysrq", self->sysrq,
				   sizeof(self->sysrq)));
	self->sysrq_saved = true;
	ASSERT_EQ(0, lmk_write_file("/proc/sys/kernel/sysrq", "1"));
	/* No row crossed; row 0's adj is what the notifier kills at. */
	ASSERT_EQ(0, lmk_one_row(0, 1));
	small = track(self, hog_spawn(300, 1024, "small300"));
	ASSERT_LT(0, small);
	big = track(self, hog_spawn(250, 65536, "big250"));
	ASSERT_LT(0, big);
	TH_LOG("oom_score: adj 300 %ld, adj 250 %ld", kernel_badness(small),
	       kernel_badness(big));
	/* The kernel's pick is the big one. */
	ASSERT_LT(kernel_badness(small), kernel_badness(big));

	kmsg = kmsg_open_end();
	ASSERT_EQ(0, lmk_write_file("/proc/sysrq-trigger", "f"));
	dead = reaped(big, &st, DEATH_MS);
	/* The notifier, if it kills, does so before the kernel's pick. */
	usleep(1000000);
	if (kmsg >= 0) {
		kmsg_count(kmsg, "Killed process");
		close(kmsg);
	}
	TH_LOG("kill log entries: %d name the adj 300 process", kills_of(small));
	EXPECT_TRUE(dead);
	EXPECT_EQ(SIGKILL, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	EXPECT_EQ(0, waitpid(small, &st, WNOHANG));
	EXPECT_EQ(0, kills_of(small));
}

/* ---- the kill log across a resize ---------------------------------------- */

/* Wait up to @ms for @n real kill log entries, all with an exit time. */
static int log_settled(char (*line)[KILL_LINE_MAX], int max, int n, int ms)
{
	char ex[16];
	int got = 0, i, done;

	for (; ms > 0; ms -= 10) {
		got = kill_log_lines(line, max);
		for (i = 0, done = 0; i < got; i++) {
			kv_str(line[i], "exit_ms", ex, sizeof(ex));
			done += ex[0] >= '0' && ex[0] <= '9';
		}
		if (got >= n && done == got)
			return got;
		usleep(10000);
	}
	return got;
}

/*
 * Resizing the kill log keeps its numbering and its newest entries that
 * fit, and a kill after the resize gets the next seq and its own exit
 * time.
 */
TEST_F_TIMEOUT(killpath, kill_log_sequence_survives_a_resize, KP_TIMEOUT)
{
	static char line[16][KILL_LINE_MAX];
	long seq[3], first_seq;
	pid_t hog[3], late;
	char ex[16];
	int n, i, st;

	for (i = 0; i < 3; i++) {
		hog[i] = track(self, hog_spawn(800, 2048, "logged"));
		ASSERT_LT(0, hog[i]);
	}
	ASSERT_EQ(0, lmk_force_row(700));
	n = log_settled(line, 16, 3, 20000);
	ASSERT_EQ(0, lmk_param_set("minfree", "1"));
	ASSERT_EQ(3, n);
	for (i = 0; i < 3; i++) {
		seq[i] = kv_long(line[i], "seq");
		TH_LOG("before: %.*s", (int)strcspn(line[i], "\n"), line[i]);
		EXPECT_TRUE(reaped(kv_long(line[i], "tgid"), &st, DEATH_MS));
	}
	EXPECT_EQ(seq[0] + 1, seq[1]);
	EXPECT_EQ(seq[1] + 1, seq[2]);

	ASSERT_EQ(0, lmk_param_set("kill_log_size", "2"));
	n = kill_log_lines(line, 16);
	for (i = 0; i < n; i++)
		TH_LOG("resized: %.*s", (int)strcspn(line[i], "\n"), line[i]);
	EXPECT_EQ(2, n);
	if (n == 2) {
		EXPECT_EQ(seq[1], kv_long(line[0], "seq"));
		EXPECT_EQ(seq[2], kv_long(line[1], "seq"));
	}

	late = track(self, hog_spawn(800, 2048, "late"));
	ASSERT_LT(0, late);
	ASSERT_EQ(0, lmk_force_row(700));
	EXPECT_TRUE(reaped(late, &st, DEATH_MS));
	EXPECT_TRUE(exit_logged(late, 10000));
	ASSERT_EQ(0, lmk_param_set("minfree", "1"));
	n = kill_log_lines(line, 16);
	for (i = 0; i < n; i++)
		TH_LOG("after: %.*s", (int)strcspn(line[i], "\n"), line[i]);
	ASSERT_LE(1, n);
	first_seq = kv_long(line[n - 1], "seq");
	EXPECT_EQ(late, kv_long(line[n - 1], "pid"));
	EXPECT_EQ(seq[2] + 1, first_seq);
	kv_str(line[n - 1], "exit_ms", ex, sizeof(ex));
	EXPECT_TRUE(ex[0] >= '0' && ex[0] <= '9');
	EXPECT_EQ(2, n);
	if (n == 2)
		EXPECT_EQ(seq[2], kv_long(line[0], "seq"));
}

TEST_HARNESS_MAIN
