/*
 * eventpoll.c - epoll: interest lists, ready lists, waiting.
 *
 * The shape is Linux's.  Each registration (struct epitem) hangs a wait
 * entry on the target's wait queue; when the target wakes it with an event
 * of interest, ep_poll_callback() puts the item on the ready list.
 * epoll_wait() then looks only at the ready list, asks each item's file
 * for its current events, reports them, and puts level-triggered items
 * back: the cost is proportional to the ready events, not to the number
 * of descriptors watched.
 *
 * Locks, outermost first: epmutex (file release, loop checks), ep->mtx
 * (the interest list; held while items are polled), the namespace lock and
 * wait-queue locks (inside poll methods and wake-ups), ep->lock (the ready
 * list, taken by the callback).  The callback never takes ep->mtx.
 */
#include "lib/mutex.h"
#include "socket/eventpoll.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/epoll.h>

#include "lib/alloc.h"
#include "socket/syscalls.h"

#define EP_MAX_NESTS	4
#define EP_MAX_EVENTS	(INT_MAX / (int)sizeof(struct epoll_event))
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EPOLLINOUT_BITS (EPOLLIN | EPOLLOUT)
#define EPOLLEXCLUSIVE_OK_BITS                                           \
	(EPOLLINOUT_BITS | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | \
	 EPOLLEXCLUSIVE)
#define EP_WAITS 2 /* wait queues one item may hang on */

enum epi_state {
	EPI_IDLE,  /* not on the ready list */
	EPI_READY, /* on ep->rdllist */
	EPI_TX,	   /* being looked at by ep_scan_ready() */
};

struct eventpoll;

struct eppoll_entry {
	struct wait_queue_entry wait;
	struct wait_queue_head *whead;
	struct epitem *base;
};

struct epitem {
	struct epitem *hnext;	  /* hash chain, under ep->mtx */
	struct list_head rdllink; /* ready or tx list, under ep->lock */
	enum epi_state state;
	bool kicked;	   /* woken while in EPI_TX */
	struct file *file; /* not a reference, as in Linux */
	int fd;
	struct eventpoll *ep;
	struct list_head fllink; /* file->f_ep_links, under f_lock */
	int nwait;
	struct eppoll_entry pwq[EP_WAITS];
	struct epoll_event event;
};

struct eventpoll {
	pthread_mutex_t mtx;
	pthread_mutex_t lock;
	struct wait_queue_head wq;	  /* epoll_wait() sleepers */
	struct wait_queue_head poll_wait; /* poll() on the epoll fd */
	struct list_head rdllist;
	struct epitem **hash;
	unsigned int hash_size;
	unsigned int nitems;
	struct file *file;
};

static pthread_mutex_t epmutex = PTHREAD_MUTEX_INITIALIZER;

static const struct file_operations eventpoll_fops;

bool is_file_epoll(struct file *file)
{
	return file->f_op == &eventpoll_fops;
}

/* ---- the interest list (hash of file, fd) ----------------------------- */

static unsigned int ep_hash(const struct eventpoll *ep, struct file *file,
			    int fd)
{
	uintptr_t h = (uintptr_t)file * 0x9e3779b97f4a7c15ull ^
		      (uintptr_t)(unsigned int)fd;

	return (unsigned int)(h >> 17) & (ep->hash_size - 1);
}

static struct epitem *ep_find(struct eventpoll *ep, struct file *file, int fd)
{
	struct epitem *epi;

	if (!ep->hash_size)
		return NULL;
	for (epi = ep->hash[ep_hash(ep, file, fd)]; epi; epi = epi->hnext)
		if (epi->file == file && epi->fd == fd)
			return epi;
	return NULL;
}

static int ep_hash_grow(struct eventpoll *ep)
{
	unsigned int n = ep->hash_size ? ep->hash_size * 2 : 16;
	struct epitem **old = ep->hash, **nh;
	unsigned int oldn = ep->hash_size;

	nh = obj_alloc(OBJ_OTHER, n * sizeof(*nh));
	if (!nh)
		return -ENOMEM;
	ep->hash = nh;
	ep->hash_size = n;
	for (unsigned int i = 0; i < oldn; i++) {
		struct epitem *epi = old[i], *next;

		for (; epi; epi = next) {
			unsigned int b = ep_hash(ep, epi->file, epi->fd);

			next = epi->hnext;
			epi->hnext = nh[b];
			nh[b] = epi;
		}
	}
	obj_free(OBJ_OTHER, old);
	return 0;
}

