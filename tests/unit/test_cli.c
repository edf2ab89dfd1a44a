// SPDX-License-Identifier: GPL-2.0
/*
 * test_cli.c - unit tests for the CLI helpers (tools/cli_*.c)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_util.h"

static char err[TDXQ_ERRLEN];

#define assert_contains(hay, needle) do {					\
	if (!strstr((hay), (needle)))						\
		fail_msg("'%s' does not contain '%s'", (hay), (needle));	\
} while (0)

/* ---- -d HEX ---- */

static void test_hex_valid(void **state)
{
	uint8_t out[64], want[64] = { 0 };
	char full[129];

	(void)state;
	assert_int_equal(tdxq_parse_hex("ab", out, err, sizeof(err)), 0);
	want[0] = 0xab;
	assert_memory_equal(out, want, 64);		/* zero-padded on the right */

	assert_int_equal(tdxq_parse_hex("0x01FFa0", out, err, sizeof(err)), 0);
	want[0] = 0x01;
	want[1] = 0xff;
	want[2] = 0xa0;
	assert_memory_equal(out, want, 64);

	for (int i = 0; i < 64; i++) {
		snprintf(full + 2 * i, 3, "%02x", 255 - i);
		want[i] = (uint8_t)(255 - i);
	}
	assert_int_equal(strlen(full), 128);
	assert_int_equal(tdxq_parse_hex(full, out, err, sizeof(err)), 0);
	assert_memory_equal(out, want, 64);
}

static void test_hex_errors(void **state)
{
	uint8_t out[64], zero[64] = { 0 };
	char long_hex[200];

	(void)state;
	assert_int_equal(tdxq_parse_hex("abc", out, err, sizeof(err)), -1);
	assert_contains(err, "odd number of hex digits (3)");
	assert_memory_equal(out, zero, 64);		/* nothing half-parsed */

	assert_int_equal(tdxq_parse_hex("12g4", out, err, sizeof(err)), -1);
	assert_contains(err, "'g' at position 3 is not a hex digit");
	assert_int_equal(tdxq_parse_hex("12 4", out, err, sizeof(err)), -1);
	assert_contains(err, "not a hex digit");
	assert_int_equal(tdxq_parse_hex("-1", out, err, sizeof(err)), -1);
	assert_int_equal(tdxq_parse_hex("0x", out, err, sizeof(err)), -1);
	assert_contains(err, "no hex digits");
	assert_int_equal(tdxq_parse_hex("", out, err, sizeof(err)), -1);
	assert_contains(err, "no hex digits");

	memset(long_hex, 'a', sizeof(long_hex));
	long_hex[130] = '\0';
	assert_int_equal(tdxq_parse_hex(long_hex, out, err, sizeof(err)), -1);
	assert_contains(err, "130 hex digits is too long (at most 128");
	long_hex[129] = '\0';				/* odd and too long */
	assert_int_equal(tdxq_parse_hex(long_hex, out, err, sizeof(err)), -1);
	assert_contains(err, "too long");
}

