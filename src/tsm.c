// SPDX-License-Identifier: GPL-2.0
/*
 * configfs-tsm: tdx_quote as the kernel's quote-report provider, under the
 * name "tdx_guest" that existing clients (go-configfs-tsm, libtdx_attest,
 * attestation-agent) insist on, so that a client writing inblob and
 * reading outblob in /sys/kernel/config/tsm/report/NAME/ gets a quote
 * from this module's engine (interrupt completion, any-size buffers).
 *
 * Behaviour follows the in-tree tdx_guest provider: inblob must be the 64
 * bytes of report data (EINVAL otherwise), only generation, provider,
 * inblob and outblob are shown (no privlevel: TDX has none), a failed
 * GetQuote fails the read with its errno. A quote longer than the TSM
 * core's outblob limit fails with EFBIG instead of being cut.
 *
 * tsm=auto registers when no other provider is registered, on refuses to
 * load when it cannot, off leaves configfs-tsm alone.
 *
 * Why the TSM core's functions are looked up by name (__symbol_get())
 * rather than linked: a direct call would make modpost record the TSM
 * module ("tsm", from 6.16 "tsm_report") as a dependency of tdx_quote, so
 * `modprobe tdx_quote` would load it, and configfs with it, even with
 * tsm=off, and insmod would fail where that module is missing. Looked up
 * by name, tdx_quote loads the same on every kernel; only tsm=auto or on
 * loads the TSM module (request_module()), and the lookup holds a
 * reference on it while tdx_quote is registered. The prototypes still come
 * from <linux/tsm.h> (include/tdxq_compat.h), so a changed API fails the
 * build instead of the call.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kmod.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "tdxq.h"
#include "tdxq_compat.h"
#include "tdxq_ghci.h"

static char *tsm = "auto";
module_param(tsm, charp, 0444);
MODULE_PARM_DESC(tsm, "be the configfs-tsm quote provider \"tdx_guest\" (kernels with CONFIG_TSM_REPORTS): auto (if no other provider is registered; default), on (refuse to load otherwise), off");

enum { TDXQ_TSM_OFF, TDXQ_TSM_ON, TDXQ_TSM_AUTO };
static const char * const tdxq_tsm_modes[] = {
	[TDXQ_TSM_OFF] = "off", [TDXQ_TSM_ON] = "on", [TDXQ_TSM_AUTO] = "auto",
};

#if TDXQ_HAVE_TSM

static void *tdxq_tsm_unregister;	/* looked up while registered */
static bool tdxq_tsm_registered;

/*
 * One report: called by the TSM core, which holds its lock (tsm_rwsem)
 * for writing around it, so configfs-tsm makes one quote at a time
 * system-wide whatever this module could do in parallel.
 */
static int tdxq_tsm_report_new(struct tsm_report *report, void *data)
{
	struct tdxq_tsm_desc *desc = &report->desc;
	struct tdxq_quote_result res;
	int ret;

	if (desc->inblob_len != TDX_REPORTDATA_LEN)
		return -EINVAL;
	ret = tdxq_get_quote(desc->inblob, 0, &res);
	if (ret) {
		tdxq_quote_result_release(&res);
		return ret;
	}
	/*
	 * The TSM core would refuse to show it (configfs bin attribute
	 * limit); say why here, and keep no copy of it.
	 */
	if (res.len > TDXQ_TSM_OUTBLOB_MAX) {
		pr_warn_ratelimited("configfs-tsm: the %zu-byte quote is over the TSM core's %u-byte outblob limit (EFBIG); /dev/tdx_quote has none\n",
				    res.len, (unsigned int)TDXQ_TSM_OUTBLOB_MAX);
		tdxq_quote_result_release(&res);
		return -EFBIG;
	}
	/* The TSM core kvfree()s outblob: the quote's own copy goes to it. */
	report->outblob = res.quote;
	report->outblob_len = res.len;
	res.quote = NULL;
	tdxq_quote_slot_put();
	return 0;
}

static bool __maybe_unused tdxq_tsm_attr_visible(int n)
{
	return n == TSM_REPORT_GENERATION || n == TSM_REPORT_PROVIDER;
}

static bool __maybe_unused tdxq_tsm_bin_attr_visible(int n)
{
	return n == TSM_REPORT_INBLOB || n == TSM_REPORT_OUTBLOB;
}

