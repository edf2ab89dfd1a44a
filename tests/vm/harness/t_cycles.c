// SPDX-License-Identifier: GPL-2.0
/*
 * Load/unload cycles: load tdx_quote_sim and tdx_quote, let client threads
 * hammer both nodes for a moment (quotes, some with 1 ms timeouts so that
 * buffers go through quarantine, compat requests, TDREPORTs, INFO), stop
 * them, wait for the host to let go of every buffer, unload both. On every
 * other cycle a thread keeps opening the device while tdx_quote is being
 * removed (it may see ENOENT/ENODEV/ENXIO once removal starts, nothing
 * else). Every fifth cycle the host has no notify interrupt (polling).
 *
 * Each cycle: the module registers its notify vector (interrupt mode) and
 * it is always the same vector (a leaked vector would move it, and after
 * ~200 cycles exhaust the CPU's vectors); after unload the device nodes,
 * the "tdx_quote" line in /proc/interrupts and the module are gone, and
 * nothing was leaked (leaked_bytes 0 before unload).
 *
 * Memory: a warm-up, then two blocks A and B of the same number of cycles
 * (a multiple of 10: the same mix of polling and opener cycles), with a
 * reading before and after each. Before each reading the kernel hands
 * back what it holds of freed memory (hx_drain_kernel_caches(): page
 * cache, dentries and inodes dropped, empty slabs and, on a KASAN kernel,
 * its quarantine freed). A leak of L kB per cycle loses L x block in
 * *both* blocks; a kernel still warming up (caches, kmemleak's metadata,
 * a percpu chunk, a kworker) loses memory in the warm-up or in one block,
 * not steadily in both. So the loss that counts is the smaller of the
 * two blocks' (free memory: MemFree plus the per-CPU free lists, which
 * MemFree leaves out and which hold tens of MiB, plus user pages,
 * AnonPages and PageTables, which the kernel does not keep; SUnreclaim;
 * Percpu).
 *
 * The bounds, per block: CY_FREE_BOUND_KB and CY_SLAB_BOUND_KB 512 kB,
 * CY_PERCPU_BOUND_KB 64 kB. Measured without a leak, group alone after a
 * fresh boot on a 2-core machine busy with kernel builds (stock: also
 * under two `yes`), a block of 20 lost -60 .. +180 kB on the stock kernel and
 * -68 .. +208 kB on the debug kernel (KASAN, kmemleak): 512 kB is about
 * 2.5 times the largest. Once, before user pages were counted, a block
 * lost 2,088 kB and the next one got 2,048 kB back. With the old reading
 * (drop_caches only, after one warm-up cycle) the debug kernel lost
 * 33,552 kB over 50 cycles, 32,236 kB of it SUnreclaim: KASAN's
 * quarantine (up to 1/32 of RAM) filling. A module leaking 64 KiB per
 * load loses 1,244 .. 1,380 kB per block on either kernel. A steady
 * leak above 512 / 20 = 26 kB per cycle fails make check (50 cycles:
 * warm-up 10, blocks of 20), above 512 / 400 = 1.3 kB per cycle make
 * check-long (1000: warm-up 200, blocks of 400). Smaller leaks are
 * kmemleak's to find on the debug kernel. The number of IRQ descriptors
 * (/sys/kernel/irq) and of /proc/interrupts lines never changes.
 *
 * Cycles: TDXQ_CYCLES, default 50 (make check) or 1000 (make check-long).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define CY_CYCLES		50
#define CY_CYCLES_LONG		1000
#define CY_HAMMER_MS		150
#define CY_THREADS		4
#define CY_WARM_MIN		5
#define CY_MAX_VECTORS		8
#define CY_FREE_BOUND_KB	512
#define CY_SLAB_BOUND_KB	512
#define CY_PERCPU_BOUND_KB	64
#define QCAP			(64 * 1024)
#define CBUF			16384

static atomic_bool cy_stop;
/* Calls the client threads made, all cycles (printed per block). */
static atomic_uint_fast64_t cy_calls;

