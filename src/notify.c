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
 * online CPU and is registered again from there. (TD guests before 6.9
 * refuse to offline a CPU, CC_ATTR_HOTPLUG_DISABLED: there this path runs
 * only in the VM suite.)
 *
 * GHCI has no call to forget a vector. Once the host was told about one,
 * its IRQ is never given back to the vector allocator, where another
 * driver could get the vector and take a late completion for its own:
 * at unload the handler goes, the IRQ stays allocated and activated (a
 * fixed-vector IRQ keeps its vector when deactivated), and an interrupt
 * to it is acked by the edge flow handler and dropped. A later load for
 * the same CPU finds that IRQ by its mark and takes it back, so there is at
 * most one such IRQ per CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/smp.h>
#include <asm/hw_irq.h>
#include <asm/irqdomain.h>

#include <uapi/linux/tdx_quote.h>

#include "tdxq.h"
#include "tdxq_compat.h"
#include "tdxq_ghci.h"
#include "tdxq_trace.h"

/*
 * Handler data of an IRQ whose vector the host was told about: a value
 * that a later load finds the IRQ by, never dereferenced. It is ASCII
 * "tdxqirq" and not a canonical address, so no real pointer equals it.
 */
#define TDXQ_IRQ_MARK	((void *)0x7464787169727100UL)

DECLARE_WAIT_QUEUE_HEAD(tdxq_notify_wq);

static DEFINE_MUTEX(tdxq_notify_lock);
static unsigned int tdxq_irq;		/* 0: polling mode */
static unsigned int tdxq_vector;
static int tdxq_cpu = -1;
static int tdxq_cpuhp_state = -1;

static irqreturn_t tdxq_notify_handler(int irq, void *data)
{
	bool spurious = !tdxq_quote_irq_expected();

	tdxq_stat_inc(interrupts);
	trace_tdxq_notify_irq(spurious);
	if (spurious) {
		tdxq_stat_inc(spurious_interrupts);
		pr_warn_ratelimited("spurious notify interrupt from the host: no GetQuote outstanding\n");
	}
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

/* The CPU the IRQ's vector is on now. */
static unsigned int tdxq_irq_cpu(void)
{
	struct irq_data *d = irq_get_irq_data(tdxq_irq);

	return cpumask_first(irq_data_get_effective_affinity_mask(d));
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
	/* From now on the host may send it, whatever this module does. */
	irq_set_handler_data(tdxq_irq, TDXQ_IRQ_MARK);
	return 0;
}

/*
 * Stop handling the IRQ. One the host was told about stays allocated, with
 * its vector (see the top of this file); any other goes back.
 */
static void tdxq_free_irq(void)
{
	free_irq(tdxq_irq, NULL);
	if (irq_get_handler_data(tdxq_irq) != TDXQ_IRQ_MARK)
		irq_dispose_mapping(tdxq_irq);
	tdxq_irq = 0;
	tdxq_vector = 0;
	tdxq_cpu = -1;
}

/* The IRQ on @cpu an earlier load kept, or 0. */
static unsigned int tdxq_kept_irq(int cpu)
{
	unsigned int irq, nr = tdxq_nr_irqs(), found = 0;
	struct irq_data *d;

	rcu_read_lock();
	for (irq = 1; irq < nr && !found; irq++) {
		d = irq_get_irq_data(irq);
		if (d && d->domain == x86_vector_domain &&
		    irq_data_get_irq_handler_data(d) == TDXQ_IRQ_MARK &&
		    cpumask_first(irq_data_get_effective_affinity_mask(d)) == cpu)
			found = irq;
	}
	rcu_read_unlock();
	return found && !irq_has_action(found) ? found : 0;
}

static int tdxq_alloc_irq(int cpu)
{
	struct irq_alloc_info info;
	int irq, ret;

	irq = tdxq_kept_irq(cpu);
	if (irq) {
		ret = request_irq(irq, tdxq_notify_handler, IRQF_NOBALANCING,
				  "tdx_quote", NULL);
		if (ret)
			return ret;
		tdxq_irq = irq;
		pr_info("taking back the notify IRQ an earlier load kept (the host may still send its vector)\n");
		return 0;
	}

	memset(&info, 0, sizeof(info));
	info.mask = cpumask_of(cpu);
	irq = __irq_domain_alloc_irqs(x86_vector_domain, -1, 1, cpu_to_node(cpu),
				      &info, false, NULL);
	if (irq <= 0)
		return irq ? irq : -ENOSPC;

	irq_set_handler(irq, handle_edge_irq);
	/* Not yet activated: this only records where activation is to go. */
	irq_set_affinity(irq, cpumask_of(cpu));
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
 * CPU hotplug: once the CPU holding the vector is dead, the kernel has
 * moved the IRQ to another CPU, with another vector. Register that one
 * with the host from that CPU.
 */
static int tdxq_notify_cpu_dead(unsigned int cpu)
{
	unsigned int target;
	int ret = -ENODEV;

	mutex_lock(&tdxq_notify_lock);
	if (!tdxq_irq || tdxq_cpu != cpu)
		goto out;

	target = tdxq_irq_cpu();
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
	/* Installed first: the CPU cannot go away unwatched. */
	ret = cpuhp_setup_state_nocalls_cpuslocked(CPUHP_BP_PREPARE_DYN,
						   "tdx_quote:dead", NULL,
						   tdxq_notify_cpu_dead);
	if (ret < 0) {
		cpus_read_unlock();
		return ret;
	}
	tdxq_cpuhp_state = ret;

	if (cpu < 0 || cpu >= nr_cpu_ids || !cpu_online(cpu))
		cpu = cpumask_first(cpu_online_mask);
	mutex_lock(&tdxq_notify_lock);
	ret = tdxq_alloc_irq(cpu);
	if (!ret) {
		/* Where the kernel really put it (irqaffinity= may differ). */
		ret = tdxq_register_vector(tdxq_irq_cpu());
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
	pr_info("event-notify interrupt: vector %u on CPU %d\n", tdxq_vector,
		tdxq_cpu);
	return 0;
}

/**
 * tdxq_notify_exit() - stop handling the notify interrupt
 *
 * The host has no call to forget a vector, and buffers it still owns may
 * be completed later: the IRQ stays allocated with its vector (see the
 * top of this file) for the next load to take back.
 */
void tdxq_notify_exit(void)
{
	if (tdxq_cpuhp_state >= 0)
		cpuhp_remove_state_nocalls(tdxq_cpuhp_state);
	tdxq_cpuhp_state = -1;
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
