// SPDX-License-Identifier: GPL-2.0
/*
 * configfs-tsm: tdx_quote as the report provider "tdx_guest" (src/tsm.c).
 *
 * A client that does what go-configfs-tsm and libtdx_attest do (a fresh
 * report item, provider must be "tdx_guest", generation read before
 * inblob is written, after, and after outblob is read: a change means
 * another writer and the quote is not trusted), many items in parallel,
 * quotes just under and just over the TSM core's outblob limit, failed
 * GetQuotes read as errors, unload while items exist, and tsm=auto/on/off
 * against a stand-in that holds the provider (tests/vm/dummy/
 * dummy_tsm_provider.c).
 *
 * Whether the kernel has configfs-tsm is learned from the kernel's own
 * module lists (modules.builtin, modules.order: the TSM core "tsm", from
 * 6.16 "tsm_report"), never from tdx_quote. On a kernel without it (Debian
 * 12's 6.1) the configfs tests are skipped, reported as not applicable
 * (not as passed), and what tsm= does there is checked instead. The
package's modprobe.d opt-in that replaces the in-tree driver is checked
on every kernel.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libkmod.h>

#include "harness.h"
#include "hx_tsm.h"

#define DUMMY_TSM	"dummy_tsm_provider"
#define DUMMY_TAG	"dummy_tsm_provider:"
#define REGISTERED	"configfs-tsm: quote provider \"tdx_guest\""
#define LEFT_ALONE	"configfs-tsm: another provider holds it"
#define NO_TSM		"configfs-tsm: this kernel has none"
/* The package's opt-in (debian/), and where a user links it. */
#define OPT_IN		"/usr/share/tdx-quote/tdx-quote-replace-tdx-guest.conf"
#define OPT_IN_LINK	"/etc/modprobe.d/tdx-quote-replace-tdx-guest.conf"
#define OPT_IN_SIM	"/etc/modprobe.d/tdxq-test-host-sim.conf"
#define PAR_THREADS	16
#define PAR_EACH	4

/* ------------------------------------------------ what the kernel has */

static bool known;
static struct hx_tsm_kernel kern;
/* Shorthands for kern's fields */
#define core		(kern.core)
#define core_builtin	(kern.builtin)
#define why		(kern.why)
#define outblob_max	(kern.outblob_max)
#define rel_major	(kern.major)
#define rel_minor	(kern.minor)

/* Learn once what the kernel has; false when it cannot be told (fails). */
static bool learn_kernel(void)
{
	if (!known)
		known = !hx_tsm_kernel(&kern);
	return known;
}

/* ------------------------------------------------------------ helpers */

/* A new file holding @text. Return: 0 or -errno. */
static int create_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		err = -EIO;
	close(fd);
	return err;
}

/* configfs at /sys/kernel/config (the TSM core loaded it), or fail. */
static void mount_configfs(void)
{
	int ret = hx_tsm_mount();

	if (ret)
		fail_msg("mount configfs on %s: %s", HX_CFS_ROOT, strerror(-ret));
}

/* hx_tsm_client() from the test's thread: a quote of @want bytes, or fail. */
static void client_quote(const char *item, uint64_t seed, size_t want)
{
	size_t cap = want + 4096, len;
	uint8_t rd[64], *q = malloc(cap);
	char problem[256];
	int ret;

	assert_non_null(q);
	hx_reportdata(rd, seed);
	ret = hx_tsm_client(item, rd, q, cap, &len, problem, sizeof(problem));
	if (ret == -EPROTO && *problem)
		fail_msg("configfs client refuses: %s", problem);
	if (ret)
		fail_msg("configfs client: %s", strerror(-ret));
	hx_check_quote(q, len, want, rd);
	free(q);
}

/* A module by name with its dependencies, as modprobe. Return: 0/-errno. */
static int probe(const char *name, const char *params)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	struct kmod_module *mod;
	int ret;

	if (!ctx)
		return -ENOMEM;
	ret = kmod_module_new_from_name(ctx, name, &mod);
	if (!ret) {
		ret = kmod_module_probe_insert_module(mod, 0, params, NULL, NULL, NULL);
		kmod_module_unref(mod);
	}
	kmod_unref(ctx);
	return ret;
}

