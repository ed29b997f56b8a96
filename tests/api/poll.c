/*
 * poll.c - poll, ppoll, select and pselect on AF_UNIX sockets.
 *
 * Covers the exact revents Linux gives for a stream socket in each state
 * (fresh, data queued, send buffer full, unconnected, listening with and
 * without a pending connection, after shutdown in either direction, after
 * the peer closes, after a reset), POLLNVAL and ignored negative fds, the
 * return count, timeouts (0, expiry, wake-up by another thread), bad
 * arguments, select's three sets and its timeout write-back, and the
 * signal mask of ppoll/pselect.  Waits that must see nothing use tens of
 * milliseconds.
 */
#include "api.h"

#include <sys/syscall.h>

#define POLL_ALL (POLLIN | POLLOUT | POLLRDHUP | POLLPRI)

static void drain(int fd)
{
	static char buf[65536];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	cr_assert_eq(errno, EAGAIN);
}

API_TEST(poll, fresh_pair_is_writable_only)
{
	int sv[2];

	api_socketpair(SOCK_STREAM, sv);
	cr_assert_eq(api_revents(sv[0], POLL_ALL), POLLOUT);
	cr_assert_eq(api_revents(sv[1], POLLIN), 0);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(poll, pollin_when_data)
{
	int sv[2];
	char buf[4];

	api_socketpair(SOCK_STREAM, sv);
	cr_assert_eq(write(sv[0], "abc", 3), 3);
	cr_assert_eq(api_revents(sv[1], POLL_ALL), POLLIN | POLLOUT);
	cr_assert_eq(api_revents(sv[1], POLLIN), POLLIN);
	cr_assert_eq(api_revents(sv[1], POLLRDNORM), POLLRDNORM);
	/* The writer itself has nothing to read. */
	cr_assert_eq(api_revents(sv[0], POLLIN), 0);
	cr_assert_eq(read(sv[1], buf, sizeof(buf)), 3);
	cr_assert_eq(api_revents(sv[1], POLLIN), 0);
	api_close_pair(sv[0], sv[1]);
}

/* A full send buffer clears POLLOUT; reading a little is not enough to
 * bring it back (it needs the buffer three-quarters free), draining is. */
API_TEST(poll, pollout_cleared_when_full)
{
	int sv[2];
	char buf[4096];

	api_socketpair(SOCK_STREAM, sv);
	api_fill(sv[0]);
	cr_assert_eq(api_revents(sv[0], POLLIN | POLLOUT), 0);
	cr_assert_eq(read(sv[1], buf, sizeof(buf)), sizeof(buf));
	cr_assert_eq(api_revents(sv[0], POLLOUT), 0);
	drain(sv[1]);
	cr_assert_eq(api_revents(sv[0], POLLOUT), POLLOUT);
	api_close_pair(sv[0], sv[1]);
}

/* After the peer closes: readable (EOF), still "writable", and both hang
 * up flags.  POLLRDHUP only when asked for; POLLHUP even with events 0. */
API_TEST(poll, peer_close_hup)
{
	int sv[2];

	api_socketpair(SOCK_STREAM, sv);
	cr_assert_eq(api_revents(sv[1], 0), 0);
	expect_ok(close(sv[0]));
	cr_assert_eq(api_revents(sv[1], POLLIN | POLLOUT | POLLRDHUP),
		     POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
	cr_assert_eq(api_revents(sv[1], POLLIN), POLLIN | POLLHUP);
	cr_assert_eq(api_revents(sv[1], 0), POLLHUP);
	expect_ok(close(sv[1]));
}

/* Shutting down our own write side keeps POLLOUT (a write would fail
 * with EPIPE, but poll does not say so); the peer sees POLLIN|POLLRDHUP
 * and no POLLHUP, only one direction being closed.  SHUT_RD is the
 * mirror image. */
API_TEST(poll, shutdown_one_direction)
{
	int a[2], b[2];

	api_socketpair(SOCK_STREAM, a);
	api_socketpair(SOCK_STREAM, b);
	expect_ok(shutdown(a[0], SHUT_WR));
	cr_assert_eq(api_revents(a[0], POLL_ALL), POLLOUT);
	cr_assert_eq(api_revents(a[1], POLL_ALL), POLLIN | POLLOUT | POLLRDHUP);
	expect_ok(shutdown(b[0], SHUT_RD));
	cr_assert_eq(api_revents(b[0], POLL_ALL), POLLIN | POLLOUT | POLLRDHUP);
	cr_assert_eq(api_revents(b[1], POLL_ALL), POLLOUT);
	api_close_pair(a[0], a[1]);
	api_close_pair(b[0], b[1]);
}

/* Both directions closed on either end is a hang-up for both ends. */
API_TEST(poll, shutdown_rdwr)
{
	int sv[2];
	const short all = POLLIN | POLLOUT | POLLHUP | POLLRDHUP;

	api_socketpair(SOCK_STREAM, sv);
	expect_ok(shutdown(sv[0], SHUT_RDWR));
	cr_assert_eq(api_revents(sv[0], POLL_ALL), all);
	cr_assert_eq(api_revents(sv[1], POLL_ALL), all);
	api_close_pair(sv[0], sv[1]);
}

/* Closing with unread data resets the peer: POLLERR until SO_ERROR (or a
 * read) consumes the error. */
API_TEST(poll, pollerr_on_reset)
{
	int sv[2];

	api_socketpair(SOCK_STREAM, sv);
	cr_assert_eq(write(sv[1], "x", 1), 1);
	expect_ok(close(sv[0]));
	cr_assert_eq(api_revents(sv[1], POLLIN | POLLOUT | POLLRDHUP),
		     POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDHUP);
	cr_assert_eq(api_revents(sv[1], 0), POLLERR | POLLHUP);
	cr_assert_eq(api_get_int(sv[1], SO_ERROR), ECONNRESET);
	cr_assert_eq(api_revents(sv[1], POLLIN | POLLOUT | POLLRDHUP),
		     POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
	expect_ok(close(sv[1]));
}

/* An unconnected stream (or seqpacket) socket polls as POLLOUT|POLLHUP;
 * an unconnected datagram socket as POLLOUT. */
API_TEST(poll, unconnected_sockets)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int q = expect_ok(socket(AF_UNIX, SOCK_SEQPACKET, 0));
	int d = expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));

	cr_assert_eq(api_revents(s, POLL_ALL), POLLOUT | POLLHUP);
	cr_assert_eq(api_revents(q, POLL_ALL), POLLOUT | POLLHUP);
	cr_assert_eq(api_revents(d, POLL_ALL), POLLOUT);
	api_close_pair(s, q);
	expect_ok(close(d));
}

