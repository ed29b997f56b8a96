/*
 * tcp_basic.c - TCP connection management over IPv4 on the loopback, as
 * Linux does it: socket/bind/listen/connect/accept, the errno of every call
 * made in the wrong state, blocking and nonblocking connect (refused
 * included), the listen backlog, accept4 flags, shutdown in each direction,
 * resets (close with unread data, SO_LINGER 0, connect(AF_UNSPEC)), and
 * the port rules around TIME_WAIT and SO_REUSEADDR.
 *
 * Every connection goes to 127.0.0.0/8; every port comes from bind(0) or
 * connect.  A closed port is found by binding a port and closing the
 * socket.  The sysctls read (core.somaxconn) only decide what to expect.
 * No test waits for a TIME_WAIT to expire; the loopback handshakes and
 * resets the tests wait for arrive within milliseconds, and the waits are
 * bounded by WAIT_MS.
 *
 * Linux admits a connection into the accept queue while the queue holds
 * no more than the backlog, so backlog B completes B + 1 handshakes; a SYN
 * that finds the queue over that is dropped (the client retransmits it
 * after the initial RTO of one second, which no test here waits for).
 */
#include "api.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#define WAIT_MS 2000 /* upper bound on waiting for loopback delivery */

static uint16_t port_of(int fd)
{
	return ntohs(api_name_of(fd).sin_port);
}

static void expect_same_addr(struct sockaddr_in a, struct sockaddr_in b)
{
	cr_assert_eq(a.sin_family, b.sin_family);
	cr_assert_eq(a.sin_addr.s_addr, b.sin_addr.s_addr, "%08x != %08x",
		     ntohl(a.sin_addr.s_addr), ntohl(b.sin_addr.s_addr));
	cr_assert_eq(a.sin_port, b.sin_port, "port %u != %u", ntohs(a.sin_port),
		     ntohs(b.sin_port));
}

static void set_int(int fd, int level, int name, int v)
{
	expect_ok(setsockopt(fd, level, name, &v, sizeof(v)));
}

/* bind() to ip:port (port in host order); 0 or the errno. */
static int bind_err(int fd, const char *ip, uint16_t port)
{
	struct sockaddr_in sin = api_sin_of(ip, port);

	errno = 0;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
		return 0;
	return errno;
}

/* A fresh socket's bind() to ip:port, with or without SO_REUSEADDR;
 * 0 or the errno.  The socket is closed again. */
static int try_bind(const char *ip, uint16_t port, bool reuse)
{
	int s = api_tcp_socket();
	int err;

	if (reuse)
		set_int(s, SOL_SOCKET, SO_REUSEADDR, 1);
	err = bind_err(s, ip, port);
	expect_ok(close(s));
	return err;
}

/* The same, retried for up to WAIT_MS while it fails with EADDRINUSE: for
 * ports that become free once a passive close has seen its last ACK. */
static int try_bind_soon(const char *ip, uint16_t port, bool reuse)
{
	struct timespec t0;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((err = try_bind(ip, port, reuse)) == EADDRINUSE &&
	       api_ms_since(&t0) < WAIT_MS)
		api_msleep(5);
	return err;
}

static int connect_err(int fd, const struct sockaddr_in *to)
{
	errno = 0;
	if (connect(fd, (const struct sockaddr *)to, sizeof(*to)) == 0)
		return 0;
	return errno;
}

/* A listener on 127.0.0.1:0 (optionally with SO_REUSEADDR); its address
 * goes to *addr. */
static int listener_opt(int backlog, bool reuse, struct sockaddr_in *addr)
{
	int l = api_tcp_socket();

	if (reuse)
		set_int(l, SOL_SOCKET, SO_REUSEADDR, 1);
	cr_assert_eq(bind_err(l, "127.0.0.1", 0), 0);
	expect_ok(listen(l, backlog));
	*addr = api_name_of(l);
	return l;
}

static int tcp_listener(int backlog, struct sockaddr_in *addr)
{
	return listener_opt(backlog, false, addr);
}

/* A blocking connect to the listener l at addr, and its accept. */
static void connect_accept(int l, const struct sockaddr_in *addr, int *c,
			   int *s)
{
	*c = api_tcp_socket();
	cr_assert_eq(connect_err(*c, addr), 0, "connect: %s", strerror(errno));
	*s = expect_ok(accept(l, NULL, NULL));
}

/* A connected pair made through a listener that is closed again. */
static void tcp_pair(int *c, int *s)
{
	struct sockaddr_in addr;
	int l = tcp_listener(4, &addr);

	connect_accept(l, &addr, c, s);
	expect_ok(close(l));
}

/*
 * The same with the client bound to 127.0.0.1:0 before it connects.  A
 * port that connect() picks is exclusive only per destination: other
 * connections (even other tests' TIME_WAIT sockets) may share it, so a
 * test that expects a client port to be free again must use this.
 */
static void tcp_pair_bound(int *c, int *s)
{
	struct sockaddr_in addr;
	int l = tcp_listener(4, &addr);

	*c = api_tcp_socket();
	cr_assert_eq(bind_err(*c, "127.0.0.1", 0), 0);
	cr_assert_eq(connect_err(*c, &addr), 0);
	*s = expect_ok(accept(l, NULL, NULL));
	expect_ok(close(l));
}

/* poll() one descriptor for up to ms; the revents. */
static short wait_events(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	cr_assert_geq(poll(&p, 1, ms), 0);
	return p.revents;
}

static void wait_error(int fd)
{
	cr_assert(wait_events(fd, 0, WAIT_MS) & POLLERR, "no POLLERR");
}

static void wait_readable(int fd)
{
	cr_assert(wait_events(fd, POLLIN, WAIT_MS) & POLLIN, "not readable");
}

static void set_nonblock(int fd)
{
	int fl = expect_ok(fcntl(fd, F_GETFL));

	expect_ok(fcntl(fd, F_SETFL, fl | O_NONBLOCK));
}

/* A loopback port (host order) with no socket on it. */
static uint16_t closed_port(void)
{
	int s = api_tcp_socket();
	uint16_t port;

	cr_assert_eq(bind_err(s, "127.0.0.1", 0), 0);
	port = port_of(s);
	expect_ok(close(s));
	return port;
}

/* A listener on an explicit port (one bind(0) just gave out). */
static int listener_explicit(int backlog, struct sockaddr_in *addr)
{
	int l = api_tcp_socket();

	cr_assert_eq(bind_err(l, "127.0.0.1", closed_port()), 0);
	expect_ok(listen(l, backlog));
	*addr = api_name_of(l);
	return l;
}

/* The listener's accept queue as TCP_INFO reports it: tcpi_unacked is
 * the number of connections waiting for accept, tcpi_sacked the backlog
 * (what ss shows as Recv-Q and Send-Q). */
static void listen_queue(int l, unsigned int *queued, unsigned int *backlog)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	expect_ok(getsockopt(l, SOL_TCP, TCP_INFO, &ti, &len));
	cr_assert_eq(len, sizeof(ti));
	cr_assert_eq(ti.tcpi_state, TCP_LISTEN);
	*queued = ti.tcpi_unacked;
	*backlog = ti.tcpi_sacked;
}

/* A sysctl of the target's namespace by its /proc/sys/net name
 * ("core.somaxconn"), read only to decide what to expect. */

/* SYN cookies (RFC 4987 3.6) for every SYN (tcp_syncookies 2): the
 * connection is made from the cookie in the ACK, without a SYN-queue
 * entry.  The cookie keeps the client's MSS as one of Linux's four
 * values (1460 for loopback's 65495), so the server sends 1460-byte
 * segments (less 12 with timestamps); the client still sees the server's
 * full MSS.  Timestamps carry window scaling and SACK-permitted through
 * (TSval's low bits), so both ends agree on the same options. */
