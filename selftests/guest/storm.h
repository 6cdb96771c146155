/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A memory storm: background hogs at chosen adj levels, then a grower that
 * allocates until the killer must act.  Records which hogs died, in which
 * order and by which signal, and which survived.
 */
#ifndef _LMK_STORM_H
#define _LMK_STORM_H

#include <poll.h>

#include "lmk_guest.h"

#define STORM_MAX_HOGS	16

/**
 * struct storm_hog - one background process
 * @adj:   oom_score_adj
 * @units: size, in storm units
 * @name:  command name, or NULL
 * @pid:   filled by storm_run()
 * @dead:  kill order, 1-based, from the kill log (waitpid() order is not
 *         the kill order when several die within one reaping interval);
 *         100 + n for a death the kill log does not explain; 0 if alive
 * @sig:   signal that killed it
 */
struct storm_hog {
	int adj;
	int units;
	const char *name;
	pid_t pid;
	int dead;
	int sig;
};

/**
 * struct storm - a storm and its outcome
 * @hog:         background processes
 * @nr_hogs:     entries in @hog
 * @unit_kb:     one unit, in kB
 * @grow_kb:     how much the grower allocates; if 0, MemAvailable once the
 *               hogs are resident, plus @pcp_kb, plus @grow_extra_kb
 * @grow_extra_kb: see @grow_kb
 * @pcp_kb:      free pages in the per-CPU lists then, which MemAvailable
 *               leaves out and the module counts as free
 * @grower_adj:  the grower's oom_score_adj
 * @grower_pid:  filled by storm_run()
 * @grower_dead: the grower died
 * @settle_s:    time to wait for kills after the grower is done
 * @nr_dead:     hogs that died
 * @nr_logged:   kill log entries at the end of the storm, the ones @dead
 *               follows; a kill logged later is not part of the outcome
 * @oom_kmsg:    kernel OOM reports seen in /dev/kmsg during the storm
 * @seconds:     wall time of the storm
 */
struct storm {
	struct storm_hog hog[STORM_MAX_HOGS];
	int nr_hogs;
	long unit_kb;
	long grow_kb;
	long grow_extra_kb;
	long pcp_kb;
	int grower_adj;
	pid_t grower_pid;
	bool grower_dead;
	double settle_s;
	int nr_dead;
	int nr_logged;
	int oom_kmsg;
	double seconds;
};

/* Pages in @kb, for the minfree table. */
static inline long kb_to_pages(long kb)
{
	return kb / 4;
}

static inline void storm_note_death(struct storm *s, pid_t pid, int status)
{
	int i;

	if (pid == s->grower_pid) {
		s->grower_dead = true;
		return;
	}
	for (i = 0; i < s->nr_hogs; i++)
		if (s->hog[i].pid == pid) {
			s->hog[i].dead = 100 + ++s->nr_dead;
			s->hog[i].sig = WIFSIGNALED(status) ? WTERMSIG(status)
							    : 0;
		}
}

static inline void storm_reap(struct storm *s)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		storm_note_death(s, pid, status);
}

/* The grower: allocate @kb in 1 MiB steps, report, then hold it. */
static inline void grower_body(int wfd, const void *arg)
{
	const struct hog *h = arg;
	long got;

	prctl(PR_SET_NAME, "grower");
	set_oom_score_adj(getpid(), h->adj);
	for (got = 0; got < h->kb; got += 1024) {
		if (!hog_alloc(1024))
			_exit(3);
		usleep(500);
	}
	if (write(wfd, "d", 1) != 1)
		_exit(4);
	for (;;)
		pause();
}

static inline pid_t storm_grower(int adj, long kb, int *done_fd)
{
	struct hog h = { .adj = adj, .kb = kb };

	return fork_piped(grower_body, &h, done_fd);
}

/*
 * Replace reaping order by the kill log's order for the hogs it names.  A
 * hog the log names was sent SIGKILL: if it is not reaped yet (killed at
 * the very end), wait for it, so that the deaths and the log agree.
 */
