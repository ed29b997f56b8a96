/*
 * tcp_input.c - segments arriving: finding the connection, the listen
 * handshake, and the RFC 9293 3.10.7 event processing, step by step, with
 * RFC 5961's challenge ACKs and NewReno's fast retransmit (RFC 6582).
 */
#include <errno.h>
#include <string.h>

#include "inet/netns_ipv4.h"
#include "inet/route.h"
#include "inet/tcp.h"
#include "lib/clock.h"

/* ---- RTT and congestion --------------------------------------------------- */

/* RFC 6298 2.2-2.3, with Linux's 200 ms minimum. */
static void tcp_rtt_sample(struct tcp_sock *tp, int64_t rtt)
{
	if (rtt <= 0)
		rtt = 1;
	if (!tp->srtt) {
		tp->srtt = rtt;
		tp->rttvar = rtt / 2;
	} else {
		int64_t d = tp->srtt - rtt;

		tp->rttvar = (3 * tp->rttvar + (d < 0 ? -d : d)) / 4;
		tp->srtt = (7 * tp->srtt + rtt) / 8;
	}
	tp->rto = tp->srtt + 4 * tp->rttvar;
	if (tp->rto < TCP_RTO_MIN)
		tp->rto = TCP_RTO_MIN;
	if (tp->rto > TCP_RTO_MAX)
		tp->rto = TCP_RTO_MAX;
}

/* RFC 5681 3.1: slow start below ssthresh, then one MSS per window. */
static void tcp_cong_avoid(struct tcp_sock *tp, uint32_t acked_segs)
{
	if (tp->in_recovery)
		return;
	while (acked_segs--) {
		if (tp->snd_cwnd < tp->snd_ssthresh) {
			tp->snd_cwnd++;
		} else if (++tp->cwnd_cnt >= tp->snd_cwnd) {
			tp->cwnd_cnt = 0;
			tp->snd_cwnd++;
		}
	}
}

/* Free what @ack covers from the write queue; returns the segments. */
static uint32_t tcp_clean_rtx_queue(struct sock *sk, uint32_t ack)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;
	uint32_t segs = 0;

	while ((skb = skb_peek(&sk->sk_write_queue)) != NULL &&
	       skb != tp->send_head) {
		struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

		if (after(cb->end_seq, ack))
			break;
		if (!cb->sacked && cb->sent)
			tcp_rtt_sample(tp, clock_now_ns() - cb->sent);
		tp->bytes_acked += skb->len;
		skb_unlink(skb, &sk->sk_write_queue);
		kfree_skb(skb);
		segs++;
	}
	return segs;
}

/* ---- answers to unacceptable segments ---------------------------------- */

/*
 * Linux's __tcp_oow_rate_limited(): at most one ACK per
 * ipv4.tcp_invalid_ratelimit (500 ms) answers segments out of the window,
 * challenges (RFC 5961) or acknowledgments of what was never sent.  Two
 * ends that disagree on the sequence numbers would otherwise answer each
 * other's answers for ever (an ACK loop).  Counted in @mib when held.
 */
static bool tcp_oow_rate_limited(struct sock *sk, enum snmp_mib mib)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int64_t now = clock_now_ns(), elapsed = now - tp->last_oow_ack_time;
	int64_t limit =
		(int64_t)READ_ONCE(sock_net(sk)->sysctl.tcp_invalid_ratelimit) *
		NSEC_PER_MSEC;

	if (tp->last_oow_ack_time && elapsed >= 0 && elapsed < limit) {
		net_inc_stats(sock_net(sk), mib);
		return true;
	}
	tp->last_oow_ack_time = now;
	return false;
}

/* RFC 9293 3.10.7.4, first: an unacceptable segment gets an ACK; within
 * the rate limit unless it carries data (or a FIN) and no SYN, which no
 * loop is made of (Linux's tcp_oow_rate_limited()). */
