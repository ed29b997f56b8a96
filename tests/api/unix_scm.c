/*
 * unix_scm.c - ancillary data on AF_UNIX sockets.  SCM_RIGHTS: passing one
 * and several descriptors (sockets and an epoll instance) that work on the
 * receiving side, lowest-free numbering, MSG_CMSG_CLOEXEC, EBADF, the
 * SCM_MAX_FD limit, MSG_CTRUNC with the descriptors that did not fit being
 * closed, descriptors installed by MSG_PEEK, how descriptors stop stream
 * reads from merging, and garbage collection of sockets in flight that
 * only reference each other.  SCM_CREDENTIALS: SO_PASSCRED on the
 * receiver, credentials supplied by the sender and the privilege checks on
 * them.  And the validation of control messages: level, type, cmsg_len
 * and msg_controllen.
 */
#include "api.h"

#define SCM_MAX_FD 253

/* Bytes of data the last recv_fds() call returned. */
static ssize_t last_len;

static union {
	struct cmsghdr align;
	char buf[CMSG_SPACE(sizeof(int) * (SCM_MAX_FD + 1))];
} ctl_out, ctl_in;

/* Send one byte of data with a control message of n ints at level/type. */
static ssize_t send_cmsg(int fd, int level, int type, const int *data, int n)
{
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *c;

	api_msg_init(&msg, &iov, (void *)"x", 1);
	memset(&ctl_out, 0, sizeof(ctl_out));
	msg.msg_control = ctl_out.buf;
	msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(sizeof(int) * n);
	if (n > 0)
		memcpy(CMSG_DATA(c), data, sizeof(int) * n);
	return sendmsg(fd, &msg, 0);
}

static ssize_t send_fds(int fd, const int *fds, int n)
{
	return send_cmsg(fd, SOL_SOCKET, SCM_RIGHTS, fds, n);
}

/*
 * Receive one message with a control buffer of ctl_len bytes; store up to
 * max descriptors from SCM_RIGHTS in fds and return how many there were,
 * or -1 if recvmsg failed.  *flags gets msg_flags.
 */
static int recv_fds(int fd, int *fds, int max, size_t ctl_len, int rflags,
		    int *flags)
{
	struct msghdr msg;
	struct cmsghdr *c;
	struct iovec iov;
	char data[16];
	int n = 0;

	api_msg_init(&msg, &iov, data, sizeof(data));
	memset(&ctl_in, 0, sizeof(ctl_in));
	msg.msg_control = ctl_len ? ctl_in.buf : NULL;
	msg.msg_controllen = ctl_len;
	last_len = recvmsg(fd, &msg, rflags);
	if (last_len < 0)
		return -1;
	*flags = msg.msg_flags;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		int i, cnt;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		cnt = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (i = 0; i < cnt; i++, n++)
			if (n < max)
				memcpy(&fds[n], CMSG_DATA(c) + i * sizeof(int),
				       sizeof(int));
	}
	return n;
}

/* The channel sv of the given type, and a stream pair p to pass over it. */
static void open_pairs(int type, int sv[2], int p[2])
{
	expect_ok(socketpair(AF_UNIX, type, 0, sv));
	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, p));
}

static void close_pairs(int sv[2], int p[2])
{
	api_close_pair(p[0], p[1]);
	api_close_pair(sv[0], sv[1]);
}

/* recv_fds() with room for exactly one descriptor. */
static int recv_fd(int fd, int *got, int rflags, int *flags)
{
	return recv_fds(fd, got, 1, CMSG_SPACE(sizeof(int)), rflags, flags);
}

static void expect_link(int a, int b)
{
	char buf[8];

	cr_assert_eq(send(a, "ping", 4, 0), 4);
	cr_assert_eq(recv(b, buf, sizeof(buf), MSG_DONTWAIT), 4);
	cr_assert(memcmp(buf, "ping", 4) == 0);
}

/* --- SCM_RIGHTS -------------------------------------------------------- */

