/*
 * unix_shutdown.c - shutdown() on AF_UNIX sockets: what SHUT_RD, SHUT_WR
 * and SHUT_RDWR do to both ends of a stream connection (EOF after queued
 * data, EPIPE and SIGPIPE, the peer's EPIPE after our SHUT_RD), what poll
 * and epoll report (POLLRDHUP, POLLHUP, EPOLLRDHUP edges), wake-ups of
 * blocked readers and epoll waiters, the argument checks, shutdown on
 * unconnected and listening sockets, and the different rules for
 * SOCK_SEQPACKET and SOCK_DGRAM.
 */
#include "api.h"

/* What poll() reports for fd, asked for everything of interest here. */
static short revents(int fd)
{
	return api_revents(fd, POLLIN | POLLOUT | POLLRDHUP);
}

API_TEST(unix_shutdown, shut_wr_peer_reads_queued_data_then_eof)
{
	char buf[16];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	cr_assert_eq(send(sv[0], "abc", 3, 0), 3);
	cr_assert_eq(send(sv[0], "def", 3, 0), 3);
	expect_ok(shutdown(sv[0], SHUT_WR));
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), 0), 6);
	cr_assert(memcmp(buf, "abcdef", 6) == 0);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), 0), 0);
	cr_assert_eq(read(sv[1], buf, sizeof(buf)), 0);
	/* The other direction still works. */
	cr_assert_eq(send(sv[1], "back", 4, 0), 4);
	cr_assert_eq(recv(sv[0], buf, sizeof(buf), 0), 4);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_shutdown, shut_wr_own_send_epipe_sigpipe)
{
	int sv[2];

	api_count_sigpipe();
	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	expect_ok(shutdown(sv[0], SHUT_WR));
	expect_errno(send(sv[0], "x", 1, 0), EPIPE);
	cr_assert_eq(api_sigpipes(), 1);
	expect_errno(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	cr_assert_eq(api_sigpipes(), 1);
	expect_errno(write(sv[0], "x", 1), EPIPE);
	cr_assert_eq(api_sigpipes(), 2);
	api_close_pair(sv[0], sv[1]);
}

/*
 * AF_UNIX passes a shutdown to the peer: our SHUT_RD is the peer's
 * SHUT_WR, so the peer's send fails with EPIPE (unlike TCP).  Data queued
 * before SHUT_RD can still be read, then recv returns 0.
 */
API_TEST(unix_shutdown, shut_rd_stream)
{
	char buf[16];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	cr_assert_eq(send(sv[1], "queued", 6, 0), 6);
	expect_ok(shutdown(sv[0], SHUT_RD));
	expect_errno(send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE);
	cr_assert_eq(recv(sv[0], buf, sizeof(buf), 0), 6);
	cr_assert_eq(recv(sv[0], buf, sizeof(buf), 0), 0);
	/* Our own sending side is untouched. */
	cr_assert_eq(send(sv[0], "out", 3, 0), 3);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), 0), 3);
	api_close_pair(sv[0], sv[1]);
}

