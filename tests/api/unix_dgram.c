/*
 * unix_dgram.c - AF_UNIX SOCK_DGRAM: message boundaries, sendto() to
 * filesystem and abstract names, the source address recvfrom() reports
 * (and its length for an unbound sender), truncation with and without
 * MSG_TRUNC, MSG_PEEK and SO_PEEK_OFF over datagrams, connect() (sending
 * without an address, reconnecting, refusing foreign senders, AF_UNSPEC
 * disconnect and the queue purge it implies), the errors for missing names
 * and dead peers, EMSGSIZE against SO_SNDBUF, zero-length datagrams, the
 * max_dgram_qlen receive queue limit, FIONREAD, and sendmmsg/recvmmsg.
 */
#include "api.h"

/* Linux's net.unix.max_dgram_qlen default; usnet must use the same. */
#define MAX_DGRAM_QLEN 10

/* A dgram socket bound to a fresh abstract name, and that name. */
struct peer {
	int fd;
	struct sockaddr_un sun;
	socklen_t len;
};

static struct peer peer(const char *name)
{
	struct peer p;

	p.fd = api_bound(SOCK_DGRAM, name, &p.sun, &p.len);
	return p;
}

/* A peer's name as the address and length arguments of a call. */
#define ADDR(p) (struct sockaddr *)&(p).sun, (p).len

API_TEST(unix_dgram, socketpair_keeps_boundaries)
{
	char buf[16];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	cr_assert_eq(send(sv[0], "abc", 3, 0), 3);
	cr_assert_eq(send(sv[0], "defgh", 5, 0), 5);
	cr_assert_eq(write(sv[1], "back", 4), 4);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), 0), 3);
	cr_assert(memcmp(buf, "abc", 3) == 0);
	cr_assert_eq(read(sv[1], buf, sizeof(buf)), 5);
	cr_assert(memcmp(buf, "defgh", 5) == 0);
	cr_assert_eq(recv(sv[0], buf, sizeof(buf), 0), 4);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_dgram, sendto_path_with_source_address)
{
	struct sockaddr_un rx_sun, tx_sun, got;
	char rx_path[108], tx_path[108], buf[8];
	socklen_t rlen, tlen, glen = sizeof(got);
	int rx = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	int tx = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));

	snprintf(rx_path, sizeof(rx_path), "%s", api_path("rx"));
	snprintf(tx_path, sizeof(tx_path), "%s", api_path("tx"));
	rlen = api_sun(&rx_sun, rx_path);
	tlen = api_sun(&tx_sun, tx_path);
	expect_ok(bind(rx, (struct sockaddr *)&rx_sun, rlen));
	expect_ok(bind(tx, (struct sockaddr *)&tx_sun, tlen));
	cr_assert_eq(sendto(tx, "hi", 2, 0, (struct sockaddr *)&rx_sun, rlen),
		     2);
	cr_assert_eq(recvfrom(rx, buf, sizeof(buf), 0, (struct sockaddr *)&got,
			      &glen),
		     2);
	cr_assert_eq(glen, tlen);
	cr_assert_str_eq(got.sun_path, tx_path);
	/* And a reply to the address we got. */
	cr_assert_eq(sendto(rx, "ok", 2, 0, (struct sockaddr *)&got, glen), 2);
	cr_assert_eq(recv(tx, buf, sizeof(buf), 0), 2);
	cr_assert(memcmp(buf, "ok", 2) == 0);
	api_close_pair(rx, tx);
}

API_TEST(unix_dgram, sendto_abstract_with_source_address)
{
	struct sockaddr_un rx_sun, tx_sun, got;
	socklen_t rlen, tlen, glen = sizeof(got);
	int rx = api_bound(SOCK_DGRAM, "rx", &rx_sun, &rlen);
	int tx = api_bound(SOCK_DGRAM, "tx", &tx_sun, &tlen);
	char buf[8];

	cr_assert_eq(sendto(tx, "hi", 2, 0, (struct sockaddr *)&rx_sun, rlen),
		     2);
	cr_assert_eq(recvfrom(rx, buf, sizeof(buf), 0, (struct sockaddr *)&got,
			      &glen),
		     2);
	cr_assert_eq(glen, tlen);
	cr_assert(memcmp(&got, &tx_sun, tlen) == 0);
	api_close_pair(rx, tx);
}

