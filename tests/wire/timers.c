/*
 * timers.c - wire tests of the timers of a connection: the delayed ACK,
 * the retransmission timeout (RFC 6298: the 200 ms minimum, backoff,
 * Karn), the retransmission limits that end in ETIMEDOUT (tcp_retries2,
 * TCP_USER_TIMEOUT) and the zero-window probe.  SYN and SYN-ACK
 * retransmission are in syn_sent.c and listen.c, FIN-WAIT-2 and TIME-WAIT
 * in close.c.
 *
 * Linux's behaviour quoted here was checked against Linux 6.18 playing the
 * stack over a tun device (linux_peer.py), the peer injected as here.
 */
#include <sys/ioctl.h>
#include <linux/sockios.h>

#include "wire.h"

/* A passive open whose handshake took @rtt (the SYN-ACK's ACK arrives
 * that long after it): the connection's first RTT sample. */
static void open_with_rtt(struct wire_conn *c, int64_t rtt)
{
	wire_listen(c, 80, 16);
	wire_syn(c);
	wire_advance(rtt);
	wire_in(c, ".", 1, 1);
	wire_accept(c);
}

/* The retransmissions of the segment [@seq, @seq + @len) at @at (ms
 * since t=0, ascending), nothing in between. */
static void retransmitted_at(struct wire_conn *c, uint32_t seq, uint32_t len,
			     const int64_t *at, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		wire_advance(MS(at[i]) - wire_now() - 1);
		wire_out_none();
		wire_advance(1);
		wire_out(c, "P.", seq, 1, .len = len);
	}
}

/* The connection dies at @at ms, silently, and the socket reports
 * ETIMEDOUT. */
static void etimedout_at(struct wire_conn *c, int64_t at)
{
	wire_advance(MS(at) - wire_now() - 1);
	wire_assert_state(c, TCP_ESTABLISHED);
	wire_advance(1);
	wire_out_none();
	wire_assert_state(c, TCP_CLOSE);
	wire_recv_fails(c, ETIMEDOUT);
}

/* RFC 1122 4.2.3.2 (an ACK may be delayed, less than 0.5 s) with Linux's
 * delay: past the quick-ACKs, a lone segment is ACKed 40 ms after it
 * arrived (TCP_ATO_MIN / TCP_DELACK_MIN), not before. */
WIRE_TEST(timers, delayed_ack_40ms)
{
	struct wire_conn c;
	int64_t t;

	wire_passive_open(&c, 80);
	wire_spend_quickacks(&c);
	wire_in(&c, "P.", 1601, 1, .len = 100);
	t = wire_now();
	wire_advance(MS(40) - 1);
	wire_out_none();
	wire_advance(1);
	wire_out(&c, ".", 1, 1701, .at = t + MS(40));
	wire_advance(SEC(1));
	wire_out_none();
}

/* RFC 6298 2.4 with Linux's TCP_RTO_MIN (200 ms): after a handshake with
 * no measurable RTT, the first retransmission of data is 200 ms after it
 * was sent; then the timeout doubles (RFC 6298 5.5): 200, 600, 1400 ms.
 * The ACK ends it. */
WIRE_TEST(timers, rto_200ms_minimum_and_backoff)
{
	static const int64_t at[] = { 200, 600, 1400 };
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_send_pattern(c.fd, 1, 100, 0);
	wire_out(&c, "P.", 1, 1, .len = 100);
	retransmitted_at(&c, 1, 100, at, 3);
	wire_in(&c, ".", 1, 101);
	wire_advance(SEC(10));
	wire_out_none();
}

/* RFC 6298 2.2: the first RTT sample R gives SRTT = R, RTTVAR = R/2 and
 * RTO = SRTT + 4 RTTVAR = 3R: with a 100 ms handshake, 300 ms (Linux's
 * SRTT + max(2R, 200 ms) is the same here). */
WIRE_TEST(timers, rto_from_first_rtt_sample)
{
	static const int64_t at[] = { 400, 1000 };
	struct wire_conn c;

	open_with_rtt(&c, MS(100));
	wire_send_pattern(c.fd, 1, 100, 0);
	wire_out(&c, "P.", 1, 1, .len = 100);
	retransmitted_at(&c, 1, 100, at, 2);
}

