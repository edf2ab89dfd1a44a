// SPDX-License-Identifier: GPL-2.0
/*
 * Many requests at once: 16 threads, each with its own report data, each
 * must get back a quote carrying exactly its own data; again with the host
 * limited to 4 requests in flight (RETRY answers, backoff). Callers that
 * find every request slot taken are served in arrival order, and one that
 * gives up while queued loses nobody else's turn.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define NTHREADS	16
#define PER_THREAD	4
#define QCAP		(64 * 1024)

struct worker {
	pthread_t tid;
	int index;
	int fd;
	pthread_barrier_t *barrier;
	/* results, checked by the main thread after join */
	int ok;
	int err;		/* first errno */
	int bad_len;		/* quotes of the wrong length */
	int bad_rd;		/* quotes without this request's report data */
	int foreign_rd;		/* quotes with another thread's report data */
	long bad_off;
};

static int setup_conc(void **state)
{
	(void)state;
	return hx_setup("", "");
}

static int teardown_conc(void **state)
{
	(void)state;
	return hx_teardown();
}

static uint64_t seed_of(int thread, int iter)
{
	return 0xc0c0000000ULL + (uint64_t)thread * 1000 + iter;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct tdx_quote_get_quote req;
	uint8_t rd[64], other[64], *q = malloc(QCAP);
	int i, t, ret;
	long off;

	if (!q) {
		w->err = ENOMEM;
		return NULL;
	}
	pthread_barrier_wait(w->barrier);
	for (i = 0; i < PER_THREAD; i++) {
		hx_reportdata(rd, seed_of(w->index, i));
		memset(q, 0, QCAP);
		ret = hx_get_quote(w->fd, rd, 0, q, QCAP, &req);
		if (ret) {
			if (!w->err)
				w->err = ret;
			continue;
		}
		if (req.quote_len != 5000) {
			w->bad_len++;
			continue;
		}
		off = hx_find_reportdata(q, req.quote_len, rd);
		if (off != HX_Q_REPORTDATA_OFF) {
			w->bad_rd++;
			w->bad_off = off;
			for (t = 0; t < NTHREADS; t++) {
				hx_reportdata(other, seed_of(t, i));
				if (hx_find_reportdata(q, req.quote_len, other) >= 0)
					w->foreign_rd++;
			}
			continue;
		}
		w->ok++;
	}
	free(q);
	return NULL;
}

static void run_threads(void)
{
	/* Heap, and leaked if a thread hangs: it may still write to it. */
	struct worker *w = calloc(NTHREADS, sizeof(*w));
	pthread_barrier_t *barrier = malloc(sizeof(*barrier));
	uint64_t succ0 = hx_stat("successes");
	int i, ok = 0, problems = 0, hung = 0;
	struct timespec limit;

	assert_non_null(w);
	assert_non_null(barrier);
	pthread_barrier_init(barrier, NULL, NTHREADS);
	for (i = 0; i < NTHREADS; i++) {
		w[i].index = i;
		w[i].fd = hx_fd();	/* one descriptor, shared */
		w[i].barrier = barrier;
		if (pthread_create(&w[i].tid, NULL, worker_fn, &w[i]))
			abort();	/* a barrier would wait forever */
	}
	/* Generous: 64 quotes of 5-50 ms each, even under TCG. */
	clock_gettime(CLOCK_REALTIME, &limit);
	limit.tv_sec += 180;
	for (i = 0; i < NTHREADS; i++)
		if (pthread_timedjoin_np(w[i].tid, NULL, &limit))
			hung++;
	if (hung)
		fail_msg("%d of %d threads still in GET_QUOTE after 180 s (in_flight %" PRIu64 ")",
			 hung, NTHREADS, hx_stat("in_flight"));
	pthread_barrier_destroy(barrier);
	free(barrier);

	for (i = 0; i < NTHREADS; i++) {
		ok += w[i].ok;
		if (w[i].err || w[i].bad_len || w[i].bad_rd) {
			problems++;
			print_error("thread %d: %d ok, first error %s, %d wrong length, %d without its report data (at %ld), %d with another's\n",
				    i, w[i].ok, w[i].err ? strerror(w[i].err) : "none",
				    w[i].bad_len, w[i].bad_rd, w[i].bad_off,
				    w[i].foreign_rd);
		}
	}
	free(w);
	assert_int_equal(problems, 0);
	assert_int_equal(ok, NTHREADS * PER_THREAD);
	assert_int_equal(hx_stat("successes") - succ0, NTHREADS * PER_THREAD);
	assert_int_equal(hx_stat("in_flight"), 0);
	assert_int_equal(hx_sim_stat("inflight"), 0);
}

static void test_16_threads(void **state)
{
	(void)state;
	run_threads();
	assert_int_equal(hx_sim_stat("rejects_inuse"), 0);
}

static void test_16_threads_host_limit_4(void **state)
{
	uint64_t sim_retries0, retries0;

	(void)state;
	sim_retries0 = hx_sim_stat("retries");
	retries0 = hx_stat("host_retries");
	hx_sim_param_set("max_inflight", "4");
	/* Longer service: requests pile up against the limit. */
	hx_sim_param_set("service_us", "50000");
	run_threads();
	hx_sim_param_set("max_inflight", "16");
	hx_sim_param_set("service_us", "5000");
	assert_true(hx_sim_stat("retries") > sim_retries0);
	assert_true(hx_stat("host_retries") > retries0);
	assert_int_equal(hx_stat("fail_busy"), 0);
	assert_int_equal(hx_sim_stat("rejects_inuse"), 0);
}

