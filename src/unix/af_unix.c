/*
 * af_unix.c - the AF_UNIX family: sockets between processes (or threads)
 * of one machine, with Linux's semantics for every call.
 *
 * Call chain: socket.c -> unix_*_ops (here) -> unix_stream.c or
 * unix_dgram.c for data.  A connected pair points at each other through
 * unix_sk(sk)->peer, each holding a reference on the other.  A stream
 * connect makes the server's sock right away (an "embryo") and queues it on
 * the listener's receive queue inside an skb, where accept() finds it.
 */
#include "unix/af_unix.h"

#include <limits.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>

#include "core/creds.h"
#include "lib/alloc.h"
#include "socket/sock_no.h"

static struct proto unix_proto = {
	.name = "UNIX",
	.obj_size = sizeof(struct unix_sock),
};

static const struct proto_ops unix_stream_ops;
static const struct proto_ops unix_dgram_ops;
static const struct proto_ops unix_seqpacket_ops;

/* ---- life ----------------------------------------------------------- */

static void unix_write_space(struct sock *sk);

static void unix_sock_destructor(struct sock *sk)
{
	struct unix_sock *u = unix_sk(sk);

	skb_queue_purge(&sk->sk_receive_queue);
	unix_release_addr(u->addr);
	u->addr = NULL;
	destroy_waitqueue_head(&u->peer_wait);
}

struct sock *unix_create1(struct net *net, struct socket *sock, int type)
{
	struct unix_sock *u;
	struct sock *sk;

	sk = sk_alloc(net, AF_UNIX, &unix_proto);
	if (!sk)
		return NULL;
	sock_init_data(sock, sk);
	sk->sk_type = (unsigned short)type;
	sk->sk_write_space = unix_write_space;
	sk->sk_max_ack_backlog =
		(unsigned int)READ_ONCE(net->sysctl.unix_max_dgram_qlen);
	sk->sk_destruct = unix_sock_destructor;
	u = unix_sk(sk);
	INIT_LIST_HEAD(&u->link);
	INIT_LIST_HEAD(&u->gc_link);
	init_waitqueue_head(&u->peer_wait);
	INIT_LIST_HEAD(&u->peer_wake.entry);
	return sk;
}

static int unix_create(struct net *net, struct socket *sock, int protocol,
		       int kern)
{
	if (protocol && protocol != PF_UNIX)
		return -EPROTONOSUPPORT;
	sock->state = SS_UNCONNECTED;
	switch (sock->type) {
	case SOCK_STREAM:
		sock->ops = &unix_stream_ops;
		break;
	case SOCK_RAW:
		/* "Believe it or not BSD has AF_UNIX, SOCK_RAW though nothing
		 * uses it" (Linux): it is a datagram socket. */
		sock->type = SOCK_DGRAM;
		/* fall through */
	case SOCK_DGRAM:
		sock->ops = &unix_dgram_ops;
		break;
	case SOCK_SEQPACKET:
		sock->ops = &unix_seqpacket_ops;
		break;
	default:
		return -ESOCKTNOSUPPORT;
	}
	return unix_create1(net, sock, sock->type) ? 0 : -ENOMEM;
}

static void unix_release_sock(struct sock *sk, bool embryo);

/* Lock held. */
static void unix_release_sock_locked(struct sock *sk, bool embryo,
				     struct sock **put_peer)
{
	struct unix_sock *u = unix_sk(sk);
	struct sock *skpair;
	struct sk_buff *skb;
	int state;

	unix_table_remove(sk);
	state = sk->sk_state;
	sk->sk_state = TCP_CLOSE;
	skpair = u->peer;
	u->peer = NULL;
	sk->sk_shutdown = SHUTDOWN_MASK;
	__wake_up(&u->peer_wait, 0, 0);

	if (skpair) {
		if (sk->sk_type == SOCK_STREAM ||
		    sk->sk_type == SOCK_SEQPACKET) {
			skpair->sk_shutdown = SHUTDOWN_MASK;
			if (!skb_queue_empty(&sk->sk_receive_queue) || embryo)
				skpair->sk_err = ECONNRESET;
			skpair->sk_state_change(skpair);
		}
		unix_dgram_peer_wake_disconnect(sk, skpair);
	}
	unix_dgram_peer_wake_disconnect(sk, u->peer_wake_target);
	sock_orphan(sk);

