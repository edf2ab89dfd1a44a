// SPDX-License-Identifier: GPL-2.0
/*
 * A host whose timing is not QEMU's (tdx_quote_sim's jitter_us,
 * notify_delay_us, out_len_late_us):
 *
 * - each request's service time varies, so later requests finish while
 *   earlier ones still wait (the sim counts those: overtakes): every
 *   caller gets its own quote;
 * - the notify interrupt arrives 600 ms after the status, past the
 *   module's 100 ms grace period: the caller is served by its re-check,
 *   the late interrupt is counted as spurious when no request waits, and
 *   wakes nobody wrongly when the next request does;
 * - the status is written (and the interrupt raised) before out_len: the
 *   caller gets EPROTO (out_len still 0) or, if out_len landed before it
 *   looked, its quote; never anything else.
 *
 * Group "timing": tdx_quote with recheck_ms=100 (a late interrupt costs
 * that much).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define QCAP		(64 * HX_KiB)
#define QLEN		5000
#define PAT		0x5e

/*
 * GET_QUOTE with report data from @seed into a buffer filled with PAT:
 * a quote is checked and nothing written past it; on an error nothing
 * written at all. Return: 0 or the errno.
 */
static int one_quote(uint64_t seed, struct tdx_quote_get_quote *req)
{
	uint8_t rd[64], *q = malloc(QCAP);
	size_t i, from = 0;
	int ret;

	assert_non_null(q);
	memset(q, PAT, QCAP);
	hx_reportdata(rd, seed);
	ret = hx_get_quote(hx_fd(), rd, 0, q, QCAP, req);
	if (!ret) {
		hx_check_quote(q, req->quote_len, QLEN, rd);
		from = req->quote_len;
	}
	for (i = from; i < QCAP; i++)
		if (q[i] != PAT)
			fail_msg("byte %zu of the caller's buffer written after %s",
				 i, ret ? strerror(ret) : "the quote");
	free(q);
	return ret;
}

/* ---------------------------------------------------------- jitter */

#define JT_THREADS	6
#define JT_CALLS	8

struct jt {
	pthread_t tid;
	uint64_t seed;
	int fd;
	int bad;		/* wrong result: errno, or -1 wrong quote */
};

static void *jitter_fn(void *arg)
{
	struct jt *t = arg;
	struct tdx_quote_get_quote req;
	uint8_t rd[64], *q = malloc(QCAP);
	int k, ret;

	for (k = 0; q && k < JT_CALLS && !t->bad; k++) {
		hx_reportdata(rd, t->seed + k);
		ret = hx_get_quote(t->fd, rd, 0, q, QCAP, &req);
		if (ret)
			t->bad = ret;
		else if (req.quote_len != QLEN ||
			 hx_find_reportdata(q, QLEN, rd) != HX_Q_REPORTDATA_OFF)
			t->bad = -1;
	}
	if (!q)
		t->bad = ENOMEM;
	free(q);
	return NULL;
}

static void test_jitter_later_finishes_first(void **state)
{
	static struct jt t[JT_THREADS];
	uint64_t over0 = hx_sim_stat("overtakes"), succ0 = hx_stat("successes");
	int i;

	(void)state;
	hx_sim_param_set("service_us", "1000");
	hx_sim_param_set("jitter_us", "40000");
	for (i = 0; i < JT_THREADS; i++) {
		t[i].seed = 0x71000 + 0x100 * i;
		t[i].fd = hx_fd();
		t[i].bad = 0;
		assert_int_equal(pthread_create(&t[i].tid, NULL, jitter_fn, &t[i]), 0);
	}
	for (i = 0; i < JT_THREADS; i++)
		pthread_join(t[i].tid, NULL);
	hx_sim_param_set("jitter_us", "0");
	hx_sim_param_set("service_us", "5000");
	for (i = 0; i < JT_THREADS; i++)
		if (t[i].bad)
			fail_msg("thread %d: %s", i, t[i].bad < 0 ? "another caller's quote" :
				 strerror(t[i].bad));
	print_message("  %d requests, %" PRIu64 " finished while an earlier one still waited\n",
		      JT_THREADS * JT_CALLS, hx_sim_stat("overtakes") - over0);
	assert_int_equal(hx_stat("successes") - succ0, JT_THREADS * JT_CALLS);
	/* The host did answer out of order: the test saw what it is about. */
	assert_true(hx_sim_stat("overtakes") - over0 > 0);
	assert_int_equal(hx_stat("in_flight"), 0);
}

/* --------------------------------------------- notify past the grace */

#define ND_QUOTES	3

