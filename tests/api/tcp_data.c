/*
 * tcp_data.c - moving data over TCP on the loopback, as Linux does it:
 * bulk transfers checked byte for byte, the receive flags (MSG_PEEK,
 * SO_PEEK_OFF, MSG_WAITALL, MSG_DONTWAIT, MSG_TRUNC, MSG_OOB with and
 * without SO_OOBINLINE), MSG_MORE, scatter/gather, zero-length sends,
 * blocking sends and receives woken by the peer, and poll/epoll readiness
 * through a connection's life (data, half close, full send buffer, reset).
 *
 * Every connection goes to 127.0.0.1.  Helper threads only move data and
 * record results; the test's own thread makes every assertion.  Blocking
 * calls that a wrong implementation could leave hanging are bounded with
 * SO_RCVTIMEO / SO_SNDTIMEO.
 */
#include "api.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/tcp.h>

#define WAIT_MS 2000 /* upper bound on waiting for loopback delivery */

static void set_int(int fd, int level, int name, int v)
{
	expect_ok(setsockopt(fd, level, name, &v, sizeof(v)));
}

static int tcp_listener(int backlog, struct sockaddr_in *addr)
{
	int l = api_tcp_socket();
	socklen_t len = sizeof(*addr);

	*addr = api_sin_of("127.0.0.1", 0);
	expect_ok(bind(l, (struct sockaddr *)addr, sizeof(*addr)));
	expect_ok(getsockname(l, (struct sockaddr *)addr, &len));
	expect_ok(listen(l, backlog));
	return l;
}

/* A connected pair made through a listener that is closed again. */
static void tcp_pair(int *c, int *s)
{
	struct sockaddr_in addr;
	int l = tcp_listener(4, &addr);

	*c = api_tcp_socket();
	expect_ok(connect(*c, (struct sockaddr *)&addr, sizeof(addr)));
	*s = expect_ok(accept(l, NULL, NULL));
	expect_ok(close(l));
}

static short wait_events(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	cr_assert_geq(poll(&p, 1, ms), 0);
	return p.revents;
}

static void wait_readable(int fd)
{
	cr_assert(wait_events(fd, POLLIN, WAIT_MS) & POLLIN, "not readable");
}

static int inq(int fd)
{
	int n = -1;

	expect_ok(ioctl(fd, SIOCINQ, &n));
	return n;
}

/* Wait (bounded) until fd has at least want bytes to read. */
static void wait_inq(int fd, int want)
{
	int n = inq(fd);

	for (int i = 0; i < WAIT_MS / 2 && n < want; i++) {
		api_msleep(2);
		n = inq(fd);
	}
	cr_assert_geq(n, want, "%d bytes queued, want %d", n, want);
}

static void wait_urgent(int fd)
{
	cr_assert(wait_events(fd, POLLPRI, WAIT_MS) & POLLPRI, "no POLLPRI");
}

/* From c to s: @before, then @oob with MSG_OOB (its last byte urgent),
 * then @after ("" for none); returns once s has seen the mark and has
 * the data before it. */
static void send_urgent(int c, int s, const char *before, const char *oob,
			const char *after)
{
	const char *part[] = { before, oob, after };

	for (int i = 0; i < 3; i++)
		if (i == 1 || part[i][0])
			cr_assert_eq(send(c, part[i], strlen(part[i]),
					  i == 1 ? MSG_OOB : 0),
				     (ssize_t)strlen(part[i]));
	wait_urgent(s);
	wait_inq(s, (int)(strlen(before) + strlen(oob)) - 1);
}

static int atmark(int fd)
{
	int v = -1;

	expect_ok(ioctl(fd, SIOCATMARK, &v));
	return v;
}

static void set_timeo(int fd, int name, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = (ms % 1000) * 1000 };

	expect_ok(setsockopt(fd, SOL_SOCKET, name, &tv, sizeof(tv)));
}

static void close_rst(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	expect_ok(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	expect_ok(close(fd));
}

/* The byte at offset i of a bulk stream: depends on the offset at two
 * scales, so that lost, repeated or reordered chunks show. */
static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 131 + (i >> 13));
}

/* A thread that reads fd until EOF (or error, or want bytes when want is
 * not 0), checking the pattern from offset 0, with varying read sizes. */
struct reader {
	pthread_t thread;
	int fd;
	size_t want;
	long delay_ms; /* before the first read */
	size_t got;
	size_t bad_at; /* offset of the first wrong byte, or SIZE_MAX */
	bool eof;
	int err;
};

static void *reader_main(void *arg)
{
	static const size_t sizes[] = { 65536, 1, 3000, 100000, 17 };
	struct reader *r = arg;
	unsigned char *buf = malloc(100000);
	ssize_t n;

	if (!buf) {
		r->err = ENOMEM;
		return NULL;
	}
	api_msleep(r->delay_ms);
	for (size_t k = 0; !r->want || r->got < r->want; k++) {
		size_t len = sizes[k % 5];

		if (r->want && len > r->want - r->got)
			len = r->want - r->got;
		n = recv(r->fd, buf, len, 0);
		if (n <= 0) {
			r->eof = n == 0;
			r->err = n < 0 ? errno : 0;
			break;
		}
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != pattern(r->got + (size_t)i) &&
			    r->bad_at == SIZE_MAX)
				r->bad_at = r->got + (size_t)i;
		r->got += (size_t)n;
	}
	free(buf);
	return NULL;
}

static void reader_start(struct reader *r, int fd, size_t want, long delay_ms)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->want = want;
	r->delay_ms = delay_ms;
	r->bad_at = SIZE_MAX;
	cr_assert_eq(pthread_create(&r->thread, NULL, reader_main, r), 0);
}

static void reader_join(struct reader *r)
{
	cr_assert_eq(pthread_join(r->thread, NULL), 0);
	cr_assert_eq(r->err, 0, "reader: %s", strerror(r->err));
	cr_assert_eq(r->bad_at, SIZE_MAX, "wrong byte at offset %zu",
		     r->bad_at);
}

/* Send len pattern bytes on fd in chunks of varying size; the number
 * sent (short only on error). */
