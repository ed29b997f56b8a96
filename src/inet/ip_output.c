/*
 * ip_output.c - putting the IPv4 header on a packet and sending it.
 *
 * Called by the transports with the namespace lock held, the route already
 * chosen.  A packet larger than the device's MTU is fragmented, unless the
 * socket asked for IP_PMTUDISC_DO (then EMSGSIZE).
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

	bool frag = payload_len + IPV4_HLEN > rt->dev->mtu;

	if (frag && tx->no_frag) {
		kfree_skb_reason(net, skb, SKB_DROP_REASON_PKT_TOO_SMALL);
		return -EMSGSIZE;
	}
	if (frag)
		h.df = false; /* fragmented here, as Linux does for WANT */
	if (skb_headroom(skb) < IPV4_HLEN) {
		kfree_skb_reason(net, skb, SKB_DROP_REASON_NOMEM);
		return -ENOBUFS;
	}
	/* Linux: no identification on a DF packet of an unconnected flow;
	 * a counter otherwise. */
	if (!h.df)
		h.id = net_ipv4(net)->ip_id++;
	hdr = skb_push(skb, IPV4_HLEN);
	if (ipv4_emit(&h, payload_len, hdr, IPV4_HLEN) == 0) {
		kfree_skb_reason(net, skb, SKB_DROP_REASON_NOT_SPECIFIED);
		return -EINVAL;
	}
	skb_reset_network_header(skb);
	skb->dev = rt->dev;
	skb->protocol = ETHERTYPE_IP;
	if (frag)
		return ip_fragment(net, skb, rt->dev->mtu, rt->dev);
	return dev_queue_xmit(skb);
}
