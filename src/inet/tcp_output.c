/*
 * tcp_output.c - building and sending segments: the write queue within
 * the congestion and receive windows (with Nagle), ACKs, SYN, SYN-ACK, FIN
 * and RST (RFC 9293 3.10, RFC 5681, RFC 896).
 *
 * The write queue holds every segment not yet acknowledged, sent or not;
 * send_head is the first not sent.  Sending copies a segment into a fresh
 * skb, so the queued one stays for retransmission.
 */
#include <errno.h>
#include <net/ethernet.h>
#include <string.h>

#include "inet/netns_ipv4.h"
#include "inet/route.h"
#include "inet/tcp.h"
#include "lib/clock.h"

unsigned int tcp_current_mss(struct sock *sk)
{
	return tcp_sk(sk)->mss_cache;
}

/* How much the peer may still send (Linux's tcp_receive_window()). */
uint32_t tcp_receive_window(const struct tcp_sock *tp)
{
	int32_t win = (int32_t)(tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt);

	return win < 0 ? 0 : (uint32_t)win;
}

/* The window to announce: what the free receive buffer holds, never
 * shrinking what was announced (RFC 9293 3.8.6.2.2). */
/* How much payload @space bytes of receive buffer hold, with the cost of
 * each full-sized segment's skb counted (what Linux's adv_win_scale
 * approximates). */
uint32_t tcp_win_from_space(const struct sock *sk, int space)
{
	uint64_t mss = tcp_sk(sk)->mss_cache;

	if (space <= 0)
		return 0;
	return (uint32_t)((uint64_t)space * mss /
			  (mss + SKB_OVERHEAD + MAX_HEADER + TCP_HLEN + 40));
}

uint32_t tcp_select_window(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t cur = tcp_receive_window(tp);
	uint32_t win = tcp_win_from_space(sk, READ_ONCE(sk->sk_rcvbuf) -
						      sk_rmem_alloc_get(sk));

	if (win > TCP_MAX_WINDOW)
		win = TCP_MAX_WINDOW;
	if (win < cur)
		win = cur;
	if (!tp->wscale_ok && win > 65535)
		win = 65535;
	/* Round to what the scale can say. */
	win = (win >> tp->rcv_wscale) << tp->rcv_wscale;
	tp->rcv_wnd = win;
	tp->rcv_wup = tp->rcv_nxt;
	return win >> tp->rcv_wscale;
}

/*
 * Send one segment: header from the sock's state and @flags, @len bytes of
 * @data at sequence @seq.  Consumes nothing; returns 0 or -errno.
 */
static int tcp_send_segment(struct sock *sk, uint32_t seq, uint16_t flags,
			    const void *data, size_t len)
{
	struct inet_sock *inet = inet_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	struct net *net = sock_net(sk);
	struct tcp_hdr_info th = {
		.sport = ntohs(inet->inet_sport),
		.dport = ntohs(inet->inet_dport),
		.seq = seq,
		.flags = flags,
	};
	struct ip_tx tx = {
		.saddr = inet->inet_saddr,
		.daddr = inet->inet_daddr,
		.protocol = IPPROTO_TCP,
		.ttl = (uint8_t)ip_select_ttl(inet),
		.tos = inet->tos,
		.df = true,
	};
	struct wire_pseudo ph = { .saddr = ntohl(inet->inet_saddr),
				  .daddr = ntohl(inet->inet_daddr) };
	struct sk_buff *skb;
	struct rtable rt;
	size_t hlen;
	uint8_t *p;
	int err;

	tcp_urg_hdr(tp, &th);
	if (flags & TCPHDR_SYN) {
		th.opt.has_mss = true;
		th.opt.mss =
			(uint16_t)(tp->user_mss ? tp->user_mss : tp->mss_cache);
		if (tp->rcv_wscale || !(flags & TCPHDR_ACK) || tp->wscale_ok) {
			th.opt.has_wscale = true;
			th.opt.wscale = tp->rcv_wscale;
		}
		th.window =
			(uint16_t)(tp->rcv_wnd > 65535 ? 65535 : tp->rcv_wnd);
	}
	if (flags & TCPHDR_ACK) {
		th.ack_seq = tp->rcv_nxt;
		if (!(flags & TCPHDR_SYN))
			th.window = (uint16_t)tcp_select_window(sk);
		tp->ack_pending = false;
		tp->pending_acks = 0;
		del_timer(&tp->delack_timer);
	}
	err = ip_route_output(net, inet->inet_daddr, inet->inet_saddr,
			      sk->sk_bound_dev_if, &rt);
	if (err)
		return err;
	hlen = TCP_HLEN + tcp_options_size(&th.opt);
	skb = alloc_skb(MAX_HEADER + hlen + len);
	if (!skb)
		return -ENOBUFS;
	skb_reserve(skb, MAX_HEADER + hlen);
	p = skb_put(skb, (unsigned int)len);
	if (len)
		memcpy(p, data, len);
	tcp_emit(&th, &ph, p, len, skb_push(skb, (unsigned int)hlen), hlen);
	skb_reset_transport_header(skb);
	tp->segs_out++;
	return ip_send_skb(net, skb, &tx, &rt);
}