static size_t send_pattern(int fd, size_t len)
{
	static const size_t sizes[] = { 1, 1000, 65536, 7, 300000, 4096 };
	unsigned char *buf = malloc(len);
	size_t off = 0;

	if (!buf)
		return 0;
	for (size_t i = 0; i < len; i++)
		buf[i] = pattern(i);
	for (size_t k = 0; off < len; k++) {
		size_t n = sizes[k % 6];
		ssize_t r;

		if (n > len - off)
			n = len - off;
		r = send(fd, buf + off, n, 0);
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	free(buf);
	return off;
}

/* A thread that sends len pattern bytes, then shuts down writing. */
struct writer {
	pthread_t thread;
	int fd;
	size_t len, sent;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;

	w->sent = send_pattern(w->fd, w->len);
	shutdown(w->fd, SHUT_WR);
	return NULL;
}

/* -- bulk ----------------------------------------------------------- */

/* 4 MiB in chunks of 1 byte to 300 KB, read in other sizes by another
 * thread: every byte arrives, in order, then EOF. */
API_TEST(tcp_data, bulk_4mib_exact, API_NEEDS_TCP)
{
	const size_t total = 4 << 20;
	struct reader r;
	int c, s;

	tcp_pair(&c, &s);
	reader_start(&r, s, 0, 0);
	cr_assert_eq(send_pattern(c, total), total);
	expect_ok(shutdown(c, SHUT_WR));
	reader_join(&r);
	cr_assert_eq(r.got, total);
	cr_assert(r.eof);
	api_close_pair(c, s);
}

/* Buffer tuning (Linux's tcp_sndbuf_expand() and tcp_rcv_space_adjust()):
 * a connection's send buffer grows past tcp_wmem[1] with the window, its
 * receive buffer with what the reader takes per round trip, up to
 * tcp_rmem[2] (6 MiB by default); a size set with SO_RCVBUF / SO_SNDBUF
 * stays as set. */
API_TEST(tcp_data, buffers_grow_unless_set, API_NEEDS_TCP)
{
	const size_t total = 32 << 20;
	int c, s, snd0, rcv0, c2, s2, fixed;
	struct reader r;

	c = api_tcp_socket();
	snd0 = api_getsockopt_int(c, SOL_SOCKET, SO_SNDBUF);
	expect_ok(close(c));
	tcp_pair(&c, &s);
	cr_assert_gt(api_getsockopt_int(c, SOL_SOCKET, SO_SNDBUF), snd0);
	rcv0 = api_getsockopt_int(s, SOL_SOCKET, SO_RCVBUF);
	reader_start(&r, s, 0, 0);
	cr_assert_eq(send_pattern(c, total), total);
	expect_ok(shutdown(c, SHUT_WR));
	reader_join(&r);
	cr_assert_eq(r.got, total);
	cr_assert_gt(api_getsockopt_int(s, SOL_SOCKET, SO_RCVBUF), rcv0);
	cr_assert_leq(api_getsockopt_int(s, SOL_SOCKET, SO_RCVBUF), 64 << 20);

	tcp_pair(&c2, &s2);
	set_int(s2, SOL_SOCKET, SO_RCVBUF, 65536);
	set_int(c2, SOL_SOCKET, SO_SNDBUF, 65536);
	fixed = api_getsockopt_int(s2, SOL_SOCKET, SO_RCVBUF);
	reader_start(&r, s2, 0, 0);
	cr_assert_eq(send_pattern(c2, 4 << 20), 4 << 20);
	expect_ok(shutdown(c2, SHUT_WR));
	reader_join(&r);
	cr_assert_eq(api_getsockopt_int(s2, SOL_SOCKET, SO_RCVBUF), fixed);
	cr_assert_eq(api_getsockopt_int(c2, SOL_SOCKET, SO_SNDBUF), fixed);
	api_close_pair(c, s);
	api_close_pair(c2, s2);
}

/* 1 MiB each way at the same time, over small buffers. */
API_TEST(tcp_data, bulk_full_duplex, API_NEEDS_TCP)
{
	const size_t total = 1 << 20;
	struct writer wc = { .len = total }, ws = { .len = total };
	struct reader rc, rs;
	int c, s;

	tcp_pair(&c, &s);
	set_int(c, SOL_SOCKET, SO_SNDBUF, 32768);
	set_int(s, SOL_SOCKET, SO_SNDBUF, 32768);
	set_int(c, SOL_SOCKET, SO_RCVBUF, 32768);
	set_int(s, SOL_SOCKET, SO_RCVBUF, 32768);
	wc.fd = c;
	ws.fd = s;
	reader_start(&rc, c, 0, 0);
	reader_start(&rs, s, 0, 0);
	cr_assert_eq(pthread_create(&wc.thread, NULL, writer_main, &wc), 0);
	cr_assert_eq(pthread_create(&ws.thread, NULL, writer_main, &ws), 0);
	cr_assert_eq(pthread_join(wc.thread, NULL), 0);
	cr_assert_eq(pthread_join(ws.thread, NULL), 0);
	reader_join(&rc);
	reader_join(&rs);
	cr_assert_eq(wc.sent, total);
	cr_assert_eq(ws.sent, total);
	cr_assert_eq(rc.got, total);
	cr_assert_eq(rs.got, total);
	cr_assert(rc.eof && rs.eof);
	api_close_pair(c, s);
}

/* A stream has no boundaries: two sends can come out of one recv, and a
 * short recv leaves the rest queued. */
API_TEST(tcp_data, stream_has_no_boundaries, API_NEEDS_TCP)
{
	char buf[16];
	int c, s;

	tcp_pair(&c, &s);
	cr_assert_eq(send(c, "hello", 5, 0), 5);
	cr_assert_eq(send(c, "world", 5, 0), 5);
	wait_inq(s, 10);
	cr_assert_eq(recv(s, buf, 3, 0), 3);
	cr_assert_arr_eq(buf, "hel", 3);
	cr_assert_eq(inq(s), 7);
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 7);
	cr_assert_arr_eq(buf, "loworld", 7);
	api_close_pair(c, s);
}

/* -- receive flags -------------------------------------------------- */

