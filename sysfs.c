// SPDX-License-Identifier: GPL-2.0
/*
 * lowmemkiller interface: module parameters, statistics, the kill log and
 * kill uevents.
 *
 * Parameters live in /sys/module/lowmemkiller/parameters/ (0644: anyone may
 * read the tuning, only root may change it).  Statistics are in
 * /sys/module/lowmemkiller/stats/ (0444, reset is 0200).  The kill log,
 * which names other users' processes, is root-only in debugfs.
 *
 * Part of the lowmemkiller unit (lowmemkiller.c).
 */
#include <linux/debugfs.h>
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/moduleparam.h>
#include <linux/ratelimit.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>

#include "internal.h"

const char * const lmk_reason_names[NR_LMK_REASONS] = {
	[LMK_REASON_SHRINKER]	= "shrinker",
	[LMK_REASON_POLL]	= "poll",
	[LMK_REASON_THRASHING]	= "thrashing",
};

static const char * const lmk_parse_error_names[] = {
	[LMK_PARSE_OK]		= "ok",
	[LMK_PARSE_EMPTY]	= "empty list",
	[LMK_PARSE_NOT_NUM]	= "not a comma-separated list of integers",
	[LMK_PARSE_TOO_MANY]	= "more than 6 entries",
	[LMK_PARSE_RANGE]	= "value out of range",
	[LMK_PARSE_ORDER]	= "values not strictly ascending",
};

static_assert(ARRAY_SIZE(lmk_parse_error_names) == NR_LMK_PARSE);

static const char * const lmk_size_names[] = {
	[LMK_SIZE_RSS]		= "rss",
	[LMK_SIZE_RSS_SWAP]	= "rss+swap",
};

static_assert(ARRAY_SIZE(lmk_size_names) == NR_LMK_SIZE);

/* ---- the minfree/adj table ---------------------------------------------- */

/**
 * struct lmk_table_rcu - a published table
 * @t:   the table
 * @rcu: for kfree_rcu() once replaced
 *
 * Readers take rcu_read_lock() and copy what they need; writers build a new
 * one and publish it with rcu_assign_pointer(), so a pass never sees half
 * of a table.
 */
struct lmk_table_rcu {
	struct lmk_table t;
	struct rcu_head rcu;
};

/*
 * Android's defaults: minfree 6, 8, 16 and 64 MiB (in 4 KiB pages) against
 * the legacy adj values 0, 1, 6 and 12, here already converted to
 * oom_score_adj.  Rows 2 and 3 cover cached and empty background apps;
 * rows 0 and 1 reach foreground and visible processes only when memory is
 * nearly gone.
 */
static struct lmk_table_rcu lmk_table_default = {
	.t = {
		.minfree = { 1536, 2048, 4096, 16384 },
		.adj = { 0, 58, 352, 705 },
		.nr_minfree = 4,
		.nr_adj = 4,
	},
};

/* The table in force; replaced whole under lmk_table_mutex. */
static struct lmk_table_rcu __rcu *lmk_table_cur =
	RCU_INITIALIZER(&lmk_table_default);
static DEFINE_MUTEX(lmk_table_mutex);

/**
 * lmk_rows_in_force() - rows of the table in force
 *
 * Context: any.
 */
unsigned int lmk_rows_in_force(void)
{
	unsigned int rows;

	rcu_read_lock();
	rows = lmk_table_rows(&rcu_dereference(lmk_table_cur)->t);
	rcu_read_unlock();
	return rows;
}

/**
 * lmk_table_snapshot() - copy the table in force
 * @t: receives it
 *
 * Context: any; takes rcu_read_lock().
 */
void lmk_table_snapshot(struct lmk_table *t)
{
	rcu_read_lock();
	*t = rcu_dereference(lmk_table_cur)->t;
	rcu_read_unlock();
}

static void lmk_reject(const char *param, enum lmk_parse_error why)
{
	pr_warn_ratelimited("%s: write rejected: %s; old value kept\n", param,
			    lmk_parse_error_names[why]);
}

/* Publish @next in place of the table in force; frees the old one. */
static void lmk_table_publish(struct lmk_table_rcu *next)
{
	struct lmk_table_rcu *old;

	old = rcu_replace_pointer(lmk_table_cur, next,
				  lockdep_is_held(&lmk_table_mutex));
	if (old != &lmk_table_default)
		kfree_rcu(old, rcu);
}

