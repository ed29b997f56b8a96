/*
 * loopback.c - checksums on lo, as Linux's CHECKSUM_PARTIAL: what this
 * stack's TCP and UDP send to itself by loopback carries no checksum (the
 * field is left 0, for a device that never fills it) and is not verified
 * on arrival; what a raw socket sends, or what was fragmented, is checked
 * as from any device.  One namespace with lo up, under the virtual clock;
 * a raw socket of each protocol sees what lo carries.  usnet-only.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include <usnet/usnet.h>

#include "lib/checksum.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"
#include "wire/udp.h"

#include "hosts.h"

#define LO_TEST(name)                                                     \
	Test(loopback, name, .init = lo_init, .fini = hosts_teardown_tcp, \
	     .timeout = 30.0)

#define LOCALHOST 0x7f000001u

static void lo_init(void)
{
	hosts_virtual_clock();
	ns_a = usnet_net_create();
	cr_assert_not_null(ns_a);
	ip(ns_a, "link set lo up");
}

/* The next packet a raw socket @r has, its IPv4 header included; its
 * length. */
static size_t raw_next(int r, uint8_t *buf, size_t room)
{
	ssize_t n = usnet_recv(r, buf, room, MSG_DONTWAIT);

	cr_assert_geq(n, IPV4_HLEN, "raw recv: %s", strerror(errno));
	return (size_t)n;
}

/* Whether the transport checksum of @pkt (an IPv4 packet) verifies. */
static bool csum_ok(const uint8_t *pkt, size_t len, uint8_t proto)
{
	size_t hl = (size_t)(pkt[0] & 15) * 4;
	uint32_t sum = csum_partial(pkt + hl, len - hl, 0);

	return csum_tcpudp_magic(LOCALHOST, LOCALHOST, (uint32_t)(len - hl),
				 proto, sum) == 0;
}

/* Send @payload from a raw socket as an IPv4 packet of @proto to
 * 127.0.0.1, as a program with CAP_NET_RAW can. */
static void raw_send(uint8_t proto, const uint8_t *payload, size_t len)
{
	struct ipv4_hdr_info h = { .ttl = 64,
				   .protocol = proto,
				   .saddr = LOCALHOST,
				   .daddr = LOCALHOST };
	struct sockaddr_in to = sin_of("127.0.0.1", 0);
	int w = socket_in(ns_a, SOCK_RAW, IPPROTO_RAW);
	uint8_t pkt[256];

	cr_assert_leq(IPV4_HLEN + len, sizeof(pkt));
	ipv4_emit(&h, len, pkt, IPV4_HLEN);
	memcpy(pkt + IPV4_HLEN, payload, len);
	cr_assert_eq(usnet_sendto(w, pkt, IPV4_HLEN + len, 0,
				  (struct sockaddr *)&to, sizeof(to)),
		     (ssize_t)(IPV4_HLEN + len));
	cr_assert_eq(usnet_close(w), 0);
}

