// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_quote_sim: the GetQuote TDVMCALL and the quote service behind it, as
 * QEMU does them (shared/facts/ghci.md):
 *
 * - it validates GetQuote as QEMU does, answers RETRY at its in-flight
 *   limit, marks the buffer IN_FLIGHT before returning;
 * - after service_us it writes the quote, then (barrier) out_len and
 *   status, then raises the notify interrupt (sim_notify.c);
 * - with the quote service off it writes SERVICE_UNAVAILABLE at once and
 *   raises nothing; a quote that does not fit gets status ERROR and the
 *   needed size in out_len.
 *
 * How a request goes wrong is decided once, when it arrives
 * (sim_fault_for(), sim_faults.c); the quote itself is built by
 * sim_quote.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "tdxq_compat.h"
#include "tdxq_ghci.h"
#include "tdxq_qgs.h"
#include "sim.h"

static unsigned int service_us = 5000;
module_param(service_us, uint, 0644);
MODULE_PARM_DESC(service_us, "quote service time in microseconds (default 5000)");

static unsigned long quote_size = 5000;
module_param(quote_size, ulong, 0644);
MODULE_PARM_DESC(quote_size, "quote length in bytes, padded with certification data (default 5000; at least the v4/v5 minimum)");

static unsigned int quote_version = 4;
module_param(quote_version, uint, 0644);
MODULE_PARM_DESC(quote_version, "quote format version, 4 or 5 (default 4)");

static unsigned long max_buf = SZ_128K;
module_param(max_buf, ulong, 0644);
MODULE_PARM_DESC(max_buf, "largest GetQuote buffer accepted (default 128 KiB, as QEMU)");

static unsigned int max_inflight = 16;
module_param(max_inflight, uint, 0644);
MODULE_PARM_DESC(max_inflight, "requests in flight before RETRY (default 16, as QEMU)");

static bool service = true;
module_param(service, bool, 0644);
MODULE_PARM_DESC(service, "quote service available; 0 answers SERVICE_UNAVAILABLE (default 1)");

static char *framing = "raw";
module_param(framing, charp, 0644);
MODULE_PARM_DESC(framing, "raw: frame the TDREPORT for the quote service itself, as upstream QEMU (default); passthrough: hand the payload to it as is, as older hosts");

/* A GetQuote the host is working on. */
struct sim_req {
	struct list_head node;
	u64 pa;
	u64 size;
	u32 in_len;
	bool stuck;		/* waits for complete_stuck */
	struct sim_fault fault;
	struct hrtimer timer;
	struct work_struct work;
	u8 payload[];
};

/* A completed buffer whose status and out_len the host keeps rewriting. */
struct sim_flap {
	struct list_head node;
	u64 pa;
	u64 size;
	u32 out_len;		/* what it completed with, written back last */
	u64 status;
	bool stop;		/* the guest handed the range over again */
	unsigned long end;	/* jiffies */
	struct work_struct work;
};

static LIST_HEAD(sim_reqs);	/* oldest first */
static LIST_HEAD(sim_flaps);
static struct workqueue_struct *sim_wq;
static bool sim_stopping;	/* the module is going: answer nothing more */

bool sim_in_flight(u64 pa, u64 size)
{
	struct sim_req *req;

	list_for_each_entry(req, &sim_reqs, node) {
		if (pa < req->pa + req->size && req->pa < pa + size)
			return true;
	}
	return false;
}

static enum hrtimer_restart sim_timer_fn(struct hrtimer *timer)
{
	struct sim_req *req = container_of(timer, struct sim_req, timer);

	queue_work(sim_wq, &req->work);
	return HRTIMER_NORESTART;
}

/* framing may be rewritten through sysfs at any time: read it locked. */
static bool sim_passthrough(void)
{
	bool ret;

	kernel_param_lock(THIS_MODULE);
	ret = !strcmp(framing, "passthrough");
	kernel_param_unlock(THIS_MODULE);
	return ret;
}

/*
 * The quote service's answer to a payload, in the host's framing: a raw
 * quote (raw host) or a framed GET_QUOTE_RESP (pass-through host). NULL
 * when the service rejects the payload (a raw host's service gets the
 * payload as the TDREPORT; a pass-through host's wants GET_QUOTE_REQ).
 */
