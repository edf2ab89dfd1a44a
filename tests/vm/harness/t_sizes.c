// SPDX-License-Identifier: GPL-2.0
/*
 * Quote sizes from the sim's minimum to 32 MiB - 4 KiB: each arrives
 * intact, the buffer grows once when the quote outgrows it, and a steady
 * stream of one size converts no further memory.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Repeats of each size after the first: must all reuse pooled buffers. */
#define REUSE_N		3

static int setup_sizes(void **state)
{
	(void)state;
	/*
	 * The sim accepts buffers up to 64 MiB (QEMU: 128 KiB). The pool may
	 * keep everything this group makes (16 KiB ... 32 MiB buffers), so
	 * that the reuse checks measure reuse and not pool_max_bytes.
	 */
	return hx_setup("max_buf=67108864", "pool_max_bytes=134217728");
}

static int teardown_sizes(void **state)
{
	(void)state;
	return hx_teardown();
}

/* One quote of @size bytes; returns the reply in @req. */
static void one_quote(uint64_t size, uint64_t seed, uint8_t *q, size_t cap,
		      struct tdx_quote_get_quote *req)
{
	uint8_t rd[64];
	int ret;

	hx_reportdata(rd, seed);
	ret = hx_get_quote(hx_fd(), rd, 120000, q, cap, req);
	if (ret)
		fail_msg("%" PRIu64 "-byte quote: %s (host_status %#" PRIx64
			 ", vmcall_status %#" PRIx64 ", buf_len %" PRIu64 ")",
			 size, strerror(ret), (uint64_t)req->host_status,
			 (uint64_t)req->vmcall_status, (uint64_t)req->buf_len);
	hx_check_quote(q, req->quote_len, size, rd);
	assert_true(req->buf_len >= size + HX_GQ_HDR_LEN);
	assert_int_equal(req->buf_len % 4096, 0);
}

static uint64_t check_size(uint64_t size)
{
	struct tdx_quote_get_quote req;
	struct tdx_quote_info info;
	uint64_t grows0, conv0, start_len, first_buf_len;
	uint8_t *q;
	double t;
	int i;

	q = malloc(size);
	assert_non_null(q);
	hx_sim_param_set_u64("quote_size", size);

	hx_info(&info);
	start_len = info.next_buf_len;
	grows0 = hx_stat("buffer_grows");
	t = hx_now();
	one_quote(size, size, q, size, &req);
	t = hx_now() - t;
	first_buf_len = req.buf_len;
	/* Growth: exactly one resubmit when the starting buffer is too small. */
	if (size + HX_GQ_HDR_LEN > start_len)
		assert_int_equal(hx_stat("buffer_grows") - grows0, 1);
	else
		assert_int_equal(hx_stat("buffer_grows") - grows0, 0);

	/* Reuse: the same size again converts nothing and grows nothing. */
	conv0 = hx_stat("conversions_shared");
	grows0 = hx_stat("buffer_grows");
	for (i = 1; i <= REUSE_N; i++)
		one_quote(size, size * 16 + i, q, size, &req);
	assert_int_equal(hx_stat("conversions_shared"), conv0);
	assert_int_equal(hx_stat("buffer_grows"), grows0);
	print_message("  %9" PRIu64 "-byte quote: buf_len %9" PRIu64
		      ", first %.2f s\n", size, first_buf_len, t);
	free(q);
	return first_buf_len;
}

static void test_size_min(void **state)    { (void)state; check_size(1258); }
static void test_size_4096(void **state)   { (void)state; check_size(4096); }
static void test_size_5000(void **state)   { (void)state; check_size(5000); }
static void test_size_16k(void **state)    { (void)state; check_size(16 * HX_KiB); }
static void test_size_100k(void **state)   { (void)state; check_size(100000); }
static void test_size_1m(void **state)     { (void)state; check_size(1 * HX_MiB); }
static void test_size_4m(void **state)     { (void)state; check_size(4 * HX_MiB); }
static void test_size_5m(void **state)     { (void)state; check_size(5 * HX_MiB); }

/* Past the buddy allocator's 4 MiB: a 32 MiB contiguous shared buffer. */
static void test_size_32m(void **state)
{
	uint64_t size = 32 * HX_MiB - 4096, buf_len;

	(void)state;
	buf_len = check_size(size);
	if (buf_len < 32 * HX_MiB)
		fail_msg("buf_len %" PRIu64 " for a %" PRIu64 "-byte quote",
			 buf_len, size);
}

/* The host never saw a bad GetQuote along the way. */
static void test_sim_clean(void **state)
{
	(void)state;
	assert_int_equal(hx_sim_stat("rejects_private"), 0);
	assert_int_equal(hx_sim_stat("rejects_inuse"), 0);
	assert_int_equal(hx_sim_stat("rejects_invalid"), 0);
	assert_int_equal(hx_sim_stat("conv_rejects"), 0);
	assert_int_equal(hx_stat("fail_vmcall"), 0);
	assert_int_equal(hx_stat("fail_host_protocol"), 0);
	assert_int_equal(hx_stat("in_flight"), 0);
}

int hx_run_sizes(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_min),
		cmocka_unit_test(test_size_4096),
		cmocka_unit_test(test_size_5000),
		cmocka_unit_test(test_size_16k),
		cmocka_unit_test(test_size_100k),
		cmocka_unit_test(test_size_1m),
		cmocka_unit_test(test_size_4m),
		cmocka_unit_test(test_size_5m),
		cmocka_unit_test(test_size_32m),
		cmocka_unit_test(test_sim_clean),
	};

	return cmocka_run_group_tests_name("sizes", tests, setup_sizes,
					   teardown_sizes);
}