/* tdx_quote (host=sim) with @params; configfs mounted; or fail. */
static void load(const char *sim_params, const char *params)
{
	if (hx_modules_load(sim_params, params))
		fail_msg("tdx_quote %s does not load", params);
	mount_configfs();
}

/* Only tdx_quote, the sim, the stand-in and the TSM core removed. */
static void unload_all(void)
{
	hx_tsm_items_drop_all();
	hx_modules_unload();
	if (hx_module_loaded(DUMMY_TSM))
		hx_module_remove(DUMMY_TSM);
	if (core && !core_builtin && hx_module_loaded(core))
		hx_module_remove(core);
}

static int test_setup(void **state)
{
	(void)state;
	unload_all();
	free(hx_klog_new());
	return 0;
}

static int test_teardown(void **state)
{
	(void)state;
	unlink(OPT_IN_LINK);
	unlink(OPT_IN_SIM);
	unload_all();
	return 0;
}

/* The start of a configfs test: skipped where the kernel has none. */
static void need_tsm(void)
{
	if (!learn_kernel())
		fail_msg("%s", why);
	if (!core)
		skip();
}

/* Lines of the new kernel log with @needle, which must be @want. */
static void expect_lines(const char *needle, int want)
{
	char *log = hx_klog_new();
	int n = hx_count_lines(log, needle);

	if (n != want) {
		fprintf(stderr, "%s", log);
		free(log);
		fail_msg("%d kernel log line(s) with \"%s\", expected %d", n, needle, want);
	}
	free(log);
}

/* ------------------------------------------------------------- tests */

/*
 * tsm=auto with the provider free: tdx_quote registers (it loads the TSM
 * core itself), says so once, and the clients' sequence gets its quotes,
 * each from a GetQuote through the interrupt; only the attributes the
 * in-tree provider shows exist.
 */
static void test_client(void **state)
{
	static const char *const want[] = { "generation", "inblob", "outblob", "provider" };
	uint64_t req0, irq0;
	char path[256];
	struct dirent *e;
	size_t i, n = 0;
	DIR *d;
	int k;

	(void)state;
	need_tsm();
	assert_false(!core_builtin && hx_module_loaded(core));
	load("", "");
	if (!core_builtin && !hx_module_loaded(core))
		fail_msg("tsm=auto did not load the TSM core %s", core);
	expect_lines(REGISTERED, 1);
	print_message("  %s; tdx_quote registered (core %s%s)\n", why, core,
		      core_builtin ? ", built in" : "");
	req0 = hx_stat("requests");
	irq0 = hx_stat("interrupts");
	for (k = 0; k < 4; k++)
		client_quote("client", 0x75300 + k, 5000);
	assert_int_equal(hx_stat("requests") - req0, 4);
	assert_int_equal(hx_stat("successes"), hx_stat("requests"));
	assert_int_equal(hx_stat("interrupts") - irq0, 4);

	/* 6.11 on: the provider shows only what the in-tree one does. */
	assert_int_equal(hx_tsm_item_make("attrs"), 0);
	d = opendir(hx_tsm_path(path, sizeof(path), "attrs", NULL));
	assert_non_null(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		n++;
		for (i = 0; i < 4 && strcmp(e->d_name, want[i]); i++)
			;
		if (i == 4 && (rel_major > 6 || rel_minor >= 11))
			fail_msg("report item has attribute %s", e->d_name);
	}
	closedir(d);
	if (rel_major > 6 || rel_minor >= 11)
		assert_int_equal(n, 4);
	assert_int_equal(hx_tsm_item_drop("attrs"), 0);
}

/*
 * The report is cached until inblob changes (the TSM core's generation):
 * a second read makes no request; a new inblob makes one. Wrong inblob
 * sizes are refused without a request.
 */