static void ep_hash_del(struct eventpoll *ep, struct epitem *epi)
{
	struct epitem **pp = &ep->hash[ep_hash(ep, epi->file, epi->fd)];

	while (*pp != epi)
		pp = &(*pp)->hnext;
	*pp = epi->hnext;
	ep->nitems--;
}

/* ---- wake-ups ---------------------------------------------------------- */

static void ep_wake_pollers(struct eventpoll *ep)
{
	if (wq_has_sleeper(&ep->poll_wait))
		wake_up_poll(&ep->poll_wait, EPOLLIN | EPOLLRDNORM);
}

/* Put @epi on the ready list and wake a waiter; ep->lock held.
 * Returns whether a waiter was there to wake. */
static bool ep_mark_ready(struct eventpoll *ep, struct epitem *epi)
{
	if (epi->state == EPI_IDLE) {
		list_add_tail(&epi->rdllink, &ep->rdllist);
		epi->state = EPI_READY;
	} else if (epi->state == EPI_TX) {
		epi->kicked = true;
	}
	return wq_has_sleeper(&ep->wq);
}

static int ep_poll_callback(struct wait_queue_entry *wait, void *key)
{
	struct eppoll_entry *pwq =
		container_of(wait, struct eppoll_entry, wait);
	struct epitem *epi = pwq->base;
	struct eventpoll *ep = epi->ep;
	__poll_t pollflags = (__poll_t)(uintptr_t)key;
	bool waiters, ewake = false;

	pthread_mutex_lock(&ep->lock);
	/* A disabled EPOLLONESHOT item, or an event nobody asked for. */
	if (!(epi->event.events & ~EP_PRIVATE_BITS) ||
	    (pollflags && !(pollflags & epi->event.events))) {
		pthread_mutex_unlock(&ep->lock);
		return 0;
	}
	waiters = ep_mark_ready(ep, epi);
	pthread_mutex_unlock(&ep->lock);

	if (waiters) {
		if (epi->event.events & EPOLLEXCLUSIVE) {
			switch (pollflags & EPOLLINOUT_BITS) {
			case EPOLLIN:
				ewake = epi->event.events & EPOLLIN;
				break;
			case EPOLLOUT:
				ewake = epi->event.events & EPOLLOUT;
				break;
			case 0:
				ewake = true;
				break;
			}
		}
		wake_up_poll(&ep->wq, pollflags);
	}
	ep_wake_pollers(ep);
	if (!(epi->event.events & EPOLLEXCLUSIVE))
		ewake = true;
	return ewake;
}

static void ep_ptable_queue_proc(struct file *file,
				 struct wait_queue_head *whead, poll_table *pt);

struct ep_pqueue {
	poll_table pt;
	struct epitem *epi;
};

static void ep_ptable_queue_proc(struct file *file,
				 struct wait_queue_head *whead, poll_table *pt)
{
	struct ep_pqueue *epq = container_of(pt, struct ep_pqueue, pt);
	struct epitem *epi = epq->epi;
	struct eppoll_entry *pwq;

	(void)file;
	if (epi->nwait < 0 || epi->nwait >= EP_WAITS) {
		epi->nwait = -1; /* Linux: -ENOMEM for the insert */
		return;
	}
	pwq = &epi->pwq[epi->nwait++];
	pwq->whead = whead;
	pwq->base = epi;
	pwq->wait.private = NULL;
	pwq->wait.func = ep_poll_callback;
	pwq->wait.flags = 0;
	if (epi->event.events & EPOLLEXCLUSIVE)
		add_wait_queue_exclusive(whead, &pwq->wait);
	else
		add_wait_queue(whead, &pwq->wait);
}

