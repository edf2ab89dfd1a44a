// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile host: every fault knob of tdx_quote_sim, one test each.
 *
 * For each fault the caller gets a distinct documented errno or its own
 * quote and nothing else (no byte of the caller's buffer is written on
 * failure, none past quote_len on success, no host garbage); no buffer the
 * host owns is reused or freed and nothing stale is handed to the host
 * (the sim's rejects_inuse, violations, leaked_freed and dirty stay 0,
 * quarantined counts behave); the counters say what happened; the kernel
 * log names the host's fault, a bounded number of times for a burst (the
 * group teardown checks it holds no WARN/BUG).
 *
 * Group "hostile": tdx_quote runs with notify_cpu=1 (the last test takes
 * that CPU away mid-request), recheck_ms=200 (a lost interrupt costs that)
 * and max_inflight=4 (so that stuck requests can hold every slot). Group
 * "hostile_unload": the host completes after tdx_quote is gone, with its
 * notify interrupt on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define QCAP		(64 * HX_KiB)
#define QLEN		5000		/* the sim's default quote_size */
#define PAT		0xc3		/* the caller's own bytes */
#define JUNK		"HOSTJUNK"	/* what fault_overwrite writes */
#define RECHECK_MS	200
#define SLOTS		4
#define POOL_MAX	"8388608"	/* pool_max_bytes default */

#define D(a, b, f)	((b).stats.f - (a).stats.f)

/* ------------------------------------------------------------- helpers */

/* Every fault knob off, the sim's defaults back (also after a failure). */
static void knobs_off(void)
{
	static const char *const off[][2] = {
		{ "fault_vmcall", "none" }, { "fault_status", "none" },
		{ "fault_stuck", "0" }, { "fault_silent", "0" },
		{ "fault_out_len", "0" },
		{ "fault_overwrite", "0" }, { "fault_flap_ms", "0" },
		{ "irq_storm", "0" }, { "irq_drop", "0" }, { "irq_dup", "0" },
		{ "conv_fail_shared", "0" }, { "conv_fail_private", "0" },
		{ "service_us", "5000" }, { "quote_size", "5000" },
		{ "framing", "raw" },
	};
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", HX_SIM_PARAMS, off[i][0]);
		hx_write_str(path, off[i][1]);
	}
	hx_write_str(HX_PARAMS "/pool_max_bytes", POOL_MAX);
}

static int test_setup(void **state)
{
	(void)state;
	knobs_off();
	return 0;
}

static int test_teardown(void **state)
{
	(void)state;
	knobs_off();
	/* Leave nothing stuck for the next test. */
	hx_write_str(HX_SIM_PARAMS "/complete_stuck", "1");
	return 0;
}

static uint8_t *qbuf_new(void)
{
	uint8_t *q = malloc(QCAP);

	assert_non_null(q);
	memset(q, PAT, QCAP);
	return q;
}

/* No byte of @q in [from, QCAP) was written by the module. */
static void assert_untouched(const uint8_t *q, size_t from, const char *what)
{
	size_t i;

	for (i = from; i < QCAP; i++)
		if (q[i] != PAT)
			fail_msg("%s: byte %zu of the caller's buffer written (%#x)",
				 what, i, q[i]);
}

/* A quote, exactly quote_len bytes of it, and nothing else written. */
static void assert_own_quote(const uint8_t *q,
			     const struct tdx_quote_get_quote *req,
			     const uint8_t *rd, const char *what)
{
	hx_check_quote(q, req->quote_len, QLEN, rd);
	if (memmem(q, req->quote_len, JUNK, strlen(JUNK)))
		fail_msg("%s: host garbage inside the quote", what);
	assert_untouched(q, req->quote_len, what);
}

/* GET_QUOTE into a fresh buffer; *@q (free it) and *@req get the result. */
static int quote(uint64_t seed, uint32_t timeout_ms, uint8_t **q,
		 struct tdx_quote_get_quote *req, uint8_t *rd, double *elapsed)
{
	double t = hx_now();
	int ret;

	*q = qbuf_new();
	hx_reportdata(rd, seed);
	ret = hx_get_quote(hx_fd(), rd, timeout_ms, *q, QCAP, req);
	if (elapsed)
		*elapsed = hx_now() - t;
	return ret;
}

/* A request that must fail with @want, leaving the caller's buffer alone. */
static void expect_err(uint64_t seed, int want, struct tdx_quote_get_quote *req,
		       const char *what)
{
	uint8_t rd[64], *q;
	int ret;

	ret = quote(seed, 0, &q, req, rd, NULL);
	if (ret != want)
		fail_msg("%s: %s, want %s (host_status %#" PRIx64 ", vmcall %#" PRIx64 ")",
			 what, ret ? strerror(ret) : "a quote", strerror(want),
			 (uint64_t)req->host_status, (uint64_t)req->vmcall_status);
	assert_untouched(q, 0, what);
	free(q);
}

/* A request that must succeed with a correct quote. */
static void expect_quote(uint64_t seed, const char *what)
{
	struct tdx_quote_get_quote req;
	uint8_t rd[64], *q;
	int ret;

	ret = quote(seed, 0, &q, &req, rd, NULL);
	if (ret)
		fail_msg("%s: %s, want a quote", what, strerror(ret));
	assert_own_quote(q, &req, rd, what);
	free(q);
}

/* Nothing of the host's is reused or freed; nothing is left held. */
static void assert_host_buffers_safe(void)
{
	assert_int_equal(hx_sim_stat("rejects_inuse"), 0);
	assert_int_equal(hx_sim_stat("violations"), 0);
	assert_int_equal(hx_sim_stat("leaked_freed"), 0);
	/* Every buffer zeroed before reuse: no stale bytes to the host. */
	assert_int_equal(hx_sim_stat("dirty"), 0);
	assert_int_equal(hx_stat("in_flight"), 0);
}