/* MSG_PEEK copies without consuming, as often as asked. */
API_TEST(tcp_data, msg_peek, API_NEEDS_TCP)
{
	char buf[16];
	int c, s;

	tcp_pair(&c, &s);
	expect_errno(recv(s, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT),
		     EAGAIN);
	cr_assert_eq(send(c, "abcdef", 6, 0), 6);
	wait_inq(s, 6);
	cr_assert_eq(recv(s, buf, 2, MSG_PEEK), 2);
	cr_assert_arr_eq(buf, "ab", 2);
	cr_assert_eq(recv(s, buf, sizeof(buf), MSG_PEEK), 6);
	cr_assert_eq(inq(s), 6);
	cr_assert_eq(recv(s, buf, 4, 0), 4);
	cr_assert_arr_eq(buf, "abcd", 4);
	cr_assert_eq(recv(s, buf, sizeof(buf), MSG_PEEK), 2);
	cr_assert_arr_eq(buf, "ef", 2);
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 2);
	api_close_pair(c, s);
}

/* SO_PEEK_OFF (off, -1, by default): from 0, each MSG_PEEK continues
 * where the last one stopped, and a normal read moves the offset back by
 * what it consumed. */
API_TEST(tcp_data, peek_offset, API_NEEDS_TCP)
{
	char buf[16];
	int c, s;

	tcp_pair(&c, &s);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_PEEK_OFF), -1);
	set_int(s, SOL_SOCKET, SO_PEEK_OFF, 0);
	cr_assert_eq(send(c, "abcdef", 6, 0), 6);
	wait_inq(s, 6);
	cr_assert_eq(recv(s, buf, 2, MSG_PEEK), 2);
	cr_assert_arr_eq(buf, "ab", 2);
	cr_assert_eq(recv(s, buf, 2, MSG_PEEK), 2);
	cr_assert_arr_eq(buf, "cd", 2);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_PEEK_OFF), 4);
	cr_assert_eq(recv(s, buf, 3, 0), 3);
	cr_assert_arr_eq(buf, "abc", 3);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_PEEK_OFF), 1);
	cr_assert_eq(recv(s, buf, sizeof(buf), MSG_PEEK), 2);
	cr_assert_arr_eq(buf, "ef", 2);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_PEEK_OFF), 3);
	api_close_pair(c, s);
}

/* A thread that sends n chunks of len bytes, delay_ms apart. */
struct chunker {
	pthread_t thread;
	int fd, n;
	size_t len;
	long delay_ms;
	int sent;
};

static void *chunker_main(void *arg)
{
	struct chunker *k = arg;
	char buf[256];

	memset(buf, 'w', sizeof(buf));
	for (int i = 0; i < k->n; i++) {
		api_msleep(k->delay_ms);
		if (send(k->fd, buf, k->len, 0) == (ssize_t)k->len)
			k->sent++;
	}
	return NULL;
}

/* MSG_WAITALL blocks until the whole length has arrived, across several
 * segments sent apart. */
API_TEST(tcp_data, msg_waitall_collects, API_NEEDS_TCP)
{
	struct chunker k = { .n = 5, .len = 100, .delay_ms = 5 };
	char buf[600];
	int c, s;

	tcp_pair(&c, &s);
	set_timeo(s, SO_RCVTIMEO, WAIT_MS);
	k.fd = c;
	cr_assert_eq(pthread_create(&k.thread, NULL, chunker_main, &k), 0);
	cr_assert_eq(recv(s, buf, 500, MSG_WAITALL), 500);
	cr_assert_eq(pthread_join(k.thread, NULL), 0);
	cr_assert_eq(k.sent, 5);
	api_close_pair(c, s);
}

/* MSG_WAITALL returns short on EOF, on a receive timeout (what it has),
 * and with MSG_DONTWAIT (what is there). */
API_TEST(tcp_data, msg_waitall_short, API_NEEDS_TCP)
{
	struct timespec t0;
	char buf[16];
	int c, s;

	tcp_pair(&c, &s);
	cr_assert_eq(send(c, "abc", 3, 0), 3);
	wait_inq(s, 3);
	cr_assert_eq(recv(s, buf, 10, MSG_WAITALL | MSG_DONTWAIT), 3);
	cr_assert_eq(send(c, "abc", 3, 0), 3);
	set_timeo(s, SO_RCVTIMEO, 100);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(recv(s, buf, 10, MSG_WAITALL), 3);
	api_expect_elapsed(&t0, 90, WAIT_MS);
	expect_errno(recv(s, buf, 10, MSG_WAITALL), EAGAIN);
	cr_assert_eq(send(c, "abc", 3, 0), 3);
	expect_ok(shutdown(c, SHUT_WR));
	cr_assert_eq(recv(s, buf, 10, MSG_WAITALL), 3);
	cr_assert_eq(recv(s, buf, 10, MSG_WAITALL), 0);
	api_close_pair(c, s);
}

/* Nothing to read: EAGAIN with MSG_DONTWAIT or O_NONBLOCK.  A full
 * send path: EAGAIN likewise. */
API_TEST(tcp_data, dontwait_eagain, API_NEEDS_TCP)
{
	char b;
	int c, s;

	tcp_pair(&c, &s);
	expect_errno(recv(s, &b, 1, MSG_DONTWAIT), EAGAIN);
	expect_ok(fcntl(s, F_SETFL, O_NONBLOCK));
	expect_errno(recv(s, &b, 1, 0), EAGAIN);
	expect_errno(read(s, &b, 1), EAGAIN);
	set_int(c, SOL_SOCKET, SO_SNDBUF, 32768);
	set_int(s, SOL_SOCKET, SO_RCVBUF, 32768);
	cr_assert_gt(api_fill(c), 0);
	expect_errno(send(c, "x", 1, MSG_DONTWAIT), EAGAIN);
	expect_ok(fcntl(c, F_SETFL, O_NONBLOCK));
	expect_errno(write(c, "x", 1), EAGAIN);
	api_close_pair(c, s);
}

/* MSG_TRUNC on TCP discards the data instead of copying it (the buffer
 * may be NULL) and returns the count; with MSG_PEEK it only counts. */
