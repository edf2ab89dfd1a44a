/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-384 (FIPS 180-4) for the simulated host's RTMR extend, and for the
 * VM tests that check its results: one implementation, built into
 * tdx_quote_sim.ko and, in userspace, into tdxq-vmtest and the unit tests
 * (which hold it to the FIPS test vectors). Not constant-time, not for
 * secrets: it hashes measurements.
 */
#ifndef TDXQ_SIM_SHA384_H
#define TDXQ_SIM_SHA384_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include "hx_ktypes.h"	/* u8, u64, size_t (tests/vm/harness/) */
#endif

#define SIM_SHA384_LEN		48

/**
 * sim_sha384() - SHA-384 of a message
 * @msg: @len bytes
 * @len: message length
 * @out: the 48-byte digest
 */
void sim_sha384(const u8 *msg, size_t len, u8 out[SIM_SHA384_LEN]);

/**
 * sim_sha384_extend() - one RTMR extend: @mr = SHA-384(@mr || @data)
 * @mr: 48-byte register, updated
 * @data: 48 bytes
 */
void sim_sha384_extend(u8 mr[SIM_SHA384_LEN], const u8 data[SIM_SHA384_LEN]);

#endif /* TDXQ_SIM_SHA384_H */