static void test_u32(void **state)
{
	uint32_t v = 7;

	(void)state;
	assert_int_equal(tdxq_parse_u32("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(tdxq_parse_u32("30000", &v), 0);
	assert_int_equal(v, 30000);
	assert_int_equal(tdxq_parse_u32("4294967295", &v), 0);
	assert_int_equal(v, 4294967295u);
	assert_int_equal(tdxq_parse_u32("4294967296", &v), -1);
	assert_int_equal(tdxq_parse_u32("99999999999999999999999", &v), -1);
	assert_int_equal(tdxq_parse_u32("", &v), -1);
	assert_int_equal(tdxq_parse_u32("-1", &v), -1);
	assert_int_equal(tdxq_parse_u32("+1", &v), -1);
	assert_int_equal(tdxq_parse_u32("12ms", &v), -1);
	assert_int_equal(tdxq_parse_u32(" 1", &v), -1);
	assert_int_equal(v, 4294967295u);		/* untouched on error */
}

/* ---- errno -> message ---- */

static void test_errno_names(void **state)
{
	(void)state;
	assert_string_equal(tdxq_errno_name(ENOENT), "ENOENT");
	assert_string_equal(tdxq_errno_name(EHOSTDOWN), "EHOSTDOWN");
	assert_string_equal(tdxq_errno_name(EREMOTEIO), "EREMOTEIO");
	assert_string_equal(tdxq_errno_name(9999), "errno 9999");
}

static void test_open_errors(void **state)
{
	char msg[TDXQ_ERRLEN];

	(void)state;
	assert_int_equal(tdxq_open_error(msg, sizeof(msg), "/dev/tdx_quote", ENOENT),
			 TDXQ_EXIT_DEVICE);
	assert_contains(msg, "/dev/tdx_quote: no such device");
	assert_contains(msg, "is the tdx_quote module loaded? (modprobe tdx_quote)");
	assert_contains(msg, "[ENOENT]");

	tdxq_open_error(msg, sizeof(msg), "/dev/x", ENXIO);
	assert_contains(msg, "is the tdx_quote module loaded");
	tdxq_open_error(msg, sizeof(msg), "/dev/x", ENODEV);
	assert_contains(msg, "is the tdx_quote module loaded");

	assert_int_equal(tdxq_open_error(msg, sizeof(msg), "/dev/x", EACCES),
			 TDXQ_EXIT_DEVICE);
	assert_contains(msg, "needs root");
	tdxq_open_error(msg, sizeof(msg), "/dev/x", EPERM);
	assert_contains(msg, "needs root");
	assert_contains(msg, "[EPERM]");

	/* no explanation: strerror and the name */
	tdxq_open_error(msg, sizeof(msg), "/dev/x", EMFILE);
	assert_contains(msg, "/dev/x: ");
	assert_contains(msg, strerror(EMFILE));
}

static void test_quote_errors(void **state)
{
	/* every errno the uapi header documents for GET_QUOTE */
	static const struct {
		int err;
		const char *needle;
	} cases[] = {
		{ EINVAL,	"--timeout beyond the module's limit" },
		{ E2BIG,	"older" },
		{ EFAULT,	"bug in tdx-quote" },
		{ ENOSPC,	"longer than the buffer" },
		{ EFBIG,	"max_quote_size" },
		{ ETIMEDOUT,	"contiguous memory" },
		{ EINTR,	"signal" },
		{ EBUSY,	"RETRY" },
		{ EHOSTDOWN,	"SERVICE_UNAVAILABLE" },
		{ EIO,		"status ERROR" },
		{ EREMOTEIO,	"vmcall_status" },
		{ EPROTO,	"protocol" },
		{ ENOMEM,	"shared buffer" },
		{ ENOBUFS,	"leak_max_bytes" },
		{ ENODEV,	"not a TD" },
		{ ENOTTY,	"not a tdx_quote device" },
	};
	char msg[TDXQ_ERRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = tdxq_errno_explain(TDXQ_OP_QUOTE, cases[i].err);

		if (!why)
			fail_msg("no explanation for %s", tdxq_errno_name(cases[i].err));
		assert_contains(why, cases[i].needle);
		assert_int_equal(tdxq_ioctl_error(msg, sizeof(msg), TDXQ_OP_QUOTE,
						  cases[i].err), TDXQ_EXIT_REQUEST);
		assert_contains(msg, "GET_QUOTE failed: ");
		assert_contains(msg, tdxq_errno_name(cases[i].err));
		assert_contains(msg, cases[i].needle);
	}
	assert_null(tdxq_errno_explain(TDXQ_OP_QUOTE, EMFILE));
	tdxq_ioctl_error(msg, sizeof(msg), TDXQ_OP_QUOTE, EMFILE);
	assert_contains(msg, strerror(EMFILE));
}

static void test_report_info_errors(void **state)
{
	char msg[TDXQ_ERRLEN];

	(void)state;
	tdxq_ioctl_error(msg, sizeof(msg), TDXQ_OP_REPORT, EIO);
	assert_contains(msg, "GET_REPORT failed: ");
	assert_contains(msg, "TDG.MR.REPORT");
	tdxq_ioctl_error(msg, sizeof(msg), TDXQ_OP_REPORT, ENODEV);
	assert_contains(msg, "no TDX host");
	tdxq_ioctl_error(msg, sizeof(msg), TDXQ_OP_REPORT, EINTR);
	assert_contains(msg, "signal");
	tdxq_ioctl_error(msg, sizeof(msg), TDXQ_OP_REPORT, EBUSY);
	assert_contains(msg, "busy");
	assert_contains(msg, "EBUSY");
	tdxq_ioctl_error(msg, sizeof(msg), TDXQ_OP_REPORT, ENXIO);
	assert_contains(msg, "operand of TDG.MR.REPORT");
	tdxq_ioctl_error(msg, sizeof(msg), TDXQ_OP_INFO, EFAULT);
	assert_contains(msg, "INFO failed: ");
	tdxq_ioctl_error(msg, sizeof(msg), TDXQ_OP_INFO, ENOTTY);
	assert_contains(msg, "not a tdx_quote device");
	/* quote-only meanings do not leak into other requests */
	assert_null(tdxq_errno_explain(TDXQ_OP_REPORT, ENOSPC));
	assert_null(tdxq_errno_explain(TDXQ_OP_INFO, EIO));
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(tdxq_host_status_name(0), "SUCCESS");
	assert_string_equal(tdxq_host_status_name(0x8000000000000000ull), "ERROR");
	assert_string_equal(tdxq_host_status_name(0x8000000000000001ull), "SERVICE_UNAVAILABLE");
	assert_string_equal(tdxq_host_status_name(~0ull), "IN_FLIGHT");
	assert_string_equal(tdxq_host_status_name(5), "unknown");
	assert_string_equal(tdxq_vmcall_status_name(0), "SUCCESS");
	assert_string_equal(tdxq_vmcall_status_name(1), "RETRY");
	assert_string_equal(tdxq_vmcall_status_name(0x8000000000000000ull), "INVALID_OPERAND");
	assert_string_equal(tdxq_vmcall_status_name(0x8000000000000002ull), "ALIGN_ERROR");
	assert_string_equal(tdxq_vmcall_status_name(0x8000000000000003ull),
			    "SUBFUNC_UNSUPPORTED");
	assert_string_equal(tdxq_vmcall_status_name(2), "unknown");
	assert_string_equal(tdxq_notify_mode_name(TDX_QUOTE_NOTIFY_IRQ), "irq");
	assert_string_equal(tdxq_notify_mode_name(TDX_QUOTE_NOTIFY_POLL), "poll");
	assert_string_equal(tdxq_notify_mode_name(TDX_QUOTE_NOTIFY_NONE), "none");
	assert_string_equal(tdxq_notify_mode_name(9), "unknown");
}

/* ---- argument parsing ---- */

/* Parse a NULL-terminated argument list (argv[0] is added). */
static int parse(struct tdxq_opts *o, ...)
{
	char *argv[32] = { "tdx-quote" };
	int argc = 1;
	va_list ap;

	va_start(ap, o);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	return tdxq_parse_args(argc, argv, o, err, sizeof(err));
}

static void test_args_valid(void **state)
{
	struct tdxq_opts o;

	(void)state;
	assert_int_equal(parse(&o, "info", NULL), 0);
	assert_int_equal(o.cmd, TDXQ_CMD_INFO);

	assert_int_equal(parse(&o, "--version", NULL), 0);
	assert_int_equal(o.cmd, TDXQ_CMD_VERSION);
	assert_int_equal(parse(&o, "--help", NULL), 0);
	assert_int_equal(o.cmd, TDXQ_CMD_HELP);
	assert_int_equal(parse(&o, "-h", NULL), 0);
	assert_int_equal(o.cmd, TDXQ_CMD_HELP);
	assert_int_equal(parse(&o, "quote", "-d", "zz", "--help", NULL), 0);
	assert_int_equal(o.cmd, TDXQ_CMD_HELP);

	assert_int_equal(parse(&o, "report", NULL), 0);
	assert_int_equal(o.cmd, TDXQ_CMD_REPORT);
	assert_null(o.data_hex);
	assert_null(o.data_file);
	assert_null(o.out_file);

	assert_int_equal(parse(&o, "report", "-d", "abcd", "-o", "r.bin", NULL), 0);
	assert_string_equal(o.data_hex, "abcd");
	assert_string_equal(o.out_file, "r.bin");

	assert_int_equal(parse(&o, "quote", "-Ddata.bin", "-oq.bin", "--timeout", "5000",
			       NULL), 0);
	assert_int_equal(o.cmd, TDXQ_CMD_QUOTE);
	assert_string_equal(o.data_file, "data.bin");
	assert_string_equal(o.out_file, "q.bin");
	assert_int_equal(o.timeout_ms, 5000);

	assert_int_equal(parse(&o, "quote", "--timeout=0", NULL), 0);
	assert_int_equal(o.timeout_ms, 0);

	assert_int_equal(parse(&o, "show", "q.bin", NULL), 0);
	assert_int_equal(o.cmd, TDXQ_CMD_SHOW);
	assert_string_equal(o.in_file, "q.bin");
	assert_int_equal(parse(&o, "show", "-", NULL), 0);
	assert_string_equal(o.in_file, "-");
	assert_int_equal(parse(&o, "show", "--", "-odd-name", NULL), 0);
	assert_string_equal(o.in_file, "-odd-name");
}

static void test_args_errors(void **state)
{
	static const struct {
		const char *argv[6];
		const char *needle;
	} cases[] = {
		{ { NULL }, "no command" },
		{ { "frobnicate" }, "unknown command 'frobnicate'" },
		{ { "info", "extra" }, "unexpected argument 'extra'" },
		{ { "info", "-d", "00" }, "unknown option '-d'" },
		{ { "show" }, "which FILE" },
		{ { "show", "a", "b" }, "only one FILE" },
		{ { "show", "-o", "x" }, "unknown option '-o'" },
		{ { "report", "-d" }, "-d needs a value" },
		{ { "report", "-o" }, "-o needs a value" },
		{ { "report", "-d", "00", "-D", "f" }, "-d and -D cannot be used together" },
		{ { "report", "-d", "00", "-d", "11" }, "-d given twice" },
		{ { "report", "-d", "" }, "non-empty" },
		{ { "report", "--timeout", "5" }, "unknown option '--timeout'" },
		{ { "report", "x" }, "unexpected argument" },
		{ { "quote", "--timeout" }, "--timeout needs a value" },
		{ { "quote", "--timeout", "soon" }, "not a number of milliseconds" },
		{ { "quote", "--timeout=-5" }, "not a number" },
		{ { "quote", "--timeout=" }, "not a number" },
		{ { "quote", "--timeoutx" }, "unknown option" },
		{ { "quote", "--version" }, "unknown option" },
		{ { "quote", "-x" }, "unknown option '-x'" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[8] = { "tdx-quote" };
		struct tdxq_opts o;
		int argc = 1;

		for (int k = 0; cases[i].argv[k]; k++)
			argv[argc++] = (char *)cases[i].argv[k];
		if (tdxq_parse_args(argc, argv, &o, err, sizeof(err)) != -1)
			fail_msg("case %zu (%s) accepted", i, cases[i].needle);
		assert_contains(err, cases[i].needle);
	}
}

static void test_usage(void **state)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	(void)state;
	tdxq_usage(f);
	fclose(f);
	assert_contains(text, "Usage: tdx-quote");
	assert_contains(text, "TDX_QUOTE_DEVICE");
	assert_contains(text, "  0  success");
	assert_contains(text, "  1  usage error");
	assert_contains(text, "  2  the device cannot be opened");
	assert_contains(text, "  3  the request failed");
	assert_contains(text, "  4  malformed quote");
	assert_contains(text, "  5  local I/O error");
	free(text);
}

/* ---- info printer ---- */

static void test_print_info(void **state)
{
	struct tdx_quote_info in;
	char *text = NULL;
	size_t size = 0;
	FILE *f;
	__u64 *stats = (__u64 *)&in.stats;
	static const char *const counters[] = {
		"requests", "successes", "fail_timeout", "fail_interrupted",
		"fail_service_unavailable", "fail_host_error", "fail_host_protocol",
		"fail_vmcall", "fail_busy", "fail_too_large", "fail_nomem",
		"fail_no_space", "in_flight", "quarantined", "conversions_shared",
		"conversions_private", "pooled_bytes", "leaked_bytes", "interrupts",
		"poll_wakeups", "host_retries", "buffer_grows",
		"spurious_interrupts", "slot_waits",
	};
	const size_t n = sizeof(in.stats) / sizeof(__u64);

	(void)state;
	assert_int_equal(n, sizeof(counters) / sizeof(counters[0]));
	memset(&in, 0, sizeof(in));
	memcpy(in.version, "0123456789abcdef", 16);	/* no NUL: must not overrun */
	strcpy(in.host, "sim");
	in.notify_mode = TDX_QUOTE_NOTIFY_IRQ;
	in.notify_vector = 35;
	in.notify_cpu = 1;
	in.max_inflight = 16;
	in.max_quote_size = 131072;
	in.next_buf_len = 8192;
	in.timeout_ms = 30000;
	for (size_t i = 0; i < n; i++)
		stats[i] = 1000 + i;

	f = open_memstream(&text, &size);
	tdxq_print_info(f, &in);
	fclose(f);
	assert_contains(text, "module version:        0123456789abcdef\n");
	assert_contains(text, "host:                  sim\n");
	assert_contains(text, "notify mode:           irq (vector 35, cpu 1)\n");
	assert_contains(text, "max_inflight             16\n");
	assert_contains(text, "max_quote_size           131072\n");
	assert_contains(text, "host_max_quote_size      0 (not advertised)\n");
	assert_contains(text, "next_buf_len             8192\n");
	assert_contains(text, "timeout_ms               30000\n");
	for (size_t i = 0; i < n; i++) {
		char line[64];

		snprintf(line, sizeof(line), "  %-24s %zu\n", counters[i], 1000 + i);
		assert_contains(text, line);
	}
	free(text);

	in.notify_mode = TDX_QUOTE_NOTIFY_POLL;
	in.host_max_quote_size = 65536;
	text = NULL;
	f = open_memstream(&text, &size);
	tdxq_print_info(f, &in);
	fclose(f);
	assert_contains(text, "notify mode:           poll\n");
	assert_contains(text, "host_max_quote_size      65536\n");
	free(text);
}

/* ---- files ---- */

static char tmpdir[64];

static int make_tmpdir(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/tdxq-test-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd);
}

static void path_in_tmp(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

static void test_files(void **state)
{
	uint8_t data[100], *buf;
	size_t len;
	char path[128];

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	path_in_tmp(path, sizeof(path), "f.bin");
	assert_int_equal(tdxq_write_file(path, data, sizeof(data), err, sizeof(err)), 0);
	assert_int_equal(tdxq_read_file(path, 1000, &buf, &len, err, sizeof(err)), 0);
	assert_int_equal(len, sizeof(data));
	assert_memory_equal(buf, data, len);
	free(buf);

	/* exactly the maximum is fine, one more is not */
	assert_int_equal(tdxq_read_file(path, 100, &buf, &len, err, sizeof(err)), 0);
	free(buf);
	assert_int_equal(tdxq_read_file(path, 99, &buf, &len, err, sizeof(err)), -1);
	assert_null(buf);
	assert_contains(err, "longer than 99 bytes");

	path_in_tmp(path, sizeof(path), "missing");
	assert_int_equal(tdxq_read_file(path, 100, &buf, &len, err, sizeof(err)),
			 TDXQ_EXIT_IO);
	assert_contains(err, "cannot open");

	path_in_tmp(path, sizeof(path), "no/such/dir/f.bin");
	assert_int_equal(tdxq_write_file(path, data, 1, err, sizeof(err)), TDXQ_EXIT_IO);
	assert_contains(err, "cannot create");

	/* a directory opens but does not read */
	assert_int_equal(tdxq_read_file(tmpdir, 100, &buf, &len, err, sizeof(err)),
			 TDXQ_EXIT_IO);

	if (access("/dev/full", W_OK) == 0) {
		assert_int_equal(tdxq_write_file("/dev/full", data, sizeof(data), err,
						 sizeof(err)), TDXQ_EXIT_IO);
		assert_contains(err, "write error");
	}
}

static void test_reportdata(void **state)
{
	struct tdxq_opts o = { .cmd = TDXQ_CMD_QUOTE };
	uint8_t out[64], want[64] = { 0 }, big[65];
	char path[128];

	(void)state;
	memset(out, 0xee, sizeof(out));
	assert_int_equal(tdxq_load_reportdata(&o, out, err, sizeof(err)), 0);
	assert_memory_equal(out, want, 64);		/* default: all zero */

	o.data_hex = "cafe";
	assert_int_equal(tdxq_load_reportdata(&o, out, err, sizeof(err)), 0);
	want[0] = 0xca;
	want[1] = 0xfe;
	assert_memory_equal(out, want, 64);
	o.data_hex = "caf";
	assert_int_equal(tdxq_load_reportdata(&o, out, err, sizeof(err)), TDXQ_EXIT_USAGE);
	o.data_hex = NULL;

	path_in_tmp(path, sizeof(path), "rd.bin");
	assert_int_equal(tdxq_write_file(path, (const uint8_t *)"hello", 5, err, sizeof(err)), 0);
	o.data_file = path;
	assert_int_equal(tdxq_load_reportdata(&o, out, err, sizeof(err)), 0);
	memset(want, 0, sizeof(want));
	memcpy(want, "hello", 5);
	assert_memory_equal(out, want, 64);

	memset(big, 0x5a, sizeof(big));
	assert_int_equal(tdxq_write_file(path, big, 64, err, sizeof(err)), 0);
	assert_int_equal(tdxq_load_reportdata(&o, out, err, sizeof(err)), 0);
	assert_memory_equal(out, big, 64);
	assert_int_equal(tdxq_write_file(path, big, 65, err, sizeof(err)), 0);
	assert_int_equal(tdxq_load_reportdata(&o, out, err, sizeof(err)), TDXQ_EXIT_USAGE);
	assert_contains(err, "at most 64 bytes");

	assert_int_equal(tdxq_write_file(path, big, 0, err, sizeof(err)), 0);
	assert_int_equal(tdxq_load_reportdata(&o, out, err, sizeof(err)), 0);
	memset(want, 0, sizeof(want));
	assert_memory_equal(out, want, 64);

	path_in_tmp(path, sizeof(path), "missing");
	assert_int_equal(tdxq_load_reportdata(&o, out, err, sizeof(err)), TDXQ_EXIT_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_valid),
		cmocka_unit_test(test_hex_errors),
		cmocka_unit_test(test_u32),
		cmocka_unit_test(test_errno_names),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_quote_errors),
		cmocka_unit_test(test_report_info_errors),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_args_valid),
		cmocka_unit_test(test_args_errors),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_print_info),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_reportdata),
	};

	return cmocka_run_group_tests_name("cli helpers", tests, make_tmpdir, remove_tmpdir);
}
