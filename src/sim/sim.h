/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tdx_quote_sim: quote and TDREPORT generation (sim_quote.c).
 */
#ifndef TDXQ_SIM_H
#define TDXQ_SIM_H

#include <linux/types.h>

#include "tdxq_host.h"

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

#endif /* TDXQ_SIM_H */
