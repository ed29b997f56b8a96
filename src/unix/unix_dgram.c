/*
 * unix_dgram.c - data on AF_UNIX datagram and seqpacket sockets.
 *
 * A datagram is one skb, charged to the sender and queued on the
 * receiver.  A receiver's queue holds at most max_dgram_qlen datagrams
 * from senders it is not connected back to; such senders wait on its
 * peer_wait, or get EAGAIN.
 */
#include <string.h>
#include <sys/epoll.h>

#include "core/datagram.h"
#include "unix/af_unix.h"

int unix_dgram_sendmsg(struct socket *sock, struct kmsghdr *msg, size_t len)
{
	struct sock *sk = sock->sk, *other = NULL;
	struct sockaddr_un *sun = msg->msg_name;
	struct net *net = sock_net(sk);
	struct scm_cookie scm;
	struct sk_buff *skb;
	int64_t timeo;
	int err;

	err = scm_send(sock, msg, &scm);
	if (err < 0)
		return err;
	lock_sock(sk);
	err = -EOPNOTSUPP;
	if (msg->msg_flags & MSG_OOB)
		goto out;
	if (msg->msg_namelen) {
		err = unix_validate_addr(sun, msg->msg_namelen);
		if (err)
			goto out;
	} else {
		sun = NULL;
		err = -ENOTCONN;
		other = unix_peer(sk);
		if (!other)
			goto out;
		sock_hold(other);
	}
	if (unix_may_passcred(sk) && !unix_sk(sk)->addr) {
		err = unix_autobind(sk);
		if (err)
			goto out_put;
	}
	err = -EMSGSIZE;
	if (len > (size_t)READ_ONCE(sk->sk_sndbuf) - 32)
		goto out_put;
	timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	skb = sock_alloc_send_skb(sk, len, &timeo, &err);
	if (!skb)
		goto out_put;
	err = unix_scm_to_skb(&scm, skb, true);
	if (err < 0)
		goto out_free;
	release_sock(sk);
	copy_from_iter(skb_put(skb, (unsigned int)len), len, &msg->msg_iter);
	lock_sock(sk);

restart:
	if (!other) {
		err = -ECONNRESET;
		if (!sun)
			goto out_free;
		other = unix_find_other(net, sun, msg->msg_namelen, sk->sk_type,
					&err);
		if (!other)
			goto out_free;
	}
	/* Linux's unix_may_send(): not to a socket connected elsewhere. */
	err = -EPERM;
	if (unix_peer(other) && unix_peer(other) != sk)
		goto out_free;
	if (sock_flag(other, SOCK_DEAD)) {
		sock_put(other);
		err = 0;
		if (sk->sk_type == SOCK_SEQPACKET) {
			err = -EPIPE;
		} else if (unix_peer(sk) == other) {
			unix_sk(sk)->peer = NULL;
			unix_dgram_peer_wake_disconnect(sk, other);
			sk->sk_state = TCP_CLOSE;
			unix_dgram_disconnected(sk, other);
			sock_put(other);
			err = -ECONNREFUSED;
		}
		other = NULL;
		if (err)
			goto out_free;
		goto restart;
	}
	err = -EPIPE;
	if (other->sk_shutdown & RCV_SHUTDOWN)
		goto out_free;
	if (other != sk && unix_peer(other) != sk && unix_recvq_full(other)) {
		if (timeo) {
			err = (int)unix_wait_for_peer(other, &timeo);
			if (err)
				goto out_free;
			goto restart;
		}
		if (unix_peer(sk) != other ||
		    unix_dgram_peer_wake_me(sk, other)) {
			err = -EAGAIN;
			goto out_free;
		}
	}
	unix_maybe_add_creds(skb, sk, other);
	skb_queue_tail(&other->sk_receive_queue, skb);
	other->sk_data_ready(other);
	sock_put(other);
	release_sock(sk);
	scm_destroy(&scm);
	return (int)len;

out_free:
	kfree_skb(skb);
out_put:
	if (other)
		sock_put(other);
out:
	release_sock(sk);
	scm_destroy(&scm);
	return err;
}

int unix_dgram_recvmsg(struct socket *sock, struct kmsghdr *msg, size_t size,
		       int flags)
{
	struct sock *sk = sock->sk;
	struct scm_cookie scm;
	struct sk_buff *skb;
	int err, skip;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	lock_sock(sk);
	skb = skb_recv_datagram(sk, flags, &skip, &err);
	if (!skb) {
		/* EOF on a disconnected non-blocking seqpacket. */
		if (sk->sk_type == SOCK_SEQPACKET && err == -EAGAIN &&
		    (sk->sk_shutdown & RCV_SHUTDOWN))
			err = 0;
		goto out;
	}
	if (!(flags & MSG_PEEK)) {
		if (wq_has_sleeper(&unix_sk(sk)->peer_wait))
			wake_up_poll(&unix_sk(sk)->peer_wait,
				     EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND);
	}
	if (msg->msg_name)
		unix_copy_addr(msg, skb->sk);
	if (size > skb->len - (unsigned int)skip)
		size = skb->len - (unsigned int)skip;
	else if (size < skb->len - (unsigned int)skip)
		msg->msg_flags |= MSG_TRUNC;
	copy_to_iter(skb->data + skip, size, &msg->msg_iter);

	memset(&scm, 0, sizeof(scm));
	scm.creds = UNIXCB(skb).creds;
	if (!(flags & MSG_PEEK)) {
		if (UNIXCB(skb).fp) {
			scm.fp = UNIXCB(skb).fp;
			UNIXCB(skb).fp = NULL;
			unix_notinflight(scm.fp);
		}
		sk_peek_offset_bwd(sk, (int)skb->len);
	} else {
		sk_peek_offset_fwd(sk, (int)size);
		if (UNIXCB(skb).fp)
			scm.fp = scm_fp_dup(UNIXCB(skb).fp);
	}
	err = (flags & MSG_TRUNC) ? (int)(skb->len - (unsigned int)skip) :
				    (int)size;
	unix_scm_recv(sock, msg, &scm, true);
	if (!(flags & MSG_PEEK))
		kfree_skb(skb);
out:
	release_sock(sk);
	return err;
}

int unix_seqpacket_sendmsg(struct socket *sock, struct kmsghdr *msg, size_t len)
{
	struct sock *sk = sock->sk;
	int err, state;

	lock_sock(sk);
	err = sock_error(sk);
	state = sk->sk_state;
	release_sock(sk);
	if (err)
		return err;
	if (state != TCP_ESTABLISHED)
		return -ENOTCONN;
	msg->msg_namelen = 0;
	return unix_dgram_sendmsg(sock, msg, len);
}

int unix_seqpacket_recvmsg(struct socket *sock, struct kmsghdr *msg,
			   size_t size, int flags)
{
	if (READ_ONCE(sock->sk->sk_state) != TCP_ESTABLISHED)
		return -ENOTCONN;
	return unix_dgram_recvmsg(sock, msg, size, flags);
}
