/*
 * unix_stream.c - data on AF_UNIX stream sockets.
 *
 * The sender cuts its data into skbs charged to its own send buffer and
 * queues them straight onto the peer's receive queue, so a sender blocks
 * when the receiver does not read, as in Linux.  The receiver copies out
 * of the skbs at the head of its queue; a partly read skb remembers how
 * much was consumed.
 */
#include <limits.h>
#include <signal.h>
#include <string.h>

#include "unix/af_unix.h"

/* The largest skb a stream write makes (Linux: a 32 KiB page run plus a
 * small head); larger writes become several skbs. */
#define UNIX_STREAM_SKB_MAX (64 * 1024)

/*
 * Queue @size bytes of @msg on the peer as one skb; lock held, dropped
 * while copying.  @oob marks the skb as the out-of-band byte.  Returns 0,
 * -EPIPE when the peer is gone, or the allocation's error.
 */
static int unix_stream_send_skb(struct sock *sk, struct kmsghdr *msg,
				struct scm_cookie *scm, size_t size,
				bool *fds_sent, int64_t *timeo, bool oob)
{
	struct sk_buff *skb;
	struct sock *other;
	int err;

	skb = sock_alloc_send_skb(sk, size, timeo, &err);
	if (!skb)
		return err;
	err = unix_scm_to_skb(scm, skb, !*fds_sent);
	if (err < 0) {
		kfree_skb(skb);
		return err;
	}
	*fds_sent = true;
	/* Copy without the lock: the skb is not visible to anyone yet. */
	release_sock(sk);
	copy_from_iter(skb_put(skb, (unsigned int)size), size, &msg->msg_iter);
	lock_sock(sk);
	other = unix_peer(sk);
	if (!other || sock_flag(other, SOCK_DEAD) ||
	    (other->sk_shutdown & RCV_SHUTDOWN)) {
		kfree_skb(skb);
		return -EPIPE;
	}
	if (oob)
		unix_sk(other)->oob_skb = skb;
	unix_maybe_add_creds(skb, sk, other);
	skb_queue_tail(&other->sk_receive_queue, skb);
	other->sk_data_ready(other);
	return 0;
}

int unix_stream_sendmsg(struct socket *sock, struct kmsghdr *msg, size_t len)
{
	struct sock *sk = sock->sk;
	struct scm_cookie scm;
	bool fds_sent = false, oob = msg->msg_flags & MSG_OOB;
	int64_t timeo;
	size_t sent = 0;
	int err;

	/* The last byte of an MSG_OOB send is the out-of-band byte. */
	if (oob && len-- == 0)
		return -EOPNOTSUPP;
	err = scm_send(sock, msg, &scm);
	if (err < 0)
		return err;
	lock_sock(sk);
	if (msg->msg_namelen) {
		err = sk->sk_state == TCP_ESTABLISHED ? -EISCONN : -EOPNOTSUPP;
		goto out_err;
	}
	if (sk->sk_state != TCP_ESTABLISHED || !unix_peer(sk)) {
		err = -ENOTCONN;
		goto out_err;
	}
	err = -EPIPE;
	if (sk->sk_shutdown & SEND_SHUTDOWN)
		goto out_err;
	timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);

	while (sent < len) {
		size_t size = len - sent;
		int half = (READ_ONCE(sk->sk_sndbuf) >> 1) - 64;

		/* Keep two messages in the pipe so it schedules better. */
		if (half > 0 && size > (size_t)half)
			size = (size_t)half;
		if (size > UNIX_STREAM_SKB_MAX)
			size = UNIX_STREAM_SKB_MAX;
		err = unix_stream_send_skb(sk, msg, &scm, size, &fds_sent,
					   &timeo, false);
		if (err)
			goto out_err;
		sent += size;
	}
	if (oob) {
		err = unix_stream_send_skb(sk, msg, &scm, 1, &fds_sent, &timeo,
					   true);
		if (err)
			goto out_err;
		sent++;
	}
	release_sock(sk);
	scm_destroy(&scm);
	return (int)sent;

