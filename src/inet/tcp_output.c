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
#include <limits.h>
#include <net/ethernet.h>
#include <string.h>

#include "inet/netns_ipv4.h"
#include "inet/route.h"
#include "inet/tcp.h"
#include "lib/clock.h"

/* The segment size to send: the MSS, but no more than half the largest
 * window the peer offered (all of it when that is below 536 bytes), so
 * that a small window still takes whole segments (Linux's
 * tcp_bound_to_half_wnd()). */
unsigned int tcp_current_mss(struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	uint32_t cutoff = tp->max_window > TCP_MSS_DEFAULT ?
				  tp->max_window / 2 :
				  tp->max_window;
	uint32_t least = 68 - TCP_HLEN - (tp->tstamp_ok ? TCP_TS_OPT_LEN : 0);

	if (cutoff && tp->mss_cache > cutoff)
		return cutoff > least ? cutoff : least;
	return tp->mss_cache;
}

/* How much the peer may still send (Linux's tcp_receive_window()). */
uint32_t tcp_receive_window(const struct tcp_sock *tp)
{
	int32_t win = (int32_t)(tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt);

	return win < 0 ? 0 : (uint32_t)win;
}

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

int tcp_space_from_win(const struct sock *sk, uint32_t win)
{
	uint64_t mss = tcp_sk(sk)->mss_cache;
	uint64_t space = (uint64_t)win *
			 (mss + SKB_OVERHEAD + MAX_HEADER + TCP_HLEN + 40) /
			 mss;

	return space > INT_MAX ? INT_MAX : (int)space;
}

/* Room for twice the window's segments, each at its real cost (Linux:
 * the skb's truesize, a power of two, with its header room). */
void tcp_sndbuf_expand(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint64_t per_mss = 1, segs = tp->snd_cwnd, sndmem;

	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		return;
	while (per_mss < (uint64_t)tp->mss_cache + MAX_HEADER + TCP_HLEN + 40)
		per_mss <<= 1;
	per_mss += SKB_OVERHEAD;
	if (segs < TCP_INIT_CWND)
		segs = TCP_INIT_CWND;
	sndmem = 2 * segs * per_mss;
	if (sndmem > TCP_WMEM_MAX)
		sndmem = TCP_WMEM_MAX;
	if ((int)sndmem > READ_ONCE(sk->sk_sndbuf)) {
		WRITE_ONCE(sk->sk_sndbuf, (int)sndmem);
		sk->sk_write_space(sk);
	}
}

void tcp_rcv_space_adjust(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int64_t now = clock_now_ns();
	/* the round trip, at least 1 ms: over loopback's microseconds one
	 * read would be all a measure sees */
	int64_t rtt = tp->srtt > NSEC_PER_MSEC ? tp->srtt : NSEC_PER_MSEC;
	uint32_t copied;

	if (!tp->rcvq_time) {
		tp->rcvq_time = now;
		tp->rcvq_seq = tp->copied_seq;
		/* Linux's tcp_init_buffer_space(): ten segments, or what
		 * Linux's first window is of the buffer (half), the smaller:
		 * a reader that takes more per RTT is held by the buffer */
		tp->rcvq_space = TCP_INIT_CWND * tp->mss_cache;
		if (tp->rcvq_space > tp->rcv_wnd / 2)
			tp->rcvq_space = tp->rcv_wnd / 2;
		return;
	}
	if (now - tp->rcvq_time < rtt)
		return;
	copied = tp->copied_seq - tp->rcvq_seq;
	if (copied > tp->rcvq_space) {
		if (READ_ONCE(sock_net(sk)->sysctl.tcp_moderate_rcvbuf) &&
		    !(sk->sk_userlocks & SOCK_RCVBUF_LOCK)) {
			/* twice what was read, and room for slow start to
			 * go on (Linux: 16 segments) */
			uint64_t win = 2ull * copied + 16ull * tp->mss_cache;
			int space = tcp_space_from_win(
				sk, win > TCP_MAX_WINDOW ? TCP_MAX_WINDOW :
							   (uint32_t)win);

			if (space > TCP_RMEM_MAX)
				space = TCP_RMEM_MAX;
			if (space > READ_ONCE(sk->sk_rcvbuf))
				WRITE_ONCE(sk->sk_rcvbuf, space);
		}
		tp->rcvq_space = copied;
	}
	tp->rcvq_seq = tp->copied_seq;
	tp->rcvq_time = now;
}