/* Surprising: an unbound sender's address has length 0, not 2. */
API_TEST(unix_dgram, unbound_sender_address_length_zero)
{
	struct sockaddr_un sun, got;
	socklen_t len, glen = sizeof(got);
	int rx = api_bound(SOCK_DGRAM, "rx", &sun, &len);
	int tx = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	struct msghdr msg;
	struct iovec iov;
	char buf[8];

	cr_assert_eq(sendto(tx, "a", 1, 0, (struct sockaddr *)&sun, len), 1);
	cr_assert_eq(sendto(tx, "b", 1, 0, (struct sockaddr *)&sun, len), 1);
	cr_assert_eq(recvfrom(rx, buf, sizeof(buf), 0, (struct sockaddr *)&got,
			      &glen),
		     1);
	cr_assert_eq(glen, 0);
	api_msg_init(&msg, &iov, buf, sizeof(buf));
	msg.msg_name = &got;
	msg.msg_namelen = sizeof(got);
	cr_assert_eq(recvmsg(rx, &msg, 0), 1);
	cr_assert_eq(msg.msg_namelen, 0);
	api_close_pair(rx, tx);
}

API_TEST(unix_dgram, truncation_and_msg_trunc)
{
	struct msghdr msg;
	struct iovec iov;
	char buf[16];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	cr_assert_eq(send(sv[0], "abcdefgh", 8, 0), 8);
	cr_assert_eq(send(sv[0], "ijklmnop", 8, 0), 8);
	cr_assert_eq(send(sv[0], "next", 4, 0), 4);

	/* Plain truncation: the rest of the datagram is lost. */
	api_msg_init(&msg, &iov, buf, 3);
	cr_assert_eq(recvmsg(sv[1], &msg, 0), 3);
	cr_assert(memcmp(buf, "abc", 3) == 0);
	cr_assert(msg.msg_flags & MSG_TRUNC);

	/* With MSG_TRUNC the call returns the datagram's real length. */
	msg.msg_flags = 0;
	cr_assert_eq(recvmsg(sv[1], &msg, MSG_TRUNC), 8);
	cr_assert(memcmp(buf, "ijk", 3) == 0);
	cr_assert(msg.msg_flags & MSG_TRUNC);

	/* A buffer that fits: no flag. */
	iov.iov_len = sizeof(buf);
	cr_assert_eq(recvmsg(sv[1], &msg, 0), 4);
	cr_assert_eq(msg.msg_flags & MSG_TRUNC, 0);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_dgram, msg_trunc_with_peek_and_empty_buffer)
{
	char buf[4];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	cr_assert_eq(send(sv[0], "0123456789", 10, 0), 10);
	/* Learn the size of the next datagram without consuming it. */
	cr_assert_eq(recv(sv[1], NULL, 0, MSG_PEEK | MSG_TRUNC), 10);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), MSG_TRUNC), 10);
	expect_errno(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_dgram, msg_peek_keeps_boundaries)
{
	char buf[16];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	cr_assert_eq(send(sv[0], "abc", 3, 0), 3);
	cr_assert_eq(send(sv[0], "defgh", 5, 0), 5);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), MSG_PEEK), 3);
	cr_assert_eq(recv(sv[1], buf, 2, MSG_PEEK), 2);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), 0), 3);
	cr_assert(memcmp(buf, "abc", 3) == 0);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), MSG_PEEK), 5);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), 0), 5);
	cr_assert(memcmp(buf, "defgh", 5) == 0);
	api_close_pair(sv[0], sv[1]);
}

/*
 * SO_PEEK_OFF on datagrams: a peek never crosses a datagram's end, an
 * offset at or past it moves on to the next datagram, and a normal read
 * moves the offset back by the whole datagram's length.
 */
