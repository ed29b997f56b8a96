/*
 * tcp_timers.c - TCP timers that need hours of virtual time or a peer
 * that stops answering: keepalive probes (RFC 1122 4.2.3.6, Linux's
 * tcp_keepalive_timer()), the orphan's FIN_WAIT2 timeout and the ceiling
 * of TCP_CORK.  Two hosts,
 * a (198.18.0.1) and b (198.18.0.2), joined by a link under the virtual
 * clock; taking b's end of the link down makes b deaf and mute, as a
 * peer that vanished.  usnet-only (usnet_* API).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <linux/tcp.h>

#include <usnet/usnet.h>

#include "hosts.h"

#define ST_ESTABLISHED 1
#define ST_FIN_WAIT2   5
#define ST_CLOSE       7

#define TIMERS_TEST(name)                                   \
	Test(tcp_timers, name, .init = hosts_virtual_clock, \
	     .fini = hosts_teardown_tcp, .timeout = 30.0)

static void set_int(int fd, int level, int name, int v)
{
	cr_assert_eq(usnet_setsockopt(fd, level, name, &v, sizeof(v)), 0,
		     "setsockopt %d/%d = %d: %s", level, name, v,
		     strerror(errno));
}

/* A connection from a (*c) to b (*s); over a link without delay both
 * ends are established at the time of the call, which is returned. */
static int64_t tcp_pair(int *c, int *s)
{
	int l = tcp_listener_b();
	int64_t t0 = usnet_clock_now();

	*c = socket_in(ns_a, SOCK_STREAM | SOCK_NONBLOCK, 0);
	*s = tcp_accept_from(l, *c);
	cr_assert_eq(usnet_close(l), 0);
	return t0;
}

static struct tcp_info info_of(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	cr_assert_eq(usnet_getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len), 0);
	return ti;
}

/* Keepalive on @fd: idle, interval (s), count. */
static void keepalive(int fd, int idle, int intvl, int cnt)
{
	set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
	set_int(fd, IPPROTO_TCP, TCP_KEEPIDLE, idle);
	set_int(fd, IPPROTO_TCP, TCP_KEEPINTVL, intvl);
	set_int(fd, IPPROTO_TCP, TCP_KEEPCNT, cnt);
}

/* A connection from a (*c) to b with keepalive (@idle, @intvl, @cnt) on
 * *c; then b goes deaf.  Returns when it was established; *out is what *c
 * had sent by then. */
static int64_t deaf_peer(int idle, int intvl, int cnt, int *c, uint32_t *out)
{
	int64_t t0;
	int s;

	two_hosts(NULL);
	t0 = tcp_pair(c, &s);
	keepalive(*c, idle, intvl, cnt);
	ip(ns_b, "link set eth0 down");
	*out = info_of(*c).tcpi_segs_out;
	return t0;
}

/* -- keepalive ------------------------------------------------------- */

/* The peer is gone: after TCP_KEEPIDLE of silence a probe, then one each
 * TCP_KEEPINTVL; TCP_KEEPCNT unanswered end the connection, exactly
 * idle + intvl * cnt after the last segment, with ETIMEDOUT (and a RST
 * the peer may still hear). */
TIMERS_TEST(unanswered_probes_time_out)
{
	unsigned long deaf;
	uint32_t out;
	int64_t t0;
	int c;

	t0 = deaf_peer(10, 2, 3, &c, &out);
	deaf = stat_of(ns_b, "drop.DEV_READY");
	advance_to(t0 + 10 * SEC - 1);
	cr_assert_eq(info_of(c).tcpi_segs_out, out, "a probe before 10 s");
	advance_to(t0 + 10 * SEC);
	cr_assert_eq(info_of(c).tcpi_segs_out, out + 1);
	cr_assert_eq(info_of(c).tcpi_probes, 1);
	advance_to(t0 + 12 * SEC - 1);
	cr_assert_eq(info_of(c).tcpi_segs_out, out + 1);
	advance_to(t0 + 12 * SEC);
	cr_assert_eq(info_of(c).tcpi_segs_out, out + 2);
	advance_to(t0 + 14 * SEC);
	cr_assert_eq(info_of(c).tcpi_segs_out, out + 3);
	cr_assert_eq(info_of(c).tcpi_probes, 3);
	advance_to(t0 + 16 * SEC - 1);
	cr_assert_eq(info_of(c).tcpi_state, ST_ESTABLISHED);
	advance_to(t0 + 16 * SEC);
	cr_assert_eq(info_of(c).tcpi_state, ST_CLOSE);
	/* Three probes and the RST died at b's door. */
	cr_assert_eq(stat_of(ns_b, "drop.DEV_READY"), deaf + 4);
	cr_assert_eq(usnet_recv(c, (char[4]){ 0 }, 4, 0), -1);
	cr_assert_eq(errno, ETIMEDOUT);
	cr_assert_eq(usnet_recv(c, (char[4]){ 0 }, 4, 0), 0);
}

