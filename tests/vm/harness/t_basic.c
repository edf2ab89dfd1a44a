// SPDX-License-Identifier: GPL-2.0
/*
 * Load refusal, the device node, GET_REPORT, and argument checking.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

_Static_assert(TDX_QUOTE_CMD_GET_REPORT == 0xC4405401u,
	       "GET_REPORT must keep the upstream TDX_CMD_GET_REPORT0 number");

/* ------------------------------------------------------------ load refusal */

static int setup_none(void **state)
{
	(void)state;
	return hx_setup(NULL, NULL);
}

static int teardown_common(void **state)
{
	(void)state;
	return hx_teardown();
}

/* Not a TD, no host=sim: the module refuses to load, with one log line. */
static void test_load_refused_without_host(void **state)
{
	char *log;
	int ret, lines, ours;

	(void)state;
	assert_false(hx_module_loaded(HX_MODULE));
	free(hx_klog_new());

	ret = hx_module_insert(HX_MODULE, "");
	if (ret == 0)
		hx_module_remove(HX_MODULE);
	assert_int_equal(ret, -ENODEV);
	assert_false(hx_module_loaded(HX_MODULE));

	log = hx_klog_new();
	assert_non_null(log);
	lines = hx_count_lines(log, "TDX guest");
	/* Lines of ours other than the kernel's taint/signature notices. */
	ours = hx_count_lines(log, HX_MODULE ": ") -
	       hx_count_lines(log, "taints kernel") -
	       hx_count_lines(log, "module verification failed");
	if (lines != 1 || ours != 1)
		print_message("kernel log:\n%s\n", log);
	free(log);
	assert_int_equal(lines, 1);
	assert_int_equal(ours, 1);
}

/* -------------------------------------------------------------- basic */

static int setup_basic(void **state)
{
	(void)state;
	return hx_setup("", "");
}

static void test_dev_mode(void **state)
{
	struct stat st;

	(void)state;
	assert_int_equal(stat(HX_DEV, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, 0);
}

static void test_report(void **state)
{
	uint8_t rd[TDX_QUOTE_REPORTDATA_LEN], tdr[TDX_QUOTE_TDREPORT_LEN];
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		hx_reportdata(rd, 0x5245504f52540000ULL + i);
		memset(tdr, 0xee, sizeof(tdr));
		assert_int_equal(hx_get_report(hx_fd(), rd, tdr), 0);
		assert_int_equal(tdr[0], 0x81);
		assert_memory_equal(tdr + HX_TDR_REPORTDATA_OFF, rd, sizeof(rd));
	}
}

static void test_info(void **state)
{
	struct tdx_quote_info info;

	(void)state;
	hx_info(&info);
	assert_non_null(memchr(info.version, '\0', sizeof(info.version)));
	assert_string_equal(info.host, "sim");
	assert_int_equal(info.notify_mode, TDX_QUOTE_NOTIFY_IRQ);
	assert_true(info.max_inflight >= 1);
	assert_true(info.max_quote_size >= 16 * HX_KiB);
	assert_true(info.next_buf_len >= HX_GQ_HDR_LEN + TDX_QUOTE_TDREPORT_LEN);
	assert_true(info.timeout_ms > 0);
	for (size_t i = 0; i < sizeof(info.reserved) / sizeof(info.reserved[0]); i++)
		assert_int_equal(info.reserved[i], 0);
}

/* One ordinary quote, as a baseline for the argument tests. */
static void test_quote_ok(void **state)
{
	struct tdx_quote_get_quote req;
	uint8_t rd[64], *q = malloc(64 * HX_KiB);
	uint64_t succ = hx_stat("successes");

	(void)state;
	assert_non_null(q);
	hx_reportdata(rd, 1);
	assert_int_equal(hx_get_quote(hx_fd(), rd, 0, q, 64 * HX_KiB, &req), 0);
	hx_check_quote(q, req.quote_len, 5000, rd);
	assert_int_equal(req.host_status, 0);
	assert_int_equal(req.vmcall_status, 0);
	assert_true(req.buf_len >= req.quote_len + HX_GQ_HDR_LEN);
	assert_int_equal(hx_stat("successes"), succ + 1);
	free(q);
}

