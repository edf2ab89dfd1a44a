// SPDX-License-Identifier: GPL-2.0
/*
 * tdxq-bench: latency and throughput of tdx_quote against the simulated
 * host, run inside the test VM (tests/bench/bench.sh boots it).
 *
 * For each completion mode (interrupt; adaptive polling, the sim without
 * notify; and an upstream-equivalent configuration of tdx_quote: 1 s
 * polling, one request in flight, one pooled buffer) it loads
 * tdx_quote_sim and tdx_quote with that mode's parameters, then runs
 * closed-loop clients (one thread and one open file each, GET_QUOTE in a
 * loop) for every host service time and client count, and a quote size
 * sweep. Each run reads the module's counters (INFO) before and after.
 * Then a memory run: one 32 MiB quote, MemFree and pooled_bytes before,
 * after, and after the idle trim.
 *
 * Output: progress lines, then one table, then the same as CSV between
 * marker lines (TDXQ-BENCH-CSV-BEGIN/END, TDXQ-BENCH-MEM-CSV-BEGIN/END)
 * for the host-side script to cut out of the console log.
 *
 * Exit status: 0 when every module load and every request worked; 1 when
 * something failed (a request error, a module that would not load, a quote
 * of the wrong length); 2 usage. Never on timing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/tdx_quote.h>

#include "hx_sys.h"

#define KiB		1024UL
#define MiB		(1024UL * 1024UL)

/* Buffer sizes go up to 32 MiB + header, rounded to whole MiB: 33 MiB. */
#define SIM_MAX_BUF	(64 * MiB)
#define POOL_MAX	(128 * MiB)
/*
 * Per-request timeout: upstream-equivalent runs queue up to 32 requests
 * behind one in flight at one a second, longer than the default 30 s
 * (upstream itself waits for its mutex without a time limit).
 */
#define REQ_TIMEOUT_MS	120000
/* The ~5 KB quote (QEMU with a DCAP quote service: 4.5 - 5 KB) */
#define SMALL_QUOTE	5000UL
/* What the simulated host sees shared, bytes. */
#define SIM_SHARED_BYTES "/sys/kernel/debug/tdx_quote_sim/shared_bytes"

/* ------------------------------------------------------------ parameters */

struct mode {
	const char *name;
	const char *sim_params;
	const char *tdxq_params;
	bool upstream;		/* count-limited runs: one quote a second */
};

static const struct mode modes[] = {
	{ "irq", "notify=1", "", false },
	{ "poll", "notify=0", "", false },
	{ "upstream", "notify=1",
	  "use_irq=0 poll_start_us=1000000 recheck_ms=1000 max_inflight=1",
	  true },
};
#define NMODES (sizeof(modes) / sizeof(modes[0]))

static const unsigned int full_service_us[] = { 0, 1000, 5000 };
static const unsigned int full_clients[] = { 1, 4, 16, 32 };
/* The ~5 KB size is the matrix's S = 5 ms, 1-client run. */
static const unsigned long full_sizes[] = { 128 * KiB, 4 * MiB, 32 * MiB };

static const unsigned int smoke_service_us[] = { 1000 };
static const unsigned int smoke_clients[] = { 2 };
static const unsigned long smoke_sizes[] = { 128 * KiB };

static struct {
	bool smoke;
	double duration;	/* seconds per run */
	double warmup;		/* seconds of warm-up before each run */
	unsigned int upstream_quotes;	/* per upstream-mode run, at least */
	unsigned long mem_quote;	/* quote size for the memory run */
	unsigned int mem_idle_ms;	/* pool_idle_ms for the memory run */
	const unsigned int *service_us;
	size_t n_service_us;
	const unsigned int *clients;
	size_t n_clients;
	const unsigned long *sizes;
	size_t n_sizes;
	const char *only_mode;	/* "none": only the memory run */
} opt = {
	.duration = 5.0,
	.warmup = 0.3,
	.upstream_quotes = 5,
	.mem_quote = 32 * MiB,
	.mem_idle_ms = 2000,
};

static int failures;

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("tdxq-bench: FAIL: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	fflush(stdout);
	va_end(ap);
	failures++;
}

/* ----------------------------------------------------------------- time */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ------------------------------------------ files, modules (hx_sys.c) */

static int sim_set(const char *name, unsigned long val)
{
	char path[128], buf[32];
	int ret;

	snprintf(path, sizeof(path), HX_SIM_PARAMS "/%s", name);
	snprintf(buf, sizeof(buf), "%lu", val);
	ret = hx_write_str(path, buf);
	if (ret)
		fail("write %s=%s: %s", path, buf, strerror(-ret));
	return ret;
}

/* MemFree, bytes (0 on error). */
static uint64_t mem_free(void)
{
	long long kb = hx_meminfo_kb("MemFree");

	return kb > 0 ? (uint64_t)kb * 1024 : 0;
}

/*
 * Free pages including those parked on the per-CPU page lists, bytes (0 on
 * error). MemFree leaves the per-CPU lists out, and with 2 GiB they hold up
 * to ~27 MiB per CPU: pages the module frees land there first, so MemFree
 * alone does not show them coming back.
 */
static uint64_t mem_free_pcp(void)
{
	long long kb = hx_free_kb();

	return kb > 0 ? (uint64_t)kb * 1024 : 0;
}

/* /proc/stat: context switches and CPU time (all CPUs, in ticks). */
struct procstat {
	uint64_t ctxt;
	uint64_t busy, total;
};

static void proc_stat(struct procstat *ps)
{
	uint64_t v[10] = { 0 };
	char line[512];
	FILE *f = fopen("/proc/stat", "r");
	int i;

	memset(ps, 0, sizeof(*ps));
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "cpu ", 4)) {
			sscanf(line + 4, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64,
			       &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			       &v[7], &v[8], &v[9]);
			/* user nice system idle iowait irq softirq steal */
			for (i = 0; i < 8; i++)
				ps->total += v[i];
			ps->busy = ps->total - v[3] - v[4];
		} else {
			sscanf(line, "ctxt %" SCNu64, &ps->ctxt);
		}
	}
	fclose(f);
}

