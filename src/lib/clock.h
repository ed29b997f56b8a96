/*
 * clock.h - the stack's only source of time.
 *
 * Time is nanoseconds on CLOCK_MONOTONIC.  A virtual clock for
 * deterministic tests comes with the network protocols, which need timers;
 * nothing may call clock_gettime() directly.
 */
#ifndef USNET_LIB_CLOCK_H
#define USNET_LIB_CLOCK_H

#include <stdint.h>
#include <time.h>

#define NSEC_PER_SEC  1000000000LL
#define NSEC_PER_MSEC 1000000LL
#define NSEC_PER_USEC 1000LL
/* "Wait forever", Linux's MAX_SCHEDULE_TIMEOUT. */
#define TIMEO_INFINITE INT64_MAX

int64_t clock_now_ns(void);
/* A relative timeout as nanoseconds; negative tv_sec means 0. */
int64_t timespec_to_ns(const struct timespec *ts);
struct timespec ns_to_timespec(int64_t ns);

#endif
