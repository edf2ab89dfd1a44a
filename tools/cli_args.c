// SPDX-License-Identifier: GPL-2.0
/*
 * cli_args.c - the command line: options, report data in hex, numbers, extend values (see cli_util.h)
 */
#define _POSIX_C_SOURCE 200809L

#include "cli_util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>


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
		tdxq_say(err, errlen, "option %s needs a value", name);
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
		return tdxq_say(err, errlen, "no command given");

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
		return tdxq_say(err, errlen, "unknown command '%s'", cmd);

	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		bool takes_data = o->cmd == TDXQ_CMD_REPORT || o->cmd == TDXQ_CMD_QUOTE;

		if (o->cmd == TDXQ_CMD_EXTEND && (no_more_opts || a[0] != '-')) {
			if (!o->rtmr)
				o->rtmr = a;
			else if (!o->extend_hex)
				o->extend_hex = a;
			else
				return tdxq_say(err, errlen, "extend: unexpected argument '%s'", a);
			continue;
		}
		if (no_more_opts || a[0] != '-' || !strcmp(a, "-")) {
			if (o->cmd != TDXQ_CMD_SHOW)
				return tdxq_say(err, errlen, "%s: unexpected argument '%s'", cmd, a);
			if (o->in_file)
				return tdxq_say(err, errlen, "show: only one FILE, got '%s' and '%s'",
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
			return tdxq_say(err, errlen, "%s: unknown option '%s'", cmd, a);
		}

		if (!slot) {
			const char *ms = opt_value(argc, argv, &i, val, err, errlen);

			if (!ms)
				return -1;
			if (tdxq_parse_u32(ms, &o->timeout_ms))
				return tdxq_say(err, errlen,
					   "--timeout: '%s' is not a number of milliseconds (0..%" PRIu32 ")",
					   ms, UINT32_MAX);
			continue;
		}
		if (*slot)
			return tdxq_say(err, errlen, "%s: option %s given twice", cmd, val);
		*slot = opt_value(argc, argv, &i, val, err, errlen);
		if (!*slot)
			return -1;
		if (!**slot)
			return tdxq_say(err, errlen, "%s: option %s needs a non-empty value", cmd, val);
	}

	if (o->data_hex && o->data_file)
		return tdxq_say(err, errlen, "%s: -d and -D cannot be used together", cmd);
	if (o->cmd == TDXQ_CMD_SHOW && !o->in_file)
		return tdxq_say(err, errlen, "show: which FILE?");
	if (o->cmd == TDXQ_CMD_EXTEND && !o->extend_hex)
		return tdxq_say(err, errlen, "extend: give RTMR (0-3) and HEX (48 bytes)");
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
		return tdxq_say(err, errlen, "report data: no hex digits (give 1 to %zu bytes as hex)",
			   max / 2);
	for (size_t i = 0; i < n; i++)
		if (hexval(s[i]) < 0)
			return tdxq_say(err, errlen,
				   "report data: '%c' at position %zu is not a hex digit",
				   s[i], i + 1);
	if (n > max)
		return tdxq_say(err, errlen,
			   "report data: %zu hex digits is too long (at most %zu, i.e. %d bytes)",
			   n, max, TDX_QUOTE_REPORTDATA_LEN);
	if (n % 2)
		return tdxq_say(err, errlen,
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

int tdxq_parse_extend(const struct tdxq_opts *o, struct tdx_quote_rtmr_extend *req,
		      char *err, size_t errlen)
{
	const char *h = o->extend_hex;
	uint32_t index;
	size_t n;

	memset(req, 0, sizeof(*req));
	if (tdxq_parse_u32(o->rtmr, &index) || index >= TDX_QUOTE_NR_RTMRS) {
		tdxq_say(err, errlen, "extend: RTMR '%s' is not 0, 1, 2 or 3", o->rtmr);
		return TDXQ_EXIT_USAGE;
	}
	if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
		h += 2;
	n = strlen(h);
	for (size_t i = 0; i < n; i++) {
		if (hexval(h[i]) < 0) {
			tdxq_say(err, errlen, "extend: '%c' at position %zu is not a hex digit",
			    h[i], i + 1);
			return TDXQ_EXIT_USAGE;
		}
	}
	if (n != 2 * TDX_QUOTE_MR_LEN) {
		tdxq_say(err, errlen, "extend: %zu hex digits; give exactly %d (%d bytes)",
		    n, 2 * TDX_QUOTE_MR_LEN, TDX_QUOTE_MR_LEN);
		return TDXQ_EXIT_USAGE;
	}
	req->index = index;
	for (size_t i = 0; i < TDX_QUOTE_MR_LEN; i++)
		req->data[i] = (uint8_t)(hexval(h[2 * i]) << 4 | hexval(h[2 * i + 1]));
	return 0;
}
