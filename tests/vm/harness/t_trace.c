// SPDX-License-Identifier: GPL-2.0
/*
 * The tdx_quote trace events (include/tdxq_trace.h), read through tracefs
 * in a trace instance of the test's own: one request's whole path under
 * one id, with the values the ioctl and the counters report; a host
 * error, a lost interrupt (re-check), a timeout into quarantine and out,
 * spurious interrupts, polling, and a buffer converted in 2 MiB pieces
 * (and failing part way).
 *
 * A kernel without tracefs fails this group: every kernel of the matrix
 * has tracing on (Debian's stock configs, and the debug kernel's
 * CONFIG_TRACING).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define QCAP		(64 * HX_KiB)
#define BIG_QUOTE	(3 * HX_MiB)
#define BIG_BUF		(4 * HX_MiB)
#define PIECE_MAX	(2 * HX_MiB)
#define INSTANCE	"tdxq_vmtest"
#define MAX_EVENTS	4096

struct ev {
	char name[32];
	char args[224];
};

static char tr_dir[128];	/* the instance's directory, once made */
static char record_cmd[8];	/* options/record-cmd before trace_start() */
static struct ev *evs;
static int nevs;

/* ------------------------------------------------------------ tracefs */

/* tracefs mounted at /sys/kernel/tracing (mounted here if need be). */
static const char *tracefs_root(void)
{
	static const char *const roots[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[96];
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/instances", roots[i]);
		if (!access(path, F_OK))
			return roots[i];
	}
	if (access(roots[0], F_OK))
		fail_msg("no %s: this kernel has no tracefs (tracing is off in its config?)",
			 roots[0]);
	if (mount("tracefs", roots[0], "tracefs", 0, NULL) && errno != EBUSY)
		fail_msg("mount -t tracefs %s: %s", roots[0], strerror(errno));
	snprintf(path, sizeof(path), "%s/instances", roots[0]);
	if (access(path, F_OK))
		fail_msg("tracefs mounted on %s has no instances/", roots[0]);
	return roots[0];
}

/* Empty the instance's buffer (opening its trace file with O_TRUNC). */
static void trace_clear(void)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/trace", tr_dir);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		fail_msg("clearing %s: %s", path, strerror(errno));
	close(fd);
}

/*
 * The top-level record-cmd option (a top-level flag instances share) makes
 * enabling and disabling any event hook and unhook sched_switch and
 * sched_wakeup: static keys in __schedule() and try_to_wake_up() patched
 * through int3 while the other vCPU runs them. Under QEMU TCG that killed
 * the guest twice in one make check (6.12 and 7.2: "Oops: int3" in
 * __schedule, ttwu_do_activate). The events here need no command names:
 * off while the instance lives, as it was after.
 */
static void record_cmd_off(const char *root)
{
	char path[160];
	int ret;

	snprintf(path, sizeof(path), "%s/options/record-cmd", root);
	if (!record_cmd[0]) {
		ret = hx_read_str(path, record_cmd, sizeof(record_cmd));
		if (ret)
			fail_msg("read %s: %s", path, strerror(-ret));
	}
	hx_write_or_fail(root, "options/record-cmd", "0");
}

static void record_cmd_restore(void)
{
	char path[160];
	int ret;

	if (!record_cmd[0])
		return;
	snprintf(path, sizeof(path), "%s/options/record-cmd", tracefs_root());
	ret = hx_write_str(path, record_cmd);
	if (ret)
		fprintf(stderr, "tdxq-vmtest: restoring %s: %s\n", path,
			strerror(-ret));
	record_cmd[0] = '\0';
}

