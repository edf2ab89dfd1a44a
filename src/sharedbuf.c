// SPDX-License-Identifier: GPL-2.0
/*
 * The life of a shared buffer: made of contiguous pages (contig.c) and
 * converted to shared (convert.c) in a size class, handed to a request
 * zeroed, pooled so that a steady stream of quotes converts nothing,
 * quarantined while the host still owns it after its request gave up, and
 * converted back and freed when idle, over the pool's cap, or at unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "tdxq.h"
#include "tdxq_compat.h"
#include "tdxq_ghci.h"
#include "tdxq_trace.h"

#define TDXQ_MIN_BUF_LEN	SZ_16K
#define TDXQ_REAP_PERIOD	HZ
#define TDXQ_REUSE_SLACK	4	/* reuse buffers up to 4x the size needed */

static DEFINE_SPINLOCK(tdxq_pool_lock);
static LIST_HEAD(tdxq_pool);		/* free, shared, ready for reuse */
static LIST_HEAD(tdxq_quarantine);	/* still owned by the host */
static size_t tdxq_pool_bytes;

static void tdxq_reap_fn(struct work_struct *work);
static void tdxq_trim_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(tdxq_reap_work, tdxq_reap_fn);
static DECLARE_DELAYED_WORK(tdxq_trim_work, tdxq_trim_fn);

/**
 * tdxq_buf_len_for() - shared buffer size for a payload
 * @payload: bytes after the GetQuote header
 *
 * Sizes come in classes so that buffers are reusable: powers of two from
 * 16 KiB up to the buddy limit, then whole MiB.
 * Return: buffer length in bytes, a multiple of the GetQuote alignment.
 */
size_t tdxq_buf_len_for(size_t payload)
{
	size_t need = payload + GET_QUOTE_HDR_LEN;

	if (need <= TDXQ_MIN_BUF_LEN)
		return TDXQ_MIN_BUF_LEN;
	if (need <= TDXQ_BUDDY_MAX_BYTES)
		return roundup_pow_of_two(need);
	return ALIGN(need, SZ_1M);
}

static struct tdxq_buf *tdxq_buf_alloc(size_t len, ktime_t deadline, u64 id)
{
	struct tdxq_buf *buf;
	int ret;

	ret = tdxq_check_leak_budget();
	if (ret)
		return ERR_PTR(ret);
	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	buf->len = len;
	buf->va = tdxq_alloc_pages(len, deadline, &buf->contig, &ret);
	if (!buf->va) {
		kfree(buf);
		return ERR_PTR(ret);
	}
	ret = tdxq_share(buf->va, len, buf->contig, id);
	if (ret) {
		kfree(buf);
		return ERR_PTR(-ENOMEM);
	}
	tdxq_stat_inc(conversions_shared);
	buf->gpa = tdxq_host->shared_gpa(__pa(buf->va));
	return buf;
}

/* Give a buffer the host no longer owns back to the page allocator. */
static void tdxq_buf_release(struct tdxq_buf *buf)
{
	if (tdxq_unshare_free(buf->va, buf->len, buf->contig, buf->req))
		tdxq_stat_inc(conversions_private);
	kfree(buf);
}

/**
 * tdxq_buf_get() - take a zeroed shared buffer of at least @len bytes
 * @id: the request's id (tdxq_trace_new_id()), for the trace events
 * @len: bytes needed, header included
 * @deadline: the caller's; a search for contiguous memory stops there
 *
 * Reuses the smallest pooled buffer that fits (and is not much bigger), or
 * allocates and converts a new one of exactly @len bytes. The first @len
 * bytes, all that the request hands to the host, are zeroed.
 * Return: the buffer, or ERR_PTR(): -ENOMEM no memory or a failed
 * conversion, -ENOBUFS conversions stopped (leak_max_bytes), -ETIMEDOUT
 * the deadline passed or -ERESTARTSYS a signal came while searching.
 */
struct tdxq_buf *tdxq_buf_get(u64 id, size_t len, ktime_t deadline)
{
	struct tdxq_buf *buf, *best = NULL;
	ktime_t start = 0;

