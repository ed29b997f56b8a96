/*
 * close.c - wire tests of the closing states: FIN-WAIT-1, FIN-WAIT-2,
 * CLOSING, TIME-WAIT, CLOSE-WAIT and LAST-ACK, the half-close, the
 * simultaneous close, and the abortive close (SO_LINGER 0, unread data).
 *
 * Linux's behaviour quoted here was checked against Linux 6.18 playing the
 * stack over a tun device (linux_peer.py), the peer injected as here.
 */
#include "wire.h"

/* RFC 9293 3.6 (figure 12) and 3.10.7.4: the active close.  The FIN goes
 * (FIN-WAIT-1), its ACK comes (FIN-WAIT-2), the peer's FIN is ACKed
 * (TIME-WAIT); 60 s later (Linux's TCP_TIMEWAIT_LEN, RFC 9293 3.10.8's
 * 2 MSL) the connection is gone, and a segment for it meets no socket:
 * <SEQ=SEG.ACK><CTL=RST>. */
WIRE_TEST(close, active_close_through_time_wait)
{
	struct wire_conn c;
	int64_t t;

	wire_active_open(&c, 80);
	wire_time_wait(&c);
	t = wire_now();
	wire_advance(SEC(60) - 1);
	wire_assert_state(&c, TCP_TIME_WAIT);
	wire_advance(1);
	wire_out_none();
	wire_assert_state(&c, TCP_CLOSE);
	wire_in(&c, ".", 2, 2);
	wire_out(&c, "R", 2, 0, .win = WIRE_WIN(0), .at = t + SEC(60));
}

/* RFC 9293 3.10.7.4, eighth (TIME-WAIT): a retransmitted FIN is
 * acknowledged again and the 2 MSL timeout restarts (Linux:
 * inet_twsk_reschedule()); data or an old duplicate are answered with
 * the same ACK. */
WIRE_TEST(close, time_wait_acks_retransmitted_fin)
{
	struct wire_conn c;

	wire_active_open(&c, 80);
	wire_time_wait(&c);
	wire_advance(SEC(30));
	wire_in(&c, "F.", 1, 2);
	wire_out(&c, ".", 2, 2);
	wire_in(&c, "P.", 2, 2, .len = 10);
	wire_out(&c, ".", 2, 2);
	wire_in(&c, "P.", 0, 2, .len = 1);
	wire_out(&c, ".", 2, 2);
	wire_advance(SEC(60) - 1);
	wire_assert_state(&c, TCP_TIME_WAIT);
	wire_advance(1);
	wire_assert_state(&c, TCP_CLOSE);
	wire_out_none();
}

/* RFC 9293 3.10.7.4 (TIME-WAIT, fifth): "the only thing that can arrive
 * in this state is a retransmission of the remote FIN"; an acceptable bare
 * ACK is dropped without an answer (Linux: tcp_timewait_state_process()),
 * which keeps two ends in TIME-WAIT from ACKing each other, and restarts
 * the 60 s (checked with linux_peer.py: 51 s after such an ACK, 61 s into
 * TIME-WAIT, another is still unanswered, not reset). */
WIRE_TEST(close, time_wait_bare_ack_unanswered)
{
	struct wire_conn c;

	wire_active_open(&c, 80);
	wire_time_wait(&c);
	wire_advance(SEC(10));
	wire_in(&c, ".", 2, 2);
	wire_out_none();
	/* and TIME-WAIT starts again (inet_twsk_reschedule()) */
	wire_advance(SEC(60) - 1);
	wire_assert_state(&c, TCP_TIME_WAIT);
	wire_advance(1);
	wire_assert_state(&c, TCP_CLOSE);
	wire_out_none();
}

/* RFC 9293 3.10.7.4, second (TIME-WAIT): a RST ends it at once (Linux's
 * default net.ipv4.tcp_rfc1337 = 0; RFC 1337 calls it TIME-WAIT
 * assassination); the next segment gets a RST. */
WIRE_TEST(close, time_wait_ended_by_rst)
{
	struct wire_conn c;

	wire_active_open(&c, 80);
	wire_time_wait(&c);
	wire_in(&c, "R", 2, 0);
	wire_out_none();
	wire_assert_state(&c, TCP_CLOSE);
	wire_in(&c, ".", 2, 2);
	wire_out(&c, "R", 2, 0, .win = WIRE_WIN(0));
}