/* A fresh trace instance recording every tdx_quote event. */
static void trace_start(void)
{
	const char *root = tracefs_root();
	char path[160];

	record_cmd_off(root);
	snprintf(tr_dir, sizeof(tr_dir), "%s/instances/" INSTANCE, root);
	if (mkdir(tr_dir, 0755) && errno != EEXIST)
		fail_msg("mkdir %s: %s", tr_dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/events/tdx_quote", tr_dir);
	if (access(path, F_OK))
		fail_msg("no %s: tdx_quote.ko has no trace events here", path);
	hx_write_or_fail(tr_dir, "tracing_on", "0");
	trace_clear();
	hx_write_or_fail(tr_dir, "events/tdx_quote/enable", "1");
	hx_write_or_fail(tr_dir, "tracing_on", "1");
}

/* Parse "...: tdxq_NAME: k=v k=v" lines of the instance's trace file. */
static void trace_read(void)
{
	char path[256], *text = NULL, *line, *save, *p, *colon;
	size_t cap = 0, len = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/trace", tr_dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail_msg("open %s: %s", path, strerror(errno));
	do {
		if (cap - len < 65536) {
			cap = cap ? 2 * cap : 262144;
			text = realloc(text, cap);
			assert_non_null(text);
		}
		n = read(fd, text + len, cap - len - 1);
		if (n > 0)
			len += n;
	} while (n > 0);
	close(fd);
	if (n < 0)
		fail_msg("read %s: %s", path, strerror(errno));
	text[len] = '\0';

	if (!evs)
		evs = calloc(MAX_EVENTS, sizeof(*evs));
	assert_non_null(evs);
	nevs = 0;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		p = strstr(line, ": tdxq_");
		if (!p)
			continue;
		p += 2;
		colon = strchr(p, ':');
		if (!colon || colon - p >= (long)sizeof(evs[0].name))
			continue;
		if (nevs == MAX_EVENTS)
			fail_msg("more than %d events in the trace", MAX_EVENTS);
		memcpy(evs[nevs].name, p, colon - p);
		evs[nevs].name[colon - p] = '\0';
		snprintf(evs[nevs].args, sizeof(evs[nevs].args), " %s",
			 colon + 1 + (colon[1] == ' '));
		nevs++;
	}
	free(text);
}

/* Stop recording and parse what was recorded. */
static void trace_stop(void)
{
	hx_write_or_fail(tr_dir, "tracing_on", "0");
	trace_read();
}

/* Disable and remove the instance (teardown: tracing must not outlive it). */
static void trace_remove(void)
{
	char path[256];

	if (!tr_dir[0])
		return;
	snprintf(path, sizeof(path), "%s/events/tdx_quote/enable", tr_dir);
	hx_write_str(path, "0");
	if (rmdir(tr_dir) && errno != ENOENT)
		fprintf(stderr, "tdxq-vmtest: rmdir %s: %s\n", tr_dir,
			strerror(errno));
	tr_dir[0] = '\0';
	record_cmd_restore();
}

static void trace_dump(void)
{
	int i;

	for (i = 0; i < nevs; i++)
		print_message("    %s:%s\n", evs[i].name, evs[i].args);
}

/* ---------------------------------------------------- event fields */

/* The text after " @key=" in @e, or NULL. */
static const char *ev_field(const struct ev *e, const char *key)
{
	char pat[40];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(e->args, pat);
	return p ? p + strlen(pat) : NULL;
}

/* The text after " @key=" in @e, or fail. */
static const char *ev_need(const struct ev *e, const char *key)
{
	const char *p = ev_field(e, key);

	if (!p) {
		trace_dump();
		fail_msg("%s without %s=", e->name, key);
	}
	return p;
}

static uint64_t ev_u64(const struct ev *e, const char *key)
{
	return strtoull(ev_need(e, key), NULL, 0);
}

static int64_t ev_s64(const struct ev *e, const char *key)
{
	return strtoll(ev_need(e, key), NULL, 0);
}

/* Does field @key read exactly @val? */
static bool ev_is(const struct ev *e, const char *key, const char *val)
{
	const char *p = ev_field(e, key);
	size_t n = strlen(val);

	return p && !strncmp(p, val, n) && (p[n] == ' ' || p[n] == '\0');
}

static bool ev_named(const struct ev *e, const char *name)
{
	return !strcmp(e->name, name);
}

