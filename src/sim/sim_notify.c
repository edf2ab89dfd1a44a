// SPDX-License-Identifier: GPL-2.0
/*
 * tdx_quote_sim: event-notify interrupts. SetupEventNotifyInterrupt
 * records the vector and the CPU it was issued on (a vCPU); completions
 * raise that vector there through the local APIC, as KVM injects it. Also
 * the spurious ones: irq_storm before a completion, irq_storm_now at once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/smp.h>
#include <linux/workqueue.h>
#include <asm/apic.h>
#include <asm/irq_vectors.h>

#include "tdxq_ghci.h"
#include "sim.h"

static bool notify = true;
module_param(notify, bool, 0644);
MODULE_PARM_DESC(notify, "support SetupEventNotifyInterrupt (default 1)");

/* Registered event-notify target; written from IPI context. */
static int sim_notify_cpu = -1;
static u8 sim_notify_vector;

void sim_raise_notify(void)
{
	int cpu = READ_ONCE(sim_notify_cpu);

	if (!notify || cpu < 0 || !cpu_online(cpu))
		return;
	/* Counted first: the guest may look as soon as it is handled. */
	sim_count.irqs_sent++;
	apic->send_IPI(cpu, READ_ONCE(sim_notify_vector));
}

struct sim_storm {
	struct work_struct work;
	int cpu;
	u8 vector;
	unsigned int n;
	unsigned int sent;
};

/*
 * Runs on the notify CPU and sends the vector to itself with interrupts
 * off, then takes it when they come back on: one interrupt each, none
 * merged into a vector still pending, so the guest can count them all.
 */
static void sim_storm_fn(struct work_struct *work)
{
	struct sim_storm *st = container_of(work, struct sim_storm, work);
	unsigned int i;

	for (i = 0; i < st->n; i++) {
		local_irq_disable();
		if (smp_processor_id() == st->cpu) {
			apic->send_IPI_self(st->vector);
			st->sent++;
		}
		local_irq_enable();
		if (!(i % 64))
			cond_resched();
	}
}

void sim_storm(unsigned int n)
{
	struct sim_storm st = { .n = n };

	if (!n)
		return;
	cpus_read_lock();
	st.cpu = READ_ONCE(sim_notify_cpu);
	st.vector = READ_ONCE(sim_notify_vector);
	if (notify && st.cpu >= 0 && cpu_online(st.cpu)) {
		INIT_WORK_ONSTACK(&st.work, sim_storm_fn);
		queue_work_on(st.cpu, system_highpri_wq, &st.work);
		flush_work(&st.work);
		destroy_work_on_stack(&st.work);
	}
	cpus_read_unlock();

	mutex_lock(&sim_lock);
	sim_count.irqs_storm += st.sent;
	mutex_unlock(&sim_lock);
}

bool sim_notify_supported(void)
{
	return notify;
}

/* Runs on the CPU that registers, like the TDVMCALL on a vCPU. */
u64 sim_setup_notify(u8 vector)
{
	if (!notify)
		return TDVMCALL_SUBFUNC_UNSUPPORTED;
	if (vector < FIRST_EXTERNAL_VECTOR)
		return TDVMCALL_INVALID_OPERAND;
	WRITE_ONCE(sim_notify_vector, vector);
	WRITE_ONCE(sim_notify_cpu, smp_processor_id());
	return TDVMCALL_SUCCESS;
}

/* A trigger: a write-only parameter that acts when written. */
static int sim_storm_now_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int ret;

	ret = kstrtouint(val, 0, &n);
	if (ret)
		return ret;
	sim_storm(n);
	return 0;
}

static const struct kernel_param_ops sim_storm_now_ops = {
	.set = sim_storm_now_set,
};
module_param_cb(irq_storm_now, &sim_storm_now_ops, NULL, 0200);
MODULE_PARM_DESC(irq_storm_now, "write N: send N spurious notify interrupts now");
