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

/*
 * RFC 6298 2.2-2.3 as Linux's tcp_rtt_estimator() and tcp_set_rto() do
 * it: RTO = SRTT + RTTVAR term, where the 200 ms minimum bounds the
 * variance term (the largest 4 x mean deviation seen over a window of
 * data, decaying once a window), not the RTO.  A sample below SRTT
 * counts for an eighth of its weight in the deviation, so that a falling
 * RTT does not raise the RTO.
 */
static void tcp_rtt_sample(struct tcp_sock *tp, int64_t rtt)
{
	if (rtt <= 0)
		rtt = 1;
	if (!tp->srtt) {
		tp->srtt = rtt;
		tp->mdev = 2 * rtt; /* RTO = 3 RTT */
		tp->rttvar = max_t(int64_t, tp->mdev, TCP_RTO_MIN);
		tp->mdev_max = tp->rttvar;
		tp->rtt_seq = tp->snd_nxt;
	} else {
		int64_t err = rtt - tp->srtt;

		tp->srtt += err / 8;
		if (err < 0) {
			err = -err - tp->mdev / 4;
			if (err > 0)
				err /= 8;
		} else {
			err -= tp->mdev / 4;
		}
		tp->mdev += err;
		if (tp->mdev > tp->mdev_max) {
			tp->mdev_max = tp->mdev;
			if (tp->mdev_max > tp->rttvar)
				tp->rttvar = tp->mdev_max;
		}
		/* Once a window: the variance term decays towards the
		 * largest deviation of that window. */
		if (after(tp->snd_una, tp->rtt_seq)) {
			if (tp->mdev_max < tp->rttvar)
				tp->rttvar -= (tp->rttvar - tp->mdev_max) / 4;
			tp->rtt_seq = tp->snd_nxt;
			tp->mdev_max = TCP_RTO_MIN;
		}
	}
	if (tp->srtt < 1)
		tp->srtt = 1;
	/* Linux keeps SRTT in microseconds: a sample below one counts as
	 * none in the RTO. */
	tp->rto = tp->srtt / NSEC_PER_USEC * NSEC_PER_USEC + tp->rttvar;
	if (tp->rto > TCP_RTO_MAX)
		tp->rto = TCP_RTO_MAX;
}

/* Free what @ack covers from the write queue; returns the segments, and
 * in *@rtt the RTT sample, or 0. */
static uint32_t tcp_clean_rtx_queue(struct sock *sk, uint32_t ack, int64_t *rtt,
				    int64_t *last_xmit)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;
	int64_t first_sent = 0, last = 0;
	bool retrans = false, sampled = false;
	uint32_t segs = 0;

	*rtt = 0;

	while ((skb = skb_peek(&sk->sk_write_queue)) != NULL &&
	       skb != tp->send_head) {
		struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

		if (after(cb->end_seq, ack))
			break;
		if (cb->sent > last)
			last = cb->sent;
		if (cb->sacked & TCPCB_EVER_RETRANS)
			retrans = true;
		else if (!sampled && !(cb->sacked & TCPCB_SACKED)) {
			first_sent = cb->sent; /* 0 too, on a clock at 0 */
			sampled = true;
		}
		if (cb->sacked & TCPCB_SACKED)
			tp->sacked_out--;
		if (cb->sacked & TCPCB_LOST)
			tp->lost_out--;
		tp->bytes_acked += skb->len;
		skb_unlink(skb, &sk->sk_write_queue);
		kfree_skb(skb);
		segs++;
	}
	/* One sample per ACK, from the oldest segment it covers, and none
	 * when it covers a retransmission (RFC 6298 3, Karn; Linux's
	 * tcp_clean_rtx_queue()): what waited behind a lost segment is
	 * acknowledged only when the hole is filled, and its age is the
	 * recovery's, not the path's. */
	if (sampled && !retrans) {
		*rtt = clock_now_ns() - first_sent;
		if (*rtt <= 0)
			*rtt = 1; /* a sample still, however fast */
	}
	if (last_xmit)
		*last_xmit = last;
	return segs;
}

/* ---- loss recovery: the scoreboard (RFC 6675), NewReno (RFC 6582) ----- */

#define TCP_DUPTHRESH 3

/* RFC 2018 / RFC 6675 2: mark what the SACK blocks cover; whether any
 * segment is newly SACKed.  Blocks outside SND.UNA..SND.NXT are ignored
 * (RFC 2883's D-SACK below SND.UNA among them). */
static bool tcp_sacktag(struct sock *sk, const struct tcp_options *o)
{
	struct tcp_sock *tp = tcp_sk(sk);
	bool news = false;

	for (unsigned int i = 0; i < o->num_sacks; i++) {
		uint32_t start = o->sacks[i].start, end = o->sacks[i].end;
		struct sk_buff *skb;

		if (!after(end, start) || !after(end, tp->snd_una) ||
		    after(end, tp->snd_nxt))
			continue;
		skb_queue_walk(&sk->sk_write_queue, skb) {
			struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

			if (skb == tp->send_head || !before(cb->seq, end))
				break;
			if (before(cb->seq, start) || after(cb->end_seq, end) ||
			    (cb->sacked & TCPCB_SACKED))
				continue;
			if (cb->sacked & TCPCB_LOST) {
				cb->sacked &= (uint8_t)~TCPCB_LOST;
				tp->lost_out--;
			}
			cb->sacked |= TCPCB_SACKED;
			tp->sacked_out++;
			news = true;
		}
	}
	return news;
}

/* RFC 6675 4 IsLost(): a segment with DupThresh SACKed segments above it
 * is lost. */