static int lmk_table_set(const char *val, bool is_adj)
{
	struct lmk_table_rcu *next, *cur;
	long vals[LMK_MAX_ROWS];
	enum lmk_parse_error err;
	unsigned int nr;

	if (READ_ONCE(lmk_stopping))
		return -ENODEV;
	if (is_adj)
		err = lmk_parse_adj(val, vals, &nr);
	else
		err = lmk_parse_minfree(val, vals, &nr,
					(long)totalram_pages());
	if (err != LMK_PARSE_OK) {
		lmk_reject(is_adj ? "adj" : "minfree", err);
		return -EINVAL;
	}

	next = kmalloc(sizeof(*next), GFP_KERNEL);
	if (!next)
		return -ENOMEM;

	mutex_lock(&lmk_table_mutex);
	cur = rcu_dereference_protected(lmk_table_cur,
					lockdep_is_held(&lmk_table_mutex));
	next->t = cur->t;
	if (is_adj) {
		memcpy(next->t.adj, vals, sizeof(vals));
		next->t.nr_adj = nr;
	} else {
		memcpy(next->t.minfree, vals, sizeof(vals));
		next->t.nr_minfree = nr;
	}
	lmk_table_publish(next);
	mutex_unlock(&lmk_table_mutex);

	lmk_poll_kick();
	return 0;
}

static int lmk_table_get(char *buf, bool is_adj)
{
	const struct lmk_table *t;
	const long *vals;
	unsigned int i, nr;
	int len = 0;

	rcu_read_lock();
	t = &rcu_dereference(lmk_table_cur)->t;
	vals = is_adj ? t->adj : t->minfree;
	nr = is_adj ? t->nr_adj : t->nr_minfree;
	for (i = 0; i < nr; i++)
		len += scnprintf(buf + len, PAGE_SIZE - len, "%s%ld",
				 i ? "," : "", vals[i]);
	rcu_read_unlock();
	len += scnprintf(buf + len, PAGE_SIZE - len, "\n");
	return len;
}

static int lmk_minfree_set(const char *val, const struct kernel_param *kp)
{
	return lmk_table_set(val, false);
}

static int lmk_minfree_get(char *buf, const struct kernel_param *kp)
{
	return lmk_table_get(buf, false);
}

static int lmk_adj_set(const char *val, const struct kernel_param *kp)
{
	return lmk_table_set(val, true);
}

static int lmk_adj_get(char *buf, const struct kernel_param *kp)
{
	return lmk_table_get(buf, true);
}

static const struct kernel_param_ops lmk_minfree_ops = {
	.set = lmk_minfree_set,
	.get = lmk_minfree_get,
};

static const struct kernel_param_ops lmk_adj_ops = {
	.set = lmk_adj_set,
	.get = lmk_adj_get,
};

/*
 * Free-page thresholds, in pages, strictly ascending, 1 to 6 entries, each
 * at most the RAM size.  Row i is crossed when both free and file pages are
 * below minfree[i]; the first (smallest) crossed row gives the lowest adj
 * that may be killed.  Default 1536,2048,4096,16384.
 */
module_param_cb(minfree, &lmk_minfree_ops, NULL, 0644);
MODULE_PARM_DESC(minfree,
		 "free-page thresholds, ascending, up to 6 (default 1536,2048,4096,16384)");

/*
 * Minimum oom_score_adj for each minfree row, strictly ascending, 1 to 6
 * entries in -1000..1000.  A list whose every entry is within -17..15 is
 * taken as legacy oom_adj and converted (15 -> 1000, else adj*1000/17).  The
 * table in force has min(#minfree, #adj) rows.  Default 0,58,352,705.
 */
module_param_cb(adj, &lmk_adj_ops, NULL, 0644);
MODULE_PARM_DESC(adj,
		 "minimum oom_score_adj per row, ascending, up to 6; legacy -17..15 lists are converted (default 0,58,352,705)");

/* ---- bounded integer parameters ----------------------------------------- */

/**
 * struct lmk_uint_param - an unsigned parameter with an allowed range
 * @val:   the value
 * @min:   smallest accepted value
 * @max:   largest accepted value
 * @apply: called with the new value after it is stored, or NULL
 */
struct lmk_uint_param {
	unsigned int *val;
	unsigned int min;
	unsigned int max;
	void (*apply)(unsigned int val);
};

static int lmk_uint_set(const char *val, const struct kernel_param *kp)
{
	const struct lmk_uint_param *p = kp->arg;
	unsigned int v;

	if (READ_ONCE(lmk_stopping))
		return -ENODEV;
	if (kstrtouint(val, 10, &v) || v < p->min || v > p->max) {
		pr_warn_ratelimited("%s: write rejected: want an integer in %u..%u; old value kept\n",
				    kp->name, p->min, p->max);
		return -EINVAL;
	}
	WRITE_ONCE(*p->val, v);
	if (p->apply)
		p->apply(v);
	return 0;
}

