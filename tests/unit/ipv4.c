/*
 * ipv4.c - IPv4 across namespaces: forwarding over a router (TTL, time
 * exceeded, fragmentation needed, ip_forward off), fragmentation on output
 * and reassembly on input, and hostile fragment trains injected on a
 * device (overlap, a lone fragment timing out, an oversized train), all
 * under the virtual clock.  usnet-only (internal and usnet_* API).
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <linux/errqueue.h>

#include <usnet/usnet.h>

#include "core/netdevice.h"
#include "wire/ipv4.h"
#include "wire/udp.h"

#include "hosts.h"

static struct usnet_net *a, *r, *b;

static void teardown(void)
{
	struct usnet_objects live;

	usnet_close_range(0, ~0U, 0);
	usnet_net_destroy(a);
	usnet_net_destroy(r);
	usnet_net_destroy(b);
	a = r = b = NULL;
	usnet_objects_live(&live);
	cr_expect(live.sockets == 0 && live.socks == 0 && live.skbs == 0,
		  "left alive: %lu sockets %lu socks %lu skbs", live.sockets,
		  live.socks, live.skbs);
}

#define IPV4_TEST(name)                                           \
	Test(ipv4, name, .init = virtual_clock, .fini = teardown, \
	     .timeout = 20.0)

static void virtual_clock(void)
{
	cr_assert_eq(usnet_clock_virtual(0), 0);
}

/* a (198.18.1.1) -- r -- b (198.18.2.1); @mtu on the r--b link. */
static void router(unsigned int mtu)
{
	struct usnet_link_params p = { .mtu = mtu };

	a = usnet_net_create();
	r = usnet_net_create();
	b = usnet_net_create();
	cr_assert(a && r && b);
	cr_assert_eq(usnet_link_add(a, "eth0", r, "eth0", NULL), 0);
	cr_assert_eq(usnet_link_add(r, "eth1", b, "eth0", &p), 0);
	ip(a, "addr add 198.18.1.1/24 dev eth0");
	ip(r, "addr add 198.18.1.254/24 dev eth0");
	ip(r, "addr add 198.18.2.254/24 dev eth1");
	ip(b, "addr add 198.18.2.1/24 dev eth0");
	ip(a, "link set eth0 up");
	ip(r, "link set eth0 up");
	ip(r, "link set eth1 up");
	ip(b, "link set eth0 up");
	ip(a, "route add default via 198.18.1.254");
	ip(b, "route add default via 198.18.2.254");
	ip(r, "sysctl ipv4.ip_forward 1");
}

/* A non-blocking UDP socket in @net bound to @addr:@port. */
static int udp_nb(struct usnet_net *net, const char *addr, uint16_t port)
{
	int s = udp_in(net, addr, port);

	cr_assert_eq(usnet_fcntl(s, F_SETFL, O_NONBLOCK), 0);
	return s;
}

static ssize_t send_to_b(int s, const void *buf, size_t len)
{
	struct sockaddr_in to = sin_of("198.18.2.1", 9000);

	return usnet_sendto(s, buf, len, 0, (struct sockaddr *)&to, sizeof(to));
}

/* The error-queue entry of @s: its sock_extended_err, or fails. */
static struct sock_extended_err errqueue(int s)
{
	struct sock_extended_err ee;

	cr_assert(errqueue_next(s, &ee), "the error queue is empty");
	return ee;
}

IPV4_TEST(forwarded_with_ttl_decremented)
{
	int sa, sb, on = 1, ttl = 0;
	char buf[16], ctl[64];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl,
			    .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;

	router(0);
	sa = udp_nb(a, "198.18.1.1", 8000);
	sb = udp_nb(b, "198.18.2.1", 9000);
	usnet_setsockopt(sb, SOL_IP, IP_RECVTTL, &on, sizeof(on));
	cr_assert_eq(send_to_b(sa, "hop", 3), 3);
	usnet_clock_advance(1);
	cr_assert_eq(usnet_recvmsg(sb, &m, 0), 3);
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_IP && c->cmsg_type == IP_TTL)
			memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
	cr_assert_eq(ttl, 63);
}

IPV4_TEST(forwarding_off_drops)
{
	int sa;

	router(0);
	ip(r, "sysctl ipv4.ip_forward 0");
	sa = udp_nb(a, "198.18.1.1", 8000);
	cr_assert_eq(send_to_b(sa, "x", 1), 1);
	usnet_clock_advance(1);
	cr_assert_eq(stat_of(r, "drop.IP_NOT_FORWARDING"), 1);
}

