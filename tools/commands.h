/* SPDX-License-Identifier: GPL-2.0 */
/*
 * commands.h - entry point of the tdx-quote CLI
 */
#ifndef TDXQ_COMMANDS_H
#define TDXQ_COMMANDS_H

#include <stdio.h>

/*
 * Run tdx-quote with @argv, printing results to @out and diagnostics to
 * @err. Returns the exit code (see enum tdxq_exit in cli_util.h).
 */
int tdxq_main(int argc, char *const argv[], FILE *out, FILE *err);

#endif /* TDXQ_COMMANDS_H */