/*
 * The window the free buffer makes, with the receiver's silly window
 * avoidance (RFC 9293 3.8.6.2.2) as Linux's __tcp_select_window() does
 * it: once less than half the buffer is free, a window below the peer's
 * segment or a sixteenth of the buffer is no window; without window
 * scaling the window is kept while it is within a segment of the free
 * space, else cut to whole segments, so its right edge moves by an MSS
 * or more; with scaling it is rounded up to what the scale can say.
 */
static uint32_t tcp_free_window(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int64_t full = tcp_win_from_space(sk, READ_ONCE(sk->sk_rcvbuf));
	int64_t free = tcp_win_from_space(sk, READ_ONCE(sk->sk_rcvbuf) -
						      sk_rmem_alloc_get(sk));
	int64_t mss = tp->rcv_mss ? tp->rcv_mss : tp->mss_cache;
	int64_t unit = 1LL << tp->rcv_wscale, win;

	if (mss > full) {
		mss = full;
		if (mss <= 0)
			return 0;
	}
	if (free < full / 2) {
		free = free / unit * unit;
		if (free < full / 16 || free < mss)
			return 0;
	}
	if (tp->rcv_wscale)
		return (uint32_t)((free + unit - 1) / unit * unit);
	win = tp->rcv_wnd;
	if (win <= free - mss || win > free)
		win = free / mss * mss;
	else if (mss == full && free > win + full / 2)
		win = free;
	return (uint32_t)win;
}

uint32_t tcp_select_window(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t cur = tcp_receive_window(tp);
	uint32_t win = tcp_free_window(sk);

	if (win > TCP_MAX_WINDOW)
		win = TCP_MAX_WINDOW;
	/* Never shrink what was announced (RFC 9293 3.8.6.2.2). */
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

/* The SACK blocks of an ACK (RFC 2018 4): what the out-of-order queue
 * holds, in ranges, the one with the latest arrival first; as many as
 * @room bytes of options take. */
static void tcp_sack_blocks(const struct tcp_sock *tp, struct tcp_options *opt,
			    size_t room)
{
	struct tcp_sack_block r[TCP_MAX_SACK + 1] = { 0 };
	unsigned int n = 0, max = opt->has_ts ? 3 : TCP_MAX_SACK, first = 0;
	struct sk_buff *skb;

	if (room < 12)
		return;
	if ((room - 4) / 8 < max)
		max = (unsigned int)(room - 4) / 8;
	skb_queue_walk(&tp->out_of_order_queue, skb) {
		const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

		if (n && !after(cb->seq, r[n - 1].end)) {
			if (after(cb->end_seq, r[n - 1].end))
				r[n - 1].end = cb->end_seq;
			continue;
		}
		if (n == TCP_MAX_SACK + 1)
			break;
		r[n].start = cb->seq;
		r[n++].end = cb->end_seq;
	}
	for (unsigned int i = 0; i < n; i++)
		if (!before(tp->sack_recent, r[i].start) &&
		    before(tp->sack_recent, r[i].end))
			first = i;
	if (n > max)
		n = max;
	if (first >= n)
		first = 0;
	opt->sacks[0] = r[first];
	for (unsigned int i = 0, k = 1; k < n; i++)
		if (i != first)
			opt->sacks[k++] = r[i];
	opt->num_sacks = (uint8_t)n;
}

/*
 * The skb that carries @len bytes of @data (of the queued @src, if not
 * NULL) after @hlen bytes of TCP header by @rt: on loopback a clone of
 * @src, its data by reference, as Linux's tcp_transmit_skb() clones (the
 * headers go in @src's headroom, unused while the clone lives); else, or
 * when an earlier clone of @src is still about (on the peer's receive
 * queue), a copy.  Either way the receiver is charged as for the copy.
 */
static struct sk_buff *tcp_segment_skb(struct sk_buff *src, const void *data,
				       size_t len, size_t hlen,
				       const struct rtable *rt)
{
	struct sk_buff *skb = NULL;

	if (src && (rt->dev->flags & IFF_LOOPBACK) && !skb_cloned(src) &&
	    skb_headroom(src) >= MAX_HEADER) {
		skb = skb_clone(src);
		if (skb)
			skb->truesize = SKB_TRUESIZE(MAX_HEADER + hlen + len);
	}
	if (!skb) {
		skb = alloc_skb(MAX_HEADER + hlen + len);
		if (!skb)
			return NULL;
		skb_reserve(skb, MAX_HEADER + hlen);
		if (len)
			memcpy(skb_put(skb, (unsigned int)len), data, len);
	}
	return skb;
}

/*
 * Send one segment: header from the sock's state and @flags, @len bytes of
 * @data at sequence @seq (all of the queued @src, or NULL).  Consumes
 * nothing; returns 0 or -errno.
 */
static int tcp_send_segment(struct sock *sk, uint32_t seq, uint16_t flags,
			    const void *data, size_t len, struct sk_buff *src)
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

	if (tp->tstamp_ok && !(flags & TCPHDR_RST && !(flags & TCPHDR_ACK))) {
		/* RFC 7323 3.2: on every segment once agreed; a SYN offers
		 * them with TSecr 0. */
		th.opt.has_ts = true;
		th.opt.tsval = tcp_ts_now(tp);
		th.opt.tsecr = (flags & TCPHDR_ACK) ? tp->ts_recent : 0;
	}
	if ((flags & TCPHDR_SYN) && tp->tfo.has_fastopen) {
		th.opt.has_fastopen = true;
		th.opt.fastopen_len = tp->tfo.fastopen_len;
		memcpy(th.opt.fastopen_cookie, tp->tfo.fastopen_cookie,
		       tp->tfo.fastopen_len);
	}
	tcp_urg_hdr(tp, &th);
	if (flags & TCPHDR_SYN) {
		th.opt.sack_perm = tp->sack_ok;
		th.opt.has_mss = true; /* its value once the route is known */
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
		if (tp->sack_ok && !(flags & (TCPHDR_SYN | TCPHDR_RST)) &&
		    !skb_queue_empty(&tp->out_of_order_queue) &&
		    tp->mss_cache > len)
			tcp_sack_blocks(tp, &th.opt, tp->mss_cache - len);
		/* Each ACK of new data spends a quick ACK (Linux's
		 * tcp_dec_quickack_mode()). */
		if (tp->ack_pending && tp->quick_acks)
			tp->quick_acks--;
		tp->ack_pending = false;
		tp->ack_now = false;
		del_timer(&tp->delack_timer);
	}
	err = ip_route_output(net, inet->inet_daddr, inet->inet_saddr,
			      sk->sk_bound_dev_if, &rt);
	if (err)
		return err;
	if (th.opt.has_mss)
		th.opt.mss = tcp_advmss(tp->user_mss, rt.dev->mtu);
	hlen = TCP_HLEN + tcp_options_size(&th.opt);
	skb = tcp_segment_skb(src, data, len, hlen, &rt);
	if (!skb)
		return -ENOBUFS;
	p = skb->data;
	tcp_emit(&th, ip_csum_ph(skb, &rt, &ph, hlen + len), p, len,
		 skb_push(skb, (unsigned int)hlen), hlen);
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
	return tcp_send_segment(sk, cb->seq, flags, skb->data, skb->len, skb);
}