static int modules_unload(void)
{
	int ret = hx_modules_remove();

	if (ret)
		fail("unloading %s and %s: %s", HX_MODULE, HX_SIM_MODULE,
		     strerror(-ret));
	return ret;
}

/* The sim first with its parameters, then tdx_quote host=sim. */
static int modules_load(const char *sim_params, const char *tdxq_params)
{
	int ret;

	if (modules_unload())
		return -1;
	ret = hx_modules_load(sim_params, tdxq_params);
	if (ret)
		fail("loading %s %s, then %s host=sim %s: %s", HX_SIM_MODULE,
		     sim_params, HX_MODULE, tdxq_params, strerror(-ret));
	return ret;
}

/* ---------------------------------------------------------------- device */

static int dev_open(void)
{
	int fd, tries;

	/* devtmpfs creates the node a moment after the module loads. */
	for (tries = 0; tries < 50; tries++) {
		fd = open(TDX_QUOTE_DEVICE, O_RDWR | O_CLOEXEC);
		if (fd >= 0 || errno != ENOENT)
			break;
		hx_sleep_ms(20);
	}
	if (fd < 0)
		fail("open %s: %s", TDX_QUOTE_DEVICE, strerror(errno));
	return fd;
}

static int get_info(int fd, struct tdx_quote_info *info)
{
	memset(info, 0, sizeof(*info));
	if (ioctl(fd, TDX_QUOTE_CMD_INFO, info)) {
		fail("INFO: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void reportdata(uint8_t *rd, uint64_t seed)
{
	int i;

	for (i = 0; i < TDX_QUOTE_REPORTDATA_LEN; i++)
		rd[i] = (uint8_t)(seed >> (8 * (i % 8))) ^ (uint8_t)(i * 37);
}

/* ------------------------------------------------------------- clients */

struct client {
	pthread_t tid;
	int index;
	int fd;
	uint8_t *quote;
	size_t quote_cap;
	uint64_t *lat;		/* ns, one per good quote */
	size_t n, cap;
	uint64_t ok;		/* good quotes, recorded or not */
	uint64_t errors;
	uint64_t bad_len;
	int first_errno;
	uint64_t end_ns;	/* last completion */
};

struct run_ctl {
	pthread_barrier_t barrier;
	uint64_t deadline_ns;	/* stop issuing after this (0: count only) */
	uint64_t max_quotes;	/* per client (0: time only) */
	uint64_t expect_len;
	bool record;
	struct client *clients;
	unsigned int nclients;
};

static bool client_push(struct client *c, uint64_t ns)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		uint64_t *p = realloc(c->lat, cap * sizeof(*p));

		if (!p)
			return false;
		c->lat = p;
		c->cap = cap;
	}
	c->lat[c->n++] = ns;
	return true;
}

static struct run_ctl *client_ctl;

static void *client_fn(void *arg)
{
	struct client *c = arg;
	struct run_ctl *ctl = client_ctl;
	struct tdx_quote_get_quote req;
	uint64_t seq = 0, t0, t1;

	pthread_barrier_wait(&ctl->barrier);
	for (;;) {
		if (ctl->max_quotes && c->ok + c->errors >= ctl->max_quotes)
			break;
		if (ctl->deadline_ns && now_ns() >= ctl->deadline_ns)
			break;
		memset(&req, 0, sizeof(req));
		reportdata(req.reportdata,
			   ((uint64_t)c->index << 40) | seq++);
		req.quote = (uintptr_t)c->quote;
		req.quote_len = c->quote_cap;
		req.timeout_ms = REQ_TIMEOUT_MS;
		t0 = now_ns();
		if (ioctl(c->fd, TDX_QUOTE_CMD_GET_QUOTE, &req)) {
			t1 = now_ns();
			if (!c->first_errno)
				c->first_errno = errno;
			c->errors++;
		} else {
			t1 = now_ns();
			if (req.quote_len != ctl->expect_len) {
				c->bad_len++;
				c->errors++;
			} else if (ctl->record && !client_push(c, t1 - t0)) {
				c->errors++;
			} else {
				c->ok++;
			}
		}
		c->end_ns = t1;
	}
	return NULL;
}

/* ------------------------------------------------------------- results */

struct result {
	const char *section;	/* "matrix", "size" */
	const char *mode;
	unsigned int service_us;
	unsigned int clients;
	unsigned long quote_bytes;
	double elapsed;		/* s */
	uint64_t quotes;
	uint64_t errors;
	double qps;
	double p50_us, p99_us, mean_us, max_us;
	double conv_pq, irq_pq, poll_pq, retry_pq;
	double cs_pq;		/* context switches per quote (whole VM) */
	double cpu_busy;	/* VM CPU time busy, fraction of all vCPUs */
	uint64_t grows;
	uint64_t buf_len;	/* next_buf_len after the run */
	uint64_t pooled_after;
	/* ratios, filled in at the end (NAN: not applicable) */
	double p50_over_s;
	double qps_vs_1c;
	double up_p50_over_p50;	/* upstream p50 / this p50 */
	double qps_over_up;	/* this qps / upstream qps */
};

static struct result *results;
static size_t nresults, capresults;

static struct result *result_new(void)
{
	if (nresults == capresults) {
		size_t cap = capresults ? capresults * 2 : 64;
		struct result *p = realloc(results, cap * sizeof(*p));

		if (!p) {
			fail("out of memory");
			exit(1);
		}
		results = p;
		capresults = cap;
	}
	memset(&results[nresults], 0, sizeof(results[0]));
	return &results[nresults++];
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted @v. */
static double pct(const uint64_t *v, size_t n, double p)
{
	size_t k;

	if (!n)
		return NAN;
	k = (size_t)ceil(p / 100.0 * (double)n);
	if (k < 1)
		k = 1;
	return (double)v[k - 1];
}

/*
 * One run: @nclients threads, each with its own fd, until the deadline
 * (or @max_quotes each). Returns 0, or -1 when the run could not start.
 */
static int run_clients(unsigned int nclients, double seconds,
		       uint64_t max_quotes, uint64_t expect_len, bool record,
		       struct client **out, uint64_t *start_ns)
{
	struct client *cl = calloc(nclients, sizeof(*cl));
	struct run_ctl ctl;
	unsigned int i, started = 0;
	int ret = 0;

	if (!cl) {
		fail("out of memory");
		return -1;
	}
	memset(&ctl, 0, sizeof(ctl));
	ctl.max_quotes = max_quotes;
	ctl.expect_len = expect_len;
	ctl.record = record;
	ctl.clients = cl;
	ctl.nclients = nclients;
	for (i = 0; i < nclients; i++) {
		cl[i].index = (int)i;
		cl[i].quote_cap = expect_len + 4096;
		cl[i].quote = malloc(cl[i].quote_cap);
		cl[i].fd = dev_open();
		if (!cl[i].quote || cl[i].fd < 0) {
			ret = -1;
			goto out;
		}
		/*
		 * Fault the buffer in now, not in the first measured call
		 * (not with zeros: malloc + memset 0 may become calloc).
		 */
		memset(cl[i].quote, 0xa5, cl[i].quote_cap);
	}
	pthread_barrier_init(&ctl.barrier, NULL, nclients + 1);
	client_ctl = &ctl;
	for (i = 0; i < nclients; i++) {
		int err = pthread_create(&cl[i].tid, NULL, client_fn, &cl[i]);

		if (err) {
			fail("pthread_create: %s", strerror(err));
			/* The barrier would never open: let it exit. */
			exit(1);
		}
		started++;
	}
	/* The clients start when this thread reaches the barrier too. */
	*start_ns = now_ns();
	ctl.deadline_ns = seconds > 0 ? *start_ns + (uint64_t)(seconds * 1e9) : 0;
	pthread_barrier_wait(&ctl.barrier);
	for (i = 0; i < started; i++)
		pthread_join(cl[i].tid, NULL);
	pthread_barrier_destroy(&ctl.barrier);
	client_ctl = NULL;
out:
	for (i = 0; i < nclients; i++) {
		if (cl[i].fd >= 0)
			close(cl[i].fd);
		cl[i].fd = -1;
		free(cl[i].quote);
		cl[i].quote = NULL;
	}
	if (ret) {
		for (i = 0; i < nclients; i++)
			free(cl[i].lat);
		free(cl);
		return ret;
	}
	*out = cl;
	return 0;
}

static void clients_free(struct client *cl, unsigned int nclients)
{
	unsigned int i;

	for (i = 0; i < nclients; i++)
		free(cl[i].lat);
	free(cl);
}

static uint64_t clients_errors(const struct client *cl, unsigned int n,
			       const char *what)
{
	uint64_t errors = 0, bad_len = 0;
	int first = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		errors += cl[i].errors;
		bad_len += cl[i].bad_len;
		if (!first)
			first = cl[i].first_errno;
	}
	if (errors)
		fail("%s: %" PRIu64 " request(s) failed (first errno: %s; wrong length: %" PRIu64 ")",
		     what, errors, first ? strerror(first) : "none", bad_len);
	return errors;
}

#define D(f)	((double)(after.stats.f - before.stats.f))

/* Warm up, then one measured run; appends a result. */
static void measure(const char *section, const struct mode *m,
		    unsigned int service_us, unsigned int nclients,
		    unsigned long quote_bytes)
{
	struct tdx_quote_info before, after;
	struct procstat ps0, ps1;
	struct client *cl;
	struct result *r;
	uint64_t *all, start, end = 0, max_quotes = 0;
	size_t n = 0, k;
	unsigned int i;
	char what[128];
	int fd;

	snprintf(what, sizeof(what), "%s %s S=%uus clients=%u quote=%lu",
		 section, m->name, service_us, nclients, quote_bytes);

	fd = dev_open();
	if (fd < 0)
		return;
	/*
	 * Warm-up: fill the pool and settle the buffer size, so the run
	 * measures the steady state. Upstream mode has one buffer and one
	 * quote a second: one warm-up quote, once (by the caller).
	 */
	if (!m->upstream) {
		if (run_clients(nclients, opt.warmup, 0, quote_bytes, false,
				&cl, &start))
			goto out;
		clients_errors(cl, nclients, what);
		clients_free(cl, nclients);
	} else {
		max_quotes = (opt.upstream_quotes + nclients - 1) / nclients;
	}

	if (get_info(fd, &before))
		goto out;
	proc_stat(&ps0);
	if (run_clients(nclients, m->upstream ? 0 : opt.duration, max_quotes,
			quote_bytes, true, &cl, &start))
		goto out;
	proc_stat(&ps1);
	if (get_info(fd, &after))
		goto out_free;

	r = result_new();
	r->section = section;
	r->mode = m->name;
	r->service_us = service_us;
	r->clients = nclients;
	r->quote_bytes = quote_bytes;
	r->errors = clients_errors(cl, nclients, what);
	for (i = 0; i < nclients; i++) {
		n += cl[i].n;
		if (cl[i].end_ns > end)
			end = cl[i].end_ns;
	}
	r->quotes = n;
	r->elapsed = end > start ? (double)(end - start) / 1e9 : 0;
	r->qps = r->elapsed > 0 ? (double)n / r->elapsed : 0;
	all = malloc((n ? n : 1) * sizeof(*all));
	if (!all) {
		fail("out of memory");
		goto out_free;
	}
	for (i = 0, k = 0; i < nclients; i++) {
		memcpy(all + k, cl[i].lat, cl[i].n * sizeof(*all));
		k += cl[i].n;
	}
	qsort(all, n, sizeof(*all), cmp_u64);
	r->p50_us = pct(all, n, 50) / 1e3;
	r->p99_us = pct(all, n, 99) / 1e3;
	r->max_us = n ? (double)all[n - 1] / 1e3 : NAN;
	{
		double sum = 0;

		for (k = 0; k < n; k++)
			sum += (double)all[k];
		r->mean_us = n ? sum / (double)n / 1e3 : NAN;
	}
	free(all);
	if (n) {
		/*
		 * What the measured requests cost: a request that finds no
		 * pooled buffer converts one to shared. Conversions back to
		 * private in the window are not theirs alone (an idle trim of
		 * an earlier run's buffer read as 0.2 a quote).
		 */
		r->conv_pq = D(conversions_shared) / (double)n;
		r->irq_pq = D(interrupts) / (double)n;
		r->poll_pq = D(poll_wakeups) / (double)n;
		r->retry_pq = D(host_retries) / (double)n;
		r->cs_pq = (double)(ps1.ctxt - ps0.ctxt) / (double)n;
	}
	r->cpu_busy = ps1.total > ps0.total && ps1.busy >= ps0.busy ?
		(double)(ps1.busy - ps0.busy) / (double)(ps1.total - ps0.total) : NAN;
	r->grows = after.stats.buffer_grows - before.stats.buffer_grows;
	r->buf_len = after.next_buf_len;
	r->pooled_after = after.stats.pooled_bytes;
	printf("  %-6s %-8s S=%5uus c=%2u q=%8lu: %6" PRIu64 " quotes %8.1f/s  p50 %9.1f us  p99 %9.1f us  conv/q %.3f irq/q %.2f pollwake/q %.2f cs/q %.1f cpu %.0f%%\n",
	       section, m->name, service_us, nclients, quote_bytes, n, r->qps,
	       r->p50_us, r->p99_us, r->conv_pq, r->irq_pq, r->poll_pq,
	       r->cs_pq, r->cpu_busy * 100);
	fflush(stdout);
out_free:
	clients_free(cl, nclients);
out:
	close(fd);
}

/* One quote of @bytes, unmeasured: the buffer size settles, the pool fills. */
static void one_quote(unsigned long bytes, const char *what)
{
	struct client *cl;
	uint64_t start;

	if (run_clients(1, 0, 1, bytes, false, &cl, &start))
		return;
	clients_errors(cl, 1, what);
	clients_free(cl, 1);
}

static int mode_load(const struct mode *m, unsigned int service_us,
		     unsigned long quote_size)
{
	char sim[256], tdxq[512];

	snprintf(sim, sizeof(sim), "%s service_us=%u quote_size=%lu max_buf=%lu",
		 m->sim_params, service_us, quote_size, SIM_MAX_BUF);
	snprintf(tdxq, sizeof(tdxq), "pool_max_bytes=%lu %s", POOL_MAX,
		 m->tdxq_params);
	printf("mode %s: %s %s; %s host=sim %s\n", m->name, HX_SIM_MODULE,
	       sim, HX_MODULE, tdxq);
	fflush(stdout);
	return modules_load(sim, tdxq);
}

static void run_mode(const struct mode *m)
{
	size_t si, ci, zi;

	if (mode_load(m, opt.service_us[0], SMALL_QUOTE))
		return;
	if (m->upstream)
		one_quote(SMALL_QUOTE, "upstream warm-up");
	for (si = 0; si < opt.n_service_us; si++) {
		if (sim_set("service_us", opt.service_us[si]))
			break;
		for (ci = 0; ci < opt.n_clients; ci++)
			measure("matrix", m, opt.service_us[si], opt.clients[ci],
				SMALL_QUOTE);
	}
	/* Quote sizes: S = 5 ms (the last service time), one client. */
	for (zi = 0; zi < opt.n_sizes; zi++) {
		unsigned int s = opt.service_us[opt.n_service_us - 1];

		if (sim_set("service_us", s) ||
		    sim_set("quote_size", opt.sizes[zi]))
			break;
		if (m->upstream)
			one_quote(opt.sizes[zi], "upstream size warm-up");
		measure("size", m, s, 1, opt.sizes[zi]);
	}
	modules_unload();
}

/* ---------------------------------------------------------------- memory */

struct memres {
	unsigned long quote_bytes;
	uint64_t buf_len;
	double latency_ms;
	uint64_t memfree_before, pcpfree_before;
	uint64_t memfree_after, pcpfree_after;
	uint64_t pooled_before;
	uint64_t pooled_after;
	uint64_t conversions;
	unsigned int idle_ms;
	double trim_s;		/* quote done -> pool given back; NAN never */
	uint64_t pooled_trimmed;
	uint64_t sim_shared_before, sim_shared_trimmed;	/* the host's view */
	uint64_t memfree_trimmed, pcpfree_trimmed;
	bool done;
} memres;

static void run_memory(void)
{
	const struct mode *m = &modes[0];
	struct tdx_quote_info info, info2;
	char sim[256], tdxq[256];
	struct tdx_quote_get_quote req;
	unsigned long q = opt.mem_quote;
	uint8_t *buf;
	uint64_t t_done, deadline, pooled;
	int fd;

	snprintf(sim, sizeof(sim), "%s service_us=5000 quote_size=%lu max_buf=%lu",
		 m->sim_params, q, SIM_MAX_BUF);
	snprintf(tdxq, sizeof(tdxq), "pool_max_bytes=%lu pool_idle_ms=%u",
		 POOL_MAX, opt.mem_idle_ms);
	printf("memory: %s %s; %s host=sim %s\n", HX_SIM_MODULE, sim, HX_MODULE, tdxq);
	fflush(stdout);
	if (modules_load(sim, tdxq))
		return;
	fd = dev_open();
	buf = malloc(q + 4096);
	if (fd < 0 || !buf) {
		fail("memory run: no device or no memory");
		goto out;
	}
	/* Our own pages, faulted in before (0 could make it a calloc). */
	memset(buf, 0xa5, q + 4096);
	/*
	 * A first quote of the ~5 KB kind, so the small buffer size is what
	 * the module starts with, as on a real machine; then settle.
	 */
	if (sim_set("quote_size", SMALL_QUOTE))
		goto out;
	one_quote(SMALL_QUOTE, "memory warm-up");
	if (sim_set("quote_size", q))
		goto out;
	hx_sleep_ms(200);

	if (get_info(fd, &info))
		goto out;
	memres.quote_bytes = q;
	memres.idle_ms = opt.mem_idle_ms;
	memres.pooled_before = info.stats.pooled_bytes;
	if (hx_read_u64(SIM_SHARED_BYTES, &memres.sim_shared_before))
		fail("memory run: cannot read %s", SIM_SHARED_BYTES);
	memres.memfree_before = mem_free();
	memres.pcpfree_before = mem_free_pcp();

	memset(&req, 0, sizeof(req));
	reportdata(req.reportdata, 0x3232);
	req.quote = (uintptr_t)buf;
	req.quote_len = q + 4096;
	req.timeout_ms = REQ_TIMEOUT_MS;
	{
		uint64_t t0 = now_ns();

		if (ioctl(fd, TDX_QUOTE_CMD_GET_QUOTE, &req)) {
			fail("memory run: %lu-byte quote: %s", q, strerror(errno));
			goto out;
		}
		t_done = now_ns();
		memres.latency_ms = (double)(t_done - t0) / 1e6;
	}
	if (req.quote_len != q) {
		fail("memory run: quote of %llu bytes, want %lu",
		     (unsigned long long)req.quote_len, q);
		goto out;
	}
	memres.buf_len = req.buf_len;
	memres.memfree_after = mem_free();
	memres.pcpfree_after = mem_free_pcp();
	if (get_info(fd, &info2))
		goto out;
	memres.pooled_after = info2.stats.pooled_bytes;
	memres.conversions = info2.stats.conversions_shared -
			     info.stats.conversions_shared;

	/* The idle trim: pooled_bytes back to what it was, within the limit. */
	memres.trim_s = NAN;
	deadline = t_done + (uint64_t)(opt.mem_idle_ms + 3000) * 1000000ULL;
	while (now_ns() < deadline) {
		if (get_info(fd, &info2))
			goto out;
		pooled = info2.stats.pooled_bytes;
		if (pooled <= memres.pooled_before) {
			memres.trim_s = (double)(now_ns() - t_done) / 1e9;
			break;
		}
		hx_sleep_ms(20);
	}
	/*
	 * pooled_bytes drops before the pages are freed (a 33 MiB range takes
	 * ~50 ms under TCG): give them up to a second to reach the free lists.
	 */
	deadline = now_ns() + 1000000000ULL;
	while (now_ns() < deadline &&
	       mem_free_pcp() + MiB < memres.pcpfree_before)
		hx_sleep_ms(20);
	if (get_info(fd, &info2))
		goto out;
	memres.pooled_trimmed = info2.stats.pooled_bytes;
	if (hx_read_u64(SIM_SHARED_BYTES, &memres.sim_shared_trimmed))
		fail("memory run: cannot read %s", SIM_SHARED_BYTES);
	memres.memfree_trimmed = mem_free();
	memres.pcpfree_trimmed = mem_free_pcp();
	memres.done = true;
	if (isnan(memres.trim_s))
		fail("memory run: pool not trimmed within %u ms + 3 s",
		     opt.mem_idle_ms);
	printf("  memory: %lu-byte quote in %.1f ms (buffer %" PRIu64 " bytes); pooled %" PRIu64 " -> %" PRIu64 " -> %" PRIu64 " after %.2f s; MemFree %" PRIu64 " -> %" PRIu64 " -> %" PRIu64 " KiB, with per-CPU lists %" PRIu64 " -> %" PRIu64 " -> %" PRIu64 " KiB\n",
	       q, memres.latency_ms, memres.buf_len, memres.pooled_before,
	       memres.pooled_after, memres.pooled_trimmed, memres.trim_s,
	       memres.memfree_before / 1024, memres.memfree_after / 1024,
	       memres.memfree_trimmed / 1024, memres.pcpfree_before / 1024,
	       memres.pcpfree_after / 1024, memres.pcpfree_trimmed / 1024);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	modules_unload();
}

/* ------------------------------------------------------------- baseline */

/*
 * What the VM's timers cost: userspace clock_nanosleep() of 1 and 5 ms,
 * and GET_REPORT (the module's fixed per-request path to the sim).
 */
static struct {
	double sleep1_p50, sleep1_p99, sleep5_p50, sleep5_p99;
	double report_p50, report_p99;
} base;

static void sleep_lat(unsigned int us, unsigned int n, double *p50, double *p99)
{
	uint64_t *v = calloc(n, sizeof(*v)), t0;
	struct timespec ts = { 0, (long)us * 1000L };
	unsigned int i;

	if (!v)
		return;
	for (i = 0; i < n; i++) {
		t0 = now_ns();
		clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
		v[i] = now_ns() - t0;
	}
	qsort(v, n, sizeof(*v), cmp_u64);
	*p50 = pct(v, n, 50) / 1e3;
	*p99 = pct(v, n, 99) / 1e3;
	free(v);
}

static void run_baseline(void)
{
	struct tdx_quote_report_req rr;
	unsigned int i, n = opt.smoke ? 50 : 500;
	uint64_t *v = calloc(n, sizeof(*v)), t0;
	int fd;

	sleep_lat(1000, opt.smoke ? 50 : 300, &base.sleep1_p50, &base.sleep1_p99);
	sleep_lat(5000, opt.smoke ? 20 : 150, &base.sleep5_p50, &base.sleep5_p99);
	if (!v || modules_load("", ""))
		goto out;
	fd = dev_open();
	if (fd >= 0) {
		for (i = 0; i < n; i++) {
			memset(&rr, 0, sizeof(rr));
			t0 = now_ns();
			if (ioctl(fd, TDX_QUOTE_CMD_GET_REPORT, &rr)) {
				fail("GET_REPORT: %s", strerror(errno));
				break;
			}
			v[i] = now_ns() - t0;
		}
		if (i == n) {
			qsort(v, n, sizeof(*v), cmp_u64);
			base.report_p50 = pct(v, n, 50) / 1e3;
			base.report_p99 = pct(v, n, 99) / 1e3;
		}
		close(fd);
	}
	modules_unload();
out:
	free(v);
	printf("baseline: nanosleep(1 ms) p50 %.0f us p99 %.0f us; nanosleep(5 ms) p50 %.0f us p99 %.0f us; GET_REPORT p50 %.0f us p99 %.0f us\n",
	       base.sleep1_p50, base.sleep1_p99, base.sleep5_p50,
	       base.sleep5_p99, base.report_p50, base.report_p99);
	fflush(stdout);
}

/* ---------------------------------------------------------------- report */

static const struct result *find(const char *section, const char *mode,
				 unsigned int s, unsigned int c,
				 unsigned long q)
{
	size_t i;

	for (i = 0; i < nresults; i++) {
		const struct result *r = &results[i];

		if (!strcmp(r->section, section) && !strcmp(r->mode, mode) &&
		    r->service_us == s && r->clients == c && r->quote_bytes == q)
			return r;
	}
	return NULL;
}

static void ratios(void)
{
	size_t i;

	for (i = 0; i < nresults; i++) {
		struct result *r = &results[i];
		const struct result *one, *up;

		r->p50_over_s = r->service_us ? r->p50_us / r->service_us : NAN;
		one = find(r->section, r->mode, r->service_us, 1, r->quote_bytes);
		r->qps_vs_1c = one && one->qps > 0 ? r->qps / one->qps : NAN;
		up = find(r->section, "upstream", r->service_us, r->clients,
			  r->quote_bytes);
		if (up && up != r && r->p50_us > 0 && r->qps > 0) {
			r->up_p50_over_p50 = up->p50_us / r->p50_us;
			r->qps_over_up = r->qps / up->qps;
		} else {
			r->up_p50_over_p50 = NAN;
			r->qps_over_up = NAN;
		}
	}
}

static const char *size_str(unsigned long b, char *buf, size_t len)
{
	if (b >= MiB && b % MiB == 0)
		snprintf(buf, len, "%luM", b / MiB);
	else if (b >= KiB && b % KiB == 0)
		snprintf(buf, len, "%luK", b / KiB);
	else
		snprintf(buf, len, "%lu", b);
	return buf;
}

/* "%*.*f", or "-" for NAN */
static void fcell(char *buf, size_t len, double v, int prec)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.*f", prec, v);
}