	u->oob_skb = NULL;
	while ((skb = skb_dequeue(&sk->sk_receive_queue)) != NULL) {
		if (state == TCP_LISTEN)
			unix_release_sock(skb->sk, true);
		kfree_skb(skb);
	}
	*put_peer = skpair;
}

/* An embryo never accepted: release it the same way (lock held). */
static void unix_release_sock(struct sock *sk, bool embryo)
{
	struct sock *peer;

	unix_release_sock_locked(sk, embryo, &peer);
	if (peer)
		sock_put(peer);
}

static int unix_release(struct socket *sock)
{
	struct sock *sk = sock->sk, *peer;
	struct net *net;

	if (!sk)
		return 0;
	net = get_net(sock_net(sk));
	net_lock(net);
	unix_release_sock_locked(sk, false, &peer);
	sock->sk = NULL;
	if (peer)
		sock_put(peer);
	sock_put(sk);
	net_unlock(net);
	put_net(net);
	unix_gc();
	return 0;
}

/* ---- readiness ------------------------------------------------------ */

static bool unix_writable(const struct sock *sk, int state)
{
	return state != TCP_LISTEN &&
	       (sk_wmem_alloc_get(sk) << 2) <= READ_ONCE(sk->sk_sndbuf);
}

static void unix_write_space(struct sock *sk)
{
	if (sk->sk_wq && unix_writable(sk, sk->sk_state))
		wake_up_poll(sk->sk_wq, EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND);
}

/*
 * A dgram socket whose peer's queue is full asks to be told when it drains:
 * its peer_wake entry hangs on the peer's peer_wait and relays the wake-up
 * to its own wait queue (Linux's unix_dgram_peer_wake_relay()).
 */
static int unix_dgram_peer_wake_relay(struct wait_queue_entry *q, void *key)
{
	struct sock *sk = q->private;
	struct unix_sock *u = unix_sk(sk);
	struct sock *other = u->peer_wake_target;

	/* Called under other's peer_wait lock: unhook ourselves. */
	list_del_init(&q->entry);
	u->peer_wake_target = NULL;
	(void)other;
	if (sk->sk_wq)
		wake_up_poll(sk->sk_wq,
			     (__poll_t)(uintptr_t)key ?
				     (__poll_t)(uintptr_t)key :
				     EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND);
	return 0;
}

static bool unix_dgram_peer_wake_connect(struct sock *sk, struct sock *other)
{
	struct unix_sock *u = unix_sk(sk);

	if (u->peer_wake_target)
		return u->peer_wake_target == other;
	u->peer_wake.private = sk;
	u->peer_wake.func = unix_dgram_peer_wake_relay;
	u->peer_wake.flags = 0;
	u->peer_wake_target = other;
	add_wait_queue(&unix_sk(other)->peer_wait, &u->peer_wake);
	return true;
}

void unix_dgram_peer_wake_disconnect(struct sock *sk, struct sock *other)
{
	struct unix_sock *u = unix_sk(sk);

	if (!other || u->peer_wake_target != other)
		return;
	remove_wait_queue(&unix_sk(other)->peer_wait, &u->peer_wake);
	u->peer_wake_target = NULL;
}

/* Whether @sk must wait for @other's queue to drain (lock held). */
bool unix_dgram_peer_wake_me(struct sock *sk, struct sock *other)
{
	bool connected = unix_dgram_peer_wake_connect(sk, other);

	if (unix_recvq_full(other))
		return true;
	if (connected)
		unix_dgram_peer_wake_disconnect(sk, other);
	return false;
}

