// SPDX-License-Identifier: GPL-2.0
/*
 * commands.c - the tdx-quote commands: talk to /dev/tdx_quote, print.
 *
 * Only open() and ioctl() reach the device; the unit tests replace both
 * (ld --wrap) to drive these paths without a kernel.
 */
#define _POSIX_C_SOURCE 200809L

#include "commands.h"
#include "cli_util.h"
#include "quote.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#ifndef TDX_QUOTE_VERSION
#define TDX_QUOTE_VERSION "0.1.0"
#endif

struct ctx {
	FILE *out;
	FILE *err;
	const char *device;
	char msg[TDXQ_ERRLEN];
};

static int complain(struct ctx *c, int code)
{
	fprintf(c->err, "tdx-quote: %s\n", c->msg);
	return code;
}

/* Open the device; on failure print why and return -1. */
static int open_device(struct ctx *c)
{
	int fd = open(c->device, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		complain(c, tdxq_open_error(c->msg, sizeof(c->msg), c->device, errno));
	return fd;
}

/*
 * One ioctl that only reads (INFO, MEASUREMENTS) into @arg of @size bytes,
 * zeroed first. Returns 0, or the exit code with the message printed.
 */
static int query(struct ctx *c, unsigned long req, void *arg, size_t size,
		 enum tdxq_op op)
{
	int fd, ret = 0;

	fd = open_device(c);
	if (fd < 0)
		return TDXQ_EXIT_DEVICE;
	memset(arg, 0, size);
	if (ioctl(fd, req, arg))
		ret = complain(c, tdxq_ioctl_error(c->msg, sizeof(c->msg), op, errno));
	close(fd);
	return ret;
}

static int cmd_info(struct ctx *c)
{
	struct tdx_quote_info info;
	int ret = query(c, TDX_QUOTE_CMD_INFO, &info, sizeof(info), TDXQ_OP_INFO);

	if (!ret)
		tdxq_print_info(c->out, &info);
	return ret;
}

static int cmd_report(struct ctx *c, const struct tdxq_opts *o)
{
	struct tdx_quote_report_req req;
	int fd, ret;

	memset(&req, 0, sizeof(req));
	ret = tdxq_load_reportdata(o, req.reportdata, c->msg, sizeof(c->msg));
	if (ret)
		return complain(c, ret);

	fd = open_device(c);
	if (fd < 0)
		return TDXQ_EXIT_DEVICE;
	if (ioctl(fd, TDX_QUOTE_CMD_GET_REPORT, &req))
		ret = complain(c, tdxq_ioctl_error(c->msg, sizeof(c->msg), TDXQ_OP_REPORT, errno));
	close(fd);
	if (ret)
		return ret;

	if (o->out_file) {
		ret = tdxq_write_file(o->out_file, req.tdreport, sizeof(req.tdreport),
				      c->msg, sizeof(c->msg));
		return ret ? complain(c, ret) : 0;
	}
	tdxq_hexdump(c->out, req.tdreport, sizeof(req.tdreport));
	fputc('\n', c->out);
	tdxq_print_tdreport(c->out, req.tdreport);
	return 0;
}

static int print_quote(struct ctx *c, const uint8_t *buf, size_t len, const char *name)
{
	struct tdxq_quote q;
	char why[TDXQ_ERRLEN];

	if (tdxq_parse_quote(buf, len, &q, why, sizeof(why))) {
		fprintf(c->err, "tdx-quote: %s: malformed quote: %s\n", name, why);
		return TDXQ_EXIT_PARSE;
	}
	tdxq_print_quote(c->out, &q);
	return 0;
}

/*
 * One GET_QUOTE into @buf of @cap bytes. Returns 0 or the errno, with the
 * kernel's answer in @req.
 */
static int get_quote(int fd, const struct tdxq_opts *o, const uint8_t *reportdata,
		     uint8_t *buf, size_t cap, struct tdx_quote_get_quote *req)
{
	memset(req, 0, sizeof(*req));
	req->timeout_ms = o->timeout_ms;
	memcpy(req->reportdata, reportdata, sizeof(req->reportdata));
	req->quote = (__u64)(uintptr_t)buf;
	req->quote_len = cap;
	return ioctl(fd, TDX_QUOTE_CMD_GET_QUOTE, req) ? errno : 0;
}

static int cmd_quote(struct ctx *c, const struct tdxq_opts *o)
{
	uint8_t reportdata[TDX_QUOTE_REPORTDATA_LEN];
	struct tdx_quote_get_quote req;
	size_t cap = TDXQ_INITIAL_QUOTE_LEN;
	uint8_t *buf = NULL;
	int fd, err, ret;

	ret = tdxq_load_reportdata(o, reportdata, c->msg, sizeof(c->msg));
	if (ret)
		return complain(c, ret);
	fd = open_device(c);
	if (fd < 0)
		return TDXQ_EXIT_DEVICE;

	buf = malloc(cap);
	if (!buf) {
		snprintf(c->msg, sizeof(c->msg), "out of memory");
		ret = complain(c, TDXQ_EXIT_IO);
		goto out;
	}
	err = get_quote(fd, o, reportdata, buf, cap, &req);
	if (err == ENOSPC && req.quote_len > cap && req.quote_len <= TDXQ_MAX_QUOTE_LEN) {
		/* the kernel says how long the quote is: retry once with that */
		uint8_t *nbuf = realloc(buf, req.quote_len);

		if (!nbuf) {
			snprintf(c->msg, sizeof(c->msg), "out of memory for a %llu-byte quote",
				 (unsigned long long)req.quote_len);
			ret = complain(c, TDXQ_EXIT_IO);
			goto out;
		}
		buf = nbuf;
		cap = req.quote_len;
		err = get_quote(fd, o, reportdata, buf, cap, &req);
	}
	if (err) {
		ret = complain(c, tdxq_ioctl_error(c->msg, sizeof(c->msg), TDXQ_OP_QUOTE, err));
		if (err == ENOSPC)
			fprintf(c->err, "tdx-quote: the buffer had %zu bytes, the kernel asks for %llu%s\n",
				cap, (unsigned long long)req.quote_len,
				req.quote_len > TDXQ_MAX_QUOTE_LEN ? " (more than tdx-quote allows)" :
				req.quote_len <= cap ? " (no more than it had: kernel bug?)" :
				" (after one retry)");
		else if (err == EFBIG && req.quote_len)
			fprintf(c->err, "tdx-quote: the quote needs %llu bytes\n",
				(unsigned long long)req.quote_len);
		fprintf(c->err, "tdx-quote: host_status 0x%016llx (%s), vmcall_status 0x%016llx (%s), buf_len %llu\n",
			(unsigned long long)req.host_status, tdxq_host_status_name(req.host_status),
			(unsigned long long)req.vmcall_status,
			tdxq_vmcall_status_name(req.vmcall_status),
			(unsigned long long)req.buf_len);
		goto out;
	}
	if (req.quote_len > cap) {
		snprintf(c->msg, sizeof(c->msg),
			 "GET_QUOTE returned quote_len %llu, beyond the %zu-byte buffer (kernel bug)",
			 (unsigned long long)req.quote_len, cap);
		ret = complain(c, TDXQ_EXIT_REQUEST);
		goto out;
	}

	if (o->out_file) {
		ret = tdxq_write_file(o->out_file, buf, req.quote_len, c->msg, sizeof(c->msg));
		if (ret)
			complain(c, ret);
	} else {
		ret = print_quote(c, buf, req.quote_len, "GET_QUOTE");
		if (ret)
			fputs("tdx-quote: use -o FILE to keep the raw quote\n", c->err);
	}
out:
	free(buf);
	close(fd);
	return ret;
}

static int cmd_show(struct ctx *c, const struct tdxq_opts *o)
{
	uint8_t *buf;
	size_t len;
	int ret;

	ret = tdxq_read_file(o->in_file, TDXQ_MAX_QUOTE_LEN, &buf, &len, c->msg, sizeof(c->msg));
	if (ret < 0) {
		fprintf(c->err, "tdx-quote: %s: malformed quote: longer than %u bytes\n",
			o->in_file, TDXQ_MAX_QUOTE_LEN);
		return TDXQ_EXIT_PARSE;
	}
	if (ret)
		return complain(c, ret);
	ret = print_quote(c, buf, len, o->in_file);
	free(buf);
	return ret;
}

static int cmd_measurements(struct ctx *c)
{
	struct tdx_quote_measurements m;
	int ret = query(c, TDX_QUOTE_CMD_MEASUREMENTS, &m, sizeof(m),
			TDXQ_OP_MEASUREMENTS);

	if (!ret)
		tdxq_print_measurements(c->out, &m);
	return ret;
}

static int cmd_extend(struct ctx *c, const struct tdxq_opts *o)
{
	struct tdx_quote_rtmr_extend req;
	int fd, ret;

	ret = tdxq_parse_extend(o, &req, c->msg, sizeof(c->msg));
	if (ret)
		return complain(c, ret);
	fd = open_device(c);
	if (fd < 0)
		return TDXQ_EXIT_DEVICE;
	if (ioctl(fd, TDX_QUOTE_CMD_RTMR_EXTEND, &req))
		ret = complain(c, tdxq_ioctl_error(c->msg, sizeof(c->msg), TDXQ_OP_EXTEND,
						   errno));
	close(fd);
	return ret;
}

int tdxq_main(int argc, char *const argv[], FILE *out, FILE *err)
{
	struct ctx c = { .out = out, .err = err };
	struct tdxq_opts o;
	const char *env = getenv("TDX_QUOTE_DEVICE");
	int ret;

	c.device = env && *env ? env : TDX_QUOTE_DEVICE;
	if (tdxq_parse_args(argc, argv, &o, c.msg, sizeof(c.msg))) {
		fprintf(err, "tdx-quote: %s\nTry 'tdx-quote --help'.\n", c.msg);
		return TDXQ_EXIT_USAGE;
	}

	switch (o.cmd) {
	case TDXQ_CMD_HELP:
		tdxq_usage(out);
		ret = 0;
		break;
	case TDXQ_CMD_VERSION:
		fprintf(out, "tdx-quote %s\n", TDX_QUOTE_VERSION);
		ret = 0;
		break;
	case TDXQ_CMD_INFO:
		ret = cmd_info(&c);
		break;
	case TDXQ_CMD_REPORT:
		ret = cmd_report(&c, &o);
		break;
	case TDXQ_CMD_QUOTE:
		ret = cmd_quote(&c, &o);
		break;
	case TDXQ_CMD_SHOW:
		ret = cmd_show(&c, &o);
		break;
	case TDXQ_CMD_MEASUREMENTS:
		ret = cmd_measurements(&c);
		break;
	case TDXQ_CMD_EXTEND:
		ret = cmd_extend(&c, &o);
		break;
	default:
		ret = TDXQ_EXIT_USAGE;
		break;
	}
	/* output that could not be written is a local I/O error */
	if (fflush(out) && !ret) {
		fprintf(err, "tdx-quote: write error on standard output: %s\n", strerror(errno));
		ret = TDXQ_EXIT_IO;
	}
	return ret;
}