static int lmk_uint_get(char *buf, const struct kernel_param *kp)
{
	const struct lmk_uint_param *p = kp->arg;

	return scnprintf(buf, PAGE_SIZE, "%u\n", READ_ONCE(*p->val));
}

static const struct kernel_param_ops lmk_uint_ops = {
	.set = lmk_uint_set,
	.get = lmk_uint_get,
};

#define LMK_UINT_PARAM(name, var, lo, hi, fn)				\
	static struct lmk_uint_param lmk_param_##name = {		\
		.val = &(var), .min = (lo), .max = (hi), .apply = (fn),	\
	};								\
	module_param_cb(name, &lmk_uint_ops, &lmk_param_##name, 0644)

/*
 * The shrinker's seeks: how costly reclaim should consider a kill.  Higher
 * values make reclaim call the killer later in a reclaim pass.  Android's
 * default, DEFAULT_SEEKS * 16.  Range 1..1000, default 32.
 */
unsigned int lmk_cost = 32;

static void lmk_cost_apply(unsigned int v)
{
	lmk_apply_cost((int)v);
}

LMK_UINT_PARAM(cost, lmk_cost, 1, 1000, lmk_cost_apply);
MODULE_PARM_DESC(cost, "shrinker seeks, 1..1000 (default 32)");

/*
 * 0: silent; 1: one line per kill; 2: also when a row is crossed but no
 * process may be killed.  Default 1.
 */
unsigned int lmk_debug_level = 1;
LMK_UINT_PARAM(debug_level, lmk_debug_level, 0, 2, NULL);
MODULE_PARM_DESC(debug_level,
		 "0 silent, 1 log kills, 2 also log crossings with no victim (default 1)");

/*
 * After a kill, no new victim is chosen until this one has released its
 * memory or this many milliseconds have passed.  The Android driver used a
 * fixed second.  Range 10..60000, default 1000.
 */
unsigned int lmk_death_timeout_ms = 1000;
LMK_UINT_PARAM(death_timeout_ms, lmk_death_timeout_ms, 10, 60000, NULL);
MODULE_PARM_DESC(death_timeout_ms,
		 "longest wait for a victim to exit before the next kill, ms, 10..60000 (default 1000)");

/*
 * Period of the early-trigger poll while free and file pages are both
 * within twice the top minfree row (ten times longer otherwise).  0 disables the poll and
 * leaves the shrinker and the OOM notifier as the only triggers.  Range
 * 0..10000, default 10.
 */
unsigned int lmk_poll_ms = 10;

static void lmk_poll_apply(unsigned int v)
{
	lmk_poll_kick();
}

LMK_UINT_PARAM(poll_ms, lmk_poll_ms, 0, 10000, lmk_poll_apply);
MODULE_PARM_DESC(poll_ms,
		 "early-trigger poll period near the thresholds, ms, 0 = off, 0..10000 (default 10)");

/*
 * Extra victims allowed in one pass when the first cannot free enough to
 * lift free memory back above the crossed row's minfree (the deficit).
 * They come from the same walk, next in priority order at or above the
 * row's adj, and only while what the kills so far give back (size plus
 * page tables) falls short of the deficit
 * (lmk_batch_count()).  0 kills one process per pass, as Android did.
 * Range 0..15, default 15.
 */
unsigned int lmk_deficit_kills = 15;
LMK_UINT_PARAM(deficit_kills, lmk_deficit_kills, 0, 15, NULL);
MODULE_PARM_DESC(deficit_kills,
		 "extra kills per pass while the deficit exceeds the victims' size, 0..15 (default 15)");

/*
 * Percent of the file LRU that may be refaulted within one second while
 * free memory is below the top row before the cache counts as thrashing
 * (lmk_thrashing()); the poll then kills at the top row's adj, one victim
 * per second at most.  0 turns the check off.
 */
unsigned int lmk_thrashing_limit = 50;
LMK_UINT_PARAM(thrashing_limit, lmk_thrashing_limit, 0, 1000, NULL);
MODULE_PARM_DESC(thrashing_limit,
		 "percent of the file cache refaulted per second that counts as thrashing, 0 = off, 0..1000 (default 50)");

/* ---- dry run, uevent identity, victim size ------------------------------- */

/*
 * Booleans take exactly Y, N, 1 or 0 (case-insensitive), unlike the stock
 * bool parser, which accepts anything that starts like a boolean.
 */
static const char * const lmk_bool_names[] = { "N", "Y", "n", "y", "0", "1" };

static int lmk_bool_set(const char *val, const struct kernel_param *kp)
{
	int i;

	if (READ_ONCE(lmk_stopping))
		return -ENODEV;
	i = sysfs_match_string(lmk_bool_names, val);
	if (i < 0) {
		pr_warn_ratelimited("%s: write rejected: want Y, N, 1 or 0; old value kept\n",
				    kp->name);
		return -EINVAL;
	}
	WRITE_ONCE(*(bool *)kp->arg, i & 1);
	return 0;
}

static int lmk_bool_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%c\n",
			 READ_ONCE(*(bool *)kp->arg) ? 'Y' : 'N');
}