API_TEST(tcp_basic, syncookies_always, API_NEEDS_TCP)
{
	struct tcp_info ci, si;
	char buf[8];
	int c, s, ts;
	socklen_t len = sizeof(ci);

	api_sysctl_net_set("ipv4.tcp_syncookies", 2);
	ts = api_sysctl_net("ipv4.tcp_timestamps") ? 12 : 0;
	tcp_pair(&c, &s);
	cr_assert_eq(api_getsockopt_int(s, IPPROTO_TCP, TCP_MAXSEG), 1460 - ts);
	cr_assert_gt(api_getsockopt_int(c, IPPROTO_TCP, TCP_MAXSEG), 1460);
	expect_ok(getsockopt(c, IPPROTO_TCP, TCP_INFO, &ci, &len));
	len = sizeof(si);
	expect_ok(getsockopt(s, IPPROTO_TCP, TCP_INFO, &si, &len));
	cr_assert_eq(si.tcpi_state, TCP_ESTABLISHED);
	cr_assert_eq(si.tcpi_options, ci.tcpi_options);
	cr_assert_eq(si.tcpi_snd_wscale, ci.tcpi_rcv_wscale);
	cr_assert_eq(si.tcpi_rcv_wscale, ci.tcpi_snd_wscale);
	cr_assert_eq(send(c, "ping", 4, 0), 4);
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 4);
	cr_assert_eq(send(s, "pong", 4, 0), 4);
	cr_assert_eq(recv(c, buf, sizeof(buf), 0), 4);
	cr_assert_arr_eq(buf, "pong", 4);
	api_close_pair(c, s);
}

/* Without timestamps a cookie has no room for window scaling and SACK:
 * the SYN-ACK offers neither, and the connection has none. */
API_TEST(tcp_basic, syncookies_without_timestamps, API_NEEDS_TCP)
{
	struct tcp_info ci, si;
	int c, s;
	socklen_t len = sizeof(ci);

	api_sysctl_net_set("ipv4.tcp_syncookies", 2);
	api_sysctl_net_set("ipv4.tcp_timestamps", 0);
	tcp_pair(&c, &s);
	cr_assert_eq(api_getsockopt_int(s, IPPROTO_TCP, TCP_MAXSEG), 1460);
	expect_ok(getsockopt(c, IPPROTO_TCP, TCP_INFO, &ci, &len));
	len = sizeof(si);
	expect_ok(getsockopt(s, IPPROTO_TCP, TCP_INFO, &si, &len));
	cr_assert_eq(si.tcpi_options & (TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK |
					TCPI_OPT_WSCALE),
		     0, "server options %#x", si.tcpi_options);
	cr_assert_eq(ci.tcpi_options & (TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK |
					TCPI_OPT_WSCALE),
		     0, "client options %#x", ci.tcpi_options);
	api_close_pair(c, s);
}

/* -- TCP Fast Open (RFC 7413) -------------------------------------- */

static int tcp_info_options(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	expect_ok(getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len));
	return ti.tcpi_options;
}

/* One MSG_FASTOPEN connection to @la: sendto() connects and sends
 * @msg; the accepted socket reads it.  Returns the client's
 * tcpi_options; the server's in *@sopts. */
static int fastopen_once(int l, const struct sockaddr_in *la, const char *msg,
			 int *sopts)
{
	size_t len = strlen(msg);
	char buf[32] = { 0 };
	int c = api_tcp_socket(), s, copts;

	cr_assert_eq(sendto(c, msg, len, MSG_FASTOPEN, (struct sockaddr *)la,
			    sizeof(*la)),
		     (ssize_t)len, "sendto: %s", strerror(errno));
	s = expect_ok(accept(l, NULL, NULL));
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), (ssize_t)len);
	cr_assert_str_eq(buf, msg);
	copts = tcp_info_options(c);
	*sopts = tcp_info_options(s);
	api_close_pair(c, s);
	return copts;
}

/* The first connection to a server asks for a cookie (its data follows
 * the handshake); the next carries the cookie and its data in the SYN,
 * which the server acknowledges (TCPI_OPT_SYN_DATA on both ends) and
 * hands to accept() with the data already there. */
API_TEST(tcp_basic, fastopen_cookie_then_syn_data, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l, sopts;

	api_sysctl_net_set("ipv4.tcp_fastopen", 3);
	l = tcp_listener(8, &la);
	cr_assert_eq(setsockopt(l, IPPROTO_TCP, TCP_FASTOPEN, &(int){ 5 },
				sizeof(int)),
		     0);
	cr_assert_eq(fastopen_once(l, &la, "first", &sopts) & TCPI_OPT_SYN_DATA,
		     0);
	cr_assert_eq(sopts & TCPI_OPT_SYN_DATA, 0);
	cr_assert_eq(fastopen_once(l, &la, "second", &sopts) &
			     TCPI_OPT_SYN_DATA,
		     TCPI_OPT_SYN_DATA);
	cr_assert_eq(sopts & TCPI_OPT_SYN_DATA, TCPI_OPT_SYN_DATA);
	expect_ok(close(l));
}

/* TCP_FASTOPEN_CONNECT: without a cookie connect() sends a SYN asking
 * for one and the data follows the handshake; with a cookie connect()
 * returns 0 at once, sends nothing, and the first write sends the SYN
 * with its data (TCPI_OPT_SYN_DATA); poll reports the socket writable
 * meanwhile. */
API_TEST(tcp_basic, fastopen_connect, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	struct pollfd pfd;
	char buf[16] = { 0 };
	int l, c, s;

	api_sysctl_net_set("ipv4.tcp_fastopen", 3);
	l = tcp_listener(8, &la);
	expect_ok(setsockopt(l, IPPROTO_TCP, TCP_FASTOPEN, &(int){ 5 },
			     sizeof(int)));
	for (int round = 0; round < 2; round++) {
		c = api_tcp_socket();
		expect_ok(setsockopt(c, IPPROTO_TCP, TCP_FASTOPEN_CONNECT,
				     &(int){ 1 }, sizeof(int)));
		expect_ok(connect(c, (struct sockaddr *)&la, sizeof(la)));
		pfd = (struct pollfd){ .fd = c, .events = POLLOUT };
		cr_assert_eq(poll(&pfd, 1, 1000), 1);
		cr_assert(pfd.revents & POLLOUT);
		cr_assert_eq(send(c, "hello", 5, 0), 5);
		s = expect_ok(accept(l, NULL, NULL));
		cr_assert_eq(recv(s, buf, sizeof(buf), 0), 5);
		cr_assert_str_eq(buf, "hello");
		cr_assert_eq(tcp_info_options(c) & TCPI_OPT_SYN_DATA,
			     round ? TCPI_OPT_SYN_DATA : 0, "round %d", round);
		api_close_pair(c, s);
	}
	/* closed before any write: nothing was sent, nothing to accept */
	c = api_tcp_socket();
	expect_ok(setsockopt(c, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &(int){ 1 },
			     sizeof(int)));
	expect_ok(connect(c, (struct sockaddr *)&la, sizeof(la)));
	expect_ok(close(c));
	pfd = (struct pollfd){ .fd = l, .events = POLLIN };
	cr_assert_eq(poll(&pfd, 1, 100), 0);
	expect_ok(close(l));
}

/* A listener without TCP_FASTOPEN takes no SYN data: the client's data
 * goes after the handshake, and the connection works all the same. */
API_TEST(tcp_basic, fastopen_listener_not_enabled, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l, sopts;

	api_sysctl_net_set("ipv4.tcp_fastopen", 3);
	l = tcp_listener(8, &la);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(fastopen_once(l, &la, "data", &sopts) &
				     TCPI_OPT_SYN_DATA,
			     0);
		cr_assert_eq(sopts & TCPI_OPT_SYN_DATA, 0);
	}
	expect_ok(close(l));
}

