/*
 * established.c - wire tests of ESTABLISHED, receiving: ACK generation
 * (quick-ACK, every second full segment), the out-of-order queue, the
 * first checks of RFC 9293 3.10.7.4 (sequence, RST, SYN, ACK) and RFC
 * 5961's challenge ACKs.
 *
 * Linux's behaviour quoted here was checked against Linux 6.18 playing the
 * stack over a tun device (linux_peer.py), the peer injected as here.
 */
#include "wire.h"

/* RFC 9293 3.10.7.4, seventh, and RFC 1122 4.2.3.2: data in order is
 * queued for the reader and acknowledged; a new connection ACKs at once
 * (Linux's quick-ACK mode), with the window it has. */
WIRE_TEST(established, data_acked_at_once_at_start)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_in(&c, "P.", 1, 1, .len = 100);
	wire_out(&c, ".", 1, 101);
	wire_in(&c, "P.", 101, 1, .len = 200);
	wire_out(&c, ".", 1, 301);
	wire_recv_pattern(&c, 1, 300);
	wire_out_none();
}

/* RFC 1122 4.2.3.2 and RFC 5681 4.2: in a stream of full-sized segments
 * an ACK goes for at least every second one, at once (Linux's
 * __tcp_ack_snd_check(): more than one full segment unacknowledged). */
WIRE_TEST(established, ack_every_second_full_segment)
{
	struct wire_conn c;
	uint32_t seq;

	wire_passive_open(&c, 80);
	wire_spend_quickacks(&c);
	seq = c.snd_nxt;
	for (int i = 0; i < 3; i++) {
		wire_in(&c, ".", seq, 1, .len = 1460);
		wire_out_none();
		wire_advance(MS(5));
		wire_in(&c, ".", seq + 1460, 1, .len = 1460);
		wire_out(&c, ".", 1, seq + 2920);
		wire_advance(MS(5));
		seq += 2920;
	}
}

/* 100-byte segments from the stack's peer, past the quick-ACKs, at @at
 * (ms after the first), nothing answered but the last, when @last_acked. */
static uint32_t small_segments(struct wire_conn *c, const int *at, int n,
			       bool last_acked)
{
	int64_t t = wire_now();
	uint32_t seq = c->snd_nxt;

	for (int i = 0; i < n; i++) {
		wire_advance(t + MS(at[i]) - wire_now());
		wire_in(c, "P.", seq + 100 * (uint32_t)i, 1, .len = 100);
		if (i < n - 1 || !last_acked)
			wire_out_none();
	}
	return seq + 100 * (uint32_t)n;
}

/* RFC 1122 4.2.3.2 asks for an ACK for every second *full-sized* segment;
 * small segments wait for the delayed-ACK timer, as long as no more than
 * one of the peer's full segments is unacknowledged (Linux's
 * __tcp_ack_snd_check(), against the segment size it measured): three
 * segments of 100 bytes 10 ms apart, one ACK 40 ms after the first. */
WIRE_TEST(established, small_segments_wait_for_delayed_ack)
{
	static const int at[] = { 0, 10, 20 };
	struct wire_conn c;
	uint32_t end;
	int64_t t;

	wire_passive_open(&c, 80);
	wire_spend_quickacks(&c);
	t = wire_now();
	end = small_segments(&c, at, 3, false);
	wire_advance(t + MS(40) - 1 - wire_now());
	wire_out_none();
	wire_advance(1);
	wire_out(&c, ".", 1, end);
}

/* Linux does not wait for a delayed-ACK timer that would run within a
 * quarter of its delay (tcp_send_delayed_ack()): a segment arriving 35 ms
 * after the one that armed it, 5 ms before the timer, is ACKed at once. */
WIRE_TEST(established, delayed_ack_not_waited_for_near_its_timer)
{
	static const int at[] = { 0, 10, 20, 35 };
	struct wire_conn c;
	uint32_t end;

	wire_passive_open(&c, 80);
	wire_spend_quickacks(&c);
	end = small_segments(&c, at, 4, true);
	wire_out(&c, ".", 1, end);
	wire_advance(SEC(1));
	wire_out_none();
}

/* Past the quick-ACKs (1600 bytes in), segments at 1701 and 1901 leave
 * holes at 1601 and 1801; each is answered with a duplicate ACK. */
static void two_holes(struct wire_conn *c)
{
	wire_passive_open(c, 80);
	wire_spend_quickacks(c);
	wire_in(c, "P.", 1701, 1, .len = 100);
	wire_out(c, ".", 1, 1601);
	wire_in(c, "P.", 1901, 1, .len = 100);
	wire_out(c, ".", 1, 1601);
}

/* RFC 9293 3.10.7.4, seventh, and RFC 5681 4.2: a segment beyond a hole
 * is kept and answered at once with a duplicate ACK (the hole's
 * sequence number); the reader sees nothing until the hole is filled. */
WIRE_TEST(established, out_of_order_held_and_dup_acked)
{
	struct wire_conn c;

	two_holes(&c);
	wire_recv_pattern(&c, 1, 1600);
	/* Part of the gap filled: ACKed at once, up to the next hole. */
	wire_in(&c, "P.", 1601, 1, .len = 100);
	wire_out(&c, ".", 1, 1801);
	wire_recv_pattern(&c, 1601, 200);
}

