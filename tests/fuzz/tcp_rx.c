/*
 * tcp_rx.c - libFuzzer target: arbitrary bytes arriving as TCP segments
 * at a namespace with a listener and an established connection (to a
 * peer namespace over a link, so that what the stack answers is itself
 * answered), to reach every state of the receive path.
 *
 * The first byte picks how an input is built: as raw bytes; as a segment
 * to the listener; or as a segment of the connection with the sequence
 * and acknowledgment numbers it expects (so that data, FIN, RST and the
 * window code are reached), in each case with the rest of the input XORed
 * over it, checksums fixed or not.  Every 1024 inputs the connection is
 * closed, the virtual clock runs two hours (every retransmission, FIN and
 * TIME_WAIT timer ends), and the object counts must be back where they
 * were with only the listener (no leak).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <usnet/usnet.h>

#include "core/netdevice.h"
#include "inet/tcp.h"
#include "lib/checksum.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define A_ADDR 0xC6120001u /* 198.18.0.1, this host */
#define B_ADDR 0xC6120002u /* 198.18.0.2, the peer */
#define PORT   80
#define SEC    1000000000LL

static struct usnet_net *net, *peer;
static struct net_device *dev;
static int listener = -1, server = -1, client = -1;
static uint16_t client_port;
static struct usnet_objects base;
static unsigned long inputs;

static void die(const char *what)
{
	perror(what);
	abort();
}

static void setup(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(PORT),
				   .sin_addr.s_addr = htonl(A_ADDR) };

	usnet_clock_virtual(0);
	net = usnet_net_create();
	peer = usnet_net_create();
	if (!net || !peer || usnet_link_add(net, "eth0", peer, "eth0", NULL))
		die("setup");
	if (usnet_ip(net, "addr add 198.18.0.1/24 dev eth0") ||
	    usnet_ip(net, "link set eth0 up") ||
	    usnet_ip(peer, "addr add 198.18.0.2/24 dev eth0") ||
	    usnet_ip(peer, "link set eth0 up"))
		die("usnet_ip");
	dev = dev_get_by_name((struct net *)net, "eth0");
	usnet_net_enter(net);
	listener = usnet_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (listener < 0 ||
	    usnet_bind(listener, (struct sockaddr *)&sin, sizeof(sin)) ||
	    usnet_listen(listener, 16))
		die("listen");
	usnet_objects_live(&base);
}

/* The peer connects; the handshake runs over the link. */
static void connect_peer(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(PORT),
				   .sin_addr.s_addr = htonl(A_ADDR) };
	socklen_t len = sizeof(sin);

	usnet_net_enter(peer);
	client = usnet_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	usnet_net_enter(net);
	if (client < 0)
		die("socket");
	usnet_connect(client, (struct sockaddr *)&sin, sizeof(sin));
	usnet_clock_advance(SEC / 1000);
	server = usnet_accept4(listener, NULL, NULL, SOCK_NONBLOCK);
	if (usnet_getsockname(client, (struct sockaddr *)&sin, &len))
		die("getsockname");
	client_port = ntohs(sin.sin_port);
}

static void close_all(void)
{
	if (server >= 0)
		usnet_close(server);
	if (client >= 0)
		usnet_close(client);
	server = client = -1;
}

/* A segment from the peer to @dport with flags from @sel; for the
 * connection, at the numbers it expects. */
