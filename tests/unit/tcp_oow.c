/*
 * tcp_oow.c - ACKs to unacceptable segments (RFC 9293 3.10.7.4, RFC 5961
 * challenge ACKs) and their rate limit, Linux's tcp_oow_rate_limited():
 * two ends that disagree on the sequence numbers must not ACK each other
 * for ever.  Two hosts under the virtual clock; the disagreement is made
 * by moving one end's RCV.NXT directly.  usnet-only (internal state).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <usnet/usnet.h>

#include "core/net.h"
#include "hosts.h"
#include "inet/tcp.h"

/* The sock of the connection from a's @c to b:80, in @net. */
static struct tcp_sock *conn_in(struct usnet_net *net, int c, bool at_b)
{
	struct sockaddr_in cn, b = sin_of("198.18.0.2", 80);
	socklen_t len = sizeof(cn);
	struct sock *sk;

	cr_assert_eq(usnet_getsockname(c, (struct sockaddr *)&cn, &len), 0);
	sk = at_b ? tcp_lookup((struct net *)net, cn.sin_addr.s_addr,
			       cn.sin_port, b.sin_addr.s_addr, b.sin_port) :
		    tcp_lookup((struct net *)net, b.sin_addr.s_addr, b.sin_port,
			       cn.sin_addr.s_addr, cn.sin_port);
	cr_assert_not_null(sk);
	return tcp_sk(sk);
}

static uint32_t segs_out(struct usnet_net *net, struct tcp_sock *tp)
{
	uint32_t n;

	net_lock((struct net *)net);
	n = tp->segs_out;
	net_unlock((struct net *)net);
	return n;
}

/* b believes it received 100000 bytes more than a sent.  b's data
 * acknowledges what a never sent: a challenges it (RFC 5961 5.2); b finds
 * the challenge out of its window and answers with an ACK; a would
 * challenge that too, and so on for ever, but each end answers at most
 * once per ipv4.tcp_invalid_ratelimit (500 ms). */
Test(tcp_oow, ack_loop_is_rate_limited, .init = hosts_virtual_clock,
     .fini = hosts_teardown_tcp, .timeout = 20.0)
{
	struct tcp_sock *ta, *tb;
	uint32_t a_out, b_out;
	int l, c, s;

	two_hosts(NULL);
	l = tcp_listener_b();
	c = socket_in(ns_a, SOCK_STREAM | SOCK_NONBLOCK, 0);
	s = tcp_accept_from(l, c);
	ta = conn_in(ns_a, c, false);
	tb = conn_in(ns_b, c, true);
	net_lock((struct net *)ns_b);
	tb->rcv_nxt += 100000;
	tb->rcv_wup += 100000;
	net_unlock((struct net *)ns_b);
	a_out = segs_out(ns_a, ta);
	b_out = segs_out(ns_b, tb);
	cr_assert_eq(usnet_send(s, "x", 1, 0), 1);
	usnet_clock_advance(MS);
	cr_assert_eq(segs_out(ns_a, ta), a_out + 1);
	cr_assert_eq(segs_out(ns_b, tb), b_out + 2);
	cr_assert_eq(stat_of(ns_a, "TcpExtTCPACKSkippedChallenge"), 1);
	/* b retransmits "x" at 200 ms: a's challenge is still held back;
	 * with the retransmission at 600 ms it goes, and b's answer to it. */
	usnet_clock_advance(200 * MS);
	cr_assert_eq(segs_out(ns_a, ta), a_out + 1);
	cr_assert_eq(segs_out(ns_b, tb), b_out + 3);
	cr_assert_eq(stat_of(ns_a, "TcpExtTCPACKSkippedChallenge"), 2);
	usnet_clock_advance(400 * MS);
	cr_assert_eq(segs_out(ns_a, ta), a_out + 2);
	cr_assert_eq(segs_out(ns_b, tb), b_out + 5, "%u",
		     segs_out(ns_b, tb) - b_out);
	cr_assert_eq(stat_of(ns_b, "TcpExtTCPACKSkippedSeq"), 0);
}
