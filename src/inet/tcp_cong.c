/*
 * tcp_cong.c - congestion control behind an ops table (Linux's
 * tcp_congestion_ops): the algorithms a socket can choose with
 * TCP_CONGESTION, NewReno (RFC 5681, RFC 6582) and CUBIC (RFC 9438, the
 * default, as on Linux).
 *
 * tcp_input.c owns loss detection and recovery (fast retransmit, the RTO
 * in tcp_timer.c); an algorithm only says how far the window falls on a
 * congestion event (ssthresh) and how it grows on an ACK (cong_avoid).
 * Windows are in segments, as Linux's snd_cwnd.
 */
#include <math.h>
#include <string.h>

#include "inet/tcp.h"
#include "lib/clock.h"

/* ---- NewReno --------------------------------------------------------------- */

/* RFC 5681 3.1 equation (4), as Linux's tcp_reno_ssthresh(): half the
 * window, at least two segments. */
static uint32_t tcp_reno_ssthresh(struct sock *sk)
{
	uint32_t half = tcp_sk(sk)->snd_cwnd >> 1;

	return half > 2 ? half : 2;
}

/* Slow start (RFC 5681 3.1): one segment per segment acknowledged, up to
 * ssthresh; returns the acknowledged segments left over. */
static uint32_t tcp_slow_start(struct tcp_sock *tp, uint32_t acked)
{
	uint32_t cwnd = tp->snd_cwnd + acked;

	if (cwnd > tp->snd_ssthresh)
		cwnd = tp->snd_ssthresh;
	acked -= cwnd - tp->snd_cwnd;
	tp->snd_cwnd = cwnd;
	return acked;
}

/* Congestion avoidance: one segment per @w segments acknowledged (Linux's
 * tcp_cong_avoid_ai()). */
static void tcp_cong_avoid_ai(struct tcp_sock *tp, uint32_t w, uint32_t acked)
{
	if (tp->cwnd_cnt >= w) {
		tp->cwnd_cnt = 0;
		tp->snd_cwnd++;
	}
	tp->cwnd_cnt += acked;
	if (tp->cwnd_cnt >= w) {
		tp->snd_cwnd += tp->cwnd_cnt / w;
		tp->cwnd_cnt %= w;
	}
}

static void tcp_reno_cong_avoid(struct sock *sk, uint32_t acked)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (tp->snd_cwnd < tp->snd_ssthresh) {
		acked = tcp_slow_start(tp, acked);
		if (!acked)
			return;
	}
	tcp_cong_avoid_ai(tp, tp->snd_cwnd, acked);
}

static const struct tcp_congestion_ops tcp_reno = {
	.name = "reno",
	.ssthresh = tcp_reno_ssthresh,
	.cong_avoid = tcp_reno_cong_avoid,
};

/* ---- CUBIC (RFC 9438) ---------------------------------------------------- */

#define CUBIC_C	   0.4 /* RFC 9438 4.1, segments / s^3 */
#define CUBIC_BETA 0.7 /* RFC 9438 4.6 */

struct cubic {
	double w_max;	     /* the window before the last reduction */
	double k;	     /* s until the curve is back at w_max (4.2) */
	double origin;	     /* the plateau of the curve */
	double w_est;	     /* the Reno-friendly estimate (4.3) */
	int64_t epoch_start; /* ns; 0: no congestion-avoidance epoch */
	int64_t rtt_min;     /* ns, the smallest RTT sample */
};

static struct cubic *cubic_of(struct sock *sk)
{
	_Static_assert(sizeof(struct cubic) <= sizeof(tcp_sk(sk)->ca_priv),
		       "struct cubic outgrows ca_priv");
	return (struct cubic *)tcp_sk(sk)->ca_priv;
}

static void cubic_init(struct sock *sk)
{
	memset(cubic_of(sk), 0, sizeof(struct cubic));
}

/* RFC 9438 4.6 and 4.7 (fast convergence): remember where the loss came
 * and fall to beta of it. */
static uint32_t cubic_ssthresh(struct sock *sk)
{
	struct cubic *ca = cubic_of(sk);
	uint32_t cwnd = tcp_sk(sk)->snd_cwnd;
	/* beta as Linux's 717/1024, so that the window lands on whole
	 * segments the same way */
	uint32_t ssthresh = (uint32_t)(((uint64_t)cwnd * 717) >> 10);

	ca->epoch_start = 0;
	if (cwnd < ca->w_max)
		ca->w_max = cwnd * (1.0 + CUBIC_BETA) / 2.0;
	else
		ca->w_max = cwnd;
	return ssthresh > 2 ? ssthresh : 2;
}

