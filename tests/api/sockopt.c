/*
 * sockopt.c - SOL_SOCKET options on AF_UNIX sockets.
 *
 * Covers the buffer sizes (SO_SNDBUF/SO_RCVBUF doubled, floored at the
 * Linux minimums, clamped at twice net.core.[wr]mem_max; the *FORCE
 * variants and their privilege), low-water marks, SO_RCVTIMEO/SO_SNDTIMEO
 * (round trip, EDOM, and a blocked call that times out with EAGAIN), the
 * read-only options (SO_TYPE, SO_DOMAIN, SO_PROTOCOL, SO_ERROR,
 * SO_ACCEPTCONN, SO_COOKIE), SO_LINGER, SO_PEEK_OFF, SO_PASSCRED,
 * SO_PEERCRED, the boolean flags, the privileged ones (SO_PRIORITY,
 * SO_DEBUG, SO_MARK) as root and after api_drop_privileges(), and the
 * generic rules: unknown option or level, short or negative option
 * lengths, and getsockopt's silent truncation.  The defaults checked are
 * Linux's: net.core.[wr]mem_default = 212992.  The clamp is checked
 * without assuming the host's [wr]mem_max, which may be raised.
 */
#include "api.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#define DEFAULT_BUF 212992 /* net.core.[wr]mem_default */
#define MIN_SNDBUF  4608   /* SOCK_MIN_SNDBUF on x86_64 */
#define MIN_RCVBUF  2304   /* SOCK_MIN_RCVBUF on x86_64 */

/* Set an int option to v and check that it reads back as want. */
static void set_get(int fd, int name, int v, int want)
{
	api_set_int(fd, name, v);
	cr_assert_eq(api_get_int(fd, name), want, "option %d set to %d", name,
		     v);
}

static int set_int_err(int fd, int name, int v)
{
	return setsockopt(fd, SOL_SOCKET, name, &v, sizeof(v));
}

static struct timeval get_tv(int fd, int name)
{
	struct timeval tv = { .tv_sec = -7, .tv_usec = -7 };
	socklen_t len = sizeof(tv);

	expect_ok(getsockopt(fd, SOL_SOCKET, name, &tv, &len));
	cr_assert_eq(len, sizeof(tv));
	return tv;
}

static int set_tv(int fd, int name, long sec, long usec)
{
	struct timeval tv = { .tv_sec = sec, .tv_usec = usec };

	return setsockopt(fd, SOL_SOCKET, name, &tv, sizeof(tv));
}

API_TEST(sockopt, buf_defaults)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int d = expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));

	cr_assert_eq(api_get_int(s, SO_SNDBUF), DEFAULT_BUF);
	cr_assert_eq(api_get_int(s, SO_RCVBUF), DEFAULT_BUF);
	cr_assert_eq(api_get_int(d, SO_SNDBUF), DEFAULT_BUF);
	cr_assert_eq(api_get_int(d, SO_RCVBUF), DEFAULT_BUF);
	api_close_pair(s, d);
}

/* The value set is doubled to account for bookkeeping overhead. */
API_TEST(sockopt, buf_doubled)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	set_get(s, SO_SNDBUF, 4096, 8192);
	set_get(s, SO_RCVBUF, 4096, 8192);
	set_get(s, SO_SNDBUF, 100000, 200000);
	set_get(s, SO_RCVBUF, 65537, 131074);
	expect_ok(close(s));
}

/* Tiny values read back as the minimums, which differ: 4608 for the send
 * buffer, 2304 for the receive buffer. */
API_TEST(sockopt, buf_minimum)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	set_get(s, SO_SNDBUF, 0, MIN_SNDBUF);
	set_get(s, SO_SNDBUF, 1, MIN_SNDBUF);
	set_get(s, SO_SNDBUF, MIN_SNDBUF / 2 + 1, MIN_SNDBUF + 2);
	set_get(s, SO_RCVBUF, 0, MIN_RCVBUF);
	set_get(s, SO_RCVBUF, 1000, MIN_RCVBUF);
	expect_ok(close(s));
}

/* Large values clamp at 2 * net.core.[wr]mem_max.  The value is compared
 * with itself rather than with a constant, because the host's maximum
 * may have been raised; it is at least twice the Linux default maximum
 * (212992).  A negative value is taken as a huge unsigned one: it clamps
 * too. */