/* Linux applies its 200 ms minimum to the variance term, not to the RTO:
 * RTO = SRTT + max(RTTVAR term, TCP_RTO_MIN) (tcp_rtt_estimator(),
 * __tcp_set_rto()); after a 10 ms handshake that is 210 ms. */
WIRE_TEST(timers, rto_minimum_on_the_variance_as_linux)
{
	static const int64_t at[] = { 10 + 210 };
	struct wire_conn c;

	open_with_rtt(&c, MS(10));
	wire_send_pattern(c.fd, 1, 100, 0);
	wire_out(&c, "P.", 1, 1, .len = 100);
	retransmitted_at(&c, 1, 100, at, 1);
}

/* RFC 6298 5 and Karn's algorithm (RFC 6298 3): the ACK of a
 * retransmitted segment gives no RTT sample, so the backed-off RTO
 * (400 ms) stays for the next data until a fresh sample comes (Linux
 * keeps icsk_rto doubled likewise). */
WIRE_TEST(timers, karn_keeps_backed_off_rto)
{
	static const int64_t first[] = { 200 };
	static const int64_t next[] = { 500 + 400 };
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_send_pattern(c.fd, 1, 100, 0);
	wire_out(&c, "P.", 1, 1, .len = 100);
	retransmitted_at(&c, 1, 100, first, 1);
	wire_advance(MS(300));
	wire_in(&c, ".", 1, 101); /* 300 ms after the retransmission */
	wire_send_pattern(c.fd, 101, 100, 0);
	wire_out(&c, "P.", 101, 1, .len = 100);
	retransmitted_at(&c, 101, 100, next, 1);
}

/* RFC 9293 3.8.3 (R2) with Linux's tcp_retries2 (15): the segment is
 * retransmitted 15 times, the RTO doubling from 200 ms up to
 * TCP_RTO_MAX (120 s); when the 16th timeout ends, 924.6 s after it was
 * first sent (Linux's deadline, tcp_model_timeout()), the connection is
 * dropped without a RST and the socket reports ETIMEDOUT. */
WIRE_TEST(timers, retries2_then_etimedout)
{
	static const int64_t at[] = {
		200,	600,	1400,	3000,	6200,	12600,	25400,	51000,
		102200, 204600, 324600, 444600, 564600, 684600, 804600,
	};
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_send_pattern(c.fd, 1, 100, 0);
	wire_out(&c, "P.", 1, 1, .len = 100);
	retransmitted_at(&c, 1, 100, at, 15);
	etimedout_at(&c, 924600);
}

/* TCP_USER_TIMEOUT (RFC 5482; Linux): the connection dies with ETIMEDOUT
 * once data has gone unacknowledged that long, counted from the first
 * retransmission (as Linux 6.18 counts it), at the next timeout: with
 * 1200 ms, retransmissions at 200 and 600 ms, ETIMEDOUT at 1400 ms. */
WIRE_TEST(timers, user_timeout_etimedout)
{
	static const int64_t at[] = { 200, 600 };
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_setsockopt_int(c.fd, IPPROTO_TCP, TCP_USER_TIMEOUT, 1200);
	wire_send_pattern(c.fd, 1, 100, 0);
	wire_out(&c, "P.", 1, 1, .len = 100);
	retransmitted_at(&c, 1, 100, at, 2);
	etimedout_at(&c, 1400);
}

/* Linux shortens the last timeout to end with TCP_USER_TIMEOUT
 * (tcp_clamp_rto_to_user_timeout()): with 1000 ms, ETIMEDOUT comes at
 * 1200 ms (the first retransmission + 1000), not at the next timeout. */
WIRE_TEST(timers, user_timeout_clamps_the_rto)
{
	static const int64_t at[] = { 200, 600 };
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_setsockopt_int(c.fd, IPPROTO_TCP, TCP_USER_TIMEOUT, 1000);
	wire_send_pattern(c.fd, 1, 100, 0);
	wire_out(&c, "P.", 1, 1, .len = 100);
	retransmitted_at(&c, 1, 100, at, 2);
	etimedout_at(&c, 1200);
}