static void klog_mark(void)
{
	free(hx_klog_new());
}

/* The kernel log since klog_mark(), or fail. */
static char *klog_take(void)
{
	char *log = hx_klog_new();

	assert_non_null(log);
	return log;
}

/* @log has between @min and @max lines with @needle, or fail. */
static void klog_expect(char *log, const char *needle, int min, int max)
{
	int n = hx_count_lines(log, needle);

	if (n < min || n > max) {
		print_message("kernel log:\n%s\n", log);
		free(log);
		fail_msg("%d kernel log line(s) with \"%s\", want %d..%d", n,
			 needle, min, max);
	}
}

/* The kernel log since klog_mark() has @min to @max lines with @needle. */
static void klog_check(const char *needle, int min, int max)
{
	char *log = klog_take();

	klog_expect(log, needle, min, max);
	free(log);
}

/*
 * @n requests in a row fail with @want (seeds from @seed); the kernel log
 * then has @min to @max lines with @needle: bounded for a burst.
 */
static void expect_err_burst(uint64_t seed, int n, int want, const char *what,
			     const char *needle, int min, int max)
{
	struct tdx_quote_get_quote req;
	int k;

	for (k = 0; k < n; k++)
		expect_err(seed + k, want, &req, what);
	klog_check(needle, min, max);
}

/* -------------------------------------------------------------- out_len */

static void test_out_len_beyond_buffer(void **state)
{
	struct tdx_quote_info i0, i1;
	struct tdx_quote_get_quote req;
	char *log;

	(void)state;
	hx_info(&i0);
	klog_mark();

	/* One byte too many, and the largest out_len there is. */
	hx_sim_param_set("fault_out_len", "1");
	expect_err(0x0100, EPROTO, &req, "out_len 1 byte beyond the buffer");
	assert_int_equal(req.host_status, 0);
	assert_int_equal(req.quote_len, QCAP);	/* not written on EPROTO */
	hx_sim_param_set("fault_out_len", "4294967295");
	expect_err(0x0101, EPROTO, &req, "out_len 4 GiB");

	hx_info(&i1);
	assert_int_equal(D(i0, i1, fail_host_protocol), 2);
	assert_int_equal(D(i0, i1, successes), 0);
	assert_int_equal(i1.stats.quarantined, 0);
	log = klog_take();
	klog_expect(log, "-byte quote in a", 2, 2);
	klog_expect(log, "4294967295-byte quote", 1, 1);
	free(log);

	/* A burst of the same fault: a bounded number of lines. */
	expect_err_burst(0x0110, 20, EPROTO, "out_len burst", "-byte quote in a",
			 1, 10);

	hx_sim_param_set("fault_out_len", "0");
	expect_quote(0x0120, "after the out_len faults");
	assert_host_buffers_safe();
}

static void test_overwrite_past_out_len(void **state)
{
	static const char *const framings[] = { "raw", "passthrough" };
	struct tdx_quote_info i0, i1;
	uint64_t faults0 = hx_sim_stat("faults"), junk0 = hx_sim_stat("junk_bytes");
	size_t f;
	int k;

	(void)state;
	hx_sim_param_set("fault_overwrite", "1");
	for (f = 0; f < 2; f++) {
		hx_sim_param_set("framing", framings[f]);
		hx_info(&i0);
		for (k = 0; k < 3; k++)
			expect_quote(0x0200 + 16 * f + k, framings[f]);
		hx_info(&i1);
		assert_int_equal(D(i0, i1, successes), 3);
		assert_int_equal(i1.host_framing, f ? TDX_QUOTE_FRAMING_QGS :
						    TDX_QUOTE_FRAMING_RAW);
	}
	/* Back to a raw host, and let the module learn it again. */
	hx_sim_param_set("framing", "raw");
	expect_quote(0x0220, "raw host again");
	assert_int_equal(hx_stat("successes") - i1.stats.successes, 1);
	/* This test's 7 requests got the fault, and the host did write junk
	 * after each quote (none of it reached a caller: expect_quote()). */
	assert_true(hx_sim_stat("faults") - faults0 >= 7);
	print_message("  the host wrote %" PRIu64 " junk bytes after the quotes\n",
		      hx_sim_stat("junk_bytes") - junk0);
	assert_true(hx_sim_stat("junk_bytes") - junk0 >= 7);
	assert_host_buffers_safe();
}

/* --------------------------------------------------------------- status */

/* Every request completes with status @status: the caller gets @want. */
static void status_case(const char *status, uint64_t word, int want,
			const char *logged, uint64_t seed)
{
	struct tdx_quote_get_quote req;
	struct tdx_quote_info i0, i1;

	hx_info(&i0);
	klog_mark();
	hx_sim_param_set("fault_status", status);
	expect_err(seed, want, &req, status);
	hx_sim_param_set("fault_status", "none");
	assert_int_equal(req.host_status, word);
	assert_int_equal(req.vmcall_status, 0);
	hx_info(&i1);
	switch (want) {
	case EIO:
		assert_int_equal(D(i0, i1, fail_host_error), 1);
		break;
	case EHOSTDOWN:
		assert_int_equal(D(i0, i1, fail_service_unavailable), 1);
		break;
	case EPROTO:
		assert_int_equal(D(i0, i1, fail_host_protocol), 1);
		break;
	}
	assert_int_equal(D(i0, i1, successes), 0);
	assert_int_equal(i1.stats.quarantined, 0);
	/* Whatever the host said, the framing stays what works. */
	assert_int_equal(i1.host_framing, TDX_QUOTE_FRAMING_RAW);
	klog_check(logged, 1, 1);
	expect_quote(seed + 1, "after the status fault");
	assert_host_buffers_safe();
}

