// SPDX-License-Identifier: GPL-2.0
/*
 * cli_files.c - files: reading and writing them, report data from one (see cli_util.h)
 */
#define _POSIX_C_SOURCE 200809L

#include "cli_util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
		tdxq_say(err, errlen, "%s: cannot open: %s", path, strerror(errno));
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
				tdxq_say(err, errlen, "%s: out of memory", path);
				ret = TDXQ_EXIT_IO;
				break;
			}
			buf = nbuf;
			cap = ncap;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (len > max) {
			tdxq_say(err, errlen, "%s: longer than %zu bytes", path, max);
			ret = -1;
			break;
		}
		if (n == 0) {
			if (ferror(f)) {
				tdxq_say(err, errlen, "%s: read error: %s", path, strerror(errno));
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
		tdxq_say(err, errlen, "%s: cannot create: %s", path, strerror(errno));
		return TDXQ_EXIT_IO;
	}
	ok = fwrite(buf, 1, len, f) == len;
	ok = (is_stdout ? fflush(f) : fclose(f)) == 0 && ok;
	if (!ok) {
		tdxq_say(err, errlen, "%s: write error: %s", path, strerror(errno));
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
		tdxq_say(err, errlen, "-D %s: report data is at most %d bytes", o->data_file,
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
