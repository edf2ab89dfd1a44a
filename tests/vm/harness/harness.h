/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tdxq-vmtest: helpers shared by the VM test groups.
 *
 * The harness runs as root inside the test VM (tests/vm/run.sh). Each
 * cmocka group loads tdx_quote_sim and tdx_quote with its own parameters
 * in its setup (hx_setup()), and unloads them and checks the kernel log in
 * its teardown (hx_teardown()).
 *
 * hx_stat(), hx_sim_stat(), hx_param(), hx_sim_param_set*(), hx_wait_stat_*(),
 * hx_fd(), hx_info() and hx_check_quote() fail the running test (cmocka
 * fail_msg()/assert) on error: call them only from the thread that runs
 * the test, never from worker threads. Everything else returns errors.
 */
#ifndef TDXQ_VMTEST_HARNESS_H
#define TDXQ_VMTEST_HARNESS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <linux/tdx_quote.h>

#include "hx_sys.h"

#define HX_DEV			TDX_QUOTE_DEVICE
#define HX_STATS_DIR		"/sys/class/misc/tdx_quote/stats"
#define HX_SIM_DEBUGFS		"/sys/kernel/debug/tdx_quote_sim"
/* The node existing clients open (t_compat.c), and the test-only module
 * that takes its name first (tests/vm/dummy/). */
#define HX_GUEST_DEV		"/dev/tdx_guest"
#define HX_DUMMY_MODULE		"dummy_tdx_guest"

/* Quote v4 layout (shared/facts/ghci.md) */
#define HX_Q_REPORTDATA_OFF	568	/* header 48 + body offset 520 */
#define HX_Q_SIGNED_LEN_OFF	632	/* u32 after header 48 + body 584 */
#define HX_Q_SIGNED_DATA_OFF	636
#define HX_TDR_REPORTDATA_OFF	128

/* GetQuote buffer header the module puts in front of the quote */
#define HX_GQ_HDR_LEN		24

#define HX_STATUS_IN_FLIGHT	0xffffffffffffffffULL
#define HX_STATUS_SERVICE_UNAVAILABLE 0x8000000000000001ULL
#define HX_STATUS_ERROR		0x8000000000000000ULL

#define HX_KiB			1024UL
#define HX_MiB			(1024UL * 1024UL)

/* ---- group fixtures ---- */

/**
 * hx_setup() - start of a group: load the sim, then tdx_quote
 * @sim_params: tdx_quote_sim parameters ("" for none)
 * @tdxq_params: tdx_quote parameters besides host=sim ("" for none);
 *	NULL loads neither module
 * Return: 0, or -1 (cmocka then skips the group's tests as failed).
 */
int hx_setup(const char *sim_params, const char *tdxq_params);

/**
 * hx_teardown() - end of a group: bring CPUs back online, close the
 * device, unload tdx_quote, check the simulated host's protocol counters
 * (also those hx_sim_remove() checked during the group), unload the sim,
 * and check the kernel log (the sim's protocol warnings included).
 * Return: 0, or -1 (also remembered: hx_teardown_failures()).
 */
int hx_teardown(void);

/* Teardowns that failed so far (cmocka 1.1 does not count them). */
int hx_teardown_failures(void);
/* The "gates" group's own teardown failure, made on purpose: not counted. */
void hx_teardown_failure_expected(void);
/* The gates group: failures reported from now on are marked "(expected)". */
void hx_failures_expected(bool on);

/*
 * A group's @n tests that do not apply to this kernel (skipped, and said
 * why): its result line says so instead of a plain "passed".
 * hx_take_not_run() returns the count and resets it.
 */
void hx_group_not_run(int n);
int hx_take_not_run(void);

/* ---- modules (the rest: hx_sys.h) ---- */

/*
 * Close the group's device, remove tdx_quote, check the simulated host's
 * protocol counters (hx_sim_protocol_check()), remove the sim.
 * Return: 0 or -errno (-EPROTO: a counter was not 0).
 */
