/*
 * socket_create.c - socket() and socketpair(): which (family, type,
 * protocol) triples are accepted, the errno for each kind of refusal and
 * the order in which the checks are made (type flags, then family, then
 * type range, then the family's own protocol and type checks), and what a
 * new AF_UNIX socket looks like (SO_TYPE, SO_DOMAIN, SO_PROTOCOL, its
 * unbound name).  Positive cases use AF_UNIX only; AF_INET appears only
 * where Linux refuses the call before any protocol work.
 */
#include "api.h"

#include <netinet/in.h>

API_TEST(socket_create, bad_family_eafnosupport)
{
	expect_errno(socket(-1, SOCK_STREAM, 0), EAFNOSUPPORT);
	expect_errno(socket(INT_MIN, SOCK_STREAM, 0), EAFNOSUPPORT);
	expect_errno(socket(AF_MAX, SOCK_STREAM, 0), EAFNOSUPPORT);
	expect_errno(socket(AF_MAX + 5, SOCK_DGRAM, 0), EAFNOSUPPORT);
	expect_errno(socket(INT_MAX, SOCK_STREAM, 0), EAFNOSUPPORT);
	expect_errno(socket(AF_UNSPEC, SOCK_STREAM, 0), EAFNOSUPPORT);
	expect_errno(socket(AF_UNSPEC, SOCK_DGRAM, 0), EAFNOSUPPORT);
}

/* Any bit outside the type mask other than SOCK_NONBLOCK/SOCK_CLOEXEC. */
API_TEST(socket_create, bad_type_flags_einval)
{
	expect_errno(socket(AF_UNIX, SOCK_STREAM | 0x100000, 0), EINVAL);
	expect_errno(socket(AF_UNIX, SOCK_STREAM | O_APPEND, 0), EINVAL);
	expect_errno(socket(AF_UNIX, SOCK_DGRAM | (int)0x80000000, 0), EINVAL);
	expect_errno(socket(AF_UNIX, SOCK_STREAM | 0x10, 0), EINVAL);
}

/* The order of the checks: type flags first (a bad family with bad
 * flags is EINVAL), then the family (a bad family with an out-of-range
 * type is EAFNOSUPPORT), then the type range, then the family's own
 * checks, where AF_UNIX looks at the protocol before the type. */
API_TEST(socket_create, check_order)
{
	expect_errno(socket(-1, SOCK_STREAM | 0x100000, 0), EINVAL);
	expect_errno(socket(AF_MAX, SOCK_STREAM | O_APPEND, 0), EINVAL);
	expect_errno(socket(-1, 11, 0), EAFNOSUPPORT);
	expect_errno(socket(AF_MAX, 15, 0), EAFNOSUPPORT);
	expect_errno(socket(AF_UNIX, 11, 5), EINVAL);
	expect_errno(socket(AF_UNIX, 0, 5), EPROTONOSUPPORT);
	expect_errno(socket(AF_UNIX, SOCK_RDM, 2), EPROTONOSUPPORT);
}

/* A type at or above SOCK_MAX (11) is EINVAL whatever the family. */
API_TEST(socket_create, type_out_of_range_einval)
{
	expect_errno(socket(AF_UNIX, 11, 0), EINVAL);
	expect_errno(socket(AF_UNIX, 15, 0), EINVAL);
	expect_errno(socket(AF_UNIX, -1, 0), EINVAL);
	expect_errno(socket(AF_INET, 12, 0), EINVAL);
}

/* Types in range that AF_UNIX does not implement, including type 0. */
API_TEST(socket_create, unix_unsupported_types_esocktnosupport)
{
	expect_errno(socket(AF_UNIX, 0, 0), ESOCKTNOSUPPORT);
	expect_errno(socket(AF_UNIX, SOCK_RDM, 0), ESOCKTNOSUPPORT);
	expect_errno(socket(AF_UNIX, SOCK_DCCP, 0), ESOCKTNOSUPPORT);
	expect_errno(socket(AF_UNIX, SOCK_PACKET, 0), ESOCKTNOSUPPORT);
	expect_errno(socket(AF_UNIX, 7, 0), ESOCKTNOSUPPORT);
}

