/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host-ops seam: everything the module asks of the world outside the
 * guest goes through one of these. The real implementation issues TDCALLs;
 * the simulated host (a separate module, tdx_quote_sim) provides another.
 */
#ifndef TDXQ_HOST_H
#define TDXQ_HOST_H

#include <linux/types.h>

/**
 * struct tdxq_host_ops - what a host provides
 * @name: short name shown in INFO ("tdx", "sim")
 * @get_report: TDG.MR.REPORT. @tdreport is 1024 bytes, 1024-aligned,
 *	private; @reportdata is 64 bytes, 64-aligned. Returns the TDCALL
 *	status (0: success).
 * @get_quote: TDG.VP.VMCALL<GetQuote> on the shared buffer at @gpa of
 *	@size bytes. Returns the TDVMCALL status (R10).
 * @notify_supported: GetTdVmCallInfo: may SetupEventNotifyInterrupt be used?
 * @setup_notify: TDG.VP.VMCALL<SetupEventNotifyInterrupt>; runs on the
 *	CPU that is to receive @vector. Returns the TDVMCALL status.
 * @quote_max_size: what TDG.VM.RD of TDCS.QUOTE_MAX_SIZE left in R8 (the
 *	field is 32 bits: the caller takes those), or 0.
 * @set_shared: convert @nr_pages pages at linear-map address @va to shared.
 * @set_private: convert them back to private.
 * @shared_gpa: guest-physical address the host uses for physical @pa.
 * @extend_rtmr: TDG.MR.RTMR.EXTEND of RTMR @index with the 48 bytes at
 *	@data (private, 64-byte aligned). Returns the TDX module status
 *	(0 success, TDX_OPERAND_INVALID, TDX_OPERAND_BUSY, ...).
 */
struct tdxq_host_ops {
	const char *name;
	u64 (*get_report)(u8 *tdreport, const u8 *reportdata);
	u64 (*get_quote)(u64 gpa, u64 size);
	bool (*notify_supported)(void);
	u64 (*setup_notify)(u8 vector);
	u64 (*quote_max_size)(void);
	int (*set_shared)(void *va, unsigned long nr_pages);
	int (*set_private)(void *va, unsigned long nr_pages);
	u64 (*shared_gpa)(phys_addr_t pa);
	u64 (*extend_rtmr)(const u8 *data, u64 index);
};

/* Name of the symbol a host module exports (looked up with host=NAME). */
#define TDXQ_HOST_MODULE_PREFIX		"tdx_quote_"
#define TDXQ_HOST_SYMBOL_SUFFIX		"_host_ops"

#endif /* TDXQ_HOST_H */