static void tcp_mark_lost(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb =
		tp->send_head ?
			skb_peek_prev(tp->send_head, &sk->sk_write_queue) :
			skb_peek_tail(&sk->sk_write_queue);
	uint32_t above = 0;

	for (; skb; skb = skb_peek_prev(skb, &sk->sk_write_queue)) {
		struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

		if (cb->sacked & TCPCB_SACKED)
			above++;
		else if (above >= TCP_DUPTHRESH && !(cb->sacked & TCPCB_LOST)) {
			cb->sacked |= TCPCB_LOST;
			tp->lost_out++;
		}
	}
}

static void tcp_mark_head_lost(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);

	if (skb && skb != tp->send_head &&
	    !(TCP_SKB_CB(skb)->sacked & (TCPCB_LOST | TCPCB_SACKED))) {
		TCP_SKB_CB(skb)->sacked |= TCPCB_LOST;
		tp->lost_out++;
	}
}

/* Every segment sent and not acknowledged leaves the pipe marks of a
 * past recovery behind. */
static void tcp_clear_retrans(struct sock *sk)
{
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_write_queue, skb) {
		if (skb == tcp_sk(sk)->send_head)
			break;
		TCP_SKB_CB(skb)->sacked &= (uint8_t)~TCPCB_RETRANS;
	}
}

/* RFC 6675 5, steps 1-4: a congestion event; the window falls to the
 * algorithm's ssthresh, and what is lost goes out again within it. */
static void tcp_enter_recovery(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tcp_ca_enter_recovery(sk);
	tp->ca_state = TCP_CA_RECOVERY;
	tp->high_seq = tp->snd_nxt;
	tcp_clear_retrans(sk);
	tcp_mark_head_lost(sk);
	if (tp->sack_ok) {
		tp->snd_cwnd = tp->snd_ssthresh;
		tcp_mark_lost(sk);
		tcp_xmit_retransmit_queue(sk);
	} else {
		/* RFC 6582 3.2 step 2: NewReno inflates by the three
		 * segments that left. */
		tp->snd_cwnd = tp->snd_ssthresh + TCP_DUPTHRESH;
		tcp_retransmit_skb(sk, skb_peek(&sk->sk_write_queue));
	}
}

/* A retransmission timeout (RFC 5681 3.1, RFC 6298 5.4-5.6): the window
 * to one segment; every segment in flight is taken for lost and goes
 * again as the window opens (Linux's tcp_enter_loss()).  The SACK
 * scoreboard is forgotten: the receiver may have dropped what it
 * SACKed (RFC 2018 8). */
void tcp_enter_loss(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;

	/* ssthresh falls once: not again for a timeout in recovery or a
	 * repeated one (Linux's tcp_enter_loss()). */
	if (tp->ca_state == TCP_CA_OPEN ||
	    (tp->ca_state == TCP_CA_LOSS && !tp->retransmits))
		tcp_ca_enter_loss(sk);
	else
		tp->snd_cwnd = 1;
	tp->ca_state = TCP_CA_LOSS;
	tp->high_seq = tp->snd_nxt;
	tp->dupacks = 0;
	tp->sacked_out = tp->lost_out = 0;
	skb_queue_walk(&sk->sk_write_queue, skb) {
		if (skb == tp->send_head)
			break;
		TCP_SKB_CB(skb)->sacked &= TCPCB_EVER_RETRANS;
		TCP_SKB_CB(skb)->sacked |= TCPCB_LOST;
		tp->lost_out++;
	}
}

/* Dupacks and SACKs without new cumulative data (RFC 5681 3.2, RFC 6675
 * 5): count, and go into recovery at DupThresh. */
static void tcp_dupack(struct sock *sk, bool newly_sacked)
{
	struct tcp_sock *tp = tcp_sk(sk);

	uint32_t oseg = (tp->snd_nxt - tp->snd_una + tp->mss_cache - 1) /
			tp->mss_cache,
		 thresh = TCP_DUPTHRESH;

	tp->dupacks++;
	/* RFC 5827 (early retransmit): with fewer than four segments out
	 * and nothing new to send, fewer duplicates can come. */
	if (oseg < 4 && oseg > 1 && !tp->send_head)
		thresh = oseg - 1;
	switch (tp->ca_state) {
	case TCP_CA_OPEN:
		if (tp->dupacks >= thresh ||
		    (tp->sack_ok && tp->sacked_out >= thresh))
			tcp_enter_recovery(sk);
		break;
	case TCP_CA_RECOVERY:
		if (!tp->sack_ok) {
			tp->snd_cwnd++; /* RFC 6582 3.2 step 4 */
			break;
		}
		if (newly_sacked)
			tcp_mark_lost(sk);
		tcp_xmit_retransmit_queue(sk);
		break;
	}
}

