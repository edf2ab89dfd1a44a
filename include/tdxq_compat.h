/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences, in one place, keyed on the feature.
 */
#ifndef TDXQ_COMPAT_H
#define TDXQ_COMPAT_H

#include <linux/mmzone.h>
#include <linux/version.h>

/*
 * Largest order the buddy allocator hands out. MAX_ORDER was exclusive
 * up to 6.3, inclusive from 6.4, and renamed MAX_PAGE_ORDER in 6.8.
 */
#if defined(MAX_PAGE_ORDER)
#define TDXQ_BUDDY_MAX_ORDER	MAX_PAGE_ORDER
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define TDXQ_BUDDY_MAX_ORDER	MAX_ORDER
#else
#define TDXQ_BUDDY_MAX_ORDER	(MAX_ORDER - 1)
#endif

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

/* Sending a vector to one CPU through its local APIC (simulated host). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define tdxq_apic_send_ipi(cpu, vector)	__apic_send_IPI((cpu), (vector))
#else
#define tdxq_apic_send_ipi(cpu, vector)	apic->send_IPI((cpu), (vector))
#endif

#endif /* TDXQ_COMPAT_H */