/* RFC 9293 3.6 and 3.10.7.4, seventh: after shutdown(SHUT_WR) the
 * connection still receives: data in FIN-WAIT-2 is ACKed and read, the
 * peer's FIN then leads to TIME-WAIT and EOF. */
WIRE_TEST(close, half_close_still_receives)
{
	struct wire_conn c;
	char b[4];

	wire_passive_open(&c, 80);
	wire_fin_wait2(&c);
	wire_in(&c, "P.", 1, 2, .len = 10);
	wire_out(&c, ".", 2, 11);
	wire_recv_pattern(&c, 1, 10);
	wire_in(&c, "F.", 11, 2);
	wire_out(&c, ".", 2, 12);
	wire_assert_state(&c, TCP_TIME_WAIT);
	cr_assert_eq(usnet_recv(c.fd, b, sizeof(b), MSG_DONTWAIT), 0);
}

/* RFC 9293 3.10.7.4, seventh (FIN-WAIT-1): data before the FIN's ACK is
 * ACKed too; the unanswered FIN is retransmitted at the RTO (200 ms, then
 * 600 ms) and carries the new ACK. */
WIRE_TEST(close, fin_wait1_receives_and_retransmits_fin)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_fin_wait1(&c);
	wire_in(&c, "P.", 1, 1, .len = 10);
	wire_out(&c, ".", 2, 11);
	wire_advance(MS(200) - wire_now());
	wire_out(&c, "F.", 1, 11);
	wire_advance(MS(400));
	wire_out(&c, "F.", 1, 11);
	wire_assert_state(&c, TCP_FIN_WAIT1);
}

/* RFC 9293 3.6: the passive close.  The peer's FIN is ACKed at once
 * (CLOSE-WAIT, EOF for the reader); the stack may still send; its own
 * close sends the FIN (LAST-ACK), whose ACK ends the connection. */
WIRE_TEST(close, passive_close_through_last_ack)
{
	struct wire_conn c;
	char b[4];

	wire_passive_open(&c, 80);
	wire_close_wait(&c);
	cr_assert_eq(usnet_recv(c.fd, b, sizeof(b), MSG_DONTWAIT), 0);
	wire_send_pattern(c.fd, 1, 5, 0);
	wire_out(&c, "P.", 1, 2, .len = 5);
	wire_in(&c, ".", 2, 6);
	cr_assert_eq(usnet_close(c.fd), 0);
	c.fd = -1;
	wire_out(&c, "F.", 6, 2);
	wire_assert_state(&c, TCP_LAST_ACK);
	wire_in(&c, ".", 2, 7);
	wire_out_none();
	wire_assert_state(&c, TCP_CLOSE);
}

/* RFC 9293 3.10.7.4, seventh/eighth: data and FIN in one segment are
 * acknowledged together, at once, by one ACK (as Linux does). */
WIRE_TEST(close, fin_with_data)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_in(&c, "FP.", 1, 1, .len = 10);
	wire_out(&c, ".", 1, 12);
	wire_out_none();
	wire_assert_state(&c, TCP_CLOSE_WAIT);
	wire_recv_pattern(&c, 1, 10);
}

/* RFC 9293 3.6 (figure 13): the simultaneous close.  In FIN-WAIT-1 the
 * peer's FIN (not ACKing ours) is ACKed and the state is CLOSING; the ACK
 * of our FIN then leads to TIME-WAIT. */
WIRE_TEST(close, simultaneous_close)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_fin_wait1(&c);
	wire_in(&c, "F.", 1, 1);
	wire_out(&c, ".", 2, 2);
	wire_assert_state(&c, TCP_CLOSING);
	wire_in(&c, ".", 2, 2);
	wire_out_none();
	wire_assert_state(&c, TCP_TIME_WAIT);
}

/* RFC 9293 3.10.5 (ABORT) as Linux does close() with SO_LINGER 0: a RST
 * <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK> carrying the window, the
 * connection gone at once (no TIME-WAIT). */