API_TEST(sockopt, buf_clamped_to_max)
{
	static const int names[] = { SO_SNDBUF, SO_RCVBUF };
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	for (int i = 0; i < 2; i++) {
		int top;

		api_set_int(s, names[i], INT_MAX);
		top = api_get_int(s, names[i]);
		cr_assert_geq(top, 2 * 212992);
		cr_assert_eq(top % 2, 0);
		set_get(s, names[i], top / 2 + 4096, top);
		set_get(s, names[i], -1, top);
		set_get(s, names[i], top / 2, top);
		set_get(s, names[i], top / 2 - 1, top - 2);
	}
	expect_ok(close(s));
}

/* The FORCE variants skip the clamp (root has CAP_NET_ADMIN), still
 * double, and treat a negative value as a signed one: it reads back as
 * the minimum, the opposite of the plain option. */
API_TEST(sockopt, bufforce_as_root)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int top;

	api_set_int(s, SO_SNDBUF, INT_MAX);
	top = api_get_int(s, SO_SNDBUF);
	api_set_int(s, SO_SNDBUFFORCE, top);
	cr_assert_eq(api_get_int(s, SO_SNDBUF), 2 * top);
	api_set_int(s, SO_RCVBUFFORCE, top);
	cr_assert_eq(api_get_int(s, SO_RCVBUF), 2 * top);
	api_set_int(s, SO_SNDBUFFORCE, 4096);
	cr_assert_eq(api_get_int(s, SO_SNDBUF), 8192);
	api_set_int(s, SO_SNDBUFFORCE, -1);
	cr_assert_eq(api_get_int(s, SO_SNDBUF), MIN_SNDBUF);
	api_set_int(s, SO_RCVBUFFORCE, -1);
	cr_assert_eq(api_get_int(s, SO_RCVBUF), MIN_RCVBUF);
	expect_ok(close(s));
}

API_TEST(sockopt, bufforce_eperm_unprivileged)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	api_drop_privileges();
	expect_errno(set_int_err(s, SO_SNDBUFFORCE, 4096), EPERM);
	expect_errno(set_int_err(s, SO_RCVBUFFORCE, 4096), EPERM);
	cr_assert_eq(api_get_int(s, SO_SNDBUF), DEFAULT_BUF);
	/* The plain options still work. */
	set_get(s, SO_SNDBUF, 4096, 8192);
	expect_ok(close(s));
}

/* SO_RCVLOWAT: 0 reads back as 1, a negative value as INT_MAX. */
API_TEST(sockopt, rcvlowat)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	cr_assert_eq(api_get_int(s, SO_RCVLOWAT), 1);
	set_get(s, SO_RCVLOWAT, 100, 100);
	set_get(s, SO_RCVLOWAT, 0, 1);
	set_get(s, SO_RCVLOWAT, -5, INT_MAX);
	expect_ok(close(s));
}

/* SO_SNDLOWAT can be read (always 1) but not set: ENOPROTOOPT. */
API_TEST(sockopt, sndlowat_read_only)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	cr_assert_eq(api_get_int(s, SO_SNDLOWAT), 1);
	expect_errno(set_int_err(s, SO_SNDLOWAT, 7), ENOPROTOOPT);
	cr_assert_eq(api_get_int(s, SO_SNDLOWAT), 1);
	expect_ok(close(s));
}

/* Timeouts are kept in clock ticks: values here are multiples of 20 ms so
 * that they survive the round trip at any HZ. */
API_TEST(sockopt, timeo_round_trip)
{
	static const int names[] = { SO_RCVTIMEO, SO_SNDTIMEO };
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	for (int i = 0; i < 2; i++) {
		struct timeval tv = get_tv(s, names[i]);

		cr_assert(tv.tv_sec == 0 && tv.tv_usec == 0);
		expect_ok(set_tv(s, names[i], 1, 500000));
		tv = get_tv(s, names[i]);
		cr_assert(tv.tv_sec == 1 && tv.tv_usec == 500000);
		expect_ok(set_tv(s, names[i], 0, 40000));
		tv = get_tv(s, names[i]);
		cr_assert(tv.tv_sec == 0 && tv.tv_usec == 40000);
		expect_ok(set_tv(s, names[i], 0, 0));
		tv = get_tv(s, names[i]);
		cr_assert(tv.tv_sec == 0 && tv.tv_usec == 0);
	}
	/* The two are independent. */
	expect_ok(set_tv(s, SO_RCVTIMEO, 2, 0));
	cr_assert_eq(get_tv(s, SO_SNDTIMEO).tv_sec, 0);
	expect_ok(close(s));
}

