/*
 * options.c - wire tests of the TCP options and the windows: the layout
 * of the SYN's and SYN-ACK's options, MSS (RFC 9293 3.7.1, TCP_MAXSEG),
 * window scaling (RFC 7323 2), and receiver-side silly window avoidance
 * (RFC 9293 3.8.6.2.2).  The peer offers MSS, and window scale where a
 * test is about it; timestamps and SACK tests come with those features.
 *
 * Linux's behaviour quoted here was checked against Linux 6.18 playing the
 * stack over a tun device (linux_peer.py), the peer injected as here.
 */
#include "wire.h"

/* The options of the stack's SYN, byte for byte, in the layout of Linux's
 * tcp_options_write(): MSS, SACK-permitted and timestamps (RFC 2018 2,
 * RFC 7323 3.2: TSecr 0 in a SYN), then NOP and window scale (RFC 7323
 * 2.2), shift 7 (Linux's for a tcp_rmem[2] of 6 MiB).  The window of a
 * SYN is never scaled. */
WIRE_TEST(options, syn_layout)
{
	struct wire_conn c;

	wire_conn_init(&c, 0);
	c.rport = 80;
	c.fd = wire_socket();
	cr_assert_eq(wire_connect_again(&c), EINPROGRESS);
	wire_out(&c, "S", 0, 0, .win = WIRE_WIN(WIRE_WIN_SYN),
		 .opts = "mss 1460,sackOK,TS val * ecr 0,nop,wscale 7");
}

/* RFC 7323 2.2: a SYN-ACK carries window scale only when the SYN did; its
 * own window is not scaled (RFC 7323 2.2); the layout is Linux's. */
WIRE_TEST(options, synack_layout_with_wscale)
{
	struct wire_conn c;

	wire_listen(&c, 80, 16);
	wire_in(&c, "S", 0, 0, .opts = "mss 1460,nop,wscale 2");
	wire_out(&c, "S.", 0, 1, .opts = "mss 1460,nop,wscale 7");
}

/* RFC 7323 2.3: once both sides sent window scale, every later window
 * field is scaled: the stack's by its shift (7), the peer's by the peer's.
 * The peer's field 100 with shift 7 is 12800 bytes: eight full segments
 * go, a ninth (the window would need 13140) waits for the ACK. */
WIRE_TEST(options, window_scaling_both_ways)
{
	struct wire_conn c;

	wire_listen(&c, 80, 16);
	c.win_in = 100;
	wire_in(&c, "S", 0, 0, .win = WIRE_WIN(65535),
		.opts = "mss 1460,nop,wscale 7");
	wire_out(&c, "S.", 0, 1, .opts = "mss 1460,nop,wscale 7");
	wire_in(&c, ".", 1, 1);
	wire_accept(&c);
	/* The stack's window, scaled: its free buffer (usnet's accounting:
	 * 137839 bytes) rounded up to 128, as Linux rounds it
	 * (__tcp_select_window()), >> 7.  Linux announces 502 here (64240
	 * rounded up to 128). */
	c.win_out = 1077;
	/* PSH on the last of the write; Linux 6.18 pushes the fourth too,
	 * ending a GSO batch bounded by half the window (see wire.h). */
	wire_send_pattern(c.fd, 1, 8 * 1460, 0);
	for (uint32_t i = 0; i < 8; i++)
		wire_out(&c, i < 7 ? "." : "P.", 1 + 1460 * i, 1, .len = 1460);
	wire_send_pattern(c.fd, 1 + 8 * 1460, 1460, 0);
	wire_out_none();
	wire_in(&c, ".", 1, 1 + 8 * 1460);
	wire_out(&c, "P.", 1 + 8 * 1460, 1, .len = 1460);
}

/* RFC 9293 3.7.1: the MSS option announces what this end can receive,
 * whatever the peer announced: Linux's SYN-ACK says 1460 (its own, from
 * the device) to a SYN with MSS 536 or none. */
WIRE_TEST(options, synack_announces_own_mss)
{
	struct wire_conn c;

	wire_listen(&c, 80, 16);
	wire_in(&c, "S", 0, 0, .opts = "mss 536");
	wire_out(&c, "S.", 0, 1, .opts = "mss 1460");
	c.rport++;
	c.iss_known = false;
	wire_in(&c, "S", 0, 0);
	wire_out(&c, "S.", 0, 1, .opts = "mss 1460");
}