static void test_status_error(void **state)
{
	(void)state;
	status_case("error", HX_STATUS_ERROR, EIO,
		    "host reported a GetQuote error", 0x0300);
}

static void test_status_service_unavailable(void **state)
{
	(void)state;
	status_case("unavailable", HX_STATUS_SERVICE_UNAVAILABLE, EHOSTDOWN,
		    "host has no quote service", 0x0310);
}

static void test_status_unknown(void **state)
{
	(void)state;
	status_case("0x1234", 0x1234, EPROTO,
		    "unknown GetQuote status 0x1234", 0x0320);
	status_case("0x8000000000000002", 0x8000000000000002ULL, EPROTO,
		    "unknown GetQuote status 0x8000000000000002", 0x0330);
}

/* ERROR with an out_len that keeps growing, or is absurd. */
static void test_error_out_len_grows(void **state)
{
	struct tdx_quote_get_quote req;
	struct tdx_quote_info i0, i1;

	(void)state;
	hx_info(&i0);
	klog_mark();
	hx_sim_param_set("fault_status", "error");
	/* "It did not fit": always 4 KiB more than the buffer. */
	hx_sim_param_set("fault_out_len", "4096");
	expect_err(0x0400, EPROTO, &req, "ERROR, out_len always beyond");
	assert_int_equal(req.host_status, HX_STATUS_ERROR);
	hx_info(&i1);
	assert_int_equal(D(i0, i1, buffer_grows), 3);
	assert_int_equal(D(i0, i1, fail_host_protocol), 1);
	klog_check("asked for a bigger buffer 4 times", 1, 1);

	/* "It needs 4 GiB": more than max_quote_size. */
	hx_info(&i0);
	hx_sim_param_set("fault_out_len", "4294967295");
	expect_err(0x0401, EFBIG, &req, "ERROR, out_len 4 GiB");
	assert_int_equal(req.quote_len, 4294967295ULL);
	hx_info(&i1);
	assert_int_equal(D(i0, i1, fail_too_large), 1);
	assert_int_equal(D(i0, i1, buffer_grows), 0);

	hx_sim_param_set("fault_status", "none");
	hx_sim_param_set("fault_out_len", "0");
	expect_quote(0x0402, "after ERROR with growing out_len");
	assert_int_equal(hx_stat("quarantined"), 0);
	assert_host_buffers_safe();
}

/* -------------------------------------------------------------- vmcall */

static void test_retry_forever(void **state)
{
	struct tdx_quote_get_quote req;
	struct tdx_quote_info i0, i1;
	uint64_t sim_retries0 = hx_sim_stat("retries"), retries;
	uint8_t rd[64], *q;
	double t;
	int ret;

	(void)state;
	hx_info(&i0);
	klog_mark();
	hx_sim_param_set("fault_vmcall", "retry");
	ret = quote(0x0500, 1000, &q, &req, rd, &t);
	hx_sim_param_set("fault_vmcall", "none");
	if (ret != EBUSY)
		fail_msg("RETRY forever: %s after %.2f s, want EBUSY",
			 ret ? strerror(ret) : "a quote", t);
	assert_untouched(q, 0, "RETRY forever");
	free(q);
	assert_int_equal(req.vmcall_status, 1);
	/* Until the caller's timeout, not much longer. */
	assert_true(t >= 0.99 && t < 3.0);

	hx_info(&i1);
	retries = D(i0, i1, host_retries);
	print_message("  %" PRIu64 " RETRY answers in %.2f s\n", retries, t);
	assert_int_equal(hx_sim_stat("retries") - sim_retries0, retries);
	/* Backing off up to 64 ms, not spinning on the hypercall. */
	assert_true(retries >= 5 && retries <= 60);
	assert_int_equal(D(i0, i1, fail_busy), 1);
	assert_int_equal(i1.stats.quarantined, 0);
	klog_check("RETRY until the timeout", 1, 1);
	expect_quote(0x0501, "after RETRY forever");
	assert_host_buffers_safe();
}

static void test_vmcall_errors(void **state)
{
	static const struct {
		const char *knob;
		uint64_t code;
		const char *logged;
	} codes[] = {
		{ "invalid_operand", 0x8000000000000000ULL, "0x8000000000000000" },
		{ "gpa_inuse", 0x8000000000000001ULL, "0x8000000000000001" },
		{ "align_error", 0x8000000000000002ULL, "0x8000000000000002" },
		{ "subfunc_unsupported", 0x8000000000000003ULL, "0x8000000000000003" },
		{ "0x8000000000000099", 0x8000000000000099ULL, "0x8000000000000099" },
	};
	struct tdx_quote_get_quote req;
	struct tdx_quote_info i0, i1;
	char *log;
	size_t i;

	(void)state;
	hx_info(&i0);
	klog_mark();
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		hx_sim_param_set("fault_vmcall", codes[i].knob);
		expect_err(0x0600 + i, EREMOTEIO, &req, codes[i].knob);
		assert_int_equal(req.vmcall_status, codes[i].code);
		/* The host never took the buffer. */
		assert_int_equal(req.host_status, 0);
	}
	hx_info(&i1);
	assert_int_equal(D(i0, i1, fail_vmcall), 5);
	assert_int_equal(D(i0, i1, host_retries), 0);
	assert_int_equal(i1.stats.quarantined, 0);
	assert_true(i1.stats.pooled_bytes > 0);
	log = klog_take();
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		klog_expect(log, codes[i].logged, 1, 1);
	free(log);

	/* A burst: the message is rate-limited. */
	hx_sim_param_set("fault_vmcall", "invalid_operand");
	expect_err_burst(0x0610, 25, EREMOTEIO, "refusal burst",
			 "host refused GetQuote", 0, 10);

	hx_sim_param_set("fault_vmcall", "none");
	expect_quote(0x0640, "after the refusals");
	assert_host_buffers_safe();
}

