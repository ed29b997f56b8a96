/*
 * tcp.c - TCP at the socket API (Linux's net/ipv4/tcp.c and the stream
 * parts of af_inet.c): connect, listen, accept, send, receive, shutdown,
 * close, poll, options.
 *
 * Call chain: socket.c -> inet_stream_ops (here) -> tcp_output.c and
 * tcp_input.c; every call runs under the namespace lock and sleeps on the
 * socket's wait queue.
 */
#include <errno.h>
#include <limits.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>

#include "core/creds.h"
#include "inet/netns_ipv4.h"
#include "inet/route.h"
#include "inet/tcp.h"
#include "lib/alloc.h"
#include "lib/clock.h"
#include "socket/sock_no.h"

/* ---- life ----------------------------------------------------------------- */

static void tcp_destruct(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (tp->orphan_counted)
		obj_orphan(-1);
	tcp_clear_xmit_timers(sk);
	skb_queue_purge(&tp->out_of_order_queue);
	tcp_listen_stop(sk);
}

static int tcp_init_sock(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	skb_queue_head_init(&tp->out_of_order_queue);
	skb_queue_head_init(&tp->accept_queue);
	INIT_LIST_HEAD(&tp->children);
	INIT_LIST_HEAD(&tp->child_node);
	INIT_LIST_HEAD(&tp->conn_node);
	INIT_LIST_HEAD(&inet_sk(sk)->bind_node);
	tcp_init_xmit_timers(sk);
	tp->rto = TCP_TIMEOUT_INIT;
	tp->mss_cache = TCP_MSS_DEFAULT;
	tp->snd_cwnd = TCP_INIT_CWND;
	tp->snd_ssthresh = INT_MAX;
	tp->rcv_wscale = TCP_WSCALE;
	tp->keepidle = READ_ONCE(sock_net(sk)->sysctl.tcp_keepalive_time);
	tp->keepintvl = READ_ONCE(sock_net(sk)->sysctl.tcp_keepalive_intvl);
	tp->keepcnt = READ_ONCE(sock_net(sk)->sysctl.tcp_keepalive_probes);
	tcp_set_ca(sk, tcp_ca_default());
	tcp_offer_options(sk);
	/* tcp_wmem[1], as Linux's tcp_init_sock(); it grows with the
	 * window (tcp_sndbuf_expand()).  The receive buffer starts at
	 * core.rmem_default, not tcp_rmem[1]: usnet's windows count the
	 * skbs' overhead per segment (tcp_win_from_space()) where Linux
	 * halves the buffer, and 212992 gives the 64 KiB windows Linux
	 * starts with; it grows with the reader (tcp_rcv_space_adjust()). */
	sk->sk_sndbuf = TCP_WMEM_DEFAULT;
	sk->sk_destruct = tcp_destruct;
	return 0;
}

/* What a SYN of ours offers (the namespace's sysctls); the handshake
 * keeps what the peer offered too (tcp_input.c). */
void tcp_offer_options(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	const struct net_sysctls *sys = &sock_net(sk)->sysctl;

	tp->tstamp_ok = READ_ONCE(sys->tcp_timestamps) != 0;
	tp->sack_ok = READ_ONCE(sys->tcp_sack) != 0;
}

int tcp_fin_time(const struct sock *sk)
{
	int linger2 = tcp_sk(sk)->linger2;

	if (linger2 < 0)
		return -1;
	if (!linger2)
		linger2 = READ_ONCE(sock_net(sk)->sysctl.tcp_fin_timeout);
	return linger2 * 1000;
}

int tcp_syn_retries(const struct sock *sk)
{
	int n = tcp_sk(sk)->syncnt;

	return n ? n : READ_ONCE(sock_net(sk)->sysctl.tcp_syn_retries);
}

void tcp_inherit_options(struct tcp_sock *child, const struct tcp_sock *parent)
{
	child->nodelay = parent->nodelay;
	child->cork = parent->cork;
	child->user_mss = parent->user_mss;
	child->keepidle = parent->keepidle;
	child->keepintvl = parent->keepintvl;
	child->keepcnt = parent->keepcnt;
	child->user_timeout = parent->user_timeout;
	child->syncnt = parent->syncnt;
	child->linger2 = parent->linger2;
	child->notsent_lowat = parent->notsent_lowat;
	child->window_clamp = parent->window_clamp;
	child->pingpong = parent->pingpong;
	tcp_set_ca(&child->inet.sk, parent->ca_ops);
}

void tcp_write_queue_purge(struct sock *sk)
{
	skb_queue_purge(&sk->sk_write_queue);
	tcp_sk(sk)->send_head = NULL;
}

/* The connection is reset (RFC 9293 3.10.7.4, second): @err to the user. */
void tcp_reset(struct sock *sk, int err)
{
	sk->sk_err = err;
	tcp_write_queue_purge(sk);
	sk->sk_error_report(sk);
	tcp_done(sk);
}

/* Whether unread data remains (close then resets, RFC 2525 2.17). */
static bool tcp_data_unread(struct sock *sk)
{
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_receive_queue, skb)
		if (skb->len > TCP_SKB_CB(skb)->consumed)
			return true;
	return false;
}

static void tcp_close(struct sock *sk, int64_t timeout)
{
	struct tcp_sock *tp = tcp_sk(sk);

	(void)timeout;
	sk->sk_shutdown = SHUTDOWN_MASK;
	if (sk->sk_state == TCP_LISTEN) {
		tcp_set_state(sk, TCP_CLOSE);
		tcp_listen_stop(sk);
		tcp_unhash(sk);
		return;
	}
	if (tcp_data_unread(sk) ||
	    (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime)) {
		/* Unread data or SO_LINGER 0: an abortive close. */
		if (sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_SYN_SENT &&
		    sk->sk_state != TCP_TIME_WAIT)
			tcp_send_active_reset(sk);
		skb_queue_purge(&sk->sk_receive_queue);
		tcp_write_queue_purge(sk);
		tcp_done(sk);
		return;
	}
	/* The connection outlives the socket: an orphan until done. */
	tp->orphan_counted = true;
	obj_orphan(1);
	switch (sk->sk_state) {
	case TCP_SYN_SENT:
	case TCP_CLOSE:
		tcp_done(sk);
		return;
	case TCP_SYN_RECV:
	case TCP_ESTABLISHED:
		tcp_set_state(sk, TCP_FIN_WAIT1);
		tcp_send_fin(sk);
		break;
	case TCP_CLOSE_WAIT:
		tcp_set_state(sk, TCP_LAST_ACK);
		tcp_send_fin(sk);
		break;
	case TCP_FIN_WAIT2:
		/* Our FIN was acknowledged before the close (Linux's
		 * tcp_close()): the orphan's wait for the peer's starts. */
		tcp_fin_wait2_orphan(sk);
		break;
	default:
		break;
	}
}

