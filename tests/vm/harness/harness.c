// SPDX-License-Identifier: GPL-2.0
/*
 * tdxq-vmtest helper library: fixtures, counters, the device,
 * /proc/interrupts, CPU hotplug, quotes and the kernel log (modules,
 * files, memory and time: hx_sys.c).
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
#include <sys/klog.h>
#include <unistd.h>

#include "harness.h"

/* klogctl() actions (linux/syslog.h is not a uapi header) */
#define HX_SYSLOG_ACTION_READ		2
#define HX_SYSLOG_ACTION_SIZE_UNREAD	9

static int hx_dev_fd = -1;
static int hx_teardowns_failed;
static int hx_klog_bad_lines;
static int hx_sim_bad_counters;
/* "" or "(expected) ": the gates group's failures made on purpose. */
static const char *hx_fail_note = "";

void hx_failures_expected(bool on)
{
	hx_fail_note = on ? "(expected) " : "";
}
static bool hx_klog_primed;

/* ---------------------------------------------------------- abuse helpers */

#define HX_QGS_OVERHEAD	28
#define HX_QGS_REQ_LEN	(HX_QGS_OVERHEAD + 1024)

int hx_compat_quote(int fd, unsigned long cmd, void *buf, uint64_t len,
		    const uint8_t *tdreport, bool framed)
{
	struct tdx_quote_compat_req req = { (uintptr_t)buf, len };
	uint8_t *b = buf, *d = b + HX_GQ_HDR_LEN;
	uint32_t in_len = framed ? HX_QGS_REQ_LEN : 1024;

	memset(b, 0, HX_GQ_HDR_LEN);
	b[0] = 1;			/* version */
	hx_put_le32(b + 16, in_len);
	if (framed) {
		memset(d, 0, HX_QGS_OVERHEAD);
		hx_put_be32(d, in_len - 4);
		d[4] = 1;		/* major */
		d[6] = 1;		/* minor */
		hx_put_le32(d + 12, in_len - 4);
		hx_put_le32(d + 20, 1024);
		d += HX_QGS_OVERHEAD;
	}
	memcpy(d, tdreport, 1024);
	return ioctl(fd, cmd, &req) ? errno : 0;
}

const char *hx_compat_reply_problem(const void *buf, bool framed,
				    uint64_t quote_len, const uint8_t *rd)
{
	const uint8_t *b = buf, *q = b + HX_GQ_HDR_LEN;
	uint64_t status;
	uint32_t out_len;

	memcpy(&status, b + 8, 8);
	memcpy(&out_len, b + 20, 4);
	if (status)
		return "status not SUCCESS";
	if (out_len != quote_len + (framed ? HX_QGS_OVERHEAD : 0))
		return "out_len wrong";
	if (framed) {
		if (hx_be32(q) != out_len - 4 || hx_le32(q + 8) != 1 ||
		    hx_le32(q + 24) != quote_len)
			return "GET_QUOTE_RESP malformed";
		q += HX_QGS_OVERHEAD;
	}
	if (hx_le16(q) != 4)
		return "not a v4 quote";
	if (memcmp(q + HX_Q_REPORTDATA_OFF, rd, TDX_QUOTE_REPORTDATA_LEN))
		return "quote without the report data";
	return NULL;
}

void hx_tally_add(struct hx_tally *t, int err)
{
	t->n[err >= 0 && err < HX_TALLY_OTHER ? err : HX_TALLY_OTHER]++;
}

void hx_tally_merge(struct hx_tally *into, const struct hx_tally *from)
{
	int i;

	for (i = 0; i <= HX_TALLY_OTHER; i++)
		into->n[i] += from->n[i];
}

void hx_tally_str(const struct hx_tally *t, char *buf, size_t size)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i <= HX_TALLY_OTHER && n < size; i++) {
		if (!t->n[i])
			continue;
		n += snprintf(buf + n, size - n, "%s%s:%" PRIu64, n ? " " : "",
			      i == HX_TALLY_OTHER ? "other" : i ?
			      strerrorname_np(i) ?: "?" : "ok", t->n[i]);
	}
}

