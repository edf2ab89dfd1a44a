/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tdx_quote.h - userspace ABI of the tdx_quote module (/dev/tdx_quote)
 *
 * The device turns a TDREPORT into a signed attestation Quote through the
 * TDG.VP.VMCALL<GetQuote> hypercall. Only root can open it (mode 0600).
 *
 * Extensibility: every structure passed by pointer may grow at its end.
 * The kernel takes the structure size from the ioctl number
 * (_IOC_SIZE(cmd)): a caller built against an older, shorter structure
 * gets the new fields as zero; a caller with a longer structure must
 * leave the bytes the kernel does not know at zero (-E2BIG otherwise).
 * Fields named "reserved" and undefined flag bits must be zero (-EINVAL).
 * Pointers travel as __u64. Unknown ioctl numbers fail with ENOTTY.
 */
#ifndef _UAPI_LINUX_TDX_QUOTE_H
#define _UAPI_LINUX_TDX_QUOTE_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define TDX_QUOTE_DEVICE		"/dev/tdx_quote"

#define TDX_QUOTE_REPORTDATA_LEN	64
#define TDX_QUOTE_TDREPORT_LEN		1024

/**
 * struct tdx_quote_report_req - TDREPORT request
 * @reportdata: in: 64 bytes of caller data, placed at TDREPORT offset 128
 * @tdreport: out: the TDREPORT_STRUCT
 *
 * Same layout and number as the upstream TDX_CMD_GET_REPORT0.
 */
struct tdx_quote_report_req {
	__u8 reportdata[TDX_QUOTE_REPORTDATA_LEN];
	__u8 tdreport[TDX_QUOTE_TDREPORT_LEN];
};

/*
 * TDX_QUOTE_CMD_GET_REPORT - get a TDREPORT (0xC4405401)
 *
 * Errors: EFAULT bad pointer; EBUSY the TDX module was busy (try again);
 * ENXIO or EIO the TDX module refused (TDG.MR.REPORT); ENOMEM no memory.
 */
#define TDX_QUOTE_CMD_GET_REPORT	_IOWR('T', 1, struct tdx_quote_report_req)

/**
 * struct tdx_quote_get_quote - Quote request
 * @flags: in: must be 0
 * @timeout_ms: in: give up after this long; 0 = module parameter timeout_ms;
 *	at most TDX_QUOTE_MAX_TIMEOUT_MS
 * @reportdata: in: 64 bytes of caller data, bound into the quote
 * @quote: in: user pointer to the output buffer
 * @quote_len: in: capacity of @quote; out: length of the quote, or on
 *	ENOSPC and EFBIG the length needed
 * @host_status: out: raw GetQuote status word the host wrote (0 success,
 *	0x8000000000000000 error, 0x8000000000000001 service unavailable,
 *	0xffffffffffffffff still in flight), for diagnosis
 * @vmcall_status: out: raw status of the last TDG.VP.VMCALL<GetQuote>
 *	(0 success, 1 retry, 0x8000000000000000 invalid operand, ...)
 * @buf_len: out: size of the shared buffer that carried the request
 * @reserved: must be 0
 */
struct tdx_quote_get_quote {
	__u32 flags;
	__u32 timeout_ms;
	__u8 reportdata[TDX_QUOTE_REPORTDATA_LEN];
	__u64 quote;
	__u64 quote_len;
	__u64 host_status;
	__u64 vmcall_status;
	__u64 buf_len;
	__u64 reserved[4];
};

#define TDX_QUOTE_MAX_TIMEOUT_MS	3600000U