void tcp_retransmit_skb(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

	/* What the peer has of it goes no more (Linux's tcp_trim_head()). */
	if (before(cb->seq, tp->snd_una) && skb->len &&
	    !(cb->flags & TCPHDR_SYN)) {
		uint32_t acked = tp->snd_una - cb->seq;

		if (acked > skb->len)
			acked = skb->len;
		skb_pull(skb, acked);
		cb->seq += acked;
	}

	/* Karn: no RTT sample from it; in recovery it is in the pipe; its
	 * last transmission dates the timestamps that may come back. */
	TCP_SKB_CB(skb)->sacked |= TCPCB_EVER_RETRANS | TCPCB_RETRANS;
	TCP_SKB_CB(skb)->sent = clock_now_ns();
	tp->total_retrans++;
	tcp_transmit_skb(sk, skb, true);
}

/* Whether Nagle holds back a small segment (RFC 896, Linux's
 * tcp_nagle_check()): unacked data is out and this one is not full. */
static bool tcp_nagle_holds(const struct sock *sk, const struct sk_buff *skb,
			    bool push)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	/* Only the last segment can still grow; one the window cut short
	 * goes (Linux applies Nagle to the tail of the queue only). */
	if (skb->len >= tcp_current_mss((struct sock *)sk) ||
	    (TCP_SKB_CB(skb)->flags & (TCPHDR_SYN | TCPHDR_FIN)) ||
	    skb != skb_peek_tail(&sk->sk_write_queue))
		return false;
	/* Urgent data goes at once, even past a cork. */
	if (tcp_urg_mode(tp))
		return false;
	if (tp->cork)
		return true;
	if (tp->nodelay && push)
		return false;
	/* Minshall's variant, as Linux's tcp_minshall_check(): held while
	 * a small segment is unacknowledged, not any data. */
	return !push || after(tp->snd_sml, tp->snd_una);
}

