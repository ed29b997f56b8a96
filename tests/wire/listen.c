/*
 * listen.c - wire tests of LISTEN and SYN-RECEIVED: the passive open, the
 * listener's answers, the SYN and accept queues, TCP_DEFER_ACCEPT.
 *
 * Linux's behaviour quoted here was checked against Linux 6.18 playing the
 * stack over a tun device (linux_peer.py), the peer injected as here.
 */
#include "wire.h"

/* RFC 9293 3.5 (figure 6) and 3.10.7.2: a SYN to a listener is answered
 * with a SYN-ACK acknowledging the peer's ISN + 1, carrying the MSS of the
 * device (RFC 9293 3.7.1: MTU 1500 - 40) and no window scale, since the
 * peer offered none (RFC 7323 2.2); the ACK completes the handshake and
 * accept() returns the connection. */
WIRE_TEST(listen, passive_open)
{
	struct wire_conn c;

	wire_listen(&c, 80, 16);
	wire_accept_none(&c);
	wire_in(&c, "S", 0, 0, .opts = "mss 1460");
	wire_out(&c, "S.", 0, 1, .opts = "mss 1460");
	wire_assert_state(&c, TCP_SYN_RECV);
	wire_accept_none(&c);
	wire_in(&c, ".", 1, 1);
	wire_out_none();
	wire_assert_state(&c, TCP_ESTABLISHED);
	wire_accept(&c);
}

/* RFC 9293 3.10.7.2, second: an ACK to a listener gets <SEQ=SEG.ACK>
 * <CTL=RST>, and so does a SYN-ACK (the ACK is checked before the SYN). */
WIRE_TEST(listen, ack_gets_rst_seq_from_ack)
{
	struct wire_conn c;

	wire_listen(&c, 80, 16);
	c.iss = 0; /* numbers absolute: there is no connection */
	wire_in(&c, ".", 1, 0x12345678);
	wire_out(&c, "R", 0x12345678, 0, .win = WIRE_WIN(0));
	wire_in(&c, "S.", 0, 0x9abc);
	wire_out(&c, "R", 0x9abc, 0, .win = WIRE_WIN(0));
	wire_out_none();
}

/* RFC 9293 3.10.7.2, first: a RST to a listener is ignored. */
WIRE_TEST(listen, rst_ignored)
{
	struct wire_conn c;

	wire_listen(&c, 80, 16);
	wire_in(&c, "R", 1, 0);
	wire_in(&c, "R.", 1, 0);
	wire_out_none();
	wire_assert_state(&c, TCP_CLOSE);
}

/* RFC 9293 3.10.7.2, third: a segment with neither SYN, ACK nor RST is
 * dropped without an answer. */
WIRE_TEST(listen, bare_data_dropped)
{
	struct wire_conn c;

	wire_listen(&c, 80, 16);
	wire_in(&c, "P", 1, 0, .len = 10);
	wire_in(&c, "F", 1, 0);
	wire_out_none();
}

/* RFC 9293 3.10.7.4, fifth (SYN-RECEIVED): an ACK that acknowledges
 * nothing we sent gets <SEQ=SEG.ACK><CTL=RST>; the half-open connection
 * stays and completes with the right ACK. */
WIRE_TEST(listen, syn_recv_bad_ack_gets_rst)
{
	struct wire_conn c;

	wire_listen(&c, 80, 16);
	wire_syn(&c);
	wire_in(&c, ".", 1, 5);
	wire_out(&c, "R", 5, 0, .win = WIRE_WIN(0));
	wire_assert_state(&c, TCP_SYN_RECV);
	wire_in(&c, ".", 1, 1);
	wire_out_none();
	wire_accept(&c);
}

/* RFC 9293 3.10.7.4, second (SYN-RECEIVED after a passive open): a RST
 * with the expected sequence number ends the half-open connection
 * silently; the listener is left, and answers a later ACK with a RST. */
WIRE_TEST(listen, syn_recv_rst_removes_it)
{
	struct wire_conn c;

	wire_listen(&c, 80, 16);
	wire_syn(&c);
	wire_in(&c, "R", 1, 0);
	wire_out_none();
	wire_assert_state(&c, TCP_CLOSE);
	wire_in(&c, ".", 1, 1);
	wire_out(&c, "R", 1, 0, .win = WIRE_WIN(0));
	wire_accept_none(&c);
}

