// SPDX-License-Identifier: GPL-2.0
/*
 * configfs-tsm from user space (hx_tsm.h). Linked into tdxq-vmtest and
 * tdxq-tsm-bench.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hx_sys.h"
#include "hx_tsm.h"

/* Does list @path name the TSM core? Fills @k's core and builtin. */
static int hx_tsm_scan(struct hx_tsm_kernel *k, const char *path, bool builtin)
{
	static const char *const names[] = { "tsm.ko", "tsm_report.ko" };
	char line[256], *base;
	size_t i;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		base = strrchr(line, '/');
		base = base ? base + 1 : line;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			if (strcmp(base, names[i]) || !strstr(line, "virt/coco/"))
				continue;
			k->core = i ? "tsm_report" : "tsm";
			k->builtin = builtin;
			snprintf(k->why, sizeof(k->why), "%s lists %s", path, line);
		}
	}
	fclose(f);
	return 0;
}

int hx_tsm_kernel(struct hx_tsm_kernel *k)
{
	char path[2][256];
	struct utsname u;
	int found;

	memset(k, 0, sizeof(*k));
	if (uname(&u) || sscanf(u.release, "%d.%d", &k->major, &k->minor) != 2) {
		snprintf(k->why, sizeof(k->why), "uname: no kernel version");
		return -1;
	}
	snprintf(path[0], sizeof(path[0]), "/lib/modules/%s/modules.builtin", u.release);
	snprintf(path[1], sizeof(path[1]), "/lib/modules/%s/modules.order", u.release);
	found = !hx_tsm_scan(k, path[0], true) + !hx_tsm_scan(k, path[1], false);
	if (found < 2) {
		snprintf(k->why, sizeof(k->why),
			 "cannot tell whether kernel %s has configfs-tsm: %s or %s missing",
			 u.release, path[0], path[1]);
		return -1;
	}
	if (!k->core)
		snprintf(k->why, sizeof(k->why),
			 "kernel %s has no configfs-tsm: neither modules.builtin nor modules.order lists tsm.ko or tsm_report.ko",
			 u.release);
	k->outblob_max = k->major >= 7 ? 16UL << 20 : 32UL << 10;
	return 0;
}

char *hx_tsm_path(char *buf, size_t size, const char *item, const char *attr)
{
	snprintf(buf, size, "%s/%s%s%s", HX_TSM_DIR, item, attr ? "/" : "",
		 attr ? attr : "");
	return buf;
}

int hx_tsm_item_make(const char *item)
{
	char path[256];

	return mkdir(hx_tsm_path(path, sizeof(path), item, NULL), 0755) ? -errno : 0;
}

int hx_tsm_item_drop(const char *item)
{
	char path[256];

	return rmdir(hx_tsm_path(path, sizeof(path), item, NULL)) ? -errno : 0;
}

void hx_tsm_items_drop_all(void)
{
	DIR *d = opendir(HX_TSM_DIR);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_type == DT_DIR && e->d_name[0] != '.')
			hx_tsm_item_drop(e->d_name);
	closedir(d);
}

int hx_tsm_attr_u64(const char *item, const char *attr, uint64_t *val)
{
	char path[256];

	return hx_read_u64(hx_tsm_path(path, sizeof(path), item, attr), val);
}

int hx_tsm_attr_str(const char *item, const char *attr, char *buf, size_t size)
{
	char path[256];

	return hx_read_str(hx_tsm_path(path, sizeof(path), item, attr), buf, size);
}

int hx_read_all(const char *path, void *buf, size_t cap, size_t *len)
{
	ssize_t n;
	int fd, err = 0;

	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		n = read(fd, (char *)buf + *len, cap - *len);
		if (n < 0) {
			err = -errno;
			break;
		}
		if (!n)
			break;
		*len += n;
		if (*len == cap) {
			err = -ENOSPC;
			break;
		}
	}
	close(fd);
	return err;
}

int hx_write_once(const char *path, const void *buf, size_t len)
{
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	close(fd);
	return err;
}

int hx_tsm_mount(void)
{
	char line[512];
	bool found = false;
	FILE *f = fopen("/proc/mounts", "re");

	if (f) {
		while (fgets(line, sizeof(line), f))
			found |= strstr(line, " " HX_CFS_ROOT " configfs ") != NULL;
		fclose(f);
	}
	if (found)
		return 0;
	return mount("configfs", HX_CFS_ROOT, "configfs", 0, NULL) ? -errno : 0;
}

int hx_tsm_client(const char *item, const uint8_t *rd, uint8_t *out,
		  size_t cap, size_t *len, char *problem, size_t psize)
{
	uint64_t gen0, gen1, gen2;
	char path[256], provider[64];
	int ret, ret2;

	*problem = '\0';
	ret = hx_tsm_item_make(item);
	if (ret)
		return ret;
	ret = hx_tsm_attr_str(item, "provider", provider, sizeof(provider));
	if (ret)
		goto out;
	if (strcmp(provider, "tdx_guest")) {
		snprintf(problem, psize, "provider \"%s\", not \"tdx_guest\"", provider);
		ret = -EPROTO;
		goto out;
	}
	ret = hx_tsm_attr_u64(item, "generation", &gen0);
	if (ret)
		goto out;
	ret = hx_write_once(hx_tsm_path(path, sizeof(path), item, "inblob"), rd, 64);
	if (ret)
		goto out;
	ret = hx_tsm_attr_u64(item, "generation", &gen1);
	if (ret)
		goto out;
	if (gen1 != gen0 + 1) {
		snprintf(problem, psize, "generation %" PRIu64 " after writing inblob, was %" PRIu64,
			 gen1, gen0);
		ret = -EPROTO;
		goto out;
	}
	ret = hx_read_all(hx_tsm_path(path, sizeof(path), item, "outblob"), out, cap, len);
	if (ret)
		goto out;
	ret = hx_tsm_attr_u64(item, "generation", &gen2);
	if (!ret && gen2 != gen1) {
		snprintf(problem, psize, "generation %" PRIu64 " after reading outblob, %" PRIu64 " before",
			 gen2, gen1);
		ret = -EPROTO;
	}
out:
	ret2 = hx_tsm_item_drop(item);
	return ret ? ret : ret2;
}
