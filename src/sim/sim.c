// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_quote_sim: a simulated TDX host (VMM + quote service) for testing
 * tdx_quote.ko on machines without TDX. Load it, then tdx_quote with
 * host=sim. It behaves like QEMU (shared/facts/ghci.md):
 *
 * - it touches the quote buffer only through the GPA it was given, and
 *   only where the guest converted the pages to shared;
 * - it validates GetQuote as QEMU does, answers RETRY at its in-flight
 *   limit, marks the buffer IN_FLIGHT before returning;
 * - after service_us it writes the quote, then (barrier) out_len and
 *   status, then raises the registered vector on the registering CPU
 *   through the local APIC;
 * - with the quote service off it writes SERVICE_UNAVAILABLE at once and
 *   raises nothing; a quote that does not fit gets status ERROR and the
 *   needed size in out_len.
 *
 * Counters are in /sys/kernel/debug/tdx_quote_sim/.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/set_memory.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/workqueue.h>
#include <asm/apic.h>
#include <asm/irq_vectors.h>

#include "tdxq_ghci.h"
#include "tdxq_host.h"
#include "tdxq_qgs.h"
#include "sim.h"

/* GPAW 52: the shared bit of the simulated guest-physical address space */
#define SIM_SHARED_BIT		BIT_ULL(51)

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

static bool notify = true;
module_param(notify, bool, 0644);
MODULE_PARM_DESC(notify, "support SetupEventNotifyInterrupt (default 1)");

static bool service = true;
module_param(service, bool, 0644);
MODULE_PARM_DESC(service, "quote service available; 0 answers SERVICE_UNAVAILABLE (default 1)");

static char *framing = "raw";
module_param(framing, charp, 0644);
MODULE_PARM_DESC(framing, "raw: frame the TDREPORT for the quote service itself, as upstream QEMU (default); passthrough: hand the payload to it as is, as older hosts");

static unsigned long host_max_quote;
module_param(host_max_quote, ulong, 0644);
MODULE_PARM_DESC(host_max_quote, "TDCS_QUOTE_MAX_SIZE to advertise, 0 for none (default 0)");

/* A range of pages the guest converted to shared. */
struct sim_range {
	struct list_head node;
	unsigned long pfn;
	unsigned long nr;
};

/* A GetQuote the host is working on. */
struct sim_req {
	struct list_head node;
	u64 pa;
	u64 size;
	u32 in_len;
	struct hrtimer timer;
	struct work_struct work;
	u8 payload[];
};

static DEFINE_MUTEX(sim_lock);
static bool sim_stopping;
static LIST_HEAD(sim_shared);
static LIST_HEAD(sim_reqs);
static struct workqueue_struct *sim_wq;
static struct dentry *sim_debugfs;

/* Registered event-notify target; written from IPI context. */
static int sim_notify_cpu = -1;
static u8 sim_notify_vector;

/* Counters (debugfs) */
static u64 sim_inflight;
static u64 sim_quotes;		/* requests completed */
static u64 sim_irqs_sent;
static u64 sim_retries;		/* RETRY answers */
static u64 sim_rejects_private;	/* GetQuote on memory not shared */
static u64 sim_rejects_inuse;	/* GetQuote on a range already in flight */
static u64 sim_rejects_invalid;	/* INVALID_OPERAND / ALIGN_ERROR */
static u64 sim_conv_rejects;	/* conversions refused (not linear-map) */
static u64 sim_shared_bytes;
static u64 sim_violations;	/* guest broke the protocol */

/* ---- guest memory, seen through guest-physical addresses ---- */

static void sim_gpa_copy(u64 pa, void *buf, size_t len, bool to_guest)
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

static void sim_gpa_write_status(u64 pa, u64 status)
{
	u64 *va = kmap_local_page(pfn_to_page(PHYS_PFN(pa)));

	WRITE_ONCE(va[offsetof(struct tdx_quote_buf_hdr, status) / 8], status);
	kunmap_local(va);
}

/* Is [pa, pa + size) inside one range the guest made shared? */
static bool sim_is_shared(u64 pa, u64 size)
{
	unsigned long pfn = PHYS_PFN(pa), nr = size >> PAGE_SHIFT;
	struct sim_range *r;

	list_for_each_entry(r, &sim_shared, node) {
		if (pfn >= r->pfn && pfn + nr <= r->pfn + r->nr)
			return true;
	}
	return false;
}

static bool sim_is_inuse(u64 pa, u64 size)
{
	struct sim_req *req;

	list_for_each_entry(req, &sim_reqs, node) {
		if (pa < req->pa + req->size && req->pa < pa + size)
			return true;
	}
	return false;
}

/* ---- host ops ---- */

static int sim_get_report(u8 *tdreport, const u8 *reportdata)
{
	sim_fill_tdreport(tdreport, reportdata);
	return 0;
}

static enum hrtimer_restart sim_timer_fn(struct hrtimer *timer)
{
	struct sim_req *req = container_of(timer, struct sim_req, timer);