/* Events named @name (any name if NULL) of request @id, in order. */
static int ev_of(uint64_t id, const char *name, const struct ev **out,
		 int max)
{
	int i, n = 0;

	for (i = 0; i < nevs; i++) {
		if (name && !ev_named(&evs[i], name))
			continue;
		if (!ev_field(&evs[i], "id") || ev_u64(&evs[i], "id") != id)
			continue;
		if (n < max)
			out[n] = &evs[i];
		n++;
	}
	return n;
}

/* The one event @name of request @id, or fail. */
static const struct ev *ev_one(uint64_t id, const char *name)
{
	const struct ev *e[2];
	int n = ev_of(id, name, e, 2);

	if (n != 1) {
		trace_dump();
		fail_msg("request %" PRIu64 ": %d %s events, want 1", id, n,
			 name);
	}
	return e[0];
}

/* Events named @name, whatever their id. */
static int ev_count(const char *name)
{
	int i, n = 0;

	for (i = 0; i < nevs; i++)
		n += ev_named(&evs[i], name);
	return n;
}

/* Ids of the tdxq_request events, in order; returns how many. */
static int request_ids(uint64_t *ids, int max)
{
	int i, n = 0;

	for (i = 0; i < nevs; i++) {
		if (!ev_named(&evs[i], "tdxq_request"))
			continue;
		if (n < max)
			ids[n] = ev_u64(&evs[i], "id");
		n++;
	}
	return n;
}

/* The request's events are @names, in this order, and nothing else. */
static void expect_path(uint64_t id, const char *const *names, int n)
{
	const struct ev *e[64];
	int got = ev_of(id, NULL, e, 64), i;

	for (i = 0; i < n && i < got; i++)
		if (!ev_named(e[i], names[i]))
			break;
	if (got != n || i != n) {
		trace_dump();
		fail_msg("request %" PRIu64 ": event %d is %s, want %s (%d events, want %d)",
			 id, i, i < got ? e[i]->name : "missing",
			 i < n ? names[i] : "none", got, n);
	}
}

/* ------------------------------------------------------------ quotes */

static int quote(uint64_t seed, uint32_t timeout_ms,
		 struct tdx_quote_get_quote *req)
{
	uint8_t rd[64], *q = malloc(BIG_QUOTE);
	int ret;

	assert_non_null(q);
	hx_reportdata(rd, seed);
	ret = hx_get_quote(hx_fd(), rd, timeout_ms, q, BIG_QUOTE, req);
	if (!ret)
		hx_check_quote(q, req->quote_len, req->quote_len, rd);
	free(q);
	return ret;
}

/*
 * One quote (@timeout_ms, 0 for the default), traced, with sim parameter
 * @knob at @on (back to @off after it): it must end with @want (0 or an
 * errno). Return: its request id.
 */
static uint64_t traced_quote(const char *knob, const char *on, const char *off,
			     uint64_t seed, uint32_t timeout_ms, int want,
			     struct tdx_quote_get_quote *req)
{
	uint64_t id;
	int ret;

	hx_sim_param_set(knob, on);
	trace_start();
	ret = quote(seed, timeout_ms, req);
	trace_stop();
	hx_sim_param_set(knob, off);
	if (ret != want)
		fail_msg("GET_QUOTE with %s=%s: %s, want %s", knob, on,
			 strerror(ret), strerror(want));
	assert_int_equal(request_ids(&id, 1), 1);
	return id;
}

/* ------------------------------------------------- the default host */

static int setup_irq(void **state)
{
	(void)state;
	return hx_setup("", "");
}

static int teardown_trace(void **state)
{
	(void)state;
	trace_remove();
	return hx_teardown();
}

static const char *const path_converted[] = {
	"tdxq_request", "tdxq_slot_grant", "tdxq_convert", "tdxq_buf_get",
	"tdxq_submit", "tdxq_complete", "tdxq_request_done",
};
static const char *const path_pooled[] = {
	"tdxq_request", "tdxq_slot_grant", "tdxq_buf_get", "tdxq_submit",
	"tdxq_complete", "tdxq_request_done",
};

