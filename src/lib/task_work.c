/*
 * task_work.c - per-thread deferred work.
 */
#include "lib/task_work.h"

#include <stddef.h>

__thread int stack_lock_depth;
__thread struct callback_head *task_works;

void task_work_add(struct callback_head *work)
{
	work->next = task_works;
	task_works = work;
}

void task_work_run(void)
{
	while (task_works) {
		struct callback_head *w = task_works;

		task_works = w->next;
		w->func(w);
	}
}

bool task_work_pending(void)
{
	return task_works != NULL;
}