struct cworker {
	pthread_t tid;
	int index;
	uint64_t seed;
	struct hx_tally tally;
	int bad;
};

static void *hammer_fn(void *arg)
{
	struct cworker *w = arg;
	struct tdx_quote_get_quote req;
	struct tdx_quote_info info;
	uint8_t rd[64], tdr[1024], *q = malloc(QCAP), *c = malloc(CBUF);
	uint64_t s = w->seed, z;
	int fd = -1, ret;

	while (q && c && !atomic_load(&cy_stop)) {
		z = (s += 0x9e3779b97f4a7c15ULL);
		z = (z ^ (z >> 31)) * 0xbf58476d1ce4e5b9ULL;
		z ^= z >> 29;
		if (fd < 0 || z % 8 == 0) {
			if (fd >= 0)
				close(fd);
			fd = open(z & 16 ? HX_GUEST_DEV : HX_DEV, O_RDWR | O_CLOEXEC);
			if (fd < 0) {
				hx_tally_add(&w->tally, errno);
				w->bad++;
				break;
			}
		}
		hx_reportdata(rd, z);
		switch ((z >> 8) % 10) {
		case 0 ... 4:
			ret = hx_get_quote(fd, rd, z & 32 ? 1 : 0, q, QCAP, &req);
			if (!ret && hx_find_reportdata(q, req.quote_len, rd) !=
			    HX_Q_REPORTDATA_OFF)
				w->bad++;
			break;
		case 5 ... 6:
			ret = hx_get_report(fd, rd, tdr);
			if (!ret)
				ret = hx_compat_quote(fd, TDX_QUOTE_CMD_COMPAT_GET_QUOTE_V2,
						      c, CBUF, tdr, z & 64);
			if (!ret && hx_compat_reply_problem(c, z & 64, 5000, rd))
				w->bad++;
			break;
		case 7 ... 8:
			ret = hx_get_report(fd, rd, tdr);
			break;
		default:
			ret = ioctl(fd, TDX_QUOTE_CMD_INFO, &info) ? errno : 0;
			break;
		}
		hx_tally_add(&w->tally, ret);
		atomic_fetch_add(&cy_calls, 1);
		if (ret && ret != ETIMEDOUT)
			w->bad++;
	}
	if (fd >= 0)
		close(fd);
	free(q);
	free(c);
	return NULL;
}

/* Opens the device over and over while the module is being removed. */
static atomic_bool cy_opener_stop, cy_removing;
static struct hx_tally cy_opener_tally;
static int cy_opener_bad;

static void *opener_fn(void *arg)
{
	struct tdx_quote_info info;
	int fd, err;

	(void)arg;
	while (!atomic_load(&cy_opener_stop)) {
		fd = open(HX_DEV, O_RDWR | O_CLOEXEC);
		err = fd < 0 ? errno : 0;
		if (fd >= 0) {
			if (ioctl(fd, TDX_QUOTE_CMD_INFO, &info))
				err = errno;
			close(fd);
		}
		hx_tally_add(&cy_opener_tally, err);
		/* Removal starts after cy_removing is set: look afterwards. */
		if (err && !(atomic_load(&cy_removing) &&
			     (err == ENOENT || err == ENODEV || err == ENXIO)))
			cy_opener_bad++;
		hx_sleep_ms(1);
	}
	return NULL;
}

struct snapshot {
	long long free, memfree, user, sunreclaim, percpu, vmalloc;
	long irq_descs, irq_lines;
	uint64_t calls;
	double drain_s;		/* how long the draining took */
};

static long count_lines(const char *path)
{
	FILE *f = fopen(path, "re");
	char buf[4096];
	long n = 0;

	if (!f)
		return -1;
	while (fgets(buf, sizeof(buf), f))
		if (strchr(buf, '\n'))
			n++;
	fclose(f);
	return n;
}