static void print_table(void)
{
	size_t i;

	printf("\nTDXQ-BENCH-TABLE-BEGIN\n");
	printf("| mode | S ms | clients | quote | quotes | errors | quotes/s | p50 ms | p99 ms | conv/q | irq/q | pollwake/q | VM CPU | p50/S | vs 1 client | upstream p50 / p50 |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < nresults; i++) {
		const struct result *r = &results[i];
		char q[32], qps[24], p50[24], p99[24], rs[24], r1[24], ru[24];
		char cpu[24];

		fcell(qps, sizeof(qps), r->qps, r->qps >= 100 ? 0 : 2);
		fcell(p50, sizeof(p50), r->p50_us / 1e3, 3);
		fcell(p99, sizeof(p99), r->p99_us / 1e3, 3);
		fcell(rs, sizeof(rs), r->p50_over_s, 2);
		fcell(r1, sizeof(r1), r->qps_vs_1c, 2);
		fcell(ru, sizeof(ru), r->up_p50_over_p50, 0);
		if (isnan(r->cpu_busy))
			snprintf(cpu, sizeof(cpu), "-");
		else
			snprintf(cpu, sizeof(cpu), "%.0f%%", r->cpu_busy * 100);
		printf("| %s | %g | %u | %s | %" PRIu64 " | %" PRIu64 " | %s | %s | %s | %.3f | %.2f | %.2f | %s | %s | %s | %s |\n",
		       r->mode, r->service_us / 1000.0, r->clients,
		       size_str(r->quote_bytes, q, sizeof(q)), r->quotes,
		       r->errors, qps, p50, p99, r->conv_pq, r->irq_pq,
		       r->poll_pq, cpu, rs, r1, ru);
	}
	printf("TDXQ-BENCH-TABLE-END\n");
	if (memres.done) {
		printf("\nTDXQ-BENCH-MEM-BEGIN\n");
		printf("| memory run | value |\n|---|---:|\n");
		printf("| quote | %lu |\n", memres.quote_bytes);
		printf("| shared buffer | %" PRIu64 " |\n", memres.buf_len);
		printf("| latency | %.1f ms |\n", memres.latency_ms);
		printf("| pooled before | %" PRIu64 " |\n", memres.pooled_before);
		printf("| pooled after the quote | %" PRIu64 " |\n", memres.pooled_after);
		printf("| pooled after the idle trim (pool_idle_ms=%u, trimmed %.2f s after the quote) | %" PRIu64 " |\n",
		       memres.idle_ms, memres.trim_s, memres.pooled_trimmed);
		printf("| MemFree before | %" PRIu64 " |\n", memres.memfree_before);
		printf("| MemFree after the quote | %" PRIu64 " (%+.1f MiB) |\n",
		       memres.memfree_after,
		       ((double)memres.memfree_after - (double)memres.memfree_before) / MiB);
		printf("| MemFree after the trim | %" PRIu64 " (%+.1f MiB) |\n",
		       memres.memfree_trimmed,
		       ((double)memres.memfree_trimmed - (double)memres.memfree_before) / MiB);
		printf("| free + per-CPU lists before | %" PRIu64 " |\n",
		       memres.pcpfree_before);
		printf("| free + per-CPU lists after the quote | %" PRIu64 " (%+.1f MiB) |\n",
		       memres.pcpfree_after,
		       ((double)memres.pcpfree_after - (double)memres.pcpfree_before) / MiB);
		printf("| free + per-CPU lists after the trim | %" PRIu64 " (%+.1f MiB) |\n",
		       memres.pcpfree_trimmed,
		       ((double)memres.pcpfree_trimmed - (double)memres.pcpfree_before) / MiB);
		printf("TDXQ-BENCH-MEM-END\n");
	}
	fflush(stdout);
}