/* Split the unsent @skb after @len bytes (Linux's tcp_fragment()): the
 * rest, and the FIN if any, move to a new skb queued after it. */
static int tcp_fragment(struct sock *sk, struct sk_buff *skb, uint32_t len)
{
	struct tcp_skb_cb *cb = TCP_SKB_CB(skb), *ncb;
	uint32_t rest = skb->len - len;
	struct sk_buff *tail = tcp_stream_alloc_skb(rest);

	if (!tail)
		return -ENOBUFS;
	skb_set_owner_w(tail, sk);
	memcpy(skb_put(tail, rest), skb->data + len, rest);
	ncb = TCP_SKB_CB(tail);
	*ncb = *cb;
	ncb->seq = cb->seq + len;
	cb->end_seq = ncb->seq;
	/* FIN and PSH stay on the last part */
	cb->flags &= (uint8_t) ~(TCPHDR_FIN | TCPHDR_PSH);
	skb_trim(skb, len);
	skb_append(skb, tail, &sk->sk_write_queue);
	return 0;
}

uint32_t tcp_pipe(const struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;
	uint32_t pipe = 0;

	skb_queue_walk(&sk->sk_write_queue, skb) {
		uint8_t s = TCP_SKB_CB(skb)->sacked;

		if (skb == tp->send_head)
			break;
		if (s & TCPCB_SACKED)
			continue;
		pipe += !(s & TCPCB_LOST) + !!(s & TCPCB_RETRANS);
	}
	return pipe;
}

/* RFC 6675 NextSeg() rule 1 (and, after a timeout, Linux's go-back-N of
 * every segment marked lost): the first lost segment not retransmitted
 * yet, while the pipe has room. */
void tcp_xmit_retransmit_queue(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t pipe = tcp_pipe(sk);
	struct sk_buff *skb;

	if (!tp->lost_out)
		return;
	skb_queue_walk(&sk->sk_write_queue, skb) {
		uint8_t s = TCP_SKB_CB(skb)->sacked;

		if (skb == tp->send_head || pipe >= tp->snd_cwnd)
			break;
		if ((s & (TCPCB_LOST | TCPCB_SACKED | TCPCB_RETRANS)) !=
		    TCPCB_LOST)
			continue;
		tcp_retransmit_skb(sk, skb);
		pipe++;
	}
}

/* @skb went out for the first time. */
static void tcp_event_new_data_sent(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	bool idle = tp->snd_nxt == tp->snd_una;

	tp->snd_nxt = TCP_SKB_CB(skb)->end_seq;
	if (skb->len < tcp_current_mss(sk))
		tp->snd_sml = TCP_SKB_CB(skb)->end_seq;
	tp->send_head = skb_peek_next(skb, &sk->sk_write_queue);
	/* The first segment in flight starts a full RTO, whatever the
	 * probe timer had left (Linux's tcp_rearm_rto()). */
	if (idle || !timer_pending(&tp->retransmit_timer))
		tcp_reset_xmit_timer(sk);
}