static __poll_t unix_poll(struct file *file, struct socket *sock,
			  poll_table *wait)
{
	struct sock *sk = sock->sk;
	__poll_t mask = 0;
	int state;

	poll_wait(file, &sock->wq, wait);
	lock_sock(sk);
	state = sk->sk_state;
	if (sk->sk_err)
		mask |= EPOLLERR;
	if (sk->sk_shutdown == SHUTDOWN_MASK)
		mask |= EPOLLHUP;
	if (sk->sk_shutdown & RCV_SHUTDOWN)
		mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
	if (!skb_queue_empty(&sk->sk_receive_queue))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (unix_sk(sk)->oob_skb)
		mask |= EPOLLPRI;
	if ((sk->sk_type == SOCK_STREAM || sk->sk_type == SOCK_SEQPACKET) &&
	    state == TCP_CLOSE)
		mask |= EPOLLHUP;
	/* Writable also when the other side has shut down, so that a
	 * writer learns of it (Linux). */
	if (unix_writable(sk, state))
		mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
	release_sock(sk);
	return mask;
}

static __poll_t unix_dgram_poll(struct file *file, struct socket *sock,
				poll_table *wait)
{
	struct sock *sk = sock->sk, *other;
	__poll_t mask = 0;
	bool writable;
	int state;

	poll_wait(file, &sock->wq, wait);
	lock_sock(sk);
	state = sk->sk_state;
	if (sk->sk_err || !skb_queue_empty(&sk->sk_error_queue))
		mask |= EPOLLERR |
			(sock_flag(sk, SOCK_SELECT_ERR_QUEUE) ? EPOLLPRI : 0);
	if (sk->sk_shutdown & RCV_SHUTDOWN)
		mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
	if (sk->sk_shutdown == SHUTDOWN_MASK)
		mask |= EPOLLHUP;
	if (!skb_queue_empty(&sk->sk_receive_queue))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (sk->sk_type == SOCK_SEQPACKET) {
		if (state == TCP_CLOSE)
			mask |= EPOLLHUP;
		if (state == TCP_SYN_SENT)
			goto out;
	}
	writable = unix_writable(sk, state);
	if (writable) {
		other = unix_peer(sk);
		if (other && unix_peer(other) != sk && unix_recvq_full(other) &&
		    unix_dgram_peer_wake_me(sk, other))
			writable = false;
	}
	if (writable)
		mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
out:
	release_sock(sk);
	return mask;
}

/* ---- names ---------------------------------------------------------- */

static int unix_bind(struct socket *sock, struct sockaddr *uaddr, int len)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)uaddr;
	struct sock *sk = sock->sk;
	int err;

	if (len == (int)offsetof(struct sockaddr_un, sun_path) &&
	    sun->sun_family == AF_UNIX) {
		lock_sock(sk);
		err = unix_autobind(sk);
		release_sock(sk);
		return err;
	}
	err = unix_validate_addr(sun, len);
	if (err)
		return err;
	lock_sock(sk);
	if (sun->sun_path[0])
		err = unix_bind_path(sk, sun, len);
	else
		err = unix_bind_abstract(sk, sun, len);
	release_sock(sk);
	return err;
}

void unix_copy_addr(struct kmsghdr *msg, struct sock *sk)
{
	struct unix_address *addr = unix_sk(sk)->addr;

	if (addr) {
		msg->msg_namelen = addr->len;
		memcpy(msg->msg_name, &addr->storage, (size_t)addr->len);
	}
}

static int unix_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)uaddr;
	struct sock *sk = sock->sk;
	struct unix_address *addr;
	int err;

	lock_sock(sk);
	if (peer) {
		struct sock *other = unix_peer(sk);

		err = -ENOTCONN;
		if (!other)
			goto out;
		sk = other;
	}
	addr = unix_sk(sk)->addr;
	if (!addr) {
		sun->sun_family = AF_UNIX;
		sun->sun_path[0] = 0;
		err = (int)offsetof(struct sockaddr_un, sun_path);
	} else {
		err = addr->len;
		memcpy(sun, &addr->storage, (size_t)addr->len);
	}
out:
	release_sock(sk);
	return err;
}

bool unix_may_passcred(const struct sock *sk)
{
	return sock_flag(sk, SOCK_PASSCRED);
}

/* ---- connections ---------------------------------------------------- */