/* A peer that answers keeps the connection up for ever: one probe per idle
 * period, each answered by an ACK, never a second one in a row. */
TIMERS_TEST(answered_probes_keep_connection)
{
	struct tcp_info before, after;
	int64_t t0;
	int c, s;

	two_hosts(NULL);
	t0 = tcp_pair(&c, &s);
	keepalive(c, 10, 2, 3);
	before = info_of(c);
	advance_to(t0 + 3600 * SEC - 1);
	after = info_of(c);
	cr_assert_eq(after.tcpi_state, ST_ESTABLISHED);
	cr_assert_eq(info_of(s).tcpi_state, ST_ESTABLISHED);
	cr_assert_eq(after.tcpi_segs_out - before.tcpi_segs_out, 359);
	cr_assert_eq(after.tcpi_segs_in - before.tcpi_segs_in, 359);
	cr_assert_eq(after.tcpi_probes, 0);
	/* And the connection still carries data both ways. */
	cr_assert_eq(usnet_send(c, "ab", 2, 0), 2);
	cr_assert_eq(usnet_send(s, "cd", 2, 0), 2);
	usnet_clock_advance(MS);
	cr_assert_eq(usnet_recv(s, (char[4]){ 0 }, 4, 0), 2);
	cr_assert_eq(usnet_recv(c, (char[4]){ 0 }, 4, 0), 2);
}

/* With TCP_USER_TIMEOUT the probes go on past TCP_KEEPCNT until that much
 * time has passed without an answer and at least one probe went out:
 * probes at 10, 15, 20 s; at 25 s 22 s have passed. */
TIMERS_TEST(user_timeout_decides_instead_of_count)
{
	uint32_t out;
	int64_t t0;
	int c;

	t0 = deaf_peer(10, 5, 1, &c, &out);
	set_int(c, IPPROTO_TCP, TCP_USER_TIMEOUT, 22000);
	advance_to(t0 + 25 * SEC - 1);
	cr_assert_eq(info_of(c).tcpi_state, ST_ESTABLISHED);
	cr_assert_eq(info_of(c).tcpi_segs_out, out + 3);
	advance_to(t0 + 25 * SEC);
	cr_assert_eq(info_of(c).tcpi_state, ST_CLOSE);
	cr_assert_eq(usnet_recv(c, (char[4]){ 0 }, 4, 0), -1);
	cr_assert_eq(errno, ETIMEDOUT);
}

/* Without SO_KEEPALIVE (or after turning it off) a silent peer is never
 * noticed. */
TIMERS_TEST(off_means_no_probes)
{
	uint32_t out;
	int c;

	deaf_peer(10, 2, 3, &c, &out);
	set_int(c, SOL_SOCKET, SO_KEEPALIVE, 0);
	usnet_clock_advance(3 * 3600 * SEC);
	cr_assert_eq(info_of(c).tcpi_state, ST_ESTABLISHED);
	cr_assert_eq(info_of(c).tcpi_segs_out, out);
}

/* TCP_KEEPIDLE counts from the last ACK received, as Linux's
 * tcp_sock_set_keepidle(): lowered below the time already idle it probes
 * at once; raised, it waits for the rest. */
