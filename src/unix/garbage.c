/*
 * garbage.c - descriptors in flight, and the collector of their cycles.
 *
 * A unix socket sent over another unix socket (SCM_RIGHTS) is "in flight"
 * until received.  If every reference to a socket comes from messages in
 * flight, and those messages sit only in queues of sockets in the same
 * state, nobody can ever receive them: the cycle is garbage.  Linux finds
 * such cycles after a close; so do we, with its classic algorithm:
 *
 *  1. candidates: in-flight unix sockets whose every reference is in
 *     flight;
 *  2. subtract from each candidate the references held by messages queued
 *     on candidates;
 *  3. a candidate left with references is reachable from outside, and so
 *     is everything queued on it, transitively;
 *  4. the rest are unreachable: purge their queues, which drops the
 *     references and lets the sockets die.
 *
 * The collector takes one namespace lock at a time and never holds
 * gc_lock while it does (senders take gc_lock under their namespace lock).
 */
#include <pthread.h>

#include "lib/alloc.h"
#include "unix/af_unix.h"

static pthread_mutex_t gc_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t gc_running = PTHREAD_MUTEX_INITIALIZER;
static struct list_head gc_inflight_list = LIST_HEAD_INIT(gc_inflight_list);
static long unix_tot_inflight;

struct sock *unix_get_socket(struct file *file)
{
	struct socket *sock = sock_from_file(file);

	if (sock && sock->sk && sock->sk->sk_family == AF_UNIX)
		return sock->sk;
	return NULL;
}

void unix_inflight(struct scm_fp_list *fpl)
{
	pthread_mutex_lock(&gc_lock);
	for (int i = 0; i < fpl->count; i++) {
		struct file *f = fpl->fp[i];
		struct sock *sk = unix_get_socket(f);

		if (sk && atomic_fetch_add(&f->f_inflight, 1) == 0)
			list_add_tail(&unix_sk(sk)->gc_link, &gc_inflight_list);
		if (sk)
			unix_tot_inflight++;
	}
	pthread_mutex_unlock(&gc_lock);
}

void unix_notinflight(struct scm_fp_list *fpl)
{
	pthread_mutex_lock(&gc_lock);
	for (int i = 0; i < fpl->count; i++) {
		struct file *f = fpl->fp[i];
		struct sock *sk = unix_get_socket(f);

		if (sk && atomic_fetch_sub(&f->f_inflight, 1) == 1)
			list_del_init(&unix_sk(sk)->gc_link);
		if (sk)
			unix_tot_inflight--;
	}
	pthread_mutex_unlock(&gc_lock);
}

struct gc_cand {
	struct file *file;
	struct sock *sk;
	long refs;
	bool alive;
};

static int gc_find(struct gc_cand *c, int n, struct file *f)
{
	for (int i = 0; i < n; i++)
		if (c[i].file == f)
			return i;
	return -1;
}

/* Visit the in-flight files queued on @sk (and on its embryos, for a
 * listener); namespace lock held. */
static void gc_scan_queue(struct sock *sk, struct gc_cand *c, int n,
			  void (*fn)(struct gc_cand *c, int idx, bool *changed),
			  bool *changed)
{
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_receive_queue, skb) {
		struct scm_fp_list *fp = UNIXCB(skb).fp;

		if (sk->sk_state == TCP_LISTEN && skb->sk && skb->sk != sk)
			gc_scan_queue(skb->sk, c, n, fn, changed);
		if (!fp)
			continue;
		for (int i = 0; i < fp->count; i++) {
			int idx = gc_find(c, n, fp->fp[i]);

			if (idx >= 0)
				fn(c, idx, changed);
		}
	}
}

static void gc_dec(struct gc_cand *c, int idx, bool *changed)
{
	(void)changed;
	c[idx].refs--;
}

static void gc_mark_alive(struct gc_cand *c, int idx, bool *changed)
{
	if (!c[idx].alive) {
		c[idx].alive = true;
		*changed = true;
	}
}

/* Collect the candidates, each with a file reference; gc_lock held. */
static int gc_collect_candidates(struct gc_cand **out)
{
	struct unix_sock *u;
	struct gc_cand *c;
	int n = 0, i = 0;

	list_for_each_entry(u, &gc_inflight_list, gc_link)
		n++;
	c = obj_alloc(OBJ_OTHER, (size_t)(n ? n : 1) * sizeof(*c));
	if (!c)
		return -1;
	list_for_each_entry(u, &gc_inflight_list, gc_link) {
		struct file *f = u->sk.sk_socket ? u->sk.sk_socket->file : NULL;

		if (!f || file_count(f) != atomic_load(&f->f_inflight))
			continue;
		c[i].file = get_file(f);
		c[i].sk = &u->sk;
		c[i].refs = atomic_load(&f->f_inflight);
		c[i].alive = false;
		i++;
	}
	*out = c;
	return i;
}

void unix_gc(void)
{
	struct gc_cand *c;
	bool changed, purged = false;
	int n;

	if (!READ_ONCE(unix_tot_inflight))
		return;
	if (pthread_mutex_trylock(&gc_running))
		return;
	pthread_mutex_lock(&gc_lock);
	n = gc_collect_candidates(&c);
	pthread_mutex_unlock(&gc_lock);
	if (n <= 0)
		goto out;

	/* 2: subtract the references held by candidates' queues. */
	for (int i = 0; i < n; i++) {
		lock_sock(c[i].sk);
		gc_scan_queue(c[i].sk, c, n, gc_dec, &changed);
		release_sock(c[i].sk);
	}
	/* 3: whatever keeps a reference, and all it holds, is alive. */
	for (int i = 0; i < n; i++)
		c[i].alive = c[i].refs > 0;
	do {
		changed = false;
		for (int i = 0; i < n; i++) {
			if (!c[i].alive)
				continue;
			lock_sock(c[i].sk);
			gc_scan_queue(c[i].sk, c, n, gc_mark_alive, &changed);
			release_sock(c[i].sk);
		}
	} while (changed);
	/* 4: purge the queues of the unreachable, if still unreachable. */
	for (int i = 0; i < n; i++) {
		struct file *f = c[i].file;

		if (c[i].alive)
			continue;
		lock_sock(c[i].sk);
		if (file_count(f) == atomic_load(&f->f_inflight) + 1) {
			purged |= !skb_queue_empty(&c[i].sk->sk_receive_queue);
			skb_queue_purge(&c[i].sk->sk_receive_queue);
		}
		release_sock(c[i].sk);
	}
	for (int i = 0; i < n; i++)
		fput(c[i].file);
	obj_free(OBJ_OTHER, c);
	pthread_mutex_unlock(&gc_running);
	/* Purging may have released sockets that held more cycles. */
	if (purged)
		unix_gc();
	return;
out:
	if (n == 0)
		obj_free(OBJ_OTHER, c);
	pthread_mutex_unlock(&gc_running);
}