static const char *verdict(bool ok)
{
	return ok ? "met" : "MISSED";
}

/* The targets, from this run's numbers (reported, never enforced). */
static void print_targets(void)
{
	unsigned int s = opt.service_us[opt.n_service_us - 1];
	const struct result *i1 = find("matrix", "irq", s, 1, SMALL_QUOTE);
	const struct result *i16 = find("matrix", "irq", s, 16, SMALL_QUOTE);
	const struct result *u1 = find("matrix", "upstream", s, 1, SMALL_QUOTE);
	double conv_max = 0;
	size_t i, n = 0;

	printf("\nTDXQ-BENCH-TARGETS-BEGIN\n");
	printf("| target | measured | |\n|---|---|---|\n");
	if (i1 && s)
		printf("| interrupt mode, S = %g ms, 1 client: p50 <= 1.2 x S | p50 %.3f ms = %.2f x S | %s |\n",
		       s / 1000.0, i1->p50_us / 1e3, i1->p50_us / s,
		       verdict(i1->p50_us <= 1.2 * s));
	if (i1 && i16 && i1->qps > 0)
		printf("| 16 clients, S = %g ms: >= 12 x the quotes/s of 1 client | %.0f vs %.1f quotes/s = %.1f x | %s |\n",
		       s / 1000.0, i16->qps, i1->qps, i16->qps / i1->qps,
		       verdict(i16->qps >= 12 * i1->qps));
	for (i = 0; i < nresults; i++) {
		if (!results[i].quotes)
			continue;
		n++;
		if (results[i].conv_pq > conv_max)
			conv_max = results[i].conv_pq;
	}
	if (n)
		printf("| steady state: 0 conversions per quote (to shared, by the measured requests) | at most %.4f per quote over %zu runs | %s |\n",
		       conv_max, n, verdict(conv_max == 0));
	if (i1 && u1 && i1->p50_us > 0)
		printf("| interrupt mode >= 100 x lower p50 than upstream-equivalent (S = %g ms, 1 client) | %.3f ms vs %.1f ms = %.0f x | %s |\n",
		       s / 1000.0, i1->p50_us / 1e3, u1->p50_us / 1e3,
		       u1->p50_us / i1->p50_us,
		       verdict(u1->p50_us >= 100 * i1->p50_us));
	if (memres.done)
		/*
		 * Given back: the module's pool, the host's view of shared
		 * memory, and free memory within an eighth of the quote (the
		 * buffer alone is more than the quote).
		 */
		printf("| %lu MiB quote succeeds, memory given back within the trim interval | %.0f ms; pooled %.1f MiB given back %.2f s after the quote (pool_idle_ms %u); host-visible shared %+.1f MiB, free + per-CPU lists %+.1f MiB after the trim | %s |\n",
		       memres.quote_bytes / MiB, memres.latency_ms,
		       (double)(memres.pooled_after - memres.pooled_before) / MiB,
		       memres.trim_s, memres.idle_ms,
		       ((double)memres.sim_shared_trimmed - (double)memres.sim_shared_before) / MiB,
		       ((double)memres.pcpfree_trimmed - (double)memres.pcpfree_before) / MiB,
		       verdict(!isnan(memres.trim_s) &&
			       memres.trim_s <= memres.idle_ms / 1000.0 + 1.0 &&
			       memres.pooled_trimmed <= memres.pooled_before &&
			       memres.sim_shared_trimmed <= memres.sim_shared_before &&
			       memres.pcpfree_trimmed + memres.quote_bytes / 8 >=
			       memres.pcpfree_before));
	printf("TDXQ-BENCH-TARGETS-END\n");
	fflush(stdout);
}