API_TEST(unix_dgram, so_peek_off)
{
	char buf[16];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	api_set_int(sv[1], SO_PEEK_OFF, 0);
	cr_assert_eq(send(sv[0], "abc", 3, 0), 3);
	cr_assert_eq(send(sv[0], "defgh", 5, 0), 5);
	cr_assert_eq(recv(sv[1], buf, 2, MSG_PEEK), 2);
	cr_assert(memcmp(buf, "ab", 2) == 0);
	cr_assert_eq(recv(sv[1], buf, 2, MSG_PEEK), 1);
	cr_assert_eq(buf[0], 'c');
	cr_assert_eq(api_get_int(sv[1], SO_PEEK_OFF), 3);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), MSG_PEEK), 5);
	cr_assert(memcmp(buf, "defgh", 5) == 0);
	cr_assert_eq(api_get_int(sv[1], SO_PEEK_OFF), 8);
	expect_errno(recv(sv[1], buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT),
		     EAGAIN);
	/* A normal read ignores the offset and takes the first datagram. */
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), 0), 3);
	cr_assert(memcmp(buf, "abc", 3) == 0);
	cr_assert_eq(api_get_int(sv[1], SO_PEEK_OFF), 5);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), 0), 5);
	cr_assert_eq(api_get_int(sv[1], SO_PEEK_OFF), 0);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_dgram, connect_then_send_without_address)
{
	struct sockaddr_un sun, got;
	socklen_t len, glen = sizeof(got);
	int rx = api_bound(SOCK_DGRAM, "rx", &sun, &len);
	int tx = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	char buf[8];

	expect_ok(connect(tx, (struct sockaddr *)&sun, len));
	cr_assert_eq(send(tx, "one", 3, 0), 3);
	cr_assert_eq(write(tx, "two", 3), 3);
	expect_ok(getpeername(tx, (struct sockaddr *)&got, &glen));
	cr_assert_eq(glen, len);
	cr_assert_eq(recv(rx, buf, sizeof(buf), 0), 3);
	cr_assert(memcmp(buf, "one", 3) == 0);
	cr_assert_eq(recv(rx, buf, sizeof(buf), 0), 3);
	cr_assert(memcmp(buf, "two", 3) == 0);
	api_close_pair(rx, tx);
}

/* sendto() with an address on a connected dgram socket is allowed. */
API_TEST(unix_dgram, sendto_other_address_while_connected)
{
	struct peer a = peer("a"), b = peer("b");
	int tx = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	char buf[8];

	expect_ok(connect(tx, ADDR(a)));
	cr_assert_eq(sendto(tx, "to-b", 4, 0, ADDR(b)), 4);
	cr_assert_eq(send(tx, "to-a", 4, 0), 4);
	cr_assert_eq(recv(b.fd, buf, sizeof(buf), MSG_DONTWAIT), 4);
	cr_assert(memcmp(buf, "to-b", 4) == 0);
	cr_assert_eq(recv(a.fd, buf, sizeof(buf), MSG_DONTWAIT), 4);
	cr_assert(memcmp(buf, "to-a", 4) == 0);
	api_close_pair(a.fd, b.fd);
	expect_ok(close(tx));
}