/* New data acknowledged in recovery or after a timeout. */
static void tcp_recovery_ack(struct sock *sk, uint32_t ack, uint32_t segs,
			     int64_t rtt)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (!before(ack, tp->high_seq)) {
		/* RFC 6582 3.2 step 3 / RFC 6675 5: the full ACK ends it. */
		if (tp->ca_state == TCP_CA_RECOVERY)
			tp->snd_cwnd = tp->snd_ssthresh;
		tp->ca_state = TCP_CA_OPEN;
		tcp_clear_retrans(sk);
		return;
	}
	if (tp->ca_state == TCP_CA_LOSS) {
		tcp_ca_acked(sk, segs, rtt); /* slow start again */
	} else if (!tp->sack_ok) {
		/* RFC 6582 3.2 step 5: a partial ACK; the next hole now. */
		tcp_retransmit_skb(sk, skb_peek(&sk->sk_write_queue));
		return;
	} else {
		tcp_mark_head_lost(sk);
		tcp_mark_lost(sk);
	}
	tcp_xmit_retransmit_queue(sk);
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
	bool newly_sacked = false, win_update = false;
	int64_t rtt, last_xmit;
	uint32_t segs;

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
		win_update = wnd != tp->snd_wnd;
		tcp_set_snd_wnd(tp, wnd);
		tp->snd_wl1 = seq;
		tp->snd_wl2 = ack;
	}
	if (tp->sack_ok && th->opt.num_sacks)
		newly_sacked = tcp_sacktag(sk, &th->opt);
	if (ack == tp->snd_una) {
		/* RFC 5681 2: a duplicate ACK with data in flight, that
		 * leaves the window as it was ((e); Linux's FLAG_WIN_UPDATE
		 * makes an ACK "not dup" too); with SACK, any ACK that SACKs
		 * something new (RFC 6675 2). */
		if (tp->snd_una != tp->snd_nxt &&
		    ((!len && !win_update) || newly_sacked) &&
		    tp->ca_state != TCP_CA_LOSS)
			tcp_dupack(sk, newly_sacked);
		return true;
	}
	/* New data acknowledged. */
	segs = tcp_clean_rtx_queue(sk, ack, &rtt, &last_xmit);
	/* RFC 7323 4.1: the echoed TSval measures the RTT where Karn leaves
	 * no sample; but not an echo older than the last transmission of
	 * what it acknowledges (the ACK of that one was lost, and a later
	 * duplicate brought back the old TSval: its age is the RTO's). */
	if (!rtt && segs && tp->tstamp_ok && th->opt.has_ts && th->opt.tsecr &&
	    (int32_t)(th->opt.tsecr - ((uint32_t)(last_xmit / NSEC_PER_MSEC) +
				       tp->ts_offset)) >= 0)
		rtt = (int64_t)(tcp_ts_now(tp) - th->opt.tsecr) * NSEC_PER_MSEC;
	tp->snd_una = ack;
	if (rtt)
		tcp_rtt_sample(tp, rtt);
	tp->dupacks = 0;
	tp->retransmits = 0;
	tp->retrans_stamp = 0;
	if (tp->ca_state != TCP_CA_OPEN)
		tcp_recovery_ack(sk, ack, segs, rtt);
	else
	/* Grow only a window that is in use (Linux's
		 * tcp_is_cwnd_limited()). */
	{
		uint32_t cwnd = tp->snd_cwnd;

		tcp_ca_acked(sk, tp->cwnd_limited ? (segs ? segs : 1) : 0, rtt);
		if (tp->snd_cwnd > cwnd)
			tcp_sndbuf_expand(sk);
	}
	if (tp->snd_una == tp->snd_nxt)
		del_timer(&tp->retransmit_timer);
	else
		tcp_reset_xmit_timer(sk);
	sk->sk_write_space(sk);
	return true;
}

/* ---- data ------------------------------------------------------------------ */

/* Move in-order segments from the out-of-order queue, up to a FIN (kept
 * in the flags of its segment); true when that FIN is due. */