/* RFC 1812 5.3.1: TTL spent at the router gives a time exceeded, which a
 * socket with IP_RECVERR finds on its error queue (and as EHOSTUNREACH). */
IPV4_TEST(ttl_exceeded_reported)
{
	int sa, on = 1, one = 1;
	struct sock_extended_err ee;

	router(0);
	sa = udp_nb(a, "198.18.1.1", 8000);
	usnet_setsockopt(sa, SOL_IP, IP_RECVERR, &on, sizeof(on));
	usnet_setsockopt(sa, SOL_IP, IP_TTL, &one, sizeof(one));
	cr_assert_eq(send_to_b(sa, "x", 1), 1);
	usnet_clock_advance(1);
	cr_assert_eq(stat_of(r, "drop.IP_TTL_EXPIRED"), 1);
	ee = errqueue(sa);
	cr_assert_eq(ee.ee_origin, SO_EE_ORIGIN_ICMP);
	cr_assert_eq(ee.ee_type, 11);
	cr_assert_eq(ee.ee_errno, EHOSTUNREACH);
}

/* The router's ICMP errors to a within the rate limits (RFC 1812
 * 4.3.2.8, Linux's default ipv4.icmp_ratemask): fragmentation needed
 * never held back (PMTU discovery), time exceeded six at once. */
IPV4_TEST(router_icmp_rate_limits)
{
	int sa, on = 1, one = 1, probe = IP_PMTUDISC_PROBE, n = 0;
	unsigned char out[1000] = { 0 };

	router(576);
	sa = udp_nb(a, "198.18.1.1", 8000);
	usnet_setsockopt(sa, SOL_IP, IP_RECVERR, &on, sizeof(on));
	usnet_setsockopt(sa, SOL_IP, IP_MTU_DISCOVER, &probe, sizeof(probe));
	for (int i = 0; i < 20; i++) {
		cr_assert_eq(send_to_b(sa, out, sizeof(out)),
			     (ssize_t)sizeof(out));
		n += icmp_errors_queued(sa, 3, 4);
	}
	cr_assert_eq(n, 20);
	usnet_setsockopt(sa, SOL_IP, IP_TTL, &one, sizeof(one));
	for (int i = n = 0; i < 20; i++) {
		cr_assert_eq(send_to_b(sa, "x", 1), 1);
		n += icmp_errors_queued(sa, 11, 0);
	}
	cr_assert_eq(n, 6);
	cr_assert_eq(stat_of(r, "IcmpOutRateLimitHost"), 14);
	cr_assert_eq(stat_of(r, "drop.IP_TTL_EXPIRED"), 20);
}

/* A 3000-byte datagram over a 576-byte link: the router fragments it,
 * b reassembles it, byte for byte. */
IPV4_TEST(fragmented_and_reassembled)
{
	unsigned char out[3000], in[3100];
	int sa, sb;

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (unsigned char)(i * 7 + 3);
	router(576);
	sa = udp_nb(a, "198.18.1.1", 8000);
	sb = udp_nb(b, "198.18.2.1", 9000);
	/* Over 1500 on a's own link too: a fragments first. */
	cr_assert_eq(send_to_b(sa, out, sizeof(out)), (ssize_t)sizeof(out));
	usnet_clock_advance(1);
	cr_assert_eq(usnet_recv(sb, in, sizeof(in), 0), (ssize_t)sizeof(out));
	cr_assert(memcmp(in, out, sizeof(out)) == 0);
}

/* DF and a small next hop: the router answers fragmentation needed with
 * the MTU, the sender's socket learns EMSGSIZE. */
IPV4_TEST(frag_needed_reported)
{
	int sa, on = 1, pmtu = IP_PMTUDISC_DO;
	unsigned char out[1000] = { 0 };
	struct sock_extended_err ee;

	router(576);
	sa = udp_nb(a, "198.18.1.1", 8000);
	usnet_setsockopt(sa, SOL_IP, IP_RECVERR, &on, sizeof(on));
	usnet_setsockopt(sa, SOL_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu));
	cr_assert_eq(send_to_b(sa, out, sizeof(out)), (ssize_t)sizeof(out));
	usnet_clock_advance(1);
	ee = errqueue(sa);
	cr_assert_eq(ee.ee_type, 3);
	cr_assert_eq(ee.ee_code, 4);
	cr_assert_eq(ee.ee_errno, EMSGSIZE);
	cr_assert_eq(ee.ee_info, 576);
	/* And larger than its own link's MTU it is refused at once. */
	{
		unsigned char big[2000] = { 0 };

		errno = 0;
		cr_assert_eq(send_to_b(sa, big, sizeof(big)), -1);
		cr_assert_eq(errno, EMSGSIZE);
	}
}

