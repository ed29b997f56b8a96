/*
 * mutex.h - the stack's locks: pthread mutexes of the adaptive kind.
 *
 * The namespace lock is taken on every socket call and is held for short
 * stretches; a thread that finds it taken should spin briefly rather than
 * sleep in the kernel at once, or a sender waking a receiver while it
 * still holds the lock makes the receiver sleep and the sender wake it
 * again (measured: two context switches per round trip, docs/PERFORMANCE.md).
 * glibc's adaptive mutex spins first.
 */
#ifndef USNET_LIB_MUTEX_H
#define USNET_LIB_MUTEX_H

#include <pthread.h>

static inline void stack_mutex_init(pthread_mutex_t *m)
{
	pthread_mutexattr_t attr;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
	pthread_mutex_init(m, &attr);
	pthread_mutexattr_destroy(&attr);
}

#endif