static void csv_num(double v, int prec)
{
	if (isnan(v))
		printf(",");
	else
		printf(",%.*f", prec, v);
}

static void print_csv(void)
{
	size_t i;

	printf("\nTDXQ-BENCH-CSV-BEGIN\n");
	printf("section,mode,service_us,clients,quote_bytes,elapsed_s,quotes,errors,quotes_per_s,p50_us,p99_us,mean_us,max_us,conversions_per_quote,interrupts_per_quote,poll_wakeups_per_quote,host_retries_per_quote,context_switches_per_quote,vm_cpu_busy,buffer_grows,buf_len,pooled_bytes_after,p50_over_service,qps_vs_1_client,upstream_p50_over_p50,qps_over_upstream\n");
	for (i = 0; i < nresults; i++) {
		const struct result *r = &results[i];

		printf("%s,%s,%u,%u,%lu", r->section, r->mode, r->service_us,
		       r->clients, r->quote_bytes);
		csv_num(r->elapsed, 3);
		printf(",%" PRIu64 ",%" PRIu64, r->quotes, r->errors);
		csv_num(r->qps, 2);
		csv_num(r->p50_us, 1);
		csv_num(r->p99_us, 1);
		csv_num(r->mean_us, 1);
		csv_num(r->max_us, 1);
		csv_num(r->conv_pq, 4);
		csv_num(r->irq_pq, 4);
		csv_num(r->poll_pq, 4);
		csv_num(r->retry_pq, 4);
		csv_num(r->cs_pq, 2);
		csv_num(r->cpu_busy, 3);
		printf(",%" PRIu64 ",%" PRIu64 ",%" PRIu64, r->grows, r->buf_len,
		       r->pooled_after);
		csv_num(r->p50_over_s, 3);
		csv_num(r->qps_vs_1c, 3);
		csv_num(r->up_p50_over_p50, 1);
		csv_num(r->qps_over_up, 1);
		printf("\n");
	}
	printf("TDXQ-BENCH-CSV-END\n");

	printf("\nTDXQ-BENCH-MEM-CSV-BEGIN\n");
	printf("key,value\n");
	printf("baseline_nanosleep_1ms_p50_us,%.1f\n", base.sleep1_p50);
	printf("baseline_nanosleep_1ms_p99_us,%.1f\n", base.sleep1_p99);
	printf("baseline_nanosleep_5ms_p50_us,%.1f\n", base.sleep5_p50);
	printf("baseline_nanosleep_5ms_p99_us,%.1f\n", base.sleep5_p99);
	printf("baseline_get_report_p50_us,%.1f\n", base.report_p50);
	printf("baseline_get_report_p99_us,%.1f\n", base.report_p99);
	if (memres.done) {
		printf("mem_quote_bytes,%lu\n", memres.quote_bytes);
		printf("mem_buf_len,%" PRIu64 "\n", memres.buf_len);
		printf("mem_quote_latency_ms,%.2f\n", memres.latency_ms);
		printf("mem_pooled_before,%" PRIu64 "\n", memres.pooled_before);
		printf("mem_pooled_after_quote,%" PRIu64 "\n", memres.pooled_after);
		printf("mem_pool_idle_ms,%u\n", memres.idle_ms);
		printf("mem_trim_after_s,%.3f\n", memres.trim_s);
		printf("mem_pooled_after_trim,%" PRIu64 "\n", memres.pooled_trimmed);
		printf("mem_memfree_before,%" PRIu64 "\n", memres.memfree_before);
		printf("mem_memfree_after_quote,%" PRIu64 "\n", memres.memfree_after);
		printf("mem_memfree_after_trim,%" PRIu64 "\n", memres.memfree_trimmed);
		printf("mem_free_pcp_before,%" PRIu64 "\n", memres.pcpfree_before);
		printf("mem_free_pcp_after_quote,%" PRIu64 "\n", memres.pcpfree_after);
		printf("mem_free_pcp_after_trim,%" PRIu64 "\n", memres.pcpfree_trimmed);
		printf("mem_conversions,%" PRIu64 "\n", memres.conversions);
		printf("mem_sim_shared_before,%" PRIu64 "\n", memres.sim_shared_before);
		printf("mem_sim_shared_after_trim,%" PRIu64 "\n", memres.sim_shared_trimmed);
	}
	printf("TDXQ-BENCH-MEM-CSV-END\n");
	fflush(stdout);
}