static void hx_sig_nop(int sig)
{
	(void)sig;
}

static struct sigaction hx_old_usr1, hx_old_usr2;
static bool hx_signals_installed;

void hx_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = hx_sig_nop;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	sigaction(SIGUSR1, &sa, hx_signals_installed ? NULL : &hx_old_usr1);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR2, &sa, hx_signals_installed ? NULL : &hx_old_usr2);
	hx_signals_installed = true;
}

void hx_signals_restore(void)
{
	if (!hx_signals_installed)
		return;
	sigaction(SIGUSR1, &hx_old_usr1, NULL);
	sigaction(SIGUSR2, &hx_old_usr2, NULL);
	hx_signals_installed = false;
}

/* ------------------------------------------------------------ test sizes */

bool hx_long_mode(void)
{
	return hx_env_u64("TDXQ_LONG", 0) != 0;
}

uint64_t hx_env_u64(const char *name, uint64_t dflt)
{
	const char *s = getenv(name);
	char *end;
	uint64_t v;

	if (!s || !*s)
		return dflt;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end) {
		fprintf(stderr, "tdxq-vmtest: ignoring %s=%s (not a number)\n",
			name, s);
		return dflt;
	}
	return v;
}

/* The sim's protocol counters: each must be 0 whatever the group did. */
static const char *const hx_sim_protocol_counters[] = {
	"violations", "dirty", "leaked_freed", "rejects_inuse",
};

