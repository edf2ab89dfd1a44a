// SPDX-License-Identifier: GPL-2.0
/*
 * tdxq-tsm-bench: quotes through configfs-tsm (tdx_quote as provider
 * "tdx_guest"), run inside the test VM on a kernel with configfs-tsm
 * (tests/bench/tsm-bench.sh boots one). Each client is a thread doing
 * what go-configfs-tsm and libtdx_attest do for every quote (a new report
 * item, provider and generation checks, inblob, outblob, rmdir: the whole
 * sequence is timed), against the simulated host with service time S.
 *
 * Modes: irq (tdx_quote's defaults: event-notify interrupt) and upstream
 * (use_irq=0 poll_start_us=1000000 recheck_ms=1000 max_inflight=1: the
 * in-tree driver's 1 s polling and one request at a time, the same
 * configuration as tdxq-bench's upstream rows). In irq mode the same
 * clients also call GET_QUOTE on /dev/tdx_quote, for comparison: the TSM
 * core makes one report at a time system-wide (tsm_rwsem), the ioctl
 * path does not.
 *
 * Prints a markdown table and a CSV between marker lines; exits non-zero
 * only when a module does not load or a quote fails, never on timing.
 *
 * usage: tdxq-tsm-bench [--smoke] [--service US] [--duration S]
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
#include <unistd.h>

#include <linux/tdx_quote.h>

#include "hx_sys.h"
#include "hx_tsm.h"

#define MAX_CLIENTS	16
#define MAX_SAMPLES	200000
#define QCAP		65536

struct mode {
	const char *name;
	const char *params;	/* tdx_quote's, besides host=sim */
	bool count_limited;	/* one quote a second: count, not duration */
};

static const struct mode modes[] = {
	{ "irq", "", false },
	{ "upstream", "use_irq=0 poll_start_us=1000000 recheck_ms=1000 max_inflight=1", true },
};

struct run {
	const struct mode *mode;
	bool configfs;		/* else the GET_QUOTE ioctl */
	int clients;
	double duration;	/* seconds, if not count-limited */
	long count;		/* quotes, if count-limited */
	/* shared while running */
	atomic_bool stop;
	atomic_long started;
	atomic_long errors;
	pthread_barrier_t barrier;
};

struct client {
	pthread_t tid;
	struct run *run;
	int index;
	double *lat;
	long n;
	int first_err;
};

static int one_quote(struct client *c, int fd, long seq, uint8_t *q)
{
	uint8_t rd[64];
	char item[48], problem[256];
	size_t len;
	int i, ret;

	for (i = 0; i < 64; i++)
		rd[i] = (uint8_t)(seq * 31 + c->index * 7 + i);
	if (c->run->configfs) {
		snprintf(item, sizeof(item), "bench%d-%ld", c->index, seq);
		ret = hx_tsm_client(item, rd, q, QCAP, &len, problem, sizeof(problem));
		if (ret == -EPROTO && *problem)
			fprintf(stderr, "tdxq-tsm-bench: client refuses: %s\n", problem);
		return ret;
	}
	{
		struct tdx_quote_get_quote req;

		memset(&req, 0, sizeof(req));
		memcpy(req.reportdata, rd, 64);
		req.quote = (uint64_t)(uintptr_t)q;
		req.quote_len = QCAP;
		req.timeout_ms = 120000;
		return ioctl(fd, TDX_QUOTE_CMD_GET_QUOTE, &req) ? -errno : 0;
	}
}