API_TEST(unix_scm, pass_one_socket)
{
	int sv[2], p[2], got = -1, flags = 0;

	open_pairs(SOCK_STREAM, sv, p);
	cr_assert_eq(send_fds(sv[0], &p[1], 1), 1);
	/* The socket in flight outlives the sender's descriptor. */
	expect_ok(close(p[1]));
	cr_assert_eq(recv_fd(sv[1], &got, 0, &flags), 1);
	cr_assert_eq(flags & MSG_CTRUNC, 0);
	cr_assert_geq(got, 0);
	expect_link(p[0], got);
	expect_link(got, p[0]);
	api_close_pair(p[0], got);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_scm, pass_several_in_order)
{
	int sv[2], p[3][2], out[3], got[3], flags, i;

	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	for (i = 0; i < 3; i++) {
		expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, p[i]));
		out[i] = p[i][1];
	}
	cr_assert_eq(send_fds(sv[0], out, 3), 1);
	cr_assert_eq(
		recv_fds(sv[1], got, 3, CMSG_SPACE(sizeof(got)), 0, &flags), 3);
	for (i = 0; i < 3; i++) {
		char c = (char)('a' + i), r;

		/* got[i] is the same socket as p[i][1]. */
		cr_assert_eq(send(p[i][0], &c, 1, 0), 1);
		cr_assert_eq(recv(got[i], &r, 1, MSG_DONTWAIT), 1);
		cr_assert_eq(r, c);
		expect_ok(close(got[i]));
		api_close_pair(p[i][0], p[i][1]);
	}
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_scm, received_fd_is_lowest_free)
{
	int sv[2], p[2], hole, got = -1, flags;

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	hole = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, p));
	expect_ok(close(hole));
	cr_assert_eq(send_fds(sv[0], &p[1], 1), 1);
	cr_assert_eq(recv_fd(sv[1], &got, 0, &flags), 1);
	cr_assert_eq(got, hole);
	expect_ok(close(got));
	close_pairs(sv, p);
}

API_TEST(unix_scm, msg_cmsg_cloexec)
{
	int sv[2], p[2], a = -1, b = -1, flags;

	open_pairs(SOCK_STREAM, sv, p);
	cr_assert_eq(send_fds(sv[0], &p[1], 1), 1);
	cr_assert_eq(send_fds(sv[0], &p[1], 1), 1);
	cr_assert_eq(recv_fd(sv[1], &a, MSG_CMSG_CLOEXEC, &flags), 1);
	cr_assert(fcntl(a, F_GETFD) & FD_CLOEXEC);
	cr_assert_eq(recv_fd(sv[1], &b, 0, &flags), 1);
	cr_assert_eq(fcntl(b, F_GETFD) & FD_CLOEXEC, 0);
	expect_ok(close(a));
	expect_ok(close(b));
	close_pairs(sv, p);
}

API_TEST(unix_scm, bad_fd_ebadf)
{
	int sv[2], p[2], bad[2];
	char c;

	open_pairs(SOCK_STREAM, sv, p);
	bad[0] = -1;
	expect_errno(send_fds(sv[0], bad, 1), EBADF);
	bad[0] = 999;
	expect_errno(send_fds(sv[0], bad, 1), EBADF);
	/* One bad descriptor fails the whole message. */
	bad[0] = p[1];
	bad[1] = 998;
	expect_errno(send_fds(sv[0], bad, 2), EBADF);
	expect_errno(recv(sv[1], &c, 1, MSG_DONTWAIT), EAGAIN);
	close_pairs(sv, p);
}

API_TEST(unix_scm, scm_max_fd_limit)
{
	static int fds[SCM_MAX_FD + 1], got[SCM_MAX_FD + 1];
	int sv[2], p[2], i, flags;

	open_pairs(SOCK_DGRAM, sv, p);
	/* The same descriptor many times over is fine. */
	for (i = 0; i <= SCM_MAX_FD; i++)
		fds[i] = p[1];
	expect_errno(send_fds(sv[0], fds, SCM_MAX_FD + 1), EINVAL);
	cr_assert_eq(send_fds(sv[0], fds, SCM_MAX_FD), 1);
	cr_assert_eq(recv_fds(sv[1], got, SCM_MAX_FD,
			      CMSG_SPACE(sizeof(int) * SCM_MAX_FD), 0, &flags),
		     SCM_MAX_FD);
	cr_assert_eq(flags & MSG_CTRUNC, 0);
	for (i = 0; i < SCM_MAX_FD; i++) {
		cr_assert_neq(got[i], p[1]);
		expect_ok(close(got[i]));
	}
	close_pairs(sv, p);
}