/* Linux accepts SOCK_RAW on AF_UNIX and quietly makes it SOCK_DGRAM. */
API_TEST(socket_create, unix_sock_raw_is_dgram)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_RAW, 0));

	cr_assert_eq(api_get_int(s, SO_TYPE), SOCK_DGRAM);
	cr_assert_eq(api_get_int(s, SO_DOMAIN), AF_UNIX);
	expect_ok(close(s));
}

/* AF_UNIX takes protocol 0 or PF_UNIX (1); anything else, negative
 * included, is EPROTONOSUPPORT.  With protocol 1, SO_PROTOCOL still
 * reads 0. */
API_TEST(socket_create, unix_protocol)
{
	int s;

	expect_errno(socket(AF_UNIX, SOCK_STREAM, 2), EPROTONOSUPPORT);
	expect_errno(socket(AF_UNIX, SOCK_DGRAM, IPPROTO_UDP), EPROTONOSUPPORT);
	expect_errno(socket(AF_UNIX, SOCK_SEQPACKET, -1), EPROTONOSUPPORT);
	s = expect_ok(socket(AF_UNIX, SOCK_STREAM, PF_UNIX));
	cr_assert_eq(api_get_int(s, SO_PROTOCOL), 0);
	cr_assert_eq(api_get_int(s, SO_TYPE), SOCK_STREAM);
	expect_ok(close(s));
}

API_TEST(socket_create, unix_types_and_their_options)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		int s = expect_ok(socket(AF_UNIX, types[i], 0));
		int f = expect_ok(socket(
			AF_LOCAL, types[i] | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));

		cr_assert_eq(api_get_int(s, SO_TYPE), types[i]);
		cr_assert_eq(api_get_int(s, SO_DOMAIN), AF_UNIX);
		cr_assert_eq(api_get_int(s, SO_PROTOCOL), 0);
		/* The flags are not part of the type. */
		cr_assert_eq(api_get_int(f, SO_TYPE), types[i]);
		expect_ok(close(s));
		expect_ok(close(f));
	}
}

/* A new socket: no error, not listening, unbound (getsockname gives just
 * the family, length 2), and no peer. */
API_TEST(socket_create, new_socket_state)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	struct sockaddr_un sun;
	socklen_t len = sizeof(sun);

	cr_assert_eq(api_get_int(s, SO_ERROR), 0);
	cr_assert_eq(api_get_int(s, SO_ACCEPTCONN), 0);
	memset(&sun, 0xff, sizeof(sun));
	expect_ok(getsockname(s, (struct sockaddr *)&sun, &len));
	cr_assert_eq(len, sizeof(sa_family_t));
	cr_assert_eq(sun.sun_family, AF_UNIX);
	len = sizeof(sun);
	expect_errno(getpeername(s, (struct sockaddr *)&sun, &len), ENOTCONN);
	expect_ok(close(s));
}

API_TEST(socket_create, many_sockets_distinct)
{
	int fds[64];

	for (int i = 0; i < 64; i++) {
		fds[i] = expect_ok(
			socket(AF_UNIX, i % 2 ? SOCK_DGRAM : SOCK_STREAM, 0));
		for (int j = 0; j < i; j++)
			cr_assert_neq(fds[i], fds[j]);
	}
	for (int i = 0; i < 64; i++)
		expect_ok(close(fds[i]));
}

API_TEST(socket_create, socketpair_types)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET,
				     SOCK_RAW };
	static const int want[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET,
				    SOCK_DGRAM };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		int sv[2] = { -1, -1 };
		char c;

		expect_ok(socketpair(AF_UNIX, types[i], 0, sv));
		cr_assert_neq(sv[0], sv[1]);
		cr_assert_eq(api_get_int(sv[0], SO_TYPE), want[i]);
		cr_assert_eq(api_get_int(sv[1], SO_TYPE), want[i]);
		cr_assert_eq(api_get_int(sv[1], SO_DOMAIN), AF_UNIX);
		cr_assert_eq(write(sv[0], "x", 1), 1);
		cr_assert_eq(read(sv[1], &c, 1), 1);
		expect_ok(close(sv[0]));
		expect_ok(close(sv[1]));
	}
}