API_TEST(tcp_data, msg_trunc_discards, API_NEEDS_TCP)
{
	char buf[16];
	int c, s;

	tcp_pair(&c, &s);
	cr_assert_eq(send(c, "abcdefghij", 10, 0), 10);
	wait_inq(s, 10);
	memset(buf, '#', sizeof(buf));
	cr_assert_eq(recv(s, buf, 4, MSG_TRUNC | MSG_PEEK), 4);
	cr_assert_eq(buf[0], '#');
	cr_assert_eq(inq(s), 10);
	cr_assert_eq(recv(s, NULL, 3, MSG_TRUNC), 3);
	cr_assert_eq(inq(s), 7);
	cr_assert_eq(recv(s, buf, 2, MSG_TRUNC), 2);
	cr_assert_eq(buf[0], '#');
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 5);
	cr_assert_arr_eq(buf, "fghij", 5);
	api_close_pair(c, s);
}

/* -- urgent data ---------------------------------------------------- */

/* MSG_OOB sends one urgent byte (the last of the buffer), which leaves
 * the stream: the receiver sees POLLPRI, a read stops at the mark,
 * SIOCATMARK is then 1, and recv(MSG_OOB) gets the byte (msg_flags
 * MSG_OOB) once; after that, and before any urgent data, MSG_OOB is
 * EINVAL.  SIOCATMARK stays 1 until a read moves past the mark. */
API_TEST(tcp_data, oob_byte, API_NEEDS_TCP_URG)
{
	struct msghdr msg;
	struct iovec iov;
	char buf[16];
	int c, s;

	tcp_pair(&c, &s);
	expect_errno(recv(s, buf, 1, MSG_OOB), EINVAL);
	send_urgent(c, s, "abc", "X", "");
	cr_assert_eq(atmark(s), 0);
	cr_assert_eq(api_revents(s, POLLIN | POLLPRI), POLLIN | POLLPRI);
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 3);
	cr_assert_arr_eq(buf, "abc", 3);
	cr_assert_eq(atmark(s), 1);
	/* Only the urgent byte is left: POLLPRI without POLLIN. */
	cr_assert_eq(api_revents(s, POLLIN | POLLPRI), POLLPRI);
	cr_assert_eq(recv(s, buf, 1, MSG_OOB | MSG_PEEK), 1);
	cr_assert_eq(buf[0], 'X');
	api_msg_init(&msg, &iov, buf, sizeof(buf));
	cr_assert_eq(recvmsg(s, &msg, MSG_OOB), 1);
	cr_assert_eq(buf[0], 'X');
	cr_assert_eq(msg.msg_flags, MSG_OOB);
	expect_errno(recv(s, buf, 1, MSG_OOB), EINVAL);
	cr_assert_eq(atmark(s), 1);
	cr_assert_eq(api_revents(s, POLLIN | POLLPRI), 0);
	/* The urgent byte is still queued, and a read steps over it: even
	 * one that finds nothing else moves the stream past the mark. */
	expect_errno(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	cr_assert_eq(atmark(s), 0);
	cr_assert_eq(send(c, "def", 3, 0), 3);
	wait_readable(s);
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 3);
	cr_assert_arr_eq(buf, "def", 3);
	api_close_pair(c, s);
}

/* Of a multi-byte MSG_OOB send only the last byte is urgent; it can be
 * read before the normal data in front of it. */
API_TEST(tcp_data, oob_last_byte_only, API_NEEDS_TCP_URG)
{
	char buf[16];
	int c, s;

	tcp_pair(&c, &s);
	send_urgent(c, s, "abc", "XYZ", "");
	cr_assert_eq(recv(s, buf, 1, MSG_OOB), 1);
	cr_assert_eq(buf[0], 'Z');
	cr_assert_eq(inq(s), 5);
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 5);
	cr_assert_arr_eq(buf, "abcXY", 5);
	expect_errno(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	api_close_pair(c, s);
}

/* With SO_OOBINLINE the urgent byte stays in the stream: MSG_OOB is
 * EINVAL, a read still stops at the mark (SIOCATMARK 1 there), and the
 * next read starts with the urgent byte. */
API_TEST(tcp_data, oob_inline, API_NEEDS_TCP_URG)
{
	char buf[16];
	int c, s;

	tcp_pair(&c, &s);
	set_int(s, SOL_SOCKET, SO_OOBINLINE, 1);
	send_urgent(c, s, "abc", "X", "def");
	wait_inq(s, 7);
	cr_assert_eq(atmark(s), 0);
	expect_errno(recv(s, buf, 1, MSG_OOB), EINVAL);
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 3);
	cr_assert_arr_eq(buf, "abc", 3);
	cr_assert_eq(atmark(s), 1);
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 4);
	cr_assert_arr_eq(buf, "Xdef", 4);
	cr_assert_eq(atmark(s), 0);
	expect_errno(recv(s, buf, 1, MSG_OOB), EINVAL);
	api_close_pair(c, s);
}

/* recv(MSG_OOB) where there is nothing to take: on a socket never
 * connected EINVAL (no urgent data, whatever the state), on a listener
 * ENOTCONN; a send(MSG_OOB) of nothing marks nothing. */
API_TEST(tcp_data, oob_nothing_to_take, API_NEEDS_TCP_URG)
{
	struct sockaddr_in addr;
	int l = tcp_listener(1, &addr), u = api_tcp_socket(), c, s;
	char buf[4];

	expect_errno(recv(u, buf, 1, MSG_OOB), EINVAL);
	expect_errno(recv(l, buf, 1, MSG_OOB), ENOTCONN);
	cr_assert_eq(atmark(l), 0);
	expect_ok(close(u));
	expect_ok(close(l));
	tcp_pair(&c, &s);
	cr_assert_eq(send(c, "", 0, MSG_OOB), 0);
	cr_assert_eq(send(c, "a", 1, 0), 1);
	wait_inq(s, 1);
	cr_assert_eq(api_revents(s, POLLIN | POLLPRI), POLLIN);
	expect_errno(recv(s, buf, 1, MSG_OOB), EINVAL);
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 1);
	api_close_pair(c, s);
}

/* recv(MSG_OOB) into no room returns 0 with MSG_TRUNC, and the byte is
 * gone all the same; MSG_TRUNC takes it without copying; MSG_PEEK leaves
 * it. */
