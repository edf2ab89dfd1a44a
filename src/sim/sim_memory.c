// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_quote_sim: guest memory as the VMM sees it. The host reaches the
 * guest only through guest-physical addresses (sim_gpa_*()), and only
 * where the guest converted the pages to shared. Conversions come through
 * the host ops set_shared/set_private, as TDX's MapGPA: this file keeps
 * the shared ranges (merged when adjacent, split when part of one goes
 * back) and the ranges whose conversion failed, which the guest must never
 * use or free again. Every misuse is a protocol violation.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/set_memory.h>
#include <linux/slab.h>

#include "tdxq_ghci.h"
#include "sim.h"

/* A range of pages the guest converted to shared. */
struct sim_range {
	struct list_head node;
	unsigned long pfn;
	unsigned long nr;
};

static LIST_HEAD(sim_shared);
static LIST_HEAD(sim_leaked);	/* ranges whose conversion failed */

/* ---- guest memory, seen through guest-physical addresses ---- */

void sim_gpa_copy(u64 pa, void *buf, size_t len, bool to_guest)
{
	while (len) {
		size_t off = offset_in_page(pa);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);
		void *va = kmap_local_page(pfn_to_page(PHYS_PFN(pa)));

		if (to_guest)
			memcpy(va + off, buf, n);
		else
			memcpy(buf, va + off, n);
		kunmap_local(va);
		pa += n;
		buf += n;
		len -= n;
	}
}

void sim_gpa_write_status(u64 pa, u64 status)
{
	u64 *va = kmap_local_page(pfn_to_page(PHYS_PFN(pa)));

	WRITE_ONCE(va[offsetof(struct tdx_quote_buf_hdr, status) / 8], status);
	kunmap_local(va);
}

void sim_gpa_write_out_len(u64 pa, u32 out_len)
{
	u32 *va = kmap_local_page(pfn_to_page(PHYS_PFN(pa)));

	WRITE_ONCE(va[offsetof(struct tdx_quote_buf_hdr, out_len) / 4], out_len);
	kunmap_local(va);
}

/* Host garbage, SIM_JUNK over and over, in @len bytes from @pa. */
#define SIM_JUNK	"HOSTJUNK"

void sim_gpa_junk(u64 pa, size_t len)
{
	size_t i = 0, j;

	while (len) {
		size_t off = offset_in_page(pa);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);
		u8 *va = kmap_local_page(pfn_to_page(PHYS_PFN(pa)));

		for (j = 0; j < n; j++, i++)
			va[off + j] = SIM_JUNK[i % (sizeof(SIM_JUNK) - 1)];
		kunmap_local(va);
		pa += n;
		len -= n;
	}
}

/* Is [pa, pa + len) all zero? */
bool sim_gpa_zero(u64 pa, size_t len)
{
	bool zero = true;

	while (len && zero) {
		size_t off = offset_in_page(pa);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);
		u8 *va = kmap_local_page(pfn_to_page(PHYS_PFN(pa)));

		zero = !memchr_inv(va + off, 0, n);
		kunmap_local(va);
		pa += n;
		len -= n;
	}
	return zero;
}

/* The shared range that holds all of [pfn, pfn + nr), or NULL. */
static struct sim_range *sim_shared_range(unsigned long pfn, unsigned long nr)
{
	struct sim_range *r;

	list_for_each_entry(r, &sim_shared, node) {
		if (pfn >= r->pfn && pfn + nr <= r->pfn + r->nr)
			return r;
	}
	return NULL;
}

/*
 * Is [pa, pa + size) shared? Adjacent shared ranges are merged (the guest
 * converts in pieces), so one range holds it if it is.
 */
bool sim_is_shared(u64 pa, u64 size)
{
	return sim_shared_range(PHYS_PFN(pa), size >> PAGE_SHIFT);
}

/* Add @new to the shared ranges, merged with the ones it touches. */
static void sim_shared_add(struct sim_range *new)
{
	struct sim_range *r, *tmp;

	list_for_each_entry_safe(r, tmp, &sim_shared, node) {
		if (r->pfn + r->nr == new->pfn || new->pfn + new->nr == r->pfn) {
			new->pfn = min(new->pfn, r->pfn);
			new->nr += r->nr;
			list_del(&r->node);
			kfree(r);
		}
	}
	list_add(&new->node, &sim_shared);
}

/*
 * Take [pfn, pfn + nr) out of the shared range @r that holds it: what is
 * left of @r on either side stays shared. Under sim_lock.
 * Return: a range for the pages taken out (@r itself when nothing is left
 * of it), or NULL without memory.
 */
static struct sim_range *sim_shared_cut(struct sim_range *r, unsigned long pfn,
					unsigned long nr)
{
	unsigned long end = r->pfn + r->nr;
	bool middle = pfn > r->pfn && pfn + nr < end;
	struct sim_range *cut, *tail = NULL;

	if (r->pfn == pfn && r->nr == nr) {
		list_del(&r->node);
		return r;
	}
	cut = kzalloc(sizeof(*cut), GFP_KERNEL);
	if (middle)
		tail = kzalloc(sizeof(*tail), GFP_KERNEL);
	if (!cut || (middle && !tail)) {
		kfree(cut);
		kfree(tail);
		return NULL;
	}
	cut->pfn = pfn;
	cut->nr = nr;
	if (pfn == r->pfn) {
		r->pfn += nr;
		r->nr -= nr;
		return cut;
	}
	r->nr = pfn - r->pfn;
	if (middle) {
		tail->pfn = pfn + nr;
		tail->nr = end - tail->pfn;
		list_add(&tail->node, &sim_shared);
	}
	return cut;
}