/* After SHUT_WR the socket itself still polls POLLOUT (sends fail). */
API_TEST(unix_shutdown, poll_after_shut_wr)
{
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	cr_assert_eq(revents(sv[0]), POLLOUT);
	cr_assert_eq(revents(sv[1]), POLLOUT);
	expect_ok(shutdown(sv[0], SHUT_WR));
	cr_assert_eq(revents(sv[0]), POLLOUT);
	cr_assert_eq(revents(sv[1]), POLLIN | POLLOUT | POLLRDHUP);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_shutdown, poll_after_shut_rd_and_rdwr)
{
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	expect_ok(shutdown(sv[0], SHUT_RD));
	cr_assert_eq(revents(sv[0]), POLLIN | POLLOUT | POLLRDHUP);
	cr_assert_eq(revents(sv[1]), POLLOUT);
	/* Both directions shut on both ends: POLLHUP everywhere. */
	expect_ok(shutdown(sv[0], SHUT_WR));
	cr_assert_eq(revents(sv[0]), POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
	cr_assert_eq(revents(sv[1]), POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_shutdown, epoll_rdhup_edges)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP | EPOLLET };
	int sv[2], ep;

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ep = (int)expect_ok(epoll_create1(0));
	expect_ok(epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev));
	cr_assert_eq(epoll_wait(ep, &ev, 1, 0), 0);
	expect_ok(shutdown(sv[0], SHUT_WR));
	cr_assert_eq(epoll_wait(ep, &ev, 1, 0), 1);
	cr_assert_eq(ev.events, EPOLLIN | EPOLLRDHUP);
	cr_assert_eq(epoll_wait(ep, &ev, 1, 0), 0);
	/* The peer's SHUT_RD is a new edge, with EPOLLHUP. */
	expect_ok(shutdown(sv[0], SHUT_RD));
	cr_assert_eq(epoll_wait(ep, &ev, 1, 0), 1);
	cr_assert_eq(ev.events, EPOLLIN | EPOLLRDHUP | EPOLLHUP);
	expect_ok(close(ep));
	api_close_pair(sv[0], sv[1]);
}

struct shut_arg {
	int fd;
	int how;
	int ret;
};

static void *shutdown_thread(void *p)
{
	struct shut_arg *a = p;

	api_msleep(20);
	a->ret = shutdown(a->fd, a->how);
	return NULL;
}

API_TEST(unix_shutdown, epoll_wait_woken_by_peer_shutdown)
{
	struct epoll_event ev = { .events = EPOLLRDHUP };
	struct shut_arg arg = { .how = SHUT_WR };
	pthread_t t;
	int sv[2], ep;

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ep = (int)expect_ok(epoll_create1(0));
	expect_ok(epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev));
	arg.fd = sv[0];
	cr_assert(pthread_create(&t, NULL, shutdown_thread, &arg) == 0);
	cr_assert_eq(epoll_wait(ep, &ev, 1, 5000), 1);
	cr_assert(pthread_join(t, NULL) == 0);
	cr_assert_eq(arg.ret, 0);
	cr_assert(ev.events & EPOLLRDHUP);
	expect_ok(close(ep));
	api_close_pair(sv[0], sv[1]);
}

/* A blocking recv on sv[1] returns 0 when another thread shuts down
 * sv[end] with how. */
static void blocked_recv_woken_by_shutdown(int end, int how)
{
	struct shut_arg arg = { .how = how };
	pthread_t t;
	char buf[4];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	arg.fd = sv[end];
	cr_assert(pthread_create(&t, NULL, shutdown_thread, &arg) == 0);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), 0), 0);
	cr_assert(pthread_join(t, NULL) == 0);
	cr_assert_eq(arg.ret, 0);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_shutdown, blocked_recv_woken_by_peer_shutdown)
{
	blocked_recv_woken_by_shutdown(0, SHUT_WR);
}

API_TEST(unix_shutdown, blocked_recv_woken_by_own_shut_rd)
{
	blocked_recv_woken_by_shutdown(1, SHUT_RD);
}

/*
 * Surprising: AF_UNIX shutdown() on an unconnected socket succeeds (no
 * ENOTCONN).  A fresh unconnected stream socket already polls
 * POLLOUT | POLLHUP.
 */
API_TEST(unix_shutdown, unconnected_succeeds)
{
	int s = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int d = (int)expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));

	cr_assert_eq(revents(s), POLLOUT | POLLHUP);
	expect_ok(shutdown(s, SHUT_RDWR));
	cr_assert_eq(revents(s), POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
	expect_ok(shutdown(d, SHUT_RD));
	api_close_pair(s, d);
}

