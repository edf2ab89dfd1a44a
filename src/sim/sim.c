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
 * Every host fault is a knob, off by default and writable at run time
 * (see "host faults" below); sim_fault_for() decides once, when a GetQuote
 * arrives, which of them that request gets.
 *
 * Counters are in /sys/kernel/debug/tdx_quote_sim/.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/set_memory.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/workqueue.h>
#include <asm/apic.h>
#include <asm/irq_vectors.h>

#include "tdxq_compat.h"
#include "tdxq_ghci.h"
#include "tdxq_host.h"
#include "tdxq_qgs.h"
#include "sim.h"

/*
 * Every way the guest can break the protocol is logged with this prefix:
 * tdxq-vmtest's kernel-log scan fails a group on it (its bad patterns).
 */
#define sim_protocol_warn(fmt, ...) \
	pr_warn("protocol violation: " fmt, ##__VA_ARGS__)

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
MODULE_PARM_DESC(host_max_quote, "what TDG.VM.RD of TDCS_QUOTE_MAX_SIZE leaves in R8 (a 32-bit field: bits above it are junk a guest must ignore), 0 for none (default 0)");

/*
 * ---- host faults ----
 *
 * Each knob is off by default and writable at run time. The request knobs
 * are read once per GetQuote, together, by sim_fault_for(); the conversion
 * knobs by sim_conv_fault(); the two triggers act when written.
 */

static int sim_code_set(const char *val, const struct kernel_param *kp)
{
	struct sim_code_knob *k = kp->arg;
	const struct sim_code_name *n;
	u64 code;

	if (sysfs_streq(val, "") || sysfs_streq(val, "none")) {
		k->on = false;
		return 0;
	}
	for (n = k->names; n->name; n++) {
		if (sysfs_streq(val, n->name)) {
			k->code = n->code;
			k->on = true;
			return 0;
		}
	}
	if (kstrtou64(val, 0, &code))
		return -EINVAL;
	k->code = code;
	k->on = true;
	return 0;
}

static int sim_code_get(char *buf, const struct kernel_param *kp)
{
	const struct sim_code_knob *k = kp->arg;
	const struct sim_code_name *n;

	if (!k->on)
		return scnprintf(buf, PAGE_SIZE, "none\n");
	for (n = k->names; n->name; n++) {
		if (n->code == k->code)
			return scnprintf(buf, PAGE_SIZE, "%s\n", n->name);
	}
	return scnprintf(buf, PAGE_SIZE, "%#llx\n", k->code);
}

const struct kernel_param_ops sim_code_ops = {
	.set = sim_code_set,
	.get = sim_code_get,
};

static const struct sim_code_name sim_vmcall_names[] = {
	{ "retry", TDVMCALL_RETRY },
	{ "invalid_operand", TDVMCALL_INVALID_OPERAND },
	{ "gpa_inuse", TDVMCALL_GPA_INUSE },
	{ "align_error", TDVMCALL_ALIGN_ERROR },
	{ "subfunc_unsupported", TDVMCALL_SUBFUNC_UNSUPPORTED },
	{ NULL, 0 }
};

static struct sim_code_knob fault_vmcall = { .names = sim_vmcall_names };
module_param_cb(fault_vmcall, &sim_code_ops, &fault_vmcall, 0644);
MODULE_PARM_DESC(fault_vmcall, "answer every GetQuote with this TDVMCALL status: retry, invalid_operand, gpa_inuse, align_error, subfunc_unsupported or a number (default none)");

static const struct sim_code_name sim_status_names[] = {
	{ "success", GET_QUOTE_SUCCESS },
	{ "error", GET_QUOTE_ERROR },
	{ "unavailable", GET_QUOTE_SERVICE_UNAVAILABLE },
	{ NULL, 0 }
};

static struct sim_code_knob fault_status = { .names = sim_status_names };
module_param_cb(fault_status, &sim_code_ops, &fault_status, 0644);
MODULE_PARM_DESC(fault_status, "complete every request with this status word: success, error, unavailable or a number (default none)");

static const struct sim_code_name sim_tdcall_names[] = {
	{ "operand_busy", TDX_OPERAND_BUSY },
	{ "invalid_operand", TDX_OPERAND_INVALID },
	{ NULL, 0 }
};

static struct sim_code_knob fault_report = { .names = sim_tdcall_names };
module_param_cb(fault_report, &sim_code_ops, &fault_report, 0644);
MODULE_PARM_DESC(fault_report, "the TDX module refuses every TDG.MR.REPORT with this status: operand_busy, invalid_operand or a number (default none)");

static bool fault_stuck;
module_param(fault_stuck, bool, 0644);
MODULE_PARM_DESC(fault_stuck, "never complete a request: its status stays IN_FLIGHT until complete_stuck is written (default 0)");

static bool fault_silent;
module_param(fault_silent, bool, 0644);
MODULE_PARM_DESC(fault_silent, "accept a request but never write its status, not even IN_FLIGHT (until complete_stuck is written; default 0)");

static unsigned int fault_out_len;
module_param(fault_out_len, uint, 0644);
MODULE_PARM_DESC(fault_out_len, "write an out_len this many bytes beyond the end of the buffer (default 0)");

static bool fault_overwrite;
module_param(fault_overwrite, bool, 0644);
MODULE_PARM_DESC(fault_overwrite, "write garbage after the quote, up to the end of the buffer (default 0)");

static unsigned int fault_flap_ms;
module_param(fault_flap_ms, uint, 0644);
MODULE_PARM_DESC(fault_flap_ms, "after completing, keep rewriting status and out_len for this long (default 0)");

static unsigned int irq_storm;
module_param(irq_storm, uint, 0644);
MODULE_PARM_DESC(irq_storm, "spurious notify interrupts sent before each completion (default 0)");

static bool irq_drop;
module_param(irq_drop, bool, 0644);
MODULE_PARM_DESC(irq_drop, "lose every completion's notify interrupt (default 0)");

static bool irq_dup;
module_param(irq_dup, bool, 0644);
MODULE_PARM_DESC(irq_dup, "send every completion's notify interrupt twice (default 0)");

static unsigned int conv_fail_shared;
module_param(conv_fail_shared, uint, 0644);
MODULE_PARM_DESC(conv_fail_shared, "fail the next N private-to-shared conversions (default 0)");

static unsigned int conv_fail_private;
module_param(conv_fail_private, uint, 0644);
MODULE_PARM_DESC(conv_fail_private, "fail the next N shared-to-private conversions (default 0)");

static unsigned int conv_fail_skip;
module_param(conv_fail_skip, uint, 0644);
MODULE_PARM_DESC(conv_fail_skip, "conv_fail_shared/private start failing after N more good conversions (default 0)");

/*
 * A guest kernel before 6.7 fails a conversion whose MapGPA the host
 * answered RETRY, and KVM answers so after each 2 MiB whenever the vCPU
 * has an event pending: on a busy TD any conversion over 2 MiB can fail.
 */
static unsigned long conv_max_bytes = SZ_2M;
module_param(conv_max_bytes, ulong, 0644);
MODULE_PARM_DESC(conv_max_bytes, "fail any single conversion larger than this, as a pre-6.7 guest kernel on a busy KVM host (default 2 MiB; 0: no limit)");

/*
 * ---- a slower, sloppier host ----
 *
 * Read with the request knobs, once per GetQuote (sim_fault_for()).
 */
static unsigned int jitter_us;
module_param(jitter_us, uint, 0644);
MODULE_PARM_DESC(jitter_us, "add a random 0..N microseconds to each request's service time: a later request may finish first (default 0)");

static unsigned int notify_delay_us;
module_param(notify_delay_us, uint, 0644);
MODULE_PARM_DESC(notify_delay_us, "raise each completion's notify interrupt this long after its status (default 0)");

static unsigned int out_len_late_us;
module_param(out_len_late_us, uint, 0644);
MODULE_PARM_DESC(out_len_late_us, "write the status (and raise the interrupt) first and out_len this long after it (default 0: out_len first, as QEMU)");

/* A range of pages the guest converted to shared. */
struct sim_range {
	struct list_head node;
	unsigned long pfn;
	unsigned long nr;
};

/* The faults one request gets, decided when it arrives (sim_fault_for()). */
struct sim_fault {
	bool vmcall;
	u64 vmcall_code;
	bool status;
	u64 status_code;
	bool stuck;
	bool silent;
	u32 out_len_extra;
	bool overwrite;
	unsigned int flap_ms;
	unsigned int irq_storm;
	bool irq_drop;
	bool irq_dup;
	unsigned int jitter_us;
	unsigned int notify_delay_us;
	unsigned int out_len_late_us;
};

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

static DEFINE_MUTEX(sim_lock);
static bool sim_stopping;
static LIST_HEAD(sim_shared);
static LIST_HEAD(sim_leaked);	/* ranges whose conversion failed */
static LIST_HEAD(sim_reqs);
static LIST_HEAD(sim_flaps);
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
static u64 sim_faults;		/* requests a fault knob applied to */
static u64 sim_irqs_dropped;	/* completion interrupts lost on purpose */
static u64 sim_irqs_storm;	/* spurious interrupts sent */
static u64 sim_flapping;	/* buffers being rewritten now */
static u64 sim_flap_writes;
static u64 sim_conv_failures;	/* conversions failed on purpose */
static u64 sim_leaked_bytes;	/* in ranges whose conversion failed */
static u64 sim_dirty;		/* GetQuotes with stale bytes after the payload */
static u64 sim_junk_bytes;	/* garbage written after quotes (fault_overwrite) */
static u64 sim_overtakes;	/* completions while an older request waited */
static u64 sim_late_out_lens;	/* out_len written after the status */
static u64 sim_shared_max;	/* high-water mark of sim_shared_bytes */
static u64 sim_selftest_freed;	/* selftest_violation=leaked_freed */

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

static void sim_gpa_write_out_len(u64 pa, u32 out_len)
{
	u32 *va = kmap_local_page(pfn_to_page(PHYS_PFN(pa)));

	WRITE_ONCE(va[offsetof(struct tdx_quote_buf_hdr, out_len) / 4], out_len);
	kunmap_local(va);
}

/* Host garbage, SIM_JUNK over and over, in @len bytes from @pa. */
#define SIM_JUNK	"HOSTJUNK"

static void sim_gpa_junk(u64 pa, size_t len)
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
static bool sim_gpa_zero(u64 pa, size_t len)
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
static bool sim_is_shared(u64 pa, u64 size)
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

/* Does [pfn, pfn + nr) overlap a range on @list? */
static bool sim_overlaps(struct list_head *list, unsigned long pfn,
			 unsigned long nr)
{
	struct sim_range *r;

	list_for_each_entry(r, list, node) {
		if (pfn < r->pfn + r->nr && r->pfn < pfn + nr)
			return true;
	}
	return false;
}

/* Is every page of [pa, pa + size) still allocated, not freed? */
static bool sim_pages_live(u64 pa, u64 size)
{
	unsigned long pfn = PHYS_PFN(pa), nr = size >> PAGE_SHIFT;

	for (; nr; nr--, pfn++) {
		if (!page_ref_count(pfn_to_page(pfn)))
			return false;
	}
	return true;
}

/* May the host write [pa, pa + size): still shared and not freed? */
static bool sim_writable(u64 pa, u64 size)
{
	return sim_is_shared(pa, size) && sim_pages_live(pa, size);
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

/* ---- host faults: who gets which ---- */

/*
 * The one place that decides how a GetQuote goes wrong: a snapshot of the
 * request knobs, taken under the parameter lock so that a write through
 * sysfs is never seen half-way. Called without sim_lock.
 * Return: true if any fault applies.
 */
static bool sim_fault_for(struct sim_fault *f)
{
	kernel_param_lock(THIS_MODULE);
	f->vmcall = fault_vmcall.on;
	f->vmcall_code = fault_vmcall.code;
	f->status = fault_status.on;
	f->status_code = fault_status.code;
	f->silent = fault_silent;
	f->stuck = fault_stuck || f->silent;
	f->out_len_extra = fault_out_len;
	f->overwrite = fault_overwrite;
	f->flap_ms = fault_flap_ms;
	f->irq_storm = irq_storm;
	f->irq_drop = irq_drop;
	f->irq_dup = irq_dup;
	f->jitter_us = jitter_us;
	f->notify_delay_us = notify_delay_us;
	f->out_len_late_us = out_len_late_us;
	kernel_param_unlock(THIS_MODULE);
	return f->vmcall || f->status || f->stuck || f->out_len_extra ||
	       f->overwrite || f->flap_ms || f->irq_storm || f->irq_drop ||
	       f->irq_dup || f->jitter_us || f->notify_delay_us ||
	       f->out_len_late_us;
}

/*
 * Is this conversion of @nr_pages to fail? Too large for conv_max_bytes,
 * or conv_fail_shared/private (@knob) armed and conv_fail_skip used up;
 * counts them down.
 */
static bool sim_conv_fault(unsigned int *knob, unsigned long nr_pages)
{
	bool fail = false;

	kernel_param_lock(THIS_MODULE);
	if (conv_max_bytes && nr_pages << PAGE_SHIFT > conv_max_bytes) {
		fail = true;
	} else if (*knob) {
		if (conv_fail_skip) {
			conv_fail_skip--;
		} else {
			fail = true;
			(*knob)--;
		}
	}
	kernel_param_unlock(THIS_MODULE);
	return fail;
}

/* ---- notify interrupts ---- */

static void sim_raise_notify(void)
{
	int cpu = READ_ONCE(sim_notify_cpu);

	if (!notify || cpu < 0 || !cpu_online(cpu))
		return;
	/* Counted first: the guest may look as soon as it is handled. */
	sim_irqs_sent++;
	apic->send_IPI(cpu, READ_ONCE(sim_notify_vector));
}

struct sim_storm {
	struct work_struct work;
	int cpu;
	u8 vector;
	unsigned int n;
	unsigned int sent;
};

/*
 * Runs on the notify CPU and sends the vector to itself with interrupts
 * off, then takes it when they come back on: one interrupt each, none
 * merged into a vector still pending, so the guest can count them all.
 */
static void sim_storm_fn(struct work_struct *work)
{
	struct sim_storm *st = container_of(work, struct sim_storm, work);
	unsigned int i;

	for (i = 0; i < st->n; i++) {
		local_irq_disable();
		if (smp_processor_id() == st->cpu) {
			apic->send_IPI_self(st->vector);
			st->sent++;
		}
		local_irq_enable();
		if (!(i % 64))
			cond_resched();
	}
}

/* Send @n spurious notify interrupts; counted in irqs_storm. */
static void sim_storm(unsigned int n)
{
	struct sim_storm st = { .n = n };

	if (!n)
		return;
	cpus_read_lock();
	st.cpu = READ_ONCE(sim_notify_cpu);
	st.vector = READ_ONCE(sim_notify_vector);
	if (notify && st.cpu >= 0 && cpu_online(st.cpu)) {
		INIT_WORK_ONSTACK(&st.work, sim_storm_fn);
		queue_work_on(st.cpu, system_highpri_wq, &st.work);
		flush_work(&st.work);
		destroy_work_on_stack(&st.work);
	}
	cpus_read_unlock();

	mutex_lock(&sim_lock);
	sim_irqs_storm += st.sent;
	mutex_unlock(&sim_lock);
}

/* ---- host ops ---- */

/* Reports carry the measurement registers as they are now (sim_measure.c). */
static u64 sim_get_report(u8 *tdreport, const u8 *reportdata)
{
	u64 status = 0;

	kernel_param_lock(THIS_MODULE);
	if (fault_report.on)
		status = fault_report.code;
	kernel_param_unlock(THIS_MODULE);
	if (status) {
		mutex_lock(&sim_lock);
		sim_faults++;
		mutex_unlock(&sim_lock);
		return status;
	}
	sim_fill_tdreport(tdreport, reportdata);
	return 0;
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
			sim_flap_writes++;
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
	sim_flapping--;
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
			sim_late_out_lens++;
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
		sim_violations++;
		sim_protocol_warn("guest converted a buffer back while its GetQuote was in flight (gpa %#llx)\n",
				  req->pa);
		goto out;
	}
	if (!sim_pages_live(req->pa, req->size)) {
		sim_violations++;
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
				sim_junk_bytes += room - len;
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
		sim_overtakes++;
	list_del(&req->node);
	sim_inflight--;
	retired = true;
	/* Quote and out_len before the status, as QEMU does. */
	smp_wmb();
	sim_gpa_write_status(req->pa, status);
	sim_quotes++;
	if (f->irq_drop) {
		sim_irqs_dropped++;
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
		sim_flapping++;
		queue_work(sim_wq, &fl->work);
		fl = NULL;
	}
out:
	if (!retired) {
		list_del(&req->node);
		sim_inflight--;
	}
	mutex_unlock(&sim_lock);

	if (retired)
		sim_complete_late(req, out_len);
	kfree(fl);
	kvfree(quote);
	kfree(req);
}

static u64 sim_get_quote(u64 gpa, u64 size)
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
		sim_rejects_invalid++;
		ret = TDVMCALL_INVALID_OPERAND;
		goto out;
	}
	if (!IS_ALIGNED(gpa, GET_QUOTE_ALIGN) || !IS_ALIGNED(size, GET_QUOTE_ALIGN)) {
		sim_rejects_invalid++;
		ret = TDVMCALL_ALIGN_ERROR;
		goto out;
	}
	if (sim_overlaps(&sim_leaked, PHYS_PFN(pa), size >> PAGE_SHIFT)) {
		sim_violations++;
		sim_protocol_warn("guest handed over pages whose conversion had failed (gpa %#llx)\n",
				  pa);
		ret = TDVMCALL_INVALID_OPERAND;
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
	/* The guest has the range back: the host is done rewriting it. */
	sim_flap_stop(pa, size);
	if (fault.vmcall) {
		sim_faults++;
		if (fault.vmcall_code == TDVMCALL_RETRY)
			sim_retries++;
		ret = fault.vmcall_code;
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
	/* The guest hands over its payload and zeros, nothing stale. */
	if (!sim_gpa_zero(pa + GET_QUOTE_HDR_LEN + hdr.in_len,
			  size - GET_QUOTE_HDR_LEN - hdr.in_len)) {
		sim_dirty++;
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
		sim_faults++;
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
	sim_inflight++;
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
	bool failed = false;
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
	if (sim_overlaps(&sim_leaked, r->pfn, nr_pages)) {
		sim_violations++;
		sim_protocol_warn("guest converted pages again whose conversion had failed (pfn %#lx)\n",
				  r->pfn);
	}
	mutex_unlock(&sim_lock);

	if (failed || sim_conv_fault(&conv_fail_shared, nr_pages)) {
		/* Unknown state now: the guest must never use or free them. */
		mutex_lock(&sim_lock);
		list_add(&r->node, &sim_leaked);
		sim_leaked_bytes += nr_pages << PAGE_SHIFT;
		if (!failed)
			sim_conv_failures++;
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
	sim_shared_bytes += nr_pages << PAGE_SHIFT;
	sim_shared_max = max(sim_shared_max, sim_shared_bytes);
	mutex_unlock(&sim_lock);
	return 0;
}

static int sim_set_private(void *va, unsigned long nr_pages)
{
	unsigned long pfn = PHYS_PFN(__pa(va));
	struct sim_range *r, *found = NULL;
	bool fail;

	fail = sim_conv_fault(&conv_fail_private, nr_pages);
	mutex_lock(&sim_lock);
	r = sim_shared_range(pfn, nr_pages);
	if (r) {
		if (sim_is_inuse(PFN_PHYS(pfn), nr_pages << PAGE_SHIFT)) {
			sim_violations++;
			sim_protocol_warn("guest converted back a buffer whose GetQuote is in flight (pfn %#lx)\n",
					  pfn);
		}
		found = sim_shared_cut(r, pfn, nr_pages);
		if (!found) {
			mutex_unlock(&sim_lock);
			return -ENOMEM;
		}
		sim_shared_bytes -= nr_pages << PAGE_SHIFT;
		if (fail) {
			/* Still shared as far as anyone knows: never to be freed. */
			list_add(&found->node, &sim_leaked);
			sim_leaked_bytes += nr_pages << PAGE_SHIFT;
			sim_conv_failures++;
		}
	} else {
		sim_violations++;
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
	.extend_rtmr = sim_measure_extend,
};
EXPORT_SYMBOL_GPL(tdx_quote_sim_host_ops);

/* ---- triggers: write-only parameters that act when written ---- */

static int sim_storm_now_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int ret;

	ret = kstrtouint(val, 0, &n);
	if (ret)
		return ret;
	sim_storm(n);
	return 0;
}

static const struct kernel_param_ops sim_storm_now_ops = {
	.set = sim_storm_now_set,
};
module_param_cb(irq_storm_now, &sim_storm_now_ops, NULL, 0200);
MODULE_PARM_DESC(irq_storm_now, "write N: send N spurious notify interrupts now");

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

/*
 * The harness's own check: write a protocol counter's name and the sim
 * counts (and logs) one violation of that kind, as if the guest had made
 * it. tdxq-vmtest's "gates" group shows with it that its teardown fails.
 */
static int sim_selftest_set(const char *val, const struct kernel_param *kp)
{
	static const struct {
		const char *name;
		u64 *counter;
	} counters[] = {
		{ "violations", &sim_violations },
		{ "dirty", &sim_dirty },
		{ "rejects_inuse", &sim_rejects_inuse },
		{ "leaked_freed", &sim_selftest_freed },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(counters); i++) {
		if (sysfs_streq(val, counters[i].name))
			break;
	}
	if (i == ARRAY_SIZE(counters))
		return -EINVAL;
	mutex_lock(&sim_lock);
	(*counters[i].counter)++;
	mutex_unlock(&sim_lock);
	sim_protocol_warn("self-test: one %s counted on request\n",
			  counters[i].name);
	return 0;
}

static const struct kernel_param_ops sim_selftest_ops = {
	.set = sim_selftest_set,
};
module_param_cb(selftest_violation, &sim_selftest_ops, NULL, 0200);
MODULE_PARM_DESC(selftest_violation, "write violations, dirty, rejects_inuse or leaked_freed: count one (the harness's check of its own gate)");

/* ---- debugfs ---- */

/* Pages of ranges whose conversion failed that the guest freed anyway. */
static int sim_leaked_freed_get(void *data, u64 *val)
{
	struct sim_range *r;
	unsigned long i;
	u64 n = 0;

	mutex_lock(&sim_lock);
	list_for_each_entry(r, &sim_leaked, node) {
		for (i = 0; i < r->nr; i++) {
			if (!page_ref_count(pfn_to_page(r->pfn + i)))
				n++;
		}
	}
	n += sim_selftest_freed;
	mutex_unlock(&sim_lock);
	*val = n;
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(sim_leaked_freed_fops, sim_leaked_freed_get, NULL,
			 "%llu\n");

/* The high-water mark; any write starts it again from what is shared now. */
static int sim_shared_max_get(void *data, u64 *val)
{
	*val = READ_ONCE(sim_shared_max);
	return 0;
}

static int sim_shared_max_set(void *data, u64 val)
{
	mutex_lock(&sim_lock);
	sim_shared_max = sim_shared_bytes;
	mutex_unlock(&sim_lock);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(sim_shared_max_fops, sim_shared_max_get,
			 sim_shared_max_set, "%llu\n");

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
	debugfs_create_u64("faults", 0444, sim_debugfs, &sim_faults);
	debugfs_create_u64("irqs_dropped", 0444, sim_debugfs,
			   &sim_irqs_dropped);
	debugfs_create_u64("irqs_storm", 0444, sim_debugfs, &sim_irqs_storm);
	debugfs_create_u64("flapping", 0444, sim_debugfs, &sim_flapping);
	debugfs_create_u64("flap_writes", 0444, sim_debugfs, &sim_flap_writes);
	debugfs_create_u64("conv_failures", 0444, sim_debugfs,
			   &sim_conv_failures);
	debugfs_create_u64("leaked_bytes", 0444, sim_debugfs,
			   &sim_leaked_bytes);
	debugfs_create_u64("dirty", 0444, sim_debugfs, &sim_dirty);
	debugfs_create_file_unsafe("leaked_freed", 0444, sim_debugfs, NULL,
				   &sim_leaked_freed_fops);
	sim_measure_debugfs(sim_debugfs);
	debugfs_create_u64("junk_bytes", 0444, sim_debugfs, &sim_junk_bytes);
	debugfs_create_u64("overtakes", 0444, sim_debugfs, &sim_overtakes);
	debugfs_create_u64("late_out_lens", 0444, sim_debugfs,
			   &sim_late_out_lens);
	debugfs_create_file_unsafe("shared_bytes_max", 0644, sim_debugfs, NULL,
				   &sim_shared_max_fops);
}

static int __init sim_init(void)
{
	sim_wq = alloc_workqueue("tdx_quote_sim", WQ_UNBOUND, 0);
	if (!sim_wq)
		return -ENOMEM;
	sim_measure_init();
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
	/* Queued completions and rewrites see sim_stopping and only end. */
	destroy_workqueue(sim_wq);
	list_for_each_entry_safe(req, tmp, &sim_reqs, node) {
		list_del(&req->node);
		kfree(req);
	}
	list_for_each_entry_safe(r, rtmp, &sim_shared, node) {
		list_del(&r->node);
		kfree(r);
	}
	list_for_each_entry_safe(r, rtmp, &sim_leaked, node) {
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
