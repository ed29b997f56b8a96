/*
 * tcp_opts.c - TCP socket options and ioctls over IPv4 on the loopback,
 * as Linux does them: defaults, accepted ranges and errno, the values
 * Linux reports back (rounded, clamped or flattened to 0/1), what an
 * accepted socket inherits from its listener, and the visible effect of
 * the options that have one within milliseconds (TCP_CORK,
 * TCP_DEFER_ACCEPT, SO_RCVLOWAT, TCP_MAXSEG).
 *
 * Defaults that come from sysctls are compared with the target's own
 * sysctl (net.ipv4.tcp_keepalive_time, _intvl, _probes, tcp_syn_retries,
 * tcp_fin_timeout, tcp_congestion_control), read only to decide what to
 * expect.  Every connection goes to 127.0.0.1.
 *
 * <linux/tcp.h> rather than <netinet/tcp.h>: glibc's struct tcp_info
 * stops at tcpi_total_retrans.
 */
#include "api.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/tcp.h>

#define WAIT_MS 2000 /* upper bound on waiting for loopback delivery */

/* TCP states as tcpi_state reports them (include/net/tcp_states.h). */
#define ST_ESTABLISHED 1
#define ST_CLOSE       7
#define ST_LISTEN      10

/* setsockopt of an int; 0 or the errno. */
static int set_int(int fd, int level, int name, int v)
{
	errno = 0;
	if (setsockopt(fd, level, name, &v, sizeof(v)) == 0)
		return 0;
	return errno;
}

static int tcp_get(int fd, int name)
{
	return api_getsockopt_int(fd, IPPROTO_TCP, name);
}

static int tcp_set(int fd, int name, int v)
{
	return set_int(fd, IPPROTO_TCP, name, v);
}

/* Set name to v successfully and read back want. */
static void tcp_set_expect(int fd, int name, int v, int want)
{
	cr_assert_eq(tcp_set(fd, name, v), 0, "option %d = %d: %s", name, v,
		     strerror(errno));
	cr_assert_eq(tcp_get(fd, name), want, "option %d = %d: read %d", name,
		     v, tcp_get(fd, name));
}

/* A listener on 127.0.0.1:0, not yet listening when backlog < 0. */
static int tcp_listener(int backlog, struct sockaddr_in *addr)
{
	int l = api_tcp_socket();
	socklen_t len = sizeof(*addr);

	*addr = api_sin_of("127.0.0.1", 0);
	expect_ok(bind(l, (struct sockaddr *)addr, sizeof(*addr)));
	expect_ok(getsockname(l, (struct sockaddr *)addr, &len));
	if (backlog >= 0)
		expect_ok(listen(l, backlog));
	return l;
}

static void connect_accept(int l, const struct sockaddr_in *addr, int *c,
			   int *s)
{
	*c = api_tcp_socket();
	expect_ok(connect(*c, (const struct sockaddr *)addr, sizeof(*addr)));
	*s = expect_ok(accept(l, NULL, NULL));
}

static void tcp_pair(int *c, int *s)
{
	struct sockaddr_in addr;
	int l = tcp_listener(4, &addr);

	connect_accept(l, &addr, c, s);
	expect_ok(close(l));
}

static short wait_events(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	cr_assert_geq(poll(&p, 1, ms), 0);
	return p.revents;
}

static int inq(int fd)
{
	int n = -1;

	expect_ok(ioctl(fd, SIOCINQ, &n));
	return n;
}

/* Wait (bounded) until fd has want bytes to read; the count it has. */
static int wait_inq(int fd, int want)
{
	int n = inq(fd);

	for (int i = 0; i < WAIT_MS / 2 && n < want; i++) {
		api_msleep(2);
		n = inq(fd);
	}
	return n;
}

static void get_info(int fd, struct tcp_info *ti)
{
	socklen_t len = sizeof(*ti);

	memset(ti, 0, sizeof(*ti));
	expect_ok(getsockopt(fd, IPPROTO_TCP, TCP_INFO, ti, &len));
	/* The kernel gives min(len, its own size); a newer kernel than
	 * these headers has a larger struct. */
	cr_assert_geq(len, offsetof(struct tcp_info, tcpi_bytes_received) + 8);
	cr_assert_leq(len, sizeof(*ti));
}

/* A sysctl of the target's namespace by its /proc/sys/net name
 * ("ipv4.tcp_fin_timeout"), read only to decide what to expect. */

/* net.ipv4.tcp_congestion_control: the algorithm new sockets get.  usnet
 * has CUBIC (RFC 9438), as Linux builds by default; the kernel's is
 * whatever this machine is configured with. */
static void default_congestion(char *name, size_t size)
{
#ifdef API_TARGET_USNET
	snprintf(name, size, "cubic");
#else
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_congestion_control", "r");

	cr_assert_not_null(f, "tcp_congestion_control: %s", strerror(errno));
	cr_assert_not_null(fgets(name, (int)size, f));
	fclose(f);
	name[strcspn(name, "\n")] = 0;
#endif
}

/* -- defaults and the generic option rules -------------------------- */

/* The defaults of a new socket.  TCP_MAXSEG reads 536 (RFC 1122's
 * default MSS) until a connection sets it; TCP_QUICKACK reads 1 (it
 * reports "not in pingpong mode"); the keepalive, SYN retry and FIN
 * timeout values are the namespace's sysctls. */