API_TEST(unix_shutdown, invalid_how_einval)
{
	int s = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	expect_errno(shutdown(sv[0], 3), EINVAL);
	expect_errno(shutdown(sv[0], -1), EINVAL);
	expect_errno(shutdown(s, 3), EINVAL);
	/* Nothing was shut. */
	cr_assert_eq(revents(sv[1]), POLLOUT);
	expect_ok(close(s));
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_shutdown, double_shutdown)
{
	char buf[4];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	expect_ok(shutdown(sv[0], SHUT_WR));
	expect_ok(shutdown(sv[0], SHUT_WR));
	expect_ok(shutdown(sv[0], SHUT_RDWR));
	expect_ok(shutdown(sv[0], SHUT_RD));
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), 0), 0);
	api_close_pair(sv[0], sv[1]);
}

/* A shut-down listener refuses new connections but keeps pending ones. */
API_TEST(unix_shutdown, listener_shutdown)
{
	struct sockaddr_un sun;
	socklen_t len;
	int l = api_listener(SOCK_STREAM, 4, &sun, &len);
	int c1 = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int c2 = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int a;

	expect_ok(connect(c1, (struct sockaddr *)&sun, len));
	expect_ok(shutdown(l, SHUT_RDWR));
	cr_assert_eq(revents(l), POLLIN | POLLRDHUP | POLLHUP);
	expect_errno(connect(c2, (struct sockaddr *)&sun, len), ECONNREFUSED);
	a = (int)expect_ok(accept4(l, NULL, NULL, SOCK_NONBLOCK));
	api_close_pair(c1, a);
	api_close_pair(c2, l);
}

/*
 * SOCK_SEQPACKET follows the stream rules (EOF, EPIPE, passing to the
 * peer) but never raises SIGPIPE.
 */
API_TEST(unix_shutdown, seqpacket)
{
	char buf[8];
	int sv[2];

	api_count_sigpipe();
	expect_ok(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	cr_assert_eq(send(sv[0], "rec", 3, 0), 3);
	expect_ok(shutdown(sv[0], SHUT_WR));
	expect_errno(send(sv[0], "x", 1, 0), EPIPE);
	cr_assert_eq(api_sigpipes(), 0);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), 3);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), 0);
	cr_assert_eq(revents(sv[1]), POLLIN | POLLOUT | POLLRDHUP);
	expect_ok(shutdown(sv[0], SHUT_RD));
	expect_errno(send(sv[1], "x", 1, 0), EPIPE);
	cr_assert_eq(api_sigpipes(), 0);
	api_close_pair(sv[0], sv[1]);
}

/*
 * SOCK_DGRAM: the shutdown is not passed to the peer.  Our SHUT_WR makes
 * our sends fail with EPIPE (no SIGPIPE); our SHUT_RD makes the peer's
 * sends to us fail with EPIPE.  After SHUT_RD poll reports POLLIN, yet a
 * nonblocking recv gives EAGAIN and a blocking one returns 0.
 */
API_TEST(unix_shutdown, dgram_socketpair)
{
	char buf[8];
	int sv[2];

	api_count_sigpipe();
	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	cr_assert_eq(send(sv[1], "early", 5, 0), 5);
	expect_ok(shutdown(sv[0], SHUT_WR));
	cr_assert_eq(revents(sv[0]), POLLIN | POLLOUT);
	cr_assert_eq(revents(sv[1]), POLLOUT);
	expect_errno(send(sv[0], "x", 1, 0), EPIPE);
	cr_assert_eq(api_sigpipes(), 0);
	cr_assert_eq(send(sv[1], "late", 4, 0), 4);

	expect_ok(shutdown(sv[0], SHUT_RD));
	expect_errno(send(sv[1], "x", 1, 0), EPIPE);
	cr_assert_eq(api_sigpipes(), 0);
	/* Queued datagrams are still delivered. */
	cr_assert_eq(recv(sv[0], buf, sizeof(buf), 0), 5);
	cr_assert_eq(recv(sv[0], buf, sizeof(buf), 0), 4);
	cr_assert_eq(revents(sv[0]), POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
	cr_assert_eq(revents(sv[1]), POLLOUT);
	expect_errno(recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	cr_assert_eq(recv(sv[0], buf, sizeof(buf), 0), 0);
	api_close_pair(sv[0], sv[1]);
}