/*
 * Three quotes from a fresh module: each id's path in order, the first
 * buffer converted, the others from the pool (the same GPA), and the
 * values the ioctl reported.
 */
static void test_path(void **state)
{
	struct tdx_quote_get_quote req[3];
	const struct ev *e, *sub, *done, *cv[8];
	uint64_t ids[4], intr0, v, gpa = 0, bytes;
	int i, n, ncv;

	(void)state;
	assert_int_equal(hx_stat("pooled_bytes"), 0);
	intr0 = hx_stat("interrupts");
	trace_start();
	for (i = 0; i < 3; i++)
		assert_int_equal(quote(0x7e00 + i, 0, &req[i]), 0);
	/* Each completion's interrupt may trail its status by a moment. */
	assert_true(hx_wait_stat_ge("interrupts", intr0 + 3, 5000, &v));
	trace_stop();

	n = request_ids(ids, 4);
	assert_int_equal(n, 3);
	assert_true(ids[0] > 0 && ids[1] > ids[0] && ids[2] > ids[1]);
	for (i = 0; i < 3; i++) {
		if (i == 0)
			expect_path(ids[i], path_converted, 7);
		else
			expect_path(ids[i], path_pooled, 6);
		e = ev_one(ids[i], "tdxq_request");
		assert_int_equal(ev_u64(e, "timeout_ms"), hx_param("timeout_ms"));
		e = ev_one(ids[i], "tdxq_slot_grant");
		assert_int_equal(ev_u64(e, "queued"), 0);
		assert_int_equal(ev_s64(e, "ret"), 0);

		e = ev_one(ids[i], "tdxq_buf_get");
		assert_int_equal(ev_u64(e, "size"), req[i].buf_len);
		assert_true(ev_u64(e, "len") >= req[i].buf_len);
		assert_int_equal(ev_s64(e, "ret"), 0);
		assert_true(ev_is(e, "from", i ? "pool" : "converted"));
		if (i) {
			assert_int_equal(ev_s64(e, "get_ns"), 0);
		} else {
			assert_true(ev_s64(e, "get_ns") > 0);
			ncv = ev_of(ids[i], "tdxq_convert", cv, 8);
			assert_true(ncv >= 1 && ncv <= 8);
			for (bytes = 0, n = 0; n < ncv; n++) {
				assert_true(ev_is(cv[n], "to", "shared"));
				assert_int_equal(ev_s64(cv[n], "ret"), 0);
				bytes += ev_u64(cv[n], "bytes");
			}
			assert_int_equal(bytes, ev_u64(e, "len"));
		}

		sub = ev_one(ids[i], "tdxq_submit");
		assert_int_equal(ev_u64(sub, "vmcall_status"), 0);
		assert_int_equal(ev_u64(sub, "size"), req[i].buf_len);
		assert_true(ev_u64(sub, "gpa") != 0);
		/* One buffer, converted once, reused: the same GPA. */
		if (!i)
			gpa = ev_u64(sub, "gpa");
		assert_int_equal(ev_u64(sub, "gpa"), gpa);

		e = ev_one(ids[i], "tdxq_complete");
		assert_int_equal(ev_u64(e, "status"), 0);
		assert_int_equal(ev_u64(e, "out_len"), req[i].quote_len);
		assert_int_equal(ev_s64(e, "ret"), 0);
		/* The host takes 5 ms: woken by its interrupt (or done before
		 * the waiter first looked), never by the 500 ms re-check. */
		if (!ev_is(e, "wake", "irq") && !ev_is(e, "wake", "at_once"))
			fail_msg("request %" PRIu64 " woken by %s", ids[i],
				 ev_field(e, "wake"));
		done = ev_one(ids[i], "tdxq_request_done");
		assert_int_equal(ev_s64(done, "ret"), 0);
		assert_int_equal(ev_u64(done, "len"), req[i].quote_len);
		assert_true(ev_s64(e, "latency_ns") > 0);
		assert_true(ev_s64(done, "latency_ns") >= ev_s64(e, "latency_ns"));
	}
	/* Every interrupt traced, none spurious. */
	assert_int_equal(ev_count("tdxq_notify_irq"), hx_stat("interrupts") - intr0);
	for (i = 0; i < nevs; i++)
		if (ev_named(&evs[i], "tdxq_notify_irq"))
			assert_int_equal(ev_u64(&evs[i], "spurious"), 0);
	print_message("  3 requests, ids %" PRIu64 "..%" PRIu64 ", %d events, %d interrupts\n",
		      ids[0], ids[2], nevs, ev_count("tdxq_notify_irq"));
	trace_remove();
}

