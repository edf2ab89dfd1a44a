// SPDX-License-Identifier: GPL-2.0
/*
 * test_commands.c - the tdx-quote commands (tools/commands.c) against a
 * fake device: open(), ioctl() and close() are replaced at link time
 * (-Wl,--wrap=...) so the ioctl flows, the ENOSPC retry, the exit codes and
 * the messages can be checked without a kernel.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/tdx_quote.h>

#include "cli_util.h"
#include "commands.h"
#include "quote_builder.h"

#define FAKE_DEVICE	"/dev/fake-tdx-quote"
#define FAKE_FD		4242

/* ---- the fake device ---- */

/* One scripted answer to an ioctl. */
struct step {
	unsigned long req;		/* expected request */
	int err;			/* fail with this errno, 0 = succeed */
	uint64_t quote_len;		/* GET_QUOTE: quote_len to return */
	uint64_t host_status;
	uint64_t vmcall_status;
	const uint8_t *quote;		/* GET_QUOTE: bytes to copy to the buffer */
	size_t quote_bytes;
};

static struct {
	int open_err;			/* open() fails with this errno */
	int opens, closes;
	struct step steps[4];
	int nsteps, ncalls;
	struct tdx_quote_get_quote seen_quote[4];	/* GET_QUOTE requests as sent */
	uint8_t seen_reportdata[64];			/* GET_REPORT request as sent */
	struct tdx_quote_info info;			/* INFO answer */
	struct tdx_quote_rtmr_extend seen_extend;	/* RTMR_EXTEND as sent */
} dev;

int __real_open(const char *path, int flags, ...);
int __real_ioctl(int fd, unsigned long req, ...);
int __real_close(int fd);

int __wrap_open(const char *path, int flags, ...)
{
	if (strcmp(path, FAKE_DEVICE)) {
		va_list ap;
		int mode = 0;

		if (flags & O_CREAT) {
			va_start(ap, flags);
			mode = va_arg(ap, int);
			va_end(ap);
		}
		return __real_open(path, flags, mode);
	}
	assert_int_equal(flags & O_ACCMODE, O_RDWR);
	if (dev.open_err) {
		errno = dev.open_err;
		return -1;
	}
	dev.opens++;
	return FAKE_FD;
}

int __wrap_close(int fd)
{
	if (fd != FAKE_FD)
		return __real_close(fd);
	dev.closes++;
	return 0;
}

static void answer_quote(const struct step *s, struct tdx_quote_get_quote *q)
{
	dev.seen_quote[dev.ncalls] = *q;
	if (s->quote) {
		/* a well-behaved kernel never writes past the capacity */
		assert_true(s->quote_bytes <= q->quote_len);
		memcpy((void *)(uintptr_t)q->quote, s->quote, s->quote_bytes);
	}
	q->quote_len = s->quote_len;
	q->host_status = s->host_status;
	q->vmcall_status = s->vmcall_status;
	q->buf_len = 8192;
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	const struct step *s;
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fd != FAKE_FD)
		return __real_ioctl(fd, req, arg);

	if (dev.ncalls >= dev.nsteps)
		fail_msg("unexpected ioctl 0x%lx (call %d)", req, dev.ncalls + 1);
	s = &dev.steps[dev.ncalls];
	assert_int_equal(req, s->req);

	if (req == TDX_QUOTE_CMD_GET_QUOTE) {
		answer_quote(s, arg);
	} else if (req == TDX_QUOTE_CMD_GET_REPORT) {
		struct tdx_quote_report_req *r = arg;

		memcpy(dev.seen_reportdata, r->reportdata, 64);
		for (int i = 0; i < TDX_QUOTE_TDREPORT_LEN; i++)
			r->tdreport[i] = (uint8_t)i;
		memcpy(r->tdreport + 128, r->reportdata, 64);
	} else if (req == TDX_QUOTE_CMD_INFO) {
		memcpy(arg, &dev.info, sizeof(dev.info));
	} else if (req == TDX_QUOTE_CMD_RTMR_EXTEND) {
		memcpy(&dev.seen_extend, arg, sizeof(dev.seen_extend));
	} else if (req == TDX_QUOTE_CMD_MEASUREMENTS) {
		uint8_t *m = arg;

		for (size_t i = 0; i < sizeof(struct tdx_quote_measurements); i++)
			m[i] = (uint8_t)(i / TDX_QUOTE_MR_LEN + 0xa0);
	}
	dev.ncalls++;
	if (s->err) {
		errno = s->err;
		return -1;
	}
	return 0;
}