/* Sleep once on @other's peer_wait while its queue is full; lock held. */
long unix_wait_for_peer(struct sock *other, int64_t *timeo)
{
	struct wait_queue_entry entry;
	struct waiter w;
	bool sched;
	int err = 0;

	waiter_init(&w);
	init_wait_entry(&entry, &w);
	entry.key = EPOLLOUT | SK_WAIT_ALWAYS;
	add_wait_queue(&unix_sk(other)->peer_wait, &entry);
	sched = !sock_flag(other, SOCK_DEAD) &&
		!(other->sk_shutdown & RCV_SHUTDOWN) && unix_recvq_full(other);
	if (sched) {
		release_sock(other);
		err = waiter_sleep(&w, timeo);
		lock_sock(other);
	}
	remove_wait_queue(&unix_sk(other)->peer_wait, &entry);
	return err;
}

static void init_peercred(struct sock *sk)
{
	current_ids(&sk->sk_peer_cred);
	sk->sk_peer_valid = true;
}

static void copy_peercred(struct sock *sk, struct sock *peersk)
{
	sk->sk_peer_cred = peersk->sk_peer_cred;
	sk->sk_peer_valid = peersk->sk_peer_valid;
}

static int unix_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	struct unix_sock *u = unix_sk(sk);
	int err;

	if (sock->type != SOCK_STREAM && sock->type != SOCK_SEQPACKET)
		return -EOPNOTSUPP;
	lock_sock(sk);
	err = -EINVAL;
	if (!u->addr)
		goto out;
	if (sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_LISTEN)
		goto out;
	if ((unsigned int)backlog > sk->sk_max_ack_backlog)
		__wake_up(&u->peer_wait, 0, 0);
	sk->sk_max_ack_backlog = (unsigned int)backlog;
	sk->sk_state = TCP_LISTEN;
	init_peercred(sk);
	err = 0;
out:
	release_sock(sk);
	return err;
}

static int unix_stream_connect(struct socket *sock, struct sockaddr *uaddr,
			       int len, int flags)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)uaddr;
	struct sock *sk = sock->sk, *newsk, *other = NULL;
	struct net *net = sock_net(sk);
	struct unix_sock *otheru;
	struct sk_buff *skb;
	int64_t timeo;
	int err;

	err = unix_validate_addr(sun, len);
	if (err)
		return err;
	lock_sock(sk);
	if (unix_may_passcred(sk) && !unix_sk(sk)->addr) {
		err = unix_autobind(sk);
		if (err)
			goto out_unlock;
	}
	timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);

	/* The server's end of the connection, made up front. */
	err = -ENOMEM;
	newsk = unix_create1(net, NULL, sk->sk_type);
	if (!newsk)
		goto out_unlock;
	skb = alloc_skb(1);
	if (!skb) {
		sock_put(newsk);
		goto out_unlock;
	}
	skb_set_owner_w(skb, newsk);

restart:
	other = unix_find_other(net, sun, len, sk->sk_type, &err);
	if (!other)
		goto out_free;
	err = -ECONNREFUSED;
	if (other->sk_state != TCP_LISTEN ||
	    (other->sk_shutdown & RCV_SHUTDOWN))
		goto out_put_other;
	if (unix_recvq_full(other)) {
		err = -EAGAIN;
		if (!timeo)
			goto out_put_other;
		err = (int)unix_wait_for_peer(other, &timeo);
		sock_put(other);
		other = NULL;
		if (err)
			goto out_free;
		goto restart;
	}
	if (sk->sk_state != TCP_CLOSE) {
		err = sk->sk_state == TCP_ESTABLISHED ? -EISCONN : -EINVAL;
		goto out_put_other;
	}

	/* The way is open: wire the three socks together. */
	sock_hold(sk);
	unix_sk(newsk)->peer = sk;
	newsk->sk_state = TCP_ESTABLISHED;
	init_peercred(newsk);
	otheru = unix_sk(other);
	if (otheru->addr) {
		otheru->addr->refcnt++;
		unix_sk(newsk)->addr = otheru->addr;
	}
	copy_peercred(sk, other);
	sock->state = SS_CONNECTED;
	sk->sk_state = TCP_ESTABLISHED;
	sock_hold(newsk);
	unix_sk(sk)->peer = newsk;
	skb_queue_tail(&other->sk_receive_queue, skb);
	other->sk_data_ready(other);
	sock_put(other);
	/* The listener's queue now owns the embryo through the skb. */
	sock_put(newsk);
	release_sock(sk);
	return 0;

