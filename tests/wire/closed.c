/*
 * closed.c - wire tests of CLOSED: segments for no connection (RFC 9293
 * 3.10.7.1), and what a new connection starts from: its initial sequence
 * number (RFC 6528) and, for an active open, its ephemeral port (RFC
 * 6056).
 *
 * Linux's behaviour quoted here was checked against Linux 6.18 playing the
 * stack over a tun device (linux_peer.py), the peer injected as here.
 */
#include "wire.h"

static unsigned long stat_of(const char *name)
{
	unsigned long v = 0;

	cr_assert_eq(usnet_stat_get(wire_net(), name, &v), 0, "%s", name);
	return v;
}

/* RFC 9293 3.10.7.1: a segment without ACK for no connection gets
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, SYN and FIN counting in
 * SEG.LEN; each is counted as a NO_SOCKET drop. */
WIRE_TEST(closed, rst_for_segment_without_ack)
{
	struct wire_conn c;

	wire_conn_init(&c, 81);
	wire_in(&c, "P", 1, 0, .len = 10);
	wire_out(&c, "R.", 0, 11, .win = WIRE_WIN(0));
	wire_in(&c, "S", 0, 0, .opts = "mss 1460");
	wire_out(&c, "R.", 0, 1, .win = WIRE_WIN(0));
	wire_in(&c, "F", 5, 0);
	wire_out(&c, "R.", 0, 6, .win = WIRE_WIN(0));
	wire_in(&c, "FP", 5, 0, .len = 3);
	wire_out(&c, "R.", 0, 9, .win = WIRE_WIN(0));
	cr_assert_eq(stat_of("drop.NO_SOCKET"), 4);
}

/* RFC 9293 3.10.7.1: a segment with ACK for no connection gets
 * <SEQ=SEG.ACK><CTL=RST>. */
WIRE_TEST(closed, rst_for_segment_with_ack)
{
	struct wire_conn c;

	wire_conn_init(&c, 81);
	wire_in(&c, "P.", 1, 0x1234, .len = 10);
	wire_out(&c, "R", 0x1234, 0, .win = WIRE_WIN(0));
	wire_in(&c, "F.", 1, 0xfffffff0);
	wire_out(&c, "R", 0xfffffff0, 0, .win = WIRE_WIN(0));
	wire_in(&c, "S.", 0, 7, .opts = "mss 1460");
	wire_out(&c, "R", 7, 0, .win = WIRE_WIN(0));
}

/* RFC 9293 3.10.7.1: "an incoming segment containing a RST is
 * discarded" (no RST answers a RST). */
WIRE_TEST(closed, rst_not_answered)
{
	struct wire_conn c;

	wire_conn_init(&c, 81);
	wire_in(&c, "R", 1, 0);
	wire_in(&c, "R.", 1, 5);
	wire_out_none();
}

/* RFC 9293 3.1 (the checksum) and RFC 1122 4.2.2.7: a segment with a bad
 * checksum is dropped silently, counted as TCP_CSUM: not answered even
 * where a good one would get a RST, nor can it open a connection. */
WIRE_TEST(closed, bad_checksum_dropped_silently)
{
	struct wire_conn c, d;

	wire_conn_init(&c, 81);
	wire_in(&c, "P", 1, 0, .len = 10, .bad_csum = true);
	wire_listen(&d, 80, 16);
	wire_in(&d, "S", 0, 0, .opts = "mss 1460", .bad_csum = true);
	wire_out_none();
	wire_accept_none(&d);
	cr_assert_eq(stat_of("drop.TCP_CSUM"), 2);
	cr_assert_eq(stat_of("drop.NO_SOCKET"), 0);
}

/* RFC 6528 3: ISN = M + F(localip, localport, remoteip, remoteport,
 * secretkey), M a 4 us timer.  Two peers (ports) at the same moment get
 * unrelated ISNs; the same 4-tuple 1 s later gets the same F and M moved
 * by 1 s / 4 us = 250000.  (usnet's M is RFC 6528's 4 us clock; Linux's
 * counts 64 ns, ktime_get_real_ns() >> 6.) */
WIRE_TEST(closed, isn_per_4tuple_and_clock)
{
	struct wire_conn a, b;
	uint32_t first;

	wire_listen(&a, 80, 16);
	wire_conn_init(&b, 80);
	b.rport = WIRE_PEER_PORT + 1;
	b.listen_fd = a.listen_fd;
	wire_syn(&a);
	wire_syn(&b);
	cr_assert_neq(a.iss, b.iss);
	wire_in(&b, ".", 1, 1);
	first = a.iss;
	wire_in(&a, "R", 1, 0);
	wire_assert_state(&a, TCP_CLOSE);
	wire_advance(SEC(1));
	wire_conn_init(&a, 80);
	a.listen_fd = b.listen_fd;
	wire_syn(&a);
	cr_assert_eq(a.iss - first, 250000, "ISN moved by %u in 1 s",
		     a.iss - first);
}

/* Open connections from @n sockets to the peer's port 80; their ports in
 * @ports. */
static void connect_n(struct wire_conn *c, int n, uint16_t *ports)
{
	for (int i = 0; i < n; i++) {
		wire_connect(&c[i], -1, 80);
		ports[i] = c[i].lport;
	}
}

/* RFC 6056 and Linux's ip_local_port_range: an active open takes an
 * ephemeral port from the range, each connection a different one, at a
 * place the namespace's seeded RNG picks (RFC 6056 3.3.1's algorithm 1:
 * a random start, then the next free port). */
WIRE_TEST(closed, ephemeral_ports_from_range)
{
	struct wire_conn c[10];
	uint16_t ports[10];

	wire_set_port_range(50000, 50009);
	connect_n(c, 10, ports);
	for (int i = 0; i < 10; i++) {
		cr_assert(ports[i] >= 50000 && ports[i] <= 50009,
			  "port %u outside 50000-50009", ports[i]);
		for (int j = 0; j < i; j++)
			cr_assert_neq(ports[i], ports[j]);
	}
}

/* Linux: with every port of the range taken, connect() fails with
 * EADDRNOTAVAIL (__inet_hash_connect()) and sends nothing. */
WIRE_TEST(closed, ephemeral_ports_exhausted)
{
	struct wire_conn c[2];
	uint16_t port;
	int fd;

	wire_set_port_range(50000, 50000);
	connect_n(c, 1, &port);
	cr_assert_eq(port, 50000);
	fd = wire_socket();
	wire_conn_init(&c[1], 0);
	c[1].fd = fd;
	c[1].rport = 80;
	cr_assert_eq(wire_connect_again(&c[1]), EADDRNOTAVAIL, "connect: %s",
		     strerror(errno));
	wire_out_none();
}

/* Linux shares an ephemeral port between connections to different
 * destinations (__inet_hash_connect() checks the 4-tuple, RFC 6056 2.1):
 * with a range of one port, connections to two peer ports both use it. */
WIRE_TEST(closed, ephemeral_port_shared_by_4tuple)
{
	struct wire_conn a, b;

	wire_set_port_range(50000, 50000);
	wire_connect(&a, -1, 80);
	wire_connect(&b, -1, 81);
	cr_assert_eq(a.lport, 50000);
	cr_assert_eq(b.lport, 50000);
}
