// SPDX-License-Identifier: GPL-2.0
/*
 * tdx-quote - get TDX attestation reports and quotes from /dev/tdx_quote
 *
 * Usage: tdx-quote info | report | quote | show FILE | --help | --version
 *
 * Exit codes:
 *   0  success
 *   1  usage error (bad command, option or argument)
 *   2  the device cannot be opened (module not loaded, no permission)
 *   3  the request failed in the kernel or the host
 *   4  malformed quote (parse error)
 *   5  local I/O error (reading or writing files)
 *
 * The work is done in commands.c (device), cli_*.c (helpers) and
 * quote.c (parser).
 */
#include <stdio.h>

#include "commands.h"

int main(int argc, char *argv[])
{
	return tdxq_main(argc, argv, stdout, stderr);
}