out_put_other:
	sock_put(other);
out_free:
	kfree_skb(skb);
	unix_release_sock(newsk, false);
	sock_put(newsk);
out_unlock:
	release_sock(sk);
	return err;
}

static int unix_accept(struct socket *sock, struct socket *newsock, int flags)
{
	struct sock *sk = sock->sk, *tsk;
	struct sk_buff *skb;
	int64_t timeo;
	int err = 0;

	if (sock->type != SOCK_STREAM && sock->type != SOCK_SEQPACKET)
		return -EOPNOTSUPP;
	lock_sock(sk);
	timeo = sock_rcvtimeo(sk, flags & O_NONBLOCK);
	for (;;) {
		if (sk->sk_state != TCP_LISTEN) {
			err = -EINVAL;
			goto out;
		}
		err = sock_error(sk);
		if (err)
			goto out;
		skb = skb_dequeue(&sk->sk_receive_queue);
		if (skb)
			break;
		if (sk->sk_shutdown & RCV_SHUTDOWN) {
			err = -EINVAL;
			goto out;
		}
		err = -EAGAIN;
		if (!timeo)
			goto out;
		err = sk_wait(sk, sk->sk_wq, EPOLLIN, &timeo);
		if (err)
			goto out;
	}
	tsk = skb->sk;
	sock_hold(tsk);
	kfree_skb(skb);
	__wake_up(&unix_sk(sk)->peer_wait, 1, 0);
	newsock->state = SS_CONNECTED;
	sock_graft(tsk, newsock);
	err = 0;
out:
	release_sock(sk);
	return err;
}

static int unix_socketpair(struct socket *socka, struct socket *sockb)
{
	struct sock *ska = socka->sk, *skb = sockb->sk;

	lock_sock(ska);
	sock_hold(ska);
	sock_hold(skb);
	unix_sk(ska)->peer = skb;
	unix_sk(skb)->peer = ska;
	init_peercred(ska);
	init_peercred(skb);
	ska->sk_state = TCP_ESTABLISHED;
	skb->sk_state = TCP_ESTABLISHED;
	socka->state = SS_CONNECTED;
	sockb->state = SS_CONNECTED;
	release_sock(ska);
	return 0;
}

/* A dgram socket lost @other as its peer: drop what it had queued from
 * the old association (Linux's unix_dgram_disconnected()). */
void unix_dgram_disconnected(struct sock *sk, struct sock *other)
{
	if (!skb_queue_empty(&sk->sk_receive_queue)) {
		skb_queue_purge(&sk->sk_receive_queue);
		__wake_up(&unix_sk(sk)->peer_wait, 0, 0);
		if (!sock_flag(other, SOCK_DEAD) && unix_peer(other) == sk) {
			other->sk_err = ECONNRESET;
			other->sk_error_report(other);
		}
	}
}

static int unix_dgram_connect(struct socket *sock, struct sockaddr *addr,
			      int alen, int flags)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)addr;
	struct sock *sk = sock->sk, *other = NULL, *old_peer;
	int err;

	if (alen < (int)sizeof(sa_family_t))
		return -EINVAL;
	lock_sock(sk);
	if (addr->sa_family != AF_UNSPEC) {
		err = unix_validate_addr(sun, alen);
		if (err)
			goto out;
		if (unix_may_passcred(sk) && !unix_sk(sk)->addr) {
			err = unix_autobind(sk);
			if (err)
				goto out;
		}
		other = unix_find_other(sock_net(sk), sun, alen, sock->type,
					&err);
		if (!other)
			goto out;
		/* Linux's unix_may_send(): not to one connected elsewhere. */
		if (unix_peer(other) && unix_peer(other) != sk) {
			sock_put(other);
			err = -EPERM;
			goto out;
		}
		sk->sk_state = TCP_ESTABLISHED;
		other->sk_state = TCP_ESTABLISHED;
	}
	old_peer = unix_peer(sk);
	unix_sk(sk)->peer = other;
	if (old_peer) {
		if (!other)
			sk->sk_state = TCP_CLOSE;
		unix_dgram_peer_wake_disconnect(sk, old_peer);
		if (other != old_peer) {
			unix_dgram_disconnected(sk, old_peer);
			if (!unix_peer(old_peer))
				old_peer->sk_state = TCP_CLOSE;
		}
		sock_put(old_peer);
	}
	err = 0;