WIRE_TEST(close, linger_zero_sends_rst)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_in(&c, "P.", 1, 1, .len = 10);
	wire_out(&c, ".", 1, 11);
	wire_recv_pattern(&c, 1, 10);
	cr_assert_eq(usnet_setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &lg,
				      sizeof(lg)),
		     0);
	cr_assert_eq(usnet_close(c.fd), 0);
	c.fd = -1;
	wire_out(&c, "R.", 1, 11);
	wire_assert_state(&c, TCP_CLOSE);
	wire_out_none();
}

/* RFC 2525 2.17 and RFC 9293 3.10.4: close() with data still unread
 * aborts the connection with a RST (Linux's tcp_close(): data was lost),
 * not a FIN. */
WIRE_TEST(close, close_with_unread_data_sends_rst)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_in(&c, "P.", 1, 1, .len = 10);
	wire_out(&c, ".", 1, 11);
	cr_assert_eq(usnet_close(c.fd), 0);
	c.fd = -1;
	wire_out(&c, "R.", 1, 11);
	wire_assert_state(&c, TCP_CLOSE);
}

/* Linux: a closed (orphaned) connection does not wait in FIN-WAIT-2 for
 * ever: after net.ipv4.tcp_fin_timeout (60 s) it is dropped without a
 * word, and a later segment meets no socket. */
WIRE_TEST(close, orphan_fin_wait2_times_out)
{
	struct wire_conn c;

	wire_active_open(&c, 80);
	cr_assert_eq(usnet_close(c.fd), 0);
	c.fd = -1;
	wire_out(&c, "F.", 1, 1);
	wire_in(&c, ".", 1, 2);
	wire_assert_state(&c, TCP_FIN_WAIT2);
	wire_advance(SEC(60) - 1);
	wire_assert_state(&c, TCP_FIN_WAIT2);
	wire_advance(1);
	wire_out_none();
	wire_assert_state(&c, TCP_CLOSE);
	wire_in(&c, "F.", 1, 2);
	wire_out(&c, "R", 2, 0, .win = WIRE_WIN(0));
}

/* RFC 9293 3.10.7.4, seventh, as Linux does it (TCPAbortOnData): data for
 * a connection whose socket is closed cannot be delivered; Linux answers
 * it as for no connection, <SEQ=SEG.ACK><CTL=RST>, and drops it. */
WIRE_TEST(close, data_after_close_gets_rst)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	cr_assert_eq(usnet_close(c.fd), 0);
	c.fd = -1;
	wire_out(&c, "F.", 1, 1);
	wire_in(&c, ".", 1, 2);
	wire_in(&c, "P.", 1, 2, .len = 10);
	wire_out(&c, "R", 2, 0, .win = WIRE_WIN(0));
	wire_assert_state(&c, TCP_CLOSE);
}

/* RFC 6191 / RFC 9293 3.6.1 as Linux's tcp_timewait_state_process(): a
 * new SYN from the same port whose sequence number is past the old
 * connection's end opens a new connection at once (the TIME_WAIT sock
 * gives way to the listener), its ISN past all the old one sent
 * (SND.NXT + 65537), instead of an ACK and a second for the peer's SYN
 * to come again. */
WIRE_TEST(close, time_wait_new_syn_reopens)
{
	struct wire_conn c;
	uint32_t seq;

	wire_passive_open(&c, 80);
	wire_time_wait(&c);
	wire_assert_state(&c, TCP_TIME_WAIT);
	seq = c.snd_nxt + 1000;
	wire_in(&c, "S", seq, 0, .opts = "mss 1460");
	wire_out(&c, "S.", c.rcv_nxt + 65537, seq + 1, .opts = "mss 1460");
	wire_assert_state(&c, TCP_SYN_RECV);
}

/* An old duplicate SYN (its sequence number inside the old connection)
 * is not a new connection: TIME_WAIT answers it with an ACK. */
WIRE_TEST(close, time_wait_old_syn_acked)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_time_wait(&c);
	wire_in(&c, "S", 0, 0, .opts = "mss 1460");
	wire_out(&c, ".", c.rcv_nxt, c.snd_nxt);
	wire_assert_state(&c, TCP_TIME_WAIT);
}
