// SPDX-License-Identifier: GPL-2.0
/*
 * Physically contiguous pages for shared buffers: the host reads and
 * writes a buffer as one GPA range.
 *
 * Up to the buddy allocator's largest order they come from
 * alloc_pages_exact(); beyond it from alloc_contig_range() on a range this
 * file finds itself (alloc_contig_pages() is not exported), 4 MiB at a
 * time, giving up at the caller's deadline or on a signal.
 */
#include <linux/gfp.h>
#include <linux/hugetlb.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>

#include "tdxq.h"
#include "tdxq_compat.h"

#if TDXQ_HAVE_CONTIG_ALLOC
/*
 * As the kernel's pfn_range_valid_contig(): every page online, in @zone,
 * not reserved, and not hugetlb (a huge page would fail the attempt only
 * after alloc_contig_range() isolated the range).
 */
static bool tdxq_range_usable(struct zone *zone, unsigned long pfn,
			      unsigned long nr_pages)
{
	unsigned long end = pfn + nr_pages;
	struct page *page;

	for (; pfn < end; pfn++) {
		page = pfn_to_online_page(pfn);
		if (!page || page_zone(page) != zone || PageReserved(page) ||
		    PageHuge(page))
			return false;
	}
	return true;
}

/*
 * Take [pfn, pfn + nr_pages) with alloc_contig_range(), one largest buddy
 * block (4 MiB) at a time: migrating a whole 64 MiB window can take many
 * seconds (16 s under TCG on a debug kernel), so the caller's deadline and
 * signals are checked between blocks. Adjacent blocks make one range.
 * Return: 0, -ETIMEDOUT or -ERESTARTSYS (the caller gave up), or another
 * error (the range is not to be had); on error nothing is held.
 */
static int tdxq_take_range(unsigned long pfn, unsigned long nr_pages,
			   ktime_t deadline)
{
	unsigned long done, n;
	int ret;

	for (done = 0; done < nr_pages; done += n) {
		n = min_t(unsigned long, nr_pages - done, MAX_ORDER_NR_PAGES);
		ret = tdxq_caller_gone(deadline);
		if (!ret)
			ret = tdxq_alloc_contig_range(pfn + done, pfn + done + n,
						      GFP_KERNEL | __GFP_NOWARN);
		if (ret) {
			if (done)
				free_contig_range(pfn, done);
			return ret;
		}
	}
	return 0;
}

/*
 * Find and take nr_pages contiguous pages, from ZONE_NORMAL down: a shared
 * buffer is unmovable while it lives, so ZONE_MOVABLE is no place for it.
 * As alloc_contig_pages(), the windows are aligned to their size, so each
 * range is tried once.
 */
static struct page *tdxq_alloc_contig(unsigned long nr_pages,
				      ktime_t deadline, int *err)
{
	const unsigned long stride = roundup_pow_of_two(nr_pages);
	unsigned long pfn;
	struct zone *zone;
	int nid, zi;

	for_each_online_node(nid) {
		for (zi = ZONE_NORMAL; zi >= 0; zi--) {
			zone = &NODE_DATA(nid)->node_zones[zi];
			if (!populated_zone(zone))
				continue;
			for (pfn = ALIGN(zone->zone_start_pfn, stride);
			     zone_spans_pfn(zone, pfn + nr_pages - 1);
			     pfn += stride) {
				if (tdxq_range_usable(zone, pfn, nr_pages)) {
					*err = tdxq_take_range(pfn, nr_pages,
							       deadline);
					if (!*err)
						return pfn_to_page(pfn);
				} else {
					*err = tdxq_caller_gone(deadline);
				}
				if (*err == -ETIMEDOUT || *err == -ERESTARTSYS)
					return NULL;
				cond_resched();
			}
		}
	}
	*err = -ENOMEM;
	return NULL;
}
#endif

/**
 * tdxq_alloc_pages() - physically contiguous pages for a buffer
 * @len: bytes, a multiple of PAGE_SIZE
 * @deadline: the caller's; a search for contiguous memory stops there
 * @contig: set when the pages came from alloc_contig_range(), not the
 *	buddy allocator (tdxq_free_pages() needs to know)
 * @err: set on failure
 *
 * The buddy allocator up to its largest block; beyond it, or when
 * fragmentation defeats it, a search of the online zones.
 * Return: the linear-map address, or NULL with *@err set: -ENOMEM, or
 * -ETIMEDOUT / -ERESTARTSYS when the deadline passed or a signal came
 * while searching.
 */
void *tdxq_alloc_pages(size_t len, ktime_t deadline, bool *contig, int *err)
{
	void *va = NULL;

	*contig = false;
	*err = -ENOMEM;
	if (len <= TDXQ_BUDDY_MAX_BYTES)
		va = alloc_pages_exact(len, GFP_KERNEL | __GFP_NOWARN);
#if TDXQ_HAVE_CONTIG_ALLOC
	/* Beyond the buddy limit, or when fragmentation defeats it. */
	if (!va) {
		struct page *page = tdxq_alloc_contig(len >> PAGE_SHIFT,
						      deadline, err);

		if (page) {
			*contig = true;
			va = page_address(page);
		}
	}
#endif
	return va;
}

/**
 * tdxq_free_pages() - free pages from tdxq_alloc_pages()
 * @va: start, page-aligned, within what tdxq_alloc_pages() gave
 * @len: bytes, a multiple of PAGE_SIZE; 0 frees nothing
 * @contig: as tdxq_alloc_pages() set it
 *
 * Frees [@va, @va + @len): all or part of one allocation.
 */
void tdxq_free_pages(void *va, size_t len, bool contig)
{
	if (!len)
		return;
#if TDXQ_HAVE_CONTIG_ALLOC
	if (contig) {
		free_contig_range(PFN_DOWN(__pa(va)), len >> PAGE_SHIFT);
		return;
	}
#endif
	free_pages_exact(va, len);
}