static void tcp_send_dupack(struct sock *sk, const struct tcp_hdr_info *th,
			    uint32_t seglen, enum snmp_mib mib)
{
	if ((seglen && !(th->flags & TCPHDR_SYN)) ||
	    !tcp_oow_rate_limited(sk, mib))
		tcp_send_ack(sk);
}

/* RFC 5961 3.2, 4.2, 5.2: the challenge ACK (Linux's
 * tcp_send_challenge_ack()). */
static void tcp_send_challenge_ack(struct sock *sk)
{
	if (!tcp_oow_rate_limited(sk, MIB_TcpExtTCPACKSkippedChallenge))
		tcp_send_ack(sk);
}

/* The ACK field (RFC 9293 3.10.7.4, fifth); false to drop the segment. */
static bool tcp_ack(struct sock *sk, const struct tcp_hdr_info *th,
		    uint32_t seq, size_t len)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t ack = th->ack_seq,
		 wnd = (uint32_t)th->window << tp->snd_wscale;

	if (after(ack, tp->snd_nxt)) {
		tcp_send_challenge_ack(sk); /* acks what we never sent */
		return false;
	}
	if (before(ack, tp->snd_una))
		return true; /* an old duplicate */
	tcp_keepalive_ack(sk);
	/* The send window (SND.WL1/WL2 rule). */
	if (before(tp->snd_wl1, seq) ||
	    (tp->snd_wl1 == seq && !before(ack, tp->snd_wl2))) {
		tp->snd_wnd = wnd;
		tp->snd_wl1 = seq;
		tp->snd_wl2 = ack;
	}
	if (ack == tp->snd_una) {
		/* RFC 5681 2: a duplicate ACK with data in flight. */
		if (!len && tp->snd_una != tp->snd_nxt && !tp->in_recovery &&
		    ++tp->dupacks == 3) {
			uint32_t flight =
				(tp->snd_nxt - tp->snd_una) / tp->mss_cache;

			tp->snd_ssthresh = flight / 2 > 2 ? flight / 2 : 2;
			tp->snd_cwnd = tp->snd_ssthresh + 3;
			tp->in_recovery = true;
			tp->high_seq = tp->snd_nxt;
			tcp_retransmit_skb(sk, skb_peek(&sk->sk_write_queue));
		} else if (tp->in_recovery) {
			tp->snd_cwnd++; /* inflation */
		}
		return true;
	}
	/* New data acknowledged. */
	{
		uint32_t segs = tcp_clean_rtx_queue(sk, ack);

		tp->snd_una = ack;
		tp->dupacks = 0;
		tp->retransmits = 0;
		tp->retrans_stamp = 0;
		if (tp->in_recovery) {
			if (!before(ack, tp->high_seq)) {
				tp->in_recovery = false; /* full ACK */
				tp->snd_cwnd = tp->snd_ssthresh;
			} else if (skb_peek(&sk->sk_write_queue)) {
				/* RFC 6582 3.2: a partial ACK. */
				tcp_retransmit_skb(
					sk, skb_peek(&sk->sk_write_queue));
			}
		} else {
			tcp_cong_avoid(tp, segs ? segs : 1);
		}
	}
	if (tp->snd_una == tp->snd_nxt)
		del_timer(&tp->retransmit_timer);
	else
		tcp_reset_xmit_timer(sk);
	sk->sk_write_space(sk);
	return true;
}

/* ---- data ------------------------------------------------------------------ */

/* Move in-order segments from the out-of-order queue. */
static void tcp_ofo_queue(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;

	while ((skb = skb_peek(&tp->out_of_order_queue)) != NULL) {
		struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

		if (after(cb->seq, tp->rcv_nxt))
			break;
		skb_unlink(skb, &tp->out_of_order_queue);
		if (!after(cb->end_seq, tp->rcv_nxt)) {
			kfree_skb(skb); /* all of it already here */
			continue;
		}
		cb->consumed = tp->rcv_nxt - cb->seq;
		tp->rcv_nxt = cb->end_seq;
		skb_queue_tail(&sk->sk_receive_queue, skb);
	}
}