out_err:
	if (err == -EPIPE && !sent && !(msg->msg_flags & MSG_NOSIGNAL))
		send_sigpipe();
	release_sock(sk);
	scm_destroy(&scm);
	return sent ? (int)sent : err;
}

/*
 * Wait for data past @last (the tail when the caller looked), an error, a
 * shutdown or a signal; lock held.  Returns 0 or -EINTR.
 */
static int unix_stream_data_wait(struct sock *sk, int64_t *timeo,
				 struct sk_buff *last, unsigned int last_len)
{
	struct wait_queue_entry entry;
	struct waiter w;
	int err = 0;

	waiter_init(&w);
	w.spin_ns = net_busy_wait_ns(sock_net(sk));
	init_wait_entry(&entry, &w);
	entry.key = EPOLLIN | SK_WAIT_ALWAYS;
	for (;;) {
		struct sk_buff *tail;

		add_wait_queue(sk->sk_wq, &entry);
		tail = skb_peek_tail(&sk->sk_receive_queue);
		if (tail != last || (tail && tail->len != last_len) ||
		    sk->sk_err || (sk->sk_shutdown & RCV_SHUTDOWN) || !*timeo) {
			remove_wait_queue(sk->sk_wq, &entry);
			return 0;
		}
		release_sock(sk);
		err = waiter_sleep(&w, timeo);
		lock_sock(sk);
		remove_wait_queue(sk->sk_wq, &entry);
		if (err)
			return err;
		waiter_rearm(&w);
	}
}

/*
 * The out-of-band byte as the normal read path meets it (Linux's
 * manage_oob()): reading stops at the mark when something was read
 * already; at the head, the byte is passed over (dropped) unless
 * SO_OOBINLINE keeps it in line; consumed skbs left behind by MSG_OOB
 * reads are freed.  Returns the skb to read from, or NULL; lock held.
 */
static struct sk_buff *unix_manage_oob(struct sk_buff *skb, struct sock *sk,
				       int flags, int copied)
{
	struct unix_sock *u = unix_sk(sk);
	struct sk_buff *next;

	if (likely(unix_skb_len(skb) && skb != u->oob_skb))
		return skb;
	if (!unix_skb_len(skb)) {
		next = skb_peek_next(skb, &sk->sk_receive_queue);
		if (copied && (!u->oob_skb || skb == u->oob_skb))
			return NULL;
		if (!(flags & MSG_PEEK)) {
			skb_unlink(skb, &sk->sk_receive_queue);
			kfree_skb(skb);
		}
		skb = next;
		if (!skb)
			return NULL;
	}
	if (skb != u->oob_skb)
		return skb;
	if (copied)
		return NULL;
	if (!(flags & MSG_PEEK)) {
		u->oob_skb = NULL;
		if (!sock_flag(sk, SOCK_URGINLINE)) {
			skb_unlink(skb, &sk->sk_receive_queue);
			kfree_skb(skb);
			skb = skb_peek(&sk->sk_receive_queue);
		}
	} else if (!sock_flag(sk, SOCK_URGINLINE)) {
		skb = skb_peek_next(skb, &sk->sk_receive_queue);
	}
	return skb;
}

/* recv(MSG_OOB): the out-of-band byte itself; lock held. */
static int unix_stream_recv_urg(struct sock *sk, struct kmsghdr *msg, int flags)
{
	struct unix_sock *u = unix_sk(sk);
	struct sk_buff *oob = u->oob_skb, *prev;

	if (sock_flag(sk, SOCK_URGINLINE) || !oob)
		return -EINVAL;
	if (!(flags & MSG_PEEK)) {
		u->oob_skb = NULL;
		/* A fully read skb in front of it can go now. */
		prev = oob->list.prev != &sk->sk_receive_queue.list ?
			       list_entry(oob->list.prev, struct sk_buff,
					  list) :
			       NULL;
		if (prev && !unix_skb_len(prev)) {
			skb_unlink(prev, &sk->sk_receive_queue);
			kfree_skb(prev);
		}
	}
	if (iov_iter_count(&msg->msg_iter))
		copy_to_iter(oob->data + UNIXCB(oob).consumed, 1,
			     &msg->msg_iter);
	if (!(flags & MSG_PEEK))
		UNIXCB(oob).consumed += 1;
	msg->msg_flags |= MSG_OOB;
	return 1;
}

