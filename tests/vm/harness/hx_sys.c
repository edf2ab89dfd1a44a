// SPDX-License-Identifier: GPL-2.0
/*
 * System helpers without cmocka (hx_sys.h): modules, files, memory, time.
 * Linked into tdxq-vmtest and tdxq-bench.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libkmod.h>

#include "hx_sys.h"

/* ------------------------------------------------------------------ time */

double hx_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void hx_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ------------------------------------------------------------------ files */

int hx_read_u64(const char *path, uint64_t *val)
{
	char buf[64], *end;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	buf[n] = '\0';
	errno = 0;
	*val = strtoull(buf, &end, 0);
	if (errno || end == buf)
		return -EINVAL;
	return 0;
}

int hx_write_str(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

int hx_read_str(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd, err;

	if (!size)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

/* ---------------------------------------------------------------- memory */

long long hx_meminfo_kb(const char *field)
{
	FILE *f = fopen("/proc/meminfo", "re");
	size_t flen = strlen(field);
	char line[256];
	long long val = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, flen) && line[flen] == ':') {
			val = strtoll(line + flen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

long long hx_free_kb(void)
{
	long long memfree = hx_meminfo_kb("MemFree"), pcp = 0;
	FILE *f = fopen("/proc/zoneinfo", "re");
	char line[256], *p;

	if (!f || memfree < 0) {
		if (f)
			fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		p = line + strspn(line, " \t");
		if (!strncmp(p, "count:", 6))
			pcp += strtoll(p + 6, NULL, 10);
	}
	fclose(f);
	return memfree + pcp * (sysconf(_SC_PAGESIZE) / 1024);
}

int hx_drop_caches(void)
{
	sync();
	return hx_write_str("/proc/sys/vm/drop_caches", "3");
}

/* Write 1 to the shrink file of every slab cache (aliases are symlinks). */
static int hx_slab_shrink_all(void)
{
	DIR *d = opendir("/sys/kernel/slab");
	struct dirent *e;
	char path[320];
	int ret = 0, err, n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", e->d_name);
		err = hx_write_str(path, "1");
		if (err && !ret)
			ret = err;
		n++;
	}
	closedir(d);
	return ret ? ret : n ? 0 : -ENOENT;
}

int hx_drain_kernel_caches(void)
{
	int i, ret;

	for (i = 0; i < 2; i++) {
		ret = hx_drop_caches();
		if (ret)
			return ret;
		/* dentries, inodes, kmemleak's objects: freed after a grace period */
		hx_sleep_ms(300);
		ret = hx_slab_shrink_all();
		if (ret)
			return ret;
	}
	return 0;
}

long hx_dir_count(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	long n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* --------------------------------------------------------------- modules */

static struct kmod_ctx *hx_kmod(void)
{
	static struct kmod_ctx *ctx;

	if (!ctx) {
		ctx = kmod_new(NULL, NULL);
		if (ctx)
			kmod_load_resources(ctx);
	}
	return ctx;
}

int hx_module_insert(const char *name, const char *params)
{
	struct kmod_ctx *ctx = hx_kmod();
	struct kmod_module *mod;
	int ret;

	if (!ctx)
		return -ENOMEM;
	ret = kmod_module_new_from_name(ctx, name, &mod);
	if (ret < 0)
		return ret;
	ret = kmod_module_insert_module(mod, 0, params ? params : "");
	kmod_module_unref(mod);
	return ret;
}

bool hx_module_loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s/initstate", name);
	return access(path, F_OK) == 0;
}

int hx_module_remove(const char *name)
{
	struct kmod_ctx *ctx = hx_kmod();
	struct kmod_module *mod;
	int ret, tries;

	if (!ctx)
		return -ENOMEM;
	if (!hx_module_loaded(name))
		return 0;
	ret = kmod_module_new_from_name(ctx, name, &mod);
	if (ret < 0)
		return ret;
	/* A reference may linger for a moment (e.g. modprobe from the kernel). */
	for (tries = 0; tries < 50; tries++) {
		ret = kmod_module_remove_module(mod, 0);
		if (ret != -EAGAIN && ret != -EBUSY && ret != -EWOULDBLOCK)
			break;
		hx_sleep_ms(100);
	}
	kmod_module_unref(mod);
	return ret;
}

/* "tdxq-vmtest: insert tdx_quote host=sim ...: File exists" on stderr */
static void hx_module_error(const char *op, const char *name,
			    const char *params, int err)
{
	fprintf(stderr, "%s: %s %s%s%s: %s\n", program_invocation_short_name, op,
		name, params ? " " : "", params ? params : "", strerror(-err));
}

int hx_modules_load(const char *sim_params, const char *tdxq_params)
{
	char params[512];
	int ret;

	ret = hx_module_insert(HX_SIM_MODULE, sim_params);
	if (ret) {
		hx_module_error("insert", HX_SIM_MODULE, sim_params, ret);
		return ret;
	}
	snprintf(params, sizeof(params), "host=sim %s", tdxq_params);
	ret = hx_module_insert(HX_MODULE, params);
	if (ret) {
		hx_module_error("insert", HX_MODULE, params, ret);
		hx_module_remove(HX_SIM_MODULE);
	}
	return ret;
}

int hx_modules_remove(void)
{
	int ret, ret2;

	ret = hx_module_remove(HX_MODULE);
	if (ret)
		hx_module_error("remove", HX_MODULE, NULL, ret);
	ret2 = hx_module_remove(HX_SIM_MODULE);
	if (ret2)
		hx_module_error("remove", HX_SIM_MODULE, NULL, ret2);
	return ret ? ret : ret2;
}
