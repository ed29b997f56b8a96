/*
 * unix_stream.c - AF_UNIX SOCK_STREAM: listen() and accept()/accept4()
 * preconditions and flags, the backlog (how many pending connections fit,
 * EAGAIN for a nonblocking connect, a blocking connect that waits for
 * accept), connect() on a connected socket, sending and receiving on
 * unconnected sockets, the data path in both directions with MSG_PEEK,
 * SO_PEEK_OFF, MSG_WAITALL, MSG_DONTWAIT and MSG_TRUNC, a 1 MiB transfer,
 * flow control (a full receiver blocks the sender), FIONREAD, SO_RCVLOWAT,
 * zero-length reads, readv/writev, EPIPE and SIGPIPE, ECONNRESET when the
 * peer dies with unread data, and the addresses accept() and getpeername()
 * report.
 */
#include "api.h"

/* --- listen / accept -------------------------------------------------- */

API_TEST(unix_stream, listen_unbound_einval)
{
	int fd = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	struct sockaddr_un sun;
	socklen_t len = sizeof(sun);

	/* Linux does not autobind on listen(): EINVAL. */
	expect_errno(listen(fd, 4), EINVAL);
	expect_ok(getsockname(fd, (struct sockaddr *)&sun, &len));
	cr_assert_eq(len, sizeof(sa_family_t));
	expect_ok(close(fd));
}

API_TEST(unix_stream, listen_dgram_eopnotsupp)
{
	struct sockaddr_un sun;
	socklen_t len = api_sun_abstract(&sun, "dg");
	int fd = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));

	expect_ok(bind(fd, (struct sockaddr *)&sun, len));
	expect_errno(listen(fd, 4), EOPNOTSUPP);
	expect_errno(accept(fd, NULL, NULL), EOPNOTSUPP);
	expect_ok(close(fd));
}

API_TEST(unix_stream, listen_connected_einval)
{
	struct sockaddr_un sun, me;
	socklen_t len, mlen;
	int l = api_listener(SOCK_STREAM, 4, &sun, &len);
	int c = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int s, sv[2];

	/* Bound, so only the connected state makes it fail. */
	mlen = api_sun_abstract(&me, "client");
	expect_ok(bind(c, (struct sockaddr *)&me, mlen));
	expect_ok(connect(c, (struct sockaddr *)&sun, len));
	expect_errno(listen(c, 4), EINVAL);
	s = (int)expect_ok(accept(l, NULL, NULL));
	/* The accepted socket has the listener's name but is connected. */
	expect_errno(listen(s, 4), EINVAL);
	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	expect_errno(listen(sv[0], 4), EINVAL);
	api_close_pair(sv[0], sv[1]);
	api_close_pair(c, s);
	expect_ok(close(l));
}

API_TEST(unix_stream, listen_twice_ok)
{
	struct sockaddr_un sun;
	socklen_t len;
	int l = api_listener(SOCK_STREAM, 1, &sun, &len);

	/* A second listen() just changes the backlog. */
	expect_ok(listen(l, 8));
	expect_ok(close(l));
}

API_TEST(unix_stream, accept_not_listening_einval)
{
	struct sockaddr_un sun;
	socklen_t len = api_sun_abstract(&sun, "bound");
	int fd = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int sv[2];

	expect_errno(accept(fd, NULL, NULL), EINVAL);
	expect_ok(bind(fd, (struct sockaddr *)&sun, len));
	expect_errno(accept(fd, NULL, NULL), EINVAL);
	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	expect_errno(accept(sv[0], NULL, NULL), EINVAL);
	api_close_pair(sv[0], sv[1]);
	expect_ok(close(fd));
}

