// SPDX-License-Identifier: GPL-2.0
/*
 * Completion notification: the GHCI event-notify interrupt.
 *
 * A vector is taken from x86_vector_domain, bound to one CPU, and named to
 * the host with SetupEventNotifyInterrupt issued on that CPU (the host
 * injects it on the vCPU that registered it). The handler wakes every
 * waiter; each checks its own buffer. Where the host lacks the call, or
 * registering fails, waiters poll instead (quote.c).
 *
 * When the CPU holding the vector goes offline the vector moves to another
 * online CPU and is registered again from there.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/mutex.h>
#include <linux/smp.h>
#include <asm/hw_irq.h>
#include <asm/irqdomain.h>

#include <uapi/linux/tdx_quote.h>

#include "tdxq.h"
#include "tdxq_ghci.h"

DECLARE_WAIT_QUEUE_HEAD(tdxq_notify_wq);

static DEFINE_MUTEX(tdxq_notify_lock);
static unsigned int tdxq_irq;		/* 0: polling mode */
static unsigned int tdxq_vector;
static int tdxq_cpu = -1;
static int tdxq_cpuhp_online = -1;	/* dynamic CPU hotplug states */
static int tdxq_cpuhp_dead = -1;

static irqreturn_t tdxq_notify_handler(int irq, void *data)
{
	tdxq_stat_inc(interrupts);
	wake_up_all(&tdxq_notify_wq);
	tdxq_sharedbuf_kick();
	return IRQ_HANDLED;
}

struct tdxq_setup_args {
	u8 vector;
	u64 status;
};

static void tdxq_setup_on_cpu(void *data)
{
	struct tdxq_setup_args *args = data;

	args->status = tdxq_host->setup_notify(args->vector);
}

/* Register the IRQ's current vector with the host from @cpu. */
static int tdxq_register_vector(int cpu)
{
	struct tdxq_setup_args args;
	int ret;

	args.vector = irqd_cfg(irq_get_irq_data(tdxq_irq))->vector;
	args.status = TDVMCALL_INVALID_OPERAND;
	ret = smp_call_function_single(cpu, tdxq_setup_on_cpu, &args, 1);
	if (ret)
		return ret;
	if (args.status != TDVMCALL_SUCCESS) {
		pr_warn("host refused SetupEventNotifyInterrupt(vector %u): %#llx\n",
			args.vector, args.status);
		return -EIO;
	}
	tdxq_vector = args.vector;
	tdxq_cpu = cpu;
	return 0;
}

static void tdxq_free_irq(void)
{
	free_irq(tdxq_irq, NULL);
	irq_dispose_mapping(tdxq_irq);
	tdxq_irq = 0;
	tdxq_vector = 0;
	tdxq_cpu = -1;
}

static int tdxq_alloc_irq(int cpu)
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
	ret = request_irq(irq, tdxq_notify_handler, IRQF_NOBALANCING,
			  "tdx_quote", NULL);
	if (ret) {
		irq_dispose_mapping(irq);
		return ret;
	}
	tdxq_irq = irq;
	return 0;
}

/*
 * CPU hotplug, step 1, on the CPU going down: steer the IRQ to another
 * CPU. Vector-domain IRQs move only when the kernel migrates them off the
 * dying CPU; this makes it pick @target rather than break the affinity.
 */
static int tdxq_notify_cpu_down(unsigned int cpu)
{
	unsigned int target;

	mutex_lock(&tdxq_notify_lock);
	if (tdxq_irq && tdxq_cpu == cpu) {
		target = cpumask_any_but(cpu_online_mask, cpu);
		if (target < nr_cpu_ids)
			irq_set_affinity(tdxq_irq, cpumask_of(target));
	}
	mutex_unlock(&tdxq_notify_lock);
	return 0;
}

/*
 * CPU hotplug, step 2, once the CPU is dead and the kernel has moved the
 * IRQ: register its new vector with the host from its new CPU.
 */