/*
 * A control buffer with room for fewer descriptors than were sent: the
 * first ones that fit are installed, MSG_CTRUNC is set, and the rest are
 * closed.  Only whole ints count: a buffer of CMSG_LEN(2 * sizeof(int))
 * takes two.
 */
API_TEST(unix_scm, ctrunc_closes_descriptors_that_do_not_fit)
{
	int sv[2], p[4][2], out[4], got[4], flags = 0, n, i;
	char c;

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	for (i = 0; i < 4; i++) {
		expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, p[i]));
		out[i] = p[i][1];
	}
	cr_assert_eq(send_fds(sv[0], out, 4), 1);
	for (i = 0; i < 4; i++)
		expect_ok(close(p[i][1]));
	n = recv_fds(sv[1], got, 4, CMSG_LEN(2 * sizeof(int)), 0, &flags);
	cr_assert_eq(n, 2);
	cr_assert(flags & MSG_CTRUNC);
	/* The first two arrived and are alive... */
	for (i = 0; i < 2; i++)
		expect_errno(recv(p[i][0], &c, 1, MSG_DONTWAIT), EAGAIN);
	/* ...the other two were closed: their peers see EOF. */
	for (i = 2; i < 4; i++)
		cr_assert_eq(recv(p[i][0], &c, 1, MSG_DONTWAIT), 0);
	for (i = 0; i < 2; i++)
		expect_ok(close(got[i]));
	for (i = 0; i < 4; i++)
		expect_ok(close(p[i][0]));
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_scm, ctrunc_without_room_for_a_header)
{
	int sv[2], p[2], got, flags, pair[2];
	struct msghdr msg;
	struct iovec iov;
	char c;

	open_pairs(SOCK_STREAM, sv, p);
	pair[0] = p[1];
	pair[1] = p[1];

	/* No control buffer at all. */
	cr_assert_eq(send_fds(sv[0], pair, 2), 1);
	flags = 0;
	cr_assert_eq(recv_fds(sv[1], &got, 1, 0, 0, &flags), 0);
	cr_assert(flags & MSG_CTRUNC);

	/* A buffer smaller than a cmsghdr: controllen comes back 0. */
	cr_assert_eq(send_fds(sv[0], pair, 2), 1);
	api_msg_init(&msg, &iov, &c, 1);
	msg.msg_control = ctl_in.buf;
	msg.msg_controllen = sizeof(struct cmsghdr) - 1;
	cr_assert_eq(recvmsg(sv[1], &msg, 0), 1);
	cr_assert(msg.msg_flags & MSG_CTRUNC);
	cr_assert_eq(msg.msg_controllen, 0);

	/* Room for exactly one of two. */
	cr_assert_eq(send_fds(sv[0], pair, 2), 1);
	flags = 0;
	cr_assert_eq(recv_fds(sv[1], &got, 1, CMSG_LEN(sizeof(int)), 0, &flags),
		     1);
	cr_assert(flags & MSG_CTRUNC);
	expect_ok(close(got));
	close_pairs(sv, p);
}

API_TEST(unix_scm, pass_epoll_fd)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int sv[2], p[2], ep, got = -1, flags;

	open_pairs(SOCK_DGRAM, sv, p);
	ep = (int)expect_ok(epoll_create1(0));
	ev.data.u32 = 42;
	expect_ok(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev));
	cr_assert_eq(send_fds(sv[0], &ep, 1), 1);
	expect_ok(close(ep));
	cr_assert_eq(recv_fd(sv[1], &got, 0, &flags), 1);
	/* The same epoll instance, with its interest list. */
	cr_assert_eq(epoll_wait(got, &out, 1, 0), 0);
	cr_assert_eq(send(p[0], "x", 1, 0), 1);
	cr_assert_eq(epoll_wait(got, &out, 1, 0), 1);
	cr_assert_eq(out.data.u32, 42);
	expect_errno(epoll_ctl(got, EPOLL_CTL_ADD, p[1], &ev), EEXIST);
	expect_ok(close(got));
	close_pairs(sv, p);
}

