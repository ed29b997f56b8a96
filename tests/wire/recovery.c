/*
 * recovery.c - wire tests of ESTABLISHED with losses and the options that
 * serve them: SACK blocks sent (RFC 2018 4) and taken (RFC 6675), PAWS
 * and timestamps (RFC 7323), the congestion algorithms behind
 * TCP_CONGESTION (RFC 9438, RFC 5681), retransmissions of partly
 * acknowledged segments, and SYN cookies (RFC 4987 3.6) in LISTEN.
 */
#include "wire.h"

#include "inet/tcp.h"

#include <stdio.h>
#include <sys/ioctl.h>

#include <usnet/net.h>

/* A passive open whose peer offers @peer_opts; the SYN-ACK must carry
 * @synack_opts. */
static void open_with(struct wire_conn *c, const char *peer_opts,
		      const char *synack_opts)
{
	wire_listen(c, 80, 16);
	wire_in(c, "S", 0, 0, .opts = peer_opts);
	wire_out(c, "S.", 0, 1, .opts = synack_opts);
	wire_in(c, ".", 1, 1);
	wire_accept(c);
}

static struct tcp_info info_of(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	cr_assert_eq(usnet_getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len), 0);
	return ti;
}

/* ---- SACK, receiving (RFC 2018) --------------------------------------- */

/* RFC 2018 4: an ACK for out-of-order data reports it in SACK blocks, the
 * block with the segment that arrived last first, then the others; once
 * the hole is filled the ACK moves and the filled range leaves the
 * blocks.  The layout is Linux's (NOP, NOP, SACK). */
WIRE_TEST(recovery, sack_blocks_sent)
{
	struct wire_conn c;

	open_with(&c, "mss 1460,nop,nop,sackOK", "mss 1460,nop,nop,sackOK");
	wire_in(&c, ".", 1, 1, .len = 1000);
	wire_out(&c, ".", 1, 1001);
	wire_in(&c, ".", 2001, 1, .len = 1000);
	wire_out(&c, ".", 1, 1001, .opts = "nop,nop,sack 1 {2001:3001}");
	wire_in(&c, ".", 4001, 1, .len = 1000);
	wire_out(&c, ".", 1, 1001,
		 .opts = "nop,nop,sack 2 {4001:5001}{2001:3001}");
	wire_in(&c, ".", 1001, 1, .len = 1000);
	wire_out(&c, ".", 1, 3001, .opts = "nop,nop,sack 1 {4001:5001}");
	wire_in(&c, ".", 3001, 1, .len = 1000);
	wire_out(&c, ".", 1, 5001);
	wire_recv_pattern(&c, 1, 5000);
}

/* Without SACK-permitted in the SYN no block is ever sent (RFC 2018 2). */
WIRE_TEST(recovery, no_sack_unless_permitted)
{
	struct wire_conn c;

	open_with(&c, "mss 1460", "mss 1460");
	wire_in(&c, ".", 2001, 1, .len = 1000);
	wire_out(&c, ".", 1, 1);
}

/* ---- SACK, sending (RFC 6675) ------------------------------------------ */

/* Ten segments out, the initial window (RFC 6928). */
static void ten_out(struct wire_conn *c)
{
	wire_send_pattern(c->fd, 1, 10 * 1460, 0);
	for (uint32_t i = 0; i < 10; i++)
		wire_out(c, i == 9 ? "P." : ".", 1 + 1460 * i, 1, .len = 1460);
}

/* RFC 6675 5: one ACK that SACKs DupThresh (3) segments above the first
 * unacknowledged one makes it lost at once, before three duplicate ACKs
 * came (IsLost(), step 4.3): it goes again. */
WIRE_TEST(recovery, sack_three_segments_retransmit_at_once)
{
	struct wire_conn c;

	open_with(&c, "mss 1460,nop,nop,sackOK", "mss 1460,nop,nop,sackOK");
	ten_out(&c);
	wire_advance(MS(10));
	wire_in(&c, ".", 1, 1, .opts = "nop,nop,sack 1 {1461:5841}");
	wire_out(&c, ".", 1, 1, .len = 1460);
	wire_out_none();
}