/* tv_usec outside [0, 1000000) is EDOM; a negative tv_sec (with a valid
 * tv_usec) is accepted and means "no timeout": it reads back as 0. */
API_TEST(sockopt, timeo_bad_values)
{
	static const int names[] = { SO_RCVTIMEO, SO_SNDTIMEO };
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	for (int i = 0; i < 2; i++) {
		struct timeval tv;

		expect_errno(set_tv(s, names[i], 0, 1000000), EDOM);
		expect_errno(set_tv(s, names[i], 0, -1), EDOM);
		expect_errno(set_tv(s, names[i], -3, -1), EDOM);
		expect_ok(set_tv(s, names[i], 1, 0));
		expect_ok(set_tv(s, names[i], -3, 0));
		tv = get_tv(s, names[i]);
		cr_assert(tv.tv_sec == 0 && tv.tv_usec == 0);
		/* A short struct is EINVAL. */
		tv = (struct timeval){ .tv_sec = 1, .tv_usec = 0 };
		expect_errno(setsockopt(s, SOL_SOCKET, names[i], &tv, 8),
			     EINVAL);
		expect_errno(setsockopt(s, SOL_SOCKET, names[i], &tv, 4),
			     EINVAL);
		cr_assert_eq(get_tv(s, names[i]).tv_sec, 0);
	}
	expect_ok(close(s));
}

API_TEST(sockopt, rcvtimeo_expires_with_eagain)
{
	int sv[2];
	char c;
	struct timespec t0;

	api_socketpair(SOCK_STREAM, sv);
	expect_ok(set_tv(sv[0], SO_RCVTIMEO, 0, 40000));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	expect_errno(recv(sv[0], &c, 1, 0), EAGAIN);
	api_expect_elapsed(&t0, 30, 2000);
	/* read() honours it too. */
	expect_errno(read(sv[0], &c, 1), EAGAIN);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(sockopt, sndtimeo_expires_with_eagain)
{
	static char buf[4096];
	int sv[2];
	struct timespec t0;

	api_socketpair(SOCK_STREAM, sv);
	api_fill(sv[0]);
	expect_ok(set_tv(sv[0], SO_SNDTIMEO, 0, 40000));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	expect_errno(send(sv[0], buf, sizeof(buf), 0), EAGAIN);
	api_expect_elapsed(&t0, 30, 2000);
	api_close_pair(sv[0], sv[1]);
}

API_TEST(sockopt, type_domain_protocol_read_only)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_SEQPACKET, 0));

	cr_assert_eq(api_get_int(s, SO_TYPE), SOCK_SEQPACKET);
	cr_assert_eq(api_get_int(s, SO_DOMAIN), AF_UNIX);
	cr_assert_eq(api_get_int(s, SO_PROTOCOL), 0);
	expect_errno(set_int_err(s, SO_TYPE, SOCK_STREAM), ENOPROTOOPT);
	expect_errno(set_int_err(s, SO_DOMAIN, AF_INET), ENOPROTOOPT);
	expect_errno(set_int_err(s, SO_PROTOCOL, 1), ENOPROTOOPT);
	cr_assert_eq(api_get_int(s, SO_TYPE), SOCK_SEQPACKET);
	expect_ok(close(s));
}

/* Closing a stream socket with unread data resets the peer: SO_ERROR
 * reads ECONNRESET once, then 0. */
API_TEST(sockopt, so_error)
{
	int sv[2];

	api_socketpair(SOCK_STREAM, sv);
	cr_assert_eq(api_get_int(sv[0], SO_ERROR), 0);
	expect_errno(set_int_err(sv[0], SO_ERROR, 1), ENOPROTOOPT);
	cr_assert_eq(write(sv[1], "x", 1), 1);
	expect_ok(close(sv[0]));
	cr_assert_eq(api_get_int(sv[1], SO_ERROR), ECONNRESET);
	cr_assert_eq(api_get_int(sv[1], SO_ERROR), 0);
	expect_ok(close(sv[1]));
}

