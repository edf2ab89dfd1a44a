// SPDX-License-Identifier: GPL-2.0
/*
 * Counters: one atomic per field of struct tdx_quote_stats, shown as files
 * in /sys/class/misc/tdx_quote/stats/ and copied into INFO replies.
 */
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/sysfs.h>

#include <uapi/linux/tdx_quote.h>

#include "tdxq.h"

atomic64_t tdxq_counters[TDXQ_NR_STATS];

/* File names in /sys/class/misc/tdx_quote/stats/, by counter. */
static const char * const tdxq_stat_names[TDXQ_NR_STATS] = {
	[TDXQ_STAT_IDX(requests)] = "requests",
	[TDXQ_STAT_IDX(successes)] = "successes",
	[TDXQ_STAT_IDX(fail_timeout)] = "fail_timeout",
	[TDXQ_STAT_IDX(fail_interrupted)] = "fail_interrupted",
	[TDXQ_STAT_IDX(fail_service_unavailable)] = "fail_service_unavailable",
	[TDXQ_STAT_IDX(fail_host_error)] = "fail_host_error",
	[TDXQ_STAT_IDX(fail_host_protocol)] = "fail_host_protocol",
	[TDXQ_STAT_IDX(fail_vmcall)] = "fail_vmcall",
	[TDXQ_STAT_IDX(fail_busy)] = "fail_busy",
	[TDXQ_STAT_IDX(fail_too_large)] = "fail_too_large",
	[TDXQ_STAT_IDX(fail_nomem)] = "fail_nomem",
	[TDXQ_STAT_IDX(fail_no_space)] = "fail_no_space",
	[TDXQ_STAT_IDX(in_flight)] = "in_flight",
	[TDXQ_STAT_IDX(quarantined)] = "quarantined",
	[TDXQ_STAT_IDX(conversions_shared)] = "conversions_shared",
	[TDXQ_STAT_IDX(conversions_private)] = "conversions_private",
	[TDXQ_STAT_IDX(pooled_bytes)] = "pooled_bytes",
	[TDXQ_STAT_IDX(leaked_bytes)] = "leaked_bytes",
	[TDXQ_STAT_IDX(interrupts)] = "interrupts",
	[TDXQ_STAT_IDX(poll_wakeups)] = "poll_wakeups",
	[TDXQ_STAT_IDX(host_retries)] = "host_retries",
	[TDXQ_STAT_IDX(buffer_grows)] = "buffer_grows",
	[TDXQ_STAT_IDX(spurious_interrupts)] = "spurious_interrupts",
	[TDXQ_STAT_IDX(slot_waits)] = "slot_waits",
};

/**
 * tdxq_stats_fill() - copy the counters into an INFO reply
 * @info: destination
 */
void tdxq_stats_fill(struct tdx_quote_info *info)
{
	__u64 *out = (__u64 *)&info->stats;
	unsigned int i;

	for (i = 0; i < TDXQ_NR_STATS; i++)
		out[i] = atomic64_read(&tdxq_counters[i]);
}

static ssize_t tdxq_stat_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct dev_ext_attribute *ea =
		container_of(attr, struct dev_ext_attribute, attr);

	return sysfs_emit(buf, "%lld\n", (long long)atomic64_read(ea->var));
}

static struct dev_ext_attribute tdxq_stat_attrs[TDXQ_NR_STATS];
static struct attribute *tdxq_stat_attr_list[TDXQ_NR_STATS + 1];

static const struct attribute_group tdxq_stats_group = {
	.name = "stats",
	.attrs = tdxq_stat_attr_list,
};

const struct attribute_group *tdxq_stats_groups[] = {
	&tdxq_stats_group,
	NULL
};

/**
 * tdxq_stats_init() - build the sysfs files, one per counter
 *
 * Must run before the device that carries tdxq_stats_groups is registered.
 */
void tdxq_stats_init(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < TDXQ_NR_STATS; i++) {
		struct dev_ext_attribute *ea = &tdxq_stat_attrs[i];

		sysfs_attr_init(&ea->attr.attr);
		/* A counter added to the uapi structure but not named here. */
		if (WARN_ON(!tdxq_stat_names[i]))
			continue;
		ea->attr.attr.name = tdxq_stat_names[i];
		ea->attr.attr.mode = 0444;
		ea->attr.show = tdxq_stat_show;
		ea->var = &tdxq_counters[i];
		tdxq_stat_attr_list[n++] = &ea->attr.attr;
	}
}