/* The same ACK without SACK is one duplicate ACK: nothing happens until
 * the third (RFC 5681 3.2). */
WIRE_TEST(recovery, without_sack_three_dupacks)
{
	struct wire_conn c;

	open_with(&c, "mss 1460", "mss 1460");
	ten_out(&c);
	wire_advance(MS(10));
	wire_in(&c, ".", 1, 1);
	wire_in(&c, ".", 1, 1);
	wire_out_none();
	wire_in(&c, ".", 1, 1);
	wire_out(&c, ".", 1, 1, .len = 1460);
	wire_out_none();
}

/* RFC 6675 5 and NextSeg() rule 1: two holes; every segment with
 * DupThresh SACKed ones above it is lost and goes again, in order, as
 * the pipe (SetPipe()) leaves room under the window CUBIC left
 * (ssthresh 10 * 0.7 = 7); the SACKed ones are not resent.  The full
 * ACK ends recovery with cwnd = ssthresh. */
WIRE_TEST(recovery, sack_two_holes)
{
	struct wire_conn c;
	struct tcp_info ti;

	open_with(&c, "mss 1460,nop,nop,sackOK", "mss 1460,nop,nop,sackOK");
	ten_out(&c);
	wire_advance(MS(10));
	wire_in(&c, ".", 1, 1,
		.opts = "nop,nop,sack 2 {4381:14601}{1461:2921}");
	wire_out(&c, ".", 1, 1, .len = 1460);
	wire_out(&c, ".", 2921, 1, .len = 1460);
	wire_out_none();
	ti = info_of(c.fd);
	cr_assert_eq(ti.tcpi_ca_state, 3 /* TCP_CA_Recovery */);
	cr_assert_eq(ti.tcpi_snd_ssthresh, 7);
	wire_in(&c, ".", 1, 2921, .opts = "nop,nop,sack 1 {4381:14601}");
	wire_in(&c, ".", 1, 14601);
	ti = info_of(c.fd);
	cr_assert_eq(ti.tcpi_ca_state, 0);
	cr_assert_eq(ti.tcpi_snd_cwnd, 7);
	wire_out_none();
}

/* RFC 2018 8: after a timeout the SACK information is not trusted: every
 * unacknowledged segment, SACKed or not, is resent as the window opens
 * again from one segment (RFC 5681 3.1). */
WIRE_TEST(recovery, timeout_forgets_sacks)
{
	struct wire_conn c;

	open_with(&c, "mss 1460,nop,nop,sackOK", "mss 1460,nop,nop,sackOK");
	wire_send_pattern(c.fd, 1, 3 * 1460, 0);
	for (uint32_t i = 0; i < 3; i++)
		wire_out(&c, i == 2 ? "P." : ".", 1 + 1460 * i, 1, .len = 1460);
	wire_in(&c, ".", 1, 1, .opts = "nop,nop,sack 1 {2921:4381}");
	wire_advance(MS(200)); /* the RTO's floor after a 0 ns RTT */
	wire_out(&c, ".", 1, 1, .len = 1460);
	wire_out_none();
	wire_in(&c, ".", 1, 1461);
	/* cwnd 2 now: the SACKed one goes again too */
	wire_out(&c, ".", 1461, 1, .len = 1460);
	wire_out(&c, "P.", 2921, 1, .len = 1460);
	wire_in(&c, ".", 1, 4381);
	wire_out_none();
}

/* ---- retransmissions ---------------------------------------------------- */

/* A retransmission leaves out what the peer acknowledged of the segment
 * (Linux's tcp_trim_head()). */
