// SPDX-License-Identifier: GPL-2.0
/*
 * Completion notification: the event-notify interrupt, the polling
 * fallback, and the vector surviving its CPU going offline.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define NQUOTES		10

static int teardown_common(void **state)
{
	(void)state;
	return hx_teardown();
}

/* @n quotes with distinct report data, each checked. */
static void quotes(int n, uint64_t seed)
{
	struct tdx_quote_get_quote req;
	uint8_t rd[64], *q = malloc(64 * HX_KiB);
	int i;

	assert_non_null(q);
	for (i = 0; i < n; i++) {
		hx_reportdata(rd, seed + i);
		assert_int_equal(hx_get_quote(hx_fd(), rd, 0, q, 64 * HX_KiB, &req), 0);
		hx_check_quote(q, req.quote_len, 5000, rd);
	}
	free(q);
}

/*
 * The CPU the kernel delivers the tdx_quote IRQ to
 * (/proc/irq/N/effective_affinity_list), or -1.
 */
static int irq_effective_cpu(void)
{
	char line[512], path[96], *end;
	long irq = -1;
	FILE *f = fopen("/proc/interrupts", "re");
	uint64_t cpu;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\n");

		line[n] = '\0';
		if (n >= 9 && !strcmp(line + n - 9, "tdx_quote")) {
			irq = strtol(line, &end, 10);
			if (*end != ':')
				irq = -1;
			break;
		}
	}
	fclose(f);
	if (irq < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/irq/%ld/effective_affinity_list", irq);
	return hx_read_u64(path, &cpu) ? -1 : (int)cpu;
}

/* ----------------------------------------------------------- IRQ mode */

static int setup_irq(void **state)
{
	(void)state;
	return hx_setup("", "");
}

static void test_irq_path(void **state)
{
	struct tdx_quote_info info;
	long long irq0, irq1;
	uint64_t intr0, sent0, v;
	double t;

	(void)state;
	hx_info(&info);
	assert_int_equal(info.notify_mode, TDX_QUOTE_NOTIFY_IRQ);
	assert_true(info.notify_vector >= 32 && info.notify_vector <= 255);

	irq0 = hx_irq_count();
	assert_true(irq0 >= 0);		/* the tdx_quote line exists */
	/* The vector is registered from the CPU the IRQ landed on. */
	print_message("  notify IRQ delivered to CPU %d, vector registered from CPU %u\n",
		      irq_effective_cpu(), info.notify_cpu);
	assert_int_equal(irq_effective_cpu(), info.notify_cpu);
	intr0 = hx_stat("interrupts");
	sent0 = hx_sim_stat("irqs_sent");
	assert_int_equal(hx_stat("poll_wakeups"), 0);

	t = hx_now();
	quotes(NQUOTES, 100);
	t = hx_now() - t;

	/*
	 * A waiter may see the status the host wrote before the interrupt
	 * that follows it is handled: give the last one a moment to land.
	 */
	assert_true(hx_wait_stat_ge("interrupts", intr0 + NQUOTES, 5000, &v));
	irq1 = hx_irq_count();
	assert_int_equal(hx_sim_stat("irqs_sent") - sent0, NQUOTES);
	assert_int_equal(irq1 - irq0, NQUOTES);
	assert_int_equal(hx_stat("interrupts") - intr0, NQUOTES);
	assert_int_equal(hx_stat("poll_wakeups"), 0);
	/* 5 ms of service each: nowhere near the 30 s timeout */
	assert_true(t < 20.0);

	hx_info(&info);
	assert_int_equal(info.notify_mode, TDX_QUOTE_NOTIFY_IRQ);
	assert_int_equal(info.stats.interrupts, hx_stat("interrupts"));
}

/* ------------------------------------------------------- polling mode */

static int setup_poll(void **state)
{
	(void)state;
	return hx_setup("notify=0", "");
}

static void test_polling_fallback(void **state)
{
	struct tdx_quote_info info;
	uint64_t succ0;

	(void)state;
	hx_info(&info);
	assert_int_equal(info.notify_mode, TDX_QUOTE_NOTIFY_POLL);
	assert_int_equal(hx_irq_count(), -1);	/* no tdx_quote line */

	succ0 = hx_stat("successes");
	quotes(NQUOTES, 200);
	assert_int_equal(hx_stat("successes") - succ0, NQUOTES);
	assert_true(hx_stat("poll_wakeups") > 0);
	assert_int_equal(hx_stat("interrupts"), 0);
	assert_int_equal(hx_sim_stat("irqs_sent"), 0);
	assert_int_equal(hx_irq_count(), -1);
}