API_TEST(tcp_opts, defaults, API_NEEDS_TCP)
{
	int s = api_tcp_socket();

	cr_assert_eq(tcp_get(s, TCP_NODELAY), 0);
	cr_assert_eq(tcp_get(s, TCP_CORK), 0);
	cr_assert_eq(tcp_get(s, TCP_MAXSEG), 536);
	cr_assert_eq(tcp_get(s, TCP_KEEPIDLE),
		     api_sysctl_net("ipv4.tcp_keepalive_time"));
	cr_assert_eq(tcp_get(s, TCP_KEEPINTVL),
		     api_sysctl_net("ipv4.tcp_keepalive_intvl"));
	cr_assert_eq(tcp_get(s, TCP_KEEPCNT),
		     api_sysctl_net("ipv4.tcp_keepalive_probes"));
	cr_assert_eq(tcp_get(s, TCP_SYNCNT),
		     api_sysctl_net("ipv4.tcp_syn_retries"));
	cr_assert_eq(tcp_get(s, TCP_LINGER2),
		     api_sysctl_net("ipv4.tcp_fin_timeout"));
	cr_assert_eq(tcp_get(s, TCP_USER_TIMEOUT), 0);
	cr_assert_eq(tcp_get(s, TCP_DEFER_ACCEPT), 0);
	cr_assert_eq(tcp_get(s, TCP_QUICKACK), 1);
	cr_assert_eq(tcp_get(s, TCP_FASTOPEN), 0);
	cr_assert_eq(tcp_get(s, TCP_WINDOW_CLAMP), 0);
	cr_assert_eq(tcp_get(s, TCP_NOTSENT_LOWAT), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_KEEPALIVE), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_OOBINLINE), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_RCVLOWAT), 1);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_PEEK_OFF), -1);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_TOS), 0);
	expect_ok(close(s));
}

/* Unknown SOL_TCP option numbers are ENOPROTOOPT, for get and set. */
API_TEST(tcp_opts, unknown_option_enoprotoopt, API_NEEDS_TCP)
{
	static const int unknown[] = { 0, 99, 200, -1 };
	int s = api_tcp_socket();
	int v = 1;
	socklen_t len = sizeof(v);

	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		expect_errno(setsockopt(s, IPPROTO_TCP, unknown[i], &v,
					sizeof(v)),
			     ENOPROTOOPT);
		len = sizeof(v);
		expect_errno(getsockopt(s, IPPROTO_TCP, unknown[i], &v, &len),
			     ENOPROTOOPT);
	}
	expect_ok(close(s));
}

/* An int option set with optlen < sizeof(int) is EINVAL; a longer optlen
 * is fine (only the int is read).  getsockopt copies min(len, 4) bytes
 * and says so, down to 0; a negative length is EINVAL. */
API_TEST(tcp_opts, option_lengths, API_NEEDS_TCP)
{
	int s = api_tcp_socket();
	int64_t wide = 1;
	unsigned char buf[8];
	socklen_t len;
	int v = 1;

	expect_errno(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, 0), EINVAL);
	expect_errno(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, 2), EINVAL);
	expect_errno(setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, 3), EINVAL);
	cr_assert_eq(tcp_get(s, TCP_NODELAY), 0);
	expect_ok(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &wide, sizeof(wide)));
	cr_assert_eq(tcp_get(s, TCP_NODELAY), 1);

	cr_assert_eq(tcp_set(s, TCP_KEEPIDLE, 0x1234), 0);
	memset(buf, 0xaa, sizeof(buf));
	len = 2;
	expect_ok(getsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, buf, &len));
	cr_assert_eq(len, 2);
	cr_assert_eq(buf[0] | buf[1] << 8, 0x1234); /* x86: little endian */
	cr_assert_eq(buf[2], 0xaa);
	len = 0;
	expect_ok(getsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, buf, &len));
	cr_assert_eq(len, 0);
	len = sizeof(buf);
	expect_ok(getsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, buf, &len));
	cr_assert_eq(len, sizeof(int));
	len = (socklen_t)-1;
	expect_errno(getsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, buf, &len),
		     EINVAL);
	expect_ok(close(s));
}

/* -- boolean options ------------------------------------------------ */

/* TCP_NODELAY, TCP_CORK, SO_KEEPALIVE: any non-zero value (negative
 * too) turns them on and reads back as 1; NODELAY and CORK are
 * independent flags. */
API_TEST(tcp_opts, boolean_options, API_NEEDS_TCP)
{
	int s = api_tcp_socket();

	tcp_set_expect(s, TCP_NODELAY, 5, 1);
	tcp_set_expect(s, TCP_NODELAY, -1, 1);
	tcp_set_expect(s, TCP_NODELAY, 0, 0);
	tcp_set_expect(s, TCP_CORK, 7, 1);
	tcp_set_expect(s, TCP_NODELAY, 1, 1);
	cr_assert_eq(tcp_get(s, TCP_CORK), 1);
	tcp_set_expect(s, TCP_CORK, 0, 0);
	cr_assert_eq(tcp_get(s, TCP_NODELAY), 1);
	cr_assert_eq(set_int(s, SOL_SOCKET, SO_KEEPALIVE, 9), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_KEEPALIVE), 1);
	cr_assert_eq(set_int(s, SOL_SOCKET, SO_KEEPALIVE, 0), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_KEEPALIVE), 0);
	expect_ok(close(s));
}

/* TCP_QUICKACK reads back whether the socket is out of "pingpong"
 * (delayed-ACK) mode: 0 puts it in, anything else takes it out. */
API_TEST(tcp_opts, quickack, API_NEEDS_TCP)
{
	int c, s;

	tcp_pair(&c, &s);
	cr_assert_eq(tcp_get(c, TCP_QUICKACK), 1);
	tcp_set_expect(c, TCP_QUICKACK, 0, 0);
	tcp_set_expect(c, TCP_QUICKACK, 1, 1);
	tcp_set_expect(c, TCP_QUICKACK, 0, 0);
	tcp_set_expect(c, TCP_QUICKACK, 5, 1);
	tcp_set_expect(c, TCP_QUICKACK, 0, 0);
	tcp_set_expect(c, TCP_QUICKACK, -1, 1);
	cr_assert_eq(send(c, "x", 1, 0), 1);
	cr_assert_eq(recv(s, &(char){ 0 }, 1, 0), 1);
	api_close_pair(c, s);
}

/* -- ranges --------------------------------------------------------- */

