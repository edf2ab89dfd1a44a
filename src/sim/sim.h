/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tdx_quote_sim: what the files of the simulated host share (the parts
 * are listed in sim_main.c).
 */
#ifndef TDXQ_SIM_H
#define TDXQ_SIM_H

#include <linux/bits.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/types.h>

#include "tdxq_host.h"

struct dentry;

/*
 * Every way the guest can break the protocol is logged with this prefix:
 * tdxq-vmtest's kernel-log scan fails a group on it (its bad patterns).
 */
#define sim_protocol_warn(fmt, ...) \
	pr_warn("protocol violation: " fmt, ##__VA_ARGS__)

/* GPAW 52: the shared bit of the simulated guest-physical address space */
#define SIM_SHARED_BIT		BIT_ULL(51)

/* Guards the host's state: shared ranges, requests, counters (sim_main.c). */
extern struct mutex sim_lock;

/**
 * struct sim_counters - what the host saw, in debugfs (sim_counters.c);
 *	changed under sim_lock
 * @inflight: GetQuote requests being worked on
 * @quotes: requests completed
 * @irqs_sent: notify interrupts raised
 * @retries: RETRY answers
 * @rejects_private: GetQuote on memory not shared
 * @rejects_inuse: GetQuote on a range already in flight
 * @rejects_invalid: INVALID_OPERAND or ALIGN_ERROR answers
 * @conv_rejects: conversions refused (not a linear-map address)
 * @shared_bytes: memory shared now
 * @violations: the guest broke the protocol
 * @faults: requests (and reports) a fault knob applied to
 * @irqs_dropped: completion interrupts lost on purpose
 * @irqs_storm: spurious interrupts sent
 * @flapping: buffers being rewritten now (fault_flap_ms)
 * @flap_writes: rewrites of status and out_len
 * @conv_failures: conversions failed on purpose
 * @leaked_bytes: in ranges whose conversion failed
 * @dirty: GetQuotes with stale bytes after the payload
 * @junk_bytes: garbage written after quotes (fault_overwrite)
 * @overtakes: completions while an older request waited
 * @late_out_lens: out_len written after the status
 * @shared_max: high-water mark of @shared_bytes
 * @selftest_freed: selftest_violation=leaked_freed
 */
struct sim_counters {
	u64 inflight;
	u64 quotes;
	u64 irqs_sent;
	u64 retries;
	u64 rejects_private;
	u64 rejects_inuse;
	u64 rejects_invalid;
	u64 conv_rejects;
	u64 shared_bytes;
	u64 violations;
	u64 faults;
	u64 irqs_dropped;
	u64 irqs_storm;
	u64 flapping;
	u64 flap_writes;
	u64 conv_failures;
	u64 leaked_bytes;
	u64 dirty;
	u64 junk_bytes;
	u64 overtakes;
	u64 late_out_lens;
	u64 shared_max;
	u64 selftest_freed;
};

extern struct sim_counters sim_count;

/**
 * sim_debugfs_init() - /sys/kernel/debug/tdx_quote_sim/ with the counters
 */
void sim_debugfs_init(void);

/**
 * sim_debugfs_exit() - remove it
 */
void sim_debugfs_exit(void);

/* ---- faults (sim_faults.c) ---- */

/**
 * struct sim_fault - the faults one request gets, decided when it arrives
 * @vmcall: answer the TDVMCALL with @vmcall_code (fault_vmcall)
 * @vmcall_code: that TDVMCALL status
 * @status: complete with @status_code (fault_status)
 * @status_code: that status word
 * @stuck: never complete until complete_stuck (fault_stuck)
 * @silent: not even write IN_FLIGHT (fault_silent; implies @stuck)
 * @out_len_extra: out_len this far past the buffer (fault_out_len)
 * @overwrite: garbage after the quote (fault_overwrite)
 * @flap_ms: rewrite status and out_len for this long (fault_flap_ms)
 * @irq_storm: spurious interrupts before completing
 * @irq_drop: lose the completion interrupt
 * @irq_dup: send it twice
 * @jitter_us: up to this much more service time
 * @notify_delay_us: the interrupt this long after the status
 * @out_len_late_us: out_len this long after the status
 */
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

/**
 * sim_fault_for() - the request knobs as they are now, read together
 * @f: filled in
 *
 * The one place that decides how a GetQuote goes wrong. Called without
 * sim_lock.
 * Return: true if any fault applies.
 */
bool sim_fault_for(struct sim_fault *f);

/**
 * sim_conv_fault() - is this conversion to fail?
 * @to_shared: private to shared (conv_fail_shared), else back
 *	(conv_fail_private)
 * @nr_pages: its size
 *
 * Too large for conv_max_bytes, or the direction's knob armed and
 * conv_fail_skip used up; counts them down.
 * Return: true if it is to fail.
 */
bool sim_conv_fault(bool to_shared, unsigned long nr_pages);

/**
 * sim_report_fault() - what the TDX module answers TDG.MR.REPORT now
 * Return: 0, or the status fault_report names.
 */
u64 sim_report_fault(void);

/* A knob naming a status word: "none", one of a few names, or a number. */
struct sim_code_name {
	const char *name;
	u64 code;
};

/**
 * struct sim_code_knob - a status-word knob (module_param_cb with
 *	sim_code_ops); read it under kernel_param_lock()
 * @on: a code is set
 * @code: the status word
 * @names: the names it accepts, ending with a NULL name
 */
struct sim_code_knob {
	bool on;
	u64 code;
	const struct sim_code_name *names;
};

/* Parses and shows a struct sim_code_knob (sim_faults.c). */
extern const struct kernel_param_ops sim_code_ops;

/* What tdx_quote looks up with host=sim (sim_main.c). */
extern const struct tdxq_host_ops tdx_quote_sim_host_ops;

/* ---- guest memory (sim_memory.c) ---- */

/**
 * sim_gpa_copy() - copy to or from guest memory by physical address
 * @pa: guest-physical address (shared bit clear)
 * @buf: host-side buffer
 * @len: bytes
 * @to_guest: write the guest's memory, else read it
 */
void sim_gpa_copy(u64 pa, void *buf, size_t len, bool to_guest);

/**
 * sim_gpa_write_status() - write a GetQuote buffer's status word
 * @pa: the buffer
 * @status: the value
 */
void sim_gpa_write_status(u64 pa, u64 status);

/**
 * sim_gpa_write_out_len() - write a GetQuote buffer's out_len
 * @pa: the buffer
 * @out_len: the value
 */
void sim_gpa_write_out_len(u64 pa, u32 out_len);

/**
 * sim_gpa_junk() - host garbage, "HOSTJUNK" over and over
 * @pa: from here
 * @len: bytes
 */
void sim_gpa_junk(u64 pa, size_t len);

/**
 * sim_gpa_zero() - is guest memory all zero?
 * @pa: from here
 * @len: bytes
 * Return: true if [@pa, @pa + @len) is all zero.
 */
bool sim_gpa_zero(u64 pa, size_t len);

/**
 * sim_is_shared() - did the guest share all of a range? Under sim_lock.
 * @pa: start
 * @size: bytes
 * Return: true if one shared range holds it (adjacent ones are merged).
 */
bool sim_is_shared(u64 pa, u64 size);

/**
 * sim_pages_live() - is every page of a range still allocated, not freed?
 * @pa: start
 * @size: bytes
 * Return: true if so.
 */
bool sim_pages_live(u64 pa, u64 size);

/**
 * sim_writable() - may the host write a range: shared and not freed?
 *	Under sim_lock.
 * @pa: start
 * @size: bytes
 * Return: true if so.
 */
bool sim_writable(u64 pa, u64 size);

/**
 * sim_is_leaked() - does a range overlap one whose conversion failed?
 *	Under sim_lock.
 * @pfn: first page
 * @nr: pages
 * Return: true if so: the guest must never use or convert those again.
 */
bool sim_is_leaked(unsigned long pfn, unsigned long nr);

/**
 * sim_leaked_freed_pages() - pages of ranges whose conversion failed that
 *	the guest freed anyway. Under sim_lock.
 * Return: their number.
 */
u64 sim_leaked_freed_pages(void);

/**
 * sim_set_shared() - host op set_shared: MapGPA to shared
 * @va: linear-map address
 * @nr_pages: pages
 * Return: 0, -EFAULT (not the linear map), -EIO (failed on purpose: the
 * pages are leaked), or what set_memory_decrypted() says.
 */
int sim_set_shared(void *va, unsigned long nr_pages);

/**
 * sim_set_private() - host op set_private: MapGPA back to private
 * @va: linear-map address
 * @nr_pages: pages
 * Return: 0, -EINVAL (never shared), -EIO (failed on purpose: leaked),
 * -ENOMEM, or what set_memory_encrypted() says.
 */
int sim_set_private(void *va, unsigned long nr_pages);

/**
 * sim_shared_gpa() - host op shared_gpa
 * @pa: physical address
 * Return: its shared GPA (with SIM_SHARED_BIT).
 */
u64 sim_shared_gpa(phys_addr_t pa);

/**
 * sim_memory_exit() - forget every range, at unload
 */
void sim_memory_exit(void);

/* ---- GetQuote and the quote service (sim_getquote.c) ---- */

/**
 * sim_get_quote() - host op get_quote: the GetQuote TDVMCALL
 * @gpa: shared GPA of the buffer
 * @size: its size
 * Return: the TDVMCALL status.
 */
u64 sim_get_quote(u64 gpa, u64 size);

/**
 * sim_in_flight() - does a range overlap a GetQuote being worked on?
 *	Under sim_lock.
 * @pa: start
 * @size: bytes
 * Return: true if so.
 */
bool sim_in_flight(u64 pa, u64 size);

/**
 * sim_service_init() - start the quote service
 * Return: 0 or -ENOMEM.
 */
int sim_service_init(void);

/**
 * sim_service_exit() - stop it: what is still pending is dropped,
 *	unanswered
 */
void sim_service_exit(void);

/* ---- notify interrupts (sim_notify.c) ---- */

/**
 * sim_raise_notify() - raise the registered vector on its CPU, if any.
 *	Under sim_lock (it counts irqs_sent).
 */
void sim_raise_notify(void);

/**
 * sim_storm() - send spurious notify interrupts; counted in irqs_storm
 * @n: how many
 */
void sim_storm(unsigned int n);

/**
 * sim_notify_supported() - host op notify_supported
 * Return: the notify knob.
 */
bool sim_notify_supported(void);

/**
 * sim_setup_notify() - host op setup_notify: SetupEventNotifyInterrupt,
 *	on the CPU that issues it
 * @vector: the vector
 * Return: the TDVMCALL status.
 */
u64 sim_setup_notify(u8 vector);

/* ---- TDREPORTs and quotes (sim_quote.c) ---- */

/**
 * sim_fill_tdreport() - a fake but well-formed TDREPORT_STRUCT
 * @tdreport: 1024 bytes out
 * @reportdata: 64 bytes, copied to offset 128
 */
void sim_fill_tdreport(u8 *tdreport, const u8 *reportdata);

/**
 * sim_quote_min_len() - smallest quote sim_build_quote() can produce
 * @version: 4 or 5
 * Return: bytes.
 */
size_t sim_quote_min_len(unsigned int version);

/**
 * sim_build_quote() - a v4 or v5 quote for a TDREPORT
 * @tdreport: 1024-byte TDREPORT the body is built from
 * @version: 4 or 5
 * @len: total length, at least sim_quote_min_len(); certification data
 *	pads it out
 * Return: kvmalloc()ed quote of @len bytes, or NULL.
 */
u8 *sim_build_quote(const u8 *tdreport, unsigned int version, size_t len);

/* ---- measurement registers (sim_measure.c) ---- */

/**
 * sim_measure_init() - MRTD, the config and owner fields and RTMR0..3 as
 * a freshly launched TD has them
 */
void sim_measure_init(void);

/**
 * sim_measure_fill() - write the registers, as they are now, into a
 * TDREPORT's TDINFO
 * @tdreport: 1024 bytes
 */
void sim_measure_fill(u8 *tdreport);

/**
 * sim_measure_extend() - TDG.MR.RTMR.EXTEND
 * @data: 48 bytes at a 64-byte aligned address (read through its
 *	physical address, as the TDX module does)
 * @index: RTMR index
 * Return: the TDX module status: 0, TDX_OPERAND_INVALID (misaligned
 * buffer, index above 3), TDX_OPERAND_BUSY, or what the fault knobs say.
 */
u64 sim_measure_extend(const u8 *data, u64 index);

/**
 * sim_measure_debugfs() - the extend counters, in the sim's debugfs dir
 * @dir: /sys/kernel/debug/tdx_quote_sim
 */
void sim_measure_debugfs(struct dentry *dir);

#endif /* TDXQ_SIM_H */