/* ------------------------------------------------------- slot queue */

#define ORDER_SERVICE_MS	200
#define ORDER_QUEUED		6

struct queued {
	pthread_t tid;
	int index;
	uint32_t timeout_ms;
	int err;
	int done_seq;		/* order of return, from 1 */
};

static atomic_int order_seq;

static void *queued_fn(void *arg)
{
	struct queued *c = arg;
	struct tdx_quote_get_quote req;
	uint8_t rd[64], *q = malloc(QCAP);

	if (!q) {
		c->err = ENOMEM;
		return NULL;
	}
	hx_reportdata(rd, seed_of(100, c->index));
	c->err = hx_get_quote(hx_fd(), rd, c->timeout_ms, q, QCAP, &req);
	c->done_seq = atomic_fetch_add(&order_seq, 1) + 1;
	if (!c->err && hx_find_reportdata(q, req.quote_len, rd) !=
		       HX_Q_REPORTDATA_OFF)
		c->err = EBADMSG;
	free(q);
	return NULL;
}

static void queued_start(struct queued *c, int index, uint32_t timeout_ms)
{
	c->index = index;
	c->timeout_ms = timeout_ms;
	if (pthread_create(&c->tid, NULL, queued_fn, c))
		fail_msg("pthread_create: %s", strerror(errno));
}

static int setup_one_slot(void **state)
{
	(void)state;
	return hx_setup("service_us=200000", "max_inflight=1");
}

static int teardown_one_slot(void **state)
{
	(void)state;
	hx_signals_restore();
	return hx_setup("", "");
}

/*
 * max_inflight 1 and a 200 ms host: one request holds the slot, six more
 * queue one after the other (each seen queued through slot_waits before
 * the next starts). The third gives up by its timeout, the fourth by a
 * signal, both long before their turn could come (at least two full
 * service times away); the other four must get their quotes in the order
 * they queued, and the slot must be free afterwards.
 */
static void test_slots_in_arrival_order(void **state)
{
	static struct queued holder, c[ORDER_QUEUED];
	const uint32_t quick_ms = ORDER_SERVICE_MS * 3 / 4;
	uint64_t waits0, tmo0, intr0, last;
	int i;

	(void)state;
	hx_signals_install();
	atomic_store(&order_seq, 0);
	waits0 = hx_stat("slot_waits");
	tmo0 = hx_stat("fail_timeout");
	intr0 = hx_stat("fail_interrupted");

	queued_start(&holder, 99, 60000);
	if (!hx_wait_stat_ge("in_flight", 1, 10000, &last))
		fail_msg("the first request never reached the host");
	for (i = 0; i < ORDER_QUEUED; i++) {
		queued_start(&c[i], i, i == 2 ? quick_ms : 60000);
		if (!hx_wait_stat_ge("slot_waits", waits0 + i + 1, 10000, &last))
			fail_msg("caller %d never queued for a slot (slot_waits %" PRIu64 ")",
				 i, last - waits0);
		if (i == 3)
			pthread_kill(c[i].tid, SIGUSR1);
	}
	pthread_join(holder.tid, NULL);
	for (i = 0; i < ORDER_QUEUED; i++)
		pthread_join(c[i].tid, NULL);

	if (holder.err)
		fail_msg("the slot holder: %s", strerror(holder.err));
	for (i = 0; i < ORDER_QUEUED; i++) {
		int want = i == 2 ? ETIMEDOUT : i == 3 ? EINTR : 0;

		if (c[i].err != want)
			fail_msg("caller %d: %s, want %s", i,
				 c[i].err ? strerror(c[i].err) : "a quote",
				 want ? strerror(want) : "a quote");
	}
	/* Those that stayed in the queue return in the order they joined it. */
	if (!(holder.done_seq < c[0].done_seq &&
	      c[0].done_seq < c[1].done_seq && c[1].done_seq < c[4].done_seq &&
	      c[4].done_seq < c[5].done_seq))
		fail_msg("served out of order: holder returned %d-th, callers 0, 1, 4, 5 %d, %d, %d, %d-th",
			 holder.done_seq, c[0].done_seq, c[1].done_seq,
			 c[4].done_seq, c[5].done_seq);
	assert_int_equal(hx_stat("slot_waits") - waits0, ORDER_QUEUED);
	assert_int_equal(hx_stat("fail_timeout") - tmo0, 1);
	assert_int_equal(hx_stat("fail_interrupted") - intr0, 1);
	/* Neither lost the slot: it is free now, and quarantine is empty. */
	assert_int_equal(hx_stat("in_flight"), 0);
	assert_int_equal(hx_stat("quarantined"), 0);
	queued_start(&holder, 98, 60000);
	pthread_join(holder.tid, NULL);
	assert_int_equal(holder.err, 0);
	assert_int_equal(hx_stat("slot_waits") - waits0, ORDER_QUEUED);
}

int hx_run_concurrency(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_16_threads),
		cmocka_unit_test(test_16_threads_host_limit_4),
		cmocka_unit_test_setup_teardown(test_slots_in_arrival_order,
						setup_one_slot,
						teardown_one_slot),
	};

	return cmocka_run_group_tests_name("concurrency", tests, setup_conc,
					   teardown_conc);
}
