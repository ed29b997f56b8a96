/*
 * icmp.c - ICMP: answering echo requests, sending errors within Linux's
 * rate limits (RFC 1812 4.3.2.8), and passing the errors we receive to
 * the socket they concern (RFC 792, RFC 1122 3.2.2).
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include "inet/devinet.h"
#include "inet/ip.h"
#include "inet/netns_ipv4.h"
#include "inet/ping.h"
#include "inet/raw.h"
#include "lib/clock.h"
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

/* ---- rate limits ------------------------------------------------------ */

/*
 * As Linux (icmp_global_allow(), icmpv4_xrlim_allow()): the types in
 * ipv4.icmp_ratemask (destination unreachable but fragmentation needed,
 * source quench, time exceeded, parameter problem; not echo replies) pass
 * two token buckets.  First the namespace's, refilled at
 * icmp_msgs_per_sec up to icmp_msgs_burst and checked before anything
 * else; then the destination's, which earns a message per icmp_ratelimit
 * and saves up to six.  Only a message both allow takes from the first,
 * 0, 1 or 2 credits at random so that the bucket cannot be read from
 * outside.  Each refusal is counted.  An error about a packet that came
 * in on the loopback passes neither; a message that goes out on it skips
 * the destination's.
 */
#define NR_ICMP_TYPES	   18
#define ICMP_FRAG_NEEDED   4
#define XRLIM_BURST_FACTOR 6

/* Linux's icmpv4_mask_allow(): what the limits leave alone. */
static bool icmp_unlimited(struct net *net, uint8_t type, uint8_t code)
{
	if (type > NR_ICMP_TYPES)
		return true;
	if (type == ICMP_TYPE_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
		return true; /* PMTU discovery */
	return !((1u << type) &
		 (unsigned int)READ_ONCE(net->sysctl.icmp_ratemask));
}

/* Whether the namespace's bucket has credit, refilling it once 20 ms have
 * passed since the last refill; nothing is taken yet. */
static bool icmp_global_allow(struct net *net)
{
	struct netns_ipv4 *ipv4 = net_ipv4(net);
	int64_t now = clock_now_ns(), delta, incr;

	if (ipv4->icmp_global_credit > 0)
		return true;
	delta = min_t(int64_t, now - ipv4->icmp_global_stamp, NSEC_PER_SEC);
	if (delta < NSEC_PER_SEC / 50)
		return false;
	incr = READ_ONCE(net->sysctl.icmp_msgs_per_sec) * delta / NSEC_PER_SEC;
	if (!incr)
		return false;
	ipv4->icmp_global_stamp = now;
	ipv4->icmp_global_credit =
		(int)min_t(int64_t, ipv4->icmp_global_credit + incr,
			   READ_ONCE(net->sysctl.icmp_msgs_burst));
	return true;
}

/* The bucket of @daddr, made when it has none (as new, it is full). */
static struct icmp_peer *icmp_peer_get(struct net *net, uint32_t daddr,
				       int64_t now)
{
	struct icmp_peer *set =
		net_ipv4(net)->icmp_peers +
		((daddr * 0x9e3779b1u) >> (32 - ICMP_PEER_SET_BITS)) *
			ICMP_PEER_WAYS;
	struct icmp_peer *p = set;

	for (int i = 0; i < ICMP_PEER_WAYS; i++) {
		if (set[i].daddr == daddr)
			return &set[i];
		if (!set[i].daddr || (p->daddr && set[i].last < p->last))
			p = &set[i];
	}
	p->daddr = daddr;
	p->tokens = 0;
	p->last = now - 60 * NSEC_PER_SEC; /* Linux's inet_getpeer() */
	return p;
}

/* Linux's icmpv4_xrlim_allow() and inet_peer_xrlim_allow(). */
static bool icmp_xrlim_allow(struct net *net, const struct rtable *rt,
			     uint32_t daddr)
{
	int64_t timeout = READ_ONCE(net->sysctl.icmp_ratelimit) * NSEC_PER_MSEC;
	int64_t now = clock_now_ns();
	struct icmp_peer *p;
	bool ok = true;

	if (!(rt->dev->flags & IFF_LOOPBACK)) {
		p = icmp_peer_get(net, daddr, now);
		p->tokens = min_t(int64_t, p->tokens + now - p->last,
				  XRLIM_BURST_FACTOR * timeout);
		p->last = now;
		ok = p->tokens >= timeout;
		if (ok)
			p->tokens -= timeout;
	}
	if (!ok) {
		net_inc_stats(net, MIB_IcmpOutRateLimitHost);
		return false;
	}
	net_ipv4(net)->icmp_global_credit -= (int)(net_random_u32(net) % 3);
	return true;
}

void icmp_net_init(struct net *net)
{
	/* Long enough ago that the first message finds the bucket full. */
	net_ipv4(net)->icmp_global_stamp = clock_now_ns() - NSEC_PER_SEC;
}

/* ---- sending ----------------------------------------------------------- */

/* Build and send one ICMP message with @body after its header, if the rate
 * limits let it go (when @limited). */
static void icmp_push_reply(struct net *net, const struct icmp_hdr_info *ih,
			    const void *body, size_t body_len, uint32_t saddr,
			    uint32_t daddr, uint8_t tos, bool limited)
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

	if (limited && !icmp_global_allow(net)) {
		net_inc_stats(net, MIB_IcmpOutRateLimitGlobal);
		return;
	}
	if (ip_route_output(net, daddr, saddr, 0, &rt))
		return;
	if (limited && !icmp_xrlim_allow(net, &rt, daddr))
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
	/* Linux: errors go with precedence "internetwork control", and
	 * without limits about what came over the loopback. */
	icmp_push_reply(
		net, &ih, quote, qlen, dtype == RTN_LOCAL ? cb->daddr : 0,
		cb->saddr, (uint8_t)((cb->tos & 0x1e) | 0xc0),
		!icmp_unlimited(net, type, code) &&
			!(skb_in->dev && (skb_in->dev->flags & IFF_LOOPBACK)));
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
			IPCB(skb)->saddr, IPCB(skb)->tos,
			!icmp_unlimited(net, reply.type, reply.code));
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