API_TEST(unix_stream, accept4_flags)
{
	struct sockaddr_un sun;
	socklen_t len;
	int l = api_listener(SOCK_STREAM, 4, &sun, &len);
	int c1 = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int c2 = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int c3 = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int a1, a2, a3;

	expect_ok(connect(c1, (struct sockaddr *)&sun, len));
	expect_ok(connect(c2, (struct sockaddr *)&sun, len));
	expect_ok(connect(c3, (struct sockaddr *)&sun, len));
	a1 = (int)expect_ok(accept4(l, NULL, NULL, SOCK_NONBLOCK));
	cr_assert(fcntl(a1, F_GETFL) & O_NONBLOCK);
	cr_assert_eq(fcntl(a1, F_GETFD) & FD_CLOEXEC, 0);
	a2 = (int)expect_ok(accept4(l, NULL, NULL, SOCK_CLOEXEC));
	cr_assert_eq(fcntl(a2, F_GETFL) & O_NONBLOCK, 0);
	cr_assert(fcntl(a2, F_GETFD) & FD_CLOEXEC);
	a3 = (int)expect_ok(accept4(l, NULL, NULL, 0));
	cr_assert_eq(fcntl(a3, F_GETFL) & O_NONBLOCK, 0);
	cr_assert_eq(fcntl(a3, F_GETFD) & FD_CLOEXEC, 0);
	api_close_pair(c1, a1);
	api_close_pair(c2, a2);
	api_close_pair(c3, a3);
	expect_ok(close(l));
}

API_TEST(unix_stream, accept4_bad_flags_einval)
{
	struct sockaddr_un sun;
	socklen_t len;
	int l = api_listener(SOCK_STREAM, 4, &sun, &len);
	int c = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int a;

	expect_ok(connect(c, (struct sockaddr *)&sun, len));
	expect_errno(accept4(l, NULL, NULL, 0x1), EINVAL);
	expect_errno(accept4(l, NULL, NULL, MSG_DONTWAIT), EINVAL);
	/* The pending connection is still there. */
	a = (int)expect_ok(accept4(l, NULL, NULL, SOCK_NONBLOCK));
	api_close_pair(c, a);
	expect_ok(close(l));
}

API_TEST(unix_stream, accept_nonblocking_eagain)
{
	struct sockaddr_un sun;
	socklen_t len;
	int l = api_listener(SOCK_STREAM, 4, &sun, &len);
	int c, a;

	expect_ok(fcntl(l, F_SETFL, O_NONBLOCK));
	expect_errno(accept(l, NULL, NULL), EAGAIN);
	expect_errno(accept4(l, NULL, NULL, SOCK_CLOEXEC), EAGAIN);
	expect_ok(close(l));
	l = api_listener(SOCK_STREAM | SOCK_NONBLOCK, 4, &sun, &len);
	expect_errno(accept(l, NULL, NULL), EAGAIN);
	/* The accepted socket does not inherit the listener's O_NONBLOCK. */
	c = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	expect_ok(connect(c, (struct sockaddr *)&sun, len));
	a = (int)expect_ok(accept(l, NULL, NULL));
	cr_assert_eq(fcntl(a, F_GETFL) & O_NONBLOCK, 0);
	api_close_pair(c, a);
	expect_ok(close(l));
}

/*
 * The listener's queue is full when it holds more than backlog pending
 * connections: backlog N admits N + 1.
 */
API_TEST(unix_stream, backlog_full_nonblocking_connect_eagain)
{
	struct sockaddr_un sun;
	socklen_t len;
	int l = api_listener(SOCK_STREAM, 2, &sun, &len);
	int c[5], a, i;

	for (i = 0; i < 5; i++)
		c[i] = (int)expect_ok(
			socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0));
	for (i = 0; i < 3; i++)
		expect_ok(connect(c[i], (struct sockaddr *)&sun, len));
	expect_errno(connect(c[3], (struct sockaddr *)&sun, len), EAGAIN);
	/* Accepting one makes room for one more. */
	a = (int)expect_ok(accept(l, NULL, NULL));
	expect_ok(connect(c[3], (struct sockaddr *)&sun, len));
	expect_errno(connect(c[4], (struct sockaddr *)&sun, len), EAGAIN);
	expect_ok(close(a));
	for (i = 0; i < 5; i++)
		expect_ok(close(c[i]));
	expect_ok(close(l));
}