/* --------------------------------------------------------------- stuck */

static void expect_timeout(uint64_t seed, uint32_t timeout_ms,
			   struct tdx_quote_get_quote *req, const char *what)
{
	uint8_t rd[64], *q;
	double t;
	int ret;

	ret = quote(seed, timeout_ms, &q, req, rd, &t);
	if (ret != ETIMEDOUT)
		fail_msg("%s: %s after %.2f s, want ETIMEDOUT", what,
			 ret ? strerror(ret) : "a quote", t);
	assert_untouched(q, 0, what);
	free(q);
	assert_true(t >= timeout_ms / 1000.0 - 0.01 && t < 5.0);
}

/* The host lets go of what it holds: the quarantine drains, or fail. */
static void release_stuck(void)
{
	uint64_t last = 0;

	hx_sim_param_set("complete_stuck", "1");
	if (!hx_wait_stat_le("quarantined", 0, 5000, &last))
		fail_msg("quarantined still %" PRIu64 " after the host let go", last);
}

static void test_stuck_in_flight(void **state)
{
	struct tdx_quote_get_quote req;
	struct tdx_quote_info i0, i1;
	int k;

	(void)state;
	hx_info(&i0);
	klog_mark();
	hx_sim_param_set("fault_stuck", "1");
	for (k = 0; k < SLOTS; k++) {
		expect_timeout(0x0700 + k, 200, &req, "status stuck IN_FLIGHT");
		assert_int_equal(req.host_status, HX_STATUS_IN_FLIGHT);
		assert_int_equal(req.vmcall_status, 0);
		assert_int_equal(hx_stat("quarantined"), k + 1);
	}
	assert_int_equal(hx_sim_stat("inflight"), SLOTS);
	klog_check("did not answer GetQuote in time", SLOTS, SLOTS);

	/* The reaper looks every second: it must not let any of them go. */
	hx_sleep_ms(1300);
	assert_int_equal(hx_stat("quarantined"), SLOTS);

	/* Every slot is held by a buffer the host owns: no new request. */
	hx_sim_param_set("fault_stuck", "0");
	expect_timeout(0x0710, 300, &req, "all slots held");
	assert_int_equal(req.host_status, 0);	/* never reached the host */
	assert_int_equal(req.buf_len, 0);
	klog_check("the host holds 4 unanswered buffers", 1, 1);
	hx_info(&i1);
	assert_int_equal(D(i0, i1, fail_timeout), SLOTS + 1);
	assert_int_equal(i1.stats.in_flight, 0);
	assert_int_equal(hx_sim_stat("rejects_inuse"), 0);

	/* The host lets go at last: buffers and slots come back. */
	release_stuck();
	assert_int_equal(hx_sim_stat("inflight"), 0);
	expect_quote(0x0711, "after the stuck requests");
	assert_host_buffers_safe();
}

/*
 * A host that accepts GetQuote but never writes the status: the guest
 * marked it IN_FLIGHT before the call, so the zeroed header is not taken
 * for a completed empty quote and the buffer stays with the host.
 */
static void test_status_never_written(void **state)
{
	struct tdx_quote_get_quote req;
	uint64_t proto0 = hx_stat("fail_host_protocol");

	(void)state;
	hx_sim_param_set("fault_silent", "1");
	expect_timeout(0x0720, 300, &req, "status never written");
	assert_int_equal(req.host_status, HX_STATUS_IN_FLIGHT);
	assert_int_equal(req.vmcall_status, 0);
	assert_int_equal(hx_stat("quarantined"), 1);
	assert_int_equal(hx_stat("fail_host_protocol"), proto0);
	hx_sim_param_set("fault_silent", "0");

	release_stuck();
	expect_quote(0x0721, "after the silent request");
	assert_host_buffers_safe();
}

/* ----------------------------------------------------------- interrupts */

static void test_irq_storm_idle(void **state)
{
	struct tdx_quote_info i0, i1;
	uint64_t storm0 = hx_sim_stat("irqs_storm");
	double t;

	(void)state;
	/* Nothing outstanding, and nothing just ended. */
	hx_sleep_ms(300);
	hx_info(&i0);
	klog_mark();
	t = hx_now();
	hx_sim_param_set("irq_storm_now", "500");
	t = hx_now() - t;
	hx_info(&i1);
	print_message("  500 spurious interrupts in %.2f s\n", t);
	assert_int_equal(hx_sim_stat("irqs_storm") - storm0, 500);
	assert_int_equal(D(i0, i1, interrupts), 500);
	assert_int_equal(D(i0, i1, spurious_interrupts), 500);
	assert_int_equal(D(i0, i1, poll_wakeups), 0);
	klog_check("spurious notify interrupt", 1, 10);
	expect_quote(0x0800, "after a storm");
	assert_host_buffers_safe();
}

