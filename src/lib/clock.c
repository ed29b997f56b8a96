/*
 * clock.c - the stack's time: CLOCK_MONOTONIC, or a virtual clock that
 * only moves when a test says so (usnet_clock_advance(), core/timer.c).
 */
#include "lib/clock.h"

#include <stdatomic.h>
#include <stdbool.h>

static atomic_bool clock_virtual;
static _Atomic int64_t clock_virtual_now;

int64_t clock_real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

int64_t clock_now_ns(void)
{
	if (atomic_load_explicit(&clock_virtual, memory_order_acquire))
		return atomic_load_explicit(&clock_virtual_now,
					    memory_order_acquire);
	return clock_real_ns();
}

bool clock_is_virtual(void)
{
	return atomic_load_explicit(&clock_virtual, memory_order_acquire);
}

void clock_set_virtual(int64_t now)
{
	atomic_store(&clock_virtual_now, now);
	atomic_store(&clock_virtual, true);
}

void clock_virtual_set_now(int64_t now)
{
	atomic_store(&clock_virtual_now, now);
}

int64_t timespec_to_ns(const struct timespec *ts)
{
	if (ts->tv_sec < 0)
		return 0;
	if (ts->tv_sec >= INT64_MAX / NSEC_PER_SEC - 1)
		return TIMEO_INFINITE;
	return (int64_t)ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

struct timespec ns_to_timespec(int64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / NSEC_PER_SEC),
		.tv_nsec = (long)(ns % NSEC_PER_SEC),
	};
	return ts;
}