API_TEST(unix_stream, backlog_zero_admits_one)
{
	struct sockaddr_un sun;
	socklen_t len;
	int l = api_listener(SOCK_STREAM, 0, &sun, &len);
	int c1 =
		(int)expect_ok(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0));
	int c2 =
		(int)expect_ok(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0));

	expect_ok(connect(c1, (struct sockaddr *)&sun, len));
	expect_errno(connect(c2, (struct sockaddr *)&sun, len), EAGAIN);
	api_close_pair(c1, c2);
	expect_ok(close(l));
}

struct connect_arg {
	int fd;
	const struct sockaddr_un *sun;
	socklen_t len;
	int ret, err, done;
};

static void *connect_thread(void *p)
{
	struct connect_arg *a = p;

	a->ret = connect(a->fd, (const struct sockaddr *)a->sun, a->len);
	a->err = errno;
	__atomic_store_n(&a->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

API_TEST(unix_stream, blocking_connect_waits_for_accept)
{
	struct sockaddr_un sun;
	socklen_t len;
	int l = api_listener(SOCK_STREAM, 0, &sun, &len);
	int c1 = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	struct connect_arg arg = { 0 };
	pthread_t t;
	int a1, a2;

	expect_ok(connect(c1, (struct sockaddr *)&sun, len));
	arg.fd = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	arg.sun = &sun;
	arg.len = len;
	cr_assert(pthread_create(&t, NULL, connect_thread, &arg) == 0);
	api_msleep(50);
	cr_assert_eq(__atomic_load_n(&arg.done, __ATOMIC_SEQ_CST), 0,
		     "connect did not wait for room in the backlog");
	a1 = (int)expect_ok(accept(l, NULL, NULL));
	cr_assert(pthread_join(t, NULL) == 0);
	cr_assert_eq(arg.ret, 0, "connect: %s", strerror(arg.err));
	a2 = (int)expect_ok(accept(l, NULL, NULL));
	api_close_pair(c1, a1);
	api_close_pair(arg.fd, a2);
	expect_ok(close(l));
}

API_TEST(unix_stream, connect_connected_eisconn)
{
	struct sockaddr_un sun;
	socklen_t len;
	int l = api_listener(SOCK_STREAM, 4, &sun, &len);
	int c = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int a, sv[2];

	expect_ok(connect(c, (struct sockaddr *)&sun, len));
	/* Even before the connection is accepted. */
	expect_errno(connect(c, (struct sockaddr *)&sun, len), EISCONN);
	a = (int)expect_ok(accept(l, NULL, NULL));
	expect_errno(connect(c, (struct sockaddr *)&sun, len), EISCONN);
	expect_errno(connect(a, (struct sockaddr *)&sun, len), EISCONN);
	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	expect_errno(connect(sv[0], (struct sockaddr *)&sun, len), EISCONN);
	api_close_pair(sv[0], sv[1]);
	api_close_pair(c, a);
	/* A listening socket cannot connect: EINVAL. */
	expect_errno(connect(l, (struct sockaddr *)&sun, len), EINVAL);
	expect_ok(close(l));
}

/*
 * Surprising: on an unconnected stream socket, send gives ENOTCONN but
 * recv gives EINVAL; sendto with an address gives EOPNOTSUPP, and on a
 * connected one EISCONN.
 */
API_TEST(unix_stream, unconnected_send_recv_errors)
{
	struct sockaddr_un sun;
	socklen_t len = api_sun_abstract(&sun, "x");
	int fd = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	char c;
	int sv[2];

	api_count_sigpipe();
	expect_errno(send(fd, "x", 1, 0), ENOTCONN);
	expect_errno(write(fd, "x", 1), ENOTCONN);
	expect_errno(recv(fd, &c, 1, MSG_DONTWAIT), EINVAL);
	expect_errno(read(fd, &c, 1), EINVAL);
	expect_errno(sendto(fd, "x", 1, 0, (struct sockaddr *)&sun, len),
		     EOPNOTSUPP);
	cr_assert_eq(api_sigpipes(), 0);
	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	expect_errno(sendto(sv[0], "x", 1, 0, (struct sockaddr *)&sun, len),
		     EISCONN);
	api_close_pair(sv[0], sv[1]);
	/* A listener is unconnected too. */
	expect_ok(bind(fd, (struct sockaddr *)&sun, len));
	expect_ok(listen(fd, 4));
	expect_errno(send(fd, "x", 1, MSG_NOSIGNAL), ENOTCONN);
	expect_errno(recv(fd, &c, 1, MSG_DONTWAIT), EINVAL);
	expect_ok(close(fd));
}

/* --- the data path ---------------------------------------------------- */

API_TEST(unix_stream, data_both_directions)
{
	char buf[16];
	int c, s;

	api_connected_pair(SOCK_STREAM, &c, &s);
	cr_assert_eq(send(c, "hello", 5, 0), 5);
	cr_assert_eq(write(s, "world!", 6), 6);
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 5);
	cr_assert(memcmp(buf, "hello", 5) == 0);
	cr_assert_eq(read(c, buf, sizeof(buf)), 6);
	cr_assert(memcmp(buf, "world!", 6) == 0);
	api_close_pair(c, s);
}

API_TEST(unix_stream, data_before_accept_is_delivered)
{
	struct sockaddr_un sun;
	socklen_t len;
	int l = api_listener(SOCK_STREAM, 4, &sun, &len);
	int c = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	char buf[8];
	int a;

	expect_ok(connect(c, (struct sockaddr *)&sun, len));
	cr_assert_eq(send(c, "early", 5, 0), 5);
	a = (int)expect_ok(accept(l, NULL, NULL));
	cr_assert_eq(recv(a, buf, sizeof(buf), MSG_DONTWAIT), 5);
	cr_assert(memcmp(buf, "early", 5) == 0);
	api_close_pair(c, a);
	expect_ok(close(l));
}

API_TEST(unix_stream, recv_merges_writes)
{
	char buf[16];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	cr_assert_eq(send(sv[0], "abc", 3, 0), 3);
	cr_assert_eq(send(sv[0], "def", 3, 0), 3);
	cr_assert_eq(send(sv[0], "gh", 2, 0), 2);
	cr_assert_eq(recv(sv[1], buf, 5, 0), 5);
	cr_assert(memcmp(buf, "abcde", 5) == 0);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), 0), 3);
	cr_assert(memcmp(buf, "fgh", 3) == 0);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_stream, msg_peek)
{
	char buf[16];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	cr_assert_eq(send(sv[0], "abc", 3, 0), 3);
	cr_assert_eq(send(sv[0], "def", 3, 0), 3);
	cr_assert_eq(recv(sv[1], buf, 2, MSG_PEEK), 2);
	cr_assert(memcmp(buf, "ab", 2) == 0);
	/* Without SO_PEEK_OFF every peek starts at the head. */
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), MSG_PEEK), 6);
	cr_assert(memcmp(buf, "abcdef", 6) == 0);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), 0), 6);
	cr_assert(memcmp(buf, "abcdef", 6) == 0);
	expect_errno(recv(sv[1], buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT),
		     EAGAIN);
	api_close_pair(sv[0], sv[1]);
}