static void test_irq_storm_in_flight(void **state)
{
	struct tdx_quote_info i0, i1;
	uint64_t v;
	double t;
	int k;

	(void)state;
	hx_info(&i0);
	hx_sim_param_set("irq_storm", "200");
	t = hx_now();
	for (k = 0; k < 3; k++)
		expect_quote(0x0810 + k, "storm while in flight");
	t = hx_now() - t;
	hx_sim_param_set("irq_storm", "0");
	/* The last completion's own interrupt may trail its status. */
	hx_wait_stat_ge("interrupts", i0.stats.interrupts + 3 * 201, 2000, &v);
	hx_info(&i1);
	print_message("  3 quotes through 600 spurious interrupts in %.2f s\n", t);
	assert_int_equal(D(i0, i1, interrupts), 3 * 201);
	assert_int_equal(D(i0, i1, spurious_interrupts), 0);
	assert_int_equal(D(i0, i1, poll_wakeups), 0);
	assert_int_equal(D(i0, i1, successes), 3);
	assert_host_buffers_safe();
}

static void test_irq_lost(void **state)
{
	struct tdx_quote_get_quote req;
	struct tdx_quote_info i0, i1;
	uint64_t dropped0 = hx_sim_stat("irqs_dropped");
	uint8_t rd[64], *q;
	double t;
	int ret;

	(void)state;
	hx_info(&i0);
	klog_mark();
	hx_sim_param_set("irq_drop", "1");
	ret = quote(0x0900, 0, &q, &req, rd, &t);
	hx_sim_param_set("irq_drop", "0");
	if (ret)
		fail_msg("lost interrupt: %s, want a quote", strerror(ret));
	assert_own_quote(q, &req, rd, "lost interrupt");
	free(q);
	hx_info(&i1);
	print_message("  quote after a lost interrupt in %.3f s\n", t);
	/* The re-check found it: recheck_ms, not the 30 s timeout. */
	assert_true(t >= RECHECK_MS / 1000.0 * 0.9 && t < 5 * RECHECK_MS / 1000.0);
	assert_int_equal(hx_sim_stat("irqs_dropped") - dropped0, 1);
	assert_int_equal(D(i0, i1, interrupts), 0);
	assert_true(D(i0, i1, poll_wakeups) >= 1);
	klog_check("without a notify interrupt", 1, 1);
	assert_host_buffers_safe();
}

static void test_irq_duplicate(void **state)
{
	struct tdx_quote_info i0, i1;
	uint64_t sent0 = hx_sim_stat("irqs_sent"), v;
	int k;

	(void)state;
	hx_info(&i0);
	hx_sim_param_set("irq_dup", "1");
	for (k = 0; k < 5; k++)
		expect_quote(0x0a00 + k, "duplicate interrupts");
	hx_sim_param_set("irq_dup", "0");
	hx_wait_stat_ge("interrupts", i0.stats.interrupts + 10, 500, &v);
	hx_info(&i1);
	assert_int_equal(hx_sim_stat("irqs_sent") - sent0, 10);
	/*
	 * A duplicate sent before the first was taken merges with it in the
	 * local APIC, as on hardware: between one and two per completion.
	 */
	assert_in_range(D(i0, i1, interrupts), 5, 10);
	/* A duplicate right after its completion is not spurious. */
	assert_int_equal(D(i0, i1, spurious_interrupts), 0);
	assert_int_equal(D(i0, i1, successes), 5);
	assert_int_equal(D(i0, i1, poll_wakeups), 0);
	assert_host_buffers_safe();
}

/* --------------------------------------------------- late completions */

/* The host finishes a request the caller gave up on: buffer comes back. */
static void late_completion_comes_back(const struct tdx_quote_info *i0)
{
	struct tdx_quote_info i1;
	uint64_t last = 0;

	assert_int_equal(hx_stat("quarantined"), 1);
	assert_int_equal(hx_sim_stat("inflight"), 1);
	if (!hx_wait_stat_le("quarantined", 0, 5000, &last))
		fail_msg("quarantined still %" PRIu64 " after the late completion",
			 last);
	hx_info(&i1);
	/* Its interrupt came while the buffer was held: not spurious. */
	assert_int_equal(D(*i0, i1, interrupts), 1);
	assert_int_equal(D(*i0, i1, spurious_interrupts), 0);
	assert_int_equal(D(*i0, i1, successes), 0);
	assert_int_equal(hx_sim_stat("inflight"), 0);
	hx_sim_param_set("service_us", "5000");
	/* Probably the same buffer, with the late quote in it: zeroed first. */
	expect_quote(0x0b7f, "after a late completion");
	assert_host_buffers_safe();
}

static void test_late_after_timeout(void **state)
{
	struct tdx_quote_get_quote req;
	struct tdx_quote_info i0;

	(void)state;
	hx_sim_param_set("service_us", "1500000");
	hx_info(&i0);
	expect_timeout(0x0b00, 200, &req, "late completion");
	assert_int_equal(req.host_status, HX_STATUS_IN_FLIGHT);
	late_completion_comes_back(&i0);
}

static void on_sigusr1(int sig)
{
	(void)sig;
}

struct blocked {
	int fd;
	int ret;
	uint64_t seed;
	uint32_t timeout_ms;
	double elapsed;
	uint8_t rd[64];
	uint8_t *q;
	struct tdx_quote_get_quote req;
};

static void *blocked_fn(void *arg)
{
	struct blocked *b = arg;
	double t = hx_now();

	hx_reportdata(b->rd, b->seed);
	b->ret = hx_get_quote(b->fd, b->rd, b->timeout_ms, b->q, QCAP, &b->req);
	b->elapsed = hx_now() - t;
	return NULL;
}

/*
 * Start thread @tid with one GET_QUOTE (seed @seed, 20 s timeout) that the
 * test then disturbs; its request and result in @b (static: the thread may
 * outlive the test). Return: true once it is in flight (within 5 s).
 */
