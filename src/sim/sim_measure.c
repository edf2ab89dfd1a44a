// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_quote_sim: the TD's measurement registers, as the TDX module keeps
 * them. MRTD, MRCONFIGID, MROWNER and MROWNERCONFIG are fixed at launch
 * (fixed patterns here); RTMR0..3 start at zero and change only by
 * TDG.MR.RTMR.EXTEND: RTMR = SHA-384(RTMR || data). Every TDREPORT carries
 * the values of the moment (sim_measure_fill(), called by
 * sim_fill_tdreport()), and with them every quote built from it.
 *
 * Hostile knobs, writable at run time:
 * - fault_extend: refuse every extend with this TDX module status
 *   (invalid_operand, operand_busy, or a number); none to stop;
 * - extend_busy: answer the next N extends TDX_OPERAND_BUSY (the
 *   register is busy for a moment), then extend again.
 * A refused extend leaves the register as it was.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "tdxq_ghci.h"
#include "sim.h"
#include "sim_sha384.h"

/* Operand ids in the low bits of a TDX module status */
#define SIM_OPERAND_RCX		1
#define SIM_OPERAND_RDX		2

static const struct sim_code_name sim_extend_names[] = {
	{ "invalid_operand", TDX_OPERAND_INVALID | SIM_OPERAND_RDX },
	{ "operand_busy", TDX_OPERAND_BUSY },
	{ NULL, 0 }
};

static struct sim_code_knob fault_extend = { .names = sim_extend_names };
module_param_cb(fault_extend, &sim_code_ops, &fault_extend, 0644);
MODULE_PARM_DESC(fault_extend, "refuse every RTMR extend with this TDX module status: invalid_operand, operand_busy or a number (default none)");

static unsigned int extend_busy;
module_param(extend_busy, uint, 0644);
MODULE_PARM_DESC(extend_busy, "answer the next N RTMR extends with TDX_OPERAND_BUSY (default 0)");

static DEFINE_MUTEX(sim_mr_lock);
static u8 sim_mrtd[TDX_MR_LEN];
static u8 sim_mrconfigid[TDX_MR_LEN];
static u8 sim_mrowner[TDX_MR_LEN];
static u8 sim_mrownerconfig[TDX_MR_LEN];
static u8 sim_rtmr[TDX_NR_RTMRS][TDX_MR_LEN];

/* debugfs counters */
static u64 sim_extends;		/* extends done */
static u64 sim_extends_refused;	/* extends answered with an error */

static void sim_mr_pattern(u8 *p, u8 seed)
{
	int i;

	for (i = 0; i < TDX_MR_LEN; i++)
		p[i] = seed + i;
}

void sim_measure_init(void)
{
	sim_mr_pattern(sim_mrtd, 0xa0);
	sim_mr_pattern(sim_mrconfigid, 0xc0);
	sim_mr_pattern(sim_mrowner, 0xd0);
	sim_mr_pattern(sim_mrownerconfig, 0xe0);
	memset(sim_rtmr, 0, sizeof(sim_rtmr));
}

void sim_measure_fill(u8 *r)
{
	mutex_lock(&sim_mr_lock);
	memcpy(r + TDX_TDREPORT_MRTD, sim_mrtd, TDX_MR_LEN);
	memcpy(r + TDX_TDREPORT_MRCONFIGID, sim_mrconfigid, TDX_MR_LEN);
	memcpy(r + TDX_TDREPORT_MROWNER, sim_mrowner, TDX_MR_LEN);
	memcpy(r + TDX_TDREPORT_MROWNERCONFIG, sim_mrownerconfig, TDX_MR_LEN);
	memcpy(r + TDX_TDREPORT_RTMR0, sim_rtmr, sizeof(sim_rtmr));
	mutex_unlock(&sim_mr_lock);
}

/* The fault knobs' answer to this extend, 0 for none. */
static u64 sim_extend_fault(void)
{
	u64 status = 0;

	kernel_param_lock(THIS_MODULE);
	if (fault_extend.on) {
		status = fault_extend.code;
	} else if (extend_busy) {
		extend_busy--;
		status = TDX_OPERAND_BUSY;
	}
	kernel_param_unlock(THIS_MODULE);
	return status;
}

u64 sim_measure_extend(const u8 *data, u64 index)
{
	phys_addr_t pa = virt_to_phys((void *)data);
	u64 status;

	/* The TDX module's own operand checks come first. */
	if (!IS_ALIGNED(pa, TDX_RTMR_EXTEND_ALIGN))
		status = TDX_OPERAND_INVALID | SIM_OPERAND_RCX;
	else if (index >= TDX_NR_RTMRS)
		status = TDX_OPERAND_INVALID | SIM_OPERAND_RDX;
	else
		status = sim_extend_fault();

	mutex_lock(&sim_mr_lock);
	if (status) {
		sim_extends_refused++;
	} else {
		/* Read the input through its physical address. */
		sim_sha384_extend(sim_rtmr[index], phys_to_virt(pa));
		sim_extends++;
	}
	mutex_unlock(&sim_mr_lock);
	return status;
}

void sim_measure_debugfs(struct dentry *dir)
{
	debugfs_create_u64("extends", 0444, dir, &sim_extends);
	debugfs_create_u64("extends_refused", 0444, dir, &sim_extends_refused);
}