/*
 * TDX_QUOTE_CMD_GET_QUOTE - get a Quote for a fresh TDREPORT
 *
 * The caller does not need to know the quote size: the module sizes the
 * shared buffer itself and grows it when the host says the quote did not
 * fit. Errors:
 *   EINVAL	flags or reserved fields not zero, timeout_ms above
 *		TDX_QUOTE_MAX_TIMEOUT_MS, or a structure too short to hold
 *		the fields before @reserved
 *   E2BIG	structure longer than the kernel knows, with non-zero tail
 *   EFAULT	bad pointer
 *   ENOSPC	the quote is longer than quote_len; quote_len says how long
 *		(that quote is discarded: a retry gets a fresh one)
 *   EFBIG	the quote needs a buffer larger than max_quote_size
 *   ETIMEDOUT	no answer within the timeout (the buffer stays with the
 *		host, quarantined, until the host lets go of it)
 *   EINTR	a signal arrived while waiting (same quarantine); with an
 *		SA_RESTART handler, or for the freezer, the call restarts and
 *		fetches a fresh quote instead
 *   EBUSY	the host kept answering RETRY until the timeout
 *   EHOSTDOWN	the host has no quote service (SERVICE_UNAVAILABLE)
 *   EIO	the host reported an error (status ERROR)
 *   EREMOTEIO	the host refused the GetQuote hypercall (vmcall_status)
 *   EPROTO	the host broke the protocol (out_len beyond the buffer,
 *		unknown status); logged, rate-limited
 *   ENOMEM	no memory for, or no conversion of, a shared buffer
 *   ENOBUFS	no new shared buffer: the host's failed conversions leaked
 *		more than the module's leak_max_bytes
 * Where the host is at fault (ETIMEDOUT with the buffer held, EBUSY,
 * EHOSTDOWN, EIO, EREMOTEIO, EPROTO, a failed conversion) the kernel log
 * says so, rate-limited.
 */
#define TDX_QUOTE_CMD_GET_QUOTE		_IOWR('T', 0x10, struct tdx_quote_get_quote)

/* notify_mode values */
#define TDX_QUOTE_NOTIFY_NONE		0	/* no host yet */
#define TDX_QUOTE_NOTIFY_IRQ		1	/* event-notify interrupt */
#define TDX_QUOTE_NOTIFY_POLL		2	/* adaptive polling */

/* host_framing values: the GetQuote payload the host wants */
#define TDX_QUOTE_FRAMING_RAW		1	/* raw TDREPORT (upstream QEMU) */
#define TDX_QUOTE_FRAMING_QGS		2	/* QGS-framed (pass-through hosts) */

/**
 * struct tdx_quote_stats - counters since the module was loaded
 * @requests: GET_QUOTE calls that reached the host path
 * @successes: quotes delivered
 * @fail_timeout: requests that timed out (ETIMEDOUT)
 * @fail_interrupted: requests interrupted by a signal (EINTR)
 * @fail_service_unavailable: host had no quote service (EHOSTDOWN)
 * @fail_host_error: host status ERROR (EIO)
 * @fail_host_protocol: host broke the protocol (EPROTO)
 * @fail_vmcall: GetQuote hypercall refused (EREMOTEIO)
 * @fail_busy: host answered RETRY until the timeout (EBUSY)
 * @fail_too_large: quote needed more than max_quote_size (EFBIG)
 * @fail_nomem: no memory or no conversion for a buffer (ENOMEM)
 * @fail_no_space: caller's buffer too small (ENOSPC)
 * @in_flight: requests now owned by the host and waited for
 * @quarantined: buffers now held back because the host still owns them
 * @conversions_shared: private-to-shared conversions
 * @conversions_private: shared-to-private conversions
 * @pooled_bytes: shared bytes now kept in the pool
 * @leaked_bytes: bytes given up: failed conversion, or host-owned at unload
 * @interrupts: event-notify interrupts received
 * @poll_wakeups: status re-checks woken by a timer rather than an interrupt
 * @host_retries: GetQuote answered RETRY
 * @buffer_grows: resubmits with a larger buffer
 * @spurious_interrupts: event-notify interrupts that came while no request
 *	was outstanding (none held a slot or had just ended): a host fault
 * @slot_waits: requests that found all max_inflight slots taken and queued
 *	for one (served in arrival order)
 *
 * The same values are readable as files in
 * /sys/class/misc/tdx_quote/stats/ (one file per field).
 */
struct tdx_quote_stats {
	__u64 requests;
	__u64 successes;
	__u64 fail_timeout;
	__u64 fail_interrupted;
	__u64 fail_service_unavailable;
	__u64 fail_host_error;
	__u64 fail_host_protocol;
	__u64 fail_vmcall;
	__u64 fail_busy;
	__u64 fail_too_large;
	__u64 fail_nomem;
	__u64 fail_no_space;
	__u64 in_flight;
	__u64 quarantined;
	__u64 conversions_shared;
	__u64 conversions_private;
	__u64 pooled_bytes;
	__u64 leaked_bytes;
	__u64 interrupts;
	__u64 poll_wakeups;
	__u64 host_retries;
	__u64 buffer_grows;
	__u64 spurious_interrupts;
	__u64 slot_waits;
};

