/*
 * clock.c - monotonic time in nanoseconds.
 */
#include "lib/clock.h"

int64_t clock_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
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
