/*
 * sock.c - the generic struct sock: allocation, defaults, buffer
 * accounting, waiting, and the default wake-up callbacks.
 */
#include "core/sock.h"

#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>

#include "lib/alloc.h"
#include "socket/socket.h"

struct sock *sk_alloc(struct net *net, int family, struct proto *prot)
{
	struct sock *sk = obj_alloc(OBJ_SOCK, prot->obj_size);

	if (!sk)
		return NULL;
	sk->sk_net = get_net(net);
	sk->sk_prot = prot;
	sk->sk_family = (unsigned short)family;
	atomic_init(&sk->sk_refcnt, 1);
	return sk;
}

static void sk_free(struct sock *sk)
{
	struct net *net = sk->sk_net;

	if (sk->sk_destruct)
		sk->sk_destruct(sk);
	skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&sk->sk_write_queue);
	skb_queue_purge(&sk->sk_error_queue);
	obj_free(OBJ_SOCK, sk);
	put_net(net);
}

void sock_put(struct sock *sk)
{
	if (atomic_fetch_sub_explicit(&sk->sk_refcnt, 1,
				      memory_order_acq_rel) == 1)
		sk_free(sk);
}

void sock_init_data(struct socket *sock, struct sock *sk)
{
	struct net *net = sock_net(sk);

	skb_queue_head_init(&sk->sk_receive_queue);
	skb_queue_head_init(&sk->sk_write_queue);
	skb_queue_head_init(&sk->sk_error_queue);
	sk->sk_rcvbuf = READ_ONCE(net->sysctl.rmem_default);
	sk->sk_sndbuf = READ_ONCE(net->sysctl.wmem_default);
	sk->sk_state = TCP_CLOSE;
	sk->sk_rcvlowat = 1;
	sk->sk_rcvtimeo = TIMEO_INFINITE;
	sk->sk_sndtimeo = TIMEO_INFINITE;
	sk->sk_peek_off = -1;
	sk->sk_state_change = sock_def_wakeup;
	sk->sk_data_ready = sock_def_readable;
	sk->sk_write_space = sock_def_write_space;
	sk->sk_error_report = sock_def_error_report;
	if (sock) {
		sk->sk_type = (unsigned short)sock->type;
		sk->sk_wq = &sock->wq;
		sock->sk = sk;
		sk->sk_socket = sock;
	}
}

void sock_orphan(struct sock *sk)
{
	sock_set_flag(sk, SOCK_DEAD);
	sk->sk_socket = NULL;
	sk->sk_wq = NULL;
}

void sock_graft(struct sock *sk, struct socket *parent)
{
	sk->sk_wq = &parent->wq;
	parent->sk = sk;
	sk->sk_socket = parent;
}

void sock_wfree(struct sk_buff *skb)
{
	struct sock *sk = skb->sk;

	atomic_fetch_sub_explicit(&sk->sk_wmem_alloc, (int)skb->truesize,
				  memory_order_relaxed);
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_write_space(sk);
	sock_put(sk);
}

void skb_set_owner_w(struct sk_buff *skb, struct sock *sk)
{
	skb->sk = sk;
	skb->destructor = sock_wfree;
	sock_hold(sk);
	atomic_fetch_add_explicit(&sk->sk_wmem_alloc, (int)skb->truesize,
				  memory_order_relaxed);
}

static void sock_rfree(struct sk_buff *skb)
{
	atomic_fetch_sub_explicit(&skb->sk->sk_rmem_alloc, (int)skb->truesize,
				  memory_order_relaxed);
}

void skb_set_owner_r(struct sk_buff *skb, struct sock *sk)
{
	skb->sk = sk;
	skb->destructor = sock_rfree;
	atomic_fetch_add_explicit(&sk->sk_rmem_alloc, (int)skb->truesize,
				  memory_order_relaxed);
}

int sock_error(struct sock *sk)
{
	int err = sk->sk_err;

	if (!err)
		return 0;
	sk->sk_err = 0;
	return -err;
}

int sk_wait(struct sock *sk, struct wait_queue_head *wq, __poll_t events,
	    int64_t *timeo)
{
	struct wait_queue_entry entry;
	struct waiter w;
	int err;

	waiter_init(&w);
	w.spin_ns = net_busy_wait_ns(sock_net(sk));
	init_wait_entry(&entry, &w);
	entry.key = events | SK_WAIT_ALWAYS;
	add_wait_queue(wq, &entry);
	release_sock(sk);
	err = waiter_sleep(&w, timeo);
	lock_sock(sk);
	remove_wait_queue(wq, &entry);
	return err;
}

struct sk_buff *sock_alloc_send_skb(struct sock *sk, size_t size,
				    int64_t *timeo, int *err)
{
	struct sk_buff *skb;

	for (;;) {
		*err = sock_error(sk);
		if (*err)
			return NULL;
		*err = -EPIPE;
		if (sk->sk_shutdown & SEND_SHUTDOWN)
			return NULL;
		if (sk_wmem_alloc_get(sk) < READ_ONCE(sk->sk_sndbuf))
			break;
		if (sk->sk_socket)
			sk->sk_socket->flags |= 1UL << SOCK_NOSPACE;
		*err = -EAGAIN;
		if (!*timeo || !sk->sk_wq)
			return NULL;
		*err = sk_wait(sk, sk->sk_wq, EPOLLOUT, timeo);
		if (*err)
			return NULL;
	}
	skb = alloc_skb(size);
	if (!skb) {
		*err = -ENOMEM;
		return NULL;
	}
	skb_set_owner_w(skb, sk);
	return skb;
}

void sock_def_readable(struct sock *sk)
{
	if (sk->sk_wq)
		wake_up_poll(sk->sk_wq,
			     EPOLLIN | EPOLLPRI | EPOLLRDNORM | EPOLLRDBAND);
}

void sock_def_write_space(struct sock *sk)
{
	/* Linux wakes writers only once half the buffer is free again. */
	if (sk->sk_wq &&
	    (sk_wmem_alloc_get(sk) << 1) <= READ_ONCE(sk->sk_sndbuf))
		wake_up_poll(sk->sk_wq, EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND);
}

void sock_def_wakeup(struct sock *sk)
{
	if (sk->sk_wq)
		__wake_up(sk->sk_wq, 0, 0);
}

void sock_def_error_report(struct sock *sk)
{
	if (sk->sk_wq)
		wake_up_poll(sk->sk_wq, EPOLLERR);
}

void send_sigpipe(void)
{
	pthread_kill(pthread_self(), SIGPIPE);
}

/* proto_ops->set_peek_off of the families that keep SO_PEEK_OFF. */
int sk_set_peek_off(struct sock *sk, int val)
{
	lock_sock(sk);
	sk->sk_peek_off = val;
	release_sock(sk);
	return 0;
}
