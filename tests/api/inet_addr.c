/*
 * inet_addr.c - what AF_INET sockets have in common, TCP and UDP alike:
 * how socket() resolves (type, protocol) through the inetsw table (the
 * IPPROTO_IP wildcard, the type/protocol mismatches and their errnos, the
 * protocol range), what a new socket's name looks like, and bind()'s
 * checks in the order Linux makes them: address length, family (with the
 * AF_UNSPEC compatibility case), "already bound", whether the address is
 * local (IP_FREEBIND and IP_TRANSPARENT lift that), then the privileged
 * port range.  Every address used is in 127.0.0.0/8, except 198.18.0.1
 * and 240.0.0.1, which are only bound (never sent to) to get
 * EADDRNOTAVAIL.
 */
#include "api.h"

#include <arpa/inet.h>
#include <netinet/in.h>

static int sockopt_int(int fd, int level, int name)
{
	int v = -12345;
	socklen_t len = sizeof(v);

	expect_ok(getsockopt(fd, level, name, &v, &len));
	cr_assert_eq(len, sizeof(v));
	return v;
}

/* bind() to ip:port; 0 or the errno. */
static int bind_err(int fd, const char *ip, uint16_t port)
{
	struct sockaddr_in sin = api_sin_of(ip, port);

	errno = 0;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
		return 0;
	return errno;
}

static const int both_types[] = { SOCK_STREAM, SOCK_DGRAM };
#define NTYPES ((int)(sizeof(both_types) / sizeof(both_types[0])))

/* Protocol 0 is the wildcard: it picks the one protocol registered for
 * the type.  The explicit protocol gives the same socket. */
API_TEST(inet_addr, protocol_wildcard_resolution, API_NEEDS_TCP)
{
	static const struct {
		int type, protocol, want;
	} c[] = {
		{ SOCK_STREAM, 0, IPPROTO_TCP },
		{ SOCK_STREAM, IPPROTO_TCP, IPPROTO_TCP },
		{ SOCK_DGRAM, 0, IPPROTO_UDP },
		{ SOCK_DGRAM, IPPROTO_UDP, IPPROTO_UDP },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int s = expect_ok(socket(AF_INET, c[i].type, c[i].protocol));

		cr_assert_eq(sockopt_int(s, SOL_SOCKET, SO_DOMAIN), AF_INET);
		cr_assert_eq(sockopt_int(s, SOL_SOCKET, SO_TYPE), c[i].type);
		cr_assert_eq(sockopt_int(s, SOL_SOCKET, SO_PROTOCOL), c[i].want,
			     "type %d protocol %d", c[i].type, c[i].protocol);
		expect_ok(close(s));
	}
}

/* A protocol that exists but not for this type, or does not exist at all
 * (in range), is EPROTONOSUPPORT; so is SOCK_RAW with protocol 0. */
API_TEST(inet_addr, protocol_type_mismatch_eprotonosupport, API_NEEDS_TCP)
{
	expect_errno(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP),
		     EPROTONOSUPPORT);
	expect_errno(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
	expect_errno(socket(AF_INET, SOCK_STREAM, IPPROTO_ICMP),
		     EPROTONOSUPPORT);
	expect_errno(socket(AF_INET, SOCK_DGRAM, IPPROTO_RAW), EPROTONOSUPPORT);
	expect_errno(socket(AF_INET, SOCK_STREAM, 99), EPROTONOSUPPORT);
	expect_errno(socket(AF_INET, SOCK_DGRAM, 255), EPROTONOSUPPORT);
	/* SOCK_RAW registers the wildcard itself (protocol IPPROTO_IP), so
	 * protocol 0 cannot pick anything, even as root. */
	expect_errno(socket(AF_INET, SOCK_RAW, 0), EPROTONOSUPPORT);
	expect_errno(socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_IP),
		     EPROTONOSUPPORT);
}

