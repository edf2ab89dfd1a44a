// SPDX-License-Identifier: GPL-2.0
/*
 * tdxq_leaky: a test-only module that leaks one allocation on purpose.
 *
 * The debug kernel's kmemleak gate (tests/debug-kernel/vm-suite.sh) must
 * fail when something leaks; tests/matrix/kernel.sh loads this module in
 * a VM run of its own and checks that the gate reports this allocation
 * (by tdxq_leaky_alloc in the backtrace). Never loaded anywhere else.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>

/* Bytes leaked (kmemleak reports the slab object's size, 2048). */
#define TDXQ_LEAKY_SIZE	1234

/* Out of line and not __init: its name stays in the backtrace. */
static noinline void *tdxq_leaky_alloc(void)
{
	return kmalloc(TDXQ_LEAKY_SIZE, GFP_KERNEL);
}

static int __init tdxq_leaky_init(void)
{
	void *p = tdxq_leaky_alloc();

	if (!p)
		return -ENOMEM;
	/* The only reference is dropped here: a leak. */
	pr_info("leaking %d bytes on purpose (the leak gate's own check)\n",
		TDXQ_LEAKY_SIZE);
	return 0;
}

static void __exit tdxq_leaky_exit(void)
{
}

module_init(tdxq_leaky_init);
module_exit(tdxq_leaky_exit);

MODULE_DESCRIPTION("Test-only: leaks one allocation so that the kmemleak gate can be seen to fail");
MODULE_LICENSE("GPL");
