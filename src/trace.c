// SPDX-License-Identifier: GPL-2.0
/*
 * The tdx_quote trace events (include/tdxq_trace.h) are instantiated here,
 * and requests get the ids that tie their events together.
 */
#include <linux/atomic.h>

#include "tdxq.h"

#define CREATE_TRACE_POINTS
#include "tdxq_trace.h"

static atomic64_t tdxq_last_id = ATOMIC64_INIT(0);

/**
 * tdxq_trace_new_id() - an id for a new request
 *
 * Every trace event of the request carries it. Ids count up from 1 at
 * load; 0 stands for "no request".
 * Return: the id.
 */
u64 tdxq_trace_new_id(void)
{
	return atomic64_inc_return(&tdxq_last_id);
}
