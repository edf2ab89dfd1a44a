// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_quote: TDX attestation quotes through TDG.VP.VMCALL<GetQuote>.
 *
 * Module parameters, the choice of host, and the order in which the parts
 * start and stop.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kmod.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "tdxq.h"
#include "tdxq_ghci.h"

static char *host = "auto";
module_param(host, charp, 0444);
MODULE_PARM_DESC(host, "auto or tdx: the real TDX host (default); sim: the simulated host module tdx_quote_sim, refused inside a real TD");

struct tdxq_config tdxq_cfg = {
	.max_quote_size = SZ_64M,
	.max_inflight = 16,
	.timeout_ms = 30000,
	.pool_max_bytes = SZ_8M,
	.pool_keep_bytes = SZ_1M,
	.pool_idle_ms = 10000,
	.recheck_ms = 500,
	.poll_start_us = 1000,
	.initial_buf_len = SZ_16K,
	.notify_cpu = 0,
	.use_irq = true,
	.compat_dev = TDXQ_COMPAT_DEV_AUTO,
	.leak_max_bytes = SZ_16M,
};

module_param_named(max_quote_size, tdxq_cfg.max_quote_size, ulong, 0444);
MODULE_PARM_DESC(max_quote_size, "largest shared quote buffer in bytes (default 64 MiB)");
module_param_named(max_inflight, tdxq_cfg.max_inflight, uint, 0444);
MODULE_PARM_DESC(max_inflight, "requests in flight at once (default 16)");
/* Writable at run time: the range is checked on every write, not at load. */
static int tdxq_timeout_set(const char *val, const struct kernel_param *kp)
{
	unsigned int ms;
	int ret;

	ret = kstrtouint(val, 0, &ms);
	if (ret)
		return ret;
	if (!ms || ms > TDX_QUOTE_MAX_TIMEOUT_MS)
		return -EINVAL;
	*(unsigned int *)kp->arg = ms;
	return 0;
}

static const struct kernel_param_ops tdxq_timeout_ops = {
	.set = tdxq_timeout_set,
	.get = param_get_uint,
};

module_param_cb(timeout_ms, &tdxq_timeout_ops, &tdxq_cfg.timeout_ms, 0644);
MODULE_PARM_DESC(timeout_ms, "default request timeout in ms, 1 to 3600000 (default 30000)");
module_param_named(pool_max_bytes, tdxq_cfg.pool_max_bytes, ulong, 0644);
MODULE_PARM_DESC(pool_max_bytes, "shared bytes kept for reuse at most (default 8 MiB)");
module_param_named(pool_keep_bytes, tdxq_cfg.pool_keep_bytes, ulong, 0644);
MODULE_PARM_DESC(pool_keep_bytes, "pooled buffers up to this size stay when idle (default 1 MiB)");
module_param_named(leak_max_bytes, tdxq_cfg.leak_max_bytes, ulong, 0644);
MODULE_PARM_DESC(leak_max_bytes, "stop converting new buffers once the host's failed conversions leaked this many bytes (default 16 MiB)");
module_param_named(pool_idle_ms, tdxq_cfg.pool_idle_ms, uint, 0644);
MODULE_PARM_DESC(pool_idle_ms, "larger pooled buffers are given back after this idle time (default 10000)");
module_param_named(recheck_ms, tdxq_cfg.recheck_ms, uint, 0444);
MODULE_PARM_DESC(recheck_ms, "longest wait between status checks; bounds the cost of a lost interrupt (default 500)");
module_param_named(poll_start_us, tdxq_cfg.poll_start_us, uint, 0444);
MODULE_PARM_DESC(poll_start_us, "first polling interval when the host has no notify interrupt (default 1000)");
module_param_named(initial_buf_len, tdxq_cfg.initial_buf_len, ulong, 0444);
MODULE_PARM_DESC(initial_buf_len, "first shared buffer size when the host advertises no maximum (default 16 KiB)");
module_param_named(notify_cpu, tdxq_cfg.notify_cpu, int, 0444);
MODULE_PARM_DESC(notify_cpu, "CPU that receives the notify interrupt (default 0)");
module_param_named(use_irq, tdxq_cfg.use_irq, bool, 0444);
MODULE_PARM_DESC(use_irq, "use the event-notify interrupt when the host supports it (default 1)");

static char *compat_dev = "auto";
module_param(compat_dev, charp, 0444);
MODULE_PARM_DESC(compat_dev, "create /dev/tdx_guest for existing clients: auto (if no other driver holds the name; default), on, off");

