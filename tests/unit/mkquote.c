// SPDX-License-Identifier: GPL-2.0
/*
 * mkquote - write a well-formed test quote to a file, for test_e2e.sh
 *
 * Usage: mkquote FILE [VERSION [BODY_TYPE]]
 */
#include <stdio.h>
#include <stdlib.h>

#include "quote_builder.h"

int main(int argc, char *argv[])
{
	struct qb_opts o;
	struct qb_layout l;
	uint8_t *q;
	FILE *f;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: mkquote FILE [VERSION [BODY_TYPE]]\n");
		return 1;
	}
	o = qb_defaults(argc > 2 ? atoi(argv[2]) : 4, argc > 3 ? atoi(argv[3]) : 2);
	q = qb_build(&o, &l);
	f = fopen(argv[1], "wb");
	if (!q || !f || fwrite(q, 1, l.len, f) != l.len || fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	free(q);
	return 0;
}
