// SPDX-License-Identifier: GPL-2.0
/*
 * Requests the caller gives up on while the host still owns the buffer:
 * timeout, signal, and unloading the module with such a buffer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "harness.h"

#define QCAP		(64 * 1024)

static int teardown_common(void **state)
{
	(void)state;
	return hx_teardown();
}

/* -------------------------------------------------------------- timeout */

static int setup_timeout(void **state)
{
	(void)state;
	/* The host takes 3 s; callers give up much sooner. */
	return hx_setup("service_us=3000000", "");
}

/* GET_QUOTE that must time out after @timeout_ms. */
static void expect_timeout(uint64_t seed, uint32_t timeout_ms)
{
	struct tdx_quote_get_quote req;
	uint8_t rd[64], *q = malloc(QCAP);
	double t;
	int ret;

	assert_non_null(q);
	hx_reportdata(rd, seed);
	t = hx_now();
	ret = hx_get_quote(hx_fd(), rd, timeout_ms, q, QCAP, &req);
	t = hx_now() - t;
	free(q);
	if (ret != ETIMEDOUT)
		fail_msg("GET_QUOTE with timeout_ms %u: %s after %.2f s, want ETIMEDOUT",
			 timeout_ms, strerror(ret), t);
	assert_true(t >= timeout_ms / 1000.0 - 0.01);
	if (t >= 10.0)
		fail_msg("a %u ms timeout took %.1f s", timeout_ms, t);
	assert_int_equal(req.host_status, HX_STATUS_IN_FLIGHT);
	assert_int_equal(req.vmcall_status, 0);
}

static void test_timeout_quarantine(void **state)
{
	uint64_t pooled0, quotes0, timeouts0, last = 0;
	double t;

	(void)state;
	pooled0 = hx_stat("pooled_bytes");
	quotes0 = hx_sim_stat("quotes");
	timeouts0 = hx_stat("fail_timeout");
	assert_int_equal(hx_stat("quarantined"), 0);

	expect_timeout(0x7100, 300);
	assert_int_equal(hx_stat("quarantined"), 1);
	assert_int_equal(hx_stat("in_flight"), 0);
	assert_int_equal(hx_stat("fail_timeout") - timeouts0, 1);
	assert_int_equal(hx_sim_stat("inflight"), 1);

	/* Meanwhile: a second request, which must not reuse the first buffer. */
	expect_timeout(0x7101, 300);
	assert_int_equal(hx_sim_stat("rejects_inuse"), 0);
	assert_int_equal(hx_stat("quarantined"), 2);
	assert_int_equal(hx_stat("in_flight"), 0);
	assert_int_equal(hx_stat("fail_timeout") - timeouts0, 2);

	/* The host finishes both (3 s each): the buffers come back. */
	t = hx_now();
	if (!hx_wait_stat_le("quarantined", 0, 15000, &last))
		fail_msg("quarantined still %" PRIu64 " after 15 s", last);
	print_message("  quarantine empty %.1f s after the second timeout\n",
		      hx_now() - t);
	assert_int_equal(hx_sim_stat("quotes") - quotes0, 2);
	assert_int_equal(hx_sim_stat("inflight"), 0);
	assert_true(hx_stat("pooled_bytes") > pooled0);
}

/* ---------------------------------------------------------------- EINTR */

static void on_sigusr1(int sig)
{
	(void)sig;
}

struct blocked {
	int fd;
	int ret;
	double elapsed;
	struct tdx_quote_get_quote req;
};

static void *blocked_fn(void *arg)
{
	struct blocked *b = arg;
	uint8_t rd[64], *q = malloc(QCAP);
	double t = hx_now();

	hx_reportdata(rd, 0xe1);
	b->ret = q ? hx_get_quote(b->fd, rd, 20000, q, QCAP, &b->req) : ENOMEM;
	b->elapsed = hx_now() - t;
	free(q);
	return NULL;
}