static void tcp_ofo_insert(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *pos;

	skb_queue_walk(&tp->out_of_order_queue, pos) {
		if (TCP_SKB_CB(pos)->seq == TCP_SKB_CB(skb)->seq) {
			kfree_skb(skb); /* a duplicate */
			return;
		}
		if (after(TCP_SKB_CB(pos)->seq, TCP_SKB_CB(skb)->seq))
			break;
	}
	list_add_tail(&skb->list, &pos->list);
	tp->out_of_order_queue.qlen++;
}

/* Queue the data of @skb (its data is the payload, seq..end_seq). */
static void tcp_data_queue(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	int rmem = sk_rmem_alloc_get(sk);

	if (rmem + (int)skb->truesize > READ_ONCE(sk->sk_rcvbuf) && rmem &&
	    !after(cb->seq, tp->rcv_nxt) &&
	    !skb_queue_empty(&tp->out_of_order_queue)) {
		/* In-order data comes first: give up what arrived out of
		 * order (Linux's tcp_prune_ofo_queue()). */
		skb_queue_purge(&tp->out_of_order_queue);
		rmem = sk_rmem_alloc_get(sk);
	}
	if (rmem + (int)skb->truesize > READ_ONCE(sk->sk_rcvbuf) && rmem) {
		/* No room: drop and let the peer retransmit. */
		kfree_skb_reason(sock_net(sk), skb,
				 SKB_DROP_REASON_SOCKET_RCVBUFF);
		tcp_send_ack(sk);
		return;
	}
	skb_set_owner_r(skb, sk);
	tp->bytes_received += skb->len;
	if (!after(cb->seq, tp->rcv_nxt)) {
		cb->consumed = tp->rcv_nxt - cb->seq;
		tp->rcv_nxt = cb->seq + skb->len;
		skb_queue_tail(&sk->sk_receive_queue, skb);
		tcp_ofo_queue(sk);
		if (skb_queue_empty(&tp->out_of_order_queue))
			tcp_send_delayed_ack(sk);
		else
			tcp_send_ack(sk);
		sk->sk_data_ready(sk);
	} else {
		/* A hole before it: keep it, and say where we are. */
		tcp_ofo_insert(sk, skb);
		tcp_send_ack(sk);
	}
}

/* The FIN (RFC 9293 3.10.7.4, eighth), once all data before it came. */
static void tcp_fin(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->rcv_nxt++;
	sk->sk_shutdown |= RCV_SHUTDOWN;
	sock_set_flag(sk, SOCK_DONE);
	switch (sk->sk_state) {
	case TCP_SYN_RECV:
	case TCP_ESTABLISHED:
		tcp_set_state(sk, TCP_CLOSE_WAIT);
		break;
	case TCP_FIN_WAIT1:
		/* Our FIN not acked yet: simultaneous close. */
		tcp_set_state(sk, TCP_CLOSING);
		break;
	case TCP_FIN_WAIT2:
		tcp_send_ack(sk);
		tcp_time_wait(sk);
		return;
	default:
		break;
	}
	tcp_send_ack(sk);
	sk->sk_state_change(sk);
	sk->sk_data_ready(sk);
}

/* ---- the states ---------------------------------------------------------- */

/* RFC 9293 3.10.7.4, first: is the segment in the receive window? */
static bool tcp_sequence_ok(const struct tcp_sock *tp, uint32_t seq,
			    uint32_t len)
{
	uint32_t wnd = tcp_receive_window(tp);

	if (len == 0) {
		if (wnd == 0)
			return seq == tp->rcv_nxt;
		return !before(seq, tp->rcv_nxt) &&
		       before(seq, tp->rcv_nxt + wnd);
	}
	if (wnd == 0)
		return false;
	return (!before(seq, tp->rcv_nxt) && before(seq, tp->rcv_nxt + wnd)) ||
	       (!before(seq + len - 1, tp->rcv_nxt) &&
		before(seq + len - 1, tp->rcv_nxt + wnd));
}

