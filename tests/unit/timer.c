/*
 * timer.c - a namespace's timers (core/timer.c) under the virtual clock:
 * each runs exactly at its expiry, in order of expiry, and timers of equal
 * expiry in the order they were armed (re-arming counts as arming anew),
 * which is what keeps the netsim table and the wire tests repeatable.
 * usnet-only, on internal functions.
 */
#include <criterion/criterion.h>
#include <stdint.h>

#include <usnet/net.h>

#include "core/net.h"
#include "core/timer.h"

#define MS  1000000LL
#define SEC 1000000000LL

#define NTIMERS 300

static struct usnet_net *unet;
static struct timer_list timers[NTIMERS];
static int fired[NTIMERS * 4], nfired;

static void timer_init(void)
{
	cr_assert_eq(usnet_clock_virtual(SEC), 0);
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

/* Records which timer ran, and that it ran exactly when due. */
static void record(struct timer_list *t)
{
	cr_assert_eq(usnet_clock_now(), t->expires,
		     "timer %d ran at %lld, due %lld", (int)(t - timers),
		     (long long)usnet_clock_now(), (long long)t->expires);
	cr_assert_lt(nfired, (int)(sizeof(fired) / sizeof(fired[0])));
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