static void script(const struct step *steps, int n)
{
	memcpy(dev.steps, steps, n * sizeof(*steps));
	dev.nsteps = n;
}

/* ---- running the CLI ---- */

static char *out_text, *err_text;

/* Run tdx-quote with a NULL-terminated argument list; output in out_text/err_text. */
static int run(const char *arg, ...)
{
	char *argv[16] = { "tdx-quote" };
	size_t out_size, err_size;
	FILE *out, *err;
	int argc = 1, rc;
	va_list ap;

	va_start(ap, arg);
	for (; arg; arg = va_arg(ap, const char *))
		argv[argc++] = (char *)arg;
	va_end(ap);

	free(out_text);
	free(err_text);
	out_text = err_text = NULL;
	out = open_memstream(&out_text, &out_size);
	err = open_memstream(&err_text, &err_size);
	rc = tdxq_main(argc, argv, out, err);
	fclose(out);
	fclose(err);
	/* every command that opened the device closed it again */
	assert_int_equal(dev.opens, dev.closes);
	return rc;
}

#define assert_contains(hay, needle) do {					\
	if (!strstr((hay), (needle)))						\
		fail_msg("'%s' does not contain '%s'", (hay), (needle));	\
} while (0)

static uint8_t *quote;			/* a valid v4 quote */
static struct qb_layout quote_layout;
static char tmpdir[64];

static int setup_group(void **state)
{
	struct qb_opts o = qb_defaults(4, 2);

	(void)state;
	quote = qb_build(&o, &quote_layout);
	strcpy(tmpdir, "/tmp/tdxq-cmd-XXXXXX");
	if (!quote || !mkdtemp(tmpdir))
		return -1;
	return setenv("TDX_QUOTE_DEVICE", FAKE_DEVICE, 1);
}

static int teardown_group(void **state)
{
	char cmd[128];

	(void)state;
	free(quote);
	free(out_text);
	free(err_text);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd);
}

static int setup(void **state)
{
	(void)state;
	memset(&dev, 0, sizeof(dev));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	/* every scripted answer was asked for */
	assert_int_equal(dev.ncalls, dev.nsteps);
	return 0;
}

static char *read_back(const char *path, size_t *len)
{
	uint8_t *buf;
	char e[TDXQ_ERRLEN];

	assert_int_equal(tdxq_read_file(path, 1 << 20, &buf, len, e, sizeof(e)), 0);
	return (char *)buf;
}

/* ---- quote ---- */

static void test_quote_ok(void **state)
{
	const struct step s = {
		.req = TDX_QUOTE_CMD_GET_QUOTE,
		.quote_len = quote_layout.len, .quote = quote,
		.quote_bytes = quote_layout.len,
	};
	const struct tdx_quote_get_quote *q = &dev.seen_quote[0];
	uint8_t want[64] = { 0x01, 0x02 };

	(void)state;
	script(&s, 1);
	assert_int_equal(run("quote", "-d", "0102", "--timeout", "1234", NULL), 0);
	assert_contains(out_text, "TDX quote v4");
	assert_contains(out_text, "report_data          404142");
	assert_string_equal(err_text, "");

	assert_int_equal(q->flags, 0);
	assert_int_equal(q->timeout_ms, 1234);
	assert_memory_equal(q->reportdata, want, 64);
	assert_true(q->quote != 0);
	assert_int_equal(q->quote_len, 64 * 1024);
	for (int i = 0; i < 4; i++)
		assert_int_equal(q->reserved[i], 0);
}

static void test_quote_enospc_retry(void **state)
{
	const struct step s[] = {
		{ .req = TDX_QUOTE_CMD_GET_QUOTE, .err = ENOSPC, .quote_len = 100000 },
		{ .req = TDX_QUOTE_CMD_GET_QUOTE, .quote_len = quote_layout.len,
		  .quote = quote, .quote_bytes = quote_layout.len },
	};

	(void)state;
	script(s, 2);
	assert_int_equal(run("quote", NULL), 0);
	assert_int_equal(dev.seen_quote[0].quote_len, 64 * 1024);
	assert_int_equal(dev.seen_quote[1].quote_len, 100000);
	assert_contains(out_text, "TDX quote v4");
}

