/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's short type names, for the one kernel file built in
 * userspace too: the simulated host's SHA-384 (src/sim/sim_sha384.c), in
 * tdxq-vmtest and the unit tests.
 */
#ifndef TDXQ_HX_KTYPES_H
#define TDXQ_HX_KTYPES_H

#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint64_t u64;

#endif /* TDXQ_HX_KTYPES_H */
