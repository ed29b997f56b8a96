/*
 * unix_seqpacket.c - AF_UNIX SOCK_SEQPACKET: connection set-up through
 * listen/accept and socketpair, record boundaries, truncation (discarding
 * the rest of a record, MSG_TRUNC as a flag in and out), MSG_EOR and
 * MSG_OOB on send, zero-length records, FIONREAD, EOF after the peer
 * closes, EPIPE (without SIGPIPE) and ECONNRESET on send, and the errors
 * on an unconnected socket.
 */
#include "api.h"

API_TEST(unix_seqpacket, listen_accept_records)
{
	struct sockaddr_un sun, got;
	socklen_t len, glen = sizeof(got);
	int l = api_listener(SOCK_SEQPACKET, 4, &sun, &len);
	int c = (int)expect_ok(socket(AF_UNIX, SOCK_SEQPACKET, 0));
	char buf[16];
	int a;

	expect_ok(connect(c, (struct sockaddr *)&sun, len));
	a = (int)expect_ok(accept(l, (struct sockaddr *)&got, &glen));
	cr_assert_eq(glen, sizeof(sa_family_t));
	glen = sizeof(got);
	expect_ok(getpeername(c, (struct sockaddr *)&got, &glen));
	cr_assert(glen == len && memcmp(&got, &sun, len) == 0);
	cr_assert_eq(send(c, "abc", 3, 0), 3);
	cr_assert_eq(send(c, "defgh", 5, 0), 5);
	cr_assert_eq(recv(a, buf, sizeof(buf), 0), 3);
	cr_assert(memcmp(buf, "abc", 3) == 0);
	cr_assert_eq(recv(a, buf, sizeof(buf), 0), 5);
	cr_assert(memcmp(buf, "defgh", 5) == 0);
	cr_assert_eq(write(a, "reply", 5), 5);
	cr_assert_eq(read(c, buf, sizeof(buf)), 5);
	api_close_pair(c, a);
	expect_ok(close(l));
}

API_TEST(unix_seqpacket, socketpair_records)
{
	char buf[16];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	cr_assert_eq(send(sv[0], "one", 3, 0), 3);
	cr_assert_eq(send(sv[0], "two!", 4, 0), 4);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), MSG_PEEK), 3);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), 0), 3);
	cr_assert(memcmp(buf, "one", 3) == 0);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), 0), 4);
	cr_assert(memcmp(buf, "two!", 4) == 0);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_seqpacket, truncation_and_msg_trunc)
{
	struct msghdr msg;
	struct iovec iov;
	char buf[16];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	cr_assert_eq(send(sv[0], "0123456789", 10, 0), 10);
	cr_assert_eq(send(sv[0], "abcdefghij", 10, 0), 10);
	cr_assert_eq(send(sv[0], "end", 3, 0), 3);
	api_msg_init(&msg, &iov, buf, 4);
	cr_assert_eq(recvmsg(sv[1], &msg, 0), 4);
	cr_assert(msg.msg_flags & MSG_TRUNC);
	cr_assert(memcmp(buf, "0123", 4) == 0);
	msg.msg_flags = 0;
	cr_assert_eq(recvmsg(sv[1], &msg, MSG_TRUNC), 10);
	cr_assert(msg.msg_flags & MSG_TRUNC);
	cr_assert(memcmp(buf, "abcd", 4) == 0);
	/* The rest of both records is gone. */
	iov.iov_len = sizeof(buf);
	cr_assert_eq(recvmsg(sv[1], &msg, 0), 3);
	cr_assert_eq(msg.msg_flags & MSG_TRUNC, 0);
	cr_assert(memcmp(buf, "end", 3) == 0);
	api_close_pair(sv[0], sv[1]);
}