API_TEST(unix_dgram, reconnect_to_other_address)
{
	struct peer a = peer("a"), b = peer("b");
	int tx = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	struct sockaddr_un got;
	socklen_t glen = sizeof(got);
	char buf[8];

	expect_ok(connect(tx, ADDR(a)));
	cr_assert_eq(send(tx, "1", 1, 0), 1);
	expect_ok(connect(tx, ADDR(b)));
	cr_assert_eq(send(tx, "2", 1, 0), 1);
	expect_ok(getpeername(tx, (struct sockaddr *)&got, &glen));
	cr_assert(glen == b.len && memcmp(&got, &b.sun, b.len) == 0);
	cr_assert_eq(recv(a.fd, buf, sizeof(buf), MSG_DONTWAIT), 1);
	cr_assert_eq(buf[0], '1');
	expect_errno(recv(a.fd, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	cr_assert_eq(recv(b.fd, buf, sizeof(buf), MSG_DONTWAIT), 1);
	cr_assert_eq(buf[0], '2');
	api_close_pair(a.fd, b.fd);
	expect_ok(close(tx));
}

/*
 * A connected dgram socket only accepts datagrams from its peer: anyone
 * else gets EPERM, both on sendto() and on connect().
 */
API_TEST(unix_dgram, connected_receiver_refuses_others_eperm)
{
	struct peer a = peer("a"), b = peer("b"), c = peer("c");
	char buf[8];

	expect_ok(connect(a.fd, ADDR(b)));
	expect_errno(sendto(c.fd, "x", 1, 0, ADDR(a)), EPERM);
	expect_errno(connect(c.fd, ADDR(a)), EPERM);
	/* The peer itself may send without connecting back. */
	cr_assert_eq(sendto(b.fd, "y", 1, 0, ADDR(a)), 1);
	cr_assert_eq(recv(a.fd, buf, sizeof(buf), MSG_DONTWAIT), 1);
	cr_assert_eq(buf[0], 'y');
	api_close_pair(a.fd, b.fd);
	expect_ok(close(c.fd));
}

/*
 * Surprising: connecting elsewhere, or disconnecting, throws away every
 * datagram waiting in the socket's own receive queue.
 */
API_TEST(unix_dgram, reconnect_purges_receive_queue)
{
	struct peer a = peer("a"), b = peer("b"), c = peer("c");
	char buf[8];

	expect_ok(connect(a.fd, ADDR(b)));
	cr_assert_eq(sendto(b.fd, "lost", 4, 0, ADDR(a)), 4);
	expect_ok(connect(a.fd, ADDR(c)));
	expect_errno(recv(a.fd, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	api_close_pair(a.fd, b.fd);
	expect_ok(close(c.fd));
}

API_TEST(unix_dgram, disconnect_with_af_unspec)
{
	struct sockaddr_un sun, got;
	struct sockaddr unspec;
	socklen_t len, glen = sizeof(got);
	int rx = api_bound(SOCK_DGRAM, "rx", &sun, &len);
	int tx = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	char buf[8];

	expect_ok(connect(tx, (struct sockaddr *)&sun, len));
	memset(&unspec, 0, sizeof(unspec));
	unspec.sa_family = AF_UNSPEC;
	expect_ok(connect(tx, &unspec, sizeof(sa_family_t)));
	expect_errno(getpeername(tx, (struct sockaddr *)&got, &glen), ENOTCONN);
	expect_errno(send(tx, "x", 1, 0), ENOTCONN);
	/* Unconnected sendto still works, and disconnecting twice is fine. */
	cr_assert_eq(sendto(tx, "y", 1, 0, (struct sockaddr *)&sun, len), 1);
	expect_ok(connect(tx, &unspec, sizeof(unspec)));
	cr_assert_eq(recv(rx, buf, sizeof(buf), MSG_DONTWAIT), 1);
	api_close_pair(rx, tx);
}

/* Surprising: no destination gives ENOTCONN, not EDESTADDRREQ. */
API_TEST(unix_dgram, send_unconnected_enotconn)
{
	int fd = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	char c;

	expect_errno(send(fd, "x", 1, 0), ENOTCONN);
	expect_errno(write(fd, "x", 1), ENOTCONN);
	/* recv on an unconnected dgram socket just waits for data. */
	expect_errno(recv(fd, &c, 1, MSG_DONTWAIT), EAGAIN);
	expect_ok(close(fd));
}

API_TEST(unix_dgram, sendto_missing_names)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));

	len = api_sun_abstract(&sun, "nobody");
	expect_errno(sendto(fd, "x", 1, 0, (struct sockaddr *)&sun, len),
		     ECONNREFUSED);
	len = api_sun(&sun, api_path("nobody"));
	expect_errno(sendto(fd, "x", 1, 0, (struct sockaddr *)&sun, len),
		     ENOENT);
	expect_errno(connect(fd, (struct sockaddr *)&sun, len), ENOENT);
	/* A family-only address is not an autobind request here. */
	expect_errno(sendto(fd, "x", 1, 0, (struct sockaddr *)&sun,
			    sizeof(sa_family_t)),
		     EINVAL);
	expect_ok(close(fd));
}

API_TEST(unix_dgram, sendto_closed_path_econnrefused)
{
	struct sockaddr_un sun;
	socklen_t len = api_sun(&sun, api_path("closed"));
	int rx = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	int tx = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));

	expect_ok(bind(rx, (struct sockaddr *)&sun, len));
	expect_ok(close(rx));
	expect_errno(sendto(tx, "x", 1, 0, (struct sockaddr *)&sun, len),
		     ECONNREFUSED);
	expect_ok(close(tx));
}