/* MSG_PEEK installs (duplicates of) the descriptors too. */
API_TEST(unix_scm, peek_installs_descriptors)
{
	int sv[2], p[2], a = -1, b = -1, flags;

	open_pairs(SOCK_DGRAM, sv, p);
	cr_assert_eq(send_fds(sv[0], &p[1], 1), 1);
	cr_assert_eq(recv_fd(sv[1], &a, MSG_PEEK, &flags), 1);
	cr_assert_eq(recv_fd(sv[1], &b, 0, &flags), 1);
	cr_assert_neq(a, b);
	expect_link(p[0], a);
	expect_link(p[0], b);
	expect_ok(close(a));
	expect_ok(close(b));
	close_pairs(sv, p);
}

/*
 * On a stream, descriptors are attached to the bytes sent with them: a
 * read may take bytes sent before them together with them, but stops
 * right after the bytes that carried descriptors.
 */
API_TEST(unix_scm, stream_read_stops_after_descriptors)
{
	int sv[2], p[2], got[2], flags;
	char buf[8];

	open_pairs(SOCK_STREAM, sv, p);
	cr_assert_eq(send(sv[0], "ab", 2, 0), 2);
	cr_assert_eq(send_fds(sv[0], &p[1], 1), 1);
	cr_assert_eq(send(sv[0], "cd", 2, 0), 2);
	cr_assert_eq(send_fds(sv[0], &p[1], 1), 1);
	cr_assert_eq(send_fds(sv[0], &p[1], 1), 1);
	/* "ab" + "x"(fd) */
	cr_assert_eq(recv_fds(sv[1], got, 2, CMSG_SPACE(2 * sizeof(int)), 0,
			      &flags),
		     1);
	cr_assert_eq(last_len, 3);
	expect_ok(close(got[0]));
	/* "cd" + "x"(fd): two messages with descriptors never merge. */
	cr_assert_eq(recv_fds(sv[1], got, 2, CMSG_SPACE(2 * sizeof(int)), 0,
			      &flags),
		     1);
	cr_assert_eq(last_len, 3);
	expect_ok(close(got[0]));
	/* "x"(fd) */
	cr_assert_eq(recv_fds(sv[1], got, 2, CMSG_SPACE(2 * sizeof(int)), 0,
			      &flags),
		     1);
	cr_assert_eq(last_len, 1);
	expect_ok(close(got[0]));
	expect_errno(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	close_pairs(sv, p);
}

API_TEST(unix_scm, zero_descriptors_is_no_message)
{
	int sv[2], got, flags = -1;

	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	cr_assert_eq(send_fds(sv[0], NULL, 0), 1);
	cr_assert_eq(recv_fd(sv[1], &got, 0, &flags), 0);
	cr_assert_eq(flags & MSG_CTRUNC, 0);
	api_close_pair(sv[0], sv[1]);
}

/* A socket queued in its own receive queue, then closed: only GC frees it. */
API_TEST(unix_scm, gc_socket_in_its_own_queue)
{
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	cr_assert_eq(send_fds(sv[0], &sv[1], 1), 1);
	cr_assert_eq(send_fds(sv[1], &sv[0], 1), 1);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_scm, gc_cycle_between_pairs)
{
	int a[2], b[2], l, c, s;
	struct sockaddr_un sun;
	socklen_t len;

	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, a));
	expect_ok(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, b));
	/* a[1] holds b's ends, b[1] holds a's ends. */
	cr_assert_eq(send_fds(a[0], b, 2), 1);
	cr_assert_eq(send_fds(b[0], a, 2), 1);
	/* Plus a listener with a pending connection that holds the lot. */
	l = api_listener(SOCK_STREAM, 4, &sun, &len);
	c = (int)expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	expect_ok(connect(c, (struct sockaddr *)&sun, len));
	s = l;
	cr_assert_eq(send_fds(c, &s, 1), 1);
	cr_assert_eq(send_fds(a[0], &c, 1), 1);
	api_close_pair(a[0], a[1]);
	api_close_pair(b[0], b[1]);
	api_close_pair(l, c);
}

/* --- SCM_CREDENTIALS --------------------------------------------------- */

/* Receive one message and return its SCM_CREDENTIALS (pid -1 if none). */
static struct ucred recv_creds(int fd, size_t ctl_len, int *flags)
{
	struct ucred uc = { .pid = -1 };
	struct msghdr msg;
	struct cmsghdr *c;
	struct iovec iov;
	char data[16];

