// SPDX-License-Identifier: GPL-2.0
/*
 * cli_util.c - pure helpers of the tdx-quote CLI (see cli_util.h)
 */
#define _POSIX_C_SOURCE 200809L

#include "cli_util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int say(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int say(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (buf && len) {
		va_start(ap, fmt);
		vsnprintf(buf, len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ---- command line ---- */

void tdxq_usage(FILE *f)
{
	fputs(
"Usage: tdx-quote COMMAND [OPTIONS]\n"
"\n"
"Get TDX attestation reports and quotes from the tdx_quote kernel module.\n"
"\n"
"Commands:\n"
"  info                      module version, host, notification mode, limits\n"
"                            and counters\n"
"  report [-d HEX | -D FILE] [-o FILE]\n"
"                            get a 1024-byte TDREPORT; hex dump unless -o\n"
"  quote [-d HEX | -D FILE] [-o FILE] [--timeout MS]\n"
"                            get a signed quote; printed parsed unless -o\n"
"  show FILE                 parse and print a quote file ('-' = stdin)\n"
"  measurements              MRTD, MRCONFIGID, MROWNER, MROWNERCONFIG and\n"
"                            RTMR0-3, from a fresh TDREPORT\n"
"  extend RTMR HEX           extend RTMR 0-3 with 48 bytes given as exactly 96\n"
"                            hex digits: RTMR = SHA-384(RTMR || bytes)\n"
"\n"
"Options:\n"
"  -d HEX        report data: up to 128 hex digits (64 bytes), zero-padded on\n"
"                the right; default all zero\n"
"  -D FILE       report data: up to 64 bytes read from FILE, zero-padded\n"
"  -o FILE       write the raw TDREPORT or quote to FILE ('-' = stdout)\n"
"  --timeout MS  give up after MS milliseconds (0 = the module's default)\n"
"  -h, --help    show this help\n"
"  --version     show the version of tdx-quote\n"
"\n"
"Environment:\n"
"  TDX_QUOTE_DEVICE  device to use instead of " TDX_QUOTE_DEVICE "\n"
"\n"
"Exit status:\n"
"  0  success\n"
"  1  usage error (bad command, option or argument)\n"
"  2  the device cannot be opened (module not loaded, no permission)\n"
"  3  the request failed in the kernel or the host\n"
"  4  malformed quote (parse error)\n"
"  5  local I/O error (reading or writing files)\n", f);
}

static const struct {
	const char *name;
	enum tdxq_cmd cmd;
} commands[] = {
	{ "info",	TDXQ_CMD_INFO },
	{ "report",	TDXQ_CMD_REPORT },
	{ "quote",	TDXQ_CMD_QUOTE },
	{ "show",	TDXQ_CMD_SHOW },
	{ "measurements", TDXQ_CMD_MEASUREMENTS },
	{ "extend",	TDXQ_CMD_EXTEND },
};

static bool is_help(const char *a)
{
	return !strcmp(a, "-h") || !strcmp(a, "--help");
}

/*
 * Take the value of option @name at argv[*i]: attached ("-dHEX",
 * "--timeout=MS") or the next argument.
 */
static const char *opt_value(int argc, char *const argv[], int *i,
			     const char *name, char *err, size_t errlen)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (a[n] == '=' && name[1] == '-')
		return a + n + 1;
	if (a[n] && name[1] != '-')
		return a + n;
	if (*i + 1 >= argc) {
		say(err, errlen, "option %s needs a value", name);
		return NULL;
	}
	return argv[++*i];
}

/* Does argv entry @a spell option @name (alone or with a value attached)? */
static bool is_opt(const char *a, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(a, name, n))
		return false;
	if (name[1] == '-')
		return a[n] == '\0' || a[n] == '=';
	return true;
}