void tcp_write_xmit(struct sock *sk, bool push)
{
	struct tcp_sock *tp = tcp_sk(sk);
	uint32_t mss = tcp_current_mss(sk);
	struct sk_buff *skb;

	/* Whether the window limits the sender, for the algorithm's growth
	 * (Linux's tcp_cwnd_validate()): it does when data waits for it or
	 * half of it is out. */
	tp->cwnd_limited = 2 * (tp->snd_nxt - tp->snd_una) >=
			   tp->snd_cwnd * mss;

	/* In recovery the scoreboard says what is in flight (RFC 6675
	 * NextSeg() rule 2: new data while the pipe has room). */
	uint32_t pipe = tp->ca_state != TCP_CA_OPEN ? tcp_pipe(sk) : 0;

	while ((skb = tp->send_head) != NULL) {
		struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
		uint32_t in_flight = tp->ca_state != TCP_CA_OPEN ?
					     pipe * mss :
					     tp->snd_nxt - tp->snd_una;
		/* RFC 3042 (limited transmit): each of the first two
		 * duplicate ACKs lets one new segment out */
		uint32_t cwnd = (tp->snd_cwnd +
				 (tp->ca_state == TCP_CA_OPEN ?
					  min_t(uint32_t, tp->dupacks, 2) :
					  0)) *
				mss;

		if (in_flight && in_flight + skb->len > cwnd) {
			tp->cwnd_limited = true;
			break;
		}
		/* The peer's window takes the segment whole, or it waits
		 * (RFC 9293 3.8.6.2.1, the sender's silly window avoidance;
		 * Linux's tcp_snd_wnd_test()): for an ACK, or with nothing
		 * in flight for the probe timer, which then sends what fits
		 * or probes a closed window (tcp_write_wakeup()). */
		if (after(cb->end_seq, tp->snd_una + tp->snd_wnd) &&
		    !(cb->flags & TCPHDR_SYN))
			break;
		if (tcp_nagle_holds(sk, skb, push))
			break;
		cb->sent = clock_now_ns();
		if (tcp_transmit_skb(sk, skb, true))
			break;
		pipe++;
		tcp_event_new_data_sent(sk, skb);
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

/* The persist timer, nothing in flight and data waiting (Linux's
 * tcp_write_wakeup()): what of the next segment the peer's window takes
 * goes, pushed; a closed window is probed.  Whether data went. */
bool tcp_write_wakeup(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb = tp->send_head;
	uint32_t wnd_end = tp->snd_una + tp->snd_wnd;
	struct tcp_skb_cb *cb;
	uint32_t seg;

	if (!skb || !before(TCP_SKB_CB(skb)->seq, wnd_end)) {
		tcp_send_probe(sk);
		return false;
	}
	cb = TCP_SKB_CB(skb);
	seg = min_t(uint32_t, wnd_end - cb->seq, tcp_current_mss(sk));
	if (seg < cb->end_seq - cb->seq && seg <= skb->len &&
	    tcp_fragment(sk, skb, seg))
		return false;
	cb->flags |= TCPHDR_PSH;
	if (before(tp->pushed_seq, cb->end_seq))
		tp->pushed_seq = cb->end_seq;
	cb->sent = clock_now_ns();
	if (tcp_transmit_skb(sk, skb, true))
		return false;
	tcp_event_new_data_sent(sk, skb);
	return true;
}

/* A zero-window probe (Linux's tcp_xmit_probe_skb()): an ACK one below
 * SND.UNA, which the peer must answer with its window. */
void tcp_send_probe(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tcp_send_segment(sk, tp->snd_una - 1, TCPHDR_ACK, NULL, 0, NULL);
}

void tcp_send_ack(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN)
		return;
	tcp_send_segment(sk, tp->snd_nxt, TCPHDR_ACK, NULL, 0, NULL);
}

/*
 * The ACK that is due (ack_pending), if a segment sent since did not carry
 * it: at once when more than one of the peer's full segments is
 * unacknowledged (RFC 1122 4.2.3.2, RFC 5681 4.2: at least every second
 * full-sized segment; small ones do not count as full), in quick-ACK mode,
 * when data is out of order or something asked for it (ack_now);
 * otherwise after the delayed-ACK timer, 40 ms after the first segment it
 * waits for (Linux's __tcp_ack_snd_check()).
 */
void tcp_ack_snd_check(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int64_t now = clock_now_ns();

	if (!tp->ack_pending)
		return;
	if (tp->rcv_nxt - tp->rcv_wup > tp->rcv_mss || tp->ack_now ||
	    (tp->quick_acks && !tp->pingpong) ||
	    !skb_queue_empty(&tp->out_of_order_queue) ||
	    /* the timer would run within a quarter of its delay: not
	     * worth waiting for (Linux's tcp_send_delayed_ack()) */
	    (timer_pending(&tp->delack_timer) &&
	     tp->delack_timer.expires <= now + TCP_DELACK_MIN / 4)) {
		tcp_send_ack(sk);
		return;
	}
	if (!timer_pending(&tp->delack_timer))
		mod_timer(&tp->delack_timer, now + TCP_DELACK_MIN);
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

/* Our SYN; with TCP Fast Open (RFC 7413 3) it carries the cookie for
 * the destination, or asks for one, and with a cookie as much of @data
 * (@len bytes; NULL: none) as fits; returns the bytes it took, or
 * -errno. */
int tcp_connect(struct sock *sk, struct iov_iter *data, size_t len)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;
	size_t n = 0;
	int err;

	tp->snd_una = tp->snd_nxt = tp->write_seq = tp->snd_sml = tp->iss;
	tp->rcv_wnd = 0;
	tcp_select_window(sk);
	memset(&tp->tfo, 0, sizeof(tp->tfo));
	tp->tfo_syn = data || tp->fastopen_connect;
	if (tp->tfo_syn &&
	    tcp_fastopen_cookie_get(sock_net(sk), inet_sk(sk)->inet_daddr,
				    &tp->tfo) &&
	    data) {
		/* room for every option a SYN can carry */
		n = len < tp->mss_cache - TCP_MAX_OPT_LEN ?
			    len :
			    tp->mss_cache - TCP_MAX_OPT_LEN;
	}
	err = tcp_queue_control(sk, TCPHDR_SYN);
	if (err)
		return err;
	if (n) {
		skb = skb_peek_tail(&sk->sk_write_queue);
		if (skb_tailroom(skb) < n) {
			struct sk_buff *big = alloc_skb((unsigned int)n);

			if (!big)
				return -ENOBUFS;
			skb_set_owner_w(big, sk);
			*TCP_SKB_CB(big) = *TCP_SKB_CB(skb);
			skb_unlink(skb, &sk->sk_write_queue);
			kfree_skb(skb);
			skb_queue_tail(&sk->sk_write_queue, big);
			tp->send_head = skb = big;
		}
		copy_from_iter(skb_put(skb, (unsigned int)n), n, data);
		TCP_SKB_CB(skb)->end_seq += (uint32_t)n;
		tp->write_seq += (uint32_t)n;
	}
	tp->pushed_seq = tp->write_seq;
	/* SYN-SENT's time runs from here (Linux's tcp_connect()) */
	tp->retrans_stamp = clock_now_ns();
	tcp_write_xmit(sk, true);
	return (int)n;
}

void tcp_send_synack(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->snd_una = tp->snd_nxt = tp->write_seq = tp->snd_sml = tp->iss;
	tcp_select_window(sk);
	if (tcp_queue_control(sk, TCPHDR_SYN | TCPHDR_ACK))
		return;
	tp->pushed_seq = tp->write_seq;
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
			 0, NULL);
}

