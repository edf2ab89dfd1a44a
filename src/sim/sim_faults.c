// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_quote_sim: the host's faults. Every way a real or hostile host goes
 * wrong is a knob here, off by default and writable at run time:
 *
 * - request knobs (fault_*, irq_*, jitter_us, notify_delay_us,
 *   out_len_late_us), read once per GetQuote, together, by
 *   sim_fault_for(): the one place that decides how a request goes wrong;
 * - conversion knobs (conv_*), read by sim_conv_fault();
 * - fault_report, read by sim_report_fault().
 *
 * sim_code_ops parses the knobs that name a status word (also used by
 * sim_measure.c). The knobs that act when written (irq_storm_now,
 * complete_stuck, selftest_violation) live with what they act on.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sizes.h>

#include "tdxq_ghci.h"
#include "sim.h"

static int sim_code_set(const char *val, const struct kernel_param *kp)
{
	struct sim_code_knob *k = kp->arg;
	const struct sim_code_name *n;
	u64 code;

	if (sysfs_streq(val, "") || sysfs_streq(val, "none")) {
		k->on = false;
		return 0;
	}
	for (n = k->names; n->name; n++) {
		if (sysfs_streq(val, n->name)) {
			k->code = n->code;
			k->on = true;
			return 0;
		}
	}
	if (kstrtou64(val, 0, &code))
		return -EINVAL;
	k->code = code;
	k->on = true;
	return 0;
}

static int sim_code_get(char *buf, const struct kernel_param *kp)
{
	const struct sim_code_knob *k = kp->arg;
	const struct sim_code_name *n;

	if (!k->on)
		return scnprintf(buf, PAGE_SIZE, "none\n");
	for (n = k->names; n->name; n++) {
		if (n->code == k->code)
			return scnprintf(buf, PAGE_SIZE, "%s\n", n->name);
	}
	return scnprintf(buf, PAGE_SIZE, "%#llx\n", k->code);
}

const struct kernel_param_ops sim_code_ops = {
	.set = sim_code_set,
	.get = sim_code_get,
};

static const struct sim_code_name sim_vmcall_names[] = {
	{ "retry", TDVMCALL_RETRY },
	{ "invalid_operand", TDVMCALL_INVALID_OPERAND },
	{ "gpa_inuse", TDVMCALL_GPA_INUSE },
	{ "align_error", TDVMCALL_ALIGN_ERROR },
	{ "subfunc_unsupported", TDVMCALL_SUBFUNC_UNSUPPORTED },
	{ NULL, 0 }
};

static struct sim_code_knob fault_vmcall = { .names = sim_vmcall_names };
module_param_cb(fault_vmcall, &sim_code_ops, &fault_vmcall, 0644);
MODULE_PARM_DESC(fault_vmcall, "answer every GetQuote with this TDVMCALL status: retry, invalid_operand, gpa_inuse, align_error, subfunc_unsupported or a number (default none)");

static const struct sim_code_name sim_status_names[] = {
	{ "success", GET_QUOTE_SUCCESS },
	{ "error", GET_QUOTE_ERROR },
	{ "unavailable", GET_QUOTE_SERVICE_UNAVAILABLE },
	{ NULL, 0 }
};

static struct sim_code_knob fault_status = { .names = sim_status_names };
module_param_cb(fault_status, &sim_code_ops, &fault_status, 0644);
MODULE_PARM_DESC(fault_status, "complete every request with this status word: success, error, unavailable or a number (default none)");

static const struct sim_code_name sim_tdcall_names[] = {
	{ "operand_busy", TDX_OPERAND_BUSY },
	{ "invalid_operand", TDX_OPERAND_INVALID },
	{ NULL, 0 }
};

static struct sim_code_knob fault_report = { .names = sim_tdcall_names };
module_param_cb(fault_report, &sim_code_ops, &fault_report, 0644);
MODULE_PARM_DESC(fault_report, "the TDX module refuses every TDG.MR.REPORT with this status: operand_busy, invalid_operand or a number (default none)");

static bool fault_stuck;
module_param(fault_stuck, bool, 0644);
MODULE_PARM_DESC(fault_stuck, "never complete a request: its status stays IN_FLIGHT until complete_stuck is written (default 0)");

static bool fault_silent;
module_param(fault_silent, bool, 0644);
MODULE_PARM_DESC(fault_silent, "accept a request but never write its status, not even IN_FLIGHT (until complete_stuck is written; default 0)");

static unsigned int fault_out_len;
module_param(fault_out_len, uint, 0644);
MODULE_PARM_DESC(fault_out_len, "write an out_len this many bytes beyond the end of the buffer (default 0)");

static bool fault_overwrite;
module_param(fault_overwrite, bool, 0644);
MODULE_PARM_DESC(fault_overwrite, "write garbage after the quote, up to the end of the buffer (default 0)");

