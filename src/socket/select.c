/*
 * select.c - poll() and select() over usnet descriptors.
 *
 * As in Linux's fs/select.c: a first pass calls every file's poll method
 * with a poll_table that hangs one wait entry per wait queue on the
 * caller's waiter; later passes only look.  The caller sleeps until any of
 * those queues is woken with an event it asked for, or the time is up.
 */
#include <errno.h>
#include <sys/epoll.h>

#include "lib/alloc.h"
#include "socket/syscalls.h"

#define POLL_CHUNK 32

struct poll_table_entry {
	struct wait_queue_entry wait;
	struct wait_queue_head *wqh;
	struct file *filp; /* holds @wqh's owner until the entry goes */
	__poll_t key;
	struct poll_wqueues *pwq;
};

struct poll_chunk {
	struct poll_chunk *next;
	int used;
	struct poll_table_entry entries[POLL_CHUNK];
};

struct poll_wqueues {
	poll_table pt;
	struct waiter w;
	struct poll_chunk *chunks;
	int error;
};

static int pollwake(struct wait_queue_entry *wqe, void *key)
{
	struct poll_table_entry *e =
		container_of(wqe, struct poll_table_entry, wait);
	__poll_t mask = (__poll_t)(uintptr_t)key;

	if (mask && !(mask & e->key))
		return 0;
	waiter_wake(&e->pwq->w);
	return 1;
}

static void poll_queue_proc(struct file *file, struct wait_queue_head *wqh,
			    poll_table *pt)
{
	struct poll_wqueues *pwq = container_of(pt, struct poll_wqueues, pt);
	struct poll_chunk *c = pwq->chunks;
	struct poll_table_entry *e;

	if (!c || c->used == POLL_CHUNK) {
		c = obj_alloc(OBJ_OTHER, sizeof(*c));
		if (!c) {
			pwq->error = -ENOMEM;
			return;
		}
		c->next = pwq->chunks;
		pwq->chunks = c;
	}
	e = &c->entries[c->used++];
	/* Linux's __pollwait(): the entry keeps the file, so another
	 * thread's close() cannot free the wait queue under it. */
	e->filp = get_file(file);
	e->wqh = wqh;
	e->key = pt->key;
	e->pwq = pwq;
	e->wait.flags = 0;
	e->wait.private = NULL;
	e->wait.func = pollwake;
	add_wait_queue(wqh, &e->wait);
}

static int poll_initwait(struct poll_wqueues *pwq, struct net *net,
			 const sigset_t *sigmask)
{
	pwq->pt.qproc = poll_queue_proc;
	pwq->pt.key = ~0u;
	waiter_init(&pwq->w);
	pwq->w.spin_ns = net_busy_wait_ns(net);
	pwq->chunks = NULL;
	pwq->error = 0;
	return waiter_set_sigmask(&pwq->w, sigmask);
}

static void poll_freewait(struct poll_wqueues *pwq)
{
	struct poll_chunk *c = pwq->chunks, *next;

	for (; c; c = next) {
		next = c->next;
		for (int i = 0; i < c->used; i++) {
			remove_wait_queue(c->entries[i].wqh,
					  &c->entries[i].wait);
			fput(c->entries[i].filp);
		}
		obj_free(OBJ_OTHER, c);
	}
	pwq->chunks = NULL;
}