API_TEST(tcp_data, oob_trunc_and_peek, API_NEEDS_TCP_URG)
{
	struct msghdr msg;
	struct iovec iov;
	char buf[4] = "###";
	int c, s;

	tcp_pair(&c, &s);
	cr_assert_eq(send(c, "X", 1, MSG_OOB), 1);
	wait_urgent(s);
	cr_assert_eq(recv(s, buf, 1, MSG_OOB | MSG_TRUNC | MSG_PEEK), 1);
	cr_assert_eq(buf[0], '#');
	api_msg_init(&msg, &iov, buf, 0);
	cr_assert_eq(recvmsg(s, &msg, MSG_OOB), 0);
	cr_assert_eq(msg.msg_flags, MSG_OOB | MSG_TRUNC);
	expect_errno(recv(s, buf, 1, MSG_OOB), EINVAL);
	cr_assert_eq(send(c, "Y", 1, MSG_OOB), 1);
	wait_urgent(s);
	cr_assert_eq(recv(s, buf, sizeof(buf), MSG_OOB | MSG_TRUNC), 1);
	cr_assert_eq(buf[0], '#');
	expect_errno(recv(s, buf, 1, MSG_OOB), EINVAL);
	api_close_pair(c, s);
}

/* A read that moves past the urgent byte without MSG_OOB loses it: it
 * was never in the stream, and MSG_OOB is EINVAL afterwards. */
API_TEST(tcp_data, oob_lost_once_passed, API_NEEDS_TCP_URG)
{
	char buf[16];
	int c, s;

	tcp_pair(&c, &s);
	send_urgent(c, s, "abc", "X", "def");
	/* SIOCINQ counts up to the mark. */
	cr_assert_eq(inq(s), 3);
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 3);
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 3);
	cr_assert_arr_eq(buf, "def", 3);
	cr_assert_eq(atmark(s), 0);
	cr_assert_eq(api_revents(s, POLLIN | POLLPRI), 0);
	expect_errno(recv(s, buf, 1, MSG_OOB), EINVAL);
	api_close_pair(c, s);
}

/* MSG_WAITALL and SO_RCVLOWAT do not carry a read past the mark; a peek
 * stops there too, and a peek at the mark steps over the urgent byte
 * without moving the reader. */
API_TEST(tcp_data, oob_mark_stops_reads, API_NEEDS_TCP_URG)
{
	struct timespec t0;
	char buf[16];
	int c, s;

	tcp_pair(&c, &s);
	set_timeo(s, SO_RCVTIMEO, WAIT_MS);
	set_int(s, SOL_SOCKET, SO_RCVLOWAT, 10);
	send_urgent(c, s, "abc", "X", "def");
	cr_assert_eq(recv(s, buf, sizeof(buf), MSG_PEEK), 3);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(recv(s, buf, sizeof(buf), MSG_WAITALL), 3);
	api_expect_elapsed(&t0, 0, WAIT_MS / 2);
	cr_assert_arr_eq(buf, "abc", 3);
	cr_assert_eq(atmark(s), 1);
	wait_inq(s, 0);
	cr_assert_eq(recv(s, buf, 3, MSG_PEEK | MSG_WAITALL), 3);
	cr_assert_arr_eq(buf, "def", 3);
	cr_assert_eq(atmark(s), 1);
	cr_assert_eq(recv(s, buf, 1, MSG_OOB), 1);
	cr_assert_eq(buf[0], 'X');
	cr_assert_eq(recv(s, buf, 3, 0), 3);
	cr_assert_arr_eq(buf, "def", 3);
	api_close_pair(c, s);
}

/* One urgent byte at a time (Linux's tcp_check_urg()): a new mark makes
 * the old urgent byte ordinary data again, unless the reader already
 * stands at it, in which case it is dropped. */
API_TEST(tcp_data, oob_second_mark_replaces_first, API_NEEDS_TCP_URG)
{
	char buf[16];
	int c, s;

	tcp_pair(&c, &s);
	cr_assert_eq(send(c, "ab", 2, 0), 2);
	send_urgent(c, s, "", "X", "cd");
	send_urgent(c, s, "", "Y", "");
	wait_inq(s, 5);
	cr_assert_eq(recv(s, buf, 1, MSG_OOB), 1);
	cr_assert_eq(buf[0], 'Y');
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 5);
	cr_assert_arr_eq(buf, "abXcd", 5);
	/* The reader at the mark of Z when W comes: Z is gone. */
	cr_assert_eq(send(c, "Z", 1, MSG_OOB), 1);
	wait_urgent(s);
	cr_assert_eq(atmark(s), 1);
	cr_assert_eq(send(c, "W", 1, MSG_OOB), 1);
	for (int i = 0; i < WAIT_MS / 2; i++) {
		cr_assert_eq(recv(s, buf, 1, MSG_OOB | MSG_PEEK), 1);
		if (buf[0] == 'W')
			break;
		api_msleep(2);
	}
	cr_assert_eq(buf[0], 'W');
	cr_assert_eq(atmark(s), 1);
	cr_assert_eq(inq(s), 0);
	cr_assert_eq(recv(s, buf, 1, MSG_OOB), 1);
	expect_errno(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	cr_assert_eq(atmark(s), 0);
	api_close_pair(c, s);
}

static int tcp_state(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	expect_ok(getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len));
	return ti.tcpi_state;
}

/* The urgent byte outlives the peer's FIN, even once the connection is
 * closed (our FIN acknowledged), but not a reset: MSG_OOB is then
 * ENOTCONN. */
API_TEST(tcp_data, oob_after_fin_and_reset, API_NEEDS_TCP_URG)
{
	char buf[4];
	int c, s;

	tcp_pair(&c, &s);
	cr_assert_eq(send(c, "X", 1, MSG_OOB), 1);
	expect_ok(close(c));
	wait_urgent(s);
	expect_ok(shutdown(s, SHUT_WR));
	for (int i = 0; i < WAIT_MS / 2 && tcp_state(s) != 7; i++)
		api_msleep(2);
	cr_assert_eq(tcp_state(s), 7); /* TCP_CLOSE */
	cr_assert_eq(recv(s, buf, 1, MSG_OOB | MSG_PEEK), 1);
	cr_assert_eq(recv(s, buf, 1, MSG_OOB), 1);
	cr_assert_eq(buf[0], 'X');
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 0);
	expect_errno(recv(s, buf, 1, MSG_OOB), EINVAL);
	expect_ok(close(s));

	tcp_pair(&c, &s);
	cr_assert_eq(send(c, "Y", 1, MSG_OOB), 1);
	wait_urgent(s);
	close_rst(c);
	cr_assert(wait_events(s, POLLERR, WAIT_MS) & POLLERR);
	expect_errno(recv(s, buf, 1, MSG_OOB), ENOTCONN);
	expect_ok(close(s));
}