/* The failure modes of MSG_FASTOPEN and TCP_FASTOPEN_CONNECT: with the
 * client side off both are EOPNOTSUPP; an AF_UNSPEC address is
 * EOPNOTSUPP, none at all EINVAL; on a connected socket EISCONN;
 * TCP_FASTOPEN_CONNECT takes 0 or 1, on a closed socket only. */
API_TEST(tcp_basic, fastopen_errors, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	int l, c, s, v;

	api_sysctl_net_set("ipv4.tcp_fastopen", 0);
	l = tcp_listener(8, &la);
	c = api_tcp_socket();
	expect_errno(sendto(c, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&la,
			    sizeof(la)),
		     EOPNOTSUPP);
	expect_errno(setsockopt(c, IPPROTO_TCP, TCP_FASTOPEN_CONNECT,
				&(int){ 1 }, sizeof(int)),
		     EOPNOTSUPP);
	api_sysctl_net_set("ipv4.tcp_fastopen", 1);
	expect_errno(sendto(c, "x", 1, MSG_FASTOPEN, &unspec, sizeof(unspec)),
		     EOPNOTSUPP);
	expect_errno(send(c, "x", 1, MSG_FASTOPEN), EINVAL);
	expect_errno(setsockopt(c, IPPROTO_TCP, TCP_FASTOPEN_CONNECT,
				&(int){ 2 }, sizeof(int)),
		     EINVAL);
	expect_ok(setsockopt(c, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &(int){ 1 },
			     sizeof(int)));
	v = api_getsockopt_int(c, IPPROTO_TCP, TCP_FASTOPEN_CONNECT);
	cr_assert_eq(v, 1);
	expect_ok(close(c));
	connect_accept(l, &la, &c, &s);
	expect_errno(sendto(c, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&la,
			    sizeof(la)),
		     EISCONN);
	expect_errno(setsockopt(c, IPPROTO_TCP, TCP_FASTOPEN_CONNECT,
				&(int){ 1 }, sizeof(int)),
		     EINVAL);
	api_close_pair(c, s);
	expect_ok(close(l));
}

/* Close with SO_LINGER {1, 0}: an abortive close that sends a RST. */
static void close_rst(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	expect_ok(setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	expect_ok(close(fd));
}

/* -- sockets, names, the handshake ---------------------------------- */

/* A new TCP socket is in state CLOSE, which poll reports as POLLOUT |
 * POLLHUP: a never-connected TCP socket is "writable" (send fails at
 * once with EPIPE) and hung up. */
API_TEST(tcp, new_socket_defaults, API_NEEDS_TCP)
{
	int s = api_tcp_socket();
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_PROTOCOL),
		     IPPROTO_TCP);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_DOMAIN), AF_INET);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_ACCEPTCONN), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_ERROR), 0);
	expect_errno(getpeername(s, (struct sockaddr *)&sin, &len), ENOTCONN);
	cr_assert_eq(api_revents(s, POLLIN | POLLOUT | POLLRDHUP),
		     POLLOUT | POLLHUP);
	expect_ok(close(s));
}

/* The accepted socket's name is the listener's, its peer the client's
 * name; accept's address is the client's. */
API_TEST(tcp, connect_accept_names, API_NEEDS_TCP)
{
	struct sockaddr_in la, from;
	socklen_t len = sizeof(from);
	int l = tcp_listener(4, &la);
	int c = api_tcp_socket();
	int s;
	char b = 0;

	cr_assert_eq(api_getsockopt_int(l, SOL_SOCKET, SO_ACCEPTCONN), 1);
	cr_assert_eq(api_revents(l, POLLIN | POLLOUT), 0);
	cr_assert_eq(connect_err(c, &la), 0);
	memset(&from, 0xa5, sizeof(from));
	s = expect_ok(accept(l, (struct sockaddr *)&from, &len));
	cr_assert_eq(len, sizeof(from));
	expect_same_addr(from, api_name_of(c));
	expect_same_addr(api_name_of(s), la);
	expect_same_addr(api_peer_of(s), api_name_of(c));
	expect_same_addr(api_peer_of(c), la);
	cr_assert_eq(api_name_of(c).sin_addr.s_addr, api_ip_of("127.0.0.1"));
	cr_assert_neq(port_of(c), 0);
	cr_assert_neq(port_of(c), port_of(l));
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_ACCEPTCONN), 0);
	cr_assert_eq(api_getsockopt_int(c, SOL_SOCKET, SO_ACCEPTCONN), 0);
	cr_assert_eq(send(c, "c", 1, 0), 1);
	cr_assert_eq(recv(s, &b, 1, 0), 1);
	cr_assert_eq(b, 'c');
	cr_assert_eq(send(s, "s", 1, 0), 1);
	cr_assert_eq(recv(c, &b, 1, 0), 1);
	cr_assert_eq(b, 's');
	expect_ok(close(s));
	expect_ok(close(c));
	expect_ok(close(l));
}

/* A short address buffer gets the first bytes and the full length; a
 * negative length fails with EINVAL only after the connection was taken
 * off the queue, so that connection is lost (closed: the client reads
 * EOF). */
API_TEST(tcp, accept_address_length, API_NEEDS_TCP)
{
	struct sockaddr_in la, from;
	socklen_t len = 4;
	int l = tcp_listener(4, &la);
	int c = api_tcp_socket();
	int s;
	char b;

	cr_assert_eq(connect_err(c, &la), 0);
	memset(&from, 0xa5, sizeof(from));
	s = expect_ok(accept(l, (struct sockaddr *)&from, &len));
	cr_assert_eq(len, sizeof(from));
	cr_assert_eq(from.sin_family, AF_INET);
	cr_assert_eq(from.sin_port, api_name_of(c).sin_port);
	cr_assert_eq(from.sin_addr.s_addr, 0xa5a5a5a5);
	expect_ok(close(s));
	expect_ok(close(c));

	c = api_tcp_socket();
	cr_assert_eq(connect_err(c, &la), 0);
	wait_readable(l);
	len = (socklen_t)-1;
	expect_errno(accept(l, (struct sockaddr *)&from, &len), EINVAL);
	cr_assert_eq(api_revents(l, POLLIN), 0);
	wait_readable(c);
	cr_assert_eq(recv(c, &b, 1, MSG_DONTWAIT), 0);
	expect_ok(close(c));
	expect_ok(close(l));
}

/* listen() on an unbound socket binds it to 0.0.0.0 and an ephemeral
 * port.  A wildcard listener's accepted socket is named by the address
 * the client connected to; the client's own source address for
 * 127.0.0.2 is 127.0.0.1 (the loopback route's preferred source), and a
 * connect to 0.0.0.0 goes to the local host. */
API_TEST(tcp, listen_autobind_and_wildcard, API_NEEDS_TCP)
{
	int l = api_tcp_socket();
	struct sockaddr_in la, to;
	int c, s;

	expect_ok(listen(l, 4));
	la = api_name_of(l);
	cr_assert_eq(la.sin_addr.s_addr, htonl(INADDR_ANY));
	cr_assert_neq(la.sin_port, 0);

	to = api_sin_of("127.0.0.2", ntohs(la.sin_port));
	connect_accept(l, &to, &c, &s);
	expect_same_addr(api_name_of(s), to);
	expect_same_addr(api_peer_of(c), to);
	cr_assert_eq(api_name_of(c).sin_addr.s_addr, api_ip_of("127.0.0.1"));
	expect_same_addr(api_peer_of(s), api_name_of(c));
	expect_ok(close(s));
	expect_ok(close(c));

	to = api_sin_of("0.0.0.0", ntohs(la.sin_port));
	connect_accept(l, &to, &c, &s);
	cr_assert_eq(api_peer_of(c).sin_addr.s_addr, api_ip_of("127.0.0.1"));
	cr_assert_eq(api_name_of(s).sin_addr.s_addr, api_ip_of("127.0.0.1"));
	expect_ok(close(s));
	expect_ok(close(c));
	expect_ok(close(l));
}