TIMERS_TEST(keepidle_counts_from_last_ack)
{
	uint32_t out;
	int64_t t0, t1;
	int c, s;

	two_hosts(NULL);
	t0 = tcp_pair(&c, &s);
	set_int(c, SOL_SOCKET, SO_KEEPALIVE, 1); /* 7200 s */
	advance_to(t0 + 100 * SEC);
	out = info_of(c).tcpi_segs_out;
	set_int(c, IPPROTO_TCP, TCP_KEEPIDLE, 30);
	usnet_clock_advance(0);
	cr_assert_eq(info_of(c).tcpi_segs_out, out + 1, "no probe at once");
	/* Answered now: the next one would be due in 30 s... */
	t1 = usnet_clock_now();
	set_int(c, IPPROTO_TCP, TCP_KEEPIDLE, 50);
	/* ...and is due in 50 s. */
	advance_to(t1 + 50 * SEC - 1);
	cr_assert_eq(info_of(c).tcpi_segs_out, out + 1);
	advance_to(t1 + 50 * SEC);
	cr_assert_eq(info_of(c).tcpi_segs_out, out + 2);
}

/* Data waiting to be sent is no idle connection: keepalive stays quiet
 * while the retransmission timer works.  Every packet that reaches the
 * deaf peer is the segment or a retransmission of it. */
TIMERS_TEST(no_probe_with_data_queued)
{
	unsigned long deaf;
	uint32_t out;
	int c;

	deaf_peer(1, 1, 1, &c, &out);
	deaf = stat_of(ns_b, "drop.DEV_READY");
	cr_assert_eq(usnet_send(c, "x", 1, 0), 1);
	usnet_clock_advance(20 * SEC);
	cr_assert_eq(info_of(c).tcpi_state, ST_ESTABLISHED);
	cr_assert_gt(info_of(c).tcpi_total_retrans, 3);
	cr_assert_eq(stat_of(ns_b, "drop.DEV_READY"),
		     deaf + 1 + info_of(c).tcpi_total_retrans);
}

/* An accepted socket inherits SO_KEEPALIVE and the keepalive times from
 * its listener and probes from its establishment. */
TIMERS_TEST(accepted_socket_inherits_keepalive)
{
	uint32_t out;
	int64_t t0;
	int l, c, s;

	two_hosts(NULL);
	l = tcp_listener_b();
	keepalive(l, 20, 3, 2);
	t0 = usnet_clock_now();
	c = socket_in(ns_a, SOCK_STREAM | SOCK_NONBLOCK, 0);
	s = tcp_accept_from(l, c);
	ip(ns_a, "link set eth0 down");
	out = info_of(s).tcpi_segs_out;
	advance_to(t0 + 20 * SEC - 1);
	cr_assert_eq(info_of(s).tcpi_segs_out, out);
	advance_to(t0 + 20 * SEC);
	cr_assert_eq(info_of(s).tcpi_segs_out, out + 1);
	advance_to(t0 + 26 * SEC - 1);
	cr_assert_eq(info_of(s).tcpi_state, ST_ESTABLISHED);
	advance_to(t0 + 26 * SEC);
	cr_assert_eq(info_of(s).tcpi_state, ST_CLOSE);
	cr_assert_eq(usnet_recv(s, (char[4]){ 0 }, 4, 0), -1);
	cr_assert_eq(errno, ETIMEDOUT);
}

/* -- FIN_WAIT2 ------------------------------------------------------- */

/* A socket closed in FIN_WAIT2 (its FIN acknowledged, the peer's not
 * come) is an orphan for tcp_fin_timeout (60 s), then gone, keepalive or
 * not. */
TIMERS_TEST(orphan_closed_in_fin_wait2_times_out)
{
	struct usnet_objects live;
	int64_t t1;
	int c, s;

	two_hosts(NULL);
	tcp_pair(&c, &s);
	keepalive(c, 10, 2, 3);
	cr_assert_eq(usnet_shutdown(c, SHUT_WR), 0);
	usnet_clock_advance(MS);
	cr_assert_eq(info_of(c).tcpi_state, ST_FIN_WAIT2);
	usnet_clock_advance(5 * SEC);
	t1 = usnet_clock_now();
	cr_assert_eq(usnet_close(c), 0);
	usnet_objects_live(&live);
	cr_assert_eq(live.orphans, 1);
	advance_to(t1 + 60 * SEC - 1);
	usnet_objects_live(&live);
	cr_assert_eq(live.orphans, 1);
	advance_to(t1 + 60 * SEC);
	usnet_objects_live(&live);
	cr_assert_eq(live.orphans, 0);
}