/**
 * struct tdx_quote_info - module state
 * @version: module version string, NUL-terminated
 * @host: host name ("tdx" or the simulated host's name), NUL-terminated
 * @notify_mode: TDX_QUOTE_NOTIFY_*
 * @notify_vector: interrupt vector registered with the host (IRQ mode)
 * @notify_cpu: CPU the vector is bound to (IRQ mode)
 * @max_inflight: requests the module keeps in flight at most
 * @max_quote_size: largest shared buffer the module will use, bytes
 * @host_max_quote_size: host-advertised maximum, 0 if not advertised
 * @next_buf_len: shared buffer size the next request starts with
 * @timeout_ms: default request timeout
 * @host_framing: TDX_QUOTE_FRAMING_*, learned from the host's answers
 * @reserved: zero
 * @stats: counters
 */
struct tdx_quote_info {
	char version[16];
	char host[16];
	__u32 notify_mode;
	__u32 notify_vector;
	__u32 notify_cpu;
	__u32 max_inflight;
	__u64 max_quote_size;
	__u64 host_max_quote_size;
	__u64 next_buf_len;
	__u32 timeout_ms;
	__u32 host_framing;
	__u32 reserved[6];
	struct tdx_quote_stats stats;
};

/*
 * TDX_QUOTE_CMD_INFO - read limits, notification mode and counters
 *
 * Errors: EFAULT bad pointer.
 */
#define TDX_QUOTE_CMD_INFO		_IOR('T', 0x11, struct tdx_quote_info)

/*
 * Measurement registers. A TD has MRTD (the build-time measurement), three
 * fields the host sets at launch (MRCONFIGID, MROWNER, MROWNERCONFIG) and
 * four run-time measurement registers RTMR0..3, all 48 bytes. Extending
 * RTMR[i] with 48 bytes of data makes it SHA-384(RTMR[i] || data)
 * (TDG.MR.RTMR.EXTEND); nothing else changes a register. Every TDREPORT
 * and every quote carries the values of the moment.
 */
#define TDX_QUOTE_MR_LEN		48
#define TDX_QUOTE_NR_RTMRS		4

/**
 * struct tdx_quote_rtmr_extend - RTMR extend request
 * @flags: in: must be 0
 * @index: in: RTMR to extend, 0 to TDX_QUOTE_NR_RTMRS - 1
 * @data: in: the 48 bytes to extend it with (usually a SHA-384 digest)
 * @reserved: must be 0
 */
struct tdx_quote_rtmr_extend {
	__u32 flags;
	__u32 index;
	__u8 data[TDX_QUOTE_MR_LEN];
	__u64 reserved[2];
};

/*
 * TDX_QUOTE_CMD_RTMR_EXTEND - extend one RTMR (0x40485412)
 *
 * Errors:
 *   EINVAL	flags or reserved fields not zero, index above 3, or a
 *		structure too short to hold the fields before @reserved
 *   E2BIG	structure longer than the kernel knows, with non-zero tail
 *   EFAULT	bad pointer
 *   EINTR	a fatal signal arrived while waiting for another extend or
 *		report to finish
 *   ENXIO	the TDX module refused an operand (TDX_OPERAND_INVALID)
 *   EBUSY	the TDX module was busy with the register (TDX_OPERAND_BUSY);
 *		nothing changed, try again
 *   EIO	any other TDX module error
 *   ENOMEM	no memory
 * On any error the register is unchanged. The TDX module errors are
 * logged, rate-limited.
 */
#define TDX_QUOTE_CMD_RTMR_EXTEND	_IOW('T', 0x12, struct tdx_quote_rtmr_extend)

/**
 * struct tdx_quote_measurements - the measurement registers, now
 * @mrtd: out: MRTD
 * @mrconfigid: out: MRCONFIGID
 * @mrowner: out: MROWNER
 * @mrownerconfig: out: MROWNERCONFIG
 * @rtmr: out: RTMR0..3
 * @reserved: out: zero
 *
 * The values come from one fresh TDREPORT, taken under the same lock as
 * extends: they are one consistent snapshot.
 */
struct tdx_quote_measurements {
	__u8 mrtd[TDX_QUOTE_MR_LEN];
	__u8 mrconfigid[TDX_QUOTE_MR_LEN];
	__u8 mrowner[TDX_QUOTE_MR_LEN];
	__u8 mrownerconfig[TDX_QUOTE_MR_LEN];
	__u8 rtmr[TDX_QUOTE_NR_RTMRS][TDX_QUOTE_MR_LEN];
	__u64 reserved[4];
};