static __poll_t ep_item_poll(struct epitem *epi, poll_table *pt)
{
	__poll_t mask =
		epi->file->f_op->poll ?
			epi->file->f_op->poll(epi->file, pt) :
			(EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM);

	return mask & epi->event.events;
}

/* ---- insert, modify, remove ------------------------------------------- */

/* An item found ready outside a wake-up (insert, modify): queue it and
 * wake whoever waits on the set. */
static void ep_queue_if_ready(struct eventpoll *ep, struct epitem *epi,
			      __poll_t revents)
{
	bool waiters;

	if (!revents)
		return;
	pthread_mutex_lock(&ep->lock);
	waiters = ep_mark_ready(ep, epi);
	pthread_mutex_unlock(&ep->lock);
	if (waiters)
		wake_up_poll(&ep->wq, revents);
	ep_wake_pollers(ep);
}

static void ep_unregister_pollwait(struct epitem *epi)
{
	for (int i = 0; i < epi->nwait; i++)
		remove_wait_queue(epi->pwq[i].whead, &epi->pwq[i].wait);
	epi->nwait = 0;
}

/* ep->mtx held. */
static void ep_remove(struct eventpoll *ep, struct epitem *epi)
{
	struct file *file = epi->file;

	ep_unregister_pollwait(epi);
	pthread_mutex_lock(&file->f_lock);
	list_del_init(&epi->fllink);
	pthread_mutex_unlock(&file->f_lock);
	pthread_mutex_lock(&ep->lock);
	if (epi->state != EPI_IDLE)
		list_del_init(&epi->rdllink);
	pthread_mutex_unlock(&ep->lock);
	ep_hash_del(ep, epi);
	obj_free(OBJ_EPITEM, epi);
}

static int ep_insert(struct eventpoll *ep, const struct epoll_event *event,
		     struct file *tfile, int fd)
{
	struct ep_pqueue epq;
	struct epitem *epi;
	__poll_t revents;

	if (ep->nitems + 1 > ep->hash_size && ep_hash_grow(ep))
		return -ENOMEM;
	epi = obj_alloc(OBJ_EPITEM, sizeof(*epi));
	if (!epi)
		return -ENOMEM;
	INIT_LIST_HEAD(&epi->rdllink);
	INIT_LIST_HEAD(&epi->fllink);
	epi->ep = ep;
	epi->file = tfile;
	epi->fd = fd;
	epi->event = *event;
	epi->state = EPI_IDLE;

	pthread_mutex_lock(&tfile->f_lock);
	list_add_tail(&epi->fllink, &tfile->f_ep_links);
	pthread_mutex_unlock(&tfile->f_lock);
	{
		unsigned int b = ep_hash(ep, tfile, fd);

		epi->hnext = ep->hash[b];
		ep->hash[b] = epi;
		ep->nitems++;
	}

	epq.epi = epi;
	epq.pt.qproc = ep_ptable_queue_proc;
	epq.pt.key = event->events;
	revents = ep_item_poll(epi, &epq.pt);
	if (epi->nwait < 0) {
		epi->nwait = EP_WAITS;
		ep_remove(ep, epi);
		return -ENOMEM;
	}
	ep_queue_if_ready(ep, epi, revents);
	return 0;
}

static int ep_modify(struct eventpoll *ep, struct epitem *epi,
		     const struct epoll_event *event)
{
	pthread_mutex_lock(&ep->lock);
	epi->event = *event;
	pthread_mutex_unlock(&ep->lock);
	ep_queue_if_ready(ep, epi, ep_item_poll(epi, NULL));
	return 0;
}

/* ---- loops of epoll sets ---------------------------------------------- */

/* Gather the epoll instances @ep watches; ep->mtx taken here. */
static int ep_children(struct eventpoll *ep, struct eventpoll ***out)
{
	struct eventpoll **kids = NULL;
	int n = 0;

	pthread_mutex_lock(&ep->mtx);
	for (unsigned int b = 0; b < ep->hash_size; b++) {
		for (struct epitem *epi = ep->hash[b]; epi; epi = epi->hnext) {
			struct eventpoll **k;

			if (!is_file_epoll(epi->file))
				continue;
			k = obj_realloc(OBJ_OTHER, kids,
					(size_t)(n + 1) * sizeof(*kids));
			if (!k) {
				pthread_mutex_unlock(&ep->mtx);
				obj_free(OBJ_OTHER, kids);
				return -ENOMEM;
			}
			kids = k;
			kids[n++] = epi->file->private_data;
		}
	}
	pthread_mutex_unlock(&ep->mtx);
	*out = kids;
	return n;
}

