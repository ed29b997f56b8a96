/*
 * fd.c - the descriptor table and the file-level calls on sockets.
 *
 * Covers lowest-free allocation, close and close_range, dup/dup2/dup3 and
 * F_DUPFD/F_DUPFD_CLOEXEC, the per-descriptor flag FD_CLOEXEC against the
 * per-file status flags (O_NONBLOCK, shared by duplicates), SOCK_NONBLOCK
 * and SOCK_CLOEXEC at socket()/socketpair()/accept4(), a socket that lives
 * until its last descriptor is closed, read/write/readv/writev on sockets,
 * the ioctls FIONREAD/SIOCINQ, SIOCOUTQ, FIONBIO, FIOCLEX/FIONCLEX and an
 * unknown one, ENOTSOCK for socket calls on an epoll descriptor and EBADF
 * for every call on a bad descriptor.  High descriptor numbers (200 and
 * up) are used where a test needs a known free slot.
 */
#include "api.h"

API_TEST(fd, lowest_free_number)
{
	int a, b, c, d;

	a = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	b = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	c = expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	cr_assert(a < b && b < c);
	expect_ok(close(b));
	d = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	cr_assert_eq(d, b);
	api_close_pair(a, c);
	expect_ok(close(d));
}

API_TEST(fd, close_bad_fd)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	expect_errno(close(-1), EBADF);
	expect_errno(close(INT_MIN), EBADF);
	expect_errno(close(INT_MAX), EBADF);
	expect_ok(close(s));
	expect_errno(close(s), EBADF);
}

API_TEST(fd, close_range_closes_only_the_range)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	cr_assert_eq(dup2(s, 200), 200);
	cr_assert_eq(dup2(s, 202), 202);
	cr_assert_eq(dup2(s, 204), 204);
	cr_assert_eq(dup2(s, 205), 205);
	/* Holes in the range (201, 203) are not an error. */
	expect_ok(close_range(200, 204, 0));
	expect_errno(fcntl(200, F_GETFD), EBADF);
	expect_errno(fcntl(202, F_GETFD), EBADF);
	expect_errno(fcntl(204, F_GETFD), EBADF);
	expect_ok(fcntl(205, F_GETFD));
	expect_ok(fcntl(s, F_GETFD));
	/* A range with nothing open in it succeeds. */
	expect_ok(close_range(300, 310, 0));
	api_close_pair(205, s);
}

API_TEST(fd, close_range_errors)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	cr_assert_eq(dup2(s, 210), 210);
	expect_errno(close_range(211, 210, 0), EINVAL);
	/* Bit 0 is not a flag, nor is bit 3. */
	expect_errno(close_range(210, 210, 1), EINVAL);
	expect_errno(close_range(210, 210, 8), EINVAL);
	/* Nothing was closed by the failed calls. */
	expect_ok(fcntl(210, F_GETFD));
	api_close_pair(210, s);
}

API_TEST(fd, close_range_cloexec)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	cr_assert_eq(dup2(s, 220), 220);
	cr_assert_eq(dup2(s, 221), 221);
	cr_assert_eq(dup2(s, 222), 222);
	expect_ok(close_range(220, 221, CLOSE_RANGE_CLOEXEC));
	cr_assert_eq(fcntl(220, F_GETFD), FD_CLOEXEC);
	cr_assert_eq(fcntl(221, F_GETFD), FD_CLOEXEC);
	cr_assert_eq(fcntl(222, F_GETFD), 0);
	expect_ok(close_range(220, 222, 0));
	expect_ok(close(s));
}

API_TEST(fd, dup_gives_lowest_and_shares_socket)
{
	int sv[2], hole, d;
	char buf[8];

	api_socketpair(SOCK_STREAM, sv);
	hole = api_closed_fd();
	d = expect_ok(dup(sv[0]));
	cr_assert_eq(d, hole);
	cr_assert_eq(write(d, "via", 3), 3);
	cr_assert_eq(read(sv[1], buf, sizeof(buf)), 3);
	cr_assert(memcmp(buf, "via", 3) == 0);
	cr_assert_eq(write(sv[1], "back", 4), 4);
	cr_assert_eq(read(sv[0], buf, sizeof(buf)), 4);
	api_close_pair(d, sv[0]);
	expect_ok(close(sv[1]));
}

