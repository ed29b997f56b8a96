/*
 * send.c - wire tests of ESTABLISHED, sending: Nagle, TCP_NODELAY,
 * TCP_CORK and MSG_MORE, the peer's window and sender-side silly window
 * avoidance, the initial window and slow start, fast retransmit and
 * NewReno's partial ACKs.
 *
 * Linux's behaviour quoted here was checked against Linux 6.18 playing the
 * stack over a tun device (linux_peer.py), the peer injected as here.
 */
#include "wire.h"

/* A passive open with a peer that announces @win from its SYN on. */
static void open_with_window(struct wire_conn *c, uint16_t win)
{
	wire_listen(c, 80, 16);
	c->win_in = win;
	wire_syn(c);
	wire_in(c, ".", 1, 1);
	wire_accept(c);
}

/* RFC 9293 3.7.4 (Nagle, RFC 896) and RFC 1122 4.2.3.4: a small segment
 * goes out when nothing is unacknowledged; later small writes wait for
 * the ACK and then leave as one segment. */
WIRE_TEST(send, nagle_holds_small_segments)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_send_pattern(c.fd, 1, 10, 0);
	wire_out(&c, "P.", 1, 1, .len = 10);
	wire_send_pattern(c.fd, 11, 10, 0);
	wire_send_pattern(c.fd, 21, 10, 0);
	wire_out_none();
	wire_advance(MS(50));
	wire_in(&c, ".", 1, 11);
	wire_out(&c, "P.", 11, 1, .len = 20);
}

/* Linux's Nagle test is Minshall's (tcp_nagle_check(),
 * tcp_minshall_check()): a small segment waits only while an earlier
 * small one is unacknowledged, so the tail of a large write leaves with
 * its full segments: 3000 bytes go as 1460, 1460 and 80 at once. */
WIRE_TEST(send, nagle_is_minshalls)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_send_pattern(c.fd, 1, 3000, 0);
	wire_out(&c, ".", 1, 1, .len = 1460);
	wire_out(&c, ".", 1461, 1, .len = 1460);
	wire_out(&c, "P.", 2921, 1, .len = 80);
	/* Now a small segment is out: the next small write waits. */
	wire_send_pattern(c.fd, 3001, 10, 0);
	wire_out_none();
	wire_in(&c, ".", 1, 3001);
	wire_out(&c, "P.", 3001, 1, .len = 10);
}

/* TCP_NODELAY turns Nagle off (RFC 1122 4.2.3.4: "a TCP SHOULD implement
 * the Nagle Algorithm ... there MUST be a way for an application to
 * disable it"): each small write is a segment at once. */
WIRE_TEST(send, nodelay_sends_each_write)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_setsockopt_int(c.fd, IPPROTO_TCP, TCP_NODELAY, 1);
	for (uint32_t i = 0; i < 3; i++) {
		wire_send_pattern(c.fd, 1 + 10 * i, 10, 0);
		wire_out(&c, "P.", 1 + 10 * i, 1, .len = 10);
	}
}

/* Setting TCP_NODELAY sends what Nagle was holding (Linux:
 * tcp_push_pending_frames() from the option). */
WIRE_TEST(send, nodelay_pushes_held_data)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_send_pattern(c.fd, 1, 10, 0);
	wire_out(&c, "P.", 1, 1, .len = 10);
	wire_send_pattern(c.fd, 11, 10, 0);
	wire_out_none();
	wire_setsockopt_int(c.fd, IPPROTO_TCP, TCP_NODELAY, 1);
	wire_out(&c, "P.", 11, 1, .len = 10);
}

/* TCP_CORK (Linux): only full segments leave while corked, even with
 * nothing in flight; uncorking sends the rest.  (With data in flight,
 * Linux would send it at the uncork too, Nagle being Minshall's: see
 * nagle_is_minshalls.) */