static inline void storm_order_from_log(struct storm *s)
{
	struct kill_entry log[64];
	int n, i, j, status, order = 0;

	n = kill_log_read(log, 64);
	s->nr_logged = n;
	for (i = 0; i < n; i++) {
		if (log[i].dry_run)
			continue;
		for (j = 0; j < s->nr_hogs; j++) {
			if (s->hog[j].pid != log[i].tgid)
				continue;
			if (!s->hog[j].dead &&
			    waitpid(s->hog[j].pid, &status, 0) == s->hog[j].pid)
				storm_note_death(s, s->hog[j].pid, status);
			if (s->hog[j].dead)
				s->hog[j].dead = ++order;
		}
	}
}

/**
 * storm_run() - start the hogs, grow, and record the outcome
 * @s: the storm; hogs' adj and units, unit_kb and grow_kb must be set
 *
 * Return: 0, or -1 if a process could not be started.
 */
static inline int storm_run(struct storm *s)
{
	double start, deadline;
	int kmsg, done_fd, i;
	bool grown = false;

	kmsg = kmsg_open_end();
	for (i = 0; i < s->nr_hogs; i++) {
		s->hog[i].pid = hog_spawn(s->hog[i].adj,
					  s->hog[i].units * s->unit_kb,
					  s->hog[i].name);
		if (s->hog[i].pid < 0)
			return -1;
	}

	if (!s->grow_kb) {
		s->pcp_kb = pcp_free_kb();
		s->grow_kb = meminfo_kb("MemAvailable") + s->pcp_kb +
			     s->grow_extra_kb;
	}
	start = now_s();
	s->grower_pid = storm_grower(s->grower_adj, s->grow_kb, &done_fd);
	if (s->grower_pid < 0)
		return -1;
	deadline = start + 120;
	while (now_s() < deadline) {
		struct pollfd pfd = { .fd = done_fd, .events = POLLIN };

		storm_reap(s);
		if (s->grower_dead)
			break;
		if (poll(&pfd, 1, 5) > 0) {
			grown = true;
			break;
		}
	}
	close(done_fd);
	if (grown) {
		deadline = now_s() + s->settle_s;
		while (now_s() < deadline) {
			storm_reap(s);
			usleep(5000);
		}
	}
	storm_reap(s);
	s->seconds = now_s() - start;
	if (kmsg >= 0) {
		s->oom_kmsg = kmsg_count(kmsg, "invoked oom-killer") +
			      kmsg_count(kmsg, "Out of memory");
		close(kmsg);
	}

	storm_order_from_log(s);
	printf("# storm: unit %ld kB, grower %ld kB (per-CPU free %ld kB), %.2f s\n",
	       s->unit_kb, s->grow_kb, s->pcp_kb, s->seconds);
	for (i = 0; i < s->nr_hogs; i++)
		printf("# hog pid %d adj %d size %ld kB: %s (order %d, signal %d)\n",
		       s->hog[i].pid, s->hog[i].adj,
		       s->hog[i].units * s->unit_kb,
		       s->hog[i].dead ? "killed" : "survived", s->hog[i].dead,
		       s->hog[i].sig);
	printf("# grower pid %d adj %d: %s\n", s->grower_pid, s->grower_adj,
	       s->grower_dead ? "killed" : "survived");
	return 0;
}

/* Kill and reap everything the storm started. */
static inline void storm_cleanup(struct storm *s)
{
	int i;

	for (i = 0; i < s->nr_hogs; i++)
		if (s->hog[i].pid > 0 && !s->hog[i].dead)
			kill(s->hog[i].pid, SIGKILL);
	if (s->grower_pid > 0 && !s->grower_dead)
		kill(s->grower_pid, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0)
		;
}

/* The hog that died at position @order, or -1. */
static inline int storm_victim(const struct storm *s, int order)
{
	int i;

	for (i = 0; i < s->nr_hogs; i++)
		if (s->hog[i].dead == order)
			return i;
	return -1;
}

#endif /* _LMK_STORM_H */