API_TEST(fd, dup_and_dup2_clear_cloexec)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
	int d;

	cr_assert_eq(fcntl(s, F_GETFD), FD_CLOEXEC);
	d = expect_ok(dup(s));
	cr_assert_eq(fcntl(d, F_GETFD), 0);
	cr_assert_eq(dup2(s, 230), 230);
	cr_assert_eq(fcntl(230, F_GETFD), 0);
	cr_assert_eq(fcntl(s, F_GETFD), FD_CLOEXEC);
	api_close_pair(230, d);
	expect_ok(close(s));
}

/* dup2 onto itself is a no-op that checks oldfd (FD_CLOEXEC is left
 * alone); newfd must be in 0 .. RLIMIT_NOFILE - 1. */
API_TEST(fd, dup2_same_fd_and_bad_newfd)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
	int bad = api_closed_fd();

	cr_assert_eq(dup2(s, s), s);
	cr_assert_eq(fcntl(s, F_GETFD), FD_CLOEXEC);
	expect_errno(dup2(bad, bad), EBADF);
	expect_errno(dup2(s, -1), EBADF);
	expect_errno(dup2(s, INT_MAX), EBADF);
	expect_errno(dup2(-1, 240), EBADF);
	expect_errno(fcntl(240, F_GETFD), EBADF);
	expect_ok(close(s));
}

API_TEST(fd, dup2_replaces_open_socket)
{
	int a[2], b[2];
	char buf[8];

	api_socketpair(SOCK_STREAM, a);
	api_socketpair(SOCK_STREAM, b);
	cr_assert_eq(dup2(a[0], b[0]), b[0]);
	/* b[0]'s old socket was closed: its peer sees end of file. */
	cr_assert_eq(read(b[1], buf, sizeof(buf)), 0);
	/* And b[0] is now a second name for a[0]. */
	cr_assert_eq(write(b[0], "x", 1), 1);
	cr_assert_eq(read(a[1], buf, sizeof(buf)), 1);
	api_close_pair(a[0], a[1]);
	api_close_pair(b[0], b[1]);
}

API_TEST(fd, dup3_cloexec)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	cr_assert_eq(dup3(s, 241, O_CLOEXEC), 241);
	cr_assert_eq(fcntl(241, F_GETFD), FD_CLOEXEC);
	cr_assert_eq(dup3(s, 242, 0), 242);
	cr_assert_eq(fcntl(242, F_GETFD), 0);
	cr_assert_eq(fcntl(s, F_GETFD), 0);
	api_close_pair(241, 242);
	expect_ok(close(s));
}

/* Unlike dup2, dup3 refuses oldfd == newfd, even for a valid fd, and the
 * check comes before the descriptor is looked up (dup3(250, 250) with
 * nothing at 250 is EINVAL, not EBADF).  O_CLOEXEC is its only flag. */
API_TEST(fd, dup3_errors)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	expect_errno(dup3(s, s, 0), EINVAL);
	expect_errno(dup3(s, s, O_CLOEXEC), EINVAL);
	expect_errno(dup3(250, 250, 0), EINVAL);
	expect_errno(dup3(s, 251, O_NONBLOCK), EINVAL);
	expect_errno(dup3(s, 251, 1), EINVAL);
	expect_errno(fcntl(251, F_GETFD), EBADF);
	expect_errno(dup3(s, -1, 0), EBADF);
	expect_ok(close(s));
}

/* F_SETFD keeps only the FD_CLOEXEC bit of its argument. */
API_TEST(fd, fcntl_getfd_setfd)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	cr_assert_eq(fcntl(s, F_GETFD), 0);
	expect_ok(fcntl(s, F_SETFD, FD_CLOEXEC));
	cr_assert_eq(fcntl(s, F_GETFD), FD_CLOEXEC);
	expect_ok(fcntl(s, F_SETFD, 0));
	cr_assert_eq(fcntl(s, F_GETFD), 0);
	expect_ok(fcntl(s, F_SETFD, 0xff));
	cr_assert_eq(fcntl(s, F_GETFD), FD_CLOEXEC);
	expect_ok(close(s));
}

