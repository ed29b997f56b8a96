/*
 * tcp_timer.c - retransmission (RFC 6298: Karn, exponential backoff,
 * Linux's 200 ms floor and tcp_retries2), delayed ACKs, keepalive probes
 * (RFC 1122 4.2.3.6), and TIME_WAIT.
 *
 * The keepalive timer is also the TIME_WAIT and orphan FIN_WAIT2 timer
 * and the TCP_DEFER_ACCEPT one, as Linux's is (but for TIME_WAIT, which
 * Linux gives a sock of its own): keepalive never arms it in those.
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
 * doubling from 1 s up to TCP_RTO_MAX, has passed since the SYN went
 * (retrans_stamp; Linux's tcp_model_timeout(), retransmits_timed_out()):
 * with 2, 7 s.  Within it
 * the first TCP_SYN_LINEAR_RTOS timeouts do not double (Linux 6.18's
 * tcp_syn_linear_timeouts), so more SYNs go in the same time.
 */
static bool tcp_syn_timed_out(struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	int n = tcp_syn_retries(sk), thresh = 6; /* ilog2(120 s / 1 s) */
	int64_t timeout =
		((2LL << min_t(int, n, thresh)) - 1) * TCP_TIMEOUT_INIT;

	if (n > thresh)
		timeout += (int64_t)(n - thresh) * TCP_RTO_MAX;
	return clock_now_ns() - tp->retrans_stamp >= timeout;
}

/*
 * Linux's tcp_probe_timer() and tcp_send_probe0(): nothing is in flight
 * and data waits.  A closed window is probed (RFC 9293 3.8.6.1); into an
 * open one the data goes now, though Nagle, TCP_CORK, MSG_MORE or a window
 * too small for a whole segment held it
 * (tcp(7)'s 200 ms ceiling of TCP_CORK: this timer runs the RTO, 200 ms
 * at least).  While nothing goes out, or the probes go unanswered (an
 * answer resets probes_out), the timer backs off as a retransmission
 * would, and tcp_retries2 of them end the connection.
 */
static void tcp_probe_timer(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (!tp->send_head)
		return;
	if (tp->probes_out >= TCP_RETRIES2) {
		tcp_write_err(sk);
		return;
	}
	if (sk->sk_state == TCP_SYN_SENT) {
		tcp_push_pending(sk);
	} else {
		/* What fits whole goes; else what of the next segment fits
		 * (the sender's silly window avoidance waits for this), or
		 * a closed window is probed (tcp_write_wakeup()). */
		tcp_push_pending(sk);
		if (tp->snd_nxt == tp->snd_una)
			tcp_write_wakeup(sk);
	}
	if (tp->snd_nxt != tp->snd_una) {
		tp->probes_out = 0;
		return;
	}
	tp->probes_out++;
	tp->rto = min_t(int64_t, tp->rto * 2, TCP_RTO_MAX);
	tcp_reset_xmit_timer(sk);
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
		tcp_probe_timer(sk);
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
	if (sk->sk_state == TCP_SYN_SENT ? tcp_syn_timed_out(sk) :
					   tp->retransmits >= limit) {
		tcp_write_err(sk);
		return;
	}
	if (!tp->retrans_stamp)
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

/* ---- keepalive ------------------------------------------------------------ */

static int64_t keepalive_time_when(const struct tcp_sock *tp)
{
	return (int64_t)tp->keepidle * NSEC_PER_SEC;
}

/* Whether the keepalive timer is keepalive's: not in the states where it
 * times something else, nor where Linux has no keepalive (CLOSE, LISTEN;
 * a socket in TIME_WAIT is CLOSE to Linux, its tw sock being apart). */
static bool tcp_keepalive_owns_timer(const struct sock *sk)
{
	return sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_LISTEN &&
	       sk->sk_state != TCP_TIME_WAIT &&
	       !(sk->sk_state == TCP_FIN_WAIT2 && sock_flag(sk, SOCK_DEAD));
}

/* Idle time counts from the establishment (Linux's tcp_init_transfer()
 * and tcp_finish_connect(), or the creation of an accepted child). */
void tcp_keepalive_start(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->rcv_tstamp = clock_now_ns();
	tp->probes_out = 0;
	if (sock_flag(sk, SOCK_KEEPOPEN))
		mod_timer(&tp->keepalive_timer,
			  tp->rcv_tstamp + keepalive_time_when(tp));
	else
		del_timer(&tp->keepalive_timer);
}

/* Linux's tcp_ack(): any acceptable ACK, a probe's answer among them,
 * shows the peer alive.  The timer is not touched: it measures idle
 * time from rcv_tstamp when it fires. */
void tcp_keepalive_ack(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->rcv_tstamp = clock_now_ns();
	tp->probes_out = 0;
}

/* Linux's tcp_set_keepalive(): turning it on starts a full idle period,
 * turning it off stops the timer. */
void tcp_set_keepalive(struct sock *sk, int val)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (!tcp_keepalive_owns_timer(sk))
		return;
	if (val && !sock_flag(sk, SOCK_KEEPOPEN))
		mod_timer(&tp->keepalive_timer,
			  clock_now_ns() + keepalive_time_when(tp));
	else if (!val)
		del_timer(&tp->keepalive_timer);
}

