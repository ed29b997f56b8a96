/*
 * smoke.c - the first dual-target test: a socketpair carries bytes both
 * ways.  Kept small; it proves the harness itself.
 */
#include "api.h"

API_TEST(smoke, socketpair_round_trip)
{
	int sv[2];
	char buf[8];

	expect_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	cr_assert_eq(write(sv[0], "ping", 4), 4);
	cr_assert_eq(read(sv[1], buf, sizeof(buf)), 4);
	cr_assert(memcmp(buf, "ping", 4) == 0);
	cr_assert_eq(write(sv[1], "pong", 4), 4);
	cr_assert_eq(read(sv[0], buf, sizeof(buf)), 4);
	cr_assert(memcmp(buf, "pong", 4) == 0);
	expect_ok(close(sv[0]));
	expect_ok(close(sv[1]));
}

API_TEST(smoke, bad_family)
{
	expect_errno(socket(-1, SOCK_STREAM, 0), EAFNOSUPPORT);
}