static void test_quote_enospc_twice(void **state)
{
	const struct step s[] = {
		{ .req = TDX_QUOTE_CMD_GET_QUOTE, .err = ENOSPC, .quote_len = 100000 },
		{ .req = TDX_QUOTE_CMD_GET_QUOTE, .err = ENOSPC, .quote_len = 200000,
		  .host_status = 0x8000000000000000ull },
	};

	(void)state;
	script(s, 2);		/* and no third call */
	assert_int_equal(run("quote", NULL), TDXQ_EXIT_REQUEST);
	assert_contains(err_text, "GET_QUOTE failed");
	assert_contains(err_text, "[ENOSPC]");
	assert_contains(err_text, "the buffer had 100000 bytes, the kernel asks for 200000");
	assert_contains(err_text, "host_status 0x8000000000000000 (ERROR)");
	assert_string_equal(out_text, "");
}

static void test_quote_enospc_implausible(void **state)
{
	const struct step huge = {
		.req = TDX_QUOTE_CMD_GET_QUOTE, .err = ENOSPC, .quote_len = 1ull << 40,
	};
	const struct step small = {
		.req = TDX_QUOTE_CMD_GET_QUOTE, .err = ENOSPC, .quote_len = 100,
	};

	(void)state;
	script(&huge, 1);	/* no retry */
	assert_int_equal(run("quote", NULL), TDXQ_EXIT_REQUEST);
	assert_contains(err_text, "more than tdx-quote allows");

	memset(&dev, 0, sizeof(dev));
	script(&small, 1);	/* no retry */
	assert_int_equal(run("quote", NULL), TDXQ_EXIT_REQUEST);
	assert_contains(err_text, "kernel bug?");
}

static void test_quote_failures(void **state)
{
	static const struct {
		int err;
		uint64_t host_status, vmcall_status;
		const char *needle;
	} cases[] = {
		{ EHOSTDOWN, 0x8000000000000001ull, 0,
		  "host_status 0x8000000000000001 (SERVICE_UNAVAILABLE)" },
		{ ETIMEDOUT, ~0ull, 0, "host_status 0xffffffffffffffff (IN_FLIGHT)" },
		{ EREMOTEIO, 0, 0x8000000000000002ull,
		  "vmcall_status 0x8000000000000002 (ALIGN_ERROR)" },
		{ EIO, 0x8000000000000000ull, 0, "status ERROR" },
		{ EBUSY, 0, 1, "vmcall_status 0x0000000000000001 (RETRY)" },
		{ EFBIG, 0, 0, "max_quote_size" },
		{ EINVAL, 0, 0, "--timeout" },
		{ EINTR, ~0ull, 0, "signal" },
		{ EPROTO, 0, 0, "protocol" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct step s = {
			.req = TDX_QUOTE_CMD_GET_QUOTE, .err = cases[i].err,
			.host_status = cases[i].host_status,
			.vmcall_status = cases[i].vmcall_status,
		};

		memset(&dev, 0, sizeof(dev));
		script(&s, 1);
		assert_int_equal(run("quote", NULL), TDXQ_EXIT_REQUEST);
		assert_contains(err_text, tdxq_errno_name(cases[i].err));
		assert_contains(err_text, cases[i].needle);
		assert_contains(err_text, "buf_len 8192");
	}
}

/* EFBIG: the kernel says how big the quote is; no retry. */
static void test_quote_too_large(void **state)
{
	const struct step s = {
		.req = TDX_QUOTE_CMD_GET_QUOTE, .err = EFBIG, .quote_len = 300000,
	};

	(void)state;
	script(&s, 1);
	assert_int_equal(run("quote", NULL), TDXQ_EXIT_REQUEST);
	assert_contains(err_text, "[EFBIG]");
	assert_contains(err_text, "the quote needs 300000 bytes");
}

static void test_quote_to_file(void **state)
{
	const struct step s = {
		.req = TDX_QUOTE_CMD_GET_QUOTE,
		.quote_len = quote_layout.len, .quote = quote,
		.quote_bytes = quote_layout.len,
	};
	char path[128], *data;
	size_t len;

	(void)state;
	script(&s, 1);
	snprintf(path, sizeof(path), "%s/quote.bin", tmpdir);
	assert_int_equal(run("quote", "-o", path, NULL), 0);
	assert_string_equal(out_text, "");
	data = read_back(path, &len);
	assert_int_equal(len, quote_layout.len);
	assert_memory_equal(data, quote, len);
	free(data);

	/* and show reads it back */
	assert_int_equal(run("show", path, NULL), 0);
	assert_contains(out_text, "TDX quote v4, 1615 bytes");
}

static void test_quote_bad_answers(void **state)
{
	const struct step garbage = {
		.req = TDX_QUOTE_CMD_GET_QUOTE, .quote_len = 10,
		.quote = (const uint8_t *)"0123456789", .quote_bytes = 10,
	};
	const struct step beyond = {
		.req = TDX_QUOTE_CMD_GET_QUOTE, .quote_len = 64 * 1024 + 1,
	};

	(void)state;
	script(&garbage, 1);
	assert_int_equal(run("quote", NULL), TDXQ_EXIT_PARSE);
	assert_contains(err_text, "GET_QUOTE: malformed quote: truncated: header");

	memset(&dev, 0, sizeof(dev));
	script(&beyond, 1);
	assert_int_equal(run("quote", NULL), TDXQ_EXIT_REQUEST);
	assert_contains(err_text, "beyond the 65536-byte buffer");
}

/* ---- open ---- */

static void test_open_errors(void **state)
{
	static const char *const cmds[] = { "info", "report", "quote" };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		dev.open_err = ENOENT;
		assert_int_equal(run(cmds[i], NULL), TDXQ_EXIT_DEVICE);
		assert_contains(err_text, FAKE_DEVICE ": no such device");
		assert_contains(err_text, "is the tdx_quote module loaded? (modprobe tdx_quote)");

		dev.open_err = EACCES;
		assert_int_equal(run(cmds[i], NULL), TDXQ_EXIT_DEVICE);
		assert_contains(err_text, "needs root");
	}
}

