// SPDX-License-Identifier: GPL-2.0
/*
 * dummy_tdx_guest: test-only module for the tdx-quote VM suite. It holds
 * the misc device name "tdx_guest", as upstream's tdx_guest driver would,
 * and does nothing else: no ioctls (every one fails with ENOTTY), no
 * reads, no writes. tdxq-vmtest loads it before tdx_quote to check that
 * tdx_quote then leaves /dev/tdx_guest alone (t_compat.c).
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

static const struct file_operations dummy_tdx_guest_fops = {
	.owner = THIS_MODULE,
};

static struct miscdevice dummy_tdx_guest_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "tdx_guest",
	.fops = &dummy_tdx_guest_fops,
	.mode = 0600,
};

module_misc_device(dummy_tdx_guest_miscdev);

MODULE_DESCRIPTION("Test-only holder of the tdx_guest misc device name (tdx-quote VM tests)");
MODULE_LICENSE("GPL");