/* Linux's tcp_sock_set_keepidle_locked(): the new idle time counts from
 * the last ACK, so a connection already idle that long is probed now. */
void tcp_keepidle_changed(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int64_t now = clock_now_ns(), elapsed = now - tp->rcv_tstamp;
	int64_t when = keepalive_time_when(tp);

	if (!sock_flag(sk, SOCK_KEEPOPEN) || !tcp_keepalive_owns_timer(sk))
		return;
	mod_timer(&tp->keepalive_timer,
		  now + (when > elapsed ? when - elapsed : 0));
}

/*
 * Linux's tcp_keepalive_timer(): once the connection has been idle for
 * TCP_KEEPIDLE with nothing in flight or waiting, probe every
 * TCP_KEEPINTVL; TCP_KEEPCNT probes unanswered (or, with
 * TCP_USER_TIMEOUT, that much idle time and at least one probe) reset it
 * with ETIMEDOUT.  An answer moves rcv_tstamp, so the next probe comes a
 * whole idle period after it.
 */
static void tcp_keepalive_probe(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int64_t now = clock_now_ns(), when = keepalive_time_when(tp);
	int64_t elapsed = now - tp->rcv_tstamp;

	if (!sock_flag(sk, SOCK_KEEPOPEN) || sk->sk_state == TCP_SYN_SENT ||
	    !tcp_keepalive_owns_timer(sk))
		return;
	if (!skb_queue_empty(&sk->sk_write_queue)) {
		/* Alive without keepalive: the retransmission timer
		 * watches what is in flight. */
		mod_timer(&tp->keepalive_timer, now + when);
		return;
	}
	if (elapsed < when) {
		mod_timer(&tp->keepalive_timer, now + when - elapsed);
		return;
	}
	if (tp->user_timeout ?
		    elapsed >= (int64_t)tp->user_timeout * NSEC_PER_MSEC &&
			    tp->probes_out > 0 :
		    tp->probes_out >= tp->keepcnt) {
		tcp_send_active_reset(sk);
		tcp_write_err(sk);
		return;
	}
	/* Linux's tcp_write_wakeup() with an empty write queue. */
	tcp_send_probe(sk);
	tp->probes_out++;
	mod_timer(&tp->keepalive_timer,
		  now + (int64_t)tp->keepintvl * NSEC_PER_SEC);
}

/* The keepalive timer: a deferred child's wait, TIME_WAIT (RFC 9293
 * 3.10.8: 2 MSL; Linux: 60 s), an orphan's FIN_WAIT2, or keepalive. */
static void tcp_keepalive_timer(struct timer_list *t)
{
	struct tcp_sock *tp = container_of(t, struct tcp_sock, keepalive_timer);
	struct sock *sk = &tp->inet.sk;

	if (sk->sk_state == TCP_TIME_WAIT ||
	    (sk->sk_state == TCP_FIN_WAIT2 && sock_flag(sk, SOCK_DEAD)))
		tcp_done(sk);
	else
		tcp_keepalive_probe(sk);
}

void tcp_fin_wait2_orphan(struct sock *sk)
{
	int ms = tcp_fin_time(sk);

	if (ms < 0) {
		tcp_send_active_reset(sk);
		tcp_done(sk);
		return;
	}
	mod_timer(&tcp_sk(sk)->keepalive_timer,
		  clock_now_ns() + (int64_t)ms * NSEC_PER_MSEC);
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
