// SPDX-License-Identifier: GPL-2.0
/*
 * What a real TD and a real host do that a kind simulated host did not:
 * - conversions over 2 MiB fail on guest kernels before 6.7 (the sim's
 *   conv_max_bytes, 2 MiB by default): buffers are converted in pieces,
 *   a piece that fails leaks only itself, and leaks are bounded
 *   (leak_max_bytes);
 * - the host can send the notify vector after tdx_quote unloaded: the
 *   vector must not have gone to another driver (tests/vm/dummy/
 *   dummy_vectors.c takes vectors on the same CPU and counts interrupts);
 * - contiguous memory that is not there: a 64 MiB buffer in a VM whose
 *   memory is filled with pages pinned by pipes gives up at the caller's
 *   deadline, or at a signal;
 * - max_quote_size at its edges, INFO into a longer structure;
 * - TDG.MR.REPORT refused as busy or invalid (EBUSY, ENXIO as upstream),
 *   TDCS.QUOTE_MAX_SIZE read as the 32-bit field it is.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define HX_VECTORS_MODULE	"dummy_vectors"
#define HX_VECTORS_PARAMS	"/sys/module/" HX_VECTORS_MODULE "/parameters/"

static int teardown_common(void **state)
{
	(void)state;
	return hx_teardown();
}

/*
 * One quote of @quote_size bytes (the sim's quote_size) within @timeout_ms;
 * a quote that comes is checked. Return: the errno.
 */
static int quote_within(uint64_t seed, uint64_t quote_size,
			uint32_t timeout_ms, struct tdx_quote_get_quote *req)
{
	uint64_t cap = quote_size + HX_MiB;
	uint8_t rd[64], *q = malloc(cap);
	int ret;

	assert_non_null(q);
	hx_reportdata(rd, seed);
	ret = hx_get_quote(hx_fd(), rd, timeout_ms, q, cap, req);
	if (!ret)
		hx_check_quote(q, req->quote_len, quote_size, rd);
	free(q);
	return ret;
}

static int quote_of(uint64_t seed, uint64_t quote_size,
		    struct tdx_quote_get_quote *req)
{
	return quote_within(seed, quote_size, 20000, req);
}

/* --------------------------------------------- conversions in 2 MiB steps */

static int setup_pieces(void **state)
{
	(void)state;
	/* conv_max_bytes stays at its default: 2 MiB, as a busy KVM host. */
	return hx_setup("max_buf=67108864", "pool_max_bytes=134217728");
}

/*
 * A 3 MiB quote needs a 4 MiB buddy buffer, a 6 MiB one a 7 MiB contiguous
 * buffer: both must be converted in pieces the host takes.
 */
static void test_large_buffers_in_pieces(void **state)
{
	static const uint64_t sizes[] = { 3 * HX_MiB, 6 * HX_MiB };
	struct tdx_quote_get_quote req;
	char knob[32];
	size_t i;
	int ret;

	(void)state;
	hx_sim_param_get("conv_max_bytes", knob, sizeof(knob));
	assert_int_equal(strtoull(knob, NULL, 0), 2 * HX_MiB);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		hx_sim_param_set_u64("quote_size", sizes[i]);
		ret = quote_of(0x2b0 + i, sizes[i], &req);
		if (ret)
			fail_msg("%" PRIu64 " byte quote with conversions limited to 2 MiB: %s (buffer %" PRIu64 ")",
				 sizes[i], strerror(ret), (uint64_t)req.buf_len);
		assert_true(req.buf_len > 2 * HX_MiB);
	}
	assert_int_equal(hx_sim_stat("conv_failures"), 0);
	assert_int_equal(hx_stat("leaked_bytes"), 0);
	/* Shared as the host sees it: exactly what the pool holds. */
	assert_int_equal(hx_sim_stat("shared_bytes"), hx_stat("pooled_bytes"));
}

/* ---------------------------------------- a conversion that fails part way */

static int setup_part_way(void **state)
{
	(void)state;
	/*
	 * The first buffer (16 KiB) and the first 2 MiB piece of the 7 MiB
	 * one convert; the next piece fails.
	 */
	return hx_setup("max_buf=67108864 quote_size=6291456 conv_fail_skip=2 conv_fail_shared=1",
			"pool_max_bytes=134217728");
}