/* How deep the epoll sets below @from go (0: none), or -ELOOP when @to is
 * among them or they nest too deep; epmutex held. */
static int ep_depth_down(struct eventpoll *from, struct eventpoll *to,
			 int depth)
{
	struct eventpoll **kids;
	int n, best = 0;

	if (from == to || depth > EP_MAX_NESTS)
		return -ELOOP;
	n = ep_children(from, &kids);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		int d = ep_depth_down(kids[i], to, depth + 1);

		if (d < 0) {
			best = d;
			break;
		}
		if (d + 1 > best)
			best = d + 1;
	}
	obj_free(OBJ_OTHER, kids);
	return best;
}

/* How many epoll sets are stacked above @ep; epmutex held. */
static int ep_depth_up(struct eventpoll *ep, int depth)
{
	struct epitem *epi;
	int best = 0;

	if (depth > EP_MAX_NESTS)
		return depth;
	pthread_mutex_lock(&ep->file->f_lock);
	list_for_each_entry(epi, &ep->file->f_ep_links, fllink) {
		int d = 1 + ep_depth_up(epi->ep, depth + 1);

		if (d > best)
			best = d;
	}
	pthread_mutex_unlock(&ep->file->f_lock);
	return best;
}

/* Linux's ep_loop_check(): no cycle, and no chain of more than
 * EP_MAX_NESTS + 1 sets through the new link. */
static int ep_loop_check(struct eventpoll *ep, struct eventpoll *to)
{
	int down = ep_depth_down(to, ep, 0);

	if (down < 0)
		return down;
	if (down + 1 + ep_depth_up(ep, 0) > EP_MAX_NESTS)
		return -ELOOP;
	return 0;
}

/* ---- epoll_ctl --------------------------------------------------------- */

static bool ep_op_has_event(int op)
{
	return op != EPOLL_CTL_DEL;
}

int __sys_epoll_ctl(struct files_struct *files, int epfd, int op, int fd,
		    struct epoll_event *event)
{
	struct epoll_event epds = { 0 };
	struct file *file, *tfile;
	struct eventpoll *ep;
	struct epitem *epi;
	bool nested = false;
	int err;

	if (ep_op_has_event(op)) {
		if (!event)
			return -EFAULT;
		epds = *event;
	}
	file = fget(files, epfd);
	if (!file)
		return -EBADF;
	tfile = fget(files, fd);
	err = -EBADF;
	if (!tfile)
		goto out_fput;
	err = -EPERM;
	if (!tfile->f_op->poll)
		goto out_tfput;
	err = -EINVAL;
	if (file == tfile || !is_file_epoll(file))
		goto out_tfput;
	if (ep_op_has_event(op) && (epds.events & EPOLLEXCLUSIVE)) {
		if (op == EPOLL_CTL_MOD)
			goto out_tfput;
		if (op == EPOLL_CTL_ADD &&
		    (is_file_epoll(tfile) ||
		     (epds.events & ~EPOLLEXCLUSIVE_OK_BITS)))
			goto out_tfput;
	}
	ep = file->private_data;

