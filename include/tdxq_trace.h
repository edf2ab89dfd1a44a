/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tdx_quote trace events: one request's path, from the slot it waits
 * for to its answer, and what the shared buffers and the notify interrupt
 * do meanwhile. Every event of a request carries its id (tdxq_trace_new_id()):
 * filter on it to follow one request. Conversions and quarantine events
 * carry the id of the request that used the buffer last (0: none yet).
 *
 * Instantiated in src/trace.c. Off, each event is a static branch that
 * is not taken. Durations are measured when the event is recorded, from
 * a start time taken only while the event is enabled (0: it was not, and
 * the duration reads 0) or one the module keeps anyway.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM tdx_quote

#if !defined(TDXQ_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define TDXQ_TRACE_H

#include <linux/ktime.h>
#include <linux/tracepoint.h>
#include <linux/types.h>

#ifndef TDXQ_TRACE_WAKE_DEFINED
#define TDXQ_TRACE_WAKE_DEFINED
/* What ended a request's wait for the host (tdxq_complete's wake=). */
enum tdxq_wake {
	TDXQ_WAKE_AT_ONCE,	/* the status had left IN_FLIGHT before any sleep */
	TDXQ_WAKE_IRQ,		/* the notify interrupt woke the waiter */
	TDXQ_WAKE_RECHECK,	/* interrupt mode, but the re-check timer found it */
	TDXQ_WAKE_POLL,		/* polling mode: the poll timer found it */
};

/* Nanoseconds from @since to now; 0 when @since is 0 (not taken). */
static inline s64 tdxq_trace_ns_since(ktime_t since)
{
	return since ? ktime_to_ns(ktime_sub(ktime_get(), since)) : 0;
}
#endif

TRACE_DEFINE_ENUM(TDXQ_WAKE_AT_ONCE);
TRACE_DEFINE_ENUM(TDXQ_WAKE_IRQ);
TRACE_DEFINE_ENUM(TDXQ_WAKE_RECHECK);
TRACE_DEFINE_ENUM(TDXQ_WAKE_POLL);

#define tdxq_show_wake(w)					\
	__print_symbolic(w, { TDXQ_WAKE_AT_ONCE, "at_once" },	\
			 { TDXQ_WAKE_IRQ, "irq" },		\
			 { TDXQ_WAKE_RECHECK, "recheck" },	\
			 { TDXQ_WAKE_POLL, "poll" })

/* A request starts: its id and the time it may take. */
TRACE_EVENT(tdxq_request,
	    TP_PROTO(u64 id, unsigned int timeout_ms),
	    TP_ARGS(id, timeout_ms),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(unsigned int, timeout_ms)),
	    TP_fast_assign(__entry->id = id;
			   __entry->timeout_ms = timeout_ms;),
	    TP_printk("id=%llu timeout_ms=%u", __entry->id, __entry->timeout_ms)
);

/* No request slot free: the request queues (@used of @max are taken). */
TRACE_EVENT(tdxq_slot_wait,
	    TP_PROTO(u64 id, unsigned int used, unsigned int max),
	    TP_ARGS(id, used, max),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(unsigned int, used)
			     __field(unsigned int, max)),
	    TP_fast_assign(__entry->id = id;
			   __entry->used = used;
			   __entry->max = max;),
	    TP_printk("id=%llu used=%u max=%u", __entry->id, __entry->used,
		      __entry->max)
);

/* The slot wait ends: granted (ret 0) or given up; queued since @since. */
TRACE_EVENT(tdxq_slot_grant,
	    TP_PROTO(u64 id, bool queued, ktime_t since, int ret),
	    TP_ARGS(id, queued, since, ret),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(s64, wait_ns)
			     __field(int, ret)
			     __field(bool, queued)),
	    TP_fast_assign(__entry->id = id;
			   __entry->wait_ns = tdxq_trace_ns_since(since);
			   __entry->ret = ret;
			   __entry->queued = queued;),
	    TP_printk("id=%llu queued=%d wait_ns=%lld ret=%d", __entry->id,
		      __entry->queued, __entry->wait_ns, __entry->ret)
);

/*
 * A shared buffer for @size bytes: @len bytes from the pool, or newly
 * allocated and converted (get_ns: the time since @since spent on that),
 * or an error (@ret).
 */
TRACE_EVENT(tdxq_buf_get,
	    TP_PROTO(u64 id, u64 size, u64 len, bool pooled, ktime_t since,
		     int ret),
	    TP_ARGS(id, size, len, pooled, since, ret),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(u64, size)
			     __field(u64, len)
			     __field(s64, get_ns)
			     __field(int, ret)
			     __field(bool, pooled)),
	    TP_fast_assign(__entry->id = id;
			   __entry->size = size;
			   __entry->len = len;
			   __entry->get_ns = tdxq_trace_ns_since(since);
			   __entry->ret = ret;
			   __entry->pooled = pooled;),
	    TP_printk("id=%llu size=%llu len=%llu from=%s get_ns=%lld ret=%d",
		      __entry->id, __entry->size, __entry->len,
		      __entry->pooled ? "pool" : "converted", __entry->get_ns,
		      __entry->ret)
);

