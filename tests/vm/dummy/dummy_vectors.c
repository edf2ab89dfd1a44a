// SPDX-License-Identifier: GPL-2.0
/*
 * dummy_vectors: test-only module for the tdx-quote VM suite (t_realhost.c).
 * It takes @count interrupt vectors on CPU @cpu from x86_vector_domain, the
 * way tdx_quote takes its notify vector, and counts every interrupt any of
 * them receives. With it the suite shows that a vector tdx_quote named to
 * the host is never handed to another driver after tdx_quote unloads: none
 * of these vectors may equal the old one, and a late completion the host
 * sends to the old vector must not run this module's handler.
 *
 * Parameters (read-only in sysfs): cpu, count; vectors (the vectors taken,
 * space separated), hits (interrupts received).
 */
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <asm/hw_irq.h>
#include <asm/irqdomain.h>

#define DUMMY_MAX_VECTORS	64

static int cpu;
module_param(cpu, int, 0444);
MODULE_PARM_DESC(cpu, "CPU to take the vectors on (default 0)");

static unsigned int count = 16;
module_param(count, uint, 0444);
MODULE_PARM_DESC(count, "vectors to take, at most 64 (default 16)");

static unsigned int dummy_irqs[DUMMY_MAX_VECTORS];
static unsigned int dummy_vecs[DUMMY_MAX_VECTORS];
static unsigned int dummy_nr;
static atomic64_t dummy_hits = ATOMIC64_INIT(0);

static int dummy_vectors_get(char *buf, const struct kernel_param *kp)
{
	int len = 0;
	unsigned int i;

	for (i = 0; i < dummy_nr; i++)
		len += scnprintf(buf + len, PAGE_SIZE - len, "%s%u",
				 i ? " " : "", dummy_vecs[i]);
	len += scnprintf(buf + len, PAGE_SIZE - len, "\n");
	return len;
}

static const struct kernel_param_ops dummy_vectors_ops = {
	.get = dummy_vectors_get,
};
module_param_cb(vectors, &dummy_vectors_ops, NULL, 0444);
MODULE_PARM_DESC(vectors, "the vectors taken");

static int dummy_hits_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lld\n", (long long)atomic64_read(&dummy_hits));
}

static const struct kernel_param_ops dummy_hits_ops = {
	.get = dummy_hits_get,
};
module_param_cb(hits, &dummy_hits_ops, NULL, 0444);
MODULE_PARM_DESC(hits, "interrupts received on any of the vectors");

static irqreturn_t dummy_vectors_handler(int irq, void *data)
{
	atomic64_inc(&dummy_hits);
	pr_info("dummy_vectors: interrupt on irq %d\n", irq);
	return IRQ_HANDLED;
}

static void dummy_vectors_free(void)
{
	while (dummy_nr--) {
		free_irq(dummy_irqs[dummy_nr], NULL);
		irq_dispose_mapping(dummy_irqs[dummy_nr]);
	}
	dummy_nr = 0;
}

static int dummy_vectors_take(void)
{
	struct irq_alloc_info info;
	int irq, ret;

	memset(&info, 0, sizeof(info));
	info.mask = cpumask_of(cpu);
	irq = __irq_domain_alloc_irqs(x86_vector_domain, -1, 1, cpu_to_node(cpu),
				      &info, false, NULL);
	if (irq <= 0)
		return irq ? irq : -ENOSPC;
	irq_set_handler(irq, handle_edge_irq);
	irq_set_affinity(irq, cpumask_of(cpu));
	ret = request_irq(irq, dummy_vectors_handler, IRQF_NOBALANCING,
			  "dummy_vectors", NULL);
	if (ret) {
		irq_dispose_mapping(irq);
		return ret;
	}
	dummy_irqs[dummy_nr] = irq;
	dummy_vecs[dummy_nr] = irqd_cfg(irq_get_irq_data(irq))->vector;
	dummy_nr++;
	return 0;
}

static int __init dummy_vectors_init(void)
{
	int ret = 0;

	if (cpu < 0 || cpu >= nr_cpu_ids || !cpu_online(cpu) ||
	    !count || count > DUMMY_MAX_VECTORS)
		return -EINVAL;
	while (dummy_nr < count) {
		ret = dummy_vectors_take();
		if (ret) {
			dummy_vectors_free();
			return ret;
		}
	}
	return 0;
}

static void __exit dummy_vectors_exit(void)
{
	dummy_vectors_free();
}

module_init(dummy_vectors_init);
module_exit(dummy_vectors_exit);
MODULE_DESCRIPTION("test-only: takes interrupt vectors and counts their interrupts");
MODULE_LICENSE("GPL");