static unsigned int fault_flap_ms;
module_param(fault_flap_ms, uint, 0644);
MODULE_PARM_DESC(fault_flap_ms, "after completing, keep rewriting status and out_len for this long (default 0)");

static unsigned int irq_storm;
module_param(irq_storm, uint, 0644);
MODULE_PARM_DESC(irq_storm, "spurious notify interrupts sent before each completion (default 0)");

static bool irq_drop;
module_param(irq_drop, bool, 0644);
MODULE_PARM_DESC(irq_drop, "lose every completion's notify interrupt (default 0)");

static bool irq_dup;
module_param(irq_dup, bool, 0644);
MODULE_PARM_DESC(irq_dup, "send every completion's notify interrupt twice (default 0)");

static unsigned int conv_fail_shared;
module_param(conv_fail_shared, uint, 0644);
MODULE_PARM_DESC(conv_fail_shared, "fail the next N private-to-shared conversions (default 0)");

static unsigned int conv_fail_private;
module_param(conv_fail_private, uint, 0644);
MODULE_PARM_DESC(conv_fail_private, "fail the next N shared-to-private conversions (default 0)");

static unsigned int conv_fail_skip;
module_param(conv_fail_skip, uint, 0644);
MODULE_PARM_DESC(conv_fail_skip, "conv_fail_shared/private start failing after N more good conversions (default 0)");

/*
 * A guest kernel before 6.7 fails a conversion whose MapGPA the host
 * answered RETRY, and KVM answers so after each 2 MiB whenever the vCPU
 * has an event pending: on a busy TD any conversion over 2 MiB can fail.
 */
static unsigned long conv_max_bytes = SZ_2M;
module_param(conv_max_bytes, ulong, 0644);
MODULE_PARM_DESC(conv_max_bytes, "fail any single conversion larger than this, as a pre-6.7 guest kernel on a busy KVM host (default 2 MiB; 0: no limit)");

/*
 * ---- a slower, sloppier host ----
 *
 * Read with the request knobs, once per GetQuote (sim_fault_for()).
 */
static unsigned int jitter_us;
module_param(jitter_us, uint, 0644);
MODULE_PARM_DESC(jitter_us, "add a random 0..N microseconds to each request's service time: a later request may finish first (default 0)");

static unsigned int notify_delay_us;
module_param(notify_delay_us, uint, 0644);
MODULE_PARM_DESC(notify_delay_us, "raise each completion's notify interrupt this long after its status (default 0)");

static unsigned int out_len_late_us;
module_param(out_len_late_us, uint, 0644);
MODULE_PARM_DESC(out_len_late_us, "write the status (and raise the interrupt) first and out_len this long after it (default 0: out_len first, as QEMU)");

/* ---- who gets which ---- */

/* A snapshot under the parameter lock: a sysfs write is never seen half-way. */
bool sim_fault_for(struct sim_fault *f)
{
	kernel_param_lock(THIS_MODULE);
	f->vmcall = fault_vmcall.on;
	f->vmcall_code = fault_vmcall.code;
	f->status = fault_status.on;
	f->status_code = fault_status.code;
	f->silent = fault_silent;
	f->stuck = fault_stuck || f->silent;
	f->out_len_extra = fault_out_len;
	f->overwrite = fault_overwrite;
	f->flap_ms = fault_flap_ms;
	f->irq_storm = irq_storm;
	f->irq_drop = irq_drop;
	f->irq_dup = irq_dup;
	f->jitter_us = jitter_us;
	f->notify_delay_us = notify_delay_us;
	f->out_len_late_us = out_len_late_us;
	kernel_param_unlock(THIS_MODULE);
	return f->vmcall || f->status || f->stuck || f->out_len_extra ||
	       f->overwrite || f->flap_ms || f->irq_storm || f->irq_drop ||
	       f->irq_dup || f->jitter_us || f->notify_delay_us ||
	       f->out_len_late_us;
}

bool sim_conv_fault(bool to_shared, unsigned long nr_pages)
{
	unsigned int *knob = to_shared ? &conv_fail_shared : &conv_fail_private;
	bool fail = false;

	kernel_param_lock(THIS_MODULE);
	if (conv_max_bytes && nr_pages << PAGE_SHIFT > conv_max_bytes) {
		fail = true;
	} else if (*knob) {
		if (conv_fail_skip) {
			conv_fail_skip--;
		} else {
			fail = true;
			(*knob)--;
		}
	}
	kernel_param_unlock(THIS_MODULE);
	return fail;
}

u64 sim_report_fault(void)
{
	u64 status = 0;

	kernel_param_lock(THIS_MODULE);
	if (fault_report.on)
		status = fault_report.code;
	kernel_param_unlock(THIS_MODULE);
	return status;
}