static void fill_req(struct tdx_quote_get_quote *req, void *q, uint64_t len)
{
	memset(req, 0, sizeof(*req));
	hx_reportdata(req->reportdata, 2);
	req->quote = (uintptr_t)q;
	req->quote_len = len;
}

static void test_bad_flags(void **state)
{
	struct tdx_quote_get_quote req;
	uint8_t q[8192];
	uint64_t requests = hx_stat("requests");

	(void)state;
	fill_req(&req, q, sizeof(q));
	req.flags = 1;
	assert_int_equal(ioctl(hx_fd(), TDX_QUOTE_CMD_GET_QUOTE, &req), -1);
	assert_int_equal(errno, EINVAL);
	fill_req(&req, q, sizeof(q));
	req.flags = 0x80000000u;
	assert_int_equal(ioctl(hx_fd(), TDX_QUOTE_CMD_GET_QUOTE, &req), -1);
	assert_int_equal(errno, EINVAL);
	/* Refused before reaching the host. */
	assert_int_equal(hx_stat("requests"), requests);
}

static void test_bad_reserved(void **state)
{
	struct tdx_quote_get_quote req;
	uint8_t q[8192];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(req.reserved) / sizeof(req.reserved[0]); i++) {
		fill_req(&req, q, sizeof(q));
		req.reserved[i] = 1ULL << (i * 13);
		assert_int_equal(ioctl(hx_fd(), TDX_QUOTE_CMD_GET_QUOTE, &req), -1);
		assert_int_equal(errno, EINVAL);
	}
}