/* On the wire (a raw socket sees the loopback's TCP segments): a segment
 * before the mark carries URG and a pointer past the urgent byte, the
 * last of its send; data before the MSG_OOB send goes without. */
static bool next_segment(int raw, uint16_t sport, uint16_t dport,
			 uint8_t *flags, uint16_t *urg, char *data, int *len)
{
	unsigned char pkt[1024];

	while (wait_events(raw, POLLIN, WAIT_MS) & POLLIN) {
		int n = (int)recv(raw, pkt, sizeof(pkt), 0), ihl, doff;

		cr_assert_gt(n, 20);
		ihl = (pkt[0] & 0xf) * 4;
		doff = (pkt[ihl + 12] >> 4) * 4;
		if ((pkt[ihl] << 8 | pkt[ihl + 1]) != sport ||
		    (pkt[ihl + 2] << 8 | pkt[ihl + 3]) != dport ||
		    n == ihl + doff)
			continue; /* another connection, or no data */
		*flags = pkt[ihl + 13];
		*urg = (uint16_t)(pkt[ihl + 18] << 8 | pkt[ihl + 19]);
		*len = n - ihl - doff;
		memcpy(data, pkt + ihl + doff, (size_t)*len);
		return true;
	}
	return false;
}

API_TEST(tcp_data, oob_urgent_pointer_on_the_wire, API_NEEDS_TCP_URG)
{
	int raw = expect_ok(socket(AF_INET, SOCK_RAW, IPPROTO_TCP));
	uint16_t sport, dport, urg;
	char data[1024];
	uint8_t flags;
	int c, s, len;

	tcp_pair(&c, &s);
	sport = ntohs(api_name_of(c).sin_port);
	dport = ntohs(api_name_of(s).sin_port);
	set_int(c, IPPROTO_TCP, TCP_NODELAY, 1);
	cr_assert_eq(send(c, "abc", 3, 0), 3);
	cr_assert(next_segment(raw, sport, dport, &flags, &urg, data, &len));
	cr_assert_eq(len, 3);
	cr_assert_eq(flags & 0x20, 0, "URG on data before the mark");
	wait_inq(s, 3);
	cr_assert_eq(send(c, "XYZ", 3, MSG_OOB), 3);
	cr_assert(next_segment(raw, sport, dport, &flags, &urg, data, &len));
	cr_assert_eq(len, 3);
	cr_assert_arr_eq(data, "XYZ", 3);
	cr_assert_eq(flags & 0x20, 0x20, "no URG");
	cr_assert_eq(urg, 3);
	wait_urgent(s);
	/* Once the mark is acknowledged, urgent mode is over. */
	wait_inq(s, 5);
	cr_assert_eq(send(c, "d", 1, 0), 1);
	cr_assert(next_segment(raw, sport, dport, &flags, &urg, data, &len));
	cr_assert_eq(len, 1);
	cr_assert_eq(flags & 0x20, 0, "URG after the mark");
	expect_ok(close(raw));
	api_close_pair(c, s);
}

/* -- sending -------------------------------------------------------- */

/* MSG_MORE holds back a partial segment, as TCP_CORK does for one call
 * (Linux pushes it anyway after about 200 ms; the test looks well
 * before); the next send without it goes out with it. */
API_TEST(tcp_data, msg_more, API_NEEDS_TCP)
{
	char buf[16];
	int c, s;

	tcp_pair(&c, &s);
	cr_assert_eq(send(c, "12345", 5, MSG_MORE), 5);
	cr_assert_eq(wait_events(s, POLLIN, 30), 0);
	cr_assert_eq(send(c, "678", 3, 0), 3);
	wait_inq(s, 8);
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 8);
	cr_assert_arr_eq(buf, "12345678", 8);
	api_close_pair(c, s);
}

/* sendmsg gathers several iovecs (empty ones included) into the stream;
 * recvmsg scatters it back. */
API_TEST(tcp_data, sendmsg_recvmsg_iovecs, API_NEEDS_TCP)
{
	char a[3], b[4], d[16];
	struct iovec out[4] = {
		{ .iov_base = "one", .iov_len = 3 },
		{ .iov_base = NULL, .iov_len = 0 },
		{ .iov_base = "two", .iov_len = 3 },
		{ .iov_base = "three", .iov_len = 5 },
	};
	struct iovec in[3] = {
		{ .iov_base = a, .iov_len = sizeof(a) },
		{ .iov_base = b, .iov_len = sizeof(b) },
		{ .iov_base = d, .iov_len = sizeof(d) },
	};
	struct msghdr msg;
	int c, s;

	tcp_pair(&c, &s);
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = out;
	msg.msg_iovlen = 4;
	cr_assert_eq(sendmsg(c, &msg, 0), 11);
	wait_inq(s, 11);
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = in;
	msg.msg_iovlen = 3;
	cr_assert_eq(recvmsg(s, &msg, 0), 11);
	cr_assert_eq(msg.msg_flags, 0);
	cr_assert_arr_eq(a, "one", 3);
	cr_assert_arr_eq(b, "twot", 4);
	cr_assert_arr_eq(d, "hree", 4);
	api_close_pair(c, s);
}

API_TEST(tcp_data, writev_readv, API_NEEDS_TCP)
{
	char a[5], b[6];
	struct iovec out[2] = {
		{ .iov_base = "hello", .iov_len = 5 },
		{ .iov_base = " world", .iov_len = 6 },
	};
	struct iovec in[2] = {
		{ .iov_base = a, .iov_len = sizeof(a) },
		{ .iov_base = b, .iov_len = sizeof(b) },
	};
	int c, s;

	tcp_pair(&c, &s);
	cr_assert_eq(writev(c, out, 2), 11);
	wait_inq(s, 11);
	cr_assert_eq(readv(s, in, 2), 11);
	cr_assert_arr_eq(a, "hello", 5);
	cr_assert_arr_eq(b, " world", 6);
	api_close_pair(c, s);
}

/* A zero-length send returns 0 and sends nothing (no EOF, nothing
 * readable).  A zero-length recv is EAGAIN when nothing is queued (with
 * MSG_DONTWAIT), 0 when data is, which stays queued. */
