// SPDX-License-Identifier: GPL-2.0
/*
 * Memory exhaustion at every allocation site of a request: failslab and
 * fail_page_alloc driven through /proc/thread-self/fail-nth, which makes
 * the N-th allocation of the calling thread fail, whichever allocator it
 * goes to. For N = 1, 2, ... a request is issued with its N-th allocation
 * failing, until a request makes fewer than N allocations (the walk is
 * then complete and that request must succeed). Each faulted request
 * fails cleanly with ENOMEM or succeeds (some sites have a fallback: the
 * host's RETRY, kvmalloc's vmalloc, alloc_contig_range for the buffer),
 * and the very next request succeeds; nothing stays in flight or in
 * quarantine, the host sees exactly the pooled bytes as shared, and
 * leaked_bytes grows only by buffers whose conversion to shared failed
 * (leaked on purpose, each logged).
 *
 * Walks: GET_REPORT; GET_QUOTE with an empty pool (allocation and
 * conversion every time), with a pooled buffer, and with a quote that
 * makes the buffer grow; the compat ioctl with a raw and with a
 * QGS-framed payload; INFO (no allocation at all).
 *
 * Needs CONFIG_FAULT_INJECTION_DEBUG_FS with CONFIG_FAILSLAB and
 * CONFIG_FAIL_PAGE_ALLOC (the debug kernel); the stock kernel has none,
 * and the tests are skipped there. kmemleak (debug kernel) reports what a
 * failure path leaks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "harness.h"

#define FI_SLAB		"/sys/kernel/debug/failslab"
#define FI_PAGE		"/sys/kernel/debug/fail_page_alloc"
#define FI_NTH		"/proc/thread-self/fail-nth"
#define FI_MAX_SITES	500
#define QCAP		(64 * 1024)
#define CBUF		16384
#define POOL_MAX_DEFAULT "8388608"	/* pool_max_bytes default */

/* Settings (file, value); the old values are put back afterwards. */
static const char *const fi_settings[][2] = {
	{ FI_SLAB "/verbose", "1" },
	{ FI_SLAB "/verbose_ratelimit_interval_ms", "0" },
	{ FI_SLAB "/ignore-gfp-wait", "N" },
	{ FI_SLAB "/probability", "0" },
	{ FI_SLAB "/task-filter", "N" },
	{ FI_PAGE "/verbose", "1" },
	{ FI_PAGE "/verbose_ratelimit_interval_ms", "0" },
	{ FI_PAGE "/ignore-gfp-wait", "N" },
	{ FI_PAGE "/ignore-gfp-highmem", "N" },
	{ FI_PAGE "/min-order", "0" },
	{ FI_PAGE "/probability", "0" },
};

#define FI_NSETTINGS (sizeof(fi_settings) / sizeof(fi_settings[0]))

static char fi_saved[FI_NSETTINGS][64];
static bool fi_available, fi_configured;
static int fi_nth = -1;

/* Requests, with buffers prepared beforehand: between arming fail-nth
 * and the ioctl there must be no other system call. */
static uint8_t fi_rd[64], fi_tdr[1024], *fi_q, *fi_c;
static struct tdx_quote_get_quote fi_req;
static int fi_guest_fd = -1;

static int req_report(void)
{
	return hx_get_report(hx_fd(), fi_rd, fi_tdr);
}

static int req_quote(void)
{
	return hx_get_quote(hx_fd(), fi_rd, 0, fi_q, QCAP, &fi_req);
}

static int req_compat_raw(void)
{
	return hx_compat_quote(fi_guest_fd, TDX_QUOTE_CMD_COMPAT_GET_QUOTE_V2,
			       fi_c, CBUF, fi_tdr, false);
}

static int req_compat_framed(void)
{
	return hx_compat_quote(fi_guest_fd, TDX_QUOTE_CMD_COMPAT_GET_QUOTE_RW,
			       fi_c, CBUF, fi_tdr, true);
}

static int req_info(void)
{
	struct tdx_quote_info info;

	return ioctl(hx_fd(), TDX_QUOTE_CMD_INFO, &info) ? errno : 0;
}

static void fi_write_nth(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (pwrite(fi_nth, buf, len, 0) != len)
		fail_msg("writing %s: %s", FI_NTH, strerror(errno));
}

static unsigned int fi_read_nth(void)
{
	char buf[16] = "";

	if (pread(fi_nth, buf, sizeof(buf) - 1, 0) <= 0)
		fail_msg("reading %s: %s", FI_NTH, strerror(errno));
	return strtoul(buf, NULL, 10);
}