/* (Re)send a queued segment. */
int tcp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone)
{
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
	uint16_t flags = cb->flags;

	(void)clone;
	/* Everything but the first SYN carries an ACK. */
	if (sk->sk_state != TCP_SYN_SENT)
		flags |= TCPHDR_ACK;
	return tcp_send_segment(sk, cb->seq, flags, skb->data, skb->len);
}

void tcp_retransmit_skb(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);

	TCP_SKB_CB(skb)->sacked = 1; /* Karn: no RTT sample from it */
	tp->total_retrans++;
	tcp_transmit_skb(sk, skb, true);
}

/* Whether Nagle holds back a small segment (RFC 896, Linux's
 * tcp_nagle_check()): unacked data is out and this one is not full. */
static bool tcp_nagle_holds(const struct tcp_sock *tp,
			    const struct sk_buff *skb, bool push)
{
	if (skb->len >= tp->mss_cache ||
	    (TCP_SKB_CB(skb)->flags & (TCPHDR_SYN | TCPHDR_FIN)))
		return false;
	/* Urgent data goes at once, even past a cork. */
	if (tcp_urg_mode(tp))
		return false;
	if (tp->cork)
		return true;
	if (tp->nodelay && push)
		return false;
	return tp->snd_nxt != tp->snd_una || !push;
}

/* Split the unsent @skb after @len bytes (Linux's tcp_fragment()): the
 * rest, and the FIN if any, move to a new skb queued after it. */
static int tcp_fragment(struct sock *sk, struct sk_buff *skb, uint32_t len)
{
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb), *ncb;
	uint32_t rest = skb->len - len;
	struct sk_buff *tail = alloc_skb(rest);

	if (!tail)
		return -ENOBUFS;
	skb_set_owner_w(tail, sk);
	memcpy(skb_put(tail, rest), skb->data + len, rest);
	ncb = TCP_SKB_CB(tail);
	*ncb = *cb;
	ncb->seq = cb->seq + len;
	cb->end_seq = ncb->seq;
	cb->flags &= (uint8_t)~TCPHDR_FIN;
	skb_trim(skb, len);
	skb_append(skb, tail, &sk->sk_write_queue);
	return 0;
}

void tcp_write_xmit(struct sock *sk, bool push)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;

	while ((skb = tp->send_head) != NULL) {
		struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
		uint32_t in_flight = tp->snd_nxt - tp->snd_una;
		uint32_t cwnd = tp->snd_cwnd * tp->mss_cache;

		if (in_flight && in_flight + skb->len > cwnd)
			break;
		/* The receive window; a zero window is probed by the
		 * retransmission timer. */
		if (after(cb->end_seq, tp->snd_una + tp->snd_wnd) && in_flight)
			break;
		/* A closed window: nothing goes out but the probes of the
		 * retransmission timer (RFC 9293 3.8.6.1). */
		if (!after(tp->snd_una + tp->snd_wnd, cb->seq) &&
		    cb->end_seq != cb->seq && !(cb->flags & TCPHDR_SYN))
			break;
		/* What the window takes of a larger segment goes out alone
		 * (Linux's tcp_mss_split_point()); the peer would drop the
		 * rest for want of buffer. */
		if (after(cb->end_seq, tp->snd_una + tp->snd_wnd) &&
		    after(tp->snd_una + tp->snd_wnd, cb->seq) &&
		    tp->snd_una + tp->snd_wnd - cb->seq < skb->len &&
		    tcp_fragment(sk, skb, tp->snd_una + tp->snd_wnd - cb->seq))
			break;
		if (tcp_nagle_holds(tp, skb, push))
			break;
		cb->sent = clock_now_ns();
		if (tcp_transmit_skb(sk, skb, true))
			break;
		tp->snd_nxt = cb->end_seq;
		tp->send_head = skb_peek_next(skb, &sk->sk_write_queue);
		/* The first segment in flight starts a full RTO, whatever
		 * the probe timer had left (Linux's tcp_rearm_rto()). */
		if (!in_flight || !timer_pending(&tp->retransmit_timer))
			tcp_reset_xmit_timer(sk);
	}
	/* Held back (a closed window, Nagle, TCP_CORK, MSG_MORE, a failed
	 * transmission) with nothing in flight: the retransmission timer
	 * probes or pushes it (Linux's tcp_check_probe_timer()). */
	if (tp->send_head && tp->snd_nxt == tp->snd_una &&
	    !timer_pending(&tp->retransmit_timer))
		tcp_reset_xmit_timer(sk);
}

/* Send what waits now as if TCP_CORK did not hold it: TCP_NODELAY's push
 * and the probe timer's (Linux's TCP_NAGLE_PUSH).  Nagle still holds a
 * small segment behind one in flight unless TCP_NODELAY is on. */