static u8 *sim_quote_service(const struct sim_req *req, size_t *len)
{
	unsigned int version = quote_version == 5 ? 5 : 4;
	size_t qlen = max_t(size_t, quote_size, sim_quote_min_len(version));
	const u8 *tdreport = req->payload;
	u8 *quote, *framed;

	if (sim_passthrough())
		tdreport = qgs_parse_req(req->payload, req->in_len);
	else if (req->in_len != TDX_TDREPORT_LEN)
		tdreport = NULL;
	if (!tdreport || tdreport[0] != 0x81)
		return NULL;

	quote = sim_build_quote(tdreport, version, qlen);
	if (!quote || tdreport == req->payload) {
		*len = qlen;
		return quote;
	}
	framed = kvmalloc(qgs_resp_len(qlen), GFP_KERNEL);
	if (framed)
		qgs_build_resp(framed, quote, qlen);
	kvfree(quote);
	*len = qgs_resp_len(qlen);
	return framed;
}

/*
 * fault_flap_ms: rewrite status and out_len of a completed buffer, every
 * combination of good and bad values, until the time is up, the guest
 * hands the range over again (a new GetQuote) or takes it back; then leave
 * what the completion wrote.
 */
static void sim_flap_fn(struct work_struct *work)
{
	/* Back to IN_FLIGHT after every other value. */
	static const u64 statuses[] = {
		GET_QUOTE_SUCCESS, GET_QUOTE_IN_FLIGHT, GET_QUOTE_ERROR,
		GET_QUOTE_IN_FLIGHT, 0x5a5a5a5a5a5a5a5aULL, GET_QUOTE_IN_FLIGHT,
	};
	struct sim_flap *fl = container_of(work, struct sim_flap, work);
	u32 lens[] = { fl->out_len, U32_MAX, fl->size - GET_QUOTE_HDR_LEN + 1, 0 };
	unsigned int i;
	bool go;

	for (i = 0;; i++) {
		mutex_lock(&sim_lock);
		go = !fl->stop && !sim_stopping && time_before(jiffies, fl->end) &&
		     sim_writable(fl->pa, fl->size);
		if (go) {
			sim_gpa_write_out_len(fl->pa,
					      lens[(i / ARRAY_SIZE(statuses)) %
						   ARRAY_SIZE(lens)]);
			sim_gpa_write_status(fl->pa,
					     statuses[i % ARRAY_SIZE(statuses)]);
			sim_count.flap_writes++;
		}
		mutex_unlock(&sim_lock);
		if (!go)
			break;
		cond_resched();
	}

	mutex_lock(&sim_lock);
	if (!fl->stop && !sim_stopping && sim_writable(fl->pa, fl->size)) {
		sim_gpa_write_out_len(fl->pa, fl->out_len);
		/* out_len before the status, as when completing. */
		smp_wmb();
		sim_gpa_write_status(fl->pa, fl->status);
	}
	list_del(&fl->node);
	sim_count.flapping--;
	mutex_unlock(&sim_lock);
	kfree(fl);
}

/* A new GetQuote on a range ends any rewriting of it. Under sim_lock. */
static void sim_flap_stop(u64 pa, u64 size)
{
	struct sim_flap *fl;

	list_for_each_entry(fl, &sim_flaps, node) {
		if (pa < fl->pa + fl->size && fl->pa < pa + size)
			fl->stop = true;
	}
}

/* out_len_late_us, notify_delay_us: what a sloppy host does late. */
static void sim_complete_late(const struct sim_req *req, u32 out_len)
{
	const struct sim_fault *f = &req->fault;

	if (f->out_len_late_us) {
		fsleep(f->out_len_late_us);
		mutex_lock(&sim_lock);
		if (!sim_stopping && sim_writable(req->pa, req->size)) {
			sim_gpa_write_out_len(req->pa, out_len);
			sim_count.late_out_lens++;
		}
		mutex_unlock(&sim_lock);
	}
	if (f->notify_delay_us && !f->irq_drop) {
		fsleep(f->notify_delay_us);
		mutex_lock(&sim_lock);
		if (!sim_stopping) {
			sim_raise_notify();
			if (f->irq_dup)
				sim_raise_notify();
		}
		mutex_unlock(&sim_lock);
	}
}

