// SPDX-License-Identifier: GPL-2.0
/*
 * Counters: one atomic per field of struct tdx_quote_stats, shown as files
 * in /sys/class/misc/tdx_quote/stats/ and copied into INFO replies.
 */
#include <linux/build_bug.h>
#include <linux/device.h>
#include <linux/sysfs.h>

#include <uapi/linux/tdx_quote.h>

#include "tdxq.h"

struct tdxq_stats tdxq_stats;

#define TDXQ_STAT_COUNT(name) + 1
static_assert(sizeof(struct tdx_quote_stats) ==
	      (0 TDXQ_STATS(TDXQ_STAT_COUNT)) * sizeof(__u64));
#undef TDXQ_STAT_COUNT

/**
 * tdxq_stats_fill() - copy the counters into an INFO reply
 * @info: destination
 */
void tdxq_stats_fill(struct tdx_quote_info *info)
{
#define TDXQ_STAT_COPY(name) \
	info->stats.name = atomic64_read(&tdxq_stats.name);
	TDXQ_STATS(TDXQ_STAT_COPY)
#undef TDXQ_STAT_COPY
}

#define TDXQ_STAT_SHOW(name)						\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%lld\n",				\
			  (long long)atomic64_read(&tdxq_stats.name));	\
}									\
static DEVICE_ATTR_RO(name);
TDXQ_STATS(TDXQ_STAT_SHOW)
#undef TDXQ_STAT_SHOW

#define TDXQ_STAT_ATTR(name) &dev_attr_##name.attr,
static struct attribute *tdxq_stats_attrs[] = {
	TDXQ_STATS(TDXQ_STAT_ATTR)
	NULL
};
#undef TDXQ_STAT_ATTR

static const struct attribute_group tdxq_stats_group = {
	.name = "stats",
	.attrs = tdxq_stats_attrs,
};

const struct attribute_group *tdxq_stats_groups[] = {
	&tdxq_stats_group,
	NULL
};