static void test_notify_late_past_grace(void **state)
{
	struct tdx_quote_get_quote req;
	struct tdx_quote_info i0, i1;
	uint64_t v;
	double t;
	int k;

	(void)state;
	hx_sim_param_set("notify_delay_us", "600000");
	hx_info(&i0);
	/* Alone: each late interrupt finds no request waiting. */
	for (k = 0; k < ND_QUOTES; k++) {
		t = hx_now();
		assert_int_equal(one_quote(0x7200 + k, &req), 0);
		t = hx_now() - t;
		/* The re-check found it, not the interrupt 600 ms later. */
		if (t > 0.590)
			print_message("  request %d took %.3f s\n", k, t);
		hx_sleep_ms(900);
	}
	hx_info(&i1);
	print_message("  alone: %" PRIu64 " interrupts, %" PRIu64 " spurious, %" PRIu64 " poll wake-ups\n",
		      (uint64_t)(i1.stats.interrupts - i0.stats.interrupts),
		      (uint64_t)(i1.stats.spurious_interrupts - i0.stats.spurious_interrupts),
		      (uint64_t)(i1.stats.poll_wakeups - i0.stats.poll_wakeups));
	assert_int_equal(i1.stats.successes - i0.stats.successes, ND_QUOTES);
	assert_int_equal(i1.stats.interrupts - i0.stats.interrupts, ND_QUOTES);
	assert_int_equal(i1.stats.spurious_interrupts - i0.stats.spurious_interrupts,
			 ND_QUOTES);
	assert_true(i1.stats.poll_wakeups - i0.stats.poll_wakeups >= ND_QUOTES);

	/* Back to back: a late interrupt lands while the next one waits. */
	hx_info(&i0);
	for (k = 0; k < 2 * ND_QUOTES; k++)
		assert_int_equal(one_quote(0x7210 + k, &req), 0);
	hx_sleep_ms(900);
	hx_info(&i1);
	assert_int_equal(i1.stats.successes - i0.stats.successes, 2 * ND_QUOTES);
	assert_true(hx_wait_stat_ge("interrupts", i0.stats.interrupts + 2 * ND_QUOTES,
				    2000, &v));
	hx_sim_param_set("notify_delay_us", "0");
	assert_int_equal(hx_stat("in_flight"), 0);
}

/* -------------------------------------------- status before out_len */

#define OL_QUOTES	4

static void test_status_before_out_len(void **state)
{
	struct tdx_quote_get_quote req;
	struct tdx_quote_info i0, i1;
	uint64_t late0 = hx_sim_stat("late_out_lens");
	int k, ret, eproto = 0, quotes = 0;

	(void)state;
	hx_sim_param_set("out_len_late_us", "200000");
	hx_info(&i0);
	for (k = 0; k < OL_QUOTES; k++) {
		ret = one_quote(0x7300 + k, &req);
		if (ret == EPROTO) {
			/* It read SUCCESS, and out_len not yet written. */
			assert_int_equal(req.host_status, 0);
			eproto++;
		} else if (!ret) {
			quotes++;
		} else {
			fail_msg("status before out_len: %s, want EPROTO or the quote",
				 strerror(ret));
		}
		/* The late out_len lands before the next request. */
		hx_sleep_ms(400);
	}
	hx_sim_param_set("out_len_late_us", "0");
	hx_info(&i1);
	print_message("  %d requests: %d EPROTO, %d quotes; the host wrote %" PRIu64 " out_len late\n",
		      OL_QUOTES, eproto, quotes, hx_sim_stat("late_out_lens") - late0);
	assert_int_equal(hx_sim_stat("late_out_lens") - late0, OL_QUOTES);
	assert_int_equal(i1.stats.fail_host_protocol - i0.stats.fail_host_protocol,
			 eproto);
	assert_int_equal(i1.stats.successes - i0.stats.successes, quotes);
	/* The caller looked in the window at least once. */
	assert_true(eproto > 0);
	/* And the next request, with out_len first again, is fine. */
	assert_int_equal(one_quote(0x7380, &req), 0);
	assert_int_equal(hx_stat("quarantined"), 0);
}

static int setup_timing(void **state)
{
	(void)state;
	return hx_setup("", "recheck_ms=100");
}

static int teardown_timing(void **state)
{
	(void)state;
	return hx_teardown();
}

int hx_run_timing(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jitter_later_finishes_first),
		cmocka_unit_test(test_notify_late_past_grace),
		cmocka_unit_test(test_status_before_out_len),
	};

	return cmocka_run_group_tests_name("timing", tests, setup_timing,
					   teardown_timing);
}