static void test_generation_and_inblob(void **state)
{
	uint8_t rd[64], big[65], *a = malloc(8192), *b = malloc(8192);
	size_t la, lb;
	uint64_t req0, gen;
	char path[256];

	(void)state;
	need_tsm();
	assert_non_null(a);
	assert_non_null(b);
	load("", "");
	assert_int_equal(hx_tsm_item_make("gen"), 0);
	/* outblob before any inblob: EINVAL, no request */
	req0 = hx_stat("requests");
	assert_int_equal(hx_read_all(hx_tsm_path(path, sizeof(path), "gen", "outblob"), a, 8192, &la), -EINVAL);
	/* 63 bytes are taken by configfs; the provider refuses them (EINVAL) */
	hx_reportdata(rd, 0x9e9);
	assert_int_equal(hx_write_once(hx_tsm_path(path, sizeof(path), "gen", "inblob"), rd, 63), 0);
	assert_int_equal(hx_read_all(hx_tsm_path(path, sizeof(path), "gen", "outblob"), a, 8192, &la), -EINVAL);
	assert_int_equal(hx_stat("requests"), req0);
	/* 65 bytes: over the TSM core's inblob size, the write fails */
	memset(big, 0x5a, sizeof(big));
	assert_int_equal(hx_tsm_attr_u64("gen", "generation", &gen), 0);
	assert_int_not_equal(hx_write_once(hx_tsm_path(path, sizeof(path), "gen", "inblob"), big, 65), 0);
	/* 64 bytes: a quote; read again: the same bytes, no new request */
	assert_int_equal(hx_write_once(hx_tsm_path(path, sizeof(path), "gen", "inblob"), rd, 64), 0);
	assert_int_equal(hx_read_all(hx_tsm_path(path, sizeof(path), "gen", "outblob"), a, 8192, &la), 0);
	hx_check_quote(a, la, 5000, rd);
	assert_int_equal(hx_stat("requests"), req0 + 1);
	assert_int_equal(hx_read_all(hx_tsm_path(path, sizeof(path), "gen", "outblob"), b, 8192, &lb), 0);
	assert_int_equal(lb, la);
	assert_memory_equal(a, b, la);
	assert_int_equal(hx_stat("requests"), req0 + 1);
	/* new inblob: a new quote with the new report data */
	hx_reportdata(rd, 0x9ea);
	assert_int_equal(hx_write_once(hx_tsm_path(path, sizeof(path), "gen", "inblob"), rd, 64), 0);
	assert_int_equal(hx_read_all(hx_tsm_path(path, sizeof(path), "gen", "outblob"), b, 8192, &lb), 0);
	hx_check_quote(b, lb, 5000, rd);
	assert_int_equal(hx_stat("requests"), req0 + 2);
	assert_int_equal(hx_tsm_item_drop("gen"), 0);
	free(a);
	free(b);
}

struct par {
	pthread_t tid;
	int index;
	int ok, err, bad;
	char problem[256];
};

static void *par_fn(void *arg)
{
	struct par *p = arg;
	uint8_t rd[64], *q = malloc(16384);
	char item[32];
	size_t len;
	int i, ret;

	if (!q) {
		p->err = ENOMEM;
		return NULL;
	}
	for (i = 0; i < PAR_EACH; i++) {
		snprintf(item, sizeof(item), "par%d-%d", p->index, i);
		hx_reportdata(rd, 0xa000 + p->index * 100 + i);
		ret = hx_tsm_client(item, rd, q, 16384, &len, p->problem, sizeof(p->problem));
		if (ret) {
			if (!p->err)
				p->err = -ret;
			continue;
		}
		if (len != 5000 || hx_find_reportdata(q, len, rd) != HX_Q_REPORTDATA_OFF)
			p->bad++;
		else
			p->ok++;
	}
	free(q);
	return NULL;
}

/*
 * 16 clients, each with its own items, 4 quotes each: every one gets its
 * own report data. The TSM core makes one report at a time (its
 * tsm_rwsem), so with max_inflight=1 no request ever waits for a slot:
 * through configfs the gain is latency, not concurrency.
 */