/* ---- hostile fragment trains, injected on b's device -------------------- */

/* One fragment from 198.18.2.77 to b: @off bytes in, @len bytes, MF. */
static void inject(unsigned int off, unsigned int len, bool mf, uint16_t id)
{
	struct ipv4_hdr_info h = { .ttl = 64,
				   .protocol = IPV4_PROTO_UDP,
				   .saddr = 0xC612024Du,
				   .daddr = 0xC6120201u,
				   .id = id,
				   .mf = mf,
				   .frag_off = (uint16_t)off };
	struct net *net = (struct net *)b;
	struct sk_buff *skb = alloc_skb(IPV4_HLEN + len);
	uint8_t *p;

	cr_assert_not_null(skb);
	p = skb_put(skb, IPV4_HLEN + len);
	memset(p + IPV4_HLEN, 0x5a, len);
	if (off == 0 && len >= UDP_HLEN) {
		/* a UDP header to port 9000 (checksum 0: none) */
		memset(p + IPV4_HLEN, 0, UDP_HLEN);
		p[IPV4_HLEN + 2] = 9000 >> 8;
		p[IPV4_HLEN + 3] = 9000 & 0xff;
	}
	ipv4_emit(&h, len, p, IPV4_HLEN);
	skb->dev = dev_get_by_name(net, "eth0");
	skb->protocol = 0x0800;
	netif_rx(skb);
	cr_assert_eq(usnet_clock_advance(0), 0); /* receive it now */
}

IPV4_TEST(overlapping_fragments_drop_the_datagram)
{
	int sb;
	char buf[64];

	router(0);
	sb = udp_nb(b, "198.18.2.1", 9000);
	inject(0, 24, true, 7);
	inject(16, 24, false, 7); /* overlaps bytes 16..23 */
	errno = 0;
	cr_assert_eq(usnet_recv(sb, buf, sizeof(buf), 0), -1);
	cr_assert_eq(errno, EAGAIN);
	cr_assert_eq(stat_of(b, "drop.IP_FRAG"), 2);
}

IPV4_TEST(lone_fragment_times_out)
{
	router(0);
	inject(0, 16, true, 8);
	usnet_clock_advance(29 * SEC);
	cr_assert_eq(stat_of(b, "drop.IP_FRAG"), 0);
	usnet_clock_advance(1 * SEC);
	cr_assert_eq(stat_of(b, "drop.IP_FRAG"), 1);
}

IPV4_TEST(oversized_train_dropped)
{
	router(0);
	inject(0, 16, true, 9);
	/* A fragment ending past 65535 - 20 bytes. */
	inject(65528, 16, false, 9);
	cr_assert_geq(stat_of(b, "drop.IP_FRAG"), 1);
}

IPV4_TEST(fragments_in_reverse_order_reassemble)
{
	char buf[64];
	int sb;

	router(0);
	sb = udp_nb(b, "198.18.2.1", 9000);
	/* UDP length 40 (8 + 32): fix it in the first fragment below. */
	inject(24, 16, false, 10);
	inject(8, 16, true, 10);
	{
		/* The first fragment: UDP header with length 40. */
		struct ipv4_hdr_info h = { .ttl = 64,
					   .protocol = IPV4_PROTO_UDP,
					   .saddr = 0xC612024Du,
					   .daddr = 0xC6120201u,
					   .id = 10,
					   .mf = true };
		struct net *net = (struct net *)b;
		struct sk_buff *skb = alloc_skb(IPV4_HLEN + 8);
		uint8_t *p = skb_put(skb, IPV4_HLEN + 8);

		memset(p + IPV4_HLEN, 0, 8);
		p[IPV4_HLEN + 2] = 9000 >> 8;
		p[IPV4_HLEN + 3] = 9000 & 0xff;
		p[IPV4_HLEN + 5] = 40;
		ipv4_emit(&h, 8, p, IPV4_HLEN);
		skb->dev = dev_get_by_name(net, "eth0");
		skb->protocol = 0x0800;
		netif_rx(skb);
		/* Receive it now: every namespace's backlog is drained. */
		cr_assert_eq(usnet_clock_advance(0), 0);
	}
	cr_assert_eq(usnet_recv(sb, buf, sizeof(buf), 0), 32);
	cr_assert_eq(buf[0], 0x5a);
}