/* -- calls in the wrong state --------------------------------------- */

API_TEST(tcp, listen_on_connected_einval, API_NEEDS_TCP)
{
	int c, s;

	tcp_pair(&c, &s);
	expect_errno(listen(c, 1), EINVAL);
	expect_errno(listen(s, 1), EINVAL);
	cr_assert_eq(api_getsockopt_int(c, SOL_SOCKET, SO_ACCEPTCONN), 0);
	api_close_pair(c, s);
}

/* connect() on a listener is EISCONN (not EINVAL), also to itself. */
API_TEST(tcp, connect_on_listener_eisconn, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l = tcp_listener(4, &la);
	struct sockaddr_in other = api_sin_of("127.0.0.1", closed_port());

	cr_assert_eq(connect_err(l, &la), EISCONN);
	cr_assert_eq(connect_err(l, &other), EISCONN);
	cr_assert_eq(api_getsockopt_int(l, SOL_SOCKET, SO_ACCEPTCONN), 1);
	expect_ok(close(l));
}

API_TEST(tcp, accept_on_non_listener_einval, API_NEEDS_TCP)
{
	int fresh = api_tcp_socket();
	int bound = api_tcp_socket();
	int c, s;

	cr_assert_eq(bind_err(bound, "127.0.0.1", 0), 0);
	tcp_pair(&c, &s);
	expect_errno(accept(fresh, NULL, NULL), EINVAL);
	expect_errno(accept(bound, NULL, NULL), EINVAL);
	expect_errno(accept(c, NULL, NULL), EINVAL);
	expect_errno(accept(s, NULL, NULL), EINVAL);
	expect_errno(accept4(c, NULL, NULL, SOCK_NONBLOCK), EINVAL);
	api_close_pair(c, s);
	api_close_pair(fresh, bound);
}

API_TEST(tcp, connect_twice_eisconn, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l = tcp_listener(4, &la);
	struct sockaddr_in other = api_sin_of("127.0.0.1", closed_port());
	int c, s;

	connect_accept(l, &la, &c, &s);
	cr_assert_eq(connect_err(c, &la), EISCONN);
	cr_assert_eq(connect_err(c, &other), EISCONN);
	cr_assert_eq(connect_err(s, &la), EISCONN);
	api_close_pair(c, s);
	expect_ok(close(l));
}

/* The address checks of connect: another family is EAFNOSUPPORT, a short
 * length EINVAL; AF_UNSPEC on an unconnected socket does nothing. */
API_TEST(tcp, connect_bad_address, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l = tcp_listener(4, &la);
	struct sockaddr_in6 s6;
	struct sockaddr_in unspec = la;
	int c = api_tcp_socket();
	int s;

	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	expect_errno(connect(c, (struct sockaddr *)&s6, sizeof(s6)),
		     EAFNOSUPPORT);
	expect_errno(connect(c, (struct sockaddr *)&la, sizeof(la) - 1),
		     EINVAL);
	expect_errno(connect(c, (struct sockaddr *)&la, 1), EINVAL);
	unspec.sin_family = AF_UNSPEC;
	expect_ok(connect(c, (struct sockaddr *)&unspec, sizeof(unspec)));
	cr_assert_eq(connect_err(c, &la), 0);
	s = expect_ok(accept(l, NULL, NULL));
	api_close_pair(c, s);
	expect_ok(close(l));
}

/* Linux ignores the address of sendto() on a connected TCP socket: it is
 * neither checked (family, length) nor used. */
API_TEST(tcp, sendto_address_ignored, API_NEEDS_TCP)
{
	struct sockaddr_in elsewhere = api_sin_of("127.0.0.99", 9);
	struct sockaddr_in6 s6;
	char buf[8];
	int c, s;

	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	tcp_pair(&c, &s);
	cr_assert_eq(sendto(c, "a", 1, 0, (struct sockaddr *)&elsewhere,
			    sizeof(elsewhere)),
		     1);
	cr_assert_eq(sendto(c, "b", 1, 0, (struct sockaddr *)&s6, sizeof(s6)),
		     1);
	cr_assert_eq(sendto(c, "c", 1, 0, (struct sockaddr *)&elsewhere, 3), 1);
	cr_assert_eq(recv(s, buf, 3, MSG_WAITALL), 3);
	cr_assert_arr_eq(buf, "abc", 3);
	api_close_pair(c, s);
}

/* send on a socket that is not connected (fresh or listening) is EPIPE
 * with SIGPIPE, as after a shutdown; MSG_NOSIGNAL spares the signal.
 * sendto with an address is no different: TCP has no implicit connect
 * (without MSG_FASTOPEN). */
API_TEST(tcp, send_unconnected_epipe, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l = tcp_listener(4, &la);
	int s = api_tcp_socket();

	api_count_sigpipe();
	expect_errno(send(s, "x", 1, 0), EPIPE);
	cr_assert_eq(api_sigpipes(), 1);
	expect_errno(write(s, "x", 1), EPIPE);
	cr_assert_eq(api_sigpipes(), 2);
	expect_errno(send(s, "x", 1, MSG_NOSIGNAL), EPIPE);
	cr_assert_eq(api_sigpipes(), 2);
	expect_errno(sendto(s, "x", 1, MSG_NOSIGNAL, (struct sockaddr *)&la,
			    sizeof(la)),
		     EPIPE);
	expect_errno(send(l, "x", 1, MSG_NOSIGNAL), EPIPE);
	cr_assert_eq(api_sigpipes(), 2);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_ERROR), 0);
	expect_ok(close(s));
	expect_ok(close(l));
}

API_TEST(tcp, recv_unconnected_enotconn, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l = tcp_listener(4, &la);
	int s = api_tcp_socket();
	char b;

	expect_errno(recv(s, &b, 1, 0), ENOTCONN);
	expect_errno(recv(s, &b, 1, MSG_DONTWAIT), ENOTCONN);
	expect_errno(read(s, &b, 1), ENOTCONN);
	expect_errno(recv(l, &b, 1, 0), ENOTCONN);
	expect_errno(getpeername(l, (struct sockaddr *)&la,
				 &(socklen_t){ sizeof(la) }),
		     ENOTCONN);
	expect_ok(close(s));
	expect_ok(close(l));
}

/* shutdown() of an unconnected socket is ENOTCONN, yet Linux records the
 * shutdown all the same: recv then returns 0 instead of ENOTCONN (send
 * stays EPIPE).  An invalid how is EINVAL in every state. */
API_TEST(tcp, shutdown_unconnected, API_NEEDS_TCP)
{
	int s = api_tcp_socket();
	int t = api_tcp_socket();
	char b;

	expect_errno(shutdown(s, 3), EINVAL);
	expect_errno(shutdown(s, -1), EINVAL);
	expect_errno(shutdown(s, SHUT_RD), ENOTCONN);
	cr_assert_eq(recv(s, &b, 1, MSG_DONTWAIT), 0);
	cr_assert_eq(recv(s, &b, 1, 0), 0);
	expect_errno(send(s, "x", 1, MSG_NOSIGNAL), EPIPE);
	expect_errno(shutdown(t, SHUT_WR), ENOTCONN);
	expect_errno(recv(t, &b, 1, MSG_DONTWAIT), ENOTCONN);
	api_close_pair(s, t);
}

/* -- nonblocking and refused connects ------------------------------- */

/* A nonblocking connect is EINPROGRESS even on the loopback; it becomes
 * writable with SO_ERROR 0.  The first connect() after that returns 0
 * (it completes the socket's connecting state), only the next one is
 * EISCONN. */