API_TEST(sockopt, acceptconn)
{
	struct sockaddr_un sun;
	socklen_t len = api_sun_abstract(&sun, "l");
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int d = expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));

	cr_assert_eq(api_get_int(s, SO_ACCEPTCONN), 0);
	cr_assert_eq(api_get_int(d, SO_ACCEPTCONN), 0);
	expect_ok(bind(s, (struct sockaddr *)&sun, len));
	cr_assert_eq(api_get_int(s, SO_ACCEPTCONN), 0);
	expect_ok(listen(s, 4));
	cr_assert_eq(api_get_int(s, SO_ACCEPTCONN), 1);
	expect_errno(set_int_err(s, SO_ACCEPTCONN, 0), ENOPROTOOPT);
	api_close_pair(s, d);
}

/* l_onoff reads back as 0 or 1 whatever was set; turning lingering off
 * keeps the previous l_linger. */
API_TEST(sockopt, linger)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	struct linger l = { .l_onoff = -1, .l_linger = -1 };
	socklen_t len = sizeof(l);

	expect_ok(getsockopt(s, SOL_SOCKET, SO_LINGER, &l, &len));
	cr_assert_eq(len, sizeof(l));
	cr_assert(l.l_onoff == 0 && l.l_linger == 0);
	l.l_onoff = 1;
	l.l_linger = 5;
	expect_ok(setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof(l)));
	memset(&l, 0, sizeof(l));
	expect_ok(getsockopt(s, SOL_SOCKET, SO_LINGER, &l, &len));
	cr_assert(l.l_onoff == 1 && l.l_linger == 5);
	l.l_onoff = 7;
	l.l_linger = 9;
	expect_ok(setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof(l)));
	expect_ok(getsockopt(s, SOL_SOCKET, SO_LINGER, &l, &len));
	cr_assert(l.l_onoff == 1 && l.l_linger == 9);
	l.l_onoff = 0;
	l.l_linger = 3;
	expect_ok(setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof(l)));
	expect_ok(getsockopt(s, SOL_SOCKET, SO_LINGER, &l, &len));
	cr_assert(l.l_onoff == 0 && l.l_linger == 9, "got {%d, %d}", l.l_onoff,
		  l.l_linger);
	/* A short struct is EINVAL and changes nothing. */
	l.l_onoff = 1;
	l.l_linger = 1;
	expect_errno(setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof(int)),
		     EINVAL);
	expect_errno(setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof(l) - 1),
		     EINVAL);
	expect_ok(getsockopt(s, SOL_SOCKET, SO_LINGER, &l, &len));
	cr_assert(l.l_onoff == 0 && l.l_linger == 9);
	expect_ok(close(s));
}

/* SO_PEEK_OFF starts at -1 (off); once set, MSG_PEEK reads advance it and
 * ordinary reads pull it back.  Linux stores any negative value as
 * given. */
API_TEST(sockopt, peek_off)
{
	int sv[2];
	char buf[8];

	api_socketpair(SOCK_STREAM, sv);
	cr_assert_eq(api_get_int(sv[1], SO_PEEK_OFF), -1);
	cr_assert_eq(write(sv[0], "abcdef", 6), 6);
	api_set_int(sv[1], SO_PEEK_OFF, 0);
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
	api_set_int(sv[1], SO_PEEK_OFF, -1);
	cr_assert_eq(api_get_int(sv[1], SO_PEEK_OFF), -1);
	cr_assert_eq(recv(sv[1], buf, sizeof(buf), MSG_PEEK), 3);
	cr_assert(memcmp(buf, "def", 3) == 0);
	api_set_int(sv[1], SO_PEEK_OFF, -2);
	cr_assert_eq(api_get_int(sv[1], SO_PEEK_OFF), -2);
	api_close_pair(sv[0], sv[1]);
}

/* Boolean options start at 0 and read back as 0 or 1 whatever non-zero
 * value was set, negative included. */