/* ---- connect ---------------------------------------------------------------- */

static int tcp_v4_connect(struct sock *sk, struct sockaddr *uaddr, int len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)uaddr;
	struct inet_sock *inet = inet_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	struct net *net = sock_net(sk);
	uint32_t daddr = sin->sin_addr.s_addr;
	struct rtable rt;
	int err;

	if (len < (int)sizeof(*sin))
		return -EINVAL;
	if (sin->sin_family != AF_INET)
		return -EAFNOSUPPORT;
	err = ip_route_output(net, daddr, inet->inet_saddr, sk->sk_bound_dev_if,
			      &rt);
	if (err)
		return err;
	if (rt.type == RTN_BROADCAST || rt.type == RTN_MULTICAST ||
	    inet_addr_type(net, daddr) == RTN_BROADCAST)
		return -ENETUNREACH;
	if (daddr == htonl(INADDR_ANY))
		daddr = htonl(INADDR_LOOPBACK);
	if (!inet->inet_saddr)
		inet->inet_saddr = rt.src;
	inet->inet_rcv_saddr = inet->inet_saddr;
	inet->inet_daddr = daddr;
	inet->inet_dport = sin->sin_port;
	if (!inet->inet_num) {
		err = tcp_hash_connect(sk);
		if (err)
			return err;
		inet->inet_sport = htons(inet->inet_num);
	}
	tp->mss_cache = tcp_mss_for_mtu(rt.dev->mtu);
	if (tp->user_mss && tp->user_mss < tp->mss_cache)
		tp->mss_cache = tp->user_mss;
	tp->iss = tcp_isn(net, inet->inet_saddr, daddr, inet->inet_sport,
			  sin->sin_port);
	tp->ts_offset = tcp_ts_off(net, inet->inet_saddr, daddr);
	tcp_offer_options(sk);
	tcp_set_state(sk, TCP_SYN_SENT);
	tcp_hash_conn(sk);
	/* TCP_FASTOPEN_CONNECT with a cookie for the destination: the SYN
	 * goes with the first write, carrying its data (Linux's
	 * tcp_fastopen_defer_connect()). */
	if (tp->fastopen_connect && !tp->tfo_data) {
		struct tcp_options opt = { 0 };

		if (tcp_fastopen_cookie_get(net, daddr, &opt)) {
			tp->defer_connect = true;
			return 0;
		}
	}
	err = tcp_connect(sk, tp->tfo_data, tp->tfo_len);
	if (err < 0) {
		tcp_set_state(sk, TCP_CLOSE);
		tcp_unhash(sk);
		return err;
	}
	tp->tfo_copied = err;
	return 0;
}

/* Wait for the handshake to end; lock held. */
static int tcp_wait_connect(struct sock *sk, int64_t *timeo)
{
	while (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV) {
		int err;

		if (!*timeo)
			return -EINPROGRESS;
		err = sk_wait(sk, sk->sk_wq, EPOLLOUT, timeo);
		if (err)
			return err;
	}
	return 0;
}

/* Linux's __inet_stream_connect(). */
static int inet_stream_connect(struct socket *sock, struct sockaddr *uaddr,
			       int len, int flags)
{
	struct sock *sk = sock->sk;
	int64_t timeo;
	int err;

	if (len < (int)sizeof(uaddr->sa_family))
		return -EINVAL;
	lock_sock(sk);
	if (uaddr->sa_family == AF_UNSPEC) {
		err = sk->sk_prot->disconnect(sk, flags);
		sock->state = err ? SS_DISCONNECTING : SS_UNCONNECTED;
		goto out;
	}
	switch (sock->state) {
	case SS_CONNECTED:
		err = -EISCONN;
		goto out;
	case SS_CONNECTING:
		err = -EALREADY;
		break;
	default:
		err = -EISCONN;
		if (sk->sk_state != TCP_CLOSE)
			goto out;
		err = tcp_v4_connect(sk, uaddr, len);
		if (err)
			goto out;
		sock->state = SS_CONNECTING;
		err = -EINPROGRESS;
		if (tcp_sk(sk)->defer_connect) {
			err = 0; /* connected, as far as the caller knows */
			goto out;
		}
		break;
	}
	timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);
	if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV) {
		/* Still on its way: EINPROGRESS or EALREADY without a wait. */
		if (!timeo)
			goto out;
		err = tcp_wait_connect(sk, &timeo);
		if (err == -EINPROGRESS || err == -EINTR)
			goto out;
	}
	/* Reset, timed out, refused, or disconnected meanwhile. */
	if (sk->sk_state == TCP_CLOSE) {
		err = sock_error(sk);
		if (!err)
			err = -ECONNABORTED;
		sock->state = SS_UNCONNECTED;
		goto out;
	}
	sock->state = SS_CONNECTED;
	err = 0;
out:
	release_sock(sk);
	return err;
}

/* ---- listen and accept ------------------------------------------------------ */