static bool tcp_ofo_queue(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;

	while ((skb = skb_peek(&tp->out_of_order_queue)) != NULL) {
		struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
		bool fin = cb->flags & TCPHDR_FIN;

		if (after(cb->seq, tp->rcv_nxt))
			break;
		skb_unlink(skb, &tp->out_of_order_queue);
		if (!after(cb->end_seq, tp->rcv_nxt)) {
			/* All of it already here; its FIN may not be. */
			fin = fin && cb->end_seq == tp->rcv_nxt;
			kfree_skb(skb);
		} else {
			cb->consumed = tp->rcv_nxt - cb->seq;
			tp->rcv_nxt = cb->end_seq;
			skb_queue_tail(&sk->sk_receive_queue, skb);
		}
		if (fin)
			return true; /* as Linux's tcp_ofo_queue() */
	}
	return false;
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

static void tcp_fin(struct sock *sk);

/* The peer's segment size, from what arrives in order (Linux's
 * tcp_measure_rcv_mss()): a larger segment raises it; a smaller one lowers
 * it only when two in a row have the same size and look full (at least
 * 536 bytes, or 88 without PSH, URG or FIN: a sender with a small MSS). */
static void tcp_measure_rcv_mss(struct tcp_sock *tp,
				const struct tcp_hdr_info *th, uint32_t len)
{
	uint32_t lss = tp->last_seg_size;
	uint32_t hlen = TCP_HLEN + (tp->tstamp_ok ? TCP_TS_OPT_LEN : 0);

	tp->last_seg_size = 0;
	if (len >= tp->rcv_mss) {
		tp->rcv_mss = len;
		return;
	}
	len += th->hdr_len;
	if (len >= TCP_MSS_DEFAULT + TCP_HLEN ||
	    (len >= TCP_MIN_MSS + TCP_HLEN &&
	     !(th->flags & (TCPHDR_PSH | TCPHDR_URG | TCPHDR_FIN)))) {
		len -= hlen;
		tp->last_seg_size = len;
		if (len == lss)
			tp->rcv_mss = len;
	}
}

/* Queue the data of @skb (its data is the payload, seq..end_seq), and
 * say whether and how soon it is to be ACKed (tcp_ack_snd_check()). */
static void tcp_data_queue(struct sock *sk, struct sk_buff *skb,
			   const struct tcp_hdr_info *th)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	int rmem = sk_rmem_alloc_get(sk);
	int rcvbuf = READ_ONCE(sk->sk_rcvbuf);

	if (!after(cb->end_seq, tp->rcv_nxt)) {
		/* All of it came before: a retransmission, ACKed at once
		 * (Linux's tcp_data_queue() enters quick-ack mode); a FIN
		 * right after it is new. */
		bool fin = (cb->flags & TCPHDR_FIN) &&
			   cb->end_seq == tp->rcv_nxt;

		kfree_skb(skb);
		tp->ack_pending = tp->ack_now = true;
		if (fin)
			tcp_fin(sk);
		return;
	}
	/* The window we announced is a promise (RFC 9293 3.8.6.2.2): data
	 * in order inside it is taken even when small segments cost more
	 * buffer than the window allowed for, up to twice the buffer
	 * (where Linux collapses its queue, tcp_collapse()). */
	if (!after(cb->seq, tp->rcv_nxt) &&
	    !after(cb->end_seq, tp->rcv_wup + tp->rcv_wnd) &&
	    rmem + (int)skb->truesize <= 2 * rcvbuf)
		rcvbuf = 2 * rcvbuf;
	if (rmem + (int)skb->truesize > rcvbuf && rmem &&
	    !after(cb->seq, tp->rcv_nxt) &&
	    !skb_queue_empty(&tp->out_of_order_queue)) {
		/* In-order data comes first: give up what arrived out of
		 * order (Linux's tcp_prune_ofo_queue()). */
		skb_queue_purge(&tp->out_of_order_queue);
		rmem = sk_rmem_alloc_get(sk);
	}
	if (rmem + (int)skb->truesize > rcvbuf && rmem) {
		/* No room: drop and let the peer retransmit. */
		kfree_skb_reason(sock_net(sk), skb,
				 SKB_DROP_REASON_SOCKET_RCVBUFF);
		tp->ack_pending = tp->ack_now = true;
		return;
	}
	skb_set_owner_r(skb, sk);
	tp->bytes_received += skb->len;
	tp->ack_pending = true;
	if (!after(cb->seq, tp->rcv_nxt)) {
		bool gap = !skb_queue_empty(&tp->out_of_order_queue), fin;

		tcp_measure_rcv_mss(tp, th, skb->len);
		cb->consumed = tp->rcv_nxt - cb->seq;
		tp->rcv_nxt = cb->seq + skb->len;
		skb_queue_tail(&sk->sk_receive_queue, skb);
		fin = (cb->flags & TCPHDR_FIN) || tcp_ofo_queue(sk);
		/* RFC 5681 4.2: the segment that fills the last gap is
		 * ACKed at once (Linux's ICSK_ACK_NOW), as one that fills
		 * part of it (out of order data stays). */
		if (gap && skb_queue_empty(&tp->out_of_order_queue))
			tp->ack_now = true;
		/* Its own FIN, or one that came early, all before it here:
		 * one ACK for data and FIN. */
		if (fin) {
			tcp_fin(sk); /* ACKs it, and wakes the reader */
			return;
		}
		sk->sk_data_ready(sk);
	} else {
		/* A hole before it: keep it, and say where we are (at once:
		 * the out-of-order queue is not empty). */
		tp->sack_recent = cb->seq;
		tcp_ofo_insert(sk, skb);
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
		/* ACKed at once, on data if some goes now */
		tp->ack_pending = tp->ack_now = true;
		break;
	case TCP_FIN_WAIT1:
		/* Our FIN not acked yet: simultaneous close. */
		tcp_set_state(sk, TCP_CLOSING);
		tcp_send_ack(sk);
		break;
	case TCP_FIN_WAIT2:
		tcp_send_ack(sk);
		tcp_time_wait(sk);
		return;
	default:
		tcp_send_ack(sk);
		break;
	}
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

	if (!parent || tp->accept_queued)
		return;
	tp->accept_queued = true;
	tcp_child_unlink(child);
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

/* Apply the options of a SYN: what both offered is agreed. */
static void tcp_syn_options(struct tcp_sock *tp, const struct tcp_options *o,
			    bool we_offer_wscale)
{
	unsigned int mss = o->has_mss && o->mss ? o->mss : TCP_MSS_DEFAULT;

	tp->sack_ok = tp->sack_ok && o->sack_perm;
	tp->tstamp_ok = tp->tstamp_ok && o->has_ts;
	if (tp->tstamp_ok) {
		tp->ts_recent = o->tsval;
		tp->ts_recent_stamp = clock_now_ns();
	}

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
	/* Every segment carries the timestamps: less room for data (Linux's
	 * tcp_sync_mss() counts tcp_header_len). */
	if (tp->tstamp_ok)
		tp->mss_cache -= TCP_TS_OPT_LEN;
}

/* RFC 7323 5.3 R1 (PAWS): a segment whose TSval is older than the one
 * we echo is an old duplicate, unless our TS.Recent is older than 24
 * days. */
static bool tcp_paws_reject(const struct tcp_sock *tp,
			    const struct tcp_hdr_info *th)
{
	return tp->tstamp_ok && th->opt.has_ts &&
	       (int32_t)(th->opt.tsval - tp->ts_recent) < 0 &&
	       clock_now_ns() - tp->ts_recent_stamp <= TCP_PAWS_24DAYS;
}

/* RFC 7323 4.3 (2): remember the TSval of a segment that covers the
 * left edge of the window (Linux: not after the last ACK sent). */
static void tcp_store_ts_recent(struct tcp_sock *tp,
				const struct tcp_hdr_info *th)
{
	if (tp->tstamp_ok && th->opt.has_ts && !after(th->seq, tp->rcv_wup) &&
	    (int32_t)(th->opt.tsval - tp->ts_recent) >= 0) {
		tp->ts_recent = th->opt.tsval;
		tp->ts_recent_stamp = clock_now_ns();
	}
}

/* Our SYN (or SYN-ACK) is acknowledged: off the queue, its RTT sampled
 * (Karn: not if retransmitted), the timer stopped. */
static void tcp_ack_syn(struct sock *sk, uint32_t ack)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int64_t rtt;
	uint32_t segs = tcp_clean_rtx_queue(sk, ack, &rtt, NULL);

	tp->snd_una = ack;
	if (segs && rtt)
		tcp_rtt_sample(tp, rtt);
	tp->retransmits = 0;
	tp->retrans_stamp = 0;
	del_timer(&tp->retransmit_timer);
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
	tp->rcv_wup = tp->copied_seq = tp->rcv_nxt;
	tcp_syn_options(tp, &th->opt, true);
	tp->snd_wl1 = th->seq;
	if (th->flags & TCPHDR_ACK) {
		struct sk_buff *syn = skb_peek(&sk->sk_write_queue);

		if (tp->tfo_syn)
			tcp_fastopen_cookie_set(sock_net(sk),
						inet_sk(sk)->inet_daddr,
						&th->opt);
		tp->syn_data_acked =
			syn && syn->len &&
			!before(th->ack_seq, TCP_SKB_CB(syn)->end_seq);
		tcp_set_snd_wnd(tp, th->window); /* never scaled in a SYN */
		tp->snd_wl2 = th->ack_seq;
		tcp_ack_syn(sk, th->ack_seq);
		syn = skb_peek(&sk->sk_write_queue);
		if (syn && (TCP_SKB_CB(syn)->flags & TCPHDR_SYN)) {
			/* RFC 7413 3: the server took the SYN but not its
			 * data: the data goes again, as data. */
			TCP_SKB_CB(syn)->flags &= (uint8_t)~TCPHDR_SYN;
			TCP_SKB_CB(syn)->seq = tp->snd_una;
			TCP_SKB_CB(syn)->sacked = TCPCB_EVER_RETRANS;
			tp->snd_nxt = tp->snd_una;
			tp->send_head = syn;
		}
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
 * TIME-WAIT (RFC 9293 3.10.7.4, as Linux's tcp_timewait_state_process()):
 * only a bare ACK or a RST exactly at RCV.NXT is in the window.  The RST
 * ends TIME-WAIT (RFC 1337's assassination, which Linux allows by
 * default); the ACK restarts it, unanswered, so that two ends in
 * TIME-WAIT do not ACK each other's ACKs.  Anything else (the peer's FIN
 * again, data, an old duplicate) gets an ACK and, if it carries an ACK,
 * restarts it; a RST elsewhere is ignored.
 */
/*
 * A SYN at a connection in TIME_WAIT opens a new one when it cannot be an
 * old duplicate: its sequence number past the old RCV.NXT, or its
 * timestamp newer (RFC 6191; Linux's tcp_timewait_state_process(),
 * TCP_TW_SYN).  Returns the new connection's ISN (past all the old one
 * sent, as Linux's: SND.NXT + 65537), or 0.
 */
static uint32_t tcp_timewait_syn(struct sock *sk, const struct tcp_hdr_info *th)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t isn;

	if ((th->flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST)) !=
		    TCPHDR_SYN ||
	    tcp_paws_reject(tp, th))
		return 0;
	if (!after(th->seq, tp->rcv_nxt) &&
	    !(tp->tstamp_ok && th->opt.has_ts &&
	      (int32_t)(tp->ts_recent - th->opt.tsval) < 0))
		return 0;
	isn = tp->snd_nxt + 65535 + 2;
	return isn ? isn : 1;
}