/* A listener is never writable; it is readable when a connection is
 * waiting to be accepted. */
API_TEST(poll, listener_readable_on_pending_connection)
{
	struct sockaddr_un sun;
	socklen_t len;
	int l = api_listener(SOCK_STREAM, 8, &sun, &len);
	int c = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int a;

	cr_assert_eq(api_revents(l, POLL_ALL), 0);
	expect_ok(connect(c, (struct sockaddr *)&sun, len));
	cr_assert_eq(api_revents(l, POLL_ALL), POLLIN);
	cr_assert_eq(api_revents(c, POLL_ALL), POLLOUT);
	a = expect_ok(accept(l, NULL, NULL));
	cr_assert_eq(api_revents(l, POLL_ALL), 0);
	api_close_pair(a, c);
	expect_ok(close(l));
}

API_TEST(poll, pollnval_for_bad_fd)
{
	int sv[2], bad;
	struct pollfd p[2];

	api_socketpair(SOCK_STREAM, sv);
	bad = api_closed_fd();
	cr_assert_eq(write(sv[0], "x", 1), 1);
	p[0] = (struct pollfd){ .fd = bad, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = sv[1], .events = POLLIN };
	cr_assert_eq(poll(p, 2, 0), 2);
	cr_assert_eq(p[0].revents, POLLNVAL);
	cr_assert_eq(p[1].revents, POLLIN);
	/* Even with events = 0. */
	p[0].events = 0;
	cr_assert_eq(poll(p, 1, 0), 1);
	cr_assert_eq(p[0].revents, POLLNVAL);
	api_close_pair(sv[0], sv[1]);
}

