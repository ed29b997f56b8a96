/*
 * timer.h - timers of a namespace, on the stack's clock.
 *
 * A timer runs its function with the namespace lock held once the clock
 * passes its expiry; timers of equal expiry run in the order they were
 * armed.  With the real clock a service thread per namespace sleeps until
 * the next expiry, 200 ms at most, and is woken only for a timer due before
 * that; with the virtual clock nothing happens until a test calls
 * usnet_clock_advance(), which runs, in its own thread and in time order,
 * every timer of every namespace that falls due.
 */
#ifndef USNET_CORE_TIMER_H
#define USNET_CORE_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/net.h"

struct timer_list {
	struct rb_node node; /* in net->timers, by expiry */
	int64_t expires;     /* clock_now_ns() time */
	void (*function)(struct timer_list *t);
	struct net *net;
};

static inline void timer_setup(struct timer_list *t, struct net *net,
			       void (*fn)(struct timer_list *t))
{
	RB_CLEAR_NODE(&t->node);
	t->function = fn;
	t->net = net;
	t->expires = 0;
}

static inline bool timer_pending(const struct timer_list *t)
{
	return !RB_EMPTY_NODE(&t->node);
}

/* (Re)arm @t for @expires; lock held. */
void mod_timer(struct timer_list *t, int64_t expires);
/* Disarm @t if armed; lock held. */
void del_timer(struct timer_list *t);

/* Run what is due at clock_now_ns(); lock held.  Returns the next expiry,
 * or INT64_MAX when none is armed. */
int64_t net_run_timers(struct net *net);

/* Start and stop a namespace's service thread (real clock only). */
void net_timers_init(struct net *net);
void net_timers_exit(struct net *net);

#endif
