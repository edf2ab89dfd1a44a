/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tdx_quote_sim: quote and TDREPORT generation (sim_quote.c).
 */
#ifndef TDXQ_SIM_H
#define TDXQ_SIM_H

#include <linux/moduleparam.h>
#include <linux/types.h>

#include "tdxq_host.h"

struct dentry;

/* A knob naming a status word: "none", one of a few names, or a number. */
struct sim_code_name {
	const char *name;
	u64 code;
};

/**
 * struct sim_code_knob - a status-word knob (module_param_cb with
 *	sim_code_ops); read it under kernel_param_lock()
 * @on: a code is set
 * @code: the status word
 * @names: the names it accepts, ending with a NULL name
 */
struct sim_code_knob {
	bool on;
	u64 code;
	const struct sim_code_name *names;
};

extern const struct kernel_param_ops sim_code_ops;

/* What tdx_quote looks up with host=sim. */
extern const struct tdxq_host_ops tdx_quote_sim_host_ops;

/**
 * sim_fill_tdreport() - a fake but well-formed TDREPORT_STRUCT
 * @tdreport: 1024 bytes out
 * @reportdata: 64 bytes, copied to offset 128
 */
void sim_fill_tdreport(u8 *tdreport, const u8 *reportdata);

/**
 * sim_quote_min_len() - smallest quote sim_build_quote() can produce
 * @version: 4 or 5
 * Return: bytes.
 */
size_t sim_quote_min_len(unsigned int version);

/**
 * sim_build_quote() - a v4 or v5 quote for a TDREPORT
 * @tdreport: 1024-byte TDREPORT the body is built from
 * @version: 4 or 5
 * @len: total length, at least sim_quote_min_len(); certification data
 *	pads it out
 * Return: kvmalloc()ed quote of @len bytes, or NULL.
 */
u8 *sim_build_quote(const u8 *tdreport, unsigned int version, size_t len);

/* ---- measurement registers (sim_measure.c) ---- */

/**
 * sim_measure_init() - MRTD, the config and owner fields and RTMR0..3 as
 * a freshly launched TD has them
 */
void sim_measure_init(void);

/**
 * sim_measure_fill() - write the registers, as they are now, into a
 * TDREPORT's TDINFO
 * @tdreport: 1024 bytes
 */
void sim_measure_fill(u8 *tdreport);

/**
 * sim_measure_extend() - TDG.MR.RTMR.EXTEND
 * @data: 48 bytes at a 64-byte aligned address (read through its
 *	physical address, as the TDX module does)
 * @index: RTMR index
 * Return: the TDX module status: 0, TDX_OPERAND_INVALID (misaligned
 * buffer, index above 3), TDX_OPERAND_BUSY, or what the fault knobs say.
 */
u64 sim_measure_extend(const u8 *data, u64 index);

/**
 * sim_measure_debugfs() - the extend counters, in the sim's debugfs dir
 * @dir: /sys/kernel/debug/tdx_quote_sim
 */
void sim_measure_debugfs(struct dentry *dir);

#endif /* TDXQ_SIM_H */