static int inet_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	int err = -EINVAL;

	lock_sock(sk);
	if (sock->state != SS_UNCONNECTED || sock->type != SOCK_STREAM)
		goto out;
	if (sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_LISTEN)
		goto out;
	sk->sk_max_ack_backlog = (unsigned int)(backlog < 0 ? 0 : backlog);
	if (sk->sk_state != TCP_LISTEN) {
		if (!inet_sk(sk)->inet_num) {
			err = tcp_get_port(sk, 0);
			if (err)
				goto out;
			inet_sk(sk)->inet_sport = htons(inet_sk(sk)->inet_num);
		} else {
			/* Linux re-checks the port: another listener may
			 * have taken it with SO_REUSEADDR meanwhile. */
			struct inet_sock *inet = inet_sk(sk);
			unsigned short port = inet->inet_num;

			tcp_put_port(sk);
			tcp_set_state(sk, TCP_LISTEN);
			err = tcp_get_port(sk, port);
			if (err) {
				tcp_set_state(sk, TCP_CLOSE);
				inet->inet_num = port;
				tcp_bind_inherit(sk);
				goto out;
			}
		}
		tcp_set_state(sk, TCP_LISTEN);
	}
	err = 0;
out:
	release_sock(sk);
	return err;
}

static int inet_accept(struct socket *sock, struct socket *newsock, int flags)
{
	struct sock *sk = sock->sk, *child;
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;
	int64_t timeo;
	int err;

	lock_sock(sk);
	timeo = sock_rcvtimeo(sk, flags & O_NONBLOCK);
	for (;;) {
		err = -EINVAL;
		if (sk->sk_state != TCP_LISTEN)
			goto out;
		skb = skb_dequeue(&tp->accept_queue);
		if (skb)
			break;
		err = -EAGAIN;
		if (!timeo)
			goto out;
		err = sk_wait(sk, sk->sk_wq, EPOLLIN, &timeo);
		if (err)
			goto out;
	}
	child = skb->sk;
	skb->sk = NULL;
	kfree_skb(skb);
	sk->sk_ack_backlog--;
	tcp_sk(child)->parent = NULL;
	/* The accept queue's reference goes to the new socket. */
	sock_graft(child, newsock);
	newsock->state = SS_CONNECTED;
	err = 0;
out:
	release_sock(sk);
	return err;
}

/* ---- send ----------------------------------------------------------------------- */

/* Room in the send buffer (Linux's sk_stream_memory_free()). */
static bool tcp_memory_free(const struct sock *sk)
{
	return sk_wmem_alloc_get(sk) < READ_ONCE(sk->sk_sndbuf);
}

/* A new segment's buffer is sized to the write, at least TCP_SKB_MIN and
 * at most the MSS; a small unsent segment that fills up is replaced by a
 * copy twice its size.  Small writes so neither pin a whole MSS of send
 * buffer each nor go out as tiny segments. */
#define TCP_SKB_MIN 2048

/* A segment of the write queue, for @size bytes, with room in front for
 * the headers, so that a copy of it sent by loopback can be a clone
 * (tcp_send_segment()), as Linux's tcp_stream_alloc_skb() reserves
 * MAX_TCP_HEADER.  The headroom is not charged: the socket pays for its
 * data as before. */
struct sk_buff *tcp_stream_alloc_skb(size_t size)
{
	struct sk_buff *skb = alloc_skb(MAX_HEADER + size);

	if (skb) {
		skb_reserve(skb, MAX_HEADER);
		skb->truesize = SKB_TRUESIZE(size);
	}
	return skb;
}

static struct sk_buff *tcp_grow_tail(struct sock *sk, struct sk_buff *skb,
				     unsigned int mss, size_t want)
{
	size_t size = max_t(size_t, 2 * (size_t)skb->len, skb->len + want);
	struct sk_buff *nskb = tcp_stream_alloc_skb(min_t(size_t, size, mss));

	if (!nskb)
		return skb; /* no room: the caller starts a new segment */
	skb_set_owner_w(nskb, sk);
	memcpy(skb_put(nskb, skb->len), skb->data, skb->len);
	memcpy(nskb->cb, skb->cb, sizeof(nskb->cb));
	skb_queue_tail(&sk->sk_write_queue, nskb);
	skb_unlink(skb, &sk->sk_write_queue);
	kfree_skb(skb);
	tcp_sk(sk)->send_head = nskb;
	return nskb;
}

/*
 * PSH on the last segment of what the application wrote (Linux's
 * tcp_mark_push(), as tcp_push() uses it; RFC 9293 3.9.1.2 leaves it to
 * the implementation): on @skb, or (NULL) on the last queued segment if it
 * is not sent yet.
 */
static void tcp_mark_push(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (!skb) {
		if (!tp->send_head)
			return;
		skb = skb_peek_tail(&sk->sk_write_queue);
	}
	TCP_SKB_CB(skb)->flags |= TCPHDR_PSH;
	tp->pushed_seq = tp->write_seq;
}

/* Linux's tcp_sendmsg_fastopen(): connect() to msg_name, the SYN taking
 * what it can of the data when a cookie is known (RFC 7413 3); the
 * bytes it took in *@copied_syn. */
static int tcp_sendmsg_fastopen(struct sock *sk, struct kmsghdr *msg,
				size_t size, size_t *copied_syn)
{
	struct sockaddr *uaddr = msg->msg_name;
	struct tcp_sock *tp = tcp_sk(sk);
	int err;

	if (!(READ_ONCE(sock_net(sk)->sysctl.tcp_fastopen) &
	      TFO_CLIENT_ENABLE) ||
	    (uaddr && msg->msg_namelen >= (int)sizeof(uaddr->sa_family) &&
	     uaddr->sa_family == AF_UNSPEC))
		return -EOPNOTSUPP;
	if (tp->tfo_data)
		return -EALREADY;
	tp->tfo_data = &msg->msg_iter;
	tp->tfo_len = size;
	tp->tfo_copied = 0;
	err = inet_stream_connect(sk->sk_socket, uaddr, msg->msg_namelen,
				  (msg->msg_flags & MSG_DONTWAIT) ? O_NONBLOCK :
								    0);
	*copied_syn = (size_t)tp->tfo_copied;
	tp->tfo_data = NULL;
	return err;
}

