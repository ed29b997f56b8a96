/*
 * timer.c - a namespace's timers (core/timer.c) under the virtual clock:
 * each runs exactly at its expiry, in order of expiry, and timers of equal
 * expiry in the order they were armed (re-arming counts as arming anew),
 * which is what keeps the netsim table and the wire tests repeatable.
 * Under the real clock, the service thread runs them, woken only for a
 * timer due before it would look anyway.  usnet-only, on internal
 * functions.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <time.h>

#include <usnet/net.h>

#include "core/net.h"
#include "core/timer.h"

#define MS  1000000LL
#define SEC 1000000000LL

#define NTIMERS 300

static struct usnet_net *unet;
static struct timer_list timers[NTIMERS];
static int fired[NTIMERS * 4], nfired;

static int64_t fired_at[NTIMERS * 4];
static bool virtual_clock;

static void timer_init(void)
{
	cr_assert_eq(usnet_clock_virtual(SEC), 0);
	virtual_clock = true;
	unet = usnet_net_create();
	cr_assert_not_null(unet);
	nfired = 0;
}

static void timer_init_real(void)
{
	unet = usnet_net_create();
	cr_assert_not_null(unet);
	nfired = 0;
}

static void timer_fini(void)
{
	struct usnet_objects live;

	usnet_net_destroy(unet);
	usnet_objects_live(&live);
	cr_assert_eq(live.socks, 0);
}

#define TIMER_TEST(name)                                          \
	Test(timer, name, .init = timer_init, .fini = timer_fini, \
	     .timeout = 30.0)
#define TIMER_TEST_REAL(name)                                          \
	Test(timer, name, .init = timer_init_real, .fini = timer_fini, \
	     .timeout = 30.0)

/* Records which timer ran and when; under the virtual clock, that it ran
 * exactly when due. */
static void record(struct timer_list *t)
{
	if (virtual_clock)
		cr_assert_eq(usnet_clock_now(), t->expires,
			     "timer %d ran at %lld, due %lld",
			     (int)(t - timers), (long long)usnet_clock_now(),
			     (long long)t->expires);
	cr_assert_lt(nfired, (int)(sizeof(fired) / sizeof(fired[0])));
	fired_at[nfired] = usnet_clock_now();
	fired[nfired++] = (int)(t - timers);
}

static void arm(int i, int64_t expires)
{
	struct net *net = (struct net *)unet;

	net_lock(net);
	if (!timers[i].function)
		timer_setup(&timers[i], net, record);
	mod_timer(&timers[i], expires);
	net_unlock(net);
}

TIMER_TEST(equal_expiries_in_arming_order)
{
	struct net *net = (struct net *)unet;
	int64_t t0 = usnet_clock_now();
	static const int want[] = { 1, 3, 5, 2, 0 };

	arm(0, t0 + 2 * SEC);
	arm(1, t0 + 1 * SEC);
	arm(2, t0 + 2 * SEC);
	arm(3, t0 + 1 * SEC);
	arm(0, t0 + 2 * SEC); /* again: now after 2 */
	arm(4, t0 + 3 * SEC);
	arm(5, t0 + 1 * SEC + 1);
	net_lock(net);
	del_timer(&timers[4]);
	cr_assert(!timer_pending(&timers[4]));
	cr_assert(timer_pending(&timers[0]));
	net_unlock(net);
	cr_assert_eq(usnet_clock_advance(10 * SEC), 0);
	cr_assert_eq(nfired, 5);
	for (int i = 0; i < 5; i++)
		cr_assert_eq(fired[i], want[i], "run %d: timer %d, want %d", i,
			     fired[i], want[i]);
}

/* A timer armed by a running one for the same instant runs in the same
 * pass, after those already due then. */
static void rearm_other(struct timer_list *t)
{
	record(t);
	if (t == &timers[0])
		mod_timer(&timers[1], t->expires);
}

TIMER_TEST(armed_by_a_timer_for_now)
{
	struct net *net = (struct net *)unet;
	int64_t t0 = usnet_clock_now();

	net_lock(net);
	for (int i = 0; i < 3; i++)
		timer_setup(&timers[i], net, rearm_other);
	mod_timer(&timers[0], t0 + SEC);
	mod_timer(&timers[2], t0 + SEC);
	net_unlock(net);
	cr_assert_eq(usnet_clock_advance(SEC), 0);
	cr_assert_eq(nfired, 3);
	cr_assert_eq(fired[0], 0);
	cr_assert_eq(fired[1], 2);
	cr_assert_eq(fired[2], 1);
}

/* xorshift64: the same sequence on every run. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned int rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

/* Thousands of arms, re-arms and deletions, with many equal expiries,
 * against a model: what is armed, its expiry and when it was armed. */