int hx_sim_protocol_check(void)
{
	char path[256];
	uint64_t v;
	size_t i;
	int bad = 0, ret;

	if (!hx_module_loaded(HX_SIM_MODULE))
		return 0;
	for (i = 0; i < sizeof(hx_sim_protocol_counters) / sizeof(hx_sim_protocol_counters[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", HX_SIM_DEBUGFS,
			 hx_sim_protocol_counters[i]);
		ret = hx_read_u64(path, &v);
		if (ret || v) {
			fprintf(stderr, "tdxq-vmtest: %sFAIL: simulated host's %s %s\n",
				hx_fail_note, hx_sim_protocol_counters[i],
				ret ? strerror(-ret) : "is not 0");
			if (!ret)
				fprintf(stderr, "tdxq-vmtest:   (%s = %" PRIu64 ")\n",
					hx_sim_protocol_counters[i], v);
			bad++;
		}
	}
	hx_sim_bad_counters += bad;
	return bad;
}

int hx_sim_take_bad(void)
{
	int bad = hx_sim_bad_counters;

	hx_sim_bad_counters = 0;
	return bad;
}

int hx_sim_remove(void)
{
	hx_sim_protocol_check();
	return hx_module_remove(HX_SIM_MODULE);
}

int hx_modules_unload(void)
{
	int ret, ret2;

	hx_fd_close();
	/*
	 * tdx_quote first: what its unload does to buffers the host still
	 * holds is checked too, then the counters before the sim goes.
	 */
	ret = hx_module_remove(HX_MODULE);
	if (hx_sim_protocol_check() && !ret)
		ret = -EPROTO;
	ret2 = hx_modules_remove();
	return ret ? ret : ret2;
}

/* ---------------------------------------------------------------- fixtures */

int hx_setup(const char *sim_params, const char *tdxq_params)
{
	char *log;
	int bad;

	/* Leftovers of a group that failed badly. */
	if (hx_modules_unload())
		return -1;
	log = hx_klog_new();
	free(log);
	bad = hx_klog_take_bad();
	if (bad) {
		fprintf(stderr, "tdxq-vmtest: %d bad kernel log line(s) before the group\n",
			bad);
		return -1;
	}
	if (!tdxq_params)
		return 0;
	return hx_modules_load(sim_params ? sim_params : "", tdxq_params) ? -1 : 0;
}

int hx_teardown(void)
{
	char *log;
	int ret = 0, bad, cpu;

	for (cpu = 1; cpu < 64; cpu++) {
		int on = hx_cpu_online(cpu);

		if (on == -ENOENT)
			break;
		if (on == 0 && hx_cpu_set_online(cpu, true)) {
			fprintf(stderr, "tdxq-vmtest: cannot bring CPU %d back online\n",
				cpu);
			ret = -1;
		}
	}
	hx_modules_unload();
	/* Also the groups that unloaded the sim themselves (hx_sim_remove()). */
	bad = hx_sim_take_bad();
	if (bad) {
		fprintf(stderr, "tdxq-vmtest: %sFAIL: %d simulated-host protocol counter(s) not 0 in this group\n",
			hx_fail_note, bad);
		ret = -1;
	}
	if (hx_module_loaded(HX_MODULE) || hx_module_loaded(HX_SIM_MODULE))
		ret = -1;
	log = hx_klog_new();
	free(log);
	bad = hx_klog_take_bad();
	if (bad) {
		fprintf(stderr, "tdxq-vmtest: %sFAIL: %d bad kernel log line(s) in this group\n",
			hx_fail_note, bad);
		ret = -1;
	}
	if (ret) {
		hx_teardowns_failed++;
		fprintf(stderr, "tdxq-vmtest: %sGROUP TEARDOWN FAILED\n", hx_fail_note);
	}
	return ret;
}

int hx_teardown_failures(void)
{
	return hx_teardowns_failed;
}

static int hx_not_run;

void hx_group_not_run(int n)
{
	hx_not_run += n;
}

int hx_take_not_run(void)
{
	int n = hx_not_run;

	hx_not_run = 0;
	return n;
}

void hx_teardown_failure_expected(void)
{
	hx_teardowns_failed--;
}

static uint64_t hx_read_or_fail(const char *dir, const char *name)
{
	char path[256];
	uint64_t val = 0;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ret = hx_read_u64(path, &val);
	if (ret)
		fail_msg("reading %s: %s", path, strerror(-ret));
	return val;
}

uint64_t hx_stat(const char *name)
{
	return hx_read_or_fail(HX_STATS_DIR, name);
}

uint64_t hx_sim_stat(const char *name)
{
	return hx_read_or_fail(HX_SIM_DEBUGFS, name);
}

uint64_t hx_param(const char *name)
{
	return hx_read_or_fail(HX_PARAMS, name);
}

void hx_write_or_fail(const char *dir, const char *name, const char *value)
{
	char path[256];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ret = hx_write_str(path, value);
	if (ret)
		fail_msg("writing %s to %s: %s", value, path, strerror(-ret));
}

void hx_sim_param_set(const char *name, const char *value)
{
	hx_write_or_fail(HX_SIM_PARAMS, name, value);
}

void hx_param_set(const char *name, const char *value)
{
	hx_write_or_fail(HX_PARAMS, name, value);
}

void hx_sim_param_get(const char *name, char *buf, size_t size)
{
	char path[256];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", HX_SIM_PARAMS, name);
	ret = hx_read_str(path, buf, size);
	if (ret)
		fail_msg("reading %s: %s", path, strerror(-ret));
}

void hx_sim_param_set_u64(const char *name, uint64_t value)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, value);
	hx_sim_param_set(name, buf);
}

static bool hx_wait_stat(const char *name, uint64_t bound, bool le,
			 unsigned int timeout_ms, uint64_t *last)
{
	double end = hx_now() + timeout_ms / 1000.0;
	uint64_t v;

	for (;;) {
		v = hx_stat(name);
		if (last)
			*last = v;
		if (le ? v <= bound : v >= bound)
			return true;
		if (hx_now() >= end)
			return false;
		hx_sleep_ms(50);
	}
}

bool hx_wait_stat_le(const char *name, uint64_t max, unsigned int timeout_ms,
		     uint64_t *last)
{
	return hx_wait_stat(name, max, true, timeout_ms, last);
}

bool hx_wait_stat_ge(const char *name, uint64_t min, unsigned int timeout_ms,
		     uint64_t *last)
{
	return hx_wait_stat(name, min, false, timeout_ms, last);
}

/* ------------------------------------------------------ /proc/interrupts */