/* Bad arguments are reported before the device is touched. */
static void test_usage_errors(void **state)
{
	(void)state;
	dev.open_err = ENOENT;
	assert_int_equal(run("quote", "-d", "xyz", NULL), TDXQ_EXIT_USAGE);
	assert_contains(err_text, "not a hex digit");
	assert_int_equal(run("bogus", NULL), TDXQ_EXIT_USAGE);
	assert_contains(err_text, "unknown command 'bogus'\nTry 'tdx-quote --help'.\n");
	assert_int_equal(run(NULL), TDXQ_EXIT_USAGE);
	assert_int_equal(dev.opens, 0);
}

static void test_help_version(void **state)
{
	(void)state;
	assert_int_equal(run("--version", NULL), 0);
	assert_string_equal(out_text, "tdx-quote 9.9.9-test\n");
	assert_int_equal(run("--help", NULL), 0);
	assert_contains(out_text, "Exit status:");
	assert_int_equal(run("report", "-h", NULL), 0);
	assert_contains(out_text, "Usage: tdx-quote");
	assert_string_equal(err_text, "");
}

/* ---- info ---- */

static void test_info(void **state)
{
	const struct step s = { .req = TDX_QUOTE_CMD_INFO };

	(void)state;
	strcpy(dev.info.version, "1.2.3");
	strcpy(dev.info.host, "tdx");
	dev.info.notify_mode = TDX_QUOTE_NOTIFY_IRQ;
	dev.info.notify_vector = 35;
	dev.info.stats.buffer_grows = 77;
	script(&s, 1);
	assert_int_equal(run("info", NULL), 0);
	assert_contains(out_text, "module version:        1.2.3\n");
	assert_contains(out_text, "irq (vector 35, cpu 0)");
	assert_contains(out_text, "buffer_grows             77\n");

	memset(&dev, 0, sizeof(dev));
	{
		const struct step bad = { .req = TDX_QUOTE_CMD_INFO, .err = ENOTTY };

		script(&bad, 1);
	}
	assert_int_equal(run("info", NULL), TDXQ_EXIT_REQUEST);
	assert_contains(err_text, "INFO failed: the device does not know this request");
}