API_TEST(sockopt, boolean_options)
{
	static const struct {
		int name;
		const char *str;
	} opts[] = {
		{ SO_PASSCRED, "SO_PASSCRED" },
		{ SO_REUSEADDR, "SO_REUSEADDR" },
		{ SO_KEEPALIVE, "SO_KEEPALIVE" },
		{ SO_OOBINLINE, "SO_OOBINLINE" },
		{ SO_BROADCAST, "SO_BROADCAST" },
		{ SO_DONTROUTE, "SO_DONTROUTE" },
	};
	static const int vals[] = { 1, 0, 42, 0, -1 };

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

		cr_assert_eq(api_get_int(s, opts[i].name), 0, "%s",
			     opts[i].str);
		for (size_t j = 0; j < sizeof(vals) / sizeof(vals[0]); j++) {
			api_set_int(s, opts[i].name, vals[j]);
			cr_assert_eq(api_get_int(s, opts[i].name), vals[j] != 0,
				     "%s set to %d", opts[i].str, vals[j]);
		}
		expect_ok(close(s));
	}
}

API_TEST(sockopt, peercred_socketpair)
{
	int sv[2];
	struct ucred uc;
	socklen_t len = sizeof(uc);

	api_socketpair(SOCK_STREAM, sv);
	memset(&uc, 0xff, sizeof(uc));
	expect_ok(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &uc, &len));
	cr_assert_eq(len, sizeof(uc));
	cr_assert_eq(uc.pid, getpid());
	cr_assert_eq(uc.uid, getuid());
	cr_assert_eq(uc.gid, getgid());
	len = sizeof(uc);
	expect_ok(getsockopt(sv[1], SOL_SOCKET, SO_PEERCRED, &uc, &len));
	cr_assert_eq(uc.pid, getpid());
	expect_errno(setsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &uc,
				sizeof(uc)),
		     ENOPROTOOPT);
	api_close_pair(sv[0], sv[1]);
}

/* Credentials are captured when the pair is made: dropping privileges
 * later does not change them, a new pair has the new ids. */
API_TEST(sockopt, peercred_after_drop_privileges)
{
	int a[2], b[2];
	struct ucred uc;
	socklen_t len = sizeof(uc);

	api_socketpair(SOCK_STREAM, a);
	api_drop_privileges();
	api_socketpair(SOCK_STREAM, b);
	expect_ok(getsockopt(a[0], SOL_SOCKET, SO_PEERCRED, &uc, &len));
	cr_assert(uc.uid == 0 && uc.gid == 0);
	len = sizeof(uc);
	expect_ok(getsockopt(b[0], SOL_SOCKET, SO_PEERCRED, &uc, &len));
	cr_assert(uc.pid == getpid() && uc.uid == 65534 && uc.gid == 65534);
	api_close_pair(a[0], a[1]);
	api_close_pair(b[0], b[1]);
}

/* An unconnected socket has no peer: pid 0, uid and gid -1, not an
 * error.  A listening socket reports its own credentials. */
API_TEST(sockopt, peercred_unconnected_and_listener)
{
	struct sockaddr_un sun;
	socklen_t alen = api_sun_abstract(&sun, "l");
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	struct ucred uc;
	socklen_t len = sizeof(uc);

	memset(&uc, 0x55, sizeof(uc));
	expect_ok(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &uc, &len));
	cr_assert_eq(len, sizeof(uc));
	cr_assert_eq(uc.pid, 0);
	cr_assert_eq(uc.uid, (uid_t)-1);
	cr_assert_eq(uc.gid, (gid_t)-1);
	expect_ok(bind(s, (struct sockaddr *)&sun, alen));
	expect_ok(listen(s, 1));
	len = sizeof(uc);
	expect_ok(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &uc, &len));
	cr_assert_eq(uc.pid, getpid());
	cr_assert_eq(uc.uid, 0);
	cr_assert_eq(uc.gid, 0);
	expect_ok(close(s));
}

/* SO_COOKIE: non-zero, stable, different for each socket; 8 bytes or
 * EINVAL (no truncation for this one). */
