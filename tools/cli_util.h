/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli_util.h - the pure helpers of the tdx-quote CLI: argument parsing
 * (cli_args.c), errno and status explanations (cli_errors.c), printers
 * (cli_print.c), file I/O (cli_files.c). Nothing here touches the device,
 * so all of it is unit-tested on the host.
 */
#ifndef TDXQ_CLI_UTIL_H
#define TDXQ_CLI_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/tdx_quote.h>

/*
 * Exit codes of tdx-quote (also listed in --help):
 *   0  success
 *   1  usage error: bad command, option or argument
 *   2  the device cannot be opened (module not loaded, no permission)
 *   3  the request failed in the kernel or the host
 *   4  malformed quote (parse error)
 *   5  local I/O error (reading or writing files)
 */
enum tdxq_exit {
	TDXQ_EXIT_OK		= 0,
	TDXQ_EXIT_USAGE		= 1,
	TDXQ_EXIT_DEVICE	= 2,
	TDXQ_EXIT_REQUEST	= 3,
	TDXQ_EXIT_PARSE		= 4,
	TDXQ_EXIT_IO		= 5,
};

enum tdxq_cmd {
	TDXQ_CMD_NONE,
	TDXQ_CMD_HELP,
	TDXQ_CMD_VERSION,
	TDXQ_CMD_INFO,
	TDXQ_CMD_REPORT,
	TDXQ_CMD_QUOTE,
	TDXQ_CMD_SHOW,
	TDXQ_CMD_MEASUREMENTS,
	TDXQ_CMD_EXTEND,
};

struct tdxq_opts {
	enum tdxq_cmd cmd;
	const char *data_hex;		/* -d HEX */
	const char *data_file;		/* -D FILE */
	const char *out_file;		/* -o FILE, "-" = stdout */
	const char *in_file;		/* show FILE, "-" = stdin */
	uint32_t timeout_ms;		/* --timeout MS, 0 = module default */
	const char *rtmr;		/* extend RTMR */
	const char *extend_hex;		/* extend ... HEX */
};

/* Largest quote the CLI will read from a file or ask the kernel room for. */
#define TDXQ_MAX_QUOTE_LEN	(64u << 20)
/* Buffer the quote command starts with. */
#define TDXQ_INITIAL_QUOTE_LEN	(64u << 10)

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* Size of the message buffers the helpers below fill. */
#define TDXQ_ERRLEN		512

/*
 * Parse the command line. Returns 0 with @o filled, or -1 with a one-line
 * reason in @err (a usage error). -h/--help anywhere gives TDXQ_CMD_HELP.
 */
int tdxq_parse_args(int argc, char *const argv[], struct tdxq_opts *o,
		    char *err, size_t errlen);

/* Print the --help text. */
void tdxq_usage(FILE *f);

/*
 * Parse -d HEX: 1..128 hex digits (an optional 0x prefix is allowed), an
 * even number of them, zero-padded on the right to 64 bytes.
 */
int tdxq_parse_hex(const char *s, uint8_t out[TDX_QUOTE_REPORTDATA_LEN],
		   char *err, size_t errlen);

/* Parse a decimal u32 (digits only). */
int tdxq_parse_u32(const char *s, uint32_t *v);

/* "ENOENT" etc.; "errno N" in a static buffer for unknown values. */
const char *tdxq_errno_name(int err);

enum tdxq_op {
	TDXQ_OP_OPEN,
	TDXQ_OP_INFO,
	TDXQ_OP_REPORT,
	TDXQ_OP_QUOTE,
	TDXQ_OP_MEASUREMENTS,
	TDXQ_OP_EXTEND,
};

/* Why an operation failed with @err, per the uapi header; NULL if no idea. */
const char *tdxq_errno_explain(enum tdxq_op op, int err);

/*
 * Format the message for a failed open() of @path; returns the exit code
 * (TDXQ_EXIT_DEVICE).
 */
int tdxq_open_error(char *buf, size_t len, const char *path, int err);

/*
 * Format the message for a failed ioctl @op: "GET_QUOTE failed: ETIMEDOUT
 * (Connection timed out): <explanation>". Returns TDXQ_EXIT_REQUEST.
 */
int tdxq_ioctl_error(char *buf, size_t len, enum tdxq_op op, int err);

const char *tdxq_host_status_name(uint64_t status);
const char *tdxq_vmcall_status_name(uint64_t status);
const char *tdxq_notify_mode_name(uint32_t mode);

/* Print TDX_QUOTE_CMD_INFO's answer, every counter included. */
void tdxq_print_info(FILE *f, const struct tdx_quote_info *info);

/*
 * Read all of @path ("-" = stdin) into a malloc'ed buffer. Returns 0, or
 * TDXQ_EXIT_IO on a read error, or -1 if the file is longer than @max
 * (nothing is returned then); @err says why.
 */
int tdxq_read_file(const char *path, size_t max, uint8_t **buf, size_t *len,
		   char *err, size_t errlen);

/* Write @len bytes to @path ("-" = stdout). Returns 0 or TDXQ_EXIT_IO. */
int tdxq_write_file(const char *path, const uint8_t *buf, size_t len,
		    char *err, size_t errlen);

/*
 * Fill the 64 bytes of report data from -d or -D (zero when neither).
 * Returns 0, TDXQ_EXIT_USAGE or TDXQ_EXIT_IO.
 */
int tdxq_load_reportdata(const struct tdxq_opts *o,
			 uint8_t out[TDX_QUOTE_REPORTDATA_LEN],
			 char *err, size_t errlen);

/*
 * The extend request from "extend RTMR HEX": RTMR 0..3, HEX exactly 96 hex
 * digits (48 bytes; an optional 0x prefix is allowed, nothing is padded).
 * Returns 0 with @req filled (flags and reserved zero), or
 * TDXQ_EXIT_USAGE with the reason in @err.
 */
int tdxq_parse_extend(const struct tdxq_opts *o, struct tdx_quote_rtmr_extend *req,
		      char *err, size_t errlen);

/* Print TDX_QUOTE_CMD_MEASUREMENTS's answer: one "name: hex" line each. */
void tdxq_print_measurements(FILE *f, const struct tdx_quote_measurements *m);

/*
 * Format an error message into @buf (of @len bytes; nothing if NULL).
 * Return: -1, for "return tdxq_say(err, errlen, ...)".
 */
int tdxq_say(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* TDXQ_CLI_UTIL_H */
