// SPDX-License-Identifier: GPL-2.0
/*
 * The buffer pool gives large idle buffers back: after pool_idle_ms only
 * buffers of at most pool_keep_bytes stay pooled.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static int setup_pool(void **state)
{
	(void)state;
	/*
	 * pool_max_bytes large enough that the 8 MiB buffer of a 5 MiB quote
	 * enters the pool (and is trimmed later) instead of being freed at once.
	 */
	return hx_setup("max_buf=67108864",
			"pool_idle_ms=1000 pool_max_bytes=67108864");
}

static int teardown_pool(void **state)
{
	(void)state;
	return hx_teardown();
}

static void test_pool_trim(void **state)
{
	struct tdx_quote_get_quote req;
	uint64_t size = 5 * HX_MiB, keep, pooled, priv0, sim_shared, last = 0;
	uint8_t rd[64], *q = malloc(size);
	double t;
	int ret;

	(void)state;
	assert_non_null(q);
	keep = hx_param("pool_keep_bytes");
	assert_int_equal(hx_param("pool_idle_ms"), 1000);

	hx_sim_param_set_u64("quote_size", size);
	priv0 = hx_stat("conversions_private");
	hx_reportdata(rd, 0x9001);
	ret = hx_get_quote(hx_fd(), rd, 120000, q, size, &req);
	if (ret)
		fail_msg("5 MiB quote: %s", strerror(ret));
	hx_check_quote(q, req.quote_len, size, rd);
	free(q);
	t = hx_now();

	pooled = hx_stat("pooled_bytes");
	sim_shared = hx_sim_stat("shared_bytes");
	/* The big buffer is pooled for now. */
	if (pooled < req.buf_len || req.buf_len <= keep)
		fail_msg("pooled_bytes %" PRIu64 " after a quote in a %" PRIu64
			 "-byte buffer (pool_keep_bytes %" PRIu64 ")",
			 pooled, (uint64_t)req.buf_len, keep);

	if (!hx_wait_stat_le("pooled_bytes", keep, 10000, &last))
		fail_msg("pooled_bytes still %" PRIu64 " 10 s after the quote (pool_idle_ms 1000, pool_keep_bytes %" PRIu64 ")",
			 last, keep);
	print_message("  pool trimmed to %" PRIu64 " bytes %.1f s after the quote\n",
		      last, hx_now() - t);
	/*
	 * Out of the pool first, then converted back piece by piece: on a
	 * slow kernel the conversion can still be going on here.
	 */
	if (!hx_wait_stat_ge("conversions_private", priv0 + 1, 10000, &last))
		fail_msg("the trimmed buffer was not converted back within 10 s (conversions_private %" PRIu64 ")",
			 last);
	/* The host no longer sees the big buffer as shared. */
	assert_true(hx_sim_stat("shared_bytes") + req.buf_len <= sim_shared);
	assert_int_equal(hx_stat("leaked_bytes"), 0);
}

int hx_run_pool(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_trim),
	};

	return cmocka_run_group_tests_name("pool", tests, setup_pool,
					   teardown_pool);
}