API_TEST(tcp_data, zero_length, API_NEEDS_TCP)
{
	struct iovec empty[2] = { { NULL, 0 }, { NULL, 0 } };
	char buf[4];
	int c, s;

	tcp_pair(&c, &s);
	cr_assert_eq(send(c, buf, 0, 0), 0);
	cr_assert_eq(send(c, NULL, 0, 0), 0);
	cr_assert_eq(writev(c, empty, 2), 0);
	cr_assert_eq(wait_events(s, POLLIN, 20), 0);
	expect_errno(recv(s, buf, 0, MSG_DONTWAIT), EAGAIN);
	cr_assert_eq(send(c, "abc", 3, 0), 3);
	wait_inq(s, 3);
	cr_assert_eq(recv(s, buf, 0, MSG_DONTWAIT), 0);
	cr_assert_eq(inq(s), 3);
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 3);
	api_close_pair(c, s);
}

/* A blocking send of more than the buffers hold waits for the reader,
 * and then completes in full. */
API_TEST(tcp_data, blocking_send_waits_for_reader, API_NEEDS_TCP)
{
	const size_t total = 1 << 20;
	struct timespec t0;
	struct reader r;
	int c, s;

	tcp_pair(&c, &s);
	set_int(c, SOL_SOCKET, SO_SNDBUF, 32768);
	set_int(s, SOL_SOCKET, SO_RCVBUF, 32768);
	set_timeo(c, SO_SNDTIMEO, 10000);
	reader_start(&r, s, total, 100);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(send_pattern(c, total), total);
	api_expect_elapsed(&t0, 90, 10000);
	reader_join(&r);
	cr_assert_eq(r.got, total);
	api_close_pair(c, s);
}

/* SO_SNDTIMEO on a full path: the send gives up after the timeout with
 * EAGAIN, or with the part it managed to queue. */
API_TEST(tcp_data, sndtimeo_on_full_path, API_NEEDS_TCP)
{
	const size_t len = 1 << 20;
	char *buf = calloc(1, len);
	struct timespec t0;
	ssize_t n;
	int c, s;

	cr_assert_not_null(buf);
	tcp_pair(&c, &s);
	set_int(c, SOL_SOCKET, SO_SNDBUF, 32768);
	set_int(s, SOL_SOCKET, SO_RCVBUF, 32768);
	cr_assert_gt(api_fill(c), 0);
	set_timeo(c, SO_SNDTIMEO, 100);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	errno = 0;
	n = send(c, buf, len, 0);
	api_expect_elapsed(&t0, 90, WAIT_MS);
	cr_assert((n == -1 && errno == EAGAIN) || (n > 0 && (size_t)n < len),
		  "send: %zd (%s)", n, strerror(errno));
	free(buf);
	api_close_pair(c, s);
}

/* -- blocked receivers ---------------------------------------------- */

/* A thread blocked in recv (bounded by SO_RCVTIMEO). */
struct blocked_recv {
	pthread_t thread;
	int fd;
	ssize_t ret;
	int err;
};

static void *blocked_recv_main(void *arg)
{
	struct blocked_recv *b = arg;
	char buf[8];

	errno = 0;
	b->ret = recv(b->fd, buf, sizeof(buf), 0);
	b->err = errno;
	return NULL;
}

static void blocked_recv_start(struct blocked_recv *b, int fd)
{
	set_timeo(fd, SO_RCVTIMEO, WAIT_MS);
	b->fd = fd;
	b->ret = -2;
	b->err = 0;
	cr_assert_eq(pthread_create(&b->thread, NULL, blocked_recv_main, b), 0);
	api_msleep(30);
}

static void blocked_recv_join(struct blocked_recv *b)
{
	cr_assert_eq(pthread_join(b->thread, NULL), 0);
}

/* A blocked recv wakes up with 0 when the peer closes, with ECONNRESET
 * when it resets, and with 0 when another thread shuts down reading. */
API_TEST(tcp_data, blocked_recv_woken, API_NEEDS_TCP)
{
	struct blocked_recv b;
	int c, s;

	tcp_pair(&c, &s);
	blocked_recv_start(&b, s);
	expect_ok(close(c));
	blocked_recv_join(&b);
	cr_assert_eq(b.ret, 0, "recv: %zd (%s)", b.ret, strerror(b.err));
	expect_ok(close(s));

	tcp_pair(&c, &s);
	blocked_recv_start(&b, s);
	close_rst(c);
	blocked_recv_join(&b);
	cr_assert(b.ret == -1 && b.err == ECONNRESET, "recv: %zd (%s)", b.ret,
		  strerror(b.err));
	expect_ok(close(s));

	tcp_pair(&c, &s);
	blocked_recv_start(&b, s);
	expect_ok(shutdown(s, SHUT_RD));
	blocked_recv_join(&b);
	cr_assert_eq(b.ret, 0, "recv: %zd (%s)", b.ret, strerror(b.err));
	api_close_pair(c, s);
}

/* After the peer's FIN, recv returns 0 every time, and poll keeps
 * reporting POLLIN | POLLRDHUP. */
API_TEST(tcp_data, recv_after_peer_close, API_NEEDS_TCP)
{
	char buf[4];
	int c, s;

	tcp_pair(&c, &s);
	cr_assert_eq(send(c, "ab", 2, 0), 2);
	expect_ok(close(c));
	wait_readable(s);
	cr_assert_eq(recv(s, buf, sizeof(buf), MSG_WAITALL), 2);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(recv(s, buf, sizeof(buf), 0), 0);
		cr_assert_eq(api_revents(s, POLLIN | POLLOUT | POLLRDHUP),
			     POLLIN | POLLOUT | POLLRDHUP);
	}
	cr_assert_eq(read(s, buf, sizeof(buf)), 0);
	expect_ok(close(s));
}

/* -- readiness ------------------------------------------------------ */

/* poll through a connection's life: POLLOUT when idle; POLLIN with data;
 * no POLLOUT on a full send path; POLLRDHUP after the peer's SHUT_WR;
 * POLLHUP once both directions are shut. */