static int tcp_sendmsg(struct sock *sk, struct kmsghdr *msg, size_t size)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int flags = (int)msg->msg_flags;
	int64_t timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	size_t copied = 0;
	int err;

	if (flags & MSG_FASTOPEN) {
		size_t syn;

		err = tcp_sendmsg_fastopen(sk, msg, size, &syn);
		if (err == -EINPROGRESS && syn)
			return (int)syn;
		if (err)
			return err;
		copied = syn;
	}
	lock_sock(sk);
	if (tp->defer_connect) {
		/* the deferred SYN, with what it can take of the data */
		int n;

		tp->defer_connect = false;
		n = tcp_connect(sk, &msg->msg_iter, size);
		if (n < 0) {
			tcp_set_state(sk, TCP_CLOSE);
			tcp_unhash(sk);
			err = n;
			goto out_err;
		}
		copied = (size_t)n;
		if (sk->sk_state == TCP_SYN_SENT && !timeo) {
			release_sock(sk);
			return n ? n : -EINPROGRESS;
		}
	}
	/* Linux's sk_stream_wait_connect(): only a connection on its way
	 * is waited for; anything else is EPIPE. */
	if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV) {
		err = tcp_wait_connect(sk, &timeo);
		if (err == -EINPROGRESS)
			err = -EAGAIN;
		if (err)
			goto out_err;
	}
	err = -EPIPE;
	if (sk->sk_err) {
		err = sock_error(sk);
		goto out_err;
	}
	if ((sk->sk_shutdown & SEND_SHUTDOWN) ||
	    (sk->sk_state != TCP_ESTABLISHED && sk->sk_state != TCP_CLOSE_WAIT))
		goto out_err;
	while (copied < size) {
		struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);
		unsigned int mss = tcp_current_mss(sk);
		size_t room, chunk;

		if (skb && skb == tp->send_head && skb->len < mss &&
		    !skb_tailroom(skb) &&
		    !(TCP_SKB_CB(skb)->flags & (TCPHDR_SYN | TCPHDR_FIN)))
			skb = tcp_grow_tail(sk, skb, mss, size - copied);
		if (!skb || skb != tp->send_head || skb->len >= mss ||
		    (TCP_SKB_CB(skb)->flags & (TCPHDR_SYN | TCPHDR_FIN)) ||
		    !skb_tailroom(skb)) {
			/* A new segment, when the send buffer has room. */
			while (!tcp_memory_free(sk)) {
				if (copied)
					tcp_mark_push(sk, NULL);
				if (copied && (flags & MSG_OOB))
					tcp_mark_urg(sk);
				tcp_write_xmit(sk, true);
				err = -EAGAIN;
				if (!timeo)
					goto out;
				err = sk_wait(sk, sk->sk_wq, EPOLLOUT, &timeo);
				if (err)
					goto out;
				err = -EPIPE;
				if (sk->sk_err ||
				    (sk->sk_shutdown & SEND_SHUTDOWN))
					goto out;
			}
			skb = tcp_stream_alloc_skb(min_t(
				size_t, mss,
				max_t(size_t, size - copied, TCP_SKB_MIN)));
			if (!skb) {
				err = -ENOBUFS;
				goto out;
			}
			skb_set_owner_w(skb, sk);
			TCP_SKB_CB(skb)->seq = tp->write_seq;
			TCP_SKB_CB(skb)->end_seq = tp->write_seq;
			TCP_SKB_CB(skb)->flags = 0;
			TCP_SKB_CB(skb)->sacked = 0;
			TCP_SKB_CB(skb)->sent = 0;
			skb_queue_tail(&sk->sk_write_queue, skb);
			if (!tp->send_head)
				tp->send_head = skb;
		}
		room = mss - skb->len;
		if (room > skb_tailroom(skb))
			room = skb_tailroom(skb);
		chunk = size - copied < room ? size - copied : room;
		/* The write goes on where a previous one ended: its PSH
		 * moves to the end of this one. */
		if (!copied)
			TCP_SKB_CB(skb)->flags &= (uint8_t)~TCPHDR_PSH;
		copy_from_iter(skb_put(skb, (unsigned int)chunk), chunk,
			       &msg->msg_iter);
		TCP_SKB_CB(skb)->end_seq += (uint32_t)chunk;
		tp->write_seq += (uint32_t)chunk;
		copied += chunk;
		/* Urgent data waits for its mark (Linux's tcp_push()). */
		if (skb->len >= mss && !(flags & MSG_OOB)) {
			/* Linux's forced_push(); and the end of the write,
			 * marked before it goes */
			if (after(tp->write_seq,
				  tp->pushed_seq + (tp->max_window >> 1)) ||
			    (copied == size && !(flags & MSG_MORE)))
				tcp_mark_push(sk, skb);
			tcp_write_xmit(sk, false);
		}
	}
	err = 0;
out:
	if (copied && !(flags & MSG_MORE))
		tcp_mark_push(sk, NULL);
	if (copied && (flags & MSG_OOB))
		tcp_mark_urg(sk);
	tcp_write_xmit(sk, !(flags & MSG_MORE));
	if (copied) {
		release_sock(sk);
		return (int)copied;
	}
out_err:
	if (err == -EPIPE && !(flags & MSG_NOSIGNAL))
		send_sigpipe();
	release_sock(sk);
	return err;
}

/* ---- receive ------------------------------------------------------------------- */

/* After the reader took @copied bytes, tell the peer if the window grew
 * much (Linux's __tcp_cleanup_rbuf()): the announced window fell to half
 * the largest we can announce or less, and the free buffer now makes it
 * twice as large (a closed window reopens at once). */
static void tcp_cleanup_rbuf(struct sock *sk, int copied)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	uint32_t announced = tcp_receive_window(tp);
	uint32_t max = tp->wscale_ok ? TCP_MAX_WINDOW : 65535;
	uint32_t full = tcp_win_from_space(sk, rcvbuf);
	uint32_t space = tcp_win_from_space(sk, rcvbuf - sk_rmem_alloc_get(sk));

	if (copied <= 0 ||
	    (sk->sk_state != TCP_ESTABLISHED && sk->sk_state != TCP_FIN_WAIT1 &&
	     sk->sk_state != TCP_FIN_WAIT2))
		return;
	if (full > max)
		full = max;
	if (space > max)
		space = max;
	if (2 * announced <= full && space > announced &&
	    space >= 2 * announced)
		tcp_send_ack(sk);
}