/* The host completes with ERROR: both framings tried, both traced. */
static void test_host_error(void **state)
{
	struct tdx_quote_get_quote req;
	const struct ev *c[4];
	uint64_t id;
	int i;

	(void)state;
	id = traced_quote("fault_status", "error", "none", 0x7e10, 0, EIO,
			  &req);
	assert_int_equal(ev_of(id, "tdxq_submit", c, 4), 2);
	assert_int_equal(ev_of(id, "tdxq_complete", c, 4), 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(ev_u64(c[i], "status"), HX_STATUS_ERROR);
		assert_int_equal(ev_s64(c[i], "ret"), -EIO);
	}
	assert_int_equal(ev_u64(c[1], "status"), req.host_status);
	assert_int_equal(ev_s64(ev_one(id, "tdxq_request_done"), "ret"), -EIO);
}

/* The host answers RETRY until the timeout: every call traced, backing off. */
static void test_retry(void **state)
{
	struct tdx_quote_get_quote req;
	const struct ev *sub[64];
	uint64_t id;
	int i, n;

	(void)state;
	id = traced_quote("fault_vmcall", "retry", "none", 0x7e18, 300, EBUSY,
			  &req);
	n = ev_of(id, "tdxq_submit", sub, 64);
	/* Back-off from 1 ms doubling: several calls in 300 ms, not hundreds. */
	if (n < 3 || n > 64) {
		trace_dump();
		fail_msg("%d GetQuote calls answered RETRY in 300 ms", n);
	}
	for (i = 0; i < n; i++) {
		assert_int_equal(ev_u64(sub[i], "vmcall_status"), 1);
		assert_int_equal(ev_u64(sub[i], "gpa"), ev_u64(sub[0], "gpa"));
	}
	assert_int_equal(req.vmcall_status, 1);
	assert_int_equal(ev_of(id, "tdxq_complete", sub, 64), 0);
	assert_int_equal(ev_s64(ev_one(id, "tdxq_request_done"), "ret"), -EBUSY);
	print_message("  %d GetQuote calls answered RETRY\n", n);
}

/* The host loses the interrupt: the re-check (500 ms) finds the answer. */
static void test_recheck(void **state)
{
	struct tdx_quote_get_quote req;
	const struct ev *e;
	uint64_t id, dropped0;

	(void)state;
	dropped0 = hx_sim_stat("irqs_dropped");
	id = traced_quote("irq_drop", "1", "0", 0x7e20, 0, 0, &req);
	assert_int_equal(hx_sim_stat("irqs_dropped") - dropped0, 1);
	e = ev_one(id, "tdxq_complete");
	if (!ev_is(e, "wake", "recheck")) {
		trace_dump();
		fail_msg("a lost interrupt: woken by %s, want recheck",
			 ev_field(e, "wake"));
	}
	assert_int_equal(ev_u64(e, "status"), 0);
	assert_int_equal(ev_u64(e, "out_len"), req.quote_len);
	/* The first re-check comes recheck_ms after GetQuote, not before. */
	assert_true(ev_s64(e, "latency_ns") >= 450 * 1000000LL);
	assert_int_equal(ev_count("tdxq_notify_irq"), 0);
}