/* RFC 9438 4.2-4.4: the window the curve reaches one RTT from now, or the
 * Reno-friendly one when that is larger; grow towards it over this RTT. */
static void cubic_cong_avoid(struct sock *sk, uint32_t acked)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct cubic *ca = cubic_of(sk);
	int64_t now = clock_now_ns();
	double cwnd, t, target, rtt;
	uint32_t cnt;

	if (tp->snd_cwnd < tp->snd_ssthresh) {
		acked = tcp_slow_start(tp, acked);
		if (!acked)
			return;
	}
	cwnd = tp->snd_cwnd;
	if (!ca->epoch_start) {
		ca->epoch_start = now;
		ca->w_est = cwnd;
		if (cwnd < ca->w_max) {
			ca->k = cbrt((ca->w_max - cwnd) / CUBIC_C);
			ca->origin = ca->w_max;
		} else {
			ca->k = 0;
			ca->origin = cwnd;
		}
	}
	rtt = (double)(ca->rtt_min ? ca->rtt_min : tp->srtt) / NSEC_PER_SEC;
	t = (double)(now - ca->epoch_start) / NSEC_PER_SEC + rtt - ca->k;
	target = ca->origin + CUBIC_C * t * t * t;
	/* 4.3: alpha = 3 (1 - beta) / (1 + beta) per window. */
	ca->w_est +=
		3.0 * (1.0 - CUBIC_BETA) / (1.0 + CUBIC_BETA) * acked / cwnd;
	if (target < ca->w_est)
		target = ca->w_est;
	/* 4.4: at most half the window more per RTT. */
	if (target > 1.5 * cwnd)
		target = 1.5 * cwnd;
	if (target > cwnd)
		cnt = (uint32_t)(cwnd / (target - cwnd));
	else
		cnt = 100 * tp->snd_cwnd; /* hold (Linux's bictcp) */
	tcp_cong_avoid_ai(tp, cnt ? cnt : 1, acked);
}

static void cubic_pkts_acked(struct sock *sk, int64_t rtt)
{
	struct cubic *ca = cubic_of(sk);

	if (rtt > 0 && (!ca->rtt_min || rtt < ca->rtt_min))
		ca->rtt_min = rtt;
}

/* After a timeout the curve starts again from the new window. */
static void cubic_loss(struct sock *sk)
{
	struct cubic *ca = cubic_of(sk);

	ca->epoch_start = 0;
}

static const struct tcp_congestion_ops tcp_cubic = {
	.name = "cubic",
	.init = cubic_init,
	.ssthresh = cubic_ssthresh,
	.cong_avoid = cubic_cong_avoid,
	.pkts_acked = cubic_pkts_acked,
	.loss = cubic_loss,
};

/* ---- the table ----------------------------------------------------------- */

static const struct tcp_congestion_ops *const tcp_ca_table[] = {
	&tcp_cubic, /* the default */
	&tcp_reno,
};

const struct tcp_congestion_ops *tcp_ca_default(void)
{
	return tcp_ca_table[0];
}

const struct tcp_congestion_ops *tcp_ca_find(const char *name)
{
	for (size_t i = 0; i < sizeof(tcp_ca_table) / sizeof(*tcp_ca_table);
	     i++)
		if (!strcmp(tcp_ca_table[i]->name, name))
			return tcp_ca_table[i];
	return NULL;
}

void tcp_set_ca(struct sock *sk, const struct tcp_congestion_ops *ops)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->ca_ops = ops;
	memset(tp->ca_priv, 0, sizeof(tp->ca_priv));
	if (ops->init)
		ops->init(sk);
}

/* A congestion event (three duplicate ACKs, or SACKed data past a hole):
 * the algorithm's ssthresh, the window to it (RFC 5681 3.2 step 2). */
void tcp_ca_enter_recovery(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->snd_ssthresh = tp->ca_ops->ssthresh(sk);
	tp->cwnd_cnt = 0;
}

/* A retransmission timeout (RFC 5681 3.1 equation (4), then one
 * segment). */
void tcp_ca_enter_loss(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->snd_ssthresh = tp->ca_ops->ssthresh(sk);
	tp->snd_cwnd = 1;
	tp->cwnd_cnt = 0;
	if (tp->ca_ops->loss)
		tp->ca_ops->loss(sk);
}

void tcp_ca_acked(struct sock *sk, uint32_t acked, int64_t rtt)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (tp->ca_ops->pkts_acked)
		tp->ca_ops->pkts_acked(sk, rtt);
	if (acked)
		tp->ca_ops->cong_avoid(sk, acked);
}
