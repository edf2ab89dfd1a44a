// SPDX-License-Identifier: GPL-2.0
/*
 * The request lifecycle: TDREPORT, a request slot (slots.c), a shared
 * buffer big enough, GetQuote with bounded RETRY backoff, waiting
 * (interrupt or adaptive polling), timeout and signals (the buffer goes to
 * quarantine), validation of what the host wrote, and a private copy of
 * the quote.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "tdxq.h"
#include "tdxq_ghci.h"
#include "tdxq_qgs.h"
#include "tdxq_trace.h"

/* Resubmits with a bigger buffer before the host is called a liar. */
#define TDXQ_MAX_GROWS		3
/* Longest back-off after a RETRY answer. */
#define TDXQ_RETRY_MAX_US	(64 * USEC_PER_MSEC)

static size_t tdxq_next_len;	/* buffer size the next request starts with */
static u64 tdxq_host_max;	/* TDCS_QUOTE_MAX_SIZE, 0 if not advertised */
static int tdxq_framing = TDX_QUOTE_FRAMING_RAW;	/* learned from the host */

/* A size class, cut to max_quote_size (a multiple of the page size). */
static size_t tdxq_clamp_len(size_t len)
{
	return min_t(size_t, len, tdxq_cfg.max_quote_size);
}

/**
 * tdxq_quote_init() - choose the first buffer size
 *
 * The host-advertised maximum (TDG.VM.RD) where there is one, else the
 * initial_buf_len parameter; afterwards the size that worked last.
 */
void tdxq_quote_init(void)
{
	/* TDCS.QUOTE_MAX_SIZE is a 32-bit field: the rest of R8 is not. */
	u64 host_max = lower_32_bits(tdxq_host->quote_max_size());
	size_t len;

	/* The host's word, bounded by ours before any arithmetic. */
	tdxq_host_max = min_t(u64, host_max, tdxq_cfg.max_quote_size);
	if (tdxq_host_max)
		len = tdxq_buf_len_for(tdxq_host_max);
	else
		len = tdxq_buf_len_for(tdxq_cfg.initial_buf_len - GET_QUOTE_HDR_LEN);
	WRITE_ONCE(tdxq_next_len, tdxq_clamp_len(len));
}

/**
 * tdxq_quote_host_max() - host-advertised maximum quote size, capped at
 * max_quote_size
 * Return: bytes, 0 if the host advertises none.
 */
u64 tdxq_quote_host_max(void)
{
	return tdxq_host_max;
}

/**
 * tdxq_quote_next_buf_len() - buffer size the next request starts with
 * Return: bytes.
 */
size_t tdxq_quote_next_buf_len(void)
{
	return READ_ONCE(tdxq_next_len);
}

/**
 * tdxq_get_report() - TDREPORT for 64 bytes of report data
 * @tdreport: 1024-byte output
 * @reportdata: 64-byte input
 *
 * Return: 0, -ENOMEM, or the TDX module's refusal: -EBUSY (operand busy,
 * try again), -ENXIO (invalid operand), -EIO.
 */
int tdxq_get_report(u8 *tdreport, const u8 *reportdata)
{
	u8 *report, *data;
	int ret = -ENOMEM;
	u64 status;

	/* kmalloc() aligns power-of-two sizes naturally, as TDCALL needs. */
	report = kzalloc(TDX_TDREPORT_LEN, GFP_KERNEL);
	data = kmalloc(TDX_REPORTDATA_LEN, GFP_KERNEL);
	if (report && data) {
		memcpy(data, reportdata, TDX_REPORTDATA_LEN);
		status = tdxq_host->get_report(report, data);
		if (status) {
			pr_err_ratelimited("TDG.MR.REPORT failed: %#llx\n",
					   status);
			ret = tdxq_tdcall_errno(status);
		} else {
			memcpy(tdreport, report, TDX_TDREPORT_LEN);
			ret = 0;
		}
	}
	kfree(data);
	kfree(report);
	return ret;
}

/* A sleeper on tdxq_notify_wq, and the status word it waits on. */
struct tdxq_notify_waiter {
	struct wait_queue_entry wq;
	const u64 *status;
};