	spin_lock(&tdxq_pool_lock);
	list_for_each_entry(buf, &tdxq_pool, node) {
		/* Not a big buffer for a small request: it would be zeroed. */
		if (buf->len >= len && buf->len / TDXQ_REUSE_SLACK <= len &&
		    (!best || buf->len < best->len))
			best = buf;
	}
	if (best) {
		list_del(&best->node);
		tdxq_pool_bytes -= best->len;
		tdxq_stat_sub(pooled_bytes, best->len);
	}
	spin_unlock(&tdxq_pool_lock);

	if (best) {
		trace_tdxq_buf_get(id, len, best->len, true, 0, 0);
	} else {
		/* Allocating and converting may take a while: say how long. */
		if (trace_tdxq_buf_get_enabled())
			start = ktime_get();
		best = tdxq_buf_alloc(len, deadline, id);
		trace_tdxq_buf_get(id, len, IS_ERR(best) ? 0 : best->len, false,
				   start, PTR_ERR_OR_ZERO(best));
	}
	if (!IS_ERR(best)) {
		best->req = id;
		best->size = len;
		memset(best->va, 0, len);
	}
	return best;
}

/**
 * tdxq_buf_put() - return a buffer the host no longer owns to the pool
 * @buf: buffer from tdxq_buf_get()
 *
 * The pool keeps the most recently used buffers: to stay within
 * pool_max_bytes it converts back and frees the least recently used ones
 * (or @buf itself if it alone is over the cap). Large buffers are trimmed
 * later when idle.
 */
void tdxq_buf_put(struct tdxq_buf *buf)
{
	bool large = buf->len > tdxq_cfg.pool_keep_bytes;
	struct tdxq_buf *old, *tmp;
	LIST_HEAD(evict);

	if (buf->len > tdxq_cfg.pool_max_bytes) {
		tdxq_buf_release(buf);
		return;
	}

	spin_lock(&tdxq_pool_lock);
	buf->idle_since = jiffies;
	list_add(&buf->node, &tdxq_pool);
	tdxq_pool_bytes += buf->len;
	tdxq_stat_add(pooled_bytes, buf->len);
	while (tdxq_pool_bytes > tdxq_cfg.pool_max_bytes) {
		old = list_last_entry(&tdxq_pool, struct tdxq_buf, node);
		list_move(&old->node, &evict);
		tdxq_pool_bytes -= old->len;
		tdxq_stat_sub(pooled_bytes, old->len);
	}
	spin_unlock(&tdxq_pool_lock);

	list_for_each_entry_safe(old, tmp, &evict, node) {
		list_del(&old->node);
		tdxq_buf_release(old);
	}
	if (large && !delayed_work_pending(&tdxq_trim_work))
		schedule_delayed_work(&tdxq_trim_work,
				      msecs_to_jiffies(tdxq_cfg.pool_idle_ms));
}

/**
 * tdxq_buf_quarantine() - hold back a buffer the host still owns
 * @buf: buffer whose request timed out or was interrupted
 *
 * It stays out of the pool until its status leaves IN_FLIGHT. It keeps the
 * request's slot until then (tdxq_quote_slot_put()), so host-owned buffers
 * never number more than max_inflight.
 */
void tdxq_buf_quarantine(struct tdxq_buf *buf)
{
	buf->quarantined_at = ktime_get();
	spin_lock(&tdxq_pool_lock);
	/* Counted before the reaper can see it, so never below zero. */
	tdxq_stat_inc(quarantined);
	list_add_tail(&buf->node, &tdxq_quarantine);
	spin_unlock(&tdxq_pool_lock);
	queue_delayed_work(tdxq_system_wq, &tdxq_reap_work, TDXQ_REAP_PERIOD);
}

/**
 * tdxq_sharedbuf_kick() - look at the quarantine now
 *
 * Called from the notify interrupt: a completion may have freed a buffer.
 */
void tdxq_sharedbuf_kick(void)
{
	if (tdxq_stat_read(quarantined))
		mod_delayed_work(tdxq_system_wq, &tdxq_reap_work, 0);
}