/* TCP_KEEPIDLE and TCP_KEEPINTVL take 1..32767 seconds, TCP_KEEPCNT
 * 1..127, TCP_SYNCNT 1..127; outside is EINVAL and changes nothing. */
API_TEST(tcp_opts, keepalive_and_syncnt_ranges, API_NEEDS_TCP)
{
	static const struct {
		int name, max;
	} opts[] = {
		{ TCP_KEEPIDLE, 32767 },
		{ TCP_KEEPINTVL, 32767 },
		{ TCP_KEEPCNT, 127 },
		{ TCP_SYNCNT, 127 },
	};
	int s = api_tcp_socket();

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		int name = opts[i].name, max = opts[i].max;

		tcp_set_expect(s, name, 1, 1);
		tcp_set_expect(s, name, max, max);
		cr_assert_eq(tcp_set(s, name, 0), EINVAL);
		cr_assert_eq(tcp_set(s, name, -1), EINVAL);
		cr_assert_eq(tcp_set(s, name, max + 1), EINVAL);
		cr_assert_eq(tcp_set(s, name, INT_MAX), EINVAL);
		cr_assert_eq(tcp_get(s, name), max);
		tcp_set_expect(s, name, 3, 3);
	}
	expect_ok(close(s));
}

/* TCP_KEEPIDLE and friends work on a connected socket, with or without
 * SO_KEEPALIVE on. */
API_TEST(tcp_opts, keepalive_on_connected, API_NEEDS_TCP)
{
	int c, s;

	tcp_pair(&c, &s);
	cr_assert_eq(set_int(c, SOL_SOCKET, SO_KEEPALIVE, 1), 0);
	tcp_set_expect(c, TCP_KEEPIDLE, 10, 10);
	tcp_set_expect(c, TCP_KEEPINTVL, 2, 2);
	tcp_set_expect(c, TCP_KEEPCNT, 4, 4);
	cr_assert_eq(set_int(c, SOL_SOCKET, SO_KEEPALIVE, 0), 0);
	tcp_set_expect(c, TCP_KEEPIDLE, 20, 20);
	cr_assert_eq(tcp_set(c, TCP_KEEPIDLE, 0), EINVAL);
	api_close_pair(c, s);
}

/* Keepalive probes go out: with TCP_KEEPIDLE 1 on an idle connection the
 * client sends one probe after a second (it counts in tcpi_segs_out), the
 * server answers it (tcpi_segs_in), nothing is outstanding afterwards
 * (tcpi_probes 0), and the connection carries on. */
API_TEST(tcp_opts, keepalive_probe_answered, API_NEEDS_TCP)
{
	struct tcp_info before, ti;
	int c, s;

	tcp_pair(&c, &s);
	get_info(c, &before);
	cr_assert_eq(set_int(c, SOL_SOCKET, SO_KEEPALIVE, 1), 0);
	tcp_set_expect(c, TCP_KEEPIDLE, 1, 1);
	tcp_set_expect(c, TCP_KEEPINTVL, 1, 1);
	api_msleep(500);
	get_info(c, &ti);
	cr_assert_eq(ti.tcpi_segs_out, before.tcpi_segs_out, "probe too early");
	api_msleep(1000);
	get_info(c, &ti);
	cr_assert_eq(ti.tcpi_segs_out, before.tcpi_segs_out + 1);
	cr_assert_eq(ti.tcpi_segs_in, before.tcpi_segs_in + 1);
	cr_assert_eq(ti.tcpi_probes, 0);
	cr_assert_eq(ti.tcpi_state, ST_ESTABLISHED);
	cr_assert_eq(send(s, "k", 1, 0), 1);
	cr_assert_eq(wait_inq(c, 1), 1);
	api_close_pair(c, s);
}

/* TCP_USER_TIMEOUT: any non-negative number of milliseconds. */
API_TEST(tcp_opts, user_timeout, API_NEEDS_TCP)
{
	int s = api_tcp_socket();

	tcp_set_expect(s, TCP_USER_TIMEOUT, 1, 1);
	tcp_set_expect(s, TCP_USER_TIMEOUT, 30000, 30000);
	tcp_set_expect(s, TCP_USER_TIMEOUT, INT_MAX, INT_MAX);
	cr_assert_eq(tcp_set(s, TCP_USER_TIMEOUT, -1), EINVAL);
	cr_assert_eq(tcp_get(s, TCP_USER_TIMEOUT), INT_MAX);
	tcp_set_expect(s, TCP_USER_TIMEOUT, 0, 0);
	expect_ok(close(s));
}

/* TCP_LINGER2 (the orphaned FIN_WAIT2 lifetime): negative reads back as
 * -1 (no FIN_WAIT2 at all), 0 as the sysctl tcp_fin_timeout, and values
 * over 120 s are clamped to 120 without EINVAL. */
API_TEST(tcp_opts, linger2, API_NEEDS_TCP)
{
	int s = api_tcp_socket();

	tcp_set_expect(s, TCP_LINGER2, 10, 10);
	tcp_set_expect(s, TCP_LINGER2, -5, -1);
	tcp_set_expect(s, TCP_LINGER2, 0,
		       api_sysctl_net("ipv4.tcp_fin_timeout"));
	tcp_set_expect(s, TCP_LINGER2, 120, 120);
	tcp_set_expect(s, TCP_LINGER2, 121, 120);
	tcp_set_expect(s, TCP_LINGER2, 1000, 120);
	expect_ok(close(s));
}

/* TCP_NOTSENT_LOWAT takes any int, stored as is. */
API_TEST(tcp_opts, notsent_lowat, API_NEEDS_TCP)
{
	int s = api_tcp_socket();

	tcp_set_expect(s, TCP_NOTSENT_LOWAT, 1, 1);
	tcp_set_expect(s, TCP_NOTSENT_LOWAT, 100000, 100000);
	tcp_set_expect(s, TCP_NOTSENT_LOWAT, -1, -1);
	tcp_set_expect(s, TCP_NOTSENT_LOWAT, 0, 0);
	expect_ok(close(s));
}