static void test_parallel(void **state)
{
	struct par p[PAR_THREADS];
	int i, ok = 0;

	(void)state;
	need_tsm();
	load("service_us=2000", "max_inflight=1");
	memset(p, 0, sizeof(p));
	for (i = 0; i < PAR_THREADS; i++) {
		p[i].index = i;
		assert_int_equal(pthread_create(&p[i].tid, NULL, par_fn, &p[i]), 0);
	}
	for (i = 0; i < PAR_THREADS; i++)
		pthread_join(p[i].tid, NULL);
	for (i = 0; i < PAR_THREADS; i++) {
		if (p[i].err)
			fail_msg("client %d: %s %s", i, strerror(p[i].err), p[i].problem);
		if (p[i].bad)
			fail_msg("client %d: %d quotes of the wrong length or report data", i, p[i].bad);
		ok += p[i].ok;
	}
	assert_int_equal(ok, PAR_THREADS * PAR_EACH);
	assert_int_equal(hx_stat("successes"), PAR_THREADS * PAR_EACH);
	assert_int_equal(hx_stat("slot_waits"), 0);
	print_message("  %d clients x %d quotes, slot_waits 0 with max_inflight=1: the TSM core serialises\n",
		      PAR_THREADS, PAR_EACH);
}

/* One quote of @size bytes through configfs: 0 and the quote, or -errno. */
static int sized_quote(size_t size, uint64_t seed, size_t *got)
{
	size_t cap = outblob_max + 8192;
	uint8_t rd[64], *q = malloc(cap);
	char problem[256];
	int ret;

	assert_non_null(q);
	hx_sim_param_set_u64("quote_size", size);
	hx_reportdata(rd, seed);
	ret = hx_tsm_client("size", rd, q, cap, got, problem, sizeof(problem));
	if (ret == -EPROTO && *problem)
		fail_msg("configfs client refuses: %s", problem);
	if (!ret)
		hx_check_quote(q, *got, size, rd);
	free(q);
	return ret;
}

/*
 * The TSM core's outblob limit (32 KiB before 7.0, 16 MiB from 7.0): a
 * quote of exactly that many bytes comes whole; one byte more fails with
 * EFBIG and a log line, and nothing of it is read.
 */
static void test_outblob_limit(void **state)
{
	size_t got = 1;
	int ret;

	(void)state;
	need_tsm();
	load("max_buf=33554432", "");
	ret = sized_quote(outblob_max, 0x11, &got);
	if (ret)
		fail_msg("%zu-byte quote (the limit): %s", outblob_max, strerror(-ret));
	assert_int_equal(got, outblob_max);
	free(hx_klog_new());
	got = 1;
	ret = sized_quote(outblob_max + 1, 0x12, &got);
	if (ret != -EFBIG)
		fail_msg("%zu-byte quote (limit + 1): %s, expected EFBIG", outblob_max + 1,
			 ret ? strerror(-ret) : "read whole");
	assert_int_equal(got, 0);
	expect_lines("over the TSM core's", 1);
	ret = sized_quote(5000, 0x13, &got);
	assert_int_equal(ret, 0);
	print_message("  outblob limit %zu: %zu bytes read whole, %zu EFBIG\n", outblob_max,
		      outblob_max, outblob_max + 1);
}

/*
 * A failed GetQuote reads as an error, never as an empty outblob: host
 * status ERROR is EIO, SERVICE_UNAVAILABLE EHOSTDOWN; the same item then
 * gets its quote once the host works (the failure cached nothing).
 */
static void test_failure_is_error(void **state)
{
	static const struct { const char *status; int err; } f[] = {
		{ "error", EIO }, { "unavailable", EHOSTDOWN },
	};
	uint8_t rd[64], *q = malloc(16384);
	char path[256];
	size_t len, i;

	(void)state;
	need_tsm();
	assert_non_null(q);
	load("", "");
	assert_int_equal(hx_tsm_item_make("fail"), 0);
	for (i = 0; i < 2; i++) {
		hx_sim_param_set("fault_status", f[i].status);
		hx_reportdata(rd, 0xf00 + i);
		assert_int_equal(hx_write_once(hx_tsm_path(path, sizeof(path), "fail", "inblob"), rd, 64), 0);
		len = 1;
		assert_int_equal(hx_read_all(hx_tsm_path(path, sizeof(path), "fail", "outblob"), q, 16384, &len),
				 -f[i].err);
		assert_int_equal(len, 0);
		hx_sim_param_set("fault_status", "none");
		assert_int_equal(hx_read_all(hx_tsm_path(path, sizeof(path), "fail", "outblob"), q, 16384, &len), 0);
		hx_check_quote(q, len, 5000, rd);
	}
	assert_int_equal(hx_tsm_item_drop("fail"), 0);
	free(q);
}