static void tcp_timewait_process(struct sock *sk, const struct tcp_hdr_info *th,
				 uint32_t seglen)
{
	struct tcp_sock *tp = tcp_sk(sk);
	bool rst = th->flags & TCPHDR_RST;
	bool in_window = th->seq == tp->rcv_nxt &&
			 (rst || (!seglen && !(th->flags & TCPHDR_SYN)));

	if (rst) {
		if (in_window)
			tcp_done(sk);
		return;
	}
	if (in_window || (th->flags & TCPHDR_ACK))
		mod_timer(&tp->keepalive_timer,
			  clock_now_ns() + TCP_TIMEWAIT_LEN);
	if (!in_window)
		tcp_send_dupack(sk, th, seglen,
				MIB_TcpExtTCPACKSkippedTimeWait);
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
		tcp_timewait_process(sk, th, seglen);
		goto drop;
	}
	/* The peer's SYN again, in SYN-RECEIVED: our SYN-ACK was lost, and
	 * goes again (Linux's tcp_check_req(), inet_rtx_syn_ack()), as
	 * often as the rate limit of answers lets it. */
	if (sk->sk_state == TCP_SYN_RECV && seq == tp->irs &&
	    (th->flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST)) ==
		    TCPHDR_SYN) {
		if (!tcp_oow_rate_limited(sk, MIB_TcpExtTCPACKSkippedSeq)) {
			tcp_retransmit_skb(sk, skb_peek(&sk->sk_write_queue));
			tcp_reset_xmit_timer(sk);
		}
		goto drop;
	}
	/* RFC 7323 5.3: PAWS before the sequence number; a RST is taken
	 * anyway (as Linux's tcp_validate_incoming()). */
	if (tcp_paws_reject(tp, th) && !(th->flags & TCPHDR_RST)) {
		kfree_skb_reason(net, skb, SKB_DROP_REASON_TCP_RFC7323_PAWS);
		tcp_send_dupack(sk, th, seglen, MIB_TcpExtTCPACKSkippedSeq);
		return;
	}
	/* After a simultaneous open the peer's SYN-ACK (its SYN again, with
	 * the ACK of ours) completes the handshake: let through, and
	 * ACKed as the duplicate it also is (Linux's tcp_validate_incoming(),
	 * the exception to RFC 5961 4.2). */
	if (sk->sk_state == TCP_SYN_RECV && !tp->parent &&
	    (th->flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST | TCPHDR_FIN)) ==
		    (TCPHDR_SYN | TCPHDR_ACK) &&
	    !len && seq + 1 == tp->rcv_nxt && th->ack_seq == tp->snd_nxt) {
		tp->ack_pending = tp->ack_now = true;
		goto ack;
	}
	/* first: the sequence number */
	if (!tcp_sequence_ok(tp, seq, seglen)) {
		if (!(th->flags & TCPHDR_RST))
			tcp_send_dupack(sk, th, seglen,
					MIB_TcpExtTCPACKSkippedSeq);
		goto drop;
	}
	tcp_store_ts_recent(tp, th);
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
ack:
	if (!(th->flags & TCPHDR_ACK))
		goto drop;
	if (sk->sk_state == TCP_SYN_RECV) {
		if (before(th->ack_seq, tp->snd_una) ||
		    after(th->ack_seq, tp->snd_nxt)) {
			tcp_v4_send_reset(net, skb, th);
			goto drop;
		}
		/* TCP_DEFER_ACCEPT: the bare ACK of the handshake is
		 * dropped, the connection half-open, until its data comes
		 * or the SYN-ACK went as often as the option says; the
		 * timer then sends it again, for an ACK that makes the
		 * connection (Linux's tcp_check_req(), syn_ack_recalc()). */
		if (tp->parent &&
		    tp->retransmits < tcp_sk(tp->parent)->defer_accept &&
		    !seglen && seq == tp->irs + 1) {
			tp->defer_acked = true;
			goto drop;
		}
		tcp_set_state(sk, TCP_ESTABLISHED);
		tcp_set_snd_wnd(tp, (uint32_t)th->window << tp->snd_wscale);
		tp->snd_wl1 = seq;
		tp->snd_wl2 = th->ack_seq;
		tcp_ack_syn(sk, th->ack_seq);
		tcp_child_established(sk);
		sk->sk_state_change(sk);
	} else if (!tcp_ack(sk, th, seq, len)) {
		goto drop;
	}
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
		    (sk->sk_shutdown & RCV_SHUTDOWN) &&
		    after(seq + len, tp->rcv_nxt)) {
			/* New data after close (no reader): RFC 1122
			 * 4.2.2.13, a reset, and as Linux (TCPAbortOnData)
			 * the one for a segment of no connection. */
			tcp_reset(sk, ECONNRESET);
			tcp_v4_send_reset(net, skb, th);
			goto drop;
		}
		TCP_SKB_CB(data)->seq = seq;
		TCP_SKB_CB(data)->end_seq = seq + len;
		TCP_SKB_CB(data)->consumed = 0;
		/* A FIN out of order stays with its data, in the
		 * out-of-order queue, until the data before it came. */
		TCP_SKB_CB(data)->flags = th->flags & TCPHDR_FIN;
		skb = NULL;
		tcp_data_queue(sk, data, th);
	} else if (th->flags & TCPHDR_FIN) {
		/* eighth: the FIN; in CLOSE-WAIT, CLOSING and LAST-ACK it
		 * is a retransmission, answered with an ACK */
		if (seq + len == tp->rcv_nxt &&
		    (sk->sk_state == TCP_ESTABLISHED ||
		     sk->sk_state == TCP_FIN_WAIT1 ||
		     sk->sk_state == TCP_FIN_WAIT2))
			tcp_fin(sk);
		else
			tp->ack_pending = tp->ack_now = true;
	}
	/* The window may have opened, or Nagle's hold ended: what goes now
	 * carries the ACK of what came (RFC 9293 3.10.7.4, seventh); an ACK
	 * still due goes after (Linux's tcp_data_snd_check(), then
	 * tcp_ack_snd_check()). */
	if (tp->send_head)
		tcp_write_xmit(sk, true);
	tcp_ack_snd_check(sk);