static bool blocked_start(struct blocked *b, uint64_t seed, pthread_t *tid)
{
	uint64_t last = 0;

	memset(b, 0, sizeof(*b));
	b->fd = hx_fd();
	b->seed = seed;
	b->timeout_ms = 20000;
	b->q = qbuf_new();
	b->ret = -1;
	assert_int_equal(pthread_create(tid, NULL, blocked_fn, b), 0);
	return hx_wait_stat_ge("in_flight", 1, 5000, &last);
}

/* Join @tid within @secs, or fail (the thread is left behind). */
static void join_or_fail(pthread_t tid, int secs, const char *what)
{
	struct timespec limit;

	clock_gettime(CLOCK_REALTIME, &limit);
	limit.tv_sec += secs;
	if (pthread_timedjoin_np(tid, NULL, &limit))
		fail_msg("%s: GET_QUOTE still blocked after %d s", what, secs);
}

static void test_late_after_signal(void **state)
{
	/* static: a thread that never returns must not write a dead frame */
	static struct blocked b;
	struct sigaction sa, old;
	struct tdx_quote_info i0;
	pthread_t tid;
	bool started;

	(void)state;
	hx_sim_param_set("service_us", "1500000");
	hx_info(&i0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr1;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);

	started = blocked_start(&b, 0x0b10, &tid);
	pthread_kill(tid, SIGUSR1);
	join_or_fail(tid, 10, "signal");
	sigaction(SIGUSR1, &old, NULL);

	assert_true(started);
	if (b.ret != EINTR)
		fail_msg("signal while in flight: %s after %.2f s, want EINTR",
			 b.ret < 0 ? "no result" : strerror(b.ret), b.elapsed);
	assert_untouched(b.q, 0, "EINTR");
	free(b.q);
	assert_int_equal(b.req.host_status, HX_STATUS_IN_FLIGHT);
	assert_int_equal(hx_stat("fail_interrupted") - i0.stats.fail_interrupted, 1);
	late_completion_comes_back(&i0);
}

/* ---------------------------------------------------------- conversion */

/* Empty the pool of buffers a 16 KiB request would reuse. */
static void pool_off(void)
{
	uint64_t conv0;
	int k;

	hx_sim_param_set("conv_fail_shared", "0");
	assert_int_equal(hx_write_str(HX_PARAMS "/pool_max_bytes", "0"), 0);
	for (k = 0; k < 20; k++) {
		conv0 = hx_stat("conversions_shared");
		expect_quote(0x0c00 + k, "draining the pool");
		if (hx_stat("conversions_shared") > conv0)
			return;		/* a new buffer: none fitting is left */
	}
	fail_msg("the pool still hands out buffers with pool_max_bytes 0");
}

/* Counters from before one failed conversion (test_conv_*_fails). */
struct conv_fault {
	struct tdx_quote_info i0;
	uint64_t sim_leaked0, fails0;
};

/* An empty pool, then sim parameter @knob fails the next conversion. */
static void conv_fault_arm(struct conv_fault *cf, const char *knob)
{
	cf->sim_leaked0 = hx_sim_stat("leaked_bytes");
	cf->fails0 = hx_sim_stat("conv_failures");
	pool_off();
	hx_info(&cf->i0);
	klog_mark();
	hx_sim_param_set(knob, "1");
}

/*
 * The failed conversion leaked its 16 KiB buffer, to the byte the host saw
 * (never freed), and the kernel log says so once (@logged).
 */
static void conv_fault_check(const struct conv_fault *cf,
			     const struct tdx_quote_info *i1, const char *logged)
{
	assert_int_equal(D(cf->i0, *i1, leaked_bytes), 16 * HX_KiB);
	assert_int_equal(hx_sim_stat("leaked_bytes") - cf->sim_leaked0, 16 * HX_KiB);
	assert_int_equal(hx_sim_stat("conv_failures") - cf->fails0, 1);
	klog_check(logged, 1, 1);
}

static void test_conv_shared_fails(void **state)
{
	struct tdx_quote_get_quote req;
	struct tdx_quote_info i1;
	struct conv_fault cf;

	(void)state;
	conv_fault_arm(&cf, "conv_fail_shared");
	expect_err(0x0c10, ENOMEM, &req, "conversion to shared fails");
	assert_int_equal(req.vmcall_status, 0);
	hx_info(&i1);
	assert_int_equal(D(cf.i0, i1, fail_nomem), 1);
	assert_int_equal(D(cf.i0, i1, conversions_shared), 0);
	conv_fault_check(&cf, &i1, "converting 16384 bytes to shared failed");

	/* The knob said one: the next conversion works, on other pages. */
	expect_quote(0x0c11, "after a failed conversion to shared");
	hx_info(&i1);
	assert_int_equal(D(cf.i0, i1, conversions_shared), 1);
	assert_host_buffers_safe();
}

static void test_conv_private_fails(void **state)
{
	struct tdx_quote_info i1;
	struct conv_fault cf;

	(void)state;
	conv_fault_arm(&cf, "conv_fail_private");
	/* The quote is delivered; giving the buffer back fails. */
	expect_quote(0x0c20, "conversion back to private fails");
	hx_info(&i1);
	assert_int_equal(D(cf.i0, i1, conversions_private), 0);
	conv_fault_check(&cf, &i1, "converting 16384 bytes back to private failed");

	/* Next ones work and never touch the leaked pages again. */
	expect_quote(0x0c21, "after a failed conversion to private");
	expect_quote(0x0c22, "after a failed conversion to private");
	hx_info(&i1);
	assert_int_equal(D(cf.i0, i1, conversions_private), 2);
	assert_host_buffers_safe();
}

/* ---------------------------------------------------------------- flap */

#define FLAPS		40