/*
 * A connected sender whose peer is closed: the first send gives
 * ECONNREFUSED and disconnects the socket, so the next gives ENOTCONN.
 */
API_TEST(unix_dgram, peer_closed_econnrefused_then_enotconn)
{
	struct sockaddr_un sun, got;
	socklen_t len, glen = sizeof(got);
	int rx = api_bound(SOCK_DGRAM, "rx", &sun, &len);
	int tx = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	int sv[2];

	expect_ok(connect(tx, (struct sockaddr *)&sun, len));
	expect_ok(close(rx));
	expect_errno(send(tx, "x", 1, 0), ECONNREFUSED);
	expect_errno(send(tx, "x", 1, 0), ENOTCONN);
	expect_errno(getpeername(tx, (struct sockaddr *)&got, &glen), ENOTCONN);
	expect_ok(close(tx));

	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	expect_ok(close(sv[1]));
	expect_errno(send(sv[0], "x", 1, MSG_DONTWAIT), ECONNREFUSED);
	expect_errno(send(sv[0], "x", 1, MSG_DONTWAIT), ENOTCONN);
	expect_ok(close(sv[0]));
}

/* A datagram must fit in SO_SNDBUF minus 32 bytes, or EMSGSIZE. */
API_TEST(unix_dgram, emsgsize_over_sndbuf)
{
	int sv[2], sndbuf;
	char *big;

	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	api_set_int(sv[0], SO_SNDBUF, 4096);
	sndbuf = api_get_int(sv[0], SO_SNDBUF);
	cr_assert_eq(sndbuf, 8192);
	big = calloc(1, sndbuf);
	cr_assert(big);
	expect_errno(send(sv[0], big, sndbuf - 31, 0), EMSGSIZE);
	expect_errno(send(sv[0], big, sndbuf, 0), EMSGSIZE);
	cr_assert_eq(send(sv[0], big, sndbuf - 32, 0), sndbuf - 32);
	cr_assert_eq(recv(sv[1], big, sndbuf, 0), sndbuf - 32);
	free(big);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_dgram, zero_length_datagrams)
{
	struct sockaddr_un sun, got;
	socklen_t len, glen;
	int rx = api_bound(SOCK_DGRAM, "rx", &sun, &len);
	struct sockaddr_un tsun;
	socklen_t tlen;
	int tx = api_bound(SOCK_DGRAM, "tx", &tsun, &tlen);
	char buf[4];
	int n = -1;

	cr_assert_eq(sendto(tx, NULL, 0, 0, (struct sockaddr *)&sun, len), 0);
	cr_assert_eq(sendto(tx, "x", 1, 0, (struct sockaddr *)&sun, len), 1);
	/* An empty datagram is a datagram: readable, FIONREAD 0. */
	cr_assert(api_revents(rx, POLLIN) & POLLIN);
	expect_ok(ioctl(rx, FIONREAD, &n));
	cr_assert_eq(n, 0);
	glen = sizeof(got);
	cr_assert_eq(recvfrom(rx, buf, sizeof(buf), MSG_DONTWAIT,
			      (struct sockaddr *)&got, &glen),
		     0);
	cr_assert_eq(glen, tlen);
	cr_assert_eq(recv(rx, buf, sizeof(buf), MSG_DONTWAIT), 1);
	expect_errno(recv(rx, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	api_close_pair(rx, tx);
}

/* FIONREAD on a dgram socket is the size of the first datagram only. */
API_TEST(unix_dgram, fionread_first_datagram)
{
	int sv[2], n = -1;

	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	expect_ok(ioctl(sv[1], FIONREAD, &n));
	cr_assert_eq(n, 0);
	cr_assert_eq(send(sv[0], "abc", 3, 0), 3);
	cr_assert_eq(send(sv[0], "defgh", 5, 0), 5);
	expect_ok(ioctl(sv[1], FIONREAD, &n));
	cr_assert_eq(n, 3);
	api_close_pair(sv[0], sv[1]);
}

/*
 * The receiver's queue takes max_dgram_qlen + 1 datagrams from senders it
 * is not connected to; then a nonblocking sender gets EAGAIN and poll
 * stops reporting POLLOUT for a connected one.
 */
API_TEST(unix_dgram, receive_queue_limit)
{
	struct sockaddr_un sun;
	socklen_t len;
	int rx = api_bound(SOCK_DGRAM, "rx", &sun, &len);
	int tx = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0));
	int other = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	char buf[4];
	int i;

	expect_ok(connect(tx, (struct sockaddr *)&sun, len));
	cr_assert_neq(api_revents(tx, POLLOUT), 0);
	for (i = 0; i < MAX_DGRAM_QLEN + 1; i++)
		cr_assert_eq(send(tx, "x", 1, 0), 1, "datagram %d: %s", i,
			     strerror(errno));
	expect_errno(send(tx, "x", 1, 0), EAGAIN);
	expect_errno(sendto(other, "x", 1, MSG_DONTWAIT,
			    (struct sockaddr *)&sun, len),
		     EAGAIN);
	cr_assert_eq(api_revents(tx, POLLOUT), 0);
	/* One read makes room for one more. */
	cr_assert_eq(recv(rx, buf, sizeof(buf), 0), 1);
	cr_assert(api_revents(tx, POLLOUT) & POLLOUT);
	cr_assert_eq(send(tx, "x", 1, 0), 1);
	expect_errno(send(tx, "x", 1, 0), EAGAIN);
	api_close_pair(rx, tx);
	expect_ok(close(other));
}