struct slow_read {
	pthread_t tid;
	int err;
	size_t len;
	uint8_t rd[64];
};

static void *slow_read_fn(void *arg)
{
	struct slow_read *s = arg;
	uint8_t *q = malloc(16384);
	char problem[256];

	s->err = q ? -hx_tsm_client("slow", s->rd, q, 16384, &s->len, problem, sizeof(problem)) : ENOMEM;
	if (!s->err && hx_find_reportdata(q, s->len, s->rd) != HX_Q_REPORTDATA_OFF)
		s->err = EBADMSG;
	free(q);
	return NULL;
}

/*
 * Unload with report items: a report being made finishes first (rmmod
 * waits for it), an item's cached quote stays readable, anything new
 * fails with ENXIO; with items left, tsm=auto loads without registering
 * (and says so) and tsm=on refuses (EBUSY); once they are gone it
 * registers again. The TSM core is unpinned when tdx_quote goes.
 */
static void test_unload_with_items(void **state)
{
	uint8_t rd[64], *q = malloc(16384), *c = malloc(16384);
	struct slow_read s = { 0 };
	char path[256], buf[64];
	size_t lq, lc;
	int i;

	(void)state;
	need_tsm();
	assert_non_null(q);
	assert_non_null(c);
	load("", "");
	/* an item with a quote, one configured but not read */
	assert_int_equal(hx_tsm_item_make("cached"), 0);
	hx_reportdata(rd, 0x52);
	assert_int_equal(hx_write_once(hx_tsm_path(path, sizeof(path), "cached", "inblob"), rd, 64), 0);
	assert_int_equal(hx_read_all(hx_tsm_path(path, sizeof(path), "cached", "outblob"), c, 16384, &lc), 0);
	assert_int_equal(hx_tsm_item_make("pending"), 0);
	assert_int_equal(hx_write_once(hx_tsm_path(path, sizeof(path), "pending", "inblob"), rd, 64), 0);
	/* and a report in the making when rmmod comes: it completes */
	hx_sim_param_set_u64("service_us", 1500000);
	hx_reportdata(s.rd, 0x51);
	assert_int_equal(pthread_create(&s.tid, NULL, slow_read_fn, &s), 0);
	for (i = 0; i < 200 && !hx_sim_stat("inflight"); i++)
		hx_sleep_ms(50);
	if (!hx_sim_stat("inflight"))
		fail_msg("the slow report never reached the host");

	hx_fd_close();
	assert_int_equal(hx_module_remove(HX_MODULE), 0);
	pthread_join(s.tid, NULL);
	if (s.err)
		fail_msg("the report made across the unload: %s", strerror(s.err));
	assert_int_equal(hx_tsm_attr_str("cached", "provider", buf, sizeof(buf)), -ENXIO);
	assert_int_equal(hx_read_all(hx_tsm_path(path, sizeof(path), "cached", "outblob"), q, 16384, &lq), 0);
	assert_int_equal(lq, lc);
	assert_memory_equal(q, c, lc);
	assert_int_equal(hx_read_all(hx_tsm_path(path, sizeof(path), "pending", "outblob"), q, 16384, &lq), -ENXIO);
	assert_int_equal(hx_tsm_item_make("late"), -ENXIO);

	free(hx_klog_new());
	assert_int_equal(hx_module_insert(HX_MODULE, "host=sim tsm=on"), -EBUSY);
	expect_lines("refusing to load (tsm=on)", 1);
	assert_int_equal(hx_module_insert(HX_MODULE, "host=sim"), 0);
	expect_lines(LEFT_ALONE, 1);
	assert_int_equal(hx_read_all(hx_tsm_path(path, sizeof(path), "pending", "outblob"), q, 16384, &lq), -ENXIO);
	assert_int_equal(hx_module_remove(HX_MODULE), 0);

	assert_int_equal(hx_tsm_item_drop("cached"), 0);
	assert_int_equal(hx_tsm_item_drop("pending"), 0);
	assert_int_equal(hx_module_insert(HX_MODULE, "host=sim tsm=on"), 0);
	expect_lines(REGISTERED, 1);
	client_quote("again", 0x53, 5000);
	assert_int_equal(hx_module_remove(HX_MODULE), 0);
	if (!core_builtin)
		assert_int_equal(hx_module_remove(core), 0);
	free(q);
	free(c);
}

