/*
 * udp.c - UDP over IPv4 on the loopback, as Linux does it: the socket
 * calls and the datagrams (udp_ip.c has what involves the IP layer).
 *
 * Covers: binding, autobinding (by sendto and by connect), connect and its
 * AF_UNSPEC disconnect (which forgets an ephemeral port), the sendto
 * address checks, datagram boundaries, zero-length datagrams, MSG_TRUNC,
 * MSG_PEEK, the 65507-byte limit, FIONREAD/SIOCINQ/SIOCOUTQ, poll and
 * epoll readiness, sendmmsg/recvmmsg, SO_BROADCAST, the SO_REUSEADDR /
 * SO_REUSEPORT bind rules and which socket a datagram goes to, reuseport
 * spreading.
 *
 * Every datagram goes to 127.0.0.0/8.  Broadcast destinations appear only
 * without SO_BROADCAST, where Linux refuses them before sending anything.
 * A closed port is found by binding a port and closing the socket.
 */
#include "udp_util.h"

/* -- creation, binding, names --------------------------------------- */

API_TEST(udp, new_socket_defaults, API_NEEDS_INET)
{
	int s = udp_socket();

	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_PROTOCOL),
		     IPPROTO_UDP);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_DOMAIN), AF_INET);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_ERROR), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_BROADCAST), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_REUSEADDR), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_REUSEPORT), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_ACCEPTCONN), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_TTL), 64);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_TOS), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_RECVERR), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_PKTINFO), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_RECVTTL), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_RECVTOS), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_FREEBIND), 0);
	/* net.ipv4.ip_no_pmtu_disc = 0 gives IP_PMTUDISC_WANT. */
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_MTU_DISCOVER),
		     IP_PMTUDISC_WANT);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_MULTICAST_TTL), 1);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_MULTICAST_LOOP), 1);
	expect_ok(close(s));
}