drop:
	kfree_skb(skb);
}

/* ---- listening ----------------------------------------------------------- */

/* A sock for a connection to @lsk, from the SYN (or the cookie ACK) in
 * @skb: the listener's options, the addresses of the segment, our ISN
 * @iss, the peer's @peer_isn and SYN options @opt. */
static struct sock *tcp_make_child(struct sock *lsk, struct sk_buff *skb,
				   const struct tcp_hdr_info *th, uint32_t iss,
				   uint32_t peer_isn,
				   const struct tcp_options *opt)
{
	struct net *net = sock_net(lsk);
	struct inet_skb_parm *cb = IPCB(skb);
	struct inet_sock *inet;
	struct tcp_sock *tp;
	struct rtable rt;
	struct sock *sk = sk_alloc(net, AF_INET, lsk->sk_prot);

	if (!sk)
		return NULL;
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
	tcp_inherit_options(tp, tcp_sk(lsk));
	inet = inet_sk(sk);
	inet->inet_rcv_saddr = inet->inet_saddr = cb->daddr;
	inet->inet_daddr = cb->saddr;
	inet->inet_sport = htons(th->dport);
	inet->inet_dport = htons(th->sport);
	inet->inet_num = th->dport;
	inet->tos = inet_sk(lsk)->tos;
	inet->uc_ttl = inet_sk(lsk)->uc_ttl;
	tp->parent = lsk;
	tp->irs = peer_isn;
	tp->rcv_nxt = peer_isn + 1;
	tp->rcv_wup = tp->copied_seq = tp->rcv_nxt;
	tp->iss = iss;
	tp->ts_offset = tcp_ts_off(net, cb->daddr, cb->saddr);
	/* Our MSS from the route back, as the active side's. */
	if (!ip_route_output(net, cb->saddr, cb->daddr, 0, &rt))
		tp->mss_cache = tcp_mss_for_mtu(rt.dev->mtu);
	tcp_syn_options(tp, opt, true);
	tp->snd_wl1 = peer_isn;
	return sk;
}