static int tdxq_notify_cpu_dead(unsigned int cpu)
{
	struct irq_data *d;
	unsigned int target;
	int ret = -ENODEV;

	mutex_lock(&tdxq_notify_lock);
	if (!tdxq_irq || tdxq_cpu != cpu)
		goto out;

	d = irq_get_irq_data(tdxq_irq);
	target = cpumask_first(irq_data_get_effective_affinity_mask(d));
	if (target < nr_cpu_ids && cpu_online(target))
		ret = tdxq_register_vector(target);
	if (ret) {
		pr_warn("could not register the notify vector on another CPU (%d); polling from now on\n",
			ret);
		tdxq_free_irq();
	} else {
		pr_info("notify vector %u moved to CPU %u\n", tdxq_vector, target);
	}
	/* A completion may have gone to the dead CPU meanwhile. */
	wake_up_all(&tdxq_notify_wq);
out:
	mutex_unlock(&tdxq_notify_lock);
	return 0;
}

static void tdxq_hotplug_exit(void)
{
	if (tdxq_cpuhp_online >= 0)
		cpuhp_remove_state_nocalls(tdxq_cpuhp_online);
	if (tdxq_cpuhp_dead >= 0)
		cpuhp_remove_state_nocalls(tdxq_cpuhp_dead);
	tdxq_cpuhp_online = -1;
	tdxq_cpuhp_dead = -1;
}

static int tdxq_hotplug_init(void)
{
	int ret;

	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "tdx_quote:dead",
					NULL, tdxq_notify_cpu_dead);
	if (ret < 0)
		return ret;
	tdxq_cpuhp_dead = ret;
	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "tdx_quote:down",
					NULL, tdxq_notify_cpu_down);
	if (ret < 0) {
		tdxq_hotplug_exit();
		return ret;
	}
	tdxq_cpuhp_online = ret;
	return 0;
}

/**
 * tdxq_notify_init() - register the event-notify interrupt, or settle for
 * polling
 *
 * Return: 0 (polling is always available), or a negative errno if the CPU
 * hotplug callback cannot be installed.
 */
int tdxq_notify_init(void)
{
	int cpu = tdxq_cfg.notify_cpu;
	int ret;

	if (!tdxq_cfg.use_irq || !tdxq_host->notify_supported()) {
		pr_info("host has no event-notify interrupt; using adaptive polling\n");
		return 0;
	}

	cpus_read_lock();
	if (cpu < 0 || cpu >= nr_cpu_ids || !cpu_online(cpu))
		cpu = cpumask_first(cpu_online_mask);
	mutex_lock(&tdxq_notify_lock);
	ret = tdxq_alloc_irq(cpu);
	if (!ret) {
		ret = tdxq_register_vector(cpu);
		if (ret)
			tdxq_free_irq();
	}
	mutex_unlock(&tdxq_notify_lock);
	cpus_read_unlock();
	if (ret) {
		pr_warn("event-notify interrupt unavailable (%d); using adaptive polling\n",
			ret);
		return 0;
	}

	ret = tdxq_hotplug_init();
	if (ret) {
		mutex_lock(&tdxq_notify_lock);
		tdxq_free_irq();
		mutex_unlock(&tdxq_notify_lock);
		return ret;
	}
	pr_info("event-notify interrupt: vector %u on CPU %d\n", tdxq_vector,
		tdxq_cpu);
	return 0;
}

/**
 * tdxq_notify_exit() - release the vector
 *
 * The host has no call to forget a vector; nothing is in flight any more
 * when this runs, except buffers leaked on purpose.
 */
void tdxq_notify_exit(void)
{
	tdxq_hotplug_exit();
	mutex_lock(&tdxq_notify_lock);
	if (tdxq_irq)
		tdxq_free_irq();
	mutex_unlock(&tdxq_notify_lock);
}

/**
 * tdxq_notify_irq_mode() - are completions signalled by interrupt?
 * Return: true in interrupt mode, false when polling.
 */
bool tdxq_notify_irq_mode(void)
{
	return READ_ONCE(tdxq_irq) != 0;
}

/**
 * tdxq_notify_fill() - report mode, vector and CPU
 * @info: INFO reply to fill
 */
void tdxq_notify_fill(struct tdx_quote_info *info)
{
	mutex_lock(&tdxq_notify_lock);
	if (tdxq_irq) {
		info->notify_mode = TDX_QUOTE_NOTIFY_IRQ;
		info->notify_vector = tdxq_vector;
		info->notify_cpu = tdxq_cpu;
	} else {
		info->notify_mode = TDX_QUOTE_NOTIFY_POLL;
	}
	mutex_unlock(&tdxq_notify_lock);
}