out:
	release_sock(sk);
	return err;
}

static int unix_shutdown(struct socket *sock, int mode)
{
	struct sock *sk = sock->sk, *other;

	if (mode < SHUT_RD || mode > SHUT_RDWR)
		return -EINVAL;
	/* SHUT_RD -> RCV_SHUTDOWN, SHUT_WR -> SEND_SHUTDOWN, SHUT_RDWR ->
	 * both. */
	++mode;
	lock_sock(sk);
	sk->sk_shutdown |= (unsigned char)mode;
	other = unix_peer(sk);
	sk->sk_state_change(sk);
	if (other &&
	    (sk->sk_type == SOCK_STREAM || sk->sk_type == SOCK_SEQPACKET)) {
		int peer_mode = 0;

		if (mode & RCV_SHUTDOWN)
			peer_mode |= SEND_SHUTDOWN;
		if (mode & SEND_SHUTDOWN)
			peer_mode |= RCV_SHUTDOWN;
		other->sk_shutdown |= (unsigned char)peer_mode;
		other->sk_state_change(other);
	}
	release_sock(sk);
	return 0;
}

/* ---- ioctl and options ---------------------------------------------- */

static int unix_inq_len(struct sock *sk)
{
	struct sk_buff *skb;
	int amount = 0;

	if (sk->sk_state == TCP_LISTEN)
		return -EINVAL;
	if (sk->sk_type == SOCK_STREAM || sk->sk_type == SOCK_SEQPACKET) {
		skb_queue_walk(&sk->sk_receive_queue, skb)
			amount += (int)unix_skb_len(skb);
	} else {
		skb = skb_peek(&sk->sk_receive_queue);
		if (skb)
			amount = (int)skb->len;
	}
	return amount;
}

/* Whether the next byte to read is the out-of-band one. */
static int unix_at_mark(struct sock *sk)
{
	struct sk_buff *skb = skb_peek(&sk->sk_receive_queue), *next;
	struct sk_buff *oob = unix_sk(sk)->oob_skb;

	if (!skb || sk->sk_type != SOCK_STREAM)
		return 0;
	next = skb_peek_next(skb, &sk->sk_receive_queue);
	return skb == oob || (!unix_skb_len(skb) && (!oob || next == oob));
}

static int unix_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct sock *sk = sock->sk;
	int amount;

	switch (cmd) {
	case SIOCOUTQ:
		*(int *)arg = sk_wmem_alloc_get(sk);
		return 0;
	case SIOCATMARK:
		lock_sock(sk);
		*(int *)arg = unix_at_mark(sk);
		release_sock(sk);
		return 0;
	case SIOCINQ:
		lock_sock(sk);
		amount = unix_inq_len(sk);
		release_sock(sk);
		if (amount < 0)
			return amount;
		*(int *)arg = amount;
		return 0;
	default:
		return -ENOIOCTLCMD;
	}
}

/* ---- credentials and files on skbs ---------------------------------- */

static void unix_destruct_scm(struct sk_buff *skb)
{
	struct scm_fp_list *fp = UNIXCB(skb).fp;

	if (fp) {
		UNIXCB(skb).fp = NULL;
		unix_notinflight(fp);
		scm_fp_free(fp);
	}
	if (skb->sk)
		sock_wfree(skb);
}