static void environment(void)
{
	struct utsname u;
	char line[256];
	FILE *f;

	uname(&u);
	printf("tdxq-bench: kernel %s, %ld CPUs online, MemTotal %" PRIu64 " MiB",
	       u.release, sysconf(_SC_NPROCESSORS_ONLN),
	       (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE) / MiB);
	f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
	if (f) {
		if (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			printf(", clocksource %s", line);
		}
		fclose(f);
	}
	printf("\n");
	printf("tdxq-bench: %s; %.1f s per run (+%.1f s warm-up), upstream mode %u quotes per run\n",
	       opt.smoke ? "SMOKE (machinery only, numbers meaningless)" : "full",
	       opt.duration, opt.warmup, opt.upstream_quotes);
	fflush(stdout);
}

/* "a,b,c" into a new array; false on a malformed list. */
static bool parse_list(const char *arg, unsigned long **out, size_t *n)
{
	unsigned long *v = NULL, x;
	const char *p = arg;
	char *end;
	size_t k = 0;

	for (;;) {
		unsigned long *nv;

		errno = 0;
		x = strtoul(p, &end, 0);
		if (end == p || errno)
			goto bad;
		if (*end == 'K' || *end == 'k') {
			x *= KiB;
			end++;
		} else if (*end == 'M' || *end == 'm') {
			x *= MiB;
			end++;
		}
		nv = realloc(v, (k + 1) * sizeof(*v));
		if (!nv)
			goto bad;
		v = nv;
		v[k++] = x;
		if (!*end)
			break;
		if (*end != ',')
			goto bad;
		p = end + 1;
	}
	*out = v;
	*n = k;
	return true;
bad:
	free(v);
	return false;
}