/*
 * @FLAPS requests while the host keeps rewriting status and out_len of
 * each completed buffer for 300 ms; each completes with @status ("none":
 * SUCCESS). The interrupt wakes the caller just as the host starts
 * rewriting; every fourth one is lost, and the re-check reads in
 * mid-rewrite. Every result must be what the status it reports means;
 * *@rewritten gets how many reported a status the completion did not
 * write (a rewritten value read).
 */
static void flap_run(const char *status, uint64_t completed, uint64_t seed,
		     int *quotes, int *rewritten)
{
	struct tdx_quote_get_quote req;
	struct tdx_quote_info i0, i1;
	uint64_t writes0 = hx_sim_stat("flap_writes"), last = 0, hs;
	int eproto = 0, eio = 0, efbig = 0, k, ret;
	uint8_t rd[64], *q;

	*quotes = *rewritten = 0;
	hx_info(&i0);
	hx_sim_param_set("fault_status", status);
	hx_sim_param_set("fault_flap_ms", "300");
	for (k = 0; k < FLAPS; k++) {
		hx_sim_param_set("irq_drop", k % 4 == 3 ? "1" : "0");
		ret = quote(seed + k, 0, &q, &req, rd, NULL);
		hs = req.host_status;
		/* Whatever came back was decided on one reading of status. */
		if (hs == HX_STATUS_IN_FLIGHT)
			fail_msg("flapping host: %s with host_status IN_FLIGHT",
				 ret ? strerror(ret) : "a quote");
		if (hs != completed)
			(*rewritten)++;
		if (!ret) {
			/* A quote only for a SUCCESS it read. */
			if (hs != 0)
				fail_msg("flapping host: a quote with host_status %#" PRIx64, hs);
			assert_own_quote(q, &req, rd, "flapping host");
			(*quotes)++;
		} else if (ret == EPROTO || ret == EIO || ret == EFBIG) {
			assert_untouched(q, 0, "flapping host");
			/*
			 * EIO: ERROR; EFBIG: ERROR with an out_len of 4 GiB;
			 * EPROTO: SUCCESS with a bad out_len, or an unknown word.
			 */
			if ((ret == EPROTO) == (hs == HX_STATUS_ERROR) ||
			    (ret != EPROTO && hs != HX_STATUS_ERROR) ||
			    hs == HX_STATUS_SERVICE_UNAVAILABLE)
				fail_msg("flapping host: %s with host_status %#" PRIx64,
					 strerror(ret), hs);
			ret == EPROTO ? eproto++ : ret == EIO ? eio++ : efbig++;
		} else {
			fail_msg("flapping host: %s, want a quote, EPROTO, EIO or EFBIG",
				 strerror(ret));
		}
		free(q);
	}
	hx_sim_param_set("fault_flap_ms", "0");
	hx_sim_param_set("fault_status", "none");
	hx_sim_param_set("irq_drop", "0");
	print_message("  completing with %s: %d requests: %d quotes, %d EPROTO, %d EIO, %d EFBIG; %d read a rewritten status; %"
		      PRIu64 " rewrites\n", status, FLAPS, *quotes, eproto, eio,
		      efbig, *rewritten, hx_sim_stat("flap_writes") - writes0);
	assert_true(hx_sim_stat("flap_writes") > writes0);
	for (k = 0; k < 50 && hx_sim_stat("flapping"); k++)
		hx_sleep_ms(20);
	assert_int_equal(hx_sim_stat("flapping"), 0);
	if (!hx_wait_stat_le("quarantined", 0, 3000, &last))
		fail_msg("quarantined still %" PRIu64, last);
	hx_info(&i1);
	assert_int_equal(D(i0, i1, successes), *quotes);
	assert_int_equal(D(i0, i1, fail_host_protocol), eproto);
	assert_int_equal(D(i0, i1, fail_host_error), eio);
	assert_int_equal(D(i0, i1, fail_too_large), efbig);
	/* The rewriting was seen: the test tells the readings apart. */
	assert_true(*rewritten > 0);
}

static void test_flap_status_out_len(void **state)
{
	int quotes, rewritten;

	(void)state;
	flap_run("none", 0, 0x0d00, &quotes, &rewritten);
	expect_quote(0x0d80, "after the flapping");
	assert_host_buffers_safe();
}

/*
 * The host answers ERROR (and writes no quote), then keeps rewriting: a
 * SUCCESS it writes later, read after the wait had ended on the ERROR,
 * must not turn the error into a quote.
 */
static void test_flap_error(void **state)
{
	int quotes, rewritten;

	(void)state;
	flap_run("error", HX_STATUS_ERROR, 0x0d90, &quotes, &rewritten);
	assert_int_equal(quotes, 0);
	expect_quote(0x0dc0, "after the flapping ERROR");
	assert_host_buffers_safe();
}

/* -------------------------------------------------- notify CPU offline */

