// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side failures and size limits: SERVICE_UNAVAILABLE, a quote longer
 * than the caller's buffer (ENOSPC), one larger than max_quote_size (EFBIG).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static int setup_errors(void **state)
{
	(void)state;
	/* max_quote_size is read-only at runtime: 1 MiB from the start. */
	return hx_setup("max_buf=67108864", "max_quote_size=1048576");
}

static int teardown_errors(void **state)
{
	(void)state;
	return hx_teardown();
}

static void test_service_unavailable(void **state)
{
	struct tdx_quote_get_quote req;
	uint8_t rd[64], *q = malloc(64 * HX_KiB);
	uint64_t unavail0 = hx_stat("fail_service_unavailable");
	double t;
	int ret;

	(void)state;
	assert_non_null(q);
	hx_sim_param_set("service", "0");
	hx_reportdata(rd, 0xdead);
	t = hx_now();
	ret = hx_get_quote(hx_fd(), rd, 0, q, 64 * HX_KiB, &req);
	t = hx_now() - t;
	hx_sim_param_set("service", "1");

	if (ret != EHOSTDOWN)
		fail_msg("GET_QUOTE: %s, want EHOSTDOWN", strerror(ret));
	assert_int_equal(req.host_status, HX_STATUS_SERVICE_UNAVAILABLE);
	assert_int_equal(req.vmcall_status, 0);
	/* The host answered at once: no 30 s timeout. */
	if (t >= 10.0)
		fail_msg("EHOSTDOWN after %.1f s, want well under the 30 s timeout", t);
	assert_int_equal(hx_stat("fail_service_unavailable") - unavail0, 1);
	assert_int_equal(hx_stat("in_flight"), 0);
	assert_int_equal(hx_stat("quarantined"), 0);

	/* The service is back: quotes work again. */
	hx_reportdata(rd, 0xbeef);
	assert_int_equal(hx_get_quote(hx_fd(), rd, 0, q, 64 * HX_KiB, &req), 0);
	hx_check_quote(q, req.quote_len, 5000, rd);
	free(q);
}

static void test_enospc(void **state)
{
	struct tdx_quote_get_quote req;
	uint8_t rd[64], *q = malloc(64 * HX_KiB);
	uint64_t nospace0 = hx_stat("fail_no_space");
	uint64_t need;
	int ret;

	(void)state;
	assert_non_null(q);
	hx_sim_param_set("quote_size", "5000");
	hx_reportdata(rd, 0x5ace);
	memset(q, 0xa5, 64 * HX_KiB);
	ret = hx_get_quote(hx_fd(), rd, 0, q, 1000, &req);
	if (ret != ENOSPC)
		fail_msg("GET_QUOTE with quote_len 1000: %s, want ENOSPC",
			 strerror(ret));
	assert_int_equal(req.quote_len, 5000);
	assert_int_equal(hx_stat("fail_no_space") - nospace0, 1);
	/* Nothing was written past the 1000 bytes the caller offered. */
	for (size_t i = 1000; i < 64 * HX_KiB; i++)
		if (q[i] != 0xa5)
			fail_msg("byte %zu, beyond quote_len 1000, written on ENOSPC", i);

	/* One byte short is still short. */
	ret = hx_get_quote(hx_fd(), rd, 0, q, 4999, &req);
	if (ret != ENOSPC)
		fail_msg("GET_QUOTE with quote_len 4999: %s, want ENOSPC",
			 strerror(ret));
	assert_int_equal(req.quote_len, 5000);

	/* Retry with the length it asked for. */
	need = req.quote_len;
	hx_reportdata(rd, 0x5ace + 1);
	assert_int_equal(hx_get_quote(hx_fd(), rd, 0, q, need, &req), 0);
	hx_check_quote(q, req.quote_len, 5000, rd);
	free(q);
}

static void test_efbig(void **state)
{
	struct tdx_quote_get_quote req;
	struct tdx_quote_info info;
	size_t cap = 4 * HX_MiB;
	uint8_t rd[64], *q = malloc(cap);
	uint64_t big0 = hx_stat("fail_too_large");
	int ret;

	(void)state;
	assert_non_null(q);
	hx_info(&info);
	assert_int_equal(info.max_quote_size, 1 * HX_MiB);

	hx_sim_param_set_u64("quote_size", 2 * HX_MiB);
	hx_reportdata(rd, 0xb16);
	ret = hx_get_quote(hx_fd(), rd, 0, q, cap, &req);
	hx_sim_param_set("quote_size", "5000");
	if (ret != EFBIG)
		fail_msg("2 MiB quote with max_quote_size 1 MiB: %s, want EFBIG",
			 strerror(ret));
	assert_int_equal(hx_stat("fail_too_large") - big0, 1);
	/* uapi: on EFBIG quote_len says the length needed */
	assert_int_equal(req.quote_len, 2 * HX_MiB);
	assert_true(req.buf_len <= 1 * HX_MiB);
	assert_int_equal(hx_stat("in_flight"), 0);

	/* Small quotes still work. */
	hx_reportdata(rd, 0xb17);
	assert_int_equal(hx_get_quote(hx_fd(), rd, 0, q, cap, &req), 0);
	hx_check_quote(q, req.quote_len, 5000, rd);
	free(q);
}

int hx_run_errors(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_service_unavailable),
		cmocka_unit_test(test_enospc),
		cmocka_unit_test(test_efbig),
	};

	return cmocka_run_group_tests_name("errors", tests, setup_errors,
					   teardown_errors);
}
