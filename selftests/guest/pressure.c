// SPDX-License-Identifier: GPL-2.0
/*
 * pressure SECONDS [ADJ]: keep memory near exhaustion for SECONDS.  Forks
 * workers at oom_score_adj ADJ (default 900) that each fill memory until
 * MemAvailable is low, then hold it; a worker that is killed is replaced,
 * so reclaim and the killer keep running.
 */
#include "lmk_guest.h"

static void worker(int adj)
{
	set_oom_score_adj(getpid(), adj);
	prctl(PR_SET_NAME, "pressure");
	while (meminfo_kb("MemAvailable") > 16 * 1024)
		if (!hog_alloc(2048))
			break;
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	double end = now_s() + (argc > 1 ? atof(argv[1]) : 10);
	int adj = argc > 2 ? atoi(argv[2]) : 900;
	unsigned long started = 0;
	pid_t pid;

	while (now_s() < end) {
		pid = fork();
		if (!pid)
			worker(adj);
		started++;
		/* Replace the worker when it dies; retire it after a while. */
		while (now_s() < end && waitpid(pid, NULL, WNOHANG) == 0)
			usleep(20000);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	printf("pressure: %lu workers\n", started);
	return 0;
}