/* The range check is protocol < 0 || protocol >= IPPROTO_MAX, and
 * IPPROTO_MAX is 263 since MPTCP (262) was added: so 256..262 are in
 * range (EPROTONOSUPPORT) and only 263 and above are EINVAL. */
API_TEST(inet_addr, protocol_range_einval, API_NEEDS_TCP)
{
	expect_errno(socket(AF_INET, SOCK_DGRAM, -1), EINVAL);
	expect_errno(socket(AF_INET, SOCK_STREAM, -5), EINVAL);
	expect_errno(socket(AF_INET, SOCK_DGRAM, INT_MIN), EINVAL);
	expect_errno(socket(AF_INET, SOCK_DGRAM, 263), EINVAL);
	expect_errno(socket(AF_INET, SOCK_STREAM, INT_MAX), EINVAL);
	expect_errno(socket(AF_INET, SOCK_DGRAM, 256), EPROTONOSUPPORT);
	expect_errno(socket(AF_INET, SOCK_DGRAM, 261), EPROTONOSUPPORT);
}

/* Types with no inetsw entry at all (nothing for SEQPACKET without SCTP,
 * RDM, DCCP, the unused 7..9, and 0) are ESOCKTNOSUPPORT whatever the
 * protocol. */
API_TEST(inet_addr, unsupported_types_esocktnosupport, API_NEEDS_INET)
{
	static const int types[] = {
		0, SOCK_SEQPACKET, SOCK_RDM, SOCK_DCCP, 7, 8, 9
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		expect_errno(socket(AF_INET, types[i], 0), ESOCKTNOSUPPORT);
		expect_errno(socket(AF_INET, types[i], IPPROTO_TCP),
			     ESOCKTNOSUPPORT);
		expect_errno(socket(AF_INET, types[i], IPPROTO_UDP),
			     ESOCKTNOSUPPORT);
	}
}

/* Surprising: socket(AF_INET, SOCK_PACKET, ...) is not refused; the
 * socket layer rewrites the family to AF_PACKET (an obsolete interface)
 * and the result is a packet socket: SO_DOMAIN AF_PACKET (17), SO_TYPE
 * SOCK_PACKET, SO_PROTOCOL 0.  It needs CAP_NET_RAW: EPERM otherwise. */
API_TEST(inet_addr, sock_packet_becomes_af_packet, API_NEEDS_PACKET)
{
	int s = expect_ok(socket(AF_INET, SOCK_PACKET, 0));

	cr_assert_eq(sockopt_int(s, SOL_SOCKET, SO_DOMAIN), 17 /* AF_PACKET */);
	cr_assert_eq(sockopt_int(s, SOL_SOCKET, SO_TYPE), SOCK_PACKET);
	cr_assert_eq(sockopt_int(s, SOL_SOCKET, SO_PROTOCOL), 0);
	expect_ok(close(s));
	api_drop_privileges();
	expect_errno(socket(AF_INET, SOCK_PACKET, 0), EPERM);
}

/* A new socket of either type is named 0.0.0.0:0 with the full 16-byte
 * length (a short buffer gets a truncated copy, and the full length),
 * and has no peer. */