/*
 * SO_PEEK_OFF: each peek starts at the offset and advances it; a normal
 * read of n bytes moves it back by n (not to zero).
 */
API_TEST(unix_stream, so_peek_off)
{
	char buf[16];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	cr_assert_eq(api_get_int(sv[1], SO_PEEK_OFF), -1);
	api_set_int(sv[1], SO_PEEK_OFF, 0);
	cr_assert_eq(send(sv[0], "abc", 3, 0), 3);
	cr_assert_eq(send(sv[0], "def", 3, 0), 3);
	cr_assert_eq(recv(sv[1], buf, 2, MSG_PEEK), 2);
	cr_assert(memcmp(buf, "ab", 2) == 0);
	cr_assert_eq(recv(sv[1], buf, 2, MSG_PEEK), 2);
	cr_assert(memcmp(buf, "cd", 2) == 0);
	cr_assert_eq(api_get_int(sv[1], SO_PEEK_OFF), 4);
	cr_assert_eq(recv(sv[1], buf, 3, 0), 3);
	cr_assert(memcmp(buf, "abc", 3) == 0);
	cr_assert_eq(api_get_int(sv[1], SO_PEEK_OFF), 1);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), MSG_PEEK), 2);
	cr_assert(memcmp(buf, "ef", 2) == 0);
	cr_assert_eq(api_get_int(sv[1], SO_PEEK_OFF), 3);
	/* Peeking past the end: nothing more to see. */
	expect_errno(recv(sv[1], buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT),
		     EAGAIN);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), 0), 3);
	cr_assert(memcmp(buf, "def", 3) == 0);
	cr_assert_eq(api_get_int(sv[1], SO_PEEK_OFF), 0);
	api_close_pair(sv[0], sv[1]);
}