WIRE_TEST(recovery, retransmission_trims_acked_head)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_send_pattern(c.fd, 1, 1460, 0);
	wire_out(&c, "P.", 1, 1, .len = 1460);
	wire_in(&c, ".", 1, 731);
	wire_advance(MS(200));
	wire_out(&c, "P.", 731, 1, .len = 730);
	wire_in(&c, ".", 1, 1461);
	wire_out_none();
}

/* RFC 9293 3.10.7.4: a retransmission that starts before RCV.NXT is
 * trimmed to what is new; its FIN counts once the data before it is in
 * (a FIN on such a segment used to be ignored). */
WIRE_TEST(recovery, fin_on_overlapping_retransmission)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_in(&c, "P.", 1, 1, .len = 100);
	wire_out(&c, ".", 1, 101);
	wire_in(&c, "FP.", 1, 1, .len = 200);
	wire_out(&c, ".", 1, 202);
	wire_assert_state(&c, TCP_CLOSE_WAIT);
	wire_recv_pattern(&c, 1, 200);
}

/* ---- timestamps and PAWS (RFC 7323) -------------------------------------- */

/* RFC 7323 3.2: offered both ways, timestamps go on every segment, TSecr
 * echoing the peer's latest in-window TSval (4.3); 12 bytes of each
 * segment go to them, so the MSS is 1448. */
WIRE_TEST(recovery, timestamps_on_every_segment)
{
	struct wire_conn c;

	open_with(&c, "mss 1460,nop,nop,TS val 100 ecr 0",
		  "mss 1460,nop,nop,TS val * ecr 100");
	wire_in(&c, ".", 1, 1, .len = 100, .opts = "nop,nop,TS val 110 ecr 0");
	wire_out(&c, ".", 1, 101, .opts = "nop,nop,TS val * ecr 110");
	wire_send_pattern(c.fd, 1, 2000, 0);
	wire_out(&c, ".", 1, 101, .len = 1448,
		 .opts = "nop,nop,TS val * ecr 110");
	wire_out(&c, "P.", 1449, 101, .len = 552,
		 .opts = "nop,nop,TS val * ecr 110");
	cr_assert_eq(info_of(c.fd).tcpi_options & TCPI_OPT_TIMESTAMPS,
		     TCPI_OPT_TIMESTAMPS);
	wire_recv_pattern(&c, 1, 100);
}

/* RFC 7323 5.3 R1: a segment whose TSval is older than TS.Recent is an
 * old duplicate: dropped (and counted), answered with an ACK; its data
 * is not taken.  A RST is taken even so (Linux). */
WIRE_TEST(recovery, paws_drops_old_duplicate)
{
	struct wire_conn c;
	unsigned long before, after;
	int inq = -1;

	open_with(&c, "mss 1460,nop,nop,TS val 1000 ecr 0",
		  "mss 1460,nop,nop,TS val * ecr 1000");
	wire_in(&c, ".", 1, 1, .len = 100, .opts = "nop,nop,TS val 2000 ecr 0");
	wire_out(&c, ".", 1, 101, .opts = "nop,nop,TS val * ecr 2000");
	cr_assert_eq(usnet_stat_get(wire_net(), "drop.TCP_RFC7323_PAWS",
				    &before),
		     0);
	wire_in(&c, ".", 101, 1, .len = 100,
		.opts = "nop,nop,TS val 1500 ecr 0");
	wire_out(&c, ".", 1, 101, .opts = "nop,nop,TS val * ecr 2000");
	cr_assert_eq(
		usnet_stat_get(wire_net(), "drop.TCP_RFC7323_PAWS", &after), 0);
	cr_assert_eq(after, before + 1);
	wire_recv_pattern(&c, 1, 100);
	cr_assert_eq(usnet_ioctl(c.fd, FIONREAD, &inq), 0);
	cr_assert_eq(inq, 0);
	wire_in(&c, "R", 101, 0, .opts = "nop,nop,TS val 1 ecr 0");
	wire_assert_state(&c, TCP_CLOSE);
}

/* ---- congestion control (TCP_CONGESTION) -------------------------------- */

