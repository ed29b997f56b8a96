/*
 * task_work.h - work deferred until the calling thread leaves the stack's
 * locks (Linux's task_work, which is how it defers the final fput()).
 *
 * Releasing a file can release a socket, which takes its namespace lock;
 * when the last reference goes while the thread already holds a namespace
 * lock (an skb carrying SCM_RIGHTS files is freed under it, say), the
 * release is queued here and runs when the lock is dropped.
 */
#ifndef USNET_LIB_TASK_WORK_H
#define USNET_LIB_TASK_WORK_H

#include <stdbool.h>

struct callback_head {
	struct callback_head *next;
	void (*func)(struct callback_head *head);
};

extern __thread int stack_lock_depth;

void task_work_add(struct callback_head *work);
void task_work_run(void);
bool task_work_pending(void);

static inline void stack_lock_enter(void)
{
	stack_lock_depth++;
}

static inline void stack_lock_exit(void)
{
	extern __thread struct callback_head *task_works;

	if (--stack_lock_depth == 0 && task_works)
		task_work_run();
}

#endif
