// SPDX-License-Identifier: GPL-2.0
/*
 * The demo storm: a small device's process mix, Android-style priorities,
 * then the foreground app grows past what memory holds.  Prints who was
 * started, who died in which order, and who survived.
 */
#include "storm.h"

static const struct {
	const char *role;
	const char *comm;
	int adj;
	int mb;
} demo_mix[] = {
	{ "system daemon",	"sysdaemon",	-1000,	8 },
	{ "foreground app",	"fg_app",	0,	12 },
	{ "visible app",	"visible_app",	100,	8 },
	{ "service",		"service",	200,	8 },
	{ "cached app A",	"cached_a",	705,	10 },
	{ "cached app B",	"cached_b",	800,	12 },
	{ "empty app C",	"empty_c",	900,	10 },
	{ "empty app D",	"empty_d",	900,	16 },
};

int main(void)
{
	struct storm s = { 0 };
	unsigned int i;
	int order;

	s.unit_kb = 1024;
	for (i = 0; i < ARRAY_SIZE(demo_mix); i++) {
		s.hog[i].adj = demo_mix[i].adj;
		s.hog[i].units = demo_mix[i].mb;
		s.hog[i].name = demo_mix[i].comm;
	}
	s.nr_hogs = i;
	s.grower_adj = 0;
	s.grow_extra_kb = 20 * 1024;
	s.settle_s = 2;

	printf("MemAvailable before: %ld kB\n", meminfo_kb("MemAvailable"));
	if (storm_run(&s)) {
		printf("could not start the storm\n");
		return 1;
	}
	printf("\n%-16s %6s %7s  %s\n", "process", "adj", "MiB", "fate");
	for (i = 0; i < (unsigned int)s.nr_hogs; i++)
		printf("%-16s %6d %7d  %s\n", demo_mix[i].role, s.hog[i].adj,
		       s.hog[i].units,
		       s.hog[i].dead ? "killed" : "survived");
	printf("\n");
	for (order = 1; order <= s.nr_dead; order++) {
		int v = storm_victim(&s, order);

		printf("kill #%d: %s (adj %d, %d MiB)\n", order,
		       demo_mix[v].role, s.hog[v].adj, s.hog[v].units);
	}
	printf("foreground grower (adj 0, %ld MiB): %s\n", s.grow_kb / 1024,
	       s.grower_dead ? "killed" : "survived");
	printf("kernel OOM reports during the storm: %d\n", s.oom_kmsg);
	storm_cleanup(&s);
	return 0;
}