/* Timed out while the host holds the buffer: quarantine in, later out. */
static void test_quarantine(void **state)
{
	struct tdx_quote_get_quote req;
	const struct ev *in, *out, *get;
	uint64_t id, last = 0;
	int ret;

	(void)state;
	assert_int_equal(hx_stat("quarantined"), 0);
	hx_sim_param_set("fault_stuck", "1");
	trace_start();
	ret = quote(0x7e30, 300, &req);
	assert_int_equal(ret, ETIMEDOUT);
	assert_int_equal(hx_stat("quarantined"), 1);
	hx_sleep_ms(200);
	hx_sim_param_set("fault_stuck", "0");
	hx_sim_param_set("complete_stuck", "1");
	if (!hx_wait_stat_le("quarantined", 0, 10000, &last))
		fail_msg("quarantined still %" PRIu64 " 10 s after complete_stuck",
			 last);
	trace_stop();

	assert_int_equal(request_ids(&id, 1), 1);
	get = ev_one(id, "tdxq_buf_get");
	assert_int_equal(ev_u64(ev_one(id, "tdxq_submit"), "vmcall_status"), 0);
	assert_int_equal(ev_of(id, "tdxq_complete", &in, 1), 0);
	in = ev_one(id, "tdxq_quarantine_in");
	assert_int_equal(ev_s64(in, "reason"), -ETIMEDOUT);
	assert_int_equal(ev_u64(in, "len"), ev_u64(get, "len"));
	assert_int_equal(ev_s64(ev_one(id, "tdxq_request_done"), "ret"), -ETIMEDOUT);

	out = ev_one(id, "tdxq_quarantine_out");
	assert_true(out > in);
	assert_int_equal(ev_u64(out, "len"), ev_u64(in, "len"));
	assert_int_equal(ev_u64(out, "leaked"), 0);
	assert_true(ev_u64(out, "status") != HX_STATUS_IN_FLIGHT);
	/* Held from the timeout until complete_stuck, 200 ms later at least. */
	assert_true(ev_s64(out, "held_ns") >= 200 * 1000000LL);
	assert_int_equal(ev_count("tdxq_quarantine_in"), 1);
	assert_int_equal(ev_count("tdxq_quarantine_out"), 1);
}

/* Interrupts while no request is out: traced as spurious. */
static void test_spurious(void **state)
{
	uint64_t sp0;
	int i, n = 0;

	(void)state;
	/* Past the grace after the last request gave back its slot. */
	hx_sleep_ms(300);
	sp0 = hx_stat("spurious_interrupts");
	trace_start();
	hx_sim_param_set("irq_storm_now", "3");
	hx_wait_stat_ge("spurious_interrupts", sp0 + 3, 5000, &sp0);
	trace_stop();
	for (i = 0; i < nevs; i++) {
		if (!ev_named(&evs[i], "tdxq_notify_irq"))
			continue;
		assert_int_equal(ev_u64(&evs[i], "spurious"), 1);
		n++;
	}
	assert_int_equal(n, 3);
	assert_int_equal(request_ids(NULL, 0), 0);
}

/* ------------------------------------------------------------ polling */

static int setup_poll(void **state)
{
	(void)state;
	return hx_setup("notify=0", "");
}

static void test_poll(void **state)
{
	struct tdx_quote_get_quote req;
	const struct ev *e;
	uint64_t ids[3];
	int i;

	(void)state;
	trace_start();
	for (i = 0; i < 2; i++)
		assert_int_equal(quote(0x7e40 + i, 0, &req), 0);
	trace_stop();
	assert_int_equal(request_ids(ids, 3), 2);
	for (i = 0; i < 2; i++) {
		e = ev_one(ids[i], "tdxq_complete");
		if (!ev_is(e, "wake", "poll") && !ev_is(e, "wake", "at_once"))
			fail_msg("polling mode: woken by %s", ev_field(e, "wake"));
	}
	assert_int_equal(ev_count("tdxq_notify_irq"), 0);
}

/* ---------------------------------------------------- one request slot */

static int setup_one_slot(void **state)
{
	(void)state;
	return hx_setup("service_us=300000", "max_inflight=1");
}

