/*
 * tcp_timer.c - retransmission (RFC 6298: Karn, exponential backoff,
 * Linux's 200 ms floor and tcp_retries2), delayed ACKs, and TIME_WAIT.
 */
#include <errno.h>

#include "inet/tcp.h"
#include "lib/clock.h"

void tcp_reset_xmit_timer(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	mod_timer(&tp->retransmit_timer, clock_now_ns() + tp->rto);
}

void tcp_clear_xmit_timers(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	del_timer(&tp->retransmit_timer);
	del_timer(&tp->delack_timer);
	del_timer(&tp->keepalive_timer);
}

/* The peer stopped answering: the connection dies with ETIMEDOUT (or
 * the error an ICMP message left, RFC 1122 4.2.3.9). */
static void tcp_write_err(struct sock *sk)
{
	tcp_reset(sk, sk->sk_err_soft ? sk->sk_err_soft : ETIMEDOUT);
}

/* The next timeout, but not past TCP_USER_TIMEOUT counted from the first
 * retransmission: the connection ends when it runs out, not at the next
 * backed-off timeout (Linux's tcp_clamp_rto_to_user_timeout()). */
static int64_t tcp_clamp_rto_to_user_timeout(const struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	int64_t left;

	if (!tp->user_timeout || !tp->retrans_stamp)
		return tp->rto;
	left = (int64_t)tp->user_timeout * NSEC_PER_MSEC -
	       (clock_now_ns() - tp->retrans_stamp);
	if (left <= 0)
		return NSEC_PER_MSEC; /* due: at once, a jiffy on */
	return left < tp->rto ? left : tp->rto;
}

/*
 * SYN-SENT gives up once the time that tcp_syn_retries timeouts take,
 * doubling from 1 s up to TCP_RTO_MAX, has passed since the SYN (Linux's
 * tcp_model_timeout(), retransmits_timed_out()): with 2, 7 s.  Within it
 * the first TCP_SYN_LINEAR_RTOS timeouts do not double (Linux 6.18's
 * tcp_syn_linear_timeouts), so more SYNs go in the same time.
 */
static bool tcp_syn_timed_out(struct sock *sk, const struct sk_buff *syn)
{
	int n = tcp_syn_retries(sk), thresh = 6; /* ilog2(120 s / 1 s) */
	int64_t timeout =
		((2LL << min_t(int, n, thresh)) - 1) * TCP_TIMEOUT_INIT;

	if (n > thresh)
		timeout += (int64_t)(n - thresh) * TCP_RTO_MAX;
	return clock_now_ns() - TCP_SKB_CB(syn)->sent >= timeout;
}

static void tcp_retransmit_timer(struct timer_list *t)
{
	struct tcp_sock *tp =
		container_of(t, struct tcp_sock, retransmit_timer);
	struct sock *sk = &tp->inet.sk;
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);
	bool resend = true;
	int limit, defer;

	if (!skb)
		return;
	if (tp->snd_una == tp->snd_nxt) {
		/* Nothing in flight: data waits for the peer's window (the
		 * persist timer).  What fits goes; a closed window is
		 * probed, backing off as a retransmission would. */
		if (tp->send_head && sk->sk_state != TCP_SYN_SENT &&
		    !tcp_write_wakeup(sk)) {
			tp->rto = min_t(int64_t, tp->rto * 2, TCP_RTO_MAX);
			tcp_reset_xmit_timer(sk);
		}
		return;
	}
	limit = (sk->sk_state == TCP_SYN_SENT) ? tcp_syn_retries(sk) :
		(sk->sk_state == TCP_SYN_RECV) ? TCP_SYNACK_RETRIES :
						 TCP_RETRIES2;
	if (tp->user_timeout && tp->retrans_stamp &&
	    clock_now_ns() - tp->retrans_stamp >=
		    (int64_t)tp->user_timeout * NSEC_PER_MSEC) {
		tcp_write_err(sk);
		return;
	}
	/* A half-open connection whose ACK TCP_DEFER_ACCEPT dropped is not
	 * given up before the option's time, and its SYN-ACK not sent again
	 * until the last timeout of it (Linux's syn_ack_recalc()). */
	if (tp->defer_acked && sk->sk_state == TCP_SYN_RECV) {
		defer = tp->parent ? tcp_sk(tp->parent)->defer_accept : 0;
		if (tp->retransmits < defer)
			limit = defer;
		resend = tp->retransmits + 1 >= defer;
	}
	if (sk->sk_state == TCP_SYN_SENT ? tcp_syn_timed_out(sk, skb) :
					   tp->retransmits >= limit) {
		tcp_write_err(sk);
		return;
	}
	if (!tp->retransmits)
		tp->retrans_stamp = clock_now_ns();
	/* RFC 5681 3.1: a timeout restarts slow start. */
	if (tp->snd_una != tp->snd_nxt && sk->sk_state != TCP_SYN_SENT &&
	    sk->sk_state != TCP_SYN_RECV)
		tcp_enter_loss(sk);
	if (resend)
		tcp_retransmit_skb(sk, skb);
	tp->retransmits++;
	if (sk->sk_state != TCP_SYN_SENT ||
	    tp->retransmits > TCP_SYN_LINEAR_RTOS)
		tp->rto = tp->rto * 2 > TCP_RTO_MAX ? TCP_RTO_MAX : tp->rto * 2;
	mod_timer(&tp->retransmit_timer,
		  clock_now_ns() + tcp_clamp_rto_to_user_timeout(sk));
}

static void tcp_delack_timer(struct timer_list *t)
{
	struct tcp_sock *tp = container_of(t, struct tcp_sock, delack_timer);

	if (tp->ack_pending)
		tcp_send_ack(&tp->inet.sk);
}

/* TIME_WAIT ends (RFC 9293 3.10.8: 2 MSL; Linux: 60 s). */
static void tcp_keepalive_timer(struct timer_list *t)
{
	struct tcp_sock *tp = container_of(t, struct tcp_sock, keepalive_timer);
	struct sock *sk = &tp->inet.sk;

	if (sk->sk_state == TCP_TIME_WAIT || sk->sk_state == TCP_FIN_WAIT2)
		tcp_done(sk);
}

void tcp_init_xmit_timers(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	timer_setup(&tp->retransmit_timer, sock_net(sk), tcp_retransmit_timer);
	timer_setup(&tp->delack_timer, sock_net(sk), tcp_delack_timer);
	timer_setup(&tp->keepalive_timer, sock_net(sk), tcp_keepalive_timer);
}

void tcp_time_wait(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tcp_set_state(sk, TCP_TIME_WAIT);
	del_timer(&tp->retransmit_timer);
	mod_timer(&tp->keepalive_timer, clock_now_ns() + TCP_TIMEWAIT_LEN);
	sk->sk_state_change(sk);
}