struct writer_arg {
	int fd;
	int delay_ms;
	const char *chunks[4];
	int ret;
};

static void *writer_thread(void *p)
{
	struct writer_arg *a = p;
	int i;

	a->ret = 0;
	for (i = 0; i < 4 && a->chunks[i]; i++) {
		api_msleep(a->delay_ms);
		if (send(a->fd, a->chunks[i], strlen(a->chunks[i]), 0) !=
		    (ssize_t)strlen(a->chunks[i]))
			a->ret = -1;
	}
	return NULL;
}

API_TEST(unix_stream, msg_waitall_collects_writes)
{
	struct writer_arg arg = { .delay_ms = 10,
				  .chunks = { "ab", "cde", "fgh" } };
	char buf[16];
	pthread_t t;
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	arg.fd = sv[0];
	cr_assert(pthread_create(&t, NULL, writer_thread, &arg) == 0);
	cr_assert_eq(recv(sv[1], buf, 7, MSG_WAITALL), 7);
	cr_assert(pthread_join(t, NULL) == 0);
	cr_assert_eq(arg.ret, 0);
	cr_assert(memcmp(buf, "abcdefg", 7) == 0);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), 0), 1);
	cr_assert_eq(buf[0], 'h');
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_stream, msg_waitall_returns_short_at_eof)
{
	char buf[16];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	cr_assert_eq(send(sv[0], "abc", 3, 0), 3);
	expect_ok(close(sv[0]));
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), MSG_WAITALL), 3);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), MSG_WAITALL), 0);
	expect_ok(close(sv[1]));
}

API_TEST(unix_stream, msg_dontwait_eagain)
{
	char buf[4];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	expect_errno(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	/* The flag does not stick to the socket. */
	cr_assert_eq(fcntl(sv[1], F_GETFL) & O_NONBLOCK, 0);
	expect_ok(fcntl(sv[1], F_SETFL, O_NONBLOCK));
	expect_errno(recv(sv[1], buf, sizeof(buf), 0), EAGAIN);
	expect_errno(read(sv[1], buf, sizeof(buf)), EAGAIN);
	api_close_pair(sv[0], sv[1]);
}

/* Surprising: MSG_TRUNC is ignored on AF_UNIX stream (TCP discards). */
API_TEST(unix_stream, msg_trunc_ignored)
{
	char buf[16];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	cr_assert_eq(send(sv[0], "abcdefghij", 10, 0), 10);
	memset(buf, 0, sizeof(buf));
	cr_assert_eq(recv(sv[1], buf, 4, MSG_TRUNC), 4);
	cr_assert(memcmp(buf, "abcd", 4) == 0);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), 0), 6);
	cr_assert(memcmp(buf, "efghij", 6) == 0);
	api_close_pair(sv[0], sv[1]);
}

struct reader_arg {
	int fd;
	size_t want;
	size_t got;
	int mismatch;
};