/* TCP_WINDOW_CLAMP: a value below half the minimum receive buffer
 * (negative included) is raised to that half; 0 clears the clamp, but
 * only on a socket that is not connected (EINVAL after). */
API_TEST(tcp_opts, window_clamp, API_NEEDS_TCP)
{
	int s = api_tcp_socket();
	int half_min_rcvbuf, c, t;

	/* The minimum receive buffer, as SO_RCVBUF reports it. */
	cr_assert_eq(set_int(s, SOL_SOCKET, SO_RCVBUF, 1), 0);
	half_min_rcvbuf = api_getsockopt_int(s, SOL_SOCKET, SO_RCVBUF) / 2;
	expect_ok(close(s));

	s = api_tcp_socket();
	tcp_set_expect(s, TCP_WINDOW_CLAMP, 5000, 5000);
	tcp_set_expect(s, TCP_WINDOW_CLAMP, 1, half_min_rcvbuf);
	tcp_set_expect(s, TCP_WINDOW_CLAMP, 100, half_min_rcvbuf);
	tcp_set_expect(s, TCP_WINDOW_CLAMP, -1, half_min_rcvbuf);
	tcp_set_expect(s, TCP_WINDOW_CLAMP, 0, 0);
	expect_ok(close(s));

	tcp_pair(&c, &t);
	cr_assert_eq(tcp_set(c, TCP_WINDOW_CLAMP, 0), EINVAL);
	cr_assert_eq(tcp_set(c, TCP_WINDOW_CLAMP, 20000), 0);
	api_close_pair(c, t);
}

/* -- TCP_MAXSEG ----------------------------------------------------- */

/* TCP_MAXSEG takes 88 (TCP_MIN_MSS) .. 32767 (MAX_TCP_WINDOW), or 0 for
 * "no user limit"; before a connection it reads back the value set. */
API_TEST(tcp_opts, maxseg_range, API_NEEDS_TCP)
{
	int s = api_tcp_socket();

	tcp_set_expect(s, TCP_MAXSEG, 88, 88);
	tcp_set_expect(s, TCP_MAXSEG, 32767, 32767);
	tcp_set_expect(s, TCP_MAXSEG, 1000, 1000);
	cr_assert_eq(tcp_set(s, TCP_MAXSEG, 87), EINVAL);
	cr_assert_eq(tcp_set(s, TCP_MAXSEG, 32768), EINVAL);
	cr_assert_eq(tcp_set(s, TCP_MAXSEG, 65535), EINVAL);
	cr_assert_eq(tcp_set(s, TCP_MAXSEG, -1), EINVAL);
	cr_assert_eq(tcp_get(s, TCP_MAXSEG), 1000);
	tcp_set_expect(s, TCP_MAXSEG, 0, 536);
	expect_ok(close(s));
}

/* Connected on the loopback, TCP_MAXSEG is the current send MSS
 * (tcpi_snd_mss): more than the 536 default and no more than the path
 * MTU (IP_MTU: 65535 on lo) less 40 bytes of headers and the options of
 * every segment (12 with timestamps). */
API_TEST(tcp_opts, maxseg_after_connect, API_NEEDS_TCP)
{
	struct tcp_info ti;
	int c, s, mss, opts;

	tcp_pair(&c, &s);
	get_info(c, &ti);
	mss = tcp_get(c, TCP_MAXSEG);
	opts = (ti.tcpi_options & TCPI_OPT_TIMESTAMPS) ? 12 : 0;
	cr_assert_eq((unsigned int)mss, ti.tcpi_snd_mss);
	cr_assert_gt(mss, 536);
	cr_assert_leq(mss, api_getsockopt_int(c, SOL_IP, IP_MTU) - 40 - opts);
	cr_assert_gt(tcp_get(s, TCP_MAXSEG), 536);
	api_close_pair(c, s);
}

/* TCP_MAXSEG set before connect (on the client, or on the listener) is
 * the MSS the SYN announces: both ends then send segments of that size
 * less the timestamp option.  Setting it on a connected socket succeeds
 * and changes nothing. */
API_TEST(tcp_opts, maxseg_before_connect, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	struct tcp_info ti;
	int l = tcp_listener(-1, &la);
	int c = api_tcp_socket();
	int s, opts;

	cr_assert_eq(tcp_set(c, TCP_MAXSEG, 1000), 0);
	expect_ok(listen(l, 4));
	expect_ok(connect(c, (struct sockaddr *)&la, sizeof(la)));
	s = expect_ok(accept(l, NULL, NULL));
	get_info(c, &ti);
	opts = (ti.tcpi_options & TCPI_OPT_TIMESTAMPS) ? 12 : 0;
	cr_assert_eq(tcp_get(c, TCP_MAXSEG), 1000 - opts);
	cr_assert_eq(tcp_get(s, TCP_MAXSEG), 1000 - opts);
	cr_assert_eq(tcp_set(c, TCP_MAXSEG, 500), 0);
	cr_assert_eq(tcp_get(c, TCP_MAXSEG), 1000 - opts);
	api_close_pair(c, s);

	/* On the listener: it reads back the value (state LISTEN), and its
	 * connections use it. */
	tcp_set_expect(l, TCP_MAXSEG, 1200, 1200);
	connect_accept(l, &la, &c, &s);
	cr_assert_eq(tcp_get(c, TCP_MAXSEG), 1200 - opts);
	cr_assert_eq(tcp_get(s, TCP_MAXSEG), 1200 - opts);
	api_close_pair(c, s);
	expect_ok(close(l));
}

/* -- listener options ----------------------------------------------- */

/* TCP_DEFER_ACCEPT is stored as a number of SYN-ACK retransmissions
 * (first after 1 s, doubling up to TCP_RTO_MAX = 120 s, at most 255) and
 * read back as the seconds those take: a value is rounded up to
 * 1, 3, 7, 15, 31, 63, 127, then steps of 120.  Negative is 0. */