long long hx_irq_count(void)
{
	FILE *f = fopen("/proc/interrupts", "re");
	char *line = NULL, *p, *tok, *save;
	size_t cap = 0;
	long long total = -1;
	int ncol = 0, i;

	if (!f)
		return -1;
	/* Header: one "CPUn" column per online CPU. */
	if (getline(&line, &cap, f) > 0) {
		for (tok = strtok_r(line, " \t\n", &save); tok;
		     tok = strtok_r(NULL, " \t\n", &save))
			if (!strncmp(tok, "CPU", 3))
				ncol++;
	}
	while (getline(&line, &cap, f) > 0) {
		char *last = NULL;
		long long sum = 0;

		p = strchr(line, ':');
		if (!p)
			continue;
		/* Is the last word (the action's name) tdx_quote? */
		for (tok = strtok_r(p + 1, " \t\n", &save), i = 0; tok;
		     tok = strtok_r(NULL, " \t\n", &save), i++) {
			if (i < ncol)
				sum += strtoll(tok, NULL, 10);
			last = tok;
		}
		if (last && !strcmp(last, "tdx_quote")) {
			total = (total < 0 ? 0 : total) + sum;
		}
	}
	free(line);
	fclose(f);
	return total;
}

/* ----------------------------------------------------------- CPU hotplug */

int hx_cpu_set_online(int cpu, bool online)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	return hx_write_str(path, online ? "1" : "0");
}

int hx_cpu_online(int cpu)
{
	char path[96];
	uint64_t v;
	int ret;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	ret = hx_read_u64(path, &v);
	return ret ? ret : (int)v;
}

/* ---------------------------------------------------------------- device */

int hx_fd(void)
{
	if (hx_dev_fd < 0) {
		hx_dev_fd = open(HX_DEV, O_RDWR | O_CLOEXEC);
		if (hx_dev_fd < 0)
			fail_msg("open %s: %s", HX_DEV, strerror(errno));
	}
	return hx_dev_fd;
}

void hx_fd_close(void)
{
	if (hx_dev_fd >= 0)
		close(hx_dev_fd);
	hx_dev_fd = -1;
}

int hx_get_quote(int fd, const uint8_t *reportdata, uint32_t timeout_ms,
		 void *quote, uint64_t quote_len,
		 struct tdx_quote_get_quote *req)
{
	memset(req, 0, sizeof(*req));
	req->timeout_ms = timeout_ms;
	memcpy(req->reportdata, reportdata, TDX_QUOTE_REPORTDATA_LEN);
	req->quote = (uintptr_t)quote;
	req->quote_len = quote_len;
	if (ioctl(fd, TDX_QUOTE_CMD_GET_QUOTE, req))
		return errno;
	return 0;
}

int hx_get_report(int fd, const uint8_t *reportdata, uint8_t *tdreport)
{
	struct tdx_quote_report_req req;

	memset(&req, 0, sizeof(req));
	memcpy(req.reportdata, reportdata, sizeof(req.reportdata));
	if (ioctl(fd, TDX_QUOTE_CMD_GET_REPORT, &req))
		return errno;
	memcpy(tdreport, req.tdreport, sizeof(req.tdreport));
	return 0;
}

void hx_info(struct tdx_quote_info *info)
{
	memset(info, 0, sizeof(*info));
	if (ioctl(hx_fd(), TDX_QUOTE_CMD_INFO, info))
		fail_msg("TDX_QUOTE_CMD_INFO: %s", strerror(errno));
}

/* ---------------------------------------------------------------- quotes */

