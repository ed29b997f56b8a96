/*
 * icmp.c - ICMP sockets over IPv4 on the loopback.
 *
 * Ping sockets (SOCK_DGRAM, IPPROTO_ICMP) are allowed only to a process
 * whose effective or supplementary group lies in net.ipv4.ping_group_range
 * (the default, "1 0", is empty: EACCES even for root).  The tests read
 * that sysctl for one purpose only, to know whether to expect EACCES; the
 * echo tests are skipped when ping sockets are not allowed.  When they
 * are, the kernel owns the ICMP identifier: it is the socket's "port" and
 * replaces whatever id the program wrote.
 *
 * Raw ICMP sockets (SOCK_RAW, IPPROTO_ICMP; CAP_NET_RAW) receive every
 * ICMP message of the namespace, IP header included, filtered by
 * ICMP_FILTER; they send ICMP without an IP header unless IP_HDRINCL is
 * set.  Since every ICMP message of the host shows up on them, the tests
 * filter by type and match their own identifiers or ports.
 *
 * Every packet goes to 127.0.0.1.
 */
#include "api.h"

#include <arpa/inet.h>
#include <linux/icmp.h>
#include <netinet/in.h>
#include <netinet/ip.h>

#define WAIT_MS 2000 /* upper bound on waiting for loopback delivery */

static struct sockaddr_in loopback(uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sin;
}

static int set_int(int fd, int level, int name, int v)
{
	errno = 0;
	if (setsockopt(fd, level, name, &v, sizeof(v)) == 0)
		return 0;
	return errno;
}

/* The Internet checksum of len bytes. */
static uint16_t csum(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* An identifier unlikely to be used by another test running at once. */
static uint16_t test_id(void)
{
	static unsigned int seq;

	return (uint16_t)(getpid() * 131 + seq++ * 7919);
}

struct echo {
	struct icmphdr h;
	char data[16];
};

static struct echo echo_request(uint16_t id, uint16_t seq)
{
	struct echo e;

	memset(&e, 0, sizeof(e));
	e.h.type = ICMP_ECHO;
	e.h.un.echo.id = htons(id);
	e.h.un.echo.sequence = htons(seq);
	memcpy(e.data, "usnet-icmp-test!", sizeof(e.data));
	e.h.checksum = csum(&e, sizeof(e));
	return e;
}

/* Whether this process may open a ping socket: its effective group or
 * one of its supplementary groups in net.ipv4.ping_group_range. */
static bool ping_allowed(void)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ping_group_range", "r");
	unsigned long lo, hi;
	gid_t groups[256];
	int n;

	cr_assert_not_null(f, "ping_group_range: %s", strerror(errno));
	cr_assert_eq(fscanf(f, "%lu %lu", &lo, &hi), 2);
	fclose(f);
	if (lo <= getegid() && getegid() <= hi)
		return true;
	n = getgroups(256, groups);
	cr_assert_geq(n, 0);
	for (int i = 0; i < n; i++)
		if (lo <= groups[i] && groups[i] <= hi)
			return true;
	return false;
}

static int ping_socket_or_skip(void)
{
	if (!ping_allowed()) {
		expect_errno(socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP), EACCES);
		cr_skip_test("ping sockets not allowed by ping_group_range");
	}
	return expect_ok(socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
}