/*
 * Every notify interrupt wakes tdxq_notify_wq, but it does not say whose
 * request completed: each sleeper looks at its own status word here, in
 * the waker's context, and only those whose host let go wake up.
 */
static int tdxq_notify_wake(struct wait_queue_entry *wq, unsigned int mode,
			    int sync, void *key)
{
	struct tdxq_notify_waiter *w =
		container_of(wq, struct tdxq_notify_waiter, wq);

	if (w->status && READ_ONCE(*w->status) == GET_QUOTE_IN_FLIGHT)
		return 0;
	return autoremove_wake_function(wq, mode, sync, key);
}

/*
 * Sleep until the host lets go of *@status (any completion if @status is
 * NULL), the timer runs out or a signal arrives. Returns true when the
 * timer ran out.
 */
static bool tdxq_sleep(const u64 *status, u64 sleep_us)
{
	ktime_t expires = ns_to_ktime(sleep_us * NSEC_PER_USEC);
	struct tdxq_notify_waiter w = { .status = status };
	bool timed_out = false;

	init_wait_entry(&w.wq, 0);
	w.wq.func = tdxq_notify_wake;
	prepare_to_wait(&tdxq_notify_wq, &w.wq, TASK_INTERRUPTIBLE);
	if (!status || READ_ONCE(*status) == GET_QUOTE_IN_FLIGHT)
		timed_out = !schedule_hrtimeout_range(&expires, sleep_us * 50,
						      HRTIMER_MODE_REL);
	finish_wait(&tdxq_notify_wq, &w.wq);
	return timed_out;
}

static u64 tdxq_us_left(ktime_t deadline)
{
	s64 left = ktime_us_delta(deadline, ktime_get());

	return left > 0 ? left : 0;
}

/**
 * tdxq_caller_gone() - has the caller given up?
 * @deadline: the request's deadline
 *
 * Return: 0, -ERESTARTSYS when a signal is pending, -ETIMEDOUT when
 * @deadline has passed.
 */
int tdxq_caller_gone(ktime_t deadline)
{
	if (signal_pending(current))
		return -ERESTARTSYS;
	if (ktime_after(ktime_get(), deadline))
		return -ETIMEDOUT;
	return 0;
}

/* GetQuote, backing off while the host answers RETRY. */
static int tdxq_submit(struct tdxq_buf *buf, ktime_t deadline,
		       struct tdxq_quote_result *res)
{
	u64 backoff_us = USEC_PER_MSEC;
	u64 st;

	for (;;) {
		st = tdxq_host->get_quote(buf->gpa, buf->size);
		res->vmcall_status = st;
		trace_tdxq_submit(res->id, buf->gpa, buf->size, st);
		if (st == TDVMCALL_SUCCESS)
			return 0;
		if (st != TDVMCALL_RETRY) {
			pr_warn_ratelimited("host refused GetQuote(%zu bytes): %#llx\n",
					    buf->size, st);
			return -EREMOTEIO;
		}
		tdxq_stat_inc(host_retries);
		if (!tdxq_us_left(deadline))
			return -EBUSY;
		/* Another request completing frees a host slot: wake on it. */
		tdxq_sleep(NULL, min(backoff_us, tdxq_us_left(deadline)));
		if (signal_pending(current))
			return -ERESTARTSYS;
		backoff_us = min_t(u64, backoff_us * 2, TDXQ_RETRY_MAX_US);
	}
}

/*
 * Wait for the host to let go of @buf. *@status gets the status word that
 * said so: the host may rewrite it any time, so it is read once and what
 * follows goes by that one reading. *@wake gets what ended the wait
 * (enum tdxq_wake).
 */