void tcp_rcv_consume(struct sock *sk, struct sk_buff *skb, uint32_t n)
{
	struct tcp_sock *tp = tcp_sk(sk);

	TCP_SKB_CB(skb)->consumed += n;
	tp->copied_seq += n;
	if (TCP_SKB_CB(skb)->consumed >= skb->len) {
		skb_unlink(skb, &sk->sk_receive_queue);
		kfree_skb(skb);
	}
	tcp_urg_passed(tp);
}

static int tcp_recvmsg(struct sock *sk, struct kmsghdr *msg, size_t len,
		       int flags)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int copied = 0, target, err = 0;
	int64_t timeo;

	lock_sock(sk);
	if (sk->sk_state == TCP_LISTEN) {
		err = -ENOTCONN;
		goto out;
	}
	if (flags & MSG_OOB) {
		err = tcp_recv_urg(sk, msg, len, flags);
		goto out;
	}
	if (len > INT_MAX)
		len = INT_MAX;
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, (int)len);
	{
		size_t peek = (flags & MSG_PEEK) && sk->sk_peek_off >= 0 ?
				      (size_t)sk->sk_peek_off :
				      0;

		/* At least once: a zero-length read still reports EAGAIN,
		 * an error or EOF as Linux's does. */
		do {
			uint32_t seq = tp->copied_seq + (uint32_t)peek;
			struct sk_buff *skb;
			size_t avail = 0, skip = peek;
			bool hole;

			/* A read that has data stops at the urgent mark. */
			if (copied && tcp_at_mark(tp, seq))
				break;
			skb_queue_walk(&sk->sk_receive_queue, skb) {
				size_t left =
					skb->len - TCP_SKB_CB(skb)->consumed;

				if (skip >= left) {
					skip -= left;
					continue;
				}
				avail = left - skip;
				break;
			}
			if (!avail) {
				if (copied >= target)
					break;
				if (sk->sk_err) {
					err = sock_error(sk);
					break;
				}
				if (sk->sk_shutdown & RCV_SHUTDOWN)
					break;
				if (sk->sk_state == TCP_CLOSE) {
					/* Never connected (a closed one has
					 * RCV_SHUTDOWN set). */
					err = -ENOTCONN;
					break;
				}
				if (!timeo) {
					err = -EAGAIN;
					break;
				}
				tcp_cleanup_rbuf(sk, copied);
				err = sk_wait(sk, sk->sk_wq, EPOLLIN, &timeo);
				if (err)
					break;
				continue;
			}
			if (avail > len)
				avail = len;
			/* Up to the mark; the urgent byte itself is stepped
			 * over unless SO_OOBINLINE. */
			avail = tcp_urg_clip(sk, seq, avail, &hole);
			if (!(flags & MSG_TRUNC) && avail > hole)
				copy_to_iter(skb->data +
						     TCP_SKB_CB(skb)->consumed +
						     skip + hole,
					     avail - hole, &msg->msg_iter);
			copied += (int)(avail - hole);
			len -= avail - hole;
			if (flags & MSG_PEEK)
				peek += avail;
			else
				tcp_rcv_consume(sk, skb, (uint32_t)avail);
		} while (len > 0);
	}
	if (flags & MSG_PEEK) {
		sk_peek_offset_fwd(sk, copied);
	} else {
		sk_peek_offset_bwd(sk, copied);
		tcp_rcv_space_adjust(sk);
		tcp_cleanup_rbuf(sk, copied);
	}
out:
	release_sock(sk);
	return copied ? copied : err;
}

/* Bytes queued for the reader. */
static int tcp_inq(struct sock *sk)
{
	struct sk_buff *skb;
	int n = 0;

	skb_queue_walk(&sk->sk_receive_queue, skb)
		n += (int)(skb->len - TCP_SKB_CB(skb)->consumed);
	return n;
}

/* ---- shutdown, poll, ioctl ----------------------------------------------------- */

static int inet_stream_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	int err = 0;

	how++;
	if ((how & ~SHUTDOWN_MASK) || !how)
		return -EINVAL;
	lock_sock(sk);
	switch (sk->sk_state) {
	case TCP_CLOSE:
		err = -ENOTCONN;
		sk->sk_shutdown |= (unsigned char)how;
		break;
	case TCP_LISTEN:
		/* Linux: SHUT_RD stops listening (pending connections are
		 * reset) but keeps the port; SHUT_WR alone does nothing. */
		if (how & RCV_SHUTDOWN) {
			tcp_listen_stop(sk);
			tcp_set_state(sk, TCP_CLOSE);
			sk->sk_shutdown = 0;
		}
		break;
	case TCP_SYN_SENT:
		tcp_send_active_reset(sk);
		tcp_write_queue_purge(sk);
		tcp_done(sk);
		sk->sk_shutdown = 0;
		break;
	default:
		sk->sk_shutdown |= (unsigned char)how;
		if (how & SEND_SHUTDOWN) {
			if (sk->sk_state == TCP_ESTABLISHED ||
			    sk->sk_state == TCP_SYN_RECV) {
				tcp_set_state(sk, TCP_FIN_WAIT1);
				tcp_send_fin(sk);
			} else if (sk->sk_state == TCP_CLOSE_WAIT) {
				tcp_set_state(sk, TCP_LAST_ACK);
				tcp_send_fin(sk);
			}
		}
		break;
	}
	sk->sk_state_change(sk);
	release_sock(sk);
	return err;
}