static void test_bad_timeout(void **state)
{
	struct tdx_quote_get_quote req;
	uint8_t q[8192];
	uint64_t requests = hx_stat("requests");

	(void)state;
	fill_req(&req, q, sizeof(q));
	req.timeout_ms = TDX_QUOTE_MAX_TIMEOUT_MS + 1;
	assert_int_equal(ioctl(hx_fd(), TDX_QUOTE_CMD_GET_QUOTE, &req), -1);
	assert_int_equal(errno, EINVAL);
	fill_req(&req, q, sizeof(q));
	req.timeout_ms = 0xffffffffu;
	assert_int_equal(ioctl(hx_fd(), TDX_QUOTE_CMD_GET_QUOTE, &req), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(hx_stat("requests"), requests);
}

/* A structure too short to hold the fields before reserved: EINVAL. */
struct short_get_quote {
	uint32_t flags;
	uint32_t timeout_ms;
	uint8_t reportdata[64];
	uint64_t quote;
};
#define CMD_GET_QUOTE_SHORT _IOWR('T', 0x10, struct short_get_quote)

static void test_short_struct(void **state)
{
	struct short_get_quote small;
	uint8_t q[8192];

	(void)state;
	memset(&small, 0, sizeof(small));
	small.quote = (uintptr_t)q;
	assert_int_equal(ioctl(hx_fd(), CMD_GET_QUOTE_SHORT, &small), -1);
	assert_int_equal(errno, EINVAL);
}

/* A structure longer than the kernel's with a non-zero tail: E2BIG. */
struct longer_get_quote {
	struct tdx_quote_get_quote req;
	uint64_t future[2];
};
#define CMD_GET_QUOTE_LONGER _IOWR('T', 0x10, struct longer_get_quote)

static void test_longer_struct(void **state)
{
	struct longer_get_quote big;
	uint8_t rd[64], *q = malloc(16 * HX_KiB);

	(void)state;
	assert_non_null(q);
	memset(&big, 0, sizeof(big));
	fill_req(&big.req, q, 16 * HX_KiB);
	big.future[1] = 1;
	assert_int_equal(ioctl(hx_fd(), CMD_GET_QUOTE_LONGER, &big), -1);
	assert_int_equal(errno, E2BIG);
	/* Zero tail: accepted as the known structure. */
	big.future[1] = 0;
	memcpy(rd, big.req.reportdata, sizeof(rd));
	assert_int_equal(ioctl(hx_fd(), CMD_GET_QUOTE_LONGER, &big), 0);
	hx_check_quote(q, big.req.quote_len, 5000, rd);
	free(q);
}

/* An address with nothing mapped behind it. */
static void *unmapped_page(void)
{
	void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	return p;
}

static void test_bad_quote_pointer(void **state)
{
	struct tdx_quote_get_quote req;
	void *bad = unmapped_page();
	uint8_t *ro;

	(void)state;
	fill_req(&req, bad, 64 * HX_KiB);
	assert_int_equal(ioctl(hx_fd(), TDX_QUOTE_CMD_GET_QUOTE, &req), -1);
	assert_int_equal(errno, EFAULT);

	fill_req(&req, (void *)(uintptr_t)8, 64 * HX_KiB);
	assert_int_equal(ioctl(hx_fd(), TDX_QUOTE_CMD_GET_QUOTE, &req), -1);
	assert_int_equal(errno, EFAULT);

	/* Read-only memory is no place for a quote either. */
	ro = mmap(NULL, 64 * HX_KiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(ro != MAP_FAILED);
	fill_req(&req, ro, 64 * HX_KiB);
	assert_int_equal(ioctl(hx_fd(), TDX_QUOTE_CMD_GET_QUOTE, &req), -1);
	assert_int_equal(errno, EFAULT);
	munmap(ro, 64 * HX_KiB);
	munmap(bad, 4096);
}

static void test_bad_arg_pointer(void **state)
{
	void *bad = unmapped_page();

	(void)state;
	assert_int_equal(ioctl(hx_fd(), TDX_QUOTE_CMD_GET_QUOTE, bad), -1);
	assert_int_equal(errno, EFAULT);
	assert_int_equal(ioctl(hx_fd(), TDX_QUOTE_CMD_GET_QUOTE, NULL), -1);
	assert_int_equal(errno, EFAULT);
	assert_int_equal(ioctl(hx_fd(), TDX_QUOTE_CMD_GET_REPORT, bad), -1);
	assert_int_equal(errno, EFAULT);
	assert_int_equal(ioctl(hx_fd(), TDX_QUOTE_CMD_INFO, bad), -1);
	assert_int_equal(errno, EFAULT);
	munmap(bad, 4096);
}

static void test_unknown_ioctl(void **state)
{
	uint8_t arg[4096];
	const unsigned long cmds[] = {
		_IO('T', 0x7f),
		_IOWR('T', 0x12, struct tdx_quote_get_quote),
		_IOWR('X', 0x10, struct tdx_quote_get_quote),
		_IOR('T', 0x10, struct tdx_quote_get_quote),	/* wrong direction */
		0,
	};
	size_t i;

	(void)state;
	memset(arg, 0, sizeof(arg));
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		errno = 0;
		assert_int_equal(ioctl(hx_fd(), cmds[i], arg), -1);
		if (errno != ENOTTY)
			fail_msg("ioctl %#lx: %s, want ENOTTY", cmds[i], strerror(errno));
	}
}

/* Only root opens /dev/tdx_quote. */
static void test_non_root_open(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd;

		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(10);
		if (geteuid() != 65534)
			_exit(11);
		fd = open(HX_DEV, O_RDWR);
		if (fd >= 0)
			_exit(12);
		_exit(errno == EACCES ? 0 : 13);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) != 0)
		fail_msg("child (uid 65534): %s", WEXITSTATUS(status) == 12 ?
			 "open succeeded" : WEXITSTATUS(status) == 13 ?
			 "open failed, but not with EACCES" : "could not drop privileges");
}

int hx_run_basic(void)
{
	const struct CMUnitTest refusal[] = {
		cmocka_unit_test(test_load_refused_without_host),
	};
	const struct CMUnitTest basic[] = {
		cmocka_unit_test(test_dev_mode),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_quote_ok),
		cmocka_unit_test(test_bad_flags),
		cmocka_unit_test(test_bad_reserved),
		cmocka_unit_test(test_bad_timeout),
		cmocka_unit_test(test_short_struct),
		cmocka_unit_test(test_longer_struct),
		cmocka_unit_test(test_bad_quote_pointer),
		cmocka_unit_test(test_bad_arg_pointer),
		cmocka_unit_test(test_unknown_ioctl),
		cmocka_unit_test(test_non_root_open),
	};
	int failed;

	failed = cmocka_run_group_tests_name("load_refusal", refusal, setup_none,
					     teardown_common);
	failed += cmocka_run_group_tests_name("basic", basic, setup_basic,
					      teardown_common);
	return failed;
}