/* -- TCP_CORK's ceiling ---------------------------------------------- */

/* Send @n bytes on c with @flags: s gets them exactly 200 ms later (the
 * RTO's floor: the link has no delay), not before. */
static void held_for_the_rto(int c, int s, size_t n, int flags)
{
	int64_t t1 = usnet_clock_now();
	char buf[16] = "0123456789";

	cr_assert_eq(usnet_send(c, buf, n, flags), (ssize_t)n);
	advance_to(t1 + 200 * MS - 1);
	cr_assert_eq(usnet_recv(s, buf, sizeof(buf), MSG_DONTWAIT), -1);
	advance_to(t1 + 200 * MS);
	cr_assert_eq(usnet_recv(s, buf, sizeof(buf), MSG_DONTWAIT), (ssize_t)n);
}

/* What TCP_CORK holds with nothing in flight goes when the probe timer
 * ends: the RTO.  The cork stays on, and holds the next partial segment
 * as long. */
TIMERS_TEST(cork_ceiling_is_the_rto)
{
	int c, s;

	two_hosts(NULL);
	tcp_pair(&c, &s);
	set_int(c, IPPROTO_TCP, TCP_CORK, 1);
	held_for_the_rto(c, s, 5, 0);
	usnet_clock_advance(MS);
	held_for_the_rto(c, s, 3, 0);
	cr_assert_eq(info_of(c).tcpi_total_retrans, 0);
}

/* MSG_MORE holds one call's partial segment the same way. */
TIMERS_TEST(msg_more_ceiling_is_the_rto)
{
	int c, s;

	two_hosts(NULL);
	tcp_pair(&c, &s);
	held_for_the_rto(c, s, 3, MSG_MORE);
}

/* Uncorked before the ceiling, the data goes at once and its
 * retransmission timer starts afresh: a full RTO from then. */
TIMERS_TEST(uncork_restarts_the_rto)
{
	uint32_t out;
	int64_t t1;
	int c, s;

	two_hosts(NULL);
	tcp_pair(&c, &s);
	set_int(c, IPPROTO_TCP, TCP_CORK, 1);
	cr_assert_eq(usnet_send(c, "12345", 5, 0), 5);
	usnet_clock_advance(150 * MS);
	ip(ns_b, "link set eth0 down");
	out = info_of(c).tcpi_segs_out;
	t1 = usnet_clock_now();
	set_int(c, IPPROTO_TCP, TCP_CORK, 0);
	cr_assert_eq(info_of(c).tcpi_segs_out, out + 1);
	advance_to(t1 + 200 * MS - 1);
	cr_assert_eq(info_of(c).tcpi_total_retrans, 0);
	advance_to(t1 + 200 * MS);
	cr_assert_eq(info_of(c).tcpi_total_retrans, 1);
}

/* Data that cannot go out at all (the sender's own link is down) with
 * nothing in flight: the probe timer tries again, backing off from
 * 200 ms to 120 s, and tcp_retries2 (15) failures end the connection
 * with ETIMEDOUT, 924.6 s after the send, as retransmissions would. */
TIMERS_TEST(unsendable_data_times_out)
{
	int64_t t1;
	int c, s;

	two_hosts(NULL);
	tcp_pair(&c, &s);
	ip(ns_a, "link set eth0 down");
	t1 = usnet_clock_now();
	cr_assert_eq(usnet_send(c, "x", 1, 0), 1);
	advance_to(t1 + 924600 * MS - 1);
	cr_assert_eq(info_of(c).tcpi_state, ST_ESTABLISHED);
	advance_to(t1 + 924600 * MS);
	cr_assert_eq(info_of(c).tcpi_state, ST_CLOSE);
	cr_assert_eq(usnet_recv(c, (char[4]){ 0 }, 4, 0), -1);
	cr_assert_eq(errno, ETIMEDOUT);
}