static unsigned int *to_uint(const unsigned long *v, size_t n)
{
	unsigned int *u = calloc(n, sizeof(*u));
	size_t i;

	if (!u)
		exit(1);
	for (i = 0; i < n; i++)
		u[i] = (unsigned int)v[i];
	return u;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: tdxq-bench [--smoke] [--duration SECS] [--mode irq|poll|upstream]\n"
		"  --smoke        one tiny configuration per mode (~10 s)\n"
		"  --duration S   seconds per measured run (default 5)\n"
		"  --mode M       only this completion mode (and no memory run);\n"
		"                 none: only the memory run\n"
		"  --service LIST host service times in us (default 0,1000,5000;\n"
		"                 the size sweep uses the last one)\n"
		"  --clients LIST concurrent clients (default 1,4,16,32)\n"
		"  --sizes LIST   quote sizes for the size sweep, K/M suffixes\n"
		"                 (default 128K,4M,32M, besides the matrix's 5000;\n"
		"                 0 for none)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "smoke", no_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 'd' },
		{ "mode", required_argument, NULL, 'm' },
		{ "service", required_argument, NULL, 'S' },
		{ "clients", required_argument, NULL, 'c' },
		{ "sizes", required_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t t0 = now_ns();
	unsigned long *list;
	size_t i, n;
	int c;

	opt.service_us = full_service_us;
	opt.n_service_us = sizeof(full_service_us) / sizeof(full_service_us[0]);
	opt.clients = full_clients;
	opt.n_clients = sizeof(full_clients) / sizeof(full_clients[0]);
	opt.sizes = full_sizes;
	opt.n_sizes = sizeof(full_sizes) / sizeof(full_sizes[0]);

	while ((c = getopt_long(argc, argv, "sd:m:S:c:z:h", lopts, NULL)) != -1) {
		switch (c) {
		case 's':
			opt.smoke = true;
			opt.duration = 1.0;
			opt.warmup = 0.1;
			opt.upstream_quotes = 1;
			opt.mem_quote = 2 * MiB;
			opt.mem_idle_ms = 300;
			opt.service_us = smoke_service_us;
			opt.n_service_us = 1;
			opt.clients = smoke_clients;
			opt.n_clients = 1;
			opt.sizes = smoke_sizes;
			opt.n_sizes = 1;
			break;
		case 'd':
			opt.duration = atof(optarg);
			if (opt.duration <= 0)
				usage();
			break;
		case 'm':
			opt.only_mode = optarg;
			break;
		case 'S':
			if (!parse_list(optarg, &list, &n))
				usage();
			opt.service_us = to_uint(list, n);
			opt.n_service_us = n;
			free(list);
			break;
		case 'c':
			if (!parse_list(optarg, &list, &n))
				usage();
			for (i = 0; i < n; i++)
				if (!list[i] || list[i] > 1024)
					usage();
			opt.clients = to_uint(list, n);
			opt.n_clients = n;
			free(list);
			break;
		case 'z':
			if (!parse_list(optarg, &list, &n))
				usage();
			opt.sizes = list;
			opt.n_sizes = (n == 1 && !list[0]) ? 0 : n;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	environment();
	if (!opt.only_mode || strcmp(opt.only_mode, "none"))
		run_baseline();
	for (i = 0; i < NMODES; i++) {
		if (opt.only_mode && strcmp(opt.only_mode, modes[i].name))
			continue;
		run_mode(&modes[i]);
	}
	if (!opt.only_mode || !strcmp(opt.only_mode, "none"))
		run_memory();
	ratios();
	print_table();
	print_targets();
	print_csv();
	printf("tdxq-bench: %zu runs in %.0f s, %d failure(s)\n", nresults,
	       (double)(now_ns() - t0) / 1e9, failures);
	return failures ? 1 : 0;
}