/* Poll one descriptor for @events; POLLNVAL when it is not open. */
static __poll_t poll_one(struct files_struct *files, int fd, __poll_t events,
			 poll_table *pt)
{
	struct file *file = fget(files, fd);
	__poll_t mask;

	if (!file)
		return POLLNVAL;
	if (pt)
		pt->key = events;
	mask = file->f_op->poll ? file->f_op->poll(file, pt) :
				  (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
	fput(file);
	return mask & events;
}

/*
 * Sleep until woken or the deadline passes; false when time is up or a
 * signal came (*err set then).
 */
static bool poll_schedule(struct poll_wqueues *pwq, int64_t *timeout_ns,
			  int *err)
{
	int r;

	if (*timeout_ns == 0)
		return false;
	r = waiter_sleep(&pwq->w, timeout_ns);
	if (r) {
		*err = r;
		return false;
	}
	waiter_rearm(&pwq->w);
	return true;
}

int __sys_poll(struct files_struct *files, struct pollfd *fds, nfds_t nfds,
	       int64_t timeout_ns, const sigset_t *sigmask)
{
	struct poll_wqueues table;
	poll_table *pt = &table.pt;
	int count, err = 0;

	if (nfds > files->rlimit)
		return -EINVAL;
	err = poll_initwait(&table, current_net(), sigmask);
	if (err)
		return err;
	for (;;) {
		count = 0;
		for (nfds_t i = 0; i < nfds; i++) {
			__poll_t filter, mask = 0;

			if (fds[i].fd >= 0) {
				filter = (__poll_t)(uint16_t)fds[i].events |
					 POLLERR | POLLHUP;
				mask = poll_one(files, fds[i].fd,
						filter | POLLNVAL, pt);
			}
			fds[i].revents = (short)mask;
			if (mask) {
				count++;
				pt = NULL;
			}
		}
		pt = NULL;
		if (table.error) {
			err = table.error;
			break;
		}
		if (count || !poll_schedule(&table, &timeout_ns, &err))
			break;
	}
	poll_freewait(&table);
	if (err && !count)
		return err;
	return count;
}

#define POLLIN_SET  (EPOLLRDNORM | EPOLLRDBAND | EPOLLIN | EPOLLHUP | EPOLLERR)
#define POLLOUT_SET (EPOLLWRBAND | EPOLLWRNORM | EPOLLOUT | EPOLLERR)
#define POLLEX_SET  (EPOLLPRI)

int __sys_select(struct files_struct *files, int nfds, fd_set *rd, fd_set *wr,
		 fd_set *ex, int64_t *timeout_ns, const sigset_t *sigmask)
{
	fd_set in, out, exc, res_in, res_out, res_ex;
	struct poll_wqueues table;
	poll_table *pt = &table.pt;
	int64_t timeo = timeout_ns ? *timeout_ns : TIMEO_INFINITE;
	int fd, count, err = 0;

	if (nfds < 0)
		return -EINVAL;
	if (nfds > FD_SETSIZE)
		nfds = FD_SETSIZE;
	FD_ZERO(&in);
	FD_ZERO(&out);
	FD_ZERO(&exc);
	for (fd = 0; fd < nfds; fd++) {
		if (rd && FD_ISSET(fd, rd))
			FD_SET(fd, &in);
		if (wr && FD_ISSET(fd, wr))
			FD_SET(fd, &out);
		if (ex && FD_ISSET(fd, ex))
			FD_SET(fd, &exc);
	}
	/* Linux's max_select_fd(): any named descriptor must be open. */
	for (fd = 0; fd < nfds; fd++) {
		struct file *f;

		if (!FD_ISSET(fd, &in) && !FD_ISSET(fd, &out) &&
		    !FD_ISSET(fd, &exc))
			continue;
		f = fget(files, fd);
		if (!f)
			return -EBADF;
		fput(f);
	}
	err = poll_initwait(&table, current_net(), sigmask);
	if (err)
		return err;
	for (;;) {
		FD_ZERO(&res_in);
		FD_ZERO(&res_out);
		FD_ZERO(&res_ex);
		count = 0;
		for (fd = 0; fd < nfds; fd++) {
			__poll_t want = 0, mask;

			if (FD_ISSET(fd, &in))
				want |= POLLIN_SET;
			if (FD_ISSET(fd, &out))
				want |= POLLOUT_SET;
			if (FD_ISSET(fd, &exc))
				want |= POLLEX_SET;
			if (!want)
				continue;
			mask = poll_one(files, fd, want, pt);
			if ((mask & POLLIN_SET) && FD_ISSET(fd, &in)) {
				FD_SET(fd, &res_in);
				count++;
			}
			if ((mask & POLLOUT_SET) && FD_ISSET(fd, &out)) {
				FD_SET(fd, &res_out);
				count++;
			}
			if ((mask & POLLEX_SET) && FD_ISSET(fd, &exc)) {
				FD_SET(fd, &res_ex);
				count++;
			}
			if (count)
				pt = NULL;
		}
		pt = NULL;
		if (table.error) {
			err = table.error;
			break;
		}
		if (count || !poll_schedule(&table, &timeo, &err))
			break;
	}
	poll_freewait(&table);
	if (err && !count)
		return err;
	if (timeout_ns)
		*timeout_ns = timeo;
	if (rd)
		*rd = res_in;
	if (wr)
		*wr = res_out;
	if (ex)
		*ex = res_ex;
	return count;
}