	api_msg_init(&msg, &iov, data, sizeof(data));
	memset(&ctl_in, 0, sizeof(ctl_in));
	msg.msg_control = ctl_in.buf;
	msg.msg_controllen = ctl_len;
	cr_assert_geq(recvmsg(fd, &msg, MSG_DONTWAIT), 0, "recvmsg: %s",
		      strerror(errno));
	*flags = msg.msg_flags;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len == CMSG_LEN(sizeof(uc)))
			memcpy(&uc, CMSG_DATA(c), sizeof(uc));
	return uc;
}

static ssize_t send_creds(int fd, pid_t pid, uid_t uid, gid_t gid)
{
	struct ucred uc = { .pid = pid, .uid = uid, .gid = gid };
	int data[sizeof(uc) / sizeof(int)];

	memcpy(data, &uc, sizeof(uc));
	return send_cmsg(fd, SOL_SOCKET, SCM_CREDENTIALS, data,
			 sizeof(uc) / sizeof(int));
}

API_TEST(unix_scm, passcred_without_sender_cmsg)
{
	int sv[2], flags;
	struct ucred uc;

	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	/* Without SO_PASSCRED nothing is delivered. */
	cr_assert_eq(send(sv[0], "a", 1, 0), 1);
	uc = recv_creds(sv[1], CMSG_SPACE(sizeof(uc)), &flags);
	cr_assert_eq(uc.pid, -1);
	api_set_int(sv[1], SO_PASSCRED, 1);
	cr_assert_eq(send(sv[0], "a", 1, 0), 1);
	uc = recv_creds(sv[1], CMSG_SPACE(sizeof(uc)), &flags);
	cr_assert_eq(uc.pid, getpid());
	cr_assert_eq(uc.uid, getuid());
	cr_assert_eq(uc.gid, getgid());
	cr_assert_eq(flags & MSG_CTRUNC, 0);
	api_close_pair(sv[0], sv[1]);

	/* Stream sockets too. */
	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	api_set_int(sv[1], SO_PASSCRED, 1);
	cr_assert_eq(send(sv[0], "a", 1, 0), 1);
	uc = recv_creds(sv[1], CMSG_SPACE(sizeof(uc)), &flags);
	cr_assert_eq(uc.pid, getpid());
	cr_assert_eq(uc.uid, getuid());
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_scm, sender_supplies_credentials)
{
	int sv[2], flags;
	struct ucred uc;

	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	api_set_int(sv[1], SO_PASSCRED, 1);
	cr_assert_eq(send_creds(sv[0], getpid(), getuid(), getgid()), 1);
	uc = recv_creds(sv[1], CMSG_SPACE(sizeof(uc)), &flags);
	cr_assert_eq(uc.pid, getpid());
	cr_assert_eq(uc.uid, getuid());
	cr_assert_eq(uc.gid, getgid());
	/* Root may claim other ids and any live pid... */
	cr_assert_eq(send_creds(sv[0], 1, 12345, 54321), 1);
	uc = recv_creds(sv[1], CMSG_SPACE(sizeof(uc)), &flags);
	cr_assert_eq(uc.pid, 1);
	cr_assert_eq(uc.uid, 12345);
	cr_assert_eq(uc.gid, 54321);
	/* ...but not a pid that does not exist. */
	expect_errno(send_creds(sv[0], 0x3fffffff, 0, 0), ESRCH);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_scm, unprivileged_credentials_checked_eperm)
{
	int sv[2], flags;
	struct ucred uc;

	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	api_set_int(sv[1], SO_PASSCRED, 1);
	api_drop_privileges();
	cr_assert_eq(send_creds(sv[0], getpid(), getuid(), getgid()), 1);
	uc = recv_creds(sv[1], CMSG_SPACE(sizeof(uc)), &flags);
	cr_assert_eq(uc.pid, getpid());
	cr_assert_eq(uc.uid, 65534);
	cr_assert_eq(uc.gid, 65534);
	expect_errno(send_creds(sv[0], 1, getuid(), getgid()), EPERM);
	expect_errno(send_creds(sv[0], getpid(), 0, getgid()), EPERM);
	expect_errno(send_creds(sv[0], getpid(), getuid(), 0), EPERM);
	/* EPERM comes before the pid lookup. */
	expect_errno(send_creds(sv[0], 0x3fffffff, getuid(), getgid()), EPERM);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_scm, credentials_ctrunc)
{
	int sv[2], flags = 0;
	struct msghdr msg;
	struct iovec iov;
	char c;

	expect_ok(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	api_set_int(sv[1], SO_PASSCRED, 1);
	cr_assert_eq(send(sv[0], "a", 1, 0), 1);
	api_msg_init(&msg, &iov, &c, 1);
	msg.msg_control = ctl_in.buf;
	msg.msg_controllen = CMSG_LEN(sizeof(struct ucred)) - 4;
	cr_assert_eq(recvmsg(sv[1], &msg, 0), 1);
	flags = msg.msg_flags;
	cr_assert(flags & MSG_CTRUNC);
	cr_assert_eq(msg.msg_controllen, CMSG_LEN(sizeof(struct ucred)) - 4);
	api_close_pair(sv[0], sv[1]);
}

/* --- control message validation ---------------------------------------- */

/*
 * Surprising: a control message at a level other than SOL_SOCKET is
 * silently ignored by AF_UNIX; an unknown type at SOL_SOCKET is EINVAL.
 */
API_TEST(unix_scm, bad_level_ignored_bad_type_einval)
{
	int sv[2], p[2], got, flags = 0;

	open_pairs(SOCK_DGRAM, sv, p);
	cr_assert_eq(send_cmsg(sv[0], 0 /* SOL_IP */, SCM_RIGHTS, &p[1], 1), 1);
	cr_assert_eq(recv_fd(sv[1], &got, 0, &flags), 0);
	expect_errno(send_cmsg(sv[0], SOL_SOCKET, 99, &p[1], 1), EINVAL);
	close_pairs(sv, p);
}

static ssize_t send_raw_cmsg(int fd, size_t controllen, size_t cmsg_len,
			     int type, int payload)
{
	struct cmsghdr *c = &ctl_out.align;
	struct msghdr msg;
	struct iovec iov;

	api_msg_init(&msg, &iov, (void *)"x", 1);
	memset(&ctl_out, 0, sizeof(ctl_out));
	msg.msg_control = ctl_out.buf;
	msg.msg_controllen = controllen;
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = type;
	c->cmsg_len = cmsg_len;
	memcpy(CMSG_DATA(c), &payload, sizeof(payload));
	return sendmsg(fd, &msg, 0);
}

API_TEST(unix_scm, cmsg_len_invalid_einval)
{
	int sv[2], p[2];
	char c;

	open_pairs(SOCK_DGRAM, sv, p);
	/* Shorter than a header. */
	expect_errno(send_raw_cmsg(sv[0], CMSG_SPACE(sizeof(int)),
				   sizeof(struct cmsghdr) - 1, SCM_RIGHTS,
				   p[1]),
		     EINVAL);
	/* Longer than the control buffer. */
	expect_errno(send_raw_cmsg(sv[0], CMSG_SPACE(sizeof(int)),
				   CMSG_SPACE(sizeof(int)) + 8, SCM_RIGHTS,
				   p[1]),
		     EINVAL);
	expect_errno(send_raw_cmsg(sv[0], CMSG_LEN(sizeof(int)) - 1,
				   CMSG_LEN(sizeof(int)), SCM_RIGHTS, p[1]),
		     EINVAL);
	/* SCM_CREDENTIALS must be exactly CMSG_LEN(sizeof(struct ucred)). */
	expect_errno(send_raw_cmsg(sv[0], CMSG_SPACE(sizeof(struct ucred)),
				   CMSG_LEN(sizeof(struct ucred)) - 1,
				   SCM_CREDENTIALS, getpid()),
		     EINVAL);
	expect_errno(recv(sv[1], &c, 1, MSG_DONTWAIT), EAGAIN);
	close_pairs(sv, p);
}

/*
 * Surprising: a msg_controllen too small for one cmsghdr is not an error;
 * the control data is ignored and the message is sent.
 */
API_TEST(unix_scm, controllen_below_header_ignored)
{
	int sv[2], p[2], got, flags = 0;

	open_pairs(SOCK_DGRAM, sv, p);
	cr_assert_eq(send_raw_cmsg(sv[0], sizeof(struct cmsghdr) - 1,
				   CMSG_LEN(sizeof(int)), SCM_RIGHTS, p[1]),
		     1);
	cr_assert_eq(recv_fd(sv[1], &got, 0, &flags), 0);
	cr_assert_eq(flags & MSG_CTRUNC, 0);
	close_pairs(sv, p);
}