static void *reader_thread(void *p)
{
	struct reader_arg *a = p;
	static unsigned char buf[65536];
	ssize_t n, i;

	a->got = 0;
	a->mismatch = 0;
	while (a->got < a->want) {
		n = recv(a->fd, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		for (i = 0; i < n; i++)
			if (buf[i] != (unsigned char)((a->got + i) * 7 + 3))
				a->mismatch = 1;
		a->got += n;
	}
	return NULL;
}

API_TEST(unix_stream, large_transfer_1mib)
{
	const size_t total = 1 << 20;
	struct reader_arg arg = { .want = total };
	unsigned char *data = malloc(total);
	size_t off = 0, i;
	pthread_t t;
	int c, s;

	cr_assert(data);
	for (i = 0; i < total; i++)
		data[i] = (unsigned char)(i * 7 + 3);
	api_connected_pair(SOCK_STREAM, &c, &s);
	arg.fd = s;
	cr_assert(pthread_create(&t, NULL, reader_thread, &arg) == 0);
	while (off < total) {
		ssize_t n = send(c, data + off, total - off, 0);

		if (n <= 0)
			break;
		off += n;
	}
	cr_assert(pthread_join(t, NULL) == 0);
	free(data);
	cr_assert_eq(off, total);
	cr_assert_eq(arg.got, total);
	cr_assert_eq(arg.mismatch, 0);
	api_close_pair(c, s);
}

struct bulk_arg {
	int fd;
	size_t len;
	ssize_t ret;
	int done;
};

static void *bulk_send_thread(void *p)
{
	struct bulk_arg *a = p;
	static char junk[1024];

	a->ret = send(a->fd, junk, a->len, 0);
	__atomic_store_n(&a->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

API_TEST(unix_stream, full_receiver_blocks_sender)
{
	struct bulk_arg arg = { .len = 1024 };
	size_t queued, drained = 0;
	char buf[4096];
	pthread_t t;
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	queued = api_fill(sv[0]);
	cr_assert_gt(queued, 0);
	/* The nonblocking view of the same state. */
	expect_ok(fcntl(sv[0], F_SETFL, O_NONBLOCK));
	expect_errno(write(sv[0], "x", 1), EAGAIN);
	expect_ok(fcntl(sv[0], F_SETFL, 0));

	arg.fd = sv[0];
	cr_assert(pthread_create(&t, NULL, bulk_send_thread, &arg) == 0);
	api_msleep(50);
	cr_assert_eq(__atomic_load_n(&arg.done, __ATOMIC_SEQ_CST), 0,
		     "send did not block on a full receiver");
	while (drained < queued + arg.len) {
		ssize_t n = recv(sv[1], buf, sizeof(buf), 0);

		if (n <= 0)
			break;
		drained += n;
	}
	cr_assert(pthread_join(t, NULL) == 0);
	cr_assert_eq(arg.ret, (ssize_t)arg.len);
	cr_assert_eq(drained, queued + arg.len);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_stream, poll_pollout_clears_when_full)
{
	struct pollfd pfd = { .events = POLLOUT };
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	cr_assert(api_revents(sv[0], POLLOUT) & POLLOUT);
	api_fill(sv[0]);
	pfd.fd = sv[0];
	cr_assert_eq(poll(&pfd, 1, 10), 0);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_stream, fionread)
{
	int sv[2], n = -1;
	char buf[8];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	expect_ok(ioctl(sv[1], FIONREAD, &n));
	cr_assert_eq(n, 0);
	cr_assert_eq(send(sv[0], "abc", 3, 0), 3);
	cr_assert_eq(send(sv[0], "defgh", 5, 0), 5);
	/* All queued bytes, across writes. */
	expect_ok(ioctl(sv[1], FIONREAD, &n));
	cr_assert_eq(n, 8);
	cr_assert_eq(recv(sv[1], buf, 2, 0), 2);
	expect_ok(ioctl(sv[1], SIOCINQ, &n));
	cr_assert_eq(n, 6);
	api_close_pair(sv[0], sv[1]);
}

/*
 * SO_RCVLOWAT: a blocking recv waits for that many bytes, but a
 * nonblocking one returns what is there, and (unlike TCP) poll reports
 * POLLIN as soon as one byte is queued.
 */
API_TEST(unix_stream, so_rcvlowat)
{
	struct writer_arg arg = { .delay_ms = 20, .chunks = { "cd" } };
	char buf[16];
	pthread_t t;
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	api_set_int(sv[1], SO_RCVLOWAT, 4);
	cr_assert_eq(send(sv[0], "ab", 2, 0), 2);
	cr_assert(api_revents(sv[1], POLLIN) & POLLIN);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), 2);

	cr_assert_eq(send(sv[0], "ab", 2, 0), 2);
	arg.fd = sv[0];
	cr_assert(pthread_create(&t, NULL, writer_thread, &arg) == 0);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), 0), 4);
	cr_assert(pthread_join(t, NULL) == 0);
	cr_assert_eq(arg.ret, 0);
	cr_assert(memcmp(buf, "abcd", 4) == 0);
	api_close_pair(sv[0], sv[1]);
}

