/*
 * clock.h - the stack's only source of time.
 *
 * Time is nanoseconds on CLOCK_MONOTONIC, or on a virtual clock that a
 * test advances (usnet_clock_virtual()); nothing else may call
 * clock_gettime().
 */
#ifndef USNET_LIB_CLOCK_H
#define USNET_LIB_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define NSEC_PER_SEC  1000000000LL
#define NSEC_PER_MSEC 1000000LL
#define NSEC_PER_USEC 1000LL

/* Linux counts timeouts in jiffies; the kernels we are held against run
 * at HZ=250, so a timeout set by the user (SO_RCVTIMEO, a sysctl in ms)
 * rounds up to 4 ms steps. */
#define USNET_HZ 250
/* "Wait forever", Linux's MAX_SCHEDULE_TIMEOUT. */
#define TIMEO_INFINITE INT64_MAX

/* The stack's time: what protocol timers and timestamps read. */
int64_t clock_now_ns(void);
/* Real monotonic time, for how long a thread waits or spins. */
int64_t clock_real_ns(void);
/* Switch the process to a virtual clock starting at @now (for good). */
void clock_set_virtual(int64_t now);
void clock_virtual_set_now(int64_t now);
bool clock_is_virtual(void);
/* A relative timeout as nanoseconds; negative tv_sec means 0. */
int64_t timespec_to_ns(const struct timespec *ts);
struct timespec ns_to_timespec(int64_t ns);

#endif