/*
 * Another provider first (the stand-in, as the in-tree tdx_guest on a
 * 6.7+ TD): tsm=on refuses to load (EBUSY), tsm=auto loads and leaves
 * configfs-tsm to it, saying so once: clients get the stand-in's blob and
 * tdx_quote sees no request. tsm=off loads and says nothing of it.
 */
static void test_standin(void **state)
{
	uint8_t rd[64], out[256];
	char problem[256];
	size_t len;
	int ret;

	(void)state;
	need_tsm();
	ret = probe(DUMMY_TSM, "");
	if (ret)
		fail_msg("%s does not load: %s", DUMMY_TSM, strerror(-ret));
	mount_configfs();
	assert_int_equal(hx_module_insert(HX_SIM_MODULE, ""), 0);
	free(hx_klog_new());
	assert_int_equal(hx_module_insert(HX_MODULE, "host=sim tsm=on"), -EBUSY);
	expect_lines("refusing to load (tsm=on)", 1);
	assert_false(hx_module_loaded(HX_MODULE));
	assert_int_equal(hx_module_insert(HX_MODULE, "host=sim tsm=auto"), 0);
	expect_lines(LEFT_ALONE, 1);
	hx_reportdata(rd, 0x5d);
	ret = hx_tsm_client("standin", rd, out, sizeof(out), &len, problem, sizeof(problem));
	if (ret)
		fail_msg("client with the stand-in: %s %s", strerror(-ret), problem);
	assert_int_equal(len, strlen(DUMMY_TAG) + 64);
	assert_memory_equal(out, DUMMY_TAG, strlen(DUMMY_TAG));
	assert_memory_equal(out + strlen(DUMMY_TAG), rd, 64);
	assert_int_equal(hx_stat("requests"), 0);
	assert_int_equal(hx_module_remove(HX_MODULE), 0);
	assert_int_equal(hx_module_insert(HX_MODULE, "host=sim tsm=off"), 0);
	expect_lines("configfs-tsm", 0);
	assert_int_equal(hx_module_remove(HX_MODULE), 0);
	/* the stand-in gone, tdx_quote takes over */
	assert_int_equal(hx_module_remove(DUMMY_TSM), 0);
	assert_int_equal(hx_module_insert(HX_MODULE, "host=sim"), 0);
	expect_lines(REGISTERED, 1);
	client_quote("after", 0x5e, 5000);
}

/* tsm=off on a kernel with configfs-tsm: the TSM core is not even loaded. */
static void test_off_loads_nothing(void **state)
{
	(void)state;
	need_tsm();
	if (core_builtin)
		skip();
	assert_false(hx_module_loaded(core));
	if (hx_modules_load("", "tsm=off"))
		fail_msg("tdx_quote tsm=off does not load");
	assert_false(hx_module_loaded(core));
	expect_lines("configfs-tsm", 0);
}

/*
 * Every kernel: a bad value is refused; on a kernel without configfs-tsm
 * tsm=on refuses to load (EOPNOTSUPP), tsm=auto loads and says once that
 * there is none, tsm=off says nothing.
 */