/* A zero-byte read consumes (and discards) a whole record. */
API_TEST(unix_seqpacket, zero_byte_read_discards_record)
{
	char buf[8];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	cr_assert_eq(send(sv[0], "abc", 3, 0), 3);
	cr_assert_eq(recv(sv[1], buf, 0, MSG_DONTWAIT), 0);
	expect_errno(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	api_close_pair(sv[0], sv[1]);
}

/*
 * MSG_EOR is accepted on send but has no effect: every send is a record,
 * and recvmsg never reports MSG_EOR.  MSG_OOB is EOPNOTSUPP.
 */
API_TEST(unix_seqpacket, msg_eor_and_oob)
{
	struct msghdr msg;
	struct iovec iov;
	char buf[16];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	cr_assert_eq(send(sv[0], "abc", 3, MSG_EOR), 3);
	cr_assert_eq(send(sv[0], "def", 3, 0), 3);
	expect_errno(send(sv[0], "x", 1, MSG_OOB), EOPNOTSUPP);
	api_msg_init(&msg, &iov, buf, sizeof(buf));
	cr_assert_eq(recvmsg(sv[1], &msg, 0), 3);
	cr_assert_eq(msg.msg_flags, 0);
	cr_assert_eq(recvmsg(sv[1], &msg, 0), 3);
	cr_assert_eq(msg.msg_flags, 0);
	expect_errno(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_seqpacket, zero_length_record)
{
	char buf[8];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	cr_assert_eq(send(sv[0], "", 0, 0), 0);
	cr_assert_eq(send(sv[0], "x", 1, 0), 1);
	cr_assert_neq(api_revents(sv[1], POLLIN), 0);
	/* Reads as 0, like EOF, but the connection is fine. */
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), 0);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), 1);
	expect_errno(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	api_close_pair(sv[0], sv[1]);
}

/* FIONREAD counts every queued record, not only the first. */
API_TEST(unix_seqpacket, fionread_sums_records)
{
	int sv[2], n = -1;

	expect_ok(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	cr_assert_eq(send(sv[0], "abc", 3, 0), 3);
	cr_assert_eq(send(sv[0], "defgh", 5, 0), 5);
	expect_ok(ioctl(sv[1], FIONREAD, &n));
	cr_assert_eq(n, 8);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(unix_seqpacket, eof_after_peer_close)
{
	char buf[8];
	short rev;
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	cr_assert_eq(send(sv[1], "last", 4, 0), 4);
	expect_ok(close(sv[1]));
	rev = api_revents(sv[0], POLLIN | POLLRDHUP);
	cr_assert(rev & POLLHUP);
	cr_assert(rev & POLLRDHUP);
	cr_assert_eq(recv(sv[0], buf, sizeof(buf), 0), 4);
	cr_assert_eq(recv(sv[0], buf, sizeof(buf), 0), 0);
	/* EOF, not EAGAIN, even when nonblocking. */
	cr_assert_eq(recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT), 0);
	expect_ok(close(sv[0]));
}

/* Surprising: seqpacket EPIPE raises no SIGPIPE (stream does). */
API_TEST(unix_seqpacket, epipe_without_sigpipe)
{
	int sv[2];

	api_count_sigpipe();
	expect_ok(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	expect_ok(close(sv[1]));
	expect_errno(send(sv[0], "x", 1, 0), EPIPE);
	expect_errno(write(sv[0], "x", 1), EPIPE);
	cr_assert_eq(api_sigpipes(), 0);
	expect_ok(close(sv[0]));
}

/*
 * A peer closed with unread data: the first send reports the pending
 * ECONNRESET, later ones EPIPE; recv then sees EOF.
 */
API_TEST(unix_seqpacket, econnreset_then_epipe)
{
	char buf[8];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	cr_assert_eq(send(sv[0], "unread", 6, 0), 6);
	expect_ok(close(sv[1]));
	expect_errno(send(sv[0], "x", 1, MSG_NOSIGNAL), ECONNRESET);
	expect_errno(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	cr_assert_eq(recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT), 0);
	expect_ok(close(sv[0]));
}

/*
 * Unconnected: send, sendto (the address is ignored) and recv all give
 * ENOTCONN -- recv differs from SOCK_STREAM, which gives EINVAL.
 */
API_TEST(unix_seqpacket, unconnected_enotconn)
{
	struct sockaddr_un sun;
	socklen_t len;
	int l = api_listener(SOCK_SEQPACKET, 4, &sun, &len);
	int fd = (int)expect_ok(socket(AF_UNIX, SOCK_SEQPACKET, 0));
	char buf[4];

	expect_errno(send(fd, "x", 1, MSG_NOSIGNAL), ENOTCONN);
	expect_errno(sendto(fd, "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&sun,
			    len),
		     ENOTCONN);
	expect_errno(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), ENOTCONN);
	expect_errno(recv(fd, buf, sizeof(buf), 0), ENOTCONN);
	api_close_pair(l, fd);
}

/* On a connected socket the sendto() address is ignored too. */
API_TEST(unix_seqpacket, sendto_address_ignored_when_connected)
{
	struct sockaddr_un sun;
	socklen_t len = api_sun_abstract(&sun, "nobody");
	char buf[4];
	int sv[2];

	expect_ok(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
	cr_assert_eq(sendto(sv[0], "q", 1, 0, (struct sockaddr *)&sun, len), 1);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), 1);
	api_close_pair(sv[0], sv[1]);
}
