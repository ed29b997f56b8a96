/*
 * timer.c - namespace timers, the real-clock service thread, and driving
 * the virtual clock.
 */
#include "core/timer.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>

#include <usnet/net.h>

#include "lib/alloc.h"
#include "lib/clock.h"

/* ---- the timer tree ------------------------------------------------------ */

/*
 * A namespace's armed timers, in a red-black tree ordered by expiry, and
 * timers of equal expiry in the order they were armed: a new one goes to
 * the right of its equals.  That is Linux's timerqueue, which keeps its
 * hrtimers exact to the nanosecond.  Linux's timer wheel (kernel/time/
 * timer.c) is O(1) only by letting a timer fire late, to its bucket's
 * granularity, and the virtual clock must run each timer exactly when it
 * is due.  Arming is O(log n), and finding the place O(1) at either end:
 * a timer as long as those armed before it (TIME_WAIT, FIN_WAIT2,
 * keepalive) goes last, one shorter than all (RTO, delayed ACK) first.
 */

static bool timer_less(const struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct timer_list, node)->expires <
	       rb_entry(b, struct timer_list, node)->expires;
}

static struct timer_list *timer_first(const struct net *net)
{
	struct rb_node *n = rb_first_cached(&net->timers);

	return n ? rb_entry(n, struct timer_list, node) : NULL;
}

static void timer_start_thread(struct net *net);

void mod_timer(struct timer_list *t, int64_t expires)
{
	struct net *net = t->net;

	if (timer_pending(t))
		rb_erase_cached(&t->node, &net->timers);
	t->expires = expires;
	rb_add_cached(&t->node, &net->timers, timer_less);
	/* The service thread is woken only for a timer due before it looks
	 * anyway (Linux reprograms its clock event only for a timer earlier
	 * than the next event): it looks at least every TIMER_SLEEP_MAX, so
	 * timers that long (RTO, SYN, TIME_WAIT, ...) never wake it. */
	if (expires < net->timer_wake && !clock_is_virtual()) {
		timer_start_thread(net);
		if (net->timer_started) {
			pthread_cond_signal(&net->timer_cond);
			net->timer_wake = INT64_MIN;
		}
	}
}

void del_timer(struct timer_list *t)
{
	if (timer_pending(t))
		rb_erase_cached(&t->node, &t->net->timers);
}

int64_t net_run_timers(struct net *net)
{
	for (;;) {
		struct timer_list *t = timer_first(net);

		if (!t)
			return INT64_MAX;
		if (t->expires > clock_now_ns())
			return t->expires;
		rb_erase_cached(&t->node, &net->timers);
		t->function(t);
	}
}

/* ---- the real clock: one service thread per namespace -------------------- */

/* The longest the service thread sleeps while a timer is armed: Linux's
 * TCP_RTO_MIN, so that only delayed ACKs and shorter timers need to wake
 * it. */
#define TIMER_SLEEP_MAX (200 * NSEC_PER_MSEC)

/* Sleep (the lock held) until @next, a timer's expiry, or less; say when
 * the thread will look again, so that mod_timer() wakes it only for an
 * earlier timer. */
static void timer_sleep(struct net *net, int64_t next)
{
	int64_t now = clock_now_ns();
	struct timespec ts;

	if (next == INT64_MAX) {
		net->timer_wake = INT64_MAX;
		pthread_cond_wait(&net->timer_cond, &net->lock);
	} else if (next > now) {
		if (next - now > TIMER_SLEEP_MAX)
			next = now + TIMER_SLEEP_MAX;
		net->timer_wake = next;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts = ns_to_timespec(next - now +
				    (int64_t)ts.tv_sec * NSEC_PER_SEC +
				    ts.tv_nsec);
		pthread_cond_timedwait(&net->timer_cond, &net->lock, &ts);
	}
	/* awake: it looks before it sleeps again */
	net->timer_wake = INT64_MIN;
}

