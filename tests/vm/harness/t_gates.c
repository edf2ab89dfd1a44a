// SPDX-License-Identifier: GPL-2.0
/*
 * The harness's own gates, each made to fail on purpose and its failure
 * checked (a gate that cannot fail checks nothing):
 *
 * - the simulated host's protocol counters (violations, dirty,
 *   leaked_freed, rejects_inuse), checked by every group's teardown before
 *   the sim unloads: one of each, counted by the sim on request
 *   (selftest_violation), fails the unload path and hx_teardown() itself,
 *   and the sim's warning is one of the kernel log's bad lines;
 * - the faults group with TDXQ_REQUIRE_FAULTS=1 and a fault-injection file
 *   missing (TDXQ_FI_NTH names one that does not exist) fails the run;
 * - a group name that is not one fails the run (exit status 2).
 *
 * The kmemleak gate of the debug kernel is proven by its own VM run (a
 * leaking module, tests/debug-kernel/leaky/), as its report would fail
 * this whole run's kernel-log scan.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static const char *const protocol_counters[] = {
	"violations", "dirty", "leaked_freed", "rejects_inuse",
};

#define NCOUNTERS (sizeof(protocol_counters) / sizeof(protocol_counters[0]))

/* Modules in, the log read up to now and judged clean. */
static void load_clean(void)
{
	assert_int_equal(hx_modules_load("", ""), 0);
	free(hx_klog_new());
	assert_int_equal(hx_klog_take_bad(), 0);
	assert_int_equal(hx_sim_take_bad(), 0);
}

/* One violation of each kind: the unload every teardown does fails. */
static void test_protocol_counters_fail_unload(void **state)
{
	size_t i;
	int ret;

	(void)state;
	for (i = 0; i < NCOUNTERS; i++) {
		load_clean();
		/* Clean to begin with: the check itself passes. */
		assert_int_equal(hx_sim_protocol_check(), 0);
		hx_sim_param_set("selftest_violation", protocol_counters[i]);
		assert_int_equal(hx_sim_stat(protocol_counters[i]), 1);
		print_message("  %s 1 on purpose:\n", protocol_counters[i]);
		hx_failures_expected(true);
		ret = hx_modules_unload();
		free(hx_klog_new());
		hx_failures_expected(false);
		if (ret != -EPROTO)
			fail_msg("%s 1: unload gave %d, want -EPROTO", protocol_counters[i],
				 ret);
		assert_false(hx_module_loaded(HX_SIM_MODULE));
		assert_int_equal(hx_sim_take_bad(), 1);
		/* The sim's warning is a bad line of the kernel-log scan. */
		assert_int_equal(hx_klog_take_bad(), 1);
	}
}

/* hx_teardown() itself, as every group runs it, fails on a violation. */
static void test_protocol_counter_fails_teardown(void **state)
{
	int td = hx_teardown_failures(), ret;

	(void)state;
	load_clean();
	hx_sim_param_set("selftest_violation", "violations");
	print_message("  violations 1 on purpose: this teardown must fail\n");
	hx_failures_expected(true);
	ret = hx_teardown();
	hx_failures_expected(false);
	assert_int_equal(ret, -1);
	assert_int_equal(hx_teardown_failures(), td + 1);
	hx_teardown_failure_expected();
	assert_false(hx_module_loaded(HX_MODULE));
	assert_false(hx_module_loaded(HX_SIM_MODULE));
}

/*
 * Run this program again with @env (NAME=VALUE, or NULL) and @arg;
 * *@out (free it) gets what it printed. Return: its exit status, or -1.
 */
static int run_self(const char *env, const char *arg, char **out)
{
	char self[PATH_MAX], cmd[PATH_MAX + 256], *text = NULL;
	size_t cap = 0, len = 0, n;
	ssize_t sl;
	FILE *p;
	int st;

	sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (sl < 0)
		return -1;
	self[sl] = '\0';
	snprintf(cmd, sizeof(cmd), "%s '%s' '%s' 2>&1", env ? env : "", self, arg);
	p = popen(cmd, "re");
	if (!p)
		return -1;
	for (;;) {
		if (cap - len < 4096) {
			char *t = realloc(text, cap + 65536 + 1);

			if (!t)
				break;
			text = t;
			cap += 65536;
		}
		n = fread(text + len, 1, cap - len, p);
		if (!n)
			break;
		len += n;
	}
	if (text)
		text[len] = '\0';
	*out = text;
	st = pclose(p);
	return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_missing_fault_injection_fails(void **state)
{
	char *out = NULL;
	int st;

	(void)state;
	st = run_self("TDXQ_REQUIRE_FAULTS=1 TDXQ_FI_NTH=/proc/thread-self/no-fail-nth",
		      "faults", &out);
	print_message("  tdxq-vmtest faults with a missing fail-nth: exit status %d\n", st);
	if (st != 1 || !out ||
	    !strstr(out, "fault injection not available (/proc/thread-self/no-fail-nth") ||
	    !strstr(out, "tdxq-vmtest: group faults: FAILED")) {
		print_message("%s\n", out ? out : "(no output)");
		free(out);
		fail_msg("a missing fault-injection file with TDXQ_REQUIRE_FAULTS=1: exit status %d, want 1 and the group failed",
			 st);
	}
	free(out);
	/* Its groups left nothing behind, and no bad log line. */
	assert_false(hx_module_loaded(HX_MODULE));
}

static void test_unknown_group_fails(void **state)
{
	char *out = NULL;
	int st;

	(void)state;
	st = run_self(NULL, "no-such-group", &out);
	print_message("  tdxq-vmtest no-such-group: exit status %d\n", st);
	if (st != 2 || !out || !strstr(out, "no group no-such-group")) {
		print_message("%s\n", out ? out : "(no output)");
		free(out);
		fail_msg("an unknown group name: exit status %d, want 2", st);
	}
	free(out);
}

static int setup_gates(void **state)
{
	(void)state;
	/* Each test loads what it needs. */
	return hx_setup(NULL, NULL);
}

static int teardown_gates(void **state)
{
	(void)state;
	return hx_teardown();
}

int hx_run_gates(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protocol_counters_fail_unload),
		cmocka_unit_test(test_protocol_counter_fails_teardown),
		cmocka_unit_test(test_missing_fault_injection_fails),
		cmocka_unit_test(test_unknown_group_fails),
	};

	return cmocka_run_group_tests_name("gates", tests, setup_gates,
					   teardown_gates);
}
