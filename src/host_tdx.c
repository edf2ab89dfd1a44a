// SPDX-License-Identifier: GPL-2.0
/*
 * The real host: TDCALLs issued by this module itself, so that it works on
 * kernels that export none of the kernel's own TDX helpers.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cc_platform.h>
#include <linux/errno.h>
#include <linux/io.h>
#include <linux/printk.h>
#include <linux/set_memory.h>
#include <asm/cpufeature.h>

#include "tdxq.h"
#include "tdxq_compat.h"
#include "tdxq_ghci.h"

/* The TDCALL instruction: 66 0f 01 cc */
#define TDCALL_INSN		".byte 0x66,0x0f,0x01,0xcc"

/* TDG.VP.VMCALL: expose R10..R15 to the host */
#define TDVMCALL_EXPOSE_REGS	0xfc00ULL

static u64 tdxq_shared_mask;

static u64 tdxq_tdcall(u64 leaf, u64 rcx, u64 rdx, u64 r8, u64 *out_rcx,
		       u64 *out_r8)
{
	register u64 r8_reg asm("r8") = r8;
	u64 rax = leaf;

	asm volatile(TDCALL_INSN
		     : "+a"(rax), "+c"(rcx), "+d"(rdx), "+r"(r8_reg)
		     :
		     : "r9", "r10", "r11", "memory");
	if (out_rcx)
		*out_rcx = rcx;
	if (out_r8)
		*out_r8 = r8_reg;
	return rax;
}

static u64 tdxq_vmcall(u64 fn, u64 arg12, u64 arg13, u64 *out11)
{
	register u64 r10 asm("r10") = 0;	/* GHCI standard call */
	register u64 r11 asm("r11") = fn;
	register u64 r12 asm("r12") = arg12;
	register u64 r13 asm("r13") = arg13;
	register u64 r14 asm("r14") = 0;
	register u64 r15 asm("r15") = 0;
	u64 rax = TDG_VP_VMCALL;
	u64 rcx = TDVMCALL_EXPOSE_REGS;

	asm volatile(TDCALL_INSN
		     : "+a"(rax), "+c"(rcx), "+r"(r10), "+r"(r11),
		       "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15)
		     :
		     : "rdx", "rsi", "rdi", "r8", "r9", "memory");
	if (rax) {
		pr_err_ratelimited("TDG.VP.VMCALL %#llx failed in the TDX module: %#llx\n",
				   fn, rax);
		return TDVMCALL_INVALID_OPERAND;
	}
	if (out11)
		*out11 = r11;
	return r10;
}

/**
 * tdxq_tdx_guest_detected() - is this an Intel TDX guest?
 *
 * Return: true inside a TD.
 */
bool tdxq_tdx_guest_detected(void)
{
	/*
	 * The kernel's own verdict: it sets X86_FEATURE_TDX_GUEST only in a
	 * TD, and a TD cannot boot a kernel without CONFIG_INTEL_TDX_GUEST.
	 * Raw CPUID is not enough: where the hypervisor controls it (SEV),
	 * a spoofed "IntelTDX" signature would have this module execute
	 * TDCALL and take #UD.
	 */
	return cpu_feature_enabled(X86_FEATURE_TDX_GUEST);
}

/**
 * tdxq_tdx_host_init() - learn the shared-GPA bit from TDG.VP.INFO
 *
 * Return: 0, -ENODEV if the kernel cannot convert memory to shared, or
 * -EIO if the TDX module does not answer.
 */
int tdxq_tdx_host_init(void)
{
	u64 rcx = 0, status;
	unsigned int gpaw;

	/* Without the kernel's TDX support set_memory_decrypted() is a no-op. */
	if (!cc_platform_has(CC_ATTR_GUEST_MEM_ENCRYPT)) {
		pr_err("this kernel cannot share memory with the TDX host (built without CONFIG_INTEL_TDX_GUEST?)\n");
		return -ENODEV;
	}

	status = tdxq_tdcall(TDG_VP_INFO, 0, 0, 0, &rcx, NULL);
	gpaw = rcx & 0x3f;
	if (status || gpaw < 32) {
		pr_err("TDG.VP.INFO failed (%#llx, gpaw %u)\n", status, gpaw);
		return -EIO;
	}
	tdxq_shared_mask = BIT_ULL(gpaw - 1);
	return 0;
}

static u64 tdxq_tdx_get_report(u8 *tdreport, const u8 *reportdata)
{
	return tdxq_tdcall(TDG_MR_REPORT, virt_to_phys(tdreport),
			   virt_to_phys((void *)reportdata), 0, NULL, NULL);
}

static u64 tdxq_tdx_get_quote(u64 gpa, u64 size)
{
	return tdxq_vmcall(TDVMCALL_GET_QUOTE, gpa, size, NULL);
}

static bool tdxq_tdx_notify_supported(void)
{
	u64 r11 = 0;

	if (tdxq_vmcall(TDVMCALL_GET_TD_VM_CALL_INFO,
			TDVMCALL_INFO_LEAF_SUBFUNCS, 0, &r11))
		return false;
	return r11 & TDVMCALL_INFO_NOTIFY_INTR;
}

static u64 tdxq_tdx_setup_notify(u8 vector)
{
	return tdxq_vmcall(TDVMCALL_SETUP_NOTIFY_INTR, vector, 0, NULL);
}

static u64 tdxq_tdx_quote_max_size(void)
{
	u64 value = 0;

	/* TDG.VM.RD exists from TDX module 1.5; older ones fail the call. */
	if (tdxq_tdcall(TDG_VM_RD, 0, TDCS_QUOTE_MAX_SIZE, 0, NULL, &value))
		return 0;
	return value;
}

static int tdxq_tdx_set_shared(void *va, unsigned long nr_pages)
{
	return set_memory_decrypted((unsigned long)va, nr_pages);
}

static int tdxq_tdx_set_private(void *va, unsigned long nr_pages)
{
	return set_memory_encrypted((unsigned long)va, nr_pages);
}

static u64 tdxq_tdx_shared_gpa(phys_addr_t pa)
{
	return pa | tdxq_shared_mask;
}

static u64 tdxq_tdx_extend_rtmr(const u8 *data, u64 index)
{
	return tdxq_tdcall(TDG_MR_RTMR_EXTEND, virt_to_phys((void *)data),
			   index, 0, NULL, NULL);
}

const struct tdxq_host_ops tdxq_tdx_host_ops = {
	.name = "tdx",
	.get_report = tdxq_tdx_get_report,
	.get_quote = tdxq_tdx_get_quote,
	.notify_supported = tdxq_tdx_notify_supported,
	.setup_notify = tdxq_tdx_setup_notify,
	.quote_max_size = tdxq_tdx_quote_max_size,
	.set_shared = tdxq_tdx_set_shared,
	.set_private = tdxq_tdx_set_private,
	.shared_gpa = tdxq_tdx_shared_gpa,
	.extend_rtmr = tdxq_tdx_extend_rtmr,
};
