/*
 * ip_input.c - IPv4 packets arriving: checks, then delivery to the
 * transport (Linux's ip_rcv() and ip_local_deliver()).
 *
 * Every packet refused is counted under its drop reason.  Reassembly and
 * forwarding come later; fragments and packets for other hosts are
 * dropped and counted meanwhile.
 */
#include <net/ethernet.h>

#include "inet/devinet.h"
#include "inet/ip.h"
#include "inet/netns_ipv4.h"
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

static void ip_rcv(struct sk_buff *skb, struct net_device *dev)
{
	struct net *net = dev->net;
	const struct net_protocol *prot;
	struct ipv4_hdr_info h;
	enum addr_type type;
	int err;

	err = ipv4_parse(skb->data, skb->len, &h);
	if (err) {
		kfree_skb_reason(net, skb, ip_parse_reason(err));
		return;
	}
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
	if (h.mf || h.frag_off) {
		kfree_skb_reason(net, skb, SKB_DROP_REASON_IP_FRAG);
		return;
	}
	type = inet_addr_type(net, IPCB(skb)->daddr);
	if (type != RTN_LOCAL && type != RTN_BROADCAST &&
	    type != RTN_MULTICAST) {
		kfree_skb_reason(net, skb, SKB_DROP_REASON_IP_NOT_FORWARDING);
		return;
	}
	skb_pull(skb, h.hdr_len);
	skb_reset_transport_header(skb);
	prot = inet_protos[h.protocol];
	if (!prot) {
		if (type == RTN_LOCAL)
			icmp_send(net, skb, 3 /* unreachable */, 2 /* proto */,
				  0);
		kfree_skb_reason(net, skb, SKB_DROP_REASON_IP_NOPROTO);
		return;
	}
	prot->handler(net, skb);
}

static const struct packet_type ip_packet_type = {
	.type = ETHERTYPE_IP,
	.func = ip_rcv,
};

void ip_init(void)
{
	dev_add_pack(&ip_packet_type);
	icmp_init();
	udp_init();
}