API_TEST(tcp_opts, defer_accept_rounding, API_NEEDS_TCP)
{
	static const struct {
		int set, get;
	} cases[] = {
		{ 0, 0 },	   { -1, 0 },	       { 1, 1 },
		{ 2, 3 },	   { 3, 3 },	       { 4, 7 },
		{ 7, 7 },	   { 8, 15 },	       { 10, 15 },
		{ 16, 31 },	   { 30, 31 },	       { 32, 63 },
		{ 60, 63 },	   { 64, 127 },	       { 100, 127 },
		{ 127, 127 },	   { 128, 247 },       { 1000, 1087 },
		{ 100000, 29887 }, { INT_MAX, 29887 },
	};
	int s = api_tcp_socket();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tcp_set_expect(s, TCP_DEFER_ACCEPT, cases[i].set, cases[i].get);
	expect_ok(close(s));
}

/* With TCP_DEFER_ACCEPT, the client's connect completes but the
 * listener has nothing to accept until the first data arrives; the
 * accepted socket then has the data and no TCP_DEFER_ACCEPT itself. */
API_TEST(tcp_opts, defer_accept_waits_for_data, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l = tcp_listener(-1, &la);
	int c = api_tcp_socket();
	int s;

	cr_assert_eq(tcp_set(l, TCP_DEFER_ACCEPT, 5), 0);
	expect_ok(listen(l, 4));
	expect_ok(connect(c, (struct sockaddr *)&la, sizeof(la)));
	cr_assert_eq(wait_events(l, POLLIN, 50), 0);
	cr_assert_eq(send(c, "hi", 2, 0), 2);
	cr_assert(wait_events(l, POLLIN, WAIT_MS) & POLLIN);
	s = expect_ok(accept(l, NULL, NULL));
	cr_assert_eq(inq(s), 2);
	cr_assert_eq(tcp_get(s, TCP_DEFER_ACCEPT), 0);
	api_close_pair(c, s);
	expect_ok(close(l));
}

/* TCP_FASTOPEN (the listener's TFO queue length) can be set on a closed
 * or listening socket; on a connected one it is EINVAL; negative is
 * EINVAL. */
API_TEST(tcp_opts, fastopen_on_listener, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l = tcp_listener(-1, &la);
	int c, s;

	tcp_set_expect(l, TCP_FASTOPEN, 5, 5);
	expect_ok(listen(l, 4));
	cr_assert_eq(tcp_get(l, TCP_FASTOPEN), 5);
	tcp_set_expect(l, TCP_FASTOPEN, 16, 16);
	cr_assert_eq(tcp_set(l, TCP_FASTOPEN, -1), EINVAL);
	cr_assert_eq(tcp_get(l, TCP_FASTOPEN), 16);
	connect_accept(l, &la, &c, &s);
	cr_assert_eq(tcp_set(c, TCP_FASTOPEN, 5), EINVAL);
	cr_assert_eq(tcp_set(s, TCP_FASTOPEN, 5), EINVAL);
	api_close_pair(c, s);
	tcp_set_expect(l, TCP_FASTOPEN, 0, 0);
	expect_ok(close(l));
}

/* An accepted socket is a copy of its listener: it inherits socket,
 * IP and TCP options (TCP_CORK and the congestion control included). */
API_TEST(tcp_opts, accepted_inherits_listener_options, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l = tcp_listener(-1, &la);
	char name[16];
	socklen_t len = sizeof(name);
	int c, s;

	cr_assert_eq(tcp_set(l, TCP_NODELAY, 1), 0);
	cr_assert_eq(tcp_set(l, TCP_CORK, 1), 0);
	cr_assert_eq(tcp_set(l, TCP_KEEPIDLE, 77), 0);
	cr_assert_eq(tcp_set(l, TCP_KEEPINTVL, 11), 0);
	cr_assert_eq(tcp_set(l, TCP_KEEPCNT, 3), 0);
	cr_assert_eq(tcp_set(l, TCP_USER_TIMEOUT, 1234), 0);
	cr_assert_eq(tcp_set(l, TCP_LINGER2, 5), 0);
	cr_assert_eq(tcp_set(l, TCP_NOTSENT_LOWAT, 5555), 0);
	cr_assert_eq(tcp_set(l, TCP_SYNCNT, 3), 0);
	cr_assert_eq(set_int(l, SOL_SOCKET, SO_KEEPALIVE, 1), 0);
	cr_assert_eq(set_int(l, SOL_SOCKET, SO_OOBINLINE, 1), 0);
	cr_assert_eq(set_int(l, SOL_SOCKET, SO_RCVLOWAT, 7), 0);
	cr_assert_eq(set_int(l, SOL_IP, IP_TOS, 0x20), 0);
	cr_assert_eq(set_int(l, SOL_IP, IP_TTL, 33), 0);
	expect_ok(setsockopt(l, IPPROTO_TCP, TCP_CONGESTION, "reno", 4));
	expect_ok(listen(l, 4));
	connect_accept(l, &la, &c, &s);
	cr_assert_eq(tcp_get(s, TCP_NODELAY), 1);
	cr_assert_eq(tcp_get(s, TCP_CORK), 1);
	cr_assert_eq(tcp_get(s, TCP_KEEPIDLE), 77);
	cr_assert_eq(tcp_get(s, TCP_KEEPINTVL), 11);
	cr_assert_eq(tcp_get(s, TCP_KEEPCNT), 3);
	cr_assert_eq(tcp_get(s, TCP_USER_TIMEOUT), 1234);
	cr_assert_eq(tcp_get(s, TCP_LINGER2), 5);
	cr_assert_eq(tcp_get(s, TCP_NOTSENT_LOWAT), 5555);
	cr_assert_eq(tcp_get(s, TCP_SYNCNT), 3);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_KEEPALIVE), 1);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_OOBINLINE), 1);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_RCVLOWAT), 7);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_TOS), 0x20);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_TTL), 33);
	expect_ok(getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, name, &len));
	cr_assert_str_eq(name, "reno");
	/* The client is untouched. */
	cr_assert_eq(tcp_get(c, TCP_NODELAY), 0);
	cr_assert_eq(tcp_get(c, TCP_KEEPIDLE),
		     api_sysctl_net("ipv4.tcp_keepalive_time"));
	api_close_pair(c, s);
	expect_ok(close(l));
}