/* Bytes named in "converting N bytes to shared failed" lines. */
static uint64_t conversion_failures(const char *log, int *lines)
{
	const char *p = log, *key = "converting ";
	uint64_t bytes = 0;

	*lines = 0;
	while (p && (p = strstr(p, key))) {
		char *end;
		uint64_t n = strtoull(p + strlen(key), &end, 10);

		if (!strncmp(end, " bytes to shared failed", 23)) {
			bytes += n;
			(*lines)++;
		}
		p = end;
	}
	return bytes;
}

struct walk_stats {
	int sites, slab, page, quiet;	/* quiet: __GFP_NOWARN, not logged */
	struct hx_tally tally;
	int bad;
	uint64_t leaked, sim_leaked, conv_fail_bytes;
	int conv_fail_lines;
};

/*
 * Fail the N-th allocation of @req for N = 1, 2, ... until it makes fewer
 * than N. @pre runs before each step, unfaulted (may be NULL).
 */
static void walk(const char *name, int (*pre)(void), int (*req)(void),
		 struct walk_stats *ws)
{
	uint64_t leaked0 = hx_stat("leaked_bytes"), last = 0;
	uint64_t sim_leaked0 = hx_sim_stat("leaked_bytes");
	unsigned int n, left;
	char *log, line[256];
	int err, err2, lines;

	memset(ws, 0, sizeof(*ws));
	for (n = 1; n <= FI_MAX_SITES; n++) {
		if (pre && (err = pre()))
			fail_msg("%s: step %u: preparing: %s", name, n, strerror(err));
		free(hx_klog_new());
		fi_write_nth(n);
		err = req();
		left = fi_read_nth();
		fi_write_nth(0);
		log = hx_klog_new();
		if (left) {
			/* Fewer than n allocations: nothing was injected. */
			free(log);
			if (err)
				fail_msg("%s: request without an injected fault: %s",
					 name, strerror(err));
			ws->sites = n - 1;
			break;
		}
		if (log && strstr(log, "name failslab"))
			ws->slab++;
		else if (log && strstr(log, "name fail_page_alloc"))
			ws->page++;
		else
			ws->quiet++;
		ws->conv_fail_bytes += conversion_failures(log, &lines);
		ws->conv_fail_lines += lines;
		free(log);
		hx_tally_add(&ws->tally, err);
		if (hx_env_u64("TDXQ_FAULTS_TRACE", 0))
			print_message("  %s: allocation %u failing: %s\n", name, n,
				      err ? strerrorname_np(err) ?: "?" : "ok");
		if (err && err != ENOMEM) {
			print_error("%s: allocation %u failing: %s (want success or ENOMEM)\n",
				    name, n, strerrorname_np(err) ?: "?");
			ws->bad++;
		}
		/* The very next request is fine. */
		if (pre && (err2 = pre()))
			fail_msg("%s: step %u: preparing: %s", name, n, strerror(err2));
		err2 = req();
		if (err2) {
			print_error("%s: the request after allocation %u failed: %s\n",
				    name, n, strerror(err2));
			ws->bad++;
		}
		if (hx_stat("in_flight") ||
		    !hx_wait_stat_le("quarantined", 0, 5000, &last)) {
			print_error("%s: after allocation %u: in_flight %" PRIu64 ", quarantined %" PRIu64 "\n",
				    name, n, hx_stat("in_flight"), last);
			ws->bad++;
		}
	}
	if (n > FI_MAX_SITES)
		fail_msg("%s: still failing at allocation %d", name, FI_MAX_SITES);
	ws->leaked = hx_stat("leaked_bytes") - leaked0;
	ws->sim_leaked = hx_sim_stat("leaked_bytes") - sim_leaked0;
	hx_tally_str(&ws->tally, line, sizeof(line));
	print_message("  %-28s %3d allocation sites (%d slab, %d page, %d __GFP_NOWARN): %s%s; leaked_bytes +%" PRIu64 " (%d failed conversions)\n",
		      name, ws->sites, ws->slab, ws->page, ws->quiet, line,
		      ws->sites ? "" : "-", ws->leaked, ws->conv_fail_lines);
	assert_int_equal(ws->bad, 0);
	/*
	 * Only buffers whose conversion failed are leaked: the host's own
	 * record of failed conversions says how many bytes, and that none of
	 * those pages was freed (a page freed after all counts in
	 * leaked_freed); the module logs each.
	 */
	assert_int_equal(ws->leaked, ws->sim_leaked);
	assert_int_equal(hx_sim_stat("leaked_freed"), 0);
	assert_int_equal(ws->conv_fail_bytes, ws->sim_leaked);
	assert_true(hx_stat("pooled_bytes") <= hx_param("pool_max_bytes"));
	assert_int_equal(hx_sim_stat("shared_bytes"), hx_stat("pooled_bytes"));
	assert_int_equal(hx_sim_stat("inflight"), 0);
	assert_int_equal(hx_sim_stat("violations"), 0);
}