void hx_reportdata(uint8_t *rd, uint64_t seed)
{
	/* splitmix64: distinct seeds, distinct and non-trivial bytes */
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 0x1234567;
	int i, j;

	for (i = 0; i < TDX_QUOTE_REPORTDATA_LEN; i += 8) {
		uint64_t z = (x += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
		for (j = 0; j < 8; j++)
			rd[i + j] = (uint8_t)(z >> (8 * j));
	}
	/* The seed itself, readable in a hex dump. */
	for (j = 0; j < 8; j++)
		rd[j] = (uint8_t)(seed >> (8 * j));
}

long hx_find_reportdata(const uint8_t *quote, size_t len, const uint8_t *rd)
{
	const void *p = memmem(quote, len, rd, TDX_QUOTE_REPORTDATA_LEN);

	return p ? (long)((const uint8_t *)p - quote) : -1;
}

uint32_t hx_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

uint16_t hx_le16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

uint32_t hx_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

void hx_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

void hx_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

void hx_check_quote(const uint8_t *quote, uint64_t quote_len,
		    uint64_t expect_len, const uint8_t *rd)
{
	long off;

	assert_int_equal(quote_len, expect_len);
	assert_true(quote_len >= HX_Q_SIGNED_DATA_OFF);
	assert_int_equal(hx_le16(quote), 4);		/* version */
	assert_int_equal(hx_le32(quote + 4), 0x81);	/* tee_type TDX */
	off = hx_find_reportdata(quote, quote_len, rd);
	if (off != HX_Q_REPORTDATA_OFF)
		fail_msg("report data at offset %ld of a %" PRIu64 "-byte quote, want %d",
			 off, quote_len, HX_Q_REPORTDATA_OFF);
	assert_int_equal(hx_le32(quote + HX_Q_SIGNED_LEN_OFF),
			 quote_len - HX_Q_SIGNED_DATA_OFF);
}

/* ------------------------------------------------------------ kernel log */

static const char *const hx_bad_patterns[] = {
	"WARNING:", "BUG:", "Oops", "Call Trace", "general protection",
	/* an interrupt to a vector no one handles (a host's late notify) */
	"No irq handler for vector",
	/* the simulated host's warnings (src/sim/sim.h sim_protocol_warn()) */
	"tdx_quote_sim: protocol violation:",
};

static int hx_scan_bad(const char *text)
{
	const char *line = text, *nl;
	int bad = 0;
	size_t i, len;

	while (*line) {
		nl = strchr(line, '\n');
		len = nl ? (size_t)(nl - line) : strlen(line);
		for (i = 0; i < sizeof(hx_bad_patterns) / sizeof(hx_bad_patterns[0]); i++) {
			if (memmem(line, len, hx_bad_patterns[i],
				   strlen(hx_bad_patterns[i]))) {
				fprintf(stderr, "tdxq-vmtest: %sKERNEL: %.*s\n", hx_fail_note,
					(int)len, line);
				bad++;
				break;
			}
		}
		if (!nl)
			break;
		line = nl + 1;
	}
	return bad;
}

char *hx_klog_new(void)
{
	size_t len = 0, cap = 1 << 16;
	char *text = malloc(cap + 1);
	int unread, n, rounds;

	if (!text)
		return NULL;
	for (rounds = 0; rounds < 1024; rounds++) {
		unread = klogctl(HX_SYSLOG_ACTION_SIZE_UNREAD, NULL, 0);
		if (unread <= 0)
			break;
		if (cap - len < 65536) {
			char *t = realloc(text, cap * 2 + 1);

			if (!t)
				break;
			text = t;
			cap *= 2;
		}
		/* Only called with something unread: it does not block. */
		n = klogctl(HX_SYSLOG_ACTION_READ, text + len, (int)(cap - len));
		if (n <= 0)
			break;
		len += n;
	}
	text[len] = '\0';
	if (hx_klog_primed)
		hx_klog_bad_lines += hx_scan_bad(text);
	/* The boot log before the first group is run.sh's business. */
	hx_klog_primed = true;
	return text;
}

int hx_klog_take_bad(void)
{
	int bad = hx_klog_bad_lines;

	hx_klog_bad_lines = 0;
	return bad;
}

int hx_count_lines(const char *text, const char *needle)
{
	const char *line = text, *nl;
	int count = 0;
	size_t len;

	while (text && *line) {
		nl = strchr(line, '\n');
		len = nl ? (size_t)(nl - line) : strlen(line);
		if (memmem(line, len, needle, strlen(needle)))
			count++;
		if (!nl)
			break;
		line = nl + 1;
	}
	return count;
}