/*
 * Between two sockets connected to each other (a socketpair) the queue
 * limit does not apply; only SO_SNDBUF stops the sender.
 */
API_TEST(unix_dgram, socketpair_not_limited_by_qlen)
{
	int sv[2], i;

	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	for (i = 0; i < 4 * MAX_DGRAM_QLEN; i++)
		cr_assert_eq(send(sv[0], "x", 1, MSG_DONTWAIT), 1,
			     "datagram %d: %s", i, strerror(errno));
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_dgram, sendmmsg_recvmmsg)
{
	struct mmsghdr out[3], in[4];
	struct iovec oiov[3], iiov[4];
	char bufs[4][16];
	const char *words[3] = { "alpha", "be", "gamma-ray" };
	int sv[2], i;

	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	memset(out, 0, sizeof(out));
	for (i = 0; i < 3; i++) {
		oiov[i].iov_base = (void *)words[i];
		oiov[i].iov_len = strlen(words[i]);
		out[i].msg_hdr.msg_iov = &oiov[i];
		out[i].msg_hdr.msg_iovlen = 1;
	}
	cr_assert_eq(sendmmsg(sv[0], out, 3, 0), 3);
	for (i = 0; i < 3; i++)
		cr_assert_eq(out[i].msg_len, strlen(words[i]));

	memset(in, 0, sizeof(in));
	for (i = 0; i < 4; i++) {
		iiov[i].iov_base = bufs[i];
		iiov[i].iov_len = sizeof(bufs[i]);
		in[i].msg_hdr.msg_iov = &iiov[i];
		in[i].msg_hdr.msg_iovlen = 1;
	}
	/* Three are queued: a nonblocking recvmmsg returns those three. */
	cr_assert_eq(recvmmsg(sv[1], in, 4, MSG_DONTWAIT, NULL), 3);
	for (i = 0; i < 3; i++) {
		cr_assert_eq(in[i].msg_len, strlen(words[i]));
		cr_assert(memcmp(bufs[i], words[i], strlen(words[i])) == 0);
	}
	expect_errno(recvmmsg(sv[1], in, 4, MSG_DONTWAIT, NULL), EAGAIN);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_dgram, recvmmsg_waitforone)
{
	struct mmsghdr in[4];
	struct iovec iov[4];
	char bufs[4][8];
	int sv[2], i;

	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	cr_assert_eq(send(sv[0], "one", 3, 0), 3);
	cr_assert_eq(send(sv[0], "two", 3, 0), 3);
	memset(in, 0, sizeof(in));
	for (i = 0; i < 4; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		in[i].msg_hdr.msg_iov = &iov[i];
		in[i].msg_hdr.msg_iovlen = 1;
	}
	/* Blocks for the first only, then takes what is there. */
	cr_assert_eq(recvmmsg(sv[1], in, 4, MSG_WAITFORONE, NULL), 2);
	cr_assert(memcmp(bufs[1], "two", 3) == 0);
	api_close_pair(sv[0], sv[1]);
}
