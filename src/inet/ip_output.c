/*
 * ip_output.c - putting the IPv4 header on a packet and sending it.
 *
 * Called by the transports with the namespace lock held, the route already
 * chosen.  Fragmentation on output is not done yet: a packet larger than
 * the device's MTU is refused with EMSGSIZE (loopback's MTU of 65536 takes
 * every IPv4 datagram).
 */
#include <errno.h>
#include <net/ethernet.h>

#include "inet/ip.h"
#include "inet/netns_ipv4.h"
#include "wire/ipv4.h"

int ip_send_skb(struct net *net, struct sk_buff *skb, const struct ip_tx *tx,
		const struct rtable *rt)
{
	struct ipv4_hdr_info h = {
		.tos = tx->tos,
		.df = tx->df,
		.ttl = tx->ttl,
		.protocol = tx->protocol,
		.saddr = ntohl(tx->saddr),
		.daddr = ntohl(tx->daddr),
	};
	size_t payload_len = skb->len;
	uint8_t *hdr;

	if (payload_len + IPV4_HLEN > rt->dev->mtu) {
		kfree_skb_reason(net, skb, SKB_DROP_REASON_PKT_TOO_SMALL);
		return -EMSGSIZE;
	}
	if (skb_headroom(skb) < IPV4_HLEN) {
		kfree_skb_reason(net, skb, SKB_DROP_REASON_NOMEM);
		return -ENOBUFS;
	}
	/* Linux: no identification on a DF packet of an unconnected flow;
	 * a counter otherwise. */
	if (!tx->df)
		h.id = net_ipv4(net)->ip_id++;
	hdr = skb_push(skb, IPV4_HLEN);
	if (ipv4_emit(&h, payload_len, hdr, IPV4_HLEN) == 0) {
		kfree_skb_reason(net, skb, SKB_DROP_REASON_NOT_SPECIFIED);
		return -EINVAL;
	}
	skb_reset_network_header(skb);
	skb->dev = rt->dev;
	skb->protocol = ETHERTYPE_IP;
	return dev_queue_xmit(skb);
}
