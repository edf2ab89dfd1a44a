/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces between the parts of tdx_quote.ko: main (parameters,
 * host choice), contig, convert, sharedbuf, notify, slots, quote, dev,
 * compat, measure, stats, tsm, trace, host_tdx.
 */
#ifndef TDXQ_H
#define TDXQ_H

#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <linux/wait.h>

#include <uapi/linux/tdx_quote.h>

#include "tdxq_host.h"

struct attribute_group;

/* ---- module parameters (main.c) ---- */

/**
 * struct tdxq_config - module parameters as the parts use them
 * @max_quote_size: largest shared buffer, bytes
 * @max_inflight: requests in flight at once
 * @timeout_ms: default request timeout
 * @pool_max_bytes: shared bytes the pool may keep
 * @pool_keep_bytes: buffers up to this size are kept when idle
 * @pool_idle_ms: larger buffers are given back after this idle time
 * @recheck_ms: longest sleep between status checks (both modes)
 * @poll_start_us: first polling interval in polling mode
 * @initial_buf_len: first shared buffer size if the host advertises none
 * @notify_cpu: preferred CPU for the event-notify vector
 * @use_irq: use the event-notify interrupt when the host supports it
 * @compat_dev: TDXQ_COMPAT_DEV_*: create /dev/tdx_guest?
 * @leak_max_bytes: once the host's failed conversions leaked this much,
 *	no new buffer is converted
 */
struct tdxq_config {
	unsigned long max_quote_size;
	unsigned int max_inflight;
	unsigned int timeout_ms;
	unsigned long pool_max_bytes;
	unsigned long pool_keep_bytes;
	unsigned int pool_idle_ms;
	unsigned int recheck_ms;
	unsigned int poll_start_us;
	unsigned long initial_buf_len;
	int notify_cpu;
	bool use_irq;
	int compat_dev;
	unsigned long leak_max_bytes;
};

#define TDXQ_COMPAT_DEV_OFF	0
#define TDXQ_COMPAT_DEV_ON	1
#define TDXQ_COMPAT_DEV_AUTO	2	/* if no other driver holds the name */

/*
 * Largest max_quote_size: out_len and the clients' lengths are 32 bits, so
 * a buffer of 4 GiB or more could never be filled.
 */
#define TDXQ_MAX_QUOTE_SIZE_LIMIT	(SZ_4G - PAGE_SIZE)

extern struct tdxq_config tdxq_cfg;
extern const struct tdxq_host_ops *tdxq_host;

/* ---- counters (stats.c) ---- */

/*
 * Counters are the fields of struct tdx_quote_stats, kept as atomics in
 * uapi order: tdxq_stat_inc(requests) counts stats.requests.
 */
#define TDXQ_NR_STATS		(sizeof(struct tdx_quote_stats) / sizeof(__u64))
#define TDXQ_STAT_IDX(field)	(offsetof(struct tdx_quote_stats, field) / sizeof(__u64))

extern atomic64_t tdxq_counters[TDXQ_NR_STATS];

#define tdxq_stat(field)		(&tdxq_counters[TDXQ_STAT_IDX(field)])
#define tdxq_stat_read(field)		atomic64_read(tdxq_stat(field))
#define tdxq_stat_inc(field)		atomic64_inc(tdxq_stat(field))
#define tdxq_stat_dec(field)		atomic64_dec(tdxq_stat(field))
#define tdxq_stat_add(field, v)		atomic64_add((v), tdxq_stat(field))
#define tdxq_stat_sub(field, v)		atomic64_sub((v), tdxq_stat(field))

extern const struct attribute_group *tdxq_stats_groups[];

void tdxq_stats_init(void);
void tdxq_stats_fill(struct tdx_quote_info *info);

/* ---- physically contiguous pages (contig.c) ---- */

void *tdxq_alloc_pages(size_t len, ktime_t deadline, bool *contig, int *err);
void tdxq_free_pages(void *va, size_t len, bool contig);

/* ---- private<->shared conversion, leak budget (convert.c) ---- */

int tdxq_check_leak_budget(void);
int tdxq_share(void *va, size_t len, bool contig, u64 id);
bool tdxq_unshare_free(void *va, size_t len, bool contig, u64 id);

/* ---- shared buffers: pool, quarantine (sharedbuf.c) ---- */