static void snap(struct snapshot *s)
{
	double t0 = hx_now();
	int ret = hx_drain_kernel_caches();
	long long anon, ptables;

	if (ret)
		fail_msg("draining the kernel's caches before a reading: %s",
			 strerror(-ret));
	s->free = hx_free_kb();
	s->memfree = hx_meminfo_kb("MemFree");
	/* Not the kernel's: a transparent huge page of ours moves 2 MiB. */
	anon = hx_meminfo_kb("AnonPages");
	ptables = hx_meminfo_kb("PageTables");
	s->user = anon + ptables;
	s->sunreclaim = hx_meminfo_kb("SUnreclaim");
	s->percpu = hx_meminfo_kb("Percpu");
	s->vmalloc = hx_meminfo_kb("VmallocUsed");
	if (anon < 0 || ptables < 0 || s->free < 0 || s->memfree < 0 ||
	    s->sunreclaim < 0 || s->percpu < 0 || s->vmalloc < 0)
		fail_msg("cannot read /proc/meminfo or /proc/zoneinfo");
	s->irq_descs = hx_dir_count("/sys/kernel/irq");
	s->irq_lines = count_lines("/proc/interrupts");
	s->calls = atomic_load(&cy_calls);
	s->drain_s = hx_now() - t0;
}

/* One cycle. Return: the notify vector (interrupt mode), 0 (polling). */
static unsigned int cycle(int n, bool opener)
{
	struct cworker w[CY_THREADS];
	struct tdx_quote_info info;
	struct timespec limit;
	pthread_t op = 0;
	bool polling = n % 5 == 4;
	uint64_t last = 0;
	unsigned int vector;
	int i, ret, hung = 0, bad = 0;

	ret = hx_modules_load(polling ? "service_us=500 notify=0" : "service_us=500",
			      "compat_dev=on timeout_ms=2000");
	if (ret)
		fail_msg("cycle %d: loading the modules: %s", n, strerror(-ret));
	hx_info(&info);
	if (info.notify_mode != (polling ? TDX_QUOTE_NOTIFY_POLL : TDX_QUOTE_NOTIFY_IRQ))
		fail_msg("cycle %d: notify mode %u, want %s", n, info.notify_mode,
			 polling ? "polling" : "interrupt");
	vector = polling ? 0 : info.notify_vector;
	if (!polling && hx_irq_count() < 0)
		fail_msg("cycle %d: no tdx_quote line in /proc/interrupts", n);
	hx_fd_close();

	atomic_store(&cy_stop, false);
	memset(w, 0, sizeof(w));
	for (i = 0; i < CY_THREADS; i++) {
		w[i].index = i;
		w[i].seed = (uint64_t)n * 1000 + i;
		if (pthread_create(&w[i].tid, NULL, hammer_fn, &w[i]))
			abort();
	}
	hx_sleep_ms(CY_HAMMER_MS);
	atomic_store(&cy_stop, true);
	clock_gettime(CLOCK_REALTIME, &limit);
	limit.tv_sec += 30;
	for (i = 0; i < CY_THREADS; i++) {
		if (pthread_timedjoin_np(w[i].tid, NULL, &limit)) {
			hung++;
			continue;
		}
		bad += w[i].bad;
		if (w[i].bad) {
			char line[256];

			hx_tally_str(&w[i].tally, line, sizeof(line));
			print_error("cycle %d thread %d: %s\n", n, i, line);
		}
	}
	if (hung)
		fail_msg("cycle %d: %d client thread(s) hung", n, hung);
	if (bad)
		fail_msg("cycle %d: %d bad result(s)", n, bad);

	/* The host lets go of every buffer before the module goes. */
	if (!hx_wait_stat_le("quarantined", 0, 10000, &last))
		fail_msg("cycle %d: quarantined still %" PRIu64, n, last);
	assert_int_equal(hx_stat("in_flight"), 0);
	assert_int_equal(hx_stat("leaked_bytes"), 0);
	assert_int_equal(hx_sim_stat("shared_bytes"), hx_stat("pooled_bytes"));

	if (opener) {
		atomic_store(&cy_opener_stop, false);
		atomic_store(&cy_removing, false);
		if (pthread_create(&op, NULL, opener_fn, NULL))
			abort();
		hx_sleep_ms(5);
		atomic_store(&cy_removing, true);
	}
	ret = hx_module_remove(HX_MODULE);
	if (opener) {
		atomic_store(&cy_opener_stop, true);
		pthread_join(op, NULL);
	}
	if (ret)
		fail_msg("cycle %d: removing tdx_quote: %s", n, strerror(-ret));
	ret = hx_sim_remove();
	if (ret)
		fail_msg("cycle %d: removing tdx_quote_sim: %s", n, strerror(-ret));
	if (cy_opener_bad)
		fail_msg("cycle %d: %d open/INFO result(s) other than success before, or ENOENT/ENODEV/ENXIO during removal",
			 n, cy_opener_bad);
	if (access(HX_DEV, F_OK) == 0 || access(HX_GUEST_DEV, F_OK) == 0 ||
	    hx_module_loaded(HX_MODULE) || hx_irq_count() >= 0)
		fail_msg("cycle %d: device node, module or interrupt left after unload", n);
	return vector;
}