/* The window after fast retransmit is the algorithm's: CUBIC keeps 0.7 of
 * it (RFC 9438 4.6), NewReno half (RFC 5681 3.2, plus the three segments
 * that left, RFC 6582 3.2 step 2). */
static void fast_retransmit_with(const char *ca, uint32_t ssthresh,
				 uint32_t cwnd)
{
	struct wire_conn c;
	struct tcp_info ti;

	wire_passive_open(&c, 80);
	cr_assert_eq(usnet_setsockopt(c.fd, IPPROTO_TCP, TCP_CONGESTION, ca,
				      (socklen_t)strlen(ca)),
		     0);
	ten_out(&c);
	for (int i = 0; i < 3; i++)
		wire_in(&c, ".", 1, 1);
	wire_out(&c, ".", 1, 1, .len = 1460);
	ti = info_of(c.fd);
	cr_assert_eq(ti.tcpi_snd_ssthresh, ssthresh, "%s ssthresh %u", ca,
		     ti.tcpi_snd_ssthresh);
	cr_assert_eq(ti.tcpi_snd_cwnd, cwnd, "%s cwnd %u", ca,
		     ti.tcpi_snd_cwnd);
	wire_in(&c, ".", 1, 14601);
	wire_out_none();
}

WIRE_TEST(recovery, cubic_keeps_seven_tenths)
{
	fast_retransmit_with("cubic", 7, 10);
}

WIRE_TEST(recovery, reno_halves)
{
	fast_retransmit_with("reno", 5, 8);
}

/* ---- SYN cookies (RFC 4987 3.6), LISTEN ----------------------------------- */

/* With tcp_syncookies 2 a SYN leaves no state: the SYN-ACK's sequence
 * number is the cookie; the ACK that returns it makes the connection,
 * ready for accept(), with the client's MSS as the cookie kept it.  An
 * ACK with a wrong cookie is answered with a RST (RFC 9293 3.10.7.2). */
WIRE_TEST(recovery, syncookie_handshake)
{
	struct wire_conn c, bad;

	cr_assert_eq(usnet_sysctl_set(wire_net(), "ipv4.tcp_syncookies", 2), 0);
	wire_listen(&c, 80, 16);
	wire_in(&c, "S", 0, 0, .opts = "mss 1400");
	wire_out(&c, "S.", 0, 1, .opts = "mss 1460");
	wire_accept_none(&c);
	wire_in(&c, ".", 1, 1);
	wire_accept(&c);
	cr_assert_eq(info_of(c.fd).tcpi_snd_mss, 1300); /* Linux's msstab */
	wire_in(&c, "P.", 1, 1, .len = 10);
	wire_out(&c, ".", 1, 11);
	wire_recv_pattern(&c, 1, 10);

	wire_conn_init(&bad, 80);
	bad.rport = WIRE_PEER_PORT + 1;
	bad.irs = 0x20000000u;
	wire_in(&bad, ".", 1, 0x12345678u);
	wire_out(&bad, "R", 0x12345678u, 0, .win = WIRE_WIN(0));
}

/* ---- few duplicate ACKs: RFC 3042 and RFC 5827 ----------------------------- */

/* RFC 3042 (limited transmit): each of the first two duplicate ACKs
 * sends one new segment past the window, so that the third can come;
 * the third retransmits (RFC 5681 3.2). */
WIRE_TEST(recovery, limited_transmit)
{
	struct wire_conn c;

	open_with(&c, "mss 1460", "mss 1460");
	wire_send_pattern(c.fd, 1, 12 * 1460, 0);
	for (uint32_t i = 0; i < 10; i++)
		wire_out(&c, ".", 1 + 1460 * i, 1, .len = 1460);
	wire_advance(MS(10));
	wire_in(&c, ".", 1, 1);
	wire_out(&c, ".", 1 + 1460 * 10, 1, .len = 1460);
	wire_in(&c, ".", 1, 1);
	wire_out(&c, "P.", 1 + 1460 * 11, 1, .len = 1460);
	wire_in(&c, ".", 1, 1);
	wire_out(&c, ".", 1, 1, .len = 1460);
	wire_out_none();
}