API_TEST(sockopt, cookie)
{
	int a = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int b = expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	int d;
	uint64_t ca = 0, ca2 = 0, cb = 0, cd = 0;
	socklen_t len = sizeof(ca);

	expect_ok(getsockopt(a, SOL_SOCKET, SO_COOKIE, &ca, &len));
	cr_assert_eq(len, sizeof(ca));
	expect_ok(getsockopt(a, SOL_SOCKET, SO_COOKIE, &ca2, &len));
	expect_ok(getsockopt(b, SOL_SOCKET, SO_COOKIE, &cb, &len));
	cr_assert_neq(ca, 0);
	cr_assert_neq(cb, 0);
	cr_assert_eq(ca, ca2);
	cr_assert_neq(ca, cb);
	/* A dup is the same socket. */
	d = expect_ok(dup(a));
	expect_ok(getsockopt(d, SOL_SOCKET, SO_COOKIE, &cd, &len));
	cr_assert_eq(cd, ca);
	len = 16;
	expect_ok(getsockopt(a, SOL_SOCKET, SO_COOKIE, &ca2, &len));
	cr_assert_eq(len, sizeof(ca));
	len = 4;
	expect_errno(getsockopt(a, SOL_SOCKET, SO_COOKIE, &ca2, &len), EINVAL);
	expect_errno(setsockopt(a, SOL_SOCKET, SO_COOKIE, &ca, sizeof(ca)),
		     ENOPROTOOPT);
	api_close_pair(d, a);
	expect_ok(close(b));
}

/* Root may set any priority, even a negative one. */
API_TEST(sockopt, priority_as_root)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	cr_assert_eq(api_get_int(s, SO_PRIORITY), 0);
	set_get(s, SO_PRIORITY, 6, 6);
	set_get(s, SO_PRIORITY, 7, 7);
	set_get(s, SO_PRIORITY, -1, -1);
	expect_ok(close(s));
}

/* Without CAP_NET_ADMIN/CAP_NET_RAW only 0..6 are allowed. */
API_TEST(sockopt, priority_unprivileged)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	api_drop_privileges();
	set_get(s, SO_PRIORITY, 6, 6);
	api_set_int(s, SO_PRIORITY, 0);
	expect_errno(set_int_err(s, SO_PRIORITY, 7), EPERM);
	expect_errno(set_int_err(s, SO_PRIORITY, -1), EPERM);
	cr_assert_eq(api_get_int(s, SO_PRIORITY), 0);
	expect_ok(close(s));
}

/* SO_DEBUG: setting it needs CAP_NET_ADMIN, and the refusal is EACCES,
 * not EPERM; clearing it is always allowed. */
API_TEST(sockopt, debug)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	cr_assert_eq(api_get_int(s, SO_DEBUG), 0);
	set_get(s, SO_DEBUG, 1, 1);
	api_drop_privileges();
	expect_errno(set_int_err(s, SO_DEBUG, 1), EACCES);
	set_get(s, SO_DEBUG, 0, 0);
	expect_errno(set_int_err(s, SO_DEBUG, 1), EACCES);
	cr_assert_eq(api_get_int(s, SO_DEBUG), 0);
	expect_ok(close(s));
}

/* SO_MARK needs CAP_NET_ADMIN or CAP_NET_RAW even to set 0. */
API_TEST(sockopt, mark)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	cr_assert_eq(api_get_int(s, SO_MARK), 0);
	set_get(s, SO_MARK, 42, 42);
	api_drop_privileges();
	expect_errno(set_int_err(s, SO_MARK, 1), EPERM);
	expect_errno(set_int_err(s, SO_MARK, 0), EPERM);
	cr_assert_eq(api_get_int(s, SO_MARK), 42);
	expect_ok(close(s));
}

/* SO_ZEROCOPY is for TCP and UDP only: EOPNOTSUPP on AF_UNIX, though it
 * can be read (0). */
API_TEST(sockopt, zerocopy_not_on_unix)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));

	expect_errno(set_int_err(s, SO_ZEROCOPY, 1), EOPNOTSUPP);
	cr_assert_eq(api_get_int(s, SO_ZEROCOPY), 0);
	expect_ok(close(s));
}

API_TEST(sockopt, unknown_option_enoprotoopt)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int v = 1;
	socklen_t len = sizeof(v);

	expect_errno(setsockopt(s, SOL_SOCKET, 9999, &v, sizeof(v)),
		     ENOPROTOOPT);
	expect_errno(getsockopt(s, SOL_SOCKET, 9999, &v, &len), ENOPROTOOPT);
	expect_errno(setsockopt(s, SOL_SOCKET, -1, &v, sizeof(v)), ENOPROTOOPT);
	expect_ok(close(s));
}

/* AF_UNIX has no options of its own below SOL_SOCKET: any other level,
 * known or not, is EOPNOTSUPP (not ENOPROTOOPT). */