WIRE_TEST(send, cork_sends_only_full_segments)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_setsockopt_int(c.fd, IPPROTO_TCP, TCP_CORK, 1);
	wire_send_pattern(c.fd, 1, 10, 0);
	wire_out_none();
	wire_send_pattern(c.fd, 11, 2000, 0);
	wire_out(&c, ".", 1, 1, .len = 1460);
	wire_out_none();
	wire_in(&c, ".", 1, 1461);
	wire_out_none();
	wire_setsockopt_int(c.fd, IPPROTO_TCP, TCP_CORK, 0);
	wire_out(&c, "P.", 1461, 1, .len = 550);
}

/* Linux caps corking at 200 ms (tcp(7): "a 200 millisecond ceiling on
 * the time for which output is corked"), and a MSG_MORE write alike: the
 * held data leaves 200 ms after the write. */
WIRE_TEST(send, cork_ceiling_200ms)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_setsockopt_int(c.fd, IPPROTO_TCP, TCP_CORK, 1);
	wire_send_pattern(c.fd, 1, 10, 0);
	wire_advance(MS(199));
	wire_out_none();
	wire_advance(MS(1));
	wire_out(&c, "P.", 1, 1, .len = 10);
}

/* MSG_MORE (Linux): this write is held as by a cork, until a write
 * without it; then both leave as one segment. */
WIRE_TEST(send, msg_more_holds_until_next_write)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_send_pattern(c.fd, 1, 10, MSG_MORE);
	wire_out_none();
	wire_send_pattern(c.fd, 11, 10, 0);
	wire_out(&c, "P.", 1, 1, .len = 20);
}

/* RFC 9293 3.8.6: no more than the peer's window is sent; each ACK that
 * moves the window's right edge lets more go, until all is sent. */
WIRE_TEST(send, peer_window_limits_sending)
{
	struct wire_conn c;

	open_with_window(&c, 2920);
	wire_send_pattern(c.fd, 1, 5000, 0);
	wire_out(&c, ".", 1, 1, .len = 1460);
	/* PSH every half of the largest window (Linux's forced_push()) */
	wire_out(&c, "P.", 1461, 1, .len = 1460);
	wire_out_none();
	wire_in(&c, ".", 1, 1461);
	wire_out(&c, ".", 2921, 1, .len = 1460);
	wire_out_none();
	wire_in(&c, ".", 1, 4381);
	wire_out(&c, "P.", 4381, 1, .len = 620);
}

/* RFC 9293 3.8.6.2.1 (sender silly window avoidance): with nothing in
 * flight, data goes when at least a fraction Fs (1/2) of the largest
 * window the peer ever offered can be sent; a peer whose window is 100
 * from the start gets 100-byte segments (as from Linux, whose segment
 * size is bounded by that window, tcp_bound_to_half_wnd()).  Each is
 * pushed, being more than half that window (forced_push()); Linux 6.18
 * pushes the second only with a slow handshake (see wire.h on PSH). */
WIRE_TEST(send, small_window_from_start_is_used)
{
	struct wire_conn c;

	open_with_window(&c, 100);
	wire_send_pattern(c.fd, 1, 1000, 0);
	wire_out(&c, "P.", 1, 1, .len = 100);
	wire_out_none();
	wire_in(&c, ".", 1, 101);
	wire_out(&c, "P.", 101, 1, .len = 100);
	wire_out_none();
}

/* RFC 5681 3.1 and RFC 6928: the initial window is 10 segments (Linux's
 * TCP_INIT_CWND); in slow start each ACKed segment lets two more go: an
 * ACK of 2 segments opens room for 4. */
WIRE_TEST(send, initial_window_and_slow_start)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_send_pattern(c.fd, 1, 20 * 1460, 0);
	for (uint32_t i = 0; i < 10; i++)
		wire_out(&c, ".", 1 + 1460 * i, 1, .len = 1460);
	wire_out_none();
	wire_advance(MS(10));
	wire_in(&c, ".", 1, 1 + 2 * 1460);
	for (uint32_t i = 10; i < 14; i++)
		wire_out(&c, ".", 1 + 1460 * i, 1, .len = 1460);
	wire_out_none();
}