static size_t tcp_template(uint8_t *buf, size_t room, uint8_t sel, bool to_conn)
{
	static const uint16_t flagsets[] = {
		TCPHDR_SYN,
		TCPHDR_ACK,
		TCPHDR_ACK | TCPHDR_PSH,
		TCPHDR_ACK | TCPHDR_FIN,
		TCPHDR_RST,
		TCPHDR_ACK | TCPHDR_RST,
		TCPHDR_SYN | TCPHDR_ACK,
		TCPHDR_ACK | TCPHDR_URG,
	};
	struct ipv4_hdr_info ih = { .ttl = 64,
				    .protocol = IPV4_PROTO_TCP,
				    .saddr = B_ADDR,
				    .daddr = A_ADDR };
	struct tcp_hdr_info th = { .sport = 40000,
				   .dport = PORT,
				   .seq = 1000,
				   .flags = flagsets[sel % 8],
				   .window = 65535 };
	struct wire_pseudo ph = { .saddr = B_ADDR, .daddr = A_ADDR };
	static const char payload[] = "fuzzdata";
	size_t plen = (sel & 8) ? 8 : 0;
	uint8_t hdr[TCP_HLEN + 40];
	size_t hlen;

	if (sel & 16) {
		th.opt.has_mss = true;
		th.opt.mss = 1000;
		th.opt.has_wscale = true;
		th.opt.wscale = 7;
	}
	if (to_conn && client_port) {
		struct sock *sk = tcp_lookup((struct net *)net, htonl(B_ADDR),
					     htons(client_port), htonl(A_ADDR),
					     htons(PORT));

		th.sport = client_port;
		if (sk && sk->sk_state != TCP_LISTEN) {
			th.seq = tcp_sk(sk)->rcv_nxt;
			th.ack_seq = tcp_sk(sk)->snd_nxt;
		}
	}
	hlen = tcp_emit(&th, &ph, payload, plen, hdr, sizeof(hdr));
	memcpy(buf + IPV4_HLEN, hdr, hlen);
	memcpy(buf + IPV4_HLEN + hlen, payload, plen);
	ipv4_emit(&ih, hlen + plen, buf, room);
	return IPV4_HLEN + hlen + plen;
}

static void fix_ip_csum(uint8_t *buf, size_t len)
{
	size_t ihl = (size_t)(buf[0] & 0x0f) * 4;

	if (len < IPV4_HLEN || ihl < IPV4_HLEN || ihl > len)
		return;
	buf[10] = buf[11] = 0;
	wire_put_be16(buf + 10,
		      (uint16_t)~csum_fold(csum_partial(buf, ihl, 0)));
}

static void drain(void)
{
	char b[4096];
	int s;

	if (server >= 0)
		while (usnet_recv(server, b, sizeof(b), MSG_DONTWAIT) > 0)
			;
	/* Connections the fuzz made with the listener are taken and
	 * closed. */
	while ((s = usnet_accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0)
		usnet_close(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t pkt[2048];
	struct sk_buff *skb;
	size_t len;

	if (!net)
		setup();
	if (size == 0 || size > 1500)
		return 0;
	if (client < 0)
		connect_peer();
	memset(pkt, 0, sizeof(pkt));
	if ((data[0] & 3) == 0) {
		len = size - 1;
		memcpy(pkt, data + 1, len);
	} else {
		len = tcp_template(pkt, sizeof(pkt), (uint8_t)(data[0] >> 2),
				   (data[0] & 3) != 1);
		/* The template's header stays whole for 1 in 2 inputs: only
		 * the part past it is mutated then. */
		for (size_t i = 1; i < size; i++)
			pkt[(i - 1) % len] ^=
				(data[0] & 0x40) && i < 41 ? 0 : data[i];
		if (data[0] & 0x80)
			fix_ip_csum(pkt, len);
	}
	skb = alloc_skb(len);
	if (!skb)
		return 0;
	memcpy(skb_put(skb, (unsigned int)len), pkt, len);
	skb->dev = dev;
	skb->protocol = 0x0800;
	netif_rx(skb);
	usnet_clock_advance(SEC / 1000); /* receive it, and the answers */
	drain();
	if (++inputs % 1024 == 0) {
		struct usnet_objects now;

		close_all();
		usnet_clock_advance(7200 * SEC);
		drain();
		usnet_objects_live(&now);
		if (now.skbs != base.skbs || now.socks != base.socks ||
		    now.sockets != base.sockets) {
			fprintf(stderr,
				"leak: %lu/%lu sockets, %lu/%lu socks, "
				"%lu/%lu skbs (now/at start)\n",
				now.sockets, base.sockets, now.socks,
				base.socks, now.skbs, base.skbs);
			abort();
		}
	}
	return 0;
}