/* Raw ICMP socket that passes only the given ICMP type. */
static int raw_icmp_only(int type)
{
	int s = expect_ok(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
	struct icmp_filter f = { .data = ~(1U << type) };

	expect_ok(setsockopt(s, SOL_RAW, ICMP_FILTER, &f, sizeof(f)));
	return s;
}

/* Receive on a raw socket until match() accepts a packet (at most 64
 * packets, WAIT_MS each); its length, with the packet in buf. */
static ssize_t raw_recv_match(int s, unsigned char *buf, size_t len,
			      bool (*match)(const unsigned char *, ssize_t,
					    const void *),
			      const void *arg, struct sockaddr_in *from)
{
	for (int i = 0; i < 64; i++) {
		struct pollfd p = { .fd = s, .events = POLLIN };
		socklen_t alen = sizeof(*from);
		ssize_t n;

		cr_assert_eq(poll(&p, 1, WAIT_MS), 1, "no matching packet");
		n = recvfrom(s, buf, len, 0, (struct sockaddr *)from, &alen);
		cr_assert_geq(n, 0, "recvfrom: %s", strerror(errno));
		if (match(buf, n, arg))
			return n;
	}
	cr_assert_fail("no matching packet among 64");
	return -1;
}

/* An IPv4 packet (20-byte header) carrying an echo with this id/seq. */
static bool is_echo(const unsigned char *p, ssize_t n, const void *arg)
{
	const struct icmphdr *want = arg;
	const struct icmphdr *h = (const void *)(p + 20);

	return n >= 28 && h->type == want->type &&
	       h->un.echo.id == want->un.echo.id &&
	       h->un.echo.sequence == want->un.echo.sequence;
}

/* -- ping sockets ---------------------------------------------------- */

/* Surprising: the default range "1 0" refuses everyone, root included;
 * the errno is EACCES (not EPERM). */
API_TEST(icmp, ping_socket_needs_group_range, API_NEEDS_RAW)
{
	int s;

	if (!ping_allowed()) {
		expect_errno(socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP), EACCES);
		return;
	}
	s = expect_ok(socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_PROTOCOL),
		     IPPROTO_ICMP);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_DOMAIN), AF_INET);
	cr_assert_eq(api_name_of(s).sin_port, 0);
	expect_ok(close(s));
}

API_TEST(icmp, ping_socket_unprivileged, API_NEEDS_RAW)
{
	int s;

	api_drop_privileges();
	if (!ping_allowed()) {
		expect_errno(socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP), EACCES);
		return;
	}
	s = expect_ok(socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
	expect_ok(close(s));
}

/* An echo request through a ping socket: the socket is autobound to an
 * identifier (its "port"), the id the program wrote is replaced by it,
 * and the reply comes back without IP header, id = the port. */
API_TEST(icmp, ping_echo_id_is_socket_port, API_NEEDS_RAW)
{
	int s = ping_socket_or_skip();
	struct sockaddr_in to = loopback(0), from;
	struct echo req = echo_request(0x1234, 5), rep;
	socklen_t len = sizeof(from);
	uint16_t id;

	cr_assert_eq(sendto(s, &req, sizeof(req), 0, (struct sockaddr *)&to,
			    sizeof(to)),
		     (ssize_t)sizeof(req));
	id = api_name_of(s).sin_port;
	cr_assert_neq(id, 0);
	cr_assert_eq(poll(&(struct pollfd){ .fd = s, .events = POLLIN }, 1,
			  WAIT_MS),
		     1);
	cr_assert_eq(recvfrom(s, &rep, sizeof(rep), 0, (struct sockaddr *)&from,
			      &len),
		     (ssize_t)sizeof(rep));
	cr_assert_eq(rep.h.type, ICMP_ECHOREPLY);
	cr_assert_eq(rep.h.code, 0);
	cr_assert_eq(rep.h.un.echo.id, id);
	cr_assert_eq(ntohs(rep.h.un.echo.sequence), 5);
	cr_assert_eq(memcmp(rep.data, req.data, sizeof(req.data)), 0);
	cr_assert_eq(csum(&rep, sizeof(rep)), 0);
	cr_assert_eq(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	expect_ok(close(s));
}

/* Only echo requests (type 8, code 0) of at least a full ICMP header may
 * be sent: EINVAL otherwise.  bind(port 0) picks the identifier. */
API_TEST(icmp, ping_rejects_non_echo, API_NEEDS_RAW)
{
	int s = ping_socket_or_skip();
	struct sockaddr_in to = loopback(0), me = loopback(0);
	struct echo req = echo_request(1, 1);

	expect_ok(bind(s, (struct sockaddr *)&me, sizeof(me)));
	cr_assert_neq(api_name_of(s).sin_port, 0);
	req.h.type = ICMP_TIMESTAMP;
	expect_errno(sendto(s, &req, sizeof(req), 0, (struct sockaddr *)&to,
			    sizeof(to)),
		     EINVAL);
	req.h.type = ICMP_ECHO;
	req.h.code = 1;
	expect_errno(sendto(s, &req, sizeof(req), 0, (struct sockaddr *)&to,
			    sizeof(to)),
		     EINVAL);
	req.h.code = 0;
	expect_errno(sendto(s, &req, sizeof(req.h) - 1, 0,
			    (struct sockaddr *)&to, sizeof(to)),
		     EINVAL);
	expect_errno(send(s, &req, sizeof(req), 0), EDESTADDRREQ);
	expect_ok(close(s));
}

/* -- raw ICMP sockets ------------------------------------------------ */

/* Surprising: a raw socket's "port" is its protocol number, so
 * getsockname of a raw ICMP socket says 0.0.0.0:1 (IPPROTO_RAW: 255). */
API_TEST(icmp, raw_socket_basics, API_NEEDS_RAW)
{
	int s = expect_ok(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
	int w = expect_ok(socket(AF_INET, SOCK_RAW, IPPROTO_RAW));
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_TYPE), SOCK_RAW);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_PROTOCOL),
		     IPPROTO_ICMP);
	cr_assert_eq(api_getsockopt_int(s, SOL_SOCKET, SO_DOMAIN), AF_INET);
	sin = api_name_of(s);
	cr_assert_eq(sin.sin_addr.s_addr, htonl(INADDR_ANY));
	cr_assert_eq(ntohs(sin.sin_port), IPPROTO_ICMP);
	cr_assert_eq(ntohs(api_name_of(w).sin_port), IPPROTO_RAW);
	cr_assert_eq(api_getsockopt_int(w, SOL_SOCKET, SO_PROTOCOL),
		     IPPROTO_RAW);
	expect_errno(getpeername(s, (struct sockaddr *)&sin, &len), ENOTCONN);
	expect_errno(send(s, "x", 1, 0), EDESTADDRREQ);
	expect_ok(close(w));
	expect_ok(close(s));
}