static void *timer_thread(void *arg)
{
	struct net *net = arg;

	for (;;) {
		int64_t next;

		/* Hold the namespace only while there is work: the last
		 * reference may be ours (a timer freed the last socket), and
		 * then net_free() runs here and lets this thread go. */
		if (!get_net_not_zero(net))
			return NULL;
		net_lock(net);
		if (net->timer_stop) {
			net_unlock(net);
			put_net(net);
			return NULL;
		}
		next = net_run_timers(net);
		/* What the timers sent is received when the lock is let go
		 * (this namespace's backlog, or other namespaces' via the
		 * deferred work): do that before sleeping, then look again. */
		if (task_work_pending() || !skb_queue_empty(&net->rx_backlog)) {
			net_unlock(net);
			if (put_net(net))
				return NULL;
			continue;
		}
		timer_sleep(net, next);
		net_unlock(net);
		if (put_net(net))
			return NULL;
	}
}

static void timer_start_thread(struct net *net)
{
	pthread_attr_t attr;

	if (net->timer_started)
		return;
	pthread_attr_init(&attr);
	if (pthread_create(&net->timer_thread, &attr, timer_thread, net) == 0)
		net->timer_started = true;
	pthread_attr_destroy(&attr);
}

void net_timers_init(struct net *net)
{
	pthread_condattr_t attr;

	net->timers = RB_ROOT_CACHED;
	net->timer_wake = INT64_MAX; /* no thread: the first timer starts it */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&net->timer_cond, &attr);
	pthread_condattr_destroy(&attr);
}

void net_timers_exit(struct net *net)
{
	if (net->timer_started) {
		pthread_mutex_lock(&net->lock);
		net->timer_stop = true;
		pthread_cond_signal(&net->timer_cond);
		pthread_mutex_unlock(&net->lock);
		if (pthread_equal(pthread_self(), net->timer_thread))
			pthread_detach(net->timer_thread);
		else
			pthread_join(net->timer_thread, NULL);
	}
	pthread_cond_destroy(&net->timer_cond);
}

/* ---- the virtual clock ----------------------------------------------------- */

/* The earliest armed timer of any namespace, and a reference on each
 * namespace (released by the caller with put_nets()). */
static int64_t earliest_timer(struct net **nets, int n)
{
	int64_t best = INT64_MAX;

	for (int i = 0; i < n; i++) {
		struct timer_list *t;

		net_lock(nets[i]);
		t = timer_first(nets[i]);
		if (t && t->expires < best)
			best = t->expires;
		net_unlock(nets[i]);
	}
	return best;
}

static void run_all(struct net **nets, int n)
{
	for (int i = 0; i < n; i++) {
		net_lock(nets[i]);
		net_run_timers(nets[i]);
		net_unlock(nets[i]); /* and receive what they sent */
	}
}

int usnet_clock_virtual(int64_t start_ns)
{
	if (clock_is_virtual()) {
		errno = EBUSY;
		return -1;
	}
	if (start_ns < 0) {
		errno = EINVAL;
		return -1;
	}
	clock_set_virtual(start_ns);
	return 0;
}

int64_t usnet_clock_now(void)
{
	return clock_now_ns();
}

int usnet_clock_advance(int64_t ns)
{
	int64_t target;
	struct net **nets;
	int n;

	if (!clock_is_virtual()) {
		errno = EPERM;
		return -1;
	}
	if (ns < 0) {
		errno = EINVAL;
		return -1;
	}
	target = clock_now_ns() + ns;
	for (;;) {
		int64_t next;

		n = net_list_get(&nets);
		if (n < 0) {
			errno = ENOMEM;
			return -1;
		}
		next = earliest_timer(nets, n);
		if (next > target) {
			clock_virtual_set_now(target);
			run_all(nets, n);
			net_list_put(nets, n);
			return 0;
		}
		if (next > clock_now_ns())
			clock_virtual_set_now(next);
		run_all(nets, n);
		net_list_put(nets, n);
	}
}
