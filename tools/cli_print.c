// SPDX-License-Identifier: GPL-2.0
/*
 * cli_print.c - printers: INFO and the measurement registers (see cli_util.h)
 */
#define _POSIX_C_SOURCE 200809L

#include "cli_util.h"

#include <inttypes.h>
#include <string.h>

#define STAT(x) { #x, offsetof(struct tdx_quote_stats, x) }
static const struct {
	const char *name;
	size_t off;
} stats_fields[] = {
	STAT(requests), STAT(successes), STAT(fail_timeout), STAT(fail_interrupted),
	STAT(fail_service_unavailable), STAT(fail_host_error), STAT(fail_host_protocol),
	STAT(fail_vmcall), STAT(fail_busy), STAT(fail_too_large), STAT(fail_nomem),
	STAT(fail_no_space), STAT(in_flight), STAT(quarantined), STAT(conversions_shared),
	STAT(conversions_private), STAT(pooled_bytes), STAT(leaked_bytes), STAT(interrupts),
	STAT(poll_wakeups), STAT(host_retries), STAT(buffer_grows),
	STAT(spurious_interrupts), STAT(slot_waits),
};
#undef STAT


/* A counter added to the uapi struct must be added to the table above. */
_Static_assert(ARRAY_SIZE(stats_fields) * sizeof(__u64) ==
	       sizeof(struct tdx_quote_stats), "stats_fields misses a counter");

/* Print a fixed-size char array that the kernel should have NUL-terminated. */
static void print_str(FILE *f, const char *label, const char *s, size_t max)
{
	fprintf(f, "%-22s %.*s\n", label, (int)strnlen(s, max), s);
}

void tdxq_print_info(FILE *f, const struct tdx_quote_info *in)
{
	print_str(f, "module version:", in->version, sizeof(in->version));
	print_str(f, "host:", in->host, sizeof(in->host));
	fprintf(f, "%-22s %s", "notify mode:", tdxq_notify_mode_name(in->notify_mode));
	if (in->notify_mode == TDX_QUOTE_NOTIFY_IRQ)
		fprintf(f, " (vector %" PRIu32 ", cpu %" PRIu32 ")", in->notify_vector,
			in->notify_cpu);
	else if (in->notify_mode != TDX_QUOTE_NOTIFY_POLL &&
		 in->notify_mode != TDX_QUOTE_NOTIFY_NONE)
		fprintf(f, " (%" PRIu32 ")", in->notify_mode);
	fputc('\n', f);

	fputs("limits:\n", f);
	fprintf(f, "  %-24s %" PRIu32 "\n", "max_inflight", in->max_inflight);
	fprintf(f, "  %-24s %llu\n", "max_quote_size", (unsigned long long)in->max_quote_size);
	fprintf(f, "  %-24s %llu%s\n", "host_max_quote_size",
		(unsigned long long)in->host_max_quote_size,
		in->host_max_quote_size ? "" : " (not advertised)");
	fprintf(f, "  %-24s %llu\n", "next_buf_len", (unsigned long long)in->next_buf_len);
	fprintf(f, "  %-24s %" PRIu32 "\n", "timeout_ms", in->timeout_ms);

	fputs("counters:\n", f);
	for (size_t i = 0; i < ARRAY_SIZE(stats_fields); i++) {
		__u64 v;

		memcpy(&v, (const char *)&in->stats + stats_fields[i].off, sizeof(v));
		fprintf(f, "  %-24s %llu\n", stats_fields[i].name, (unsigned long long)v);
	}
}

static void print_mr(FILE *f, const char *name, const uint8_t *mr)
{
	fprintf(f, "%-14s ", name);
	for (int i = 0; i < TDX_QUOTE_MR_LEN; i++)
		fprintf(f, "%02x", mr[i]);
	fputc('\n', f);
}

void tdxq_print_measurements(FILE *f, const struct tdx_quote_measurements *m)
{
	static const char *const rtmr[TDX_QUOTE_NR_RTMRS] = {
		"rtmr0:", "rtmr1:", "rtmr2:", "rtmr3:",
	};

	print_mr(f, "mrtd:", m->mrtd);
	print_mr(f, "mrconfigid:", m->mrconfigid);
	print_mr(f, "mrowner:", m->mrowner);
	print_mr(f, "mrownerconfig:", m->mrownerconfig);
	for (int i = 0; i < TDX_QUOTE_NR_RTMRS; i++)
		print_mr(f, rtmr[i], m->rtmr[i]);
}
