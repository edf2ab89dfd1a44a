/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences, in one place. Each is keyed on the kernel
 * version where the API changed, and names that version. Checked against
 * the headers of every kernel of the matrix (README, "Supported kernels").
 */
#ifndef TDXQ_COMPAT_H
#define TDXQ_COMPAT_H

#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/mmzone.h>
#include <linux/version.h>

/*
 * True on kernels from MAJOR.MINOR on. The only place that reads
 * LINUX_VERSION_CODE (make checkpatch enforces it).
 */
#define TDXQ_KERNEL_SINCE(major, minor) \
	(KERNEL_VERSION(major, minor, 0) <= LINUX_VERSION_CODE)

/* 6.12: <asm/unaligned.h> moved to <linux/unaligned.h>. */
#if TDXQ_KERNEL_SINCE(6, 12)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * 6.15: the CPUID helpers (cpuid_count() and friends) moved to
 * <asm/cpuid/api.h>; <asm/processor.h> stopped including them in 7.2.
 */
#if TDXQ_KERNEL_SINCE(6, 15)
#include <asm/cpuid/api.h>
#else
#include <asm/processor.h>
#endif

/*
 * Largest block the buddy allocator hands out. MAX_ORDER changed meaning
 * in 6.4 and became MAX_PAGE_ORDER in 6.8; MAX_ORDER_NR_PAGES is the
 * largest block's page count in all of them.
 */
#define TDXQ_BUDDY_MAX_BYTES	(MAX_ORDER_NR_PAGES * PAGE_SIZE)

/* alloc_contig_range() exists only with CONFIG_CONTIG_ALLOC. */
#if IS_ENABLED(CONFIG_CONTIG_ALLOC)
#define TDXQ_HAVE_CONTIG_ALLOC	1
#else
#define TDXQ_HAVE_CONTIG_ALLOC	0
#endif

/*
 * 6.16: the third argument of alloc_contig_range() became acr_flags_t.
 * Before, it was the migratetype of the range (MIGRATE_MOVABLE for a
 * range taken from ordinary memory); from 6.16 that request is
 * ACR_FLAGS_NONE, and the old value 1 would mean ACR_FLAGS_CMA. sparse
 * catches the wrong one: acr_flags_t is a __bitwise type.
 */
#if TDXQ_HAVE_CONTIG_ALLOC
#if TDXQ_KERNEL_SINCE(6, 16)
#define tdxq_alloc_contig_range(start, end, gfp) \
	alloc_contig_range((start), (end), ACR_FLAGS_NONE, (gfp))
#else
#define tdxq_alloc_contig_range(start, end, gfp) \
	alloc_contig_range((start), (end), MIGRATE_MOVABLE, (gfp))
#endif
#endif

/*
 * 6.13: hrtimer_setup() sets the callback with the rest (hrtimer_init()
 * plus assigning .function before; hrtimer_init() is gone from 6.15).
 */
static inline void tdxq_hrtimer_setup(struct hrtimer *timer,
				      enum hrtimer_restart (*fn)(struct hrtimer *),
				      clockid_t clock, enum hrtimer_mode mode)
{
#if TDXQ_KERNEL_SINCE(6, 13)
	hrtimer_setup(timer, fn, clock, mode);
#else
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
#endif
}

/*
 * 6.16: the read() and write() callbacks of a bin_attribute take a const
 * struct bin_attribute *, and attribute_group::bin_attrs points to const
 * ones (commits 97d06802d10a and 9bec944506fa, merged after 6.15-rc1).
 */
#if TDXQ_KERNEL_SINCE(6, 16)
#define TDXQ_BIN_ATTR_CONST	const
#else
#define TDXQ_BIN_ATTR_CONST
#endif

#endif /* TDXQ_COMPAT_H */