/* Cycles @first .. @first + @count - 1; every notify vector seen into @vec. */
static void cycles_run(uint64_t first, uint64_t count, unsigned int *vectors,
		       unsigned int *nvec, double t0)
{
	uint64_t n;
	unsigned int v, j;

	for (n = first; n < first + count; n++) {
		v = cycle(n, n & 1);
		if (!((n + 1) % 100))
			print_message("  %" PRIu64 " cycles, %.1f s\n", n + 1,
				      hx_now() - t0);
		if (!v)
			continue;
		for (j = 0; j < *nvec && vectors[j] != v; j++)
			;
		if (j == *nvec) {
			if (*nvec == CY_MAX_VECTORS)
				fail_msg("cycle %" PRIu64 ": notify vector %u, the %u-th different one",
					 n, v, *nvec + 1);
			vectors[(*nvec)++] = v;
		}
	}
}

static long long min_ll(long long a, long long b)
{
	return a < b ? a : b;
}

static void print_block(const char *name, uint64_t cycles,
			const struct snapshot *s0, const struct snapshot *s1)
{
	print_message("  %s (%" PRIu64 " cycles, %" PRIu64 " calls, drained in %.1f s): free + user %lld -> %lld kB (%+lld; free alone %+lld, MemFree alone %+lld), SUnreclaim %+lld kB, Percpu %+lld kB, VmallocUsed %+lld kB\n",
		      name, cycles, s1->calls - s0->calls, s1->drain_s,
		      s0->free + s0->user, s1->free + s1->user,
		      s1->free + s1->user - s0->free - s0->user, s1->free - s0->free,
		      s1->memfree - s0->memfree, s1->sunreclaim - s0->sunreclaim,
		      s1->percpu - s0->percpu, s1->vmalloc - s0->vmalloc);
}