	queue_work(sim_wq, &req->work);
	return HRTIMER_NORESTART;
}

static void sim_raise_notify(void)
{
	int cpu = READ_ONCE(sim_notify_cpu);

	if (!notify || cpu < 0 || !cpu_online(cpu))
		return;
	/* Counted first: the guest may look as soon as it is handled. */
	sim_irqs_sent++;
	apic->send_IPI(cpu, READ_ONCE(sim_notify_vector));
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

static void sim_complete(struct work_struct *work)
{
	struct sim_req *req = container_of(work, struct sim_req, work);
	u64 status = GET_QUOTE_ERROR;
	u32 out_len = 0;
	u8 *quote = NULL;
	size_t len = 0;

	if (!READ_ONCE(sim_stopping))
		quote = sim_quote_service(req, &len);

	mutex_lock(&sim_lock);
	if (sim_stopping)
		goto out;
	if (!sim_is_shared(req->pa, req->size)) {
		/* The guest took back memory the host still owned. */
		sim_violations++;
		pr_warn("guest converted a buffer back while its GetQuote was in flight (gpa %#llx)\n",
			req->pa);
		goto out;
	}
	if (quote) {
		/* Too big: ERROR, with out_len saying what it needs. */
		out_len = len;
		if (GET_QUOTE_HDR_LEN + len <= req->size) {
			sim_gpa_copy(req->pa + GET_QUOTE_HDR_LEN, quote, len,
				     true);
			status = GET_QUOTE_SUCCESS;
		}
	}
	sim_gpa_copy(req->pa + offsetof(struct tdx_quote_buf_hdr, out_len),
		     &out_len, sizeof(out_len), true);
	/* Quote and out_len before the status, as QEMU does. */
	smp_wmb();
	sim_gpa_write_status(req->pa, status);
	sim_quotes++;
	sim_raise_notify();
out:
	list_del(&req->node);
	sim_inflight--;
	mutex_unlock(&sim_lock);

	kvfree(quote);
	kfree(req);
}

static u64 sim_get_quote(u64 gpa, u64 size)
{
	u64 pa = gpa & ~SIM_SHARED_BIT, ret = TDVMCALL_SUCCESS;
	struct tdx_quote_buf_hdr hdr;
	struct sim_req *req = NULL;

	mutex_lock(&sim_lock);
	if (!size || size > max_buf) {
		sim_rejects_invalid++;
		ret = TDVMCALL_INVALID_OPERAND;
		goto out;
	}
	if (!IS_ALIGNED(gpa, GET_QUOTE_ALIGN) || !IS_ALIGNED(size, GET_QUOTE_ALIGN)) {
		sim_rejects_invalid++;
		ret = TDVMCALL_ALIGN_ERROR;
		goto out;
	}
	if (!(gpa & SIM_SHARED_BIT) || !sim_is_shared(pa, size)) {
		sim_rejects_private++;
		ret = TDVMCALL_INVALID_OPERAND;
		goto out;
	}
	if (sim_is_inuse(pa, size)) {
		sim_rejects_inuse++;
		ret = TDVMCALL_GPA_INUSE;
		goto out;
	}
	if (sim_inflight >= max_inflight) {
		sim_retries++;
		ret = TDVMCALL_RETRY;
		goto out;
	}
	sim_gpa_copy(pa, &hdr, sizeof(hdr), false);
	if (hdr.version != GET_QUOTE_BUF_VERSION ||
	    hdr.in_len > size - GET_QUOTE_HDR_LEN) {
		sim_rejects_invalid++;
		ret = TDVMCALL_INVALID_OPERAND;
		goto out;
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
	req->pa = pa;
	req->size = size;
	req->in_len = hdr.in_len;
	sim_gpa_copy(pa + GET_QUOTE_HDR_LEN, req->payload, hdr.in_len, false);
	INIT_WORK(&req->work, sim_complete);
	hrtimer_init(&req->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	req->timer.function = sim_timer_fn;

	sim_gpa_write_status(pa, GET_QUOTE_IN_FLIGHT);
	list_add_tail(&req->node, &sim_reqs);
	sim_inflight++;
	if (service_us)
		hrtimer_start(&req->timer, ns_to_ktime((u64)service_us * NSEC_PER_USEC),
			      HRTIMER_MODE_REL);
	else
		queue_work(sim_wq, &req->work);
out:
	mutex_unlock(&sim_lock);
	return ret;
}

static bool sim_notify_supported(void)
{
	return notify;
}

/* Runs on the CPU that registers, like the TDVMCALL on a vCPU. */
static u64 sim_setup_notify(u8 vector)
{
	if (!notify)
		return TDVMCALL_SUBFUNC_UNSUPPORTED;
	if (vector < FIRST_EXTERNAL_VECTOR)
		return TDVMCALL_INVALID_OPERAND;
	WRITE_ONCE(sim_notify_vector, vector);
	WRITE_ONCE(sim_notify_cpu, smp_processor_id());
	return TDVMCALL_SUCCESS;
}

static u64 sim_quote_max_size(void)
{
	return host_max_quote;
}

static int sim_set_shared(void *va, unsigned long nr_pages)
{
	struct sim_range *r;
	int ret;

	/* TDX converts through __pa(): only the linear map works. */
	if (!nr_pages || !virt_addr_valid(va) ||
	    !virt_addr_valid(va + (nr_pages << PAGE_SHIFT) - 1)) {
		mutex_lock(&sim_lock);
		sim_conv_rejects++;
		mutex_unlock(&sim_lock);
		return -EFAULT;
	}
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	ret = set_memory_decrypted((unsigned long)va, nr_pages);
	if (ret) {
		kfree(r);
		return ret;
	}
	r->pfn = PHYS_PFN(__pa(va));
	r->nr = nr_pages;
	mutex_lock(&sim_lock);
	list_add(&r->node, &sim_shared);
	sim_shared_bytes += nr_pages << PAGE_SHIFT;
	mutex_unlock(&sim_lock);
	return 0;
}

static int sim_set_private(void *va, unsigned long nr_pages)
{
	unsigned long pfn = PHYS_PFN(__pa(va));
	struct sim_range *r, *found = NULL;

	mutex_lock(&sim_lock);
	list_for_each_entry(r, &sim_shared, node) {
		if (r->pfn == pfn && r->nr == nr_pages) {
			found = r;
			break;
		}
	}
	if (found) {
		list_del(&found->node);
		sim_shared_bytes -= nr_pages << PAGE_SHIFT;
	}
	mutex_unlock(&sim_lock);
	if (!found) {
		pr_warn("guest converted back pages it never shared (pfn %#lx, %lu pages)\n",
			pfn, nr_pages);
		return -EINVAL;
	}
	kfree(found);
	return set_memory_encrypted((unsigned long)va, nr_pages);
}

static u64 sim_shared_gpa(phys_addr_t pa)
{
	return pa | SIM_SHARED_BIT;
}

const struct tdxq_host_ops tdx_quote_sim_host_ops = {
	.name = "sim",
	.get_report = sim_get_report,
	.get_quote = sim_get_quote,
	.notify_supported = sim_notify_supported,
	.setup_notify = sim_setup_notify,
	.quote_max_size = sim_quote_max_size,
	.set_shared = sim_set_shared,
	.set_private = sim_set_private,
	.shared_gpa = sim_shared_gpa,
};
EXPORT_SYMBOL_GPL(tdx_quote_sim_host_ops);

static void sim_debugfs_init(void)
{
	sim_debugfs = debugfs_create_dir("tdx_quote_sim", NULL);
	debugfs_create_u64("inflight", 0444, sim_debugfs, &sim_inflight);
	debugfs_create_u64("quotes", 0444, sim_debugfs, &sim_quotes);
	debugfs_create_u64("irqs_sent", 0444, sim_debugfs, &sim_irqs_sent);
	debugfs_create_u64("retries", 0444, sim_debugfs, &sim_retries);
	debugfs_create_u64("rejects_private", 0444, sim_debugfs,
			   &sim_rejects_private);
	debugfs_create_u64("rejects_inuse", 0444, sim_debugfs,
			   &sim_rejects_inuse);
	debugfs_create_u64("rejects_invalid", 0444, sim_debugfs,
			   &sim_rejects_invalid);
	debugfs_create_u64("conv_rejects", 0444, sim_debugfs,
			   &sim_conv_rejects);
	debugfs_create_u64("shared_bytes", 0444, sim_debugfs,
			   &sim_shared_bytes);
	debugfs_create_u64("violations", 0444, sim_debugfs, &sim_violations);
}

static int __init sim_init(void)
{
	sim_wq = alloc_workqueue("tdx_quote_sim", WQ_UNBOUND, 0);
	if (!sim_wq)
		return -ENOMEM;
	sim_debugfs_init();
	pr_info("simulated TDX host ready (service %u us, quote %lu bytes)\n",
		service_us, quote_size);
	return 0;
}

/* Nothing uses the ops any more: drop what is still pending, unanswered. */
static void __exit sim_exit(void)
{
	struct sim_req *req, *tmp;
	struct sim_range *r, *rtmp;

	mutex_lock(&sim_lock);
	WRITE_ONCE(sim_stopping, true);
	list_for_each_entry(req, &sim_reqs, node)
		hrtimer_cancel(&req->timer);
	mutex_unlock(&sim_lock);
	/* Queued completions see sim_stopping and only free themselves. */
	destroy_workqueue(sim_wq);
	list_for_each_entry_safe(req, tmp, &sim_reqs, node) {
		list_del(&req->node);
		kfree(req);
	}
	list_for_each_entry_safe(r, rtmp, &sim_shared, node) {
		list_del(&r->node);
		kfree(r);
	}
	debugfs_remove_recursive(sim_debugfs);
}

module_init(sim_init);
module_exit(sim_exit);

MODULE_DESCRIPTION("Simulated TDX host for testing tdx_quote (never for production)");
MODULE_LICENSE("GPL");
MODULE_VERSION(TDXQ_VERSION);