static const struct kernel_param_ops lmk_bool_ops = {
	.set = lmk_bool_set,
	.get = lmk_bool_get,
};

/* Choose, log and trace victims as usual, but send no signal.  Default N. */
bool lmk_dry_run;
module_param_cb(dry_run, &lmk_bool_ops, &lmk_dry_run, 0644);
MODULE_PARM_DESC(dry_run, "select and log victims without killing: Y or N (default N)");

/*
 * Put the victim's pid, thread-group id, command name and uid in kill
 * uevents.  Any local process may listen to uevents, and so may every
 * network namespace of the initial user namespace, since the module's
 * kobject is untagged: they would learn what the root-only kill log and
 * /proc under hidepid= keep from them.  Only root may turn it on.
 * Default N.
 */
bool lmk_uevent_identity;
module_param_cb(uevent_identity, &lmk_bool_ops, &lmk_uevent_identity, 0644);
MODULE_PARM_DESC(uevent_identity,
		 "put the victim's pid, comm and uid in kill uevents: Y or N (default N)");

/*
 * How a candidate's size is measured for ties and the log: "rss" as on
 * Android, or "rss+swap", resident pages, swap entries and page tables,
 * the sum the kernel's oom_badness() ranks by, so that a process pushed
 * out to zram or swap still counts at its real size.  Default rss+swap.
 */
unsigned int lmk_victim_size = LMK_SIZE_RSS_SWAP;

static int lmk_victim_size_set(const char *val, const struct kernel_param *kp)
{
	int i;

	if (READ_ONCE(lmk_stopping))
		return -ENODEV;
	i = sysfs_match_string(lmk_size_names, val);
	if (i < 0) {
		pr_warn_ratelimited("victim_size: write rejected: want rss or rss+swap; old value kept\n");
		return -EINVAL;
	}
	WRITE_ONCE(lmk_victim_size, i);
	return 0;
}

static int lmk_victim_size_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%s\n",
			 lmk_size_names[READ_ONCE(lmk_victim_size)]);
}

static const struct kernel_param_ops lmk_victim_size_ops = {
	.set = lmk_victim_size_set,
	.get = lmk_victim_size_get,
};

module_param_cb(victim_size, &lmk_victim_size_ops, NULL, 0644);
MODULE_PARM_DESC(victim_size,
		 "victim size for ties and the log: rss or rss+swap (default rss+swap)");

/* ---- statistics ---------------------------------------------------------- */

static atomic64_t lmk_stats[NR_LMK_STATS];

static const char * const lmk_stat_names[] = {
	[LMK_STAT_KILLS]		= "kills",
	[LMK_STAT_KILLS_ROW0 + 0]	= "kills_row0",
	[LMK_STAT_KILLS_ROW0 + 1]	= "kills_row1",
	[LMK_STAT_KILLS_ROW0 + 2]	= "kills_row2",
	[LMK_STAT_KILLS_ROW0 + 3]	= "kills_row3",
	[LMK_STAT_KILLS_ROW0 + 4]	= "kills_row4",
	[LMK_STAT_KILLS_ROW0 + 5]	= "kills_row5",
	[LMK_STAT_PAGES_FREED]		= "pages_freed_est",
	[LMK_STAT_COUNT_CALLS]		= "count_calls",
	[LMK_STAT_COUNT_NEED_KILL]	= "count_need_kill",
	[LMK_STAT_SCAN_CALLS]		= "scan_calls",
	[LMK_STAT_SCAN_WALKS]		= "scan_walks",
	[LMK_STAT_TASKS_VISITED]	= "tasks_visited",
	[LMK_STAT_SCAN_NS_TOTAL]	= "scan_ns_total",
	[LMK_STAT_SCAN_NS_MAX]		= "scan_ns_max",
	[LMK_STAT_SKIPPED_DYING]	= "skipped_dying",
	[LMK_STAT_DEATH_TIMEOUTS]	= "death_timeouts",
	[LMK_STAT_KERNEL_OOM]		= "kernel_oom_events",
	[LMK_STAT_DRY_RUN]		= "dry_run_selections",
	[LMK_STAT_POLL_KILLS]		= "poll_kills",
	[LMK_STAT_THRASHING_KILLS]	= "thrashing_kills",
	[LMK_STAT_REAPED]		= "reaped",
};

