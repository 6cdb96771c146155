/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the in-guest lowmemkiller tests: loading the module, reading
 * and writing its files, starting memory hogs at chosen oom_score_adj
 * values, reading the kill log and the kernel log.
 */
#ifndef _LMK_GUEST_H
#define _LMK_GUEST_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define LMK_PARAMS	"/sys/module/lowmemkiller/parameters/"
#define LMK_STATS	"/sys/module/lowmemkiller/stats/"
#define LMK_KILL_LOG	"/sys/kernel/debug/lowmemkiller/kills"

static inline const char *lmk_ko(void)
{
	const char *ko = getenv("LMK_KO");

	return ko ? ko : "/lib/lowmemkiller/lowmemkiller.ko";
}

static inline int lmk_run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline int lmk_load(const char *args)
{
	lmk_run("rmmod lowmemkiller 2>/dev/null");
	return lmk_run("insmod %s %s", lmk_ko(), args ? args : "");
}

static inline int lmk_unload(void)
{
	return lmk_run("rmmod lowmemkiller");
}

static inline int lmk_write_file(const char *path, const char *val)
{
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}

static inline int lmk_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

static inline int lmk_param_set(const char *name, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), LMK_PARAMS "%s", name);
	return lmk_write_file(path, val);
}

static inline long long lmk_stat(const char *name)
{
	char path[256], buf[64];

	snprintf(path, sizeof(path), LMK_STATS "%s", name);
	if (lmk_read_file(path, buf, sizeof(buf)))
		return -1;
	return atoll(buf);
}

/* The number after "<key><sep>" on a line of a /proc file, or -1. */
static inline long proc_field(const char *path, const char *key, char sep)
{
	char line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == sep) {
			v = atol(line + klen + 1);
			break;
		}
	fclose(f);
	return v;
}

/* A "Key:   123 kB" field of a /proc file, or -1. */
static inline long proc_field_kb(const char *path, const char *key)
{
	return proc_field(path, key, ':');
}

/* A counter of /proc/vmstat ("key 123"), or -1. */
static inline long vmstat_value(const char *key)
{
	return proc_field("/proc/vmstat", key, ' ');
}

static inline long meminfo_kb(const char *key)
{
	return proc_field_kb("/proc/meminfo", key);
}

/*
 * The sum over /proc/zoneinfo of the lines that @fmt (one "%ld" after a
 * key, e.g. " low %ld") matches, pages converted to kB.
 */
static inline long zoneinfo_sum_kb(const char *fmt)
{
	char line[256];
	long v, sum = 0;
	FILE *f;

	f = fopen("/proc/zoneinfo", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, fmt, &v) == 1)
			sum += v;
	fclose(f);
	return sum * (sysconf(_SC_PAGESIZE) / 1024);
}

/*
 * Free pages held in the per-CPU lists, in kB.  MemFree and MemAvailable
 * leave them out; the module counts them as free (lmk_pcp_free_pages()),
 * and on 6.12 they can be megabytes.
 */
static inline long pcp_free_kb(void)
{
	return zoneinfo_sum_kb(" count: %ld");
}

/* A field of /proc/@pid/status, e.g. "VmSwap", or -1. */
static inline long status_kb(pid_t pid, const char *key)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	return proc_field_kb(path, key);
}

static inline int set_oom_score_adj(pid_t pid, int adj)
{
	char path[64], val[16];

	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	snprintf(val, sizeof(val), "%d", adj);
	return lmk_write_file(path, val);
}

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Touch every page so it is resident. */
static inline void *hog_alloc(long kb)
{
	long len = kb * 1024, off;
	char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	for (off = 0; off < len; off += 4096)
		p[off] = (char)off | 1;
	return p;
}

/**
 * fork_piped() - fork a child that runs @body and never returns
 * @body: the child's work; gets the write end of a pipe to report on
 * @arg:  passed to @body
 * @rfd:  receives the read end
 *
 * Return: the child's pid, or -1.
 */
static inline pid_t fork_piped(void (*body)(int wfd, const void *arg),
			       const void *arg, int *rfd)
{
	int pfd[2];
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(pfd[0]);
		body(pfd[1], arg);
		_exit(0);
	}
	close(pfd[1]);
	*rfd = pfd[0];
	return pid;
}

/* Wait for one byte from a fork_piped() child; -1 if it died first. */
static inline int wait_ready(int rfd)
{
	char c;
	int ok = read(rfd, &c, 1) == 1 ? 0 : -1;

	close(rfd);
	return ok;
}

/**
 * struct hog - a process that holds memory at a given adj until killed
 * @adj:     oom_score_adj
 * @kb:      resident size to hold
 * @name:    command name to take, or NULL
 * @pageout: push the memory out to swap once it is resident
 */
struct hog {
	int adj;
	long kb;
	const char *name;
	bool pageout;
};

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

static inline void hog_body(int wfd, const void *arg)
{
	const struct hog *h = arg;
	char *p;

	if (h->name)
		prctl(PR_SET_NAME, h->name);
	if (set_oom_score_adj(getpid(), h->adj))
		_exit(2);
	p = hog_alloc(h->kb);
	if (!p)
		_exit(3);
	if (h->pageout && madvise(p, h->kb * 1024, MADV_PAGEOUT))
		_exit(5);
	if (write(wfd, "r", 1) != 1)
		_exit(4);
	for (;;)
		pause();
}

/* Start @h; returns its pid once its memory is in place, or -1. */
static inline pid_t hog_start(const struct hog *h)
{
	int rfd;
	pid_t pid = fork_piped(hog_body, h, &rfd);

	if (pid < 0 || wait_ready(rfd))
		return -1;
	return pid;
}