/* TDXQ_FI_NTH: another path, for the "gates" group's missing file. */
static const char *fi_nth_path(void)
{
	const char *p = getenv("TDXQ_FI_NTH");

	return p && *p ? p : FI_NTH;
}

static bool fi_skip(void)
{
	static bool told;

	if (fi_available)
		return false;
	/* The debug kernel has fault injection: there a skip would hide it. */
	if (getenv("TDXQ_REQUIRE_FAULTS"))
		fail_msg("fault injection not available (%s, %s), but TDXQ_REQUIRE_FAULTS is set",
			 fi_nth_path(), FI_SLAB);
	if (!told)
		print_message("  fault injection not available here (%s, %s): needs CONFIG_FAULT_INJECTION_DEBUG_FS, CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC (the debug kernel); skipped\n",
			      FI_NTH, FI_SLAB);
	told = true;
	return true;
}

/* fail-nth, and the device: opened now, not while a fault is armed. */
static void fi_open_nth(void)
{
	hx_fd();
	if (fi_nth < 0)
		fi_nth = open(fi_nth_path(), O_RDWR | O_CLOEXEC);
	if (fi_nth < 0)
		fail_msg("open %s: %s", fi_nth_path(), strerror(errno));
}

/*
 * The kernel's own allocations (kmemleak's metadata, KASAN's stack depot)
 * come and go with its state, and a failed one may be retried later in
 * the same request, so the position of the module's sites can shift from
 * one step to the next and one walk can step over a site. Walk again (up
 * to 4 times; each walk must be clean) until @min_enomem requests failed
 * with ENOMEM in one walk: the module's own sites without a fallback.
 */
static void walk_to_enomem(const char *name, int (*req)(void),
			   uint64_t min_enomem, struct walk_stats *ws)
{
	int pass;

	for (pass = 1; pass <= 4; pass++) {
		walk(name, NULL, req, ws);
		if (ws->tally.n[ENOMEM] >= min_enomem)
			return;
		print_message("  %s: walk %d failed %" PRIu64 " requests with ENOMEM, want %" PRIu64 ": walking again\n",
			      name, pass, ws->tally.n[ENOMEM], min_enomem);
	}
	fail_msg("%s: no walk of 4 failed %" PRIu64 " requests with ENOMEM",
		 name, min_enomem);
}

/*
 * The start of each test: false (and the test skipped) where there is no
 * fault injection; else fail-nth and the device opened, true.
 */
static bool fi_start(void)
{
	if (fi_skip()) {
		skip();
		return false;
	}
	fi_open_nth();
	return true;
}

/* walk() with pool_max_bytes 0: every request allocates its buffer. */
static void walk_empty_pool(const char *name, int (*pre)(void),
			    int (*req)(void), struct walk_stats *ws)
{
	hx_param_set("pool_max_bytes", "0");
	walk(name, pre, req, ws);
	hx_param_set("pool_max_bytes", POOL_MAX_DEFAULT);
}

static void test_fault_report(void **state)
{
	struct walk_stats ws;

	(void)state;
	if (!fi_start())
		return;
	/* dev.c's request, quote.c's TDREPORT and report data copies. */
	walk_to_enomem("GET_REPORT", req_report, 3, &ws);
}

static void test_fault_info(void **state)
{
	struct walk_stats ws;

	(void)state;
	if (!fi_start())
		return;
	walk("INFO", NULL, req_info, &ws);
	assert_int_equal(ws.sites, 0);
}

static void test_fault_quote_empty_pool(void **state)
{
	struct walk_stats ws;

	(void)state;
	if (!fi_start())
		return;
	walk_empty_pool("GET_QUOTE, empty pool", NULL, req_quote, &ws);
	assert_true(ws.sites >= 3);
	assert_true(ws.tally.n[ENOMEM] > 0);
}

static void test_fault_quote_pooled(void **state)
{
	struct walk_stats ws;

	(void)state;
	if (!fi_start())
		return;
	assert_int_equal(req_quote(), 0);	/* a buffer in the pool */
	walk("GET_QUOTE, pooled buffer", NULL, req_quote, &ws);
	assert_true(ws.sites >= 1);
}

