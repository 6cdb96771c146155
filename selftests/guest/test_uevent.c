// SPDX-License-Identifier: GPL-2.0
/*
 * Each kill sends a KOBJ_CHANGE uevent on /sys/module/lowmemkiller with the
 * kill log's seq, the victim's adj and size, the row and the reason.  Any
 * process may listen, so the victim's identity (pid, tgid, comm, uid) is
 * only added when root has asked for it with uevent_identity.
 */
#include <grp.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>

#include "lmk_guest.h"

#include "kselftest_harness.h"

static int uevent_socket(void)
{
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,
	};
	int fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
		    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Value of @key in a NUL-separated uevent, or NULL. */
static const char *uevent_get(const char *msg, size_t len, const char *key)
{
	size_t klen = strlen(key), off = 0;

	while (off < len) {
		const char *kv = msg + off;

		if (!strncmp(kv, key, klen) && kv[klen] == '=')
			return kv + klen + 1;
		off += strlen(kv) + 1;
	}
	return NULL;
}

/* The same, "(none)" when absent, for comparing strings. */
static const char *uevent_str(const char *msg, size_t len, const char *key)
{
	const char *v = uevent_get(msg, len, key);

	return v ? v : "(none)";
}

#define IDENTITY	LMK_PARAMS "uevent_identity"

/* A hog at adj 750, 8 MiB, named "notified", running as @uid. */
static void victim_body(int wfd, const void *arg)
{
	uid_t uid = *(const uid_t *)arg;

	prctl(PR_SET_NAME, "notified");
	if (set_oom_score_adj(getpid(), 750))
		_exit(2);
	if (uid && (setgroups(0, NULL) || setgid(uid) || setuid(uid)))
		_exit(3);
	if (!hog_alloc(8192))
		_exit(4);
	if (write(wfd, "r", 1) != 1)
		_exit(5);
	for (;;)
		pause();
}

FIXTURE(uevent) {
	int fd;
	pid_t victim;
	char msg[4096];
	ssize_t len;
};

FIXTURE_SETUP(uevent)
{
	self->victim = 0;
	self->len = 0;
	self->fd = uevent_socket();
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, lmk_load("poll_ms=5"));
}

/*
 * In the parent: the harness skips the teardown in the test's process
 * after a failed ASSERT (-O2 loses its "child" across the longjmp), and a
 * victim left behind would be the next test's.
 */
FIXTURE_TEARDOWN_PARENT(uevent)
{
	char path[64], buf[512], *st;
	int ms;

	lmk_unload();
	if (self->victim <= 0)
		return;
	kill(self->victim, SIGKILL);
	snprintf(path, sizeof(path), "/proc/%d/stat", self->victim);
	for (ms = 0; ms < 10000; ms += 10) {
		waitpid(self->victim, NULL, WNOHANG);
		if (lmk_read_file(path, buf, sizeof(buf)))
			break;
		st = strrchr(buf, ')');
		if (!st || st[2] == 'Z' || st[2] == 'X')
			break;
		usleep(10000);
	}
}

static pid_t victim_start(struct _test_data_uevent *self, uid_t uid)
{
	int rfd;

	self->victim = fork_piped(victim_body, &uid, &rfd);
	if (self->victim < 0 || wait_ready(rfd))
		return -1;
	return self->victim;
}

/*
 * Cross row 0 at adj 700 with the victim the only process above it, and
 * receive the kill's uevent.  Returns its length, 0 if none came within
 * 10 s.  Leaves the row uncrossed.
 */
static ssize_t kill_uevent(struct _test_data_uevent *self)
{
	double end;
	size_t off;

	self->len = 0;
	if (lmk_force_row(700))
		return 0;
	end = now_s() + 10;
	while (!self->len && now_s() < end) {
		struct pollfd p = { .fd = self->fd, .events = POLLIN };
		const char *v;
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv(self->fd, self->msg, sizeof(self->msg) - 1, 0);
		if (n <= 0)
			continue;
		self->msg[n] = '\0';
		v = uevent_get(self->msg, n, "LMK_EVENT");
		if (v && !strcmp(v, "kill"))
			self->len = n;
	}
	lmk_param_set("minfree", "1");
	for (off = 0; off < (size_t)self->len;
	     off += strlen(self->msg + off) + 1)
		printf("# uevent: %s\n", self->msg + off);
	return self->len;
}

