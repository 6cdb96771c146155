// SPDX-License-Identifier: GPL-2.0
/*
 * Each kill sends a KOBJ_CHANGE uevent on /sys/module/lowmemkiller with the
 * victim's pid, comm, adj, size and the reason.
 */
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

TEST(kill_sends_uevent_with_victim_fields)
{
	char msg[4096], want[32];
	const char *v;
	bool found = false;
	double end;
	pid_t victim;
	int fd;

	fd = uevent_socket();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, lmk_load("poll_ms=5"));
	victim = hog_spawn(750, 8192, "notified");
	ASSERT_GT(victim, 0);
	ASSERT_EQ(0, lmk_force_row(700));

	end = now_s() + 5;
	while (!found && now_s() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv(fd, msg, sizeof(msg) - 1, 0);
		if (n <= 0)
			continue;
		msg[n] = '\0';
		v = uevent_get(msg, n, "LMK_EVENT");
		if (!v || strcmp(v, "kill"))
			continue;
		found = true;
		EXPECT_STREQ("change", uevent_get(msg, n, "ACTION"));
		EXPECT_STREQ("/module/lowmemkiller",
			     uevent_get(msg, n, "DEVPATH"));
		snprintf(want, sizeof(want), "%d", victim);
		EXPECT_STREQ(want, uevent_get(msg, n, "LMK_PID"));
		EXPECT_STREQ(want, uevent_get(msg, n, "LMK_TGID"));
		EXPECT_STREQ("notified", uevent_get(msg, n, "LMK_COMM"));
		EXPECT_STREQ("750", uevent_get(msg, n, "LMK_ADJ"));
		EXPECT_STREQ("700", uevent_get(msg, n, "LMK_MIN_ADJ"));
		EXPECT_STREQ("poll", uevent_get(msg, n, "LMK_REASON"));
		EXPECT_STREQ("0", uevent_get(msg, n, "LMK_DRY_RUN"));
		v = uevent_get(msg, n, "LMK_RSS_KB");
		ASSERT_NE(NULL, v);
		EXPECT_GE(atol(v), 8192);
		v = uevent_get(msg, n, "LMK_SIZE_KB");
		ASSERT_NE(NULL, v);
		EXPECT_GE(atol(v), 8192);
	}
	lmk_param_set("minfree", "1");
	EXPECT_TRUE(found);
	close(fd);
	lmk_unload();
	kill(victim, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0)
		;
}

TEST_HARNESS_MAIN