/* A negative fd is skipped: revents is set to 0 and it is not counted. */
API_TEST(poll, negative_fd_ignored)
{
	int sv[2];
	struct pollfd p[3];

	api_socketpair(SOCK_STREAM, sv);
	p[0] = (struct pollfd){ .fd = -1, .events = POLLIN, .revents = -1 };
	p[1] = (struct pollfd){ .fd = sv[0], .events = POLLOUT };
	p[2] = (struct pollfd){ .fd = INT_MIN,
				.events = POLLOUT,
				.revents = POLLIN };
	cr_assert_eq(poll(p, 3, 0), 1);
	cr_assert_eq(p[0].revents, 0);
	cr_assert_eq(p[1].revents, POLLOUT);
	cr_assert_eq(p[2].revents, 0);
	p[1].fd = -sv[0] - 1; /* sv[0] may be 0 on usnet */
	cr_assert_eq(poll(p, 3, 0), 0);
	cr_assert_eq(p[1].revents, 0);
	api_close_pair(sv[0], sv[1]);
}

/* The count is of entries with non-zero revents, the same fd twice
 * counting twice. */
API_TEST(poll, counts_entries)
{
	int sv[2];
	struct pollfd p[4];

	api_socketpair(SOCK_STREAM, sv);
	cr_assert_eq(write(sv[0], "x", 1), 1);
	p[0] = (struct pollfd){ .fd = sv[1], .events = POLLIN | POLLOUT };
	p[1] = (struct pollfd){ .fd = sv[1], .events = POLLIN };
	p[2] = (struct pollfd){ .fd = sv[0], .events = POLLIN };
	p[3] = (struct pollfd){ .fd = sv[0], .events = POLLOUT };
	cr_assert_eq(poll(p, 4, 0), 3);
	cr_assert_eq(p[0].revents, POLLIN | POLLOUT);
	cr_assert_eq(p[1].revents, POLLIN);
	cr_assert_eq(p[2].revents, 0);
	cr_assert_eq(p[3].revents, POLLOUT);
	cr_assert_eq(poll(NULL, 0, 0), 0);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(poll, timeout_zero_and_expiry)
{
	int sv[2];
	struct pollfd p;
	struct timespec t0;

	api_socketpair(SOCK_STREAM, sv);
	p = (struct pollfd){ .fd = sv[0], .events = POLLIN };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(poll(&p, 1, 0), 0);
	cr_assert_lt(api_ms_since(&t0), 500);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(poll(&p, 1, 40), 0);
	api_expect_elapsed(&t0, 35, 2000);
	cr_assert_eq(p.revents, 0);
	/* No fds at all: a plain sleep. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(poll(NULL, 0, 20), 0);
	cr_assert_geq(api_ms_since(&t0), 15);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(poll, woken_by_another_thread)
{
	int sv[2];
	struct pollfd p;
	struct api_writer w;
	struct timespec t0;
	long ms;

	api_socketpair(SOCK_STREAM, sv);
	p = (struct pollfd){ .fd = sv[1], .events = POLLIN };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	api_writer_start(&w, sv[0], 20);
	cr_assert_eq(poll(&p, 1, 10000), 1);
	ms = api_ms_since(&t0);
	api_writer_join(&w);
	cr_assert_eq(p.revents, POLLIN);
	cr_assert_lt(ms, 5000, "woken after %ld ms", ms);
	api_close_pair(sv[0], sv[1]);
}

struct closer {
	pthread_t thread;
	int fd;
	long delay_ms;
	int ret;
};

static void *closer_main(void *arg)
{
	struct closer *c = arg;

	api_msleep(c->delay_ms);
	c->ret = close(c->fd);
	return NULL;
}

/* Another thread closes a descriptor poll() is waiting on: nothing wakes
 * the poll (it holds the file), and the last look, at the timeout, finds
 * the number closed (Linux's do_poll() polls once more when time is up).
 * In usnet the wait entry once outlived the socket it hung on. */
API_TEST(poll, closed_by_another_thread)
{
	int sv[2];
	struct pollfd p;
	struct closer c;
	struct timespec t0;

	api_socketpair(SOCK_STREAM, sv);
	c = (struct closer){ .fd = sv[1], .delay_ms = 20, .ret = -2 };
	p = (struct pollfd){ .fd = sv[1], .events = POLLIN };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(pthread_create(&c.thread, NULL, closer_main, &c), 0);
	cr_assert_eq(poll(&p, 1, 100), 1);
	api_expect_elapsed(&t0, 90, 5000);
	cr_assert_eq(pthread_join(c.thread, NULL), 0);
	cr_assert_eq(c.ret, 0);
	cr_assert_eq(p.revents, POLLNVAL);
	expect_ok(close(sv[0]));
}

/* A blocked poll is woken by a connection arriving at a listener. */
API_TEST(poll, listener_woken_by_connect)
{
	struct sockaddr_un sun;
	socklen_t len;
	int l = api_listener(SOCK_STREAM, 8, &sun, &len);
	int c = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	struct pollfd p = { .fd = l, .events = POLLIN };

	cr_assert_eq(poll(&p, 1, 20), 0);
	expect_ok(connect(c, (struct sockaddr *)&sun, len));
	cr_assert_eq(poll(&p, 1, 5000), 1);
	cr_assert_eq(p.revents, POLLIN);
	api_close_pair(c, l);
}

/* nfds above RLIMIT_NOFILE is EINVAL, before the array is read. */
API_TEST(poll, nfds_too_large_einval)
{
	struct pollfd p = { .fd = -1 };
	volatile nfds_t huge = UINT_MAX, big = (nfds_t)INT_MAX + 1;

#if defined(API_TARGET_KERNEL) && defined(__SANITIZE_ADDRESS__)
	/* ASan's poll() reads the whole array before the kernel can refuse
	 * it: ask the kernel directly. */
#define poll(fds, n, t) syscall(SYS_poll, fds, n, t)
#endif
	expect_errno(poll(&p, huge, 0), EINVAL);
	expect_errno(poll(&p, big, 0), EINVAL);
#if defined(API_TARGET_KERNEL) && defined(__SANITIZE_ADDRESS__)
#undef poll
#endif
}

API_TEST(poll, ppoll_timeout)
{
	int sv[2];
	struct pollfd p;
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 20000000 }, t0;

	api_socketpair(SOCK_STREAM, sv);
	p = (struct pollfd){ .fd = sv[0], .events = POLLIN };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(ppoll(&p, 1, &ts, NULL), 0);
	cr_assert_geq(api_ms_since(&t0), 15);
	/* The timeout is not written back by the libc wrapper. */
	cr_assert_eq(ts.tv_nsec, 20000000);
	ts.tv_nsec = 1000000000;
	expect_errno(ppoll(&p, 1, &ts, NULL), EINVAL);
	ts.tv_nsec = -1;
	expect_errno(ppoll(&p, 1, &ts, NULL), EINVAL);
	ts = (struct timespec){ .tv_sec = -1, .tv_nsec = 0 };
	expect_errno(ppoll(&p, 1, &ts, NULL), EINVAL);
	p.events = POLLOUT;
	cr_assert_eq(ppoll(&p, 1, NULL, NULL), 1);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(poll, ppoll_sigmask_unblocks)
{
	int sv[2];
	struct pollfd p;
	struct timespec ts = { .tv_sec = 5, .tv_nsec = 0 };
	sigset_t without, with;

	api_socketpair(SOCK_STREAM, sv);
	p = (struct pollfd){ .fd = sv[0], .events = POLLIN };
	api_block_usr1(&without, &with);
	raise(SIGUSR1);
	cr_assert_eq(api_usr1_count(), 0);
	expect_errno(ppoll(&p, 1, &ts, &without), EINTR);
	cr_assert_eq(api_usr1_count(), 1);
	cr_assert(api_usr1_blocked());
	api_close_pair(sv[0], sv[1]);
}

API_TEST(poll, ppoll_sigmask_keeps_blocked)
{
	int sv[2];
	struct pollfd p;
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 20000000 };
	sigset_t without, with, pending;

	api_socketpair(SOCK_STREAM, sv);
	p = (struct pollfd){ .fd = sv[0], .events = POLLIN };
	api_block_usr1(&without, &with);
	raise(SIGUSR1);
	cr_assert_eq(ppoll(&p, 1, &ts, &with), 0);
	cr_assert_eq(api_usr1_count(), 0);
	sigpending(&pending);
	cr_assert(sigismember(&pending, SIGUSR1));
	/* With the signal unblocked by the mask but an fd already ready,
	 * ppoll returns the fd and the signal stays pending: the handler
	 * does not run, since the old mask is back before ppoll returns. */
	cr_assert_eq(write(sv[1], "x", 1), 1);
	cr_assert_eq(ppoll(&p, 1, &ts, &without), 1);
	cr_assert_eq(p.revents, POLLIN);
	cr_assert_eq(api_usr1_count(), 0);
	cr_assert(api_usr1_blocked());
	api_close_pair(sv[0], sv[1]);
}

/* select sets: each bit counts, so one fd ready in two sets is 2; bits of
 * fds that are not ready are cleared. */
API_TEST(poll, select_read_write_sets)
{
	int sv[2], n;
	fd_set rd, wr;
	struct timeval tv = { 0, 0 };

	api_socketpair(SOCK_STREAM, sv);
	n = (sv[0] > sv[1] ? sv[0] : sv[1]) + 1;
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(sv[0], &rd);
	FD_SET(sv[1], &rd);
	FD_SET(sv[0], &wr);
	cr_assert_eq(select(n, &rd, &wr, NULL, &tv), 1);
	cr_assert(!FD_ISSET(sv[0], &rd) && !FD_ISSET(sv[1], &rd));
	cr_assert(FD_ISSET(sv[0], &wr));
	cr_assert_eq(write(sv[0], "x", 1), 1);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(sv[1], &rd);
	FD_SET(sv[1], &wr);
	cr_assert_eq(select(n, &rd, &wr, NULL, &tv), 2);
	cr_assert(FD_ISSET(sv[1], &rd) && FD_ISSET(sv[1], &wr));
	api_close_pair(sv[0], sv[1]);
}

/* The except set is POLLPRI: ordinary data does not set it, AF_UNIX
 * out-of-band data (MSG_OOB on a stream socket) does. */
API_TEST(poll, select_except_set)
{
	int sv[2];
	fd_set ex, rd;
	struct timeval tv = { 0, 0 };

	api_socketpair(SOCK_STREAM, sv);
	cr_assert_eq(write(sv[0], "a", 1), 1);
	FD_ZERO(&ex);
	FD_SET(sv[1], &ex);
	cr_assert_eq(select(sv[1] + 1, NULL, NULL, &ex, &tv), 0);
	cr_assert(!FD_ISSET(sv[1], &ex));
	cr_assert_eq(send(sv[0], "b", 1, MSG_OOB), 1);
	FD_ZERO(&ex);
	FD_ZERO(&rd);
	FD_SET(sv[1], &ex);
	FD_SET(sv[1], &rd);
	cr_assert_eq(select(sv[1] + 1, &rd, NULL, &ex, &tv), 2);
	cr_assert(FD_ISSET(sv[1], &ex));
	cr_assert_eq(api_revents(sv[1], POLLIN | POLLPRI), POLLIN | POLLPRI);
	api_close_pair(sv[0], sv[1]);
}

/* A closed fd (inside the descriptor table) in any set is EBADF. */
API_TEST(poll, select_ebadf)
{
	int sv[2], bad, n;
	fd_set set;
	struct timeval tv = { 0, 0 };

	api_socketpair(SOCK_STREAM, sv);
	bad = api_closed_fd();
	n = bad + 1;
	FD_ZERO(&set);
	FD_SET(bad, &set);
	expect_errno(select(n, &set, NULL, NULL, &tv), EBADF);
	FD_ZERO(&set);
	FD_SET(bad, &set);
	expect_errno(select(n, NULL, &set, NULL, &tv), EBADF);
	FD_ZERO(&set);
	FD_SET(bad, &set);
	expect_errno(select(n, NULL, NULL, &set, &tv), EBADF);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(poll, select_bad_args_einval)
{
	struct timeval tv = { 0, 0 };

	expect_errno(select(-1, NULL, NULL, NULL, &tv), EINVAL);
	expect_errno(select(INT_MIN, NULL, NULL, NULL, &tv), EINVAL);
	tv.tv_sec = -1;
	expect_errno(select(0, NULL, NULL, NULL, &tv), EINVAL);
	tv = (struct timeval){ .tv_sec = 0, .tv_usec = -1 };
	expect_errno(select(0, NULL, NULL, NULL, &tv), EINVAL);
}

/* select writes the time left back into the timeval: {0, 0} on expiry.
 * A tv_usec of a million or more is not an error: it is carried into
 * seconds. */
API_TEST(poll, select_timeout)
{
	int sv[2];
	fd_set rd, wr;
	struct timeval tv = { .tv_sec = 0, .tv_usec = 40000 };
	struct timespec t0;
	long ms;

	api_socketpair(SOCK_STREAM, sv);
	FD_ZERO(&rd);
	FD_SET(sv[0], &rd);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(select(sv[0] + 1, &rd, NULL, NULL, &tv), 0);
	ms = api_ms_since(&t0);
	cr_assert_geq(ms, 35, "returned after %ld ms", ms);
	cr_assert(!FD_ISSET(sv[0], &rd));
	cr_assert(tv.tv_sec == 0 && tv.tv_usec == 0);
	FD_ZERO(&wr);
	FD_SET(sv[0], &wr);
	tv = (struct timeval){ .tv_sec = 0, .tv_usec = 2000000 };
	cr_assert_eq(select(sv[0] + 1, NULL, &wr, NULL, &tv), 1);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(poll, select_woken_by_another_thread)
{
	int sv[2];
	fd_set rd;
	struct timeval tv = { .tv_sec = 10, .tv_usec = 0 };
	struct api_writer w;

	api_socketpair(SOCK_STREAM, sv);
	FD_ZERO(&rd);
	FD_SET(sv[1], &rd);
	api_writer_start(&w, sv[0], 20);
	cr_assert_eq(select(sv[1] + 1, &rd, NULL, NULL, &tv), 1);
	api_writer_join(&w);
	cr_assert(FD_ISSET(sv[1], &rd));
	cr_assert(tv.tv_sec > 0 && tv.tv_sec <= 10);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(poll, pselect_timeout_and_sigmask)
{
	int sv[2];
	fd_set rd;
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 20000000 };
	sigset_t without, with;

	api_socketpair(SOCK_STREAM, sv);
	api_block_usr1(&without, &with);
	raise(SIGUSR1);
	FD_ZERO(&rd);
	FD_SET(sv[0], &rd);
	cr_assert_eq(pselect(sv[0] + 1, &rd, NULL, NULL, &ts, &with), 0);
	cr_assert_eq(api_usr1_count(), 0);
	/* pselect's timespec is const: not written back. */
	cr_assert_eq(ts.tv_nsec, 20000000);
	ts = (struct timespec){ .tv_sec = 5, .tv_nsec = 0 };
	FD_ZERO(&rd);
	FD_SET(sv[0], &rd);
	expect_errno(pselect(sv[0] + 1, &rd, NULL, NULL, &ts, &without), EINTR);
	cr_assert_eq(api_usr1_count(), 1);
	cr_assert(api_usr1_blocked());
	ts.tv_nsec = 1000000000;
	expect_errno(pselect(sv[0] + 1, &rd, NULL, NULL, &ts, NULL), EINVAL);
	api_close_pair(sv[0], sv[1]);
}