static void test_fail_part_way_leaks_one_piece(void **state)
{
	struct tdx_quote_get_quote req;
	uint64_t leaked;
	int ret;

	(void)state;
	ret = quote_of(0x2b10, 6 * HX_MiB, &req);
	if (ret != ENOMEM)
		fail_msg("GET_QUOTE with a conversion failing part way: %s, want ENOMEM",
			 strerror(ret));
	assert_int_equal(hx_sim_stat("conv_failures"), 1);
	leaked = hx_stat("leaked_bytes");
	/* Only the piece that failed, as the host recorded it, never freed. */
	assert_int_equal(leaked, hx_sim_stat("leaked_bytes"));
	if (leaked == 0 || leaked > 2 * HX_MiB)
		fail_msg("leaked %" PRIu64 " bytes: want one piece of at most 2 MiB",
			 leaked);
	assert_int_equal(hx_sim_stat("leaked_freed"), 0);
	/* The pieces before it went back to private. */
	assert_int_equal(hx_sim_stat("shared_bytes"), hx_stat("pooled_bytes"));

	/*
	 * The next request gets a buffer elsewhere (its search for 7 MiB may
	 * be long on a loaded machine: a minute, not the usual 20 s).
	 */
	ret = quote_within(0x2b11, 6 * HX_MiB, 60000, &req);
	if (ret)
		fail_msg("GET_QUOTE after the failure: %s", strerror(ret));
	assert_int_equal(hx_stat("leaked_bytes"), leaked);
	assert_int_equal(hx_sim_stat("leaked_freed"), 0);
}

/* ------------------------------------------------------- the leak budget */

static int setup_budget(void **state)
{
	(void)state;
	/* Every conversion fails; each buffer is one 2 MiB piece. */
	return hx_setup("max_buf=67108864 conv_fail_shared=1000",
			"initial_buf_len=2097152 leak_max_bytes=4194304");
}

static void test_leak_budget(void **state)
{
	struct tdx_quote_get_quote req;
	uint64_t failures;
	char *log;
	int i, ret, said;

	(void)state;
	free(hx_klog_new());
	for (i = 0; i < 2; i++) {
		ret = quote_of(0x2b20 + i, 5000, &req);
		if (ret != ENOMEM)
			fail_msg("request %d with conversions failing: %s, want ENOMEM",
				 i, strerror(ret));
	}
	assert_int_equal(hx_stat("leaked_bytes"), 4 * HX_MiB);
	failures = hx_sim_stat("conv_failures");
	assert_int_equal(failures, 2);

	/* Budget used up: no conversion is even tried, and it says so once. */
	for (i = 0; i < 5; i++) {
		ret = quote_of(0x2b30 + i, 5000, &req);
		if (ret != ENOBUFS)
			fail_msg("request %d past leak_max_bytes: %s, want ENOBUFS",
				 i, strerror(ret));
	}
	assert_int_equal(hx_sim_stat("conv_failures"), failures);
	assert_int_equal(hx_stat("leaked_bytes"), 4 * HX_MiB);
	log = hx_klog_new();
	assert_non_null(log);
	said = hx_count_lines(log, "no more buffers are converted");
	if (said != 1)
		print_message("kernel log:\n%s\n", log);
	free(log);
	assert_int_equal(said, 1);

	/* The host behaves again, and the operator raises the budget. */
	hx_sim_param_set("conv_fail_shared", "0");
	ret = quote_of(0x2b40, 5000, &req);
	assert_int_equal(ret, ENOBUFS);
	hx_param_set("leak_max_bytes", "16777216");
	ret = quote_of(0x2b41, 5000, &req);
	if (ret)
		fail_msg("GET_QUOTE after raising leak_max_bytes: %s", strerror(ret));
	assert_int_equal(hx_sim_stat("leaked_freed"), 0);
}

/* ----------------------------------- the notify vector outlives the module */

static int setup_vector(void **state)
{
	(void)state;
	return hx_setup("", "");
}

static int read_param(const char *name, char *buf, size_t size)
{
	char path[128];

	snprintf(path, sizeof(path), HX_VECTORS_PARAMS "%s", name);
	return hx_read_str(path, buf, size);
}

/*
 * Unload tdx_quote while the host holds a request, let another driver
 * take vectors on the same CPU, then let the host complete the request
 * and send the vector it was told about.
 */