/**
 * struct tdxq_buf - a physically contiguous buffer shared with the host
 * @node: pool or quarantine list
 * @va: linear-map address
 * @len: bytes, a multiple of PAGE_SIZE
 * @size: bytes the current request hands to the host, at most @len
 * @gpa: shared guest-physical address handed to the host
 * @contig: allocated with alloc_contig_range(), not the buddy allocator
 * @idle_since: jiffies when it entered the pool
 * @req: id of the request that used it last (trace events)
 * @quarantined_at: when it entered the quarantine
 */
struct tdxq_buf {
	struct list_head node;
	void *va;
	size_t len;
	size_t size;
	u64 gpa;
	bool contig;
	unsigned long idle_since;
	u64 req;
	ktime_t quarantined_at;
};

void tdxq_sharedbuf_exit(void);
struct tdxq_buf *tdxq_buf_get(u64 id, size_t len, ktime_t deadline);
void tdxq_buf_put(struct tdxq_buf *buf);
void tdxq_buf_quarantine(struct tdxq_buf *buf);
void tdxq_sharedbuf_kick(void);
size_t tdxq_buf_len_for(size_t payload);

/* ---- completion notification (notify.c) ---- */

extern wait_queue_head_t tdxq_notify_wq;

int tdxq_notify_init(void);
void tdxq_notify_exit(void);
bool tdxq_notify_irq_mode(void);
void tdxq_notify_fill(struct tdx_quote_info *info);

/* ---- request slots (slots.c) ---- */

int tdxq_quote_slot_get(u64 id, ktime_t deadline);
void tdxq_quote_slot_put(void);
bool tdxq_quote_irq_expected(void);

/* ---- requests (quote.c) ---- */

/**
 * struct tdxq_quote_result - outcome of one quote request
 * @quote: private copy of the quote, NULL on failure; while set, it holds
 *	the request's slot (tdxq_quote_result_release() gives both back)
 * @len: bytes in @quote; on -EFBIG the size the host asked for
 * @host_len: out_len as the host wrote it (in its own framing)
 * @host_status: last GetQuote status word read from the buffer
 * @vmcall_status: last TDVMCALL status of GetQuote
 * @buf_len: size of the shared buffer used last
 * @quarantined: the last buffer stayed with the host, and with it the slot
 * @id: the request's id in the trace events
 */
struct tdxq_quote_result {
	void *quote;
	size_t len;
	size_t host_len;
	u64 host_status;
	u64 vmcall_status;
	size_t buf_len;
	bool quarantined;
	u64 id;
};

void tdxq_quote_init(void);
int tdxq_get_report(u8 *tdreport, const u8 *reportdata);
int tdxq_caller_gone(ktime_t deadline);
int tdxq_quote_report(const u8 *tdreport, unsigned int timeout_ms,
		      struct tdxq_quote_result *res);
void tdxq_quote_result_release(struct tdxq_quote_result *res);
int tdxq_quote_framing(void);
int tdxq_get_quote(const u8 *reportdata, unsigned int timeout_ms,
		   struct tdxq_quote_result *res);
size_t tdxq_quote_next_buf_len(void);
u64 tdxq_quote_host_max(void);

/* ---- character devices (dev.c) and the clients' ioctls (compat.c) ---- */

int tdxq_dev_init(void);
void tdxq_dev_exit(void);
long tdxq_compat_get_quote(void __user *argp);

/* ---- measurement registers (measure.c) ---- */

extern const struct attribute_group *tdxq_mr_groups[];

int tdxq_mr_extend(unsigned int index, const u8 *data);
int tdxq_mr_read(struct tdx_quote_measurements *m);
long tdxq_ioctl_rtmr_extend(void __user *argp, size_t usize);
long tdxq_ioctl_measurements(void __user *argp, size_t usize);
long tdxq_compat_extend_rtmr(void __user *argp);

/* ---- configfs-tsm provider (tsm.c) ---- */

int tdxq_tsm_init(void);
void tdxq_tsm_exit(void);

/* ---- trace events (trace.c, tdxq_trace.h) ---- */

u64 tdxq_trace_new_id(void);

/* ---- the real TDX host (host_tdx.c) ---- */

extern const struct tdxq_host_ops tdxq_tdx_host_ops;
bool tdxq_tdx_guest_detected(void);
int tdxq_tdx_host_init(void);

#endif /* TDXQ_H */
