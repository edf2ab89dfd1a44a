/* SPDX-License-Identifier: GPL-2.0 */
/*
 * System helpers without cmocka: the modules (libkmod), sysfs/procfs files,
 * memory counters and time. Shared by tdxq-vmtest (harness.h includes this)
 * and tdxq-bench (tests/bench/), which must never fail through cmocka:
 * everything here returns its errors and reports them on stderr at most.
 */
#ifndef TDXQ_HX_SYS_H
#define TDXQ_HX_SYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HX_SIM_MODULE		"tdx_quote_sim"
#define HX_MODULE		"tdx_quote"
#define HX_SIM_PARAMS		"/sys/module/tdx_quote_sim/parameters"
#define HX_PARAMS		"/sys/module/tdx_quote/parameters"

/* ---- modules (libkmod) ---- */

/* Insert a module by name with a parameter string. Return: 0 or -errno. */
int hx_module_insert(const char *name, const char *params);
/* Remove a module if loaded (retries while busy). Return: 0 or -errno. */
int hx_module_remove(const char *name);
bool hx_module_loaded(const char *name);
/*
 * sim then tdx_quote (host=sim + params); a failure is reported on stderr
 * (the sim is removed again if tdx_quote fails). Return: 0 or -errno.
 */
int hx_modules_load(const char *sim_params, const char *tdxq_params);
/*
 * tdx_quote then sim, each if loaded; failures reported on stderr.
 * Return: 0 or -errno of the first failure.
 */
int hx_modules_remove(void);

/* ---- files ---- */

/* Read one unsigned number from a file. Return: 0 or -errno. */
int hx_read_u64(const char *path, uint64_t *val);
/* Write @val (all of it) to a file. Return: 0 or -errno. */
int hx_write_str(const char *path, const char *val);
/*
 * Read a file's text into @buf (NUL-terminated, trailing newline dropped).
 * Return: 0 or -errno.
 */
int hx_read_str(const char *path, char *buf, size_t size);

/* ---- memory ---- */

/* A /proc/meminfo field (e.g. "MemFree") in kB, or -1. */
long long hx_meminfo_kb(const char *field);
/*
 * Free memory in kB: MemFree plus the pages in the per-CPU free lists
 * (/proc/zoneinfo "count:"), which MemFree does not count and which hold
 * up to tens of MiB, or -1.
 */
long long hx_free_kb(void);
/* sync; echo 3 > /proc/sys/vm/drop_caches. Return: 0 or -errno. */
int hx_drop_caches(void);
/*
 * Hand back what the kernel keeps of freed memory, so that two readings of
 * free memory differ by what is really in use: drop the page cache,
 * dentries and inodes, give RCU-freed objects time to reach their caches,
 * then shrink every slab cache (/sys/kernel/slab/NAME/shrink: frees empty
 * slabs and, on a KASAN kernel, the cache's objects waiting in KASAN's
 * quarantine, which otherwise holds up to 1/32 of RAM as SUnreclaim);
 * twice, as the first round frees objects whose own frees are deferred.
 * Return: 0 or -errno of the first failure (-ENOENT: no /sys/kernel/slab).
 */
int hx_drain_kernel_caches(void);
/* Entries in directory @path other than . and .., or -1. */
long hx_dir_count(const char *path);

/* ---- time ---- */

double hx_now(void);		/* CLOCK_MONOTONIC seconds */
void hx_sleep_ms(unsigned int ms);

#endif /* TDXQ_HX_SYS_H */