API_TEST(udp, bind_port_zero_gets_ephemeral, API_NEEDS_INET)
{
	struct sockaddr_in a, b;
	int s = udp_bound("127.0.0.1", &a);
	int t = udp_bound("0.0.0.0", &b);

	cr_assert_eq(a.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	cr_assert_geq(ntohs(a.sin_port), 1024);
	cr_assert_eq(b.sin_addr.s_addr, htonl(INADDR_ANY));
	cr_assert_geq(ntohs(b.sin_port), 1024);
	cr_assert_neq(a.sin_port, b.sin_port);
	expect_errno(getpeername(s, (struct sockaddr *)&a, &(socklen_t){ 16 }),
		     ENOTCONN);
	expect_ok(close(s));
	expect_ok(close(t));
}

/* sendto() on an unbound socket binds it to INADDR_ANY and an ephemeral
 * port (not to the source address the route picked); the receiver sees
 * 127.0.0.1 and that port. */
API_TEST(udp, autobind_on_sendto, API_NEEDS_INET)
{
	struct sockaddr_in to, me, from;
	socklen_t len = sizeof(from);
	int r = udp_bound("127.0.0.1", &to);
	int s = udp_socket();
	char buf[8];

	cr_assert_eq(api_name_of(s).sin_port, 0);
	send_to(s, "hello", 5, &to);
	me = api_name_of(s);
	cr_assert_eq(me.sin_addr.s_addr, htonl(INADDR_ANY));
	cr_assert_geq(ntohs(me.sin_port), 1024);
	wait_readable(r);
	cr_assert_eq(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			      &len),
		     5);
	cr_assert_eq(memcmp(buf, "hello", 5), 0);
	cr_assert_eq(len, sizeof(from));
	cr_assert_eq(from.sin_family, AF_INET);
	cr_assert_eq(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	cr_assert_eq(from.sin_port, me.sin_port);
	expect_ok(close(s));
	expect_ok(close(r));
}

/* connect() on an unbound socket binds it too, but to the source address
 * of the route (127.0.0.1), not INADDR_ANY; a later bind() is EINVAL. */
API_TEST(udp, autobind_on_connect, API_NEEDS_INET)
{
	struct sockaddr_in to, me, peer;
	int r = udp_bound("127.0.0.1", &to);
	int s = udp_socket();

	expect_ok(connect(s, (struct sockaddr *)&to, sizeof(to)));
	me = api_name_of(s);
	cr_assert_eq(me.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	cr_assert_geq(ntohs(me.sin_port), 1024);
	peer = api_peer_of(s);
	cr_assert_eq(peer.sin_addr.s_addr, to.sin_addr.s_addr);
	cr_assert_eq(peer.sin_port, to.sin_port);
	/* Bound now: bind is EINVAL. */
	cr_assert_eq(bind_err(s, "127.0.0.1", 0), EINVAL);
	expect_ok(close(s));
	expect_ok(close(r));
}

/* A socket bound to 0.0.0.0 takes its source address from the route,
 * and the local route for 127.0.0.0/8 has preferred source 127.0.0.1:
 * sending to 127.0.0.7 comes from 127.0.0.1, not from 127.0.0.7. */
API_TEST(udp, wildcard_source_is_route_prefsrc, API_NEEDS_INET)
{
	struct sockaddr_in to, from;
	socklen_t len = sizeof(from);
	int r = udp_bound("0.0.0.0", &to);
	int s = udp_bound("0.0.0.0", NULL);
	char c;

	to.sin_addr.s_addr = api_ip_of("127.0.0.7");
	send_to(s, "x", 1, &to);
	wait_readable(r);
	cr_assert_eq(recvfrom(r, &c, 1, 0, (struct sockaddr *)&from, &len), 1);
	cr_assert_eq(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	expect_ok(close(s));
	expect_ok(close(r));
}

/* Surprising: destination 0.0.0.0 means "this host": the datagram goes
 * to the loopback as 127.0.0.1, and connect() to 0.0.0.0 records
 * 127.0.0.1 as the peer. */
API_TEST(udp, destination_any_is_loopback, API_NEEDS_INET)
{
	struct sockaddr_in to, any, from;
	socklen_t len = sizeof(from);
	int r = udp_bound("127.0.0.1", &to);
	int s = udp_socket();
	char c;

	any = api_sin_of("0.0.0.0", ntohs(to.sin_port));
	send_to(s, "a", 1, &any);
	wait_readable(r);
	cr_assert_eq(recvfrom(r, &c, 1, 0, (struct sockaddr *)&from, &len), 1);
	cr_assert_eq(c, 'a');
	cr_assert_eq(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	expect_ok(connect(s, (struct sockaddr *)&any, sizeof(any)));
	cr_assert_eq(api_peer_of(s).sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	cr_assert_eq(api_peer_of(s).sin_port, to.sin_port);
	expect_ok(send(s, "b", 1, 0));
	cr_assert_eq(recv_wait(r, &c, 1, 0), 1);
	cr_assert_eq(c, 'b');
	expect_ok(close(s));
	expect_ok(close(r));
}

/* -- sendto/connect argument checks ---------------------------------- */

/* Surprising: a destination with family AF_UNSPEC is taken as AF_INET;
 * any other family is EAFNOSUPPORT.  Port 0 is EINVAL. */
API_TEST(udp, sendto_address_checks, API_NEEDS_INET)
{
	struct sockaddr_in to, bad;
	struct sockaddr_storage big;
	int r = udp_bound("127.0.0.1", &to);
	int s = udp_socket();
	char c;

	expect_errno(sendto(s, "x", 1, 0, (struct sockaddr *)&to, 15), EINVAL);
	expect_errno(sendto(s, "x", 1, 0, (struct sockaddr *)&to, 2), EINVAL);
	/* Longer than a sockaddr_storage: refused by the socket layer. */
	memset(&big, 0, sizeof(big));
	memcpy(&big, &to, sizeof(to));
	expect_errno(sendto(s, "x", 1, 0, (struct sockaddr *)&big, 129),
		     EINVAL);
	bad = to;
	bad.sin_family = AF_UNIX;
	expect_errno(sendto(s, "x", 1, 0, (struct sockaddr *)&bad, sizeof(bad)),
		     EAFNOSUPPORT);
	bad.sin_family = AF_INET6;
	expect_errno(sendto(s, "x", 1, 0, (struct sockaddr *)&bad, sizeof(bad)),
		     EAFNOSUPPORT);
	bad = to;
	bad.sin_port = 0;
	expect_errno(sendto(s, "x", 1, 0, (struct sockaddr *)&bad, sizeof(bad)),
		     EINVAL);
	expect_ok(sendto(s, "y", 1, 0, (struct sockaddr *)&big, sizeof(big)));
	bad = to;
	bad.sin_family = AF_UNSPEC;
	expect_ok(sendto(s, "z", 1, 0, (struct sockaddr *)&bad, sizeof(bad)));
	cr_assert_eq(recv_wait(r, &c, 1, 0), 1);
	cr_assert_eq(c, 'y');
	cr_assert_eq(recv_wait(r, &c, 1, 0), 1);
	cr_assert_eq(c, 'z');
	expect_ok(close(s));
	expect_ok(close(r));
}

/* Without a destination, an unconnected socket cannot send. */
API_TEST(udp, send_unconnected_edestaddrreq, API_NEEDS_INET)
{
	int s = udp_socket();
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	expect_errno(send(s, "x", 1, 0), EDESTADDRREQ);
	expect_errno(write(s, "x", 1), EDESTADDRREQ);
	expect_errno(sendto(s, "x", 1, 0, NULL, 0), EDESTADDRREQ);
	expect_errno(sendmsg(s, &m, 0), EDESTADDRREQ);
	expect_errno(send(s, "", 0, 0), EDESTADDRREQ);
	expect_ok(close(s));
}

/* Surprising: sendto() and connect() autobind the socket before the
 * protocol looks at the arguments, so a call that fails still leaves
 * the socket bound to 0.0.0.0 and an ephemeral port: bad length, bad
 * family, port 0, no destination, EMSGSIZE, broadcast EACCES, EPIPE.
 * Only what the socket layer refuses first (an address longer than 128
 * bytes; connect with a length below 2) leaves it unbound. */
API_TEST(udp, failed_calls_still_autobind, API_NEEDS_INET)
{
	struct sockaddr_in to, bad;
	struct sockaddr_storage big;
	int r = udp_bound("127.0.0.1", &to);
	int s;

	memset(&big, 0, sizeof(big));
	memcpy(&big, &to, sizeof(to));
	s = udp_socket();
	expect_errno(sendto(s, "x", 1, 0, (struct sockaddr *)&big, 129),
		     EINVAL);
	expect_errno(connect(s, (struct sockaddr *)&to, 1), EINVAL);
	cr_assert_eq(api_name_of(s).sin_port, 0);
	expect_ok(close(s));

	for (int i = 0; i < 9; i++) {
		struct sockaddr_in sin;

		s = udp_socket();
		bad = to;
		switch (i) {
		case 0:
			expect_errno(sendto(s, "x", 1, 0,
					    (struct sockaddr *)&to, 15),
				     EINVAL);
			break;
		case 1:
			bad.sin_family = AF_UNIX;
			expect_errno(sendto(s, "x", 1, 0,
					    (struct sockaddr *)&bad,
					    sizeof(bad)),
				     EAFNOSUPPORT);
			break;
		case 2:
			bad.sin_port = 0;
			expect_errno(sendto(s, "x", 1, 0,
					    (struct sockaddr *)&bad,
					    sizeof(bad)),
				     EINVAL);
			break;
		case 3:
			expect_errno(send(s, "x", 1, 0), EDESTADDRREQ);
			break;
		case 4:
			expect_errno(sendto(s, "x", UDP_MAX + 1, 0,
					    (struct sockaddr *)&to, sizeof(to)),
				     EMSGSIZE);
			break;
		case 5:
			/* The loopback subnet's broadcast: routed via lo
			 * whatever the host's routes are. */
			bad = api_sin_of("127.255.255.255", 9);
			expect_errno(sendto(s, "x", 1, 0,
					    (struct sockaddr *)&bad,
					    sizeof(bad)),
				     EACCES);
			break;
		case 6:
			expect_errno(shutdown(s, SHUT_WR), ENOTCONN);
			/* Still unbound after shutdown. */
			cr_assert_eq(api_name_of(s).sin_port, 0);
			expect_errno(sendto(s, "x", 1, 0,
					    (struct sockaddr *)&to, sizeof(to)),
				     EPIPE);
			break;
		case 7:
			expect_errno(connect(s, (struct sockaddr *)&to, 15),
				     EINVAL);
			break;
		case 8:
			bad.sin_family = AF_UNIX;
			expect_errno(connect(s, (struct sockaddr *)&bad,
					     sizeof(bad)),
				     EAFNOSUPPORT);
			break;
		}
		sin = api_name_of(s);
		cr_assert_eq(sin.sin_addr.s_addr, htonl(INADDR_ANY), "case %d",
			     i);
		cr_assert_geq(ntohs(sin.sin_port), 1024, "case %d", i);
		expect_ok(close(s));
	}
	/* None of them sent anything. */
	expect_errno(recv(r, &(char){ 0 }, 1, MSG_DONTWAIT), EAGAIN);
	expect_ok(close(r));
}

API_TEST(udp, connect_address_checks, API_NEEDS_INET)
{
	struct sockaddr_in to, bad;
	int r = udp_bound("127.0.0.1", &to);
	int s = udp_socket();

	expect_errno(connect(s, (struct sockaddr *)&to, 15), EINVAL);
	expect_errno(connect(s, (struct sockaddr *)&to, 1), EINVAL);
	expect_errno(connect(s, (struct sockaddr *)&to, 0), EINVAL);
	bad = to;
	bad.sin_family = AF_UNIX;
	expect_errno(connect(s, (struct sockaddr *)&bad, sizeof(bad)),
		     EAFNOSUPPORT);
	expect_errno(getpeername(s, (struct sockaddr *)&bad,
				 &(socklen_t){ sizeof(bad) }),
		     ENOTCONN);
	/* Surprising: connect() to port 0 succeeds, yet getpeername() then
	 * says ENOTCONN, since it looks at the peer port. */
	bad = api_sin_of("127.0.0.1", 0);
	expect_ok(connect(s, (struct sockaddr *)&bad, sizeof(bad)));
	expect_errno(getpeername(s, (struct sockaddr *)&bad,
				 &(socklen_t){ sizeof(bad) }),
		     ENOTCONN);
	expect_ok(close(s));
	expect_ok(close(r));
}

/* A connected socket takes datagrams only from its peer; sendto() with
 * an explicit address still works and goes to that address. */
API_TEST(udp, connected_filters_and_sendto_override, API_NEEDS_INET)
{
	struct sockaddr_in pa, oa, sa, from;
	socklen_t len = sizeof(from);
	int peer = udp_bound("127.0.0.1", &pa);
	int other = udp_bound("127.0.0.1", &oa);
	int s = udp_bound("127.0.0.1", &sa);
	char c;

	expect_ok(connect(s, (struct sockaddr *)&pa, sizeof(pa)));
	set_rcvtimeo(s, WAIT_MS);
	send_to(other, "o", 1, &sa);
	send_to(peer, "p", 1, &sa);
	/* Only "p" arrives; the "o" from a stranger is dropped. */
	cr_assert_eq(recvfrom(s, &c, 1, 0, (struct sockaddr *)&from, &len), 1);
	cr_assert_eq(c, 'p');
	cr_assert_eq(from.sin_port, pa.sin_port);
	cr_assert_eq(from.sin_addr.s_addr, pa.sin_addr.s_addr);
	expect_errno(recv(s, &c, 1, MSG_DONTWAIT), EAGAIN);
	/* An explicit destination overrides the peer for that datagram. */
	send_to(s, "q", 1, &oa);
	cr_assert_eq(recv_wait(other, &c, 1, 0), 1);
	cr_assert_eq(c, 'q');
	expect_errno(recv(peer, &c, 1, MSG_DONTWAIT), EAGAIN);
	expect_ok(close(s));
	expect_ok(close(other));
	expect_ok(close(peer));
}

/* A UDP socket may connect again to another peer, and keeps its port. */
API_TEST(udp, reconnect_changes_peer, API_NEEDS_INET)
{
	struct sockaddr_in a, b;
	int ra = udp_bound("127.0.0.1", &a);
	int rb = udp_bound("127.0.0.1", &b);
	int s = udp_socket();
	uint16_t port;
	char c;

	expect_ok(connect(s, (struct sockaddr *)&a, sizeof(a)));
	port = api_name_of(s).sin_port;
	expect_ok(connect(s, (struct sockaddr *)&b, sizeof(b)));
	cr_assert_eq(api_peer_of(s).sin_port, b.sin_port);
	cr_assert_eq(api_name_of(s).sin_port, port);
	expect_ok(send(s, "b", 1, 0));
	cr_assert_eq(recv_wait(rb, &c, 1, 0), 1);
	expect_errno(recv(ra, &c, 1, MSG_DONTWAIT), EAGAIN);
	expect_ok(close(s));
	expect_ok(close(ra));
	expect_ok(close(rb));
}

/* connect(AF_UNSPEC) dissolves the association: no peer, send needs an
 * address again, datagrams from anyone are accepted.  The address length
 * need only cover sa_family (2); 1 is EINVAL.  On a socket that is not
 * connected it is a no-op that succeeds. */
API_TEST(udp, connect_af_unspec_disconnects, API_NEEDS_INET)
{
	struct sockaddr_in pa, oa, sa;
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	int peer = udp_bound("127.0.0.1", &pa);
	int other = udp_bound("127.0.0.1", &oa);
	int s = udp_bound_explicit("127.0.0.1", &sa);
	int u = udp_socket();
	char c;

	expect_ok(connect(u, &unspec, sizeof(unspec)));
	expect_ok(connect(u, &unspec, 2));
	expect_errno(connect(u, &unspec, 1), EINVAL);

	expect_ok(connect(s, (struct sockaddr *)&pa, sizeof(pa)));
	expect_errno(connect(s, &unspec, 1), EINVAL);
	api_peer_of(s);
	expect_ok(connect(s, &unspec, 2));
	expect_errno(getpeername(s, (struct sockaddr *)&pa,
				 &(socklen_t){ sizeof(pa) }),
		     ENOTCONN);
	expect_errno(send(s, "x", 1, 0), EDESTADDRREQ);
	/* The name given explicitly to bind() is kept. */
	cr_assert_eq(api_name_of(s).sin_port, sa.sin_port);
	cr_assert_eq(api_name_of(s).sin_addr.s_addr, sa.sin_addr.s_addr);
	send_to(other, "o", 1, &sa);
	cr_assert_eq(recv_wait(s, &c, 1, 0), 1);
	cr_assert_eq(c, 'o');
	expect_ok(close(u));
	expect_ok(close(s));
	expect_ok(close(other));
	expect_ok(close(peer));
}

/* Surprising: on disconnect Linux unbinds whatever was not bound by the
 * user with an explicit value.  A port from autobind, or from bind(port
 * 0), is given up (getsockname shows port 0, and the port is free), and
 * an address from autobind is reset to 0.0.0.0; an address or port given
 * explicitly to bind() stays. */
API_TEST(udp, disconnect_forgets_ephemeral_port, API_NEEDS_INET)
{
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	struct sockaddr_in to, sin;
	int r = udp_bound("127.0.0.1", &to);
	int s = udp_socket();
	int t;
	uint16_t port;

	/* Autobound by connect: 127.0.0.1:p becomes 0.0.0.0:0. */
	expect_ok(connect(s, (struct sockaddr *)&to, sizeof(to)));
	port = ntohs(api_name_of(s).sin_port);
	expect_ok(connect(s, &unspec, sizeof(unspec)));
	sin = api_name_of(s);
	cr_assert_eq(sin.sin_addr.s_addr, htonl(INADDR_ANY));
	cr_assert_eq(sin.sin_port, 0);
	t = udp_socket();
	cr_assert_eq(bind_err(t, "127.0.0.1", port), 0, "port still held");
	expect_ok(close(t));
	expect_ok(close(s));

	/* bind(127.0.0.1, port 0): the address stays, the port goes. */
	s = udp_bound("127.0.0.1", &sin);
	expect_ok(connect(s, (struct sockaddr *)&to, sizeof(to)));
	expect_ok(connect(s, &unspec, sizeof(unspec)));
	sin = api_name_of(s);
	cr_assert_eq(sin.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	cr_assert_eq(sin.sin_port, 0);
	expect_ok(close(s));

	/* bind(0.0.0.0, port 0), connect: 127.0.0.1:p, then 0.0.0.0:0. */
	s = udp_bound("0.0.0.0", &sin);
	expect_ok(connect(s, (struct sockaddr *)&to, sizeof(to)));
	cr_assert_eq(api_name_of(s).sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	expect_ok(connect(s, &unspec, sizeof(unspec)));
	sin = api_name_of(s);
	cr_assert_eq(sin.sin_addr.s_addr, htonl(INADDR_ANY));
	cr_assert_eq(sin.sin_port, 0);
	expect_ok(close(s));

	/* bind(0.0.0.0, explicit port): the port stays. */
	s = udp_bound_explicit("0.0.0.0", &sin);
	port = ntohs(sin.sin_port);
	expect_ok(connect(s, (struct sockaddr *)&to, sizeof(to)));
	expect_ok(connect(s, &unspec, sizeof(unspec)));
	sin = api_name_of(s);
	cr_assert_eq(sin.sin_addr.s_addr, htonl(INADDR_ANY));
	cr_assert_eq(ntohs(sin.sin_port), port);
	expect_ok(close(s));
	expect_ok(close(r));
}

/* -- data ------------------------------------------------------------ */

/* Boundaries are kept; MSG_PEEK leaves the datagram in place; recvfrom
 * on a connected socket still reports the peer's address. */
API_TEST(udp, datagram_boundaries_and_peek, API_NEEDS_INET)
{
	struct sockaddr_in ra, sa, from;
	socklen_t len = sizeof(from);
	int r = udp_bound("127.0.0.1", &ra);
	int s = udp_bound("127.0.0.1", &sa);
	char buf[64];

	expect_ok(connect(r, (struct sockaddr *)&sa, sizeof(sa)));
	send_to(s, "one", 3, &ra);
	send_to(s, "three", 5, &ra);
	send_to(s, "tw", 2, &ra);
	wait_readable(r);
	cr_assert_eq(recv(r, buf, sizeof(buf), MSG_PEEK), 3);
	cr_assert_eq(recv(r, buf, sizeof(buf), MSG_PEEK), 3);
	cr_assert_eq(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			      &len),
		     3);
	cr_assert_eq(memcmp(buf, "one", 3), 0);
	cr_assert_eq(from.sin_port, sa.sin_port);
	cr_assert_eq(recv_wait(r, buf, sizeof(buf), 0), 5);
	cr_assert_eq(memcmp(buf, "three", 5), 0);
	cr_assert_eq(recv_wait(r, buf, sizeof(buf), 0), 2);
	expect_errno(recv(r, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	expect_ok(close(s));
	expect_ok(close(r));
}

/* A zero-length datagram is a datagram: it makes the socket readable,
 * recv returns 0 for it (with the sender's address), and it is consumed.
 * FIONREAD reports its length, 0. */
API_TEST(udp, zero_length_datagram, API_NEEDS_INET)
{
	struct sockaddr_in ra, sa, from;
	socklen_t len = sizeof(from);
	int r = udp_bound("127.0.0.1", &ra);
	int s = udp_bound("127.0.0.1", &sa);
	int n = -1;
	char buf[8];

	send_to(s, "", 0, &ra);
	cr_assert_eq(wait_events(r, POLLIN | POLLRDNORM, WAIT_MS),
		     POLLIN | POLLRDNORM);
	expect_ok(ioctl(r, FIONREAD, &n));
	cr_assert_eq(n, 0);
	cr_assert_eq(recvfrom(r, buf, sizeof(buf), MSG_DONTWAIT,
			      (struct sockaddr *)&from, &len),
		     0);
	cr_assert_eq(len, sizeof(from));
	cr_assert_eq(from.sin_port, sa.sin_port);
	cr_assert_eq(wait_events(r, POLLIN, 0), 0);
	expect_errno(recv(r, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	/* Also through connect + send and into a zero-length buffer. */
	expect_ok(connect(s, (struct sockaddr *)&ra, sizeof(ra)));
	cr_assert_eq(send(s, NULL, 0, 0), 0);
	cr_assert_eq(recv_wait(r, NULL, 0, 0), 0);
	expect_errno(recv(r, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	expect_ok(close(s));
	expect_ok(close(r));
}

/* A short buffer gets the head of the datagram and the rest is lost;
 * with the MSG_TRUNC flag recv returns the real length; recvmsg sets
 * MSG_TRUNC in msg_flags. */
API_TEST(udp, msg_trunc, API_NEEDS_INET)
{
	struct sockaddr_in ra;
	int r = udp_bound("127.0.0.1", &ra);
	int s = udp_socket();
	char buf[16];
	struct iovec iov = { .iov_base = buf, .iov_len = 4 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	send_to(s, "0123456789", 10, &ra);
	send_to(s, "abcdefghij", 10, &ra);
	send_to(s, "ABCDEFGHIJ", 10, &ra);
	send_to(s, "klmnopqrst", 10, &ra);
	memset(buf, 0, sizeof(buf));
	cr_assert_eq(recv_wait(r, buf, 4, 0), 4);
	cr_assert_eq(memcmp(buf, "0123", 4), 0);
	cr_assert_eq(recv_wait(r, buf, 4, MSG_TRUNC), 10);
	cr_assert_eq(memcmp(buf, "abcd", 4), 0);
	/* MSG_PEEK|MSG_TRUNC reports the length without taking it. */
	cr_assert_eq(recv_wait(r, buf, 2, MSG_PEEK | MSG_TRUNC), 10);
	wait_readable(r);
	cr_assert_eq(recvmsg(r, &m, 0), 4);
	cr_assert_eq(m.msg_flags & MSG_TRUNC, MSG_TRUNC);
	cr_assert_eq(memcmp(buf, "ABCD", 4), 0);
	iov.iov_len = sizeof(buf);
	wait_readable(r);
	cr_assert_eq(recvmsg(r, &m, 0), 10);
	cr_assert_eq(m.msg_flags & MSG_TRUNC, 0);
	expect_ok(close(s));
	expect_ok(close(r));
}

/* 65535 - 20 (IP header) - 8 (UDP header) = 65507 is the largest
 * datagram; one byte more is EMSGSIZE, connected or not, whatever the
 * iovec layout. */
API_TEST(udp, max_datagram_and_emsgsize, API_NEEDS_INET)
{
	struct sockaddr_in ra;
	int r = udp_bound("127.0.0.1", &ra);
	int s = udp_socket();
	char *buf = malloc(UDP_MAX + 1), *got = malloc(UDP_MAX + 1);
	struct iovec iov[2];
	struct msghdr m = { .msg_name = &ra,
			    .msg_namelen = sizeof(ra),
			    .msg_iov = iov,
			    .msg_iovlen = 2 };

	cr_assert(buf && got);
	for (int i = 0; i <= UDP_MAX; i++)
		buf[i] = (char)(i * 7);
	expect_errno(sendto(s, buf, UDP_MAX + 1, 0, (struct sockaddr *)&ra,
			    sizeof(ra)),
		     EMSGSIZE);
	iov[0] = (struct iovec){ .iov_base = buf, .iov_len = 1000 };
	iov[1] = (struct iovec){ .iov_base = buf + 1000,
				 .iov_len = UDP_MAX - 999 };
	expect_errno(sendmsg(s, &m, 0), EMSGSIZE);
	send_to(s, buf, UDP_MAX, &ra);
	cr_assert_eq(recv_wait(r, got, UDP_MAX + 1, 0), UDP_MAX);
	cr_assert_eq(memcmp(buf, got, UDP_MAX), 0);
	expect_ok(connect(s, (struct sockaddr *)&ra, sizeof(ra)));
	expect_errno(send(s, buf, UDP_MAX + 1, 0), EMSGSIZE);
	iov[1].iov_len = UDP_MAX - 1000;
	m.msg_name = NULL;
	m.msg_namelen = 0;
	cr_assert_eq(sendmsg(s, &m, 0), UDP_MAX);
	cr_assert_eq(recv_wait(r, got, UDP_MAX + 1, 0), UDP_MAX);
	cr_assert_eq(memcmp(buf, got, UDP_MAX), 0);
	/* Nothing of the refused ones arrived. */
	expect_errno(recv(r, got, 1, MSG_DONTWAIT), EAGAIN);
	free(buf);
	free(got);
	expect_ok(close(s));
	expect_ok(close(r));
}

/* The address buffer of recvfrom gets a truncated copy when short, and
 * the length is set to the full 16. */
API_TEST(udp, recvfrom_short_address_buffer, API_NEEDS_INET)
{
	struct sockaddr_in ra, sa;
	int r = udp_bound("127.0.0.1", &ra);
	int s = udp_bound("127.0.0.1", &sa);
	unsigned char addr[16];
	socklen_t len = 4;
	char c;

	send_to(s, "x", 1, &ra);
	wait_readable(r);
	memset(addr, 0xa5, sizeof(addr));
	cr_assert_eq(recvfrom(r, &c, 1, 0, (struct sockaddr *)addr, &len), 1);
	cr_assert_eq(len, sizeof(struct sockaddr_in));
	cr_assert_eq(addr[0] | addr[1] << 8, AF_INET);
	cr_assert_eq(memcmp(&addr[2], &sa.sin_port, 2), 0);
	cr_assert_eq(addr[4], 0xa5);
	expect_ok(close(s));
	expect_ok(close(r));
}

API_TEST(udp, empty_nonblocking_eagain, API_NEEDS_INET)
{
	int s = udp_bound("127.0.0.1", NULL);
	int n = expect_ok(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
	char c;

	expect_errno(recv(s, &c, 1, MSG_DONTWAIT), EAGAIN);
	expect_errno(recv(n, &c, 1, 0), EAGAIN);
	expect_errno(read(n, &c, 1), EAGAIN);
	expect_errno(recvfrom(n, &c, 1, 0, NULL, NULL), EAGAIN);
	expect_ok(close(n));
	expect_ok(close(s));
}

/* FIONREAD and SIOCINQ give the size of the next datagram, not the
 * total queued.  SIOCOUTQ counts bytes not yet sent; the loopback takes
 * a datagram out of the sender's account as it passes, so it reads 0
 * after a send. */
API_TEST(udp, queue_size_ioctls, API_NEEDS_INET)
{
	struct sockaddr_in ra;
	int r = udp_bound("127.0.0.1", &ra);
	int s = udp_socket();
	int n = -1;
	char buf[64];

	expect_ok(ioctl(r, FIONREAD, &n));
	cr_assert_eq(n, 0);
	n = -1;
	expect_ok(ioctl(s, SIOCOUTQ, &n));
	cr_assert_eq(n, 0);
	memset(buf, 0, sizeof(buf));
	send_to(s, buf, 10, &ra);
	send_to(s, buf, 20, &ra);
	n = -1;
	expect_ok(ioctl(s, SIOCOUTQ, &n));
	cr_assert_eq(n, 0);
	wait_readable(r);
	expect_ok(ioctl(r, FIONREAD, &n));
	cr_assert_eq(n, 10);
	n = -1;
	expect_ok(ioctl(r, SIOCINQ, &n));
	cr_assert_eq(n, 10);
	cr_assert_eq(recv(r, buf, sizeof(buf), 0), 10);
	wait_readable(r);
	expect_ok(ioctl(r, SIOCINQ, &n));
	cr_assert_eq(n, 20);
	cr_assert_eq(recv(r, buf, sizeof(buf), 0), 20);
	expect_ok(ioctl(r, FIONREAD, &n));
	cr_assert_eq(n, 0);
	expect_ok(close(s));
	expect_ok(close(r));
}

/* A UDP socket is always writable; readable once a datagram is queued. */
API_TEST(udp, poll_readiness, API_NEEDS_INET)
{
	struct sockaddr_in ra;
	int r = udp_bound("127.0.0.1", &ra);
	int s = udp_socket();
	short all = POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLPRI |
		    POLLRDHUP;
	char c;

	cr_assert_eq(wait_events(s, all, 0), POLLOUT | POLLWRNORM);
	cr_assert_eq(wait_events(r, all, 0), POLLOUT | POLLWRNORM);
	send_to(s, "x", 1, &ra);
	wait_readable(r);
	cr_assert_eq(wait_events(r, all, 0),
		     POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM);
	cr_assert_eq(recv(r, &c, 1, 0), 1);
	cr_assert_eq(wait_events(r, all, 0), POLLOUT | POLLWRNORM);
	expect_ok(close(s));
	expect_ok(close(r));
}

/* Edge-triggered epoll reports each arriving datagram. */
API_TEST(udp, epoll_edge_per_datagram, API_NEEDS_INET)
{
	struct sockaddr_in ra;
	int r = udp_bound("127.0.0.1", &ra);
	int s = udp_socket();
	int ep = expect_ok(epoll_create1(0));
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET,
				  .data.u32 = 7 };

	expect_ok(epoll_ctl(ep, EPOLL_CTL_ADD, r, &ev));
	cr_assert_eq(epoll_wait(ep, &ev, 1, 0), 1);
	cr_assert_eq(ev.events, EPOLLOUT);
	cr_assert_eq(ev.data.u32, 7);
	cr_assert_eq(epoll_wait(ep, &ev, 1, 0), 0);
	for (int i = 0; i < 2; i++) {
		send_to(s, "x", 1, &ra);
		cr_assert_eq(epoll_wait(ep, &ev, 1, WAIT_MS), 1);
		cr_assert_eq(ev.events, EPOLLIN | EPOLLOUT);
		cr_assert_eq(epoll_wait(ep, &ev, 1, 0), 0);
	}
	cr_assert_eq(count_dontwait(r), 2);
	expect_ok(close(ep));
	expect_ok(close(s));
	expect_ok(close(r));
}

/* -- sendmmsg / recvmmsg --------------------------------------------- */

API_TEST(udp, sendmmsg_recvmmsg, API_NEEDS_INET)
{
	struct sockaddr_in ra, sa, from[4];
	int r = udp_bound("127.0.0.1", &ra);
	int s = udp_bound("127.0.0.1", &sa);
	static const char *const text[3] = { "a", "bb", "ccc" };
	struct iovec siov[3], riov[4];
	struct mmsghdr sm[3], rm[4];
	char rbuf[4][8];

	memset(sm, 0, sizeof(sm));
	memset(rm, 0, sizeof(rm));
	for (int i = 0; i < 3; i++) {
		siov[i] = (struct iovec){ .iov_base = (void *)text[i],
					  .iov_len = strlen(text[i]) };
		sm[i].msg_hdr.msg_name = &ra;
		sm[i].msg_hdr.msg_namelen = sizeof(ra);
		sm[i].msg_hdr.msg_iov = &siov[i];
		sm[i].msg_hdr.msg_iovlen = 1;
		sm[i].msg_len = 12345;
	}
	for (int i = 0; i < 4; i++) {
		riov[i] = (struct iovec){ .iov_base = rbuf[i],
					  .iov_len = sizeof(rbuf[i]) };
		rm[i].msg_hdr.msg_name = &from[i];
		rm[i].msg_hdr.msg_namelen = sizeof(from[i]);
		rm[i].msg_hdr.msg_iov = &riov[i];
		rm[i].msg_hdr.msg_iovlen = 1;
	}
	cr_assert_eq(sendmmsg(s, sm, 0, 0), 0);
	cr_assert_eq(sendmmsg(s, sm, 3, 0), 3);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(sm[i].msg_len, strlen(text[i]));
	/* Blocking, with vlen 3: waits for all three. */
	set_rcvtimeo(r, WAIT_MS);
	cr_assert_eq(recvmmsg(r, rm, 3, 0, NULL), 3);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(rm[i].msg_len, strlen(text[i]));
		cr_assert_eq(memcmp(rbuf[i], text[i], rm[i].msg_len), 0);
		cr_assert_eq(rm[i].msg_hdr.msg_namelen, sizeof(from[i]));
		cr_assert_eq(from[i].sin_port, sa.sin_port);
	}
	expect_errno(recvmmsg(r, rm, 4, MSG_DONTWAIT, NULL), EAGAIN);
	expect_ok(close(s));
	expect_ok(close(r));
}

/* MSG_DONTWAIT and MSG_WAITFORONE return what is there (2) rather than
 * wait for the 4 asked for. */
API_TEST(udp, recvmmsg_partial, API_NEEDS_INET)
{
	struct sockaddr_in ra;
	int r = udp_bound("127.0.0.1", &ra);
	int s = udp_socket();
	struct iovec riov[4];
	struct mmsghdr rm[4];
	char rbuf[4][8];

	memset(rm, 0, sizeof(rm));
	for (int i = 0; i < 4; i++) {
		riov[i] = (struct iovec){ .iov_base = rbuf[i],
					  .iov_len = sizeof(rbuf[i]) };
		rm[i].msg_hdr.msg_iov = &riov[i];
		rm[i].msg_hdr.msg_iovlen = 1;
	}
	for (int round = 0; round < 2; round++) {
		int flags = round ? MSG_WAITFORONE : MSG_DONTWAIT;
		int total = 0;

		send_to(s, "1", 1, &ra);
		send_to(s, "22", 2, &ra);
		/* Normally both are there at once and one call takes both;
		 * either way no call waits for the 4 asked for. */
		for (int calls = 0; calls < 10 && total < 2; calls++) {
			int n;

			wait_readable(r);
			n = recvmmsg(r, rm + total, 4, flags, NULL);
			cr_assert(n >= 1 && n <= 2 - total, "recvmmsg: %d", n);
			total += n;
		}
		cr_assert_eq(total, 2);
		cr_assert_eq(rm[0].msg_len, 1);
		cr_assert_eq(rm[1].msg_len, 2);
		expect_errno(recvmmsg(r, rm, 4, MSG_DONTWAIT, NULL), EAGAIN);
	}
	expect_ok(close(s));
	expect_ok(close(r));
}

/* sendmmsg stops at the first failing message: if some were sent it
 * returns their count and the error is not reported; if the first
 * fails it returns -1 with its errno. */
API_TEST(udp, sendmmsg_partial_failure, API_NEEDS_INET)
{
	struct sockaddr_in ra, bad;
	int r = udp_bound("127.0.0.1", &ra);
	int s = udp_socket();
	struct iovec iov = { .iov_base = "m", .iov_len = 1 };
	struct mmsghdr sm[3];
	char c;

	bad = ra;
	bad.sin_port = 0;
	memset(sm, 0, sizeof(sm));
	for (int i = 0; i < 3; i++) {
		sm[i].msg_hdr.msg_name = i == 1 ? &bad : &ra;
		sm[i].msg_hdr.msg_namelen = sizeof(ra);
		sm[i].msg_hdr.msg_iov = &iov;
		sm[i].msg_hdr.msg_iovlen = 1;
	}
	cr_assert_eq(sendmmsg(s, sm, 3, 0), 1);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_ERROR), 0);
	expect_errno(sendmmsg(s, &sm[1], 2, 0), EINVAL);
	cr_assert_eq(recv_wait(r, &c, 1, 0), 1);
	expect_errno(recv(r, &c, 1, MSG_DONTWAIT), EAGAIN);
	expect_ok(close(s));
	expect_ok(close(r));
}

/* -- SO_BROADCAST ---------------------------------------------------- */

/* Without SO_BROADCAST, a broadcast destination is EACCES, for sendto and
 * for connect.  Nothing is sent.  (The option is never turned on here:
 * the test must not broadcast.)  The loopback subnet's 127.255.255.255 is
 * used because it is routed on every host; the limited broadcast
 * 255.255.255.255 is EACCES only where a default route exists, and
 * ENETUNREACH on a host with lo alone (checked in a fresh namespace). */
API_TEST(udp, broadcast_without_so_broadcast_eacces, API_NEEDS_INET)
{
	int s = udp_bound("127.0.0.1", NULL);
	uint16_t port = closed_port();
	struct sockaddr_in sb = api_sin_of("127.255.255.255", port);

	expect_errno(sendto(s, "x", 1, 0, (struct sockaddr *)&sb, sizeof(sb)),
		     EACCES);
	expect_errno(connect(s, (struct sockaddr *)&sb, sizeof(sb)), EACCES);
	expect_errno(getpeername(s, (struct sockaddr *)&sb,
				 &(socklen_t){ sizeof(sb) }),
		     ENOTCONN);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_ERROR), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_BROADCAST), 0);
	/* The option itself: any non-zero int reads back as 1; the value
	 * must be a full int (unlike the SOL_IP options below).  Nothing is
	 * sent while it is on. */
	cr_assert_eq(set_int(s, SOL_SOCKET, SO_BROADCAST, 5), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_BROADCAST), 1);
	cr_assert_eq(set_int(s, SOL_SOCKET, SO_BROADCAST, -1), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_BROADCAST), 1);
	cr_assert_eq(set_int(s, SOL_SOCKET, SO_BROADCAST, 0), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_BROADCAST), 0);
	expect_errno(setsockopt(s, SOL_SOCKET, SO_BROADCAST, &(char){ 1 }, 1),
		     EINVAL);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_BROADCAST), 0);
	expect_ok(close(s));
}

/* -- SO_REUSEADDR / SO_REUSEPORT ------------------------------------- */

static void set_reuse(int fd, int flags)
{
	cr_assert_eq(set_int(fd, SOL_SOCKET, SO_REUSEADDR, flags & 1), 0);
	cr_assert_eq(set_int(fd, SOL_SOCKET, SO_REUSEPORT, flags >> 1), 0);
}

/* Bind a socket with flags1 (bit 0 SO_REUSEADDR, bit 1 SO_REUSEPORT) to
 * ip1, port 0, then another with flags2 to ip2 and the same port: the
 * errno of the second bind, or 0. */
static int second_bind(const char *ip1, int flags1, const char *ip2, int flags2)
{
	int a = udp_socket(), b = udp_socket();
	int err;

	set_reuse(a, flags1);
	set_reuse(b, flags2);
	cr_assert_eq(bind_err(a, ip1, 0), 0);
	err = bind_err(b, ip2, ntohs(api_name_of(a).sin_port));
	expect_ok(close(a));
	expect_ok(close(b));
	return err;
}

/* The UDP rule: a second bind to an overlapping address and the same
 * port succeeds iff both sockets have SO_REUSEADDR, or both have
 * SO_REUSEPORT (same owner).  Overlapping means equal, or either is
 * INADDR_ANY, in either order; two different specific addresses never
 * conflict.  Flags: bit 0 SO_REUSEADDR, bit 1 SO_REUSEPORT. */
API_TEST(udp, reuse_bind_rules, API_NEEDS_INET)
{
	static const char *const pairs[][2] = {
		{ "127.0.0.1", "127.0.0.1" }, { "0.0.0.0", "127.0.0.1" },
		{ "127.0.0.1", "0.0.0.0" },   { "0.0.0.0", "0.0.0.0" },
		{ "127.0.0.1", "127.0.0.2" },
	};

	for (size_t p = 0; p < sizeof(pairs) / sizeof(pairs[0]); p++) {
		bool overlap = p != 4;

		for (int f1 = 0; f1 < 4; f1++) {
			for (int f2 = 0; f2 < 4; f2++) {
				bool share = (f1 & f2) != 0;
				int want = overlap && !share ? EADDRINUSE : 0;

				cr_assert_eq(second_bind(pairs[p][0], f1,
							 pairs[p][1], f2),
					     want,
					     "%s reuseaddr %d reuseport %d, "
					     "then %s reuseaddr %d reuseport "
					     "%d",
					     pairs[p][0], f1 & 1, f1 >> 1,
					     pairs[p][1], f2 & 1, f2 >> 1);
			}
		}
	}
}

/* Two sockets sharing a port through SO_REUSEADDR: each unicast datagram
 * goes to one of them, not to both (Linux picks the one bound last). */
API_TEST(udp, reuseaddr_delivers_once, API_NEEDS_INET)
{
	struct sockaddr_in sin;
	int a = udp_socket(), b = udp_socket();
	int s = udp_socket();
	int fds[2] = { a, b }, counts[2];
	int na, nb;

	cr_assert_eq(set_int(a, SOL_SOCKET, SO_REUSEADDR, 1), 0);
	cr_assert_eq(set_int(b, SOL_SOCKET, SO_REUSEADDR, 1), 0);
	cr_assert_eq(bind_err(a, "127.0.0.1", 0), 0);
	sin = api_name_of(a);
	cr_assert_eq(bind_err(b, "127.0.0.1", ntohs(sin.sin_port)), 0);
	for (int i = 0; i < 8; i++)
		send_to(s, "x", 1, &sin);
	collect(fds, 2, counts, 8);
	na = counts[0];
	nb = counts[1];
	cr_assert_eq(na + nb, 8, "%d + %d", na, nb);
	cr_assert(na == 0 || nb == 0, "split %d/%d", na, nb);
	expect_ok(close(s));
	expect_ok(close(a));
	expect_ok(close(b));
}

/* A socket bound to the exact destination address beats one bound to
 * INADDR_ANY on the same port, in either bind order. */
API_TEST(udp, specific_address_beats_wildcard, API_NEEDS_INET)
{
	for (int order = 0; order < 2; order++) {
		int any = udp_socket(), lo = udp_socket();
		int s = udp_socket();
		int first = order ? lo : any, second = order ? any : lo;
		struct sockaddr_in to;
		char c;

		cr_assert_eq(set_int(any, SOL_SOCKET, SO_REUSEADDR, 1), 0);
		cr_assert_eq(set_int(lo, SOL_SOCKET, SO_REUSEADDR, 1), 0);
		cr_assert_eq(
			bind_err(first, order ? "127.0.0.1" : "0.0.0.0", 0), 0);
		to = api_sin_of("127.0.0.1",
				ntohs(api_name_of(first).sin_port));
		cr_assert_eq(bind_err(second, order ? "0.0.0.0" : "127.0.0.1",
				      ntohs(to.sin_port)),
			     0);
		send_to(s, "a", 1, &to);
		send_to(s, "b", 1, &to);
		cr_assert_eq(recv_wait(lo, &c, 1, 0), 1);
		cr_assert_eq(c, 'a');
		cr_assert_eq(recv_wait(lo, &c, 1, 0), 1);
		cr_assert_eq(c, 'b');
		expect_errno(recv(any, &c, 1, MSG_DONTWAIT), EAGAIN);
		/* Another loopback address reaches only the wildcard. */
		to.sin_addr.s_addr = api_ip_of("127.0.0.3");
		send_to(s, "c", 1, &to);
		cr_assert_eq(recv_wait(any, &c, 1, 0), 1);
		cr_assert_eq(c, 'c');
		expect_ok(close(s));
		expect_ok(close(any));
		expect_ok(close(lo));
	}
}

/* SO_REUSEPORT groups are per owner: a socket of another user cannot
 * join (EADDRINUSE), while SO_REUSEADDR has no such check. */
API_TEST(udp, reuseport_other_user_eaddrinuse, API_NEEDS_INET)
{
	int a = udp_socket(), c = udp_socket(), b, d;
	uint16_t pa, pc;

	cr_assert_eq(set_int(a, SOL_SOCKET, SO_REUSEPORT, 1), 0);
	cr_assert_eq(bind_err(a, "127.0.0.1", 0), 0);
	pa = ntohs(api_name_of(a).sin_port);
	cr_assert_eq(set_int(c, SOL_SOCKET, SO_REUSEADDR, 1), 0);
	cr_assert_eq(bind_err(c, "127.0.0.1", 0), 0);
	pc = ntohs(api_name_of(c).sin_port);
	api_drop_privileges();
	b = udp_socket();
	cr_assert_eq(set_int(b, SOL_SOCKET, SO_REUSEPORT, 1), 0);
	cr_assert_eq(bind_err(b, "127.0.0.1", pa), EADDRINUSE);
	d = udp_socket();
	cr_assert_eq(set_int(d, SOL_SOCKET, SO_REUSEADDR, 1), 0);
	cr_assert_eq(bind_err(d, "127.0.0.1", pc), 0);
	expect_ok(close(a));
	expect_ok(close(b));
	expect_ok(close(c));
	expect_ok(close(d));
}

/* A SO_REUSEPORT group spreads datagrams over its members by a hash of
 * the source: from many source ports, more than one member receives,
 * and nothing is lost or duplicated. */
API_TEST(udp, reuseport_group_spreads, API_NEEDS_INET)
{
	enum {
		MEMBERS = 4,
		SENDERS = 64
	};
	int g[MEMBERS], got[MEMBERS], total = 0, busy = 0;
	struct sockaddr_in to;

	for (int i = 0; i < MEMBERS; i++) {
		g[i] = udp_socket();
		cr_assert_eq(set_int(g[i], SOL_SOCKET, SO_REUSEPORT, 1), 0);
		cr_assert_eq(bind_err(g[i], "127.0.0.1",
				      i ? ntohs(to.sin_port) : 0),
			     0);
		if (i == 0)
			to = api_name_of(g[0]);
	}
	for (int i = 0; i < SENDERS; i++) {
		int s = udp_socket();

		send_to(s, "x", 1, &to);
		expect_ok(close(s));
	}
	collect(g, MEMBERS, got, SENDERS);
	for (int i = 0; i < MEMBERS; i++) {
		total += got[i];
		busy += got[i] > 0;
	}
	cr_assert_eq(total, SENDERS, "received %d of %d", total, SENDERS);
	cr_assert_gt(busy, 1, "all datagrams went to one member");
	for (int i = 0; i < MEMBERS; i++)
		expect_ok(close(g[i]));
}