/* A raw socket receives the echo reply the kernel sends, with its IP
 * header; the id is left as written; the source address is reported
 * with port 0. */
API_TEST(icmp, raw_echo_reply_has_ip_header, API_NEEDS_RAW)
{
	int s = raw_icmp_only(ICMP_ECHOREPLY);
	struct sockaddr_in to = loopback(0), from;
	uint16_t id = test_id();
	struct echo req = echo_request(id, 9);
	struct icmphdr want = req.h;
	unsigned char buf[256];
	struct iphdr ip;
	ssize_t n;

	want.type = ICMP_ECHOREPLY;
	cr_assert_eq(sendto(s, &req, sizeof(req), 0, (struct sockaddr *)&to,
			    sizeof(to)),
		     (ssize_t)sizeof(req));
	n = raw_recv_match(s, buf, sizeof(buf), is_echo, &want, &from);
	cr_assert_eq(n, 20 + (ssize_t)sizeof(req));
	memcpy(&ip, buf, sizeof(ip));
	cr_assert_eq(ip.version, 4);
	cr_assert_eq(ip.ihl, 5);
	cr_assert_eq(ntohs(ip.tot_len), n);
	cr_assert_eq(ip.protocol, IPPROTO_ICMP);
	cr_assert_eq(ip.ttl, 64);
	cr_assert_eq(ip.saddr, htonl(INADDR_LOOPBACK));
	cr_assert_eq(ip.daddr, htonl(INADDR_LOOPBACK));
	cr_assert_eq(csum(buf, 20), 0);
	cr_assert_eq(csum(buf + 20, (size_t)n - 20), 0);
	cr_assert_eq(buf[21], 0);
	cr_assert_eq(memcmp(buf + 28, req.data, sizeof(req.data)), 0);
	cr_assert_eq(from.sin_family, AF_INET);
	cr_assert_eq(from.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	cr_assert_eq(from.sin_port, 0);
	expect_ok(close(s));
}

/* On the loopback a raw ICMP socket also receives the request it sent
 * itself (every ICMP packet the host receives goes to every raw ICMP
 * socket whose filter passes it). */
API_TEST(icmp, raw_sees_its_own_request, API_NEEDS_RAW)
{
	int s = raw_icmp_only(ICMP_ECHO);
	struct sockaddr_in to = loopback(0), from;
	struct echo req = echo_request(test_id(), 3);
	unsigned char buf[256];

	cr_assert_eq(sendto(s, &req, sizeof(req), 0, (struct sockaddr *)&to,
			    sizeof(to)),
		     (ssize_t)sizeof(req));
	cr_assert_eq(raw_recv_match(s, buf, sizeof(buf), is_echo, &req.h,
				    &from),
		     20 + (ssize_t)sizeof(req));
	cr_assert_eq(memcmp(buf + 20, &req, sizeof(req)), 0);
	expect_ok(close(s));
}

struct ports {
	uint16_t sport, dport; /* network order */
};

/* A port unreachable quoting a UDP datagram with these ports. */
static bool is_unreach_for(const unsigned char *p, ssize_t n, const void *arg)
{
	const struct ports *pp = arg;

	return n >= 20 + 8 + 20 + 8 && p[20] == ICMP_DEST_UNREACH &&
	       p[21] == ICMP_PORT_UNREACH && p[20 + 8 + 9] == IPPROTO_UDP &&
	       memcmp(p + 20 + 8 + 20, &pp->sport, 2) == 0 &&
	       memcmp(p + 20 + 8 + 20 + 2, &pp->dport, 2) == 0;
}

/* The port unreachable that a UDP datagram to a closed port provokes:
 * outer TOS 0xc0 (precedence "internetwork control", as Linux marks its
 * ICMP errors), type 3 code 3, four zero bytes, then the whole offending
 * datagram (it is shorter than the 576-byte limit), IP header first. */
API_TEST(icmp, raw_sees_port_unreachable, API_NEEDS_RAW)
{
	int s = raw_icmp_only(ICMP_DEST_UNREACH);
	int u = expect_ok(socket(AF_INET, SOCK_DGRAM, 0));
	struct sockaddr_in me = loopback(0), to, from;
	struct ports pp;
	unsigned char buf[1024];
	struct iphdr outer, inner;
	int t;
	ssize_t n;

	/* A closed port: bind one and close it. */
	t = expect_ok(socket(AF_INET, SOCK_DGRAM, 0));
	expect_ok(bind(t, (struct sockaddr *)&me, sizeof(me)));
	to = api_name_of(t);
	expect_ok(close(t));
	expect_ok(bind(u, (struct sockaddr *)&me, sizeof(me)));
	me = api_name_of(u);
	pp.sport = me.sin_port;
	pp.dport = to.sin_port;
	cr_assert_eq(sendto(u, "hello", 5, 0, (struct sockaddr *)&to,
			    sizeof(to)),
		     5);
	n = raw_recv_match(s, buf, sizeof(buf), is_unreach_for, &pp, &from);
	cr_assert_eq(n, 20 + 8 + 20 + 8 + 5);
	memcpy(&outer, buf, sizeof(outer));
	cr_assert_eq(outer.tos, 0xc0);
	cr_assert_eq(outer.protocol, IPPROTO_ICMP);
	cr_assert_eq(ntohs(outer.tot_len), n);
	cr_assert_eq(outer.ttl, 64);
	cr_assert_eq(outer.saddr, htonl(INADDR_LOOPBACK));
	cr_assert_eq(outer.daddr, htonl(INADDR_LOOPBACK));
	cr_assert_eq(csum(buf, 20), 0);
	cr_assert_eq(csum(buf + 20, (size_t)n - 20), 0);
	for (int i = 24; i < 28; i++)
		cr_assert_eq(buf[i], 0);
	memcpy(&inner, buf + 28, sizeof(inner));
	cr_assert_eq(inner.version, 4);
	cr_assert_eq(ntohs(inner.tot_len), 20 + 8 + 5);
	cr_assert_eq(inner.saddr, htonl(INADDR_LOOPBACK));
	cr_assert_eq(inner.daddr, htonl(INADDR_LOOPBACK));
	cr_assert_eq(buf[48 + 4] << 8 | buf[48 + 5], 8 + 5); /* UDP length */
	cr_assert_eq(memcmp(buf + 56, "hello", 5), 0);
	expect_ok(close(u));
	expect_ok(close(s));
}

/* ICMP_FILTER: a bitmask of the ICMP types to drop, 0 by default; only
 * on raw ICMP sockets (EOPNOTSUPP on another raw protocol, ENOPROTOOPT
 * on UDP).  A longer optlen is cut to 4; a shorter one reads back a
 * short value. */
API_TEST(icmp, icmp_filter_option, API_NEEDS_RAW)
{
	int s = expect_ok(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
	int w = expect_ok(socket(AF_INET, SOCK_RAW, IPPROTO_RAW));
	int u = expect_ok(socket(AF_INET, SOCK_DGRAM, 0));
	struct icmp_filter f = { .data = 0xdeadbeef };
	uint64_t big = 0x1122334455667788ULL;
	socklen_t len = sizeof(f);

	expect_ok(getsockopt(s, SOL_RAW, ICMP_FILTER, &f, &len));
	cr_assert_eq(len, sizeof(f));
	cr_assert_eq(f.data, 0);
	f.data = ~(1U << ICMP_ECHOREPLY);
	expect_ok(setsockopt(s, SOL_RAW, ICMP_FILTER, &f, sizeof(f)));
	f.data = 0;
	expect_ok(getsockopt(s, SOL_RAW, ICMP_FILTER, &f, &len));
	cr_assert_eq(f.data, ~(1U << ICMP_ECHOREPLY));
	expect_ok(setsockopt(s, SOL_RAW, ICMP_FILTER, &big, sizeof(big)));
	len = sizeof(big);
	big = 0;
	expect_ok(getsockopt(s, SOL_RAW, ICMP_FILTER, &big, &len));
	cr_assert_eq(len, sizeof(f));
	cr_assert_eq(big, 0x55667788ULL);
	expect_errno(setsockopt(w, SOL_RAW, ICMP_FILTER, &f, sizeof(f)),
		     EOPNOTSUPP);
	expect_errno(getsockopt(w, SOL_RAW, ICMP_FILTER, &f, &len), EOPNOTSUPP);
	expect_errno(setsockopt(u, SOL_RAW, ICMP_FILTER, &f, sizeof(f)),
		     ENOPROTOOPT);
	expect_ok(close(u));
	expect_ok(close(w));
	expect_ok(close(s));
}

/* IP_HDRINCL: off by default on a raw ICMP socket, on for IPPROTO_RAW;
 * a boolean either way.  Setting it on UDP is ENOPROTOOPT (it still
 * reads as 0 there). */
API_TEST(icmp, ip_hdrincl_option, API_NEEDS_RAW)
{
	int s = expect_ok(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
	int w = expect_ok(socket(AF_INET, SOCK_RAW, IPPROTO_RAW));
	int u = expect_ok(socket(AF_INET, SOCK_DGRAM, 0));

	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_HDRINCL), 0);
	cr_assert_eq(set_int(s, SOL_IP, IP_HDRINCL, 5), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_HDRINCL), 1);
	cr_assert_eq(set_int(s, SOL_IP, IP_HDRINCL, 0), 0);
	cr_assert_eq(api_getsockopt_int(s, SOL_IP, IP_HDRINCL), 0);
	cr_assert_eq(api_getsockopt_int(w, SOL_IP, IP_HDRINCL), 1);
	cr_assert_eq(set_int(w, SOL_IP, IP_HDRINCL, 0), 0);
	cr_assert_eq(api_getsockopt_int(w, SOL_IP, IP_HDRINCL), 0);
	cr_assert_eq(set_int(u, SOL_IP, IP_HDRINCL, 1), ENOPROTOOPT);
	cr_assert_eq(api_getsockopt_int(u, SOL_IP, IP_HDRINCL), 0);
	expect_ok(close(u));
	expect_ok(close(w));
	expect_ok(close(s));
}