/* Sockets are O_RDWR. */
API_TEST(fd, fcntl_getfl_setfl_nonblock)
{
	int sv[2];
	int s = expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	char c;

	api_socketpair(SOCK_STREAM, sv);
	cr_assert_eq(fcntl(s, F_GETFL), O_RDWR);
	cr_assert_eq(fcntl(sv[1], F_GETFL), O_RDWR);
	expect_ok(close(s));
	expect_ok(fcntl(sv[0], F_SETFL, O_NONBLOCK));
	cr_assert_eq(fcntl(sv[0], F_GETFL), O_RDWR | O_NONBLOCK);
	expect_errno(read(sv[0], &c, 1), EAGAIN);
	expect_errno(recv(sv[0], &c, 1, 0), EAGAIN);
	expect_ok(fcntl(sv[0], F_SETFL, 0));
	cr_assert_eq(fcntl(sv[0], F_GETFL), O_RDWR);
	api_close_pair(sv[0], sv[1]);
}

/* F_SETFL ignores the access mode and the open-time flags, but does store
 * O_APPEND even on a socket, where it means nothing. */
API_TEST(fd, fcntl_setfl_ignores_access_mode)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	expect_ok(fcntl(s, F_SETFL, O_RDONLY | O_NONBLOCK | O_CREAT | O_TRUNC));
	cr_assert_eq(fcntl(s, F_GETFL), O_RDWR | O_NONBLOCK);
	expect_ok(fcntl(s, F_SETFL, O_WRONLY | O_APPEND));
	cr_assert_eq(fcntl(s, F_GETFL), O_RDWR | O_APPEND);
	expect_ok(close(s));
}

/* O_NONBLOCK belongs to the open file, shared by dups; FD_CLOEXEC belongs
 * to the descriptor. */
API_TEST(fd, nonblock_shared_by_dups_cloexec_not)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int d = expect_ok(dup(s));

	expect_ok(fcntl(s, F_SETFL, O_NONBLOCK));
	cr_assert_eq(fcntl(d, F_GETFL), O_RDWR | O_NONBLOCK);
	expect_ok(fcntl(s, F_SETFD, FD_CLOEXEC));
	cr_assert_eq(fcntl(d, F_GETFD), 0);
	expect_ok(fcntl(d, F_SETFL, 0));
	cr_assert_eq(fcntl(s, F_GETFL), O_RDWR);
	api_close_pair(d, s);
}

API_TEST(fd, fcntl_dupfd)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));

	cr_assert_eq(fcntl(s, F_DUPFD, 260), 260);
	cr_assert_eq(fcntl(260, F_GETFD), 0);
	/* 260 is taken: the next free one at or above it. */
	cr_assert_eq(fcntl(s, F_DUPFD, 260), 261);
	cr_assert_eq(fcntl(s, F_DUPFD_CLOEXEC, 260), 262);
	cr_assert_eq(fcntl(262, F_GETFD), FD_CLOEXEC);
	/* A minimum below the lowest free slot gives the lowest free one. */
	cr_assert_lt(expect_ok(fcntl(s, F_DUPFD, 0)), 260);
	expect_ok(close_range(260, 262, 0));
	expect_ok(close(s));
}

API_TEST(fd, fcntl_dupfd_bad_arg)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	expect_errno(fcntl(s, F_DUPFD, -1), EINVAL);
	expect_errno(fcntl(s, F_DUPFD, INT_MAX), EINVAL);
	expect_errno(fcntl(s, F_DUPFD_CLOEXEC, -1), EINVAL);
	expect_errno(fcntl(s, 9999), EINVAL);
	expect_ok(close(s));
}