static const struct tdxq_tsm_ops tdxq_tsm_ops = {
	.name = "tdx_guest",
	.report_new = tdxq_tsm_report_new,
	TDXQ_TSM_VISIBILITY(tdxq_tsm_attr_visible, tdxq_tsm_bin_attr_visible)
};

static int tdxq_tsm_register(int mode)
{
	void *reg;
	int ret;

	if (IS_MODULE(CONFIG_TSM_REPORTS))
		request_module(TDXQ_TSM_MODULE);
	reg = __symbol_get(TDXQ_TSM_REGISTER_SYM);
	tdxq_tsm_unregister = __symbol_get(TDXQ_TSM_UNREGISTER_SYM);
	if (!reg || !tdxq_tsm_unregister) {
		ret = -ENODEV;
		pr_info("configfs-tsm: its core (module %s) is not available%s\n",
			TDXQ_TSM_MODULE, mode == TDXQ_TSM_ON ? " (tsm=on)" : "; not registering");
		goto put;
	}
	ret = tdxq_tsm_call_register(reg, &tdxq_tsm_ops);
	if (ret) {
		pr_info("configfs-tsm: another provider holds it (the kernel's tdx_guest driver?), or report items made under an earlier one remain: %s (%d)\n",
			mode == TDXQ_TSM_ON ? "refusing to load (tsm=on)" : "leaving it alone",
			ret);
		goto put;
	}
	tdxq_tsm_registered = true;
	__symbol_put(TDXQ_TSM_REGISTER_SYM);
	pr_info("configfs-tsm: quote provider \"%s\", outblob limit %u bytes\n",
		tdxq_tsm_ops.name, (unsigned int)TDXQ_TSM_OUTBLOB_MAX);
	return 0;

put:
	if (reg)
		__symbol_put(TDXQ_TSM_REGISTER_SYM);
	if (tdxq_tsm_unregister)
		__symbol_put(TDXQ_TSM_UNREGISTER_SYM);
	tdxq_tsm_unregister = NULL;
	return ret;
}

/**
 * tdxq_tsm_exit() - stop being the configfs-tsm provider
 *
 * Waits for a report being made (the TSM core's lock). Report items that
 * exist stay; reading them fails with ENXIO until a provider registers,
 * which the TSM core allows only once they are gone.
 */
void tdxq_tsm_exit(void)
{
	if (!tdxq_tsm_registered)
		return;
	tdxq_tsm_call_unregister(tdxq_tsm_unregister, &tdxq_tsm_ops);
	tdxq_tsm_registered = false;
	__symbol_put(TDXQ_TSM_UNREGISTER_SYM);
	tdxq_tsm_unregister = NULL;
}

#else /* !TDXQ_HAVE_TSM */

static int tdxq_tsm_register(int mode)
{
	pr_info("configfs-tsm: this kernel has none (CONFIG_TSM_REPORTS)%s\n",
		mode == TDXQ_TSM_ON ? ": refusing to load (tsm=on)" : "");
	return -EOPNOTSUPP;
}

void tdxq_tsm_exit(void)
{
}

#endif /* TDXQ_HAVE_TSM */

/**
 * tdxq_tsm_init() - register as the configfs-tsm provider as tsm= says
 *
 * Return: 0, or a negative errno when tsm= is not auto, on or off, or
 * with tsm=on when tdx_quote cannot be the provider: EOPNOTSUPP (the
 * kernel has no configfs-tsm), ENODEV (its module is missing), EBUSY
 * (another provider, or report items left from one).
 */
int tdxq_tsm_init(void)
{
	int mode, ret;

	mode = match_string(tdxq_tsm_modes, ARRAY_SIZE(tdxq_tsm_modes), tsm);
	if (mode < 0) {
		pr_err("tsm=%s: use auto, on or off\n", tsm);
		return -EINVAL;
	}
	if (mode == TDXQ_TSM_OFF)
		return 0;
	ret = tdxq_tsm_register(mode);
	if (ret && mode == TDXQ_TSM_ON)
		pr_err("tsm=on: not the configfs-tsm provider (%d): not loading\n", ret);
	return mode == TDXQ_TSM_ON ? ret : 0;
}
