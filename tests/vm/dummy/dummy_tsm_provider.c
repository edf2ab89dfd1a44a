// SPDX-License-Identifier: GPL-2.0
/*
 * dummy_tsm_provider: test-only module for the tdx-quote VM suite. It
 * registers with configfs-tsm as provider "tdx_guest", as the kernel's own
 * tdx_guest driver does on a 6.7+ TD, and answers every report with
 * DUMMY_TSM_TAG followed by the inblob, so that a test can tell its
 * outblob from a quote. tdxq-vmtest (t_tsm.c) loads it before tdx_quote
 * to check tsm=auto and tsm=on. It finds the TSM core the way tdx_quote
 * does (src/tsm.c); on a kernel without configfs-tsm it refuses to load
 * (ENODEV).
 */
#include <linux/kmod.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tdxq_compat.h"

#define DUMMY_TSM_TAG	"dummy_tsm_provider:"

#if TDXQ_HAVE_TSM

static void *dummy_tsm_unregister;

static int dummy_tsm_report_new(struct tsm_report *report, void *data)
{
	struct tdxq_tsm_desc *desc = &report->desc;
	size_t tag = strlen(DUMMY_TSM_TAG);
	u8 *blob;

	blob = kvmalloc(tag + desc->inblob_len, GFP_KERNEL);
	if (!blob)
		return -ENOMEM;
	memcpy(blob, DUMMY_TSM_TAG, tag);
	memcpy(blob + tag, desc->inblob, desc->inblob_len);
	report->outblob = blob;
	report->outblob_len = tag + desc->inblob_len;
	return 0;
}

static const struct tdxq_tsm_ops dummy_tsm_ops = {
	.name = "tdx_guest",
	.report_new = dummy_tsm_report_new,
};

static int __init dummy_tsm_init(void)
{
	void *reg;
	int ret;

	request_module(TDXQ_TSM_MODULE);
	reg = __symbol_get(TDXQ_TSM_REGISTER_SYM);
	dummy_tsm_unregister = __symbol_get(TDXQ_TSM_UNREGISTER_SYM);
	ret = reg && dummy_tsm_unregister ?
	      tdxq_tsm_call_register(reg, &dummy_tsm_ops) : -ENODEV;
	if (reg)
		__symbol_put(TDXQ_TSM_REGISTER_SYM);
	if (ret && dummy_tsm_unregister)
		__symbol_put(TDXQ_TSM_UNREGISTER_SYM);
	return ret;
}

static void __exit dummy_tsm_exit(void)
{
	tdxq_tsm_call_unregister(dummy_tsm_unregister, &dummy_tsm_ops);
	__symbol_put(TDXQ_TSM_UNREGISTER_SYM);
}

#else /* !TDXQ_HAVE_TSM */

static int __init dummy_tsm_init(void)
{
	return -ENODEV;
}

static void __exit dummy_tsm_exit(void)
{
}

#endif /* TDXQ_HAVE_TSM */

module_init(dummy_tsm_init);
module_exit(dummy_tsm_exit);

MODULE_DESCRIPTION("Test-only configfs-tsm provider named tdx_guest (tdx-quote VM tests)");
MODULE_LICENSE("GPL");