/* One conversion call: a piece of at most 2 MiB of a buffer. */
TRACE_EVENT(tdxq_convert,
	    TP_PROTO(u64 id, u64 pa, u64 bytes, bool to_shared, int ret),
	    TP_ARGS(id, pa, bytes, to_shared, ret),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(u64, pa)
			     __field(u64, bytes)
			     __field(int, ret)
			     __field(bool, to_shared)),
	    TP_fast_assign(__entry->id = id;
			   __entry->pa = pa;
			   __entry->bytes = bytes;
			   __entry->ret = ret;
			   __entry->to_shared = to_shared;),
	    TP_printk("id=%llu pa=%#llx bytes=%llu to=%s ret=%d", __entry->id,
		      __entry->pa, __entry->bytes,
		      __entry->to_shared ? "shared" : "private", __entry->ret)
);

/* One GetQuote TDVMCALL and the status it returned (1: RETRY). */
TRACE_EVENT(tdxq_submit,
	    TP_PROTO(u64 id, u64 gpa, u64 size, u64 vmcall_status),
	    TP_ARGS(id, gpa, size, vmcall_status),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(u64, gpa)
			     __field(u64, size)
			     __field(u64, vmcall_status)),
	    TP_fast_assign(__entry->id = id;
			   __entry->gpa = gpa;
			   __entry->size = size;
			   __entry->vmcall_status = vmcall_status;),
	    TP_printk("id=%llu gpa=%#llx size=%llu vmcall_status=%#llx",
		      __entry->id, __entry->gpa, __entry->size,
		      __entry->vmcall_status)
);

/*
 * The host let go of the buffer: its status word and out_len, the time
 * since GetQuote was accepted at @since, what woke the waiter, and the
 * module's verdict on the answer.
 */
TRACE_EVENT(tdxq_complete,
	    TP_PROTO(u64 id, u64 status, u32 out_len, ktime_t since, int wake,
		     int ret),
	    TP_ARGS(id, status, out_len, since, wake, ret),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(u64, status)
			     __field(s64, latency_ns)
			     __field(u32, out_len)
			     __field(int, wake)
			     __field(int, ret)),
	    TP_fast_assign(__entry->id = id;
			   __entry->status = status;
			   __entry->latency_ns = tdxq_trace_ns_since(since);
			   __entry->out_len = out_len;
			   __entry->wake = wake;
			   __entry->ret = ret;),
	    TP_printk("id=%llu status=%#llx out_len=%u latency_ns=%lld wake=%s ret=%d",
		      __entry->id, __entry->status, __entry->out_len,
		      __entry->latency_ns, tdxq_show_wake(__entry->wake),
		      __entry->ret)
);

/* The caller gave up (@reason) while the host owns the buffer. */
TRACE_EVENT(tdxq_quarantine_in,
	    TP_PROTO(u64 id, u64 len, int reason),
	    TP_ARGS(id, len, reason),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(u64, len)
			     __field(int, reason)),
	    TP_fast_assign(__entry->id = id;
			   __entry->len = len;
			   __entry->reason = reason;),
	    TP_printk("id=%llu len=%llu reason=%d", __entry->id, __entry->len,
		      __entry->reason)
);

/*
 * A quarantined buffer (since @since) leaves: the host let go (@status),
 * or the module is unloading and leaks it (@leaked): the host owns it.
 */
TRACE_EVENT(tdxq_quarantine_out,
	    TP_PROTO(u64 id, u64 len, u64 status, ktime_t since, bool leaked),
	    TP_ARGS(id, len, status, since, leaked),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(u64, len)
			     __field(u64, status)
			     __field(s64, held_ns)
			     __field(bool, leaked)),
	    TP_fast_assign(__entry->id = id;
			   __entry->len = len;
			   __entry->status = status;
			   __entry->held_ns = tdxq_trace_ns_since(since);
			   __entry->leaked = leaked;),
	    TP_printk("id=%llu len=%llu status=%#llx held_ns=%lld leaked=%d",
		      __entry->id, __entry->len, __entry->status,
		      __entry->held_ns, __entry->leaked)
);

/* A notify interrupt; spurious when no request could have caused it. */
TRACE_EVENT(tdxq_notify_irq,
	    TP_PROTO(bool spurious),
	    TP_ARGS(spurious),
	    TP_STRUCT__entry(__field(bool, spurious)),
	    TP_fast_assign(__entry->spurious = spurious;),
	    TP_printk("spurious=%d", __entry->spurious)
);

/* A request started at @since ends: 0 or its errno, the quote's length. */
TRACE_EVENT(tdxq_request_done,
	    TP_PROTO(u64 id, int ret, u64 len, ktime_t since),
	    TP_ARGS(id, ret, len, since),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(u64, len)
			     __field(s64, latency_ns)
			     __field(int, ret)),
	    TP_fast_assign(__entry->id = id;
			   __entry->len = len;
			   __entry->latency_ns = tdxq_trace_ns_since(since);
			   __entry->ret = ret;),
	    TP_printk("id=%llu ret=%d len=%llu latency_ns=%lld", __entry->id,
		      __entry->ret, __entry->len, __entry->latency_ns)
);

#endif /* TDXQ_TRACE_H */

/* An out-of-tree module: define_trace.h finds this file on -I include/. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE tdxq_trace
#include <trace/define_trace.h>
