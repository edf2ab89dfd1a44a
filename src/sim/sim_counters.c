// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_quote_sim: the host's counters, in /sys/kernel/debug/tdx_quote_sim/.
 * The harness reads them after every test; the protocol counters
 * (violations, dirty, rejects_inuse, leaked_freed) fail it when they move.
 * selftest_violation moves one on request, so the harness can show that
 * this gate fails.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>

#include "sim.h"

struct sim_counters sim_count;
static struct dentry *sim_debugfs;

/*
 * The harness's own check: write a protocol counter's name and the sim
 * counts (and logs) one violation of that kind, as if the guest had made
 * it. tdxq-vmtest's "gates" group shows with it that its teardown fails.
 */
static int sim_selftest_set(const char *val, const struct kernel_param *kp)
{
	static const struct {
		const char *name;
		u64 *counter;
	} counters[] = {
		{ "violations", &sim_count.violations },
		{ "dirty", &sim_count.dirty },
		{ "rejects_inuse", &sim_count.rejects_inuse },
		{ "leaked_freed", &sim_count.selftest_freed },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(counters); i++) {
		if (sysfs_streq(val, counters[i].name))
			break;
	}
	if (i == ARRAY_SIZE(counters))
		return -EINVAL;
	mutex_lock(&sim_lock);
	(*counters[i].counter)++;
	mutex_unlock(&sim_lock);
	sim_protocol_warn("self-test: one %s counted on request\n",
			  counters[i].name);
	return 0;
}

static const struct kernel_param_ops sim_selftest_ops = {
	.set = sim_selftest_set,
};
module_param_cb(selftest_violation, &sim_selftest_ops, NULL, 0200);
MODULE_PARM_DESC(selftest_violation, "write violations, dirty, rejects_inuse or leaked_freed: count one (the harness's check of its own gate)");

/* Pages of ranges whose conversion failed that the guest freed anyway. */
static int sim_leaked_freed_get(void *data, u64 *val)
{
	mutex_lock(&sim_lock);
	*val = sim_leaked_freed_pages() + sim_count.selftest_freed;
	mutex_unlock(&sim_lock);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(sim_leaked_freed_fops, sim_leaked_freed_get, NULL,
			 "%llu\n");

/* The high-water mark; any write starts it again from what is shared now. */
static int sim_shared_max_get(void *data, u64 *val)
{
	*val = READ_ONCE(sim_count.shared_max);
	return 0;
}

static int sim_shared_max_set(void *data, u64 val)
{
	mutex_lock(&sim_lock);
	sim_count.shared_max = sim_count.shared_bytes;
	mutex_unlock(&sim_lock);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(sim_shared_max_fops, sim_shared_max_get,
			 sim_shared_max_set, "%llu\n");

#define SIM_COUNTER(name) { #name, &sim_count.name }

/* The counters shown as they are, read-only. */
static const struct {
	const char *name;
	u64 *val;
} sim_counter_files[] = {
	SIM_COUNTER(inflight),
	SIM_COUNTER(quotes),
	SIM_COUNTER(irqs_sent),
	SIM_COUNTER(retries),
	SIM_COUNTER(rejects_private),
	SIM_COUNTER(rejects_inuse),
	SIM_COUNTER(rejects_invalid),
	SIM_COUNTER(conv_rejects),
	SIM_COUNTER(shared_bytes),
	SIM_COUNTER(violations),
	SIM_COUNTER(faults),
	SIM_COUNTER(irqs_dropped),
	SIM_COUNTER(irqs_storm),
	SIM_COUNTER(flapping),
	SIM_COUNTER(flap_writes),
	SIM_COUNTER(conv_failures),
	SIM_COUNTER(leaked_bytes),
	SIM_COUNTER(dirty),
	SIM_COUNTER(junk_bytes),
	SIM_COUNTER(overtakes),
	SIM_COUNTER(late_out_lens),
};

void sim_debugfs_init(void)
{
	unsigned int i;

	sim_debugfs = debugfs_create_dir("tdx_quote_sim", NULL);
	for (i = 0; i < ARRAY_SIZE(sim_counter_files); i++)
		debugfs_create_u64(sim_counter_files[i].name, 0444, sim_debugfs,
				   sim_counter_files[i].val);
	debugfs_create_file_unsafe("leaked_freed", 0444, sim_debugfs, NULL,
				   &sim_leaked_freed_fops);
	debugfs_create_file_unsafe("shared_bytes_max", 0644, sim_debugfs, NULL,
				   &sim_shared_max_fops);
	sim_measure_debugfs(sim_debugfs);
}

void sim_debugfs_exit(void)
{
	debugfs_remove_recursive(sim_debugfs);
}