int hx_modules_unload(void);
/* The sim's protocol counters checked, then the sim removed. Return: 0/-errno */
int hx_sim_remove(void);
/*
 * The simulated host's protocol counters (violations, dirty, leaked_freed,
 * rejects_inuse), if the sim is loaded: each one not 0 is printed and
 * remembered until hx_sim_take_bad() (hx_teardown() fails the group).
 * Return: how many are not 0 (or unreadable).
 */
int hx_sim_protocol_check(void);
/* Counters found not 0 since the last call; resets it. */
int hx_sim_take_bad(void);

/* ---- counters and parameters (plain files: hx_sys.h) ---- */

uint64_t hx_stat(const char *name);		/* stats/NAME, or fail */
uint64_t hx_sim_stat(const char *name);		/* debugfs NAME, or fail */
uint64_t hx_param(const char *name);		/* tdx_quote parameter */
/* Write a writable tdx_quote parameter (e.g. timeout_ms), or fail. */
void hx_param_set(const char *name, const char *value);
void hx_sim_param_set(const char *name, const char *value);
void hx_sim_param_set_u64(const char *name, uint64_t value);
/* Write @value to file @name in directory @dir, or fail. */
void hx_write_or_fail(const char *dir, const char *name, const char *value);
/* A sim parameter's text (e.g. framing) into @buf, or fail. */
void hx_sim_param_get(const char *name, char *buf, size_t size);

/*
 * Wait until stats/NAME satisfies val <= @max (hx_wait_stat_le) or
 * val >= @min (hx_wait_stat_ge), polling every 50 ms for @timeout_ms.
 * Return: true when reached; *@last gets the last value read.
 */
bool hx_wait_stat_le(const char *name, uint64_t max, unsigned int timeout_ms,
		     uint64_t *last);
bool hx_wait_stat_ge(const char *name, uint64_t min, unsigned int timeout_ms,
		     uint64_t *last);

/*
 * Sum over CPUs of the "tdx_quote" line in /proc/interrupts.
 * Return: the count, or -1 when there is no such line.
 */
long long hx_irq_count(void);

/* CPU hotplug: write /sys/devices/system/cpu/cpuN/online. Return: 0/-errno */
int hx_cpu_set_online(int cpu, bool online);
int hx_cpu_online(int cpu);	/* 1, 0, or -errno */

/* ---- the device ---- */

/* The group's /dev/tdx_quote descriptor, opened on first use (or fail). */
int hx_fd(void);
/* Close it (before unloading). */
void hx_fd_close(void);

/*
 * GET_QUOTE on @fd: fills @req (flags 0, reserved 0) from the arguments,
 * calls the ioctl, leaves the reply in @req.
 * Return: 0 or the errno. Safe from any thread.
 */
int hx_get_quote(int fd, const uint8_t *reportdata, uint32_t timeout_ms,
		 void *quote, uint64_t quote_len,
		 struct tdx_quote_get_quote *req);
/* GET_REPORT. Return: 0 or the errno. */
int hx_get_report(int fd, const uint8_t *reportdata, uint8_t *tdreport);
/* INFO into @info, or fail. */
void hx_info(struct tdx_quote_info *info);

/* 64 bytes of report data derived from @seed (distinct seeds differ). */
void hx_reportdata(uint8_t *rd, uint64_t seed);

/*
 * Where the 64 report-data bytes @rd sit in @quote.
 * Return: offset, or -1 when absent.
 */
long hx_find_reportdata(const uint8_t *quote, size_t len, const uint8_t *rd);

/*
 * Check a quote the sim produced: length @expect_len, report data at
 * offset 568, signed_data_len at 632 == len - 636, v4 header. Fails the
 * test with a message otherwise.
 */
void hx_check_quote(const uint8_t *quote, uint64_t quote_len,
		    uint64_t expect_len, const uint8_t *rd);