void tcp_push_pending(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	bool cork = tp->cork;

	tp->cork = false;
	tcp_write_xmit(sk, true);
	tp->cork = cork;
}

/* A zero-window probe (Linux's tcp_xmit_probe_skb()): an ACK one below
 * SND.UNA, which the peer must answer with its window. */
void tcp_send_probe(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tcp_send_segment(sk, tp->snd_una - 1, TCPHDR_ACK, NULL, 0);
}

void tcp_send_ack(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN)
		return;
	tcp_send_segment(sk, tp->snd_nxt, TCPHDR_ACK, NULL, 0);
}

/* ACK every second full segment at once, the rest after a short delay
 * (RFC 1122 4.2.3.2, RFC 5681 4.2). */
void tcp_send_delayed_ack(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->ack_pending = true;
	if (++tp->pending_acks >= 2 || (tp->quick_acks && !tp->pingpong)) {
		if (tp->quick_acks)
			tp->quick_acks--;
		tcp_send_ack(sk);
		return;
	}
	if (!timer_pending(&tp->delack_timer))
		mod_timer(&tp->delack_timer, clock_now_ns() + TCP_DELACK_MIN);
}

/* Queue a control segment (SYN, SYN-ACK, FIN) taking one sequence number. */
static int tcp_queue_control(struct sock *sk, uint8_t flags)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb = alloc_skb(0);

	if (!skb)
		return -ENOBUFS;
	skb_set_owner_w(skb, sk);
	TCP_SKB_CB(skb)->seq = tp->write_seq;
	TCP_SKB_CB(skb)->end_seq = tp->write_seq + 1;
	TCP_SKB_CB(skb)->flags = flags;
	TCP_SKB_CB(skb)->sacked = 0;
	tp->write_seq++;
	skb_queue_tail(&sk->sk_write_queue, skb);
	if (!tp->send_head)
		tp->send_head = skb;
	return 0;
}

int tcp_connect(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int err;

	tp->snd_una = tp->snd_nxt = tp->write_seq = tp->iss;
	tp->rcv_wnd = 0;
	tcp_select_window(sk);
	err = tcp_queue_control(sk, TCPHDR_SYN);
	if (err)
		return err;
	tcp_write_xmit(sk, true);
	return 0;
}

void tcp_send_synack(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->snd_una = tp->snd_nxt = tp->write_seq = tp->iss;
	tcp_select_window(sk);
	if (tcp_queue_control(sk, TCPHDR_SYN | TCPHDR_ACK) == 0)
		tcp_write_xmit(sk, true);
}

/* A FIN after the queued data (on the last unsent segment if any). */
void tcp_send_fin(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);

	if (tail && tp->send_head &&
	    !(TCP_SKB_CB(tail)->flags & (TCPHDR_SYN | TCPHDR_FIN))) {
		TCP_SKB_CB(tail)->flags |= TCPHDR_FIN;
		TCP_SKB_CB(tail)->end_seq++;
		tp->write_seq++;
	} else if (tcp_queue_control(sk, TCPHDR_FIN)) {
		return;
	}
	tcp_write_xmit(sk, true);
}

void tcp_send_active_reset(struct sock *sk)
{
	tcp_send_segment(sk, tcp_sk(sk)->snd_nxt, TCPHDR_RST | TCPHDR_ACK, NULL,
			 0);
}

/* RFC 9293 3.10.7.1: the answer to a segment for no connection. */
void tcp_v4_send_reset(struct net *net, struct sk_buff *skb,
		       const struct tcp_hdr_info *th)
{
	const struct inet_skb_parm *cb = IPCB(skb);
	struct tcp_hdr_info rst = { .sport = th->dport, .dport = th->sport };
	struct wire_pseudo ph = { .saddr = ntohl(cb->daddr),
				  .daddr = ntohl(cb->saddr) };
	struct ip_tx tx = { .saddr = cb->daddr,
			    .daddr = cb->saddr,
			    .protocol = IPPROTO_TCP,
			    .ttl = (uint8_t)READ_ONCE(
				    net->sysctl.ip_default_ttl),
			    .df = true };
	struct sk_buff *out;
	struct rtable rt;

	if (th->flags & TCPHDR_RST)
		return;
	if (th->flags & TCPHDR_ACK) {
		rst.seq = th->ack_seq;
		rst.flags = TCPHDR_RST;
	} else {
		rst.ack_seq = th->seq + (uint32_t)(skb->len - th->hdr_len) +
			      !!(th->flags & TCPHDR_SYN) +
			      !!(th->flags & TCPHDR_FIN);
		rst.flags = TCPHDR_RST | TCPHDR_ACK;
	}
	if (ip_route_output(net, cb->saddr, cb->daddr, 0, &rt))
		return;
	out = alloc_skb(MAX_HEADER + TCP_HLEN);
	if (!out)
		return;
	skb_reserve(out, MAX_HEADER + TCP_HLEN);
	tcp_emit(&rst, &ph, NULL, 0, skb_push(out, TCP_HLEN), TCP_HLEN);
	ip_send_skb(net, out, &tx, &rt);
}