static_assert(ARRAY_SIZE(lmk_stat_names) == NR_LMK_STATS);
static_assert(LMK_STAT_KILLS_ROW5 - LMK_STAT_KILLS_ROW0 + 1 == LMK_MAX_ROWS);

void lmk_stat_add(enum lmk_stat_item item, u64 v)
{
	atomic64_add(v, &lmk_stats[item]);
}

void lmk_stat_inc(enum lmk_stat_item item)
{
	atomic64_inc(&lmk_stats[item]);
}

void lmk_stat_max(enum lmk_stat_item item, u64 v)
{
	s64 old = atomic64_read(&lmk_stats[item]);

	while ((u64)old < v &&
	       !atomic64_try_cmpxchg(&lmk_stats[item], &old, v))
		;
}

/*
 * Attributes of the module's own kobject go through module_sysfs_ops, so
 * they are module_attributes, not kobj_attributes.
 */
struct lmk_stat_attr {
	struct module_attribute attr;
	enum lmk_stat_item item;
};

static ssize_t lmk_stat_show(struct module_attribute *a,
			     struct module_kobject *mk, char *buf)
{
	struct lmk_stat_attr *sa = container_of(a, struct lmk_stat_attr, attr);

	return sysfs_emit(buf, "%lld\n", atomic64_read(&lmk_stats[sa->item]));
}

static ssize_t lmk_reset_store(struct module_attribute *a,
			       struct module_kobject *mk, const char *buf,
			       size_t count)
{
	bool yes;
	int i;

	if (kstrtobool(buf, &yes) || !yes)
		return -EINVAL;
	for (i = 0; i < NR_LMK_STATS; i++)
		atomic64_set(&lmk_stats[i], 0);
	return count;
}

static struct module_attribute lmk_reset_attr =
	__ATTR(reset, 0200, NULL, lmk_reset_store);

static struct lmk_stat_attr lmk_stat_attrs[NR_LMK_STATS];
static struct attribute *lmk_stat_attr_ptrs[NR_LMK_STATS + 2];

static const struct attribute_group lmk_stats_group = {
	.name = "stats",
	.attrs = lmk_stat_attr_ptrs,
};

static void lmk_stats_build(void)
{
	int i;

	for (i = 0; i < NR_LMK_STATS; i++) {
		struct lmk_stat_attr *sa = &lmk_stat_attrs[i];

		sysfs_attr_init(&sa->attr.attr);
		sa->attr.attr.name = lmk_stat_names[i];
		sa->attr.attr.mode = 0444;
		sa->attr.show = lmk_stat_show;
		sa->item = i;
		lmk_stat_attr_ptrs[i] = &sa->attr.attr;
	}
	lmk_stat_attr_ptrs[NR_LMK_STATS] = &lmk_reset_attr.attr;
	lmk_stat_attr_ptrs[NR_LMK_STATS + 1] = NULL;
}

/* ---- kill log ------------------------------------------------------------ */

/**
 * struct lmk_kill_rec - one kill log entry
 * @info:     the decision
 * @seq:      position in the log since load (0 = unused slot)
 * @exit_ms:  time the victim took to release its memory, -1 while unknown,
 *            LMK_EXIT_TIMEOUT if death_timeout_ms passed first
 */
struct lmk_kill_rec {
	struct lmk_kill_info info;
	u64 seq;
	s64 exit_ms;
};

/*
 * Ring of the last lmk_log_size kills, entry seq in slot seq % size.  The
 * kill path takes lmk_log_lock for one copy in or out; readers format
 * outside it.  Sequence numbers run on across a resize, so an exit time
 * always lands on its own entry.
 */
static DEFINE_SPINLOCK(lmk_log_lock);
static struct lmk_kill_rec *lmk_log;	/* under lmk_log_lock */
static unsigned int lmk_log_size = 64;	/* under lmk_log_lock */
static u64 lmk_log_next = 1;		/* seq of the next entry; same */
static u64 lmk_log_dropped;		/* entries overwritten; same */
static u64 lmk_notify_next = 1;		/* seq of the next uevent; same */

/* The slot of entry @seq in a ring of @size (no 64-bit '%' on 32-bit). */
static unsigned int lmk_log_slot(u64 seq, unsigned int size)
{
	u32 slot;

	div_u64_rem(seq, size, &slot);
	return slot;
}

/**
 * lmk_log_add() - append a kill to the log
 * @info: the decision
 *
 * Context: any process context; takes lmk_log_lock.
 * Return: the entry's sequence number.
 */
