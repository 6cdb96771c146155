// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark driver, run in the guest by bench.sh.
 *
 *   bench run SCENARIO MODE [-e FIFO]
 *	one scenario under the killer of MODE (oom, earlyoom, lmk, or the
 *	module in another setting or build: shrinker, wsf, warm, noreap);
 *	with -e, earlyoom's output is read from FIFO to time its kills
 *   bench scaling N[,N...]
 *	the module's walk cost at N processes, then the cost of
 *	count_objects and of a poll tick, with the module loaded
 *   bench spawn N ADJ_LO ADJ_HI KB
 *	(internal) fork N sleepers of KB private memory each, write their
 *	pids to stdout and exit, leaving them to the driver
 *
 * A run keeps a table of every process it starts (adj, size, what a kill
 * of it gives back), samples /proc/meminfo and the per-CPU free pages every
 * 10 ms, reads the kernel log and, with the module, its kill tracepoint,
 * reaps its children as they die and, at the end, prints one BENCH line of
 * key=value pairs, the memory time series (BENCHTS lines) and the kills
 * (BENCHKILL lines).  bench/README.md defines every field.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <grp.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#include "lmk_guest.h"

#define MAX_PROCS	6000
#define MAX_DEATHS	8192
#define MAX_EVENTS	8192
#define MAX_SAMPLES	9000		/* 90 s at 10 ms */
#define SAMPLE_MS	10
#define RUN_LIMIT_S	45.0		/* the longest a run may take */
#define WORKSET		"/mnt/data/workset"
#define STRESS_NG	"/mnt/bin/stress-ng"

#define MB		1024L		/* in kB */

enum role {
	ROLE_BG,		/* background, adj > 0 */
	ROLE_FG,		/* foreground or protected, adj <= 0 */
	ROLE_GROWER,		/* the foreground that needs memory */
	ROLE_READER,		/* the foreground whose work is measured */
	ROLE_CROWD,		/* one of the many small sleepers */
	ROLE_STRESS,		/* stress-ng's main process */
};

/**
 * struct proc - a process the run started
 * @pid:     its pid
 * @adj:     its oom_score_adj
 * @role:    what it is for
 * @comm:    its command name
 * @size_kb: resident size once ready, as a killer ranks it (VmRSS)
 * @gain_kb: what killing it gives back: its private anonymous memory
 * @t_start: when it was ready, seconds from the run's start
 */
struct proc {
	pid_t pid;
	int adj;
	enum role role;
	char comm[16];
	long size_kb;
	long gain_kb;
	double t_start;
};

struct death {
	pid_t pid;
	int status;
	double t;
};

/**
 * struct kill_ev - a kill as the killer itself reported it
 * @t:          when, seconds from the run's start
 * @pid:        the victim (thread group id)
 * @adj:        its oom_score_adj if known, else INT_MIN
 * @size_kb:    its size as reported, or -1
 * @comm:       its command name
 * @src:        lmk (the module's tracepoint, or its kill log without
 *              tracefs), kernel ("Killed process"), earlyoom
 * @reason:     the module's reason (poll, shrinker...), else empty
 * @minfree_kb: the module's crossed row, kB, else -1
 * @exit_ms:    from the module's kill log, -1 if absent
 * @exit_timeout: the kill log has exit_ms=timeout: the module stopped
 *              waiting for the victim after death_timeout_ms
 */
struct kill_ev {
	double t;
	pid_t pid;
	int adj;
	long size_kb;
	char comm[16];
	const char *src;
	char reason[16];
	long minfree_kb;
	long exit_ms;
	bool exit_timeout;
};

/*
 * One sample of memory: MemFree, file (Active + Inactive file) and
 * MemAvailable, as the plots show them, and the two numbers the module
 * compares with its table, other_free and other_file (sampler_fn()).
 */
struct sample {
	double t;
	int free_kb;
	int file_kb;
	int avail_kb;
	int ofree_kb;
	int ofile_kb;
};

/*
 * State shared with the foreground processes (MAP_SHARED), times in us of
 * run time; every access goes through LOAD() and STORE().
 */
struct shared {
	long grower_kb;
	long grower_done;	/* when the grower finished, or 0 */
	long passes;
	long last_pass;
	long max_gap;
	int stop;
};

#define LOAD(x)		__atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

static struct proc procs[MAX_PROCS];
static int nr_procs;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct death deaths[MAX_DEATHS];	/* under lock */
static int nr_deaths;
static struct kill_ev events[MAX_EVENTS];	/* under lock */
static int nr_events;
static int oom_invoked;				/* under lock */
static int kmsg_lost;				/* under lock */
static double kmsg_offset;			/* printk clock to run time */
static bool kmsg_synced;
static int stress_restarts;			/* under lock */
static char stress_metrics[256];		/* under lock */
static bool earlyoom_ready;			/* under lock */

static struct sample samples[MAX_SAMPLES];
static int nr_samples;
static long min_avail_kb = LONG_MAX;
/*
 * kswapd's first run (vmstat pageoutrun going up) once sampling counts:
 * when, and MemAvailable then.  Where a trigger on kswapd wake-ups would
 * act.
 */
static double kswapd_t = INFINITY;
static long kswapd_avail_kb = -1;
static bool sampling;			/* count the minimum (LOAD, STORE) */
static bool stopping;			/* threads end (LOAD, STORE) */

static double t0;			/* CLOCK_MONOTONIC at the run's start */
static struct shared *sh;
static const char *scenario, *mode;

static double run_t(void)
{
	return now_s() - t0;
}

static long run_us(void)
{
	return (long)(1e6 * run_t());
}

static void kill_children(void);

static void die(const char *fmt, ...)
{
	va_list ap;

	kill_children();
	va_start(ap, fmt);
	printf("BENCHERR ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	exit(1);
}

/* SIGKILL every child of the driver: direct, or inherited as subreaper. */
static void kill_children(void)
{
	char path[64], buf[512], *p;
	struct dirent *d;
	pid_t self = getpid();
	DIR *dir;
	int fd, ppid;
	ssize_t n;

	dir = opendir("/proc");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (!isdigit((unsigned char)d->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", atoi(d->d_name));
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		p = strrchr(buf, ')');
		if (p && sscanf(p + 2, "%*c %d", &ppid) == 1 && ppid == self)
			kill(atoi(d->d_name), SIGKILL);
	}
	closedir(dir);
}

/* ---- /proc readers ------------------------------------------------------ */

/*
 * @ofile_kb: other_file as the module computes it (lmk_read_mem()): file
 *            pages less shmem, unevictable and swap cache, which in
 *            /proc/meminfo terms is Buffers + Cached - Shmem - Unevictable
 *            (Cached already leaves the swap cache out)
 */
struct meminfo {
	long free_kb, avail_kb, file_kb, ofile_kb;
};

static int meminfo_fd = -1;

static void meminfo_read(struct meminfo *m)
{
	char buf[4096], *p;
	long af = 0, inf = 0, bufs = 0, cached = 0, shmem = 0, unevict = 0;
	ssize_t n;

	if (meminfo_fd < 0)
		meminfo_fd = open("/proc/meminfo", O_RDONLY);
	n = pread(meminfo_fd, buf, sizeof(buf) - 1, 0);
	m->free_kb = -1;
	m->avail_kb = -1;
	m->file_kb = -1;
	m->ofile_kb = -1;
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, "MemFree:", 8))
			m->free_kb = atol(p + 8);
		else if (!strncmp(p, "MemAvailable:", 13))
			m->avail_kb = atol(p + 13);
		else if (!strncmp(p, "Buffers:", 8))
			bufs = atol(p + 8);
		else if (!strncmp(p, "Cached:", 7))
			cached = atol(p + 7);
		else if (!strncmp(p, "Shmem:", 6))
			shmem = atol(p + 6);
		else if (!strncmp(p, "Unevictable:", 12))
			unevict = atol(p + 12);
		else if (!strncmp(p, "Active(file):", 13))
			af = atol(p + 13);
		else if (!strncmp(p, "Inactive(file):", 15))
			inf = atol(p + 15);
	}
	m->file_kb = af + inf;
	m->ofile_kb = bufs + cached - shmem - unevict;
	if (m->ofile_kb < 0)
		m->ofile_kb = 0;
}

/*
 * /proc/zoneinfo, read whole: the free pages in the per-CPU lists (the
 * pagesets' "count"), and the reserve the allocator keeps, as the kernel's
 * calculate_totalreserve_pages() sums it: per zone, the high watermark
 * (without any boost) plus the largest lowmem_reserve ("protection"),
 * capped at the zone's managed pages.  Both in kB.  tools/lmkstat reads
 * them the same way.
 */
static int zoneinfo_fd = -1;

static void zone_end(bool *in, long *reserve, long high, long boost,
		     long prot, long managed)
{
	long z = high - boost + prot;

	if (!*in)
		return;
	*reserve += z < managed ? z : managed;
	*in = false;
}

static void zoneinfo_read(long *pcp_kb, long *reserve_kb)
{
	static char buf[65536];
	long pcp = 0, reserve = 0, high = 0, boost = 0, prot = 0, managed = 0;
	long page_kb = sysconf(_SC_PAGESIZE) / 1024, v;
	bool in = false;
	char *p, *q, *end;
	ssize_t n;

	if (zoneinfo_fd < 0)
		zoneinfo_fd = open("/proc/zoneinfo", O_RDONLY);
	n = pread(zoneinfo_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0) {
		*pcp_kb = 0;
		if (reserve_kb)
			*reserve_kb = 0;
		return;
	}
	buf[n] = '\0';
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, "count:", 6)) {
			pcp += atol(p + 6);
		} else if (!reserve_kb) {
			continue;
		} else if (!strncmp(p, "Node ", 5)) {
			zone_end(&in, &reserve, high, boost, prot, managed);
			in = true;
			high = 0;
			boost = 0;
			prot = 0;
			managed = 0;
		} else if (!strncmp(p, "high ", 5)) {
			high = atol(p + 5);
		} else if (!strncmp(p, "boost ", 6)) {
			boost = atol(p + 6);
		} else if (!strncmp(p, "managed ", 8)) {
			managed = atol(p + 8);
		} else if (!strncmp(p, "protection:", 11)) {
			q = strchr(p, '(');
			while (q && *q && *q != ')' && *q != '\n') {
				v = strtol(q + 1, &end, 10);
				if (end == q + 1)
					break;
				if (v > prot)
					prot = v;
				q = end;
			}
		}
	}
	zone_end(&in, &reserve, high, boost, prot, managed);
	*pcp_kb = pcp * page_kb;
	if (reserve_kb)
		*reserve_kb = reserve * page_kb;
}