static struct tcp_cookie_tuple tcp_cookie_tuple(const struct sk_buff *skb,
						const struct tcp_hdr_info *th)
{
	struct tcp_cookie_tuple t = { .saddr = ntohl(IPCB(skb)->saddr),
				      .daddr = ntohl(IPCB(skb)->daddr),
				      .sport = th->sport,
				      .dport = th->dport };

	return t;
}

/* The SYN-ACK of a cookie, sent with no sock behind it. */
static void tcp_send_cookie_synack(struct sock *lsk, struct sk_buff *skb,
				   const struct tcp_hdr_info *th)
{
	struct net *net = sock_net(lsk);
	const struct net_sysctls *sys = &net->sysctl;
	struct tcp_cookie_tuple t = tcp_cookie_tuple(skb, th);
	struct tcp_hdr_info synack = { .sport = th->dport,
				       .dport = th->sport,
				       .ack_seq = th->seq + 1,
				       .flags = TCPHDR_SYN | TCPHDR_ACK };
	uint32_t win = tcp_win_from_space(lsk, READ_ONCE(lsk->sk_rcvbuf));
	/* the cookie keeps the peer's MSS; ours is announced as usual */
	uint16_t mss = th->opt.has_mss && th->opt.mss ? th->opt.mss :
							TCP_MSS_DEFAULT;
	struct rtable rt;

	if (ip_route_output(net, IPCB(skb)->saddr, IPCB(skb)->daddr, 0, &rt))
		return;
	synack.seq = cookie_init_sequence(net, &t, th->seq, &mss);
	synack.window = (uint16_t)(win > 65535 ? 65535 : win);
	synack.opt.has_mss = true;
	synack.opt.mss = tcp_advmss(tcp_sk(lsk)->user_mss, rt.dev->mtu);
	/* Without timestamps nothing could bring window scaling and SACK
	 * back: not offered then (Linux's tcp_clear_options()). */
	if (th->opt.has_ts && READ_ONCE(sys->tcp_timestamps)) {
		bool sack = th->opt.sack_perm && READ_ONCE(sys->tcp_sack);

		synack.opt.has_ts = true;
		synack.opt.sack_perm = sack;
		if (th->opt.has_wscale) {
			synack.opt.has_wscale = true;
			synack.opt.wscale = TCP_WSCALE;
		}
		synack.opt.tsval = cookie_ts_encode(
			(uint32_t)(clock_now_ns() / NSEC_PER_MSEC) +
				tcp_ts_off(net, IPCB(skb)->daddr,
					   IPCB(skb)->saddr),
			th->opt.has_wscale ? th->opt.wscale : -1, sack);
		synack.opt.tsecr = th->opt.tsval;
	}
	tcp_v4_send_stateless(net, skb, &synack,
			      (uint8_t)ip_select_ttl(inet_sk(lsk)), &rt);
}

/* An ACK for a listener: a connection if it returns a valid cookie
 * (Linux's cookie_v4_check()); NULL otherwise. */
static struct sock *tcp_cookie_check(struct sock *lsk, struct sk_buff *skb,
				     const struct tcp_hdr_info *th)
{
	struct net *net = sock_net(lsk);
	struct tcp_cookie_tuple t = tcp_cookie_tuple(skb, th);
	struct tcp_options opt = { .has_mss = true };
	struct tcp_sock *tp;
	struct sock *sk;
	int mss;

	if (!READ_ONCE(net->sysctl.tcp_syncookies) ||
	    lsk->sk_ack_backlog > lsk->sk_max_ack_backlog)
		return NULL;
	mss = cookie_check(net, &t, th->ack_seq - 1, th->seq - 1);
	if (mss < 0)
		return NULL;
	opt.mss = (uint16_t)mss;
	if (th->opt.has_ts && th->opt.tsecr) {
		int wscale;

		opt.has_ts = true;
		opt.tsval = th->opt.tsval;
		cookie_ts_decode(th->opt.tsecr, &wscale, &opt.sack_perm);
		opt.has_wscale = wscale >= 0;
		opt.wscale = (uint8_t)(wscale < 0 ? 0 : wscale);
	}
	sk = tcp_make_child(lsk, skb, th, th->ack_seq - 1, th->seq - 1, &opt);
	if (!sk)
		return NULL;
	tp = tcp_sk(sk);
	tp->snd_una = tp->snd_nxt = tp->write_seq = tp->snd_sml =
		tp->pushed_seq = th->ack_seq;
	tcp_set_snd_wnd(tp, (uint32_t)th->window << tp->snd_wscale);
	tp->snd_wl2 = th->ack_seq;
	tcp_select_window(sk);
	tcp_set_state(sk, TCP_ESTABLISHED);
	tcp_bind_inherit(sk);
	tcp_hash_conn(sk);
	/* counted as if it had waited in the SYN queue */
	tcp_child_link(lsk, sk);
	tcp_child_established(sk);
	return sk; /* with sk_alloc()'s reference, for the caller to drop */
}

/* Connections with SYN data waiting in the accept queue for their
 * handshake to end: what TCP_FASTOPEN's queue length bounds. */
static int tcp_fastopen_pending(struct sock *lsk)
{
	struct sk_buff *skb;
	int n = 0;

	skb_queue_walk(&tcp_sk(lsk)->accept_queue, skb)
		n += skb->sk->sk_state == TCP_SYN_RECV;
	return n;
}

/* The data of a SYN with a good cookie, into the child's receive queue;
 * 0, or -ENOMEM. */