/* -------------------------------------------------------- CPU hotplug */

static int setup_hotplug(void **state)
{
	(void)state;
	if (hx_cpu_online(1) < 0) {
		fprintf(stderr, "tdxq-vmtest: no CPU 1 to take offline\n");
		return -1;
	}
	return hx_setup("", "notify_cpu=1");
}

static void test_cpu_offline(void **state)
{
	struct tdx_quote_info info;
	long long irq0, irq1;
	uint64_t intr0, sent0, v;
	double t;

	(void)state;
	hx_info(&info);
	assert_int_equal(info.notify_mode, TDX_QUOTE_NOTIFY_IRQ);
	assert_int_equal(info.notify_cpu, 1);
	/*
	 * Asked for CPU 1, the IRQ is there, and so is the registration.
	 * make check boots this group with irqaffinity=0 too: an IRQ whose
	 * affinity is not set before it starts then lands on CPU 0, and the
	 * host would send CPU 1 a vector nobody handles there.
	 */
	print_message("  notify IRQ delivered to CPU %d, vector registered from CPU %u\n",
		      irq_effective_cpu(), info.notify_cpu);
	assert_int_equal(irq_effective_cpu(), 1);
	quotes(2, 300);

	assert_int_equal(hx_cpu_set_online(1, false), 0);
	assert_int_equal(hx_cpu_online(1), 0);

	hx_info(&info);
	assert_int_equal(info.notify_mode, TDX_QUOTE_NOTIFY_IRQ);
	assert_int_equal(info.notify_cpu, 0);

	/* CPU 1's column left /proc/interrupts: count from here. */
	irq0 = hx_irq_count();
	assert_true(irq0 >= 0);
	intr0 = hx_stat("interrupts");
	sent0 = hx_sim_stat("irqs_sent");
	assert_int_equal(hx_stat("poll_wakeups"), 0);

	t = hx_now();
	quotes(NQUOTES, 400);
	t = hx_now() - t;

	hx_wait_stat_ge("interrupts", intr0 + NQUOTES, 5000, &v);
	irq1 = hx_irq_count();
	if (hx_stat("interrupts") - intr0 != NQUOTES)
		fail_msg("after CPU 1 went offline: %d quotes in %.1f s, the host sent %"
			 PRIu64 " notify IPIs (vector %u, CPU %u per INFO), the module saw %"
			 PRIu64 " interrupts, /proc/interrupts +%lld, poll_wakeups %" PRIu64,
			 NQUOTES, t, hx_sim_stat("irqs_sent") - sent0,
			 info.notify_vector, info.notify_cpu,
			 hx_stat("interrupts") - intr0, irq1 - irq0,
			 hx_stat("poll_wakeups"));
	assert_int_equal(irq1 - irq0, NQUOTES);
	assert_int_equal(hx_stat("poll_wakeups"), 0);

	assert_int_equal(hx_cpu_set_online(1, true), 0);
	assert_int_equal(hx_cpu_online(1), 1);

	/* Still interrupt-driven with both CPUs back. */
	intr0 = hx_stat("interrupts");
	quotes(3, 500);
	assert_true(hx_wait_stat_ge("interrupts", intr0 + 3, 5000, &v));
	assert_int_equal(hx_stat("interrupts") - intr0, 3);
	assert_int_equal(hx_stat("poll_wakeups"), 0);
	hx_info(&info);
	assert_int_equal(info.notify_mode, TDX_QUOTE_NOTIFY_IRQ);
}

int hx_run_notify(void)
{
	const struct CMUnitTest irq[] = {
		cmocka_unit_test(test_irq_path),
	};
	const struct CMUnitTest poll[] = {
		cmocka_unit_test(test_polling_fallback),
	};
	const struct CMUnitTest hotplug[] = {
		cmocka_unit_test(test_cpu_offline),
	};
	int failed;

	failed = cmocka_run_group_tests_name("notify_irq", irq, setup_irq,
					     teardown_common);
	failed += cmocka_run_group_tests_name("notify_poll", poll, setup_poll,
					      teardown_common);
	failed += cmocka_run_group_tests_name("cpu_hotplug", hotplug,
					      setup_hotplug, teardown_common);
	return failed;
}
