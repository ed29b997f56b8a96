/*
 * icmp.c - ICMP: answering echo requests, sending errors, and passing the
 * errors we receive to the socket they concern (RFC 792, RFC 1122 3.2.2).
 *
 * Rate limits are not applied yet; Linux applies none on loopback, the
 * only device so far.
 */
#include <errno.h>
#include <string.h>

#include "inet/devinet.h"
#include "inet/ip.h"
#include "inet/netns_ipv4.h"
#include "inet/ping.h"
#include "inet/raw.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"

/* An error's quote and our reply fit in 576 bytes (RFC 1812 4.3.2.3). */
#define ICMP_ERR_MAX 576

/* Linux's icmp_err_convert[]: destination unreachable codes 0..15. */
static const struct {
	int err;
	bool fatal;
} unreach_err[] = {
	{ ENETUNREACH, false },	 /* network unreachable */
	{ EHOSTUNREACH, false }, /* host unreachable */
	{ ENOPROTOOPT, true },	 /* protocol unreachable */
	{ ECONNREFUSED, true },	 /* port unreachable */
	{ EMSGSIZE, false },	 /* fragmentation needed */
	{ EOPNOTSUPP, false },	 /* source route failed */
	{ ENETUNREACH, true },	 /* network unknown */
	{ EHOSTDOWN, true },	 /* host unknown */
	{ ENONET, true },	 /* source host isolated */
	{ ENETUNREACH, true },	 /* network prohibited */
	{ EHOSTUNREACH, true },	 /* host prohibited */
	{ ENETUNREACH, false },	 /* network unreachable for TOS */
	{ EHOSTUNREACH, false }, /* host unreachable for TOS */
	{ EHOSTUNREACH, true },	 /* communication prohibited */
	{ EHOSTUNREACH, true },	 /* host precedence violation */
	{ EHOSTUNREACH, true },	 /* precedence cut-off */
};

bool icmp_err_convert(uint8_t type, uint8_t code, int *errp)
{
	switch (type) {
	case ICMP_TYPE_DEST_UNREACH:
		if (code < ARRAY_SIZE(unreach_err)) {
			*errp = unreach_err[code].err;
			return unreach_err[code].fatal;
		}
		*errp = EHOSTUNREACH;
		return false;
	case ICMP_TYPE_PARAMETERPROB:
		*errp = EPROTO;
		return true;
	case ICMP_TYPE_TIME_EXCEEDED:
		*errp = EHOSTUNREACH;
		return false;
	default:
		*errp = 0;
		return false;
	}
}

/* Build and send one ICMP message with @body after its header. */
static void icmp_push_reply(struct net *net, const struct icmp_hdr_info *ih,
			    const void *body, size_t body_len, uint32_t saddr,
			    uint32_t daddr, uint8_t tos)
{
	struct ip_tx tx = {
		.saddr = saddr,
		.daddr = daddr,
		.protocol = IPPROTO_ICMP,
		.ttl = (uint8_t)READ_ONCE(net->sysctl.ip_default_ttl),
		.tos = tos,
	};
	struct sk_buff *skb;
	struct rtable rt;
	uint8_t *p;

	if (ip_route_output(net, daddr, saddr, 0, &rt))
		return;
	skb = alloc_skb(MAX_HEADER + ICMP_HLEN + body_len);
	if (!skb)
		return;
	skb_reserve(skb, MAX_HEADER);
	p = skb_put(skb, (unsigned int)(ICMP_HLEN + body_len));
	if (body_len)
		memcpy(p + ICMP_HLEN, body, body_len);
	if (!icmp_emit(ih, p + ICMP_HLEN, body_len, p, ICMP_HLEN + body_len)) {
		kfree_skb(skb);
		return;
	}
	tx.saddr = rt.src;
	ip_send_skb(net, skb, &tx, &rt);
}