bool sim_is_leaked(unsigned long pfn, unsigned long nr)
{
	struct sim_range *r;

	list_for_each_entry(r, &sim_leaked, node) {
		if (pfn < r->pfn + r->nr && r->pfn < pfn + nr)
			return true;
	}
	return false;
}

/* Is every page of [pa, pa + size) still allocated, not freed? */
bool sim_pages_live(u64 pa, u64 size)
{
	unsigned long pfn = PHYS_PFN(pa), nr = size >> PAGE_SHIFT;

	for (; nr; nr--, pfn++) {
		if (!page_ref_count(pfn_to_page(pfn)))
			return false;
	}
	return true;
}

/* May the host write [pa, pa + size): still shared and not freed? */
bool sim_writable(u64 pa, u64 size)
{
	return sim_is_shared(pa, size) && sim_pages_live(pa, size);
}

int sim_set_shared(void *va, unsigned long nr_pages)
{
	struct sim_range *r;
	bool failed = false;
	int ret;

	/* TDX converts through __pa(): only the linear map works. */
	if (!nr_pages || !virt_addr_valid(va) ||
	    !virt_addr_valid(va + (nr_pages << PAGE_SHIFT) - 1)) {
		mutex_lock(&sim_lock);
		sim_count.conv_rejects++;
		mutex_unlock(&sim_lock);
		return -EFAULT;
	}
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r) {
		/*
		 * A host that failed part way: the pages' state is unknown and
		 * the guest must never free them. The range is recorded (this
		 * allocation cannot fail) so that leaked_freed can tell.
		 */
		r = kzalloc(sizeof(*r), GFP_KERNEL | __GFP_NOFAIL);
		failed = true;
	}
	r->pfn = PHYS_PFN(__pa(va));
	r->nr = nr_pages;

	mutex_lock(&sim_lock);
	if (sim_is_leaked(r->pfn, nr_pages)) {
		sim_count.violations++;
		sim_protocol_warn("guest converted pages again whose conversion had failed (pfn %#lx)\n",
				  r->pfn);
	}
	mutex_unlock(&sim_lock);

	if (failed || sim_conv_fault(true, nr_pages)) {
		/* Unknown state now: the guest must never use or free them. */
		mutex_lock(&sim_lock);
		list_add(&r->node, &sim_leaked);
		sim_count.leaked_bytes += nr_pages << PAGE_SHIFT;
		if (!failed)
			sim_count.conv_failures++;
		mutex_unlock(&sim_lock);
		return failed ? -ENOMEM : -EIO;
	}
	ret = set_memory_decrypted((unsigned long)va, nr_pages);
	if (ret) {
		kfree(r);
		return ret;
	}
	mutex_lock(&sim_lock);
	sim_shared_add(r);
	sim_count.shared_bytes += nr_pages << PAGE_SHIFT;
	sim_count.shared_max = max(sim_count.shared_max, sim_count.shared_bytes);
	mutex_unlock(&sim_lock);
	return 0;
}

int sim_set_private(void *va, unsigned long nr_pages)
{
	unsigned long pfn = PHYS_PFN(__pa(va));
	struct sim_range *r, *found = NULL;
	bool fail;

	fail = sim_conv_fault(false, nr_pages);
	mutex_lock(&sim_lock);
	r = sim_shared_range(pfn, nr_pages);
	if (r) {
		if (sim_in_flight(PFN_PHYS(pfn), nr_pages << PAGE_SHIFT)) {
			sim_count.violations++;
			sim_protocol_warn("guest converted back a buffer whose GetQuote is in flight (pfn %#lx)\n",
					  pfn);
		}
		found = sim_shared_cut(r, pfn, nr_pages);
		if (!found) {
			mutex_unlock(&sim_lock);
			return -ENOMEM;
		}
		sim_count.shared_bytes -= nr_pages << PAGE_SHIFT;
		if (fail) {
			/* Still shared as far as anyone knows: never to be freed. */
			list_add(&found->node, &sim_leaked);
			sim_count.leaked_bytes += nr_pages << PAGE_SHIFT;
			sim_count.conv_failures++;
		}
	} else {
		sim_count.violations++;
	}
	mutex_unlock(&sim_lock);
	if (!found) {
		sim_protocol_warn("guest converted back pages it never shared (pfn %#lx, %lu pages)\n",
				  pfn, nr_pages);
		return -EINVAL;
	}
	if (fail)
		return -EIO;
	kfree(found);
	return set_memory_encrypted((unsigned long)va, nr_pages);
}

u64 sim_shared_gpa(phys_addr_t pa)
{
	return pa | SIM_SHARED_BIT;
}

u64 sim_leaked_freed_pages(void)
{
	struct sim_range *r;
	unsigned long i;
	u64 n = 0;

	list_for_each_entry(r, &sim_leaked, node) {
		for (i = 0; i < r->nr; i++) {
			if (!page_ref_count(pfn_to_page(r->pfn + i)))
				n++;
		}
	}
	return n;
}

void sim_memory_exit(void)
{
	struct sim_range *r, *tmp;

	list_for_each_entry_safe(r, tmp, &sim_shared, node) {
		list_del(&r->node);
		kfree(r);
	}
	list_for_each_entry_safe(r, tmp, &sim_leaked, node) {
		list_del(&r->node);
		kfree(r);
	}
}