API_TEST(tcp, nonblocking_connect, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l = tcp_listener(4, &la);
	int c = expect_ok(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
	int s;

	cr_assert_eq(connect_err(c, &la), EINPROGRESS);
	cr_assert(wait_events(c, POLLOUT, WAIT_MS) & POLLOUT);
	cr_assert_eq(api_getsockopt_int(c, SOL_SOCKET, SO_ERROR), 0);
	cr_assert_eq(api_revents(c, POLLIN | POLLOUT | POLLRDHUP), POLLOUT);
	expect_same_addr(api_peer_of(c), la);
	cr_assert_eq(connect_err(c, &la), 0);
	cr_assert_eq(connect_err(c, &la), EISCONN);
	s = expect_ok(accept(l, NULL, NULL));
	api_close_pair(c, s);
	expect_ok(close(l));
}

/* While a nonblocking connect is pending (here: its SYN dropped because
 * the accept queue of a backlog-0 listener is full), another connect()
 * is EALREADY and the socket is not writable. */
API_TEST(tcp, nonblocking_connect_ealready, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l = tcp_listener(0, &la);
	int first = api_tcp_socket();
	int c = expect_ok(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));

	cr_assert_eq(connect_err(first, &la), 0);
	cr_assert_eq(connect_err(c, &la), EINPROGRESS);
	cr_assert_eq(wait_events(c, POLLOUT, 50), 0);
	cr_assert_eq(connect_err(c, &la), EALREADY);
	cr_assert_eq(connect_err(c, &la), EALREADY);
	cr_assert_eq(api_getsockopt_int(c, SOL_SOCKET, SO_ERROR), 0);
	expect_errno(getpeername(c, (struct sockaddr *)&la,
				 &(socklen_t){ sizeof(la) }),
		     ENOTCONN);
	api_close_pair(c, first);
	expect_ok(close(l));
}

/* A blocking connect to a port nobody listens on is ECONNREFUSED at
 * once (the RST arrives before any retransmission); the error is not
 * left in SO_ERROR, and the socket can connect again. */
API_TEST(tcp, connect_refused_blocking, API_NEEDS_TCP)
{
	struct sockaddr_in closed = api_sin_of("127.0.0.1", closed_port());
	struct sockaddr_in la;
	int l = tcp_listener(4, &la);
	int c = api_tcp_socket();
	int s;

	cr_assert_eq(connect_err(c, &closed), ECONNREFUSED);
	cr_assert_eq(api_getsockopt_int(c, SOL_SOCKET, SO_ERROR), 0);
	cr_assert_eq(connect_err(c, &closed), ECONNREFUSED);
	cr_assert_eq(connect_err(c, &la), 0);
	s = expect_ok(accept(l, NULL, NULL));
	expect_same_addr(api_peer_of(s), api_name_of(c));
	api_close_pair(c, s);
	expect_ok(close(l));
}

/* A refused nonblocking connect: EINPROGRESS, then POLLERR with
 * everything else a closed socket reports (POLLIN | POLLOUT | POLLHUP |
 * POLLRDHUP); SO_ERROR gives ECONNREFUSED once. */
API_TEST(tcp, connect_refused_nonblocking, API_NEEDS_TCP)
{
	struct sockaddr_in closed = api_sin_of("127.0.0.1", closed_port());
	int c = expect_ok(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));

	cr_assert_eq(connect_err(c, &closed), EINPROGRESS);
	wait_error(c);
	cr_assert_eq(api_revents(c, POLLIN | POLLOUT | POLLRDHUP),
		     POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDHUP);
	cr_assert_eq(api_getsockopt_int(c, SOL_SOCKET, SO_ERROR), ECONNREFUSED);
	cr_assert_eq(api_getsockopt_int(c, SOL_SOCKET, SO_ERROR), 0);
	cr_assert_eq(api_revents(c, POLLIN | POLLOUT | POLLRDHUP),
		     POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
	expect_ok(close(c));
}

/* connect() again after a nonblocking connect failed: if the error is
 * still pending it is returned (ECONNREFUSED); if SO_ERROR already took
 * it, the call fails with ECONNABORTED.  Either way the socket is reset,
 * and the next connect() starts a new attempt (EINPROGRESS). */
API_TEST(tcp, connect_after_async_refusal, API_NEEDS_TCP)
{
	struct sockaddr_in closed = api_sin_of("127.0.0.1", closed_port());
	int c = expect_ok(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));

	cr_assert_eq(connect_err(c, &closed), EINPROGRESS);
	wait_error(c);
	cr_assert_eq(api_getsockopt_int(c, SOL_SOCKET, SO_ERROR), ECONNREFUSED);
	cr_assert_eq(connect_err(c, &closed), ECONNABORTED);
	cr_assert_eq(connect_err(c, &closed), EINPROGRESS);
	wait_error(c);
	cr_assert_eq(connect_err(c, &closed), ECONNREFUSED);
	cr_assert_eq(api_getsockopt_int(c, SOL_SOCKET, SO_ERROR), 0);
	cr_assert_eq(connect_err(c, &closed), EINPROGRESS);
	wait_error(c);
	expect_ok(close(c));
}

/* -- the listen backlog --------------------------------------------- */

/* With backlog B, B + 1 handshakes complete into the accept queue; the
 * next SYNs are dropped, so those nonblocking connects stay EINPROGRESS.
 * TCP_INFO on the listener shows the queue length and the backlog. */
