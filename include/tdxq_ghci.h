/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GHCI definitions shared by the module and the simulated host:
 * TDCALL leaves, TDG.VP.VMCALL sub-functions and status codes, and the
 * GetQuote buffer header.
 */
#ifndef TDXQ_GHCI_H
#define TDXQ_GHCI_H

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/types.h>

/* TDCALL leaves (RAX) */
#define TDG_VP_VMCALL			0
#define TDG_VP_INFO			1
#define TDG_MR_RTMR_EXTEND		2
#define TDG_MR_REPORT			4
#define TDG_VM_RD			7

/*
 * TDX module status (RAX of a TDCALL): the upper 32 bits are the class,
 * the lower ones name the operand. Upstream maps these two to errnos.
 */
#define TDX_STATUS_CLASS(status)	((status) >> 32)
#define TDX_OPERAND_INVALID		0xC000010000000000ULL
#define TDX_OPERAND_BUSY		0x8000020000000000ULL

/*
 * A failed TDCALL's status as upstream reports it to callers
 * (tdx_mcall_get_report0(), tdx_mcall_extend_rtmr()).
 */
static inline int tdxq_tdcall_errno(u64 status)
{
	switch (TDX_STATUS_CLASS(status)) {
	case TDX_STATUS_CLASS(TDX_OPERAND_INVALID):
		return -ENXIO;
	case TDX_STATUS_CLASS(TDX_OPERAND_BUSY):
		return -EBUSY;
	default:
		return -EIO;
	}
}

/* TDG.VM.RD field: host-advertised maximum quote size */
#define TDCS_QUOTE_MAX_SIZE		0x9010000200000008ULL	/* a 32-bit field */

/* TDG.VP.VMCALL sub-functions (R11) */
#define TDVMCALL_GET_TD_VM_CALL_INFO	0x10000
#define TDVMCALL_GET_QUOTE		0x10002
#define TDVMCALL_SETUP_NOTIFY_INTR	0x10004

/* GetTdVmCallInfo(R12 = 1): R11 bit set when SetupEventNotifyInterrupt works */
#define TDVMCALL_INFO_LEAF_SUBFUNCS	1
#define TDVMCALL_INFO_NOTIFY_INTR	BIT_ULL(1)

/* TDG.VP.VMCALL status (R10) */
#define TDVMCALL_SUCCESS		0x0ULL
#define TDVMCALL_RETRY			0x1ULL
#define TDVMCALL_INVALID_OPERAND	0x8000000000000000ULL
#define TDVMCALL_GPA_INUSE		0x8000000000000001ULL
#define TDVMCALL_ALIGN_ERROR		0x8000000000000002ULL
#define TDVMCALL_SUBFUNC_UNSUPPORTED	0x8000000000000003ULL

/* GetQuote buffer status (written by the host) */
#define GET_QUOTE_SUCCESS		0x0ULL
#define GET_QUOTE_IN_FLIGHT		0xffffffffffffffffULL
#define GET_QUOTE_ERROR			0x8000000000000000ULL
#define GET_QUOTE_SERVICE_UNAVAILABLE	0x8000000000000001ULL

#define GET_QUOTE_BUF_VERSION		1
#define GET_QUOTE_ALIGN			4096

#define TDX_TDREPORT_LEN		1024
#define TDX_REPORTDATA_LEN		64
#define TDX_REPORTDATA_OFFSET		128

/* Measurement registers: SHA-384 sized, in TDINFO (TDREPORT offset 512) */
#define TDX_MR_LEN			48
#define TDX_NR_RTMRS			4
#define TDX_TDREPORT_MRTD		528
#define TDX_TDREPORT_MRCONFIGID		576
#define TDX_TDREPORT_MROWNER		624
#define TDX_TDREPORT_MROWNERCONFIG	672
#define TDX_TDREPORT_RTMR0		720
/* TDG.MR.RTMR.EXTEND wants its 48-byte input 64-byte aligned */
#define TDX_RTMR_EXTEND_ALIGN		64

/**
 * struct tdx_quote_buf_hdr - header of the shared GetQuote buffer
 * @version: GET_QUOTE_BUF_VERSION, set by the guest
 * @status: GET_QUOTE_*, set by the host
 * @in_len: payload bytes in @data, set by the guest
 * @out_len: quote bytes in @data, set by the host
 * @data: payload in, quote out
 */
struct tdx_quote_buf_hdr {
	u64 version;
	u64 status;
	u32 in_len;
	u32 out_len;
	u8 data[];
};

#define GET_QUOTE_HDR_LEN	sizeof(struct tdx_quote_buf_hdr)

#endif /* TDXQ_GHCI_H */
