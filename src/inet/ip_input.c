/*
 * ip_input.c - IPv4 packets arriving: checks, then delivery to the
 * transport (Linux's ip_rcv() and ip_local_deliver()).
 *
 * Every packet refused is counted under its drop reason.  Fragments for
 * this host are reassembled (ip_fragment.c); packets for other hosts are
 * forwarded when the namespace's ipv4.ip_forward is on.
 */
#include <net/ethernet.h>
#include <pthread.h>

#include "inet/devinet.h"
#include "inet/ip.h"
#include "inet/tcp.h"
#include "inet/netns_ipv4.h"
#include "inet/raw.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"

static const struct net_protocol *inet_protos[256];

void inet_add_protocol(const struct net_protocol *prot, uint8_t protocol)
{
	inet_protos[protocol] = prot;
}

const struct net_protocol *icmp_protocol(uint8_t protocol)
{
	return inet_protos[protocol];
}

static enum skb_drop_reason ip_parse_reason(int err)
{
	switch (err) {
	case WIRE_ERR_CHECKSUM:
		return SKB_DROP_REASON_IP_CSUM;
	case WIRE_ERR_TRUNCATED:
	case WIRE_ERR_TOTAL_LEN:
		return SKB_DROP_REASON_PKT_TOO_SMALL;
	default:
		return SKB_DROP_REASON_IP_INHDR;
	}
}

/* Hand a datagram for this host to the raw sockets of its protocol, then
 * to its transport (Linux's ip_protocol_deliver_rcu()); data is the
 * transport header. */
static void ip_local_deliver(struct net *net, struct sk_buff *skb,
			     enum addr_type type)
{
	const struct net_protocol *prot = inet_protos[IPCB(skb)->protocol];
	bool raw = raw_local_deliver(net, skb);

	if (!prot) {
		/* A raw socket took it: the protocol is not unreachable. */
		if (raw) {
			kfree_skb(skb);
			return;
		}
		if (type == RTN_LOCAL)
			icmp_send(net, skb, ICMP_TYPE_DEST_UNREACH,
				  2 /* protocol unreachable */, 0);
		kfree_skb_reason(net, skb, SKB_DROP_REASON_IP_NOPROTO);
		return;
	}
	prot->handler(net, skb);
}

/*
 * A datagram for another host (Linux's ip_forward()): only with
 * ipv4.ip_forward on; TTL spent is a time exceeded, no route a network
 * unreachable, too big with DF a fragmentation needed (RFC 1812 5.2).
 * data is the IPv4 header.
 */
static void ip_forward(struct net *net, struct sk_buff *skb,
		       const struct ipv4_hdr_info *h)
{
	struct rtable rt;

	if (!READ_ONCE(net->sysctl.ip_forward)) {
		kfree_skb_reason(net, skb, SKB_DROP_REASON_IP_NOT_FORWARDING);
		return;
	}
	if (h->ttl <= 1) {
		icmp_send(net, skb, ICMP_TYPE_TIME_EXCEEDED, 0, 0);
		kfree_skb_reason(net, skb, SKB_DROP_REASON_IP_TTL_EXPIRED);
		return;
	}
	if (ip_route_output(net, IPCB(skb)->daddr, 0, 0, &rt) ||
	    rt.type != RTN_UNICAST) {
		icmp_send(net, skb, ICMP_TYPE_DEST_UNREACH, 0 /* net */, 0);
		kfree_skb_reason(net, skb, SKB_DROP_REASON_IP_OUTNOROUTES);
		return;
	}
	if (skb->len > rt.dev->mtu && h->df) {
		icmp_send(net, skb, ICMP_TYPE_DEST_UNREACH, 4 /* frag needed */,
			  rt.dev->mtu);
		kfree_skb_reason(net, skb, SKB_DROP_REASON_PKT_TOO_SMALL);
		return;
	}
	ipv4_decrease_ttl(skb->data);
	skb->dev = rt.dev;
	if (skb->len > rt.dev->mtu)
		ip_fragment(net, skb, rt.dev->mtu, rt.dev);
	else
		dev_queue_xmit(skb);
}

static void ip_rcv(struct sk_buff *skb, struct net_device *dev)
{
	struct net *net = dev->net;
	struct ipv4_hdr_info h;
	enum addr_type type;
	int err;

	err = ipv4_parse(skb->data, skb->len, &h);
	if (err) {
		kfree_skb_reason(net, skb, ip_parse_reason(err));
		return;
	}
	/* Only loopback is trusted with a checksum left undone. */
	if (!(dev->flags & IFF_LOOPBACK))
		skb->ip_summed = CHECKSUM_NONE;
	skb_reset_network_header(skb);
	skb_trim(skb, h.tot_len);
	*IPCB(skb) = (struct inet_skb_parm){
		.saddr = htonl(h.saddr),
		.daddr = htonl(h.daddr),
		.iif = dev->ifindex,
		.ttl = h.ttl,
		.tos = h.tos,
		.protocol = h.protocol,
	};
	type = inet_addr_type(net, IPCB(skb)->daddr);
	if (type != RTN_LOCAL && type != RTN_BROADCAST &&
	    type != RTN_MULTICAST) {
		ip_forward(net, skb, &h);
		return;
	}
	skb_pull(skb, h.hdr_len);
	skb_reset_transport_header(skb);
	if (h.mf || h.frag_off) {
		skb = ip_defrag(net, skb, &h);
		if (!skb)
			return;
	}
	ip_local_deliver(net, skb, type);
}

static const struct packet_type ip_packet_type = {
	.type = ETHERTYPE_IP,
	.func = ip_rcv,
};

static void ip_init_once(void)
{
	dev_add_pack(&ip_packet_type);
	icmp_init();
	udp_init();
	tcp_init();
}

void ip_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, ip_init_once);
}