API_TEST(inet_addr, unbound_name_is_any_zero, API_NEEDS_TCP)
{
	for (int t = 0; t < NTYPES; t++) {
		int s = expect_ok(socket(AF_INET, both_types[t], 0));
		struct sockaddr_storage ss;
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		socklen_t len = sizeof(ss);

		memset(&ss, 0xa5, sizeof(ss));
		expect_ok(getsockname(s, (struct sockaddr *)&ss, &len));
		cr_assert_eq(len, sizeof(struct sockaddr_in));
		cr_assert_eq(sin->sin_family, AF_INET);
		cr_assert_eq(sin->sin_port, 0);
		cr_assert_eq(sin->sin_addr.s_addr, htonl(INADDR_ANY));
		for (size_t i = 0; i < sizeof(sin->sin_zero); i++)
			cr_assert_eq(sin->sin_zero[i], 0);
		/* Nothing is written past the 16 bytes. */
		cr_assert_eq(((unsigned char *)&ss)[sizeof(*sin)], 0xa5);
		/* A short buffer gets a truncated copy and the full length;
		 * a zero length is fine. */
		memset(&ss, 0xa5, sizeof(ss));
		len = 3;
		expect_ok(getsockname(s, (struct sockaddr *)&ss, &len));
		cr_assert_eq(len, sizeof(struct sockaddr_in));
		cr_assert_eq(sin->sin_family, AF_INET);
		cr_assert_eq(((unsigned char *)&ss)[2], 0);
		cr_assert_eq(((unsigned char *)&ss)[3], 0xa5);
		len = 0;
		expect_ok(getsockname(s, (struct sockaddr *)&ss, &len));
		cr_assert_eq(len, sizeof(struct sockaddr_in));
		len = sizeof(ss);
		expect_errno(getpeername(s, (struct sockaddr *)&ss, &len),
			     ENOTCONN);
		expect_ok(close(s));
	}
}

/* The address length must be at least sizeof(struct sockaddr_in) (16);
 * anything up to sizeof(struct sockaddr_storage) (128) is accepted, and
 * more than 128 is refused by the socket layer before the protocol
 * sees it.  sin_zero may hold anything. */
