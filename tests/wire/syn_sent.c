/*
 * syn_sent.c - wire tests of SYN-SENT: the active open, SYN
 * retransmission and its limit, the answers to RST and bad ACKs, and the
 * simultaneous open.
 *
 * Linux's behaviour quoted here was checked against Linux 6.18 playing the
 * stack over a tun device (linux_peer.py), the peer injected as here.
 */
#include "wire.h"

/* RFC 9293 3.5 (figure 6) and 3.10.7.3: the SYN carries the MSS of the
 * device and window scale 7 (RFC 7323 2.2; Linux's for tcp_rmem[2] of
 * 6 MiB); the SYN-ACK acknowledging ISN + 1 is answered with an ACK and
 * the connection is ESTABLISHED, from the port connect() chose. */
WIRE_TEST(syn_sent, active_open)
{
	struct sockaddr_in name;
	socklen_t len = sizeof(name);
	struct wire_conn c;

	wire_connect(&c, -1, 80);
	cr_assert_eq(wire_connect_again(&c), EALREADY);
	cr_assert_eq(usnet_getsockname(c.fd, (struct sockaddr *)&name, &len),
		     0);
	cr_assert_eq(ntohs(name.sin_port), c.lport);
	wire_in(&c, "S.", 0, 1, .opts = "mss 1460");
	wire_out(&c, ".", 1, 1);
	wire_out_none();
	wire_assert_state(&c, TCP_ESTABLISHED);
	cr_assert_eq(wire_connect_again(&c), 0);
	cr_assert_eq(wire_connect_again(&c), EISCONN);
	wire_send_pattern(c.fd, 1, 100, 0);
	wire_out(&c, "P.", 1, 1, .len = 100);
}

/* The SYN's retransmissions at @at (seconds), nothing in between, and
 * connect() failing with ETIMEDOUT at @fail s. */
static void syn_timeouts(struct wire_conn *c, const int *at, size_t n, int fail)
{
	for (size_t i = 0; i < n; i++) {
		wire_advance(SEC(at[i]) - wire_now() - 1);
		wire_out_none();
		wire_advance(1);
		wire_out(c, "S", 0, 0, .win = WIRE_WIN(WIRE_WIN_SYN),
			 .opts = "mss 1460,wscale 7,...");
	}
	wire_advance(SEC(fail) - wire_now() - 1);
	wire_assert_state(c, TCP_SYN_SENT);
	wire_advance(1);
	wire_out_none();
	wire_assert_state(c, TCP_CLOSE);
	cr_assert_eq(wire_so_error(c->fd), ETIMEDOUT);
	wire_advance(SEC(600));
	wire_out_none();
}

/* RFC 6298 5.5 and 5.7, RFC 9293 3.8.1: an unanswered SYN is
 * retransmitted after TCP_TIMEOUT_INIT (1 s, RFC 6298 2.1); Linux 6.18
 * (net.ipv4.tcp_syn_linear_timeouts, 4 by default) keeps that timeout for
 * four more SYNs before doubling it, within the deadline of TCP_SYNCNT
 * doubling timeouts (tcp_model_timeout(): 7 s for 2): SYNs at 1, 2, 3, 4
 * and 5 s, and connect() fails with ETIMEDOUT at 7 s. */
WIRE_TEST(syn_sent, syn_linear_timeouts_as_linux)
{
	static const int at[] = { 1, 2, 3, 4, 5 };
	struct wire_conn c;
	int fd = wire_socket();

	wire_setsockopt_int(fd, IPPROTO_TCP, TCP_SYNCNT, 2);
	wire_connect(&c, fd, 80);
	syn_timeouts(&c, at, 5, 7);
}

/* As above with ipv4.tcp_syn_retries (6, Linux's default) and no
 * TCP_SYNCNT: the deadline is 127 s; the SYN goes at 0, 1, 2, 3, 4, 5,
 * then 7, 11, 19, 35 and 67 s, and connect() fails when the next timeout
 * ends, at 131 s (as Linux 6.18 over linux_peer.py). */
WIRE_TEST(syn_sent, syn_retries_sysctl)
{
	static const int at[] = { 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 };
	struct wire_conn c;

	cr_assert_eq(usnet_sysctl_set(wire_net(), "ipv4.tcp_syn_retries", 6),
		     0);
	wire_connect(&c, -1, 80);
	syn_timeouts(&c, at, 10, 131);
}

/* RFC 9293 3.10.7.3, second: a RST with an acceptable ACK refuses the
 * connection: ECONNREFUSED, no answer. */
WIRE_TEST(syn_sent, rst_refuses)
{
	struct wire_conn c;

	wire_connect(&c, -1, 80);
	wire_in(&c, "R.", 0, 1);
	wire_out_none();
	wire_assert_state(&c, TCP_CLOSE);
	cr_assert_eq(wire_connect_again(&c), ECONNREFUSED);
}