u64 lmk_log_add(const struct lmk_kill_info *info)
{
	struct lmk_kill_rec *rec;
	u64 seq;

	spin_lock(&lmk_log_lock);
	seq = lmk_log_next++;
	if (lmk_log) {
		rec = &lmk_log[lmk_log_slot(seq, lmk_log_size)];
		if (rec->seq)
			lmk_log_dropped++;
		rec->info = *info;
		rec->seq = seq;
		rec->exit_ms = -1;
	}
	spin_unlock(&lmk_log_lock);
	return seq;
}

/**
 * lmk_log_set_exit() - record how long a victim took to go
 * @seq:     its entry, from lmk_log_add()
 * @exit_ms: milliseconds, or LMK_EXIT_TIMEOUT
 *
 * Context: any process context; takes lmk_log_lock.
 */
void lmk_log_set_exit(u64 seq, s64 exit_ms)
{
	struct lmk_kill_rec *rec;

	spin_lock(&lmk_log_lock);
	if (lmk_log) {
		rec = &lmk_log[lmk_log_slot(seq, lmk_log_size)];
		if (rec->seq == seq)
			rec->exit_ms = exit_ms;
	}
	spin_unlock(&lmk_log_lock);
}

/* Copy entry @seq out of the ring; false if it is gone. */
static bool lmk_log_get(u64 seq, struct lmk_kill_rec *out)
{
	bool found = false;

	spin_lock(&lmk_log_lock);
	if (lmk_log && seq < lmk_log_next) {
		*out = lmk_log[lmk_log_slot(seq, lmk_log_size)];
		found = out->seq == seq;
	}
	spin_unlock(&lmk_log_lock);
	return found;
}

static void lmk_log_print(struct seq_file *m, const struct lmk_kill_rec *rec)
{
	const struct lmk_kill_info *i = &rec->info;
	u64 us = div_u64(i->ts_ns, NSEC_PER_USEC);

	seq_printf(m, "%llu.%06llu seq=%llu pid=%d tgid=%d comm=%s uid=%u adj=%d min_adj=%d rss_kb=%llu swap_kb=%llu size_kb=%llu free_kb=%llu file_kb=%llu row=%d minfree_kb=%llu reason=%s dry_run=%d",
		   div_u64(us, USEC_PER_SEC), us % USEC_PER_SEC, rec->seq,
		   i->pid, i->tgid, i->comm, i->uid, i->adj, i->min_adj,
		   lmk_pages_to_kb(i->rss), lmk_pages_to_kb(i->swap),
		   lmk_pages_to_kb(i->size), lmk_pages_to_kb(i->other_free),
		   lmk_pages_to_kb(i->other_file), i->row,
		   lmk_pages_to_kb(i->minfree), lmk_reason_names[i->reason],
		   i->dry_run);
	if (i->dry_run)
		seq_puts(m, " exit_ms=-\n");
	else if (rec->exit_ms == LMK_EXIT_TIMEOUT)
		seq_puts(m, " exit_ms=timeout\n");
	else if (rec->exit_ms < 0)
		seq_puts(m, " exit_ms=pending\n");
	else
		seq_printf(m, " exit_ms=%lld\n", rec->exit_ms);
}

/*
 * The header, then each entry still in the ring, oldest first.  Each is
 * copied out under the lock and formatted after it, so a reader of
 * thousands of entries never holds up the kill path.
 */
static int lmk_log_show(struct seq_file *m, void *v)
{
	struct lmk_kill_rec rec;
	u64 seq, first, next, dropped;
	unsigned int size;

	spin_lock(&lmk_log_lock);
	next = lmk_log_next;
	size = lmk_log_size;
	dropped = lmk_log_dropped;
	spin_unlock(&lmk_log_lock);
	seq_printf(m, "# entries=%llu dropped=%llu size=%u\n", next - 1,
		   dropped, size);
	first = next > size ? next - size : 1;
	for (seq = first; seq < next; seq++)
		if (lmk_log_get(seq, &rec))
			lmk_log_print(m, &rec);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lmk_log);

/*
 * Move the entries of @old (@old_size slots) into @next (@size slots),
 * the newest that fit, counting the others as dropped.
 */
static void lmk_log_move(struct lmk_kill_rec *next, unsigned int size,
			 const struct lmk_kill_rec *old,
			 unsigned int old_size)
{
	u64 first = lmk_log_next > size ? lmk_log_next - size : 1;
	unsigned int i;

	lockdep_assert_held(&lmk_log_lock);
	for (i = 0; i < old_size; i++) {
		const struct lmk_kill_rec *rec = &old[i];

		if (rec->seq >= first)
			next[lmk_log_slot(rec->seq, size)] = *rec;
		else if (rec->seq)
			lmk_log_dropped++;
	}
}