/* Five full segments out; nothing more to send. */
static void five_segments(struct wire_conn *c)
{
	wire_passive_open(c, 80);
	wire_send_pattern(c->fd, 1, 5 * 1460, 0);
	for (uint32_t i = 0; i < 5; i++)
		wire_out(c, i < 4 ? "." : "P.", 1 + 1460 * i, 1, .len = 1460);
	wire_advance(MS(10));
}

/* RFC 5681 3.2: the third duplicate ACK (no data, same window, data
 * outstanding) retransmits the first unacknowledged segment at once,
 * before the RTO; further duplicates send nothing when there is nothing
 * new to send. */
WIRE_TEST(send, fast_retransmit_on_third_dupack)
{
	struct wire_conn c;

	five_segments(&c);
	wire_in(&c, ".", 1, 1);
	wire_in(&c, ".", 1, 1);
	wire_out_none();
	wire_in(&c, ".", 1, 1);
	wire_out(&c, ".", 1, 1, .len = 1460);
	wire_in(&c, ".", 1, 1);
	wire_out_none();
	wire_in(&c, ".", 1, 1 + 5 * 1460);
	wire_out_none();
}

/* RFC 6582 3.2, step 5: in fast recovery, a partial ACK (new data
 * acknowledged, short of what was outstanding when recovery began)
 * retransmits the first unacknowledged segment at once; the full ACK
 * ends recovery. */
WIRE_TEST(send, newreno_partial_ack_retransmits)
{
	struct wire_conn c;

	five_segments(&c);
	for (int i = 0; i < 3; i++)
		wire_in(&c, ".", 1, 1);
	wire_out(&c, ".", 1, 1, .len = 1460);
	wire_in(&c, ".", 1, 1 + 2 * 1460);
	wire_out(&c, ".", 1 + 2 * 1460, 1, .len = 1460);
	wire_in(&c, ".", 1, 1 + 4 * 1460);
	/* the last of the write: retransmitted with its PSH */
	wire_out(&c, "P.", 1 + 4 * 1460, 1, .len = 1460);
	wire_in(&c, ".", 1, 1 + 5 * 1460);
	wire_out_none();
}

/* RFC 9293 3.8.6.2.1 (sender silly window avoidance): the peer's window
 * shrank to 100 bytes, its largest having been 65535, with nothing in
 * flight: neither a full segment nor a fraction Fs (1/2) of the largest
 * window fits, so the sender waits; Linux's persist timer then sends what
 * fits after an RTO (200 ms), the RFC's override timeout. */
WIRE_TEST(send, sender_sws_waits_for_usable_window)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_send_pattern(c.fd, 1, 1000, 0);
	wire_out(&c, "P.", 1, 1, .len = 1000);
	wire_in(&c, ".", 1, 1001, .win = WIRE_WIN(100));
	wire_send_pattern(c.fd, 1001, 1000, 0);
	wire_advance(MS(200) - 1);
	wire_out_none();
	wire_advance(1);
	wire_out(&c, "P.", 1001, 1, .len = 100);
}

/* RFC 9293 3.10.7.4 (seventh: "send an acknowledgment ... piggybacked on
 * a segment being transmitted if possible") and RFC 1122 4.2.3.2: a
 * segment that ACKs our data and brings data frees the data Nagle held,
 * which leaves carrying the ACK of the new data, no separate ACK (Linux
 * queues the data before it sends, tcp_data_snd_check()). */
WIRE_TEST(send, ack_piggybacked_on_data)
{
	struct wire_conn c;

	wire_passive_open(&c, 80);
	wire_send_pattern(c.fd, 1, 10, 0);
	wire_out(&c, "P.", 1, 1, .len = 10);
	wire_send_pattern(c.fd, 11, 10, 0);
	wire_out_none();
	wire_in(&c, "P.", 1, 11, .len = 5);
	wire_out(&c, "P.", 11, 6, .len = 10);
	wire_out_none();
}