struct caller {
	pthread_t tid;
	int fd;
	uint64_t seed;
	int err;
};

static void *caller_fn(void *arg)
{
	struct caller *c = arg;
	struct tdx_quote_get_quote req;
	uint8_t rd[64], *q = malloc(QCAP);

	hx_reportdata(rd, c->seed);
	c->err = q ? hx_get_quote(c->fd, rd, 60000, q, QCAP, &req) : ENOMEM;
	free(q);
	return NULL;
}

/*
 * One slot, a 300 ms host: the second caller queues (slot_wait) and gets
 * the slot (slot_grant queued) only once the first request is over.
 */
static void test_slot_wait(void **state)
{
	static struct caller c[2];
	const struct ev *w, *g, *first_done, *done;
	uint64_t waits0, last, ids[3];
	int i;

	(void)state;
	waits0 = hx_stat("slot_waits");
	trace_start();
	for (i = 0; i < 2; i++) {
		c[i].fd = hx_fd();
		c[i].seed = 0x7e70 + i;
		c[i].err = -1;
		if (pthread_create(&c[i].tid, NULL, caller_fn, &c[i]))
			fail_msg("pthread_create: %s", strerror(errno));
		if (!hx_wait_stat_ge(i ? "slot_waits" : "in_flight",
				     i ? waits0 + 1 : 1, 10000, &last))
			fail_msg("caller %d never %s", i,
				 i ? "queued" : "reached the host");
	}
	for (i = 0; i < 2; i++)
		pthread_join(c[i].tid, NULL);
	trace_stop();
	assert_int_equal(c[0].err, 0);
	assert_int_equal(c[1].err, 0);

	assert_int_equal(request_ids(ids, 3), 2);
	g = ev_one(ids[0], "tdxq_slot_grant");
	assert_int_equal(ev_u64(g, "queued"), 0);
	assert_int_equal(ev_of(ids[0], "tdxq_slot_wait", &w, 1), 0);
	first_done = ev_one(ids[0], "tdxq_request_done");

	w = ev_one(ids[1], "tdxq_slot_wait");
	assert_int_equal(ev_u64(w, "used"), 1);
	assert_int_equal(ev_u64(w, "max"), 1);
	g = ev_one(ids[1], "tdxq_slot_grant");
	assert_int_equal(ev_u64(g, "queued"), 1);
	assert_int_equal(ev_s64(g, "ret"), 0);
	assert_true(g > w && g > first_done);
	done = ev_one(ids[1], "tdxq_request_done");
	assert_true(ev_s64(g, "wait_ns") > 0);
	assert_true(ev_s64(g, "wait_ns") < ev_s64(done, "latency_ns"));
	print_message("  the second request queued %.0f ms for the slot\n",
		      ev_s64(g, "wait_ns") / 1e6);
}

/* ------------------------------------------- a buffer of 2 MiB pieces */

static int setup_pieces(void **state)
{
	(void)state;
	/* A 3 MiB quote in a 4 MiB buffer from the first request on. */
	return hx_setup("max_buf=67108864 quote_size=3145728",
			"initial_buf_len=4194304 pool_idle_ms=300");
}

