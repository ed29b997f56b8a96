/*
 * file.h - open files: what a descriptor number points at.
 *
 * A struct file is shared by every descriptor dup()ed from it (and later by
 * several processes); it dies when its last reference goes, and only then
 * is its object (socket, epoll instance) released and removed from every
 * epoll set that watches it, as in Linux.
 */
#ifndef USNET_SOCKET_FILE_H
#define USNET_SOCKET_FILE_H

#include <fcntl.h>
#include <pthread.h>
#include <sys/types.h>

#include "lib/compiler.h"
#include "lib/iov.h"
#include "lib/list.h"
#include "lib/task_work.h"

struct file;
struct wait_queue_head;

typedef struct poll_table_struct {
	void (*qproc)(struct file *file, struct wait_queue_head *wqh,
		      struct poll_table_struct *pt);
	__poll_t key; /* events the caller is interested in */
} poll_table;

/* Register the caller of a poll method on @wqh (no-op when @pt is NULL). */
static inline void poll_wait(struct file *file, struct wait_queue_head *wqh,
			     poll_table *pt)
{
	if (pt && pt->qproc && wqh)
		pt->qproc(file, wqh, pt);
}

struct file_operations {
	ssize_t (*read_iter)(struct file *file, struct iov_iter *to);
	ssize_t (*write_iter)(struct file *file, struct iov_iter *from);
	__poll_t (*poll)(struct file *file, poll_table *pt);
	long (*ioctl)(struct file *file, unsigned int cmd, unsigned long arg);
	/* The last reference is gone: free private_data. */
	void (*release)(struct file *file);
};

struct file {
	_Atomic long f_count;
	const struct file_operations *f_op;
	_Atomic unsigned int f_flags; /* O_NONBLOCK, O_RDWR */
	void *private_data;
	/* epoll items watching this file (eventpoll.c), under f_lock. */
	pthread_mutex_t f_lock;
	struct list_head f_ep_links;
	/* In flight inside SCM_RIGHTS messages (unix/garbage.c). */
	_Atomic long f_inflight;
	/* The final release, when deferred (lib/task_work.h). */
	struct callback_head f_release_work;
};

/* A new file with one reference; NULL on failure. */
struct file *alloc_file(const struct file_operations *fop, void *priv,
			unsigned int flags);

static inline struct file *get_file(struct file *f)
{
	atomic_fetch_add_explicit(&f->f_count, 1, memory_order_relaxed);
	return f;
}

static inline long file_count(struct file *f)
{
	return atomic_load_explicit(&f->f_count, memory_order_relaxed);
}

/* Drop a reference; the last one releases the file. */
void fput(struct file *f);

static inline bool file_nonblock(struct file *f)
{
	return atomic_load_explicit(&f->f_flags, memory_order_relaxed) &
	       O_NONBLOCK;
}

#endif