/* -- negotiated options ---------------------------------------------- */

/* What the handshake agreed shows in tcpi_options: timestamps (RFC 7323)
 * and SACK (RFC 2018) as the sysctls offer them, window scaling; then
 * every segment carries the 12 bytes of timestamps, so the send MSS is
 * the announced one less 12 (tcp_opts.maxseg_* check the sizes). */
API_TEST(tcp_opts, negotiated_options, API_NEEDS_TCP)
{
	struct tcp_info ti;
	int c, s, want = 0;

	if (api_sysctl_net("ipv4.tcp_timestamps"))
		want |= TCPI_OPT_TIMESTAMPS;
	if (api_sysctl_net("ipv4.tcp_sack"))
		want |= TCPI_OPT_SACK;
	want |= TCPI_OPT_WSCALE;
	tcp_pair(&c, &s);
	get_info(c, &ti);
	cr_assert_eq(ti.tcpi_options & (TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK |
					TCPI_OPT_WSCALE),
		     want, "client options %#x", ti.tcpi_options);
	get_info(s, &ti);
	cr_assert_eq(ti.tcpi_options & (TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK |
					TCPI_OPT_WSCALE),
		     want, "server options %#x", ti.tcpi_options);
	api_close_pair(c, s);
}

/* -- TCP_CONGESTION ------------------------------------------------- */

/* getsockopt(TCP_CONGESTION) copies min(len, 16) bytes (TCP_CA_NAME_MAX,
 * NUL padding included) and sets len to that: a short buffer gets a
 * truncated name without NUL. */
API_TEST(tcp_opts, congestion_get, API_NEEDS_TCP)
{
	char want[64], name[32];
	socklen_t len = sizeof(name);
	int s = api_tcp_socket();

	default_congestion(want, sizeof(want));
	memset(name, '#', sizeof(name));
	expect_ok(getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, name, &len));
	cr_assert_eq(len, 16);
	cr_assert_str_eq(name, want);
	for (size_t i = strlen(want); i < 16; i++)
		cr_assert_eq(name[i], 0);
	cr_assert_eq(name[16], '#');
	len = 2;
	memset(name, '#', sizeof(name));
	expect_ok(getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, name, &len));
	cr_assert_eq(len, 2);
	cr_assert_arr_eq(name, want, 2);
	cr_assert_eq(name[2], '#');
	expect_ok(close(s));
}

/* Setting "reno" (always available and allowed) works, on a new or a
 * connected socket; an unknown name, or a known one in the wrong case,
 * is ENOENT; optlen bounds the name (no NUL needed) and 0 is EINVAL. */
API_TEST(tcp_opts, congestion_set, API_NEEDS_TCP)
{
	char name[16], want[64];
	socklen_t len = sizeof(name);
	int s = api_tcp_socket();
	int c, t;

	expect_ok(setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, "reno", 4));
	expect_ok(getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, name, &len));
	cr_assert_str_eq(name, "reno");
	expect_errno(setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, "nosuch", 6),
		     ENOENT);
	expect_errno(setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, "RENO", 4),
		     ENOENT);
	expect_errno(setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, "", 1), ENOENT);
	expect_errno(setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, "reno", 0),
		     EINVAL);
	default_congestion(want, sizeof(want));
	expect_ok(
		setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, want, strlen(want)));
	/* CUBIC (RFC 9438) is built into both. */
	expect_ok(setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, "cubic", 5));
	len = sizeof(name);
	expect_ok(getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, name, &len));
	cr_assert_str_eq(name, "cubic");
	expect_errno(setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, "cubi", 4),
		     ENOENT);
	expect_ok(setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, "renoX", 4));
	len = sizeof(name);
	expect_ok(getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, name, &len));
	cr_assert_str_eq(name, "reno");
	expect_ok(close(s));

	tcp_pair(&c, &t);
	expect_ok(setsockopt(c, IPPROTO_TCP, TCP_CONGESTION, "reno", 5));
	len = sizeof(name);
	expect_ok(getsockopt(c, IPPROTO_TCP, TCP_CONGESTION, name, &len));
	cr_assert_str_eq(name, "reno");
	cr_assert_eq(send(c, "x", 1, 0), 1);
	cr_assert_eq(recv(t, name, 1, 0), 1);
	api_close_pair(c, t);
}

/* -- TCP_INFO ------------------------------------------------------- */

/* TCP_INFO of a new socket: state CLOSE, the default MSS, the initial
 * RTO of 1 s; a short buffer gets the first bytes. */
API_TEST(tcp_opts, info_unconnected, API_NEEDS_TCP)
{
	struct tcp_info ti;
	int s = api_tcp_socket();
	unsigned char b[4];
	socklen_t len = sizeof(b);

	get_info(s, &ti);
	cr_assert_eq(ti.tcpi_state, ST_CLOSE);
	cr_assert_eq(ti.tcpi_snd_mss, 536);
	cr_assert_eq(ti.tcpi_rto, 1000000);
	cr_assert_eq(ti.tcpi_bytes_acked, 0);
	cr_assert_eq(ti.tcpi_bytes_received, 0);
	memset(b, 0xaa, sizeof(b));
	len = 1;
	expect_ok(getsockopt(s, IPPROTO_TCP, TCP_INFO, b, &len));
	cr_assert_eq(len, 1);
	cr_assert_eq(b[0], ST_CLOSE);
	cr_assert_eq(b[1], 0xaa);
	expect_ok(close(s));
}

/* Reader for info_after_transfer. */
struct drain {
	pthread_t thread;
	int fd;
	size_t want, got;
};

