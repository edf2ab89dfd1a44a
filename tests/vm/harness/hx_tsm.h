/* SPDX-License-Identifier: GPL-2.0 */
/*
 * configfs-tsm from user space, without cmocka: the client sequence of
 * go-configfs-tsm and libtdx_attest, report items, configfs itself, and
 * whether the kernel has configfs-tsm at all. Shared by tdxq-vmtest
 * (t_tsm.c) and tdxq-tsm-bench (tests/bench/). Every function returns its
 * errors; all are safe from any thread.
 */
#ifndef TDXQ_HX_TSM_H
#define TDXQ_HX_TSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HX_CFS_ROOT	"/sys/kernel/config"
#define HX_TSM_DIR	HX_CFS_ROOT "/tsm/report"

/*
 * struct hx_tsm_kernel - what the running kernel has, from its own module
 * lists (modules.builtin, modules.order), never from tdx_quote
 * @core: the TSM core module ("tsm"; from 6.16 "tsm_report"), NULL: none
 * @builtin: @core is built in
 * @outblob_max: the TSM core's outblob limit (32 KiB before 7.0, 16 MiB
 *	from 7.0, by the kernel's version)
 * @major, @minor: the kernel's version
 * @why: how it was learned, or why it could not be
 */
struct hx_tsm_kernel {
	const char *core;
	bool builtin;
	size_t outblob_max;
	int major, minor;
	char why[1024];
};

/* Fill @k. Return: 0, or -1 when the lists are missing (@k->why says). */
int hx_tsm_kernel(struct hx_tsm_kernel *k);

/* @path of item @item (attribute @attr, or the item itself if NULL). */
char *hx_tsm_path(char *buf, size_t size, const char *item, const char *attr);
int hx_tsm_item_make(const char *item);		/* 0 or -errno */
int hx_tsm_item_drop(const char *item);		/* 0 or -errno */
void hx_tsm_items_drop_all(void);
int hx_tsm_attr_u64(const char *item, const char *attr, uint64_t *val);
int hx_tsm_attr_str(const char *item, const char *attr, char *buf, size_t size);

/*
 * Whole contents of @path into @buf (at most @cap: -ENOSPC when it is
 * more). Return: 0 (*@len bytes) or -errno of the failing call.
 */
int hx_read_all(const char *path, void *buf, size_t cap, size_t *len);
/* One write(2) of @len bytes, as the clients do. Return: 0 or -errno. */
int hx_write_once(const char *path, const void *buf, size_t len);

/* configfs mounted at /sys/kernel/config (mounted here if not). 0/-errno */
int hx_tsm_mount(void);

/*
 * The client: what go-configfs-tsm and libtdx_attest do. A fresh item
 * @item; provider must be "tdx_guest"; generation read, the 64 bytes of
 * @rd written to inblob in one write, generation must be one more,
 * outblob read to its end, generation must be unchanged (else another
 * writer: the clients refuse the blob); the item removed.
 * Return: 0 (*@len bytes in @out), -errno of the failing call, or
 * -EPROTO with @problem saying what the client would refuse.
 */
int hx_tsm_client(const char *item, const uint8_t *rd, uint8_t *out,
		  size_t cap, size_t *len, char *problem, size_t psize);

#endif /* TDXQ_HX_TSM_H */
