/*
 * wait.c - wait queues, and threads that spin then sleep on a futex.
 */
#include "lib/mutex.h"
#include "socket/wait.h"

#include <errno.h>
#include <sched.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/clock.h"

int waiter_default_spin_ns = 50 * 1000;

void init_waitqueue_head(struct wait_queue_head *wqh)
{
	stack_mutex_init(&wqh->lock);
	INIT_LIST_HEAD(&wqh->head);
}

void destroy_waitqueue_head(struct wait_queue_head *wqh)
{
	pthread_mutex_destroy(&wqh->lock);
}

void add_wait_queue(struct wait_queue_head *wqh, struct wait_queue_entry *wqe)
{
	wqe->flags &= ~WQ_FLAG_EXCLUSIVE;
	pthread_mutex_lock(&wqh->lock);
	list_add(&wqe->entry, &wqh->head);
	pthread_mutex_unlock(&wqh->lock);
}

/* Exclusive waiters queue at the tail, so that the non-exclusive ones
 * in front of them are always all woken (as in Linux). */
void add_wait_queue_exclusive(struct wait_queue_head *wqh,
			      struct wait_queue_entry *wqe)
{
	wqe->flags |= WQ_FLAG_EXCLUSIVE;
	pthread_mutex_lock(&wqh->lock);
	list_add_tail(&wqe->entry, &wqh->head);
	pthread_mutex_unlock(&wqh->lock);
}

void remove_wait_queue(struct wait_queue_head *wqh,
		       struct wait_queue_entry *wqe)
{
	pthread_mutex_lock(&wqh->lock);
	list_del_init(&wqe->entry);
	pthread_mutex_unlock(&wqh->lock);
}

void __wake_up(struct wait_queue_head *wqh, int nr_exclusive, __poll_t key)
{
	struct wait_queue_entry *curr, *next;

	if (!wq_has_sleeper(wqh))
		return;
	pthread_mutex_lock(&wqh->lock);
	list_for_each_entry_safe(curr, next, &wqh->head, entry) {
		unsigned int flags = curr->flags;
		int ret = curr->func(curr, (void *)(uintptr_t)key);

		if (ret && (flags & WQ_FLAG_EXCLUSIVE) && !--nr_exclusive)
			break;
	}
	pthread_mutex_unlock(&wqh->lock);
}

void waiter_init(struct waiter *w)
{
	atomic_init(&w->woken, 0);
	w->spin_ns = waiter_default_spin_ns;
	w->sigmask = NULL;
	w->efd = -1;
}

/* Each thread that sleeps with a signal mask gets one eventfd, closed
 * when the thread exits. */
static pthread_key_t efd_key;
static pthread_once_t efd_once = PTHREAD_ONCE_INIT;
static __thread int thread_efd = -1;

static void efd_destroy(void *p)
{
	(void)p;
	if (thread_efd >= 0)
		close(thread_efd);
	thread_efd = -1;
}

static void efd_key_init(void)
{
	pthread_key_create(&efd_key, efd_destroy);
}

int waiter_set_sigmask(struct waiter *w, const sigset_t *sigmask)
{
	if (!sigmask)
		return 0;
	if (thread_efd < 0) {
		pthread_once(&efd_once, efd_key_init);
		thread_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (thread_efd < 0)
			return -errno;
		pthread_setspecific(efd_key, &thread_efd);
	}
	w->sigmask = sigmask;
	w->efd = thread_efd;
	w->spin_ns = 0;
	return 0;
}

/* woken: WAITER_ARMED while the owner spins, WAITER_ASLEEP once it sleeps
 * in the kernel, WAITER_WOKEN after a wake-up.  Only a sleeper costs the
 * waker a system call. */
enum {
	WAITER_ARMED,
	WAITER_WOKEN,
	WAITER_ASLEEP
};

void waiter_wake(struct waiter *w)
{
	int saved = errno;
	uint32_t old = atomic_exchange_explicit(&w->woken, WAITER_WOKEN,
						memory_order_acq_rel);

	if (old != WAITER_ASLEEP)
		return;
	if (w->efd >= 0) {
		uint64_t one = 1;

		if (write(w->efd, &one, sizeof(one)) < 0)
			(void)0; /* a full counter still wakes */
	} else {
		syscall(SYS_futex, &w->woken, FUTEX_WAKE_PRIVATE, 1, NULL, NULL,
			0);
	}
	errno = saved;
}

/* One sleep in the kernel: 0 on wake-up or time-out, -EINTR on a signal. */
static int waiter_block(struct waiter *w, const struct timespec *ts)
{
	uint32_t armed = WAITER_ARMED;
	long r;

	/* Say we sleep; a wake-up that came first ends the wait here. */
	if (!atomic_compare_exchange_strong(&w->woken, &armed, WAITER_ASLEEP) &&
	    armed == WAITER_WOKEN)
		return 0;
	if (w->efd >= 0) {
		struct pollfd p = { .fd = w->efd, .events = POLLIN };
		uint64_t v;

		r = ppoll(&p, 1, ts, w->sigmask);
		if (r < 0 && errno == EINTR)
			return -EINTR;
		if (r > 0 && read(w->efd, &v, sizeof(v)) < 0)
			(void)0;
		return 0;
	}
	r = syscall(SYS_futex, &w->woken, FUTEX_WAIT_PRIVATE, WAITER_ASLEEP, ts,
		    NULL, 0);
	if (r < 0 && errno == EINTR && !waiter_woken(w))
		return -EINTR;
	return 0;
}

int waiter_wake_function(struct wait_queue_entry *wqe, void *key)
{
	__poll_t mask = (__poll_t)(uintptr_t)key;

	/* A wake-up for events this sleeper does not wait for (data freed
	 * on the send side while it waits to read, say). */
	if (mask && wqe->key && !(mask & wqe->key))
		return 0;
	waiter_wake(wqe->private);
	return 1;
}

/* Spin for a wake-up; every 64 rounds look at the clock and give the CPU
 * to whoever else wants it, so that two threads on one CPU still make
 * progress. */
static bool waiter_spin(struct waiter *w, int64_t limit_ns)
{
	int64_t end = clock_real_ns() + limit_ns;
	unsigned int i = 0;

	for (;;) {
		if (waiter_woken(w))
			return true;
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
		if ((++i & 63) == 0) {
			if (clock_real_ns() >= end)
				return false;
			sched_yield();
		}
	}
}

int waiter_sleep(struct waiter *w, int64_t *timeo_ns)
{
	int64_t start = clock_real_ns(), left;
	int64_t spin = *timeo_ns < w->spin_ns ? *timeo_ns : w->spin_ns;
	int saved = errno, err = 0;

	if (spin > 0 && waiter_spin(w, spin))
		goto out;
	while (!waiter_woken(w)) {
		struct timespec ts, *tsp = NULL;

		if (*timeo_ns != TIMEO_INFINITE) {
			left = *timeo_ns - (clock_real_ns() - start);
			if (left <= 0) {
				*timeo_ns = 0;
				errno = saved;
				return 0;
			}
			ts = ns_to_timespec(left);
			tsp = &ts;
		}
		err = waiter_block(w, tsp);
		if (err)
			break;
	}
	errno = saved;
	if (err)
		return err;
out:
	if (*timeo_ns != TIMEO_INFINITE) {
		left = *timeo_ns - (clock_real_ns() - start);
		*timeo_ns = left > 0 ? left : 1;
	}
	return 0;
}
