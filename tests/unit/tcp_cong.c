/*
 * tcp_cong.c - the congestion-control algorithms behind TCP_CONGESTION,
 * driven directly: a tcp_sock in congestion avoidance, acknowledged a
 * window per RTT on the virtual clock, against the curves of RFC 5681
 * (NewReno: ssthresh half the window, one segment more per RTT) and
 * RFC 9438 (CUBIC: beta 0.7, W(t) = C (t - K)^3 + W_max, back at W_max
 * after K seconds, fast convergence).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include <usnet/net.h>

#include "inet/tcp.h"

#define MS 1000000LL

static struct tcp_sock tp;

static struct sock *sk_of(const char *name)
{
	const struct tcp_congestion_ops *ops = tcp_ca_find(name);

	cr_assert_not_null(ops, "%s", name);
	memset(&tp, 0, sizeof(tp));
	tcp_set_ca(&tp.inet.sk, ops);
	tp.snd_ssthresh = 1000000;
	return &tp.inet.sk;
}

/* A congestion event at @cwnd segments, then the window after recovery
 * (RFC 6582 3.2 step 3: cwnd = ssthresh). */
static void loss_at(struct sock *sk, uint32_t cwnd)
{
	tp.snd_cwnd = cwnd;
	tcp_ca_enter_recovery(sk);
	tp.snd_cwnd = tp.snd_ssthresh;
}

/* One RTT: every segment of the window acknowledged, one ACK each. */
static void one_rtt(struct sock *sk, int64_t rtt)
{
	uint32_t n = tp.snd_cwnd;

	cr_assert_eq(usnet_clock_advance(rtt), 0);
	for (uint32_t i = 0; i < n; i++)
		tcp_ca_acked(sk, 1, rtt);
}

Test(tcp_cong, table)
{
	cr_assert_str_eq(tcp_ca_default()->name, "cubic");
	cr_assert_not_null(tcp_ca_find("reno"));
	cr_assert_null(tcp_ca_find("Reno"));
	cr_assert_null(tcp_ca_find(""));
}

/* RFC 5681 3.1: slow start doubles the window per RTT up to ssthresh. */
Test(tcp_cong, slow_start_to_ssthresh)
{
	const char *names[] = { "reno", "cubic" };

	cr_assert_eq(usnet_clock_virtual(0), 0);
	for (int i = 0; i < 2; i++) {
		struct sock *sk = sk_of(names[i]);

		tp.snd_cwnd = 10;
		tp.snd_ssthresh = 30;
		one_rtt(sk, 10 * MS);
		cr_assert_eq(tp.snd_cwnd, 20, "%s", names[i]);
		tcp_ca_acked(sk, 15, 10 * MS); /* stops at ssthresh */
		cr_assert_geq(tp.snd_cwnd, 30, "%s", names[i]);
		cr_assert_leq(tp.snd_cwnd, 31, "%s", names[i]);
	}
}

/* NewReno: half the window on a loss, then one segment per RTT. */
Test(tcp_cong, reno_halves_then_grows_one_per_rtt)
{
	struct sock *sk;

	cr_assert_eq(usnet_clock_virtual(0), 0);
	sk = sk_of("reno");
	loss_at(sk, 100);
	cr_assert_eq(tp.snd_ssthresh, 50);
	for (int r = 1; r <= 10; r++) {
		one_rtt(sk, 100 * MS);
		cr_assert_eq(tp.snd_cwnd, 50u + (uint32_t)r);
	}
	loss_at(sk, 3); /* never below two segments */
	cr_assert_eq(tp.snd_ssthresh, 2);
}

/* CUBIC: beta 0.7; the window climbs back to W_max after K seconds, K =
 * cbrt(W_max (1 - beta) / C) (RFC 9438 4.2), concave before, convex
 * after. */