/* A listener's child reached ESTABLISHED: on to the accept queue. */
void tcp_child_established(struct sock *child)
{
	struct tcp_sock *tp = tcp_sk(child);
	struct sock *parent = tp->parent;
	struct sk_buff *skb;

	if (tp->defer_pending) {
		tp->defer_pending = false;
		tcp_keepalive_start(child);
	}
	if (!parent)
		return;
	tcp_sk(parent)->syn_queue_len--;
	skb = alloc_skb(0);
	if (!skb) {
		tcp_send_active_reset(child);
		tcp_done(child);
		return;
	}
	sock_hold(child);
	skb->sk = child; /* the accept queue's reference */
	skb_queue_tail(&tcp_sk(parent)->accept_queue, skb);
	parent->sk_ack_backlog++;
	parent->sk_data_ready(parent);
}

/* Apply the options of a SYN. */
static void tcp_syn_options(struct tcp_sock *tp, const struct tcp_options *o,
			    bool we_offer_wscale)
{
	unsigned int mss = o->has_mss && o->mss ? o->mss : TCP_MSS_DEFAULT;

	tp->rx_opt_mss = mss;
	if (tp->user_mss && tp->user_mss < mss)
		mss = tp->user_mss;
	if (mss < tp->mss_cache)
		tp->mss_cache = mss;
	tp->wscale_ok = o->has_wscale && we_offer_wscale;
	if (tp->wscale_ok)
		tp->snd_wscale = o->wscale > 14 ? 14 : o->wscale;
	else
		tp->snd_wscale = tp->rcv_wscale = 0;
}

/* RFC 9293 3.10.7.3: SYN-SENT. */
static void tcp_rcv_synsent(struct sock *sk, struct sk_buff *skb,
			    const struct tcp_hdr_info *th)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (th->flags & TCPHDR_ACK) {
		if (!after(th->ack_seq, tp->iss) ||
		    after(th->ack_seq, tp->snd_nxt)) {
			if (!(th->flags & TCPHDR_RST))
				tcp_v4_send_reset(sock_net(sk), skb, th);
			return;
		}
		if (th->flags & TCPHDR_RST) {
			tcp_reset(sk, ECONNREFUSED);
			return;
		}
	} else if (th->flags & TCPHDR_RST) {
		return;
	}
	if (!(th->flags & TCPHDR_SYN))
		return;
	tp->irs = th->seq;
	tp->rcv_nxt = th->seq + 1;
	tp->rcv_wup = tp->rcv_nxt;
	tcp_syn_options(tp, &th->opt, true);
	tp->snd_wl1 = th->seq;
	if (th->flags & TCPHDR_ACK) {
		tp->snd_wnd = th->window; /* never scaled in a SYN */
		tp->snd_wl2 = th->ack_seq;
		tcp_clean_rtx_queue(sk, th->ack_seq);
		tp->snd_una = th->ack_seq;
		tp->retransmits = 0;
		del_timer(&tp->retransmit_timer);
		tcp_set_state(sk, TCP_ESTABLISHED);
		tcp_send_ack(sk);
		sk->sk_state_change(sk);
		tcp_write_xmit(sk, true);
	} else {
		/* Simultaneous open (RFC 9293 3.5, figure 8). */
		tcp_set_state(sk, TCP_SYN_RECV);
		tcp_retransmit_skb(sk, skb_peek(&sk->sk_write_queue));
	}
}

/* Our FIN is acknowledged: where that leads (RFC 9293 3.10.7.4, fifth). */
static void tcp_fin_acked(struct sock *sk)
{
	switch (sk->sk_state) {
	case TCP_FIN_WAIT1:
		tcp_set_state(sk, TCP_FIN_WAIT2);
		sk->sk_state_change(sk);
		/* An orphan does not wait for ever (TCP_LINGER2, else
		 * ipv4.tcp_fin_timeout); with TCP_LINGER2 < 0 not at all. */
		if (sock_flag(sk, SOCK_DEAD))
			tcp_fin_wait2_orphan(sk);
		break;
	case TCP_CLOSING:
		tcp_time_wait(sk);
		break;
	case TCP_LAST_ACK:
		tcp_done(sk);
		break;
	}
}