API_TEST(fd, sock_flags_at_socket)
{
	int a = expect_ok(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0));
	int b = expect_ok(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	int c = expect_ok(socket(
		AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
	char buf[1];

	cr_assert_eq(fcntl(a, F_GETFL), O_RDWR | O_NONBLOCK);
	cr_assert_eq(fcntl(a, F_GETFD), 0);
	cr_assert_eq(fcntl(b, F_GETFL), O_RDWR);
	cr_assert_eq(fcntl(b, F_GETFD), FD_CLOEXEC);
	cr_assert_eq(fcntl(c, F_GETFL), O_RDWR | O_NONBLOCK);
	cr_assert_eq(fcntl(c, F_GETFD), FD_CLOEXEC);
	expect_errno(recv(c, buf, 1, 0), ENOTCONN);
	api_close_pair(a, b);
	expect_ok(close(c));
}

API_TEST(fd, sock_flags_at_socketpair)
{
	int sv[2];
	char c;

	expect_ok(socketpair(
		AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv));
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(fcntl(sv[i], F_GETFL), O_RDWR | O_NONBLOCK);
		cr_assert_eq(fcntl(sv[i], F_GETFD), FD_CLOEXEC);
		expect_errno(read(sv[i], &c, 1), EAGAIN);
	}
	api_close_pair(sv[0], sv[1]);
}

/* accept4 flags apply to the new socket only; the listener's O_NONBLOCK
 * is not inherited.  Flags are checked after the descriptor lookup but
 * before the "is it a socket" check. */
API_TEST(fd, accept4_flags)
{
	struct sockaddr_un sun;
	socklen_t len;
	int l = api_listener(SOCK_STREAM, 8, &sun, &len);
	int c1 = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int c2 = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int a1, a2;

	expect_ok(connect(c1, (struct sockaddr *)&sun, len));
	expect_ok(connect(c2, (struct sockaddr *)&sun, len));
	expect_errno(accept4(l, NULL, NULL, 0x1234), EINVAL);
	expect_errno(accept4(l, NULL, NULL, O_APPEND), EINVAL);
	a1 = expect_ok(accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC));
	cr_assert_eq(fcntl(a1, F_GETFL), O_RDWR | O_NONBLOCK);
	cr_assert_eq(fcntl(a1, F_GETFD), FD_CLOEXEC);
	expect_ok(fcntl(l, F_SETFL, O_NONBLOCK));
	a2 = expect_ok(accept4(l, NULL, NULL, 0));
	cr_assert_eq(fcntl(a2, F_GETFL), O_RDWR);
	cr_assert_eq(fcntl(a2, F_GETFD), 0);
	expect_errno(accept4(l, NULL, NULL, 0), EAGAIN);
	expect_errno(accept4(api_closed_fd(), NULL, NULL, 0x1234), EBADF);
	api_close_pair(a1, a2);
	api_close_pair(c1, c2);
	expect_ok(close(l));
}

API_TEST(fd, socket_lives_until_last_descriptor)
{
	int sv[2], d1, d2;
	char buf[8];

	api_socketpair(SOCK_STREAM, sv);
	d1 = expect_ok(dup(sv[0]));
	d2 = expect_ok(fcntl(sv[0], F_DUPFD, 0));
	expect_ok(close(sv[0]));
	cr_assert_eq(write(d1, "a", 1), 1);
	expect_ok(close(d1));
	cr_assert_eq(write(d2, "b", 1), 1);
	cr_assert_eq(read(sv[1], buf, sizeof(buf)), 2);
	cr_assert(memcmp(buf, "ab", 2) == 0);
	/* Still open: the peer would block, so check with MSG_DONTWAIT. */
	expect_errno(recv(sv[1], buf, 1, MSG_DONTWAIT), EAGAIN);
	expect_ok(close(d2));
	cr_assert_eq(read(sv[1], buf, sizeof(buf)), 0);
	expect_ok(close(sv[1]));
}