static void test_param(void **state)
{
	(void)state;
	if (!learn_kernel())
		fail_msg("%s", why);
	assert_int_equal(hx_module_insert(HX_SIM_MODULE, ""), 0);
	assert_int_equal(hx_module_insert(HX_MODULE, "host=sim tsm=maybe"), -EINVAL);
	expect_lines("tsm=maybe: use auto, on or off", 1);
	if (core) {
		print_message("  %s: tsm= on a kernel without configfs-tsm not checkable here\n", why);
		return;
	}
	assert_int_equal(hx_module_insert(HX_MODULE, "host=sim tsm=on"), -EOPNOTSUPP);
	expect_lines(NO_TSM, 1);
	assert_int_equal(hx_module_insert(HX_MODULE, "host=sim"), 0);
	expect_lines(NO_TSM, 1);
	assert_int_equal(hx_module_remove(HX_MODULE), 0);
	assert_int_equal(hx_module_insert(HX_MODULE, "host=sim tsm=off"), 0);
	expect_lines("configfs-tsm", 0);
	print_message("  %s: tsm=on EOPNOTSUPP, auto loads and says so, off silent\n", why);
}

/*
 * The package's opt-in, enabled as README says (a link in
 * /etc/modprobe.d): `modprobe tdx_guest`, as udev runs it at boot on a
 * TD, loads tdx_quote instead, with /dev/tdx_guest its own and, where the
 * kernel has configfs-tsm, the provider registered. Removed again, the
 * same command no longer loads tdx_quote (the in-tree driver, where there
 * is one, refuses outside a TD). Every kernel: the file is not only for
 * 6.7+. (host=sim comes from a test-only file next to it.)
 */
static void test_replace_opt_in(void **state)
{
	char val[64];
	int ret;

	(void)state;
	if (!learn_kernel())
		fail_msg("%s", why);
	if (access(OPT_IN, R_OK))
		fail_msg("%s is not in the VM image (tests/matrix/kernel.sh, tests/vm/Makefile add it)",
			 OPT_IN);
	mkdir("/etc/modprobe.d", 0755);
	if (symlink(OPT_IN, OPT_IN_LINK))
		fail_msg("symlink %s: %s", OPT_IN_LINK, strerror(errno));
	assert_int_equal(create_file(OPT_IN_SIM, "options tdx_quote host=sim\n"), 0);
	ret = system("modprobe tdx_guest");
	if (ret)
		fail_msg("modprobe tdx_guest with the opt-in: exit status %#x", ret);
	assert_true(hx_module_loaded(HX_MODULE));
	assert_false(hx_module_loaded("tdx_guest"));
	assert_int_equal(hx_read_str(HX_PARAMS "/compat_dev", val, sizeof(val)), 0);
	assert_string_equal(val, "on");
	assert_int_equal(access("/sys/class/misc/tdx_guest", F_OK), 0);
	if (core) {
		expect_lines(REGISTERED, 1);
		mount_configfs();
		client_quote("optin", 0x0b7, 5000);
	}
	assert_int_equal(hx_modules_unload(), 0);
	assert_int_equal(unlink(OPT_IN_LINK), 0);
	ret = system("modprobe tdx_guest 2>/dev/null");
	assert_int_not_equal(ret, 0);
	assert_false(hx_module_loaded(HX_MODULE));
	print_message("  modprobe tdx_guest: tdx_quote with the opt-in linked; without it, not (exit %#x)\n",
		      ret);
}

int hx_run_tsm(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_param, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_client, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_generation_and_inblob, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_parallel, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_outblob_limit, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_failure_is_error, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_unload_with_items, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_standin, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_off_loads_nothing, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_replace_opt_in, test_setup, test_teardown),
	};
	int failed;

	failed = cmocka_run_group_tests_name("tsm", tests, NULL, NULL);
	if (learn_kernel() && !core) {
		printf("tdxq-vmtest: tsm: %s: the %zu configfs-tsm tests are NOT RUN (skipped, not passed); tsm= on such a kernel was checked\n",
		       why, sizeof(tests) / sizeof(tests[0]) - 2);
		hx_group_not_run(sizeof(tests) / sizeof(tests[0]) - 2);
	}
	return failed;
}