/* What every kill uevent carries, identity or not. */
static void check_common(struct __test_metadata *_metadata,
			 struct _test_data_uevent *self)
{
	const char *msg = self->msg, *v;
	size_t n = self->len;
	char want[32];
	long seq;

	EXPECT_STREQ("change", uevent_str(msg, n, "ACTION"));
	EXPECT_STREQ("/module/lowmemkiller", uevent_str(msg, n, "DEVPATH"));
	EXPECT_STREQ("750", uevent_str(msg, n, "LMK_ADJ"));
	EXPECT_STREQ("700", uevent_str(msg, n, "LMK_MIN_ADJ"));
	EXPECT_STREQ("poll", uevent_str(msg, n, "LMK_REASON"));
	EXPECT_STREQ("0", uevent_str(msg, n, "LMK_DRY_RUN"));
	EXPECT_STREQ("0", uevent_str(msg, n, "LMK_ROW"));
	/* The victim's 8 MiB, less what the kernel's counters lag by. */
	v = uevent_get(msg, n, "LMK_RSS_KB");
	EXPECT_GE(v ? atol(v) : -1, 8192 - 256);
	v = uevent_get(msg, n, "LMK_SIZE_KB");
	EXPECT_GE(v ? atol(v) : -1, 8192 - 256);
	/* The kill log entry it stands for. */
	seq = kill_log_seq_of(self->victim);
	EXPECT_LT(0, seq);
	snprintf(want, sizeof(want), "%ld", seq);
	EXPECT_STREQ(want, uevent_str(msg, n, "LMK_SEQ"));
}

/* Any process may listen: by default, nothing says who was killed. */
TEST_F(uevent, kill_uevent_carries_no_identity_by_default)
{
	ASSERT_LT(0, victim_start(self, 0));
	ASSERT_LT(0, kill_uevent(self));
	EXPECT_EQ(NULL, uevent_get(self->msg, self->len, "LMK_PID"));
	EXPECT_EQ(NULL, uevent_get(self->msg, self->len, "LMK_TGID"));
	EXPECT_EQ(NULL, uevent_get(self->msg, self->len, "LMK_COMM"));
	EXPECT_EQ(NULL, uevent_get(self->msg, self->len, "LMK_UID"));
	check_common(_metadata, self);
}

static void expect_identity(struct __test_metadata *_metadata, bool on)
{
	char buf[16];

	ASSERT_EQ(0, lmk_read_file(IDENTITY, buf, sizeof(buf)));
	EXPECT_STREQ(on ? "Y" : "N", buf);
}

/*
 * uevent_identity, a boolean that only root may set, off by default, adds
 * the victim's pid, tgid, comm and uid.
 */
TEST_F(uevent, kill_uevent_carries_identity_when_root_enables_it)
{
	struct stat st;
	char want[32];

	ASSERT_EQ(0, stat(IDENTITY, &st));
	EXPECT_EQ(0, st.st_mode & 022);
	expect_identity(_metadata, false);
	ASSERT_EQ(0, lmk_write_file(IDENTITY, "1"));
	expect_identity(_metadata, true);
	ASSERT_EQ(0, lmk_write_file(IDENTITY, "0"));
	expect_identity(_metadata, false);
	ASSERT_EQ(0, lmk_write_file(IDENTITY, "Y"));
	expect_identity(_metadata, true);

	ASSERT_LT(0, victim_start(self, 65534));
	ASSERT_LT(0, kill_uevent(self));
	snprintf(want, sizeof(want), "%d", self->victim);
	EXPECT_STREQ(want, uevent_str(self->msg, self->len, "LMK_PID"));
	EXPECT_STREQ(want, uevent_str(self->msg, self->len, "LMK_TGID"));
	EXPECT_STREQ("notified", uevent_str(self->msg, self->len, "LMK_COMM"));
	EXPECT_STREQ("65534", uevent_str(self->msg, self->len, "LMK_UID"));
	check_common(_metadata, self);
}

TEST_HARNESS_MAIN