/*
 * RFC 9293 3.10.7.4: every state past SYN-SENT.  @skb's data is the
 * payload.  Consumes @skb.
 */
static void tcp_rcv_state_process(struct sock *sk, struct sk_buff *skb,
				  const struct tcp_hdr_info *th)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct net *net = sock_net(sk);
	uint32_t seq = th->seq, len = skb->len;
	uint32_t seglen = len + !!(th->flags & TCPHDR_FIN);

	if (sk->sk_state == TCP_TIME_WAIT) {
		/* A retransmitted FIN is acknowledged again, TIME_WAIT
		 * restarted; a RST ends it; anything else gets an ACK. */
		if (th->flags & TCPHDR_RST) {
			tcp_done(sk);
		} else {
			if (th->flags & TCPHDR_FIN)
				mod_timer(&tp->keepalive_timer,
					  clock_now_ns() + TCP_TIMEWAIT_LEN);
			tcp_send_dupack(sk, th, seglen,
					MIB_TcpExtTCPACKSkippedTimeWait);
		}
		goto drop;
	}
	/* first: the sequence number */
	if (!tcp_sequence_ok(tp, seq, seglen)) {
		if (!(th->flags & TCPHDR_RST))
			tcp_send_dupack(sk, th, seglen,
					MIB_TcpExtTCPACKSkippedSeq);
		goto drop;
	}
	/* second: RST (RFC 5961 3.2: only the exact one resets) */
	if (th->flags & TCPHDR_RST) {
		if (seq != tp->rcv_nxt) {
			tcp_send_challenge_ack(sk);
			goto drop;
		}
		tcp_reset(sk, sk->sk_state == TCP_SYN_RECV && !tp->parent ?
				      ECONNREFUSED :
			      sk->sk_state == TCP_CLOSE_WAIT ? EPIPE :
							       ECONNRESET);
		goto drop;
	}
	/* fourth: a SYN in the window (RFC 5961 4.2: challenge ACK) */
	if (th->flags & TCPHDR_SYN) {
		tcp_send_challenge_ack(sk);
		goto drop;
	}
	/* fifth: the ACK field */
	if (!(th->flags & TCPHDR_ACK))
		goto drop;
	if (sk->sk_state == TCP_SYN_RECV) {
		if (before(th->ack_seq, tp->snd_una) ||
		    after(th->ack_seq, tp->snd_nxt)) {
			tcp_v4_send_reset(net, skb, th);
			goto drop;
		}
		tcp_set_state(sk, TCP_ESTABLISHED);
		tp->snd_wnd = (uint32_t)th->window << tp->snd_wscale;
		tp->snd_wl1 = seq;
		tp->snd_wl2 = th->ack_seq;
		tcp_clean_rtx_queue(sk, th->ack_seq);
		tp->snd_una = th->ack_seq;
		tp->retransmits = 0;
		del_timer(&tp->retransmit_timer);
		if (tp->parent && tcp_sk(tp->parent)->defer_accept && !len &&
		    !(th->flags & TCPHDR_FIN)) {
			/* TCP_DEFER_ACCEPT: accept() gets it with its first
			 * data, or when the time is up. */
			tp->defer_pending = true;
			mod_timer(
				&tp->keepalive_timer,
				clock_now_ns() +
					tcp_defer_secs(tcp_sk(tp->parent)
							       ->defer_accept) *
						NSEC_PER_SEC);
		} else {
			tcp_child_established(sk);
		}
		sk->sk_state_change(sk);
	} else if (!tcp_ack(sk, th, seq, len)) {
		goto drop;
	}
	if (tp->defer_pending && (len || (th->flags & TCPHDR_FIN)))
		tcp_child_established(sk);
	/* The window may have opened, or Nagle's hold ended (Linux's
	 * tcp_data_snd_check()). */
	if (tp->send_head)
		tcp_write_xmit(sk, true);
	if (tp->snd_una == tp->write_seq &&
	    (sk->sk_state == TCP_FIN_WAIT1 || sk->sk_state == TCP_CLOSING ||
	     sk->sk_state == TCP_LAST_ACK)) {
		tcp_fin_acked(sk);
		if (sk->sk_state == TCP_CLOSE)
			goto drop;
	}
	/* sixth: the URG bit */
	tcp_urg(sk, skb, th);
	/* seventh: the data, in the states that still take it */
	if (len &&
	    (sk->sk_state == TCP_ESTABLISHED || sk->sk_state == TCP_FIN_WAIT1 ||
	     sk->sk_state == TCP_FIN_WAIT2)) {
		struct sk_buff *data = skb;

		if (sk->sk_state != TCP_ESTABLISHED &&
		    (sk->sk_shutdown & RCV_SHUTDOWN)) {
			/* Data after close (no reader): Linux resets
			 * (TCPAbortOnData). */
			tcp_send_active_reset(sk);
			tcp_done(sk);
			goto drop;
		}
		TCP_SKB_CB(data)->seq = seq;
		TCP_SKB_CB(data)->end_seq = seq + len;
		TCP_SKB_CB(data)->consumed = 0;
		skb = NULL;
		if (th->flags & TCPHDR_FIN) {
			/* Keep the FIN for when its data is in order. */
			if (seq == tp->rcv_nxt) {
				tcp_data_queue(sk, data);
				if (tp->rcv_nxt == seq + len)
					tcp_fin(sk);
				return;
			}
		}
		tcp_data_queue(sk, data);
		return;
	}
	/* eighth: the FIN; in CLOSE-WAIT, CLOSING and LAST-ACK it is a
	 * retransmission, answered with an ACK */
	if (th->flags & TCPHDR_FIN) {
		if (seq + len == tp->rcv_nxt &&
		    (sk->sk_state == TCP_ESTABLISHED ||
		     sk->sk_state == TCP_FIN_WAIT1 ||
		     sk->sk_state == TCP_FIN_WAIT2))
			tcp_fin(sk);
		else
			tcp_send_ack(sk);
	}