/* A zero-length read is EAGAIN on an empty nonblocking socket. */
API_TEST(unix_stream, recv_zero_bytes)
{
	char buf[8];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	expect_errno(recv(sv[1], buf, 0, MSG_DONTWAIT), EAGAIN);
	cr_assert_eq(send(sv[0], "ab", 2, 0), 2);
	cr_assert_eq(recv(sv[1], buf, 0, MSG_DONTWAIT), 0);
	cr_assert_eq(recv(sv[1], buf, 0, 0), 0);
	/* The data is still there. */
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), 0), 2);
	/* A zero-length send queues nothing. */
	cr_assert_eq(send(sv[0], "", 0, 0), 0);
	expect_errno(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_stream, readv_writev)
{
	struct iovec out[3] = {
		{ "one", 3 },
		{ "", 0 },
		{ "three", 5 },
	};
	char a[2], b[4], c[8];
	struct iovec in[3] = {
		{ a, sizeof(a) },
		{ b, sizeof(b) },
		{ c, sizeof(c) },
	};
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	cr_assert_eq(writev(sv[0], out, 3), 8);
	cr_assert_eq(readv(sv[1], in, 3), 8);
	cr_assert(memcmp(a, "on", 2) == 0);
	cr_assert(memcmp(b, "ethr", 4) == 0);
	cr_assert(memcmp(c, "ee", 2) == 0);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_stream, epipe_and_sigpipe_after_peer_close)
{
	int sv[2];

	api_count_sigpipe();
	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	expect_ok(close(sv[1]));
	expect_errno(send(sv[0], "x", 1, 0), EPIPE);
	cr_assert_eq(api_sigpipes(), 1);
	expect_errno(write(sv[0], "x", 1), EPIPE);
	cr_assert_eq(api_sigpipes(), 2);
	expect_errno(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	cr_assert_eq(api_sigpipes(), 2);
	expect_ok(close(sv[0]));
}

API_TEST(unix_stream, eof_after_peer_close)
{
	char buf[8];
	short rev;
	int c, s;

	api_connected_pair(SOCK_STREAM, &c, &s);
	cr_assert_eq(send(s, "bye", 3, 0), 3);
	expect_ok(close(s));
	rev = api_revents(c, POLLIN | POLLRDHUP);
	cr_assert_eq(rev & (POLLIN | POLLRDHUP | POLLHUP),
		     POLLIN | POLLRDHUP | POLLHUP);
	cr_assert_eq(rev & POLLERR, 0);
	cr_assert_eq(recv(c, buf, sizeof(buf), 0), 3);
	cr_assert_eq(recv(c, buf, sizeof(buf), 0), 0);
	cr_assert_eq(recv(c, buf, sizeof(buf), MSG_DONTWAIT), 0);
	expect_ok(close(c));
}

/*
 * Closing a socket with unread data resets the peer: the peer first reads
 * what was queued for it, then recv gives ECONNRESET once, then 0 (EOF).
 * poll shows POLLERR; SO_ERROR holds ECONNRESET.  send gives EPIPE (with
 * SIGPIPE), not ECONNRESET.
 */
API_TEST(unix_stream, econnreset_when_peer_closes_with_unread_data)
{
	char buf[8];
	short rev;
	int sv[2];

	api_count_sigpipe();
	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	cr_assert_eq(send(sv[0], "unread", 6, 0), 6);
	cr_assert_eq(send(sv[1], "xy", 2, 0), 2);
	expect_ok(close(sv[1]));
	rev = api_revents(sv[0], POLLIN | POLLOUT | POLLRDHUP);
	cr_assert_eq(rev, POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDHUP,
		     "revents %#x", rev);
	cr_assert_eq(recv(sv[0], buf, sizeof(buf), 0), 2);
	expect_errno(recv(sv[0], buf, sizeof(buf), 0), ECONNRESET);
	cr_assert_eq(recv(sv[0], buf, sizeof(buf), 0), 0);
	expect_errno(send(sv[0], "z", 1, 0), EPIPE);
	cr_assert_eq(api_sigpipes(), 1);
	expect_ok(close(sv[0]));
}

API_TEST(unix_stream, econnreset_in_so_error)
{
	char buf[8];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	cr_assert_eq(send(sv[0], "unread", 6, 0), 6);
	expect_ok(close(sv[1]));
	cr_assert_eq(api_get_int(sv[0], SO_ERROR), ECONNRESET);
	/* Reading SO_ERROR consumed it. */
	cr_assert_eq(recv(sv[0], buf, sizeof(buf), 0), 0);
	expect_ok(close(sv[0]));
}

API_TEST(unix_stream, pending_connection_reset_when_listener_closes)
{
	struct sockaddr_un sun;
	socklen_t len;
	int l = api_listener(SOCK_STREAM, 4, &sun, &len);
	int c = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	char buf[4];

	expect_ok(connect(c, (struct sockaddr *)&sun, len));
	expect_ok(close(l));
	expect_errno(recv(c, buf, sizeof(buf), 0), ECONNRESET);
	cr_assert_eq(recv(c, buf, sizeof(buf), 0), 0);
	expect_errno(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	expect_ok(close(c));
}

/* --- addresses of connected sockets ----------------------------------- */

API_TEST(unix_stream, accept_returns_peer_address)
{
	struct sockaddr_un sun, me, got;
	socklen_t len, mlen, glen;
	int l = api_listener(SOCK_STREAM, 4, &sun, &len);
	int c1 = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int c2 = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int a1, a2;

	mlen = api_sun_abstract(&me, "client");
	expect_ok(bind(c1, (struct sockaddr *)&me, mlen));
	expect_ok(connect(c1, (struct sockaddr *)&sun, len));
	expect_ok(connect(c2, (struct sockaddr *)&sun, len));
	glen = sizeof(got);
	a1 = (int)expect_ok(accept(l, (struct sockaddr *)&got, &glen));
	cr_assert_eq(glen, mlen);
	cr_assert(memcmp(&got, &me, mlen) == 0);
	/* An unbound client: just the family. */
	glen = sizeof(got);
	memset(&got, 0x55, sizeof(got));
	a2 = (int)expect_ok(accept(l, (struct sockaddr *)&got, &glen));
	cr_assert_eq(glen, sizeof(sa_family_t));
	cr_assert_eq(got.sun_family, AF_UNIX);
	api_close_pair(c1, a1);
	api_close_pair(c2, a2);
	expect_ok(close(l));
}

API_TEST(unix_stream, names_of_connected_sockets)
{
	struct sockaddr_un sun, got;
	socklen_t len, glen;
	int l = api_listener(SOCK_STREAM, 4, &sun, &len);
	int c = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int a;

	expect_ok(connect(c, (struct sockaddr *)&sun, len));
	a = (int)expect_ok(accept(l, NULL, NULL));
	/* The names outlive the listener. */
	expect_ok(close(l));
	/* Client: peer is the listener's name, own name empty. */
	glen = sizeof(got);
	expect_ok(getpeername(c, (struct sockaddr *)&got, &glen));
	cr_assert_eq(glen, len);
	cr_assert(memcmp(&got, &sun, len) == 0);
	glen = sizeof(got);
	expect_ok(getsockname(c, (struct sockaddr *)&got, &glen));
	cr_assert_eq(glen, sizeof(sa_family_t));
	/* Accepted socket: its own name is the listener's. */
	glen = sizeof(got);
	expect_ok(getsockname(a, (struct sockaddr *)&got, &glen));
	cr_assert_eq(glen, len);
	cr_assert(memcmp(&got, &sun, len) == 0);
	glen = sizeof(got);
	expect_ok(getpeername(a, (struct sockaddr *)&got, &glen));
	cr_assert_eq(glen, sizeof(sa_family_t));
	api_close_pair(c, a);
}
