/*
 * ipv4_rx.c - libFuzzer target: arbitrary bytes arriving as IPv4 packets
 * on a device of a namespace that has UDP sockets bound, connected and
 * with IP_RECVERR, so that every branch of the receive path (IPv4 checks,
 * ICMP echo and errors, UDP delivery and errors) can be reached.
 *
 * Each input is one packet.  The first byte picks how it is built: as the
 * raw bytes, or as a valid template (IPv4+UDP to a bound port, or an ICMP
 * port unreachable quoting a datagram of the connected socket) with the
 * rest of the input XORed over it, checksums fixed or not.  After every
 * input the sockets' queues are emptied; every 1024 inputs the virtual
 * clock moves past the reassembly timeout and the object counts must be
 * back where they started (no leak).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <usnet/usnet.h>

#include "core/netdevice.h"
#include "lib/checksum.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"
#include "wire/udp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define A_ADDR 0xC6120001u /* 198.18.0.1, this host */
#define B_ADDR 0xC6120002u /* 198.18.0.2, the peer */

static struct usnet_net *net;
static struct net_device *dev;
static int socks[3];
static struct usnet_objects base;
static unsigned long inputs;

static void die(const char *what)
{
	perror(what);
	abort();
}

static void setup(void)
{
	struct usnet_net *peer = usnet_net_create();
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int on = 1;

	/* Virtual time: fragments wait in reassembly until the clock is
	 * moved past ipv4.ipfrag_time, which the leak check does. */
	usnet_clock_virtual(0);
	net = usnet_net_create();
	if (!net || !peer || usnet_link_add(net, "eth0", peer, "eth0", NULL))
		die("setup");
	if (usnet_ip(net, "addr add 198.18.0.1/24 dev eth0") ||
	    usnet_ip(net, "link set eth0 up") ||
	    usnet_ip(net, "link set lo up"))
		die("usnet_ip");
	dev = dev_get_by_name((struct net *)net, "eth0");
	usnet_net_enter(net);
	for (int i = 0; i < 3; i++) {
		socks[i] = usnet_socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
		sin.sin_addr.s_addr = htonl(A_ADDR);
		sin.sin_port = htons((uint16_t)(5000 + i));
		if (socks[i] < 0 ||
		    usnet_bind(socks[i], (struct sockaddr *)&sin, sizeof(sin)))
			die("bind");
	}
	/* 5001 is connected to the peer, 5002 also wants its errors. */
	sin.sin_addr.s_addr = htonl(B_ADDR);
	sin.sin_port = htons(6000);
	usnet_connect(socks[1], (struct sockaddr *)&sin, sizeof(sin));
	usnet_setsockopt(socks[2], SOL_IP, IP_RECVERR, &on, sizeof(on));
	usnet_objects_live(&base);
}

/* A valid IPv4+UDP datagram from the peer to port 5000 + @which. */
static size_t udp_template(uint8_t *buf, size_t room, int which)
{
	struct ipv4_hdr_info ih = { .ttl = 64,
				    .protocol = IPV4_PROTO_UDP,
				    .saddr = B_ADDR,
				    .daddr = A_ADDR };
	struct udp_hdr_info uh = { .sport = 6000,
				   .dport = (uint16_t)(5000 + which) };
	struct wire_pseudo ph = { .saddr = B_ADDR, .daddr = A_ADDR };
	static const char payload[] = "fuzz";
	uint8_t *p = buf + IPV4_HLEN + UDP_HLEN;

	memcpy(p, payload, 4);
	udp_emit(&uh, &ph, p, 4, buf + IPV4_HLEN, room - IPV4_HLEN);
	ipv4_emit(&ih, UDP_HLEN + 4, buf, room);
	return IPV4_HLEN + UDP_HLEN + 4;
}

/* An ICMP port unreachable from the peer quoting what 5001 sent it. */
static size_t icmp_template(uint8_t *buf, size_t room)
{
	struct ipv4_hdr_info ih = { .ttl = 64,
				    .protocol = IPV4_PROTO_ICMP,
				    .saddr = B_ADDR,
				    .daddr = A_ADDR };
	struct ipv4_hdr_info qh = { .ttl = 64,
				    .protocol = IPV4_PROTO_UDP,
				    .saddr = A_ADDR,
				    .daddr = B_ADDR };
	struct icmp_hdr_info ic = { .type = ICMP_TYPE_DEST_UNREACH, .code = 3 };
	struct udp_hdr_info uh = { .sport = 5001, .dport = 6000 };
	uint8_t quote[IPV4_HLEN + UDP_HLEN + 4] = { 0 };
	uint8_t *p = buf + IPV4_HLEN;

	ipv4_emit(&qh, UDP_HLEN + 4, quote, sizeof(quote));
	udp_emit(&uh, NULL, NULL, 0, quote + IPV4_HLEN, UDP_HLEN + 4);
	memcpy(p + ICMP_HLEN, quote, sizeof(quote));
	icmp_emit(&ic, p + ICMP_HLEN, sizeof(quote), p, room - IPV4_HLEN);
	ipv4_emit(&ih, ICMP_HLEN + sizeof(quote), buf, room);
	return IPV4_HLEN + ICMP_HLEN + sizeof(quote);
}

/* Recompute the IPv4 header checksum of a mutated template. */
static void fix_ip_csum(uint8_t *buf, size_t len)
{
	size_t ihl = (size_t)(buf[0] & 0x0f) * 4;

	if (len < IPV4_HLEN || ihl < IPV4_HLEN || ihl > len)
		return;
	buf[10] = buf[11] = 0;
	wire_put_be16(buf + 10,
		      (uint16_t)~csum_fold(csum_partial(buf, ihl, 0)));
}

static void drain_sockets(void)
{
	char b[2048];

	for (int i = 0; i < 3; i++) {
		while (usnet_recv(socks[i], b, sizeof(b), MSG_DONTWAIT) >= 0)
			;
		while (usnet_recv(socks[i], b, sizeof(b),
				  MSG_DONTWAIT | MSG_ERRQUEUE) >= 0)
			;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t pkt[2048];
	struct sk_buff *skb;
	size_t len;

	if (!net)
		setup();
	if (size == 0 || size > sizeof(pkt))
		return 0;
	switch (data[0] & 3) {
	case 0:
		len = size - 1;
		memcpy(pkt, data + 1, len);
		break;
	default:
		memset(pkt, 0, sizeof(pkt));
		len = (data[0] & 3) == 3 ? icmp_template(pkt, sizeof(pkt)) :
					   udp_template(pkt, sizeof(pkt),
							(data[0] >> 2) % 3);
		for (size_t i = 1; i < size; i++)
			pkt[(i - 1) % len] ^= data[i];
		if (data[0] & 0x80)
			fix_ip_csum(pkt, len);
		break;
	}
	skb = alloc_skb(len);
	if (!skb)
		return 0;
	memcpy(skb_put(skb, (unsigned int)len), pkt, len);
	skb->dev = dev;
	skb->protocol = 0x0800;
	netif_rx(skb);
	net_lock((struct net *)net);
	net_unlock((struct net *)net); /* receive it */
	drain_sockets();
	if (++inputs % 1024 == 0) {
		struct usnet_objects now;

		/* Let every reassembly queue time out, then count. */
		usnet_clock_advance(31LL * 1000000000);
		drain_sockets();
		usnet_objects_live(&now);
		if (now.skbs != base.skbs || now.socks != base.socks)
			abort(); /* something leaked */
	}
	return 0;
}