int tdxq_parse_args(int argc, char *const argv[], struct tdxq_opts *o,
		    char *err, size_t errlen)
{
	const char *cmd, *val, **slot;
	bool no_more_opts = false;
	int i;

	memset(o, 0, sizeof(*o));
	if (err && errlen)
		err[0] = '\0';
	if (argc < 2)
		return say(err, errlen, "no command given");

	cmd = argv[1];
	if (is_help(cmd) || !strcmp(cmd, "help")) {
		o->cmd = TDXQ_CMD_HELP;
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		o->cmd = TDXQ_CMD_VERSION;
		return 0;
	}
	for (size_t k = 0; k < ARRAY_SIZE(commands); k++)
		if (!strcmp(cmd, commands[k].name))
			o->cmd = commands[k].cmd;
	if (o->cmd == TDXQ_CMD_NONE)
		return say(err, errlen, "unknown command '%s'", cmd);

	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		bool takes_data = o->cmd == TDXQ_CMD_REPORT || o->cmd == TDXQ_CMD_QUOTE;

		if (o->cmd == TDXQ_CMD_EXTEND && (no_more_opts || a[0] != '-')) {
			if (!o->rtmr)
				o->rtmr = a;
			else if (!o->extend_hex)
				o->extend_hex = a;
			else
				return say(err, errlen, "extend: unexpected argument '%s'", a);
			continue;
		}
		if (no_more_opts || a[0] != '-' || !strcmp(a, "-")) {
			if (o->cmd != TDXQ_CMD_SHOW)
				return say(err, errlen, "%s: unexpected argument '%s'", cmd, a);
			if (o->in_file)
				return say(err, errlen, "show: only one FILE, got '%s' and '%s'",
					   o->in_file, a);
			o->in_file = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			no_more_opts = true;
			continue;
		}
		if (is_help(a)) {
			o->cmd = TDXQ_CMD_HELP;
			return 0;
		}

		if (takes_data && is_opt(a, "-d")) {
			slot = &o->data_hex;
			val = "-d";
		} else if (takes_data && is_opt(a, "-D")) {
			slot = &o->data_file;
			val = "-D";
		} else if (takes_data && is_opt(a, "-o")) {
			slot = &o->out_file;
			val = "-o";
		} else if (o->cmd == TDXQ_CMD_QUOTE && is_opt(a, "--timeout")) {
			slot = NULL;
			val = "--timeout";
		} else {
			return say(err, errlen, "%s: unknown option '%s'", cmd, a);
		}

		if (!slot) {
			const char *ms = opt_value(argc, argv, &i, val, err, errlen);

			if (!ms)
				return -1;
			if (tdxq_parse_u32(ms, &o->timeout_ms))
				return say(err, errlen,
					   "--timeout: '%s' is not a number of milliseconds (0..%" PRIu32 ")",
					   ms, UINT32_MAX);
			continue;
		}
		if (*slot)
			return say(err, errlen, "%s: option %s given twice", cmd, val);
		*slot = opt_value(argc, argv, &i, val, err, errlen);
		if (!*slot)
			return -1;
		if (!**slot)
			return say(err, errlen, "%s: option %s needs a non-empty value", cmd, val);
	}

	if (o->data_hex && o->data_file)
		return say(err, errlen, "%s: -d and -D cannot be used together", cmd);
	if (o->cmd == TDXQ_CMD_SHOW && !o->in_file)
		return say(err, errlen, "show: which FILE?");
	if (o->cmd == TDXQ_CMD_EXTEND && !o->extend_hex)
		return say(err, errlen, "extend: give RTMR (0-3) and HEX (48 bytes)");
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int tdxq_parse_hex(const char *s, uint8_t out[TDX_QUOTE_REPORTDATA_LEN],
		   char *err, size_t errlen)
{
	const size_t max = 2 * TDX_QUOTE_REPORTDATA_LEN;
	size_t n;

	memset(out, 0, TDX_QUOTE_REPORTDATA_LEN);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	n = strlen(s);
	if (!n)
		return say(err, errlen, "report data: no hex digits (give 1 to %zu bytes as hex)",
			   max / 2);
	for (size_t i = 0; i < n; i++)
		if (hexval(s[i]) < 0)
			return say(err, errlen,
				   "report data: '%c' at position %zu is not a hex digit",
				   s[i], i + 1);
	if (n > max)
		return say(err, errlen,
			   "report data: %zu hex digits is too long (at most %zu, i.e. %d bytes)",
			   n, max, TDX_QUOTE_REPORTDATA_LEN);
	if (n % 2)
		return say(err, errlen,
			   "report data: odd number of hex digits (%zu); give whole bytes", n);
	for (size_t i = 0; i < n / 2; i++)
		out[i] = (uint8_t)(hexval(s[2 * i]) << 4 | hexval(s[2 * i + 1]));
	return 0;
}