LO_TEST(tcp_and_udp_leave_the_sum_to_lo)
{
	struct sockaddr_in to = sin_of("127.0.0.1", 9000);
	int ru = socket_in(ns_a, SOCK_RAW, IPPROTO_UDP);
	int rt = socket_in(ns_a, SOCK_RAW, IPPROTO_TCP);
	int u = udp_in(ns_a, "127.0.0.1", 9000);
	int s = socket_in(ns_a, SOCK_DGRAM, 0);
	int l = socket_in(ns_a, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int c = socket_in(ns_a, SOCK_STREAM | SOCK_NONBLOCK, 0), a;
	uint8_t pkt[512];
	char buf[16];
	size_t n;

	cr_assert_eq(usnet_sendto(s, "hello", 5, 0, (struct sockaddr *)&to,
				  sizeof(to)),
		     5);
	cr_assert_eq(usnet_recv(u, buf, sizeof(buf), MSG_DONTWAIT), 5);
	n = raw_next(ru, pkt, sizeof(pkt));
	cr_assert_eq(n, IPV4_HLEN + UDP_HLEN + 5);
	cr_assert_eq(pkt[IPV4_HLEN + 6] << 8 | pkt[IPV4_HLEN + 7], 0,
		     "a UDP checksum was computed for lo");

	to = sin_of("127.0.0.1", 80);
	cr_assert_eq(usnet_bind(l, (struct sockaddr *)&to, sizeof(to)), 0);
	cr_assert_eq(usnet_listen(l, 4), 0);
	errno = 0;
	cr_assert_eq(usnet_connect(c, (struct sockaddr *)&to, sizeof(to)), -1);
	cr_assert_eq(errno, EINPROGRESS);
	usnet_clock_advance(MS);
	a = usnet_accept4(l, NULL, NULL, 0);
	cr_assert_geq(a, 0, "accept: %s", strerror(errno));
	cr_assert_eq(usnet_send(c, "data", 4, 0), 4);
	cr_assert_eq(usnet_recv(a, buf, sizeof(buf), MSG_DONTWAIT), 4);
	/* the SYN, the SYN-ACK, the ACK, the data: none summed */
	for (int i = 0; i < 4; i++) {
		n = raw_next(rt, pkt, sizeof(pkt));
		cr_assert_eq(pkt[IPV4_HLEN + 16] << 8 | pkt[IPV4_HLEN + 17], 0,
			     "segment %d: a TCP checksum was computed for lo",
			     i);
	}
	cr_assert_eq(stat_of(ns_a, "drop.TCP_CSUM"), 0);
	cr_assert_eq(stat_of(ns_a, "drop.UDP_CSUM"), 0);
}

/* What a raw socket sends on lo is checked like any packet: a bad sum is
 * a counted drop. */
LO_TEST(raw_packets_on_lo_are_checked)
{
	struct udp_hdr_info uh = { .sport = 7, .dport = 9000 };
	struct tcp_hdr_info th = { .sport = 40000,
				   .dport = 80,
				   .seq = 1000,
				   .flags = TCPHDR_SYN,
				   .window = 65535 };
	struct wire_pseudo ph = { .saddr = LOCALHOST, .daddr = LOCALHOST };
	struct sockaddr_in to = sin_of("127.0.0.1", 80);
	int u = udp_in(ns_a, "127.0.0.1", 9000);
	int l = socket_in(ns_a, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int rt = socket_in(ns_a, SOCK_RAW, IPPROTO_TCP);
	uint8_t seg[64], pkt[256];
	char buf[16];

	cr_assert_eq(usnet_bind(l, (struct sockaddr *)&to, sizeof(to)), 0);
	cr_assert_eq(usnet_listen(l, 4), 0);

	udp_emit(&uh, &ph, "bad", 3, seg, UDP_HLEN);
	memcpy(seg + UDP_HLEN, "bad", 3);
	seg[6] ^= 0x40; /* the checksum, wrong */
	raw_send(IPPROTO_UDP, seg, UDP_HLEN + 3);
	errno = 0;
	cr_assert_eq(usnet_recv(u, buf, sizeof(buf), MSG_DONTWAIT), -1);
	cr_assert_eq(errno, EAGAIN);
	cr_assert_eq(stat_of(ns_a, "drop.UDP_CSUM"), 1);
	seg[6] ^= 0x40;
	raw_send(IPPROTO_UDP, seg, UDP_HLEN + 3);
	cr_assert_eq(usnet_recv(u, buf, sizeof(buf), MSG_DONTWAIT), 3);

	/* a raw TCP socket sees the SYN, and a SYN-ACK only for the good
	 * one */
	tcp_emit(&th, &ph, NULL, 0, seg, TCP_HLEN);
	seg[17] ^= 1;
	raw_send(IPPROTO_TCP, seg, TCP_HLEN);
	cr_assert_eq(stat_of(ns_a, "drop.TCP_CSUM"), 1);
	raw_next(rt, pkt, sizeof(pkt));
	errno = 0;
	cr_assert_eq(usnet_recv(rt, pkt, sizeof(pkt), MSG_DONTWAIT), -1);
	cr_assert_eq(errno, EAGAIN);
	seg[17] ^= 1;
	raw_send(IPPROTO_TCP, seg, TCP_HLEN);
	raw_next(rt, pkt, sizeof(pkt));
	raw_next(rt, pkt, sizeof(pkt));
	cr_assert_eq(pkt[IPV4_HLEN + 13], TCPHDR_SYN | TCPHDR_ACK);
	cr_assert_eq(stat_of(ns_a, "drop.TCP_CSUM"), 1);
}

/* A datagram fragmented on lo (its MTU lowered) is summed before it goes,
 * as Linux does (skb_checksum_help()), and checked once reassembled. */
LO_TEST(fragmented_on_lo_is_summed)
{
	struct sockaddr_in to = sin_of("127.0.0.1", 9000);
	int ru = socket_in(ns_a, SOCK_RAW, IPPROTO_UDP);
	int u = udp_in(ns_a, "127.0.0.1", 9000);
	int s = socket_in(ns_a, SOCK_DGRAM, 0);
	static uint8_t big[3000], pkt[4096];
	size_t n;

	ip(ns_a, "link set lo mtu 1500");
	memset(big, 0xa5, sizeof(big));
	cr_assert_eq(usnet_sendto(s, big, sizeof(big), 0,
				  (struct sockaddr *)&to, sizeof(to)),
		     (ssize_t)sizeof(big));
	cr_assert_eq(usnet_recv(u, pkt, sizeof(pkt), MSG_DONTWAIT),
		     (ssize_t)sizeof(big));
	n = raw_next(ru, pkt, sizeof(pkt));
	cr_assert_eq(n, IPV4_HLEN + UDP_HLEN + sizeof(big));
	cr_assert_neq(pkt[IPV4_HLEN + 6] << 8 | pkt[IPV4_HLEN + 7], 0);
	cr_assert(csum_ok(pkt, n, IPPROTO_UDP));
}
