// SPDX-License-Identifier: GPL-2.0
/*
 * tdxq-vmtest: VM tests of tdx_quote.ko against the simulated host
 * tdx_quote_sim.ko. Runs inside the test VM as root (tests/vm/run.sh,
 * `make -C tests/vm check`): every group loads the modules with its own
 * parameters, runs its tests, unloads them and checks the kernel log.
 *
 * Usage: tdxq-vmtest [GROUP...]   (default: all groups)
 * Exit status: 0 when every test and every group fixture passed, 1 if not,
 * 2 for a group name that is not one.
 *
 * Environment (the abuse groups, docs/testing.md "Bad input and load"):
 * TDXQ_LONG=1 full counts (make check-long); TDXQ_FUZZ_CALLS,
 * TDXQ_FUZZ_SEED, TDXQ_STRESS_SECS, TDXQ_LIMITS_SECS, TDXQ_CYCLES override
 * single ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static const struct {
	const char *name;
	int (*run)(void);
} groups[] = {
	{ "gates",	 hx_run_gates },
	{ "basic",	 hx_run_basic },
	{ "notify",	 hx_run_notify },
	{ "errors",	 hx_run_errors },
	{ "sizes",	 hx_run_sizes },
	{ "concurrency", hx_run_concurrency },
	{ "timeout",	 hx_run_timeout },
	{ "pool",	 hx_run_pool },
	{ "compat",	 hx_run_compat },
	{ "hostile",	 hx_run_hostile },
	{ "realhost",	 hx_run_realhost },
	{ "timing",	 hx_run_timing },
	{ "fuzz",	 hx_run_fuzz },
	{ "stress",	 hx_run_stress },
	{ "limits",	 hx_run_limits },
	{ "faults",	 hx_run_faults },
	{ "cycles",	 hx_run_cycles },
	{ "measure",	 hx_run_measure },
	{ "tsm",	 hx_run_tsm },
	{ "trace",	 hx_run_trace },
};

#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

static bool selected(int argc, char **argv, const char *name)
{
	int i;

	if (argc < 2)
		return true;
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	double start = hx_now(), t;
	int failed_groups = 0, ret, td, not_run;
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: %s [GROUP...]\ngroups:", argv[0]);
		for (i = 0; i < NGROUPS; i++)
			printf(" %s", groups[i].name);
		printf("\nenvironment: TDXQ_LONG=1 (full counts), TDXQ_FUZZ_CALLS, TDXQ_FUZZ_SEED,\n"
		       "TDXQ_STRESS_SECS, TDXQ_LIMITS_SECS, TDXQ_CYCLES\n");
		return 0;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "tdxq-vmtest: must run as root (inside the test VM)\n");
		return 1;
	}
	/* A group name that is not one runs nothing: that is no pass. */
	for (ret = 1; ret < argc; ret++) {
		for (i = 0; i < NGROUPS; i++)
			if (!strcmp(argv[ret], groups[i].name))
				break;
		if (i == NGROUPS) {
			fprintf(stderr, "tdxq-vmtest: FAIL: no group %s (%s --help lists them)\n",
				argv[ret], argv[0]);
			return 2;
		}
	}
	/* The kernel log before the first group is not ours to judge. */
	free(hx_klog_new());

	for (i = 0; i < NGROUPS; i++) {
		if (!selected(argc, argv, groups[i].name))
			continue;
		t = hx_now();
		td = hx_teardown_failures();
		ret = groups[i].run();
		not_run = hx_take_not_run();
		printf("tdxq-vmtest: group %s: %s (%.1f s)", groups[i].name,
		       ret ? "FAILED" : hx_teardown_failures() != td ?
		       "FAILED (teardown)" : "passed", hx_now() - t);
		if (not_run)
			printf("; %d test(s) NOT RUN: they do not apply to this kernel", not_run);
		printf("\n");
		if (ret)
			failed_groups++;
	}
	if (hx_teardown_failures())
		printf("tdxq-vmtest: %d group teardown(s) failed (module unload or kernel log)\n",
		       hx_teardown_failures());
	printf("tdxq-vmtest: %s: %d group(s) with failed tests, %d failed teardown(s), %.1f s\n",
	       failed_groups || hx_teardown_failures() ? "FAIL" : "PASS",
	       failed_groups, hx_teardown_failures(), hx_now() - start);
	return failed_groups || hx_teardown_failures() ? 1 : 0;
}