/* RFC 5827 (early retransmit): with three segments out and nothing more
 * to send, two duplicate ACKs are all that can come: the second
 * retransmits. */
WIRE_TEST(recovery, early_retransmit)
{
	struct wire_conn c;

	open_with(&c, "mss 1460", "mss 1460");
	wire_send_pattern(c.fd, 1, 3 * 1460, 0);
	for (uint32_t i = 0; i < 3; i++)
		wire_out(&c, i == 2 ? "P." : ".", 1 + 1460 * i, 1, .len = 1460);
	wire_advance(MS(10));
	wire_in(&c, ".", 1, 1);
	wire_out_none();
	wire_in(&c, ".", 1, 1);
	wire_out(&c, ".", 1, 1, .len = 1460);
	wire_out_none();
}

/* RFC 7323 4.1 with a lost ACK: a duplicate of a retransmission brings
 * back the TSval of the one before (TS.Recent moves only in the window),
 * whose age is the RTO, not the path's RTT.  That echo is older than the
 * acknowledged data's last transmission: no RTT sample, so the RTO stays
 * where the backoff left it instead of ratcheting up (tcpi_rtt unchanged). */
WIRE_TEST(recovery, old_echo_is_no_rtt_sample)
{
	struct wire_conn c;
	char opts[64];
	uint32_t rtt;

	open_with(&c, "mss 1460,nop,nop,TS val 100 ecr 0",
		  "mss 1460,nop,nop,TS val * ecr 100");
	rtt = info_of(c.fd).tcpi_rtt;
	wire_send_pattern(c.fd, 1, 100, 0);
	wire_out(&c, "P.", 1, 1, .len = 100,
		 .opts = "nop,nop,TS val * ecr 100");
	wire_advance(MS(200));
	wire_out(&c, "P.", 1, 1, .len = 100,
		 .opts = "nop,nop,TS val * ecr 100");
	/* the ACK echoes the first transmission's TSval: the stack's ms
	 * clock then (WIRE_T0) plus the connection's offset */
	snprintf(opts, sizeof(opts), "nop,nop,TS val 200 ecr %u",
		 (uint32_t)(WIRE_T0 / MS(1)) +
			 tcp_ts_off((struct net *)wire_net(),
				    inet_addr(WIRE_LOCAL),
				    inet_addr(WIRE_REMOTE)));
	wire_in(&c, ".", 1, 101, .opts = opts);
	cr_assert_eq(info_of(c.fd).tcpi_rtt, rtt);
	wire_out_none();
}

/* ---- TCP Fast Open (RFC 7413), LISTEN ------------------------------------ */

/* The cookie the stack gives the test's peer, as tcpdump prints it. */
static void tfo_cookie_hex(char *hex)
{
	struct tcp_options none = { .has_fastopen = true }, good = { 0 };

	cr_assert(!tcp_fastopen_check((struct net *)wire_net(),
				      inet_addr(WIRE_REMOTE),
				      inet_addr(WIRE_LOCAL), &none, &good));
	for (unsigned int i = 0; i < good.fastopen_len; i++)
		sprintf(hex + 2 * i, "%02x", good.fastopen_cookie[i]);
}

static void tfo_listen(struct wire_conn *c)
{
	cr_assert_eq(usnet_sysctl_set(wire_net(), "ipv4.tcp_fastopen", 3), 0);
	wire_listen(c, 80, 16);
	cr_assert_eq(usnet_setsockopt(c->listen_fd, IPPROTO_TCP, TCP_FASTOPEN,
				      &(int){ 5 }, sizeof(int)),
		     0);
}

/* RFC 7413 4.2.1: a SYN asking for a cookie gets one in the SYN-ACK (a
 * keyed hash of the client's address; Linux's layout: the option, then
 * two NOPs); its data, if any, waits for the handshake. */
