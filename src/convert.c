// SPDX-License-Identifier: GPL-2.0
/*
 * Private<->shared conversion of a buffer's pages, through their linear-map
 * address, with the leaks it may cause bounded.
 *
 * Conversions go in naturally aligned pieces of at most 2 MiB: before 6.7
 * the kernel fails a conversion whose MapGPA the host answered RETRY, and
 * KVM does so after each 2 MiB whenever the vCPU has an event pending. A
 * piece whose conversion failed is in an unknown state and is leaked on
 * purpose; once leaks pass leak_max_bytes no new buffer is converted, so
 * a host cannot drain guest memory through failures.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/sizes.h>

#include "tdxq.h"
#include "tdxq_trace.h"

#define TDXQ_CONVERT_MAX	SZ_2M	/* largest conversion in one call */

/**
 * tdxq_check_leak_budget() - may a new buffer still be converted?
 *
 * Return: 0, or -ENOBUFS once the host's failed conversions leaked
 * leak_max_bytes (said once in the kernel log).
 */
int tdxq_check_leak_budget(void)
{
	if (tdxq_stat_read(leaked_bytes) >= tdxq_cfg.leak_max_bytes) {
		pr_err_once("the host's failed conversions leaked %lld bytes (leak_max_bytes %lu): no more buffers are converted; requests that need a new one fail with ENOBUFS\n",
			    tdxq_stat_read(leaked_bytes), tdxq_cfg.leak_max_bytes);
		return -ENOBUFS;
	}
	return 0;
}

/* Bytes from @va to the end of its naturally aligned 2 MiB, at most @left. */
static size_t tdxq_piece_len(void *va, size_t left)
{
	phys_addr_t pa = __pa(va);

	return min_t(size_t, left,
		     TDXQ_CONVERT_MAX - (pa & (TDXQ_CONVERT_MAX - 1)));
}

/* Pages whose conversion failed: in an unknown state, never to be touched. */
static void tdxq_leak(size_t len, bool to_shared, int err)
{
	pr_err_ratelimited("converting %zu bytes %s failed (%d); leaking them\n",
			   len, to_shared ? "to shared" : "back to private", err);
	tdxq_stat_add(leaked_bytes, len);
}

/**
 * tdxq_unshare_free() - convert pages back to private and free them
 * @va: start of pages from tdxq_alloc_pages(), shared
 * @len: bytes, a multiple of PAGE_SIZE
 * @contig: as tdxq_alloc_pages() set it
 * @id: the request that used them last, for the trace
 *
 * Converts [@va, @va + @len) back piece by piece and frees each piece that
 * made it; a piece that did not is leaked (counted in leaked_bytes).
 * Return: true if all of it made it.
 */
bool tdxq_unshare_free(void *va, size_t len, bool contig, u64 id)
{
	bool all = true;
	size_t off, n;
	int ret;

	for (off = 0; off < len; off += n) {
		n = tdxq_piece_len(va + off, len - off);
		ret = tdxq_host->set_private(va + off, n >> PAGE_SHIFT);
		trace_tdxq_convert(id, __pa(va + off), n, false, ret);
		if (ret) {
			tdxq_leak(n, false, ret);
			all = false;
		} else {
			tdxq_free_pages(va + off, n, contig);
		}
	}
	return all;
}

/**
 * tdxq_share() - convert pages to shared
 * @va: start of pages from tdxq_alloc_pages(), private
 * @len: bytes, a multiple of PAGE_SIZE
 * @contig: as tdxq_alloc_pages() set it
 * @id: the request they are for, for the trace
 *
 * Converts [@va, @va + @len) piece by piece. When a piece fails it is
 * leaked, the pieces before it go back to private and are freed, the ones
 * after it (never converted) are freed.
 * Return: 0, or the host's error; then the caller holds none of the pages.
 */
int tdxq_share(void *va, size_t len, bool contig, u64 id)
{
	size_t off, n;
	int ret;

	for (off = 0; off < len; off += n) {
		n = tdxq_piece_len(va + off, len - off);
		ret = tdxq_host->set_shared(va + off, n >> PAGE_SHIFT);
		trace_tdxq_convert(id, __pa(va + off), n, true, ret);
		if (ret) {
			tdxq_leak(n, true, ret);
			tdxq_unshare_free(va, off, contig, id);
			tdxq_free_pages(va + off + n, len - off - n, contig);
			return ret;
		}
	}
	return 0;
}