API_TEST(tcp_data, poll_states, API_NEEDS_TCP)
{
	const short all = POLLIN | POLLOUT | POLLRDHUP | POLLPRI;
	char buf[4096];
	size_t filled;
	int c, s;

	tcp_pair(&c, &s);
	cr_assert_eq(api_revents(c, all), POLLOUT);
	cr_assert_eq(api_revents(s, all), POLLOUT);
	cr_assert_eq(send(c, "a", 1, 0), 1);
	wait_readable(s);
	cr_assert_eq(api_revents(s, all), POLLIN | POLLOUT);
	cr_assert_eq(recv(s, buf, 1, 0), 1);

	set_int(c, SOL_SOCKET, SO_SNDBUF, 32768);
	set_int(s, SOL_SOCKET, SO_RCVBUF, 32768);
	filled = api_fill(c);
	cr_assert_eq(api_revents(c, all), 0);
	for (size_t got = 0; got < filled;) {
		ssize_t r = recv(s, buf, sizeof(buf), 0);

		cr_assert_gt(r, 0);
		got += (size_t)r;
	}
	cr_assert(wait_events(c, POLLOUT, WAIT_MS) & POLLOUT);

	expect_ok(shutdown(c, SHUT_WR));
	cr_assert(wait_events(s, POLLRDHUP, WAIT_MS) & POLLRDHUP);
	cr_assert_eq(api_revents(s, all), POLLIN | POLLOUT | POLLRDHUP);
	cr_assert_eq(api_revents(c, all), POLLOUT);
	expect_ok(shutdown(s, SHUT_WR));
	cr_assert(wait_events(c, POLLRDHUP, WAIT_MS) & POLLRDHUP);
	cr_assert_eq(api_revents(c, all),
		     POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
	cr_assert_eq(api_revents(s, all),
		     POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
	api_close_pair(c, s);
}

/* epoll_wait for one descriptor, up to ms; its events or 0. */
static uint32_t ep_wait(int ep, int ms)
{
	struct epoll_event ev = { 0 };
	int n = expect_ok(epoll_wait(ep, &ev, 1, ms));

	return n ? ev.events : 0;
}

static int ep_for(int fd, uint32_t events)
{
	int ep = expect_ok(epoll_create1(0));
	struct epoll_event ev = { .events = events, .data.fd = fd };

	expect_ok(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	return ep;
}

/* epoll (level-triggered) through a connection's life, ending in a
 * reset: EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLRDHUP, and the
 * same without EPOLLERR once SO_ERROR has taken the error.  The reset
 * comes after the peer's FIN (state CLOSE_WAIT), where Linux reports it
 * as EPIPE rather than ECONNRESET. */
API_TEST(tcp_data, epoll_states, API_NEEDS_TCP)
{
	const uint32_t all = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLPRI;
	int c, s, ep;
	char b;

	tcp_pair(&c, &s);
	ep = ep_for(s, all);
	cr_assert_eq(ep_wait(ep, 0), EPOLLOUT);
	cr_assert_eq(send(c, "a", 1, 0), 1);
	wait_readable(s);
	cr_assert_eq(ep_wait(ep, 0), EPOLLIN | EPOLLOUT);
	cr_assert_eq(recv(s, &b, 1, 0), 1);
	expect_ok(shutdown(c, SHUT_WR));
	cr_assert(ep_wait(ep, WAIT_MS) & EPOLLRDHUP);
	cr_assert_eq(ep_wait(ep, 0), EPOLLIN | EPOLLOUT | EPOLLRDHUP);
	close_rst(c);
	cr_assert(ep_wait(ep, WAIT_MS) & EPOLLERR);
	cr_assert_eq(ep_wait(ep, 0),
		     EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLRDHUP);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_ERROR), EPIPE);
	cr_assert_eq(ep_wait(ep, 0),
		     EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLRDHUP);
	api_close_pair(ep, s);
}

/* Edge-triggered EPOLLIN: one event per arrival, none for data merely
 * left unread. */
API_TEST(tcp_data, epoll_edge_triggered, API_NEEDS_TCP)
{
	char buf[4];
	int c, s, ep;

	tcp_pair(&c, &s);
	ep = ep_for(s, EPOLLIN | EPOLLET);
	cr_assert_eq(ep_wait(ep, 0), 0);
	cr_assert_eq(send(c, "a", 1, 0), 1);
	cr_assert_eq(ep_wait(ep, WAIT_MS), EPOLLIN);
	cr_assert_eq(ep_wait(ep, 20), 0);
	cr_assert_eq(send(c, "b", 1, 0), 1);
	cr_assert_eq(ep_wait(ep, WAIT_MS), EPOLLIN);
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 2);
	cr_assert_eq(ep_wait(ep, 0), 0);
	expect_ok(close(ep));
	api_close_pair(c, s);
}

/* A listener is EPOLLIN while a connection waits to be accepted, and
 * never EPOLLOUT. */
API_TEST(tcp_data, epoll_listener, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l = tcp_listener(4, &la);
	int ep = ep_for(l, EPOLLIN | EPOLLOUT);
	int c = api_tcp_socket();
	int s;

	cr_assert_eq(ep_wait(ep, 0), 0);
	expect_ok(connect(c, (struct sockaddr *)&la, sizeof(la)));
	cr_assert_eq(ep_wait(ep, WAIT_MS), EPOLLIN);
	s = expect_ok(accept(l, NULL, NULL));
	cr_assert_eq(ep_wait(ep, 0), 0);
	api_close_pair(c, s);
	api_close_pair(ep, l);
}

/* EPOLLOUT comes back to a sender whose path was full once the peer
 * reads. */
API_TEST(tcp_data, epoll_out_after_drain, API_NEEDS_TCP)
{
	char buf[4096];
	size_t filled;
	int c, s, ep;

	tcp_pair(&c, &s);
	set_int(c, SOL_SOCKET, SO_SNDBUF, 32768);
	set_int(s, SOL_SOCKET, SO_RCVBUF, 32768);
	filled = api_fill(c);
	ep = ep_for(c, EPOLLOUT);
	cr_assert_eq(ep_wait(ep, 20), 0);
	for (size_t got = 0; got < filled;) {
		ssize_t r = recv(s, buf, sizeof(buf), 0);

		cr_assert_gt(r, 0);
		got += (size_t)r;
	}
	cr_assert_eq(ep_wait(ep, WAIT_MS), EPOLLOUT);
	expect_ok(close(ep));
	api_close_pair(c, s);
}
