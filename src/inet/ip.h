/*
 * ip.h - IPv4 input and output, ICMP, and the per-packet control block.
 */
#ifndef USNET_INET_IP_H
#define USNET_INET_IP_H

#include <netinet/in.h>
#include <stdint.h>

#include "core/netdevice.h"
#include "inet/inet_sock.h"
#include "inet/route.h"

/* What ip_rcv() learned of a packet, kept in skb->cb (Linux's IPCB). */
struct inet_skb_parm {
	uint32_t saddr; /* network order */
	uint32_t daddr;
	int iif; /* ifindex it came in on */
	uint8_t ttl;
	uint8_t tos;
	uint8_t protocol;
	uint16_t sport; /* transport ports, network order */
	uint16_t dport;
	uint32_t dropcount; /* the socket's drops when queued */
};

#define IPCB(skb) ((struct inet_skb_parm *)(skb)->cb)

/* A transport protocol's receive and error handlers (Linux's net_protocol). */
struct net_protocol {
	/* @skb's data is the transport header; consumes @skb.  Lock held. */
	void (*handler)(struct net *net, struct sk_buff *skb);
	/* An ICMP error quoting a packet of this protocol. */
	void (*err_handler)(struct net *net, const void *icmp_info,
			    struct sk_buff *skb);
};

void ip_init(void);
void icmp_init(void);
void udp_init(void);
void inet_add_protocol(const struct net_protocol *prot, uint8_t protocol);
const struct net_protocol *icmp_protocol(uint8_t protocol);

/* How a packet is to go out (Linux's ipcm_cookie and flowi4). */
struct ip_tx {
	uint32_t saddr;
	uint32_t daddr;
	uint8_t protocol;
	uint8_t ttl;
	uint8_t tos;
	bool df;      /* set DF on what fits */
	bool no_frag; /* refuse what does not fit (IP_PMTUDISC_DO) */
};

/*
 * Push an IPv4 header on @skb (its data is the transport header) and send
 * it by @rt; consumes @skb.  Lock held.  Returns 0 or a negative errno
 * (the packet was dropped and counted).
 */
int ip_send_skb(struct net *net, struct sk_buff *skb, const struct ip_tx *tx,
		const struct rtable *rt);

/* Fragments (ip_fragment.c): reassemble one for this host (its data at the
 * payload) into the whole datagram, or NULL while it is incomplete (the
 * fragment is kept, or dropped and counted); lock held. */
struct ipv4_hdr_info;
struct sk_buff *ip_defrag(struct net *net, struct sk_buff *skb,
			  const struct ipv4_hdr_info *h);
/* Send @skb (data at its IPv4 header) in fragments of at most @mtu on
 * @dev; consumes it. */
int ip_fragment(struct net *net, struct sk_buff *skb, unsigned int mtu,
		struct net_device *dev);
void ip_frag_net_exit(struct net *net);

/* ICMP (icmp.c). */
void icmp_send(struct net *net, struct sk_buff *skb_in, uint8_t type,
	       uint8_t code, uint32_t info);

/* The RFC 1122 meaning of an ICMP error for a socket (Linux's
 * icmp_err_convert): *errp gets the errno, the result says whether it is
 * fatal (a hard error). */
bool icmp_err_convert(uint8_t type, uint8_t code, int *errp);

#endif