static int tcp_fastopen_take_data(struct sock *sk, const struct sk_buff *syn)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb = alloc_skb(syn->len);

	if (!skb)
		return -ENOMEM;
	memcpy(skb_put(skb, syn->len), syn->data, syn->len);
	TCP_SKB_CB(skb)->seq = tp->rcv_nxt;
	TCP_SKB_CB(skb)->end_seq = tp->rcv_nxt + syn->len;
	TCP_SKB_CB(skb)->consumed = 0;
	TCP_SKB_CB(skb)->flags = 0;
	skb_set_owner_r(skb, sk);
	tp->rcv_nxt += syn->len;
	tp->rcv_wup = tp->rcv_nxt;
	tp->bytes_received += syn->len;
	tp->syn_data_acked = true;
	skb_queue_tail(&sk->sk_receive_queue, skb);
	return 0;
}

/* A SYN for a listener (Linux's tcp_conn_request()): a new sock in
 * SYN-RECV answers it; a SYN cookie when the SYN queue is full (and
 * syncookies allow); nothing when the accept queue is full. */
static void tcp_conn_request(struct sock *lsk, struct sk_buff *skb,
			     const struct tcp_hdr_info *th, uint32_t tw_isn)
{
	struct net *net = sock_net(lsk);
	struct tcp_sock *ltp = tcp_sk(lsk);
	int cookies = READ_ONCE(net->sysctl.tcp_syncookies);
	struct tcp_options tfo = { 0 };
	bool syn_data = false;
	struct sock *sk;

	if (lsk->sk_ack_backlog > lsk->sk_max_ack_backlog)
		return;
	/* full past the backlog, as Linux's inet_csk_reqsk_queue_is_full() */
	if (cookies == 2 ||
	    ltp->syn_queue_len > (unsigned int)lsk->sk_max_ack_backlog) {
		if (cookies)
			tcp_send_cookie_synack(lsk, skb, th);
		return;
	}
	/* RFC 7413 4.2: a good cookie's data is taken now, within the
	 * listener's TCP_FASTOPEN queue; else the SYN-ACK brings the
	 * cookie to use next time. */
	if (th->opt.has_fastopen && tcp_fastopen_server(lsk))
		syn_data = tcp_fastopen_check(net, IPCB(skb)->saddr,
					      IPCB(skb)->daddr, &th->opt,
					      &tfo) &&
			   skb->len &&
			   tcp_fastopen_pending(lsk) < ltp->fastopen_qlen;
	sk = tcp_make_child(lsk, skb, th,
			    tw_isn ? tw_isn :
				     tcp_isn(net, IPCB(skb)->daddr,
					     IPCB(skb)->saddr, htons(th->dport),
					     htons(th->sport)),
			    th->seq, &th->opt);
	if (!sk)
		return;
	tcp_set_snd_wnd(tcp_sk(sk), th->window);
	tcp_sk(sk)->tfo = tfo;
	if (syn_data && tcp_fastopen_take_data(sk, skb))
		syn_data = false;
	tcp_set_state(sk, TCP_SYN_RECV);
	/* The child shares the listener's port: in the bind table, and in
	 * the connection table by its 4-tuple. */
	tcp_bind_inherit(sk);
	tcp_hash_conn(sk);
	tcp_child_link(lsk, sk);
	tcp_send_synack(sk);
	/* With data in its SYN, accept() has it at once (Linux's
	 * tcp_fastopen_create_child()). */
	if (syn_data)
		tcp_child_established(sk);
	/* The connection table holds the child now. */
	sock_put(sk);
}

/* A listener is going away: the connections made and waiting for
 * accept() are reset, the half-open ones dropped. */
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
	tcp_drop_children(lsk);
}

/* ---- the entry point ------------------------------------------------------ */

void tcp_v4_rcv(struct net *net, struct sk_buff *skb)
{
	struct inet_skb_parm *cb = IPCB(skb);
	struct wire_pseudo ph = { .saddr = ntohl(cb->saddr),
				  .daddr = ntohl(cb->daddr) };
	struct tcp_hdr_info th;
	uint32_t tw_isn = 0;
	struct sock *sk;
	int err;

	err = tcp_parse(skb->data, skb->len,
			skb_csum_unnecessary(skb) ? NULL : &ph, &th);
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
	skb_pull(skb, th.hdr_len);
	if (sk && sk->sk_state == TCP_TIME_WAIT &&
	    (tw_isn = tcp_timewait_syn(sk, &th)) != 0) {
		/* A new connection from the same port: TIME_WAIT gives way
		 * to the listener, if there is one (Linux's TCP_TW_SYN);
		 * else it answers as ever. */
		struct sock *lsk =
			tcp_lookup_listener(net, cb->daddr, cb->dport);

		if (lsk) {
			tcp_done(sk);
			sk = lsk;
		} else {
			tw_isn = 0;
		}
	}
	if (!sk) {
		tcp_v4_send_reset(net, skb, &th);
		kfree_skb_reason(net, skb, SKB_DROP_REASON_NO_SOCKET);
		return;
	}
	sock_hold(sk);
	tcp_sk(sk)->segs_in++;
	if (sk->sk_state == TCP_LISTEN) {
		uint16_t f = th.flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST);
		struct sock *child;

		if (f == TCPHDR_SYN) {
			tcp_conn_request(sk, skb, &th, tw_isn);
		} else if (f == TCPHDR_ACK &&
			   (child = tcp_cookie_check(sk, skb, &th)) != NULL) {
			/* its data and FIN, if any, as in ESTABLISHED; then
			 * the table holds it */
			tcp_rcv_state_process(child, skb, &th);
			sock_put(child);
			sock_put(sk);
			return;
		} else if (th.flags & TCPHDR_ACK) {
			tcp_v4_send_reset(net, skb, &th);
		}
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