/* Linux's tcp_poll(). */
static __poll_t tcp_poll(struct file *file, struct socket *sock,
			 poll_table *wait)
{
	struct sock *sk = sock->sk;
	struct tcp_sock *tp = tcp_sk(sk);
	__poll_t mask = 0;
	int state;

	poll_wait(file, &sock->wq, wait);
	lock_sock(sk);
	state = sk->sk_state;
	if (state == TCP_LISTEN) {
		if (!skb_queue_empty(&tp->accept_queue))
			mask = EPOLLIN | EPOLLRDNORM;
		goto out;
	}
	if (sk->sk_shutdown == SHUTDOWN_MASK || state == TCP_CLOSE)
		mask |= EPOLLHUP;
	if (sk->sk_shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (state != TCP_SYN_SENT && state != TCP_SYN_RECV) {
		int target = sock_rcvlowat(sk, false, INT_MAX);

		mask |= tcp_urg_poll(sk, &target);
		if (tcp_inq(sk) >= target)
			mask |= EPOLLIN | EPOLLRDNORM;
		if (!(sk->sk_shutdown & SEND_SHUTDOWN)) {
			if (tcp_memory_free(sk))
				mask |= EPOLLOUT | EPOLLWRNORM;
		} else {
			mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}
	/* A deferred Fast Open connect is writable: the write sends the
	 * SYN (Linux's tcp_poll()). */
	if (state == TCP_SYN_SENT && tcp_sk(sk)->defer_connect)
		mask |= EPOLLOUT | EPOLLWRNORM;
	if (sk->sk_err)
		mask |= EPOLLERR;
out:
	release_sock(sk);
	return mask;
}

/* Linux's tcp_set_rcvlowat(): at most half the receive buffer the user
 * set, else half of tcp_rmem[2], so that the mark can be reached. */
static void tcp_set_rcvlowat(struct sock *sk, int val)
{
	int cap = (sk->sk_userlocks & SOCK_RCVBUF_LOCK) ?
			  READ_ONCE(sk->sk_rcvbuf) >> 1 :
			  TCP_RMEM_MAX >> 1;

	val = min_t(int, val, cap);
	WRITE_ONCE(sk->sk_rcvlowat, val ? val : 1);
}

static int tcp_ioctl(struct sock *sk, unsigned int cmd, unsigned long arg)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int n = 0;

	lock_sock(sk);
	switch (cmd) {
	case SIOCINQ:
		if (sk->sk_state == TCP_LISTEN) {
			release_sock(sk);
			return -EINVAL;
		}
		n = tcp_urg_inq(sk, tcp_inq(sk));
		break;
	case SIOCOUTQ:
		if (sk->sk_state == TCP_LISTEN) {
			release_sock(sk);
			return -EINVAL;
		}
		n = (int)(tp->write_seq - tp->snd_una);
		break;
	case SIOCOUTQNSD:
		if (sk->sk_state == TCP_LISTEN) {
			release_sock(sk);
			return -EINVAL;
		}
		n = (int)(tp->write_seq - tp->snd_nxt);
		break;
	case SIOCATMARK:
		n = tcp_at_mark(tp, tp->copied_seq);
		break;
	default:
		release_sock(sk);
		return -ENOIOCTLCMD;
	}
	release_sock(sk);
	*(int *)arg = n;
	return 0;
}

/* ---- options --------------------------------------------------------------------- */

/* TCP_DEFER_ACCEPT is kept as a count of SYN-ACK retransmissions, the
 * first after TCP_TIMEOUT_INIT (1 s), doubling up to TCP_RTO_MAX (120 s):
 * seconds are rounded up to the time the count takes, as Linux does. */
#define DEFER_TIMEOUT_S 1
#define DEFER_RTO_MAX_S 120

static uint8_t secs_to_retrans(int seconds)
{
	int timeout = DEFER_TIMEOUT_S, period = timeout;
	uint8_t n;

	if (seconds <= 0)
		return 0;
	for (n = 1; seconds > period && n < 255; n++) {
		timeout = min_t(int, timeout * 2, DEFER_RTO_MAX_S);
		period += timeout;
	}
	return n;
}

int tcp_defer_secs(uint8_t n)
{
	int timeout = DEFER_TIMEOUT_S, period = n ? timeout : 0;

	while (n > 1) {
		timeout = min_t(int, timeout * 2, DEFER_RTO_MAX_S);
		period += timeout;
		n--;
	}
	return period;
}

/* Linux's tcp_set_congestion_control(): the name is bounded by optlen
 * and TCP_CA_NAME_MAX; a change restarts the algorithm's state. */
static int tcp_set_congestion(struct sock *sk, const void *optval,
			      unsigned int optlen)
{
	char name[TCP_CA_NAME_MAX] = { 0 };
	const struct tcp_congestion_ops *ops;

	if (optlen < 1)
		return -EINVAL;
	memcpy(name, optval, min_t(size_t, optlen, sizeof(name) - 1));
	ops = tcp_ca_find(name);
	if (!ops)
		return -ENOENT;
	if (ops != tcp_sk(sk)->ca_ops)
		tcp_set_ca(sk, ops);
	return 0;
}

/* Linux's __tcp_sock_set_quickack(): 0 delays ACKs (pingpong mode); any
 * other value leaves it and sends an ACK that is due at once. */
static void tcp_set_quickack(struct sock *sk, int val)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->pingpong = !val;
	if (val && tp->ack_pending) {
		tcp_send_ack(sk);
		if (!(val & 1))
			tp->pingpong = true;
	}
}

static int tcp_set_window_clamp(struct sock *sk, int val)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (!val) {
		if (sk->sk_state != TCP_CLOSE)
			return -EINVAL;
		tp->window_clamp = 0;
		return 0;
	}
	tp->window_clamp = val < SOCK_MIN_RCVBUF / 2 ? SOCK_MIN_RCVBUF / 2 :
						       val;
	return 0;
}