	if (op == EPOLL_CTL_ADD && is_file_epoll(tfile)) {
		nested = true;
		pthread_mutex_lock(&epmutex);
		err = ep_loop_check(ep, tfile->private_data);
		if (err)
			goto out_unlock_nested;
	}
	pthread_mutex_lock(&ep->mtx);
	epi = ep_find(ep, tfile, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		if (epi) {
			err = -EEXIST;
			break;
		}
		epds.events |= EPOLLERR | EPOLLHUP;
		err = ep_insert(ep, &epds, tfile, fd);
		break;
	case EPOLL_CTL_DEL:
		if (!epi) {
			err = -ENOENT;
			break;
		}
		ep_remove(ep, epi);
		err = 0;
		break;
	case EPOLL_CTL_MOD:
		if (!epi) {
			err = -ENOENT;
			break;
		}
		if (epi->event.events & EPOLLEXCLUSIVE) {
			err = -EINVAL;
			break;
		}
		epds.events |= EPOLLERR | EPOLLHUP;
		err = ep_modify(ep, epi, &epds);
		break;
	default:
		err = -EINVAL;
		break;
	}
	pthread_mutex_unlock(&ep->mtx);
out_unlock_nested:
	if (nested)
		pthread_mutex_unlock(&epmutex);
out_tfput:
	if (tfile)
		fput(tfile);
out_fput:
	fput(file);
	return err;
}

/* ---- epoll_wait -------------------------------------------------------- */

/*
 * Walk the ready list with ep->mtx held, asking each item for its events
 * now.  With @events, report up to @maxevents of them (Linux's
 * ep_send_events()): level-triggered items stay ready, one-shot items are
 * disarmed.  Without, only look until one is ready (Linux's
 * ep_read_events_proc(), for poll on the epoll fd).  Either way, an item
 * that turns out not to be ready leaves the list.  Returns the number of
 * events found.
 */
static int ep_scan_ready(struct eventpoll *ep, struct epoll_event *events,
			 int maxevents)
{
	struct list_head txlist;
	struct epitem *epi, *tmp;
	int res = 0;

	INIT_LIST_HEAD(&txlist);
	pthread_mutex_lock(&ep->lock);
	list_splice_tail_init(&ep->rdllist, &txlist);
	list_for_each_entry(epi, &txlist, rdllink) {
		epi->state = EPI_TX;
		epi->kicked = false;
	}
	pthread_mutex_unlock(&ep->lock);

	list_for_each_entry(epi, &txlist, rdllink) {
		__poll_t revents;
		bool keep = false;

		if (res >= maxevents) {
			keep = true; /* not reached: still ready */
		} else {
			revents = ep_item_poll(epi, NULL);
			if (!revents)
				continue;
			if (events) {
				events[res].events = revents;
				events[res].data = epi->event.data;
			}
			res++;
			keep = !events ||
			       !(epi->event.events & (EPOLLET | EPOLLONESHOT));
		}
		pthread_mutex_lock(&ep->lock);
		if (events && res && !keep &&
		    (epi->event.events & EPOLLONESHOT))
			epi->event.events &= EP_PRIVATE_BITS;
		epi->kicked |= keep;
		pthread_mutex_unlock(&ep->lock);
	}

	/* Items still ready, or woken while we looked, go back on the ready
	 * list; the rest are idle until their next wake-up. */
	pthread_mutex_lock(&ep->lock);
	list_for_each_entry_safe(epi, tmp, &txlist, rdllink) {
		list_del_init(&epi->rdllink);
		if (epi->kicked) {
			list_add_tail(&epi->rdllink, &ep->rdllist);
			epi->state = EPI_READY;
		} else {
			epi->state = EPI_IDLE;
		}
	}
	pthread_mutex_unlock(&ep->lock);
	return res;
}

int __sys_epoll_wait(struct files_struct *files, int epfd,
		     struct epoll_event *events, int maxevents,
		     int64_t timeout_ns, const sigset_t *sigmask)
{
	struct wait_queue_entry entry;
	struct eventpoll *ep;
	struct file *file;
	struct waiter w;
	int res = 0;

	file = fget(files, epfd);
	if (!file)
		return -EBADF;
	if (maxevents <= 0 || maxevents > EP_MAX_EVENTS ||
	    !is_file_epoll(file)) {
		fput(file);
		return -EINVAL;
	}
	ep = file->private_data;
	waiter_init(&w);
	w.spin_ns = net_busy_wait_ns(current_net());
	res = waiter_set_sigmask(&w, sigmask);
	if (res) {
		fput(file);
		return res;
	}
	init_wait_entry(&entry, &w);
	for (;;) {
		bool empty;

		pthread_mutex_lock(&ep->mtx);
		res = ep_scan_ready(ep, events, maxevents);
		pthread_mutex_unlock(&ep->mtx);
		if (res || timeout_ns == 0)
			break;
		waiter_rearm(&w);
		add_wait_queue_exclusive(&ep->wq, &entry);
		pthread_mutex_lock(&ep->lock);
		empty = list_empty(&ep->rdllist);
		pthread_mutex_unlock(&ep->lock);
		if (empty)
			res = waiter_sleep(&w, &timeout_ns);
		remove_wait_queue(&ep->wq, &entry);
		if (res < 0)
			break;
	}
	fput(file);
	return res;
}