API_TEST(tcp, backlog_completes_backlog_plus_one, API_NEEDS_TCP)
{
	for (int b = 0; b <= 2; b++) {
		struct sockaddr_in la;
		int l = tcp_listener(b, &la);
		int c[5];
		unsigned int queued, backlog;
		int n = b + 3;

		for (int i = 0; i < n; i++) {
			c[i] = expect_ok(socket(
				AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
			cr_assert_eq(connect_err(c[i], &la), EINPROGRESS);
			if (i <= b)
				cr_assert(wait_events(c[i], POLLOUT, WAIT_MS) &
						  POLLOUT,
					  "backlog %d: connect %d pending", b,
					  i);
		}
		for (int i = b + 1; i < n; i++)
			cr_assert_eq(wait_events(c[i], POLLOUT, 50), 0,
				     "backlog %d: connect %d completed", b, i);
		listen_queue(l, &queued, &backlog);
		cr_assert_eq(queued, (unsigned int)b + 1);
		cr_assert_eq(backlog, (unsigned int)b);
		set_nonblock(l);
		for (int i = 0; i <= b; i++) {
			int s = expect_ok(accept(l, NULL, NULL));

			expect_ok(close(s));
		}
		expect_errno(accept(l, NULL, NULL), EAGAIN);
		for (int i = 0; i < n; i++)
			expect_ok(close(c[i]));
		expect_ok(close(l));
	}
}

/* listen() clamps the backlog to net.core.somaxconn, treating it as
 * unsigned (so -1 is the maximum); a second listen() changes it. */
API_TEST(tcp, backlog_clamped_to_somaxconn, API_NEEDS_TCP)
{
	unsigned int max = (unsigned int)api_sysctl_net("core.somaxconn");
	struct sockaddr_in la;
	int l = tcp_listener(7, &la);
	unsigned int queued, backlog;

	listen_queue(l, &queued, &backlog);
	cr_assert_eq(queued, 0);
	cr_assert_eq(backlog, 7);
	expect_ok(listen(l, INT_MAX));
	listen_queue(l, &queued, &backlog);
	cr_assert_eq(backlog, max);
	expect_ok(listen(l, 0));
	listen_queue(l, &queued, &backlog);
	cr_assert_eq(backlog, 0);
	expect_ok(listen(l, -1));
	listen_queue(l, &queued, &backlog);
	cr_assert_eq(backlog, max);
	expect_ok(listen(l, (int)max + 1));
	listen_queue(l, &queued, &backlog);
	cr_assert_eq(backlog, max);
	expect_same_addr(api_name_of(l), la);
	expect_ok(close(l));
}

/* Closing a listener resets the connections still in its accept
 * queue. */
API_TEST(tcp, close_listener_resets_queued, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l = tcp_listener(4, &la);
	int c = api_tcp_socket();
	char b;

	cr_assert_eq(connect_err(c, &la), 0);
	wait_readable(l);
	expect_ok(close(l));
	wait_error(c);
	expect_errno(recv(c, &b, 1, 0), ECONNRESET);
	cr_assert_eq(recv(c, &b, 1, 0), 0);
	expect_ok(close(c));
	c = api_tcp_socket();
	cr_assert_eq(connect_err(c, &la), ECONNREFUSED);
	expect_ok(close(c));
}

/* -- accept flags --------------------------------------------------- */

/* accept on an empty nonblocking listener is EAGAIN; the accepted socket
 * does not inherit the listener's O_NONBLOCK. */
API_TEST(tcp, accept_nonblocking, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l = tcp_listener(4, &la);
	int c = api_tcp_socket();
	int s;

	set_nonblock(l);
	expect_errno(accept(l, NULL, NULL), EAGAIN);
	expect_errno(accept4(l, NULL, NULL, SOCK_CLOEXEC), EAGAIN);
	cr_assert_eq(connect_err(c, &la), 0);
	wait_readable(l);
	s = expect_ok(accept(l, NULL, NULL));
	cr_assert_eq(expect_ok(fcntl(s, F_GETFL)) & O_NONBLOCK, 0);
	cr_assert_eq(expect_ok(fcntl(s, F_GETFD)), 0);
	expect_errno(accept(l, NULL, NULL), EAGAIN);
	api_close_pair(c, s);
	expect_ok(close(l));
}

/* accept4 sets O_NONBLOCK and FD_CLOEXEC on the new descriptor; an
 * unknown flag is EINVAL before the queue is touched. */
API_TEST(tcp, accept4_flags, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l = tcp_listener(4, &la);
	int c = api_tcp_socket();
	int d = api_tcp_socket();
	int s;

	cr_assert_eq(connect_err(c, &la), 0);
	cr_assert_eq(connect_err(d, &la), 0);
	expect_errno(accept4(l, NULL, NULL, 1), EINVAL);
	expect_errno(accept4(l, NULL, NULL, SOCK_DGRAM), EINVAL);
	expect_errno(accept4(l, NULL, NULL, O_DSYNC), EINVAL);
	s = expect_ok(accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC));
	cr_assert_eq(expect_ok(fcntl(s, F_GETFL)) & O_NONBLOCK, O_NONBLOCK);
	cr_assert_eq(expect_ok(fcntl(s, F_GETFD)), FD_CLOEXEC);
	expect_errno(recv(s, &(char){ 0 }, 1, 0), EAGAIN);
	expect_same_addr(api_peer_of(s), api_name_of(c));
	expect_ok(close(s));
	s = expect_ok(accept4(l, NULL, NULL, 0));
	cr_assert_eq(expect_ok(fcntl(s, F_GETFL)) & O_NONBLOCK, 0);
	cr_assert_eq(expect_ok(fcntl(s, F_GETFD)), 0);
	expect_same_addr(api_peer_of(s), api_name_of(d));
	expect_ok(close(s));
	api_close_pair(c, d);
	expect_ok(close(l));
}

/* -- shutdown ------------------------------------------------------- */

/* shutdown(SHUT_WR) on a listener does nothing.  SHUT_RD (or RDWR) stops
 * it listening: queued connections are reset, accept is EINVAL, new
 * connects are refused.  listen() again works; a socket whose port came
 * from bind(0) gets a new ephemeral port, an explicit port is kept. */
API_TEST(tcp, shutdown_listener, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l = tcp_listener(4, &la);
	int c = api_tcp_socket();
	char b;

	expect_ok(shutdown(l, SHUT_WR));
	cr_assert_eq(api_getsockopt_int(l, SOL_SOCKET, SO_ACCEPTCONN), 1);
	cr_assert_eq(connect_err(c, &la), 0);
	wait_readable(l);
	expect_ok(shutdown(l, SHUT_RD));
	cr_assert_eq(api_getsockopt_int(l, SOL_SOCKET, SO_ACCEPTCONN), 0);
	expect_errno(accept(l, NULL, NULL), EINVAL);
	wait_error(c);
	expect_errno(recv(c, &b, 1, 0), ECONNRESET);
	expect_ok(close(c));
	c = api_tcp_socket();
	cr_assert_eq(connect_err(c, &la), ECONNREFUSED);
	expect_ok(close(c));
	expect_ok(listen(l, 4));
	cr_assert_eq(api_getsockopt_int(l, SOL_SOCKET, SO_ACCEPTCONN), 1);
	cr_assert_neq(port_of(l), 0);
	expect_ok(close(l));

	l = listener_explicit(4, &la);
	expect_ok(shutdown(l, SHUT_RDWR));
	cr_assert_eq(api_getsockopt_int(l, SOL_SOCKET, SO_ACCEPTCONN), 0);
	expect_ok(listen(l, 4));
	expect_same_addr(api_name_of(l), la);
	c = api_tcp_socket();
	cr_assert_eq(connect_err(c, &la), 0);
	api_close_pair(c, expect_ok(accept(l, NULL, NULL)));
	expect_ok(close(l));
}

/* SHUT_WR sends a FIN: the peer reads what was sent, then 0 as often as
 * it asks, and can still send the other way. */
API_TEST(tcp, shutdown_wr_peer_reads_eof, API_NEEDS_TCP)
{
	char buf[8];
	int c, s;

	tcp_pair(&c, &s);
	cr_assert_eq(send(c, "abc", 3, 0), 3);
	expect_ok(shutdown(c, SHUT_WR));
	cr_assert_eq(recv(s, buf, sizeof(buf), MSG_WAITALL), 3);
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 0);
	cr_assert_eq(recv(s, buf, sizeof(buf), 0), 0);
	cr_assert_eq(api_revents(s, POLLIN | POLLOUT | POLLRDHUP),
		     POLLIN | POLLOUT | POLLRDHUP);
	cr_assert_eq(api_revents(c, POLLIN | POLLOUT | POLLRDHUP), POLLOUT);
	cr_assert_eq(send(s, "back", 4, 0), 4);
	cr_assert_eq(recv(c, buf, 4, MSG_WAITALL), 4);
	cr_assert_arr_eq(buf, "back", 4);
	expect_ok(shutdown(c, SHUT_WR)); /* again: no error */
	api_close_pair(c, s);
}

/* send after SHUT_WR is EPIPE with SIGPIPE; MSG_NOSIGNAL spares the
 * signal but not the error. */