static void test_notify_cpu_offline_mid_request(void **state)
{
	static struct blocked b;
	struct tdx_quote_info info, i0, i1;
	pthread_t tid;
	uint64_t v;
	bool started;
	int k;

	(void)state;
	hx_info(&info);
	assert_int_equal(info.notify_mode, TDX_QUOTE_NOTIFY_IRQ);
	assert_int_equal(info.notify_cpu, 1);

	hx_sim_param_set("service_us", "1500000");
	hx_info(&i0);
	started = blocked_start(&b, 0x0e00, &tid);
	assert_int_equal(hx_cpu_set_online(1, false), 0);
	hx_info(&info);
	join_or_fail(tid, 15, "notify CPU offline");
	assert_true(started);
	if (b.ret)
		fail_msg("notify CPU offline mid-request: %s after %.2f s, want a quote",
			 strerror(b.ret), b.elapsed);
	assert_own_quote(b.q, &b.req, b.rd, "notify CPU offline");
	free(b.q);
	print_message("  quote %.2f s after a 1.5 s request whose notify CPU went away\n",
		      b.elapsed);
	/* Not the 30 s timeout. */
	assert_true(b.elapsed < 5.0);
	assert_int_equal(info.notify_mode, TDX_QUOTE_NOTIFY_IRQ);
	assert_int_equal(info.notify_cpu, 0);
	hx_info(&i1);
	/* By its interrupt on the new CPU, or a re-check: one of them. */
	assert_true(D(i0, i1, interrupts) + D(i0, i1, poll_wakeups) >= 1);

	/* Later requests are interrupt-driven again. */
	hx_sim_param_set("service_us", "5000");
	hx_info(&i0);
	for (k = 0; k < 5; k++)
		expect_quote(0x0e10 + k, "after the notify CPU went away");
	hx_wait_stat_ge("interrupts", i0.stats.interrupts + 5, 2000, &v);
	hx_info(&i1);
	assert_int_equal(D(i0, i1, interrupts), 5);
	assert_int_equal(D(i0, i1, poll_wakeups), 0);
	assert_int_equal(hx_cpu_set_online(1, true), 0);
	expect_quote(0x0e20, "with CPU 1 back");
	assert_host_buffers_safe();
}

/* ------------------------------------------ completion after unloading */

static void test_completion_after_unload(void **state)
{
	struct tdx_quote_get_quote req;
	uint64_t quotes0, sent0, v;
	int k;
	char *log;

	(void)state;
	/* A freshly loaded module knows spurious interrupts at once. */
	hx_sim_param_set("irq_storm_now", "5");
	assert_int_equal(hx_stat("spurious_interrupts"), 5);
	assert_int_equal(hx_stat("interrupts"), 5);

	/*
	 * The host answers in 2 s, keeps its notify interrupt, and sends it
	 * twice: a vector just freed takes the first interrupt silently and
	 * says "No irq handler for vector" for the next, which must not come.
	 */
	hx_sim_param_set("service_us", "2000000");
	hx_sim_param_set("irq_dup", "1");
	expect_timeout(0x0f00, 200, &req, "before unloading");
	assert_int_equal(hx_stat("quarantined"), 1);
	quotes0 = hx_sim_stat("quotes");
	sent0 = hx_sim_stat("irqs_sent");

	hx_fd_close();
	klog_mark();
	assert_int_equal(hx_module_remove(HX_MODULE), 0);
	assert_false(hx_module_loaded(HX_MODULE));
	assert_int_equal(hx_sim_stat("inflight"), 1);

	/* The host completes into the buffer tdx_quote left allocated. */
	for (k = 0; k < 100 && hx_sim_stat("quotes") == quotes0; k++)
		hx_sleep_ms(50);
	v = hx_sim_stat("quotes") - quotes0;
	assert_int_equal(v, 1);
	/* Still shared, never freed: the host wrote where it was allowed. */
	assert_int_equal(hx_sim_stat("violations"), 0);
	assert_int_equal(hx_sim_stat("rejects_inuse"), 0);
	/* Its interrupts went to a vector tdx_quote no longer handles. */
	assert_int_equal(hx_sim_stat("irqs_sent") - sent0, 2);
	hx_sleep_ms(100);
	log = klog_take();
	klog_expect(log, "host still owns 16384 bytes", 1, 1);
	/* ... and no one else either: the kernel did not see a stray. */
	klog_expect(log, "No irq handler for vector", 0, 0);
	print_message("  kernel log after the late completion:\n%s", log);
	free(log);
	assert_int_equal(hx_sim_remove(), 0);
}

/* -------------------------------------------------------------- groups */

static int setup_hostile(void **state)
{
	(void)state;
	if (hx_cpu_online(1) < 0) {
		fprintf(stderr, "tdxq-vmtest: no CPU 1 to take offline\n");
		return -1;
	}
	return hx_setup("", "notify_cpu=1 recheck_ms=200 max_inflight=4");
}

static int setup_unload(void **state)
{
	(void)state;
	return hx_setup("", "");
}

static int teardown_common(void **state)
{
	(void)state;
	return hx_teardown();
}

#define T(f)	cmocka_unit_test_setup_teardown(f, test_setup, test_teardown)

int hx_run_hostile(void)
{
	/* Order matters only for the log checks: the flapping host makes
	 * every kind of message, so it runs after the tests that count them. */
	const struct CMUnitTest hostile[] = {
		T(test_out_len_beyond_buffer),
		T(test_overwrite_past_out_len),
		T(test_status_error),
		T(test_status_service_unavailable),
		T(test_status_unknown),
		T(test_error_out_len_grows),
		T(test_retry_forever),
		T(test_vmcall_errors),
		T(test_stuck_in_flight),
		T(test_status_never_written),
		T(test_irq_storm_idle),
		T(test_irq_storm_in_flight),
		T(test_irq_lost),
		T(test_irq_duplicate),
		T(test_late_after_timeout),
		T(test_late_after_signal),
		T(test_conv_shared_fails),
		T(test_conv_private_fails),
		T(test_flap_status_out_len),
		T(test_flap_error),
		T(test_notify_cpu_offline_mid_request),
	};
	const struct CMUnitTest unload[] = {
		cmocka_unit_test(test_completion_after_unload),
	};
	int failed;

	failed = cmocka_run_group_tests_name("hostile", hostile, setup_hostile,
					     teardown_common);
	failed += cmocka_run_group_tests_name("hostile_unload", unload,
					      setup_unload, teardown_common);
	return failed;
}