static void sim_complete(struct work_struct *work)
{
	struct sim_req *req = container_of(work, struct sim_req, work);
	const struct sim_fault *f = &req->fault;
	u64 room = req->size - GET_QUOTE_HDR_LEN;
	u64 status = GET_QUOTE_ERROR;
	struct sim_flap *fl = NULL;
	bool retired = false;
	u32 out_len = 0;
	u8 *quote = NULL;
	size_t len = 0;

	if (!READ_ONCE(sim_stopping)) {
		quote = sim_quote_service(req, &len);
		/* While the request is still in flight. */
		sim_storm(f->irq_storm);
	}
	if (f->flap_ms)
		fl = kzalloc(sizeof(*fl), GFP_KERNEL);

	mutex_lock(&sim_lock);
	if (sim_stopping)
		goto out;
	if (!sim_is_shared(req->pa, req->size)) {
		/* The guest took back memory the host still owned. */
		sim_count.violations++;
		sim_protocol_warn("guest converted a buffer back while its GetQuote was in flight (gpa %#llx)\n",
				  req->pa);
		goto out;
	}
	if (!sim_pages_live(req->pa, req->size)) {
		sim_count.violations++;
		sim_protocol_warn("guest freed a buffer while its GetQuote was in flight (gpa %#llx)\n",
				  req->pa);
		goto out;
	}
	/* A host that fails the request (fault_status) writes no quote. */
	if (quote && (!f->status || f->status_code == GET_QUOTE_SUCCESS)) {
		/* Too big: ERROR, with out_len saying what it needs. */
		out_len = len;
		if (len <= room) {
			sim_gpa_copy(req->pa + GET_QUOTE_HDR_LEN, quote, len,
				     true);
			status = GET_QUOTE_SUCCESS;
			if (f->overwrite) {
				sim_gpa_junk(req->pa + GET_QUOTE_HDR_LEN + len,
					     room - len);
				sim_count.junk_bytes += room - len;
			}
		}
	}
	if (f->status)
		status = f->status_code;
	if (f->out_len_extra)
		out_len = min_t(u64, room + f->out_len_extra, U32_MAX);
	if (!f->out_len_late_us)
		sim_gpa_write_out_len(req->pa, out_len);
	/* Not in flight any more from the moment the guest may see it done. */
	if (list_first_entry(&sim_reqs, struct sim_req, node) != req)
		sim_count.overtakes++;
	list_del(&req->node);
	sim_count.inflight--;
	retired = true;
	/* Quote and out_len before the status, as QEMU does. */
	smp_wmb();
	sim_gpa_write_status(req->pa, status);
	sim_count.quotes++;
	if (f->irq_drop) {
		sim_count.irqs_dropped++;
	} else if (!f->notify_delay_us) {
		sim_raise_notify();
		if (f->irq_dup)
			sim_raise_notify();
	}
	if (fl) {
		fl->pa = req->pa;
		fl->size = req->size;
		fl->out_len = out_len;
		fl->status = status;
		fl->end = jiffies + msecs_to_jiffies(f->flap_ms);
		INIT_WORK(&fl->work, sim_flap_fn);
		list_add(&fl->node, &sim_flaps);
		sim_count.flapping++;
		queue_work(sim_wq, &fl->work);
		fl = NULL;
	}
out:
	if (!retired) {
		list_del(&req->node);
		sim_count.inflight--;
	}
	mutex_unlock(&sim_lock);

	if (retired)
		sim_complete_late(req, out_len);
	kfree(fl);
	kvfree(quote);
	kfree(req);
}