drop:
	kfree_skb(skb);
}

/* ---- listening ----------------------------------------------------------- */

/* A SYN for a listener (Linux's tcp_conn_request()): a new sock in
 * SYN-RECV answers it, unless the accept queue is full. */
static void tcp_conn_request(struct sock *lsk, struct sk_buff *skb,
			     const struct tcp_hdr_info *th)
{
	struct net *net = sock_net(lsk);
	struct inet_skb_parm *cb = IPCB(skb);
	struct tcp_sock *ltp = tcp_sk(lsk), *tp;
	struct inet_sock *inet;
	struct sock *sk;

	/* Linux drops the SYN when the accept queue is full (the client
	 * retransmits), and keeps the SYN queue within the backlog too. */
	if (lsk->sk_ack_backlog > lsk->sk_max_ack_backlog ||
	    ltp->syn_queue_len > lsk->sk_max_ack_backlog + 1)
		return;
	sk = sk_alloc(net, AF_INET, lsk->sk_prot);
	if (!sk)
		return;
	sock_init_data(NULL, sk);
	sk->sk_type = SOCK_STREAM;
	sk->sk_protocol = IPPROTO_TCP;
	sk->sk_uid = lsk->sk_uid;
	sk->sk_reuse = lsk->sk_reuse;
	sk->sk_reuseport = lsk->sk_reuseport;
	sk->sk_sndbuf = lsk->sk_sndbuf;
	sk->sk_rcvbuf = lsk->sk_rcvbuf;
	sk->sk_flags = lsk->sk_flags & ~(1UL << SOCK_DEAD);
	sk->sk_prot->init(sk);
	tp = tcp_sk(sk);
	sk->sk_rcvlowat = lsk->sk_rcvlowat;
	tcp_inherit_options(tp, ltp);
	inet = inet_sk(sk);
	inet->inet_rcv_saddr = inet->inet_saddr = cb->daddr;
	inet->inet_daddr = cb->saddr;
	inet->inet_sport = htons(th->dport);
	inet->inet_dport = htons(th->sport);
	inet->inet_num = th->dport;
	inet->tos = inet_sk(lsk)->tos;
	inet->uc_ttl = inet_sk(lsk)->uc_ttl;
	tp->parent = lsk;
	tp->irs = th->seq;
	tp->rcv_nxt = th->seq + 1;
	tp->rcv_wup = tp->rcv_nxt;
	tp->iss = tcp_isn(net, cb->daddr, cb->saddr, htons(th->dport),
			  htons(th->sport));
	{
		struct rtable rt;

		/* Our MSS from the route back, as the active side's. */
		if (!ip_route_output(net, cb->saddr, cb->daddr, 0, &rt))
			tp->mss_cache = tcp_mss_for_mtu(rt.dev->mtu);
	}
	tcp_syn_options(tp, &th->opt, true);
	tp->snd_wnd = th->window;
	tp->snd_wl1 = th->seq;
	tcp_set_state(sk, TCP_SYN_RECV);
	/* The child shares the listener's port: in the bind table, and in
	 * the connection table by its 4-tuple. */
	tcp_bind_inherit(sk);
	tcp_hash_conn(sk);
	ltp->syn_queue_len++;
	tcp_send_synack(sk);
	/* The connection table holds the child now. */
	sock_put(sk);
}

