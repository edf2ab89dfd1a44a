// SPDX-License-Identifier: GPL-2.0
/*
 * Request slots: at most max_inflight requests hold one at a time, from
 * before GetQuote until the answer is collected and delivered or, for a
 * quarantined request, until the host lets go of its buffer. So the
 * memory requests hold is bounded, and the notify interrupt can tell a
 * completion that may be one from a spurious one.
 *
 * Slots are handed out in arrival order: a caller that finds none free
 * queues, and a slot given back goes straight to the first caller in the
 * queue, waking only that one.
 */
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>

#include "tdxq.h"
#include "tdxq_trace.h"

/* How long after a request ends its notify interrupt may still arrive. */
#define TDXQ_IRQ_GRACE		(HZ / 10)

struct tdxq_slot_waiter {
	struct list_head node;
	struct task_struct *task;
	bool granted;
};

static DEFINE_SPINLOCK(tdxq_slot_lock);
static LIST_HEAD(tdxq_slot_queue);
static unsigned int tdxq_slots_used;	/* written under tdxq_slot_lock */
static unsigned long tdxq_slot_put_at;	/* jiffies a slot was last given back */

/**
 * tdxq_quote_slot_get() - take a request slot
 * @id: the request's id, for the trace events
 * @deadline: the request's; the wait for a slot stops there
 *
 * Takes one of max_inflight slots, queueing behind earlier callers if none
 * is free, until @deadline or a signal. tdxq_quote_slot_put() gives it back.
 * Return: 0, -ETIMEDOUT or -ERESTARTSYS (no slot held).
 */
int tdxq_quote_slot_get(u64 id, ktime_t deadline)
{
	struct tdxq_slot_waiter w = { .task = current };
	ktime_t queued_at = 0;
	unsigned int used;
	int ret = 0;

	spin_lock(&tdxq_slot_lock);
	used = tdxq_slots_used;
	if (list_empty(&tdxq_slot_queue) &&
	    tdxq_slots_used < tdxq_cfg.max_inflight) {
		WRITE_ONCE(tdxq_slots_used, tdxq_slots_used + 1);
		spin_unlock(&tdxq_slot_lock);
		trace_tdxq_slot_grant(id, false, 0, 0);
		return 0;
	}
	list_add_tail(&w.node, &tdxq_slot_queue);
	spin_unlock(&tdxq_slot_lock);
	tdxq_stat_inc(slot_waits);
	trace_tdxq_slot_wait(id, used, tdxq_cfg.max_inflight);
	if (trace_tdxq_slot_grant_enabled())
		queued_at = ktime_get();

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		/* Signal first: a request it would cut short at once is not sent. */
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		if (READ_ONCE(w.granted))
			break;
		if (!schedule_hrtimeout_range(&deadline, current->timer_slack_ns,
					      HRTIMER_MODE_ABS)) {
			ret = -ETIMEDOUT;
			break;
		}
	}
	__set_current_state(TASK_RUNNING);

	spin_lock(&tdxq_slot_lock);
	if (!w.granted)
		list_del(&w.node);
	spin_unlock(&tdxq_slot_lock);
	/* Handed a slot just as it gave up: pass it on. */
	if (w.granted && ret)
		tdxq_quote_slot_put();
	trace_tdxq_slot_grant(id, true, queued_at, ret);
	return ret;
}

/**
 * tdxq_quote_slot_put() - give back a request slot
 *
 * Called when a request ends, or for a quarantined request when the host
 * lets go of its buffer. The slot goes to the longest-waiting caller, if
 * any.
 */
void tdxq_quote_slot_put(void)
{
	struct tdxq_slot_waiter *w;

	WRITE_ONCE(tdxq_slot_put_at, jiffies);
	/* Pairs with tdxq_quote_irq_expected(): the time before the count. */
	smp_mb();
	spin_lock(&tdxq_slot_lock);
	w = list_first_entry_or_null(&tdxq_slot_queue, struct tdxq_slot_waiter,
				     node);
	if (w) {
		list_del(&w->node);
		WRITE_ONCE(w->granted, true);
		wake_up_process(w->task);
	} else {
		WRITE_ONCE(tdxq_slots_used, tdxq_slots_used - 1);
	}
	spin_unlock(&tdxq_slot_lock);
}

/**
 * tdxq_quote_irq_expected() - may a notify interrupt now be a completion?
 *
 * A request holds its slot from before GetQuote until it has collected the
 * answer, or, quarantined, until the host lets go; its interrupt may trail
 * the status it saw by a moment.
 * Return: false when no request holds a slot and none gave one back just
 * now: an interrupt then is spurious.
 */
bool tdxq_quote_irq_expected(void)
{
	return READ_ONCE(tdxq_slots_used) ||
	       time_before(jiffies, READ_ONCE(tdxq_slot_put_at) + TDXQ_IRQ_GRACE);
}
