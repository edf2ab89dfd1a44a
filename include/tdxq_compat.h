/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences, in one place, keyed on the feature.
 */
#ifndef TDXQ_COMPAT_H
#define TDXQ_COMPAT_H

#include <linux/mmzone.h>

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
 * alloc_contig_range() lost its migratetype argument in 6.11 (acr_flags_t
 * took its place in 6.16); only the 6.1-6.10 form is handled here.
 */
#if TDXQ_HAVE_CONTIG_ALLOC
#define tdxq_alloc_contig_range(start, end, gfp) \
	alloc_contig_range((start), (end), MIGRATE_MOVABLE, (gfp))
#endif

#endif /* TDXQ_COMPAT_H */