/* Each step starts from 16 KiB buffers and has to grow to 64 KiB. */
static int pre_grow(void)
{
	int err;

	hx_sim_param_set("quote_size", "5000");
	err = req_quote();
	hx_sim_param_set("quote_size", "40000");
	return err;
}

static void test_fault_quote_grow(void **state)
{
	struct walk_stats ws;

	(void)state;
	if (!fi_start())
		return;
	walk_empty_pool("GET_QUOTE, buffer grows", pre_grow, req_quote, &ws);
	hx_sim_param_set("quote_size", "5000");
	assert_true(ws.sites >= 3);
}

static void test_fault_compat(void **state)
{
	struct walk_stats ws;

	(void)state;
	if (!fi_start())
		return;
	hx_param_set("pool_max_bytes", "0");
	hx_reportdata(fi_rd, 0xfa17);
	assert_int_equal(req_report(), 0);
	walk("compat raw, empty pool", NULL, req_compat_raw, &ws);
	assert_null(hx_compat_reply_problem(fi_c, false, 5000, fi_rd));
	walk("compat QGS-framed, empty pool", NULL, req_compat_framed, &ws);
	assert_null(hx_compat_reply_problem(fi_c, true, 5000, fi_rd));
	hx_param_set("pool_max_bytes", POOL_MAX_DEFAULT);
}

static int setup_faults(void **state)
{
	size_t i;

	(void)state;
	fi_available = access(fi_nth_path(), F_OK) == 0 &&
		       access(FI_SLAB "/ignore-gfp-wait", F_OK) == 0 &&
		       access(FI_PAGE "/min-order", F_OK) == 0;
	fi_q = malloc(QCAP);
	fi_c = malloc(CBUF);
	if (!fi_q || !fi_c)
		return -1;
	/* Touched now: no page faults (allocations) inside the requests. */
	memset(fi_q, 0, QCAP);
	memset(fi_c, 0, CBUF);
	hx_reportdata(fi_rd, 0xfa11);
	if (hx_setup("service_us=200", "compat_dev=on"))
		return -1;
	fi_guest_fd = open(HX_GUEST_DEV, O_RDWR | O_CLOEXEC);
	if (fi_guest_fd < 0)
		return -1;
	if (!fi_available)
		return 0;
	for (i = 0; i < FI_NSETTINGS; i++) {
		if (hx_read_str(fi_settings[i][0], fi_saved[i], sizeof(fi_saved[i])) ||
		    hx_write_str(fi_settings[i][0], fi_settings[i][1])) {
			fprintf(stderr, "tdxq-vmtest: cannot set %s\n",
				fi_settings[i][0]);
			return -1;
		}
	}
	fi_configured = true;
	/* Debugging aid: stack traces of the injected failures (run.sh then
	 * flags the run for its "Call Trace" lines). */
	if (hx_env_u64("TDXQ_FAULTS_VERBOSE", 1) != 1) {
		char v[8];

		snprintf(v, sizeof(v), "%u",
			 (unsigned int)hx_env_u64("TDXQ_FAULTS_VERBOSE", 1));
		hx_write_str(FI_SLAB "/verbose", v);
		hx_write_str(FI_PAGE "/verbose", v);
	}
	return 0;
}

static int teardown_faults(void **state)
{
	size_t i;

	(void)state;
	if (fi_nth >= 0) {
		if (pwrite(fi_nth, "0", 1, 0) != 1)
			fprintf(stderr, "tdxq-vmtest: cannot reset %s\n", FI_NTH);
		close(fi_nth);
	}
	fi_nth = -1;
	if (fi_configured) {
		/* Y/N files read back as Y/N; numbers as numbers. */
		for (i = 0; i < FI_NSETTINGS; i++)
			hx_write_str(fi_settings[i][0], fi_saved[i]);
		fi_configured = false;
	}
	if (fi_guest_fd >= 0)
		close(fi_guest_fd);
	fi_guest_fd = -1;
	free(fi_q);
	free(fi_c);
	fi_q = fi_c = NULL;
	return hx_teardown();
}

int hx_run_faults(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fault_info),
		cmocka_unit_test(test_fault_report),
		cmocka_unit_test(test_fault_quote_empty_pool),
		cmocka_unit_test(test_fault_quote_pooled),
		cmocka_unit_test(test_fault_quote_grow),
		cmocka_unit_test(test_fault_compat),
	};

	return cmocka_run_group_tests_name("faults", tests, setup_faults,
					   teardown_faults);
}