/*
 * Entries kept in the kill log (debugfs lowmemkiller/kills).  A resize
 * keeps the newest entries that fit.  Range 1..4096, default 64: 4096
 * entries of under 150 bytes are half a MiB of vmalloc, and hold the
 * hundreds of kills a crowd of small processes can cost.
 */
#define LMK_LOG_SIZE_MAX	4096

static int lmk_log_size_set(const char *val, const struct kernel_param *kp)
{
	struct lmk_kill_rec *next, *old;
	unsigned int n, old_size;

	if (READ_ONCE(lmk_stopping))
		return -ENODEV;
	if (kstrtouint(val, 10, &n) || n < 1 || n > LMK_LOG_SIZE_MAX) {
		pr_warn_ratelimited("kill_log_size: write rejected: want an integer in 1..%u; old value kept\n",
				    LMK_LOG_SIZE_MAX);
		return -EINVAL;
	}
	/*
	 * Setters run under kernel_param_lock(), as does the ring's creation
	 * in lmk_interface_init(); before that, just take the size.
	 */
	if (!lmk_log) {
		WRITE_ONCE(lmk_log_size, n);
		return 0;
	}
	next = kvcalloc(n, sizeof(*next), GFP_KERNEL);
	if (!next)
		return -ENOMEM;
	spin_lock(&lmk_log_lock);
	old = lmk_log;
	old_size = lmk_log_size;
	lmk_log_move(next, n, old, old_size);
	lmk_log = next;
	WRITE_ONCE(lmk_log_size, n);
	spin_unlock(&lmk_log_lock);
	kvfree(old);
	return 0;
}

static int lmk_log_size_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%u\n", READ_ONCE(lmk_log_size));
}

static const struct kernel_param_ops lmk_log_size_ops = {
	.set = lmk_log_size_set,
	.get = lmk_log_size_get,
};

module_param_cb(kill_log_size, &lmk_log_size_ops, NULL, 0644);
MODULE_PARM_DESC(kill_log_size,
		 "entries kept in the debugfs kill log, 1..4096 (default 64)");

/* ---- uevents ------------------------------------------------------------- */

/* The victim's identity, for uevents when uevent_identity is on. */
struct lmk_uevent_identity {
	char pid[24];
	char tgid[24];
	char comm[9 + TASK_COMM_LEN];
	char uid[24];
};

/*
 * One KOBJ_CHANGE uevent on /sys/module/lowmemkiller per kill log entry,
 * sent from a work item on the system workqueue: never from reclaim, and
 * not from the module's own WQ_MEM_RECLAIM worker, whose reaper and
 * death wait must not queue behind the GFP_KERNEL allocations a uevent
 * makes.  The victim's identity goes in only with uevent_identity (see
 * there).
 */
static void lmk_notify_one(const struct lmk_kill_rec *rec)
{
	const struct lmk_kill_info *i = &rec->info;
	char seq[32], adj[24], min_adj[24], rss[32], size[32], reason[24];
	char dry[16], row[16];
	struct lmk_uevent_identity id;
	char *envp[14];
	int n = 0;

	snprintf(seq, sizeof(seq), "LMK_SEQ=%llu", rec->seq);
	snprintf(adj, sizeof(adj), "LMK_ADJ=%d", i->adj);
	snprintf(min_adj, sizeof(min_adj), "LMK_MIN_ADJ=%d", i->min_adj);
	snprintf(rss, sizeof(rss), "LMK_RSS_KB=%llu", lmk_pages_to_kb(i->rss));
	snprintf(size, sizeof(size), "LMK_SIZE_KB=%llu",
		 lmk_pages_to_kb(i->size));
	snprintf(reason, sizeof(reason), "LMK_REASON=%s",
		 lmk_reason_names[i->reason]);
	snprintf(dry, sizeof(dry), "LMK_DRY_RUN=%d", i->dry_run);
	snprintf(row, sizeof(row), "LMK_ROW=%d", i->row);
	envp[n++] = "LMK_EVENT=kill";
	envp[n++] = seq;
	envp[n++] = adj;
	envp[n++] = min_adj;
	envp[n++] = rss;
	envp[n++] = size;
	envp[n++] = reason;
	envp[n++] = dry;
	envp[n++] = row;
	if (READ_ONCE(lmk_uevent_identity)) {
		snprintf(id.pid, sizeof(id.pid), "LMK_PID=%d", i->pid);
		snprintf(id.tgid, sizeof(id.tgid), "LMK_TGID=%d", i->tgid);
		snprintf(id.comm, sizeof(id.comm), "LMK_COMM=%s", i->comm);
		snprintf(id.uid, sizeof(id.uid), "LMK_UID=%u", i->uid);
		envp[n++] = id.pid;
		envp[n++] = id.tgid;
		envp[n++] = id.comm;
		envp[n++] = id.uid;
	}
	envp[n] = NULL;
	kobject_uevent_env(&THIS_MODULE->mkobj.kobj, KOBJ_CHANGE, envp);
}