/* Converting its second piece fails: the first goes back, nothing else. */
static void test_pieces_fail(void **state)
{
	struct tdx_quote_get_quote req;
	const struct ev *cv[8], *get;
	uint64_t id;

	(void)state;
	hx_sim_param_set("conv_fail_skip", "1");
	id = traced_quote("conv_fail_shared", "1", "0", 0x7e50, 0, ENOMEM,
			  &req);
	if (ev_of(id, "tdxq_convert", cv, 8) != 3) {
		trace_dump();
		fail_msg("want 3 conversions: shared ok, shared failed, private ok");
	}
	assert_true(ev_is(cv[0], "to", "shared"));
	assert_int_equal(ev_s64(cv[0], "ret"), 0);
	assert_int_equal(ev_u64(cv[0], "bytes"), PIECE_MAX);
	assert_true(ev_is(cv[1], "to", "shared"));
	assert_true(ev_s64(cv[1], "ret") < 0);
	assert_int_equal(ev_u64(cv[1], "pa"), ev_u64(cv[0], "pa") + PIECE_MAX);
	assert_true(ev_is(cv[2], "to", "private"));
	assert_int_equal(ev_s64(cv[2], "ret"), 0);
	assert_int_equal(ev_u64(cv[2], "pa"), ev_u64(cv[0], "pa"));
	get = ev_one(id, "tdxq_buf_get");
	assert_int_equal(ev_s64(get, "ret"), -ENOMEM);
	assert_true(ev_is(get, "from", "converted"));
	assert_int_equal(ev_of(id, "tdxq_submit", cv, 8), 0);
	assert_int_equal(ev_s64(ev_one(id, "tdxq_request_done"), "ret"), -ENOMEM);
}

/*
 * A 4 MiB buffer: converted to shared in two 2 MiB pieces for the
 * request, and back to private in two when the idle pool trims it, with
 * the id of the request that used it.
 */
static void test_pieces(void **state)
{
	struct tdx_quote_get_quote req;
	const struct ev *cv[8], *get;
	uint64_t id, last = 0, bytes;
	int n, i;

	(void)state;
	trace_start();
	assert_int_equal(quote(0x7e60, 0, &req), 0);
	assert_int_equal(req.quote_len, BIG_QUOTE);
	if (!hx_wait_stat_le("pooled_bytes", 0, 10000, &last))
		fail_msg("pooled_bytes still %" PRIu64 " 10 s after the quote",
			 last);
	trace_stop();

	assert_int_equal(request_ids(&id, 1), 1);
	get = ev_one(id, "tdxq_buf_get");
	assert_true(ev_is(get, "from", "converted"));
	assert_int_equal(ev_u64(get, "len"), BIG_BUF);
	assert_int_equal(ev_u64(ev_one(id, "tdxq_complete"), "out_len"), BIG_QUOTE);
	n = ev_of(id, "tdxq_convert", cv, 8);
	if (n != 4) {
		trace_dump();
		fail_msg("request %" PRIu64 ": %d conversions, want 2 to shared and 2 back",
			 id, n);
	}
	for (bytes = 0, i = 0; i < 4; i++) {
		assert_true(ev_is(cv[i], "to", i < 2 ? "shared" : "private"));
		assert_int_equal(ev_s64(cv[i], "ret"), 0);
		assert_true(ev_u64(cv[i], "bytes") <= PIECE_MAX);
		bytes += ev_u64(cv[i], "bytes");
	}
	assert_int_equal(bytes, 2 * BIG_BUF);
	/* The trim comes after the request ended. */
	assert_true(cv[2] > ev_one(id, "tdxq_request_done"));
}

int hx_run_trace(void)
{
	const struct CMUnitTest irq[] = {
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_host_error),
		cmocka_unit_test(test_retry),
		cmocka_unit_test(test_recheck),
		cmocka_unit_test(test_quarantine),
		cmocka_unit_test(test_spurious),
	};
	const struct CMUnitTest poll[] = {
		cmocka_unit_test(test_poll),
	};
	const struct CMUnitTest slots[] = {
		cmocka_unit_test(test_slot_wait),
	};
	const struct CMUnitTest pieces[] = {
		cmocka_unit_test(test_pieces_fail),
		cmocka_unit_test(test_pieces),
	};
	int failed;

	failed = cmocka_run_group_tests_name("trace", irq, setup_irq,
					     teardown_trace);
	failed += cmocka_run_group_tests_name("trace_poll", poll, setup_poll,
					      teardown_trace);
	failed += cmocka_run_group_tests_name("trace_slots", slots,
					      setup_one_slot, teardown_trace);
	failed += cmocka_run_group_tests_name("trace_pieces", pieces,
					      setup_pieces, teardown_trace);
	free(evs);
	evs = NULL;
	return failed;
}