static void test_vector_kept_after_unload(void **state)
{
	struct tdx_quote_get_quote req;
	struct tdx_quote_info info;
	unsigned int vector, cpu, v;
	char params[64], vectors[512], hits[32], *p, *end, *log;
	uint64_t sent;
	long long irqs;
	int ret, n = 0;

	(void)state;
	hx_info(&info);
	assert_int_equal(info.notify_mode, TDX_QUOTE_NOTIFY_IRQ);
	vector = info.notify_vector;
	cpu = info.notify_cpu;

	hx_sim_param_set("fault_stuck", "1");
	ret = quote_within(0x2b50, 5000, 300, &req);
	if (ret != ETIMEDOUT)
		fail_msg("GET_QUOTE the host never answers: %s, want ETIMEDOUT",
			 strerror(ret));
	assert_int_equal(hx_sim_stat("inflight"), 1);
	hx_fd_close();
	assert_int_equal(hx_module_remove(HX_MODULE), 0);
	free(hx_klog_new());

	snprintf(params, sizeof(params), "cpu=%u count=16", cpu);
	ret = hx_module_insert(HX_VECTORS_MODULE, params);
	if (ret)
		fail_msg("loading %s %s: %s", HX_VECTORS_MODULE, params,
			 strerror(-ret));
	assert_int_equal(read_param("vectors", vectors, sizeof(vectors)), 0);
	for (p = vectors; *p && *p != '\n'; p = end) {
		v = strtoul(p, &end, 10);
		if (end == p)
			break;
		n++;
		if (v == vector)
			fail_msg("another driver got vector %u, which the host may still send (CPU %u; it got: %s)",
				 v, cpu, vectors);
	}
	assert_int_equal(n, 16);

	/* The host answers the old request now, with the old vector. */
	sent = hx_sim_stat("irqs_sent");
	hx_sim_param_set("fault_stuck", "0");
	hx_sim_param_set("complete_stuck", "1");
	for (n = 0; n < 100 && hx_sim_stat("irqs_sent") == sent; n++)
		hx_sleep_ms(50);
	assert_true(hx_sim_stat("irqs_sent") > sent);
	assert_int_equal(hx_sim_stat("inflight"), 0);
	hx_sleep_ms(200);
	assert_int_equal(read_param("hits", hits, sizeof(hits)), 0);
	if (strtoull(hits, NULL, 10))
		fail_msg("the late completion ran another driver's handler (%s interrupts)",
			 hits);
	log = hx_klog_new();
	assert_non_null(log);
	n = hx_count_lines(log, "No irq handler") +
	    hx_count_lines(log, "dummy_vectors: interrupt");
	if (n)
		print_message("kernel log:\n%s\n", log);
	free(log);
	assert_int_equal(n, 0);
	assert_int_equal(hx_module_remove(HX_VECTORS_MODULE), 0);

	/* The next load takes the same vector back and uses it. */
	ret = hx_module_insert(HX_MODULE, "host=sim");
	if (ret)
		fail_msg("reloading tdx_quote: %s", strerror(-ret));
	hx_info(&info);
	assert_int_equal(info.notify_mode, TDX_QUOTE_NOTIFY_IRQ);
	assert_int_equal(info.notify_vector, vector);
	assert_int_equal(info.notify_cpu, cpu);
	log = hx_klog_new();
	assert_non_null(log);
	n = hx_count_lines(log, "taking back the notify IRQ");
	free(log);
	assert_int_equal(n, 1);
	irqs = hx_irq_count();
	ret = quote_of(0x2b51, 5000, &req);
	if (ret)
		fail_msg("GET_QUOTE after the reload: %s", strerror(ret));
	assert_true(hx_irq_count() > irqs);
}

/* ------------------------------------------- contiguous memory that is not there */

#define FRAG_QUOTE	(63 * HX_MiB)	/* a 64 MiB buffer */
/* Free memory left when filled: less than one 64 MiB window, far above
 * the kernel's watermarks. */
#define FRAG_KEEP_KB	(56 * 1024)
#define FRAG_CHUNK	(2 * HX_MiB)
#define FRAG_UNMAP_EVERY 4		/* then every 4th chunk is given back */
#define FRAG_MAX_CHUNKS	4096
#define FRAG_PIPE_PAGES	16		/* a pipe's default capacity */
/* One window of alloc_contig_range() under TCG on a loaded machine. */
#define FRAG_SLACK_S	3.0

static pid_t frag_pid;

/*
 * Child: fill memory but FRAG_KEEP_KB with anonymous pages and pin one
 * page of every 2 MiB with vmsplice() (a pipe holds a reference, so the
 * page cannot be migrated), then give every 4th chunk back but for its
 * pinned page: plenty of free memory, none of it contiguous. Every window
 * alloc_contig_range() tries must migrate pages, then fails on a pinned
 * one. Writes one byte to @ready.
 */
