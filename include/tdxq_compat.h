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
#include <linux/irqnr.h>
#include <linux/mmzone.h>
#include <linux/version.h>
#include <linux/workqueue.h>

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

/*
 * configfs-tsm, the kernel's quote-report interface: only with
 * CONFIG_TSM_REPORTS (from 6.7). The provider API changed twice:
 * - 6.7: tsm_register(ops, priv, type) with struct tsm_ops and struct
 *   tsm_desc, in module "tsm"; no per-attribute visibility (type NULL
 *   gives the default attributes, as the in-tree tdx_guest driver uses).
 * - 6.11: tsm_register(ops, priv); ops->report_attr_visible() and
 *   ->report_bin_attr_visible() choose the attributes a provider shows.
 * - 6.16: tsm_report_register(ops, priv), struct tsm_report_ops and
 *   struct tsm_report_desc, TSM_REPORT_OUTBLOB_MAX, module "tsm_report"
 *   (from 6.19 the name tsm_register() means the TEE-IO device API).
 * The functions are looked up by name (src/tsm.c says why); the types
 * come from <linux/tsm.h>, so a changed prototype fails the build.
 * TDXQ_TSM_OUTBLOB_MAX is the TSM core's outblob limit (32 KiB; 16 MiB
 * from 7.0), taken from the header.
 */
#define TDXQ_HAVE_TSM	IS_ENABLED(CONFIG_TSM_REPORTS)

#if TDXQ_HAVE_TSM
#include <linux/tsm.h>

#if TDXQ_KERNEL_SINCE(6, 16)
#define tdxq_tsm_ops			tsm_report_ops
#define tdxq_tsm_desc			tsm_report_desc
#define TDXQ_TSM_MODULE			"tsm_report"
#define TDXQ_TSM_REGISTER_SYM		"tsm_report_register"
#define TDXQ_TSM_UNREGISTER_SYM		"tsm_report_unregister"
#define TDXQ_TSM_OUTBLOB_MAX		TSM_REPORT_OUTBLOB_MAX
#else
#define tdxq_tsm_ops			tsm_ops
#define tdxq_tsm_desc			tsm_desc
#define TDXQ_TSM_MODULE			"tsm"
#define TDXQ_TSM_REGISTER_SYM		"tsm_register"
#define TDXQ_TSM_UNREGISTER_SYM		"tsm_unregister"
#define TDXQ_TSM_OUTBLOB_MAX		TSM_OUTBLOB_MAX
#endif

/* Register @ops (no private data) through @fn, the looked-up register. */
static inline int tdxq_tsm_call_register(void *fn, const struct tdxq_tsm_ops *ops)
{
#if TDXQ_KERNEL_SINCE(6, 16)
	typeof(tsm_report_register) *reg = fn;

	return reg(ops, NULL);
#else
	typeof(tsm_register) *reg = fn;

#if TDXQ_KERNEL_SINCE(6, 11)
	return reg(ops, NULL);
#else
	return reg(ops, NULL, NULL);
#endif
#endif
}

/* Unregister @ops through @fn, the looked-up unregister. */
static inline int tdxq_tsm_call_unregister(void *fn, const struct tdxq_tsm_ops *ops)
{
#if TDXQ_KERNEL_SINCE(6, 16)
	typeof(tsm_report_unregister) *unreg = fn;
#else
	typeof(tsm_unregister) *unreg = fn;
#endif

	return unreg(ops);
}

/* 6.11: the provider chooses which report attributes exist. */
#if TDXQ_KERNEL_SINCE(6, 11)
#define TDXQ_TSM_VISIBILITY(attr_fn, bin_attr_fn) \
	.report_attr_visible = (attr_fn), .report_bin_attr_visible = (bin_attr_fn),
#else
#define TDXQ_TSM_VISIBILITY(attr_fn, bin_attr_fn)
#endif
#endif /* TDXQ_HAVE_TSM */

/*
 * 6.13: the number of IRQ descriptors is read with irq_get_nr_irqs();
 * the nr_irqs variable is no longer exported.
 */
static inline unsigned int tdxq_nr_irqs(void)
{
#if TDXQ_KERNEL_SINCE(6, 13)
	return irq_get_nr_irqs();
#else
	return nr_irqs;
#endif
}

/*
 * 6.17: system_percpu_wq is the per-CPU system workqueue; system_wq, its
 * old name, is deprecated (7.x logs each work queued on it).
 */
#if TDXQ_KERNEL_SINCE(6, 17)
#define tdxq_system_wq		system_percpu_wq
#else
#define tdxq_system_wq		system_wq
#endif

#endif /* TDXQ_COMPAT_H */
