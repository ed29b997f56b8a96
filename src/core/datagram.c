/*
 * datagram.c - receiving from a queue of datagrams (Linux's
 * net/core/datagram.c): shared by AF_UNIX dgram/seqpacket, UDP and, later,
 * raw and ping sockets.
 */
#include "core/datagram.h"

#include <sys/epoll.h>

/* The datagram to read, honouring a peek offset: an empty datagram is a
 * datagram, skipped only by an offset that points past it. */
static struct sk_buff *datagram_find(struct sock *sk, int *off)
{
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_receive_queue, skb) {
		if (*off == 0 || *off < (int)skb->len)
			return skb;
		*off -= (int)skb->len;
	}
	return NULL;
}

/* Linux's __skb_wait_for_more_packets(): true to stop waiting (*err says
 * why, 0 for an orderly end), false to look again. */
static bool datagram_wait(struct sock *sk, int64_t *timeo, int *err,
			  struct sk_buff *last)
{
	struct wait_queue_entry entry;
	struct waiter w;
	bool stop = true;
	int r;

	waiter_init(&w);
	w.spin_ns = net_busy_wait_ns(sock_net(sk));
	init_wait_entry(&entry, &w);
	entry.key = EPOLLIN | SK_WAIT_ALWAYS;
	add_wait_queue(sk->sk_wq, &entry);
	*err = sock_error(sk);
	if (*err)
		goto out;
	if (skb_peek_tail(&sk->sk_receive_queue) != last) {
		stop = false;
		goto out;
	}
	if (sk->sk_shutdown & RCV_SHUTDOWN) {
		*err = 0;
		goto out;
	}
	/* Sequenced packets can come disconnected. */
	if (sk->sk_type == SOCK_SEQPACKET && sk->sk_state != TCP_ESTABLISHED &&
	    sk->sk_state != TCP_LISTEN) {
		*err = -ENOTCONN;
		goto out;
	}
	release_sock(sk);
	r = waiter_sleep(&w, timeo);
	lock_sock(sk);
	*err = r;
	stop = r != 0;
out:
	remove_wait_queue(sk->sk_wq, &entry);
	return stop;
}

struct sk_buff *skb_recv_datagram(struct sock *sk, int flags, int *off,
				  int *err)
{
	int64_t timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);

	for (;;) {
		struct sk_buff *last = skb_peek_tail(&sk->sk_receive_queue);
		struct sk_buff *skb;

		*off = (flags & MSG_PEEK) ? sk->sk_peek_off : 0;
		if (*off < 0)
			*off = 0;
		*err = sock_error(sk);
		if (*err)
			return NULL;
		skb = datagram_find(sk, off);
		if (skb) {
			if (!(flags & MSG_PEEK))
				skb_unlink(skb, &sk->sk_receive_queue);
			return skb;
		}
		*err = -EAGAIN;
		if (!timeo || datagram_wait(sk, &timeo, err, last))
			return NULL;
	}
}