/* "full total=" (or "some total=") of /proc/pressure/memory, in us. */
static long long psi_total_us(const char *which)
{
	char buf[512], *p;
	int fd = open("/proc/pressure/memory", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, which);
	if (!p)
		return -1;
	p = strstr(p, "total=");
	return p ? atoll(p + 6) : -1;
}

/* ---- the process table -------------------------------------------------- */

static struct proc *proc_find(pid_t pid)
{
	int i;

	for (i = 0; i < nr_procs; i++)
		if (procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

static struct proc *proc_add(pid_t pid, int adj, enum role role,
			     const char *comm)
{
	struct proc *p;

	if (nr_procs >= MAX_PROCS)
		die("process table full");
	p = &procs[nr_procs++];
	p->pid = pid;
	p->adj = adj;
	p->role = role;
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	p->size_kb = status_kb(pid, "VmRSS");
	p->gain_kb = status_kb(pid, "RssAnon");
	p->t_start = run_t();
	return p;
}

/* When @pid died, or -1; its wait status in @status. */
static double death_of(pid_t pid, int *status)
{
	double t = -1;
	int i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < nr_deaths; i++)
		if (deaths[i].pid == pid) {
			t = deaths[i].t;
			if (status)
				*status = deaths[i].status;
			break;
		}
	pthread_mutex_unlock(&lock);
	return t;
}

/* ---- threads: sampler, reaper, kernel log, line readers ---------------- */

/* stress-ng's processes come and go: their adj, seen every 100 ms */
#define MAX_SEEN	1024
static struct {
	pid_t pid;
	int adj;
} seen[MAX_SEEN];
static int nr_seen;
static bool watch_stress;		/* LOAD, STORE */

static void stress_scan(void)
{
	char path[64], buf[64];
	struct dirent *d;
	DIR *dir;
	pid_t pid;
	int i;

	dir = opendir("/proc");
	if (!dir)
		return;
	while ((d = readdir(dir)) && nr_seen < MAX_SEEN) {
		pid = atoi(d->d_name);
		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		if (lmk_read_file(path, buf, sizeof(buf)) ||
		    strncmp(buf, "stress-ng", 9))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", pid);
		if (lmk_read_file(path, buf, sizeof(buf)))
			continue;
		pthread_mutex_lock(&lock);
		for (i = 0; i < nr_seen && seen[i].pid != pid; i++)
			;
		seen[i].pid = pid;
		seen[i].adj = atoi(buf);
		if (i == nr_seen)
			nr_seen++;
		pthread_mutex_unlock(&lock);
	}
	closedir(dir);
}

static int seen_adj(pid_t pid)
{
	int i;

	for (i = 0; i < nr_seen; i++)
		if (seen[i].pid == pid)
			return seen[i].adj;
	return INT_MIN;
}

/*
 * The allocator's reserve, kB, read at the run's start: the watermarks do
 * not move during a run (mode wsf sets them before).
 */
static long reserve_kb;

static void *sampler_fn(void *arg)
{
	struct timespec next;
	struct meminfo m;
	unsigned long tick = 0;
	long runs0 = -1, runs, pcp_kb;
	double t;

	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!LOAD(stopping)) {
		if (LOAD(watch_stress) && !(tick++ % 10))
			stress_scan();
		meminfo_read(&m);
		t = run_t();
		zoneinfo_read(&pcp_kb, NULL);
		if (LOAD(sampling) && m.avail_kb >= 0 && m.avail_kb < min_avail_kb)
			min_avail_kb = m.avail_kb;
		if (LOAD(sampling) && kswapd_t == INFINITY) {
			runs = vmstat_value("pageoutrun");
			if (runs0 < 0) {
				runs0 = runs;
			} else if (runs > runs0) {
				kswapd_t = run_t();
				kswapd_avail_kb = m.avail_kb;
			}
		}
		if (nr_samples < MAX_SAMPLES) {
			struct sample *s = &samples[nr_samples];

			long ofree = m.free_kb + pcp_kb - reserve_kb;

			s->t = t;
			s->free_kb = m.free_kb;
			s->file_kb = m.file_kb;
			s->avail_kb = m.avail_kb;
			s->ofree_kb = ofree > 0 ? ofree : 0;
			s->ofile_kb = m.ofile_kb;
			nr_samples++;
		}
		next.tv_nsec += SAMPLE_MS * 1000000L;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return NULL;
}

static void *reaper_fn(void *arg)
{
	int status;
	pid_t pid;

	while (!LOAD(stopping)) {
		pid = waitpid(-1, &status, __WALL);
		if (pid < 0) {
			usleep(2000);
			continue;
		}
		pthread_mutex_lock(&lock);
		if (nr_deaths < MAX_DEATHS) {
			deaths[nr_deaths].pid = pid;
			deaths[nr_deaths].status = status;
			deaths[nr_deaths].t = run_t();
			nr_deaths++;
		}
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void event_add(double t, pid_t pid, int adj, long size_kb,
		      const char *comm, const char *src)
{
	struct kill_ev *e;

	pthread_mutex_lock(&lock);
	if (nr_events < MAX_EVENTS) {
		e = &events[nr_events++];
		e->t = t;
		e->pid = pid;
		e->adj = adj;
		e->size_kb = size_kb;
		snprintf(e->comm, sizeof(e->comm), "%s", comm ? comm : "?");
		e->src = src;
		e->reason[0] = '\0';
		e->minfree_kb = -1;
		e->exit_ms = -1;
		e->exit_timeout = false;
	}
	pthread_mutex_unlock(&lock);
}

static int kmsg_fd = -1;
static double kmsg_sync_t;

/*
 * One /dev/kmsg record: "prio,seq,usec,flags;text".  The printk clock is
 * not CLOCK_MONOTONIC; a marker written at a known time gives the offset.
 */
static void kmsg_record(char *rec)
{
	char *text = strchr(rec, ';'), *p, comm[16] = "?";
	unsigned long long us;
	int adj = INT_MIN;
	pid_t pid;
	double t;

	if (!text || sscanf(rec, "%*d,%*u,%llu", &us) != 1)
		return;
	text++;
	t = us / 1e6;
	if (strstr(text, "bench-sync")) {
		kmsg_offset = kmsg_sync_t - t;
		kmsg_synced = true;
		return;
	}
	if (strstr(text, "invoked oom-killer")) {
		pthread_mutex_lock(&lock);
		oom_invoked++;
		pthread_mutex_unlock(&lock);
		return;
	}
	p = strstr(text, "Killed process ");
	if (!p)
		return;
	pid = atoi(p + 15);
	p = strchr(p, '(');
	if (p)
		sscanf(p + 1, "%15[^)]", comm);
	p = strstr(text, "oom_score_adj:");
	if (p)
		adj = atoi(p + 14);
	event_add(t + kmsg_offset, pid, adj, -1, comm, "kernel");
}

static void *kmsg_fn(void *arg)
{
	char rec[8192];
	ssize_t n;

	while (!LOAD(stopping)) {
		struct pollfd pfd = { .fd = kmsg_fd, .events = POLLIN };

		if (poll(&pfd, 1, 50) <= 0)
			continue;
		for (;;) {
			n = read(kmsg_fd, rec, sizeof(rec) - 1);
			if (n < 0 && errno == EPIPE) {
				pthread_mutex_lock(&lock);
				kmsg_lost++;
				pthread_mutex_unlock(&lock);
				continue;
			}
			if (n <= 0)
				break;
			rec[n] = '\0';
			kmsg_record(rec);
		}
	}
	return NULL;
}

static void kmsg_start(pthread_t *th)
{
	int fd;

	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg_fd < 0)
		die("cannot open /dev/kmsg: %s", strerror(errno));
	lseek(kmsg_fd, 0, SEEK_END);
	pthread_create(th, NULL, kmsg_fn, NULL);
	fd = open("/dev/kmsg", O_WRONLY);
	if (fd >= 0) {
		kmsg_sync_t = run_t();
		if (write(fd, "bench-sync\n", 11) < 0)
			kmsg_sync_t = 0;
		close(fd);
	}
}

/* earlyoom: "sending SIGKILL to process 123 uid 0 "name": ..." */
static void earlyoom_line(char *line)
{
	char comm[16] = "?", *p;
	pid_t pid;

	p = strstr(line, "sending SIG");
	if (!p || !strstr(p, "to process ")) {
		/* its banner, and what it could not do; not its reports */
		if (!earlyoom_ready || strstr(line, "Could not") ||
		    strstr(line, "rror"))
			printf("# earlyoom: %s", line);
		pthread_mutex_lock(&lock);
		if (strstr(line, "SIGKILL when"))
			earlyoom_ready = true;
		pthread_mutex_unlock(&lock);
		return;
	}
	pid = atoi(strstr(p, "to process ") + 11);
	p = strchr(p, '"');
	if (p)
		sscanf(p + 1, "%15[^\"]", comm);
	event_add(run_t(), pid, INT_MIN, -1, comm, "earlyoom");
}

/* stress-ng -v: count its "restarting again" lines, keep its metrics. */
static void stress_line(char *line)
{
	pthread_mutex_lock(&lock);
	if (strstr(line, "restarting again"))
		stress_restarts++;
	else if (strstr(line, "metrc:") && strstr(line, " vm "))
		snprintf(stress_metrics, sizeof(stress_metrics), "%s", line);
	pthread_mutex_unlock(&lock);
}

struct line_reader {
	int fd;
	void (*fn)(char *line);
	pthread_t th;
};

static void *line_reader_fn(void *arg)
{
	struct line_reader *lr = arg;
	char buf[4096], line[1024];
	size_t len = 0;
	ssize_t n, i;

	while ((n = read(lr->fd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i++) {
			if (len < sizeof(line) - 2)
				line[len++] = buf[i];
			if (buf[i] != '\n')
				continue;
			line[len] = '\0';
			lr->fn(line);
			len = 0;
		}
	}
	return NULL;
}

static void line_reader_start(struct line_reader *lr, int fd,
			      void (*fn)(char *line))
{
	lr->fd = fd;
	lr->fn = fn;
	pthread_create(&lr->th, NULL, line_reader_fn, lr);
}

/* ---- the processes ------------------------------------------------------ */

static void ready(int fd)
{
	if (write(fd, "r", 1) != 1)
		_exit(4);
	close(fd);
}

/* Fork; the child runs @fn(@arg, ready fd).  Returns once it is ready. */
static pid_t spawn(void (*fn)(void *arg, int fd), void *arg)
{
	int pfd[2];
	pid_t pid;
	char c;

	if (pipe(pfd))
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		close(pfd[0]);
		fn(arg, pfd[1]);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1)
		pid = -pid;	/* died before it was ready */
	close(pfd[0]);
	return pid;
}

static void become(const char *comm, int adj)
{
	prctl(PR_SET_NAME, comm);
	if (set_oom_score_adj(getpid(), adj))
		_exit(2);
}

struct hog_cfg {
	const char *comm;
	int adj;
	long kb;		/* private */
	int shm_fd;		/* map and touch this shared memory, or -1 */
	long shm_kb;
	bool shm_write;		/* the first to touch it fills it */
};

static void touch_shared(int fd, long kb, bool write_it)
{
	long off, sum = 0;
	char *p;

	p = mmap(NULL, kb * 1024, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		_exit(5);
	for (off = 0; off < kb * 1024; off += 4096) {
		if (write_it)
			p[off] = 1;
		else
			sum += LOAD(p[off]);
	}
	(void)sum;
}

static void hog_fn(void *arg, int fd)
{
	const struct hog_cfg *c = arg;

	become(c->comm, c->adj);
	if (c->kb && !hog_alloc(c->kb))
		_exit(3);
	if (c->shm_fd >= 0)
		touch_shared(c->shm_fd, c->shm_kb, c->shm_write);
	ready(fd);
	for (;;)
		pause();
}

static struct proc *hog(const char *comm, int adj, long kb)
{
	struct hog_cfg c = { comm, adj, kb, -1, 0, false };
	pid_t pid = spawn(hog_fn, &c);

	/* one killed before it was ready is still one of the run's */
	return proc_add(abs(pid), adj, adj > 0 ? ROLE_BG : ROLE_FG, comm);
}

struct reader_cfg {
	long anon_kb;		/* private memory touched every pass */
	long file_kb;		/* bytes of the working set read every pass */
	long sleep_us;		/* pause between passes */
	int shm_fd;		/* shared memory mapped once, or -1 */
	long shm_kb;
};

/*
 * The foreground app: passes over its working set, each one timed.  Its
 * useful work is the number of passes; its worst stall the longest gap
 * between the ends of two passes (or from the start to the first).
 */
static void reader_fn(void *arg, int rfd)
{
	const struct reader_cfg *c = arg;
	static char buf[1 << 20];
	char *anon = NULL;
	long off, got, sum = 0, t, last;
	int fd = -1;

	become("fg_reader", 0);
	if (c->anon_kb) {
		anon = hog_alloc(c->anon_kb);
		if (!anon)
			_exit(3);
	}
	if (c->shm_fd >= 0)
		touch_shared(c->shm_fd, c->shm_kb, false);
	if (c->file_kb) {
		fd = open(WORKSET, O_RDONLY);
		if (fd < 0)
			_exit(6);
	}
	ready(rfd);
	last = run_us();
	STORE(sh->last_pass, last);
	while (!LOAD(sh->stop)) {
		for (off = 0; off < c->anon_kb * 1024; off += 4096)
			STORE(anon[off], LOAD(anon[off]) + 1);
		for (got = 0; fd >= 0 && got < c->file_kb * 1024; ) {
			ssize_t n = pread(fd, buf, sizeof(buf), got);

			if (n <= 0)
				break;
			sum += buf[0];
			got += n;
		}
		t = run_us();
		if (t - last > LOAD(sh->max_gap))
			STORE(sh->max_gap, t - last);
		last = t;
		STORE(sh->last_pass, t);
		STORE(sh->passes, LOAD(sh->passes) + 1);
		if (c->sleep_us)
			usleep(c->sleep_us);
	}
	(void)sum;
	for (;;)
		pause();
}

static struct proc *reader(const struct reader_cfg *c)
{
	pid_t pid = spawn(reader_fn, (void *)c);

	return proc_add(abs(pid), 0, ROLE_READER, "fg_reader");
}

struct grower_cfg {
	long kb;		/* how much it needs */
	long delay_us;		/* between 1 MiB steps; -1: one burst */
};

/* The foreground that needs memory: allocates, then holds it. */
static void grower_fn(void *arg, int rfd)
{
	const struct grower_cfg *c = arg;
	long got, off;
	char *p;

	become("fg_grower", 0);
	ready(rfd);
	if (c->delay_us < 0) {
		p = mmap(NULL, c->kb * 1024, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(3);
		for (off = 0; off < c->kb * 1024; off += 4096) {
			p[off] = 1;
			if (!(off & (MB * 1024 - 1)))
				STORE(sh->grower_kb, off / 1024);
		}
	} else {
		for (got = 0; got < c->kb; got += MB) {
			if (!hog_alloc(MB))
				_exit(3);
			STORE(sh->grower_kb, got + MB);
			if (c->delay_us)
				usleep(c->delay_us);
		}
	}
	STORE(sh->grower_kb, c->kb);
	STORE(sh->grower_done, run_us());
	for (;;)
		pause();
}

static struct proc *grower(long kb, long delay_us)
{
	struct grower_cfg c = { kb, delay_us };
	pid_t pid = spawn(grower_fn, &c);
	struct proc *p;

	p = proc_add(abs(pid), 0, ROLE_GROWER, "fg_grower");
	p->size_kb = kb;	/* what it will hold; ranked at that size */
	p->gain_kb = kb;
	return p;
}

/*
 * The crowd: "bench spawn" is exec'd so that the sleepers are forked from a
 * small fresh process, not from the driver; it hands their pids back and
 * exits, and the driver, a child subreaper, inherits them.
 */
static int crowd(int n, int adj_lo, int adj_hi, long kb)
{
	char sn[16], slo[16], shi[16], skb[16];
	int pfd[2], got = 0, i;
	pid_t pid, *pids;
	ssize_t r;

	pids = calloc(n, sizeof(*pids));
	if (!pids || pipe(pfd))
		die("no memory for the sleepers");
	snprintf(sn, sizeof(sn), "%d", n);
	snprintf(slo, sizeof(slo), "%d", adj_lo);
	snprintf(shi, sizeof(shi), "%d", adj_hi);
	snprintf(skb, sizeof(skb), "%ld", kb);
	pid = fork();
	if (!pid) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execl("/proc/self/exe", "bench", "spawn", sn, slo, shi, skb,
		      (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	while (got < n * (int)sizeof(pid_t)) {
		r = read(pfd[0], (char *)pids + got, n * sizeof(pid_t) - got);
		if (r <= 0)
			break;
		got += r;
	}
	close(pfd[0]);
	got /= sizeof(pid_t);
	for (i = 0; i < got; i++) {
		struct proc *p = proc_add(pids[i], adj_lo + i % (adj_hi - adj_lo + 1),
					  ROLE_CROWD, "crowd");

		p->gain_kb = kb;
	}
	free(pids);
	return got;
}

static int spawn_main(int argc, char **argv)
{
	int n, lo, hi, i, rfd[2];
	long kb;
	char c;

	if (argc < 6)
		return 2;
	n = atoi(argv[2]);
	lo = atoi(argv[3]);
	hi = atoi(argv[4]);
	kb = atol(argv[5]);
	if (pipe(rfd))
		return 1;
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			break;
		if (!pid) {
			int nul = open("/dev/null", O_WRONLY);

			dup2(nul, 1);
			close(nul);
			close(rfd[0]);
			prctl(PR_SET_NAME, "crowd");
			if (kb && !hog_alloc(kb))
				_exit(3);
			if (write(rfd[1], "r", 1) != 1)
				_exit(4);
			close(rfd[1]);
			for (;;)
				pause();
		}
		set_oom_score_adj(pid, lo + i % (hi - lo + 1));
		if (write(1, &pid, sizeof(pid)) != sizeof(pid))
			break;
	}
	close(rfd[1]);
	while (i-- > 0 && read(rfd[0], &c, 1) == 1)
		;
	return 0;
}

/* stress-ng --vm from the disk, as nobody at adj 900. */
static pid_t stress_pid;
static struct line_reader stress_lr;

static void stress_start(int workers, long mb, int seconds)
{
	char nw[16], bytes[32], secs[16];
	int pfd[2];
	pid_t pid;

	snprintf(nw, sizeof(nw), "%d", workers);
	snprintf(bytes, sizeof(bytes), "%ldM", mb);
	snprintf(secs, sizeof(secs), "%d", seconds);
	if (pipe(pfd))
		die("pipe");
	pid = fork();
	if (!pid) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		setpgid(0, 0);
		/* as root, so that 900 is also the floor it cannot go below */
		set_oom_score_adj(getpid(), 900);
		if (chdir("/tmp") || setgroups(0, NULL) || setgid(65534) ||
		    setuid(65534))
			_exit(2);
		setenv("LD_LIBRARY_PATH", "/mnt/lib", 1);
		execl(STRESS_NG, "stress-ng", "--vm", nw, "--vm-bytes", bytes,
		      "--vm-keep", "-t", secs, "-v", "--metrics-brief",
		      (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	stress_pid = pid;
	STORE(watch_stress, true);
	line_reader_start(&stress_lr, pfd[0], stress_line);
	usleep(300000);
	proc_add(pid, 900, ROLE_STRESS, "stress-ng");
}

/* ---- scenarios ---------------------------------------------------------- */

/**
 * struct run - one scenario's set-up and what it needs
 * @need_kb:     memory the foreground needs beyond what it holds at the
 *               start (the grower's target, plus the reader's file working
 *               set when it must stay cached)
 * @avail0_kb:   MemAvailable just before the foreground starts, less
 *               what processes killed before then gave back (mark_avail0())
 * @slab0_kb:    what reclaimable kernel memory added to @avail0_kb
 * @avail_end_kb: MemAvailable when the run ends, the grower done and
 *               holding its memory; -1 when it is not (no_min, timeout,
 *               the grower dead)
 * @slab_end_kb: what reclaimable kernel memory added to @avail_end_kb
 * @keep_kb:     what MemAvailable counts that the foreground must keep: the
 *               filecache reader's working set, which has to stay cached
 * @settle_s:    time to keep measuring once the grower is done
 * @fixed_s:     or run for exactly this long (no grower)
 * @no_min:      the minimum number of kills is not defined
 */
struct run {
	long need_kb;
	long avail0_kb;
	long slab0_kb;
	long avail_end_kb;
	long slab_end_kb;
	long keep_kb;
	double settle_s;
	double fixed_s;
	bool no_min;
};

static struct reader_cfg default_reader = {
	.anon_kb = 8 * MB, .sleep_us = 10000, .shm_fd = -1,
};

/*
 * What reclaimable kernel memory (slab caches and the like) adds to
 * MemAvailable, as the kernel's si_mem_available() counts it, kB.  The
 * table's free and file pages leave it out.
 */
static long avail_slab_kb(void)
{
	long kr = meminfo_kb("KReclaimable");
	long low = zoneinfo_sum_kb(" low %ld");	/* the low watermarks */

	return kr - (kr / 2 < low ? kr / 2 : low);
}

/* @pid has given its memory back (exited, or a zombie: no VmRSS left). */
static bool released(pid_t pid)
{
	return status_kb(pid, "VmRSS") < 0;
}

/*
 * The run's starting point: MemAvailable now, less what the processes of
 * the table that already gave their memory back (released()) held.  A
 * killer may act during set-up (the crowd alone crosses the top row, the
 * filecache reader's first pass can); without this, each such kill would
 * make the foreground ask for more, and the foreground's demand would
 * differ from one killer to the next.
 */
static long mark_avail0(struct run *r)
{
	long gone = 0;
	int i;

	for (i = 0; i < nr_procs; i++)
		if (procs[i].adj > 0 && procs[i].role != ROLE_STRESS &&
		    procs[i].gain_kb > 0 && released(procs[i].pid))
			gone += procs[i].gain_kb;
	r->avail0_kb = meminfo_kb("MemAvailable") - gone;
	r->slab0_kb = avail_slab_kb();
	return r->avail0_kb;
}

static void grow_after(struct run *r, long extra_kb, long delay_us)
{
	long avail = mark_avail0(r);

	r->need_kb = avail + extra_kb;
	grower(r->need_kb, delay_us);
}

static void sc_ladder(struct run *r, long delay_us)
{
	hog("bg900", 900, 16 * MB);
	hog("bg800", 800, 16 * MB);
	hog("bg705", 705, 16 * MB);
	hog("bg500", 500, 16 * MB);
	hog("bg200", 200, 12 * MB);
	hog("bg100", 100, 12 * MB);
	reader(&default_reader);
	grow_after(r, 24 * MB, delay_us);
	r->settle_s = 3;
}

static void sc_burst(struct run *r)
{
	static const int adj[] = { 900, 900, 800, 800, 705, 705, 500, 200 };
	long avail, kb;
	unsigned int i;
	char name[16];

	for (i = 0; i < ARRAY_SIZE(adj); i++) {
		snprintf(name, sizeof(name), "bg%d_%u", adj[i], i);
		hog(name, adj[i], 12 * MB);
	}
	reader(&default_reader);
	avail = mark_avail0(r);
	kb = avail + 24 * MB;
	if (kb < 110 * MB)
		kb = 110 * MB;
	r->need_kb = kb;
	grower(kb, -1);
	r->settle_s = 3;
}

static void sc_protected(struct run *r)
{
	const long shm_kb = 32 * MB;
	struct hog_cfg c;
	struct reader_cfg rc = default_reader;
	struct proc *p;
	pid_t pid;
	int fd;

	fd = memfd_create("bench_shared", 0);
	if (fd < 0 || ftruncate(fd, shm_kb * 1024))
		die("memfd: %s", strerror(errno));
	/* the protected owner fills the segment; the others map it too */
	c = (struct hog_cfg){ "protected", -1000, 4 * MB, fd, shm_kb, true };
	pid = spawn(hog_fn, &c);
	p = proc_add(abs(pid), -1000, ROLE_FG, "protected");
	c = (struct hog_cfg){ "shared900", 900, 2 * MB, fd, shm_kb, false };
	pid = spawn(hog_fn, &c);
	p = proc_add(abs(pid), 900, ROLE_BG, "shared900");
	c = (struct hog_cfg){ "shared800", 800, 2 * MB, fd, shm_kb, false };
	pid = spawn(hog_fn, &c);
	p = proc_add(abs(pid), 800, ROLE_BG, "shared800");
	(void)p;
	hog("bg900", 900, 12 * MB);
	hog("bg705", 705, 16 * MB);
	hog("bg500", 500, 16 * MB);
	rc.shm_fd = fd;
	rc.shm_kb = shm_kb;
	reader(&rc);
	close(fd);
	grow_after(r, 16 * MB, 500);
	r->settle_s = 3;
}

static void sc_ties(struct run *r)
{
	static const int mb[] = { 4, 8, 12, 16, 20, 24 };
	unsigned int i;
	char name[16];

	/* started smallest first, so that pid order is not size order */
	for (i = 0; i < ARRAY_SIZE(mb); i++) {
		snprintf(name, sizeof(name), "tie%d", mb[i]);
		hog(name, 900, mb[i] * MB);
	}
	reader(&default_reader);
	grow_after(r, 24 * MB, 500);
	r->settle_s = 3;
}

static void sc_crowd(struct run *r)
{
	long before = meminfo_kb("MemAvailable"), each;
	int n, i, alive = 0;

	/*
	 * A sleeper allocates nothing; what killing one gives back is the
	 * pages it dirtied since fork, its stack, page tables and structures.
	 * The crowd alone crosses the top row, so a killer may already have
	 * taken some: the cost is that of the ones still there.
	 */
	n = crowd(1200, 900, 999, 0);
	for (i = 0; i < nr_procs; i++)
		if (procs[i].role == ROLE_CROWD && !released(procs[i].pid))
			alive++;
	each = alive ? (before - meminfo_kb("MemAvailable")) / alive : 0;
	for (i = 0; i < nr_procs; i++)
		if (procs[i].role == ROLE_CROWD)
			procs[i].gain_kb = each;
	printf("# crowd: %d sleepers at adj 900..999, %d alive, %ld kB each\n",
	       n, alive, each);
	hog("big1000_a", 1000, 12 * MB);
	hog("big1000_b", 1000, 12 * MB);
	reader(&default_reader);
	grow_after(r, 8 * MB, 500);
	r->settle_s = 3;
}

static void sc_filecache(struct run *r)
{
	struct reader_cfg rc = { .file_kb = 96 * MB, .shm_fd = -1 };
	long avail, ws;

	hog("bg900", 900, 16 * MB);
	hog("bg800", 800, 16 * MB);
	hog("bg705", 705, 16 * MB);
	/* the reader's first pass brings the working set into the cache */
	reader(&rc);
	while (LOAD(sh->passes) < 1 &&
	       run_t() < 20)
		usleep(10000);
	ws = rc.file_kb;
	avail = mark_avail0(r);
	/*
	 * MemAvailable counts the cached working set as available: the
	 * grower takes what is left beside it, and 24 MiB more.
	 */
	r->need_kb = avail + 24 * MB;
	r->keep_kb = ws;
	grower(avail - ws + 24 * MB, 500);
	r->settle_s = 6;
}

static void sc_thirdparty(struct run *r)
{
	struct reader_cfg rc = {
		.anon_kb = 8 * MB, .file_kb = 16 * MB, .sleep_us = 10000,
		.shm_fd = -1,
	};

	hog("bg800", 800, 12 * MB);
	hog("bg705", 705, 12 * MB);
	reader(&rc);
	mark_avail0(r);
	r->need_kb = 0;
	r->no_min = true;
	stress_start(2, 72, 16);
	r->fixed_s = 15;
}

/* A busy process: spins on a CPU until the run ends. */
static void spinner_fn(void *arg, int fd)
{
	become(arg, 0);
	ready(fd);
	while (!LOAD(sh->stop))
		;
	for (;;)
		pause();
}

/*
 * A background process that, once it holds its memory, runs at
 * SCHED_IDLE: it gets a CPU only when nothing else wants one, and so,
 * beside busy processes, hardly ever, even to exit once killed.  It
 * allocates before, at SCHED_NORMAL, so that its set-up is not starved.
 */
static void idle_hog_fn(void *arg, int fd)
{
	const struct hog_cfg *c = arg;
	struct sched_param sp = { 0 };

	become(c->comm, c->adj);
	if (!hog_alloc(c->kb))
		_exit(3);
	if (sched_setscheduler(0, SCHED_IDLE, &sp))
		_exit(7);
	ready(fd);
	for (;;)
		pause();
}

/*
 * Victims starved of CPU: four at SCHED_IDLE, two busy processes that
 * keep both vCPUs, and a grower that takes what is available less 24 MiB
 * (and less what reclaimable kernel memory adds to MemAvailable, which
 * the table does not count), so that the table, which keeps 64 MiB at
 * these adj, needs three of the four victims.
 */
static void sc_starved(struct run *r)
{
	static const int adj[] = { 900, 850, 800, 750 };
	struct hog_cfg c = { .kb = 16 * MB, .shm_fd = -1 };
	char name[ARRAY_SIZE(adj)][16], busy[16];
	unsigned int i;
	long avail;
	pid_t pid;

	for (i = 0; i < ARRAY_SIZE(adj); i++) {
		snprintf(name[i], sizeof(name[i]), "idle%d", adj[i]);
		c.comm = name[i];
		c.adj = adj[i];
		pid = spawn(idle_hog_fn, &c);
		if (pid < 0)
			die("%s: cannot allocate or set SCHED_IDLE", name[i]);
		proc_add(pid, adj[i], ROLE_BG, name[i]);
	}
	reader(&default_reader);
	for (i = 0; i < 2; i++) {
		snprintf(busy, sizeof(busy), "busy%u", i);
		pid = spawn(spinner_fn, busy);
		proc_add(abs(pid), 0, ROLE_FG, busy);
	}
	avail = mark_avail0(r);
	r->need_kb = avail - r->slab0_kb - 24 * MB;
	grower(r->need_kb, 20000);
	r->settle_s = 3;
}

/* ---- the run ------------------------------------------------------------ */

/*
 * The fewest background processes whose private memory covers what the
 * foreground needs beyond MemAvailable at its start, largest first: no
 * killer that spares the foreground can do with fewer.  @coverable is
 * false when even all of them are not enough.
 */
static int min_kills(const struct run *r, bool *coverable)
{
	static long gains[MAX_PROCS];
	long deficit = r->need_kb - r->avail0_kb, tmp;
	int n = 0, i, j, best, k = 0;

	*coverable = true;
	if (deficit <= 0)
		return 0;
	for (i = 0; i < nr_procs; i++)
		if (procs[i].adj > 0 && procs[i].role != ROLE_STRESS)
			gains[n++] = procs[i].gain_kb > 0 ? procs[i].gain_kb : 0;
	for (i = 0; i < n && deficit > 0; i++) {
		best = i;
		for (j = i + 1; j < n; j++)
			if (gains[j] > gains[best])
				best = j;
		tmp = gains[i];
		gains[i] = gains[best];
		gains[best] = tmp;
		deficit -= gains[i];
		k++;
	}
	*coverable = deficit <= 0;
	return k;
}

/* The bench's table (bench.sh exports it): minfree in pages, adj. */
static long tab_minfree[6], tab_adj[6];
static int tab_rows;

static void table_from_env(void)
{
	const char *mf = getenv("MINFREE"), *adj = getenv("ADJ");
	char *end;
	int n = 0, m = 0;

	while (mf && *mf && n < 6) {
		tab_minfree[n++] = strtol(mf, &end, 10);
		mf = *end == ',' ? end + 1 : NULL;
	}
	while (adj && *adj && m < 6) {
		tab_adj[m++] = strtol(adj, &end, 10);
		adj = *end == ',' ? end + 1 : NULL;
	}
	tab_rows = n < m ? n : m;
}

/* The reserve a killer with the table keeps before killing at @adj, kB. */
static long table_reserve_kb(int adj)
{
	int i;

	for (i = tab_rows - 1; i >= 0; i--)
		if (adj >= tab_adj[i])
			return tab_minfree[i] * 4;
	return -1;		/* never killed by the table */
}

/*
 * Sort @n indices into procs[] in kill order (adj, then size, descending)
 * for @dir 1, or in its reverse for @dir -1.
 */
static void by_priority(int *order, int n, int dir)
{
	int i, j, tmp;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			const struct proc *a = &procs[order[i]];
			const struct proc *b = &procs[order[j]];
			long d = b->adj != a->adj ? b->adj - a->adj :
						    b->size_kb - a->size_kb;

			if (d * dir > 0) {
				tmp = order[i];
				order[i] = order[j];
				order[j] = tmp;
			}
		}
}

/*
 * The fewest kills for a killer that honours the table: it kills in
 * priority order (adj, then size, descending) and may kill at adj A while
 * memory is below the minfree of the row A belongs to, so it keeps that
 * reserve.  Processes are taken in that order while MemAvailable at the
 * end of the foreground's growth, plus what the kills so far gave back,
 * is below the next one's reserve.  MemAvailable stands in for the
 * table's free and file pages, less what reclaimable kernel memory adds
 * to it: the table does not count that, and on 6.1 it is megabytes.
 * @coverable is false when even then the foreground's need is not met.
 */
static int min_kills_table(const struct run *r, bool *coverable)
{
	static int order[MAX_PROCS];
	long left = r->avail0_kb - r->slab0_kb - r->need_kb, reserve;
	int n = 0, i, k = 0;

	*coverable = true;
	for (i = 0; i < nr_procs; i++)
		if (procs[i].adj > 0 && procs[i].role != ROLE_STRESS)
			order[n++] = i;
	by_priority(order, n, 1);
	for (i = 0; i < n; i++) {
		reserve = table_reserve_kb(procs[order[i]].adj);
		if (reserve < 0 || left >= reserve)
			break;
		left += procs[order[i]].gain_kb > 0 ? procs[order[i]].gain_kb : 0;
		k++;
	}
	*coverable = left >= 0;
	return k;
}

/*
 * The module's kills are timed by its tracepoint, lowmemkiller:lowmemory_kill,
 * in a tracing instance of the bench's own whose clock is "mono", the
 * CLOCK_MONOTONIC of the sampler and of t0.
 */
#define TRACING		"/sys/kernel/tracing/"
#define TR_INST		TRACING "instances/lmkbench/"
#define TR_EVENT	"events/lowmemkiller/lowmemory_kill/enable"
/*
 * A task's exit, traced in the same instance: do_exit() fires it just
 * after exit_mm(), so for a single-threaded victim once its memory is
 * back (on 6.1 and 6.12; later kernels fire it before exit_mm()).
 */
#define TR_EXIT		"events/sched/sched_process_exit/enable"

static bool trace_on;

/* The tasks' exits the trace recorded: pid, run time.  Under lock. */
static struct {
	pid_t pid;
	double t;
} exits[MAX_EVENTS];
static int nr_exits;

static int inst_write(const char *file, const char *val)
{
	char path[160];

	snprintf(path, sizeof(path), TR_INST "%s", file);
	return lmk_write_file(path, val);
}

/* Start tracing the module's kills; false when tracefs cannot. */
static bool trace_start(void)
{
	if (mkdir(TR_INST, 0700) && errno != EEXIST)
		return false;
	inst_write(TR_EVENT, "0");
	inst_write(TR_EXIT, "0");
	if (inst_write("trace_clock", "mono") || inst_write("trace", "") ||
	    inst_write(TR_EVENT, "1"))
		return false;
	if (inst_write(TR_EXIT, "1"))
		printf("# no sched_process_exit event: timed-out exits timed by death\n");
	trace_on = true;
	return true;
}

/*
 * The kills the tracepoint recorded since trace_start(), as kill events:
 *   <task>-<pid> [<cpu>] <flags> <seconds>: lowmemory_kill: comm=... pid=...
 * Dry-run selections are left out.  And the tasks' exits:
 *   <task>-<pid> [<cpu>] <flags> <seconds>: sched_process_exit: comm=... pid=...
 */
static void read_trace(void)
{
	char line[768], *p, *ts;
	struct kill_ev *e;
	bool ex;
	double t;
	FILE *f;

	f = fopen(TR_INST "trace", "r");
	while (f && fgets(line, sizeof(line), f)) {
		p = strstr(line, ": lowmemory_kill: ");
		ex = !p && (p = strstr(line, ": sched_process_exit: "));
		if (line[0] == '#' || !p)
			continue;
		*p = '\0';
		ts = strrchr(line, ' ');
		if (!ts || sscanf(ts + 1, "%lf", &t) != 1)
			continue;
		if (ex) {
			pthread_mutex_lock(&lock);
			if (nr_exits < MAX_EVENTS && t >= t0) {
				exits[nr_exits].pid = kv_long(p + 21, "pid");
				exits[nr_exits].t = t - t0;
				nr_exits++;
			}
			pthread_mutex_unlock(&lock);
			continue;
		}
		p += 17;	/* at the space before "comm=" */
		if (kv_long(p, "dry_run") == 1 || t < t0)
			continue;
		pthread_mutex_lock(&lock);
		if (nr_events < MAX_EVENTS) {
			e = &events[nr_events++];
			memset(e, 0, sizeof(*e));
			e->t = t - t0;
			e->pid = kv_long(p, "pid");
			e->adj = kv_long(p, "adj");
			e->size_kb = kv_long(p, "size");
			kv_str(p, "comm", e->comm, sizeof(e->comm));
			kv_str(p, "reason", e->reason, sizeof(e->reason));
			e->minfree_kb = kv_long(p, "pagecache_limit");
			e->src = "lmk";
			e->exit_ms = -1;
		}
		pthread_mutex_unlock(&lock);
	}
	if (f)
		fclose(f);
	inst_write(TR_EVENT, "0");
	inst_write(TR_EXIT, "0");
	rmdir(TR_INST);
}

/*
 * The module's kill log entries of this run: each one's exit_ms for the
 * kill of the same victim the tracepoint gave; without the tracepoint,
 * the kills themselves, timed by the log.  An exit_ms of "timeout" (the
 * module stopped waiting) is kept as such: report() times that exit by
 * the victim's death.
 */
static void read_kill_log(void)
{
	char line[768], ex[24], reason[16];
	struct kill_ev *e;
	bool timeout;
	long exit_ms;
	double ts;
	pid_t pid;
	FILE *f;
	int i;

	f = fopen(LMK_KILL_LOG, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || sscanf(line, "%lf", &ts) != 1)
			continue;
		if (kv_long(line, "dry_run") == 1 || ts < t0)
			continue;
		pid = kv_long(line, "tgid");
		kv_str(line, "exit_ms", ex, sizeof(ex));
		exit_ms = isdigit((unsigned char)ex[0]) ? atol(ex) : -1;
		timeout = !strcmp(ex, "timeout");
		pthread_mutex_lock(&lock);
		if (trace_on) {
			/* the first kill of that pid not matched yet */
			for (i = 0; i < nr_events; i++)
				if (events[i].pid == pid &&
				    !strcmp(events[i].src, "lmk") &&
				    events[i].exit_ms == -1) {
					events[i].exit_ms = exit_ms == -1 ? -2 : exit_ms;
					events[i].exit_timeout = timeout;
					break;
				}
		} else if (nr_events < MAX_EVENTS) {
			e = &events[nr_events++];
			memset(e, 0, sizeof(*e));
			e->t = ts - t0;
			e->pid = pid;
			e->adj = kv_long(line, "adj");
			e->size_kb = kv_long(line, "size_kb");
			kv_str(line, "comm", e->comm, sizeof(e->comm));
			kv_str(line, "reason", reason, sizeof(reason));
			snprintf(e->reason, sizeof(e->reason), "%s", reason);
			e->minfree_kb = kv_long(line, "minfree_kb");
			e->src = "lmk";
			e->exit_ms = exit_ms;
			e->exit_timeout = timeout;
		}
		pthread_mutex_unlock(&lock);
	}
	fclose(f);
	for (i = 0; i < nr_events; i++)
		if (events[i].exit_ms == -2)
			events[i].exit_ms = -1;
}

/**
 * struct fate - what happened to a process of the table during the run
 * @gone:   when it stopped counting as alive: its kill (the killer's own
 *          time when it reported one, else its death), its death, or
 *          never (INFINITY)
 * @killed: it died by SIGKILL or SIGTERM before the run ended, or a
 *          killer reported killing it before then (a victim starved of
 *          CPU may die only once the run's own end kills its rivals)
 * @src:    who reported the kill, or "death" when nobody did
 */
struct fate {
	double gone;
	bool killed;
	const char *src;
};

static struct fate fates[MAX_PROCS];

static void settle_fates(double t_stop)
{
	int i, j, status;

	for (i = 0; i < nr_procs; i++) {
		struct fate *f = &fates[i];

		f->gone = INFINITY;
		f->killed = false;
		f->src = "death";
		for (j = 0; j < nr_deaths; j++)
			if (deaths[j].pid == procs[i].pid)
				break;
		if (j == nr_deaths || deaths[j].t >= t_stop) {
			/* killed, but not dead yet when the run ended */
			for (j = 0; j < nr_events; j++)
				if (events[j].pid == procs[i].pid &&
				    events[j].t < t_stop) {
					f->gone = events[j].t;
					f->killed = true;
					f->src = events[j].src;
					break;
				}
			continue;
		}
		status = deaths[j].status;
		f->gone = deaths[j].t;
		f->killed = WIFSIGNALED(status) &&
			    (WTERMSIG(status) == SIGKILL ||
			     WTERMSIG(status) == SIGTERM);
		for (j = 0; j < nr_events; j++)
			if (events[j].pid == procs[i].pid &&
			    events[j].t <= f->gone + 0.05) {
				if (events[j].t < f->gone)
					f->gone = events[j].t;
				f->src = events[j].src;
				break;
			}
	}
}

/*
 * Sizes this close are the same size: processes started to hold the same
 * amount differ by a few pages of stack and page tables.
 */
static bool larger(long a_kb, long b_kb)
{
	return a_kb > b_kb + b_kb / 50 + 256;
}

/*
 * A kill is out of order when, at its time, a process of the table with a
 * higher adj, or the same adj and a larger size, was still alive and
 * killable (adj above -1000).
 */
/*
 * The size process @v is ranked at: measured once set up, or, for a
 * process killed while still setting up, the size its killer reported.
 */
static long ranked_size_kb(int v)
{
	int i;

	if (procs[v].size_kb >= 0)
		return procs[v].size_kb;
	for (i = 0; i < nr_events; i++)
		if (events[i].pid == procs[v].pid && events[i].size_kb >= 0)
			return events[i].size_kb;
	return -1;
}

static bool out_of_order(int v)
{
	double t = fates[v].gone;
	long size = ranked_size_kb(v);
	int w;

	for (w = 0; w < nr_procs; w++) {
		if (w == v || procs[w].adj == -1000)
			continue;
		if (procs[w].t_start > t || fates[w].gone <= t)
			continue;
		if (procs[w].adj > procs[v].adj ||
		    (procs[w].adj == procs[v].adj && size >= 0 &&
		     larger(procs[w].size_kb, size)))
			return true;
	}
	return false;
}

static bool in_table(pid_t pid)
{
	return !!proc_find(pid);
}

static long avail_at(double t)
{
	int i;

	for (i = 0; i < nr_samples; i++)
		if (samples[i].t >= t)
			return samples[i].avail_kb;
	return nr_samples ? samples[nr_samples - 1].avail_kb : -1;
}

static const char *fmt(char *buf, size_t len, bool ok, const char *f, ...)
{
	va_list ap;

	if (!ok)
		return "n/a";
	va_start(ap, f);
	vsnprintf(buf, len, f, ap);
	va_end(ap);
	return buf;
}

struct lmk_stats {
	long long walks, visited, ns, ns_max, count, kills, poll, kern,
		  timeouts, thrash, reaped;
};

static void lmk_stats_read(struct lmk_stats *s)
{
	s->walks = lmk_stat("scan_walks");
	s->visited = lmk_stat("tasks_visited");
	s->ns = lmk_stat("scan_ns_total");
	s->ns_max = lmk_stat("scan_ns_max");
	s->count = lmk_stat("count_calls");
	s->kills = lmk_stat("kills");
	s->poll = lmk_stat("poll_kills");
	s->thrash = lmk_stat("thrashing_kills");
	s->kern = lmk_stat("kernel_oom_events");
	s->timeouts = lmk_stat("death_timeouts");
	s->reaped = lmk_stat("reaped");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The reaction times of the kills after the first pass, in ms: the @pct
 * percentile of @n, by nearest rank (the smallest value with at least
 * @pct percent of them at or below it).
 */
static double react_rest[MAX_EVENTS];

static double react_pct(long n, int pct)
{
	long rank = (n * pct + 99) / 100;

	return react_rest[rank > 0 ? rank - 1 : 0];
}

/* A sample is below a row when other_free and other_file both are. */
static bool sample_below(const struct sample *s, long minfree_kb)
{
	return s->ofree_kb < minfree_kb && s->ofile_kb < minfree_kb;
}

/*
 * When the module's victims killed before @e were gone, as the driver saw
 * them: the latest such time after @after and at or before @e's kill, or
 * -1.  The reaper's time, or the kill's time plus the kill log's exit_ms
 * when that is earlier (and for victims the driver does not reap).  Called
 * under lock.
 */
static double victims_gone(const struct kill_ev *e, double after)
{
	double gone, latest = -1;
	int i, j;

	for (i = 0; i < nr_events; i++) {
		const struct kill_ev *v = &events[i];

		if (v == e || strcmp(v->src, "lmk") || v->t >= e->t)
			continue;
		gone = INFINITY;
		if (v->exit_ms >= 0)
			gone = v->t + v->exit_ms / 1e3;
		for (j = 0; j < nr_deaths; j++)
			if (deaths[j].pid == v->pid) {
				if (deaths[j].t < gone)
					gone = deaths[j].t;
				break;
			}
		if (gone > after && gone <= e->t && gone > latest)
			latest = gone;
	}
	return latest;
}

/*
 * A kill's reaction, ms, measured by the driver: from the first sample of
 * the run of samples below the kill's row that the kill ends (the first
 * sample that showed the crossing), or from the moment the previous
 * victims were gone when that is later, since no new victim is chosen
 * while one is dying, to the kill.  When the last sample before the kill
 * is not below the row, the module acted before any sample showed the
 * crossing: 0, and @in_period is set.  A lower bound: the crossing itself
 * came up to one sampling period before the sample that showed it.  NAN
 * for a kill that answers no crossing (thrashing) or that no sample
 * precedes.
 */
static double kill_reaction(const struct kill_ev *e, bool *in_period)
{
	double start, gone;
	int i, j;

	*in_period = false;
	if (e->minfree_kb <= 0 ||
	    (strcmp(e->reason, "poll") && strcmp(e->reason, "shrinker")))
		return NAN;
	for (i = 0; i < nr_samples && samples[i].t <= e->t; i++)
		;
	if (!i)
		return NAN;
	/* samples[i - 1] is the last one before the kill */
	if (!sample_below(&samples[i - 1], e->minfree_kb)) {
		*in_period = true;
		return 0;
	}
	for (j = i - 1; j > 0 && sample_below(&samples[j - 1], e->minfree_kb); j--)
		;
	start = samples[j].t;
	gone = victims_gone(e, start);
	if (gone > start)
		start = gone;
	return (e->t - start) * 1e3;
}

/*
 * The kills the end of the run shows were not needed: with the grower done,
 * the victims are given back their memory, least deserving first (lowest
 * adj, then smallest), while MemAvailable at the end, less that memory,
 * would still be at or above the reserve the table keeps before killing at
 * the victim's adj.  Unlike min_kills_table() it does not rely on what each
 * victim was expected to give back, only the last few victims' share: a
 * crowd's sleepers give back from 85 to 166 kB each, depending on which
 * slab pages their kills empty, so a count from the start is only as good
 * as that.  -1 when the end was not measured.
 */
static int spare_kills_end(const struct run *r)
{
	static int order[MAX_PROCS];
	long left = r->avail_end_kb - r->slab_end_kb - r->keep_kb;
	long gain, reserve;
	int n = 0, i, k = 0;

	if (r->avail_end_kb < 0)
		return -1;
	for (i = 0; i < nr_procs; i++)
		if (fates[i].killed && procs[i].adj > 0 &&
		    procs[i].role != ROLE_STRESS)
			order[n++] = i;
	by_priority(order, n, -1);
	for (i = 0; i < n; i++) {
		gain = procs[order[i]].gain_kb > 0 ? procs[order[i]].gain_kb : 0;
		reserve = table_reserve_kb(procs[order[i]].adj);
		if (left - gain < (reserve > 0 ? reserve : 0))
			break;
		left -= gain;
		k++;
	}
	return k;
}

/*
 * A kill's exit time, ms: the kill log's exit_ms; for a victim the module
 * stopped waiting for (exit_ms=timeout), from the kill to its memory
 * being back, whenever that came: its exit as traced (sched_process_exit,
 * just after exit_mm()), else its death as the driver saw it.  -1 when
 * neither is known.  Called under lock.
 */
static long kill_exit_ms(const struct kill_ev *e)
{
	double back = INFINITY;
	int i;

	if (e->exit_ms >= 0 || !e->exit_timeout)
		return e->exit_ms;
	for (i = 0; i < nr_exits; i++)
		if (exits[i].pid == e->pid && exits[i].t >= e->t) {
			back = exits[i].t;
			break;
		}
	for (i = 0; back == INFINITY && i < nr_deaths; i++)
		if (deaths[i].pid == e->pid && deaths[i].t >= e->t)
			back = deaths[i].t;
	return back < INFINITY ? (long)((back - e->t) * 1e3 + 0.5) : -1;
}

static void report(const struct run *r, double t_fg, double t_stop,
		   bool timed_out, bool lmk, const struct lmk_stats *st,
		   long long psi_full, long long psi_some, const char *kver)
{
	int i, kills = 0, fg_lost = 0, viol = 0, foreign = 0, mink = 0;
	int kernel_kills = 0, mink_tab = 0, spare;
	long react_n = 0, in_period_n = 0, exit_n = 0, exit_max = -1;
	long rest_n = 0, pass1_n = 0, exit_ms, min_ofree = -1;
	double react_max = 0, react_first = 0, rest_max = 0, pass1_max = 0;
	double react_sum = 0, rest_sum = 0, exit_sum = 0, first = INFINITY;
	double grown, ms, gap_max = 0;
	char b[16][32];
	bool coverable = true, coverable_tab = true, in_period;

	settle_fates(t_stop);
	for (i = 0; i < nr_procs; i++) {
		if (!fates[i].killed)
			continue;
		kills++;
		if (procs[i].adj <= 0)
			fg_lost++;
		if (out_of_order(i))
			viol++;
		if (fates[i].gone < first)
			first = fates[i].gone;
	}
	/* victims outside the table: stress-ng's workers, a daemon... */
	for (i = 0; i < nr_events; i++) {
		if (events[i].t > t_stop)
			continue;
		if (!strcmp(events[i].src, "kernel"))
			kernel_kills++;
		if (!in_table(events[i].pid)) {
			foreign++;
			if (events[i].t < first)
				first = events[i].t;
		}
		exit_ms = kill_exit_ms(&events[i]);
		if (exit_ms >= 0) {
			exit_n++;
			exit_sum += exit_ms;
			if (exit_ms > exit_max)
				exit_max = exit_ms;
		}
		if (strcmp(events[i].src, "lmk"))
			continue;
		ms = kill_reaction(&events[i], &in_period);
		if (isnan(ms))
			continue;
		in_period_n += in_period;
		/*
		 * The first pass: the trace is in order, and a later pass
		 * waits for every earlier victim to be gone.
		 */
		if (!react_n || (rest_n == 0 && victims_gone(&events[i], -1) < 0)) {
			if (!react_n)
				react_first = ms;
			pass1_n++;
			pass1_max = ms;
		} else {
			react_rest[rest_n++] = ms;
			rest_sum += ms;
			if (ms > rest_max)
				rest_max = ms;
		}
		react_n++;
		react_sum += ms;
		if (ms > react_max)
			react_max = ms;
	}
	kills += foreign;
	for (i = 1; i < nr_samples && samples[i].t <= t_stop; i++)
		if (samples[i].t - samples[i - 1].t > gap_max)
			gap_max = samples[i].t - samples[i - 1].t;
	for (i = 0; i < nr_samples && samples[i].t <= t_stop; i++)
		if (min_ofree < 0 || samples[i].ofree_kb < min_ofree)
			min_ofree = samples[i].ofree_kb;
	if (!r->no_min) {
		mink = min_kills(r, &coverable);
		mink_tab = min_kills_table(r, &coverable_tab);
	}
	spare = spare_kills_end(r);
	grown = LOAD(sh->grower_done) / 1e6;

	printf("BENCH scenario=%s mode=%s kernel=%s mem_total_kb=%ld avail0_kb=%ld",
	       scenario, mode, kver, meminfo_kb("MemTotal"), r->avail0_kb);
	printf(" slab0_kb=%ld need_kb=%ld", r->slab0_kb, r->need_kb);
	printf(" procs=%d kills=%d min_kills=%s excess_kills=%s killer_events=%d",
	       nr_procs, kills,
	       fmt(b[0], 32, !r->no_min, "%d%s", mink, coverable ? "" : "+"),
	       fmt(b[1], 32, !r->no_min, "%d",
		   kills > mink ? kills - mink : 0),
	       nr_events);
	printf(" min_kills_table=%s excess_kills_table=%s",
	       fmt(b[7], 32, !r->no_min, "%d%s", mink_tab,
		   coverable_tab ? "" : "+"),
	       fmt(b[8], 32, !r->no_min, "%d",
		   kills > mink_tab ? kills - mink_tab : 0));
	printf(" avail_end_kb=%ld spare_kills_end=%s", r->avail_end_kb,
	       fmt(b[9], 32, spare >= 0, "%d", spare));
	printf(" oom_invoked=%d oom_kills=%d violations=%d fg_losses=%d",
	       oom_invoked, kernel_kills, viol, fg_lost);
	printf(" min_avail_kb=%ld min_other_free_kb=%ld",
	       min_avail_kb == LONG_MAX ? -1 : min_avail_kb, min_ofree);
	printf(" first_kill_s=%s avail_first_kill_kb=%s",
	       fmt(b[2], 32, first < INFINITY, "%.3f", first - t_fg),
	       fmt(b[3], 32, first < INFINITY, "%ld", avail_at(first)));
	printf(" kswapd_first_s=%s avail_kswapd_kb=%s",
	       fmt(b[2], 32, kswapd_t < INFINITY, "%.3f", kswapd_t - t_fg),
	       fmt(b[3], 32, kswapd_t < INFINITY, "%ld", kswapd_avail_kb));
	printf(" passes=%ld worst_stall_ms=%.0f grow_s=%s duration_s=%.2f timeout=%d",
	       LOAD(sh->passes), LOAD(sh->max_gap) / 1e3,
	       fmt(b[4], 32, grown > 0, "%.2f", grown - t_fg),
	       t_stop - t_fg, timed_out);
	printf(" psi_full_ms=%s psi_some_ms=%s",
	       fmt(b[5], 32, psi_full >= 0, "%.0f", psi_full / 1000.0),
	       fmt(b[6], 32, psi_some >= 0, "%.0f", psi_some / 1000.0));
	printf(" reaction_ms_first=%s first_pass_kills=%s reaction_ms_first_pass_max=%s",
	       fmt(b[7], 32, react_n, "%.1f", react_first),
	       fmt(b[8], 32, react_n, "%ld", pass1_n),
	       fmt(b[9], 32, react_n, "%.1f", pass1_max));
	printf(" reaction_ms_rest_avg=%s reaction_ms_rest_max=%s",
	       fmt(b[7], 32, rest_n, "%.1f", rest_sum / (rest_n ? rest_n : 1)),
	       fmt(b[8], 32, rest_n, "%.1f", rest_max));
	qsort(react_rest, rest_n, sizeof(double), cmp_double);
	printf(" reaction_ms_rest_p50=%s reaction_ms_rest_p90=%s",
	       fmt(b[7], 32, rest_n, "%.1f", react_pct(rest_n, 50)),
	       fmt(b[8], 32, rest_n, "%.1f", react_pct(rest_n, 90)));
	printf(" reaction_ms_avg=%s reaction_ms_max=%s reaction_kills=%s reaction_in_period=%s",
	       fmt(b[7], 32, react_n, "%.1f", react_sum / (react_n ? react_n : 1)),
	       fmt(b[8], 32, react_n, "%.1f", react_max),
	       fmt(b[9], 32, lmk, "%ld", react_n),
	       fmt(b[10], 32, lmk, "%ld", in_period_n));
	printf(" sample_ms=%d sample_gap_max_ms=%.1f exit_ms_avg=%s exit_ms_max=%s",
	       SAMPLE_MS, gap_max * 1e3,
	       fmt(b[9], 32, exit_n, "%.0f", exit_sum / (exit_n ? exit_n : 1)),
	       fmt(b[10], 32, exit_n, "%ld", exit_max));
	printf(" scan_walks=%s tasks_visited=%s scan_ns_total=%s scan_ns_max=%s count_calls=%s",
	       fmt(b[11], 32, lmk, "%lld", st->walks),
	       fmt(b[12], 32, lmk, "%lld", st->visited),
	       fmt(b[13], 32, lmk, "%lld", st->ns),
	       fmt(b[14], 32, lmk, "%lld", st->ns_max),
	       fmt(b[15], 32, lmk, "%lld", st->count));
	printf(" lmk_kills=%s poll_kills=%s",
	       fmt(b[0], 32, lmk, "%lld", st->kills),
	       fmt(b[1], 32, lmk, "%lld", st->poll));
	printf(" kernel_oom_events=%s death_timeouts=%s thrashing_kills=%s reaped=%s",
	       fmt(b[3], 32, lmk, "%lld", st->kern),
	       fmt(b[4], 32, lmk, "%lld", st->timeouts),
	       fmt(b[6], 32, lmk, "%lld", st->thrash),
	       fmt(b[7], 32, lmk, "%lld", st->reaped));
	printf(" stress_restarts=%s kmsg_lost=%d\n",
	       fmt(b[5], 32, !strcmp(scenario, "thirdparty"), "%d",
		   stress_restarts),
	       kmsg_lost);
}

static void print_series(double t_stop)
{
	int i;

	for (i = 0; i < nr_samples; i += 2) {
		if (samples[i].t > t_stop)
			break;
		printf("BENCHTS %s %s %.3f %d %d %d %d %d\n", scenario, mode,
		       samples[i].t, samples[i].free_kb, samples[i].file_kb,
		       samples[i].avail_kb, samples[i].ofree_kb,
		       samples[i].ofile_kb);
	}
	for (i = 0; i < nr_procs; i++)
		if (fates[i].killed)
			printf("BENCHKILL %s %s %.3f %d %d %ld %s %s\n", scenario,
			       mode, fates[i].gone, procs[i].pid, procs[i].adj,
			       procs[i].size_kb, procs[i].comm, fates[i].src);
	for (i = 0; i < nr_events; i++) {
		if (events[i].t > t_stop || in_table(events[i].pid))
			continue;
		if (events[i].adj == INT_MIN)
			events[i].adj = seen_adj(events[i].pid);
		if (events[i].adj == INT_MIN)
			printf("BENCHKILL %s %s %.3f %d ? %ld %s %s\n", scenario,
			       mode, events[i].t, events[i].pid,
			       events[i].size_kb, events[i].comm,
			       events[i].src);
		else
			printf("BENCHKILL %s %s %.3f %d %d %ld %s %s\n",
			       scenario, mode, events[i].t, events[i].pid,
			       events[i].adj, events[i].size_kb,
			       events[i].comm, events[i].src);
	}
	if (stress_metrics[0])
		printf("# stress-ng: %s", stress_metrics);
}

static void start_scenario(struct run *r)
{
	if (!strcmp(scenario, "ladder"))
		sc_ladder(r, 500);
	else if (!strcmp(scenario, "creep"))
		sc_ladder(r, 40000);
	else if (!strcmp(scenario, "burst"))
		sc_burst(r);
	else if (!strcmp(scenario, "protected"))
		sc_protected(r);
	else if (!strcmp(scenario, "ties"))
		sc_ties(r);
	else if (!strcmp(scenario, "crowd"))
		sc_crowd(r);
	else if (!strcmp(scenario, "filecache"))
		sc_filecache(r);
	else if (!strcmp(scenario, "thirdparty"))
		sc_thirdparty(r);
	else if (!strcmp(scenario, "starved"))
		sc_starved(r);
	else
		die("unknown scenario %s", scenario);
}

/* The grower has died (killed, or failed). */
static bool grower_died(void)
{
	int i;

	for (i = 0; i < nr_procs; i++)
		if (procs[i].role == ROLE_GROWER &&
		    death_of(procs[i].pid, NULL) >= 0)
			return true;
	return false;
}

/* The grower is done and alive, holding what it needed. */
static bool grower_holds(void)
{
	return LOAD(sh->grower_done) && !grower_died();
}

/* Wait for the grower to be done and settle, to die, or for time to end. */
static bool wait_run(const struct run *r, double t_fg)
{
	double deadline = t_fg + (r->fixed_s ? r->fixed_s : RUN_LIMIT_S);
	bool settling = false;
	double done, t;

	for (;;) {
		done = LOAD(sh->grower_done) / 1e6;
		t = run_t();
		if (t >= deadline)
			return !r->fixed_s && !settling;
		if (!r->fixed_s && done > 0 && t >= done + r->settle_s)
			return false;
		if (!r->fixed_s && !done && !settling && grower_died()) {
			deadline = t + r->settle_s;
			settling = true;
		}
		usleep(10000);
	}
}

/* Kill everything the run started and wait for it to be reaped. */
static void end_all(void)
{
	bool left = true;
	int i, j;

	STORE(sh->stop, 1);
	if (stress_pid > 0)
		kill(-stress_pid, SIGKILL);
	for (i = 0; i < nr_procs; i++)
		kill(procs[i].pid, SIGKILL);
	kill_children();
	for (i = 0; i < 500 && left; i++) {
		left = false;
		for (j = 0; j < nr_procs && !left; j++)
			left = death_of(procs[j].pid, NULL) < 0;
		if (left)
			usleep(10000);
	}
}

static void wait_earlyoom(const char *fifo)
{
	static struct line_reader lr;
	double until = run_t() + 10;
	bool ok = false;
	int fd;

	fd = open(fifo, O_RDONLY);
	if (fd < 0)
		die("earlyoom fifo: %s", strerror(errno));
	line_reader_start(&lr, fd, earlyoom_line);
	while (!ok && run_t() < until) {
		usleep(10000);
		pthread_mutex_lock(&lock);
		ok = earlyoom_ready;
		pthread_mutex_unlock(&lock);
	}
	if (!ok)
		die("earlyoom did not start");
}

static int cmd_run(int argc, char **argv)
{
	pthread_t sampler_th, reaper_th, kmsg_th;
	long long full0, some0, full1, some1;
	struct lmk_stats st = { 0 };
	struct run r = { 0 };
	double t_fg, t_stop, last;
	struct utsname un;
	bool lmk, timed_out;
	long pcp0_kb;

	if (argc < 4)
		return 2;
	table_from_env();
	scenario = argv[2];
	mode = argv[3];
	/*
	 * shrinker, wsf and warm are the module with other settings, noreap
	 * the bench's build of it without the reaper (bench.sh)
	 */
	lmk = !strcmp(mode, "lmk") || !strcmp(mode, "shrinker") ||
	      !strcmp(mode, "wsf") || !strcmp(mode, "warm") ||
	      !strcmp(mode, "noreap");
	uname(&un);
	setvbuf(stdout, NULL, _IOLBF, 0);

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	t0 = now_s();
	if (argc >= 6 && !strcmp(argv[4], "-e"))
		wait_earlyoom(argv[5]);
	if (lmk && lmk_write_file(LMK_STATS "reset", "1"))
		die("lowmemkiller is not loaded");
	if (lmk && !trace_start())
		printf("# no tracefs instance: kills timed by the kill log\n");
	zoneinfo_read(&pcp0_kb, &reserve_kb);

	pthread_create(&sampler_th, NULL, sampler_fn, NULL);
	pthread_create(&reaper_th, NULL, reaper_fn, NULL);
	kmsg_start(&kmsg_th);
	full0 = psi_total_us("full");
	some0 = psi_total_us("some");
	STORE(sampling, true);

	start_scenario(&r);
	t_fg = run_t();
	timed_out = wait_run(&r, t_fg);

	t_stop = run_t();
	r.avail_end_kb = -1;
	if (!r.no_min && !timed_out && grower_holds()) {
		r.avail_end_kb = meminfo_kb("MemAvailable");
		r.slab_end_kb = avail_slab_kb();
	}
	STORE(sampling, false);
	full1 = psi_total_us("full");
	some1 = psi_total_us("some");
	if (lmk) {
		lmk_stats_read(&st);
		if (trace_on)
			read_trace();
		read_kill_log();
		printf("# exits traced: %d\n", nr_exits);
	}
	if (!strcmp(mode, "noreap") && st.reaped > 0)
		printf("BENCHERR %s noreap: %lld victims reaped: not the no-reaper build\n",
		       scenario, st.reaped);
	/* the reader's last stall may still be going on */
	last = LOAD(sh->last_pass) / 1e6;
	if (last > 0 && (t_stop - last) * 1e6 > LOAD(sh->max_gap))
		STORE(sh->max_gap, (long)((t_stop - last) * 1e6));

	end_all();
	usleep(200000);		/* the last kernel log records */
	STORE(stopping, true);
	pthread_join(sampler_th, NULL);
	pthread_join(kmsg_th, NULL);

	pthread_mutex_lock(&lock);
	report(&r, t_fg, t_stop, timed_out, lmk, &st,
	       full0 >= 0 && full1 >= 0 ? full1 - full0 : -1,
	       some0 >= 0 && some1 >= 0 ? some1 - some0 : -1, un.release);
	print_series(t_stop);
	pthread_mutex_unlock(&lock);
	fflush(stdout);
	_exit(0);		/* the reaper may be blocked in waitpid() */
}

/* ---- the cost of the module's paths ------------------------------------ */

static int tr_write(const char *file, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), TRACING "%s", file);
	return lmk_write_file(path, val);
}

/* Opening a filter file with O_TRUNC empties it; without, appends. */
static int tr_set(const char *file, const char *val, bool trunc)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), TRACING "%s", file);
	fd = open(path, O_WRONLY | (trunc ? O_TRUNC : O_APPEND));
	if (fd < 0)
		return -errno;
	n = *val ? write(fd, val, strlen(val)) : 0;
	close(fd);
	return n < 0 ? -1 : 0;
}

#define MAX_CALLS	8192

/* Durations of a traced function, in ns. */
struct fn_cost {
	const char *fn;
	long n;
	double sum, max;
	double *v;
};

/*
 * count_objects and the poll tick are not timed by the module's
 * statistics.  The function_graph tracer, limited to these two functions
 * and depth 1, times every call (its own entry and exit included).
 * drop_caches=2 runs every shrinker's count_objects; the poll ticks on its
 * own.  Memory is far above the table, so neither walks any task.
 */
static void cost_measure(const char *kver)
{
	static double v0[MAX_CALLS], v1[MAX_CALLS];
	struct fn_cost c[2] = { { "lmk_count_objects", .v = v0 },
				{ "lmk_poll_fn", .v = v1 } };
	long long calls0, calls1;
	char line[512], *bar, *us, *p;
	double t, end;
	FILE *f;
	int i, k;

	tr_write("tracing_on", "0");
	tr_write("current_tracer", "nop");
	if (tr_set("set_ftrace_filter", "lmk_count_objects", true) ||
	    tr_set("set_ftrace_filter", "lmk_poll_fn", false) ||
	    tr_set("set_graph_function", "lmk_count_objects", true) ||
	    tr_set("set_graph_function", "lmk_poll_fn", false)) {
		printf("BENCHCOST kernel=%s fn=all calls=n/a", kver);
		printf(" note=functions_not_traceable\n");
		return;
	}
	tr_write("max_graph_depth", "1");
	tr_write("trace", "");
	if (tr_write("current_tracer", "function_graph")) {
		printf("BENCHCOST kernel=%s fn=all calls=n/a", kver);
		printf(" note=no_function_graph\n");
		return;
	}
	calls0 = lmk_stat("count_calls");
	tr_write("tracing_on", "1");
	t = now_s();
	end = t + 5;
	for (i = 0; i < 200; i++)
		lmk_write_file("/proc/sys/vm/drop_caches", "2");
	while (now_s() < end)
		usleep(50000);
	tr_write("tracing_on", "0");
	calls1 = lmk_stat("count_calls");

	f = fopen(TRACING "trace", "r");
	while (f && fgets(line, sizeof(line), f)) {
		bar = strchr(line, '|');
		if (!bar)
			continue;
		for (k = 0; k < 2; k++)
			if (strstr(bar, c[k].fn))
				break;
		us = strstr(line, " us");
		if (k == 2 || !us || us > bar)
			continue;
		p = us;
		while (p > line && (isdigit((unsigned char)p[-1]) || p[-1] == '.'))
			p--;
		if (c[k].n < MAX_CALLS)
			c[k].v[c[k].n] = atof(p) * 1000;
		c[k].n++;
		c[k].sum += atof(p) * 1000;
		if (atof(p) * 1000 > c[k].max)
			c[k].max = atof(p) * 1000;
	}
	if (f)
		fclose(f);
	tr_write("current_tracer", "nop");
	tr_set("set_graph_function", "", true);
	tr_set("set_ftrace_filter", "", true);
	tr_write("max_graph_depth", "0");
	tr_set("trace", "", true);

	for (k = 0; k < 2; k++) {
		long m = c[k].n < MAX_CALLS ? c[k].n : MAX_CALLS;

		qsort(c[k].v, m, sizeof(double), cmp_double);
		printf("BENCHCOST kernel=%s fn=%s method=function_graph",
		       kver, c[k].fn);
		printf(" calls=%ld avg_ns=%.0f median_ns=%.0f max_ns=%.0f",
		       c[k].n, c[k].n ? c[k].sum / c[k].n : 0,
		       m ? c[k].v[m / 2] : 0, c[k].max);
		printf(" window_s=%.1f%s\n", end - t,
		       k ? "" : " trigger=200xdrop_caches");
	}
	printf("# count_calls during the window: %lld\n", calls1 - calls0);
}

/*
 * The walk's cost at N processes: a one-row table crossed at once (minfree
 * all of RAM) with adj 1000, which no process has, so that every walk
 * visits everything and finds nothing.  The poll walks about ten times a
 * second (the empty-row backoff).
 */
static int cmd_scaling(int argc, char **argv)
{
	struct lmk_stats st;
	struct utsname un;
	char *list, *tok;
	double t;
	int n, got, i;

	if (argc < 3)
		return 2;
	uname(&un);
	setvbuf(stdout, NULL, _IOLBF, 0);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	t0 = now_s();
	list = strdup(argv[2]);
	for (tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		n = atoi(tok);
		nr_procs = 0;
		got = crowd(n, 500, 500, 0);
		usleep(500000);
		if (lmk_write_file(LMK_STATS "reset", "1"))
			die("lowmemkiller is not loaded");
		if (lmk_force_row(1000))
			die("cannot force a row");
		t = now_s();
		sleep(3);
		lmk_param_set("minfree", "1");
		t = now_s() - t;
		lmk_stats_read(&st);
		printf("BENCHSCALE kernel=%s procs=%d walks=%lld tasks_visited=%lld",
		       un.release, got, st.walks, st.visited);
		printf(" scan_ns_total=%lld scan_ns_max=%lld ns_per_task=%.1f",
		       st.ns, st.ns_max,
		       st.visited ? (double)st.ns / st.visited : 0);
		printf(" tasks_per_walk=%.0f walks_per_s=%.1f\n",
		       st.walks ? (double)st.visited / st.walks : 0,
		       st.walks / t);
		for (i = 0; i < nr_procs; i++)
			kill(procs[i].pid, SIGKILL);
		while (waitpid(-1, NULL, 0) > 0)
			;
	}
	lmk_param_set("adj", "0,58,352,705");
	lmk_param_set("minfree", "1536,2048,4096,16384");
	cost_measure(un.release);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "spawn"))
		return spawn_main(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return cmd_run(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "scaling"))
		return cmd_scaling(argc, argv);
	fprintf(stderr, "usage: bench run SCENARIO MODE [-e FIFO] | bench scaling N[,N...]\n");
	return 2;
}