int tdxq_parse_u32(const char *s, uint32_t *v)
{
	uint64_t x = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		x = x * 10 + (uint64_t)(*s - '0');
		if (x > UINT32_MAX)
			return -1;
	}
	*v = (uint32_t)x;
	return 0;
}

/* ---- errors ---- */

#define E(x) { x, #x }
static const struct {
	int err;
	const char *name;
} errno_names[] = {
	E(EPERM), E(ENOENT), E(EINTR), E(EIO), E(ENXIO), E(E2BIG), E(EBADF),
	E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT), E(EBUSY), E(ENODEV),
	E(EISDIR), E(EINVAL), E(ENOTTY), E(EFBIG), E(ENOSPC), E(EROFS),
	E(EPROTO), E(EOPNOTSUPP), E(ETIMEDOUT), E(EHOSTDOWN), E(EREMOTEIO),
};
#undef E


const char *tdxq_errno_name(int err)
{
	static char unknown[32];

	for (size_t i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	snprintf(unknown, sizeof(unknown), "errno %d", err);
	return unknown;
}

const char *tdxq_errno_explain(enum tdxq_op op, int err)
{
	/* every ioctl */
	switch (err) {
	case ENOTTY:
		return "the device does not know this request: not a tdx_quote device, "
		       "or a module older than tdx-quote";
	case EFAULT:
		return "the kernel could not access the request buffer (a bug in tdx-quote)";
	case ENODEV:
		if (op != TDXQ_OP_OPEN)
			return "no TDX host: this is not a TD (or no simulated host is set up)";
		break;
	}

	switch (op) {
	case TDXQ_OP_OPEN:
		switch (err) {
		case ENOENT:
			return "no such device \u2014 is the tdx_quote module loaded? (modprobe tdx_quote)";
		case ENXIO:
		case ENODEV:
			return "no driver behind the device node \u2014 is the tdx_quote module loaded? "
			       "(modprobe tdx_quote)";
		case EACCES:
		case EPERM:
			return "permission denied \u2014 tdx-quote needs root (the device is mode 0600)";
		case EBUSY:
			return "the device is busy";
		}
		break;
	case TDXQ_OP_INFO:
		break;
	case TDXQ_OP_MEASUREMENTS:
	case TDXQ_OP_EXTEND:
		switch (err) {
		case EINVAL:
			return "the module rejected the request: RTMR above 3, or flags/reserved "
			       "fields not zero (tdx-quote and the module do not match)";
		case E2BIG:
			return "the module is older than tdx-quote and does not know fields it uses";
		case ENXIO:
			return "the TDX module refused an operand of TDG.MR.RTMR.EXTEND";
		case EBUSY:
			return "the TDX module was busy with the register; nothing changed, "
			       "try again";
		case EIO:
			return op == TDXQ_OP_EXTEND ? "the TDX module refused TDG.MR.RTMR.EXTEND" :
			       "the TDX module refused TDG.MR.REPORT";
		case EINTR:
			return "interrupted by a signal while waiting for another extend";
		}
		break;
	case TDXQ_OP_REPORT:
		switch (err) {
		case EIO:
			return "the TDX module refused TDG.MR.REPORT";
		case EINTR:
			return "interrupted by a signal while waiting for the host";
		}
		break;
	case TDXQ_OP_QUOTE:
		switch (err) {
		case EINVAL:
			return "the module rejected the request: --timeout beyond the module's "
			       "limit, or flags/reserved fields not zero (tdx-quote and the module "
			       "do not match)";
		case E2BIG:
			return "the module is older than tdx-quote and does not know fields it uses";
		case ENOSPC:
			return "the quote is longer than the buffer given for it";
		case EFBIG:
			return "the quote needs a buffer larger than the module's max_quote_size "
			       "(see 'tdx-quote info')";
		case ETIMEDOUT:
			return "the host did not answer within the timeout; the kernel keeps the "
			       "buffer quarantined until the host lets go of it (try --timeout)";
		case EINTR:
			return "interrupted by a signal while waiting for the host; the kernel keeps "
			       "the buffer quarantined until the host lets go of it";
		case EBUSY:
			return "the host kept answering RETRY (too many requests in flight) until the "
			       "timeout";
		case EHOSTDOWN:
			return "the host has no quote service (SERVICE_UNAVAILABLE): is a quote "
			       "generation service (QGS) configured for this TD?";
		case EIO:
			return "the host reported an error (status ERROR): quote generation failed "
			       "on the host side";
		case EREMOTEIO:
			return "the host refused the GetQuote hypercall (see vmcall_status)";
		case EPROTO:
			return "the host broke the GetQuote protocol (see the kernel log)";
		case ENOMEM:
			return "the kernel could not allocate or convert a shared buffer";
		}
		break;
	}
	return NULL;
}

static int describe(char *buf, size_t len, const char *what, enum tdxq_op op, int err)
{
	const char *why = tdxq_errno_explain(op, err);

	if (why)
		snprintf(buf, len, "%s: %s [%s]", what, why, tdxq_errno_name(err));
	else
		snprintf(buf, len, "%s: %s (%s)", what, strerror(err), tdxq_errno_name(err));
	return 0;
}

int tdxq_open_error(char *buf, size_t len, const char *path, int err)
{
	describe(buf, len, path, TDXQ_OP_OPEN, err);
	return TDXQ_EXIT_DEVICE;
}

int tdxq_ioctl_error(char *buf, size_t len, enum tdxq_op op, int err)
{
	static const char *const names[] = {
		[TDXQ_OP_OPEN] = "open",
		[TDXQ_OP_INFO] = "INFO failed",
		[TDXQ_OP_REPORT] = "GET_REPORT failed",
		[TDXQ_OP_QUOTE] = "GET_QUOTE failed",
		[TDXQ_OP_MEASUREMENTS] = "MEASUREMENTS failed",
		[TDXQ_OP_EXTEND] = "RTMR_EXTEND failed",
	};

	describe(buf, len, names[op], op, err);
	return TDXQ_EXIT_REQUEST;
}

const char *tdxq_host_status_name(uint64_t status)
{
	switch (status) {
	case 0:				return "SUCCESS";
	case 0xffffffffffffffffull:	return "IN_FLIGHT";
	case 0x8000000000000000ull:	return "ERROR";
	case 0x8000000000000001ull:	return "SERVICE_UNAVAILABLE";
	default:			return "unknown";
	}
}

const char *tdxq_vmcall_status_name(uint64_t status)
{
	switch (status) {
	case 0:				return "SUCCESS";
	case 1:				return "RETRY";
	case 0x8000000000000000ull:	return "INVALID_OPERAND";
	case 0x8000000000000001ull:	return "GPA_INUSE";
	case 0x8000000000000002ull:	return "ALIGN_ERROR";
	case 0x8000000000000003ull:	return "SUBFUNC_UNSUPPORTED";
	default:			return "unknown";
	}
}

const char *tdxq_notify_mode_name(uint32_t mode)
{
	switch (mode) {
	case TDX_QUOTE_NOTIFY_NONE:	return "none";
	case TDX_QUOTE_NOTIFY_IRQ:	return "irq";
	case TDX_QUOTE_NOTIFY_POLL:	return "poll";
	default:			return "unknown";
	}
}

/* ---- info ---- */

#define STAT(x) { #x, offsetof(struct tdx_quote_stats, x) }
static const struct {
	const char *name;
	size_t off;
} stats_fields[] = {
	STAT(requests), STAT(successes), STAT(fail_timeout), STAT(fail_interrupted),
	STAT(fail_service_unavailable), STAT(fail_host_error), STAT(fail_host_protocol),
	STAT(fail_vmcall), STAT(fail_busy), STAT(fail_too_large), STAT(fail_nomem),
	STAT(fail_no_space), STAT(in_flight), STAT(quarantined), STAT(conversions_shared),
	STAT(conversions_private), STAT(pooled_bytes), STAT(leaked_bytes), STAT(interrupts),
	STAT(poll_wakeups), STAT(host_retries), STAT(buffer_grows),
	STAT(spurious_interrupts), STAT(slot_waits),
};
#undef STAT


/* A counter added to the uapi struct must be added to the table above. */
_Static_assert(ARRAY_SIZE(stats_fields) * sizeof(__u64) ==
	       sizeof(struct tdx_quote_stats), "stats_fields misses a counter");

/* Print a fixed-size char array that the kernel should have NUL-terminated. */
static void print_str(FILE *f, const char *label, const char *s, size_t max)
{
	fprintf(f, "%-22s %.*s\n", label, (int)strnlen(s, max), s);
}

void tdxq_print_info(FILE *f, const struct tdx_quote_info *in)
{
	print_str(f, "module version:", in->version, sizeof(in->version));
	print_str(f, "host:", in->host, sizeof(in->host));
	fprintf(f, "%-22s %s", "notify mode:", tdxq_notify_mode_name(in->notify_mode));
	if (in->notify_mode == TDX_QUOTE_NOTIFY_IRQ)
		fprintf(f, " (vector %" PRIu32 ", cpu %" PRIu32 ")", in->notify_vector,
			in->notify_cpu);
	else if (in->notify_mode != TDX_QUOTE_NOTIFY_POLL &&
		 in->notify_mode != TDX_QUOTE_NOTIFY_NONE)
		fprintf(f, " (%" PRIu32 ")", in->notify_mode);
	fputc('\n', f);

	fputs("limits:\n", f);
	fprintf(f, "  %-24s %" PRIu32 "\n", "max_inflight", in->max_inflight);
	fprintf(f, "  %-24s %llu\n", "max_quote_size", (unsigned long long)in->max_quote_size);
	fprintf(f, "  %-24s %llu%s\n", "host_max_quote_size",
		(unsigned long long)in->host_max_quote_size,
		in->host_max_quote_size ? "" : " (not advertised)");
	fprintf(f, "  %-24s %llu\n", "next_buf_len", (unsigned long long)in->next_buf_len);
	fprintf(f, "  %-24s %" PRIu32 "\n", "timeout_ms", in->timeout_ms);

	fputs("counters:\n", f);
	for (size_t i = 0; i < ARRAY_SIZE(stats_fields); i++) {
		__u64 v;

		memcpy(&v, (const char *)&in->stats + stats_fields[i].off, sizeof(v));
		fprintf(f, "  %-24s %llu\n", stats_fields[i].name, (unsigned long long)v);
	}
}

/* ---- files ---- */

int tdxq_read_file(const char *path, size_t max, uint8_t **bufp, size_t *lenp,
		   char *err, size_t errlen)
{
	bool is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	size_t cap = 0, len = 0;
	uint8_t *buf = NULL;
	int ret = 0;

	*bufp = NULL;
	*lenp = 0;
	if (!f) {
		say(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return TDXQ_EXIT_IO;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			size_t ncap = cap ? 2 * cap : 8192;
			uint8_t *nbuf;

			if (ncap > max + 1)
				ncap = max + 1;	/* one more, to see a file that is too long */
			nbuf = realloc(buf, ncap);
			if (!nbuf) {
				say(err, errlen, "%s: out of memory", path);
				ret = TDXQ_EXIT_IO;
				break;
			}
			buf = nbuf;
			cap = ncap;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (len > max) {
			say(err, errlen, "%s: longer than %zu bytes", path, max);
			ret = -1;
			break;
		}
		if (n == 0) {
			if (ferror(f)) {
				say(err, errlen, "%s: read error: %s", path, strerror(errno));
				ret = TDXQ_EXIT_IO;
			}
			break;
		}
	}
	if (!is_stdin)
		fclose(f);
	if (ret) {
		free(buf);
		return ret;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

int tdxq_write_file(const char *path, const uint8_t *buf, size_t len,
		    char *err, size_t errlen)
{
	bool is_stdout = !strcmp(path, "-");
	FILE *f = is_stdout ? stdout : fopen(path, "wb");
	bool ok;

	if (!f) {
		say(err, errlen, "%s: cannot create: %s", path, strerror(errno));
		return TDXQ_EXIT_IO;
	}
	ok = fwrite(buf, 1, len, f) == len;
	ok = (is_stdout ? fflush(f) : fclose(f)) == 0 && ok;
	if (!ok) {
		say(err, errlen, "%s: write error: %s", path, strerror(errno));
		return TDXQ_EXIT_IO;
	}
	return 0;
}

int tdxq_load_reportdata(const struct tdxq_opts *o,
			 uint8_t out[TDX_QUOTE_REPORTDATA_LEN],
			 char *err, size_t errlen)
{
	uint8_t *buf;
	size_t len;
	int ret;

	memset(out, 0, TDX_QUOTE_REPORTDATA_LEN);
	if (o->data_hex)
		return tdxq_parse_hex(o->data_hex, out, err, errlen) ? TDXQ_EXIT_USAGE : 0;
	if (!o->data_file)
		return 0;

	ret = tdxq_read_file(o->data_file, TDX_QUOTE_REPORTDATA_LEN, &buf, &len,
			     err, errlen);
	if (ret < 0) {
		say(err, errlen, "-D %s: report data is at most %d bytes", o->data_file,
		    TDX_QUOTE_REPORTDATA_LEN);
		return TDXQ_EXIT_USAGE;
	}
	if (ret)
		return ret;
	if (len)
		memcpy(out, buf, len);
	free(buf);
	return 0;
}

int tdxq_parse_extend(const struct tdxq_opts *o, struct tdx_quote_rtmr_extend *req,
		      char *err, size_t errlen)
{
	const char *h = o->extend_hex;
	uint32_t index;
	size_t n;

	memset(req, 0, sizeof(*req));
	if (tdxq_parse_u32(o->rtmr, &index) || index >= TDX_QUOTE_NR_RTMRS) {
		say(err, errlen, "extend: RTMR '%s' is not 0, 1, 2 or 3", o->rtmr);
		return TDXQ_EXIT_USAGE;
	}
	if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
		h += 2;
	n = strlen(h);
	for (size_t i = 0; i < n; i++) {
		if (hexval(h[i]) < 0) {
			say(err, errlen, "extend: '%c' at position %zu is not a hex digit",
			    h[i], i + 1);
			return TDXQ_EXIT_USAGE;
		}
	}
	if (n != 2 * TDX_QUOTE_MR_LEN) {
		say(err, errlen, "extend: %zu hex digits; give exactly %d (%d bytes)",
		    n, 2 * TDX_QUOTE_MR_LEN, TDX_QUOTE_MR_LEN);
		return TDXQ_EXIT_USAGE;
	}
	req->index = index;
	for (size_t i = 0; i < TDX_QUOTE_MR_LEN; i++)
		req->data[i] = (uint8_t)(hexval(h[2 * i]) << 4 | hexval(h[2 * i + 1]));
	return 0;
}

static void print_mr(FILE *f, const char *name, const uint8_t *mr)
{
	fprintf(f, "%-14s ", name);
	for (int i = 0; i < TDX_QUOTE_MR_LEN; i++)
		fprintf(f, "%02x", mr[i]);
	fputc('\n', f);
}

void tdxq_print_measurements(FILE *f, const struct tdx_quote_measurements *m)
{
	static const char *const rtmr[TDX_QUOTE_NR_RTMRS] = {
		"rtmr0:", "rtmr1:", "rtmr2:", "rtmr3:",
	};

	print_mr(f, "mrtd:", m->mrtd);
	print_mr(f, "mrconfigid:", m->mrconfigid);
	print_mr(f, "mrowner:", m->mrowner);
	print_mr(f, "mrownerconfig:", m->mrownerconfig);
	for (int i = 0; i < TDX_QUOTE_NR_RTMRS; i++)
		print_mr(f, rtmr[i], m->rtmr[i]);
}