API_TEST(inet_addr, bind_addrlen, API_NEEDS_TCP)
{
	for (int t = 0; t < NTYPES; t++) {
		struct sockaddr_storage ss;
		struct sockaddr_in sin = api_sin_of("127.0.0.1", 0);
		int s = expect_ok(socket(AF_INET, both_types[t], 0));

		memset(&ss, 0, sizeof(ss));
		memcpy(&ss, &sin, sizeof(sin));
		expect_errno(bind(s, (struct sockaddr *)&ss, 0), EINVAL);
		expect_errno(bind(s, (struct sockaddr *)&ss, 2), EINVAL);
		expect_errno(bind(s, (struct sockaddr *)&ss, 15), EINVAL);
		expect_errno(bind(s, (struct sockaddr *)&ss, 129), EINVAL);
		expect_errno(bind(s, (struct sockaddr *)&ss, (socklen_t)-1),
			     EINVAL);
		/* sin_zero is not checked, nor reported. */
		memset(((struct sockaddr_in *)&ss)->sin_zero, 0x5a, 8);
		expect_ok(bind(s, (struct sockaddr *)&ss, sizeof(ss)));
		sin = api_name_of(s);
		cr_assert_eq(sin.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
		for (size_t i = 0; i < sizeof(sin.sin_zero); i++)
			cr_assert_eq(sin.sin_zero[i], 0);
		expect_ok(close(s));
	}
}

/* Any family but AF_INET is EAFNOSUPPORT, with one exception kept for
 * old programs: AF_UNSPEC is taken as AF_INET when the address is
 * INADDR_ANY (and only then). */
API_TEST(inet_addr, bind_family, API_NEEDS_TCP)
{
	for (int t = 0; t < NTYPES; t++) {
		int s = expect_ok(socket(AF_INET, both_types[t], 0));
		struct sockaddr_in sin = api_sin_of("127.0.0.1", 0);

		sin.sin_family = AF_UNIX;
		/* The length is checked before the family. */
		expect_errno(bind(s, (struct sockaddr *)&sin, 8), EINVAL);
		expect_errno(bind(s, (struct sockaddr *)&sin, sizeof(sin)),
			     EAFNOSUPPORT);
		sin.sin_family = AF_INET6;
		expect_errno(bind(s, (struct sockaddr *)&sin, sizeof(sin)),
			     EAFNOSUPPORT);
		sin.sin_family = AF_UNSPEC;
		expect_errno(bind(s, (struct sockaddr *)&sin, sizeof(sin)),
			     EAFNOSUPPORT);
		sin = api_sin_of("0.0.0.0", 0);
		sin.sin_family = AF_UNSPEC;
		expect_ok(bind(s, (struct sockaddr *)&sin, sizeof(sin)));
		sin = api_name_of(s);
		cr_assert_eq(sin.sin_addr.s_addr, htonl(INADDR_ANY));
		cr_assert_neq(sin.sin_port, 0);
		expect_ok(close(s));
	}
}

/* A bound socket cannot be bound again, even to the same or another
 * address: EINVAL.  A UDP socket autobound by sendto counts as bound. */
API_TEST(inet_addr, bind_twice_einval, API_NEEDS_TCP)
{
	for (int t = 0; t < NTYPES; t++) {
		int s = expect_ok(socket(AF_INET, both_types[t], 0));
		struct sockaddr_in sin;

		cr_assert_eq(bind_err(s, "127.0.0.1", 0), 0);
		sin = api_name_of(s);
		cr_assert_eq(bind_err(s, "127.0.0.1", 0), EINVAL);
		cr_assert_eq(bind_err(s, "127.0.0.2", 0), EINVAL);
		cr_assert_eq(bind(s, (struct sockaddr *)&sin, sizeof(sin)), -1);
		cr_assert_eq(errno, EINVAL);
		expect_ok(close(s));
	}
	{
		int r = expect_ok(socket(AF_INET, SOCK_DGRAM, 0));
		int s = expect_ok(socket(AF_INET, SOCK_DGRAM, 0));
		struct sockaddr_in to;
		char c;

		cr_assert_eq(bind_err(r, "127.0.0.1", 0), 0);
		to = api_name_of(r);
		expect_ok(sendto(s, "x", 1, 0, (struct sockaddr *)&to,
				 sizeof(to)));
		cr_assert_neq(api_name_of(s).sin_port, 0);
		cr_assert_eq(bind_err(s, "127.0.0.1", 0), EINVAL);
		cr_assert_eq(recv(r, &c, 1, 0), 1);
		expect_ok(close(s));
		expect_ok(close(r));
	}
}

/* An address that is not local is EADDRNOTAVAIL: one on no interface
 * (198.18.0.1), class E, and 0.x.y.z.  The whole of 127.0.0.0/8 is
 * local, network address 127.0.0.0 included. */
API_TEST(inet_addr, bind_nonlocal_eaddrnotavail, API_NEEDS_TCP)
{
	static const char *const bad[] = { "198.18.0.1", "240.0.0.1",
					   "0.1.2.3" };
	static const char *const good[] = { "127.0.0.1", "127.1.2.3",
					    "127.255.255.254", "127.0.0.0" };

	for (int t = 0; t < NTYPES; t++) {
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			int s = expect_ok(socket(AF_INET, both_types[t], 0));

			cr_assert_eq(bind_err(s, bad[i], 0), EADDRNOTAVAIL,
				     "bind %s", bad[i]);
			/* A failed bind leaves the socket unbound. */
			cr_assert_eq(api_name_of(s).sin_port, 0);
			cr_assert_eq(bind_err(s, "127.0.0.1", 0), 0);
			expect_ok(close(s));
		}
		for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
			int s = expect_ok(socket(AF_INET, both_types[t], 0));
			struct sockaddr_in sin;

			cr_assert_eq(bind_err(s, good[i], 0), 0, "bind %s",
				     good[i]);
			sin = api_name_of(s);
			cr_assert_eq(sin.sin_addr.s_addr,
				     api_sin_of(good[i], 0).sin_addr.s_addr);
			expect_ok(close(s));
		}
	}
}

/* Surprising: bind accepts broadcast and multicast addresses, for TCP as
 * well as UDP (the check is "local, broadcast or multicast"), and
 * getsockname reports them: 255.255.255.255, the loopback subnet's
 * broadcast 127.255.255.255, and 224.0.0.1. */