/* The next entry to notify, copied out; false when there is none. */
static bool lmk_notify_take(struct lmk_kill_rec *out)
{
	bool found = false;

	spin_lock(&lmk_log_lock);
	while (!found && lmk_notify_next < lmk_log_next) {
		/* Entries already overwritten are skipped. */
		if (lmk_log_next - lmk_notify_next > lmk_log_size)
			lmk_notify_next = lmk_log_next - lmk_log_size;
		if (lmk_log) {
			*out = lmk_log[lmk_log_slot(lmk_notify_next,
						    lmk_log_size)];
			found = out->seq == lmk_notify_next;
		}
		lmk_notify_next++;
	}
	spin_unlock(&lmk_log_lock);
	return found;
}

/**
 * lmk_notify_pending() - send the uevents of the kills not yet notified
 *
 * Context: process context, outside reclaim; takes lmk_log_lock.
 */
void lmk_notify_pending(void)
{
	struct lmk_kill_rec rec;

	while (lmk_notify_take(&rec))
		lmk_notify_one(&rec);
}

static void lmk_notify_fn(struct work_struct *work)
{
	lmk_notify_pending();
}

static DECLARE_WORK(lmk_notify_work, lmk_notify_fn);

/**
 * lmk_notify_kick() - send the pending uevents soon
 *
 * Context: any process context, reclaim included: it only queues.
 */
void lmk_notify_kick(void)
{
	if (!READ_ONCE(lmk_stopping))
		schedule_work(&lmk_notify_work);
}

/**
 * lmk_notify_stop() - send what is pending and stop, at unload
 *
 * Context: process context, no pass running.
 */
void lmk_notify_stop(void)
{
	cancel_work_sync(&lmk_notify_work);
	lmk_notify_pending();
}

/* ---- setup --------------------------------------------------------------- */

static struct dentry *lmk_debugfs_dir;

/*
 * Free the ring in use, which a kill_log_size write may have replaced:
 * under kernel_param_lock(), so that no write is halfway.
 */
static void lmk_log_free(void)
{
	struct lmk_kill_rec *log;

	kernel_param_lock(THIS_MODULE);
	spin_lock(&lmk_log_lock);
	log = lmk_log;
	lmk_log = NULL;
	spin_unlock(&lmk_log_lock);
	kernel_param_unlock(THIS_MODULE);
	kvfree(log);
}

/**
 * lmk_interface_init() - create the kill log, the statistics and debugfs
 *
 * Context: module init.
 * Return: 0 or a negative errno, with nothing left behind.
 */
int lmk_interface_init(void)
{
	struct lmk_kill_rec *log;
	int err;

	kernel_param_lock(THIS_MODULE);
	log = kvcalloc(lmk_log_size, sizeof(*log), GFP_KERNEL);
	if (log) {
		spin_lock(&lmk_log_lock);
		lmk_log = log;
		spin_unlock(&lmk_log_lock);
	}
	kernel_param_unlock(THIS_MODULE);
	if (!log)
		return -ENOMEM;

	lmk_stats_build();
	err = sysfs_create_group(&THIS_MODULE->mkobj.kobj, &lmk_stats_group);
	if (err)
		goto err_log;

	/* debugfs is optional: errors are not fatal and not checked. */
	lmk_debugfs_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("kills", 0400, lmk_debugfs_dir, NULL,
			    &lmk_log_fops);
	return 0;

err_log:
	lmk_log_free();
	return err;
}

/**
 * lmk_interface_exit() - remove what lmk_interface_init() created
 *
 * Context: module exit or init's unwind, no pass or worker running.
 */
void lmk_interface_exit(void)
{
	struct lmk_table_rcu *t;

	debugfs_remove(lmk_debugfs_dir);
	sysfs_remove_group(&THIS_MODULE->mkobj.kobj, &lmk_stats_group);

	lmk_log_free();

	mutex_lock(&lmk_table_mutex);
	t = rcu_replace_pointer(lmk_table_cur, &lmk_table_default,
				lockdep_is_held(&lmk_table_mutex));
	mutex_unlock(&lmk_table_mutex);
	if (t != &lmk_table_default) {
		synchronize_rcu();
		kfree(t);
	}
}