const struct tdxq_host_ops *tdxq_host;
/* host=NAME: NAME is at most this long (module and symbol names follow). */
#define TDXQ_HOST_NAME_MAX	16
static char tdxq_host_symbol[sizeof(TDXQ_HOST_MODULE_PREFIX) + TDXQ_HOST_NAME_MAX +
			     sizeof(TDXQ_HOST_SYMBOL_SUFFIX) - 1];

static int tdxq_check_params(void)
{
	struct tdxq_config *c = &tdxq_cfg;

	/* Bounded before it is aligned, so that aligning cannot wrap. */
	if (c->max_inflight < 1 || c->max_inflight > 1024 ||
	    c->recheck_ms < 1 || c->poll_start_us < 1 ||
	    c->initial_buf_len < GET_QUOTE_HDR_LEN + TDX_TDREPORT_LEN ||
	    c->max_quote_size < c->initial_buf_len ||
	    c->max_quote_size > TDXQ_MAX_QUOTE_SIZE_LIMIT) {
		pr_err("invalid module parameters\n");
		return -EINVAL;
	}
	c->max_quote_size = PAGE_ALIGN(c->max_quote_size);

	if (!strcmp(compat_dev, "auto")) {
		c->compat_dev = TDXQ_COMPAT_DEV_AUTO;
	} else if (!strcmp(compat_dev, "on")) {
		c->compat_dev = TDXQ_COMPAT_DEV_ON;
	} else if (!strcmp(compat_dev, "off")) {
		c->compat_dev = TDXQ_COMPAT_DEV_OFF;
	} else {
		pr_err("compat_dev=%s: use auto, on or off\n", compat_dev);
		return -EINVAL;
	}
	return 0;
}

/* host=NAME: the host ops exported by module tdx_quote_NAME. */
static int tdxq_get_module_host(const char *name)
{
	char module[sizeof(TDXQ_HOST_MODULE_PREFIX) + TDXQ_HOST_NAME_MAX];

	if (!*name || strlen(name) > TDXQ_HOST_NAME_MAX ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(name)) {
		pr_err("host=%s: not a host name\n", name);
		return -EINVAL;
	}
	if (tdxq_tdx_guest_detected()) {
		pr_err("host=%s refused: this is a real TDX guest\n", name);
		return -EPERM;
	}
	snprintf(module, sizeof(module), TDXQ_HOST_MODULE_PREFIX "%s", name);
	snprintf(tdxq_host_symbol, sizeof(tdxq_host_symbol),
		 "%s" TDXQ_HOST_SYMBOL_SUFFIX, module);
	request_module("%s", module);
	tdxq_host = __symbol_get(tdxq_host_symbol);
	if (!tdxq_host) {
		pr_err("host=%s: module %s not available\n", name, module);
		tdxq_host_symbol[0] = '\0';
		return -ENODEV;
	}
	return 0;
}

static int tdxq_get_host(void)
{
	if (strcmp(host, "auto") && strcmp(host, "tdx"))
		return tdxq_get_module_host(host);

	if (!tdxq_tdx_guest_detected()) {
		pr_err("not running in an Intel TDX guest; nothing to do (host=sim selects the simulated host)\n");
		return -ENODEV;
	}
	tdxq_host = &tdxq_tdx_host_ops;
	return tdxq_tdx_host_init();
}

static void tdxq_put_host(void)
{
	if (tdxq_host_symbol[0])
		__symbol_put(tdxq_host_symbol);
	tdxq_host = NULL;
}

static int __init tdxq_init(void)
{
	int ret;

	tdxq_stats_init();
	ret = tdxq_check_params();
	if (ret)
		return ret;
	ret = tdxq_get_host();
	if (ret)
		goto put_host;
	tdxq_quote_init();
	ret = tdxq_notify_init();
	if (ret)
		goto put_host;
	ret = tdxq_dev_init();
	if (ret)
		goto notify_exit;
	ret = tdxq_tsm_init();
	if (ret)
		goto dev_exit;
	pr_info("version %s ready, host %s\n", TDXQ_VERSION, tdxq_host->name);
	return 0;

dev_exit:
	tdxq_dev_exit();
notify_exit:
	tdxq_notify_exit();
put_host:
	tdxq_put_host();
	return ret;
}

static void __exit tdxq_exit(void)
{
	tdxq_tsm_exit();
	tdxq_dev_exit();
	tdxq_notify_exit();
	tdxq_sharedbuf_exit();
	tdxq_put_host();
}

module_init(tdxq_init);
module_exit(tdxq_exit);

MODULE_DESCRIPTION("TDX attestation quotes through GetQuote, any size, interrupt-driven");
MODULE_LICENSE("GPL");
MODULE_VERSION(TDXQ_VERSION);