/* RFC 9293 3.8.6.1 and RFC 1122 4.2.2.17: with the peer's window closed
 * and data waiting, the sender probes it; Linux's probe
 * (tcp_xmit_probe_skb()) is an ACK at SND.UNA - 1 with no data, which the
 * peer must answer, sent an RTO after the data was queued (200 ms) and
 * then backing off (400, 800 ms).  A window update sends the data. */
WIRE_TEST(timers, zero_window_probes)
{
	struct wire_conn c;
	int64_t t;

	wire_passive_open(&c, 80);
	wire_send_pattern(c.fd, 1, 100, 0);
	wire_out(&c, "P.", 1, 1, .len = 100);
	wire_in(&c, ".", 1, 101, .win = WIRE_WIN(0));
	wire_send_pattern(c.fd, 101, 100, 0);
	wire_out_none();
	t = wire_now();
	wire_advance(MS(200));
	wire_out(&c, ".", 100, 1, .at = t + MS(200));
	wire_in(&c, ".", 1, 101, .win = WIRE_WIN(0));
	wire_advance(MS(400));
	wire_out(&c, ".", 100, 1, .at = t + MS(600));
	wire_in(&c, ".", 1, 101, .win = WIRE_WIN(0));
	wire_advance(MS(800));
	wire_out(&c, ".", 100, 1, .at = t + MS(1400));
	wire_in(&c, ".", 1, 101, .win = WIRE_WIN(1000));
	wire_out(&c, "P.", 101, 1, .len = 100);
}

static struct tcp_info info_of(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	cr_assert_eq(usnet_getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len), 0);
	return ti;
}

static int outq_of(int fd)
{
	int n = -1;

	cr_assert_eq(usnet_ioctl(fd, SIOCOUTQ, &n), 0);
	return n;
}

/* TCP_INFO and SIOCOUTQ follow what the wire shows (Linux's values for
 * the same exchange): after a 100 ms handshake SRTT 100 ms, RTTVAR 50 ms,
 * RTO 300 ms; a timeout counts a retransmission and doubles the RTO,
 * which Karn keeps after the ACK, when retransmits returns to 0. */
WIRE_TEST(timers, tcp_info_follows_rtt_and_retransmissions)
{
	struct wire_conn c;
	struct tcp_info ti;

	open_with_rtt(&c, MS(100));
	ti = info_of(c.fd);
	cr_assert_eq(ti.tcpi_state, TCP_ESTABLISHED);
	cr_assert_eq(ti.tcpi_rtt, 100000);
	cr_assert_eq(ti.tcpi_rttvar, 50000);
	cr_assert_eq(ti.tcpi_rto, 300000);
	cr_assert_eq(ti.tcpi_snd_mss, 1460);
	cr_assert_eq(ti.tcpi_snd_cwnd, 10);
	cr_assert_eq(ti.tcpi_total_retrans, 0);
	wire_send_pattern(c.fd, 1, 100, 0);
	wire_out(&c, "P.", 1, 1, .len = 100);
	cr_assert_eq(outq_of(c.fd), 100);
	wire_advance(MS(300));
	wire_out(&c, "P.", 1, 1, .len = 100);
	ti = info_of(c.fd);
	cr_assert_eq(ti.tcpi_retransmits, 1);
	cr_assert_eq(ti.tcpi_total_retrans, 1);
	cr_assert_eq(ti.tcpi_rto, 600000);
	cr_assert_eq(ti.tcpi_snd_cwnd, 1);
	wire_in(&c, ".", 1, 101);
	cr_assert_eq(outq_of(c.fd), 0);
	ti = info_of(c.fd);
	cr_assert_eq(ti.tcpi_retransmits, 0);
	cr_assert_eq(ti.tcpi_total_retrans, 1);
	cr_assert_eq(ti.tcpi_rto, 600000);
}
