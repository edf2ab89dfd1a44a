// SPDX-License-Identifier: GPL-2.0
/*
 * cli_errors.c - errno and status names, and what a failed request means (see cli_util.h)
 */
#define _POSIX_C_SOURCE 200809L

#include "cli_util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

int tdxq_say(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (buf && len) {
		va_start(ap, fmt);
		vsnprintf(buf, len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

#define E(x) { x, #x }
static const struct {
	int err;
	const char *name;
} errno_names[] = {
	E(EPERM), E(ENOENT), E(EINTR), E(EIO), E(ENXIO), E(E2BIG), E(EBADF),
	E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT), E(EBUSY), E(ENODEV),
	E(EISDIR), E(EINVAL), E(ENOTTY), E(EFBIG), E(ENOSPC), E(EROFS),
	E(EPROTO), E(EOPNOTSUPP), E(ETIMEDOUT), E(EHOSTDOWN), E(EREMOTEIO),
	E(ENOBUFS),
};
#undef E


const char *tdxq_errno_name(int err)
{
	static char unknown[32];

	for (size_t i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	snprintf(unknown, sizeof(unknown), "errno %d", err);
	return unknown;
}

const char *tdxq_errno_explain(enum tdxq_op op, int err)
{
	/* every ioctl */
	switch (err) {
	case ENOTTY:
		return "the device does not know this request: not a tdx_quote device, "
		       "or a module older than tdx-quote";
	case EFAULT:
		return "the kernel could not access the request buffer (a bug in tdx-quote)";
	case ENODEV:
		if (op != TDXQ_OP_OPEN)
			return "no TDX host: this is not a TD (or no simulated host is set up)";
		break;
	}

	switch (op) {
	case TDXQ_OP_OPEN:
		switch (err) {
		case ENOENT:
			return "no such device \u2014 is the tdx_quote module loaded? (modprobe tdx_quote)";
		case ENXIO:
		case ENODEV:
			return "no driver behind the device node \u2014 is the tdx_quote module loaded? "
			       "(modprobe tdx_quote)";
		case EACCES:
		case EPERM:
			return "permission denied \u2014 tdx-quote needs root (the device is mode 0600)";
		case EBUSY:
			return "the device is busy";
		}
		break;
	case TDXQ_OP_INFO:
		break;
	case TDXQ_OP_MEASUREMENTS:
	case TDXQ_OP_EXTEND:
		switch (err) {
		case EINVAL:
			return "the module rejected the request: RTMR above 3, or flags/reserved "
			       "fields not zero (tdx-quote and the module do not match)";
		case E2BIG:
			return "the module is older than tdx-quote and does not know fields it uses";
		case ENXIO:
			return "the TDX module refused an operand of TDG.MR.RTMR.EXTEND";
		case EBUSY:
			return "the TDX module was busy with the register; nothing changed, "
			       "try again";
		case EIO:
			return op == TDXQ_OP_EXTEND ? "the TDX module refused TDG.MR.RTMR.EXTEND" :
			       "the TDX module refused TDG.MR.REPORT";
		case EINTR:
			return "interrupted by a signal while waiting for another extend";
		}
		break;
	case TDXQ_OP_REPORT:
		switch (err) {
		case EBUSY:
			return "the TDX module was busy (operand busy): try again";
		case ENXIO:
			return "the TDX module rejected an operand of TDG.MR.REPORT";
		case EIO:
			return "the TDX module refused TDG.MR.REPORT";
		case EINTR:
			return "interrupted by a signal while waiting for the host";
		}
		break;
	case TDXQ_OP_QUOTE:
		switch (err) {
		case EINVAL:
			return "the module rejected the request: --timeout beyond the module's "
			       "limit, or flags/reserved fields not zero (tdx-quote and the module "
			       "do not match)";
		case E2BIG:
			return "the module is older than tdx-quote and does not know fields it uses";
		case ENOSPC:
			return "the quote is longer than the buffer given for it";
		case EFBIG:
			return "the quote needs a buffer larger than the module's max_quote_size "
			       "(see 'tdx-quote info')";
		case ETIMEDOUT:
			return "no answer within the timeout: the host did not answer (the kernel "
			       "keeps the buffer quarantined until it lets go), or no contiguous "
			       "memory for the buffer was found in time (try --timeout)";
		case EINTR:
			return "interrupted by a signal while waiting for the host; the kernel keeps "
			       "the buffer quarantined until the host lets go of it";
		case EBUSY:
			return "the host kept answering RETRY (too many requests in flight) until the "
			       "timeout";
		case EHOSTDOWN:
			return "the host has no quote service (SERVICE_UNAVAILABLE): is a quote "
			       "generation service (QGS) configured for this TD?";
		case EIO:
			return "the host reported an error (status ERROR): quote generation failed "
			       "on the host side";
		case EREMOTEIO:
			return "the host refused the GetQuote hypercall (see vmcall_status)";
		case EPROTO:
			return "the host broke the GetQuote protocol (see the kernel log)";
		case ENOMEM:
			return "the kernel could not allocate or convert a shared buffer";
		case ENOBUFS:
			return "the module converts no new shared buffers: the host's failed "
			       "conversions leaked more than leak_max_bytes (see the kernel log)";
		}
		break;
	}
	return NULL;
}

static int describe(char *buf, size_t len, const char *what, enum tdxq_op op, int err)
{
	const char *why = tdxq_errno_explain(op, err);

	if (why)
		snprintf(buf, len, "%s: %s [%s]", what, why, tdxq_errno_name(err));
	else
		snprintf(buf, len, "%s: %s (%s)", what, strerror(err), tdxq_errno_name(err));
	return 0;
}

int tdxq_open_error(char *buf, size_t len, const char *path, int err)
{
	describe(buf, len, path, TDXQ_OP_OPEN, err);
	return TDXQ_EXIT_DEVICE;
}

int tdxq_ioctl_error(char *buf, size_t len, enum tdxq_op op, int err)
{
	static const char *const names[] = {
		[TDXQ_OP_OPEN] = "open",
		[TDXQ_OP_INFO] = "INFO failed",
		[TDXQ_OP_REPORT] = "GET_REPORT failed",
		[TDXQ_OP_QUOTE] = "GET_QUOTE failed",
		[TDXQ_OP_MEASUREMENTS] = "MEASUREMENTS failed",
		[TDXQ_OP_EXTEND] = "RTMR_EXTEND failed",
	};

	describe(buf, len, names[op], op, err);
	return TDXQ_EXIT_REQUEST;
}

const char *tdxq_host_status_name(uint64_t status)
{
	switch (status) {
	case 0:				return "SUCCESS";
	case 0xffffffffffffffffull:	return "IN_FLIGHT";
	case 0x8000000000000000ull:	return "ERROR";
	case 0x8000000000000001ull:	return "SERVICE_UNAVAILABLE";
	default:			return "unknown";
	}
}

const char *tdxq_vmcall_status_name(uint64_t status)
{
	switch (status) {
	case 0:				return "SUCCESS";
	case 1:				return "RETRY";
	case 0x8000000000000000ull:	return "INVALID_OPERAND";
	case 0x8000000000000001ull:	return "GPA_INUSE";
	case 0x8000000000000002ull:	return "ALIGN_ERROR";
	case 0x8000000000000003ull:	return "SUBFUNC_UNSUPPORTED";
	default:			return "unknown";
	}
}

const char *tdxq_notify_mode_name(uint32_t mode)
{
	switch (mode) {
	case TDX_QUOTE_NOTIFY_NONE:	return "none";
	case TDX_QUOTE_NOTIFY_IRQ:	return "irq";
	case TDX_QUOTE_NOTIFY_POLL:	return "poll";
	default:			return "unknown";
	}
}