/* A listener is going away: its children, made or half-made, are reset. */
void tcp_listen_stop(struct sock *lsk)
{
	struct tcp_sock *ltp = tcp_sk(lsk);
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&ltp->accept_queue)) != NULL) {
		struct sock *child = skb->sk;

		skb->sk = NULL;
		tcp_sk(child)->parent = NULL;
		tcp_send_active_reset(child);
		tcp_done(child);
		sock_put(child);
		kfree_skb(skb);
	}
	lsk->sk_ack_backlog = 0;
	tcp_reset_children(lsk);
}

/* ---- the entry point ------------------------------------------------------ */

void tcp_v4_rcv(struct net *net, struct sk_buff *skb)
{
	struct inet_skb_parm *cb = IPCB(skb);
	struct wire_pseudo ph = { .saddr = ntohl(cb->saddr),
				  .daddr = ntohl(cb->daddr) };
	struct tcp_hdr_info th;
	struct sock *sk;
	int err;

	err = tcp_parse(skb->data, skb->len, &ph, &th);
	if (err && err != WIRE_ERR_OPTION) {
		kfree_skb_reason(net, skb,
				 err == WIRE_ERR_CHECKSUM ?
					 SKB_DROP_REASON_TCP_CSUM :
					 SKB_DROP_REASON_TCP_INHDR);
		return;
	}
	cb->sport = htons(th.sport);
	cb->dport = htons(th.dport);
	sk = tcp_lookup(net, cb->saddr, cb->sport, cb->daddr, cb->dport);
	if (!sk) {
		tcp_v4_send_reset(net, skb, &th);
		kfree_skb_reason(net, skb, SKB_DROP_REASON_NO_SOCKET);
		return;
	}
	sock_hold(sk);
	tcp_sk(sk)->segs_in++;
	skb_pull(skb, th.hdr_len);
	if (sk->sk_state == TCP_LISTEN) {
		if ((th.flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST)) ==
		    TCPHDR_SYN)
			tcp_conn_request(sk, skb, &th);
		else if (th.flags & TCPHDR_ACK)
			tcp_v4_send_reset(net, skb, &th);
		kfree_skb(skb);
	} else if (sk->sk_state == TCP_SYN_SENT) {
		tcp_rcv_synsent(sk, skb, &th);
		kfree_skb(skb);
	} else if (sk->sk_state == TCP_CLOSE) {
		tcp_v4_send_reset(net, skb, &th);
		kfree_skb(skb);
	} else {
		tcp_rcv_state_process(sk, skb, &th);
	}
	sock_put(sk);
}

static const struct net_protocol tcp_protocol = {
	.handler = tcp_v4_rcv,
};

void tcp_init(void)
{
	inet_add_protocol(&tcp_protocol, IPPROTO_TCP);
}