static void test_eintr(void **state)
{
	struct sigaction sa, old;
	/* static: a thread that never returns must not write a dead frame */
	static struct blocked b;
	struct timespec limit;
	pthread_t tid;
	uint64_t intr0, last = 0;
	bool started;
	int joined;

	(void)state;
	assert_int_equal(hx_stat("quarantined"), 0);
	intr0 = hx_stat("fail_interrupted");

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr1;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;		/* no SA_RESTART */
	assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);

	memset(&b, 0, sizeof(b));
	b.fd = hx_fd();
	b.ret = -1;
	assert_int_equal(pthread_create(&tid, NULL, blocked_fn, &b), 0);
	/* Wait until the request is with the host, then interrupt it. */
	started = hx_wait_stat_ge("in_flight", 1, 10000, &last);
	pthread_kill(tid, SIGUSR1);
	clock_gettime(CLOCK_REALTIME, &limit);
	limit.tv_sec += 30;
	joined = pthread_timedjoin_np(tid, NULL, &limit);
	if (joined)
		fail_msg("GET_QUOTE still blocked 30 s after SIGUSR1 (in_flight %" PRIu64 ")",
			 hx_stat("in_flight"));
	sigaction(SIGUSR1, &old, NULL);

	assert_true(started);
	if (b.ret != EINTR)
		fail_msg("GET_QUOTE interrupted by a signal: %s after %.2f s, want EINTR",
			 b.ret < 0 ? "no result" : strerror(b.ret), b.elapsed);
	assert_true(b.elapsed < 10.0);
	assert_int_equal(b.req.host_status, HX_STATUS_IN_FLIGHT);
	assert_int_equal(hx_stat("fail_interrupted") - intr0, 1);
	assert_int_equal(hx_stat("in_flight"), 0);
	assert_int_equal(hx_stat("quarantined"), 1);

	if (!hx_wait_stat_le("quarantined", 0, 15000, &last))
		fail_msg("quarantined still %" PRIu64 " 15 s after EINTR", last);
	assert_int_equal(hx_sim_stat("inflight"), 0);
	assert_int_equal(hx_sim_stat("rejects_inuse"), 0);
}

/* --------------------------------------------------- unload, host owns */

static int setup_unload(void **state)
{
	(void)state;
	/*
	 * No notify interrupt: after tdx_quote is gone, a completion must not
	 * raise a vector nobody handles any more.
	 */
	return hx_setup("notify=0 service_us=5000000", "");
}

static void test_unload_host_owns_buffer(void **state)
{
	struct tdx_quote_get_quote req;
	uint8_t rd[64], *q = malloc(QCAP);
	unsigned long long bytes = 0;
	const char *p;
	char *log;
	int ret, lines;

	(void)state;
	assert_non_null(q);
	hx_reportdata(rd, 0xdead0);
	ret = hx_get_quote(hx_fd(), rd, 300, q, QCAP, &req);
	free(q);
	if (ret != ETIMEDOUT)
		fail_msg("GET_QUOTE: %s, want ETIMEDOUT", strerror(ret));
	assert_int_equal(hx_stat("quarantined"), 1);
	assert_int_equal(hx_sim_stat("inflight"), 1);

	hx_fd_close();
	free(hx_klog_new());
	ret = hx_module_remove(HX_MODULE);
	if (ret)
		fail_msg("removing tdx_quote with a buffer the host owns: %s",
			 strerror(-ret));
	assert_false(hx_module_loaded(HX_MODULE));

	log = hx_klog_new();
	assert_non_null(log);
	lines = hx_count_lines(log, "host still owns");
	p = strstr(log, "host still owns ");
	if (p)
		bytes = strtoull(p + strlen("host still owns "), NULL, 10);
	if (lines != 1 || !strstr(log, "leaving them allocated"))
		print_message("kernel log:\n%s\n", log);
	free(log);
	assert_int_equal(lines, 1);
	assert_int_equal(bytes, req.buf_len);

	/* The host still had it; now the host goes too. */
	assert_int_equal(hx_sim_stat("inflight"), 1);
	assert_int_equal(hx_sim_remove(), 0);
	assert_false(hx_module_loaded(HX_SIM_MODULE));
}

int hx_run_timeout(void)
{
	const struct CMUnitTest timeout[] = {
		cmocka_unit_test(test_timeout_quarantine),
		cmocka_unit_test(test_eintr),
	};
	const struct CMUnitTest unload[] = {
		cmocka_unit_test(test_unload_host_owns_buffer),
	};
	int failed;

	failed = cmocka_run_group_tests_name("timeout", timeout, setup_timeout,
					     teardown_common);
	failed += cmocka_run_group_tests_name("unload_host_owns", unload,
					      setup_unload, teardown_common);
	return failed;
}