API_TEST(tcp, send_after_shut_wr_epipe, API_NEEDS_TCP)
{
	int c, s;

	tcp_pair(&c, &s);
	expect_ok(shutdown(c, SHUT_WR));
	api_count_sigpipe();
	expect_errno(send(c, "x", 1, 0), EPIPE);
	cr_assert_eq(api_sigpipes(), 1);
	expect_errno(write(c, "x", 1), EPIPE);
	cr_assert_eq(api_sigpipes(), 2);
	expect_errno(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	cr_assert_eq(api_sigpipes(), 2);
	cr_assert_eq(api_getsockopt_int(c, SOL_SOCKET, SO_ERROR), 0);
	api_close_pair(c, s);
}

/* SHUT_RD on TCP sends nothing and the peer does not notice: data
 * already queued is still read, then recv returns 0 instead of blocking;
 * and data the peer sends afterwards is still accepted, queued and
 * returned by recv (Linux neither drops it nor resets). */
API_TEST(tcp, shutdown_rd_keeps_receiving, API_NEEDS_TCP)
{
	char buf[8];
	int c, s, n = -1;

	tcp_pair(&c, &s);
	cr_assert_eq(send(s, "abc", 3, 0), 3);
	cr_assert_eq(recv(c, buf, 1, MSG_PEEK | MSG_WAITALL), 1);
	expect_ok(shutdown(c, SHUT_RD));
	cr_assert_eq(api_revents(c, POLLIN | POLLOUT | POLLRDHUP),
		     POLLIN | POLLOUT | POLLRDHUP);
	cr_assert_eq(recv(c, buf, sizeof(buf), MSG_WAITALL), 3);
	cr_assert_eq(recv(c, buf, sizeof(buf), 0), 0);
	cr_assert_eq(api_revents(s, POLLIN | POLLOUT | POLLRDHUP), POLLOUT);
	cr_assert_eq(send(s, "def", 3, 0), 3);
	for (int i = 0; i < WAIT_MS / 5; i++) {
		expect_ok(ioctl(c, SIOCINQ, &n));
		if (n == 3)
			break;
		api_msleep(5);
	}
	cr_assert_eq(n, 3);
	cr_assert_eq(recv(c, buf, sizeof(buf), 0), 3);
	cr_assert_arr_eq(buf, "def", 3);
	cr_assert_eq(recv(c, buf, sizeof(buf), 0), 0);
	cr_assert_eq(send(c, "x", 1, 0), 1);
	cr_assert_eq(recv(s, buf, 1, 0), 1);
	cr_assert_eq(api_revents(s, POLLIN | POLLOUT | POLLRDHUP), POLLOUT);
	api_close_pair(c, s);
}

/* Both ends shut down writing before reading: each reads EOF, poll
 * shows POLLHUP on both, nothing is reset.  The end that sent its FIN
 * first is the one left in TIME_WAIT, holding its port. */
API_TEST(tcp, simultaneous_shutdown, API_NEEDS_TCP)
{
	char b;
	int c, s;
	uint16_t cport;

	tcp_pair(&c, &s);
	cport = port_of(c);
	expect_ok(shutdown(c, SHUT_WR));
	expect_ok(shutdown(s, SHUT_WR));
	wait_readable(c);
	wait_readable(s);
	cr_assert_eq(recv(c, &b, 1, 0), 0);
	cr_assert_eq(recv(s, &b, 1, 0), 0);
	cr_assert_eq(api_revents(c, POLLIN | POLLOUT | POLLRDHUP),
		     POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
	cr_assert_eq(api_revents(s, POLLIN | POLLOUT | POLLRDHUP),
		     POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
	cr_assert_eq(api_getsockopt_int(c, SOL_SOCKET, SO_ERROR), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_ERROR), 0);
	expect_errno(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	expect_errno(send(s, "x", 1, MSG_NOSIGNAL), EPIPE);
	api_close_pair(c, s);
	cr_assert_eq(try_bind("127.0.0.1", cport, false), EADDRINUSE);
}

/* -- resets --------------------------------------------------------- */

/* Closing a socket with unread data sends a RST instead of a FIN.  The
 * peer sees POLLERR; recv reports ECONNRESET once, then 0; send then
 * fails with EPIPE. */
API_TEST(tcp, close_with_unread_data_resets, API_NEEDS_TCP)
{
	char b;
	int c, s;

	tcp_pair(&c, &s);
	cr_assert_eq(send(c, "abc", 3, 0), 3);
	cr_assert_eq(recv(s, &b, 1, MSG_PEEK), 1);
	expect_ok(close(s));
	wait_error(c);
	cr_assert_eq(api_revents(c, POLLIN | POLLOUT | POLLRDHUP),
		     POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDHUP);
	expect_errno(recv(c, &b, 1, 0), ECONNRESET);
	cr_assert_eq(recv(c, &b, 1, 0), 0);
	cr_assert_eq(api_getsockopt_int(c, SOL_SOCKET, SO_ERROR), 0);
	expect_errno(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	expect_ok(close(c));
}

/* Data that arrived before the RST is still read first; then the reset. */
API_TEST(tcp, reset_after_queued_data, API_NEEDS_TCP)
{
	char buf[8];
	int c, s;

	tcp_pair(&c, &s);
	cr_assert_eq(send(s, "zz", 2, 0), 2);
	cr_assert_eq(send(c, "abc", 3, 0), 3);
	cr_assert_eq(recv(c, buf, 1, MSG_PEEK | MSG_WAITALL), 1);
	cr_assert_eq(recv(s, buf, 3, MSG_PEEK | MSG_WAITALL), 3);
	expect_ok(close(s));
	wait_error(c);
	cr_assert_eq(recv(c, buf, sizeof(buf), 0), 2);
	cr_assert_arr_eq(buf, "zz", 2);
	expect_errno(recv(c, buf, sizeof(buf), 0), ECONNRESET);
	cr_assert_eq(recv(c, buf, sizeof(buf), 0), 0);
	expect_ok(close(c));
}

/* The pending reset goes to whoever asks first: SO_ERROR takes it (and
 * recv then returns 0), or the next send returns it as ECONNRESET (and
 * later sends are EPIPE). */
API_TEST(tcp, reset_reported_once, API_NEEDS_TCP)
{
	char b;
	int c, s;

	tcp_pair(&c, &s);
	cr_assert_eq(send(c, "abc", 3, 0), 3);
	cr_assert_eq(recv(s, &b, 1, MSG_PEEK), 1);
	expect_ok(close(s));
	wait_error(c);
	cr_assert_eq(api_getsockopt_int(c, SOL_SOCKET, SO_ERROR), ECONNRESET);
	cr_assert_eq(recv(c, &b, 1, 0), 0);
	cr_assert_eq(api_revents(c, POLLIN | POLLOUT | POLLRDHUP),
		     POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
	expect_ok(close(c));

	tcp_pair(&c, &s);
	cr_assert_eq(send(c, "abc", 3, 0), 3);
	cr_assert_eq(recv(s, &b, 1, MSG_PEEK), 1);
	expect_ok(close(s));
	wait_error(c);
	expect_errno(send(c, "x", 1, MSG_NOSIGNAL), ECONNRESET);
	expect_errno(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	cr_assert_eq(recv(c, &b, 1, 0), 0);
	expect_ok(close(c));
}

/* SO_LINGER {1, 0}: close sends a RST (the peer gets ECONNRESET) and
 * skips TIME_WAIT, so the port can be bound again at once without
 * SO_REUSEADDR. */
API_TEST(tcp, linger_zero_resets, API_NEEDS_TCP)
{
	char b;
	int c, s;
	uint16_t cport;

	tcp_pair_bound(&c, &s);
	cport = port_of(c);
	close_rst(c);
	wait_error(s);
	expect_errno(recv(s, &b, 1, 0), ECONNRESET);
	cr_assert_eq(recv(s, &b, 1, 0), 0);
	expect_ok(close(s));
	cr_assert_eq(try_bind("127.0.0.1", cport, false), 0);
}

/* connect(AF_UNSPEC) on a connected socket disconnects it with a RST.
 * The peer gets ECONNRESET; so does the disconnecting socket, in its own
 * SO_ERROR.  It keeps its port, reads ENOTCONN, and can connect again. */
API_TEST(tcp, connect_unspec_disconnects, API_NEEDS_TCP)
{
	struct sockaddr_in la, unspec;
	int l = tcp_listener(4, &la);
	int c, s, s2;
	uint16_t cport;
	char b;

	connect_accept(l, &la, &c, &s);
	cport = port_of(c);
	memset(&unspec, 0, sizeof(unspec));
	unspec.sin_family = AF_UNSPEC;
	expect_ok(connect(c, (struct sockaddr *)&unspec, sizeof(unspec)));
	wait_error(s);
	expect_errno(recv(s, &b, 1, 0), ECONNRESET);
	cr_assert_eq(api_getsockopt_int(c, SOL_SOCKET, SO_ERROR), ECONNRESET);
	cr_assert_eq(port_of(c), cport);
	cr_assert_eq(api_revents(c, POLLIN | POLLOUT | POLLRDHUP),
		     POLLOUT | POLLHUP);
	expect_errno(recv(c, &b, 1, MSG_DONTWAIT), ENOTCONN);
	expect_errno(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	cr_assert_eq(connect_err(c, &la), 0);
	s2 = expect_ok(accept(l, NULL, NULL));
	cr_assert_eq(send(c, "y", 1, 0), 1);
	cr_assert_eq(recv(s2, &b, 1, 0), 1);
	cr_assert_eq(b, 'y');
	api_close_pair(c, s);
	api_close_pair(s2, l);
}

/* Once the peer has closed normally, recv returns 0 for good; the first
 * send still succeeds (the data reaches a closed socket, which answers
 * with a RST), and the RST in CLOSE_WAIT sets EPIPE, not ECONNRESET. */
API_TEST(tcp, send_after_peer_close, API_NEEDS_TCP)
{
	char b;
	int c, s;

	tcp_pair(&c, &s);
	expect_ok(close(s));
	wait_readable(c);
	cr_assert_eq(recv(c, &b, 1, 0), 0);
	cr_assert_eq(recv(c, &b, 1, 0), 0);
	cr_assert_eq(send(c, "x", 1, MSG_NOSIGNAL), 1);
	wait_error(c);
	cr_assert_eq(api_getsockopt_int(c, SOL_SOCKET, SO_ERROR), EPIPE);
	api_count_sigpipe();
	expect_errno(send(c, "x", 1, 0), EPIPE);
	cr_assert_eq(api_sigpipes(), 1);
	cr_assert_eq(recv(c, &b, 1, 0), 0);
	expect_ok(close(c));
}

/* -- ports: TIME_WAIT and SO_REUSEADDR ------------------------------ */

/* The end that closes first goes to TIME_WAIT and keeps its port: a bind
 * to it is EADDRINUSE, on 127.0.0.1 or the wildcard, and SO_REUSEADDR on
 * the new socket alone does not help (the TIME_WAIT socket must have had
 * it too).  The passive closer's port is free once its last ACK came. */
API_TEST(tcp, time_wait_holds_port, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l = tcp_listener(4, &la);
	uint16_t lport = ntohs(la.sin_port), cport;
	char b;
	int c, s;

	c = api_tcp_socket();
	cr_assert_eq(bind_err(c, "127.0.0.1", 0), 0); /* see tcp_pair_bound */
	cr_assert_eq(connect_err(c, &la), 0);
	s = expect_ok(accept(l, NULL, NULL));
	cport = port_of(c);
	expect_ok(close(s)); /* the server's end closes first */
	wait_readable(c);
	cr_assert_eq(recv(c, &b, 1, 0), 0);
	expect_ok(close(c));
	expect_ok(close(l));
	cr_assert_eq(try_bind("127.0.0.1", lport, false), EADDRINUSE);
	cr_assert_eq(try_bind("0.0.0.0", lport, false), EADDRINUSE);
	cr_assert_eq(try_bind("127.0.0.1", lport, true), EADDRINUSE);
	cr_assert_eq(try_bind_soon("127.0.0.1", cport, false), 0);
}

/* The client's end in TIME_WAIT holds its ephemeral port the same way. */
API_TEST(tcp, time_wait_client_port, API_NEEDS_TCP)
{
	char b;
	int c, s;
	uint16_t cport, sport;

	tcp_pair(&c, &s);
	cport = port_of(c);
	sport = port_of(s);
	expect_ok(close(c));
	wait_readable(s);
	cr_assert_eq(recv(s, &b, 1, 0), 0);
	expect_ok(close(s));
	cr_assert_eq(try_bind("127.0.0.1", cport, false), EADDRINUSE);
	cr_assert_eq(try_bind("127.0.0.1", cport, true), EADDRINUSE);
	cr_assert_eq(try_bind_soon("127.0.0.1", sport, false), 0);
}

/* With SO_REUSEADDR on the listener (which its accepted sockets
 * inherit) and on the new socket, a server can bind and listen again on
 * a port held by TIME_WAIT; without it on the new socket it cannot. */
API_TEST(tcp, time_wait_reuseaddr, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l = listener_opt(4, true, &la);
	uint16_t lport = ntohs(la.sin_port);
	char b;
	int c, s, n;

	connect_accept(l, &la, &c, &s);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_REUSEADDR), 1);
	expect_ok(close(s));
	wait_readable(c);
	cr_assert_eq(recv(c, &b, 1, 0), 0);
	expect_ok(close(c));
	expect_ok(close(l));
	cr_assert_eq(try_bind("127.0.0.1", lport, false), EADDRINUSE);
	n = api_tcp_socket();
	set_int(n, SOL_SOCKET, SO_REUSEADDR, 1);
	cr_assert_eq(bind_err(n, "127.0.0.1", lport), 0);
	expect_ok(listen(n, 4));
	connect_accept(n, &la, &c, &s);
	api_close_pair(c, s);
	expect_ok(close(n));
}

/* A listener's port is never shared, SO_REUSEADDR or not.  Once it is
 * closed, its accepted connections still hold the port: a new socket can
 * take it over (bind and listen) only if both it and they have
 * SO_REUSEADDR. */
API_TEST(tcp, listener_port_after_close, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l = listener_opt(4, true, &la);
	uint16_t lport = ntohs(la.sin_port);
	int c, s, c2, s2, n;

	connect_accept(l, &la, &c, &s);
	cr_assert_eq(try_bind("127.0.0.1", lport, true), EADDRINUSE);
	cr_assert_eq(try_bind("0.0.0.0", lport, true), EADDRINUSE);
	expect_ok(close(l));
	cr_assert_eq(try_bind("127.0.0.1", lport, false), EADDRINUSE);
	n = api_tcp_socket();
	set_int(n, SOL_SOCKET, SO_REUSEADDR, 1);
	cr_assert_eq(bind_err(n, "127.0.0.1", lport), 0);
	expect_ok(listen(n, 4));
	connect_accept(n, &la, &c2, &s2);
	expect_same_addr(api_name_of(s2), la);
	api_close_pair(c2, s2);
	api_close_pair(c, s);
	expect_ok(close(n));

	l = tcp_listener(4, &la); /* no SO_REUSEADDR this time */
	lport = ntohs(la.sin_port);
	connect_accept(l, &la, &c, &s);
	expect_ok(close(l));
	cr_assert_eq(try_bind("127.0.0.1", lport, true), EADDRINUSE);
	api_close_pair(c, s);
}

/* A connected client's port conflicts with a bind unless both sockets
 * have SO_REUSEADDR; then the new socket may even listen on it. */
API_TEST(tcp, connected_port_conflicts, API_NEEDS_TCP)
{
	struct sockaddr_in la;
	int l = tcp_listener(4, &la);
	int c, s, r, n;
	uint16_t cport;

	connect_accept(l, &la, &c, &s);
	cport = port_of(c);
	cr_assert_eq(try_bind("127.0.0.1", cport, false), EADDRINUSE);
	cr_assert_eq(try_bind("127.0.0.1", cport, true), EADDRINUSE);
	cr_assert_eq(try_bind("0.0.0.0", cport, true), EADDRINUSE);
	api_close_pair(c, s);

	r = api_tcp_socket();
	set_int(r, SOL_SOCKET, SO_REUSEADDR, 1);
	cr_assert_eq(bind_err(r, "127.0.0.1", 0), 0);
	cport = port_of(r);
	cr_assert_eq(connect_err(r, &la), 0);
	s = expect_ok(accept(l, NULL, NULL));
	cr_assert_eq(try_bind("127.0.0.1", cport, false), EADDRINUSE);
	n = api_tcp_socket();
	set_int(n, SOL_SOCKET, SO_REUSEADDR, 1);
	cr_assert_eq(bind_err(n, "127.0.0.1", cport), 0);
	expect_ok(listen(n, 1));
	/* ... and now that it listens, it excludes everyone else. */
	cr_assert_eq(try_bind("127.0.0.1", cport, true), EADDRINUSE);
	api_close_pair(n, r);
	api_close_pair(s, l);
}