Test(tcp_cong, cubic_returns_to_wmax_after_k)
{
	double k = cbrt(1000 * 0.3 / 0.4); /* 9.09 s */
	int64_t rtt = 100 * MS, t = 0;
	uint32_t at_half_k = 0, at_k = 0;
	struct sock *sk;

	cr_assert_eq(usnet_clock_virtual(0), 0);
	sk = sk_of("cubic");
	/* rtt_min for the curve */
	tcp_ca_acked(sk, 0, rtt);
	loss_at(sk, 1000);
	cr_assert_eq(tp.snd_ssthresh, 700);
	while (t < (int64_t)(1.5 * k * 1e9)) {
		one_rtt(sk, rtt);
		t += rtt;
		if (!at_half_k && t >= (int64_t)(k * 1e9 / 2))
			at_half_k = tp.snd_cwnd;
		if (!at_k && t >= (int64_t)(k * 1e9))
			at_k = tp.snd_cwnd;
	}
	/* W(K/2) = 1000 - 0.4 (K/2)^3 = 962.5: most of the way back. */
	cr_assert(at_half_k > 940 && at_half_k < 985, "W(K/2) = %u", at_half_k);
	cr_assert(at_k >= 990 && at_k <= 1020, "W(K) = %u", at_k);
	/* W(1.5 K) = 1000 + 0.4 (K/2)^3 = 1037.5 */
	cr_assert(tp.snd_cwnd > 1020 && tp.snd_cwnd < 1060, "W(1.5K) = %u",
		  tp.snd_cwnd);
}

/* RFC 9438 4.7: a loss below the last W_max remembers less of it (fast
 * convergence: W_max = cwnd (1 + beta) / 2), so the curve's plateau is
 * lower than where the loss came. */
Test(tcp_cong, cubic_fast_convergence)
{
	int64_t rtt = 100 * MS;
	struct sock *sk;
	uint32_t peak = 0;

	cr_assert_eq(usnet_clock_virtual(0), 0);
	sk = sk_of("cubic");
	tcp_ca_acked(sk, 0, rtt);
	loss_at(sk, 1000);
	loss_at(sk, 700); /* below 1000: W_max = 595 */
	cr_assert_eq(tp.snd_ssthresh, 490);
	/* K = cbrt(595 * 0.3 / 0.4) = 6.4 s: near the plateau then. */
	for (int r = 0; r < 64; r++)
		one_rtt(sk, rtt);
	peak = tp.snd_cwnd;
	cr_assert(peak > 580 && peak < 610, "plateau %u", peak);
}

/* RFC 9438 4.3: with a short RTT the Reno-friendly estimate leads:
 * the window grows at least as fast as NewReno with beta 0.7 would
 * (alpha = 3 (1 - beta) / (1 + beta) = 0.53 segments per RTT). */
Test(tcp_cong, cubic_reno_friendly_region)
{
	int64_t rtt = 1 * MS;
	struct sock *sk;

	cr_assert_eq(usnet_clock_virtual(0), 0);
	sk = sk_of("cubic");
	tcp_ca_acked(sk, 0, rtt);
	loss_at(sk, 100);
	cr_assert_eq(tp.snd_ssthresh, 70);
	/* 200 RTTs are 0.2 s: the cubic curve has barely left its
	 * plateau (K is 4.2 s), while the Reno-friendly estimate has gained
	 * 200 x 0.53 = 106 segments. */
	for (int r = 0; r < 200; r++)
		one_rtt(sk, rtt);
	cr_assert_geq(tp.snd_cwnd, 70 + 100, "cwnd %u", tp.snd_cwnd);
}

/* A timeout: one segment, ssthresh from the algorithm (RFC 5681 3.1). */
Test(tcp_cong, loss_restarts_from_one_segment)
{
	struct sock *sk;

	cr_assert_eq(usnet_clock_virtual(0), 0);
	sk = sk_of("cubic");
	tp.snd_cwnd = 100;
	tcp_ca_enter_loss(sk);
	cr_assert_eq(tp.snd_cwnd, 1);
	cr_assert_eq(tp.snd_ssthresh, 70);
	sk = sk_of("reno");
	tp.snd_cwnd = 100;
	tcp_ca_enter_loss(sk);
	cr_assert_eq(tp.snd_cwnd, 1);
	cr_assert_eq(tp.snd_ssthresh, 50);
}