/* A passive open whose SYN carries @syn_opts; the SYN-ACK's MSS value is
 * not looked at (synack_announces_own_mss is about it). */
static void open_offering(struct wire_conn *c, const char *syn_opts)
{
	wire_listen(c, 80, 16);
	wire_in(c, "S", 0, 0, .opts = syn_opts);
	wire_out(c, "S.", 0, 1, .opts = "mss *");
	wire_in(c, ".", 1, 1);
	wire_accept(c);
}

/* RFC 9293 3.7.1: segments are no larger than the MSS the peer announced
 * (here 536), payload only.  (The SYN-ACK's own MSS: see above.) */
WIRE_TEST(options, peer_mss_respected)
{
	struct wire_conn c;

	open_offering(&c, "mss 536");
	wire_send_pattern(c.fd, 1, 3 * 536, 0);
	wire_out(&c, ".", 1, 1, .len = 536);
	wire_out(&c, ".", 537, 1, .len = 536);
	wire_out(&c, "P.", 1073, 1, .len = 536);
}

/* RFC 9293 3.7.1 (MUST-15): with no MSS option in the SYN the send MSS is
 * 536. */
WIRE_TEST(options, no_mss_option_means_536)
{
	struct wire_conn c;

	open_offering(&c, NULL);
	wire_send_pattern(c.fd, 1, 2 * 536, 0);
	wire_out(&c, ".", 1, 1, .len = 536);
	wire_out(&c, "P.", 537, 1, .len = 536);
}

/* TCP_MAXSEG on a listener (Linux): the SYN-ACK announces it and the
 * connection sends no more than it, though the peer allows 1460. */
WIRE_TEST(options, maxseg_on_listener)
{
	struct wire_conn c;

	wire_listen(&c, 80, 16);
	wire_setsockopt_int(c.listen_fd, IPPROTO_TCP, TCP_MAXSEG, 1000);
	wire_in(&c, "S", 0, 0, .opts = "mss 1460");
	wire_out(&c, "S.", 0, 1, .opts = "mss 1000");
	wire_in(&c, ".", 1, 1);
	wire_accept(&c);
	wire_send_pattern(c.fd, 1, 3000, 0);
	wire_out(&c, ".", 1, 1, .len = 1000);
	wire_out(&c, ".", 1001, 1, .len = 1000);
	wire_out(&c, "P.", 2001, 1, .len = 1000);
}

/* TCP_MAXSEG before connect() (Linux): the SYN announces it, and it caps
 * the segments whatever the peer announces. */
WIRE_TEST(options, maxseg_on_active_open)
{
	struct wire_conn c;
	int fd = wire_socket();

	wire_setsockopt_int(fd, IPPROTO_TCP, TCP_MAXSEG, 1000);
	wire_conn_init(&c, 0);
	c.rport = 80;
	c.fd = fd;
	cr_assert_eq(wire_connect_again(&c), EINPROGRESS);
	wire_out(&c, "S", 0, 0, .win = WIRE_WIN(WIRE_WIN_SYN),
		 .opts = "mss 1000,wscale 7,...");
	wire_in(&c, "S.", 0, 1, .opts = "mss 1460");
	wire_out(&c, ".", 1, 1);
	wire_send_pattern(c.fd, 1, 2000, 0);
	wire_out(&c, ".", 1, 1, .len = 1000);
	wire_out(&c, "P.", 1001, 1, .len = 1000);
}

/* RFC 7323 1.3 and 2.2: window scaling is used only if both SYNs carried
 * the option: after an active open whose SYN-ACK had none, the peer's
 * window field is bytes (2920: two segments go, the third waits) and the
 * stack's own windows are unscaled (65535). */
WIRE_TEST(options, no_scaling_unless_both_offer)
{
	struct wire_conn c;

	wire_active_open(&c, 80);
	wire_in(&c, ".", 1, 1, .win = WIRE_WIN(2920));
	wire_send_pattern(c.fd, 1, 3 * 1460, 0);
	wire_out(&c, ".", 1, 1, .len = 1460);
	wire_out(&c, ".", 1461, 1, .len = 1460);
	wire_out_none();
	wire_in(&c, ".", 1, 1461, .win = WIRE_WIN(2920));
	wire_out(&c, "P.", 2921, 1, .len = 1460);
}