static bool tdxq_host_owns(struct tdxq_buf *buf)
{
	struct tdx_quote_buf_hdr *hdr = buf->va;

	return READ_ONCE(hdr->status) == GET_QUOTE_IN_FLIGHT;
}

static void tdxq_trace_quarantine_out(struct tdxq_buf *buf, bool leaked)
{
	struct tdx_quote_buf_hdr *hdr = buf->va;

	if (trace_tdxq_quarantine_out_enabled())
		trace_tdxq_quarantine_out(buf->req, buf->len,
					  READ_ONCE(hdr->status),
					  buf->quarantined_at, leaked);
}

static void tdxq_reap_fn(struct work_struct *work)
{
	struct tdxq_buf *buf, *tmp;
	LIST_HEAD(done);
	bool more;

	spin_lock(&tdxq_pool_lock);
	list_for_each_entry_safe(buf, tmp, &tdxq_quarantine, node) {
		if (!tdxq_host_owns(buf))
			list_move(&buf->node, &done);
	}
	more = !list_empty(&tdxq_quarantine);
	spin_unlock(&tdxq_pool_lock);

	list_for_each_entry_safe(buf, tmp, &done, node) {
		list_del(&buf->node);
		tdxq_trace_quarantine_out(buf, false);
		tdxq_buf_put(buf);
		/* Only now: quarantined 0 means the buffers are back. */
		tdxq_stat_dec(quarantined);
		/* The host let go: its request slot is free again. */
		tdxq_quote_slot_put();
	}
	if (more)
		queue_delayed_work(tdxq_system_wq, &tdxq_reap_work, TDXQ_REAP_PERIOD);
}

static void tdxq_trim_fn(struct work_struct *work)
{
	unsigned long idle = msecs_to_jiffies(tdxq_cfg.pool_idle_ms);
	unsigned long next = 0;
	struct tdxq_buf *buf, *tmp;
	LIST_HEAD(done);

	spin_lock(&tdxq_pool_lock);
	list_for_each_entry_safe(buf, tmp, &tdxq_pool, node) {
		if (buf->len <= tdxq_cfg.pool_keep_bytes)
			continue;
		if (time_after_eq(jiffies, buf->idle_since + idle)) {
			list_move(&buf->node, &done);
			tdxq_pool_bytes -= buf->len;
			tdxq_stat_sub(pooled_bytes, buf->len);
		} else if (!next || time_before(buf->idle_since + idle, next)) {
			next = buf->idle_since + idle;
		}
	}
	spin_unlock(&tdxq_pool_lock);

	list_for_each_entry_safe(buf, tmp, &done, node) {
		list_del(&buf->node);
		tdxq_buf_release(buf);
	}
	if (next)
		mod_delayed_work(tdxq_system_wq, &tdxq_trim_work,
				 max_t(long, next - jiffies, 1));
}

/**
 * tdxq_sharedbuf_exit() - give back every buffer at unload
 *
 * Pooled buffers are converted back and freed. Quarantined ones the host
 * still owns are leaked, with a warning: the host may write them any time.
 */
void tdxq_sharedbuf_exit(void)
{
	struct tdxq_buf *buf, *tmp;
	size_t leaked = 0;
	bool owned;

	cancel_delayed_work_sync(&tdxq_reap_work);
	cancel_delayed_work_sync(&tdxq_trim_work);

	list_for_each_entry_safe(buf, tmp, &tdxq_quarantine, node) {
		list_del(&buf->node);
		tdxq_stat_dec(quarantined);
		owned = tdxq_host_owns(buf);
		tdxq_trace_quarantine_out(buf, owned);
		if (owned) {
			leaked += buf->len;
			tdxq_stat_add(leaked_bytes, buf->len);
			kfree(buf);
			continue;
		}
		tdxq_buf_release(buf);
	}
	list_for_each_entry_safe(buf, tmp, &tdxq_pool, node) {
		list_del(&buf->node);
		tdxq_pool_bytes -= buf->len;
		tdxq_stat_sub(pooled_bytes, buf->len);
		tdxq_buf_release(buf);
	}
	if (leaked)
		pr_warn("host still owns %zu bytes of shared buffers; leaving them allocated\n",
			leaked);
}