static int tdxq_wait(struct tdxq_buf *buf, ktime_t deadline, u64 *status,
		     int *wake)
{
	struct tdx_quote_buf_hdr *hdr = buf->va;
	bool irq = tdxq_notify_irq_mode();
	u64 recheck_us = (u64)tdxq_cfg.recheck_ms * USEC_PER_MSEC;
	u64 interval = irq ? recheck_us : tdxq_cfg.poll_start_us;
	bool by_timer = false;
	u64 left;

	*wake = TDXQ_WAKE_AT_ONCE;
	for (;;) {
		*status = READ_ONCE(hdr->status);
		if (*status != GET_QUOTE_IN_FLIGHT) {
			if (by_timer && tdxq_notify_irq_mode())
				pr_warn_ratelimited("host completed a GetQuote without a notify interrupt (found on re-check)\n");
			return 0;
		}
		left = tdxq_us_left(deadline);
		if (!left)
			return -ETIMEDOUT;
		if (signal_pending(current))
			return -ERESTARTSYS;
		by_timer = tdxq_sleep(&hdr->status, min(interval, left));
		*wake = !by_timer ? TDXQ_WAKE_IRQ :
			irq ? TDXQ_WAKE_RECHECK : TDXQ_WAKE_POLL;
		if (by_timer) {
			tdxq_stat_inc(poll_wakeups);
			if (!irq)
				interval = min(interval + interval / 2,
					       recheck_us);
		}
	}
}

/* Strip a pass-through host's GET_QUOTE_RESP framing from @res->quote. */
static int tdxq_unframe(struct tdxq_quote_result *res)
{
	u32 quote_len;
	long off;

	off = qgs_parse_resp(res->quote, res->len, &quote_len);
	if (off == -EIO)
		return -EIO;	/* the quote service reported an error */
	if (off < 0) {
		pr_warn_ratelimited("host returned a malformed QGS reply (%zu bytes)\n",
				    res->len);
		return -EPROTO;
	}
	memmove(res->quote, res->quote + off, quote_len);
	res->len = quote_len;
	return 0;
}

/* What the host wrote, once it let go of the buffer with @status. */
static int tdxq_collect(struct tdxq_buf *buf, u64 status, int framing,
			struct tdxq_quote_result *res)
{
	struct tdx_quote_buf_hdr *hdr = buf->va;
	size_t room = buf->size - GET_QUOTE_HDR_LEN;
	u32 out_len;

	/* The host writes the quote and out_len before the status. */
	smp_rmb();
	/* Read out_len once: the host may rewrite it any time. */
	out_len = READ_ONCE(hdr->out_len);
	res->host_status = status;
	res->host_len = out_len;
	res->len = out_len;

	switch (status) {
	case GET_QUOTE_SUCCESS:
		if (!out_len || out_len > room) {
			pr_warn_ratelimited("host reported a %u-byte quote in a %zu-byte buffer\n",
					    out_len, room);
			return -EPROTO;
		}
		res->quote = kvmalloc(out_len, GFP_KERNEL);
		if (!res->quote)
			return -ENOMEM;
		memcpy(res->quote, hdr->data, out_len);
		return framing == TDX_QUOTE_FRAMING_QGS ? tdxq_unframe(res) : 0;
	case GET_QUOTE_ERROR:
		/* Intel's VMM: the quote did not fit, out_len is what it needs. */
		return out_len > room ? -EAGAIN : -EIO;
	case GET_QUOTE_SERVICE_UNAVAILABLE:
		return -EHOSTDOWN;
	default:
		pr_warn_ratelimited("host wrote unknown GetQuote status %#llx\n",
				    status);
		return -EPROTO;
	}
}