static int tcp_setsockopt(struct sock *sk, int level, int optname,
			  const void *optval, unsigned int optlen)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int val, err = 0;

	if (level != SOL_TCP)
		return ip_setsockopt(sk, level, optname, optval, optlen);
	if (optname == TCP_CONGESTION) {
		lock_sock(sk);
		err = tcp_set_congestion(sk, optval, optlen);
		release_sock(sk);
		return err;
	}
	if (optlen < sizeof(int))
		return -EINVAL;
	memcpy(&val, optval, sizeof(val));
	lock_sock(sk);
	switch (optname) {
	case TCP_NODELAY:
		tp->nodelay = val != 0;
		/* Pushes what is pending, even past a cork. */
		if (tp->nodelay)
			tcp_push_pending(sk);
		break;
	case TCP_CORK:
		tp->cork = val != 0;
		if (!tp->cork)
			tcp_write_xmit(sk, true);
		break;
	case TCP_MAXSEG:
		/* 0 resets; else TCP_MIN_MSS (88) .. MAX_TCP_WINDOW. */
		if (val && (val < TCP_MIN_MSS || val > 32767))
			err = -EINVAL;
		else
			tp->user_mss = (unsigned int)val;
		break;
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
		if (val < 1 || val > 32767)
			err = -EINVAL;
		else if (optname == TCP_KEEPIDLE) {
			tp->keepidle = val;
			tcp_keepidle_changed(sk);
		} else
			tp->keepintvl = val;
		break;
	case TCP_KEEPCNT:
	case TCP_SYNCNT:
		if (val < 1 || val > 127)
			err = -EINVAL;
		else if (optname == TCP_KEEPCNT)
			tp->keepcnt = val;
		else
			tp->syncnt = val;
		break;
	case TCP_LINGER2:
		tp->linger2 = val < 0 ? -1 :
					min_t(int, val, TCP_FIN_TIMEOUT_MAX);
		break;
	case TCP_USER_TIMEOUT:
		if (val < 0)
			err = -EINVAL;
		else
			tp->user_timeout = (unsigned int)val;
		break;
	case TCP_QUICKACK:
		tcp_set_quickack(sk, val);
		break;
	case TCP_DEFER_ACCEPT:
		tp->defer_accept = secs_to_retrans(val);
		break;
	case TCP_NOTSENT_LOWAT:
		tp->notsent_lowat = val;
		break;
	case TCP_WINDOW_CLAMP:
		err = tcp_set_window_clamp(sk, val);
		break;
	case TCP_FASTOPEN_CONNECT:
		/* Linux's: 0 or 1, on a closed socket, with the client side
		 * of net.ipv4.tcp_fastopen on. */
		if (val < 0 || val > 1)
			err = -EINVAL;
		else if (!(READ_ONCE(sock_net(sk)->sysctl.tcp_fastopen) &
			   TFO_CLIENT_ENABLE))
			err = -EOPNOTSUPP;
		else if (sk->sk_state != TCP_CLOSE)
			err = -EINVAL;
		else
			tp->fastopen_connect = val;
		break;
	case TCP_FASTOPEN:
		/* The listener's queue of connections with SYN data not yet
		 * acknowledged (tcp_fastopen.c). */
		if (val >= 0 &&
		    (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN))
			tp->fastopen_qlen = val;
		else
			err = -EINVAL;
		break;
	default:
		err = -ENOPROTOOPT;
		break;
	}
	release_sock(sk);
	return err;
}

/* Linux's struct tcp_info as far as usnet fills it: glibc's structure, then
 * the kernel's later fields in the kernel's order. */
struct tcp_info_ext {
	struct tcp_info base;
	uint64_t pacing_rate;
	uint64_t max_pacing_rate;
	uint64_t bytes_acked;
	uint64_t bytes_received;
	uint32_t segs_out;
	uint32_t segs_in;
};

static void tcp_get_info(struct sock *sk, struct tcp_info_ext *ext)
{
	struct tcp_info *info = &ext->base;

	struct tcp_sock *tp = tcp_sk(sk);

	memset(ext, 0, sizeof(*ext));
	info->tcpi_state = sk->sk_state;
	if (sk->sk_state == TCP_LISTEN) {
		/* Linux: the accept queue and the backlog. */
		info->tcpi_unacked = sk->sk_ack_backlog;
		info->tcpi_sacked = sk->sk_max_ack_backlog;
		return;
	}
	info->tcpi_retransmits = (uint8_t)tp->retransmits;
	info->tcpi_probes = (uint8_t)tp->probes_out;
	info->tcpi_rto = (uint32_t)(tp->rto / 1000);
	info->tcpi_snd_mss = tp->mss_cache;
	info->tcpi_rcv_mss = tp->rx_opt_mss ? tp->rx_opt_mss : tp->mss_cache;
	info->tcpi_rtt = (uint32_t)(tp->srtt / 1000);
	info->tcpi_rttvar = (uint32_t)(tp->mdev / 4 / 1000);
	info->tcpi_snd_cwnd = tp->snd_cwnd;
	info->tcpi_snd_ssthresh = tp->snd_ssthresh;
	info->tcpi_snd_wscale = tp->snd_wscale;
	info->tcpi_rcv_wscale = tp->rcv_wscale;
	if (tp->wscale_ok)
		info->tcpi_options |= TCPI_OPT_WSCALE;
	if (tp->tstamp_ok && sk->sk_state != TCP_SYN_SENT)
		info->tcpi_options |= TCPI_OPT_TIMESTAMPS;
	if (tp->sack_ok && sk->sk_state != TCP_SYN_SENT)
		info->tcpi_options |= TCPI_OPT_SACK;
	if (tp->syn_data_acked)
		info->tcpi_options |= TCPI_OPT_SYN_DATA;
	info->tcpi_total_retrans = tp->total_retrans;
	/* Linux's numbers: Open 0, Recovery 3, Loss 4 */
	info->tcpi_ca_state = tp->ca_state == TCP_CA_RECOVERY ? 3 :
			      tp->ca_state == TCP_CA_LOSS     ? 4 :
								0;
	info->tcpi_sacked = tp->sacked_out;
	info->tcpi_lost = tp->lost_out;
	ext->bytes_acked = tp->bytes_acked;
	ext->bytes_received = tp->bytes_received;
	ext->segs_out = tp->segs_out;
	ext->segs_in = tp->segs_in;
	info->tcpi_unacked =
		(tp->snd_nxt - tp->snd_una + tp->mss_cache - 1) / tp->mss_cache;
	info->tcpi_rcv_space = tp->rcv_wnd;
}