/* A half-open connection ended by a RST leaves the SYN queue, as Linux's
 * request socks do (tcp_check_req(): inet_csk_reqsk_queue_drop()).  With
 * backlog 1 the queue is full once it holds more than one (Linux's
 * inet_csk_reqsk_queue_is_full()): after the RST two SYNs still get a
 * connection each, the third only a cookie, which leaves no state (checked
 * against Linux: the first two SYN-ACKs are retransmitted at 1 s, the
 * cookie's is not). */
WIRE_TEST(listen, syn_recv_rst_frees_its_slot)
{
	struct wire_conn c[4];

	wire_listen(&c[0], 80, 1);
	for (int i = 1; i < 4; i++) {
		wire_conn_init(&c[i], 80);
		c[i].listen_fd = c[0].listen_fd;
		c[i].rport = (uint16_t)(WIRE_PEER_PORT + i);
	}
	wire_syn(&c[0]);
	wire_in(&c[0], "R", 1, 0);
	wire_assert_state(&c[0], TCP_CLOSE);
	wire_syn(&c[1]);
	wire_syn(&c[2]);
	wire_in(&c[3], "S", 0, 0, .opts = "mss 1460");
	wire_out(&c[3], "S.", 0, 1, .opts = "mss 1460");
	wire_assert_state(&c[3], TCP_CLOSE);
	wire_out_none();
}

/* RFC 9293 3.8.1 and RFC 6298 5.5: an unanswered SYN-ACK is retransmitted
 * after TCP_TIMEOUT_INIT (1 s), then with the timeout doubled each time;
 * after tcp_synack_retries (5) the half-open connection is dropped
 * without a word (Linux: 1, 3, 7, 15, 31 s, gone at 63 s). */
WIRE_TEST(listen, synack_retransmitted_then_dropped)
{
	static const int at[] = { 1, 3, 7, 15, 31 };
	struct wire_conn c;

	wire_listen(&c, 80, 16);
	wire_syn(&c);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		wire_advance(SEC(at[i]) - wire_now() - 1);
		wire_out_none();
		wire_advance(1);
		wire_out(&c, "S.", 0, 1, .opts = "mss 1460");
	}
	wire_advance(SEC(63) - wire_now() - 1);
	wire_assert_state(&c, TCP_SYN_RECV);
	wire_advance(1);
	wire_out_none();
	wire_assert_state(&c, TCP_CLOSE);
	wire_advance(SEC(600));
	wire_out_none();
}

/* RFC 9293 3.10.7.4, first: a retransmitted SYN (the same ISN) in
 * SYN-RECEIVED is a duplicate.  Linux answers it with the SYN-ACK again
 * (tcp_check_req(): inet_rtx_syn_ack()), not with a bare ACK: the peer
 * evidently never got the first one. */
WIRE_TEST(listen, dup_syn_resends_synack)
{
	struct wire_conn c;

	wire_listen(&c, 80, 16);
	wire_syn(&c);
	wire_advance(MS(200));
	wire_syn(&c);
	wire_in(&c, ".", 1, 1);
	wire_out_none();
	wire_accept(&c);
}

/* A SYN for a full accept queue is dropped silently, as Linux does
 * (tcp_conn_request(): sk_acceptq_is_full(), the queue holding more than
 * the backlog): the peer retransmits it, and once accept() made room the
 * retransmission is answered.  With backlog 1 two connections fit. */
WIRE_TEST(listen, backlog_full_drops_syn)
{
	struct wire_conn c[3];

	wire_listen(&c[0], 80, 1);
	for (int i = 0; i < 3; i++) {
		if (i) {
			wire_conn_init(&c[i], 80);
			c[i].listen_fd = c[0].listen_fd;
		}
		c[i].rport = (uint16_t)(WIRE_PEER_PORT + i);
		if (i == 2) {
			wire_in(&c[i], "S", 0, 0, .opts = "mss 1460");
			break;
		}
		wire_syn(&c[i]);
		wire_in(&c[i], ".", 1, 1);
		wire_out_none();
		wire_assert_state(&c[i], TCP_ESTABLISHED);
	}
	wire_out_none();
	wire_assert_state(&c[2], TCP_CLOSE);
	wire_accept(&c[0]);
	wire_advance(SEC(1));
	wire_syn(&c[2]);
	wire_in(&c[2], ".", 1, 1);
	wire_out_none();
	wire_accept(&c[1]);
	wire_accept(&c[2]);
}