/* ---- the epoll file ---------------------------------------------------- */

/* Readable when some ready item really has events (Linux polls them). */
static __poll_t ep_eventpoll_poll(struct file *file, poll_table *pt)
{
	struct eventpoll *ep = file->private_data;
	int ready;

	poll_wait(file, &ep->poll_wait, pt);
	pthread_mutex_lock(&ep->mtx);
	ready = ep_scan_ready(ep, NULL, 1);
	pthread_mutex_unlock(&ep->mtx);
	return ready ? EPOLLIN | EPOLLRDNORM : 0;
}

static void ep_free(struct eventpoll *ep)
{
	pthread_mutex_lock(&epmutex);
	pthread_mutex_lock(&ep->mtx);
	for (unsigned int b = 0; b < ep->hash_size; b++)
		while (ep->hash[b])
			ep_remove(ep, ep->hash[b]);
	pthread_mutex_unlock(&ep->mtx);
	pthread_mutex_unlock(&epmutex);
	obj_free(OBJ_OTHER, ep->hash);
	destroy_waitqueue_head(&ep->wq);
	destroy_waitqueue_head(&ep->poll_wait);
	pthread_mutex_destroy(&ep->mtx);
	pthread_mutex_destroy(&ep->lock);
	obj_free(OBJ_OTHER, ep);
}

static void ep_eventpoll_release(struct file *file)
{
	ep_free(file->private_data);
}

/* epoll has ioctls of its own since Linux 6.9 (busy-poll parameters);
 * anything else is EINVAL. */
static long ep_eventpoll_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	return -EINVAL;
}

static const struct file_operations eventpoll_fops = {
	.poll = ep_eventpoll_poll,
	.ioctl = ep_eventpoll_ioctl,
	.release = ep_eventpoll_release,
};

void eventpoll_release(struct file *file)
{
	/* Fast path: nobody watches this file. */
	pthread_mutex_lock(&file->f_lock);
	if (list_empty(&file->f_ep_links)) {
		pthread_mutex_unlock(&file->f_lock);
		return;
	}
	pthread_mutex_unlock(&file->f_lock);

	pthread_mutex_lock(&epmutex);
	for (;;) {
		struct epitem *epi;
		struct eventpoll *ep;

		pthread_mutex_lock(&file->f_lock);
		if (list_empty(&file->f_ep_links)) {
			pthread_mutex_unlock(&file->f_lock);
			break;
		}
		epi = list_first_entry(&file->f_ep_links, struct epitem,
				       fllink);
		ep = epi->ep;
		pthread_mutex_unlock(&file->f_lock);
		pthread_mutex_lock(&ep->mtx);
		ep_remove(ep, epi);
		pthread_mutex_unlock(&ep->mtx);
	}
	pthread_mutex_unlock(&epmutex);
}

int __sys_epoll_create1(struct files_struct *files, int flags)
{
	struct eventpoll *ep;
	struct file *file;
	int fd;

	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	ep = obj_alloc(OBJ_OTHER, sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	stack_mutex_init(&ep->mtx);
	stack_mutex_init(&ep->lock);
	init_waitqueue_head(&ep->wq);
	init_waitqueue_head(&ep->poll_wait);
	INIT_LIST_HEAD(&ep->rdllist);
	file = alloc_file(&eventpoll_fops, ep, 0);
	if (!file) {
		ep_free(ep);
		return -ENOMEM;
	}
	ep->file = file;
	fd = fd_install_new(files, file, flags & EPOLL_CLOEXEC);
	if (fd < 0)
		fput(file);
	return fd;
}