static void frag_child(int ready)
{
	static char *chunks[FRAG_MAX_CHUNKS];
	struct iovec iov;
	int pfd[2] = { -1, -1 }, in_pipe = FRAG_PIPE_PAGES, n = 0, i, fd;
	char *p;

	/* If memory runs short after all, the OOM killer takes this one. */
	fd = open("/proc/self/oom_score_adj", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "1000", 4) != 4)
			_exit(1);
		close(fd);
	}
	while (n < FRAG_MAX_CHUNKS) {
		long long free_kb = hx_meminfo_kb("MemFree");

		if (free_kb < 0 || free_kb < FRAG_KEEP_KB + 4096)
			break;
		p = mmap(NULL, FRAG_CHUNK, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			break;
		madvise(p, FRAG_CHUNK, MADV_NOHUGEPAGE);
		memset(p, 0x5a, FRAG_CHUNK);
		if (in_pipe == FRAG_PIPE_PAGES) {
			if (pipe2(pfd, O_NONBLOCK))
				break;
			in_pipe = 0;
		}
		iov.iov_base = p + FRAG_CHUNK / 2;
		iov.iov_len = 4096;
		if (vmsplice(pfd[1], &iov, 1, 0) != 4096)
			break;
		in_pipe++;
		chunks[n++] = p;
	}
	for (i = 0; i < n; i += FRAG_UNMAP_EVERY)
		munmap(chunks[i], FRAG_CHUNK);
	if (write(ready, "x", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

static int setup_frag(void **state)
{
	int ready[2];
	char c;

	(void)state;
	/* The first buffer is the 64 MiB one: no GetQuote before it. */
	if (hx_setup("max_buf=134217728 quote_size=66060288",
		     "initial_buf_len=67108864 pool_max_bytes=134217728"))
		return -1;
	if (pipe(ready))
		return -1;
	frag_pid = fork();
	if (frag_pid < 0)
		return -1;
	if (!frag_pid) {
		close(ready[0]);
		frag_child(ready[1]);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1) {
		fprintf(stderr, "tdxq-vmtest: the memory filler died\n");
		return -1;
	}
	close(ready[0]);
	print_message("  memory filled: %lld kB free\n", hx_meminfo_kb("MemFree"));
	return 0;
}

static int teardown_frag(void **state)
{
	if (frag_pid > 0) {
		kill(frag_pid, SIGKILL);
		waitpid(frag_pid, NULL, 0);
		frag_pid = 0;
	}
	return teardown_common(state);
}

static void frag_alarm(int sig)
{
	(void)sig;
}

/* How long the whole search took when it ran to its end (first test). */
static double frag_search_s;
/* Below this the memory was not fragmented enough to test anything. */
#define FRAG_MIN_SEARCH_S	0.05
#define FRAG_SIGNAL_EVERY_MS	2

/*
 * A 64 MiB request that cannot be met within @timeout_ms, with SIGALRM
 * (no SA_RESTART) every 2 ms if @signals. It must end with one of @want
 * (0-terminated) within @bound_s; nothing of it may reach the host.
 * Return: the errno, *@t the seconds it took.
 */
static int frag_request(uint32_t timeout_ms, bool signals, const int *want,
			double bound_s, double *t)
{
	struct itimerval it = {
		{ 0, FRAG_SIGNAL_EVERY_MS * 1000 }, { 0, FRAG_SIGNAL_EVERY_MS * 1000 }
	};
	struct sigaction sa = { .sa_handler = frag_alarm }, old;
	struct tdx_quote_get_quote req;
	uint64_t quotes = hx_sim_stat("quotes"), rejects = hx_sim_stat("rejects_private");
	const int *w;
	int ret;

	if (signals) {
		assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
		assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
	}
	*t = hx_now();
	ret = quote_within(0x2b60 + timeout_ms, FRAG_QUOTE, timeout_ms, &req);
	*t = hx_now() - *t;
	if (signals) {
		memset(&it, 0, sizeof(it));
		setitimer(ITIMER_REAL, &it, NULL);
		sigaction(SIGALRM, &old, NULL);
	}
	print_message("  64 MiB, timeout %u ms%s: %s after %.3f s (bound %.1f s)\n",
		      timeout_ms, signals ? ", SIGALRM every 2 ms" : "",
		      ret ? strerror(ret) : "a quote", *t, bound_s);
	if (!ret)
		fail_msg("a 64 MiB buffer in filled memory: the memory was not filled");
	for (w = want; *w && *w != ret; w++)
		;
	if (!*w)
		fail_msg("%s, want %s%s", strerror(ret), strerror(want[0]),
			 want[1] ? " (or the other one)" : "");
	if (*t > bound_s)
		fail_msg("took %.2f s, more than %.1f s", *t, bound_s);
	/* Nothing went to the host for it, and nothing is held. */
	assert_int_equal(hx_sim_stat("quotes"), quotes);
	assert_int_equal(hx_sim_stat("inflight"), 0);
	assert_int_equal(hx_sim_stat("rejects_private"), rejects);
	assert_int_equal(hx_stat("quarantined"), 0);
	return ret;
}

/*
 * First, on memory fragmented afresh (the longest search): a 50 ms deadline
 * must cut the search short.
 */
static void test_frag_deadline_cuts(void **state)
{
	static const int cut[] = { ETIMEDOUT, 0 };
	double t;

	(void)state;
	frag_request(50, false, cut, 0.05 + FRAG_SLACK_S, &t);
}

/*
 * Within about the 2 s asked for, the search ends (ENOMEM) or the deadline
 * does (ETIMEDOUT); it must have been long enough for the tests around it
 * to mean something.
 */
static void test_frag_deadline(void **state)
{
	static const int end[] = { ENOMEM, ETIMEDOUT, 0 };
	double t;

	(void)state;
	frag_request(2000, false, end, 2.0 + FRAG_SLACK_S, &t);
	frag_search_s = t;
	if (t < FRAG_MIN_SEARCH_S)
		fail_msg("the search ended in %.3f s: too little fragmentation to test a deadline or a signal in it",
			 t);
}

/* Signals every 2 ms, into a search that takes at least 50 ms. */
static void test_frag_signal(void **state)
{
	static const int intr[] = { EINTR, 0 };
	double t;

	(void)state;
	if (frag_search_s < FRAG_MIN_SEARCH_S)
		fail_msg("no fragmented search to interrupt (test_frag_deadline)");
	frag_request(30000, true, intr, FRAG_SIGNAL_EVERY_MS / 1000.0 + FRAG_SLACK_S,
		     &t);
}

/* ------------------------------------------------------ max_quote_size */

static int setup_params(void **state)
{
	(void)state;
	return hx_setup("", NULL);
}

static void test_max_quote_size_edges(void **state)
{
	static const struct {
		const char *value;
		uint64_t want;		/* 0: refused */
	} cases[] = {
		{ "18446744073709551615", 0 },	/* aligned, it would wrap to 0 */
		{ "18446744073709547521", 0 },
		{ "4294967296", 0 },		/* 4 GiB: out_len cannot say it */
		{ "4294963201", 0 },
		{ "4294963200", 4294963200ULL },	/* 4 GiB - 4 KiB */
		{ "20000", 20480 },		/* aligned up */
	};
	struct tdx_quote_info info;
	char params[80];
	size_t i;
	int ret;

	(void)state;
	assert_int_equal(hx_module_insert(HX_SIM_MODULE, ""), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(params, sizeof(params), "host=sim max_quote_size=%s",
			 cases[i].value);
		ret = hx_module_insert(HX_MODULE, params);
		if (!cases[i].want) {
			if (ret != -EINVAL)
				fail_msg("max_quote_size=%s: %s, want EINVAL",
					 cases[i].value, ret ? strerror(-ret) : "loaded");
			continue;
		}
		if (ret)
			fail_msg("max_quote_size=%s: %s", cases[i].value,
				 strerror(-ret));
		hx_info(&info);
		hx_fd_close();
		assert_int_equal(hx_module_remove(HX_MODULE), 0);
		assert_int_equal(info.max_quote_size, cases[i].want);
	}
	assert_int_equal(hx_module_remove(HX_SIM_MODULE), 0);
}

/* ------------------------------------------- INFO into a longer structure */

static void test_info_longer_struct(void **state)
{
	const size_t extra = 64;
	struct tdx_quote_info info;
	unsigned long cmd;
	uint8_t *buf;
	size_t i;

	(void)state;
	/* Whatever the test before left loaded. */
	hx_modules_unload();
	assert_int_equal(hx_module_insert(HX_SIM_MODULE, ""), 0);
	assert_int_equal(hx_module_insert(HX_MODULE, "host=sim"), 0);
	buf = malloc(sizeof(info) + extra);
	assert_non_null(buf);
	memset(buf, 0xa5, sizeof(info) + extra);
	cmd = _IOC(_IOC_READ, _IOC_TYPE(TDX_QUOTE_CMD_INFO),
		   _IOC_NR(TDX_QUOTE_CMD_INFO), sizeof(info) + extra);
	if (ioctl(hx_fd(), cmd, buf))
		fail_msg("INFO with a %zu byte structure: %s",
			 sizeof(info) + extra, strerror(errno));
	hx_info(&info);
	assert_memory_equal(buf, info.version, sizeof(info.version));
	for (i = sizeof(info); i < sizeof(info) + extra; i++) {
		if (buf[i])
			fail_msg("INFO left byte %zu of a longer structure as %#x, want 0",
				 i, buf[i]);
	}
	free(buf);
}

/* --------------------------------------------- what the TDX module says */

static void test_report_refused(void **state)
{
	static const struct {
		const char *status;
		int err;
	} cases[] = {
		{ "operand_busy", EBUSY },
		{ "invalid_operand", ENXIO },
		{ "0xc000030000000000", EIO },
		{ "none", 0 },
	};
	uint8_t rd[64], tdr[1024];
	uint64_t faults;
	size_t i;
	int ret;

	(void)state;
	hx_modules_unload();
	assert_int_equal(hx_modules_load("", ""), 0);
	hx_reportdata(rd, 0x2b70);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hx_sim_param_set("fault_report", cases[i].status);
		faults = hx_sim_stat("faults");
		memset(tdr, 0, sizeof(tdr));
		ret = hx_get_report(hx_fd(), rd, tdr);
		if (ret != cases[i].err)
			fail_msg("GET_REPORT with TDG.MR.REPORT answering %s: %s, want %s",
				 cases[i].status, ret ? strerror(ret) : "success",
				 cases[i].err ? strerror(cases[i].err) : "success");
		assert_int_equal(hx_sim_stat("faults") - faults, cases[i].err ? 1 : 0);
		if (!ret)
			assert_memory_equal(tdr + HX_TDR_REPORTDATA_OFF, rd, 64);
	}
}

/* 64 KiB in the field, junk in the upper half of R8. */
static void test_quote_max_size_32bit(void **state)
{
	struct tdx_quote_info info;

	(void)state;
	hx_modules_unload();
	assert_int_equal(hx_modules_load("host_max_quote=0xdead000000010000", ""), 0);
	hx_info(&info);
	if (info.host_max_quote_size != 65536)
		fail_msg("TDCS.QUOTE_MAX_SIZE 0x10000 with junk above bit 31 read as %llu, want 65536",
			 (unsigned long long)info.host_max_quote_size);
	/* 64 KiB and the header, in its size class */
	assert_int_equal(info.next_buf_len, 128 * HX_KiB);
}

int hx_run_realhost(void)
{
	const struct CMUnitTest pieces[] = {
		cmocka_unit_test(test_large_buffers_in_pieces),
	};
	const struct CMUnitTest part_way[] = {
		cmocka_unit_test(test_fail_part_way_leaks_one_piece),
	};
	const struct CMUnitTest budget[] = {
		cmocka_unit_test(test_leak_budget),
	};
	const struct CMUnitTest vector[] = {
		cmocka_unit_test(test_vector_kept_after_unload),
	};
	const struct CMUnitTest frag[] = {
		cmocka_unit_test(test_frag_deadline_cuts),
		cmocka_unit_test(test_frag_deadline),
		cmocka_unit_test(test_frag_signal),
	};
	const struct CMUnitTest params[] = {
		cmocka_unit_test(test_max_quote_size_edges),
		cmocka_unit_test(test_info_longer_struct),
		cmocka_unit_test(test_report_refused),
		cmocka_unit_test(test_quote_max_size_32bit),
	};
	int failed;

	failed = cmocka_run_group_tests_name("conversion_pieces", pieces,
					     setup_pieces, teardown_common);
	failed += cmocka_run_group_tests_name("conversion_part_way", part_way,
					      setup_part_way, teardown_common);
	failed += cmocka_run_group_tests_name("leak_budget", budget,
					      setup_budget, teardown_common);
	failed += cmocka_run_group_tests_name("vector_kept", vector,
					      setup_vector, teardown_common);
	failed += cmocka_run_group_tests_name("fragmented", frag, setup_frag,
					      teardown_frag);
	failed += cmocka_run_group_tests_name("params", params, setup_params,
					      teardown_common);
	return failed;
}