TIMER_TEST(random_against_model)
{
	struct net *net = (struct net *)unet;
	int64_t due[NTIMERS];
	uint64_t armed_at[NTIMERS], seq = 0;

	for (int i = 0; i < NTIMERS; i++)
		due[i] = -1;
	for (int round = 0; round < 200; round++) {
		int want[NTIMERS], n = 0;
		int64_t now = usnet_clock_now(), step;

		for (int op = 0; op < 100; op++) {
			int i = (int)rnd(NTIMERS);

			if (rnd(4) == 0) {
				net_lock(net);
				if (timers[i].function)
					del_timer(&timers[i]);
				net_unlock(net);
				due[i] = -1;
				continue;
			}
			/* a few distinct expiries, near and far, so that
			 * many are equal and both ends are hit */
			due[i] = now + (int64_t)rnd(8) * 10 * MS +
				 (rnd(8) == 0 ? 60 * SEC : 0);
			armed_at[i] = seq++;
			arm(i, due[i]);
		}
		step = (int64_t)rnd(50) * MS;
		/* the model: what is due by now + step, by expiry, then by
		 * arming */
		for (int i = 0; i < NTIMERS; i++)
			if (due[i] >= 0 && due[i] <= now + step)
				want[n++] = i;
		for (int a = 1; a < n; a++)
			for (int b = a; b > 0; b--) {
				int x = want[b - 1], y = want[b];

				if (due[x] < due[y] ||
				    (due[x] == due[y] &&
				     armed_at[x] < armed_at[y]))
					break;
				want[b - 1] = y;
				want[b] = x;
			}
		nfired = 0;
		cr_assert_eq(usnet_clock_advance(step), 0);
		cr_assert_eq(nfired, n, "round %d: %d ran, %d due", round,
			     nfired, n);
		for (int k = 0; k < n; k++) {
			cr_assert_eq(fired[k], want[k],
				     "round %d, run %d: timer %d, want %d",
				     round, k, fired[k], want[k]);
			due[want[k]] = -1;
		}
	}
	net_lock(net);
	for (int i = 0; i < NTIMERS; i++)
		if (timers[i].function)
			del_timer(&timers[i]);
	net_unlock(net);
}

/* ---- the real clock -------------------------------------------------------- */

/* When the service thread will look next (net->timer_wake), once it
 * sleeps; the lock held. */
static int64_t thread_wake(struct net *net)
{
	struct timespec pause = { 0, 1000000 };

	for (int i = 0; i < 5000; i++) {
		if (net->timer_wake != INT64_MIN)
			return net->timer_wake;
		net_unlock(net);
		nanosleep(&pause, NULL);
		net_lock(net);
	}
	cr_assert_fail("the service thread never slept");
	return 0;
}

static void wait_fired(int n)
{
	struct net *net = (struct net *)unet;
	struct timespec pause = { 0, 1000000 };

	for (int i = 0; i < 10000; i++) {
		int done;

		net_lock(net);
		done = nfired;
		net_unlock(net);
		if (done >= n)
			return;
		nanosleep(&pause, NULL);
	}
	cr_assert_fail("%d of %d timers ran", nfired, n);
}

/* A timer later than the thread's next look does not wake it (it sleeps
 * at most 200 ms, Linux's TCP_RTO_MIN); an earlier one does.  None runs
 * early, and each runs though the thread slept past the 200 ms. */
TIMER_TEST_REAL(service_thread_woken_only_for_earlier)
{
	struct net *net = (struct net *)unet;
	int64_t t0 = usnet_clock_now(), wake;

	arm(0, t0 + SEC);
	net_lock(net);
	wake = thread_wake(net);
	cr_assert(wake < t0 + SEC && wake <= usnet_clock_now() + 200 * MS,
		  "the thread looks again in %lld ms",
		  (long long)((wake - usnet_clock_now()) / MS));
	timer_setup(&timers[1], net, record);
	mod_timer(&timers[1], t0 + 2 * SEC);
	cr_assert_eq(net->timer_wake, wake, "a later timer woke the thread");
	timer_setup(&timers[2], net, record);
	mod_timer(&timers[2], wake - 1);
	cr_assert_eq(net->timer_wake, INT64_MIN,
		     "an earlier timer did not wake the thread");
	net_unlock(net);
	wait_fired(3);
	cr_assert_eq(fired[0], 2);
	cr_assert_eq(fired[1], 0);
	cr_assert_eq(fired[2], 1);
	cr_assert_geq(fired_at[1], t0 + SEC);
	cr_assert_geq(fired_at[2], t0 + 2 * SEC);
}