static void test_measurements(void **state)
{
	const struct step s = { .req = TDX_QUOTE_CMD_MEASUREMENTS };
	const struct step busy = { .req = TDX_QUOTE_CMD_MEASUREMENTS, .err = EINTR };

	(void)state;
	script(&s, 1);
	assert_int_equal(run("measurements", NULL), 0);
	/* each register on its own line, in TDREPORT order */
	assert_contains(out_text, "mrtd:          a0a0a0");
	assert_contains(out_text, "\nmrownerconfig: a3a3");
	assert_contains(out_text, "\nrtmr0:         a4a4");
	assert_contains(out_text, "\nrtmr3:         a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7"
			"a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7\n");
	assert_int_equal(dev.ncalls, 1);

	memset(&dev, 0, sizeof(dev));
	script(&busy, 1);
	assert_int_equal(run("measurements", NULL), TDXQ_EXIT_REQUEST);
	assert_contains(err_text, "MEASUREMENTS failed: interrupted by a signal");
	assert_int_equal(run("measurements", "x", NULL), TDXQ_EXIT_USAGE);
}

static void test_extend(void **state)
{
	const struct step s = { .req = TDX_QUOTE_CMD_RTMR_EXTEND };
	const struct step busy = { .req = TDX_QUOTE_CMD_RTMR_EXTEND, .err = EBUSY };
	const struct step refused = { .req = TDX_QUOTE_CMD_RTMR_EXTEND, .err = ENXIO };
	char hex[2 * TDX_QUOTE_MR_LEN + 3] = "0x";

	(void)state;
	for (int i = 0; i < TDX_QUOTE_MR_LEN; i++)
		snprintf(hex + 2 + 2 * i, 3, "%02X", 0xf0 - i);
	script(&s, 1);
	assert_int_equal(run("extend", "2", hex, NULL), 0);
	assert_string_equal(out_text, "");
	assert_int_equal(dev.seen_extend.index, 2);
	assert_int_equal(dev.seen_extend.flags, 0);
	assert_int_equal(dev.seen_extend.reserved[0] | dev.seen_extend.reserved[1], 0);
	for (int i = 0; i < TDX_QUOTE_MR_LEN; i++)
		assert_int_equal(dev.seen_extend.data[i], 0xf0 - i);

	memset(&dev, 0, sizeof(dev));
	script(&busy, 1);
	assert_int_equal(run("extend", "--", "0", hex + 2, NULL), TDXQ_EXIT_REQUEST);
	assert_contains(err_text, "RTMR_EXTEND failed: the TDX module was busy");
	assert_contains(err_text, "[EBUSY]");
	assert_int_equal(dev.seen_extend.index, 0);

	memset(&dev, 0, sizeof(dev));
	script(&refused, 1);
	assert_int_equal(run("extend", "3", hex, NULL), TDXQ_EXIT_REQUEST);
	assert_contains(err_text, "refused an operand of TDG.MR.RTMR.EXTEND [ENXIO]");

	/* usage errors never reach the device */
	memset(&dev, 0, sizeof(dev));
	assert_int_equal(run("extend", "4", hex, NULL), TDXQ_EXIT_USAGE);
	assert_contains(err_text, "RTMR '4' is not 0, 1, 2 or 3");
	assert_int_equal(run("extend", "1", "abcd", NULL), TDXQ_EXIT_USAGE);
	assert_contains(err_text, "4 hex digits; give exactly 96 (48 bytes)");
	hex[10] = 'g';
	assert_int_equal(run("extend", "1", hex, NULL), TDXQ_EXIT_USAGE);
	assert_contains(err_text, "'g' at position 9 is not a hex digit");
	assert_int_equal(run("extend", "1", NULL), TDXQ_EXIT_USAGE);
	assert_contains(err_text, "extend: give RTMR (0-3) and HEX (48 bytes)");
	assert_int_equal(run("extend", "1", "00", "00", NULL), TDXQ_EXIT_USAGE);
	assert_contains(err_text, "extend: unexpected argument '00'");
	assert_int_equal(run("extend", "-x", "1", NULL), TDXQ_EXIT_USAGE);
	assert_int_equal(dev.opens, 0);
	assert_int_equal(dev.ncalls, 0);
}

/* Output that cannot be written is a local I/O error. */
static void test_info_write_error(void **state)
{
	const struct step s = { .req = TDX_QUOTE_CMD_INFO };
	char *argv[] = { "tdx-quote", "info", NULL };
	FILE *full = fopen("/dev/full", "w"), *err;
	size_t size;

	(void)state;
	if (!full)
		skip();
	free(err_text);
	err_text = NULL;
	err = open_memstream(&err_text, &size);
	script(&s, 1);
	assert_int_equal(tdxq_main(2, argv, full, err), TDXQ_EXIT_IO);
	fclose(full);
	fclose(err);
	assert_contains(err_text, "write error on standard output");
}