static inline pid_t hog_spawn(int adj, long kb, const char *name)
{
	struct hog h = { .adj = adj, .kb = kb, .name = name };

	return hog_start(&h);
}

/* /dev/kmsg positioned at its end, to read only what comes after. */
static inline int kmsg_open_end(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Count new kernel log records containing @needle; prints them. */
static inline int kmsg_count(int fd, const char *needle)
{
	char rec[2048];
	int hits = 0;
	ssize_t n;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		if (strstr(rec, needle)) {
			hits++;
			printf("# kmsg: %s", strchr(rec, ';') ? strchr(rec, ';') + 1 : rec);
		}
	}
	return hits;
}

/**
 * struct kill_entry - one parsed line of the kill log
 */
struct kill_entry {
	int pid, tgid, adj, min_adj, row, dry_run;
	long rss_kb, swap_kb, size_kb, free_kb, file_kb, minfree_kb, exit_ms;
	double ts;		/* seconds, CLOCK_MONOTONIC, when SIGKILL was sent */
	char reason[16];
	char comm[32];
};

static inline long kv_long(const char *line, const char *key)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(line, pat);
	return p ? atol(p + strlen(pat)) : -999999;
}

static inline void kv_str(const char *line, const char *key, char *out,
			  size_t len)
{
	char pat[32];
	const char *p;
	size_t i = 0;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(line, pat);
	out[0] = '\0';
	if (!p)
		return;
	p += strlen(pat);
	while (p[i] && p[i] != ' ' && p[i] != '\n' && i + 1 < len) {
		out[i] = p[i];
		i++;
	}
	out[i] = '\0';
}

/* Parse the kill log; returns the number of entries or -errno. */
static inline int kill_log_read(struct kill_entry *e, int max)
{
	char line[512], ex[16];
	int n = 0;
	FILE *f;

	f = fopen(LMK_KILL_LOG, "r");
	if (!f)
		return -errno;
	while (n < max && fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		e[n].ts = atof(line);
		e[n].pid = kv_long(line, "pid");
		e[n].tgid = kv_long(line, "tgid");
		e[n].adj = kv_long(line, "adj");
		e[n].min_adj = kv_long(line, "min_adj");
		e[n].row = kv_long(line, "row");
		e[n].dry_run = kv_long(line, "dry_run");
		e[n].rss_kb = kv_long(line, "rss_kb");
		e[n].swap_kb = kv_long(line, "swap_kb");
		e[n].size_kb = kv_long(line, "size_kb");
		e[n].free_kb = kv_long(line, "free_kb");
		e[n].file_kb = kv_long(line, "file_kb");
		e[n].minfree_kb = kv_long(line, "minfree_kb");
		kv_str(line, "reason", e[n].reason, sizeof(e[n].reason));
		kv_str(line, "comm", e[n].comm, sizeof(e[n].comm));
		kv_str(line, "exit_ms", ex, sizeof(ex));
		e[n].exit_ms = (ex[0] >= '0' && ex[0] <= '9') ? atol(ex) : -1;
		n++;
	}
	fclose(f);
	return n;
}

/* Pages of RAM, as the module's minfree bound (totalram_pages). */
static inline long ram_pages(void)
{
	return meminfo_kb("MemTotal") / 4;
}

/*
 * A single-row table: @adj at @pages.  adj is written first, so that the
 * two parameters always have the same number of rows.
 */
static inline int lmk_one_row(int adj, long pages)
{
	char buf[32];
	int err;

	snprintf(buf, sizeof(buf), "%d", adj);
	err = lmk_param_set("adj", buf);
	if (err)
		return err;
	snprintf(buf, sizeof(buf), "%ld", pages);
	return lmk_param_set("minfree", buf);
}

/*
 * Make row 0 crossed right now: a single-row table whose minfree is all of
 * RAM, so other_free and other_file are always below it.  Kills then
 * depend only on @adj and on who is running, which makes ranking tests
 * deterministic without real memory pressure.
 */
static inline int lmk_force_row(int adj)
{
	return lmk_one_row(adj, ram_pages());
}

/* Wait up to @ms for the kill log to hold at least @n entries. */
static inline int kill_log_wait(struct kill_entry *e, int max, int n, int ms)
{
	int got = 0;

	for (; ms > 0; ms -= 10) {
		got = kill_log_read(e, max);
		if (got >= n)
			return got;
		usleep(10000);
	}
	return got;
}

/* Processes the tests start must never make the test itself a victim. */
__attribute__((constructor)) static inline void lmk_protect_self(void)
{
	set_oom_score_adj(getpid(), -1000);
}

#define KILL_LINE_MAX	512

/*
 * The kill log's entries as they are printed, header left out, for the
 * fields struct kill_entry does not hold (seq): read them with kv_long()
 * and kv_str().  Returns the number of entries or -errno.
 */
static inline int kill_log_lines(char (*line)[KILL_LINE_MAX], int max)
{
	char buf[KILL_LINE_MAX];
	int n = 0;
	FILE *f;

	f = fopen(LMK_KILL_LOG, "r");
	if (!f)
		return -errno;
	while (n < max && fgets(buf, sizeof(buf), f)) {
		if (buf[0] == '#')
			continue;
		snprintf(line[n++], KILL_LINE_MAX, "%s", buf);
	}
	fclose(f);
	return n;
}

/* The seq of the newest kill log entry whose tgid is @tgid, or -1. */
static inline long kill_log_seq_of(pid_t tgid)
{
	static char line[64][KILL_LINE_MAX];
	long seq = -1;
	int n, i;

	n = kill_log_lines(line, 64);
	for (i = 0; i < n; i++)
		if (kv_long(line[i], "tgid") == tgid)
			seq = kv_long(line[i], "seq");
	return seq;
}

#endif /* _LMK_GUEST_H */