/* One round trip with a buffer of @len bytes, payload shaped by @framing. */
static int tdxq_round_trip(const u8 *tdreport, int framing, size_t len,
			   ktime_t deadline, struct tdxq_quote_result *res)
{
	struct tdx_quote_buf_hdr *hdr;
	ktime_t submitted = 0;
	struct tdxq_buf *buf;
	int ret, wake;
	u64 status;

	buf = tdxq_buf_get(res->id, len, deadline);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	res->buf_len = buf->size;
	/* A search for memory may have used up the time or met a signal. */
	ret = tdxq_caller_gone(deadline);
	if (ret) {
		tdxq_buf_put(buf);
		return ret;
	}
	hdr = buf->va;
	hdr->version = GET_QUOTE_BUF_VERSION;
	/*
	 * The host marks it IN_FLIGHT too; marked here first, a host that
	 * accepts the call but never writes the status cannot pass a zeroed
	 * buffer off as a completed one.
	 */
	hdr->status = GET_QUOTE_IN_FLIGHT;
	if (framing == TDX_QUOTE_FRAMING_QGS) {
		hdr->in_len = QGS_REQ_LEN;
		qgs_build_req(hdr->data, tdreport);
	} else {
		hdr->in_len = TDX_TDREPORT_LEN;
		memcpy(hdr->data, tdreport, TDX_TDREPORT_LEN);
	}

	ret = tdxq_submit(buf, deadline, res);
	if (ret) {
		tdxq_buf_put(buf);
		return ret;
	}

	if (trace_tdxq_complete_enabled())
		submitted = ktime_get();
	tdxq_stat_inc(in_flight);
	/* No interrupt comes for an answer given during the call itself. */
	ret = tdxq_wait(buf, deadline, &status, &wake);
	tdxq_stat_dec(in_flight);
	if (ret) {
		res->host_status = status;
		res->quarantined = true;
		trace_tdxq_quarantine_in(res->id, buf->len, ret);
		tdxq_buf_quarantine(buf);
		return ret;
	}
	ret = tdxq_collect(buf, status, framing, res);
	trace_tdxq_complete(res->id, status, res->host_len, submitted, wake,
			    ret);
	tdxq_buf_put(buf);
	return ret;
}

/* A quote with one framing, growing the buffer while the host asks. */
static int tdxq_quote_framed(const u8 *tdreport, int framing,
			     ktime_t deadline, struct tdxq_quote_result *res)
{
	size_t len = tdxq_quote_next_buf_len();
	int grows, ret;

	for (grows = 0;; grows++) {
		kvfree(res->quote);
		res->quote = NULL;
		ret = tdxq_round_trip(tdreport, framing, len, deadline, res);
		if (ret != -EAGAIN)
			return ret;
		/* The host answered ERROR with the length it needs. */
		if (res->host_len + GET_QUOTE_HDR_LEN > tdxq_cfg.max_quote_size)
			return -EFBIG;
		len = tdxq_clamp_len(tdxq_buf_len_for(res->host_len));
		if (grows == TDXQ_MAX_GROWS) {
			pr_warn_ratelimited("host asked for a bigger buffer %d times in a row\n",
					    grows + 1);
			return -EPROTO;
		}
		tdxq_stat_inc(buffer_grows);
	}
}

/*
 * Count a failure by its errno and, where the host is at fault and no
 * message named it yet, say so.
 */
static void tdxq_count_failure(int err, const struct tdxq_quote_result *res)
{
	switch (err) {
	case -ETIMEDOUT:
		tdxq_stat_inc(fail_timeout);
		if (res->quarantined)
			pr_warn_ratelimited("host did not answer GetQuote in time; its buffer is held until it does\n");
		else if (tdxq_stat_read(quarantined))
			pr_warn_ratelimited("no request slot free in time: the host holds %lld unanswered buffers\n",
					    (long long)tdxq_stat_read(quarantined));
		break;
	case -ERESTARTSYS:
		tdxq_stat_inc(fail_interrupted);
		break;
	case -EHOSTDOWN:
		tdxq_stat_inc(fail_service_unavailable);
		pr_warn_ratelimited("host has no quote service (GetQuote status SERVICE_UNAVAILABLE)\n");
		break;
	case -EIO:
		tdxq_stat_inc(fail_host_error);
		pr_warn_ratelimited("host reported a GetQuote error\n");
		break;
	case -EPROTO:
		tdxq_stat_inc(fail_host_protocol);
		break;
	case -EREMOTEIO:
		tdxq_stat_inc(fail_vmcall);
		break;
	case -EBUSY:
		tdxq_stat_inc(fail_busy);
		pr_warn_ratelimited("host answered GetQuote with RETRY until the timeout\n");
		break;
	case -EFBIG:
		tdxq_stat_inc(fail_too_large);
		break;
	case -ENOMEM:
	case -ENOBUFS:
		tdxq_stat_inc(fail_nomem);
		break;
	}
}

/**
 * tdxq_quote_framing() - how the host wants GetQuote payloads
 * Return: TDX_QUOTE_FRAMING_RAW or TDX_QUOTE_FRAMING_QGS.
 */
int tdxq_quote_framing(void)
{
	return READ_ONCE(tdxq_framing);
}