/* RFC 9293 3.10.7.3, second: a RST without ACK, or with an ACK that is not
 * acceptable, is dropped; the SYN is still retransmitted at 1 s. */
WIRE_TEST(syn_sent, unacceptable_rst_ignored)
{
	struct wire_conn c;

	wire_connect(&c, -1, 80);
	wire_in(&c, "R", 0, 0);
	wire_in(&c, "R.", 0, 7);
	wire_in(&c, "R.", 0, 0);
	wire_out_none();
	wire_assert_state(&c, TCP_SYN_SENT);
	cr_assert_eq(wire_connect_again(&c), EALREADY);
	wire_advance(SEC(1));
	wire_out(&c, "S", 0, 0, .win = WIRE_WIN(WIRE_WIN_SYN),
		 .opts = "mss 1460,wscale 7,...");
}

/* RFC 9293 3.10.7.3, first: a SYN-ACK whose ACK is not acceptable
 * (SEG.ACK =< ISS or > SND.NXT) gets <SEQ=SEG.ACK><CTL=RST> and the
 * connection stays in SYN-SENT.  (Linux then also retransmits the SYN
 * after TCP_TIMEOUT_MIN, which this test does not look at.) */
WIRE_TEST(syn_sent, synack_bad_ack_gets_rst)
{
	struct wire_conn c;

	wire_connect(&c, -1, 80);
	wire_in(&c, "S.", 0, 5, .opts = "mss 1460");
	wire_out(&c, "R", 5, 0, .win = WIRE_WIN(0));
	wire_in(&c, "S.", 0, 0, .opts = "mss 1460");
	wire_out(&c, "R", 0, 0, .win = WIRE_WIN(0));
	wire_assert_state(&c, TCP_SYN_SENT);
}

/* RFC 9293 3.10.7.3, fifth: a segment with neither SYN nor RST (here an
 * acceptable ACK) is dropped in SYN-SENT. */
WIRE_TEST(syn_sent, ack_without_syn_dropped)
{
	struct wire_conn c;

	wire_connect(&c, -1, 80);
	wire_in(&c, ".", 0, 1);
	wire_in(&c, "P.", 0, 1, .len = 10);
	wire_out_none();
	wire_assert_state(&c, TCP_SYN_SENT);
}

/* RFC 9293 3.5 (figure 8) and 3.10.7.3, fourth: a SYN without ACK in
 * SYN-SENT is a simultaneous open: the stack answers with a SYN-ACK of
 * its own ISN, ack = the peer's ISN + 1, and is SYN-RECEIVED.  Its
 * options answer the peer's SYN: no window scale, since the peer offered
 * none (RFC 7323 2.2).  (Linux keeps its SYN's window scale here.) */
static void simultaneous_open(struct wire_conn *c)
{
	wire_connect(c, -1, 80);
	wire_in(c, "S", 0, 0, .opts = "mss 1460");
	wire_out(c, "S.", 0, 1, .win = WIRE_WIN(WIRE_WIN_SYN),
		 .opts = "mss 1460");
	wire_assert_state(c, TCP_SYN_RECV);
	cr_assert_eq(wire_connect_again(c), EALREADY);
}

/* RFC 9293 3.5, figure 8, completed by the peer's ACK of our SYN. */
WIRE_TEST(syn_sent, simultaneous_open_then_ack)
{
	struct wire_conn c;

	simultaneous_open(&c);
	wire_in(&c, ".", 1, 1);
	wire_out_none();
	wire_assert_state(&c, TCP_ESTABLISHED);
	cr_assert_eq(wire_connect_again(&c), 0);
	cr_assert_eq(wire_connect_again(&c), EISCONN);
	wire_send_pattern(c.fd, 1, 10, 0);
	wire_out(&c, "P.", 1, 1, .len = 10);
}

/* RFC 9293 3.5, figure 8, as drawn: the SYN-ACKs cross, and the peer's
 * SYN-ACK (its SYN again, with the ACK of ours) makes the connection
 * ESTABLISHED.  Linux (tcp_validate_incoming(): the simultaneous-open
 * exception to RFC 5961 4.2) answers it with an ACK and is ESTABLISHED. */
WIRE_TEST(syn_sent, simultaneous_open_synacks_cross)
{
	struct wire_conn c;

	simultaneous_open(&c);
	wire_in(&c, "S.", 0, 1, .opts = "mss 1460");
	wire_out(&c, ".", 1, 1);
	wire_assert_state(&c, TCP_ESTABLISHED);
	cr_assert_eq(wire_connect_again(&c), 0);
	cr_assert_eq(wire_connect_again(&c), EISCONN);
}