/* Send @out in answer to @skb, with no sock behind it (a RST, a SYN
 * cookie's SYN-ACK): back to where @skb came from, by @rt (the route
 * back), or one looked up if NULL. */
void tcp_v4_send_stateless(struct net *net, struct sk_buff *skb,
			   const struct tcp_hdr_info *out, uint8_t ttl,
			   const struct rtable *route)
{
	const struct inet_skb_parm *cb = IPCB(skb);
	struct wire_pseudo ph = { .saddr = ntohl(cb->daddr),
				  .daddr = ntohl(cb->saddr) };
	struct ip_tx tx = { .saddr = cb->daddr,
			    .daddr = cb->saddr,
			    .protocol = IPPROTO_TCP,
			    .ttl = ttl,
			    .df = true };
	size_t hlen = TCP_HLEN + tcp_options_size(&out->opt);
	struct sk_buff *seg;
	struct rtable rt;

	if (route)
		rt = *route;
	else if (ip_route_output(net, cb->saddr, cb->daddr, 0, &rt))
		return;
	seg = alloc_skb(MAX_HEADER + hlen);
	if (!seg)
		return;
	skb_reserve(seg, MAX_HEADER + hlen);
	tcp_emit(out, ip_csum_ph(seg, &rt, &ph, hlen), NULL, 0,
		 skb_push(seg, (unsigned int)hlen), hlen);
	ip_send_skb(net, seg, &tx, &rt);
}

/* RFC 9293 3.10.7.1: the answer to a segment for no connection (@skb's
 * data is its payload). */
void tcp_v4_send_reset(struct net *net, struct sk_buff *skb,
		       const struct tcp_hdr_info *th)
{
	struct tcp_hdr_info rst = { .sport = th->dport, .dport = th->sport };

	if (th->flags & TCPHDR_RST)
		return;
	if (th->flags & TCPHDR_ACK) {
		rst.seq = th->ack_seq;
		rst.flags = TCPHDR_RST;
	} else {
		rst.ack_seq = th->seq + skb->len + !!(th->flags & TCPHDR_SYN) +
			      !!(th->flags & TCPHDR_FIN);
		rst.flags = TCPHDR_RST | TCPHDR_ACK;
	}
	tcp_v4_send_stateless(net, skb, &rst,
			      (uint8_t)READ_ONCE(net->sysctl.ip_default_ttl),
			      NULL);
}