void icmp_send(struct net *net, struct sk_buff *skb_in, uint8_t type,
	       uint8_t code, uint32_t info)
{
	const struct inet_skb_parm *cb = IPCB(skb_in);
	const uint8_t *quote = skb_network_header(skb_in);
	size_t qlen = (size_t)(skb_in->data - quote) + skb_in->len;
	struct icmp_hdr_info ih = { .type = type, .code = code };
	enum addr_type dtype;

	/* RFC 1122 3.2.2: never about an ICMP error, a broadcast or
	 * multicast, a non-initial fragment, or to a source that is not
	 * one host. */
	if (cb->protocol == IPPROTO_ICMP && skb_in->len >= 1 &&
	    icmp_is_error(skb_in->data[0]))
		return;
	dtype = inet_addr_type(net, cb->daddr);
	if (dtype == RTN_BROADCAST || dtype == RTN_MULTICAST)
		return;
	if (cb->saddr == htonl(INADDR_ANY) ||
	    inet_addr_type(net, cb->saddr) == RTN_BROADCAST)
		return;
	if (type == ICMP_TYPE_DEST_UNREACH && code == 4)
		ih.mtu = (uint16_t)info;
	if (qlen > ICMP_ERR_MAX - IPV4_HLEN - ICMP_HLEN)
		qlen = ICMP_ERR_MAX - IPV4_HLEN - ICMP_HLEN;
	/* Linux: errors go with precedence "internetwork control". */
	icmp_push_reply(net, &ih, quote, qlen,
			dtype == RTN_LOCAL ? cb->daddr : 0, cb->saddr,
			(uint8_t)((cb->tos & 0x1e) | 0xc0));
}

static void icmp_echo(struct net *net, struct sk_buff *skb,
		      const struct icmp_hdr_info *in)
{
	struct icmp_hdr_info reply = {
		.type = ICMP_TYPE_ECHO_REPLY,
		.id = in->id,
		.seq = in->seq,
	};

	if (READ_ONCE(net->sysctl.icmp_echo_ignore_all))
		return;
	icmp_push_reply(net, &reply, skb->data + ICMP_HLEN,
			skb->len - ICMP_HLEN, IPCB(skb)->daddr,
			IPCB(skb)->saddr, IPCB(skb)->tos);
}

static void icmp_rcv(struct net *net, struct sk_buff *skb)
{
	struct icmp_hdr_info ih;
	const struct net_protocol *prot;
	int err = icmp_parse(skb->data, skb->len, &ih);

	if (err) {
		kfree_skb_reason(net, skb,
				 err == WIRE_ERR_CHECKSUM ?
					 SKB_DROP_REASON_ICMP_CSUM :
					 SKB_DROP_REASON_ICMP_INHDR);
		return;
	}
	if (ih.type == ICMP_TYPE_ECHO) {
		icmp_echo(net, skb, &ih);
	} else if (ih.type == ICMP_TYPE_ECHO_REPLY ||
		   ih.type == ICMP_TYPE_EXT_ECHO_REPLY) {
		/* Linux counts a reply no ping socket takes as a drop, even
		 * when a raw socket saw it. */
		if (!ping_rcv(net, skb, &ih)) {
			kfree_skb_reason(net, skb, SKB_DROP_REASON_NO_SOCKET);
			return;
		}
	} else if (icmp_is_error(ih.type)) {
		/* The quoted datagram's source is ours: the raw sockets of
		 * its protocol hear of it, then the protocol finds the
		 * socket that sent it (Linux's icmp_socket_deliver()). */
		raw_icmp_error(net, skb, &ih);
		prot = icmp_protocol(ih.quote.protocol);
		if (prot && prot->err_handler)
			prot->err_handler(net, &ih, skb);
	}
	kfree_skb(skb);
}

/* Errors quoting an ICMP message are for the ping socket that sent it
 * (Linux's icmp_err()). */
static const struct net_protocol icmp_protocol_ops = {
	.handler = icmp_rcv,
	.err_handler = ping_err,
};

void icmp_init(void)
{
	inet_add_protocol(&icmp_protocol_ops, IPPROTO_ICMP);
}