/* With IP_HDRINCL the program writes the IP header; the kernel fills in
 * the total length, the checksum, and the id when 0.  The echo is
 * answered as usual. */
API_TEST(icmp, ip_hdrincl_send, API_NEEDS_RAW)
{
	int s = raw_icmp_only(ICMP_ECHOREPLY);
	struct sockaddr_in to = loopback(0), from;
	struct echo req = echo_request(test_id(), 11);
	struct icmphdr want = req.h;
	unsigned char pkt[20 + sizeof(req)], buf[256];
	struct iphdr ip;

	cr_assert_eq(set_int(s, SOL_IP, IP_HDRINCL, 1), 0);
	memset(&ip, 0, sizeof(ip));
	ip.version = 4;
	ip.ihl = 5;
	ip.ttl = 17;
	ip.protocol = IPPROTO_ICMP;
	ip.saddr = htonl(INADDR_LOOPBACK);
	ip.daddr = htonl(INADDR_LOOPBACK);
	memcpy(pkt, &ip, sizeof(ip));
	memcpy(pkt + 20, &req, sizeof(req));
	cr_assert_eq(sendto(s, pkt, sizeof(pkt), 0, (struct sockaddr *)&to,
			    sizeof(to)),
		     (ssize_t)sizeof(pkt));
	want.type = ICMP_ECHOREPLY;
	cr_assert_eq(raw_recv_match(s, buf, sizeof(buf), is_echo, &want, &from),
		     (ssize_t)sizeof(pkt));
	cr_assert_eq(memcmp(buf + 28, req.data, sizeof(req.data)), 0);
	/* A header too short for its ihl is refused. */
	expect_errno(sendto(s, pkt, 12, 0, (struct sockaddr *)&to, sizeof(to)),
		     EINVAL);
	expect_ok(close(s));
}