API_TEST(inet_addr, bind_broadcast_and_multicast_accepted, API_NEEDS_TCP)
{
	static const char *const addrs[] = { "255.255.255.255",
					     "127.255.255.255", "224.0.0.1" };

	for (int t = 0; t < NTYPES; t++) {
		for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
			int s = expect_ok(socket(AF_INET, both_types[t], 0));
			struct sockaddr_in sin;

			cr_assert_eq(bind_err(s, addrs[i], 0), 0, "bind %s",
				     addrs[i]);
			sin = api_name_of(s);
			cr_assert_eq(sin.sin_addr.s_addr,
				     api_sin_of(addrs[i], 0).sin_addr.s_addr);
			cr_assert_neq(sin.sin_port, 0);
			expect_ok(close(s));
		}
	}
}

/* IP_FREEBIND (anyone) and IP_TRANSPARENT (CAP_NET_ADMIN) let a socket
 * bind an address that is not local. */
API_TEST(inet_addr, bind_nonlocal_freebind_transparent, API_NEEDS_TCP)
{
	static const int opts[] = { IP_FREEBIND, IP_TRANSPARENT };

	for (int t = 0; t < NTYPES; t++) {
		for (int o = 0; o < 2; o++) {
			int s = expect_ok(socket(AF_INET, both_types[t], 0));
			int one = 1;

			cr_assert_eq(sockopt_int(s, SOL_IP, opts[o]), 0);
			expect_ok(setsockopt(s, SOL_IP, opts[o], &one,
					     sizeof(one)));
			cr_assert_eq(sockopt_int(s, SOL_IP, opts[o]), 1);
			cr_assert_eq(bind_err(s, "198.18.0.1", 0), 0);
			cr_assert_eq(
				api_name_of(s).sin_addr.s_addr,
				api_sin_of("198.18.0.1", 0).sin_addr.s_addr);
			expect_ok(close(s));
		}
	}
}

API_TEST(inet_addr, ip_transparent_needs_privilege, API_NEEDS_INET)
{
	int s = expect_ok(socket(AF_INET, SOCK_DGRAM, 0));
	int one = 1;

	api_drop_privileges();
	expect_errno(setsockopt(s, SOL_IP, IP_TRANSPARENT, &one, sizeof(one)),
		     EPERM);
	cr_assert_eq(sockopt_int(s, SOL_IP, IP_TRANSPARENT), 0);
	/* IP_FREEBIND needs nothing. */
	expect_ok(setsockopt(s, SOL_IP, IP_FREEBIND, &one, sizeof(one)));
	expect_ok(close(s));
}

/* Below net.ipv4.ip_unprivileged_port_start (1024) a port needs
 * CAP_NET_BIND_SERVICE: EACCES.  The address is checked first, so a
 * non-local address with a low port is still EADDRNOTAVAIL; port 0
 * (any) is fine. */
API_TEST(inet_addr, bind_privileged_port_eacces, API_NEEDS_TCP)
{
	api_drop_privileges();
	for (int t = 0; t < NTYPES; t++) {
		int s = expect_ok(socket(AF_INET, both_types[t], 0));

		cr_assert_eq(bind_err(s, "127.0.0.1", 1023), EACCES);
		cr_assert_eq(bind_err(s, "0.0.0.0", 1), EACCES);
		cr_assert_eq(bind_err(s, "127.0.0.1", 80), EACCES);
		cr_assert_eq(bind_err(s, "198.18.0.1", 80), EADDRNOTAVAIL);
		cr_assert_eq(bind_err(s, "127.0.0.1", 0), 0);
		cr_assert_geq(ntohs(api_name_of(s).sin_port), 1024);
		expect_ok(close(s));
	}
}

/* Root may bind a low port.  The address is a per-process 127.x.y.z so
 * that parallel runs do not meet. */
