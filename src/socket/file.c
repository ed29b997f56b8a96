/*
 * file.c - life and death of struct file.
 */
#include "socket/file.h"

#include "lib/alloc.h"
#include "socket/eventpoll.h"

struct file *alloc_file(const struct file_operations *fop, void *priv,
			unsigned int flags)
{
	struct file *f = obj_alloc(OBJ_FILE, sizeof(*f));

	if (!f)
		return NULL;
	atomic_init(&f->f_count, 1);
	f->f_op = fop;
	atomic_init(&f->f_flags, flags | O_RDWR);
	f->private_data = priv;
	pthread_mutex_init(&f->f_lock, NULL);
	INIT_LIST_HEAD(&f->f_ep_links);
	return f;
}

/* Linux's __fput(): leave every epoll set first, then release. */
static void __fput(struct file *f)
{
	eventpoll_release(f);
	if (f->f_op->release)
		f->f_op->release(f);
	pthread_mutex_destroy(&f->f_lock);
	obj_free(OBJ_FILE, f);
}

static void fput_work(struct callback_head *work)
{
	__fput(container_of(work, struct file, f_release_work));
}

void fput(struct file *f)
{
	if (atomic_fetch_sub_explicit(&f->f_count, 1, memory_order_acq_rel) !=
	    1)
		return;
	if (stack_lock_depth > 0) {
		f->f_release_work.func = fput_work;
		task_work_add(&f->f_release_work);
		return;
	}
	__fput(f);
}