API_TEST(fd, read_write_on_socket)
{
	int sv[2];
	char buf[16];

	api_socketpair(SOCK_STREAM, sv);
	cr_assert_eq(write(sv[0], "hello", 5), 5);
	cr_assert_eq(write(sv[0], "world", 5), 5);
	/* A stream read returns what is there, across writes. */
	cr_assert_eq(read(sv[1], buf, sizeof(buf)), 10);
	cr_assert(memcmp(buf, "helloworld", 10) == 0);
	cr_assert_eq(write(sv[1], "0123456789", 10), 10);
	cr_assert_eq(read(sv[0], buf, 4), 4);
	cr_assert_eq(read(sv[0], buf + 4, sizeof(buf) - 4), 6);
	cr_assert(memcmp(buf, "0123456789", 10) == 0);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(fd, writev_gathers)
{
	int sv[2];
	char buf[32];
	struct iovec iov[4] = {
		{ .iov_base = "ab", .iov_len = 2 },
		{ .iov_base = "", .iov_len = 0 },
		{ .iov_base = "cdef", .iov_len = 4 },
		{ .iov_base = "g", .iov_len = 1 },
	};

	api_socketpair(SOCK_STREAM, sv);
	cr_assert_eq(writev(sv[0], iov, 4), 7);
	cr_assert_eq(read(sv[1], buf, sizeof(buf)), 7);
	cr_assert(memcmp(buf, "abcdefg", 7) == 0);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(fd, readv_scatters)
{
	int sv[2];
	char a[3], b[1], c[8];
	struct iovec iov[3] = {
		{ .iov_base = a, .iov_len = sizeof(a) },
		{ .iov_base = b, .iov_len = sizeof(b) },
		{ .iov_base = c, .iov_len = sizeof(c) },
	};

	api_socketpair(SOCK_STREAM, sv);
	cr_assert_eq(write(sv[0], "0123456", 7), 7);
	cr_assert_eq(readv(sv[1], iov, 3), 7);
	cr_assert(memcmp(a, "012", 3) == 0);
	cr_assert_eq(b[0], '3');
	cr_assert(memcmp(c, "456", 3) == 0);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(fd, iovcnt_limits)
{
	static struct iovec iov[IOV_MAX + 1];
	static char data[IOV_MAX];
	static char in[IOV_MAX + 16];
	volatile int neg = -1, over = IOV_MAX + 1, max = IOV_MAX;
	int sv[2];
	size_t got = 0;

	api_socketpair(SOCK_STREAM, sv);
	for (int i = 0; i <= IOV_MAX; i++) {
		iov[i].iov_base = data + (i % IOV_MAX);
		iov[i].iov_len = 1;
	}
	expect_errno(writev(sv[0], iov, neg), EINVAL);
	expect_errno(writev(sv[0], iov, over), EINVAL);
	expect_errno(readv(sv[1], iov, neg), EINVAL);
	expect_errno(readv(sv[1], iov, over), EINVAL);
	/* Exactly IOV_MAX is fine. */
	cr_assert_eq(writev(sv[0], iov, max), IOV_MAX);
	while (got < IOV_MAX) {
		ssize_t n = read(sv[1], in, sizeof(in));

		cr_assert_gt(n, 0);
		got += (size_t)n;
	}
	cr_assert_eq(got, IOV_MAX);
	api_close_pair(sv[0], sv[1]);
}

/* Zero-length reads return 0 at once even with nothing queued, and a
 * zero-length write on a stream socket sends nothing. */
API_TEST(fd, zero_length_io)
{
	int sv[2];
	char buf[4];
	struct iovec iov[2] = {
		{ .iov_base = buf, .iov_len = 0 },
		{ .iov_base = buf, .iov_len = 0 },
	};

	api_socketpair(SOCK_STREAM, sv);
	cr_assert_eq(write(sv[0], "", 0), 0);
	cr_assert_eq(read(sv[1], buf, 0), 0);
	cr_assert_eq(writev(sv[0], iov, 0), 0);
	cr_assert_eq(writev(sv[0], iov, 2), 0);
	cr_assert_eq(readv(sv[1], iov, 0), 0);
	cr_assert_eq(readv(sv[1], iov, 2), 0);
	expect_errno(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(fd, fionread_and_siocinq)
{
	int sv[2], n = -1, m = -1;
	char buf[8];

	api_socketpair(SOCK_STREAM, sv);
	expect_ok(ioctl(sv[1], FIONREAD, &n));
	cr_assert_eq(n, 0);
	cr_assert_eq(write(sv[0], "abcde", 5), 5);
	cr_assert_eq(write(sv[0], "fgh", 3), 3);
	expect_ok(ioctl(sv[1], FIONREAD, &n));
	expect_ok(ioctl(sv[1], SIOCINQ, &m));
	cr_assert_eq(n, 8);
	cr_assert_eq(m, 8);
	cr_assert_eq(read(sv[1], buf, 2), 2);
	expect_ok(ioctl(sv[1], FIONREAD, &n));
	cr_assert_eq(n, 6);
	expect_ok(ioctl(sv[0], FIONREAD, &n));
	cr_assert_eq(n, 0);
	api_close_pair(sv[0], sv[1]);
}

/* On a datagram socket FIONREAD is the size of the next datagram only. */
API_TEST(fd, fionread_dgram_next_datagram)
{
	int sv[2], n = -1;

	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	cr_assert_eq(write(sv[0], "abc", 3), 3);
	cr_assert_eq(write(sv[0], "defgh", 5), 5);
	expect_ok(ioctl(sv[1], FIONREAD, &n));
	cr_assert_eq(n, 3);
	api_close_pair(sv[0], sv[1]);
}

/* FIONREAD on a listening AF_UNIX socket is EINVAL; SIOCOUTQ gives 0. */
API_TEST(fd, fionread_listener_einval)
{
	struct sockaddr_un sun;
	socklen_t len;
	int l = api_listener(SOCK_STREAM, 8, &sun, &len);
	int n = -1;

	expect_errno(ioctl(l, FIONREAD, &n), EINVAL);
	expect_errno(ioctl(l, SIOCINQ, &n), EINVAL);
	expect_ok(ioctl(l, SIOCOUTQ, &n));
	cr_assert_eq(n, 0);
	expect_ok(close(l));
}

/* On AF_UNIX, SIOCOUTQ counts the memory charged to the sender (skb
 * truesize) for data not yet read by the peer, not payload bytes: Linux
 * reports 768 for 5 unread bytes.  Only its zero/non-zero shape is
 * portable. */
API_TEST(fd, siocoutq)
{
	int sv[2], n = -1;
	char buf[8];

	api_socketpair(SOCK_STREAM, sv);
	expect_ok(ioctl(sv[0], SIOCOUTQ, &n));
	cr_assert_eq(n, 0);
	cr_assert_eq(write(sv[0], "hello", 5), 5);
	expect_ok(ioctl(sv[0], SIOCOUTQ, &n));
	cr_assert_geq(n, 5);
	expect_ok(ioctl(sv[1], SIOCOUTQ, &n));
	cr_assert_eq(n, 0);
	cr_assert_eq(read(sv[1], buf, sizeof(buf)), 5);
	expect_ok(ioctl(sv[0], SIOCOUTQ, &n));
	cr_assert_eq(n, 0);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(fd, fionbio_fioclex)
{
	int sv[2], on = 1, off = 0;
	char c;

	api_socketpair(SOCK_STREAM, sv);
	expect_ok(ioctl(sv[0], FIONBIO, &on));
	cr_assert_eq(fcntl(sv[0], F_GETFL), O_RDWR | O_NONBLOCK);
	expect_errno(read(sv[0], &c, 1), EAGAIN);
	expect_ok(ioctl(sv[0], FIONBIO, &off));
	cr_assert_eq(fcntl(sv[0], F_GETFL), O_RDWR);
	/* Any non-zero value switches it on. */
	on = 42;
	expect_ok(ioctl(sv[0], FIONBIO, &on));
	cr_assert_eq(fcntl(sv[0], F_GETFL), O_RDWR | O_NONBLOCK);
	/* The descriptor-flag ioctls. */
	expect_ok(ioctl(sv[0], FIOCLEX));
	cr_assert_eq(fcntl(sv[0], F_GETFD), FD_CLOEXEC);
	expect_ok(ioctl(sv[0], FIONCLEX));
	cr_assert_eq(fcntl(sv[0], F_GETFD), 0);
	api_close_pair(sv[0], sv[1]);
}

/* An ioctl no layer knows is ENOTTY on a socket (not EINVAL), and so is a
 * terminal ioctl; on an epoll descriptor (Linux >= 6.9, which has its own
 * ioctls) an unknown one is EINVAL. */
API_TEST(fd, unknown_ioctl)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int ep = expect_ok(epoll_create1(0));
	int v = 0;

	expect_errno(ioctl(s, 0x1234567, &v), ENOTTY);
	expect_errno(ioctl(s, TCGETS, &v), ENOTTY);
	expect_errno(ioctl(ep, 0x1234567, &v), EINVAL);
	api_close_pair(ep, s);
}

/* Every socket call on fd fails with err; accept4 is given accept_flags
 * and the receive calls recv_flags. */
static void expect_socket_calls_fail(int fd, int err, int accept_flags,
				     int recv_flags)
{
	struct sockaddr_un sun;
	socklen_t len = api_sun_abstract(&sun, "x"), alen = sizeof(sun);
	struct msghdr mh;
	struct mmsghdr mm;
	int v = 1;
	socklen_t vl = sizeof(v);
	char buf[4];

	memset(&mh, 0, sizeof(mh));
	memset(&mm, 0, sizeof(mm));
	expect_errno(bind(fd, (struct sockaddr *)&sun, len), err);
	expect_errno(connect(fd, (struct sockaddr *)&sun, len), err);
	expect_errno(listen(fd, 1), err);
	expect_errno(accept(fd, NULL, NULL), err);
	expect_errno(accept4(fd, NULL, NULL, accept_flags), err);
	expect_errno(shutdown(fd, SHUT_RDWR), err);
	expect_errno(getsockname(fd, (struct sockaddr *)&sun, &alen), err);
	expect_errno(getpeername(fd, (struct sockaddr *)&sun, &alen), err);
	expect_errno(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &vl), err);
	expect_errno(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)),
		     err);
	expect_errno(send(fd, buf, 1, 0), err);
	expect_errno(sendto(fd, buf, 1, 0, NULL, 0), err);
	expect_errno(sendmsg(fd, &mh, 0), err);
	expect_errno(sendmmsg(fd, &mm, 1, 0), err);
	expect_errno(recv(fd, buf, 1, recv_flags), err);
	expect_errno(recvfrom(fd, buf, 1, recv_flags, NULL, NULL), err);
	expect_errno(recvmsg(fd, &mh, recv_flags), err);
	expect_errno(recvmmsg(fd, &mm, 1, recv_flags, NULL), err);
}

/* Socket calls on an epoll descriptor are ENOTSOCK; read and write on it
 * are EINVAL (an epoll file has no read/write), even with length 0. */
API_TEST(fd, epoll_fd_is_not_a_socket)
{
	int ep = expect_ok(epoll_create1(0));
	char buf[4];
	struct iovec iov = { .iov_base = buf, .iov_len = 1 };
	int v = 1;

	expect_socket_calls_fail(ep, ENOTSOCK, SOCK_CLOEXEC, MSG_DONTWAIT);
	expect_errno(read(ep, buf, sizeof(buf)), EINVAL);
	expect_errno(read(ep, buf, 0), EINVAL);
	expect_errno(write(ep, buf, 1), EINVAL);
	expect_errno(readv(ep, &iov, 1), EINVAL);
	expect_errno(writev(ep, &iov, 1), EINVAL);
	/* The generic descriptor calls do work on it. */
	expect_ok(ioctl(ep, FIONBIO, &v));
	cr_assert_eq(fcntl(ep, F_GETFL), O_RDWR | O_NONBLOCK);
	expect_ok(close(ep));
}

API_TEST(fd, bad_fd_socket_calls)
{
	char buf[4];

	expect_socket_calls_fail(api_closed_fd(), EBADF, 0, 0);
	expect_errno(listen(-1, 1), EBADF);
	expect_errno(send(-1, buf, 1, 0), EBADF);
}

API_TEST(fd, bad_fd_file_calls)
{
	int ep = expect_ok(epoll_create1(0));
	int bad = api_closed_fd();
	struct epoll_event ev = { .events = EPOLLIN };
	char buf[4];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	int v = 0;

	expect_errno(read(bad, buf, sizeof(buf)), EBADF);
	expect_errno(write(bad, buf, 1), EBADF);
	expect_errno(read(bad, buf, 0), EBADF);
	expect_errno(readv(bad, &iov, 1), EBADF);
	expect_errno(writev(bad, &iov, 1), EBADF);
	expect_errno(close(bad), EBADF);
	expect_errno(dup(bad), EBADF);
	expect_errno(dup2(bad, 270), EBADF);
	expect_errno(dup3(bad, 270, 0), EBADF);
	expect_errno(fcntl(bad, F_GETFD), EBADF);
	expect_errno(fcntl(bad, F_GETFL), EBADF);
	expect_errno(fcntl(bad, F_SETFL, O_NONBLOCK), EBADF);
	expect_errno(fcntl(bad, F_DUPFD, 0), EBADF);
	expect_errno(ioctl(bad, FIONREAD, &v), EBADF);
	expect_errno(ioctl(bad, FIONBIO, &v), EBADF);
	expect_errno(epoll_ctl(ep, EPOLL_CTL_ADD, bad, &ev), EBADF);
	expect_errno(epoll_ctl(bad, EPOLL_CTL_ADD, ep, &ev), EBADF);
	expect_errno(epoll_wait(bad, &ev, 1, 0), EBADF);
	expect_errno(read(-1, buf, 1), EBADF);
	expect_errno(dup(-1), EBADF);
	expect_errno(fcntl(-1, F_GETFD), EBADF);
	expect_ok(close(ep));
}