static void *client_fn(void *arg)
{
	struct client *c = arg;
	struct run *r = c->run;
	uint8_t *q = malloc(QCAP);
	long seq = 0;
	double t0;
	int fd = -1, ret;

	if (!r->configfs)
		fd = open(TDX_QUOTE_DEVICE, O_RDWR | O_CLOEXEC);
	pthread_barrier_wait(&r->barrier);
	if (!q || (!r->configfs && fd < 0)) {
		c->first_err = q ? errno : ENOMEM;
		atomic_fetch_add(&r->errors, 1);
		goto out;
	}
	while (!atomic_load(&r->stop)) {
		if (r->mode->count_limited && atomic_fetch_add(&r->started, 1) >= r->count)
			break;
		t0 = hx_now();
		ret = one_quote(c, fd, seq++, q);
		if (ret) {
			if (!c->first_err)
				c->first_err = -ret;
			atomic_fetch_add(&r->errors, 1);
			continue;
		}
		if (c->n < MAX_SAMPLES)
			c->lat[c->n++] = hx_now() - t0;
	}
out:
	if (fd >= 0)
		close(fd);
	free(q);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static uint64_t stat_of(const char *name)
{
	char path[256];
	uint64_t v = 0;

	snprintf(path, sizeof(path), "/sys/class/misc/tdx_quote/stats/%s", name);
	hx_read_u64(path, &v);
	return v;
}

static char table[8192], csv[8192];

static int do_run(struct run *r, unsigned int service_us, bool record)
{
	struct client c[MAX_CLIENTS];
	double *all, t0, secs, p50, p99;
	uint64_t irq0, wake0, sw0, req0;
	long n = 0, errors;
	int i;

	memset(c, 0, sizeof(c));
	atomic_store(&r->stop, false);
	atomic_store(&r->started, 0);
	atomic_store(&r->errors, 0);
	pthread_barrier_init(&r->barrier, NULL, r->clients + 1);
	for (i = 0; i < r->clients; i++) {
		c[i].run = r;
		c[i].index = i;
		c[i].lat = malloc(sizeof(double) * MAX_SAMPLES);
		if (!c[i].lat)
			return -ENOMEM;
		pthread_create(&c[i].tid, NULL, client_fn, &c[i]);
	}
	irq0 = stat_of("interrupts");
	wake0 = stat_of("poll_wakeups");
	sw0 = stat_of("slot_waits");
	req0 = stat_of("requests");
	t0 = hx_now();
	pthread_barrier_wait(&r->barrier);
	if (!r->mode->count_limited) {
		hx_sleep_ms((unsigned int)(r->duration * 1000));
		atomic_store(&r->stop, true);
	}
	for (i = 0; i < r->clients; i++)
		pthread_join(c[i].tid, NULL);
	secs = hx_now() - t0;
	pthread_barrier_destroy(&r->barrier);
	errors = atomic_load(&r->errors);

	for (i = 0; i < r->clients; i++)
		n += c[i].n;
	all = malloc(sizeof(double) * (n ? n : 1));
	n = 0;
	for (i = 0; i < r->clients; i++) {
		memcpy(all + n, c[i].lat, sizeof(double) * c[i].n);
		n += c[i].n;
		if (c[i].first_err)
			fprintf(stderr, "tdxq-tsm-bench: %s %s %d clients: client %d: %s\n",
				r->mode->name, r->configfs ? "configfs" : "ioctl",
				r->clients, i, strerror(c[i].first_err));
		free(c[i].lat);
	}
	qsort(all, n, sizeof(double), cmp_double);
	p50 = n ? all[(n - 1) / 2] * 1e3 : 0;
	p99 = n ? all[(long)((n - 1) * 0.99)] * 1e3 : 0;
	free(all);
	if (!record)
		return errors ? -EIO : 0;
	{
		uint64_t reqs = stat_of("requests") - req0;
		double per = reqs ? 1.0 / reqs : 0;

		snprintf(table + strlen(table), sizeof(table) - strlen(table),
			 "| %s | %s | %.1f | %d | %ld | %ld | %.2f | %.3f | %.3f | %.2f | %.2f | %" PRIu64 " |\n",
			 r->mode->name, r->configfs ? "configfs-tsm" : "ioctl",
			 service_us / 1000.0, r->clients, n, errors, n / secs, p50, p99,
			 (stat_of("interrupts") - irq0) * per,
			 (stat_of("poll_wakeups") - wake0) * per,
			 stat_of("slot_waits") - sw0);
		snprintf(csv + strlen(csv), sizeof(csv) - strlen(csv),
			 "%s,%s,%u,%d,%ld,%ld,%.3f,%.3f,%.3f,%.3f,%.3f,%" PRIu64 "\n",
			 r->mode->name, r->configfs ? "configfs" : "ioctl", service_us,
			 r->clients, n, errors, n / secs, p50, p99,
			 (stat_of("interrupts") - irq0) * per,
			 (stat_of("poll_wakeups") - wake0) * per,
			 stat_of("slot_waits") - sw0);
	}
	printf("tdxq-tsm-bench: %s %s %d client(s): %ld quotes in %.1f s, p50 %.3f ms, p99 %.3f ms, %ld errors\n",
	       r->mode->name, r->configfs ? "configfs" : "ioctl", r->clients, n, secs,
	       p50, p99, errors);
	return errors ? -EIO : 0;
}

int main(int argc, char **argv)
{
	static const int nclients[] = { 1, MAX_CLIENTS };
	struct hx_tsm_kernel k;
	unsigned int service_us = 5000;
	double duration = 5;
	char sim[64], params[256];
	int i, m, p, ret, rc = 0;
	bool smoke = false;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--smoke"))
			smoke = true;
		else if (!strcmp(argv[i], "--service") && i + 1 < argc)
			service_us = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--duration") && i + 1 < argc)
			duration = strtod(argv[++i], NULL);
		else {
			fprintf(stderr, "usage: %s [--smoke] [--service US] [--duration S]\n", argv[0]);
			return 2;
		}
	}
	if (smoke)
		duration = 1;
	if (hx_tsm_kernel(&k) || !k.core) {
		fprintf(stderr, "tdxq-tsm-bench: %s: nothing to measure\n", k.why);
		return 1;
	}
	printf("tdxq-tsm-bench: %s; S = %u us, %.1f s per run (count-limited in upstream mode)\n",
	       k.why, service_us, duration);
	snprintf(sim, sizeof(sim), "notify=1 service_us=%u", service_us);
	for (m = 0; m < 2; m++) {
		snprintf(params, sizeof(params), "tsm=on %s", modes[m].params);
		ret = hx_modules_load(sim, params);
		if (!ret)
			ret = hx_tsm_mount();
		if (ret) {
			fprintf(stderr, "tdxq-tsm-bench: mode %s: %s\n", modes[m].name, strerror(-ret));
			hx_modules_remove();
			rc = 1;
			continue;
		}
		for (p = 0; p < (m ? 1 : 2); p++) {
			for (i = 0; i < 2; i++) {
				struct run r = {
					.mode = &modes[m], .configfs = !p,
					.clients = nclients[i], .duration = duration,
				};
				struct run warm = r;

				/* warm-up: the pooled buffer, caches */
				warm.clients = 1;
				warm.duration = 0.3;
				warm.count = 1;
				if (do_run(&warm, service_us, false))
					rc = 1;
				r.count = smoke ? nclients[i] : nclients[i] > 5 ? nclients[i] : 5;
				if (do_run(&r, service_us, true))
					rc = 1;
			}
		}
		hx_tsm_items_drop_all();
		if (hx_modules_remove())
			rc = 1;
	}
	printf("TDXQ-TSM-BENCH-TABLE-BEGIN\n");
	printf("| mode | path | S ms | clients | quotes | errors | quotes/s | p50 ms | p99 ms | irq/q | pollwake/q | slot_waits |\n");
	printf("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	printf("%s", table);
	printf("TDXQ-TSM-BENCH-TABLE-END\n");
	printf("TDXQ-TSM-BENCH-CSV-BEGIN\n");
	printf("mode,path,service_us,clients,quotes,errors,quotes_per_s,p50_ms,p99_ms,irq_per_quote,pollwake_per_quote,slot_waits\n");
	printf("%s", csv);
	printf("TDXQ-TSM-BENCH-CSV-END\n");
	return rc;
}