u64 sim_get_quote(u64 gpa, u64 size)
{
	u64 pa = gpa & ~SIM_SHARED_BIT, ret = TDVMCALL_SUCCESS;
	struct tdx_quote_buf_hdr hdr;
	struct sim_req *req = NULL;
	struct sim_fault fault;
	bool faulty;
	u64 us;

	faulty = sim_fault_for(&fault);
	mutex_lock(&sim_lock);
	if (!size || size > max_buf) {
		sim_count.rejects_invalid++;
		ret = TDVMCALL_INVALID_OPERAND;
		goto out;
	}
	if (!IS_ALIGNED(gpa, GET_QUOTE_ALIGN) || !IS_ALIGNED(size, GET_QUOTE_ALIGN)) {
		sim_count.rejects_invalid++;
		ret = TDVMCALL_ALIGN_ERROR;
		goto out;
	}
	if (sim_is_leaked(PHYS_PFN(pa), size >> PAGE_SHIFT)) {
		sim_count.violations++;
		sim_protocol_warn("guest handed over pages whose conversion had failed (gpa %#llx)\n",
				  pa);
		ret = TDVMCALL_INVALID_OPERAND;
		goto out;
	}
	if (!(gpa & SIM_SHARED_BIT) || !sim_is_shared(pa, size)) {
		sim_count.rejects_private++;
		ret = TDVMCALL_INVALID_OPERAND;
		goto out;
	}
	if (sim_in_flight(pa, size)) {
		sim_count.rejects_inuse++;
		ret = TDVMCALL_GPA_INUSE;
		goto out;
	}
	/* The guest has the range back: the host is done rewriting it. */
	sim_flap_stop(pa, size);
	if (fault.vmcall) {
		sim_count.faults++;
		if (fault.vmcall_code == TDVMCALL_RETRY)
			sim_count.retries++;
		ret = fault.vmcall_code;
		goto out;
	}
	if (sim_count.inflight >= max_inflight) {
		sim_count.retries++;
		ret = TDVMCALL_RETRY;
		goto out;
	}
	sim_gpa_copy(pa, &hdr, sizeof(hdr), false);
	if (hdr.version != GET_QUOTE_BUF_VERSION ||
	    hdr.in_len > size - GET_QUOTE_HDR_LEN) {
		sim_count.rejects_invalid++;
		ret = TDVMCALL_INVALID_OPERAND;
		goto out;
	}
	/* The guest hands over its payload and zeros, nothing stale. */
	if (!sim_gpa_zero(pa + GET_QUOTE_HDR_LEN + hdr.in_len,
			  size - GET_QUOTE_HDR_LEN - hdr.in_len)) {
		sim_count.dirty++;
		sim_protocol_warn("guest handed over stale bytes after its payload (gpa %#llx)\n",
				  pa);
	}
	if (!service) {
		/* QEMU without a quote service: answer at once, no interrupt. */
		sim_gpa_write_status(pa, GET_QUOTE_SERVICE_UNAVAILABLE);
		goto out;
	}

	req = kzalloc(struct_size(req, payload, hdr.in_len), GFP_KERNEL);
	if (!req) {
		ret = TDVMCALL_RETRY;
		goto out;
	}
	if (faulty)
		sim_count.faults++;
	req->pa = pa;
	req->size = size;
	req->in_len = hdr.in_len;
	req->fault = fault;
	sim_gpa_copy(pa + GET_QUOTE_HDR_LEN, req->payload, hdr.in_len, false);
	INIT_WORK(&req->work, sim_complete);
	tdxq_hrtimer_setup(&req->timer, sim_timer_fn, CLOCK_MONOTONIC,
			   HRTIMER_MODE_REL);

	if (!fault.silent)
		sim_gpa_write_status(pa, GET_QUOTE_IN_FLIGHT);
	list_add_tail(&req->node, &sim_reqs);
	sim_count.inflight++;
	us = service_us;
	if (fault.jitter_us)
		us += get_random_u32() % (fault.jitter_us + 1);
	if (fault.stuck)
		req->stuck = true;	/* only complete_stuck ends it */
	else if (us)
		hrtimer_start(&req->timer, ns_to_ktime(us * NSEC_PER_USEC),
			      HRTIMER_MODE_REL);
	else
		queue_work(sim_wq, &req->work);
out:
	mutex_unlock(&sim_lock);
	return ret;
}

static int sim_complete_stuck_set(const char *val, const struct kernel_param *kp)
{
	struct sim_req *req;

	mutex_lock(&sim_lock);
	list_for_each_entry(req, &sim_reqs, node) {
		if (req->stuck) {
			req->stuck = false;
			queue_work(sim_wq, &req->work);
		}
	}
	mutex_unlock(&sim_lock);
	return 0;
}

static const struct kernel_param_ops sim_complete_stuck_ops = {
	.set = sim_complete_stuck_set,
};
module_param_cb(complete_stuck, &sim_complete_stuck_ops, NULL, 0200);
MODULE_PARM_DESC(complete_stuck, "write anything: complete the requests fault_stuck held, now");

int sim_service_init(void)
{
	sim_wq = alloc_workqueue("tdx_quote_sim", WQ_UNBOUND, 0);
	return sim_wq ? 0 : -ENOMEM;
}

/* Nothing uses the ops any more: drop what is still pending, unanswered. */
void sim_service_exit(void)
{
	struct sim_req *req, *tmp;

	mutex_lock(&sim_lock);
	WRITE_ONCE(sim_stopping, true);
	list_for_each_entry(req, &sim_reqs, node)
		hrtimer_cancel(&req->timer);
	mutex_unlock(&sim_lock);
	/* Queued completions and rewrites see sim_stopping and only end. */
	destroy_workqueue(sim_wq);
	list_for_each_entry_safe(req, tmp, &sim_reqs, node) {
		list_del(&req->node);
		kfree(req);
	}
}