int unix_stream_recvmsg(struct socket *sock, struct kmsghdr *msg, size_t size,
			int flags)
{
	struct sock *sk = sock->sk;
	struct scm_cookie scm;
	bool check_creds = false, addr_done = false;
	int copied = 0, target, skip, err = 0;
	int64_t timeo;

	lock_sock(sk);
	if (sk->sk_state != TCP_ESTABLISHED) {
		err = -EINVAL;
		goto out;
	}
	if (flags & MSG_OOB) {
		err = unix_stream_recv_urg(sk, msg, flags);
		goto out;
	}
	if (size > INT_MAX)
		size = INT_MAX;
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, (int)size);
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	memset(&scm, 0, sizeof(scm));
	skip = (flags & MSG_PEEK) ? max_t(int, sk->sk_peek_off, 0) : 0;

	do {
		struct sk_buff *skb, *last;
		unsigned int last_len, chunk;

		last = skb = skb_peek(&sk->sk_receive_queue);
		last_len = last ? last->len : 0;
		if (skb) {
			skb = unix_manage_oob(skb, sk, flags, copied);
			if (!skb && copied)
				break;
		}
again:
		if (!skb) {
			if (copied >= target)
				break;
			err = sock_error(sk);
			if (err)
				break;
			if (sk->sk_shutdown & RCV_SHUTDOWN)
				break;
			if (!timeo) {
				err = -EAGAIN;
				break;
			}
			err = unix_stream_data_wait(sk, &timeo, last, last_len);
			if (err) {
				scm_destroy(&scm);
				goto out;
			}
			continue;
		}
		while (skip >= (int)unix_skb_len(skb)) {
			skip -= (int)unix_skb_len(skb);
			last = skb;
			last_len = skb->len;
			skb = skb_peek_next(skb, &sk->sk_receive_queue);
			if (!skb)
				goto again;
		}
		if (check_creds) {
			/* Never glue data from different writers. */
			if (memcmp(&UNIXCB(skb).creds, &scm.creds,
				   sizeof(scm.creds)) != 0)
				break;
		} else if (unix_may_passcred(sk)) {
			scm.creds = UNIXCB(skb).creds;
			check_creds = true;
		}
		if (msg->msg_name && !addr_done) {
			unix_copy_addr(msg, skb->sk);
			addr_done = true;
		}
		chunk = min_t(unsigned int, unix_skb_len(skb) - (unsigned)skip,
			      size);
		copy_to_iter(skb->data + UNIXCB(skb).consumed + skip, chunk,
			     &msg->msg_iter);
		copied += (int)chunk;
		size -= chunk;

		if (!(flags & MSG_PEEK)) {
			UNIXCB(skb).consumed += chunk;
			sk_peek_offset_bwd(sk, (int)chunk);
			if (UNIXCB(skb).fp) {
				scm.fp = UNIXCB(skb).fp;
				UNIXCB(skb).fp = NULL;
				unix_notinflight(scm.fp);
			}
			if (unix_skb_len(skb))
				break;
			skb_unlink(skb, &sk->sk_receive_queue);
			kfree_skb(skb);
			if (scm.fp)
				break;
		} else {
			if (UNIXCB(skb).fp && !scm.fp)
				scm.fp = scm_fp_dup(UNIXCB(skb).fp);
			sk_peek_offset_fwd(sk, (int)chunk);
			if (UNIXCB(skb).fp)
				break;
			skip = 0;
			last = skb;
			last_len = skb->len;
			skb = skb_peek_next(skb, &sk->sk_receive_queue);
			if (skb)
				goto again;
			break;
		}
	} while (size);

	if (copied > 0 || !err)
		unix_scm_recv(sock, msg, &scm, check_creds);
	else
		scm_destroy(&scm);
out:
	release_sock(sk);
	return copied ? copied : err;
}