/* The right edge (ACK + window) of the stack's last segment, checked
 * against the one before (*@edge): never back, and forward only by at
 * least an MSS (this buffer's half is larger). */
static void check_edge(uint32_t *edge)
{
	uint32_t now = wire_last()->ack + wire_last()->win;

	cr_assert(!wire_before(now, *edge), "the edge moved back: %u -> %u",
		  *edge, now);
	cr_assert(now == *edge || now - *edge >= 1460,
		  "the edge moved by %u bytes", now - *edge);
	*edge = now;
}

/* RFC 9293 3.8.6.2.2 (receiver silly window avoidance): the right edge of
 * the announced window (ACK + window) never moves back, and moves forward
 * only by at least min(RCV.BUFF / 2, MSS).  A small buffer filled by the
 * peer, then read a segment at a time, shows it (Linux moves the edge by
 * whole segments: windows 2920, 1460, 0, then 1460 per segment read). */
WIRE_TEST(options, receiver_sws_avoidance)
{
	struct wire_conn c;
	uint32_t edge, seq = 1;
	int rcvbuf = 4096;
	char buf[65536];

	wire_listen(&c, 80, 16);
	cr_assert_eq(usnet_setsockopt(c.listen_fd, SOL_SOCKET, SO_RCVBUF,
				      &rcvbuf, sizeof(rcvbuf)),
		     0);
	wire_in(&c, "S", 0, 0, .opts = "mss 1460");
	wire_out(&c, "S.", 0, 1, .opts = "mss 1460", .win = WIRE_ANY);
	edge = 1 + wire_last()->win;
	wire_in(&c, ".", 1, 1);
	wire_accept(&c);
	/* Fill the window. */
	while (wire_before(seq, edge)) {
		uint32_t len = edge - seq < 1460 ? edge - seq : 1460;

		wire_in(&c, ".", seq, 1, .len = len);
		seq += len;
		wire_out(&c, ".", 1, seq, .win = WIRE_ANY);
		check_edge(&edge);
	}
	/* Read a segment's worth: any window update moves the edge by an
	 * MSS or more. */
	cr_assert_eq(usnet_recv(c.fd, buf, 1460, MSG_DONTWAIT), 1460);
	if (wire_pending()) {
		wire_out(&c, ".", 1, seq, .win = WIRE_ANY);
		check_edge(&edge);
	}
	/* Read everything: the window opens. */
	cr_assert_eq(usnet_recv(c.fd, buf, sizeof(buf), MSG_DONTWAIT),
		     (ssize_t)(seq - 1 - 1460));
	if (wire_pending()) {
		wire_out(&c, ".", 1, seq, .win = WIRE_ANY);
		check_edge(&edge);
	}
	cr_assert(wire_before(seq, edge), "the window stayed shut");
}

/* RFC 9293 3.1 (MUST-6, MUST-7) as Linux's tcp_parse_options() does it:
 * an option of a known kind with the wrong length (MSS with length 3) is
 * skipped and the walk goes on; a length below 2 ends the walk.  The SYN
 * is still answered, and with no valid MSS the send MSS is 536. */
WIRE_TEST(options, malformed_options_ignored)
{
	static const uint8_t bad_mss[] = { 2, 3, 5, 1 };
	static const uint8_t zero_len[] = { 1, 99, 0, 0 };
	struct wire_conn c;

	wire_listen(&c, 80, 16);
	wire_in(&c, "S", 0, 0, .raw_opts = bad_mss, .raw_opts_len = 4);
	wire_out(&c, "S.", 0, 1, .opts = "mss *");
	wire_in(&c, ".", 1, 1);
	wire_accept(&c);
	wire_send_pattern(c.fd, 1, 2 * 536, 0);
	wire_out(&c, ".", 1, 1, .len = 536);
	wire_out(&c, "P.", 537, 1, .len = 536);
	c.rport++;
	c.iss_known = false;
	c.snd_nxt = c.rcv_nxt = 0;
	wire_in(&c, "S", 0, 0, .raw_opts = zero_len, .raw_opts_len = 4);
	wire_out(&c, "S.", 0, 1, .opts = "mss *");
}