API_TEST(inet_addr, bind_privileged_port_as_root, API_NEEDS_TCP)
{
	char ip[32];
	unsigned int pid = (unsigned int)getpid();

	snprintf(ip, sizeof(ip), "127.%u.%u.%u", 100 + (pid >> 16) % 100,
		 (pid >> 8) & 0xff, (pid & 0xff) | 1);
	for (int t = 0; t < NTYPES; t++) {
		int s = expect_ok(socket(AF_INET, both_types[t], 0));
		struct sockaddr_in sin;

		cr_assert_eq(bind_err(s, ip, 1000), 0, "bind %s:1000", ip);
		sin = api_name_of(s);
		cr_assert_eq(ntohs(sin.sin_port), 1000);
		expect_ok(close(s));
	}
}

/* Ports given by bind(port 0) are never 0 and never privileged; each
 * socket gets its own. */
API_TEST(inet_addr, ephemeral_ports_distinct, API_NEEDS_TCP)
{
	for (int t = 0; t < NTYPES; t++) {
		int s[16];
		uint16_t port[16];

		for (int i = 0; i < 16; i++) {
			s[i] = expect_ok(socket(AF_INET, both_types[t], 0));
			cr_assert_eq(bind_err(s[i],
					      i % 2 ? "127.0.0.1" : "0.0.0.0",
					      0),
				     0);
			port[i] = ntohs(api_name_of(s[i]).sin_port);
			cr_assert_geq(port[i], 1024);
			for (int j = 0; j < i; j++)
				cr_assert_neq(port[i], port[j]);
		}
		for (int i = 0; i < 16; i++)
			expect_ok(close(s[i]));
	}
}

/* TCP and UDP have separate port spaces; and the port of a closed
 * socket (never connected) can be bound again at once. */
API_TEST(inet_addr, tcp_and_udp_ports_independent, API_NEEDS_TCP)
{
	int t = expect_ok(socket(AF_INET, SOCK_STREAM, 0));
	int u = expect_ok(socket(AF_INET, SOCK_DGRAM, 0));
	uint16_t port;

	cr_assert_eq(bind_err(t, "127.0.0.1", 0), 0);
	port = ntohs(api_name_of(t).sin_port);
	cr_assert_eq(bind_err(u, "127.0.0.1", port), 0);
	expect_ok(close(t));
	expect_ok(close(u));
	t = expect_ok(socket(AF_INET, SOCK_STREAM, 0));
	u = expect_ok(socket(AF_INET, SOCK_DGRAM, 0));
	cr_assert_eq(bind_err(u, "0.0.0.0", port), 0);
	cr_assert_eq(bind_err(t, "0.0.0.0", port), 0);
	expect_ok(close(t));
	expect_ok(close(u));
}

/* Without SO_REUSEADDR, two TCP sockets cannot bind the same port even
 * when neither listens; a wildcard bind covers every local address. */
API_TEST(inet_addr, tcp_bind_conflicts, API_NEEDS_TCP)
{
	int a = expect_ok(socket(AF_INET, SOCK_STREAM, 0));
	int b = expect_ok(socket(AF_INET, SOCK_STREAM, 0));
	int c = expect_ok(socket(AF_INET, SOCK_STREAM, 0));
	uint16_t port;

	cr_assert_eq(bind_err(a, "127.0.0.1", 0), 0);
	port = ntohs(api_name_of(a).sin_port);
	cr_assert_eq(bind_err(b, "127.0.0.1", port), EADDRINUSE);
	cr_assert_eq(bind_err(b, "0.0.0.0", port), EADDRINUSE);
	/* A failed bind leaves the socket free to bind elsewhere. */
	cr_assert_eq(bind_err(b, "127.0.0.2", port), 0);
	expect_ok(close(a));
	cr_assert_eq(bind_err(c, "0.0.0.0", port), EADDRINUSE);
	expect_ok(close(b));
	cr_assert_eq(bind_err(c, "0.0.0.0", port), 0);
	expect_ok(close(c));
}