API_TEST(sockopt, other_level_eopnotsupp)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int d = expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	int v = 1;
	socklen_t len = sizeof(v);

	expect_errno(setsockopt(s, IPPROTO_IP, IP_TOS, &v, sizeof(v)),
		     EOPNOTSUPP);
	expect_errno(getsockopt(s, IPPROTO_IP, IP_TOS, &v, &len), EOPNOTSUPP);
	expect_errno(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)),
		     EOPNOTSUPP);
	expect_errno(getsockopt(d, IPPROTO_UDP, 1, &v, &len), EOPNOTSUPP);
	expect_errno(setsockopt(d, 9999, 1, &v, sizeof(v)), EOPNOTSUPP);
	expect_errno(getsockopt(s, 9999, 1, &v, &len), EOPNOTSUPP);
	api_close_pair(s, d);
}

/* An int option needs optlen >= sizeof(int); the length is checked
 * before the option name, so even an unknown option is EINVAL.  A
 * longer optlen is fine (the first int is used).  optlen is an int in
 * the kernel: (socklen_t)-1 is negative, EINVAL. */
API_TEST(sockopt, set_short_optlen_einval)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int64_t big = 1;
	int v = 1;

	expect_errno(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, 0), EINVAL);
	expect_errno(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, 2), EINVAL);
	expect_errno(setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, 3), EINVAL);
	expect_errno(setsockopt(s, SOL_SOCKET, 9999, &v, 2), EINVAL);
	expect_errno(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, (socklen_t)-1),
		     EINVAL);
	cr_assert_eq(api_get_int(s, SO_REUSEADDR), 0);
	expect_ok(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &big, sizeof(big)));
	cr_assert_eq(api_get_int(s, SO_REUSEADDR), 1);
	expect_ok(close(s));
}

/* getsockopt copies min(optlen, size) bytes and reports that length; a
 * short buffer is not an error (SO_COOKIE is the exception, above). */
API_TEST(sockopt, get_truncates)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_DGRAM, 0));
	union {
		int i;
		unsigned char b[8];
	} v;
	socklen_t len;
	struct timeval tv = { .tv_sec = 3, .tv_usec = 0 };
	struct ucred uc;
	int sv[2];

	memset(&v, 0x55, sizeof(v));
	len = 1;
	expect_ok(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len));
	cr_assert_eq(len, 1);
	cr_assert_eq(v.b[0], SOCK_DGRAM);
	cr_assert_eq(v.b[1], 0x55);
	memset(&v, 0x55, sizeof(v));
	len = 0;
	expect_ok(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len));
	cr_assert_eq(len, 0);
	cr_assert_eq(v.b[0], 0x55);
	len = sizeof(v);
	expect_ok(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len));
	cr_assert_eq(len, sizeof(int));
	cr_assert_eq(v.i, SOCK_DGRAM);
	/* Structures too. */
	expect_ok(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	memset(&v, 0x55, sizeof(v));
	len = 4;
	expect_ok(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &v, &len));
	cr_assert_eq(len, 4);
	cr_assert_eq(v.i, 3);
	cr_assert_eq(v.b[4], 0x55);
	expect_ok(close(s));
	/* SO_PEERCRED too: 4 bytes give the pid only. */
	api_socketpair(SOCK_STREAM, sv);
	memset(&uc, 0x55, sizeof(uc));
	len = sizeof(uc.pid);
	expect_ok(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &uc, &len));
	cr_assert_eq(len, sizeof(uc.pid));
	cr_assert_eq(uc.pid, getpid());
	cr_assert_eq(uc.uid, 0x55555555u);
	api_close_pair(sv[0], sv[1]);
}

/* A negative optlen is EINVAL, checked before the option name. */
API_TEST(sockopt, get_negative_optlen_einval)
{
	int s = expect_ok(socket(AF_UNIX, SOCK_STREAM, 0));
	int v;
	socklen_t len = (socklen_t)-1;

	expect_errno(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len), EINVAL);
	len = (socklen_t)INT_MIN;
	expect_errno(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len), EINVAL);
	len = (socklen_t)-1;
	expect_errno(getsockopt(s, SOL_SOCKET, 9999, &v, &len), EINVAL);
	expect_ok(close(s));
}