/* AF_INET sockets exist but cannot be made in pairs.  (A failed
 * socketpair may still have written the numbers it had reserved into sv:
 * Linux does; so sv is not checked, only that nothing stays open.) */
API_TEST(socket_create, socketpair_inet_eopnotsupp, API_NEEDS_TCP)
{
	int sv[2], fd = api_closed_fd();

	expect_errno(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
	expect_errno(socketpair(AF_INET, SOCK_DGRAM, 0, sv), EOPNOTSUPP);
	cr_assert_eq(api_closed_fd(), fd);
}

API_TEST(socket_create, socketpair_errors)
{
	int sv[2], fd = api_closed_fd();

	expect_errno(socketpair(-1, SOCK_STREAM, 0, sv), EAFNOSUPPORT);
	expect_errno(socketpair(AF_MAX, SOCK_STREAM, 0, sv), EAFNOSUPPORT);
	expect_errno(socketpair(AF_UNIX, SOCK_STREAM | 0x100000, 0, sv),
		     EINVAL);
	expect_errno(socketpair(AF_UNIX, 11, 0, sv), EINVAL);
	expect_errno(socketpair(AF_UNIX, SOCK_STREAM, 2, sv), EPROTONOSUPPORT);
	expect_errno(socketpair(AF_UNIX, 0, 0, sv), ESOCKTNOSUPPORT);
	cr_assert_eq(api_closed_fd(), fd);
}

/* Nothing is left behind when the result cannot be stored. */
API_TEST(socket_create, socketpair_null_efault)
{
	int fd = api_closed_fd();

	expect_errno(socketpair(AF_UNIX, SOCK_STREAM, 0, NULL), EFAULT);
	cr_assert_eq(api_closed_fd(), fd);
}

/* An AF_INET protocol that does not match the type; refused before any
 * protocol state exists. */
API_TEST(socket_create, inet_protocol_mismatch_eprotonosupport, API_NEEDS_TCP)
{
	expect_errno(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
	expect_errno(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP),
		     EPROTONOSUPPORT);
}

/* Connecting to a filesystem name bound by a socket of another type is
 * EPROTOTYPE; the same mismatch on an abstract name is ECONNREFUSED (the
 * abstract lookup only finds sockets of the caller's type). */
API_TEST(socket_create, type_mismatch_on_connect)
{
	struct sockaddr_un path, abs;
	socklen_t plen = api_sun(&path, api_path("dgram"));
	socklen_t alen = api_sun_abstract(&abs, "dgram");
	int d = expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	int da = expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int q = expect_ok(socket(AF_UNIX, SOCK_SEQPACKET, 0));

	expect_ok(bind(d, (struct sockaddr *)&path, plen));
	expect_ok(bind(da, (struct sockaddr *)&abs, alen));
	expect_errno(connect(s, (struct sockaddr *)&path, plen), EPROTOTYPE);
	expect_errno(connect(q, (struct sockaddr *)&path, plen), EPROTOTYPE);
	expect_errno(connect(s, (struct sockaddr *)&abs, alen), ECONNREFUSED);
	expect_errno(connect(q, (struct sockaddr *)&abs, alen), ECONNREFUSED);
	api_close_pair(d, da);
	api_close_pair(s, q);
}

/* And a datagram socket sending to a stream listener's path. */
API_TEST(socket_create, dgram_to_stream_path_eprototype)
{
	struct sockaddr_un path;
	socklen_t plen = api_sun(&path, api_path("stream"));
	int l = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int d = expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));

	expect_ok(bind(l, (struct sockaddr *)&path, plen));
	expect_ok(listen(l, 1));
	expect_errno(connect(d, (struct sockaddr *)&path, plen), EPROTOTYPE);
	expect_errno(sendto(d, "x", 1, 0, (struct sockaddr *)&path, plen),
		     EPROTOTYPE);
	api_close_pair(d, l);
}