/**
 * tdxq_quote_report() - turn a TDREPORT into a Quote
 * @tdreport: TDX_TDREPORT_LEN bytes
 * @timeout_ms: 0 for the module default
 * @res: outcome; on success @res->quote holds a private copy of the raw
 *	quote, whatever framing the host used, and the request's slot is
 *	held until tdxq_quote_result_release()
 *
 * Sends the payload the way the host wants it. Hosts come in two kinds:
 * upstream QEMU frames the TDREPORT for its quote service itself; older
 * ones pass the payload through and want it QGS-framed. Each fails the
 * other kind's payload with status ERROR, so on ERROR the other framing is
 * tried once, and remembered if it works.
 *
 * Return: 0 or a negative errno as documented in uapi/linux/tdx_quote.h.
 */
int tdxq_quote_report(const u8 *tdreport, unsigned int timeout_ms,
		      struct tdxq_quote_result *res)
{
	int framing = tdxq_quote_framing(), other;
	ktime_t start, deadline;
	int ret;

	memset(res, 0, sizeof(*res));
	res->id = tdxq_trace_new_id();
	if (!timeout_ms)
		timeout_ms = tdxq_cfg.timeout_ms;
	trace_tdxq_request(res->id, timeout_ms);
	start = ktime_get();
	deadline = ktime_add_ms(start, timeout_ms);
	tdxq_stat_inc(requests);
	ret = tdxq_quote_slot_get(res->id, deadline);
	if (ret)
		goto out;

	ret = tdxq_quote_framed(tdreport, framing, deadline, res);
	if (ret == -EIO) {
		other = framing == TDX_QUOTE_FRAMING_RAW ?
			TDX_QUOTE_FRAMING_QGS : TDX_QUOTE_FRAMING_RAW;
		ret = tdxq_quote_framed(tdreport, other, deadline, res);
		if (!ret && cmpxchg(&tdxq_framing, framing, other) == framing)
			pr_info("host wants %s GetQuote payloads\n",
				other == TDX_QUOTE_FRAMING_QGS ?
				"QGS-framed" : "raw TDREPORT");
	}
	/*
	 * A quarantined buffer keeps the slot until the host lets go, a
	 * quote until its caller has delivered it: all the memory requests
	 * hold is bounded by max_inflight.
	 */
	if (ret && !res->quarantined)
		tdxq_quote_slot_put();
out:
	trace_tdxq_request_done(res->id, ret, ret ? 0 : res->len, start);
	if (ret) {
		kvfree(res->quote);
		res->quote = NULL;
		tdxq_count_failure(ret, res);
		return ret;
	}
	tdxq_stat_inc(successes);
	/* With no advertised maximum, start from what worked last. */
	if (!tdxq_host_max)
		WRITE_ONCE(tdxq_next_len,
			   tdxq_clamp_len(tdxq_buf_len_for(res->host_len)));
	return 0;
}

/**
 * tdxq_quote_result_release() - end a request: free its quote, give back
 * its slot
 * @res: as filled by tdxq_quote_report() or tdxq_get_quote(), on success
 *	or failure
 */
void tdxq_quote_result_release(struct tdxq_quote_result *res)
{
	if (!res->quote)
		return;
	kvfree(res->quote);
	res->quote = NULL;
	tdxq_quote_slot_put();
}

/**
 * tdxq_get_quote() - turn 64 bytes of report data into a Quote
 * @reportdata: 64 bytes bound into the TDREPORT
 * @timeout_ms: 0 for the module default
 * @res: as for tdxq_quote_report()
 *
 * Return: 0 or a negative errno as documented in uapi/linux/tdx_quote.h.
 */
int tdxq_get_quote(const u8 *reportdata, unsigned int timeout_ms,
		   struct tdxq_quote_result *res)
{
	u8 *tdreport;
	int ret;

	memset(res, 0, sizeof(*res));
	tdreport = kmalloc(TDX_TDREPORT_LEN, GFP_KERNEL);
	if (!tdreport)
		return -ENOMEM;
	ret = tdxq_get_report(tdreport, reportdata);
	if (!ret)
		ret = tdxq_quote_report(tdreport, timeout_ms, res);
	kfree(tdreport);
	return ret;
}