/*
 * TDX_QUOTE_CMD_MEASUREMENTS - read every measurement register (0x81a05413)
 *
 * An older, shorter structure gets the fields it knows.
 * Errors: EFAULT bad pointer; EINTR a fatal signal while waiting for an
 * extend to finish; EIO the TDX module refused TDG.MR.REPORT; ENOMEM.
 */
#define TDX_QUOTE_CMD_MEASUREMENTS	_IOR('T', 0x13, struct tdx_quote_measurements)

/*
 * Compatibility: the GetQuote ioctls existing clients send to
 * /dev/tdx_guest (Intel's libtdx_attest, google's go-tdx-guest, Intel's
 * kernel selftest). tdx_quote answers them on /dev/tdx_guest (when no
 * other driver holds that name) and on /dev/tdx_quote. TDREPORTs for them
 * come from TDX_QUOTE_CMD_GET_REPORT, which has upstream's number.
 */

/**
 * struct tdx_quote_compat_req - GetQuote as existing clients send it
 * @buf: user pointer to a GetQuote buffer: the 24-byte header (version 1,
 *	status, in_len, out_len) followed by the payload
 * @len: bytes at @buf, header included; any length from 24 bytes up to
 *	the module's max_quote_size
 *
 * The payload is either a raw 1024-byte TDREPORT (go-tdx-guest, the
 * selftest) or a QGS-framed GET_QUOTE_REQ (libtdx_attest). The reply comes
 * back in the same shape, whatever the host does, in the same buffer:
 * status and out_len in the header, the quote (or GET_QUOTE_RESP) in the
 * data. If it does not fit, status is ERROR and out_len the size needed.
 * The whole buffer must be writable, but only the header and the payload
 * up to the TDREPORT are read (a framed request's id list is checked by
 * its length, never read) and only the header and the reply are written:
 * no len-sized copy is made in kernel memory.
 *
 * Errors: EINVAL len 0 or beyond max_quote_size, header version not 1,
 * in_len beyond len, or a payload that is neither shape (a malformed
 * framed request never reaches the host); EFAULT bad pointer or a buffer
 * not writable for len bytes (found before the host is asked); ETIMEDOUT,
 * EINTR, EBUSY, EREMOTEIO, ENOMEM as for TDX_QUOTE_CMD_GET_QUOTE. Host
 * statuses (ERROR, SERVICE_UNAVAILABLE) return 0: the caller reads status.
 */
struct tdx_quote_compat_req {
	__u64 buf;
	__u64 len;
};

/* libtdx_attest release builds (0x80105404) */
#define TDX_QUOTE_CMD_COMPAT_GET_QUOTE_R	_IOR('T', 4, struct tdx_quote_compat_req)
/* libtdx_attest built with V3_DRIVER (0xC0105404) */
#define TDX_QUOTE_CMD_COMPAT_GET_QUOTE_RW	_IOWR('T', 4, struct tdx_quote_compat_req)
/* go-tdx-guest, Intel's selftest, the unmerged upstream patch (0xC0105402) */
#define TDX_QUOTE_CMD_COMPAT_GET_QUOTE_V2	_IOWR('T', 2, struct tdx_quote_compat_req)

/**
 * struct tdx_quote_compat_rtmr_extend - RTMR extend as Intel's guest driver
 *	and libtdx_attest spell it (49 bytes, no padding)
 * @data: the 48 bytes to extend with
 * @index: RTMR 0 to 3
 *
 * Same semantics and errors as TDX_QUOTE_CMD_RTMR_EXTEND (index above 3
 * is EINVAL). All four RTMRs may be extended, as through the upstream
 * sysfs files (Intel's old driver refused 0 and 1 with EPERM).
 */
struct tdx_quote_compat_rtmr_extend {
	__u8 data[TDX_QUOTE_MR_LEN];
	__u8 index;
};

/* libtdx_attest release builds (0x80315403) */
#define TDX_QUOTE_CMD_COMPAT_EXTEND_RTMR_R	_IOR('T', 3, struct tdx_quote_compat_rtmr_extend)
/* libtdx_attest built with V3_DRIVER (0x40315403) */
#define TDX_QUOTE_CMD_COMPAT_EXTEND_RTMR_W	_IOW('T', 3, struct tdx_quote_compat_rtmr_extend)

#endif /* _UAPI_LINUX_TDX_QUOTE_H */