int unix_scm_to_skb(struct scm_cookie *scm, struct sk_buff *skb, bool send_fds)
{
	/* No credentials yet: Linux reports pid 0 and the overflow ids for a
	 * message that has none; unix_maybe_add_creds() fills them in when
	 * a side asked for them. */
	if (scm->creds_set)
		UNIXCB(skb).creds = scm->creds;
	else
		UNIXCB(skb).creds = (struct usnet_cred){ 0, 65534, 65534, 0 };
	UNIXCB(skb).creds_set = scm->creds_set;
	UNIXCB(skb).fp = NULL;
	UNIXCB(skb).consumed = 0;
	skb->destructor = unix_destruct_scm;
	if (scm->fp && send_fds) {
		UNIXCB(skb).fp = scm_fp_dup(scm->fp);
		if (!UNIXCB(skb).fp)
			return -ENOMEM;
		unix_inflight(UNIXCB(skb).fp);
	}
	return 0;
}

/*
 * The sender's own credentials go with a message whenever either side has
 * SO_PASSCRED, or the receiver is not accepted yet (Linux's
 * maybe_add_creds()); looking them up costs system calls, so not
 * otherwise.  Lock held, just before queueing on @other.
 */
void unix_maybe_add_creds(struct sk_buff *skb, const struct sock *sk,
			  const struct sock *other)
{
	if (UNIXCB(skb).creds_set)
		return;
	if (unix_may_passcred(sk) || unix_may_passcred(other) ||
	    !other->sk_socket) {
		current_ids(&UNIXCB(skb).creds);
		UNIXCB(skb).creds_set = true;
	}
}

void unix_scm_recv(struct socket *sock, struct kmsghdr *msg,
		   struct scm_cookie *scm, bool have_creds)
{
	struct sock *sk = sock->sk;

	if (!msg->msg_control) {
		if (sock_flag(sk, SOCK_PASSCRED) || scm->fp)
			msg->msg_flags |= MSG_CTRUNC;
		scm_destroy(scm);
		return;
	}
	if (sock_flag(sk, SOCK_PASSCRED) && have_creds) {
		struct ucred uc = {
			.pid = scm->creds.pid,
			.uid = scm->creds.uid,
			.gid = scm->creds.gid,
		};

		put_cmsg(msg, SOL_SOCKET, SCM_CREDENTIALS, sizeof(uc), &uc);
	}
	if (scm->fp)
		scm_detach_fds(msg, scm, current_files());
}

/* ---- the tables ------------------------------------------------------ */

#define UNIX_COMMON_OPS                                                     \
	.family = AF_UNIX, .release = unix_release, .bind = unix_bind,      \
	.socketpair = unix_socketpair, .getname = unix_getname,             \
	.ioctl = unix_ioctl, .shutdown = unix_shutdown,                     \
	.setsockopt = sock_no_setsockopt, .getsockopt = sock_no_getsockopt, \
	.set_peek_off = sk_set_peek_off

static const struct proto_ops unix_stream_ops = {
	UNIX_COMMON_OPS,
	.connect = unix_stream_connect,
	.accept = unix_accept,
	.poll = unix_poll,
	.listen = unix_listen,
	.sendmsg = unix_stream_sendmsg,
	.recvmsg = unix_stream_recvmsg,
};

static const struct proto_ops unix_dgram_ops = {
	UNIX_COMMON_OPS,
	.connect = unix_dgram_connect,
	.accept = sock_no_accept,
	.poll = unix_dgram_poll,
	.listen = sock_no_listen,
	.sendmsg = unix_dgram_sendmsg,
	.recvmsg = unix_dgram_recvmsg,
};

static const struct proto_ops unix_seqpacket_ops = {
	UNIX_COMMON_OPS,
	.connect = unix_stream_connect,
	.accept = unix_accept,
	.poll = unix_dgram_poll,
	.listen = unix_listen,
	.sendmsg = unix_seqpacket_sendmsg,
	.recvmsg = unix_seqpacket_recvmsg,
};

static const struct net_proto_family unix_family_ops = {
	.family = PF_UNIX,
	.create = unix_create,
};

void af_unix_init(void)
{
	sock_register(&unix_family_ops);
}