static void test_cycles(void **state)
{
	uint64_t cycles = hx_env_u64("TDXQ_CYCLES",
				     hx_long_mode() ? CY_CYCLES_LONG : CY_CYCLES);
	uint64_t block, warm;
	struct snapshot s0, s1, s2;
	unsigned int vectors[CY_MAX_VECTORS], nvec = 0, j;
	long long lost_free, grown_slab, grown_percpu;
	char line[512];
	double t0 = hx_now();

	(void)state;
	memset(&cy_opener_tally, 0, sizeof(cy_opener_tally));
	cy_opener_bad = 0;
	/*
	 * Two blocks of the same length, a multiple of 10 (the same mix of
	 * polling and opener cycles), after a warm-up of the rest (at least
	 * CY_WARM_MIN): 50 -> 10 + 20 + 20, 1000 -> 200 + 400 + 400.
	 */
	block = cycles * 2 / 5 / 10 * 10;
	if (block < 10)
		block = 10;
	warm = cycles > 2 * block + CY_WARM_MIN ? cycles - 2 * block : CY_WARM_MIN;

	cycles_run(0, warm, vectors, &nvec, t0);
	snap(&s0);
	cycles_run(warm, block, vectors, &nvec, t0);
	snap(&s1);
	cycles_run(warm + block, block, vectors, &nvec, t0);
	snap(&s2);

	hx_tally_str(&cy_opener_tally, line, sizeof(line));
	print_message("  %" PRIu64 " cycles (warm-up %" PRIu64 ", blocks A and B of %" PRIu64 ") in %.1f s (%.2f s each); notify vector(s):",
		      warm + 2 * block, warm, block, hx_now() - t0,
		      (hx_now() - t0) / (warm + 2 * block));
	for (j = 0; j < nvec; j++)
		print_message(" %u", vectors[j]);
	print_message("\n  opens during removal: %s\n", line);
	print_block("block A", block, &s0, &s1);
	print_block("block B", block, &s1, &s2);
	print_message("  IRQ descriptors %ld -> %ld -> %ld, /proc/interrupts lines %ld -> %ld -> %ld\n",
		      s0.irq_descs, s1.irq_descs, s2.irq_descs, s0.irq_lines,
		      s1.irq_lines, s2.irq_lines);

	/* The same vector every time: none leaked (a leak moves it). */
	assert_true(nvec <= 2);
	assert_int_equal(s1.irq_descs, s0.irq_descs);
	assert_int_equal(s2.irq_descs, s0.irq_descs);
	assert_int_equal(s1.irq_lines, s0.irq_lines);
	assert_int_equal(s2.irq_lines, s0.irq_lines);
	/* What both blocks lost: a leak loses as much in each (see top). */
	lost_free = min_ll(s0.free + s0.user - s1.free - s1.user,
			   s1.free + s1.user - s2.free - s2.user);
	grown_slab = min_ll(s1.sunreclaim - s0.sunreclaim,
			    s2.sunreclaim - s1.sunreclaim);
	grown_percpu = min_ll(s1.percpu - s0.percpu, s2.percpu - s1.percpu);
	print_message("  lost in both blocks: free + user %lld kB (%.1f kB/cycle, bound %d kB), SUnreclaim %lld kB (bound %d), Percpu %lld kB (bound %d)\n",
		      lost_free, (double)lost_free / block, CY_FREE_BOUND_KB,
		      grown_slab, CY_SLAB_BOUND_KB, grown_percpu,
		      CY_PERCPU_BOUND_KB);
	if (lost_free > CY_FREE_BOUND_KB)
		fail_msg("free memory (plus user pages) dropped by at least %lld kB in each block of %" PRIu64 " cycles (bound %d kB): a leak of about %lld kB per cycle",
			 lost_free, block, CY_FREE_BOUND_KB,
			 lost_free / (long long)block);
	if (grown_slab > CY_SLAB_BOUND_KB)
		fail_msg("unreclaimable slab grew by at least %lld kB in each block of %" PRIu64 " cycles (bound %d kB)",
			 grown_slab, block, CY_SLAB_BOUND_KB);
	if (grown_percpu > CY_PERCPU_BOUND_KB)
		fail_msg("percpu grew by at least %lld kB in each block of %" PRIu64 " cycles (bound %d kB)",
			 grown_percpu, block, CY_PERCPU_BOUND_KB);
}

static int setup_cycles(void **state)
{
	(void)state;
	/* The test loads and unloads the modules itself. */
	return hx_setup(NULL, NULL);
}

static int teardown_cycles(void **state)
{
	(void)state;
	atomic_store(&cy_stop, true);
	atomic_store(&cy_opener_stop, true);
	return hx_teardown();
}

int hx_run_cycles(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cycles),
	};

	return cmocka_run_group_tests_name("cycles", tests, setup_cycles,
					   teardown_cycles);
}