/* ---- report ---- */

static void test_report(void **state)
{
	const struct step s = { .req = TDX_QUOTE_CMD_GET_REPORT };
	uint8_t want[64] = { 0xde, 0xad, 0xbe, 0xef };
	char path[128], *data;
	size_t len;

	(void)state;
	script(&s, 1);
	assert_int_equal(run("report", "-d", "deadbeef", NULL), 0);
	assert_memory_equal(dev.seen_reportdata, want, 64);
	assert_contains(out_text, "00000000  00 01 02 03 04 05 06 07  08 09 0a 0b");
	assert_contains(out_text, "00000080  de ad be ef 00");
	assert_contains(out_text, "000003f0  f0 f1");
	assert_contains(out_text, "reportdata           deadbeef0000");

	memset(&dev, 0, sizeof(dev));
	script(&s, 1);
	snprintf(path, sizeof(path), "%s/report.bin", tmpdir);
	assert_int_equal(run("report", "-o", path, NULL), 0);
	assert_string_equal(out_text, "");
	data = read_back(path, &len);
	assert_int_equal(len, 1024);
	assert_int_equal((uint8_t)data[127], 127);
	assert_int_equal((uint8_t)data[128], 0);	/* report data: all zero */
	free(data);
}

static void test_report_errors(void **state)
{
	const struct step s = { .req = TDX_QUOTE_CMD_GET_REPORT, .err = EIO };
	char path[128];

	(void)state;
	script(&s, 1);
	assert_int_equal(run("report", NULL), TDXQ_EXIT_REQUEST);
	assert_contains(err_text, "GET_REPORT failed: the TDX module refused TDG.MR.REPORT [EIO]");

	/* cannot write the output: local I/O error */
	memset(&dev, 0, sizeof(dev));
	dev.steps[0].req = TDX_QUOTE_CMD_GET_REPORT;
	dev.nsteps = 1;
	snprintf(path, sizeof(path), "%s/no/such/dir", tmpdir);
	assert_int_equal(run("report", "-o", path, NULL), TDXQ_EXIT_IO);
	assert_contains(err_text, "cannot create");

	/* -D file missing: I/O error before the device is opened */
	memset(&dev, 0, sizeof(dev));
	assert_int_equal(run("report", "-D", path, NULL), TDXQ_EXIT_IO);
	assert_int_equal(dev.opens, 0);
}

/* ---- show ---- */

static void test_show(void **state)
{
	char good[128], bad[128];
	uint8_t *copy = malloc(quote_layout.len);
	char e[TDXQ_ERRLEN];

	(void)state;
	snprintf(good, sizeof(good), "%s/good.bin", tmpdir);
	snprintf(bad, sizeof(bad), "%s/bad.bin", tmpdir);
	assert_int_equal(tdxq_write_file(good, quote, quote_layout.len, e, sizeof(e)), 0);
	memcpy(copy, quote, quote_layout.len);
	qb_put_u32(copy + quote_layout.sig_len_off, 5000);
	assert_int_equal(tdxq_write_file(bad, copy, quote_layout.len, e, sizeof(e)), 0);
	free(copy);

	assert_int_equal(run("show", good, NULL), 0);
	assert_contains(out_text, "report_data");
	assert_int_equal(run("show", bad, NULL), TDXQ_EXIT_PARSE);
	assert_contains(err_text, "malformed quote: signed_data_len 5000 exceeds remaining 979 bytes");
	assert_string_equal(out_text, "");
	snprintf(bad, sizeof(bad), "%s/missing.bin", tmpdir);
	assert_int_equal(run("show", bad, NULL), TDXQ_EXIT_IO);
	assert_int_equal(dev.opens, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_quote_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quote_enospc_retry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quote_enospc_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quote_enospc_implausible, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quote_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quote_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quote_to_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quote_bad_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usage_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_help_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_write_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_measurements, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_show, setup, teardown),
	};

	return cmocka_run_group_tests_name("commands (fake device)", tests,
					   setup_group, teardown_group);
}
