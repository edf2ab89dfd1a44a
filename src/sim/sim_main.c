// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_quote_sim: a simulated TDX host (VMM + quote service) for testing
 * tdx_quote.ko on machines without TDX. Load it, then tdx_quote with
 * host=sim. It behaves like QEMU and KVM (shared/facts/ghci.md), including
 * the unkind parts, each a knob. One file per part:
 *
 * - sim_main.c: this module, its host ops and the TDX module calls;
 * - sim_memory.c: guest memory through GPAs, shared ranges, conversions;
 * - sim_getquote.c: the GetQuote TDVMCALL and the quote service;
 * - sim_notify.c: event-notify interrupts;
 * - sim_faults.c: the fault knobs, and who gets which;
 * - sim_counters.c: counters in /sys/kernel/debug/tdx_quote_sim/;
 * - sim_quote.c, sim_measure.c, sim_sha384.c: TDREPORTs, quotes and the
 *   measurement registers they carry.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mutex.h>

#include "tdxq_compat.h"
#include "tdxq_host.h"
#include "sim.h"

/* The host's state: shared ranges, requests, counters. */
DEFINE_MUTEX(sim_lock);

static unsigned long host_max_quote;
module_param(host_max_quote, ulong, 0644);
MODULE_PARM_DESC(host_max_quote, "what TDG.VM.RD of TDCS_QUOTE_MAX_SIZE leaves in R8 (a 32-bit field: bits above it are junk a guest must ignore), 0 for none (default 0)");

/* Reports carry the measurement registers as they are now (sim_measure.c). */
static u64 sim_get_report(u8 *tdreport, const u8 *reportdata)
{
	u64 status = sim_report_fault();

	if (status) {
		mutex_lock(&sim_lock);
		sim_count.faults++;
		mutex_unlock(&sim_lock);
		return status;
	}
	sim_fill_tdreport(tdreport, reportdata);
	return 0;
}

static u64 sim_quote_max_size(void)
{
	return host_max_quote;
}

const struct tdxq_host_ops tdx_quote_sim_host_ops = {
	.name = "sim",
	.get_report = sim_get_report,
	.get_quote = sim_get_quote,
	.notify_supported = sim_notify_supported,
	.setup_notify = sim_setup_notify,
	.quote_max_size = sim_quote_max_size,
	.set_shared = sim_set_shared,
	.set_private = sim_set_private,
	.shared_gpa = sim_shared_gpa,
	.extend_rtmr = sim_measure_extend,
};
EXPORT_SYMBOL_GPL(tdx_quote_sim_host_ops);

static int __init sim_init(void)
{
	int ret;

	ret = sim_service_init();
	if (ret)
		return ret;
	sim_measure_init();
	sim_debugfs_init();
	pr_info("simulated TDX host ready\n");
	return 0;
}

/* Nothing uses the ops any more. */
static void __exit sim_exit(void)
{
	sim_service_exit();
	sim_memory_exit();
	sim_debugfs_exit();
}

module_init(sim_init);
module_exit(sim_exit);

MODULE_DESCRIPTION("Simulated TDX host for testing tdx_quote (never for production)");
MODULE_LICENSE("GPL");
MODULE_VERSION(TDXQ_VERSION);
