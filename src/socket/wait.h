/*
 * wait.h - wait queues and the parking of sleeping threads.
 *
 * A wait queue head is a list of entries, each with a callback run on
 * wake-up (Linux's wait_queue_head_t and wait_queue_entry_t).  A thread
 * that must block parks on a struct waiter: it spins for a short while
 * (a peer on another core usually answers within microseconds), then
 * sleeps in the kernel on a futex.  Wake-ups carry the poll mask of what
 * happened as their key, so that poll and epoll entries can ignore
 * events they do not watch.
 *
 * Locking: each head has its own mutex, taken inside the namespace lock
 * and before any epoll lock (see docs/ARCHITECTURE.md).
 */
#ifndef USNET_SOCKET_WAIT_H
#define USNET_SOCKET_WAIT_H

#include <pthread.h>
#include <signal.h>

#include "lib/compiler.h"
#include "lib/list.h"

struct wait_queue_entry;
typedef int (*wait_queue_func_t)(struct wait_queue_entry *wqe, void *key);

#define WQ_FLAG_EXCLUSIVE 0x01

struct wait_queue_entry {
	unsigned int flags;
	__poll_t key; /* events a sleeper waits for (0: any) */
	void *private;
	wait_queue_func_t func;
	struct list_head entry;
};

struct wait_queue_head {
	pthread_mutex_t lock;
	struct list_head head;
};

void init_waitqueue_head(struct wait_queue_head *wqh);
void destroy_waitqueue_head(struct wait_queue_head *wqh);
void add_wait_queue(struct wait_queue_head *wqh, struct wait_queue_entry *wqe);
void add_wait_queue_exclusive(struct wait_queue_head *wqh,
			      struct wait_queue_entry *wqe);
void remove_wait_queue(struct wait_queue_head *wqh,
		       struct wait_queue_entry *wqe);

/* Run the entries' callbacks: all non-exclusive ones and up to
 * @nr_exclusive exclusive ones whose callback reports a wake-up. */
void __wake_up(struct wait_queue_head *wqh, int nr_exclusive, __poll_t key);

static inline bool wq_has_sleeper(struct wait_queue_head *wqh)
{
	return READ_ONCE(wqh->head.next) != &wqh->head;
}

#define wake_up_poll(wqh, mask) __wake_up(wqh, 1, (mask))
#define wake_up_all(wqh)	__wake_up(wqh, 0, 0)

/*
 * A parked thread.  @woken is 0 while parked and becomes 1 on wake-up.
 */
struct waiter {
	_Atomic uint32_t woken;
	int spin_ns;
	/* With a signal mask (ppoll, pselect, epoll_pwait) the thread sleeps
	 * in ppoll(2) on its eventfd, so that the mask applies atomically
	 * and a signal it lets through interrupts the wait. */
	const sigset_t *sigmask;
	int efd;
};

void waiter_init(struct waiter *w);
/* Sleep with @sigmask in force (see struct waiter); -errno on failure. */
int waiter_set_sigmask(struct waiter *w, const sigset_t *sigmask);
static inline bool waiter_woken(struct waiter *w)
{
	/* 1 is WAITER_WOKEN (wait.c). */
	return atomic_load_explicit(&w->woken, memory_order_acquire) == 1;
}

/* Make the waiter ready for the next sleep. */
static inline void waiter_rearm(struct waiter *w)
{
	atomic_store_explicit(&w->woken, 0, memory_order_relaxed);
}
void waiter_wake(struct waiter *w);
/*
 * Sleep until woken, a signal, or until *@timeo_ns (relative, updated with
 * what is left) runs out.  Returns 0 when woken or timed out (check
 * *timeo_ns == 0), or -EINTR when a signal interrupted the sleep.
 */
int waiter_sleep(struct waiter *w, int64_t *timeo_ns);

/* A wait entry that wakes a struct waiter (its private field). */
int waiter_wake_function(struct wait_queue_entry *wqe, void *key);

static inline void init_wait_entry(struct wait_queue_entry *wqe,
				   struct waiter *w)
{
	wqe->flags = 0;
	wqe->key = 0;
	wqe->private = w;
	wqe->func = waiter_wake_function;
	INIT_LIST_HEAD(&wqe->entry);
}

/* Default spin before sleeping, in nanoseconds. */
extern int waiter_default_spin_ns;

#endif