uint32_t hx_le32(const uint8_t *p);
uint16_t hx_le16(const uint8_t *p);
uint32_t hx_be32(const uint8_t *p);
void hx_put_le32(uint8_t *p, uint32_t v);
void hx_put_be32(uint8_t *p, uint32_t v);

/* ---- kernel log ---- */

/*
 * Kernel log text logged since the previous call (klogctl, destructive
 * read of the syslog cursor; dmesg is not affected). Lines matching a bad
 * pattern (WARNING:, BUG:, Oops, Call Trace, general protection) are
 * printed and remembered until hx_klog_take_bad().
 * Return: malloc()ed NUL-terminated text (maybe empty); free() it.
 */
char *hx_klog_new(void);
/* Number of bad lines seen since the last call; resets it. */
int hx_klog_take_bad(void);
/* Lines of @text that contain @needle. */
int hx_count_lines(const char *text, const char *needle);

/* ---- test sizes: make check vs make check-long ---- */

/* TDXQ_LONG=1 in the environment (make check-long): the full counts. */
bool hx_long_mode(void);
/*
 * An unsigned number from environment variable @name (decimal or 0x hex),
 * or @dflt when unset or unparsable.
 */
uint64_t hx_env_u64(const char *name, uint64_t dflt);

/* ---- abuse helpers (t_fuzz, t_stress, t_limits, t_faults, t_cycles) ---- */

/*
 * A raw GetQuote buffer as go-tdx-guest sends it (version 1, in_len 1024,
 * the TDREPORT), or QGS-framed as libtdx_attest sends it (@framed), in
 * @buf of @len bytes, sent with compat ioctl @cmd. Safe from any thread,
 * and async-signal-safe (no allocation).
 * Return: 0 (the host's verdict is in the header) or the errno.
 */
int hx_compat_quote(int fd, unsigned long cmd, void *buf, uint64_t len,
		    const uint8_t *tdreport, bool framed);
/*
 * Check a compat reply: status SUCCESS and the quote (after the QGS
 * framing if @framed) of @quote_len bytes carrying report data @rd.
 * Return: NULL if fine, else what is wrong (static text).
 */
const char *hx_compat_reply_problem(const void *buf, bool framed,
				    uint64_t quote_len, const uint8_t *rd);

/* Outcomes by errno (0 = success); index HX_TALLY_OTHER for the rest. */
#define HX_TALLY_OTHER	140
struct hx_tally {
	uint64_t n[HX_TALLY_OTHER + 1];
};
void hx_tally_add(struct hx_tally *t, int err);
void hx_tally_merge(struct hx_tally *into, const struct hx_tally *from);
/* "ok:12 EINTR:3 ..." into @buf. */
void hx_tally_str(const struct hx_tally *t, char *buf, size_t size);

/*
 * Handlers that do nothing: SIGUSR1 without SA_RESTART (an interrupted
 * GET_QUOTE returns EINTR), SIGUSR2 with SA_RESTART (it restarts).
 * hx_signals_restore() puts the previous ones back.
 */
void hx_signals_install(void);
void hx_signals_restore(void);

/* ---- the groups (one per source file topic) ---- */

int hx_run_gates(void);
int hx_run_basic(void);
int hx_run_sizes(void);
int hx_run_notify(void);
int hx_run_errors(void);
int hx_run_concurrency(void);
int hx_run_timeout(void);
int hx_run_pool(void);
int hx_run_compat(void);
int hx_run_hostile(void);
int hx_run_fuzz(void);
int hx_run_stress(void);
int hx_run_limits(void);
int hx_run_faults(void);
int hx_run_cycles(void);
int hx_run_measure(void);
int hx_run_tsm(void);
int hx_run_realhost(void);
int hx_run_trace(void);
int hx_run_timing(void);

#endif /* TDXQ_VMTEST_HARNESS_H */