/* RFC 5681 4.2: "an immediate ACK SHOULD be generated when a segment
 * arrives that fills in all or part of a gap"; Linux's tcp_data_queue()
 * ACKs at once when the out-of-order queue empties (ICSK_ACK_NOW), and
 * when part of the gap is filled (data still out of order). */
WIRE_TEST(established, gap_filled_acked_at_once)
{
	struct wire_conn c;

	two_holes(&c);
	wire_in(&c, "P.", 1601, 1, .len = 100);
	wire_out(&c, ".", 1, 1801);
	wire_in(&c, "P.", 1801, 1, .len = 100);
	wire_out(&c, ".", 1, 2001);
}

/* RFC 9293 3.10.7.4, first: a segment outside the receive window (here
 * beyond it) is not acceptable: an ACK is sent and it is dropped. */
WIRE_TEST(established, beyond_window_acked_and_dropped)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_in(&c, "P.", 1 + 70000, 1, .len = 10);
	wire_out(&c, ".", 1, 1);
	wire_recv_fails(&c, EAGAIN);
	wire_out_none();
}

/* RFC 9293 3.10.7.4, first: an old duplicate (data already received) is
 * acknowledged at once, and its data not delivered twice. */
WIRE_TEST(established, old_duplicate_acked)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_spend_quickacks(&c);
	wire_in(&c, "P.", 1501, 1, .len = 100);
	wire_out(&c, ".", 1, 1601);
	wire_recv_pattern(&c, 1, 1600);
}

/* RFC 9293 3.10.7.4, fifth: an ACK of something not yet sent
 * (SEG.ACK > SND.NXT) is answered with an ACK and the segment dropped,
 * its data with it. */
WIRE_TEST(established, ack_of_unsent_data_dropped)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_in(&c, "P.", 1, 1000, .len = 10);
	wire_out(&c, ".", 1, 1);
	wire_recv_fails(&c, EAGAIN);
	wire_assert_state(&c, TCP_ESTABLISHED);
}

/* RFC 5961 4.2 (RFC 9293 3.10.7.4, fourth): a SYN in a synchronized state,
 * in the window or not, gets a challenge ACK <SEQ=SND.NXT><ACK=RCV.NXT>
 * and changes nothing. */
WIRE_TEST(established, syn_gets_challenge_ack)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_in(&c, "S", 1, 0, .opts = "mss 1460");
	wire_out(&c, ".", 1, 1);
	wire_assert_state(&c, TCP_ESTABLISHED);
	wire_advance(SEC(1));
	wire_in(&c, "S", 1 + 100000, 0, .opts = "mss 1460");
	wire_out(&c, ".", 1, 1);
	wire_assert_state(&c, TCP_ESTABLISHED);
	cr_assert_eq(wire_so_error(c.fd), 0);
}

/* RFC 5961 3.2: a RST in the window but not at RCV.NXT gets a challenge
 * ACK and resets nothing; one outside the window is dropped silently;
 * only the exact one resets (ECONNRESET, no answer). */
WIRE_TEST(established, rst_exact_or_challenged)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_in(&c, "R", 2, 0);
	wire_out(&c, ".", 1, 1);
	wire_assert_state(&c, TCP_ESTABLISHED);
	wire_advance(SEC(1));
	wire_in(&c, "R", 1 + 100000, 0);
	wire_in(&c, "R", 0, 0);
	wire_out_none();
	wire_assert_state(&c, TCP_ESTABLISHED);
	wire_in(&c, "R", 1, 0);
	wire_out_none();
	wire_assert_state(&c, TCP_CLOSE);
	wire_recv_fails(&c, ECONNRESET);
}

/* RFC 5961 7 (and 3.2, 4.2): challenge ACKs and the ACKs for unacceptable
 * segments are rate-limited; Linux sends at most one per
 * tcp_invalid_ratelimit (500 ms) per connection (tcp_oow_rate_limited()),
 * so a second bad RST 1 ms after the first goes unanswered. */
WIRE_TEST(established, challenge_acks_rate_limited)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_in(&c, "R", 2, 0);
	wire_out(&c, ".", 1, 1);
	wire_advance(MS(1));
	wire_in(&c, "R", 3, 0);
	wire_out_none();
	wire_advance(MS(500));
	wire_in(&c, "R", 4, 0);
	wire_out(&c, ".", 1, 1);
}

/* RFC 9293 3.8.6.2.2 and Linux's __tcp_cleanup_rbuf(): reading data sends
 * a window update only when the window can at least double; without
 * window scaling it is 65535 already and cannot grow, so reading sends
 * nothing. */
WIRE_TEST(established, read_sends_no_useless_window_update)
{
	struct wire_conn c;
	char b[200];

	wire_passive_open(&c, 80);
	wire_in(&c, "P.", 1, 1, .len = 100);
	wire_out(&c, ".", 1, 101);
	cr_assert_eq(usnet_recv(c.fd, b, sizeof(b), MSG_DONTWAIT), 100);
	wire_out_none();
}

/* Linux sets PSH on the last segment of each write (tcp_push() ->
 * tcp_mark_push()), which tcpdump shows as [P.]; RFC 9293 3.9.1.2 leaves it
 * to the implementation. */
WIRE_TEST(established, psh_on_last_segment_of_write)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_send_pattern(c.fd, 1, 100, 0);
	wire_out(&c, "P.", 1, 1, .len = 100);
	cr_assert(wire_last()->flags & TCPHDR_PSH, "no PSH on the segment");
}