static void *drain_main(void *arg)
{
	struct drain *d = arg;
	static char buf[65536];
	ssize_t n;

	while (d->got < d->want && (n = recv(d->fd, buf, sizeof(buf), 0)) > 0)
		d->got += (size_t)n;
	return NULL;
}

/* After a transfer: ESTABLISHED, tcpi_snd_mss equal to TCP_MAXSEG, an
 * RTO of at least TCP_RTO_MIN (200 ms), every byte acknowledged once the
 * send queue is empty (bytes_acked also counts the SYN) and received. */
API_TEST(tcp_opts, info_after_transfer, API_NEEDS_TCP)
{
	static char buf[100000];
	const size_t total = 10 * sizeof(buf);
	struct drain d = { .want = total };
	struct tcp_info ti;
	int c, s, outq = -1;

	tcp_pair(&c, &s);
	d.fd = s;
	cr_assert_eq(pthread_create(&d.thread, NULL, drain_main, &d), 0);
	for (int i = 0; i < 10; i++)
		cr_assert_eq(send(c, buf, sizeof(buf), 0), sizeof(buf));
	cr_assert_eq(pthread_join(d.thread, NULL), 0);
	cr_assert_eq(d.got, total);
	for (int i = 0; i < WAIT_MS / 2; i++) {
		expect_ok(ioctl(c, SIOCOUTQ, &outq));
		if (outq == 0)
			break;
		api_msleep(2);
	}
	cr_assert_eq(outq, 0);
	get_info(c, &ti);
	cr_assert_eq(ti.tcpi_state, ST_ESTABLISHED);
	cr_assert_eq(ti.tcpi_snd_mss, (unsigned int)tcp_get(c, TCP_MAXSEG));
	cr_assert_geq(ti.tcpi_rto, 200000);
	cr_assert_geq(ti.tcpi_bytes_acked, total);
	cr_assert_leq(ti.tcpi_bytes_acked, total + 1);
	cr_assert_gt(ti.tcpi_segs_out, 0);
	get_info(s, &ti);
	cr_assert_eq(ti.tcpi_state, ST_ESTABLISHED);
	cr_assert_eq(ti.tcpi_bytes_received, total);
	cr_assert_gt(ti.tcpi_segs_in, 0);
	api_close_pair(c, s);
}

/* -- IP_TOS, SO_RCVLOWAT -------------------------------------------- */

/* IP_TOS on TCP keeps only the DSCP bits: the two ECN bits are the
 * stack's, cleared silently; bits above the low byte are dropped. */
API_TEST(tcp_opts, ip_tos_masks_ecn, API_NEEDS_TCP)
{
	static const struct {
		int set, get;
	} cases[] = {
		{ 0x10, 0x10 }, { 0xff, 0xfc },	 { 0x03, 0x00 }, { 0x41, 0x40 },
		{ 0xb8, 0xb8 }, { 0x104, 0x04 }, { -1, 0xfc },	 { 0, 0 },
	};
	int c, s;

	tcp_pair(&c, &s);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(set_int(c, SOL_IP, IP_TOS, cases[i].set), 0);
		cr_assert_eq(api_getsockopt_int(c, SOL_IP, IP_TOS),
			     cases[i].get, "IP_TOS %#x read %#x", cases[i].set,
			     api_getsockopt_int(c, SOL_IP, IP_TOS));
	}
	cr_assert_eq(set_int(c, SOL_IP, IP_TOS, 0x28), 0);
	cr_assert_eq(send(c, "x", 1, 0), 1);
	cr_assert_eq(recv(s, &(char){ 0 }, 1, 0), 1);
	api_close_pair(c, s);
}

/* SO_RCVLOWAT on TCP: poll reports POLLIN only when that many bytes are
 * queued, but a nonblocking recv returns what there is.  0 reads back as
 * 1; a negative or huge value is capped at half the receive buffer (when
 * SO_RCVBUF was set; otherwise at half of tcp_rmem[2]). */
API_TEST(tcp_opts, rcvlowat, API_NEEDS_TCP)
{
	char buf[16];
	int c, s, rcvbuf;

	tcp_pair(&c, &s);
	cr_assert_eq(set_int(s, SOL_SOCKET, SO_RCVLOWAT, 5), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_RCVLOWAT), 5);
	cr_assert_eq(send(c, "abc", 3, 0), 3);
	cr_assert_eq(wait_inq(s, 3), 3);
	cr_assert_eq(api_revents(s, POLLIN), 0);
	cr_assert_eq(recv(s, buf, sizeof(buf), MSG_DONTWAIT), 3);
	cr_assert_eq(send(c, "abc", 3, 0), 3);
	cr_assert_eq(wait_inq(s, 3), 3);
	cr_assert_eq(api_revents(s, POLLIN), 0);
	cr_assert_eq(send(c, "de", 2, 0), 2);
	cr_assert(wait_events(s, POLLIN, WAIT_MS) & POLLIN);
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 5);

	cr_assert_eq(set_int(s, SOL_SOCKET, SO_RCVLOWAT, 0), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_RCVLOWAT), 1);
	cr_assert_eq(set_int(s, SOL_SOCKET, SO_RCVBUF, 65536), 0);
	rcvbuf = api_getsockopt_int(s, SOL_SOCKET, SO_RCVBUF);
	cr_assert_eq(set_int(s, SOL_SOCKET, SO_RCVLOWAT, -1), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_RCVLOWAT),
		     rcvbuf / 2);
	cr_assert_eq(set_int(s, SOL_SOCKET, SO_RCVLOWAT, INT_MAX), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_RCVLOWAT),
		     rcvbuf / 2);
	api_close_pair(c, s);
}

/* -- ioctls --------------------------------------------------------- */

/* SIOCINQ (= FIONREAD), SIOCOUTQ and SIOCOUTQNSD: 0 on a new socket,
 * EINVAL on a listener (where SIOCATMARK still answers 0).  Connected,
 * SIOCINQ counts the bytes to read and SIOCOUTQ the bytes not yet
 * acknowledged, which drops to 0 once the peer has read everything. */