WIRE_TEST(recovery, fastopen_cookie_request)
{
	struct wire_conn c;
	char hex[40], opts[80];

	tfo_listen(&c);
	tfo_cookie_hex(hex);
	wire_in(&c, "S", 0, 0, .opts = "mss 1460,tfo cookiereq", .len = 10);
	snprintf(opts, sizeof(opts), "mss 1460,tfo cookie %s,nop,nop", hex);
	wire_out(&c, "S.", 0, 1, .opts = opts);
	wire_in(&c, ".", 1, 1);
	wire_accept(&c);
	wire_recv_fails(&c, EAGAIN);
}

/* RFC 7413 4.2.2: with a good cookie the SYN's data is taken: the SYN-ACK
 * acknowledges it, and accept() has the connection, data queued, before
 * the handshake ends (Linux's tcp_fastopen_create_child()).  A bad
 * cookie's data is not taken; the SYN-ACK brings the right cookie. */
WIRE_TEST(recovery, fastopen_syn_data)
{
	struct wire_conn c, bad;
	char hex[40], opts[80];

	tfo_listen(&c);
	tfo_cookie_hex(hex);
	snprintf(opts, sizeof(opts), "mss 1460,tfo cookie %s", hex);
	wire_in(&c, "S", 0, 0, .opts = opts, .len = 10);
	wire_out(&c, "S.", 0, 11, .opts = "mss 1460");
	wire_accept(&c);
	/* (the harness makes a SYN's payload from its seq, 0) */
	wire_recv_pattern(&c, 0, 10);
	wire_in(&c, ".", 11, 1);
	wire_assert_state(&c, TCP_ESTABLISHED);

	wire_conn_init(&bad, 80);
	bad.listen_fd = c.listen_fd;
	bad.rport = WIRE_PEER_PORT + 1;
	wire_in(&bad, "S", 0, 0, .opts = "mss 1460,tfo cookie 0011223344556677",
		.len = 10);
	snprintf(opts, sizeof(opts), "mss 1460,tfo cookie %s,nop,nop", hex);
	wire_out(&bad, "S.", 0, 1, .opts = opts);
	wire_in(&bad, ".", 1, 1);
	wire_accept(&bad);
	wire_recv_fails(&bad, EAGAIN);
}

/* ---- keepalive (RFC 1122 4.2.3.6), ESTABLISHED --------------------------- */

/* Idle for TCP_KEEPIDLE, a probe: an ACK one below SND.UNA, no data;
 * then one per TCP_KEEPINTVL; after TCP_KEEPCNT unanswered the
 * connection is reset (RST from SND.NXT) with ETIMEDOUT (Linux's
 * tcp_keepalive_timer()).  An answer starts the idle time again. */
WIRE_TEST(recovery, keepalive_probes)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_setsockopt_int(c.fd, SOL_SOCKET, SO_KEEPALIVE, 1);
	wire_setsockopt_int(c.fd, IPPROTO_TCP, TCP_KEEPIDLE, 10);
	wire_setsockopt_int(c.fd, IPPROTO_TCP, TCP_KEEPINTVL, 2);
	wire_setsockopt_int(c.fd, IPPROTO_TCP, TCP_KEEPCNT, 3);
	wire_advance(SEC(10) - 1);
	wire_out_none();
	wire_advance(1);
	wire_out(&c, ".", 0, 1);
	wire_in(&c, ".", 1, 1); /* answered: idle again */
	wire_advance(SEC(10));
	wire_out(&c, ".", 0, 1);
	for (int i = 0; i < 2; i++) {
		wire_advance(SEC(2));
		wire_out(&c, ".", 0, 1);
	}
	wire_advance(SEC(2));
	wire_out(&c, "R.", 1, 1);
	cr_assert_eq(wire_so_error(c.fd), ETIMEDOUT);
}