/* Linux clamps the backlog to core.somaxconn (listen(2)); with
 * somaxconn 0 the accept queue holds one connection. */
WIRE_TEST(listen, backlog_clamped_to_somaxconn)
{
	struct wire_conn a, b;

	cr_assert_eq(usnet_sysctl_set(wire_net(), "core.somaxconn", 0), 0);
	wire_listen(&a, 80, 100);
	wire_syn(&a);
	wire_in(&a, ".", 1, 1);
	wire_conn_init(&b, 80);
	b.rport = WIRE_PEER_PORT + 1;
	wire_in(&b, "S", 0, 0, .opts = "mss 1460");
	wire_out_none();
}

/* TCP_DEFER_ACCEPT (Linux): the ACK that ends the handshake does not make
 * the connection acceptable; its first data does, and is acknowledged at
 * once (the connection starts in quick-ACK mode). */
WIRE_TEST(listen, defer_accept_waits_for_data)
{
	struct wire_conn c;

	wire_listen(&c, 80, 16);
	wire_setsockopt_int(c.listen_fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, 1);
	wire_syn(&c);
	wire_in(&c, ".", 1, 1);
	wire_out_none();
	wire_advance(MS(500));
	wire_accept_none(&c);
	wire_in(&c, "P.", 1, 1, .len = 5);
	wire_out(&c, ".", 1, 6);
	wire_accept(&c);
	wire_recv_pattern(&c, 1, 5);
	wire_out_none();
}

/* TCP_DEFER_ACCEPT (Linux): with no data, the SYN-ACK is not resent
 * while the deferral lasts; when it ends (1 s for a value of 1), Linux
 * resends the SYN-ACK (reqsk_timer_handler(), syn_ack_recalc()) and the
 * peer's ACK to it makes the connection acceptable. */
WIRE_TEST(listen, defer_accept_period_ends_with_synack)
{
	struct wire_conn c;

	wire_listen(&c, 80, 16);
	wire_setsockopt_int(c.listen_fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, 1);
	wire_syn(&c);
	wire_in(&c, ".", 1, 1);
	wire_advance(SEC(1));
	wire_out(&c, "S.", 0, 1, .opts = "mss 1460");
	wire_accept_none(&c);
	wire_in(&c, ".", 1, 1);
	wire_out_none();
	wire_accept(&c);
}

/* RFC 9293 3.10.4 and 3.10.5: a listener closed with a connection still
 * in its accept queue aborts it: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>,
 * with the window, as Linux's tcp_disconnect() sends it. */
WIRE_TEST(listen, close_resets_queued_connection)
{
	struct wire_conn c;

	wire_listen(&c, 80, 16);
	wire_syn(&c);
	wire_in(&c, ".", 1, 1);
	cr_assert_eq(usnet_close(c.listen_fd), 0);
	wire_out(&c, "R.", 1, 1);
	wire_out_none();
	wire_assert_state(&c, TCP_CLOSE);
}

/* A listener closed with a half-open connection (SYN-RECEIVED) drops it
 * without a word, as Linux drops its request socks (inet_csk_listen_stop()
 * resets only the connections made); the peer's next segment then meets
 * no socket and gets a RST. */
WIRE_TEST(listen, close_drops_half_open_silently)
{
	struct wire_conn c;

	wire_listen(&c, 80, 16);
	wire_syn(&c);
	cr_assert_eq(usnet_close(c.listen_fd), 0);
	wire_out_none();
	wire_assert_state(&c, TCP_CLOSE);
	wire_in(&c, ".", 1, 1);
	wire_out(&c, "R", 1, 0, .win = WIRE_WIN(0));
}