API_TEST(tcp_opts, queue_ioctls, API_NEEDS_TCP)
{
	static char buf[4096];
	struct sockaddr_in la;
	int l = tcp_listener(4, &la);
	int s = api_tcp_socket();
	int c, t, n = -1;
	size_t filled;

	expect_ok(ioctl(s, SIOCINQ, &n));
	cr_assert_eq(n, 0);
	expect_ok(ioctl(s, SIOCOUTQ, &n));
	cr_assert_eq(n, 0);
	expect_ok(ioctl(s, SIOCOUTQNSD, &n));
	cr_assert_eq(n, 0);
	expect_ok(close(s));
	expect_errno(ioctl(l, SIOCINQ, &n), EINVAL);
	expect_errno(ioctl(l, FIONREAD, &n), EINVAL);
	expect_errno(ioctl(l, SIOCOUTQ, &n), EINVAL);
	expect_errno(ioctl(l, SIOCOUTQNSD, &n), EINVAL);
	n = -1;
	expect_ok(ioctl(l, SIOCATMARK, &n));
	cr_assert_eq(n, 0);

	connect_accept(l, &la, &c, &t);
	cr_assert_eq(send(c, buf, 100, 0), 100);
	cr_assert_eq(wait_inq(t, 100), 100);
	expect_ok(ioctl(t, FIONREAD, &n));
	cr_assert_eq(n, 100);
	cr_assert_eq(recv(t, buf, 40, 0), 40);
	cr_assert_eq(inq(t), 60);

	/* Fill with small buffers: the bytes beyond what the peer took are
	 * counted in SIOCOUTQ. */
	cr_assert_eq(set_int(c, SOL_SOCKET, SO_SNDBUF, 32768), 0);
	cr_assert_eq(set_int(t, SOL_SOCKET, SO_RCVBUF, 32768), 0);
	filled = api_fill(c);
	cr_assert_gt(filled, 0);
	expect_ok(ioctl(c, SIOCOUTQ, &n));
	cr_assert_gt(n, 0);
	cr_assert_leq((size_t)n, filled);
	expect_ok(ioctl(c, SIOCOUTQNSD, &n));
	cr_assert_geq(n, 0);
	for (size_t got = 0; got < filled + 60;) {
		ssize_t r = recv(t, buf, sizeof(buf), 0);

		cr_assert_gt(r, 0);
		got += (size_t)r;
	}
	for (int i = 0; i < WAIT_MS / 2; i++) {
		expect_ok(ioctl(c, SIOCOUTQ, &n));
		if (n == 0)
			break;
		api_msleep(2);
	}
	cr_assert_eq(n, 0);
	api_close_pair(c, t);
	expect_ok(close(l));
}

/* -- TCP_CORK ------------------------------------------------------- */

/* TCP_CORK holds back a partial segment (Linux sends it anyway after
 * about 200 ms; the test looks well before); uncorking sends it at once.
 * Turning TCP_NODELAY on while corked also pushes what is pending,
 * though the cork stays set. */
API_TEST(tcp_opts, cork_holds_partial_segment, API_NEEDS_TCP)
{
	char buf[16];
	int c, s;

	tcp_pair(&c, &s);
	cr_assert_eq(tcp_set(c, TCP_CORK, 1), 0);
	cr_assert_eq(send(c, "12345", 5, 0), 5);
	cr_assert_eq(wait_events(s, POLLIN, 30), 0);
	cr_assert_eq(tcp_set(c, TCP_CORK, 0), 0);
	cr_assert(wait_events(s, POLLIN, WAIT_MS) & POLLIN);
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 5);

	cr_assert_eq(tcp_set(c, TCP_CORK, 1), 0);
	cr_assert_eq(send(c, "678", 3, 0), 3);
	cr_assert_eq(wait_events(s, POLLIN, 30), 0);
	cr_assert_eq(tcp_set(c, TCP_NODELAY, 1), 0);
	cr_assert(wait_events(s, POLLIN, WAIT_MS) & POLLIN);
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 3);
	cr_assert_eq(tcp_get(c, TCP_CORK), 1);
	api_close_pair(c, s);
}

/* Wait for fd to become readable; assert that it took lo..hi ms from t0
 * and that n bytes came. */
static void expect_arrival(int fd, const struct timespec *t0, long lo, long hi,
			   int n)
{
	char buf[16];

	cr_assert(wait_events(fd, POLLIN, WAIT_MS) & POLLIN);
	api_expect_elapsed(t0, lo, hi);
	cr_assert_eq(recv(fd, buf, sizeof(buf), 0), n);
}

/* The ceiling of TCP_CORK (tcp(7): 200 ms): a partial segment held with
 * nothing in flight goes when the probe timer (the RTO, at least 200 ms)
 * ends, the cork still set; and so again for the next one. */
API_TEST(tcp_opts, cork_ceiling_200ms, API_NEEDS_TCP)
{
	struct timespec t0;
	int c, s;

	tcp_pair(&c, &s);
	cr_assert_eq(tcp_set(c, TCP_CORK, 1), 0);
	for (int round = 0; round < 2; round++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		cr_assert_eq(send(c, "12345", 5, 0), 5);
		cr_assert_eq(wait_events(s, POLLIN, 150), 0, "round %d", round);
		expect_arrival(s, &t0, 150, 800, 5);
	}
	cr_assert_eq(tcp_get(c, TCP_CORK), 1);
	api_close_pair(c, s);
}

/* MSG_MORE corks one call, with the same ceiling. */
API_TEST(tcp_opts, msg_more_ceiling_200ms, API_NEEDS_TCP)
{
	struct timespec t0;
	int c, s;

	tcp_pair(&c, &s);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(send(c, "123", 3, MSG_MORE), 3);
	cr_assert_eq(wait_events(s, POLLIN, 150), 0);
	expect_arrival(s, &t0, 150, 800, 3);
	api_close_pair(c, s);
}