static int tcp_getsockopt(struct sock *sk, int level, int optname, void *optval,
			  int *optlen)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int len = *optlen, val;

	if (level != SOL_TCP)
		return ip_getsockopt(sk, level, optname, optval, optlen);
	if (len < 0)
		return -EINVAL;
	lock_sock(sk);
	switch (optname) {
	case TCP_NODELAY:
		val = tp->nodelay;
		break;
	case TCP_CORK:
		val = tp->cork;
		break;
	case TCP_MAXSEG:
		val = (int)(sk->sk_state == TCP_CLOSE ||
					    sk->sk_state == TCP_LISTEN ?
				    (tp->user_mss ? tp->user_mss :
						    TCP_MSS_DEFAULT) :
				    tp->mss_cache);
		break;
	case TCP_KEEPIDLE:
		val = tp->keepidle;
		break;
	case TCP_KEEPINTVL:
		val = tp->keepintvl;
		break;
	case TCP_KEEPCNT:
		val = tp->keepcnt;
		break;
	case TCP_USER_TIMEOUT:
		val = (int)tp->user_timeout;
		break;
	case TCP_QUICKACK:
		val = !tp->pingpong;
		break;
	case TCP_DEFER_ACCEPT:
		val = tcp_defer_secs(tp->defer_accept);
		break;
	case TCP_SYNCNT:
		val = tcp_syn_retries(sk);
		break;
	case TCP_LINGER2:
		val = tcp_fin_time(sk);
		if (val >= 0)
			val /= 1000;
		break;
	case TCP_NOTSENT_LOWAT:
		val = tp->notsent_lowat;
		break;
	case TCP_WINDOW_CLAMP:
		val = tp->window_clamp;
		break;
	case TCP_FASTOPEN:
		val = tp->fastopen_qlen;
		break;
	case TCP_FASTOPEN_CONNECT:
		val = tp->fastopen_connect;
		break;
	case TCP_INFO: {
		struct tcp_info_ext info;

		tcp_get_info(sk, &info);
		release_sock(sk);
		if (len > (int)sizeof(info))
			len = sizeof(info);
		memcpy(optval, &info, (size_t)len);
		*optlen = len;
		return 0;
	}
	case TCP_CONGESTION:
		release_sock(sk);
		if (len > TCP_CA_NAME_MAX)
			len = TCP_CA_NAME_MAX;
		memset(optval, 0, (size_t)len);
		memcpy(optval, tp->ca_ops->name,
		       min_t(size_t, (size_t)len, strlen(tp->ca_ops->name)));
		*optlen = len;
		return 0;
	default:
		release_sock(sk);
		return -ENOPROTOOPT;
	}
	release_sock(sk);
	if (len > (int)sizeof(int))
		len = sizeof(int);
	memcpy(optval, &val, (size_t)len);
	*optlen = len;
	return 0;
}

/* ---- the tables ------------------------------------------------------------------ */

/* Linux's tcp_disconnect(): abort the connection, keep the socket and its
 * bound port, ready to connect or listen again. */
static int tcp_disconnect(struct sock *sk, int flags)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	int old = sk->sk_state;

	(void)flags;
	if (old == TCP_LISTEN) {
		tcp_listen_stop(sk);
	} else if (old != TCP_CLOSE) {
		if (old != TCP_SYN_SENT)
			tcp_send_active_reset(sk);
		sk->sk_err = ECONNRESET;
	}
	tcp_clear_xmit_timers(sk);
	tcp_write_queue_purge(sk);
	skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&tp->out_of_order_queue);
	tcp_set_state(sk, TCP_CLOSE);
	tcp_unhash_conn(sk);
	inet->inet_daddr = 0;
	inet->inet_dport = 0;
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK))
		inet->inet_saddr = inet->inet_rcv_saddr = 0;
	sk->sk_shutdown = 0;
	tp->snd_wnd = tp->max_window = 0;
	tp->srtt = 0;
	tp->rto = TCP_TIMEOUT_INIT;
	tp->defer_connect = false;
	tp->syn_data_acked = false;
	tp->tfo_syn = false;
	memset(&tp->tfo, 0, sizeof(tp->tfo));
	tp->snd_cwnd = TCP_INIT_CWND;
	tp->snd_ssthresh = INT_MAX;
	tp->retransmits = 0;
	tp->urg_mode = false;
	tp->urg_data = 0;
	sock_reset_flag(sk, SOCK_DONE);
	sk->sk_error_report(sk);
	return 0;
}

static int tcp_sendmsg_proto(struct sock *sk, struct kmsghdr *msg, size_t len)
{
	return tcp_sendmsg(sk, msg, len);
}

struct proto tcp_prot = {
	.name = "TCP",
	.obj_size = sizeof(struct tcp_sock),
	.init = tcp_init_sock,
	.close = tcp_close,
	.connect = tcp_v4_connect,
	.disconnect = tcp_disconnect,
	.sendmsg = tcp_sendmsg_proto,
	.recvmsg = tcp_recvmsg,
	.get_port = tcp_get_port,
	.unhash = tcp_unhash,
	.setsockopt = tcp_setsockopt,
	.getsockopt = tcp_getsockopt,
	.ioctl = tcp_ioctl,
	.set_rcvlowat = tcp_set_rcvlowat,
	.keepalive = tcp_set_keepalive,
};

static int inet_stream_sendmsg(struct socket *sock, struct kmsghdr *msg,
			       size_t len)
{
	return tcp_sendmsg(sock->sk, msg, len);
}

static int inet_stream_recvmsg(struct socket *sock, struct kmsghdr *msg,
			       size_t len, int flags)
{
	return tcp_recvmsg(sock->sk, msg, len, flags);
}

static int inet_stream_setsockopt(struct socket *sock, int level, int optname,
				  const void *optval, unsigned int optlen)
{
	return tcp_setsockopt(sock->sk, level, optname, optval, optlen);
}

static int inet_stream_getsockopt(struct socket *sock, int level, int optname,
				  void *optval, int *optlen)
{
	return tcp_getsockopt(sock->sk, level, optname, optval, optlen);
}

const struct proto_ops inet_stream_ops = {
	.family = AF_INET,
	.release = inet_release,
	.bind = inet_bind,
	.connect = inet_stream_connect,
	.socketpair = sock_no_socketpair,
	.accept = inet_accept,
	.getname = inet_getname,
	.poll = tcp_poll,
	.ioctl = inet_ioctl,
	.listen = inet_listen,
	.shutdown = inet_stream_shutdown,
	.setsockopt = inet_stream_setsockopt,
	.getsockopt = inet_stream_getsockopt,
	.sendmsg = inet_stream_sendmsg,
	.recvmsg = inet_stream_recvmsg,
	.set_peek_off = sk_set_peek_off,
};