/* Raw sockets need CAP_NET_RAW: EPERM.  But the protocol lookup comes
 * first, so protocol 0 is still EPROTONOSUPPORT. */
API_TEST(icmp, raw_needs_cap_net_raw, API_NEEDS_RAW)
{
	api_drop_privileges();
	expect_errno(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), EPERM);
	expect_errno(socket(AF_INET, SOCK_RAW, IPPROTO_RAW), EPERM);
	expect_errno(socket(AF_INET, SOCK_RAW, IPPROTO_UDP), EPERM);
	expect_errno(socket(AF_INET, SOCK_RAW, 0), EPROTONOSUPPORT);
}

/* Surprising: a raw ICMP socket reads the type and code from the user's
 * buffer before building the packet, so a payload shorter than 2 bytes
 * is EFAULT (not EINVAL); 2 bytes are enough. */
API_TEST(icmp, raw_icmp_shorter_than_two_bytes_efault, API_NEEDS_RAW)
{
	int s = expect_ok(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
	struct sockaddr_in to = loopback(0);
	/* Type 8 would be an echo request; use an unassigned type. */
	unsigned char msg[2] = { 42, 0 };

	expect_errno(sendto(s, msg, 0, 0, (struct sockaddr *)&to, sizeof(to)),
		     EFAULT);
	expect_errno(sendto(s, msg, 1, 0, (struct sockaddr *)&to, sizeof(to)),
		     EFAULT);
	cr_assert_eq(sendto(s, msg, 2, 0, (struct sockaddr *)&to, sizeof(to)),
		     2);
	expect_ok(close(s));
}

/* bind() on a raw socket takes an address (the port is ignored; the
 * name keeps the protocol as port) and must be local; connect() records
 * the peer, port included, and is refused by a later bind (EINVAL). */
API_TEST(icmp, raw_bind_and_connect, API_NEEDS_RAW)
{
	int s = expect_ok(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
	struct sockaddr_in a = loopback(7), peer;
	socklen_t len = sizeof(peer);

	expect_errno(bind(s, (struct sockaddr *)&a, sizeof(a) - 1), EINVAL);
	a.sin_addr.s_addr = inet_addr("198.18.0.1");
	expect_errno(bind(s, (struct sockaddr *)&a, sizeof(a)), EADDRNOTAVAIL);
	a = loopback(7);
	expect_ok(bind(s, (struct sockaddr *)&a, sizeof(a)));
	a = api_name_of(s);
	cr_assert_eq(a.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	cr_assert_eq(ntohs(a.sin_port), IPPROTO_ICMP);
	a = loopback(999);
	expect_ok(connect(s, (struct sockaddr *)&a, sizeof(a)));
	expect_ok(getpeername(s, (struct sockaddr *)&peer, &len));
	cr_assert_eq(peer.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	cr_assert_eq(ntohs(peer.sin_port), 999);
	expect_errno(bind(s, (struct sockaddr *)&a, sizeof(a)), EINVAL);
	expect_ok(close(s));
}
